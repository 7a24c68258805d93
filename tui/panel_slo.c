/*
 * panel_slo.c: the SLO burn panel, one row per SLO (budget left, burn
 * rates over the windows that fit, verdict, 24 h sparkline), and the
 * SLO's detail page: every window, the budget, the sparkline with the
 * service's rollouts marked under it and when a burn began after each.
 */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/slo.h"
#include "core/views.h"
#include "core/vocab.h"
#include "core/views_detail.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/mode.h"
#include "tui/panel.h"

#define SLO_MAX_MARKS	16

/*
 * The burn windows that fit, most telling first; whichever fit are shown
 * in time order (5m 30m 1h 2h 6h 1d 3d).
 */
static const int slo_windows[] = { SLO_5M, SLO_1H, SLO_6H, SLO_1D,
    SLO_30M, SLO_2H, SLO_3D };
#define SLO_NSHOWN	((int)(sizeof slo_windows / sizeof slo_windows[0]))

/* Columns between two burn rates. */
#define SLO_GAP		2

/* What the sparklines cover, ending at the views' time. */
#define SLO_SPARK_SPAN_MS	(24 * 3600 * 1000LL)

/* SLOs in the views. */
static size_t
slo_count(const struct views *v)
{
	return v->nslos;
}

/* An SLO's filter text and identity. */
static char *
slo_row_text(const struct views *v, size_t i, char **key)
{
	const struct view_slo	*s = &v->slos[i];

	*key = xstrdup(s->name);
	return xasprintf("%s %s %s", s->name, s->service,
	    vocab_verdict_word(s->verdict));
}

/* Whether an SLO's service has a workload in namespace ns. */
static int
slo_in_ns(const struct views *v, size_t i, const char *ns)
{
	const char	*svc = v->slos[i].service;
	size_t		 j, k, n = strlen(ns);

	for (j = 0; j < v->nservices; j++) {
		if (strcmp(v->services[j].name, svc) != 0)
			continue;
		for (k = 0; k < v->services[j].ndeployments; k++) {
			if (strncmp(v->services[j].deployments[k], ns, n) == 0 &&
			    v->services[j].deployments[k][n] == '/')
				return 1;
		}
	}
	return 0;
}

/* The columns of the panel at one width, from the values they show. */
struct slo_cols {
	int	name;		/* 22 */
	int	pct;		/* the widest budget percentage */
	int	exh;		/* the widest time to exhaustion */
	int	burn;		/* the widest burn rate */
	int	nwin;		/* windows shown */
	int	win[SLO_NWINDOWS];	/* in time order */
	int	x_budget, x_exh, x_win, x_verdict, x_spark;
	int	spark;		/* sparkline columns; 0: none */
	double	top;		/* one scale for every row */
};

/* The widest of a column's words, at least min. */
static int
slo_widest(int min, const char *s)
{
	int	w = draw_width(s);

	return w > min ? w : min;
}

/* What every row's values need, measured once per views. */
struct slo_measure {
	const struct views	*v;	/* measured for */
	int			 pct;	/* the widest budget percentage */
	int			 exh;	/* the widest time to exhaustion */
	int			 burn;	/* the widest burn rate */
	double			 top;	/* one sparkline scale for every row */
};

static struct slo_measure	slo_measured;

/* Measure the widest values of the views' SLOs (a rebuild's work). */
static void
slo_measure(const struct views *v)
{
	struct slo_measure	*m = &slo_measured;
	char			 t[64];
	size_t			 i;
	int			 k;

	m->v = v;
	m->pct = 6;
	m->exh = slo_widest(0, "EXHAUST");
	m->burn = 4;
	m->top = 1;
	for (i = 0; i < v->nslos; i++) {
		const struct view_slo *s = &v->slos[i];

		m->pct = slo_widest(m->pct, vocab_percent(s->budget_remaining,
		    t, sizeof t));
		m->exh = slo_widest(m->exh, vocab_exhaustion(s->exhaustion_s,
		    t, sizeof t));
		for (k = 0; k < SLO_PERIOD; k++)
			m->burn = slo_widest(m->burn, vocab_burn(s->burn[k], t,
			    sizeof t));
		if (vocab_spark_top(s->spark, s->nspark) > m->top)
			m->top = vocab_spark_top(s->spark, s->nspark);
	}
}

/* New views: measure them once, off the key path. */
static void
slo_rebuilt(struct app *a, int panel)
{
	(void)panel;
	if (a->views != NULL)
		slo_measure(a->views);
}

/*
 * The columns for a width: the name, the budget (bar and percentage),
 * the time to exhaustion, then as many burn windows as fit (2 to 7), the
 * verdict and a sparkline of up to 48.  Number columns are as wide as the
 * widest value, so none is ever cut.
 */
static void
slo_columns(const struct views *v, int w, struct slo_cols *c)
{
	int	k, j, chosen[SLO_NWINDOWS], rest;

	if (slo_measured.v != v)
		slo_measure(v);
	memset(c, 0, sizeof *c);
	c->name = 22;
	c->pct = slo_measured.pct;
	c->exh = slo_measured.exh;
	c->burn = slo_measured.burn;
	c->top = slo_measured.top;
	c->x_budget = c->name;
	c->x_exh = c->x_budget + 8 + c->pct + 1;
	c->x_win = c->x_exh + c->exh + 1;
	rest = w - c->x_win - 8 - 10;
	c->nwin = rest / (c->burn + SLO_GAP);
	if (c->nwin > SLO_NSHOWN)
		c->nwin = SLO_NSHOWN;
	if (c->nwin < 2)
		c->nwin = 2;
	memset(chosen, 0, sizeof chosen);
	for (k = 0; k < c->nwin; k++)
		chosen[slo_windows[k]] = 1;
	for (j = 0, k = 0; k < SLO_NWINDOWS; k++) {
		if (chosen[k])
			c->win[j++] = k;
	}
	c->x_verdict = c->x_win + c->nwin * (c->burn + SLO_GAP) + 1;
	c->x_spark = c->x_verdict + 8;
	c->spark = w - c->x_spark;
	if (c->spark > 48)
		c->spark = 48;
	if (c->spark < 5)
		c->spark = 0;
}

/* A number right-aligned in w columns. */
static void
slo_right(int y, int x, int w, const char *s, unsigned long at)
{
	int	pad = w - draw_width(s);

	draw_cell(stdscr, y, x, w, "", at);
	draw_text(stdscr, y, x + (pad > 0 ? pad : 0), w, s, at);
}

/*
 * The columns of the paint under way.  The list draws the header first,
 * then the rows, so the header measures once (every SLO's values) and
 * the rows use what it measured.
 */
static struct slo_cols	slo_painted;

/* The column header; the sparkline's scale is stated in it. */
static void
slo_header(struct app *a, int y, int x, int w)
{
	unsigned long	dim = theme_attr(SLOT_DIM);
	struct slo_cols	c;
	char		sc[64], head[96];
	int		k;

	slo_columns(a->views, w, &c);
	slo_painted = c;
	draw_cell(stdscr, y, x, w, "", dim);
	draw_cell(stdscr, y, x, c.name, "SLO", dim);
	draw_cell(stdscr, y, x + c.x_budget, 8 + c.pct, "BUDGET LEFT", dim);
	draw_cell(stdscr, y, x + c.x_exh, c.exh, "EXHAUST", dim);
	for (k = 0; k < c.nwin; k++)
		slo_right(y, x + c.x_win + k * (c.burn + SLO_GAP) + SLO_GAP,
		    c.burn, vocab_window_word((enum slo_window)c.win[k]), dim);
	draw_cell(stdscr, y, x + c.x_verdict, 8, "VERDICT", dim);
	if (c.spark > 0) {
		/* The scale, with "24h" when it fits, else the top alone. */
		vocab_spark_scale(c.top, draw_utf8(), sc, sizeof sc);
		snprintf(head, sizeof head, "24h %s", sc);
		if (draw_width(head) > c.spark)
			snprintf(head, sizeof head, "%s", sc);
		if (draw_width(head) > c.spark)
			snprintf(head, sizeof head, "%s %s", vocab_spark_glyph(7,
			    draw_utf8()), vocab_burn(c.top, sc, sizeof sc));
		draw_text(stdscr, y, x + c.x_spark, c.spark, head, dim);
	}
}

/* One SLO, in the columns the header measured for this paint. */
static void
slo_row(struct app *a, size_t i, int y, int x, int w, unsigned long at)
{
	const struct view_slo	*s = &a->views->slos[i];
	struct slo_cols		 c = slo_painted;
	char			 cell[64];
	int			 k;
	enum slo_window		 win;

	(void)w;
	draw_cell(stdscr, y, x, c.name, s->name, at);
	draw_bar(stdscr, y, x + c.x_budget, 7, s->budget_remaining,
	    theme_attr(draw_tone_slot(vocab_budget_tone(s))),
	    theme_attr(SLOT_DIM));
	draw_cell(stdscr, y, x + c.x_budget + 7, 1, "", at);
	slo_right(y, x + c.x_budget + 8, c.pct, vocab_percent(
	    s->budget_remaining, cell, sizeof cell), at);
	draw_cell(stdscr, y, x + c.x_budget + 8 + c.pct, 1, "", at);
	draw_cell(stdscr, y, x + c.x_exh, c.exh + 1, vocab_exhaustion(
	    s->exhaustion_s, cell, sizeof cell), at);
	for (k = 0; k < c.nwin; k++) {
		win = (enum slo_window)c.win[k];
		vocab_burn(s->burn[win], cell, sizeof cell);
		draw_cell(stdscr, y, x + c.x_win + k * (c.burn + SLO_GAP),
		    SLO_GAP, "", at);
		slo_right(y, x + c.x_win + k * (c.burn + SLO_GAP) + SLO_GAP,
		    c.burn, cell,
		    at != 0 ? at : theme_attr(draw_tone_slot(vocab_burn_tone(
		    s->burn[win], win, &a->views->policy))));
	}
	draw_cell(stdscr, y, x + c.x_win + c.nwin * (c.burn + SLO_GAP), 1, "",
	    at);
	draw_cell(stdscr, y, x + c.x_verdict, 8,
	    vocab_verdict_word(s->verdict), at != 0 ? at :
	    theme_attr(draw_tone_slot(vocab_verdict_tone(s->verdict))) | A_BOLD);
	if (c.spark > 0)
		draw_spark_burn(stdscr, y, x + c.x_spark, c.spark, s->spark,
		    s->spark_ts, s->nspark, a->views->generated_ms -
		    SLO_SPARK_SPAN_MS, a->views->generated_ms, c.top,
		    theme_attr(SLOT_ACCENT), theme_attr(SLOT_WARN));
}

/* "N SLOs, M page, K ticket". */
static char *
slo_summary(struct app *a, int panel)
{
	const struct list	*l = &a->lists[panel];
	size_t			 k, pages = 0, tickets = 0;
	char			 shown[48];

	for (k = 0; k < l->nrows; k++) {
		pages += a->views->slos[l->rows[k]].verdict == SLO_PAGE;
		tickets += a->views->slos[l->rows[k]].verdict == SLO_TICKET;
	}
	return xasprintf("%s%zu %s, %zu page, %zu ticket", panel_shown(a,
	    panel, a->views->nslos, shown, sizeof shown), a->views->nslos,
	    vocab_plural(a->views->nslos, "SLO", "SLOs"), pages, tickets);
}

/* A rollout to mark on the sparkline. */
struct slo_mark {
	int64_t	rev;
	int64_t	at;
	char	name[64];
};

/* The sparkline of the detail page: its span and columns. */
struct slo_axis {
	int64_t	from, to;
	size_t	cols;
};

/* The column of the sparkline whose time holds t; -1 outside it. */
static long
slo_axis_col(const struct slo_axis *ax, int64_t t)
{
	int64_t	span = ax->to - ax->from;

	if (t <= ax->from || t > ax->to || span <= 0 || ax->cols == 0)
		return -1;
	return (long)(((t - ax->from) * (int64_t)ax->cols + span - 1) /
	    span) - 1;
}

/* The first sparkline point at or after t. */
static size_t
slo_spark_at(const struct view_slo *s, int64_t t)
{
	size_t	idx;

	for (idx = 0; idx < s->nspark && s->spark_ts[idx] < t; idx++)
		;
	return idx;
}

/* Newest first, for placing labels. */
static int
slo_mark_newest_first(const void *a, const void *b)
{
	const struct slo_mark	*x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? 1 : -1;
	return x->rev < y->rev ? 1 : x->rev > y->rev ? -1 : 0;
}

/*
 * The line under the sparkline: "^r7" at the column of each rollout.
 * Labels are placed newest first, so where several rollouts fall on one
 * column, or their labels would overlap, the newest is named and an
 * older one keeps at most its caret.  mk is sorted newest first.
 */
static char *
slo_axis_line(const struct slo_axis *ax, const struct slo_mark *mk, size_t n,
    size_t indent)
{
	char	*line, label[32];
	size_t	 i, width = indent + ax->cols;
	long	 col, start, len, limit = (long)width;

	line = xmalloc(width + 1);
	memset(line, ' ', width);
	line[width] = '\0';
	for (i = 0; i < n; i++) {
		if ((col = slo_axis_col(ax, mk[i].at)) < 0)
			continue;
		col += (long)indent;
		snprintf(label, sizeof label, "^r%lld", (long long)mk[i].rev);
		len = (long)strlen(label);
		start = col;
		if (start + len > limit) {
			/* Left of its caret, by the edge or a newer label. */
			snprintf(label, sizeof label, "r%lld^",
			    (long long)mk[i].rev);
			start = col + 1 - len;
		}
		if (start < (long)indent || col + 1 > limit) {
			/* No room for the name: the caret alone, if free. */
			snprintf(label, sizeof label, "^");
			start = col;
			len = 1;
			if (col + 1 > limit)
				continue;
		}
		memcpy(line + start, label, (size_t)len);
		limit = start - 1;
	}
	return line;
}

/*
 * The sparkline of the detail page as text, the rollouts marked under it
 * ("^r7" at the column of the rollout), and when a burn above 1x began
 * after each, so "burn began 12 min after revision 7" is visible at a
 * glance.
 */
static void
slo_page_spark(struct mode *m, const struct view_slo *s,
    const struct slo_axis *ax, double top, struct slo_mark *mk, size_t n)
{
	struct buf	 b;
	char		 d[32], when[40], *axis;
	size_t		 i, k, idx;
	int		 before_ok;

	buf_init(&b, 0);
	buf_puts(&b, "24h ago     ");
	vocab_spark_burn(s->spark, s->spark_ts, s->nspark, ax->from, ax->to,
	    top, ax->cols, draw_utf8(), &b);
	buf_puts(&b, " now");
	mode_page_add(m, SLOT_ACCENT, "%s", buf_str(&b));
	buf_done(&b);
	if (n == 0) {
		mode_page_add(m, SLOT_DIM, "rollouts: none in these 24 h");
		return;
	}
	qsort(mk, n, sizeof *mk, slo_mark_newest_first);
	axis = slo_axis_line(ax, mk, n, 12);
	mode_page_add(m, SLOT_ACCENT, "%s", axis);
	free(axis);
	for (i = n; i-- > 0;) {
		idx = slo_spark_at(s, mk[i].at);
		before_ok = idx == 0 || isnan(s->spark[idx - 1]) ||
		    s->spark[idx - 1] <= 1.0;
		for (k = idx; k < s->nspark; k++) {
			if (!isnan(s->spark[k]) && s->spark[k] > 1.0)
				break;
		}
		util_format_rfc3339(mk[i].at, when, sizeof when);
		if (k < s->nspark && before_ok)
			mode_page_add(m, SLOT_WARN, "burn above 1x began %s "
			    "after revision %lld of %s (rolled out %s)",
			    vocab_duration(s->spark_ts[k] - mk[i].at, d,
			    sizeof d), (long long)mk[i].rev, mk[i].name, when);
		else if (k < s->nspark)
			mode_page_add(m, SLOT_NORMAL, "revision %lld of %s "
			    "rolled out %s, while the burn was already above "
			    "1x", (long long)mk[i].rev, mk[i].name, when);
		else
			mode_page_add(m, SLOT_NORMAL, "revision %lld of %s "
			    "rolled out %s; no burn above 1x since",
			    (long long)mk[i].rev, mk[i].name, when);
	}
}

/*
 * The sparkline of the page and the rollouts of the SLO's service within
 * its 24 h, marked under it.
 */
static void
slo_rollouts(struct app *a, struct mode *m, const struct view_slo *s)
{
	struct view_deployment	*d;
	struct slo_mark		 marks[SLO_MAX_MARKS];
	struct slo_axis		 ax;
	size_t			 i, j, k, n = 0;
	char			*cause = NULL;

	ax.to = a->views->generated_ms;
	ax.from = ax.to - SLO_SPARK_SPAN_MS;
	/* Fifteen minutes a column when the screen allows. */
	ax.cols = COLS > 40 ? (size_t)COLS - 24 : 16;
	if (ax.cols > 96)
		ax.cols = 96;
	for (i = 0; i < a->views->nservices; i++) {
		const struct view_service *svc = &a->views->services[i];

		if (strcmp(svc->name, s->service) != 0)
			continue;
		for (j = 0; j < svc->ndeployments; j++) {
			if (strchr(svc->deployments[j], '/') == NULL)
				continue;
			d = views_deployment_read(a->cache, a->views->context,
			    svc->deployments[j], VD_ROLLOUTS, ax.from + 1,
			    ax.to, &cause);
			if (d == NULL) {
				mode_page_add(m, SLOT_WARN, "rollouts of %s: %s",
				    svc->deployments[j], cause);
				free(cause);
				cause = NULL;
				continue;
			}
			/* The newest when there are more than fit. */
			k = d->nrollouts > SLO_MAX_MARKS ? d->nrollouts -
			    SLO_MAX_MARKS : 0;
			for (; k < d->nrollouts && n < SLO_MAX_MARKS; k++) {
				marks[n].rev = d->rollouts[k].revision;
				marks[n].at = d->rollouts[k].at_ms;
				snprintf(marks[n].name, sizeof marks[n].name,
				    "%s", d->name);
				n++;
			}
			views_deployment_free(d);
		}
	}
	slo_page_spark(m, s, &ax, vocab_spark_top(s->spark, s->nspark), marks,
	    n);
}

/* The detail page of the selected SLO. */
static struct mode *
slo_open(struct app *a, int panel)
{
	const struct view_slo	*s;
	struct mode		*m;
	char			 d[32], b[32], pct[32], sc[64], *title;
	long			 i = list_selected(&a->lists[panel]);
	int			 w;

	if (i < 0)
		return NULL;
	s = &a->views->slos[i];
	title = xasprintf("SLO %s", s->name);
	m = mode_page_new(title);
	free(title);
	mode_page_add(m, draw_tone_slot(vocab_verdict_tone(s->verdict)), "verdict: %s   "
	    "objective %.4g%% over %s   service %s",
	    vocab_verdict_word(s->verdict), s->objective,
	    vocab_duration(s->period_ms, d, sizeof d), s->service);
	if (isnan(s->budget_remaining))
		mode_page_add(m, SLOT_UNKNOWN, "error budget: no data");
	else
		mode_page_add(m, draw_tone_slot(vocab_budget_tone(s)),
		    "error budget: %s left%s%s", vocab_percent(
		    s->budget_remaining, pct, sizeof pct), s->exhaustion_s > 0 ?
		    ", gone in " : s->exhaustion_s == 0 ? ", gone " : "",
		    s->exhaustion_s >= 0 ? vocab_exhaustion(s->exhaustion_s, b,
		    sizeof b) : "");
	mode_page_add(m, SLOT_TITLE, "window   error ratio   burn rate");
	for (w = 0; w < SLO_NWINDOWS; w++) {
		if (isnan(s->ratio[w])) {
			mode_page_add(m, SLOT_DIM, "%-8s %-13s %s",
			    vocab_window_word((enum slo_window)w), "no data", "-");
			continue;
		}
		snprintf(pct, sizeof pct, "%.4f%%", s->ratio[w] * 100);
		mode_page_add(m, draw_tone_slot(vocab_burn_tone(s->burn[w],
		    (enum slo_window)w, &a->views->policy)), "%-8s %-13s %s",
		    vocab_window_word((enum slo_window)w), pct,
		    vocab_burn(s->burn[w], b, sizeof b));
	}
	mode_page_add(m, SLOT_TITLE, "1h burn rate, last 24 h (scale %s)",
	    vocab_spark_scale(vocab_spark_top(s->spark, s->nspark),
	    draw_utf8(), sc, sizeof sc));
	slo_rollouts(a, m, s);
	return m;
}

const struct panel_ops panel_slo = {
	.name = "slo",
	.aliases = { "burn", "slos" },
	.title = "2 SLO burn",
	.sources = { "prometheus" },
	.noun = "SLOs",
	.empty = "no SLOs configured",
	.count = slo_count,
	.row_text = slo_row_text,
	.in_ns = slo_in_ns,
	.rebuilt = slo_rebuilt,
	.header = slo_header,
	.row = slo_row,
	.summary = slo_summary,
	.open = slo_open,
};
