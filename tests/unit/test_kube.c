/*
 * test_kube.c: the Kubernetes backend's pure parts, on recorded payloads
 * under tests/data/kube/: list parsing (pods in CrashLoopBackOff,
 * ImagePullBackOff, OOMKilled, evicted; nodes under pressure; events;
 * paging), storing rows in a real cache, Status answers as sentences, and
 * the rollback plan (which revision, which patch) without any network.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/kube.h"
#include "base/buf.h"
#include "core/cache.h"
#include "core/views_detail.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"

/* The source tree, where the data files are. */
static const char *
srcdir(void)
{
	const char	*s = getenv("top_srcdir");

	return (s != NULL && *s != '\0') ? s : ".";
}

/* Read tests/data/kube/name into b; aborts the test run if it cannot. */
static void
load(struct buf *b, const char *name)
{
	char	*path, *cause = NULL;

	buf_init(b, 0);
	path = xasprintf("%s/tests/data/kube/%s", srcdir(), name);
	if (buf_read_file(b, path, &cause) != 0) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(path);
}

/* Parse one recorded list of kind into new rows. */
static struct kube_rows *
parse(enum kube_kind kind, const char *name)
{
	struct kube_rows	*r = kube_rows_new(kind);
	struct buf		 b;
	char			*next = NULL, *cause = NULL;

	load(&b, name);
	CHECK_INT(kube_rows_parse(r, b.data, b.len, &next, &cause), 0);
	CHECK(next == NULL);
	CHECK(cause == NULL);
	free(next);
	free(cause);
	buf_done(&b);
	return r;
}

/* The row whose column col is value, or (size_t)-1. */
static size_t
row_of(const struct kube_rows *r, const char *col, const char *value)
{
	size_t		 i;
	const char	*v;

	for (i = 0; i < kube_rows_count(r); i++) {
		v = kube_rows_text(r, i, col);
		if (v != NULL && strcmp(v, value) == 0)
			return i;
	}
	return (size_t)-1;
}

/* An integer column, or -999 when NULL. */
static int64_t
int_of(const struct kube_rows *r, size_t i, const char *col)
{
	int64_t	v;

	return kube_rows_int(r, i, col, &v) == 0 ? v : -999;
}

/* Pods: owner, node, readiness, restarts and the most telling reason. */
static void
test_pods(void)
{
	struct kube_rows	*r = parse(KUBE_PODS, "pods.json");
	size_t			 i;

	CHECK_INT(kube_rows_count(r), 9);

	i = row_of(r, "name", "api-healthy");
	CHECK_STR(kube_rows_text(r, i, "reason"), NULL);
	CHECK_INT(int_of(r, i, "ready"), 1);
	CHECK_INT(int_of(r, i, "restarts"), 0);
	CHECK_STR(kube_rows_text(r, i, "owner_kind"), "ReplicaSet");
	CHECK_STR(kube_rows_text(r, i, "owner_name"), "api-64c95cf4");
	CHECK_STR(kube_rows_text(r, i, "node"), "node-2");
	CHECK_STR(kube_rows_text(r, i, "phase"), "Running");
	CHECK_STR(kube_rows_text(r, i, "uid"), "uid-api-healthy");
	CHECK_INT(int_of(r, i, "started_ms"), 1795168805000LL);
	CHECK_CONTAINS(kube_rows_text(r, i, "labels"),
	    "\"pod-template-hash\":\"64c95cf4\"");

	/* Waiting beats the last termination; restarts are summed. */
	i = row_of(r, "name", "api-crash");
	CHECK_STR(kube_rows_text(r, i, "reason"), "CrashLoopBackOff");
	CHECK_CONTAINS(kube_rows_text(r, i, "message"), "back-off 5m0s");
	CHECK_INT(int_of(r, i, "restarts"), 16);
	CHECK_INT(int_of(r, i, "ready"), 0);

	i = row_of(r, "name", "api-pull");
	CHECK_STR(kube_rows_text(r, i, "reason"), "ImagePullBackOff");
	CHECK_CONTAINS(kube_rows_text(r, i, "message"), "api:9.9.9");

	/* Running again, but its last run was killed for memory. */
	i = row_of(r, "name", "api-oom");
	CHECK_STR(kube_rows_text(r, i, "reason"), "OOMKilled");
	CHECK_INT(int_of(r, i, "restarts"), 3);
	CHECK_INT(int_of(r, i, "ready"), 1);

	i = row_of(r, "name", "api-evicted");
	CHECK_STR(kube_rows_text(r, i, "reason"), "Evicted");
	CHECK_STR(kube_rows_text(r, i, "phase"), "Failed");
	CHECK_CONTAINS(kube_rows_text(r, i, "message"), "low on resource");

	i = row_of(r, "name", "api-init");
	CHECK_STR(kube_rows_text(r, i, "reason"), "Init:CrashLoopBackOff");

	/* Starting up is not a problem. */
	i = row_of(r, "name", "api-creating");
	CHECK_STR(kube_rows_text(r, i, "reason"), NULL);

	/* Text from outside is kept as valid UTF-8, escapes and all. */
	i = row_of(r, "name", "api-hostile");
	CHECK_STR(kube_rows_text(r, i, "reason"),
	    "CreateContainerConfigError");
	CHECK(sanitize_is_clean(kube_rows_text(r, i, "message"), 0) == 0);
	{
		char	*shown = sanitize_terminal(kube_rows_text(r, i,
			    "message"), 0);

		CHECK(strchr(shown, '\033') == NULL);
		CHECK(strchr(shown, '\a') == NULL);
		free(shown);
	}

	/* No owner, no node, no start time: NULL, not garbage. */
	i = row_of(r, "name", "standalone");
	CHECK_STR(kube_rows_text(r, i, "owner_kind"), NULL);
	CHECK_STR(kube_rows_text(r, i, "node"), NULL);
	CHECK_INT(int_of(r, i, "started_ms"), -999);
	CHECK_STR(kube_rows_text(r, i, "namespace"), "default");
	kube_rows_free(r);
}

/* Two pages make one list; a Status or HTML is not a page. */
static void
test_paging(void)
{
	struct kube_rows	*r = kube_rows_new(KUBE_PODS);
	struct buf		 b;
	char			*next = NULL, *cause = NULL;

	load(&b, "pods-page1.json");
	CHECK_INT(kube_rows_parse(r, b.data, b.len, &next, &cause), 0);
	CHECK_INT(kube_rows_count(r), 3);
	CHECK(next != NULL && strncmp(next, "eyJ2Ijoi", 8) == 0);
	free(next);
	buf_done(&b);
	load(&b, "pods-page2.json");
	CHECK_INT(kube_rows_parse(r, b.data, b.len, &next, &cause), 0);
	CHECK(next == NULL);
	CHECK_INT(kube_rows_count(r), 9);
	CHECK(row_of(r, "name", "standalone") == 8);
	buf_done(&b);

	/* A Status is not a page; nothing is appended. */
	load(&b, "status-403.json");
	CHECK_INT(kube_rows_parse(r, b.data, b.len, &next, &cause), -1);
	CHECK_CONTAINS(cause, "not a list");
	free(cause);
	cause = NULL;
	CHECK_INT(kube_rows_count(r), 9);
	buf_done(&b);
	CHECK_INT(kube_rows_parse(r, "<html>", 6, &next, &cause), -1);
	CHECK_CONTAINS(cause, "not JSON");
	free(cause);
	kube_rows_clear(r);
	CHECK_INT(kube_rows_count(r), 0);
	kube_rows_free(r);
}

/* Nodes: Ready, pressure conditions, cordoned. */
static void
test_nodes(void)
{
	struct kube_rows	*r = parse(KUBE_NODES, "nodes.json");
	cJSON			*c;
	const cJSON		*x;
	size_t			 i;
	int			 pressure = 0;

	CHECK_INT(kube_rows_count(r), 3);
	i = row_of(r, "name", "node-1");
	CHECK_INT(int_of(r, i, "ready"), 1);
	CHECK_INT(int_of(r, i, "unschedulable"), 0);
	CHECK_CONTAINS(kube_rows_text(r, i, "labels"), "control-plane");

	i = row_of(r, "name", "node-2");
	CHECK_INT(int_of(r, i, "ready"), 1);
	c = cJSON_Parse(kube_rows_text(r, i, "conditions"));
	CHECK(cJSON_IsArray(c));
	cJSON_ArrayForEach(x, c) {
		const char *t = cJSON_GetObjectItem(x, "type")->valuestring;
		const char *s = cJSON_GetObjectItem(x, "status")->valuestring;

		if (strstr(t, "Pressure") != NULL && strcmp(s, "True") == 0)
			pressure++;
		/* Heartbeats change every few seconds: not kept. */
		CHECK(cJSON_GetObjectItem(x, "lastHeartbeatTime") == NULL);
	}
	CHECK_INT(pressure, 2);
	cJSON_Delete(c);

	i = row_of(r, "name", "node-3");
	CHECK_INT(int_of(r, i, "ready"), 0);
	CHECK_INT(int_of(r, i, "unschedulable"), 1);
	kube_rows_free(r);
}

/* Deployments and ReplicaSets: counts, revisions, owners, images. */
static void
test_deployments_replicasets(void)
{
	struct kube_rows	*r = parse(KUBE_DEPLOYMENTS, "deployments.json");
	size_t			 i;

	CHECK_INT(kube_rows_count(r), 2);
	i = row_of(r, "name", "api");
	CHECK_INT(int_of(r, i, "generation"), 4);
	CHECK_INT(int_of(r, i, "observed_generation"), 4);
	CHECK_INT(int_of(r, i, "replicas"), 3);
	CHECK_INT(int_of(r, i, "ready_replicas"), 2);
	CHECK_INT(int_of(r, i, "updated_replicas"), 3);
	CHECK_INT(int_of(r, i, "available_replicas"), 2);
	CHECK_INT(int_of(r, i, "revision"), 3);
	CHECK_STR(kube_rows_text(r, i, "selector"), "{\"app\":\"api\"}");
	CHECK_CONTAINS(kube_rows_text(r, i, "conditions"),
	    "MinimumReplicasUnavailable");
	CHECK_INT(int_of(r, i, "created_ms"), 1794650400000LL);
	/* Zero counts are left out by the server: they read as 0. */
	i = row_of(r, "name", "web");
	CHECK_INT(int_of(r, i, "replicas"), 0);
	CHECK_INT(int_of(r, i, "ready_replicas"), 0);
	CHECK_INT(int_of(r, i, "observed_generation"), 1);
	CHECK_STR(kube_rows_text(r, i, "conditions"), "[]");
	kube_rows_free(r);

	r = parse(KUBE_REPLICASETS, "replicasets.json");
	CHECK_INT(kube_rows_count(r), 4);
	i = row_of(r, "name", "api-64c95cf4");
	CHECK_STR(kube_rows_text(r, i, "owner_name"), "api");
	CHECK_STR(kube_rows_text(r, i, "owner_uid"), "dep-uid");
	CHECK_INT(int_of(r, i, "revision"), 3);
	CHECK_INT(int_of(r, i, "replicas"), 3);
	CHECK_INT(int_of(r, i, "ready_replicas"), 3);
	CHECK_STR(kube_rows_text(r, i, "template_hash"), "64c95cf4");
	CHECK_STR(kube_rows_text(r, i, "images"),
	    "[\"registry.example/payments/api:2.14.1\"]");
	/* Empty resources: no requests, no limits. */
	CHECK_STR(kube_rows_text(r, i, "containers"), "[{\"name\":\"api\","
	    "\"image\":\"registry.example/payments/api:2.14.1\",\"env\":[]}]");
	i = row_of(r, "name", "api-5d9c7b6f48");
	CHECK_INT(int_of(r, i, "revision"), 1);
	CHECK_INT(int_of(r, i, "ready_replicas"), 0);
	kube_rows_free(r);
}

/*
 * A ReplicaSet's pod template summary: per container its name, image,
 * env names (never values) and requests and limits, capped; hostile text
 * kept as text.  Stored, it gives the detail view what a rollback
 * changes, without the server.
 */
static void
test_replicaset_templates(void)
{
	struct kube_rows	*r = parse(KUBE_REPLICASETS,
				    "replicasets-templates.json");
	const struct kube_rows	*lists[1] = { r };
	struct view_deployment	*d;
	char			 dir[] = "/tmp/test_kube.XXXXXX", *path;
	char			*cause = NULL, *warning = NULL, **diff;
	const char		*t;
	struct cache		*cache;
	cJSON			*j;
	size_t			 i, n, cur, prev;

	CHECK_INT(kube_rows_count(r), 3);
	i = row_of(r, "name", "cart-5f6a7b8c9d");
	CHECK_STR(kube_rows_text(r, i, "containers"), "[{\"name\":\"cart\","
	    "\"image\":\"registry.example/shop/cart:3.0.9\",\"env\":"
	    "[\"LOG_LEVEL\",\"LEGACY_MODE\"],\"requests\":{\"cpu\":\"250m\","
	    "\"memory\":\"256Mi\"},\"limits\":{\"memory\":\"512Mi\"}}]");
	i = row_of(r, "name", "cart-6b7c9d8f5c");
	t = kube_rows_text(r, i, "containers");
	CHECK(t != NULL);
	if (t == NULL)
		t = "";
	/* Names of variables, never their values or secret references. */
	CHECK_CONTAINS(t, "\"env\":[\"LOG_LEVEL\",\"DB_PASSWORD\","
	    "\"API_TOKEN\"]");
	CHECK(strstr(t, "s3cr3t") == NULL && strstr(t, "debug") == NULL &&
	    strstr(t, "cart-db") == NULL);
	/* A number quantity as text; 70 variables capped at 64. */
	CHECK_CONTAINS(t, "\"limits\":{\"cpu\":\"2\"}");
	j = cJSON_Parse(t);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(j,
	    1), "env")), 64);
	cJSON_Delete(j);
	/* A container with only a name. */
	i = row_of(r, "name", "cart-4e5d6c7b8a");
	CHECK_STR(kube_rows_text(r, i, "containers"),
	    "[{\"name\":\"cart\",\"env\":[]}]");

	CHECK(mkdtemp(dir) != NULL);
	path = xasprintf("%s/cache.db", dir);
	cache = cache_open(path, 0, &warning, &cause);
	CHECK(cache != NULL);
	if (cache == NULL) {
		printf("# %s\n", cause);
		free(cause);
		goto out;
	}
	CHECK_INT(kube_rows_store(cache, "prod", KUBE_REPLICASETS, lists, 1,
	    1000, &cause), 0);
	d = views_deployment_read(cache, "prod", "shop/cart", VD_REVISIONS, 0,
	    0, &cause);
	CHECK(d != NULL);
	if (d != NULL && views_revision_previous(d, &cur, &prev) == 0) {
		CHECK_INT(d->revisions[cur].revision, 5);
		CHECK_INT(d->revisions[prev].revision, 4);
		diff = views_revision_diff(&d->revisions[cur],
		    &d->revisions[prev], &n);
		CHECK_INT(n, 4);
		if (n == 4) {
			CHECK_STR(diff[0], "image cart: registry.example/shop/"
			    "cart:3.1.0 -> registry.example/shop/cart:3.0.9");
			CHECK_STR(diff[1], "env cart: +LEGACY_MODE -DB_PASSWORD "
			    "-API_TOKEN");
			CHECK_STR(diff[2], "limits.memory cart: 1Gi -> 512Mi");
			CHECK_STR(diff[3], "container metrics^[[2J: removed");
		}
		views_strings_free(diff, n);
	} else
		CHECK(0);
	views_deployment_free(d);
	cache_close(cache);
out:
	free(path);
	path = xasprintf("rm -rf '%s'", dir);
	CHECK(system(path) == 0);
	free(path);
	free(warning);
	kube_rows_free(r);
}

/* StatefulSets and DaemonSets: counts, revisions, selectors. */
static void
test_statefulsets_daemonsets(void)
{
	struct kube_rows	*r = parse(KUBE_STATEFULSETS, "statefulsets.json");
	size_t			 i;

	CHECK_STR(kube_kind_resource(KUBE_STATEFULSETS), "statefulsets");
	CHECK_INT(kube_rows_count(r), 2);
	i = row_of(r, "name", "ledger");
	CHECK_STR(kube_rows_text(r, i, "namespace"), "payments");
	CHECK_STR(kube_rows_text(r, i, "uid"), "sts-uid-ledger");
	CHECK_INT(int_of(r, i, "generation"), 3);
	CHECK_INT(int_of(r, i, "observed_generation"), 3);
	CHECK_INT(int_of(r, i, "replicas"), 3);
	CHECK_INT(int_of(r, i, "ready_replicas"), 2);
	CHECK_INT(int_of(r, i, "current_replicas"), 1);
	CHECK_INT(int_of(r, i, "updated_replicas"), 2);
	CHECK_INT(int_of(r, i, "available_replicas"), 2);
	CHECK_STR(kube_rows_text(r, i, "current_revision"),
	    "ledger-6d5f8b7c9d");
	CHECK_STR(kube_rows_text(r, i, "update_revision"),
	    "ledger-7b8c9d6f5e");
	CHECK_STR(kube_rows_text(r, i, "selector"), "{\"app\":\"ledger\"}");
	CHECK_CONTAINS(kube_rows_text(r, i, "labels"), "\"team\":\"payments\"");
	CHECK_INT(int_of(r, i, "created_ms"), 1794650400000LL);
	/* Scaled to 0: the server leaves the zero counts out. */
	i = row_of(r, "name", "cache");
	CHECK_INT(int_of(r, i, "replicas"), 0);
	CHECK_INT(int_of(r, i, "ready_replicas"), 0);
	CHECK_INT(int_of(r, i, "updated_replicas"), 0);
	CHECK_STR(kube_rows_text(r, i, "conditions"), "[]");
	kube_rows_free(r);

	r = parse(KUBE_DAEMONSETS, "daemonsets.json");
	CHECK_STR(kube_kind_resource(KUBE_DAEMONSETS), "daemonsets");
	CHECK_INT(kube_rows_count(r), 2);
	i = row_of(r, "name", "node-exporter");
	CHECK_STR(kube_rows_text(r, i, "namespace"), "monitoring");
	CHECK_INT(int_of(r, i, "desired"), 3);
	CHECK_INT(int_of(r, i, "current"), 3);
	CHECK_INT(int_of(r, i, "ready"), 2);
	CHECK_INT(int_of(r, i, "updated"), 3);
	CHECK_INT(int_of(r, i, "available"), 2);
	CHECK_INT(int_of(r, i, "misscheduled"), 1);
	CHECK_INT(int_of(r, i, "observed_generation"), 2);
	CHECK_STR(kube_rows_text(r, i, "selector"),
	    "{\"app.kubernetes.io/name\":\"node-exporter\"}");
	i = row_of(r, "name", "gpu-driver");
	CHECK_INT(int_of(r, i, "desired"), 0);
	CHECK_INT(int_of(r, i, "updated"), 0);
	CHECK_INT(int_of(r, i, "available"), 0);
	kube_rows_free(r);
}

/* Events (which timestamp counts) and namespaces. */
static void
test_events_namespaces(void)
{
	struct kube_rows	*r = parse(KUBE_EVENTS, "events.json");
	size_t			 i;

	CHECK_INT(kube_rows_count(r), 3);
	i = row_of(r, "uid", "ev-1");
	CHECK_STR(kube_rows_text(r, i, "involved_kind"), "Pod");
	CHECK_STR(kube_rows_text(r, i, "involved_name"), "api-crash");
	CHECK_STR(kube_rows_text(r, i, "type"), "Warning");
	CHECK_STR(kube_rows_text(r, i, "reason"), "BackOff");
	CHECK_INT(int_of(r, i, "count"), 42);
	CHECK_INT(int_of(r, i, "last_ms"), 1795458600000LL);
	/* No lastTimestamp: eventTime (microseconds) instead; count 1. */
	i = row_of(r, "uid", "ev-2");
	CHECK_INT(int_of(r, i, "last_ms"), 1795458000123LL);
	CHECK_INT(int_of(r, i, "count"), 1);
	/* Neither: the object's creation. */
	i = row_of(r, "uid", "ev-3");
	CHECK_INT(int_of(r, i, "last_ms"), 1795458300000LL);
	kube_rows_free(r);

	r = parse(KUBE_NAMESPACES, "namespaces.json");
	CHECK_INT(kube_rows_count(r), 3);
	CHECK_STR(kube_rows_text(r, row_of(r, "name", "old"), "phase"),
	    "Terminating");
	kube_rows_free(r);
}

/* Count rows of table for context. */
static int
count_rows(sqlite3 *db, const char *table, const char *context)
{
	sqlite3_stmt	*st;
	char		*sql;
	int		 n = -1;

	sql = xasprintf("SELECT count(*) FROM %s WHERE context = ?1", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	free(sql);
	return n;
}

/* Rows land in the real cache schema, replaced per context. */
static void
test_store(void)
{
	static const struct {
		enum kube_kind	 kind;
		const char	*file;
		const char	*table;
		int		 n;
	} sets[] = {
		{ KUBE_DEPLOYMENTS, "deployments.json", "kube_deployments", 2 },
		{ KUBE_REPLICASETS, "replicasets.json", "kube_replicasets", 4 },
		{ KUBE_PODS, "pods.json", "kube_pods", 9 },
		{ KUBE_EVENTS, "events.json", "kube_events", 3 },
		{ KUBE_NODES, "nodes.json", "kube_nodes", 3 },
		{ KUBE_NAMESPACES, "namespaces.json", "kube_namespaces", 3 },
		{ KUBE_STATEFULSETS, "statefulsets.json", "kube_statefulsets",
		  2 },
		{ KUBE_DAEMONSETS, "daemonsets.json", "kube_daemonsets", 2 }
	};
	char		 dir[] = "/tmp/test_kube.XXXXXX", *path, *cause = NULL;
	char		*warning = NULL;
	struct cache	*cache;
	sqlite3		*db;
	sqlite3_stmt	*st;
	size_t		 k;

	CHECK(mkdtemp(dir) != NULL);
	path = xasprintf("%s/cache.db", dir);
	cache = cache_open(path, 0, &warning, &cause);
	CHECK(cache != NULL);
	if (cache == NULL) {
		printf("# %s\n", cause);
		free(cause);
		free(path);
		return;
	}
	db = cache_db(cache);
	for (k = 0; k < sizeof sets / sizeof sets[0]; k++) {
		struct kube_rows *r = parse(sets[k].kind, sets[k].file);

		const struct kube_rows	*lists[1] = { r };

		CHECK_INT(kube_rows_store(cache, "prod", sets[k].kind, lists,
		    1, 1000, &cause), 0);
		/* A second round replaces, never doubles. */
		CHECK_INT(kube_rows_store(cache, "prod", sets[k].kind, lists,
		    1, 2000, &cause), 0);
		CHECK_INT(count_rows(db, sets[k].table, "prod"), sets[k].n);
		CHECK_INT(count_rows(db, sets[k].table, "staging"), 0);
		kube_rows_free(r);
	}
	CHECK(sqlite3_prepare_v2(db, "SELECT reason, restarts, seen_ms FROM "
	    "kube_pods WHERE context = 'prod' AND name = 'api-crash'", -1,
	    &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0),
	    "CrashLoopBackOff");
	CHECK_INT(sqlite3_column_int(st, 1), 16);
	CHECK_INT(sqlite3_column_int64(st, 2), 2000);
	sqlite3_finalize(st);
	CHECK(sqlite3_prepare_v2(db, "SELECT s.update_revision || ' ' ||"
	    " s.ready_replicas || ' ' || s.seen_ms || ' ' || d.misscheduled"
	    " || ' ' || d.ready FROM kube_statefulsets s, kube_daemonsets d"
	    " WHERE s.context = 'prod' AND s.name = 'ledger' AND"
	    " d.context = 'prod' AND d.name = 'node-exporter'", -1, &st,
	    NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0),
	    "ledger-7b8c9d6f5e 2 2000 1 2");
	sqlite3_finalize(st);
	cache_close(cache);
	unlink(path);
	free(path);
	path = xasprintf("rm -rf '%s'", dir);
	CHECK(system(path) == 0);
	free(path);
	free(warning);
}

/* Status answers become sentences that say what to do. */
static void
test_status(void)
{
	struct buf	 b;
	char		*s;

	load(&b, "status-403.json");
	s = kube_status_sentence(403, b.data, b.len, "list", "pods",
	    "payments", NULL);
	CHECK_CONTAINS(s, "forbidden: pods is forbidden: User "
	    "\"system:serviceaccount:ops:sitrep\" cannot list");
	CHECK_CONTAINS(s, "(RBAC): ask for \"list\" on \"pods\" in namespace "
	    "payments");
	free(s);
	buf_done(&b);
	/* Without a Status body, the sentence names verb and resource. */
	s = kube_status_sentence(403, "", 0, "list", "pods", "payments", NULL);
	CHECK_STR(s, "forbidden: cannot list pods in namespace payments "
	    "(RBAC): ask for \"list\" on \"pods\"");
	free(s);
	s = kube_status_sentence(403, "", 0, "list", "nodes", NULL, NULL);
	CHECK_STR(s, "forbidden: cannot list nodes (RBAC): ask for \"list\" "
	    "on \"nodes\"");
	free(s);
	s = kube_status_sentence(403, "", 0, "list", "pods", NULL, NULL);
	CHECK_CONTAINS(s, "cannot list pods across all namespaces");
	free(s);
	s = kube_status_sentence(401, "{}", 2, "list", "pods", NULL, NULL);
	CHECK_CONTAINS(s, "unauthorized (401)");
	CHECK_CONTAINS(s, "kubeconfig");
	free(s);

	load(&b, "status-404.json");
	s = kube_status_sentence(404, b.data, b.len, "get", "deployments",
	    "payments", "nope");
	CHECK_STR(s, "deployments.apps \"nope\" not found: check the name "
	    "and the namespace");
	free(s);
	buf_done(&b);
	load(&b, "status-409.json");
	s = kube_status_sentence(409, b.data, b.len, "patch", "deployments",
	    "payments", NULL);
	CHECK_CONTAINS(s, "the object has been modified");
	CHECK_CONTAINS(s, "refresh and try again");
	free(s);
	buf_done(&b);

	/* Escapes in a Status message never reach the terminal. */
	load(&b, "status-hostile.json");
	s = kube_status_sentence(500, b.data, b.len, "list", "pods", NULL,
	    NULL);
	CHECK(strchr(s, '\033') == NULL && strchr(s, '\a') == NULL);
	CHECK_CONTAINS(s, "HTTP 500");
	CHECK_CONTAINS(s, "thing");
	free(s);
	buf_done(&b);
	s = kube_status_sentence(502, "<h1>\033[2Jbad gateway</h1>", 25,
	    "list", "nodes", NULL, NULL);
	CHECK(strchr(s, '\033') == NULL);
	CHECK_CONTAINS(s, "bad gateway");
	free(s);
}

/* Plan a rollback from recorded files. */
static int
plan(const char *dep, const char *rs, int64_t to, char **patch,
    int64_t *rev, char **msg, char **cause)
{
	struct buf	d, r;
	int		rc;

	load(&d, dep);
	load(&r, rs);
	rc = kube_undo_plan(d.data, d.len, r.data, r.len, to, patch, rev, msg,
	    cause);
	buf_done(&d);
	buf_done(&r);
	return rc;
}

/* The rollback plan: which revision, which patch, when to refuse. */
static void
test_undo_plan(void)
{
	char		*patch, *msg, *cause = NULL, *txt;
	int64_t		 rev;
	cJSON		*p, *tmpl, *ann;
	const cJSON	*op0, *op1;

	/* The previous revision: 2, not the foreign ReplicaSet's 7. */
	CHECK_INT(plan("deployment-api.json", "replicasets.json", 0, &patch,
	    &rev, &msg, &cause), 0);
	CHECK_INT(rev, 2);
	CHECK(msg == NULL);
	CHECK(patch != NULL);
	p = cJSON_Parse(patch);
	CHECK(cJSON_IsArray(p) && cJSON_GetArraySize(p) == 2);
	op0 = cJSON_GetArrayItem(p, 0);
	op1 = cJSON_GetArrayItem(p, 1);
	CHECK_STR(cJSON_GetObjectItem(op0, "op")->valuestring, "replace");
	CHECK_STR(cJSON_GetObjectItem(op0, "path")->valuestring,
	    "/spec/template");
	CHECK_STR(cJSON_GetObjectItem(op1, "path")->valuestring,
	    "/metadata/annotations");
	tmpl = cJSON_GetObjectItem(op0, "value");
	txt = cJSON_PrintUnformatted(tmpl);
	CHECK_CONTAINS(txt, "api:2.14.0");
	/* The hash label is the ReplicaSet's, not the template's. */
	CHECK(strstr(txt, "pod-template-hash") == NULL);
	CHECK_CONTAINS(txt, "\"labels\":{\"app\":\"api\"}");
	cJSON_free(txt);
	/*
	 * Annotations: the deployment's revision and last-applied stay;
	 * the ReplicaSet's desired/max replicas and its own last-applied
	 * do not come along; its other annotations do; the deployment's
	 * other annotations are dropped (kubectl does the same).
	 */
	ann = cJSON_GetObjectItem(op1, "value");
	txt = cJSON_PrintUnformatted(ann);
	CHECK_STR(txt, "{\"deployment.kubernetes.io/revision\":\"3\","
	    "\"kubectl.kubernetes.io/last-applied-configuration\":"
	    "\"{\\\"kind\\\":\\\"Deployment\\\"}\"}");
	cJSON_free(txt);
	cJSON_Delete(p);
	free(patch);

	/* --to-revision=1 carries revision 1's change-cause. */
	CHECK_INT(plan("deployment-api.json", "replicasets.json", 1, &patch,
	    &rev, &msg, &cause), 0);
	CHECK_INT(rev, 1);
	CHECK_CONTAINS(patch, "api:2.13.0");
	CHECK_CONTAINS(patch, "\"kubernetes.io/change-cause\":\"first "
	    "release\"");
	free(patch);

	/* The current revision: nothing to do. */
	CHECK_INT(plan("deployment-api.json", "replicasets.json", 3, &patch,
	    &rev, &msg, &cause), 0);
	CHECK(patch == NULL);
	CHECK_STR(msg, "skipped rollback (current template already matches "
	    "revision 3)");
	free(msg);

	/* Not in history; the foreign ReplicaSet's revision does not count. */
	CHECK_INT(plan("deployment-api.json", "replicasets.json", 7, &patch,
	    &rev, &msg, &cause), -1);
	CHECK_STR(cause, "unable to find specified revision 7 in history");
	free(cause);
	cause = NULL;
	CHECK_INT(plan("deployment-api.json", "replicasets-one.json", 0,
	    &patch, &rev, &msg, &cause), -1);
	CHECK_STR(cause, "no rollout history found for deployment \"api\"");
	free(cause);
	cause = NULL;
	CHECK_INT(plan("deployment-api-paused.json", "replicasets.json", 0,
	    &patch, &rev, &msg, &cause), -1);
	CHECK_CONTAINS(cause, "is paused; resume it first");
	free(cause);
	cause = NULL;
	CHECK_INT(plan("deployment-api.json", "replicasets.json", -1,
	    &patch, &rev, &msg, &cause), -1);
	free(cause);
	cause = NULL;

	/* A name from the server reaches the sentence inert. */
	{
		static const char dep[] = "{\"metadata\":{\"name\":"
		    "\"a\\u000b\\u001b]0;x\\u0007b\",\"uid\":\"u\"},"
		    "\"spec\":{\"paused\":true}}";
		static const char rss[] = "{\"items\":[]}";

		CHECK_INT(kube_undo_plan(dep, sizeof dep - 1, rss,
		    sizeof rss - 1, 0, &patch, &rev, &msg, &cause), -1);
		CHECK_STR(cause, "no rollout history found for deployment "
		    "\"a^K^[]0;x^Gb\"");
		free(cause);
		cause = NULL;
	}
}

/* Label selectors and the names allowed in a path. */
static void
test_selector(void)
{
	char	*s, *cause = NULL;
	const char *obj = "{\"spec\":{\"selector\":{\"matchLabels\":"
	    "{\"app\":\"api\",\"tier\":\"be\"},\"matchExpressions\":["
	    "{\"key\":\"env\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]},"
	    "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"}]}}}";

	s = kube_label_selector(obj, strlen(obj), &cause);
	CHECK_STR(s, "app=api,tier=be,env in (a,b),!canary");
	free(s);
	s = kube_label_selector("{\"spec\":{}}", 11, &cause);
	CHECK(s == NULL);
	CHECK_CONTAINS(cause, "no spec.selector");
	free(cause);
	cause = NULL;
	obj = "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"x&y=z\"}}}}";
	s = kube_label_selector(obj, strlen(obj), &cause);
	CHECK(s == NULL);
	free(cause);
	CHECK(kube_name_valid("payments"));
	CHECK(!kube_name_valid("../etc"));
	CHECK(!kube_name_valid("a/b"));
	CHECK(!kube_name_valid(""));
}

static const struct test tests[] = {
	TEST(test_pods),
	TEST(test_paging),
	TEST(test_nodes),
	TEST(test_deployments_replicasets),
	TEST(test_replicaset_templates),
	TEST(test_statefulsets_daemonsets),
	TEST(test_events_namespaces),
	TEST(test_store),
	TEST(test_status),
	TEST(test_undo_plan),
	TEST(test_selector),
	{ NULL, NULL }
};

/* Run every test. */
int
main(void)
{
	return harness_run(tests);
}
