# tests/lib/servers.sh: start real Prometheus and Alertmanager for tests.
#
# Sourced (". tests/lib/servers.sh") by integration tests that talk to real
# servers instead of recorded payloads.  Every server runs as a child of the
# test shell, listens on 127.0.0.1 only, on a port nobody else holds, with its
# config and storage in one temporary directory, and is stopped by PID when
# the test ends.  Nothing here listens on another address or reaches out:
# Alertmanager's receiver is a null one and its gossip (when asked for) binds
# and advertises 127.0.0.1 only.
#
# POSIX sh (runs under dash).  Needs curl and python3 (standard library).
# Call the start functions directly, never inside $(...): the PIDs must be
# children of the test shell so that cleanup can stop and reap them.
#
# Functions (variables they set are exported):
#   servers_available            0 if every binary is there, else names the
#                                missing ones on stderr (a test skips then)
#   servers_tmpdir               make SERVERS_TMPDIR and trap EXIT/INT/TERM
#                                to servers_cleanup
#   servers_cleanup              stop every server started here, remove
#                                SERVERS_TMPDIR; safe to call twice.  A test
#                                using several helper libraries sets ONE
#                                trap that calls each library's cleanup:
#                                  trap 'servers_cleanup; kube_cleanup' EXIT
#   servers_freeport [N]         print N free loopback TCP ports
#   servers_stop PID             stop one server (TERM, then KILL after 10s)
#   servers_alive PID            0 while PID runs (zombies count as gone)
#   servers_logs                 print every server log as TAP comments
#   servers_json PYEXPR          read JSON on stdin, print PYEXPR of it (d)
#   servers_sockets_bad          print our sockets (listening or connected)
#                                beyond 127.0.0.1; status 0 when none
#   wait_for CMD TIMEOUT         run CMD (eval, output discarded) every
#                                0.2s until it succeeds; 1 after TIMEOUT s
#   am_start [NAME] [--cluster] [--peer HOST:PORT]... [--webhook URL]
#                                AM_URL, AM_PID (AM_URL_NAME, AM_PID_NAME,
#                                and AM_CLUSTER[_NAME] when clustered);
#                                --webhook: alerts labelled drill="true"
#                                go to a webhook at URL (on 127.0.0.1),
#                                with no wait to group them
#   am_start_ha NAME1 NAME2      two gossiping Alertmanagers; waits until
#                                each sees both peers
#   am_push_alert [--am URL] LABELS_JSON ANNOTATIONS_JSON [STARTS [ENDS]]
#                                POST one alert to /api/v2/alerts; STARTS
#                                and ENDS are RFC 3339 or relative (-10m,
#                                +1h, now)
#   am_silence [--am URL] [--for DURATION] [--comment TEXT] MATCHER...
#                                create a silence (matchers name=value,
#                                name!=value, name=~re, name!~re), print id
#   servers_home                 HOME, XDG_*_HOME in the temporary
#                                directory; no SITREP_CONFIG, KUBECONFIG
#   prom_start [--name NAME] [--rules FILE] [--am URL]... [--tsdb DIR]
#              [--scrape-self] [--query-log FILE]
#                                PROM_URL, PROM_PID (PROM_URL_NAME, ...);
#                                --query-log: every query, one JSON line
#   servers_shared KEY OUTDIR CMD...
#                                fill OUTDIR with CMD, once per test run
#                                (see below)
#   prom_query EXPR [TIME]       print the JSON of an instant query
#   prom_backfill OUTDIR FILE.om build TSDB blocks from OpenMetrics text
#
# Environment: PROMETHEUS_BIN, ALERTMANAGER_BIN, PROMTOOL_BIN, PYTHON pick
# the programs; SERVERS_DEAD_PORT the port of the down target (default 1,
# below the ephemeral range, so no server started here can take it).

: "${SERVERS_LIB:=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib}"
: "${PROMETHEUS_BIN:=prometheus}"
: "${PROMTOOL_BIN:=promtool}"
if [ -z "${ALERTMANAGER_BIN:-}" ]; then
	if command -v prometheus-alertmanager >/dev/null 2>&1; then
		ALERTMANAGER_BIN=prometheus-alertmanager
	else
		ALERTMANAGER_BIN=alertmanager
	fi
fi
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then
		PYTHON=/usr/bin/python3
	else
		PYTHON=python3
	fi
fi
: "${SERVERS_DEAD_PORT:=1}"
SERVERS_TMPDIR=${SERVERS_TMPDIR:-}
SERVERS_PIDS=${SERVERS_PIDS:-}

# Report whether every program the servers need is installed.
servers_available() {
	_sa_missing=
	for _sa_p in "$PROMETHEUS_BIN" "$PROMTOOL_BIN" "$ALERTMANAGER_BIN" \
	    curl "$PYTHON"; do
		command -v "$_sa_p" >/dev/null 2>&1 || _sa_missing="$_sa_missing $_sa_p"
	done
	if [ -n "$_sa_missing" ]; then
		echo "servers.sh: missing:$_sa_missing; run scripts/setup" \
		    "(it installs prometheus, prometheus-alertmanager, curl," \
		    "python3)" >&2
		return 1
	fi
	return 0
}

# Make the temporary directory and trap exit and signals to clean up.
servers_tmpdir() {
	if [ -n "$SERVERS_TMPDIR" ] && [ -d "$SERVERS_TMPDIR" ]; then
		return 0
	fi
	SERVERS_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-servers.XXXXXX") ||
	    return 1
	export SERVERS_TMPDIR
	trap 'servers_cleanup' EXIT
	trap 'servers_cleanup; exit 130' INT
	trap 'servers_cleanup; exit 143' TERM
	return 0
}

# Give sitrep a home of its own in the temporary directory: HOME and the
# XDG directories there, no SITREP_CONFIG or KUBECONFIG from outside, a
# UTF-8 locale.
servers_home() {
	servers_tmpdir || return 1
	_sh=$SERVERS_TMPDIR
	mkdir -p "$_sh/home" "$_sh/xdg/config" "$_sh/xdg/cache" \
	    "$_sh/xdg/data" "$_sh/xdg/state" || return 1
	export HOME="$_sh/home" XDG_CONFIG_HOME="$_sh/xdg/config"
	export XDG_CACHE_HOME="$_sh/xdg/cache" XDG_DATA_HOME="$_sh/xdg/data"
	export XDG_STATE_HOME="$_sh/xdg/state" LC_ALL=C.UTF-8
	unset SITREP_CONFIG KUBECONFIG
}

# Stop every server started here and remove the temporary directory.
servers_cleanup() {
	for _sc_pid in $SERVERS_PIDS; do
		servers_stop "$_sc_pid"
	done
	SERVERS_PIDS=
	if [ -n "$SERVERS_TMPDIR" ] && [ -d "$SERVERS_TMPDIR" ]; then
		rm -rf "$SERVERS_TMPDIR"
	fi
	SERVERS_TMPDIR=
	return 0
}

# Status 0 when PID runs and is not a zombie waiting to be reaped.
servers_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
		Z*|X*|'') return 1 ;;
		esac
	fi
	return 0
}

# Stop one server by PID: TERM, up to 10s to exit, then KILL; reap it.
servers_stop() {
	_ss_pid=$1
	if servers_alive "$_ss_pid"; then
		kill -TERM "$_ss_pid" 2>/dev/null || :
		_ss_n=0
		while servers_alive "$_ss_pid" && [ "$_ss_n" -lt 100 ]; do
			sleep 0.1
			_ss_n=$((_ss_n + 1))
		done
		if servers_alive "$_ss_pid"; then
			echo "# servers.sh: PID $_ss_pid ignored TERM; killing" >&2
			kill -KILL "$_ss_pid" 2>/dev/null || :
		fi
	fi
	wait "$_ss_pid" 2>/dev/null || :
	_ss_left=
	for _ss_p in $SERVERS_PIDS; do
		[ "$_ss_p" = "$_ss_pid" ] || _ss_left="$_ss_left $_ss_p"
	done
	SERVERS_PIDS=$_ss_left
	return 0
}

# Print N (default 1) distinct free TCP ports on 127.0.0.1, one a line.
servers_freeport() {
	"$PYTHON" "$SERVERS_LIB/freeport.py" "${1:-1}"
}

# Print every server log in SERVERS_TMPDIR as TAP comments (last 40 lines).
servers_logs() {
	[ -n "$SERVERS_TMPDIR" ] || return 0
	for _sl_f in "$SERVERS_TMPDIR"/*/log; do
		[ -f "$_sl_f" ] || continue
		echo "# --- ${_sl_f#"$SERVERS_TMPDIR"/}"
		tail -n 40 "$_sl_f" | sed 's/^/# /'
	done
}

# Read JSON on stdin and print the Python expression $1 of it (bound to d).
# Strings print bare, other values as JSON; a failed expression is status 1.
servers_json() {
	"$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
try:
    r = eval(sys.argv[1], {"json": json, "d": d})
except Exception as e:
    sys.stderr.write("servers_json: %s: %s\n" % (sys.argv[1], e))
    sys.exit(1)
print(r if isinstance(r, str) else json.dumps(r))
' "$1"
}

# Print our servers' sockets (TCP and UDP, listening or connected) whose
# local or remote address is beyond 127.0.0.1; status 0 when there are none.
# Reads /proc, so it needs no ss or netstat; it fails when it cannot see a
# single socket of ours, since then it proves nothing.
servers_sockets_bad() {
	[ -n "$SERVERS_PIDS" ] || return 0
	# shellcheck disable=SC2086
	"$PYTHON" - $SERVERS_PIDS <<'PYEOF'
import os, socket, struct, sys

def addr(hexaddr):
    """Decode a /proc/net address such as 0100007F:1F90."""
    h, p = hexaddr.split(":")
    raw = bytes.fromhex(h)
    if len(raw) == 4:
        ip = socket.inet_ntop(socket.AF_INET, struct.pack("<I", int(h, 16)))
    else:
        words = struct.unpack("<4I", raw)
        ip = socket.inet_ntop(socket.AF_INET6, struct.pack(">4I", *words))
    return ip, int(p, 16)

inodes = {}
for pid in sys.argv[1:]:
    try:
        fds = os.listdir("/proc/%s/fd" % pid)
    except OSError:
        continue
    for fd in fds:
        try:
            link = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes[link[8:-1]] = pid
seen = 0
bad = []
loop = ("127.0.0.1", "::ffff:127.0.0.1")
for proto in ("tcp", "tcp6", "udp", "udp6"):
    try:
        with open("/proc/net/" + proto) as f:
            rows = f.read().splitlines()[1:]
    except OSError:
        continue
    for row in rows:
        f = row.split()
        if f[9] not in inodes:
            continue
        seen += 1
        lip, lport = addr(f[1])
        rip, rport = addr(f[2])
        if lip not in loop or (rport != 0 and rip not in loop):
            bad.append("pid %s %s %s:%d -> %s:%d" % (inodes[f[9]], proto,
                       lip, lport, rip, rport))
for b in bad:
    print(b)
if not seen:
    print("no socket of pids %s seen in /proc/net" % " ".join(sys.argv[1:]))
    sys.exit(1)
sys.exit(1 if bad else 0)
PYEOF
}

# Run a command (eval'd, output discarded) every 0.2s until it succeeds or
# TIMEOUT seconds (default 10) pass; status 0 on success, 1 on timeout.
wait_for() {
	_wf_cmd=$1
	_wf_end=$(($(date +%s) + ${2:-10}))
	while :; do
		if eval "$_wf_cmd" >/dev/null 2>&1; then
			return 0
		fi
		if [ "$(date +%s)" -ge "$_wf_end" ]; then
			return 1
		fi
		sleep 0.2
	done
}

# Check that a server name is usable as a shell variable suffix.
servers_check_name() {
	case $1 in
	''|*[!A-Za-z0-9_]*)
		echo "servers.sh: name '$1' must be letters, digits or _" >&2
		return 1 ;;
	esac
	return 0
}

# Wait until PID answers 200 on URL, or dies; status 0 when ready.
servers_wait_ready() {
	_swr_pid=$1
	_swr_url=$2
	_swr_end=$(($(date +%s) + ${3:-30}))
	while :; do
		if ! servers_alive "$_swr_pid"; then
			return 2
		fi
		if curl -sf -o /dev/null --max-time 2 "$_swr_url"; then
			return 0
		fi
		if [ "$(date +%s)" -ge "$_swr_end" ]; then
			return 1
		fi
		sleep 0.2
	done
}

# Start one Alertmanager; see the header for arguments and variables.
am_start() {
	_am_name=
	_am_cluster=
	_am_peers=
	_am_hook=
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
		_am_name=$1
		shift
		servers_check_name "$_am_name" || return 1
	fi
	while [ $# -gt 0 ]; do
		case $1 in
		--cluster) _am_cluster=1 ;;
		--peer)
			[ $# -ge 2 ] || { echo "am_start: --peer needs HOST:PORT" >&2; return 1; }
			case $2 in
			127.0.0.1:*) ;;
			*) echo "am_start: peer '$2' is not on 127.0.0.1" >&2; return 1 ;;
			esac
			_am_cluster=1
			_am_peers="$_am_peers --cluster.peer=$2"
			shift ;;
		--webhook)
			case ${2:-} in
			http://127.0.0.1:*) ;;
			*) echo "am_start: webhook '${2:-}' is not on 127.0.0.1" >&2; return 1 ;;
			esac
			_am_hook=$2
			shift ;;
		*) echo "am_start: unknown argument '$1'" >&2; return 1 ;;
		esac
		shift
	done
	servers_tmpdir || return 1
	_am_sfx=${_am_name:+_$_am_name}
	_am_dir=$SERVERS_TMPDIR/am${_am_name:+-$_am_name}
	mkdir -p "$_am_dir/data" || return 1
	cat >"$_am_dir/alertmanager.yml" <<'EOF'
# Test Alertmanager: every alert goes to a receiver that sends nothing.
route:
  receiver: "null"
  group_by: ["alertname", "service"]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: "null"
EOF
	if [ -n "$_am_hook" ]; then
		# Drill alerts go to the webhook at once; the rest to nothing.
		cat >"$_am_dir/alertmanager.yml" <<EOF
route:
  receiver: "null"
  group_by: ["alertname", "service"]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['drill="true"']
      receiver: drill
      group_wait: 0s
receivers:
  - name: "null"
  - name: drill
    webhook_configs:
      - url: "$_am_hook"
        send_resolved: false
EOF
	fi
	_am_try=0
	while [ "$_am_try" -lt 3 ]; do
		_am_try=$((_am_try + 1))
		_am_ports=$(servers_freeport 2) || return 1
		_am_web=$(echo "$_am_ports" | sed -n 1p)
		_am_cl=$(echo "$_am_ports" | sed -n 2p)
		if [ -n "$_am_cluster" ]; then
			# shellcheck disable=SC2086
			set -- --cluster.listen-address="127.0.0.1:$_am_cl" \
			    --cluster.advertise-address="127.0.0.1:$_am_cl" \
			    --cluster.reconnect-interval=1s \
			    --cluster.pushpull-interval=2s \
			    --cluster.settle-timeout=5s $_am_peers
		else
			set -- --cluster.listen-address=
		fi
		"$ALERTMANAGER_BIN" \
		    --config.file="$_am_dir/alertmanager.yml" \
		    --storage.path="$_am_dir/data" \
		    --web.listen-address="127.0.0.1:$_am_web" \
		    --web.external-url="http://127.0.0.1:$_am_web/" \
		    "$@" >"$_am_dir/log" 2>&1 </dev/null &
		_am_pid=$!
		SERVERS_PIDS="$SERVERS_PIDS $_am_pid"
		_am_rc=0
		servers_wait_ready "$_am_pid" "http://127.0.0.1:$_am_web/-/ready" \
		    30 || _am_rc=$?
		case $_am_rc in
		0)
			eval "AM_URL$_am_sfx=http://127.0.0.1:$_am_web"
			eval "AM_PID$_am_sfx=$_am_pid"
			export "AM_URL$_am_sfx" "AM_PID$_am_sfx"
			if [ -n "$_am_cluster" ]; then
				eval "AM_CLUSTER$_am_sfx=127.0.0.1:$_am_cl"
				export "AM_CLUSTER$_am_sfx"
			fi
			return 0 ;;
		2)
			# Died at once: most likely the port was taken
			# meanwhile; try again on new ports.
			servers_stop "$_am_pid" ;;
		*)
			servers_stop "$_am_pid"
			break ;;
		esac
	done
	echo "am_start: Alertmanager${_am_name:+ $_am_name} did not become" \
	    "ready; its log:" >&2
	tail -n 20 "$_am_dir/log" >&2
	return 1
}

# Start two gossiping Alertmanagers NAME1 and NAME2 and wait for the pair.
am_start_ha() {
	[ $# -eq 2 ] || { echo "am_start_ha: need NAME1 NAME2" >&2; return 1; }
	_ah_peer=
	_ah_u1=
	_ah_u2=
	am_start "$1" --cluster || return 1
	eval "_ah_peer=\$AM_CLUSTER_$1"
	am_start "$2" --peer "$_ah_peer" || return 1
	eval "_ah_u1=\$AM_URL_$1; _ah_u2=\$AM_URL_$2"
	for _ah_u in "$_ah_u1" "$_ah_u2"; do
		if ! wait_for "test \"\$(curl -sf '$_ah_u/api/v2/status' |
		    servers_json 'len(d[\"cluster\"][\"peers\"])')\" = 2" 20; then
			echo "am_start_ha: $_ah_u does not see both peers" \
			    "after 20s; check the logs in $SERVERS_TMPDIR" >&2
			return 1
		fi
	done
	return 0
}

# Turn "now", "-10m", "+1h" or an RFC 3339 time into RFC 3339 (UTC).
servers_time() {
	"$PYTHON" -c '
import datetime, re, sys
s = sys.argv[1]
m = re.fullmatch(r"([+-])(\d+)([smhd])", s)
if s != "now" and not m:
    print(s)
    sys.exit(0)
t = datetime.datetime.now(datetime.timezone.utc)
if m:
    n = int(m.group(2)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(3)]
    t += datetime.timedelta(seconds=n if m.group(1) == "+" else -n)
print(t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
' "$1"
}

# POST one alert to Alertmanager (AM_URL unless --am URL is given).
am_push_alert() {
	_ap_url=${AM_URL:-}
	if [ "${1:-}" = --am ] && [ $# -ge 2 ]; then
		_ap_url=$2
		shift 2
	fi
	if [ -z "$_ap_url" ] || [ $# -lt 2 ]; then
		echo "am_push_alert: usage: am_push_alert [--am URL] LABELS_JSON" \
		    "ANNOTATIONS_JSON [STARTS [ENDS]] (and start one with" \
		    "am_start first)" >&2
		return 1
	fi
	_ap_starts=
	_ap_ends=
	[ -z "${3:-}" ] || _ap_starts=$(servers_time "$3")
	[ -z "${4:-}" ] || _ap_ends=$(servers_time "$4")
	_ap_body=$("$PYTHON" -c '
import json, sys
a = {"labels": json.loads(sys.argv[1]),
     "annotations": json.loads(sys.argv[2]),
     "generatorURL": "http://127.0.0.1/graph"}
if sys.argv[3]:
    a["startsAt"] = sys.argv[3]
if sys.argv[4]:
    a["endsAt"] = sys.argv[4]
print(json.dumps([a]))
' "$1" "$2" "$_ap_starts" "$_ap_ends") || {
		echo "am_push_alert: labels and annotations must be JSON objects" >&2
		return 1
	}
	printf '%s' "$_ap_body" | curl -sS -f --max-time 5 -o /dev/null \
	    -H 'Content-Type: application/json' --data-binary @- \
	    "$_ap_url/api/v2/alerts"
}

# Create a silence on Alertmanager and print its id.
am_silence() {
	_as_url=${AM_URL:-}
	_as_for=1h
	_as_comment="integration test silence"
	while [ $# -gt 0 ]; do
		case $1 in
		--am|--for|--comment)
			if [ $# -lt 2 ]; then
				echo "am_silence: $1 needs a value" >&2
				return 1
			fi ;;
		esac
		case $1 in
		--am) _as_url=$2; shift 2 ;;
		--for) _as_for=$2; shift 2 ;;
		--comment) _as_comment=$2; shift 2 ;;
		*) break ;;
		esac
	done
	if [ -z "$_as_url" ] || [ $# -lt 1 ]; then
		echo "am_silence: usage: am_silence [--am URL] [--for 1h]" \
		    "[--comment TEXT] name=value..." >&2
		return 1
	fi
	_as_body=$("$PYTHON" -c '
import datetime, json, re, sys
m = re.fullmatch(r"(\d+)([smhd])", sys.argv[1])
if not m:
    sys.exit("am_silence: --for must look like 30m or 2h, got %r" % sys.argv[1])
secs = int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
now = datetime.datetime.now(datetime.timezone.utc)
fmt = "%Y-%m-%dT%H:%M:%S.%fZ"
matchers = []
for arg in sys.argv[3:]:
    mm = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)(.*)", arg, re.S)
    if not mm:
        sys.exit("am_silence: matcher %r must be name=value, name!=value, "
                 "name=~regex or name!~regex" % arg)
    op = mm.group(2)
    matchers.append({"name": mm.group(1), "value": mm.group(3),
                     "isRegex": "~" in op, "isEqual": "!" not in op})
print(json.dumps({"matchers": matchers, "startsAt": now.strftime(fmt),
                  "endsAt": (now + datetime.timedelta(seconds=secs)).strftime(fmt),
                  "createdBy": "sitrep-tests", "comment": sys.argv[2]}))
' "$_as_for" "$_as_comment" "$@") || return 1
	printf '%s' "$_as_body" | curl -sS -f --max-time 5 \
	    -H 'Content-Type: application/json' --data-binary @- \
	    "$_as_url/api/v2/silences" | servers_json 'd["silenceID"]'
}

# Start one Prometheus; see the header for arguments and variables.
prom_start() {
	_ps_name=
	_ps_rules=
	_ps_am=
	_ps_tsdb=
	_ps_scrape=
	_ps_qlog=
	while [ $# -gt 0 ]; do
		case $1 in
		--name|--rules|--am|--tsdb|--query-log)
			if [ $# -lt 2 ]; then
				echo "prom_start: $1 needs a value" >&2
				return 1
			fi ;;
		esac
		case $1 in
		--name) _ps_name=$2; shift
			servers_check_name "$_ps_name" || return 1 ;;
		--rules) _ps_rules=$2; shift ;;
		--am)
			_ps_hp=${2#http://}
			_ps_hp=${_ps_hp%/}
			case $_ps_hp in
			127.0.0.1:*) ;;
			*) echo "prom_start: Alertmanager '$2' is not" \
			    "http://127.0.0.1:PORT" >&2; return 1 ;;
			esac
			_ps_am="$_ps_am $_ps_hp"
			shift ;;
		--tsdb) _ps_tsdb=$2; shift ;;
		--scrape-self) _ps_scrape=1 ;;
		--query-log) _ps_qlog=$2; shift ;;
		*) echo "prom_start: unknown argument '$1'" >&2; return 1 ;;
		esac
		shift
	done
	if [ -n "$_ps_rules" ] && [ ! -f "$_ps_rules" ]; then
		echo "prom_start: rules file '$_ps_rules' not found" >&2
		return 1
	fi
	if [ -n "$_ps_tsdb" ] && [ ! -d "$_ps_tsdb" ]; then
		echo "prom_start: TSDB directory '$_ps_tsdb' not found; make it" \
		    "with prom_backfill" >&2
		return 1
	fi
	servers_tmpdir || return 1
	_ps_sfx=${_ps_name:+_$_ps_name}
	_ps_dir=$SERVERS_TMPDIR/prom${_ps_name:+-$_ps_name}
	mkdir -p "$_ps_dir/data" || return 1
	if [ -n "$_ps_tsdb" ]; then
		# Copy the blocks so the given directory stays as it was and
		# can serve several servers.
		cp -R "$_ps_tsdb"/. "$_ps_dir/data/" || return 1
	fi
	if [ -n "$_ps_rules" ]; then
		case $_ps_rules in
		/*) _ps_rabs=$_ps_rules ;;
		*) _ps_rabs=$(pwd)/$_ps_rules ;;
		esac
	fi
	_ps_try=0
	while [ "$_ps_try" -lt 3 ]; do
		_ps_try=$((_ps_try + 1))
		_ps_port=$(servers_freeport 1) || return 1
		{
			echo "# Test Prometheus: fast evaluation, loopback only."
			echo "global:"
			echo "  scrape_interval: 1s"
			echo "  scrape_timeout: 1s"
			echo "  evaluation_interval: 1s"
			[ -n "$_ps_qlog" ] &&
			    echo "  query_log_file: \"$_ps_qlog\""
			if [ -n "$_ps_rules" ]; then
				echo "rule_files:"
				echo "  - \"$_ps_rabs\""
			fi
			if [ -n "$_ps_am" ]; then
				echo "alerting:"
				echo "  alertmanagers:"
				echo "    - api_version: v2"
				echo "      timeout: 2s"
				echo "      static_configs:"
				echo "        - targets:"
				for _ps_a in $_ps_am; do
					echo "            - \"$_ps_a\""
				done
			fi
			if [ -n "$_ps_scrape" ]; then
				echo "scrape_configs:"
				echo "  - job_name: prometheus"
				echo "    static_configs:"
				echo "      - targets: [\"127.0.0.1:$_ps_port\"]"
				echo "        labels: {service: monitoring, namespace: ops}"
				echo "  - job_name: dead-exporter"
				echo "    static_configs:"
				echo "      - targets: [\"127.0.0.1:$SERVERS_DEAD_PORT\"]"
				echo "        labels: {service: checkout, namespace: shop}"
			fi
		} >"$_ps_dir/prometheus.yml"
		"$PROMETHEUS_BIN" \
		    --config.file="$_ps_dir/prometheus.yml" \
		    --storage.tsdb.path="$_ps_dir/data" \
		    --web.listen-address="127.0.0.1:$_ps_port" \
		    --web.external-url="http://127.0.0.1:$_ps_port/" \
		    --rules.alert.resend-delay=2s \
		    >"$_ps_dir/log" 2>&1 </dev/null &
		_ps_pid=$!
		SERVERS_PIDS="$SERVERS_PIDS $_ps_pid"
		_ps_rc=0
		servers_wait_ready "$_ps_pid" "http://127.0.0.1:$_ps_port/-/ready" \
		    60 || _ps_rc=$?
		case $_ps_rc in
		0)
			eval "PROM_URL$_ps_sfx=http://127.0.0.1:$_ps_port"
			eval "PROM_PID$_ps_sfx=$_ps_pid"
			export "PROM_URL$_ps_sfx" "PROM_PID$_ps_sfx"
			return 0 ;;
		2)
			servers_stop "$_ps_pid" ;;
		*)
			servers_stop "$_ps_pid"
			break ;;
		esac
	done
	echo "prom_start: Prometheus${_ps_name:+ $_ps_name} did not become" \
	    "ready; its log:" >&2
	tail -n 20 "$_ps_dir/log" >&2
	return 1
}

# Print the JSON answer of an instant query at TIME (default now).
prom_query() {
	if [ -z "${PROM_URL:-}" ] || [ $# -lt 1 ]; then
		echo "prom_query: usage: prom_query EXPR [TIME] (after" \
		    "prom_start)" >&2
		return 1
	fi
	if [ -n "${2:-}" ]; then
		curl -sS -f --max-time 10 -G --data-urlencode "query=$1" \
		    --data-urlencode "time=$2" "$PROM_URL/api/v1/query"
	else
		curl -sS -f --max-time 10 -G --data-urlencode "query=$1" \
		    "$PROM_URL/api/v1/query"
	fi
}

# Fill OUTDIR by running CMD..., or with what another test of the same
# run made for the same KEY (a hash of every input): with SERVERS_SHARED
# set to a directory (scripts/test sets it for its two make checks, which
# run at the same time), a result is made once, under a lock, kept there
# by KEY, and copied.  Without it, or without flock, CMD just runs.
servers_shared() {	# KEY OUTDIR CMD...
	_ss_key=$1
	_ss_out=$2
	shift 2
	if [ -z "${SERVERS_SHARED:-}" ] || ! command -v flock >/dev/null 2>&1 ||
	    ! mkdir -p "$SERVERS_SHARED" "$_ss_out"; then
		"$@"
		return
	fi
	(
		flock 9 || exit 1
		_ss_dir=$SERVERS_SHARED/$_ss_key
		if [ -d "$_ss_dir" ]; then
			cp -R "$_ss_dir/." "$_ss_out/"
			exit
		fi
		"$@" || exit
		rm -rf "$_ss_dir.tmp"
		cp -R "$_ss_out/." "$_ss_dir.tmp/" 2>/dev/null ||
		    mkdir -p "$_ss_dir.tmp"
		mv "$_ss_dir.tmp" "$_ss_dir"
	) 9>"$SERVERS_SHARED/$_ss_key.lock"
}

# Build TSDB blocks in OUTDIR from an OpenMetrics file (2h blocks).
prom_backfill() {
	if [ $# -ne 2 ] || [ ! -f "$2" ]; then
		echo "prom_backfill: usage: prom_backfill OUTDIR FILE.om (the" \
		    "file must exist)" >&2
		return 1
	fi
	mkdir -p "$1" || return 1
	if ! "$PROMTOOL_BIN" tsdb create-blocks-from openmetrics --quiet \
	    "$2" "$1" >"$1.log" 2>&1; then
		echo "prom_backfill: promtool could not import $2:" >&2
		tail -n 20 "$1.log" >&2
		return 1
	fi
	rm -f "$1.log"
	return 0
}
