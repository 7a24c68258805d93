#!/bin/bash
# kube_watch.sh: sitrep's Kubernetes source lists once, then watches, side
# by side with kubectl against the API emulator.
#
# The emulator's watch is checked against the real kubectl first: while a
# scripted sequence of creates, label changes, a scale and deletes runs,
# `kubectl get pods --watch --output-watch-events -o json` must see the
# same events (type, name, resourceVersion) as a plain watch request from
# the same resourceVersion.  Meanwhile `sitrep fetch` polls the emulator
# every second: its rows must end as `kubectl get -o json` lists them, it
# lists each resource once (later rounds send no list), and the list bytes
# the emulator counts do not grow while nothing changes.  Then the
# emulator compacts its history: sitrep's watches get ERROR 410 Expired,
# list again, and a later change still reaches the cache.  TAP output;
# the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"

PY=${KUBEEMU_PYTHON:-/usr/bin/python3}
SITREP=$top_builddir/sitrep
need_tools kubectl openssl sqlite3 curl "$PY"
if [ ! -x "$SITREP" ]; then
	skip_all "$SITREP is not built"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kube_watch.XXXXXX") || exit 1
FETCH_PID= KW_PID= RAW_PID=
cleanup() {
	for p in $FETCH_PID $KW_PID $RAW_PID; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	kubeemu_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

# Print the lines of a file as TAP diagnostics.
diag() {
	sed 's/^/# /' "$@"
}

cat >"$tmp/kw.py" <<'EOF'
"""Helpers for kube_watch.sh."""
import json
import sys


def stream(path):
    """The JSON values written one after another in a file."""
    text = open(path, encoding="utf-8").read()
    dec = json.JSONDecoder()
    i, out = 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        try:
            v, i = dec.raw_decode(text, i)
        except ValueError:
            return out      # a watch cut off mid-object
        out.append(v)


def events(path, after):
    """type name resourceVersion of the events above version after."""
    for e in stream(path):
        m = e.get("object", {}).get("metadata", {})
        rv = int(m.get("resourceVersion") or 0)
        if rv > after and e.get("type") in ("ADDED", "MODIFIED", "DELETED"):
            print(e["type"], m.get("name"), rv)


def listed(path, kind):
    """The keys and watched fields of a kubectl list, sorted."""
    items = json.load(open(path, encoding="utf-8"))["items"]
    rows = []
    for o in items:
        m = o["metadata"]
        if kind == "events":
            rows.append(m.get("uid", ""))
        elif kind in ("nodes", "namespaces"):
            rows.append(m["name"])
        elif kind == "pods":
            rows.append("%s/%s %s" % (m["namespace"], m["name"],
                                      json.dumps(m.get("labels") or {},
                                                 sort_keys=True)))
        elif kind == "deployments":
            rows.append("%s/%s %s" % (m["namespace"], m["name"],
                                      o["spec"].get("replicas", 1)))
        else:
            rows.append("%s/%s" % (m["namespace"], m["name"]))
    for r in sorted(rows):
        print(r)


def labels(text):
    """Each line's JSON labels (after the first space) with sorted keys."""
    for line in text.splitlines():
        key, _, lab = line.partition(" ")
        print(key, json.dumps(json.loads(lab or "{}"), sort_keys=True))


def lists(path):
    """How many lists (not watches) of each resource sitrep asked for."""
    n = {}
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        if r["method"] != "GET" or "watch=" in r["query"] or \
                "limit=" not in r["query"] or \
                not r["userAgent"].startswith("sitrep/"):
            continue
        res = r["path"].rsplit("/", 1)[-1]
        n[res] = n.get(res, 0) + 1
    for k in sorted(n):
        print(k, n[k])


def rv(url_json):
    """The resourceVersion of /_emulator/state."""
    print(json.load(open(url_json, encoding="utf-8"))["resourceVersion"])


def byte_counts(path, verb):
    """The bytes sent for verb (list or watch), per resource."""
    b = json.load(open(path, encoding="utf-8"))["bytes"]
    for k in sorted(b):
        if k.startswith(verb + " "):
            print(k, b[k])


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "events":
        events(sys.argv[2], int(sys.argv[3]))
    elif cmd == "listed":
        listed(sys.argv[2], sys.argv[3])
    elif cmd == "labels":
        labels(sys.stdin.read())
    elif cmd == "lists":
        lists(sys.argv[2])
    elif cmd == "rv":
        rv(sys.argv[2])
    elif cmd == "bytes":
        byte_counts(sys.argv[2], sys.argv[3])
EOF

if ! kubeemu_start "$tmp/emu" >"$tmp/emu.start" 2>&1; then
	diag "$tmp/emu.start"
	skip_all "the Kubernetes API emulator does not start"
fi
KC=$KUBEEMU_KUBECONFIG

emu() {	# emu METHOD ENDPOINT: an admin request, its answer on stdout
	curl -sf --cacert "$KUBEEMU_CA" -X "$1" "$KUBEEMU_URL/_emulator/$2"
}

# Wait up to 30 s for a command to succeed.
wait_for() {
	local i
	for i in $(seq 60); do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}

# --- sitrep fetch, every second ----------------------------------------------
cat >"$tmp/sitrep.yaml" <<EOF
contexts:
  - name: default
    refresh: 1s
    kubernetes:
      kubeconfig: $KC
EOF
"$SITREP" --config "$tmp/sitrep.yaml" --cache "$tmp/c.db" fetch \
    >"$tmp/fetch.out" 2>&1 &
FETCH_PID=$!

stored() {	# a round of the kube source is in the cache
	[ "$(sqlite3 "$tmp/c.db" "SELECT count(*) FROM sources WHERE
	    kind = 'kubernetes' AND last_error IS NULL AND
	    last_success_ms IS NOT NULL" 2>/dev/null)" = 1 ]
}
wait_for stored
check $? "sitrep's first round of the emulator is stored"

# --- the emulator's watch against kubectl --watch -----------------------------
emu GET state >"$tmp/state.json"
start=$("$PY" "$tmp/kw.py" rv "$tmp/state.json")
kubectl --kubeconfig "$KC" get pods -n default --watch \
    --output-watch-events -o json >"$tmp/kubectl.watch" 2>"$tmp/kubectl.err" &
KW_PID=$!
curl -sN --cacert "$KUBEEMU_CA" -H "Authorization: Bearer $KUBEEMU_TOKEN" \
    "$KUBEEMU_URL/api/v1/namespaces/default/pods?watch=true&resourceVersion=$start" \
    >"$tmp/raw.watch" 2>/dev/null &
RAW_PID=$!
# Both have connected once the emulator has sent each some watch bytes.
connected() {
	emu GET bytes >"$tmp/b.json" &&
	    [ "$(grep -o '"watch pods": *[0-9]*' "$tmp/b.json" | wc -l)" -ge 1 ] &&
	    grep -q '^{' "$tmp/kubectl.watch" 2>/dev/null
}
wait_for connected
sleep 1

pod() {	# pod NAME: a bare pod in default
	cat <<EOF2 | kubectl --kubeconfig "$KC" apply -f - >/dev/null 2>&1
{"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "$1", "namespace": "default", "labels": {"app": "w"}},
 "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}
EOF2
}
pod watch-a
pod watch-b
kubectl --kubeconfig "$KC" label pod watch-a -n default tier=x >/dev/null 2>&1
kubectl --kubeconfig "$KC" scale deployment/web -n default --replicas=4 \
    >/dev/null 2>&1
kubectl --kubeconfig "$KC" delete pod watch-b -n default --wait=false \
    >/dev/null 2>&1
kubectl --kubeconfig "$KC" label pod watch-a -n default tier- >/dev/null 2>&1

# --- sitrep's rows against kubectl's lists ------------------------------------
same_rows() {	# every kind as kubectl lists it
	local kind bad=0
	for kind in deployments statefulsets daemonsets replicasets pods \
	    events nodes namespaces; do
		case $kind in
		nodes|namespaces) kubectl --kubeconfig "$KC" get "$kind" \
		    -o json >"$tmp/k.json" 2>/dev/null ;;
		*) kubectl --kubeconfig "$KC" get "$kind" -A -o json \
		    >"$tmp/k.json" 2>/dev/null ;;
		esac
		"$PY" "$tmp/kw.py" listed "$tmp/k.json" "$kind" >"$tmp/want.$kind"
		case $kind in
		events) sqlite3 "$tmp/c.db" "SELECT uid FROM kube_events
		    ORDER BY 1" ;;
		nodes|namespaces) sqlite3 "$tmp/c.db" "SELECT name FROM
		    kube_$kind ORDER BY 1" ;;
		pods) sqlite3 "$tmp/c.db" "SELECT namespace || '/' || name ||
		    ' ' || coalesce(labels, '{}') FROM kube_pods" |
		    "$PY" "$tmp/kw.py" labels ;;
		deployments) sqlite3 "$tmp/c.db" "SELECT namespace || '/' ||
		    name || ' ' || replicas FROM kube_deployments" ;;
		*) sqlite3 "$tmp/c.db" "SELECT namespace || '/' || name FROM
		    kube_$kind" ;;
		esac | LC_ALL=C sort >"$tmp/got.$kind"
		LC_ALL=C sort -o "$tmp/want.$kind" "$tmp/want.$kind"
		cmp -s "$tmp/want.$kind" "$tmp/got.$kind" || bad=1
	done
	return $bad
}
emu POST sync >/dev/null
wait_for same_rows
check $? "sitrep's watched rows end as kubectl lists every kind"
for kind in pods deployments replicasets; do
	if ! cmp -s "$tmp/want.$kind" "$tmp/got.$kind"; then
		echo "# $kind: kubectl (<) and sitrep (>)"
		diff "$tmp/want.$kind" "$tmp/got.$kind" | diag
	fi
done
grep -q '^default/watch-a {"app": "w"}$' "$tmp/got.pods" &&
    ! grep -q '^default/watch-b ' "$tmp/got.pods" &&
    grep -q '^default/web 4$' "$tmp/got.deployments"
check $? "the label added then removed, the deleted pod and the scale are all seen"

kill "$KW_PID" "$RAW_PID" 2>/dev/null
wait "$KW_PID" "$RAW_PID" 2>/dev/null
KW_PID= RAW_PID=
"$PY" "$tmp/kw.py" events "$tmp/kubectl.watch" "$start" >"$tmp/kubectl.ev"
"$PY" "$tmp/kw.py" events "$tmp/raw.watch" "$start" >"$tmp/raw.ev"
[ -s "$tmp/raw.ev" ] && cmp -s "$tmp/kubectl.ev" "$tmp/raw.ev" &&
    grep -q '^DELETED watch-b ' "$tmp/raw.ev" &&
    [ "$(grep -c '^MODIFIED watch-a ' "$tmp/raw.ev")" -ge 2 ]
check $? "kubectl get --watch sees the events the emulator sends ($(wc -l <"$tmp/raw.ev") events)"
if ! cmp -s "$tmp/kubectl.ev" "$tmp/raw.ev"; then
	diff "$tmp/kubectl.ev" "$tmp/raw.ev" | diag
	diag "$tmp/kubectl.err"
fi

# --- list once, then only watches ----------------------------------------------
"$PY" "$tmp/kw.py" lists "$KUBEEMU_LOG" >"$tmp/lists"
[ "$(wc -l <"$tmp/lists")" = 8 ] && ! grep -qv ' 1$' "$tmp/lists"
check $? "each of the eight resources was listed once, over many rounds"
diag "$tmp/lists"
rounds=$(grep -c '^kubernetes' "$tmp/fetch.out")
emu GET bytes >"$tmp/b1.json"
sleep 4
emu GET bytes >"$tmp/b2.json"
"$PY" "$tmp/kw.py" bytes "$tmp/b1.json" list >"$tmp/l1"
"$PY" "$tmp/kw.py" bytes "$tmp/b2.json" list >"$tmp/l2"
rounds2=$(grep -c '^kubernetes' "$tmp/fetch.out")
[ -s "$tmp/l1" ] && cmp -s "$tmp/l1" "$tmp/l2" && [ "$rounds2" -gt "$rounds" ]
check $? "rounds go on ($rounds, then $rounds2) without list bytes while nothing changes"
"$PY" "$tmp/kw.py" bytes "$tmp/b2.json" watch | diag

# --- 410 Expired: list again --------------------------------------------------
emu POST compact >/dev/null
relisted() {
	"$PY" "$tmp/kw.py" lists "$KUBEEMU_LOG" | grep -q '^pods 2$'
}
wait_for relisted
check $? "after a compaction the watches' ERROR 410 lists again"
"$PY" "$tmp/kw.py" lists "$KUBEEMU_LOG" | diag
kubectl --kubeconfig "$KC" label pod watch-a -n default after=compact \
    >/dev/null 2>&1
seen_after() {
	sqlite3 "$tmp/c.db" "SELECT labels FROM kube_pods WHERE
	    name = 'watch-a'" | grep -q '"after":"compact"'
}
wait_for seen_after
check $? "a change after the relist reaches the cache"
wait_for same_rows
check $? "and the rows still equal kubectl's lists"

kill "$FETCH_PID" 2>/dev/null
wait "$FETCH_PID" 2>/dev/null
FETCH_PID=

# --- a label selector goes to the API server ------------------------------------
cat >"$tmp/sel.yaml" <<EOF
contexts:
  - name: default
    kubernetes:
      kubeconfig: $KC
      label_selector: app=w
EOF
skip_log=$(wc -l <"$KUBEEMU_LOG")
"$SITREP" --config "$tmp/sel.yaml" --cache "$tmp/sel.db" fetch --once \
    >"$tmp/sel.out" 2>&1
rc=$?
tail -n +"$((skip_log + 1))" "$KUBEEMU_LOG" >"$tmp/sel.log"
want=$(kubectl --kubeconfig "$KC" get pods -A -l app=w -o name | wc -l)
got=$(sqlite3 "$tmp/sel.db" "SELECT count(*) FROM kube_pods")
all=$(kubectl --kubeconfig "$KC" get pods -A -o name | wc -l)
events=$(sqlite3 "$tmp/sel.db" "SELECT count(*) FROM kube_events")
[ $rc -eq 0 ] && [ "$got" = "$want" ] && [ "$want" -lt "$all" ] &&
    [ "$events" -gt 0 ] &&
    grep '"path": "/api/v1/pods"' "$tmp/sel.log" |
    grep -qi '"query": "limit=500&labelSelector=app%3Dw"' &&
    grep '"path": "/apis/apps/v1/deployments"' "$tmp/sel.log" |
    grep -qi 'labelSelector=app%3Dw' &&
    ! grep '"path": "/api/v1/events"' "$tmp/sel.log" | grep -q labelSelector
check $? "label_selector: the pods list asks for app=w ($got of $all pods), events are read whole"
diag "$tmp/sel.out"
tap_done
