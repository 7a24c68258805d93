/*
 * alertmanager.c: the Alertmanager source.
 *
 * A round asks every configured Alertmanager for its alerts (active,
 * silenced, inhibited and unprocessed: all of them), its silences and its
 * status.  Alerts and silences are merged by fingerprint and id; when
 * members disagree the most recently updated copy wins.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "backends/alertmanager.h"
#include "backends/backend.h"
#include "backends/endpoint.h"
#include "backends/http.h"
#include "backends/poller.h"
#include "backends/url.h"
#include "base/buf.h"
#include "core/conf.h"
#include "core/incident.h"
#include "core/loop_work.h"
#include "core/store.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

/* Parse the body as a JSON array; NULL with *cause if it is not one. */
static cJSON *
am_parse_array(const char *body, size_t len, long status, const char *what,
    char **cause)
{
	cJSON		*root;
	const char	*hint;
	char		*raw, *ex;

	if (status == 401 || status == 403) {
		/* What a refusal says is not quoted: it may echo the request. */
		*cause = xasprintf("HTTP %ld for %s: %s", status, what,
		    endpoint_status_hint(status));
		return NULL;
	}
	if (status < 200 || status >= 300) {
		raw = xstrndup(body, len > 160 ? 160 : len);
		ex = sanitize_terminal(raw, 0);
		hint = endpoint_status_hint(status);
		*cause = xasprintf("HTTP %ld for %s: %s%s%s", status, what, ex,
		    hint != NULL ? "; " : "", hint != NULL ? hint : "");
		free(raw);
		free(ex);
		return NULL;
	}
	root = cJSON_ParseWithLength(body, len);
	if (root == NULL || !cJSON_IsArray(root)) {
		*cause = xasprintf("answer to %s is not a JSON list; is this "
		    "an Alertmanager (API v2)?", what);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* Free parsed alerts. */
void
am_alerts_free(struct am_alert *a, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(a[i].fingerprint);
		free(a[i].alertname);
		free(a[i].severity);
		free(a[i].state);
		free(a[i].silenced_by);
		free(a[i].inhibited_by);
		free(a[i].labels);
		free(a[i].annotations);
		free(a[i].generator_url);
		free(a[i].receivers);
	}
	free(a);
}

/* Parse GET /api/v2/alerts. */
int
am_parse_alerts(const char *body, size_t len, long status,
    struct am_alert **out, size_t *nout, char **cause)
{
	cJSON		*root;
	const cJSON	*item, *labels, *st, *recv, *r;
	struct am_alert	*a;
	struct buf	 b;
	char		*state, *name;
	size_t		 n = 0;

	*out = NULL;
	*nout = 0;
	if ((root = am_parse_array(body, len, status, "/api/v2/alerts",
	    cause)) == NULL)
		return -1;
	a = xcalloc((size_t)cJSON_GetArraySize(root) + 1, sizeof *a);
	cJSON_ArrayForEach(item, root) {
		if (!cJSON_IsObject(item))
			continue;
		a[n].fingerprint = json_str(item, "fingerprint");
		labels = cJSON_GetObjectItemCaseSensitive(item, "labels");
		if (a[n].fingerprint == NULL || *a[n].fingerprint == '\0' ||
		    !cJSON_IsObject(labels)) {
			free(a[n].fingerprint);
			a[n].fingerprint = NULL;
			continue;	/* not an alert we can key */
		}
		a[n].alertname = json_str(labels, "alertname");
		if (a[n].alertname == NULL)
			a[n].alertname = xstrdup("");
		a[n].severity = json_str(labels, "severity");
		st = cJSON_GetObjectItemCaseSensitive(item, "status");
		state = json_str(st, "state");
		if (state == NULL || (strcmp(state, "active") != 0 &&
		    strcmp(state, "suppressed") != 0 &&
		    strcmp(state, "unprocessed") != 0)) {
			free(state);
			state = xstrdup("unprocessed");
		}
		a[n].state = state;
		a[n].silenced_by = json_member_text(st, "silencedBy", "[]");
		a[n].inhibited_by = json_member_text(st, "inhibitedBy", "[]");
		a[n].labels = json_member_text(item, "labels", "{}");
		a[n].annotations = json_member_text(item, "annotations", "{}");
		a[n].generator_url = json_str(item, "generatorURL");
		recv = cJSON_GetObjectItemCaseSensitive(item, "receivers");
		buf_init(&b, 0);
		buf_puts(&b, "[");
		cJSON_ArrayForEach(r, recv) {
			if (!cJSON_IsArray(recv))
				break;
			name = json_str(r, "name");
			if (name == NULL)
				continue;
			{
				cJSON	*s = cJSON_CreateString(name);
				char	*txt = cJSON_PrintUnformatted(s);

				buf_printf(&b, "%s%s", b.len > 1 ? "," : "",
				    txt);
				cJSON_free(txt);
				cJSON_Delete(s);
			}
			free(name);
		}
		buf_puts(&b, "]");
		a[n].receivers = buf_detach(&b);
		a[n].starts_at_ms = json_time(item, "startsAt");
		a[n].ends_at_ms = json_time(item, "endsAt");
		a[n].updated_at_ms = json_time(item, "updatedAt");
		n++;
	}
	cJSON_Delete(root);
	*out = a;
	*nout = n;
	return 0;
}

/* Free parsed silences. */
void
am_silences_free(struct am_silence *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(s[i].id);
		free(s[i].state);
		free(s[i].matchers);
		free(s[i].created_by);
		free(s[i].comment);
	}
	free(s);
}

/* Parse GET /api/v2/silences. */
int
am_parse_silences(const char *body, size_t len, long status,
    struct am_silence **out, size_t *nout, char **cause)
{
	cJSON			*root;
	const cJSON		*item, *st;
	struct am_silence	*s;
	size_t			 n = 0;

	*out = NULL;
	*nout = 0;
	if ((root = am_parse_array(body, len, status, "/api/v2/silences",
	    cause)) == NULL)
		return -1;
	s = xcalloc((size_t)cJSON_GetArraySize(root) + 1, sizeof *s);
	cJSON_ArrayForEach(item, root) {
		if (!cJSON_IsObject(item))
			continue;
		s[n].id = json_str(item, "id");
		if (s[n].id == NULL || *s[n].id == '\0') {
			free(s[n].id);
			s[n].id = NULL;
			continue;
		}
		st = cJSON_GetObjectItemCaseSensitive(item, "status");
		s[n].state = json_str(st, "state");
		if (s[n].state == NULL)
			s[n].state = xstrdup("unknown");
		s[n].matchers = json_member_text(item, "matchers", "[]");
		s[n].created_by = json_str(item, "createdBy");
		s[n].comment = json_str(item, "comment");
		s[n].starts_at_ms = json_time(item, "startsAt");
		s[n].ends_at_ms = json_time(item, "endsAt");
		s[n].updated_at_ms = json_time(item, "updatedAt");
		n++;
	}
	cJSON_Delete(root);
	*out = s;
	*nout = n;
	return 0;
}

/* Parse GET /api/v2/status. */
int
am_parse_status(const char *body, size_t len, long status,
    char **cluster_status, int *peers, char **cause)
{
	cJSON		*root;
	const cJSON	*cluster, *p;

	*cluster_status = NULL;
	*peers = 0;
	if (status < 200 || status >= 300) {
		*cause = xasprintf("HTTP %ld for /api/v2/status", status);
		return -1;
	}
	root = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("answer to /api/v2/status is not a JSON object");
		return -1;
	}
	cluster = cJSON_GetObjectItemCaseSensitive(root, "cluster");
	*cluster_status = json_str(cluster, "status");
	p = cJSON_GetObjectItemCaseSensitive(cluster, "peers");
	*peers = cJSON_IsArray(p) ? cJSON_GetArraySize(p) : 0;
	cJSON_Delete(root);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The source                                                          */
/* ------------------------------------------------------------------ */

enum am_req_kind {
	AR_ALERTS,
	AR_SILENCES,
	AR_STATUS
};

struct am_member;

struct am_req {
	struct am_member	*m;
	enum am_req_kind	 kind;
	int			 id;
	char			*error;
	char			*body;
	size_t			 body_len;
	long			 status;
};

struct am_member {
	struct am_state		*st;
	struct endpoint		 ep;
	char			*init_error;
	struct am_req		 reqs[3];
	char			*error;		/* of this round */
	struct am_alert		*alerts;
	size_t			 nalerts;
	struct am_silence	*silences;
	size_t			 nsilences;
};

struct am_state {
	struct source		*src;
	struct am_member	*members;
	size_t			 nmembers;
	size_t			 pending;
	struct loop_work	*parsing;	/* the worker's, see am_finish */
	size_t			 merged;	/* distinct alerts parsed */
};

/* Forget one member's round. */
static void
am_member_reset(struct am_member *m)
{
	int	i;

	for (i = 0; i < 3; i++) {
		free(m->reqs[i].error);
		free(m->reqs[i].body);
		memset(&m->reqs[i], 0, sizeof m->reqs[i]);
	}
	free(m->error);
	m->error = NULL;
	am_alerts_free(m->alerts, m->nalerts);
	m->alerts = NULL;
	m->nalerts = 0;
	am_silences_free(m->silences, m->nsilences);
	m->silences = NULL;
	m->nsilences = 0;
}

/* Forget the round. */
static void
am_reset(struct source *s)
{
	struct am_state	*st = s->state;
	size_t		 i;

	for (i = 0; i < st->nmembers; i++)
		am_member_reset(&st->members[i]);
	st->pending = 0;
}

/* Parse one member's answers into its lists, or set its error. */
static void
am_member_parse(struct am_member *m)
{
	char	*cause = NULL, *cs = NULL;
	int	 peers, i;

	for (i = 0; i < 3; i++) {
		if (m->reqs[i].error != NULL) {
			m->error = xstrdup(m->reqs[i].error);
			return;
		}
	}
	if (am_parse_alerts(m->reqs[AR_ALERTS].body,
	    m->reqs[AR_ALERTS].body_len, m->reqs[AR_ALERTS].status,
	    &m->alerts, &m->nalerts, &cause) != 0 ||
	    am_parse_silences(m->reqs[AR_SILENCES].body,
	    m->reqs[AR_SILENCES].body_len, m->reqs[AR_SILENCES].status,
	    &m->silences, &m->nsilences, &cause) != 0) {
		m->error = xasprintf("Alertmanager at %s: %s", m->ep.host_port,
		    cause);
		free(cause);
		return;
	}
	/* Status is informative only; a failure there is not fatal. */
	if (am_parse_status(m->reqs[AR_STATUS].body,
	    m->reqs[AR_STATUS].body_len, m->reqs[AR_STATUS].status, &cs,
	    &peers, &cause) != 0)
		free(cause);
	free(cs);
}

/* Order fingerprints for am_count_merged(). */
static int
am_cmp_fingerprint(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The number of distinct fingerprints over the members that answered: the
 * alerts the merged round stores.  Every member of an HA pair holds its
 * own copy of most alerts, so the sum of their lists counts them twice.
 */
static size_t
am_count_merged(struct am_state *st)
{
	char	**fps;
	size_t	  i, j, n = 0, distinct = 0;

	for (i = 0; i < st->nmembers; i++) {
		if (st->members[i].error == NULL)
			n += st->members[i].nalerts;
	}
	if (n == 0)
		return 0;
	fps = xcalloc(n, sizeof *fps);
	n = 0;
	for (i = 0; i < st->nmembers; i++) {
		if (st->members[i].error != NULL)
			continue;
		for (j = 0; j < st->members[i].nalerts; j++)
			fps[n++] = st->members[i].alerts[j].fingerprint;
	}
	qsort(fps, n, sizeof *fps, am_cmp_fingerprint);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(fps[i - 1], fps[i]) != 0)
			distinct++;
	}
	free(fps);
	return distinct;
}

/* Whether any member answered; the round's error or warning (see .h). */
int
am_round_outcome(const char *const *errors, size_t n, char **error,
    char **warning)
{
	struct buf	 warn;
	const char	*first = NULL;
	size_t		 i, up = 0;

	*error = *warning = NULL;
	for (i = 0; i < n; i++)
		up += errors[i] == NULL;
	if (up == 0) {
		*error = xstrdup(n > 0 ? errors[0] : "no Alertmanager");
		return 0;
	}
	if (up == n)
		return 1;
	/*
	 * A member down while another answers is a warning that says how
	 * many are down and why; it is stored with the round and shown.
	 */
	buf_init(&warn, 0);
	buf_printf(&warn, "%zu of %zu Alertmanagers did not answer (alerts "
	    "are from the others): ", n - up, n);
	for (i = 0; i < n; i++) {
		if (errors[i] == NULL)
			continue;
		buf_printf(&warn, "%s%s", first != NULL ? "; " : "",
		    errors[i]);
		if (first == NULL)
			first = errors[i];
	}
	*warning = buf_detach(&warn);
	return 1;
}

/*
 * Parse every member's answers and count the distinct alerts: on the
 * loop's worker, while the loop leaves the members alone (see am_finish).
 */
static void
am_parse_work(void *arg)
{
	struct am_state	*st = arg;
	size_t		 i;

	for (i = 0; i < st->nmembers; i++)
		am_member_parse(&st->members[i]);
	st->merged = am_count_merged(st);
}

/* The answers are parsed: say how the round went. */
static void
am_parse_done(void *arg)
{
	struct am_state	*st = arg;
	struct source	*s = st->src;
	const char	**errors;
	char		*error, *warning;
	size_t		 i;

	st->parsing = NULL;
	errors = xcalloc(st->nmembers + 1, sizeof *errors);
	for (i = 0; i < st->nmembers; i++)
		errors[i] = st->members[i].error;
	if (am_round_outcome(errors, st->nmembers, &error, &warning) == 0)
		source_done(s, 0, error, NULL, 0);
	else
		source_done(s, 1, NULL, warning, (int64_t)st->merged);
	free(errors);
	free(error);
	free(warning);
}

/*
 * Every answer is in.  Parsing thousands of alerts takes tens of
 * milliseconds, so it runs on the loop's worker and a key pressed
 * meanwhile is served at once; the round ends when the parse is over.
 */
static void
am_finish(struct am_state *st)
{
	st->parsing = loop_work_submit(st->src->loop, am_parse_work,
	    am_parse_done, st);
	if (st->parsing == NULL) {
		am_parse_work(st);
		am_parse_done(st);
	}
}

/* One answer is in. */
static void
am_done(const struct http_response *res, void *arg)
{
	struct am_req		*r = arg;
	struct am_member	*m = r->m;

	r->id = 0;
	if (res->kind == HTTP_ERR_CANCELLED)
		return;
	if (!res->ok)
		r->error = source_transport_error("Alertmanager",
		    m->ep.host_port, res->error, res->kind);
	else {
		if (res->retry_after_ms > 0)
			poller_source_retry_after(m->st->src,
			    res->retry_after_ms);
		r->body = xmalloc(res->body_len + 1);
		memcpy(r->body, res->body, res->body_len);
		r->body[res->body_len] = '\0';
		r->body_len = res->body_len;
		r->status = res->status;
		endpoint_json_defuse_nul(r->body, r->body_len);
	}
	if (--m->st->pending == 0)
		am_finish(m->st);
}

/* Start a round: three requests to every member. */
static void
am_refresh(struct source *s)
{
	static const char *const paths[3] = {
		"/api/v2/alerts", "/api/v2/silences", "/api/v2/status"
	};
	/* Every alert, silenced and inhibited ones too (for the alerts). */
	static const struct url_param all[4] = {
		{ "active", "true" }, { "silenced", "true" },
		{ "inhibited", "true" }, { "unprocessed", "true" }
	};
	struct am_state		*st = s->state;
	struct http_request	 hr;
	char			*url, *cause = NULL;
	size_t			 i;
	int			 k;

	am_reset(s);
	st->pending = st->nmembers * 3;
	for (i = 0; i < st->nmembers; i++) {
		struct am_member	*m = &st->members[i];

		for (k = 0; k < 3; k++) {
			m->reqs[k].m = m;
			m->reqs[k].kind = (enum am_req_kind)k;
		}
		if (m->init_error != NULL) {
			for (k = 0; k < 3; k++)
				m->reqs[k].error = xstrdup(m->init_error);
			st->pending -= 3;
			continue;
		}
		for (k = 0; k < 3; k++) {
			url = endpoint_url(&m->ep, paths[k], all, k == 0 ? 4 :
			    0, &cause);
			if (url != NULL) {
				endpoint_request(&m->ep, &hr, url);
				hr.group = s->name;
				m->reqs[k].id = http_submit(s->http, &hr,
				    am_done, &m->reqs[k], &cause);
				free(url);
			} else
				m->reqs[k].id = -1;
			if (m->reqs[k].id < 0) {
				m->reqs[k].id = 0;
				m->reqs[k].error = xasprintf("Alertmanager at "
				    "%s: %s", m->ep.host_port, cause);
				free(cause);
				cause = NULL;
				st->pending--;
			}
		}
	}
	if (st->pending == 0)
		am_finish(st);
}

/* Abort what is in flight. */
static void
am_cancel(struct source *s)
{
	struct am_state	*st = s->state;
	size_t		 i;
	int		 k;

	if (st->parsing != NULL) {
		loop_work_cancel(st->src->loop, st->parsing);
		st->parsing = NULL;
	}
	for (i = 0; i < st->nmembers; i++) {
		for (k = 0; k < 3; k++) {
			if (st->members[i].reqs[k].id > 0)
				http_cancel(s->http, st->members[i].reqs[k].id);
			st->members[i].reqs[k].id = 0;
		}
	}
	st->pending = 0;
}

/* The row of a parsed alert answered by source, borrowing strings. */
void
am_alert_row(const struct am_alert *a, const char *source,
    struct store_alert *row)
{
	row->source = source;
	row->fingerprint = a->fingerprint;
	row->alertname = a->alertname;
	row->severity = a->severity;
	row->state = a->state;
	row->silenced_by = a->silenced_by;
	row->inhibited_by = a->inhibited_by;
	row->labels = a->labels;
	row->annotations = a->annotations;
	row->starts_at_ms = a->starts_at_ms;
	row->ends_at_ms = a->ends_at_ms;
	row->updated_at_ms = a->updated_at_ms;
	row->generator_url = a->generator_url;
	row->receivers = a->receivers;
}

/* The row of a parsed silence answered by source, borrowing strings. */
void
am_silence_row(const struct am_silence *x, const char *source,
    struct store_silence *row)
{
	row->source = source;
	row->id = x->id;
	row->state = x->state;
	row->matchers = x->matchers;
	row->created_by = x->created_by;
	row->comment = x->comment;
	row->starts_at_ms = x->starts_at_ms;
	row->ends_at_ms = x->ends_at_ms;
	row->updated_at_ms = x->updated_at_ms;
}

/*
 * Write the merged alerts and silences: every member that answered, each
 * row marked with the member; store_alerts() merges by fingerprint.
 */
static int
am_store(struct source *s, struct cache *cache, int64_t now_ms, char **cause)
{
	struct am_state		*st = s->state;
	struct store_alert	*a;
	struct store_silence	*x;
	size_t			 i, j, na = 0, nx = 0;
	int			 rc;

	for (i = 0; i < st->nmembers; i++) {
		if (st->members[i].error == NULL) {
			na += st->members[i].nalerts;
			nx += st->members[i].nsilences;
		}
	}
	a = xcalloc(na + 1, sizeof *a);
	x = xcalloc(nx + 1, sizeof *x);
	na = nx = 0;
	for (i = 0; i < st->nmembers; i++) {
		struct am_member	*m = &st->members[i];

		if (m->error != NULL)
			continue;
		for (j = 0; j < m->nalerts; j++)
			am_alert_row(&m->alerts[j], m->ep.host_port, &a[na++]);
		for (j = 0; j < m->nsilences; j++)
			am_silence_row(&m->silences[j], m->ep.host_port,
			    &x[nx++]);
	}
	rc = store_alerts(cache, s->context, a, na, now_ms, cause) != 0 ||
	    store_silences(cache, s->context, x, nx, now_ms, cause) != 0 ||
	    incident_update(cache, s->context, s->conf, now_ms, cause) != 0 ?
	    -1 : 0;
	free(a);
	free(x);
	return rc;
}

/* Free the source's state. */
static void
am_free(struct source *s)
{
	struct am_state	*st = s->state;
	size_t		 i;

	if (st == NULL)
		return;
	am_cancel(s);
	am_reset(s);
	for (i = 0; i < st->nmembers; i++) {
		endpoint_done(&st->members[i].ep);
		free(st->members[i].init_error);
	}
	free(st->members);
	free(st);
	s->state = NULL;
}

static const struct backend_ops am_ops = {
	"alertmanager",
	am_refresh,
	am_store,
	am_reset,
	am_cancel,
	am_free,
	1
};

/* Make s the Alertmanager source for n members. */
void
am_source_init(struct source *s, const struct conf_endpoint *eps, size_t n)
{
	struct am_state	*st;
	size_t		 i, max_body;
	char		*cause = NULL;

	st = xcalloc(1, sizeof *st);
	st->src = s;
	st->members = xcalloc(n, sizeof *st->members);
	st->nmembers = n;
	max_body = s->conf != NULL && s->conf->http_max_body > 0 ?
	    (size_t)s->conf->http_max_body : 0;
	for (i = 0; i < n; i++) {
		st->members[i].st = st;
		if (endpoint_init(&st->members[i].ep, &eps[i], max_body,
		    &cause) != 0) {
			st->members[i].init_error = xasprintf("Alertmanager "
			    "%zu: %s", i + 1, cause);
			free(cause);
			cause = NULL;
			st->members[i].ep.host_port = xstrdup("?");
		}
	}
	s->ops = &am_ops;
	s->state = st;
	s->items_what = "alerts";
}
