#!/bin/sh
# demo_command.sh: the README's first command, scripts/demo, ends in the
# running demo console (setup is already done here, so it is quick), and
# quitting it gives the terminal back.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tmux.sh"

top_builddir=${top_builddir:-$top_srcdir}
if [ "$(cd "$top_srcdir" && pwd -P)" != "$(cd "$top_builddir" && pwd -P)" ]; then
	skip_all "scripts/demo builds in the source tree; this is a separate build tree"
fi
tt_available || skip_all "tmux is not installed" tmux
tt_setup
trap tt_cleanup EXIT INT TERM

# On a failure: the last screen read.
tap_got() {
	tt_last
}

echo "1..3"
# The README says to run it from the clone; the build tree is that here.
tt_start -x 120 -y 40 "cd '$top_srcdir' && scripts/demo; echo DEMO-EXITED:\$?; exec sleep 300"
tt_wait "CRITICAL" 120
check $? "scripts/demo ends in the console (header shows the demo's status)"
tt_has "demo" "1 Health" "2 SLO burn" "3 Incidents" "4 Runbook"
check $? "the console shows the demo context and its four panels"
tt_keys q
tt_wait "DEMO-EXITED:0" 10
check $? "q quits the demo with exit 0"
[ "$failed" -eq 0 ]
