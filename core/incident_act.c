/*
 * incident_act.c: acknowledge, unacknowledge, note and resolve an
 * incident, through the action gate (see incident_act.h).
 *
 * An acknowledgement is planned from the cache (which silences, with
 * which matchers), written through the gate (one silence at a time, all
 * started together), and when the last answer is in, the incident row and
 * its timeline are written in one transaction.  The next round of the
 * Alertmanager source then sees the same silences and agrees
 * (core/incident.c derives acknowledgements from ACK silences), which is
 * also how another sitrep learns of it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/incident.h"
#include "core/incident_act.h"
#include "core/silence.h"

#define ACT_ACK_FOR_MS		(15 * 60 * 1000LL)
/* At most this many silences for one acknowledgement, one per alert. */
#define ACT_MAX_SILENCES	20
/* Common labels that make one silence: alertname and at least one more. */
#define ACT_MIN_COMMON		2

/* An incident as the actions need it. */
struct act_incident {
	char		*id;
	char		*title;
	char		*state;
	char		*ack_silences;	/* JSON array, or NULL */
	char		*ack_matchers;	/* JSON object, or NULL */
	int		 ack_local;
	int64_t		 ack_ms;	/* when acknowledged; 0 */
	int64_t		 quiet_ms;
};

/* Free what act_read() filled. */
static void
act_incident_done(struct act_incident *i)
{
	free(i->id);
	free(i->title);
	free(i->state);
	free(i->ack_silences);
	free(i->ack_matchers);
	memset(i, 0, sizeof *i);
}

/* Read incident id of context; 0, or -1 and *cause. */
static int
act_read(struct cache *c, const char *context, const char *id,
    struct act_incident *out, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof *out);
	st = cache_prepare(c, "incidents", cause, "SELECT id, title, state,"
	    " ack_silences, ack_local, quiet_ms, ack_matchers, ack_ms FROM"
	    " incidents WHERE context = ? AND id = ?", "tt", context, id);
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = cache_column_text(st, 0);
		out->title = cache_column_text(st, 1);
		out->state = cache_column_text(st, 2);
		out->ack_silences = cache_column_text(st, 3);
		out->ack_local = sqlite3_column_int(st, 4);
		out->quiet_ms = sqlite3_column_int64(st, 5);
		out->ack_matchers = cache_column_text(st, 6);
		out->ack_ms = sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || out->id == NULL) {
		*cause = xasprintf("no incident %s in context %s; `sitrep "
		    "incident list` shows them", id, context);
		act_incident_done(out);
		return -1;
	}
	return 0;
}

/* The incident text names: whole id or unique prefix. */
int
incident_lookup(struct cache *c, const char *context, const char *text,
    char **id, char **cause)
{
	sqlite3_stmt	*st;
	size_t		 len = strlen(text), n = 0;
	char		*pattern;

	if (len < 4 || len > INCIDENT_ID_LEN ||
	    strspn(text, "0123456789abcdefABCDEF") != len) {
		*cause = xasprintf("'%s' is not an incident id: give its 8 "
		    "hex digits (at least the first 4), as `sitrep incident "
		    "list` shows them", text);
		return -1;
	}
	pattern = xasprintf("%s*", text);
	st = cache_prepare(c, "incidents", cause, "SELECT id FROM incidents"
	    " WHERE context = ? AND id GLOB lower(?) ORDER BY started_ms DESC"
	    " LIMIT 2", "tt", context, pattern);
	free(pattern);
	if (st == NULL)
		return -1;
	*id = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			*id = cache_column_text(st, 0);
	}
	sqlite3_finalize(st);
	if (n == 1 && *id != NULL)
		return 0;
	free(*id);
	*id = NULL;
	*cause = n == 0 ? xasprintf("no incident %s in context %s; `sitrep "
	    "incident list --state all` shows them", text, context) :
	    xasprintf("more than one incident of context %s starts with %s; "
	    "give more of its id", context, text);
	return -1;
}

/* Tell the caller. */
static void
act_tell(incident_done_cb done, void *arg, int ok, int local,
    const char *message, const char *warning)
{
	struct incident_outcome	o;

	o.ok = ok;
	o.local = local;
	o.message = message;
	o.warning = warning;
	if (done != NULL)
		done(&o, arg);
}

/* Append a timeline row. */
static int
act_timeline(struct cache *c, const char *id, int64_t ts, const char *kind,
    const char *actor, const char *text, char **cause)
{
	return cache_exec(c, "incident timeline", cause, "INSERT INTO"
	    " incident_timeline (incident_id, ts_ms, kind, actor, text)"
	    " VALUES (?, ?, ?, ?, ?)", "tittt", id, ts, kind, actor, text);
}

/* ------------------------------------------------------------------ */
/* Planning an acknowledgement                                         */
/* ------------------------------------------------------------------ */

/* The labels of the context's alerts, and which belong to the incident. */
struct act_alerts {
	cJSON		**labels;
	int		 *mine;
	size_t		  n;
	size_t		  nmine;
};

static void
act_alerts_done(struct act_alerts *a)
{
	size_t	i;

	for (i = 0; i < a->n; i++)
		cJSON_Delete(a->labels[i]);
	free(a->labels);
	free(a->mine);
	memset(a, 0, sizeof *a);
}

/*
 * Read every alert of the context with its labels, marking the members of
 * incident id: those that fire, or, if none does, every member still
 * listed.  0, or -1 and *cause.
 */
static int
act_read_alerts(struct cache *c, const char *context, const char *id,
    struct act_alerts *a, char **cause)
{
	sqlite3_stmt	*st;
	const char	*t;
	cJSON		*l;
	int		 firing, pass;

	memset(a, 0, sizeof *a);
	for (pass = 0; pass < 2 && a->nmine == 0; pass++) {
		act_alerts_done(a);
		st = cache_prepare(c, "alerts", cause, "SELECT a.labels,"
		    " EXISTS (SELECT 1 FROM incident_alerts ia WHERE"
		    " ia.incident_id = ? AND ia.fingerprint = a.fingerprint"
		    " AND (? OR ia.resolved_ms IS NULL)) FROM alerts a WHERE"
		    " a.context = ? ORDER BY a.fingerprint", "tit", id,
		    (int64_t)pass, context);
		if (st == NULL)
			return -1;
		while (sqlite3_step(st) == SQLITE_ROW) {
			t = (const char *)sqlite3_column_text(st, 0);
			l = t != NULL ? cJSON_Parse(t) : NULL;
			if (!cJSON_IsObject(l)) {
				cJSON_Delete(l);
				continue;
			}
			firing = sqlite3_column_int(st, 1);
			a->labels = xreallocarray(a->labels, a->n + 1,
			    sizeof *a->labels);
			a->mine = xreallocarray(a->mine, a->n + 1,
			    sizeof *a->mine);
			a->labels[a->n] = l;
			a->mine[a->n++] = firing;
			a->nmine += firing != 0;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* Equality matchers for every string label of l. */
static void
act_matchers_of(struct matchers *m, const cJSON *l)
{
	const cJSON	*it;

	cJSON_ArrayForEach(it, l) {
		if (cJSON_IsString(it) && it->string != NULL)
			matchers_add(m, it->string, MATCH_EQ, it->valuestring);
	}
}

/*
 * The labels every member has with the same value, as equality
 * matchers, if they make a silence that holds the incident's alerts and
 * no other alert of the context; 0 if so.
 */
static int
act_common(const struct act_alerts *a, struct matchers *m)
{
	const cJSON	*first = NULL, *it, *v;
	size_t		 i;
	int		 all, has_name = 0;

	for (i = 0; i < a->n && first == NULL; i++)
		if (a->mine[i])
			first = a->labels[i];
	if (first == NULL)
		return -1;
	cJSON_ArrayForEach(it, first) {
		if (!cJSON_IsString(it) || it->string == NULL)
			continue;
		all = 1;
		for (i = 0; i < a->n && all; i++) {
			if (!a->mine[i])
				continue;
			v = cJSON_GetObjectItemCaseSensitive(a->labels[i],
			    it->string);
			all = cJSON_IsString(v) &&
			    strcmp(v->valuestring, it->valuestring) == 0;
		}
		if (!all)
			continue;
		matchers_add(m, it->string, MATCH_EQ, it->valuestring);
		has_name |= strcmp(it->string, "alertname") == 0;
	}
	if (!has_name || m->n < ACT_MIN_COMMON)
		return -1;
	for (i = 0; i < a->n; i++) {
		if (!a->mine[i] && matchers_match(m, a->labels[i]))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Acknowledge                                                         */
/* ------------------------------------------------------------------ */

/* One silence of an acknowledgement: what it holds, what came back. */
struct act_slot {
	struct act_ack		*k;
	struct matchers		 m;
	char			*old_id;	/* extend this one, or NULL */
	int64_t			 starts_ms;	/* its start, kept (0: now) */
	char			*id;		/* the silence, once it took */
};

struct act_ack {
	struct action_gate	*gate;
	char			*id;
	char			*title;
	int64_t			 now;
	int64_t			 until;
	int			 was_acked;
	struct act_slot		*slots;
	size_t			 nslots;
	size_t			 pending;
	int			 issuing;
	enum action_status	 worst;		/* of the failures */
	int			 failures;
	struct buf		 errors;
	incident_done_cb	 done;
	void			*arg;
};

/* A new slot holding a copy of nothing yet; its matchers are empty. */
static struct act_slot *
act_slot_add(struct act_ack *k, const char *old_id)
{
	struct act_slot	*sl;

	k->slots = xreallocarray(k->slots, k->nslots + 1, sizeof *k->slots);
	sl = &k->slots[k->nslots++];
	memset(sl, 0, sizeof *sl);
	matchers_init(&sl->m);
	sl->old_id = old_id != NULL ? xstrdup(old_id) : NULL;
	return sl;
}

static void
act_ack_free(struct act_ack *k)
{
	size_t	i;

	for (i = 0; i < k->nslots; i++) {
		matchers_done(&k->slots[i].m);
		free(k->slots[i].old_id);
		free(k->slots[i].id);
	}
	free(k->slots);
	free(k->id);
	free(k->title);
	buf_done(&k->errors);
	free(k);
}

/* How many silences took the acknowledgement. */
static int
act_ack_taken(const struct act_ack *k)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < k->nslots; i++)
		n += k->slots[i].id != NULL;
	return n;
}

/*
 * Write the acknowledgement: shared when a silence took it (its ids, and
 * the matchers of each, to extend them later), local (reason given) when
 * none did; one transaction.  0, or -1 and *cause.
 */
static int
act_ack_write(struct act_ack *k, int local, const char *reason,
    char **cause)
{
	struct cache	*c = action_gate_cache(k->gate);
	const char	*actor = action_gate_actor(k->gate);
	cJSON		*ids, *held;
	char		*idtext = NULL, *heldtext = NULL, *text, ts[40];
	size_t		 i;
	int		 rc;

	if (!local) {
		ids = cJSON_CreateArray();
		held = cJSON_CreateObject();
		for (i = 0; i < k->nslots; i++) {
			if (k->slots[i].id == NULL)
				continue;
			cJSON_AddItemToArray(ids,
			    cJSON_CreateString(k->slots[i].id));
			cJSON_AddItemToObject(held, k->slots[i].id,
			    matchers_to_json(&k->slots[i].m));
		}
		idtext = cJSON_PrintUnformatted(ids);
		heldtext = cJSON_PrintUnformatted(held);
		cJSON_Delete(ids);
		cJSON_Delete(held);
	}
	util_format_rfc3339(k->until, ts, sizeof ts);
	if (cache_begin(c, cause) != 0) {
		cJSON_free(idtext);
		cJSON_free(heldtext);
		return -1;
	}
	rc = cache_exec(c, "incidents", cause, "UPDATE incidents SET state ="
	    " CASE WHEN state = 'mitigated' THEN state ELSE 'acknowledged'"
	    " END, ack_by = ?, ack_ms = CASE WHEN ack_ms IS NOT NULL AND"
	    " state IN ('acknowledged', 'mitigated') THEN ack_ms ELSE ? END,"
	    " ack_until_ms = ?, ack_silences = ?, ack_matchers = ?, ack_local"
	    " = ?, ack_reason = ?, first_ack_ms = coalesce(first_ack_ms, ?),"
	    " first_ack_by = coalesce(first_ack_by, ?), updated_ms = ? WHERE"
	    " id = ?", "tiittititit", actor, k->now, k->until, idtext,
	    heldtext, (int64_t)local, reason, k->now, actor, k->now, k->id);
	if (local)
		text = xasprintf("acknowledged by %s until %s (local ack, not "
		    "shared: %s)", actor, ts, reason);
	else if (k->was_acked)
		text = xasprintf("acknowledgement extended by %s until %s "
		    "(silence %s)", actor, ts, idtext);
	else
		text = xasprintf("acknowledged by %s until %s (silence %s)",
		    actor, ts, idtext);
	if (rc == 0)
		rc = act_timeline(c, k->id, k->now, "acknowledged", actor,
		    text, cause);
	free(text);
	cJSON_free(idtext);
	cJSON_free(heldtext);
	if (rc != 0) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, cause);
}

/* Every silence has answered: write and tell. */
static void
act_ack_finish(struct act_ack *k)
{
	char		*msg = NULL, *cause = NULL, *why = NULL, ts[40];
	const char	*warn = NULL;
	int		 n = act_ack_taken(k), ok = 0, local = 0;

	util_format_rfc3339(k->until, ts, sizeof ts);
	if (n > 0) {
		if (k->failures > 0)
			warn = buf_str(&k->errors);
		if (act_ack_write(k, 0, NULL, &cause) == 0) {
			ok = 1;
			msg = xasprintf("incident %s %s until %s: %d silence%s "
			    "in %s", k->id, k->was_acked ? "acknowledgement "
			    "extended" : "acknowledged", ts, n, n == 1 ? "" :
			    "s", action_gate_world(k->gate));
		}
	} else if (k->worst == ACTION_INVALID) {
		msg = xasprintf("incident %s not acknowledged: %s", k->id,
		    buf_str(&k->errors));
	} else {
		why = xstrdup(buf_str(&k->errors));
		if (act_ack_write(k, 1, why, &cause) == 0 &&
		    action_record(k->gate, "ack", k->id, "local", why,
		    &cause) == 0) {
			ok = 1;
			local = 1;
			warn = why;
			msg = xasprintf("incident %s acknowledged here only "
			    "until %s (local ack, not shared: %s)", k->id, ts,
			    why);
		}
	}
	if (msg == NULL)
		msg = xasprintf("incident %s: the acknowledgement could not "
		    "be kept: %s", k->id, cause);
	act_tell(k->done, k->arg, ok, local, msg, warn);
	free(msg);
	free(why);
	free(cause);
	act_ack_free(k);
}

/* One silence answered. */
static void
act_ack_silenced(const struct action_result *r, void *arg)
{
	struct act_slot	*sl = arg;
	struct act_ack	*k = sl->k;

	if (r->status == ACTION_OK && r->id != NULL) {
		sl->id = xstrdup(r->id);
	} else {
		/* An invalid answer outranks the others: it is ours. */
		if (k->failures++ == 0 || r->status == ACTION_INVALID)
			k->worst = r->status;
		buf_printf(&k->errors, "%s%s", buf_str(&k->errors)[0] != '\0' ?
		    "; " : "", r->message != NULL ? r->message : "failed");
	}
	if (r->warning != NULL)
		buf_printf(&k->errors, "%s%s", buf_str(&k->errors)[0] != '\0' ?
		    "; " : "", r->warning);
	if (--k->pending == 0 && !k->issuing)
		act_ack_finish(k);
}

/*
 * The running silences of an acknowledgement, to extend: each id of
 * ack_silences that the cache lists as running (with its matchers there),
 * or that it does not list yet but this sitrep wrote (its matchers from
 * ack_matchers).  One listed as expired or ended is not running.  Slots
 * are added to k; how many.
 */
static size_t
act_plan_extend(struct cache *c, const char *context, const char *ids_json,
    const char *held_json, int64_t ack_ms, int64_t now, struct act_ack *k)
{
	sqlite3_stmt	*st;
	struct act_slot	*sl;
	cJSON		*ids, *held, *id, *mj, *listed;
	char		*cause = NULL;
	size_t		 n = 0;
	int64_t		 starts;
	int		 found, running;

	if (ids_json == NULL || (ids = cJSON_Parse(ids_json)) == NULL)
		return 0;
	held = held_json != NULL ? cJSON_Parse(held_json) : NULL;
	cJSON_ArrayForEach(id, ids) {
		if (!cJSON_IsString(id))
			continue;
		st = cache_prepare(c, "silences", &cause, "SELECT state ="
		    " 'active' AND (ends_at_ms IS NULL OR ends_at_ms > ?),"
		    " matchers, starts_at_ms FROM silences WHERE context = ? AND"
		    " id = ?", "itt", now, context, id->valuestring);
		if (st == NULL) {
			free(cause);
			cause = NULL;
			continue;
		}
		found = sqlite3_step(st) == SQLITE_ROW;
		running = found && sqlite3_column_int(st, 0);
		listed = found && running ? cJSON_Parse((const char *)
		    sqlite3_column_text(st, 1)) : NULL;
		/*
		 * Alertmanager changes a running silence in place only if its
		 * start is the same (else it expires it and makes another):
		 * the start as listed, or as this sitrep wrote it (the ack).
		 */
		starts = listed != NULL ? sqlite3_column_int64(st, 2) : ack_ms;
		sqlite3_finalize(st);
		mj = listed != NULL ? listed : !found ?
		    cJSON_GetObjectItemCaseSensitive(held, id->valuestring) :
		    NULL;
		if (mj != NULL) {
			sl = act_slot_add(k, id->valuestring);
			sl->starts_ms = starts;
			if (matchers_from_json(&sl->m, mj, &cause) != 0 ||
			    sl->m.n == 0) {
				free(cause);
				cause = NULL;
				matchers_done(&sl->m);
				free(sl->old_id);
				k->nslots--;
			} else
				n++;
		}
		cJSON_Delete(listed);
	}
	cJSON_Delete(ids);
	cJSON_Delete(held);
	return n;
}

/*
 * New silences for an acknowledgement: one on the labels the incident's
 * alerts share, if they hold none but its own, else one per alert.  0,
 * or -1 and *cause.
 */
static int
act_plan_new(struct cache *c, const char *context, const char *id,
    struct act_ack *k, char **cause)
{
	struct act_alerts	 al;
	struct act_slot		*sl;
	size_t			 i;

	if (act_read_alerts(c, context, id, &al, cause) != 0)
		return -1;
	if (al.nmine == 0) {
		*cause = xasprintf("no alert of incident %s is listed any "
		    "more; there is nothing to silence", id);
		act_alerts_done(&al);
		return -1;
	}
	sl = act_slot_add(k, NULL);
	if (act_common(&al, &sl->m) == 0) {
		act_alerts_done(&al);
		return 0;
	}
	matchers_done(&sl->m);
	k->nslots = 0;
	if (al.nmine > ACT_MAX_SILENCES) {
		*cause = xasprintf("incident %s has %zu alerts with too few "
		    "labels in common to acknowledge with one silence; "
		    "silence them by hand (sitrep silence add)", id, al.nmine);
		act_alerts_done(&al);
		return -1;
	}
	for (i = 0; i < al.n; i++) {
		if (al.mine[i])
			act_matchers_of(&act_slot_add(k, NULL)->m,
			    al.labels[i]);
	}
	act_alerts_done(&al);
	return 0;
}

/* Acknowledge an incident. */
void
incident_ack(struct action_gate *g, const struct conf *conf, const char *id,
    int64_t for_ms, const char *comment, int64_t now_ms,
    incident_done_cb done, void *arg)
{
	struct cache		*c = action_gate_cache(g);
	const char		*context = action_gate_context(g);
	struct act_incident	 inc;
	struct act_ack		*k;
	struct action_silence	 s;
	char			*cause = NULL, *text, *clean;
	size_t			 i, n;

	if (act_read(c, context, id, &inc, &cause) != 0) {
		act_tell(done, arg, 0, 0, cause, NULL);
		free(cause);
		return;
	}
	if (strcmp(inc.state, "resolved") == 0) {
		text = xasprintf("incident %s is resolved; there is nothing to "
		    "acknowledge", inc.id);
		act_tell(done, arg, 0, 0, text, NULL);
		free(text);
		act_incident_done(&inc);
		return;
	}
	if (for_ms <= 0)
		for_ms = conf != NULL && conf->ack_for_ms > 0 ?
		    conf->ack_for_ms : ACT_ACK_FOR_MS;
	k = xcalloc(1, sizeof *k);
	k->gate = g;
	k->id = xstrdup(inc.id);
	k->title = xstrdup(inc.title != NULL ? inc.title : "");
	k->now = now_ms;
	k->until = now_ms + for_ms;
	buf_init(&k->errors, 0);
	k->done = done;
	k->arg = arg;

	/* Extend what runs; else plan new silences. */
	n = inc.ack_local ? 0 : act_plan_extend(c, context, inc.ack_silences,
	    inc.ack_matchers, inc.ack_ms, now_ms, k);
	k->was_acked = n > 0;
	if (n == 0 && act_plan_new(c, context, inc.id, k, &cause) != 0) {
		act_tell(done, arg, 0, 0, cause, NULL);
		free(cause);
		act_ack_free(k);
		act_incident_done(&inc);
		return;
	}

	clean = comment != NULL ? sanitize_utf8(comment, strlen(comment)) :
	    NULL;
	if (clean != NULL && strlen(clean) > INCIDENT_NOTE_MAX)
		sanitize_utf8_cut(clean, INCIDENT_NOTE_MAX);
	text = xasprintf("ACK %s: %s%s%s", inc.id, k->title,
	    clean != NULL && *clean != '\0' ? " - " : "",
	    clean != NULL ? clean : "");
	free(clean);
	k->pending = k->nslots;
	k->issuing = 1;
	for (i = 0; i < k->nslots; i++) {
		k->slots[i].k = k;
		memset(&s, 0, sizeof s);
		s.matchers = &k->slots[i].m;
		s.starts_ms = k->slots[i].starts_ms > 0 &&
		    k->slots[i].starts_ms <= now_ms ? k->slots[i].starts_ms :
		    now_ms;
		s.ends_ms = k->until;
		s.comment = text;
		s.id = k->slots[i].old_id;
		action_silence(g, &s, inc.id, act_ack_silenced, &k->slots[i]);
	}
	k->issuing = 0;
	free(text);
	act_incident_done(&inc);
	if (k->pending == 0)
		act_ack_finish(k);
}

/* ------------------------------------------------------------------ */
/* Unacknowledge                                                       */
/* ------------------------------------------------------------------ */

struct act_unack {
	struct action_gate	*gate;
	char			*id;
	int64_t			 now;
	size_t			 pending;
	int			 issuing;
	int			 blocked;	/* a silence still runs */
	struct buf		 errors;
	incident_done_cb	 done;
	void			*arg;
};

/* Clear the acknowledgement in the cache; 0, or -1 and *cause. */
static int
act_unack_write(struct act_unack *u, char **cause)
{
	struct cache	*c = action_gate_cache(u->gate);
	const char	*actor = action_gate_actor(u->gate);
	int		 rc;

	if (cache_begin(c, cause) != 0)
		return -1;
	rc = cache_exec(c, "incidents", cause, "UPDATE incidents SET state ="
	    " CASE WHEN state = 'acknowledged' THEN 'triggered' ELSE state"
	    " END, ack_by = NULL, ack_ms = NULL, ack_until_ms = NULL,"
	    " ack_silences = NULL, ack_matchers = NULL, ack_local = 0,"
	    " ack_reason = NULL, updated_ms = ? WHERE id = ?", "it", u->now,
	    u->id);
	if (rc == 0)
		rc = act_timeline(c, u->id, u->now, "unacknowledged", actor,
		    "acknowledgement taken back", cause);
	if (rc != 0) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, cause);
}

/* Every expiry answered: write and tell. */
static void
act_unack_finish(struct act_unack *u)
{
	char	*msg, *cause = NULL;
	int	 ok = 0;

	if (u->blocked)
		msg = xasprintf("incident %s stays acknowledged: %s", u->id,
		    buf_str(&u->errors));
	else if (act_unack_write(u, &cause) != 0)
		msg = xasprintf("incident %s: %s", u->id, cause);
	else {
		ok = 1;
		msg = xasprintf("incident %s is no longer acknowledged",
		    u->id);
	}
	act_tell(u->done, u->arg, ok, 0, msg, ok && buf_str(&u->errors)[0] !=
	    '\0' ? buf_str(&u->errors) : NULL);
	free(msg);
	free(cause);
	free(u->id);
	buf_done(&u->errors);
	free(u);
}

/* One expiry answered. */
static void
act_unack_expired(const struct action_result *r, void *arg)
{
	struct act_unack	*u = arg;

	/* Refused or unreachable: the silence runs, so the ack stays. */
	if (r->status == ACTION_REFUSED || r->status == ACTION_UNREACHABLE)
		u->blocked = 1;
	if (r->status != ACTION_OK || r->warning != NULL)
		buf_printf(&u->errors, "%s%s", buf_str(&u->errors)[0] != '\0' ?
		    "; " : "", r->status != ACTION_OK && r->message != NULL ?
		    r->message : r->warning != NULL ? r->warning : "");
	if (--u->pending == 0 && !u->issuing)
		act_unack_finish(u);
}

/* Take an acknowledgement back. */
void
incident_unack(struct action_gate *g, const char *id, int64_t now_ms,
    incident_done_cb done, void *arg)
{
	struct act_incident	 inc;
	struct act_unack	*u;
	cJSON			*list = NULL, *it;
	char			*cause = NULL, *text;

	if (act_read(action_gate_cache(g), action_gate_context(g), id, &inc,
	    &cause) != 0) {
		act_tell(done, arg, 0, 0, cause, NULL);
		free(cause);
		return;
	}
	if (strcmp(inc.state, "acknowledged") != 0 &&
	    inc.ack_silences == NULL && !inc.ack_local) {
		text = xasprintf("incident %s is not acknowledged", inc.id);
		act_tell(done, arg, 0, 0, text, NULL);
		free(text);
		act_incident_done(&inc);
		return;
	}
	u = xcalloc(1, sizeof *u);
	u->gate = g;
	u->id = xstrdup(inc.id);
	u->now = now_ms;
	u->done = done;
	u->arg = arg;
	buf_init(&u->errors, 0);
	if (!inc.ack_local && inc.ack_silences != NULL)
		list = cJSON_Parse(inc.ack_silences);
	u->issuing = 1;
	cJSON_ArrayForEach(it, list) {
		if (!cJSON_IsString(it))
			continue;
		u->pending++;
		action_expire(g, it->valuestring, inc.id, act_unack_expired,
		    u);
	}
	u->issuing = 0;
	cJSON_Delete(list);
	if (inc.ack_local && action_record(g, "unack", inc.id, "local",
	    "local acknowledgement taken back", &cause) != 0) {
		buf_printf(&u->errors, "%s", cause);
		free(cause);
	}
	act_incident_done(&inc);
	if (u->pending == 0)
		act_unack_finish(u);
}

/* ------------------------------------------------------------------ */
/* Notes and resolving by hand                                         */
/* ------------------------------------------------------------------ */

/* Add a note. */
int
incident_note(struct action_gate *g, const char *id, const char *text,
    int64_t now_ms, char **cause)
{
	struct cache		*c = action_gate_cache(g);
	struct act_incident	 inc;
	char			*clean;
	int			 rc;

	if (text == NULL || *text == '\0') {
		*cause = xstrdup("an empty note; say what you saw or did");
		return -1;
	}
	if (act_read(c, action_gate_context(g), id, &inc, cause) != 0)
		return -1;
	clean = sanitize_utf8(text, strlen(text));
	sanitize_utf8_cut(clean, INCIDENT_NOTE_MAX);
	rc = act_timeline(c, inc.id, now_ms, "note", action_gate_actor(g),
	    clean, cause);
	if (rc == 0)
		rc = action_record(g, "note", inc.id, "ok", clean, cause);
	free(clean);
	act_incident_done(&inc);
	return rc;
}

/* Resolve by hand. */
int
incident_resolve(struct action_gate *g, const char *id, int64_t now_ms,
    char **cause)
{
	struct cache		*c = action_gate_cache(g);
	struct act_incident	 inc;
	sqlite3_stmt		*st;
	char			*text;
	int64_t			 firing = 0;
	int			 rc;

	if (act_read(c, action_gate_context(g), id, &inc, cause) != 0)
		return -1;
	if (strcmp(inc.state, "resolved") == 0) {
		*cause = xasprintf("incident %s is already resolved", inc.id);
		act_incident_done(&inc);
		return -1;
	}
	st = cache_prepare(c, "incident alerts", cause, "SELECT count(*) FROM"
	    " incident_alerts WHERE incident_id = ? AND resolved_ms IS NULL",
	    "t", inc.id);
	if (st == NULL) {
		act_incident_done(&inc);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		firing = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (firing > 0) {
		*cause = xasprintf("%lld alert%s of incident %s still fire%s; "
		    "it resolves by itself once they stop (acknowledge it "
		    "meanwhile)", (long long)firing, firing == 1 ? "" : "s",
		    inc.id, firing == 1 ? "s" : "");
		act_incident_done(&inc);
		return -1;
	}
	if (cache_begin(c, cause) != 0) {
		act_incident_done(&inc);
		return -1;
	}
	rc = cache_exec(c, "incidents", cause, "UPDATE incidents SET state ="
	    " 'resolved', quiet_ms = coalesce(quiet_ms, ?), resolved_ms = ?,"
	    " mitigated_ms = coalesce(mitigated_ms, quiet_ms, ?), updated_ms"
	    " = ? WHERE id = ?", "iiiit", now_ms, now_ms, now_ms, now_ms,
	    inc.id);
	text = xasprintf("%s -> resolved by hand", inc.state);
	if (rc == 0)
		rc = act_timeline(c, inc.id, now_ms, "state changed",
		    action_gate_actor(g), text, cause);
	free(text);
	if (rc != 0) {
		cache_rollback(c);
		act_incident_done(&inc);
		return -1;
	}
	rc = cache_commit(c, cause);
	if (rc == 0)
		rc = action_record(g, "resolve", inc.id, "ok",
		    "resolved by hand", cause);
	act_incident_done(&inc);
	return rc;
}
