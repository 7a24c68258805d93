/*
 * test_drill_run.c: a drill run's facts in its cache: the fresh file's
 * name and folder, the start keys written and read back, hints counted,
 * the end, a cache that is not a drill's, and the views' drill field that
 * the console and every export read; the end of a drill watched over
 * views (drill_watch_judge).
 */
#include "config.h"

#include <sys/stat.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/drill.h"
#include "core/drill_run.h"
#include "core/views.h"
#include "export/export.h"

static char	dir[] = "/tmp/sitrep-drillrun-XXXXXX";

/* A fresh cache at dir/NAME; NULL on failure (reported). */
static struct cache *
open_cache(const char *name)
{
	struct cache	*c;
	char		*path, *cause = NULL, *warning = NULL;

	path = xasprintf("%s/%s", dir, name);
	c = cache_open(path, 0, &warning, &cause);
	CHECK(c != NULL);
	free(cause);
	free(warning);
	free(path);
	return c;
}

/* The run's file: NAME-YYYYmmdd-HHMMSS.db in a 0700 drills folder, -2 next. */
static void
test_path(void)
{
	struct stat	 sb;
	char		*p1, *p2, *want, *cause = NULL, *xdg, *name;
	FILE		*f;
	/* 2026-11-23 03:00:00 UTC. */
	const int64_t	 at = 1795402800000LL;

	xdg = xasprintf("%s/xdg", dir);
	setenv("XDG_CACHE_HOME", xdg, 1);
	setenv("TZ", "UTC", 1);
	p1 = drill_run_path("bad-deploy", at, &cause);
	CHECK(p1 != NULL);
	if (p1 == NULL)
		return;
	want = xasprintf("%s/sitrep/drills/bad-deploy-20261123-030000.db",
	    xdg);
	CHECK_STR(p1, want);
	free(want);
	want = xasprintf("%s/sitrep/drills", xdg);
	CHECK(stat(want, &sb) == 0 && (sb.st_mode & 0777) == 0700);
	/* Taken: the next is -2. */
	f = fopen(p1, "w");
	CHECK(f != NULL);
	if (f != NULL)
		fclose(f);
	p2 = drill_run_path("bad-deploy", at, &cause);
	CHECK(p2 != NULL && strstr(p2, "/bad-deploy-20261123-030000-2.db")
	    != NULL);
	name = drill_run_name(p2);
	CHECK_STR(name, "bad-deploy-20261123-030000-2");
	free(name);
	free(p2);
	/* A name that is not a file name is made one. */
	p2 = drill_run_path("../x y", at, &cause);
	CHECK(p2 != NULL && strstr(p2, "/sitrep/drills/-.-x-y-20261123") !=
	    NULL);
	free(p2);
	unlink(p1);
	free(p1);
	rmdir(want);
	free(want);
	want = xasprintf("%s/sitrep", xdg);
	rmdir(want);
	free(want);
	rmdir(xdg);
	free(xdg);
}

/* Marked, hinted, ended: read back as written; views and exports see it. */
static void
test_meta(void)
{
	struct drill_run_meta	 m, got;
	struct cache		*c;
	struct views		*v;
	struct buf		 out;
	char			*cause = NULL;
	char			 name[] = "bad-deploy", source[] = "builtin";
	char			 run[] = "bad-deploy-20261123-030000";
	char			 yaml[] = "name: bad-deploy\n";

	if ((c = open_cache("run.db")) == NULL)
		return;
	CHECK_INT(drill_run_meta(c, &got, &cause), 0);
	CHECK(got.name == NULL);
	v = views_build(c, NULL, NULL, 1795402800000LL, &cause);
	CHECK(v != NULL && v->drill.name == NULL);
	if (v != NULL) {
		buf_init(&out, 0);
		CHECK_INT(export_render(v, EXPORT_JSON, NULL, &out, &cause),
		    0);
		CHECK(strstr(buf_str(&out), "\"drill\"") == NULL);
		buf_done(&out);
	}
	views_free(v);

	memset(&m, 0, sizeof m);
	m.name = name;
	m.run = run;
	m.started_ms = 1795402800123LL;
	m.seed = 18446744073709551615ULL;	/* all 64 bits */
	m.speed = 2.5;
	m.source = source;
	m.yaml = yaml;
	CHECK_INT(drill_run_mark(c, &m, &cause), 0);
	CHECK_INT(drill_run_hint(c, &cause), 0);
	CHECK_INT(drill_run_hint(c, &cause), 0);
	CHECK_INT(drill_run_meta(c, &got, &cause), 1);
	CHECK_STR(got.name, "bad-deploy");
	CHECK_STR(got.run, "bad-deploy-20261123-030000");
	CHECK(got.started_ms == 1795402800123LL);
	CHECK(got.seed == 18446744073709551615ULL);
	CHECK_NEAR(got.speed, 2.5, 1e-9);
	CHECK_STR(got.source, "builtin");
	CHECK_STR(got.yaml, "name: bad-deploy\n");
	CHECK(got.hints == 2);
	CHECK(got.ended_ms == 0);
	drill_run_meta_done(&got);
	CHECK_INT(drill_run_end(c, 1795402900000LL, &cause), 0);
	CHECK_INT(drill_run_meta(c, &got, &cause), 1);
	CHECK(got.ended_ms == 1795402900000LL);
	CHECK(got.mitigated_ms == 0);
	drill_run_meta_done(&got);
	CHECK_INT(drill_run_mitigated(c, 1795402890000LL, &cause), 0);
	CHECK_INT(drill_run_meta(c, &got, &cause), 1);
	CHECK(got.mitigated_ms == 1795402890000LL);
	drill_run_meta_done(&got);

	v = views_build(c, NULL, NULL, 1795402900000LL, &cause);
	CHECK(v != NULL);
	if (v != NULL) {
		CHECK_STR(v->drill.name, "bad-deploy");
		CHECK_STR(v->drill.run, "bad-deploy-20261123-030000");
		CHECK(v->drill.hints == 2);
		buf_init(&out, 0);
		CHECK_INT(export_render(v, EXPORT_TEXT, NULL, &out, &cause),
		    0);
		CHECK(strncmp(buf_str(&out), "DRILL bad-deploy (run "
		    "bad-deploy-20261123-030000): simulated", 50) == 0);
		buf_reset(&out);
		CHECK_INT(export_render(v, EXPORT_JSON, NULL, &out, &cause),
		    0);
		CHECK_CONTAINS(buf_str(&out), "\"drill\":\t{\n\t\t\"name\":\t"
		    "\"bad-deploy\"");
		buf_reset(&out);
		CHECK_INT(export_render(v, EXPORT_MARKDOWN, NULL, &out,
		    &cause), 0);
		CHECK(strncmp(buf_str(&out), "# DRILL bad-deploy", 18) == 0);
		buf_reset(&out);
		CHECK_INT(export_render(v, EXPORT_HTML, NULL, &out, &cause),
		    0);
		CHECK_CONTAINS(buf_str(&out), "<title>DRILL bad-deploy: ");
		CHECK_CONTAINS(buf_str(&out), ">DRILL bad-deploy (run ");
		buf_done(&out);
	}
	views_free(v);
	cache_close(c);
}

#define MIN	(60 * 1000LL)

/* A drill whose end is end_yaml (limit 40m, start -2m). */
static struct drill *
watch_drill(const char *end_yaml)
{
	struct drill	*d;
	char		*text;

	text = xasprintf(
	    "name: w\n"
	    "description: a drill to watch\n"
	    "limit: 40m\n"
	    "start: -2m\n"
	    "nodes:\n"
	    "  - {name: n1}\n"
	    "services:\n"
	    "  - {name: checkout, namespace: shop, image: example/checkout:1}\n"
	    "slos:\n"
	    "  - name: checkout-availability\n"
	    "    service: checkout\n"
	    "    objective: 99.9\n"
	    "    errors:\n"
	    "      - {at: -30d, ratio: 0.0002}\n"
	    "timeline:\n"
	    "  - at: 1m\n"
	    "    error_ratio: {slo: checkout-availability, from: 0.0002, "
	    "to: 0.05}\n"
	    "expect:\n"
	    "  end: %s\n", end_yaml);
	d = drill_load_text("w.yaml", text, strlen(text), NULL);
	CHECK(d != NULL);
	free(text);
	return d;
}

/* Views with one SLO of that name whose 5m burn is burn (others NaN). */
static void
watch_views(struct views *v, struct view_slo *slo, const char *name,
    double burn)
{
	int	i;

	memset(v, 0, sizeof *v);
	memset(slo, 0, sizeof *slo);
	slo->name = (char *)(uintptr_t)name;
	for (i = 0; i < SLO_NWINDOWS; i++)
		slo->burn[i] = slo->ratio[i] = NAN;
	slo->burn[SLO_5M] = burn;
	slo->burn[SLO_30M] = 0.1;	/* another window says nothing */
	v->slos = slo;
	v->nslos = 1;
}

/*
 * The end of a drill: an SLO's burn below the mark ends it only after it
 * was at or above it (a low burn before the fault is not the end); no
 * data and another SLO say nothing; {after} ends at its time; the limit
 * ends what never held; once over it stays over.
 */
static void
test_watch(void)
{
	struct drill		*d;
	struct drill_watch	*w;
	struct views		 v;
	struct view_slo		 slo;

	if ((d = watch_drill("{slo: checkout-availability, burn_below: 1, "
	    "window: 5m}")) == NULL)
		return;
	w = drill_watch_new(d);
	CHECK_INT(drill_watch_judge(w, NULL, 0), DRILL_WATCH_PLAYING);
	/* Before the fault: below 1x, yet not the end. */
	watch_views(&v, &slo, "checkout-availability", 0.2);
	CHECK_INT(drill_watch_judge(w, &v, 30 * 1000), DRILL_WATCH_PLAYING);
	CHECK(drill_watch_reason(w) == NULL);
	CHECK(drill_watch_ended_at(w) == -1);
	/* Another SLO's burn, and no data: nothing. */
	watch_views(&v, &slo, "frontend-availability", 20);
	CHECK_INT(drill_watch_judge(w, &v, MIN), DRILL_WATCH_PLAYING);
	watch_views(&v, &slo, "checkout-availability", NAN);
	CHECK_INT(drill_watch_judge(w, &v, MIN), DRILL_WATCH_PLAYING);
	/* The trouble: at the mark counts as above. */
	watch_views(&v, &slo, "checkout-availability", 1.0);
	CHECK_INT(drill_watch_judge(w, &v, 2 * MIN), DRILL_WATCH_PLAYING);
	watch_views(&v, &slo, "checkout-availability", 14.4);
	CHECK_INT(drill_watch_judge(w, &v, 5 * MIN), DRILL_WATCH_PLAYING);
	/* Below it after that: over, and why. */
	watch_views(&v, &slo, "checkout-availability", 0.9);
	CHECK_INT(drill_watch_judge(w, &v, 12 * MIN), DRILL_WATCH_ENDED);
	CHECK_STR(drill_watch_reason(w), "checkout-availability burns below "
	    "1x");
	CHECK(drill_watch_ended_at(w) == 12 * MIN);
	/* It stays over, whatever comes next. */
	watch_views(&v, &slo, "checkout-availability", 30);
	CHECK_INT(drill_watch_judge(w, &v, 50 * MIN), DRILL_WATCH_ENDED);
	CHECK(drill_watch_ended_at(w) == 12 * MIN);
	drill_watch_free(w);

	/* A burn that never rose: the limit ends it. */
	w = drill_watch_new(d);
	watch_views(&v, &slo, "checkout-availability", 0.2);
	CHECK_INT(drill_watch_judge(w, &v, 40 * MIN - 1),
	    DRILL_WATCH_PLAYING);
	CHECK_INT(drill_watch_judge(w, &v, 40 * MIN), DRILL_WATCH_LIMIT);
	CHECK_STR(drill_watch_reason(w), "time limit 40m");
	CHECK_INT(drill_watch_state(w), DRILL_WATCH_LIMIT);
	drill_watch_free(w);
	drill_free(d);

	/* {after}: the drill's clock, views or not. */
	if ((d = watch_drill("{after: 2m}")) == NULL)
		return;
	w = drill_watch_new(d);
	watch_views(&v, &slo, "checkout-availability", 0.2);
	CHECK_INT(drill_watch_judge(w, &v, 2 * MIN - 1), DRILL_WATCH_PLAYING);
	CHECK_INT(drill_watch_judge(w, NULL, 2 * MIN + 500),
	    DRILL_WATCH_ENDED);
	CHECK_STR(drill_watch_reason(w), "after 2m");
	CHECK(drill_watch_ended_at(w) == 2 * MIN + 500);
	drill_watch_free(w);
	drill_free(d);

	/* A window other than 5m reads that window's burn. */
	if ((d = watch_drill("{slo: checkout-availability, burn_below: 0.5, "
	    "window: 30m}")) == NULL)
		return;
	w = drill_watch_new(d);
	watch_views(&v, &slo, "checkout-availability", 20);
	slo.burn[SLO_30M] = 0.6;
	CHECK_INT(drill_watch_judge(w, &v, MIN), DRILL_WATCH_PLAYING);
	slo.burn[SLO_30M] = 0.4;
	CHECK_INT(drill_watch_judge(w, &v, 2 * MIN), DRILL_WATCH_ENDED);
	CHECK_STR(drill_watch_reason(w), "checkout-availability burns below "
	    "0.5x");
	drill_watch_free(w);
	drill_free(d);
}

static const struct test tests[] = {
	TEST(test_path),
	TEST(test_meta),
	TEST(test_watch),
	{ NULL, NULL }
};

/* Remove what the tests made. */
static void
cleanup(void)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	char	*path;
	size_t	 k;

	for (k = 0; k < 3; k++) {
		path = xasprintf("%s/run.db%s", dir, ext[k]);
		unlink(path);
		free(path);
	}
	rmdir(dir);
}

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
