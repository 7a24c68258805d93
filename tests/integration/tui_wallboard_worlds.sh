#!/bin/bash
# tui_wallboard_worlds.sh: the wallboard over many contexts, in a private
# tmux server, fed by one `sitrep --demo --worlds 12 fetch --all` (twelve
# simulated worlds, each at its own point of the hour):
#
#  - 1, 3 and 12 contexts at 80x24 (a line each), 160x45 and 400x120
#    (tiles reflowed to the screen, every context on one page, status in
#    big type where there is room), and the twelve worlds differ;
#  - stale after the feeder stops: every tile STALE and the banner says
#    the board may be wrong; recovery when it resumes, with no key.
# TAP output; the plan comes last.  With SITREP_UNDER_VALGRIND=1 the
# board runs under memcheck (tests/lib/tmux.sh).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
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

# The feeder: every world into the demo's cache, as long as it runs.
feed() {
	(cd "$TT_DIR" && exec env -i PATH="$PATH" HOME="$TT_DIR/home" \
	    XDG_CACHE_HOME="$TT_DIR/cache" XDG_CONFIG_HOME="$TT_DIR/config" \
	    "$SITREP" --demo --worlds 12 fetch --all >/dev/null 2>&1) &
	feeder=$!
}
stop_feeding() {
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	feeder=
}
board() {	# CONTEXTS: the board of those contexts, still
	echo "trap : INT; $(tt_prog "$SITREP") --demo --worlds 12 wallboard --contexts $1 --panel overview --shift 0 --rotate 0; echo EXITED:\$?; exec sleep 300"
}
# How many times a pattern is on the last screen.
count() {
	tt_last | grep -oE "$1" | wc -l
}

feed
# The first round of all twelve before the first board.
tt_wait_match '[ -s "$TT_DIR/cache/sitrep/demo.db" ]' 20
sleep 3

one=demo
three=demo,demo-2,demo-3
twelve=demo
i=2
while [ $i -le 12 ]; do
	twelve="$twelve,demo-$i"
	i=$((i + 1))
done

for nctx in 1 3 12; do
	case $nctx in
	1) list=$one ;;
	3) list=$three ;;
	12) list=$twelve ;;
	esac
	# 80x24: one line per context, all on one page.
	tt_start -x 80 -y 24 "$(board "$list")"
	tt_wait_match '[ "$(count "^demo(-[0-9]+)? +. [A-Z]+")" = '"$nctx"' ] && tt_has "n next"' 20
	check $? "80x24, $nctx contexts: a line each"
	tt_wait "▶ 1/1" 5
	check $? "80x24, $nctx contexts: one page"
	# 160x45: tiles, three across at most, all on one page.
	tt_resize 160 45
	tt_wait_match '[ "$(count "┌ demo(-[0-9]+)? ")" = '"$nctx"' ] && tt_has "n next"' 10
	check $? "160x45, $nctx contexts: a tile each"
	tt_wait "▶ 1/1" 5
	check $? "160x45, $nctx contexts: one page"
	# 400x120: the tiles fill the screen, the status in big type.
	tt_resize 400 120
	tt_wait_match '[ "$(tt_last | grep -m 1 "^┌" | wc -m)" -gt 390 ] &&
	    [ "$(count "┌ demo(-[0-9]+)? ")" = '"$nctx"' ] && tt_has "n next"' 10
	check $? "400x120, $nctx contexts: a tile each"
	[ "$(tt_last | grep -cE '^│ [▄▀█ ]+│')" -ge "$nctx" ]
	check $? "400x120, $nctx contexts: the status in big type"
	if [ "$nctx" = 12 ]; then
		# Two rows of six 66-column tiles, not nine and three.
		[ "$(tt_last | grep -c '^┌ demo ')" = 1 ] &&
		    tt_last | grep -q '^└─\{64\}┘└'
		check $? "400x120, 12 contexts: six tiles a row, 66 columns each"
		[ "$(tt_last | grep -oE 'firing: [^│]*' | sort -u | wc -l)" -ge 2 ]
		check $? "the twelve worlds differ"
	fi
	tt_kill
done

# --- the feeder stops, then resumes -------------------------------------------
tt_start -x 160 -y 45 "$(board "$three")"
tt_wait "┌ demo-3" 20
tt_lacks "STALE"
check $? "fed: no context is stale"
stop_feeding
# Three of the demo's 2 s refresh intervals, and some.
tt_wait_match 'tt_has "STALE: 3 of 3 contexts have no fresh data - this board may be wrong" || tt_has "NO FEEDER"' 30
check $? "the feeder stopped: the banner says the board may be wrong"
tt_wait_match '[ "$(count "STALE since")" = 3 ]' 20
check $? "... and every tile is STALE, with since when"
feed
tt_wait_match 'tt_lacks "STALE" "NO FEEDER"' 30
check $? "the feeder resumed: fresh again, with no key pressed"
tt_keys q
tt_wait "EXITED:0" 10
check $? "q quits"
stop_feeding

if tt_valgrind; then
	tt_valgrind_report
fi
tap_done
