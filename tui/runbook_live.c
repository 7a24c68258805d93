/*
 * runbook_live.c: the console's runbooks, live (see runbook_live.h).
 *
 * The state hangs off the app, made on first use: the runbook set (the
 * demo's built-in one, or the files of runbooks:), the checks asked for
 * with their last answers, and the timeline of the incident last shown.
 * Checks are evaluated from a loop timer, never from a key or a paint.
 */
#include "config.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "backends/endpoint.h"
#include "backends/http.h"
#include "backends/prom.h"
#include "backends/url.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/runbook.h"
#include "core/views.h"
#include "core/views_incidents.h"
#include "tui/app.h"
#include "tui/panel.h"
#include "tui/runbook_live.h"
#include "tui/tui.h"

#define RL_MAX_CHECKS	64		/* queries remembered */
#define RL_FORGET_MS	30000		/* not asked for this long: dropped */

/* One check query and its last answer. */
struct rl_check {
	char		*query;
	enum rl_state	 state;
	double		 value;
	char		*error;
	int64_t		 asked_ms;	/* the panel last wanted it */
	int64_t		 done_ms;	/* last answered; 0 never */
	int		 http_id;	/* in flight; 0 none */
	struct runbook_live *rl;
};

struct runbook_live {
	struct app		*a;
	struct runbook_set	*set;
	const struct conf_context *ctx;	/* the endpoint's */
	struct endpoint		 ep;
	int			 have_ep;
	struct rl_check		*checks[RL_MAX_CHECKS];
	size_t			 nchecks;
	struct loop_timer	*timer;
	/* The timeline of the incident last asked about, per views. */
	const struct views	*tl_views;
	int64_t			 tl_build;
	char			*tl_id;
	struct incident_detail	*tl;
};

/* Free one check, cancelling its request. */
static void
rl_check_free(struct runbook_live *rl, struct rl_check *c)
{
	if (c->http_id > 0 && rl->a->http != NULL)
		http_cancel(rl->a->http, c->http_id);
	free(c->query);
	free(c->error);
	free(c);
}

/* Forget the endpoint and every check (a new context). */
static void
rl_reset(struct runbook_live *rl)
{
	size_t	i;

	for (i = 0; i < rl->nchecks; i++)
		rl_check_free(rl, rl->checks[i]);
	rl->nchecks = 0;
	if (rl->have_ep)
		endpoint_done(&rl->ep);
	rl->have_ep = 0;
	rl->ctx = NULL;
}

/* Free the state. */
void
runbook_live_free(struct runbook_live *rl)
{
	if (rl == NULL)
		return;
	rl_reset(rl);
	if (rl->timer != NULL)
		loop_timer_del(rl->timer);
	runbook_set_free(rl->set);
	free(rl->tl_id);
	incident_detail_free(rl->tl);
	free(rl);
}

/* The app's state, made on first use (the runbook files read once). */
static struct runbook_live *
rl_get(struct app *a)
{
	struct runbook_live	*rl = a->rblive;
	struct conf_problems	 p;

	if (rl != NULL)
		return rl;
	rl = a->rblive = xcalloc(1, sizeof *rl);
	rl->a = a;
	if (a->opts != NULL && a->opts->demo)
		rl->set = runbook_set_demo();
	else {
		rl->set = runbook_set_new();
		conf_problems_init(&p);
		if (a->conf != NULL && runbook_set_load_dirs(rl->set,
		    a->conf->runbook_dirs, a->conf->nrunbook_dirs, &p) != 0 &&
		    p.n > 0)
			app_message(a, "runbooks: %zu problem%s, the first: %s;"
			    " run sitrep config check", p.n, p.n == 1 ? "" :
			    "s", p.v[0]);
		conf_problems_done(&p);
	}
	return rl;
}

/* ------------------------------------------------------------------ */
/* Matching and the timeline                                           */
/* ------------------------------------------------------------------ */

/* The runbook of an incident. */
const struct runbook *
runbook_live_match(struct app *a, const struct view_incident *inc,
    struct conf_kv **labels, size_t *n)
{
	struct runbook_live	*rl = rl_get(a);
	const struct runbook	*rb;
	size_t			 i;

	*labels = NULL;
	*n = 0;
	if (inc == NULL || runbook_set_count(rl->set) == 0)
		return NULL;
	/* An alert's runbook first, alerts in the incident's order. */
	for (i = 0; i < inc->nalerts; i++) {
		const struct view_alert *al = &a->views->alerts[inc->alerts[i]];

		*labels = runbook_labels_json(al->labels, n);
		if ((rb = runbook_match(rl->set, *labels, *n,
		    inc->nservices > 0 ? inc->services[0] : NULL)) != NULL)
			return rb;
		runbook_labels_free(*labels, *n);
		*labels = NULL;
		*n = 0;
	}
	/* Then a service's. */
	for (i = 0; i < inc->nservices; i++) {
		if ((rb = runbook_match(rl->set, NULL, 0,
		    inc->services[i])) != NULL)
			return rb;
	}
	return NULL;
}

/* The timeline of inc, read once per views (a rebuild re-reads it). */
static const struct incident_detail *
rl_timeline(struct app *a, const struct view_incident *inc)
{
	struct runbook_live	*rl = rl_get(a);
	char			*cause = NULL;

	if (rl->tl_views == a->views && rl->tl_build == a->last_build &&
	    rl->tl_id != NULL &&
	    strcmp(rl->tl_id, inc->id) == 0)
		return rl->tl;
	incident_detail_free(rl->tl);
	free(rl->tl_id);
	rl->tl_id = xstrdup(inc->id);
	rl->tl_views = a->views;
	rl->tl_build = a->last_build;
	rl->tl = a->ctx != NULL ? views_incident_read(a->cache, a->ctx->name,
	    inc->id, &cause) : NULL;
	free(cause);
	return rl->tl;
}

/* Whether an action step is done. */
int
runbook_live_done(struct app *a, const struct view_incident *inc,
    const struct runbook *rb, size_t step, const char *title)
{
	const struct incident_detail	*tl;
	const struct runbook_step	*st = &rb->steps[step];
	size_t				 i;

	if (st->action->kind == ACTION_ACK)
		return inc->ack_by != NULL;
	if (st->action->kind == ACTION_SILENCE)
		return inc->silenced;
	if (title == NULL || (tl = rl_timeline(a, inc)) == NULL)
		return 0;
	for (i = 0; i < tl->nevents; i++) {
		if (runbook_timeline_done(title, tl->events[i].kind,
		    tl->events[i].text))
			return 1;
	}
	return 0;
}

/* The next action of the selected incident. */
int
runbook_live_next(struct app *a, struct runbook_request *out,
    size_t *step, char **cause)
{
	const struct view_incident	*inc = panel_incidents_selected(a);
	const struct runbook		*rb;
	struct conf_kv			*labels;
	size_t				 n, i;
	int				 rc = 1;
	char				*why = NULL;

	if (inc == NULL ||
	    (rb = runbook_live_match(a, inc, &labels, &n)) == NULL)
		return 1;
	for (i = 0; i < rb->nsteps; i++) {
		if (rb->steps[i].kind != RUNBOOK_ACTION)
			continue;
		if (runbook_step_request(rb, i, labels, n, inc->id, out,
		    &why) != 0) {
			if (rb->steps[i].alternative)
				continue;
			*cause = xasprintf("runbook %s step %zu: %s", rb->name,
			    i + 1, why);
			free(why);
			rc = -1;
			break;
		}
		/* An alternative is never next: the step before it is. */
		if (rb->steps[i].alternative ||
		    runbook_live_done(a, inc, rb, i, out->title)) {
			runbook_request_done(out);
			continue;
		}
		if (step != NULL)
			*step = i;
		rc = 0;
		break;
	}
	runbook_labels_free(labels, n);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */
/* ------------------------------------------------------------------ */

/* Set a check's answer. */
static void
rl_answer(struct rl_check *c, int ok, double value, const char *error)
{
	free(c->error);
	c->error = NULL;
	c->state = ok ? RL_VALUE : RL_ERROR;
	c->value = value;
	if (!ok)
		c->error = sanitize_terminal(error, 0);
	c->done_ms = util_mono_ms();
	c->rl->a->dirty = 1;
}

/* Prometheus answered a check's instant query. */
static void
rl_prom_done(const struct http_response *r, void *arg)
{
	struct rl_check		*c = arg;
	struct prom_result	 res;
	char			*cause = NULL, *msg;

	c->http_id = 0;
	if (r->kind == HTTP_ERR_CANCELLED)
		return;
	if (!r->ok) {
		msg = xasprintf("Prometheus: %s", r->error);
		rl_answer(c, 0, 0, msg);
		free(msg);
		return;
	}
	memset(&res, 0, sizeof res);
	if (prom_parse_query(r->body, r->body_len, r->status, c->query, &res,
	    &cause) != 0) {
		rl_answer(c, 0, 0, cause);
		free(cause);
		return;
	}
	if (res.nseries == 0 || res.series[0].npoints == 0)
		rl_answer(c, 0, 0, "no data");
	else if (res.nseries > 1) {
		msg = xasprintf("%zu series; aggregate the query to one, with "
		    "sum() for example", res.nseries);
		rl_answer(c, 0, 0, msg);
		free(msg);
	} else
		rl_answer(c, 1, res.series[0].points[0].value, NULL);
	prom_result_done(&res);
}

/* Ask Prometheus. */
static void
rl_prom_start(struct runbook_live *rl, struct rl_check *c)
{
	struct http_request	 hr;
	struct url_param	 q = { "query", c->query };
	char			*url, *cause = NULL;

	if ((url = endpoint_url(&rl->ep, "/api/v1/query", &q, 1,
	    &cause)) == NULL) {
		rl_answer(c, 0, 0, cause);
		free(cause);
		return;
	}
	endpoint_request(&rl->ep, &hr, url);
	c->http_id = http_submit(rl->a->http, &hr, rl_prom_done, c, &cause);
	free(url);
	if (c->http_id < 0) {
		c->http_id = 0;
		rl_answer(c, 0, 0, cause);
		free(cause);
	}
}

/* One label matcher of a selector. */
struct rl_matcher {
	char	 label[32];
	char	 value[256];
	int	 neg;
	int	 regex;
	regex_t	 re;
};

/*
 * Parse `{l="v", l=~"re", ...}` (at most 4) at *p; the count, or -1.
 * Regexes are anchored as in PromQL.
 */
static int
rl_selector(const char *p, struct rl_matcher *m, const char **end)
{
	int	n = 0;
	size_t	l;
	char	*anch;

	if (*p++ != '{')
		return -1;
	while (*p != '}') {
		if (n == 4)
			goto fail;
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '}')
			break;
		memset(&m[n], 0, sizeof m[n]);
		l = strcspn(p, "=!~ ");
		if (l == 0 || l >= sizeof m[n].label)
			goto fail;
		memcpy(m[n].label, p, l);
		p += l;
		if (*p == '!') {
			m[n].neg = 1;
			p++;
		} else if (*p != '=')
			goto fail;
		else
			p++;
		if (*p == '~') {
			m[n].regex = 1;
			p++;
		}
		if (*p++ != '"' || (l = strcspn(p, "\"\\")) >=
		    sizeof m[n].value || p[l] != '"')
			goto fail;
		memcpy(m[n].value, p, l);
		p += l + 1;
		if (m[n].regex) {
			anch = xasprintf("^(%s)$", m[n].value);
			l = (size_t)regcomp(&m[n].re, anch, REG_EXTENDED |
			    REG_NOSUB);
			free(anch);
			if (l != 0) {
				m[n].regex = 0;
				goto fail;
			}
		}
		n++;
	}
	*end = p + 1;
	return n;
fail:
	while (n-- > 0)
		if (m[n].regex)
			regfree(&m[n].re);
	return -1;
}

/* Whether one value passes a matcher. */
static int
rl_matches(const struct rl_matcher *m, const char *v)
{
	int	hit;

	if (m->regex)
		hit = regexec(&m->re, v, 0, NULL, 0) == 0;
	else
		hit = strcmp(v, m->value) == 0;
	return m->neg ? !hit : hit;
}

/*
 * sum(kube_pod_container_status_restarts_total{...}) from the cache's
 * pods; 0 answered, -1 not that form.
 */
static int
rl_restarts(struct app *a, const char *q, double *v, char **error)
{
	static const char	 head[] =
	    "sum(kube_pod_container_status_restarts_total";
	struct rl_matcher	 m[4];
	struct runbook_pod	*pods;
	const char		*end;
	char			*cause = NULL;
	size_t			 np, k;
	int			 n, i, ok;

	if (strncmp(q, head, sizeof head - 1) != 0)
		return -1;
	if ((n = rl_selector(q + sizeof head - 1, m, &end)) < 0 ||
	    strcmp(end, ")") != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(m[i].label, "namespace") != 0 &&
		    strcmp(m[i].label, "pod") != 0) {
			*error = xasprintf("label %s is not known without "
			    "Prometheus; match on namespace and pod",
			    m[i].label);
			goto out;
		}
	}
	*v = 0;
	if (runbook_cache_pods(a->cache, a->ctx->name, &pods, &np,
	    &cause) != 0) {
		*error = cause;
		goto out;
	}
	for (k = 0; k < np; k++) {
		ok = 1;
		for (i = 0; ok && i < n; i++)
			ok = rl_matches(&m[i], strcmp(m[i].label, "pod") == 0 ?
			    pods[k].name : pods[k].namespace);
		if (ok)
			*v += pods[k].restarts;
	}
	runbook_pods_free(pods, np);
out:
	for (i = 0; i < n; i++)
		if (m[i].regex)
			regfree(&m[i].re);
	return 0;
}

/* Answer a check from the cache, in a context without Prometheus. */
static void
rl_local(struct runbook_live *rl, struct rl_check *c)
{
	struct app	*a = rl->a;
	char		*q, *key, *error = NULL;
	double		 v;
	size_t		 i;
	int		 w;

	for (i = 0; a->conf != NULL && i < a->conf->nslos; i++) {
		const struct conf_slo *s = &a->conf->slos[i];

		for (w = 0; w < PROM_NWINDOWS; w++) {
			q = prom_slo_query(s->error_query, s->total_query,
			    s->error_ratio_query, prom_window_names[w]);
			if (strcmp(q, c->query) != 0) {
				free(q);
				continue;
			}
			free(q);
			key = xasprintf("slo:%s:ratio:%s", s->name,
			    prom_window_names[w]);
			if (runbook_cache_sample(a->cache, a->ctx->name, key,
			    &v) == 0)
				rl_answer(c, 1, v, NULL);
			else
				rl_answer(c, 0, 0, "no data yet");
			free(key);
			return;
		}
	}
	if (rl_restarts(a, c->query, &v, &error) == 0) {
		if (error != NULL)
			rl_answer(c, 0, 0, error);
		else
			rl_answer(c, 1, v, NULL);
		free(error);
		return;
	}
	rl_answer(c, 0, 0, "no Prometheus in this context; without one "
	    "only an SLO's ratio query and the pod restart sum are known");
}

/* The timer: evaluate what is due, forget what is no longer asked for. */
static int64_t
rl_tick(void *arg)
{
	struct runbook_live	*rl = arg;
	struct app		*a = rl->a;
	int64_t			 now = util_mono_ms(), every;
	size_t			 i;
	char			*cause = NULL;

	every = a->ctx != NULL && a->ctx->refresh_ms > 0 ?
	    a->ctx->refresh_ms : 10000;
	if (rl->ctx != a->ctx) {
		/* Another context: another Prometheus, answers again. */
		for (i = 0; i < rl->nchecks; i++) {
			struct rl_check *c = rl->checks[i];

			if (c->http_id > 0 && a->http != NULL)
				http_cancel(a->http, c->http_id);
			c->http_id = 0;
			c->done_ms = 0;
			c->state = RL_PENDING;
		}
		if (rl->have_ep)
			endpoint_done(&rl->ep);
		rl->have_ep = 0;
		rl->ctx = a->ctx;
		if (a->ctx != NULL && a->ctx->prometheus != NULL) {
			if (endpoint_init(&rl->ep, a->ctx->prometheus,
			    a->conf != NULL && a->conf->http_max_body > 0 ?
			    (size_t)a->conf->http_max_body : 0, &cause) == 0)
				rl->have_ep = 1;
			else {
				app_message(a, "runbook checks: %s", cause);
				free(cause);
			}
		}
	}
	for (i = 0; i < rl->nchecks; ) {
		struct rl_check *c = rl->checks[i];

		if (now - c->asked_ms > RL_FORGET_MS) {
			rl_check_free(rl, c);
			rl->checks[i] = rl->checks[--rl->nchecks];
			continue;
		}
		i++;
		if (c->http_id != 0 || (c->done_ms != 0 &&
		    now - c->done_ms < every))
			continue;
		if (a->ctx == NULL)
			rl_answer(c, 0, 0, "no context");
		else if (rl->have_ep && a->http != NULL)
			rl_prom_start(rl, c);
		else if (a->ctx->prometheus != NULL)
			rl_answer(c, 0, 0, "Prometheus cannot be asked");
		else
			rl_local(rl, c);
	}
	if (rl->nchecks == 0) {
		rl->timer = NULL;
		return -1;
	}
	return every;
}

/* A check's value; new queries are evaluated from the loop. */
struct rl_result
runbook_live_check(struct app *a, const char *query)
{
	struct runbook_live	*rl = rl_get(a);
	struct rl_check		*c = NULL;
	struct rl_result	 r = { RL_PENDING, NAN, NULL };
	size_t			 i;

	for (i = 0; i < rl->nchecks; i++) {
		if (strcmp(rl->checks[i]->query, query) == 0) {
			c = rl->checks[i];
			break;
		}
	}
	if (c == NULL) {
		if (rl->nchecks == RL_MAX_CHECKS) {
			r.state = RL_ERROR;
			r.error = "too many checks at once";
			return r;
		}
		c = rl->checks[rl->nchecks++] = xcalloc(1, sizeof *c);
		c->query = xstrdup(query);
		c->rl = rl;
	}
	c->asked_ms = util_mono_ms();
	if (rl->timer == NULL && a->loop != NULL)
		rl->timer = loop_timer_add(a->loop, c->done_ms == 0 ? 0 : 1000,
		    rl_tick, rl);
	r.state = c->state;
	r.value = c->value;
	r.error = c->error;
	return r;
}
