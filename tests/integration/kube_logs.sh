#!/bin/bash
# kube_logs.sh: container logs from the Kubernetes API, three ways agreeing.
#
# The emulator's pods/log (tests/kube-emulator) is checked against the real
# kubectl: `kubectl logs` with --tail, --previous, -c and --timestamps prints
# the emulator's lines, a crash-looping container's current and previous
# runs end with its error, an OOMKilled one's previous run says so, and the
# apiserver's 400s and 404 come back.  Then sitrep's reader (the console's
# runtime_pod_logs(), driven by tests/unit/logs_tool) must print exactly
# what kubectl prints, choose the container as kubectl does (the
# default-container annotation, else the first with kubectl's "Defaulted
# container" line) and say the errors as sentences.  Output is TAP.

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
# shellcheck source=tests/lib/tap.sh
. "$srcdir/tests/lib/tap.sh"

need_tools kubectl openssl curl /usr/bin/python3
tool="$builddir/tests/unit/logs_tool"
[ -x "$tool" ] || skip_all "tests/unit/logs_tool is not built (make check builds it)"

. "$srcdir/tests/lib/kubeemu.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kubelogs-test.XXXXXX") || exit 1
trap 'kubeemu_stop; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

if ! kubeemu_start "$tmp/emu"; then
	echo "Bail out! the emulator did not start"
	exit 1
fi
export HOME="$tmp/home"
export KUBECONFIG="$tmp/no-such-kubeconfig"
mkdir -p "$HOME"

tap_got() {
	printf 'kubectl:\n%s\nsitrep:\n%s\n' "${out:-}" "${mine:-}"
}

# kubectl logs: stdout in $out, stderr in $err, status in $rc.
k() {
	out=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" --request-timeout=15s \
	    "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

# sitrep's reader: stdout in $mine, stderr in $merr, status in $mrc.
s() {
	mine=$(valgrind_wrap "$tool" --kubeconfig "$KUBEEMU_KUBECONFIG" \
	    --cache "$tmp/cache.db" "$@" 2>"$tmp/merr")
	mrc=$?
	merr=$(cat "$tmp/merr")
}

# The tests may run the tool under valgrind (VALGRIND=1).
valgrind_wrap() {
	if [ -n "${VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=97 --leak-check=full \
		    --errors-for-leak-kinds=definite,indirect "$@"
	else
		"$@"
	fi
}

k get pods -n payments -o jsonpath='{range .items[*]}{.metadata.name} {.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].lastState.terminated.reason}{"\n"}{end}'
crash=$(printf '%s\n' "$out" | awk '$2 == 14 {print $1; exit}')
oom=$(printf '%s\n' "$out" | awk '$3 == "OOMKilled" {print $1; exit}')
fresh=$(printf '%s\n' "$out" | awk '$2 == 0 && $1 ~ /^api-/ {print $1; exit}')
[ -n "$crash" ] && [ -n "$oom" ] && [ -n "$fresh" ]
check $? "the fixtures have a crash-looping, an OOMKilled and a fresh api pod"

# kubectl against the emulator.
k logs -n payments "$crash" --tail 2
[ $rc -eq 0 ] && printf '%s\n' "$out" | tail -1 | grep -q '^panic: dial tcp .*connection refused' &&
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ]
check $? "kubectl logs --tail 2 of a crash-looping pod: two lines ending with its error"
k logs -n payments "$crash" --previous --tail 1
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^panic: dial tcp'
check $? "kubectl logs --previous of a crash-looping pod ends with its error"
k logs -n payments "$oom" --previous --tail 1
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q 'OOMKilled'
check $? "kubectl logs --previous of an OOMKilled pod says so"
k logs -n payments "$fresh" --previous
[ $rc -ne 0 ] && printf '%s\n' "$err" | grep -q "previous terminated container \"api\" in pod \"$fresh\" not found"
check $? "kubectl logs --previous of a pod never restarted: the apiserver's 400"
k logs -n payments no-such-pod
[ $rc -ne 0 ] && printf '%s\n' "$err" | grep -q 'pods "no-such-pod" not found'
check $? "kubectl logs of an unknown pod: 404"
k logs -n payments "$fresh" --timestamps --tail 1
printf '%s\n' "$out" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z level=info '
check $? "kubectl logs --timestamps prefixes RFC 3339 times"

# Pods with two containers, one with the default-container annotation.
kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" apply -f - >/dev/null 2>&1 <<'Y'
apiVersion: v1
kind: Pod
metadata: {name: two, namespace: default}
spec:
  containers:
  - {name: app, image: example.com/app:1}
  - {name: sidecar, image: example.com/sidecar:1}
---
apiVersion: v1
kind: Pod
metadata:
  name: annotated
  namespace: default
  annotations: {kubectl.kubernetes.io/default-container: sidecar}
spec:
  containers:
  - {name: app, image: example.com/app:1}
  - {name: sidecar, image: example.com/sidecar:1}
Y
for i in 1 2 3 4 5 6 7 8 9 10; do
	k get pod two annotated -o jsonpath='{.items[*].status.phase}'
	[ "$out" = "Running Running" ] && break
	sleep 0.5
done
k logs two --tail 3
[ $rc -eq 0 ] && [ "$err" = 'Defaulted container "app" out of: app, sidecar' ] &&
    printf '%s\n' "$out" | grep -q 'request served'
check $? "kubectl logs of a two-container pod defaults to the first and says so"
curl -sS --cacert "$KUBEEMU_CA" -H "Authorization: Bearer $KUBEEMU_TOKEN" \
    "$KUBEEMU_URL/api/v1/namespaces/default/pods/two/log" >"$tmp/raw"
grep -q '"code":400' "$tmp/raw" &&
    grep -q 'a container name must be specified for pod two, choose one of: \[app sidecar\]' "$tmp/raw"
check $? "the API without a container for a two-container pod: the apiserver's 400"

# sitrep's reader == kubectl.
k logs -n payments "$crash" --tail 5
s payments "$crash" --tail 5
[ $mrc -eq 0 ] && [ "$mine" = "$out" ] && [ -n "$out" ]
check $? "sitrep reads the same last lines as kubectl logs --tail 5"
k logs -n payments "$crash"
s payments "$crash"
[ $mrc -eq 0 ] && [ "$mine" = "$out" ]
check $? "sitrep reads the same whole log as kubectl logs"
k logs -n payments "$crash" --previous --tail 4
s payments "$crash" --previous --tail 4
[ $mrc -eq 0 ] && [ "$mine" = "$out" ] && printf '%s\n' "$mine" | tail -1 | grep -q '^panic'
check $? "sitrep reads the same previous run as kubectl logs --previous"
k logs -n payments "$oom" --previous --tail 2
s payments "$oom" --previous --tail 2
[ $mrc -eq 0 ] && [ "$mine" = "$out" ]
check $? "sitrep reads an OOMKilled container's previous run as kubectl does"
k logs two --tail 3
s default two --tail 3
note=$(printf '%s\n' "$merr" | head -1)
[ $mrc -eq 0 ] && [ "$mine" = "$out" ] && [ "$note" = "$err" ] &&
    printf '%s\n' "$merr" | grep -qx 'containers: app, sidecar'
check $? "sitrep chooses the first of two containers and says so as kubectl does"
k logs annotated -c sidecar --tail 3
side=$out
k logs annotated --tail 3
s default annotated --tail 3
[ $mrc -eq 0 ] && [ "$mine" = "$out" ] && [ "$mine" = "$side" ] && [ -z "$err" ] &&
    ! printf '%s\n' "$merr" | grep -q Defaulted
check $? "sitrep follows the default-container annotation as kubectl does (no note)"
k logs two -c sidecar --tail 2
s default two -c sidecar --tail 2
[ $mrc -eq 0 ] && [ "$mine" = "$out" ]
check $? "sitrep reads the container asked for, as kubectl logs -c"
s payments "$fresh" --previous
[ $mrc -ne 0 ] && [ "$merr" = "previous terminated container \"api\" in pod \"$fresh\" not found" ]
check $? "sitrep says why there is no previous run, in the apiserver's words"
s payments no-such-pod
[ $mrc -ne 0 ] && printf '%s\n' "$merr" | grep -q 'pods "no-such-pod" not found: check the name and the namespace'
check $? "sitrep says an unknown pod is not found and what to check"
s default two -c nosuch
[ $mrc -ne 0 ] && [ "$merr" = "container nosuch is not valid for pod two" ]
check $? "sitrep says a container that is not the pod's is not valid"

tap_done
