# tmux.sh: drive a program in a private tmux server, for screen tests.
#
# Sourced (". tests/lib/tmux.sh") by the console tests.  They run the real
# binary in a real terminal emulator, type keys into it and read the screen
# back, the way tmux's own regress/ tests do.  Everything lives in one
# temporary directory: the tmux socket (so the user's tmux is never
# touched), the tmux config, and an isolated HOME, XDG_CONFIG_HOME and
# XDG_CACHE_HOME for the program under test.  A pane stays on the screen
# after its command exits (remain-on-exit), so a test can read what the
# program left behind.  tt_cleanup ends the private
# server and removes the directory; call it from the test's EXIT trap.
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
#   tt_kill               kill the session
#   tt_capture [-e]       print the screen (-e: with colours and attributes)
#   tt_row N              print screen row N (0 is the top)
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
#   tt_resize COLS ROWS   resize the window (window-size is manual)
#   tt_display FORMAT     print a tmux format of the pane (#{pane_pid} ...)
#   tt_dead               0 when the pane's command has exited
#   tt_pipe FILE          copy every byte the program writes to the
#                         terminal into FILE from now on
#   tt_dump [WHAT]        print the last screen read as TAP comments
#
# Environment: TMUX_BIN picks the program; TT_SESSION names the session
# (default "sitrep").

: "${TMUX_BIN:=tmux}"
: "${TT_SESSION:=sitrep}"
TT_DIR=${TT_DIR:-}
TT_LAST=

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
	} >"$TT_DIR/tmux.conf"
	TT_TMUX="$TMUX_BIN -u -S $TT_DIR/tmux.sock -f $TT_DIR/tmux.conf"
	export TT_DIR TT_TMUX
	return 0
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
	_ts_cmd="$_ts_cmd /bin/sh -c \"\$TT_CMD\""
	$TT_TMUX new-session -d -s "$TT_SESSION" -x "$_ts_x" \
	    -y "$_ts_y" -e "TT_CMD=$1" "$_ts_cmd" || return 1
	# Per window: tmux 3.3a crashes creating a session while the
	# global window-size is manual.
	$TT_TMUX set -w -t "$TT_SESSION" window-size manual >/dev/null ||
	    return 1
	$TT_TMUX resize-window -t "$TT_SESSION" -x "$_ts_x" -y "$_ts_y"
}

# Kill the session, if it runs.
tt_kill() {
	$TT_TMUX kill-session -t "$TT_SESSION" >/dev/null 2>&1
	return 0
}

# Print the screen; -e keeps colours and attributes as escape sequences.
tt_capture() {
	$TT_TMUX capture-pane -p $1 -t "$TT_SESSION" 2>/dev/null
}

# Print one row of the screen.
tt_row() {
	tt_capture | sed -n "$(($1 + 1))p"
}

# Print the last screen read.
tt_last() {
	printf '%s\n' "$TT_LAST"
}

# Status 0 when the last screen read holds every TEXT.
tt_has() {
	for _th in "$@"; do
		tt_last | grep -qF -e "$_th" || return 1
	done
	return 0
}

# Status 0 when the last screen read holds none of the TEXTs.
tt_lacks() {
	for _th in "$@"; do
		tt_last | grep -qF -e "$_th" && return 1
	done
	return 0
}

# Poll the screen until a test passes; the screen is in TT_LAST.
tt_wait_match() {
	_tw_prog=$1
	_tw_end=$(($(date +%s) + ${2:-10}))
	while :; do
		TT_LAST=$(tt_capture)
		if eval "$_tw_prog" >/dev/null 2>&1 </dev/null; then
			return 0
		fi
		if [ "$(date +%s)" -ge "$_tw_end" ]; then
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

# Status 0 when the session's command has exited (or the session is gone).
tt_dead() {
	_td=$(tt_display '#{pane_dead}')
	[ -z "$_td" ] || [ "$_td" = 1 ]
}

# Copy what the program writes to the terminal into a file.
tt_pipe() {
	$TT_TMUX pipe-pane -o -t "$TT_SESSION" "cat >>'$1'"
}

# Print the last screen read as TAP comments.
tt_dump() {
	echo "# ${1:-screen}:"
	printf '%s\n' "$TT_LAST" | sed 's/^/#   |/'
}
