/*
 * views_silences.c: the silences of a context, what they match now and
 * their hygiene flags; see views_silences.h.
 *
 * One read transaction takes the context's listed alerts (each one's
 * labels parsed once), then its active and pending silences; every
 * silence's matchers (core/silence.c, Alertmanager's rules) are tried on
 * every alert.  Each matcher is asked once per distinct value of its
 * label, when first needed, and the answer looked up for the alerts
 * after (vs_verdicts), so a regex is compiled per value, not per alert.  An acknowledgement's incident is
 * looked up by its id.  All of it is read when the list opens, never
 * per paint.  The preview of a silence not written yet (the console's
 * silence form) reads the same alerts and tries its matchers the same
 * way (vs_each), so what it promises is what the list will show.
 *
 * Text from the cache is made valid UTF-8 again as it is copied
 * (sanitize_utf8), so whatever a writer let through, the caller gets
 * well-formed text; escapes and controls stay as they are, for each
 * renderer to escape.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/silence.h"
#include "core/views_silences.h"

/* A listed alert, its labels parsed. */
struct vs_alert {
	char	*alertname;
	char	*severity;
	char	*labels;	/* as text */
	cJSON	*parsed;	/* NULL: not a JSON object, matches nothing */
	int	 silenced;
};

/* A matcher's verdicts on the values of its label; see vs_verdicts(). */
struct vs_verdicts {
	const struct matcher	 *x;
	const char		**values;	/* distinct, sorted; borrowed */
	signed char		 *hit;		/* holds for each; -1 not asked */
	size_t			  n;
};

struct vs_read {
	sqlite3			*db;
	const char		*context;
	int64_t			 now;
	int64_t			 max_ms;
	struct vs_alert		*alerts;
	size_t			 nalerts;
	struct view_silences	*out;
};

/* A text column, made valid UTF-8, or NULL. */
static char *
vs_text(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	if (s == NULL)
		return NULL;
	return sanitize_utf8(s, (size_t)sqlite3_column_bytes(st, col));
}

/* The message for a failed read. */
static char *
vs_error(struct vs_read *r, const char *what)
{
	return xasprintf("cannot read the %s of %s from the cache (%s); "
	    "'sitrep cache info' checks the file", what, r->context,
	    sqlite3_errmsg(r->db));
}

/* Whether a JSON array text holds at least one item. */
static int
vs_nonempty_array(const char *text)
{
	cJSON	*a;
	int	 yes;

	if (text == NULL || (a = cJSON_Parse(text)) == NULL)
		return 0;
	yes = cJSON_IsArray(a) && cJSON_GetArraySize(a) > 0;
	cJSON_Delete(a);
	return yes;
}

/* Read the context's listed alerts, oldest first. */
static int
vs_alerts(struct vs_read *r, char **cause)
{
	sqlite3_stmt	*st;
	struct vs_alert	*a;
	char		*sb;
	int		 rc;

	if (sqlite3_prepare_v2(r->db, "SELECT alertname, severity, labels,"
	    " silenced_by FROM alerts WHERE context = ?1"
	    " ORDER BY starts_at_ms, fingerprint", -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = vs_error(r, "alerts");
		return -1;
	}
	sqlite3_bind_text(st, 1, r->context, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->alerts = xreallocarray(r->alerts, r->nalerts + 1,
		    sizeof *r->alerts);
		a = &r->alerts[r->nalerts++];
		memset(a, 0, sizeof *a);
		a->alertname = vs_text(st, 0);
		if (a->alertname == NULL)
			a->alertname = xstrdup("");
		a->severity = vs_text(st, 1);
		a->labels = vs_text(st, 2);
		if (a->labels == NULL)
			a->labels = xstrdup("{}");
		a->parsed = cJSON_Parse(a->labels);
		if (a->parsed != NULL && !cJSON_IsObject(a->parsed)) {
			cJSON_Delete(a->parsed);
			a->parsed = NULL;
		}
		sb = vs_text(st, 3);
		a->silenced = vs_nonempty_array(sb);
		free(sb);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vs_error(r, "alerts");
		return -1;
	}
	return 0;
}

/* Add a flag to a silence. */
static void
vs_note(struct view_silence *s, enum view_silence_flag flag,
    enum vocab_tone tone, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
vs_note(struct view_silence *s, enum view_silence_flag flag,
    enum vocab_tone tone, const char *fmt, ...)
{
	struct view_silence_note	*n;
	va_list				 ap;

	s->notes = xreallocarray(s->notes, s->nnotes + 1, sizeof *s->notes);
	n = &s->notes[s->nnotes++];
	n->flag = flag;
	n->tone = tone;
	va_start(ap, fmt);
	n->text = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Keep alert a as one the silence matches. */
static void
vs_matched(struct view_silence *s, const struct vs_alert *a)
{
	struct view_silence_alert	*m;
	size_t				 i;

	s->nmatch++;
	for (i = 0; i < s->nnames; i++) {
		if (strcmp(s->names[i], a->alertname) == 0)
			break;
	}
	if (i == s->nnames && s->nnames < VIEWS_SILENCE_NAMES)
		s->names[s->nnames++] = xstrdup(a->alertname);
	if (s->nalerts >= VIEWS_SILENCE_ALERTS_MAX)
		return;
	s->alerts = xreallocarray(s->alerts, s->nalerts + 1,
	    sizeof *s->alerts);
	m = &s->alerts[s->nalerts++];
	m->alertname = xstrdup(a->alertname);
	m->severity = a->severity != NULL ? xstrdup(a->severity) : NULL;
	m->labels = xstrdup(a->labels);
	m->silenced = a->silenced;
}

/* The value of label name ("" when absent, as Alertmanager reads it). */
static const char *
vs_label(const cJSON *labels, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(labels, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Order borrowed strings bytewise. */
static int
vs_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Room for one matcher's verdicts on the distinct values the alerts give
 * its label, each to be asked of matchers_match() at most once: alerts
 * repeat their values (names, namespaces, severities), so a silence costs
 * the distinct values it is asked about, not its alerts, in regex runs.
 */
static void
vs_verdicts(struct vs_read *r, const struct matcher *x,
    struct vs_verdicts *vd)
{
	size_t	i, n = 0;

	vd->values = xcalloc(r->nalerts > 0 ? r->nalerts : 1,
	    sizeof *vd->values);
	for (i = 0; i < r->nalerts; i++) {
		if (r->alerts[i].parsed != NULL)
			vd->values[n++] = vs_label(r->alerts[i].parsed,
			    x->name);
	}
	if (n > 1)
		qsort(vd->values, n, sizeof *vd->values, vs_strcmp);
	for (i = 0, vd->n = 0; i < n; i++) {
		if (vd->n == 0 || strcmp(vd->values[vd->n - 1],
		    vd->values[i]) != 0)
			vd->values[vd->n++] = vd->values[i];
	}
	vd->hit = xmalloc(vd->n > 0 ? vd->n : 1);
	memset(vd->hit, -1, vd->n > 0 ? vd->n : 1);
	vd->x = x;
}

/*
 * Whether the matcher of vd holds for labels: asked of matchers_match()
 * the first time its value comes up, remembered after.
 */
static int
vs_holds(struct vs_verdicts *vd, const cJSON *labels)
{
	struct matchers	 one;
	struct matcher	 copy;
	const char	*value = vs_label(labels, vd->x->name);
	const char	**at;
	cJSON		*o;
	size_t		 k;

	at = bsearch(&value, vd->values, vd->n, sizeof *vd->values,
	    vs_strcmp);
	if (at == NULL)
		return 0;
	k = (size_t)(at - vd->values);
	if (vd->hit[k] < 0) {
		/* The matcher itself, borrowed: its regex is compiled. */
		copy = *vd->x;
		one.v = &copy;
		one.n = 1;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, vd->x->name, value);
		vd->hit[k] = (signed char)(matchers_match(&one, o) != 0);
		cJSON_Delete(o);
	}
	return vd->hit[k];
}

/*
 * Call fn for every listed alert all of m hold (none when m is empty:
 * a silence without matchers holds nothing).
 */
static void
vs_each(struct vs_read *r, const struct matchers *m,
    void (*fn)(const struct vs_alert *, void *), void *arg)
{
	struct vs_verdicts	*vd;
	size_t			 i, k;

	vd = xcalloc(m->n > 0 ? m->n : 1, sizeof *vd);
	for (k = 0; k < m->n; k++)
		vs_verdicts(r, &m->v[k], &vd[k]);
	for (i = 0; i < r->nalerts && m->n > 0; i++) {
		if (r->alerts[i].parsed == NULL)
			continue;
		for (k = 0; k < m->n; k++) {
			if (!vs_holds(&vd[k], r->alerts[i].parsed))
				break;
		}
		if (k == m->n)
			fn(&r->alerts[i], arg);
	}
	for (k = 0; k < m->n; k++) {
		free(vd[k].values);
		free(vd[k].hit);
	}
	free(vd);
}

/* vs_matched() for vs_each(). */
static void
vs_matched_cb(const struct vs_alert *a, void *arg)
{
	vs_matched(arg, a);
}

/*
 * The matchers of s from their JSON text: formatted, and tried on every
 * alert.  Matchers sitrep cannot read are shown as stored and flagged.
 */
static void
vs_match(struct vs_read *r, struct view_silence *s, const char *json)
{
	struct matchers		 m, check;
	cJSON			*arr;
	char			*cause = NULL, *text;

	matchers_init(&m);
	arr = json != NULL ? cJSON_Parse(json) : NULL;
	if (arr == NULL || matchers_from_json(&m, arr, &cause) != 0) {
		s->matchers = xstrdup(json != NULL ? json : "");
		s->nmatch = -1;
		text = cause != NULL ? sanitize_utf8(cause, strlen(cause)) :
		    xstrdup("they are not a JSON array");
		vs_note(s, SILENCE_UNREADABLE, TONE_UNKNOWN, "matchers not "
		    "understood: %s", text);
		free(text);
		free(cause);
		cJSON_Delete(arr);
		matchers_done(&m);
		return;
	}
	cJSON_Delete(arr);
	text = matchers_format(&m);
	s->matchers = sanitize_utf8(text, strlen(text));
	/*
	 * from_json takes any regex; one Alertmanager's RE2 reads otherwise
	 * (or not at all) would match nothing here, so it is named instead.
	 */
	matchers_init(&check);
	if (matchers_parse(&check, text, &cause) != 0) {
		s->nmatch = -1;
		free(text);
		text = sanitize_utf8(cause, strlen(cause));
		vs_note(s, SILENCE_UNREADABLE, TONE_UNKNOWN, "matchers not "
		    "understood: %s", text);
		free(text);
		free(cause);
		matchers_done(&check);
		matchers_done(&m);
		return;
	}
	matchers_done(&check);
	free(text);
	vs_each(r, &m, vs_matched_cb, s);
	matchers_done(&m);
}

/* The incident an ACK silence names, and its state. */
static void
vs_incident(struct vs_read *r, struct view_silence *s)
{
	sqlite3_stmt	*st;
	char		 id[INCIDENT_ID_LEN + 1], age[32];
	int64_t		 resolved = 0;

	if (views_silence_ack_id(s->comment, id) != 0)
		return;
	s->incident = xstrdup(id);
	if (sqlite3_prepare_v2(r->db, "SELECT state, resolved_ms FROM"
	    " incidents WHERE context = ?1 AND id = ?2", -1, &st, NULL) !=
	    SQLITE_OK) {
		/* A cache from before incidents were kept: nothing to say. */
		sqlite3_finalize(st);
		return;
	}
	sqlite3_bind_text(st, 1, r->context, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		s->incident_state = vs_text(st, 0);
		resolved = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (s->incident_state == NULL ||
	    strcmp(s->incident_state, "resolved") != 0)
		return;
	if (resolved > 0)
		vs_note(s, SILENCE_ACK_RESOLVED, TONE_WARN, "acknowledges "
		    "incident %s, resolved %s ago, yet still runs", id,
		    vocab_age(resolved, r->now, age, sizeof age));
	else
		vs_note(s, SILENCE_ACK_RESOLVED, TONE_WARN, "acknowledges "
		    "incident %s, which has resolved, yet still runs", id);
}

/* The hygiene flags that come from times and counts. */
static void
vs_flags(struct vs_read *r, struct view_silence *s)
{
	char	a[32], b[32];
	int	active = strcmp(s->state, "active") == 0;
	int64_t	soon = VIEWS_SILENCE_EXPIRING;

	/* A short one (an acknowledgement) only in its second half. */
	if (s->starts_ms > 0 && s->ends_ms > s->starts_ms &&
	    (s->ends_ms - s->starts_ms) / 2 < soon)
		soon = (s->ends_ms - s->starts_ms) / 2;
	if (active && s->nmatch == 0)
		vs_note(s, SILENCE_MATCHES_NOTHING, TONE_WARN,
		    "matches no alert");
	if (active && s->nmatch > 0 && s->ends_ms > 0 &&
	    s->ends_ms - r->now <= soon)
		vs_note(s, SILENCE_EXPIRING, TONE_WARN, "ends in %s while %ld "
		    "%s it matches still %s", vocab_duration(s->ends_ms -
		    r->now, a, sizeof a), s->nmatch, vocab_plural((size_t)
		    s->nmatch, "alert", "alerts"), vocab_plural((size_t)
		    s->nmatch, "fires", "fire"));
	if (r->max_ms > 0 && s->starts_ms > 0 && s->ends_ms > s->starts_ms &&
	    s->ends_ms - s->starts_ms > r->max_ms)
		vs_note(s, SILENCE_TOO_LONG, TONE_WARN, "lasts %s, longer "
		    "than %s (silences.max_duration)", vocab_duration(
		    s->ends_ms - s->starts_ms, a, sizeof a),
		    vocab_duration(r->max_ms, b, sizeof b));
}

/* The rank of a tone in the list: the worst first. */
static int
vs_rank(enum vocab_tone t)
{
	switch (t) {
	case TONE_CRIT:
		return 3;
	case TONE_WARN:
		return 2;
	case TONE_UNKNOWN:
		return 1;
	default:
		return 0;
	}
}

/* Flagged first (the worst first), then active before pending, by end. */
static int
vs_cmp(const void *pa, const void *pb)
{
	const struct view_silence	*a = pa, *b = pb;
	int				 ra = vs_rank(a->tone);
	int				 rb = vs_rank(b->tone);
	int				 pa_ = strcmp(a->state, "pending") == 0;
	int				 pb_ = strcmp(b->state, "pending") == 0;

	if (ra != rb)
		return rb - ra;
	if (pa_ != pb_)
		return pa_ - pb_;
	if (a->ends_ms != b->ends_ms)
		return a->ends_ms < b->ends_ms ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Read the silences that run now or will; see views_silences.h. */
static int
vs_silences(struct vs_read *r, char **cause)
{
	struct view_silences	*out = r->out;
	struct view_silence	*s;
	sqlite3_stmt		*st;
	char			*json;
	size_t			 i, k;
	int			 rc;

	if (sqlite3_prepare_v2(r->db, "SELECT id, matchers, created_by,"
	    " comment, starts_at_ms, ends_at_ms FROM silences WHERE"
	    " context = ?1 AND state IN ('active', 'pending') AND"
	    " (ends_at_ms IS NULL OR ends_at_ms > ?2) ORDER BY id", -1, &st,
	    NULL) != SQLITE_OK) {
		*cause = vs_error(r, "silences");
		return -1;
	}
	sqlite3_bind_text(st, 1, r->context, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		s = &out->v[out->n++];
		memset(s, 0, sizeof *s);
		s->id = vs_text(st, 0);
		if (s->id == NULL)
			s->id = xstrdup("");
		s->created_by = vs_text(st, 2);
		if (s->created_by == NULL)
			s->created_by = xstrdup("");
		s->comment = vs_text(st, 3);
		if (s->comment == NULL)
			s->comment = xstrdup("");
		s->starts_ms = sqlite3_column_int64(st, 4);
		s->ends_ms = sqlite3_column_int64(st, 5);
		/* Judged now: a start that has passed makes it active. */
		s->state = xstrdup(s->starts_ms > r->now ? "pending" :
		    "active");
		json = vs_text(st, 1);
		vs_match(r, s, json);
		free(json);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = vs_error(r, "silences");
		return -1;
	}
	for (i = 0; i < out->n; i++) {
		s = &out->v[i];
		vs_incident(r, s);
		vs_flags(r, s);
		s->tone = TONE_NORMAL;
		for (k = 0; k < s->nnotes; k++) {
			if (vs_rank(s->notes[k].tone) > vs_rank(s->tone))
				s->tone = s->notes[k].tone;
		}
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, vs_cmp);
	return 0;
}

/* Free the alerts a read kept. */
static void
vs_read_done(struct vs_read *r)
{
	size_t	i;

	for (i = 0; i < r->nalerts; i++) {
		free(r->alerts[i].alertname);
		free(r->alerts[i].severity);
		free(r->alerts[i].labels);
		cJSON_Delete(r->alerts[i].parsed);
	}
	free(r->alerts);
}

/* Read a context's silences; see views_silences.h. */
struct view_silences *
views_silences_read(struct cache *cache, const struct conf *conf,
    const char *context, int64_t now_ms, char **cause)
{
	struct vs_read	 r;
	int		 own, rc;

	memset(&r, 0, sizeof r);
	r.db = cache_db(cache);
	r.context = context;
	r.now = now_ms;
	r.max_ms = conf != NULL ? conf->silence_max_ms :
	    VIEWS_SILENCE_MAX_DURATION;
	r.out = xcalloc(1, sizeof *r.out);
	r.out->context = xstrdup(context);
	r.out->now_ms = now_ms;
	/* One read transaction: the alerts and silences of one moment. */
	own = sqlite3_get_autocommit(r.db);
	if (own)
		sqlite3_exec(r.db, "BEGIN", NULL, NULL, NULL);
	rc = vs_alerts(&r, cause) != 0 || vs_silences(&r, cause) != 0 ?
	    -1 : 0;
	if (own)
		sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL);
	vs_read_done(&r);
	if (rc != 0) {
		views_silences_free(r.out);
		return NULL;
	}
	return r.out;
}

/* Keep alert a as one the previewed silence would hold. */
static void
vs_preview_cb(const struct vs_alert *a, void *arg)
{
	struct view_silence_preview	*p = arg;
	struct view_silence_alert	*m;

	p->nmatch++;
	p->nsilenced += a->silenced != 0;
	if (p->nalerts >= VIEWS_SILENCE_ALERTS_MAX)
		return;
	p->alerts = xreallocarray(p->alerts, p->nalerts + 1,
	    sizeof *p->alerts);
	m = &p->alerts[p->nalerts++];
	m->alertname = xstrdup(a->alertname);
	m->severity = a->severity != NULL ? xstrdup(a->severity) : NULL;
	m->labels = xstrdup(a->labels);
	m->silenced = a->silenced;
}

/* What a silence of m would hold now; see views_silences.h. */
struct view_silence_preview *
views_silence_preview(struct cache *cache, const char *context,
    const struct matchers *m, char **cause)
{
	struct view_silence_preview	*p;
	struct vs_read			 r;
	int				 own, rc;

	memset(&r, 0, sizeof r);
	r.db = cache_db(cache);
	r.context = context;
	own = sqlite3_get_autocommit(r.db);
	if (own)
		sqlite3_exec(r.db, "BEGIN", NULL, NULL, NULL);
	rc = vs_alerts(&r, cause);
	if (own)
		sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL);
	if (rc != 0) {
		vs_read_done(&r);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	vs_each(&r, m, vs_preview_cb, p);
	vs_read_done(&r);
	return p;
}

/* Free a preview; NULL is a no-op. */
void
views_silence_preview_free(struct view_silence_preview *p)
{
	size_t	k;

	if (p == NULL)
		return;
	for (k = 0; k < p->nalerts; k++) {
		free(p->alerts[k].alertname);
		free(p->alerts[k].severity);
		free(p->alerts[k].labels);
	}
	free(p->alerts);
	free(p);
}

/* Free a list of silences; NULL is a no-op. */
void
views_silences_free(struct view_silences *v)
{
	struct view_silence	*s;
	size_t			 i, k;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		s = &v->v[i];
		free(s->id);
		free(s->state);
		free(s->matchers);
		free(s->created_by);
		free(s->comment);
		free(s->incident);
		free(s->incident_state);
		for (k = 0; k < s->nnames; k++)
			free(s->names[k]);
		for (k = 0; k < s->nalerts; k++) {
			free(s->alerts[k].alertname);
			free(s->alerts[k].severity);
			free(s->alerts[k].labels);
		}
		free(s->alerts);
		for (k = 0; k < s->nnotes; k++)
			free(s->notes[k].text);
		free(s->notes);
	}
	free(v->v);
	free(v->context);
	free(v);
}

/* The incident an ACK comment names; see views_silences.h. */
int
views_silence_ack_id(const char *comment, char out[INCIDENT_ID_LEN + 1])
{
	size_t	i;

	if (comment == NULL || strncmp(comment, "ACK ", 4) != 0)
		return -1;
	for (i = 0; i < INCIDENT_ID_LEN; i++) {
		if (!isxdigit((unsigned char)comment[4 + i]))
			return -1;
		out[i] = (char)tolower((unsigned char)comment[4 + i]);
	}
	/* Exactly eight digits: a longer hex word is something else. */
	if (isxdigit((unsigned char)comment[4 + INCIDENT_ID_LEN]))
		return -1;
	out[INCIDENT_ID_LEN] = '\0';
	return 0;
}
