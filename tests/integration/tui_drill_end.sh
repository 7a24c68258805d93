#!/bin/bash
# tui_drill_end.sh: the console notices a drill's end, in a private tmux
# server:
#
#  - a tiny drill file with `end: {after: 2m}` played at --speed 60: the
#    banner turns to "DRILL OVER ... after 2m" and the footer says "press q
#    for your score"; the console stays until q; meta has
#    drill.mitigated_ms (between the start and the end);
#  - bad-deploy at --speed 30 (its end: checkout-availability's 5m burn
#    below 1x): U on checkout, y; the burn rises, then falls after the
#    undo: "DRILL OVER ... checkout-availability burns below 1x"; after q
#    the score's time to mitigation is the end condition's;
#  - `sitrep incident export` of the run's cache says DRILL in every
#    format.
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 the
# console runs under memcheck (tests/lib/tmux.sh).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
need_tools sqlite3 python3
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built; run make first"

tt_setup || exit 1
trap tt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tap_got() {
	tt_last
}

DRILLS=$TT_DIR/cache/sitrep/drills
meta() {	# DB KEY
	sqlite3 -batch "$1" "SELECT value FROM meta WHERE key = '$2'" 2>/dev/null
}

# --- a drill that ends after 2 minutes ----------------------------------------------
cat >"$TT_DIR/short.yaml" <<'EOD'
name: short-end
description: nothing breaks; the drill is over after two minutes
limit: 10m
nodes:
  - {name: n1}
services:
  - name: orders
    namespace: shop
    image: registry.example.com/shop/orders:1.9.0
timeline:
  - at: 30s
    alert: {name: OrdersSlow, severity: warning, service: orders, summary: orders is slow}
expect:
  ack: [OrdersSlow]
  end: {after: 2m}
EOD
"$SITREP" drill check "$TT_DIR/short.yaml" >"$TT_DIR/check.out" 2>&1
check $? "the short drill is a good drill file $(head -c 200 "$TT_DIR/check.out")"

tt_start -x 110 -y 30 -e USER=oncall \
    "trap : INT; $(tt_prog "$SITREP") drill run '$TT_DIR/short.yaml' --speed 60; echo EXITED:\$?; exec sleep 300"
tt_wait "1 Health" 20
check $? "drill run FILE starts the console"
DB=$(ls "$DRILLS"/short-end-*.db 2>/dev/null | head -1)
tt_wait "DRILL OVER short-end: after 2m" 30
check $? "after 2 minutes of the drill's clock the banner says DRILL OVER and why"
tt_has "press q for your score"
check $? "... and the footer says press q for your score"
sleep 2
tt_lacks "EXITED:"
check $? "... and the console stays until q"
meta "$DB" drill.mitigated_ms | grep -qE '^[0-9]{13}$' &&
    [ "$(meta "$DB" drill.mitigated_ms)" -ge "$(meta "$DB" drill.started_ms)" ]
check $? "meta: drill.mitigated_ms, after the start"
tt_keys q
tt_wait "EXITED:0" 10
check $? "q ends it"
tt_wait "Points: " 10
check $? "... then the score"
[ "$(meta "$DB" drill.ended_ms)" -ge "$(meta "$DB" drill.mitigated_ms)" ]
check $? "meta: the end held before the console closed"

# --- incident export of the run's cache says DRILL ------------------------------------
RUN=$(basename "$DB" .db)
ID=$(sqlite3 -batch "$DB" "SELECT id FROM incidents ORDER BY started_ms LIMIT 1" 2>/dev/null)
[ -n "$ID" ]
check $? "the run has an incident (OrdersSlow: $ID)"
"$SITREP" --cache "$DB" incident export "$ID" --format markdown >"$TT_DIR/e.md" 2>"$TT_DIR/e.err"
head -1 "$TT_DIR/e.md" | grep -q "^# DRILL short-end (run $RUN): simulated"
check $? "incident export markdown: the first heading says DRILL $(head -c 200 "$TT_DIR/e.err")"
"$SITREP" --cache "$DB" incident export "$ID" --format html >"$TT_DIR/e.html" 2>/dev/null
grep -q "<h1 id=\"drill\">DRILL short-end (run $RUN): simulated" "$TT_DIR/e.html" &&
    grep -q "<title>DRILL short-end" "$TT_DIR/e.html"
check $? "incident export html: the title and a first heading say DRILL"
"$SITREP" --cache "$DB" incident export "$ID" --format json >"$TT_DIR/e.json" 2>/dev/null
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["drill"]
assert d["name"] == "short-end" and d["run"] == sys.argv[2], d
assert d["simulated"] is True and d["ended_at"], d
' "$TT_DIR/e.json" "$RUN"
check $? "incident export json: a drill object"
python3 "$top_srcdir/tests/lib/check_snapshot.py" json "$TT_DIR/e.json" \
    "$top_srcdir/docs/postmortem.schema.json" 2>"$TT_DIR/schema.err"
check $? "... that meets docs/postmortem.schema.json $(head -c 300 "$TT_DIR/schema.err")"

# --- bad-deploy: the burn falls after the undo ------------------------------------------
tt_start -x 110 -y 30 -e USER=oncall \
    "trap : INT; $(tt_prog "$SITREP") drill run bad-deploy --speed 30; echo EXITED:\$?; exec sleep 300"
tt_wait "1 Health" 20
check $? "drill run bad-deploy starts the console"
DB=$(ls "$DRILLS"/bad-deploy-*.db 2>/dev/null | head -1)
tt_wait_match 'tt_last | grep -qE "CRITICAL +checkout "' 60
check $? "the bad rollout makes checkout CRITICAL"
tt_lacks "DRILL OVER"
check $? "... and the drill is not over: the burn was low before the fault"
tt_keys U
tt_wait "server dry run: ok" 10
check $? "U on checkout opens the rollback"
tt_keys y
tt_wait "to revert" 10
check $? "y rolls it back"
tt_keys Escape
tt_wait "DRILL OVER bad-deploy: checkout-availability burns below 1x" 60
check $? "after the undo the burn falls below 1x: DRILL OVER with the SLO's reason"
tt_has "press q for your score"
check $? "... press q for your score"
meta "$DB" drill.mitigated_ms | grep -qE '^[0-9]{13}$'
check $? "meta: drill.mitigated_ms"
tt_keys q
tt_wait "EXITED:0" 10
check $? "q ends it"
tt_wait_match 'tt_has "Points: " "(the end condition held)"' 10
check $? "... then the score: mitigated when the end condition held"

if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
