/*
 * prom.c: the Prometheus source.
 *
 * One round submits, all at once: the active targets, the `up` vector, and
 * for every SLO the error ratio of each window at the evaluation time, plus
 * (at most every 15 minutes) the 1h error ratio over the last 24 hours in
 * 15 minute steps for the sparkline.  Where Sloth's recording rules hold
 * an SLO's window, one query per window reads it for every SLO at once
 * (backends/prom_rules.c says why that is exact); the rest are raw
 * queries, those of one window batched into one query.  Which SLOs have
 * rules is learnt from the rule answers themselves: every rule window is
 * asked on the first round and every 10 minutes, and then only for the
 * SLOs it answered.  An SLO a rule answer lacks, and the members of a
 * batch Prometheus refused, get their own raw queries in a second (and
 * third) phase of the same round.  When the last answer is in, every body
 * is parsed; any other failure fails the round (with the PromQL that
 * failed) and nothing is written, so the cache never mixes two rounds.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "backends/backend.h"
#include "backends/endpoint.h"
#include "backends/http.h"
#include "backends/poller.h"
#include "backends/prom.h"
#include "backends/prom_rules.h"
#include "backends/runtime.h"
#include "backends/url.h"
#include "base/buf.h"
#include "core/conf.h"
#include "core/store.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

#define PROM_SPARK_RANGE_MS	(24 * 3600 * 1000LL)
#define PROM_SPARK_STEP_MS	(15 * 60 * 1000LL)

const char *const prom_window_names[PROM_NWINDOWS] = {
	"5m", "30m", "1h", "2h", "6h", "1d", "3d", "period"
};

/* The length of window i. */
int64_t
prom_window_ms(int i, int64_t period_ms)
{
	static const int64_t	m = 60 * 1000;

	switch (i) {
	case 0: return 5 * m;
	case 1: return 30 * m;
	case 2: return 60 * m;
	case 3: return 120 * m;
	case 4: return 360 * m;
	case 5: return 1440 * m;
	case 6: return 3 * 1440 * m;
	default: return period_ms;
	}
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

/* Parse a sample value: Prometheus sends numbers as strings. */
static int
prom_parse_value(const cJSON *v, double *out)
{
	if (cJSON_IsString(v)) {
		if (strcmp(v->valuestring, "NaN") == 0) {
			*out = NAN;
			return 0;
		}
		if (strcmp(v->valuestring, "+Inf") == 0) {
			*out = INFINITY;
			return 0;
		}
		if (strcmp(v->valuestring, "-Inf") == 0) {
			*out = -INFINITY;
			return 0;
		}
		return util_parse_double(v->valuestring, out);
	}
	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return 0;
	}
	return -1;
}

/* Parse a [ts, "value"] pair. */
static int
prom_parse_point(const cJSON *pair, struct prom_point *p)
{
	const cJSON	*ts, *v;

	if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2)
		return -1;
	ts = cJSON_GetArrayItem(pair, 0);
	v = cJSON_GetArrayItem(pair, 1);
	if (!cJSON_IsNumber(ts) || !isfinite(ts->valuedouble))
		return -1;
	p->ts_ms = (int64_t)llround(ts->valuedouble * 1000.0);
	return prom_parse_value(v, &p->value);
}

/* A short, sanitised excerpt of a body for an error. */
static char *
prom_excerpt(const char *body, size_t len)
{
	char	*raw, *clean;

	raw = xstrndup(body, len > 160 ? 160 : len);
	clean = sanitize_terminal(raw, 0);
	free(raw);
	return clean;
}

/*
 * Parse the envelope {"status": ..., "data": ..., "errorType", "error",
 * "warnings"}.  Returns the root (caller deletes) with *data set, or NULL
 * with *cause.
 */
static cJSON *
prom_envelope(const char *body, size_t len, long status, const char *what,
    const cJSON **data, char **cause)
{
	cJSON		*root;
	const cJSON	*st, *et, *er;
	const char	*hint;
	char		*ex, *type;

	hint = endpoint_status_hint(status);
	root = cJSON_ParseWithLength(body, len);
	if ((status == 401 || status == 403) && hint != NULL) {
		/* What a refusal says is not quoted: it may echo the request. */
		*cause = xasprintf("HTTP %ld for %s: %s", status, what, hint);
		cJSON_Delete(root);
		return NULL;
	}
	if (root == NULL || !cJSON_IsObject(root)) {
		ex = prom_excerpt(body, len);
		if (status >= 400 || status < 200)
			*cause = xasprintf("HTTP %ld for %s: %s%s%s", status,
			    what, ex, hint != NULL ? "; " : "",
			    hint != NULL ? hint : "");
		else
			*cause = xasprintf("answer to %s is not valid JSON "
			    "(starts \"%s\")", what, ex);
		free(ex);
		cJSON_Delete(root);
		return NULL;
	}
	st = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsString(st) || strcmp(st->valuestring, "success") != 0) {
		et = cJSON_GetObjectItemCaseSensitive(root, "errorType");
		er = cJSON_GetObjectItemCaseSensitive(root, "error");
		ex = sanitize_terminal(cJSON_IsString(er) ? er->valuestring :
		    "no error message", 0);
		type = sanitize_terminal(cJSON_IsString(et) ? et->valuestring :
		    "error", 0);
		*cause = xasprintf("%s: %s (HTTP %ld) for %s%s%s", type, ex,
		    status, what, hint != NULL ? "; " : "",
		    hint != NULL ? hint : "");
		free(type);
		free(ex);
		cJSON_Delete(root);
		return NULL;
	}
	*data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if (*data == NULL) {
		*cause = xasprintf("answer to %s has no data", what);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* Free a parsed query result. */
void
prom_result_done(struct prom_result *r)
{
	size_t	i;

	for (i = 0; i < r->nseries; i++) {
		free(r->series[i].metric);
		free(r->series[i].points);
	}
	free(r->series);
	for (i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof *r);
}

/* The label set of a series as compact JSON text. */
static char *
prom_metric_json(const cJSON *metric)
{
	return json_text(cJSON_IsObject(metric) ? metric : NULL, "{}");
}

/* Parse a query or query_range answer. */
int
prom_parse_query(const char *body, size_t len, long status,
    const char *promql, struct prom_result *r, char **cause)
{
	cJSON		*root;
	const cJSON	*data, *rt, *res, *item, *w, *vals, *pt;
	char		*what, *q;
	size_t		 n, i;

	memset(r, 0, sizeof *r);
	q = sanitize_terminal(promql, 0);
	what = xasprintf("query %s", q);
	free(q);
	root = prom_envelope(body, len, status, what, &data, cause);
	free(what);
	if (root == NULL)
		return -1;
	w = cJSON_GetObjectItemCaseSensitive(root, "warnings");
	if (cJSON_IsArray(w)) {
		r->warnings = xcalloc((size_t)cJSON_GetArraySize(w) + 1,
		    sizeof *r->warnings);
		cJSON_ArrayForEach(item, w) {
			if (cJSON_IsString(item))
				r->warnings[r->nwarnings++] =
				    sanitize_terminal(item->valuestring, 0);
		}
	}
	rt = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	res = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsString(rt) || res == NULL)
		goto bad;
	if (strcmp(rt->valuestring, "scalar") == 0 ||
	    strcmp(rt->valuestring, "string") == 0) {
		r->type = rt->valuestring[1] == 'c' ? PROM_SCALAR : PROM_STRING;
		r->series = xcalloc(1, sizeof *r->series);
		r->series[0].metric = xstrdup("{}");
		r->series[0].points = xcalloc(1, sizeof *r->series[0].points);
		r->nseries = 1;
		if (r->type == PROM_STRING) {
			r->series[0].npoints = 0;
			goto ok;
		}
		if (prom_parse_point(res, &r->series[0].points[0]) != 0)
			goto bad;
		r->series[0].npoints = 1;
		goto ok;
	}
	if (strcmp(rt->valuestring, "vector") == 0)
		r->type = PROM_VECTOR;
	else if (strcmp(rt->valuestring, "matrix") == 0)
		r->type = PROM_MATRIX;
	else
		goto bad;
	if (!cJSON_IsArray(res))
		goto bad;
	n = (size_t)cJSON_GetArraySize(res);
	r->series = xcalloc(n + 1, sizeof *r->series);
	cJSON_ArrayForEach(item, res) {
		struct prom_series	*s = &r->series[r->nseries];

		if (!cJSON_IsObject(item))
			goto bad;
		s->metric = prom_metric_json(
		    cJSON_GetObjectItemCaseSensitive(item, "metric"));
		r->nseries++;
		if (r->type == PROM_VECTOR) {
			s->points = xcalloc(1, sizeof *s->points);
			if (prom_parse_point(cJSON_GetObjectItemCaseSensitive(
			    item, "value"), &s->points[0]) != 0)
				goto bad;
			s->npoints = 1;
			continue;
		}
		vals = cJSON_GetObjectItemCaseSensitive(item, "values");
		if (!cJSON_IsArray(vals))
			goto bad;
		s->points = xcalloc((size_t)cJSON_GetArraySize(vals) + 1,
		    sizeof *s->points);
		i = 0;
		cJSON_ArrayForEach(pt, vals) {
			if (prom_parse_point(pt, &s->points[i]) != 0)
				goto bad;
			i++;
		}
		s->npoints = i;
	}
ok:
	cJSON_Delete(root);
	return 0;
bad:
	q = sanitize_terminal(promql, 0);
	*cause = xasprintf("unexpected answer shape for query %s", q);
	free(q);
	cJSON_Delete(root);
	prom_result_done(r);
	return -1;
}

/* Free parsed targets. */
void
prom_targets_free(struct prom_target *t, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(t[i].job);
		free(t[i].instance);
		free(t[i].health);
		free(t[i].last_error);
		free(t[i].scrape_url);
		free(t[i].labels);
	}
	free(t);
}

/* Parse /api/v1/targets. */
int
prom_parse_targets(const char *body, size_t len, long status,
    struct prom_target **out, size_t *nout, char **cause)
{
	cJSON			*root;
	const cJSON		*data, *active, *item, *labels;
	struct prom_target	*t;
	size_t			 n = 0;
	char			*ls;

	*out = NULL;
	*nout = 0;
	root = prom_envelope(body, len, status, "/api/v1/targets", &data,
	    cause);
	if (root == NULL)
		return -1;
	active = cJSON_GetObjectItemCaseSensitive(data, "activeTargets");
	if (!cJSON_IsArray(active)) {
		*cause = xstrdup("answer to /api/v1/targets has no "
		    "activeTargets list");
		cJSON_Delete(root);
		return -1;
	}
	t = xcalloc((size_t)cJSON_GetArraySize(active) + 1, sizeof *t);
	cJSON_ArrayForEach(item, active) {
		if (!cJSON_IsObject(item))
			continue;
		labels = cJSON_GetObjectItemCaseSensitive(item, "labels");
		t[n].job = json_str(labels, "job");
		t[n].instance = json_str(labels, "instance");
		if (t[n].job == NULL)
			t[n].job = json_str(item, "scrapePool");
		if (t[n].job == NULL)
			t[n].job = xstrdup("");
		t[n].scrape_url = json_str(item, "scrapeUrl");
		if (t[n].instance == NULL)
			t[n].instance = xstrdup(t[n].scrape_url != NULL ?
			    t[n].scrape_url : "");
		t[n].health = json_str(item, "health");
		if (t[n].health == NULL ||
		    (strcmp(t[n].health, "up") != 0 &&
		    strcmp(t[n].health, "down") != 0)) {
			free(t[n].health);
			t[n].health = xstrdup("unknown");
		}
		t[n].last_error = json_str(item, "lastError");
		if (t[n].last_error != NULL && *t[n].last_error == '\0') {
			free(t[n].last_error);
			t[n].last_error = NULL;
		}
		ls = json_str(item, "lastScrape");
		if (ls == NULL || util_parse_rfc3339(ls, &t[n].last_scrape_ms)
		    != 0 || t[n].last_scrape_ms < 0)
			t[n].last_scrape_ms = 0;
		free(ls);
		t[n].labels = prom_metric_json(labels);
		n++;
	}
	cJSON_Delete(root);
	*out = t;
	*nout = n;
	return 0;
}

/* Count rules by type in /api/v1/rules. */
int
prom_parse_rules(const char *body, size_t len, long status,
    size_t *alerting, size_t *recording, char **cause)
{
	cJSON		*root;
	const cJSON	*data, *groups, *g, *rules, *r, *type;

	*alerting = *recording = 0;
	root = prom_envelope(body, len, status, "/api/v1/rules", &data, cause);
	if (root == NULL)
		return -1;
	groups = cJSON_GetObjectItemCaseSensitive(data, "groups");
	cJSON_ArrayForEach(g, groups) {
		if (!cJSON_IsArray(groups))
			break;
		rules = cJSON_GetObjectItemCaseSensitive(g, "rules");
		cJSON_ArrayForEach(r, rules) {
			if (!cJSON_IsArray(rules))
				break;
			type = cJSON_GetObjectItemCaseSensitive(r, "type");
			if (!cJSON_IsString(type))
				continue;
			if (strcmp(type->valuestring, "alerting") == 0)
				(*alerting)++;
			else if (strcmp(type->valuestring, "recording") == 0)
				(*recording)++;
		}
	}
	cJSON_Delete(root);
	return 0;
}

/* Count firing and pending alerts in /api/v1/alerts. */
int
prom_parse_alerts(const char *body, size_t len, long status,
    size_t *firing, size_t *pending, char **cause)
{
	cJSON		*root;
	const cJSON	*data, *alerts, *a, *state;

	*firing = *pending = 0;
	root = prom_envelope(body, len, status, "/api/v1/alerts", &data,
	    cause);
	if (root == NULL)
		return -1;
	alerts = cJSON_GetObjectItemCaseSensitive(data, "alerts");
	cJSON_ArrayForEach(a, alerts) {
		if (!cJSON_IsArray(alerts))
			break;
		state = cJSON_GetObjectItemCaseSensitive(a, "state");
		if (!cJSON_IsString(state))
			continue;
		if (strcmp(state->valuestring, "firing") == 0)
			(*firing)++;
		else if (strcmp(state->valuestring, "pending") == 0)
			(*pending)++;
	}
	cJSON_Delete(root);
	return 0;
}

/* Replace every "{{.window}}" in q with window; caller frees. */
static char *
prom_subst_window(const char *q, const char *window)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	while ((p = strstr(q, "{{.window}}")) != NULL) {
		buf_append(&b, q, (size_t)(p - q));
		buf_puts(&b, window);
		q = p + strlen("{{.window}}");
	}
	buf_puts(&b, q);
	return buf_detach(&b);
}

/* The error-ratio query of an SLO for one window. */
char *
prom_slo_query(const char *error_query, const char *total_query,
    const char *error_ratio_query, const char *window)
{
	char	*e, *t, *q;

	if (error_ratio_query != NULL)
		return prom_subst_window(error_ratio_query, window);
	e = prom_subst_window(error_query, window);
	t = prom_subst_window(total_query, window);
	q = xasprintf("(%s) / (%s)", e, t);
	free(e);
	free(t);
	return q;
}

/* ------------------------------------------------------------------ */
/* The source                                                          */
/* ------------------------------------------------------------------ */

enum prom_req_kind {
	PR_TARGETS,
	PR_UP,
	PR_SLO,		/* one window of one SLO */
	PR_SPARK,	/* one SLO's 1h ratio over 24 h */
	PR_RULE,	/* one window's Sloth rule, every SLO */
	PR_RULE_SPARK,	/* the 1h rule over 24 h, every SLO */
	PR_BATCH,	/* windows of several SLOs, raw */
	PR_BATCH_SPARK	/* the 1h ratio over 24 h of several SLOs, raw */
};

/* Probe every rule window again after this long (also the first round). */
#define PROM_RULES_PROBE_MS	(10 * 60 * 1000LL)
/*
 * Raw queries are batched up to this much PromQL, sent as a POSTed form
 * (Prometheus and its peers take one for both query endpoints), so the
 * size is not a URL's.
 */
#define PROM_BATCH_MAX		(64 * 1024)

struct prom_req {
	struct prom_state	*st;
	enum prom_req_kind	 kind;
	int			 id;		/* http id while in flight */
	char			*promql;	/* queries */
	int			 window;	/* PR_SLO, PR_RULE, PR_BATCH */
	size_t			 slo;		/* PR_SLO, PR_SPARK */
	size_t			*members;	/* PR_BATCH*: SLO indexes */
	int			*windows;	/* PR_BATCH*: their windows */
	size_t			 nmembers;
	int			 done;
	int			 parsed;
	char			*error;
	char			*body;
	size_t			 body_len;
	long			 status;
};

/* One SLO's answers in a round: its windows and its sparkline. */
struct prom_slo_round {
	int			 set[PROM_NWINDOWS];
	double			 value[PROM_NWINDOWS];
	int64_t			 ts_ms[PROM_NWINDOWS];
	unsigned		 rules;		/* windows read from rules */
	int			 spark_set;
	int			 spark_rules;
	struct store_point	*spark;
	size_t			 nspark;
};

struct prom_state {
	struct source		*src;
	struct endpoint		 ep;
	char			*init_error;
	struct prom_req		*reqs;
	size_t			 nreqs;
	size_t			 pending;
	int			 phase;		/* 1, then 2 for fallbacks */
	int64_t			 eval_ms;	/* this round's time */
	int64_t			 spark_ms;	/* last sparkline fetch, or 0 */
	int64_t			 spark_eval;	/* its evaluation time */
	/* What the rules gave last round, per configured SLO. */
	unsigned		*known;
	size_t			 nknown;
	int64_t			 probe_ms;	/* last round asking them all */
	int			 probing;	/* this round asks them all */
	/* Parsed results of the round. */
	struct prom_target	*targets;
	size_t			 ntargets;
	struct prom_result	 up;
	struct prom_slo_round	*slos;		/* per configured SLO */
	size_t			 nslos;
	int64_t			 items;
};

/* Forget the round's requests and results. */
static void
prom_reset(struct source *s)
{
	struct prom_state	*st = s->state;
	size_t			 i;

	for (i = 0; i < st->nreqs; i++) {
		free(st->reqs[i].promql);
		free(st->reqs[i].members);
		free(st->reqs[i].windows);
		free(st->reqs[i].error);
		free(st->reqs[i].body);
	}
	free(st->reqs);
	st->reqs = NULL;
	st->nreqs = st->pending = 0;
	for (i = 0; i < st->nslos; i++)
		free(st->slos[i].spark);
	free(st->slos);
	st->slos = NULL;
	st->nslos = 0;
	st->items = 0;
	prom_targets_free(st->targets, st->ntargets);
	st->targets = NULL;
	st->ntargets = 0;
	prom_result_done(&st->up);
}

/* Add a request to the round. */
static struct prom_req *
prom_add(struct prom_state *st, enum prom_req_kind kind, char *promql)
{
	struct prom_req	*r;

	st->reqs = xreallocarray(st->reqs, st->nreqs + 1, sizeof *st->reqs);
	r = &st->reqs[st->nreqs++];
	memset(r, 0, sizeof *r);
	r->st = st;
	r->kind = kind;
	r->promql = promql;
	return r;
}

/* The window text of window w for slo ("5m", or the period's "30d"). */
static void
prom_window_text(const struct conf_slo *slo, int w, char *out, size_t len)
{
	if (w == PROM_NWINDOWS - 1)
		util_format_duration(slo->period_ms, out, len);
	else
		snprintf(out, len, "%s", prom_window_names[w]);
}

/* Slo i's raw query for window w (PROM_NWINDOWS: the sparkline's 1h). */
static char *
prom_raw_query(const struct conf *conf, size_t i, int w)
{
	const struct conf_slo	*slo = &conf->slos[i];
	char			 win[32];

	prom_window_text(slo, w == PROM_NWINDOWS ? 2 : w, win, sizeof win);
	return prom_slo_query(slo->error_query, slo->total_query,
	    slo->error_ratio_query, win);
}

/* Add one SLO's own raw request (window w, or the sparkline). */
static void
prom_add_raw(struct prom_state *st, size_t i, int w)
{
	struct prom_req	*r;

	r = prom_add(st, w == PROM_NWINDOWS ? PR_SPARK : PR_SLO,
	    prom_raw_query(st->src->conf, i, w));
	r->slo = i;
	r->window = w;
}

/*
 * Add the raw requests of n (SLO, window) pairs: one alone, several
 * batched into queries of up to PROM_BATCH_MAX bytes, windows and SLOs
 * together.  The pairs are either all instant windows or all sparklines
 * (window PROM_NWINDOWS, a range query).
 */
static void
prom_add_batches(struct prom_state *st, const size_t *slo, const int *win,
    size_t n)
{
	const struct conf	*conf = st->src->conf;
	struct prom_req		*r;
	char			**q;
	size_t			 from = 0, to, len;

	q = xcalloc(n + 1, sizeof *q);
	for (to = 0; to < n; to++)
		q[to] = prom_raw_query(conf, slo[to], win[to]);
	while (from < n) {
		len = strlen(q[from]);
		for (to = from + 1; to < n &&
		    len + strlen(q[to]) + 64 <= PROM_BATCH_MAX; to++)
			len += strlen(q[to]) + 64;
		if (to - from == 1) {
			prom_add_raw(st, slo[from], win[from]);
		} else {
			r = prom_add(st, win[from] == PROM_NWINDOWS ?
			    PR_BATCH_SPARK : PR_BATCH, prom_batch_query(
			    (const char *const *)&q[from], to - from));
			r->window = win[from];
			r->nmembers = to - from;
			r->members = xcalloc(r->nmembers, sizeof *r->members);
			r->windows = xcalloc(r->nmembers, sizeof *r->windows);
			memcpy(r->members, &slo[from],
			    r->nmembers * sizeof *r->members);
			memcpy(r->windows, &win[from],
			    r->nmembers * sizeof *r->windows);
		}
		from = to;
	}
	for (to = 0; to < n; to++)
		free(q[to]);
	free(q);
}

/*
 * Add the raw requests of the n (SLO, window) pairs: the instant windows
 * batched together, the sparklines apart.
 */
static void
prom_add_raws(struct prom_state *st, const size_t *slo, const int *win,
    size_t n)
{
	size_t	*s2;
	int	*w2;
	size_t	 i, m, spark;

	s2 = xcalloc(n + 1, sizeof *s2);
	w2 = xcalloc(n + 1, sizeof *w2);
	for (spark = 0; spark < 2; spark++) {
		for (i = m = 0; i < n; i++) {
			if ((win[i] == PROM_NWINDOWS) == (int)spark) {
				s2[m] = slo[i];
				w2[m++] = win[i];
			}
		}
		if (m > 0)
			prom_add_batches(st, s2, w2, m);
	}
	free(s2);
	free(w2);
}

/*
 * Whether SLO i's window w (PROM_NWINDOWS: the sparkline's 1h) is read
 * from a Sloth rule this round: the period never is; the others when the
 * SLO has a service and its rule answered last round, or on a probing
 * round.
 */
static int
prom_expects_rule(const struct prom_state *st, size_t i, int w)
{
	if (w == PROM_NWINDOWS)
		w = 2;
	if (w >= PROM_RULE_NWINDOWS || st->src->conf->slos[i].service == NULL)
		return 0;
	return st->probing || (i < st->nknown && (st->known[i] & (1u << w)));
}

/* Set slot w of SLO i from a series' first point (none: no data). */
static void
prom_slot_series(struct prom_state *st, size_t i, int w,
    const struct prom_series *s)
{
	struct prom_slo_round	*sr = &st->slos[i];

	sr->set[w] = 1;
	sr->ts_ms[w] = st->eval_ms;
	sr->value[w] = s != NULL && s->npoints > 0 ? s->points[0].value : NAN;
}

/* Set SLO i's sparkline from a series (none: no points). */
static void
prom_spark_series(struct prom_state *st, size_t i,
    const struct prom_series *s)
{
	struct prom_slo_round	*sr = &st->slos[i];
	size_t			 k, n = s != NULL ? s->npoints : 0;

	free(sr->spark);
	sr->spark = xcalloc(n + 1, sizeof *sr->spark);
	for (k = 0; k < n; k++) {
		sr->spark[k].ts_ms = s->points[k].ts_ms;
		sr->spark[k].value = s->points[k].value;
	}
	sr->nspark = n;
	sr->spark_set = 1;
	sr->spark_rules = 0;
}

/*
 * Read a rule answer into the SLOs expecting it; an SLO it lacks (or
 * names twice) gets its raw request in phase 2.
 */
static void
prom_take_rule(struct prom_state *st, struct prom_req *r,
    const struct prom_result *res, size_t **miss, size_t *nmiss)
{
	const struct conf	*conf = st->src->conf;
	struct store_point	**pts;
	size_t			*npts, i;
	int			 w = r->kind == PR_RULE_SPARK ? PROM_NWINDOWS :
				    r->window;

	pts = xcalloc(conf->nslos + 1, sizeof *pts);
	npts = xcalloc(conf->nslos + 1, sizeof *npts);
	prom_rules_match(res, conf->slos, conf->nslos, pts, npts);
	for (i = 0; i < conf->nslos; i++) {
		struct prom_slo_round	*sr = &st->slos[i];

		if (!prom_expects_rule(st, i, w)) {
			free(pts[i]);
			continue;
		}
		if (pts[i] == NULL) {
			*miss = xreallocarray(*miss, *nmiss + 2, sizeof **miss);
			(*miss)[(*nmiss)++] = i;
			(*miss)[(*nmiss)++] = (size_t)w;
			continue;
		}
		if (w == PROM_NWINDOWS) {
			free(sr->spark);
			sr->spark = pts[i];
			sr->nspark = npts[i];
			sr->spark_set = 1;
			sr->spark_rules = 1;
		} else {
			sr->set[w] = 1;
			sr->value[w] = pts[i][0].value;
			sr->ts_ms[w] = pts[i][0].ts_ms;
			sr->rules |= 1u << w;
			free(pts[i]);
		}
	}
	free(pts);
	free(npts);
}

/*
 * ms since the epoch as Prometheus's decimal seconds ("1773480400.000"),
 * from integers so no locale's decimal comma can reach the query.
 */
static void
prom_seconds(int64_t ms, char *out, size_t len)
{
	snprintf(out, len, "%s%lld.%03lld", ms < 0 ? "-" : "",
	    (long long)(ms < 0 ? -(ms / 1000) : ms / 1000),
	    (long long)(ms < 0 ? -(ms % 1000) : ms % 1000));
}

static void	prom_done(const struct http_response *, void *);

/* Submit requests from index first on; -1 and *cause on failure. */
static int
prom_submit(struct prom_state *st, size_t first, char **cause)
{
	struct source		*s = st->src;
	struct http_request	 hr;
	struct prom_req		*r;
	struct url_param	 q[4];
	char			*url, *form, t0[32], t1[32];
	const char		*path;
	size_t			 i, nq;
	int64_t			 start;

	st->pending = st->nreqs - first;
	prom_seconds(st->eval_ms, t1, sizeof t1);
	for (i = first; i < st->nreqs; i++) {
		r = &st->reqs[i];
		switch (r->kind) {
		case PR_TARGETS:
			path = "/api/v1/targets";
			q[0].key = "state";
			q[0].value = "active";
			nq = 1;
			break;
		case PR_SPARK:
		case PR_RULE_SPARK:
		case PR_BATCH_SPARK:
			start = st->eval_ms - PROM_SPARK_RANGE_MS;
			start -= start % PROM_SPARK_STEP_MS;
			prom_seconds(start, t0, sizeof t0);
			path = "/api/v1/query_range";
			q[0].key = "query";
			q[0].value = r->promql;
			q[1].key = "start";
			q[1].value = t0;
			q[2].key = "end";
			q[2].value = t1;
			q[3].key = "step";
			q[3].value = "900";
			nq = 4;
			break;
		default:
			path = "/api/v1/query";
			q[0].key = "query";
			q[0].value = r->promql;
			q[1].key = "time";
			q[1].value = t1;
			nq = 2;
			break;
		}
		/*
		 * A batch is long: its parameters go as a POSTed form, which
		 * no URL limit of a proxy or server cuts short.
		 */
		form = NULL;
		if (r->kind == PR_BATCH || r->kind == PR_BATCH_SPARK) {
			url = (form = url_query(q, nq, cause)) != NULL ?
			    endpoint_url(&st->ep, path, NULL, 0, cause) : NULL;
		} else
			url = endpoint_url(&st->ep, path, q, nq, cause);
		if (url != NULL) {
			endpoint_request(&st->ep, &hr, url);
			hr.group = s->name;
			hr.form = form;
			r->id = http_submit(s->http, &hr, prom_done, r, cause);
			free(url);
		} else
			r->id = -1;
		free(form);
		if (r->id < 0) {
			r->id = 0;
			/* Cancel what was submitted. */
			for (size_t j = first; j < i; j++) {
				if (st->reqs[j].id > 0)
					http_cancel(s->http, st->reqs[j].id);
				st->reqs[j].id = 0;
			}
			st->pending = 0;
			return -1;
		}
	}
	return 0;
}

/* Fail the round with "Prometheus at host: cause" (frees cause). */
static void
prom_fail(struct prom_state *st, char *cause)
{
	char	*msg;

	msg = xasprintf("Prometheus at %s: %s", st->ep.host_port, cause);
	source_done(st->src, 0, msg, NULL, 0);
	free(msg);
	free(cause);
}

/*
 * Parse every answer not yet parsed.  What a rule answer lacks goes as
 * raw queries (batched per window) in the next phase, the members of a
 * batch Prometheus refused each alone; any other failure fails the
 * round.  Rule answers come only in phase 1 and lone queries are never
 * retried, so a round has three phases at most.
 */
static void
prom_finish(struct prom_state *st)
{
	struct source		*s = st->src;
	struct prom_req		*r;
	struct prom_result	 res;
	char			*cause = NULL;
	const struct prom_series **by;
	size_t			*miss = NULL, nmiss = 0, *alone = NULL, *idx;
	size_t			 nalone = 0, i, k, n, nreqs;
	int			*win;

	nreqs = st->nreqs;
	for (i = 0; i < nreqs; i++) {
		r = &st->reqs[i];
		if (r->parsed)
			continue;
		r->parsed = 1;
		if (r->error != NULL) {
			source_done(s, 0, r->error, NULL, 0);
			return;
		}
		switch (r->kind) {
		case PR_TARGETS:
			if (prom_parse_targets(r->body, r->body_len, r->status,
			    &st->targets, &st->ntargets, &cause) != 0)
				goto fail;
			break;
		case PR_UP:
			if (prom_parse_query(r->body, r->body_len, r->status,
			    r->promql, &st->up, &cause) != 0)
				goto fail;
			st->items += (int64_t)st->up.nseries;
			break;
		case PR_BATCH:
		case PR_BATCH_SPARK:
			if (prom_parse_query(r->body, r->body_len, r->status,
			    r->promql, &res, &cause) != 0) {
				/* Each alone: its own answer, or its error. */
				free(cause);
				cause = NULL;
				for (k = 0; k < r->nmembers; k++) {
					alone = xreallocarray(alone, nalone + 2,
					    sizeof *alone);
					alone[nalone++] = r->members[k];
					alone[nalone++] = (size_t)r->windows[k];
				}
				break;
			}
			by = prom_batch_index(&res, r->nmembers);
			for (k = 0; k < r->nmembers; k++) {
				if (r->kind == PR_BATCH)
					prom_slot_series(st, r->members[k],
					    r->windows[k], by[k]);
				else
					prom_spark_series(st, r->members[k],
					    by[k]);
			}
			free(by);
			st->items += (int64_t)res.nseries;
			prom_result_done(&res);
			break;
		case PR_RULE:
		case PR_RULE_SPARK:
			if (prom_parse_query(r->body, r->body_len, r->status,
			    r->promql, &res, &cause) != 0)
				goto fail;
			prom_take_rule(st, r, &res, &miss, &nmiss);
			st->items += (int64_t)res.nseries;
			prom_result_done(&res);
			break;
		case PR_SLO:
		case PR_SPARK:
			if (prom_parse_query(r->body, r->body_len, r->status,
			    r->promql, &res, &cause) != 0)
				goto fail;
			if (r->kind == PR_SLO)
				prom_slot_series(st, r->slo, r->window,
				    res.nseries > 0 ? &res.series[0] : NULL);
			else
				prom_spark_series(st, r->slo,
				    res.nseries > 0 ? &res.series[0] : NULL);
			st->items += (int64_t)res.nseries;
			prom_result_done(&res);
			break;
		}
		free(r->body);
		r->body = NULL;
	}
	if (nmiss + nalone > 0) {
		/* What the rules lacked, batched; then each alone. */
		st->phase++;
		nreqs = st->nreqs;
		idx = xcalloc(nmiss / 2 + 1, sizeof *idx);
		win = xcalloc(nmiss / 2 + 1, sizeof *win);
		for (k = n = 0; k < nmiss; k += 2) {
			idx[n] = miss[k];
			win[n++] = (int)miss[k + 1];
		}
		prom_add_raws(st, idx, win, n);
		free(idx);
		free(win);
		for (k = 0; k < nalone; k += 2)
			prom_add_raw(st, alone[k], (int)alone[k + 1]);
		free(miss);
		free(alone);
		if (prom_submit(st, nreqs, &cause) != 0)
			prom_fail(st, cause);
		return;
	}
	for (i = 0; i < st->nslos && i < st->nknown; i++)
		st->known[i] = st->slos[i].rules;
	source_done(s, 1, NULL, NULL, st->items);
	return;
fail:
	free(miss);
	free(alone);
	prom_fail(st, cause);
}

/* One answer is in. */
static void
prom_done(const struct http_response *res, void *arg)
{
	struct prom_req		*r = arg;
	struct prom_state	*st = r->st;

	r->done = 1;
	r->id = 0;
	if (res->kind == HTTP_ERR_CANCELLED)
		return;
	if (!res->ok)
		r->error = source_transport_error("Prometheus",
		    st->ep.host_port, res->error, res->kind);
	else {
		if (res->retry_after_ms > 0)
			poller_source_retry_after(st->src, res->retry_after_ms);
		r->body = xmalloc(res->body_len + 1);
		memcpy(r->body, res->body, res->body_len);
		r->body[res->body_len] = '\0';
		r->body_len = res->body_len;
		r->status = res->status;
		endpoint_json_defuse_nul(r->body, r->body_len);
	}
	if (--st->pending == 0)
		prom_finish(st);
}

/*
 * Start a round: targets, `up`, every Sloth rule window some SLO reads
 * (all of them on a probing round: the first, and every 10 minutes),
 * and the raw queries, batched per window, of what no rule gives.
 */
static void
prom_refresh(struct source *s)
{
	struct prom_state	*st = s->state;
	const struct conf	*conf = s->conf;
	size_t			 nslos = conf != NULL ? conf->nslos : 0;
	size_t			*idx, n, i;
	char			*cause = NULL;
	int			*win, w, spark, need;

	if (st->init_error != NULL) {
		source_done(s, 0, st->init_error, NULL, 0);
		return;
	}
	prom_reset(s);
	st->phase = 1;
	st->eval_ms = runtime_eval_ms(runtime_of(s));
	if (st->nknown != nslos) {
		free(st->known);
		st->known = xcalloc(nslos + 1, sizeof *st->known);
		st->nknown = nslos;
		st->probe_ms = 0;
	}
	st->probing = st->probe_ms == 0 || st->eval_ms < st->probe_ms ||
	    st->eval_ms - st->probe_ms >= PROM_RULES_PROBE_MS;
	if (st->probing)
		st->probe_ms = st->eval_ms;
	st->slos = xcalloc(nslos + 1, sizeof *st->slos);
	st->nslos = nslos;
	/*
	 * The sparkline's points sit on 15-minute steps and do not move
	 * between them: it is asked again when a step boundary has passed
	 * since the last answer (or the clock went back, or never).
	 */
	spark = st->spark_ms == 0 || st->eval_ms < st->spark_eval ||
	    st->eval_ms / PROM_SPARK_STEP_MS !=
	    st->spark_eval / PROM_SPARK_STEP_MS;

	prom_add(st, PR_TARGETS, NULL);
	prom_add(st, PR_UP, xstrdup("up"));
	idx = xcalloc((nslos + 1) * (PROM_NWINDOWS + 1), sizeof *idx);
	win = xcalloc((nslos + 1) * (PROM_NWINDOWS + 1), sizeof *win);
	n = 0;
	/* Window PROM_NWINDOWS is the sparkline (the 1h ratio over 24 h). */
	for (w = 0; w <= PROM_NWINDOWS; w++) {
		if (w == PROM_NWINDOWS && !spark)
			break;
		need = 0;
		for (i = 0; i < nslos; i++) {
			if (prom_expects_rule(st, i, w))
				need = 1;
			else {
				idx[n] = i;
				win[n++] = w;
			}
		}
		if (need && w == PROM_NWINDOWS)
			prom_add(st, PR_RULE_SPARK, prom_rules_query(2));
		else if (need)
			prom_add(st, PR_RULE, prom_rules_query(w))->window = w;
	}
	prom_add_raws(st, idx, win, n);
	free(idx);
	free(win);
	if (prom_submit(st, 0, &cause) != 0)
		prom_fail(st, cause);
}

/* Abort the requests in flight. */
static void
prom_cancel(struct source *s)
{
	struct prom_state	*st = s->state;
	size_t			 i;

	for (i = 0; i < st->nreqs; i++) {
		if (st->reqs[i].id > 0)
			http_cancel(s->http, st->reqs[i].id);
		st->reqs[i].id = 0;
	}
	st->pending = 0;
}

/* The row of a parsed target, borrowing its strings. */
void
prom_target_row(const struct prom_target *t, struct store_target *row)
{
	row->job = t->job;
	row->instance = t->instance;
	row->health = t->health;
	row->last_error = t->last_error;
	row->last_scrape_ms = t->last_scrape_ms > 0 ? t->last_scrape_ms :
	    STORE_NULL;
	row->scrape_url = t->scrape_url;
	row->labels = t->labels;
}

/* Store the series of an instant query's answer under key. */
int
prom_store_series(struct cache *cache, const char *context,
    const char *source, const char *key, const struct prom_result *res,
    char **cause)
{
	struct store_series	*rows;
	size_t			 i, n = 0;
	int			 rc;

	rows = xcalloc(res->nseries + 1, sizeof *rows);
	for (i = 0; i < res->nseries; i++) {
		if (res->series[i].npoints == 0)
			continue;
		rows[n].query_key = key;
		rows[n].metric = res->series[i].metric;
		rows[n].value = res->series[i].points[0].value;
		rows[n].ts_ms = res->series[i].points[0].ts_ms;
		n++;
	}
	rc = store_series(cache, context, source, rows, n, cause);
	free(rows);
	return rc;
}

/*
 * Store an SLO window's answer as the point of key at eval_ms.  An SLO
 * query answers one series (or none: no data).  A window with no series
 * is stored as a NULL point, so "no data" is recorded, never mistaken
 * for "not asked".
 */
int
prom_store_window(struct cache *cache, const char *context, const char *key,
    int64_t eval_ms, const struct prom_result *res, char **cause)
{
	size_t	k;

	if (res->nseries == 0 || res->series[0].npoints == 0)
		return store_window(cache, context, key, eval_ms, NAN, cause);
	for (k = 0; k < res->series[0].npoints; k++) {
		if (store_window(cache, context, key, eval_ms,
		    res->series[0].points[k].value, cause) != 0)
			return -1;
	}
	return 0;
}

/* Store a range query's first series as the whole history of key. */
int
prom_store_history(struct cache *cache, const char *context,
    const char *key, const struct prom_result *res, char **cause)
{
	struct store_point	*p;
	size_t			 k, n;
	int			 rc;

	n = res->nseries > 0 ? res->series[0].npoints : 0;
	p = xcalloc(n + 1, sizeof *p);
	for (k = 0; k < n; k++) {
		p[k].ts_ms = res->series[0].points[k].ts_ms;
		p[k].value = res->series[0].points[k].value;
	}
	rc = store_history(cache, context, key, p, n, cause);
	free(p);
	return rc;
}

/*
 * Keep one point of key: value at the round's time (store_history
 * replaces the key's points, so the cache holds the last round's only).
 */
static int
prom_store_last(struct cache *cache, const char *context, const char *key,
    int64_t ts_ms, double value, char **cause)
{
	struct store_point	p = { ts_ms, value };

	return store_history(cache, context, key, &p, 1, cause);
}

/*
 * Write the round: targets, `up`, SLO samples, and how it read them: the
 * round's number of queries as the point of "prom:<source>:queries", and
 * each SLO's windows read from Sloth's rules as the bits (1 << window, 0
 * for raw queries only) of "slo:<name>:path", the last round's only.
 */
static int
prom_store(struct source *s, struct cache *cache, int64_t now_ms,
    char **cause)
{
	struct prom_state	*st = s->state;
	const struct conf	*conf = s->conf;
	struct store_target	*rows;
	char			*key;
	size_t			 i;
	int			 rc, w;

	rows = xcalloc(st->ntargets + 1, sizeof *rows);
	for (i = 0; i < st->ntargets; i++)
		prom_target_row(&st->targets[i], &rows[i]);
	rc = store_targets(cache, s->context, s->name, rows, st->ntargets,
	    now_ms, cause);
	free(rows);
	if (rc != 0)
		return -1;
	/* How the round read: its queries, and each SLO's rule windows. */
	key = xasprintf("prom:%s:queries", s->name);
	rc = prom_store_series(cache, s->context, s->name, "up", &st->up,
	    cause) != 0 || prom_store_last(cache, s->context, key, st->eval_ms,
	    (double)st->nreqs, cause) != 0 ? -1 : 0;
	free(key);
	if (rc != 0)
		return -1;
	for (i = 0; i < st->nslos; i++) {
		struct prom_slo_round	*sr = &st->slos[i];

		key = xasprintf("slo:%s:path", conf->slos[i].name);
		rc = prom_store_last(cache, s->context, key, st->eval_ms,
		    (double)sr->rules, cause);
		free(key);
		if (rc != 0)
			return -1;
		for (w = 0; w < PROM_NWINDOWS; w++) {
			if (!sr->set[w])
				continue;
			key = xasprintf("slo:%s:ratio:%s", conf->slos[i].name,
			    prom_window_names[w]);
			rc = store_window(cache, s->context, key,
			    sr->ts_ms[w], sr->value[w], cause);
			free(key);
			if (rc != 0)
				return -1;
		}
		if (!sr->spark_set)
			continue;
		/* A fresh 24 h history replaces the old one. */
		key = xasprintf("slo:%s:spark:1h", conf->slos[i].name);
		rc = store_history(cache, s->context, key, sr->spark,
		    sr->nspark, cause);
		free(key);
		if (rc != 0)
			return -1;
		st->spark_ms = st->eval_ms;
		st->spark_eval = st->eval_ms;
	}
	return 0;
}

/* Free the source's state. */
static void
prom_free(struct source *s)
{
	struct prom_state	*st = s->state;

	if (st == NULL)
		return;
	prom_cancel(s);
	prom_reset(s);
	endpoint_done(&st->ep);
	free(st->known);
	free(st->init_error);
	free(st);
	s->state = NULL;
}

static const struct backend_ops prom_ops = {
	"prometheus",
	prom_refresh,
	prom_store,
	prom_reset,
	prom_cancel,
	prom_free,
	1
};

/* Make s a Prometheus source. */
void
prom_source_init(struct source *s, const struct conf_endpoint *ep)
{
	struct prom_state	*st;
	char			*cause = NULL;

	st = xcalloc(1, sizeof *st);
	st->src = s;
	if (endpoint_init(&st->ep, ep, s->conf != NULL &&
	    s->conf->http_max_body > 0 ? (size_t)s->conf->http_max_body : 0,
	    &cause) != 0) {
		st->init_error = cause;
		st->ep.host_port = xstrdup("?");
	}
	s->ops = &prom_ops;
	s->state = st;
	s->items_what = "series";
}
