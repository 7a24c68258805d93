#!/bin/bash
# tui_wallboard.sh: `sitrep wallboard`, read-only by construction, in a
# private tmux server:
#
#  - on the demo's cache (filled by `sitrep --demo fetch --once`) plus the
#    source rows of two more contexts, one fresh and one two hours old:
#    at 160x45 one tile per context, the old one STALE with since when, in
#    reverse video, and a banner saying the board may be wrong; at 80x24
#    one line per context; always a clock and the last update;
#  - every key of the console's key table and every ':' command (both
#    read from the binary's own manual page) change nothing: the cache's
#    content, its mtime and its audit log stay as they were, the sources
#    the contexts name (a listener on loopback) get no connection at all,
#    and the board stays up; q quits; with --no-quit q and ^C do nothing;
#  - pages: the overview, then each context's panels (--panel, in the
#    order given), turned by n and p or --rotate with a progress mark;
#    a stale context's panel says so; --filter narrows the rows and what
#    the tiles count; --shift moves the board round a one-cell margin;
#  - LANG=C: the big type and the marks in ASCII;
#  - when no source of any context has been attempted for a while the
#    whole board says the feeder is gone;
#  - the cache is opened read-only: a 0400 cache works, and a cache that
#    does not exist is not created (exit 1, with a sentence).
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 the
# board runs under memcheck (tests/lib/tmux.sh).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
need_tools sqlite3 sha256sum stat
SITREP=$top_builddir/sitrep
[ -x "$SITREP" ] || skip_all "$SITREP is not built; run make first"

tt_setup || exit 1
feeder=
listener=
trap 'tt_cleanup; [ -z "$feeder" ] || kill "$feeder" 2>/dev/null' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# On a failure: the last screen read.
tap_got() {
	tt_last
}

DB=$TT_DIR/cache/sitrep/demo.db
CONF=$TT_DIR/three.yaml
sql() {
	sqlite3 -batch "$DB" "$1" 2>/dev/null
}
# What must not change: the rows (a dump), the audit log, the file's mtime.
state() {
	printf '%s %s %s\n' "$(sqlite3 -batch "$1" .dump | sha256sum |
	    cut -c1-16)" "$(sqlite3 -batch "$1" 'SELECT count(*) FROM audit')" \
	    "$(stat -c %Y.%s "$1")"
}

(cd "$TT_DIR" && env -i PATH="$PATH" HOME="$TT_DIR/home" \
    XDG_CACHE_HOME="$TT_DIR/cache" XDG_CONFIG_HOME="$TT_DIR/config" \
    "$SITREP" --demo fetch --once >"$TT_DIR/fetch.out" 2>&1)
check $? "sitrep --demo fetch --once fills the demo cache"

# Two more contexts: east answered just now, west two hours ago.
now=$(($(date +%s) * 1000))
old=$((now - 7200000))
sql "INSERT INTO sources (context, name, kind, last_attempt_ms,
    last_success_ms, latency_ms, items) VALUES
    ('east', 'prometheus', 'prometheus', $now, $now, 5, 10),
    ('west', 'prometheus', 'prometheus', $old, $old, 5, 10)"
check $? "source rows for east (fresh) and west (two hours old)"
cat >"$CONF" <<'YAML'
contexts:
  - name: demo
    refresh: 1h
  - name: east
    refresh: 1h
  - name: west
    refresh: 15s
YAML
# Still unless a test moves or turns it: --shift 0 --rotate 0 (later
# options win).
board() {
	echo "trap : INT; $(tt_prog "$SITREP") --config '$CONF' --cache '$DB' wallboard --shift 0 --rotate 0 $*; echo EXITED:\$?; exec sleep 300"
}
before=$(state "$DB")

# --- tiles at 160x45 -------------------------------------------------------------
tt_start -x 160 -y 45 -e NO_COLOR=1 "$(board --all)"
# The key line is painted last: with it the whole screen is in.
tt_wait_match 'tt_has "sitrep wallboard" "┌ demo" "┌ east" "┌ west" "n next"' 20
check $? "160x45: one tile per context"
tt_has "STALE since " "ago)"
check $? "the old context's tile says STALE and since when"
tt_last | grep -E 'STALE since [0-9:]+ \(2h ago\)' >/dev/null
check $? "... two hours ago (west)"
tt_has "STALE: 1 of 3 contexts have no fresh data - this board may be wrong: west"
check $? "the banner says the board may be wrong, and names the stale context"
tt_last | grep -E 'updated [0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]{2}:[0-9]{2}:[0-9]{2}' >/dev/null
check $? "a clock and the time of the last update"
tt_has "CRITICAL" "firing: 1 critical" "unacknowledged: 9" "P0 level 2/5 "
check $? "the demo tile: status, firing by severity, unacknowledged with escalation"
tt_has "READ-ONLY"
check $? "the header says read-only"
# The status in big type where the tile has room: CRITICAL's top row of
# half blocks, and STALE's on the stale tile.
tt_has "▄▀▀ █▀▄ ▀█▀ ▀█▀ ▀█▀ ▄▀▀ ▄▀▄ █"
check $? "the demo tile's status in big type (half blocks)"
tt_has "▄▀▀ ▀█▀ ▄▀▄ █   █▀▀"
check $? "the stale tile says STALE in big type"
tt_capture -e | grep -F 'STALE since' | grep -qE $'\033\\[[0-9;]*7[;m]'
check $? "STALE is drawn in reverse video, not only a colour"
clock1=$(tt_last | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2} *$' | head -n 1)
sleep 2
tt_wait_match '[ "$(tt_last | grep -oE "[0-9]{2}:[0-9]{2}:[0-9]{2} *\$" | head -n 1)" != "$clock1" ]' 5
check $? "the clock ticks"

# --- 80x24: one line per context ------------------------------------------------
tt_resize 80 24
tt_wait_match 'tt_lacks "┌ demo" && tt_last | grep -qE "^demo +. CRITICAL"' 10
check $? "80x24: one line per context"
tt_last | grep -qE '^west +STALE since' && tt_last | grep -qE '^east +'
check $? "80x24: the west line is STALE, east is there"
tt_resize 160 45
tt_wait "┌ west" 10

# --- pages: n, p, space, --rotate --------------------------------------------
tt_kill
tt_start -x 100 -y 12 "$(board --rotate 3s --panel overview)"
tt_wait_match 'tt_has "▶ 1/2" "┌ demo" "┌ east" && tt_lacks "┌ west"' 20
check $? "100x12: two tiles a page, page 1 of 2"
tt_last | grep -qE '▶ 1/2 ━*─* [0-3]s '
check $? "the progress mark: the page, a bar and the seconds to the next"
tt_wait_match 'tt_has "▶ 2/2" "┌ west"' 8
check $? "--rotate turns to page 2 by itself, west's STALE tile"
tt_keys Space
tt_wait "▶ 2/2 paused" 5
check $? "space pauses the rotation, and says so"
sleep 4
tt_wait "▶ 2/2" 2
check $? "paused: the page stays"
tt_keys n
tt_wait "▶ 1/2" 5
check $? "n turns the page (wrapping)"
tt_keys p
tt_wait "▶ 2/2" 5
check $? "p turns it back"
tt_kill

# --- each context's panels, in the order --panel gives -----------------------
tt_start -x 160 -y 45 "$(board --panel incidents,slo --rotate 4s)"
tt_wait_match 'tt_has "▶ 1/6" "demo: Incidents" "3 Incidents"' 20
check $? "--panel incidents,slo: six pages, the first demo's incidents"
tt_has "ErrorBudgetBurn" "LedgerExportStalled"
check $? "... the demo's incidents panel, rows and all"
tt_wait_match 'tt_has "▶ 2/6" "east: Incidents"' 8
check $? "--rotate: the next context's incidents"
# Paused, so only the keys turn the pages from here.
tt_keys Space
tt_wait "▶ 2/6 paused" 5
tt_keys n
tt_wait_match 'tt_has "▶ 3/6" "west: Incidents" "west: STALE since" "this panel may be wrong"' 5
check $? "n: west's incidents, which say they are stale"
tt_keys n
tt_wait_match 'tt_has "▶ 4/6" "demo: SLO burn" "┌ 2 SLO burn"' 5
check $? "n: then the SLOs, demo's first"
tt_keys p p p p
tt_wait_match 'tt_has "▶ 6/6" "west: SLO burn"' 5
check $? "p wraps back to the last page"
tt_kill

# --- --filter ------------------------------------------------------------------------
tt_start -x 160 -y 45 "$(board --contexts demo --panel overview,incidents --filter checkout)"
tt_wait_match 'tt_has "┌ demo" "filter /checkout" "n next"' 20
check $? "--filter: the header says what the board shows"
tt_has "KubePodCrashLooping shop checkout" && tt_lacks "LedgerExportStalled"
check $? "... the tile lists only matching incidents"
tt_last | grep -qE 'unacknowledged: [1-8]$|unacknowledged: [1-8] '
check $? "... and counts only those (fewer than the demo's 9)"
tt_keys n
tt_wait_match 'tt_has "demo: Incidents" "/checkout" "ErrorBudgetBurn" && tt_lacks "LedgerExportStalled"' 5
check $? "... and the incidents page shows only matching rows"
tt_kill

# --- --shift: round a one-cell margin against burn-in ------------------------------
line() {	# N: line N (1-based) of the last screen
	tt_last | sed -n "${1}p"
}
tt_start -x 100 -y 20 "trap : INT; $(tt_prog "$SITREP") --config '$CONF' --cache '$DB' wallboard --shift 1s; echo EXITED:\$?; exec sleep 300"
tt_wait_match 'line 1 | grep -q "^ sitrep wallboard"' 20
check $? "--shift: the board starts at the top left"
tt_wait_match 'line 1 | grep -q "^  sitrep wallboard"' 5
check $? "... then moves one column right"
tt_wait_match '[ -z "$(line 1 | tr -d " ")" ] && line 2 | grep -q "^  sitrep wallboard"' 5
check $? "... then one line down"
tt_wait_match 'line 2 | grep -q "^ sitrep wallboard"' 5
check $? "... then back left"
tt_wait_match 'line 1 | grep -q "^ sitrep wallboard"' 5
check $? "... and back up: round the margin"
tt_kill

# --- LANG=C: ASCII -----------------------------------------------------------------
tt_start -x 160 -y 45 -e LANG=C "$(board --panel overview --rotate 20s)"
tt_wait_match 'tt_has " ## ##  ### ### ###  ##  #  #" "> 1/1"' 20
ok=$?
tt_last | grep -q '[▀▄█▶━]'
check $((ok | ! $?)) "LANG=C: the status in ASCII big type, no block or arrow glyph"
tt_kill
tt_start -x 160 -y 45 -e NO_COLOR=1 "$(board --all)"
tt_wait "┌ west" 20

# --- keys: nothing acts ------------------------------------------------------------
# Every source the contexts name is a listener on loopback that logs each
# connection: the board must never make one, to read or to write.
LISTEN_LOG=$TT_DIR/listener.log
: >"$LISTEN_LOG"
python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
log = open(sys.argv[1], "a")
while True:
    c, _ = s.accept()
    log.write("connection\n")
    log.flush()
    c.close()
' "$LISTEN_LOG" >"$TT_DIR/listener.port" &
listener=$!
trap 'tt_cleanup; [ -z "$feeder" ] || kill "$feeder" 2>/dev/null; kill "$listener" 2>/dev/null' EXIT
tt_wait_match '[ -s "$TT_DIR/listener.port" ]' 10
port=$(cat "$TT_DIR/listener.port")
KEYCONF=$TT_DIR/keys.yaml
for c in demo east west; do
	printf '  - name: %s\n    refresh: 1h\n' "$c"
	printf '    prometheus: {url: "http://127.0.0.1:%s"}\n' "$port"
	printf '    alertmanagers: [{url: "http://127.0.0.1:%s"}]\n' "$port"
	printf '    probes: [{name: up, url: "http://127.0.0.1:%s/"}]\n' "$port"
done | { echo 'contexts:'; cat; } >"$KEYCONF"
"$SITREP" --config "$KEYCONF" config check >/dev/null 2>&1
check $? "a configuration whose every source is the listener"
# The keys and ':' commands of the binary's own manual page.
MAN=$TT_DIR/sitrep.1
"$SITREP" help --man >"$MAN"
keys=$(sed -n '/^\.SH KEYS/,/^\.SH "COMMANDS OF/p' "$MAN" |
    grep -o '\\fB[^\\]*\\fR' | sed 's/^\\fB//; s/\\fR$//' | sort -u |
    sed 's/^PgUp$/PPage/; s/^PgDn$/NPage/; s/^Esc$/Escape/; s/^S-Tab$/BTab/;
    s/^Backspace$/BSpace/' | grep -vx 'keys')
cmds=$(sed -n '/^\.SH "COMMANDS OF THE CONSOLE"/,/^\.SH ENVIRONMENT/p' "$MAN" |
    grep -o '\\fB:[a-z-]*\\fR' | sed 's/^\\fB://; s/\\fR$//' | sort -u)
[ "$(echo "$keys" | wc -l)" -ge 30 ] && [ "$(echo "$cmds" | wc -l)" -ge 12 ]
check $? "the manual lists the key table ($(echo "$keys" | wc -l) keys) and the commands ($(echo "$cmds" | wc -l))"
tt_start -x 160 -y 45 -e NO_COLOR=1 "trap : INT; $(tt_prog "$SITREP") --config '$KEYCONF' --cache '$DB' wallboard --no-quit; echo EXITED:\$?; exec sleep 300"
tt_wait "┌ west" 20
for k in $keys Space Right Left; do
	tt_keys "$k"
	tt_keys y
done
for c in $cmds; do
	tt_type ":$c shop/checkout 3 board"
	tt_keys Enter y Enter
done
sleep 1
tt_wait "sitrep wallboard READ-ONLY" 5
ok=$?
tt_lacks "EXITED"
check $((ok | $?)) "every console key and every ':' command leave the board up"
check_eq "the cache is unchanged (rows, audit log, mtime)" "$before" \
    "$(state "$DB")"
check_eq "nothing acted: no audit row" 0 "$(sql 'SELECT count(*) FROM audit')"
check_eq "no source was connected to, to read or to write" 0 \
    "$(wc -l <"$LISTEN_LOG")"
kill "$listener" 2>/dev/null
tt_kill
tt_start -x 160 -y 45 "$(board --all)"
tt_wait "┌ west" 20
tt_keys q
tt_wait "EXITED:0" 10
check $? "q quits (exit 0)"

# --- --no-quit ---------------------------------------------------------------------
tt_start -x 100 -y 30 "$(board --contexts west,demo --no-quit)"
tt_wait_match 'tt_has "┌ west" "┌ demo" "n next" && tt_lacks "┌ east"' 20
check $? "--contexts shows the contexts named"
tt_lacks "q quit"
check $? "--no-quit: the key line does not offer q"
tt_lacks "pause rotation"
check $? "--rotate 0: nor a rotation to pause"
tt_keys q C-c
sleep 1
tt_wait "┌ west" 5
ok=$?
tt_lacks "EXITED"
check $((ok | $?)) "--no-quit: q and ^C do not quit"
tt_kill

# --- the feeder gone -----------------------------------------------------------------
OLD=$TT_DIR/old.db
sqlite3 -batch "$DB" ".backup '$OLD'"
sqlite3 -batch "$OLD" "UPDATE sources SET last_attempt_ms = $old,
    last_success_ms = $old"
sed 's/refresh: 1h/refresh: 15s/' "$CONF" >"$TT_DIR/fast.yaml"
tt_start -x 160 -y 45 "trap : INT; $(tt_prog "$SITREP") --config '$TT_DIR/fast.yaml' --cache '$OLD' wallboard --rotate 0; echo EXITED:\$?; exec sleep 300"
tt_wait "NO FEEDER: no source has answered since" 20
check $? "no source attempted for a while: the board says the feeder is gone"
[ "$(tt_last | grep -o 'STALE since' | wc -l)" = 3 ]
check $? "... and every tile is STALE"
tt_kill

# --- the demo's own board, with its feeder running: its SLOs ---------------
(cd "$TT_DIR" && exec env -i PATH="$PATH" HOME="$TT_DIR/home" \
    XDG_CACHE_HOME="$TT_DIR/cache" XDG_CONFIG_HOME="$TT_DIR/config" \
    "$SITREP" --demo fetch >/dev/null 2>&1) &
feeder=$!
tt_start -x 160 -y 45 "$(tt_prog "$SITREP") --demo wallboard --rotate 0; echo EXITED:\$?; exec sleep 300"
# The tile is painted before the feeder's first round has stored the SLOs.
tt_wait "┌ demo" 20
tt_wait_match 'tt_last | grep -qE "worst SLO: [a-z-]+: burn [0-9.]+x \(1h\), [0-9.]+% budget left"' 20
check $? "--demo: the worst SLO with its burn and budget left"
# The cache is older than the demo's refresh until the feeder's first round.
tt_wait_match 'tt_lacks "STALE" "NO FEEDER"' 15
check $? "--demo with its feeder: fresh, no STALE, no banner"
tt_keys q
tt_wait "EXITED:0" 10
check $? "... and q quits"
kill "$feeder" 2>/dev/null
wait "$feeder" 2>/dev/null
feeder=

# --- read-only opening -----------------------------------------------------------
chmod 0400 "$OLD"
tt_start -x 160 -y 45 "$(tt_prog "$SITREP") --config '$TT_DIR/fast.yaml' --cache '$OLD' wallboard --rotate 0; echo EXITED:\$?; exec sleep 300"
tt_wait "┌ west" 20
check $? "a 0400 cache file still works"
tt_keys q
tt_wait "EXITED:0" 10
check $? "... and q quits"
NONE=$TT_DIR/none/cache.db
tt_start -x 160 -y 45 "$(tt_prog "$SITREP") --config '$CONF' --cache '$NONE' wallboard; echo EXITED:\$?; exec sleep 300"
tt_wait "EXITED:1" 20
ok=$?
tt_has "no cache at" "nothing was created"
check $((ok | $?)) "no cache: exit 1 with a sentence"
[ ! -e "$NONE" ] && [ ! -e "$TT_DIR/none" ]
check $? "... and nothing was created"
tt_kill

# --- usage errors say what to give ----------------------------------------------------
"$SITREP" --config "$CONF" --cache "$DB" wallboard --panel overview,runbook \
    </dev/null >"$TT_DIR/usage.out" 2>&1
check_eq "--panel runbook: a usage error (2)" 2 $?
grep -q "no page named 'runbook'; give some of overview, health, slo, incidents" \
    "$TT_DIR/usage.out"
check $? "... naming the pages there are"
printf 'wallboard:\n  panels: [overview, nope]\n' >>"$TT_DIR/badpanel.yaml"
cat "$CONF" >>"$TT_DIR/badpanel.yaml"
"$SITREP" --config "$TT_DIR/badpanel.yaml" --cache "$DB" wallboard \
    </dev/null >"$TT_DIR/usage.out" 2>&1
check_eq "wallboard.panels naming no page: a usage error (2)" 2 $?
grep -q "wallboard.panels: no page named 'nope'" "$TT_DIR/usage.out"
check $? "... saying where"
"$SITREP" --config "$CONF" --cache "$DB" wallboard --shift 10ms \
    </dev/null >"$TT_DIR/usage.out" 2>&1
check_eq "--shift 10ms: a usage error (2)" 2 $?

if tt_valgrind; then
	tt_valgrind_report
fi
tap_done
