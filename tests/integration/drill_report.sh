#!/bin/sh
# drill_report.sh: `sitrep drill history` and `sitrep drill report` over
# run caches built by hand: a real cache (a demo fetch creates the
# schema), then the meta keys a drill run writes and its audit rows and
# acknowledgement inserted with sqlite3 (the rows do not carry the hash
# chain: the report scores them anyway and warns).  history lists the
# runs newest first with points and harmful counts; report shows the
# points, the harmful action and the timeline as text, markdown and
# JSON (which parses).  TAP output; the plan comes last.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

need_tools sqlite3 python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-drillrep.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
XDG_CACHE_HOME=$tmp/xdg
export XDG_CACHE_HOME
runs=$XDG_CACHE_HOME/sitrep/drills
mkdir -p "$runs"

S=1796000000000		# the drill's clock starts
M=60000

# A cache with the schema of this binary (--demo: it needs no servers).
new_cache() {	# FILE
	"$SITREP" --demo --cache "$1" fetch --once >/dev/null 2>&1
}

# The meta keys of a run: NAME RUN STARTED ENDED(or "") HINTS FILE YAML
meta() {
	sqlite3 "$1" "INSERT INTO meta VALUES ('drill.name', '$2');
	    INSERT INTO meta VALUES ('drill.run', '$3');
	    INSERT INTO meta VALUES ('drill.started_ms', '$4');
	    INSERT INTO meta VALUES ('drill.seed', '42');
	    INSERT INTO meta VALUES ('drill.speed', '1');
	    INSERT INTO meta VALUES ('drill.source', 'builtin');
	    INSERT INTO meta VALUES ('drill.yaml',
	        CAST(readfile('$7') AS TEXT));
	    INSERT INTO meta VALUES ('drill.hints', '$6');" &&
	if [ -n "$5" ]; then
		sqlite3 "$1" "INSERT INTO meta VALUES ('drill.ended_ms', '$5')"
	fi
}

# One audit row: DB TS ACTION TARGET DRY RESULT DETAIL
audit() {
	sqlite3 "$1" "INSERT INTO audit (ts_ms, actor, context, action,
	    target, dry_run, result, detail, prev_hash, hash) VALUES ($2,
	    'alice', 'bad-deploy', '$3', '$4', $5, '$6', '$7', 'x', 'y')"
}

# Run 1: bad-deploy.  A rehearsed scale, a restart of the bad
# deployment (harmful), the undo (mitigates), the page acknowledged.
db1=$runs/bad-deploy-20261231-100000.db
new_cache "$db1"
check $? "a cache for the run is created"
meta "$db1" bad-deploy bad-deploy-20261231-100000 $S $((S + 15 * M)) 1 \
    "$top_srcdir/drills/bad-deploy.yaml"
audit "$db1" $((S + 3 * M)) scale "deployment shop/checkout" 1 dry-run \
    "scale deployment shop/checkout to 6 replicas"
audit "$db1" $((S + 5 * M)) restart "deployment shop/checkout" 0 ok \
    "restart deployment shop/checkout; confirmed with y"
audit "$db1" $((S + 8 * M)) undo "deployment shop/checkout" 0 ok \
    "roll back deployment shop/checkout to the previous revision"
sqlite3 "$db1" "INSERT INTO incidents (id, context, group_key, title,
    severity, priority, started_ms, updated_ms) VALUES ('abcd1234',
    'bad-deploy', 'alertname=ErrorBudgetBurn', 'ErrorBudgetBurn',
    'critical', 'P0', $((S + 8 * M)), $((S + 9 * M)));
    INSERT INTO incident_alerts VALUES ('abcd1234', 'f00d', 'ErrorBudgetBurn',
    'critical', $((S + 8 * M)), NULL);
    INSERT INTO incident_timeline (incident_id, ts_ms, kind, actor, text)
    VALUES ('abcd1234', $((S + 9 * M)), 'acknowledged', 'alice',
    'acknowledged by alice');"
check $? "the run's rows are inserted"

# Run 2: watchdog-silent an hour later, nothing done, killed (no end).
db2=$runs/watchdog-silent-20261231-110000.db
new_cache "$db2"
meta "$db2" watchdog-silent watchdog-silent-20261231-110000 \
    $((S + 60 * M)) "" 0 "$top_srcdir/drills/watchdog-silent.yaml"
# A cache that is no drill run, beside them.
new_cache "$runs/stray.db"

out=$("$SITREP" drill history 2>&1)
check $? "drill history exits 0" "exit 0" "$out"
check_eq "history lists the runs, newest first, then what it cannot read" \
    "RUN watchdog-silent-20261231-110000 bad-deploy-20261231-100000 stray" \
    "$(printf '%s\n' "$out" | awk 'NR <= 4 {print $1}' | tr '\n' ' ' |
    sed 's/ $//')"
line=$(printf '%s\n' "$out" | grep '^bad-deploy-')
check_eq "with drill, start, duration, points and harmful count" \
    "bad-deploy 2026-11-30T00:53:20Z 15m 65 1" \
    "$(printf '%s\n' "$line" | awk '{print $2, $3, $4, $5, $6}')"
check_eq "a run that did not end is marked (*) and scores low" \
    "watchdog-silent 0ms* 20 0" \
    "$(printf '%s\n' "$out" | awk '/^watchdog-silent-/ {print $2, $4, $5, $6}')"
case $out in
*"* not ended"*) check 0 "... and the mark is explained" ;;
*) check 1 "... and the mark is explained" "* not ended" "$out" ;;
esac
case $out in
*"stray"*"not a drill run"*) r=0 ;;
*) r=1 ;;
esac
check $r "a cache that is no run says so" "not a drill run" "$out"

out=$("$SITREP" drill report bad-deploy-20261231-100000 2>&1)
check $? "drill report RUN exits 0" "exit 0" "$out"
for want in "Points: 65/100 - made worse: an action was harmful" \
    "acknowledge 30/30: 1 of 1 expected acks, the first after +9m" \
    "mitigate 45/50: first correct action after +8m" \
    "+5m restart deployment shop/checkout: ok by alice: the new pods run the same bad image and crash again" \
    "harmful: 1 action (-25), hints: 1 (-5)" \
    "the audit log does not verify"; do
	case $out in
	*"$want"*) check 0 "text report: $want" ;;
	*) check 1 "text report: $want" "$want" "$out" ;;
	esac
done
check_eq "the timeline, in time order" \
    "start action harmful mitigates ack end" \
    "$(printf '%s\n' "$out" | sed -n '/^Timeline/,$p' |
    awk 'NF >= 2 && $1 ~ /^[+-]/ {print $2}' | tr '\n' ' ' | sed 's/ $//')"

out=$("$SITREP" drill report "$db1" --format markdown 2>&1)
check $? "drill report FILE --format markdown exits 0" "exit 0" "$out"
case $out in
*"# Drill bad-deploy"*"**Points: 65/100**"*"## Harmful actions"*"| +5m | harmful | restart deployment shop/checkout"*) r=0 ;;
*) r=1 ;;
esac
check $r "markdown: title, points, harmful section, timeline table" \
    "the markdown report" "$out"

out=$("$SITREP" drill report bad-deploy-20261231-100000 --format json 2>&1)
check $? "drill report --format json exits 0" "exit 0" "$out"
printf '%s\n' "$out" | python3 -m json.tool >/dev/null 2>&1
check $? "the JSON parses" "valid JSON" "$out"
got=$(printf '%s\n' "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["points"], d["time_to_ack_ms"], d["time_to_action_ms"],
    len(d["harmful"]), d["harmful"][0]["offset_ms"],
    [e["kind"] for e in d["timeline"]][2], d["ended"])' 2>&1)
check_eq "JSON: points, times, the harmful action, the timeline" \
    "65 540000 480000 1 300000 harmful True" "$got"

# A run file from elsewhere is untrusted: a run name carrying a bidi
# override and a C1 control reaches no output raw (the score cleans every
# string it reads; the JSON is escaped besides).
cp "$db1" "$tmp/hostile.db"
sqlite3 "$tmp/hostile.db" "UPDATE meta SET value = 'bad' || char(8238) ||
    'yolped' || char(133) WHERE key = 'drill.run'"
for fmt in text markdown json; do
	out=$("$SITREP" drill report "$tmp/hostile.db" --format $fmt 2>&1)
	r=$?
	raw=0
	printf '%s' "$out" |
	    grep -q "$(printf '\342\200\256')\|$(printf '\302\205')" && raw=1
	[ $r -eq 0 ] && [ $raw -eq 0 ] && printf '%s' "$out" | grep -q yolped
	check $? "$fmt: a hostile run name comes out inert" "no raw U+202E or U+0085" \
	    "$out"
done

"$SITREP" drill report no-such-run >/dev/null 2>"$tmp/err"
check_eq "an unknown run exits 1" 1 "$?"
case $(cat "$tmp/err") in
*"no drill run no-such-run"*"drill history"*) r=0 ;;
*) r=1 ;;
esac
check $r "... saying where runs are listed" "drill history" "$(cat "$tmp/err")"
"$SITREP" drill report "$runs/stray.db" >/dev/null 2>"$tmp/err"
check_eq "a cache that is no run exits 1" 1 "$?"
"$SITREP" drill report bad-deploy-20261231-100000 --format pdf \
    >/dev/null 2>&1
check_eq "an unknown format is a usage error" 2 "$?"
"$SITREP" drill list --format json >/dev/null 2>&1
check_eq "--format is only for report" 2 "$?"

tap_done
