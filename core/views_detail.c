/*
 * views_detail.c: on-demand reads for the detail views; see
 * views_detail.h.
 *
 * Each read is a prepared statement over an index (kube_pods_owner,
 * kube_replicasets_owner, kube_events_involved, kube_rollouts_at), so
 * opening a detail
 * costs a few rows whatever the size of the cache.
 *
 * A workload's pods are those it owns: a Deployment's through the
 * ReplicaSets it owns, a StatefulSet's, DaemonSet's or Job's directly, a
 * bare pod is its own.  Its events are those whose involved object is
 * the workload itself (kind, namespace and name), one of its ReplicaSets
 * or one of its pods: never an object that merely shares a name prefix.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/podspec.h"
#include "core/views_detail.h"

/* A text column as a copy, or NULL. */
static char *
vd_text(sqlite3_stmt *st, int col)
{
	const unsigned char	*s = sqlite3_column_text(st, col);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

/* The message for a failed read. */
static char *
vd_error(sqlite3 *db, const struct view_deployment *d, const char *what)
{
	return xasprintf("cannot read the %s of %s %s/%s from the cache "
	    "(%s); 'sitrep cache info' checks the file", what, d->kind,
	    d->ns, d->name, sqlite3_errmsg(db));
}

/* Bind context, namespace, name and kind as ?1, ?2, ?3, ?4. */
static void
vd_bind(sqlite3_stmt *st, const char *context, const struct view_deployment
    *d)
{
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->kind, -1, SQLITE_STATIC);
}

/*
 * SQL naming the pods of workload (?1 context, ?2 namespace, ?3 name,
 * ?4 kind): through a deployment's ReplicaSets, by direct owner, or the
 * bare pod itself.
 */
#define VD_POD_WHERE							\
	" p.context = ?1 AND p.namespace = ?2 AND ("			\
	" (?4 = 'Deployment' AND p.owner_kind = 'ReplicaSet' AND"	\
	"  p.owner_name IN (SELECT r.name FROM kube_replicasets r WHERE" \
	"  r.context = ?1 AND r.namespace = ?2 AND r.owner_name = ?3))" \
	" OR (p.owner_kind = ?4 AND p.owner_name = ?3)"			\
	" OR (?4 = 'Pod' AND p.owner_kind IS NULL AND p.name = ?3))"

/* The pods the workload owns. */
static int
vd_pods(sqlite3 *db, const char *context, struct view_deployment *d,
    char **cause)
{
	sqlite3_stmt	*st;
	struct view_pod	*p;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT p.name, p.phase, p.ready,"
	    " p.restarts, p.reason, p.node FROM kube_pods p WHERE"
	    VD_POD_WHERE " ORDER BY p.name", -1, &st, NULL) != SQLITE_OK) {
		*cause = vd_error(db, d, "pods");
		return -1;
	}
	vd_bind(st, context, d);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d->pods = xreallocarray(d->pods, d->npods + 1, sizeof *d->pods);
		p = &d->pods[d->npods++];
		p->name = vd_text(st, 0);
		if (p->name == NULL)
			p->name = xstrdup("");
		p->phase = vd_text(st, 1);
		p->ready = sqlite3_column_int(st, 2) != 0;
		p->restarts = sqlite3_column_int64(st, 3);
		p->reason = vd_text(st, 4);
		p->node = vd_text(st, 5);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vd_error(db, d, "pods");
		return -1;
	}
	return 0;
}

/*
 * The newest events about the workload, its ReplicaSets and its pods,
 * each matched by its involved object's kind, namespace and name.
 */
static int
vd_events(sqlite3 *db, const char *context, struct view_deployment *d,
    char **cause)
{
	sqlite3_stmt		*st;
	struct view_event	*e;
	int			 rc;

	if (sqlite3_prepare_v2(db, "SELECT type, reason, message, count,"
	    " last_ms, involved_name, involved_kind FROM kube_events WHERE"
	    " context = ?1 AND namespace = ?2 AND ("
	    " (involved_kind = ?4 AND involved_name = ?3)"
	    " OR (?4 = 'Deployment' AND involved_kind = 'ReplicaSet' AND"
	    "  involved_name IN (SELECT r.name FROM kube_replicasets r WHERE"
	    "  r.context = ?1 AND r.namespace = ?2 AND r.owner_name = ?3))"
	    " OR (involved_kind = 'Pod' AND involved_name IN (SELECT p.name"
	    "  FROM kube_pods p WHERE" VD_POD_WHERE ")))"
	    " ORDER BY last_ms DESC LIMIT ?5", -1, &st, NULL) != SQLITE_OK) {
		*cause = vd_error(db, d, "events");
		return -1;
	}
	vd_bind(st, context, d);
	sqlite3_bind_int(st, 5, VIEWS_DETAIL_EVENTS_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d->events = xreallocarray(d->events, d->nevents + 1,
		    sizeof *d->events);
		e = &d->events[d->nevents++];
		e->type = vd_text(st, 0);
		e->reason = vd_text(st, 1);
		e->message = vd_text(st, 2);
		e->count = sqlite3_column_int64(st, 3);
		e->last_ms = sqlite3_column_int64(st, 4);
		e->involved = vd_text(st, 5);
		e->involved_kind = vd_text(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vd_error(db, d, "events");
		return -1;
	}
	return 0;
}

/*
 * The revisions that became current in [since, until], oldest first (of
 * one moment, the higher revision last): new ReplicaSets and rollbacks
 * alike, from the history store_rollouts() keeps.
 */
static int
vd_rollouts(sqlite3 *db, const char *context, struct view_deployment *d,
    int64_t since, int64_t until, char **cause)
{
	sqlite3_stmt		*st;
	struct view_rollout	*r;
	int			 rc;

	if (sqlite3_prepare_v2(db, "SELECT revision, at_ms, replicaset FROM"
	    " kube_rollouts WHERE context = ?1 AND namespace = ?2 AND"
	    " name = ?3 AND kind = ?4 AND at_ms BETWEEN ?5 AND ?6"
	    " ORDER BY at_ms, revision", -1, &st, NULL) != SQLITE_OK) {
		*cause = vd_error(db, d, "rollouts");
		return -1;
	}
	vd_bind(st, context, d);
	sqlite3_bind_int64(st, 5, since);
	sqlite3_bind_int64(st, 6, until);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d->rollouts = xreallocarray(d->rollouts, d->nrollouts + 1,
		    sizeof *d->rollouts);
		r = &d->rollouts[d->nrollouts++];
		r->revision = sqlite3_column_int64(st, 0);
		r->at_ms = sqlite3_column_int64(st, 1);
		r->replicaset = vd_text(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vd_error(db, d, "rollouts");
		return -1;
	}
	return 0;
}

/*
 * A deployment's revisions, newest first: its ReplicaSets with a
 * revision, each with when it became current (kube_rollouts; a
 * revision it has no row for, at its ReplicaSet's creation).
 */
static int
vd_revisions(sqlite3 *db, const char *context, struct view_deployment *d,
    char **cause)
{
	sqlite3_stmt		*st;
	struct view_revision	*r;
	int			 rc;

	if (sqlite3_prepare_v2(db, "SELECT r.revision, r.name,"
	    " CASE WHEN o.revision IS NULL THEN r.created_ms ELSE o.at_ms END,"
	    " r.images, r.containers, r.replicas, r.ready_replicas"
	    " FROM kube_replicasets r LEFT JOIN kube_rollouts o ON"
	    " o.context = r.context AND o.namespace = r.namespace AND"
	    " o.kind = ?4 AND o.name = ?3 AND o.revision = r.revision"
	    " WHERE r.context = ?1 AND r.namespace = ?2 AND"
	    " r.owner_name = ?3 AND r.revision IS NOT NULL"
	    " ORDER BY r.revision DESC, r.name LIMIT ?5", -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = vd_error(db, d, "revisions");
		return -1;
	}
	vd_bind(st, context, d);
	sqlite3_bind_int(st, 5, VIEWS_DETAIL_REVISIONS_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d->revisions = xreallocarray(d->revisions, d->nrevisions + 1,
		    sizeof *d->revisions);
		r = &d->revisions[d->nrevisions++];
		memset(r, 0, sizeof *r);
		r->revision = sqlite3_column_int64(st, 0);
		r->replicaset = vd_text(st, 1);
		r->at_ms = sqlite3_column_int64(st, 2);
		r->images = vd_text(st, 3);
		r->containers = vd_text(st, 4);
		r->replicas = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 5);
		r->ready = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vd_error(db, d, "revisions");
		return -1;
	}
	return 0;
}

/* An integer column, or -1 when NULL. */
static int64_t
vd_int(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, col);
}

/* A member of a condition as a copy, or NULL. */
static char *
vd_member(const cJSON *c, const char *key)
{
	const char	*v = json_peek(c, key);

	return v != NULL ? xstrdup(v) : NULL;
}

/* The conditions (JSON text, as kube.c keeps them) into d. */
static void
vd_conditions(struct view_deployment *d, const char *json)
{
	cJSON			*root, *c;
	struct view_condition	*k;

	if (json == NULL || (root = cJSON_Parse(json)) == NULL)
		return;
	cJSON_ArrayForEach(c, json_array(root)) {
		if (json_peek(c, "type") == NULL)
			continue;
		d->conditions = xreallocarray(d->conditions,
		    d->nconditions + 1, sizeof *d->conditions);
		k = &d->conditions[d->nconditions++];
		k->type = vd_member(c, "type");
		k->status = vd_member(c, "status");
		k->reason = vd_member(c, "reason");
		k->message = vd_member(c, "message");
	}
	cJSON_Delete(root);
}

/*
 * A deployment's rollout status and revisions: its replica counts,
 * revision and conditions (all -1 and none when it is not listed), then
 * its revisions, the current one marked.
 */
static int
vd_status(sqlite3 *db, const char *context, struct view_deployment *d,
    char **cause)
{
	sqlite3_stmt	*st;
	const char	*conds;
	size_t		 i;
	int		 rc;

	d->revision = d->replicas = d->ready = d->updated = d->available = -1;
	if (strcmp(d->kind, "Deployment") != 0)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT replicas, ready_replicas,"
	    " updated_replicas, available_replicas, revision, conditions"
	    " FROM kube_deployments WHERE context = ?1 AND namespace = ?2 AND"
	    " name = ?3", -1, &st, NULL) != SQLITE_OK) {
		*cause = vd_error(db, d, "rollout status");
		return -1;
	}
	vd_bind(st, context, d);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d->replicas = vd_int(st, 0);
		d->ready = vd_int(st, 1);
		d->updated = vd_int(st, 2);
		d->available = vd_int(st, 3);
		d->revision = vd_int(st, 4);
		conds = (const char *)sqlite3_column_text(st, 5);
		vd_conditions(d, conds);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vd_error(db, d, "rollout status");
		return -1;
	}
	if (vd_revisions(db, context, d, cause) != 0)
		return -1;
	for (i = 0; i < d->nrevisions; i++) {
		if (d->revisions[i].revision == d->revision) {
			d->revisions[i].current = 1;
			return 0;
		}
	}
	/* Listed without a revision: the newest is taken as current. */
	if (d->revision < 0 && d->nrevisions > 0)
		d->revisions[0].current = 1;
	return 0;
}

/* The current and previous revisions; see views_detail.h. */
int
views_revision_previous(const struct view_deployment *d, size_t *current,
    size_t *previous)
{
	size_t	i, cur = (size_t)-1;

	*current = *previous = (size_t)-1;
	for (i = 0; i < d->nrevisions; i++) {
		if (d->revisions[i].current) {
			cur = i;
			break;
		}
	}
	if (cur == (size_t)-1)
		return -1;
	*current = cur;
	/* Newest first: the first older one is the previous. */
	for (i = 0; i < d->nrevisions; i++) {
		if (d->revisions[i].revision < d->revisions[cur].revision) {
			*previous = i;
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* What a rollback changes                                             */
/* ------------------------------------------------------------------ */

/* An image list (JSON array text) as "A, B", or "none". */
static char *
vd_images(const char *json)
{
	cJSON		*root = json != NULL ? cJSON_Parse(json) : NULL;
	const cJSON	*e;
	struct buf	 b;

	buf_init(&b, 0);
	cJSON_ArrayForEach(e, json_array(root)) {
		if (cJSON_IsString(e))
			buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
			    e->valuestring);
	}
	cJSON_Delete(root);
	if (b.len == 0)
		buf_puts(&b, "none");
	return buf_detach(&b);
}

/* What changes from one revision to another; see views_detail.h. */
char **
views_revision_diff(const struct view_revision *from,
    const struct view_revision *to, size_t *n)
{
	char	**v = NULL, *x, *y, *line;

	if (from->containers != NULL && to->containers != NULL)
		return podspec_diff(from->containers, to->containers, n);
	*n = 0;
	x = vd_images(from->images);
	y = vd_images(to->images);
	if (strcmp(x, y) != 0) {
		line = xasprintf("images: %s -> %s", x, y);
		v = xcalloc(1, sizeof *v);
		v[0] = sanitize_terminal(line, 0);
		*n = 1;
		free(line);
	}
	free(x);
	free(y);
	return v;
}

/* Read a workload's detail; see views_detail.h. */
struct view_deployment *
views_workload_read(struct cache *cache, const char *context,
    const char *workload, int what, int64_t since_ms, int64_t until_ms,
    char **cause)
{
	struct view_deployment	*d;
	sqlite3			*db = cache_db(cache);
	const char		*sp = strchr(workload, ' '), *slash;

	slash = sp != NULL ? strchr(sp + 1, '/') : NULL;
	if (sp == NULL || sp == workload || slash == NULL || slash == sp + 1 ||
	    slash[1] == '\0' || strchr(slash + 1, '/') != NULL) {
		*cause = xasprintf("'%s' is not a workload (Kind "
		    "namespace/name)", workload);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	d->revision = d->replicas = d->ready = d->updated = d->available = -1;
	d->kind = xstrndup(workload, (size_t)(sp - workload));
	d->ns = xstrndup(sp + 1, (size_t)(slash - sp - 1));
	d->name = xstrdup(slash + 1);
	if (((what & VD_PODS) && vd_pods(db, context, d, cause) != 0) ||
	    ((what & VD_EVENTS) && vd_events(db, context, d, cause) != 0) ||
	    ((what & VD_ROLLOUTS) && vd_rollouts(db, context, d, since_ms,
	    until_ms, cause) != 0) ||
	    ((what & VD_REVISIONS) && vd_status(db, context, d, cause) != 0)) {
		views_deployment_free(d);
		return NULL;
	}
	return d;
}

/* Read a deployment's detail; see views_detail.h. */
struct view_deployment *
views_deployment_read(struct cache *cache, const char *context,
    const char *ns_name, int what, int64_t since_ms, int64_t until_ms,
    char **cause)
{
	struct view_deployment	*d;
	const char		*slash = strchr(ns_name, '/');
	char			*w;

	if (slash == NULL || slash == ns_name || slash[1] == '\0' ||
	    strchr(ns_name, ' ') != NULL) {
		*cause = xasprintf("'%s' is not a deployment (namespace/name)",
		    ns_name);
		return NULL;
	}
	w = xasprintf("Deployment %s", ns_name);
	d = views_workload_read(cache, context, w, what, since_ms, until_ms,
	    cause);
	free(w);
	return d;
}

/* Free a workload's detail; NULL is a no-op. */
void
views_deployment_free(struct view_deployment *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->npods; i++) {
		free(d->pods[i].name);
		free(d->pods[i].phase);
		free(d->pods[i].reason);
		free(d->pods[i].node);
	}
	for (i = 0; i < d->nevents; i++) {
		free(d->events[i].type);
		free(d->events[i].reason);
		free(d->events[i].message);
		free(d->events[i].involved);
		free(d->events[i].involved_kind);
	}
	for (i = 0; i < d->nrollouts; i++)
		free(d->rollouts[i].replicaset);
	for (i = 0; i < d->nrevisions; i++) {
		free(d->revisions[i].replicaset);
		free(d->revisions[i].images);
		free(d->revisions[i].containers);
	}
	for (i = 0; i < d->nconditions; i++) {
		free(d->conditions[i].type);
		free(d->conditions[i].status);
		free(d->conditions[i].reason);
		free(d->conditions[i].message);
	}
	free(d->revisions);
	free(d->conditions);
	free(d->pods);
	free(d->events);
	free(d->rollouts);
	free(d->kind);
	free(d->ns);
	free(d->name);
	free(d);
}

/* The namespaces the cache knows; see views_detail.h. */
char **
views_namespaces(struct cache *cache, const char *context, size_t *n,
    char **cause)
{
	sqlite3		*db = cache_db(cache);
	sqlite3_stmt	*st;
	char		**v = NULL;
	int		  rc;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT name FROM kube_namespaces WHERE"
	    " context = ?1 UNION SELECT namespace FROM kube_deployments WHERE"
	    " context = ?1 UNION SELECT namespace FROM kube_pods WHERE"
	    " context = ?1 ORDER BY 1", -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("cannot read the namespaces from the cache "
		    "(%s); 'sitrep cache info' checks the file",
		    sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_text(st, 0) == NULL)
			continue;
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = vd_text(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		views_strings_free(v, *n);
		*n = 0;
		*cause = xasprintf("cannot read the namespaces from the cache "
		    "(%s); 'sitrep cache info' checks the file",
		    sqlite3_errmsg(db));
		return NULL;
	}
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	return v;
}

/* Free an array of strings; NULL is a no-op. */
void
views_strings_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Order pairs by key, bytewise. */
static int
vd_pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct view_pair *)a)->key,
	    ((const struct view_pair *)b)->key);
}

/* The members of a JSON object text, sorted; see views_detail.h. */
struct view_pair *
views_pairs(const char *json, size_t *n)
{
	cJSON			*root, *m;
	struct view_pair	*v = NULL;

	*n = 0;
	if (json == NULL || (root = cJSON_Parse(json)) == NULL)
		return NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return NULL;
	}
	cJSON_ArrayForEach(m, root) {
		if (m->string == NULL)
			continue;
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[*n].key = xstrdup(m->string);
		v[*n].value = cJSON_IsString(m) ? xstrdup(m->valuestring) :
		    json_text(m, "");
		(*n)++;
	}
	cJSON_Delete(root);
	if (*n > 1)
		qsort(v, *n, sizeof *v, vd_pair_cmp);
	return v;
}

/* Free pairs; NULL is a no-op. */
void
views_pairs_free(struct view_pair *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}
