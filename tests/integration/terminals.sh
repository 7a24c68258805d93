#!/bin/sh
# terminals.sh: the console refuses a terminal it cannot draw on.
#
# A terminal type this machine does not know, and one that cannot place
# the cursor (TERM=dumb, a hardcopy terminal), are refused before anything
# is drawn: exit 2, one sentence naming the TERM and saying what to do
# (set TERM, or use 'sitrep snapshot'), and no escape sequence on the
# terminal.  The console runs on a pseudo-terminal made by script(1).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"

[ -x "$SITREP" ] || skip_all "$SITREP is not built"
need_tools script timeout

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-term.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
esc=$(printf '\033')

# Run the demo console on a pseudo-terminal with TERM=$1; output in
# $tmp/out, the console's exit status on its last line.
run_term() {
	TERM=$1 XDG_CACHE_HOME=$tmp/cache HOME=$tmp timeout 10 script -qec \
	    "'$SITREP' --demo; echo \"rc=\$?\"" /dev/null </dev/null \
	    >"$tmp/out" 2>&1
}

for term in dumb nosuch-terminal; do
	run_term "$term"
	out=$(tr -d '\r' <"$tmp/out")
	case $out in *"rc=2"*) st=0 ;; *) st=1 ;; esac
	check "$st" "TERM=$term: exit 2" "rc=2" "$out"
	case $out in
	*"TERM=$term"*"set TERM to"*) st=0 ;;
	*) st=1 ;;
	esac
	check "$st" "TERM=$term: the message names the TERM and says what to do" \
	    "TERM=$term ... set TERM to" "$out"
	case $out in *"$esc"*) st=1 ;; *) st=0 ;; esac
	check "$st" "TERM=$term: no escape sequence reached the terminal" \
	    "no ESC" "$out"
done
case $(tr -d '\r' <"$tmp/out") in *"use 'sitrep snapshot'"*|*"ncurses-term"*) st=0 ;; *) st=1 ;; esac
run_term dumb
case $(tr -d '\r' <"$tmp/out") in *"use 'sitrep snapshot'"*) st=0 ;; *) st=1 ;; esac
check "$st" "TERM=dumb: the message points to 'sitrep snapshot'"

# Control: a terminal that can draw gets the console (killed by timeout).
TERM=xterm-256color XDG_CACHE_HOME=$tmp/cache HOME=$tmp timeout 3 script -qec \
    "'$SITREP' --demo" /dev/null </dev/null >"$tmp/out" 2>&1
case $(cat "$tmp/out") in
*"cannot place the cursor"*|*"does not know"*) st=1 ;;
*"$esc"*) st=0 ;;
*) st=1 ;;
esac
check "$st" "control: TERM=xterm-256color starts the console"

tap_done
