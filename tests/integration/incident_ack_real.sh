#!/bin/bash
# incident_ack_real.sh: acknowledging incidents against real Alertmanagers,
# checked with amtool and with a second sitrep.
#
# An HA pair of gossiping Alertmanagers holds a firing alert (sent to
# both, as Prometheus sends it).  `sitrep incident ack` silences it on
# the pair: amtool on both members shows the silence with the ACK comment
# naming the incident and the operator as author.  A second sitrep, on
# its own cache and under another context name (so another incident id),
# sees the incident acknowledged by that operator after one fetch.  Acking
# again extends the same silence; `incident unack` expires it on both
# members and the second sitrep sees the incident triggered again.  An
# Alertmanager behind a gateway that refuses writes (403), or one that is
# down, gets a local acknowledgement: exit 0, a warning that it is not
# shared and why, the incident acknowledged in this cache only.  Every
# write is in the audit log, which verifies.  TAP output; the plan comes
# last.

# wait_for evaluates its command later, so single quotes are meant;
# am_start NAME sets AM_URL_NAME and AM_PID_NAME.
# shellcheck disable=SC2016,SC2154

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"

servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" alertmanager
need_tools sqlite3
[ -x "$SITREP" ] || skip_all "$SITREP is not built"
if ! command -v amtool >/dev/null 2>&1; then
	skip_tool amtool "amtool (package prometheus-alertmanager) checks \
what sitrep wrote"
	tap_done
	exit $?
fi

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
mkdir -p "$T/home" "$T/xdg/config" "$T/xdg/cache"
export HOME=$T/home XDG_CONFIG_HOME=$T/xdg/config XDG_CACHE_HOME=$T/xdg/cache
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8

am_start_ha a b || exit 1

# config FILE CONTEXT OPERATOR URL...: a context of those Alertmanagers.
config() {
	_c_file=$1
	{
		echo "operator: $3"
		echo "contexts:"
		echo "  - name: $2"
		echo "    alertmanagers:"
		shift 3
		for _c_u in "$@"; do
			printf '      - url: "%s"\n        timeout: 3s\n' "$_c_u"
		done
	} >"$_c_file"
}

# run CONF DB ARGS...: sitrep; $out, $err, $rc.
run() {
	_r_conf=$1
	_r_db=$2
	shift 2
	timeout 60 "$SITREP" --config "$_r_conf" --cache "$_r_db" "$@" \
	    >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# sql DB QUERY
sql() {
	sqlite3 -batch "$1" "$2" 2>/dev/null
}

# The silences amtool lists on URL, expired too: "id|state|by|comment|end".
amq() {
	amtool --alertmanager.url="$1" silence query --expired -o json \
	    2>/dev/null | servers_json '"\n".join("|".join([s["id"],
	    s["status"]["state"], s["createdBy"], s["comment"], s["endsAt"]])
	    for s in d)'
	amtool --alertmanager.url="$1" silence query -o json 2>/dev/null |
	    servers_json '"\n".join("|".join([s["id"], s["status"]["state"],
	    s["createdBy"], s["comment"], s["endsAt"]]) for s in d)'
}

# The alert, to both members, as Prometheus sends it.
labels='{"alertname":"CheckoutErrors","service":"checkout","namespace":"shop","severity":"critical","instance":"10.0.0.7:8080"}'
for u in "$AM_URL_a" "$AM_URL_b"; do
	am_push_alert --am "$u" "$labels" \
	    '{"summary":"checkout 5xx above 2%"}' -10m || exit 1
done
wait_for 'test "$(curl -sf "$AM_URL_b/api/v2/alerts" | servers_json "len(d)")" = 1' 20

config "$T/one.yaml" prod "alice@ops.example" "$AM_URL_a" "$AM_URL_b"
config "$T/two.yaml" prod-eu "bob@ops.example" "$AM_URL_b" "$AM_URL_a"
DB1=$T/one.db
DB2=$T/two.db

run "$T/one.yaml" "$DB1" fetch --once
check_eq "the first sitrep fetches" "0" "$rc"
id=$(sql "$DB1" "SELECT id FROM incidents WHERE state = 'triggered'")
[ -n "$id" ] && [ "$(echo "$id" | wc -l)" = 1 ]
check $? "one triggered incident ($id)"
run "$T/two.yaml" "$DB2" fetch --once
id2=$(sql "$DB2" "SELECT id FROM incidents")
[ -n "$id2" ] && [ "$id2" != "$id" ]
check $? "the second sees it under its own context, another id ($id2)"

# --- ack: a silence everyone sees -----------------------------------------------
run "$T/one.yaml" "$DB1" incident ack "${id:0:5}" --comment "on it"
check_eq "incident ack (by a 5-digit prefix) exits 0" "0" "$rc"
case $out in
"incident $id acknowledged until "*": 1 silence in alertmanager") r=0 ;;
*) r=1 ;;
esac
check $r "it says so" "incident $id acknowledged until ...: 1 silence in alertmanager" "$out"
check_eq "nothing on stderr: both members confirmed" "" "$err"
sid=$(sql "$DB1" "SELECT json_extract(ack_silences, '\$[0]') FROM incidents WHERE id = '$id'")
la=$(amq "$AM_URL_a" | grep "^$sid|")
lb=$(amq "$AM_URL_b" | grep "^$sid|")
case $la in
"$sid|active|alice@ops.example|ACK $id: CheckoutErrors shop checkout - on it|"*) r=0 ;;
*) r=1 ;;
esac
check $r "amtool on am-1 shows the ACK silence by the operator" \
    "$sid|active|alice@ops.example|ACK $id: ... - on it" "$la"
check_eq "amtool on am-2 shows the same" "$la" "$lb"
m=$(amtool --alertmanager.url="$AM_URL_a" silence query -o json 2>/dev/null |
    servers_json '",".join(sorted(x["name"] + "=" + x["value"] for s in d
    if s["id"] == "'"$sid"'" for x in s["matchers"]))')
check_eq "it holds the incident's alert by the labels it has" \
    "alertname=CheckoutErrors,instance=10.0.0.7:8080,namespace=shop,service=checkout,severity=critical" "$m"

run "$T/two.yaml" "$DB2" fetch --once
check_eq "the second sitrep fetches again" "0" "$rc"
check_eq "it sees the incident acknowledged, by alice" \
    "acknowledged|alice@ops.example|$sid" \
    "$(sql "$DB2" "SELECT state || '|' || ack_by || '|' || json_extract(ack_silences, '\$[0]') FROM incidents WHERE id = '$id2'")"
check_eq "its timeline says who acknowledged" "alice@ops.example" \
    "$(sql "$DB2" "SELECT actor FROM incident_timeline WHERE kind = 'acknowledged'")"

# --- again: extended, the same silence --------------------------------------------
end1=$(amq "$AM_URL_a" | grep "^$sid|" | cut -d'|' -f5)
run "$T/one.yaml" "$DB1" incident ack "$id" --for 2h
check_eq "ack again exits 0" "0" "$rc"
case $out in *"acknowledgement extended"*) r=0 ;; *) r=1 ;; esac
check $r "it says the acknowledgement is extended" "acknowledgement extended" "$out"
check_eq "the same silence carries it" "$sid" \
    "$(sql "$DB1" "SELECT json_extract(ack_silences, '\$[0]') FROM incidents WHERE id = '$id'")"
end2=$(amq "$AM_URL_b" | grep "^$sid|" | cut -d'|' -f5)
[ -n "$end2" ] && [ "$end2" \> "$end1" ]
check $? "am-2 shows its end later ($end1 -> $end2)"

# --- unack: expired on both; the second sees it triggered -------------------------
run "$T/one.yaml" "$DB1" incident unack "$id"
check_eq "incident unack exits 0" "0" "$rc"
check_eq "am-1 shows the silence expired" "expired" \
    "$(amq "$AM_URL_a" | grep "^$sid|" | head -n 1 | cut -d'|' -f2)"
check_eq "am-2 too" "expired" \
    "$(amq "$AM_URL_b" | grep "^$sid|" | head -n 1 | cut -d'|' -f2)"
run "$T/two.yaml" "$DB2" fetch --once
check_eq "the second sitrep sees it triggered again" "triggered" \
    "$(sql "$DB2" "SELECT state FROM incidents WHERE id = '$id2'")"

# --- no Alertmanager takes it: a local acknowledgement --------------------------
"$PYTHON" "$top_srcdir/tests/lib/deny_proxy.py" "$AM_URL_a" "$T/deny.port" \
    >"$T/deny.log" 2>&1 &
SERVERS_PIDS="$SERVERS_PIDS $!"
wait_for 'test -s "$T/deny.port"' 10 || { echo "# the proxy did not start"; cat "$T/deny.log"; }
DENY=http://127.0.0.1:$(cat "$T/deny.port")
config "$T/deny.yaml" prod "carol@ops.example" "$DENY"
DB3=$T/three.db
run "$T/deny.yaml" "$DB3" fetch --once
id3=$(sql "$DB3" "SELECT id FROM incidents")
nsil=$(amq "$AM_URL_a" | wc -l)
run "$T/deny.yaml" "$DB3" incident ack "$id3"
check_eq "a gateway that refuses writes: ack still exits 0" "0" "$rc"
case $err in
*"refuses writes (HTTP 403)"*"not shared"*|*"not shared"*"refuses writes (HTTP 403)"*) r=0 ;;
*) r=1 ;;
esac
check $r "stderr says it is not shared, and why" "... refuses writes (HTTP 403) ... not shared" "$err"
check_eq "the incident is acknowledged here, marked local" \
    "acknowledged|1|carol@ops.example" \
    "$(sql "$DB3" "SELECT state || '|' || ack_local || '|' || ack_by FROM incidents")"
check_eq "no silence reached Alertmanager" "$nsil" "$(amq "$AM_URL_a" | wc -l)"

servers_stop "$AM_PID_b"
config "$T/down.yaml" prod "dave@ops.example" "$AM_URL_b"
run "$T/down.yaml" "$DB1" incident ack "$id"
check_eq "an Alertmanager that is down: ack exits 0, locally" "0|1" \
    "$rc|$(sql "$DB1" "SELECT ack_local FROM incidents WHERE id = '$id'")"
case $err in *"not shared"*) r=0 ;; *) r=1 ;; esac
check $r "with the warning" "not shared" "$err"

# --- the audit log -----------------------------------------------------------------
check_eq "every write of the first cache is audited" \
    "silence:ok silence update:ok expire:ok silence:unreachable ack:local" \
    "$(sql "$DB1" "SELECT group_concat(action || ':' || result, ' ') FROM audit")"
run "$T/one.yaml" "$DB1" audit verify
check_eq "sitrep audit verify: intact" "0" "$rc"

tap_done
