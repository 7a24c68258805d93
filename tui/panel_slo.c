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

/* The burn windows shown, most telling first. */
static const int slo_windows[] = { SLO_5M, SLO_1H, SLO_6H, SLO_1D,
    SLO_30M, SLO_2H, SLO_3D };

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

/*
 * The columns for a width: name 22, budget 16, verdict 8, then as many
 * windows of 6 as fit (2 to 7) and a sparkline of up to 48.
 */
static void
slo_columns(int w, int *nwin, int *spark_w)
{
	*nwin = (w - 22 - 16 - 8 - 10) / 6;
	if (*nwin > 7)
		*nwin = 7;
	if (*nwin < 2)
		*nwin = 2;
	*spark_w = w - 22 - 16 - 8 - *nwin * 6;
	if (*spark_w > 48)
		*spark_w = 48;
}

/* The column header. */
static void
slo_header(struct app *a, int y, int x, int w)
{
	unsigned long	dim = theme_attr(SLOT_DIM);
	int		nwin, spark_w, k;

	(void)a;
	slo_columns(w, &nwin, &spark_w);
	draw_cell(stdscr, y, x, w, "", dim);
	draw_cell(stdscr, y, x, 22, "SLO", dim);
	draw_cell(stdscr, y, x + 22, 16, "BUDGET LEFT", dim);
	for (k = 0; k < nwin; k++)
		draw_cell(stdscr, y, x + 38 + k * 6, 6,
		    vocab_window_word((enum slo_window)slo_windows[k]), dim);
	draw_cell(stdscr, y, x + 38 + nwin * 6, 8, "VERDICT", dim);
	if (spark_w > 4)
		draw_text(stdscr, y, x + 46 + nwin * 6, spark_w, "24h burn",
		    dim);
}

/* One SLO. */
static void
slo_row(struct app *a, size_t i, int y, int x, int w, unsigned long at)
{
	const struct view_slo	*s = &a->views->slos[i];
	char			 cell[64], pct[32];
	int			 nwin, spark_w, k;

	slo_columns(w, &nwin, &spark_w);
	draw_cell(stdscr, y, x, 22, s->name, at);
	draw_bar(stdscr, y, x + 22, 7, s->budget_remaining,
	    theme_attr(draw_tone_slot(vocab_budget_tone(s))),
	    theme_attr(SLOT_DIM));
	/* Right-aligned in 8 columns: "-453.6%" is never cut. */
	vocab_percent(s->budget_remaining, pct, sizeof pct);
	snprintf(cell, sizeof cell, "%7s ", pct);
	draw_cell(stdscr, y, x + 29, 9, cell, at);
	for (k = 0; k < nwin; k++) {
		vocab_burn(s->burn[slo_windows[k]], cell, sizeof cell);
		draw_cell(stdscr, y, x + 38 + k * 6, 6, cell, at);
	}
	draw_cell(stdscr, y, x + 38 + nwin * 6, 8,
	    vocab_verdict_word(s->verdict), at != 0 ? at :
	    theme_attr(draw_tone_slot(vocab_verdict_tone(s->verdict))) | A_BOLD);
	if (spark_w > 4)
		draw_spark(stdscr, y, x + 46 + nwin * 6, spark_w, s->spark,
		    s->nspark, 0, theme_attr(SLOT_ACCENT));
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

/* The first sparkline point at or after t. */
static size_t
slo_spark_at(const struct view_slo *s, int64_t t)
{
	size_t	idx;

	for (idx = 0; idx < s->nspark && s->spark_ts[idx] < t; idx++)
		;
	return idx;
}

/*
 * Mark rollouts under the sparkline ("^r7" at the column of the first
 * point after the rollout) and say when a burn above 1x began after each,
 * so "burn began 12 min after revision 7" is visible at a glance.
 */
static void
slo_marks(struct mode *m, const struct view_slo *s,
    const struct slo_mark *mk, size_t n)
{
	struct buf	 axis;
	char		 d[32], when[40], label[32];
	size_t		 i, k, start, width, idx, col, len;
	int		 before_ok;

	width = COLS > 20 ? (size_t)COLS - 16 : 4;
	start = s->nspark > width ? s->nspark - width : 0;
	buf_init(&axis, 0);
	buf_puts(&axis, "            ");
	for (i = 0; i < n; i++) {
		idx = slo_spark_at(s, mk[i].at);
		if (idx >= s->nspark || idx < start)
			continue;
		col = 12 + (idx - start);
		snprintf(label, sizeof label, "^r%lld ", (long long)mk[i].rev);
		/* Near the right edge the label goes left of its caret. */
		if (col + strlen(label) > 12 + width) {
			snprintf(label, sizeof label, "r%lld^",
			    (long long)mk[i].rev);
			if (col + 1 < strlen(label))
				continue;
			col = col + 1 - strlen(label);
		}
		len = strlen(buf_str(&axis));
		while (len < col) {
			buf_puts(&axis, " ");
			len++;
		}
		if (len > col)
			continue;	/* overlaps the previous label */
		buf_puts(&axis, label);
	}
	mode_page_add(m, SLOT_ACCENT, "%s", buf_str(&axis));
	buf_done(&axis);
	for (i = 0; i < n; i++) {
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

/* The rollouts of the SLO's service within its sparkline, on the page. */
static void
slo_rollouts(struct app *a, struct mode *m, const struct view_slo *s)
{
	struct view_deployment	*d;
	struct slo_mark		 marks[SLO_MAX_MARKS];
	size_t			 i, j, k, n = 0;
	char			*cause = NULL;
	int64_t			 t0, t1;

	if (s->nspark == 0)
		return;
	t0 = s->spark_ts[0];
	t1 = s->spark_ts[s->nspark - 1];
	for (i = 0; i < a->views->nservices; i++) {
		const struct view_service *svc = &a->views->services[i];

		if (strcmp(svc->name, s->service) != 0)
			continue;
		for (j = 0; j < svc->ndeployments; j++) {
			if (strchr(svc->deployments[j], '/') == NULL)
				continue;
			d = views_deployment_read(a->cache, a->views->context,
			    svc->deployments[j], VD_ROLLOUTS, t0 - 15 * 60000,
			    t1, &cause);
			if (d == NULL) {
				mode_page_add(m, SLOT_WARN, "rollouts of %s: %s",
				    svc->deployments[j], cause);
				free(cause);
				cause = NULL;
				continue;
			}
			for (k = 0; k < d->nrollouts && n < SLO_MAX_MARKS;
			    k++) {
				marks[n].rev = d->rollouts[k].revision;
				marks[n].at = d->rollouts[k].created_ms;
				snprintf(marks[n].name, sizeof marks[n].name,
				    "%s", d->name);
				n++;
			}
			views_deployment_free(d);
		}
	}
	if (n == 0)
		mode_page_add(m, SLOT_DIM, "rollouts: none in these 24 h");
	else
		slo_marks(m, s, marks, n);
}

/* The detail page of the selected SLO. */
static struct mode *
slo_open(struct app *a, int panel)
{
	const struct view_slo	*s;
	struct mode		*m;
	char			 d[32], b[32], pct[32], *title;
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
		mode_page_add(m, SLOT_NORMAL, "%-8s %-13s %s",
		    vocab_window_word((enum slo_window)w), pct,
		    vocab_burn(s->burn[w], b, sizeof b));
	}
	mode_page_add(m, SLOT_TITLE, "1h burn rate, last 24 h (15 min steps)");
	mode_page_spark(m, "24h", s->spark, s->nspark);
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
	.header = slo_header,
	.row = slo_row,
	.summary = slo_summary,
	.open = slo_open,
};
