/*
 * postmortem.c: read what a postmortem draft says (see postmortem.h).
 *
 * The services and namespaces of an incident come from its alerts'
 * labels while Alertmanager still lists them, and from its group key
 * (which holds the incidents.group_by labels) once it no longer does, so
 * an incident resolved days ago still finds its SLOs and rollouts.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/drill_run.h"
#include "core/postmortem.h"
#include "core/slo.h"
#include "core/vocab.h"

/* Add s to a list of strings, once; s may be NULL or empty (ignored). */
static void
pm_add_once(char ***v, size_t *n, const char *s)
{
	size_t	i;

	if (s == NULL || *s == '\0')
		return;
	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i], s) == 0)
			return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

/* The value of label name in a group key "a=x,b=y", added to v. */
static void
pm_from_key(char ***v, size_t *n, const char *key, const char *name)
{
	const char	*k;
	size_t		 len = strlen(name), vlen;
	char		*val;

	for (k = key; k != NULL && *k != '\0'; ) {
		if (strncmp(k, name, len) == 0 && k[len] == '=') {
			vlen = strcspn(k + len + 1, ",");
			val = xstrndup(k + len + 1, vlen);
			pm_add_once(v, n, val);
			free(val);
			return;
		}
		k = strchr(k, ',');
		if (k != NULL)
			k++;
	}
}

/* The incident's services and namespaces. */
static void
pm_scope(struct postmortem *pm)
{
	const struct incident_detail	*d = pm->d;
	const cJSON			*v;
	cJSON				*l;
	size_t				 i;

	for (i = 0; i < d->nalerts; i++) {
		if (d->alerts[i].labels == NULL ||
		    (l = cJSON_Parse(d->alerts[i].labels)) == NULL)
			continue;
		v = cJSON_GetObjectItemCaseSensitive(l, "service");
		if (cJSON_IsString(v))
			pm_add_once(&pm->services, &pm->nservices,
			    v->valuestring);
		v = cJSON_GetObjectItemCaseSensitive(l, "namespace");
		if (cJSON_IsString(v))
			pm_add_once(&pm->namespaces, &pm->nnamespaces,
			    v->valuestring);
		cJSON_Delete(l);
	}
	pm_from_key(&pm->services, &pm->nservices, d->inc.group_key,
	    "service");
	pm_from_key(&pm->namespaces, &pm->nnamespaces, d->inc.group_key,
	    "namespace");
}

/*
 * The latest sample of key in [from, to]: 0 and *value (NaN for no
 * data), *at; -1 when there is none.
 */
static int
pm_sample(struct cache *c, const char *context, const char *key,
    int64_t from, int64_t to, double *value, int64_t *at)
{
	sqlite3_stmt	*st;
	char		*cause = NULL;
	int		 rc = -1;

	st = cache_prepare(c, "samples", &cause, "SELECT ts_ms, value FROM"
	    " samples WHERE context = ? AND query_key = ? AND ts_ms BETWEEN"
	    " ? AND ? ORDER BY ts_ms DESC LIMIT 1", "ttii", context, key,
	    from, to);
	if (st == NULL) {
		free(cause);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		*at = sqlite3_column_int64(st, 0);
		*value = sqlite3_column_type(st, 1) == SQLITE_NULL ? NAN :
		    sqlite3_column_double(st, 1);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The budget each SLO of the incident's services spent while it lasted. */
static void
pm_slos(struct postmortem *pm, struct cache *c, const struct conf *conf)
{
	const struct conf_slo	*cs;
	struct pm_slo		*s;
	double			 r;
	char			*key;
	size_t			 i, j;

	for (i = 0; conf != NULL && i < conf->nslos; i++) {
		cs = &conf->slos[i];
		for (j = 0; j < pm->nservices; j++) {
			if (cs->service != NULL &&
			    strcmp(cs->service, pm->services[j]) == 0)
				break;
		}
		if (j == pm->nservices)
			continue;
		pm->slos = xreallocarray(pm->slos, pm->nslos + 1,
		    sizeof *pm->slos);
		s = &pm->slos[pm->nslos++];
		memset(s, 0, sizeof *s);
		s->name = xstrdup(cs->name);
		s->service = xstrdup(cs->service);
		s->objective = cs->objective;
		s->left_before = s->left_after = NAN;
		key = xasprintf("slo:%s:ratio:%s", cs->name,
		    vocab_window_word(SLO_PERIOD));
		if (pm_sample(c, pm->context, key, pm->d->inc.started_ms -
		    POSTMORTEM_LEAD_MS, pm->d->inc.started_ms, &r,
		    &s->before_ms) == 0)
			s->left_before = slo_budget_remaining(r, cs->objective);
		if (pm_sample(c, pm->context, key, pm->d->inc.started_ms,
		    pm->to_ms, &r, &s->after_ms) == 0)
			s->left_after = slo_budget_remaining(r, cs->objective);
		s->known = !isnan(s->left_before) && !isnan(s->left_after);
		free(key);
	}
}

/* "a, b" from a JSON array of strings; NULL if none. */
static char *
pm_join(const char *json)
{
	cJSON		*a, *it;
	struct buf	 b;

	if (json == NULL || (a = cJSON_Parse(json)) == NULL)
		return NULL;
	buf_init(&b, 0);
	cJSON_ArrayForEach(it, a) {
		if (cJSON_IsString(it))
			buf_printf(&b, "%s%s", buf_str(&b)[0] != '\0' ? ", " :
			    "", it->valuestring);
	}
	cJSON_Delete(a);
	if (buf_str(&b)[0] == '\0') {
		buf_done(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* The rollouts in the window, in the incident's namespaces. */
static int
pm_rollouts(struct postmortem *pm, struct cache *c, char **cause)
{
	sqlite3_stmt		*st;
	struct pm_rollout	*r;
	const char		*ns;
	size_t			 i;

	st = cache_prepare(c, "rollouts", cause, "SELECT namespace, kind,"
	    " name, revision, images, at_ms FROM kube_rollouts WHERE context"
	    " = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms, namespace, name",
	    "tii", pm->context, pm->from_ms, pm->to_ms);
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		ns = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < pm->nnamespaces; i++) {
			if (ns != NULL && strcmp(ns, pm->namespaces[i]) == 0)
				break;
		}
		/* No namespace known: every rollout of the window. */
		if (pm->nnamespaces > 0 && i == pm->nnamespaces)
			continue;
		pm->rollouts = xreallocarray(pm->rollouts, pm->nrollouts + 1,
		    sizeof *pm->rollouts);
		r = &pm->rollouts[pm->nrollouts++];
		r->namespace = cache_column_text(st, 0);
		r->kind = cache_column_text(st, 1);
		r->name = cache_column_text(st, 2);
		r->revision = sqlite3_column_int64(st, 3);
		r->images = pm_join((const char *)sqlite3_column_text(st, 4));
		r->at_ms = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	return 0;
}

/* The actions sitrep took on the incident. */
static int
pm_actions(struct postmortem *pm, struct cache *c, char **cause)
{
	sqlite3_stmt		*st;
	struct pm_action	*a;

	st = cache_prepare(c, "audit", cause, "SELECT ts_ms, actor, action,"
	    " result, dry_run, detail FROM audit WHERE context = ? AND target"
	    " = ? ORDER BY seq", "tt", pm->context, pm->d->inc.id);
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		pm->actions = xreallocarray(pm->actions, pm->nactions + 1,
		    sizeof *pm->actions);
		a = &pm->actions[pm->nactions++];
		a->ts_ms = sqlite3_column_int64(st, 0);
		a->actor = cache_column_text(st, 1);
		a->action = cache_column_text(st, 2);
		a->result = cache_column_text(st, 3);
		a->dry_run = sqlite3_column_int(st, 4);
		a->detail = cache_column_text(st, 5);
	}
	sqlite3_finalize(st);
	return 0;
}

/* Whether the cache is a drill's run (unreadable meta: not one). */
static void
pm_drill(struct postmortem *pm, struct cache *c)
{
	struct drill_run_meta	 m;
	char			*cause = NULL;

	if (drill_run_meta(c, &m, &cause) != 1) {
		free(cause);
		return;
	}
	pm->drill.name = m.name;
	pm->drill.run = m.run;
	pm->drill.started_ms = m.started_ms;
	pm->drill.ended_ms = m.ended_ms;
	pm->drill.hints = m.hints;
	m.name = m.run = NULL;
	drill_run_meta_done(&m);
}

/* Read the postmortem of an incident. */
struct postmortem *
postmortem_read(struct cache *c, const struct conf *conf,
    const char *context, const char *id, int64_t now_ms, char **cause)
{
	struct postmortem	*pm;

	pm = xcalloc(1, sizeof *pm);
	pm->context = xstrdup(context);
	pm->generated_ms = now_ms;
	if ((pm->d = views_incident_read(c, context, id, cause)) == NULL) {
		postmortem_free(pm);
		return NULL;
	}
	pm->from_ms = pm->d->inc.started_ms - POSTMORTEM_LEAD_MS;
	pm->to_ms = pm->d->inc.resolved_ms > 0 ? pm->d->inc.resolved_ms :
	    now_ms;
	pm_scope(pm);
	pm_slos(pm, c, conf);
	pm_drill(pm, c);
	if (pm_rollouts(pm, c, cause) != 0 || pm_actions(pm, c, cause) != 0) {
		postmortem_free(pm);
		return NULL;
	}
	return pm;
}

/* Free everything. */
void
postmortem_free(struct postmortem *pm)
{
	size_t	i;

	if (pm == NULL)
		return;
	incident_detail_free(pm->d);
	for (i = 0; i < pm->nservices; i++)
		free(pm->services[i]);
	free(pm->services);
	for (i = 0; i < pm->nnamespaces; i++)
		free(pm->namespaces[i]);
	free(pm->namespaces);
	for (i = 0; i < pm->nslos; i++) {
		free(pm->slos[i].name);
		free(pm->slos[i].service);
	}
	free(pm->slos);
	for (i = 0; i < pm->nrollouts; i++) {
		free(pm->rollouts[i].namespace);
		free(pm->rollouts[i].kind);
		free(pm->rollouts[i].name);
		free(pm->rollouts[i].images);
	}
	free(pm->rollouts);
	for (i = 0; i < pm->nactions; i++) {
		free(pm->actions[i].actor);
		free(pm->actions[i].action);
		free(pm->actions[i].result);
		free(pm->actions[i].detail);
	}
	free(pm->actions);
	free(pm->drill.name);
	free(pm->drill.run);
	free(pm->context);
	free(pm);
}
