#!/bin/bash
# tui_demo.sh: the console, end to end, in a real terminal emulator.
#
# Runs the real binary (`sitrep --demo`, the built-in simulated world) in a
# private tmux server, types keys into it and reads the screen back.  Under
# each of xterm-256color, tmux-256color, screen and linux it must start,
# show the header and the four panels, and quit leaving the terminal as it
# found it.  Under xterm-256color the whole console is exercised: the grid
# and stacked layouts and the too-small notice across resizes and a resize
# storm, --panel and --filter, every panel's focus keys (a key must reach
# the screen within 100 ms), selection keys and detail views, the live
# filter, the help screen built from the key table, the command line with
# completion, an ASCII-only screen under LANG=C, no colour under NO_COLOR,
# a demo world without escape stress text (hostile text is tested against
# real servers in tui_real.sh), quitting with
# q, :q, Ctrl-C (twice with a view open), SIGTERM and SIGHUP, suspending
# with Ctrl-Z and resuming with fg, and refusing to start without a
# terminal.  With SITREP_UNDER_VALGRIND=1 every run of the console is under
# valgrind's memcheck (tests/lib/tmux.sh): the waits scale, the checks
# that only measure time are skipped, and the logs must report no error.
# TAP output; the plan comes last.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$top_srcdir/tests/lib/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lib/tmux.sh
. "$top_srcdir/tests/lib/tmux.sh"

tt_available || skip_all "tmux is not installed" tmux
SITREP=$top_builddir/sitrep
PY=${PYTHON:-python3}
need_tools "$PY"
if [ ! -x "$SITREP" ]; then
	echo "1..1"
	echo "not ok 1 - $SITREP is not built; run make first"
	exit 1
fi

tt_setup || exit 1
trap 'tt_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
started=$(date +%s)

# On a failure: the last screen read.
tap_got() {
	tt_last
}

# The console under a shell that reports how it ended.  The INT trap
# keeps the shell alive when Ctrl-C reaches the whole foreground group
# (as an interactive shell with job control would be); a trapped signal
# is reset in the child, so the console gets Ctrl-C as usual.  The shell
# stays on after the report: tmux 3.3a may drop the last output of a pane
# whose process has just exited.
console() {
	echo "trap : INT; $(tt_prog "$SITREP") --demo; echo EXITED:\$?; exec sleep 300"
}

# Check the screen's geometry: LAYOUT.py COLS ROWS MODE [FOCUS], screen
# on stdin.  MODE is grid, stacked (FOCUS: the big panel, 1-4), detail
# (a view over the whole body) or small.
# Every row must be exactly as wide as the terminal where a box is drawn,
# framed on both sides, with nothing left over from an earlier size.
cat >"$TT_DIR/layout.py" <<'EOF'
import sys

cols, rows, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
focus = int(sys.argv[4]) if len(sys.argv) > 4 else 1
lines = sys.stdin.buffer.read().decode("utf-8", "replace").split("\n")
if lines and lines[-1] == "":
    lines.pop()
lines += [""] * (rows - len(lines))
titles = ["1 Health", "2 SLO burn", "3 Incidents", "4 Runbook"]
TL, BL, V, H = "┌+", "└+", "│|", "─-"


def fail(why):
    sys.stderr.write(why + "\n")
    sys.exit(1)


if len(lines) != rows:
    fail("%d rows, want %d" % (len(lines), rows))
for i, l in enumerate(lines):
    if len(l) > cols:
        fail("row %d is %d wide" % (i, len(l)))
if mode == "small":
    text = [l.strip() for l in lines if l.strip()]
    if text != ["terminal too small (need 80x24)"]:
        fail("small screen holds %r" % text)
    sys.exit(0)
if not lines[0].startswith(" sitrep "):
    fail("row 0 is not the header: %r" % lines[0])
foot = lines[rows - 1]
if foot[:1] in TL + BL + V or "sitrep" in foot:
    fail("last row is not the footer: %r" % foot)


def box(top, left, height, width, title):
    t = lines[top][left:left + width]
    if t[:1] not in TL or title not in t or len(t) != width:
        fail("no box %r at row %d col %d: %r" % (title, top, left, t))
    b = lines[top + height - 1][left:left + width]
    if b[:1] not in BL or len(b) != width or b.strip(H + BL + "┘") != "":
        fail("box %r has no bottom at row %d: %r" % (title, top + height - 1,
             b))
    for y in range(top + 1, top + height - 1):
        r = lines[y][left:left + width]
        if len(r) != width or r[0] not in V or r[-1] not in V:
            fail("row %d of box %r is not framed: %r" % (y, title, r))


body = rows - 2
if mode == "grid":
    left, top = cols // 2, body // 2
    box(1, 0, top, left, titles[0])
    box(1, left, top, cols - left, titles[1])
    box(1 + top, 0, body - top, left, titles[2])
    box(1 + top, left, body - top, cols - left, titles[3])
elif mode == "stacked":
    # Each panel is a box of the rows it needs or its title line; the
    # focused one is always a box, marked; together they fill the body.
    y = 1
    for i in range(4):
        r = lines[y]
        if r[:1] in TL:
            h = None
            for yy in range(y + 1, rows - 1):
                if lines[yy][:1] in BL:
                    h = yy - y + 1
                    break
            if h is None:
                fail("box %r at row %d has no bottom" % (titles[i], y))
            box(y, 0, h, cols, titles[i])
            if (i + 1 == focus) != ("\u25b8 " + titles[i] in r or
                                    "> " + titles[i] in r):
                fail("focus mark wrong on %r: %r" % (titles[i], r))
            y += h
        else:
            if i + 1 == focus:
                fail("the focused %r is not a box: %r" % (titles[i], r))
            if r[:1] not in H or titles[i] not in r or len(r) != cols:
                fail("row %d is not the collapsed %r: %r" % (y, titles[i],
                     r))
            y += 1
    if y != rows - 1:
        fail("the panels end at row %d, not %d" % (y, rows - 1))
elif mode == "detail":
    box(1, 0, body, cols, "")
else:
    fail("unknown mode " + mode)
EOF
# Wait until the screen has a layout: COLS ROWS MODE [FOCUS] [SECS].
wait_layout() {
	tt_wait_match "tt_last | $PY '$TT_DIR/layout.py' $1 $2 $3 ${4:-1}" \
	    "${5:-5}"
}
# The screen's rows as the layout checker sees them, for a failure note.
layout_why() {
	tt_last | "$PY" "$TT_DIR/layout.py" "$@" 2>&1 |
	    sed 's/^/# /'
}
# Press keys, then wait for text: KEYS... -- TEXT.
press() {
	tt_press "$@"
}
# The process id of the console in the session (the shell's child; under
# valgrind the process is named after the tool, its arguments name sitrep).
console_pid() {
	local i pid
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if tt_valgrind; then
			pid=$(pgrep -P "$(tt_display '#{pane_pid}')" \
			    -f -- "$SITREP" | head -n 1)
		else
			pid=$(pgrep -P "$(tt_display '#{pane_pid}')" -x sitrep |
			    head -n 1)
		fi
		[ -n "$pid" ] && break
		sleep 0.2
	done
	echo "$pid"
}
# Status 0 when panel N is the focused one (the one marked ▸) with TEXT.
focused() {
	tt_has "$2" && tt_last | grep -q "^┌ ▸ $1 " &&
	    [ "$(tt_last | grep -c '▸')" = 1 ]
}
# The rows of panel N's box on the last screen read (empty if collapsed).
panel_box() {
	tt_last | awk -v n="$1" '
	    inbox && /^(└|[+]-)/ { exit }
	    !inbox && $0 ~ "^(┌|[+]) (▸ |> )?" n " " { inbox = 1 }
	    inbox { print }'
}
# Status 0 when all the bytes of a file are ASCII.
ascii_only() {
	! LC_ALL=C grep -q '[^ -~]' "$1"
}

# --- start and quit under each terminal type -------------------------------
# Under valgrind two of them: one with an alternate screen, one without
# (the types differ in terminfo, not in the paths sitrep's code takes).
terms="xterm-256color tmux-256color screen linux"
[ "${SITREP_UNDER_VALGRIND:-0}" = 1 ] && terms="xterm-256color linux"
for term in $terms; do
	tt_start -x 100 -y 30 -t "$term" "$(console)"
	tt_wait_match 'tt_has CRITICAL "4 Runbook"' 10
	ok=$?
	tt_has " sitrep  demo " "✖ CRITICAL" "1 Health" "2 SLO burn" \
	    "3 Incidents" "4 Runbook" || ok=1
	check $ok "TERM=$term: header (demo, ✖ CRITICAL) and four panels"
	# The linux console has no alternate screen; the others do.
	want=1
	[ -n "$(tput -T "$term" smcup 2>/dev/null)" ] || want=0
	alt=$(tt_display '#{alternate_on}')
	tt_keys q
	tt_wait "EXITED:0" 5
	ok=$?
	[ "$alt" = $want ] && [ "$(tt_display '#{alternate_on}')" = 0 ] || ok=1
	[ $want = 0 ] || tt_lacks "1 Health" || ok=1
	check $ok "TERM=$term: q exits 0, alternate screen $want then 0 ($alt)"
done
[ -f "$TT_DIR/cache/sitrep/demo.db" ]
check $? "the demo's cache is under XDG_CACHE_HOME, not the real home"

tt_start -x 100 -y 30 "trap : INT; $(tt_prog "$SITREP") --demo --panel slo \
    --filter latency; echo EXITED:\$?; exec sleep 300"
tt_wait_match 'focused 2 "2 SLO burn  /latency" &&
    panel_box 2 | grep -q checkout-latency &&
    panel_box 2 | grep -q search-latency &&
    ! panel_box 2 | grep -Eq "(checkout|frontend)-availability"' 10
check $? "--panel slo --filter latency: SLO panel focused, filtered"
(cd "$TT_DIR" && HOME=$TT_DIR/home XDG_CACHE_HOME=$TT_DIR/cache \
    XDG_CONFIG_HOME=$TT_DIR/config tt_exec "$SITREP" --demo --panel bogus \
    </dev/null >"$TT_DIR/out" 2>"$TT_DIR/err")
rc=$?
[ $rc -eq 2 ] && grep -q "unknown panel 'bogus'" "$TT_DIR/err"
check $? "--panel bogus: exit 2 ($rc), 'unknown panel' names the choices"

# --- layouts and resizes -----------------------------------------------------
tt_start -x 200 -y 60 "$(console)"
wait_layout 200 60 grid 1 10
ok=$?
check $ok "200x60: grid, panels 1 and 2 side by side, 3 and 4 below"
[ $ok -eq 0 ] || layout_why 200 60 grid
tt_last | grep -q '1 Health.*2 SLO burn'
check $? "200x60: '1 Health' and '2 SLO burn' on one row"
tt_resize 80 24
wait_layout 80 24 stacked 1
ok=$?
check $ok "80x24: stacked, Health a marked box, the others boxes of what they need or title lines"
[ $ok -eq 0 ] || layout_why 80 24 stacked 1
tt_resize 79 23
wait_layout 79 23 small
ok=$?
check $ok "79x23: only 'terminal too small (need 80x24)'"
[ $ok -eq 0 ] || layout_why 79 23 small
tt_resize 100 30
wait_layout 100 30 stacked 1
ok=$?
tt_has "too small" && ok=1
check $ok "100x30: laid out again, header on row 0, nothing left over"
[ $ok -eq 0 ] || layout_why 100 30 stacked 1
for size in 150x40 90x25 200x60 79x23 60x10 120x35 80x24 170x50 \
    81x24 120x40; do
	tt_resize "${size%x*}" "${size#*x}"
done
wait_layout 120 40 stacked 1 5
ok=$?
sleep 1.2
wait_layout 120 40 stacked 1 1 || ok=1
[ -n "$(console_pid)" ] || ok=1
check $ok "resize storm (10 sizes): still running, 120x40 clean and stable"
[ $ok -eq 0 ] || layout_why 120 40 stacked 1

# --- focus: 1-4, Tab, S-Tab ---------------------------------------------------
rows=("" "STATUS      SERVICE" "SLO                   BUDGET LEFT"
    "SEVERITY  AGE    ALERTS" "runbook: ")
tt_resize 100 30
wait_layout 100 30 stacked 1
ok=0
for k in 2 3 4 1; do
	tt_keys $k
	tt_wait_match "focused $k '${rows[$k]}'" 5 || ok=1
done
tt_keys 4
wait_layout 100 30 stacked 4 || ok=1
check $ok "1-4 focus a panel; it is drawn large with its own rows"
ok=0
for k in 1 2 3 4; do
	tt_keys Tab
	tt_wait_match "focused $k '${rows[$k]}'" 5 || ok=1
done
tt_keys BTab
tt_wait_match "focused 3 '${rows[3]}'" 5 || ok=1
tt_keys BTab
tt_wait_match "focused 2 '${rows[2]}'" 5 || ok=1
check $ok "Tab cycles 1 2 3 4 (from 4); S-Tab goes back 3 2"
if tt_valgrind; then
	tt_keys 1
	tt_wait "${rows[1]}"
	skip "a key reaches the screen in under 100 ms" \
	    "time is not measured under valgrind"
else
	ms=$(tt_latency "${rows[1]}" 1)
	ok=$?
	echo "# key to screen (1, demo): ${ms} ms"
	[ $ok -eq 0 ] && [ "$ms" -lt 100 ] || ok=1
	[ "$(tt_display '#{window_width}x#{window_height}')" = 100x30 ] ||
	    ok=1
	check $ok "a key reaches the screen in ${ms} ms (under 100); size kept"
fi

# The probe itself: a program that answers a key 300 ms late is measured so.
TT_SESSION=control tt_start -x 80 -y 24 \
    "stty raw -echo; dd bs=1 count=1 2>/dev/null; sleep 0.3; echo LATE; sleep 30"
sleep 0.3
ms=$(TT_SESSION=control tt_latency LATE x)
[ "$ms" -ge 300 ] && [ "$ms" -lt 2000 ]
check $? "control: the latency probe measures a 300 ms late answer as ${ms} ms"
TT_SESSION=control tt_kill

# --- health: selection and the detail view ---------------------------------
press Enter -- "┌ Service checkout"
ok=$?
tt_has "✖ CRITICAL" "CrashLoopBackOff" "OOMKilled" "Deployment shop/checkout" \
    "pod checkout-" || ok=1
check $ok "Enter on the first health row (the worst): Service checkout with reasons, deployment and pods"
press Escape -- "STATUS      SERVICE" && wait_layout 100 30 stacked 1
check $? "Esc returns to the health panel"
press j Enter -- "┌ Service frontend"
check $? "j, Enter: the next service, frontend"
press Escape -- "STATUS      SERVICE"
press Enter -- "┌ Service frontend"
check $? "Esc keeps the selection: Enter again opens frontend"
ok=0
press Escape G Enter -- "┌ Service payments-api" || ok=1
press Escape g Enter -- "┌ Service checkout" || ok=1
press Escape k Enter -- "┌ Service checkout" || ok=1
press Escape Down Down Up Enter -- "┌ Service frontend" || ok=1
check $ok "G, g, k at the top, arrows move the selection"
ok=0
press Escape NPage Enter -- "┌ Service payments-api" || ok=1
press Escape PPage Enter -- "┌ Service checkout" || ok=1
# The box is as tall as its rows need: half of it, then back.
press Escape -- "STATUS      SERVICE" || ok=1
press C-d Enter -- "┌ Service " || ok=1
tt_lacks "┌ Service checkout" || ok=1
press Escape C-u Enter -- "┌ Service checkout" || ok=1
check $ok "PgDn, PgUp, C-d, C-u move by pages"
tt_keys Escape / ; tt_type ledger ; tt_keys Enter
tt_keys Enter
tt_wait_match 'tt_has "┌ Service ledger" "StatefulSet ledger/ledger" \
    "pod ledger-0 Running ready" "pod ledger-1 Running ready"'
ok=$?
tt_lacks "Deployment ledger/" || ok=1
check $ok "Service ledger: its StatefulSet and its pods ledger-0 and ledger-1"
tt_keys Escape
tt_wait "1 Health  /ledger" 5
tt_keys Escape
tt_wait_gone "/ledger" 5

# --- SLO, incidents, runbook details -----------------------------------------
press 2 Enter -- "┌ SLO checkout-availability"
ok=$?
tt_has "verdict: page" "window   error ratio   burn rate" "5m " "1h " "6h " \
    "1d " "30m " || ok=1
tt_last | grep -qE 'rollouts:|revision [0-9]+ of checkout' || ok=1
check $ok "SLO checkout-availability: verdict, windows, rollouts"
press Escape -- "BUDGET LEFT" && wait_layout 100 30 stacked 2
check $? "Esc returns to the SLO panel"
press j Enter -- "┌ SLO checkout-latency"
check $? "j, Enter on the SLO panel: SLO checkout-latency"
press Escape G Enter -- "┌ SLO ledger-writes"
ok=$?
tt_wait "error budget: no data" 5 || ok=1
check $ok "G, Enter: the last SLO (ledger-writes, no data)"
tt_keys Escape
press 3 Enter -- "┌ Incident "
ok=$?
# The frame's title may be read before its body is painted: wait for it.
tt_wait_match 'tt_has " labels" " annotations" "alertname: " "group: "' 5 ||
    ok=1
first=$(tt_last | grep -o 'Incident [0-9a-f]*' | head -n 1)
check $ok "an incident's detail lists labels and annotations ($first)"
ok=0
tt_has "P0, severity critical, triggered, since " || ok=1
check $ok "the detail names the incident's priority and state, as cached"
press Escape -- "PRI SEVERITY  AGE    ALERTS  STATE     TITLE"
ok=$?
tt_last | grep -Eq 'P0  critical  [0-9hmd]+ +[0-9]+ +triggered [A-Za-z]' || ok=1
check $ok "the incidents panel shows PRI and STATE columns"
press j Enter -- "┌ Incident "
second=$(tt_last | grep -o 'Incident [0-9a-f]*' | head -n 1)
press Escape -- "SEVERITY  AGE" && wait_layout 100 30 stacked 3
ok=$?
press Enter -- "┌ $second" || ok=1
[ -n "$second" ] && [ "$second" != "$first" ] || ok=1
check $ok "j selects another incident ($second); Esc, Enter reopens it"
press Escape 4 -- "runbook: "
ok=$?
press Enter -- "┌ $second" || ok=1
check $ok "the runbook panel follows the selected incident; Enter opens it"
tt_keys Escape 1

# --- the live filter ----------------------------------------------------------
wait_layout 100 30 stacked 1
tt_keys /
tt_type sea
tt_wait_match 'tt_has "WARNING   search" && tt_lacks "frontend  "'
ok=$?
tt_has "/sea" || ok=1
check $ok "/ filters as you type: 'sea' leaves the search row"
tt_type rch
tt_wait "1 Health  /search"
ok=$?
panel_box 1 | grep -qE 'checkout  |payments-api|ledger  ' && ok=1
check $ok "'search': the panel title shows the filter, other rows gone"
tt_keys Escape
tt_wait_match 'tt_has "frontend  " "ledger  " && tt_lacks /search'
check $? "Esc clears the filter: every row is back"
tt_keys / ; tt_type ledger ; tt_keys Enter
tt_wait_match 'tt_has "1 Health  /ledger" && tt_lacks "frontend  "'
ok=$?
press Enter -- "┌ Service ledger" || ok=1
press Escape -- "1 Health  /ledger" || ok=1
tt_keys Escape
tt_wait_match 'tt_has "frontend  " && tt_lacks /ledger' || ok=1
check $ok "Enter keeps the filter, detail and back keep it, Esc clears it"

# --- help -------------------------------------------------------------------
press '?' -- "Keys (from the key table"
ok=$?
tt_has "C-d" "half-down" "half a page down" "PgDn" "S-Tab" || ok=1
# The ':' commands follow the keys, from their own table.
press G -- "context NAME" || ok=1
tt_has "Commands (after :)" "theme NAME" || ok=1
check $ok "? shows help generated from the key table (C-d half-down ...) and the command table"
press Escape -- "STATUS      SERVICE"
check $? "Esc leaves the help"

# --- the command line -------------------------------------------------------
tt_type ':theme light'
tt_wait ":theme light"
tt_keys Enter
tt_wait_match 'tt_last | tail -n 1 | grep -qx "theme light"'
check $? ":theme light shows 'theme light'"
tt_type ':the'
tt_keys Tab
tt_wait_match 'tt_last | tail -n 1 | grep -qx ":theme"'
ok=$?
[ "$(tt_display '#{cursor_x}')" = 7 ] || ok=1
tt_type mono
tt_keys Enter
tt_wait_match 'tt_last | tail -n 1 | grep -qx "theme mono"' || ok=1
check $ok ":the + Tab completes to ':theme ' (cursor after the space)"
tt_type ':ns shop'
tt_keys Enter
tt_wait " ns:shop "
ok=$?
tt_wait_match 'tt_has "checkout  " && tt_lacks payments-api' || ok=1
check $ok ":ns shop: header shows ns:shop, health keeps shop's services"
tt_type ':ns'
tt_keys Enter
tt_wait_match 'tt_has payments-api && tt_lacks " ns:shop "'
check $? ":ns alone: all namespaces again"
tt_type ':bogus'
tt_keys Enter
tt_wait "unknown command 'bogus'"
check $? ":bogus gives an error message"
tt_type ':q'
tt_keys Enter
tt_wait "EXITED:0"
ok=$?
[ "$(tt_display '#{alternate_on}')" = 0 ] || ok=1
check $ok ":q quits, exit status 0, terminal restored"

# --- LANG=C: ASCII only -----------------------------------------------------
tt_start -x 100 -y 30 -e LANG=C -e LC_ALL=C "$(console)"
tt_wait "CRITICAL" 10
ok=0
wait_layout 100 30 stacked 1 || ok=1
tt_capture >"$TT_DIR/c1.txt"
press 2 -- "BUDGET LEFT" || ok=1
tt_capture >"$TT_DIR/c2.txt"
tt_keys 3 /
tt_type LedgerExport
tt_keys Enter Enter
tt_wait "Incident " || ok=1
tt_capture >"$TT_DIR/c3.txt"
for f in c1 c2 c3; do
	ascii_only "$TT_DIR/$f.txt" || ok=1
done
grep -qF "X CRITICAL" "$TT_DIR/c1.txt" && grep -q '^+ > 1 Health' \
    "$TT_DIR/c1.txt" && grep -q '^|STATUS' "$TT_DIR/c1.txt" &&
    grep -q '^[-+] 2 SLO burn.*---' "$TT_DIR/c1.txt" || ok=1
check $ok "LANG=C LC_ALL=C: every byte ASCII (panels, bars, detail), + | - borders"
tt_keys q q

# --- NO_COLOR -----------------------------------------------------------------
colour='\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|[34]8;[25])[;m]'
tt_start -x 100 -y 30 "$(console)"
tt_wait "CRITICAL" 10
sleep 0.2
tt_capture -e | grep -qE "$colour"
check $? "by default the screen is in colour (the NO_COLOR check can fail)"
tt_keys q
tt_start -x 100 -y 30 -e NO_COLOR=1 "$(console)"
tt_wait_match 'tt_has "✖ CRITICAL" "▲ WARNING" "✓ OK" "page" "ticket"'
ok=$?
tt_capture -e | grep -qE "$colour" && ok=1
check $ok "NO_COLOR=1: no colour at all, states still words and symbols"
tt_keys q

# --- a believable world ------------------------------------------------------
# The demo is what a new user sees first: a world that reads as a real
# one.  Hostile text is tested against real servers (tui_real.sh), not
# shown in the demo.
tt_start -x 120 -y 30 "$(console)"
tt_wait "CRITICAL" 10
tt_keys 3 /
tt_type LedgerExport
tt_keys Enter Enter
tt_wait "Incident " 5
ok=$?
tt_wait 'summary: Export job nightly has not written a batch' || ok=1
tt_has 'description: Job ledger-export' || { echo "# no description"; ok=1; }
tt_lacks '^[' 'pwned' '<script>' '\u' || { echo "# stress text"; ok=1; }
check $ok "the demo's ledger alert reads as a real one: no escape stress text"
tt_keys q q

# --- quitting -----------------------------------------------------------------
tt_start -x 100 -y 30 "$(console)"
tt_wait "CRITICAL" 10
tt_keys C-c
tt_wait "EXITED:0" 5
ok=$?
[ "$(tt_display '#{alternate_on}')" = 0 ] || ok=1
check $ok "Ctrl-C in the main view quits at once, exit 0, terminal restored"
tt_start -x 100 -y 30 "$(console)"
tt_wait "CRITICAL" 10
press Enter -- "┌ Service checkout"
press C-c -- "press Ctrl-C again to quit"
ok=$?
sleep 0.3
[ -n "$(console_pid)" ] && ! tt_has EXITED || ok=1
check $ok "Ctrl-C with a detail open asks again and keeps running"
tt_keys C-c
tt_wait "EXITED:0" 5
ok=$?
[ "$(tt_display '#{alternate_on}')" = 0 ] || ok=1
check $ok "the second Ctrl-C quits, terminal restored"
tt_start -x 100 -y 30 "$(console)"
tt_wait "CRITICAL" 10
tt_type ':the'
# Ctrl-C is a signal, and overtakes keys the console has not read yet.
tt_wait_match 'tt_last | tail -n 1 | grep -qx ":the"'
press C-c -- "press Ctrl-C again to quit"
ok=$?
press C-c -- "EXITED:0" || ok=1
check $ok "Ctrl-C with the command line open asks again, then quits"
for sig in TERM HUP; do
	tt_start -x 100 -y 30 "$(console)"
	tt_wait "CRITICAL" 10
	pid=$(console_pid)
	[ -n "$pid" ] && kill -"$sig" "$pid"
	tt_wait "EXITED:0" 5
	ok=$?
	[ "$(tt_display '#{alternate_on}')" = 0 ] && ! tt_has "1 Health" || ok=1
	check $ok "SIG$sig to the console (pid $pid): exit 0, terminal restored"
done

# --- Ctrl-Z and fg ------------------------------------------------------------
if tt_valgrind; then
	for what in "Ctrl-Z suspends" "fg resumes" "after fg the console still takes keys" \
	    "q after fg: exit 0 back at the prompt"; do
		skip "$what" "a program under valgrind does not stop on Ctrl-Z"
	done
else
	tt_start -x 100 -y 30 "exec env PS1='PROMPT> ' bash --norc --noprofile -i"
	tt_wait "PROMPT> " 5
	tt_type "$(tt_prog "$SITREP") --demo"
	tt_keys Enter
	tt_wait "CRITICAL" 10
	tt_keys C-z
	tt_wait "Stopped" 5
	ok=$?
	[ "$(tt_display '#{alternate_on}')" = 0 ] || ok=1
	check $ok "Ctrl-Z suspends: the shell says Stopped, normal screen back"
	tt_type fg
	tt_keys Enter
	wait_layout 100 30 stacked 1 5
	ok=$?
	[ "$(tt_display '#{alternate_on}')" = 1 ] || ok=1
	check $ok "fg resumes: the console repaints the whole screen"
	press 2 -- "BUDGET LEFT"
	check $? "after fg the console still takes keys"
	tt_keys q
	tt_type 'echo STATUS:$?'
	tt_keys Enter
	tt_wait "STATUS:0" 5
	check $? "q after fg: exit 0 back at the prompt"
fi

# --- no terminal --------------------------------------------------------------
(cd "$TT_DIR" && HOME=$TT_DIR/home XDG_CACHE_HOME=$TT_DIR/cache \
    XDG_CONFIG_HOME=$TT_DIR/config tt_exec "$SITREP" --demo </dev/null \
    >"$TT_DIR/out" 2>"$TT_DIR/err")
rc=$?
ok=0
[ $rc -eq 2 ] && grep -q "sitrep snapshot" "$TT_DIR/err" &&
    [ ! -s "$TT_DIR/out" ] || ok=1
check $ok "no terminal: exit 2 ($rc), stderr points to 'sitrep snapshot'"

tt_kill
elapsed=$(($(date +%s) - started))
echo "# tui_demo took ${elapsed}s"
if tt_valgrind; then
	skip "the whole run took at most 90 s" \
	    "time is not measured under valgrind"
	tt_valgrind_report
else
	[ "$elapsed" -le 90 ]
	check $? "the whole run took ${elapsed}s (at most 90)"
fi
tap_done
