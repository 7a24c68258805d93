/*
 * test_views_detail.c: the detail views' reads (a deployment's pods,
 * events and rollouts; the members of a JSON object) from a real cache
 * holding known rows, including rows that must not be read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/views_detail.h"

static char	dir[] = "/tmp/sitrep-vdetail-XXXXXX";

/* A fresh cache holding one deployment's history and its neighbours. */
static struct cache *
fixture(void)
{
	struct cache	*c;
	char		*path, *warning = NULL, *cause = NULL, *err = NULL;

	path = xasprintf("%s/cache.db", dir);
	unlink(path);
	c = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	if (c == NULL) {
		printf("# %s\n", cause);
		free(cause);
		return NULL;
	}
	if (sqlite3_exec(cache_db(c),
	    "INSERT INTO kube_replicasets (context, namespace, name,"
	    " owner_name, revision, created_ms) VALUES"
	    " ('prod', 'pay', 'checkout-a', 'checkout', 6, 1000),"
	    " ('prod', 'pay', 'checkout-b', 'checkout', 7, 5000),"
	    " ('prod', 'pay', 'checkout-c', 'checkout', 8, 9000),"
	    " ('prod', 'pay', 'ledger-a', 'ledger', 3, 5000),"
	    " ('stage', 'pay', 'checkout-z', 'checkout', 9, 5000);"
	    "INSERT INTO kube_pods (context, namespace, name, owner_kind,"
	    " owner_name, node, phase, ready, restarts, reason) VALUES"
	    " ('prod', 'pay', 'checkout-b-2', 'ReplicaSet', 'checkout-b',"
	    "  'n1', 'Running', 0, 12, 'CrashLoopBackOff'),"
	    " ('prod', 'pay', 'checkout-b-1', 'ReplicaSet', 'checkout-b',"
	    "  NULL, 'Pending', 0, 0, NULL),"
	    " ('prod', 'pay', 'checkout-c-1', 'ReplicaSet', 'checkout-c',"
	    "  'n2', 'Running', 1, 0, NULL),"
	    " ('prod', 'pay', 'ledger-a-1', 'ReplicaSet', 'ledger-a',"
	    "  'n1', 'Running', 1, 0, NULL),"
	    " ('stage', 'pay', 'checkout-z-1', 'ReplicaSet', 'checkout-z',"
	    "  'n9', 'Running', 1, 0, NULL);"
	    "INSERT INTO kube_events (context, namespace, uid, involved_kind,"
	    " involved_name, type, reason, message, count, last_ms) VALUES"
	    " ('prod', 'pay', 'e1', 'Deployment', 'checkout', 'Normal',"
	    "  'ScalingReplicaSet', 'scaled up', 1, 100),"
	    " ('prod', 'pay', 'e2', 'Pod', 'checkout-b-2', 'Warning',"
	    "  'BackOff', 'back-off restarting', 40, 300),"
	    " ('prod', 'pay', 'e3', 'Pod', 'ledger-a-1', 'Warning',"
	    "  'BackOff', 'not ours', 1, 400),"
	    " ('prod', 'pay', 'e4', 'Pod', 'checkoutx', 'Warning',"
	    "  'BackOff', 'not ours either', 1, 500);",
	    NULL, NULL, &err) != SQLITE_OK) {
		printf("# SQL failed: %s\n", err);
		sqlite3_free(err);
		cache_close(c);
		return NULL;
	}
	return c;
}

/* Pods come from the deployment's ReplicaSets only, by name. */
static void
test_pods(void)
{
	struct cache		*c = fixture();
	struct view_deployment	*d;
	char			*cause = NULL;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	d = views_deployment_read(c, "prod", "pay/checkout", VD_PODS, 0, 0,
	    &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_STR(d->ns, "pay");
		CHECK_STR(d->name, "checkout");
		CHECK_INT(d->npods, 3);
		CHECK_STR(d->pods[0].name, "checkout-b-1");
		CHECK(d->pods[0].node == NULL);
		CHECK(d->pods[0].reason == NULL);
		CHECK_STR(d->pods[1].name, "checkout-b-2");
		CHECK_STR(d->pods[1].reason, "CrashLoopBackOff");
		CHECK_INT(d->pods[1].restarts, 12);
		CHECK_INT(d->pods[1].ready, 0);
		CHECK_INT(d->pods[2].ready, 1);
		CHECK_INT(d->nevents, 0);
		CHECK_INT(d->nrollouts, 0);
	}
	views_deployment_free(d);
	cache_close(c);
}

/* Events of the deployment and the objects named after it, newest first. */
static void
test_events(void)
{
	struct cache		*c = fixture();
	struct view_deployment	*d;
	char			*cause = NULL;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	d = views_deployment_read(c, "prod", "pay/checkout", VD_EVENTS, 0, 0,
	    &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(d->nevents, 2);
		CHECK_STR(d->events[0].involved, "checkout-b-2");
		CHECK_STR(d->events[0].type, "Warning");
		CHECK_INT(d->events[0].count, 40);
		CHECK_INT(d->events[0].last_ms, 300);
		CHECK_STR(d->events[1].reason, "ScalingReplicaSet");
		CHECK_INT(d->npods, 0);
	}
	views_deployment_free(d);
	cache_close(c);
}

/* Rollouts within the window, oldest first, of this context only. */
static void
test_rollouts(void)
{
	struct cache		*c = fixture();
	struct view_deployment	*d;
	char			*cause = NULL;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	d = views_deployment_read(c, "prod", "pay/checkout", VD_ROLLOUTS |
	    VD_PODS, 2000, 9000, &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(d->nrollouts, 2);
		CHECK_INT(d->rollouts[0].revision, 7);
		CHECK_INT(d->rollouts[0].created_ms, 5000);
		CHECK_INT(d->rollouts[1].revision, 8);
		CHECK_INT(d->npods, 3);
	}
	views_deployment_free(d);
	cache_close(c);
}

/* A name that is not namespace/name is refused with a sentence. */
static void
test_bad_name(void)
{
	struct cache	*c = fixture();
	char		*cause = NULL;
	const char	*bad[] = { "checkout", "/checkout", "pay/", "" };
	size_t		 i;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(views_deployment_read(c, "prod", bad[i], VD_PODS, 0, 0,
		    &cause) == NULL);
		CHECK(cause != NULL);
		if (cause != NULL)
			CHECK_CONTAINS(cause, "namespace/name");
		free(cause);
		cause = NULL;
	}
	cache_close(c);
}

/* Members sorted by key; strings unquoted, the rest as JSON. */
static void
test_pairs(void)
{
	struct view_pair	*v;
	size_t			 n;

	v = views_pairs("{\"severity\":\"page\",\"alertname\":\"High\","
	    "\"n\":3,\"o\":{\"a\":[1]}}", &n);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(v[0].key, "alertname");
		CHECK_STR(v[0].value, "High");
		CHECK_STR(v[1].key, "n");
		CHECK_STR(v[1].value, "3");
		CHECK_STR(v[2].key, "o");
		CHECK_STR(v[2].value, "{\"a\":[1]}");
		CHECK_STR(v[3].key, "severity");
	}
	views_pairs_free(v, n);
	v = views_pairs(NULL, &n);
	CHECK(v == NULL && n == 0);
	v = views_pairs("[1,2]", &n);
	CHECK(v == NULL && n == 0);
	v = views_pairs("{not json", &n);
	CHECK(v == NULL && n == 0);
	v = views_pairs("{}", &n);
	CHECK(n == 0);
	views_pairs_free(v, n);
}

static const struct test tests[] = {
	TEST(test_pods),
	TEST(test_events),
	TEST(test_rollouts),
	TEST(test_bad_name),
	TEST(test_pairs),
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
