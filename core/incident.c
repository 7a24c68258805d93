/*
 * incident.c: the incidents of a context, kept in the cache from round to
 * round.
 *
 * incident_update() compares the alerts a round has just stored with the
 * incidents that are not resolved, and writes the difference: incidents
 * opened, alerts joined or resolved, incidents resolved after their grace
 * period, old resolved ones pruned.  Heartbeat alerts are never part of an
 * incident.  Each change is a row of incident_timeline, so the history
 * reads in order without re-deriving anything.  All of it runs inside the
 * caller's transaction: a round's alerts and its incidents are written
 * together or not at all.
 *
 * A round costs in proportion to its alerts, not alerts times members: it
 * reads the alerts, the open incidents and their members once each, finds
 * them again through hash indexes (an incident by group key, an alert by
 * key and fingerprint, a member by incident and fingerprint), and prepares
 * each statement once per round.  A round in which nothing changed and no
 * timer is due writes nothing.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/sha256.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/escalation.h"
#include "core/incident.h"
#include "core/silence.h"
#include "core/views.h"
#include "core/vocab.h"

/* No row. */
#define NONE		((size_t)-1)

/* The defaults when there is no configuration. */
#define INCIDENT_GRACE_MS	(5 * 60 * 1000LL)
#define INCIDENT_KEEP_MS	(30 * 24 * 3600 * 1000LL)

/* A firing alert of the round. */
struct inc_alert {
	char		*fingerprint;
	char		*alertname;
	char		*severity;	/* the label, or NULL */
	char		*key;
	cJSON		*labels;	/* NULL if unreadable */
	int64_t		 starts_ms;
	int		 priority;
	int		 sev;		/* enum view_severity */
	size_t		 incident;	/* index in the open list */
	size_t		 next;		/* the next alert of its key, or NONE */
};

/* An incident that is not resolved. */
struct inc_open {
	char		*id;
	char		*key;
	char		*state;
	int64_t		 started_ms;
	int64_t		 quiet_ms;	/* 0: an alert fires */
	int		 priority;
	int		 sev;
	int		 opened;	/* by this round */
	size_t		 firing;	/* alerts of this round */
	int		 ack_local;
	int64_t		 escalation;	/* levels reached, as stored */
	int64_t		 ack_until_ms;
	char		*ack_by;
	char		*ack_silences;	/* JSON array, or NULL */
	char		*held_by;	/* JSON array of other silences */
	size_t		 mfirst;	/* its members: r->members[mfirst..] */
	size_t		 mcount;
};

/* An alert that has been part of an open incident, as the round began. */
struct inc_memb {
	size_t		 open;		/* index in the open list */
	char		*fingerprint;
	char		*alertname;
	int		 resolved;
};

/*
 * An open-addressed hash index of the rows of one of the round's arrays,
 * by one or two strings: a slot holds row + 1, 0 when it is empty.
 */
struct inc_index {
	size_t		*slot;
	size_t		 mask;
};

/* An active silence of the context; is_ack: an acknowledgement. */
struct inc_silence {
	char		*id;
	char		*created_by;
	char		*comment;
	int		 is_ack;
	int64_t		 ends_ms;
	struct matchers	 matchers;
};

struct inc_round {
	sqlite3		*db;
	const char	*context;
	const struct conf *conf;
	int64_t		 now;
	struct inc_alert *alerts;
	size_t		 nalerts, aalerts;
	struct inc_open	*open;
	size_t		 nopen, aopen;
	struct inc_memb	*members;
	size_t		 nmembers, amembers;
	struct inc_index by_key;	/* open incidents by group key */
	struct inc_index by_alert;	/* alerts by key and fingerprint */
	struct inc_index by_member;	/* members by incident id, fingerprint */
	struct cache	*cache;		/* keeps the statements */
	struct inc_silence *acks;
	size_t		 nacks;
	unsigned char	*holds;		/* [ack * nopen + open]: holds one */
	char		**cause;
};

/* ------------------------------------------------------------------ */
/* Words and keys                                                      */
/* ------------------------------------------------------------------ */

/* "P0".."P3"; "P3" for anything out of range. */
const char *
incident_priority_word(int p)
{
	static const char *const words[] = { "P0", "P1", "P2", "P3" };

	return p >= INCIDENT_P0 && p <= INCIDENT_P3 ? words[p] : words[3];
}

/* The priority a word "P0".."P3" names (any case), or -1. */
int
incident_priority_parse(const char *s)
{
	if (s == NULL || (s[0] != 'P' && s[0] != 'p') || s[1] < '0' ||
	    s[1] > '3' || s[2] != '\0')
		return -1;
	return s[1] - '0';
}

/* The priority of a severity label: configured, built in, else P3. */
int
incident_priority(const struct conf *conf, const char *label)
{
	size_t	i;
	int	p;

	if (label == NULL)
		return INCIDENT_P3;
	for (i = 0; conf != NULL && i < conf->npriorities; i++) {
		if (strcasecmp(conf->priorities[i].key, label) == 0 &&
		    (p = incident_priority_parse(conf->priorities[i].value)) >=
		    0)
			return p;
	}
	switch (view_severity_parse(label)) {
	case SEV_CRITICAL:
		return 0;
	case SEV_ERROR:
		return 1;
	case SEV_WARNING:
		return 2;
	default:
		return INCIDENT_P3;
	}
}

/* Whether alertname is a heartbeat alert. */
int
incident_is_heartbeat(const struct conf *conf, const char *alertname)
{
	static const char *const dflt[] = { "Watchdog", "InfoInhibitor" };
	const char *const	*names = dflt;
	size_t			 n = 2, i;

	if (conf != NULL) {
		names = (const char *const *)conf->heartbeats;
		n = conf->nheartbeats;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(alertname, names[i]) == 0)
			return 1;
	}
	return 0;
}

/* The group key of an alert, and its title. */
char *
incident_group_key(const struct conf *conf, const cJSON *labels,
    const char *alertname, char **title)
{
	static const char *const dflt[] = { "alertname", "namespace",
	    "service", "cluster" };
	const char *const	*keys = dflt;
	size_t			 nkeys = 4, k;
	const cJSON		*lv;
	struct buf		 key, t;

	if (conf != NULL && conf->ngroup_by > 0) {
		keys = (const char *const *)conf->group_by;
		nkeys = conf->ngroup_by;
	}
	buf_init(&key, 0);
	buf_init(&t, 0);
	buf_append(&key, "", 0);
	buf_puts(&t, alertname);
	for (k = 0; k < nkeys; k++) {
		lv = cJSON_GetObjectItemCaseSensitive(labels, keys[k]);
		if (!cJSON_IsString(lv))
			lv = NULL;
		/* Pieces, not printf: this runs for every alert of a round. */
		if (k > 0)
			buf_puts(&key, ",");
		buf_puts(&key, keys[k]);
		buf_puts(&key, "=");
		if (lv != NULL)
			buf_puts(&key, lv->valuestring);
		if (title != NULL && lv != NULL && *lv->valuestring != '\0' &&
		    strcmp(keys[k], "alertname") != 0) {
			buf_puts(&t, " ");
			buf_puts(&t, lv->valuestring);
		}
	}
	if (title != NULL)
		*title = buf_detach(&t);
	else
		buf_done(&t);
	return buf_detach(&key);
}

/* The id of an incident: a hash of context, key, start (and salt). */
void
incident_make_id(const char *context, const char *key, int64_t started_ms,
    unsigned salt, char out[INCIDENT_ID_LEN + 1])
{
	char	*s, hex[SHA256_HEX_LEN + 1];

	if (salt == 0)
		s = xasprintf("%s\x1f%s\x1f%lld", context, key,
		    (long long)started_ms);
	else
		s = xasprintf("%s\x1f%s\x1f%lld\x1f%u", context, key,
		    (long long)started_ms, salt);
	sha256_hex_of(s, strlen(s), hex);
	free(s);
	memcpy(out, hex, INCIDENT_ID_LEN);
	out[INCIDENT_ID_LEN] = '\0';
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */
/* ------------------------------------------------------------------ */

/*
 * The connection's kept statement of sql (cache_stmt()), bound as
 * cache_prepare() binds: prepared once, not once per alert.  Give it back
 * with inc_release() before asking for it again.
 */
static sqlite3_stmt *
inc_vprepare(struct inc_round *r, const char *sql, const char *fmt,
    va_list ap)
{
	sqlite3_stmt	*st;

	if ((st = cache_stmt(r->cache, "incidents", sql, r->cause)) == NULL)
		return NULL;
	cache_vbind(st, fmt, ap);
	return st;
}

/* Done with a kept statement (reset, its bindings cleared). */
static void
inc_release(struct inc_round *r, sqlite3_stmt *st)
{
	cache_stmt_put(r->cache, st);
}

/* Prepare and bind, as inc_vprepare. */
static sqlite3_stmt *
inc_prepare(struct inc_round *r, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;

	va_start(ap, fmt);
	st = inc_vprepare(r, sql, fmt, ap);
	va_end(ap);
	return st;
}

/* Run a statement that returns no rows; -1 and *cause on error. */
static int
inc_exec(struct inc_round *r, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;
	int		 rc;

	va_start(ap, fmt);
	st = inc_vprepare(r, sql, fmt, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		*r->cause = xasprintf("incidents: %s", sqlite3_errmsg(r->db));
	inc_release(r, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* An owned copy of a text column, or NULL. */
static char *
inc_col(sqlite3_stmt *st, int col)
{
	return cache_column_text(st, col);
}

/* Append a timeline row by the system. */
static int
inc_timeline(struct inc_round *r, const char *id, int64_t ts,
    const char *kind, const char *text)
{
	return inc_exec(r, "INSERT INTO incident_timeline (incident_id,"
	    " ts_ms, kind, actor, text) VALUES (?, ?, ?, 'system', ?)",
	    "titt", id, ts, kind, text);
}

/* ------------------------------------------------------------------ */
/* One round                                                           */
/* ------------------------------------------------------------------ */

/* Whether row of one of the round's arrays has the strings a and b. */
typedef int inc_same_fn(const struct inc_round *, size_t row, const char *a,
    const char *b);

/* An empty index with room for n rows. */
static void
inc_index_init(struct inc_index *x, size_t n)
{
	size_t	cap = 16;

	while (cap < 2 * n + 2)
		cap *= 2;
	x->slot = xcalloc(cap, sizeof *x->slot);
	x->mask = cap - 1;
}

/* FNV-1a of a, and of b after a separator if b is not NULL. */
static size_t
inc_hash(const char *a, const char *b)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *a != '\0'; a++)
		h = (h ^ (unsigned char)*a) * 0x100000001b3ULL;
	if (b != NULL) {
		h = (h ^ 0x1f) * 0x100000001b3ULL;
		for (; *b != '\0'; b++)
			h = (h ^ (unsigned char)*b) * 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

/*
 * The slot of x for (a, b): the one holding a row that same() says has
 * them, else the empty one where such a row goes.  The index is never
 * more than half full (inc_index_init's room), so there is one.
 */
static size_t *
inc_index_slot(const struct inc_round *r, const struct inc_index *x,
    inc_same_fn *same, const char *a, const char *b)
{
	size_t	i;

	for (i = inc_hash(a, b) & x->mask; x->slot[i] != 0;
	    i = (i + 1) & x->mask) {
		if (same(r, x->slot[i] - 1, a, b))
			break;
	}
	return &x->slot[i];
}

/* The row of x for (a, b), or NONE. */
static size_t
inc_index_find(const struct inc_round *r, const struct inc_index *x,
    inc_same_fn *same, const char *a, const char *b)
{
	size_t	*slot = inc_index_slot(r, x, same, a, b);

	return *slot != 0 ? *slot - 1 : NONE;
}

/* Whether open incident row has group key a. */
static int
inc_same_open(const struct inc_round *r, size_t row, const char *a,
    const char *b)
{
	(void)b;
	return strcmp(r->open[row].key, a) == 0;
}

/* Whether alert row has group key a and fingerprint b. */
static int
inc_same_alert(const struct inc_round *r, size_t row, const char *a,
    const char *b)
{
	return strcmp(r->alerts[row].key, a) == 0 &&
	    strcmp(r->alerts[row].fingerprint, b) == 0;
}

/* Whether alert row has group key a (b unused). */
static int
inc_same_key(const struct inc_round *r, size_t row, const char *a,
    const char *b)
{
	(void)b;
	return strcmp(r->alerts[row].key, a) == 0;
}

/* Whether member row is of the incident of id a, fingerprint b. */
static int
inc_same_member(const struct inc_round *r, size_t row, const char *a,
    const char *b)
{
	return strcmp(r->open[r->members[row].open].id, a) == 0 &&
	    strcmp(r->members[row].fingerprint, b) == 0;
}

/* Free what a round read, and its statements. */
static void
inc_round_done(struct inc_round *r)
{
	size_t	i;

	for (i = 0; i < r->nalerts; i++) {
		free(r->alerts[i].fingerprint);
		free(r->alerts[i].alertname);
		free(r->alerts[i].severity);
		free(r->alerts[i].key);
		cJSON_Delete(r->alerts[i].labels);
	}
	free(r->alerts);
	for (i = 0; i < r->nopen; i++) {
		free(r->open[i].id);
		free(r->open[i].key);
		free(r->open[i].state);
		free(r->open[i].ack_by);
		free(r->open[i].ack_silences);
		free(r->open[i].held_by);
	}
	free(r->open);
	for (i = 0; i < r->nacks; i++) {
		free(r->acks[i].id);
		free(r->acks[i].created_by);
		free(r->acks[i].comment);
		matchers_done(&r->acks[i].matchers);
	}
	free(r->acks);
	free(r->holds);
	for (i = 0; i < r->nmembers; i++) {
		free(r->members[i].fingerprint);
		free(r->members[i].alertname);
	}
	free(r->members);
	free(r->by_key.slot);
	free(r->by_alert.slot);
	free(r->by_member.slot);
}

/*
 * Index the round's alerts by key and fingerprint, and chain those of a
 * key in their order (a->next), so that an incident opened for a key
 * reads its alerts without a scan of all of them.
 */
static void
inc_index_alerts(struct inc_round *r)
{
	struct inc_index	 keys;
	size_t			*slot, i;

	inc_index_init(&r->by_alert, r->nalerts);
	inc_index_init(&keys, r->nalerts);
	for (i = r->nalerts; i-- > 0; ) {
		slot = inc_index_slot(r, &r->by_alert, inc_same_alert,
		    r->alerts[i].key, r->alerts[i].fingerprint);
		if (*slot == 0)
			*slot = i + 1;
		/* From the last: the slot ends with the key's first alert. */
		slot = inc_index_slot(r, &keys, inc_same_key, r->alerts[i].key,
		    NULL);
		r->alerts[i].next = *slot != 0 ? *slot - 1 : NONE;
		*slot = i + 1;
	}
	free(keys.slot);
}

/* Read the context's firing alerts, heartbeats left out, oldest first. */
static int
inc_read_alerts(struct inc_round *r)
{
	sqlite3_stmt		*st;
	struct inc_alert	*a;
	cJSON			*labels;
	char			*name, *lt;

	st = inc_prepare(r, "SELECT fingerprint, alertname, severity,"
	    " labels, starts_at_ms FROM alerts WHERE context = ?"
	    " ORDER BY starts_at_ms, fingerprint", "t", r->context);
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = inc_col(st, 1);
		if (name == NULL)
			name = xstrdup("");
		if (incident_is_heartbeat(r->conf, name)) {
			free(name);
			continue;
		}
		if (r->nalerts == r->aalerts) {
			r->aalerts = r->aalerts * 2 + 64;
			r->alerts = xreallocarray(r->alerts, r->aalerts,
			    sizeof *r->alerts);
		}
		a = &r->alerts[r->nalerts++];
		memset(a, 0, sizeof *a);
		a->alertname = name;
		a->fingerprint = inc_col(st, 0);
		if (a->fingerprint == NULL)
			a->fingerprint = xstrdup("");
		a->severity = inc_col(st, 2);
		lt = inc_col(st, 3);
		labels = lt != NULL ? cJSON_Parse(lt) : NULL;
		free(lt);
		a->key = incident_group_key(r->conf, labels, name, NULL);
		a->labels = labels;
		a->starts_ms = sqlite3_column_int64(st, 4);
		a->priority = incident_priority(r->conf, a->severity);
		a->sev = (int)view_severity_parse(a->severity);
	}
	inc_release(r, st);
	inc_index_alerts(r);
	return 0;
}

/* A new, zeroed entry at the end of the open list. */
static struct inc_open *
inc_open_add(struct inc_round *r)
{
	struct inc_open	*o;

	if (r->nopen == r->aopen) {
		r->aopen = r->aopen * 2 + 16;
		r->open = xreallocarray(r->open, r->aopen, sizeof *r->open);
	}
	o = &r->open[r->nopen++];
	memset(o, 0, sizeof *o);
	return o;
}

/* Index open incident j by its key (the first one stays: keys are unique). */
static void
inc_index_add_open(struct inc_round *r, size_t j)
{
	size_t	*slot;

	slot = inc_index_slot(r, &r->by_key, inc_same_open, r->open[j].key,
	    NULL);
	if (*slot == 0)
		*slot = j + 1;
}

/* The open incident of key, or NONE. */
static size_t
inc_find(const struct inc_round *r, const char *key)
{
	return inc_index_find(r, &r->by_key, inc_same_open, key, NULL);
}

/*
 * Read the members of the open incidents (resolved ones too) in one
 * query, each incident's together in the order they joined, and index
 * them by incident and fingerprint.
 */
static int
inc_read_members(struct inc_round *r)
{
	sqlite3_stmt	*st;
	struct inc_memb	*m;
	struct inc_open	*o;
	const char	*key;
	size_t		 j, i, *slot;

	st = inc_prepare(r, "SELECT i.group_key, a.fingerprint, a.alertname,"
	    " a.resolved_ms IS NOT NULL FROM incidents i JOIN incident_alerts"
	    " a ON a.incident_id = i.id WHERE i.context = ? AND i.state <>"
	    " 'resolved' ORDER BY i.id, a.joined_ms, a.fingerprint", "t",
	    r->context);
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(st, 0);
		if (key == NULL || (j = inc_find(r, key)) == NONE ||
		    sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		o = &r->open[j];
		/* Ordered by incident: each one's members are together. */
		if (o->mcount++ == 0)
			o->mfirst = r->nmembers;
		if (r->nmembers == r->amembers) {
			r->amembers = r->amembers * 2 + 64;
			r->members = xreallocarray(r->members, r->amembers,
			    sizeof *r->members);
		}
		m = &r->members[r->nmembers++];
		m->open = j;
		m->fingerprint = inc_col(st, 1);
		m->alertname = inc_col(st, 2);
		m->resolved = sqlite3_column_int(st, 3);
	}
	inc_release(r, st);
	inc_index_init(&r->by_member, r->nmembers);
	for (i = 0; i < r->nmembers; i++) {
		slot = inc_index_slot(r, &r->by_member, inc_same_member,
		    r->open[r->members[i].open].id, r->members[i].fingerprint);
		if (*slot == 0)
			*slot = i + 1;
	}
	return 0;
}

/* Read the context's incidents that are not resolved. */
static int
inc_read_open(struct inc_round *r)
{
	sqlite3_stmt	*st;
	struct inc_open	*o;
	size_t		 i;

	st = inc_prepare(r, "SELECT id, group_key, state, started_ms,"
	    " quiet_ms, priority, severity, ack_local, ack_until_ms, ack_by,"
	    " ack_silences, escalation, held_by FROM incidents WHERE context"
	    " = ?"
	    " AND state <> 'resolved' ORDER BY started_ms, id", "t",
	    r->context);
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char	*sev;

		o = inc_open_add(r);
		o->id = inc_col(st, 0);
		o->key = inc_col(st, 1);
		o->state = inc_col(st, 2);
		o->started_ms = sqlite3_column_int64(st, 3);
		o->quiet_ms = sqlite3_column_int64(st, 4);
		o->priority = incident_priority_parse((const char *)
		    sqlite3_column_text(st, 5));
		if (o->priority < 0)
			o->priority = INCIDENT_P3;
		sev = inc_col(st, 6);
		o->sev = (int)view_severity_parse(sev);
		free(sev);
		o->ack_local = sqlite3_column_int(st, 7);
		o->ack_until_ms = sqlite3_column_int64(st, 8);
		o->ack_by = inc_col(st, 9);
		o->ack_silences = inc_col(st, 10);
		o->escalation = sqlite3_column_int64(st, 11);
		o->held_by = inc_col(st, 12);
	}
	inc_release(r, st);
	/* Room for an incident opened by each alert of the round. */
	inc_index_init(&r->by_key, r->nopen + r->nalerts);
	for (i = 0; i < r->nopen; i++)
		inc_index_add_open(r, i);
	return inc_read_members(r);
}

/* Whether id names an incident already. */
static int
inc_id_taken(struct inc_round *r, const char *id, int *taken)
{
	sqlite3_stmt	*st;

	if ((st = inc_prepare(r, "SELECT 1 FROM incidents WHERE id = ?", "t",
	    id)) == NULL)
		return -1;
	*taken = sqlite3_step(st) == SQLITE_ROW;
	inc_release(r, st);
	return 0;
}

/*
 * Open an incident for the alerts of key, the first of which (the
 * oldest) is alerts[first]: triggered, started at the earliest start,
 * speaking with its worst alert, and a recurrence of the last resolved
 * incident of the same key if there is one.
 */
static int
inc_open(struct inc_round *r, size_t first)
{
	const struct inc_alert	*a, *worst = &r->alerts[first];
	struct inc_open		*o;
	sqlite3_stmt		*st;
	char			 id[INCIDENT_ID_LEN + 1], *prev = NULL;
	char			*text, *key, *title;
	int64_t			 started = 0;
	int			 prio = INCIDENT_P3, taken = 1, rc;
	unsigned		 salt;
	size_t			 i;

	/* first is the oldest alert of its key: its chain is all of them. */
	for (i = first; i != NONE; i = a->next) {
		a = &r->alerts[i];
		if (a->starts_ms > 0 && (started == 0 ||
		    a->starts_ms < started))
			started = a->starts_ms;
		if (a->sev > worst->sev)
			worst = a;
		if (a->priority < prio)
			prio = a->priority;
	}
	if (started == 0 || started > r->now)
		started = r->now;
	for (salt = 0; taken; salt++) {
		incident_make_id(r->context, worst->key, started, salt, id);
		if (inc_id_taken(r, id, &taken) != 0)
			return -1;
	}
	st = inc_prepare(r, "SELECT id FROM incidents WHERE context = ? AND"
	    " group_key = ? AND state = 'resolved' ORDER BY resolved_ms DESC,"
	    " started_ms DESC LIMIT 1", "tt", r->context, worst->key);
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		prev = inc_col(st, 0);
	inc_release(r, st);
	/* The title, from the worst alert (alerts are read without one). */
	key = incident_group_key(r->conf, worst->labels, worst->alertname,
	    &title);
	free(key);
	rc = inc_exec(r, "INSERT INTO incidents (id, context, group_key,"
	    " title, severity, priority, state, started_ms, updated_ms,"
	    " recurrence_of) VALUES (?, ?, ?, ?, ?, ?, 'triggered', ?, ?, ?)",
	    "ttttttiit", id, r->context, worst->key, title,
	    worst->severity, incident_priority_word(prio), started, r->now,
	    prev);
	free(title);
	if (rc == 0) {
		if (prev != NULL)
			text = xasprintf("%s fired (%s); a recurrence of %s",
			    r->alerts[first].alertname,
			    incident_priority_word(prio), prev);
		else
			text = xasprintf("%s fired (%s)",
			    r->alerts[first].alertname,
			    incident_priority_word(prio));
		rc = inc_timeline(r, id, started, "fired", text);
		free(text);
	}
	free(prev);
	if (rc != 0)
		return -1;
	o = inc_open_add(r);
	o->id = xstrdup(id);
	o->key = xstrdup(worst->key);
	o->state = xstrdup("triggered");
	o->started_ms = started;
	o->priority = prio;
	o->sev = worst->sev;
	o->opened = 1;
	inc_index_add_open(r, r->nopen - 1);
	return 0;
}

/*
 * An alert of the round that is part of incident o: record it as a
 * member (a new one joins, a resolved one fires again) and raise the
 * incident's priority to its.
 */
static int
inc_member(struct inc_round *r, struct inc_alert *a, struct inc_open *o)
{
	char		*text = NULL;
	int64_t		 ts = r->now;
	int		 known = 0, was_resolved = 0, rc = 0;
	size_t		 m;

	/* One opened by this round has no members yet. */
	m = o->opened ? NONE : inc_index_find(r, &r->by_member,
	    inc_same_member, o->id, a->fingerprint);
	if (m != NONE) {
		known = 1;
		was_resolved = r->members[m].resolved;
	}
	o->firing++;
	if (known && !was_resolved)
		return 0;
	/* In the round that opened it, each alert joined at its start. */
	if (o->opened) {
		ts = a->starts_ms;
		if (ts < o->started_ms)
			ts = o->started_ms;
		if (ts > r->now)
			ts = r->now;
	}
	if (!known) {
		rc = inc_exec(r, "INSERT INTO incident_alerts (incident_id,"
		    " fingerprint, alertname, severity, joined_ms) VALUES"
		    " (?, ?, ?, ?, ?)", "tttti", o->id, a->fingerprint,
		    a->alertname, a->severity, ts);
		/* The alert that opened it is the "fired" row. */
		if (rc == 0 && !(o->opened && o->firing == 1))
			text = xasprintf("%s joined (%s)", a->alertname,
			    a->severity != NULL ? a->severity : "no severity");
	} else {
		rc = inc_exec(r, "UPDATE incident_alerts SET resolved_ms ="
		    " NULL WHERE incident_id = ? AND fingerprint = ?", "tt",
		    o->id, a->fingerprint);
		if (rc == 0)
			text = xasprintf("%s fires again", a->alertname);
	}
	if (rc == 0 && text != NULL)
		rc = inc_timeline(r, o->id, ts, "alert joined", text);
	free(text);
	if (rc != 0)
		return -1;
	if (o->quiet_ms != 0 || a->priority < o->priority || a->sev > o->sev) {
		if (a->priority < o->priority)
			o->priority = a->priority;
		if (a->sev > o->sev)
			o->sev = a->sev;
		o->quiet_ms = 0;
		rc = inc_exec(r, "UPDATE incidents SET quiet_ms = NULL,"
		    " priority = ?, severity = CASE WHEN ? THEN ? ELSE"
		    " severity END, updated_ms = ? WHERE id = ?", "titit",
		    incident_priority_word(o->priority),
		    (int64_t)(a->sev == o->sev), a->severity, r->now, o->id);
	}
	return rc;
}

/*
 * Mark the members of o that no longer fire (no alert of the round with
 * its key has their fingerprint) as resolved, in the order they joined.
 */
static int
inc_members_resolved(struct inc_round *r, const struct inc_open *o)
{
	const struct inc_memb *m;
	char		*text;
	size_t		 i;
	int		 rc = 0;

	for (i = o->mfirst; i < o->mfirst + o->mcount && rc == 0; i++) {
		m = &r->members[i];
		if (m->resolved || inc_index_find(r, &r->by_alert,
		    inc_same_alert, o->key, m->fingerprint) != NONE)
			continue;
		rc = inc_exec(r, "UPDATE incident_alerts SET resolved_ms = ?"
		    " WHERE incident_id = ? AND fingerprint = ?", "itt",
		    r->now, o->id, m->fingerprint);
		text = xasprintf("%s resolved", m->alertname != NULL ?
		    m->alertname : "an alert");
		if (rc == 0)
			rc = inc_timeline(r, o->id, r->now, "alert resolved",
			    text);
		free(text);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Acknowledgements                                                    */
/* ------------------------------------------------------------------ */

/*
 * Read the context's active silences, marking the acknowledgements: a
 * comment that starts with "ACK", as sitrep writes them and as people
 * write them with amtool or karma.  A silence whose matchers cannot be
 * read is left out.
 */
static int
inc_read_acks(struct inc_round *r)
{
	sqlite3_stmt		*st;
	struct inc_silence	*x;
	cJSON			*j;
	char			*m, *why = NULL;

	st = inc_prepare(r, "SELECT id, created_by, ends_at_ms, matchers,"
	    " comment, substr(comment, 1, 3) = 'ACK' FROM silences WHERE"
	    " context = ? AND state = 'active' ORDER BY ends_at_ms DESC, id",
	    "t", r->context);
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		r->acks = xreallocarray(r->acks, r->nacks + 1,
		    sizeof *r->acks);
		x = &r->acks[r->nacks];
		memset(x, 0, sizeof *x);
		matchers_init(&x->matchers);
		m = inc_col(st, 3);
		j = m != NULL ? cJSON_Parse(m) : NULL;
		free(m);
		if (j == NULL || matchers_from_json(&x->matchers, j, &why) != 0) {
			free(why);
			why = NULL;
			cJSON_Delete(j);
			matchers_done(&x->matchers);
			continue;
		}
		cJSON_Delete(j);
		x->id = inc_col(st, 0);
		x->created_by = inc_col(st, 1);
		x->ends_ms = sqlite3_column_int64(st, 2);
		x->comment = inc_col(st, 4);
		x->is_ack = sqlite3_column_int(st, 5);
		if (x->id == NULL) {
			free(x->created_by);
			free(x->comment);
			matchers_done(&x->matchers);
			continue;
		}
		r->nacks++;
	}
	inc_release(r, st);
	return 0;
}

/*
 * Which open incidents each active silence holds (one of its firing
 * alerts): each silence is tried once on each alert, once per round,
 * after the round has opened its incidents.
 */
static void
inc_holds_compute(struct inc_round *r)
{
	size_t	k, i;

	free(r->holds);
	r->holds = xcalloc(r->nacks * r->nopen + 1, 1);
	for (k = 0; k < r->nacks; k++) {
		for (i = 0; i < r->nalerts; i++) {
			if (r->alerts[i].labels != NULL &&
			    r->alerts[i].incident < r->nopen &&
			    !r->holds[k * r->nopen + r->alerts[i].incident] &&
			    matchers_match(&r->acks[k].matchers,
			    r->alerts[i].labels))
				r->holds[k * r->nopen +
				    r->alerts[i].incident] = 1;
		}
	}
}

/* Whether silence x holds a firing alert of open incident j. */
static int
inc_ack_holds(const struct inc_round *r, const struct inc_silence *x,
    size_t j)
{
	return r->holds[(size_t)(x - r->acks) * r->nopen + j];
}

/*
 * Whether the acknowledgement of o has ended: it ran out, or every one of
 * its silences that this cache knows has expired (one not seen yet, just
 * created, keeps it).  *why says how, for the timeline.
 */
static int
inc_ack_ended(struct inc_round *r, const struct inc_open *o, char **why)
{
	sqlite3_stmt	*st;
	cJSON		*ids, *id;
	int		 known = 0, live = 0;

	if (o->ack_until_ms > 0 && o->ack_until_ms <= r->now) {
		*why = xstrdup("it ran out");
		return 1;
	}
	if (o->ack_local || o->ack_silences == NULL)
		return 0;
	ids = cJSON_Parse(o->ack_silences);
	cJSON_ArrayForEach(id, ids) {
		if (!cJSON_IsString(id))
			continue;
		st = inc_prepare(r, "SELECT state = 'expired' OR (ends_at_ms"
		    " IS NOT NULL AND ends_at_ms <= ?) FROM silences WHERE"
		    " context = ? AND id = ?", "itt", r->now, r->context,
		    id->valuestring);
		if (st == NULL) {
			cJSON_Delete(ids);
			return -1;
		}
		if (sqlite3_step(st) == SQLITE_ROW) {
			known++;
			if (!sqlite3_column_int(st, 0))
				live++;
		}
		inc_release(r, st);
	}
	cJSON_Delete(ids);
	if (known == 0 || live > 0)
		return 0;
	*why = xstrdup(known == 1 ? "its silence was expired" :
	    "its silences were expired");
	return 1;
}

/*
 * Bring o's acknowledgement in line with the silences that carry it: an
 * ACK silence holding one of its firing alerts acknowledges it (whoever
 * made it: this sitrep, another one, amtool); an acknowledgement whose
 * silences have all gone, or that ran out, ends.  An incident that fires
 * again after it was mitigated goes back to acknowledged or triggered.
 */
static int
inc_ack_derive(struct inc_round *r, size_t j)
{
	struct inc_open	*o = &r->open[j];
	struct buf	 ids;
	const char	*by = NULL;
	char		*text = NULL, *why = NULL, ts[40];
	int64_t		 until = 0;
	int		 was_acked, ended, rc = 0;
	size_t		 k, n = 0;

	was_acked = strcmp(o->state, "acknowledged") == 0;
	buf_init(&ids, 0);
	buf_puts(&ids, "[");
	for (k = 0; k < r->nacks; k++) {
		if (!r->acks[k].is_ack || !inc_ack_holds(r, &r->acks[k], j))
			continue;
		buf_printf(&ids, "%s\"%s\"", n++ > 0 ? "," : "",
		    r->acks[k].id);
		if (r->acks[k].ends_ms > until) {
			until = r->acks[k].ends_ms;
			by = r->acks[k].created_by;
		}
	}
	buf_puts(&ids, "]");
	if (n > 0) {
		if (was_acked && !o->ack_local && until == o->ack_until_ms &&
		    o->ack_silences != NULL &&
		    strcmp(o->ack_silences, buf_str(&ids)) == 0)
			goto out;
		rc = inc_exec(r, "UPDATE incidents SET state = 'acknowledged',"
		    " ack_by = ?, ack_ms = CASE WHEN state = 'acknowledged'"
		    " THEN ack_ms ELSE ? END, ack_until_ms = ?, ack_silences"
		    " = ?, ack_local = 0, ack_reason = NULL, first_ack_ms ="
		    " coalesce(first_ack_ms, ?), first_ack_by ="
		    " coalesce(first_ack_by, ?), updated_ms = ? WHERE id = ?",
		    "tiititit", by, r->now, until, buf_str(&ids), r->now, by,
		    r->now, o->id);
		util_format_rfc3339(until, ts, sizeof ts);
		if (rc == 0 && !was_acked)
			text = xasprintf("acknowledged by %s until %s (silence"
			    " %s)", by != NULL ? by : "someone", ts,
			    buf_str(&ids));
		else if (rc == 0 && until != o->ack_until_ms)
			text = xasprintf("acknowledgement by %s renewed until"
			    " %s", by != NULL ? by : "someone", ts);
		if (text != NULL)
			rc = inc_exec(r, "INSERT INTO incident_timeline"
			    " (incident_id, ts_ms, kind, actor, text) VALUES"
			    " (?, ?, 'acknowledged', ?, ?)", "titt", o->id,
			    r->now, by, text);
		if (rc == 0) {
			free(o->state);
			o->state = xstrdup("acknowledged");
		}
		goto out;
	}
	if (strcmp(o->state, "mitigated") == 0) {
		ended = o->ack_until_ms == 0 || o->ack_until_ms <= r->now;
		rc = inc_exec(r, "UPDATE incidents SET state = ?, updated_ms"
		    " = ? WHERE id = ?", "tit", ended ? "triggered" :
		    "acknowledged", r->now, o->id);
		text = xasprintf("mitigated -> %s: an alert fires again",
		    ended ? "triggered" : "acknowledged");
		if (rc == 0)
			rc = inc_timeline(r, o->id, r->now, "state changed",
			    text);
		free(o->state);
		o->state = xstrdup(ended ? "triggered" : "acknowledged");
		was_acked = !ended;
		free(text);
		text = NULL;
		if (rc != 0)
			goto out;
	}
	if (!was_acked)
		goto out;
	if ((ended = inc_ack_ended(r, o, &why)) < 0) {
		rc = -1;
		goto out;
	}
	if (!ended)
		goto out;
	rc = inc_exec(r, "UPDATE incidents SET state = 'triggered', ack_by ="
	    " NULL, ack_ms = NULL, ack_until_ms = NULL, ack_silences = NULL,"
	    " ack_matchers = NULL,"
	    " ack_local = 0, ack_reason = NULL, updated_ms = ? WHERE id = ?",
	    "it", r->now, o->id);
	text = xasprintf("acknowledgement%s%s ended: %s; triggered again",
	    o->ack_by != NULL ? " by " : "", o->ack_by != NULL ? o->ack_by :
	    "", why);
	if (rc == 0)
		rc = inc_timeline(r, o->id, r->now, "unacknowledged", text);
	free(o->state);
	o->state = xstrdup("triggered");
out:
	free(text);
	free(why);
	buf_done(&ids);
	return rc;
}

/* Whether id is a string of the JSON array text list. */
static int
inc_listed(const char *list, const char *id)
{
	cJSON	*a, *it;
	int	 found = 0;

	if (list == NULL || (a = cJSON_Parse(list)) == NULL)
		return 0;
	cJSON_ArrayForEach(it, a)
		found |= cJSON_IsString(it) && strcmp(it->valuestring, id) == 0;
	cJSON_Delete(a);
	return found;
}

/*
 * The silences other than acknowledgements that hold an incident's
 * firing alerts: one that starts holding it is a timeline row by its
 * author ("silenced by ... until ...: comment"), one that stops (expired,
 * or no longer matching) a row too, so the timeline tells who muted what
 * and when, whoever did it and wherever.
 */
static int
inc_silences_derive(struct inc_round *r, size_t j)
{
	struct inc_open	*o = &r->open[j];
	struct buf	 ids;
	cJSON		*old, *it;
	char		*text, ts[40], cut[201];
	size_t		 k, n = 0;
	int		 rc = 0;

	buf_init(&ids, 0);
	buf_puts(&ids, "[");
	for (k = 0; k < r->nacks && rc == 0; k++) {
		if (r->acks[k].is_ack || !inc_ack_holds(r, &r->acks[k], j))
			continue;
		buf_printf(&ids, "%s\"%s\"", n++ > 0 ? "," : "",
		    r->acks[k].id);
		if (inc_listed(o->held_by, r->acks[k].id))
			continue;
		snprintf(cut, sizeof cut, "%s", r->acks[k].comment != NULL ?
		    r->acks[k].comment : "");
		sanitize_utf8_cut(cut, 200);
		text = xasprintf("silenced by %s until %s: %s (silence %s)",
		    r->acks[k].created_by != NULL ? r->acks[k].created_by :
		    "someone", util_format_rfc3339(r->acks[k].ends_ms, ts,
		    sizeof ts), cut, r->acks[k].id);
		rc = inc_exec(r, "INSERT INTO incident_timeline (incident_id,"
		    " ts_ms, kind, actor, text) VALUES (?, ?, 'silenced', ?,"
		    " ?)", "titt", o->id, r->now, r->acks[k].created_by, text);
		free(text);
	}
	buf_puts(&ids, "]");
	old = o->held_by != NULL ? cJSON_Parse(o->held_by) : NULL;
	cJSON_ArrayForEach(it, old) {
		if (rc != 0 || !cJSON_IsString(it) ||
		    inc_listed(buf_str(&ids), it->valuestring))
			continue;
		text = xasprintf("silence %s no longer holds it",
		    it->valuestring);
		rc = inc_timeline(r, o->id, r->now, "silence ended", text);
		free(text);
	}
	cJSON_Delete(old);
	if (rc == 0 && (o->held_by == NULL ? n > 0 :
	    strcmp(o->held_by, buf_str(&ids)) != 0))
		rc = inc_exec(r, "UPDATE incidents SET held_by = ? WHERE id ="
		    " ?", "tt", n > 0 ? buf_str(&ids) : NULL, o->id);
	buf_done(&ids);
	return rc;
}

/*
 * Escalate a triggered incident: the levels of its priority's policy that
 * its age has reached and the cache has not recorded yet become one
 * timeline row, naming the highest.  The clock only runs while it is
 * triggered, so an acknowledged or mitigated one stays where it was.
 */
static int
inc_escalate(struct inc_round *r, struct inc_open *o)
{
	struct escalation	 e;
	char			 age[32], *text;
	size_t			 n;
	int			 rc = 0;

	if (strcmp(o->state, "triggered") != 0)
		return 0;
	escalation_for(r->conf, o->priority, &e);
	n = escalation_reached(&e, r->now - o->started_ms, NULL);
	if (n > 0 && (int64_t)n > o->escalation) {
		rc = inc_exec(r, "UPDATE incidents SET escalation = ?,"
		    " updated_ms = ? WHERE id = ?", "iit", (int64_t)n, r->now,
		    o->id);
		if (r->now - o->started_ms < 1000)
			text = xasprintf("level %zu of %zu: %s (from the start)",
			    n, e.n, e.v[n - 1].who);
		else
			text = xasprintf("level %zu of %zu: %s (unacknowledged "
			    "for %s)", n, e.n, e.v[n - 1].who, vocab_duration(
			    r->now - o->started_ms, age, sizeof age));
		if (rc == 0)
			rc = inc_timeline(r, o->id, r->now, "escalated", text);
		free(text);
		o->escalation = (int64_t)n;
	}
	escalation_done(&e);
	return rc;
}

/*
 * An open incident none of whose alerts fires: mitigated from now, and
 * resolved once it has been quiet for the grace period.
 */
static int
inc_quiet(struct inc_round *r, struct inc_open *o)
{
	int64_t	 grace = INCIDENT_GRACE_MS;
	char	 dur[32], *text;
	int	 rc;

	if (r->conf != NULL)
		grace = r->conf->resolve_after_ms;
	if (o->quiet_ms == 0) {
		o->quiet_ms = r->now;
		if (inc_exec(r, "UPDATE incidents SET quiet_ms = ?, updated_ms"
		    " = ? WHERE id = ?", "iit", r->now, r->now, o->id) != 0)
			return -1;
	}
	if (strcmp(o->state, "mitigated") != 0 && r->now - o->quiet_ms <
	    grace) {
		if (inc_exec(r, "UPDATE incidents SET state = 'mitigated',"
		    " mitigated_ms = quiet_ms, updated_ms = ? WHERE id = ?",
		    "it", r->now, o->id) != 0)
			return -1;
		text = xasprintf("%s -> mitigated: no alert fires", o->state);
		rc = inc_timeline(r, o->id, o->quiet_ms, "state changed",
		    text);
		free(text);
		free(o->state);
		o->state = xstrdup("mitigated");
		if (rc != 0)
			return -1;
	}
	if (r->now - o->quiet_ms < grace)
		return 0;
	rc = inc_exec(r, "UPDATE incidents SET state = 'resolved',"
	    " resolved_ms = quiet_ms, mitigated_ms = coalesce(mitigated_ms,"
	    " quiet_ms), updated_ms = ? WHERE id = ?", "it",
	    r->now, o->id);
	if (rc != 0)
		return -1;
	text = xasprintf("%s -> resolved: no alert has fired for %s",
	    o->state, vocab_duration(r->now - o->quiet_ms, dur, sizeof dur));
	rc = inc_timeline(r, o->id, r->now, "state changed", text);
	free(text);
	return rc;
}

/* Bring the context's incidents up to date with its stored alerts. */
int
incident_update(struct cache *cache, const char *context,
    const struct conf *conf, int64_t now_ms, char **cause)
{
	struct inc_round	 r;
	size_t			 i, j;
	int64_t			 keep = INCIDENT_KEEP_MS;
	int			 rc = -1;

	memset(&r, 0, sizeof r);
	r.db = cache_db(cache);
	r.cache = cache;
	r.context = context;
	r.conf = conf;
	r.now = now_ms;
	r.cause = cause;
	if (inc_read_alerts(&r) != 0 || inc_read_open(&r) != 0 ||
	    inc_read_acks(&r) != 0)
		goto out;
	/* Alerts oldest first: the first of a new key opens its incident. */
	for (i = 0; i < r.nalerts; i++) {
		if ((j = inc_find(&r, r.alerts[i].key)) == NONE) {
			if (inc_open(&r, i) != 0)
				goto out;
			j = r.nopen - 1;
		}
		r.alerts[i].incident = j;
		if (inc_member(&r, &r.alerts[i], &r.open[j]) != 0)
			goto out;
	}
	inc_holds_compute(&r);
	for (j = 0; j < r.nopen; j++) {
		if (!r.open[j].opened &&
		    inc_members_resolved(&r, &r.open[j]) != 0)
			goto out;
		if (r.open[j].firing == 0 && inc_quiet(&r, &r.open[j]) != 0)
			goto out;
		if (r.open[j].firing > 0 && inc_ack_derive(&r, j) != 0)
			goto out;
		if (r.open[j].firing > 0 && inc_escalate(&r, &r.open[j]) != 0)
			goto out;
		if (r.open[j].firing > 0 && inc_silences_derive(&r, j) != 0)
			goto out;
	}
	if (conf != NULL)
		keep = conf->keep_resolved_ms;
	if (inc_exec(&r, "DELETE FROM incidents WHERE context = ? AND state"
	    " = 'resolved' AND resolved_ms < ?", "ti", context,
	    now_ms - keep) != 0)
		goto out;
	rc = 0;
out:
	inc_round_done(&r);
	return rc;
}

/* Delete the context's incidents. */
int
incident_clear(struct cache *cache, const char *context, char **cause)
{
	struct inc_round	r;

	int			rc;

	memset(&r, 0, sizeof r);
	r.db = cache_db(cache);
	r.cache = cache;
	r.cause = cause;
	rc = inc_exec(&r, "DELETE FROM incidents WHERE context = ?", "t",
	    context);
	inc_round_done(&r);
	return rc;
}
