#!/bin/sh
# demo_command.sh: the README's first command, scripts/demo, ends in the
# running demo console (setup is already done here, so it is quick), and
# quitting it gives the terminal back.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tmux.sh"

top_builddir=${top_builddir:-$top_srcdir}
if [ "$(cd "$top_srcdir" && pwd -P)" != "$(cd "$top_builddir" && pwd -P)" ]; then
	echo "1..0 # SKIP scripts/demo builds in the source tree; this is a separate build tree"
	exit 0
fi
if ! tt_available; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
tt_setup
trap tt_cleanup EXIT INT TERM

n=0
failed=0
ok() {	# status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		tt_last | sed 's/^/#   |/'
		failed=1
	fi
}

echo "1..3"
# The README says to run it from the clone; the build tree is that here.
tt_start -x 120 -y 40 "cd '$top_srcdir' && scripts/demo; echo DEMO-EXITED:\$?; exec sleep 300"
tt_wait "CRITICAL" 120
ok $? "scripts/demo ends in the console (header shows the demo's status)"
tt_has "demo" "1 Health" "2 SLO burn" "3 Incidents" "4 Runbook"
ok $? "the console shows the demo context and its four panels"
tt_keys q
tt_wait "DEMO-EXITED:0" 10
ok $? "q quits the demo with exit 0"
exit $failed
