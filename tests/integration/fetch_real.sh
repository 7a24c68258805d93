#!/bin/bash
# fetch_real.sh: `sitrep fetch` against real servers, compared with what
# the servers themselves answer.
#
# Starts a gossiping pair of real Alertmanagers, a real Prometheus that
# scrapes itself and a dead target and fires the test rules into both, and
# the Kubernetes API emulator; pushes alerts to one member only, a hostile
# alert full of terminal escapes, and a silence.  Then one `sitrep fetch
# --once` must store exactly what the APIs return: alerts (fingerprints,
# labels, annotations, state, silencedBy) merged by fingerprint across the
# pair, silences (ids, matchers, state), targets (job, instance, health),
# the `up` series, deployments and pods (names, replicas, restarts,
# reasons, as kubectl lists them), and `sitrep cache info` must count the
# same.  The hostile text must reach the cache as valid UTF-8 with its
# characters intact and never reach the terminal raw.  Then the failure
# modes of a real pair: one member refused or hanging (SIGSTOP) is a
# warning, both down is a failure that keeps the last good rows, and a
# hanging source costs no more than its timeout while the others are
# stored.  Last, a kubeconfig whose user is an exec credential plugin.
# TAP output; the plan comes last.

# wait_for evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"

servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" prometheus
need_tools kubectl openssl sqlite3
if [ ! -x "$SITREP" ]; then
	skip_all "$SITREP is not built"
fi

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
STOPPED=
KUBEEMU_PID_MAIN=
# One trap for every library: the emulator, then the servers and the
# directory; a stopped Alertmanager is woken first so it can be stopped.
cleanup() {
	local p
	[ -z "$STOPPED" ] || kill -CONT "$STOPPED" 2>/dev/null
	for p in ${KUBEEMU_PID:-} ${KUBEEMU_PID_MAIN:-}; do
		KUBEEMU_PID=$p
		kubeemu_stop
	done
	servers_cleanup
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

servers_home || exit 1

# Print a file as TAP diagnostics, with control bytes made visible.
diag() {
	cat -v "$@" | sed 's/^/# /'
}
# Milliseconds of the monotonic-enough wall clock.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
# sitrep NAME CONFIG CACHE ARGS...: run sitrep, output in $T/NAME.out,
# status in $rc, wall time in $elapsed (ms).
run() {
	local name=$1 conf=$2 cache=$3 t0
	shift 3
	t0=$(now_ms)
	timeout 60 "$SITREP" --config "$conf" --cache "$cache" "$@" \
	    >"$T/$name.out" 2>&1
	rc=$?
	elapsed=$(($(now_ms) - t0))
}

# --- helpers in Python: the servers' answers against the cache -------------
cat >"$T/fr.py" <<'EOF'
"""Compare sitrep's cache with what the servers answer."""
import json
import sqlite3
import subprocess
import sys
import urllib.request


def get(url):
    """GET a JSON document from a loopback server."""
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def db(path):
    """The cache, read only."""
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True)


def nonul(o):
    """NUL cannot live in a C string; sitrep stores U+FFFD instead."""
    if isinstance(o, str):
        return o.replace("\0", "\ufffd")
    if isinstance(o, dict):
        return {k: nonul(v) for k, v in o.items()}
    if isinstance(o, list):
        return [nonul(v) for v in o]
    return o


def report(bad):
    """Print the differences as diagnostics; status 1 if there are any."""
    for b in bad[:20]:
        print("# " + b.encode("unicode_escape").decode("ascii"))
    sys.exit(1 if bad else 0)


def am_alerts(urls):
    """Every member's alerts by fingerprint: {fp: [alert, ...]}."""
    out = {}
    for u in urls:
        for a in get(u + "/api/v2/alerts"):
            out.setdefault(a["fingerprint"], []).append(a)
    return out


def alerts(cache, *urls):
    """Alerts: fingerprints, labels, annotations, state, silencedBy."""
    api = am_alerts(urls)
    rows = db(cache).execute(
        "SELECT fingerprint, labels, annotations, state, silenced_by"
        " FROM alerts").fetchall()
    got = {r[0]: r for r in rows}
    bad = []
    if len(rows) != len(got):
        bad.append("a fingerprint is stored twice")
    if set(got) != set(api):
        bad.append("fingerprints: cache %s, API %s" %
                   (sorted(got), sorted(api)))
    for fp in set(got) & set(api):
        fp_, labels, ann, state, sil = got[fp]
        copies = api[fp]
        for a in copies:
            if json.loads(labels) != nonul(a["labels"]):
                bad.append("%s labels %s != %s" % (fp, labels, a["labels"]))
            if json.loads(ann) != nonul(a["annotations"]):
                bad.append("%s annotations %s != %s" %
                           (fp, ann, a["annotations"]))
        if not any(state == a["status"]["state"] and
                   sorted(json.loads(sil)) ==
                   sorted(a["status"]["silencedBy"]) for a in copies):
            bad.append("%s state %s %s, API %s" % (
                fp, state, sil, [(a["status"]["state"],
                                  a["status"]["silencedBy"])
                                 for a in copies]))
    report(bad)


def silences(cache, *urls):
    """Silences: ids, matchers, state."""
    api = {}
    for u in urls:
        for s in get(u + "/api/v2/silences"):
            api[s["id"]] = s
    rows = db(cache).execute(
        "SELECT id, matchers, state FROM silences").fetchall()
    bad = []
    if {r[0] for r in rows} != set(api) or len(rows) != len(api):
        bad.append("ids: cache %s, API %s" %
                   (sorted(r[0] for r in rows), sorted(api)))
    for sid, matchers, state in rows:
        if sid not in api:
            continue
        if json.loads(matchers) != api[sid]["matchers"]:
            bad.append("%s matchers %s != %s" %
                       (sid, matchers, api[sid]["matchers"]))
        if state != api[sid]["status"]["state"]:
            bad.append("%s state %s != %s" %
                       (sid, state, api[sid]["status"]["state"]))
    report(bad)


def targets(cache, url):
    """Targets: job, instance, health."""
    api = get(url + "/api/v1/targets?state=active")["data"]["activeTargets"]
    want = sorted((t["labels"]["job"], t["labels"]["instance"], t["health"])
                  for t in api)
    got = sorted(db(cache).execute(
        "SELECT job, instance, health FROM targets").fetchall())
    report([] if want == got else ["targets: cache %s, API %s" %
                                   (got, want)])


def series(cache, url):
    """The up series: label sets and values."""
    api = get(url + "/api/v1/query?query=up")["data"]["result"]
    want = sorted((json.dumps(s["metric"], sort_keys=True),
                   float(s["value"][1])) for s in api)
    got = sorted((json.dumps(json.loads(m), sort_keys=True), v)
                 for m, v in db(cache).execute(
                     "SELECT metric, value FROM series"
                     " WHERE query_key = 'up'"))
    report([] if want == got else ["up: cache %s, API %s" % (got, want)])


def kubectl(kc, *args):
    """kubectl's JSON list."""
    out = subprocess.run(["kubectl", "--kubeconfig", kc, "get"] +
                         list(args) + ["-A", "-o", "json"], check=True,
                         capture_output=True).stdout
    return json.loads(out)["items"]


def kube(cache, kc):
    """Deployments (replicas, ready) and pods (restarts, reasons)."""
    bad = []
    c = db(cache)
    want = sorted((d["metadata"]["namespace"], d["metadata"]["name"],
                   d["spec"].get("replicas", 1),
                   d.get("status", {}).get("readyReplicas", 0))
                  for d in kubectl(kc, "deployments"))
    got = sorted(c.execute("SELECT namespace, name, replicas,"
                           " ready_replicas FROM kube_deployments"))
    if want != got:
        bad.append("deployments: cache %s, kubectl %s" % (got, want))
    pods = kubectl(kc, "pods")
    want = sorted((p["metadata"]["namespace"], p["metadata"]["name"],
                   sum(cs.get("restartCount", 0) for cs in
                       p.get("status", {}).get("containerStatuses", [])))
                  for p in pods)
    got = sorted(c.execute("SELECT namespace, name, restarts"
                           " FROM kube_pods"))
    if want != got:
        bad.append("pods: cache %s, kubectl %s" % (got, want))
    # kubectl's STATUS column names what is wrong with a pod; where it
    # is not a normal phase, sitrep's reason must be the same word.
    table = subprocess.run(["kubectl", "--kubeconfig", kc, "get", "pods",
                            "-A", "--no-headers"], check=True,
                           capture_output=True, text=True).stdout
    reasons = dict(((ns, name), r) for ns, name, r in c.execute(
        "SELECT namespace, name, reason FROM kube_pods"))
    named = 0
    for line in table.splitlines():
        f = line.split()
        status = f[3]
        if status in ("Running", "Pending", "Completed", "Succeeded",
                      "ContainerCreating", "Terminating"):
            continue
        named += 1
        if reasons.get((f[0], f[1])) != status:
            bad.append("pod %s/%s: reason %r, kubectl %s" %
                       (f[0], f[1], reasons.get((f[0], f[1])), status))
    if named == 0:
        bad.append("no pod is unwell, so reasons were not compared")
    report(bad)


def count(what, *args):
    """Counts the servers hold."""
    if what == "alerts":
        print(len(am_alerts(args)))
    elif what == "alerts-sum":
        print(sum(len(get(u + "/api/v2/alerts")) for u in args))
    elif what == "silences":
        ids = set()
        for u in args:
            ids |= {s["id"] for s in get(u + "/api/v2/silences")}
        print(len(ids))
    elif what == "up":
        print(len(get(args[0] + "/api/v1/query?query=up")["data"]["result"]))
    elif what == "targets":
        print(len(get(args[0] + "/api/v1/targets?state=active")
                  ["data"]["activeTargets"]))
    elif what in ("deployments", "pods"):
        print(len(kubectl(args[0], what)))


def info(path, table):
    """The row count `sitrep cache info` prints for a table."""
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 2 and w[0] == table:
                print(w[1])
                return
    print("missing")


def clean(*paths):
    """No byte a terminal would act on: C0 but newline, DEL, C1."""
    bad = []
    for p in paths:
        data = open(p, "rb").read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            bad.append("%s: invalid UTF-8 at %d" % (p, e.start))
            continue
        for i, ch in enumerate(text):
            o = ord(ch)
            if (o < 0x20 and ch != "\n") or 0x7f <= o <= 0x9f:
                bad.append("%s: U+%04X at character %d" % (p, o, i))
                break
    report(bad)


def utf8hex(hexdata, url, alertname):
    """A column read with sqlite3 as hex: strict UTF-8 whose JSON is the
    API's annotations, character for character."""
    text = bytes.fromhex(hexdata).decode("utf-8")
    for a in get(url + "/api/v2/alerts"):
        if a["labels"]["alertname"] == alertname:
            want = nonul(a["annotations"])
            got = json.loads(text)
            report([] if got == want else ["cache %r, API %r" % (got, want)])
    report(["no alert %s at %s" % (alertname, url)])


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
EOF
fr() {
	"$PYTHON" "$T/fr.py" "$@"
}

# --- servers ------------------------------------------------------------------
if ! am_start_ha A B >"$T/start.err" 2>&1 ||
    ! prom_start --scrape-self --rules "$top_srcdir/tests/data/prom/rules.yml" \
    --am "$AM_URL_A" --am "$AM_URL_B" >>"$T/start.err" 2>&1; then
	skip_all "the servers did not start: $(head -n 3 "$T/start.err")"
fi
if ! kubeemu_start "$T/kube" >"$T/kube.start" 2>&1; then
	skip_all "the emulator did not start: $(head -n 3 "$T/kube.start")"
fi
KC=$KUBEEMU_KUBECONFIG

# Alerts on one member only (Alertmanagers do not share alerts), a
# hostile one on both, and a silence that gossip spreads to both.
am_push_alert --am "$AM_URL_A" \
    '{"alertname":"OnlyOnA","severity":"warning","service":"web"}' \
    '{"summary":"pushed to A only"}'
am_push_alert --am "$AM_URL_B" \
    '{"alertname":"OnlyOnB","severity":"info","service":"web"}' \
    '{"summary":"pushed to B only"}'
HOSTILE_LABELS='{"alertname":"HostilePushed","severity":"critical","service":"hostile","note":"lab\u001b[7mel\u009b1m"}'
HOSTILE_ANN='{"summary":"\u001b]8;;http://evil.invalid\u0007click\u001b]8;;\u0007 \u007fdel \u0085nel \u009b31mcsi \u200ertl \u202eevil","description":"tab\there\r\nnext \u0000nul \u00e9t\u00e9 \u2603 \ud83d\ude00","runbook_url":"\u001b[2Jjavascript:alert(1)"}'
for u in "$AM_URL_A" "$AM_URL_B"; do
	am_push_alert --am "$u" "$HOSTILE_LABELS" "$HOSTILE_ANN"
done
SIL=$(am_silence --am "$AM_URL_A" alertname=SearchLatencyHigh)
am_has() {	# am_has URL ALERTNAME
	curl -sf "$1/api/v2/alerts" |
	    servers_json "[a for a in d if a[\"labels\"][\"alertname\"] == \"$2\"][0][\"status\"][\"state\"]"
}
settled() {
	local u a
	for u in "$AM_URL_A" "$AM_URL_B"; do
		for a in CheckoutErrorBudgetBurn LedgerReplicationLag \
		    HostileAnnotation TargetDown HostilePushed; do
			am_has "$u" "$a" >/dev/null || return 1
		done
		[ "$(am_has "$u" SearchLatencyHigh)" = suppressed ] || return 1
	done
	[ "$(curl -sf "$PROM_URL/api/v1/targets" | servers_json \
	    '" ".join(sorted(t["labels"]["job"] + "=" + t["health"] for t in d["data"]["activeTargets"]))')" = \
	    "dead-exporter=down prometheus=up" ]
}
wait_for settled 40
check $? "the servers settle: rules fire into both members, the silence spreads, targets are scraped"

# --- one fetch of everything --------------------------------------------------
cat >"$T/real.yaml" <<EOF
contexts:
  - name: real
    prometheus:
      url: "$PROM_URL"
      timeout: 5s
    alertmanagers:
      - url: "$AM_URL_A"
        timeout: 5s
      - url: "$AM_URL_B"
        timeout: 5s
    kubernetes:
      kubeconfig: "$KC"
    probes:
      - name: prometheus-healthy
        url: "$PROM_URL/-/healthy"
      - name: alertmanager-ready
        url: "$AM_URL_A/-/ready"
EOF
DB=$T/real.db
run fetch "$T/real.yaml" "$DB" fetch --once
fetch_rc=$rc
[ $fetch_rc -eq 0 ] && ! grep -q FAILED "$T/fetch.out" &&
    ! grep -q 'warning' "$T/fetch.out" &&
    [ "$(grep -c '^[a-z]* *ok ' "$T/fetch.out")" = 4 ]
check $? "fetch --once exits 0 with four sources ok, no warning (${elapsed} ms)"
diag "$T/fetch.out"

run info "$T/real.yaml" "$DB" cache info
check $rc "cache info exits 0"
bad=0
for pair in "alerts:alerts $AM_URL_A $AM_URL_B" \
    "silences:silences $AM_URL_A $AM_URL_B" \
    "kube_deployments:deployments $KC" "kube_pods:pods $KC" \
    "series:up $PROM_URL" "targets:targets $PROM_URL"; do
	table=${pair%%:*}
	# shellcheck disable=SC2086
	want=$(fr count ${pair#*:})
	got=$(fr info "$T/info.out" "$table")
	echo "# $table: cache info $got, servers $want"
	[ -n "$want" ] && [ "$want" != 0 ] && [ "$got" = "$want" ] || bad=1
done
check $bad "cache info counts the alerts, silences, deployments, pods, series and targets the servers hold"

fr alerts "$DB" "$AM_URL_A" "$AM_URL_B"
check $? "alerts equal the API's: fingerprints, labels, annotations, state, silencedBy"
union=$(fr count alerts "$AM_URL_A" "$AM_URL_B")
sum=$(fr count alerts-sum "$AM_URL_A" "$AM_URL_B")
stored=$(sqlite3 "$DB" "SELECT count(*) FROM alerts")
only=$(sqlite3 "$DB" "SELECT count(*) FROM alerts WHERE alertname IN ('OnlyOnA', 'OnlyOnB')")
[ "$stored" = "$union" ] && [ "$union" -lt "$sum" ] && [ "$only" = 2 ]
check $? "the HA pair is merged by fingerprint: $stored rows for $sum copies, both one-member alerts kept"
grep -q "^alertmanager  *ok .* $union alerts" "$T/fetch.out"
check $? "the fetch line counts merged alerts ($union), not copies ($sum)"
state=$(sqlite3 "$DB" "SELECT state || ' ' || silenced_by FROM alerts WHERE alertname = 'SearchLatencyHigh'")
[ "$state" = "suppressed [\"$SIL\"]" ]
check $? "the silenced alert is suppressed by silence $SIL ($state)"
fr silences "$DB" "$AM_URL_A" "$AM_URL_B"
check $? "silences equal the API's: ids, matchers, state"
fr targets "$DB" "$PROM_URL"
check $? "targets equal the API's: job, instance, health"
fr series "$DB" "$PROM_URL"
check $? "up series equal the API's: label sets and values"
fr kube "$DB" "$KC"
check $? "deployments and pods equal kubectl's: names, replicas, ready, restarts, reasons"
got=$(sqlite3 "$DB" "SELECT group_concat(name || '=' || ok || '/' || status, ' ') FROM (SELECT * FROM probes ORDER BY name)")
[ "$got" = "alertmanager-ready=1/200 prometheus-healthy=1/200" ]
check $? "probes stored as healthy ($got)"

# --- hostile text -------------------------------------------------------------
for name in HostilePushed HostileAnnotation; do
	hex=$(sqlite3 "$DB" "SELECT hex(annotations) FROM alerts WHERE alertname = '$name'")
	fr utf8hex "$hex" "$AM_URL_A" "$name"
	check $? "$name: annotations stored as valid UTF-8, every character as the API gave it"
done
hex=$(sqlite3 "$DB" "SELECT hex(labels) FROM alerts WHERE alertname = 'HostilePushed'")
printf '%s' "$hex" | "$PYTHON" -c '
import json, sys
t = bytes.fromhex(sys.stdin.read()).decode("utf-8")
sys.exit(0 if json.loads(t)["note"] == "lab\x1b[7mel\x9b1m" else 1)'
check $? "hostile label value stored as valid UTF-8, intact"
run snap "$T/real.yaml" "$DB" snapshot --format text --width 200
grep -q HostilePushed "$T/snap.out" && grep -q HostileAnnotation "$T/snap.out" &&
    grep -q 'click' "$T/snap.out"
check $? "snapshot --format text shows the hostile alerts"
fr clean "$T/fetch.out" "$T/info.out" "$T/snap.out"
check $? "no control byte (C0 but newline, DEL, C1) in fetch, cache info or snapshot output"

# --- the HA pair when members are down ------------------------------------------
dead=$(servers_freeport 2)
dead1=$(echo "$dead" | sed -n 1p)
dead2=$(echo "$dead" | sed -n 2p)
cat >"$T/half.yaml" <<EOF
contexts:
  - name: real
    alertmanagers:
      - url: "$AM_URL_A"
        timeout: 5s
      - url: "http://127.0.0.1:$dead1"
        timeout: 5s
EOF
run half "$T/half.yaml" "$DB" fetch --once
diag "$T/half.out"
want=$(curl -sf "$AM_URL_A/api/v2/alerts" | servers_json 'len(d)')
got=$(sqlite3 "$DB" "SELECT count(*) FROM alerts")
[ $rc -eq 0 ] && grep -q '^alertmanager  *ok .*(warning: .*connection refused at 127.0.0.1:'"$dead1"'.*is Alertmanager running?)' \
    "$T/half.out" && [ "$got" = "$want" ]
check $? "one member refused: a warning, exit 0, the other's $want alerts stored"

cat >"$T/down.yaml" <<EOF
contexts:
  - name: real
    alertmanagers:
      - url: "http://127.0.0.1:$dead1"
        timeout: 5s
      - url: "http://127.0.0.1:$dead2"
        timeout: 5s
EOF
before=$(sqlite3 "$DB" "SELECT count(*) FROM alerts")
run down "$T/down.yaml" "$DB" fetch --once
diag "$T/down.out"
after=$(sqlite3 "$DB" "SELECT count(*) FROM alerts")
err=$(sqlite3 "$DB" "SELECT last_error FROM sources WHERE context = 'real' AND name = 'alertmanager'")
[ $rc -eq 1 ] && [ "$(grep -c FAILED "$T/down.out")" = 1 ] &&
    grep -q '^alertmanager  *FAILED .*is Alertmanager running?' "$T/down.out" &&
    [ "$after" = "$before" ] && [ -n "$err" ]
check $? "both members down: FAILED, exit 1, the $before alerts kept, last_error set"

# --- a hanging source ---------------------------------------------------------
# SIGSTOP leaves A's socket accepting connections that are never answered.
cat >"$T/hang.yaml" <<EOF
contexts:
  - name: real
    prometheus:
      url: "$PROM_URL"
      timeout: 5s
    alertmanagers:
      - url: "$AM_URL_A"
        timeout: 2s
    kubernetes:
      kubeconfig: "$KC"
EOF
cat >"$T/hang-ha.yaml" <<EOF
contexts:
  - name: real
    alertmanagers:
      - url: "$AM_URL_A"
        timeout: 2s
      - url: "$AM_URL_B"
        timeout: 2s
EOF
run fetch "$T/real.yaml" "$DB" fetch --once
alerts_before=$(sqlite3 "$DB" "SELECT count(*) FROM alerts")
t_start=$(($(date +%s) * 1000))
STOPPED=$AM_PID_A
kill -STOP "$AM_PID_A"
run hang "$T/hang.yaml" "$DB" fetch --once
hang_rc=$rc hang_ms=$elapsed
fresh=$(sqlite3 "$DB" "SELECT count(*) FROM sources WHERE context = 'real' AND name IN ('prometheus', 'kubernetes') AND last_success_ms >= $t_start AND last_error IS NULL")
rows=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM targets) > 0 AND (SELECT count(*) FROM kube_pods) > 0")
am=$(sqlite3 "$DB" "SELECT count(*) FROM alerts")
amerr=$(sqlite3 "$DB" "SELECT last_error IS NOT NULL FROM sources WHERE context = 'real' AND name = 'alertmanager'")
run hangha "$T/hang-ha.yaml" "$DB" fetch --once
hangha_rc=$rc hangha_ms=$elapsed
kill -CONT "$AM_PID_A"
STOPPED=
diag "$T/hang.out"
[ $hang_rc -eq 1 ] &&
    grep -q '^alertmanager  *FAILED .*timed out after 2s.*did not answer in time' "$T/hang.out" &&
    grep -q '^prometheus  *ok ' "$T/hang.out" &&
    grep -q '^kubernetes  *ok ' "$T/hang.out"
check $? "Alertmanager stopped: it alone FAILED with a timeout, the others ok"
[ "$hang_ms" -ge 1900 ] && [ "$hang_ms" -le 3000 ]
check $? "the fetch returned within the 2s timeout plus 1s (${hang_ms} ms)"
echo "# fresh sources $fresh, rows $rows, alerts $am (before $alerts_before), error set $amerr"
[ "$fresh" = 2 ] && [ "$rows" = 1 ] && [ "$am" = "$alerts_before" ] &&
    [ "$amerr" = 1 ]
check $? "the others were stored meanwhile; the $alerts_before alerts kept, last_error set"
diag "$T/hangha.out"
[ $hangha_rc -eq 0 ] && [ "$hangha_ms" -le 3000 ] &&
    grep -q '^alertmanager  *ok .*(warning: .*did not answer in time)' "$T/hangha.out"
check $? "one member of the pair hanging: a warning, exit 0, in ${hangha_ms} ms"
fr clean "$T/half.out" "$T/down.out" "$T/hang.out" "$T/hangha.out"
check $? "no control byte in the failure output"

# --- an exec credential plugin ----------------------------------------------------
# The v1 fixture plugin folds its env and arguments into its token; a
# second emulator accepts exactly that token.
KUBEEMU_PID_MAIN=$KUBEEMU_PID
KUBEEMU_PID=
exec_token="v1-hello-first-second arg"
if kubeemu_start "$T/kube-exec" --token "$exec_token" >"$T/kx.start" 2>&1; then
	{
		echo "apiVersion: v1"
		echo "kind: Config"
		echo "current-context: exec"
		echo "clusters:"
		echo "- name: emu"
		echo "  cluster:"
		echo "    server: $KUBEEMU_URL"
		echo "    certificate-authority: $KUBEEMU_CA"
		echo "users:"
		echo "- name: plugin"
		echo "  user:"
		echo "    exec:"
		echo "      apiVersion: client.authentication.k8s.io/v1"
		echo "      command: $top_srcdir/tests/data/kubeconfig/plugins/v1.sh"
		echo "      args: [first, \"second arg\"]"
		echo "      env:"
		echo "      - {name: PLUGIN_GREETING, value: hello}"
		echo "      interactiveMode: Never"
		echo "contexts:"
		echo "- {name: exec, context: {cluster: emu, user: plugin}}"
	} >"$T/exec.kubeconfig"
	printf 'contexts:\n  - name: exec\n    kubernetes:\n      kubeconfig: "%s"\n' \
	    "$T/exec.kubeconfig" >"$T/exec.yaml"
	run exec "$T/exec.yaml" "$T/exec.db" fetch --once
	diag "$T/exec.out"
	want=$(kubectl --kubeconfig "$T/exec.kubeconfig" get pods -A \
	    --no-headers 2>"$T/kx.err" | wc -l)
	got=$(sqlite3 "$T/exec.db" "SELECT count(*) FROM kube_pods")
	[ $rc -eq 0 ] && grep -q '^kubernetes  *ok ' "$T/exec.out" &&
	    [ "$want" -gt 0 ] && [ "$got" = "$want" ] &&
	    ! grep -q "$exec_token" "$T/exec.out"
	check $? "exec credential kubeconfig: fetch ok, $got pods as kubectl lists ($want), token never shown"
	kubeemu_stop
else
	check 1 "the second emulator starts: $(head -n 3 "$T/kx.start")"
fi
KUBEEMU_PID=$KUBEEMU_PID_MAIN
KUBEEMU_PID_MAIN=

tap_done
