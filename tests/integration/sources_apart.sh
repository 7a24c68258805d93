#!/bin/bash
# sources_apart.sh: every source stands on its own and says what is wrong.
#
# First, with no server at all: an API server that accepts connections
# and never answers must hold `sitrep fetch --once` for kubernetes.timeout
# (1 s here), not 30 s.
#
# Then a real Prometheus and Alertmanager, a second Alertmanager member on
# a port where nothing listens, and a kubeconfig that does not exist, as
# the shipped example config does on a machine with no kubeconfig:
#
#  - `fetch --once` asks Prometheus and Alertmanager as usual, stores the
#    dead member as the alertmanager source's warning, and fails only
#    Kubernetes, with the kubeconfig's reason;
#  - the snapshot shows both, in text, Markdown, HTML and JSON;
#  - the console's header says kubernetes FAILED and why, and marks
#    alertmanager WARNING; the Health panel says why Kubernetes failed,
#    for as long as it does; once the kubeconfig exists, 'r' brings the
#    source up (the Kubernetes API emulator);
#  - --kubeconfig points every context's Kubernetes at another file and
#    wins over kubernetes.kubeconfig.
#
# TAP output; the plan comes last.

# wait_for and tt_wait_match evaluate their commands later.
# shellcheck disable=SC2016

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"

[ -x "$SITREP" ] || skip_all "$SITREP is not built"
need_tools python3

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
cleanup() {
	tt_cleanup
	kubeemu_stop
	servers_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$T/home" "$T/xdg/config" "$T/xdg/cache"
export HOME=$T/home XDG_CONFIG_HOME=$T/xdg/config XDG_CACHE_HOME=$T/xdg/cache
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
diag() {
	cat -v "$@" | sed 's/^/# /'
}
# kubeconfig FILE SERVER: a kubeconfig for SERVER with no credentials.
kubeconfig() {
	printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "%s"}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n' \
	    "$2" >"$1"
}

# --- kubernetes.timeout ----------------------------------------------------------
# A socket that listens and never accepts: connections succeed (the
# kernel's backlog), answers never come.
"$PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(300)' "$T/silent.port" </dev/null >/dev/null 2>&1 &
SERVERS_PIDS="$SERVERS_PIDS $!"
wait_for 'test -s "$T/silent.port"' 10
kubeconfig "$T/silent.kubeconfig" "http://127.0.0.1:$(cat "$T/silent.port")"
printf 'contexts:\n  - name: k\n    kubernetes:\n      kubeconfig: "%s"\n      timeout: 1s\n' \
    "$T/silent.kubeconfig" >"$T/silent.yaml"
t0=$(now_ms)
timeout 60 "$SITREP" --config "$T/silent.yaml" --cache "$T/silent.db" \
    fetch --once >"$T/silent.out" 2>&1
rc=$?
elapsed=$(($(now_ms) - t0))
diag "$T/silent.out"
[ $rc -eq 1 ] && [ $elapsed -lt 5000 ] &&
    grep -q '^kubernetes  *FAILED .*\(did not answer in time\|1s\)' \
    "$T/silent.out"
check $? "an API server that never answers fails the round after kubernetes.timeout: 1s (${elapsed} ms)"

# --- real servers ---------------------------------------------------------------
if ! servers_available 2>/dev/null; then
	skip "the sources of the example config, apart" \
	    "$(servers_available 2>&1)"
	tap_done
	exit
fi
am_start
check $? "Alertmanager is ready ($AM_URL)"
prom_start
check $? "Prometheus is ready ($PROM_URL)"
dead=$(servers_freeport)
cat >"$T/config.yaml" <<EOF
contexts:
  - name: apart
    refresh: 2s
    prometheus:
      url: $PROM_URL
      timeout: 3s
    alertmanagers:
      - url: $AM_URL
        timeout: 3s
      - url: http://127.0.0.1:$dead
        timeout: 3s
    kubernetes:
      kubeconfig: $T/home/.kube/config
services:
  - name: web
    match: {deployment: web}
EOF

timeout 60 "$SITREP" --config "$T/config.yaml" --cache "$T/a.db" \
    fetch --once >"$T/fetch.out" 2>&1
rc=$?
diag "$T/fetch.out"
[ $rc -eq 1 ] && grep -q '^prometheus  *ok ' "$T/fetch.out" &&
    grep -q '^alertmanager  *ok .*warning: 1 of 2 Alertmanagers did not answer' "$T/fetch.out" &&
    grep -q "^kubernetes  *FAILED .*does not exist" "$T/fetch.out"
check $? "fetch --once: Prometheus and Alertmanager asked, only Kubernetes fails"

timeout 60 "$SITREP" --config "$T/config.yaml" --cache "$T/a.db" \
    snapshot --format json >"$T/snap.json" 2>"$T/snap.err"
"$PYTHON" - "$T/snap.json" "$dead" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in d["sources"]}
am, k = s["alertmanager"], s["kubernetes"]
ok = (am["ok"] and am["error"] is None and
      "1 of 2 Alertmanagers did not answer" in (am["warning"] or "") and
      ("127.0.0.1:" + sys.argv[2]) in am["warning"] and
      not k["ok"] and "does not exist" in (k["error"] or "") and
      k["warning"] is None and s["prometheus"]["ok"])
if not ok:
    print("# " + json.dumps(d["sources"]))
sys.exit(0 if ok else 1)
EOF
check $? "snapshot JSON: alertmanager ok with the dead member's warning; kubernetes' reason"
"$PYTHON" "$top_srcdir/tests/lib/check_snapshot.py" json "$T/snap.json"
check $? "the JSON snapshot matches docs/snapshot.schema.json"
ok=0
for f in text markdown html; do
	timeout 60 "$SITREP" --config "$T/config.yaml" --cache "$T/a.db" \
	    snapshot --format $f --width 400 >"$T/snap.$f" 2>/dev/null
	grep -q 'warning: 1 of 2 Alertmanagers did not answer' "$T/snap.$f" &&
	    grep -q 'does not exist' "$T/snap.$f" || {
		ok=1
		diag "$T/snap.$f"
	}
done
check $ok "text, Markdown and HTML snapshots show the warning and the reason"

# --- the console -----------------------------------------------------------------
if ! tt_available; then
	skip "the console says why, persistently" "tmux is not installed"
	tap_done
	exit
fi
tt_setup || exit 1
header() {
	tt_last | sed -n 1p
}
tap_got() {
	tt_last
}
tt_start -x 200 -y 40 -e HOME="$T/home" "'$SITREP' --config '$T/config.yaml' \
    --cache '$T/c.db'; echo EXITED:\$?; exec sleep 300"
tt_wait_match 'header | grep -q "kubernetes FAILED" &&
    header | grep -Eq "alertmanager [0-9]+m?s WARNING" &&
    header | grep -Eq "prometheus [0-9]"' 20
check $? "header: prometheus with an age, alertmanager WARNING, kubernetes FAILED"
tt_wait_match 'header | grep -q "kubernetes: kubeconfig .* does not exist"' 5
check $? "header: why kubernetes failed"
tt_wait_match 'tt_has "kubernetes failed: kubeconfig"' 5
check $? "the Health panel says why Kubernetes failed"
sleep 6
tt_capture >/dev/null
tt_wait_match 'header | grep -q "kubernetes: kubeconfig .* does not exist" &&
    tt_has "kubernetes failed: kubeconfig"' 2
check $? "six seconds later the reason is still there (not a passing message)"

if command -v openssl >/dev/null 2>&1 &&
    kubeemu_start "$T/kube" >/dev/null 2>&1; then
	mkdir -p "$T/home/.kube"
	cp "$KUBEEMU_KUBECONFIG" "$T/home/.kube/config"
	tt_keys r
	# An age under a second reads "943ms".
	tt_wait_match 'header | grep -Eq "kubernetes [0-9]+m?s" &&
	    tt_lacks "kubernetes failed"' 20
	check $? "the kubeconfig appears; 'r' brings Kubernetes up"
	tt_kill

	# --kubeconfig wins over kubernetes.kubeconfig.
	rm -f "$T/home/.kube/config"
	timeout 60 "$SITREP" --kubeconfig "$KUBEEMU_KUBECONFIG" \
	    --config "$T/config.yaml" --cache "$T/k.db" fetch --once \
	    >"$T/kflag.out" 2>&1
	diag "$T/kflag.out"
	grep -q '^kubernetes  *ok ' "$T/kflag.out"
	check $? "--kubeconfig FILE wins over kubernetes.kubeconfig"
	timeout 60 "$SITREP" --config "$T/config.yaml" --cache "$T/k.db" \
	    fetch --once --kubeconfig "$T/nowhere" >"$T/kflag2.out" 2>&1
	grep -q "^kubernetes  *FAILED .*nowhere does not exist" "$T/kflag2.out"
	check $? "--kubeconfig after the command works too, and names its file"
else
	skip "the kubeconfig appears; 'r' brings Kubernetes up" \
	    "the Kubernetes API emulator did not start"
	skip "--kubeconfig FILE wins over kubernetes.kubeconfig" \
	    "the Kubernetes API emulator did not start"
	skip "--kubeconfig after the command works too" \
	    "the Kubernetes API emulator did not start"
fi

tap_done
