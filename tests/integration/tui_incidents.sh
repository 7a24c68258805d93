#!/bin/bash
# tui_incidents.sh: the console's incident page and `:history`, in tmux.
#
# Runs `sitrep --demo` in a private tmux server.  Enter on an incident of
# panel 3 opens its page as the cache keeps it: state and priority, the
# start, the receivers Alertmanager notified, its alerts and its timeline;
# once the incidents are acknowledged locally (written into the cache as
# core/incident_act.c writes a local acknowledgement) the page says who,
# until when, and that it is a local ack with its reason.  `:history`
# opens over the panels and, while the demo has resolved nothing, says so
# plainly; with a resolved incident written into the cache (times known,
# hostile text in its title, actor and timeline) it lists it under the
# averages, Enter opens its page with the timeline in order and the
# hostile text as caret text, and Esc goes back step by step.  With
# SITREP_UNDER_VALGRIND=1 the console runs under memcheck and its logs
# must be clean.  TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
need_tools sqlite3
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built"

tt_setup || exit 1
trap 'tt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
DB=$TT_DIR/cache/sitrep/demo.db

# On a failure: the last screen read.
tap_got() {
	tt_last
}
# SQL on the console's cache while it runs (it may be writing a round).
q() {
	sqlite3 -cmd ".timeout 10000" "$DB" "$1"
}

tt_start -x 160 -y 45 "trap : INT; $(tt_prog "$SITREP") --demo; echo EXITED:\$?; exec sleep 300"
tt_wait "3 Incidents" 60
check $? "the demo console starts"
# The first round is stored once the incidents panel lists some.
tt_wait_match '[ "$(q "SELECT count(*) FROM incidents WHERE state <> '"'resolved'"'")" -gt 0 ]' 30
check $? "the demo's first round kept its incidents in the cache"

# ---- an open incident's page ------------------------------------------------
# Panel 3 lists them once the console has rebuilt its views after it.
tt_press 3 -- "triggered" 30
check $? "panel 3 lists the demo's incidents"
tt_press Enter -- "┌ Incident " 10
check $? "Enter on panel 3 opens the incident's page"
tt_wait "Timeline" 5
tt_has "Timeline" "system  fired: " "notified: " "Alerts" "P0, severity " \
    ", triggered, since " "not acknowledged" "  labels" "  annotations"
check $? "the page: state and priority, receivers notified, alerts, a timeline from its firing"
tt_has "slack-alerts"
check $? "the demo's receivers are named"
tt_press Escape -- "1 Health" 5
check $? "Esc goes back to the panels"

# Every open incident acknowledged here only, as a refused write leaves it.
now=$(( $(date +%s) * 1000 ))
q "UPDATE incidents SET state = 'acknowledged', ack_by = 'bob',
  ack_ms = $now, ack_until_ms = $now + 3600000, ack_local = 1,
  ack_reason = 'HTTP 403: read-only', first_ack_ms = $now,
  first_ack_by = 'bob' WHERE state = 'triggered'"
check $? "the open incidents acknowledged locally in the cache"
tt_press Enter -- "local ack, not shared: HTTP 403: read-only" 10
check $? "the page says who acknowledged, until when, and that it is local, with the reason"
tt_has "acknowledged by bob until " "first acknowledged by bob at "
check $? "... by bob, until a time, and the first acknowledgement"
tt_keys Escape

# ---- :history as the demo stands --------------------------------------------
# The demo resolves nothing in its first minutes; a slow run (valgrind)
# may see it resolve one, and then the history must count it.
resolved=$(q "SELECT count(*) FROM incidents WHERE state = 'resolved'")
tt_keys :
tt_type history
tt_press Enter -- "History: incidents resolved in the last 30d" 10
check $? ":history opens over the panels"
if [ "$resolved" = 0 ] &&
    [ "$(q "SELECT count(*) FROM incidents WHERE state = 'resolved'")" = 0 ]
then
	tt_has "no resolved incident in the last 30d"
	check $? "with nothing resolved it says so plainly"
else
	tt_has "resolved in the last 30d; MTTA "
	check $? "the demo resolved an incident already: the history counts it"
fi
tt_press Escape -- "1 Health" 5
check $? "Esc closes it"

# ---- :history with a resolved incident --------------------------------------
S=$(( now - 7200000 ))
E="char(27)"
q "INSERT INTO incidents (id, context, group_key, title, severity, priority,
  state, started_ms, updated_ms, quiet_ms, resolved_ms, mitigated_ms,
  first_ack_ms, first_ack_by)
VALUES ('feed0001', 'demo', 'alertname=Evil',
  'Evil ' || $E || '[2J title', 'critical', 'P0', 'resolved', $S, $S + 600000,
  $S + 600000, $S + 600000, $S + 540000, $S + 180000,
  'mallory' || $E || '[31m');
INSERT INTO incident_timeline (incident_id, ts_ms, kind, actor, text)
VALUES ('feed0001', $S, 'fired', 'system', 'Evil fired'),
  ('feed0001', $S + 180000, 'acknowledged', 'mallory' || $E || '[31m',
  'acked ' || char(155) || '31m by mallory'),
  ('feed0001', $S + 600000, 'state changed', 'system',
  'mitigated -> resolved: no alert has fired for 5m');"
check $? "a resolved incident written into the cache"
tt_keys :
tt_type history
# Alone (the demo resolved nothing yet), its times are the averages.
alone=$(q "SELECT count(*) = 1 FROM incidents WHERE state = 'resolved'")
tt_press Enter -- "resolved in the last 30d; MTTA " 10
check $? ":history shows the averages on top"
if [ "$alone" = 1 ] && [ "$(q "SELECT count(*) = 1 FROM incidents WHERE state = 'resolved'")" = 1 ]; then
	tt_has "1 resolved in the last 30d; MTTA 3m (median 3m, 1 acknowledged); MTTR 10m (median 10m)"
	check $? "... MTTA 3m and MTTR 10m, with their medians"
else
	skip "MTTA and MTTR of the written incident alone" \
	    "the demo resolved incidents of its own meanwhile (a slow run)"
fi
tt_has "acknowledged most: " "mallory^[[31m 1" "feed0001" \
    "Evil ^[[2J title"
check $? "who acknowledged most, and the incident's row, hostile text as caret text"
tt_wait_match 'printf "%s\n" "$TT_LAST" | grep -q "feed0001 *P0 *[0-9hm]* ago *10m *3m *9m *mallory^\[\[31m"' 5
check $? "the row: id, priority, resolved when, duration, TTA, TTM, acked by"
# Resolved before any incident of the demo: the last row.
tt_press G Enter -- "┌ Incident feed0001" 10
check $? "Enter opens the resolved incident's page"
tt_has "resolved " "after 10m" "first acknowledged by mallory^[[31m at " \
    "after 3m"
check $? "its page: resolved after 10m, first acknowledged after 3m"
printf '%s\n' "$TT_LAST" | sed -n '/Timeline/,$p' |
    grep -o 'system  fired: Evil fired\|mallory^\[\[31m  acknowledged: acked\|system  state changed: mitigated -> resolved' |
    tr '\n' '|' >"$TT_DIR/timeline"
check_eq "its timeline in order, with actors" \
    "system  fired: Evil fired|mallory^[[31m  acknowledged: acked|system  state changed: mitigated -> resolved|" \
    "$(cat "$TT_DIR/timeline")"
tt_press Escape -- "History: incidents resolved in the last 30d" 5
check $? "Esc goes back to the history"
tt_press Escape -- "1 Health" 5
check $? "Esc again goes back to the panels"

tt_press q -- "EXITED:0" 20
check $? "q quits with exit 0"
tt_kill
if tt_valgrind; then
	tt_valgrind_report
fi
tap_done
