#!/bin/bash
# tui_oncall.sh: who is on call, on the console.  --demo takes no
# configuration, so the demo's world is fetched into a cache first and
# the console then reads that cache through a configuration of its own: a
# context of the same name with no source to poll (so the header's
# sources part stays "5 sources ok") and an oncall: section.  In a private tmux server, with TZ=UTC:
#
#  - the header says "on call: alice until Mon 09:00" (a weekly rotation
#    handing over on Mondays at 09:00), after the clock;
#  - narrower, it steps down to the name alone, then gives way whole,
#    never cut, while the context and status stay;
#  - the runbook panel, for the unacknowledged P0 incident, says whom its
#    escalation level reaches (with the contact, control characters in
#    it made harmless) and who is next, when;
#  - without oncall: the header and the runbook say nothing of it.
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

# The header: the first line of the screen.
header() {
	tt_last | head -n 1
}

# Whether the header has no on-call part, or a whole one, never a cut.
whole() {
	header | sed -e 's/on call: alice until Mon 09:00  //' \
	    -e 's/on call: alice  //' | grep -qv "on c\|until Mon"
}

DB=$TT_DIR/cache/oncall.db
TZ=UTC "$SITREP" --demo --cache "$DB" fetch --once >/dev/null 2>&1
check $? "the demo's world is fetched into a cache"

# Every escalation level of the built-in P0 policy reaches someone, so
# whatever level the demo's P0 incident has reached, it is named.  bob's
# contact carries an escape sequence and a bell.
cfg=$TT_DIR/config/oncall.yaml
cat > "$cfg" <<'YAML'
contexts:
  - name: demo
    refresh: 1h
oncall:
  people:
    - name: alice
      contact: "+1 555 0100, @alice"
    - name: bob
      contact: "@bob \e[31mred\a"
    - {name: carol, contact: "@carol"}
  rotation:
    start: "2026-01-05 09:00"
    period: 1w
    order: [alice]
  levels:
    on-call engineer: rotation
    senior engineer: carol
    engineering manager: bob
    executive: carol
YAML
plain=$TT_DIR/config/plain.yaml
sed '/^oncall:/,$d' "$cfg" > "$plain"

console() {	# CONFIG
	echo "trap : INT; $(tt_prog "$SITREP") --config '$1' --cache '$DB' --panel incidents; echo EXITED:\$?; exec sleep 300"
}

tt_start -x 160 -y 45 -e TZ=UTC "$(console "$cfg")"
tt_wait_match 'tt_has "3 Incidents" && tt_last | grep -qE "P0 .*triggered"' 20
check $? "the console starts on the cached incidents"

tt_wait_match 'header | grep -q " demo .*CRITICAL.* on call: alice until Mon 09:00 "' 10
ok=$?
whole || ok=1
check $ok "160 columns: the header says who is on call and until when"

# The P0 incident is selected (worst first): its level reaches someone.
reach='level 2 \(on-call engineer\) reaches alice: \+1 555 0100, @alice'
reach="$reach|level 3 \(senior engineer\) reaches carol: @carol"
reach="$reach|level 4 \(engineering manager\) reaches bob: @bob \^\[\[31mred\^G"
reach="$reach|level 5 \(executive\) reaches carol: @carol"
tt_wait_match 'tt_last | grep -qE "escalation: level [2-5] of 5" &&
    tt_last | grep -qE "$reach"' 10
check $? "the runbook panel says whom the P0 incident's level reaches, and how"
next='next: senior engineer, carol \(@carol\), in [0-9]'
next="$next|next: engineering manager, bob \(@bob \^\[\[31mred\^G\), in [0-9]"
next="$next|next: executive, carol \(@carol\), in [0-9]"
tt_last | grep -qE "$next" || tt_last | grep -qE "escalation: level 5 of 5"
check $? "... and who is next, when (unless it is at the last level)"
printf '%s' "$($TT_TMUX capture-pane -p -e -t "$TT_SESSION")" |
    grep -q "$(printf '\033')\[31mred"
[ $? -ne 0 ]
check $? "a contact's escape sequence never reaches the terminal"

# Narrower: the name alone, then nothing; never a cut line.  The header
# is " sitrep  demo  X CRITICAL  HH:MM:SS " (36 columns), the on-call
# part 32 or 16, the sources' shortest form about 25.
tt_resize 90 30
tt_wait_match 'header | grep -q " demo .*CRITICAL.* on call: alice  data" &&
    ! header | grep -q "until Mon"' 5
ok=$?
whole || ok=1
check $ok "90 columns: the header keeps only the name of who is on call"
tt_resize 80 24
tt_wait_match 'header | grep -q " demo .*CRITICAL.* on call: alice  data"' 5
check $? "80 columns: the name still fits"
# :ns takes 9 more columns of the header: no room for who is on call.
tt_type ':ns shop'
tt_press Enter -- " ns:shop "
tt_wait_match 'header | grep -q " demo .*CRITICAL.* ns:shop .*data" &&
    ! header | grep -q "on c"' 5
ok=$?
whole || ok=1
check $ok "80 columns and a namespace: who is on call gives way whole; context and status stay"

# Without oncall: nothing of it anywhere.
tt_start -x 160 -y 45 -e TZ=UTC "$(console "$plain")"
tt_wait_match 'tt_has "3 Incidents" && tt_last | grep -qE "escalation: level [2-5] of 5"' 20
check $? "without oncall: the console starts as before"
tt_lacks "on call" && tt_lacks "reaches " && tt_lacks "next: "
check $? "without oncall: no on-call line, no reach lines"

if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
