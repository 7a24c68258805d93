#!/bin/bash
# hostile_bounds.sh: memory and time stay bounded whatever a server sends.
#
# tests/lib/httpd.py plays a hostile Prometheus or Alertmanager: under
# /x/N/ROUTE every API path a source asks for gets ROUTE's answer with
# n=N.  `sitrep fetch --once` must then end within its timeout for a
# server that never answers and one that trickles; refuse bodies over
# http.max_body with and without a Content-Length, and a gzip bomb (1 GB
# of zeros, about a megabyte on the wire), with a peak memory (maxrss)
# under a fixed bound; end near its 2s timeout against an endless gzip
# bomb; and honour Retry-After on a 503: the source's line and its
# sources.last_error say "alertmanager asked to wait 4s", and a running
# `sitrep fetch` does not start the next round before that.
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

need_tools "$PYTHON" sqlite3
if [ ! -x "$SITREP" ]; then
	skip_all "$SITREP is not built"
fi

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
servers_home || exit 1

# Print a file as TAP diagnostics, with control bytes made visible.
diag() {
	cat -v "$@" | sed 's/^/# /'
}
# Milliseconds of the wall clock.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

"$PYTHON" "$top_srcdir/tests/lib/httpd.py" --port-file "$T/ports" \
    --log "$T/requests.log" --lifetime 600 >"$T/httpd.log" 2>&1 </dev/null &
SERVERS_PIDS="$SERVERS_PIDS $!"
if ! wait_for 'test -s "$T/ports"' 20; then
	skip_all "httpd.py did not start: $(head -n 3 "$T/httpd.log")"
fi
H=http://127.0.0.1:$(sed -n 's/^http=//p' "$T/ports")
DB=$T/cache.db

# Runs COMMAND..., its output in $T/out, status in $rc, wall time in
# $elapsed (ms), peak resident memory in $peak_kb.
measure() {
	local t0
	t0=$(now_ms)
	"$PYTHON" -c '
import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    rc = subprocess.call(sys.argv[3:], stdout=out, stderr=subprocess.STDOUT)
with open(sys.argv[2], "w") as f:
    f.write("%d %d\n" % (rc, resource.getrusage(
        resource.RUSAGE_CHILDREN).ru_maxrss))
' "$T/out" "$T/measure" timeout 60 "$@"
	rc=$(cut -d' ' -f1 "$T/measure")
	peak_kb=$(cut -d' ' -f2 "$T/measure")
	elapsed=$(($(now_ms) - t0))
}

# config SOURCE URL [TIMEOUT]: a context with that one source.
config() {
	{
		echo "contexts:"
		echo "  - name: b"
		echo "    refresh: 1s"
		if [ "$1" = prometheus ]; then
			echo "    prometheus:"
			echo "      url: \"$2\""
			echo "      timeout: ${3:-2s}"
		else
			echo "    alertmanagers:"
			echo "      - url: \"$2\""
			echo "        timeout: ${3:-2s}"
		fi
	} >"$T/b.yaml"
}

# In the sanitizer build, ASan's quarantine keeps every freed block (up to
# 256 MiB) resident: what is measured must be sitrep's, not the
# quarantine's.  The ordinary build ignores the variable.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"

# The peak of `sitrep fetch --once` against a plain JSON answer, for scale.
config prometheus "$H/x/0/json"
measure "$SITREP" --config "$T/b.yaml" --cache "$DB" fetch --once
BASE_KB=$peak_kb
echo "# a round against a small answer peaks at $BASE_KB KiB"
# Everything below may hold at most this much more: the 64 MiB budget of
# one source plus room for the program.  Before the budgets, two 64 MiB
# bodies of one Prometheus round went past it (668 MB for one SLO's
# round).  ASan's allocator never grows a block in place (glibc's moves
# big ones with mremap): a body growing within its share of the budget
# holds its old and its new block at once, so the peak passes the budget
# (seen: 165 MiB where the ordinary build peaks at 79).  The bound there
# is three budgets above the small round's peak.
BOUND_KB=$((BASE_KB + 100 * 1024))
if ldd "$SITREP" 2>/dev/null | grep -q libasan; then
	BOUND_KB=$((BASE_KB + 200 * 1024))
	echo "# a sanitizer build: the bound is $BOUND_KB KiB"
fi

# fail SOURCE ROUTE PATTERN WHAT MAX_MS [MAX_KB]: one round of SOURCE at
# $H/x/ROUTE fails within MAX_MS with a line matching PATTERN (grep -E).
fail() {
	local src=$1 route=$2 pat=$3 what=$4 max_ms=$5 max_kb=${6:-} bad=0
	config "$src" "$H/x/$route"
	measure "$SITREP" --config "$T/b.yaml" --cache "$DB" fetch --once
	if [ "$rc" -ne 1 ]; then
		echo "# exit status $rc, not 1"
		bad=1
	fi
	if ! grep -Eq "^$src +FAILED  .*$pat" "$T/out"; then
		echo "# no FAILED line matching: $pat"
		bad=1
	fi
	if [ "$elapsed" -gt "$max_ms" ]; then
		echo "# took $elapsed ms, more than $max_ms"
		bad=1
	fi
	if [ -n "$max_kb" ] && [ "$peak_kb" -gt "$max_kb" ]; then
		echo "# peak memory $peak_kb KiB, more than $max_kb"
		bad=1
	fi
	diag "$T/out"
	check $bad "$src, $what: fails clearly in ${elapsed} ms, peak ${peak_kb} KiB"
}

for src in prometheus alertmanager; do
	fail $src 0/hang "timed out after 2s waiting for 127.0.0.1:[0-9]+" \
	    "a server that never answers" 3500
	fail $src 0/trickle "timed out after 2s waiting for 127.0.0.1:[0-9]+" \
	    "one byte a second" 3500
	fail $src 200000000/big "larger than 67108864 bytes \(http.max_body\)" \
	    "200 MB with a Content-Length" 3500 "$BOUND_KB"
	fail $src 200000000/big-stream \
	    "(larger than 67108864 bytes \(http.max_body\)|would hold more than 64 MiB together)" \
	    "200 MB without a Content-Length" 8000 "$BOUND_KB"
	fail $src 1000000000/gzip-bomb-stream \
	    "decompresses to more than 100 times its size on the wire" \
	    "a gzip bomb of 1 GB" 3500 "$BOUND_KB"
	fail $src 400000000000/gzip-bomb-stream \
	    "decompresses to more than 100 times its size on the wire" \
	    "an endless gzip bomb" 3500 "$BOUND_KB"
done

# --- Retry-After ---------------------------------------------------------------
config alertmanager "$H/x/4/retry-after/503"
measure "$SITREP" --config "$T/b.yaml" --cache "$DB" fetch --once
diag "$T/out"
grep -Eq "^alertmanager +FAILED  .*HTTP 503.*; alertmanager asked to wait 4s" \
    "$T/out"
check $? "a 503 with Retry-After: 4 is shown: alertmanager asked to wait 4s"
err=$(sqlite3 "$DB" "SELECT last_error FROM sources WHERE context = 'b' AND name = 'alertmanager'")
echo "# last_error: $err"
case $err in
*"alertmanager asked to wait 4s"*) check 0 "sources.last_error says so too" ;;
*) check 1 "sources.last_error says so too" ;;
esac

config alertmanager "$H/x/1/retry-after-date/429"
measure "$SITREP" --config "$T/b.yaml" --cache "$DB" fetch --once
grep -Eq "alertmanager asked to wait [0-9]s" "$T/out"
check $? "a 429 with an HTTP-date is shown too"

# A running fetch: with refresh 1s the second round would come within
# two seconds; Retry-After: 4 holds it back four.
config alertmanager "$H/x/4/retry-after/503"
: >"$T/requests.log"
timeout -s INT 7 "$SITREP" --config "$T/b.yaml" --cache "$DB" fetch \
    >"$T/run.out" 2>&1
diag "$T/run.out"
"$PYTHON" -c '
import json, sys
ts = sorted(json.loads(l)["t"] for l in open(sys.argv[1])
            if "/api/v2/alerts" in json.loads(l)["path"])
print("# rounds at", ["%.1f" % (t - ts[0]) for t in ts])
sys.exit(not (len(ts) >= 2 and all(b - a >= 3.9 for a, b in zip(ts, ts[1:]))))
' "$T/requests.log"
check $? "the next round waits for the Retry-After (4s), not the refresh"

tap_done
