#!/bin/bash
# tui_rollouts.sh: a service's rollouts on its detail page, on the demo.
# In a private tmux server:
#
#  - Enter on checkout in 1 Health opens its page: the deployment's
#    replicas and conditions, its revisions newest first with the bad
#    image 1.42.0 current and 1.41.3 before it, what a rollback changes
#    (the image, one line), the U line naming the revision, then the
#    service's open incidents and its SLOs with their burn;
#  - U on the page opens the action dialog for that rollback (the demo's
#    world may refuse it: the dialog opened with its title is what is
#    checked here); Esc goes back to the page, Esc again to the panel;
#  - U on the page of a service with no deployment says so.
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 the
# console runs under memcheck (tests/lib/tmux.sh).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built; run make first"

tt_setup || exit 1
trap 'tt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# On a failure: the last screen read.
tap_got() {
	tt_last
}

IMG=registry.example.com/shop/checkout

tt_start -x 160 -y 60 -e USER=oncall \
    "trap : INT; $(tt_prog "$SITREP") --demo; echo EXITED:\$?; exec sleep 300"
tt_wait_match 'tt_has "1 Health" && tt_last | grep -qE "CRITICAL +checkout "' 20
check $? "the demo console starts with checkout on the health panel"

# --- the page ------------------------------------------------------------------
# checkout is the worst service, first and selected.
tt_keys Enter
tt_wait "Service checkout" 10
check $? "Enter opens checkout's page"
tt_wait "revisions (newest first):" 10
check $? "the page has a rollouts section"
tt_last | grep -qE "^│ +\* 15 .* $IMG:1\.42\.0 .*current"
check $? "revision 15, the bad image 1.42.0, is current"
tt_last | grep -qE "^│ +14 .* $IMG:1\.41\.3 "
check $? "revision 14, image 1.41.3, is listed under it"
tt_last | grep -qE "^│ +13 .* $IMG:1\.41\.2 "
check $? "revision 13, older still, is listed too"
tt_has "revision 15 -> 14 changes:" \
    "image checkout: $IMG:1.42.0 -> $IMG:1.41.3"
check $? "what a rollback changes: the image, as one line"
tt_has "U: roll back to revision 14 (image checkout: $IMG:1.42.0 -> $IMG:1.41.3)"
check $? "the page says what U does"
tt_last | grep -qE "rollout: [0-9]/3 ready, 3 updated, [0-9] available"
check $? "the deployment's ready, updated and available replicas"
tt_has "Progressing True: ReplicaSetUpdated" "Available False: MinimumReplicasUnavailable"
check $? "the Progressing and Available conditions with their reasons"
tt_keys G
tt_wait "SLOs" 5
check $? "G: the end of the page, with the SLOs"
tt_last | grep -qE "checkout-availability: burn [0-9.]+x over 1h, [0-9.]+x over 5m; budget left [0-9.]+% \(page\)"
check $? "the availability SLO: its 1h and 5m burn, the budget left, paging"
tt_last | grep -qE "checkout-latency: burn .* over 1h"
check $? "the latency SLO too"
tt_last | grep -A8 "^│ Incidents" | grep -qE "P0 [0-9a-f]+ triggered, [0-9]+m: ErrorBudgetBurn"
check $? "the service's open incidents, worst first"

# --- U: the rollback's action dialog --------------------------------------------
tt_keys U
tt_wait "roll back deployment shop/checkout to revision 14" 10
check $? "U on the page opens the action dialog for revision 14"
tt_has "object      deployment/checkout" "namespace   shop"
check $? "the dialog names the deployment and its namespace"
tt_keys Escape
tt_wait "Service checkout" 5
check $? "Esc closes the dialog, back on the page"
tt_keys Escape
tt_wait_match 'tt_has "1 Health" && tt_lacks "Service checkout"' 5
check $? "Esc again closes the page"

# --- a service with no deployment -----------------------------------------------
tt_keys / l e d g e r Enter
tt_wait_match 'tt_last | grep -qE "[A-Z]+ +ledger "' 5
check $? "the filter leaves ledger (a StatefulSet)"
tt_keys Enter
tt_wait "Service ledger" 5
check $? "Enter opens ledger's page"
tt_lacks "U: roll back"
check $? "its page offers no rollback"
tt_keys U
tt_wait "service ledger has no deployment to undo" 5
check $? "U there says the service has no deployment"

tt_keys Escape q
tt_wait "EXITED:0" 10
check $? "q quits"

if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
