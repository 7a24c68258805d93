#!/bin/bash
# readonly.sh: read-only, enforced by what is built.  --readonly (for one
# run) and a context's readonly: true (for as long as it is the current
# one) leave the runtime without an action gate, so nothing can write:
#
#  - CLI: incident ack/unack/note/resolve and silence add/expire exit 1
#    with "read-only: started with --readonly" (the option before or after
#    the command words) or "read-only: context demo has readonly: true";
#    the cache's incidents and silences are unchanged, and each refusal is
#    one "refused" row of the audit log, whose chain verifies; without
#    the option the same command acts (so the checks can fail);
#  - console, on the demo with --readonly: the header shows read-only,
#    also at 80 columns; 'a' on an incident says why and the incident
#    stays triggered; 's', :ack and x in :silences say why too; '?' help
#    still lists 'a', 's', :ack, :unack and :note, marked (read-only);
#  - console on a configuration whose context demo has readonly: true
#    (--demo ignores --config, so the demo's world is fetched into a cache
#    first, as tui_oncall.sh does): read-only there, with that reason;
#    :context into a context without it can act again, and back.
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 every
# run of sitrep, console and commands, is under memcheck
# (tests/lib/tmux.sh).

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

# The state word of the panel's row of the incident titled $TITLE.
state_of() {
	tt_last | grep -F " $TITLE" | grep -E '^[│|] *P[0-3] ' | head -n 1 |
	    grep -oE 'triggered|acked|mitigated' | head -n 1
}

# The header: the first line of the screen.
header() {
	tt_last | head -n 1
}

DB=$TT_DIR/cache/ro.db
sql() {
	sqlite3 -batch "$DB" "$1" 2>/dev/null
}

# sitrep as the console runs it: isolated home and folders, one operator.
run() {
	HOME=$TT_DIR/home XDG_CONFIG_HOME=$TT_DIR/config \
	    XDG_CACHE_HOME=$TT_DIR/cache USER=oncall \
	    tt_exec "$SITREP" "$@"
}

# What a write would change: every incident's state and acknowledgement,
# every silence, every timeline entry.
world() {
	sql "SELECT id, state, ack_by, ack_until_ms FROM incidents ORDER BY id"
	sql "SELECT * FROM silences ORDER BY 1"
	sql "SELECT count(*) FROM incident_timeline"
}

# What the console could have written while the demo plays on (it
# rewrites the incidents and their timelines as its world moves): audit
# rows (every write through the gate leaves one), acknowledgements, the
# operator's silences.
writes() {
	sql "SELECT count(*) FROM audit"
	sql "SELECT count(*) FROM incidents WHERE ack_by IS NOT NULL OR state = 'acknowledged'"
	sql "SELECT count(*) FROM silences WHERE created_by LIKE 'oncall%' OR comment LIKE 'ACK %'"
}

run --demo --cache "$DB" fetch --once >/dev/null 2>&1
check $? "the demo's world is fetched into a cache"
id=$(sql "SELECT id FROM incidents WHERE state = 'triggered' ORDER BY priority, started_ms LIMIT 1")
[ -n "$id" ]
check $? "a triggered incident to act on ($id)"

# --- CLI: --readonly ---------------------------------------------------------
before=$(world)
audit0=$(sql "SELECT count(*) FROM audit")
refused=0
cli() {	# EXPECTED-REASON DESC ARG...
	_why=$1 _desc=$2
	shift 2
	run "$@" >"$TT_DIR/out" 2>"$TT_DIR/err"
	rc=$?
	check_eq "$_desc: exit 1" 1 "$rc"
	grep -Fq "sitrep: $_why; nothing was done" "$TT_DIR/err"
	check $? "$_desc: says '$_why'" "$_why" "$(cat "$TT_DIR/err")"
	refused=$((refused + 1))
}
RO="read-only: started with --readonly"
cli "$RO" "--readonly incident ack" --readonly --demo --cache "$DB" incident ack "$id"
cli "$RO" "incident ack ... --readonly (after the words)" --demo --cache "$DB" incident ack "$id" --readonly
cli "$RO" "--readonly incident note" --readonly --demo --cache "$DB" incident note "$id" "looked at it"
cli "$RO" "--readonly incident unack" --readonly --demo --cache "$DB" incident unack "$id"
cli "$RO" "--readonly incident resolve" --readonly --demo --cache "$DB" incident resolve "$id"
cli "$RO" "--readonly silence add" --readonly --demo --cache "$DB" silence add 'alertname="HighErrorRate"' --for 1h --comment "maintenance"
cli "$RO" "--readonly silence expire" --readonly --demo --cache "$DB" silence expire 0123456789abcdef

check_eq "nothing was written: incidents, silences and timelines unchanged" "$before" "$(world)"
check_eq "each refusal is one audit row" "$((audit0 + refused))" "$(sql "SELECT count(*) FROM audit")"
check_eq "... action refused, result refused, by the operator in demo, with the reason" \
    "$refused" "$(sql "SELECT count(*) FROM audit WHERE action = 'refused' AND result = 'refused' AND context = 'demo' AND actor LIKE 'oncall%' AND detail = '$RO'")"
check_eq "... its target the command" "sitrep incident ack|sitrep silence add" \
    "$(sql "SELECT target FROM audit WHERE target IN ('sitrep incident ack', 'sitrep silence add') GROUP BY target ORDER BY target" | paste -sd'|')"
run --demo --cache "$DB" audit verify >/dev/null 2>&1
check $? "the audit chain verifies"

# --- CLI: readonly: true -----------------------------------------------------
cfg=$TT_DIR/config/ro.yaml
cat > "$cfg" <<'YAML'
contexts:
  - name: demo
    refresh: 1h
    readonly: true
  - name: scratch
    refresh: 1h
YAML
run --config "$cfg" config check >/dev/null 2>&1
check $? "a configuration with readonly: true checks"
CRO="read-only: context demo has readonly: true"
cli "$CRO" "readonly: true, incident ack" --config "$cfg" --cache "$DB" incident ack "$id"
cli "$CRO" "readonly: true, silence add" --config "$cfg" --cache "$DB" silence add 'alertname="HighErrorRate"' --for 1h --comment "maintenance"
check_eq "readonly: true: nothing was written" "$before" "$(world)"
check_eq "readonly: true: its refusals are audited with that reason" 2 \
    "$(sql "SELECT count(*) FROM audit WHERE action = 'refused' AND detail = '$CRO'")"

# The same command without read-only acts: the checks above could fail.
run --demo --cache "$DB" incident note "$id" "control note" >/dev/null 2>&1
check $? "without --readonly the same kind of command acts (a note)"
[ "$before" != "$(world)" ]
check $? "... and the cache changes"
before=$(writes)

# --- console: --readonly on the demo ------------------------------------------
console() {	# ARG...
	echo "trap : INT; $(tt_prog "$SITREP") $* --cache '$DB' --panel incidents; echo EXITED:\$?; exec sleep 300"
}
tt_start -x 140 -y 80 -e USER=oncall "$(console --readonly --demo)"
tt_wait_match 'tt_has "3 Incidents" && tt_last | grep -qE "P[0-3] .*triggered"' 20
check $? "--readonly --demo: the console starts on the incidents panel"
header | grep -q " demo  read-only "
check $? "the header shows read-only after the context"
acked0=$(sql "SELECT count(*) FROM incidents WHERE state = 'acknowledged' OR ack_by IS NOT NULL")
# The selected incident, worst first, by its title: the demo's rounds may
# renumber what the cache held before the console started.
TITLE=$(sql "SELECT title FROM incidents WHERE state = 'triggered' ORDER BY priority, started_ms LIMIT 1")
tt_press a -- "$RO" 5
check $? "a: the footer says why it may not act"
sleep 1
tt_wait_match '[ "$(state_of)" = triggered ]' 5
check $? "a: the panel shows the incident still triggered ($TITLE)"
check_eq "a: the cache has it triggered" "triggered" \
    "$(sql "SELECT state FROM incidents WHERE title = '$TITLE' AND state <> 'resolved'")"
check_eq "a: nothing is acknowledged" "$acked0" \
    "$(sql "SELECT count(*) FROM incidents WHERE state = 'acknowledged' OR ack_by IS NOT NULL")"
tt_lacks "acknowledging incident" "acknowledged until"
check $? "a: no acknowledgement is started"
tt_press Escape s -- "$RO" 5
check $? "s: the silence form does not open; it says why"
tt_lacks "Silence incident"
check $? "... no form is shown"
tt_type ':ack 30m looking'
tt_press Enter -- "$RO" 5
check $? ":ack says why too"
tt_type ':note hello'
tt_press Enter -- "$RO" 5
check $? ":note says why too"

tt_press '?' -- "Commands (after :)" 5
check $? "?: the help page opens"
tt_has "$RO: what is marked (read-only) is unavailable"
check $? "?: it says why, first"
tt_last | grep -qE '^ *│? *a +ack +\(read-only\) acknowledge the selected incident'
check $? "?: a is listed, marked (read-only)"
tt_last | grep -qE '^ *│? *s +silence +\(read-only\) silence'
check $? "?: s is listed, marked (read-only)"
ok=0
for c in 'ack \[DURATION\] \[COMMENT\]' unack 'note TEXT'; do
	tt_last | grep -qE "^ *│? *$c +\(read-only\) " || ok=1
done
check $ok "?: :ack, :unack and :note are listed, marked (read-only)"
ok=0
for c in 'U +undo' 'R +restart' 'S +scale' 'restart NAMESPACE/NAME' \
    'undo NAMESPACE/NAME \[REVISION\]' 'scale NAMESPACE/NAME REPLICAS' \
    'delete-pod NAMESPACE/NAME'; do
	tt_last | grep -qE "^ *│? *$c +\(read-only\) " || ok=1
done
check $ok "?: U, R, S, :restart, :undo, :scale and :delete-pod are marked too"
tt_last | grep -E '\(read-only\)' | grep -qE ' (down|context|quit|refresh) ' && ok=1
[ "$(tt_last | grep -v 'what is marked' | grep -c '(read-only) ')" = 14 ] || ok=1
check $ok "?: only those fourteen are marked (n and D too)"
tt_keys Escape

tt_type ':silences'
tt_press Enter -- "x: expire (read-only)" 5
check $? ":silences: the list's keys mark x (read-only)"
tt_press x -- "$RO" 5
check $? ":silences: x says why"
tt_lacks "expire silence "
check $? ":silences: x asks nothing"
tt_keys Escape

tt_resize 80 24
tt_wait_match 'header | grep -q " demo  read-only "' 5
check $? "80 columns: read-only stays in the header"
check_eq "the console wrote nothing" "$before" "$(writes)"

# An action from a runbook or the service list is refused too, and that
# refusal (an attempt on the world) is the one row it writes.
tt_resize 140 80
rows0=$(sql "SELECT count(*) FROM audit")
tt_keys 4
tt_press n -- "$RO" 5
check $? "n: the runbook's next action is refused, saying why"
tt_lacks "server dry run"
check $? "n: no action dialog, no check of the world"
tt_keys 1
tt_press U -- "$RO" 5
check $? "U: a rollback from the service list is refused, saying why"
tries=0
while [ $tries -lt $((20 * TT_SLOW)) ] && [ "$(sql "SELECT count(*) FROM audit")" != $((rows0 + 2)) ]; do
	sleep 0.2
	tries=$((tries + 1))
done
check_eq "each refusal is one audit row, refused, with the reason" \
    "undo|refused|read-only: started with --readonly" \
    "$(sql "SELECT action, result, detail FROM audit ORDER BY seq DESC LIMIT 1")"
check_eq "... two rows, nothing else written" "$((rows0 + 2))" \
    "$(sql "SELECT count(*) FROM audit")"
before=$(writes)

# --- console: readonly: true, and :context ----------------------------------------
tt_start -x 140 -y 45 -e USER=oncall "$(console --config "'$cfg'")"
tt_wait_match 'tt_has "3 Incidents" && tt_last | grep -qE "P[0-3] .*triggered"' 20
check $? "readonly: true: the console starts on the cached incidents"
header | grep -q " demo  read-only "
check $? "readonly: true: the header shows read-only"
tt_press a -- "$CRO" 5
check $? "readonly: true: a says which context is read-only"
tt_type ':context scratch'
tt_press Enter -- "context scratch" 5
tt_wait_match 'header | grep -q " scratch " && ! header | grep -q "read-only"' 5
check $? ":context scratch: no read-only in the header"
tt_press '?' -- "Commands (after :)" 5
tt_lacks "(read-only)"
check $? ":context scratch: the help marks nothing"
tt_keys Escape
tt_type ':ack'
tt_press Enter -- "no incident selected" 5
check $? ":context scratch: :ack is refused only for want of an incident"
tt_type ':context demo'
tt_press Enter -- "context demo" 5
tt_wait_match 'header | grep -q " demo  read-only "' 5
check $? ":context demo: read-only again"
tt_press a -- "$CRO" 5
check $? ":context demo: a says why again"
check_eq "readonly: true: the console wrote nothing" "$before" "$(writes)"

if tt_valgrind; then
	tt_kill
	tt_valgrind_report
fi
tap_done
