#!/bin/bash
# kube_actions.sh: the Kubernetes part of the action world
# (backends/kube_world.c) against the API emulator, beside kubectl.
#
# Through the kube_tool check program: undo, scale, restart and delete pod,
# real and as server dry runs, with what changes and the way back; the
# refusals (paused, no such revision, 403 from the read-only token naming
# verb, resource, namespace and user, 409, a pod that is gone); the DELETE
# of a pod compared with what `kubectl delete pod` sends; access
# (SelfSubjectAccessReview, SelfSubjectReview) compared with `kubectl auth
# can-i` and `kubectl auth whoami`, and a server that does not serve it;
# a paced rollout followed step by step to success, and a stalled one to
# its progress deadline, each with the same end as `kubectl rollout
# status`.  TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"

PY=${KUBEEMU_PYTHON:-/usr/bin/python3}
TOOL=$top_builddir/tests/unit/kube_tool
need_tools kubectl openssl curl "$PY"
if [ ! -x "$TOOL" ]; then
	skip_all "$TOOL is not built (make check builds it)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kube_actions.XXXXXX") || exit 1
cleanup() {
	kubeemu_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! kubeemu_start "$tmp/emu" >"$tmp/start" 2>&1; then
	sed 's/^/# /' "$tmp/start"
	skip_all "the emulator does not start"
fi
KC=$KUBEEMU_KUBECONFIG
K() { kubectl --kubeconfig "$KC" "$@"; }
T() { "$TOOL" --kubeconfig "$KC" "$@"; }
admin() {	# PATH [QUERY]
	curl -sf --cacert "$KUBEEMU_CA" -X POST "$KUBEEMU_URL/_emulator/$1${2:+?$2}" >/dev/null
}
# The last logged request with METHOD, as "PATH?QUERY BODY".
last_req() {
	"$PY" -c '
import json, sys
last = ""
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["method"] == sys.argv[2]:
        last = "%s?%s %s %s" % (e["path"], e["query"], e["contentType"], e["body"])
print(last)' "$KUBEEMU_LOG" "$1"
}
has() {	# DESC FILE TEXT
	if grep -qF -- "$3" "$2"; then
		check 0 "$1"
	else
		check 1 "$1" "$3" "$(tr '\n' '|' <"$2")"
	fi
}

# --- undo, scale, restart ---------------------------------------------------
T world undo default web --dry-run >"$tmp/o" 2>&1
has "undo dry run: the server's verdict" "$tmp/o" "would be rolled back to revision 1 (server dry run"
has "undo dry run: the image that changes" "$tmp/o" "diff: image web: nginx:1.25 -> nginx:1.24"
has "undo dry run: the way back" "$tmp/o" "before: undo to revision 2"
check_eq "undo dry run: nothing changed" "nginx:1.25" \
    "$(K get deploy web -n default -o jsonpath='{.spec.template.spec.containers[0].image}')"
T world undo default web >"$tmp/o" 2>&1
has "undo: done" "$tmp/o" "status: ok"
check_eq "undo: the deployment runs the old image" "nginx:1.24" \
    "$(K get deploy web -n default -o jsonpath='{.spec.template.spec.containers[0].image}')"
T world undo default web --to-revision 3 >"$tmp/o" 2>&1
has "undo to the current revision: nothing to do" "$tmp/o" "noop: 1"
T world undo default web --to-revision 42 >"$tmp/o" 2>&1
has "undo to a missing revision: invalid, in kubectl's words" "$tmp/o" \
    "unable to find specified revision 42 in history"
T world scale default web 6 --dry-run >"$tmp/o" 2>&1
has "scale dry run: replicas before and after" "$tmp/o" "diff: replicas: 3 -> 6"
has "scale dry run: the way back" "$tmp/o" "before: scale to 3"
check_eq "scale dry run: nothing changed" 3 "$(K get deploy web -n default -o jsonpath='{.spec.replicas}')"
T world scale default web 4 >"$tmp/o" 2>&1
check_eq "scale: done" 4 "$(K get deploy web -n default -o jsonpath='{.spec.replicas}')"
T --context kubeemu-readonly world scale default web 2 >"$tmp/o" 2>&1
has "403: refused" "$tmp/o" "status: refused"
has "403: names user, verb, resource and namespace" "$tmp/o" \
    'User "readonly" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"'
admin fail "count=1&code=409&message=the+object+has+been+modified"
T world restart default web >"$tmp/o" 2>&1
has "409: invalid, try again" "$tmp/o" "changed while we were updating it; refresh and try again"
K rollout pause deployment/web -n default >/dev/null 2>&1
T world restart default web >"$tmp/o" 2>&1
has "a paused deployment is refused" "$tmp/o" "is paused; resume it first"
K rollout resume deployment/web -n default >/dev/null 2>&1
T world restart default web --dry-run >"$tmp/o" 2>&1
has "restart dry run" "$tmp/o" "would be restarted (server dry run"

# --- delete pod, beside kubectl ---------------------------------------------
pods=$(K get pods -n default -l app=web -o jsonpath='{.items[*].metadata.name}')
p1=${pods%% *}
rest=${pods#* }
p2=${rest%% *}
K delete pod "$p1" -n default --dry-run=server >/dev/null 2>&1
want=$(last_req DELETE)
T world delete-pod default "$p1" --dry-run >"$tmp/o" 2>&1
check_eq "delete pod dry run: the request kubectl sends" "$want" "$(last_req DELETE)"
has "delete pod dry run: its owner makes a new one" "$tmp/o" "makes a new one) (server dry run"
K delete pod "$p1" -n default --wait=false >/dev/null 2>&1
want=$(last_req DELETE | sed "s/$p1/POD/")
T world delete-pod default "$p2" >"$tmp/o" 2>&1
check_eq "delete pod: the request kubectl sends" "$want" "$(last_req DELETE | sed "s/$p2/POD/")"
has "delete pod: done" "$tmp/o" "pod default/$p2 deleted (its owner ReplicaSet/"
T world delete-pod default "$p2" >"$tmp/o" 2>&1
has "delete a pod that is gone: invalid" "$tmp/o" "status: invalid"
printf '%s\n' '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bare","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}' |
    K create -f - >/dev/null 2>&1
T world delete-pod default bare >"$tmp/o" 2>&1
has "delete a bare pod: it will not come back" "$tmp/o" "will NOT come back"

# --- access, beside kubectl auth can-i / whoami -----------------------------
admin deny "verb=delete&resource=pods&namespace=payments"
for ctx in kubeemu kubeemu-readonly; do
	for q in "scale default web:patch deployments/web --subresource=scale -n default" \
	    "delete-pod payments x:delete pods/x -n payments" \
	    "delete-pod default x:delete pods/x -n default"; do
		# shellcheck disable=SC2086
		K --context "$ctx" auth can-i ${q#*:} >"$tmp/k" 2>&1
		case $(head -1 "$tmp/k") in
		yes*) want=1 ;;
		no*) want=0 ;;
		*) want="kubectl: $(cat "$tmp/k")" ;;
		esac
		# shellcheck disable=SC2086
		T --context "$ctx" access ${q%%:*} >"$tmp/o" 2>&1
		check_eq "access ${q%%:*} as $ctx: as kubectl auth can-i" \
		    "allowed: $want" "$(grep '^allowed' "$tmp/o")"
	done
	who=$(K --context "$ctx" auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1)
	check_eq "access as $ctx: the user kubectl auth whoami names" \
	    "user: $who" "$(grep '^user' "$tmp/o")"
done
T --context kubeemu-readonly access scale default web >"$tmp/o" 2>&1
has "a denial names user, verb, resource and namespace" "$tmp/o" \
    'RBAC does not let user "readonly" patch deployments/scale web in namespace default'
admin unserve "resource=selfsubjectaccessreviews"
T access scale default web >"$tmp/o" 2>&1
has "no SelfSubjectAccessReview served: allowed -1 with why" "$tmp/o" "allowed: -1"
admin allow

# --- following rollouts, beside kubectl rollout status ----------------------
admin pace "seconds=1"
T world restart default web >/dev/null 2>&1
timeout 60 "$TOOL" --kubeconfig "$KC" --interval 200 follow default web >"$tmp/f" 2>&1
check $? "a paced rollout is followed to success"
# One pod a second comes up, and the follower polls: on a loaded machine
# two pods can come up between two polls, so any step in between will do.
if grep -Eq '^state 0: Waiting for deployment "web" rollout to finish: [1-3] of 4 updated replicas are available\.\.\.$' "$tmp/f"; then
	check 0 "the steps, in kubectl's words"
else
	check 1 "the steps, in kubectl's words" \
	    'state 0: Waiting for deployment "web" rollout to finish: N of 4 updated replicas are available... (N 1 to 3)' \
	    "$(tr '\n' '|' <"$tmp/f")"
fi
has "the end, in kubectl's words" "$tmp/f" 'state 1: deployment "web" successfully rolled out'
K rollout status deployment/web -n default --timeout=30s >"$tmp/k" 2>&1
has "kubectl rollout status ends the same" "$tmp/k" 'deployment "web" successfully rolled out'
admin pace "seconds=0"
K patch deployment web -n default -p '{"spec":{"progressDeadlineSeconds":2}}' >/dev/null 2>&1
admin deployments/default/web/stall
T world restart default web >/dev/null 2>&1
timeout 60 "$TOOL" --kubeconfig "$KC" --interval 200 follow default web >"$tmp/f" 2>&1
check_eq "a stalled rollout fails its progress deadline" 1 $?
has "the failure, in kubectl's words" "$tmp/f" 'state -1: deployment "web" exceeded its progress deadline'
K rollout status deployment/web -n default --timeout=30s >"$tmp/k" 2>&1
has "kubectl rollout status fails the same way" "$tmp/k" 'deployment "web" exceeded its progress deadline'
T follow default nosuch >"$tmp/f" 2>&1
has "a deployment that is not there cannot be followed" "$tmp/f" "state -2: deployment default/nosuch is gone"

tap_done
