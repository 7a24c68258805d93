/*
 * test_drill.c: drill files: a good file read into the tables the
 * simulator plays (and the scenario built from them), each class of
 * mistake reported at its FILE:LINE:COL with what to write, and every
 * shipped drill loaded and played on the simulator: the bad rollout's
 * pods crash-loop after it, the Watchdog stops when the file says.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include <sqlite3.h>

#include "backends/backend.h"
#include "backends/sim.h"
#include "backends/sim_file.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/drill.h"
#include "core/views.h"

#define NOW	1795458089000LL
#define SEC	1000LL
#define MIN	(60 * 1000LL)

static char	dir[] = "/tmp/sitrep-drill-XXXXXX";
static int	ncache;

static const char good[] =
"name: t1\n"					/* 1 */
"description: a test drill\n"
"limit: 30m\n"
"start: -1m\n"
"nodes:\n"					/* 5 */
"  - {name: n1, zone: z1}\n"
"  - {name: n2}\n"
"services:\n"
"  - name: web\n"
"    namespace: shop\n"				/* 10 */
"    replicas: 3\n"
"    revision: 4\n"
"    image: reg/web:2\n"
"    previous_image: reg/web:1\n"
"    probe: true\n"				/* 15 */
"slos:\n"
"  - name: web-avail\n"
"    service: web\n"
"    objective: 99.9\n"
"    errors:\n"					/* 20 */
"      - {at: -30d, ratio: 0.0002}\n"
"      - {at: 20m, ratio: 0.0003}\n"
"timeline:\n"
"  - at: -30d\n"
"    alert: {name: Watchdog, severity: none, summary: always}\n" /* 25 */
"  - at: 0s\n"
"    rollout: {service: web, image: reg/web:3}\n"
"  - at: 30s\n"
"    crash_loop: {service: web, replica: 1, every: 2m, for: 10m}\n"
"  - at: 1m\n"					/* 30 */
"    error_ratio: {slo: web-avail, from: 0.0002, to: 0.05, over: 2m}\n"
"  - at: 2m\n"
"    node_pressure: {node: n2, for: 5m}\n"
"  - at: 3m\n"
"    probe_fails: {service: web, status: 502, latency: 900ms, body: bad}\n"
"  - at: 4m\n"
"    alert:\n"
"      name: KubePodCrashLooping\n"
"      severity: warning\n"
"      service: web\n"				/* 40 */
"      labels: {pod: $pod1, container: web}\n"
"      summary: Pod $pod1 crashes\n"
"      runbook: kubernetes/crash\n"
"  - at: 5m\n"
"    alert_stops: Watchdog\n"			/* 45 */
"expect:\n"
"  ack: [KubePodCrashLooping, {alertname: Watchdog, labels: {a: b}}]\n"
"  mitigate:\n"
"    - {action: undo, target: shop/web}\n"
"    - {action: scale, target: shop/web, replicas: 5}\n" /* 50 */
"  harmful:\n"
"    - {action: restart, target: shop/web, why: same image}\n"
"    - {action: silence, severity: critical, longer_than: 1h}\n"
"  end: {slo: web-avail, burn_below: 1, window: 5m}\n";

/* Load text as "t.yaml"; the problems joined by newlines in *out. */
static struct drill *
load(const char *text, char **out)
{
	struct conf_problems	 p;
	struct drill		*d;
	struct buf		 b;
	size_t			 i;
	char			*s;

	conf_problems_init(&p);
	d = drill_load_text("t.yaml", text, strlen(text), &p);
	buf_init(&b, 0);
	for (i = 0; i < p.n; i++)
		buf_printf(&b, "%s\n", p.v[i]);
	s = buf_detach(&b);
	conf_problems_done(&p);
	if (out != NULL)
		*out = s;
	else {
		if (*s != '\0')
			printf("# %s", s);
		free(s);
	}
	return d;
}

/* The good file's tables. */
static void
test_good(void)
{
	struct drill	*d = load(good, NULL);

	CHECK(d != NULL);
	if (d == NULL)
		return;
	CHECK_STR(d->name, "t1");
	CHECK_INT(d->start_ms, -MIN);
	CHECK_INT(d->limit_ms, 30 * MIN);
	CHECK_INT(d->nnodes, 2);
	CHECK_STR(d->nodes[1].zone, "zone-a");
	CHECK_STR(d->nodes[1].pressure, "MemoryPressure");
	CHECK_INT(d->nodes[1].pressure_from_ms, 2 * MIN);
	CHECK_INT(d->nodes[1].pressure_until_ms, 7 * MIN);
	CHECK(d->nodes[0].pressure == NULL);
	CHECK_INT(d->nservices, 1);
	CHECK_INT(d->services[0].replicas, 3);
	CHECK_INT(d->services[0].port, 8080);
	CHECK_INT(d->services[0].probe, 1);
	CHECK_INT(d->nrollouts, 1);
	CHECK_INT(d->rollouts[0].at_ms, 0);
	CHECK_INT(d->rollouts[0].rollback_ms, 0);
	CHECK_STR(d->rollouts[0].image, "reg/web:3");
	CHECK_INT(d->nfaults, 1);
	CHECK_INT(d->faults[0].replica, 1);
	CHECK_STR(d->faults[0].reason, "CrashLoopBackOff");
	CHECK_INT(d->faults[0].from_ms, 30 * SEC);
	CHECK_INT(d->faults[0].until_ms, 10 * MIN + 30 * SEC);
	CHECK_INT(d->faults[0].restart_every_ms, 2 * MIN);
	CHECK_INT(d->faults[0].down_ms, 2 * MIN);
	CHECK_INT(d->nprobe_faults, 1);
	CHECK_INT(d->probe_faults[0].status, 502);
	CHECK_INT(d->probe_faults[0].latency_ms, 900);
	CHECK_INT(d->probe_faults[0].until_ms, DRILL_FOREVER_MS);
	CHECK_INT(d->nalerts, 2);
	CHECK_STR(d->alerts[0].alertname, "Watchdog");
	CHECK_INT(d->alerts[0].from_ms, -30 * 24 * 60 * MIN);
	CHECK_INT(d->alerts[0].until_ms, 5 * MIN);	/* alert_stops */
	CHECK_INT(d->alerts[0].service, -1);
	CHECK_STR(d->alerts[1].labels, "pod=$pod1,container=web");
	CHECK_INT(d->alerts[1].service, 0);
	/* The SLO's own points and the timeline's, in time order. */
	CHECK_INT(d->nslos, 1);
	CHECK_INT(d->slos[0].ncurve, 4);
	if (d->slos[0].ncurve == 4) {
		CHECK_INT(d->slos[0].curve[1].at_ms, MIN);
		CHECK(fabs(d->slos[0].curve[2].ratio - 0.05) < 1e-12);
		CHECK_INT(d->slos[0].curve[2].at_ms, 3 * MIN);
		CHECK_INT(d->slos[0].curve[3].at_ms, 20 * MIN);
	}
	CHECK_CONTAINS(d->slos[0].error_query, "namespace=\"shop\"");
	CHECK_INT(d->nevents, 8);
	CHECK_INT(d->events[7].kind, DRILL_EV_ALERT_STOPS);
	CHECK_INT(d->events[7].line, 44);
	/* The expected response. */
	CHECK_INT(d->nacks, 2);
	CHECK_STR(d->acks[0].alertname, "KubePodCrashLooping");
	CHECK_INT(d->acks[1].nlabels, 1);
	CHECK_INT(d->nmitigate, 2);
	CHECK_INT(d->mitigate[0].action, DRILL_UNDO);
	CHECK_INT(d->mitigate[0].service, 0);
	CHECK_INT(d->mitigate[1].replicas, 5);
	CHECK_INT(d->nharmful, 2);
	CHECK_STR(d->harmful[0].why, "same image");
	CHECK_INT(d->harmful[1].action, DRILL_SILENCE);
	CHECK_STR(d->harmful[1].severity, "critical");
	CHECK_INT(d->harmful[1].longer_than_ms, 60 * MIN);
	CHECK_INT(d->end.kind, DRILL_END_SLO);
	CHECK_INT(d->end.slo, 0);
	CHECK_INT(d->end.window_ms, 5 * MIN);
	CHECK_STR(drill_action_name(DRILL_DELETE_POD), "delete-pod");
	drill_free(d);
}

/* The scenario built from the good file is the same tables. */
static void
test_scenario(void)
{
	struct drill		*d = load(good, NULL);
	struct sim_scenario	*sc;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	sc = sim_file_scenario(d);
	CHECK_STR(sc->name, "t1");
	CHECK_INT(sc->open_ms, -MIN);
	CHECK_INT(sc->cycle_ms, 0);
	CHECK_INT(sc->nnodes, 2);
	CHECK_STR(sc->nodes[1].pressure, "MemoryPressure");
	CHECK_INT(sc->nservices, 1);
	CHECK_INT(sc->services[0].workload, SIM_DEPLOYMENT);
	CHECK_STR(sc->services[0].previous_image, "reg/web:1");
	CHECK_INT(sc->nrollouts, 1);
	CHECK_INT(sc->rollouts[0].rollback_ms, 0);
	CHECK_INT(sc->nfaults, 1);
	CHECK_INT(sc->faults[0].down_ms, 2 * MIN);
	CHECK_INT(sc->nprobe_faults, 1);
	CHECK_STR(sc->probe_faults[0].excerpt, "bad");
	CHECK_INT(sc->nalerts, 2);
	CHECK_INT(sc->alerts[0].until_ms, 5 * MIN);
	CHECK_STR(sc->alerts[1].runbook, "kubernetes/crash");
	CHECK_INT(sc->nslos, 1);
	CHECK_INT(sc->slos[0].ncurve, 4);
	CHECK_INT(sc->nsilences, 0);
	sim_file_free(sc);
	sim_file_free(NULL);
	drill_free(d);
	drill_free(NULL);
}

/* Each class of mistake: its place and what to write. */
static void
test_errors(void)
{
	static const struct {
		const char	*from;	/* a line of the good file */
		const char	*to;	/* what replaces it */
		const char	*want;
	} cases[] = {
		{ "limit: 30m\n", "limt: 30m\n",
		  "t.yaml:3:1: unknown key 'limt' in a drill file; did you "
		  "mean 'limit'?" },
		{ "limit: 30m\n", "limit: soon\n",
		  "t.yaml:3:8: 'limit' must be a duration such as 30s" },
		{ "    rollout: {service: web, image: reg/web:3}\n",
		  "    rollout: {service: wbe, image: reg/web:3}\n",
		  "t.yaml:27:24: unknown service 'wbe'; did you mean 'web'?" },
		{ "    crash_loop: {service: web, replica: 1, every: 2m, "
		  "for: 10m}\n",
		  "    crash_loop: {service: web, replica: 3, every: 2m, "
		  "for: 10m}\n",
		  "t.yaml:29:41: service 'web' has 3 replicas (0 to 2)" },
		{ "    crash_loop: {service: web, replica: 1, every: 2m, "
		  "for: 10m}\n",
		  "    crash_loop: {service: web, replica: 1, for: 10m}\n",
		  "t.yaml:29:17: crash_loop (how often the pod restarts) "
		  "needs 'every'" },
		{ "    probe: true\n", "    probe: false\n",
		  "t.yaml:35:18: service 'web' has no probe; write 'probe: "
		  "true' under it" },
		{ "    node_pressure: {node: n2, for: 5m}\n",
		  "    node_pressure: {node: n9, for: 5m}\n",
		  "t.yaml:33:27: unknown node 'n9'; did you mean 'n1'?" },
		{ "    alert_stops: Watchdog\n", "    alert_stops: Watchdgo\n",
		  "t.yaml:45:18: unknown alert 'Watchdgo'; did you mean "
		  "'Watchdog'?" },
		{ "  - at: 5m\n", "  - at: 40m\n",
		  "t.yaml:44:9: this comes after the drill's end" },
		{ "    error_ratio: {slo: web-avail, from: 0.0002, to: 0.05, "
		  "over: 2m}\n",
		  "    error_ratio: {slo: web-avail, from: 0.0002, to: 1.5, "
		  "over: 2m}\n",
		  "t.yaml:31:53: 'to' must be a number from 0 to 1" },
		{ "      - {at: 20m, ratio: 0.0003}\n",
		  "      - {at: 3m, ratio: 0.0003}\n",
		  "t.yaml:31:18: SLO 'web-avail' has another point of its "
		  "error curve at 3m (line 22)" },
		{ "    alert_stops: Watchdog\n",
		  "    alert_stops: Watchdog\n    rollout: {service: web}\n",
		  "t.yaml:44:5: a timeline entry needs 'at' and exactly one "
		  "of:" },
		{ "      labels: {pod: $pod1, container: web}\n",
		  "      labels: {pod: $pod1, service: web}\n",
		  "t.yaml:41:28: label 'service' is set by the alert itself" },
		{ "    - {action: undo, target: shop/web}\n",
		  "    - {action: undo, target: shop/wbe}\n",
		  "t.yaml:49:30: unknown target 'shop/wbe'; did you mean "
		  "'shop/web'?" },
		{ "    - {action: undo, target: shop/web}\n",
		  "    - {action: rollback, target: shop/web}\n",
		  "t.yaml:49:16: unknown action 'rollback'; write one of: "
		  "undo, restart, scale, delete-pod, silence" },
		{ "    - {action: silence, severity: critical, longer_than: "
		  "1h}\n",
		  "    - {action: silence, longer_than: 1h}\n",
		  "t.yaml:53:7: a silence pattern needs alertname, severity "
		  "or labels" },
		{ "    - {action: restart, target: shop/web, why: same "
		  "image}\n",
		  "    - {action: restart, target: shop/web, alertname: X}\n",
		  "t.yaml:52:54: 'alertname' belongs to a silence" },
		{ "  ack: [KubePodCrashLooping, {alertname: Watchdog, labels: "
		  "{a: b}}]\n",
		  "  ack: [KubePodCrashLoping]\n",
		  "t.yaml:47:9: unknown alert 'KubePodCrashLoping'; did you "
		  "mean 'KubePodCrashLooping'?" },
		{ "  end: {slo: web-avail, burn_below: 1, window: 5m}\n",
		  "  end: {slo: web-avail, burn_below: 1, window: 7m}\n",
		  "t.yaml:54:48: unknown window '7m'; did you mean '5m'?" },
		{ "  end: {slo: web-avail, burn_below: 1, window: 5m}\n",
		  "  end: {}\n",
		  "t.yaml:54:8: 'end' needs 'after: DURATION', or 'slo: NAME'" },
		{ "description: a test drill\n", "description: [a, b]\n",
		  "t.yaml:2:14: expected a single value for 'description'" },
		{ "name: t1\n", "name: t1\nname: t2\n",
		  "t.yaml:2:1: duplicate key 'name' (first at line 1)" },
		{ "    alert: {name: Watchdog, severity: none, summary: "
		  "always}\n",
		  "    alert: {name: Watchdog, severity: page, summary: "
		  "always}\n",
		  "t.yaml:25:39: unknown severity 'page'; write one of: critical, warning, info, none" },
		{ "  - at: -30d\n", "  - at: &a -30d\n    x: *a\n",
		  "t.yaml:25:8: aliases are not supported; write the value "
		  "out in full" },
		{ "  - at: -30d\n", "  - at: [-30d\n",
		  "invalid YAML: " },
	};
	size_t	 i;
	char	*text, *got, *p;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct drill *d;

		p = strstr(good, cases[i].from);
		CHECK(p != NULL);
		if (p == NULL)
			continue;
		text = xasprintf("%.*s%s%s", (int)(p - good), good,
		    cases[i].to, p + strlen(cases[i].from));
		d = load(text, &got);
		CHECK(d == NULL);
		if (strstr(got, cases[i].want) == NULL)
			printf("# case %zu: want '%s'\n# got: %s\n", i,
			    cases[i].want, got);
		CHECK(strstr(got, cases[i].want) != NULL);
		drill_free(d);
		free(got);
		free(text);
	}
	/* Nothing, or not a mapping. */
	CHECK(load("", &got) == NULL);
	CHECK_CONTAINS(got, "t.yaml:1:1: the file is empty");
	free(got);
	CHECK(load("- a\n", &got) == NULL);
	CHECK_CONTAINS(got, "t.yaml:1:1: a drill file is a list; write a "
	    "mapping");
	free(got);
}

/* A missing file says so. */
static void
test_missing_file(void)
{
	struct conf_problems	 p;

	conf_problems_init(&p);
	CHECK(drill_load_file("/nonexistent/x.yaml", &p) == NULL);
	CHECK_INT(p.n, 1);
	if (p.n == 1)
		CHECK_CONTAINS(p.v[0], "/nonexistent/x.yaml");
	conf_problems_done(&p);
}

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

/* One simulator round of sc at wall time now (played from start). */
static int
play(struct cache *c, const struct conf *conf, const struct sim_scenario *sc,
    int64_t start, int64_t now)
{
	struct source	 s;
	char		*cause = NULL;
	int		 rc = 0;

	memset(&s, 0, sizeof s);
	s.name = xstrdup("sim");
	s.context = xstrdup(conf->contexts[0].name);
	s.conf = conf;
	s.ctx = &conf->contexts[0];
	sim_source_init(&s, sc, start);
	if (cache_begin(c, &cause) != 0 || s.ops->store(&s, c, now,
	    &cause) != 0) {
		printf("# store: %s\n", cause != NULL ? cause : "?");
		cache_rollback(c);
		rc = -1;
	} else if (cache_commit(c, &cause) != 0) {
		printf("# commit: %s\n", cause);
		rc = -1;
	}
	free(cause);
	s.ops->free(&s);
	free(s.name);
	free(s.context);
	return rc;
}

/* An SQL count. */
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

/* Every shipped drill loads, and the simulator plays it. */
static void
test_shipped(void)
{
	const struct drill_builtin	*b;
	struct conf_problems		 p;
	struct drill			*d;
	struct sim_scenario		*sc;
	struct conf			*conf;
	struct cache			*c;
	int				 n = 0;

	for (b = drill_builtins; b->name != NULL; b++) {
		conf_problems_init(&p);
		d = drill_load_builtin(b->name, &p);
		if (d == NULL)
			printf("# %s: %s\n", b->name, p.n > 0 ? p.v[0] : "?");
		conf_problems_done(&p);
		CHECK(d != NULL);
		if (d == NULL)
			continue;
		n++;
		CHECK_STR(d->name, b->name);
		sc = sim_file_scenario(d);
		conf = sim_scenario_conf(sc, "drill");
		c = open_cache();
		/* At its start and at its end the world is whole. */
		CHECK(c != NULL && play(c, conf, sc, NOW, NOW) == 0);
		CHECK(count(c, "SELECT COUNT(*) FROM kube_pods") > 0);
		CHECK(play(c, conf, sc, NOW, NOW + d->limit_ms) == 0);
		CHECK(count(c, "SELECT COUNT(*) FROM kube_pods") > 0);
		if (c != NULL)
			cache_close(c);
		conf_free(conf);
		sim_file_free(sc);
		drill_free(d);
	}
	CHECK_INT(n, 7);
	CHECK(drill_load_builtin("no-such-drill", NULL) == NULL);
}

/* The bad deploy: before the rollout all is well, after it pods crash. */
static void
test_bad_deploy_plays(void)
{
	struct drill		*d = drill_load_builtin("bad-deploy", NULL);
	struct sim_scenario	*sc;
	struct conf		*conf;
	struct cache		*c;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	sc = sim_file_scenario(d);
	conf = sim_scenario_conf(sc, "drill");
	c = open_cache();
	CHECK(c != NULL);
	if (c == NULL)
		goto out;
	/* The play opens at -2m: no crash, no page, the Watchdog fires. */
	CHECK(play(c, conf, sc, NOW, NOW) == 0);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM kube_pods WHERE reason ="
	    " 'CrashLoopBackOff'"), 0);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname ="
	    " 'Watchdog'"), 1);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname ="
	    " 'ErrorBudgetBurn'"), 0);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM kube_pods WHERE "
	    "namespace = 'shop' AND name LIKE 'checkout-%'"), 3);
	/* 10 minutes in (8m after the rollout): a crash loop, a page. */
	CHECK(play(c, conf, sc, NOW, NOW + 10 * MIN) == 0);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM kube_pods WHERE reason ="
	    " 'CrashLoopBackOff' AND name LIKE 'checkout-%'"), 1);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname ="
	    " 'ErrorBudgetBurn' AND severity = 'critical'"), 1);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname ="
	    " 'KubePodCrashLooping'"), 1);
	CHECK(count(c, "SELECT COUNT(*) FROM samples WHERE query_key ="
	    " 'slo:checkout-availability:ratio:5m' AND value > 0.01") == 1);
	cache_close(c);
out:
	conf_free(conf);
	sim_file_free(sc);
	drill_free(d);
}

/* The Watchdog drill: the heartbeat stops at 2m, the switch pages. */
static void
test_watchdog_plays(void)
{
	struct drill		*d = drill_load_builtin("watchdog-silent",
				    NULL);
	struct sim_scenario	*sc;
	struct conf		*conf;
	struct cache		*c;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	sc = sim_file_scenario(d);
	conf = sim_scenario_conf(sc, "drill");
	c = open_cache();
	if (c != NULL) {
		CHECK(play(c, conf, sc, NOW, NOW + 2 * MIN) == 0);
		CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE "
		    "alertname = 'Watchdog'"), 1);
		CHECK(play(c, conf, sc, NOW, NOW + 4 * MIN) == 0);
		CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE "
		    "alertname = 'Watchdog'"), 0);
		CHECK(play(c, conf, sc, NOW, NOW + 7 * MIN) == 0);
		CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE "
		    "alertname = 'DeadMansSwitchMissing'"), 1);
		cache_close(c);
	}
	conf_free(conf);
	sim_file_free(sc);
	drill_free(d);
}

/* The "alertmanager" source as the views read it at now (freed by caller). */
static struct views *
am_views(struct cache *c, const struct conf *conf, int64_t now,
    const struct view_source **am)
{
	struct views	*v;
	char		*cause = NULL;

	*am = NULL;
	v = views_build(c, conf, &conf->contexts[0], now, &cause);
	if (v == NULL) {
		printf("# views: %s\n", cause);
		free(cause);
		return NULL;
	}
	*am = views_source(v, "alertmanager");
	return v;
}

/*
 * am-member-down: before the outage both members answer and the source
 * is plainly ok; while am-2 is down (5m..15m) the source row reads as
 * the real source's does when a member refuses the connection (ok, with
 * its warning) and the alerts are all there, held by am-1; afterwards
 * all is fresh again and the warning gone.
 */
static void
test_am_member_down_plays(void)
{
	static const char warning[] = "1 of 2 Alertmanagers did not answer "
	    "(alerts are from the others): connection refused at "
	    "am-2:9093: is Alertmanager running?";
	struct drill			*d = drill_load_builtin(
					    "am-member-down", NULL);
	const struct view_source	*am;
	struct sim_scenario		*sc;
	struct conf			*conf;
	struct cache			*c;
	struct views			*v;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	CHECK_INT((long long)d->nalertmanagers, 2);
	CHECK_INT((long long)d->nam_outages, 1);
	sc = sim_file_scenario(d);
	conf = sim_scenario_conf(sc, "drill");
	c = open_cache();
	if (c == NULL)
		goto out;
	/* 4m: the burn pages, both members answer. */
	CHECK(play(c, conf, sc, NOW, NOW + 5 * MIN) == 0);
	v = am_views(c, conf, NOW + 5 * MIN, &am);
	CHECK(am != NULL && am->ok && !am->stale && am->warning == NULL);
	views_free(v);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname = "
	    "'ErrorBudgetBurn' AND source = 'am-1:9093'"), 1);

	/* 9m: am-2 is down; the warning, and the alerts all there. */
	CHECK(play(c, conf, sc, NOW, NOW + 10 * MIN) == 0);
	v = am_views(c, conf, NOW + 10 * MIN, &am);
	CHECK(am != NULL && am->ok && !am->stale && am->error == NULL);
	if (am != NULL && am->warning != NULL)
		CHECK_STR(am->warning, warning);
	else
		CHECK(am != NULL && am->warning != NULL);
	CHECK(am != NULL && am->items == 3);
	views_free(v);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname IN "
	    "('ErrorBudgetBurn', 'AlertmanagerClusterDown', 'Watchdog') AND "
	    "source = 'am-1:9093'"), 3);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE source <> "
	    "'am-1:9093'"), 0);

	/* 16m: am-2 is back, all fresh. */
	CHECK(play(c, conf, sc, NOW, NOW + 17 * MIN) == 0);
	v = am_views(c, conf, NOW + 17 * MIN, &am);
	CHECK(am != NULL && am->ok && !am->stale && am->warning == NULL);
	views_free(v);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname = "
	    "'ErrorBudgetBurn'"), 1);
	cache_close(c);
out:
	conf_free(conf);
	sim_file_free(sc);
	drill_free(d);
}

/*
 * Both members down: the source failed with the first one's error, as
 * the real one, and the alerts of the last good round kept (not
 * rewritten: a new alert does not appear, one ended does not go).
 */
static void
test_am_all_down(void)
{
	static const char text[] =
	    "name: all-down\n"
	    "description: both down\n"
	    "limit: 20m\n"
	    "nodes: [{name: n1}]\n"
	    "services: [{name: web, namespace: shop, image: reg/web:1}]\n"
	    "alertmanagers: [am-1, am-2]\n"
	    "timeline:\n"
	    "  - {at: 0s, alert: {name: Early, severity: warning, summary: "
	    "early, for: 3m}}\n"
	    "  - {at: 2m, alertmanager_down: {member: am-1, for: 5m}}\n"
	    "  - {at: 2m, alertmanager_down: {member: am-2, for: 5m}}\n"
	    "  - {at: 4m, alert: {name: Late, severity: warning, summary: "
	    "late}}\n"
	    "expect: {ack: [Early], end: {after: 10m}}\n";
	const struct view_source	*am;
	struct drill			*d = load(text, NULL);
	struct sim_scenario		*sc;
	struct conf			*conf;
	struct cache			*c;
	struct views			*v;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	sc = sim_file_scenario(d);
	conf = sim_scenario_conf(sc, "drill");
	c = open_cache();
	if (c == NULL)
		goto out;
	CHECK(play(c, conf, sc, NOW, NOW + 1 * MIN) == 0);
	CHECK(play(c, conf, sc, NOW, NOW + 5 * MIN) == 0);
	v = am_views(c, conf, NOW + 5 * MIN, &am);
	CHECK(am != NULL && !am->ok && am->warning == NULL);
	if (am != NULL && am->error != NULL)
		CHECK_STR(am->error, "connection refused at am-1:9093: is "
		    "Alertmanager running?");
	else
		CHECK(am != NULL && am->error != NULL);
	views_free(v);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname = "
	    "'Early'"), 1);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname = "
	    "'Late'"), 0);
	/* Back: fresh, the alerts of now. */
	CHECK(play(c, conf, sc, NOW, NOW + 8 * MIN) == 0);
	v = am_views(c, conf, NOW + 8 * MIN, &am);
	CHECK(am != NULL && am->ok && am->error == NULL &&
	    am->warning == NULL);
	views_free(v);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname = "
	    "'Early'"), 0);
	CHECK_INT(count(c, "SELECT COUNT(*) FROM alerts WHERE alertname = "
	    "'Late'"), 1);
	cache_close(c);
out:
	conf_free(conf);
	sim_file_free(sc);
	drill_free(d);
}

/* Mistakes in the members and their outages, each at its place. */
static void
test_am_errors(void)
{
	static const char head[] =
	    "name: e\n"
	    "description: e\n"
	    "limit: 20m\n"
	    "nodes: [{name: n1}]\n"
	    "services: [{name: web, namespace: shop, image: reg/web:1}]\n";
	static const char tail[] =
	    "expect: {end: {after: 10m}}\n";
	static const struct {
		const char	*mid;
		const char	*want;
	} cases[] = {
		{ "timeline:\n"
		  "  - {at: 1m, alertmanager_down: {member: am-2}}\n",
		  "t.yaml:7:42: the drill's Alertmanager has no members "
		  "named; list them first" },
		{ "alertmanagers: [am-1, am-2]\n"
		  "timeline:\n"
		  "  - {at: 1m, alertmanager_down: {member: am-3}}\n",
		  "t.yaml:8:42: unknown Alertmanager member 'am-3'; did you "
		  "mean 'am-1'?" },
		{ "alertmanagers: [am-1]\n"
		  "timeline:\n"
		  "  - {at: 1m, alertmanager_down: {member: am-1}}\n",
		  "t.yaml:6:16: 'alertmanagers' must be a list of 2 to 8" },
		{ "alertmanagers: [am-1, am-1]\n"
		  "timeline:\n"
		  "  - {at: 1m, alertmanager_down: {member: am-1}}\n",
		  "Alertmanager member 'am-1' twice" },
		{ "alertmanagers: [am-1, 'a b']\n"
		  "timeline:\n"
		  "  - {at: 1m, alertmanager_down: {member: am-1}}\n",
		  "'a b' is not a host name" },
		{ "alertmanagers: [am-1, am-2]\n"
		  "timeline:\n"
		  "  - {at: 1m, alertmanager_down: {member: am-1, for: 5m}}\n"
		  "  - {at: 3m, alertmanager_down: {member: am-1}}\n",
		  "t.yaml:9:33: Alertmanager 'am-1' is down already then" },
		{ "alertmanagers: [am-1, am-2]\n"
		  "timeline:\n"
		  "  - {at: 1m, alertmanager_down: {who: am-1}}\n",
		  "unknown key 'who' in alertmanager_down" },
	};
	struct drill	*d;
	char		*text, *out;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		text = xasprintf("%s%s%s", head, cases[i].mid, tail);
		d = load(text, &out);
		CHECK(d == NULL);
		CHECK_CONTAINS(out, cases[i].want);
		drill_free(d);
		free(out);
		free(text);
	}
}

/* Remove the temp dir. */
static void
cleanup(void)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	char	*path;
	int	 i;
	size_t	 k;

	for (i = 0; i < ncache; i++) {
		for (k = 0; k < 3; k++) {
			path = xasprintf("%s/cache%d.db%s", dir, i, ext[k]);
			unlink(path);
			free(path);
		}
	}
	rmdir(dir);
}

/*
 * Problems quote the file's text safely: a key with a tab and an escape,
 * unknown and twice, gives one-line problems with no control character.
 * Found by tests/fuzz/fuzz_drill.
 */
static void
test_problems_safe(void)
{
	struct drill	*d;
	char		*s, *line, *next;

	d = load("name: t\n"
	    "\"a\\tb\\e]0;x\\a\": 1\n"
	    "\"a\\tb\\e]0;x\\a\": 2\n", &s);
	CHECK(d == NULL);
	drill_free(d);
	CHECK_CONTAINS(s, "duplicate key 'a b^[]0;x^G' (first at line 2)");
	for (line = s; *line != '\0'; line = next + 1) {
		if ((next = strchr(line, '\n')) == NULL)
			break;
		*next = '\0';
		CHECK(sanitize_is_clean(line, 0));
	}
	free(s);
}

static const struct test tests[] = {
	TEST(test_good),
	TEST(test_scenario),
	TEST(test_errors),
	TEST(test_missing_file),
	TEST(test_shipped),
	TEST(test_bad_deploy_plays),
	TEST(test_watchdog_plays),
	TEST(test_am_member_down_plays),
	TEST(test_am_all_down),
	TEST(test_am_errors),
	TEST(test_problems_safe),
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
