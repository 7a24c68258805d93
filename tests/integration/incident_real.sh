#!/bin/bash
# incident_real.sh: incidents kept in the cache across `sitrep fetch
# --once` rounds against a real Alertmanager.
#
# Pushes a critical alert to a real Alertmanager; two fetches must keep
# one incident with the same id (triggered, P0, one "fired" row), and
# `sitrep snapshot` must show that id, state and priority.  The alert is
# then resolved on the server: the next fetch records it as resolved but
# keeps the incident open (the grace period, resolve_after, is 3s here);
# a fetch after the grace period resolves it.  The alert firing again is
# a new incident, a recurrence of the first.  TAP output; the plan comes
# last.

# wait_for evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016

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

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
mkdir -p "$T/home" "$T/xdg/config" "$T/xdg/cache"
export HOME=$T/home XDG_CONFIG_HOME=$T/xdg/config XDG_CACHE_HOME=$T/xdg/cache
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8

am_start || exit 1

cat >"$T/inc.yaml" <<EOF
contexts:
  - name: real
    alertmanagers:
      - url: "$AM_URL"
        timeout: 5s
incidents:
  heartbeats: []
  resolve_after: 3s
EOF
DB=$T/inc.db

# One fetch; status in $rc, output in $T/fetch.out.
fetch() {
	timeout 60 "$SITREP" --config "$T/inc.yaml" --cache "$DB" fetch --once \
	    >"$T/fetch.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$T/fetch.out"
}
# The rows of a query on the cache, '|' between columns.
q() {
	sqlite3 "$DB" "$1"
}
# How many alerts Alertmanager lists.
am_count() {
	curl -sf "$AM_URL/api/v2/alerts" | servers_json 'len(d)'
}

LABELS='{"alertname":"IncidentTest","service":"api","severity":"critical"}'
ANN='{"summary":"api returns errors"}'
STARTS=$(servers_time -2m)
am_push_alert "$LABELS" "$ANN" "$STARTS"
wait_for 'test "$(am_count)" = 1' 10
check $? "Alertmanager lists the pushed alert"

fetch
check $rc "the first fetch works"
first=$(q "SELECT id || '|' || state || '|' || priority FROM incidents")
id=${first%%|*}
check_eq "one incident, triggered, P0" "$id|triggered|P0" "$first"

fetch
check $rc "the second fetch works"
check_eq "the second fetch keeps the incident and its id" \
    "1|$id|triggered" "$(q "SELECT count(*), max(id), max(state) FROM incidents")"
# A P0 reaches the built-in policy's first level (automated response)
# when it fires.
check_eq "its timeline says it fired, once, and escalated to level 1" \
    "fired,escalated" \
    "$(q "SELECT group_concat(kind, ',') FROM (SELECT kind FROM
    incident_timeline ORDER BY ts_ms, id)")"

timeout 60 "$SITREP" --config "$T/inc.yaml" --cache "$DB" snapshot \
    --format json >"$T/snap.json" 2>"$T/snap.err"
check_eq "the snapshot shows the cached id, state and priority" \
    "$id triggered P0" "$(servers_json \
    '" ".join((d["incidents"][0]["id"], d["incidents"][0]["state"],
    d["incidents"][0]["priority"]))' <"$T/snap.json")"

# Resolve it on the server: the same alert, ending now.
am_push_alert "$LABELS" "$ANN" "$STARTS" now
wait_for 'test "$(am_count)" = 0' 10
check $? "Alertmanager no longer lists the resolved alert"
fetch
check $rc "a fetch after the alert resolved works"
check_eq "the alert is resolved, the incident mitigated for the grace period" \
    "mitigated|1" "$(q "SELECT state, quiet_ms IS NOT NULL FROM incidents")"
sleep 3.2
fetch
check $rc "a fetch after the grace period works"
check_eq "after the grace period the incident is resolved, same id" \
    "$id|resolved" "$(q "SELECT id, state FROM incidents")"
check_eq "its timeline, in order" \
    "fired,escalated,alert resolved,state changed,state changed" \
    "$(q "SELECT group_concat(kind, ',') FROM (SELECT kind FROM
    incident_timeline ORDER BY ts_ms, id)")"

# It fires again: a new incident, a recurrence of the first.
am_push_alert "$LABELS" "$ANN" now
wait_for 'test "$(am_count)" = 1' 10
fetch
check $rc "a fetch after the alert fired again works"
again=$(q "SELECT id || '|' || recurrence_of FROM incidents WHERE state =
    'triggered'")
check_eq "a firing after it resolved is a new incident linked to it" \
    "$id" "${again#*|}"
[ -n "${again%%|*}" ] && [ "${again%%|*}" != "$id" ]
check $? "the new incident has its own id (${again%%|*})"

tap_done
