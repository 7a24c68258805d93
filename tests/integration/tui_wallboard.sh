#!/bin/bash
# tui_wallboard.sh: `sitrep wallboard`, read-only by construction, in a
# private tmux server:
#
#  - on the demo's cache (filled by `sitrep --demo fetch --once`) plus the
#    source rows of two more contexts, one fresh and one two hours old:
#    at 160x45 one tile per context, the old one STALE with since when, in
#    reverse video, and a banner saying the board may be wrong; at 80x24
#    one line per context; always a clock and the last update;
#  - every key of the console's key table and a ':' command change nothing:
#    the cache's content, its mtime and its audit log stay as they were,
#    and the board stays up; q quits; with --no-quit q and ^C do nothing;
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
board() {
	echo "trap : INT; $(tt_prog "$SITREP") --config '$CONF' --cache '$DB' wallboard $*; echo EXITED:\$?; exec sleep 300"
}
before=$(state "$DB")

# --- tiles at 160x45 -------------------------------------------------------------
tt_start -x 160 -y 45 -e NO_COLOR=1 "$(board --all)"
tt_wait_match 'tt_has "sitrep wallboard" "┌ demo" "┌ east" "┌ west"' 20
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
tt_start -x 100 -y 12 "$(board --rotate 3s)"
tt_wait_match 'tt_has "page 1/2" "┌ demo" "┌ east" && tt_lacks "┌ west"' 20
check $? "100x12: two tiles a page, page 1 of 2"
tt_wait_match 'tt_has "page 2/2" "┌ west"' 8
check $? "--rotate turns to page 2 by itself, west's STALE tile"
tt_keys Space
tt_wait "(paused)" 5
check $? "space pauses the rotation, and says so"
sleep 4
tt_wait "page 2/2" 2
check $? "paused: the page stays"
tt_keys n
tt_wait "page 1/2" 5
check $? "n turns the page (wrapping)"
tt_keys p
tt_wait "page 2/2" 5
check $? "p turns it back"
tt_kill
tt_start -x 160 -y 45 -e NO_COLOR=1 "$(board --all)"
tt_wait "┌ west" 20

# --- keys: nothing acts ------------------------------------------------------------
for k in j Down k Up g Home G End PPage NPage C-u C-d Enter Escape / a s U R \
    S n o Tab BTab 1 2 3 4 '?' r l p D c f N Space Right Left Space; do
	tt_keys "$k"
done
tt_type ':ack'
tt_keys Enter
tt_type ':silence alertname=Watchdog 1h board'
tt_keys Enter
tt_type ':expire all'
tt_keys Enter
sleep 1
tt_wait "┌ west" 5
ok=$?
tt_lacks "EXITED"
check $((ok | $?)) "every console key and ':' commands leave the board up"
check_eq "the cache is unchanged (rows, audit log, mtime)" "$before" \
    "$(state "$DB")"
check_eq "nothing acted: no audit row" 0 "$(sql 'SELECT count(*) FROM audit')"
tt_keys q
tt_wait "EXITED:0" 10
check $? "q quits (exit 0)"

# --- --no-quit ---------------------------------------------------------------------
tt_start -x 100 -y 30 "$(board --contexts west,demo --no-quit)"
tt_wait_match 'tt_has "┌ west" "┌ demo" && tt_lacks "┌ east"' 20
check $? "--contexts shows the contexts named"
tt_lacks "q quit"
check $? "--no-quit: the key line does not offer q"
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
tt_start -x 160 -y 45 "trap : INT; $(tt_prog "$SITREP") --config '$TT_DIR/fast.yaml' --cache '$OLD' wallboard; echo EXITED:\$?; exec sleep 300"
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
tt_start -x 160 -y 45 "$(tt_prog "$SITREP") --demo wallboard; echo EXITED:\$?; exec sleep 300"
tt_wait "┌ demo" 20
tt_last | grep -qE 'worst SLO: [a-z-]+: burn [0-9.]+x \(1h\), [0-9.]+% budget left'
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
tt_start -x 160 -y 45 "$(tt_prog "$SITREP") --config '$TT_DIR/fast.yaml' --cache '$OLD' wallboard; echo EXITED:\$?; exec sleep 300"
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

if tt_valgrind; then
	tt_valgrind_report
fi
tap_done
