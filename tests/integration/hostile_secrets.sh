#!/bin/bash
# hostile_secrets.sh: a server that reflects its request never makes
# sitrep store or print a secret.
#
# tests/lib/httpd.py, with its request log, answers under /reflect-401
# with a 401 and under /reflect-200 with a text/plain 200 whose body
# reflects the request line, the URL and every request header.  One
# context points Prometheus (bearer token and a `headers:` API key), two
# Alertmanagers (basic auth; URL credentials) and two probes (URL
# credentials; one refused, one answered 200 where 204 is expected) at
# them.  After `sitrep fetch --once`, `sitrep cache info` and `sitrep
# snapshot` in every format, no output and no row of the cache (sqlite3
# .dump, and the raw file) holds any secret verbatim, base64 (the secret's
# own and the Basic header's user:password) or percent-encoded.  The
# sources did fail and the reflections did reach sitrep, so the checks
# cannot pass by nothing happening.
#
# Then redirects: a Prometheus with a custom header behind /hop-same (302
# to this listener) and /hop-other (302 to the other listener, another
# origin): the header reaches the same origin, never the other one.
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

TOKEN=tok-Hostile-7f3a9c
APIKEY=key-Hostile-51d2e8
AMUSER=amuser
AMPASS=pw-Hostile-c0ffee
URLUSER=urluser
URLPASS=url-Hostile-9b8a7
PRBUSER=probe
PRBPASS=probe-Hostile-4e4e

# Print a file as TAP diagnostics, with control bytes made visible.
diag() {
	cat -v "$@" | sed 's/^/# /'
}

"$PYTHON" "$top_srcdir/tests/lib/httpd.py" --port-file "$T/ports" \
    --log "$T/requests.log" --lifetime 300 >"$T/httpd.log" 2>&1 </dev/null &
SERVERS_PIDS="$SERVERS_PIDS $!"
if ! wait_for 'test -s "$T/ports"' 20; then
	skip_all "httpd.py did not start: $(head -n 3 "$T/httpd.log")"
fi
PORT=$(sed -n 's/^http=//p' "$T/ports")
OTHER=$(sed -n 's/^other=//p' "$T/ports")
H=http://127.0.0.1:$PORT

# Every form of every secret: verbatim, base64 (own and user:password, no
# padding), percent-encoded (the passwords have no reserved characters, so
# that is verbatim too).
"$PYTHON" - "$TOKEN" "$APIKEY" "$AMPASS" "$URLPASS" "$PRBPASS" \
    "$AMUSER:$AMPASS" "$URLUSER:$URLPASS" "$PRBUSER:$PRBPASS" \
    >"$T/forms" <<'EOF'
import base64
import sys
from urllib.parse import quote
for i, s in enumerate(sys.argv[1:]):
    b = s.encode()
    if i < 5:
        print(s)
        print(quote(s, safe=""))
    print(base64.b64encode(b).decode().rstrip("="))
    print(base64.urlsafe_b64encode(b).decode().rstrip("="))
EOF
sort -u -o "$T/forms" "$T/forms"

DB=$T/cache.db
cat >"$T/hostile.yaml" <<EOF
contexts:
  - name: hostile
    prometheus:
      url: "$H/reflect-200/prom"
      bearer_token: $TOKEN
      headers:
        X-Api-Key: $APIKEY
    alertmanagers:
      - url: "$H/reflect-401/am"
        basic_auth:
          username: $AMUSER
          password: $AMPASS
      - url: "http://$URLUSER:$URLPASS@127.0.0.1:$PORT/reflect-200/am2"
    probes:
      - name: refused
        url: "http://$PRBUSER:$PRBPASS@127.0.0.1:$PORT/reflect-401/health"
      - name: reflected
        url: "http://$PRBUSER:$PRBPASS@127.0.0.1:$PORT/reflect-200/health"
        expect_status: 204
EOF

# run NAME ARGS...: sitrep with the config and cache; output in NAME.out.
run() {
	local name=$1
	shift
	timeout 60 "$SITREP" --config "$T/hostile.yaml" --cache "$DB" "$@" \
	    >"$T/$name.out" 2>&1 </dev/null
	echo $? >"$T/$name.rc"
}

run fetch fetch --once
check $([ "$(cat "$T/fetch.rc")" -ne 0 ] && grep -q FAILED "$T/fetch.out"; echo $?) \
    "fetch --once fails against the reflecting server" "" "$(cat "$T/fetch.out")"
diag "$T/fetch.out"
run info cache info
check_eq "cache info runs" 0 "$(cat "$T/info.rc")"
for f in text json markdown html; do
	run "snap-$f" snapshot --format "$f"
	check $([ -s "$T/snap-$f.out" ]; echo $?) "snapshot --format $f prints"
done
sqlite3 "$DB" .dump >"$T/dump.out" 2>&1
check $?  "the cache dumps"

# The reflections did reach sitrep: the logged requests carried the
# secrets, and the stored errors quote what the 200s said.
reqs=$(grep -c -e "$TOKEN" -e "$APIKEY" "$T/requests.log")
check $([ "${reqs:-0}" -ge 1 ]; echo $?) \
    "the requests carried the token and the API key" ">= 1" "$reqs"
check $(grep -q 'Authorization: Bearer <redacted>' "$T/dump.out"; echo $?) \
    "the cache holds Prometheus's excerpt of the reflecting 200, scrubbed" \
    "" "$(grep -i 'authorization' "$T/dump.out" | head -n 5)"
check $(grep -q 'Authorization: Basic <redacted>' "$T/dump.out"; echo $?) \
    "the cache holds the probe's excerpt of the reflecting 200, scrubbed" \
    "" "$(grep -i 'authorization' "$T/dump.out" | head -n 5)"

for f in fetch info snap-text snap-json snap-markdown snap-html dump; do
	found=$(grep -a -o -F -f "$T/forms" "$T/$f.out" | sort -u | tr '\n' ' ')
	check_eq "no secret in any form in $f" "" "$found"
done
found=$(grep -a -o -F -f "$T/forms" "$DB"* | sort -u | tr '\n' ' ')
check_eq "no secret in any form in the cache file" "" "$found"

# --- redirects ------------------------------------------------------------------
for hop in same other; do
	cat >"$T/hop-$hop.yaml" <<EOF
contexts:
  - name: hop
    prometheus:
      url: "$H/hop-$hop/p"
      headers:
        X-Api-Key: $APIKEY-$hop
EOF
	timeout 60 "$SITREP" --config "$T/hop-$hop.yaml" --cache "$T/hop.db" \
	    fetch --once >"$T/hop-$hop.out" 2>&1 </dev/null
done
# One line per hop: the requests that landed after it, how many carried
# the header, and how many carried a credential.
"$PYTHON" - "$T/requests.log" "$PORT" "$OTHER" >"$T/hops.out" 2>&1 <<'EOF'
import json
import sys

reqs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for hop, port in (("same", sys.argv[2]), ("other", sys.argv[3])):
    land = [r for r in reqs if r["path"].startswith("/hop-land/")
            and r["headers"].get("host") == "127.0.0.1:" + port]
    print(len(land), len([r for r in land if "x-api-key" in r["headers"]]),
          len([r for r in land if "authorization" in r["headers"]]))
EOF
diag "$T/hops.out"
same=$(sed -n 1p "$T/hops.out")
other=$(sed -n 2p "$T/hops.out")
# shellcheck disable=SC2086
set -- $same
check $([ "${1:-0}" -ge 1 ] && [ "$1" = "$2" ]; echo $?) \
    "the custom header follows a redirect within the origin" \
    "N N 0" "$same"
grep -q -e "$APIKEY-same" "$T/requests.log"
check $? "with its value"
# shellcheck disable=SC2086
set -- $other
check $([ "${1:-0}" -ge 1 ] && [ "$2" = 0 ]; echo $?) \
    "the custom header does not follow a redirect to another origin" \
    "N 0 0" "$other"
for hop in same other; do
	found=$(grep -a -o -F -e "$APIKEY" "$T/hop-$hop.out" | sort -u)
	check_eq "no header value in the output of the $hop-origin fetch" \
	    "" "$found"
done

tap_done
