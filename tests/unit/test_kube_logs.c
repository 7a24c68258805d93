/*
 * test_kube_logs.c: container logs, both worlds.
 *
 * The pure pieces of backends/kube_logs.c (splitting, capping and
 * sanitising lines; choosing the container as kubectl does), and
 * runtime_pod_logs() on the simulator: the demo's crash-looping checkout
 * pod ends its current and previous runs with its error, a pod never
 * restarted has no previous run, and a cancelled read never calls back.
 */
#define HARNESS_MAIN
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kube.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/views_detail.h"
#include "tests/unit/harness.h"

static char	dir[] = "/tmp/sitrep-logs-XXXXXX";

/* A hostile line is inert: no control byte reaches the terminal. */
static void
test_lines_hostile(void)
{
	const char	 body[] = "ok\r\n\x1b]0;owned\x07title\n"
	    "\x1b[31mred\x1b[0m \xc2\x9b" "2J\n\xff\xfe bad utf8\nlast";
	char		**l;
	size_t		 n, i;
	int		 trunc;

	l = kube_logs_lines(body, sizeof body - 1, 0, &n, &trunc);
	CHECK_INT(n, 5);
	CHECK_INT(trunc, 0);
	CHECK_STR(l[0], "ok");
	CHECK_STR(l[4], "last");
	for (i = 0; i < n; i++) {
		CHECK(sanitize_is_clean(l[i], 0));
		CHECK(strchr(l[i], '\x1b') == NULL);
		CHECK(strstr(l[i], "\xc2\x9b") == NULL);
	}
	CHECK_CONTAINS(l[1], "^[]0;owned");
	CHECK_CONTAINS(l[2], "^[[31mred");
	kube_logs_lines_free(l, n);
}

/* Only the last lines are kept; a long line is cut on a character. */
static void
test_lines_capped(void)
{
	char		**l, *big;
	size_t		 n, i, len = 0;
	int		 trunc;

	big = xmalloc(20000 * 8 + KUBE_LOGS_LINE_MAX * 3 + 16);
	for (i = 0; i < 20000; i++)
		len += (size_t)snprintf(big + len, 9, "%07zu\n", i);
	l = kube_logs_lines(big, len, 0, &n, &trunc);
	CHECK_INT(n, KUBE_LOGS_MAX_LINES);
	CHECK_INT(trunc, 1);
	CHECK_STR(l[n - 1], "0019999");
	CHECK_STR(l[0], "0015000");
	kube_logs_lines_free(l, n);
	l = kube_logs_lines(big, len, 3, &n, &trunc);
	CHECK_INT(n, 3);
	CHECK_STR(l[0], "0019997");
	kube_logs_lines_free(l, n);
	/* One line of "é" (2 bytes each) longer than the cap. */
	for (i = 0, len = 0; i < KUBE_LOGS_LINE_MAX; i++) {
		big[len++] = '\xc3';
		big[len++] = '\xa9';
	}
	l = kube_logs_lines(big, len, 0, &n, &trunc);
	CHECK_INT(n, 1);
	CHECK_INT(trunc, 1);
	CHECK(strlen(l[0]) <= KUBE_LOGS_LINE_MAX);
	CHECK_INT(strlen(l[0]) % 2, 0);
	kube_logs_lines_free(l, n);
	l = kube_logs_lines("", 0, 0, &n, &trunc);
	CHECK_INT(n, 0);
	kube_logs_lines_free(l, n);
	free(big);
}

/* kubectl's choice: the annotation, else the first with a note. */
static void
test_containers(void)
{
	const char	*two = "{\"metadata\":{\"name\":\"p\"},\"spec\":{"
	    "\"containers\":[{\"name\":\"app\"},{\"name\":\"side\"}],"
	    "\"initContainers\":[{\"name\":\"init\"}]}}";
	const char	*ann = "{\"metadata\":{\"annotations\":{\"kubectl."
	    "kubernetes.io/default-container\":\"side\"}},\"spec\":{"
	    "\"containers\":[{\"name\":\"app\"},{\"name\":\"side\"}]}}";
	const char	*one = "{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}";
	const char	*bad = "{\"spec\":{\"containers\":[{\"name\":\"a\xbe\"},"
	    "{\"name\":\"b\"}]}}";
	const char	*bad_ann = "{\"metadata\":{\"annotations\":{\"kubectl."
	    "kubernetes.io/default-container\":\"\xff\"}},\"spec\":{"
	    "\"containers\":[{\"name\":\"\xff\"}]}}";
	char		**names, *chosen, *note, *cause = NULL;
	size_t		 n;

	CHECK_INT(kube_logs_containers(two, strlen(two), &names, &n, &chosen,
	    &note, &cause), 0);
	CHECK_INT(n, 3);
	CHECK_STR(names[2], "init (init)");
	CHECK_STR(chosen, "app");
	CHECK_STR(note, "Defaulted container \"app\" out of: app, side, "
	    "init (init)");
	kube_logs_lines_free(names, n);
	free(chosen);
	free(note);
	CHECK_INT(kube_logs_containers(ann, strlen(ann), &names, &n, &chosen,
	    &note, &cause), 0);
	CHECK_STR(chosen, "side");
	CHECK(note == NULL);
	kube_logs_lines_free(names, n);
	free(chosen);
	CHECK_INT(kube_logs_containers(one, strlen(one), &names, &n, &chosen,
	    &note, &cause), 0);
	CHECK_STR(chosen, "a");
	CHECK(note == NULL);
	kube_logs_lines_free(names, n);
	free(chosen);
	CHECK_INT(kube_logs_containers("{}", 2, &names, &n, &chosen, &note,
	    &cause), -1);
	CHECK_CONTAINS(cause, "no containers");
	free(cause);
	/* Names that are not UTF-8 (no real cluster has them) are made so. */
	CHECK_INT(kube_logs_containers(bad, strlen(bad), &names, &n, &chosen,
	    &note, &cause), 0);
	CHECK_INT(n, 2);
	CHECK_STR(names[0], "a\xef\xbf\xbd");
	CHECK_STR(chosen, "a\xef\xbf\xbd");
	CHECK_STR(note, "Defaulted container \"a\xef\xbf\xbd\" out of: "
	    "a\xef\xbf\xbd, b");
	kube_logs_lines_free(names, n);
	free(chosen);
	free(note);
	CHECK_INT(kube_logs_containers(bad_ann, strlen(bad_ann), &names, &n,
	    &chosen, &note, &cause), 0);
	CHECK_STR(chosen, "\xef\xbf\xbd");
	kube_logs_lines_free(names, n);
	free(chosen);
}

/* What a read delivered, copied. */
struct got {
	int	 done;
	char	*error;
	char	*last;
	char	*container;
	size_t	 nlines;
	size_t	 ncontainers;
};

/* A read is over. */
static void
got_logs(const struct kube_logs *l, void *arg)
{
	struct got	*g = arg;

	g->done++;
	g->error = l->error != NULL ? xstrdup(l->error) : NULL;
	g->last = l->nlines > 0 ? xstrdup(l->lines[l->nlines - 1]) : NULL;
	g->container = l->container != NULL ? xstrdup(l->container) : NULL;
	g->nlines = l->nlines;
	g->ncontainers = l->ncontainers;
}

/* Free what a read delivered. */
static void
got_done(struct got *g)
{
	free(g->error);
	free(g->last);
	free(g->container);
	memset(g, 0, sizeof *g);
}

/* Read q through rt and wait for the answer. */
static void
read_logs(struct runtime *rt, const struct kube_logs_query *q,
    struct got *g)
{
	int	i;

	memset(g, 0, sizeof *g);
	runtime_pod_logs(rt, q, got_logs, g);
	CHECK_INT(g->done, 0);		/* never from the call itself */
	for (i = 0; i < 100 && !g->done; i++)
		loop_run_once(runtime_loop(rt), 100);
	CHECK_INT(g->done, 1);
}

/* The before-sleep hook: store finished rounds. */
static void
flush(void *arg)
{
	poller_flush(arg);
}

/* The demo's checkout pods, through the runtime the console uses. */
static void
test_sim_demo(void)
{
	struct kube_logs_query	 q;
	struct view_deployment	*d;
	struct kube_logs_call	*k;
	struct conf		*conf = sim_demo_conf();
	struct cache		*cache;
	struct runtime		*rt;
	struct poller		*p;
	struct got		 g;
	const char		*crash = NULL, *fresh = NULL;
	char			*path, *warning = NULL, *cause = NULL;
	size_t			 i;
	int			 n;

	path = xasprintf("%s/cache.db", dir);
	cache = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	CHECK(cache != NULL);
	if (cache == NULL)
		return;
	rt = runtime_new(cache, &cause);
	runtime_simulate(rt, NULL);
	p = runtime_set_context(rt, conf, &conf->contexts[0], POLLER_ONCE,
	    &cause);
	loop_set_before_sleep(runtime_loop(rt), flush, p);
	poller_start(p);
	for (n = 0; n < 100 && !poller_finished(p); n++)
		loop_run_once(runtime_loop(rt), 100);
	loop_set_before_sleep(runtime_loop(rt), NULL, NULL);
	d = views_workload_read(cache, conf->contexts[0].name,
	    "Deployment shop/checkout", VD_PODS, 0, 0, &cause);
	CHECK(d != NULL);
	for (i = 0; d != NULL && i < d->npods; i++) {
		if (d->pods[i].reason != NULL &&
		    strcmp(d->pods[i].reason, "CrashLoopBackOff") == 0)
			crash = d->pods[i].name;
		else if (d->pods[i].restarts == 0)
			fresh = d->pods[i].name;
	}
	CHECK(crash != NULL);
	CHECK(fresh != NULL);
	memset(&q, 0, sizeof q);
	q.ns = "shop";
	q.pod = crash;
	if (crash != NULL) {
		read_logs(rt, &q, &g);
		CHECK(g.error == NULL);
		CHECK_STR(g.container, "checkout");
		CHECK_INT(g.ncontainers, 1);
		CHECK_CONTAINS(g.last, "panic: configuration invalid");
		got_done(&g);
		q.previous = 1;
		read_logs(rt, &q, &g);
		CHECK(g.error == NULL);
		CHECK_CONTAINS(g.last, "panic: configuration invalid");
		got_done(&g);
		q.container = "nosuch";
		read_logs(rt, &q, &g);
		CHECK_CONTAINS(g.error, "container nosuch is not valid for "
		    "pod checkout-");
		got_done(&g);
		q.container = NULL;
	}
	if (fresh != NULL) {
		q.pod = fresh;
		q.previous = 1;
		read_logs(rt, &q, &g);
		CHECK_CONTAINS(g.error, "previous terminated container "
		    "\"checkout\" in pod");
		got_done(&g);
		q.previous = 0;
		q.tail_lines = 7;
		read_logs(rt, &q, &g);
		CHECK(g.error == NULL);
		CHECK_INT(g.nlines, 7);
		CHECK_CONTAINS(g.last, "request served");
		got_done(&g);
	}
	q.pod = "no-such-pod";
	read_logs(rt, &q, &g);
	CHECK_CONTAINS(g.error, "pods \"no-such-pod\" not found");
	got_done(&g);
	/* A cancelled read never calls back. */
	memset(&g, 0, sizeof g);
	k = runtime_pod_logs(rt, &q, got_logs, &g);
	kube_logs_cancel(k);
	for (n = 0; n < 3; n++)
		loop_run_once(runtime_loop(rt), 10);
	CHECK_INT(g.done, 0);
	views_deployment_free(d);
	runtime_free(rt);
	cache_close(cache);
	conf_free(conf);
}

static const struct test tests[] = {
	TEST(test_lines_hostile),
	TEST(test_lines_capped),
	TEST(test_containers),
	TEST(test_sim_demo),
	{ NULL, NULL }
};

int
main(void)
{
	char	*path;
	int	 rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = harness_run(tests);
	path = xasprintf("%s/cache.db", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/cache.db-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/cache.db-shm", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	return rc;
}
