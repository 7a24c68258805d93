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
#include "core/podspec.h"
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
	    "INSERT INTO kube_rollouts (context, namespace, kind, name,"
	    " revision, replicaset, at_ms, seen_ms) VALUES"
	    " ('prod', 'pay', 'Deployment', 'checkout', 5, 'checkout-b',"
	    "  NULL, 1),"
	    " ('prod', 'pay', 'Deployment', 'checkout', 6, 'checkout-a',"
	    "  1000, 1),"
	    " ('prod', 'pay', 'Deployment', 'checkout', 7, 'checkout-b',"
	    "  5000, 1),"
	    " ('prod', 'pay', 'Deployment', 'checkout', 8, 'checkout-c',"
	    "  9000, 1),"
	    " ('prod', 'pay', 'StatefulSet', 'checkout', 4, NULL, 6000, 1),"
	    " ('prod', 'pay', 'Deployment', 'ledger', 3, 'ledger-a', 5000,"
	    "  1),"
	    " ('stage', 'pay', 'Deployment', 'checkout', 9, 'checkout-z',"
	    "  5000, 1);"
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

/*
 * Rollouts within the window, oldest first, of this context and kind
 * only; one whose time is not known is not marked.
 */
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
		CHECK_INT(d->rollouts[0].at_ms, 5000);
		CHECK_STR(d->rollouts[0].replicaset, "checkout-b");
		CHECK_INT(d->rollouts[1].revision, 8);
		CHECK_INT(d->npods, 3);
	}
	views_deployment_free(d);
	cache_close(c);
}

/* Add workloads of every kind, and their events, to a fixture. */
static int
add_workloads(struct cache *c)
{
	char	*err = NULL;

	if (sqlite3_exec(cache_db(c),
	    /* A deployment whose name extends checkout's. */
	    "INSERT INTO kube_replicasets (context, namespace, name,"
	    " owner_name, revision, created_ms) VALUES"
	    " ('prod', 'pay', 'checkout-worker-5d', 'checkout-worker', 1,"
	    "  5000);"
	    "INSERT INTO kube_pods (context, namespace, name, owner_kind,"
	    " owner_name, node, phase, ready, restarts, reason) VALUES"
	    " ('prod', 'pay', 'checkout-worker-5d-q', 'ReplicaSet',"
	    "  'checkout-worker-5d', 'n1', 'Running', 0, 3, 'Error'),"
	    " ('prod', 'pay', 'db-0', 'StatefulSet', 'db', 'n1', 'Running', 1,"
	    "  0, NULL),"
	    " ('prod', 'pay', 'db-1', 'StatefulSet', 'db', 'n2', 'Running', 0,"
	    "  5, 'OOMKilled'),"
	    " ('prod', 'pay', 'db-backup-0', 'StatefulSet', 'db-backup', 'n2',"
	    "  'Running', 1, 0, NULL),"
	    " ('prod', 'mon', 'agent-x7k2p', 'DaemonSet', 'agent', 'n1',"
	    "  'Running', 1, 0, NULL),"
	    " ('prod', 'pay', 'migrate-81-z9xq2', 'Job', 'migrate-81', 'n2',"
	    "  'Failed', 0, 0, 'Error'),"
	    " ('prod', 'pay', 'debug', NULL, NULL, 'n1', 'Running', 1, 0,"
	    "  NULL),"
	    " ('prod', 'pay', 'debug-2', NULL, NULL, 'n1', 'Running', 1, 0,"
	    "  NULL);"
	    "INSERT INTO kube_events (context, namespace, uid, involved_kind,"
	    " involved_name, type, reason, message, count, last_ms) VALUES"
	    /* About checkout's ReplicaSet: checkout's. */
	    " ('prod', 'pay', 'e5', 'ReplicaSet', 'checkout-b', 'Normal',"
	    "  'SuccessfulCreate', 'created pod checkout-b-2', 1, 250),"
	    /* Names that share checkout's prefix: never checkout's. */
	    " ('prod', 'pay', 'e6', 'Pod', 'checkout-worker-5d-q', 'Warning',"
	    "  'BackOff', 'the worker, not checkout', 1, 600),"
	    " ('prod', 'pay', 'e7', 'Deployment', 'checkout-worker', 'Normal',"
	    "  'ScalingReplicaSet', 'the worker scaled', 1, 610),"
	    /* Same name, another kind: not the deployment. */
	    " ('prod', 'pay', 'e8', 'Service', 'checkout', 'Warning',"
	    "  'SyncLoadBalancerFailed', 'a service, not the deployment', 1,"
	    "  620),"
	    " ('prod', 'pay', 'e9', 'StatefulSet', 'db', 'Normal',"
	    "  'SuccessfulCreate', 'create Pod db-1 in StatefulSet db', 1,"
	    "  700),"
	    " ('prod', 'pay', 'e10', 'Pod', 'db-1', 'Warning', 'BackOff',"
	    "  'back-off restarting db', 5, 710),"
	    " ('prod', 'pay', 'e11', 'Pod', 'db-backup-0', 'Normal', 'Pulled',"
	    "  'the backup, not db', 1, 720),"
	    " ('prod', 'mon', 'e12', 'DaemonSet', 'agent', 'Normal',"
	    "  'SuccessfulCreate', 'created pod agent-x7k2p', 1, 800),"
	    " ('prod', 'pay', 'e13', 'Job', 'migrate-81', 'Warning',"
	    "  'BackoffLimitExceeded', 'Job has reached the backoff limit', 1,"
	    "  900),"
	    " ('prod', 'pay', 'e14', 'Pod', 'migrate-81-z9xq2', 'Normal',"
	    "  'Started', 'started container migrate', 1, 850),"
	    " ('prod', 'pay', 'e15', 'Pod', 'debug', 'Normal', 'Started',"
	    "  'started container shell', 1, 950),"
	    " ('prod', 'pay', 'e16', 'Pod', 'debug-2', 'Normal', 'Started',"
	    "  'the other debug pod', 1, 960),"
	    /* Another namespace: not ours. */
	    " ('prod', 'mon', 'e17', 'StatefulSet', 'db', 'Normal',"
	    "  'SuccessfulCreate', 'another db', 1, 990);",
	    NULL, NULL, &err) != SQLITE_OK) {
		printf("# SQL failed: %s\n", err);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Read "Kind ns/name" with pods and events, or NULL (a failed check). */
static struct view_deployment *
read_workload(struct cache *c, const char *w)
{
	struct view_deployment	*d;
	char			*cause = NULL;

	d = views_workload_read(c, "prod", w, VD_PODS | VD_EVENTS, 0, 0,
	    &cause);
	CHECK(d != NULL);
	if (d == NULL) {
		printf("# %s: %s\n", w, cause);
		free(cause);
	}
	return d;
}

/*
 * Every kind of workload: its own pods, and the events whose involved
 * object is the workload, its ReplicaSets or its pods; never a
 * neighbour whose name merely starts the same way.
 */
static void
test_workloads(void)
{
	struct cache		*c = fixture();
	struct view_deployment	*d;
	char			*cause = NULL;
	size_t			 i;

	CHECK(c != NULL);
	if (c == NULL || add_workloads(c) != 0) {
		CHECK(0);
		cache_close(c);
		return;
	}
	if ((d = read_workload(c, "Deployment pay/checkout")) != NULL) {
		CHECK_STR(d->kind, "Deployment");
		CHECK_INT(d->npods, 3);
		CHECK_INT(d->nevents, 3);
		for (i = 0; i < d->nevents; i++)
			CHECK(strstr(d->events[i].message, "not") == NULL);
		if (d->nevents == 3) {
			CHECK_STR(d->events[0].involved, "checkout-b-2");
			CHECK_STR(d->events[0].involved_kind, "Pod");
			CHECK_STR(d->events[1].involved, "checkout-b");
			CHECK_STR(d->events[1].involved_kind, "ReplicaSet");
			CHECK_STR(d->events[2].involved_kind, "Deployment");
		}
	}
	views_deployment_free(d);
	/* The same through the deployment's own read. */
	d = views_deployment_read(c, "prod", "pay/checkout", VD_EVENTS, 0, 0,
	    &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(d->nevents, 3);
		for (i = 0; i < d->nevents; i++)
			CHECK(strstr(d->events[i].message, "not") == NULL);
	}
	views_deployment_free(d);
	if ((d = read_workload(c, "Deployment pay/checkout-worker")) != NULL) {
		CHECK_INT(d->npods, 1);
		CHECK_INT(d->nevents, 2);
		if (d->nevents == 2)
			CHECK_STR(d->events[1].message,
			    "the worker, not checkout");
	}
	views_deployment_free(d);
	if ((d = read_workload(c, "StatefulSet pay/db")) != NULL) {
		CHECK_STR(d->kind, "StatefulSet");
		CHECK_INT(d->npods, 2);
		if (d->npods == 2) {
			CHECK_STR(d->pods[0].name, "db-0");
			CHECK_STR(d->pods[1].reason, "OOMKilled");
			CHECK_INT(d->pods[1].restarts, 5);
		}
		CHECK_INT(d->nevents, 2);
		if (d->nevents == 2) {
			CHECK_STR(d->events[0].reason, "BackOff");
			CHECK_STR(d->events[1].involved_kind, "StatefulSet");
		}
		CHECK_INT(d->nrollouts, 0);
	}
	views_deployment_free(d);
	if ((d = read_workload(c, "DaemonSet mon/agent")) != NULL) {
		CHECK_INT(d->npods, 1);
		CHECK_INT(d->nevents, 1);
	}
	views_deployment_free(d);
	if ((d = read_workload(c, "Job pay/migrate-81")) != NULL) {
		CHECK_INT(d->npods, 1);
		if (d->npods == 1)
			CHECK_STR(d->pods[0].phase, "Failed");
		CHECK_INT(d->nevents, 2);
		if (d->nevents == 2)
			CHECK_STR(d->events[0].reason, "BackoffLimitExceeded");
	}
	views_deployment_free(d);
	/* A bare pod is its own workload. */
	if ((d = read_workload(c, "Pod pay/debug")) != NULL) {
		CHECK_INT(d->npods, 1);
		if (d->npods == 1)
			CHECK_STR(d->pods[0].name, "debug");
		CHECK_INT(d->nevents, 1);
		if (d->nevents == 1)
			CHECK_STR(d->events[0].message,
			    "started container shell");
	}
	views_deployment_free(d);
	cache_close(c);
}

/* A workload that is not "Kind namespace/name" is refused. */
static void
test_bad_workload(void)
{
	struct cache	*c = fixture();
	char		*cause = NULL;
	const char	*bad[] = { "pay/checkout", "Deployment checkout",
	    " pay/checkout", "Deployment /checkout", "Deployment pay/",
	    "Deployment pay/a/b", "" };
	size_t		 i;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(views_workload_read(c, "prod", bad[i], VD_PODS, 0, 0,
		    &cause) == NULL);
		CHECK(cause != NULL);
		if (cause != NULL)
			CHECK_CONTAINS(cause, "Kind namespace/name");
		free(cause);
		cause = NULL;
	}
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

/*
 * A deployment's revisions, newest first, with when each became current,
 * its counts and template summary; the deployment's status and
 * conditions; the current one and the one a rollback goes back to.
 */
static void
test_revisions(void)
{
	struct cache		*c = fixture();
	struct view_deployment	*d;
	char			*cause = NULL, *err = NULL, **diff;
	size_t			 cur, prev, n;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Not listed: no status; the newest revision is taken as current. */
	d = views_deployment_read(c, "prod", "pay/checkout", VD_REVISIONS, 0,
	    0, &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(d->revision, -1);
		CHECK_INT(d->ready, -1);
		CHECK_INT(d->nconditions, 0);
		CHECK_INT(d->nrevisions, 3);
		CHECK_INT(views_revision_previous(d, &cur, &prev), 0);
		CHECK_INT(cur, 0);
		CHECK_INT(prev, 1);
	}
	views_deployment_free(d);
	CHECK_INT(sqlite3_exec(cache_db(c),
	    "INSERT INTO kube_deployments (context, namespace, name,"
	    " replicas, ready_replicas, updated_replicas, available_replicas,"
	    " revision, conditions) VALUES ('prod', 'pay', 'checkout', 3, 2,"
	    " 1, 2, 8, '[{\"type\":\"Available\",\"status\":\"False\","
	    "\"reason\":\"MinimumReplicasUnavailable\"},{\"type\":"
	    "\"Progressing\",\"status\":\"True\",\"reason\":"
	    "\"ReplicaSetUpdated\",\"message\":\"ReplicaSet is progressing.\"},"
	    "{\"status\":\"no type\"}]');"
	    "UPDATE kube_replicasets SET replicas = 3, ready_replicas = 1,"
	    " images = '[\"shop:2\"]', containers = '[{\"name\":\"app\","
	    "\"image\":\"shop:2\",\"env\":[\"A\"]}]' WHERE name = 'checkout-c';"
	    "UPDATE kube_replicasets SET replicas = 0, images = '[\"shop:1\"]',"
	    " containers = '[{\"name\":\"app\",\"image\":\"shop:1\","
	    "\"env\":[\"A\",\"B\"]}]' WHERE name = 'checkout-b';"
	    /* checkout-a came back once (revision 6) at a time not known. */
	    "UPDATE kube_rollouts SET at_ms = NULL WHERE revision = 6;",
	    NULL, NULL, &err), SQLITE_OK);
	if (err != NULL) {
		printf("# %s\n", err);
		sqlite3_free(err);
	}
	d = views_deployment_read(c, "prod", "pay/checkout", VD_REVISIONS, 0,
	    0, &cause);
	CHECK(d != NULL);
	if (d == NULL) {
		printf("# %s\n", cause);
		free(cause);
		cache_close(c);
		return;
	}
	CHECK_INT(d->replicas, 3);
	CHECK_INT(d->ready, 2);
	CHECK_INT(d->updated, 1);
	CHECK_INT(d->available, 2);
	CHECK_INT(d->revision, 8);
	CHECK_INT(d->nconditions, 2);
	if (d->nconditions == 2) {
		CHECK_STR(d->conditions[0].type, "Available");
		CHECK_STR(d->conditions[0].status, "False");
		CHECK(d->conditions[0].message == NULL);
		CHECK_STR(d->conditions[1].reason, "ReplicaSetUpdated");
		CHECK_STR(d->conditions[1].message, "ReplicaSet is progressing.");
	}
	/* Only this context's and this deployment's, newest first. */
	CHECK_INT(d->nrevisions, 3);
	if (d->nrevisions == 3) {
		CHECK_INT(d->revisions[0].revision, 8);
		CHECK_STR(d->revisions[0].replicaset, "checkout-c");
		CHECK_INT(d->revisions[0].current, 1);
		CHECK_INT(d->revisions[0].at_ms, 9000);
		CHECK_INT(d->revisions[0].replicas, 3);
		CHECK_INT(d->revisions[0].ready, 1);
		CHECK_STR(d->revisions[0].images, "[\"shop:2\"]");
		CHECK_INT(d->revisions[1].revision, 7);
		CHECK_INT(d->revisions[1].current, 0);
		CHECK_INT(d->revisions[1].ready, -1);
		CHECK_INT(d->revisions[2].revision, 6);
		CHECK_INT(d->revisions[2].at_ms, 0);
		CHECK(d->revisions[2].containers == NULL);
		CHECK_INT(views_revision_previous(d, &cur, &prev), 0);
		CHECK_INT(cur, 0);
		CHECK_INT(prev, 1);
		/* What the rollback from 8 to 7 changes. */
		diff = views_revision_diff(&d->revisions[cur],
		    &d->revisions[prev], &n);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(diff[0], "image app: shop:2 -> shop:1");
			CHECK_STR(diff[1], "env app: +B");
		}
		views_strings_free(diff, n);
		/* Without a summary: the images are compared. */
		diff = views_revision_diff(&d->revisions[cur],
		    &d->revisions[2], &n);
		CHECK_INT(n, 1);
		if (n == 1)
			CHECK_STR(diff[0], "images: shop:2 -> none");
		views_strings_free(diff, n);
	}
	views_deployment_free(d);
	/* The current one is the deployment's, not the newest. */
	CHECK_INT(sqlite3_exec(cache_db(c), "UPDATE kube_deployments SET"
	    " revision = 7", NULL, NULL, NULL), SQLITE_OK);
	d = views_deployment_read(c, "prod", "pay/checkout", VD_REVISIONS, 0,
	    0, &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(views_revision_previous(d, &cur, &prev), 0);
		CHECK_INT(cur, 1);
		CHECK_INT(prev, 2);
		CHECK_INT(d->revisions[0].current, 0);
	}
	views_deployment_free(d);
	/* The oldest current: nothing to go back to. */
	CHECK_INT(sqlite3_exec(cache_db(c), "UPDATE kube_deployments SET"
	    " revision = 6", NULL, NULL, NULL), SQLITE_OK);
	d = views_deployment_read(c, "prod", "pay/checkout", VD_REVISIONS, 0,
	    0, &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(views_revision_previous(d, &cur, &prev), -1);
		CHECK_INT(cur, 2);
		CHECK(prev == (size_t)-1);
	}
	views_deployment_free(d);
	cache_close(c);
}

/* The lines of a diff joined by " | ", for checking. */
static char *
joined(const char *from, const char *to)
{
	char	**v, *s = xstrdup(""), *t;
	size_t	  n, i;

	v = podspec_diff(from, to, &n);
	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s%s", s, i > 0 ? " | " : "", v[i]);
		free(s);
		s = t;
	}
	podspec_lines_free(v, n);
	return s;
}

/*
 * What changes between two template summaries: images, env names added
 * and removed, requests and limits changed, added or removed, containers
 * added and removed; nothing when they are the same; hostile text inert.
 */
static void
test_containers_diff(void)
{
	char	*s, **v;
	size_t	 n;

	s = joined("[{\"name\":\"app\",\"image\":\"r/app:1.42.0\","
	    "\"env\":[\"A\",\"OLD\"],\"requests\":{\"cpu\":\"500m\"},"
	    "\"limits\":{\"memory\":\"1Gi\",\"cpu\":\"1\"}},"
	    "{\"name\":\"sidecar\",\"image\":\"s:1\"}]",
	    "[{\"name\":\"app\",\"image\":\"r/app:1.41.3\","
	    "\"env\":[\"NEW\",\"A\"],\"requests\":{\"cpu\":\"500m\","
	    "\"memory\":\"256Mi\"},\"limits\":{\"memory\":\"512Mi\"}},"
	    "{\"name\":\"proxy\",\"image\":\"p:2\"}]");
	CHECK_STR(s, "image app: r/app:1.42.0 -> r/app:1.41.3"
	    " | env app: +NEW -OLD"
	    " | requests.memory app: none -> 256Mi"
	    " | limits.memory app: 1Gi -> 512Mi"
	    " | limits.cpu app: 1 -> none"
	    " | container sidecar: removed"
	    " | container proxy: added (image p:2)");
	free(s);
	/* The same template: nothing. */
	v = podspec_diff("[{\"name\":\"a\",\"image\":\"x\","
	    "\"env\":[\"B\",\"A\"]}]", "[{\"name\":\"a\",\"image\":\"x\","
	    "\"env\":[\"A\",\"B\"]}]", &n);
	CHECK(v == NULL && n == 0);
	/* None, or not JSON: every container of the other is added. */
	s = joined(NULL, "[{\"name\":\"a\"}]");
	CHECK_STR(s, "container a: added (image none)");
	free(s);
	s = joined("{not json", "[]");
	CHECK_STR(s, "");
	free(s);
	/* Escapes and newlines from outside stay visible text. */
	s = joined("[{\"name\":\"a\\u001b[2J\",\"image\":\"x\\nimage b: "
	    "spoofed\"}]", "[{\"name\":\"a\\u001b[2J\",\"image\":\"y\"}]");
	CHECK_STR(s, "image a^[[2J: x image b: spoofed -> y");
	CHECK(strchr(s, '\033') == NULL && strchr(s, '\n') == NULL);
	free(s);
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
	TEST(test_workloads),
	TEST(test_bad_workload),
	TEST(test_pairs),
	TEST(test_revisions),
	TEST(test_containers_diff),
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
