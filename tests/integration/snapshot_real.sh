#!/bin/bash
# snapshot_real.sh: `sitrep snapshot` against a real Prometheus, a real
# Alertmanager and the Kubernetes API emulator.
#
# Prometheus is loaded with request history whose SLO answers are known
# exactly (tests/lib/gen_history.py writes the history and a truth file)
# and with the test alerting rules, which fire into Alertmanager; one more
# alert with HTML and escape sequences in labels and annotations is pushed
# (tests/data/snapshot/hostile-alert.json).  Then, as TAP:
#
#  - `snapshot --fresh --at T --format json` (T: the end of the history)
#    passes the schema, and for every SLO and every window its burn rate
#    and error ratio are within 1% (relative) of the truth, the period
#    ratio matches the truth's 30d one, budgets, objectives and verdicts
#    agree, the idle service is null everywhere, every sparkline point is
#    within 1% of the exact 1h burn at its time; the alerts are exactly
#    the ones Alertmanager's API lists; the status is CRITICAL and the exit
#    code 2;
#  - the text rendering holds no control byte (hostile text shows as caret
#    notation), the HTML is well-formed, inert, and no `<` of alert text
#    survives unescaped, the Markdown is sane and escaped.
#
# Tolerance: 1% relative, the acceptance bar (the JSON rounds to six
# significant digits, so a correct engine is off by about 1e-6); where the
# truth is below 1e-9 in magnitude an absolute 1e-9 is used instead.

# wait_for evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016
# want_alerts is read by the commands wait_for evaluates.
# shellcheck disable=SC2034

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=${SITREP:-$top_builddir/sitrep}
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"
data=$top_srcdir/tests/data/snapshot

servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" prometheus
need_tools openssl
[ -x "$SITREP" ] || skip_all "$SITREP is not built"

started=$(date +%s)
servers_tmpdir || exit 1
trap 'servers_cleanup; kubeemu_stop' EXIT
trap 'servers_cleanup; kubeemu_stop; exit 130' INT
trap 'servers_cleanup; kubeemu_stop; exit 143' TERM
tmp=$SERVERS_TMPDIR
# A private copy: the binary under test stays the same for the whole run.
cp "$SITREP" "$tmp/sitrep" && SITREP=$tmp/sitrep
hist=$tmp/history
mkdir -p "$hist"

# --- servers ---------------------------------------------------------------
"$PYTHON" "$top_srcdir/tests/lib/gen_history.py" --out "$hist/history.om" \
    --truth "$hist/truth.json" && prom_backfill "$hist/tsdb" "$hist/history.om"
check $? "history with known answers backfilled into TSDB blocks"
am_start
check $? "Alertmanager is ready"
prom_start --tsdb "$hist/tsdb" --rules "$top_srcdir/tests/data/prom/rules.yml" \
    --am "$AM_URL"
check $? "Prometheus with the history and the test rules is ready"
kubeemu_start "$tmp/kube" >/dev/null
check $? "Kubernetes API emulator is ready"
T=$(servers_json 'd["eval_time"]' <"$hist/truth.json")

labels=$(servers_json 'd["labels"]' <"$data/hostile-alert.json")
annotations=$(servers_json 'd["annotations"]' <"$data/hostile-alert.json")
am_push_alert "$labels" "$annotations" -1m +1h
check $? "hostile alert pushed to Alertmanager"

# Print alert names in Alertmanager, sorted, one line.
am_names() {
	curl -sf --max-time 5 "$AM_URL/api/v2/alerts" |
	    servers_json '" ".join(sorted(set(a["labels"]["alertname"] for a in d)))'
}
want_alerts="CheckoutErrorBudgetBurn HostileAnnotation HostilePushed LedgerReplicationLag SearchLatencyHigh"
wait_for 'test "$(am_names)" = "$want_alerts"' 30
check $? "Alertmanager holds the rule alerts and the pushed one ($(am_names))"

# --- the snapshot ------------------------------------------------------------
# The context: every source, refresh 1s; the SLOs of every service.
conf=$tmp/sitrep.yaml
{
	printf 'contexts:\n  - name: real\n    refresh: 1s\n'
	printf '    prometheus: {url: "%s"}\n' "$PROM_URL"
	printf '    alertmanagers: [{url: "%s"}]\n' "$AM_URL"
	printf '    kubernetes: {kubeconfig: "%s"}\n' "$KUBEEMU_KUBECONFIG"
	printf 'slos:\n'
	for s in checkout payments search ledger idle; do
		sed -n "/^#@ $s\$/,/^#@ /p" "$data/slos.yaml" | grep -v '^#'
	done
} >"$conf"
cache=$tmp/cache.db
snap() {
	"$SITREP" --config "$conf" --cache "$cache" snapshot "$@"
}

t0=$(date +%s%N)
snap --fresh --at "$T" --format json >"$tmp/snap.json" 2>"$tmp/snap.err"
rc=$?
t1=$(date +%s%N)
curl -sf --max-time 5 "$AM_URL/api/v2/alerts" >"$tmp/am.json"
check $? "Alertmanager's own list of alerts read"
[ ! -s "$tmp/snap.err" ]
check $? "snapshot --fresh writes nothing on stderr$(head -c 300 "$tmp/snap.err" | tr '\n' ' ')"
"$PYTHON" "$top_srcdir/tests/lib/check_snapshot.py" json "$tmp/snap.json" \
    2>"$tmp/check.err"
check $? "JSON matches docs/snapshot.schema.json $(head -c 300 "$tmp/check.err")"
echo "# snapshot --fresh took $(((t1 - t0) / 1000000)) ms"

# One python run compares everything and prints "STATUS<TAB>description".
"$PYTHON" - "$hist/truth.json" "$tmp/snap.json" "$tmp/am.json" "$rc" \
    "$top_srcdir/tests/lib" >"$tmp/compare.tsv" 2>&1 <<'PYEOF'
import datetime, json, math, sys
truth = json.load(open(sys.argv[1]))
snap = json.load(open(sys.argv[2]))
am = json.load(open(sys.argv[3]))
rc = int(sys.argv[4])
sys.path.insert(0, sys.argv[5])
import gen_history as gh

TOL = 0.01
EPS = 1e-9
maxerr = [0.0, ""]

def out(good, desc):
    print("%d\t%s" % (0 if good else 1, desc))

def close(got, want, what):
    """Whether got is within TOL of want; remembers the worst error."""
    if want is None or got is None:
        return got is None and want is None
    if abs(want) < EPS:
        return abs(got - want) <= EPS
    err = abs(got - want) / abs(want)
    if err > maxerr[0]:
        maxerr[0], maxerr[1] = err, what
    return err <= TOL

def iso(secs):
    return datetime.datetime.fromtimestamp(
        secs, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

def secs(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp())

def ratio_between(svc, lo, hi):
    """Exact error ratio of svc over ages [lo, hi] seconds before T."""
    errs = total = 0
    for inst in svc["instances"]:
        for i, a in enumerate(gh.EDGES):
            b = gh.EDGES[i + 1] if i + 1 < len(gh.EDGES) else float("inf")
            span = max(0, min(b, hi) - max(a, lo))
            errs += inst["errors"][i] * span
            total += inst["total"] * span
    return None if total == 0 else errs / total

T = truth["eval_time"]
windows = [w for w in truth["windows"] if w != "30d"]
verdict_name = {"page": "page", "ticket": "ticket", "ok": "ok",
                "nodata": "no data"}
slos = {s["service"]: s for s in snap["slos"]}
out(sorted(slos) == sorted(truth["services"]),
    "one SLO per service of the history (%s)" % " ".join(sorted(slos)))
for name in sorted(truth["services"]):
    s = slos.get(name)
    if s is None:
        out(False, "%s: SLO missing from the snapshot" % name)
        continue
    obj = truth["objective"][name]
    budget = 1 - obj / 100.0
    out(s["objective"] == obj and s["period"] == "30d" and
        s["period_seconds"] == 30 * 86400,
        "%s: objective %s (truth %s), period %s" % (name, s["objective"],
                                                     obj, s["period"]))
    bad = []
    for w in windows:
        want = truth["burn"][name][w]
        if not close(s["burn_rates"].get(w), want, "%s burn %s" % (name, w)):
            bad.append("burn %s %r want %r" % (w, s["burn_rates"].get(w), want))
        want = truth["services"][name][w]
        if not close(s["error_ratios"].get(w), want,
                     "%s ratio %s" % (name, w)):
            bad.append("ratio %s %r want %r" % (w, s["error_ratios"].get(w),
                                                want))
    out(not bad and sorted(s["burn_rates"]) == sorted(windows),
        "%s: burn rates and error ratios of %s within 1%% of the truth%s" %
        (name, ",".join(windows), (": " + "; ".join(bad)) if bad else ""))
    want = truth["services"][name]["30d"]
    out(close(s["error_ratios"].get("period"), want, "%s period" % name),
        "%s: period (30d) ratio %r, truth %r" %
        (name, s["error_ratios"].get("period"), want))
    want_rem = None if want is None else 1 - want / budget
    out(close(s["error_budget_remaining"], want_rem, "%s budget" % name),
        "%s: error budget remaining %r, truth %r" %
        (name, s["error_budget_remaining"], want_rem))
    want_v = verdict_name[truth["verdict"][name]]
    out(s["verdict"] == want_v, "%s: verdict %s, truth %s" %
        (name, s["verdict"], want_v))
    ev = s["evaluated_at"]
    out(ev == iso(T), "%s: evaluated at %s, T is %s" % (name, ev, iso(T)))
    # The sparkline: the 1h burn every 15 minutes over the 24 h before T.
    svc = [x for x in gh.SERVICES if x["name"] == name][0]
    pts = s["sparkline"]["points"]
    bad = []
    for p in pts:
        age = T - secs(p["t"])
        r = ratio_between(svc, age, age + 3600)
        want = None if r is None else r / budget
        if not close(p["burn_rate"], want, "%s spark" % name):
            bad.append("%s %r want %r" % (p["t"], p["burn_rate"], want))
    out(len(pts) == 97 and pts[-1]["t"] == iso(T) and
        pts[0]["t"] == iso(T - 86400) and
        s["sparkline"]["step_seconds"] == 900 and not bad,
        "%s: %d sparkline points from T-24h to T, each within 1%% of the "
        "exact 1h burn%s" % (name, len(pts), (": " + "; ".join(bad[:3]))
                             if bad else ""))

# Alerts: exactly Alertmanager's, with their incidents.
fp_am = sorted(a["fingerprint"] for a in am)
fp_snap = sorted(a["fingerprint"] for a in snap["alerts"])
out(fp_am == fp_snap and len(fp_am) == 5,
    "alerts are exactly Alertmanager's (%d in Alertmanager, %d in the "
    "snapshot)" % (len(fp_am), len(fp_snap)))
# A NUL cannot live in a C string: it may become U+FFFD or end the string.
def same(got, want):
    return got == want or got == {
        k: v.replace("\0", "\ufffd") for k, v in want.items()} or got == {
        k: v.split("\0")[0] for k, v in want.items()}
by_fp = {a["fingerprint"]: a for a in am}
bad = []
for a in snap["alerts"]:
    src = by_fp.get(a["fingerprint"])
    if src is None:
        continue
    if not same(a["labels"], src["labels"]) or \
            not same(a["annotations"], src["annotations"]):
        bad.append(a["alertname"] + " labels/annotations")
    if a["alertname"] != src["labels"]["alertname"]:
        bad.append(a["alertname"] + " name")
    if a["state"] != src["status"]["state"]:
        bad.append(a["alertname"] + " state")
    if a["incident"] not in [i["id"] for i in snap["incidents"]]:
        bad.append(a["alertname"] + " incident")
out(not bad, "every alert's labels, annotations, state and incident agree "
    "with Alertmanager%s" % ((": " + ", ".join(bad)) if bad else ""))
sev = {a["alertname"]: a["severity"] for a in snap["alerts"]}
out(sev.get("CheckoutErrorBudgetBurn") == "critical" and
    sev.get("SearchLatencyHigh") == "warning",
    "severities normalised (%s)" % sev)
inc_alerts = sorted(f for i in snap["incidents"] for f in i["alerts"])
out(inc_alerts == fp_snap, "every alert is in exactly one incident")

# Status: checkout pages, so CRITICAL, and the exit code says so.
codes = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
out(snap["status"] == "CRITICAL" and rc == 2,
    "status %s (%s), exit code %d; want CRITICAL and 2" %
    (snap["status"], snap["status_reason"], rc))
out(all(s["ok"] and not s["stale"] and s["error"] is None
        for s in snap["sources"]) and
    sorted(s["name"] for s in snap["sources"]) ==
    ["alertmanager", "kubernetes", "prometheus"],
    "every source fresh and ok (%s)" % ", ".join(
        "%s ok=%s stale=%s" % (s["name"], s["ok"], s["stale"])
        for s in snap["sources"]))
names = [s["name"] for s in snap["services"]]
out(len(names) == len(set(names)) and "api" in names,
    "services from the emulator's deployments, each named once (%s)" %
    " ".join(names))
api = [s for s in snap["services"] if s["name"] == "api"]
out(bool(api) and api[0]["status"] == "WARNING" and
    any("CrashLoopBackOff" in r for r in api[0]["reasons"]),
    "api is WARNING with its crash-looping pod as a reason")
print("#\tmax relative error vs truth: %.3g (%s)" % tuple(maxerr))
PYEOF
grep '^#' "$tmp/compare.tsv" | cut -f2- | sed 's/^/# /'
grep -v '^#' "$tmp/compare.tsv" >"$tmp/compare.ok"
check_lines "$tmp/compare.ok"

# --- text, HTML, Markdown with the hostile alerts -----------------------------
snap --at "$T" --format text --width 120 >"$tmp/snap.txt" 2>"$tmp/txt.err"
rc=$?
[ "$rc" -eq 2 ]
check $? "text snapshot from the cache exits 2 like the JSON one (got $rc)"
"$PYTHON" - "$tmp/snap.txt" >"$tmp/text.tsv" 2>&1 <<'PYEOF'
import re, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8", "replace")
def out(good, desc):
    print("%d\t%s" % (0 if good else 1, desc))
ctl = re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                "\u2066-\u2069\u061c\ufeff]", text)
out(ctl is None, "text: no control byte, C1, DEL or bidi control%s" %
    ("" if ctl is None else " (U+%04X at %d)" % (ord(ctl.group()),
                                                  ctl.start())))
try:
    raw.decode("utf-8", "strict")
    utf8 = True
except UnicodeDecodeError:
    utf8 = False
out(utf8, "text: valid UTF-8")
out("HostileAnnotation" in text and "HostilePushed" in text,
    "text: both hostile alerts are listed")
out("^[" in text, "text: escape sequences shown as visible caret text")
PYEOF
check_lines "$tmp/text.tsv"

snap --at "$T" --format html --output "$tmp/snap.html" 2>"$tmp/html.err"
rc=$?
[ "$rc" -eq 2 ]
check $? "HTML snapshot exits 2 (got $rc)"
"$PYTHON" "$top_srcdir/tests/lib/check_snapshot.py" html "$tmp/snap.html" \
    2>"$tmp/check.err"
check $? "HTML is well-formed, self-contained and inert $(head -c 300 "$tmp/check.err")"
"$PYTHON" - "$tmp/snap.html" >"$tmp/html.tsv" 2>&1 <<'PYEOF'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
def out(good, desc):
    print("%d\t%s" % (0 if good else 1, desc))
low = html.lower()
out("<script" not in low and "<img" not in low,
    "HTML: no <script or <img from alert text")
out("&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in
    html.replace("&quot;", '"').replace("&#34;", '"'),
    "HTML: the alert text is there, escaped")
out('href="javascript' not in low and "href='javascript" not in low,
    "HTML: the javascript: runbook is not a link")
PYEOF
check_lines "$tmp/html.tsv"

snap --at "$T" --format markdown >"$tmp/snap.md" 2>"$tmp/md.err"
rc=$?
[ "$rc" -eq 2 ]
check $? "Markdown snapshot exits 2 (got $rc)"
"$PYTHON" - "$tmp/snap.md" >"$tmp/md.tsv" 2>&1 <<'PYEOF'
import re, sys
md = open(sys.argv[1], encoding="utf-8").read()
def out(good, desc):
    print("%d\t%s" % (0 if good else 1, desc))
lines = md.split("\n")
out(lines[0].startswith("# ") and "CRITICAL" in lines[0],
    "Markdown: a heading with the status first (%r)" % lines[0][:60])
out(md.endswith("\n"), "Markdown: ends with a newline")
for name in ("checkout", "payments", "search", "ledger", "idle"):
    row = [l for l in lines if l.startswith("| %s-availability |" % name)]
    out(len(row) == 1, "Markdown: one SLO row for %s" % name)
# Every table row has as many cells as its header: no '|' leaked.
bad = []
cols = None
for l in lines:
    if not l.startswith("|"):
        cols = None
        continue
    cells = len(re.findall(r"(?<!\\)\|", l)) - 1
    if cols is None:
        cols = cells
    elif cells != cols:
        bad.append(l[:60])
out(not bad, "Markdown: every table row has its header's cell count%s" %
    ((": " + " / ".join(bad[:2])) if bad else ""))
ctl = re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", md)
out(ctl is None, "Markdown: no control character")
out("<script" not in md and "<img" not in md and
    not re.search(r"(?<!\\)\]\(javascript", md),
    "Markdown: no raw HTML, no javascript: link")
PYEOF
check_lines "$tmp/md.tsv"

# --- teardown ---------------------------------------------------------------
bad=$(servers_sockets_bad)
check $? "every server socket on 127.0.0.1${bad:+ (bad: $bad)}"
[ $failed -eq 0 ] || servers_logs
elapsed=$(($(date +%s) - started))
[ "$elapsed" -le 120 ]
check $? "test took ${elapsed}s"
tap_done
