#!/bin/bash
# fetch_failures.sh: every way a Prometheus or an Alertmanager can fail
# `sitrep fetch`, and what sitrep must do then.
#
# A real Prometheus and Alertmanager give a good round first.  Then each
# source in turn is pointed at tests/lib/httpd.py, the hostile test server:
# a refused port, a server that never answers, one that trickles, a body
# over http.max_body (with a length, streamed, and a gzip bomb), malformed,
# truncated and non-UTF-8 bodies, a redirect loop, TLS from an unknown CA,
# TLS with a self-signed certificate, and the statuses 401, 403, 404, 409,
# 429 and 500.  Each must give exit 1 and one line of output: the source's
# FAILED line with a sentence that names the problem; within the timeout
# plus a second; with no control byte; and the cache must keep the
# source's rows of the good round while its sources.last_error records the
# failure.  Then JSON with invalid UTF-8 is stored as valid UTF-8, TLS
# with the right CA works, a self-signed certificate is trusted as its own
# ca_file or with tls.insecure_skip_verify (and not with another CA), and
# an exec credential plugin that fails is reported without its secret.
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

servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" prometheus
need_tools openssl sqlite3
if [ ! -x "$SITREP" ]; then
	skip_all "$SITREP is not built"
fi

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
# One trap: servers_cleanup stops every server, httpd.py included.
trap 'servers_cleanup' EXIT
trap 'servers_cleanup; exit 130' INT
trap 'servers_cleanup; exit 143' TERM

servers_home || exit 1
mkdir -p "$T/tls"

# Print a file as TAP diagnostics, with control bytes made visible.
diag() {
	cat -v "$@" | sed 's/^/# /'
}
# Milliseconds of the wall clock.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
# run NAME CONFIG ARGS...: run sitrep on the test cache, output in
# $T/NAME.out, status in $rc, wall time in $elapsed (ms).
run() {
	local name=$1 conf=$2 t0
	shift 2
	t0=$(now_ms)
	timeout 60 "$SITREP" --config "$conf" --cache "$DB" "$@" \
	    >"$T/$name.out" 2>&1
	rc=$?
	elapsed=$(($(now_ms) - t0))
}
# Status 0 when a file holds no byte a terminal acts on (C0 but newline,
# DEL, C1) and is valid UTF-8.
clean() {
	"$PYTHON" -c '
import sys
t = open(sys.argv[1], "rb").read().decode("utf-8")
sys.exit(any((ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f
             for c in t))' "$1" 2>/dev/null
}

# --- the hostile server --------------------------------------------------------
# httpd.py routes on the whole path; a source appends its API path to the
# base URL.  This wrapper routes on the first segments instead, so a base
# URL such as http://127.0.0.1:PORT/status/401 reaches /status/401 and
# .../big/5000 reaches /big?n=5000.  Under /fake-am it answers as a tiny
# Alertmanager whose alert has invalid UTF-8 and escapes in its strings.
cat >"$T/hostile.py" <<'EOF'
"""tests/lib/httpd.py, routed by the first segments of the path."""
import importlib.util
import sys

spec = importlib.util.spec_from_file_location("httpd", sys.argv[1])
httpd = importlib.util.module_from_spec(spec)
spec.loader.exec_module(httpd)
original = httpd.Handler.route

ALERTS = (b'[{"fingerprint":"badutf8\xff01","labels":{"alertname":'
          b'"Bad\xc3\x28Utf8","severity":"warning","note":"\xed\xa0\x80'
          b'surrogate \x1b[31mred"},"annotations":{"summary":"cut \xe2\x82'
          b'","description":"nul\\u0000 and \\u001b]0;title\\u0007"},'
          b'"status":{"state":"active","silencedBy":[],"inhibitedBy":[]},'
          b'"startsAt":"2026-01-01T00:00:00Z","endsAt":"2999-01-01T00:00:00Z",'
          b'"updatedAt":"2026-01-01T00:00:00Z","receivers":[{"name":"x"}]}]')


def route(self):
    """Rewrite the path to the route httpd.py knows, then serve it."""
    parts = self.path.split("?")[0].split("/")
    head = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) > 2 else ""
    if head == "fake-am":
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        api = "/".join(parts[2:])
        if api == "api/v2/alerts":
            self.send(200, ALERTS)
        elif api == "api/v2/silences":
            self.send(200, b"[]")
        else:
            self.send(200, b'{"cluster":{"status":"disabled","peers":[]}}')
        return
    if head == "status":
        self.path = "/status/" + arg
    elif head in ("big", "big-stream", "gzip-bomb"):
        self.path = "/%s?n=%s" % (head, arg)
    else:
        self.path = "/" + head
    original(self)


for m in ("do_GET", "do_POST", "do_PUT", "do_PATCH", "do_DELETE", "do_HEAD"):
    setattr(httpd.Handler, m, route)
sys.argv = [sys.argv[0]] + sys.argv[2:]
httpd.main()
EOF
"$PYTHON" "$T/hostile.py" "$top_srcdir/tests/lib/httpd.py" \
    --port-file "$T/ports" --tls-dir "$T/tls" --lifetime 600 \
    >"$T/httpd.log" 2>&1 </dev/null &
SERVERS_PIDS="$SERVERS_PIDS $!"
if ! wait_for 'test -s "$T/ports"' 20; then
	skip_all "httpd.py did not start: $(head -n 3 "$T/httpd.log")"
fi
H=http://127.0.0.1:$(sed -n 's/^http=//p' "$T/ports")
HS=https://127.0.0.1:$(sed -n 's/^https=//p' "$T/ports")
HSS=https://127.0.0.1:$(sed -n 's/^https-self=//p' "$T/ports")
DEAD=$(servers_freeport 1)

# --- a good round from real servers ------------------------------------------------
if ! am_start >"$T/start.err" 2>&1 ||
    ! prom_start --scrape-self >>"$T/start.err" 2>&1; then
	skip_all "the servers did not start: $(head -n 3 "$T/start.err")"
fi
am_push_alert '{"alertname":"KeepMe","severity":"warning"}' \
    '{"summary":"must survive every failure"}'
am_push_alert '{"alertname":"KeepMeToo","severity":"critical"}' \
    '{"summary":"also"}'
am_silence alertname=KeepMeToo >/dev/null
wait_for 'test "$(curl -sf "$PROM_URL/api/v1/query?query=up" | servers_json "len(d[\"data\"][\"result\"])")" = 2' 20
DB=$T/cache.db
cat >"$T/good.yaml" <<EOF
contexts:
  - name: f
    prometheus:
      url: "$PROM_URL"
    alertmanagers:
      - url: "$AM_URL"
EOF
run good "$T/good.yaml" fetch --once
[ $rc -eq 0 ] && [ "$(grep -c ' ok ' "$T/good.out")" = 2 ]
check $? "a good round from the real Prometheus and Alertmanager"
diag "$T/good.out"
# What each source stored, and when it last succeeded.
rows() {	# rows prometheus|alertmanager
	case $1 in
	prometheus) sqlite3 "$DB" "SELECT (SELECT count(*) FROM targets) || '/' || (SELECT count(*) FROM series)" ;;
	*) sqlite3 "$DB" "SELECT (SELECT count(*) FROM alerts) || '/' || (SELECT count(*) FROM silences)" ;;
	esac
}
success() {
	sqlite3 "$DB" "SELECT last_success_ms FROM sources WHERE context = 'f' AND name = '$1'"
}
GOOD_PROM=$(rows prometheus)
GOOD_AM=$(rows alertmanager)
[ "$GOOD_PROM" = 2/2 ] && [ "$GOOD_AM" = 2/1 ]
check $? "stored: 2 targets, 2 up series ($GOOD_PROM); 2 alerts, 1 silence ($GOOD_AM)"

# --- every failure, for both sources ---------------------------------------------
# fail SOURCE URL PATTERN WHAT [MAX_BODY]: one failing round of SOURCE at
# URL with a 2s timeout; its FAILED line must match PATTERN (grep -E).
fail() {
	local src=$1 url=$2 pat=$3 what=$4 max=${5:-} bad=0 before err
	{
		echo "contexts:"
		echo "  - name: f"
		if [ "$src" = prometheus ]; then
			echo "    prometheus:"
			echo "      url: \"$url\""
			echo "      timeout: 2s"
		else
			echo "    alertmanagers:"
			echo "      - url: \"$url\""
			echo "        timeout: 2s"
		fi
		if [ -n "$max" ]; then
			echo "http:"
			echo "  max_body: $max"
		fi
	} >"$T/fail.yaml"
	before=$(success "$src")
	run fail "$T/fail.yaml" fetch --once
	if [ $rc -ne 1 ]; then
		echo "# exit status $rc, not 1"
		bad=1
	fi
	if [ "$(wc -l <"$T/fail.out")" != 1 ] ||
	    ! grep -Eq "^$src +FAILED  .*$pat" "$T/fail.out"; then
		echo "# not one FAILED line matching: $pat"
		bad=1
	fi
	if ! clean "$T/fail.out"; then
		echo "# a control byte reached the output"
		bad=1
	fi
	if [ "$elapsed" -gt 3000 ]; then
		echo "# took $elapsed ms, more than the 2s timeout plus 1s"
		bad=1
	fi
	if [ "$(rows "$src")" != "$([ "$src" = prometheus ] &&
	    echo "$GOOD_PROM" || echo "$GOOD_AM")" ]; then
		echo "# rows of the good round lost: $(rows "$src")"
		bad=1
	fi
	err=$(sqlite3 "$DB" "SELECT last_error FROM sources WHERE context = 'f' AND name = '$src'")
	if [ -z "$err" ] || [ "$(success "$src")" != "$before" ]; then
		echo "# sources.last_error not set, or last_success_ms moved"
		bad=1
	fi
	diag "$T/fail.out"
	check $bad "$src, $what: exit 1, one clear FAILED line, rows kept, last_error set (${elapsed} ms)"
}

for src in prometheus alertmanager; do
	case $src in
	prometheus) Name=Prometheus ;;
	*) Name=Alertmanager ;;
	esac
	fail $src "http://127.0.0.1:$DEAD" \
	    "connection refused at 127.0.0.1:$DEAD: is $Name running\?" \
	    "connection refused"
	fail $src "$H/hang" \
	    "timed out after 2s waiting for 127.0.0.1:[0-9]+: $Name did not answer in time" \
	    "server that never answers"
	fail $src "$H/trickle" \
	    "timed out after 2s waiting for 127.0.0.1:[0-9]+" \
	    "one byte a second"
	fail $src "$H/big/5000" \
	    "larger than 1000 bytes \(http.max_body\)" \
	    "5000 bytes over a max_body of 1000" 1000
	fail $src "$H/big-stream/5000" \
	    "larger than 1000 bytes \(http.max_body\)" \
	    "5000 bytes streamed without a length" 1000
	fail $src "$H/gzip-bomb/5000000" \
	    "larger than 1000 bytes \(http.max_body\)" \
	    "gzip bomb, 5 MB of zeros" 1000
	fail $src "$H/malformed" \
	    "$Name at 127.0.0.1:[0-9]+: .*(not valid JSON|not a JSON list)" \
	    "JSON cut off in the middle"
	fail $src "$H/truncated" \
	    "closed the connection before the whole response arrived: check the logs of $Name" \
	    "body shorter than its Content-Length"
	fail $src "$H/hostile" \
	    "$Name at 127.0.0.1:[0-9]+: .*(not valid JSON|not a JSON list)" \
	    "invalid UTF-8, escapes and NUL instead of JSON"
	fail $src "$H/redirect-loop" \
	    "too many redirects" \
	    "redirect loop"
	fail $src "$HS/json" \
	    "TLS certificate of 127.0.0.1:[0-9]+ is not trusted \(unknown CA\): set .*ca_file" \
	    "TLS from an unknown CA"
	fail $src "$HSS/json" \
	    "TLS certificate of 127.0.0.1:[0-9]+ is not trusted \(self-signed\): set .*ca_file to that certificate" \
	    "TLS with a self-signed certificate"
	fail $src "$H/status/401" \
	    "HTTP 401[ )].*bearer_token" "401 Unauthorized"
	fail $src "$H/status/403" \
	    "HTTP 403[ )].*permission" "403 Forbidden"
	fail $src "$H/status/404" \
	    "HTTP 404[ )].*URL" "404 Not Found"
	fail $src "$H/status/409" \
	    "HTTP 409[ )].*conflict" "409 Conflict"
	fail $src "$H/status/429" \
	    "HTTP 429[ )].*rate" "429 Too Many Requests"
	fail $src "$H/status/500" \
	    "HTTP 500[ )].*log" "500 Internal Server Error"
done

# --- what is not a failure ----------------------------------------------------------
cat >"$T/utf8.yaml" <<EOF
contexts:
  - name: u
    alertmanagers:
      - url: "$HS/fake-am"
        tls:
          ca_file: "$T/tls/ca.pem"
EOF
run utf8 "$T/utf8.yaml" fetch --once
diag "$T/utf8.out"
[ $rc -eq 0 ] && grep -q '^alertmanager  *ok .* 1 alerts' "$T/utf8.out"
check $? "TLS with the server's CA in tls.ca_file: the round succeeds"
hex=$(sqlite3 "$DB" "SELECT hex(fingerprint) || ' ' || hex(alertname) || ' ' || hex(labels) || ' ' || hex(annotations) FROM alerts WHERE context = 'u'")
echo "$hex" | "$PYTHON" -c '
import json, sys
# Strict decoding: each column must be valid UTF-8.
fp, name, labels, ann = (bytes.fromhex(h).decode("utf-8")
                         for h in sys.stdin.read().split())
labels, ann = json.loads(labels), json.loads(ann)
want = (fp == "badutf8\ufffd01" and name == "Bad\ufffd(Utf8" and
        labels["alertname"] == name and
        labels["note"] == "\ufffd" * 3 + "surrogate \x1b[31mred" and
        ann["summary"] == "cut \ufffd\ufffd" and
        ann["description"] == "nul\ufffd and \x1b]0;title\x07")
sys.exit(0 if want else 1)'
check $? "strings with invalid UTF-8 and NUL are stored as valid UTF-8, the rest kept"
run utf8info "$T/utf8.yaml" cache info
run utf8snap "$T/utf8.yaml" snapshot --format text --width 160
grep -q 'Bad' "$T/utf8snap.out" && clean "$T/utf8.out" &&
    clean "$T/utf8info.out" && clean "$T/utf8snap.out"
check $? "no control byte from that alert in fetch, cache info or snapshot output"

# A self-signed certificate: trusted as its own CA file, or not verified.
# self NAME TLS-LINE: a round of an Alertmanager behind it with that line
# under tls:.
self_round() {
	printf 'contexts:\n  - name: s\n    alertmanagers:\n      - url: "%s"\n        tls:\n          %s\n' \
	    "$HSS/fake-am" "$2" >"$T/$1.yaml"
	run "$1" "$T/$1.yaml" fetch --once
	diag "$T/$1.out"
}
self_round selfca "ca_file: \"$T/tls/self.pem\""
[ $rc -eq 0 ] && grep -q '^alertmanager  *ok .* 1 alerts' "$T/selfca.out"
check $? "a self-signed certificate as its own tls.ca_file: the round succeeds"
self_round selfskip "insecure_skip_verify: true"
[ $rc -eq 0 ] && grep -q '^alertmanager  *ok .* 1 alerts' "$T/selfskip.out"
check $? "a self-signed certificate with tls.insecure_skip_verify: the round succeeds"
self_round selfother "ca_file: \"$T/tls/ca.pem\""
[ $rc -eq 1 ] &&
    grep -Eq '^alertmanager +FAILED .*not trusted \(self-signed\): set .*ca_file' \
    "$T/selfother.out"
check $? "a self-signed certificate with another CA in tls.ca_file: not trusted"

# --- exec credential plugins that fail ------------------------------------------------
KC=$top_srcdir/tests/data/kubeconfig/exec.yaml
printf 'contexts:\n  - name: k\n    kubernetes:\n      kubeconfig: "%s"\n      context: fail\n' \
    "$KC" >"$T/kfail.yaml"
run kfail "$T/kfail.yaml" fetch --once
diag "$T/kfail.out"
[ $rc -eq 1 ] && [ "$(wc -l <"$T/kfail.out")" = 1 ] &&
    grep -q '^kubernetes  *FAILED .*refresh token expired' "$T/kfail.out" &&
    ! grep -q 'leaked-T0KEN' "$T/kfail.out" && clean "$T/kfail.out"
check $? "a failing exec plugin: one FAILED line with its stderr, cleaned, never its token"
printf 'contexts:\n  - name: k\n    kubernetes:\n      kubeconfig: "%s"\n      context: missing\n' \
    "$KC" >"$T/kmiss.yaml"
run kmiss "$T/kmiss.yaml" fetch --once
diag "$T/kmiss.out"
[ $rc -eq 1 ] && grep -q 'brew install sitrep-no-such-plugin' "$T/kmiss.out"
check $? "a missing exec plugin: FAILED with its installHint"

tap_done
