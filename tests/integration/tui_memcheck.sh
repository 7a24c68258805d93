#!/bin/bash
# tui_memcheck.sh: the console under valgrind's memcheck, through every
# screen it has, so that a memory error on a path only a person at the
# keyboard takes (a detail page reading views that a refresh has freed)
# fails the suite.
#
# Runs `sitrep --demo` in a private tmux server under valgrind (always:
# this script sets SITREP_UNDER_VALGRIND=1, see tests/lib/tmux.sh for the
# options and what counts as an error), visits every panel, opens every
# kind of detail page and the help, uses the filter and the command line,
# keeps a detail page of each panel open across several rebuilds of the
# views (the demo refreshes every 2 s; a page must not point into the
# views a rebuild frees: `2`, Enter, then 12 s), resizes through the grid,
# stacked and too-small layouts with a page open, and quits with q; a
# second run quits with Ctrl-C twice from a detail page.  Then every
# valgrind log must be empty: no invalid read or write, no use of an
# uninitialised value, no bad free, no definite leak.  The screens are
# checked only as far as needed to know each step happened (tui_demo.sh
# checks what they show); nothing here measures time.  The console is 20
# to 50 times slower under valgrind: the waits scale by TT_SLOW.
#
# scripts/test runs it in its memory-checking step (not make check: it
# takes a minute or two); run it alone with
#   make check TESTS=tests/integration/tui_memcheck.sh
# TT_VALGRIND_DIR=DIR keeps the logs there.  TAP output; the plan comes
# last.

# tt_wait_match evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP_UNDER_VALGRIND=1
export SITREP_UNDER_VALGRIND
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
need_tools valgrind
SITREP=${SITREP:-$top_builddir/sitrep}
if [ ! -x "$SITREP" ]; then
	echo "1..1"
	echo "not ok 1 - $SITREP is not built; run make first"
	exit 1
fi

tt_setup || exit 1
trap 'tt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
started=$(date +%s)

# On a failure: the last screen read.
tap_got() {
	tt_last
}
# The console under a shell that reports how it ended (see tui_demo.sh).
console() {
	echo "trap : INT; $(tt_prog "$SITREP") --demo; echo EXITED:\$?; exec sleep 300"
}
# Press keys, then wait for text: KEYS... -- TEXT.
press() {
	tt_press "$@"
}
# Keep the open page on the screen for SECS while the views are rebuilt
# under it; status 0 when it is still there (TITLE) and the console has
# not ended.
hold() {	# SECS TITLE
	sleep "$1"
	tt_wait "$2" 2 && tt_lacks EXITED
}
# A step of a check failed: say which, with the screen, and fail the check.
missed() {	# LINE
	ok=1
	echo "# the step at line $1 did not happen"
	tt_dump "the screen"
}
# The header's first row, whose ages change as the demo refreshes.
header() {
	tt_capture | sed -n 1p
}

tt_start -x 100 -y 30 "$(console)"
tt_wait_match 'tt_has CRITICAL "4 Runbook"' 10
check $? "the demo console starts under valgrind"

# --- every panel ---------------------------------------------------------------
ok=0
press 2 -- "BUDGET LEFT" || missed $LINENO
press 3 -- "SEVERITY  AGE" || missed $LINENO
press 4 -- "runbook: " || missed $LINENO
press 1 -- "STATUS      SERVICE" || missed $LINENO
press Tab -- "BUDGET LEFT" || missed $LINENO
press BTab -- "STATUS      SERVICE" || missed $LINENO
check $ok "1-4, Tab and S-Tab focus every panel"

# --- the use-after-free scenario: an SLO page across rebuilds ----------------
h0=$(header)
press 2 Enter -- "┌ SLO checkout-availability"
ok=$?
hold 12 "┌ SLO checkout-availability" || missed $LINENO
h1=$(header)
echo "# header before: $h0"
echo "# header after:  $h1"
check $ok "2, Enter: the SLO page stays open 12 s while the views are rebuilt"
press Escape -- "BUDGET LEFT"
check $? "Esc back to the SLO panel after the rebuilds"
ok=0
press j Enter -- "┌ SLO checkout-latency" || missed $LINENO
press Escape G Enter -- "┌ SLO ledger-writes" || missed $LINENO
hold 4 "┌ SLO ledger-writes" || missed $LINENO
press Escape -- "BUDGET LEFT" || missed $LINENO
check $ok "more SLO pages (checkout-latency, ledger-writes with no data)"

# --- health, incident and runbook pages, each across rebuilds ---------------
ok=0
press 1 g Enter -- "┌ Service checkout" || missed $LINENO
hold 6 "┌ Service checkout" || missed $LINENO
press Escape j Enter -- "┌ Service frontend" || missed $LINENO
press Escape G Enter -- "┌ Service payments-api" || missed $LINENO
press Escape -- "STATUS      SERVICE" || missed $LINENO
check $ok "health pages (checkout, the worst, held 6 s; frontend; payments-api)"
ok=0
press 3 Enter -- "┌ Incident " || missed $LINENO
hold 6 "┌ Incident " || missed $LINENO
press Escape j Enter -- "┌ Incident " || missed $LINENO
press Escape -- "SEVERITY  AGE" || missed $LINENO
check $ok "incident pages (the first held 6 s, the next)"
ok=0
press 4 -- "runbook: " || missed $LINENO
press Enter -- "┌ Incident " || missed $LINENO
hold 4 "┌ Incident " || missed $LINENO
press Escape 1 -- "STATUS      SERVICE" || missed $LINENO
check $ok "the runbook panel's page"

# --- help, filter, command line -------------------------------------------------
ok=0
press '?' -- "Keys (from the key table" || missed $LINENO
hold 3 "Keys (from the key table" || missed $LINENO
press Escape -- "STATUS      SERVICE" || missed $LINENO
check $ok "? help, held across a rebuild, and back"
ok=0
tt_keys /
tt_type sea
tt_wait "/sea" || missed $LINENO
tt_type rch
tt_keys Enter
tt_wait "1 Health  /search" || missed $LINENO
press Enter -- "┌ Service search" || missed $LINENO
hold 3 "┌ Service search" || missed $LINENO
press Escape -- "1 Health  /search" || missed $LINENO
tt_keys Escape
tt_wait_gone "/search" || missed $LINENO
tt_keys 3 /
tt_type LedgerExport
tt_keys Enter Enter
tt_wait "summary: Export job nightly" || missed $LINENO
tt_keys Escape Escape 1
tt_wait "STATUS      SERVICE" || missed $LINENO
check $ok "the filter: typed, kept, a filtered page (and the ledger alert's), cleared"
ok=0
tt_type ':theme light'
tt_keys Enter
tt_wait_match 'tt_last | tail -n 1 | grep -qx "theme light"' || missed $LINENO
tt_type ':the'
tt_keys Tab
tt_wait_match 'tt_last | tail -n 1 | grep -qx ":theme"' || missed $LINENO
tt_type mono
tt_keys Enter
tt_wait_match 'tt_last | tail -n 1 | grep -qx "theme mono"' || missed $LINENO
tt_type ':ns shop'
tt_keys Enter
tt_wait " ns:shop " || missed $LINENO
tt_type ':ns'
tt_keys Enter
tt_wait_gone " ns:shop " || missed $LINENO
tt_type ':bogus'
tt_keys Enter
tt_wait "unknown command 'bogus'" || missed $LINENO
check $ok "the command line: theme, completion, ns, an unknown command"
ok=0
tt_type ':ns shpo'
tt_keys Enter
tt_wait "did you mean 'shop'?" || missed $LINENO
tt_type ':'
tt_keys Tab
tt_wait "matches: context ns silences theme ack unack note history incidents restart undo scale delete-pod q" || missed $LINENO
tt_keys Escape
tt_keys / x BSpace BSpace q u e u e
tt_wait "/queue" || missed $LINENO
tt_keys Escape Escape
tt_wait_gone "/queue" || missed $LINENO
tt_keys r
tt_wait "refreshed in " 10 || missed $LINENO
check $ok "refused names, Tab's matches, Backspace and typing on, the refresh report"

# --- resizes, with a page open and without -------------------------------------
ok=0
press 2 g Enter -- "┌ SLO checkout-availability" || missed $LINENO
for size in 200x60 80x24 79x23 60x10 150x40; do
	tt_resize "${size%x*}" "${size#*x}"
	sleep 0.5
done
tt_resize 100 30
hold 4 "┌ SLO checkout-availability" || missed $LINENO
press Escape -- "BUDGET LEFT" || missed $LINENO
tt_resize 200 60
tt_wait_match 'tt_last | grep -q "1 Health.*2 SLO burn"' || missed $LINENO
tt_resize 79 23
tt_wait "terminal too small" || missed $LINENO
tt_resize 100 30
tt_wait_gone "terminal too small" || missed $LINENO
check $ok "resizes: grid, stacked, too small, with a page open and without"

# --- quitting ---------------------------------------------------------------------
tt_keys q
tt_wait "EXITED:" 10
ok=$?
tt_has "EXITED:0" || missed $LINENO
check $ok "q quits with exit 0 (97 would be a valgrind error)"

tt_start -x 100 -y 30 "$(console)"
tt_wait "CRITICAL" 10
ok=$?
press 2 g Enter -- "┌ SLO checkout-availability" || missed $LINENO
press C-c -- "press Ctrl-C again to quit" || missed $LINENO
press C-c -- "EXITED:" || missed $LINENO
tt_has "EXITED:0" || missed $LINENO
check $ok "a second run: Ctrl-C twice from an SLO page quits with exit 0"
tt_kill

tt_valgrind_report
echo "# tui_memcheck took $(($(date +%s) - started))s"
tap_done
