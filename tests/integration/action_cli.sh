#!/bin/bash
# action_cli.sh: `sitrep action restart|undo|scale|delete-pod` against the
# Kubernetes API emulator, through the one action gate.
#
# Each action real and as a dry run, with the preview (context, cluster,
# namespace, object, cluster user, the server's verdict, what changes and
# the way back) and the cluster changed as kubectl then sees it; the guard
# chain: scale bounds, the rate limit refusing past its count with the
# time of the next, a paused deployment, a missing revision, RBAC naming
# the user for the read-only token, a protected context taking
# --confirm NAME only, --readonly; --wait following the rollout to its
# end; exactly one audit row per run, `audit verify` passing, and a row
# edited by hand named by it.  TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"

SITREP=${SITREP:-$top_builddir/sitrep}
need_tools kubectl openssl curl python3 sqlite3

T=$(mktemp -d "${TMPDIR:-/tmp}/action_cli.XXXXXX") || exit 1
cleanup() {
	kubeemu_stop
	rm -rf "$T"
}
trap cleanup EXIT

if ! kubeemu_start "$T/emu" >"$T/start" 2>&1; then
	sed 's/^/# /' "$T/start"
	skip_all "the emulator does not start"
fi
KC=$KUBEEMU_KUBECONFIG
K() { kubectl --kubeconfig "$KC" "$@"; }
DB=$T/cache.db
cat >"$T/c.yaml" <<EOC
contexts:
  - name: lab
    kubernetes:
      kubeconfig: "$KC"
      context: kubeemu
  - name: prod
    protected: true
    kubernetes:
      kubeconfig: "$KC"
      context: kubeemu
  - name: viewer
    kubernetes:
      kubeconfig: "$KC"
      context: kubeemu-readonly
actions:
  rate_limits:
    restart: 2/5m
  scale_max: 8
EOC
run() {	# CONTEXT ARGS...: $rc, $T/out, $T/err
	local ctx=$1
	shift
	HOME=$T USER=alice "$SITREP" --config "$T/c.yaml" --cache "$DB" \
	    --context "$ctx" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
rows() { sqlite3 "$DB" "SELECT count(*) FROM audit"; }
last() { sqlite3 "$DB" "SELECT $1 FROM audit ORDER BY seq DESC LIMIT 1"; }
has() {	# DESC FILE TEXT
	grep -qF -- "$3" "$2"
	check $? "$1" "$3" "$(cat "$2")"
}
image() {
	K get deployment web -n default -o jsonpath='{.spec.template.spec.containers[0].image}'
}

# ---- undo ----------------------------------------------------------------
check_eq "web runs revision 2 (nginx:1.25)" "nginx:1.25" "$(image)"
run lab action undo default/web --dry-run
check_eq "undo --dry-run exits 0" 0 "$rc"
has "the preview names the action and the revision" "$T/out" \
    "action:    roll back deployment default/web to revision 1"
has "... the context" "$T/out" "context:   lab"
has "... the cluster" "$T/out" "cluster:   $KUBEEMU_URL"
has "... the cluster user" "$T/out" "as:        admin"
has "... the server's verdict" "$T/out" "check:     server dry run: ok"
has "... what changes" "$T/out" \
    "change:    image web: nginx:1.25 -> nginx:1.24"
check_eq "a dry run changes nothing" "nginx:1.25" "$(image)"
check_eq "one audit row, a dry run" "1 dry-run 1" \
    "$(rows) $(last result) $(last dry_run)"

run lab action undo default/web
check_eq "undo exits 0" 0 "$rc"
has "it says what was done" "$T/out" "rolled back to revision 1"
has "... and the way back" "$T/out" "to revert: undo to revision 2"
check_eq "kubectl sees the previous image" "nginx:1.24" "$(image)"
check_eq "one more audit row: undo ok, as alice, with the confirmation" \
    "2 undo ok deployment default/web" \
    "$(rows) $(last action) $(last result) $(last target)"
has "the row names the cluster user and the dry run" <(last detail) \
    "kubernetes user admin; server dry run: ok"

run lab action undo default/web --to-revision 9
check_eq "a missing revision: exit 1" 1 "$rc"
has "... said in kubectl's words" "$T/err" "unable to find specified revision 9"
check_eq "... one row, invalid" "3 invalid" "$(rows) $(last result)"

# ---- scale, followed -------------------------------------------------------
run lab action scale default/web --replicas 5 --wait
check_eq "scale --wait exits 0" 0 "$rc"
has "the change before and after" "$T/out" "change:    replicas: 3 -> 5"
has "the way back" "$T/out" "to revert: scale to 3"
has "the rollout followed to its end" "$T/out" \
    'deployment "web" successfully rolled out'
check_eq "kubectl sees 5 replicas" 5 \
    "$(K get deployment web -n default -o jsonpath='{.spec.replicas}')"
run lab action scale default/web --replicas 20
check_eq "scale above actions.scale_max: exit 1" 1 "$rc"
has "... says the bounds" "$T/err" "allows 0 to 8"
run lab action scale default/web
check_eq "scale without --replicas is a usage error" 2 "$rc"

# ---- restart: rate limit, paused -----------------------------------------
run lab action restart default/web
check_eq "restart 1 exits 0" 0 "$rc"
run lab action restart default/web
check_eq "restart 2 exits 0" 0 "$rc"
before=$(rows)
run lab action restart default/web
check_eq "restart 3 in 5 minutes (limit 2/5m): exit 1" 1 "$rc"
has "... says the limit and when the next is allowed" "$T/err" \
    "rate limit: restart of deployment default/web done 2 times in the last 5m"
has "... with the time" "$T/err" "the next is allowed at"
check_eq "... one row, refused" "$((before + 1)) refused" \
    "$(rows) $(last result)"
K rollout pause deployment/coredns -n kube-system >/dev/null 2>&1
run lab action restart kube-system/coredns
check_eq "restart of a paused deployment: exit 1" 1 "$rc"
has "... says to resume it" "$T/err" "is paused; resume it first"

# ---- delete a pod ----------------------------------------------------------
pod=$(K get pods -n payments -o jsonpath='{.items[0].metadata.name}')
run lab action delete-pod "payments/$pod"
check_eq "delete-pod exits 0" 0 "$rc"
K get pod "$pod" -n payments >/dev/null 2>&1
check $(( $? == 0 )) "kubectl no longer finds the pod"

# ---- RBAC --------------------------------------------------------------------
run viewer action restart default/web
check_eq "the read-only token: exit 1" 1 "$rc"
has "RBAC names the user, verb, resource and namespace" "$T/err" \
    "readonly"
has "... the verb and resource" "$T/err" "patch deployments"
check_eq "... one row, refused" "refused" "$(last result)"

# ---- protected -------------------------------------------------------------
before=$(rows)
run prod action scale default/web --replicas 4
check_eq "protected, no --confirm: exit 1" 1 "$rc"
has "... the banner" "$T/out" "PROTECTED CONTEXT"
has "... says what to add" "$T/err" "add --confirm web"
check_eq "... nothing changed" 5 \
    "$(K get deployment web -n default -o jsonpath='{.spec.replicas}')"
run prod action scale default/web --replicas 4 --confirm we
check_eq "protected, --confirm with a part of the name: exit 1" 1 "$rc"
run prod action scale default/web --replicas 4 --confirm web
check_eq "protected, --confirm web: exit 0" 0 "$rc"
check_eq "... scaled" 4 \
    "$(K get deployment web -n default -o jsonpath='{.spec.replicas}')"
check_eq "three runs, three rows (cancelled, cancelled, ok)" \
    "$((before + 3)) ok" "$(rows) $(last result)"
has "the row says how it was confirmed" <(last detail) \
    "confirmed by typing web (protected context)"

# ---- read-only ------------------------------------------------------------
before=$(rows)
run lab --readonly action restart default/web
check_eq "--readonly: exit 1" 1 "$rc"
has "... says why" "$T/err" "read-only: started with --readonly"
check_eq "... one row, refused" "$((before + 1)) refused" \
    "$(rows) $(last result)"

# ---- the log is evidence -----------------------------------------------------
run lab audit verify
check_eq "audit verify passes" 0 "$rc"
sqlite3 "$DB" "DROP TRIGGER audit_no_update;
  UPDATE audit SET detail = 'nothing happened' WHERE seq = 2"
run lab audit verify
check_eq "a row edited by hand: audit verify exits 1" 1 "$rc"
grep -q "2" "$T/err" "$T/out"
has "... and names the row" <(cat "$T/out" "$T/err") "row 2"

tap_done
