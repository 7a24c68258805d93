/*
 * test_views.c: the health rollup, SLO figures, alert grouping and overall
 * status, computed from a real cache holding known rows.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "core/cache.h"
#include "core/conf.h"
#include "base/util.h"
#include "core/views.h"
#include "core/vocab.h"
#include "base/xmalloc.h"

#define NOW	1795458089000LL		/* 2026-11-23T18:21:29Z */

static char	dir[] = "/tmp/sitrep-views-XXXXXX";

/* Write a config file and load it. */
static struct conf *
load_conf(const char *yaml)
{
	struct conf_problems	 p;
	struct conf		*c;
	char			*path;
	FILE			*f;
	size_t			 i;

	path = xasprintf("%s/config.yaml", dir);
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

/* A fresh cache in the temp dir. */
static struct cache *
open_cache(const char *name)
{
	struct cache	*c;
	char		*path, *warning = NULL, *cause = NULL;

	path = xasprintf("%s/%s", dir, name);
	c = cache_open(path, 0, &warning, &cause);
	if (c == NULL)
		printf("# %s\n", cause);
	free(warning);
	free(cause);
	free(path);
	return c;
}

/* Run SQL on the cache, failing the test on error. */
static void
sql(struct cache *c, const char *s)
{
	char	*err = NULL;

	if (sqlite3_exec(cache_db(c), s, NULL, NULL, &err) != SQLITE_OK) {
		printf("# SQL failed: %s: %s\n", err, s);
		harness_failed = 1;
	}
	sqlite3_free(err);
}

/* Whether a service has a reason containing text. */
static int
has_reason(const struct view_service *s, const char *text)
{
	size_t	i;

	for (i = 0; i < s->nreasons; i++) {
		if (strstr(s->reasons[i], text) != NULL)
			return 1;
	}
	printf("# %s has no reason with \"%s\"; it has:", s->name, text);
	for (i = 0; i < s->nreasons; i++)
		printf(" [%s]", s->reasons[i]);
	printf("\n");
	return 0;
}

/* Whether a service has a reason containing text, saying nothing. */
static int
has_reason_quiet(const struct view_service *s, const char *text)
{
	size_t	i;

	for (i = 0; i < s->nreasons; i++) {
		if (strstr(s->reasons[i], text) != NULL)
			return 1;
	}
	return 0;
}

/* A service by name. */
static const struct view_service *
service(const struct views *v, const char *name)
{
	size_t	i;

	for (i = 0; i < v->nservices; i++) {
		if (strcmp(v->services[i].name, name) == 0)
			return &v->services[i];
	}
	printf("# no service %s\n", name);
	return NULL;
}

/* Insert a heartbeat alert name last updated at updated_ms. */
static void
heartbeat(struct cache *c, const char *name, int64_t updated_ms)
{
	char	*s;

	s = xasprintf("INSERT INTO alerts (context, source, fingerprint,"
	    " alertname, severity, state, silenced_by, inhibited_by, labels,"
	    " annotations, starts_at_ms, ends_at_ms, updated_at_ms) VALUES"
	    " ('prod', 'am', 'hb-%s', '%s', 'none', 'active', '[]', '[]',"
	    " '{\"alertname\":\"%s\",\"severity\":\"none\","
	    "\"service\":\"ledger-api\",\"namespace\":\"payments\"}', '{}',"
	    " %lld, %lld, %lld);", name, name, name,
	    (long long)(NOW - 30 * 86400000LL), (long long)(updated_ms +
	    240000), (long long)updated_ms);
	sql(c, s);
	free(s);
}

/* Insert an alert: fingerprint, name, severity, labels, annotations. */
static void
alert(struct cache *c, const char *fp, const char *name, const char *sev,
    const char *silenced_by, const char *labels, const char *annotations,
    int64_t starts_ms)
{
	char	*s;

	s = xasprintf("INSERT INTO alerts (context, source, fingerprint,"
	    " alertname, severity, state, silenced_by, inhibited_by, labels,"
	    " annotations, starts_at_ms, updated_at_ms) VALUES ('prod', 'am',"
	    " '%s', '%s', '%s', '%s', '%s', '[]', '%s', '%s', %lld, %lld);",
	    fp, name, sev, strcmp(silenced_by, "[]") == 0 ? "active" :
	    "suppressed", silenced_by, labels, annotations,
	    (long long)starts_ms, (long long)(NOW - 10000));
	sql(c, s);
	free(s);
}

/* Build the views of the first context, or NULL with the cause shown. */
static struct views *
build(struct cache *c, const struct conf *conf)
{
	struct views	*v;
	char		*cause = NULL;

	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	if (v == NULL) {
		printf("# %s\n", cause);
		free(cause);
	}
	return v;
}

static const char *config_yaml =
    "contexts:\n"
    "  - name: prod\n"
    "    refresh: 15s\n"
    "    prometheus: {url: http://127.0.0.1:9090}\n"
    "    alertmanagers: [{url: http://127.0.0.1:9093}]\n"
    "    kubernetes: {namespaces: [payments]}\n"
    "    probes:\n"
    "      - {name: api-ready, url: http://127.0.0.1:8000/ready, "
    "service: checkout}\n"
    "services:\n"
    "  - name: checkout\n"
    "    match: {namespace: payments, service: checkout}\n"
    "  - name: ledger\n"
    "    match: {namespace: payments, deployment: ledger-api}\n"
    "  - name: search\n"
    "    match: {job: search}\n"
    "slos:\n"
    "  - name: checkout-availability\n"
    "    service: checkout\n"
    "    objective: 99.9\n"
    "    period: 30d\n"
    "    sli:\n"
    "      events:\n"
    "        error_query: e[{{.window}}]\n"
    "        total_query: t[{{.window}}]\n";

/* Fresh sources and a mix of healthy and broken things. */
static void
populate(struct cache *c)
{
	char	*s;

	s = xasprintf(
	    "INSERT INTO sources (context, name, kind, last_attempt_ms,"
	    " last_success_ms, last_error, latency_ms, items) VALUES"
	    " ('prod', 'prometheus', 'prometheus', %lld, %lld, NULL, 40, 10),"
	    " ('prod', 'alertmanager', 'alertmanager', %lld, %lld, NULL, 5, 3),"
	    " ('prod', 'kubernetes', 'kubernetes', %lld, %lld, NULL, 9, 20),"
	    " ('prod', 'probes', 'probe', %lld, %lld, NULL, 3, 1);",
	    NOW - 1000, NOW - 1000, NOW - 1000, NOW - 1000, NOW - 1000,
	    NOW - 1000, NOW - 1000, NOW - 1000);
	sql(c, s);
	free(s);
	sql(c,
	    "INSERT INTO kube_deployments (context, namespace, name, replicas,"
	    " ready_replicas, updated_replicas, available_replicas, revision)"
	    " VALUES ('prod', 'payments', 'checkout', 3, 2, 3, 2, 7),"
	    " ('prod', 'payments', 'ledger-api', 2, 2, 2, 2, 3);"
	    "INSERT INTO kube_replicasets (context, namespace, name, owner_name,"
	    " revision, replicas) VALUES"
	    " ('prod', 'payments', 'checkout-7f9c', 'checkout', 7, 3),"
	    " ('prod', 'payments', 'ledger-api-55d', 'ledger-api', 3, 2);"
	    "INSERT INTO kube_pods (context, namespace, name, owner_kind,"
	    " owner_name, node, phase, ready, restarts, reason) VALUES"
	    " ('prod', 'payments', 'checkout-7f9c-a', 'ReplicaSet',"
	    "  'checkout-7f9c', 'n1', 'Running', 1, 0, NULL),"
	    " ('prod', 'payments', 'checkout-7f9c-b', 'ReplicaSet',"
	    "  'checkout-7f9c', 'n2', 'Running', 1, 0, NULL),"
	    " ('prod', 'payments', 'checkout-7f9c-c', 'ReplicaSet',"
	    "  'checkout-7f9c', 'n1', 'Running', 0, 14, 'CrashLoopBackOff'),"
	    " ('prod', 'payments', 'ledger-api-55d-a', 'ReplicaSet',"
	    "  'ledger-api-55d', 'n1', 'Running', 1, 0, NULL),"
	    " ('prod', 'payments', 'ledger-api-55d-b', 'ReplicaSet',"
	    "  'ledger-api-55d', 'n1', 'Running', 1, 0, NULL);"
	    "INSERT INTO kube_nodes (context, name, ready, conditions) VALUES"
	    " ('prod', 'n1', 1, '[{\"type\":\"Ready\",\"status\":\"True\"}]'),"
	    " ('prod', 'n2', 1, '[{\"type\":\"MemoryPressure\","
	    "\"status\":\"True\"}]');"
	    "INSERT INTO targets (context, source, job, instance, health,"
	    " last_error, labels) VALUES"
	    " ('prod', 'prometheus', 'search', '10.0.0.4:9100', 'down',"
	    "  'connection refused', '{\"job\":\"search\",\"instance\":"
	    "\"10.0.0.4:9100\"}'),"
	    " ('prod', 'prometheus', 'search', '10.0.0.5:9100', 'up', NULL,"
	    "  '{\"job\":\"search\",\"instance\":\"10.0.0.5:9100\"}');"
	    "INSERT INTO probes (context, name, url, service, ok, status,"
	    " latency_ms, error) VALUES ('prod', 'api-ready',"
	    " 'http://127.0.0.1:8000/ready', 'checkout', 0, 503, 120,"
	    " 'HTTP 503, expected 200');");
}

/* Reasons in words, and the status each part implies. */
static void
test_health_rollup(void)
{
	struct conf			*conf = load_conf(config_yaml);
	struct cache			*c = open_cache("health.db");
	struct views			*v;
	const struct view_service	*s;
	char				*cause = NULL;

	CHECK(conf != NULL && c != NULL);
	if (conf == NULL || c == NULL)
		return;
	populate(c);
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	CHECK(v != NULL);
	if (v == NULL) {
		printf("# %s\n", cause);
		free(cause);
		return;
	}
	CHECK_INT(v->nservices, 3);
	if ((s = service(v, "checkout")) != NULL) {
		CHECK_INT(s->status, VIEW_CRITICAL);	/* the probe fails */
		CHECK(has_reason(s, "2/3 ready"));
		CHECK(has_reason(s, "pod checkout-7f9c-c CrashLoopBackOff, "
		    "14 restarts"));
		CHECK(has_reason(s, "probe api-ready 503 in 120 ms"));
		CHECK(has_reason(s, "node n2 MemoryPressure"));
		CHECK_INT(s->ready, 2);
		CHECK_INT(s->desired, 3);
	}
	if ((s = service(v, "ledger")) != NULL) {
		CHECK_INT(s->status, VIEW_OK);
		CHECK_INT(s->nreasons, 0);
	}
	if ((s = service(v, "search")) != NULL) {
		CHECK_INT(s->status, VIEW_WARNING);	/* one of two down */
		CHECK(has_reason(s, "target 10.0.0.4:9100 down: connection "
		    "refused"));
	}
	CHECK_INT(v->status, VIEW_CRITICAL);
	CHECK_CONTAINS(v->status_reason, "checkout");
	views_free(v);
	cache_close(c);
	conf_free(conf);
}

/* Stale or failed sources make what depends on them UNKNOWN. */
static void
test_health_stale(void)
{
	struct conf			*conf = load_conf(config_yaml);
	struct cache			*c = open_cache("stale.db");
	struct views			*v;
	const struct view_service	*s;
	char				*cause = NULL;

	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	/* Everything last answered an hour ago; Kubernetes now fails. */
	sql(c, "UPDATE sources SET last_success_ms = last_success_ms -"
	    " 3600000, last_attempt_ms = last_attempt_ms;"
	    "UPDATE sources SET last_error = 'connection refused at"
	    " 127.0.0.1:6443: is the API server running?' WHERE name ="
	    " 'kubernetes';");
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	CHECK(v != NULL);
	if (v == NULL)
		return;
	CHECK_INT(v->status, VIEW_UNKNOWN);
	CHECK_STR(v->status_reason, "no source has fresh data");
	if ((s = service(v, "ledger")) != NULL) {
		CHECK_INT(s->status, VIEW_UNKNOWN);
		CHECK(has_reason(s, "kubernetes failed; data is 1h old"));
	}
	CHECK(views_source(v, "kubernetes") != NULL &&
	    views_source(v, "kubernetes")->stale &&
	    !views_source(v, "kubernetes")->ok);
	views_free(v);
	cache_close(c);
	conf_free(conf);
}

/* Alerts group by alertname, namespace, service and cluster. */
static void
test_grouping(void)
{
	struct conf		*conf = load_conf(config_yaml);
	struct cache		*c = open_cache("alerts.db");
	struct views		*v;
	char			*cause = NULL;

	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	sql(c, "DELETE FROM probes;"
	    "INSERT INTO alerts (context, source, fingerprint, alertname,"
	    " severity, state, silenced_by, inhibited_by, labels, annotations,"
	    " starts_at_ms) VALUES"
	    " ('prod', 'am', 'a1', 'HighErrorRate', 'critical', 'active', '[]',"
	    "  '[]', '{\"alertname\":\"HighErrorRate\",\"namespace\":"
	    "\"payments\",\"service\":\"checkout\",\"pod\":\"p1\","
	    "\"severity\":\"critical\"}', '{\"summary\":\"5xx above 5%\","
	    "\"runbook_url\":\"https://runbooks.example/checkout\"}',"
	    "  1795450000000),"
	    " ('prod', 'am', 'a2', 'HighErrorRate', 'warning', 'active', '[]',"
	    "  '[]', '{\"alertname\":\"HighErrorRate\",\"namespace\":"
	    "\"payments\",\"service\":\"checkout\",\"pod\":\"p2\","
	    "\"severity\":\"warning\"}', '{}', 1795440000000),"
	    " ('prod', 'am', 'a3', 'DiskFull', 'warning', 'suppressed',"
	    "  '[\"s1\"]', '[]', '{\"alertname\":\"DiskFull\",\"namespace\":"
	    "\"payments\"}', '{}', 1795400000000);");
	heartbeat(c, "Watchdog", NOW - 30000);
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	CHECK(v != NULL);
	if (v == NULL)
		return;
	CHECK_INT(v->nalerts, 4);
	CHECK_INT(v->nincidents, 2);	/* the Watchdog is none */
	if (v->nincidents == 2) {
		/* Worst first: the unsilenced critical one. */
		CHECK_STR(v->incidents[0].title,
		    "HighErrorRate payments checkout");
		CHECK_INT(v->incidents[0].nalerts, 2);
		CHECK_INT(v->incidents[0].severity, SEV_CRITICAL);
		CHECK_INT(v->incidents[0].started_ms, 1795440000000LL);
		CHECK_STR(v->incidents[0].runbook_url,
		    "https://runbooks.example/checkout");
		CHECK_STR(v->incidents[0].summary, "5xx above 5%");
		CHECK_INT(v->incidents[0].nservices, 1);
		CHECK_INT(v->incidents[0].silenced, 0);
		CHECK_INT(strlen(v->incidents[0].id), 8);
		CHECK_INT(v->incidents[1].silenced, 1);
		CHECK_STR(v->incidents[1].state, "triggered");
		/* The Watchdog started first, a3 next. */
		CHECK_STR(v->alerts[0].alertname, "Watchdog");
		CHECK(v->alerts[0].heartbeat);
		CHECK_INT(v->alerts[0].incident, VIEW_NO_INCIDENT);
		CHECK_INT(v->alerts[1].incident, 1);	/* a3 */
	}
	CHECK_INT(v->pipeline.state, PIPELINE_OK);
	/* The critical incident alone makes the context CRITICAL. */
	CHECK_INT(v->status, VIEW_CRITICAL);
	views_free(v);
	cache_close(c);
	conf_free(conf);
}

/* SLO figures from stored samples; no data stays no data. */
static void
test_slo_from_samples(void)
{
	struct conf	*conf = load_conf(config_yaml);
	struct cache	*c = open_cache("slo.db");
	struct views	*v;
	char		*cause = NULL, *s;

	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	sql(c, "DELETE FROM probes; DELETE FROM kube_pods WHERE reason IS NOT"
	    " NULL; UPDATE kube_deployments SET ready_replicas = replicas;"
	    " DELETE FROM kube_nodes; DELETE FROM targets;");
	s = xasprintf("INSERT INTO samples (context, query_key, ts_ms, value)"
	    " VALUES"
	    " ('prod', 'slo:checkout-availability:ratio:5m', %lld, 0.02),"
	    " ('prod', 'slo:checkout-availability:ratio:30m', %lld, 0.001),"
	    " ('prod', 'slo:checkout-availability:ratio:1h', %lld, 0.015),"
	    " ('prod', 'slo:checkout-availability:ratio:2h', %lld, 0.001),"
	    " ('prod', 'slo:checkout-availability:ratio:6h', %lld, 0.001),"
	    " ('prod', 'slo:checkout-availability:ratio:1d', %lld, 0.001),"
	    " ('prod', 'slo:checkout-availability:ratio:3d', %lld, NULL),"
	    " ('prod', 'slo:checkout-availability:ratio:period', %lld, 0.0004),"
	    " ('prod', 'slo:checkout-availability:ratio:5m', %lld, 0.5),"
	    " ('prod', 'slo:checkout-availability:spark:1h', %lld, 0.001),"
	    " ('prod', 'slo:checkout-availability:spark:1h', %lld, NULL);",
	    NOW, NOW, NOW, NOW, NOW, NOW, NOW, NOW, NOW - 60000,
	    NOW - 900000, NOW);
	sql(c, s);
	free(s);
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	CHECK(v != NULL);
	if (v == NULL)
		return;
	CHECK_INT(v->nslos, 1);
	if (v->nslos == 1) {
		const struct view_slo	*slo = &v->slos[0];

		CHECK_NEAR(slo->ratio[SLO_5M], 0.02, 1e-12);	/* newest */
		CHECK_NEAR(slo->burn[SLO_5M], 20, 1e-9);
		CHECK_NEAR(slo->burn[SLO_1H], 15, 1e-9);
		CHECK(isnan(slo->burn[SLO_3D]));
		CHECK_NEAR(slo->budget_remaining, 0.6, 1e-9);
		/* 0.6 of 30 days at 15x: 1.2 days. */
		CHECK_NEAR((double)slo->exhaustion_s, 0.6 * 30 * 86400 / 15, 1.0);
		CHECK_INT(slo->verdict, SLO_PAGE);
		CHECK_INT(slo->budget_warning, 0);
		CHECK_INT(slo->nspark, 2);
		CHECK(slo->nspark == 2 && isnan(slo->spark[1]));
		CHECK_INT(slo->evaluated_ms, NOW);
	}
	CHECK_INT(v->status, VIEW_CRITICAL);
	CHECK_CONTAINS(v->status_reason, "checkout-availability");
	views_free(v);
	cache_close(c);
	conf_free(conf);
}

/*
 * Views of a past moment (snapshot --at) read the samples of that moment:
 * the newest at or before it, never a newer one the cache also holds.
 */
static void
test_slo_at_past(void)
{
	struct conf	*conf = load_conf(config_yaml);
	struct cache	*c = open_cache("slo-at.db");
	struct views	*v;
	char		*cause = NULL, *s;

	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	s = xasprintf("INSERT INTO samples (context, query_key, ts_ms, value)"
	    " VALUES"
	    " ('prod', 'slo:checkout-availability:ratio:5m', %lld, 0.5),"
	    " ('prod', 'slo:checkout-availability:ratio:5m', %lld, 0.02),"
	    " ('prod', 'slo:checkout-availability:ratio:5m', %lld, 0.9),"
	    " ('prod', 'slo:checkout-availability:ratio:1h', %lld, 0.015),"
	    " ('prod', 'slo:checkout-availability:spark:1h', %lld, 0.001),"
	    " ('prod', 'slo:checkout-availability:spark:1h', %lld, 0.002),"
	    " ('prod', 'slo:checkout-availability:spark:1h', %lld, 0.5);",
	    NOW - 60000, NOW, NOW + 600000, NOW, NOW - 900000, NOW,
	    NOW + 900000);
	sql(c, s);
	free(s);
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	CHECK(v != NULL);
	if (v != NULL && v->nslos == 1) {
		const struct view_slo	*slo = &v->slos[0];

		/* Not the 0.9 of ten minutes later. */
		CHECK_NEAR(slo->ratio[SLO_5M], 0.02, 1e-12);
		CHECK_NEAR(slo->ratio[SLO_1H], 0.015, 1e-12);
		CHECK_INT(slo->evaluated_ms, NOW);
		CHECK_INT(slo->nspark, 2);
		CHECK(slo->nspark > 0 && slo->spark_ts[slo->nspark - 1] == NOW);
	}
	views_free(v);
	/* A minute earlier: the 5m ratio of then, no 1h ratio yet. */
	v = views_build(c, conf, &conf->contexts[0], NOW - 60000, &cause);
	CHECK(v != NULL);
	if (v != NULL && v->nslos == 1) {
		const struct view_slo	*slo = &v->slos[0];

		CHECK_NEAR(slo->ratio[SLO_5M], 0.5, 1e-12);
		CHECK(isnan(slo->ratio[SLO_1H]));
		CHECK_INT(slo->evaluated_ms, NOW - 60000);
		CHECK_INT(slo->nspark, 1);
	}
	views_free(v);
	cache_close(c);
	conf_free(conf);
}

/* Discovery: a service per deployment and per job that is not one. */
static void
test_discovery(void)
{
	struct conf	*conf = load_conf(
	    "contexts:\n  - name: prod\n    prometheus: {url: "
	    "http://127.0.0.1:9090}\n    kubernetes: {}\n");
	struct cache	*c = open_cache("disc.db");
	struct views	*v;
	char		*cause = NULL;

	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	sql(c, "INSERT INTO targets (context, source, job, instance, health,"
	    " labels) VALUES ('prod', 'prometheus', 'checkout', 'x:1', 'up',"
	    " '{}');");
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	CHECK(v != NULL);
	if (v == NULL)
		return;
	/* checkout, ledger-api (deployments) and search (a job). */
	CHECK_INT(v->nservices, 3);
	CHECK(service(v, "checkout") != NULL);
	CHECK(service(v, "ledger-api") != NULL);
	CHECK(service(v, "search") != NULL);
	views_free(v);
	cache_close(c);
	conf_free(conf);
}

/* Services are listed worst first, by name within a status. */
static void
test_health_order(void)
{
	struct conf	*conf = load_conf(
	    "contexts:\n"
	    "  - name: prod\n"
	    "    prometheus: {url: http://127.0.0.1:9090}\n"
	    "    alertmanagers: [{url: http://127.0.0.1:9093}]\n"
	    "    kubernetes: {namespaces: [payments]}\n"
	    "    probes:\n"
	    "      - {name: api-ready, url: http://127.0.0.1:8000/ready, "
	    "service: checkout}\n"
	    "services:\n"
	    "  - name: zeta\n"
	    "    match: {job: zeta}\n"
	    "  - name: search\n"
	    "    match: {job: search}\n"
	    "  - name: ledger\n"
	    "    match: {namespace: payments, deployment: ledger-api}\n"
	    "  - name: checkout\n"
	    "    match: {namespace: payments, service: checkout}\n"
	    "  - name: alpha\n"
	    "    match: {job: search}\n");
	struct cache	*c = open_cache("order.db");
	struct views	*v;
	static const char *const want[] = { "checkout", "alpha", "search",
	    "zeta", "ledger" };
	static const enum view_status st[] = { VIEW_CRITICAL, VIEW_WARNING,
	    VIEW_WARNING, VIEW_UNKNOWN, VIEW_OK };
	size_t		 i;

	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	heartbeat(c, "Watchdog", NOW - 30000);
	v = build(c, conf);
	CHECK(v != NULL);
	if (v != NULL) {
		CHECK_INT(v->nservices, 5);
		for (i = 0; i < 5 && i < v->nservices; i++) {
			CHECK_STR(v->services[i].name, want[i]);
			CHECK_INT(v->services[i].status, st[i]);
		}
		/* The overall reason names the worst service. */
		CHECK_CONTAINS(v->status_reason, "checkout");
	}
	views_free(v);
	cache_close(c);
	conf_free(conf);
}

/*
 * A firing alert that matches a service counts toward its health with its
 * severity and is named in its reasons; silenced ones are named, not
 * counted; info, unmatched alerts and heartbeats say nothing.
 */
static void
test_health_alerts(void)
{
	struct conf			*conf;
	struct cache			*c = open_cache("halerts.db");
	struct views			*v;
	const struct view_service	*s;
	char				*yaml;
	size_t				 i;

	yaml = xasprintf("%sincidents:\n  heartbeats: [Watchdog, LedgerPing]\n",
	    config_yaml);
	conf = load_conf(yaml);
	free(yaml);
	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	heartbeat(c, "Watchdog", NOW - 30000);
	alert(c, "l1", "LedgerDown", "critical", "[]", "{\"alertname\":"
	    "\"LedgerDown\",\"namespace\":\"payments\",\"deployment\":"
	    "\"ledger-api\"}", "{}", NOW - 60000);
	alert(c, "l2", "LedgerSlow", "warning", "[]", "{\"alertname\":"
	    "\"LedgerSlow\",\"namespace\":\"payments\",\"app\":\"ledger-api\","
	    "\"pod\":\"a\"}", "{}", NOW - 60000);
	alert(c, "l3", "LedgerSlow", "warning", "[]", "{\"alertname\":"
	    "\"LedgerSlow\",\"namespace\":\"payments\",\"app\":\"ledger-api\","
	    "\"pod\":\"b\"}", "{}", NOW - 50000);
	alert(c, "l4", "LedgerInfo", "info", "[]", "{\"alertname\":"
	    "\"LedgerInfo\",\"namespace\":\"payments\",\"service\":"
	    "\"ledger-api\"}", "{}", NOW - 60000);
	alert(c, "l5", "LedgerPing", "critical", "[]", "{\"alertname\":"
	    "\"LedgerPing\",\"namespace\":\"payments\",\"service\":"
	    "\"ledger-api\"}", "{}", NOW - 60000);
	/* Another namespace: not the configured ledger. */
	alert(c, "l6", "LedgerDown", "critical", "[]", "{\"alertname\":"
	    "\"LedgerDown\",\"namespace\":\"staging\",\"service\":"
	    "\"ledger-api\"}", "{}", NOW - 60000);
	alert(c, "s1", "SearchDown", "critical", "[\"sil-1\"]",
	    "{\"alertname\":\"SearchDown\",\"job\":\"search\"}", "{}",
	    NOW - 60000);
	v = build(c, conf);
	CHECK(v != NULL);
	if (v == NULL)
		goto out;
	if ((s = service(v, "ledger")) != NULL) {
		CHECK_INT(s->status, VIEW_CRITICAL);
		CHECK(has_reason(s, "alert LedgerDown (critical)"));
		CHECK(has_reason(s, "alert LedgerSlow (warning, 2 firing)"));
		CHECK_INT(s->nreasons, 2);	/* not the info, not the ping */
		for (i = 0; i < s->nreasons; i++)
			CHECK(strstr(s->reasons[i], "LedgerPing") == NULL &&
			    strstr(s->reasons[i], "LedgerInfo") == NULL);
	}
	if ((s = service(v, "search")) != NULL) {
		/* One target down makes it WARNING; the silence keeps it. */
		CHECK_INT(s->status, VIEW_WARNING);
		CHECK(has_reason(s, "alert SearchDown (critical, silenced)"));
	}
	/* The ledger's incident names it; the heartbeat is none. */
	for (i = 0; i < v->nincidents; i++) {
		CHECK(strstr(v->incidents[i].title, "LedgerPing") == NULL);
		if (strstr(v->incidents[i].key, "alertname=LedgerDown,"
		    "namespace=payments") != NULL) {
			CHECK_INT(v->incidents[i].nservices, 1);
			CHECK(v->incidents[i].nservices == 1 &&
			    strcmp(v->incidents[i].services[0], "ledger") == 0);
		}
	}
	/* Alertmanager stale: the alert's news is old, and says so. */
	views_free(v);
	sql(c, "UPDATE sources SET last_success_ms = 1000 WHERE name ="
	    " 'alertmanager';");
	v = build(c, conf);
	CHECK(v != NULL);
	if (v != NULL && (s = service(v, "ledger")) != NULL) {
		CHECK_INT(s->status, VIEW_CRITICAL);
		CHECK(has_reason(s, "alertmanager data is stale"));
	}
	views_free(v);
out:
	cache_close(c);
	conf_free(conf);
}

/* An SLO with no data is a reason that says why, never a silent OK. */
static void
test_health_slo_nodata(void)
{
	struct conf			*conf;
	struct cache			*c = open_cache("slonodata.db");
	struct views			*v;
	const struct view_service	*s;
	char				*yaml;

	yaml = xasprintf("%s  - name: ledger-writes\n    service: ledger\n"
	    "    objective: 99.9\n    sli:\n      events:\n"
	    "        error_query: e[{{.window}}]\n"
	    "        total_query: t[{{.window}}]\n", config_yaml);
	conf = load_conf(yaml);
	free(yaml);
	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	heartbeat(c, "Watchdog", NOW - 30000);
	/* checkout-availability has data; ledger-writes has none. */
	sql(c, "INSERT INTO samples (context, query_key, ts_ms, value) VALUES"
	    " ('prod', 'slo:checkout-availability:ratio:1h', 1795458080000,"
	    " 0.0001);");
	v = build(c, conf);
	CHECK(v != NULL);
	if (v == NULL)
		goto out;
	if ((s = service(v, "ledger")) != NULL) {
		CHECK_INT(s->status, VIEW_UNKNOWN);
		CHECK(has_reason(s, "SLO ledger-writes: no data, query returns "
		    "nothing"));
		CHECK_INT(s->nreasons, 1);
	}
	if ((s = service(v, "checkout")) != NULL)
		CHECK(!has_reason_quiet(s, "SLO"));
	views_free(v);
	/* Prometheus failing, then never answered: the reason says so. */
	sql(c, "UPDATE sources SET last_error = 'connection refused' WHERE"
	    " name = 'prometheus';");
	v = build(c, conf);
	if (v != NULL && (s = service(v, "ledger")) != NULL)
		CHECK(has_reason(s, "SLO ledger-writes: no data, prometheus is "
		    "not answering"));
	views_free(v);
	sql(c, "UPDATE sources SET last_success_ms = NULL WHERE name ="
	    " 'prometheus';");
	v = build(c, conf);
	if (v != NULL && (s = service(v, "ledger")) != NULL)
		CHECK(has_reason(s, "SLO ledger-writes: no data yet from "
		    "prometheus"));
	views_free(v);
out:
	cache_close(c);
	conf_free(conf);
}

/*
 * An incident speaks with its worst alert: title, summary and runbook
 * from the highest severity that has one, not from the first (oldest).
 */
static void
test_incident_voice(void)
{
	struct conf	*conf;
	struct cache	*c = open_cache("voice.db");
	struct views	*v;
	char		*yaml;

	yaml = xasprintf("%sincidents:\n  group_by: [namespace]\n",
	    config_yaml);
	conf = load_conf(yaml);
	free(yaml);
	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	heartbeat(c, "Watchdog", NOW - 30000);
	alert(c, "v1", "DiskSlow", "warning", "[]", "{\"alertname\":"
	    "\"DiskSlow\",\"namespace\":\"payments\"}", "{\"summary\":\"disk"
	    " latency high\",\"runbook_url\":\"https://rb.example/disk\"}",
	    NOW - 3600000);
	alert(c, "v2", "LedgerErrors", "error", "[]", "{\"alertname\":"
	    "\"LedgerErrors\",\"namespace\":\"payments\"}", "{\"runbook_url\":"
	    "\"https://rb.example/errors\"}", NOW - 1800000);
	alert(c, "v3", "LedgerDown", "critical", "[]", "{\"alertname\":"
	    "\"LedgerDown\",\"namespace\":\"payments\"}", "{\"summary\":"
	    "\"ledger is down\"}", NOW - 600000);
	alert(c, "v4", "LedgerDown2", "critical", "[]", "{\"alertname\":"
	    "\"LedgerDown2\",\"namespace\":\"payments\"}", "{\"summary\":"
	    "\"a later critical one\"}", NOW - 60000);
	v = build(c, conf);
	CHECK(v != NULL);
	if (v == NULL)
		goto out;
	CHECK_INT(v->nincidents, 1);
	if (v->nincidents == 1) {
		CHECK_STR(v->incidents[0].title, "LedgerDown payments");
		CHECK_STR(v->incidents[0].summary, "ledger is down");
		CHECK_STR(v->incidents[0].runbook_url,
		    "https://rb.example/errors");
		CHECK_INT(v->incidents[0].severity, SEV_CRITICAL);
		CHECK_INT(v->incidents[0].nalerts, 4);
		CHECK_INT(v->incidents[0].started_ms, NOW - 3600000);
	}
	views_free(v);
out:
	cache_close(c);
	conf_free(conf);
}

/*
 * The alert pipeline: heard, silent for a while, silent with no heartbeat
 * at all, unknown when Alertmanager is stale, not watched when turned off.
 * A silent pipeline is a critical incident with no alert.
 */
static void
test_pipeline(void)
{
	struct conf			*conf = load_conf(config_yaml), *c2;
	struct cache			*c = open_cache("pipeline.db");
	struct views			*v;
	const struct view_incident	*in;
	char				 line[128];
	size_t				 i;

	if (conf == NULL || c == NULL) {
		CHECK(0);
		return;
	}
	populate(c);
	sql(c, "DELETE FROM probes; DELETE FROM kube_pods WHERE reason IS NOT"
	    " NULL; UPDATE kube_deployments SET ready_replicas = replicas;"
	    " DELETE FROM kube_nodes; DELETE FROM targets;");
	CHECK_INT(conf->nheartbeats, 2);
	CHECK_INT(conf->heartbeat_timeout_ms, 300000);

	/* Heard a minute ago. */
	heartbeat(c, "Watchdog", NOW - 60000);
	v = build(c, conf);
	if (v != NULL) {
		CHECK_INT(v->pipeline.state, PIPELINE_OK);
		CHECK_INT(v->pipeline.silent_ms, 60000);
		CHECK_STR(vocab_pipeline_line(&v->pipeline, line, sizeof line),
		    "alert pipeline: ok");
		CHECK_INT(v->nincidents, 0);
		CHECK_INT(v->status, VIEW_OK);
	}
	views_free(v);

	/* Last heard seven minutes ago: silent, a critical incident. */
	sql(c, "DELETE FROM alerts;");
	heartbeat(c, "InfoInhibitor", NOW - 420000);
	v = build(c, conf);
	CHECK(v != NULL);
	if (v != NULL) {
		CHECK_INT(v->pipeline.state, PIPELINE_SILENT);
		CHECK_STR(v->pipeline.heartbeat, "InfoInhibitor");
		CHECK_STR(vocab_pipeline_line(&v->pipeline, line, sizeof line),
		    "alert pipeline: silent for 7m");
		CHECK_INT(v->nincidents, 1);
		if (v->nincidents == 1) {
			in = &v->incidents[0];
			CHECK_STR(in->title, "alert pipeline: silent for 7m");
			CHECK_INT(in->severity, SEV_CRITICAL);
			CHECK_INT(in->nalerts, 0);
			CHECK_INT(in->started_ms, NOW - 420000);
			CHECK_CONTAINS(in->summary, "Watchdog, InfoInhibitor");
			CHECK_INT(strlen(in->id), 8);
		}
		CHECK_INT(v->status, VIEW_CRITICAL);
		CHECK_CONTAINS(v->status_reason, "alert pipeline: silent");
		for (i = 0; i < v->nalerts; i++)
			CHECK_INT(v->alerts[i].incident, VIEW_NO_INCIDENT);
	}
	views_free(v);

	/* A longer timeout: the same heartbeat is fresh enough. */
	c2 = load_conf("contexts:\n  - name: prod\n    alertmanagers: [{url: "
	    "http://127.0.0.1:9093}]\nincidents:\n  heartbeats: [Watchdog, "
	    "InfoInhibitor]\n  heartbeat_timeout: 10m\n");
	v = c2 != NULL ? build(c, c2) : NULL;
	CHECK(v != NULL && v->pipeline.state == PIPELINE_OK);
	views_free(v);
	conf_free(c2);

	/* None listed at all: silent, for how long nobody knows. */
	sql(c, "DELETE FROM alerts;");
	v = build(c, conf);
	if (v != NULL) {
		CHECK_INT(v->pipeline.state, PIPELINE_SILENT);
		CHECK_INT(v->pipeline.silent_ms, -1);
		CHECK_INT(v->nincidents, 1);
		CHECK(v->nincidents == 1 && strcmp(v->incidents[0].title,
		    "alert pipeline: silent, no heartbeat alert listed") == 0);
		CHECK(v->nincidents == 1 && v->incidents[0].started_ms == 0);
		CHECK_INT(v->status, VIEW_CRITICAL);
	}
	views_free(v);

	/* Alertmanager stale: unknown, not silent, and no incident. */
	sql(c, "UPDATE sources SET last_success_ms = 1000 WHERE name ="
	    " 'alertmanager';");
	v = build(c, conf);
	if (v != NULL) {
		CHECK_INT(v->pipeline.state, PIPELINE_UNKNOWN);
		CHECK_STR(vocab_pipeline_line(&v->pipeline, line, sizeof line),
		    "alert pipeline: unknown, alertmanager has no fresh data");
		CHECK_INT(v->nincidents, 0);
		CHECK_INT(v->status, VIEW_OK);
	}
	views_free(v);

	/* Turned off: not watched, no incident. */
	sql(c, "UPDATE sources SET last_success_ms = last_attempt_ms WHERE"
	    " name = 'alertmanager';");
	c2 = load_conf("contexts:\n  - name: prod\n    alertmanagers: [{url: "
	    "http://127.0.0.1:9093}]\nincidents:\n  heartbeats: []\n");
	v = c2 != NULL ? build(c, c2) : NULL;
	CHECK(v != NULL && v->pipeline.state == PIPELINE_UNWATCHED &&
	    v->nincidents == 0);
	views_free(v);
	conf_free(c2);

	/* No Alertmanager in the context: not watched. */
	sql(c, "DELETE FROM sources WHERE name = 'alertmanager';");
	c2 = load_conf("contexts:\n  - name: prod\n    prometheus: {url: "
	    "http://127.0.0.1:9090}\n");
	v = c2 != NULL ? build(c, c2) : NULL;
	CHECK(v != NULL && v->pipeline.state == PIPELINE_UNWATCHED &&
	    v->nincidents == 0);
	views_free(v);
	conf_free(c2);
	cache_close(c);
	conf_free(conf);
}

/* Whether a service lists workload "Kind ns/name". */
static int
has_workload(const struct view_service *s, const char *w)
{
	size_t	i;

	for (i = 0; i < s->nworkloads; i++) {
		if (strcmp(s->workloads[i], w) == 0)
			return 1;
	}
	printf("# %s does not list %s; it lists:", s->name, w);
	for (i = 0; i < s->nworkloads; i++)
		printf(" [%s]", s->workloads[i]);
	printf("\n");
	return 0;
}

/* Whether no reason of a service contains text. */
static int
lacks_reason(const struct view_service *s, const char *text)
{
	size_t	i;

	for (i = 0; i < s->nreasons; i++) {
		if (strstr(s->reasons[i], text) != NULL) {
			printf("# %s has [%s]\n", s->name, s->reasons[i]);
			return 0;
		}
	}
	return 1;
}

/*
 * Workloads of every kind: a StatefulSet mid-rollout, a DaemonSet with a
 * pod where it should not run, a Job's failed pod and a bare pod tied by
 * their labels, and neighbours whose names share a prefix.
 */
static void
populate_workloads(struct cache *c)
{
	char	*s;

	s = xasprintf(
	    "INSERT INTO sources (context, name, kind, last_attempt_ms,"
	    " last_success_ms, latency_ms, items) VALUES ('prod',"
	    " 'kubernetes', 'kubernetes', %lld, %lld, 9, 20);",
	    NOW - 1000, NOW - 1000);
	sql(c, s);
	free(s);
	sql(c,
	    "INSERT INTO kube_deployments (context, namespace, name, replicas,"
	    " ready_replicas, updated_replicas, revision, selector) VALUES"
	    " ('prod', 'payments', 'checkout', 2, 2, 2, 7,"
	    "  '{\"app\":\"checkout\"}');"
	    "INSERT INTO kube_replicasets (context, namespace, name, owner_name,"
	    " revision, replicas) VALUES"
	    " ('prod', 'payments', 'checkout-7f9c', 'checkout', 7, 2);"
	    "INSERT INTO kube_statefulsets (context, namespace, name, replicas,"
	    " ready_replicas, current_replicas, updated_replicas,"
	    " current_revision, update_revision, selector) VALUES"
	    " ('prod', 'payments', 'ledger', 3, 2, 1, 2, 'ledger-6d5f',"
	    "  'ledger-7b8c', '{\"app\":\"ledger\"}'),"
	    " ('prod', 'payments', 'checkout-db', 1, 0, 1, 1, 'checkout-db-1',"
	    "  'checkout-db-1', '{\"app\":\"checkout-db\"}');"
	    "INSERT INTO kube_daemonsets (context, namespace, name, desired,"
	    " current, ready, updated, available, misscheduled, selector)"
	    " VALUES ('prod', 'monitoring', 'node-exporter', 3, 3, 3, 3, 3, 1,"
	    "  '{\"app.kubernetes.io/name\":\"node-exporter\"}');"
	    "INSERT INTO kube_pods (context, namespace, name, owner_kind,"
	    " owner_name, node, phase, ready, restarts, reason, labels) VALUES"
	    " ('prod', 'payments', 'checkout-7f9c-a', 'ReplicaSet',"
	    "  'checkout-7f9c', 'n1', 'Running', 1, 0, NULL,"
	    "  '{\"app\":\"checkout\"}'),"
	    " ('prod', 'payments', 'checkout-7f9c-b', 'ReplicaSet',"
	    "  'checkout-7f9c', 'n1', 'Running', 1, 0, NULL,"
	    "  '{\"app\":\"checkout\"}'),"
	    " ('prod', 'payments', 'checkout-db-0', 'StatefulSet',"
	    "  'checkout-db', 'n1', 'Running', 0, 9, 'CrashLoopBackOff',"
	    "  '{\"app\":\"checkout-db\"}'),"
	    " ('prod', 'payments', 'ledger-0', 'StatefulSet', 'ledger', 'n1',"
	    "  'Running', 1, 0, NULL, '{\"app\":\"ledger\"}'),"
	    " ('prod', 'payments', 'ledger-1', 'StatefulSet', 'ledger', 'n1',"
	    "  'Running', 1, 0, NULL, '{\"app\":\"ledger\"}'),"
	    " ('prod', 'payments', 'ledger-2', 'StatefulSet', 'ledger', 'n1',"
	    "  'Running', 0, 4, 'OOMKilled', '{\"app\":\"ledger\"}'),"
	    " ('prod', 'monitoring', 'node-exporter-x1', 'DaemonSet',"
	    "  'node-exporter', 'n1', 'Running', 1, 0, NULL,"
	    "  '{\"app.kubernetes.io/name\":\"node-exporter\"}'),"
	    " ('prod', 'payments', 'reports-28301-abcde', 'Job',"
	    "  'reports-28301', 'n1', 'Failed', 0, 0, 'Error',"
	    "  '{\"app\":\"reports\",\"job-name\":\"reports-28301\"}'),"
	    " ('prod', 'payments', 'reports-28302-fghij', 'Job',"
	    "  'reports-28302', 'n1', 'Succeeded', 0, 0, NULL,"
	    "  '{\"app\":\"reports\",\"job-name\":\"reports-28302\"}'),"
	    " ('prod', 'payments', 'reports-debug', NULL, NULL, 'n1',"
	    "  'Running', 1, 0, NULL, '{\"app\":\"reports\"}'),"
	    " ('prod', 'payments', 'shell', NULL, NULL, NULL, 'Pending', 0, 0,"
	    "  NULL, NULL);"
	    "INSERT INTO kube_nodes (context, name, ready, conditions) VALUES"
	    " ('prod', 'n1', 1, '[{\"type\":\"Ready\",\"status\":"
	    "\"True\"}]');");
}

/* Pods of every kind of workload, by owner and by label. */
static void
test_every_workload(void)
{
	struct conf			*conf = load_conf(
	    "contexts:\n  - name: prod\n    kubernetes: {}\n"
	    "services:\n"
	    "  - name: checkout\n"
	    "    match: {namespace: payments, service: checkout}\n"
	    "  - name: ledger\n"
	    "    match: {namespace: payments, deployment: ledger}\n"
	    "  - name: node-exporter\n"
	    "    match: {namespace: monitoring}\n"
	    "  - name: reports\n"
	    "    match: {namespace: payments, app: reports}\n");
	struct cache			*c = open_cache("work.db");
	struct views			*v;
	const struct view_service	*s;
	char				*cause = NULL;

	CHECK(conf != NULL && c != NULL);
	if (conf == NULL || c == NULL)
		return;
	populate_workloads(c);
	v = views_build(c, conf, &conf->contexts[0], NOW, &cause);
	CHECK(v != NULL);
	if (v == NULL) {
		printf("# %s\n", cause);
		free(cause);
		return;
	}
	CHECK_INT(v->nservices, 4);
	/* The deployment alone: not the stateful set sharing its prefix. */
	if ((s = service(v, "checkout")) != NULL) {
		CHECK_INT(s->status, VIEW_OK);
		CHECK_INT(s->ready, 2);
		CHECK_INT(s->desired, 2);
		CHECK_INT(s->nworkloads, 1);
		CHECK(has_workload(s, "Deployment payments/checkout"));
		CHECK_INT(s->ndeployments, 1);
		CHECK(lacks_reason(s, "checkout-db"));
	}
	/* A StatefulSet: its pods by owner, its rollout by revision. */
	if ((s = service(v, "ledger")) != NULL) {
		CHECK_INT(s->status, VIEW_WARNING);
		CHECK_INT(s->ready, 2);
		CHECK_INT(s->desired, 3);
		CHECK(has_workload(s, "StatefulSet payments/ledger"));
		CHECK_INT(s->ndeployments, 0);
		CHECK(has_reason(s, "2/3 ready"));
		CHECK(has_reason(s, "rollout of ledger in progress (2/3 "
		    "updated)"));
		CHECK(has_reason(s, "pod ledger-2 OOMKilled, 4 restarts"));
	}
	/* A DaemonSet, found by name with only a namespace to match. */
	if ((s = service(v, "node-exporter")) != NULL) {
		CHECK_INT(s->status, VIEW_WARNING);
		CHECK_INT(s->ready, 3);
		CHECK_INT(s->desired, 3);
		CHECK(has_workload(s, "DaemonSet monitoring/node-exporter"));
		CHECK(has_reason(s, "node-exporter runs 1 pod where it should "
		    "not"));
	}
	/*
	 * Jobs and a bare pod, by label: the bare pod counts as a replica,
	 * the Jobs' pods do not (they run to completion), but the failed
	 * one is a reason.  The unlabelled pod belongs to no service.
	 */
	if ((s = service(v, "reports")) != NULL) {
		CHECK_INT(s->status, VIEW_WARNING);
		CHECK_INT(s->nworkloads, 3);
		CHECK(has_workload(s, "Job payments/reports-28301"));
		CHECK(has_workload(s, "Job payments/reports-28302"));
		CHECK(has_workload(s, "Pod payments/reports-debug"));
		CHECK_INT(s->ready, 1);
		CHECK_INT(s->desired, 1);
		CHECK(has_reason(s, "pod reports-28301-abcde Error"));
		CHECK(lacks_reason(s, "shell"));
	}
	views_free(v);
	conf_free(conf);

	/*
	 * Discovery: a service per workload name; pods that no table
	 * workload owns join the service their app label names, or make
	 * their own.
	 */
	conf = load_conf("contexts:\n  - name: prod\n    kubernetes: {}\n");
	v = conf != NULL ? views_build(c, conf, &conf->contexts[0], NOW,
	    &cause) : NULL;
	CHECK(v != NULL);
	if (v != NULL) {
		CHECK_INT(v->nservices, 6);
		CHECK(service(v, "checkout") != NULL);
		if ((s = service(v, "checkout-db")) != NULL) {
			CHECK_INT(s->status, VIEW_CRITICAL);
			CHECK(has_reason(s, "pod checkout-db-0 "
			    "CrashLoopBackOff"));
		}
		CHECK(service(v, "ledger") != NULL);
		CHECK(service(v, "node-exporter") != NULL);
		if ((s = service(v, "reports")) != NULL) {
			CHECK_INT(s->nworkloads, 3);
			CHECK(has_workload(s, "Pod payments/reports-debug"));
		}
		/* A pending bare pod: its own service, not ready. */
		if ((s = service(v, "shell")) != NULL) {
			CHECK_INT(s->status, VIEW_CRITICAL);
			CHECK(has_workload(s, "Pod payments/shell"));
			CHECK(has_reason(s, "0/1 ready"));
		}
	}
	views_free(v);
	cache_close(c);
	conf_free(conf);
}

/* Remove the temp dir. */
static void
cleanup(void)
{
	char	*cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
}

static const struct test tests[] = {
	TEST(test_health_rollup),
	TEST(test_health_stale),
	TEST(test_grouping),
	TEST(test_slo_from_samples),
	TEST(test_slo_at_past),
	TEST(test_discovery),
	TEST(test_health_order),
	TEST(test_health_alerts),
	TEST(test_health_slo_nodata),
	TEST(test_incident_voice),
	TEST(test_pipeline),
	TEST(test_every_workload),
	{ NULL, NULL }
};

int
main(void)
{
	int	rc;

	if (mkdtemp(dir) == NULL) {
		printf("1..0 # SKIP cannot create a temp dir\n");
		return 0;
	}
	rc = harness_run(tests);
	cleanup();
	return rc;
}
