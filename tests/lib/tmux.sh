# tmux.sh: drive a program in a private tmux server, for screen tests.
#
# Sourced (". tests/lib/tmux.sh") by the console tests.  They run the real
# binary in a real terminal emulator, type keys into it and read the screen
# back, the way tmux's own regress/ tests do.  Everything lives in one
# temporary directory: the tmux socket (so the user's tmux is never
# touched), the tmux config, and an isolated HOME, XDG_CONFIG_HOME and
# XDG_CACHE_HOME for the program under test.  A pane stays on the screen
# after its command exits (remain-on-exit), so a test can read what the
# program left behind.  tt_cleanup ends the private server and removes
# the directory; call it from the test's EXIT trap.
#
# POSIX sh (runs under dash and bash).  Needs tmux; GNU sleep for the
# fractional sleeps of the polling loops.
#
# Functions:
#   tt_available          0 when tmux is installed
#   tt_setup              make TT_DIR (and its home, config and cache
#                         folders) and the tmux config; sets TT_TMUX, the
#                         command line of the private server
#   tt_cleanup            kill the private server, remove TT_DIR; safe to
#                         call twice
#   tt_start [-x COLS] [-y ROWS] [-t TERM] [-e VAR=VALUE]... CMD
#                         start CMD (a shell command line) in a new session
#                         $TT_SESSION of that size, with TERM (default
#                         xterm-256color), LANG=C.UTF-8, the isolated HOME
#                         and XDG folders and the extra variables; the
#                         session is killed first if it runs
#   tt_kill               kill the session and wait for its processes
#   tt_capture [-e]       print the screen (-e: with colours and attributes)
#   tt_wait TEXT [SECS]   poll the screen every 50 ms until it contains
#                         TEXT (fixed string); 1 after SECS (default 10).
#                         The last screen read is in TT_LAST either way.
#   tt_wait_gone TEXT [SECS]
#                         the same, until TEXT is no longer on the screen
#   tt_wait_match PROG [SECS]
#                         the same, until the command PROG (eval'd)
#                         succeeds; it reads the screen with tt_last,
#                         tt_has and tt_lacks
#   tt_last               print the last screen read
#   tt_has TEXT...        0 when the last screen read holds every TEXT
#   tt_lacks TEXT...      0 when it holds none of them
#   tt_keys KEY...        send keys by tmux name (Enter, Escape, C-c, ...)
#   tt_type TEXT          send TEXT literally
#   tt_press KEY... -- TEXT [SECS]
#                         send each KEY, then tt_wait for TEXT
#   tt_resize COLS ROWS   resize the window (window-size is manual)
#   tt_display FORMAT     print a tmux format of the pane (#{pane_pid} ...)
#   tt_latency TEXT KEY...
#                         print the milliseconds from sending the keys to
#                         TEXT on the screen, measured through one tmux
#                         control-mode client polling every 10 ms
#   tt_pipe FILE          copy every byte the program writes to the
#                         terminal into FILE from now on
#   tt_dump [WHAT]        print the last screen read as TAP comments
#
# Under a memory checker: with SITREP_UNDER_VALGRIND=1 in the environment
# the program under test runs under valgrind's memcheck, one log per
# process (--log-file ...%p.log in TT_VALGRIND_DIR, default
# $TT_DIR/valgrind), exit status 97 on any error.  Errors are invalid
# reads and writes, uses of uninitialised values, bad frees and definite
# leaks; memory still reachable at exit (curses and sqlite keep some) is
# not one.  --track-origins=no keeps it fast.  tests/lib/valgrind.supp
# (under $top_srcdir, which the scripts set) hides the errors that are not
# sitrep's, each with its reason: only one, libgpm's leak under TERM=linux.
# The program is then 20 to 50 times slower: every SECS of the tt_wait
# family (and tt_latency's limit) is multiplied by TT_SLOW (default 25
# under valgrind, else 1), a wait lets the screen settle longer before it
# reads it for the last time (a slow program paints in pieces), and a
# script skips its timing-only checks when tt_valgrind says so.
#   tt_valgrind           0 when the program runs under valgrind
#   tt_prog PATH          print PATH quoted for a tt_start command line,
#                         behind the valgrind command when it is on
#   tt_exec PATH ARG...   run PATH with ARGs here (not in tmux), the same way
#   tt_valgrind_errors DIR
#                         print the name of each log in DIR that reports
#                         an error; status 1 when there is one
#   tt_valgrind_report    (after the last tt_kill; needs tap.sh) wait for
#                         every checked process to end, then two TAP
#                         results: valgrind logged at least one run, and
#                         no log reports an error (each bad log is shown
#                         as TAP comments)
#
# Environment: TMUX_BIN picks the program; TT_SESSION names the session
# (default "sitrep"); SITREP_UNDER_VALGRIND, TT_VALGRIND_DIR and TT_SLOW
# as above.

# tt_wait_match evaluates its command later, so single quotes are meant.
# shellcheck disable=SC2016,SC2119

: "${TMUX_BIN:=tmux}"
: "${TT_SESSION:=sitrep}"
TT_DIR=${TT_DIR:-}
TT_LAST=
TT_VALGRIND_DIR=${TT_VALGRIND_DIR:-}
TT_VALGRIND_SUPP=
if [ "${SITREP_UNDER_VALGRIND:-0}" = 1 ]; then
	: "${TT_SLOW:=25}"
else
	: "${TT_SLOW:=1}"
fi

# Report whether tmux is installed.
tt_available() {
	command -v "$TMUX_BIN" >/dev/null 2>&1
}

# Make the temporary directory, the isolated home and the tmux config.
tt_setup() {
	TT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-tmux.XXXXXX") || return 1
	mkdir -p "$TT_DIR/home" "$TT_DIR/config" "$TT_DIR/cache" || return 1
	# window-size manual is set per window by tt_start: tmux 3.3a
	# crashes when it is global (config file or set -g).
	{
		echo "set -g status off"
		echo "set -g escape-time 0"
		echo "set -g remain-on-exit on"
		echo "set -g default-shell /bin/sh"
		# The server outlives its last session: otherwise killing
		# one session and starting the next races the old server's
		# exit, and the new session is lost with it.
		echo "set -s exit-empty off"
	} >"$TT_DIR/tmux.conf"
	TT_TMUX="$TMUX_BIN -u -S $TT_DIR/tmux.sock -f $TT_DIR/tmux.conf"
	export TT_DIR TT_TMUX
	if tt_valgrind; then
		: "${TT_VALGRIND_DIR:=$TT_DIR/valgrind}"
		mkdir -p "$TT_VALGRIND_DIR" || return 1
		TT_VALGRIND_DIR=$(cd "$TT_VALGRIND_DIR" && pwd) || return 1
		if [ -f "${top_srcdir:-.}/tests/lib/valgrind.supp" ]; then
			TT_VALGRIND_SUPP=$(cd "${top_srcdir:-.}/tests/lib" &&
			    pwd)/valgrind.supp
		fi
	fi
	return 0
}

# Status 0 when the program under test runs under valgrind.
tt_valgrind() {
	[ "${SITREP_UNDER_VALGRIND:-0}" = 1 ]
}

# Print the valgrind command line (quoted for sh), or nothing when off.
tt_wrapper() {
	tt_valgrind || return 0
	printf "valgrind -q --tool=memcheck --error-exitcode=97"
	printf " --track-origins=no --leak-check=full"
	printf " --errors-for-leak-kinds=definite --show-leak-kinds=definite"
	[ -z "$TT_VALGRIND_SUPP" ] ||
	    printf " --suppressions='%s'" "$TT_VALGRIND_SUPP"
	printf " --log-file='%s/sitrep.%%p.log' " "$TT_VALGRIND_DIR"
}

# Print PATH quoted for a command line, behind the wrapper.
tt_prog() {	# PATH
	printf "%s'%s'" "$(tt_wrapper)" "$1"
}

# Run a program here, not in tmux, behind the wrapper.
tt_exec() {	# PATH ARG...
	eval "$(tt_wrapper) \"\$@\""
}

# Print each valgrind log of DIR that reports an error: any message line
# but a warning (with -q, a clean run leaves an empty log).
tt_valgrind_errors() {	# DIR
	_tv_bad=1
	for _tv_log in "$1"/*.log; do
		[ -f "$_tv_log" ] || continue
		if grep -E '^==[0-9]+== [^ ]' "$_tv_log" |
		    grep -Evq '^==[0-9]+== Warning: '; then
			echo "$_tv_log"
			_tv_bad=0
		fi
	done
	[ $_tv_bad = 1 ]
}

# Status 0 while a process checked by valgrind into TT_VALGRIND_DIR runs
# (the tmux server's and the shells' command lines name the folder too:
# only valgrind's own process counts).
tt_valgrind_running() {
	for _tv_pid in $(pgrep -f -- "--log-file=$TT_VALGRIND_DIR/"); do
		case $(ps -o comm= -p "$_tv_pid" 2>/dev/null) in
		memcheck*|valgrind*) return 0 ;;
		esac
	done
	return 1
}

# After the last run: wait for the checked processes to write their logs
# (a leak check at exit takes a while), then report as TAP.
tt_valgrind_report() {
	_tv_end=$(($(date +%s) + 60))
	while tt_valgrind_running && [ "$(date +%s)" -lt "$_tv_end" ]; do
		sleep 0.2
	done
	_tv_n=$(find "$TT_VALGRIND_DIR" -name '*.log' | wc -l)
	[ "$_tv_n" -gt 0 ]
	check $? "valgrind: the program ran under memcheck ($_tv_n processes)" \
	    "a log in $TT_VALGRIND_DIR" "none"
	_tv_bad=$(tt_valgrind_errors "$TT_VALGRIND_DIR")
	if [ -z "$_tv_bad" ]; then
		check 0 "valgrind: no invalid access, uninitialised value or definite leak"
		return 0
	fi
	check 1 "valgrind: no invalid access, uninitialised value or definite leak" \
	    "empty logs" "errors in $(echo "$_tv_bad" | wc -l) of $_tv_n logs"
	for _tv_log in $_tv_bad; do
		echo "# $_tv_log:"
		head -n 80 "$_tv_log" | sed 's/^/#   /'
	done
	return 1
}

# Kill the private tmux server and remove the temporary directory.
tt_cleanup() {
	if [ -n "$TT_DIR" ] && [ -d "$TT_DIR" ]; then
		$TT_TMUX kill-server >/dev/null 2>&1
		rm -rf "$TT_DIR"
	fi
	TT_DIR=
	return 0
}

# Start a command line in a new session of a given size and terminal.
tt_start() {
	_ts_x=80
	_ts_y=24
	_ts_term=xterm-256color
	_ts_env=
	while [ $# -gt 1 ]; do
		case $1 in
		-x) _ts_x=$2; shift 2 ;;
		-y) _ts_y=$2; shift 2 ;;
		-t) _ts_term=$2; shift 2 ;;
		-e) _ts_env="$_ts_env '$2'"; shift 2 ;;
		*) break ;;
		esac
	done
	tt_kill
	# The pane's environment is exactly this, whatever the test runs in.
	_ts_cmd="exec env -i PATH='$PATH' TERM='$_ts_term' LANG=C.UTF-8"
	_ts_cmd="$_ts_cmd HOME='$TT_DIR/home'"
	_ts_cmd="$_ts_cmd XDG_CONFIG_HOME='$TT_DIR/config'"
	_ts_cmd="$_ts_cmd XDG_CACHE_HOME='$TT_DIR/cache' $_ts_env"
	# A sanitizer build keeps its options (make check sets LSAN_OPTIONS).
	# The console's one library leak (libgpm, which ncurses loads and
	# unloads on the Linux console) is only matched by a slow unwind, so
	# a console on that terminal, and only there, gets one: it slows
	# every allocation.
	for _ts_v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
		eval "_ts_val=\${$_ts_v:-}"
		case $_ts_term in linux*)
			[ -n "$_ts_val" ] && [ "$_ts_v" = LSAN_OPTIONS ] &&
			    _ts_val="$_ts_val:fast_unwind_on_malloc=0" ;;
		esac
		[ -n "$_ts_val" ] && _ts_cmd="$_ts_cmd $_ts_v='$_ts_val'"
	done
	_ts_cmd="$_ts_cmd /bin/sh -c \"\$TT_CMD\""
	# A server that is busy or shutting down can refuse the first try;
	# the session must exist before the test goes on.
	_ts_try=0
	until $TT_TMUX new-session -d -s "$TT_SESSION" -x "$_ts_x" \
	    -y "$_ts_y" -e "TT_CMD=$1" "$_ts_cmd" 2>"$TT_DIR/tmux.err" &&
	    $TT_TMUX has-session -t "$TT_SESSION" 2>/dev/null; do
		_ts_try=$((_ts_try + 1))
		if [ $_ts_try -ge 5 ]; then
			echo "# tmux: cannot start session $TT_SESSION:" \
			    "$(cat "$TT_DIR/tmux.err")"
			return 1
		fi
		tt_kill
		sleep 0.5
	done
	# Per window: tmux 3.3a crashes creating a session while the
	# global window-size is manual.
	$TT_TMUX set -w -t "$TT_SESSION" window-size manual >/dev/null ||
	    return 1
	$TT_TMUX resize-window -t "$TT_SESSION" -x "$_ts_x" -y "$_ts_y"
}

# Send KEYs (each a tmux key name), then wait up to SECS (default 5) for
# TEXT: tt_press KEY... -- TEXT [SECS].
tt_press() {
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		tt_keys "$1"
		shift
	done
	[ "${1:-}" = "--" ] && shift
	tt_wait "$1" "${2:-5}"
}

# Kill the session, if it runs, and wait (up to 10 s, times TT_SLOW) for
# the processes of its pane to end: the next program may use the same
# files (a console's cache) and must not race the last one's exit.
tt_kill() {
	_tk_sid=$($TT_TMUX display -p -t "$TT_SESSION" '#{pane_pid}' \
	    2>/dev/null)
	$TT_TMUX kill-session -t "$TT_SESSION" >/dev/null 2>&1
	[ -n "$_tk_sid" ] || return 0
	# tmux makes the pane's first process a session leader.
	_tk_n=$((100 * TT_SLOW))
	while [ $_tk_n -gt 0 ] &&
	    [ -n "$(ps -o pid= -s "$_tk_sid" 2>/dev/null)" ]; do
		sleep 0.1
		_tk_n=$((_tk_n - 1))
	done
	return 0
}

# Print the screen; -e keeps colours and attributes as escape sequences.
# shellcheck disable=SC2120
tt_capture() {
	$TT_TMUX capture-pane -p ${1+"$1"} -t "$TT_SESSION" 2>/dev/null
}

# Print the last screen read.
tt_last() {
	printf '%s\n' "$TT_LAST"
}

# Status 0 when the last screen read holds every TEXT.
tt_has() {
	for _th in "$@"; do
		case $TT_LAST in
		*"$_th"*) ;;
		*) return 1 ;;
		esac
	done
	return 0
}

# Status 0 when the last screen read holds none of the TEXTs.
tt_lacks() {
	for _th in "$@"; do
		case $TT_LAST in
		*"$_th"*) return 1 ;;
		esac
	done
	return 0
}

# Status 0 once the screen is painted, TT_LAST the last capture.  A frame
# reaches tmux in pieces (the terminal hands over about 4 KiB at a time), so
# a capture can hold the top of a new screen and the bottom of the old one:
# wait until two captures agree, 50 ms apart (up to 1 s).  Under valgrind
# (TT_SLOW above 1) the program itself writes a screen in several slow
# pieces: 100 ms apart, up to 2 s.
tt_settled() {
	if [ "$TT_SLOW" -gt 1 ]; then
		_tw_gap=0.1 _tw_max=20
	else
		_tw_gap=0.05 _tw_max=20
	fi
	_tw_n=0
	while [ $_tw_n -lt $_tw_max ]; do
		sleep $_tw_gap
		_tw_prev=$TT_LAST
		TT_LAST=$(tt_capture)
		[ "$TT_LAST" = "$_tw_prev" ] && return 0
		_tw_n=$((_tw_n + 1))
	done
	return 0
}

# Poll the screen until a test passes; the screen is in TT_LAST.  The
# clock is read every tenth poll only: each program started costs time.
tt_wait_match() {
	_tw_prog=$1
	_tw_end=$(($(date +%s) + ${2:-10} * TT_SLOW))
	_tw_i=0
	while :; do
		TT_LAST=$(tt_capture)
		if eval "$_tw_prog" >/dev/null 2>&1 </dev/null &&
		    tt_settled && eval "$_tw_prog" >/dev/null 2>&1 </dev/null
		then
			return 0
		fi
		_tw_i=$((_tw_i + 1))
		if [ $((_tw_i % 10)) -eq 0 ] &&
		    [ "$(date +%s)" -ge "$_tw_end" ]; then
			return 1
		fi
		sleep 0.05
	done
}

# Poll the screen until it holds TEXT.
tt_wait() {
	_tw_text=$1
	tt_wait_match 'tt_has "$_tw_text"' "${2:-10}"
}

# Poll the screen until TEXT is gone from it.
tt_wait_gone() {
	_tw_text=$1
	tt_wait_match 'tt_lacks "$_tw_text"' "${2:-10}"
}

# Send keys by their tmux names.
tt_keys() {
	$TT_TMUX send-keys -t "$TT_SESSION" "$@"
}

# Send text literally, each character a key.
tt_type() {
	$TT_TMUX send-keys -t "$TT_SESSION" -l "$1"
}

# Resize the window.
tt_resize() {
	$TT_TMUX resize-window -t "$TT_SESSION" -x "$1" -y "$2"
}

# Print a tmux format of the pane.
tt_display() {
	$TT_TMUX display-message -p -t "$TT_SESSION" "$1" 2>/dev/null
}

# Copy what the program writes to the terminal into a file.
tt_pipe() {
	$TT_TMUX pipe-pane -o -t "$TT_SESSION" "cat >>'$1'"
}

# Print the milliseconds from sending keys to TEXT on the screen.  One
# control-mode client sends the keys and polls capture-pane every 10 ms,
# so no program is started between the keys and the screen and the figure
# is the console's (and tmux's), not the test's.  Status 1 after 10 s
# (times TT_SLOW).
tt_latency() {
	"${PYTHON:-python3}" - "$TMUX_BIN" "$TT_DIR/tmux.sock" "$TT_SESSION" \
	    "$TT_SLOW" "$@" <<'EOF'
import os, select, subprocess, sys, time

tmux, sock, sess, slow, text = sys.argv[1:6]
keys = sys.argv[6:]
p = subprocess.Popen([tmux, "-u", "-S", sock, "-C", "attach", "-t", sess],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL, bufsize=0)
pending = b""
end = time.monotonic() + 10 * int(slow)


def quote(word):
    return "'" + word.replace("'", "'\\''") + "'"


def readline():
    global pending
    while b"\n" not in pending:
        left = end - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            raise TimeoutError()
        data = os.read(p.stdout.fileno(), 65536)
        if not data:
            raise EOFError()
        pending += data
    line, pending = pending.split(b"\n", 1)
    return line


def block():
    out = None
    while True:
        line = readline()
        if line.startswith(b"%begin"):
            out = []
        elif out is not None and line.startswith((b"%end", b"%error")):
            return b"\n".join(out).decode("utf-8", "replace")
        elif out is not None:
            out.append(line)


def command(cmd):
    p.stdin.write(cmd.encode() + b"\n")
    return block()


rc, ms = 1, -1
try:
    p.stdin.write(b"refresh-client -f no-output\n")
    p.stdin.write(b"display-message -p tt-sync-mark\n")
    while "tt-sync-mark" not in block():
        pass
    capture = "capture-pane -p -t " + quote(sess)
    t0 = time.monotonic()
    command("send-keys -t " + quote(sess) + " " +
            " ".join(quote(k) for k in keys))
    while time.monotonic() < end:
        if text in command(capture):
            rc = 0
            break
        time.sleep(0.01)
    ms = int((time.monotonic() - t0) * 1000)
except (TimeoutError, EOFError):
    pass
print(ms)
p.stdin.close()
p.wait()
sys.exit(rc)
EOF
}

# Print the last screen read as TAP comments.
tt_dump() {
	echo "# ${1:-screen}:"
	printf '%s\n' "$TT_LAST" | sed 's/^/#   |/'
}
