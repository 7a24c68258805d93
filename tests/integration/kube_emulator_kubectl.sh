#!/bin/bash
# kube_emulator_kubectl.sh: check the Kubernetes API emulator with kubectl.
#
# sitrep's Kubernetes backend is tested against tests/kube-emulator, so the
# emulator has to answer the way a real apiserver and deployment controller
# do.  This script starts it over TLS with a throw-away CA and drives it with
# the real kubectl (and curl for raw requests): discovery, reads, paging,
# rollout restart/undo/history/status, scale, server-side dry runs, the
# 401/403/404/409 answers, and StatefulSets and DaemonSets (apply, rollout
# status, their pods and events, scale, set image, restart, delete).  Output is TAP; the emulator and the temporary
# directory are removed on exit, also when a check fails.

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$srcdir/tests/lib/tap.sh"

need_tools kubectl openssl curl /usr/bin/python3

. "$srcdir/tests/lib/kubeemu.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kubeemu-test.XXXXXX") || exit 1
trap 'kubeemu_stop; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

if ! kubeemu_start "$tmp/emu"; then
	echo "Bail out! the emulator did not start"
	exit 1
fi
export HOME="$tmp/home"
export KUBECONFIG="$tmp/no-such-kubeconfig"
mkdir -p "$HOME"

# On a failure: what the last kubectl or curl printed.
tap_got() {
	printf '%s\n' "${out:-}"
}

# Run kubectl against the emulator; output (stdout+stderr) goes to $out.
k() {
	out=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" --request-timeout=15s "$@" 2>&1)
}

# ok when $out matches the extended regular expression.
has() {
	printf '%s\n' "$out" | grep -Eq -- "$1"
}

# Read one field with jsonpath into $val.
field() {
	val=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" --request-timeout=15s \
	    get "$1" -o "jsonpath=$2" 2>&1)
}

# curl against the emulator with the CA and a token; body in $out, code in $code.
api() {
	local token=$1
	shift
	out=$(curl -sS --cacert "$KUBEEMU_CA" -H "Authorization: Bearer $token" \
	    -w '\n%{http_code}' "$@" 2>&1)
	code=${out##*$'\n'}
	out=${out%$'\n'*}
}

# Discovery.
k version
has '^Server Version: v1\.32\.0$'
check $? "kubectl version reads /version over TLS with the generated CA"
k api-resources
has '^deployments +deploy +apps/v1 +true +Deployment$' &&
    has '^pods +po +v1 +true +Pod$' && has '^nodes +no +v1 +false +Node$'
check $? "api-resources lists core/v1 and apps/v1 resources from discovery"

# Reads as server-side Tables.
k get pods,deployments,nodes -A
has '^payments +pod/api-[a-z0-9]+-[a-z0-9]{5} +0/1 +CrashLoopBackOff +14 \(' &&
    has '^default +deployment.apps/web +3/3 +3 +3 ' &&
    has '^ +node/node-3 +Ready +<none> '
check $? "get pods,deployments,nodes -A prints server-side Table rows"
k get pods -n payments -o wide
has 'NOMINATED NODE' && has ' 1/1 +Running +3 \([0-9]+s ago\) '
check $? "get pods -o wide shows priority columns and last restart age"
k get replicasets
has '^web-[a-z0-9]+ +3 +3 +3 ' && has '^web-[a-z0-9]+ +0 +0 +0 '
check $? "get replicasets shows the current and the old revision"
k get events -n payments
has 'Warning +BackOff +pod/api-'
check $? "get events shows the crash-loop BackOff event"
k get namespaces
has '^payments +Active +20d$'
check $? "get namespaces shows fixture ages"
k get node node-3 -o json
printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
n = json.load(sys.stdin)
c = {x["type"]: x["status"] for x in n["status"]["conditions"]}
assert n["kind"] == "Node" and c["MemoryPressure"] == "True", c'
check $? "get node -o json has the MemoryPressure condition"
k get deployments -A -o json
printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["kind"] == "List" and len(d["items"]) == 4
web = [i for i in d["items"] if i["metadata"]["namespace"] == "default"][0]
assert web["kind"] == "Deployment" and web["status"]["observedGeneration"] == web["metadata"]["generation"]'
check $? "get deployments -A -o json returns full objects with status"

# Paging.
k get pods -A --chunk-size=2
pods=$(printf '%s\n' "$out" | grep -c -- '-[a-z0-9]\{5\} ')
grep -Eq '"path": "/api/v1/pods", "query": "continue=[A-Za-z0-9_-]+&limit=2[&"]' "$KUBEEMU_LOG"
check $(( $? + (pods != 10) )) "get --chunk-size=2 follows continue tokens ($pods pods)"
api "$KUBEEMU_TOKEN" "$KUBEEMU_URL/api/v1/pods?limit=3"
printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["items"]) == 3 and d["metadata"]["remainingItemCount"] == 7
assert d["metadata"]["continue"]'
check $? "limit=3 answers metadata.continue and remainingItemCount"
api "$KUBEEMU_TOKEN" "$KUBEEMU_URL/api/v1/namespaces/payments/pods?labelSelector=app%20in%20(api,nope),team!=x&fieldSelector=metadata.namespace=payments"
printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["items"]) == 3 and "kind" not in d["items"][0]'
check $? "labelSelector in/!= and fieldSelector filter a list"

# rollout restart.
field deployment/web '{.metadata.annotations.deployment\.kubernetes\.io/revision}'
rev0=$val
rs0=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get rs -l app=web -o name | wc -l)
k rollout restart deployment/web
has '^deployment.apps/web restarted$'
check $? "rollout restart deployment/web"
field deployment/web '{.metadata.annotations.deployment\.kubernetes\.io/revision} {.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}'
rs1=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get rs -l app=web -o name | wc -l)
[ "$rev0" = 2 ] && [ "${val%% *}" = 3 ] && [ -n "${val#* }" ] && [ "$rs1" = $((rs0 + 1)) ]
check $? "restart bumps the revision 2 -> ${val%% *}, adds a ReplicaSet, sets restartedAt"
k rollout status deployment/web --timeout=20s
has 'successfully rolled out'
check $? "rollout status finishes"
k rollout history deployment/web
has '^1 ' && has '^2 ' && has '^3 '
check $? "rollout history lists revisions 1..3"

# rollout undo: back to revision 2's template, reusing its ReplicaSet.
rs2=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get rs -l app=web \
    -o jsonpath='{range .items[?(@.metadata.annotations.deployment\.kubernetes\.io/revision=="2")]}{.metadata.name}{end}')
k rollout undo deployment/web
has '^deployment.apps/web rolled back$'
check $? "rollout undo deployment/web"
field deployment/web '{.metadata.annotations.deployment\.kubernetes\.io/revision}|{.spec.template.metadata.annotations}|{.spec.template.spec.containers[0].image}'
field_rs=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get rs "$rs2" \
    -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision} {.metadata.annotations.deployment\.kubernetes\.io/revision-history} {.spec.replicas}')
rs3=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get rs -l app=web -o name | wc -l)
[ "$val" = "4||nginx:1.25" ] && [ "$field_rs" = "4 2 3" ] && [ "$rs3" = "$rs1" ]
check $? "undo restores the template, reuses $rs2 as revision 4 (history 2)"
k rollout history deployment/web
has '^1 ' && has '^3 ' && has '^4 ' && ! has '^2 '
check $? "history after undo has 1,3,4"
k rollout undo deployment/web --to-revision=1
field deployment/web '{.metadata.annotations.deployment\.kubernetes\.io/revision} {.spec.template.spec.containers[0].image}'
[ "$val" = "5 nginx:1.24" ]
check $? "undo --to-revision=1 brings back nginx:1.24 as revision 5"
k rollout undo deployment/web --to-revision=42
has 'unable to find specified revision 42 in history'
check $? "undo to a missing revision fails in kubectl"

# scale.
k scale deployment/web --replicas=5
field deployment/web '{.spec.replicas} {.status.readyReplicas} {.status.updatedReplicas}'
has 'deployment.apps/web scaled' && [ "$val" = "5 5 5" ]
check $? "scale --replicas=5 goes through /scale and the controller"
grep -q '"method": "PATCH", "path": "/apis/apps/v1/namespaces/default/deployments/web/scale"' "$KUBEEMU_LOG"
check $? "kubectl scale patched the scale subresource"

# Server-side dry runs leave the state alone.
rv=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get deployment web -o 'jsonpath={.metadata.resourceVersion}')
k scale deployment/web --replicas=1 --dry-run=server
ok1=$(has '(server dry run)' && echo y)
k rollout undo deployment/web --dry-run=server
ok2=$(has 'rolled back \(server dry run\)' && echo y)
k patch deployment web -p '{"spec":{"replicas":9}}' --dry-run=server -o 'jsonpath={.spec.replicas}'
ok3=$([ "$out" = 9 ] && echo y)
k delete deployment web --dry-run=server
ok4=$(has 'deleted \(server dry run\)' && echo y)
field deployment/web '{.metadata.resourceVersion} {.spec.replicas} {.metadata.annotations.deployment\.kubernetes\.io/revision}'
[ "$ok1$ok2$ok3$ok4" = yyyy ] && [ "$val" = "$rv 5 5" ]
check $? "dry-run=server scale/undo/patch/delete answer but store nothing"

# Errors.
out=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" --token wrong-token get pods 2>&1)
rc=$?
[ $rc -ne 0 ] && has 'Unauthorized'
check $? "a wrong token gets 401 Unauthorized"
api wrong-token "$KUBEEMU_URL/api/v1/namespaces/default/pods"
[ "$code" = 401 ] && has '"reason":"Unauthorized"' && has '"code":401'
check $? "the 401 body is a Status"
k --context kubeemu-readonly -n payments get deployment web
has '^web +2/2 '
check $? "the read-only token can read"
k --context kubeemu-readonly -n payments rollout restart deployment/web
has 'deployments.apps "web" is forbidden: User "readonly" cannot patch resource "deployments" in API group "apps" in the namespace "payments"'
check $? "the read-only token gets 403 with the apiserver's message"
k --context kubeemu-readonly -n payments scale deployment/web --replicas=1
has '^Error from server \(Forbidden\): deployments.apps "web" is forbidden: User "readonly" cannot patch resource "deployments/scale"'
check $? "kubectl prints Error from server (Forbidden) for a read-only scale"
k get deployment nope
has '^Error from server \(NotFound\): deployments.apps "nope" not found$'
check $? "a missing deployment is 404 NotFound"
# The RBAC-like switch refuses as the apiserver does: a Status, 403.
api "$KUBEEMU_TOKEN" -X POST \
    "$KUBEEMU_URL/_emulator/deny?verb=list&resource=statefulsets&namespace=payments"
k get statefulsets -n payments
has '^Error from server \(Forbidden\): statefulsets.apps is forbidden: User "admin" cannot list resource "statefulsets" in API group "apps" in the namespace "payments"$'
refused=$?
k get statefulsets -n default
allowed=$?
api "$KUBEEMU_TOKEN" "$KUBEEMU_URL/apis/apps/v1/namespaces/payments/statefulsets"
[ $refused -eq 0 ] && [ $allowed -eq 0 ] && [ "$code" = 403 ] &&
    has '"kind":"Status"' && has '"reason":"Forbidden"' && has '"code":403'
check $? "a denied list is 403 Forbidden in kubectl's words, other namespaces are not"
api "$KUBEEMU_TOKEN" -X POST "$KUBEEMU_URL/_emulator/unserve?resource=daemonsets"
k get daemonsets -A
has '^Error from server \(NotFound\): Unable to list "apps/v1, Resource=daemonsets": the server could not find the requested resource$'
check $? "an unserved resource is 404 NotFound"
api "$KUBEEMU_TOKEN" -X POST "$KUBEEMU_URL/_emulator/allow"
k get statefulsets -n payments
check $? "allow lifts the rules"
api "$KUBEEMU_TOKEN" "$KUBEEMU_URL/apis/apps/v1/namespaces/default/deployments/web"
stale=$out
kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" annotate deployment web sitrep/test=1 >/dev/null 2>&1
api "$KUBEEMU_TOKEN" -X PUT -H 'Content-Type: application/json' --data-binary "$stale" \
    "$KUBEEMU_URL/apis/apps/v1/namespaces/default/deployments/web"
[ "$code" = 409 ] && has '"message":"Operation cannot be fulfilled on deployments.apps \\"web\\": the object has been modified; please apply your changes to the latest version and try again"' &&
    has '"reason":"Conflict"'
check $? "a PUT with a stale resourceVersion is 409 Conflict"
api "$KUBEEMU_TOKEN" -X PATCH -H 'Content-Type: application/json-patch+json' \
    --data-binary '[{"op":"test","path":"/spec/replicas","value":5},{"op":"replace","path":"/spec/replicas","value":4},{"op":"copy","from":"/metadata/labels/app","path":"/metadata/labels/copied"}]' \
    "$KUBEEMU_URL/apis/apps/v1/namespaces/default/deployments/web"
[ "$code" = 200 ] && has '"replicas":4' && has '"copied":"web"'
check $? "a JSON patch with test/replace/copy applies"

# Injected faults.
api "$KUBEEMU_TOKEN" -X POST "$KUBEEMU_URL/_emulator/pods/default/$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get pods -l app=web -o 'jsonpath={.items[0].metadata.name}')/crashloop"
k get deployment web
has '^web +3/4 '
check $? "the crashloop admin endpoint makes a pod unready and the status follows"

# StatefulSets and DaemonSets, created the way a user does.
mkdir -p "$tmp/workloads"
cat >"$tmp/workloads/ledger.json" <<'EOF'
{"apiVersion": "apps/v1", "kind": "StatefulSet",
 "metadata": {"name": "ledger", "namespace": "payments"},
 "spec": {"replicas": 3, "serviceName": "ledger",
  "selector": {"matchLabels": {"app": "ledger"}},
  "template": {"metadata": {"labels": {"app": "ledger"}},
   "spec": {"containers": [{"name": "ledger", "image": "ledger:0.9.7"}]}}}}
EOF
cat >"$tmp/workloads/node-exporter.json" <<'EOF'
{"apiVersion": "apps/v1", "kind": "DaemonSet",
 "metadata": {"name": "node-exporter", "namespace": "kube-system"},
 "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": "node-exporter"}},
  "template": {"metadata": {"labels": {"app.kubernetes.io/name": "node-exporter"}},
   "spec": {"containers": [{"name": "node-exporter",
    "image": "prom/node-exporter:v1.8.2"}]}}}}
EOF
k api-resources --api-group=apps
has '^statefulsets +sts +apps/v1 +true +StatefulSet$' &&
    has '^daemonsets +ds +apps/v1 +true +DaemonSet$'
check $? "api-resources lists statefulsets (sts) and daemonsets (ds)"
k apply -f "$tmp/workloads"
has '^statefulset.apps/ledger created$' && has '^daemonset.apps/node-exporter created$'
check $? "apply -f creates a StatefulSet and a DaemonSet"
k rollout status statefulset/ledger -n payments --timeout=20s
has 'roll out complete: 3 new pods have been updated'
check $? "rollout status statefulset/ledger completes"
k rollout status daemonset/node-exporter -n kube-system --timeout=20s
has 'daemon set "node-exporter" successfully rolled out'
check $? "rollout status daemonset/node-exporter completes"
k get statefulsets,daemonsets -A
has '^payments +statefulset.apps/ledger +3/3 ' &&
    has '^kube-system +daemonset.apps/node-exporter +3 +3 +3 +3 +3 +<none> '
check $? "get statefulsets,daemonsets -A prints their Table rows"
k get pods -A -o json
printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
pods = json.load(sys.stdin)["items"]
def owner(p):
    r = [o for o in p["metadata"].get("ownerReferences", []) if o.get("controller")]
    return (r[0]["kind"], r[0]["name"]) if r else None
sts = sorted(p["metadata"]["name"] for p in pods if owner(p) == ("StatefulSet", "ledger"))
assert sts == ["ledger-0", "ledger-1", "ledger-2"], sts
for p in pods:
    if owner(p) == ("StatefulSet", "ledger"):
        l = p["metadata"]["labels"]
        assert l["statefulset.kubernetes.io/pod-name"] == p["metadata"]["name"], l
        assert l["controller-revision-hash"].startswith("ledger-"), l
        assert p["spec"]["hostname"] == p["metadata"]["name"]
        assert p["spec"]["subdomain"] == "ledger"
ds = [p for p in pods if owner(p) == ("DaemonSet", "node-exporter")]
nodes = sorted(p["spec"]["nodeName"] for p in ds)
assert nodes == ["node-1", "node-2", "node-3"], nodes
for p in ds:
    assert p["metadata"]["labels"]["pod-template-generation"] == "1"
    t = p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert t["nodeSelectorTerms"][0]["matchFields"][0]["values"] == [p["spec"]["nodeName"]]'
check $? "a StatefulSet owns ledger-0..2; a DaemonSet owns one pod per node"
k get events -n payments --field-selector involvedObject.kind=StatefulSet
has 'SuccessfulCreate +statefulset/ledger +create Pod ledger-2 in StatefulSet ledger successful'
check $? "the stateful set's events name it as their involved object"
k scale statefulset/ledger -n payments --replicas=2
ok=$(has 'statefulset.apps/ledger scaled' && echo y)
k set image statefulset/ledger ledger=ledger:0.9.8 -n payments
k rollout status statefulset/ledger -n payments --timeout=20s
val=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get statefulset/ledger -n payments \
    -o 'jsonpath={.status.replicas} {.status.updatedReplicas} {.status.currentRevision} {.status.updateRevision}' 2>&1)
set -- $val
pods=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get pods -n payments -l app=ledger \
    -o 'jsonpath={range .items[*]}{.metadata.name}={.metadata.labels.controller-revision-hash} {end}')
[ "$ok" = y ] && [ "$1 $2" = "2 2" ] && [ "$3" = "$4" ] &&
    [ "$pods" = "ledger-0=$4 ledger-1=$4 " ]
check $? "scale to 2 and a new image: ledger-0, ledger-1 at revision ${4:-?}"
k rollout restart daemonset/node-exporter -n kube-system
k rollout status daemonset/node-exporter -n kube-system --timeout=20s
val=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get daemonset/node-exporter -n kube-system \
    -o 'jsonpath={.metadata.annotations.deprecated\.daemonset\.template\.generation} {.status.updatedNumberScheduled} {.status.numberReady}' 2>&1)
gens=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get pods -n kube-system \
    -l app.kubernetes.io/name=node-exporter -o 'jsonpath={.items[*].metadata.labels.pod-template-generation}')
[ "$val" = "2 3 3" ] && [ "$gens" = "2 2 2" ]
check $? "rollout restart of a DaemonSet replaces its pods (template generation 2)"
k delete statefulset ledger -n payments
left=$(kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get pods -n payments -l app=ledger -o name)
has 'statefulset.apps "ledger" deleted' && [ -z "$left" ]
check $? "deleting the StatefulSet collects its pods"

tap_done
