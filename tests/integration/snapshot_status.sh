#!/bin/bash
# snapshot_status.sh: the exit codes of `sitrep snapshot` and how it behaves
# where it is used: cron, CI and monitoring checks.
#
# Against a real Prometheus (backfilled history, tests/lib/gen_history.py),
# two real Alertmanagers and the Kubernetes API emulator, as TAP:
#
#  - golden exit codes: configurations whose SLOs or alerts make the
#    status OK (0), WARNING (1), CRITICAL (2) and UNKNOWN (3); each format
#    read from the same cache exits with the same code, and the JSON
#    `status` agrees; a silenced critical alert stops counting;
#  - no terminal: stdin from /dev/null, no controlling terminal, output to
#    a file: default width 100, no escape sequence unless --color asks for
#    one (and then only SGR colour);
#  - --width N: no text line wider than N display columns, in UTF-8 and
#    in ASCII (then pure ASCII); bad widths are refused with exit 3;
#  - --output FILE: the same bytes as stdout, written by replacing the file
#    (a hard link to the old one keeps the old content), no temporary file
#    left, a failed write leaves nothing and exits 3;
#  - every backend down, cache older than three refresh intervals: the
#    last known SLOs, alerts and services still render, every source is
#    marked stale (and failed, after --fresh), and the exit code is 3.

# wait_for evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016
# want_alerts is read by the commands wait_for evaluates.
# shellcheck disable=SC2034

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SITREP=${SITREP:-$top_builddir/sitrep}
# shellcheck source=tests/lib/servers.sh
. "$top_srcdir/tests/lib/servers.sh"
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"
data=$top_srcdir/tests/data/snapshot
check_snapshot=$top_srcdir/tests/lib/check_snapshot.py

servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" prometheus
need_tools openssl
[ -x "$SITREP" ] || skip_all "$SITREP is not built"

# Print the value of a Python expression (d) of a JSON file.
jq_py() {
	servers_json "$2" <"$1" 2>/dev/null
}

started=$(date +%s)
servers_tmpdir || exit 1
trap 'servers_cleanup; kubeemu_stop' EXIT
trap 'servers_cleanup; kubeemu_stop; exit 130' INT
trap 'servers_cleanup; kubeemu_stop; exit 143' TERM
tmp=$SERVERS_TMPDIR
# A private copy: the binary under test stays the same for the whole run.
cp "$SITREP" "$tmp/sitrep" && SITREP=$tmp/sitrep
hist=$tmp/history
mkdir -p "$hist"

# --- servers ---------------------------------------------------------------
"$PYTHON" "$top_srcdir/tests/lib/gen_history.py" --out "$hist/history.om" \
    --truth "$hist/truth.json" && prom_backfill "$hist/tsdb" "$hist/history.om"
check $? "history backfilled into TSDB blocks"
am_start && am_start quiet
check $? "two Alertmanagers are ready (one for the rules, one quiet)"
prom_start --tsdb "$hist/tsdb" --rules "$top_srcdir/tests/data/prom/rules.yml" \
    --am "$AM_URL"
check $? "Prometheus with the history and the test rules is ready"
kubeemu_start "$tmp/kube" >/dev/null
check $? "Kubernetes API emulator is ready"
T=$(servers_json 'd["eval_time"]' <"$hist/truth.json")
labels=$(servers_json 'd["labels"]' <"$data/hostile-alert.json")
annotations=$(servers_json 'd["annotations"]' <"$data/hostile-alert.json")
am_push_alert "$labels" "$annotations" -1m +1h
check $? "hostile alert pushed"

# Write config $1: context lines from stdin, then the SLO blocks named.
write_conf() {
	local file=$1 s
	shift
	{
		cat
		printf 'slos:\n'
		for s in "$@"; do
			sed -n "/^#@ $s\$/,/^#@ /p" "$data/slos.yaml" | grep -v '^#'
		done
	} >"$file"
}
# sitrep with config $1 and cache $2, then the snapshot options.
snap() {
	local conf=$1 cache=$2
	shift 2
	"$SITREP" --config "$conf" --cache "$cache" snapshot "$@"
}

# --- golden exit codes --------------------------------------------------------
# golden NAME WANT_STATUS WANT_CODE: build cache NAME from config NAME with
# one fresh round at T, then check the code and status of every format.
golden() {
	local name=$1 want=$2 code=$3 rc st f frc bad=
	snap "$tmp/$name.yaml" "$tmp/$name.db" --fresh --at "$T" --format json \
	    >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	st=$(jq_py "$tmp/$name.json" 'd["status"]')
	[ "$rc" = "$code" ] && [ "$st" = "$want" ] &&
	    "$PYTHON" "$check_snapshot" json "$tmp/$name.json" 2>/dev/null
	check $? "$name: --fresh JSON is $want ($st: $(jq_py "$tmp/$name.json" \
	    'd["status_reason"]')), exit $rc (want $code), schema-valid"
	for f in text markdown html json; do
		snap "$tmp/$name.yaml" "$tmp/$name.db" --at "$T" --format "$f" \
		    >/dev/null 2>&1
		frc=$?
		[ "$frc" = "$code" ] || bad="$bad $f=$frc"
	done
	[ -z "$bad" ]
	check $? "$name: every format from the cache exits $code${bad:+ (got$bad)}"
}

prom_ctx() {
	printf 'contexts:\n  - name: %s\n    refresh: 1s\n' "$1"
	printf '    prometheus: {url: "%s"}\n' "$2"
}
# ledger over 30d has spent 56% of its budget (a warning); over 3d, 41%.
prom_ctx ok "$PROM_URL" | write_conf "$tmp/ok.yaml" ledger-3d
golden ok OK 0
want=$(jq_py "$hist/truth.json" 'd["services"]["ledger"]["3d"]')
got=$(jq_py "$tmp/ok.json" 'd["slos"][0]["error_ratios"]["period"]')
"$PYTHON" -c 'import sys; sys.exit(abs(float(sys.argv[1]) / float(sys.argv[2]) - 1) > 0.01)' \
    "$got" "$want" 2>/dev/null
check $? "ok: a 3d period is asked as [3d]: ratio $got, truth $want"
prom_ctx warning "$PROM_URL" | write_conf "$tmp/warning.yaml" ledger search
golden warning WARNING 1
prom_ctx critical "$PROM_URL" | write_conf "$tmp/critical.yaml" ledger search \
    checkout
golden critical CRITICAL 2
prom_ctx unknown "http://127.0.0.1:$SERVERS_DEAD_PORT" |
    write_conf "$tmp/unknown.yaml" checkout
golden unknown UNKNOWN 3
err=$(jq_py "$tmp/unknown.json" '[s["error"] for s in d["sources"]][0]')
case $err in
*"127.0.0.1:$SERVERS_DEAD_PORT"*) check 0 "unknown: the source's error names the endpoint ($err)" ;;
*) check 1 "unknown: the source's error names the endpoint ($err)" ;;
esac

# Alerts alone decide: a warning, then a critical one, then it is silenced.
# Nothing sends the quiet Alertmanager a heartbeat: the pipeline is not
# watched here (a silent one would be a critical incident of its own).
# shellcheck disable=SC2154  # am_start quiet sets AM_URL_quiet
printf 'contexts:\n  - name: alerts\n    refresh: 1s\n    alertmanagers: [{url: "%s"}]\nincidents:\n  heartbeats: []\n' \
    "$AM_URL_quiet" | write_conf "$tmp/alerts.yaml"
# Count the alerts in the quiet Alertmanager.
quiet_count() {
	curl -sf --max-time 5 "$AM_URL_quiet/api/v2/alerts" | servers_json 'len(d)'
}
am_push_alert --am "$AM_URL_quiet" \
    '{"alertname":"DiskSlow","severity":"warning","service":"ledger"}' \
    '{"summary":"disk latency high"}' -1m +1h
wait_for 'test "$(quiet_count)" = 1' 10
golden alerts WARNING 1
cp "$tmp/alerts.yaml" "$tmp/alerts2.yaml"
am_push_alert --am "$AM_URL_quiet" \
    '{"alertname":"LedgerDown","severity":"critical","service":"ledger"}' \
    '{"summary":"ledger is down"}' -1m +1h
wait_for 'test "$(quiet_count)" = 2' 10
golden alerts2 CRITICAL 2
am_silence --am "$AM_URL_quiet" alertname=LedgerDown >/dev/null
# The silenced state of LedgerDown in the quiet Alertmanager.
quiet_silenced() {
	curl -sf --max-time 5 "$AM_URL_quiet/api/v2/alerts" |
	    servers_json '[a["status"]["state"] for a in d if a["labels"]["alertname"] == "LedgerDown"][0]'
}
wait_for 'test "$(quiet_silenced)" = suppressed' 10
cp "$tmp/alerts.yaml" "$tmp/alerts3.yaml"
golden alerts3 WARNING 1

# --- the full context: every source, hostile alerts ---------------------------
full=$tmp/full.yaml
{
	printf 'contexts:\n  - name: full\n    refresh: 1s\n'
	printf '    prometheus: {url: "%s"}\n' "$PROM_URL"
	printf '    alertmanagers: [{url: "%s"}]\n' "$AM_URL"
	printf '    kubernetes: {kubeconfig: "%s"}\n' "$KUBEEMU_KUBECONFIG"
} | write_conf "$full" checkout payments search ledger idle
# Names of the alerts in the main Alertmanager.
am_names() {
	curl -sf --max-time 5 "$AM_URL/api/v2/alerts" |
	    servers_json '" ".join(sorted(set(a["labels"]["alertname"] for a in d)))'
}
want_alerts="CheckoutErrorBudgetBurn HostileAnnotation HostilePushed LedgerReplicationLag SearchLatencyHigh"
wait_for 'test "$(am_names)" = "$want_alerts"' 30
check $? "hostile alerts are in Alertmanager ($(am_names))"
fc=$tmp/full.db
snap "$full" "$fc" --fresh --at "$T" --format json >"$tmp/full.json" 2>/dev/null
rc=$?
[ "$rc" = 2 ] && [ "$(jq_py "$tmp/full.json" 'd["status"]')" = CRITICAL ] &&
    [ "$(jq_py "$tmp/full.json" 'len(d["alerts"])')" = 5 ]
check $? "full: CRITICAL with 5 alerts, exit $rc"

# --- no terminal --------------------------------------------------------------
detach=
command -v setsid >/dev/null 2>&1 && detach="setsid -w"
(unset COLUMNS LINES; TERM=dumb LANG=C.UTF-8 LC_ALL=C.UTF-8 $detach \
    "$SITREP" --config "$full" --cache "$fc" snapshot --at "$T" \
    </dev/null >"$tmp/nt.txt" 2>"$tmp/nt.err")
rc=$?
(TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $detach \
    "$SITREP" --config "$full" --cache "$fc" snapshot --at "$T" --color \
    </dev/null >"$tmp/ntc.txt" 2>/dev/null)
crc=$?
[ "$rc" = 2 ] && [ "$crc" = 2 ] && [ ! -s "$tmp/nt.err" ]
check $? "no terminal${detach:+ (setsid)}: exit codes $rc and $crc with --color, want 2; nothing on stderr"

# Width, control bytes and escapes of a text file.  Prints TAP-ish lines.
# text_check FILE WIDTH ASCII(0/1) COLOR(0/1) LABEL
text_check() {
	"$PYTHON" - "$@" <<'PYEOF'
import re, sys, unicodedata
path, width, ascii_only, color, label = sys.argv[1:6]
width, ascii_only, color = int(width), ascii_only == "1", color == "1"
raw = open(path, "rb").read()
def out(good, desc):
    print("%d\t%s: %s" % (0 if good else 1, label, desc))
def cols(s):
    n = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn",
                                                                     "Me",
                                                                     "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n
try:
    text = raw.decode("ascii" if ascii_only else "utf-8")
    out(True, "valid %s" % ("ASCII" if ascii_only else "UTF-8"))
except UnicodeDecodeError as e:
    out(False, "valid %s (%s)" % ("ASCII" if ascii_only else "UTF-8", e))
    text = raw.decode("utf-8", "replace")
sgr = re.compile("\x1b\\[[0-9;]*m")
if color:
    out(sgr.search(text) is not None, "--color gives SGR colour")
    text = sgr.sub("", text)
ctl = re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]",
                text)
out(ctl is None, "no control byte%s%s" % (
    " beyond SGR colour" if color else ", no escape sequence",
    "" if ctl is None else " (U+%04X at %d)" % (ord(ctl.group()),
                                                 ctl.start())))
lines = text.split("\n")
widest = max(lines, key=cols)
out(cols(widest) <= width and len(lines) > 20,
    "%d lines, none wider than %d columns (widest %d: %r)" % (
        len(lines), width, cols(widest), widest[:50]))
PYEOF
}
text_check "$tmp/nt.txt" 100 0 0 "no terminal, default width" >"$tmp/nt.tsv"
text_check "$tmp/ntc.txt" 100 0 1 "no terminal, --color" >>"$tmp/nt.tsv"
check_lines "$tmp/nt.tsv"

# --- width --------------------------------------------------------------------
: >"$tmp/width.tsv"
for w in 40 57 80 100 132 200; do
	LANG=C.UTF-8 LC_ALL=C.UTF-8 snap "$full" "$fc" --at "$T" --width "$w" \
	    >"$tmp/w$w.txt" 2>/dev/null
	rc=$?
	echo "$([ "$rc" = 2 ] && echo 0 || echo 1)	--width $w exits 2 (got $rc)" \
	    >>"$tmp/width.tsv"
	text_check "$tmp/w$w.txt" "$w" 0 0 "--width $w, UTF-8" >>"$tmp/width.tsv"
done
for w in 40 100; do
	LANG=C LC_ALL=C snap "$full" "$fc" --at "$T" --width "$w" \
	    >"$tmp/a$w.txt" 2>/dev/null
	text_check "$tmp/a$w.txt" "$w" 1 0 "--width $w, C locale" >>"$tmp/width.tsv"
done
check_lines "$tmp/width.tsv"
bad=
for w in 39 1001 abc -5 ''; do
	snap "$full" "$fc" --at "$T" --width "$w" >"$tmp/bw.out" 2>"$tmp/bw.err"
	rc=$?
	{ [ "$rc" = 3 ] && [ ! -s "$tmp/bw.out" ] &&
	    grep -q "width" "$tmp/bw.err"; } || bad="$bad '$w'=$rc"
done
[ -z "$bad" ]
check $? "bad --width values exit 3 with a message and no output${bad:+ (got$bad)}"

# --- output ---------------------------------------------------------------------
od=$tmp/out
mkdir -p "$od"
snap "$full" "$fc" --at "$T" --format json >"$tmp/stdout.json" 2>/dev/null
snap "$full" "$fc" --at "$T" --format json --output "$od/snap.json" \
    >"$tmp/o.out" 2>"$tmp/o.err"
rc=$?
[ "$rc" = 2 ] && [ ! -s "$tmp/o.out" ] && cmp -s "$tmp/stdout.json" "$od/snap.json"
check $? "--output FILE: exit $rc, nothing on stdout, the same bytes as stdout"
ln "$od/snap.json" "$od/link.json"
ino1=$(stat -c %i "$od/snap.json")
snap "$full" "$fc" --at "$T" --format html --output "$od/snap.json" \
    2>/dev/null
rc=$?
ino2=$(stat -c %i "$od/snap.json")
[ "$rc" = 2 ] && [ "$ino1" != "$ino2" ] &&
    cmp -s "$tmp/stdout.json" "$od/link.json" &&
    head -c 15 "$od/snap.json" | grep -q '<!DOCTYPE html>'
check $? "--output replaces the file by rename: new inode, a hard link keeps the old whole content"
left=
for f in "$od"/* "$od"/.[!.]*; do
	case ${f##*/} in
	snap.json|link.json|'*'|'.[!.]*') ;;
	*) left="$left ${f##*/}" ;;
	esac
done
[ -z "$left" ]
check $? "no temporary file left beside the output${left:+ ($left)}"
snap "$full" "$fc" --at "$T" --output "$od/missing/dir/snap.txt" \
    >"$tmp/o.out" 2>"$tmp/o.err"
rc=$?
[ "$rc" = 3 ] && [ ! -e "$od/missing" ] && grep -q "missing/dir" "$tmp/o.err"
check $? "--output into a missing directory: exit $rc (want 3), error names it"
snap "$full" "$fc" --at "$T" --format json --output - >"$tmp/dash.json" 2>/dev/null
cmp -s "$tmp/stdout.json" "$tmp/dash.json"
check $? "--output - writes to stdout"

# --- every backend down, old cache ----------------------------------------------
cp "$tmp/full.json" "$tmp/before.json"
servers_cleanup_keep() {
	for p in $SERVERS_PIDS; do
		servers_stop "$p"
	done
	kubeemu_stop
}
servers_cleanup_keep
sleep 3.5	# three refresh intervals (refresh: 1s) and a half
snap "$full" "$fc" --format json >"$tmp/stale.json" 2>"$tmp/stale.err"
rc_ro=$?
t0=$(date +%s)
snap "$full" "$fc" --fresh --format json >"$tmp/stale2.json" 2>"$tmp/stale2.err"
rc_fr=$?
fresh_s=$(($(date +%s) - t0))
snap "$full" "$fc" --fresh --format text --width 100 >"$tmp/stale.txt" 2>/dev/null
rc_tx=$?
check $((rc_ro != 3 || rc_fr != 3 || rc_tx != 3)) \
    "backends down, old cache: exit $rc_ro (cache only), $rc_fr (--fresh, ${fresh_s}s), $rc_tx (text); want 3"
"$PYTHON" - "$tmp/before.json" "$tmp/stale.json" "$tmp/stale2.json" \
    "$tmp/stale.txt" >"$tmp/stale.tsv" 2>&1 <<'PYEOF'
import json, sys
before = json.load(open(sys.argv[1]))
def out(good, desc):
    print("%d\t%s" % (0 if good else 1, desc))
for label, path, fresh in (("cache only", sys.argv[2], False),
                           ("--fresh", sys.argv[3], True)):
    try:
        d = json.load(open(path))
    except ValueError as e:
        out(False, "%s: JSON parses (%s)" % (label, e))
        continue
    out(d["status"] == "UNKNOWN",
        "%s: status %s (%s)" % (label, d["status"], d["status_reason"]))
    srcs = d["sources"]
    out(len(srcs) == 3 and all(s["stale"] and s["age_seconds"] is not None
                               and s["age_seconds"] >= 3 for s in srcs),
        "%s: every source stale, with its age (%s)" % (label, ", ".join(
            "%s %ss" % (s["name"], s["age_seconds"]) for s in srcs)))
    old = {s["name"]: s["last_success_at"] for s in before["sources"]}
    out(all(s["last_success_at"] == old[s["name"]] for s in srcs),
        "%s: last success times kept" % label)
    if fresh:
        out(all(not s["ok"] and s["error"] for s in srcs),
            "--fresh: every source failed, with its error (%s)" % "; ".join(
                "%s: %s" % (s["name"], (s["error"] or "")[:50]) for s in srcs))
    bs = {s["name"]: s for s in before["slos"]}
    same = all(s["burn_rates"] == bs[s["name"]]["burn_rates"] and
               s["verdict"] == bs[s["name"]]["verdict"] and
               s["error_budget_remaining"] ==
               bs[s["name"]]["error_budget_remaining"] and
               s["sparkline"] == bs[s["name"]]["sparkline"]
               for s in d["slos"]) and len(d["slos"]) == 5
    out(same, "%s: the last known SLO burn rates, verdicts and sparklines "
        "still render" % label)
    # Nothing sends this Alertmanager a heartbeat: while it answered, the
    # pipeline was silent (an incident of its own); now it is unknown.
    def fired(incs):
        return [i for i in incs if i["key"] != "alert pipeline"]
    out(sorted(a["fingerprint"] for a in d["alerts"]) ==
        sorted(a["fingerprint"] for a in before["alerts"]) and
        len(fired(d["incidents"])) == len(fired(before["incidents"])),
        "%s: the last known alerts and incidents still render" % label)
    out(before["alert_pipeline"]["state"] == "silent" and
        d["alert_pipeline"]["state"] == "unknown" and
        len(d["incidents"]) == len(fired(d["incidents"])),
        "%s: alert pipeline %s while Alertmanager answered, %s now, and "
        "no incident of it" % (label, before["alert_pipeline"]["state"],
                               d["alert_pipeline"]["state"]))
    out(sorted(s["name"] for s in d["services"]) ==
        sorted(s["name"] for s in before["services"]) and
        all(s["status"] == "UNKNOWN" for s in d["services"]),
        "%s: every service shown, UNKNOWN (old good news is no news)" % label)
text = open(sys.argv[4], encoding="utf-8").read()
out("UNKNOWN" in text.split("\n")[0] and text.count("STALE") >= 3 and
    "checkout-availability" in text and "HostilePushed" in text,
    "text: UNKNOWN header, sources marked STALE, last SLOs and alerts shown")
PYEOF
check_lines "$tmp/stale.tsv"

# --- teardown ---------------------------------------------------------------------
[ $failed -eq 0 ] || servers_logs
elapsed=$(($(date +%s) - started))
[ "$elapsed" -le 120 ]
check $? "test took ${elapsed}s"
tap_done
