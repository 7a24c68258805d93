/*
 * screen.c: painting the console: the header (context, read-only,
 * status, clock, the age of every source, why one failed or what it warns
 * of), the panels or the page over them, and the footer (an input line,
 * a message, or the keys that matter here).  Everything is drawn into
 * curses' virtual screen and doupdate() sends only what differs.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/runtime.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/drill_run.h"
#include "core/loop.h"
#include "core/views.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"

/* The topmost page (a mode covering the panels), or NULL; see app.h. */
struct mode *
app_page(struct app *a)
{
	struct mode	*m;

	for (m = a->modes; m != NULL; m = m->below) {
		if (m->ops->draw != NULL)
			return m;
	}
	return NULL;
}

/*
 * After the sources in the header, why the first one is failed (else what
 * it warns of), in as much room as is left: a source that cannot even
 * start says why for as long as it cannot, not in a passing message.
 */
static void
app_draw_header_reason(struct app *a, int y, int x, int w)
{
	const struct view_source	*s, *pick = NULL;
	size_t				 i;
	char				*line;

	if (a->views == NULL || w <= 2)
		return;
	for (i = 0; i < a->views->nsources && pick == NULL; i++) {
		if (a->views->sources[i].error != NULL)
			pick = &a->views->sources[i];
	}
	for (i = 0; i < a->views->nsources && pick == NULL; i++) {
		if (a->views->sources[i].warning != NULL)
			pick = &a->views->sources[i];
	}
	if ((s = pick) == NULL)
		return;
	line = xasprintf(" %s: %s", s->name, s->error != NULL ? s->error :
	    s->warning);
	draw_text(stdscr, y, x, w, line, theme_attr(s->error != NULL ?
	    SLOT_STALE : SLOT_WARN));
	free(line);
}

/* One piece of the header's sources part, and how it is painted. */
struct hdr_piece {
	char		*text;
	unsigned long	 attr;
};

/*
 * The sources part of the header at detail level (0: every source with
 * the age of its data; 1: the troubled ones by name, the others summed
 * up; 2: a count), into pieces; returns their width.
 */
static int
app_header_sources(struct app *a, int level, struct hdr_piece *p, int *np)
{
	const struct views	*v = a->views;
	char			 age[32];
	int64_t			 refresh = a->ctx != NULL ? a->ctx->refresh_ms :
	    15000, ag, oldest = -1;
	unsigned long		 hdr = theme_attr(SLOT_HEADER), at;
	const char		*sep;
	size_t			 i, ok = 0, bad = 0;
	int			 width = 0, stale;

	*np = 0;
	p[(*np)++] = (struct hdr_piece){ xstrdup(level < 2 ? " data age:" :
	    " data:"), hdr };
	for (i = 0; i < v->nsources && *np < 30; i++) {
		const struct view_source	*s = &v->sources[i];

		ag = s->last_success_ms > 0 ? app_now_ms(a) -
		    s->last_success_ms : -1;
		stale = ag < 0 || ag > 3 * refresh;
		if (!stale && s->error == NULL && s->warning == NULL) {
			ok++;
			if (ag > oldest)
				oldest = ag;
			if (level > 0)
				continue;
		} else
			bad++;
		if (level == 2)
			continue;
		at = (stale || s->error != NULL) ? (theme_attr(SLOT_STALE) |
		    A_BOLD) : s->warning != NULL ? (theme_attr(SLOT_WARN) |
		    A_BOLD) : hdr;
		sep = *np > 1 ? "  " : " ";
		if (ag < 0)
			p[(*np)++] = (struct hdr_piece){ xasprintf("%s%s %s",
			    sep, s->name, s->error != NULL ? "FAILED" :
			    "loading"), at };
		else
			p[(*np)++] = (struct hdr_piece){ xasprintf("%s%s%s %s%s",
			    sep, s->name, stale ? " STALE" : "",
			    vocab_duration(ag, age, sizeof age), s->error !=
			    NULL ? " FAILED" : s->warning != NULL ? " WARNING" :
			    ""), at };
	}
	sep = *np > 1 ? "  " : " ";
	if (level > 0 && ok > 0)
		p[(*np)++] = (struct hdr_piece){ xasprintf("%s%zu %s%s ok, %s",
		    sep, ok, bad > 0 ? "other " : "", vocab_plural(ok,
		    "source", "sources"), vocab_duration(oldest, age,
		    sizeof age)), hdr };
	if (level == 2 && bad > 0)
		p[(*np)++] = (struct hdr_piece){ xasprintf("%s%zu in trouble",
		    *np > 1 ? "  " : " ", bad), theme_attr(SLOT_STALE) |
		    A_BOLD };
	for (i = 0; i < (size_t)*np; i++)
		width += draw_width(p[i].text);
	return width + 1;
}

/*
 * Who is on call (oncall:), after the clock if it fits whole with room
 * left for the sources' shortest form (need): with the end of the shift,
 * else the name alone, else not at all.  Returns the columns drawn.
 */
static int
app_draw_header_oncall(struct app *a, int y, int x, int w, int need)
{
	const struct views	*v = a->views;
	char			 line[160], buf[176];
	int			 style;

	if (v == NULL || v->oncall.until_ms <= 0)
		return 0;
	for (style = VOCAB_ONCALL_LOCAL; style <= VOCAB_ONCALL_SHORT;
	    style++) {
		vocab_oncall_line(&v->oncall, app_now_ms(a),
		    (enum vocab_oncall_style)style, line, sizeof line);
		snprintf(buf, sizeof buf, " %s ", line);
		if (draw_width(buf) + need <= w)
			return draw_text(stdscr, y, x, w, buf,
			    theme_attr(SLOT_HEADER));
	}
	return 0;
}

/* The header's mark of a console that may not act. */
#define APP_READ_ONLY	" read-only "

/*
 * In a drill (the console plays one, or its cache is a drill's run), the
 * header opens with the drill's banner instead of the program and the
 * context: "DRILL NAME" and that nothing real is touched, in as many
 * words as leave room for the status and the clock (22 columns).  Once
 * the drill is over (app.c judges its end), "DRILL OVER" and why.
 */
static int
app_draw_header_drill(struct app *a, int y, int w)
{
	const char	*name, *why;
	char		 buf[256];
	int		 room = w - 22;

	name = a->views != NULL && a->views->drill.name != NULL ?
	    a->views->drill.name : a->opts != NULL ? a->opts->drill : NULL;
	if (name == NULL)
		return -1;
	why = a->drill_watch != NULL ? drill_watch_reason(a->drill_watch) :
	    NULL;
	if (why != NULL) {
		snprintf(buf, sizeof buf, " DRILL OVER %s: %s ", name, why);
		if (draw_width(buf) > room)
			snprintf(buf, sizeof buf, " DRILL OVER: %s ", why);
		if (draw_width(buf) > room)
			snprintf(buf, sizeof buf, " DRILL OVER ");
		return draw_text(stdscr, y, 0, w, buf,
		    theme_attr(SLOT_WARN) | A_BOLD | A_REVERSE);
	}
	snprintf(buf, sizeof buf, " DRILL %s  simulated: nothing real is "
	    "touched ", name);
	if (draw_width(buf) > room)
		snprintf(buf, sizeof buf, " DRILL %s  simulated ", name);
	if (draw_width(buf) > room)
		snprintf(buf, sizeof buf, " DRILL %s ", name);
	return draw_text(stdscr, y, 0, w, buf,
	    theme_attr(SLOT_WARN) | A_BOLD | A_REVERSE);
}

/*
 * The header: context, read-only, status, clock, namespace, who is on
 * call, the age of each source's data.  It fits the width: the sources part steps down
 * from every source to the troubled ones and a count, never cut in the
 * middle; who is on call steps down to a name, then gives way whole.
 */
static void
app_draw_header(struct app *a, const struct layout_rect *r)
{
	struct views		*v = a->views;
	struct hdr_piece	 piece[32];
	char			 buf[128];
	struct tm		 tm;
	int			 x = 0, w = r->w, level, n = 0, i, need, ro;
	time_t			 now = (time_t)(app_now_ms(a) / 1000);
	unsigned long		 hdr = theme_attr(SLOT_HEADER);

	wattr_on(stdscr, (attr_t)hdr, NULL);
	mvhline(r->y, 0, ' ', w);
	wattr_off(stdscr, (attr_t)hdr, NULL);
	/* Read-only stays as long as any of the context's name shows. */
	ro = runtime_gate(a->rt) == NULL ? draw_width(APP_READ_ONLY) : 0;
	if ((x = app_draw_header_drill(a, r->y, w - ro)) < 0) {
		x = draw_text(stdscr, r->y, 0, w - ro, " sitrep ",
		    hdr | A_BOLD);
		snprintf(buf, sizeof buf, " %s ", v != NULL ? v->context :
		    "?");
		x += draw_text(stdscr, r->y, x, w - x - ro, buf, hdr);
	}
	if (ro > 0)
		x += draw_text(stdscr, r->y, x, w - x, APP_READ_ONLY,
		    theme_attr(SLOT_WARN) | A_BOLD | A_REVERSE);
	if (v != NULL) {
		snprintf(buf, sizeof buf, " %s %s ",
		    vocab_status_symbol(v->status, a->utf8),
		    vocab_status_word(v->status));
		x += draw_text(stdscr, r->y, x, w - x, buf,
		    theme_attr(draw_tone_slot(vocab_status_tone(v->status))) |
		    A_BOLD | A_REVERSE);
	}
	localtime_r(&now, &tm);
	strftime(buf, sizeof buf, " %H:%M:%S ", &tm);
	x += draw_text(stdscr, r->y, x, w - x, buf, hdr);
	if (a->ns != NULL) {
		snprintf(buf, sizeof buf, " ns:%s ", a->ns);
		x += draw_text(stdscr, r->y, x, w - x, buf, hdr);
	}
	if (v != NULL && v->oncall.until_ms > 0) {
		need = 0;
		if (v->nsources > 0) {
			need = app_header_sources(a, 2, piece, &n);
			for (i = 0; i < n; i++)
				free(piece[i].text);
		}
		x += app_draw_header_oncall(a, r->y, x, w - x, need);
	}
	if (v == NULL || v->nsources == 0)
		return;
	for (level = 0; level < 3; level++) {
		if (app_header_sources(a, level, piece, &n) <= w - x ||
		    level == 2)
			break;
		for (i = 0; i < n; i++)
			free(piece[i].text);
	}
	for (i = 0; i < n; i++) {
		x += draw_text(stdscr, r->y, x, w - x, piece[i].text,
		    piece[i].attr);
		free(piece[i].text);
	}
	app_draw_header_reason(a, r->y, x + 1, w - x - 1);
}

/*
 * The key hints of the panels, the first key of each action, in w
 * columns: when they do not all fit, the least important go first (never
 * a hint cut in the middle).
 */
static void
app_hints(struct app *a, struct buf *b, int w)
{
	static const int		 acts[] = { ACT_DOWN, ACT_OPEN,
	    ACT_FILTER, ACT_NEXT_PANEL, ACT_COMMAND, ACT_REFRESH, ACT_HELP,
	    ACT_QUIT };
	static const char *const	 words[] = { "move", "detail",
	    "filter", "panel", "command", "refresh", "help", "quit" };
	/* Dropped first to last when the width is short. */
	static const int		 drop[] = { 5, 3, 4, 2, 1, 0, 6 };
	char				 keys[64], up[64], *hint[8];
	int				 keep[8], width = 0, i, k;

	for (i = 0; i < 8; i++) {
		keymap_keys_of(a->km, acts[i], keys, sizeof keys);
		keys[strcspn(keys, ",")] = '\0';
		if (acts[i] == ACT_DOWN) {
			keymap_keys_of(a->km, ACT_UP, up, sizeof up);
			up[strcspn(up, ",")] = '\0';
			hint[i] = xasprintf("%s/%s %s", keys, up, words[i]);
		} else
			hint[i] = xasprintf("%s %s", keys, words[i]);
		keep[i] = 1;
		width += 2 + draw_width(hint[i]);
	}
	for (k = 0; width - 1 > w && k < (int)(sizeof drop / sizeof drop[0]);
	    k++) {
		keep[drop[k]] = 0;
		width -= 2 + draw_width(hint[drop[k]]);
	}
	for (i = 0, k = 0; i < 8; i++) {
		if (keep[i])
			buf_printf(b, "%s%s", k++ > 0 ? "  " : " ", hint[i]);
		free(hint[i]);
	}
}

/* The footer: an input line, a message, or the keys that matter here. */
static void
app_draw_footer(struct app *a, const struct layout_rect *r, int paged)
{
	struct buf	 b;
	char		 keys[64];
	int		 x = 0;

	mvhline(r->y, 0, ' ', r->w);
	/* An armed Ctrl-C's question shows over the input line. */
	if (a->modes != NULL && a->modes->ops->footer != NULL &&
	    !a->ctrlc_armed) {
		/* A message (Tab's matches) shows above the input line. */
		if (a->msg != NULL && loop_now_ms(a->loop) < a->msg_until &&
		    r->y > 1) {
			mvhline(r->y - 1, 0, ' ', r->w);
			draw_text(stdscr, r->y - 1, 0, r->w, a->msg,
			    theme_attr(SLOT_WARN));
		}
		a->modes->ops->footer(a->modes, a, r);
		return;
	}
	if (a->msg != NULL && loop_now_ms(a->loop) < a->msg_until) {
		draw_text(stdscr, r->y, 0, r->w, a->msg, theme_attr(SLOT_WARN));
		return;
	}
	/* A drill that is over: the score is one key away. */
	if (a->drill_watch != NULL &&
	    drill_watch_reason(a->drill_watch) != NULL) {
		keymap_keys_of(a->km, ACT_QUIT, keys, sizeof keys);
		keys[strcspn(keys, ",")] = '\0';
		buf_init(&b, 0);
		buf_printf(&b, " DRILL OVER: press %s for your score ", keys);
		x = draw_text(stdscr, r->y, 0, r->w, buf_str(&b),
		    theme_attr(SLOT_WARN) | A_BOLD);
		buf_done(&b);
	}
	buf_init(&b, 0);
	if (paged)
		buf_printf(&b, "%s back  j/k scroll  q quit",
		    keymap_keys_of(a->km, ACT_BACK, keys, sizeof keys));
	else
		app_hints(a, &b, r->w - x);
	draw_text(stdscr, r->y, x, r->w - x, buf_str(&b),
	    theme_attr(SLOT_DIM));
	buf_done(&b);
}

/* Paint the whole screen; see app.h. */
void
app_paint(struct app *a)
{
	struct layout		 l;
	struct layout_rect	 body;
	int			 need[APP_NPANELS];
	struct mode		*page = app_page(a);
	char			 msg[64];
	int			 i;

	panel_needs(a, need);
	layout_compute(&l, LINES, COLS, a->focus, need);
	erase();
	if (l.mode == LAYOUT_TOO_SMALL) {
		snprintf(msg, sizeof msg, "terminal too small (need %dx%d)",
		    LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
		mvaddnstr(LINES / 2, COLS > (int)strlen(msg) ?
		    (COLS - (int)strlen(msg)) / 2 : 0, msg, COLS);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	app_draw_header(a, &l.header);
	if (page != NULL) {
		body.y = 1;
		body.x = 0;
		body.h = LINES - 2;
		body.w = COLS;
		page->ops->draw(page, a, &body);
	} else {
		for (i = 0; i < APP_NPANELS; i++)
			panel_draw(a, i, l.panel[i].y, l.panel[i].x,
			    l.panel[i].h, l.panel[i].w, l.collapsed[i]);
	}
	app_draw_footer(a, &l.footer, page != NULL);
	curs_set(a->modes != NULL && a->modes->ops->footer != NULL ? 1 : 0);
	wnoutrefresh(stdscr);
	doupdate();
}

/*
 * Open the terminal for a full-screen program (what: "console",
 * "wallboard"); see app.h.
 */
struct screen *
term_open(const char *what, char **cause)
{
	SCREEN	*screen;
	char	*term, *cup;
	int	 can;

	if ((screen = newterm(NULL, stdout, stdin)) != NULL) {
		cup = tigetstr("cup");
		can = cup != NULL && cup != (char *)-1 && tigetflag("hc") <= 0;
		if (can)
			return screen;
		endwin();
	}
	term = sanitize_terminal(getenv("TERM"), 0);
	*cause = xasprintf(screen == NULL ? "this machine does not know the "
	    "terminal type TERM=%s; set TERM to one it has (xterm-256color, "
	    "screen, linux), or install ncurses-term" : "the terminal type "
	    "TERM=%s cannot place the cursor, so the %s cannot draw; set TERM "
	    "to one that can (xterm-256color, screen, linux), or use 'sitrep "
	    "snapshot' for plain text", term, what);
	free(term);
	return NULL;
}

/* The terminal modes and colours of a full-screen program; see app.h. */
void
term_modes(const struct theme *theme, int no_color, int mouse)
{
	cbreak();
	noqiflush();	/* Ctrl-C keeps what was typed before it */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(mouse ? BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	    | BUTTON5_PRESSED
#endif
	    : 0, NULL);
	mouseinterval(0);
	theme_apply(theme, no_color);
}

/* The terminal modes and colours the console runs in; see app.h. */
void
app_term_modes(struct app *a)
{
	term_modes(a->theme, a->no_color, 1);
}
