#!/bin/bash
# kube_backend.sh: sitrep's Kubernetes backend against the API emulator,
# side by side with kubectl.
#
# Two emulators start from the same fixtures.  The same sequence of writes
# (rollout restart, rollout undo, undo --to-revision, scale, each also as a
# server dry run, and the refusals: no history, paused) goes through kubectl
# on one and through sitrep's code (the kube_tool check program) on the
# other; after every step the outcome (success or failure), the PATCH
# requests sent (path, query, content type, body) and the resulting state
# (deployment template, annotations and replicas, ReplicaSet revisions)
# must be the same, timestamps aside.  Then a read round (a StatefulSet
# and a DaemonSet added) is compared with kubectl's counts and fields,
# paging is forced with a small page size, and the error
# sentences for 401, 403, an unknown CA and a refused connection are
# checked.  Lists the server refuses (403 by an RBAC-like rule of the
# emulator, 404 for a resource it does not serve) leave the round working
# with a warning; a rollout and a `kubectl rollout undo` are recorded in
# kube_rollouts at the times they happened.  TAP output; the plan comes
# last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"

PY=${KUBEEMU_PYTHON:-/usr/bin/python3}
TOOL=$top_builddir/tests/unit/kube_tool
need_tools kubectl openssl sqlite3 curl "$PY"
if [ ! -x "$TOOL" ]; then
	skip_all "$TOOL is not built (make check builds it)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kube_backend.XXXXXX") || exit 1
A_PID= B_PID=
cleanup() {
	for p in $A_PID $B_PID; do
		KUBEEMU_PID=$p
		kubeemu_stop
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# Print the lines of a file as TAP diagnostics.
diag() {
	sed 's/^/# /' "$@"
}

# --- helpers in Python: state, PATCH requests, counts ----------------------
cat >"$tmp/kb.py" <<'EOF'
"""Helpers for kube_backend.sh: normalised state and requests."""
import json
import ssl
import sys
import urllib.request

RESTARTED = "kubectl.kubernetes.io/restartedAt"


def scrub(o):
    """Replace restartedAt values (a clock reading) with a marker."""
    if isinstance(o, dict):
        return {k: ("<time>" if k == RESTARTED else scrub(v))
                for k, v in o.items()}
    if isinstance(o, list):
        return [scrub(v) for v in o]
    return o


def state(url, ca, out):
    """The emulator's deployments and their ReplicaSets, normalised."""
    ctx = ssl.create_default_context(cafile=ca)
    req = urllib.request.Request(url + "/_emulator/sync", data=b"{}",
                                 method="POST")
    urllib.request.urlopen(req, context=ctx, timeout=10).read()
    dump = json.load(urllib.request.urlopen(url + "/_emulator/state",
                                            context=ctx, timeout=10))
    objs = dump["objects"]
    deps = {}
    uids = {}
    for d in objs["deployments"]:
        m = d["metadata"]
        key = m["namespace"] + "/" + m["name"]
        uids[m["uid"]] = key
        deps[key] = {
            "annotations": m.get("annotations", {}),
            "generation": m.get("generation"),
            "replicas": d["spec"].get("replicas"),
            "paused": d["spec"].get("paused", False),
            "template": scrub(d["spec"]["template"]),
        }
    rss = []
    for r in objs["replicasets"]:
        m = r["metadata"]
        owner = [o["uid"] for o in m.get("ownerReferences", [])
                 if o.get("controller")]
        if not owner or owner[0] not in uids:
            continue
        t = scrub(json.loads(json.dumps(r["spec"]["template"])))
        t.get("metadata", {}).get("labels", {}).pop("pod-template-hash",
                                                     None)
        ann = dict(m.get("annotations", {}))
        rss.append({"owner": uids[owner[0]],
                    "revision": ann.get("deployment.kubernetes.io/revision"),
                    "history": ann.get(
                        "deployment.kubernetes.io/revision-history"),
                    "replicas": r["spec"].get("replicas"),
                    "template": t})
    rss.sort(key=lambda x: (x["owner"], int(x["revision"] or 0)))
    with open(out, "w") as f:
        json.dump({"deployments": deps, "replicasets": rss}, f,
                  indent=1, sort_keys=True)


def patches(log, skip, out):
    """The PATCH requests in the log after line skip, normalised."""
    got = []
    with open(log) as f:
        lines = f.read().splitlines()[int(skip):]
    for line in lines:
        e = json.loads(line)
        if e["method"] != "PATCH":
            continue
        body = e.get("body", "")
        try:
            body = scrub(json.loads(body))
        except ValueError:
            pass
        got.append({"path": e["path"], "query": e["query"],
                    "contentType": e["contentType"], "body": body})
    with open(out, "w") as f:
        json.dump(got, f, indent=1, sort_keys=True)


def queries(log, out):
    """Every GET path?query in the log, one a line."""
    with open(log) as f, open(out, "w") as o:
        for line in f:
            e = json.loads(line)
            if e["method"] == "GET":
                o.write(e["path"] + "?" + e["query"] + "\n")


def count(path):
    """len(items) of a kubectl -o json list."""
    with open(path) as f:
        print(len(json.load(f)["items"]))


if __name__ == "__main__":
    {"state": state, "patches": patches, "queries": queries,
     "count": count}[sys.argv[1]](*sys.argv[2:])
EOF

# --- two emulators, same fixtures ------------------------------------------
if ! kubeemu_start "$tmp/a" >"$tmp/a.start" 2>&1; then
	skip_all "the emulator did not start: $(head -n 3 "$tmp/a.start")"
fi
A_PID=$KUBEEMU_PID A_URL=$KUBEEMU_URL A_CA=$KUBEEMU_CA
A_KC=$KUBEEMU_KUBECONFIG A_LOG=$KUBEEMU_LOG
if ! kubeemu_start "$tmp/b" >"$tmp/b.start" 2>&1; then
	skip_all "the second emulator did not start"
fi
B_PID=$KUBEEMU_PID B_URL=$KUBEEMU_URL B_CA=$KUBEEMU_CA
B_KC=$KUBEEMU_KUBECONFIG B_LOG=$KUBEEMU_LOG

# The same read of both before anything is written.
"$PY" "$tmp/kb.py" state "$A_URL" "$A_CA" "$tmp/a.state"
"$PY" "$tmp/kb.py" state "$B_URL" "$B_CA" "$tmp/b.state"
cmp -s "$tmp/a.state" "$tmp/b.state"
check $? "both emulators start in the same state"

# Workloads of other kinds on both: a StatefulSet and a DaemonSet.
mkdir -p "$tmp/workloads"
cat >"$tmp/workloads/ledger.json" <<'EOF'
{"apiVersion": "apps/v1", "kind": "StatefulSet",
 "metadata": {"name": "ledger", "namespace": "payments"},
 "spec": {"replicas": 2, "serviceName": "ledger",
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
kubectl --kubeconfig "$A_KC" apply -f "$tmp/workloads" >"$tmp/apply.out" 2>&1 &&
    kubectl --kubeconfig "$B_KC" apply -f "$tmp/workloads" >>"$tmp/apply.out" 2>&1
check $? "a StatefulSet and a DaemonSet are created on both"
diag "$tmp/apply.out"

# --- a read round -----------------------------------------------------------
# With the lead's `sitrep fetch` when it exists, else kube_tool's round.
fetch() {	# fetch KUBECONFIG CACHE [kube_tool options]
	local kc=$1 cache=$2
	shift 2
	if [ $# -eq 0 ] && [ -x "$top_builddir/sitrep" ] &&
	    "$top_builddir/sitrep" --help 2>&1 | grep -q '^ *fetch'; then
		fetcher="sitrep fetch --once"
		printf 'contexts:\n  - name: default\n    kubernetes:\n      kubeconfig: %s\n' \
		    "$kc" >"$tmp/sitrep.yaml"
		"$top_builddir/sitrep" --config "$tmp/sitrep.yaml" \
		    --cache "$cache" fetch --once
	else
		fetcher="kube_tool fetch"
		"$TOOL" --kubeconfig "$kc" --cache "$cache" "$@" fetch
	fi
}

fetch "$B_KC" "$tmp/b.db" >"$tmp/fetch.out" 2>&1
check $? "a read round of the emulator succeeds ($fetcher)"
diag "$tmp/fetch.out"
# Compare row counts with kubectl's list sizes.
compare_counts() {	# compare_counts CACHE KUBECONFIG WHAT [kubectl scope]
	local cache=$1 kc=$2 what=$3 kind table want got bad=0
	shift 3
	for kind in deployments statefulsets daemonsets replicasets pods \
	    events nodes namespaces; do
		table=kube_$kind
		case $kind in
		nodes|namespaces) kubectl --kubeconfig "$kc" get "$kind" \
		    -o json >"$tmp/k.json" 2>"$tmp/k.err" ;;
		*) kubectl --kubeconfig "$kc" get "$kind" "$@" -o json \
		    >"$tmp/k.json" 2>"$tmp/k.err" ;;
		esac
		want=$("$PY" "$tmp/kb.py" count "$tmp/k.json")
		got=$(sqlite3 "$cache" "SELECT count(*) FROM $table")
		if [ "$want" != "$got" ] || [ "$want" = "" ]; then
			echo "# $kind: kubectl $want, cache $got"
			bad=1
		fi
	done
	check $bad "$what"
}
compare_counts "$tmp/b.db" "$B_KC" \
    "cache rows equal kubectl's counts for all eight kinds" -A
got=$(sqlite3 "$tmp/b.db" "SELECT reason FROM kube_pods WHERE reason = 'CrashLoopBackOff' LIMIT 1")
[ "$got" = CrashLoopBackOff ]
check $? "a crash-looping pod is stored with its reason"
want=$(kubectl --kubeconfig "$B_KC" get statefulset ledger -n payments \
    -o 'jsonpath={.spec.replicas}|{.status.readyReplicas}|{.status.updateRevision}')
got=$(sqlite3 "$tmp/b.db" "SELECT replicas || '|' || ready_replicas || '|' ||
    update_revision FROM kube_statefulsets WHERE namespace = 'payments' AND
    name = 'ledger'")
owners=$(sqlite3 "$tmp/b.db" "SELECT group_concat(name || '=' || owner_kind
    || '/' || owner_name, ' ') FROM (SELECT * FROM kube_pods WHERE
    namespace = 'payments' AND name LIKE 'ledger-%' ORDER BY name)")
[ "$got" = "$want" ] && [ "${want%%|*}" = 2 ] &&
    [ "$owners" = "ledger-0=StatefulSet/ledger ledger-1=StatefulSet/ledger" ]
check $? "the StatefulSet ($got) and its pods, owned by it, are stored"
echo "# kubectl: $want; pods: $owners"
want=$(kubectl --kubeconfig "$B_KC" get daemonset node-exporter -n kube-system \
    -o 'jsonpath={.status.desiredNumberScheduled}|{.status.numberReady}|{.status.updatedNumberScheduled}')
got=$(sqlite3 "$tmp/b.db" "SELECT desired || '|' || ready || '|' || updated
    FROM kube_daemonsets WHERE name = 'node-exporter'")
pods=$(sqlite3 "$tmp/b.db" "SELECT count(DISTINCT node) FROM kube_pods WHERE
    owner_kind = 'DaemonSet' AND owner_name = 'node-exporter'")
[ "$got" = "$want" ] && [ "$want" = "3|3|3" ] && [ "$pods" = 3 ]
check $? "the DaemonSet ($got) and its pods on $pods nodes are stored"
got=$(sqlite3 "$tmp/b.db" "SELECT count(*) FROM kube_events WHERE
    namespace = 'payments' AND involved_kind = 'StatefulSet' AND
    involved_name = 'ledger' AND reason = 'SuccessfulCreate'")
[ "$got" = 2 ]
check $? "the StatefulSet's events are stored by involved object ($got)"

# --- the writes, kubectl on A and sitrep on B -----------------------------
step() {	# step DESC -- KUBECTL ARGS -- TOOL ARGS
	local desc=$1 ka=() ta=() a_skip b_skip a_rc b_rc bad=0
	shift 2
	while [ "$1" != -- ]; do ka+=("$1"); shift; done
	shift
	ta=("$@")
	a_skip=$(wc -l <"$A_LOG")
	b_skip=$(wc -l <"$B_LOG")
	kubectl --kubeconfig "$A_KC" "${ka[@]}" >"$tmp/a.out" 2>&1
	a_rc=$?
	"$TOOL" --kubeconfig "$B_KC" "${ta[@]}" >"$tmp/b.out" 2>&1
	b_rc=$?
	# Outcomes agree.
	if { [ $a_rc -eq 0 ] && [ $b_rc -ne 0 ]; } ||
	    { [ $a_rc -ne 0 ] && [ $b_rc -eq 0 ]; }; then
		echo "# outcome differs: kubectl $a_rc, sitrep $b_rc"
		bad=1
	fi
	echo "# kubectl: $(tr '\n' ' ' <"$tmp/a.out")"
	echo "# sitrep:  $(tr '\n' ' ' <"$tmp/b.out")"
	# The same PATCH requests.
	"$PY" "$tmp/kb.py" patches "$A_LOG" "$a_skip" "$tmp/a.patch"
	"$PY" "$tmp/kb.py" patches "$B_LOG" "$b_skip" "$tmp/b.patch"
	if ! cmp -s "$tmp/a.patch" "$tmp/b.patch"; then
		echo "# PATCH requests differ:"
		diff "$tmp/a.patch" "$tmp/b.patch" | head -n 40 | diag
		bad=1
	fi
	# The same state.
	"$PY" "$tmp/kb.py" state "$A_URL" "$A_CA" "$tmp/a.state"
	"$PY" "$tmp/kb.py" state "$B_URL" "$B_CA" "$tmp/b.state"
	if ! cmp -s "$tmp/a.state" "$tmp/b.state"; then
		echo "# states differ:"
		diff "$tmp/a.state" "$tmp/b.state" | head -n 40 | diag
		bad=1
	fi
	check $bad "$desc: same outcome, PATCH and state as kubectl"
	return $b_rc
}

# kubectl rollout restart has no --dry-run: sitrep sends the restart's own
# patch with dryRun=All, and nothing changes.
b_skip=$(wc -l <"$B_LOG")
"$TOOL" --kubeconfig "$B_KC" restart default web --dry-run >"$tmp/b.out" 2>&1
check $? "restart --dry-run succeeds"
grep -q 'would be restarted' "$tmp/b.out"
check $? "a dry run says what would happen"
"$PY" "$tmp/kb.py" patches "$B_LOG" "$b_skip" "$tmp/b.patch"
grep -q '"query": "dryRun=All&fieldManager=kubectl-rollout"' "$tmp/b.patch" &&
    grep -q strategic-merge-patch "$tmp/b.patch"
check $? "restart --dry-run sends the restart patch with dryRun=All"
"$PY" "$tmp/kb.py" state "$A_URL" "$A_CA" "$tmp/a.state"
"$PY" "$tmp/kb.py" state "$B_URL" "$B_CA" "$tmp/b.state"
cmp -s "$tmp/a.state" "$tmp/b.state"
check $? "restart --dry-run changes nothing"
step "restart" -- rollout restart deployment/web -n default -- \
    restart default web
step "undo --dry-run" -- rollout undo deployment/web -n default \
    --dry-run=server -- undo default web --dry-run
step "undo" -- rollout undo deployment/web -n default -- undo default web
grep -q 'rolled back to revision 2' "$tmp/b.out"
check $? "undo names the revision it went back to"
step "undo --to-revision=1 --dry-run" -- rollout undo deployment/web \
    -n default --to-revision=1 --dry-run=server -- \
    undo default web --to-revision 1 --dry-run
step "undo --to-revision=1" -- rollout undo deployment/web -n default \
    --to-revision=1 -- undo default web --to-revision 1
step "undo to the current revision" -- rollout undo deployment/web \
    -n default --to-revision=5 -- undo default web --to-revision 5
grep -q 'skipped rollback (current template already matches revision 5)' \
    "$tmp/b.out"
check $? "undo to the current template is skipped, as kubectl does"
step "undo --to-revision=42" -- rollout undo deployment/web -n default \
    --to-revision=42 -- undo default web --to-revision 42
grep -q 'unable to find specified revision 42 in history' "$tmp/b.out"
check $? "an unknown revision is refused in kubectl's words"
step "undo without history" -- rollout undo deployment/coredns \
    -n kube-system -- undo kube-system coredns
grep -q 'no rollout history found' "$tmp/b.out"
check $? "undo without history says so"
step "scale --dry-run" -- scale deployment/api -n payments --replicas=5 \
    --dry-run=server -- scale payments api 5 --dry-run
step "scale" -- scale deployment/api -n payments --replicas=5 -- \
    scale payments api 5
step "scale to 0" -- scale deployment/web -n payments --replicas=0 -- \
    scale payments web 0
# A paused deployment: paused on both with kubectl, then refused by both.
kubectl --kubeconfig "$A_KC" rollout pause deployment/web -n default \
    >/dev/null 2>&1
kubectl --kubeconfig "$B_KC" rollout pause deployment/web -n default \
    >/dev/null 2>&1
step "restart a paused deployment" -- rollout restart deployment/web \
    -n default -- restart default web
grep -q 'is paused; resume it first' "$tmp/b.out"
check $? "a paused deployment is not restarted"
step "undo a paused deployment" -- rollout undo deployment/web -n default \
    -- undo default web
kubectl --kubeconfig "$A_KC" rollout resume deployment/web -n default \
    >/dev/null 2>&1
kubectl --kubeconfig "$B_KC" rollout resume deployment/web -n default \
    >/dev/null 2>&1
step "restart after resume" -- rollout restart deployment/web \
    -n default -- restart default web
step "scale a deployment that does not exist" -- scale deployment/nope \
    -n default --replicas=2 -- scale default nope 2
grep -q 'deployments.apps "nope" not found' "$tmp/b.out"
check $? "a missing deployment is named"

# --- errors as sentences -----------------------------------------------------
"$TOOL" --kubeconfig "$B_KC" --context kubeemu-readonly scale payments api 1 \
    >"$tmp/out" 2>&1
grep -q 'forbidden: .*(RBAC): ask for "patch" on "deployments/scale"' \
    "$tmp/out"
check $? "403: names the verb and the resource RBAC denied"
diag "$tmp/out"

sed "s/token: $KUBEEMU_TOKEN/token: not-the-token/" "$B_KC" >"$tmp/bad-token"
"$TOOL" --kubeconfig "$tmp/bad-token" --cache "$tmp/x.db" fetch \
    >"$tmp/out" 2>&1
[ $? -ne 0 ] && grep -q 'unauthorized (401)' "$tmp/out" &&
    ! grep -q not-the-token "$tmp/out"
check $? "401: the credential is refused, and never shown"
diag "$tmp/out"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$tmp/other.key" -out "$tmp/other.crt" -days 1 \
    -subj "/CN=other-ca" >/dev/null 2>&1
sed "s|certificate-authority-data: .*|certificate-authority-data: $(base64 -w0 <"$tmp/other.crt")|" \
    "$B_KC" >"$tmp/bad-ca"
"$TOOL" --kubeconfig "$tmp/bad-ca" --cache "$tmp/x.db" fetch \
    >"$tmp/out" 2>&1
[ $? -ne 0 ] && grep -q 'unknown CA' "$tmp/out" &&
    grep -q 'certificate-authority' "$tmp/out"
check $? "unknown CA: says to check certificate-authority"
diag "$tmp/out"

port=$("$PY" "$top_srcdir/tests/lib/freeport.py")
sed "s|server: .*|server: https://127.0.0.1:$port|" "$B_KC" >"$tmp/refused"
"$TOOL" --kubeconfig "$tmp/refused" --cache "$tmp/x.db" fetch \
    >"$tmp/out" 2>&1
[ $? -ne 0 ] && grep -q 'is the API server running?' "$tmp/out"
check $? "refused: asks whether the API server is running"
diag "$tmp/out"

# --- paging and namespaces ---------------------------------------------------
kubectl --kubeconfig "$B_KC" scale deployment/web -n default --replicas=23 \
    >/dev/null 2>&1
"$PY" "$tmp/kb.py" state "$B_URL" "$B_CA" "$tmp/b.state"
sleep 1
b_skip=$(wc -l <"$B_LOG")
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/paged.db" --page-limit 4 fetch \
    >"$tmp/out" 2>&1
check $? "a round in pages of 4 succeeds"
diag "$tmp/out"
compare_counts "$tmp/paged.db" "$B_KC" \
    "pages of 4: every object is stored once" -A
tail -n +"$((b_skip + 1))" "$B_LOG" >"$tmp/paged.log"
"$PY" "$tmp/kb.py" queries "$tmp/paged.log" "$tmp/paged.q"
pages=$(grep -c '^/api/v1/pods?limit=4&continue=' "$tmp/paged.q")
pods=$(sqlite3 "$tmp/paged.db" "SELECT count(*) FROM kube_pods")
[ "$pages" -ge 5 ] && [ "$pods" -ge 23 ]
check $? "pods came in $((pages + 1)) pages ($pods pods)"

"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/ns.db" --namespace payments \
    --namespace kube-system fetch >"$tmp/out" 2>&1
check $? "a round limited to two namespaces succeeds"
want=$(kubectl --kubeconfig "$B_KC" get pods -n payments -o json |
    "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
want2=$(kubectl --kubeconfig "$B_KC" get pods -n kube-system -o json |
    "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
got=$(sqlite3 "$tmp/ns.db" "SELECT count(*) FROM kube_pods")
other=$(sqlite3 "$tmp/ns.db" "SELECT count(*) FROM kube_pods WHERE namespace NOT IN ('payments', 'kube-system')")
[ "$got" = $((want + want2)) ] && [ "$other" = 0 ]
check $? "namespaces: only their pods ($got = $want + $want2)"
"$PY" "$tmp/kb.py" queries "$B_LOG" "$tmp/all.q"
grep -q '^/apis/apps/v1/namespaces/payments/deployments?limit=500$' \
    "$tmp/all.q"
check $? "namespaces: lists go to the namespaced paths"

# --- lists the server refuses ------------------------------------------------
# A role that allows deployments and pods but not statefulsets (403), and a
# server that does not serve daemonsets (404): the round keeps what it
# could read and says what is not shown and why.
admin() {	# admin ENDPOINT [QUERY]
	curl -sf --cacert "$B_CA" -X POST "$B_URL/_emulator/$1${2:+?$2}" \
	    >/dev/null
}
admin deny 'verb=list&resource=statefulsets'
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/rbac.db" fetch >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^warning: statefulsets not shown: forbidden: statefulsets.apps is forbidden: User "admin" cannot list resource "statefulsets" in API group "apps" at the cluster scope' "$tmp/out"
check $? "403 on statefulsets: the round succeeds, saying what is not shown"
diag "$tmp/out"
got=$(sqlite3 "$tmp/rbac.db" "SELECT (SELECT count(*) FROM kube_deployments)
    || ' ' || (SELECT count(*) FROM kube_statefulsets) || ' ' ||
    (SELECT count(*) FROM kube_pods WHERE owner_kind = 'ReplicaSet')")
warned=$(sqlite3 "$tmp/rbac.db" "SELECT count(*) FROM sources WHERE
    kind = 'kubernetes' AND last_error IS NULL AND
    last_warning LIKE 'statefulsets not shown: forbidden: %'")
[ "${got%% *}" -gt 0 ] && [ "$(echo "$got" | cut -d' ' -f2)" = 0 ] &&
    [ "${got##* }" -gt 0 ] && [ "$warned" = 1 ]
check $? "deployments and pods are stored, statefulsets are not ($got), the warning is the source's"

admin allow
admin deny 'verb=list&resource=statefulsets&namespace=payments'
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/rbac-ns.db" --namespace payments \
    --namespace kube-system fetch >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'statefulsets not shown in namespace payments: forbidden: .*cannot list resource "statefulsets" in API group "apps" in the namespace "payments"' "$tmp/out" &&
    ! grep -q 'in namespace kube-system' "$tmp/out" &&
    [ "$(sqlite3 "$tmp/rbac-ns.db" "SELECT count(*) FROM kube_pods WHERE
    namespace = 'payments'")" -gt 0 ]
check $? "403 in one namespace: that namespace's statefulsets are named, the rest is read"
diag "$tmp/out"

admin allow
admin unserve 'resource=daemonsets'
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/rbac.db" fetch >"$tmp/out" 2>&1
rc=$?
got=$(sqlite3 "$tmp/rbac.db" "SELECT (SELECT count(*) FROM kube_daemonsets)
    || ' ' || (SELECT count(*) FROM kube_statefulsets)")
[ $rc -eq 0 ] && grep -q '^warning: daemonsets not shown: the API server has no daemonsets here (404' "$tmp/out" &&
    [ "$got" = "0 1" ]
check $? "404 on daemonsets: the round succeeds without them ($got)"
diag "$tmp/out"

admin allow
for r in deployments statefulsets daemonsets replicasets pods events nodes \
    namespaces; do
	admin deny "resource=$r"
done
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/rbac.db" fetch >"$tmp/out" 2>&1
rc=$?
got=$(sqlite3 "$tmp/rbac.db" "SELECT count(*) FROM kube_deployments")
[ $rc -ne 0 ] && grep -q 'forbidden' "$tmp/out" && [ "$got" -gt 0 ]
check $? "every list refused: the round fails and the last good rows stay"
diag "$tmp/out"
admin allow

# --- rollouts and a rollback ---------------------------------------------------
# A deployment rolled forward then back with kubectl rollout undo: the
# rollback reuses the first ReplicaSet, and the cache records when each
# revision became current.
roll() {	# roll IMAGE
	cat >"$tmp/roll.json" <<EOF2
{"apiVersion": "apps/v1", "kind": "Deployment",
 "metadata": {"name": "shop", "namespace": "default"},
 "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "shop"}},
  "template": {"metadata": {"labels": {"app": "shop"}},
   "spec": {"containers": [{"name": "shop", "image": "$1"}]}}}}
EOF2
	kubectl --kubeconfig "$B_KC" apply -f "$tmp/roll.json" >/dev/null 2>&1
}
now_ms() {
	"$PY" -c 'import time; print(int(time.time() * 1000))'
}
rollouts() {	# the shop rows: revision replicaset at_ms
	sqlite3 -separator ' ' "$tmp/roll.db" "SELECT revision,
	    coalesce(replicaset, '-'), coalesce(at_ms, '-') FROM kube_rollouts
	    WHERE namespace = 'default' AND kind = 'Deployment' AND
	    name = 'shop' ORDER BY revision"
}
roll shop:1.0
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/roll.db" fetch >"$tmp/out" 2>&1
check $? "a round sees the new deployment"
rs1=$(sqlite3 "$tmp/roll.db" "SELECT name FROM kube_replicasets WHERE
    owner_name = 'shop' AND revision = 1")
t1=$(now_ms)
sleep 1
roll shop:2.0
t2=$(now_ms)
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/roll.db" fetch >"$tmp/out" 2>&1
sleep 1
t3=$(now_ms)
kubectl --kubeconfig "$B_KC" rollout undo deployment/shop -n default \
    >"$tmp/undo.out" 2>&1
undo_rc=$?
sleep 1
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/roll.db" fetch >"$tmp/out" 2>&1
t4=$(now_ms)
"$TOOL" --kubeconfig "$B_KC" --cache "$tmp/roll.db" fetch >"$tmp/out" 2>&1
rollouts >"$tmp/rollouts"
diag "$tmp/undo.out" "$tmp/rollouts"
want=$(kubectl --kubeconfig "$B_KC" get deployment shop -n default \
    -o 'jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}')
# 1: rs1 at its creation; 2: a new set, at its creation (whole
# seconds) between t1 and t2; 3: rs1 again, when a round first saw it.
ok=$(awk -v rs1="$rs1" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v t4="$t4" '
    $1 == 1 && $2 == rs1 && $3 != "-" { a = 1 }
    $1 == 2 && $2 != rs1 && $3 >= t1 - 1000 && $3 <= t2 { b = 1 }
    $1 == 3 && $2 == rs1 && $3 >= t3 && $3 <= t4 { c = 1 }
    END { print (NR == 3 && a && b && c) ? "yes" : "no" }' "$tmp/rollouts")
[ $undo_rc -eq 0 ] && [ "$want" = 3 ] && [ "$ok" = yes ]
check $? "kubectl rollout undo: the rollback to $rs1 is recorded as revision $want when it happened"

tap_done
