/*
 * render_bench.c: how fast the console paints a large world.
 *
 * Two steps, each its own process so that the paint step's peak memory is
 * the console's alone:
 *
 *	render_bench fill CACHE [--big PODS ALERTS SLOS]
 *	render_bench paint CACHE [--big PODS ALERTS SLOS] [--repaints N]
 *	    [--size LINESxCOLS] [--term TYPE] [--out FILE]
 *
 * fill writes one round of the simulated world (the demo, or the generated
 * one of --big) into a fresh cache, through the simulator's store exactly
 * as the poller does.  paint builds the same configuration, then drives
 * the console's own start, rebuild and paint code (tui_bench_*) against a
 * curses screen that writes to a file, and measures: the time from before
 * the cache is opened to the first frame sent; the CPU time of a full
 * repaint (as Ctrl-L does it) and the bytes it sends; the bytes of a
 * refresh with nothing changed and of the once-a-second tick; the time of
 * a rebuild of the views from the cache, whole (rebuild_cpu_ms), after an
 * Alertmanager round (its alerts rewritten: rebuild_after_am_round_ms) and
 * with nothing changed (rebuild_unchanged_ms); and the peak resident
 * memory.
 *
 *	render_bench incidents CACHE [--big PODS ALERTS SLOS]
 *
 * incidents measures incident_update() on a filled cache, as the poller
 * runs it after each Alertmanager round: the CPU time of a steady round
 * (the alerts as they were) and of a round where ten alerts changed (ten
 * taken away, then put back: resolved, then firing again), and the rows a
 * steady round changed (none is right).
 * Each step prints one JSON object on stdout; scripts/bench reads them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/sim.h"
#include "tests/bench/sim_big.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/incident.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "tui/tui.h"

struct bench_args {
	const char	*mode;
	const char	*cache;
	int		 big;
	long		 pods, alerts, slos;
	long		 repaints;
	long		 lines, cols;
	const char	*term;
	const char	*out;
};

/* Seconds of a clock as a double. */
static double
bench_clock(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Peak resident memory so far, in KiB.  The kernel's getrusage() figure
 * also counts the process this one was forked from, up to the exec (a
 * Python driver is tens of megabytes), so /proc's VmHWM, which belongs to
 * this program's own memory only, is preferred where there is one.
 */
static long
bench_maxrss(void)
{
	struct rusage	ru;
	FILE		*f;
	char		 line[256];
	long		 kib = -1;

	if ((f = fopen("/proc/self/status", "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			if (strncmp(line, "VmHWM:", 6) == 0) {
				kib = strtol(line + 6, NULL, 10);
				break;
			}
		}
		fclose(f);
		if (kib > 0)
			return kib;
	}
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return ru.ru_maxrss;
}

/* Bytes written to f so far (curses writes to its descriptor). */
static long long
bench_size(FILE *f)
{
	struct stat	st;

	fflush(f);
	if (fstat(fileno(f), &st) != 0)
		return -1;
	return (long long)st.st_size;
}

/* Parse a whole positive number; -1 and a message when it is not one. */
static int
bench_number(const char *what, const char *s, long *out)
{
	int64_t	v;

	if (s == NULL || util_parse_int64(s, &v) != 0 || v <= 0 ||
	    v > 10000000) {
		fprintf(stderr, "render_bench: %s must be a number from 1 to "
		    "10000000, not '%s'\n", what, s != NULL ? s : "");
		return -1;
	}
	*out = (long)v;
	return 0;
}

/* Parse the command line; -1 with a usage message on error. */
static int
bench_parse(int argc, char **argv, struct bench_args *ba)
{
	int	i;
	char	*x;

	memset(ba, 0, sizeof *ba);
	ba->repaints = 200;
	ba->lines = 60;
	ba->cols = 200;
	ba->term = "xterm-256color";
	if (argc < 3)
		goto usage;
	ba->mode = argv[1];
	ba->cache = argv[2];
	if (strcmp(ba->mode, "fill") != 0 && strcmp(ba->mode, "paint") != 0 &&
	    strcmp(ba->mode, "incidents") != 0)
		goto usage;
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--big") == 0 && i + 3 < argc) {
			ba->big = 1;
			if (bench_number("PODS", argv[i + 1], &ba->pods) != 0 ||
			    bench_number("ALERTS", argv[i + 2],
			    &ba->alerts) != 0 ||
			    bench_number("SLOS", argv[i + 3], &ba->slos) != 0)
				return -1;
			i += 3;
		} else if (strcmp(argv[i], "--repaints") == 0 && i + 1 < argc) {
			if (bench_number("--repaints", argv[++i],
			    &ba->repaints) != 0)
				return -1;
		} else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
			x = strchr(argv[++i], 'x');
			if (x == NULL)
				goto usage;
			*x = '\0';
			if (bench_number("LINES", argv[i], &ba->lines) != 0 ||
			    bench_number("COLS", x + 1, &ba->cols) != 0)
				return -1;
		} else if (strcmp(argv[i], "--term") == 0 && i + 1 < argc)
			ba->term = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			ba->out = argv[++i];
		else
			goto usage;
	}
	if (strcmp(ba->mode, "paint") == 0 && ba->out == NULL)
		goto usage;
	return 0;
usage:
	fprintf(stderr, "usage: render_bench fill CACHE [--big PODS ALERTS "
	    "SLOS]\n       render_bench paint CACHE [--big PODS ALERTS SLOS]"
	    " [--repaints N] [--size LINESxCOLS] [--term TYPE] --out FILE\n"
	    "       render_bench incidents CACHE [--big PODS ALERTS SLOS]\n");
	return -1;
}

/* The scenario asked for (NULL: the demo) and its configuration. */
static struct conf *
bench_world(const struct bench_args *ba, struct sim_scenario **sc)
{
	if (!ba->big) {
		*sc = NULL;
		return sim_demo_conf();
	}
	*sc = bench_world_new((int)ba->pods, (int)ba->alerts, (int)ba->slos);
	return sim_scenario_conf(*sc, "bench");
}

/* Write one round of the world into a fresh cache. */
static int
bench_fill(const struct bench_args *ba)
{
	struct sim_scenario	*sc;
	struct conf		*conf;
	struct cache		*c;
	struct source		*s;
	char			*warning = NULL, *cause = NULL;
	double			 t0, t1;
	int			 rc = -1;

	t0 = bench_clock(CLOCK_MONOTONIC);
	conf = bench_world(ba, &sc);
	if ((c = cache_open(ba->cache, 0, &warning, &cause)) == NULL) {
		fprintf(stderr, "render_bench: %s\n", cause);
		free(cause);
		goto out;
	}
	free(warning);
	s = xcalloc(1, sizeof *s);
	s->name = xstrdup("sim");
	s->context = xstrdup(conf->contexts[0].name);
	s->conf = conf;
	s->ctx = &conf->contexts[0];
	sim_source_init(s, sc, util_now_ms());
	if (cache_begin(c, &cause) != 0 ||
	    s->ops->store(s, c, util_now_ms(), &cause) != 0 ||
	    cache_commit(c, &cause) != 0) {
		fprintf(stderr, "render_bench: cannot store the world: %s\n",
		    cause != NULL ? cause : "?");
		free(cause);
		cache_rollback(c);
	} else
		rc = 0;
	s->ops->free(s);
	free(s->name);
	free(s->context);
	free(s);
	cache_close(c);
	t1 = bench_clock(CLOCK_MONOTONIC);
	if (rc == 0)
		printf("{\"fill_ms\": %.3f, \"fill_maxrss_kib\": %ld}\n",
		    (t1 - t0) * 1e3, bench_maxrss());
out:
	conf_free(conf);
	bench_world_free(sc);
	return rc;
}

/* Sleep until just past the next second boundary of the wall clock. */
static void
bench_next_second(void)
{
	struct timespec	now, d;

	clock_gettime(CLOCK_REALTIME, &now);
	d.tv_sec = 0;
	d.tv_nsec = 1000000000L - now.tv_nsec + 20000000L;
	if (d.tv_nsec >= 1000000000L) {
		d.tv_sec = 1;
		d.tv_nsec -= 1000000000L;
	}
	while (nanosleep(&d, &d) != 0 && errno == EINTR)
		;
}

/* CPU and wall time of some rebuilds, in seconds. */
struct rebuilds {
	double	cpu;
	double	wall;
};

/*
 * Mark the context's alerts written again, as an Alertmanager round
 * that stored them does (every row rewritten, the counter moved).
 */
static void
bench_am_round(struct cache *c, const char *context)
{
	char	*cause = NULL, *sql;

	sql = sqlite3_mprintf("UPDATE alerts SET updated_at_ms ="
	    " updated_at_ms + 1 WHERE context = %Q", context);
	if (cache_begin(c, &cause) != 0 ||
	    cache_touch(c, context, "alerts", &cause) != 0 ||
	    sqlite3_exec(cache_db(c), sql, NULL, NULL, NULL) != SQLITE_OK ||
	    cache_commit(c, &cause) != 0) {
		fprintf(stderr, "render_bench: cannot write a round: %s\n",
		    cause != NULL ? cause : sqlite3_errmsg(cache_db(c)));
		cache_rollback(c);
	}
	free(cause);
	sqlite3_free(sql);
}

/*
 * Rebuild up to 20 times (fewer if slow, at least once): whole ones
 * (full), or after an Alertmanager round of am_context written through a
 * second connection (not timed), or with nothing changed.
 */
static struct rebuilds
bench_rebuilds(struct tui_bench *tb, const char *path, const char *am_context,
    int full, long *n)
{
	struct rebuilds	 r = { 0, 0 };
	struct cache	*c = NULL;
	char		*warning = NULL, *cause = NULL;
	double		 c0, t0, start = bench_clock(CLOCK_MONOTONIC);
	long		 i;

	if (am_context != NULL && (c = cache_open(path, 0, &warning,
	    &cause)) == NULL) {
		fprintf(stderr, "render_bench: %s\n", cause);
		free(cause);
	}
	free(warning);
	for (i = 0; i < 20; i++) {
		if (c != NULL)
			bench_am_round(c, am_context);
		c0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
		t0 = bench_clock(CLOCK_MONOTONIC);
		tui_bench_rebuild(tb, full);
		r.cpu += bench_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
		r.wall += bench_clock(CLOCK_MONOTONIC) - t0;
		if (bench_clock(CLOCK_MONOTONIC) - start > 2.0)
			break;
	}
	*n = i < 20 ? i + 1 : 20;
	cache_close(c);
	return r;
}

/* Drive the console's paint path and measure it. */
static int
bench_paint(const struct bench_args *ba)
{
	struct sim_scenario	*sc;
	struct conf		*conf;
	struct tui_opts		 opts;
	struct tui_bench	*tb;
	FILE			*out;
	char			*cause = NULL;
	double			 t0, t1, c0, cpu, wall, first_ms;
	struct rebuilds		 full, am, same;
	long			 nfull, nam, nsame;
	long long		 b0, b1, full_bytes, idle_bytes, tick_bytes;
	long			 i, first_rss, nidle = 50;
	int			 ntick = 3;

	conf = bench_world(ba, &sc);
	/* The configuration stays, as a loaded one would; the tables go. */
	bench_world_free(sc);
	if ((out = fopen(ba->out, "w+")) == NULL) {
		fprintf(stderr, "render_bench: cannot write %s: %s\n", ba->out,
		    strerror(errno));
		conf_free(conf);
		return -1;
	}
	memset(&opts, 0, sizeof opts);
	opts.conf = conf;
	opts.cache_path = ba->cache;

	/* (a) From before the cache is opened to the first frame sent. */
	t0 = bench_clock(CLOCK_MONOTONIC);
	tb = tui_bench_new(&opts, ba->term, out, (int)ba->lines,
	    (int)ba->cols, &cause);
	if (tb == NULL) {
		fprintf(stderr, "render_bench: %s\n", cause);
		free(cause);
		fclose(out);
		conf_free(conf);
		return -1;
	}
	tui_bench_paint(tb, 0);
	b0 = bench_size(out);
	t1 = bench_clock(CLOCK_MONOTONIC);
	first_ms = (t1 - t0) * 1e3;
	first_rss = bench_maxrss();

	/* (b) and (c): full repaints, their CPU time and their bytes. */
	c0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
	t0 = bench_clock(CLOCK_MONOTONIC);
	for (i = 0; i < ba->repaints; i++)
		tui_bench_paint(tb, 1);
	cpu = bench_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
	wall = bench_clock(CLOCK_MONOTONIC) - t0;
	b1 = bench_size(out);
	full_bytes = (b1 - b0) / ba->repaints;

	/* Refreshes with nothing changed (within the same second). */
	bench_next_second();
	b0 = bench_size(out);
	for (i = 0; i < nidle; i++)
		tui_bench_paint(tb, 0);
	idle_bytes = (bench_size(out) - b0) / nidle;

	/* The tick: once a second the clock and the ages move. */
	b0 = bench_size(out);
	for (i = 0; i < ntick; i++) {
		bench_next_second();
		tui_bench_paint(tb, 0);
	}
	tick_bytes = (bench_size(out) - b0) / ntick;

	/*
	 * Rebuilds of the views from the cache: whole (the memo emptied
	 * first), after an Alertmanager round (its alerts written again),
	 * and with nothing changed (a round that stored nothing new).
	 */
	full = bench_rebuilds(tb, ba->cache, NULL, 1, &nfull);
	am = bench_rebuilds(tb, ba->cache, conf->contexts[0].name, 0, &nam);
	same = bench_rebuilds(tb, ba->cache, NULL, 0, &nsame);
	tui_bench_paint(tb, 0);

	tui_bench_free(tb);
	fclose(out);
	conf_free(conf);
	printf("{\"lines\": %ld, \"cols\": %ld, "
	    "\"first_frame_ms\": %.3f, \"first_frame_maxrss_kib\": %ld, "
	    "\"repaints\": %ld, \"full_repaint_cpu_ms\": %.4f, "
	    "\"full_repaint_wall_ms\": %.4f, \"full_repaint_bytes\": %lld, "
	    "\"idle_refresh_bytes\": %lld, \"tick_refresh_bytes\": %lld, "
	    "\"rebuilds\": %ld, \"rebuild_cpu_ms\": %.3f, "
	    "\"rebuild_wall_ms\": %.3f, "
	    "\"rebuild_after_am_round_ms\": %.3f, "
	    "\"rebuild_after_am_round_wall_ms\": %.3f, "
	    "\"rebuild_unchanged_ms\": %.3f, "
	    "\"maxrss_kib\": %ld}\n", ba->lines, ba->cols,
	    first_ms, first_rss, ba->repaints, cpu * 1e3 / ba->repaints,
	    wall * 1e3 / ba->repaints, full_bytes, idle_bytes, tick_bytes,
	    nfull, full.cpu * 1e3 / nfull, full.wall * 1e3 / nfull,
	    am.cpu * 1e3 / nam, am.wall * 1e3 / nam, same.cpu * 1e3 / nsame,
	    bench_maxrss());
	return 0;
}

/* Run sql on the cache; -1 with a message on error. */
static int
bench_sql(struct cache *c, const char *sql)
{
	if (sqlite3_exec(cache_db(c), sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "render_bench: %s: %s\n", sql,
		    sqlite3_errmsg(cache_db(c)));
		return -1;
	}
	return 0;
}

/*
 * One incident_update() of context at now in its own transaction, after
 * change (SQL run first in the same transaction, not timed) if not NULL;
 * its CPU time added to *cpu and the rows it changed to *rows.
 */
static int
bench_incident_round(struct cache *c, const struct conf *conf,
    const char *context, int64_t now, const char *change, double *cpu,
    long long *rows)
{
	char		*cause = NULL;
	double		 c0;
	long long	 n0;
	int		 rc;

	if (cache_begin(c, &cause) != 0) {
		fprintf(stderr, "render_bench: %s\n", cause);
		free(cause);
		return -1;
	}
	if (change != NULL && bench_sql(c, change) != 0) {
		cache_rollback(c);
		return -1;
	}
	n0 = sqlite3_total_changes64(cache_db(c));
	c0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
	rc = incident_update(c, context, conf, now, &cause);
	*cpu += bench_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
	*rows += sqlite3_total_changes64(cache_db(c)) - n0;
	if (rc != 0 || cache_commit(c, &cause) != 0) {
		fprintf(stderr, "render_bench: incident_update: %s\n",
		    cause != NULL ? cause : "?");
		free(cause);
		cache_rollback(c);
		return -1;
	}
	return 0;
}

/*
 * incident_update() on a filled cache: rounds 3 s apart, as the console
 * polls, steady ones first, then ones where ten alerts changed.
 */
static int
bench_incidents(const struct bench_args *ba)
{
	struct sim_scenario	*sc;
	struct conf		*conf;
	struct cache		*c;
	const char		*context;
	char			*warning = NULL, *cause = NULL, *take, *give;
	char			*ten;
	double			 steady = 0, changed = 0;
	long long		 steady_rows = 0, changed_rows = 0;
	int64_t			 now = util_now_ms();
	long			 i, nsteady = 10, nchanged = 10;
	int			 rc = -1;

	conf = bench_world(ba, &sc);
	bench_world_free(sc);
	context = conf->contexts[0].name;
	if ((c = cache_open(ba->cache, 0, &warning, &cause)) == NULL) {
		fprintf(stderr, "render_bench: %s\n", cause);
		free(cause);
		conf_free(conf);
		return -1;
	}
	free(warning);
	take = sqlite3_mprintf("DELETE FROM alerts WHERE context = %Q AND"
	    " fingerprint IN (SELECT fingerprint FROM bench_ten)", context);
	give = sqlite3_mprintf("INSERT INTO alerts SELECT * FROM bench_ten");
	ten = sqlite3_mprintf("INSERT INTO bench_ten SELECT * FROM alerts"
	    " WHERE context = %Q ORDER BY fingerprint LIMIT 10", context);
	/* The first round settles what the fill left (its own clock). */
	if (bench_incident_round(c, conf, context, now, NULL, &changed,
	    &changed_rows) != 0)
		goto out;
	for (i = 0; i < nsteady; i++) {
		now += 3000;
		if (bench_incident_round(c, conf, context, now, NULL, &steady,
		    &steady_rows) != 0)
			goto out;
	}
	changed = 0;
	changed_rows = 0;
	if (bench_sql(c, "CREATE TEMP TABLE bench_ten AS SELECT * FROM"
	    " alerts WHERE 0") != 0)
		goto out;
	if (bench_sql(c, ten) != 0)
		goto out;
	for (i = 0; i < nchanged; i++) {
		now += 3000;
		if (bench_incident_round(c, conf, context, now, i % 2 == 0 ?
		    take : give, &changed, &changed_rows) != 0)
			goto out;
	}
	printf("{\"incident_steady_cpu_ms\": %.3f, "
	    "\"incident_steady_rows\": %lld, "
	    "\"incident_changed10_cpu_ms\": %.3f, "
	    "\"incident_changed10_rows\": %.1f}\n",
	    steady * 1e3 / nsteady, steady_rows, changed * 1e3 / nchanged,
	    (double)changed_rows / nchanged);
	rc = 0;
out:
	sqlite3_free(take);
	sqlite3_free(give);
	sqlite3_free(ten);
	cache_close(c);
	conf_free(conf);
	return rc;
}

/* fill, paint or incidents; see the header comment. */
int
main(int argc, char **argv)
{
	struct bench_args	ba;

	if (bench_parse(argc, argv, &ba) != 0)
		return 2;
	if (strcmp(ba.mode, "fill") == 0)
		return bench_fill(&ba) == 0 ? 0 : 1;
	if (strcmp(ba.mode, "incidents") == 0)
		return bench_incidents(&ba) == 0 ? 0 : 1;
	return bench_paint(&ba) == 0 ? 0 : 1;
}
