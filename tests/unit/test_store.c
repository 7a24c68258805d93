/*
 * test_store.c: the one store every source writes through (core/store.c).
 *
 * First the parsers of the real sources on recorded payloads
 * (tests/data/prom/, tests/data/alertmanager/): Prometheus targets,
 * instant vectors and range matrices, Alertmanager alerts and silences,
 * hostile and malformed items included, and what storing them leaves in
 * the cache (window points that accumulate, histories that are replaced,
 * HA copies merged by newest update).
 *
 * Then the acceptance test: one simulated round and one recorded real
 * round of the same world must leave identical rows.  tests/data/store/
 * holds Alertmanager, Kubernetes and Prometheus answers, in the servers'
 * own shapes, that describe the small world below at NOW; the simulator
 * plays that world into one context, the real parsers and row mappings
 * store the recorded answers into another, and every column of every row
 * is compared.  A final test changes one column and checks that the
 * comparison notices, so a silent comparison cannot pass for equality.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/alertmanager.h"
#include "backends/backend.h"
#include "backends/kube.h"
#include "backends/prom.h"
#include "backends/sim.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/store.h"
#include "core/views_detail.h"

#define NOW	1795458089000LL		/* 2026-11-23T18:21:29Z */
#define MIN	(60 * 1000LL)
#define HOUR	(60 * MIN)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char	dir[] = "/tmp/sitrep-store-XXXXXX";
static int	ncache;

/* The source tree, where the data files are. */
static const char *
srcdir(void)
{
	const char	*s = getenv("top_srcdir");

	return (s != NULL && *s != '\0') ? s : ".";
}

/* Read tests/data/name into b; bails out if it cannot. */
static void
load(struct buf *b, const char *name)
{
	char	*path, *cause = NULL;

	buf_init(b, 0);
	path = xasprintf("%s/tests/data/%s", srcdir(), name);
	if (buf_read_file(b, path, &cause) != 0) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(path);
}

/* A fresh cache in the temp dir, inside a transaction as the poller's. */
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
	if (cache_begin(c, &cause) != 0) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(warning);
	free(path);
	return c;
}

/* Commit and close. */
static void
close_cache(struct cache *c)
{
	char	*cause = NULL;

	CHECK_INT(cache_commit(c, &cause), 0);
	free(cause);
	cache_close(c);
}

/* The result of a query's first column of the first row, as text. */
static char *
value(struct cache *c, const char *sql)
{
	sqlite3_stmt	*st;
	char		*out = NULL;

	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(cache_db(c)));
		return NULL;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		out = xstrdup(sqlite3_column_type(st, 0) == SQLITE_NULL ?
		    "NULL" : (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* CHECK that a query answers text. */
static void
check_value(struct cache *c, const char *sql, const char *want, int line)
{
	char	*got = value(c, sql);

	if (got == NULL || strcmp(got, want) != 0) {
		printf("# line %d: %s\n#   gives %s\n#   expected %s\n", line,
		    sql, got != NULL ? got : "(no row)", want);
		harness_failed = 1;
	}
	free(got);
}
#define CHECK_VALUE(c, sql, want) check_value((c), (sql), (want), __LINE__)

/*
 * Every row of table for context, every column but context, quoted as
 * SQL literals (so NULL, 0 and '' differ, and 1 differs from '1'), one
 * line per row in primary-key order.
 */
static char *
rows_of(struct cache *c, const char *table, const char *context)
{
	sqlite3_stmt	*st;
	struct buf	 cols, sql, out;
	const char	*name;

	buf_init(&cols, 0);
	buf_init(&sql, 0);
	buf_init(&out, 0);
	buf_printf(&sql, "PRAGMA table_info(%s)", table);
	if (sqlite3_prepare_v2(cache_db(c), buf_str(&sql), -1, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 1);
		if (strcmp(name, "context") == 0)
			continue;
		buf_printf(&cols, "%s'%s=' || quote(%s)", cols.len > 0 ?
		    " || ' | ' || " : "", name, name);
	}
	sqlite3_finalize(st);
	buf_reset(&sql);
	buf_printf(&sql, "SELECT %s FROM %s WHERE context = ?1 ORDER BY 1",
	    buf_str(&cols), table);
	if (sqlite3_prepare_v2(cache_db(c), buf_str(&sql), -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			buf_printf(&out, "%s\n", sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	} else
		buf_printf(&out, "error: %s", sqlite3_errmsg(cache_db(c)));
	buf_done(&cols);
	buf_done(&sql);
	return buf_detach(&out);
}

/* Print text's lines as TAP diagnostics. */
static void
diag_lines(const char *label, const char *text)
{
	const char	*p, *nl;
	size_t		 n;

	printf("# %s:\n", label);
	for (p = text != NULL ? text : "?"; *p != '\0'; p += n) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		printf("#   %.*s\n", (int)n, p);
		if (nl != NULL)
			n++;
	}
}

/*
 * Whether table has the same rows in both contexts; on a difference,
 * print both sides as TAP diagnostics when loud.  nrows gets the count.
 */
static int
same_rows(struct cache *c, const char *table, const char *a, const char *b,
    int loud, int *nrows)
{
	char		*ra = rows_of(c, table, a), *rb = rows_of(c, table, b);
	const char	*p;
	int		 same;

	same = ra != NULL && rb != NULL && strcmp(ra, rb) == 0;
	*nrows = 0;
	for (p = ra != NULL ? ra : ""; *p != '\0'; p++)
		*nrows += *p == '\n';
	if (!same && loud) {
		printf("# %s differs\n", table);
		diag_lines(a, ra);
		diag_lines(b, rb);
	}
	free(ra);
	free(rb);
	return same;
}

/* ------------------------------------------------------------------ */
/* Prometheus parsers                                                  */
/* ------------------------------------------------------------------ */

/* /api/v1/targets: the active targets, normalised. */
static void
test_prom_targets(void)
{
	struct prom_target	*t = NULL;
	struct store_target	 row;
	struct buf		 b;
	struct cache		*c;
	char			*cause = NULL;
	size_t			 n = 0;

	load(&b, "prom/targets.json");
	CHECK_INT(prom_parse_targets(b.data, b.len, 200, &t, &n, &cause), 0);
	CHECK_INT(n, 4);			/* "not a target" skipped */
	if (n != 4) {
		buf_done(&b);
		prom_targets_free(t, n);
		return;
	}
	CHECK_STR(t[0].job, "api");
	CHECK_STR(t[0].instance, "10.42.1.17:8080");
	CHECK_STR(t[0].health, "up");
	CHECK_STR(t[0].last_error, NULL);	/* "" is no error */
	CHECK_INT(t[0].last_scrape_ms, 1795458081402LL);
	CHECK_STR(t[0].scrape_url, "http://10.42.1.17:8080/metrics");
	CHECK_STR(t[0].labels, "{\"instance\":\"10.42.1.17:8080\","
	    "\"job\":\"api\",\"namespace\":\"payments\","
	    "\"pod\":\"api-64c95cf4-8kq2m\"}");
	CHECK_STR(t[1].health, "down");
	CHECK_STR(t[1].last_error, "Get \"http://10.42.2.9:8080/metrics\": "
	    "context deadline exceeded");
	CHECK_INT(t[1].last_scrape_ms, 1795458074000LL);
	/* Never scraped: no instance label, the zero time. */
	CHECK_STR(t[2].health, "unknown");
	CHECK_STR(t[2].instance, "http://blackbox:9115/probe?module=http_2xx");
	CHECK_INT(t[2].last_scrape_ms, 0);
	/* No job label: the scrape pool; an unknown health word. */
	CHECK_STR(t[3].job, "edge-nodes");
	CHECK_STR(t[3].health, "unknown");
	CHECK_INT(t[3].last_scrape_ms, 1795458059500LL);
	/* Kept as the server said it (valid UTF-8), escaped when shown. */
	CHECK(sanitize_is_clean(t[3].last_error, 0) == 0);

	/* Stored: the zero time is NULL, "" errors are NULL. */
	c = open_cache();
	prom_target_row(&t[2], &row);
	CHECK_INT(store_targets(c, "prod", "prometheus", &row, 1, NOW,
	    &cause), 0);
	CHECK_VALUE(c, "SELECT quote(last_scrape_ms) || quote(last_error) || "
	    "seen_ms FROM targets", "NULLNULL1795458089000");
	close_cache(c);
	prom_targets_free(t, n);
	buf_done(&b);

	/* An error answer names the PromQL's endpoint and what was said. */
	load(&b, "prom/query-error.json");
	CHECK_INT(prom_parse_targets(b.data, b.len, 400, &t, &n, &cause), -1);
	CHECK_CONTAINS(cause, "bad_data: invalid parameter");
	CHECK_CONTAINS(cause, "/api/v1/targets");
	free(cause);
	buf_done(&b);
}

/* /api/v1/query: a vector with NaN, +Inf, an empty label set, warnings. */
static void
test_prom_vector(void)
{
	struct prom_result	 r;
	struct buf		 b;
	struct cache		*c;
	char			*cause = NULL;

	load(&b, "prom/query-vector.json");
	CHECK_INT(prom_parse_query(b.data, b.len, 200, "error_ratio", &r,
	    &cause), 0);
	CHECK_INT(r.type, PROM_VECTOR);
	CHECK_INT(r.nseries, 4);
	if (r.nseries != 4) {
		prom_result_done(&r);
		buf_done(&b);
		return;
	}
	CHECK_STR(r.series[0].metric, "{\"job\":\"api\","
	    "\"namespace\":\"payments\"}");
	CHECK_INT(r.series[0].npoints, 1);
	CHECK_INT(r.series[0].points[0].ts_ms, NOW);
	CHECK_NEAR(r.series[0].points[0].value, 0.01234, 1e-12);
	CHECK_INT(r.series[1].points[0].ts_ms, NOW + 500);
	CHECK(isnan(r.series[1].points[0].value));
	CHECK(isinf(r.series[2].points[0].value));
	CHECK_STR(r.series[3].metric, "{}");
	CHECK_INT(r.nwarnings, 1);
	if (r.nwarnings == 1) {
		CHECK_CONTAINS(r.warnings[0], "might not be a counter");
		CHECK(sanitize_is_clean(r.warnings[0], 0) != 0);
	}

	/* Stored as series: NaN and +Inf are NULL; replaced per source. */
	c = open_cache();
	CHECK_INT(prom_store_series(c, "prod", "prometheus", "up", &r,
	    &cause), 0);
	CHECK_INT(prom_store_series(c, "prod", "prometheus", "up", &r,
	    &cause), 0);
	CHECK_VALUE(c, "SELECT count(*) FROM series", "4");
	CHECK_VALUE(c, "SELECT count(*) FROM series WHERE value IS NULL",
	    "2");
	CHECK_VALUE(c, "SELECT value FROM series WHERE metric = "
	    "'{\"job\":\"api\",\"namespace\":\"payments\"}'", "0.01234");
	close_cache(c);
	prom_result_done(&r);
	buf_done(&b);
}

/* /api/v1/query_range: a matrix, stored as a history that is replaced. */
static void
test_prom_matrix(void)
{
	struct prom_result	 r, empty;
	struct buf		 b, e;
	struct cache		*c;
	char			*cause = NULL;

	load(&b, "prom/query-range.json");
	CHECK_INT(prom_parse_query(b.data, b.len, 200, "ratio[1h]", &r,
	    &cause), 0);
	CHECK_INT(r.type, PROM_MATRIX);
	CHECK_INT(r.nseries, 1);
	if (r.nseries != 1) {
		prom_result_done(&r);
		buf_done(&b);
		return;
	}
	CHECK_STR(r.series[0].metric, "{\"slo\":\"checkout-availability\"}");
	CHECK_INT(r.series[0].npoints, 5);
	CHECK_INT(r.series[0].points[0].ts_ms, 1795454400000LL);
	CHECK_INT(r.series[0].points[4].ts_ms, 1795458000000LL);
	CHECK(isnan(r.series[0].points[2].value));
	CHECK_NEAR(r.series[0].points[3].value, 0.0412, 1e-12);

	c = open_cache();
	CHECK_INT(prom_store_history(c, "prod", "slo:x:spark:1h", &r, &cause),
	    0);
	CHECK_INT(prom_store_history(c, "prod", "slo:x:spark:1h", &r, &cause),
	    0);
	CHECK_VALUE(c, "SELECT count(*) || '/' || count(value) FROM samples",
	    "5/4");
	/* An empty answer empties the history: no stale sparkline. */
	load(&e, "prom/query-empty.json");
	CHECK_INT(prom_parse_query(e.data, e.len, 200, "ratio[1h]", &empty,
	    &cause), 0);
	CHECK_INT(prom_store_history(c, "prod", "slo:x:spark:1h", &empty,
	    &cause), 0);
	CHECK_VALUE(c, "SELECT count(*) FROM samples", "0");
	close_cache(c);
	prom_result_done(&empty);
	prom_result_done(&r);
	buf_done(&e);
	buf_done(&b);
}

/* SLO windows: a point per round at the evaluation time, a day kept. */
static void
test_prom_windows(void)
{
	struct prom_result	 r, empty;
	struct buf		 b, e;
	struct cache		*c;
	char			*cause = NULL;
	int			 i;

	load(&b, "prom/query-vector.json");
	load(&e, "prom/query-empty.json");
	CHECK_INT(prom_parse_query(b.data, b.len, 200, "q", &r, &cause), 0);
	CHECK_INT(prom_parse_query(e.data, e.len, 200, "q", &empty, &cause),
	    0);
	c = open_cache();
	for (i = 0; i < 30; i++)
		CHECK_INT(prom_store_window(c, "prod", "slo:x:ratio:5m",
		    NOW + (int64_t)i * HOUR, &r, &cause), 0);
	/* The oldest points fell out: a day before the newest stays. */
	CHECK_VALUE(c, "SELECT count(*) FROM samples", "25");
	CHECK_VALUE(c, "SELECT min(ts_ms) FROM samples", "1795476089000");
	/* The first series' point is stored at the evaluation time. */
	CHECK_VALUE(c, "SELECT value FROM samples WHERE ts_ms = "
	    "1795458089000 + 29 * 3600000", "0.01234");
	/* No series: "no data" is recorded as NULL. */
	CHECK_INT(prom_store_window(c, "prod", "slo:x:ratio:5m",
	    NOW + 30 * HOUR, &empty, &cause), 0);
	CHECK_VALUE(c, "SELECT quote(value) FROM samples ORDER BY ts_ms DESC "
	    "LIMIT 1", "NULL");
	close_cache(c);
	prom_result_done(&empty);
	prom_result_done(&r);
	buf_done(&e);
	buf_done(&b);
}

/* ------------------------------------------------------------------ */
/* Alertmanager parsers                                                */
/* ------------------------------------------------------------------ */

/* /api/v2/alerts: states, receivers, times, unkeyable items skipped. */
static void
test_am_alerts(void)
{
	struct am_alert	*a = NULL;
	struct buf	 b;
	char		*cause = NULL;
	size_t		 n = 0;

	load(&b, "alertmanager/alerts.json");
	CHECK_INT(am_parse_alerts(b.data, b.len, 200, &a, &n, &cause), 0);
	CHECK_INT(n, 4);	/* no fingerprint, and 42, are skipped */
	if (n != 4) {
		am_alerts_free(a, n);
		buf_done(&b);
		return;
	}
	CHECK_STR(a[0].fingerprint, "84393c70c01dae9d");
	CHECK_STR(a[0].alertname, "ErrorBudgetBurn");
	CHECK_STR(a[0].severity, "critical");
	CHECK_STR(a[0].state, "active");
	CHECK_STR(a[0].silenced_by, "[]");
	CHECK_STR(a[0].receivers, "[\"pagerduty-oncall\",\"slack-alerts\"]");
	CHECK_INT(a[0].starts_at_ms, 1795457549000LL);
	CHECK_INT(a[0].ends_at_ms, 1795458329000LL);
	CHECK_INT(a[0].updated_at_ms, 1795458063315LL);
	CHECK_CONTAINS(a[0].annotations, "\"runbook_url\":"
	    "\"https://runbooks.example.com/slo/errorbudgetburn\"");
	CHECK_STR(a[1].state, "suppressed");
	CHECK_STR(a[1].silenced_by,
	    "[\"02f2c300-ce28-4b59-9281-c2e17fb2c8f5\"]");
	CHECK_STR(a[2].inhibited_by, "[\"84393c70c01dae9d\"]");
	/* No alertname or severity; a state Alertmanager never sends. */
	CHECK_STR(a[3].alertname, "");
	CHECK_STR(a[3].severity, NULL);
	CHECK_STR(a[3].state, "unprocessed");
	CHECK_STR(a[3].receivers, "[]");
	CHECK_INT(a[3].starts_at_ms, 0);
	am_alerts_free(a, n);
	buf_done(&b);

	/* Not a list: says what was asked. */
	CHECK_INT(am_parse_alerts("{}", 2, 200, &a, &n, &cause), -1);
	CHECK_CONTAINS(cause, "/api/v2/alerts");
	free(cause);
}

/* /api/v2/silences: states and matchers as the server wrote them. */
static void
test_am_silences(void)
{
	struct am_silence	*s = NULL;
	struct buf		 b;
	char			*cause = NULL;
	size_t			 n = 0;

	load(&b, "alertmanager/silences.json");
	CHECK_INT(am_parse_silences(b.data, b.len, 200, &s, &n, &cause), 0);
	CHECK_INT(n, 3);	/* the one without an id is skipped */
	if (n != 3) {
		am_silences_free(s, n);
		buf_done(&b);
		return;
	}
	CHECK_STR(s[0].id, "02f2c300-ce28-4b59-9281-c2e17fb2c8f5");
	CHECK_STR(s[0].state, "active");
	CHECK_STR(s[0].created_by, "maria.k@example.com");
	CHECK_STR(s[0].matchers, "[{\"isEqual\":true,\"isRegex\":false,"
	    "\"name\":\"service\",\"value\":\"search\"}]");
	CHECK_INT(s[0].starts_at_ms, 1795456289176LL);
	CHECK_INT(s[0].ends_at_ms, 1795465289000LL);
	CHECK_STR(s[1].state, "expired");
	CHECK_CONTAINS(s[1].matchers, "\"isRegex\":true");
	CHECK_STR(s[2].state, "pending");
	CHECK_CONTAINS(s[2].matchers, "\"isEqual\":false");
	am_silences_free(s, n);
	buf_done(&b);
}

/* Two members' copies of an alert: the newest update wins, any order. */
static void
test_am_merge(void)
{
	struct am_alert		*a = NULL;
	struct store_alert	 rows[2];
	struct buf		 b;
	struct cache		*c;
	char			*cause = NULL;
	size_t			 n = 0;
	int			 order;

	load(&b, "alertmanager/alerts.json");
	CHECK_INT(am_parse_alerts(b.data, b.len, 200, &a, &n, &cause), 0);
	if (n < 1) {
		buf_done(&b);
		return;
	}
	c = open_cache();
	for (order = 0; order < 2; order++) {
		am_alert_row(&a[0], "am-1:9093", &rows[order]);
		am_alert_row(&a[0], "am-2:9093", &rows[1 - order]);
		/* am-2 saw it later and already resolving. */
		rows[1 - order].updated_at_ms += 5000;
		rows[1 - order].state = "suppressed";
		CHECK_INT(store_alerts(c, "prod", rows, 2, NOW, &cause), 0);
		CHECK_VALUE(c, "SELECT count(*) || state || updated_at_ms "
		    "FROM alerts", "1suppressed1795458068315");
	}
	/* A round without it: gone. */
	CHECK_INT(store_alerts(c, "prod", NULL, 0, NOW, &cause), 0);
	CHECK_VALUE(c, "SELECT count(*) FROM alerts", "0");
	close_cache(c);
	am_alerts_free(a, n);
	buf_done(&b);
}

/* The alerts of prod but their seen_ms, one text, in fingerprint order. */
static char *
alerts_text(struct cache *c)
{
	return value(c, "SELECT group_concat(r, char(10)) FROM (SELECT"
	    " quote(source) || quote(fingerprint) || quote(alertname) ||"
	    " quote(severity) || quote(state) || quote(silenced_by) ||"
	    " quote(inhibited_by) || quote(labels) || quote(annotations) ||"
	    " quote(starts_at_ms) || quote(ends_at_ms) ||"
	    " quote(updated_at_ms) || quote(generator_url) ||"
	    " quote(receivers) AS r FROM alerts WHERE context = 'prod'"
	    " ORDER BY fingerprint)");
}

/*
 * Rounds that change a few alerts, drop some, add some, and list some
 * twice as the members of an HA pair do: writing only what changed
 * leaves the rows a round stored into an empty cache leaves; a round
 * that changes nothing writes nothing and moves no change counter.
 */
static void
test_am_changes_only(void)
{
	static const char *const states[] = { "active", "suppressed" };
	struct store_alert	 rows[24];
	char			 fp[24][16], labels[24][64];
	struct cache		*c = open_cache(), *ref;
	char			*cause = NULL, *want, *got, *gen, *gen2;
	unsigned int		 seed = 3;
	int			 round, i, n, k;

	for (round = 0; round < 40; round++) {
		n = 0;
		for (i = 0; i < 16; i++) {
			if (rand_r(&seed) % 4 == 0)
				continue;
			k = n;
			snprintf(fp[k], sizeof fp[k], "fp%02d", i);
			snprintf(labels[k], sizeof labels[k],
			    "{\"alertname\":\"A%d\"}", i % 5);
			memset(&rows[k], 0, sizeof rows[k]);
			rows[k].source = rand_r(&seed) % 2 ? "am-1" : "am-2";
			rows[k].fingerprint = fp[k];
			rows[k].alertname = "A";
			rows[k].severity = "warning";
			rows[k].state = states[rand_r(&seed) % 8 == 0];
			rows[k].silenced_by = "[]";
			rows[k].inhibited_by = "[]";
			rows[k].labels = labels[k];
			rows[k].annotations = rand_r(&seed) % 8 == 0 ?
			    "{\"summary\":\"b\"}" : "{\"summary\":\"a\"}";
			rows[k].starts_at_ms = NOW - 1000 * i;
			rows[k].updated_at_ms = NOW + 1000 *
			    (int64_t)(rand_r(&seed) % 3);
			n++;
			/* The other member lists it too, maybe newer. */
			if (rand_r(&seed) % 3 == 0 && n < 24) {
				rows[n] = rows[k];
				rows[n].source = "am-3";
				rows[n].updated_at_ms += rand_r(&seed) % 2 *
				    5000;
				rows[n].state = "suppressed";
				n++;
			}
		}
		CHECK_INT(store_alerts(c, "prod", rows, (size_t)n, NOW +
		    round, &cause), 0);
		ref = open_cache();
		CHECK_INT(store_alerts(ref, "prod", rows, (size_t)n, NOW,
		    &cause), 0);
		want = alerts_text(ref);
		got = alerts_text(c);
		CHECK_STR(got, want);
		free(want);
		close_cache(ref);
		/* The same round again: nothing written, nothing counted. */
		gen = value(c, "SELECT gen FROM changes WHERE tbl = 'alerts'");
		CHECK_INT(store_alerts(c, "prod", rows, (size_t)n, NOW +
		    round + 1, &cause), 0);
		gen2 = value(c, "SELECT gen FROM changes WHERE tbl = 'alerts'");
		CHECK_STR(gen2, gen);
		free(gen);
		free(gen2);
		want = alerts_text(c);
		CHECK_STR(want, got);
		free(want);
		free(got);
	}
	close_cache(c);
}

/* ------------------------------------------------------------------ */
/* One world, simulated and recorded                                   */
/* ------------------------------------------------------------------ */

/*
 * Two nodes, one service of two pods, one of them crash-looping for 20
 * minutes, and a StatefulSet of two healthy pods; an alert on the
 * crash loop, a page on the SLO, and a silenced alert.
 * tests/data/store/ describes this world at NOW as the servers answer.
 */
static const struct sim_node world_nodes[] = {
	{ "node-a", "eu-west-1a", NULL, 0, 0 },
	{ "node-b", "eu-west-1b", NULL, 0, 0 },
};
static const struct sim_service world_services[] = {
	{ "checkout", "shop", 2, 14,
	  "registry.example.com/shop/checkout:1.41.3",
	  "registry.example.com/shop/checkout:1.41.2", 8080, 0, 0,
	  SIM_DEPLOYMENT },
	{ "ledger", "shop", 2, 5, "registry.example.com/shop/ledger:0.9.7",
	  "registry.example.com/shop/ledger:0.9.6", 8080, 1, 0,
	  SIM_STATEFULSET },
};
static const struct sim_fault world_faults[] = {
	{ 0, 1, "CrashLoopBackOff",
	  "back-off 2m40s restarting failed container=checkout",
	  -20 * MIN, HOUR, 3 * MIN, 3 * MIN },
};
static const struct sim_alert world_alerts[] = {
	{ "KubePodCrashLooping", "warning", 0, "pod=$pod1,container=checkout",
	  0, -14 * MIN, HOUR, "Pod shop/$pod1 (checkout) is in waiting state "
	  "(reason: \"CrashLoopBackOff\").", "Pod shop/$pod1 on $node1 has "
	  "restarted repeatedly in the last 10 minutes.",
	  "kubernetes/kubepodcrashlooping" },
	{ "ErrorBudgetBurn", "critical", 0,
	  "slo=checkout-availability,long_window=1h,short_window=5m", 0,
	  -9 * MIN, HOUR, "checkout-availability is burning its error budget "
	  "fast (1h and 5m above 14.4x).", NULL, "slo/errorbudgetburn" },
	{ "SearchIndexLag", "warning", -1, "service=search", 0, -40 * MIN,
	  HOUR, "The products index is 20 minutes behind.", NULL,
	  "search/indexlag" },
};
static const struct sim_silence world_silences[] = {
	{ "02f2c300-ce28-4b59-9281-c2e17fb2c8f5", "service=search",
	  "maria.k@example.com", "Reindex after the schema change; lag is "
	  "expected until 20:00.", -30 * MIN, 2 * HOUR },
};
static const struct sim_scenario world = {
	"store-test", "prod-eu", 0x5eee, 0, 0,
	world_nodes, 2, world_services, 2, NULL, 0, world_faults, 1,
	NULL, 0, world_alerts, 3, world_silences, 1, NULL, 0, NULL, 0, NULL, 0
};

/* One simulated round of the world at NOW into context "sim". */
static void
store_sim(struct cache *c)
{
	struct conf	*conf = sim_scenario_conf(&world, "sim");
	struct source	 s;
	char		*cause = NULL;

	memset(&s, 0, sizeof s);
	s.name = xstrdup("sim");
	s.context = xstrdup("sim");
	s.conf = conf;
	s.ctx = &conf->contexts[0];
	sim_source_init(&s, &world, NOW);
	if (s.ops->store(&s, c, NOW, &cause) != 0) {
		printf("# sim: %s\n", cause);
		free(cause);
		harness_failed = 1;
	}
	s.ops->free(&s);
	free(s.name);
	free(s.context);
	conf_free(conf);
}

/* The recorded Alertmanager answers into context "real". */
static void
store_recorded_am(struct cache *c)
{
	struct am_alert		*a = NULL;
	struct am_silence	*x = NULL;
	struct store_alert	*ar;
	struct store_silence	*xr;
	struct buf		 ba, bs;
	char			*cause = NULL;
	size_t			 na = 0, nx = 0, i;

	load(&ba, "store/alerts.json");
	load(&bs, "store/silences.json");
	CHECK_INT(am_parse_alerts(ba.data, ba.len, 200, &a, &na, &cause), 0);
	CHECK_INT(am_parse_silences(bs.data, bs.len, 200, &x, &nx, &cause),
	    0);
	ar = xcalloc(na + 1, sizeof *ar);
	xr = xcalloc(nx + 1, sizeof *xr);
	/* The member is named as the simulator names its Alertmanager. */
	for (i = 0; i < na; i++)
		am_alert_row(&a[i], "alertmanager", &ar[i]);
	for (i = 0; i < nx; i++)
		am_silence_row(&x[i], "alertmanager", &xr[i]);
	CHECK_INT(store_alerts(c, "real", ar, na, NOW, &cause), 0);
	CHECK_INT(store_silences(c, "real", xr, nx, NOW, &cause), 0);
	free(ar);
	free(xr);
	am_alerts_free(a, na);
	am_silences_free(x, nx);
	buf_done(&ba);
	buf_done(&bs);
}

/* The recorded Kubernetes lists into context "real". */
static void
store_recorded_kube(struct cache *c)
{
	static const struct {
		enum kube_kind	 kind;
		const char	*file;
	} lists[] = {
		{ KUBE_DEPLOYMENTS, "store/deployments.json" },
		{ KUBE_STATEFULSETS, "store/statefulsets.json" },
		{ KUBE_REPLICASETS, "store/replicasets.json" },
		{ KUBE_PODS, "store/pods.json" },
	};
	const struct kube_rows	*one[1];
	struct kube_rows	*r;
	struct buf		 b;
	char			*cause = NULL, *next = NULL;
	size_t			 k;

	for (k = 0; k < sizeof lists / sizeof lists[0]; k++) {
		load(&b, lists[k].file);
		r = kube_rows_new(lists[k].kind);
		CHECK_INT(kube_rows_parse(r, b.data, b.len, &next, &cause), 0);
		CHECK(next == NULL);
		one[0] = r;
		CHECK_INT(kube_rows_store(c, "real", lists[k].kind, one, 1,
		    NOW, &cause), 0);
		kube_rows_free(r);
		buf_done(&b);
	}
	/* As the source does after a round's lists. */
	CHECK_INT(store_rollouts(c, "real", NOW, &cause), 0);
}

/* The recorded Prometheus targets into context "real". */
static void
store_recorded_targets(struct cache *c)
{
	struct prom_target	*t = NULL;
	struct store_target	*rows;
	struct buf		 b;
	char			*cause = NULL;
	size_t			 n = 0, i;

	load(&b, "store/targets.json");
	CHECK_INT(prom_parse_targets(b.data, b.len, 200, &t, &n, &cause), 0);
	rows = xcalloc(n + 1, sizeof *rows);
	for (i = 0; i < n; i++)
		prom_target_row(&t[i], &rows[i]);
	CHECK_INT(store_targets(c, "real", "prometheus", rows, n, NOW,
	    &cause), 0);
	free(rows);
	prom_targets_free(t, n);
	buf_done(&b);
}

/* CHECK that table has the same rows, and want of them, in both. */
static void
check_same(struct cache *c, const char *table, int want)
{
	int	n;

	if (!same_rows(c, table, "sim", "real", 1, &n)) {
		printf("# %s: the simulated and recorded rounds differ\n",
		    table);
		harness_failed = 1;
	}
	CHECK_INT(n, want);
}

/* Alerts and silences: the simulator's equal Alertmanager's. */
static void
test_same_alerts(void)
{
	struct cache	*c = open_cache();

	store_sim(c);
	store_recorded_am(c);
	check_same(c, "alerts", 3);
	check_same(c, "silences", 1);
	/* The simulator's fingerprints are Alertmanager's. */
	CHECK_VALUE(c, "SELECT fingerprint FROM alerts WHERE context = 'sim' "
	    "AND alertname = 'SearchIndexLag'", "294340b10b9b4cca");
	close_cache(c);
}

/*
 * Deployments, stateful sets, replica sets and pods: the simulator's
 * equal the API's.
 */
static void
test_same_kube(void)
{
	struct cache	*c = open_cache();

	store_sim(c);
	store_recorded_kube(c);
	check_same(c, "kube_deployments", 1);
	check_same(c, "kube_statefulsets", 1);
	check_same(c, "kube_replicasets", 2);
	check_same(c, "kube_pods", 4);
	check_same(c, "kube_rollouts", 2);
	/* The world is the one intended: a pod crash-looping. */
	CHECK_VALUE(c, "SELECT reason || ' ' || restarts || ' ' || ready FROM "
	    "kube_pods WHERE context = 'real' AND reason IS NOT NULL",
	    "CrashLoopBackOff 7 0");
	close_cache(c);
}

/* One round of a deployment and its replica sets, then its rollouts. */
static void
kube_round(struct cache *c, int64_t now, int64_t revision,
    const struct store_replicaset *rs, size_t nrs)
{
	struct store_deployment	d;
	char			*cause = NULL;

	memset(&d, 0, sizeof d);
	d.namespace = "shop";
	d.name = "web";
	d.uid = "u-web";
	d.generation = d.observed_generation = STORE_NULL;
	d.replicas = d.ready_replicas = d.updated_replicas =
	    d.available_replicas = 2;
	d.revision = revision;
	d.created_ms = NOW - 30 * 24 * HOUR;
	CHECK_INT(store_deployments(c, "prod", &d, 1, now, &cause), 0);
	CHECK_INT(store_replicasets(c, "prod", rs, nrs, now, &cause), 0);
	CHECK_INT(store_rollouts(c, "prod", now, &cause), 0);
	free(cause);
}

/* A replica set of web. */
static struct store_replicaset
web_rs(const char *name, int64_t revision, int64_t created_ms)
{
	struct store_replicaset	r;

	memset(&r, 0, sizeof r);
	r.namespace = "shop";
	r.name = name;
	r.owner_name = "web";
	r.owner_uid = "u-web";
	r.revision = revision;
	r.replicas = r.ready_replicas = STORE_NULL;
	r.created_ms = created_ms;
	r.images = "[\"web\"]";
	return r;
}

/*
 * Rollouts are history: a roll forward (a new ReplicaSet) is marked at
 * the set's creation, a rollback (an old set made current again under a
 * new revision) at the round that saw it, each once; a deployment first
 * seen brings its history from its sets, a reused one's time unknown.
 */
static void
test_rollouts_history(void)
{
	struct cache		*c = open_cache();
	struct store_replicaset	 rs[2];
	struct view_deployment	*d;
	char			*cause = NULL;

	/* First seen: revision 1 of web-a, made two hours ago. */
	rs[0] = web_rs("web-a", 1, NOW - 2 * HOUR);
	kube_round(c, NOW, 1, rs, 1);
	CHECK_VALUE(c, "SELECT group_concat(revision || ' ' || replicaset ||"
	    " ' ' || at_ms, ', ') FROM kube_rollouts", "1 web-a 1795450889000");
	/* Roll forward at +9 min, seen at +10 min: web-b, revision 2. */
	rs[1] = web_rs("web-b", 2, NOW + 9 * MIN);
	kube_round(c, NOW + 10 * MIN, 2, rs, 2);
	/* Rolled back to web-a (now revision 3), seen at +30 min. */
	rs[0].revision = 3;
	kube_round(c, NOW + 30 * MIN, 3, rs, 2);
	kube_round(c, NOW + 31 * MIN, 3, rs, 2);
	CHECK_VALUE(c, "SELECT group_concat(revision || ' ' || replicaset ||"
	    " ' ' || ((at_ms - 1795458089000) / 60000), ', ') FROM (SELECT *"
	    " FROM kube_rollouts ORDER BY revision)",
	    "1 web-a -120, 2 web-b 9, 3 web-a 30");
	/* The detail read gives the two marks of the last hour, in order. */
	d = views_deployment_read(c, "prod", "shop/web", VD_ROLLOUTS,
	    NOW + 1, NOW + HOUR, &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(d->nrollouts, 2);
		if (d->nrollouts == 2) {
			CHECK_INT(d->rollouts[0].revision, 2);
			CHECK_INT(d->rollouts[0].at_ms, NOW + 9 * MIN);
			CHECK_INT(d->rollouts[1].revision, 3);
			CHECK_INT(d->rollouts[1].at_ms, NOW + 30 * MIN);
			CHECK_STR(d->rollouts[1].replicaset, "web-a");
		}
	}
	views_deployment_free(d);
	free(cause);
	cause = NULL;

	/*
	 * Another cache first sees web after that rollback: web-b's
	 * revision at its creation, web-a's (made before web-b, yet the
	 * newer revision) when, it cannot know.
	 */
	close_cache(c);
	c = open_cache();
	kube_round(c, NOW + 40 * MIN, 3, rs, 2);
	CHECK_VALUE(c, "SELECT group_concat(revision || ' ' ||"
	    " coalesce(at_ms, 'unknown'), ', ') FROM (SELECT * FROM"
	    " kube_rollouts ORDER BY revision)", "2 1795458629000, 3 unknown");
	/* Thirty days on, old history goes, the current revision stays. */
	kube_round(c, NOW + 31 * 24 * HOUR, 3, rs, 2);
	CHECK_VALUE(c, "SELECT group_concat(revision) FROM kube_rollouts",
	    "3");
	close_cache(c);
}

/*
 * The simulator's rollback goes through the same writer: a round during
 * the bad rollout, one after the rollback, marks both; a world that
 * starts again starts its history again.
 */
static void
test_rollouts_sim(void)
{
	static const struct sim_rollout ro[] = {
		{ 0, 0, "registry.example.com/shop/checkout:1.42.0",
		  20 * MIN },
	};
	struct sim_scenario	 sc = world;
	struct conf		*conf;
	struct source		 s;
	struct cache		*c = open_cache();
	struct view_deployment	*d;
	char			*cause = NULL;

	sc.rollouts = ro;
	sc.nrollouts = 1;
	sc.open_ms = 10 * MIN;
	conf = sim_scenario_conf(&sc, "sim");
	memset(&s, 0, sizeof s);
	s.name = xstrdup("sim");
	s.context = xstrdup("sim");
	s.conf = conf;
	s.ctx = &conf->contexts[0];
	sim_source_init(&s, &sc, NOW);
	/* Ten minutes into the bad rollout (revision 15, made at 0). */
	CHECK_INT(s.ops->store(&s, c, NOW, &cause), 0);
	/* Rolled back at 20 min (revision 16), seen at 25. */
	CHECK_INT(s.ops->store(&s, c, NOW + 15 * MIN, &cause), 0);
	d = views_deployment_read(c, "sim", "shop/checkout", VD_ROLLOUTS,
	    NOW - HOUR, NOW + HOUR, &cause);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_INT(d->nrollouts, 2);
		if (d->nrollouts == 2) {
			CHECK_INT(d->rollouts[0].revision, 15);
			CHECK_INT(d->rollouts[0].at_ms, NOW - 10 * MIN);
			CHECK_INT(d->rollouts[1].revision, 16);
			CHECK_INT(d->rollouts[1].at_ms, NOW + 15 * MIN);
		}
	}
	views_deployment_free(d);
	/* The same name as revision 14's set: the rollback reused it. */
	CHECK_VALUE(c, "SELECT count(DISTINCT replicaset) FROM kube_rollouts"
	    " WHERE context = 'sim' AND revision IN (14, 16)", "1");
	/* Asked for an earlier moment, the world's history starts again. */
	CHECK_INT(s.ops->store(&s, c, NOW + 5 * MIN, &cause), 0);
	CHECK_VALUE(c, "SELECT group_concat(revision) FROM (SELECT revision"
	    " FROM kube_rollouts WHERE context = 'sim' ORDER BY revision)",
	    "13,14,15");
	free(cause);
	s.ops->free(&s);
	free(s.name);
	free(s.context);
	conf_free(conf);
	close_cache(c);
}

/* Scrape targets: the simulator's equal Prometheus's. */
static void
test_same_targets(void)
{
	struct cache	*c = open_cache();

	store_sim(c);
	store_recorded_targets(c);
	check_same(c, "targets", 6);
	close_cache(c);
}

/* The comparison sees a difference in any one column. */
static void
test_same_can_fail(void)
{
	static const char *const changes[] = {
		"UPDATE alerts SET severity = 'critical' WHERE context = "
		"'real' AND alertname = 'SearchIndexLag'",
		"UPDATE alerts SET seen_ms = seen_ms + 1 WHERE context = 'real'"
		" AND alertname = 'SearchIndexLag'",
		"UPDATE kube_pods SET reason = NULL WHERE context = 'real'",
		"UPDATE kube_deployments SET created_ms = created_ms + 1000 "
		"WHERE context = 'real'",
		"UPDATE kube_statefulsets SET update_revision = 'ledger-x' "
		"WHERE context = 'real'",
		/* The same matcher, its keys in another order. */
		"UPDATE silences SET matchers = '[{\"name\":\"service\","
		"\"value\":\"search\",\"isRegex\":false,\"isEqual\":true}]'"
		" WHERE context = 'real'",
		"UPDATE targets SET last_error = '' WHERE context = 'real' AND "
		"last_error IS NULL",
	};
	static const char *const tables[] = { "alerts", "alerts", "kube_pods",
	    "kube_deployments", "kube_statefulsets", "silences", "targets" };
	struct cache	*c;
	char		*err = NULL;
	size_t		 k;
	int		 n;

	for (k = 0; k < sizeof changes / sizeof changes[0]; k++) {
		c = open_cache();
		store_sim(c);
		store_recorded_am(c);
		store_recorded_kube(c);
		store_recorded_targets(c);
		CHECK(same_rows(c, tables[k], "sim", "real", 1, &n));
		CHECK(sqlite3_exec(cache_db(c), changes[k], NULL, NULL, &err) ==
		    SQLITE_OK);
		CHECK(sqlite3_changes(cache_db(c)) > 0);
		sqlite3_free(err);
		err = NULL;
		if (same_rows(c, tables[k], "sim", "real", 0, &n)) {
			printf("# unnoticed: %s\n", changes[k]);
			harness_failed = 1;
		}
		close_cache(c);
	}
}

static const struct test tests[] = {
	TEST(test_prom_targets),
	TEST(test_prom_vector),
	TEST(test_prom_matrix),
	TEST(test_prom_windows),
	TEST(test_am_alerts),
	TEST(test_am_silences),
	TEST(test_am_merge),
	TEST(test_am_changes_only),
	TEST(test_same_alerts),
	TEST(test_same_kube),
	TEST(test_rollouts_history),
	TEST(test_rollouts_sim),
	TEST(test_same_targets),
	TEST(test_same_can_fail),
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
