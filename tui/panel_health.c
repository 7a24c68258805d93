/*
 * panel_health.c: the Health panel, one row per service (status, ready
 * pods, the reasons in words), and the service's detail page: its
 * workloads of every kind (Deployments, StatefulSets, DaemonSets, Jobs,
 * bare pods) with their pods and latest events, a deployment's rollouts
 * (its revisions and what a rollback to the previous one changes, from
 * the cache; U there opens the rollback's action dialog), and the
 * service's open incidents and SLOs.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

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
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/panel.h"

/* Whether workload "Kind ns/name" is deployment "ns/name". */
static int
health_is_deployment(const char *workload, const char *deployment)
{
	return strncmp(workload, "Deployment ", 11) == 0 &&
	    strcmp(workload + 11, deployment) == 0;
}

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

/* An image list (JSON array text) as "A, B", or "-". */
static char *
health_images(const char *json)
{
	cJSON		*root = json != NULL ? cJSON_Parse(json) : NULL;
	const cJSON	*e;
	struct buf	 b;

	buf_init(&b, 0);
	if (cJSON_IsArray(root)) {
		cJSON_ArrayForEach(e, root) {
			if (cJSON_IsString(e))
				buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
				    e->valuestring);
		}
	}
	cJSON_Delete(root);
	if (b.len == 0)
		buf_puts(&b, "-");
	return buf_detach(&b);
}

/*
 * A deployment's rollouts on the page: its replicas and conditions, its
 * revisions newest first (the current one marked), and what a rollback
 * to the previous one changes, all from the cache.  undo is the
 * revision U would go back to (0: none), when U acts on this deployment
 * (the service's only one); otherwise the page names :undo.
 */
static void
health_rollout(struct app *a, struct mode *m, const struct view_deployment *d,
    int64_t *undo)
{
	const struct view_condition	*c;
	const struct view_revision	*r;
	char				 age[40], *images, **diff = NULL;
	size_t				 i, cur, prev, ndiff = 0;

	if (strcmp(d->kind, "Deployment") != 0)
		return;
	if (d->replicas >= 0)
		mode_page_add(m, d->ready < d->replicas ? SLOT_WARN :
		    SLOT_NORMAL, "  rollout: %lld/%lld ready, %lld updated, "
		    "%lld available", (long long)d->ready,
		    (long long)d->replicas, (long long)d->updated,
		    (long long)d->available);
	for (i = 0; i < d->nconditions; i++) {
		c = &d->conditions[i];
		if (strcmp(c->type, "Progressing") != 0 &&
		    strcmp(c->type, "Available") != 0)
			continue;
		mode_page_add(m, c->status != NULL && strcmp(c->status,
		    "True") == 0 ? SLOT_DIM : SLOT_WARN, "  %s %s: %s%s%s",
		    c->type, c->status != NULL ? c->status : "?",
		    c->reason != NULL ? c->reason : "-", c->message != NULL ?
		    ", " : "", c->message != NULL ? c->message : "");
	}
	if (d->nrevisions == 0)
		return;
	mode_page_add(m, SLOT_DIM, "  revisions (newest first):");
	for (i = 0; i < d->nrevisions; i++) {
		r = &d->revisions[i];
		images = health_images(r->images);
		if (r->at_ms > 0)
			vocab_age(r->at_ms, app_now_ms(a), age, sizeof age);
		else
			snprintf(age, sizeof age, "-");
		mode_page_add(m, r->current ? SLOT_NORMAL : SLOT_DIM,
		    "  %s %lld  %-8s %s  %lld/%lld ready  %s", r->current ?
		    "*" : " ", (long long)r->revision, age, images,
		    (long long)r->ready, (long long)r->replicas,
		    r->current ? "current" : "");
		free(images);
	}
	if (views_revision_previous(d, &cur, &prev) != 0) {
		mode_page_add(m, SLOT_DIM, "  no earlier revision to roll "
		    "back to");
		return;
	}
	diff = views_revision_diff(&d->revisions[cur], &d->revisions[prev],
	    &ndiff);
	mode_page_add(m, SLOT_DIM, "  revision %lld -> %lld changes:",
	    (long long)d->revisions[cur].revision,
	    (long long)d->revisions[prev].revision);
	if (ndiff == 0)
		mode_page_add(m, SLOT_DIM, "    nothing the summary shows");
	for (i = 0; i < ndiff; i++)
		mode_page_add(m, SLOT_NORMAL, "    %s", diff[i]);
	if (undo != NULL) {
		*undo = d->revisions[prev].revision;
		mode_page_add(m, SLOT_ACCENT, "  U: roll back to revision "
		    "%lld (%s)", (long long)*undo, ndiff > 0 ? diff[0] :
		    "the same pod template");
	} else
		mode_page_add(m, SLOT_DIM, "  :undo %s/%s rolls back to "
		    "revision %lld", d->ns, d->name,
		    (long long)d->revisions[prev].revision);
	views_strings_free(diff, ndiff);
}

/* A workload ("Kind ns/name") with its pods and events on the page. */
static void
health_workload(struct app *a, struct mode *m, const char *workload,
    int64_t *undo)
{
	struct view_deployment	*d;
	char			*cause = NULL, when[40];
	size_t			 i;

	d = views_workload_read(a->cache, a->views->context, workload,
	    VD_PODS | VD_EVENTS | VD_REVISIONS, 0, 0, &cause);
	if (d == NULL) {
		mode_page_add(m, SLOT_WARN, "%s: %s", workload, cause);
		free(cause);
		return;
	}
	mode_page_add(m, SLOT_TITLE, "%s %s/%s", d->kind, d->ns, d->name);
	health_rollout(a, m, d, undo);
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

/* Whether incident inc names service. */
static int
health_incident_of(const struct view_incident *inc, const char *service)
{
	size_t	k;

	for (k = 0; k < inc->nservices; k++) {
		if (strcmp(inc->services[k], service) == 0)
			return 1;
	}
	return 0;
}

/* The service's open incidents and its SLOs with their burn. */
static void
health_incidents_slos(struct app *a, struct mode *m,
    const struct view_service *s)
{
	const struct view_incident	*inc;
	const struct view_slo		*o;
	char				 b1[16], b5[16], left[16], age[40];
	size_t				 k, n = 0;

	mode_page_add(m, SLOT_TITLE, "Incidents");
	for (k = 0; k < a->views->nincidents; k++) {
		inc = &a->views->incidents[k];
		if (!health_incident_of(inc, s->name))
			continue;
		n++;
		mode_page_add(m, draw_tone_slot(vocab_severity_tone(
		    inc->severity)), "  %s %s %s, %s: %s",
		    vocab_priority_word(inc->priority), inc->id,
		    vocab_incident_state_word(inc->state), vocab_age(
		    inc->started_ms, app_now_ms(a), age, sizeof age),
		    inc->title);
	}
	if (n == 0)
		mode_page_add(m, SLOT_DIM, "  (none open)");
	mode_page_add(m, SLOT_TITLE, "SLOs");
	for (k = 0, n = 0; k < a->views->nslos; k++) {
		o = &a->views->slos[k];
		if (o->service == NULL || strcmp(o->service, s->name) != 0)
			continue;
		n++;
		mode_page_add(m, draw_tone_slot(vocab_verdict_tone(o->verdict)),
		    "  %s: burn %s over 1h, %s over 5m; budget left %s (%s)",
		    o->name, vocab_burn(o->burn[SLO_1H], b1, sizeof b1),
		    vocab_burn(o->burn[SLO_5M], b5, sizeof b5),
		    vocab_percent(o->budget_remaining, left, sizeof left),
		    vocab_verdict_word(o->verdict));
	}
	if (n == 0)
		mode_page_add(m, SLOT_DIM, "  (none)");
}

/*
 * The service page: a page of lines that also takes U, rolling the
 * service's deployment back to the revision the page shows.  It keeps
 * copies, never pointers into the views.
 */
struct health_page {
	struct mode	 mode;
	struct mode	*page;		/* the lines, scrolling, closing */
	char		*service;
	char		*deployment;	/* "ns/name": the only one, or NULL */
	size_t		 ndeployments;
	int64_t		 to_revision;	/* 0: the previous, as the server says */
};

/* Draw the lines. */
static void
health_page_draw(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct health_page	*hp = (struct health_page *)m;

	hp->page->ops->draw(hp->page, a, r);
}

/* Scroll the lines. */
static void
health_page_scroll(struct mode *m, long delta)
{
	struct health_page	*hp = (struct health_page *)m;

	hp->page->ops->scroll_by(hp->page, delta);
}

/* U opens the action dialog for the deployment; the rest is the page's. */
static int
health_page_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct health_page	*hp = (struct health_page *)m;
	struct action_request	 req;
	struct mode		*dlg;
	const char		*slash;
	char			*ns, *cause = NULL;

	if ((is_key || ch <= 127) &&
	    keymap_lookup(a->km, (int)ch) == ACT_UNDO) {
		if (app_refuse_read_only(a))
			return KEY_HANDLED | KEY_REDRAW;
		if (hp->deployment == NULL ||
		    (slash = strchr(hp->deployment, '/')) == NULL) {
			app_message(a, hp->ndeployments == 0 ? "service %s has "
			    "no deployment to undo" : "service %s has several "
			    "deployments: name one with :undo NAMESPACE/NAME",
			    hp->service);
			return KEY_HANDLED | KEY_REDRAW;
		}
		ns = xstrndup(hp->deployment, (size_t)(slash -
		    hp->deployment));
		memset(&req, 0, sizeof req);
		req.kind = ACTION_UNDO;
		req.namespace = ns;
		req.name = slash + 1;
		req.to_revision = hp->to_revision;
		req.why = "key U on the service page";
		if ((dlg = mode_action_new(a, &req, &cause)) == NULL) {
			app_message(a, "%s", cause);
			free(cause);
		} else
			app_push(a, dlg);
		free(ns);
		return KEY_HANDLED | KEY_REDRAW;
	}
	return hp->page->ops->key(hp->page, a, ch, is_key);
}

/* Free the page and its copies. */
static void
health_page_free(struct mode *m)
{
	struct health_page	*hp = (struct health_page *)m;

	hp->page->ops->free(hp->page);
	free(hp->service);
	free(hp->deployment);
	free(hp);
}

static const struct mode_ops health_page_ops = {
	.name = "page",
	.draw = health_page_draw,
	.key = health_page_key,
	.scroll_by = health_page_scroll,
	.free = health_page_free,
};

/* The detail page of the selected service. */
static struct mode *
health_open(struct app *a, int panel)
{
	const struct view_service	*s;
	struct health_page		*hp;
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
	hp = xcalloc(1, sizeof *hp);
	hp->mode.ops = &health_page_ops;
	hp->page = m;
	hp->service = xstrdup(s->name);
	hp->ndeployments = s->ndeployments;
	if (s->ndeployments == 1)
		hp->deployment = xstrdup(s->deployments[0]);
	mode_page_add(m, draw_tone_slot(vocab_status_tone(s->status)), "%s %s",
	    vocab_status_symbol(s->status, a->utf8),
	    vocab_status_word(s->status));
	for (j = 0; j < s->nreasons; j++)
		mode_page_add(m, SLOT_NORMAL, "  - %s", s->reasons[j]);
	for (j = 0; j < s->nworkloads; j++)
		health_workload(a, m, s->workloads[j], hp->deployment != NULL &&
		    health_is_deployment(s->workloads[j], hp->deployment) ?
		    &hp->to_revision : NULL);
	health_incidents_slos(a, m, s);
	return &hp->mode;
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
	/* Read-only is refused by the dialog, which records it. */
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
