#!/bin/bash
# tenant_header.sh: a multi-tenant query path behind a path prefix, as
# docs/SCALING.md describes it.
#
# tests/lib/httpd.py, with its request log, plays a Thanos-style query
# endpoint under /thanos (the Prometheus API, tenant in THANOS-TENANT) and
# a Mimir-style Alertmanager under /alertmanager (tenant in X-Scope-OrgID),
# each answering a little canned JSON, and 404 to any path outside its
# prefix.  A context points at both with `headers:`, has an SLO so that
# queries are made, and `sitrep fetch --once` runs one round.  Then: every
# request kept the path prefix and carried its own endpoint's header with
# the configured value, and not the other endpoint's; the queries were
# made; and no header value (they may be secrets) is printed by `config
# check`, `fetch` or `cache info`, or written to the cache file.
# TAP output; the plan comes last.

# wait_for evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=$top_builddir/sitrep
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"

need_tools "$PYTHON"
if [ ! -x "$SITREP" ]; then
	skip_all "$SITREP is not built"
fi

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
servers_home || exit 1

TENANT=team-a
ORGID=org-7d41e9-tenant-b

# Print a file as TAP diagnostics, with control bytes made visible.
diag() {
	cat -v "$@" | sed 's/^/# /'
}

# --- the query endpoints ------------------------------------------------------
# httpd.py logs every request (--log); this wrapper answers the Prometheus
# API under /thanos and the Alertmanager API under /alertmanager.
cat >"$T/tenant.py" <<'EOF'
"""tests/lib/httpd.py as a Thanos query and a Mimir Alertmanager."""
import importlib.util
import json
import sys

spec = importlib.util.spec_from_file_location("httpd", sys.argv[1])
httpd = importlib.util.module_from_spec(spec)
spec.loader.exec_module(httpd)

OK = {"status": "success"}
PROM = {
    "/thanos/api/v1/targets": dict(OK, data={
        "activeTargets": [{"labels": {"job": "api", "instance": "a:1"},
                           "scrapePool": "api", "scrapeUrl": "http://a:1/",
                           "health": "up", "lastError": "",
                           "lastScrape": "2026-01-01T00:00:00Z",
                           "lastScrapeDuration": 0.01}],
        "droppedTargets": []}),
    "/thanos/api/v1/query": dict(OK, data={"resultType": "vector", "result": [
        {"metric": {"job": "api"}, "value": [1700000000, "0.001"]}]}),
    "/thanos/api/v1/query_range": dict(OK, data={"resultType": "matrix",
                                                 "result": []}),
    "/alertmanager/api/v2/alerts": [],
    "/alertmanager/api/v2/silences": [],
    "/alertmanager/api/v2/status": {"cluster": {"status": "disabled",
                                                "peers": []}},
}


def route(self):
    """The canned answer for the path, or 404 outside the prefixes."""
    self.rfile.read(int(self.headers.get("Content-Length") or 0))
    doc = PROM.get(self.path.split("?")[0])
    if doc is None:
        self.send(404, b'{"status":"error","error":"no such route"}')
    else:
        self.send(200, json.dumps(doc).encode())


httpd.Handler.route = route
sys.argv = [sys.argv[0]] + sys.argv[2:]
httpd.main()
EOF
"$PYTHON" "$T/tenant.py" "$top_srcdir/tests/lib/httpd.py" \
    --port-file "$T/ports" --log "$T/requests.log" --lifetime 300 \
    >"$T/httpd.log" 2>&1 </dev/null &
SERVERS_PIDS="$SERVERS_PIDS $!"
if ! wait_for 'test -s "$T/ports"' 20; then
	skip_all "httpd.py did not start: $(head -n 3 "$T/httpd.log")"
fi
H=http://127.0.0.1:$(sed -n 's/^http=//p' "$T/ports")

DB=$T/cache.db
cat >"$T/tenant.yaml" <<EOF
contexts:
  - name: tenant-a
    prometheus:
      url: "$H/thanos"
      headers:
        THANOS-TENANT: $TENANT
    alertmanagers:
      - url: "$H/alertmanager"
        headers:
          X-Scope-OrgID: $ORGID
services:
  - name: api
    match: {job: api}
slos:
  - name: api-availability
    service: api
    objective: 99.9
    sli:
      raw:
        error_ratio_query: sum(rate(errors_total[{{.window}}])) / sum(rate(requests_total[{{.window}}]))
EOF

# --- one round ----------------------------------------------------------------
"$SITREP" config check "$T/tenant.yaml" >"$T/check.out" 2>&1
check $? "config check accepts the tenant headers"
diag "$T/check.out"

timeout 60 "$SITREP" --config "$T/tenant.yaml" --cache "$DB" fetch --once \
    >"$T/fetch.out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c ' ok ' "$T/fetch.out")" = 2 ]
check $? "fetch --once: both sources answer under their path prefix"
diag "$T/fetch.out"

timeout 30 "$SITREP" --config "$T/tenant.yaml" --cache "$DB" cache info \
    >"$T/info.out" 2>&1
check $? "cache info runs"
diag "$T/info.out"

# --- what the endpoints saw ---------------------------------------------------
# One line per check: "COUNT BAD" for the requests under PREFIX: how many,
# and how many lack HEADER=VALUE or carry the header named OTHER.
"$PYTHON" - "$T/requests.log" >"$T/seen.out" 2>&1 <<'EOF'
import json
import sys

reqs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for prefix, header, value, other in (
        ("/thanos/", "thanos-tenant", "team-a",
         "x-scope-orgid"),
        ("/alertmanager/", "x-scope-orgid", "org-7d41e9-tenant-b",
         "thanos-tenant")):
    mine = [r for r in reqs if r["path"].startswith(prefix)]
    bad = [r for r in mine if r["headers"].get(header) != value or
           other in r["headers"]]
    print(len(mine), len(bad))
outside = [r["path"] for r in reqs
           if not r["path"].startswith(("/thanos/api/v1/",
                                        "/alertmanager/api/v2/"))]
print(len(outside), " ".join(outside))
paths = {r["path"].split("?")[0] for r in reqs}
print(" ".join(sorted(paths)))
queries = [r for r in reqs if r["path"].startswith("/thanos/api/v1/query?")
           and "errors_total" in r["path"]]
print(len(queries))
EOF
diag "$T/seen.out"
prom=$(sed -n 1p "$T/seen.out")
am=$(sed -n 2p "$T/seen.out")
outside=$(sed -n 3p "$T/seen.out" | cut -d" " -f1)
paths=$(sed -n 4p "$T/seen.out")
slo_queries=$(sed -n 5p "$T/seen.out")

[ "${prom%% *}" -ge 3 ] 2>/dev/null
check $? "the query endpoint was asked (targets, up and the SLO)" \
    "3 or more requests" "${prom%% *}"
check_eq "every query request carried THANOS-TENANT: $TENANT, and no X-Scope-OrgID" \
    0 "${prom##* }"
[ "${slo_queries:-0}" -ge 1 ] 2>/dev/null
check $? "the SLO's PromQL was queried through the prefix" \
    "1 or more" "$slo_queries"
check_eq "every Alertmanager request (alerts, silences, status) was made" \
    "yes" "$(case $paths in
	*/alertmanager/api/v2/alerts*/alertmanager/api/v2/silences*/alertmanager/api/v2/status*) echo yes ;;
	*) echo "no: $paths" ;;
	esac)"
check_eq "every Alertmanager request carried X-Scope-OrgID: $ORGID, and no THANOS-TENANT" \
    0 "${am##* }"
check_eq "no request lost its path prefix" 0 "$outside"

# --- the values stay out of output and the cache --------------------------------
for f in check fetch info; do
	if grep -F -e "$TENANT" -e "$ORGID" "$T/$f.out" >/dev/null; then
		check 1 "no header value in the output of $f"
	else
		check 0 "no header value in the output of $f"
	fi
done
if grep -a -F -e "$TENANT" -e "$ORGID" "$DB"* >/dev/null; then
	check 1 "no header value in the cache file"
else
	check 0 "no header value in the cache file"
fi

tap_done
