#!/bin/bash
# tui_ack.sh: working an incident from the console, on the demo.  In a
# private tmux server:
#
#  - 'a' on the incidents panel acknowledges the selected incident through
#    the gate: the footer says so at once, then that it is acknowledged in
#    the simulator; the panel shows it acked; the silence is in the cache
#    with its ACK comment and the operator as author;
#  - 'a' again extends it; :note adds a note; :unack takes it back and the
#    panel shows it triggered again;
#  - 'a' elsewhere says where incidents are acknowledged;
#  - every write left its audit row, and the chain verifies.
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

# On a failure: the last screen read.
tap_got() {
	tt_last
}

DB=$TT_DIR/cache/sitrep/demo.db
sql() {
	sqlite3 -batch "$DB" "$1" 2>/dev/null
}

# The state word of the panel's row of the incident titled $TITLE.
state_of() {
	tt_last | grep -F " $TITLE" | grep -E '^[│|] *P[0-3] ' | head -n 1 |
	    grep -oE 'triggered|acked|mitigated' | head -n 1
}

tt_start -x 140 -y 45 -e USER=oncall \
    "trap : INT; $(tt_prog "$SITREP") --demo --panel incidents; echo EXITED:\$?; exec sleep 300"
tt_wait_match 'tt_has "3 Incidents" && tt_last | grep -qE "P[0-3] .*triggered"' 20
check $? "the demo console starts on the incidents panel"
id=$(sql "SELECT id FROM incidents WHERE state = 'triggered' ORDER BY priority, started_ms LIMIT 1")

# The runbook panel shows the selected (P0) incident's escalation.
tt_wait_match 'tt_last | grep -qE "escalation: level [0-9] of 5, [a-z -]+; [a-z -]+ in [0-9]"' 10
check $? "the runbook panel shows the escalation level and who is next, when"

# --- a: acknowledge ------------------------------------------------------------
tt_keys a
tt_wait_match 'tt_has "acknowledged until" || tt_has "acknowledging incident"' 5
check $? "a: the footer answers the key at once"
tt_wait "acknowledged until" 10
ok=$?
tt_has "in the simulator" || ok=1
check $ok "a: then says the incident is acknowledged in the simulator"
sel=$(sql "SELECT id FROM incidents WHERE state = 'acknowledged'")
[ -n "$sel" ] && [ "$(echo "$sel" | wc -l)" = 1 ]
check $? "one incident is acknowledged in the cache ($sel)"
TITLE=$(sql "SELECT title FROM incidents WHERE id = '$sel'")
tt_wait_match '[ "$(state_of)" = acked ]' 10
check $? "the panel shows it acked ($TITLE)"
tt_wait_match 'tt_has "acknowledged by oncall@" && tt_has "(stopped: acked)"' 10
check $? "the runbook panel: acknowledged by the operator, escalation stopped"
# The simulated Alertmanager lists it from its next round on.
tries=0
row=
while [ $tries -lt $((300 * TT_SLOW)) ] && [ -z "$row" ]; do
	row=$(sql "SELECT created_by || '|' || substr(comment, 1, 13) FROM
	    silences WHERE comment LIKE 'ACK %' AND state = 'active'")
	[ -n "$row" ] || sleep 0.1
	tries=$((tries + 1))
done
case $row in
oncall@*"|ACK $sel:"*) ok=0 ;;
*) ok=1 ;;
esac
check $ok "its silence is listed, by the operator, comment ACK $sel: ($row)"

# --- again: extend; a note; unack ---------------------------------------------
until1=$(sql "SELECT ack_until_ms FROM incidents WHERE id = '$sel'")
sleep 1
tt_keys a
tt_wait "acknowledgement extended" 10
check $? "a again: the acknowledgement is extended"
until2=$(sql "SELECT ack_until_ms FROM incidents WHERE id = '$sel'")
[ -n "$until1" ] && [ -n "$until2" ] && [ "$until2" -gt "$until1" ]
check $? "its end moved later ($until1 -> $until2)"

tt_type ':note rolled back payments'
tt_keys Enter
tt_wait "note added to incident $sel" 10
check $? ":note adds a note"
note=$(sql "SELECT actor || '|' || text FROM incident_timeline WHERE kind = 'note'")
case $note in
oncall@*"|rolled back payments") ok=0 ;;
*) ok=1 ;;
esac
check $ok "the note is in the timeline, by the operator ($note)"

tt_type ':unack'
tt_keys Enter
tt_wait "is no longer acknowledged" 10
check $? ":unack takes the acknowledgement back"
tt_wait_match '[ "$(state_of)" = triggered ]' 10
check $? "the panel shows it triggered again"
[ "$(sql "SELECT state FROM incidents WHERE id = '$sel'")" = triggered ]
check $? "the cache agrees"

# --- a elsewhere ---------------------------------------------------------------
tt_keys 1 a
tt_wait "a acknowledges an incident: select one in 3 Incidents" 5
check $? "a on another panel says where incidents are acknowledged"
tt_keys s
tt_wait "s silences an incident: select one in 3 Incidents" 5
check $? "s on another panel says where incidents are silenced"

# --- the audit log -------------------------------------------------------------
tt_keys q
tt_wait "EXITED:0" 10
check $? "q quits"
audit=$(sql "SELECT group_concat(action || ':' || result, ' ') FROM audit")
check_eq "every write left one audit row with its result" \
    "silence:ok silence update:ok note:ok expire:ok" "$audit"
(cd "$TT_DIR" && HOME=$TT_DIR/home XDG_CACHE_HOME=$TT_DIR/cache \
    XDG_CONFIG_HOME=$TT_DIR/config "$SITREP" --demo audit verify \
    >"$TT_DIR/verify" 2>&1)
check $? "sitrep audit verify: the chain is intact"
[ -n "$id" ]
check $? "the demo has a triggered incident to work ($id)"

if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
