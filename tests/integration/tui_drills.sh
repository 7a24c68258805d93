#!/bin/bash
# tui_drills.sh: every shipped drill played in the console, in a private
# tmux server, with a fixed --seed at a high --speed, then scored from its
# run's cache (`sitrep drill report PATH --format json`):
#
#  - the right response (the drill's `expect`: its incidents acknowledged
#    once they are on the screen, one of its `mitigate` actions through a
#    `:` command or the silence form) scores 80 or more with nothing
#    harmful or wrong, every expected ack counted;
#  - a wrong response (one of the drill's `harmful` actions) is marked
#    harmful with the drill's why, and scores lower than the right one;
#  - the same keystrokes on the same seed score the same: watchdog-silent
#    played twice agrees on the points, the parts, the acks and the kind
#    of every timeline entry (the scoring follows the drill's clock, so
#    the drill chosen is one whose right response earns points that do
#    not depend on the second it lands: an ack within its grace);
#  - the printed line "drill NAME run RUN ended; its cache: PATH" names the
#    cache, and `drill history` lists every run.
# TAP output; the plan comes last.

# tt_wait_match evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
need_tools python3
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built; run make first"

tt_setup || exit 1
trap tt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tap_got() {
	tt_last
}

SEED=11
# A drill minute every 2 s: an ack's 5-minute grace is 10 s, room for
# the console's rounds and the screen's polling; the wrong responses,
# which are not timed, play twice as fast.
SPEED=30
WRONG_SPEED=60
RUNS=0

# Play drill $1 at speed $2 in a fresh console; status 0 once it is up.
play() {
	tt_start -x 150 -y 45 -e USER=oncall \
	    "trap : INT; $(tt_prog "$SITREP") drill run '$1' --seed $SEED --speed $2; echo EXITED:\$?; exec sleep 300"
	tt_wait "DRILL $1" 20 && tt_wait "3 Incidents" 10 && tt_keys 3
}

# Escape, alone: a key right behind it would read as Alt+key.
esc() {
	tt_keys Escape
	sleep 0.3
}

# Wait (up to 60 s) for an incident of alert $1 in 3 Incidents, then
# select it with the filter.
select_incident() {
	_si_alert=$1
	esc
	tt_wait_match 'tt_last | grep -qE "P[0-3] .* $_si_alert "' 60 ||
	    return 1
	tt_keys 3 /
	tt_type "$_si_alert"
	tt_keys Enter
	tt_wait "/$_si_alert " 5
}

# Clear the filter of the incidents panel.
clear_filter() {
	esc
	tt_keys 3 / C-u Enter
	tt_wait_gone "3 Incidents  /" 5
}

# Acknowledge the incident of alert $1 once it is on the screen.
ack() {
	select_incident "$1" || return 1
	tt_keys a
	tt_wait "acknowledged until" 10 || return 1
	clear_filter
}

# Run the console command $1 and confirm it with y; wait for $2.
act() {
	esc
	tt_type "$1"
	tt_keys Enter
	tt_wait "n/Esc: cancel" 10 || return 1
	tt_keys y
	tt_wait_gone "n/Esc: cancel" 15 || return 1
	tt_wait "$2" 15 || return 1
	esc
	return 0
}

# Silence the incident of alert $1 through the form, for $2 (the
# form's default when empty), with comment $3.
silence() {
	select_incident "$1" || return 1
	tt_keys s
	tt_wait "Silence incident " 10 || return 1
	tt_type "$3"
	if [ -n "$2" ]; then
		tt_keys BTab C-u
		tt_type "$2"
		tt_keys Tab
	fi
	tt_keys Enter Enter
	tt_wait "firing alert" 10 || return 1
	tt_keys y
	tt_wait "silence created in the simulator" 10 || return 1
	clear_filter
}

# Quit the console; print the cache the printed line names.
finish() {
	esc
	esc
	tt_keys q
	tt_wait "EXITED:" 15 || return 1
	tt_wait "Points: " 5
	tt_last | tr -d '\n' |
	    sed -n 's/.*drill [a-z-]* run [a-z0-9-]* ended; its cache: \(.*\.db\).*/\1/p' |
	    sed 's/\.db.*/.db/'
}

# Score the run of cache $1 into $2 (JSON); status 0 when it parses.
report() {
	"$SITREP" drill report "$1" --format json >"$2" 2>"$2.err" &&
	    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$2"
}

# Print field $2 of JSON report $1 (a python expression on r).
field() {
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# Check a right response's report $2 of drill $1.
check_right() {
	_cr_d=$1
	_cr_j=$2
	_cr_got=$(field "$_cr_j" '"%d|%d|%d|%d|%d" % (r["points"], len(r["harmful"]), len(r["wrong"]), r["acks_done"], r["acks_expected"])')
	echo "# $_cr_d right: $(field "$_cr_j" '"%d points %s; parts %s" % (r["points"], r["verdict"], r["parts"])')"
	_cr_pts=${_cr_got%%|*}
	[ -n "$_cr_pts" ] && [ "$_cr_pts" -ge 80 ]
	check $? "$_cr_d: the right response scores 80 or more ($_cr_got)"
	check_eq "$_cr_d: ... nothing harmful or wrong, every expected ack" \
	    "0|0|$(field "$_cr_j" 'r["acks_expected"]')|$(field "$_cr_j" 'r["acks_expected"]')" \
	    "${_cr_got#*|}"
}

# Check a wrong response's report $2 of drill $1: harmful, with $3 in
# its why, below points $4.
check_wrong() {
	_cw_got=$(field "$2" '"%d|%s" % (r["points"], " / ".join(h["why"] for h in r["harmful"]))')
	echo "# $1 wrong: $_cw_got"
	case ${_cw_got#*|} in
	*"$3"*) _cw_ok=0 ;;
	*) _cw_ok=1 ;;
	esac
	check $_cw_ok "$1: the harmful action is marked, with its why ($3)"
	[ -n "${_cw_got%%|*}" ] && [ "${_cw_got%%|*}" -lt "$4" ]
	check $? "$1: ... and scores lower than the right response (${_cw_got%%|*} < $4)"
}

# Play drill $1 at speed $4 with response $2 (a shell function); the
# report goes to $TT_DIR/$3.json.  Checks that the response ran and the
# report parses.
run_drill() {
	_rd_ok=0
	play "$1" "$4" || _rd_ok=1
	[ $_rd_ok = 0 ] && { $2 || _rd_ok=1; }
	[ $_rd_ok = 0 ] || tt_dump "$1 $3"
	check $_rd_ok "$1: the $3 response is played in the console"
	_rd_db=$(finish)
	RUNS=$((RUNS + 1))
	[ -n "$_rd_db" ] && [ -f "$_rd_db" ]
	check $? "$1: the printed line names its cache ($_rd_db)"
	report "$_rd_db" "$TT_DIR/$3.json"
	check $? "$1: drill report --format json parses $(head -c 300 "$TT_DIR/$3.json.err")"
}

# --- the responses ---------------------------------------------------------------
bad_deploy_right() {
	ack ErrorBudgetBurn &&
	    act ":undo shop/checkout" "successfully rolled out"
}
bad_deploy_wrong() {
	select_incident KubePodCrashLooping &&
	    act ":restart shop/checkout" "restart deployment shop/checkout"
}
config_crashloop_right() {
	ack KubeDeploymentReplicasMismatch &&
	    act ":undo shop/orders" "successfully rolled out"
}
config_crashloop_wrong() {
	select_incident KubePodCrashLooping &&
	    act ":scale shop/orders 4" "scale deployment shop/orders"
}
node_pressure_right() {
	ack KubeNodePressure &&
	    act ":undo batch/reports" "successfully rolled out"
}
node_pressure_wrong() {
	select_incident KubePodCrashLooping &&
	    act ":restart search/search" "restart deployment search/search"
}
upstream_burn_right() {
	ack PaymentsUpstreamLatency &&
	    silence PaymentsUpstreamLatency "" "acme-pay is degraded; nothing of ours to fix" &&
	    ack ErrorBudgetBurn
}
upstream_burn_wrong() {
	select_incident PaymentsUpstreamLatency &&
	    act ":restart payments/payments-api" "restart deployment payments/payments-api"
}
search_surge_right() {
	ack HighRequestLatency &&
	    act ":scale search/search 4" "scale deployment search/search"
}
search_surge_wrong() {
	select_incident HighRequestLatency &&
	    act ":restart search/search" "restart deployment search/search"
}
watchdog_silent_right() {
	ack DeadMansSwitchMissing
}
am_member_down_right() {
	ack ErrorBudgetBurn &&
	    ack AlertmanagerClusterDown
}
am_member_down_wrong() {
	select_incident ErrorBudgetBurn &&
	    act ":restart shop/checkout" "restart deployment shop/checkout"
}
watchdog_silent_wrong() {
	silence DeadMansSwitchMissing "" "we know, it is noisy"
}

# --- every drill: right, then wrong -------------------------------------------------
# The why of each drill's wrong response, as its `harmful` entry says.
why() {
	case $1 in
	bad-deploy) echo "the same bad image" ;;
	config-crashloop) echo "more pods of a bad revision" ;;
	node-pressure) echo "search is the victim" ;;
	upstream-burn) echo "the provider is slow" ;;
	search-surge) echo "cold caches" ;;
	watchdog-silent) echo "leaves the team blind" ;;
	am-member-down) echo "its database is failing over" ;;
	esac
}

PLAYED="bad-deploy config-crashloop node-pressure upstream-burn search-surge
watchdog-silent am-member-down"
check_eq "every shipped drill has its responses here" \
    "$("$SITREP" drill list | awk '{ print $1 }' | sort)" \
    "$(printf '%s\n' $PLAYED | sort)"
for d in $PLAYED; do
	f=$(echo "$d" | tr - _)
	run_drill "$d" "${f}_right" "$d-right" $SPEED
	check_right "$d" "$TT_DIR/$d-right.json"
	run_drill "$d" "${f}_wrong" "$d-wrong" $WRONG_SPEED
	check_wrong "$d" "$TT_DIR/$d-wrong.json" "$(why "$d")" \
	    "$(field "$TT_DIR/$d-right.json" 'r["points"]')"
done

# --- the same keystrokes on the same seed, the same score ----------------------------
# The report without its times: points, parts, acks, and the kind and the
# text of every timeline entry, but the incident's id (the simulator's
# alerts start on the wall clock, and an incident's id hashes its start)
# and the end's duration.
same() {
	python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))
for k in ("run", "started_ms", "ended_ms", "time_to_ack_ms",
          "time_to_action_ms", "time_to_mitigation_ms"):
    r.pop(k, None)
for m in r["harmful"] + r["wrong"]:
    m.pop("offset_ms")
for e in r["timeline"]:
    e.pop("offset_ms")
    e["text"] = re.sub(r"\b(incident|silence) [0-9a-f]{8}\b", r"\1 ID",
                       e["text"])
    if e["kind"] == "end":
        e["text"] = "drill ended"
print(json.dumps(r, sort_keys=True, indent=1))
' "$1"
}
run_drill watchdog-silent watchdog_silent_right watchdog-silent-again $SPEED
same "$TT_DIR/watchdog-silent-right.json" >"$TT_DIR/a.json"
same "$TT_DIR/watchdog-silent-again.json" >"$TT_DIR/b.json"
diff "$TT_DIR/a.json" "$TT_DIR/b.json" >"$TT_DIR/ab.diff"
check $? "watchdog-silent twice, same seed and keys: the same report but its times $(head -c 600 "$TT_DIR/ab.diff")"
check_eq "... the same points" \
    "$(field "$TT_DIR/watchdog-silent-right.json" 'r["points"]')" \
    "$(field "$TT_DIR/watchdog-silent-again.json" 'r["points"]')"
check_eq "... every entry of the same kind" \
    "$(field "$TT_DIR/watchdog-silent-right.json" '" ".join(e["kind"] for e in r["timeline"])')" \
    "$(field "$TT_DIR/watchdog-silent-again.json" '" ".join(e["kind"] for e in r["timeline"])')"

# --- drill history: every run ------------------------------------------------------------
HOME=$TT_DIR/home XDG_CACHE_HOME=$TT_DIR/cache "$SITREP" drill history \
    >"$TT_DIR/history" 2>&1
check_eq "drill history lists every run" "$RUNS" \
    "$(grep -cE '^[a-z-]+-[0-9]{8}-[0-9]{6}' "$TT_DIR/history")"

tap_done
