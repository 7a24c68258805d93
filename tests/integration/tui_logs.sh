#!/bin/bash
# tui_logs.sh: a pod's log from the console, on the demo.  In a private
# tmux server:
#
#  - a service's page (Enter in 1 Health) has a cursor on its pods' lines,
#    j moves it; l opens the selected pod's log: "loading..." or the lines
#    at once, a header naming the context, the pod, its container and the
#    line count, the crash-looping checkout pod's panic as its last line;
#  - p reads the previous container's log ("previous" in the header, the
#    run before's last line), p again the current one;
#  - / searches: the match in the footer, n moves on, no match said;
#    f follows ("following" in the header), f again stops; Esc back to
#    the page, the cursor where it was;
#  - p on the page opens the previous container's log directly; a pod of
#    another service (one container; c says so);
#  - the read-only console (--readonly) reads logs all the same;
#  - quitting with a followed log open is clean (its reads stop before
#    the runtime goes; under valgrind: no access after free).
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 the
# console runs under memcheck (tests/lib/tmux.sh).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built; run make first"

tt_setup || exit 1
trap 'tt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# On a failure: the last screen read.
tap_got() {
	tt_last
}

PANIC='panic: configuration invalid: inventory.url: required key missing'
W=10	# seconds; tt_wait scales them by TT_SLOW

# The console on the health panel, with ARGS.
console() {	# ARG...
	echo "trap : INT; $(tt_prog "$SITREP") $* --panel health; echo EXITED:\$?; exec sleep 300"
}

# The page of service $1: filter the health panel down to it, Enter.
open_service() {	# NAME
	tt_keys Escape
	tt_keys /
	tt_type "$1"
	tt_keys Enter
	tt_wait_match 'tt_last | grep -qE "^[│|].* '"$1"' +[0-9]/[0-9]"' "$W" || return 1
	tt_keys Enter
	tt_wait "Service $1 " "$W"
}

# The selected pod's line (the cursor's mark before "pod").
selected() {
	tt_last | grep -E '^[│|] (▸|>) pod ' | head -n 1
}

# j until the selected pod's line matches $1 (at most 5 times).
select_pod() {	# ERE
	tries=0
	while [ $tries -lt 6 ]; do
		tt_wait_match '[ -n "$(selected)" ]' "$W" || return 1
		selected | grep -qE "$1" && return 0
		tt_keys j
		tries=$((tries + 1))
		sleep 0.2
	done
	return 1
}

# The header line of the log page (the row under the box's title).
log_header() {
	tt_last | grep -E '^[│|] context ' | head -n 1
}

# The log page's last line of text (above the status row).
last_log_line() {
	tt_last | grep -E '^[│|] [0-9]{4}-[0-9]{2}-[0-9]{2}T' | tail -n 1
}

tt_start -x 140 -y 45 -e USER=oncall "$(console --demo)"
tt_wait "1 Health" 20
check $? "the demo console starts on the health panel"
tt_wait_match 'tt_last | grep -qE "checkout +[0-9]/[0-9]"' 20
check $? "the demo's checkout service has its pods counted"

# --- the page's pods ------------------------------------------------------------
open_service checkout
check $? "Enter on checkout opens its page"
tt_wait_match '[ -n "$(selected)" ]' "$W"
check $? "a cursor is on a pod's line of the page"
tt_has "l: the selected pod's log"
check $? "the page's title says l reads the selected pod's log"
first=$(selected)
tt_keys j
tt_wait_match '[ -n "$(selected)" ] && [ "$(selected)" != "$first" ]' "$W"
check $? "j moves the cursor to the next pod's line"
tt_keys k
tt_wait_match '[ "$(selected)" = "$first" ]' "$W"
check $? "k moves it back"
select_pod CrashLoopBackOff
check $? "the cursor reaches the crash-looping pod"
pod=$(selected | grep -oE 'checkout-[a-z0-9]+-[a-z0-9]+' | head -n 1)

# --- D: deleting the pod goes through the action dialog (cancelled) -------------
tt_keys D
tt_wait "delete pod shop/$pod" "$W"
check $? "D: the action dialog for the selected pod"
tt_wait "server dry run: ok" "$W"
check $? "D: the gate's checks (the simulator's dry run)"
tt_keys n
tt_wait "cancelled: delete pod shop/$pod" "$W"
check $? "n: cancelled, nothing was done; back on the page"
tt_wait_match '[ "$(selected | grep -oE "checkout-[a-z0-9]+-[a-z0-9]+" | head -n 1)" = "$pod" ]' "$W"
check $? "the cursor is still on that pod"

# --- l: the log ----------------------------------------------------------------
tt_keys l
tt_wait_match 'tt_has "loading..." || tt_has "$PANIC"' "$W"
check $? "l: the log page answers at once (loading... or the lines)"
tt_wait "$PANIC" "$W"
check $? "l: the crash-looping pod's panic is in its log"
last_log_line | grep -qF "$PANIC"
check $? "l: the panic is the log's last line"
log_header | grep -qE "context demo +pod shop/$pod +container checkout +[0-9]+ lines"
check $? "the header names the context, shop/$pod, its container, the line count" \
    "context demo  pod shop/$pod  container checkout  N lines" "$(log_header)"
log_header | grep -q previous
check $((!$?)) "the header does not say previous yet"

# --- p: the previous container ---------------------------------------------------
tt_keys p
tt_wait_match 'log_header | grep -qE "container checkout +previous +[0-9]+ lines"' "$W"
check $? "p: the header says previous"
tt_wait_match 'last_log_line | grep -qF "$PANIC"' "$W"
check $? "p: the previous run's last line is its panic too"
tt_has "(previous container)"
check $? "p: the title says previous container"
tt_keys p
tt_wait_match '! log_header | grep -q previous && log_header | grep -qE "[0-9]+ lines"' "$W"
check $? "p again: the current container's log"

# --- / n N: search ----------------------------------------------------------------
tt_keys /
tt_type panic
tt_keys Enter
tt_wait_match 'tt_last | grep -qE "match [0-9]+ of [0-9]+"' "$W"
check $? "/panic Enter: the footer says which match of how many"
tt_keys n
tt_wait_match 'tt_last | grep -qE "match [0-9]+ of [0-9]+"' "$W"
check $? "n: the next match, said again"
tt_keys /
tt_keys BSpace BSpace BSpace BSpace BSpace
tt_type 'no-such-text-here'
tt_keys Enter
tt_wait "no match" "$W"
check $? "a search that finds nothing says no match"

# --- f: follow ---------------------------------------------------------------------
tt_keys f
tt_wait_match 'log_header | grep -q following' "$W"
check $? "f: the header says following"
sleep 2.5
tt_wait_match 'last_log_line | grep -qF "$PANIC"' "$W"
check $? "f: a re-read keeps the log as it was (no line twice at the end)"
n1=$(tt_last | grep -cF "$PANIC")
[ "$n1" -le 1 ]
check $? "f: the panic line is shown once after a re-read ($n1)"
tt_keys f
tt_wait_match '! log_header | grep -q following' "$W"
check $? "f again: following stops"

# --- back --------------------------------------------------------------------------
tt_keys Escape
tt_wait "Service checkout " "$W"
check $? "Esc: back to the service's page"
selected | grep -qF "$pod"
check $? "the cursor is still on $pod"

# p on the page: the previous container's log directly.
tt_keys p
tt_wait_match 'log_header | grep -qE "pod shop/'"$pod"' .*previous"' "$W"
check $? "p on the page: that pod's previous container's log"
tt_wait_match 'last_log_line | grep -qF "$PANIC"' "$W"
check $? "... ending with its panic"
tt_keys q
tt_wait "Service checkout " "$W"
check $? "q closes the log too"

# --- a service with one container ---------------------------------------------------
tt_keys Escape
tt_wait_gone "Service checkout " "$W"
open_service frontend
check $? "Enter on frontend opens its page"
tt_wait_match '[ -n "$(selected)" ]' "$W"
fpod=$(selected | grep -oE 'frontend-[a-z0-9]+-[a-z0-9]+' | head -n 1)
[ -n "$fpod" ]
check $? "a frontend pod is selected ($fpod)"
tt_keys l
tt_wait_match 'log_header | grep -qE "pod [a-z-]+/'"$fpod"' +container frontend +[0-9]+ lines"' "$W"
check $? "l: the frontend pod's log, its one container named"
[ -n "$(last_log_line)" ]
check $? "... with lines"
tt_keys c
tt_wait "has one container: frontend" "$W"
check $? "c: the pod has one container, said"
tt_keys Escape
tt_wait "Service frontend " "$W"
check $? "Esc: back to frontend's page"
tt_keys q
tt_wait_gone "Service frontend " "$W"

# The keys are in the help, from the key table.
tt_keys '?'
tt_wait "Keys (from the key table" "$W"
tt_has "prev-match" || tt_keys NPage
tt_wait_match 'tt_has "previous-logs" && tt_has "next-match" && tt_has "prev-match" && tt_has "follow"' "$W"
check $? "? lists the log keys (logs, previous-logs, container, follow, next-match, prev-match)"
tt_keys Escape
tt_wait_gone "Keys (from the key table" "$W"
tt_keys q
tt_wait "EXITED:0" 10
check $? "q quits"

# --- read-only: reading is not acting ----------------------------------------------
tt_start -x 140 -y 45 -e USER=oncall "$(console --readonly --demo)"
tt_wait_match 'tt_has "1 Health" && tt_has " read-only "' 20
check $? "--readonly --demo: the console starts read-only"
tt_wait_match 'tt_last | grep -qE "checkout +[0-9]/[0-9]"' 20
open_service checkout
check $? "read-only: Enter on checkout opens its page"
select_pod CrashLoopBackOff
check $? "read-only: the cursor reaches the crash-looping pod"
tt_keys l
tt_wait "$PANIC" "$W"
check $? "read-only: l reads the log all the same"
tt_lacks "read-only:"
check $? "read-only: no refusal is said"

# Quit with a followed log open: its reads stop before the runtime goes
# (app_logs_stop, as on a context switch; the demo has one context).
tt_keys f
tt_wait_match 'log_header | grep -q following' "$W"
check $? "read-only: f follows"
sleep 2.5
tt_keys C-c
tt_wait "again" "$W"
tt_keys C-c
tt_wait "EXITED:0" 10
check $? "Ctrl-C twice quits with the log page open"

if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
