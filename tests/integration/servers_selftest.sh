#!/bin/sh
# servers_selftest.sh: prove the real-server test infrastructure works.
#
# Starts a single Alertmanager, an HA pair of gossiping Alertmanagers and a
# Prometheus loaded with backfilled request history (tests/lib/gen_history.py)
# and the test alerting rules (tests/data/prom/rules.yml), then checks, as
# TAP, what the other integration tests rely on: every SLO window ratio the
# history promises comes back from the real Prometheus within 1%, the idle
# service gives NaN and an unknown one nothing, the rules fire into
# Alertmanager, a pushed alert and a silence round-trip, the targets page
# has one up and one down target, the HA pair agrees, nothing listens
# beyond 127.0.0.1, and every server is gone at the end.

# wait_for evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"

servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" prometheus

# Run a command and report its status as one TAP result.
t() {
	_t_desc=$1
	shift
	"$@"
	check $? "$_t_desc"
}

started=$(date +%s)
servers_tmpdir || exit 1
hist=$SERVERS_TMPDIR/history

# --- history with known answers ------------------------------------------
mkdir -p "$hist"
t "gen_history.py writes OpenMetrics and the truth file" \
    "$PYTHON" "$top_srcdir/tests/lib/gen_history.py" \
    --out "$hist/history.om" --truth "$hist/truth.json"
tail_ok=1
[ "$(tail -n 1 "$hist/history.om")" = "# EOF" ] && tail_ok=0
check $tail_ok "history ends with # EOF"
t "promtool imports the history into TSDB blocks" \
    prom_backfill "$hist/tsdb" "$hist/history.om"
"$PROMTOOL_BIN" check rules "$top_srcdir/tests/data/prom/rules.yml" >/dev/null
check $? "promtool accepts the test rules"

# --- servers ---------------------------------------------------------------
t "single Alertmanager (clustering off) is ready" am_start
t "HA pair of Alertmanagers is ready and sees both peers" am_start_ha A B
t "Prometheus with backfilled TSDB, rules, three Alertmanagers is ready" \
    prom_start --tsdb "$hist/tsdb" --rules "$top_srcdir/tests/data/prom/rules.yml" \
    --am "$AM_URL" --am "${AM_URL_A:-}" --am "${AM_URL_B:-}" --scrape-self
bad=$(servers_sockets_bad)
check $? "every socket of ours is on 127.0.0.1${bad:+ (bad: $bad)}"
# The check must be able to fail: a listener on 127.0.0.2 (still loopback,
# but not the one address the servers may use) has to be reported.
"$PYTHON" -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.2", 0)); s.listen(1); time.sleep(30)' \
    >/dev/null 2>&1 </dev/null &
decoy=$!
SERVERS_PIDS="$SERVERS_PIDS $decoy"
wait_for '! servers_sockets_bad' 5
bad=$(servers_sockets_bad)
servers_stop "$decoy"
case $bad in
*"pid $decoy tcp 127.0.0.2:"*) check 0 "the socket check reports a decoy on 127.0.0.2" ;;
*) check 1 "the socket check reports a decoy on 127.0.0.2 (got: $bad)" ;;
esac

# --- SLO windows against the truth -----------------------------------------
# curl fetches every answer first; one python run then compares them all
# and prints one "STATUS<TAB>description" line per service and window.
T=$(servers_json 'd["eval_time"]' <"$hist/truth.json")
mkdir -p "$hist/answers"
for svc in $(servers_json '" ".join(sorted(d["services"]))' <"$hist/truth.json"); do
	for w in $(servers_json '" ".join(d["windows"])' <"$hist/truth.json"); do
		q="sum(rate(http_requests_total{service=\"$svc\",code=~\"5..\"}[$w])) / sum(rate(http_requests_total{service=\"$svc\"}[$w]))"
		prom_query "$q" "$T" >"$hist/answers/$svc.$w.json" 2>&1
	done
done
"$PYTHON" -c '
import json, math, sys
truth = json.load(open(sys.argv[1]))
for svc in sorted(truth["services"]):
    for w in truth["windows"]:
        want = truth["services"][svc][w]
        try:
            d = json.load(open("%s/%s.%s.json" % (sys.argv[2], svc, w)))
            res = d["data"]["result"]
            got = float(res[0]["value"][1]) if res else None
        except (OSError, ValueError, KeyError, IndexError) as e:
            print("1\t%s %s ratio at T: bad answer: %s" % (svc, w, e))
            continue
        if want is None:
            # No traffic: both sums are zero, so the ratio is NaN.
            good = got is not None and math.isnan(got)
            msg = "NaN as expected" if good else "want NaN, got %r" % got
        elif got is None or math.isnan(got):
            good = False
            msg = "want %.6g, got %r" % (want, got)
        else:
            err = abs(got - want) / want
            good = err <= truth["tolerance"]
            msg = "want %.6g got %.6g (rel err %.2g)" % (want, got, err)
        print("%d\t%s %s ratio at T: %s" % (0 if good else 1, svc, w, msg))
' "$hist/truth.json" "$hist/answers" >"$hist/answers.tsv" 2>&1
[ -s "$hist/answers.tsv" ]
check $? "SLO answers compared"
tab=$(printf '\t')
while IFS="$tab" read -r st desc; do
	check "$st" "$desc"
done <"$hist/answers.tsv"
empty=$(prom_query 'sum(rate(http_requests_total{service="nosuch"}[1h]))' "$T" |
    servers_json 'len(d["data"]["result"])')
[ "$empty" = 0 ]
check $? "unknown service gives an empty result"
verdicts=$(servers_json '" ".join("%s=%s" % kv for kv in sorted(d["verdict"].items()))' \
    <"$hist/truth.json")
[ "$verdicts" = "checkout=page idle=nodata ledger=ok payments=page search=ticket" ]
check $? "truth file verdicts: $verdicts"

# --- rules into Alertmanager -----------------------------------------------
# Print alert names firing in Alertmanager $1, sorted, one line.
am_names() {
	curl -sf --max-time 5 "$1/api/v2/alerts" |
	    servers_json '" ".join(sorted(set(a["labels"]["alertname"] for a in d)))'
}
# Status 0 when Alertmanager $1 holds an alert named $2.
am_has() {
	case " $(am_names "$1") " in
	*" $2 "*) return 0 ;;
	esac
	return 1
}
wait_for 'am_has "$AM_URL" CheckoutErrorBudgetBurn && am_has "$AM_URL" HostileAnnotation' 20
check $? "rule alerts reach Alertmanager within 20s ($(am_names "$AM_URL"))"
hostile=$(curl -sf "$AM_URL/api/v2/alerts?filter=alertname%3D%22HostileAnnotation%22" |
    servers_json '"\x1b]0;pwned\x07" in d[0]["annotations"]["summary"] and "\u202e" in d[0]["annotations"]["summary"] and "<script>" in d[0]["annotations"]["summary"]')
[ "$hostile" = true ]
check $? "hostile annotation arrives with its escapes, bidi override and HTML intact"
wait_for 'am_has "$AM_URL" TargetDown' 20
check $? "TargetDown fires for the dead exporter"
if am_has "$AM_URL" DiskWillFillSoon; then
	check 1 "pending DiskWillFillSoon does not reach Alertmanager"
else
	check 0 "pending DiskWillFillSoon does not reach Alertmanager"
fi
pending=$(curl -sf "$PROM_URL/api/v1/alerts" |
    servers_json '[a["state"] for a in d["data"]["alerts"] if a["labels"]["alertname"] == "DiskWillFillSoon"]')
[ "$pending" = '["pending"]' ]
check $? "DiskWillFillSoon is pending in Prometheus ($pending)"

# --- targets ----------------------------------------------------------------
# Print "job=health" of every active target, sorted.
targets() {
	curl -sf --max-time 5 "$PROM_URL/api/v1/targets" |
	    servers_json '" ".join(sorted("%s=%s" % (t["labels"]["job"], t["health"]) for t in d["data"]["activeTargets"]))'
}
wait_for 'test "$(targets)" = "dead-exporter=down prometheus=up"' 15
check $? "targets: one up, one down ($(targets))"

# --- pushed alert and silence -----------------------------------------------
t "push an alert to the single Alertmanager" \
    am_push_alert '{"alertname":"SelftestPushed","severity":"critical","service":"checkout","namespace":"shop"}' \
    '{"summary":"pushed by the selftest"}' -1m +10m
wait_for 'am_has "$AM_URL" SelftestPushed' 10
check $? "pushed alert is listed"
sid=$(am_silence --comment "selftest silence" alertname=SelftestPushed service=~check.*)
[ -n "$sid" ]
check $? "silence created (id $sid)"
state=$(curl -sf "$AM_URL/api/v2/silence/$sid" | servers_json 'd["status"]["state"]')
[ "$state" = active ]
check $? "silence is active ($state)"
# Print the state of the alert named $2 on Alertmanager $1.
alert_state() {
	curl -sf --max-time 5 "$1/api/v2/alerts?filter=alertname%3D%22$2%22" |
	    servers_json 'd[0]["status"]["state"]'
}
wait_for 'test "$(alert_state "$AM_URL" SelftestPushed)" = suppressed' 10
check $? "silenced alert is suppressed ($(alert_state "$AM_URL" SelftestPushed))"

# --- HA pair -------------------------------------------------------------------
labels='{"alertname":"SelftestHA","severity":"warning","service":"search","namespace":"web"}'
am_push_alert --am "$AM_URL_A" "$labels" '{"summary":"both replicas"}' &&
    am_push_alert --am "$AM_URL_B" "$labels" '{"summary":"both replicas"}'
check $? "push the same alert to both replicas"
# Print the fingerprint of the alert named $2 on Alertmanager $1.
fingerprint() {
	curl -sf --max-time 5 "$1/api/v2/alerts?filter=alertname%3D%22$2%22" |
	    servers_json 'd[0]["fingerprint"]'
}
wait_for 'test -n "$(fingerprint "$AM_URL_A" SelftestHA)" && test -n "$(fingerprint "$AM_URL_B" SelftestHA)"' 10
fa=$(fingerprint "$AM_URL_A" SelftestHA)
fb=$(fingerprint "$AM_URL_B" SelftestHA)
[ -n "$fa" ] && [ "$fa" = "$fb" ]
check $? "both replicas return it with one fingerprint ($fa, $fb)"
ra=$(fingerprint "$AM_URL_A" CheckoutErrorBudgetBurn)
rb=$(fingerprint "$AM_URL_B" CheckoutErrorBudgetBurn)
[ -n "$ra" ] && [ "$ra" = "$rb" ]
check $? "rule alert reaches both replicas with one fingerprint ($ra)"
hsid=$(am_silence --am "$AM_URL_A" alertname=SelftestHA)
[ -n "$hsid" ]
check $? "silence created on replica A (id $hsid)"
wait_for 'curl -sf "$AM_URL_B/api/v2/silence/$hsid" | servers_json "d[\"status\"][\"state\"]" | grep -qx active' 10
check $? "silence made on replica A is gossiped to replica B"

# --- teardown ----------------------------------------------------------------
bad=$(servers_sockets_bad)
check $? "after all the traffic, still nothing beyond 127.0.0.1${bad:+ (bad: $bad)}"
pids="$SERVERS_PIDS"
tmp=$SERVERS_TMPDIR
[ $failed -eq 0 ] || servers_logs
servers_cleanup
alive=
for p in $pids; do
	kill -0 "$p" 2>/dev/null && alive="$alive $p"
done
[ -z "$alive" ] && [ -n "$pids" ]
check $? "every server stopped (pids$pids${alive:+; alive:$alive})"
[ ! -d "$tmp" ]
check $? "temporary directory removed"
elapsed=$(($(date +%s) - started))
[ "$elapsed" -le 90 ]
check $? "selftest took ${elapsed}s"
tap_done
