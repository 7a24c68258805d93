/*
 * mode_history.c: an incident's page as the cache keeps it, and
 * `:history`, the incidents resolved lately with their averages.
 *
 * Both read the cache once, when they open (core/views_incidents.c: a
 * few indexed rows), and own what they read, so a rebuild of the views
 * never leaves them holding freed memory and no key waits on SQLite
 * after that.  The incident page is a page of lines (mode_page.c):
 * state, priority, start and age, who acknowledged and until when (or
 * that the acknowledgement is local, and why), the receivers notified,
 * the alerts and the whole timeline.  The history is a list over the
 * panels: the means and medians on top, one resolved incident a row,
 * Enter opens its page, Esc goes back.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/views.h"
#include "core/views_incidents.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/scroll.h"

/* The history's window when the configuration has none: 30 days. */
#define HISTORY_WINDOW_MS	(30 * 24 * 3600 * 1000LL)

/* ------------------------------------------------------------------ */
/* An incident's page                                                  */
/* ------------------------------------------------------------------ */

/* "TIME, after D" of a moment of the incident, into out. */
static const char *
page_when(int64_t ms, int64_t after_ms, char *out, size_t len)
{
	char	ts[40], dur[32];

	util_format_rfc3339(ms, ts, sizeof ts);
	if (after_ms < 0)
		snprintf(out, len, "%s", ts);
	else
		snprintf(out, len, "%s, after %s", ts, vocab_duration(after_ms,
		    dur, sizeof dur));
	return out;
}

/* The incident's own lines: state, times, acknowledgement. */
static void
page_head(struct mode *m, struct app *a, const struct incident_rec *r)
{
	enum view_severity	sev = view_severity_parse(r->severity);
	char			ts[40], age[32], when[80];
	int64_t			now = app_now_ms(a);

	mode_page_add(m, draw_tone_slot(vocab_severity_tone(sev)), "%s",
	    r->title);
	mode_page_add(m, SLOT_NORMAL, "%s, severity %s, %s, since %s (%s "
	    "ago)", vocab_priority_word(r->priority), r->severity != NULL ?
	    r->severity : "none", r->state, util_format_rfc3339(r->started_ms,
	    ts, sizeof ts), vocab_age(r->started_ms, now, age, sizeof age));
	if (r->ack_by != NULL) {
		util_format_rfc3339(r->ack_until_ms, ts, sizeof ts);
		if (r->ack_local)
			mode_page_add(m, SLOT_WARN, "acknowledged by %s until "
			    "%s: local ack, not shared: %s", r->ack_by, ts,
			    r->ack_reason != NULL ? r->ack_reason :
			    "no Alertmanager took it");
		else
			mode_page_add(m, SLOT_OK, "acknowledged by %s until %s "
			    "(in %s)", r->ack_by, ts, vocab_duration(
			    r->ack_until_ms - now, age, sizeof age));
	} else if (strcmp(r->state, "resolved") != 0)
		mode_page_add(m, SLOT_WARN, "not acknowledged");
	if (r->first_ack_by != NULL)
		mode_page_add(m, SLOT_NORMAL, "first acknowledged by %s at %s",
		    r->first_ack_by, page_when(r->first_ack_ms, r->tta_ms,
		    when, sizeof when));
	if (r->mitigated_ms > 0)
		mode_page_add(m, SLOT_NORMAL, "mitigated %s", page_when(
		    r->mitigated_ms, r->ttm_ms, when, sizeof when));
	if (r->resolved_ms > 0)
		mode_page_add(m, SLOT_NORMAL, "resolved %s", page_when(
		    r->resolved_ms, r->ttr_ms, when, sizeof when));
	if (r->recurrence_of != NULL)
		mode_page_add(m, SLOT_NORMAL, "a recurrence of incident %s",
		    r->recurrence_of);
	mode_page_add(m, SLOT_NORMAL, "group: %s", r->group_key);
	if (r->runbook_url != NULL)
		mode_page_add(m, SLOT_ACCENT, "runbook: %s", r->runbook_url);
	if (r->summary != NULL)
		mode_page_add(m, SLOT_NORMAL, "summary: %s", r->summary);
}

/* ", "-joined strings into b. */
static void
page_join(struct buf *b, char *const *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i > 0 ? ", " : "", v[i]);
}

/* The alerts of the incident, with what Alertmanager lists of them. */
static void
page_alerts(struct mode *m, const struct incident_detail *d)
{
	const struct incident_rec_alert	*al;
	struct buf			 b;
	char				 ts[40];
	size_t				 i;

	mode_page_add(m, SLOT_TITLE, "Alerts");
	if (d->nalerts == 0)
		mode_page_add(m, SLOT_DIM, "  (none)");
	for (i = 0; i < d->nalerts; i++) {
		al = &d->alerts[i];
		buf_init(&b, 0);
		buf_printf(&b, "%s (%s), joined %s", al->alertname,
		    al->severity != NULL ? al->severity : "no severity",
		    util_format_rfc3339(al->joined_ms, ts, sizeof ts));
		if (al->resolved_ms > 0)
			buf_printf(&b, ", resolved %s", util_format_rfc3339(
			    al->resolved_ms, ts, sizeof ts));
		else
			buf_printf(&b, ", firing%s", al->silenced ?
			    ", silenced" : "");
		mode_page_add(m, SLOT_NORMAL, "%s", buf_str(&b));
		buf_done(&b);
		if (!al->listed) {
			mode_page_add(m, SLOT_DIM, "  no longer listed by "
			    "Alertmanager: labels and receivers are not kept");
			continue;
		}
		buf_init(&b, 0);
		page_join(&b, al->receivers, al->nreceivers);
		mode_page_add(m, SLOT_NORMAL, "  notified: %s",
		    al->nreceivers > 0 ? buf_str(&b) : "-");
		buf_done(&b);
		mode_page_pairs(m, "  labels", al->labels);
		mode_page_pairs(m, "  annotations", al->annotations);
	}
}

/* Build the page of a detail read from the cache. */
static struct mode *
page_of(struct app *a, const struct incident_detail *d)
{
	struct mode	*m;
	struct buf	 b;
	char		 ts[40], *title;
	size_t		 i;

	title = xasprintf("Incident %s", d->inc.id);
	m = mode_page_new(title);
	free(title);
	page_head(m, a, &d->inc);
	buf_init(&b, 0);
	page_join(&b, d->receivers, d->nreceivers);
	if (d->nreceivers > 0)
		mode_page_add(m, SLOT_NORMAL, "notified: %s", buf_str(&b));
	else
		mode_page_add(m, SLOT_DIM, "notified: no receiver listed "
		    "(Alertmanager lists them while the alerts fire)");
	buf_done(&b);
	page_alerts(m, d);
	mode_page_add(m, SLOT_TITLE, "Timeline");
	for (i = 0; i < d->nevents; i++)
		mode_page_add(m, SLOT_NORMAL, "%s  %s  %s: %s",
		    util_format_rfc3339(d->events[i].ts_ms, ts, sizeof ts),
		    d->events[i].actor != NULL ? d->events[i].actor : "-",
		    d->events[i].kind, d->events[i].text);
	if (d->nevents == 0)
		mode_page_add(m, SLOT_DIM, "  (nothing yet)");
	return m;
}

/* The page of incident id from the cache; see mode.h. */
struct mode *
mode_incident_new(struct app *a, const char *id, char **cause)
{
	struct incident_detail	*d;
	struct mode		*m;

	if (a->cache == NULL) {
		*cause = xstrdup("the cache is not open");
		return NULL;
	}
	d = views_incident_read(a->cache, a->ctx->name, id, cause);
	if (d == NULL)
		return NULL;
	m = page_of(a, d);
	incident_detail_free(d);
	return m;
}

/* ------------------------------------------------------------------ */
/* :history                                                            */
/* ------------------------------------------------------------------ */

struct history {
	struct mode		 mode;
	struct incident_history	*h;
	char			*cause;		/* why there is none */
	char			 window[32];	/* "30d" */
	size_t			 sel;
	size_t			 top;
};

/* The line of averages over the list. */
static void
history_averages(const struct history *s, char *out, size_t len)
{
	const struct incident_history	*h = s->h;
	char				 a[32], am[32], r[32], rm[32];

	snprintf(out, len, "%zu resolved in the last %s; MTTA %s (median %s, "
	    "%zu acknowledged); MTTR %s (median %s)", h->nincs, s->window,
	    vocab_duration(h->mtta_ms, a, sizeof a),
	    vocab_duration(h->mtta_median_ms, am, sizeof am), h->nacked,
	    vocab_duration(h->mttr_ms, r, sizeof r),
	    vocab_duration(h->mttr_median_ms, rm, sizeof rm));
}

/* Who acknowledged most: "alice 2, bob 1". */
static void
history_ackers(const struct incident_history *h, struct buf *b)
{
	size_t	i;

	buf_puts(b, "acknowledged most: ");
	for (i = 0; i < h->nackers && i < 5; i++)
		buf_printf(b, "%s%s %zu", i > 0 ? ", " : "", h->ackers[i].who,
		    h->ackers[i].count);
	if (h->nackers == 0)
		buf_puts(b, "nobody (none was acknowledged)");
}

/* One row: an incident of the history. */
static void
history_row(struct app *a, const struct incident_rec *r, int y, int x,
    int w, unsigned long at)
{
	char	cell[64], tta[32], ttm[32], ttr[32], ago[32];

	draw_cell(stdscr, y, x, w, "", at);
	draw_cell(stdscr, y, x, 9, r->id, at);
	draw_cell(stdscr, y, x + 9, 4, vocab_priority_word(r->priority),
	    at != 0 ? at : theme_attr(draw_tone_slot(vocab_priority_tone(
	    r->priority))));
	snprintf(cell, sizeof cell, "%s ago", vocab_age(r->resolved_ms,
	    app_now_ms(a), ago, sizeof ago));
	draw_cell(stdscr, y, x + 13, 10, cell, at);
	draw_cell(stdscr, y, x + 23, 9, vocab_duration(r->ttr_ms, ttr,
	    sizeof ttr), at);
	draw_cell(stdscr, y, x + 32, 7, vocab_duration(r->tta_ms, tta,
	    sizeof tta), at);
	draw_cell(stdscr, y, x + 39, 7, vocab_duration(r->ttm_ms, ttm,
	    sizeof ttm), at);
	draw_cell(stdscr, y, x + 46, 15, r->first_ack_by != NULL ?
	    r->first_ack_by : "-", at);
	if (w > 61)
		draw_cell(stdscr, y, x + 61, w - 61, r->title, at);
}

/* Draw the history over the panels. */
static void
history_draw(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct history	*s = (struct history *)m;
	struct buf	 b;
	char		 line[256], *title;
	int		 h = r->h - 2, w = r->w - 4, x = r->x + 2, y = r->y + 1;
	int		 rows, i;

	title = xasprintf("History: incidents resolved in the last %s",
	    s->window);
	draw_box(stdscr, r->y, r->x, r->h, r->w, title,
	    theme_attr(SLOT_ACCENT), theme_attr(SLOT_TITLE) | A_BOLD);
	free(title);
	if (h <= 0 || w <= 0)
		return;
	if (s->h == NULL) {
		draw_text(stdscr, y, x, w, s->cause, theme_attr(SLOT_CRIT));
		return;
	}
	if (s->h->nincs == 0) {
		snprintf(line, sizeof line, "no resolved incident in the last "
		    "%s", s->window);
		draw_text(stdscr, y, x, w, line, theme_attr(SLOT_NORMAL));
		return;
	}
	history_averages(s, line, sizeof line);
	draw_text(stdscr, y, x, w, line, theme_attr(SLOT_NORMAL) | A_BOLD);
	if (h < 2)
		return;
	buf_init(&b, 0);
	history_ackers(s->h, &b);
	draw_text(stdscr, y + 1, x, w, buf_str(&b), theme_attr(SLOT_NORMAL));
	buf_done(&b);
	if (h < 4)
		return;
	/* DURATION is the time to resolve; TTA, TTM to ack, to mitigate. */
	draw_cell(stdscr, y + 3, x, w, "ID       PRI RESOLVED  DURATION "
	    "TTA    TTM    ACKED BY       TITLE", theme_attr(SLOT_DIM));
	rows = h - 4;
	if (rows <= 0)
		return;
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + (size_t)rows)
		s->top = s->sel - (size_t)rows + 1;
	for (i = 0; i < rows && s->top + (size_t)i < s->h->nincs; i++)
		history_row(a, &s->h->incs[s->top + (size_t)i], y + 4 + i, x,
		    w, s->top + (size_t)i == s->sel ?
		    theme_attr(SLOT_SELECTED) : 0);
}

/* Move the selection by delta, clamped. */
static void
history_move(struct mode *m, long delta)
{
	struct history	*s = (struct history *)m;
	long		 sel;

	if (s->h == NULL || s->h->nincs == 0)
		return;
	sel = (long)s->sel + delta;
	if (sel < 0)
		sel = 0;
	if (sel >= (long)s->h->nincs)
		sel = (long)s->h->nincs - 1;
	s->sel = (size_t)sel;
}

/* Movement, Enter opens the incident's page, Esc and q go back. */
static int
history_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct history	*s = (struct history *)m;
	struct mode	*page;
	long		 half = (LINES - 8) / 2 > 0 ? (LINES - 8) / 2 : 1;
	char		*cause = NULL;
	enum key_action	 act;

	if (!is_key && ch > 127)
		return KEY_HANDLED;
	switch (act = keymap_lookup(a->km, (int)ch)) {
	case ACT_OPEN:
		if (s->h == NULL || s->h->nincs == 0)
			break;
		page = mode_incident_new(a, s->h->incs[s->sel].id, &cause);
		if (page != NULL)
			app_push(a, page);
		else {
			app_message(a, "%s", cause);
			free(cause);
		}
		break;
	default:
		return scroll_key(m, a, act, 2 * half, half);
	}
	return KEY_HANDLED | KEY_REDRAW;
}

/* Free the history. */
static void
history_free(struct mode *m)
{
	struct history	*s = (struct history *)m;

	incident_history_free(s->h);
	free(s->cause);
	free(s);
}

static const struct mode_ops history_ops = {
	.name = "history",
	.draw = history_draw,
	.key = history_key,
	.scroll_by = history_move,
	.free = history_free,
};

/* The history of the console's context; see mode.h. */
struct mode *
mode_history_new(struct app *a)
{
	struct history	*s = xcalloc(1, sizeof *s);
	int64_t		 window = HISTORY_WINDOW_MS;

	s->mode.ops = &history_ops;
	if (a->conf != NULL && a->conf->keep_resolved_ms > 0)
		window = a->conf->keep_resolved_ms;
	vocab_duration(window, s->window, sizeof s->window);
	if (a->cache == NULL)
		s->cause = xstrdup("no history: the cache is not open");
	else {
		s->h = views_incident_history(a->cache, a->ctx->name,
		    app_now_ms(a), window, &s->cause);
	}
	return &s->mode;
}
