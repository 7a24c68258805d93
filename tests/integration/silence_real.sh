#!/bin/bash
# silence_real.sh: `sitrep silence add|list|expire` against real
# Alertmanagers, checked with amtool.
#
# An HA pair of gossiping Alertmanagers is the context: a silence added
# with sitrep shows on both members (amtool), with its comment and author;
# `silence list --fresh` lists it; `add --id` extends it in place; expire
# leaves it expired on both.  Alertmanager's own refusals (a regex RE2
# does not take, an end in the past, an unknown id) exit 1 with its
# message.  With the first member stopped the write goes to the second;
# two Alertmanagers that do not gossip get it written to the first and a
# warning naming the second; a proxy that answers 403 to writes is
# REFUSED and not tried on the next member; a context without
# Alertmanager is a configuration error (2).  Every write left one audit
# row with its result, and the chain verifies.  TAP output; the plan
# comes last.

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
if [ ! -x "$SITREP" ]; then
	skip_all "$SITREP is not built"
fi
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
DB=$T/silence.db
writes=0

am_start_ha a b || exit 1

# A configuration whose context "real" has the Alertmanagers given.
config() {
	_c_file=$1
	shift
	{
		echo "operator: oncall@example.org"
		echo "contexts:"
		echo "  - name: real"
		if [ $# -gt 0 ]; then
			echo "    alertmanagers:"
			for _c_u in "$@"; do
				printf '      - url: "%s"\n        timeout: 3s\n' \
				    "$_c_u"
			done
		else
			echo "    probes:"
			echo "      - {name: p, url: \"$AM_URL_a/-/ready\"}"
		fi
	} >"$_c_file"
}

# sitrep with the configuration CONF; output in $out, errors in $err,
# status in $rc.
run() {
	_r_conf=$1
	shift
	timeout 60 "$SITREP" --config "$_r_conf" --cache "$DB" "$@" \
	    >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# The silences amtool sees on URL (all, expired too) as
# "id|state|createdBy|comment|endsAt" lines.
amq() {
	amtool --alertmanager.url="$1" silence query --expired -o json \
	    2>/dev/null | servers_json '"\n".join("|".join([s["id"],
	    s["status"]["state"], s["createdBy"], s["comment"], s["endsAt"]])
	    for s in d)'
	amtool --alertmanager.url="$1" silence query -o json 2>/dev/null |
	    servers_json '"\n".join("|".join([s["id"], s["status"]["state"],
	    s["createdBy"], s["comment"], s["endsAt"]]) for s in d)'
}

# The line of silence ID on URL, or nothing.
amline() {
	amq "$1" | grep "^$2|" | head -n 1
}

config "$T/ha.yaml" "$AM_URL_a" "$AM_URL_b"

# --- add: written once, shown on both members ----------------------------------
run "$T/ha.yaml" silence add 'alertname="DiskFull"' 'severity=~"crit.*"' \
    --for 2h --comment "ACK disk filling, cleanup running"
writes=$((writes + 1))
id=$out
check_eq "silence add exits 0" "0" "$rc"
[ -z "$err" ] || printf '# %s\n' "$err"
check_eq "nothing on stderr: both members confirmed it" "" "$err"
echo "$id" | grep -Eq '^[0-9a-f-]{36}$'
check $? "silence add prints the new id" "a UUID" "$id"
la=$(amline "$AM_URL_a" "$id")
lb=$(amline "$AM_URL_b" "$id")
case $la in
"$id|active|oncall@example.org|ACK disk filling, cleanup running|"*) r=0 ;;
*) r=1 ;;
esac
check $r "amtool on am-1 shows it active with its author and comment" \
    "$id|active|oncall@example.org|ACK ..." "$la"
check_eq "amtool on am-2 shows the same silence" "$la" "$lb"
m=$(amtool --alertmanager.url="$AM_URL_b" silence query -o json 2>/dev/null |
    servers_json '",".join(sorted("%s%s%s" % (x["name"], {(True, False):
    "=", (True, True): "=~"}[(x["isEqual"], x["isRegex"])], x["value"])
    for s in d for x in s["matchers"]))')
check_eq "its matchers as written" 'alertname=DiskFull,severity=~crit.*' "$m"

# --- list -----------------------------------------------------------------------
run "$T/ha.yaml" silence list --fresh
check_eq "silence list --fresh exits 0" "0" "$rc"
printf '%s\n' "$out" | grep -F "$id" | grep -q 'active' &&
    printf '%s\n' "$out" | grep -Fq 'alertname="DiskFull", severity=~"crit.*"' &&
    printf '%s\n' "$out" | grep -Fq 'ACK disk filling, cleanup running' &&
    printf '%s\n' "$out" | grep -Fq 'oncall@example.org'
check $? "silence list shows id, state, matchers, comment and author" \
    "the silence" "$out"
run "$T/ha.yaml" silence list --format json
cnt=$(printf '%s' "$out" | servers_json 'len([s for s in d if s["id"] == "'"$id"'"
    and s["comment"].startswith("ACK")])')
check_eq "silence list --format json (from the cache) has it" "1" "$cnt"
# A comment with a C1 control (CSI) and a bidi override, as a hostile
# author could write it: escaped in the JSON, the text intact for a reader.
sqlite3 "$DB" "INSERT INTO silences (context, source, id, state, matchers,
    created_by, comment, starts_at_ms, ends_at_ms, updated_at_ms, seen_ms)
    VALUES ('real', 'x', 'hostile-1', 'active', '[]', 'mallory',
    'a' || char(155) || '31m b' || char(8238) || 'c',
    strftime('%s','now') * 1000 - 1000, strftime('%s','now') * 1000 + 3600000,
    0, 0)"
run "$T/ha.yaml" silence list --format json
r=0
printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\302\233')" && r=1
printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\342\200\256')" && r=1
check $r "the JSON list carries no raw C1 control or bidi override" \
    "\\u009b and \\u202e" "$out"
check_eq "a reader gets the comment back as written" "true" \
    "$(printf '%s' "$out" | servers_json 'any(s["comment"] == "a\u009b31m b\u202ec" for s in d)')"

# --- extend in place --------------------------------------------------------------
ends_before=$(amline "$AM_URL_a" "$id" | cut -d'|' -f5)
run "$T/ha.yaml" silence add --id "$id" --for 3h
writes=$((writes + 1))
check_eq "silence add --id extends it: exit 0" "0" "$rc"
check_eq "the same id (changed in place, not replaced)" "$id" "$out"
check_eq "both members confirmed the change" "" "$err"
ea=$(amline "$AM_URL_a" "$id" | cut -d'|' -f5)
eb=$(amline "$AM_URL_b" "$id" | cut -d'|' -f5)
[ -n "$ea" ] && [ "$ea" != "$ends_before" ] && [ "$ea" = "$eb" ]
check $? "amtool shows the later end on both members" \
    "later than $ends_before, equal" "am-1 $ea, am-2 $eb"
[ "$(amline "$AM_URL_b" "$id" | cut -d'|' -f4)" = \
    "ACK disk filling, cleanup running" ]
check $? "the change kept the comment"

# --- Alertmanager's own refusals ---------------------------------------------------
run "$T/ha.yaml" silence add 'job=~"a{1,2000}"' --for 1h --comment "bad"
writes=$((writes + 1))
check_eq "a regex Alertmanager refuses: exit 1" "1" "$rc"
case $err in
*"refused the silence as invalid (HTTP 400)"*"repeat"*) r=0 ;;
*) r=1 ;;
esac
check $r "with Alertmanager's own message" "...invalid (HTTP 400): ...repeat..." "$err"
run "$T/ha.yaml" silence add 'job="x"' --until 2020-01-01T00:00:00Z \
    --comment "in the past"
writes=$((writes + 1))
check_eq "an end before the start: exit 1" "1" "$rc"
case $err in
*"(HTTP 400): "*"time"*"; correct it and try again") r=0 ;;
*) r=1 ;;
esac
check $r "with Alertmanager's message and what to do" "(HTTP 400): ...time..." "$err"
run "$T/ha.yaml" silence add --id 00000000-0000-0000-0000-000000000000 \
    'job="x"' --for 1h --comment "no such"
writes=$((writes + 1))
check_eq "changing an unknown silence: exit 1" "1" "$rc"
case $err in
*"has no silence 00000000-0000-0000-0000-000000000000 (HTTP 404"*) r=0 ;;
*) r=1 ;;
esac
check $r "naming the id" "has no silence ... (HTTP 404" "$err"
before=$(amq "$AM_URL_a" | wc -l)
run "$T/ha.yaml" silence add 'job="x"' --for 1h
check_eq "no --comment: usage error, exit 2" "2" "$rc"
run "$T/ha.yaml" silence add 'job="x' --for 1h --comment c
check_eq "matchers that do not parse: exit 2" "2" "$rc"
check_eq "neither reached Alertmanager" "$before" "$(amq "$AM_URL_a" | wc -l)"

# --- expire ------------------------------------------------------------------------
run "$T/ha.yaml" silence expire "$id"
writes=$((writes + 1))
check_eq "silence expire exits 0" "0" "$rc"
case $out in
"silence $id expired on am-1 ($AM_URL_a)") r=0 ;;
*) r=1 ;;
esac
check $r "and says where" "silence $id expired on am-1 ($AM_URL_a)" "$out"
check_eq "both members confirmed the expiry" "" "$err"
check_eq "amtool on am-1 shows it expired" "expired" \
    "$(amline "$AM_URL_a" "$id" | cut -d'|' -f2)"
check_eq "amtool on am-2 shows it expired" "expired" \
    "$(amline "$AM_URL_b" "$id" | cut -d'|' -f2)"
run "$T/ha.yaml" silence list --fresh
printf '%s\n' "$out" | grep -Fq "$id"
check $((!$?)) "silence list no longer shows it" "" "$out"

# --- a member down ------------------------------------------------------------------
servers_stop "$AM_PID_a"
run "$T/ha.yaml" silence add 'alertname="Down"' --for 1h --comment "ACK one down"
writes=$((writes + 1))
id2=$out
check_eq "with am-1 stopped, silence add still exits 0" "0" "$rc"
check_eq "am-2 has it" "active" "$(amline "$AM_URL_b" "$id2" | cut -d'|' -f2)"
case $err in
*"warning: am-1 ($AM_URL_a) could not be asked whether it shows silence $id2"*"connection refused"*) r=0 ;;
*) r=1 ;;
esac
check $r "the warning names am-1 as not answering" "warning: am-1 ($AM_URL_a) could not be asked ..." "$err"
config "$T/down.yaml" "$AM_URL_a"
run "$T/down.yaml" silence add 'alertname="Down"' --for 1h --comment "none up"
writes=$((writes + 1))
check_eq "with no member up: exit 1" "1" "$rc"
case $err in
"sitrep: no Alertmanager could be reached (am-1 ($AM_URL_a): connection refused"*"check that they run"*) r=0 ;;
*) r=1 ;;
esac
check $r "saying which and what to do" "no Alertmanager could be reached ..." "$err"

# --- two Alertmanagers that do not gossip ---------------------------------------------
am_start c || exit 1
am_start d || exit 1
config "$T/split.yaml" "$AM_URL_c" "$AM_URL_d"
run "$T/split.yaml" silence add 'alertname="Split"' --for 1h --comment "ACK split"
writes=$((writes + 1))
id3=$out
check_eq "not clustered: written anyway, exit 0" "0" "$rc"
check_eq "am-1 has it" "active" "$(amline "$AM_URL_c" "$id3" | cut -d'|' -f2)"
check_eq "am-2 does not" "" "$(amline "$AM_URL_d" "$id3")"
check_eq "the warning names am-2" \
    "sitrep: warning: am-2 ($AM_URL_d) does not show silence $id3 yet; its cluster may be split" \
    "$err"

# --- writes refused (403) -----------------------------------------------------------
"$PYTHON" "$top_srcdir/tests/lib/deny_proxy.py" "$AM_URL_c" "$T/deny.port" >"$T/deny.log" 2>&1 &
SERVERS_PIDS="$SERVERS_PIDS $!"
wait_for 'test -s "$T/deny.port"' 10 || { echo "# the proxy did not start"; cat "$T/deny.log"; }
DENY=http://127.0.0.1:$(cat "$T/deny.port")
config "$T/deny.yaml" "$DENY" "$AM_URL_d"
before=$(amq "$AM_URL_d" | wc -l)
run "$T/deny.yaml" silence add 'alertname="Denied"' --for 1h --comment "ACK no"
writes=$((writes + 1))
check_eq "a 403 for the write: exit 1" "1" "$rc"
case $err in
"sitrep: am-1 ($DENY) refuses writes (HTTP 403): writes are not allowed through this gateway; "*) r=0 ;;
*) r=1 ;;
esac
check $r "saying who refused, why and what to do" "am-1 ($DENY) refuses writes (HTTP 403): ..." "$err"
check_eq "and not tried on am-2" "$before" "$(amq "$AM_URL_d" | wc -l)"

# --- no Alertmanager ---------------------------------------------------------------------
config "$T/none.yaml"
run "$T/none.yaml" silence add 'alertname="X"' --for 1h --comment "ACK"
writes=$((writes + 1))
check_eq "a context without Alertmanager: exit 2" "2" "$rc"
case $err in
"sitrep: context real has no Alertmanager to write to; add "*) r=0 ;;
*) r=1 ;;
esac
check $r "saying what to configure" "context real has no Alertmanager to write to; add ..." "$err"

# --- the audit log --------------------------------------------------------------------------
rows=$(sqlite3 "$DB" "SELECT action || ' ' || result FROM audit ORDER BY seq" |
    tr '\n' ',')
check_eq "one audit row per write, with its result" \
    "silence ok,silence update ok,silence invalid,silence invalid,silence update invalid,expire ok,silence ok,silence unreachable,silence ok,silence refused,silence unreachable," \
    "$rows"
check_eq "as many rows as writes" "$writes" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM audit")"
check_eq "each by the operator, in context real" "$writes" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'oncall@example.org' AND context = 'real'")"
sqlite3 "$DB" "SELECT detail FROM audit WHERE seq = 1" | grep -Fq "$id"
check $? "the first row names the silence it created"
run "$T/ha.yaml" audit verify
check_eq "sitrep audit verify: the chain is intact" \
    "0|audit log: $writes entries, hash chain intact" "$rc|$out"

tap_done
