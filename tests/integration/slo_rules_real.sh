#!/bin/bash
# slo_rules_real.sh: SLOs read through Sloth's recording rules, against a
# real Prometheus, give what the raw queries give.
#
# The request history of tests/lib/gen_history.py (answers known exactly)
# is backfilled twice: into a Prometheus "raw" with no rules, and into a
# Prometheus "rules" that also holds Sloth-style recording rules
# (tests/data/prom/gen_sloth_rules.py writes them as Sloth does, the
# optimized 30d period rule included) for every SLO but ledger, backfilled
# over the day before T by `promtool tsdb create-blocks-from rules` on a
# 60 s grid that T lies on.  Then, as TAP:
#
#  - `fetch --once --at T` against each; every window point sitrep stored
#    through a rule is, within 1e-9 relative, the raw query's answer at the
#    time the rule was evaluated (the point's time, less than two rule
#    intervals before T), every sparkline point too; what has no rule
#    (ledger, the period) is the raw cache's point at T;
#  - `cache info` names each SLO's path: "sloth rules" for the SLOs with
#    rules, "raw queries" for ledger (in the same round) and for all of
#    them against the raw Prometheus;
#  - the round's query count, from `cache info`, is the same for 5 SLOs
#    and for 20 (15 more with rules): not proportional to the SLOs, and
#    far below the 9 queries per SLO of one query per window.

# shellcheck disable=SC2016
# prom_start sets PROM_URL_raw and PROM_URL_rules by eval.
# shellcheck disable=SC2154
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=${SITREP:-$top_builddir/sitrep}
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"
data=$top_srcdir/tests/data

servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" prometheus
[ -x "$SITREP" ] || skip_all "$SITREP is not built"
servers_tmpdir || exit 1
tmp=$SERVERS_TMPDIR
cp "$SITREP" "$tmp/sitrep" && SITREP=$tmp/sitrep
hist=$tmp/history
mkdir -p "$hist"

# --- the SLOs ------------------------------------------------------------------
# The five of the history, and fifteen more copies of checkout (with rules).
slo_blocks() {
	for s in checkout payments search ledger idle; do
		sed -n "/^#@ $s\$/,/^#@ /p" "$data/snapshot/slos.yaml" |
		    grep -v '^#'
	done
}
copies() {
	sed -n "/^#@ checkout\$/,/^#@ /p" "$data/snapshot/slos.yaml" |
	    grep -v '^#' >"$tmp/checkout.block"
	for i in $(seq 1 15); do
		sed "s/name: checkout-availability/name: checkout-copy-$i/" \
		    "$tmp/checkout.block"
	done
}
# The rule specs NAME<TAB>SERVICE<TAB>ERROR<TAB>TOTAL of the SLOs given on stdin.
specs() {
	"$PYTHON" -c '
import re, sys
name = svc = err = None
for line in sys.stdin:
    m = re.match(r"\s*- name: (\S+)", line)
    if m: name = m.group(1)
    m = re.match(r"\s*service: (\S+)", line)
    if m: svc = m.group(1)
    m = re.match(r"\s*error_query: \x27(.*)\x27$", line)
    if m: err = m.group(1)
    m = re.match(r"\s*total_query: \x27(.*)\x27$", line)
    if m and svc != "ledger":
        print("%s\t%s\t%s\t%s" % (name, svc, err, m.group(1)))
'
}
{ slo_blocks; copies; } >"$tmp/slos20.yaml"
slo_blocks >"$tmp/slos5.yaml"
mapfile -t rule_specs < <(specs <"$tmp/slos20.yaml")
"$PYTHON" "$data/prom/gen_sloth_rules.py" "$tmp/sloth-rules.yml" \
    "${rule_specs[@]}"
check $? "Sloth-style rules written for ${#rule_specs[@]} SLOs (all but ledger)"

# --- servers ---------------------------------------------------------------------
"$PYTHON" "$top_srcdir/tests/lib/gen_history.py" --out "$hist/history.om" \
    --truth "$hist/truth.json" && prom_backfill "$hist/tsdb" "$hist/history.om"
check $? "history with known answers backfilled into TSDB blocks"
T=$(servers_json 'd["eval_time"]' <"$hist/truth.json")
prom_start --name raw --tsdb "$hist/tsdb"
check $? "Prometheus 'raw' (no rules) is ready"

# The rules over the day before T (and the sparkline's first step), on a
# grid through T, computed by promtool from the raw server (once per test
# run: the same history and rules give the same blocks).
mkdir -p "$hist/rules-tsdb"
key=$(cat "$hist/history.om" "$tmp/sloth-rules.yml" | sha256sum | cut -c1-32)
servers_shared "rules-$T-$key" "$hist/rules-tsdb" \
    "$PROMTOOL_BIN" tsdb create-blocks-from rules --quiet \
    --url "$PROM_URL_raw" --start $((T - 86400 - 3600)) --end $((T + 60)) \
    --eval-interval 60s --output-dir "$hist/rules-tsdb" \
    "$tmp/sloth-rules.yml" >"$tmp/promtool.log" 2>&1
check $? "promtool backfilled the recording rules $(tail -n 3 "$tmp/promtool.log" | tr '\n' ' ')"
mkdir -p "$hist/both"
cp -R "$hist/tsdb"/. "$hist/both/" && cp -R "$hist/rules-tsdb"/. "$hist/both/"
prom_start --name rules --tsdb "$hist/both" --rules "$tmp/sloth-rules.yml"
check $? "Prometheus 'rules' (history, Sloth rules) is ready"
rule_at_T=$(curl -sf -G --data-urlencode 'query=count(slo:sli_error:ratio_rate1h)' \
    --data-urlencode "time=$T" "$PROM_URL_rules/api/v1/query" |
    servers_json 'd["data"]["result"][0]["value"][1]')
check_eq "the 1h rule has a sample for every SLO with rules at T" \
    "${#rule_specs[@]}" "$rule_at_T"

# --- one round against each --------------------------------------------------------
# conf NAME URL SLOFILE: a context "real" on URL with the SLOs of SLOFILE.
conf() {
	{
		printf 'contexts:\n  - name: real\n    refresh: 1s\n'
		printf '    prometheus: {url: "%s", timeout: 60s}\n' "$2"
		printf 'slos:\n'
		cat "$3"
	} >"$tmp/$1.yaml"
}
conf rules "$PROM_URL_rules" "$tmp/slos20.yaml"
conf raw "$PROM_URL_raw" "$tmp/slos20.yaml"
conf rules5 "$PROM_URL_rules" "$tmp/slos5.yaml"
for c in rules raw rules5; do
	timeout 120 "$SITREP" --config "$tmp/$c.yaml" --cache "$tmp/$c.db" \
	    fetch --once --at "$T" >"$tmp/$c.fetch" 2>&1
	check $? "fetch --once --at T against '$c' $(grep -v ' ok ' "$tmp/$c.fetch" | head -c 300)"
	"$SITREP" --config "$tmp/$c.yaml" --cache "$tmp/$c.db" cache info \
	    >"$tmp/$c.info" 2>&1
	check $? "cache info of '$c'"
	"$SITREP" --config "$tmp/$c.yaml" --cache "$tmp/$c.db" snapshot \
	    --at "$T" --format json >"$tmp/$c.json" 2>"$tmp/$c.err"
	[ -s "$tmp/$c.json" ]
	check $? "snapshot --at T of '$c' $(head -c 200 "$tmp/$c.err")"
done

# --- the values: rules = raw at the same time ------------------------------------
# A rule's sample is true at the time Prometheus evaluated the rule (a
# group's offset within the interval, as live), which sitrep stores as the
# point's time.  So each point read through the rules is checked against
# the raw query sitrep would send, asked of the raw server at that very
# time; a sparkline (97 points, 15 minutes apart on the rule's grid) by one
# range query, and by an instant query each point off that grid (where an
# evaluation is missing, the step reads the one before).  Windows without rules (ledger's, every period) are stored
# at T and checked against the raw cache's points.
"$PYTHON" - "$tmp/rules.db" "$tmp/raw.db" "$tmp/slos20.yaml" "$T" \
    "$PROM_URL_raw" >"$tmp/compare.tsv" 2>&1 <<'PYEOF'
import json, re, sqlite3, sys, urllib.parse, urllib.request
rules = sqlite3.connect(sys.argv[1])
raw = sqlite3.connect(sys.argv[2])
T = int(sys.argv[4]) * 1000
prom = sys.argv[5]
WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "period"]

def out(good, desc):
    print("%d\t%s" % (0 if good else 1, desc))

def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if abs(b) < 1e-12:
        return abs(a - b) <= 1e-12
    return abs(a - b) / abs(b) <= 1e-9

def ask(path, **params):
    url = prom + path + "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=30) as f:
        return json.load(f)["data"]["result"]

def num(v):
    return None if v == "NaN" else float(v)

slos, name, err = [], None, None
for line in open(sys.argv[3]):
    m = re.match(r"\s*- name: (\S+)", line)
    if m: name = m.group(1)
    m = re.match(r"\s*error_query: '(.*)'$", line)
    if m: err = m.group(1)
    m = re.match(r"\s*total_query: '(.*)'$", line)
    if m: slos.append((name, err, m.group(1)))

def points(db, key):
    return db.execute("SELECT ts_ms, value FROM samples WHERE query_key = ?"
                      " ORDER BY ts_ms", (key,)).fetchall()

bad_rule, bad_raw, bad_spark, nrule, nraw, nspark = [], [], [], 0, 0, 0
for name, err, tot in slos:
    for w in WINDOWS:
        key = "slo:%s:ratio:%s" % (name, w)
        got = points(rules, key)
        want_raw = points(raw, key)
        if not got:
            bad_rule.append("%s: no point" % key)
            continue
        ts, val = got[-1]
        if ts == T:
            # Not from a rule: sitrep's raw query at T, as in the raw cache.
            nraw += 1
            if len(want_raw) != 1 or want_raw[0][0] != T or \
                    not same(val, want_raw[0][1]):
                bad_raw.append("%s: %r vs %r" % (key, got, want_raw))
            continue
        nrule += 1
        if name.startswith("ledger") or w == "period" or \
                not T - 120000 < ts < T:
            bad_rule.append("%s: a rule's point at %d for T %d" % (key, ts, T))
            continue
        q = "(%s) / (%s)" % (err.replace("{{.window}}", w),
                             tot.replace("{{.window}}", w))
        r = ask("/api/v1/query", query=q, time="%.3f" % (ts / 1000.0))
        want = num(r[0]["value"][1]) if r else None
        if not same(val, want):
            bad_rule.append("%s at %d: %r, raw %r" % (key, ts, val, want))
    spark = points(rules, "slo:%s:spark:1h" % name)
    q = "(%s) / (%s)" % (err.replace("{{.window}}", "1h"),
                         tot.replace("{{.window}}", "1h"))
    if len(spark) != 97:
        bad_spark.append("%s: %d points" % (name, len(spark)))
        continue
    r = ask("/api/v1/query_range", query=q, step="900",
            start="%.3f" % (spark[0][0] / 1000.0),
            end="%.3f" % (spark[-1][0] / 1000.0))
    want = {int(round(float(t) * 1000)): num(v) for t, v in r[0]["values"]}
    for ts, val in spark:
        nspark += 1
        if ts not in want:
            # A rule evaluation missing at a step: the one before it.
            r = ask("/api/v1/query", query=q, time="%.3f" % (ts / 1000.0))
            want[ts] = num(r[0]["value"][1]) if r else None
        if ts not in want or not same(val, want[ts]):
            bad_spark.append("%s at %d: %r, raw %r (raw answered %d "
                             "points from %r)" % (name, ts, val, want.get(ts),
                             len(want), min(want) if want else None))
out(nrule == 19 * 7 and not bad_rule,
    "each of the %d window points read through the rules (19 SLOs x 7) is "
    "the raw query's answer at the rule's own time, within two rule "
    "intervals before T%s" % (nrule, ": " + "; ".join(bad_rule[:3])
                              if bad_rule else ""))
out(nraw == 20 + 7 and not bad_raw,
    "the %d points without rules (every period, ledger's windows) are "
    "the raw cache's, at T%s" % (nraw, ": " + "; ".join(bad_raw[:3])
                                 if bad_raw else ""))
out(nspark == 20 * 97 and not bad_spark,
    "each of the %d sparkline points is the raw 1h ratio at its time%s"
    % (nspark, ": " + "; ".join(bad_spark[:3]) if bad_spark else ""))
PYEOF
while IFS="$(printf '\t')" read -r st desc; do
	case $st in
	0|1) check "$st" "$desc" ;;
	*) echo "# $st $desc" ;;
	esac
done <"$tmp/compare.tsv"

# --- the paths and the query counts ----------------------------------------------------
path_of() {	# path_of CACHE SLO: the path `cache info` names
	sed -n "s|^  real/$2  *\([a-z][a-z +]*[a-z]\).*|\1|p" "$tmp/$1.info"
}
check_eq "cache info: checkout-availability reads Sloth's rules" \
    "sloth rules" "$(path_of rules checkout-availability)"
check_eq "cache info: checkout-copy-15 reads Sloth's rules" \
    "sloth rules" "$(path_of rules checkout-copy-15)"
check_eq "cache info: ledger (no rules) uses raw queries in the same round" \
    "raw queries" "$(path_of rules ledger-availability)"
check_eq "cache info: against the raw Prometheus, checkout uses raw queries" \
    "raw queries" "$(path_of raw checkout-availability)"
queries() {	# queries CACHE: the round's query count `cache info` names
	sed -n 's|^  real/prometheus  *\([0-9][0-9]*\) queries last round.*|\1|p' \
	    "$tmp/$1.info"
}
q20=$(queries rules)
q5=$(queries rules5)
echo "# queries in the round: $q5 for 5 SLOs, $q20 for 20 (raw Prometheus: $(queries raw))"
[ -n "$q20" ] && [ "$q20" = "$q5" ]
check $? "the round asks as many queries for 20 SLOs as for 5 ($q20, $q5)"
[ -n "$q20" ] && [ "$q20" -le 20 ]
check $? "20 SLOs take at most 20 queries in a round ($q20; one per window and SLO would be 182)"

# --- a live feeder: steady rounds ------------------------------------------------------
# sitrep fetch polls the raw Prometheus every second for a few rounds.  A
# steady round batches every window of every SLO into one query beside
# `up` and the targets, and the 24 h sparkline (points on 15-minute steps)
# is asked in the first round (raw, and from Sloth's rule on that round,
# which probes for every rule) and again only when a step boundary passes.
range_count() {	# the raw Prometheus's own count of query_range requests
	curl -sf "$PROM_URL_raw/metrics" | awk '
	    /^prometheus_http_requests_total\{/ &&
	    /handler="\/api\/v1\/query_range"/ { n += $NF }
	    END { printf "%d\n", n }'
}
r0=$(range_count)
t0=$(date +%s)
# Four rounds or more, however slow the machine (a sanitizer build, load):
# stopped once the fourth is written, or after a minute.  The output file
# is made first: the loop below may read it before the feeder opens it.
: >"$tmp/live.out"
"$SITREP" --config "$tmp/raw.yaml" --cache "$tmp/live.db" fetch \
    >>"$tmp/live.out" 2>&1 &
live_pid=$!
i=0
while [ "$(grep -c ' ok ' "$tmp/live.out")" -lt 4 ] && [ $i -lt 600 ] &&
    kill -0 "$live_pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
kill "$live_pid" 2>/dev/null
wait "$live_pid" 2>/dev/null
t1=$(date +%s)
sleep 1
r1=$(range_count)
rounds=$(grep -c ' ok ' "$tmp/live.out")
"$SITREP" --config "$tmp/raw.yaml" --cache "$tmp/live.db" cache info \
    >"$tmp/live.info" 2>&1
spark=$((r1 - r0))
steps=$((t1 / 900 - t0 / 900 + 1))
echo "# live: $rounds rounds in $((t1 - t0)) s, $spark sparkline queries, $steps step(s)"
[ "$rounds" -ge 4 ] && [ "$spark" -ge 1 ] && [ "$spark" -le $((steps + 1)) ]
check $? "a live feeder asks for the sparkline in its first round and once per 15-minute step ($spark in $rounds rounds)"
qlive=$(queries live)
[ -n "$qlive" ] && [ "$qlive" -le 3 ]
check $? "a steady round of 20 SLOs without rules takes 3 queries: up, targets, one batch ($qlive)"

for c in rules raw; do
	sed 's/^/# /' "$tmp/$c.info"
done
tap_done
