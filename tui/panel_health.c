/*
 * panel_health.c: the Health panel, one row per service (status, ready
 * pods, the reasons in words), and the service's detail page: its
 * workloads of every kind (Deployments, StatefulSets, DaemonSets, Jobs,
 * bare pods) with their pods and latest events.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/views.h"
#include "core/vocab.h"
#include "core/views_detail.h"
#include "tui/app.h"
#include "tui/keymap.h"
#include "tui/draw.h"
#include "tui/mode.h"
#include "tui/panel.h"

/* Services in the views. */
static size_t
health_count(const struct views *v)
{
	return v->nservices;
}

/* A service's filter text and identity. */
static char *
health_row_text(const struct views *v, size_t i, char **key)
{
	const struct view_service	*s = &v->services[i];
	struct buf			 b;
	size_t				 j;

	*key = xstrdup(s->name);
	buf_init(&b, 0);
	buf_printf(&b, "%s %s", s->name, vocab_status_word(s->status));
	for (j = 0; j < s->nreasons; j++)
		buf_printf(&b, " %s", s->reasons[j]);
	return buf_detach(&b);
}

/* Whether a service has a workload ("Kind ns/name") in namespace ns. */
static int
health_in_ns(const struct views *v, size_t i, const char *ns)
{
	const struct view_service	*s = &v->services[i];
	const char			*w;
	size_t				 j, n = strlen(ns);

	for (j = 0; j < s->nworkloads; j++) {
		if ((w = strchr(s->workloads[j], ' ')) == NULL)
			continue;
		if (strncmp(w + 1, ns, n) == 0 && w[1 + n] == '/')
			return 1;
	}
	return 0;
}

/* The column header. */
static void
health_header(struct app *a, int y, int x, int w)
{
	(void)a;
	draw_cell(stdscr, y, x, w, "STATUS      SERVICE              READY  "
	    "REASONS", theme_attr(SLOT_DIM));
}

/* One service. */
static void
health_row(struct app *a, size_t i, int y, int x, int w, unsigned long at)
{
	const struct view_service	*s = &a->views->services[i];
	struct buf			 reasons;
	char				 cell[32];
	size_t				 j;

	snprintf(cell, sizeof cell, "%s %s", vocab_status_symbol(s->status,
	    a->utf8), vocab_status_word(s->status));
	draw_cell(stdscr, y, x, 12, cell, at != 0 ? at :
	    theme_attr(draw_tone_slot(vocab_status_tone(s->status))));
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

/* "N services, M not OK". */
static char *
health_summary(struct app *a, int panel)
{
	const struct list	*l = &a->lists[panel];
	size_t			 k, bad = 0;
	char			 shown[48];

	for (k = 0; k < l->nrows; k++)
		bad += a->views->services[l->rows[k]].status != VIEW_OK;
	return xasprintf("%s%zu %s, %zu not OK", panel_shown(a, panel,
	    a->views->nservices, shown, sizeof shown), a->views->nservices,
	    vocab_plural(a->views->nservices, "service", "services"), bad);
}

/* A workload ("Kind ns/name") with its pods and events on the page. */
static void
health_workload(struct app *a, struct mode *m, const char *workload)
{
	struct view_deployment	*d;
	char			*cause = NULL, when[40];
	size_t			 i;

	d = views_workload_read(a->cache, a->views->context, workload,
	    VD_PODS | VD_EVENTS, 0, 0, &cause);
	if (d == NULL) {
		mode_page_add(m, SLOT_WARN, "%s: %s", workload, cause);
		free(cause);
		return;
	}
	mode_page_add(m, SLOT_TITLE, "%s %s/%s", d->kind, d->ns, d->name);
	for (i = 0; i < d->npods; i++) {
		const struct view_pod	*p = &d->pods[i];

		mode_page_add(m, p->reason != NULL ? SLOT_WARN : SLOT_NORMAL,
		    "  pod %s %s%s, %lld %s%s%s on %s", p->name,
		    p->phase != NULL ? p->phase : "?", p->ready ? " ready" :
		    " not ready", (long long)p->restarts, vocab_plural(
		    (size_t)p->restarts, "restart", "restarts"), p->reason != NULL ?
		    ", " : "", p->reason != NULL ? p->reason : "",
		    p->node != NULL ? p->node : "?");
		mode_page_pod(m, d->ns, p->name);
	}
	for (i = 0; i < d->nevents; i++) {
		const struct view_event	*e = &d->events[i];

		mode_page_add(m, e->type != NULL && strcmp(e->type,
		    "Warning") == 0 ? SLOT_WARN : SLOT_DIM,
		    "  %s %s%s%s %s: %s (x%lld)", util_format_rfc3339(
		    e->last_ms, when, sizeof when), e->involved_kind != NULL ?
		    e->involved_kind : "", e->involved_kind != NULL ? "/" : "",
		    e->involved != NULL ? e->involved : "", e->reason != NULL ?
		    e->reason : "", e->message != NULL ? e->message : "",
		    (long long)e->count);
	}
	views_deployment_free(d);
}

/* The detail page of the selected service. */
static struct mode *
health_open(struct app *a, int panel)
{
	const struct view_service	*s;
	struct mode			*m;
	char				*title;
	long				 i = list_selected(&a->lists[panel]);
	size_t				 j;

	if (i < 0)
		return NULL;
	s = &a->views->services[i];
	title = xasprintf("Service %s", s->name);
	m = mode_page_new(title);
	free(title);
	mode_page_add(m, draw_tone_slot(vocab_status_tone(s->status)), "%s %s",
	    vocab_status_symbol(s->status, a->utf8),
	    vocab_status_word(s->status));
	for (j = 0; j < s->nreasons; j++)
		mode_page_add(m, SLOT_NORMAL, "  - %s", s->reasons[j]);
	for (j = 0; j < s->nworkloads; j++)
		health_workload(a, m, s->workloads[j]);
	return m;
}

/*
 * R, U and S on a service: its deployment (one; a service of several
 * says to name one with :restart, :undo or :scale).
 */
static int
health_key(struct app *a, int panel, int action)
{
	const struct view_service	*s;
	const char			*word, *dep, *slash;
	struct action_request		 req;
	struct mode			*m;
	char				*ns, *cmd, *cause = NULL;
	long				 i;

	if (action != ACT_RESTART && action != ACT_UNDO && action != ACT_SCALE)
		return 0;
	word = action == ACT_RESTART ? "restart" : action == ACT_UNDO ?
	    "undo" : "scale";
	if (app_refuse_read_only(a))
		return KEY_HANDLED | KEY_REDRAW;
	if ((i = list_selected(&a->lists[panel])) < 0) {
		app_message(a, "no service selected");
		return KEY_HANDLED | KEY_REDRAW;
	}
	s = &a->views->services[i];
	if (s->ndeployments != 1) {
		if (s->ndeployments == 0)
			app_message(a, "service %s has no deployment to %s",
			    s->name, word);
		else
			app_message(a, "service %s has several deployments: "
			    "name one with :%s NAMESPACE/NAME", s->name, word);
		return KEY_HANDLED | KEY_REDRAW;
	}
	dep = s->deployments[0];
	if (action == ACT_SCALE) {
		cmd = xasprintf("scale %s ", dep);
		app_push(a, mode_command_with(a, cmd));
		free(cmd);
		return KEY_HANDLED | KEY_REDRAW;
	}
	if ((slash = strchr(dep, '/')) == NULL)
		return KEY_HANDLED;
	ns = xstrndup(dep, (size_t)(slash - dep));
	memset(&req, 0, sizeof req);
	req.kind = action == ACT_RESTART ? ACTION_RESTART : ACTION_UNDO;
	req.namespace = ns;
	req.name = slash + 1;
	req.why = action == ACT_RESTART ? "key R on service" : "key U on "
	    "service";
	if ((m = mode_action_new(a, &req, &cause)) == NULL) {
		app_message(a, "%s", cause);
		free(cause);
	} else
		app_push(a, m);
	free(ns);
	return KEY_HANDLED | KEY_REDRAW;
}

const struct panel_ops panel_health = {
	.name = "health",
	.title = "1 Health",
	.sources = { "kubernetes", "prometheus", "probes" },
	.noun = "services",
	.empty = "no services",
	.count = health_count,
	.row_text = health_row_text,
	.in_ns = health_in_ns,
	.header = health_header,
	.row = health_row,
	.summary = health_summary,
	.open = health_open,
	.key = health_key,
};
