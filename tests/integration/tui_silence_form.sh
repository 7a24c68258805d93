#!/bin/bash
# tui_silence_form.sh: silences made and expired by hand from the console,
# on the demo.  In a private tmux server:
#
#  - 's' on the incidents panel opens the silence form of the selected
#    incident, prefilled: the labels its alerts share as matchers, 2h,
#    the operator as author, the comment left to write (required);
#  - keys typed into the form stay in it ('q' types q, it does not quit);
#  - Enter on the last field shows the preview: as many firing alerts as
#    the incident has, by name; y creates the silence through the gate and
#    the footer says so; within a few rounds it is in the cache (by the
#    operator, with the comment, for 2h) and ':silences' lists it;
#  - in ':silences', x asks, naming the silence; n keeps it; x then y
#    expires it, the cache shows it expired and the list drops it;
#  - Esc on a form writes nothing; a matcher that does not parse is said
#    under its field and keeps the preview shut;
#  - a silence that holds nothing says so and needs y twice (another key
#    goes back to the form); one Alertmanager refuses (no matcher that
#    excludes the empty string) shows the refusal as it came;
#  - the console quits cleanly with the list and a question open;
#  - every write left its audit row, and the chain verifies.
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 the
# console runs under memcheck (tests/lib/tmux.sh).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
need_tools sqlite3
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

DB=$TT_DIR/cache/sitrep/demo.db
sql() {
	sqlite3 -batch "$DB" "$1" 2>/dev/null
}

# Poll the cache until query $1 prints something (up to 30 s); print it.
sql_wait() {
	_sw_n=0
	_sw_row=
	while [ $_sw_n -lt $((300 * TT_SLOW)) ]; do
		_sw_row=$(sql "$1")
		[ -n "$_sw_row" ] && break
		sleep 0.1
		_sw_n=$((_sw_n + 1))
	done
	printf '%s\n' "$_sw_row"
}

COMMENT='quiet: rollback of checkout in progress'

tt_start -x 140 -y 45 -e USER=oncall \
    "trap : INT; $(tt_prog "$SITREP") --demo --panel incidents; echo EXITED:\$?; exec sleep 300"
tt_wait_match 'tt_has "3 Incidents" && tt_last | grep -qE "P[0-3] .*triggered"' 20
check $? "the demo console starts on the incidents panel"

# --- s: the form, prefilled ----------------------------------------------------
tt_keys s
tt_wait "Silence incident " 10
check $? "s opens the silence form of the selected incident"
id=$(tt_last | grep -oE 'Silence incident [0-9a-f]{8}' | head -n 1 |
    sed 's/.* //')
name=$(sql "SELECT alertname FROM incident_alerts WHERE incident_id = '$id'
    AND resolved_ms IS NULL LIMIT 1")
nfiring=$(sql "SELECT count(*) FROM incident_alerts WHERE incident_id =
    '$id' AND resolved_ms IS NULL")
[ -n "$id" ] && [ -n "$name" ] && [ "${nfiring:-0}" -gt 0 ]
check $? "the form names the incident ($id: $name, $nfiring firing)"
tt_last | grep -E '^[│|] Matchers ' | grep -qF "alertname=\"$name\""
check $? "matchers: prefilled with the labels its alerts share"
tt_last | grep -qE '^[│|] For +2h '
check $? "for: 2h"
tt_last | grep -qE '^[│|] Author +oncall@'
check $? "author: the operator"
tt_has "required: say why"
check $? "the comment is said to be required"

# --- keys stay in the form -----------------------------------------------------
tt_type q
tt_wait_match 'tt_last | grep -qE "^[│|] Comment +q "' 5
check $? "q typed into the comment field types q"
sleep 0.3
TT_LAST=$(tt_capture)
tt_has "Silence incident $id" && tt_lacks "EXITED:"
check $? "and does not quit"
tt_type "${COMMENT#q}"
tt_keys Enter Enter
if [ "$nfiring" = 1 ]; then
	words="matches 1 firing alert now"
else
	words="matches $nfiring firing alerts now"
fi
tt_wait "$words" 10
check $? "Enter on the last field: the preview says '$words'"
tt_last | grep -qE "^[│|]   $name"
check $? "and names the alerts ($name)"
tt_has "y creates it in the simulator"
check $? "and asks for y"

# --- y: created ------------------------------------------------------------------
tt_keys y
tt_wait "silence created in the simulator" 10
check $? "y: the footer says the silence is created"
row=$(sql_wait "SELECT id || '|' || created_by || '|' ||
    (ends_at_ms - starts_at_ms) FROM silences WHERE comment = '$COMMENT'
    AND state = 'active'")
sid=${row%%|*}
case $row in
*"|oncall@"*"|7200000") ok=0 ;;
*) ok=1 ;;
esac
check $ok "within a few rounds the cache lists it: by the operator, for 2h ($row)"
m=$(sql "SELECT matchers FROM silences WHERE id = '$sid'")
case $m in
*"\"name\":\"alertname\",\"value\":\"$name\""*) ok=0 ;;
*) ok=1 ;;
esac
check $ok "with the incident's matchers"

# --- :silences, x -----------------------------------------------------------------
tt_type ':silences'
tt_keys Enter
tt_wait "$COMMENT" 10
check $? ":silences lists it"
tt_wait "x: expire the selected silence" 5
check $? "the list says which key expires"
# Select it: x asks about the selected one; n declines.
asked=1
for _ in 1 2 3 4 5 6; do
	tt_keys x
	tt_wait "? y/N" 5
	if tt_has "expire silence $sid by oncall@" "$COMMENT? y/N"; then
		asked=0
		break
	fi
	tt_keys n j
	sleep 0.3
done
check $asked "x asks, naming the silence, its author and comment"
tt_keys n
tt_wait "silence $sid not expired" 5
check $? "n: not expired"
[ "$(sql "SELECT state FROM silences WHERE id = '$sid'")" = active ]
check $? "and the cache still lists it active"
tt_keys x
tt_wait "$COMMENT? y/N" 5
tt_keys y
tt_wait "silence expired in the simulator" 10
check $? "x then y: the footer says it is expired"
st=$(sql_wait "SELECT state FROM silences WHERE id = '$sid' AND
    state = 'expired'")
check_eq "after a round the cache shows it expired" expired "$st"
tt_wait_gone "$COMMENT" 15
check $? "and the list drops it"

# --- Esc writes nothing; a bad matcher -------------------------------------------
before=$(sql "SELECT count(*) FROM audit")
tt_keys Escape 3 s
tt_wait "Silence incident " 10
tt_keys BTab C-u
tt_type '2h later'
tt_wait "write a duration (30m, 2h, 1d) or an end time" 5
check $? "a duration with more words is said to be unreadable"
tt_keys Tab
tt_type 'never written'
tt_keys Escape
tt_wait "silence not created: the form was closed" 5
check $? "Esc closes the form and says nothing was written"
sleep 1
[ "$(sql "SELECT count(*) FROM silences WHERE comment = 'never written'")" = 0 ] &&
    [ "$(sql "SELECT count(*) FROM audit")" = "$before" ]
check $? "no silence and no audit row"

tt_keys s
tt_wait "Silence incident " 10
tt_keys BTab BTab C-u
tt_type 'alertname="NoSuchAlert'
tt_wait "has no closing quote" 5
check $? "a matcher that does not parse is said under the field"
tt_keys Tab Tab
tt_type 'nothing fires like this'
tt_keys Enter Enter
tt_wait "Matchers: the value of alertname has no closing quote" 5
ok=$?
tt_lacks "firing alert" || ok=1
check $ok "Enter: no preview, the footer says what is wrong"

# --- a silence that holds nothing: y twice -------------------------------------
# The failed Enter went back to the matchers: close the quote.
tt_type '"'
tt_keys Tab Tab Tab Enter
tt_wait "matches no firing alert now" 10
check $? "the preview says plainly that it holds nothing"
tt_keys y
tt_wait "Create it anyway?" 5
check $? "y asks a second time"
tt_keys n
tt_wait_gone "Create it anyway?" 5
ok=$?
tt_has "Tab, S-Tab: next, previous field" || ok=1
check $ok "another key goes back to the form"
sleep 0.5
[ "$(sql "SELECT count(*) FROM audit")" = "$before" ]
check $? "nothing written yet"
tt_keys Enter
tt_wait "matches no firing alert now" 10
tt_keys y
tt_wait "Create it anyway?" 5
tt_keys y
tt_wait "silence created in the simulator" 10
check $? "y, y: created"
row=$(sql_wait "SELECT comment FROM silences WHERE matchers LIKE
    '%NoSuchAlert%' AND state = 'active'")
check_eq "the cache lists it" "nothing fires like this" "$row"

# --- Alertmanager's refusal, as it came ------------------------------------------
tt_keys 3 s
tt_wait "Silence incident " 10
tt_keys BTab BTab C-u
tt_type 'team=~".*"'
tt_keys Tab Tab
tt_type 'everything'
tt_keys Enter Enter
tt_wait "firing alerts now" 10
tt_keys y
tt_wait "silence not created: silence invalid: at least one matcher must not match the empty string" 10
check $? "a refused silence: the footer shows the simulated Alertmanager's reason"

# --- leaving with the form and the list open -----------------------------------
tt_keys Escape
tt_wait_gone "Silence incident " 5
tt_type ':silences'
tt_keys Enter
tt_wait "x: expire the selected silence" 10
tt_keys x
tt_wait "? y/N" 5
tt_keys C-c
tt_wait "press Ctrl-C again to quit" 5
tt_keys C-c
tt_wait "EXITED:0" 10
check $? "Ctrl-C twice with the list and a question open quits cleanly"

# --- the audit log -------------------------------------------------------------
audit=$(sql "SELECT group_concat(action || ':' || result || ':' || target, ' ')
    FROM audit")
check_eq "every write left one audit row with its result" \
    "silence:ok:silence expire:ok:silence $sid silence:ok:silence silence:invalid:silence" \
    "$audit"
(cd "$TT_DIR" && HOME=$TT_DIR/home XDG_CACHE_HOME=$TT_DIR/cache \
    XDG_CONFIG_HOME=$TT_DIR/config "$SITREP" --demo audit verify \
    >"$TT_DIR/verify" 2>&1)
check $? "sitrep audit verify: the chain is intact"

if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
