#!/bin/bash
# tui_action.sh: the action dialog in the console, against the Kubernetes
# API emulator.  In a private tmux server:
#
#  - :undo default/web opens the dialog at once (checking...), then the
#    preview: context, cluster, namespace, object, cluster user, the
#    server's verdict and what changes; a stray key does nothing; y rolls
#    back, the result, the way back and the rollout followed to its end;
#    kubectl sees the previous image; one audit row;
#  - Esc on a preview cancels: nothing changes, one "cancelled" row;
#  - in a protected context the banner shows, y does nothing, the typed
#    name and Enter act;
#  - the read-only console refuses and the refusal is in the audit log.
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 the
# console runs under memcheck (tests/lib/tmux.sh).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"

tt_available || skip_all "tmux is not installed" tmux
need_tools sqlite3 kubectl openssl curl python3
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built; run make first"

tt_setup || exit 1
cleanup() {
	tt_cleanup
	kubeemu_stop
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tap_got() {
	tt_last
}

if ! kubeemu_start "$TT_DIR/emu" >"$TT_DIR/emu.start" 2>&1; then
	sed 's/^/# /' "$TT_DIR/emu.start"
	skip_all "the emulator does not start"
fi
KC=$KUBEEMU_KUBECONFIG
K() { kubectl --kubeconfig "$KC" "$@"; }
DB=$TT_DIR/cache.db
sql() {
	sqlite3 -batch "$DB" "$1" 2>/dev/null
}
cat >"$TT_DIR/c.yaml" <<EOC
contexts:
  - name: lab
    refresh: 2s
    kubernetes:
      kubeconfig: "$KC"
      context: kubeemu
  - name: prod
    refresh: 2s
    protected: true
    kubernetes:
      kubeconfig: "$KC"
      context: kubeemu
EOC
image() {
	K get deployment web -n default -o jsonpath='{.spec.template.spec.containers[0].image}'
}
console() {	# CONTEXT [OPTION]
	tt_start -x 120 -y 40 -e USER=oncall \
	    "$(tt_prog "$SITREP") --config '$TT_DIR/c.yaml' --cache '$DB' $2 --context $1; echo EXITED:\$?; exec sleep 300"
	tt_wait "1 Health" 20
}

# --- undo, confirmed ---------------------------------------------------------
console lab
check $? "the console starts on the emulator's cluster"
tt_keys : && tt_type "undo default/web" && tt_keys Enter
tt_wait "roll back deployment default/web" 5
check $? ":undo opens the dialog at once"
tt_wait "server dry run: ok" 10
check $? "the preview arrives with the server's verdict"
tt_has "context" && tt_has "lab" && tt_has "$KUBEEMU_URL" &&
    tt_has "namespace" && tt_has "deployment/web"
check $? "... names context, cluster, namespace and object"
tt_has "image web: nginx:1.25 -> nginx:1.24"
check $? "... and what changes"
tt_has "y: roll back deployment default/web to revision 1 in lab"
check $? "... and the footer says what y does, in which context"
tt_keys x
sleep 0.5
check_eq "a stray key changes nothing" "nginx:1.25" "$(image)"
tt_keys y
tt_wait "rolled back to revision 1" 10
check $? "y: the result"
tt_wait "successfully rolled out" 15
check $? "the rollout is followed to its end"
tt_has "undo to revision 2"
check $? "the way back is shown"
check_eq "kubectl sees the previous image" "nginx:1.24" "$(image)"
check_eq "one audit row: undo ok, confirmed with y" "1|undo|ok|1" \
    "$(sql "SELECT count(*), action, result, detail LIKE '%confirmed with y%' FROM audit")"
tt_keys Escape
tt_wait_gone "successfully rolled out" 5
check $? "Esc closes the dialog"

# --- cancelled --------------------------------------------------------------
tt_keys : && tt_type "scale default/web 6" && tt_keys Enter
tt_wait "replicas: 3 -> 6" 10
check $? ":scale previews the count before and after"
tt_keys Escape
tt_wait "cancelled: scale deployment default/web" 5
check $? "Esc cancels and says nothing was done"
check_eq "... nothing changed" 3 \
    "$(K get deployment web -n default -o jsonpath='{.spec.replicas}')"
check_eq "... one cancelled row" "2|cancelled" \
    "$(sql "SELECT count(*), (SELECT result FROM audit ORDER BY seq DESC LIMIT 1) FROM audit")"

# --- protected ---------------------------------------------------------------
console prod
tt_keys : && tt_type "scale default/web 4" && tt_keys Enter
tt_wait "PROTECTED CONTEXT prod" 10
check $? "a protected context: the banner"
tt_wait "type web and Enter to act in prod" 10
check $? "... and the footer asks for the name"
tt_keys y Enter
sleep 0.5
check_eq "y and Enter do nothing there" 3 \
    "$(K get deployment web -n default -o jsonpath='{.spec.replicas}')"
tt_wait "that is not the name" 5
check $? "... and it says so"
tt_keys BSpace
tt_type "web"
tt_keys Enter
tt_wait "scaled to 4 replicas" 10
check $? "the typed name and Enter act"
check_eq "... kubectl sees 4 replicas" 4 \
    "$(K get deployment web -n default -o jsonpath='{.spec.replicas}')"
tt_keys Escape

# --- read-only -----------------------------------------------------------
console lab --readonly
tt_keys : && tt_type "restart default/web" && tt_keys Enter
tt_wait "read-only: started with --readonly" 5
check $? "read-only: the refusal is said"
# Recorded from the loop once the key is answered.
tries=0
while [ $tries -lt $((25 * TT_SLOW)) ] &&
    [ "$(sql "SELECT action FROM audit ORDER BY seq DESC LIMIT 1")" != restart ]; do
	sleep 0.2
	tries=$((tries + 1))
done
check_eq "... and recorded" "restart|refused" \
    "$(sql "SELECT action, result FROM audit ORDER BY seq DESC LIMIT 1")"
tt_keys q
tt_wait "EXITED:0" 10
check $? "the console quits cleanly"
if tt_valgrind; then
	tt_valgrind_report
fi

tap_done
