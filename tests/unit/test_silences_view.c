/*
 * test_silences_view.c: the silences list (core/views_silences.c) read
 * from a real cache written the way sources write it: alerts and
 * silences through core/store.c, incidents through incident_update(), at
 * chosen times.
 *
 * It checks how many listed alerts each silence's matchers hold now (and
 * their names), which silences are listed (active and pending ones of the
 * context, judged at the time given), every hygiene flag with its words
 * and tone, and the cases that must not raise one, the limit from the
 * configuration, the order (flagged first), and that hostile text comes
 * back as it was stored, as valid UTF-8.  The preview of a silence not
 * written yet (the form's) counts and names what its matchers hold now.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/incident.h"
#include "core/silence.h"
#include "core/store.h"
#include "core/views_silences.h"

#define MIN	(60 * 1000LL)
#define HOUR	(60 * MIN)
#define DAY	(24 * HOUR)
#define T0	(1700000000000LL)
#define NOW	(T0 + 2 * HOUR)

static char	dir[] = "/tmp/sitrep-test-silences.XXXXXX";
static int	ncache;

/* A fresh cache. */
static struct cache *
open_cache(void)
{
	struct cache	*c;
	char		*path, *warning = NULL, *cause = NULL;

	path = xasprintf("%s/cache%d.db", dir, ncache++);
	c = cache_open(path, 0, &warning, &cause);
	if (c == NULL) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(warning);
	free(path);
	return c;
}

/* An alert with labels (a JSON object text), silenced by silenced_by. */
static struct store_alert
alert(const char *fp, const char *name, const char *labels,
    const char *silenced_by)
{
	struct store_alert	a;

	memset(&a, 0, sizeof a);
	a.source = "am";
	a.fingerprint = fp;
	a.alertname = name;
	a.severity = "warning";
	a.state = strcmp(silenced_by, "[]") != 0 ? "suppressed" : "active";
	a.silenced_by = silenced_by;
	a.inhibited_by = "[]";
	a.labels = labels;
	a.annotations = "{}";
	a.starts_at_ms = T0;
	a.ends_at_ms = STORE_NULL;
	a.updated_at_ms = T0;
	a.receivers = "[]";
	return a;
}

/* A silence of matchers (Alertmanager's JSON) from starts to ends. */
static struct store_silence
silence(const char *id, const char *state, const char *matchers,
    const char *by, const char *comment, int64_t starts, int64_t ends)
{
	struct store_silence	s;

	memset(&s, 0, sizeof s);
	s.source = "am";
	s.id = id;
	s.state = state;
	s.matchers = matchers;
	s.created_by = by;
	s.comment = comment;
	s.starts_at_ms = starts;
	s.ends_at_ms = ends;
	s.updated_at_ms = starts;
	return s;
}

/* One round at now: alerts and silences stored, incidents updated. */
static int
round_at(struct cache *c, const char *context, int64_t now,
    const struct store_alert *a, size_t na, const struct store_silence *s,
    size_t ns)
{
	char	*cause = NULL;

	if (cache_begin(c, &cause) != 0 ||
	    store_alerts(c, context, a, na, now, &cause) != 0 ||
	    incident_update(c, context, NULL, now, &cause) != 0 ||
	    store_silences(c, context, s, ns, now, &cause) != 0 ||
	    cache_commit(c, &cause) != 0) {
		printf("# round at %lld: %s\n", (long long)(now - T0), cause);
		free(cause);
		cache_rollback(c);
		return -1;
	}
	return 0;
}

/* The silence of id in v, or NULL. */
static const struct view_silence *
find(const struct view_silences *v, const char *id)
{
	size_t	i;

	for (i = 0; v != NULL && i < v->n; i++) {
		if (strcmp(v->v[i].id, id) == 0)
			return &v->v[i];
	}
	return NULL;
}

/* The note of flag on s, or NULL. */
static const struct view_silence_note *
note(const struct view_silence *s, enum view_silence_flag flag)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->nnotes; i++) {
		if (s->notes[i].flag == flag)
			return &s->notes[i];
	}
	return NULL;
}

/* Read the silences of context at now; NULL (and a diagnostic) on error. */
static struct view_silences *
read_at(struct cache *c, const struct conf *conf, const char *context,
    int64_t now)
{
	struct view_silences	*v;
	char			*cause = NULL;

	v = views_silences_read(c, conf, context, now, &cause);
	if (v == NULL) {
		printf("# %s\n", cause);
		free(cause);
	}
	return v;
}

#define EQ(n, v)	"{\"name\":\"" n "\",\"value\":\"" v "\"," \
			"\"isRegex\":false,\"isEqual\":true}"
#define NE(n, v)	"{\"name\":\"" n "\",\"value\":\"" v "\"," \
			"\"isRegex\":false,\"isEqual\":false}"
#define RE(n, v)	"{\"name\":\"" n "\",\"value\":\"" v "\"," \
			"\"isRegex\":true,\"isEqual\":true}"

/* The labels of the alerts every test below has firing. */
#define L_API1	"{\"alertname\":\"HighLatency\",\"service\":\"api\"," \
		"\"instance\":\"a1\"}"
#define L_API2	"{\"alertname\":\"HighLatency\",\"service\":\"api\"," \
		"\"instance\":\"a2\"}"
#define L_ERR	"{\"alertname\":\"ErrorBudget\",\"service\":\"api\"}"
#define L_DB	"{\"alertname\":\"DiskFull\",\"service\":\"db\"}"
#define L_CPU	"{\"alertname\":\"CPUHigh\",\"service\":\"api\"}"

/* The alerts of a round now (s1 silences the first two). */
static size_t
alerts_now(struct store_alert *a)
{
	a[0] = alert("f1", "HighLatency", L_API1, "[\"s1\"]");
	a[1] = alert("f2", "HighLatency", L_API2, "[\"s1\"]");
	a[2] = alert("f3", "ErrorBudget", L_ERR, "[]");
	a[3] = alert("f4", "DiskFull", L_DB, "[]");
	a[4] = alert("f5", "CPUHigh", L_CPU, "[]");
	return 5;
}

/*
 * Each silence counts the listed alerts its matchers hold, silenced by
 * it or not, by equality, inequality and regex (an absent label reads as
 * empty); distinct names are kept, and only the context's silences and
 * alerts count.
 */
static void
test_match_counts(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[8];
	struct store_silence		 s[6], other[1];
	struct view_silences		*v;
	const struct view_silence	*x;
	size_t				 na = alerts_now(a);

	s[0] = silence("s1", "active", "[" EQ("alertname", "HighLatency")
	    "]", "alice", "api is slow", T0, NOW + 5 * HOUR);
	s[1] = silence("s2", "active", "[" EQ("service", "api") ","
	    NE("alertname", "CPUHigh") "]", "bob", "api work", T0,
	    NOW + 5 * HOUR);
	s[2] = silence("s3", "active", "[" RE("alertname",
	    "(High.*|Disk.*|CPU.*)") "]", "carol", "broad", T0,
	    NOW + 5 * HOUR);
	s[3] = silence("s4", "active", "[" RE("alertname", "Latency") "]",
	    "dave", "a regex holds for the whole value only", T0,
	    NOW + 5 * HOUR);
	s[4] = silence("s5", "active", "[" EQ("instance", "") "]", "erin",
	    "an absent label reads as empty", T0, NOW + 5 * HOUR);
	s[5] = silence("s6", "active", "[" RE("instance", "a[12]") ","
	    NE("team", "web") "]", "frank", "regex and an absent label",
	    T0, NOW + 5 * HOUR);
	other[0] = silence("o1", "active", "[" EQ("service", "api") "]",
	    "eve", "another context", T0, NOW + 5 * HOUR);
	CHECK(round_at(c, "prod", NOW, a, na, s, 6) == 0);
	CHECK(round_at(c, "stage", NOW, a, 1, other, 1) == 0);
	v = read_at(c, NULL, "prod", NOW);
	CHECK(v != NULL);
	if (v == NULL) {
		cache_close(c);
		return;
	}
	CHECK_STR(v->context, "prod");
	CHECK_INT(v->n, 6);
	CHECK(find(v, "o1") == NULL);

	x = find(v, "s1");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_INT(x->nmatch, 2);
		CHECK_INT(x->nnames, 1);
		CHECK_STR(x->names[0], "HighLatency");
		CHECK_INT(x->nalerts, 2);
		CHECK_INT(x->alerts[0].silenced, 1);
		CHECK_STR(x->alerts[0].labels, L_API1);
		CHECK_STR(x->matchers, "alertname=\"HighLatency\"");
		CHECK_STR(x->created_by, "alice");
		CHECK_STR(x->state, "active");
		CHECK_INT(x->nnotes, 0);
		CHECK_INT(x->tone, TONE_NORMAL);
	}
	x = find(v, "s2");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_INT(x->nmatch, 3);
		CHECK_INT(x->nnames, 2);
		CHECK_STR(x->names[0], "HighLatency");
		CHECK_STR(x->names[1], "ErrorBudget");
		CHECK_STR(x->matchers,
		    "service=\"api\", alertname!=\"CPUHigh\"");
	}
	x = find(v, "s3");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_INT(x->nmatch, 4);
		/* Three distinct names are kept; the count says the rest. */
		CHECK_INT(x->nnames, VIEWS_SILENCE_NAMES);
		CHECK_STR(x->names[2], "CPUHigh");
	}
	x = find(v, "s4");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_INT(x->nmatch, 0);
		CHECK(note(x, SILENCE_MATCHES_NOTHING) != NULL);
	}
	x = find(v, "s5");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_INT(x->nmatch, 3);
		CHECK_STR(x->names[0], "ErrorBudget");
	}
	x = find(v, "s6");
	CHECK(x != NULL);
	if (x != NULL)
		CHECK_INT(x->nmatch, 2);
	views_silences_free(v);

	/* The other context sees only its own. */
	v = read_at(c, NULL, "stage", NOW);
	CHECK(v != NULL);
	if (v != NULL) {
		CHECK_INT(v->n, 1);
		CHECK_STR(v->v[0].id, "o1");
		CHECK_INT(v->v[0].nmatch, 1);
	}
	views_silences_free(v);
	cache_close(c);
}

/*
 * Active and pending silences are listed, judged at the time asked:
 * expired ones, and active ones whose end has passed since the round,
 * are not; a pending one whose start has passed is active.
 */
static void
test_listed(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[8];
	struct store_silence		 s[4];
	struct view_silences		*v;
	const struct view_silence	*x;
	size_t				 na = alerts_now(a);

	s[0] = silence("gone", "expired", "[" EQ("service", "api") "]",
	    "x", "expired", T0 - DAY, T0 - HOUR);
	s[1] = silence("ended", "active", "[" EQ("service", "api") "]",
	    "x", "ended since the round", T0, NOW + 10 * MIN);
	s[2] = silence("later", "pending", "[" EQ("service", "nothing") "]",
	    "x", "maintenance tonight", NOW + HOUR, NOW + 3 * HOUR);
	s[3] = silence("soon", "pending", "[" EQ("service", "db") "]",
	    "x", "starts before the read", NOW + 5 * MIN, NOW + 3 * HOUR);
	CHECK(round_at(c, "prod", NOW, a, na, s, 4) == 0);
	v = read_at(c, NULL, "prod", NOW + 20 * MIN);
	CHECK(v != NULL);
	if (v != NULL) {
		CHECK_INT(v->n, 2);
		CHECK(find(v, "gone") == NULL);
		CHECK(find(v, "ended") == NULL);
		x = find(v, "later");
		CHECK(x != NULL);
		if (x != NULL) {
			CHECK_STR(x->state, "pending");
			/* Not running yet: matching nothing is no flag. */
			CHECK_INT(x->nmatch, 0);
			CHECK_INT(x->nnotes, 0);
		}
		x = find(v, "soon");
		CHECK(x != NULL);
		if (x != NULL) {
			CHECK_STR(x->state, "active");
			CHECK_INT(x->nmatch, 1);
		}
	}
	views_silences_free(v);
	cache_close(c);
}

/*
 * Matches nothing: flagged when active, with words and a tone, and the
 * silence comes first in the list.
 */
static void
test_flag_matches_nothing(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[8];
	struct store_silence		 s[2];
	struct view_silences		*v;
	const struct view_silence_note	*n;
	size_t				 na = alerts_now(a);

	s[0] = silence("fine", "active", "[" EQ("service", "db") "]", "x",
	    "disk cleanup", T0, NOW + HOUR + 1);
	s[1] = silence("typo", "active", "[" EQ("servcie", "db") "]", "x",
	    "a typo in the label name", T0, NOW + 5 * HOUR);
	CHECK(round_at(c, "prod", NOW, a, na, s, 2) == 0);
	v = read_at(c, NULL, "prod", NOW);
	CHECK(v != NULL);
	if (v != NULL && v->n == 2) {
		/* Flagged first, though it ends later. */
		CHECK_STR(v->v[0].id, "typo");
		n = note(&v->v[0], SILENCE_MATCHES_NOTHING);
		CHECK(n != NULL);
		if (n != NULL) {
			CHECK_STR(n->text, "matches no alert");
			CHECK_INT(n->tone, TONE_WARN);
		}
		CHECK_INT(v->v[0].tone, TONE_WARN);
		CHECK_STR(v->v[1].id, "fine");
		CHECK_INT(v->v[1].nnotes, 0);
	} else
		CHECK_INT(v != NULL ? v->n : 0, 2);
	views_silences_free(v);
	cache_close(c);
}

/*
 * Expiring within the hour while alerts it matches fire: flagged, with
 * the time left and how many; not when it matches nothing (that is
 * another flag), not when more than an hour is left, and a short one
 * (an acknowledgement) only in its second half.
 */
static void
test_flag_expiring(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[8];
	struct store_silence		 s[6];
	struct view_silences		*v;
	const struct view_silence	*x;
	const struct view_silence_note	*n;
	size_t				 na = alerts_now(a);

	s[0] = silence("one", "active", "[" EQ("alertname", "DiskFull") "]",
	    "x", "disk", T0, NOW + 30 * MIN);
	s[1] = silence("two", "active", "[" EQ("alertname", "HighLatency")
	    "]", "x", "api", T0, NOW + 59 * MIN);
	s[2] = silence("empty", "active", "[" EQ("alertname", "Nope") "]",
	    "x", "nothing", T0, NOW + 30 * MIN);
	s[3] = silence("later", "active", "[" EQ("alertname", "CPUHigh")
	    "]", "x", "cpu", T0, NOW + HOUR + MIN);
	/* Acknowledgements of 15m: flagged only in their second half. */
	s[4] = silence("ack-new", "active", "[" EQ("alertname", "CPUHigh")
	    "]", "x", "ACK 1a2b3c4d: fresh", NOW - 2 * MIN, NOW + 13 * MIN);
	s[5] = silence("ack-old", "active", "[" EQ("alertname", "CPUHigh")
	    "]", "x", "ACK 1a2b3c4d: lapsing", NOW - 9 * MIN, NOW + 6 * MIN);
	CHECK(round_at(c, "prod", NOW, a, na, s, 6) == 0);
	v = read_at(c, NULL, "prod", NOW);
	CHECK(v != NULL);
	x = find(v, "one");
	n = note(x, SILENCE_EXPIRING);
	CHECK(n != NULL);
	if (n != NULL) {
		CHECK_STR(n->text, "ends in 30m while 1 alert it matches "
		    "still fires");
		CHECK_INT(n->tone, TONE_WARN);
	}
	n = note(find(v, "two"), SILENCE_EXPIRING);
	CHECK(n != NULL);
	if (n != NULL)
		CHECK_STR(n->text, "ends in 59m while 2 alerts it matches "
		    "still fire");
	x = find(v, "empty");
	CHECK(x != NULL && note(x, SILENCE_EXPIRING) == NULL);
	CHECK(note(x, SILENCE_MATCHES_NOTHING) != NULL);
	x = find(v, "later");
	CHECK(x != NULL && x->nnotes == 0);
	x = find(v, "ack-new");
	CHECK(x != NULL && x->nnotes == 0);
	n = note(find(v, "ack-old"), SILENCE_EXPIRING);
	CHECK(n != NULL);
	if (n != NULL)
		CHECK_STR(n->text, "ends in 6m while 1 alert it matches "
		    "still fires");
	views_silences_free(v);
	cache_close(c);
}

/*
 * An acknowledgement whose incident has resolved but which still runs is
 * flagged with the incident and how long ago it resolved; one of an open
 * incident is not, nor a comment that only looks like one.
 */
static void
test_flag_ack_resolved(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[8], old[1];
	struct store_silence		 s[4];
	struct view_silences		*v;
	const struct view_silence	*x;
	const struct view_silence_note	*n;
	sqlite3_stmt			*st;
	char				 gone[16] = "", open[16] = "";
	char				*c1, *c2, *c3, *c4, *want;
	size_t				 na = alerts_now(a);

	/* An incident that fires at T0 and is quiet from T0+10m: resolved. */
	old[0] = alert("f9", "Gone", "{\"alertname\":\"Gone\"}", "[]");
	CHECK(round_at(c, "prod", T0, old, 1, NULL, 0) == 0);
	CHECK(round_at(c, "prod", T0 + 10 * MIN, NULL, 0, NULL, 0) == 0);
	CHECK(round_at(c, "prod", T0 + 20 * MIN, NULL, 0, NULL, 0) == 0);
	CHECK(round_at(c, "prod", T0 + 30 * MIN, a, na, NULL, 0) == 0);
	if (sqlite3_prepare_v2(cache_db(c), "SELECT id, state FROM incidents"
	    " WHERE title IN ('Gone', 'DiskFull db')", -1, &st, NULL) ==
	    SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(strcmp((const char *)sqlite3_column_text(st,
			    1), "resolved") == 0 ? gone : open, sizeof gone,
			    "%s", sqlite3_column_text(st, 0));
		}
	}
	sqlite3_finalize(st);
	CHECK_INT(strlen(gone), INCIDENT_ID_LEN);
	CHECK_INT(strlen(open), INCIDENT_ID_LEN);

	c1 = xasprintf("ACK %s: gone (by alice@host)", gone);
	c2 = xasprintf("ACK %s: disk (by bob@host)", open);
	c3 = xasprintf("ACK %.7s: seven digits", gone);
	c4 = xasprintf("ack %s: lower case is not an ACK", gone);
	s[0] = silence("ack-gone", "active", "[" EQ("alertname", "Gone") "]",
	    "alice@host", c1, T0 + 5 * MIN, NOW + 3 * HOUR);
	s[1] = silence("ack-open", "active", "[" EQ("alertname", "DiskFull")
	    "]", "bob@host", c2, T0 + 5 * MIN, NOW + 3 * HOUR);
	s[2] = silence("ack-short", "active", "[" EQ("alertname", "Gone")
	    "]", "x", c3, T0 + 5 * MIN, NOW + 3 * HOUR);
	s[3] = silence("ack-case", "active", "[" EQ("alertname", "Gone")
	    "]", "x", c4, T0 + 5 * MIN, NOW + 3 * HOUR);
	CHECK(round_at(c, "prod", NOW, a, na, s, 4) == 0);
	v = read_at(c, NULL, "prod", NOW);
	CHECK(v != NULL);
	x = find(v, "ack-gone");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_STR(x->incident, gone);
		CHECK_STR(x->incident_state, "resolved");
		n = note(x, SILENCE_ACK_RESOLVED);
		CHECK(n != NULL);
		want = xasprintf("acknowledges incident %s, resolved 1h50m "
		    "ago, yet still runs", gone);
		if (n != NULL) {
			CHECK_STR(n->text, want);
			CHECK_INT(n->tone, TONE_WARN);
		}
		free(want);
	}
	x = find(v, "ack-open");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_STR(x->incident, open);
		CHECK_STR(x->incident_state, "triggered");
		CHECK(note(x, SILENCE_ACK_RESOLVED) == NULL);
		CHECK_INT(x->nnotes, 0);
	}
	x = find(v, "ack-short");
	CHECK(x != NULL && x->incident == NULL &&
	    note(x, SILENCE_ACK_RESOLVED) == NULL);
	x = find(v, "ack-case");
	CHECK(x != NULL && x->incident == NULL);
	views_silences_free(v);
	free(c1);
	free(c2);
	free(c3);
	free(c4);
	cache_close(c);
}

/* The ACK comment's incident: exactly eight hex digits after "ACK ". */
static void
test_ack_id(void)
{
	char	id[INCIDENT_ID_LEN + 1];

	CHECK(views_silence_ack_id("ACK 1a2b3c4d: checkout 5xx (by "
	    "alice@host)", id) == 0);
	CHECK_STR(id, "1a2b3c4d");
	CHECK(views_silence_ack_id("ACK 1A2B3C4D", id) == 0);
	CHECK_STR(id, "1a2b3c4d");
	CHECK(views_silence_ack_id("ACK 1a2b3c4d5", id) != 0);
	CHECK(views_silence_ack_id("ACK 1a2b3c4", id) != 0);
	CHECK(views_silence_ack_id("ACK 1a2b3c4g", id) != 0);
	CHECK(views_silence_ack_id("ACK1a2b3c4d", id) != 0);
	CHECK(views_silence_ack_id("", id) != 0);
	CHECK(views_silence_ack_id(NULL, id) != 0);
}

/* silences.max_duration from a configuration. */
static struct conf *
conf_with(const char *max)
{
	struct conf_problems	 p;
	struct conf		*conf;
	char			*yaml;

	yaml = xasprintf("contexts:\n  - name: prod\nsilences:\n"
	    "  max_duration: %s\n", max);
	conf_problems_init(&p);
	conf = conf_load_buffer("test.yaml", yaml, strlen(yaml), &p);
	if (conf == NULL)
		printf("# %s\n", p.n > 0 ? p.v[0] : "no config");
	conf_problems_done(&p);
	free(yaml);
	return conf;
}

/*
 * Longer than silences.max_duration (7d unless configured, 0 turns it
 * off): flagged with both durations and the key's name.
 */
static void
test_flag_too_long(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[8];
	struct store_silence		 s[2];
	struct view_silences		*v;
	const struct view_silence_note	*n;
	struct conf			*conf;
	size_t				 na = alerts_now(a);

	s[0] = silence("long", "active", "[" EQ("service", "db") "]", "x",
	    "quiet for a month", NOW - DAY, NOW + 29 * DAY);
	s[1] = silence("week", "active", "[" EQ("service", "db") "]", "x",
	    "exactly the limit", NOW - DAY, NOW + 6 * DAY);
	CHECK(round_at(c, "prod", NOW, a, na, s, 2) == 0);
	v = read_at(c, NULL, "prod", NOW);
	n = note(find(v, "long"), SILENCE_TOO_LONG);
	CHECK(n != NULL);
	if (n != NULL) {
		CHECK_STR(n->text, "lasts 30d, longer than 7d "
		    "(silences.max_duration)");
		CHECK_INT(n->tone, TONE_WARN);
	}
	CHECK(find(v, "week") != NULL && find(v, "week")->nnotes == 0);
	views_silences_free(v);

	conf = conf_with("3d");
	CHECK(conf != NULL);
	v = read_at(c, conf, "prod", NOW);
	n = note(find(v, "week"), SILENCE_TOO_LONG);
	CHECK(n != NULL);
	if (n != NULL)
		CHECK_STR(n->text, "lasts 7d, longer than 3d "
		    "(silences.max_duration)");
	views_silences_free(v);
	conf_free(conf);

	conf = conf_with("0s");
	CHECK(conf != NULL);
	if (conf != NULL)
		CHECK_INT(conf->silence_max_ms, 0);
	v = read_at(c, conf, "prod", NOW);
	CHECK(find(v, "long") != NULL &&
	    note(find(v, "long"), SILENCE_TOO_LONG) == NULL);
	views_silences_free(v);
	conf_free(conf);

	conf = conf_with("[]");
	CHECK(conf == NULL);
	conf_free(conf);
	cache_close(c);
}

/*
 * Matchers sitrep cannot evaluate as Alertmanager would (a Perl class
 * RE2 knows) are named, not counted as matching nothing.
 */
static void
test_unreadable(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[8];
	struct store_silence		 s[2];
	struct view_silences		*v;
	const struct view_silence	*x;
	const struct view_silence_note	*n;
	size_t				 na = alerts_now(a);

	s[0] = silence("perl", "active", "[" RE("instance", "a\\\\d") "]",
	    "x", "RE2 class", T0, NOW + 5 * HOUR);
	s[1] = silence("junk", "active", "{\"not\":\"a list\"}", "x",
	    "not a list", T0, NOW + 5 * HOUR);
	CHECK(round_at(c, "prod", NOW, a, na, s, 2) == 0);
	v = read_at(c, NULL, "prod", NOW);
	x = find(v, "perl");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_INT(x->nmatch, -1);
		CHECK(note(x, SILENCE_MATCHES_NOTHING) == NULL);
		n = note(x, SILENCE_UNREADABLE);
		CHECK(n != NULL);
		if (n != NULL) {
			CHECK_CONTAINS(n->text, "matchers not understood: ");
			CHECK_INT(n->tone, TONE_UNKNOWN);
		}
		CHECK_STR(x->matchers, "instance=~\"a\\\\d\"");
	}
	x = find(v, "junk");
	CHECK(x != NULL);
	if (x != NULL) {
		CHECK_INT(x->nmatch, -1);
		CHECK(note(x, SILENCE_UNREADABLE) != NULL);
		CHECK_STR(x->matchers, "{\"not\":\"a list\"}");
	}
	views_silences_free(v);
	cache_close(c);
}

/*
 * Hostile text (escapes, controls, bidirectional overrides, invalid
 * UTF-8) comes back as stored, for the renderer to escape, and always
 * as valid UTF-8.
 */
static void
test_hostile(void)
{
	static const char	 comment[] = "\x1b[2J\x1b]0;pwned\x07 ok\n"
	    "\xe2\x80\xae reversed \xff\xfe end";
	static const char	 by[] = "mallory\x1b[31m\xc3";
	struct cache		*c = open_cache();
	struct store_alert	 a[8];
	struct store_silence	 s[1];
	struct view_silences	*v;
	char			*clean;
	size_t			 na = alerts_now(a);

	a[na++] = alert("f8", "Evil\x1b[5m", "{\"alertname\":\"Evil\\u001b"
	    "[5m\",\"service\":\"x\\u202e\"}", "[]");
	s[0] = silence("evil\x1b[1m", "active", "[" EQ("service", "x\\u202e")
	    "]", by, comment, T0, NOW + 5 * HOUR);
	CHECK(round_at(c, "prod", NOW, a, na, s, 1) == 0);
	v = read_at(c, NULL, "prod", NOW);
	CHECK(v != NULL && v->n == 1);
	if (v != NULL && v->n == 1) {
		CHECK_STR(v->v[0].id, "evil\x1b[1m");
		CHECK_CONTAINS(v->v[0].comment, "\x1b[2J\x1b]0;pwned\x07 ok\n"
		    "\xe2\x80\xae reversed ");
		clean = sanitize_utf8(v->v[0].comment,
		    strlen(v->v[0].comment));
		CHECK_STR(v->v[0].comment, clean);
		free(clean);
		CHECK(strstr(v->v[0].comment, "\xff") == NULL);
		CHECK_CONTAINS(v->v[0].created_by, "mallory\x1b[31m");
		clean = sanitize_utf8(v->v[0].created_by,
		    strlen(v->v[0].created_by));
		CHECK_STR(v->v[0].created_by, clean);
		free(clean);
		CHECK_INT(v->v[0].nmatch, 1);
		CHECK_INT(v->v[0].nnames, 1);
		CHECK_STR(v->v[0].names[0], "Evil\x1b[5m");
		CHECK_STR(v->v[0].matchers, "service=\"x\xe2\x80\xae\"");
	}
	views_silences_free(v);
	cache_close(c);
}

/* A cache with no silence: an empty list, not an error. */
static void
test_empty(void)
{
	struct cache		*c = open_cache();
	struct view_silences	*v;

	v = read_at(c, NULL, "prod", NOW);
	CHECK(v != NULL);
	if (v != NULL) {
		CHECK_INT(v->n, 0);
		CHECK_STR(v->context, "prod");
	}
	views_silences_free(v);
	views_silences_free(NULL);
	cache_close(c);
}

/* The preview of matchers text in context; NULL (and a diagnostic). */
static struct view_silence_preview *
preview(struct cache *c, const char *context, const char *text)
{
	struct view_silence_preview	*p;
	struct matchers			 m;
	char				*cause = NULL;

	matchers_init(&m);
	if (matchers_parse(&m, text, &cause) != 0) {
		printf("# %s: %s\n", text, cause);
		free(cause);
		return NULL;
	}
	p = views_silence_preview(c, context, &m, &cause);
	if (p == NULL) {
		printf("# %s\n", cause);
		free(cause);
	}
	matchers_done(&m);
	return p;
}

/*
 * A silence being written is previewed on the alerts listed now: how
 * many its matchers hold and which (in the order they started), how many
 * of them some silence holds already, by equality, inequality and regex
 * (anchored, an absent label as empty); one that holds nothing says 0,
 * no matchers hold nothing, and only the context's alerts count.
 */
static void
test_preview(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[8];
	struct view_silence_preview	*p;
	struct matchers			 none;
	char				*cause = NULL;
	size_t				 na = alerts_now(a);

	CHECK(round_at(c, "prod", NOW, a, na, NULL, 0) == 0);
	CHECK(round_at(c, "stage", NOW, a + 3, 1, NULL, 0) == 0);

	p = preview(c, "prod", "service=\"api\", alertname!=\"CPUHigh\"");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->nmatch, 3);
		CHECK_INT(p->nsilenced, 2);
		CHECK_INT(p->nalerts, 3);
		CHECK_STR(p->alerts[0].alertname, "HighLatency");
		CHECK_STR(p->alerts[0].labels, L_API1);
		CHECK_INT(p->alerts[0].silenced, 1);
		CHECK_STR(p->alerts[1].labels, L_API2);
		CHECK_STR(p->alerts[2].alertname, "ErrorBudget");
		CHECK_STR(p->alerts[2].severity, "warning");
		CHECK_INT(p->alerts[2].silenced, 0);
	}
	views_silence_preview_free(p);

	/* A regex holds for the whole value: Disk.* and CPU.*, not High. */
	p = preview(c, "prod", "alertname=~\"(Disk|CPU).*\"");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->nmatch, 2);
		CHECK_INT(p->nsilenced, 0);
		CHECK_STR(p->alerts[0].alertname, "DiskFull");
		CHECK_STR(p->alerts[1].alertname, "CPUHigh");
	}
	views_silence_preview_free(p);
	p = preview(c, "prod", "alertname=~\"Latency\"");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->nmatch, 0);
		CHECK_INT(p->nalerts, 0);
	}
	views_silence_preview_free(p);
	/* !~, and an absent label reads as empty. */
	p = preview(c, "prod", "service!~\"db|web\", instance=\"\"");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->nmatch, 2);
		CHECK_STR(p->alerts[0].alertname, "ErrorBudget");
		CHECK_STR(p->alerts[1].alertname, "CPUHigh");
	}
	views_silence_preview_free(p);

	/* A matcher that matches nothing. */
	p = preview(c, "prod", "alertname=\"NoSuchAlert\"");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->nmatch, 0);
		CHECK_INT(p->nsilenced, 0);
		CHECK(p->alerts == NULL);
	}
	views_silence_preview_free(p);

	/* No matchers hold nothing. */
	matchers_init(&none);
	p = views_silence_preview(c, "prod", &none, &cause);
	CHECK(p != NULL);
	if (p != NULL)
		CHECK_INT(p->nmatch, 0);
	views_silence_preview_free(p);
	free(cause);

	/* Only the context's alerts. */
	p = preview(c, "stage", "service=~\".+\"");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->nmatch, 1);
		CHECK_STR(p->alerts[0].alertname, "DiskFull");
	}
	views_silence_preview_free(p);
	p = preview(c, "nowhere", "service=~\".+\"");
	CHECK(p != NULL);
	if (p != NULL)
		CHECK_INT(p->nmatch, 0);
	views_silence_preview_free(p);
	cache_close(c);
}

/* More alerts than a preview keeps: the count is whole, the list cut. */
static void
test_preview_many(void)
{
	struct cache			*c = open_cache();
	struct store_alert		 a[VIEWS_SILENCE_ALERTS_MAX + 5];
	struct view_silence_preview	*p;
	char				*fp[VIEWS_SILENCE_ALERTS_MAX + 5];
	char				*lab[VIEWS_SILENCE_ALERTS_MAX + 5];
	size_t				 i, n = VIEWS_SILENCE_ALERTS_MAX + 5;

	for (i = 0; i < n; i++) {
		fp[i] = xasprintf("fp%03zu", i);
		lab[i] = xasprintf("{\"alertname\":\"PodCrash\","
		    "\"pod\":\"p%03zu\"}", i);
		a[i] = alert(fp[i], "PodCrash", lab[i], "[]");
	}
	CHECK(round_at(c, "prod", NOW, a, n, NULL, 0) == 0);
	p = preview(c, "prod", "alertname=\"PodCrash\"");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->nmatch, (long)n);
		CHECK_INT(p->nalerts, VIEWS_SILENCE_ALERTS_MAX);
	}
	views_silence_preview_free(p);
	for (i = 0; i < n; i++) {
		free(fp[i]);
		free(lab[i]);
	}
	cache_close(c);
}

static const struct test tests[] = {
	TEST(test_match_counts),
	TEST(test_listed),
	TEST(test_flag_matches_nothing),
	TEST(test_flag_expiring),
	TEST(test_flag_ack_resolved),
	TEST(test_ack_id),
	TEST(test_flag_too_long),
	TEST(test_unreadable),
	TEST(test_hostile),
	TEST(test_empty),
	TEST(test_preview),
	TEST(test_preview_many),
	{ NULL, NULL }
};

/* Run every test in a temporary directory. */
int
main(void)
{
	char	*cmd;
	int	 rc;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! cannot make a temporary directory\n");
		return 1;
	}
	rc = harness_run(tests);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
	return rc;
}
