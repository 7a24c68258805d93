/*
 * test_views_memo.c: a build that reuses what the last one read gives the
 * same views as a build from scratch.
 *
 * A property test over random rounds: each round writes a random subset
 * of the source tables through core/store.c, as the poller does (alerts,
 * workloads and pods replaced as a list does or changed row by row as a
 * watch does, nodes, targets, probes, SLO samples, some of them after the
 * views' time), and moves the clock by a random step, sometimes not at
 * all.  After every round the views are built twice, once with a
 * memo kept across rounds and once without, and both are rendered as a
 * JSON and a text snapshot and compared, the sparklines number by number.
 * The test also requires every part to have been both reused and read
 * again, so it cannot pass by never reusing anything.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/slo.h"
#include "core/store.h"
#include "core/views.h"
#include "core/vocab.h"
#include "export/export.h"

#define START	1795458089000LL		/* 2026-11-23T18:21:29Z */
#define ROUNDS	80

static char	dir[] = "/tmp/sitrep-memo-XXXXXX";

/* A small deterministic generator (xorshift), so a failure replays. */
static uint64_t	rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n == 0 ? 0 : (unsigned)(rng_state % n);
}

/* Write a config file and load it. */
static struct conf *
load_conf(const char *name, const char *yaml)
{
	struct conf_problems	 p;
	struct conf		*c;
	char			*path;
	FILE			*f;
	size_t			 i;

	path = xasprintf("%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(yaml, f);
	fclose(f);
	conf_problems_init(&p);
	c = conf_load(path, &p);
	for (i = 0; i < p.n; i++)
		printf("# %s\n", p.v[i]);
	conf_problems_done(&p);
	free(path);
	return c;
}

#define CONTEXTS							\
    "contexts:\n"							\
    "  - name: prod\n"							\
    "    refresh: 15s\n"						\
    "    prometheus: {url: http://127.0.0.1:9090}\n"			\
    "    alertmanagers: [{url: http://127.0.0.1:9093}]\n"		\
    "    kubernetes: {namespaces: [payments]}\n"			\
    "    probes:\n"							\
    "      - {name: api-ready, url: http://127.0.0.1:8000/ready, "	\
    "service: checkout}\n"						\
    "  - name: stage\n"							\
    "    refresh: 15s\n"						\
    "    prometheus: {url: http://127.0.0.1:9090}\n"

#define SLOS								\
    "slos:\n"								\
    "  - name: checkout-availability\n"				\
    "    service: checkout\n"						\
    "    objective: 99.9\n"						\
    "    sli: {events: {error_query: 'e[{{.window}}]',"		\
    " total_query: 't[{{.window}}]'}}\n"				\
    "  - name: ledger-latency\n"					\
    "    service: search\n"						\
    "    objective: 99\n"						\
    "    sli: {raw: {error_ratio_query: 'r[{{.window}}]'}}\n"

/* Services named in the configuration. */
static const char *conf_named =
    CONTEXTS
    "services:\n"
    "  - name: checkout\n"
    "    match: {namespace: payments, service: checkout}\n"
    "  - name: ledger\n"
    "    match: {namespace: payments, deployment: ledger-api}\n"
    "  - name: search\n"
    "    match: {job: search}\n"
    SLOS;

/* Services discovered from workloads and jobs. */
static const char *conf_discovered = CONTEXTS SLOS;

static const char *const services[] = { "checkout", "ledger-api", "search",
    "batch", "other" };
#define NSERVICES	(sizeof services / sizeof services[0])

/* Random alerts of a pool of twelve. */
static void
write_alerts(struct cache *c, int64_t now, char **cause)
{
	static const char *const sev[] = { "critical", "warning", "info",
	    "none" };
	struct store_alert	 a[12];
	char			*text[12][4];
	size_t			 n = 0, i;

	memset(a, 0, sizeof a);
	for (i = 0; i < 12; i++) {
		if (rnd(2) == 0)
			continue;
		text[n][0] = xasprintf("fp%02zu", i);
		text[n][1] = xasprintf(i == 11 ? "Watchdog" : "Alert%zu",
		    i % 4);
		text[n][2] = xasprintf("{\"alertname\":\"%s\",\"severity\":"
		    "\"%s\",\"service\":\"%s\",\"namespace\":\"payments\","
		    "\"job\":\"%s\"}", text[n][1], sev[rnd(4)],
		    services[rnd(NSERVICES)], services[rnd(NSERVICES)]);
		text[n][3] = xasprintf("{\"summary\":\"round %u\"}", rnd(3));
		a[n].source = "am";
		a[n].fingerprint = text[n][0];
		a[n].alertname = text[n][1];
		a[n].severity = sev[rnd(4)];
		a[n].state = rnd(4) == 0 ? "suppressed" : "active";
		a[n].silenced_by = rnd(4) == 0 ? "[\"s1\"]" : "[]";
		a[n].inhibited_by = "[]";
		a[n].labels = text[n][2];
		a[n].annotations = text[n][3];
		a[n].starts_at_ms = now - 60000 * (int64_t)(1 + rnd(30));
		a[n].updated_at_ms = now - 1000 * (int64_t)rnd(600);
		a[n].ends_at_ms = now + 240000;
		n++;
	}
	if (store_alerts(c, "prod", a, n, now, cause) != 0)
		printf("# alerts: %s\n", *cause);
	for (i = 0; i < n; i++) {
		free(text[i][0]);
		free(text[i][1]);
		free(text[i][2]);
		free(text[i][3]);
	}
}

/* Random deployments, their replica sets and pods, and a job's pod. */
static void
write_kube(struct cache *c, int64_t now, char **cause)
{
	static const char *const deps[] = { "checkout", "ledger-api",
	    "batch", "search" };
	struct store_deployment	 d[4];
	struct store_replicaset	 r[4];
	struct store_pod	 p[16];
	char			 rsname[4][32], podname[16][40];
	size_t			 nd = 0, np = 0, i, k, pods;

	memset(d, 0, sizeof d);
	memset(r, 0, sizeof r);
	memset(p, 0, sizeof p);
	for (i = 0; i < 4; i++) {
		if (rnd(4) == 0)
			continue;
		d[nd].namespace = r[nd].namespace = "payments";
		d[nd].name = r[nd].owner_name = deps[i];
		d[nd].uid = deps[i];
		d[nd].replicas = 1 + rnd(3);
		d[nd].ready_replicas = rnd((unsigned)d[nd].replicas + 1);
		d[nd].updated_replicas = d[nd].replicas;
		d[nd].available_replicas = d[nd].ready_replicas;
		d[nd].revision = 1 + rnd(3);
		d[nd].generation = d[nd].observed_generation = 1;
		d[nd].labels = "{}";
		d[nd].selector = "{}";
		d[nd].conditions = "[]";
		d[nd].created_ms = START;
		snprintf(rsname[nd], sizeof rsname[nd], "%s-%lld", deps[i],
		    (long long)d[nd].revision);
		r[nd].name = rsname[nd];
		r[nd].uid = rsname[nd];
		r[nd].revision = d[nd].revision;
		r[nd].replicas = d[nd].replicas;
		r[nd].ready_replicas = d[nd].ready_replicas;
		r[nd].created_ms = START;
		r[nd].images = "[]";
		pods = rnd(4);
		for (k = 0; k < pods && np < 15; k++, np++) {
			snprintf(podname[np], sizeof podname[np], "%s-%zu",
			    rsname[nd], k);
			p[np].namespace = "payments";
			p[np].name = podname[np];
			p[np].uid = podname[np];
			p[np].owner_kind = "ReplicaSet";
			p[np].owner_name = rsname[nd];
			p[np].node = rnd(2) ? "n1" : "n2";
			p[np].phase = "Running";
			p[np].ready = rnd(3) != 0;
			p[np].restarts = rnd(3) == 0 ? rnd(20) : 0;
			p[np].reason = p[np].restarts > 5 ?
			    "CrashLoopBackOff" : NULL;
			p[np].labels = "{}";
			p[np].started_ms = START;
		}
		nd++;
	}
	if (rnd(2) == 0) {
		snprintf(podname[np], sizeof podname[np], "report-%u", rnd(3));
		p[np].namespace = "payments";
		p[np].name = podname[np];
		p[np].uid = podname[np];
		p[np].owner_kind = "Job";
		p[np].owner_name = "report";
		p[np].phase = rnd(2) ? "Running" : "Failed";
		p[np].ready = 0;
		p[np].labels = "{\"app\":\"batch\"}";
		p[np].started_ms = START;
		np++;
	}
	/* As a watch stores (changed rows, deleted keys) or a full list. */
	k = rnd(3);
	if (k == 0) {
		if (store_kube_upsert(c, "prod", STORE_KUBE_DEPLOYMENTS, d, nd,
		    now, cause) != 0 ||
		    store_kube_upsert(c, "prod", STORE_KUBE_REPLICASETS, r, nd,
		    now, cause) != 0 ||
		    store_kube_upsert(c, "prod", STORE_KUBE_PODS, p, np, now,
		    cause) != 0)
			printf("# kube: %s\n", *cause);
	} else if (k == 1) {
		/* Only deletions: the pods of the deployments drawn. */
		if (store_kube_delete(c, "prod", STORE_KUBE_PODS, p, np,
		    cause) != 0)
			printf("# kube: %s\n", *cause);
	} else if (store_deployments(c, "prod", d, nd, now, cause) != 0 ||
	    store_replicasets(c, "prod", r, nd, now, cause) != 0 ||
	    store_pods(c, "prod", p, np, now, cause) != 0)
		printf("# kube: %s\n", *cause);
}

/* Random node conditions. */
static void
write_nodes(struct cache *c, int64_t now, char **cause)
{
	struct store_node	n[2];

	memset(n, 0, sizeof n);
	n[0].name = "n1";
	n[0].ready = rnd(4) != 0;
	n[0].conditions = rnd(2) ? "[{\"type\":\"MemoryPressure\","
	    "\"status\":\"True\"}]" : "[]";
	n[0].labels = "{}";
	n[1].name = "n2";
	n[1].ready = 1;
	n[1].conditions = rnd(3) == 0 ? "[{\"type\":\"DiskPressure\","
	    "\"status\":\"True\"}]" : "[]";
	n[1].labels = "{}";
	if (store_nodes(c, "prod", n, 1 + rnd(2), now, cause) != 0)
		printf("# nodes: %s\n", *cause);
}

/* Random scrape targets of three jobs. */
static void
write_targets(struct cache *c, int64_t now, char **cause)
{
	static const char *const jobs[] = { "search", "checkout", "node" };
	struct store_target	 t[6];
	char			 inst[6][32], labels[6][96];
	size_t			 n = 0, i;

	memset(t, 0, sizeof t);
	for (i = 0; i < 6; i++) {
		if (rnd(3) == 0)
			continue;
		snprintf(inst[n], sizeof inst[n], "10.0.0.%zu:9100", i);
		snprintf(labels[n], sizeof labels[n],
		    "{\"job\":\"%s\",\"instance\":\"%s\"}", jobs[i % 3],
		    inst[n]);
		t[n].job = jobs[i % 3];
		t[n].instance = inst[n];
		t[n].health = rnd(3) == 0 ? "down" : "up";
		t[n].last_error = strcmp(t[n].health, "down") == 0 ?
		    "connection refused" : NULL;
		t[n].last_scrape_ms = now;
		t[n].scrape_url = "http://x/metrics";
		t[n].labels = labels[n];
		n++;
	}
	if (store_targets(c, "prod", "prometheus", t, n, now, cause) != 0)
		printf("# targets: %s\n", *cause);
}

/* The probe, up or down. */
static void
write_probes(struct cache *c, int64_t now, char **cause)
{
	struct store_probe	p;

	memset(&p, 0, sizeof p);
	p.name = "api-ready";
	p.url = "http://127.0.0.1:8000/ready";
	p.service = "checkout";
	p.ok = rnd(2);
	p.status = p.ok ? 200 : 503;
	p.latency_ms = rnd(300);
	p.error = p.ok ? NULL : "HTTP 503, expected 200";
	p.checked_ms = now;
	if (store_probes(c, "prod", &p, rnd(4) == 0 ? 0 : 1, cause) != 0)
		printf("# probes: %s\n", *cause);
}

/*
 * SLO samples: a window point for some windows, some of them stamped
 * after the views' time (a Prometheus clock ahead of ours), and now and
 * then a new sparkline.
 */
static void
write_samples(struct cache *c, int64_t now, char **cause)
{
	static const char *const slos[] = { "checkout-availability",
	    "ledger-latency" };
	struct store_point	 pts[8];
	char			*key;
	size_t			 s, i;
	int			 w;
	int64_t			 ts;

	for (s = 0; s < 2; s++) {
		for (w = 0; w < SLO_NWINDOWS; w++) {
			if (rnd(2) == 0)
				continue;
			ts = now - 5000 + 1000 * (int64_t)rnd(15);
			key = xasprintf("slo:%s:ratio:%s", slos[s],
			    vocab_window_word((enum slo_window)w));
			if (store_window(c, "prod", key, ts,
			    rnd(5) == 0 ? NAN : rnd(100) / 5000.0,
			    cause) != 0)
				printf("# window: %s\n", *cause);
			free(key);
		}
		if (rnd(3) != 0)
			continue;
		for (i = 0; i < 8; i++) {
			pts[i].ts_ms = now - 3600000 + 450000 * (int64_t)i +
			    1000 * (int64_t)rnd(20);
			pts[i].value = rnd(100) / 2000.0;
		}
		key = xasprintf("slo:%s:spark:1h", slos[s]);
		if (store_history(c, "prod", key, pts, 8, cause) != 0)
			printf("# history: %s\n", *cause);
		free(key);
	}
}

/* The sources' rows, fresh at now. */
static void
write_sources(struct cache *c, int64_t now)
{
	static const char *const names[][2] = { { "prometheus", "prometheus" },
	    { "alertmanager", "alertmanager" }, { "kubernetes", "kubernetes" },
	    { "probes", "probe" } };
	char	*cause = NULL;
	size_t	 i;

	for (i = 0; i < 4; i++) {
		if (cache_source_update(c, "prod", names[i][0], names[i][1],
		    now, 1, 10, NULL, 1, &cause) != 0) {
			printf("# sources: %s\n", cause);
			free(cause);
			cause = NULL;
		}
	}
}

/* One round: a random subset of the tables, in one transaction. */
static void
round_write(struct cache *c, int64_t now)
{
	char	*cause = NULL;

	if (cache_begin(c, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		harness_failed = 1;
		return;
	}
	if (rnd(3) == 0)
		write_alerts(c, now, &cause);
	if (rnd(4) == 0)
		write_kube(c, now, &cause);
	if (rnd(5) == 0)
		write_nodes(c, now, &cause);
	if (rnd(5) == 0)
		write_targets(c, now, &cause);
	if (rnd(5) == 0)
		write_probes(c, now, &cause);
	if (rnd(3) == 0)
		write_samples(c, now, &cause);
	if (rnd(2) == 0)
		write_sources(c, now);
	if (cache_commit(c, &cause) != 0)
		printf("# %s\n", cause);
	free(cause);
}

/* Render views as JSON then text, for comparing two builds. */
static char *
render(const struct views *v)
{
	struct buf		 b;
	struct export_opts	 o;
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	o.width = 200;
	o.utf8 = 1;
	buf_init(&b, 0);
	if (export_render(v, EXPORT_JSON, &o, &b, &cause) != 0 ||
	    export_render(v, EXPORT_TEXT, &o, &b, &cause) != 0) {
		printf("# render: %s\n", cause);
		free(cause);
	}
	return buf_detach(&b);
}

/* Whether the sparklines of two builds are the same, point by point. */
static int
same_sparks(const struct views *a, const struct views *b)
{
	size_t	i, k;

	if (a->nslos != b->nslos)
		return 0;
	for (i = 0; i < a->nslos; i++) {
		if (a->slos[i].nspark != b->slos[i].nspark ||
		    a->slos[i].evaluated_ms != b->slos[i].evaluated_ms)
			return 0;
		for (k = 0; k < a->slos[i].nspark; k++) {
			if (a->slos[i].spark_ts[k] != b->slos[i].spark_ts[k] ||
			    (a->slos[i].spark[k] != b->slos[i].spark[k] &&
			    !(isnan(a->slos[i].spark[k]) &&
			    isnan(b->slos[i].spark[k]))))
				return 0;
		}
	}
	return 1;
}

/* Print where two texts first differ. */
static void
show_difference(const char *a, const char *b)
{
	size_t	i = 0;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	i = i > 80 ? i - 80 : 0;
	printf("# memo: %.200s\n# full: %.200s\n", a + i, b + i);
}

/*
 * Random rounds against one configuration: after each, the memo's
 * build equals a full one.  *reused and *read collect, per part, whether
 * it was ever reused and ever read again.
 */
static int
play(const char *cname, const char *yaml, uint64_t seed, unsigned *reused,
    unsigned *read)
{
	struct conf		*conf;
	struct cache		*c;
	struct views_memo	*m;
	struct views		*full, *memo;
	char			*path, *warning = NULL, *cause = NULL;
	char			*ta, *tb;
	int64_t			 now = START;
	int			 r, ok = 1;
	const struct conf_context *ctx;

	rng_state = seed;
	conf = load_conf(cname, yaml);
	path = xasprintf("%s/%s.db", dir, cname);
	c = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	if (conf == NULL || c == NULL) {
		printf("# %s\n", cause != NULL ? cause : "no configuration");
		free(cause);
		conf_free(conf);
		cache_close(c);
		return 0;
	}
	m = views_memo_new();
	for (r = 0; r < ROUNDS && ok; r++) {
		if (rnd(5) != 0)
			round_write(c, now);
		/* Now and then the other context, through the same memo. */
		ctx = rnd(12) == 0 ? &conf->contexts[1] : &conf->contexts[0];
		full = views_build(c, conf, ctx, now, &cause);
		memo = views_build_memo(m, c, conf, ctx, now, &cause);
		if (full == NULL || memo == NULL) {
			printf("# round %d: %s\n", r, cause);
			free(cause);
			cause = NULL;
			ok = 0;
		} else {
			ta = render(memo);
			tb = render(full);
			if (strcmp(ta, tb) != 0 || !same_sparks(memo, full)) {
				printf("# seed %llu round %d: the memo's views"
				    " differ (reused 0x%x)\n",
				    (unsigned long long)seed, r,
				    views_memo_reused(m));
				show_difference(ta, tb);
				ok = 0;
			}
			free(ta);
			free(tb);
			if (ctx == &conf->contexts[0]) {
				*reused |= views_memo_reused(m);
				*read |= ~views_memo_reused(m);
			}
		}
		views_free(full);
		views_free(memo);
		/* The clock moves on, or stands still. */
		if (rnd(4) != 0)
			now += 1000 * (int64_t)rnd(12);
	}
	views_memo_free(m);
	cache_close(c);
	conf_free(conf);
	return ok;
}

/* Configured services: the memo's views equal full builds. */
static void
test_named(void)
{
	unsigned	reused = 0, read = 0;
	uint64_t	seed;

	for (seed = 1; seed <= (uint64_t)harness_reps(6); seed++)
		CHECK(play("named.yaml", conf_named, seed * 7919, &reused,
		    &read));
	CHECK_INT(reused & 0x3f, 0x3f);
	CHECK_INT(read & 0x3f, 0x3f);
}

/* Discovered services: the same. */
static void
test_discovered(void)
{
	unsigned	reused = 0, read = 0;
	uint64_t	seed;

	for (seed = 1; seed <= (uint64_t)harness_reps(6); seed++)
		CHECK(play("discovered.yaml", conf_discovered, seed * 104729,
		    &reused, &read));
	CHECK_INT(reused & 0x3f, 0x3f);
	CHECK_INT(read & 0x3f, 0x3f);
}

/*
 * A cache that cannot say what changed (written around the store, as an
 * older sitrep would): a memo never reuses anything there.  Here rows
 * are written straight with SQL after the change counters are dropped.
 */
static void
test_no_counters(void)
{
	struct conf		*conf;
	struct cache		*c;
	struct views_memo	*m;
	struct views		*v;
	char			*path, *warning = NULL, *cause = NULL;

	conf = load_conf("plain.yaml", conf_named);
	path = xasprintf("%s/plain.db", dir);
	c = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	CHECK(conf != NULL && c != NULL);
	if (conf == NULL || c == NULL) {
		free(cause);
		conf_free(conf);
		cache_close(c);
		return;
	}
	CHECK_INT(sqlite3_exec(cache_db(c), "DROP TABLE changes", NULL, NULL,
	    NULL), SQLITE_OK);
	m = views_memo_new();
	v = views_build_memo(m, c, conf, &conf->contexts[0], START, &cause);
	CHECK(v != NULL);
	views_free(v);
	CHECK_INT(sqlite3_exec(cache_db(c), "INSERT INTO alerts (context,"
	    " source, fingerprint, alertname, state, labels, starts_at_ms,"
	    " updated_at_ms) VALUES ('prod', 'am', 'x', 'Late', 'active',"
	    " '{}', 1, 1)", NULL, NULL, NULL), SQLITE_OK);
	v = views_build_memo(m, c, conf, &conf->contexts[0], START, &cause);
	CHECK(v != NULL);
	CHECK_INT(views_memo_reused(m), 0);
	CHECK(v != NULL && v->nalerts == 1);
	views_free(v);
	views_memo_free(m);
	cache_close(c);
	conf_free(conf);
}

static const struct test tests[] = {
	TEST(test_named),
	TEST(test_discovered),
	TEST(test_no_counters),
	{ NULL, NULL }
};

int
main(void)
{
	char	*cmd;
	int	 rc;

	if (mkdtemp(dir) == NULL) {
		printf("1..0 # SKIP cannot create a temp dir\n");
		return 0;
	}
	rc = harness_run(tests);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
	return rc;
}
