#!/bin/bash
# crash_fetch.sh: `sitrep fetch` killed with SIGKILL in the middle of its
# ingest, again and again, must leave a cache that is whole.
#
# A real Prometheus (scraping itself, several SLOs on its metrics), a real
# Alertmanager holding many alerts and the Kubernetes API emulator with many
# pods make one round of `sitrep fetch --once` take a noticeable time.  One
# uninterrupted round is timed; then, twenty times, a fetch into the same
# cache is killed with SIGKILL after a delay drawn from a seeded RNG in the
# next twentieth of that time, so that the kills cover the whole ingest;
# each round has 50 new alerts to store.  After each kill: `cache info`
# exits 0 and says nothing of damage, `audit verify` exits 0 with no fewer
# entries than before, SQLite's integrity_check says ok, nothing was moved
# aside, and Alertmanager's round (its alerts, the incidents made of them
# and its sources row, one transaction) is in the cache whole or not at
# all.  The readers run before sqlite3, which would recover a WAL left
# behind by the kill itself; the next round's fetch is the writer that
# takes the cache over as it was left.
#
# The audit log has rows before the kills (`sitrep silence add` against
# the real Alertmanager, `sitrep incident note`).  Then the audited writes
# themselves are killed the same way: a silence, a note, a silence during
# a fetch into the same cache (both killed at once), and a first write,
# which makes the audit key, on a cache and state directory of its own;
# after each the chain verifies and the next write extends it.  A fetch
# making a new cache is killed too: the next one finishes it.  At the end
# an uninterrupted fetch succeeds and stores every alert posted, every pod
# and every incident, and a write after all the kills follows the others.
#
# The delays come from bash's RANDOM seeded with CRASH_SEED (else the
# clock), spread over the times measured; the line "to replay:" gives the
# variables that draw the same delays again, and each delay is printed.
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
# shellcheck source=tests/lib/kubeemu.sh
. "$top_srcdir/tests/lib/kubeemu.sh"

[ -x "$SITREP" ] || skip_all "$SITREP is not built"
servers_available 2>/dev/null ||
    skip_all "$(servers_available 2>&1)" prometheus
need_tools sqlite3 openssl

ROUNDS=20	# kills of a fetch
WROUNDS=6	# kills of each audited write
KROUNDS=4	# kills of a first audited write, which makes the key
NROUNDS=4	# kills of a fetch that makes a new cache
NALERTS=1000	# alerts posted to Alertmanager first (100 incidents)
BATCH=50	# new alerts before each fetch killed (20 incidents)
NPODS=400	# pods in the emulator (40 deployments of 10)
NSLOS=6		# SLOs on Prometheus' own metrics

servers_tmpdir || exit 1
T=$SERVERS_TMPDIR
VICTIM=
FETCHER=
cleanup() {
	[ -z "$VICTIM" ] || kill -KILL "$VICTIM" 2>/dev/null
	[ -z "$FETCHER" ] || kill -KILL "$FETCHER" 2>/dev/null
	kubeemu_stop
	servers_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$T/home" "$T/xdg/config" "$T/xdg/cache" "$T/xdg/state" \
    "$T/fixtures" "$T/cache"
export HOME=$T/home XDG_CONFIG_HOME=$T/xdg/config XDG_CACHE_HOME=$T/xdg/cache
export XDG_STATE_HOME=$T/xdg/state
unset SITREP_CONFIG KUBECONFIG
export LC_ALL=C.UTF-8
DB=$T/cache/crash.db

# The seeded RNG: bash's $RANDOM, seeded once.
SEED=${CRASH_SEED:-$(($(date +%s) % 32768))}
RANDOM=$SEED
echo "# seed $SEED"

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
diag() {
	cat -v "$@" | head -n 20 | sed 's/^/#   /'
}
q() {
	sqlite3 "$DB" "$1"
}
# A delay in [LO, LO + WIDTH) ms from the seeded RNG, in $drawn (not
# printed: $RANDOM in a $(...) subshell would not advance this shell's).
draw() {	# LO WIDTH
	drawn=$(($1 + (RANDOM * 32768 + RANDOM) % ($2 > 0 ? $2 : 1)))
}
# sitrep on the cache; stdout in $T/out, stderr in $T/err, status in $rc.
run() {
	timeout 60 "$SITREP" --config "$T/config.yaml" --cache "$DB" "$@" \
	    >"$T/out" 2>"$T/err"
	rc=$?
}
# Start sitrep on the cache, SIGKILL it after MS ms, reap it.  $killed is
# 1 if it was still running then, 0 if it had already ended ($rc its
# status).
kill_after() {	# MS ARGS...
	_ms=$1
	shift
	"$SITREP" --config "$T/config.yaml" --cache "$DB" "$@" \
	    >"$T/victim.out" 2>"$T/victim.err" &
	VICTIM=$!
	sleep "$(printf '%d.%03d' $((_ms / 1000)) $((_ms % 1000)))"
	killed=0
	servers_alive "$VICTIM" && killed=1
	kill -KILL "$VICTIM" 2>/dev/null
	wait "$VICTIM" 2>/dev/null
	rc=$?
	VICTIM=
}

# The checks after a kill: four TAP lines.  The audit log's entry count
# must be at least $entries, which becomes the new count.
after_kill() {	# WHAT
	run cache info
	if [ "$rc" -eq 0 ] && ! grep -Eqi 'corrupt|damage|aside|integrity' \
	    "$T/out" "$T/err"; then
		check 0 "$1: cache info exits 0 and says nothing of damage"
	else
		check 1 "$1: cache info exits 0 and says nothing of damage" \
		    "exit 0, no damage" "exit $rc: $(cat "$T/out" "$T/err")"
	fi
	run audit verify
	got=$(sed -En 's/^audit log: ([0-9]+) entr(y|ies), hash chain intact$/\1/p' \
	    "$T/out")
	if [ "$rc" -eq 0 ] && [ -n "$got" ] && [ "$got" -ge "$entries" ]; then
		check 0 "$1: audit verify exits 0 ($got entries, $entries before)"
		entries=$got
	else
		check 1 "$1: audit verify exits 0 with at least $entries entries" \
		    "exit 0, >= $entries entries" \
		    "exit $rc: $(cat "$T/out" "$T/err")"
	fi
	check_eq "$1: PRAGMA integrity_check" "ok" \
	    "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)"
	aside=$(find "$T/cache" -name '*.corrupt-*' | head -n 3)
	check_eq "$1: nothing was moved aside" "" "$aside"
}

# --- the servers and their data ------------------------------------------------------
"$PYTHON" - "$T/fixtures/crash.json" "$NPODS" <<'EOF'
"""A namespace of deployments of 10 replicas each, on three nodes."""
import json
import sys

out, pods = sys.argv[1], int(sys.argv[2])
objs = [{"kind": "Namespace", "apiVersion": "v1",
         "metadata": {"name": "shop"}, "status": {"phase": "Active"}}]
for i in range(3):
    objs.append({"kind": "Node", "apiVersion": "v1",
                 "metadata": {"name": "node-%d" % i},
                 "status": {"conditions": [{"type": "Ready",
                                            "status": "True"}]}})
for i in range((pods + 9) // 10):
    name = "svc-%03d" % i
    objs.append({
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": name, "namespace": "shop",
                     "creationTimestamp": "now-6d", "labels": {"app": name}},
        "spec": {"replicas": min(10, pods - 10 * i),
                 "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{
                                  "name": "app",
                                  "image": "registry.example/shop/%s:1.0"
                                           % name}]}}}})
with open(out, "w") as f:
    json.dump(objs, f)
EOF

# Post alerts to Alertmanager: the NALERTS of the base set (50 alert
# names over 20 services: 100 incidents), or the BATCH alerts of round
# ROUND (one alert name over the 20 services: 20 incidents).  $posted
# counts them.
post_alerts() {	# base | ROUND
	"$PYTHON" - "$1" "$NALERTS" "$BATCH" >"$T/alerts.json" <<'EOF'
"""The alerts to post, as JSON."""
import json
import sys

which, base, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if which == "base":
    names = ["Crash%02d" % (i % 50) for i in range(base)]
else:
    names = ["CrashRound%s" % which] * batch
print(json.dumps([{
    "labels": {"alertname": name,
               "severity": ["critical", "warning", "info"][i % 3],
               "namespace": "shop", "service": "svc-%03d" % (i % 20),
               "instance": "i-%04d" % i},
    "annotations": {"summary": "alert %d of the crash test" % i},
    "generatorURL": "http://127.0.0.1/graph"}
    for i, name in enumerate(names)]))
EOF
	if [ "$1" = base ]; then
		posted=$((posted + NALERTS))
		incidents=$((incidents + 100))
	else
		posted=$((posted + BATCH))
		incidents=$((incidents + 20))
	fi
	curl -sS -f --max-time 10 -o /dev/null \
	    -H 'Content-Type: application/json' \
	    --data-binary @"$T/alerts.json" "$AM_URL/api/v2/alerts"
}
# How many alerts Alertmanager holds.
am_count() {
	curl -sf --max-time 10 "$AM_URL/api/v2/alerts" | servers_json 'len(d)'
}

if ! kubeemu_start "$T/emu" --fixtures "$T/fixtures" >"$T/start.err" 2>&1 ||
    ! am_start >>"$T/start.err" 2>&1 ||
    ! prom_start --scrape-self >>"$T/start.err" 2>&1; then
	skip_all "the servers did not start: $(head -n 3 "$T/start.err")"
fi
posted=0
incidents=0
post_alerts base
wait_for '[ "$(am_count)" = "$posted" ]' 20
check $? "Alertmanager holds the $NALERTS alerts posted"
wait_for 'test "$(curl -sf "$PROM_URL/api/v1/query?query=up" | servers_json "len(d[\"data\"][\"result\"])")" -ge 1' 30

{
	echo "operator: crash@example.org"
	echo "contexts:"
	echo "  - name: crash"
	echo "    prometheus:"
	echo "      url: \"$PROM_URL\""
	echo "    alertmanagers:"
	echo "      - url: \"$AM_URL\""
	echo "    kubernetes:"
	echo "      kubeconfig: \"$KUBEEMU_KUBECONFIG\""
	echo "slos:"
	for i in $(seq 1 "$NSLOS"); do
		echo "  - name: api-$i"
		echo "    objective: 99.$i"
		echo "    sli:"
		echo "      events:"
		echo "        error_query: sum(rate(prometheus_http_requests_total{code=~\"5..\",handler!=\"/x$i\"}[{{.window}}]))"
		echo "        total_query: sum(rate(prometheus_http_requests_total{handler!=\"/x$i\"}[{{.window}}]))"
	done
} >"$T/config.yaml"

# --- uninterrupted rounds, timed ------------------------------------------------------------
run fetch --once
diag "$T/out" "$T/err"
check_eq "a first fetch fills the cache (exit 0)" 0 "$rc"
check_eq "it stored every alert, pod and incident" \
    "$NALERTS $NPODS $incidents" \
    "$(q "SELECT (SELECT count(*) FROM alerts) || ' ' ||
    (SELECT count(*) FROM kube_pods) || ' ' || (SELECT count(*) FROM incidents)")"
# A round as the killed ones will be: new alerts to ingest.  The longer
# of two such rounds is the time the kills are spread over.
dur=0
for r in 0 1; do
	post_alerts "p$r"
	wait_for '[ "$(am_count)" = "$posted" ]' 20
	t0=$(now_ms)
	run fetch --once
	t=$(($(now_ms) - t0))
	[ "$t" -le "$dur" ] || dur=$t
	check_eq "an uninterrupted fetch of $BATCH new alerts: exit 0 ($t ms)" \
	    0 "$rc"
done
dur=${CRASH_DUR_MS:-$dur}

# --- audited writes before the kills ---------------------------------------------------------
# A copy with no audit rows yet, for the kills of a first write below.
sqlite3 "$DB" ".backup '$T/keyless.db'"
t0=$(now_ms)
run silence add 'alertname="CrashNobody"' --for 1h --comment "crash test"
sdur=$(($(now_ms) - t0))
check_eq "silence add (audited) exits 0 ($sdur ms)" "0" "$rc"
run incident list --format json
iid=$(servers_json 'd["incidents"][0]["id"]' <"$T/out" 2>/dev/null)
t0=$(now_ms)
run incident note "$iid" "before the kills"
ndur=$(($(now_ms) - t0))
check_eq "incident note $iid (audited) exits 0 ($ndur ms)" "0" "$rc"
entries=0
after_kill "before any kill"
check_eq "the audit log holds the two writes" 2 "$entries"

# The delays are drawn over these times; with the seed they replay a run.
sdur=${CRASH_SILENCE_MS:-$sdur}
ndur=${CRASH_NOTE_MS:-$ndur}
echo "# to replay: CRASH_SEED=$SEED CRASH_DUR_MS=$dur" \
    "CRASH_SILENCE_MS=$sdur CRASH_NOTE_MS=$ndur"

# --- kills during the ingest ---------------------------------------------------------------
# Round i is killed in the i-th twentieth of 1.1 times a round, after
# BATCH new alerts were posted for it to ingest.
slot=$((dur * 11 / 10 / ROUNDS))
for i in $(seq 1 "$ROUNDS"); do
	post_alerts "$i"
	wait_for '[ "$(am_count)" = "$posted" ]' 20 ||
	    echo "# round $i: Alertmanager holds $(am_count) alerts, not $posted"
	draw $(((i - 1) * slot)) "$slot"
	d=$drawn
	prev=$(q "SELECT count(*) FROM alerts")
	kill_after "$d" fetch --once
	if [ "$killed" = 1 ]; then
		echo "# round $i: fetch killed after $d ms"
	else
		echo "# round $i: fetch had ended (exit $rc) before $d ms"
		diag "$T/victim.out" "$T/victim.err"
	fi
	after_kill "fetch $i"
	# Alertmanager's round (alerts, incidents, source row) is one
	# transaction: all of it is in the cache, or none.
	got=$(q "SELECT (SELECT count(*) FROM alerts) || ' ' ||
	    (SELECT items FROM sources WHERE name = 'alertmanager') || ' ' ||
	    (SELECT count(*) FROM incidents)")
	a=${got%% *}
	case $a in
	"$prev")
		want="$prev $prev $((100 + (prev - NALERTS) * 20 / BATCH))"
		echo "# round $i: Alertmanager's round was not stored" ;;
	*)
		want="$posted $posted $incidents"
		echo "# round $i: Alertmanager's round was stored" ;;
	esac
	check_eq "fetch $i: Alertmanager's round is stored whole or not at all (alerts, items, incidents)" \
	    "$want" "$got"
done

# --- kills during audited writes -------------------------------------------------------------
# Each write is killed in the k-th sixth of 1.2 times its duration.  A
# silence killed after Alertmanager took it but before its row was
# written leaves no row (docs/AUDIT.md: the chain covers only rows that
# were written); the chain must verify whatever the moment.  Last, a
# silence starts at a random moment of a fetch into the same cache and
# both are killed at once.
for w in silence note both; do
	case $w in
	note) wslot=$((ndur * 12 / 10 / WROUNDS)) ;;
	*) wslot=$((sdur * 12 / 10 / WROUNDS)) ;;
	esac
	for k in $(seq 1 "$WROUNDS"); do
		draw $(((k - 1) * wslot)) "$wslot"
		d=$drawn
		case $w in
		silence)
			what="silence add killed at $d ms"
			kill_after "$d" silence add "alertname=\"CrashKill$k\"" \
			    --for 1h --comment "killed at $d ms" ;;
		note)
			what="incident note killed at $d ms"
			kill_after "$d" incident note "$iid" "killed at $d ms" ;;
		both)
			draw 0 "$dur"
			a=$drawn
			what="fetch killed at $((a + d)) ms, silence add $a ms into it and killed at $d ms"
			"$SITREP" --config "$T/config.yaml" --cache "$DB" \
			    fetch --once >/dev/null 2>&1 &
			FETCHER=$!
			sleep "$(printf '%d.%03d' $((a / 1000)) $((a % 1000)))"
			kill_after "$d" silence add "alertname=\"CrashBoth$k\"" \
			    --for 1h --comment "killed at $d ms"
			kill -KILL "$FETCHER" 2>/dev/null
			wait "$FETCHER" 2>/dev/null
			FETCHER= ;;
		esac
		if [ "$killed" = 1 ]; then
			echo "# $what"
		else
			echo "# $what: it had ended (exit $rc)"
		fi
		after_kill "$w $k"
	done
done

# --- kills of a first audited write, which makes the key -----------------------------------
# Each on a copy of the cache from before any audited write, with a
# state directory of its own where the write makes the audit key.  The
# key is written under a temporary name and linked into place: a kill
# leaves no key or a whole one, and the next write goes on from there.
MAIN_DB=$DB
MAIN_STATE=$XDG_STATE_HOME
MAIN_ENTRIES=$entries
wslot=$((ndur * 12 / 10 / KROUNDS))
for k in $(seq 1 "$KROUNDS"); do
	DB=$T/cache/first$k.db
	cp "$T/keyless.db" "$DB"
	export XDG_STATE_HOME=$T/state$k
	draw $(((k - 1) * wslot)) "$wslot"
	d=$drawn
	kill_after "$d" incident note "$iid" "first, killed at $d ms"
	if [ "$killed" = 1 ]; then
		echo "# first note killed at $d ms"
	else
		echo "# first note killed at $d ms: it had ended (exit $rc)"
	fi
	entries=0
	after_kill "first write $k"
	before=$entries
	run incident note "$iid" "after a first one killed at $d ms"
	[ "$rc" -eq 0 ] || diag "$T/err"
	r=$rc
	run audit verify
	got=$(sed -En 's/^audit log: ([0-9]+) entr(y|ies), hash chain intact$/\1/p' \
	    "$T/out")
	check_eq "first write $k: the next write exits 0, one more entry, chain intact" \
	    "0 0 $((before + 1))" "$r $rc $got"
done
DB=$MAIN_DB
XDG_STATE_HOME=$MAIN_STATE
entries=$MAIN_ENTRIES

# --- kills of a fetch that makes a new cache ------------------------------------------------
# The schema is made in steps, one transaction each: killed on the way,
# there is no file yet, or an empty cache or one at an older version, or
# (killed as it turned to WAL) a -journal to roll back: a reader says so
# (exit 1, "run `sitrep fetch`"), never that it is damaged, and the next
# writer finishes it.
MAIN_DB=$DB
for k in $(seq 1 "$NROUNDS"); do
	DB=$T/cache/new$k.db
	draw $(((k - 1) * 15)) 15
	d=$drawn
	kill_after "$d" fetch --once
	if [ "$killed" = 1 ]; then
		echo "# new cache: fetch killed at $d ms"
	else
		echo "# new cache: fetch killed at $d ms: it had ended (exit $rc)"
	fi
	run cache info
	if [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && grep -Eq \
	    'is empty; run `sitrep fetch` first|older than this sitrep.s [0-9]+; run a writer|^sitrep: no cache at .*nothing was created|-journal, which must be rolled back .*run `sitrep fetch --once` \(a writer\)' \
	    "$T/err"; }; then
		check 0 "new cache $k: cache info reads it, or says to run a writer"
	else
		check 1 "new cache $k: cache info reads it, or says to run a writer" \
		    "exit 0, or 1: no cache yet, empty, or an older version" \
		    "exit $rc: $(cat "$T/out" "$T/err")"
	fi
	# Killed before it made the file: nothing to check (sqlite3 would
	# make one).
	if [ -e "$DB" ]; then
		check_eq "new cache $k: PRAGMA integrity_check" "ok" \
		    "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)"
	else
		skip "new cache $k: PRAGMA integrity_check" \
		    "killed before it made the file"
	fi
	run fetch --once
	r=$rc
	run cache info
	aside=$(find "$T/cache" -name '*.corrupt-*' | head -n 3)
	check_eq "new cache $k: the next fetch finishes it (exit 0), cache info then exits 0, nothing moved aside" \
	    "0 0 " "$r $rc $aside"
done
DB=$MAIN_DB

# --- after every kill ----------------------------------------------------------------------
wait_for '[ "$(am_count)" = "$posted" ]' 20
run fetch --once
diag "$T/out" "$T/err"
check_eq "an uninterrupted fetch after the kills: exit 0" 0 "$rc"
check_eq "it stored every alert posted ($posted), pod and incident" \
    "$posted $NPODS $incidents" \
    "$(q "SELECT (SELECT count(*) FROM alerts) || ' ' ||
    (SELECT count(*) FROM kube_pods) || ' ' || (SELECT count(*) FROM incidents)")"
check_eq "every source's last round succeeded" \
    "alertmanager/1 kubernetes/1 prometheus/1" \
    "$(q "SELECT group_concat(name || '/' || (last_error IS NULL), ' ') FROM (SELECT * FROM sources ORDER BY name)")"
run incident note "$iid" "after the kills"
check_eq "an audited write after the kills: exit 0" 0 "$rc"
before=$entries
after_kill "the end"
check_eq "its row followed the others" $((before + 1)) "$entries"

tap_done
