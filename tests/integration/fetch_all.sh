#!/bin/bash
# fetch_all.sh: `sitrep fetch --all`, one feeder for every context.
#
# A real Prometheus (scraping itself) and a real Alertmanager holding one
# alert; a configuration of three contexts: "ops" reads both, "web" reads
# the same Prometheus only, "gone" reads a Prometheus on a port where
# nothing listens.  One `fetch --all --once` must poll all three into one
# cache: each context's sources rows and data under its own name, a line
# per round naming the context, the dead one failed (exit 1) without
# holding up or spoiling the others.  Without --once the feeder goes on
# polling every context until SIGTERM.  --all with --context is a usage
# error; with --demo it polls the demo's one context.  TAP output; the
# plan comes last.

# wait_for evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"

[ -x "$SITREP" ] || skip_all "$SITREP is not built"
servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" prometheus
need_tools sqlite3

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
FEED_PID=
cleanup() {
	[ -z "$FEED_PID" ] || kill -KILL "$FEED_PID" 2>/dev/null
	servers_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

servers_home || exit 1

diag() {
	cat -v "$@" | sed 's/^/# /'
}
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
q() {
	sqlite3 "$DB" "$1"
}

if ! am_start >"$T/start.err" 2>&1 ||
    ! prom_start --scrape-self >>"$T/start.err" 2>&1; then
	skip_all "the servers did not start: $(head -n 3 "$T/start.err")"
fi
am_push_alert '{"alertname":"FeedMe","severity":"warning"}' \
    '{"summary":"one alert for ops"}'
wait_for 'curl -sf "$AM_URL/api/v2/alerts" | grep -q FeedMe' 20
wait_for 'test "$(curl -sf "$PROM_URL/api/v1/query?query=up" | servers_json "len(d[\"data\"][\"result\"])")" -ge 1' 30
DEAD=$(servers_freeport 1)
DB=$T/cache.db
cat >"$T/config.yaml" <<EOF
contexts:
  - name: ops
    refresh: 1s
    prometheus:
      url: "$PROM_URL"
    alertmanagers:
      - url: "$AM_URL"
  - name: web
    refresh: 1s
    prometheus:
      url: "$PROM_URL"
  - name: gone
    refresh: 1s
    prometheus:
      url: "http://127.0.0.1:$DEAD"
      timeout: 2s
EOF

# --- one round of every context ------------------------------------------------------
t0=$(now_ms)
timeout 60 "$SITREP" --config "$T/config.yaml" --cache "$DB" \
    fetch --all --once >"$T/once.out" 2>"$T/once.err"
rc=$?
elapsed=$(($(now_ms) - t0))
diag "$T/once.out" "$T/once.err"
check_eq "fetch --all --once: exit 1 when one context failed" 1 "$rc"
check_eq "one line per round: ops' two sources, web's and gone's (${elapsed} ms)" \
    4 "$(grep -c . "$T/once.out")"
grep -q '^ops  *prometheus  *ok ' "$T/once.out" &&
    grep -q '^ops  *alertmanager  *ok ' "$T/once.out" &&
    grep -q '^web  *prometheus  *ok ' "$T/once.out" &&
    grep -q '^gone  *prometheus  *FAILED ' "$T/once.out"
check $? "each line names its context; only gone's round failed"

check_eq "the sources table: every context's sources under its own name, gone failed once" \
    "gone/prometheus/0/1 ops/alertmanager/1/0 ops/prometheus/1/0 web/prometheus/1/0" \
    "$(q "SELECT group_concat(context || '/' || name || '/' || (last_error IS NULL) || '/' || failures, ' ') FROM (SELECT * FROM sources ORDER BY context, name)")"
check_eq "gone's row says why it failed and has never succeeded" 1 \
    "$(q "SELECT count(*) FROM sources WHERE context = 'gone' AND last_success_ms IS NULL AND last_error <> ''")"
want=$(curl -sf "$PROM_URL/api/v1/targets" |
    servers_json 'len(d["data"]["activeTargets"])')
check_eq "ops and web each stored the $want targets Prometheus lists" \
    "$want $want" \
    "$(q "SELECT count(*) FROM targets WHERE context = 'ops'") $(q "SELECT count(*) FROM targets WHERE context = 'web'")"
check_eq "the alert is ops' only: web reads no Alertmanager" "FeedMe/0" \
    "$(q "SELECT group_concat(alertname) FROM alerts WHERE context = 'ops'")/$(q "SELECT count(*) FROM alerts WHERE context <> 'ops'")"
check_eq "the dead context stored no data" 0 \
    "$(q "SELECT count(*) FROM targets WHERE context = 'gone'")"

# The cache serves a console of any context: a snapshot of web reads it.
timeout 60 "$SITREP" --config "$T/config.yaml" --cache "$DB" --context web \
    snapshot --format json >"$T/web.json" 2>"$T/web.err"
check_eq "a snapshot of web reads what the feeder stored" \
    "web: prometheus=True" \
    "$(servers_json 'd["context"] + ": " + ",".join("%s=%s" % (s["name"], s["ok"]) for s in d["sources"])' <"$T/web.json")"

# --- until a signal -----------------------------------------------------------------
before=$(q "SELECT last_attempt_ms FROM sources WHERE context = 'web'")
gone_before=$(q "SELECT failures FROM sources WHERE context = 'gone'")
timeout 60 "$SITREP" --config "$T/config.yaml" --cache "$DB" \
    fetch --all >"$T/feed.out" 2>"$T/feed.err" &
FEED_PID=$!
wait_for '[ "$(q "SELECT count(*) FROM sources WHERE context = '"'"'ops'"'"' AND name = '"'"'prometheus'"'"' AND last_attempt_ms > '"$before"'")" = 1 ] && [ "$(grep -c "^web  *prometheus  *ok" "$T/feed.out")" -ge 2 ]' 30
polled=$?
kill -TERM "$FEED_PID" 2>/dev/null
wait "$FEED_PID"
rc=$?
FEED_PID=
diag "$T/feed.out" "$T/feed.err"
check_eq "without --once every context is polled round after round" 0 \
    "$polled"
[ "$(q "SELECT failures FROM sources WHERE context = 'gone'")" -gt \
    "$gone_before" ]
check $? "the dead context keeps being retried, with its own backoff"
check_eq "SIGTERM ends the feeder (exit 1: a round failed)" 1 "$rc"

# --- usage ------------------------------------------------------------------------------
"$SITREP" --config "$T/config.yaml" --cache "$DB" --context web \
    fetch --all --once >"$T/usage.out" 2>&1
rc=$?
diag "$T/usage.out"
[ $rc -eq 2 ] && grep -q -- '--context names one context and --all' \
    "$T/usage.out"
check $? "--all with --context is a usage error (exit 2)"

# --- the demo: its one context ------------------------------------------------------
timeout 60 "$SITREP" --demo --cache "$T/demo.db" fetch --all --once \
    >"$T/demo.out" 2>&1
rc=$?
diag "$T/demo.out"
[ $rc -eq 0 ] && grep -q '^demo  *sim  *ok ' "$T/demo.out"
check $? "--demo fetch --all --once polls the demo's one context"

tap_done
