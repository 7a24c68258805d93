/*
 * test_sim.c: the simulated environment, through the cache and the views
 * exactly as the console reads it: the demo's services, SLOs, incidents
 * and sources at the height of its incident, its recovery, determinism,
 * movement over time, the poller driving it, the big world's counts, and
 * the several worlds of `--worlds`.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/backend.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "backends/sim_actions.h"
#include "backends/sim_file.h"
#include "core/drill.h"
#include "core/action.h"
#include "core/incident_act.h"
#include "tests/bench/sim_big.h"
#include "base/buf.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "core/views.h"
#include "core/views_detail.h"
#include "base/xmalloc.h"

#define NOW	1795458089000LL		/* 2026-11-23T18:21:29Z */
#define MIN	(60 * 1000LL)

static char	dir[] = "/tmp/sitrep-sim-XXXXXX";
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

/* A source shell as the poller makes it, without a poller. */
static struct source *
make_source(const struct conf *conf, const struct sim_scenario *sc,
    int64_t start)
{
	struct source	*s;

	s = xcalloc(1, sizeof *s);
	s->name = xstrdup("sim");
	s->context = xstrdup(conf->contexts[0].name);
	s->conf = conf;
	s->ctx = &conf->contexts[0];
	sim_source_init(s, sc, start);
	return s;
}

/* Free a hand-made source. */
static void
free_source(struct source *s)
{
	s->ops->free(s);
	free(s->name);
	free(s->context);
	free(s);
}

/* One stored round at now, in a transaction, as the poller does it. */
static int
store_at(struct cache *c, struct source *s, int64_t now)
{
	char	*cause = NULL;

	if (cache_begin(c, &cause) != 0 ||
	    s->ops->store(s, c, now, &cause) != 0) {
		printf("# store: %s\n", cause != NULL ? cause : "?");
		free(cause);
		cache_rollback(c);
		return -1;
	}
	if (cache_commit(c, &cause) != 0) {
		printf("# commit: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Views of the demo after one round at now (start: the scenario's). */
static struct views *
demo_views(struct cache *c, const struct conf *conf, int64_t start,
    int64_t now)
{
	struct source	*s = make_source(conf, NULL, start);
	struct views	*v;
	char		*cause = NULL;

	if (store_at(c, s, now) != 0) {
		free_source(s);
		return NULL;
	}
	free_source(s);
	v = views_build(c, conf, &conf->contexts[0], now, &cause);
	if (v == NULL) {
		printf("# views: %s\n", cause);
		free(cause);
	}
	return v;
}

/* A query's rows, every column, as one text. */
static char *
dump(struct cache *c, const char *sql)
{
	sqlite3_stmt	*st;
	struct buf	 b;
	int		 i;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(cache_db(c)));
		return buf_detach(&b);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			buf_printf(&b, "%s|", t != NULL ? (const char *)t :
			    "NULL");
		}
		buf_puts(&b, "\n");
	}
	sqlite3_finalize(st);
	return buf_detach(&b);
}

/* Every row the simulator writes, in a fixed order. */
static char *
dump_all(struct cache *c)
{
	static const char *const tables[] = {
		"samples", "targets", "alerts", "silences", "kube_deployments",
		"kube_statefulsets", "kube_replicasets", "kube_pods",
		"kube_events", "kube_nodes", "kube_namespaces", "probes",
		"sources", NULL
	};
	struct buf	 b;
	char		*sql, *t;
	int		 i;

	buf_init(&b, 0);
	for (i = 0; tables[i] != NULL; i++) {
		sql = xasprintf("SELECT * FROM %s ORDER BY 1, 2, 3", tables[i]);
		t = dump(c, sql);
		buf_printf(&b, "== %s\n%s", tables[i], t);
		free(t);
		free(sql);
	}
	return buf_detach(&b);
}

/* A number from a query. */
static long long
count(struct cache *c, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 n = -1;

	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A service by name, or NULL. */
static const struct view_service *
service(const struct views *v, const char *name)
{
	size_t	i;

	for (i = 0; i < v->nservices; i++) {
		if (strcmp(v->services[i].name, name) == 0)
			return &v->services[i];
	}
	return NULL;
}

/* An SLO by name, or NULL. */
static const struct view_slo *
slo(const struct views *v, const char *name)
{
	size_t	i;

	for (i = 0; i < v->nslos; i++) {
		if (strcmp(v->slos[i].name, name) == 0)
			return &v->slos[i];
	}
	return NULL;
}

/* Whether any reason of a service contains text. */
static int
has_reason(const struct view_service *s, const char *text)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->nreasons; i++) {
		if (strstr(s->reasons[i], text) != NULL)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

/* The demo configuration: one context, no real source, services, SLOs. */
static void
test_demo_conf(void)
{
	struct conf	*conf = sim_demo_conf();
	size_t		 i;

	CHECK_INT(conf->ncontexts, 1);
	CHECK_STR(conf->contexts[0].name, "demo");
	CHECK_INT(conf->contexts[0].refresh_ms, 2000);
	CHECK(conf->contexts[0].prometheus == NULL);
	CHECK_INT(conf->contexts[0].nalertmanagers, 0);
	CHECK(conf->contexts[0].kubernetes == NULL);
	CHECK_INT(conf->contexts[0].nprobes, 0);
	CHECK(conf->nservices >= 5);
	CHECK(conf->nslos >= 4);
	CHECK(conf->ngroup_by == 4);
	for (i = 0; i < conf->nservices; i++)
		CHECK_INT(conf->services[i].nmatch, 2);
	for (i = 0; i < conf->nslos; i++) {
		CHECK(conf->slos[i].service != NULL);
		CHECK(conf->slos[i].objective > 90 &&
		    conf->slos[i].objective < 100);
		CHECK_INT(conf->slos[i].period_ms, 30 * 86400000LL);
		CHECK_CONTAINS(conf->slos[i].error_query, "{{.window}}");
		CHECK_CONTAINS(conf->slos[i].total_query, "{{.window}}");
	}
	conf_free(conf);
}

/*
 * The demo's checkout during its bad rollout: revision 15 (1.42.0)
 * current, 14 (1.41.3) the one a rollback goes back to, and the image
 * the only change between them.
 */
static void
check_checkout_revisions(struct cache *c, const char *context)
{
	struct view_deployment	*d;
	char			*cause = NULL, **diff;
	size_t			 cur, prev, n;

	d = views_deployment_read(c, context, "shop/checkout", VD_REVISIONS,
	    0, 0, &cause);
	CHECK(d != NULL);
	if (d == NULL) {
		printf("# %s\n", cause);
		free(cause);
		return;
	}
	CHECK_INT(d->nrevisions, 3);
	CHECK_INT(views_revision_previous(d, &cur, &prev), 0);
	if (cur < d->nrevisions && prev < d->nrevisions) {
		CHECK_INT(d->revisions[cur].revision, 15);
		CHECK_INT(d->revisions[prev].revision, 14);
		diff = views_revision_diff(&d->revisions[cur],
		    &d->revisions[prev], &n);
		CHECK_INT(n, 1);
		if (n == 1)
			CHECK_STR(diff[0], "image checkout: registry.example.com/"
			    "shop/checkout:1.42.0 -> registry.example.com/shop/"
			    "checkout:1.41.3");
		views_strings_free(diff, n);
	}
	/* All three pods on the new template, not all of them ready. */
	CHECK_INT(d->replicas, 3);
	CHECK_INT(d->updated, 3);
	CHECK(d->ready >= 0 && d->ready < 3);
	CHECK_INT(d->nconditions, 2);
	views_deployment_free(d);
}

/* At the start the checkout incident is at its height. */
static void
test_demo_at_open(void)
{
	struct conf			*conf = sim_demo_conf();
	struct cache			*c = open_cache();
	struct views			*v;
	const struct view_service	*s;
	const struct view_slo		*o;
	const char			*names[] = { "prometheus",
	    "alertmanager", "kubernetes", "probes", NULL };
	size_t				 i, bad = 0, grouped = 0, silenced = 0;
	size_t				 hostile = 0;
	int				 k;

	v = demo_views(c, conf, NOW, NOW);
	CHECK(v != NULL);
	if (v == NULL)
		goto out;

	/* Sources: the simulated backends look fresh. */
	for (k = 0; names[k] != NULL; k++) {
		const struct view_source *src = views_source(v, names[k]);

		CHECK(src != NULL);
		if (src != NULL) {
			CHECK(src->ok);
			CHECK(!src->stale);
			CHECK(src->items > 0);
		}
	}
	CHECK(v->any_fresh);

	/* Health. */
	CHECK(v->nservices >= 5);
	for (i = 0; i < v->nservices; i++) {
		if (v->services[i].status == VIEW_WARNING ||
		    v->services[i].status == VIEW_CRITICAL) {
			CHECK(v->services[i].nreasons > 0);
			bad++;
		}
		CHECK(v->services[i].status != VIEW_UNKNOWN);
	}
	CHECK(bad >= 1);
	s = service(v, "checkout");
	CHECK(s != NULL && s->status == VIEW_CRITICAL);
	CHECK(has_reason(s, "CrashLoopBackOff"));
	CHECK(has_reason(s, "OOMKilled"));
	CHECK(has_reason(s, "/3 ready"));
	CHECK(has_reason(s, "target "));
	CHECK(has_reason(s, "probe checkout-health 503"));
	CHECK(has_reason(s, "node n3 MemoryPressure"));
	s = service(v, "search");
	CHECK(s != NULL && s->status == VIEW_WARNING);
	CHECK(has_reason(s, "node n3 MemoryPressure"));
	/*
	 * ledger's pods are fine, but a firing alert matches it and its SLO
	 * has no data: both are reasons, the alert makes it WARNING.
	 */
	s = service(v, "ledger");
	CHECK(s != NULL && s->status == VIEW_WARNING && s->ready == 2);
	CHECK(has_reason(s, "alert LedgerExportStalled (warning)"));
	CHECK(has_reason(s, "SLO ledger-writes: no data, query returns "
	    "nothing"));
	/* The ledger is a StatefulSet: every kind of workload counts. */
	if (s != NULL) {
		CHECK_INT(s->desired, 2);
		CHECK_INT(s->nworkloads, 1);
		if (s->nworkloads == 1)
			CHECK_STR(s->workloads[0], "StatefulSet ledger/ledger");
		CHECK_INT(s->ndeployments, 0);
	}
	CHECK_INT(count(c, "SELECT COUNT(*) FROM kube_pods WHERE owner_kind ="
	    " 'StatefulSet' AND owner_name = 'ledger' AND name IN"
	    " ('ledger-0', 'ledger-1')"), 2);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM kube_deployments WHERE name ="
	    " 'ledger'"), 0);
	/* A silenced alert is named, and does not count. */
	s = service(v, "payments-api");
	CHECK(s != NULL && s->status == VIEW_OK);
	CHECK(has_reason(s, "alert PaymentsUpstreamLatency (warning, "
	    "silenced)"));
	/* Worst first. */
	for (i = 1; i < v->nservices; i++)
		CHECK(v->services[i - 1].status != VIEW_OK ||
		    v->services[i].status == VIEW_OK);
	CHECK_STR(v->services[0].name, "checkout");

	/* SLOs. */
	CHECK(v->nslos >= 4);
	o = slo(v, "checkout-availability");
	CHECK(o != NULL && o->verdict == SLO_PAGE);
	if (o != NULL) {
		CHECK(o->burn[SLO_1H] > 14.4);
		CHECK(o->burn[SLO_5M] > 14.4);
		CHECK_INT(o->nspark, 96);
		if (o->nspark == 96) {
			CHECK(o->spark[95] > 10 * o->spark[0]);
			CHECK(o->spark[95] > 14.4);
			CHECK(o->spark[90] < 1);
			CHECK_INT(o->spark_ts[95], NOW);
			CHECK_INT(o->spark_ts[95] - o->spark_ts[94], 15 * MIN);
		}
		CHECK(o->budget_remaining > 0.6 && o->budget_remaining < 0.95);
	}
	o = slo(v, "payments-availability");
	CHECK(o != NULL && o->verdict == SLO_TICKET);
	o = slo(v, "ledger-writes");
	CHECK(o != NULL && o->verdict == SLO_NODATA);
	if (o != NULL)
		CHECK(isnan(o->budget_remaining));
	for (i = 0; i < v->nslos; i++) {
		if (v->slos[i].verdict == SLO_NODATA)
			continue;
		CHECK(v->slos[i].budget_remaining > 0.6);
		CHECK(v->slos[i].budget_remaining < 0.95);
	}

	/* Incidents. */
	for (i = 0; i < v->nincidents; i++) {
		if (v->incidents[i].nalerts >= 2)
			grouped++;
		if (v->incidents[i].silenced)
			silenced++;
	}
	CHECK(grouped >= 2);
	CHECK(silenced >= 1);
	CHECK(v->nincidents >= 6);
	CHECK(v->incidents[0].severity == SEV_CRITICAL);
	CHECK_CONTAINS(v->incidents[0].title, "ErrorBudgetBurn");
	CHECK_CONTAINS(v->incidents[0].runbook_url,
	    "https://runbooks.example.com/");
	/* It speaks with its critical alert, not the older warning. */
	CHECK_CONTAINS(v->incidents[0].summary, "fast (1h and 5m");
	/* The Watchdog is heard, and is no incident. */
	CHECK_INT(v->pipeline.state, PIPELINE_OK);
	CHECK_STR(v->pipeline.heartbeat, "Watchdog");
	for (i = 0; i < v->nincidents; i++)
		CHECK(strstr(v->incidents[i].title, "Watchdog") == NULL);
	/* A believable world: no text is escape stress (tests hold that). */
	for (i = 0; i < v->nalerts; i++) {
		if (v->alerts[i].summary != NULL &&
		    !sanitize_is_clean(v->alerts[i].summary, 0))
			hostile++;
		if (v->alerts[i].annotations != NULL &&
		    (strstr(v->alerts[i].annotations, "\\u001b") != NULL ||
		    strstr(v->alerts[i].annotations, "<script") != NULL))
			hostile++;
	}
	CHECK_INT(hostile, 0);
	CHECK(v->status == VIEW_CRITICAL);

	/* Modest. */
	CHECK(count(c, "SELECT COUNT(*) FROM kube_pods") < 60);
	CHECK(count(c, "SELECT COUNT(*) FROM kube_events") > 10);
	CHECK(count(c, "SELECT COUNT(*) FROM kube_replicasets WHERE"
	    " owner_name = 'checkout'") == 3);
	CHECK(count(c, "SELECT COUNT(*) FROM alerts WHERE state ="
	    " 'suppressed'") == 1);
	CHECK(count(c, "SELECT COUNT(*) FROM silences WHERE state ="
	    " 'active'") == 1);
	CHECK(count(c, "SELECT COUNT(*) FROM targets WHERE health ="
	    " 'down'") == 1);
	CHECK(count(c, "SELECT MAX(restarts) FROM kube_pods WHERE reason ="
	    " 'CrashLoopBackOff'") >= 5);
	CHECK(count(c, "SELECT revision FROM kube_deployments WHERE name ="
	    " 'checkout'") == 15);
	/* Every ReplicaSet says what its template holds, as kube.c does. */
	CHECK_INT(count(c, "SELECT COUNT(*) FROM kube_replicasets WHERE"
	    " containers IS NULL OR json_array_length(containers) != 1"), 0);
	check_checkout_revisions(c, v->context);
	views_free(v);
out:
	cache_close(c);
	conf_free(conf);
}

/* Twenty minutes later the rollback is done and checkout recovers. */
static void
test_demo_recovery(void)
{
	struct conf			*conf = sim_demo_conf();
	struct cache			*c = open_cache();
	struct views			*v;
	const struct view_service	*s;
	const struct view_slo		*o;

	v = demo_views(c, conf, NOW, NOW + 20 * MIN);
	CHECK(v != NULL);
	if (v == NULL)
		goto out;
	/* Only the slow-burn alert still fires: WARNING, for it alone. */
	s = service(v, "checkout");
	CHECK(s != NULL && s->status == VIEW_WARNING);
	CHECK(s != NULL && s->ready == 3 && s->desired == 3);
	CHECK(s != NULL && s->nreasons == 1 &&
	    has_reason(s, "alert ErrorBudgetBurn (warning)"));
	o = slo(v, "checkout-availability");
	CHECK(o != NULL && o->verdict != SLO_PAGE);
	CHECK(o != NULL && o->burn[SLO_5M] < 1);
	CHECK(count(c, "SELECT revision FROM kube_deployments WHERE name ="
	    " 'checkout'") == 16);
	CHECK(count(c, "SELECT COUNT(*) FROM kube_events WHERE reason ="
	    " 'DeploymentRollback'") == 1);
	CHECK(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname ="
	    " 'KubePodCrashLooping'") == 0);
	views_free(v);
out:
	cache_close(c);
	conf_free(conf);
}

/* The same clock gives the same rows; rounds replace, never pile up. */
static void
test_determinism(void)
{
	struct conf	*conf = sim_demo_conf();
	struct cache	*a = open_cache(), *b = open_cache();
	struct source	*sa = make_source(conf, NULL, NOW);
	struct source	*sb = make_source(conf, NULL, NOW);
	char		*da, *db;

	CHECK(store_at(a, sa, NOW + 90 * 1000) == 0);
	CHECK(store_at(b, sb, NOW + 10 * MIN) == 0);
	CHECK(store_at(b, sb, NOW + 90 * 1000) == 0);
	da = dump_all(a);
	db = dump_all(b);
	CHECK(strlen(da) > 10000);
	CHECK(strcmp(da, db) == 0);
	free(da);
	free(db);
	free_source(sa);
	free_source(sb);
	cache_close(a);
	cache_close(b);
	conf_free(conf);
}

/* The alerts firing at start + offset, as one text. */
static char *
alerts_at(int64_t start, int64_t now)
{
	struct conf	*conf = sim_demo_conf();
	struct cache	*c = open_cache();
	struct source	*s = make_source(conf, NULL, start);
	char		*t;

	CHECK(store_at(c, s, now) == 0);
	t = dump(c, "SELECT fingerprint, alertname, severity FROM alerts"
	    " ORDER BY fingerprint");
	free_source(s);
	cache_close(c);
	conf_free(conf);
	return t;
}

/* The world moves with time, and replays after its cycle. */
static void
test_moves(void)
{
	char	*a0, *a10, *s10, *a60, *a6;

	a0 = alerts_at(NOW, NOW);
	a6 = alerts_at(NOW, NOW + 2 * MIN);
	a10 = alerts_at(NOW, NOW + 10 * MIN);
	s10 = alerts_at(NOW - 10 * MIN, NOW);
	a60 = alerts_at(NOW, NOW + 60 * MIN);
	CHECK(strcmp(a0, a10) != 0);
	CHECK(strcmp(a0, a6) != 0);
	CHECK(strcmp(a10, s10) == 0);
	CHECK(strcmp(a0, a60) == 0);
	/* Escalation: the critical search latency alert joins at 42m. */
	CHECK(strstr(a0, "HighRequestLatency|critical") == NULL);
	CHECK_CONTAINS(a6, "HighRequestLatency|critical");
	CHECK_CONTAINS(a0, "HighRequestLatency|warning");
	free(a0);
	free(a6);
	free(a10);
	free(s10);
	free(a60);
}

/* Where the timeline stands, with a speed factor. */
static void
test_position(void)
{
	struct conf	*conf = sim_demo_conf();
	struct source	*s = make_source(conf, NULL, NOW);

	CHECK_INT(sim_source_position(s, NOW), 40 * MIN);
	CHECK_INT(sim_source_position(s, NOW + 5 * MIN), 45 * MIN);
	CHECK_INT(sim_source_position(s, NOW + 65 * MIN), 45 * MIN);
	sim_source_set_speed(s, 10);
	CHECK_INT(sim_source_position(s, NOW + MIN), 50 * MIN);
	sim_source_set_speed(s, -1);
	CHECK_INT(sim_source_position(s, NOW + MIN), 50 * MIN);
	free_source(s);
	conf_free(conf);
}

/* Write the finished rounds from the loop, as the program does. */
static void
flush(void *arg)
{
	poller_flush(arg);
}

/* The faithful way: a real loop and poller drive the source. */
static void
test_poller(void)
{
	struct conf		*conf = sim_demo_conf();
	struct cache		*c = open_cache();
	struct runtime		*rt;
	struct loop		*loop;
	struct poller		*p;
	struct source		*s;
	struct views		*v;
	char			*cause = NULL;
	int			 i;
	const struct view_source *src;

	rt = runtime_new(c, &cause);
	CHECK(rt != NULL);
	if (rt == NULL) {
		free(cause);
		goto out;
	}
	loop = runtime_loop(rt);
	/* The demo's context configures no real source ... */
	p = poller_new(rt, conf, &conf->contexts[0], POLLER_ONCE, &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	CHECK(poller_first(p) == NULL);
	poller_free(p);
	/* ... and a runtime that plays the demo adds the simulator. */
	runtime_simulate(rt, NULL);
	p = runtime_set_context(rt, conf, &conf->contexts[0], POLLER_ONCE,
	    &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	s = poller_first(p);
	CHECK(s != NULL && poller_next(s) == NULL);
	if (s == NULL)
		goto out;
	CHECK_STR(s->name, "sim");
	loop_set_before_sleep(loop, flush, p);
	poller_start(p);
	for (i = 0; i < 100 && !poller_finished(p); i++)
		loop_run_once(loop, 50);
	CHECK(poller_finished(p));
	CHECK(s->error == NULL);
	CHECK(s->items > 100);
	v = views_build(c, conf, &conf->contexts[0], util_now_ms(), &cause);
	CHECK(v != NULL);
	if (v != NULL) {
		src = views_source(v, "sim");
		CHECK(src != NULL && src->ok && !src->stale);
		CHECK(src != NULL && src->items == s->items);
		CHECK_STR(src != NULL ? src->kind : NULL, "sim");
		src = views_source(v, "kubernetes");
		CHECK(src != NULL && src->ok && !src->stale);
		CHECK(v->status == VIEW_CRITICAL);
		views_free(v);
	} else
		free(cause);
out:
	runtime_free(rt);
	cache_close(c);
	conf_free(conf);
}

/* One round of the poller's sources, written. */
static int
play_round(struct runtime *rt, struct poller *p)
{
	int	i;

	poller_start(p);
	for (i = 0; i < 100 && !poller_finished(p); i++)
		loop_run_once(runtime_loop(rt), 50);
	return poller_finished(p) ? 0 : -1;
}

/* What an incident action said. */
struct said {
	int	 n;
	int	 ok;
	int	 local;
	char	*message;
};

static void
said_cb(const struct incident_outcome *o, void *arg)
{
	struct said	*t = arg;

	t->n++;
	t->ok = o->ok;
	t->local = o->local;
	free(t->message);
	t->message = xstrdup(o->message);
}

/* What the gate said, as a said. */
static void
said_by_gate(const struct action_result *r, void *arg)
{
	struct said	*t = arg;

	t->n++;
	t->ok = r->status == ACTION_OK;
	free(t->message);
	t->message = xstrdup(r->message != NULL ? r->message : "");
}

/* Run the loop until n answers are in. */
static void
wait_said(struct runtime *rt, struct said *t, int n)
{
	int	i;

	for (i = 0; i < 100 && t->n < n; i++)
		loop_run_once(runtime_loop(rt), 20);
}

/*
 * The demo acts through the same gate: an acknowledgement is a silence in
 * the simulated Alertmanager, listed by the next round with the alerts it
 * holds suppressed, and the incident is acknowledged by its author; taken
 * back, the silence expires and the incident is triggered again.
 */
static void
test_demo_ack(void)
{
	struct conf		*conf = sim_demo_conf();
	struct cache		*c = open_cache();
	struct runtime		*rt;
	struct poller		*p;
	struct action_world	 w;
	struct action_gate	*g = NULL;
	struct views		*v;
	struct said		 t;
	char			*cause = NULL, *id = NULL;
	size_t			 i;

	memset(&t, 0, sizeof t);
	rt = runtime_new(c, &cause);
	if (rt == NULL) {
		CHECK(rt != NULL);
		free(cause);
		goto out;
	}
	runtime_simulate(rt, NULL);
	CHECK(runtime_sim_actions(rt) != NULL);
	p = runtime_set_context(rt, conf, &conf->contexts[0], POLLER_ONCE,
	    &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	loop_set_before_sleep(runtime_loop(rt), flush, p);
	CHECK_INT(play_round(rt, p), 0);
	v = views_build(c, conf, &conf->contexts[0], runtime_now_ms(rt),
	    &cause);
	CHECK(v != NULL && v->nincidents > 0);
	if (v == NULL || v->nincidents == 0)
		goto out;
	/* The first incident that is not silenced already. */
	for (i = 0; i < v->nincidents && id == NULL; i++)
		if (!v->incidents[i].silenced &&
		    strcmp(v->incidents[i].state, "triggered") == 0)
			id = xstrdup(v->incidents[i].id);
	views_free(v);
	CHECK(id != NULL);
	if (id == NULL)
		goto out;
	sim_actions_world(runtime_sim_actions(rt), &w);
	g = action_gate_new(c, conf->contexts[0].name, "oncall@demo", &w);
	CHECK_STR(action_gate_world(g), "the simulator");
	incident_ack(g, conf, id, 0, NULL, runtime_now_ms(rt), said_cb, &t);
	/* Answered from the loop, not at once. */
	CHECK_INT(t.n, 0);
	wait_said(rt, &t, 1);
	CHECK_INT(t.ok, 1);
	CHECK_INT(t.local, 0);
	CHECK_CONTAINS(t.message, "in the simulator");
	CHECK_INT(play_round(rt, p), 0);
	v = views_build(c, conf, &conf->contexts[0], runtime_now_ms(rt),
	    &cause);
	CHECK(v != NULL);
	for (i = 0; v != NULL && i < v->nincidents; i++) {
		if (strcmp(v->incidents[i].id, id) != 0)
			continue;
		CHECK_STR(v->incidents[i].state, "acknowledged");
		CHECK_STR(v->incidents[i].ack_by, "oncall@demo");
		CHECK(v->incidents[i].silenced);
		break;
	}
	CHECK(v != NULL && i < v->nincidents);
	views_free(v);
	incident_unack(g, id, runtime_now_ms(rt), said_cb, &t);
	wait_said(rt, &t, 2);
	CHECK_INT(t.ok, 1);
	CHECK_INT(play_round(rt, p), 0);
	v = views_build(c, conf, &conf->contexts[0], runtime_now_ms(rt),
	    &cause);
	for (i = 0; v != NULL && i < v->nincidents; i++) {
		if (strcmp(v->incidents[i].id, id) == 0) {
			CHECK_STR(v->incidents[i].state, "triggered");
			CHECK(!v->incidents[i].silenced);
		}
	}
	views_free(v);
out:
	free(id);
	free(t.message);
	action_gate_free(g);
	runtime_free(rt);
	cache_close(c);
	conf_free(conf);
}

/*
 * With one Alertmanager member down, an acknowledgement still reaches
 * the cluster: the silence is made, listed by the member that answers,
 * and the alerts it holds are suppressed by it; the source keeps saying
 * which member is down.
 */
static void
test_am_member_down_ack(void)
{
	static const char text[] =
	    "name: ack-while-down\n"
	    "description: ack while am-2 is down\n"
	    "limit: 20m\n"
	    "start: -1m\n"
	    "nodes: [{name: n1}]\n"
	    "services: [{name: web, namespace: shop, image: reg/web:1}]\n"
	    "alertmanagers: [am-1, am-2]\n"
	    "timeline:\n"
	    "  - {at: -10m, alert: {name: WebDown, severity: critical, "
	    "service: web, summary: web is down}}\n"
	    "  - {at: -1m, alertmanager_down: {member: am-2, for: 15m}}\n"
	    "expect: {ack: [WebDown], end: {after: 10m}}\n";
	struct drill			*d;
	struct sim_scenario		*sc = NULL;
	struct conf			*conf = NULL;
	struct cache			*c = open_cache();
	struct runtime			*rt = NULL;
	struct poller			*p;
	struct action_world		 w;
	struct action_gate		*g = NULL;
	struct views			*v;
	const struct view_source	*am;
	struct said			 t;
	char				*cause = NULL, *id = NULL, *sql;
	size_t				 i;

	memset(&t, 0, sizeof t);
	d = drill_load_text("t.yaml", text, strlen(text), NULL);
	CHECK(d != NULL && c != NULL);
	if (d == NULL || c == NULL)
		goto out;
	sc = sim_file_scenario(d);
	conf = sim_scenario_conf(sc, "drill");
	if ((rt = runtime_new(c, &cause)) == NULL) {
		CHECK(rt != NULL);
		free(cause);
		goto out;
	}
	runtime_simulate(rt, sc);
	p = runtime_set_context(rt, conf, &conf->contexts[0], POLLER_ONCE,
	    &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	loop_set_before_sleep(runtime_loop(rt), flush, p);
	CHECK_INT(play_round(rt, p), 0);
	v = views_build(c, conf, &conf->contexts[0], runtime_now_ms(rt),
	    &cause);
	CHECK(v != NULL);
	if (v == NULL)
		goto out;
	am = views_source(v, "alertmanager");
	CHECK(am != NULL && am->ok && am->warning != NULL);
	if (am != NULL && am->warning != NULL)
		CHECK_CONTAINS(am->warning, "connection refused at am-2:9093");
	views_free(v);
	/* WebDown's incident, as the cache keeps it. */
	id = dump(c, "SELECT id FROM incidents WHERE state = 'triggered'");
	CHECK_INT((long long)strlen(id), 10);
	if (strlen(id) == 10)
		id[8] = '\0';
	else {
		free(id);
		id = NULL;
	}
	CHECK(id != NULL);
	if (id == NULL)
		goto out;
	sim_actions_world(runtime_sim_actions(rt), &w);
	g = action_gate_new(c, conf->contexts[0].name, "oncall@drill", &w);
	incident_ack(g, conf, id, 0, NULL, runtime_now_ms(rt), said_cb, &t);
	wait_said(rt, &t, 1);
	if (!t.ok)
		printf("# ack: %s\n", t.message != NULL ? t.message : "?");
	CHECK_INT(t.ok, 1);
	CHECK_INT(play_round(rt, p), 0);
	/* The silence is listed by am-1, and WebDown is suppressed by it. */
	CHECK_INT(count(c, "SELECT COUNT(*) FROM silences WHERE source = "
	    "'am-1:9093' AND state = 'active'"), 1);
	sql = xasprintf("SELECT COUNT(*) FROM alerts WHERE alertname = "
	    "'WebDown' AND source = 'am-1:9093' AND state = 'suppressed' "
	    "AND silenced_by LIKE '%%' || (SELECT id FROM silences) || "
	    "'%%'");
	CHECK_INT(count(c, sql), 1);
	free(sql);
	v = views_build(c, conf, &conf->contexts[0], runtime_now_ms(rt),
	    &cause);
	CHECK(v != NULL);
	for (i = 0; v != NULL && i < v->nincidents; i++) {
		if (strcmp(v->incidents[i].id, id) != 0)
			continue;
		CHECK_STR(v->incidents[i].state, "acknowledged");
		CHECK(v->incidents[i].silenced);
		break;
	}
	CHECK(v != NULL && i < v->nincidents);
	am = v != NULL ? views_source(v, "alertmanager") : NULL;
	CHECK(am != NULL && am->ok && am->warning != NULL);
	views_free(v);
out:
	free(id);
	free(t.message);
	action_gate_free(g);
	runtime_free(rt);
	if (c != NULL)
		cache_close(c);
	conf_free(conf);
	sim_file_free(sc);
	drill_free(d);
}

/* The simulated Alertmanager refuses what Alertmanager refuses. */
static void
test_demo_invalid_silence(void)
{
	struct cache		*c = open_cache();
	struct runtime		*rt;
	struct action_world	 w;
	struct action_gate	*g;
	struct action_silence	 x;
	struct matchers		 m;
	struct said		 t;
	char			*cause = NULL;

	memset(&t, 0, sizeof t);
	rt = runtime_new(c, &cause);
	if (rt == NULL) {
		CHECK(rt != NULL);
		free(cause);
		cache_close(c);
		return;
	}
	runtime_simulate(rt, NULL);
	sim_actions_world(runtime_sim_actions(rt), &w);
	g = action_gate_new(c, "demo", "me", &w);
	matchers_init(&m);
	CHECK_INT(matchers_parse(&m, "team=~\".*\"", &cause), 0);
	memset(&x, 0, sizeof x);
	x.matchers = &m;
	x.starts_ms = runtime_now_ms(rt);
	x.ends_ms = x.starts_ms + MIN;
	x.comment = "too wide";
	action_silence(g, &x, "silence", said_by_gate, &t);
	wait_said(rt, &t, 1);
	CHECK_CONTAINS(t.message, "must not match the empty string");
	matchers_done(&m);
	CHECK_INT(matchers_parse(&m, "team=ops", &cause), 0);
	x.ends_ms = x.starts_ms - 1;
	action_silence(g, &x, "silence", said_by_gate, &t);
	wait_said(rt, &t, 2);
	CHECK_CONTAINS(t.message, "end time must not be before start time");
	action_expire(g, "sim-9999", "silence", said_by_gate, &t);
	wait_said(rt, &t, 3);
	CHECK_CONTAINS(t.message, "silence sim-9999 not found");
	CHECK_INT(t.ok, 0);
	matchers_done(&m);
	free(t.message);
	action_gate_free(g);
	runtime_free(rt);
	cache_close(c);
}

/* The benchmark world has the counts asked for. */
static void
test_big(void)
{
	/* A tenth of the world under valgrind: the same code, in minutes less. */
	int			 full = harness_reps(6) == 6;
	int			 pods = full ? 10000 : 1000;
	int			 alerts = pods / 2, slos = pods / 50;
	struct sim_scenario	*sc = bench_world_new(pods, alerts, slos);
	struct conf		*conf = sim_scenario_conf(sc, "bench");
	struct cache		*c = open_cache();
	struct source		*s = make_source(conf, sc, NOW);
	int			 suppressed;

	CHECK_INT(conf->nservices, pods / 10);
	CHECK_INT(conf->nslos, slos);
	CHECK(store_at(c, s, NOW) == 0);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM kube_pods"), pods);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM kube_deployments"),
	    pods / 10);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts"), alerts);
	suppressed = count(c, "SELECT COUNT(*) FROM alerts WHERE state ="
	    " 'suppressed'");
	if (full)
		CHECK_INT(suppressed, 625);
	else
		CHECK(suppressed > 0 && suppressed < alerts);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM targets WHERE job !="
	    " 'node-exporter'"), pods);
	CHECK_INT(count(c, "SELECT COUNT(DISTINCT query_key) FROM samples"
	    " WHERE query_key LIKE 'slo:%:ratio:5m'"), slos);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM samples WHERE query_key"
	    " LIKE 'slo:%:spark:1h'"), slos * 96);
	CHECK(count(c, "SELECT COUNT(*) FROM kube_pods WHERE reason IS NOT"
	    " NULL") > pods / 100);
	free_source(s);
	cache_close(c);
	conf_free(conf);
	bench_world_free(sc);
	bench_world_free(NULL);
}

/* Remove the temp dir. */
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

/* The virtual clock of the worlds test. */
static int64_t
worlds_clock(void *arg)
{
	return *(int64_t *)arg;
}

/* Flush every poller of the NULL-terminated list. */
static void
worlds_flush(void *arg)
{
	struct poller	**p = arg;

	for (; *p != NULL; p++)
		poller_flush(*p);
}

/*
 * A round of every context of conf at now on one runtime, as `sitrep
 * fetch --all --once` plays them, into a fresh cache; NULL on failure.
 */
static struct cache *
worlds_round(const struct conf *conf, int64_t *now)
{
	struct cache	*c = open_cache();
	struct runtime	*rt;
	struct poller	*p[SIM_WORLDS_MAX + 1];
	char		*cause = NULL;
	size_t		 i;
	int		 j, done = 0;

	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		printf("# %s\n", cause != NULL ? cause : "?");
		free(cause);
		if (c != NULL)
			cache_close(c);
		return NULL;
	}
	memset(p, 0, sizeof p);
	runtime_set_clock(rt, worlds_clock, now);
	runtime_simulate(rt, NULL);
	runtime_set_read_only(rt);
	for (i = 0; i < conf->ncontexts && i < SIM_WORLDS_MAX; i++) {
		if ((p[i] = runtime_add_context(rt, conf, &conf->contexts[i],
		    POLLER_ONCE, &cause)) == NULL) {
			printf("# %s\n", cause);
			free(cause);
			runtime_free(rt);
			cache_close(c);
			return NULL;
		}
		poller_start(p[i]);
	}
	loop_set_before_sleep(runtime_loop(rt), worlds_flush, p);
	for (j = 0; j < 200 && !done; j++) {
		loop_run_once(runtime_loop(rt), 50);
		for (done = 1, i = 0; p[i] != NULL; i++)
			done &= poller_finished(p[i]);
	}
	worlds_flush(p);
	runtime_free(rt);
	if (!done) {
		cache_close(c);
		return NULL;
	}
	return c;
}

/* A context's alerts, as one text. */
static char *
world_rows(struct cache *c, const char *context)
{
	char	*sql, *t;

	sql = xasprintf("SELECT alertname, severity, state, starts_at_ms"
	    " FROM alerts WHERE context = '%s' ORDER BY 1, 2, 4", context);
	t = dump(c, sql);
	free(sql);
	return t;
}

/*
 * `--worlds N`: N contexts, demo then demo-2 .., each at its own phase of
 * the hour, a pure function of its index; at the same instant the worlds
 * differ (one in the crash loop, one recovered), and demo is exactly the
 * demo of one world.
 */
static void
test_worlds(void)
{
	struct conf		*one = sim_demo_conf(), *three, *w1;
	struct cache		*a = NULL, *b = NULL;
	const struct sim_scenario *sc = sim_scenario_demo();
	int64_t			 now = NOW;
	char			*da, *db, *r[3], *sql;
	int			 i;

	CHECK(sim_demo_worlds_conf(0) == NULL);
	CHECK(sim_demo_worlds_conf(SIM_WORLDS_MAX + 1) == NULL);
	w1 = sim_demo_worlds_conf(1);
	CHECK(w1 != NULL && w1->ncontexts == 1);
	if (w1 != NULL) {
		CHECK_STR(w1->contexts[0].name, "demo");
		CHECK_INT(w1->contexts[0].sim_phase_ms, 0);
		conf_free(w1);
	}
	w1 = sim_demo_worlds_conf(SIM_WORLDS_MAX);
	CHECK(w1 != NULL && w1->ncontexts == SIM_WORLDS_MAX);
	if (w1 != NULL) {
		CHECK_STR(w1->contexts[SIM_WORLDS_MAX - 1].name, "demo-32");
		conf_free(w1);
	}
	three = sim_demo_worlds_conf(3);
	CHECK(three != NULL && three->ncontexts == 3);
	if (three == NULL || three->ncontexts != 3)
		goto out;
	CHECK_STR(three->contexts[0].name, "demo");
	CHECK_STR(three->contexts[1].name, "demo-2");
	CHECK_STR(three->contexts[2].name, "demo-3");
	for (i = 0; i < 3; i++) {
		CHECK_INT(three->contexts[i].refresh_ms, 2000);
		CHECK_INT(three->contexts[i].sim_phase_ms,
		    sim_world_phase(sc, i, 3));
		CHECK_INT(three->contexts[i].sim_phase_ms,
		    sc->cycle_ms * i / 3);
	}
	CHECK_INT(three->nservices, one->nservices);
	CHECK_INT(three->nslos, one->nslos);

	/* The first world is the demo of one world, row for row. */
	a = worlds_round(one, &now);
	b = worlds_round(three, &now);
	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		goto out;
	for (i = 0; i < 6; i++) {
		static const char *const tables[] = { "alerts", "kube_pods",
		    "kube_deployments", "samples", "probes", "incidents" };

		sql = xasprintf("SELECT * FROM %s WHERE context = 'demo' "
		    "ORDER BY 1, 2, 3", tables[i]);
		da = dump(a, sql);
		db = dump(b, sql);
		CHECK(strlen(da) > 100);
		CHECK_STR(db, da);
		free(da);
		free(db);
		free(sql);
	}

	/* At the same instant the three worlds are three moments. */
	for (i = 0; i < 3; i++)
		r[i] = world_rows(b, three->contexts[i].name);
	CHECK(strcmp(r[0], r[1]) != 0);
	CHECK(strcmp(r[1], r[2]) != 0);
	CHECK(strcmp(r[0], r[2]) != 0);
	for (i = 0; i < 3; i++)
		free(r[i]);
	/* demo is in the crash loop; demo-3, 40 minutes on, recovered. */
	CHECK(count(b, "SELECT COUNT(*) FROM kube_pods WHERE context = 'demo'"
	    " AND reason = 'CrashLoopBackOff'") > 0);
	CHECK_INT(count(b, "SELECT COUNT(*) FROM kube_pods WHERE context ="
	    " 'demo-3' AND reason = 'CrashLoopBackOff'"), 0);
	/* Every world has data: its sources and its pods. */
	CHECK_INT(count(b, "SELECT COUNT(DISTINCT context) FROM kube_pods"), 3);
	CHECK_INT(count(b, "SELECT COUNT(DISTINCT context) FROM sources"), 3);
out:
	if (a != NULL)
		cache_close(a);
	if (b != NULL)
		cache_close(b);
	conf_free(three);
	conf_free(one);
}

static const struct test tests[] = {
	TEST(test_demo_conf),
	TEST(test_demo_at_open),
	TEST(test_demo_recovery),
	TEST(test_determinism),
	TEST(test_moves),
	TEST(test_position),
	TEST(test_poller),
	TEST(test_demo_ack),
	TEST(test_am_member_down_ack),
	TEST(test_demo_invalid_silence),
	TEST(test_big),
	TEST(test_worlds),
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
