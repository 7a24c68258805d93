#!/bin/bash
# tui_workthrough.sh: the demo's crash loop worked end to end from the
# console, the simulated world playing three times faster.  In a private
# tmux server:
#
#  - the crash-looping incident shows its runbook, its checks failing
#    with their live values and the undo as the next action;
#  - n opens the action dialog: the gate's checks, the preview with the
#    image that changes, then y; the rollout is followed to its end;
#  - the runbook marks the undo done; the crash loop stops;
#  - the incident's timeline has the action and the rollout's end, the
#    audit log one row naming the incident, and the chain verifies.
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 the
# console runs under memcheck (tests/lib/tmux.sh).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
need_tools sqlite3
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built; run make first"

tt_setup || exit 1
trap 'tt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tap_got() {
	tt_last
}

DB=$TT_DIR/cache/sitrep/demo.db
sql() {
	sqlite3 -batch "$DB" "$1" 2>/dev/null
}

tt_start -x 150 -y 50 -e USER=oncall \
    "trap : INT; $(tt_prog "$SITREP") --demo --speed 3 --panel incidents; echo EXITED:\$?; exec sleep 300"
tt_wait_match 'tt_has "3 Incidents" && tt_has "runbook "' 30
check $? "the demo console starts on the incidents panel, a runbook shown"

# The crash loop incident.
tries=0
while [ $tries -lt 12 ] && ! tt_has "runbook checkout crash loop:"; do
	tt_keys j
	tt_wait "runbook checkout crash loop:" 2
	tries=$((tries + 1))
done
tt_wait "runbook checkout crash loop:" 10
check $? "the crash loop incident shows its runbook"
tt_wait_match 'tt_last | grep -qE "✘ no restarts among the checkout pods: [1-9][0-9]*"' 30
check $? "its restart check fails, with the live count"
tt_has "next (n): undo deployment shop/checkout"
check $? "the next action: the undo of shop/checkout"
id=$(sql "SELECT id FROM incidents WHERE title LIKE '%KubePodCrashLooping%' AND state != 'resolved' ORDER BY started_ms LIMIT 1")
[ -n "$id" ]
check $? "the crash loop incident is in the cache ($id)"

# n: the dialog, the preview, y.
tt_keys 4
tt_keys n
tt_wait "roll back deployment shop/checkout" 10
check $? "n opens the action dialog for the undo"
tt_wait "server dry run: ok" 20
check $? "the gate's checks pass (the simulator's dry run)"
tt_has "image checkout: 1.42.0 -> 1.41.3"
check $? "the preview shows the image that changes"
tt_has "demo-eu1" && tt_has "shop" && tt_has "deployment/checkout"
check $? "... with cluster, namespace and object"
tt_keys y
tt_wait "rolled back" 20
check $? "y: the undo is done"
tt_wait "Waiting for deployment \"checkout\" rollout to finish" 20
check $? "the rollout is followed in the dialog"
tt_has "undo to revision"
check $? "the way back is shown"
# Closed, the dialog's rollout is still followed (to the timeline).
tt_keys Escape

# The runbook follows, while the incident is still listed (its alert
# stops a minute after the rollback, before the rollout ends).
tt_wait "[x] undo deployment shop/checkout" 20
check $? "the runbook marks the undo done"
tt_wait_gone "runbook checkout crash loop:" 90
check $? "the crash loop stops: its incident leaves the list"
# The rollout is still followed with the dialog closed: its end comes
# to the footer.
tt_wait 'successfully rolled out' 60
check $? "the footer says when the rollout has finished"

# The record.
check_eq "the timeline: the action, then the rollout's end" "1|1" \
    "$(sql "SELECT (SELECT count(*) FROM incident_timeline WHERE incident_id = '$id' AND kind = 'action' AND text LIKE 'undo deployment shop/checkout: %'), (SELECT count(*) FROM incident_timeline WHERE incident_id = '$id' AND kind = 'rollout' AND text LIKE 'rollout of deployment shop/checkout complete%')")"
check_eq "one audit row: undo ok, by the operator, for the incident" \
    "1|ok|1|1" \
    "$(sql "SELECT count(*), result, actor LIKE 'oncall@%', detail LIKE '%incident $id%' FROM audit WHERE action = 'undo'")"
tt_keys q
tt_wait "EXITED:0" 60
check $? "the console quits cleanly"
HOME=$TT_DIR/home XDG_CACHE_HOME=$TT_DIR/cache "$SITREP" --demo incident show "$id" >"$TT_DIR/show" 2>&1
grep -q "undo deployment shop/checkout: " "$TT_DIR/show" &&
    grep -q "rollout of deployment shop/checkout complete" "$TT_DIR/show"
check $? "sitrep incident show: the timeline has the undo and the rollout" \
    "both rows" "$(cat "$TT_DIR/show")"
HOME=$TT_DIR/home XDG_CACHE_HOME=$TT_DIR/cache "$SITREP" --demo audit verify >"$TT_DIR/verify" 2>&1
check $? "sitrep audit verify: the chain is intact" 0 "$(cat "$TT_DIR/verify")"
if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
