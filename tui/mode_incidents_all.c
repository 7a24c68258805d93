/*
 * mode_incidents_all.c: `:incidents [all]`, the open incidents worst
 * first, of the console's context or of every context in the cache.
 *
 * `sitrep fetch --all` fills one cache with every context's rows while
 * the console shows one context; this list is where the others show.
 * It reads the cache once, when the command runs
 * (views_incidents_worst(), one query; a context of NULL is all of
 * them), and owns what it read, so painting never waits on SQLite.  One
 * incident a row: context, priority, state, age, who acknowledged, title;
 * worst first (priority, then triggered before acknowledged before
 * mitigated, then oldest).  Enter on a row of the console's context
 * opens its page (mode_incident_new); on another context's row it says
 * which `:context` works it: the console does not switch by itself.  The
 * movement keys, Esc and q go through tui/scroll.c.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/views_incidents.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/scroll.h"

/* The widths of the context column: at least, at most. */
#define XINC_CONTEXT_MIN	7
#define XINC_CONTEXT_MAX	20

struct xinc {
	struct mode		 mode;
	int			 all;		/* every context */
	struct incident_rec	*v;		/* NULL: cause says why */
	size_t			 n;
	char			*cause;
	int			 ctxw;		/* the context column's width */
	size_t			 sel;
	size_t			 top;
};

/* One row: an open incident. */
static void
xinc_row(struct app *a, const struct xinc *s, const struct incident_rec *r,
    int y, int x, int w, unsigned long at)
{
	char	age[32];
	int	c = s->ctxw + 1;

	draw_cell(stdscr, y, x, w, "", at);
	draw_cell(stdscr, y, x, s->ctxw, r->context, at);
	draw_cell(stdscr, y, x + c, 4, vocab_priority_word(r->priority),
	    at != 0 ? at : theme_attr(draw_tone_slot(vocab_priority_tone(
	    r->priority))));
	draw_cell(stdscr, y, x + c + 4, 13, r->state, at);
	draw_cell(stdscr, y, x + c + 17, 8, vocab_age(r->started_ms,
	    app_now_ms(a), age, sizeof age), at);
	draw_cell(stdscr, y, x + c + 25, 15, r->ack_by != NULL ? r->ack_by :
	    "-", at);
	if (w > c + 40)
		draw_cell(stdscr, y, x + c + 40, w - c - 40, r->title, at);
}

/* Draw the list over the panels. */
static void
xinc_draw(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct xinc	*s = (struct xinc *)m;
	char		 line[256], *title;
	int		 h = r->h - 2, w = r->w - 4, x = r->x + 2, y = r->y + 1;
	int		 rows, i;

	if (s->all)
		title = xasprintf("Open incidents of every context, worst "
		    "first (%zu)", s->n);
	else
		title = xasprintf("Open incidents of %s, worst first (%zu)",
		    a->ctx->name, s->n);
	draw_box(stdscr, r->y, r->x, r->h, r->w, title,
	    theme_attr(SLOT_ACCENT), theme_attr(SLOT_TITLE) | A_BOLD);
	free(title);
	if (h <= 0 || w <= 0)
		return;
	if (s->v == NULL) {
		draw_text(stdscr, y, x, w, s->cause, theme_attr(SLOT_CRIT));
		return;
	}
	if (s->n == 0) {
		snprintf(line, sizeof line, "no open incident %s", s->all ?
		    "in any context of the cache" : "in this context");
		draw_text(stdscr, y, x, w, line, theme_attr(SLOT_NORMAL));
		return;
	}
	snprintf(line, sizeof line, "%-*s PRI STATE        AGE     ACKED BY"
	    "       TITLE", s->ctxw, "CONTEXT");
	draw_cell(stdscr, y, x, w, line, theme_attr(SLOT_DIM));
	rows = h - 1;
	if (rows <= 0)
		return;
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + (size_t)rows)
		s->top = s->sel - (size_t)rows + 1;
	for (i = 0; i < rows && s->top + (size_t)i < s->n; i++)
		xinc_row(a, s, &s->v[s->top + (size_t)i], y + 1 + i, x, w,
		    s->top + (size_t)i == s->sel ?
		    theme_attr(SLOT_SELECTED) : 0);
}

/* Move the selection by delta, clamped. */
static void
xinc_move(struct mode *m, long delta)
{
	struct xinc	*s = (struct xinc *)m;
	long		 sel;

	if (s->v == NULL || s->n == 0)
		return;
	sel = (long)s->sel + delta;
	if (sel < 0)
		sel = 0;
	if (sel >= (long)s->n)
		sel = (long)s->n - 1;
	s->sel = (size_t)sel;
}

/* Enter on the selected row: its page, or which context works it. */
static void
xinc_open(struct xinc *s, struct app *a)
{
	const struct incident_rec	*r;
	struct mode			*page;
	char				*cause = NULL;

	if (s->v == NULL || s->n == 0)
		return;
	r = &s->v[s->sel];
	if (strcmp(r->context, a->ctx->name) != 0) {
		app_message(a, "incident %s is in context %s: :context %s to "
		    "work it", r->id, r->context, r->context);
		return;
	}
	if ((page = mode_incident_new(a, r->id, &cause)) != NULL)
		app_push(a, page);
	else {
		app_message(a, "%s", cause);
		free(cause);
	}
}

/* Movement, Enter, Esc and q. */
static int
xinc_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	long		half = (LINES - 8) / 2 > 0 ? (LINES - 8) / 2 : 1;
	enum key_action	act;

	if (!is_key && ch > 127)
		return KEY_HANDLED;
	act = keymap_lookup(a->km, (int)ch);
	if (act != ACT_OPEN)
		return scroll_key(m, a, act, 2 * half, half);
	xinc_open((struct xinc *)m, a);
	return KEY_HANDLED | KEY_REDRAW;
}

/* Free the list. */
static void
xinc_free(struct mode *m)
{
	struct xinc	*s = (struct xinc *)m;

	incident_recs_free(s->v, s->n);
	free(s->cause);
	free(s);
}

static const struct mode_ops xinc_ops = {
	.name = "incidents",
	.draw = xinc_draw,
	.key = xinc_key,
	.scroll_by = xinc_move,
	.free = xinc_free,
};

/* The open incidents, worst first; see mode.h. */
struct mode *
mode_incidents_new(struct app *a, int all)
{
	struct xinc	*s = xcalloc(1, sizeof *s);
	size_t		 i, len;

	s->mode.ops = &xinc_ops;
	s->all = all;
	s->ctxw = XINC_CONTEXT_MIN;
	if (a->cache == NULL) {
		s->cause = xstrdup("no incidents: the cache is not open");
		return &s->mode;
	}
	s->v = views_incidents_worst(a->cache, all ? NULL : a->ctx->name,
	    &s->n, &s->cause);
	for (i = 0; s->v != NULL && i < s->n; i++) {
		len = strlen(s->v[i].context);
		if (len > (size_t)s->ctxw)
			s->ctxw = len > XINC_CONTEXT_MAX ? XINC_CONTEXT_MAX :
			    (int)len;
	}
	return &s->mode;
}
