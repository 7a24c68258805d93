/*
 * app.c: the interactive console.
 *
 * One event loop carries everything: the terminal (stdin is one more fd),
 * the sources (curl's sockets), signals (SIGWINCH, SIGTERM, SIGHUP, SIGINT)
 * and a one-second tick for the clock and data ages.  Key handlers only
 * change state and mark the screen dirty; the loop's before-sleep hook
 * stores finished rounds, rebuilds the views when the data changed (never
 * per frame), and paints once.  Painting redraws into curses' virtual
 * screen and lets doupdate() send only what differs, so an idle console
 * writes almost nothing to the terminal.
 */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <sqlite3.h>

#include "backends/backend.h"
#include "backends/http.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "base/buf.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "core/views.h"
#include "base/xmalloc.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/theme.h"
#include "tui/tui.h"

#define NPANELS		4
#define P_HEALTH	0
#define P_SLO		1
#define P_INCIDENTS	2
#define P_RUNBOOK	3

#define APP_REBUILD_MS	5000	/* re-judge staleness without new data */
#define APP_MSG_MS	6000

static const char *const app_panel_names[NPANELS] = {
	"health", "slo", "incidents", "runbook"
};
static const char *const app_panel_titles[NPANELS] = {
	"1 Health", "2 SLO burn", "3 Incidents", "4 Runbook"
};

/* One line of a detail or help view. */
struct dline {
	char		*text;
	enum theme_slot	 slot;
	const double	*spark;		/* a sparkline line, borrowed */
	size_t		 nspark;
};

struct panel {
	size_t		 sel;
	size_t		 top;
	char		*filter;
	size_t		*rows;		/* indexes into the views' array */
	size_t		 nrows;
	char		*sel_key;	/* identity kept across reloads */
	int		 height;	/* rows visible at the last paint */
};

enum app_mode {
	MODE_MAIN,
	MODE_DETAIL,
	MODE_HELP
};

struct app {
	const struct tui_opts		*opts;
	struct conf			*conf;
	const struct conf_context	*ctx;
	struct conf_context		 demo_ctx;
	struct runtime			*rt;
	struct loop			*loop;
	struct http			*http;
	struct cache			*cache;
	struct poller			*poller;
	struct views			*views;
	struct keymap			*km;
	struct theme			*theme;
	int				 utf8;
	int				 no_color;
	int				 focus;
	struct panel			 p[NPANELS];
	enum app_mode			 mode;
	struct dline			*lines;
	size_t				 nlines;
	size_t				 dtop;
	char				*dtitle;
	int				 input;		/* 0, '/', ':' */
	wchar_t				 ibuf[256];
	size_t				 ilen;
	char				*msg;
	int64_t				 msg_until;
	int				 dirty;
	int				 data_dirty;
	int				 resized;
	int64_t				 last_build;
	int64_t				 build_ms;	/* cost of the last */
	int				 quit;
	int				 ctrlc_armed;
	char				*ns;
	struct loop_fd			*stdin_w;
	struct loop_timer		*tick;
	int				 curses_on;
	int				 exit_code;
};

static struct app	*app_current;	/* for the atexit terminal restore */

static void	app_set_message(struct app *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------ */
/* Panels: rows from the views                                         */
/* ------------------------------------------------------------------ */

/* Panel index by name, or -1. */
int
tui_panel_parse(const char *s)
{
	int	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < NPANELS; i++) {
		if (strcasecmp(s, app_panel_names[i]) == 0)
			return i;
	}
	if (strcasecmp(s, "burn") == 0 || strcasecmp(s, "slos") == 0)
		return P_SLO;
	if (strcasecmp(s, "alerts") == 0)
		return P_INCIDENTS;
	return -1;
}

/* Case-insensitive substring (ASCII folding; UTF-8 passes through). */
static int
app_contains(const char *hay, const char *needle)
{
	size_t	n = strlen(needle), i;

	if (n == 0)
		return 1;
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++) {
			if (tolower((unsigned char)hay[i]) !=
			    tolower((unsigned char)needle[i]))
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

/* The text a row is filtered on, and its identity. */
static char *
app_row_text(struct app *a, int panel, size_t i, char **key)
{
	struct views	*v = a->views;
	struct buf	 b;
	size_t		 j;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	switch (panel) {
	case P_HEALTH:
		*key = xstrdup(v->services[i].name);
		buf_printf(&b, "%s %s", v->services[i].name,
		    view_status_name(v->services[i].status));
		for (j = 0; j < v->services[i].nreasons; j++)
			buf_printf(&b, " %s", v->services[i].reasons[j]);
		break;
	case P_SLO:
		*key = xstrdup(v->slos[i].name);
		buf_printf(&b, "%s %s %s", v->slos[i].name,
		    v->slos[i].service, slo_verdict_name(v->slos[i].verdict));
		break;
	case P_INCIDENTS:
		*key = xstrdup(v->incidents[i].id);
		buf_printf(&b, "%s %s %s %s", v->incidents[i].title,
		    view_severity_name(v->incidents[i].severity),
		    v->incidents[i].key, v->incidents[i].summary != NULL ?
		    v->incidents[i].summary : "");
		break;
	default:
		*key = NULL;
		break;
	}
	return buf_detach(&b);
}

/* Whether a row is in the :ns namespace. */
static int
app_row_in_ns(struct app *a, int panel, size_t i)
{
	struct views	*v = a->views;
	size_t		 j, n;
	char		*want;
	int		 hit = 0;

	if (a->ns == NULL)
		return 1;
	if (panel == P_HEALTH) {
		n = strlen(a->ns);
		for (j = 0; j < v->services[i].ndeployments; j++) {
			if (strncmp(v->services[i].deployments[j], a->ns, n) ==
			    0 && v->services[i].deployments[j][n] == '/')
				hit = 1;
		}
		return hit;
	}
	if (panel == P_INCIDENTS) {
		want = xasprintf("namespace=%s", a->ns);
		hit = strstr(v->incidents[i].key, want) != NULL;
		free(want);
		return hit;
	}
	return 1;
}

/* Rebuild a panel's visible rows: filter, namespace, kept selection. */
static void
app_panel_rows(struct app *a, int panel)
{
	struct panel	*p = &a->p[panel];
	size_t		 n = 0, i;
	char		*text, *key;

	free(p->rows);
	p->rows = NULL;
	p->nrows = 0;
	if (a->views == NULL)
		return;
	switch (panel) {
	case P_HEALTH:
		n = a->views->nservices;
		break;
	case P_SLO:
		n = a->views->nslos;
		break;
	case P_INCIDENTS:
		n = a->views->nincidents;
		break;
	default:
		return;
	}
	p->rows = xcalloc(n + 1, sizeof *p->rows);
	for (i = 0; i < n; i++) {
		text = app_row_text(a, panel, i, &key);
		if (app_row_in_ns(a, panel, i) &&
		    (p->filter == NULL || app_contains(text, p->filter))) {
			if (p->sel_key != NULL && key != NULL &&
			    strcmp(key, p->sel_key) == 0)
				p->sel = p->nrows;
			p->rows[p->nrows++] = i;
		}
		free(text);
		free(key);
	}
	if (p->sel >= p->nrows)
		p->sel = p->nrows > 0 ? p->nrows - 1 : 0;
}

/* Remember what is selected, so a reload keeps it. */
static void
app_panel_keep(struct app *a, int panel)
{
	struct panel	*p = &a->p[panel];
	char		*text, *key = NULL;

	if (p->nrows == 0 || a->views == NULL)
		return;
	text = app_row_text(a, panel, p->rows[p->sel], &key);
	free(text);
	free(p->sel_key);
	p->sel_key = key;
}

/* Read the cache into fresh views. */
static void
app_rebuild(struct app *a)
{
	struct views	*v;
	char		*cause = NULL;
	int		 i;
	int64_t		 t0;

	t0 = util_mono_ms();
	for (i = 0; i < NPANELS; i++)
		app_panel_keep(a, i);
	v = views_build(a->cache, a->conf, a->ctx, util_now_ms(), &cause);
	if (v == NULL) {
		app_set_message(a, "cannot read the cache: %s; showing the "
		    "last views ('sitrep cache info' checks the file)", cause);
		free(cause);
		return;
	}
	views_free(a->views);
	a->views = v;
	for (i = 0; i < NPANELS; i++)
		app_panel_rows(a, i);
	a->build_ms = util_mono_ms() - t0;
	a->last_build = loop_now_ms(a->loop);
	a->data_dirty = 0;
	a->dirty = 1;
}

/* The selected incident, or NULL. */
static const struct view_incident *
app_selected_incident(struct app *a)
{
	struct panel	*p = &a->p[P_INCIDENTS];

	if (a->views == NULL || p->nrows == 0)
		return NULL;
	return &a->views->incidents[p->rows[p->sel]];
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

/* Show a message in the footer for a few seconds. */
static void
app_set_message(struct app *a, const char *fmt, ...)
{
	va_list		ap;

	free(a->msg);
	va_start(ap, fmt);
	a->msg = xvasprintf(fmt, ap);
	va_end(ap);
	a->msg_until = loop_now_ms(a->loop) + APP_MSG_MS;
	a->dirty = 1;
}

/* ------------------------------------------------------------------ */
/* Painting                                                            */
/* ------------------------------------------------------------------ */

/* The slot of a status. */
static enum theme_slot
app_status_slot(enum view_status s)
{
	switch (s) {
	case VIEW_OK:
		return SLOT_OK;
	case VIEW_WARNING:
		return SLOT_WARN;
	case VIEW_CRITICAL:
		return SLOT_CRIT;
	default:
		return SLOT_UNKNOWN;
	}
}

/* The slot of a severity. */
static enum theme_slot
app_severity_slot(enum view_severity s)
{
	if (s >= SEV_ERROR)
		return SLOT_CRIT;
	if (s == SEV_WARNING)
		return SLOT_WARN;
	return SLOT_NORMAL;
}

/* The slot of a verdict. */
static enum theme_slot
app_verdict_slot(enum slo_verdict v)
{
	switch (v) {
	case SLO_PAGE:
		return SLOT_CRIT;
	case SLO_TICKET:
		return SLOT_WARN;
	case SLO_OK:
		return SLOT_OK;
	default:
		return SLOT_UNKNOWN;
	}
}

/* The header: context, status, clock, source ages. */
static void
app_draw_header(struct app *a, const struct layout_rect *r)
{
	struct views	*v = a->views;
	char		 buf[128], age[32];
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 x = 0, w = r->w;
	size_t		 i;
	int64_t		 refresh = a->ctx != NULL ? a->ctx->refresh_ms : 15000;
	int64_t		 nowms = util_now_ms(), ag;
	unsigned long	 hdr = theme_attr(SLOT_HEADER);

	wattr_on(stdscr, (attr_t)hdr, NULL);
	mvhline(r->y, 0, ' ', w);
	wattr_off(stdscr, (attr_t)hdr, NULL);
	x += draw_text(stdscr, r->y, x, w - x, " sitrep ", hdr | A_BOLD);
	snprintf(buf, sizeof buf, " %s ", v != NULL ? v->context : "?");
	x += draw_text(stdscr, r->y, x, w - x, buf, hdr);
	if (v != NULL) {
		snprintf(buf, sizeof buf, " %s %s ",
		    view_status_symbol(v->status, a->utf8),
		    view_status_name(v->status));
		x += draw_text(stdscr, r->y, x, w - x, buf,
		    theme_attr(app_status_slot(v->status)) | A_BOLD |
		    A_REVERSE);
	}
	localtime_r(&now, &tm);
	strftime(buf, sizeof buf, " %H:%M:%S ", &tm);
	x += draw_text(stdscr, r->y, x, w - x, buf, hdr);
	if (a->ns != NULL) {
		snprintf(buf, sizeof buf, " ns:%s ", a->ns);
		x += draw_text(stdscr, r->y, x, w - x, buf, hdr);
	}
	for (i = 0; v != NULL && i < v->nsources && x < w; i++) {
		const struct view_source	*s = &v->sources[i];
		int				 stale;

		ag = s->last_success_ms > 0 ? nowms - s->last_success_ms : -1;
		stale = ag < 0 || ag > 3 * refresh;
		if (ag < 0)
			snprintf(buf, sizeof buf, " %s %s ", s->name,
			    s->error != NULL ? "FAILED" : "loading");
		else
			snprintf(buf, sizeof buf, " %s%s %s%s ", s->name,
			    stale ? " STALE" : "",
			    util_format_duration(ag < 0 ? 0 : ag, age,
			    sizeof age), s->error != NULL ? " FAILED" : "");
		x += draw_text(stdscr, r->y, x, w - x, buf,
		    (stale || s->error != NULL) ? (theme_attr(SLOT_STALE) |
		    A_BOLD) : hdr);
	}
}

/* What a panel's source is doing, when it has nothing yet or failed. */
static const struct view_source *
app_panel_source(struct app *a, int panel)
{
	static const char *const src[NPANELS][3] = {
		{ "kubernetes", "prometheus", "probes" },
		{ "prometheus", NULL, NULL },
		{ "alertmanager", NULL, NULL },
		{ "alertmanager", NULL, NULL },
	};
	const struct view_source	*s;
	int				 i;

	if (a->views == NULL)
		return NULL;
	for (i = 0; i < 3 && src[panel][i] != NULL; i++) {
		s = views_source(a->views, src[panel][i]);
		if (s != NULL && (s->never || s->error != NULL))
			return s;
	}
	return NULL;
}

/* A line saying the panel's source is loading or failed. */
static int
app_draw_source_note(struct app *a, int panel, int y, int x, int w,
    int has_rows)
{
	const struct view_source	*s = app_panel_source(a, panel);
	char				*line, age[32];

	if (s == NULL)
		return 0;
	if (s->never && s->error == NULL)
		line = xasprintf("loading %s%s", s->name, draw_ellipsis());
	else if (s->never)
		line = xasprintf("%s failed: %s", s->name, s->error);
	else
		line = xasprintf("%s failed: %s (showing data from %s ago)",
		    s->name, s->error, util_format_duration(s->age_ms, age,
		    sizeof age));
	draw_text(stdscr, y, x, w, line, theme_attr(has_rows || s->never ?
	    SLOT_STALE : SLOT_CRIT));
	free(line);
	return 1;
}

/* Scroll so the selection is visible in h rows. */
static void
app_panel_scroll(struct panel *p, int h)
{
	if (h <= 0)
		return;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)h)
		p->top = p->sel - (size_t)h + 1;
	if (p->top + (size_t)h > p->nrows)
		p->top = p->nrows > (size_t)h ? p->nrows - (size_t)h : 0;
}

/*
 * A row of a table panel: the item at index i of the views, at y, x in w
 * columns; at is the selection's attribute (0 when not selected).
 */
typedef void	(*app_row_fn)(struct app *, size_t i, int y, int x, int w,
		    unsigned long at);
/* A table panel's header line at y, x in w columns. */
typedef void	(*app_header_fn)(struct app *, int y, int x, int w);

/*
 * The one list of the table panels: a header line, then the rows that
 * fit, scrolled to keep the selection visible, the selection highlighted
 * across the width; below them, or instead of them, what the panel's
 * source is doing (loading, failed), or why the list is empty.
 */
static void
app_draw_list(struct app *a, int panel, int y, int x, int h, int w,
    int focused, app_header_fn header, app_row_fn row_fn, const char *empty,
    const char *filtered)
{
	struct panel	*p = &a->p[panel];
	unsigned long	 at;
	size_t		 idx;
	int		 row;

	header(a, y, x, w);
	y++;
	h--;
	app_panel_scroll(p, h);
	p->height = h;
	for (row = 0; row < h && p->top + (size_t)row < p->nrows; row++) {
		idx = p->top + (size_t)row;
		at = focused && idx == p->sel ? theme_attr(SLOT_SELECTED) : 0;
		if (at != 0)
			draw_cell(stdscr, y + row, x, w, "", at);
		row_fn(a, p->rows[idx], y + row, x, w, at);
	}
	if (p->nrows == 0 && !app_draw_source_note(a, panel, y, x, w, 0))
		draw_text(stdscr, y, x, w, p->filter != NULL ? filtered : empty,
		    theme_attr(SLOT_DIM));
	else if (p->nrows > 0 && row < h)
		app_draw_source_note(a, panel, y + row, x, w, 1);
}

/* The health header. */
static void
app_health_header(struct app *a, int y, int x, int w)
{
	(void)a;
	draw_cell(stdscr, y, x, w, "STATUS      SERVICE              READY  "
	    "REASONS", theme_attr(SLOT_DIM));
}

/* One service. */
static void
app_health_row(struct app *a, size_t i, int y, int x, int w,
    unsigned long at)
{
	const struct view_service	*s = &a->views->services[i];
	struct buf			 reasons;
	char				 cell[32];
	size_t				 j;

	snprintf(cell, sizeof cell, "%s %s", view_status_symbol(s->status,
	    a->utf8), view_status_name(s->status));
	draw_cell(stdscr, y, x, 12, cell, at != 0 ? at :
	    theme_attr(app_status_slot(s->status)));
	draw_cell(stdscr, y, x + 12, 21, s->name, at);
	if (s->desired >= 0)
		snprintf(cell, sizeof cell, "%d/%d", s->ready, s->desired);
	else
		snprintf(cell, sizeof cell, "-");
	draw_cell(stdscr, y, x + 33, 7, cell, at);
	buf_init(&reasons, 0);
	buf_append(&reasons, "", 0);
	for (j = 0; j < s->nreasons; j++)
		buf_printf(&reasons, "%s%s", j > 0 ? "; " : "", s->reasons[j]);
	draw_cell(stdscr, y, x + 40, w - 40, buf_str(&reasons), at);
	buf_done(&reasons);
}

/* Format a burn rate in 5 columns. */
static void
app_fmt_burn(double b, char *out, size_t len)
{
	if (isnan(b))
		snprintf(out, len, "-");
	else if (b >= 100)
		snprintf(out, len, "%.0f", b);
	else
		snprintf(out, len, "%.1f", b);
}

/* The burn windows shown, most telling first. */
static const int app_slo_windows[] = { SLO_5M, SLO_1H, SLO_6H, SLO_1D,
    SLO_30M, SLO_2H, SLO_3D };

/*
 * The SLO columns for a width: name 22, budget 16, verdict 8, then as many
 * windows of 6 as fit (2 to 7) and a sparkline of up to 48.
 */
static void
app_slo_columns(int w, int *nwin, int *spark_w)
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

/* The SLO header. */
static void
app_slo_header(struct app *a, int y, int x, int w)
{
	unsigned long	dim = theme_attr(SLOT_DIM);
	int		nwin, spark_w, k;

	(void)a;
	app_slo_columns(w, &nwin, &spark_w);
	draw_cell(stdscr, y, x, w, "", dim);
	draw_cell(stdscr, y, x, 22, "SLO", dim);
	draw_cell(stdscr, y, x + 22, 16, "BUDGET LEFT", dim);
	for (k = 0; k < nwin; k++)
		draw_cell(stdscr, y, x + 38 + k * 6, 6,
		    slo_window_name((enum slo_window)app_slo_windows[k]), dim);
	draw_cell(stdscr, y, x + 38 + nwin * 6, 8, "VERDICT", dim);
	if (spark_w > 4)
		draw_text(stdscr, y, x + 46 + nwin * 6, spark_w, "24h burn",
		    dim);
}

/* One SLO. */
static void
app_slo_row(struct app *a, size_t i, int y, int x, int w, unsigned long at)
{
	const struct view_slo	*s = &a->views->slos[i];
	char			 cell[64];
	int			 nwin, spark_w, k;

	app_slo_columns(w, &nwin, &spark_w);
	draw_cell(stdscr, y, x, 22, s->name, at);
	draw_bar(stdscr, y, x + 22, 10, s->budget_remaining,
	    theme_attr(s->budget_critical ? SLOT_CRIT : s->budget_warning ?
	    SLOT_WARN : SLOT_OK), theme_attr(SLOT_DIM));
	if (isnan(s->budget_remaining))
		snprintf(cell, sizeof cell, "  -  ");
	else
		snprintf(cell, sizeof cell, "%4.0f%%",
		    s->budget_remaining * 100);
	draw_cell(stdscr, y, x + 32, 6, cell, at);
	for (k = 0; k < nwin; k++) {
		app_fmt_burn(s->burn[app_slo_windows[k]], cell, sizeof cell);
		draw_cell(stdscr, y, x + 38 + k * 6, 6, cell, at);
	}
	draw_cell(stdscr, y, x + 38 + nwin * 6, 8,
	    slo_verdict_name(s->verdict), at != 0 ? at :
	    theme_attr(app_verdict_slot(s->verdict)) | A_BOLD);
	if (spark_w > 4)
		draw_spark(stdscr, y, x + 46 + nwin * 6, spark_w, s->spark,
		    s->nspark, 0, theme_attr(SLOT_ACCENT));
}

/* The incidents header. */
static void
app_incident_header(struct app *a, int y, int x, int w)
{
	(void)a;
	draw_cell(stdscr, y, x, w, "SEVERITY  AGE    ALERTS  TITLE",
	    theme_attr(SLOT_DIM));
}

/* One incident. */
static void
app_incident_row(struct app *a, size_t i, int y, int x, int w,
    unsigned long at)
{
	const struct view_incident	*inc = &a->views->incidents[i];
	char				 cell[64], age[32];
	unsigned long			 dim = at != 0 ? at :
	    theme_attr(SLOT_DIM);

	draw_cell(stdscr, y, x, 10, view_severity_name(inc->severity),
	    at != 0 ? at : theme_attr(app_severity_slot(inc->severity)) |
	    A_BOLD);
	draw_cell(stdscr, y, x + 10, 7, util_format_duration(
	    inc->started_ms > 0 ? util_now_ms() - inc->started_ms : 0, age,
	    sizeof age), at);
	snprintf(cell, sizeof cell, "%zu", inc->nalerts);
	draw_cell(stdscr, y, x + 17, 8, cell, at);
	if (inc->silenced || inc->inhibited) {
		snprintf(cell, sizeof cell, "[%s] ", inc->silenced ?
		    "silenced" : "inhibited");
		draw_cell(stdscr, y, x + 25, 12, cell, dim);
		draw_cell(stdscr, y, x + 37, w - 37, inc->title, dim);
	} else
		draw_cell(stdscr, y, x + 25, w - 25, inc->title, at);
}

/* Draw the runbook of the selected incident. */
static void
app_draw_runbook(struct app *a, int y, int x, int h, int w)
{
	const struct view_incident	*inc = app_selected_incident(a);
	char				*line, when[40];
	int				 row = 0;
	size_t				 i;

	if (inc == NULL) {
		if (!app_draw_source_note(a, P_RUNBOOK, y, x, w, 0))
			draw_text(stdscr, y, x, w, "no incident selected; "
			    "firing incidents list in panel 3",
			    theme_attr(SLOT_DIM));
		return;
	}
	draw_text(stdscr, y + row++, x, w, inc->title,
	    theme_attr(SLOT_TITLE));
	line = xasprintf("%s, %zu alert%s, since %s%s", view_severity_name(
	    inc->severity), inc->nalerts, inc->nalerts == 1 ? "" : "s",
	    util_format_rfc3339(inc->started_ms, when, sizeof when),
	    inc->silenced ? ", silenced" : "");
	if (row < h)
		draw_text(stdscr, y + row++, x, w, line,
		    theme_attr(app_severity_slot(inc->severity)));
	free(line);
	if (row < h) {
		line = xasprintf("runbook: %s", inc->runbook_url != NULL ?
		    inc->runbook_url : "(none in the alert's annotations)");
		draw_text(stdscr, y + row++, x, w, line, inc->runbook_url ?
		    theme_attr(SLOT_ACCENT) : theme_attr(SLOT_DIM));
		free(line);
	}
	if (row < h && inc->summary != NULL) {
		line = xasprintf("summary: %s", inc->summary);
		draw_text(stdscr, y + row++, x, w, line, 0);
		free(line);
	}
	for (i = 0; i < inc->nservices && row < h; i++) {
		line = xasprintf("service: %s", inc->services[i]);
		draw_text(stdscr, y + row++, x, w, line, 0);
		free(line);
	}
	for (i = 0; i < inc->nalerts && row < h; i++) {
		const struct view_alert *al = &a->views->alerts[inc->alerts[i]];

		line = xasprintf("  %s %s %s", al->alertname,
		    al->severity_label != NULL ? al->severity_label : "",
		    al->summary != NULL ? al->summary : "");
		draw_text(stdscr, y + row++, x, w, line, theme_attr(SLOT_DIM));
		free(line);
	}
}

/* A collapsed panel's one-line summary. */
static char *
app_panel_summary(struct app *a, int panel)
{
	struct views	*v = a->views;
	struct panel	*p = &a->p[panel];
	size_t		 i, k, bad = 0, pages = 0, tickets = 0, alerts = 0;
	size_t		 total;
	char		 shown[48];

	if (v == NULL)
		return xstrdup("");
	/* Counts are of what is shown; "2 of 5" when a filter hides some. */
	total = panel == P_HEALTH ? v->nservices : panel == P_SLO ? v->nslos :
	    v->nincidents;
	if (panel != P_RUNBOOK && p->nrows != total)
		snprintf(shown, sizeof shown, "%zu of ", p->nrows);
	else
		shown[0] = '\0';
	switch (panel) {
	case P_HEALTH:
		for (k = 0; k < p->nrows; k++)
			bad += v->services[p->rows[k]].status != VIEW_OK;
		return xasprintf("%s%zu services, %zu not OK", shown,
		    v->nservices, bad);
	case P_SLO:
		for (k = 0; k < p->nrows; k++) {
			pages += v->slos[p->rows[k]].verdict == SLO_PAGE;
			tickets += v->slos[p->rows[k]].verdict == SLO_TICKET;
		}
		return xasprintf("%s%zu SLOs, %zu page, %zu ticket", shown,
		    v->nslos, pages, tickets);
	case P_INCIDENTS:
		for (k = 0; k < p->nrows; k++) {
			i = p->rows[k];
			bad += !v->incidents[i].silenced &&
			    !v->incidents[i].inhibited;
			alerts += v->incidents[i].nalerts;
		}
		return xasprintf("%s%zu incidents, %zu unsilenced, %zu alerts",
		    shown, v->nincidents, bad, alerts);
	default:
		return xstrdup(app_selected_incident(a) != NULL ?
		    app_selected_incident(a)->title : "no incident selected");
	}
}

/* Draw one panel in its rectangle. */
static void
app_draw_panel(struct app *a, int panel, const struct layout_rect *r,
    int collapsed)
{
	int		 focused = panel == a->focus;
	unsigned long	 border = theme_attr(focused ? SLOT_ACCENT :
	    SLOT_BORDER);
	char		*title, *sum;
	int		 i;

	if (r->h <= 0)
		return;
	sum = app_panel_summary(a, panel);
	if (a->p[panel].filter != NULL)
		title = xasprintf("%s  /%s  %s", app_panel_titles[panel],
		    a->p[panel].filter, sum);
	else
		title = xasprintf("%s  %s", app_panel_titles[panel], sum);
	free(sum);
	if (collapsed || r->h < 3) {
		draw_hline(stdscr, r->y, r->x, r->w, border);
		mvwaddch(stdscr, r->y, r->x + 1, ' ');
		i = draw_text(stdscr, r->y, r->x + 2, r->w - 5, title,
		    theme_attr(SLOT_TITLE));
		mvwaddch(stdscr, r->y, r->x + 2 + i, ' ');
		free(title);
		return;
	}
	draw_box(stdscr, r->y, r->x, r->h, r->w, title, border,
	    theme_attr(SLOT_TITLE) | (focused ? A_BOLD : 0));
	free(title);
	switch (panel) {
	case P_HEALTH:
		app_draw_list(a, panel, r->y + 1, r->x + 1, r->h - 2, r->w - 2,
		    focused, app_health_header, app_health_row, "no services",
		    "no service matches the filter");
		break;
	case P_SLO:
		app_draw_list(a, panel, r->y + 1, r->x + 1, r->h - 2, r->w - 2,
		    focused, app_slo_header, app_slo_row, "no SLOs configured",
		    "no SLO matches the filter");
		break;
	case P_INCIDENTS:
		app_draw_list(a, panel, r->y + 1, r->x + 1, r->h - 2, r->w - 2,
		    focused, app_incident_header, app_incident_row,
		    "no firing alerts", "no incident matches the filter");
		break;
	default:
		app_draw_runbook(a, r->y + 1, r->x + 1, r->h - 2, r->w - 2);
		break;
	}
}

/* The footer: input line, message, or the keys that matter here. */
static void
app_draw_footer(struct app *a, const struct layout_rect *r)
{
	static const enum key_action	 main_keys[] = { ACT_DOWN, ACT_OPEN,
	    ACT_FILTER, ACT_NEXT_PANEL, ACT_COMMAND, ACT_REFRESH, ACT_HELP,
	    ACT_QUIT };
	static const char *const	 main_words[] = { "move", "detail",
	    "filter", "panel", "command", "refresh", "help", "quit" };
	struct buf			 b;
	char				 keys[64], mb[1024];
	size_t				 i;

	mvhline(r->y, 0, ' ', r->w);
	/* An armed Ctrl-C's question shows over the input line. */
	if (a->input != 0 && !a->ctrlc_armed) {
		if (wcstombs(mb, a->ibuf, sizeof mb) == (size_t)-1)
			mb[0] = '\0';
		buf_init(&b, 0);
		buf_printf(&b, "%c%s", a->input, mb);
		draw_text(stdscr, r->y, 0, r->w - 1, buf_str(&b),
		    theme_attr(SLOT_ACCENT));
		move(r->y, draw_width(buf_str(&b)) < r->w - 1 ?
		    draw_width(buf_str(&b)) : r->w - 1);
		buf_done(&b);
		return;
	}
	if (a->msg != NULL && loop_now_ms(a->loop) < a->msg_until) {
		draw_text(stdscr, r->y, 0, r->w, a->msg, theme_attr(SLOT_WARN));
		return;
	}
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	if (a->mode != MODE_MAIN)
		buf_printf(&b, "%s back  %s scroll  %s quit",
		    keymap_keys_of(a->km, ACT_BACK, keys, sizeof keys),
		    "j/k", "q");
	else {
		for (i = 0; i < sizeof main_keys / sizeof main_keys[0]; i++) {
			keymap_keys_of(a->km, main_keys[i], keys, sizeof keys);
			if (strchr(keys, ',') != NULL)
				*strchr(keys, ',') = '\0';
			if (main_keys[i] == ACT_DOWN) {
				char	up[64];
				size_t	kl = strlen(keys);

				keymap_keys_of(a->km, ACT_UP, up, sizeof up);
				if (strchr(up, ',') != NULL)
					*strchr(up, ',') = '\0';
				if (kl + 1 + strlen(up) < sizeof keys) {
					keys[kl] = '/';
					memcpy(keys + kl + 1, up, strlen(up) + 1);
				}
			}
			buf_printf(&b, "%s%s %s", i > 0 ? "  " : " ", keys,
			    main_words[i]);
		}
	}
	draw_text(stdscr, r->y, 0, r->w, buf_str(&b), theme_attr(SLOT_DIM));
	buf_done(&b);
}

/* A detail or help view over the whole body. */
static void
app_draw_lines(struct app *a, const struct layout *l)
{
	int	y0 = 1, h = LINES - 2, w = COLS, row;
	size_t	i;

	draw_box(stdscr, y0, 0, h, w, a->dtitle, theme_attr(SLOT_ACCENT),
	    theme_attr(SLOT_TITLE) | A_BOLD);
	h -= 2;
	if (a->nlines > (size_t)h && a->dtop > a->nlines - (size_t)h)
		a->dtop = a->nlines - (size_t)h;
	if (a->nlines <= (size_t)h)
		a->dtop = 0;
	for (row = 0; row < h; row++) {
		i = a->dtop + (size_t)row;
		if (i >= a->nlines)
			break;
		if (a->lines[i].spark != NULL) {
			draw_text(stdscr, y0 + 1 + row, 2, 12, a->lines[i].text,
			    theme_attr(SLOT_DIM));
			draw_spark(stdscr, y0 + 1 + row, 14, w - 16,
			    a->lines[i].spark, a->lines[i].nspark, 0,
			    theme_attr(SLOT_ACCENT));
		} else
			draw_text(stdscr, y0 + 1 + row, 2, w - 4,
			    a->lines[i].text, theme_attr(a->lines[i].slot));
	}
	(void)l;
}

/* Paint the whole screen into curses' buffer and send the difference. */
static void
app_paint(struct app *a)
{
	struct layout	l;
	int		i;
	char		msg[64];

	layout_compute(&l, LINES, COLS, a->focus);
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
	if (a->mode == MODE_MAIN) {
		for (i = 0; i < NPANELS; i++)
			app_draw_panel(a, i, &l.panel[i], l.collapsed[i]);
	} else
		app_draw_lines(a, &l);
	app_draw_footer(a, &l.footer);
	curs_set(a->input != 0 ? 1 : 0);
	wnoutrefresh(stdscr);
	doupdate();
}

/* ------------------------------------------------------------------ */
/* Detail and help views                                               */
/* ------------------------------------------------------------------ */

/* Forget the detail lines. */
static void
app_lines_clear(struct app *a)
{
	size_t	i;

	for (i = 0; i < a->nlines; i++)
		free(a->lines[i].text);
	free(a->lines);
	a->lines = NULL;
	a->nlines = 0;
	a->dtop = 0;
	free(a->dtitle);
	a->dtitle = NULL;
}

/* Add a line (multi-line text becomes several). */
static void
app_line(struct app *a, enum theme_slot slot, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
app_line(struct app *a, enum theme_slot slot, const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	char		*text, *p, *nl;

	buf_init(&b, 0);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	text = sanitize_terminal(buf_str(&b), SANITIZE_MULTILINE |
	    (a->utf8 ? 0 : SANITIZE_ASCII));
	buf_done(&b);
	for (p = text; p != NULL; p = nl) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		a->lines = xreallocarray(a->lines, a->nlines + 1,
		    sizeof *a->lines);
		memset(&a->lines[a->nlines], 0, sizeof *a->lines);
		a->lines[a->nlines].text = xstrdup(p);
		a->lines[a->nlines].slot = slot;
		a->nlines++;
	}
	free(text);
}

/* Add each key: value of a JSON object text. */
static void
app_line_json(struct app *a, const char *title, const char *json)
{
	sqlite3		*db = cache_db(a->cache);
	sqlite3_stmt	*st;

	app_line(a, SLOT_TITLE, "%s", title);
	if (json == NULL || sqlite3_prepare_v2(db, "SELECT key, value FROM"
	    " json_each(?1) ORDER BY key", -1, &st, NULL) != SQLITE_OK) {
		app_line(a, SLOT_DIM, "  (none)");
		return;
	}
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		app_line(a, SLOT_NORMAL, "  %s: %s",
		    (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_text(st, 1) != NULL ?
		    (const char *)sqlite3_column_text(st, 1) : "");
	sqlite3_finalize(st);
}

/* The detail of a service: reasons, deployments, pods, events. */
static void
app_detail_service(struct app *a, const struct view_service *s)
{
	sqlite3		*db = cache_db(a->cache);
	sqlite3_stmt	*st;
	char		*ns, *name, when[40];
	size_t		 i;

	a->dtitle = xasprintf("Service %s", s->name);
	app_line(a, app_status_slot(s->status), "%s %s",
	    view_status_symbol(s->status, a->utf8),
	    view_status_name(s->status));
	for (i = 0; i < s->nreasons; i++)
		app_line(a, SLOT_NORMAL, "  - %s", s->reasons[i]);
	for (i = 0; i < s->ndeployments; i++) {
		ns = xstrdup(s->deployments[i]);
		name = strchr(ns, '/');
		if (name == NULL) {
			free(ns);
			continue;
		}
		*name++ = '\0';
		app_line(a, SLOT_TITLE, "Deployment %s/%s", ns, name);
		if (sqlite3_prepare_v2(db, "SELECT p.name, p.phase, p.ready,"
		    " p.restarts, p.reason, p.node FROM kube_pods p JOIN"
		    " kube_replicasets r ON r.context = p.context AND"
		    " r.namespace = p.namespace AND r.name = p.owner_name WHERE"
		    " p.context = ?1 AND p.namespace = ?2 AND r.owner_name = ?3"
		    " ORDER BY p.name", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, a->views->context, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 2, ns, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
			while (sqlite3_step(st) == SQLITE_ROW)
				app_line(a, sqlite3_column_type(st, 4) !=
				    SQLITE_NULL ? SLOT_WARN : SLOT_NORMAL,
				    "  pod %s %s%s, %lld restarts%s%s on %s",
				    (const char *)sqlite3_column_text(st, 0),
				    sqlite3_column_text(st, 1) != NULL ?
				    (const char *)sqlite3_column_text(st, 1) :
				    "?", sqlite3_column_int(st, 2) ?
				    " ready" : " not ready",
				    sqlite3_column_int64(st, 3),
				    sqlite3_column_type(st, 4) != SQLITE_NULL ?
				    ", " : "",
				    sqlite3_column_type(st, 4) != SQLITE_NULL ?
				    (const char *)sqlite3_column_text(st, 4) :
				    "", sqlite3_column_text(st, 5) != NULL ?
				    (const char *)sqlite3_column_text(st, 5) :
				    "?");
			sqlite3_finalize(st);
		}
		if (sqlite3_prepare_v2(db, "SELECT type, reason, message,"
		    " count, last_ms, involved_name FROM kube_events WHERE"
		    " context = ?1 AND namespace = ?2 AND (involved_name = ?3"
		    " OR involved_name LIKE ?3 || '-%') ORDER BY last_ms DESC"
		    " LIMIT 20", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, a->views->context, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 2, ns, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
			while (sqlite3_step(st) == SQLITE_ROW)
				app_line(a, sqlite3_column_text(st, 0) != NULL &&
				    strcmp((const char *)sqlite3_column_text(
				    st, 0), "Warning") == 0 ? SLOT_WARN :
				    SLOT_DIM, "  %s %s %s: %s (x%lld)",
				    util_format_rfc3339(sqlite3_column_int64(
				    st, 4), when, sizeof when),
				    sqlite3_column_text(st, 5) != NULL ?
				    (const char *)sqlite3_column_text(st, 5) :
				    "", sqlite3_column_text(st, 1) != NULL ?
				    (const char *)sqlite3_column_text(st, 1) :
				    "", sqlite3_column_text(st, 2) != NULL ?
				    (const char *)sqlite3_column_text(st, 2) :
				    "", sqlite3_column_int64(st, 3));
			sqlite3_finalize(st);
		}
		free(ns);
	}
}

/* A rollout to mark on an SLO's sparkline. */
struct app_mark {
	int64_t	rev;
	int64_t	at;
	char	name[64];
};

/*
 * Mark rollouts under the detail sparkline ("^r7" at the column of the
 * first point after the rollout) and say when a burn above 1x began after
 * each, so "burn began 12 min after revision 7" is visible at a glance.
 */
static void
app_slo_marks(struct app *a, const struct view_slo *s,
    const struct app_mark *m, size_t n)
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
		for (idx = 0; idx < s->nspark && s->spark_ts[idx] < m[i].at;
		    idx++)
			;
		if (idx >= s->nspark || idx < start)
			continue;
		col = 12 + (idx - start);
		snprintf(label, sizeof label, "^r%lld ", (long long)m[i].rev);
		/* Near the right edge the label goes left of its caret. */
		if (col + strlen(label) > 12 + width) {
			snprintf(label, sizeof label, "r%lld^",
			    (long long)m[i].rev);
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
	app_line(a, SLOT_ACCENT, "%s", buf_str(&axis));
	buf_done(&axis);
	for (i = 0; i < n; i++) {
		for (idx = 0; idx < s->nspark && s->spark_ts[idx] < m[i].at;
		    idx++)
			;
		before_ok = idx == 0 || isnan(s->spark[idx - 1]) ||
		    s->spark[idx - 1] <= 1.0;
		for (k = idx; k < s->nspark; k++) {
			if (!isnan(s->spark[k]) && s->spark[k] > 1.0)
				break;
		}
		util_format_rfc3339(m[i].at, when, sizeof when);
		if (k < s->nspark && before_ok)
			app_line(a, SLOT_WARN, "burn above 1x began %s after "
			    "revision %lld of %s (rolled out %s)",
			    util_format_duration(s->spark_ts[k] - m[i].at, d,
			    sizeof d), (long long)m[i].rev, m[i].name, when);
		else if (k < s->nspark)
			app_line(a, SLOT_NORMAL, "revision %lld of %s rolled "
			    "out %s, while the burn was already above 1x",
			    (long long)m[i].rev, m[i].name, when);
		else
			app_line(a, SLOT_NORMAL, "revision %lld of %s rolled "
			    "out %s; no burn above 1x since",
			    (long long)m[i].rev, m[i].name, when);
	}
}

/* The detail of an SLO: windows, budget, sparkline with rollouts. */
static void
app_detail_slo(struct app *a, const struct view_slo *s)
{
	sqlite3		*db = cache_db(a->cache);
	sqlite3_stmt	*st;
	char		 d[32], b[32];
	int		 w;
	size_t		 i, j, nmarks = 0;
	struct app_mark	 marks[16];
	int64_t		 t0, t1;

	a->dtitle = xasprintf("SLO %s", s->name);
	app_line(a, app_verdict_slot(s->verdict), "verdict: %s   objective "
	    "%.4g%% over %s   service %s", slo_verdict_name(s->verdict),
	    s->objective, util_format_duration(s->period_ms, d, sizeof d),
	    s->service);
	if (isnan(s->budget_remaining))
		app_line(a, SLOT_UNKNOWN, "error budget: no data");
	else
		app_line(a, s->budget_critical ? SLOT_CRIT : s->budget_warning ?
		    SLOT_WARN : SLOT_OK, "error budget: %.1f%% left%s%s",
		    s->budget_remaining * 100, s->exhaustion_s >= 0 ?
		    ", gone in " : "", s->exhaustion_s >= 0 ?
		    util_format_duration(s->exhaustion_s * 1000, b, sizeof b) :
		    "");
	app_line(a, SLOT_TITLE, "window   error ratio   burn rate");
	for (w = 0; w < SLO_NWINDOWS; w++) {
		if (isnan(s->ratio[w]))
			app_line(a, SLOT_DIM, "%-8s %-13s %s",
			    slo_window_name((enum slo_window)w), "no data", "-");
		else
		{
			char	pct[32];

			snprintf(pct, sizeof pct, "%.4f%%", s->ratio[w] * 100);
			app_line(a, SLOT_NORMAL, "%-8s %-13s %.2f",
			    slo_window_name((enum slo_window)w), pct,
			    s->burn[w]);
		}
	}
	app_line(a, SLOT_TITLE, "1h burn rate, last 24 h (15 min steps)");
	a->lines = xreallocarray(a->lines, a->nlines + 1, sizeof *a->lines);
	memset(&a->lines[a->nlines], 0, sizeof *a->lines);
	a->lines[a->nlines].text = xstrdup("24h");
	a->lines[a->nlines].spark = s->spark;
	a->lines[a->nlines].nspark = s->nspark;
	a->nlines++;
	/* Rollouts of the service's deployments within the sparkline. */
	if (s->nspark == 0)
		return;
	t0 = s->spark_ts[0];
	t1 = s->spark_ts[s->nspark - 1];
	for (i = 0; i < a->views->nservices; i++) {
		const struct view_service *svc = &a->views->services[i];

		if (strcmp(svc->name, s->service) != 0)
			continue;
		for (j = 0; j < svc->ndeployments; j++) {
			char	*ns = xstrdup(svc->deployments[j]);
			char	*name = strchr(ns, '/');

			if (name == NULL) {
				free(ns);
				continue;
			}
			*name++ = '\0';
			if (sqlite3_prepare_v2(db, "SELECT revision, created_ms"
			    " FROM kube_replicasets WHERE context = ?1 AND"
			    " namespace = ?2 AND owner_name = ?3 AND created_ms"
			    " BETWEEN ?4 AND ?5 ORDER BY created_ms", -1, &st,
			    NULL) == SQLITE_OK) {
				sqlite3_bind_text(st, 1, a->views->context, -1,
				    SQLITE_STATIC);
				sqlite3_bind_text(st, 2, ns, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 3, name, -1,
				    SQLITE_STATIC);
				sqlite3_bind_int64(st, 4, t0 - 15 * 60000);
				sqlite3_bind_int64(st, 5, t1);
				while (sqlite3_step(st) == SQLITE_ROW &&
				    nmarks < 16) {
					marks[nmarks].rev =
					    sqlite3_column_int64(st, 0);
					marks[nmarks].at =
					    sqlite3_column_int64(st, 1);
					snprintf(marks[nmarks].name,
					    sizeof marks[nmarks].name, "%s",
					    name);
					nmarks++;
				}
				sqlite3_finalize(st);
			}
			free(ns);
		}
	}
	if (nmarks == 0) {
		app_line(a, SLOT_DIM, "rollouts: none in these 24 h");
		return;
	}
	app_slo_marks(a, s, marks, nmarks);
}

/* The detail of an incident: every alert with labels and annotations. */
static void
app_detail_incident(struct app *a, const struct view_incident *inc)
{
	char	when[40];
	size_t	i;

	a->dtitle = xasprintf("Incident %s", inc->id);
	app_line(a, app_severity_slot(inc->severity), "%s", inc->title);
	app_line(a, SLOT_NORMAL, "severity %s, %s, since %s, %zu alert%s%s",
	    view_severity_name(inc->severity), inc->state,
	    util_format_rfc3339(inc->started_ms, when, sizeof when),
	    inc->nalerts, inc->nalerts == 1 ? "" : "s", inc->silenced ?
	    ", silenced" : inc->inhibited ? ", inhibited" : "");
	app_line(a, SLOT_NORMAL, "group: %s", inc->key);
	if (inc->runbook_url != NULL)
		app_line(a, SLOT_ACCENT, "runbook: %s", inc->runbook_url);
	if (inc->summary != NULL)
		app_line(a, SLOT_NORMAL, "summary: %s", inc->summary);
	for (i = 0; i < inc->nalerts; i++) {
		const struct view_alert *al = &a->views->alerts[inc->alerts[i]];

		app_line(a, SLOT_TITLE, "Alert %s (%s, %s%s)", al->alertname,
		    al->fingerprint, al->state, al->silenced ? ", silenced" :
		    "");
		app_line_json(a, " labels", al->labels);
		app_line_json(a, " annotations", al->annotations);
	}
}

/* Open the detail of what is selected in the focused panel. */
static void
app_open_detail(struct app *a)
{
	struct panel	*p = &a->p[a->focus];
	size_t		 i;

	if (a->views == NULL)
		return;
	app_lines_clear(a);
	if (a->focus == P_RUNBOOK) {
		if (app_selected_incident(a) == NULL)
			return;
		app_detail_incident(a, app_selected_incident(a));
	} else {
		if (p->nrows == 0)
			return;
		i = p->rows[p->sel];
		if (a->focus == P_HEALTH)
			app_detail_service(a, &a->views->services[i]);
		else if (a->focus == P_SLO)
			app_detail_slo(a, &a->views->slos[i]);
		else
			app_detail_incident(a, &a->views->incidents[i]);
	}
	a->mode = MODE_DETAIL;
	a->dirty = 1;
}

/* The help screen, generated from the key table. */
static void
app_open_help(struct app *a)
{
	struct buf	 b;

	app_lines_clear(a);
	a->dtitle = xstrdup("Keys (from the key table; remap with keys: in "
	    "the config)");
	buf_init(&b, 0);
	keymap_help(a->km, &b);
	if (b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	app_line(a, SLOT_NORMAL, "%s", buf_str(&b));
	buf_done(&b);
	app_line(a, SLOT_TITLE, "Commands (after :)");
	app_line(a, SLOT_NORMAL, "%-18s switch to another context",
	    "context NAME");
	app_line(a, SLOT_NORMAL, "%-18s show one namespace (no name: all)",
	    "ns [NAME]");
	app_line(a, SLOT_NORMAL, "%-18s change the theme", "theme NAME");
	app_line(a, SLOT_NORMAL, "%-18s quit", "q");
	a->mode = MODE_HELP;
	a->dirty = 1;
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

/* A round was stored: the views need a rebuild. */
static void
app_on_stored(struct source *s, void *arg)
{
	struct app	*a = arg;

	(void)s;
	a->data_dirty = 1;
}

/* Start polling the current context (or the simulator). */
static int
app_start_sources(struct app *a, char **cause)
{
	if (a->opts->demo)
		runtime_simulate(a->rt, NULL);
	a->poller = runtime_set_context(a->rt, a->conf, a->ctx, 0, cause);
	if (a->poller == NULL)
		return -1;
	poller_set_notify(a->poller, app_on_stored, a);
	poller_start(a->poller);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

/* The candidates for completing word number nth of a command line. */
static size_t
app_candidates(struct app *a, const char *cmd, int nth, const char **out,
    size_t max)
{
	static const char *const	 cmds[] = { "context", "ns", "theme",
	    "q", NULL };
	const char *const		*themes = theme_builtin_names();
	size_t				 n = 0, i;

	if (nth == 0) {
		for (i = 0; cmds[i] != NULL && n < max; i++)
			out[n++] = cmds[i];
	} else if (strcmp(cmd, "context") == 0) {
		for (i = 0; i < a->conf->ncontexts && n < max; i++)
			out[n++] = a->conf->contexts[i].name;
	} else if (strcmp(cmd, "theme") == 0) {
		for (i = 0; themes[i] != NULL && n < max; i++)
			out[n++] = themes[i];
	}
	return n;
}

/* Tab on the command line: complete the word under the cursor. */
static void
app_complete(struct app *a)
{
	char		 mb[512], *sp, *word, *cmd;
	const char	*cand[64], *match = NULL;
	size_t		 n, i, hits = 0, wl;
	int		 nth;
	wchar_t		 wbuf[256];
	size_t		 wn;

	if (wcstombs(mb, a->ibuf, sizeof mb) == (size_t)-1)
		return;
	sp = strchr(mb, ' ');
	nth = sp != NULL;
	cmd = mb;
	word = sp != NULL ? sp + 1 : mb;
	if (sp != NULL)
		*sp = '\0';
	wl = strlen(word);
	n = app_candidates(a, cmd, nth, cand, 64);
	for (i = 0; i < n; i++) {
		if (strncmp(cand[i], word, wl) == 0) {
			match = cand[i];
			hits++;
		}
	}
	if (hits != 1) {
		if (hits > 1) {
			struct buf	b;

			buf_init(&b, 0);
			for (i = 0; i < n; i++) {
				if (strncmp(cand[i], word, wl) == 0)
					buf_printf(&b, " %s", cand[i]);
			}
			app_set_message(a, "matches:%s", buf_str(&b));
			buf_done(&b);
		}
		return;
	}
	{
		char	*line = nth ? xasprintf("%s %s", cmd, match) :
		    xasprintf("%s ", match);

		wn = mbstowcs(wbuf, line, 255);
		if (wn != (size_t)-1) {
			memcpy(a->ibuf, wbuf, wn * sizeof *wbuf);
			a->ibuf[wn] = L'\0';
			a->ilen = wn;
		}
		free(line);
	}
}

/* Run a command line (":context prod"). */
static void
app_command(struct app *a, const char *line)
{
	const struct conf_context	*ctx;
	struct theme			*t;
	char				*copy, *cmd, *arg, *save, *cause = NULL;
	int				 i;

	copy = xstrdup(line);
	cmd = strtok_r(copy, " \t", &save);
	arg = cmd != NULL ? strtok_r(NULL, " \t", &save) : NULL;
	if (cmd == NULL)
		goto out;
	if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0)
		a->quit = 1;
	else if (strcmp(cmd, "context") == 0) {
		if (a->opts->demo) {
			app_set_message(a, "the demo has one context");
			goto out;
		}
		if (arg == NULL ||
		    (ctx = conf_context_find(a->conf, arg)) == NULL) {
			app_set_message(a, "no context named '%s'; Tab lists "
			    "them", arg != NULL ? arg : "");
			goto out;
		}
		poller_free(a->poller);
		a->poller = NULL;
		a->ctx = ctx;
		if (app_start_sources(a, &cause) != 0) {
			app_set_message(a, "%s", cause);
			free(cause);
		}
		for (i = 0; i < NPANELS; i++) {
			a->p[i].sel = a->p[i].top = 0;
			free(a->p[i].sel_key);
			a->p[i].sel_key = NULL;
		}
		a->data_dirty = 1;
		app_set_message(a, "context %s", ctx->name);
	} else if (strcmp(cmd, "ns") == 0) {
		free(a->ns);
		a->ns = arg != NULL ? xstrdup(arg) : NULL;
		for (i = 0; i < NPANELS; i++)
			app_panel_rows(a, i);
		app_set_message(a, arg != NULL ? "namespace %s" :
		    "all namespaces%s", arg != NULL ? arg : "");
	} else if (strcmp(cmd, "theme") == 0) {
		if (arg == NULL) {
			app_set_message(a, "theme NAME: default, light, "
			    "high-contrast, colorblind, mono");
			goto out;
		}
		if ((t = theme_load(arg, &cause)) == NULL) {
			app_set_message(a, "%s", cause);
			free(cause);
			goto out;
		}
		theme_free(a->theme);
		a->theme = t;
		theme_apply(a->theme, a->no_color);
		clearok(curscr, TRUE);
		app_set_message(a, "theme %s", arg);
	} else
		app_set_message(a, "unknown command '%s'; try context, ns, "
		    "theme or q", cmd);
out:
	free(copy);
	a->dirty = 1;
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

/* Move the focused panel's selection by delta rows. */
static void
app_move(struct app *a, long delta)
{
	struct panel	*p = &a->p[a->focus];
	long		 sel;

	if (a->mode != MODE_MAIN) {
		sel = (long)a->dtop + delta;
		a->dtop = sel < 0 ? 0 : (size_t)sel;
		return;
	}
	if (p->nrows == 0)
		return;
	sel = (long)p->sel + delta;
	if (sel < 0)
		sel = 0;
	if (sel >= (long)p->nrows)
		sel = (long)p->nrows - 1;
	p->sel = (size_t)sel;
	if (a->focus == P_INCIDENTS)
		a->p[P_RUNBOOK].top = 0;
}

/* A key in the input line (filter or command). */
static void
app_key_input(struct app *a, wint_t ch, int is_key)
{
	char	mb[1024];

	if (!is_key && (ch == L'\r' || ch == L'\n')) {
		if (wcstombs(mb, a->ibuf, sizeof mb) == (size_t)-1)
			mb[0] = '\0';
		if (a->input == ':')
			app_command(a, mb);
		a->input = 0;
	} else if (!is_key && ch == 27) {
		if (a->input == '/') {
			free(a->p[a->focus].filter);
			a->p[a->focus].filter = NULL;
			app_panel_rows(a, a->focus);
		}
		a->input = 0;
	} else if ((is_key && ch == KEY_BACKSPACE) ||
	    (!is_key && (ch == 127 || ch == 8))) {
		if (a->ilen > 0)
			a->ibuf[--a->ilen] = L'\0';
		else
			a->input = 0;
	} else if (!is_key && ch == L'\t' && a->input == ':')
		app_complete(a);
	else if (!is_key && ch >= 32 && ch != 127 && a->ilen < 200 &&
	    iswprint((wint_t)ch)) {
		a->ibuf[a->ilen++] = (wchar_t)ch;
		a->ibuf[a->ilen] = L'\0';
	}
	/* The filter is live. */
	if (a->input == '/') {
		free(a->p[a->focus].filter);
		a->p[a->focus].filter = NULL;
		if (a->ilen > 0 && wcstombs(mb, a->ibuf, sizeof mb) !=
		    (size_t)-1)
			a->p[a->focus].filter = xstrdup(mb);
		app_panel_rows(a, a->focus);
	}
	a->dirty = 1;
}

/* Quit, asking once more when something is open. */
static void
app_ctrl_c(struct app *a)
{
	if ((a->mode != MODE_MAIN || a->input != 0) && !a->ctrlc_armed) {
		a->ctrlc_armed = 1;
		app_set_message(a, "press Ctrl-C again to quit");
		return;
	}
	a->quit = 1;
}

/* A key in the main view or a detail view. */
static void
app_key(struct app *a, wint_t ch, int is_key)
{
	struct panel	*p = &a->p[a->focus];
	enum key_action	 act;
	int		 key = (int)ch, half;

	if (a->input != 0) {
		if (!is_key && ch == 3) {
			app_ctrl_c(a);
			return;
		}
		a->ctrlc_armed = 0;
		app_key_input(a, ch, is_key);
		return;
	}
	if (!is_key && ch == 3) {
		app_ctrl_c(a);
		return;
	}
	a->ctrlc_armed = 0;
	if (!is_key && ch > 127)
		return;
	act = keymap_lookup(a->km, key);
	half = (a->mode == MODE_MAIN ? p->height : LINES - 4) / 2;
	if (half < 1)
		half = 1;
	switch (act) {
	case ACT_DOWN:
		app_move(a, 1);
		break;
	case ACT_UP:
		app_move(a, -1);
		break;
	case ACT_TOP:
		app_move(a, -1000000000L);
		break;
	case ACT_BOTTOM:
		app_move(a, 1000000000L);
		break;
	case ACT_PAGE_DOWN:
		app_move(a, 2 * half);
		break;
	case ACT_PAGE_UP:
		app_move(a, -2 * half);
		break;
	case ACT_HALF_DOWN:
		app_move(a, half);
		break;
	case ACT_HALF_UP:
		app_move(a, -half);
		break;
	case ACT_NEXT_PANEL:
		if (a->mode == MODE_MAIN)
			a->focus = (a->focus + 1) % NPANELS;
		break;
	case ACT_PREV_PANEL:
		if (a->mode == MODE_MAIN)
			a->focus = (a->focus + NPANELS - 1) % NPANELS;
		break;
	case ACT_PANEL_HEALTH:
	case ACT_PANEL_SLO:
	case ACT_PANEL_INCIDENTS:
	case ACT_PANEL_RUNBOOK:
		a->mode = MODE_MAIN;
		a->focus = (int)(act - ACT_PANEL_HEALTH);
		break;
	case ACT_OPEN:
		if (a->mode == MODE_MAIN)
			app_open_detail(a);
		break;
	case ACT_BACK:
		if (a->mode != MODE_MAIN) {
			a->mode = MODE_MAIN;
			app_lines_clear(a);
		} else if (p->filter != NULL) {
			free(p->filter);
			p->filter = NULL;
			app_panel_rows(a, a->focus);
		}
		break;
	case ACT_FILTER:
		if (a->mode != MODE_MAIN)
			break;
		a->input = '/';
		a->ilen = p->filter != NULL ? mbstowcs(a->ibuf, p->filter,
		    200) : 0;
		if (a->ilen == (size_t)-1)
			a->ilen = 0;
		a->ibuf[a->ilen] = L'\0';
		break;
	case ACT_COMMAND:
		a->input = ':';
		a->ilen = 0;
		a->ibuf[0] = L'\0';
		break;
	case ACT_HELP:
		app_open_help(a);
		break;
	case ACT_REFRESH:
		if (a->poller != NULL)
			poller_refresh_now(a->poller);
		app_set_message(a, "refreshing every source");
		break;
	case ACT_QUIT:
		if (a->mode != MODE_MAIN) {
			a->mode = MODE_MAIN;
			app_lines_clear(a);
		} else
			a->quit = 1;
		break;
	default:
		break;
	}
	a->dirty = 1;
}

/* ------------------------------------------------------------------ */
/* Loop glue                                                           */
/* ------------------------------------------------------------------ */

/* A mouse event: a click focuses and selects, the wheel scrolls. */
static void
app_mouse(struct app *a)
{
	MEVENT		 ev;
	struct layout	 l;
	struct panel	*p;
	int		 i, row;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		app_move(a, -3);
		a->dirty = 1;
		return;
	}
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		app_move(a, 3);
		a->dirty = 1;
		return;
	}
#endif
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) ||
	    a->mode != MODE_MAIN)
		return;
	layout_compute(&l, LINES, COLS, a->focus);
	for (i = 0; i < NPANELS; i++) {
		const struct layout_rect *r = &l.panel[i];

		if (ev.y < r->y || ev.y >= r->y + r->h || ev.x < r->x ||
		    ev.x >= r->x + r->w)
			continue;
		a->focus = i;
		p = &a->p[i];
		/* Rows start under the border and the column header. */
		row = ev.y - (r->y + 2);
		if (!l.collapsed[i] && row >= 0 &&
		    p->top + (size_t)row < p->nrows)
			p->sel = p->top + (size_t)row;
		a->dirty = 1;
		return;
	}
}

/* The terminal has input. */
static void
app_on_stdin(int fd, int revents, void *arg)
{
	struct app	*a = arg;
	wint_t		 ch;
	int		 rc, n = 0;

	(void)fd;
	for (;;) {
		rc = get_wch(&ch);
		if (rc == ERR)
			break;
		n++;
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			a->resized = 1;
			continue;
		}
		if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
			app_mouse(a);
			continue;
		}
		app_key(a, ch, rc == KEY_CODE_YES);
		if (a->quit)
			break;
	}
	/* Readable with nothing to read: the terminal is gone. */
	if (n == 0 && (revents & LOOP_ERROR))
		a->quit = 1;
	if (a->quit)
		loop_stop(a->loop);
}

/* Signals: resize, terminate, hang up, interrupt. */
static void
app_on_signal(int signo, void *arg)
{
	struct app	*a = arg;

	switch (signo) {
	case SIGWINCH:
		a->resized = 1;
		break;
	case SIGINT:
		app_ctrl_c(a);
		break;
	default:
		a->quit = 1;
		a->exit_code = 0;
		break;
	}
	if (a->quit)
		loop_stop(a->loop);
}

/* Once a second: the clock and the ages in the header. */
static int64_t
app_on_tick(void *arg)
{
	struct app	*a = arg;

	a->dirty = 1;
	return 1000;
}

/* Before each wait: store rounds, rebuild views if needed, paint. */
static void
app_before_sleep(void *arg)
{
	struct app	*a = arg;
	struct winsize	 ws;
	int64_t		 since;

	if (a->poller != NULL)
		poller_flush(a->poller);
	if (a->resized) {
		a->resized = 0;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		a->dirty = 1;
	}
	/*
	 * Rebuild when the data changed, and every few seconds to re-judge
	 * staleness; but a rebuild that costs R ms waits at least 20 R since
	 * the last one, so a huge cache cannot keep the keys waiting.
	 */
	since = loop_now_ms(a->loop) - a->last_build;
	if (a->views == NULL || (since >= 20 * a->build_ms &&
	    (a->data_dirty || since > APP_REBUILD_MS)))
		app_rebuild(a);
	if (a->quit) {
		loop_stop(a->loop);
		return;
	}
	if (a->dirty) {
		app_paint(a);
		a->dirty = 0;
	}
}

/* Give the terminal back, whatever happens. */
static void
app_restore_terminal(void)
{
	if (app_current != NULL && app_current->curses_on) {
		endwin();
		app_current->curses_on = 0;
	}
}

/* The terminal modes and colours the console runs in. */
static void
app_term_modes(struct app *a)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	    | BUTTON5_PRESSED
#endif
	    , NULL);
	mouseinterval(0);
	theme_apply(a->theme, a->no_color);
}

/* Run the console; see tui.h. */
int
tui_run(const struct tui_opts *opts)
{
	struct app		 a;
	struct conf_problems	 probs;
	struct loop_signal	*sig[4];
	const int		 signos[4] = { SIGWINCH, SIGTERM, SIGHUP,
	    SIGINT };
	char			*cause = NULL, *warning = NULL;
	const char		*nc;
	char			*term;
	SCREEN			*screen;
	size_t			 i;
	int			 panel;

	memset(&a, 0, sizeof a);
	a.opts = opts;
	a.conf = opts->conf;
	a.exit_code = 0;
	if (opts->demo) {
		a.ctx = &a.conf->contexts[0];
	} else if ((a.ctx = conf_context_find(a.conf, opts->context)) ==
	    NULL) {
		fprintf(stderr, "sitrep: %s\n", a.conf->ncontexts == 0 ?
		    "no context is configured; write a config file (see "
		    "'sitrep config docs') or try 'sitrep --demo'" :
		    "no such context; 'sitrep config check' lists them");
		return 1;
	}
	a.km = keymap_new();
	conf_problems_init(&probs);
	if (keymap_apply(a.km, a.conf->keys, a.conf->nkeys,
	    opts->conf_file != NULL ? opts->conf_file : "config", &probs) !=
	    0) {
		for (i = 0; i < probs.n; i++)
			fprintf(stderr, "%s\n", probs.v[i]);
		conf_problems_done(&probs);
		keymap_free(a.km);
		return 1;
	}
	conf_problems_done(&probs);
	a.theme = theme_load(a.conf->theme != NULL ? a.conf->theme :
	    "default", &cause);
	if (a.theme == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		keymap_free(a.km);
		return 1;
	}
	a.cache = cache_open(opts->cache_path, 0, &warning, &cause);
	if (warning != NULL) {
		fprintf(stderr, "sitrep: warning: %s\n", warning);
		free(warning);
	}
	if (a.cache == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		theme_free(a.theme);
		keymap_free(a.km);
		return 1;
	}
	panel = tui_panel_parse(opts->panel);
	a.focus = panel >= 0 ? panel : 0;
	if (opts->filter != NULL && *opts->filter != '\0')
		a.p[a.focus].filter = xstrdup(opts->filter);

	if ((a.rt = runtime_new(a.cache, &cause)) == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		cache_close(a.cache);
		theme_free(a.theme);
		keymap_free(a.km);
		return 1;
	}
	a.loop = runtime_loop(a.rt);
	a.http = runtime_http(a.rt);
	signal(SIGPIPE, SIG_IGN);

	/* The terminal. */
	setlocale(LC_ALL, "");
	a.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	draw_set_utf8(a.utf8);
	nc = getenv("NO_COLOR");
	a.no_color = nc != NULL && *nc != '\0';
	app_current = &a;
	atexit(app_restore_terminal);
	if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
		term = sanitize_terminal(getenv("TERM"), 0);
		fprintf(stderr, "sitrep: this machine does not know the terminal "
		    "type TERM=%s; set TERM to one it has (xterm-256color, "
		    "screen, linux), or install ncurses-term\n", term);
		free(term);
		app_current = NULL;
		runtime_free(a.rt);
		cache_close(a.cache);
		theme_free(a.theme);
		keymap_free(a.km);
		return 1;
	}
	a.curses_on = 1;
	app_term_modes(&a);
	for (i = 0; i < 4; i++)
		sig[i] = loop_signal_add(a.loop, signos[i], app_on_signal, &a);
	a.stdin_w = loop_fd_add(a.loop, STDIN_FILENO, LOOP_READ, app_on_stdin,
	    &a);
	a.tick = loop_timer_add(a.loop, 1000, app_on_tick, &a);
	loop_set_before_sleep(a.loop, app_before_sleep, &a);

	/* The last known state at once, then the sources. */
	app_rebuild(&a);
	app_paint(&a);
	if (app_start_sources(&a, &cause) != 0) {
		app_set_message(&a, "%s", cause);
		free(cause);
	}
	loop_run(a.loop);

	/* Leave: the terminal first, then flush what finished. */
	app_restore_terminal();
	if (a.poller != NULL)
		poller_flush(a.poller);
	for (i = 0; i < 4; i++) {
		if (sig[i] != NULL)
			loop_signal_del(sig[i]);
	}
	loop_fd_del(a.stdin_w);
	loop_timer_del(a.tick);
	poller_free(a.poller);
	runtime_free(a.rt);
	app_lines_clear(&a);
	for (i = 0; i < NPANELS; i++) {
		free(a.p[i].rows);
		free(a.p[i].filter);
		free(a.p[i].sel_key);
	}
	free(a.msg);
	free(a.ns);
	views_free(a.views);
	cache_close(a.cache);
	theme_free(a.theme);
	keymap_free(a.km);
	app_current = NULL;
	delscreen(screen);
	return a.exit_code;
}

/* ------------------------------------------------------------------ */
/* Benchmark hooks                                                     */
/* ------------------------------------------------------------------ */

struct tui_bench {
	struct app	 a;
	SCREEN		*screen;
	FILE		*in;
};

/* Start the console's paint path on a screen writing to out; see tui.h. */
struct tui_bench *
tui_bench_new(const struct tui_opts *opts, const char *term, FILE *out,
    int lines, int cols, char **cause)
{
	struct tui_bench	*b;
	struct app		*a;
	char			*warning = NULL;
	const char		*nc;

	b = xcalloc(1, sizeof *b);
	a = &b->a;
	a->opts = opts;
	a->conf = opts->conf;
	if ((a->ctx = conf_context_find(a->conf, opts->context)) == NULL) {
		*cause = xstrdup("no such context in the configuration");
		goto fail;
	}
	a->km = keymap_new();
	if ((a->theme = theme_load(a->conf->theme != NULL ? a->conf->theme :
	    "default", cause)) == NULL)
		goto fail;
	a->cache = cache_open(opts->cache_path, 0, &warning, cause);
	free(warning);
	if (a->cache == NULL)
		goto fail;
	if ((a->loop = loop_new()) == NULL) {
		*cause = xstrdup("cannot make an event loop");
		goto fail;
	}
	setlocale(LC_ALL, "");
	a->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	draw_set_utf8(a->utf8);
	nc = getenv("NO_COLOR");
	a->no_color = nc != NULL && *nc != '\0';
	if ((b->in = fopen("/dev/null", "r")) == NULL ||
	    (b->screen = newterm(term, out, b->in)) == NULL) {
		*cause = xasprintf("cannot start curses for terminal type %s;"
		    " install its terminfo (ncurses-term)", term != NULL ?
		    term : "$TERM");
		goto fail;
	}
	set_term(b->screen);
	a->curses_on = 1;
	resizeterm(lines, cols);
	app_term_modes(a);
	app_rebuild(a);
	return b;
fail:
	tui_bench_free(b);
	return NULL;
}

/* Read the cache into fresh views; see tui.h. */
void
tui_bench_rebuild(struct tui_bench *b)
{
	app_rebuild(&b->a);
}

/* Paint once, the whole screen if full; see tui.h. */
void
tui_bench_paint(struct tui_bench *b, int full)
{
	if (full)
		clearok(curscr, TRUE);
	app_paint(&b->a);
}

/* Leave curses and free everything; see tui.h. */
void
tui_bench_free(struct tui_bench *b)
{
	struct app	*a;
	int		 i;

	if (b == NULL)
		return;
	a = &b->a;
	if (b->screen != NULL) {
		endwin();
		delscreen(b->screen);
	}
	if (b->in != NULL)
		fclose(b->in);
	for (i = 0; i < NPANELS; i++) {
		free(a->p[i].rows);
		free(a->p[i].filter);
		free(a->p[i].sel_key);
	}
	app_lines_clear(a);
	free(a->msg);
	views_free(a->views);
	loop_free(a->loop);
	cache_close(a->cache);
	theme_free(a->theme);
	keymap_free(a->km);
	free(b);
}
