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

/* Probes alone build the probe source; a bad kubeconfig fails the lot. */
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

	/* Kubernetes whose kubeconfig is missing: no poller, and why. */
	missing = xasprintf("%s/no-such-kubeconfig", dir);
	kube.kubeconfig = missing;
	ctx.kubernetes = &kube;
	cause = NULL;
	p = runtime_set_context(rt, NULL, &ctx, 0, &cause);
	CHECK(p == NULL);
	CHECK(runtime_poller(rt) == NULL);
	CHECK(cause != NULL);
	free(cause);
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
