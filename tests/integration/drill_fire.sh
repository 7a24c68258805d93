#!/bin/bash
# drill_fire.sh: `sitrep drill fire NAME` against a real Alertmanager.
#
# A fire posts a synthetic alert, sees it in sitrep's own view, says after
# how long, and resolves it: the audit log has its "fire" and
# "fire-resolve" rows, and Alertmanager's API shows no active alert of the
# run afterwards.  A protected context refuses without --confirm (exit 1,
# an audit row, nothing posted) and works with it.  Through a proxy that
# hides alerts from readers (sitrep cannot see what it posted) the run
# says the path is broken (exit 1) and still resolves; killed with
# SIGKILL after the post, its alert stays active in Alertmanager, and the
# next run resolves it first and says so.  Read-only refuses.  TAP output;
# the plan comes last.

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
    skip_all "$(servers_available 2>&1)" alertmanager
need_tools sqlite3 curl
if [ ! -x "$SITREP" ]; then
	skip_all "$SITREP is not built"
fi

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
mkdir -p "$T/home" "$T/xdg/config" "$T/xdg/cache"
export HOME=$T/home XDG_CONFIG_HOME=$T/xdg/config XDG_CACHE_HOME=$T/xdg/cache
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8
DB=$T/drill.db

am_start || exit 1

# A proxy in front of Alertmanager that passes posts on and answers every
# read of alerts with an empty list: what sitrep reads never shows them.
PPORT=$(servers_freeport)
cat >"$T/blind.py" <<'EOF'
import sys, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
UP = sys.argv[2]
class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def answer(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/api/v2/alerts"):
            return self.answer(200, b"[]")
        try:
            with urllib.request.urlopen(UP + self.path, timeout=5) as r:
                self.answer(r.status, r.read())
        except urllib.error.HTTPError as e:
            self.answer(e.code, e.read())
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        req = urllib.request.Request(UP + self.path, data=self.rfile.read(n),
            headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                self.answer(r.status, r.read())
        except urllib.error.HTTPError as e:
            self.answer(e.code, e.read())
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
"$PYTHON" "$T/blind.py" "$PPORT" "$AM_URL" >"$T/blind.log" 2>&1 &
SERVERS_PIDS="$SERVERS_PIDS $!"
BLIND=http://127.0.0.1:$PPORT
if ! wait_for 'curl -fsS "$BLIND/api/v2/status"' 10; then
	check 1 "the proxy in front of Alertmanager starts" "" "$(cat "$T/blind.log")"
	tap_done
	exit 1
fi

cat >"$T/c.yaml" <<EOF
operator: oncall@example.org
contexts:
  - name: real
    alertmanagers:
      - url: "$AM_URL"
        timeout: 3s
  - name: prod
    protected: true
    alertmanagers:
      - url: "$AM_URL"
        timeout: 3s
  - name: blind
    alertmanagers:
      - url: "$BLIND"
        timeout: 3s
EOF

# sitrep in context CTX; output in $out, errors in $err, status in $rc.
run() {
	_r_ctx=$1
	shift
	timeout 120 "$SITREP" --config "$T/c.yaml" --cache "$DB" \
	    --context "$_r_ctx" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# How many active alerts Alertmanager has with label NAME=VALUE.
active() {
	active_at "$AM_URL" "$@"
}
# The same at the Alertmanager at URL.
active_at() {	# URL LABEL VALUE
	curl -fsS "$1/api/v2/alerts?active=true" |
	    servers_json "len([a for a in d if a['labels'].get('$2') == '$3'])"
}

# The run id a fire printed ("drill NAME run RUN: posting ...").
run_of() {
	printf '%s\n' "$1" | sed -n 's/^drill [^ ]* run \([0-9a-f]*\):.*/\1/p' |
	    head -n 1
}

# "action result" of the audit rows of run RUN, one a line, oldest first.
rows() {
	sqlite3 "$DB" "SELECT action || ' ' || result FROM audit WHERE target
	    LIKE 'drill % run $1' ORDER BY seq"
}

# --- fire: posted, seen, resolved --------------------------------------------
run real drill fire smoke --timeout 30s
check_eq "drill fire exits 0 when sitrep sees the alert" "0" "$rc"
[ -z "$err" ] || printf '# %s\n' "$err"
printf '%s\n' "$out" | grep -Eq '^visible in sitrep after [0-9]+\.[0-9]s$'
check $? "it says after how long the alert was visible" \
    "visible in sitrep after N.Ns" "$out"
printf '%s\n' "$out" | grep -q '^resolved: '
check $? "it says the alert was resolved" "resolved: ..." "$out"
r1=$(run_of "$out")
check $([ -n "$r1" ]; echo $?) "it names its run" "a hex run id" "$out"
check_eq "the audit log has the fire and fire-resolve rows" \
    "fire ok
fire-resolve ok" "$(rows "$r1")"
d=$(sqlite3 "$DB" "SELECT detail FROM audit WHERE action = 'fire' AND
    target = 'drill smoke run $r1'")
printf '%s' "$d" | grep -Fq "drill_run=\"$r1\"" &&
    printf '%s' "$d" | grep -Fq 'alertname="SitrepLiveFire"' &&
    printf '%s' "$d" | grep -Fq "taken by am-1 ($AM_URL)"
check $? "the fire row holds the labels and who took it" "labels ...; taken by am-1" "$d"
check_eq "Alertmanager shows no active alert of the run afterwards" "0" \
    "$(active drill_run "$r1")"
cnt=$(curl -fsS "$AM_URL/api/v2/alerts?active=false&silenced=false&inhibited=false" |
    servers_json "len(d)")
check_eq "(and lists no resolved one either)" "0" "$cnt"

# --- a protected context ------------------------------------------------------
run prod drill fire guarded --timeout 30s
check_eq "a protected context without --confirm: exit 1" "1" "$rc"
printf '%s\n' "$err" | grep -q 'protected.*--confirm prod'
check $? "the refusal says to add --confirm prod" "--confirm prod" "$err"
check_eq "nothing was posted" "0" "$(active drill_name guarded)"
cnt=$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE context = 'prod' AND
    action = 'fire' AND result = 'refused' AND target LIKE 'drill guarded run %'")
check_eq "the refusal is one audit row" "1" "$cnt"
run prod drill fire guarded --timeout 30s --confirm real
check_eq "--confirm naming another context is refused too" "1" "$rc"
run prod drill fire guarded --timeout 30s --confirm prod
check_eq "with --confirm prod it works" "0" "$rc"
check_eq "and leaves nothing firing" "0" "$(active drill_name guarded)"

# --- read-only ------------------------------------------------------------------
run real --readonly drill fire quiet
check_eq "--readonly refuses: exit 1" "1" "$rc"
printf '%s\n' "$err" | grep -q 'read-only'
check $? "it says read-only" "read-only: ..." "$err"
check_eq "nothing was posted" "0" "$(active drill_name quiet)"

# --- sitrep cannot see it: the path is broken -------------------------------------
run blind drill fire unseen --timeout 2s
check_eq "not visible within --timeout: exit 1" "1" "$rc"
printf '%s\n' "$err" | grep -q 'not visible in sitrep after 2s.*alertmanagers'
check $? "it says the alert path is broken and what to check" \
    "not visible in sitrep after 2s ..." "$err"
check_eq "and resolved it anyway" "0" "$(active drill_name unseen)"

# --- interrupted: resolved first --------------------------------------------------
for sig in INT TERM; do
	"$SITREP" --config "$T/c.yaml" --cache "$DB" --context blind \
	    drill fire stopped --timeout 60s >"$T/int.out" 2>"$T/int.err" &
	ipid=$!
	wait_for 'grep -q "^posted: " "$T/int.out"' 30
	ri=$(run_of "$(cat "$T/int.out")")
	check_eq "SIG$sig: before it, the alert is active" "1" \
	    "$(active drill_run "$ri")"
	kill -"$sig" "$ipid"
	wait "$ipid"
	irc=$?
	check_eq "SIG$sig: exit 1" "1" "$irc"
	grep -q '^resolved: ' "$T/int.out" &&
	    grep -q 'resolving the drill alert before stopping' "$T/int.err"
	check $? "SIG$sig: it resolves the alert before stopping, and says so" \
	    "resolved: ..." "$(cat "$T/int.out" "$T/int.err")"
	check_eq "SIG$sig: Alertmanager shows it no longer" "0" \
	    "$(active drill_run "$ri")"
done

# --- killed midway ----------------------------------------------------------------
"$SITREP" --config "$T/c.yaml" --cache "$DB" --context blind \
    drill fire killed --timeout 60s >"$T/kill.out" 2>"$T/kill.err" &
kpid=$!
wait_for 'grep -q "^posted: " "$T/kill.out"' 30
check $? "the run posts its alert" "posted: ..." "$(cat "$T/kill.out" "$T/kill.err")"
kill -KILL "$kpid" 2>/dev/null
wait "$kpid" 2>/dev/null
rk=$(run_of "$(cat "$T/kill.out")")
check_eq "killed with SIGKILL, its alert is active in Alertmanager" "1" \
    "$(active drill_run "$rk")"
check_eq "the log has its fire row and no fire-resolve" "fire ok" "$(rows "$rk")"
run real drill fire next --timeout 30s
check_eq "a run in another context leaves it alone" "1" \
    "$(active drill_run "$rk")"
check_eq "(that run worked)" "0" "$rc"
run blind drill fire after --timeout 1s
printf '%s\n' "$out" | grep -Eq "^resolved 1 alert left firing by run $rk at [0-9]{4}-"
check $? "the next run in the context resolves the leftover and says so" \
    "resolved 1 alert left firing by run $rk at TIME" "$out"
check_eq "Alertmanager shows none active" "0" "$(active drill_name killed)"
check_eq "the killed run now has its fire-resolve row" "fire ok
fire-resolve ok" "$(rows "$rk")"
run blind drill fire again --timeout 1s
printf '%s\n' "$out" | grep -q 'left firing'
check $([ $? -ne 0 ]; echo $?) "a leftover is resolved once only" \
    "no 'left firing'" "$out"
check_eq "nothing of any drill is active in the end" "0" \
    "$(active drill true)"

# --- --webhook: the whole path, to a receiver -----------------------------------
# A second Alertmanager routes drill="true" to a webhook where sitrep
# listens; the first routes everything to nothing.
HPORT=$(servers_freeport)
am_start hook --webhook "http://127.0.0.1:$HPORT/" || exit 1
cat >>"$T/c.yaml" <<EOF
  - name: hooked
    alertmanagers:
      - url: "$AM_URL_hook"
        timeout: 3s
EOF
run hooked drill fire hook --timeout 30s --webhook "127.0.0.1:$HPORT"
check_eq "--webhook: exit 0" "0" "$rc"
case $out in
*"reached the receiver at 127.0.0.1:$HPORT after "*s*) check 0 "... the receiver got it, and says after how long" ;;
*) check 1 "... the receiver got it, and says after how long" ;;
esac
case $out in
*"visible in sitrep after"*"resolved: the drill alert has ended"*) check 0 "... seen in sitrep too, and resolved" ;;
*) check 1 "... seen in sitrep too, and resolved" ;;
esac
check_eq "... nothing of it left active" "0" "$(active_at "$AM_URL_hook" drill_name hook)"
HPORT2=$(servers_freeport)
run real drill fire nohook --timeout 3s --webhook "127.0.0.1:$HPORT2"
check_eq "--webhook where no route sends: exit 1" "1" "$rc"
case $err in
*"the receiver at 127.0.0.1:$HPORT2 got no notification of this run"*"webhook_configs"*) check 0 "... saying what to check" ;;
*) check 1 "... saying what to check" ;;
esac
check_eq "... and it is resolved all the same" "0" "$(active drill_name nohook)"
run real drill fire x --webhook 192.0.2.1:9099
check_eq "--webhook off loopback: exit 2" "2" "$rc"
case $err in
*"loopback"*) check 0 "... it listens on this machine only" ;;
*) check 1 "... it listens on this machine only" ;;
esac

# --- usage ----------------------------------------------------------------------
run real drill fire 'bad name'
check_eq "a name that is not a word: exit 2" "2" "$rc"
run real drill fire x --timeout 0s
check_eq "a timeout out of range: exit 2" "2" "$rc"
run real drill fyre x
check_eq "drill fyre: exit 2" "2" "$rc"
case $err in
*"did you mean 'fire NAME'?"*) check 0 "... and it points to fire" ;;
*) check 1 "... and it points to fire" ;;
esac

"$SITREP" --cache "$DB" audit verify >/dev/null 2>&1
check $? "the audit chain verifies"

tap_done
