/*
 * test_registry.c: the source registry and the runtime.
 *
 * The registry is the one list of source kinds: each is there once, and
 * the poller builds a context's sources through it (Prometheus and
 * Alertmanager for a context that names them, the simulator for a runtime
 * that plays the demo, nothing else).  The runtime holds what used to be
 * process-wide knobs (evaluation time, Kubernetes page size) and a clock
 * that sources follow, so a round played on a virtual clock is stored at
 * that clock's time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/backend.h"
#include "backends/poller.h"
#include "backends/registry.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/views.h"

#define NOW	1795458089000LL		/* 2026-11-23T18:21:29Z */

static char	dir[] = "/tmp/sitrep-registry-XXXXXX";
/* Configuration strings are not const in struct conf. */
static char	url_a[] = "http://127.0.0.1:9/", url_b[] = "http://127.0.0.2:9/";
static char	url_web[] = "http://127.0.0.1:9/healthz";
static char	url_api[] = "http://127.0.0.1:9/ready";
static char	name_prod[] = "prod", name_edge[] = "edge";
static char	name_web[] = "web", name_api[] = "api";
static int	ncache;

/* A fresh cache in the temp dir. */
static struct cache *
open_cache(void)
{
	struct cache	*c;
	char		*path, *warning = NULL, *cause = NULL;

	path = xasprintf("%s/cache%d.db", dir, ncache++);
	c = cache_open(path, 0, &warning, &cause);
	if (c == NULL)
		printf("# %s\n", cause);
	free(warning);
	free(cause);
	free(path);
	return c;
}

/* The names of p's sources, space-separated, into out. */
static const char *
names(struct poller *p, char *out, size_t len)
{
	struct source	*s;
	size_t		 n = 0;

	out[0] = '\0';
	for (s = poller_first(p); s != NULL; s = poller_next(s)) {
		snprintf(out + n, len - n, "%s%s", n > 0 ? " " : "", s->name);
		n = strlen(out);
	}
	return out;
}

/* Every kind is listed once, with all its functions, and can be found. */
static void
test_kinds_once(void)
{
	const struct registry_kind	*k, *j;
	const char			*want[] = { "prometheus",
	    "alertmanager", "kubernetes", "probes", "sim" };
	size_t				 i, n = 0;

	for (k = registry_kinds; k->kind != NULL; k++) {
		n++;
		CHECK(k->wanted != NULL && k->timeout_ms != NULL &&
		    k->init != NULL);
		for (j = k + 1; j->kind != NULL; j++)
			CHECK(strcmp(k->kind, j->kind) != 0);
		CHECK(registry_find(k->kind) == k);
	}
	CHECK_INT(n, sizeof want / sizeof want[0]);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		CHECK(registry_find(want[i]) != NULL);
	CHECK(registry_find("graphite") == NULL);
}

/* A context with Prometheus and two Alertmanagers builds those two. */
static void
test_prom_am(void)
{
	struct conf_endpoint	 prom, am[2];
	struct conf_context	 ctx;
	struct cache		*c = open_cache();
	struct runtime		*rt;
	struct poller		*p;
	struct source		*s;
	char			*cause = NULL, buf[256];

	memset(&prom, 0, sizeof prom);
	memset(am, 0, sizeof am);
	memset(&ctx, 0, sizeof ctx);
	prom.url = url_a;
	prom.timeout_ms = 4000;
	am[0].url = url_a;
	am[0].timeout_ms = 3000;
	am[1].url = url_b;
	am[1].timeout_ms = 7000;
	ctx.name = name_prod;
	ctx.refresh_ms = 15000;
	ctx.prometheus = &prom;
	ctx.alertmanagers = am;
	ctx.nalertmanagers = 2;
	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		cache_close(c);
		return;
	}
	p = runtime_set_context(rt, NULL, &ctx, POLLER_ONCE, &cause);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_STR(names(p, buf, sizeof buf), "prometheus alertmanager");
		s = poller_first(p);
		CHECK_STR(s->ops->kind, "prometheus");
		CHECK_INT(s->timeout_ms, 4000);
		CHECK_STR(s->context, "prod");
		CHECK(runtime_of(s) == rt);
		s = poller_next(s);
		CHECK_STR(s->ops->kind, "alertmanager");
		CHECK_INT(s->timeout_ms, 7000);	/* the slowest member */
		CHECK(runtime_poller(rt) == p);
	} else
		free(cause);
	runtime_free(rt);
	cache_close(c);
}

/* Probes alone build the probe source; a bad kubeconfig stops nothing. */
static void
test_probes_kube(void)
{
	struct conf_probe	 probes[2];
	struct conf_kube	 kube;
	struct conf_context	 ctx;
	struct cache		*c = open_cache();
	struct runtime		*rt;
	struct poller		*p;
	char			*cause = NULL, buf[256], *missing;

	memset(probes, 0, sizeof probes);
	memset(&kube, 0, sizeof kube);
	memset(&ctx, 0, sizeof ctx);
	probes[0].name = name_web;
	probes[0].url = url_web;
	probes[0].timeout_ms = 2000;
	probes[1].name = name_api;
	probes[1].url = url_api;
	probes[1].timeout_ms = 12000;
	ctx.name = name_edge;
	ctx.refresh_ms = 15000;
	ctx.probes = probes;
	ctx.nprobes = 2;
	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		cache_close(c);
		return;
	}
	p = runtime_set_context(rt, NULL, &ctx, 0, &cause);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_STR(names(p, buf, sizeof buf), "probes");
		CHECK_STR(poller_first(p)->ops->kind, "probe");
		CHECK_INT(poller_first(p)->timeout_ms, 13000);
	} else
		free(cause);

	/*
	 * Kubernetes whose kubeconfig is missing does not stop the probes:
	 * it is a member of the poller that has not started.
	 */
	missing = xasprintf("%s/no-such-kubeconfig", dir);
	kube.kubeconfig = missing;
	ctx.kubernetes = &kube;
	cause = NULL;
	p = runtime_set_context(rt, NULL, &ctx, 0, &cause);
	CHECK(p != NULL);
	CHECK(runtime_poller(rt) == p);
	if (p != NULL) {
		CHECK_STR(names(p, buf, sizeof buf), "kubernetes probes");
		CHECK(poller_source_unstarted(poller_first(p)));
		CHECK(!poller_source_unstarted(poller_next(poller_first(p))));
		CHECK_INT(poller_first(p)->timeout_ms, 30000);
	} else
		free(cause);
	/* kubernetes.timeout is the round's deadline. */
	kube.timeout_ms = 1500;
	p = runtime_set_context(rt, NULL, &ctx, 0, &cause);
	CHECK(p != NULL && poller_first(p)->timeout_ms == 1500);
	free(missing);
	runtime_free(rt);
	cache_close(c);
}

/* The demo's context builds the simulator only on a runtime that plays. */
static void
test_demo(void)
{
	struct conf	*conf = sim_demo_conf();
	struct cache	*c = open_cache();
	struct runtime	*rt;
	struct poller	*p;
	char		*cause = NULL, buf[256];

	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		cache_close(c);
		conf_free(conf);
		return;
	}
	CHECK(!runtime_simulated(rt, NULL));
	p = runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	CHECK(p != NULL && poller_first(p) == NULL);
	runtime_simulate(rt, NULL);
	CHECK(runtime_simulated(rt, NULL));
	/* A new context replaces (and frees) the previous poller. */
	p = runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_STR(names(p, buf, sizeof buf), "sim");
		CHECK_STR(poller_first(p)->ops->kind, "sim");
		CHECK_INT(poller_first(p)->timeout_ms, 5000);
		/* Freed by its user, the runtime forgets it. */
		poller_free(p);
		CHECK(runtime_poller(rt) == NULL);
	} else
		free(cause);
	runtime_free(rt);
	cache_close(c);
	conf_free(conf);
}

/* A virtual clock for the runtime. */
static int64_t
fixed_clock(void *arg)
{
	return *(int64_t *)arg;
}

/* The knobs are the runtime's: clock, evaluation time, page size. */
static void
test_knobs(void)
{
	struct cache	*c = open_cache();
	struct runtime	*rt;
	char		*cause = NULL;
	int64_t		 t = NOW, wall = util_now_ms();

	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		cache_close(c);
		return;
	}
	CHECK(runtime_now_ms(rt) >= wall);
	CHECK(runtime_eval_ms(NULL) >= wall);
	runtime_set_clock(rt, fixed_clock, &t);
	CHECK_INT(runtime_now_ms(rt), NOW);
	CHECK_INT(runtime_eval_ms(rt), NOW);
	t += 60000;
	CHECK_INT(runtime_eval_ms(rt), NOW + 60000);
	runtime_set_eval_time(rt, NOW - 3600000);
	CHECK_INT(runtime_eval_ms(rt), NOW - 3600000);
	CHECK_INT(runtime_now_ms(rt), NOW + 60000);
	runtime_set_eval_time(rt, 0);
	CHECK_INT(runtime_eval_ms(rt), NOW + 60000);
	runtime_set_clock(rt, NULL, NULL);
	CHECK(runtime_now_ms(rt) >= wall);

	CHECK_INT(runtime_kube_page_limit(rt), RUNTIME_KUBE_PAGE_LIMIT);
	CHECK_INT(runtime_kube_page_limit(NULL), 500);
	runtime_set_kube_page_limit(rt, 7);
	CHECK_INT(runtime_kube_page_limit(rt), 7);
	runtime_set_kube_page_limit(rt, 0);
	CHECK_INT(runtime_kube_page_limit(rt), 500);
	runtime_free(rt);
	cache_close(c);
}

/* Before each wait: store what finished. */
static void
flush(void *arg)
{
	poller_flush(arg);
}

/* A round on a virtual clock is stored, and judged, at that clock's time. */
static void
test_virtual_round(void)
{
	struct conf		*conf = sim_demo_conf();
	struct cache		*c = open_cache();
	struct runtime		*rt;
	struct poller		*p;
	struct views		*v;
	sqlite3_stmt		*st;
	char			*cause = NULL;
	int64_t			 t = NOW, attempt = -1;
	int			 i;
	const struct view_source *src;

	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		cache_close(c);
		conf_free(conf);
		return;
	}
	runtime_set_clock(rt, fixed_clock, &t);
	runtime_simulate(rt, NULL);
	p = runtime_set_context(rt, conf, &conf->contexts[0], POLLER_ONCE,
	    &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	loop_set_before_sleep(runtime_loop(rt), flush, p);
	poller_start(p);
	for (i = 0; i < 100 && !poller_finished(p); i++)
		loop_run_once(runtime_loop(rt), 50);
	CHECK(poller_finished(p));
	CHECK(poller_first(p)->done_ok);
	if (sqlite3_prepare_v2(cache_db(c), "SELECT last_attempt_ms FROM "
	    "sources WHERE name = 'sim'", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			attempt = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	CHECK_INT(attempt, NOW);
	/* Fresh at the virtual now, though the wall clock is elsewhere. */
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	CHECK(v != NULL);
	if (v != NULL) {
		src = views_source(v, "sim");
		CHECK(src != NULL && src->ok && !src->stale);
		views_free(v);
	} else
		free(cause);
	loop_set_before_sleep(runtime_loop(rt), NULL, NULL);
out:
	runtime_free(rt);
	cache_close(c);
	conf_free(conf);
}

/*
 * poller_start_after(): nothing is asked before the delay (the feeder
 * spreads its contexts' rounds so), and the round runs after it.
 */
static void
test_start_after(void)
{
	struct conf	*conf = sim_demo_conf();
	struct cache	*c = open_cache();
	struct runtime	*rt;
	struct poller	*p;
	struct source	*s;
	char		*cause = NULL;
	int		 i, asked = 0;

	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		cache_close(c);
		conf_free(conf);
		return;
	}
	runtime_simulate(rt, NULL);
	p = runtime_set_context(rt, conf, &conf->contexts[0], POLLER_ONCE,
	    &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	loop_set_before_sleep(runtime_loop(rt), flush, p);
	poller_start_after(p, 2000);
	for (i = 0; i < 2; i++)
		loop_run_once(runtime_loop(rt), 50);
	for (s = poller_first(p); s != NULL; s = poller_next(s))
		asked |= s->in_flight || s->attempt_ms != 0;
	CHECK(!asked);
	CHECK(!poller_finished(p));
	for (i = 0; i < 400 && !poller_finished(p); i++)
		loop_run_once(runtime_loop(rt), 50);
	CHECK(poller_finished(p));
	CHECK(poller_first(p)->done_ok);
	loop_set_before_sleep(runtime_loop(rt), NULL, NULL);
out:
	runtime_free(rt);
	cache_close(c);
	conf_free(conf);
}

/* Count stored rounds per source name. */
struct stored {
	int	prom;
	int	kube;
};

/* After each stored round: count it. */
static void
count_stored(struct source *s, void *arg)
{
	struct stored	*n = arg;

	if (strcmp(s->name, "prometheus") == 0)
		n->prom++;
	else if (strcmp(s->name, "kubernetes") == 0)
		n->kube++;
}

/* The sources row of name: its kind, failures and last error, in out. */
static const char *
source_row(struct cache *c, const char *name, char *out, size_t len)
{
	sqlite3_stmt	*st;
	const char	*kind, *err;

	snprintf(out, len, "(none)");
	if (sqlite3_prepare_v2(cache_db(c), "SELECT kind, failures, "
	    "last_error FROM sources WHERE context = 'prod' AND name = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		kind = (const char *)sqlite3_column_text(st, 0);
		err = (const char *)sqlite3_column_text(st, 2);
		snprintf(out, len, "%s %d %s", kind != NULL ? kind : "-",
		    sqlite3_column_int(st, 1), err != NULL ? err : "-");
	}
	sqlite3_finalize(st);
	return out;
}

/*
 * A Kubernetes source whose kubeconfig does not load: Prometheus is asked
 * as usual; the Kubernetes round fails with the reason, stored in its
 * sources row and seen by the views; it backs off on its own; and once
 * the kubeconfig exists, 'r' makes it the real source.
 */
static void
test_unstarted_round(void)
{
	static const char	 kc_text[] = "apiVersion: v1\nkind: Config\n"
	    "clusters:\n- name: c\n  cluster: {server: "
	    "\"http://127.0.0.1:9\"}\nusers:\n- name: u\n  user: {}\n"
	    "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
	    "current-context: x\n";
	struct conf_endpoint	 prom;
	struct conf_kube	 kube;
	struct conf_context	 ctx;
	struct cache		*c = open_cache();
	struct runtime		*rt;
	struct poller		*p;
	struct source		*ks;
	struct views		*v;
	struct stored		 n;
	const struct view_source *vs;
	char			*cause = NULL, *kc, row[512];
	int64_t			 before;
	FILE			*f;
	int			 i;

	memset(&prom, 0, sizeof prom);
	memset(&kube, 0, sizeof kube);
	memset(&ctx, 0, sizeof ctx);
	memset(&n, 0, sizeof n);
	prom.url = url_a;
	prom.timeout_ms = 4000;
	kc = xasprintf("%s/later-kubeconfig", dir);
	kube.kubeconfig = kc;
	ctx.name = name_prod;
	ctx.refresh_ms = 15000;
	ctx.prometheus = &prom;
	ctx.kubernetes = &kube;
	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		cache_close(c);
		free(kc);
		return;
	}
	p = runtime_set_context(rt, NULL, &ctx, 0, &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	ks = poller_next(poller_first(p));
	CHECK_STR(ks->name, "kubernetes");
	CHECK(poller_source_unstarted(ks));
	poller_set_notify(p, count_stored, &n);
	loop_set_before_sleep(runtime_loop(rt), flush, p);
	before = loop_now_ms(runtime_loop(rt));
	poller_start(p);
	for (i = 0; i < 200 && (n.prom == 0 || n.kube == 0); i++)
		loop_run_once(runtime_loop(rt), 50);
	CHECK_INT(n.prom, 1);
	CHECK_INT(n.kube, 1);
	/* Prometheus was asked (and failed on its own: nothing listens). */
	source_row(c, "prometheus", row, sizeof row);
	CHECK_CONTAINS(row, "prometheus 1 ");
	/* The reason is stored like any failure, and names the file. */
	source_row(c, "kubernetes", row, sizeof row);
	CHECK_CONTAINS(row, "kubernetes 1 ");
	CHECK_CONTAINS(row, "later-kubeconfig does not exist");
	CHECK_CONTAINS(row, "kubernetes.kubeconfig");
	CHECK(!ks->done_ok && ks->failures == 1);
	/* It backs off on its own: not due again within the refresh. */
	CHECK(ks->next_ms >= before + 15000 / 2);
	v = views_build(c, NULL, &ctx, util_now_ms(), &cause);
	CHECK(v != NULL);
	if (v != NULL) {
		vs = views_source(v, "kubernetes");
		CHECK(vs != NULL && vs->never && vs->error != NULL);
		if (vs != NULL && vs->error != NULL)
			CHECK_CONTAINS(vs->error, "does not exist");
		views_free(v);
	} else
		free(cause);

	/* The kubeconfig appears; 'r' retries at once and it starts. */
	if ((f = fopen(kc, "w")) != NULL) {
		fputs(kc_text, f);
		fclose(f);
	}
	poller_refresh_now(p);
	for (i = 0; i < 200 && n.kube < 2; i++)
		loop_run_once(runtime_loop(rt), 50);
	CHECK_INT(n.kube, 2);
	CHECK(!poller_source_unstarted(ks));
	CHECK(ks->ops->kind != NULL && strcmp(ks->ops->kind,
	    "kubernetes") == 0);
	/* Now a real round: it reached for the API server. */
	CHECK(ks->error != NULL && strstr(ks->error, "does not exist") ==
	    NULL);
	source_row(c, "kubernetes", row, sizeof row);
	CHECK_CONTAINS(row, "kubernetes 2 ");
	CHECK_CONTAINS(row, "API server");
	loop_set_before_sleep(runtime_loop(rt), NULL, NULL);
out:
	runtime_free(rt);
	cache_close(c);
	unlink(kc);
	free(kc);
}

/* Remove the temp dir's files. */
static void
cleanup(void)
{
	char	*path;
	int	 i;

	for (i = 0; i < ncache; i++) {
		path = xasprintf("%s/cache%d.db", dir, i);
		unlink(path);
		free(path);
		path = xasprintf("%s/cache%d.db-wal", dir, i);
		unlink(path);
		free(path);
		path = xasprintf("%s/cache%d.db-shm", dir, i);
		unlink(path);
		free(path);
	}
	rmdir(dir);
}

static const struct test tests[] = {
	TEST(test_kinds_once),
	TEST(test_prom_am),
	TEST(test_probes_kube),
	TEST(test_demo),
	TEST(test_knobs),
	TEST(test_virtual_round),
	TEST(test_unstarted_round),
	TEST(test_start_after),
	{ NULL, NULL }
};

int
main(void)
{
	int	rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = harness_run(tests);
	cleanup();
	return rc;
}
