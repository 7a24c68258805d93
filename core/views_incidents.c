/*
 * views_incidents.c: reads of the incidents the cache keeps; see
 * views_incidents.h.
 *
 * core/incident.c writes incidents, incident_alerts and
 * incident_timeline (core/cache_schema.c documents their columns); this
 * file only reads them.  An incident's alerts are joined with the alerts
 * table for what Alertmanager lists of them now (labels, annotations, the
 * receivers it notified); an alert that is no longer listed keeps its
 * name, severity and times from incident_alerts.  A detail's reads share
 * one read transaction, so the incident, its alerts and its timeline are
 * of one moment.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/incident.h"
#include "core/views_incidents.h"

/* The filters' words, in enum order. */
static const char *const vi_filter_words[] = {
	"open", "triggered", "acknowledged", "mitigated", "resolved", "all"
};

/* The filter a word names, or -1. */
int
incident_filter_parse(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < sizeof vi_filter_words /
	    sizeof vi_filter_words[0]; i++) {
		if (strcmp(s, vi_filter_words[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* The word of a filter. */
const char *
incident_filter_word(enum incident_filter f)
{
	if ((size_t)f >= sizeof vi_filter_words / sizeof vi_filter_words[0])
		return "all";
	return vi_filter_words[f];
}

/* The message for a failed read. */
static char *
vi_error(sqlite3 *db, const char *what)
{
	return xasprintf("cannot read %s from the cache (%s); 'sitrep cache "
	    "info' checks the file", what, sqlite3_errmsg(db));
}

/* The columns of an incident, in the order vi_rec_read() takes them. */
#define VI_COLUMNS							\
	"id, title, group_key, priority, severity, state, summary,"	\
	" runbook_url, recurrence_of, started_ms, mitigated_ms,"	\
	" resolved_ms, ack_by, ack_ms, ack_until_ms, ack_local,"	\
	" ack_reason, first_ack_by, first_ack_ms, context"

/* A duration from start to t, or -1 when t is unknown. */
static int64_t
vi_since(int64_t start, int64_t t)
{
	if (t <= 0 || start <= 0)
		return -1;
	return t > start ? t - start : 0;
}

/* Fill r from a row of VI_COLUMNS. */
static void
vi_rec_read(sqlite3_stmt *st, struct incident_rec *r)
{
	const char	*p;
	int		 mitigated;

	memset(r, 0, sizeof *r);
	r->id = cache_column_text(st, 0);
	if (r->id == NULL)
		r->id = xstrdup("");
	r->title = cache_column_text(st, 1);
	if (r->title == NULL)
		r->title = xstrdup("");
	r->group_key = cache_column_text(st, 2);
	if (r->group_key == NULL)
		r->group_key = xstrdup("");
	p = (const char *)sqlite3_column_text(st, 3);
	r->priority = incident_priority_parse(p);
	if (r->priority < 0)
		r->priority = INCIDENT_P3;
	r->severity = cache_column_text(st, 4);
	r->state = cache_column_text(st, 5);
	if (r->state == NULL)
		r->state = xstrdup("triggered");
	r->summary = cache_column_text(st, 6);
	r->runbook_url = cache_column_text(st, 7);
	r->recurrence_of = cache_column_text(st, 8);
	r->started_ms = sqlite3_column_int64(st, 9);
	/*
	 * mitigated_ms stays from an earlier quiet spell when an alert
	 * fires again; it counts only while mitigated and once resolved.
	 */
	mitigated = strcmp(r->state, "mitigated") == 0 ||
	    strcmp(r->state, "resolved") == 0;
	r->mitigated_ms = mitigated ? sqlite3_column_int64(st, 10) : 0;
	r->resolved_ms = strcmp(r->state, "resolved") == 0 ?
	    sqlite3_column_int64(st, 11) : 0;
	r->ack_by = cache_column_text(st, 12);
	if (r->ack_by != NULL) {
		r->ack_ms = sqlite3_column_int64(st, 13);
		r->ack_until_ms = sqlite3_column_int64(st, 14);
		r->ack_local = sqlite3_column_int(st, 15) != 0;
		r->ack_reason = cache_column_text(st, 16);
	}
	r->first_ack_by = cache_column_text(st, 17);
	r->first_ack_ms = sqlite3_column_int64(st, 18);
	if (r->first_ack_ms > 0 && r->first_ack_by == NULL)
		r->first_ack_by = xstrdup("");
	if (r->first_ack_by != NULL && r->first_ack_ms <= 0) {
		free(r->first_ack_by);
		r->first_ack_by = NULL;
	}
	r->context = cache_column_text(st, 19);
	if (r->context == NULL)
		r->context = xstrdup("");
	r->tta_ms = vi_since(r->started_ms, r->first_ack_ms);
	r->ttm_ms = vi_since(r->started_ms, r->mitigated_ms);
	r->ttr_ms = vi_since(r->started_ms, r->resolved_ms);
}

/* Free what vi_rec_read() filled. */
static void
vi_rec_done(struct incident_rec *r)
{
	free(r->id);
	free(r->title);
	free(r->group_key);
	free(r->severity);
	free(r->state);
	free(r->summary);
	free(r->runbook_url);
	free(r->recurrence_of);
	free(r->ack_by);
	free(r->ack_reason);
	free(r->first_ack_by);
	free(r->context);
}

/* Free a list of incidents; NULL is a no-op. */
void
incident_recs_free(struct incident_rec *v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		vi_rec_done(&v[i]);
	free(v);
}

/* Every row of a prepared statement of VI_COLUMNS; NULL on error. */
static struct incident_rec *
vi_recs(sqlite3 *db, sqlite3_stmt *st, size_t *n, char **cause)
{
	struct incident_rec	*v = NULL;
	size_t			 cap = 0;
	int			 rc;

	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		vi_rec_read(st, &v[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		*cause = vi_error(db, "incidents");
		incident_recs_free(v, *n);
		*n = 0;
		return NULL;
	}
	return v != NULL ? v : xcalloc(1, sizeof *v);
}

/*
 * The incidents of context (NULL: every context) that f selects, in the
 * order order_by names, at most limit (0: all): the one query of the
 * lists.
 */
static struct incident_rec *
vi_list(struct cache *cache, const char *context, enum incident_filter f,
    const char *order_by, size_t limit, size_t *n, char **cause)
{
	sqlite3_stmt		*st;
	struct incident_rec	*v;
	char			*sql;

	*n = 0;
	sql = xasprintf("SELECT " VI_COLUMNS " FROM incidents WHERE (?1 IS"
	    " NULL OR context = ?1) AND (?2 = 'all' OR (?2 = 'open' AND"
	    " state <> 'resolved') OR state = ?2) ORDER BY %s LIMIT ?3",
	    order_by);
	st = cache_prepare(cache, "incidents", cause, sql, "tti", context,
	    incident_filter_word(f), limit > 0 ? (int64_t)limit : (int64_t)-1);
	free(sql);
	if (st == NULL)
		return NULL;
	v = vi_recs(cache_db(cache), st, n, cause);
	sqlite3_finalize(st);
	return v;
}

/* The incidents a filter selects; see views_incidents.h. */
struct incident_rec *
views_incidents_list(struct cache *cache, const char *context,
    enum incident_filter f, size_t limit, size_t *n, char **cause)
{
	return vi_list(cache, context, f, "started_ms DESC, context, id",
	    limit, n, cause);
}

/* The open incidents, worst first; see views_incidents.h. */
struct incident_rec *
views_incidents_worst(struct cache *cache, const char *context, size_t *n,
    char **cause)
{
	/* priority is 'P0'..'P3' (a CHECK keeps it so): text order is rank. */
	return vi_list(cache, context, INCIDENT_OPEN, "priority, CASE state"
	    " WHEN 'triggered' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END,"
	    " started_ms, context, id", 0, n, cause);
}

/* ------------------------------------------------------------------ */
/* One incident                                                        */
/* ------------------------------------------------------------------ */

/* A string member of a JSON object, as a copy, or NULL. */
static char *
vi_member(const cJSON *o, const char *name)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(m) ? xstrdup(m->valuestring) : NULL;
}

/* Add s to the strings v[0..*n-1] unless it is there. */
static void
vi_add_once(char ***v, size_t *n, const char *s)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i], s) == 0)
			return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

/* Fill an alert's listed part from its alerts row (columns from 5). */
static void
vi_alert_listed(sqlite3_stmt *st, struct incident_rec_alert *a)
{
	const char	*s;
	cJSON		*j, *m;

	a->listed = 1;
	a->state = cache_column_text(st, 6);
	s = (const char *)sqlite3_column_text(st, 7);
	if (s != NULL && (j = cJSON_Parse(s)) != NULL) {
		a->silenced = cJSON_IsArray(j) && cJSON_GetArraySize(j) > 0;
		cJSON_Delete(j);
	}
	a->labels = cache_column_text(st, 8);
	a->annotations = cache_column_text(st, 9);
	if (a->annotations != NULL &&
	    (j = cJSON_Parse(a->annotations)) != NULL) {
		a->summary = vi_member(j, "summary");
		a->description = vi_member(j, "description");
		cJSON_Delete(j);
	}
	s = (const char *)sqlite3_column_text(st, 10);
	if (s != NULL && (j = cJSON_Parse(s)) != NULL) {
		cJSON_ArrayForEach(m, j) {
			if (cJSON_IsString(m))
				vi_add_once(&a->receivers, &a->nreceivers,
				    m->valuestring);
		}
		cJSON_Delete(j);
	}
}

/* The alerts of d, as they joined. */
static int
vi_alerts(struct cache *cache, const char *context,
    struct incident_detail *d, char **cause)
{
	sqlite3_stmt			*st;
	struct incident_rec_alert	*a;
	size_t				 i;
	int				 rc;

	st = cache_prepare(cache, "the alerts of an incident", cause,
	    "SELECT ia.fingerprint, ia.alertname, ia.severity, ia.joined_ms,"
	    " ia.resolved_ms, a.fingerprint IS NOT NULL, a.state,"
	    " a.silenced_by, a.labels, a.annotations, a.receivers"
	    " FROM incident_alerts ia LEFT JOIN alerts a ON a.context = ?"
	    " AND a.fingerprint = ia.fingerprint WHERE ia.incident_id = ?"
	    " ORDER BY ia.joined_ms, ia.fingerprint", "tt", context,
	    d->inc.id);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d->alerts = xreallocarray(d->alerts, d->nalerts + 1,
		    sizeof *d->alerts);
		a = &d->alerts[d->nalerts++];
		memset(a, 0, sizeof *a);
		a->fingerprint = cache_column_text(st, 0);
		if (a->fingerprint == NULL)
			a->fingerprint = xstrdup("");
		a->alertname = cache_column_text(st, 1);
		if (a->alertname == NULL)
			a->alertname = xstrdup("");
		a->severity = cache_column_text(st, 2);
		a->joined_ms = sqlite3_column_int64(st, 3);
		a->resolved_ms = sqlite3_column_int64(st, 4);
		if (sqlite3_column_int(st, 5) != 0)
			vi_alert_listed(st, a);
		for (i = 0; i < a->nreceivers; i++)
			vi_add_once(&d->receivers, &d->nreceivers,
			    a->receivers[i]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vi_error(cache_db(cache), "the alerts of an incident");
		return -1;
	}
	return 0;
}

/* The timeline of d, in order. */
static int
vi_events(struct cache *cache, struct incident_detail *d, char **cause)
{
	sqlite3_stmt		*st;
	struct incident_event	*e;
	int			 rc;

	st = cache_prepare(cache, "an incident's timeline", cause,
	    "SELECT ts_ms, kind, actor, text FROM incident_timeline WHERE"
	    " incident_id = ? ORDER BY ts_ms, id", "t", d->inc.id);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d->events = xreallocarray(d->events, d->nevents + 1,
		    sizeof *d->events);
		e = &d->events[d->nevents++];
		e->ts_ms = sqlite3_column_int64(st, 0);
		e->kind = cache_column_text(st, 1);
		if (e->kind == NULL)
			e->kind = xstrdup("");
		e->actor = cache_column_text(st, 2);
		e->text = cache_column_text(st, 3);
		if (e->text == NULL)
			e->text = xstrdup("");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vi_error(cache_db(cache), "an incident's timeline");
		return -1;
	}
	return 0;
}

/* The incident row of d; 0, 1 when there is none, or -1. */
static int
vi_incident(struct cache *cache, const char *context, const char *id,
    struct incident_detail *d, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = cache_prepare(cache, "incidents", cause, "SELECT " VI_COLUMNS
	    " FROM incidents WHERE context = ? AND id = ?", "tt", context,
	    id);
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		vi_rec_read(st, &d->inc);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	*cause = vi_error(cache_db(cache), "incidents");
	return -1;
}

/* Read one incident; see views_incidents.h. */
struct incident_detail *
views_incident_read(struct cache *cache, const char *context,
    const char *id, char **cause)
{
	struct incident_detail	*d = xcalloc(1, sizeof *d);
	sqlite3			*db = cache_db(cache);
	int			 own = sqlite3_get_autocommit(db), rc;

	/* One read transaction: the row, its alerts, its timeline. */
	if (own)
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	rc = vi_incident(cache, context, id, d, cause);
	if (rc == 0 && (vi_alerts(cache, context, d, cause) != 0 ||
	    vi_events(cache, d, cause) != 0))
		rc = -1;
	if (own)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc == 1)
		*cause = xasprintf("no incident %s in context %s; `sitrep "
		    "incident list --state all` shows them", id, context);
	if (rc != 0) {
		incident_detail_free(d);
		return NULL;
	}
	return d;
}

/* Free a detail; NULL is a no-op. */
void
incident_detail_free(struct incident_detail *d)
{
	struct incident_rec_alert	*a;
	size_t				 i, k;

	if (d == NULL)
		return;
	if (d->inc.id != NULL)
		vi_rec_done(&d->inc);
	for (i = 0; i < d->nalerts; i++) {
		a = &d->alerts[i];
		free(a->fingerprint);
		free(a->alertname);
		free(a->severity);
		free(a->state);
		free(a->labels);
		free(a->annotations);
		free(a->summary);
		free(a->description);
		for (k = 0; k < a->nreceivers; k++)
			free(a->receivers[k]);
		free(a->receivers);
	}
	for (i = 0; i < d->nevents; i++) {
		free(d->events[i].kind);
		free(d->events[i].actor);
		free(d->events[i].text);
	}
	for (i = 0; i < d->nreceivers; i++)
		free(d->receivers[i]);
	free(d->receivers);
	free(d->alerts);
	free(d->events);
	free(d);
}

/* ------------------------------------------------------------------ */
/* History                                                             */
/* ------------------------------------------------------------------ */

/* Order durations, shortest first. */
static int
vi_ms_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The mean and median of v[0..n-1] (sorted here); -1 for none. */
static void
vi_averages(int64_t *v, size_t n, int64_t *mean, int64_t *median)
{
	int64_t	sum = 0;
	size_t	i;

	*mean = *median = -1;
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		sum += v[i];
	*mean = sum / (int64_t)n;
	qsort(v, n, sizeof *v, vi_ms_cmp);
	*median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Order ackers: most first, then by name. */
static int
vi_acker_cmp(const void *a, const void *b)
{
	const struct incident_acker	*x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->who, y->who);
}

/* Count who acknowledged the incidents of h first. */
static void
vi_ackers(struct incident_history *h)
{
	size_t	i, k;

	for (i = 0; i < h->nincs; i++) {
		if (h->incs[i].first_ack_by == NULL)
			continue;
		for (k = 0; k < h->nackers; k++) {
			if (strcmp(h->ackers[k].who,
			    h->incs[i].first_ack_by) == 0)
				break;
		}
		if (k == h->nackers) {
			h->ackers = xreallocarray(h->ackers, h->nackers + 1,
			    sizeof *h->ackers);
			h->ackers[k].who = xstrdup(h->incs[i].first_ack_by);
			h->ackers[k].count = 0;
			h->nackers++;
		}
		h->ackers[k].count++;
	}
	if (h->nackers > 1)
		qsort(h->ackers, h->nackers, sizeof *h->ackers, vi_acker_cmp);
}

/* The resolved incidents of a window and their averages. */
struct incident_history *
views_incident_history(struct cache *cache, const char *context,
    int64_t now_ms, int64_t window_ms, char **cause)
{
	struct incident_history	*h;
	sqlite3_stmt		*st;
	int64_t			*tta, *ttr;
	size_t			 i, nr = 0;

	st = cache_prepare(cache, "incidents", cause, "SELECT " VI_COLUMNS
	    " FROM incidents WHERE context = ? AND state = 'resolved' AND"
	    " resolved_ms >= ? ORDER BY resolved_ms DESC, id", "ti", context,
	    now_ms - window_ms);
	if (st == NULL)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->now_ms = now_ms;
	h->window_ms = window_ms;
	h->incs = vi_recs(cache_db(cache), st, &h->nincs, cause);
	sqlite3_finalize(st);
	if (h->incs == NULL) {
		free(h);
		return NULL;
	}
	tta = xcalloc(h->nincs + 1, sizeof *tta);
	ttr = xcalloc(h->nincs + 1, sizeof *ttr);
	for (i = 0; i < h->nincs; i++) {
		if (h->incs[i].tta_ms >= 0)
			tta[h->nacked++] = h->incs[i].tta_ms;
		if (h->incs[i].ttr_ms >= 0)
			ttr[nr++] = h->incs[i].ttr_ms;
	}
	vi_averages(tta, h->nacked, &h->mtta_ms, &h->mtta_median_ms);
	vi_averages(ttr, nr, &h->mttr_ms, &h->mttr_median_ms);
	free(tta);
	free(ttr);
	vi_ackers(h);
	return h;
}

/* Free a history; NULL is a no-op. */
void
incident_history_free(struct incident_history *h)
{
	size_t	i;

	if (h == NULL)
		return;
	incident_recs_free(h->incs, h->nincs);
	for (i = 0; i < h->nackers; i++)
		free(h->ackers[i].who);
	free(h->ackers);
	free(h);
}
