#!/bin/bash
# incident_cli.sh: `sitrep incident list` and `sitrep incident show` on
# the demo's cache.
#
# One demo fetch fills the cache with the simulator's incidents; two more
# are written into it as core/incident.c would keep them: a resolved one
# with known times (acknowledged after 3m, mitigated after 9m, resolved
# after 10m) whose title, actor, labels, annotations and receivers carry
# terminal escapes (ESC, BEL, the C1 CSI), and one acknowledged locally.
# Checks: the lists and their --state filters in text and JSON (parsed by
# python3, schema sitrep.incidents/1), the durations, the detail with its
# timeline and receivers (sitrep.incident/1), ids by prefix, exit 2 for a
# bad or unknown id or option, exit 1 without a readable cache, and that
# no escape reaches the terminal raw while JSON keeps the original text.
# TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep

need_tools sqlite3 python3
[ -x "$SITREP" ] || skip_all "$SITREP is not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-incident-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/config" "$T/cache"
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8
DB=$T/cache/sitrep/demo.db

# Run sitrep --demo with the arguments: stdout in $T/out, stderr in
# $T/err, status in $rc.
run() {
	"$SITREP" --demo "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# Whether $1 holds a raw ESC, BEL or C1 CSI (U+009B) byte sequence.
raw_escapes() {
	python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
sys.exit(0 if (b"\x1b" in b or b"\x07" in b or b"\xc2\x9b" in b) else 1)
' "$1"
}
# Evaluate a python3 expression on the JSON in $T/out as d; prints it.
js() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))
' "$T/out" "$1" 2>&1
}

run fetch --once
check $rc "a demo fetch fills the cache"

# Two incidents written as core/incident.c keeps them.
S=$(( $(date +%s) * 1000 - 7200000 ))
E="char(27)"
sqlite3 "$DB" "
INSERT INTO incidents (id, context, group_key, title, severity, priority,
  state, started_ms, updated_ms, quiet_ms, resolved_ms, mitigated_ms,
  first_ack_ms, first_ack_by)
VALUES ('feed0001', 'demo', 'alertname=Evil',
  'Evil ' || $E || ']0;pwned' || char(7) || $E || '[2J title', 'critical',
  'P0', 'resolved', $S, $S + 600000, $S + 600000, $S + 600000,
  $S + 540000, $S + 180000, 'mallory' || $E || '[31m');
INSERT INTO incident_timeline (incident_id, ts_ms, kind, actor, text)
VALUES ('feed0001', $S, 'fired', 'system', 'Evil fired' || $E || '[2J'),
  ('feed0001', $S + 180000, 'acknowledged', 'mallory' || $E || '[31m',
  'acked ' || char(155) || '31m by mallory'),
  ('feed0001', $S + 600000, 'state changed', 'system',
  'mitigated -> resolved');
INSERT INTO incident_alerts (incident_id, fingerprint, alertname, severity,
  joined_ms) VALUES ('feed0001', 'evilfp', 'Evil', 'critical', $S);
INSERT INTO alerts (context, source, fingerprint, alertname, severity,
  state, silenced_by, inhibited_by, labels, annotations, receivers,
  starts_at_ms, updated_at_ms)
VALUES ('demo', 'sim', 'evilfp', 'Evil', 'critical', 'active', '[]', '[]',
  json_object('alertname', 'Evil', 'pod', 'p' || $E || '[2J'),
  json_object('summary', 'sum' || $E || ']8;;http://x' || char(7)),
  json_array('recv' || $E || '[5m', 'pager'), $S, $S);
INSERT INTO incidents (id, context, group_key, title, severity, priority,
  state, started_ms, updated_ms, ack_by, ack_ms, ack_until_ms, ack_local,
  ack_reason, first_ack_ms, first_ack_by)
VALUES ('feed0002', 'demo', 'alertname=Local', 'Local ack', 'warning', 'P2',
  'acknowledged', $S, $S, 'bob', $S + 60000, $S + 86400000, 1,
  'HTTP 403: read-only', $S + 60000, 'bob');
"
check $? "two incidents written into the demo's cache"

# ---- list -----------------------------------------------------------------
run incident list
check $rc "incident list (open by default) exits 0"
head -n 1 "$T/out" | grep -q '^ID  *PRI  *STATE  *AGE  *TTA  *TTM  *TTR  *ACKED BY  *TITLE'
check $? "the text list has its column header"
{ grep -q '^feed0002 .*acked .*bob (local)' "$T/out" &&
    ! grep -q feed0001 "$T/out"; }
check $? "open lists the acknowledged incident (local) and not the resolved one"

run incident list --state all --format json
check $rc "incident list --state all --format json exits 0"
check_eq "the list's schema and filter" "sitrep.incidents/1 all" \
    "$(js 'd["schema"] + " " + d["state"]')"
check_eq "both written incidents are listed with the demo's" "True" \
    "$(js '{"feed0001", "feed0002"} <= {i["id"] for i in d["incidents"]} and len(d["incidents"]) > 2')"
check_eq "the resolved one's times: ack 3m, mitigate 9m, resolve 10m" \
    "180 540 600" \
    "$(js '" ".join(str(i["time_to_acknowledge_seconds"]) + " " + str(i["time_to_mitigate_seconds"]) + " " + str(i["time_to_resolve_seconds"]) for i in d["incidents"] if i["id"] == "feed0001")')"
check_eq "JSON keeps the original text (escapes as JSON escapes)" "True" \
    "$(js '[i for i in d["incidents"] if i["id"] == "feed0001"][0]["first_acknowledgement"]["by"] == "mallory\x1b[31m"')"
raw_escapes "$T/out"
check $((!$?)) "no raw escape in the JSON list"
check_eq "the local acknowledgement in JSON" "bob True HTTP 403: read-only" \
    "$(js '" ".join(str(v) for i in d["incidents"] if i["id"] == "feed0002" for v in (i["acknowledgement"]["by"], i["acknowledgement"]["local"], i["acknowledgement"]["local_reason"]))')"
check_eq "newest start first" "True" \
    "$(js '[i["started_at"] for i in d["incidents"]] == sorted([i["started_at"] for i in d["incidents"]], reverse=True)')"

run incident list --state resolved --format json
check_eq "--state resolved: only resolved ones" "feed0001 resolved" \
    "$(js '" ".join(i["id"] + " " + i["state"] for i in d["incidents"])')"
run incident list --state acknowledged --format json
check_eq "--state acknowledged: only acknowledged ones" "acknowledged" \
    "$(js '" ".join(sorted({i["state"] for i in d["incidents"]}))')"
run incident list --state triggered --format json
check_eq "--state triggered: the demo's, none of the written ones" "True" \
    "$(js 'len(d["incidents"]) > 0 and all(i["state"] == "triggered" for i in d["incidents"])')"

run incident list --state all
check $rc "incident list --state all (as messages suggest) exits 0"
raw_escapes "$T/out"
check $((!$?)) "no raw escape reaches the terminal from the text list"
grep -q '^feed0001 .*resolved .*3m  *9m  *10m  *mallory^\[\[31m  *Evil ^\[\]0;pwned^G^\[\[2J title' "$T/out"
check $? "the text list shows the durations and the hostile text as caret text" \
    "feed0001 ... 3m 9m 10m mallory^[[31m Evil ^[]0;pwned^G^[[2J title" \
    "$(grep feed0001 "$T/out")"

# ---- show -----------------------------------------------------------------
run incident show feed0001
check $rc "incident show ID exits 0"
raw_escapes "$T/out"
check $((!$?)) "no raw escape reaches the terminal from the detail"
{ grep -q 'first ack .*by mallory^\[\[31m at .*after 3m' "$T/out" &&
    grep -q 'resolved .*after 10m' "$T/out" &&
    grep -q 'notified .*recv^\[\[5m, pager' "$T/out" &&
    grep -q 'pod=p^\[\[2J' "$T/out"; }
check $? "the detail: first ack, resolve, receivers notified, labels" \
    "first ack / resolved / notified / labels lines" "$(cat "$T/out")"
sed -n '/^TIMELINE/,$p' "$T/out" | sed 1d | awk '{print $2}' | tr '\n' ' ' >"$T/actors"
check_eq "the timeline in order, with its actors" \
    "system mallory^[[31m system " "$(cat "$T/actors")"
grep -q 'acknowledged: acked ' "$T/out" && ! grep -q "$(printf '\302\233')" "$T/out"
check $? "a C1 control in the timeline text is not passed raw"

run incident show feed0001 --format json
check $rc "incident show --format json exits 0"
check_eq "the detail's schema, receivers and timeline" \
    "sitrep.incident/1 ['recv\\x1b[5m', 'pager'] ['fired', 'acknowledged', 'state changed']" \
    "$(js 'd["schema"] + " " + repr(d["incident"]["receivers"]) + " " + repr([e["kind"] for e in d["incident"]["timeline"]])')"
check_eq "the detail's alert with its labels as an object" "Evil p\x1b[2J True" \
    "$(js '" ".join(str(v) for a in d["incident"]["alerts"][:1] for v in (a["alertname"], repr(a["labels"]["pod"])[1:-1], a["listed"]))')"
raw_escapes "$T/out"
check $((!$?)) "no raw escape in the JSON detail"

run incident show feed0002
grep -q 'acknowledged  *by bob until .*(local ack, not shared: HTTP 403: read-only)' "$T/out"
check $? "a local acknowledgement says so, with its reason" \
    "acknowledged by bob until ... (local ack, not shared: ...)" "$(cat "$T/out")"

id=$(sqlite3 "$DB" "SELECT id FROM incidents WHERE id NOT LIKE 'feed%' ORDER BY started_ms LIMIT 1")
run incident show "${id:0:4}"
{ [ $rc -eq 0 ] && grep -q "^Incident $id:" "$T/out"; }
check $? "an id's first 4 hex digits name it"

run incident show feed
check_eq "a prefix two ids share: exit 2" "2" "$rc"
grep -q 'more than one incident' "$T/err"
check $? "... and says to give more of it"
run incident show abcd9999
check_eq "an unknown id: exit 2" "2" "$rc"
grep -q 'sitrep incident list --state all' "$T/err"
check $? "... and names the command that lists them all"
run incident show "$(printf 'zz\033[2J')"
check_eq "not an id: exit 2" "2" "$rc"
raw_escapes "$T/err"
check $((!$?)) "... and the message does not echo the escape raw"
run incident show
check_eq "show without an id: exit 2" "2" "$rc"
run incident show feed0001 feed0002
check_eq "show with two ids: exit 2" "2" "$rc"
run incident list --state acked
check_eq "an unknown --state: exit 2" "2" "$rc"
grep -q 'open|triggered|acknowledged|mitigated|resolved|all' "$T/err"
check $? "... and the message lists the states"
run incident list --format xml
check_eq "an unknown --format: exit 2" "2" "$rc"

# ---- no readable cache ------------------------------------------------------
XDG_CACHE_HOME=$T/nocache run incident list
check_eq "no cache: exit 1" "1" "$rc"
[ ! -e "$T/nocache/sitrep/demo.db" ]
check $? "... and none is created"
printf 'not a cache\n' >"$T/garbage.db"
run --cache "$T/garbage.db" incident show feed0001
check_eq "a file that is not a cache: exit 1" "1" "$rc"
check_eq "... and it is left as it was" "not a cache" "$(cat "$T/garbage.db")"

tap_done
