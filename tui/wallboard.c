/*
 * wallboard.c: `sitrep wallboard`: one tile per context, read-only.
 *
 * Its own small program loop (core/loop.c): the terminal on stdin, a few
 * signals, a one-second tick for the clock, a reader timer that rebuilds
 * every context's views from the read-only cache (never on a key), and a
 * rotation timer that turns the page.  It never makes a runtime, so there
 * is no source, no HTTP and no action gate anywhere on its path.  The
 * terminal is opened and set up as the console's (term_open(),
 * term_modes()); drawing goes through tui/draw.c, which sanitises every
 * string.
 *
 * Stale is loud: a context with no fresh source has its tile framed and
 * titled in the stale style, reverse video, with the word STALE and since
 * when; the banner then says the board may be wrong; and when no source of
 * any context has even been attempted for a while, it says the feeder is
 * gone.
 */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/out.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/views.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/bigtext.h"
#include "tui/draw.h"
#include "tui/list.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/wallboard.h"

#define WB_READ_MS	2000	/* read the cache at least this often */
#define WB_STALE_FACTOR	3	/* refresh intervals before stale */

/*
 * One context: its tile, and its panels.  view is a console app with
 * nothing but what the panels paint from (the configuration, the views,
 * the lists and their filter, the theme): no runtime, no loop, no cache
 * writer, no gate.  Its views are the last read; NULL: none yet.
 */
struct wb_tile {
	const struct conf_context	*ctx;
	struct app			 view;
	int				 stale;	/* no fresh source */
	int64_t				 since_ms;	/* newest success; 0 */
	int64_t				 attempt_ms;	/* newest attempt; 0 */
};

/* The panels a board shows: health, SLOs, incidents (not the runbook). */
enum { WB_HEALTH, WB_SLO, WB_INCIDENTS };
static const char *const wb_panel_names[] = { "health", "slo", "incidents" };
#define WB_NPANELS	(sizeof wb_panel_names / sizeof wb_panel_names[0])

/* The board's state. */
struct wb {
	const struct wallboard_opts	*opts;
	struct loop			*loop;
	struct theme			*theme;
	struct wb_tile			*tiles;
	size_t				 ntiles;
	int				 panels[WB_NPANELS];	/* indexes */
	size_t				 page;	/* in the whole rotation */
	size_t				 npages;	/* as last painted */
	struct loop_timer		*rotor;
	int64_t				 turned_ms;	/* loop ms */
	unsigned			 shift;	/* burn-in step */
	int				 paused;
	int				 utf8;
	int				 no_color;
	int				 dirty;
	int				 resized;
	int				 quit;
	int				 curses_on;
	int64_t				 read_ms;	/* last good round */
	char				*read_error;	/* the last failed */
	size_t				 next_read;	/* the reader's turn */
	int				 round_failed;	/* this round */
};

#define WB_BIG_ROWS	5	/* the tallest big type (ASCII) */

static struct wb	*wb_current;	/* for the atexit terminal restore */

/* Lay out n tiles; see wallboard.h. */
void
wallboard_grid(int lines, int cols, size_t n, int banner,
    struct wallboard_grid *g)
{
	int	body, need;

	memset(g, 0, sizeof *g);
	g->top = 1 + (banner > 0 ? banner : 0);
	body = lines - g->top - 1;
	if (body < 1)
		body = 1;
	if (n == 0)
		n = 1;
	g->ncols = cols / WALLBOARD_TILE_W;
	if (g->ncols < 2 || body < WALLBOARD_TILE_H) {
		g->compact = 1;
		g->ncols = 1;
		g->nrows = body;
		g->tile_w = cols;
		g->tile_h = 1;
	} else {
		if ((size_t)g->ncols > n)
			g->ncols = (int)n;
		g->nrows = body / WALLBOARD_TILE_H;
		need = (int)((n + (size_t)g->ncols - 1) / (size_t)g->ncols);
		if (g->nrows > need)
			g->nrows = need;
		/* All on one page: as few columns as those rows need, wider. */
		if (g->nrows == need)
			g->ncols = (int)((n + (size_t)need - 1) / (size_t)need);
		g->tile_w = cols / g->ncols;
		g->tile_h = body / g->nrows;
	}
	g->per_page = (size_t)g->ncols * (size_t)g->nrows;
	g->npages = (n + g->per_page - 1) / g->per_page;
}

/* A page name; see wallboard.h. */
int
wallboard_panel(const char *name)
{
	const struct panel_ops	*ops;
	size_t			 i, k, a;

	if (strcmp(name, "overview") == 0 || strcmp(name, "tiles") == 0)
		return WALLBOARD_OVERVIEW;
	for (i = 0; i < panel_count; i++) {
		ops = panel_table[i];
		for (k = 0; k < WB_NPANELS; k++) {
			if (strcmp(ops->name, wb_panel_names[k]) != 0)
				continue;
			if (strcmp(ops->name, name) == 0)
				return (int)i;
			for (a = 0; a < 3 && ops->aliases[a] != NULL; a++) {
				if (strcmp(ops->aliases[a], name) == 0)
					return (int)i;
			}
		}
	}
	return WALLBOARD_NO_PANEL;
}

/* The names wallboard_panel() takes; see wallboard.h. */
const char *
wallboard_panel_names(void)
{
	return "overview, health, slo, incidents";
}

/* Where the board stands; see wallboard.h. */
void
wallboard_port(int lines, int cols, int shifting, unsigned step,
    struct wallboard_port *p)
{
	step %= 4;
	p->y = p->x = 0;
	p->h = lines;
	p->w = cols;
	if (!shifting || lines < 3 || cols < 3)
		return;
	p->h--;
	p->w--;
	/* Round the margin: right, down, left, up. */
	p->x = step == 1 || step == 2;
	p->y = step >= 2;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* The panels' rows of a tile: filtered, selection kept by identity. */
static void
wb_rows(struct wb *b, struct wb_tile *t)
{
	size_t	k;

	for (k = 0; k < WB_NPANELS; k++) {
		list_rows(&t->view, b->panels[k]);
		if (panel_table[b->panels[k]]->rebuilt != NULL)
			panel_table[b->panels[k]]->rebuilt(&t->view,
			    b->panels[k]);
	}
}

/* Judge a tile from its views: stale, since when, last attempt. */
static void
wb_judge(struct wb_tile *t)
{
	size_t	i;

	const struct views	*v = t->view.views;

	t->since_ms = t->attempt_ms = 0;
	t->stale = v == NULL || !v->any_fresh;
	for (i = 0; v != NULL && i < v->nsources; i++) {
		if (v->sources[i].last_success_ms > t->since_ms)
			t->since_ms = v->sources[i].last_success_ms;
		if (v->sources[i].last_attempt_ms > t->attempt_ms)
			t->attempt_ms = v->sources[i].last_attempt_ms;
	}
}

/*
 * Rebuild context i's views from the cache; keep the old on error.  A
 * round of every context that read without error clears the error.
 */
static void
wb_read_one(struct wb *b, size_t i)
{
	struct wb_tile	*t = &b->tiles[i];
	struct views	*v;
	char		*cause = NULL;
	int64_t		 now = util_now_ms();
	size_t		 k;

	if (i == 0)
		b->round_failed = 0;
	v = views_build(b->opts->cache, b->opts->conf, t->ctx, now, &cause);
	if (v == NULL) {
		free(b->read_error);
		b->read_error = cause;
		b->round_failed = 1;
	} else {
		for (k = 0; k < WB_NPANELS; k++)
			list_keep(&t->view, b->panels[k]);
		views_free(t->view.views);
		t->view.views = v;
		wb_rows(b, t);
	}
	if (i + 1 == b->ntiles && !b->round_failed) {
		free(b->read_error);
		b->read_error = NULL;
		b->read_ms = now;
	}
	wb_judge(t);
	/* Painted once a round (and by the clock), not once a context. */
	if (i + 1 == b->ntiles)
		b->dirty = 1;
}

/* Rebuild every context's views (before the first paint). */
static void
wb_read(struct wb *b)
{
	size_t	i;

	for (i = 0; i < b->ntiles; i++)
		wb_read_one(b, i);
}

/*
 * Whether the feeder is gone: no source of any context attempted within
 * three of the longest refresh intervals.  *last gets the newest attempt.
 */
static int
wb_feeder_gone(const struct wb *b, int64_t now, int64_t *last)
{
	int64_t	refresh = 0;
	size_t	i;

	*last = 0;
	for (i = 0; i < b->ntiles; i++) {
		if (b->tiles[i].attempt_ms > *last)
			*last = b->tiles[i].attempt_ms;
		if (b->tiles[i].ctx->refresh_ms > refresh)
			refresh = b->tiles[i].ctx->refresh_ms;
	}
	return *last == 0 || now - *last > WB_STALE_FACTOR * refresh;
}

/* ------------------------------------------------------------------ */
/* Words                                                               */
/* ------------------------------------------------------------------ */

/* A wall-clock time: "16:40:05", or with the date when not today. */
static char *
wb_time(int64_t ms, int64_t now, char *out, size_t len)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	if (ms <= 0) {
		snprintf(out, len, "never");
		return out;
	}
	localtime_r(&t, &tm);
	strftime(out, len, now - ms >= 86400000 ? "%Y-%m-%d %H:%M" :
	    "%H:%M:%S", &tm);
	return out;
}

/* "STALE since 16:01:02 (5m ago)", or "STALE: never updated". */
static void
wb_stale_words(const struct wb_tile *t, int64_t now, struct buf *o)
{
	char	at[32], age[32];

	if (t->since_ms <= 0) {
		buf_printf(o, "STALE: never updated");
		return;
	}
	buf_printf(o, "STALE since %s (%s ago)",
	    wb_time(t->since_ms, now, at, sizeof at),
	    vocab_age(t->since_ms, now, age, sizeof age));
}

/* The list of the tile's panel at (WB_SLO...): filtered rows. */
static const struct list *
wb_list(const struct wb *b, const struct wb_tile *t, int which)
{
	return &t->view.lists[b->panels[which]];
}

/*
 * Firing incidents by severity: "1 critical, 2 warning"; "none".  Only
 * those the filter lets through (l: the incidents list).
 */
static void
wb_firing(const struct views *v, const struct list *l, struct buf *o)
{
	static const enum view_severity	 order[] = { SEV_CRITICAL, SEV_ERROR,
	    SEV_WARNING, SEV_INFO, SEV_NONE };
	const struct view_incident	*in;
	size_t				 r, k, n, shown = 0;

	for (k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (r = n = 0; r < l->nrows; r++) {
			in = &v->incidents[l->rows[r]];
			n += in->severity == order[k] &&
			    strcmp(in->state, "resolved") != 0;
		}
		if (n > 0)
			buf_printf(o, "%s%zu %s", shown++ > 0 ? ", " : "", n,
			    order[k] == SEV_NONE ? "unlabelled" :
			    vocab_severity_word(order[k]));
	}
	if (shown == 0)
		buf_printf(o, "none");
}

/* The worst SLO the filter lets through (l): the gravest, least left. */
static const struct view_slo *
wb_worst_slo(const struct views *v, const struct list *l)
{
	const struct view_slo	*w = NULL, *s;
	size_t			 r;

	for (r = 0; r < l->nrows; r++) {
		s = &v->slos[l->rows[r]];
		if (w == NULL || s->verdict > w->verdict ||
		    (s->verdict == w->verdict &&
		    s->budget_remaining < w->budget_remaining))
			w = s;
	}
	return w;
}

/* "checkout: burn 14.4x (1h), 12.0% budget left"; "none". */
static void
wb_slo_words(const struct views *v, const struct list *l, struct buf *o)
{
	const struct view_slo	*s = wb_worst_slo(v, l);
	char			 burn[16], left[16];

	if (s == NULL) {
		buf_printf(o, "none");
		return;
	}
	buf_printf(o, "%s: burn %s (%s), %s budget left, %s", s->name,
	    vocab_burn(s->burn[SLO_1H], burn, sizeof burn),
	    vocab_window_word(SLO_1H),
	    vocab_percent(s->budget_remaining, left, sizeof left),
	    vocab_verdict_word(s->verdict));
}

/* Whether an incident waits for someone: triggered, not acknowledged. */
static int
wb_unacked(const struct view_incident *in)
{
	return strcmp(in->state, "triggered") == 0 && in->ack_by == NULL;
}

/* One unacknowledged incident: "P0 level 2/5 title" (level first). */
static void
wb_incident_words(const struct view_incident *in, struct buf *o)
{
	buf_printf(o, "%s ", vocab_priority_word(in->priority));
	if (in->esc_levels > 0)
		buf_printf(o, "level %zu/%zu ", in->esc_level, in->esc_levels);
	buf_printf(o, "%s", in->title != NULL ? in->title : in->key);
}

/* The unacknowledged incidents of l and the highest level reached. */
static size_t
wb_unacked_count(const struct views *v, const struct list *l, size_t *level)
{
	const struct view_incident	*in;
	size_t				 r, n = 0;

	*level = 0;
	for (r = 0; r < l->nrows; r++) {
		in = &v->incidents[l->rows[r]];
		if (!wb_unacked(in))
			continue;
		n++;
		if (in->esc_level > *level)
			*level = in->esc_level;
	}
	return n;
}

/* Stale or failing sources: "prometheus FAILED, kubernetes stale 5m". */
static void
wb_sources_words(const struct views *v, int64_t now, struct buf *o)
{
	const struct view_source	*s;
	char				 age[32];
	size_t				 i, shown = 0;

	for (i = 0; i < v->nsources; i++) {
		s = &v->sources[i];
		if (s->ok && !s->stale)
			continue;
		buf_printf(o, "%s%s ", shown++ > 0 ? ", " : "", s->name);
		if (s->error != NULL)
			buf_printf(o, "%s", vocab_source_word(s));
		else if (s->never)
			buf_printf(o, "never fetched");
		else
			buf_printf(o, "stale %s", vocab_age(s->last_success_ms,
			    now, age, sizeof age));
	}
	if (shown == 0)
		buf_printf(o, v->nsources > 0 ? "all fresh" : "none configured");
}

/* ------------------------------------------------------------------ */
/* Painting                                                            */
/* ------------------------------------------------------------------ */

/* The loud style of stale data: the stale slot, reversed and bold. */
static unsigned long
wb_stale_attr(void)
{
	return theme_attr(SLOT_STALE) | A_REVERSE | A_BOLD;
}

/* The style of a status word: its tone, bold, reversed. */
static unsigned long
wb_status_attr(enum view_status st)
{
	return theme_attr(draw_tone_slot(vocab_status_tone(st))) | A_BOLD |
	    A_REVERSE;
}

/* Draw one labelled line "label: words" of a tile; returns 1. */
static int
wb_line(int y, int x, int w, const char *label, const char *words,
    unsigned long attr)
{
	int	used;

	used = draw_text(stdscr, y, x, w, label, theme_attr(SLOT_DIM));
	draw_text(stdscr, y, x + used, w - used, words, attr);
	return 1;
}

/*
 * The tile's status word in big type at y, x in w columns (STALE when
 * its data is): 0, or -1 when it does not fit (the caller writes it
 * small).
 */
static int
wb_big_status(struct wb *b, const struct wb_tile *t, int y, int x, int w)
{
	const struct views	*v = t->view.views;
	char			*rows[WB_BIG_ROWS];
	const char		*word;
	size_t			 len;
	int			 h = bigtext_height(b->utf8), i, rc;
	unsigned long		 attr;

	if (h > WB_BIG_ROWS || w <= 0)
		return -1;
	word = t->stale ? "STALE" : vocab_status_word(v->status);
	len = BIGTEXT_ROWLEN(w);
	for (i = 0; i < h; i++)
		rows[i] = xmalloc(len);
	rc = bigtext_render(word, b->utf8, w, rows, h, len);
	/* Not reversed: the glyphs are the foreground. */
	attr = theme_attr(t->stale ? SLOT_STALE : draw_tone_slot(
	    vocab_status_tone(v->status))) | A_BOLD;
	for (i = 0; i < h; i++) {
		if (rc >= 0)
			draw_text(stdscr, y + i, x, w, rows[i], attr);
		free(rows[i]);
	}
	return rc >= 0 ? 0 : -1;
}

/* A tile in a box of h x w at y, x. */
static void
wb_draw_tile(struct wb *b, const struct wb_tile *t, int y, int x, int h,
    int w, int64_t now)
{
	const struct views	*v = t->view.views;
	const struct list	*inc = wb_list(b, t, WB_INCIDENTS);
	const struct list	*slo = wb_list(b, t, WB_SLO);
	const struct view_slo	*worst;
	struct buf		 o;
	unsigned long		 border;
	size_t			 r, level, n;
	int			 row = y + 1, end = y + h - 1, iw = w - 4;

	border = t->stale ? wb_stale_attr() : theme_attr(SLOT_BORDER);
	draw_box(stdscr, y, x, h, w, t->ctx->name, border,
	    t->stale ? wb_stale_attr() : theme_attr(SLOT_TITLE) | A_BOLD);
	x += 2;
	buf_init(&o, 0);
	if (t->stale) {
		wb_stale_words(t, now, &o);
		draw_cell(stdscr, row++, x, iw, buf_str(&o), wb_stale_attr());
		buf_reset(&o);
	}
	if (v == NULL) {
		if (row < end)
			draw_text(stdscr, row, x, iw, "no data read yet",
			    theme_attr(SLOT_DIM));
		buf_done(&o);
		return;
	}
	/* The status in big type when the tile has room for it and the rest. */
	if (end - row >= bigtext_height(b->utf8) + 5 &&
	    wb_big_status(b, t, row, x, iw) == 0) {
		row += bigtext_height(b->utf8);
		if (v->status_reason != NULL)
			draw_text(stdscr, row++, x, iw, v->status_reason,
			    theme_attr(SLOT_DIM));
	} else if (row < end) {
		buf_printf(&o, " %s %s ", vocab_status_symbol(v->status,
		    b->utf8), vocab_status_word(v->status));
		n = (size_t)draw_text(stdscr, row, x, iw, buf_str(&o),
		    t->stale ? theme_attr(SLOT_DIM) | A_BOLD :
		    wb_status_attr(v->status));
		if (v->status_reason != NULL)
			draw_text(stdscr, row, x + (int)n + 1, iw - (int)n - 1,
			    v->status_reason, theme_attr(SLOT_DIM));
		row++;
		buf_reset(&o);
	}
	if (row < end) {
		wb_firing(v, inc, &o);
		row += wb_line(row, x, iw, "firing: ", buf_str(&o),
		    theme_attr(SLOT_NORMAL));
		buf_reset(&o);
	}
	if (row < end) {
		wb_slo_words(v, slo, &o);
		worst = wb_worst_slo(v, slo);
		row += wb_line(row, x, iw, "worst SLO: ", buf_str(&o),
		    worst != NULL ? theme_attr(draw_tone_slot(
		    vocab_verdict_tone(worst->verdict))) :
		    theme_attr(SLOT_NORMAL));
		buf_reset(&o);
	}
	/* The sources take the last line; unacknowledged ones the middle. */
	if (row < end) {
		wb_sources_words(v, now, &o);
		wb_line(end - 1, x, iw, "sources: ", buf_str(&o),
		    v->any_fresh ? theme_attr(SLOT_NORMAL) : wb_stale_attr());
		end--;
		buf_reset(&o);
	}
	if (row < end) {
		n = wb_unacked_count(v, inc, &level);
		buf_printf(&o, "%zu", n);
		row += wb_line(row, x, iw, "unacknowledged: ", buf_str(&o),
		    theme_attr(n > 0 ? SLOT_CRIT : SLOT_NORMAL) | A_BOLD);
		buf_reset(&o);
	}
	for (r = 0; r < inc->nrows && row < end; r++) {
		const struct view_incident *in = &v->incidents[inc->rows[r]];

		if (!wb_unacked(in))
			continue;
		buf_printf(&o, "  ");
		wb_incident_words(in, &o);
		draw_text(stdscr, row++, x, iw, buf_str(&o), theme_attr(
		    draw_tone_slot(vocab_severity_tone(in->severity))));
		buf_reset(&o);
	}
	buf_done(&o);
}

/* A context on one line at y, x of w columns, for small screens. */
static void
wb_draw_line(struct wb *b, const struct wb_tile *t, int y, int x0, int w,
    int namew, int64_t now)
{
	const struct views	*v = t->view.views;
	const struct list	*inc = wb_list(b, t, WB_INCIDENTS);
	struct buf		 o;
	size_t			 level, n;
	int			 x = 0;

	buf_init(&o, 0);
	buf_printf(&o, "%-*s ", namew, t->ctx->name);
	x += draw_text(stdscr, y, x0 + x, w - x, buf_str(&o),
	    theme_attr(SLOT_TITLE) | A_BOLD);
	buf_reset(&o);
	if (t->stale) {
		wb_stale_words(t, now, &o);
		x += draw_text(stdscr, y, x0 + x, w - x, buf_str(&o),
		    wb_stale_attr());
		x += draw_text(stdscr, y, x0 + x, w - x, " ", 0);
		buf_reset(&o);
	}
	if (v == NULL) {
		buf_done(&o);
		return;
	}
	buf_printf(&o, "%s %-8s", vocab_status_symbol(v->status, b->utf8),
	    vocab_status_word(v->status));
	x += draw_text(stdscr, y, x0 + x, w - x, buf_str(&o), t->stale ?
	    theme_attr(SLOT_DIM) | A_BOLD : wb_status_attr(v->status));
	buf_reset(&o);
	buf_printf(&o, " firing ");
	wb_firing(v, inc, &o);
	n = wb_unacked_count(v, inc, &level);
	buf_printf(&o, " | unacked %zu", n);
	if (n > 0 && level > 0)
		buf_printf(&o, " (level %zu)", level);
	buf_printf(&o, " | SLO ");
	wb_slo_words(v, wb_list(b, t, WB_SLO), &o);
	buf_printf(&o, " | sources ");
	wb_sources_words(v, now, &o);
	draw_text(stdscr, y, x0 + x, w - x, buf_str(&o),
	    theme_attr(SLOT_NORMAL));
	buf_done(&o);
}

/* The worst status of the contexts (UNKNOWN counts below CRITICAL). */
static enum view_status
wb_overall(const struct wb *b)
{
	enum view_status	st = VIEW_OK, s;
	size_t			i;

	for (i = 0; i < b->ntiles; i++) {
		s = b->tiles[i].view.views != NULL ?
		    b->tiles[i].view.views->status : VIEW_UNKNOWN;
		if (b->tiles[i].stale)
			s = VIEW_UNKNOWN;
		if (s == VIEW_CRITICAL || (s == VIEW_UNKNOWN &&
		    st != VIEW_CRITICAL) || (s == VIEW_WARNING && st == VIEW_OK))
			st = s;
	}
	return st;
}

/*
 * The pages of the rotation: each entry of the panels in order, the
 * overview as many pages as its tiles need, a panel one page per context.
 */
static size_t
wb_npages(const struct wb *b, size_t overview_pages)
{
	size_t	i, n = 0;

	for (i = 0; i < b->opts->npanels; i++)
		n += b->opts->panels[i] == WALLBOARD_OVERVIEW ?
		    overview_pages : b->ntiles;
	return n > 0 ? n : 1;
}

/*
 * Which page is number page: *panel (WALLBOARD_OVERVIEW or a panel) and
 * *sub (the overview's page, or the context).
 */
static void
wb_page_at(const struct wb *b, size_t overview_pages, size_t page,
    int *panel, size_t *sub)
{
	size_t	i, n;

	*panel = WALLBOARD_OVERVIEW;
	*sub = 0;
	for (i = 0; i < b->opts->npanels; i++) {
		n = b->opts->panels[i] == WALLBOARD_OVERVIEW ? overview_pages :
		    b->ntiles;
		if (page < n) {
			*panel = b->opts->panels[i];
			*sub = page;
			return;
		}
		page -= n;
	}
}

/* The header: name, read-only, overall status, page, updated, clock. */
static void
wb_draw_header(struct wb *b, const struct wallboard_port *p, int panel,
    size_t sub, int64_t now)
{
	enum view_status	 st = wb_overall(b);
	unsigned long		 hdr = theme_attr(SLOT_HEADER);
	char			 at[32], clock[32], right[96];
	struct buf		 o;
	int64_t			 newest = 0;
	size_t			 i;
	int			 x = p->x, end = p->x + p->w, rw;

	for (i = 0; i < b->ntiles; i++) {
		if (b->tiles[i].since_ms > newest)
			newest = b->tiles[i].since_ms;
	}
	wattr_on(stdscr, (attr_t)hdr, NULL);
	mvhline(p->y, p->x, ' ', p->w);
	wattr_off(stdscr, (attr_t)hdr, NULL);
	snprintf(right, sizeof right, " updated %s  %s ",
	    wb_time(newest, now, at, sizeof at),
	    wb_time(now, now, clock, sizeof clock));
	rw = draw_width(right);
	buf_init(&o, 0);
	x += draw_text(stdscr, p->y, x, end - x - rw, " sitrep wallboard ",
	    hdr | A_BOLD);
	x += draw_text(stdscr, p->y, x, end - x - rw, "READ-ONLY",
	    theme_attr(SLOT_WARN) | A_BOLD | A_REVERSE);
	buf_printf(&o, " %s %s ", vocab_status_symbol(st, b->utf8),
	    vocab_status_word(st));
	x += draw_text(stdscr, p->y, x + 1, end - x - 1 - rw, buf_str(&o),
	    wb_status_attr(st)) + 1;
	buf_reset(&o);
	if (panel == WALLBOARD_OVERVIEW)
		buf_printf(&o, " %zu %s", b->ntiles,
		    vocab_plural(b->ntiles, "context", "contexts"));
	else
		buf_printf(&o, " %s: %s", b->tiles[sub].ctx->name,
		    panel_table[panel]->title + 2);
	if (b->opts->filter != NULL)
		buf_printf(&o, "  filter /%s", b->opts->filter);
	x += draw_text(stdscr, p->y, x, end - x - rw, buf_str(&o), hdr);
	buf_done(&o);
	draw_text(stdscr, p->y, end - rw > x ? end - rw : x, end - x, right,
	    hdr | A_BOLD);
}

/*
 * The banner under the header, when the board itself may be wrong: the
 * feeder is gone, the cache cannot be read, or some contexts are stale.
 * Returns whether there is one (the grid leaves it a line).
 */
static int
wb_banner(struct wb *b, int64_t now, struct buf *o)
{
	char	at[32], age[32];
	int64_t	last;
	size_t	i, stale = 0;

	for (i = 0; i < b->ntiles; i++)
		stale += b->tiles[i].stale != 0;
	if (wb_feeder_gone(b, now, &last)) {
		if (last == 0)
			buf_printf(o, " NO FEEDER: no source of these contexts "
			    "has ever been fetched; start `sitrep fetch --all`"
			    " - this board shows nothing current ");
		else
			buf_printf(o, " NO FEEDER: no source has answered since"
			    " %s (%s ago); is `sitrep fetch --all` running?"
			    " - this board is out of date ", wb_time(last, now,
			    at, sizeof at), vocab_age(last, now, age,
			    sizeof age));
	} else if (b->read_error != NULL)
		buf_printf(o, " CANNOT READ THE CACHE: %s; showing what was read"
		    " at %s - this board may be wrong ", b->read_error,
		    wb_time(b->read_ms, now, at, sizeof at));
	else if (stale > 0) {
		buf_printf(o, " STALE: %zu of %zu %s no fresh data - this board "
		    "may be wrong:", stale, b->ntiles,
		    vocab_plural(b->ntiles, "context has", "contexts have"));
		for (i = 0; i < b->ntiles; i++) {
			if (b->tiles[i].stale)
				buf_printf(o, " %s", b->tiles[i].ctx->name);
		}
		buf_printf(o, " ");
	}
	return o->len > 0;
}

/*
 * The key line, led by where the rotation stands: the page of how many,
 * and while it turns a bar of the time to the next page.
 */
static void
wb_draw_footer(struct wb *b, const struct wallboard_port *p)
{
	struct buf	o;
	int64_t		elapsed, left;
	int		y = p->y + p->h - 1, x = p->x, end = p->x + p->w, i;
	int		cells, filled;

	buf_init(&o, 0);
	mvhline(y, p->x, ' ', p->w);
	buf_printf(&o, " %s %zu/%zu ", b->utf8 ? "\u25b6" : ">", b->page + 1,
	    b->npages);
	x += draw_text(stdscr, y, x, end - x, buf_str(&o),
	    theme_attr(SLOT_TITLE) | A_BOLD);
	buf_reset(&o);
	if (b->opts->rotate_ms > 0 && b->npages > 1) {
		if (b->paused)
			buf_printf(&o, "paused ");
		else {
			elapsed = loop_now_ms(b->loop) - b->turned_ms;
			left = b->opts->rotate_ms - elapsed;
			if (left < 0)
				left = 0;
			cells = 10;
			filled = (int)(elapsed * cells / b->opts->rotate_ms);
			if (filled > cells)
				filled = cells;
			for (i = 0; i < cells; i++)
				buf_puts(&o, i < filled ? (b->utf8 ?
				    "\u2501" : "=") : (b->utf8 ? "\u2500" :
				    "-"));
			buf_printf(&o, " %llds ", (long long)((left + 999) /
			    1000));
		}
		x += draw_text(stdscr, y, x, end - x, buf_str(&o),
		    theme_attr(SLOT_ACCENT));
		buf_reset(&o);
	}
	buf_printf(&o, " n next  p previous");
	if (b->opts->rotate_ms > 0)
		buf_printf(&o, "  space %s rotation", b->paused ? "resume" :
		    "pause");
	if (!b->opts->no_quit)
		buf_printf(&o, "  q quit");
	draw_text(stdscr, y, x, end - x, buf_str(&o), theme_attr(SLOT_DIM));
	buf_done(&o);
}

/* Context sub's panel, the whole body; its staleness said on top. */
static void
wb_draw_panel(struct wb *b, int panel, size_t sub, int y, int x, int h,
    int w, int64_t now)
{
	struct wb_tile	*t = &b->tiles[sub];
	struct buf	 o;

	if (h <= 0)
		return;
	if (t->stale) {
		buf_init(&o, 0);
		buf_printf(&o, " %s: ", t->ctx->name);
		wb_stale_words(t, now, &o);
		buf_printf(&o, " - this panel may be wrong ");
		draw_cell(stdscr, y++, x, w, buf_str(&o), wb_stale_attr());
		buf_done(&o);
		h--;
	}
	if (t->view.views == NULL) {
		draw_text(stdscr, y, x + 1, w - 1, "no data read yet for this "
		    "context", theme_attr(SLOT_DIM));
		return;
	}
	panel_draw(&t->view, panel, y, x, h, w, 0);
}

/* Paint the whole board. */
static void
wb_paint(struct wb *b)
{
	struct wallboard_port	 p;
	struct wallboard_grid	 g;
	struct buf		 banner;
	int64_t			 now = util_now_ms();
	size_t			 i, k, sub;
	int			 namew = 0, r, c, panel, top;

	wallboard_port(LINES, COLS, b->opts->shift_ms > 0, b->shift, &p);
	buf_init(&banner, 0);
	wallboard_grid(p.h, p.w, b->ntiles, wb_banner(b, now, &banner), &g);
	b->npages = wb_npages(b, g.npages);
	if (b->page >= b->npages)
		b->page = 0;
	wb_page_at(b, g.npages, b->page, &panel, &sub);
	erase();
	wb_draw_header(b, &p, panel, sub, now);
	if (banner.len > 0)
		draw_cell(stdscr, p.y + 1, p.x, p.w, buf_str(&banner),
		    wb_stale_attr());
	buf_done(&banner);
	top = p.y + g.top;
	if (panel != WALLBOARD_OVERVIEW) {
		wb_draw_panel(b, panel, sub, top, p.x, p.y + p.h - 1 - top,
		    p.w, now);
		wb_draw_footer(b, &p);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	for (i = 0; i < b->ntiles; i++) {
		if (draw_width(b->tiles[i].ctx->name) > namew)
			namew = draw_width(b->tiles[i].ctx->name);
	}
	if (namew > p.w / 4)
		namew = p.w / 4;
	for (k = 0; k < g.per_page; k++) {
		i = sub * g.per_page + k;
		if (i >= b->ntiles)
			break;
		r = (int)(k / (size_t)g.ncols);
		c = (int)(k % (size_t)g.ncols);
		if (g.compact)
			wb_draw_line(b, &b->tiles[i], top + r, p.x, p.w, namew,
			    now);
		else
			wb_draw_tile(b, &b->tiles[i], top + r * g.tile_h,
			    p.x + c * g.tile_w, g.tile_h, g.tile_w, now);
	}
	wb_draw_footer(b, &p);
	wnoutrefresh(stdscr);
	doupdate();
}

/* ------------------------------------------------------------------ */
/* Loop glue                                                           */
/* ------------------------------------------------------------------ */

static int64_t	wb_on_rotate(void *);

/*
 * Turn the page by step (+1, -1), wrapping.  A page turned by hand gets
 * the whole rotation interval, like any other.
 */
static void
wb_turn(struct wb *b, int step, int by_hand)
{
	size_t	n = b->npages > 0 ? b->npages : 1;

	if (step > 0)
		b->page = (b->page + 1) % n;
	else
		b->page = (b->page + n - 1) % n;
	b->turned_ms = loop_now_ms(b->loop);
	if (by_hand && b->rotor != NULL) {
		loop_timer_del(b->rotor);
		b->rotor = loop_timer_add(b->loop, b->opts->rotate_ms,
		    wb_on_rotate, b);
	}
	b->dirty = 1;
}

/* One key: next, previous, pause, quit; every other key is ignored. */
static void
wb_key(struct wb *b, wint_t ch, int is_key)
{
	if (is_key) {
		if (ch == KEY_RESIZE)
			b->resized = 1;
		else if (ch == KEY_RIGHT || ch == KEY_NPAGE)
			wb_turn(b, 1, 1);
		else if (ch == KEY_LEFT || ch == KEY_PPAGE)
			wb_turn(b, -1, 1);
		return;
	}
	switch (ch) {
	case 'n':
		wb_turn(b, 1, 1);
		break;
	case 'p':
		wb_turn(b, -1, 1);
		break;
	case ' ':
		b->paused = !b->paused;
		b->turned_ms = loop_now_ms(b->loop);
		b->dirty = 1;
		break;
	case 'q':
		if (!b->opts->no_quit)
			b->quit = 1;
		break;
	default:
		break;
	}
}

/* The terminal has input. */
static void
wb_on_stdin(int fd, int revents, void *arg)
{
	struct wb	*b = arg;
	wint_t		 ch;
	int		 rc, n = 0;

	(void)fd;
	while (!b->quit && (rc = get_wch(&ch)) != ERR) {
		n++;
		wb_key(b, ch, rc == KEY_CODE_YES);
	}
	/* Readable with nothing to read: the terminal is gone. */
	if (n == 0 && (revents & LOOP_ERROR))
		b->quit = 1;
	if (b->quit)
		loop_stop(b->loop);
}

/* Signals: resize; terminate and hang up end it; so does ^C if allowed. */
static void
wb_on_signal(int signo, void *arg)
{
	struct wb	*b = arg;

	if (signo == SIGWINCH)
		b->resized = 1;
	else if (signo != SIGINT || !b->opts->no_quit)
		b->quit = 1;
	if (b->quit)
		loop_stop(b->loop);
}

/* Once a second: the clock and the ages. */
static int64_t
wb_on_tick(void *arg)
{
	struct wb	*b = arg;

	b->dirty = 1;
	return 1000;
}

/*
 * The reader: one context's views a tick, in turn, so every context is
 * read once per read interval (WB_READ_MS or the smallest refresh) and a
 * key waits for at most one context's read, never for all of them.
 */
static int64_t
wb_read_step(const struct wb *b)
{
	int64_t	every = WB_READ_MS, step;
	size_t	i;

	for (i = 0; i < b->ntiles; i++) {
		if (b->tiles[i].ctx->refresh_ms < every)
			every = b->tiles[i].ctx->refresh_ms;
	}
	step = every / (int64_t)(b->ntiles > 0 ? b->ntiles : 1);
	return step > 10 ? step : 10;
}

/* The reader's tick: the next context; see wb_read_step(). */
static int64_t
wb_on_read(void *arg)
{
	struct wb	*b = arg;

	if (b->ntiles > 0) {
		wb_read_one(b, b->next_read);
		b->next_read = (b->next_read + 1) % b->ntiles;
	}
	return wb_read_step(b);
}

/* Rotation: the next page, unless paused. */
static int64_t
wb_on_rotate(void *arg)
{
	struct wb	*b = arg;

	if (!b->paused)
		wb_turn(b, 1, 0);
	else
		b->turned_ms = loop_now_ms(b->loop);
	return b->opts->rotate_ms;
}

/* Against burn-in: the board moves by one cell around its margin. */
static int64_t
wb_on_shift(void *arg)
{
	struct wb	*b = arg;

	b->shift = (b->shift + 1) % 4;
	b->dirty = 1;
	return b->opts->shift_ms;
}

/* Before each wait: follow a resize, paint if anything changed. */
static void
wb_before_sleep(void *arg)
{
	struct wb	*b = arg;
	struct winsize	 ws;

	if (b->resized) {
		b->resized = 0;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		b->dirty = 1;
	}
	if (b->dirty && !b->quit) {
		wb_paint(b);
		b->dirty = 0;
	}
}

/* Give the terminal back, whatever happens. */
static void
wb_restore_terminal(void)
{
	if (wb_current != NULL && wb_current->curses_on) {
		endwin();
		wb_current->curses_on = 0;
	}
}

/*
 * Each context's panels: a console app with only what they paint from,
 * the filter set on every list.
 */
static void
wb_views_init(struct wb *b)
{
	struct app	*a;
	size_t		 i, k;

	for (i = 0; i < b->ntiles; i++) {
		a = &b->tiles[i].view;
		a->conf = b->opts->conf;
		a->ctx = b->tiles[i].ctx;
		a->theme = b->theme;
		a->utf8 = b->utf8;
		a->no_color = b->no_color;
		a->focus = -1;	/* nothing selected on a board */
		for (k = 0; k < WB_NPANELS; k++)
			list_set_filter(a, b->panels[k], b->opts->filter);
	}
}

/* Start curses with the console's modes; -1 after saying why not. */
static int
wb_term_start(struct wb *b, SCREEN **screen)
{
	const char	*nc;
	char		*cause = NULL;

	setlocale(LC_ALL, "");
	b->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	draw_set_utf8(b->utf8);
	nc = getenv("NO_COLOR");
	b->no_color = nc != NULL && *nc != '\0';
	if ((*screen = term_open("wallboard", &cause)) == NULL) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
		return -1;
	}
	b->curses_on = 1;
	wb_current = b;
	atexit(wb_restore_terminal);
	/* The console's modes and colours; nothing here takes a click. */
	term_modes(b->theme, b->no_color, 0);
	wb_views_init(b);
	/* The last known state before the first paint. */
	wb_read(b);
	return 0;
}

/* Run the board; see wallboard.h. */
int
wallboard_run(const struct wallboard_opts *opts)
{
	struct wb		 b;
	struct loop_signal	*sig[4];
	const int		 signos[4] = { SIGWINCH, SIGTERM, SIGHUP,
	    SIGINT };
	struct loop_fd		*in = NULL;
	struct loop_timer	*tick = NULL, *reader = NULL, *shifter = NULL;
	SCREEN			*screen = NULL;
	char			*cause = NULL;
	size_t			 i, k;
	int			 rc = 1;

	memset(&b, 0, sizeof b);
	memset(sig, 0, sizeof sig);
	b.opts = opts;
	b.ntiles = opts->ncontexts;
	b.tiles = xcalloc(b.ntiles > 0 ? b.ntiles : 1, sizeof *b.tiles);
	for (i = 0; i < b.ntiles; i++)
		b.tiles[i].ctx = opts->contexts[i];
	for (i = 0; i < WB_NPANELS; i++)
		b.panels[i] = wallboard_panel(wb_panel_names[i]);
	b.theme = theme_load(opts->conf->theme != NULL ? opts->conf->theme :
	    "default", &cause);
	if (b.theme == NULL) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
		goto out;
	}
	if ((b.loop = loop_new()) == NULL) {
		out_printf(stderr, "sitrep: cannot start the event loop: out of "
		    "file descriptors\n");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (wb_term_start(&b, &screen) != 0) {
		rc = 2;
		goto out;
	}
	for (i = 0; i < 4; i++)
		sig[i] = loop_signal_add(b.loop, signos[i], wb_on_signal, &b);
	in = loop_fd_add(b.loop, STDIN_FILENO, LOOP_READ, wb_on_stdin, &b);
	tick = loop_timer_add(b.loop, 1000, wb_on_tick, &b);
	reader = loop_timer_add(b.loop, wb_read_step(&b), wb_on_read, &b);
	b.turned_ms = loop_now_ms(b.loop);
	if (opts->rotate_ms > 0)
		b.rotor = loop_timer_add(b.loop, opts->rotate_ms,
		    wb_on_rotate, &b);
	if (opts->shift_ms > 0)
		shifter = loop_timer_add(b.loop, opts->shift_ms, wb_on_shift,
		    &b);
	loop_set_before_sleep(b.loop, wb_before_sleep, &b);
	wb_paint(&b);
	loop_run(b.loop);
	wb_restore_terminal();
	for (i = 0; i < 4; i++) {
		if (sig[i] != NULL)
			loop_signal_del(sig[i]);
	}
	loop_fd_del(in);
	loop_timer_del(tick);
	loop_timer_del(reader);
	if (b.rotor != NULL)
		loop_timer_del(b.rotor);
	if (shifter != NULL)
		loop_timer_del(shifter);
	rc = 0;
out:
	wb_restore_terminal();
	wb_current = NULL;
	if (screen != NULL)
		delscreen(screen);
	if (b.loop != NULL)
		loop_free(b.loop);
	for (i = 0; i < b.ntiles; i++) {
		for (k = 0; k < APP_NPANELS; k++)
			list_done(&b.tiles[i].view.lists[k]);
		views_free(b.tiles[i].view.views);
	}
	free(b.tiles);
	free(b.read_error);
	theme_free(b.theme);
	return rc;
}
