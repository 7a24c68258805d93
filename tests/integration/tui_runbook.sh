#!/bin/sh
# tui_runbook.sh: the Runbook panel as a checklist, on the demo.  The
# P0 incident (ErrorBudgetBurn on checkout) and the checkout crash loop
# show their built-in runbooks: text, checks marked from live values (the
# demo has no Prometheus: the SLO's ratio and the pods' restarts come from
# what the simulator stored), the action steps with the alternative, the
# link, and "next (n): undo deployment shop/checkout".  'o' copies the
# alert's runbook_url with OSC 52 (tmux, set-clipboard on, keeps it as a
# buffer) and shows it in the footer.  TAP output; the plan comes last.
# With SITREP_UNDER_VALGRIND=1 the console runs under memcheck.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"
SITREP=$top_builddir/sitrep

tt_available || skip_all "tmux is not installed" tmux
[ -x "$SITREP" ] || skip_all "$SITREP is not built; run make first"
tt_setup || exit 1
trap 'tt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# On a failure: the last screen read.
tap_got() {
	tt_last
}

tt_start -x 140 -y 50 \
    "trap : INT; $(tt_prog "$SITREP") --demo --panel incidents; echo EXITED:\$?; exec sleep 300"
tt_wait_match 'tt_has "3 Incidents" && tt_has "runbook checkout error budget:"' 30
check $? "the P0 incident shows its built-in runbook"
tt_wait_match 'tt_last | grep -qE "✘ checkout 5xx ratio over 5m below 1%: [0-9.e-]+ \(expect < 0.01\)"' 30
check $? "its check is evaluated live: ✘ with the value and the condition"
tt_has "next (n): undo deployment shop/checkout"
check $? "the next action is the undo of shop/checkout"

# The crash loop incident: select it in the incidents panel.
tries=0
while [ $tries -lt 12 ] && ! tt_has "runbook checkout crash loop:"; do
	tt_keys j
	tt_wait "runbook checkout crash loop:" 2
	tries=$((tries + 1))
done
tt_wait "runbook checkout crash loop:" 10
check $? "the crash loop incident shows the crash loop runbook"
tt_wait_match 'tt_last | grep -qE "✘ no restarts among the checkout pods: [1-9][0-9]* \(expect == 0\)"' 30
check $? "the restart check counts the simulator's restarts: ✘ with the sum"
tt_has "- Checkout pods crash since the 1.42.0 rollout"
check $? "a text step"
tt_has "[ ] undo deployment shop/checkout -- back to the image before"
check $? "the undo step, not done yet, with its note"
tt_has "or: restart deployment shop/checkout -- worse;"
check $? "the restart step as a worse alternative"
tt_has "↗ KubePodCrashLooping, the long version: https://runbooks.example.com/"
check $? "a link step"
tt_has "next (n): undo deployment shop/checkout"
check $? "next: the undo"

# o: copy the runbook_url.
$TT_TMUX set -g set-clipboard on >/dev/null 2>&1
tt_keys 4
tt_keys o
tt_wait "copied: https://runbooks.example.com/kubernetes/kubepodcrashlooping" 10
check $? "o: the footer shows the copied link"
buf=$($TT_TMUX show-buffer 2>/dev/null)
check_eq "o: the terminal received it by OSC 52 (tmux's buffer)" \
    "https://runbooks.example.com/kubernetes/kubepodcrashlooping" "$buf"

tt_keys q
tt_wait "EXITED:0" 60
check $? "the console quits cleanly"
if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
