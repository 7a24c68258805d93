/*
 * views.c: health rollup, SLO burn, alert grouping and overall status,
 * computed from the cache.
 *
 * Everything here reads; nothing writes.  The rules, in words:
 *
 *  - A service is OK, WARNING, CRITICAL or UNKNOWN, always with reasons:
 *    deployments short of ready replicas, pods in a bad state, scrape
 *    targets down, failing probes, nodes under pressure.  When every source
 *    behind it is stale (no success within three refresh intervals) or
 *    failing, it is UNKNOWN: old good news is not good news.
 *  - An SLO's ratios come from the samples Prometheus answered at the
 *    evaluation time; its verdict is the workbook's (slo.c).
 *  - Firing alerts are grouped into incidents by the configured label key.
 *  - Overall: UNKNOWN if no source is fresh; else CRITICAL, WARNING or OK
 *    as the issue of the day demands (see views_overall()).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/drill_run.h"
#include "core/escalation.h"
#include "core/incident.h"
#include "core/oncall.h"
#include "base/json.h"
#include "base/sha256.h"
#include "base/util.h"
#include "core/views.h"
#include "core/vocab.h"
#include "base/xmalloc.h"

#define VIEWS_STALE_FACTOR	3

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/* A severity label: critical > error > warning > info; page and ticket. */
enum view_severity
view_severity_parse(const char *s)
{
	if (s == NULL)
		return SEV_NONE;
	if (strcasecmp(s, "critical") == 0 || strcasecmp(s, "page") == 0 ||
	    strcasecmp(s, "crit") == 0 || strcasecmp(s, "fatal") == 0 ||
	    strcasecmp(s, "emergency") == 0)
		return SEV_CRITICAL;
	if (strcasecmp(s, "error") == 0 || strcasecmp(s, "high") == 0 ||
	    strcasecmp(s, "major") == 0)
		return SEV_ERROR;
	if (strcasecmp(s, "warning") == 0 || strcasecmp(s, "warn") == 0 ||
	    strcasecmp(s, "ticket") == 0 || strcasecmp(s, "medium") == 0 ||
	    strcasecmp(s, "minor") == 0)
		return SEV_WARNING;
	if (strcasecmp(s, "info") == 0 || strcasecmp(s, "low") == 0 ||
	    strcasecmp(s, "none") == 0 || strcasecmp(s, "notice") == 0)
		return SEV_INFO;
	return SEV_NONE;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/* A column as an allocated string, or NULL. */
static char *
views_col(sqlite3_stmt *st, int i)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Append a reason to a service. */
static void
views_reason(struct view_service *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
views_reason(struct view_service *s, const char *fmt, ...)
{
	va_list		ap;

	s->reasons = xreallocarray(s->reasons, s->nreasons + 1,
	    sizeof *s->reasons);
	va_start(ap, fmt);
	s->reasons[s->nreasons++] = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Raise a status (UNKNOWN is handled separately). */
static void
views_raise(enum view_status *s, enum view_status to)
{
	if (*s == VIEW_UNKNOWN)
		return;
	if (to > *s)
		*s = to;
}

/*
 * Whether a JSON array text has items.  The sources store it compact
 * (cJSON's output), so a list with items is "[" followed by anything but
 * "]"; NULL, "null" and "[]" have none.
 */
static int
views_json_nonempty_array(const char *json)
{
	return json != NULL && json[0] == '[' && json[1] != ']' &&
	    json[1] != '\0';
}

/*
 * Whether the labels (JSON object text) hold every key=value of match.  The
 * key "deployment" names a Kubernetes object, which alerts and series carry
 * as a deployment, service or app label, so any of those may match it.  A
 * match with no key never matches.  labels is a parsed JSON object.
 */
static int
views_labels_match(const cJSON *root, const struct conf_kv *match,
    size_t nmatch)
{
	static const char *const dep_keys[] = { "deployment", "service",
	    "app", NULL };
	const cJSON	*v;
	size_t		 i;
	int		 ok = 1, k, hit;

	if (nmatch == 0 || !cJSON_IsObject(root))
		return 0;
	for (i = 0; i < nmatch && ok; i++) {
		if (strcmp(match[i].key, "deployment") != 0) {
			v = cJSON_GetObjectItemCaseSensitive(root,
			    match[i].key);
			ok = cJSON_IsString(v) &&
			    strcmp(v->valuestring, match[i].value) == 0;
			continue;
		}
		hit = 0;
		for (k = 0; dep_keys[k] != NULL && !hit; k++) {
			v = cJSON_GetObjectItemCaseSensitive(root, dep_keys[k]);
			hit = cJSON_IsString(v) &&
			    strcmp(v->valuestring, match[i].value) == 0;
		}
		ok = hit;
	}
	return ok;
}

/* The value of key in a match list, or NULL. */
static const char *
views_match_get(const struct conf_kv *match, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(match[i].key, key) == 0)
			return match[i].value;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

/* Add a source row (or the one the config expects but never ran). */
static struct view_source *
views_add_source(struct views *v, const char *name, const char *kind)
{
	struct view_source	*s;
	size_t			 i;

	for (i = 0; i < v->nsources; i++) {
		if (strcmp(v->sources[i].name, name) == 0)
			return &v->sources[i];
	}
	v->sources = xreallocarray(v->sources, v->nsources + 1,
	    sizeof *v->sources);
	s = &v->sources[v->nsources++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->kind = xstrdup(kind);
	s->never = 1;
	s->stale = 1;
	s->age_ms = -1;
	return s;
}

/* Read the sources of the context. */
static int
views_load_sources(struct views *v, sqlite3 *db,
    const struct conf_context *ctx, int64_t now, char **cause)
{
	sqlite3_stmt		*st;
	struct view_source	*s;
	int64_t			 refresh = ctx != NULL ? ctx->refresh_ms : 15000;
	char			*name, *kind;

	/* What the configuration expects, in a fixed order. */
	if (ctx != NULL && ctx->prometheus != NULL)
		views_add_source(v, "prometheus", "prometheus");
	if (ctx != NULL && ctx->nalertmanagers > 0)
		views_add_source(v, "alertmanager", "alertmanager");
	if (ctx != NULL && ctx->kubernetes != NULL)
		views_add_source(v, "kubernetes", "kubernetes");
	if (ctx != NULL && ctx->nprobes > 0)
		views_add_source(v, "probes", "probe");
	if (sqlite3_prepare_v2(db, "SELECT name, kind, last_attempt_ms,"
	    " last_success_ms, last_error, latency_ms, items, last_warning"
	    " FROM sources WHERE context = ?1 ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("cannot read sources: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, v->context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = views_col(st, 0);
		kind = views_col(st, 1);
		s = views_add_source(v, name != NULL ? name : "?",
		    kind != NULL ? kind : "?");
		free(name);
		free(kind);
		s->last_attempt_ms = sqlite3_column_int64(st, 2);
		s->last_success_ms = sqlite3_column_type(st, 3) == SQLITE_NULL ?
		    0 : sqlite3_column_int64(st, 3);
		s->error = views_col(st, 4);
		s->latency_ms = sqlite3_column_int64(st, 5);
		s->items = sqlite3_column_int64(st, 6);
		s->warning = views_col(st, 7);
		s->never = s->last_success_ms == 0;
		s->ok = s->error == NULL && !s->never;
		s->age_ms = s->never ? -1 : now - s->last_success_ms;
		if (s->age_ms < 0 && !s->never)
			s->age_ms = 0;
		s->stale = s->never ||
		    s->age_ms > VIEWS_STALE_FACTOR * refresh;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < v->nsources; i++) {
		if (!v->sources[i].stale && v->sources[i].ok)
			v->any_fresh = 1;
	}
	return 0;
}

/* Look up a source by name. */
const struct view_source *
views_source(const struct views *v, const char *name)
{
	size_t	i;

	for (i = 0; i < v->nsources; i++) {
		if (strcmp(v->sources[i].name, name) == 0)
			return &v->sources[i];
	}
	return NULL;
}

/* Whether a source is usable: it answered lately and its last try worked. */
static int
views_source_fresh(const struct views *v, const char *name)
{
	const struct view_source	*s = views_source(v, name);

	return s != NULL && s->ok && !s->stale;
}

/* ------------------------------------------------------------------ */
/* Health                                                              */
/* ------------------------------------------------------------------ */

/*
 * A small hash map from "label=value" to a list of indexes, so matching a
 * label set against many services is a few look-ups, not a scan.
 */
struct views_map_ent {
	char	*key;		/* "label\x1fvalue"; NULL: empty slot */
	size_t	*vals;
	size_t	 nvals;
};

struct views_map {
	struct views_map_ent	*e;
	size_t			 cap;	/* a power of two */
	size_t			 n;
};

/* FNV-1a over label, a separator and value. */
static size_t
views_map_hash(const char *label, const char *value)
{
	uint64_t		 h = 1469598103934665603ULL;
	const unsigned char	*p;

	for (p = (const unsigned char *)label; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ 0x1f) * 1099511628211ULL;
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot for label=value: its entry, or the empty slot to fill. */
static struct views_map_ent *
views_map_slot(const struct views_map *m, const char *label,
    const char *value)
{
	struct views_map_ent	*e;
	size_t			 i, ll = strlen(label);

	i = views_map_hash(label, value) & (m->cap - 1);
	for (;;) {
		e = &m->e[i];
		if (e->key == NULL || (strncmp(e->key, label, ll) == 0 &&
		    e->key[ll] == '\x1f' && strcmp(e->key + ll + 1, value) == 0))
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

/* Add index i under label=value. */
static void
views_map_add(struct views_map *m, const char *label, const char *value,
    size_t i)
{
	struct views_map_ent	*e, *old;
	size_t			 oldcap, k;

	if ((m->n + 1) * 10 >= m->cap * 7) {
		old = m->e;
		oldcap = m->cap;
		m->cap = oldcap == 0 ? 64 : oldcap * 2;
		m->e = xcalloc(m->cap, sizeof *m->e);
		for (k = 0; k < oldcap; k++) {
			char	*sep;

			if (old[k].key == NULL)
				continue;
			sep = strchr(old[k].key, '\x1f');
			*sep = '\0';
			e = views_map_slot(m, old[k].key, sep + 1);
			*sep = '\x1f';
			*e = old[k];
		}
		free(old);
	}
	e = views_map_slot(m, label, value);
	if (e->key == NULL) {
		size_t	ll = strlen(label), vl = strlen(value);

		e->key = xmalloc(ll + vl + 2);
		memcpy(e->key, label, ll);
		e->key[ll] = '\x1f';
		memcpy(e->key + ll + 1, value, vl + 1);
		m->n++;
	}
	e->vals = xreallocarray(e->vals, e->nvals + 1, sizeof *e->vals);
	e->vals[e->nvals++] = i;
}

/* Make room for n keys without growing. */
static void
views_map_reserve(struct views_map *m, size_t n)
{
	size_t	cap = 64;

	if (m->cap != 0)
		return;
	while (cap * 7 <= n * 10)
		cap *= 2;
	m->cap = cap;
	m->e = xcalloc(cap, sizeof *m->e);
}

/* The indexes under label=value (borrowed), *n of them. */
static const size_t *
views_map_get(const struct views_map *m, const char *label,
    const char *value, size_t *n)
{
	struct views_map_ent	*e;

	*n = 0;
	if (m->cap == 0)
		return NULL;
	e = views_map_slot(m, label, value);
	if (e->key == NULL)
		return NULL;
	*n = e->nvals;
	return e->vals;
}

/* Free the map. */
static void
views_map_done(struct views_map *m)
{
	size_t	i;

	for (i = 0; i < m->cap; i++) {
		free(m->e[i].key);
		free(m->e[i].vals);
	}
	free(m->e);
	memset(m, 0, sizeof *m);
}

/* What one service is made of, for the rollup. */
struct views_svc_def {
	const char		*name;
	const struct conf_kv	*match;		/* configured; else NULL */
	size_t			 nmatch;
	const char		*deployment;	/* workload name, or NULL */
	const char		*namespace;	/* or NULL */
	const char		*job;		/* discovered from a job */
	size_t			*targets;	/* indexes of its targets */
	size_t			 ntargets;
	size_t			*alerts;	/* indexes of its alerts */
	size_t			 nalerts;
	size_t			*works;		/* discovered: its workloads */
	size_t			 nworks;
	char			*owned;		/* discovered: the name */
};

/* A node, read once per rebuild. */
struct views_node {
	char	 *name;
	int	  ready;
	char	**pressure;	/* condition types that are True */
	size_t	  npressure;
};

/*
 * A workload and the indexes of its pods, read once per rebuild: a
 * Deployment, StatefulSet or DaemonSet from its table (counted: its
 * replicas are known), or what owns pods without one: a Job, a
 * ReplicaSet no deployment owns, a bare Pod (its own workload), another
 * owner kind.  labels is what matches it to a service by label: the
 * selector of a table workload, else its first pod's labels.
 */
struct views_work {
	char	*kind;		/* "Deployment", "StatefulSet" ... */
	char	*ns;
	char	*name;
	int	 rank;		/* the kind's place in a listing */
	int	 counted;	/* replicas count toward ready/desired */
	int	 table;		/* read from its own table */
	int	 replicas;
	int	 ready;
	int	 updated;
	int64_t	 revision;	/* a deployment's; -1 none */
	int	 rolling;	/* a stateful set between revisions */
	int	 misscheduled;
	cJSON	*labels;
	size_t	*pods;
	size_t	 npods;
	size_t	 mark;		/* 1 + the def that last took it */
};

/* A pod of a workload, as the rollup needs it. */
struct views_pod {
	char	*name;
	char	*reason;
	char	*node;
	int64_t	 restarts;
};

/* A failing probe, read once per rebuild. */
struct views_probe {
	char	*name;
	char	*error;
	int	 ok;
	int	 has_status;
	int64_t	 status;
	int64_t	 latency_ms;
};

/* The services (def indexes) one alert matches. */
struct views_alert_defs {
	size_t	*v;
	size_t	 n;
};

/* A scrape target, read and parsed once per rebuild. */
struct views_target {
	char	*job;
	char	*instance;
	char	*health;
	char	*error;
	cJSON	*labels;
};

/*
 * Everything the rollup reads, loaded once: a rebuild with thousands of
 * services, pods and targets must stay a few milliseconds, because the
 * console rebuilds from its loop.
 */
/* An incident as core/incident.c keeps it, while it is not resolved. */
struct views_cached {
	char		*id;
	char		*key;
	char		*state;
	char		*recurrence_of;
	int		 priority;
	int64_t		 started_ms;
	char		*ack_by;
	char		*ack_reason;
	int64_t		 ack_until_ms;
	int		 ack_local;
	int64_t		 escalation;	/* levels reached */
};

struct views_health {
	sqlite3			*db;
	const char		*context;
	unsigned		 have;		/* inputs taken from a memo */
	struct views_work	*works;
	size_t			 nworks;
	struct views_pod	*pods;
	size_t			 npods;
	struct views_map	 works_by_obj;	/* kind ns/name -> works */
	struct views_map	 works_by_label; /* label (""=name) -> works */
	struct views_node	*nodes;
	size_t			 nnodes;
	struct views_target	*targets;
	size_t			 ntargets;
	struct views_svc_def	*defs;
	size_t			 ndefs;
	struct views_map	 by_label;	/* target label -> defs */
	struct views_map	 by_alert;	/* discovered: alert label */
	struct views_map	*alert_index;	/* by_label or by_alert */
	struct views_map	 probes_by;	/* "" service -> probes */
	struct views_probe	*probe_rows;
	size_t			 nprobe_rows;
	struct views_map	 slos_by;	/* "" service -> SLOs */
	cJSON			**alert_labels;	/* per alert, parsed */
	struct views_alert_defs	*alert_defs;	/* per alert: its services */
	size_t			 nalerts;
	struct views_cached	*cached;	/* incidents not resolved */
	size_t			 ncached;
};

/* Add "node N WHAT" once, as a warning. */
static void
views_node_reason(struct view_service *svc, const char *node,
    const char *what)
{
	char	*r;
	size_t	 i;

	r = xasprintf("node %s %s", node, what);
	for (i = 0; i < svc->nreasons; i++) {
		if (strcmp(svc->reasons[i], r) == 0) {
			free(r);
			return;
		}
	}
	views_raise(&svc->status, VIEW_WARNING);
	svc->reasons = xreallocarray(svc->reasons, svc->nreasons + 1,
	    sizeof *svc->reasons);
	svc->reasons[svc->nreasons++] = r;
}

/* Read every node: readiness and the pressure conditions that hold. */
static void
views_load_nodes(struct views_health *h)
{
	sqlite3_stmt	*st;
	cJSON		*root;
	const cJSON	*c, *type, *status;
	struct views_node *n;
	const char	*conds;
	size_t		 len;

	if (sqlite3_prepare_v2(h->db, "SELECT name, ready, conditions FROM"
	    " kube_nodes WHERE context = ?1", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, h->context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		h->nodes = xreallocarray(h->nodes, h->nnodes + 1,
		    sizeof *h->nodes);
		n = &h->nodes[h->nnodes++];
		memset(n, 0, sizeof *n);
		n->name = views_col(st, 0);
		if (n->name == NULL)
			n->name = xstrdup("");
		n->ready = sqlite3_column_int(st, 1);
		conds = (const char *)sqlite3_column_text(st, 2);
		if (conds == NULL || (root = cJSON_Parse(conds)) == NULL)
			continue;
		cJSON_ArrayForEach(c, root) {
			if (!cJSON_IsArray(root))
				break;
			type = cJSON_GetObjectItemCaseSensitive(c, "type");
			status = cJSON_GetObjectItemCaseSensitive(c, "status");
			if (!cJSON_IsString(type) || !cJSON_IsString(status) ||
			    strcmp(status->valuestring, "True") != 0)
				continue;
			len = strlen(type->valuestring);
			if ((len > 8 && strcmp(type->valuestring + len - 8,
			    "Pressure") == 0) ||
			    strcmp(type->valuestring, "NetworkUnavailable") ==
			    0) {
				n->pressure = xreallocarray(n->pressure,
				    n->npressure + 1, sizeof *n->pressure);
				n->pressure[n->npressure++] =
				    xstrdup(type->valuestring);
			}
		}
		cJSON_Delete(root);
	}
	sqlite3_finalize(st);
}

/* The node named name, or NULL. */
static const struct views_node *
views_node(const struct views_health *h, const char *name)
{
	size_t	i;

	for (i = 0; i < h->nnodes; i++) {
		if (strcmp(h->nodes[i].name, name) == 0)
			return &h->nodes[i];
	}
	return NULL;
}

/* Read every target once, labels parsed. */
static void
views_load_targets(struct views_health *h)
{
	sqlite3_stmt		*st;
	struct views_target	*t;
	const char		*labels;

	if (sqlite3_prepare_v2(h->db, "SELECT job, instance, health,"
	    " last_error, labels FROM targets WHERE context = ?1 ORDER BY"
	    " job, instance", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, h->context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		h->targets = xreallocarray(h->targets, h->ntargets + 1,
		    sizeof *h->targets);
		t = &h->targets[h->ntargets++];
		t->job = views_col(st, 0);
		t->instance = views_col(st, 1);
		t->health = views_col(st, 2);
		t->error = views_col(st, 3);
		labels = (const char *)sqlite3_column_text(st, 4);
		t->labels = labels != NULL ? cJSON_Parse(labels) : NULL;
		if (t->job == NULL)
			t->job = xstrdup("");
		if (t->instance == NULL)
			t->instance = xstrdup("");
	}
	sqlite3_finalize(st);
}

/* Kinds of workload in the order a service lists them; others after. */
static const char *const views_work_kinds[] = { "Deployment",
    "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "Pod", NULL };

/* Pod labels that name the application a workload belongs to. */
static const char *const views_app_keys[] = { "app.kubernetes.io/name",
    "app.kubernetes.io/instance", "app", "k8s-app", NULL };

/* The workload kind/ns/name, or NULL. */
static struct views_work *
views_work_find(struct views_health *h, const char *kind, const char *ns,
    const char *name)
{
	const size_t	*found;
	size_t		 n;
	char		*key = xasprintf("%s/%s", ns, name);

	found = views_map_get(&h->works_by_obj, kind, key, &n);
	free(key);
	return n > 0 ? &h->works[found[0]] : NULL;
}

/* Add a workload (labels taken, may be NULL) and index it. */
static struct views_work *
views_work_add(struct views_health *h, const char *kind, const char *ns,
    const char *name, cJSON *labels)
{
	struct views_work	*w;
	const cJSON		*l;
	char			*key;
	int			 k;

	h->works = xreallocarray(h->works, h->nworks + 1, sizeof *h->works);
	w = &h->works[h->nworks];
	memset(w, 0, sizeof *w);
	w->kind = xstrdup(kind);
	w->ns = xstrdup(ns);
	w->name = xstrdup(name);
	w->revision = -1;
	w->labels = cJSON_IsObject(labels) ? labels : NULL;
	if (w->labels == NULL)
		cJSON_Delete(labels);
	for (k = 0; views_work_kinds[k] != NULL; k++) {
		if (strcmp(views_work_kinds[k], kind) == 0)
			break;
	}
	w->rank = k;
	key = xasprintf("%s/%s", ns, name);
	views_map_add(&h->works_by_obj, kind, key, h->nworks);
	free(key);
	views_map_add(&h->works_by_label, "", name, h->nworks);
	cJSON_ArrayForEach(l, w->labels) {
		if (cJSON_IsString(l) && l->string != NULL && *l->string != '\0')
			views_map_add(&h->works_by_label, l->string,
			    l->valuestring, h->nworks);
	}
	return &h->works[h->nworks++];
}

/*
 * Read the workloads of one table; every query gives namespace, name,
 * replicas, ready, updated, revision, rolling, misscheduled, selector.
 */
static void
views_load_works(struct views_health *h, const char *kind, const char *sql)
{
	sqlite3_stmt		*st;
	struct views_work	*w;
	const char		*ns, *name, *sel;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, h->context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ns = (const char *)sqlite3_column_text(st, 0);
		name = (const char *)sqlite3_column_text(st, 1);
		if (ns == NULL || name == NULL)
			continue;
		sel = (const char *)sqlite3_column_text(st, 8);
		w = views_work_add(h, kind, ns, name, sel != NULL ?
		    cJSON_Parse(sel) : NULL);
		w->table = w->counted = 1;
		w->replicas = sqlite3_column_int(st, 2);
		w->ready = sqlite3_column_int(st, 3);
		w->updated = sqlite3_column_int(st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			w->revision = sqlite3_column_int64(st, 5);
		w->rolling = sqlite3_column_int(st, 6) != 0;
		w->misscheduled = sqlite3_column_int(st, 7);
	}
	sqlite3_finalize(st);
}

/*
 * The workload a pod belongs to, by its owners: a ReplicaSet's
 * deployment (rs_owner), a StatefulSet, DaemonSet or Job, whatever else
 * owns it, or the pod itself when nothing does.  Workloads without a
 * table of their own are made on first sight, labelled as the pod is.
 */
static struct views_work *
views_pod_work(struct views_health *h, const char *ns, const char *pod,
    const char *owner_kind, const char *owner_name, const char *rs_owner,
    const char *labels)
{
	struct views_work	*w = NULL;
	const char		*kind = "Pod", *name = pod;

	if (owner_kind != NULL && owner_name != NULL && *owner_kind != '\0') {
		if (strcmp(owner_kind, "ReplicaSet") == 0 && rs_owner != NULL)
			w = views_work_find(h, "Deployment", ns, rs_owner);
		if (w != NULL)
			return w;
		kind = owner_kind;
		name = owner_name;
	}
	if ((w = views_work_find(h, kind, ns, name)) != NULL)
		return w;
	w = views_work_add(h, kind, ns, name, labels != NULL ?
	    cJSON_Parse(labels) : NULL);
	/* A Job's pods run to completion: they are not replicas. */
	w->counted = strcmp(kind, "Job") != 0;
	return w;
}

/*
 * Read every workload and every pod, worst first, and hang each pod on
 * the workload that owns it: a handful of queries per rebuild.
 */
static void
views_load_kube(struct views_health *h)
{
	sqlite3_stmt		*st;
	struct views_work	*w;
	struct views_pod	*p;
	const char		*ns, *name, *phase;
	int			 ready;

	views_load_works(h, "Deployment", "SELECT namespace, name, replicas,"
	    " ready_replicas, updated_replicas, revision, 0, 0, selector FROM"
	    " kube_deployments WHERE context = ?1 ORDER BY name, namespace");
	views_load_works(h, "StatefulSet", "SELECT namespace, name, replicas,"
	    " ready_replicas, updated_replicas, NULL, coalesce(current_revision"
	    " <> update_revision, 0), 0, selector FROM kube_statefulsets WHERE"
	    " context = ?1 ORDER BY name, namespace");
	views_load_works(h, "DaemonSet", "SELECT namespace, name, desired,"
	    " ready, updated, NULL, 0, misscheduled, selector FROM"
	    " kube_daemonsets WHERE context = ?1 ORDER BY name, namespace");
	if (sqlite3_prepare_v2(h->db, "SELECT p.namespace, p.name,"
	    " p.owner_kind, p.owner_name, r.owner_name, p.reason, p.restarts,"
	    " p.node, p.ready, p.phase, p.labels FROM kube_pods p LEFT JOIN"
	    " kube_replicasets r ON p.owner_kind = 'ReplicaSet' AND"
	    " r.context = p.context AND r.namespace = p.namespace AND"
	    " r.name = p.owner_name WHERE p.context = ?1 ORDER BY"
	    " p.restarts DESC, p.name", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, h->context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ns = (const char *)sqlite3_column_text(st, 0);
		name = (const char *)sqlite3_column_text(st, 1);
		if (ns == NULL || name == NULL)
			continue;
		w = views_pod_work(h, ns, name,
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 10));
		if (w->counted && !w->table) {
			/* Counted from its pods: those meant to be running. */
			phase = (const char *)sqlite3_column_text(st, 9);
			ready = sqlite3_column_int(st, 8) != 0;
			if (phase == NULL || strcmp(phase, "Succeeded") != 0) {
				w->replicas++;
				w->updated++;
				w->ready += ready;
			}
		}
		h->pods = xreallocarray(h->pods, h->npods + 1,
		    sizeof *h->pods);
		p = &h->pods[h->npods];
		p->name = views_col(st, 1);
		p->reason = views_col(st, 5);
		p->restarts = sqlite3_column_int64(st, 6);
		p->node = views_col(st, 7);
		w->pods = xreallocarray(w->pods, w->npods + 1,
		    sizeof *w->pods);
		w->pods[w->npods++] = h->npods++;
	}
	sqlite3_finalize(st);
}

/* The value of the first application label of labels, or NULL. */
static const char *
views_app_label(const cJSON *labels)
{
	const cJSON	*v;
	int		 k;

	for (k = 0; views_app_keys[k] != NULL; k++) {
		v = cJSON_GetObjectItemCaseSensitive(labels, views_app_keys[k]);
		if (cJSON_IsString(v) && *v->valuestring != '\0')
			return v->valuestring;
	}
	return NULL;
}

/*
 * Whether workload w belongs to configured service d: in d's namespace
 * (if it names one), and named as d's workload, or labelled with it as
 * the application, or labelled with every label d matches (its
 * namespace aside, which is w's namespace, not a label).
 */
static int
views_work_matches(const struct views_work *w, const struct views_svc_def *d)
{
	struct conf_kv	 kv[32];
	const cJSON	*v;
	size_t		 i, n = 0;
	int		 k;

	if (d->namespace != NULL && strcmp(w->ns, d->namespace) != 0)
		return 0;
	if (d->deployment != NULL) {
		if (strcmp(w->name, d->deployment) == 0)
			return 1;
		for (k = 0; views_app_keys[k] != NULL; k++) {
			v = cJSON_GetObjectItemCaseSensitive(w->labels,
			    views_app_keys[k]);
			if (cJSON_IsString(v) &&
			    strcmp(v->valuestring, d->deployment) == 0)
				return 1;
		}
	}
	for (i = 0; i < d->nmatch && n < sizeof kv / sizeof kv[0]; i++) {
		if (strcmp(d->match[i].key, "namespace") != 0)
			kv[n++] = d->match[i];
	}
	return n > 0 && n == d->nmatch - (d->namespace != NULL) &&
	    views_labels_match(w->labels, kv, n);
}

/* Order workloads by kind, namespace, name. */
static int
views_work_cmp(const void *pa, const void *pb)
{
	const struct views_work	*a = *(const struct views_work *const *)pa;
	const struct views_work	*b = *(const struct views_work *const *)pb;
	int			 c;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if ((c = strcmp(a->kind, b->kind)) != 0 ||
	    (c = strcmp(a->ns, b->ns)) != 0)
		return c;
	return strcmp(a->name, b->name);
}

/* Add the workloads under label=value that def di takes to *out. */
static void
views_def_take(struct views_health *h, size_t di, const char *label,
    const char *value, struct views_work ***out, size_t *nout)
{
	struct views_work	*w;
	const size_t		*found;
	size_t			 n, i;

	found = views_map_get(&h->works_by_label, label, value, &n);
	for (i = 0; i < n; i++) {
		w = &h->works[found[i]];
		if (w->mark == di + 1 || !views_work_matches(w, &h->defs[di]))
			continue;
		w->mark = di + 1;
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		(*out)[(*nout)++] = w;
	}
}

/*
 * The workloads of def di, sorted: a discovered service's were given
 * to it; a configured one's are found through the label index (by name,
 * by application label, by each label it matches) and checked in full.
 */
static struct views_work **
views_def_works(struct views_health *h, size_t di, size_t *n)
{
	const struct views_svc_def	*d = &h->defs[di];
	struct views_work		**out = NULL;
	static const char *const	 dep_keys[] = { "deployment",
	    "service", "app", NULL };
	size_t				 i;
	int				 k;

	*n = 0;
	if (d->owned != NULL) {
		for (i = 0; i < d->nworks; i++) {
			out = xreallocarray(out, *n + 1, sizeof *out);
			out[(*n)++] = &h->works[d->works[i]];
		}
	} else {
		if (d->deployment != NULL) {
			views_def_take(h, di, "", d->deployment, &out, n);
			for (k = 0; views_app_keys[k] != NULL; k++)
				views_def_take(h, di, views_app_keys[k],
				    d->deployment, &out, n);
		}
		for (i = 0; i < d->nmatch; i++) {
			if (strcmp(d->match[i].key, "namespace") == 0)
				continue;
			if (strcmp(d->match[i].key, "deployment") != 0) {
				views_def_take(h, di, d->match[i].key,
				    d->match[i].value, &out, n);
				continue;
			}
			for (k = 0; dep_keys[k] != NULL; k++)
				views_def_take(h, di, dep_keys[k],
				    d->match[i].value, &out, n);
		}
	}
	if (*n > 1)
		qsort(out, *n, sizeof *out, views_work_cmp);
	return out;
}

/* The counts and rollout of one workload, in words. */
static void
views_work_reasons(struct view_service *svc, const struct views_work *w)
{
	if (!w->counted)
		return;
	if (svc->ready < 0)
		svc->ready = svc->desired = 0;
	svc->ready += w->ready;
	svc->desired += w->replicas;
	if (w->replicas == 0) {
		if (strcmp(w->kind, "DaemonSet") == 0)
			views_reason(svc, "%s runs on no node", w->name);
		else if (w->table)
			views_reason(svc, "%s scaled to 0", w->name);
	} else if (w->ready == 0) {
		views_raise(&svc->status, VIEW_CRITICAL);
		views_reason(svc, "0/%d ready", w->replicas);
	} else if (w->ready < w->replicas) {
		views_raise(&svc->status, VIEW_WARNING);
		views_reason(svc, "%d/%d ready", w->ready, w->replicas);
	}
	if (w->replicas > 0 && (w->updated < w->replicas || w->rolling)) {
		views_raise(&svc->status, VIEW_WARNING);
		if (w->revision >= 0)
			views_reason(svc, "rollout in progress (revision %lld, "
			    "%d/%d updated)", (long long)w->revision,
			    w->updated, w->replicas);
		else
			views_reason(svc, "rollout of %s in progress (%d/%d "
			    "updated)", w->name, w->updated, w->replicas);
	}
	if (w->misscheduled > 0) {
		views_raise(&svc->status, VIEW_WARNING);
		views_reason(svc, "%s runs %d %s where it should not",
		    w->name, w->misscheduled, vocab_plural((size_t)
		    w->misscheduled, "pod", "pods"));
	}
}

/*
 * Add the Kubernetes part: the service's workloads of every kind, their
 * pods, their nodes.
 */
static void
views_health_kube(struct view_service *svc, const struct views_svc_def *d,
    struct views_health *h, int *used)
{
	const struct views_node	*node;
	const struct views_pod	*pod;
	struct views_work	**works;
	const struct views_work	*w;
	size_t			 n, i, j, k;

	works = views_def_works(h, (size_t)(d - h->defs), &n);
	for (i = 0; i < n; i++) {
		w = works[i];
		*used = 1;
		if (strcmp(w->kind, "Deployment") == 0) {
			svc->deployments = xreallocarray(svc->deployments,
			    svc->ndeployments + 1, sizeof *svc->deployments);
			svc->deployments[svc->ndeployments++] =
			    xasprintf("%s/%s", w->ns, w->name);
		}
		svc->workloads = xreallocarray(svc->workloads,
		    svc->nworkloads + 1, sizeof *svc->workloads);
		svc->workloads[svc->nworkloads++] = xasprintf("%s %s/%s",
		    w->kind, w->ns, w->name);
		views_work_reasons(svc, w);
		/* Pods, worst first (the order they were read in). */
		for (j = 0; j < w->npods; j++) {
			pod = &h->pods[w->pods[j]];
			if (pod->reason != NULL) {
				views_raise(&svc->status, VIEW_WARNING);
				if (pod->restarts > 0)
					views_reason(svc, "pod %s %s, %lld %s",
					    pod->name, pod->reason,
					    (long long)pod->restarts,
					    vocab_plural((size_t)pod->restarts,
					    "restart", "restarts"));
				else
					views_reason(svc, "pod %s %s",
					    pod->name, pod->reason);
			}
			if (pod->node == NULL ||
			    (node = views_node(h, pod->node)) == NULL)
				continue;
			if (!node->ready)
				views_node_reason(svc, node->name, "NotReady");
			for (k = 0; k < node->npressure; k++)
				views_node_reason(svc, node->name,
				    node->pressure[k]);
		}
	}
	free(works);
}

/* Add the Prometheus part: the service's scrape targets. */
static void
views_health_targets(struct view_service *svc, const struct views_svc_def *d,
    struct views_health *h, int *used)
{
	const struct views_target	*t;
	size_t				 i;
	int				 up = 0, down = 0;

	for (i = 0; i < d->ntargets; i++) {
		t = &h->targets[d->targets[i]];
		*used = 1;
		if (t->health != NULL && strcmp(t->health, "up") == 0) {
			up++;
			continue;
		}
		down++;
		if (t->error != NULL && *t->error != '\0')
			views_reason(svc, "target %s down: %s", t->instance,
			    t->error);
		else
			views_reason(svc, "target %s %s", t->instance,
			    t->health != NULL ? t->health : "down");
	}
	if (down > 0 && up == 0)
		views_raise(&svc->status, VIEW_CRITICAL);
	else if (down > 0)
		views_raise(&svc->status, VIEW_WARNING);
}

/* Read every probe once, grouped by service. */
static void
views_load_probes(struct views_health *h)
{
	sqlite3_stmt		*st;
	struct views_probe	*p;
	const char		*service;

	if (sqlite3_prepare_v2(h->db, "SELECT service, name, ok, status,"
	    " latency_ms, error FROM probes WHERE context = ?1 ORDER BY name",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, h->context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		service = (const char *)sqlite3_column_text(st, 0);
		if (service == NULL)
			continue;
		h->probe_rows = xreallocarray(h->probe_rows,
		    h->nprobe_rows + 1, sizeof *h->probe_rows);
		p = &h->probe_rows[h->nprobe_rows];
		p->name = views_col(st, 1);
		if (p->name == NULL)
			p->name = xstrdup("?");
		p->ok = sqlite3_column_int(st, 2);
		p->has_status = sqlite3_column_type(st, 3) != SQLITE_NULL;
		p->status = sqlite3_column_int64(st, 3);
		p->latency_ms = sqlite3_column_int64(st, 4);
		p->error = views_col(st, 5);
		views_map_add(&h->probes_by, "", service, h->nprobe_rows++);
	}
	sqlite3_finalize(st);
}

/* Add the probe part. */
static void
views_health_probes(struct view_service *svc, struct views_health *h,
    int *used)
{
	const struct views_probe	*p;
	const size_t			*found;
	size_t				 n, i;

	found = views_map_get(&h->probes_by, "", svc->name, &n);
	for (i = 0; i < n; i++) {
		p = &h->probe_rows[found[i]];
		*used = 1;
		if (p->ok)
			continue;
		views_raise(&svc->status, VIEW_CRITICAL);
		if (p->has_status)
			views_reason(svc, "probe %s %lld in %lld ms", p->name,
			    (long long)p->status, (long long)p->latency_ms);
		else
			views_reason(svc, "probe %s failed: %s", p->name,
			    p->error != NULL ? p->error : "no answer");
	}
}

/*
 * Add the alert part: each firing alert that matches the service, named
 * once per alertname and severity.  A critical one makes it CRITICAL, an
 * error or a warning WARNING; info and none say nothing about health.  A
 * silenced or inhibited alert is named as such but does not count: someone
 * has taken it in hand.
 */
static void
views_health_alerts(struct view_service *svc, const struct views_svc_def *d,
    const struct views *v, int *used)
{
	const struct view_alert	*a, *b;
	size_t			 i, j, n;
	int			 quiet, seen;

	for (i = 0; i < d->nalerts; i++) {
		a = &v->alerts[d->alerts[i]];
		if (a->severity < SEV_WARNING)
			continue;
		*used = 1;
		quiet = a->silenced || a->inhibited;
		/* Named once: the first of its name, severity and flag. */
		seen = 0;
		n = 1;
		for (j = 0; j < d->nalerts; j++) {
			b = &v->alerts[d->alerts[j]];
			if (j == i || b->severity != a->severity ||
			    (b->silenced || b->inhibited) != quiet ||
			    strcmp(b->alertname, a->alertname) != 0)
				continue;
			if (j < i)
				seen = 1;
			n++;
		}
		if (seen)
			continue;
		if (!quiet)
			views_raise(&svc->status, a->severity == SEV_CRITICAL ?
			    VIEW_CRITICAL : VIEW_WARNING);
		if (n > 1)
			views_reason(svc, "alert %s (%s, %zu firing%s)",
			    a->alertname, vocab_severity_word(a->severity), n,
			    !quiet ? "" : a->silenced ? ", silenced" :
			    ", inhibited");
		else
			views_reason(svc, "alert %s (%s%s)", a->alertname,
			    vocab_severity_word(a->severity), !quiet ? "" :
			    a->silenced ? ", silenced" : ", inhibited");
	}
}

/*
 * Add the SLO part: an SLO of the service that has no data at all is a
 * reason, never a silent OK, and says why as far as the views know.
 */
static void
views_health_slos(struct view_service *svc, const struct views *v,
    const struct views_health *h)
{
	const struct view_source	*prom = views_source(v, "prometheus");
	const struct view_slo		*o;
	const size_t			*found;
	size_t				 n, i;
	int				 w, data;

	found = views_map_get(&h->slos_by, "", svc->name, &n);
	for (i = 0; i < n; i++) {
		o = &v->slos[found[i]];
		for (w = 0, data = 0; w < SLO_NWINDOWS && !data; w++)
			data = !isnan(o->ratio[w]);
		if (data)
			continue;
		if (prom == NULL)
			views_reason(svc, "SLO %s: no data, no Prometheus in "
			    "this context", o->name);
		else if (prom->never)
			views_reason(svc, "SLO %s: no data yet from prometheus",
			    o->name);
		else if (!prom->ok || prom->stale)
			views_reason(svc, "SLO %s: no data, prometheus is not "
			    "answering", o->name);
		else
			views_reason(svc, "SLO %s: no data, query returns "
			    "nothing", o->name);
		if (svc->status == VIEW_OK)
			svc->status = VIEW_UNKNOWN;
	}
}

/* Roll one service up from everything that describes it. */
static void
views_health_one(struct views *v, struct views_health *h,
    const struct views_svc_def *d)
{
	struct view_service	*svc;
	int			 kube = 0, prom = 0, probes = 0, stale = 0;
	int			 alerts = 0, parts = 0;
	char			 age[32];

	v->services = xreallocarray(v->services, v->nservices + 1,
	    sizeof *v->services);
	svc = &v->services[v->nservices++];
	memset(svc, 0, sizeof *svc);
	svc->name = xstrdup(d->name);
	svc->ready = svc->desired = -1;
	svc->status = VIEW_OK;
	views_health_kube(svc, d, h, &kube);
	views_health_targets(svc, d, h, &prom);
	views_health_probes(svc, h, &probes);
	views_health_alerts(svc, d, v, &alerts);

	/* The sources behind it: stale or failed ones make it UNKNOWN. */
	{
		const char	*names[4] = { "kubernetes", "prometheus",
		    "probes", "alertmanager" };
		int		 uses[4] = { kube || d->deployment != NULL,
		    prom, probes, alerts };
		int		 i;

		for (i = 0; i < 4; i++) {
			const struct view_source	*src;

			if (!uses[i])
				continue;
			if ((src = views_source(v, names[i])) == NULL)
				continue;
			parts++;
			if (views_source_fresh(v, names[i]))
				continue;
			stale++;
			if (src->never)
				views_reason(svc, "no data yet from %s",
				    names[i]);
			else if (!src->ok)
				views_reason(svc, "%s failed; data is %s old",
				    names[i], util_format_duration(src->age_ms,
				    age, sizeof age));
			else
				views_reason(svc, "%s data is stale (%s old)",
				    names[i], util_format_duration(src->age_ms,
				    age, sizeof age));
		}
	}
	if (!kube && !prom && !probes && !alerts && stale == 0) {
		svc->status = VIEW_UNKNOWN;
		views_reason(svc, "nothing matches this service yet");
	} else if (parts > 0 && stale == parts)
		svc->status = VIEW_UNKNOWN;
	else if (stale > 0 && svc->status == VIEW_OK)
		svc->status = VIEW_UNKNOWN;
	views_health_slos(svc, v, h);
}

/*
 * Index a configured service by its most telling label, so targets and
 * alerts find their candidates without trying every service; a match on
 * "deployment" is indexed under each label that may carry it.
 */
static void
views_index_def(struct views_map *m, const struct views_svc_def *d,
    size_t i)
{
	static const char *const prefer[] = { "service", "deployment", "job",
	    "app", NULL };
	static const char *const dep_keys[] = { "deployment", "service",
	    "app", NULL };
	const struct conf_kv	*kv = NULL;
	size_t			 j;
	int			 k;

	for (k = 0; prefer[k] != NULL && kv == NULL; k++) {
		for (j = 0; j < d->nmatch; j++) {
			if (strcmp(d->match[j].key, prefer[k]) == 0) {
				kv = &d->match[j];
				break;
			}
		}
	}
	if (kv == NULL && d->nmatch > 0)
		kv = &d->match[0];
	if (kv == NULL)
		return;
	if (strcmp(kv->key, "deployment") != 0) {
		views_map_add(m, kv->key, kv->value, i);
		return;
	}
	for (k = 0; dep_keys[k] != NULL; k++)
		views_map_add(m, dep_keys[k], kv->value, i);
}

/* Whether def i (configured or discovered) matches a label set. */
static int
views_def_matches(const struct views_svc_def *d, const cJSON *labels)
{
	if (d->match != NULL)
		return views_labels_match(labels, d->match, d->nmatch);
	return 1;	/* a discovered service: the index key is the match */
}

/*
 * The defs a label set matches, through an index: each of its labels is
 * looked up, candidates are checked in full, each def reported once.
 */
static void
views_index_lookup(const struct views_map *m, const struct views_svc_def *defs,
    const cJSON *labels, void (*hit)(size_t, void *), void *arg)
{
	const cJSON	*l;
	const size_t	*vals;
	size_t		 n, i, j, *seen = NULL, nseen = 0;

	if (!cJSON_IsObject(labels))
		return;
	cJSON_ArrayForEach(l, labels) {
		if (!cJSON_IsString(l) || l->string == NULL)
			continue;
		vals = views_map_get(m, l->string, l->valuestring, &n);
		for (i = 0; i < n; i++) {
			for (j = 0; j < nseen && seen[j] != vals[i]; j++)
				;
			if (j < nseen)
				continue;
			seen = xreallocarray(seen, nseen + 1, sizeof *seen);
			seen[nseen++] = vals[i];
			if (views_def_matches(&defs[vals[i]], labels))
				hit(vals[i], arg);
		}
	}
	free(seen);
}

/* A target found its service. */
struct views_target_hit {
	struct views_health	*h;
	size_t			 target;
};

/* An alert found its service. */
struct views_alert_def_hit {
	struct views_health	*h;
	size_t			 alert;
};

/* Record that alert a matches def i, both ways. */
static void
views_alert_def_hit(size_t i, void *arg)
{
	struct views_alert_def_hit	*ah = arg;
	struct views_alert_defs		*ad = &ah->h->alert_defs[ah->alert];
	struct views_svc_def		*d = &ah->h->defs[i];

	ad->v = xreallocarray(ad->v, ad->n + 1, sizeof *ad->v);
	ad->v[ad->n++] = i;
	d->alerts = xreallocarray(d->alerts, d->nalerts + 1,
	    sizeof *d->alerts);
	d->alerts[d->nalerts++] = ah->alert;
}

/* Record that target t belongs to def i. */
static void
views_target_hit(size_t i, void *arg)
{
	struct views_target_hit	*th = arg;
	struct views_svc_def	*d = &th->h->defs[i];

	d->targets = xreallocarray(d->targets, d->ntargets + 1,
	    sizeof *d->targets);
	d->targets[d->ntargets++] = th->target;
}

/* Add a def. */
static struct views_svc_def *
views_add_def(struct views_health *h)
{
	h->defs = xreallocarray(h->defs, h->ndefs + 1, sizeof *h->defs);
	memset(&h->defs[h->ndefs], 0, sizeof *h->defs);
	return &h->defs[h->ndefs++];
}

/* A workload's discovered service: its name and where it is listed. */
struct views_disc {
	const char	*key;
	size_t		 work;
};

/* Order discoveries by service name, then as read. */
static int
views_disc_cmp(const void *pa, const void *pb)
{
	const struct views_disc	*a = pa, *b = pb;
	int			 c = strcmp(a->key, b->key);

	if (c != 0)
		return c;
	return a->work < b->work ? -1 : a->work > b->work;
}

/*
 * One service per name of a Deployment, StatefulSet or DaemonSet; a
 * workload without a table of its own (a Job, a bare pod ...) joins
 * the service its application label names, else makes one of its own
 * name.  Services come in name order.
 */
static void
views_discover_works(struct views_health *h)
{
	struct views_disc	*dv;
	struct views_svc_def	*d = NULL;
	const char		*app;
	size_t			 i;

	dv = xcalloc(h->nworks + 1, sizeof *dv);
	for (i = 0; i < h->nworks; i++) {
		app = h->works[i].table ? NULL :
		    views_app_label(h->works[i].labels);
		dv[i].key = app != NULL ? app : h->works[i].name;
		dv[i].work = i;
	}
	if (h->nworks > 1)
		qsort(dv, h->nworks, sizeof *dv, views_disc_cmp);
	for (i = 0; i < h->nworks; i++) {
		if (i == 0 || strcmp(dv[i].key, dv[i - 1].key) != 0) {
			d = views_add_def(h);
			d->owned = xstrdup(dv[i].key);
			d->name = d->deployment = d->owned;
		}
		d->works = xreallocarray(d->works, d->nworks + 1,
		    sizeof *d->works);
		d->works[d->nworks++] = dv[i].work;
	}
	free(dv);
}

/* Services from the config, or discovered from workloads and jobs. */
static void
views_load_health(struct views *v, struct views_health *h,
    const struct conf *conf)
{
	struct views_target_hit	 th;
	struct views_alert_def_hit ah;
	struct views_svc_def	*d;
	size_t			 i, j;

	if (!(h->have & VIEWS_MEMO_NODES))
		views_load_nodes(h);
	if (!(h->have & VIEWS_MEMO_TARGETS))
		views_load_targets(h);
	if (!(h->have & VIEWS_MEMO_KUBE))
		views_load_kube(h);
	else {
		/* Marks are the last build's. */
		for (i = 0; i < h->nworks; i++)
			h->works[i].mark = 0;
	}
	if (!(h->have & VIEWS_MEMO_PROBES))
		views_load_probes(h);

	if (conf != NULL && conf->nservices > 0) {
		for (i = 0; i < conf->nservices; i++) {
			const struct conf_service	*cs = &conf->services[i];

			d = views_add_def(h);
			d->name = cs->name;
			d->match = cs->match;
			d->nmatch = cs->nmatch;
			d->namespace = views_match_get(cs->match, cs->nmatch,
			    "namespace");
			d->deployment = views_match_get(cs->match, cs->nmatch,
			    "deployment");
			if (d->deployment == NULL)
				d->deployment = views_match_get(cs->match,
				    cs->nmatch, "service");
			if (d->deployment == NULL)
				d->deployment = cs->name;
		}
		views_map_reserve(&h->by_label, h->ndefs * 3);
		for (i = 0; i < h->ndefs; i++)
			views_index_def(&h->by_label, &h->defs[i], i);
		/* Alerts match configured services the same way. */
		h->alert_index = &h->by_label;
	} else {
		/*
		 * Discovery: one service per workload name (services are
		 * known by name alone, so workloads of one name in several
		 * namespaces are one service listing each) ...
		 */
		views_discover_works(h);
		/* ... and one per Prometheus job that is not a workload. */
		for (i = 0; i < h->ntargets; i++) {
			for (j = 0; j < h->ndefs; j++) {
				if (strcmp(h->defs[j].name,
				    h->targets[i].job) == 0)
					break;
			}
			if (j < h->ndefs || *h->targets[i].job == '\0')
				continue;
			d = views_add_def(h);
			d->owned = xstrdup(h->targets[i].job);
			d->name = d->job = d->owned;
		}
		views_map_reserve(&h->by_alert, h->ndefs * 4);
		for (i = 0; i < h->ndefs; i++) {
			if (h->defs[i].job != NULL)
				views_map_add(&h->by_label, "job",
				    h->defs[i].job, i);
			views_map_add(&h->by_alert, "service",
			    h->defs[i].name, i);
			views_map_add(&h->by_alert, "job", h->defs[i].name, i);
			views_map_add(&h->by_alert, "deployment",
			    h->defs[i].name, i);
			views_map_add(&h->by_alert, "app", h->defs[i].name, i);
		}
		h->alert_index = &h->by_alert;
	}
	/* Each target to the services it belongs to, in one pass. */
	th.h = h;
	for (i = 0; i < h->ntargets; i++) {
		th.target = i;
		views_index_lookup(&h->by_label, h->defs,
		    h->targets[i].labels, views_target_hit, &th);
	}
	/* Each alert, parsed once, to its services (heartbeats to none). */
	if (!(h->have & VIEWS_MEMO_ALERTS)) {
		h->alert_labels = xcalloc(v->nalerts + 1,
		    sizeof *h->alert_labels);
		for (i = 0; i < v->nalerts; i++) {
			if (v->alerts[i].labels != NULL)
				h->alert_labels[i] =
				    cJSON_Parse(v->alerts[i].labels);
		}
	}
	h->alert_defs = xcalloc(v->nalerts + 1, sizeof *h->alert_defs);
	h->nalerts = v->nalerts;
	ah.h = h;
	for (i = 0; i < v->nalerts; i++) {
		if (v->alerts[i].heartbeat)
			continue;
		ah.alert = i;
		views_index_lookup(h->alert_index, h->defs, h->alert_labels[i],
		    views_alert_def_hit, &ah);
	}
	/* The SLOs of each service. */
	for (i = 0; i < v->nslos; i++)
		views_map_add(&h->slos_by, "", v->slos[i].service, i);
	for (i = 0; i < h->ndefs; i++)
		views_health_one(v, h, &h->defs[i]);
}

/* Free what the rollup loaded. */
static void
views_health_done(struct views_health *h)
{
	size_t	i, k;

	for (i = 0; i < h->ncached; i++) {
		free(h->cached[i].id);
		free(h->cached[i].key);
		free(h->cached[i].state);
		free(h->cached[i].recurrence_of);
		free(h->cached[i].ack_by);
		free(h->cached[i].ack_reason);
	}
	free(h->cached);

	for (i = 0; i < h->nworks; i++) {
		free(h->works[i].kind);
		free(h->works[i].ns);
		free(h->works[i].name);
		cJSON_Delete(h->works[i].labels);
		free(h->works[i].pods);
	}
	free(h->works);
	for (i = 0; i < h->npods; i++) {
		free(h->pods[i].name);
		free(h->pods[i].reason);
		free(h->pods[i].node);
	}
	free(h->pods);
	views_map_done(&h->works_by_obj);
	views_map_done(&h->works_by_label);
	for (i = 0; i < h->nnodes; i++) {
		free(h->nodes[i].name);
		for (k = 0; k < h->nodes[i].npressure; k++)
			free(h->nodes[i].pressure[k]);
		free(h->nodes[i].pressure);
	}
	free(h->nodes);
	for (i = 0; i < h->ntargets; i++) {
		free(h->targets[i].job);
		free(h->targets[i].instance);
		free(h->targets[i].health);
		free(h->targets[i].error);
		cJSON_Delete(h->targets[i].labels);
	}
	free(h->targets);
	for (i = 0; i < h->ndefs; i++) {
		free(h->defs[i].targets);
		free(h->defs[i].alerts);
		free(h->defs[i].works);
		free(h->defs[i].owned);
	}
	free(h->defs);
	views_map_done(&h->slos_by);
	for (i = 0; i < h->nalerts; i++) {
		if (h->alert_labels != NULL)
			cJSON_Delete(h->alert_labels[i]);
		if (h->alert_defs != NULL)
			free(h->alert_defs[i].v);
	}
	free(h->alert_labels);
	free(h->alert_defs);
	views_map_done(&h->by_label);
	views_map_done(&h->by_alert);
	views_map_done(&h->probes_by);
	for (i = 0; i < h->nprobe_rows; i++) {
		free(h->probe_rows[i].name);
		free(h->probe_rows[i].error);
	}
	free(h->probe_rows);
}

/* ------------------------------------------------------------------ */
/* SLOs                                                                */
/* ------------------------------------------------------------------ */

/*
 * The newest sample of a key at or before now_ms (the views' time, so a
 * view of the past never reads a ratio from after it): 0 and its value
 * (NaN if NULL), or -1.
 */
static int
views_latest(sqlite3_stmt *st, const char *context, const char *key,
    int64_t now_ms, double *value, int64_t *ts)
{
	int	rc = -1;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now_ms);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*ts = sqlite3_column_int64(st, 0);
		*value = sqlite3_column_type(st, 1) == SQLITE_NULL ? NAN :
		    sqlite3_column_double(st, 1);
		rc = 0;
	}
	return rc;
}

/* Compute every SLO. */
static int
views_load_slos(struct views *v, sqlite3 *db, const struct conf *conf,
    char **cause)
{
	sqlite3_stmt	*latest, *spark;
	struct view_slo	*s;
	double		 val, consumed;
	int64_t		 ts;
	size_t		 i;
	int		 w;
	char		*key;

	if (conf == NULL || conf->nslos == 0)
		return 0;
	/* Both bounded by the views' time: nothing from after it. */
	if (sqlite3_prepare_v2(db, "SELECT ts_ms, value FROM samples WHERE"
	    " context = ?1 AND query_key = ?2 AND ts_ms <= ?3"
	    " ORDER BY ts_ms DESC LIMIT 1", -1, &latest, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT ts_ms, value FROM samples WHERE"
	    " context = ?1 AND query_key = ?2 AND ts_ms <= ?3 ORDER BY ts_ms",
	    -1, &spark, NULL) != SQLITE_OK) {
		sqlite3_finalize(latest);
		*cause = xasprintf("cannot read samples: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	v->slos = xcalloc(conf->nslos, sizeof *v->slos);
	for (i = 0; i < conf->nslos; i++) {
		const struct conf_slo	*cs = &conf->slos[i];

		s = &v->slos[v->nslos++];
		s->name = xstrdup(cs->name);
		s->service = xstrdup(cs->service != NULL ? cs->service : "");
		s->objective = cs->objective;
		s->period_ms = cs->period_ms;
		s->exhaustion_s = -1;
		for (w = 0; w < SLO_NWINDOWS; w++) {
			s->ratio[w] = NAN;
			s->burn[w] = NAN;
			key = xasprintf("slo:%s:ratio:%s", cs->name,
			    vocab_window_word((enum slo_window)w));
			if (views_latest(latest, v->context, key,
			    v->generated_ms, &val, &ts) == 0) {
				s->ratio[w] = val;
				if (ts > s->evaluated_ms)
					s->evaluated_ms = ts;
			}
			free(key);
			s->burn[w] = slo_burn_rate(s->ratio[w], s->objective);
		}
		s->budget_remaining = slo_budget_remaining(
		    s->ratio[SLO_PERIOD], s->objective);
		s->exhaustion_s = slo_exhaustion_seconds(s->budget_remaining,
		    s->burn[SLO_1H], s->period_ms);
		s->verdict = slo_verdict(s->burn, &v->policy);
		if (!isnan(s->budget_remaining)) {
			consumed = (1.0 - s->budget_remaining) * 100.0;
			s->budget_warning = consumed > v->policy.budget_warn;
			s->budget_critical = consumed > v->policy.budget_crit;
		}
		key = xasprintf("slo:%s:spark:1h", cs->name);
		sqlite3_reset(spark);
		sqlite3_bind_text(spark, 1, v->context, -1, SQLITE_STATIC);
		sqlite3_bind_text(spark, 2, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(spark, 3, v->generated_ms);
		while (sqlite3_step(spark) == SQLITE_ROW) {
			s->spark = xreallocarray(s->spark, s->nspark + 1,
			    sizeof *s->spark);
			s->spark_ts = xreallocarray(s->spark_ts, s->nspark + 1,
			    sizeof *s->spark_ts);
			s->spark_ts[s->nspark] = sqlite3_column_int64(spark, 0);
			s->spark[s->nspark] = sqlite3_column_type(spark, 1) ==
			    SQLITE_NULL ? NAN : slo_burn_rate(
			    sqlite3_column_double(spark, 1), s->objective);
			s->nspark++;
		}
		free(key);
	}
	sqlite3_finalize(latest);
	sqlite3_finalize(spark);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Alerts and incidents                                                */
/* ------------------------------------------------------------------ */

/* Read the alerts of the context. */
static int
views_load_alerts(struct views *v, sqlite3 *db, char **cause)
{
	sqlite3_stmt		*st;
	struct view_alert	*a;
	char			*sb, *ib;
	cJSON			*ann;

	if (sqlite3_prepare_v2(db, "SELECT fingerprint, alertname, severity,"
	    " state, silenced_by, inhibited_by, labels, annotations,"
	    " starts_at_ms, generator_url, updated_at_ms FROM alerts WHERE"
	    " context = ?1"
	    " ORDER BY starts_at_ms, fingerprint", -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = xasprintf("cannot read alerts: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, v->context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v->alerts = xreallocarray(v->alerts, v->nalerts + 1,
		    sizeof *v->alerts);
		a = &v->alerts[v->nalerts++];
		memset(a, 0, sizeof *a);
		a->fingerprint = views_col(st, 0);
		a->alertname = views_col(st, 1);
		a->severity_label = views_col(st, 2);
		a->severity = view_severity_parse(a->severity_label);
		a->state = views_col(st, 3);
		sb = views_col(st, 4);
		ib = views_col(st, 5);
		a->silenced = views_json_nonempty_array(sb);
		a->inhibited = views_json_nonempty_array(ib);
		free(sb);
		free(ib);
		a->labels = views_col(st, 6);
		a->annotations = views_col(st, 7);
		a->starts_at_ms = sqlite3_column_int64(st, 8);
		a->generator_url = views_col(st, 9);
		a->updated_at_ms = sqlite3_column_int64(st, 10);
		a->incident = VIEW_NO_INCIDENT;
		ann = a->annotations != NULL ? cJSON_Parse(a->annotations) :
		    NULL;
		a->summary = json_str(ann, "summary");
		if (a->summary == NULL)
			a->summary = json_str(ann, "description");
		a->runbook_url = json_str(ann, "runbook_url");
		cJSON_Delete(ann);
		if (a->fingerprint == NULL)
			a->fingerprint = xstrdup("");
		if (a->alertname == NULL)
			a->alertname = xstrdup("");
		if (a->state == NULL)
			a->state = xstrdup("unprocessed");
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * Read the incidents core/incident.c keeps that are not resolved: their
 * ids, states, priorities and starts are what the views show.  A cache
 * that cannot say (read-only at an older schema) leaves none, and the
 * views then name each group as incident.c would.
 */
static void
views_load_cached(struct views_health *h)
{
	sqlite3_stmt		*st;
	struct views_cached	*c;
	int			 p;

	if (sqlite3_prepare_v2(h->db, "SELECT id, group_key, state,"
	    " priority, started_ms, recurrence_of, ack_by, ack_until_ms,"
	    " ack_local, ack_reason, escalation FROM incidents WHERE"
	    " context = ?1 AND state <> 'resolved'", -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return;
	}
	sqlite3_bind_text(st, 1, h->context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		h->cached = xreallocarray(h->cached, h->ncached + 1,
		    sizeof *h->cached);
		c = &h->cached[h->ncached++];
		c->id = views_col(st, 0);
		c->key = views_col(st, 1);
		c->state = views_col(st, 2);
		p = incident_priority_parse((const char *)
		    sqlite3_column_text(st, 3));
		c->priority = p >= 0 ? p : INCIDENT_P3;
		c->started_ms = sqlite3_column_int64(st, 4);
		c->recurrence_of = views_col(st, 5);
		c->ack_by = views_col(st, 6);
		c->ack_until_ms = sqlite3_column_int64(st, 7);
		c->ack_local = sqlite3_column_int(st, 8);
		c->ack_reason = views_col(st, 9);
		c->escalation = sqlite3_column_int64(st, 10);
		if (c->id == NULL || c->key == NULL || c->state == NULL) {
			free(c->id);
			free(c->key);
			free(c->state);
			free(c->recurrence_of);
			free(c->ack_by);
			free(c->ack_reason);
			h->ncached--;
		}
	}
	sqlite3_finalize(st);
}

/*
 * Heartbeats: mark the alerts that fire on purpose, and judge the alert
 * pipeline by the newest update of any of them.  Alertmanager lists an
 * alert until it is no longer sent, and Prometheus re-sends a firing one
 * every minute or so, so a heartbeat listed with a recent update means
 * rules are evaluated and reach Alertmanager; none listed, or none updated
 * within the timeout, means the pipeline is silent.  Nothing is judged on
 * data Alertmanager did not answer lately.
 */
static void
views_heartbeats(struct views *v, const struct conf *conf, int64_t now)
{
	static const char *const dflt[] = { "Watchdog", "InfoInhibitor" };
	const char *const		*names = dflt;
	const struct view_source	*am;
	struct view_pipeline		*p = &v->pipeline;
	struct view_alert		*a;
	struct buf			 b;
	size_t				 n = 2, i, k;
	int64_t				 at;

	p->timeout_ms = 5 * 60 * 1000;
	p->silent_ms = -1;
	if (conf != NULL) {
		names = (const char *const *)conf->heartbeats;
		n = conf->nheartbeats;
		if (conf->heartbeat_timeout_ms > 0)
			p->timeout_ms = conf->heartbeat_timeout_ms;
	}
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	for (k = 0; k < n; k++)
		buf_printf(&b, "%s%s", k > 0 ? ", " : "", names[k]);
	p->names = buf_detach(&b);
	for (i = 0; i < v->nalerts; i++) {
		a = &v->alerts[i];
		for (k = 0; k < n && !a->heartbeat; k++)
			a->heartbeat = strcmp(a->alertname, names[k]) == 0;
		if (!a->heartbeat)
			continue;
		at = a->updated_at_ms > 0 ? a->updated_at_ms : a->starts_at_ms;
		if (p->heartbeat == NULL || at > p->heard_ms) {
			free(p->heartbeat);
			p->heartbeat = xstrdup(a->alertname);
			p->heard_ms = at;
		}
	}
	if (n == 0 || (am = views_source(v, "alertmanager")) == NULL) {
		p->state = PIPELINE_UNWATCHED;
		return;
	}
	if (!views_source_fresh(v, "alertmanager")) {
		p->state = PIPELINE_UNKNOWN;
		return;
	}
	if (p->heartbeat == NULL) {
		p->state = PIPELINE_SILENT;
		return;
	}
	/* A clock ahead of ours is no reason to call it silent. */
	p->silent_ms = now > p->heard_ms ? now - p->heard_ms : 0;
	p->state = p->silent_ms > p->timeout_ms ? PIPELINE_SILENT :
	    PIPELINE_OK;
}

/* Add service name to the incident, once. */
static void
views_incident_service(struct view_incident *inc, const char *name)
{
	size_t	j;

	for (j = 0; j < inc->nservices; j++) {
		if (strcmp(inc->services[j], name) == 0)
			return;
	}
	inc->services = xreallocarray(inc->services, inc->nservices + 1,
	    sizeof *inc->services);
	inc->services[inc->nservices++] = xstrdup(name);
}

/* Order incidents: unsilenced first, then severity, then oldest. */
static int
views_incident_cmp(const void *pa, const void *pb)
{
	const struct view_incident	*a = pa, *b = pb;
	int				 qa = a->silenced || a->inhibited;
	int				 qb = b->silenced || b->inhibited;

	if (qa != qb)
		return qa - qb;
	if (a->severity != b->severity)
		return (int)b->severity - (int)a->severity;
	if (a->started_ms != b->started_ms)
		return a->started_ms < b->started_ms ? -1 : 1;
	return strcmp(a->key, b->key);
}

/*
 * Which alert an incident speaks with, per field: the severity of the
 * alert its title, summary and runbook come from (-1: none yet).
 */
struct views_voice {
	int	title;
	int	summary;
	int	runbook;
};

/*
 * A new incident of group key key, with no alert yet: the one the cache
 * keeps for key (its id, state, priority, start and recurrence), else
 * triggered, starting at started_ms, named as incident.c names one.
 */
static struct view_incident *
views_incident_new(struct views *v, const struct views_health *h,
    const char *key, int64_t started_ms, int priority)
{
	struct view_incident	*inc;
	size_t			 i;
	char			 id[INCIDENT_ID_LEN + 1];

	v->incidents = xreallocarray(v->incidents, v->nincidents + 1,
	    sizeof *v->incidents);
	inc = &v->incidents[v->nincidents++];
	memset(inc, 0, sizeof *inc);
	inc->key = xstrdup(key);
	for (i = 0; h != NULL && i < h->ncached; i++) {
		if (strcmp(h->cached[i].key, key) == 0)
			break;
	}
	if (h != NULL && i < h->ncached) {
		inc->id = xstrdup(h->cached[i].id);
		inc->state = xstrdup(h->cached[i].state);
		inc->priority = h->cached[i].priority;
		inc->started_ms = h->cached[i].started_ms;
		if (h->cached[i].recurrence_of != NULL)
			inc->recurrence_of =
			    xstrdup(h->cached[i].recurrence_of);
		if (h->cached[i].ack_by != NULL)
			inc->ack_by = xstrdup(h->cached[i].ack_by);
		if (h->cached[i].ack_reason != NULL)
			inc->ack_reason = xstrdup(h->cached[i].ack_reason);
		inc->ack_until_ms = h->cached[i].ack_until_ms;
		inc->ack_local = h->cached[i].ack_local;
		inc->esc_level = (size_t)h->cached[i].escalation;
		return inc;
	}
	incident_make_id(v->context, key, started_ms, 0, id);
	inc->id = xstrdup(id);
	inc->state = xstrdup("triggered");
	inc->priority = priority;
	inc->started_ms = started_ms;
	return inc;
}

/* Replace an owned string with a copy of s. */
static void
views_set(char **field, const char *s)
{
	free(*field);
	*field = xstrdup(s);
}

/*
 * The dead man's switch: a silent pipeline is a critical incident of its
 * own, with no alert (the point is that none arrives), so the overall
 * status and the exit code follow.
 */
static void
views_pipeline_incident(struct views *v, const struct conf *conf)
{
	const struct view_pipeline	*p = &v->pipeline;
	struct view_incident		*inc;
	char				 line[128], dur[32];

	if (p->state != PIPELINE_SILENT)
		return;
	inc = views_incident_new(v, NULL, "alert pipeline", p->heard_ms,
	    incident_priority(conf, "critical"));
	inc->title = xstrdup(vocab_pipeline_line(p, line, sizeof line));
	inc->severity = SEV_CRITICAL;
	if (p->heartbeat != NULL)
		inc->summary = xasprintf("No heartbeat alert (%s) has reached "
		    "Alertmanager for %s: rules may not be evaluated, or alerts "
		    "may not reach Alertmanager, so no news is not good news.",
		    p->names, vocab_duration(p->silent_ms, dur, sizeof dur));
	else
		inc->summary = xasprintf("Alertmanager lists no heartbeat "
		    "alert (%s): rules may not be evaluated, or alerts may not "
		    "reach Alertmanager, so no news is not good news.",
		    p->names);
}

/*
 * Group the alerts into incidents by the configured key.  An incident
 * speaks with its worst alert: its title, summary and runbook come from
 * the alert of the highest severity (the oldest of equals) that has one,
 * never merely from the first.  Heartbeats are not incidents.
 */
static void
views_group(struct views *v, const struct conf *conf,
    const struct views_health *h)
{
	size_t			 i, j, k, n;
	char			*key, *title;
	struct view_incident	*inc;
	struct views_voice	*voice = NULL;
	struct views_map	 by_key;
	const size_t		*found;
	int			 sev, prio;

	memset(&by_key, 0, sizeof by_key);
	for (i = 0; i < v->nalerts; i++) {
		struct view_alert	*a = &v->alerts[i];

		a->incident = VIEW_NO_INCIDENT;
		if (a->heartbeat)
			continue;
		key = incident_group_key(conf, h->alert_labels[i],
		    a->alertname, &title);
		prio = incident_priority(conf, a->severity_label);
		found = views_map_get(&by_key, "", key, &n);
		if (n == 0) {
			j = v->nincidents;
			views_map_add(&by_key, "", key, j);
			inc = views_incident_new(v, h, key, a->starts_at_ms,
			    prio);
			inc->silenced = inc->inhibited = 1;
			voice = xreallocarray(voice, v->nincidents,
			    sizeof *voice);
			voice[j].title = voice[j].summary = voice[j].runbook =
			    -1;
		} else
			j = found[0];
		inc = &v->incidents[j];
		inc->alerts = xreallocarray(inc->alerts, inc->nalerts + 1,
		    sizeof *inc->alerts);
		inc->alerts[inc->nalerts++] = i;
		if (a->severity > inc->severity)
			inc->severity = a->severity;
		if (prio < inc->priority)
			inc->priority = prio;
		if (inc->started_ms == 0)
			inc->started_ms = a->starts_at_ms;
		if (!a->silenced)
			inc->silenced = 0;
		if (!a->inhibited)
			inc->inhibited = 0;
		/* Alerts come oldest first: only a worse one speaks over. */
		sev = (int)a->severity;
		if (sev > voice[j].title) {
			views_set(&inc->title, title);
			voice[j].title = sev;
		}
		if (a->summary != NULL && sev > voice[j].summary) {
			views_set(&inc->summary, a->summary);
			voice[j].summary = sev;
		}
		if (a->runbook_url != NULL && sev > voice[j].runbook) {
			views_set(&inc->runbook_url, a->runbook_url);
			voice[j].runbook = sev;
		}
		free(key);
		free(title);
		for (k = 0; k < h->alert_defs[i].n; k++)
			views_incident_service(inc,
			    v->services[h->alert_defs[i].v[k]].name);
	}
	free(voice);
	views_map_done(&by_key);
	views_pipeline_incident(v, conf);
	/* Sort, then point the alerts at their incident's new place. */
	if (v->nincidents > 1)
		qsort(v->incidents, v->nincidents, sizeof *v->incidents,
		    views_incident_cmp);
	for (j = 0; j < v->nincidents; j++) {
		for (k = 0; k < v->incidents[j].nalerts; k++)
			v->alerts[v->incidents[j].alerts[k]].incident = j;
	}
}

/* ------------------------------------------------------------------ */
/* Overall                                                             */
/* ------------------------------------------------------------------ */

/* Where a status sorts: CRITICAL, WARNING, UNKNOWN, OK (see views.h). */
static int
views_status_rank(enum view_status s)
{
	switch (s) {
	case VIEW_CRITICAL:
		return 0;
	case VIEW_WARNING:
		return 1;
	case VIEW_UNKNOWN:
		return 2;
	default:
		return 3;
	}
}

/* Order services worst first, then by name. */
static int
views_service_cmp(const void *pa, const void *pb)
{
	const struct view_service	*a = pa, *b = pb;
	int				 ra = views_status_rank(a->status);
	int				 rb = views_status_rank(b->status);

	if (ra != rb)
		return ra - rb;
	return strcmp(a->name, b->name);
}

/* The status of the whole context, with the first reason for it. */
static void
views_overall(struct views *v)
{
	size_t	i;

	if (!v->any_fresh) {
		v->status = VIEW_UNKNOWN;
		v->status_reason = xstrdup(v->nsources == 0 ?
		    "no source is configured" :
		    "no source has fresh data");
		return;
	}
	v->status = VIEW_OK;
	for (i = 0; i < v->nservices; i++) {
		if (v->services[i].status == VIEW_CRITICAL) {
			v->status = VIEW_CRITICAL;
			v->status_reason = xasprintf("service %s is CRITICAL",
			    v->services[i].name);
			return;
		}
	}
	for (i = 0; i < v->nslos; i++) {
		if (v->slos[i].verdict == SLO_PAGE) {
			v->status = VIEW_CRITICAL;
			v->status_reason = xasprintf("SLO %s burns its budget "
			    "fast enough to page", v->slos[i].name);
			return;
		}
	}
	for (i = 0; i < v->nincidents; i++) {
		if (v->incidents[i].severity == SEV_CRITICAL &&
		    !v->incidents[i].silenced && !v->incidents[i].inhibited) {
			v->status = VIEW_CRITICAL;
			v->status_reason = xasprintf("critical incident: %s",
			    v->incidents[i].title);
			return;
		}
	}
	for (i = 0; i < v->nservices; i++) {
		if (v->services[i].status == VIEW_WARNING) {
			v->status = VIEW_WARNING;
			v->status_reason = xasprintf("service %s is WARNING",
			    v->services[i].name);
			return;
		}
	}
	for (i = 0; i < v->nslos; i++) {
		if (v->slos[i].verdict == SLO_TICKET ||
		    v->slos[i].budget_warning) {
			v->status = VIEW_WARNING;
			v->status_reason = xasprintf(v->slos[i].verdict ==
			    SLO_TICKET ? "SLO %s burns fast enough for a ticket" :
			    "SLO %s has used most of its error budget",
			    v->slos[i].name);
			return;
		}
	}
	for (i = 0; i < v->nincidents; i++) {
		if (v->incidents[i].severity >= SEV_WARNING &&
		    !v->incidents[i].silenced && !v->incidents[i].inhibited) {
			v->status = VIEW_WARNING;
			v->status_reason = xasprintf("%s incident: %s",
			    vocab_severity_word(v->incidents[i].severity),
			    v->incidents[i].title);
			return;
		}
	}
	v->status_reason = xstrdup("all clear");
}

/*
 * Each incident's escalation: the level the cache recorded, who it
 * reaches, and while it is triggered who comes next and when (the clock
 * is stopped otherwise).
 */
static void
views_escalation(struct views *v, const struct conf *conf, int64_t now)
{
	struct view_incident	*inc;
	struct escalation	 e;
	size_t			 i, at;
	int64_t			 next;

	for (i = 0; i < v->nincidents; i++) {
		inc = &v->incidents[i];
		inc->esc_next_in_ms = -1;
		escalation_for(conf, inc->priority, &e);
		inc->esc_levels = e.n;
		if (e.n == 0) {
			escalation_done(&e);
			continue;
		}
		at = escalation_reached(&e, now - inc->started_ms, &next);
		/* The cache's level, unless this views' time is later. */
		if (strcmp(inc->state, "triggered") == 0 &&
		    at > inc->esc_level)
			inc->esc_level = at;
		if (inc->esc_level > e.n)
			inc->esc_level = e.n;
		if (inc->esc_level > 0)
			inc->esc_who = xstrdup(e.v[inc->esc_level - 1].who);
		if (inc->esc_level < e.n) {
			inc->esc_next_who = xstrdup(e.v[inc->esc_level].who);
			if (strcmp(inc->state, "triggered") == 0)
				inc->esc_next_in_ms = next > 0 ? next : 0;
		}
		escalation_done(&e);
	}
}

/* Whether the cache is a drill's run (unreadable meta: not one). */
static void
views_load_drill(struct views *v, struct cache *cache)
{
	struct drill_run_meta	 m;
	char			*cause = NULL;

	if (drill_run_meta(cache, &m, &cause) != 1) {
		free(cause);
		return;
	}
	v->drill.name = m.name;
	v->drill.run = m.run;
	v->drill.started_ms = m.started_ms;
	v->drill.ended_ms = m.ended_ms;
	v->drill.hints = m.hints;
	m.name = m.run = NULL;
	drill_run_meta_done(&m);
}

/* ------------------------------------------------------------------ */
/* The memo: what a build read, kept for the next                      */
/* ------------------------------------------------------------------ */

/* The source tables the views read, and which part each belongs to. */
static const struct {
	const char	*table;
	unsigned	 part;
} views_tables[] = {
	{ "kube_nodes",		VIEWS_MEMO_NODES },
	{ "kube_deployments",	VIEWS_MEMO_KUBE },
	{ "kube_statefulsets",	VIEWS_MEMO_KUBE },
	{ "kube_daemonsets",	VIEWS_MEMO_KUBE },
	{ "kube_replicasets",	VIEWS_MEMO_KUBE },
	{ "kube_pods",		VIEWS_MEMO_KUBE },
	{ "targets",		VIEWS_MEMO_TARGETS },
	{ "probes",		VIEWS_MEMO_PROBES },
	{ "alerts",		VIEWS_MEMO_ALERTS },
	{ "samples",		VIEWS_MEMO_SLOS },
};
#define VIEWS_NTABLES	(sizeof views_tables / sizeof views_tables[0])
#define VIEWS_MEMO_ALL	(VIEWS_MEMO_NODES | VIEWS_MEMO_KUBE |		\
			 VIEWS_MEMO_TARGETS | VIEWS_MEMO_PROBES |	\
			 VIEWS_MEMO_ALERTS | VIEWS_MEMO_SLOS)

struct views_memo {
	char			*context;	/* NULL: empty */
	const struct conf	*conf;
	int64_t			 epoch;		/* of the changes table */
	int64_t			 gen[VIEWS_NTABLES];
	unsigned		 kept;		/* parts held */
	unsigned		 reused;	/* by the last build */
	struct views_health	 in;		/* the rollup's inputs */
	struct view_alert	*alerts;	/* as read: nothing derived */
	size_t			 nalerts;
	struct view_slo		*slos;
	size_t			 nslos;
	int64_t			 slos_ms;	/* the time they were read at */
};

/* An empty memo. */
struct views_memo *
views_memo_new(void)
{
	return xcalloc(1, sizeof(struct views_memo));
}

/* Free an alert's strings. */
static void
views_alert_done(struct view_alert *a)
{
	free(a->fingerprint);
	free(a->alertname);
	free(a->severity_label);
	free(a->state);
	free(a->labels);
	free(a->annotations);
	free(a->generator_url);
	free(a->summary);
	free(a->runbook_url);
}

/* Free an SLO's strings and arrays. */
static void
views_slo_done(struct view_slo *s)
{
	free(s->name);
	free(s->service);
	free(s->spark);
	free(s->spark_ts);
}

/* Forget everything. */
static void
views_memo_clear(struct views_memo *m)
{
	size_t	i;

	views_health_done(&m->in);
	for (i = 0; i < m->nalerts; i++)
		views_alert_done(&m->alerts[i]);
	free(m->alerts);
	for (i = 0; i < m->nslos; i++)
		views_slo_done(&m->slos[i]);
	free(m->slos);
	free(m->context);
	memset(m, 0, sizeof *m);
}

/* Free a memo; NULL is fine. */
void
views_memo_free(struct views_memo *m)
{
	if (m == NULL)
		return;
	views_memo_clear(m);
	free(m);
}

/* Parts the last build reused. */
unsigned
views_memo_reused(const struct views_memo *m)
{
	return m->reused;
}

/* A copy of an alert as read: what later steps derive is reset. */
static void
views_alert_copy(struct view_alert *to, const struct view_alert *from)
{
	*to = *from;
	to->fingerprint = xstrdup(from->fingerprint);
	to->alertname = xstrdup(from->alertname);
	to->severity_label = from->severity_label != NULL ?
	    xstrdup(from->severity_label) : NULL;
	to->state = xstrdup(from->state);
	to->labels = from->labels != NULL ? xstrdup(from->labels) : NULL;
	to->annotations = from->annotations != NULL ?
	    xstrdup(from->annotations) : NULL;
	to->generator_url = from->generator_url != NULL ?
	    xstrdup(from->generator_url) : NULL;
	to->summary = from->summary != NULL ? xstrdup(from->summary) : NULL;
	to->runbook_url = from->runbook_url != NULL ?
	    xstrdup(from->runbook_url) : NULL;
	to->heartbeat = 0;
	to->incident = VIEW_NO_INCIDENT;
}

/* A copy of n alerts. */
static struct view_alert *
views_alerts_copy(const struct view_alert *from, size_t n)
{
	struct view_alert	*to;
	size_t			 i;

	to = xcalloc(n + 1, sizeof *to);
	for (i = 0; i < n; i++)
		views_alert_copy(&to[i], &from[i]);
	return to;
}

/* A copy of n SLOs. */
static struct view_slo *
views_slos_copy(const struct view_slo *from, size_t n)
{
	struct view_slo	*to;
	size_t		 i;

	to = xcalloc(n + 1, sizeof *to);
	for (i = 0; i < n; i++) {
		to[i] = from[i];
		to[i].name = xstrdup(from[i].name);
		to[i].service = xstrdup(from[i].service);
		to[i].spark = NULL;
		to[i].spark_ts = NULL;
		if (from[i].nspark > 0) {
			to[i].spark = xreallocarray(NULL, from[i].nspark,
			    sizeof *to[i].spark);
			memcpy(to[i].spark, from[i].spark, from[i].nspark *
			    sizeof *to[i].spark);
			to[i].spark_ts = xreallocarray(NULL, from[i].nspark,
			    sizeof *to[i].spark_ts);
			memcpy(to[i].spark_ts, from[i].spark_ts,
			    from[i].nspark * sizeof *to[i].spark_ts);
		}
	}
	return to;
}

/*
 * Move the rollup's inputs of parts from one health to another, leaving
 * none behind (alert labels go with VIEWS_MEMO_ALERTS).
 */
static void
views_inputs_move(struct views_health *to, struct views_health *from,
    unsigned parts)
{
	if (parts & VIEWS_MEMO_NODES) {
		to->nodes = from->nodes;
		to->nnodes = from->nnodes;
		from->nodes = NULL;
		from->nnodes = 0;
	}
	if (parts & VIEWS_MEMO_KUBE) {
		to->works = from->works;
		to->nworks = from->nworks;
		to->pods = from->pods;
		to->npods = from->npods;
		to->works_by_obj = from->works_by_obj;
		to->works_by_label = from->works_by_label;
		from->works = NULL;
		from->pods = NULL;
		from->nworks = from->npods = 0;
		memset(&from->works_by_obj, 0, sizeof from->works_by_obj);
		memset(&from->works_by_label, 0, sizeof from->works_by_label);
	}
	if (parts & VIEWS_MEMO_TARGETS) {
		to->targets = from->targets;
		to->ntargets = from->ntargets;
		from->targets = NULL;
		from->ntargets = 0;
	}
	if (parts & VIEWS_MEMO_PROBES) {
		to->probe_rows = from->probe_rows;
		to->nprobe_rows = from->nprobe_rows;
		to->probes_by = from->probes_by;
		from->probe_rows = NULL;
		from->nprobe_rows = 0;
		memset(&from->probes_by, 0, sizeof from->probes_by);
	}
	if (parts & VIEWS_MEMO_ALERTS) {
		to->alert_labels = from->alert_labels;
		from->alert_labels = NULL;
		if (to->alert_defs == NULL)
			to->nalerts = from->nalerts;
		if (from->alert_defs == NULL)
			from->nalerts = 0;
	}
	to->have |= parts;
	from->have &= ~parts;
}

/*
 * The change counters of the context's tables and the cache's epoch: 0,
 * or -1 when the cache cannot say (no changes table).
 */
static int
views_memo_gens(sqlite3 *db, const char *context, int64_t *epoch,
    int64_t *gen)
{
	sqlite3_stmt	*st;
	const char	*ctx, *tbl;
	size_t		 i;

	if (sqlite3_prepare_v2(db, "SELECT context, tbl, gen FROM changes"
	    " WHERE context = ?1 OR (context = '' AND tbl = 'epoch')", -1,
	    &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	*epoch = -1;
	for (i = 0; i < VIEWS_NTABLES; i++)
		gen[i] = 0;
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ctx = (const char *)sqlite3_column_text(st, 0);
		tbl = (const char *)sqlite3_column_text(st, 1);
		if (ctx == NULL || tbl == NULL)
			continue;
		if (*ctx == '\0' && strcmp(tbl, "epoch") == 0) {
			*epoch = sqlite3_column_int64(st, 2);
			continue;
		}
		for (i = 0; i < VIEWS_NTABLES; i++) {
			if (strcmp(views_tables[i].table, tbl) == 0)
				gen[i] = sqlite3_column_int64(st, 2);
		}
	}
	sqlite3_finalize(st);
	return *epoch >= 0 ? 0 : -1;
}

/*
 * Whether a sample the memo's SLOs could not see (after their time) is
 * seen now: then they are read again even if nothing was written.
 */
static int
views_samples_between(sqlite3 *db, int64_t after_ms, int64_t upto_ms)
{
	sqlite3_stmt	*st;
	int		 found = 1;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM samples WHERE ts_ms > ?1"
	    " AND ts_ms <= ?2 LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return 1;
	}
	sqlite3_bind_int64(st, 1, after_ms);
	sqlite3_bind_int64(st, 2, upto_ms);
	found = sqlite3_step(st) != SQLITE_DONE;
	sqlite3_finalize(st);
	return found;
}

/*
 * The parts of the memo still true of the cache (inside the build's read
 * transaction, so the counters and the rows are of one moment); the memo
 * is emptied first when it is of another context, configuration or
 * cache file.  -1 when the cache cannot say: then nothing is kept.
 */
static int
views_memo_check(struct views_memo *m, sqlite3 *db, const struct conf *conf,
    const char *context, int64_t now_ms, int64_t *gen, unsigned *reuse)
{
	int64_t	epoch;
	size_t	i;

	*reuse = 0;
	if (views_memo_gens(db, context, &epoch, gen) != 0) {
		views_memo_clear(m);
		return -1;
	}
	if (m->context == NULL || strcmp(m->context, context) != 0 ||
	    m->conf != conf || m->epoch != epoch) {
		views_memo_clear(m);
		m->context = xstrdup(context);
		m->conf = conf;
		m->epoch = epoch;
		return 0;
	}
	*reuse = m->kept;
	for (i = 0; i < VIEWS_NTABLES; i++) {
		if (gen[i] != m->gen[i])
			*reuse &= ~views_tables[i].part;
	}
	if ((*reuse & VIEWS_MEMO_SLOS) && (now_ms < m->slos_ms ||
	    views_samples_between(db, m->slos_ms, now_ms)))
		*reuse &= ~VIEWS_MEMO_SLOS;
	return 0;
}

/*
 * Keep what this build read: the alerts and SLOs it did not take from
 * the memo are copied into it, and the rollup's inputs move back.
 */
static void
views_memo_keep(struct views_memo *m, struct views *v,
    struct views_health *h, const int64_t *gen, unsigned reuse)
{
	size_t	i;

	if (!(reuse & VIEWS_MEMO_ALERTS)) {
		for (i = 0; i < m->nalerts; i++)
			views_alert_done(&m->alerts[i]);
		free(m->alerts);
		m->alerts = views_alerts_copy(v->alerts, v->nalerts);
		m->nalerts = v->nalerts;
	}
	if (!(reuse & VIEWS_MEMO_SLOS)) {
		for (i = 0; i < m->nslos; i++)
			views_slo_done(&m->slos[i]);
		free(m->slos);
		m->slos = views_slos_copy(v->slos, v->nslos);
		m->nslos = v->nslos;
		m->slos_ms = v->generated_ms;
	}
	/* What the memo held and this build read again goes first. */
	views_health_done(&m->in);
	memset(&m->in, 0, sizeof m->in);
	views_inputs_move(&m->in, h, VIEWS_MEMO_NODES | VIEWS_MEMO_KUBE |
	    VIEWS_MEMO_TARGETS | VIEWS_MEMO_PROBES | VIEWS_MEMO_ALERTS);
	m->in.nalerts = v->nalerts;
	memcpy(m->gen, gen, sizeof m->gen);
	m->kept = VIEWS_MEMO_ALL;
}

/* Build every view of the context, from the memo where it holds. */
static struct views *
views_build_with(struct views_memo *m, struct cache *cache,
    const struct conf *conf, const struct conf_context *ctx, int64_t now_ms,
    char **cause)
{
	struct views		*v;
	struct views_health	 h;
	sqlite3			*db = cache_db(cache);
	int64_t			 gen[VIEWS_NTABLES];
	unsigned		 reuse = 0;

	v = xcalloc(1, sizeof *v);
	v->context = xstrdup(ctx != NULL ? ctx->name : "default");
	v->generated_ms = now_ms;
	slo_policy_default(&v->policy);
	if (conf != NULL) {
		if (conf->burn_page_fast > 0)
			v->policy.page_fast = conf->burn_page_fast;
		if (conf->burn_page_slow > 0)
			v->policy.page_slow = conf->burn_page_slow;
		if (conf->burn_ticket_fast > 0)
			v->policy.ticket_fast = conf->burn_ticket_fast;
		if (conf->burn_ticket_slow > 0)
			v->policy.ticket_slow = conf->burn_ticket_slow;
		if (conf->budget_warn > 0)
			v->policy.budget_warn = conf->budget_warn;
		if (conf->budget_crit > 0)
			v->policy.budget_crit = conf->budget_crit;
	}
	memset(&h, 0, sizeof h);
	h.db = db;
	h.context = v->context;
	/* One read transaction: every panel sees the same moment. */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (m != NULL && views_memo_check(m, db, conf, v->context, now_ms,
	    gen, &reuse) != 0)
		m = NULL;
	if (m != NULL)
		m->reused = reuse;
	if (reuse & VIEWS_MEMO_SLOS) {
		v->slos = views_slos_copy(m->slos, m->nslos);
		v->nslos = m->nslos;
	}
	if (reuse & VIEWS_MEMO_ALERTS) {
		v->alerts = views_alerts_copy(m->alerts, m->nalerts);
		v->nalerts = m->nalerts;
	}
	if (views_load_sources(v, db, ctx, now_ms, cause) != 0 ||
	    (!(reuse & VIEWS_MEMO_SLOS) &&
	    views_load_slos(v, db, conf, cause) != 0) ||
	    (!(reuse & VIEWS_MEMO_ALERTS) &&
	    views_load_alerts(v, db, cause) != 0)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		views_free(v);
		if (m != NULL)
			views_memo_clear(m);
		return NULL;
	}
	views_heartbeats(v, conf, now_ms);
	if (m != NULL)
		views_inputs_move(&h, &m->in, reuse & ~VIEWS_MEMO_SLOS);
	views_load_health(v, &h, conf);
	views_load_cached(&h);
	views_load_drill(v, cache);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	views_group(v, conf, &h);
	if (m != NULL)
		views_memo_keep(m, v, &h, gen, reuse);
	views_health_done(&h);
	views_escalation(v, conf, now_ms);
	oncall_views(conf, v);
	/* Worst first, once the incidents have named their services. */
	if (v->nservices > 1)
		qsort(v->services, v->nservices, sizeof *v->services,
		    views_service_cmp);
	views_overall(v);
	return v;
}

/* Build every view of the context. */
struct views *
views_build(struct cache *cache, const struct conf *conf,
    const struct conf_context *ctx, int64_t now_ms, char **cause)
{
	return views_build_with(NULL, cache, conf, ctx, now_ms, cause);
}

/* Build with a memo; see views.h. */
struct views *
views_build_memo(struct views_memo *m, struct cache *cache,
    const struct conf *conf, const struct conf_context *ctx, int64_t now_ms,
    char **cause)
{
	return views_build_with(m, cache, conf, ctx, now_ms, cause);
}

/* Free a list of strings. */
static void
views_free_strv(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Free everything. */
void
views_free(struct views *v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nsources; i++) {
		free(v->sources[i].name);
		free(v->sources[i].kind);
		free(v->sources[i].error);
		free(v->sources[i].warning);
	}
	free(v->sources);
	for (i = 0; i < v->nservices; i++) {
		free(v->services[i].name);
		views_free_strv(v->services[i].reasons,
		    v->services[i].nreasons);
		views_free_strv(v->services[i].deployments,
		    v->services[i].ndeployments);
		views_free_strv(v->services[i].workloads,
		    v->services[i].nworkloads);
	}
	free(v->services);
	for (i = 0; i < v->nslos; i++)
		views_slo_done(&v->slos[i]);
	free(v->slos);
	for (i = 0; i < v->nincidents; i++) {
		free(v->incidents[i].id);
		free(v->incidents[i].key);
		free(v->incidents[i].title);
		free(v->incidents[i].state);
		free(v->incidents[i].recurrence_of);
		free(v->incidents[i].ack_by);
		free(v->incidents[i].ack_reason);
		free(v->incidents[i].esc_who);
		free(v->incidents[i].esc_next_who);
		oncall_view_done(&v->incidents[i].esc_reach);
		oncall_view_done(&v->incidents[i].esc_next_reach);
		free(v->incidents[i].alerts);
		free(v->incidents[i].runbook_url);
		free(v->incidents[i].summary);
		views_free_strv(v->incidents[i].services,
		    v->incidents[i].nservices);
	}
	free(v->incidents);
	for (i = 0; i < v->nalerts; i++)
		views_alert_done(&v->alerts[i]);
	free(v->alerts);
	free(v->pipeline.heartbeat);
	free(v->pipeline.names);
	oncall_view_done(&v->oncall);
	free(v->drill.name);
	free(v->drill.run);
	free(v->context);
	free(v->status_reason);
	free(v);
}
