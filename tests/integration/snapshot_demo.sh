#!/bin/sh
# snapshot_demo.sh: `sitrep --demo snapshot` as a user meets it, with no
# configuration and no server:
#
#  - --demo plays one round of the simulator, so a snapshot works without
#    a `fetch` first;
#  - --at TIME: the simulator builds the world at that time: the document
#    is dated TIME, the sparkline's last point is at TIME and its text line
#    is drawn up to its right end, incidents started before TIME, every
#    simulated source answered at TIME;
#  - usage errors exit 3 (UNKNOWN), as monitoring plugins do, and the help,
#    the man page and docs/SNAPSHOT.md say so.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

need_tools python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-demo-snap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/xdg-config" \
    XDG_CACHE_HOME="$tmp/xdg-cache" LANG=C.UTF-8
unset SITREP_CONFIG KUBECONFIG
mkdir -p "$HOME"

at=2026-01-01T00:00:00Z

# On a failure: what the last command run returned.
tap_got() {
	echo "exit status ${rc:-?}"
	[ -s "$tmp/err" ] && sed 's/^/stderr: /' "$tmp/err" | head -5
}

"$SITREP" --demo snapshot --width 120 >"$tmp/now.txt" 2>"$tmp/err"
rc=$?
grep -q '^SLO BURN' "$tmp/now.txt"
check $((rc != 2 || $? != 0)) "--demo snapshot without a fetch first: the demo's document, exit $rc (want 2, CRITICAL)"

"$SITREP" --demo snapshot --format json --at "$at" >"$tmp/at.json" \
    2>"$tmp/err"
rc=$?
check_eq "--demo snapshot --at: exit (CRITICAL)" 2 "$rc"

# What the JSON says about time, one line per check.
python3 - "$tmp/at.json" "$at" >"$tmp/at.tsv" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
at = sys.argv[2]
def out(ok, what):
    print("%d\t%s" % (0 if ok else 1, what))
out(d.get("generated_at") == at, "--at: the document is dated %s (got %s)"
    % (at, d.get("generated_at")))
last = [s["sparkline"]["points"][-1]["t"] for s in d["slos"]
        if s["sparkline"]["points"]]
out(last and all(t == at for t in last),
    "--at: every sparkline ends at %s (got %s)" % (at, sorted(set(last))))
first = [s["sparkline"]["points"][0]["t"] for s in d["slos"]
         if s["sparkline"]["points"]]
out(first and all(t >= "2025-12-31T00:00:00Z" for t in first),
    "--at: every sparkline starts within the 24 h before (got %s)"
    % sorted(set(first)))
started = [i["started_at"] for i in d["incidents"] if i.get("started_at")]
out(started and all(t <= at for t in started),
    "--at: %d incidents, all started before %s" % (len(started), at))
ages = [s.get("age_seconds") for s in d["sources"]
        if s["name"] in ("prometheus", "alertmanager", "kubernetes")]
out(len(ages) == 3 and all(a == 0 for a in ages),
    "--at: the simulated backends answered at that time (ages %s)" % ages)
EOF
check_lines "$tmp/at.tsv"

# The text's sparkline is drawn up to its right end: the newest column.
"$SITREP" --demo snapshot --at "$at" --width 120 >"$tmp/at.txt" 2>"$tmp/err"
rc=$?
line=$(grep -m1 '24h 1h-burn' "$tmp/at.txt")
case "$line" in
*"24h 1h-burn "*[▁▂▃▄▅▆▇█]"  ▃ 1x, █ "*) ok=0 ;;
*) ok=1 ;;
esac
check "$ok" "--at: the text sparkline reaches its right end" \
    "a glyph before the scale" "$line"

# Usage errors are UNKNOWN (3).
bad=""
for args in "--bogus" "--at yesterday" "--format pdf" "--width 5" "extra"; do
	# shellcheck disable=SC2086
	"$SITREP" --demo snapshot $args >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 3 ] || bad="$bad [$args: $rc]"
done
check_eq "usage errors of snapshot exit 3" "" "$bad"

# Documented: help, man page, SNAPSHOT.md.
"$SITREP" help snapshot >"$tmp/help" 2>&1
grep -q '3 for a usage error' "$tmp/help"
h=$?
grep -q 'usage error' "$top_srcdir/docs/sitrep.1" &&
    grep -A6 '^\.B sitrep snapshot$' "$top_srcdir/docs/sitrep.1" |
    grep -q '3 UNKNOWN'
m=$?
grep -q 'usage error' "$top_srcdir/docs/SNAPSHOT.md" &&
    grep -q -- '--demo snapshot --at' "$top_srcdir/docs/SNAPSHOT.md"
s=$?
check $((h + m + s)) "exit 3 for usage errors and --at with --demo are documented (help $h, man $m, SNAPSHOT.md $s)"

tap_done
