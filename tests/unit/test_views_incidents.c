/*
 * test_views_incidents.c: reads of the incidents the cache keeps
 * (core/views_incidents.c).
 *
 * Rounds of alerts are played at chosen times, as the poller plays them
 * (store_alerts then incident_update in one transaction), and incidents
 * are acknowledged through the action gate at chosen times, so every
 * duration is known exactly: the lists with their filters and order, the
 * times to acknowledge, mitigate and resolve, an incident's detail (its
 * alerts with the receivers notified, its timeline in order), and the
 * history of resolved incidents with its means, medians and who
 * acknowledged most.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/xmalloc.h"
#include "core/action.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/incident.h"
#include "core/incident_act.h"
#include "core/store.h"
#include "core/views_incidents.h"

#define MIN	(60 * 1000LL)
#define T0	(1700000000000LL)

static char	dir[] = "/tmp/sitrep-test-views-incidents.XXXXXX";
static int	ncache;

/* A 2m grace and a day of history. */
static const char conf_yaml[] =
    "contexts:\n"
    "  - name: prod\n"
    "incidents:\n"
    "  resolve_after: 2m\n"
    "  keep_resolved: 1d\n";

/* The configuration above; bails out if it does not load. */
static struct conf *
test_conf(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf_problems_init(&p);
	conf = conf_load_buffer("test.yaml", conf_yaml, sizeof conf_yaml - 1,
	    &p);
	if (conf == NULL) {
		printf("Bail out! %s\n", p.n > 0 ? p.v[0] : "no config");
		exit(1);
	}
	conf_problems_done(&p);
	return conf;
}

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

/* The alerts of the world, by letter: each its own incident. */
struct world_alert {
	const char	*fp;
	const char	*name;
	const char	*sev;
	const char	*svc;
	int64_t		 starts;
};

static const struct world_alert world[] = {
	{ "fA", "HighErrorRate", "critical", "api", T0 },
	{ "fB", "DiskFull", "warning", "db", T0 + MIN },
	{ "fC", "Latency", "warning", "web", T0 + 5 * MIN },
	{ "fD", "Open", "error", "o", T0 + 20 * MIN },
	{ "fE", "Foo", "warning", "x", T0 + 2 * MIN },
};

/* The store row of world alert letter. */
static struct store_alert
alert_of(char letter)
{
	const struct world_alert *w = &world[letter - 'A'];
	struct store_alert	 a;
	static char		 labels[8][256];
	static int		 k;
	char			*l = labels[k++ % 8];

	snprintf(l, 256, "{\"alertname\":\"%s\",\"service\":\"%s\","
	    "\"severity\":\"%s\"}", w->name, w->svc, w->sev);
	memset(&a, 0, sizeof a);
	a.source = "am";
	a.fingerprint = w->fp;
	a.alertname = w->name;
	a.severity = w->sev;
	a.state = "active";
	a.silenced_by = letter == 'D' ? "[\"s1\"]" : "[]";
	a.inhibited_by = "[]";
	a.labels = l;
	a.annotations = "{\"summary\":\"it hurts\",\"description\":"
	    "\"more words\"}";
	a.starts_at_ms = w->starts;
	a.ends_at_ms = STORE_NULL;
	a.updated_at_ms = w->starts;
	a.receivers = "[\"pager\",\"slack\",\"pager\"]";
	return a;
}

/* A round in context ctx at now of the alerts firing names. */
static int
round_in(struct cache *c, const struct conf *conf, const char *ctx,
    int64_t now, const char *firing)
{
	struct store_alert	 a[8];
	size_t			 n = 0;
	char			*cause = NULL;
	int			 rc;

	for (; *firing != '\0' && n < 8; firing++)
		a[n++] = alert_of(*firing);
	if (cache_begin(c, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		return -1;
	}
	rc = store_alerts(c, ctx, a, n, now, &cause) != 0 ||
	    incident_update(c, ctx, conf, now, &cause) != 0 ? -1 : 0;
	if (rc != 0) {
		printf("# round at %lld: %s\n", (long long)(now - T0), cause);
		free(cause);
		cache_rollback(c);
		return -1;
	}
	if (cache_commit(c, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* A round in prod at now of the alerts whose letters firing names. */
static int
round_at(struct cache *c, const struct conf *conf, int64_t now,
    const char *firing)
{
	return round_in(c, conf, "prod", now, firing);
}

/* The id incident.c gives the incident of world alert letter. */
static void
id_of(char letter, char out[INCIDENT_ID_LEN + 1])
{
	const struct world_alert *w = &world[letter - 'A'];
	char			*key;

	key = xasprintf("alertname=%s,namespace=,service=%s,cluster=",
	    w->name, w->svc);
	incident_make_id("prod", key, w->starts, 0, out);
	free(key);
}

/* Whether the outcome said it was done. */
static void
ack_cb(const struct incident_outcome *o, void *arg)
{
	*(int *)arg = o->ok ? 1 : -1;
}

/* who acknowledges the incident of letter at now (no world: local). */
static int
ack(struct cache *c, const struct conf *conf, const char *who, char letter,
    int64_t now)
{
	struct action_gate	*g = action_gate_new(c, "prod", who, NULL);
	char			 id[INCIDENT_ID_LEN + 1];
	int			 done = 0;

	id_of(letter, id);
	incident_ack(g, conf, id, 0, NULL, now, ack_cb, &done);
	action_gate_free(g);
	return done;
}

/*
 * The world played: A (started 0) acked by alice at 3m, quiet at 10m;
 * B (1m) acked by bob at 2m, quiet at 21m; C (5m) never acked, quiet at
 * 9m; E (2m) acked by alice at 8m, quiet at 32m; D (20m) fires on.  With
 * a 2m grace each resolves as of when it went quiet.  The steps from
 * from_min to upto_min are played.
 */
static void
play(struct cache *c, const struct conf *conf, int from_min, int upto_min)
{
	static const struct {
		int		 min;
		const char	*firing;
		const char	*who;
		char		 acks;
	} steps[] = {
		{ 0, "A", NULL, 0 },
		{ 1, "AB", NULL, 0 },
		{ 2, "ABE", "bob", 'B' },
		{ 3, "ABE", "alice", 'A' },
		{ 5, "ABEC", NULL, 0 },
		{ 8, "ABEC", "alice", 'E' },
		{ 9, "ABE", NULL, 0 },
		{ 10, "BE", NULL, 0 },
		{ 12, "BE", NULL, 0 },
		{ 20, "BED", NULL, 0 },
		{ 21, "ED", NULL, 0 },
		{ 23, "ED", NULL, 0 },
		{ 32, "D", NULL, 0 },
		{ 34, "D", NULL, 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (steps[i].min < from_min)
			continue;
		if (steps[i].min > upto_min)
			break;
		if (round_at(c, conf, T0 + steps[i].min * MIN,
		    steps[i].firing) != 0)
			printf("# round %d failed\n", steps[i].min);
		if (steps[i].who != NULL && ack(c, conf, steps[i].who,
		    steps[i].acks, T0 + steps[i].min * MIN) != 1)
			printf("# ack at %d failed\n", steps[i].min);
	}
}

/* The ids of a list, in order, as letters ("DCEBA"). */
static char *
letters(const struct incident_rec *v, size_t n)
{
	char	id[INCIDENT_ID_LEN + 1], *out = xcalloc(n + 1, 1), l;
	size_t	i;

	for (i = 0; i < n; i++) {
		out[i] = '?';
		for (l = 'A'; l <= 'E'; l++) {
			id_of(l, id);
			if (strcmp(v[i].id, id) == 0)
				out[i] = l;
		}
	}
	return out;
}

/* The record of letter in a list, or NULL. */
static const struct incident_rec *
rec_of(const struct incident_rec *v, size_t n, char letter)
{
	char	id[INCIDENT_ID_LEN + 1];
	size_t	i;

	id_of(letter, id);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	}
	return NULL;
}

/* Filters by word, and each filter's list, newest start first. */
static void
test_list_filters(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct incident_rec	*v;
	size_t			 n;
	char			*cause = NULL, *got;

	CHECK_INT(incident_filter_parse("open"), INCIDENT_OPEN);
	CHECK_INT(incident_filter_parse("all"), INCIDENT_ALL);
	CHECK_INT(incident_filter_parse("mitigated"), INCIDENT_MITIGATED);
	CHECK_INT(incident_filter_parse("acked"), -1);
	CHECK_INT(incident_filter_parse(NULL), -1);
	CHECK_STR(incident_filter_word(INCIDENT_ACKNOWLEDGED),
	    "acknowledged");

	/* At 9m: A, B, E acknowledged, C mitigated. */
	play(c, conf, 0, 9);
	v = views_incidents_list(c, "prod", INCIDENT_ACKNOWLEDGED, 0, &n,
	    &cause);
	got = letters(v, n);
	CHECK_STR(got, "EBA");
	free(got);
	incident_recs_free(v, n);
	v = views_incidents_list(c, "prod", INCIDENT_MITIGATED, 0, &n,
	    &cause);
	got = letters(v, n);
	CHECK_STR(got, "C");
	CHECK(n == 1 && v[0].ttm_ms == 4 * MIN && v[0].ttr_ms == -1 &&
	    v[0].tta_ms == -1 && v[0].resolved_ms == 0);
	free(got);
	incident_recs_free(v, n);
	v = views_incidents_list(c, "prod", INCIDENT_TRIGGERED, 0, &n,
	    &cause);
	CHECK(v != NULL && n == 0);
	incident_recs_free(v, n);

	/* At 34m: every one resolved but D. */
	play(c, conf, 10, 34);
	v = views_incidents_list(c, "prod", INCIDENT_ALL, 0, &n, &cause);
	got = letters(v, n);
	CHECK_STR(got, "DCEBA");
	free(got);
	incident_recs_free(v, n);
	v = views_incidents_list(c, "prod", INCIDENT_ALL, 2, &n, &cause);
	got = letters(v, n);
	CHECK_STR(got, "DC");
	free(got);
	incident_recs_free(v, n);
	v = views_incidents_list(c, "prod", INCIDENT_OPEN, 0, &n, &cause);
	got = letters(v, n);
	CHECK_STR(got, "D");
	CHECK(n == 1 && strcmp(v[0].state, "triggered") == 0 &&
	    v[0].priority == 1 && v[0].ack_by == NULL &&
	    v[0].tta_ms == -1 && v[0].ttm_ms == -1 && v[0].ttr_ms == -1);
	free(got);
	incident_recs_free(v, n);
	v = views_incidents_list(c, "prod", INCIDENT_RESOLVED, 0, &n,
	    &cause);
	got = letters(v, n);
	CHECK_STR(got, "CEBA");
	free(got);
	incident_recs_free(v, n);
	/* Another context has none. */
	v = views_incidents_list(c, "staging", INCIDENT_ALL, 0, &n, &cause);
	CHECK(v != NULL && n == 0);
	incident_recs_free(v, n);
	cache_close(c);
	conf_free(conf);
}

/* The times to acknowledge, mitigate and resolve, exactly. */
static void
test_durations(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct incident_rec	*v;
	const struct incident_rec *r;
	size_t			 n;
	char			*cause = NULL;

	play(c, conf, 0, 34);
	v = views_incidents_list(c, "prod", INCIDENT_ALL, 0, &n, &cause);
	CHECK_INT((int)n, 5);
	r = rec_of(v, n, 'A');
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK_STR(r->state, "resolved");
		CHECK_STR(r->title, "HighErrorRate api");
		CHECK_STR(r->severity, "critical");
		CHECK_INT(r->priority, 0);
		CHECK_STR(r->first_ack_by, "alice");
		CHECK(r->first_ack_ms == T0 + 3 * MIN);
		CHECK(r->started_ms == T0);
		CHECK(r->tta_ms == 3 * MIN);
		CHECK(r->mitigated_ms == T0 + 10 * MIN);
		CHECK(r->ttm_ms == 10 * MIN);
		CHECK(r->resolved_ms == T0 + 10 * MIN);
		CHECK(r->ttr_ms == 10 * MIN);
	}
	r = rec_of(v, n, 'B');
	CHECK(r != NULL && r->tta_ms == MIN && r->ttr_ms == 20 * MIN &&
	    strcmp(r->first_ack_by, "bob") == 0);
	r = rec_of(v, n, 'C');
	CHECK(r != NULL && r->tta_ms == -1 && r->first_ack_by == NULL &&
	    r->ttm_ms == 4 * MIN && r->ttr_ms == 4 * MIN);
	r = rec_of(v, n, 'E');
	CHECK(r != NULL && r->tta_ms == 6 * MIN && r->ttr_ms == 30 * MIN);
	incident_recs_free(v, n);

	/* While acknowledged: who, until when, and that it is local. */
	conf_free(conf);
	cache_close(c);
	conf = test_conf();
	c = open_cache();
	play(c, conf, 0, 3);
	v = views_incidents_list(c, "prod", INCIDENT_OPEN, 0, &n, &cause);
	r = rec_of(v, n, 'A');
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK_STR(r->state, "acknowledged");
		CHECK_STR(r->ack_by, "alice");
		CHECK(r->ack_ms == T0 + 3 * MIN);
		/* incidents.ack_for: 15m by default. */
		CHECK(r->ack_until_ms == T0 + 18 * MIN);
		CHECK_INT(r->ack_local, 1);
		CHECK(r->ack_reason != NULL);
		CHECK(r->tta_ms == 3 * MIN);
		CHECK(r->ttm_ms == -1 && r->ttr_ms == -1);
	}
	incident_recs_free(v, n);
	cache_close(c);
	conf_free(conf);
}

/* One incident: its alerts, the receivers notified, its timeline. */
static void
test_detail(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct incident_detail	*d;
	char			 id[INCIDENT_ID_LEN + 1], *cause = NULL;
	char			*got, *t;
	size_t			 i;

	play(c, conf, 0, 34);
	/* D fires: Alertmanager lists its alert. */
	id_of('D', id);
	d = views_incident_read(c, "prod", id, &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_STR(d->inc.id, id);
		CHECK_INT((int)d->nalerts, 1);
		CHECK_STR(d->alerts[0].alertname, "Open");
		CHECK_STR(d->alerts[0].severity, "error");
		CHECK_INT(d->alerts[0].listed, 1);
		CHECK_INT(d->alerts[0].silenced, 1);
		CHECK_STR(d->alerts[0].state, "active");
		CHECK_STR(d->alerts[0].summary, "it hurts");
		CHECK_STR(d->alerts[0].description, "more words");
		CHECK_CONTAINS(d->alerts[0].labels, "\"service\":\"o\"");
		CHECK(d->alerts[0].joined_ms == T0 + 20 * MIN);
		CHECK(d->alerts[0].resolved_ms == 0);
		/* Receivers once each, in Alertmanager's order. */
		CHECK_INT((int)d->alerts[0].nreceivers, 2);
		CHECK_INT((int)d->nreceivers, 2);
		if (d->nreceivers == 2) {
			CHECK_STR(d->receivers[0], "pager");
			CHECK_STR(d->receivers[1], "slack");
		}
		CHECK_INT((int)d->nevents, 1);
		if (d->nevents == 1) {
			CHECK_STR(d->events[0].kind, "fired");
			CHECK(d->events[0].ts_ms == T0 + 20 * MIN);
		}
	}
	incident_detail_free(d);

	/* A is resolved: its alert is no longer listed, its story is. */
	id_of('A', id);
	d = views_incident_read(c, "prod", id, &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_STR(d->inc.state, "resolved");
		CHECK(d->inc.ttr_ms == 10 * MIN);
		CHECK_INT((int)d->nalerts, 1);
		CHECK_INT(d->alerts[0].listed, 0);
		CHECK(d->alerts[0].labels == NULL &&
		    d->alerts[0].nreceivers == 0);
		CHECK_STR(d->alerts[0].alertname, "HighErrorRate");
		CHECK(d->alerts[0].resolved_ms == T0 + 10 * MIN);
		got = xstrdup("");
		for (i = 0; i < d->nevents; i++) {
			t = xasprintf("%s%s%lld %s %s", got, i > 0 ? ";" : "",
			    (long long)((d->events[i].ts_ms - T0) / MIN),
			    d->events[i].kind, d->events[i].actor != NULL ?
			    d->events[i].actor : "-");
			free(got);
			got = t;
		}
		/* A P0: escalated while unacknowledged (the built-in policy). */
		CHECK_STR(got, "0 fired system;0 escalated system;"
		    "2 escalated system;3 acknowledged alice;"
		    "10 alert resolved system;10 state changed system;"
		    "12 state changed system");
		free(got);
	}
	incident_detail_free(d);

	/* An id that is not there, and one of another context. */
	d = views_incident_read(c, "prod", "deadbeef", &cause);
	CHECK(d == NULL);
	CHECK_CONTAINS(cause, "no incident deadbeef in context prod");
	CHECK_CONTAINS(cause, "sitrep incident list --state all");
	free(cause);
	cause = NULL;
	d = views_incident_read(c, "staging", id, &cause);
	CHECK(d == NULL);
	free(cause);
	cache_close(c);
	conf_free(conf);
}

/* The history: resolved incidents of a window, means, medians, ackers. */
static void
test_history(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct incident_history	*h;
	char			*cause = NULL, *got;

	/* Nothing resolved yet: an empty history, unknown averages. */
	play(c, conf, 0, 5);
	h = views_incident_history(c, "prod", T0 + 5 * MIN, 24 * 60 * MIN,
	    &cause);
	CHECK(h != NULL);
	if (h != NULL) {
		CHECK_INT((int)h->nincs, 0);
		CHECK(h->mtta_ms == -1 && h->mttr_ms == -1 &&
		    h->mtta_median_ms == -1 && h->mttr_median_ms == -1);
		CHECK_INT((int)h->nackers, 0);
	}
	incident_history_free(h);

	play(c, conf, 6, 34);
	h = views_incident_history(c, "prod", T0 + 34 * MIN, 24 * 60 * MIN,
	    &cause);
	CHECK(h != NULL);
	if (h != NULL) {
		/* Newest resolve first: E 32m, B 21m, A 10m, C 9m. */
		got = letters(h->incs, h->nincs);
		CHECK_STR(got, "EBAC");
		free(got);
		/* tta 3m, 1m, 6m (C never acked): mean 3m20s, median 3m. */
		CHECK_INT((int)h->nacked, 3);
		CHECK(h->mtta_ms == 200000);
		CHECK(h->mtta_median_ms == 3 * MIN);
		/* ttr 10m, 20m, 4m, 30m: mean 16m, median 15m. */
		CHECK(h->mttr_ms == 16 * MIN);
		CHECK(h->mttr_median_ms == 15 * MIN);
		CHECK_INT((int)h->nackers, 2);
		if (h->nackers == 2) {
			CHECK_STR(h->ackers[0].who, "alice");
			CHECK_INT((int)h->ackers[0].count, 2);
			CHECK_STR(h->ackers[1].who, "bob");
			CHECK_INT((int)h->ackers[1].count, 1);
		}
	}
	incident_history_free(h);

	/* A window of 20m before 34m: E and B only. */
	h = views_incident_history(c, "prod", T0 + 34 * MIN, 20 * MIN,
	    &cause);
	CHECK(h != NULL);
	if (h != NULL) {
		got = letters(h->incs, h->nincs);
		CHECK_STR(got, "EB");
		free(got);
		/* tta 6m and 1m: the median of two is their mean. */
		CHECK(h->mtta_ms == 210000 && h->mtta_median_ms == 210000);
		CHECK(h->mttr_ms == 25 * MIN);
	}
	incident_history_free(h);
	cache_close(c);
	conf_free(conf);
}

/* A list as "context:letter ..." (the letter of the title's alert). */
static char *
ctx_letters(const struct incident_rec *v, size_t n)
{
	char	*out = xstrdup(""), *t, l;
	size_t	 i, k;

	for (i = 0; i < n; i++) {
		l = '?';
		for (k = 0; k < sizeof world / sizeof world[0]; k++) {
			if (strncmp(v[i].title, world[k].name,
			    strlen(world[k].name)) == 0)
				l = (char)('A' + k);
		}
		t = xasprintf("%s%s%s:%c", out, i > 0 ? " " : "",
		    v[i].context, l);
		free(out);
		out = t;
	}
	return out;
}

/*
 * Two contexts' incidents in one cache (as `sitrep fetch --all` fills
 * it): the open ones of every context worst first, of one context only,
 * and the lists of every context.
 */
static void
test_worst_all_contexts(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct incident_rec	*v;
	size_t			 n;
	char			*cause = NULL, *got;

	/*
	 * prod at 9m: A (P0) acknowledged, B and E (P2) acknowledged, C
	 * (P2) mitigated.  staging: D (P1) and B (P2) fire unacknowledged,
	 * A fired and went quiet: resolved, not listed.
	 */
	play(c, conf, 0, 9);
	if (round_in(c, conf, "staging", T0 + MIN, "AB") != 0 ||
	    round_in(c, conf, "staging", T0 + 2 * MIN, "B") != 0 ||
	    round_in(c, conf, "staging", T0 + 5 * MIN, "B") != 0 ||
	    round_in(c, conf, "staging", T0 + 20 * MIN, "BD") != 0)
		printf("# staging rounds failed\n");

	/* Priority, then triggered before acknowledged, then oldest. */
	v = views_incidents_worst(c, NULL, &n, &cause);
	CHECK(v != NULL);
	got = ctx_letters(v, n);
	CHECK_STR(got, "prod:A staging:D staging:B prod:B prod:E prod:C");
	free(got);
	if (n == 6) {
		CHECK_STR(v[1].state, "triggered");
		CHECK_INT(v[1].priority, 1);
		CHECK_STR(v[3].state, "acknowledged");
		CHECK_STR(v[3].ack_by, "bob");
		CHECK_STR(v[5].state, "mitigated");
	}
	incident_recs_free(v, n);

	/* One context: only its rows, in the same order. */
	v = views_incidents_worst(c, "staging", &n, &cause);
	got = ctx_letters(v, n);
	CHECK_STR(got, "staging:D staging:B");
	free(got);
	incident_recs_free(v, n);
	v = views_incidents_worst(c, "prod", &n, &cause);
	got = ctx_letters(v, n);
	CHECK_STR(got, "prod:A prod:B prod:E prod:C");
	free(got);
	incident_recs_free(v, n);

	/* The lists take every context too, each row with its context. */
	v = views_incidents_list(c, NULL, INCIDENT_RESOLVED, 0, &n, &cause);
	got = ctx_letters(v, n);
	CHECK_STR(got, "staging:A");
	free(got);
	incident_recs_free(v, n);
	v = views_incidents_list(c, NULL, INCIDENT_ALL, 0, &n, &cause);
	CHECK_INT((int)n, 7);
	incident_recs_free(v, n);
	CHECK(cause == NULL);
	free(cause);
	cache_close(c);
	conf_free(conf);
}

static const struct test tests[] = {
	TEST(test_list_filters),
	TEST(test_durations),
	TEST(test_detail),
	TEST(test_history),
	TEST(test_worst_all_contexts),
	{ NULL, NULL }
};

int
main(void)
{
	char	*rm;
	int	 rc;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", dir);
		return 1;
	}
	rc = harness_run(tests);
	rm = xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		rc = 1;
	free(rm);
	return rc;
}
