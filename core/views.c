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

#include "core/buf.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/sha256.h"
#include "core/util.h"
#include "core/views.h"
#include "core/xmalloc.h"

#define VIEWS_STALE_FACTOR	3

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/* The status as a word. */
const char *
view_status_name(enum view_status s)
{
	switch (s) {
	case VIEW_OK:
		return "OK";
	case VIEW_WARNING:
		return "WARNING";
	case VIEW_CRITICAL:
		return "CRITICAL";
	default:
		return "UNKNOWN";
	}
}

/* The status as a symbol, so nothing depends on colour. */
const char *
view_status_symbol(enum view_status s, int utf8)
{
	switch (s) {
	case VIEW_OK:
		return utf8 ? "\xe2\x9c\x93" : "+";		/* ✓ */
	case VIEW_WARNING:
		return utf8 ? "\xe2\x96\xb2" : "!";		/* ▲ */
	case VIEW_CRITICAL:
		return utf8 ? "\xe2\x9c\x96" : "X";		/* ✖ */
	default:
		return "?";
	}
}

/* The severity as a word. */
const char *
view_severity_name(enum view_severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "critical";
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	case SEV_INFO:
		return "info";
	default:
		return "none";
	}
}

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

/* A string member of a JSON object text, allocated, or NULL. */
static char *
views_json_get(const char *json, const char *key)
{
	cJSON		*root;
	const cJSON	*v;
	char		*out = NULL;

	if (json == NULL || (root = cJSON_Parse(json)) == NULL)
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(root, key);
	if (cJSON_IsString(v))
		out = xstrdup(v->valuestring);
	cJSON_Delete(root);
	return out;
}

/* Whether a JSON array text has items. */
static int
views_json_nonempty_array(const char *json)
{
	cJSON	*root;
	int	 n = 0;

	if (json == NULL || (root = cJSON_Parse(json)) == NULL)
		return 0;
	if (cJSON_IsArray(root))
		n = cJSON_GetArraySize(root);
	cJSON_Delete(root);
	return n > 0;
}

/*
 * Whether the labels (JSON object text) hold every key=value of match.  The
 * key "deployment" names a Kubernetes object, which alerts and series carry
 * as a deployment, service or app label, so any of those may match it.  A
 * match with no key never matches.
 */
static int
views_labels_match(const char *labels, const struct conf_kv *match,
    size_t nmatch)
{
	static const char *const dep_keys[] = { "deployment", "service",
	    "app", NULL };
	cJSON		*root;
	const cJSON	*v;
	size_t		 i;
	int		 ok = 1, k, hit;

	if (nmatch == 0 || labels == NULL ||
	    (root = cJSON_Parse(labels)) == NULL)
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
	cJSON_Delete(root);
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
	    " last_success_ms, last_error, latency_ms, items FROM sources"
	    " WHERE context = ?1 ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
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

/* What one service is made of, for the rollup. */
struct views_svc_def {
	const char		*name;
	const struct conf_kv	*match;
	size_t			 nmatch;
	const char		*deployment;	/* name, or NULL */
	const char		*namespace;	/* or NULL */
	const char		*job;		/* discovered: the job */
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

/* The pressure conditions (type ...Pressure, status True) of a node. */
static void
views_node_pressure(struct view_service *svc, const char *node,
    const char *conditions)
{
	cJSON		*root;
	const cJSON	*c, *type, *status;
	size_t		 len;

	if (conditions == NULL || (root = cJSON_Parse(conditions)) == NULL)
		return;
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
		    strcmp(type->valuestring, "NetworkUnavailable") == 0)
			views_node_reason(svc, node, type->valuestring);
	}
	cJSON_Delete(root);
}

/* Add the Kubernetes part: deployments, their pods, their nodes. */
static void
views_health_kube(struct view_service *svc, const struct views_svc_def *d,
    sqlite3 *db, const char *context, int *used)
{
	sqlite3_stmt	*st, *pods, *node;
	char		*ns, *name, *pname, *reason, *nname, *conds;
	int		 replicas, ready, updated;
	int64_t		 restarts;

	if (d->deployment == NULL)
		return;
	if (sqlite3_prepare_v2(db, "SELECT namespace, name, replicas,"
	    " ready_replicas, updated_replicas, revision FROM kube_deployments"
	    " WHERE context = ?1 AND name = ?2 AND (?3 IS NULL OR"
	    " namespace = ?3) ORDER BY namespace", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->deployment, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->namespace, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*used = 1;
		ns = views_col(st, 0);
		name = views_col(st, 1);
		replicas = sqlite3_column_int(st, 2);
		ready = sqlite3_column_int(st, 3);
		updated = sqlite3_column_int(st, 4);
		if (svc->ready < 0)
			svc->ready = svc->desired = 0;
		svc->ready += ready;
		svc->desired += replicas;
		svc->deployments = xreallocarray(svc->deployments,
		    svc->ndeployments + 1, sizeof *svc->deployments);
		svc->deployments[svc->ndeployments++] = xasprintf("%s/%s", ns,
		    name);
		if (replicas == 0)
			views_reason(svc, "%s scaled to 0", name);
		else if (ready == 0) {
			views_raise(&svc->status, VIEW_CRITICAL);
			views_reason(svc, "0/%d ready", replicas);
		} else if (ready < replicas) {
			views_raise(&svc->status, VIEW_WARNING);
			views_reason(svc, "%d/%d ready", ready, replicas);
		}
		if (updated < replicas && replicas > 0) {
			views_raise(&svc->status, VIEW_WARNING);
			views_reason(svc, "rollout in progress (revision %lld, "
			    "%d/%d updated)", sqlite3_column_int64(st, 5),
			    updated, replicas);
		}
		/* Pods of the deployment's ReplicaSets, worst first. */
		if (sqlite3_prepare_v2(db, "SELECT p.name, p.reason,"
		    " p.restarts, p.node FROM kube_pods p JOIN kube_replicasets r"
		    " ON r.context = p.context AND r.namespace = p.namespace"
		    " AND r.name = p.owner_name AND p.owner_kind = 'ReplicaSet'"
		    " WHERE p.context = ?1 AND p.namespace = ?2 AND"
		    " r.owner_name = ?3 ORDER BY p.restarts DESC, p.name", -1,
		    &pods, NULL) == SQLITE_OK) {
			sqlite3_bind_text(pods, 1, context, -1, SQLITE_STATIC);
			sqlite3_bind_text(pods, 2, ns, -1, SQLITE_STATIC);
			sqlite3_bind_text(pods, 3, name, -1, SQLITE_STATIC);
			while (sqlite3_step(pods) == SQLITE_ROW) {
				pname = views_col(pods, 0);
				reason = views_col(pods, 1);
				restarts = sqlite3_column_int64(pods, 2);
				nname = views_col(pods, 3);
				if (reason != NULL) {
					views_raise(&svc->status, VIEW_WARNING);
					if (restarts > 0)
						views_reason(svc, "pod %s %s, "
						    "%lld restarts", pname,
						    reason, (long long)restarts);
					else
						views_reason(svc, "pod %s %s",
						    pname, reason);
				}
				if (nname != NULL && sqlite3_prepare_v2(db,
				    "SELECT ready, conditions FROM kube_nodes"
				    " WHERE context = ?1 AND name = ?2", -1,
				    &node, NULL) == SQLITE_OK) {
					sqlite3_bind_text(node, 1, context, -1,
					    SQLITE_STATIC);
					sqlite3_bind_text(node, 2, nname, -1,
					    SQLITE_STATIC);
					if (sqlite3_step(node) == SQLITE_ROW) {
						conds = views_col(node, 1);
						if (!sqlite3_column_int(node, 0))
							views_node_reason(svc,
							    nname, "NotReady");
						views_node_pressure(svc, nname,
						    conds);
						free(conds);
					}
					sqlite3_finalize(node);
				}
				free(pname);
				free(reason);
				free(nname);
			}
			sqlite3_finalize(pods);
		}
		free(ns);
		free(name);
	}
	sqlite3_finalize(st);
}

/* Add the Prometheus part: scrape targets of the service. */
static void
views_health_targets(struct view_service *svc, const struct views_svc_def *d,
    sqlite3 *db, const char *context, int *used)
{
	sqlite3_stmt	*st;
	char		*job, *inst, *health, *err, *labels;
	int		 up = 0, down = 0, match;

	if (sqlite3_prepare_v2(db, "SELECT job, instance, health, last_error,"
	    " labels FROM targets WHERE context = ?1 ORDER BY job, instance",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		job = views_col(st, 0);
		inst = views_col(st, 1);
		health = views_col(st, 2);
		err = views_col(st, 3);
		labels = views_col(st, 4);
		if (d->job != NULL)
			match = job != NULL && strcmp(job, d->job) == 0;
		else
			match = views_labels_match(labels, d->match,
			    d->nmatch);
		if (match) {
			*used = 1;
			if (health != NULL && strcmp(health, "up") == 0)
				up++;
			else {
				down++;
				if (err != NULL && *err != '\0')
					views_reason(svc, "target %s down: %s",
					    inst, err);
				else
					views_reason(svc, "target %s %s", inst,
					    health != NULL ? health : "down");
			}
		}
		free(job);
		free(inst);
		free(health);
		free(err);
		free(labels);
	}
	sqlite3_finalize(st);
	if (down > 0 && up == 0)
		views_raise(&svc->status, VIEW_CRITICAL);
	else if (down > 0)
		views_raise(&svc->status, VIEW_WARNING);
}

/* Add the probe part. */
static void
views_health_probes(struct view_service *svc, sqlite3 *db,
    const char *context, int *used)
{
	sqlite3_stmt	*st;
	char		*name, *err;

	if (sqlite3_prepare_v2(db, "SELECT name, ok, status, latency_ms,"
	    " error FROM probes WHERE context = ?1 AND service = ?2"
	    " ORDER BY name", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, svc->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*used = 1;
		if (sqlite3_column_int(st, 1))
			continue;
		name = views_col(st, 0);
		err = views_col(st, 4);
		views_raise(&svc->status, VIEW_CRITICAL);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			views_reason(svc, "probe %s %lld in %lld ms", name,
			    sqlite3_column_int64(st, 2),
			    sqlite3_column_int64(st, 3));
		else
			views_reason(svc, "probe %s failed: %s", name,
			    err != NULL ? err : "no answer");
		free(name);
		free(err);
	}
	sqlite3_finalize(st);
}

/* Roll one service up from everything that describes it. */
static void
views_health_one(struct views *v, sqlite3 *db, const struct views_svc_def *d)
{
	struct view_service	*svc;
	int			 kube = 0, prom = 0, probes = 0, stale = 0;
	int			 parts = 0;
	char			 age[32];

	v->services = xreallocarray(v->services, v->nservices + 1,
	    sizeof *v->services);
	svc = &v->services[v->nservices++];
	memset(svc, 0, sizeof *svc);
	svc->name = xstrdup(d->name);
	svc->ready = svc->desired = -1;
	svc->status = VIEW_OK;
	views_health_kube(svc, d, db, v->context, &kube);
	views_health_targets(svc, d, db, v->context, &prom);
	views_health_probes(svc, db, v->context, &probes);

	/* The sources behind it: stale or failed ones make it UNKNOWN. */
	{
		const char	*names[3] = { "kubernetes", "prometheus",
		    "probes" };
		int		 uses[3] = { kube || d->deployment != NULL,
		    prom, probes };
		int		 i;

		for (i = 0; i < 3; i++) {
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
	if (!kube && !prom && !probes && stale == 0) {
		svc->status = VIEW_UNKNOWN;
		views_reason(svc, "nothing matches this service yet");
	} else if (parts > 0 && stale == parts)
		svc->status = VIEW_UNKNOWN;
	else if (stale > 0 && svc->status == VIEW_OK)
		svc->status = VIEW_UNKNOWN;
}

/* Services from the config, or discovered from deployments and jobs. */
static void
views_load_health(struct views *v, sqlite3 *db, const struct conf *conf)
{
	struct views_svc_def	 d;
	sqlite3_stmt		*st;
	char			**names = NULL, *a, *b;
	size_t			 n = 0, i;

	if (conf != NULL && conf->nservices > 0) {
		for (i = 0; i < conf->nservices; i++) {
			const struct conf_service	*cs = &conf->services[i];

			memset(&d, 0, sizeof d);
			d.name = cs->name;
			d.match = cs->match;
			d.nmatch = cs->nmatch;
			d.namespace = views_match_get(cs->match, cs->nmatch,
			    "namespace");
			d.deployment = views_match_get(cs->match, cs->nmatch,
			    "deployment");
			if (d.deployment == NULL)
				d.deployment = views_match_get(cs->match,
				    cs->nmatch, "service");
			if (d.deployment == NULL)
				d.deployment = cs->name;
			views_health_one(v, db, &d);
		}
		return;
	}
	/*
	 * Discovery: one service per deployment name ...  Services are known
	 * by name alone (alerts match them by a label value), so deployments
	 * of one name in several namespaces are one service listing each.
	 */
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT name FROM"
	    " kube_deployments WHERE context = ?1 ORDER BY name",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, v->context, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			b = views_col(st, 0);
			if (b == NULL)
				continue;
			memset(&d, 0, sizeof d);
			d.name = b;
			d.deployment = b;
			d.job = "\x01";	/* no target matches */
			views_health_one(v, db, &d);
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = b;
		}
		sqlite3_finalize(st);
	}
	/* ... and one per Prometheus job that is not a deployment. */
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT job FROM targets WHERE"
	    " context = ?1 ORDER BY job", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, v->context, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			a = views_col(st, 0);
			for (i = 0; i < n; i++) {
				if (a != NULL && strcmp(names[i], a) == 0)
					break;
			}
			if (a != NULL && i == n) {
				memset(&d, 0, sizeof d);
				d.name = a;
				d.job = a;
				views_health_one(v, db, &d);
			}
			free(a);
		}
		sqlite3_finalize(st);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ------------------------------------------------------------------ */
/* SLOs                                                                */
/* ------------------------------------------------------------------ */

/* The newest sample of a key: 0 and its value (NaN if NULL), or -1. */
static int
views_latest(sqlite3_stmt *st, const char *context, const char *key,
    double *value, int64_t *ts)
{
	int	rc = -1;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
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
	if (sqlite3_prepare_v2(db, "SELECT ts_ms, value FROM samples WHERE"
	    " context = ?1 AND query_key = ?2 ORDER BY ts_ms DESC LIMIT 1", -1,
	    &latest, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT ts_ms, value FROM samples WHERE"
	    " context = ?1 AND query_key = ?2 ORDER BY ts_ms", -1, &spark,
	    NULL) != SQLITE_OK) {
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
			    slo_window_name((enum slo_window)w));
			if (views_latest(latest, v->context, key, &val, &ts) ==
			    0) {
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

	if (sqlite3_prepare_v2(db, "SELECT fingerprint, alertname, severity,"
	    " state, silenced_by, inhibited_by, labels, annotations,"
	    " starts_at_ms, generator_url FROM alerts WHERE context = ?1"
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
		a->summary = views_json_get(a->annotations, "summary");
		if (a->summary == NULL)
			a->summary = views_json_get(a->annotations,
			    "description");
		a->runbook_url = views_json_get(a->annotations, "runbook_url");
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

/* The services an alert touches. */
static void
views_alert_services(struct views *v, const struct conf *conf,
    const struct view_alert *a, struct view_incident *inc)
{
	char		*lv;
	const char	*keys[] = { "service", "job", "deployment",
	    "app", NULL };
	size_t		 i, j;
	int		 k, hit;

	for (i = 0; i < v->nservices; i++) {
		hit = 0;
		if (conf != NULL && conf->nservices > 0) {
			for (j = 0; j < conf->nservices; j++) {
				if (strcmp(conf->services[j].name,
				    v->services[i].name) == 0 &&
				    views_labels_match(a->labels,
				    conf->services[j].match,
				    conf->services[j].nmatch))
					hit = 1;
			}
		} else {
			for (k = 0; keys[k] != NULL && !hit; k++) {
				lv = views_json_get(a->labels, keys[k]);
				if (lv != NULL &&
				    strcmp(lv, v->services[i].name) == 0)
					hit = 1;
				free(lv);
			}
		}
		if (!hit)
			continue;
		for (j = 0; j < inc->nservices; j++) {
			if (strcmp(inc->services[j], v->services[i].name) == 0)
				break;
		}
		if (j == inc->nservices) {
			inc->services = xreallocarray(inc->services,
			    inc->nservices + 1, sizeof *inc->services);
			inc->services[inc->nservices++] =
			    xstrdup(v->services[i].name);
		}
	}
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

/* Group the alerts into incidents by the configured key. */
static void
views_group(struct views *v, const struct conf *conf)
{
	static const char *const dflt[] = { "alertname", "namespace",
	    "service", "cluster" };
	const char *const	*keys = dflt;
	size_t			 nkeys = 4, i, j, k;
	struct buf		 key, title;
	struct view_incident	*inc;
	char			*lv, *hex, *id;
	char			 digest_hex[SHA256_HEX_LEN + 1];

	if (conf != NULL && conf->ngroup_by > 0) {
		keys = (const char *const *)conf->group_by;
		nkeys = conf->ngroup_by;
	}
	for (i = 0; i < v->nalerts; i++) {
		struct view_alert	*a = &v->alerts[i];

		buf_init(&key, 0);
		buf_init(&title, 0);
		buf_append(&key, "", 0);
		buf_puts(&title, a->alertname);
		for (k = 0; k < nkeys; k++) {
			lv = views_json_get(a->labels, keys[k]);
			buf_printf(&key, "%s%s=%s", k > 0 ? "," : "", keys[k],
			    lv != NULL ? lv : "");
			if (lv != NULL && *lv != '\0' &&
			    strcmp(keys[k], "alertname") != 0)
				buf_printf(&title, " %s", lv);
			free(lv);
		}
		for (j = 0; j < v->nincidents; j++) {
			if (strcmp(v->incidents[j].key, buf_str(&key)) == 0)
				break;
		}
		if (j == v->nincidents) {
			v->incidents = xreallocarray(v->incidents,
			    v->nincidents + 1, sizeof *v->incidents);
			inc = &v->incidents[v->nincidents++];
			memset(inc, 0, sizeof *inc);
			inc->key = xstrdup(buf_str(&key));
			hex = xasprintf("%s\x1f%s", v->context, inc->key);
			sha256_hex_of(hex, strlen(hex), digest_hex);
			free(hex);
			id = xstrndup(digest_hex, 8);
			inc->id = id;
			inc->title = xstrdup(buf_str(&title));
			inc->state = xstrdup("triggered");
			inc->started_ms = a->starts_at_ms;
			inc->silenced = inc->inhibited = 1;
		}
		inc = &v->incidents[j];
		buf_done(&key);
		buf_done(&title);
		inc->alerts = xreallocarray(inc->alerts, inc->nalerts + 1,
		    sizeof *inc->alerts);
		inc->alerts[inc->nalerts++] = i;
		if (a->severity > inc->severity)
			inc->severity = a->severity;
		if (a->starts_at_ms != 0 && (inc->started_ms == 0 ||
		    a->starts_at_ms < inc->started_ms))
			inc->started_ms = a->starts_at_ms;
		if (!a->silenced)
			inc->silenced = 0;
		if (!a->inhibited)
			inc->inhibited = 0;
		if (inc->runbook_url == NULL && a->runbook_url != NULL)
			inc->runbook_url = xstrdup(a->runbook_url);
		if (inc->summary == NULL && a->summary != NULL)
			inc->summary = xstrdup(a->summary);
		views_alert_services(v, conf, a, inc);
	}
	/* Sort, then point the alerts at their incident's new place. */
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
			    view_severity_name(v->incidents[i].severity),
			    v->incidents[i].title);
			return;
		}
	}
	v->status_reason = xstrdup("all clear");
}

/* Build every view of the context. */
struct views *
views_build(struct cache *cache, const struct conf *conf,
    const struct conf_context *ctx, int64_t now_ms, char **cause)
{
	struct views	*v;
	sqlite3		*db = cache_db(cache);

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
	/* One read transaction: every panel sees the same moment. */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (views_load_sources(v, db, ctx, now_ms, cause) != 0 ||
	    views_load_slos(v, db, conf, cause) != 0 ||
	    views_load_alerts(v, db, cause) != 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		views_free(v);
		return NULL;
	}
	views_load_health(v, db, conf);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	views_group(v, conf);
	views_overall(v);
	return v;
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
	}
	free(v->sources);
	for (i = 0; i < v->nservices; i++) {
		free(v->services[i].name);
		views_free_strv(v->services[i].reasons,
		    v->services[i].nreasons);
		views_free_strv(v->services[i].deployments,
		    v->services[i].ndeployments);
	}
	free(v->services);
	for (i = 0; i < v->nslos; i++) {
		free(v->slos[i].name);
		free(v->slos[i].service);
		free(v->slos[i].spark);
		free(v->slos[i].spark_ts);
	}
	free(v->slos);
	for (i = 0; i < v->nincidents; i++) {
		free(v->incidents[i].id);
		free(v->incidents[i].key);
		free(v->incidents[i].title);
		free(v->incidents[i].state);
		free(v->incidents[i].alerts);
		free(v->incidents[i].runbook_url);
		free(v->incidents[i].summary);
		views_free_strv(v->incidents[i].services,
		    v->incidents[i].nservices);
	}
	free(v->incidents);
	for (i = 0; i < v->nalerts; i++) {
		free(v->alerts[i].fingerprint);
		free(v->alerts[i].alertname);
		free(v->alerts[i].severity_label);
		free(v->alerts[i].state);
		free(v->alerts[i].labels);
		free(v->alerts[i].annotations);
		free(v->alerts[i].generator_url);
		free(v->alerts[i].summary);
		free(v->alerts[i].runbook_url);
	}
	free(v->alerts);
	free(v->context);
	free(v->status_reason);
	free(v);
}
