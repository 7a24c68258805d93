/*
 * store.c: the typed writers of the cache's source tables.
 *
 * Besides the migrations in cache_schema.c this is the only code that
 * writes targets, series, samples, alerts, silences, the kube_* tables
 * (kube_rollouts included, derived from the stored deployments), probes
 * and the sources row's warning: every source and the simulator hand it
 * plain structs, so one round of the demo and one round of a real server
 * go through the same statements.  The kube tables also have row-by-row
 * writers (upsert and delete by key) for a source that knows what changed
 * since its last round.  Each writer prepares its statements,
 * runs them inside the caller's transaction and finalises them; nothing
 * is kept between calls.  Every writer counts its write in the changes
 * table (cache_touch), so a reader knows which tables moved.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/store.h"

/* ------------------------------------------------------------------ */
/* Statements                                                          */
/* ------------------------------------------------------------------ */

/* Set *cause to "table: SQLite's message"; returns -1. */
static int
store_fail(struct cache *cache, const char *table, char **cause)
{
	*cause = cache_write_error(cache, xstrdup(table));
	return -1;
}

/* The connection's kept statement of sql (see cache_stmt()). */
static sqlite3_stmt *
store_prepare(struct cache *cache, const char *table, const char *sql,
    char **cause)
{
	return cache_stmt(cache, table, sql, cause);
}

/* Bind text, or NULL for a NULL pointer. */
static void
store_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

/* Bind an integer, or NULL for STORE_NULL. */
static void
store_int(sqlite3_stmt *st, int col, int64_t v)
{
	if (v != STORE_NULL)
		sqlite3_bind_int64(st, col, v);
	else
		sqlite3_bind_null(st, col);
}

/* Bind a double, or NULL for NaN and infinities. */
static void
store_double(sqlite3_stmt *st, int col, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, col, v);
	else
		sqlite3_bind_null(st, col);
}

/* Run a bound statement and make it ready for the next row. */
static int
store_step(struct cache *cache, sqlite3_stmt *st, const char *table,
    char **cause)
{
	int	rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		store_fail(cache, table, cause);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Run sql once with text binds a and b (b may be NULL: not bound). */
static int
store_exec(struct cache *cache, const char *table, const char *sql, const char *a,
    const char *b, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(cache, table, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	rc = store_step(cache, st, table, cause);
	cache_stmt_put(cache, st);
	return rc;
}

/* Run sql (statements without parameters); -1 and *cause if it fails. */
static int
store_sql(struct cache *cache, const char *table, const char *sql,
    char **cause)
{
	if (sqlite3_exec(cache_db(cache), sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(cache, table, cause);
	return 0;
}

/* Delete the context's rows of table (a name from this file only). */
static int
store_clear(struct cache *cache, const char *table, const char *context,
    char **cause)
{
	char	*sql;
	int	 rc;

	sql = xasprintf("DELETE FROM %s WHERE context = ?1", table);
	rc = store_exec(cache, table, sql, context, NULL, cause);
	free(sql);
	return rc;
}

/*
 * The rows of one table: clear what must go (clear_sql with context and
 * source, or the context's rows when clear_sql is NULL), prepare insert,
 * then call bind for each row and step.
 */
typedef void	(*store_bind_fn)(sqlite3_stmt *, const void *row,
		    const char *context, const char *source, int64_t now_ms);

/* Insert rows into a table of no reader's (a temporary one): not counted. */
static int
store_insert_plain(struct cache *cache, const char *table,
    const char *context, const char *source, const char *insert,
    store_bind_fn bind, const void *rows, size_t size, size_t n,
    int64_t now_ms, char **cause)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc = 0;

	if (n == 0)
		return 0;
	if ((st = store_prepare(cache, table, insert, cause)) == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		bind(st, (const char *)rows + i * size, context, source,
		    now_ms);
		rc = store_step(cache, st, table, cause);
	}
	cache_stmt_put(cache, st);
	return rc;
}

/* Insert rows (an array of n items of size bytes), nothing cleared. */
static int
store_insert(struct cache *cache, const char *table, const char *context,
    const char *source, const char *insert, store_bind_fn bind,
    const void *rows, size_t size, size_t n, int64_t now_ms, char **cause)
{
	if (n > 0 && cache_touch(cache, context, table, cause) != 0)
		return -1;
	return store_insert_plain(cache, table, context, source, insert, bind,
	    rows, size, n, now_ms, cause);
}

/* Replace rows as above; rows is an array of n items of size bytes. */
static int
store_rows(struct cache *cache, const char *table, const char *clear_sql,
    const char *context, const char *source, const char *insert,
    store_bind_fn bind, const void *rows, size_t size, size_t n,
    int64_t now_ms, char **cause)
{

	if (cache_touch(cache, context, table, cause) != 0)
		return -1;
	if (clear_sql != NULL) {
		if (store_exec(cache, table, clear_sql, context, source,
		    cause) != 0)
			return -1;
	} else if (store_clear(cache, table, context, cause) != 0)
		return -1;
	return store_insert(cache, table, context, source, insert, bind, rows,
	    size, n, now_ms, cause);
}

/* ------------------------------------------------------------------ */
/* Prometheus                                                          */
/* ------------------------------------------------------------------ */

/* Bind a target. */
static void
store_bind_target(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_target	*t = row;

	store_text(st, 1, context);
	store_text(st, 2, source);
	store_text(st, 3, t->job);
	store_text(st, 4, t->instance);
	store_text(st, 5, t->health);
	store_text(st, 6, t->last_error);
	store_int(st, 7, t->last_scrape_ms);
	store_text(st, 8, t->scrape_url);
	store_text(st, 9, t->labels);
	store_int(st, 10, now_ms);
}

/* Replace the targets of (context, source). */
int
store_targets(struct cache *cache, const char *context, const char *source,
    const struct store_target *t, size_t n, int64_t now_ms, char **cause)
{
	return store_rows(cache, "targets", "DELETE FROM targets WHERE "
	    "context = ?1 AND source = ?2", context, source,
	    "INSERT OR REPLACE INTO targets (context, source, job, instance,"
	    " health, last_error, last_scrape_ms, scrape_url, labels, seen_ms)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?)", store_bind_target, t, sizeof *t,
	    n, now_ms, cause);
}

/* Bind a series. */
static void
store_bind_series(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_series	*s = row;

	store_text(st, 1, context);
	store_text(st, 2, source);
	store_text(st, 3, s->query_key);
	store_text(st, 4, s->metric);
	store_double(st, 5, s->value);
	store_int(st, 6, s->ts_ms);
}

/* Replace the series of (context, source). */
int
store_series(struct cache *cache, const char *context, const char *source,
    const struct store_series *s, size_t n, char **cause)
{
	return store_rows(cache, "series", "DELETE FROM series WHERE "
	    "context = ?1 AND source = ?2", context, source,
	    "INSERT OR REPLACE INTO series (context, source, query_key,"
	    " metric, value, ts_ms) VALUES (?,?,?,?,?,?)", store_bind_series,
	    s, sizeof *s, n, 0, cause);
}

/* Insert or replace points of key (no clearing). */
static int
store_points(struct cache *cache, const char *context, const char *key,
    const struct store_point *p, size_t n, char **cause)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc = 0;

	if ((st = store_prepare(cache, "samples", "INSERT OR REPLACE INTO samples"
	    " (context, query_key, ts_ms, value) VALUES (?,?,?,?)", cause)) ==
	    NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		store_text(st, 1, context);
		store_text(st, 2, key);
		store_int(st, 3, p[i].ts_ms);
		store_double(st, 4, p[i].value);
		rc = store_step(cache, st, "samples", cause);
	}
	cache_stmt_put(cache, st);
	return rc;
}

/* Add a window point and keep a day of them. */
int
store_window(struct cache *cache, const char *context, const char *key,
    int64_t ts_ms, double value, char **cause)
{
	struct store_point	 p = { ts_ms, value };

	if (cache_touch(cache, context, "samples", cause) != 0 ||
	    store_points(cache, context, key, &p, 1, cause) != 0)
		return -1;
	/* Window points older than a day are of no further use. */
	return store_exec(cache, "samples", "DELETE FROM samples WHERE "
	    "context = ?1 AND query_key = ?2 AND ts_ms < (SELECT MAX(ts_ms) "
	    "FROM samples WHERE context = ?1 AND query_key = ?2) - 86400000",
	    context, key, cause);
}

/* Replace a key's points. */
int
store_history(struct cache *cache, const char *context, const char *key,
    const struct store_point *p, size_t n, char **cause)
{

	if (cache_touch(cache, context, "samples", cause) != 0 ||
	    store_exec(cache, "samples", "DELETE FROM samples WHERE "
	    "context = ?1 AND query_key = ?2", context, key, cause) != 0)
		return -1;
	return store_points(cache, context, key, p, n, cause);
}

/* Delete the context's samples. */
int
store_samples_clear(struct cache *cache, const char *context, char **cause)
{
	if (cache_touch(cache, context, "samples", cause) != 0)
		return -1;
	return store_clear(cache, "samples", context, cause);
}

/* ------------------------------------------------------------------ */
/* Alertmanager                                                        */
/* ------------------------------------------------------------------ */

/* Bind an alert. */
static void
store_bind_alert(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_alert	*a = row;

	store_text(st, 1, context);
	store_text(st, 2, a->source);
	store_text(st, 3, a->fingerprint);
	store_text(st, 4, a->alertname);
	store_text(st, 5, a->severity);
	store_text(st, 6, a->state);
	store_text(st, 7, a->silenced_by);
	store_text(st, 8, a->inhibited_by);
	store_text(st, 9, a->labels);
	store_text(st, 10, a->annotations);
	store_int(st, 11, a->starts_at_ms);
	store_int(st, 12, a->ends_at_ms);
	store_int(st, 13, a->updated_at_ms);
	store_text(st, 14, a->generator_url);
	store_text(st, 15, a->receivers);
	store_int(st, 16, now_ms);
}

/*
 * The round's alerts merged by fingerprint in a temporary table: the
 * newest update wins (ON CONFLICT with a comparison), so the order of
 * the members does not matter.
 */
#define STORE_ROUND_ALERTS						\
	"temp.store_round_alerts"
#define STORE_ALERT_VALUES						\
	" (context, source, fingerprint, alertname, severity, state,"	\
	" silenced_by, inhibited_by, labels, annotations, starts_at_ms,"	\
	" ends_at_ms, updated_at_ms, generator_url, receivers, seen_ms)"	\
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
/* The merge of a fingerprint listed twice; ends with the table's name. */
#define STORE_ALERT_MERGE						\
	" DO UPDATE SET state = excluded.state,"			\
	" silenced_by = excluded.silenced_by,"				\
	" inhibited_by = excluded.inhibited_by,"			\
	" annotations = excluded.annotations,"				\
	" ends_at_ms = excluded.ends_at_ms,"				\
	" updated_at_ms = excluded.updated_at_ms"			\
	" WHERE excluded.updated_at_ms > "

/*
 * Replace the context's alerts, merged by fingerprint, writing only the
 * rows that differ from what is stored (and deleting those the round
 * does not list): a round that changed nothing writes nothing, and the
 * alerts' change counter moves only when something did.
 */
int
store_alerts(struct cache *cache, const char *context,
    const struct store_alert *a, size_t n, int64_t now_ms, char **cause)
{
	static const char *const apply[] = {
		"DELETE FROM alerts WHERE context = ?1 AND fingerprint NOT IN"
		" (SELECT fingerprint FROM " STORE_ROUND_ALERTS ")",
		"INSERT OR REPLACE INTO alerts (context, source, fingerprint,"
		" alertname, severity, state, silenced_by, inhibited_by, labels,"
		" annotations, starts_at_ms, ends_at_ms, updated_at_ms,"
		" generator_url, receivers, seen_ms)"
		" SELECT ?1, r.source, r.fingerprint, r.alertname, r.severity,"
		" r.state, r.silenced_by, r.inhibited_by, r.labels,"
		" r.annotations, r.starts_at_ms, r.ends_at_ms, r.updated_at_ms,"
		" r.generator_url, r.receivers, r.seen_ms"
		" FROM " STORE_ROUND_ALERTS " r WHERE NOT EXISTS (SELECT 1"
		" FROM alerts o WHERE o.context = ?1 AND"
		" o.fingerprint = r.fingerprint AND o.source IS r.source AND"
		" o.alertname IS r.alertname AND o.severity IS r.severity AND"
		" o.state IS r.state AND o.silenced_by IS r.silenced_by AND"
		" o.inhibited_by IS r.inhibited_by AND o.labels IS r.labels AND"
		" o.annotations IS r.annotations AND"
		" o.starts_at_ms IS r.starts_at_ms AND"
		" o.ends_at_ms IS r.ends_at_ms AND"
		" o.updated_at_ms IS r.updated_at_ms AND"
		" o.generator_url IS r.generator_url AND"
		" o.receivers IS r.receivers)",
	};
	sqlite3		*db = cache_db(cache);
	sqlite3_stmt	*st;
	int		 before, none;
	size_t		 i;

	/* Nothing stored yet (a first round): every row is new. */
	if ((st = store_prepare(cache, "alerts", "SELECT NOT EXISTS (SELECT 1"
	    " FROM alerts WHERE context = ?1)", cause)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	none = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	cache_stmt_put(cache, st);
	if (none)
		return store_insert(cache, "alerts", context, NULL,
		    "INSERT INTO alerts" STORE_ALERT_VALUES
		    " ON CONFLICT (context, fingerprint)" STORE_ALERT_MERGE
		    "alerts.updated_at_ms", store_bind_alert, a, sizeof *a, n,
		    now_ms, cause);
	if (store_sql(cache, "alerts", "CREATE TEMP TABLE IF NOT EXISTS"
	    " store_round_alerts (context TEXT, source TEXT,"
	    " fingerprint TEXT PRIMARY KEY, alertname TEXT, severity TEXT,"
	    " state TEXT, silenced_by TEXT, inhibited_by TEXT, labels TEXT,"
	    " annotations TEXT, starts_at_ms INTEGER, ends_at_ms INTEGER,"
	    " updated_at_ms INTEGER, generator_url TEXT, receivers TEXT,"
	    " seen_ms INTEGER); DELETE FROM " STORE_ROUND_ALERTS, cause) != 0 ||
	    store_insert_plain(cache, "alerts", context, NULL,
	    "INSERT INTO " STORE_ROUND_ALERTS STORE_ALERT_VALUES
	    " ON CONFLICT (fingerprint)" STORE_ALERT_MERGE
	    "store_round_alerts.updated_at_ms",
	    store_bind_alert, a, sizeof *a, n, now_ms, cause) != 0)
		return -1;
	before = sqlite3_total_changes(db);
	for (i = 0; i < sizeof apply / sizeof apply[0]; i++) {
		if (store_exec(cache, "alerts", apply[i], context, NULL,
		    cause) != 0)
			return -1;
	}
	if (sqlite3_total_changes(db) != before &&
	    cache_touch(cache, context, "alerts", cause) != 0)
		return -1;
	/* The round's copy is of no further use. */
	return store_sql(cache, "alerts", "DELETE FROM " STORE_ROUND_ALERTS,
	    cause);
}

/* Bind a silence. */
static void
store_bind_silence(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_silence	*s = row;

	store_text(st, 1, context);
	store_text(st, 2, s->source);
	store_text(st, 3, s->id);
	store_text(st, 4, s->state);
	store_text(st, 5, s->matchers);
	store_text(st, 6, s->created_by);
	store_text(st, 7, s->comment);
	store_int(st, 8, s->starts_at_ms);
	store_int(st, 9, s->ends_at_ms);
	store_int(st, 10, s->updated_at_ms);
	store_int(st, 11, now_ms);
}

/* Replace the context's silences, merged by id. */
int
store_silences(struct cache *cache, const char *context,
    const struct store_silence *s, size_t n, int64_t now_ms, char **cause)
{
	return store_rows(cache, "silences", NULL, context, NULL,
	    "INSERT INTO silences (context, source,"
	    " id, state, matchers, created_by, comment, starts_at_ms,"
	    " ends_at_ms, updated_at_ms, seen_ms)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?)"
	    " ON CONFLICT (context, id) DO UPDATE SET state = excluded.state,"
	    " ends_at_ms = excluded.ends_at_ms,"
	    " updated_at_ms = excluded.updated_at_ms"
	    " WHERE excluded.updated_at_ms > silences.updated_at_ms",
	    store_bind_silence, s, sizeof *s, n, now_ms, cause);
}

/* ------------------------------------------------------------------ */
/* Kubernetes                                                          */
/* ------------------------------------------------------------------ */

/* The inserts of the kube tables (the replacing writers and upserts). */
#define STORE_SQL_DEPLOYMENT \
	"INSERT OR REPLACE INTO kube_deployments (context, namespace," \
	" name, uid, generation, observed_generation, replicas," \
	" ready_replicas, updated_replicas, available_replicas, revision," \
	" labels, selector, conditions, created_ms, seen_ms)" \
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define STORE_SQL_STATEFULSET \
	"INSERT OR REPLACE INTO kube_statefulsets (context, namespace," \
	" name, uid, generation, observed_generation, replicas," \
	" ready_replicas, current_replicas, updated_replicas," \
	" available_replicas, current_revision, update_revision, labels," \
	" selector, conditions, created_ms, seen_ms)" \
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define STORE_SQL_DAEMONSET \
	"INSERT OR REPLACE INTO kube_daemonsets (context, namespace," \
	" name, uid, generation, observed_generation, desired, current," \
	" ready, updated, available, misscheduled, labels, selector," \
	" conditions, created_ms, seen_ms)" \
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define STORE_SQL_REPLICASET \
	"INSERT OR REPLACE INTO kube_replicasets (context, namespace," \
	" name, uid, owner_uid, owner_name, revision, replicas," \
	" ready_replicas, template_hash, created_ms, images, seen_ms," \
	" containers) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define STORE_SQL_POD \
	"INSERT OR REPLACE INTO kube_pods (context, namespace, name, uid," \
	" owner_kind, owner_name, node, phase, ready, restarts, reason," \
	" message, labels, started_ms, seen_ms)" \
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define STORE_SQL_EVENT \
	"INSERT OR REPLACE INTO kube_events (context, namespace, uid," \
	" involved_kind, involved_name, type, reason, message, count," \
	" last_ms) VALUES (?,?,?,?,?,?,?,?,?,?)"
#define STORE_SQL_NODE \
	"INSERT OR REPLACE INTO kube_nodes (context, name, ready," \
	" conditions, unschedulable, labels, seen_ms)" \
	" VALUES (?,?,?,?,?,?,?)"
#define STORE_SQL_NAMESPACE \
	"INSERT OR REPLACE INTO kube_namespaces (context, name, phase," \
	" seen_ms) VALUES (?,?,?,?)"
#define STORE_SQL_DELETE_NS(t) \
	"DELETE FROM " t " WHERE context = ?1 AND namespace = ?2" \
	" AND name = ?3"

/* Bind a deployment. */
static void
store_bind_deployment(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_deployment	*d = row;

	store_text(st, 1, context);
	store_text(st, 2, d->namespace);
	store_text(st, 3, d->name);
	store_text(st, 4, d->uid);
	store_int(st, 5, d->generation);
	store_int(st, 6, d->observed_generation);
	store_int(st, 7, d->replicas);
	store_int(st, 8, d->ready_replicas);
	store_int(st, 9, d->updated_replicas);
	store_int(st, 10, d->available_replicas);
	store_int(st, 11, d->revision);
	store_text(st, 12, d->labels);
	store_text(st, 13, d->selector);
	store_text(st, 14, d->conditions);
	store_int(st, 15, d->created_ms);
	store_int(st, 16, now_ms);
}

/* Replace the context's deployments. */
int
store_deployments(struct cache *cache, const char *context,
    const struct store_deployment *d, size_t n, int64_t now_ms,
    char **cause)
{
	return store_rows(cache, "kube_deployments", NULL, context, NULL,
	    STORE_SQL_DEPLOYMENT,
	    store_bind_deployment, d, sizeof *d, n, now_ms, cause);
}

/* Bind a stateful set. */
static void
store_bind_statefulset(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_statefulset	*x = row;

	store_text(st, 1, context);
	store_text(st, 2, x->namespace);
	store_text(st, 3, x->name);
	store_text(st, 4, x->uid);
	store_int(st, 5, x->generation);
	store_int(st, 6, x->observed_generation);
	store_int(st, 7, x->replicas);
	store_int(st, 8, x->ready_replicas);
	store_int(st, 9, x->current_replicas);
	store_int(st, 10, x->updated_replicas);
	store_int(st, 11, x->available_replicas);
	store_text(st, 12, x->current_revision);
	store_text(st, 13, x->update_revision);
	store_text(st, 14, x->labels);
	store_text(st, 15, x->selector);
	store_text(st, 16, x->conditions);
	store_int(st, 17, x->created_ms);
	store_int(st, 18, now_ms);
}

/* Replace the context's stateful sets. */
int
store_statefulsets(struct cache *cache, const char *context,
    const struct store_statefulset *x, size_t n, int64_t now_ms,
    char **cause)
{
	return store_rows(cache, "kube_statefulsets", NULL, context, NULL,
	    STORE_SQL_STATEFULSET,
	    store_bind_statefulset, x, sizeof *x, n, now_ms, cause);
}

/* Bind a daemon set. */
static void
store_bind_daemonset(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_daemonset	*x = row;

	store_text(st, 1, context);
	store_text(st, 2, x->namespace);
	store_text(st, 3, x->name);
	store_text(st, 4, x->uid);
	store_int(st, 5, x->generation);
	store_int(st, 6, x->observed_generation);
	store_int(st, 7, x->desired);
	store_int(st, 8, x->current);
	store_int(st, 9, x->ready);
	store_int(st, 10, x->updated);
	store_int(st, 11, x->available);
	store_int(st, 12, x->misscheduled);
	store_text(st, 13, x->labels);
	store_text(st, 14, x->selector);
	store_text(st, 15, x->conditions);
	store_int(st, 16, x->created_ms);
	store_int(st, 17, now_ms);
}

/* Replace the context's daemon sets. */
int
store_daemonsets(struct cache *cache, const char *context,
    const struct store_daemonset *x, size_t n, int64_t now_ms,
    char **cause)
{
	return store_rows(cache, "kube_daemonsets", NULL, context, NULL,
	    STORE_SQL_DAEMONSET,
	    store_bind_daemonset, x, sizeof *x, n, now_ms, cause);
}

/* Bind a replica set. */
static void
store_bind_replicaset(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_replicaset	*r = row;

	store_text(st, 1, context);
	store_text(st, 2, r->namespace);
	store_text(st, 3, r->name);
	store_text(st, 4, r->uid);
	store_text(st, 5, r->owner_uid);
	store_text(st, 6, r->owner_name);
	store_int(st, 7, r->revision);
	store_int(st, 8, r->replicas);
	store_int(st, 9, r->ready_replicas);
	store_text(st, 10, r->template_hash);
	store_int(st, 11, r->created_ms);
	store_text(st, 12, r->images);
	store_int(st, 13, now_ms);
	store_text(st, 14, r->containers);
}

/* Replace the context's replica sets. */
int
store_replicasets(struct cache *cache, const char *context,
    const struct store_replicaset *r, size_t n, int64_t now_ms,
    char **cause)
{
	return store_rows(cache, "kube_replicasets", NULL, context, NULL,
	    STORE_SQL_REPLICASET,
	    store_bind_replicaset, r,
	    sizeof *r, n, now_ms, cause);
}

/* Bind a pod. */
static void
store_bind_pod(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_pod	*p = row;

	store_text(st, 1, context);
	store_text(st, 2, p->namespace);
	store_text(st, 3, p->name);
	store_text(st, 4, p->uid);
	store_text(st, 5, p->owner_kind);
	store_text(st, 6, p->owner_name);
	store_text(st, 7, p->node);
	store_text(st, 8, p->phase);
	store_int(st, 9, p->ready);
	store_int(st, 10, p->restarts);
	store_text(st, 11, p->reason);
	store_text(st, 12, p->message);
	store_text(st, 13, p->labels);
	store_int(st, 14, p->started_ms);
	store_int(st, 15, now_ms);
}

/* Replace the context's pods. */
int
store_pods(struct cache *cache, const char *context,
    const struct store_pod *p, size_t n, int64_t now_ms, char **cause)
{
	return store_rows(cache, "kube_pods", NULL, context, NULL,
	    STORE_SQL_POD, store_bind_pod, p,
	    sizeof *p, n, now_ms, cause);
}

/* Bind an event. */
static void
store_bind_event(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_event	*e = row;

	store_text(st, 1, context);
	store_text(st, 2, e->namespace);
	store_text(st, 3, e->uid);
	store_text(st, 4, e->involved_kind);
	store_text(st, 5, e->involved_name);
	store_text(st, 6, e->type);
	store_text(st, 7, e->reason);
	store_text(st, 8, e->message);
	store_int(st, 9, e->count);
	store_int(st, 10, e->last_ms);
}

/* Replace the context's events. */
int
store_events(struct cache *cache, const char *context,
    const struct store_event *e, size_t n, char **cause)
{
	return store_rows(cache, "kube_events", NULL, context, NULL,
	    STORE_SQL_EVENT, store_bind_event, e,
	    sizeof *e, n, 0, cause);
}

/* Bind a node. */
static void
store_bind_node(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_node	*nd = row;

	store_text(st, 1, context);
	store_text(st, 2, nd->name);
	store_int(st, 3, nd->ready);
	store_text(st, 4, nd->conditions);
	store_int(st, 5, nd->unschedulable);
	store_text(st, 6, nd->labels);
	store_int(st, 7, now_ms);
}

/* Replace the context's nodes. */
int
store_nodes(struct cache *cache, const char *context,
    const struct store_node *nd, size_t n, int64_t now_ms, char **cause)
{
	return store_rows(cache, "kube_nodes", NULL, context, NULL,
	    STORE_SQL_NODE, store_bind_node, nd, sizeof *nd, n,
	    now_ms, cause);
}

/* Bind a namespace. */
static void
store_bind_namespace(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_namespace	*ns = row;

	store_text(st, 1, context);
	store_text(st, 2, ns->name);
	store_text(st, 3, ns->phase);
	store_int(st, 4, now_ms);
}

/* Replace the context's namespaces. */
int
store_namespaces(struct cache *cache, const char *context,
    const struct store_namespace *ns, size_t n, int64_t now_ms,
    char **cause)
{
	return store_rows(cache, "kube_namespaces", NULL, context, NULL,
	    STORE_SQL_NAMESPACE, store_bind_namespace, ns,
	    sizeof *ns, n, now_ms, cause);
}

/* ---- Kubernetes, row by row ------------------------------------------ */

/*
 * The kube tables as a table, indexed by enum store_kube: the insert of
 * each replacing writer above, its binder and row size, and the delete
 * of one key (?1 the context, ?2 and ?3 the key).
 */
static const struct {
	const char	*table;
	const char	*insert;
	store_bind_fn	 bind;
	size_t		 size;
	const char	*delete;
} store_kube_tables[] = {
	{ "kube_deployments", STORE_SQL_DEPLOYMENT, store_bind_deployment,
	    sizeof(struct store_deployment),
	    STORE_SQL_DELETE_NS("kube_deployments") },
	{ "kube_replicasets", STORE_SQL_REPLICASET, store_bind_replicaset,
	    sizeof(struct store_replicaset),
	    STORE_SQL_DELETE_NS("kube_replicasets") },
	{ "kube_pods", STORE_SQL_POD, store_bind_pod,
	    sizeof(struct store_pod), STORE_SQL_DELETE_NS("kube_pods") },
	{ "kube_events", STORE_SQL_EVENT, store_bind_event,
	    sizeof(struct store_event),
	    "DELETE FROM kube_events WHERE context = ?1 AND uid = ?2" },
	{ "kube_nodes", STORE_SQL_NODE, store_bind_node,
	    sizeof(struct store_node),
	    "DELETE FROM kube_nodes WHERE context = ?1 AND name = ?2" },
	{ "kube_namespaces", STORE_SQL_NAMESPACE, store_bind_namespace,
	    sizeof(struct store_namespace),
	    "DELETE FROM kube_namespaces WHERE context = ?1 AND name = ?2" },
	{ "kube_statefulsets", STORE_SQL_STATEFULSET, store_bind_statefulset,
	    sizeof(struct store_statefulset),
	    STORE_SQL_DELETE_NS("kube_statefulsets") },
	{ "kube_daemonsets", STORE_SQL_DAEMONSET, store_bind_daemonset,
	    sizeof(struct store_daemonset),
	    STORE_SQL_DELETE_NS("kube_daemonsets") }
};

/* Insert or replace rows of one kube table, leaving its others. */
int
store_kube_upsert(struct cache *cache, const char *context,
    enum store_kube kind, const void *rows, size_t n, int64_t now_ms,
    char **cause)
{
	return store_insert(cache, store_kube_tables[kind].table, context,
	    NULL, store_kube_tables[kind].insert,
	    store_kube_tables[kind].bind, rows, store_kube_tables[kind].size,
	    n, now_ms, cause);
}

/* The key of a kube row: namespace and name, or the one column of it. */
static void
store_kube_key(enum store_kube kind, const void *row, const char **a,
    const char **b)
{
	*a = *b = NULL;
	switch (kind) {
	case STORE_KUBE_DEPLOYMENTS:
		*a = ((const struct store_deployment *)row)->namespace;
		*b = ((const struct store_deployment *)row)->name;
		break;
	case STORE_KUBE_REPLICASETS:
		*a = ((const struct store_replicaset *)row)->namespace;
		*b = ((const struct store_replicaset *)row)->name;
		break;
	case STORE_KUBE_PODS:
		*a = ((const struct store_pod *)row)->namespace;
		*b = ((const struct store_pod *)row)->name;
		break;
	case STORE_KUBE_STATEFULSETS:
		*a = ((const struct store_statefulset *)row)->namespace;
		*b = ((const struct store_statefulset *)row)->name;
		break;
	case STORE_KUBE_DAEMONSETS:
		*a = ((const struct store_daemonset *)row)->namespace;
		*b = ((const struct store_daemonset *)row)->name;
		break;
	case STORE_KUBE_EVENTS:
		*a = ((const struct store_event *)row)->uid;
		break;
	case STORE_KUBE_NODES:
		*a = ((const struct store_node *)row)->name;
		break;
	case STORE_KUBE_NAMESPACES:
		*a = ((const struct store_namespace *)row)->name;
		break;
	}
}

/* Delete the rows with the keys of rows from one kube table. */
int
store_kube_delete(struct cache *cache, const char *context,
    enum store_kube kind, const void *rows, size_t n, char **cause)
{
	sqlite3_stmt	*st;
	const char	*table = store_kube_tables[kind].table, *a, *b;
	size_t		 i;
	int		 rc = 0;

	if (n == 0)
		return 0;
	if (cache_touch(cache, context, table, cause) != 0 ||
	    (st = store_prepare(cache, table, store_kube_tables[kind].delete,
	    cause)) == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		store_kube_key(kind, (const char *)rows +
		    i * store_kube_tables[kind].size, &a, &b);
		store_text(st, 1, context);
		store_text(st, 2, a);
		if (b != NULL)
			store_text(st, 3, b);
		rc = store_step(cache, st, table, cause);
	}
	cache_stmt_put(cache, st);
	return rc;
}

/*
 * The time a deployment's revision became current, for a round that sees
 * it (r the ReplicaSet of the revision, d the deployment, ?2 now): the
 * set's creation if it is the newest of the deployment, now otherwise,
 * and NULL for a deployment the cache had no rollout of (what it ran
 * before sitrep looked is not a rollout seen).
 */
#define STORE_ROLLOUT_AT						\
	" CASE WHEN NOT EXISTS (SELECT 1 FROM kube_rollouts k WHERE"	\
	"  k.context = d.context AND k.namespace = d.namespace AND"	\
	"  k.kind = 'Deployment' AND k.name = d.name) THEN NULL"	\
	" WHEN r.created_ms IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"	\
	"  kube_replicasets o WHERE o.context = d.context AND"		\
	"  o.namespace = d.namespace AND o.owner_name = d.name AND"	\
	"  o.name <> r.name AND o.created_ms >= r.created_ms)"		\
	" THEN MIN(r.created_ms, ?2) ELSE ?2 END"

/* Record the rollouts the stored deployments show; see store.h. */
int
store_rollouts(struct cache *cache, const char *context, int64_t now_ms,
    char **cause)
{
	static const char *const sql[] = {
		/*
		 * A deployment first seen: its history from its replica
		 * sets, each revision at its set's creation unless an
		 * older revision's set was made later (it came back).
		 */
		"INSERT OR IGNORE INTO kube_rollouts (context, namespace,"
		" kind, name, revision, replicaset, images, at_ms, seen_ms)"
		" SELECT d.context, d.namespace, 'Deployment', d.name,"
		" r.revision, r.name, r.images,"
		" CASE WHEN EXISTS (SELECT 1 FROM kube_replicasets o WHERE"
		"  o.context = r.context AND o.namespace = r.namespace AND"
		"  o.owner_name = r.owner_name AND o.revision < r.revision AND"
		"  o.created_ms > r.created_ms) THEN NULL"
		"  ELSE MIN(r.created_ms, ?2) END, ?2"
		" FROM kube_deployments d JOIN kube_replicasets r ON"
		" r.context = d.context AND r.namespace = d.namespace AND"
		" r.owner_name = d.name"
		" WHERE d.context = ?1 AND r.revision IS NOT NULL AND"
		" (d.revision IS NULL OR r.revision <= d.revision) AND"
		" NOT EXISTS (SELECT 1 FROM kube_rollouts k WHERE"
		"  k.context = d.context AND k.namespace = d.namespace AND"
		"  k.kind = 'Deployment' AND k.name = d.name)",
		/* A revision not recorded yet: a rollout seen now. */
		"INSERT OR IGNORE INTO kube_rollouts (context, namespace,"
		" kind, name, revision, replicaset, images, at_ms, seen_ms)"
		" SELECT d.context, d.namespace, 'Deployment', d.name,"
		" d.revision, r.name, r.images," STORE_ROLLOUT_AT ", ?2"
		" FROM kube_deployments d LEFT JOIN kube_replicasets r ON"
		" r.context = d.context AND r.namespace = d.namespace AND"
		" r.owner_name = d.name AND r.revision = d.revision"
		" WHERE d.context = ?1 AND d.revision IS NOT NULL",
		/* Old history goes; a deployment's current row stays. */
		"DELETE FROM kube_rollouts WHERE context = ?1 AND"
		" COALESCE(at_ms, seen_ms) < ?2 - ?3 AND NOT EXISTS (SELECT 1"
		" FROM kube_deployments d WHERE d.context = kube_rollouts.context"
		" AND d.namespace = kube_rollouts.namespace AND"
		" kube_rollouts.kind = 'Deployment' AND"
		" d.name = kube_rollouts.name AND"
		" d.revision = kube_rollouts.revision)",
	};
	sqlite3_stmt	*st;
	size_t		 i;

	if (cache_touch(cache, context, "kube_rollouts", cause) != 0)
		return -1;
	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if ((st = store_prepare(cache, "kube_rollouts", sql[i],
		    cause)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now_ms);
		if (sqlite3_bind_parameter_count(st) >= 3)
			sqlite3_bind_int64(st, 3, STORE_ROLLOUTS_KEEP_MS);
		if (store_step(cache, st, "kube_rollouts", cause) != 0) {
			cache_stmt_put(cache, st);
			return -1;
		}
		cache_stmt_put(cache, st);
	}
	return 0;
}

/* Forget the context's rollouts. */
int
store_rollouts_clear(struct cache *cache, const char *context, char **cause)
{
	if (cache_touch(cache, context, "kube_rollouts", cause) != 0)
		return -1;
	return store_clear(cache, "kube_rollouts", context, cause);
}

/* ------------------------------------------------------------------ */
/* HTTP probes                                                         */
/* ------------------------------------------------------------------ */

/* Bind a probe. */
static void
store_bind_probe(sqlite3_stmt *st, const void *row,
    const char *context, const char *source, int64_t now_ms)
{
	const struct store_probe	*p = row;

	store_text(st, 1, context);
	store_text(st, 2, p->name);
	store_text(st, 3, p->url);
	store_text(st, 4, p->service);
	sqlite3_bind_int(st, 5, p->ok);
	store_int(st, 6, p->status);
	store_int(st, 7, p->latency_ms);
	store_text(st, 8, p->excerpt);
	store_text(st, 9, p->error);
	store_int(st, 10, p->checked_ms);
}

/* Replace the context's probes. */
int
store_probes(struct cache *cache, const char *context,
    const struct store_probe *p, size_t n, char **cause)
{
	return store_rows(cache, "probes", NULL, context, NULL,
	    "INSERT INTO probes (context, name, url, service, ok, status,"
	    " latency_ms, excerpt, error, checked_ms)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?)", store_bind_probe, p, sizeof *p,
	    n, 0, cause);
}

/* ------------------------------------------------------------------ */
/* Every source                                                        */
/* ------------------------------------------------------------------ */

/* Set the warning of a source's row; see store.h. */
int
store_source_warning(struct cache *cache, const char *context,
    const char *name, const char *warning, char **cause)
{
	sqlite3_stmt	*st;
	char		*clean = NULL;
	size_t		 len;
	int		 rc;

	if (warning != NULL) {
		len = strlen(warning);
		if (len > STORE_WARNING_MAX) {
			len = STORE_WARNING_MAX;
			/* Do not cut a UTF-8 sequence in half. */
			while (len > 0 &&
			    ((unsigned char)warning[len] & 0xc0) == 0x80)
				len--;
		}
		clean = sanitize_utf8(warning, len);
	}
	if ((st = store_prepare(cache, "sources", "UPDATE sources SET"
	    " last_warning = ?3 WHERE context = ?1 AND name = ?2",
	    cause)) == NULL) {
		free(clean);
		return -1;
	}
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	store_text(st, 3, clean);
	rc = store_step(cache, st, "sources", cause);
	cache_stmt_put(cache, st);
	free(clean);
	return rc;
}
