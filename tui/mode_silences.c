/*
 * mode_silences.c: the silences of the context (':silences'), a list over
 * the panels: who made each, why, when it ends, how many alerts it holds
 * now and what is wrong with it (core/views_silences.h).  Enter opens a
 * page with the whole silence and the alerts it matches; Esc closes.
 *
 * The list is read off the loop, by the thread that builds the views
 * (app_read_ask, tui/rebuild.c: working out what each silence matches
 * reads every alert of the context, tens of milliseconds in a big
 * world), and owned by the mode, so a rebuild of the views never touches
 * it.  It opens at once, saying it is reading, and fills when the read
 * is in.  The first paint after a rebuild of the views (a round stored)
 * asks for it again, keeping the selected silence, so a silence made or
 * expired shows as the next round lists it; a failed read keeps what is
 * shown and says why.  Only "ends in" is worked out again at each paint
 * from the silence's end.  Each silence takes two rows: its
 * columns, then its flags in their tone (or, with nothing to flag, the
 * names of the alerts it matches).
 *
 * x expires the selected silence through the gate (app_expire, tui/act.c)
 * after a question naming it, answered y (mode_confirm.c).
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "backends/runtime.h"
#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/views.h"
#include "core/views_detail.h"
#include "core/views_silences.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/scroll.h"

#define SILENCES_ROWS	2	/* screen rows per silence */
#define SILENCES_EXPIRE_KEY	'x'

struct silences {
	struct mode		 mode;
	struct app		*app;
	int64_t			 seen_build;	/* the views' rebuild read */
	struct app_read		*rd;		/* a read in flight */
	int			 reading;	/* the first is not in yet */
	char			*failed;	/* why the last read failed */
	struct view_silences	*v;
	char			*title;
	char			*note;		/* the source's state, or NULL */
	enum theme_slot		 note_slot;
	int			 unknown;	/* no data at all: no claim */
	size_t			 sel;
	size_t			 top;
	int			 height;	/* silences shown, last paint */
};

/* "5h59m" until an end, "-" for none. */
static char *
silences_until(int64_t when, int64_t now, char *out, size_t len)
{
	return vocab_duration(when > 0 ? when - now : -1, out, len);
}

/* The second row of a silence: its flags, else what it matches. */
static void
silences_row2(const struct view_silence *s, struct buf *b,
    enum theme_slot *slot)
{
	size_t	i;

	buf_reset(b);
	*slot = draw_tone_slot(s->tone);
	for (i = 0; i < s->nnotes; i++)
		buf_printf(b, "%s%s", i > 0 ? "; " : "", s->notes[i].text);
	if (s->nnotes > 0)
		return;
	*slot = SLOT_DIM;
	if (s->nnames == 0) {
		buf_puts(b, "matches no alert now");
		return;
	}
	buf_puts(b, "matches ");
	for (i = 0; i < s->nnames; i++)
		buf_printf(b, "%s%s", i > 0 ? ", " : "", s->names[i]);
	if ((size_t)s->nmatch > s->nnames)
		buf_printf(b, "%s", draw_ellipsis());
}

/* One silence in two rows at y, x in w columns; at: the selection. */
static void
silences_draw_one(struct app *a, const struct view_silence *s, int y, int x,
    int w, unsigned long at)
{
	struct buf	 b;
	enum theme_slot	 slot;
	char		 ends[32], cell[32];
	int		 by = w > 60 ? 22 : 16;

	if (at != 0) {
		draw_cell(stdscr, y, x, w, "", at);
		draw_cell(stdscr, y + 1, x, w, "", at);
	}
	draw_cell(stdscr, y, x, 8, s->state, at != 0 ? at :
	    theme_attr(strcmp(s->state, "active") == 0 ? SLOT_NORMAL :
	    SLOT_DIM));
	draw_cell(stdscr, y, x + 8, 8, silences_until(s->ends_ms,
	    app_now_ms(a), ends, sizeof ends), at);
	if (s->nmatch < 0)
		snprintf(cell, sizeof cell, "?");
	else
		snprintf(cell, sizeof cell, "%ld", s->nmatch);
	draw_cell(stdscr, y, x + 16, 6, cell, at != 0 ? at :
	    theme_attr(draw_tone_slot(s->tone)) | A_BOLD);
	draw_cell(stdscr, y, x + 22, by, s->created_by, at);
	if (w > 22 + by + 1)
		draw_text(stdscr, y, x + 23 + by, w - 23 - by, s->comment, at);
	buf_init(&b, 0);
	silences_row2(s, &b, &slot);
	draw_text(stdscr, y + 1, x + 2, w - 2, buf_str(&b), at != 0 ? at :
	    theme_attr(slot));
	buf_done(&b);
}

/* Keep the selection in sight in h silences. */
static void
silences_scroll(struct silences *p, size_t h)
{
	if (h == 0)
		h = 1;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + h)
		p->top = p->sel - h + 1;
	if (p->top + h > p->v->n)
		p->top = p->v->n > h ? p->v->n - h : 0;
}

static void	silences_set(struct silences *, struct app *,
		    struct view_silences *);

/* What a read of the list needs: its own copy, the loop goes on. */
struct silences_ask {
	char	*context;
	int64_t	 now_ms;
};

/* On the builder thread: read the list. */
static void *
silences_read(struct cache *c, const struct conf *conf, void *arg,
    char **cause)
{
	struct silences_ask	*q = arg;

	return views_silences_read(c, conf, q->context, q->now_ms, cause);
}

/* Free a read's copy. */
static void
silences_ask_free(void *arg)
{
	struct silences_ask	*q = arg;

	free(q->context);
	free(q);
}

/* Free a list read for a mode that closed meanwhile. */
static void
silences_result_free(void *v)
{
	views_silences_free(v);
}

/* The read is in: take the list, or keep what is shown and say why. */
static void
silences_read_done(struct app *a, void *result, char *cause, void *owner)
{
	struct silences	*p = owner;

	p->rd = NULL;
	free(p->failed);
	p->failed = NULL;
	if (result == NULL)
		p->failed = cause;
	else {
		free(cause);
		p->reading = 0;
		silences_set(p, a, result);
	}
	a->dirty = 1;
}

static const struct app_read_ops silences_read_ops = {
	.read = silences_read,
	.done = silences_read_done,
	.free_result = silences_result_free,
	.free_arg = silences_ask_free,
};

/* Ask for the list again (one read at a time; one in flight is enough). */
static void
silences_reload(struct silences *p, struct app *a)
{
	struct silences_ask	*q;

	p->seen_build = a->last_build;
	if (p->rd != NULL)
		return;
	q = xcalloc(1, sizeof *q);
	q->context = xstrdup(p->v->context);
	q->now_ms = app_now_ms(a);
	p->rd = app_read_ask(a, &silences_read_ops, q, p);
}

/* Draw the list in the body's rectangle. */
static void
silences_draw(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct silences	*p = (struct silences *)m;
	int		 h = r->h - 2, w = r->w - 4, y = r->y + 1, x = r->x + 2;
	int		 rows, i, by;
	char		*empty;

	if (a->last_build != p->seen_build)
		silences_reload(p, a);

	draw_box(stdscr, r->y, r->x, r->h, r->w, p->title,
	    theme_attr(SLOT_ACCENT), theme_attr(SLOT_TITLE) | A_BOLD);
	if (h <= 0 || w <= 0)
		return;
	if (h > 3) {
		/* The keys of the list, on its last row. */
		draw_text(stdscr, y + h - 1, x, w, runtime_gate(a->rt) !=
		    NULL ? "Enter: detail  x: expire the selected silence  "
		    "Esc: back" : "Enter: detail  x: expire (read-only)  "
		    "Esc: back", theme_attr(SLOT_DIM));
		h--;
	}
	if (p->note != NULL && h > 1) {
		draw_text(stdscr, y, x, w, p->note, theme_attr(p->note_slot));
		y++;
		h--;
	}
	if (p->failed != NULL && h > 1) {
		/* The cause names what failed and what to run. */
		empty = xasprintf("%s%s", p->failed, p->reading ? "" :
		    "; showing the last list");
		draw_text(stdscr, y, x, w, empty, theme_attr(SLOT_CRIT));
		free(empty);
		y++;
		h--;
	}
	if (p->reading) {
		if (p->failed == NULL) {
			empty = xasprintf("reading the silences of %s%s",
			    p->v->context, draw_ellipsis());
			draw_text(stdscr, y, x, w, empty, theme_attr(SLOT_DIM));
			free(empty);
		}
		p->height = 0;
		return;
	}
	if (p->v->n == 0) {
		/* Without any data from Alertmanager, the note says it all. */
		if (!p->unknown) {
			empty = xasprintf("no active or pending silences in %s",
			    p->v->context);
			draw_text(stdscr, y, x, w, empty, theme_attr(SLOT_DIM));
			free(empty);
		}
		p->height = 0;
		return;
	}
	by = w > 60 ? 22 : 16;
	draw_cell(stdscr, y, x, w, "", theme_attr(SLOT_DIM));
	draw_text(stdscr, y, x, w, "STATE   ENDS IN MATCH", theme_attr(SLOT_DIM));
	draw_text(stdscr, y, x + 22, by, "BY", theme_attr(SLOT_DIM));
	if (w > 22 + by + 1)
		draw_text(stdscr, y, x + 23 + by, w - 23 - by, "WHY",
		    theme_attr(SLOT_DIM));
	y++;
	h--;
	rows = h / SILENCES_ROWS;
	p->height = rows > 0 ? rows : 1;
	silences_scroll(p, (size_t)p->height);
	for (i = 0; i < rows && p->top + (size_t)i < p->v->n; i++)
		silences_draw_one(a, &p->v->v[p->top + (size_t)i],
		    y + i * SILENCES_ROWS, x, w, p->top + (size_t)i == p->sel ?
		    theme_attr(SLOT_SELECTED) : 0);
}

/* The page of one silence: everything about it, and what it matches. */
static struct mode *
silences_detail(struct app *a, const struct view_silence *s)
{
	const struct view_silence_alert	*al;
	struct view_pair		*pairs;
	struct mode			*m;
	struct buf			 b;
	char				 t1[40], t2[40], d[32], *title;
	size_t				 i, k, n;
	int64_t				 now = app_now_ms(a);

	title = xasprintf("Silence %s", s->id);
	m = mode_page_new(title);
	free(title);
	mode_page_add(m, SLOT_NORMAL, "%s, from %s to %s", s->state,
	    util_format_rfc3339(s->starts_ms, t1, sizeof t1),
	    util_format_rfc3339(s->ends_ms, t2, sizeof t2));
	if (strcmp(s->state, "pending") == 0)
		mode_page_add(m, SLOT_NORMAL, "starts in %s, lasts %s",
		    silences_until(s->starts_ms, now, t1, sizeof t1),
		    vocab_duration(s->ends_ms - s->starts_ms, d, sizeof d));
	else
		mode_page_add(m, SLOT_NORMAL, "ends in %s, lasts %s",
		    silences_until(s->ends_ms, now, t1, sizeof t1),
		    vocab_duration(s->ends_ms - s->starts_ms, d, sizeof d));
	mode_page_add(m, SLOT_NORMAL, "created by: %s", s->created_by);
	mode_page_add(m, SLOT_NORMAL, "comment: %s", s->comment);
	mode_page_add(m, SLOT_NORMAL, "matchers: %s", s->matchers);
	if (s->incident != NULL)
		mode_page_add(m, SLOT_NORMAL, "acknowledges incident %s (%s)",
		    s->incident, s->incident_state != NULL ?
		    s->incident_state : "not in the cache");
	if (s->nnotes > 0) {
		mode_page_add(m, SLOT_NORMAL, "%s", "");
		mode_page_add(m, SLOT_TITLE, "Flags");
		for (i = 0; i < s->nnotes; i++)
			mode_page_add(m, draw_tone_slot(s->notes[i].tone),
			    "  %s", s->notes[i].text);
	}
	mode_page_add(m, SLOT_NORMAL, "%s", "");
	if (s->nmatch < 0) {
		mode_page_add(m, SLOT_TITLE, "Matches now: unknown");
		return m;
	}
	mode_page_add(m, SLOT_TITLE, "Matches now: %ld firing %s", s->nmatch,
	    vocab_plural((size_t)s->nmatch, "alert", "alerts"));
	buf_init(&b, 0);
	for (i = 0; i < s->nalerts; i++) {
		al = &s->alerts[i];
		buf_reset(&b);
		pairs = views_pairs(al->labels, &n);
		for (k = 0; k < n; k++) {
			if (strcmp(pairs[k].key, "alertname") == 0)
				continue;
			buf_printf(&b, "%s%s=%s", *buf_str(&b) != '\0' ? ", " : "",
			    pairs[k].key, pairs[k].value);
		}
		views_pairs_free(pairs, n);
		mode_page_add(m, SLOT_NORMAL, "  %s%s: %s", al->alertname,
		    al->silenced ? " (silenced)" : "", buf_str(&b));
	}
	buf_done(&b);
	if ((size_t)s->nmatch > s->nalerts)
		mode_page_add(m, SLOT_DIM, "  and %zu more",
		    (size_t)s->nmatch - s->nalerts);
	return m;
}

/* y to "expire silence X?": through the gate. */
static void
silences_expire_yes(struct app *a, void *arg)
{
	app_expire(a, arg);
}

/* n: say nothing was written. */
static void
silences_expire_no(struct app *a, void *arg)
{
	app_message(a, "silence %s not expired", (const char *)arg);
}

static const struct confirm_ops silences_expire_ops = {
	.yes = silences_expire_yes,
	.no = silences_expire_no,
	.free = free,
};

/* x: ask, naming the silence, before it is expired. */
static void
silences_expire(struct app *a, struct silences *p)
{
	const struct view_silence	*s;
	char				*q;

	if (p->sel >= p->v->n) {
		app_message(a, "no silence to expire");
		return;
	}
	if (app_refuse_read_only(a))
		return;
	s = &p->v->v[p->sel];
	q = xasprintf("expire silence %s%s%s: %s? y/N", s->id,
	    *s->created_by != '\0' ? " by " : "", s->created_by,
	    *s->comment != '\0' ? s->comment : "(no comment)");
	app_push(a, mode_confirm_new(q, &silences_expire_ops,
	    xstrdup(s->id)));
	free(q);
}

/* Movement, Enter for the detail, x expires, Esc and q close. */
static int
silences_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct silences	*p = (struct silences *)m;
	long		 page = p->height > 0 ? p->height : 1;
	enum key_action	 act;

	if (!is_key && ch > 127)
		return KEY_HANDLED;
	if (!is_key && ch == SILENCES_EXPIRE_KEY) {
		silences_expire(a, p);
		return KEY_HANDLED | KEY_REDRAW;
	}
	switch (act = keymap_lookup(a->km, (int)ch)) {
	case ACT_OPEN:
		if (p->sel < p->v->n)
			app_push(a, silences_detail(a, &p->v->v[p->sel]));
		break;
	default:
		return scroll_key(m, a, act, page, page);
	}
	return KEY_HANDLED | KEY_REDRAW;
}

/* The mouse wheel moves the selection. */
static void
silences_scroll_by(struct mode *m, long delta)
{
	struct silences	*p = (struct silences *)m;
	long		 sel = (long)p->sel + delta;

	if (sel >= (long)p->v->n)
		sel = (long)p->v->n - 1;
	p->sel = sel < 0 ? 0 : (size_t)sel;
}

/* Free the list (and forget a read in flight). */
static void
silences_free(struct mode *m)
{
	struct silences	*p = (struct silences *)m;

	app_read_cancel(p->app, p->rd);
	free(p->failed);
	views_silences_free(p->v);
	free(p->title);
	free(p->note);
	free(p);
}

static const struct mode_ops silences_ops = {
	.name = "silences",
	.draw = silences_draw,
	.key = silences_key,
	.scroll_by = silences_scroll_by,
	.free = silences_free,
};

/*
 * What the list cannot know, in words: no Alertmanager in the context,
 * one still loading, or one that failed (and since when the list is).
 */
static void
silences_note(struct silences *p, struct app *a)
{
	const struct view_source	*s;
	char				 age[32];

	if (a->views == NULL)
		return;
	s = views_source(a->views, "alertmanager");
	p->note_slot = SLOT_STALE;
	p->unknown = s == NULL || s->never;
	if (s == NULL)
		p->note = xasprintf("%s has no Alertmanager: its silences are "
		    "not known", p->v->context);
	else if (s->never && s->error == NULL)
		p->note = xasprintf("loading %s%s", s->name, draw_ellipsis());
	else if (s->never)
		p->note = xasprintf("silences unknown: %s failed: %s",
		    s->name, s->error);
	else if (s->error != NULL) {
		p->note = xasprintf("%s failed: %s (showing data from %s ago)",
		    s->name, s->error, vocab_duration(s->age_ms, age,
		    sizeof age));
		p->note_slot = SLOT_CRIT;
	}
}

/* Take v as the list: its note and title; the selection kept by id. */
static void
silences_set(struct silences *p, struct app *a, struct view_silences *v)
{
	size_t	flagged = 0, i;

	if (p->v != NULL && p->sel < p->v->n) {
		for (i = 0; i < v->n; i++) {
			if (strcmp(v->v[i].id, p->v->v[p->sel].id) == 0)
				break;
		}
		/* Gone (expired): the one that took its place. */
		if (i == v->n)
			i = p->sel < v->n ? p->sel : v->n > 0 ? v->n - 1 : 0;
		p->sel = i;
	}
	views_silences_free(p->v);
	p->v = v;
	free(p->note);
	p->note = NULL;
	free(p->title);
	silences_note(p, a);
	for (i = 0; i < v->n; i++)
		flagged += v->v[i].nnotes > 0;
	if ((p->unknown || p->reading) && v->n == 0)
		p->title = xasprintf("Silences in %s", v->context);
	else if (flagged > 0)
		p->title = xasprintf("Silences in %s: %zu, %zu flagged",
		    v->context, v->n, flagged);
	else
		p->title = xasprintf("Silences in %s: %zu", v->context, v->n);
}

/* The silences list of the context; see mode.h. */
struct mode *
mode_silences_new(struct app *a)
{
	struct silences		*p;
	struct view_silences	*v;

	/* Empty until the first read is in. */
	v = xcalloc(1, sizeof *v);
	v->context = xstrdup(a->ctx->name);
	v->now_ms = app_now_ms(a);
	p = xcalloc(1, sizeof *p);
	p->mode.ops = &silences_ops;
	p->app = a;
	p->reading = 1;
	silences_set(p, a, v);
	silences_reload(p, a);
	return &p->mode;
}
