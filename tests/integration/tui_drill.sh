#!/bin/bash
# tui_drill.sh: `sitrep drill run` in the console, in a private tmux server:
#
#  - bad-deploy at --speed 10 on 80x24 shows the DRILL banner on the main
#    screen and on pages, and the run gets a fresh cache of its own in the
#    drills folder (0700) whose meta names the drill;
#  - U on checkout in Health, then y, rolls it back in the simulator: one
#    audit row, ok, as the simulator's user, in the drill's context;
#  - ? gives a hint (the runbook of the incident) and counts it, each time;
#  - q ends it: drill.ended_ms, and the printed line names the cache;
#  - snapshots of the run's cache say DRILL in every format (JSON: a drill
#    field);
#  - nothing real is reached: a configuration (SITREP_CONFIG, --config,
#    KUBECONFIG) whose every source is a loopback listener that logs
#    connections sees none during the drill, and sees the ordinary fetch
#    of that configuration (the listener works);
#  - usage errors: an unknown drill says "did you mean", exit 2.
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
LPID=
cleanup() {
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null
	tt_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tap_got() {
	tt_last
}

# --- a "real" world that must not be reached -------------------------------------
LOG=$TT_DIR/connections.log
: >"$LOG"
python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, a = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write("connection from %s:%d\n" % a)
    c.close()
' "$TT_DIR/port" "$LOG" &
LPID=$!
i=0
while [ ! -s "$TT_DIR/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$TT_DIR/port" 2>/dev/null)
[ -n "$PORT" ] || skip_all "the loopback listener did not start"
REAL=http://127.0.0.1:$PORT
cat >"$TT_DIR/kubeconfig" <<EOK
apiVersion: v1
kind: Config
clusters:
  - name: real
    cluster: {server: "$REAL"}
users:
  - name: real
    user: {token: not-a-secret}
contexts:
  - name: real
    context: {cluster: real, user: real}
current-context: real
EOK
cat >"$TT_DIR/real.yaml" <<EOC
contexts:
  - name: real
    refresh: 1s
    prometheus:
      url: "$REAL"
    alertmanagers:
      - url: "$REAL"
    kubernetes:
      kubeconfig: "$TT_DIR/kubeconfig"
    probes:
      - name: web
        url: "$REAL/healthz"
EOC

DRILLS=$TT_DIR/cache/sitrep/drills
tt_start -x 80 -y 24 -e USER=oncall -e "SITREP_CONFIG=$TT_DIR/real.yaml" \
    -e "KUBECONFIG=$TT_DIR/kubeconfig" \
    "trap : INT; $(tt_prog "$SITREP") --config '$TT_DIR/real.yaml' drill run bad-deploy --speed 10; echo EXITED:\$?; exec sleep 300"
tt_wait "1 Health" 20
check $? "drill run bad-deploy starts the console"
# Until the simulator's gate is up the header says read-only, and the
# banner steps down to make room: wait for the whole of it.
tt_wait "DRILL bad-deploy  simulated: nothing real is touched" 20
check $? "the header shows the DRILL banner at 80x24"
tt_lacks " read-only "
check $? "... and the drill may act (not read-only)"
tt_last | head -1 | grep -qE "CRITICAL|OK|WARNING|UNKNOWN"
check $? "... beside the status"

DB=$(ls "$DRILLS"/bad-deploy-*.db 2>/dev/null | head -1)
RUN=$(basename "$DB" .db)
check_eq "the run's cache is a fresh file in the drills folder" 1 \
    "$(ls "$DRILLS"/bad-deploy-*.db 2>/dev/null | wc -l | tr -d ' ')"
echo "$RUN" | grep -qE '^bad-deploy-[0-9]{8}-[0-9]{6}$'
check $? "... named NAME-YYYYmmdd-HHMMSS ($RUN)"
check_eq "... in a folder only its owner reads" 700 "$(stat -c %a "$DRILLS")"
meta() {
	sqlite3 -batch "$DB" "SELECT value FROM meta WHERE key = '$1'" 2>/dev/null
}
check_eq "meta: drill.name" bad-deploy "$(meta drill.name)"
check_eq "meta: drill.run" "$RUN" "$(meta drill.run)"
check_eq "meta: drill.speed" 10 "$(meta drill.speed)"
check_eq "meta: drill.source" builtin "$(meta drill.source)"
meta drill.yaml | grep -q "^name: bad-deploy"
check $? "meta: drill.yaml is the drill file"
meta drill.seed | grep -qE '^[0-9]+$' && meta drill.started_ms | grep -qE '^[0-9]{13}$'
check $? "meta: drill.seed and drill.started_ms"
check_eq "meta: no hint yet, not ended" "0|" "$(meta drill.hints)|$(meta drill.ended_ms)"

# --- the bad rollout, rolled back -----------------------------------------------
tt_wait_match 'tt_last | grep -qE "CRITICAL +checkout "' 60
check $? "the bad rollout makes checkout CRITICAL"
tt_keys U
tt_wait "roll back deployment shop/checkout to revision 14" 10
check $? "U on checkout opens the rollback"
tt_has "DRILL bad-deploy"
check $? "... under the DRILL banner"
tt_wait "server dry run: ok" 10
check $? "... checked by the simulator"
tt_keys y
tt_wait "to revert" 10
check $? "y rolls it back"
audit() {
	sqlite3 -batch "$DB" "SELECT count(*), action, result, context, target, detail LIKE '%kubernetes user demo%' FROM audit" 2>/dev/null
}
i=0
while [ "$(audit | cut -d'|' -f1)" != 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "one audit row: undo ok in the drill's context, as the simulator's user" \
    "1|undo|ok|bad-deploy|deployment shop/checkout|1" \
    "$(audit)"
tt_keys Escape
tt_wait_gone "roll back deployment" 5

# --- hints ---------------------------------------------------------------------
tt_keys '?'
tt_wait "Hint (drill bad-deploy" 5
check $? "? opens the help page with a hint"
tt_has "Runbook: " && tt_has "Incident: "
check $? "... naming the incident and its runbook"
tt_has "DRILL bad-deploy"
check $? "... under the DRILL banner"
check_eq "... and counts it" 1 "$(meta drill.hints)"
tt_keys Escape
tt_wait_gone "Hint (drill" 5
tt_keys '?'
tt_wait "Hint (drill bad-deploy" 5
check_eq "each opening counts" 2 "$(meta drill.hints)"
tt_keys Escape q
tt_wait "EXITED:0" 10
check $? "q ends the drill"
tt_last | tr -d '\n' | grep -qF "drill bad-deploy run $RUN ended; its cache: $DB"
check $? "the printed line names the run and its cache"
# At --speed 10 the undo lands minutes into the drill's clock: 4x/50.
tt_wait_match 'tt_has "Points: " && tt_last | grep -qE "mitigate 4[0-9]/50: first correct action after"' 10
check $? "... then the score: the undo was the correct action"
tt_last | tr -d '\n' | grep -q "on the drill's clock at speed 10"
check $? "... timed on the drill's clock"
tt_last | grep -qE 'hints: [1-9]'
check $? "... and the hint is counted against it"
meta drill.ended_ms | grep -qE '^[0-9]{13}$' &&
    [ "$(meta drill.ended_ms)" -ge "$(meta drill.started_ms)" ]
check $? "meta: drill.ended_ms, after the start"
check_eq "every key is there" 10 \
    "$(sqlite3 -batch "$DB" "SELECT count(*) FROM meta WHERE key IN ('drill.name', 'drill.run', 'drill.started_ms', 'drill.seed', 'drill.speed', 'drill.source', 'drill.yaml', 'drill.hints', 'drill.ended_ms') OR key = 'application'")"

check_eq "no connection reached the configured world during the drill" 0 \
    "$(wc -l <"$LOG" | tr -d ' ')"

# --- snapshots of the run ---------------------------------------------------------
"$SITREP" snapshot --cache "$DB" --format json >"$TT_DIR/s.json" 2>"$TT_DIR/s.err"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["drill"]
assert d["name"] == "bad-deploy" and d["run"] == sys.argv[2], d
assert d["hints"] == 2 and d["simulated"] is True and d["ended_at"], d
' "$TT_DIR/s.json" "$RUN"
check $? "snapshot --format json has the drill field $(head -c 200 "$TT_DIR/s.err")"
python3 "$top_srcdir/tests/lib/check_snapshot.py" json "$TT_DIR/s.json" \
    2>"$TT_DIR/schema.err"
check $? "... and meets the snapshot schema $(head -c 300 "$TT_DIR/schema.err")"
"$SITREP" snapshot --cache "$DB" --format html >"$TT_DIR/s.html" 2>/dev/null
python3 "$top_srcdir/tests/lib/check_snapshot.py" html "$TT_DIR/s.html" \
    2>"$TT_DIR/html.err"
check $? "... and the HTML is well-formed $(head -c 300 "$TT_DIR/html.err")"
"$SITREP" snapshot --cache "$DB" --format text 2>/dev/null | head -1 |
    grep -q "^DRILL bad-deploy (run $RUN): simulated"
check $? "snapshot text: the first line says DRILL"
"$SITREP" snapshot --cache "$DB" --format markdown 2>/dev/null | head -1 |
    grep -q "^# DRILL bad-deploy"
check $? "snapshot markdown: the first heading says DRILL"
"$SITREP" snapshot --cache "$DB" --format html 2>/dev/null |
    grep -q "<h1 id=\"drill\"[^>]*>DRILL bad-deploy"
check $? "snapshot html: a DRILL heading"
! "$SITREP" --demo snapshot --cache "$TT_DIR/plain.db" --fresh --format text 2>/dev/null |
    grep -q DRILL
check $? "a cache that is not a drill's says no DRILL"

# --- the listener works: the configuration's own fetch reaches it ------------------
HOME=$TT_DIR/home XDG_CACHE_HOME=$TT_DIR/cache timeout 30 "$SITREP" \
    --config "$TT_DIR/real.yaml" --cache "$TT_DIR/real.db" fetch --once \
    >/dev/null 2>&1
i=0
while [ ! -s "$LOG" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
test -s "$LOG"
check $? "... while a fetch of that configuration connects (the proof can fail)"

# --- usage ------------------------------------------------------------------------------
"$SITREP" drill run nope >"$TT_DIR/u.out" 2>&1
check_eq "drill run nope: exit 2" 2 $?
grep -q "did you mean" "$TT_DIR/u.out"
check $? "... with did you mean"
"$SITREP" drill run bad-deplyo >"$TT_DIR/u.out" 2>&1
grep -q "did you mean 'bad-deploy'" "$TT_DIR/u.out"
check $? "a near miss names the drill"
"$SITREP" drill run bad-deploy --seed x >/dev/null 2>&1
check_eq "a bad --seed: exit 2" 2 $?
"$SITREP" drill run bad-deploy --speed 500 >/dev/null 2>&1
check_eq "a bad --speed: exit 2" 2 $?

if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
