#!/bin/bash
# tui_truth.sh: the console never says something false, and keys do what
# they say.  In a private tmux server, on the demo and on a configuration
# of two contexts whose sources are down:
#
#  - an unknown namespace or context is refused with the closest real
#    names, and :context alone lists the contexts;
#  - a panel filtered to nothing says "0 of N ... match", a panel whose
#    source never answered says it is unknown and why, never a bare zero;
#  - :ns filters the SLO panel too;
#  - Backspace on an empty filter closes it visibly, and keys typed on in
#    the same breath go back into the filter instead of running as
#    commands (typing "/x", two Backspaces, "queue" must not quit);
#  - Tab's matches show above the command line, where they can be read;
#  - 'r' says when the refresh is over and what failed.
# TAP output; the plan comes last.

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

# The console with ARGS under a shell that reports how it ended.
console() {
	echo "trap : INT; '$SITREP' $*; echo EXITED:\$?; exec sleep 300"
}

# Keys, then wait for text.
press() {
	tt_press "$@"
}

# --- the demo -----------------------------------------------------------------
tt_start -x 120 -y 40 "$(console --demo)"
tt_wait "CRITICAL" 10
check $? "the demo console starts"

# Layout by need: at 120x40 the focused Health needs a few rows; the
# room it does not need shows the next panels as boxes.
tt_wait_match 'tt_last | grep -q "^┌ ▸ 1 Health" &&
    tt_last | grep -q "^┌ 2 SLO burn" && tt_last | grep -q "^┌ 3 Incidents"' 5
check $? "120x40: Health takes what it needs; SLO burn and Incidents get boxes too"

# A namespace that does not exist is refused, with the closest ones.
tt_type ':ns shpo'
press Enter -- "no namespace 'shpo'"
ok=$?
tt_has "did you mean 'shop'?" && tt_lacks " ns:shpo " || ok=1
check $ok ":ns shpo: refused, 'did you mean shop?'"
tt_type ':ns shop'
press Enter -- " ns:shop "
check $? ":ns shop: accepted, shown in the header"
press 2 -- "2 SLO burn"
tt_wait_match 'tt_last | grep -Eq "2 SLO burn  [0-9]+ of [0-9]+ SLOs" &&
    tt_has checkout-availability && tt_lacks search-latency' 5
check $? ":ns shop filters the SLO panel too (search's SLO is not in shop)"
tt_type ':ns'
press Enter -- "all namespaces"
check $? ":ns alone: all namespaces again"

# Filtered to nothing: the panel says how many it hides.
press 3 -- "3 Incidents"
tt_type '/zzzz'
tt_wait_match 'tt_has "0 of " "incidents match /zzzz"' 5
check $? "a filter that hides every incident: '0 of N incidents match /zzzz'"
press Escape -- "3 Incidents"

# Backspace on an empty filter closes it, visibly.
tt_type '/x'
press BSpace -- "/"
press BSpace -- "filter closed"
check $? "Backspace on an empty filter: 'filter closed'"
sleep 1.5
# In one breath: "/x", two Backspaces, "queue": still running, filtered.
tt_keys / x BSpace BSpace q u e u e
sleep 1
tt_wait_match 'tt_has "/queue" && tt_lacks EXITED' 5
check $? "'/x', two Backspaces, 'queue' filters for queue; it does not quit"
press Escape -- "3 Incidents"

# Tab's matches are shown where they can be read.
tt_type ':'
press Tab -- "matches: context ns silences theme ack unack note history incidents restart undo scale delete-pod q"
check $? "':' Tab: the matches show above the command line"
press Escape -- "3 Incidents"

# 'r' reports when every source has answered.
press r -- "refreshed in " 10
ok=$?
tt_has "answered" || ok=1
check $ok "'r': 'refreshed in ...: ... answered' when the round is over"
tt_keys q
tt_wait "EXITED:0" 5
check $? "q quits"

# --- 80 columns ----------------------------------------------------------------
tt_start -x 80 -y 24 "$(console --demo)"
tt_wait "CRITICAL" 10
tt_wait_match 'tt_last | tail -n 1 | grep -q "quit"' 5
head=$(tt_last | head -n 1)
ok=0
case $head in *…*|*...*) ok=1 ;; esac
case $head in *CRITICAL*[0-9]:[0-9][0-9]:[0-9][0-9]*"data age: "*) ;; *) ok=1 ;; esac
check $ok "80x24: the header fits whole: status, clock, the age of the data ($head)"
foot=$(tt_last | tail -n 1)
ok=0
case $foot in *…*|*...*) ok=1 ;; esac
case $foot in *"? help"*"q quit"*) ;; *) ok=1 ;; esac
check $ok "80x24: the key hints fit whole, help and quit kept ($foot)"
# A detail line longer than the screen wraps; its end is readable.
press 3 Enter -- "┌ Incident "
tt_keys G
sleep 0.5
tt_capture >/dev/null
TT_LAST=$(tt_capture)
ok=0
tt_last | sed '1d;$d' | grep -q '…' && ok=1
tt_last | grep -q '14.4x).' || ok=1
check $ok "80x24: a long detail line wraps instead of being cut ('14.4x).' shown, no ellipsis)"
tt_keys Escape q
tt_wait "EXITED:0" 5
check $? "q quits"

# --- two contexts, every source down -----------------------------------------
cfg=$TT_DIR/config/two.yaml
cat > "$cfg" <<YAML
contexts:
  - name: alpha
    refresh: 2s
    alertmanagers:
      - url: http://127.0.0.1:9/
        timeout: 1s
  - name: beta
    refresh: 2s
    alertmanagers:
      - url: http://127.0.0.1:9/
        timeout: 1s
YAML
tt_start -x 120 -y 40 "$(console --config "$cfg" --cache "$TT_DIR/cache/two.db")"
tt_wait "alpha" 10
press 3 -- "incidents unknown: alertmanager failed: " 15
check $? "Alertmanager down from the start: 'incidents unknown: alertmanager failed: ...'"
tt_type ':context'
press Enter -- "contexts: alpha, beta (now alpha)"
check $? ":context alone lists the contexts and says which is current"
tt_type ':context btea'
press Enter -- "no context named 'btea'; did you mean 'beta'?"
check $? ":context btea: refused, 'did you mean beta?'"
press r -- "refreshed in " 10
ok=$?
tt_has "1 of 1 source failed: alertmanager" || ok=1
check $ok "'r' with Alertmanager down says the refresh failed and why"
tt_keys q
tt_wait "EXITED:0" 5
check $? "q quits"

tap_done
