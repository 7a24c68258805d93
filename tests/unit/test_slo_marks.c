/*
 * test_slo_marks.c: the rollouts marked under the SLO detail page's
 * sparkline, painted by the console's own code (the bench hooks of
 * tui/tui.h) from a real cache: a rollback that reused an old ReplicaSet
 * is marked at the time its revision became current, and where several
 * revisions fall on one column the newest is the one named.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/views.h"
#include "tui/tui.h"

#define NOW	1795458089000LL		/* 2026-11-23T18:21:29Z */
#define MIN	(60 * 1000LL)
#define HOUR	(60 * MIN)

static const char yaml[] =
    "contexts:\n"
    "  - name: prod\n"
    "services:\n"
    "  - name: checkout\n"
    "    match: {namespace: shop, deployment: checkout}\n"
    "slos:\n"
    "  - name: checkout-availability\n"
    "    service: checkout\n"
    "    objective: 99.9\n"
    "    period: 30d\n"
    "    sli:\n"
    "      events:\n"
    "        error_query: e[{{.window}}]\n"
    "        total_query: t[{{.window}}]\n";

/*
 * checkout's day: revision 7 (checkout-a) six hours ago; revision 8
 * (checkout-b, a new set) three hours ago; rolled back to checkout-a as
 * revision 9 four minutes later, in the same 15-minute column.  The
 * replica sets are those the API lists: checkout-a was made days ago.
 */
static int
fill(struct cache *c)
{
	char	*sql, *err = NULL;
	int	 rc;

	sql = xasprintf(
	    "INSERT INTO kube_deployments (context, namespace, name,"
	    " replicas, ready_replicas, updated_replicas, available_replicas,"
	    " revision, labels, selector) VALUES ('prod', 'shop', 'checkout',"
	    " 2, 2, 2, 2, 9, '{\"app\":\"checkout\"}',"
	    " '{\"app\":\"checkout\"}');"
	    "INSERT INTO kube_replicasets (context, namespace, name,"
	    " owner_name, revision, created_ms) VALUES"
	    " ('prod', 'shop', 'checkout-a', 'checkout', 9, %lld),"
	    " ('prod', 'shop', 'checkout-b', 'checkout', 8, %lld);"
	    "INSERT INTO kube_rollouts (context, namespace, kind, name,"
	    " revision, replicaset, at_ms, seen_ms) VALUES"
	    " ('prod', 'shop', 'Deployment', 'checkout', 7, 'checkout-a',"
	    "  %lld, %lld),"
	    " ('prod', 'shop', 'Deployment', 'checkout', 8, 'checkout-b',"
	    "  %lld, %lld),"
	    " ('prod', 'shop', 'Deployment', 'checkout', 9, 'checkout-a',"
	    "  %lld, %lld);"
	    "INSERT INTO samples (context, query_key, ts_ms, value) VALUES"
	    " ('prod', 'slo:checkout-availability:ratio:1h', %lld, 0.0005),"
	    " ('prod', 'slo:checkout-availability:spark:1h', %lld, 0.0005),"
	    " ('prod', 'slo:checkout-availability:spark:1h', %lld, 0.005);",
	    NOW - 72 * HOUR, NOW - 3 * HOUR + MIN,
	    NOW - 6 * HOUR, NOW - 6 * HOUR,
	    NOW - 3 * HOUR + MIN, NOW - 3 * HOUR + 2 * MIN,
	    NOW - 3 * HOUR + 5 * MIN, NOW - 3 * HOUR + 6 * MIN,
	    NOW, NOW - 4 * HOUR, NOW - 2 * HOUR);
	rc = sqlite3_exec(cache_db(c), sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		printf("# SQL failed: %s\n", err);
	sqlite3_free(err);
	free(sql);
	return rc == SQLITE_OK ? 0 : -1;
}

/* The SLO detail page of the cache at path, painted at NOW; or NULL. */
static char *
slo_page(struct conf *conf, const char *path)
{
	struct tui_opts		 opts;
	struct tui_bench	*b;
	struct cache		*c;
	struct views		*v;
	char			*cause = NULL, *warning = NULL, *text = NULL;
	FILE			*out;

	if ((c = cache_open(path, 0, &warning, &cause)) == NULL ||
	    fill(c) != 0) {
		printf("# cache: %s\n", cause != NULL ? cause : "not filled");
		free(cause);
		cache_close(c);
		return NULL;
	}
	free(warning);
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	cache_close(c);
	if (v == NULL) {
		printf("# views: %s\n", cause);
		free(cause);
		return NULL;
	}
	memset(&opts, 0, sizeof opts);
	opts.conf = conf;
	opts.context = "prod";
	opts.cache_path = path;
	out = fopen("/dev/null", "w");
	b = out != NULL ? tui_bench_new(&opts, "xterm", out, 60, 200,
	    &cause) : NULL;
	if (b == NULL) {
		printf("# console: %s\n", cause != NULL ? cause : "no output");
		views_free(v);
	} else {
		tui_bench_show(b, v);
		text = tui_bench_text(b, 1, 1);
	}
	tui_bench_free(b);
	if (out != NULL)
		fclose(out);
	free(cause);
	return text;
}

/* The line of doc right under the one holding needle (a copy), or NULL. */
static char *
line_under(const char *doc, const char *needle)
{
	const char	*p = strstr(doc, needle), *nl, *end;

	if (p == NULL || (nl = strchr(p, '\n')) == NULL)
		return NULL;
	end = strchr(nl + 1, '\n');
	return end != NULL ? xstrndup(nl + 1, (size_t)(end - nl - 1)) :
	    xstrdup(nl + 1);
}

/* The marks under the sparkline: r7, and of r8 and r9 the newest. */
static void
test_marks(void)
{
	struct conf_problems	 probs;
	struct conf		*conf;
	char			 dir[] = "/tmp/sitrep-marks-XXXXXX";
	char			*path, *page, *axis;

	conf_problems_init(&probs);
	conf = conf_load_buffer("marks.yaml", yaml, sizeof yaml - 1, &probs);
	conf_problems_done(&probs);
	if (conf == NULL || mkdtemp(dir) == NULL) {
		CHECK(0);
		conf_free(conf);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	page = slo_page(conf, path);
	CHECK(page != NULL);
	if (page != NULL) {
		axis = line_under(page, "24h ago");
		CHECK(axis != NULL);
		if (axis != NULL) {
			CHECK_CONTAINS(axis, "^r7");
			/* One column, two revisions: the newest named. */
			CHECK_CONTAINS(axis, "^r9");
			CHECK(strstr(axis, "r8") == NULL);
			CHECK(strstr(axis, "^r7") < strstr(axis, "^r9"));
			free(axis);
		}
		/* Each still has its line, the rollback included. */
		CHECK_CONTAINS(page, "revision 8 of checkout (rolled out "
		    "2026-11-23T15:22:29Z)");
		CHECK_CONTAINS(page, "revision 9 of checkout (rolled out "
		    "2026-11-23T15:26:29Z)");
		free(page);
	}
	unlink(path);
	free(path);
	path = xasprintf("%s/cache.db-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/cache.db-shm", dir);
	unlink(path);
	free(path);
	if (rmdir(dir) != 0)
		printf("# could not remove %s\n", dir);
	conf_free(conf);
}

static const struct test tests[] = {
	TEST(test_marks),
	{ NULL, NULL }
};

/* Measure columns as a UTF-8 terminal would. */
int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	return harness_run(tests);
}
