#!/bin/bash
# tui_incidents_all.sh: `:incidents all`, every context's open incidents
# in one list, worst first, in tmux.
#
# Runs `sitrep --demo` in a private tmux server; its cache holds the
# demo's incidents (context demo).  A second context's incidents are
# written into the same cache, as `sitrep fetch --all` writes them:
# staging has a P0 that fires unacknowledged (the oldest of all), a P3
# that is mitigated, and a resolved one that must not show.
# `:incidents all` lists both contexts with a context column, worst
# first (priority, then triggered before acknowledged before mitigated,
# then oldest); Enter on staging's row says to switch with `:context
# staging` and opens nothing; `:incidents` alone lists only the demo's,
# and Enter there opens the incident's page.  Esc closes.  With
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
# The rows of the list on the last screen read: "CONTEXT PRI STATE" each.
rows() {
	tt_last | awk '/CONTEXT +PRI +STATE/ { on = 1; next }
	    on && $1 == "│" && $3 ~ /^P[0-3]$/ { print $2, $3, $4; next }
	    on { on = 0 }'
}
# 0 when the rows are worst first: priority, then state rank.
worst_first() {
	rows | awk 'BEGIN { r["triggered"] = 0; r["acknowledged"] = 1
	    r["mitigated"] = 2; bad = 0; n = 0 }
	    { p = substr($2, 2) + 0; s = ($3 in r) ? r[$3] : 9
	      if (s == 9) bad = 1
	      if (n > 0 && (p < lp || (p == lp && s < ls))) bad = 1
	      lp = p; ls = s; n++ }
	    END { exit bad || n == 0 }'
}

tt_start -x 160 -y 45 "trap : INT; $(tt_prog "$SITREP") --demo; echo EXITED:\$?; exec sleep 300"
tt_wait "3 Incidents" 60
check $? "the demo console starts"
tt_wait_match '[ "$(q "SELECT count(*) FROM incidents WHERE context = '"'demo'"' AND state <> '"'resolved'"'")" -gt 0 ]' 30
check $? "the demo's first round kept its incidents in the cache"

# ---- a second context in the same cache -------------------------------------
now=$(( $(date +%s) * 1000 ))
q "INSERT INTO incidents (id, context, group_key, title, severity, priority,
  state, started_ms, updated_ms)
VALUES ('5ea00001', 'staging', 'alertname=StagingDown', 'StagingDown api',
  'critical', 'P0', 'triggered', $now - 86400000, $now);
INSERT INTO incidents (id, context, group_key, title, severity, priority,
  state, started_ms, updated_ms, quiet_ms, mitigated_ms)
VALUES ('5ea00002', 'staging', 'alertname=StagingSlow', 'StagingSlow web',
  'info', 'P3', 'mitigated', $now, $now, $now, $now);
INSERT INTO incidents (id, context, group_key, title, severity, priority,
  state, started_ms, updated_ms, quiet_ms, resolved_ms, mitigated_ms)
VALUES ('5ea00003', 'staging', 'alertname=StagingGone', 'StagingGone db',
  'critical', 'P0', 'resolved', $now - 7200000, $now, $now, $now, $now);"
check $? "staging's incidents written into the console's cache"
ndemo=$(q "SELECT count(*) FROM incidents WHERE context = 'demo' AND state <> 'resolved'")

# ---- :incidents all ----------------------------------------------------------
tt_keys :
tt_type 'incidents all'
tt_press Enter -- "Open incidents of every context, worst first" 10
check $? ":incidents all opens over the panels"
tt_wait_match 'tt_has "CONTEXT" "PRI STATE" "ACKED BY" "TITLE" "StagingDown api" "StagingSlow web"' 5
check $? "a context column, and staging's open incidents"
tt_lacks "StagingGone"
check $? "a resolved incident is not listed"
got=$(rows | awk '{ print $1 }' | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')
check_eq "both contexts' rows: every open one of the demo, two of staging" \
    "demo=$ndemo staging=2 " "$got"
check_eq "the oldest P0 that fires unacknowledged is the first row" \
    "staging P0 triggered" "$(rows | head -n 1)"
worst_first
check $? "worst first: by priority, then triggered, acknowledged, mitigated"
case $(rows | tail -n 1) in
"staging P3 mitigated" | *" P3 mitigated") ok=0 ;;
*) ok=1 ;;
esac
check $ok "a P3 that is mitigated comes last"

# Enter on another context's row: which command works it, no page.
tt_press Enter -- ":context staging to work it" 10
check $? "Enter on staging's row says ':context staging to work it'"
tt_lacks "┌ Incident "
check $? "... and opens no page (the console does not switch by itself)"
tt_has "Open incidents of every context"
check $? "... the list stays"
tt_press Escape -- "1 Health" 5
check $? "Esc closes it"

# ---- :incidents: this context only ------------------------------------------
tt_keys :
tt_type incidents
tt_press Enter -- "Open incidents of demo, worst first ($ndemo)" 10
check $? ":incidents lists this context's open incidents"
tt_lacks "StagingDown" "StagingSlow"
check $? "... and no other context's"
tt_press G Enter -- "┌ Incident " 10
check $? "Enter on a row of this context opens its incident page"
tt_wait "Timeline" 5
check $? "... with its timeline"
tt_press Escape -- "Open incidents of demo" 5
check $? "Esc goes back to the list"
tt_press q -- "1 Health" 5
check $? "q closes the list"

tt_press q -- "EXITED:0" 20
check $? "q quits with exit 0"
tt_kill
if tt_valgrind; then
	tt_valgrind_report
fi
tap_done
