/*
 * drill_run.c: a drill run's facts in its cache's meta table.
 *
 * Every key is a row of meta (key, value), written with the cache's own
 * statements; see drill_run.h for the keys.  The reader takes whatever
 * is there, so a run cut short (no drill.ended_ms) still reads.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/drill.h"
#include "core/drill_meta.h"
#include "core/drill_run.h"
#include "core/slo.h"
#include "core/views.h"

/* Most runs of one drill in one second before giving up on a name. */
#define DRILL_RUN_MAX_SAME	1000

/* The drills folder beside the default cache; see drill_run.h. */
char *
drill_runs_dir(void)
{
	char	*path, *slash, *dir;

	path = cache_default_path();
	if ((slash = strrchr(path, '/')) == NULL) {
		free(path);
		return xstrdup(DRILL_RUNS_DIR);
	}
	*slash = '\0';
	dir = xasprintf("%s/%s", path, DRILL_RUNS_DIR);
	free(path);
	return dir;
}

/* The fresh run cache's path; see drill_run.h. */
char *
drill_run_path(const char *name, int64_t now_ms, char **cause)
{
	struct stat	 sb;
	struct tm	 tm;
	time_t		 t = (time_t)(now_ms / 1000);
	char		 stamp[32], *dir, *safe, *path;
	size_t		 i;
	int		 k;

	dir = drill_runs_dir();
	if (util_mkdir_p(dir, 0700, cause) != 0) {
		free(dir);
		return NULL;
	}
	/* A file name: only letters, digits, '.', '_' and '-'. */
	safe = xstrdup(name != NULL && *name != '\0' ? name : "drill");
	for (i = 0; safe[i] != '\0'; i++) {
		if (!((safe[i] >= 'a' && safe[i] <= 'z') ||
		    (safe[i] >= 'A' && safe[i] <= 'Z') ||
		    (safe[i] >= '0' && safe[i] <= '9') ||
		    safe[i] == '.' || safe[i] == '_' || safe[i] == '-'))
			safe[i] = '-';
	}
	if (safe[0] == '.')
		safe[0] = '-';
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	path = xasprintf("%s/%s-%s.db", dir, safe, stamp);
	for (k = 2; stat(path, &sb) == 0 || errno != ENOENT; k++) {
		free(path);
		if (k > DRILL_RUN_MAX_SAME) {
			*cause = xasprintf("%s: too many runs of %s named "
			    "for %s; remove old ones", dir, safe, stamp);
			free(safe);
			free(dir);
			return NULL;
		}
		path = xasprintf("%s/%s-%s-%d.db", dir, safe, stamp, k);
	}
	free(safe);
	free(dir);
	return path;
}

/* The run's name of a cache path; see drill_run.h. */
char *
drill_run_name(const char *path)
{
	const char	*base, *slash;
	size_t		 len;

	slash = strrchr(path, '/');
	base = slash != NULL ? slash + 1 : path;
	len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".db") == 0)
		len -= 3;
	return xstrndup(base, len);
}

/* Set one meta key (NULL value: delete it). */
static int
drill_run_set(struct cache *c, const char *key, const char *value,
    char **cause)
{
	if (value == NULL)
		return cache_exec(c, "clearing the drill's meta", cause,
		    "DELETE FROM meta WHERE key = ?", "t", key);
	return cache_exec(c, "writing the drill's meta", cause,
	    "INSERT INTO meta (key, value) VALUES (?, ?) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	    "tt", key, value);
}

/* Write the start keys; see drill_run.h. */
int
drill_run_mark(struct cache *c, const struct drill_run_meta *m, char **cause)
{
	char	started[32], seed[32], speed[32];

	snprintf(started, sizeof started, "%" PRId64, m->started_ms);
	snprintf(seed, sizeof seed, "%" PRIu64, m->seed);
	snprintf(speed, sizeof speed, "%g", m->speed);
	if (cache_begin(c, cause) != 0)
		return -1;
	if (drill_run_set(c, DRILL_META_NAME, m->name, cause) != 0 ||
	    drill_run_set(c, DRILL_META_RUN, m->run, cause) != 0 ||
	    drill_run_set(c, DRILL_META_STARTED_MS, started, cause) != 0 ||
	    drill_run_set(c, DRILL_META_SEED, seed, cause) != 0 ||
	    drill_run_set(c, DRILL_META_SPEED, speed, cause) != 0 ||
	    drill_run_set(c, DRILL_META_SOURCE, m->source, cause) != 0 ||
	    drill_run_set(c, DRILL_META_YAML, m->yaml, cause) != 0 ||
	    drill_run_set(c, DRILL_META_HINTS, "0", cause) != 0 ||
	    drill_run_set(c, DRILL_META_ENDED_MS, NULL, cause) != 0) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, cause);
}

/* Write drill.ended_ms; see drill_run.h. */
int
drill_run_end(struct cache *c, int64_t ended_ms, char **cause)
{
	char	ended[32];

	snprintf(ended, sizeof ended, "%" PRId64, ended_ms);
	return drill_run_set(c, DRILL_META_ENDED_MS, ended, cause);
}

/* Write drill.mitigated_ms; see drill_run.h. */
int
drill_run_mitigated(struct cache *c, int64_t held_ms, char **cause)
{
	char	held[32];

	snprintf(held, sizeof held, "%" PRId64, held_ms);
	return drill_run_set(c, DRILL_META_MITIGATED_MS, held, cause);
}

/* Count a hint; see drill_run.h. */
int
drill_run_hint(struct cache *c, char **cause)
{
	return cache_exec(c, "counting a hint", cause,
	    "INSERT INTO meta (key, value) VALUES ('drill.hints', '1') "
	    "ON CONFLICT (key) DO UPDATE SET value = "
	    "CAST(CAST(value AS INTEGER) + 1 AS TEXT)", "");
}

/* Free m's strings; see drill_run.h. */
void
drill_run_meta_done(struct drill_run_meta *m)
{
	free(m->name);
	free(m->run);
	free(m->source);
	free(m->yaml);
	memset(m, 0, sizeof *m);
}

/* A whole unsigned decimal (a seed takes all 64 bits); 0 if not one. */
static uint64_t
drill_run_parse_u64(const char *s)
{
	unsigned long long	 v;
	char			*end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	return (uint64_t)v;
}

/* Read the drill keys; see drill_run.h. */
int
drill_run_meta(struct cache *c, struct drill_run_meta *m, char **cause)
{
	sqlite3_stmt	*st;
	const char	*key;
	int64_t		 n;
	double		 d;
	char		*value;
	int		 rc;

	memset(m, 0, sizeof *m);
	st = cache_prepare(c, "reading the drill's meta", cause,
	    "SELECT key, value FROM meta WHERE key LIKE 'drill.%'", "");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(st, 0);
		value = cache_column_text(st, 1);
		if (key == NULL || value == NULL) {
			free(value);
			continue;
		}
		n = 0;
		if (strcmp(key, DRILL_META_NAME) == 0 && m->name == NULL)
			m->name = value, value = NULL;
		else if (strcmp(key, DRILL_META_RUN) == 0 && m->run == NULL)
			m->run = value, value = NULL;
		else if (strcmp(key, DRILL_META_SOURCE) == 0 && m->source == NULL)
			m->source = value, value = NULL;
		else if (strcmp(key, DRILL_META_YAML) == 0 && m->yaml == NULL)
			m->yaml = value, value = NULL;
		else if (strcmp(key, DRILL_META_STARTED_MS) == 0)
			m->started_ms = util_parse_int64(value, &n) == 0 ? n : 0;
		else if (strcmp(key, DRILL_META_ENDED_MS) == 0)
			m->ended_ms = util_parse_int64(value, &n) == 0 ? n : 0;
		else if (strcmp(key, DRILL_META_MITIGATED_MS) == 0)
			m->mitigated_ms = util_parse_int64(value, &n) == 0 ?
			    n : 0;
		else if (strcmp(key, DRILL_META_HINTS) == 0)
			m->hints = util_parse_int64(value, &n) == 0 ? n : 0;
		else if (strcmp(key, DRILL_META_SEED) == 0)
			m->seed = drill_run_parse_u64(value);
		else if (strcmp(key, DRILL_META_SPEED) == 0)
			m->speed = util_parse_double(value, &d) == 0 ? d : 0;
		free(value);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("reading the drill's meta: %s",
		    sqlite3_errmsg(cache_db(c)));
		drill_run_meta_done(m);
		return -1;
	}
	if (m->name == NULL) {
		drill_run_meta_done(m);
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* The end of a drill                                                  */
/* ------------------------------------------------------------------ */

struct drill_watch {
	const struct drill	*d;
	enum drill_watch_state	 state;
	int			 seen_above;	/* the burn was >= burn_below */
	int64_t			 ended_at;	/* drill clock; -1 playing */
	char			*reason;
};

/* A watch of drill d; see drill_run.h. */
struct drill_watch *
drill_watch_new(const struct drill *d)
{
	struct drill_watch	*w = xcalloc(1, sizeof *w);

	w->d = d;
	w->ended_at = -1;
	return w;
}

/* Free a watch; NULL is fine. */
void
drill_watch_free(struct drill_watch *w)
{
	if (w == NULL)
		return;
	free(w->reason);
	free(w);
}

/* The views' window of a drill's end window (ms); -1 if none. */
static int
drill_watch_window(int64_t window_ms)
{
	static const struct {
		int64_t			ms;
		enum slo_window		w;
	} map[] = {
		{ 5 * 60 * 1000LL, SLO_5M },
		{ 30 * 60 * 1000LL, SLO_30M },
		{ 3600 * 1000LL, SLO_1H },
		{ 2 * 3600 * 1000LL, SLO_2H },
		{ 6 * 3600 * 1000LL, SLO_6H },
		{ 86400 * 1000LL, SLO_1D },
		{ 3 * 86400 * 1000LL, SLO_3D }
	};
	size_t	i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].ms == window_ms)
			return (int)map[i].w;
	return -1;
}

/* Whether the SLO end holds on v (and note a burn at or above it). */
static int
drill_watch_slo(struct drill_watch *w, const struct views *v)
{
	const struct drill_end	*e = &w->d->end;
	const char		*name;
	double			 burn;
	size_t			 i;
	int			 win;

	if (v == NULL || e->slo < 0 || (size_t)e->slo >= w->d->nslos ||
	    (win = drill_watch_window(e->window_ms)) < 0)
		return 0;
	name = w->d->slos[e->slo].name;
	for (i = 0; i < v->nslos; i++) {
		if (v->slos[i].name == NULL ||
		    strcmp(v->slos[i].name, name) != 0)
			continue;
		burn = v->slos[i].burn[win];
		if (isnan(burn))
			return 0;	/* no data says nothing */
		if (burn >= e->burn_below) {
			w->seen_above = 1;
			return 0;
		}
		return w->seen_above;
	}
	return 0;
}

/* Over: set the state, the reason and the clock. */
static void
drill_watch_over(struct drill_watch *w, enum drill_watch_state state,
    int64_t elapsed_ms, const char *reason)
{
	w->state = state;
	w->ended_at = elapsed_ms;
	w->reason = sanitize_terminal(reason, 0);
}

/* Judge the views at the drill's clock; see drill_run.h. */
enum drill_watch_state
drill_watch_judge(struct drill_watch *w, const struct views *v,
    int64_t elapsed_ms)
{
	const struct drill	*d = w->d;
	char			 dur[32], *text;

	if (w->state != DRILL_WATCH_PLAYING)
		return w->state;
	if (d->end.kind == DRILL_END_AFTER && elapsed_ms >= d->end.after_ms) {
		text = xasprintf("after %s", util_format_duration(
		    d->end.after_ms, dur, sizeof dur));
		drill_watch_over(w, DRILL_WATCH_ENDED, elapsed_ms, text);
		free(text);
	} else if (d->end.kind == DRILL_END_SLO && drill_watch_slo(w, v)) {
		text = xasprintf("%s burns below %gx",
		    d->slos[d->end.slo].name, d->end.burn_below);
		drill_watch_over(w, DRILL_WATCH_ENDED, elapsed_ms, text);
		free(text);
	} else if (elapsed_ms >= d->limit_ms) {
		text = xasprintf("time limit %s", util_format_duration(
		    d->limit_ms, dur, sizeof dur));
		drill_watch_over(w, DRILL_WATCH_LIMIT, elapsed_ms, text);
		free(text);
	}
	return w->state;
}

/* The state last judged; see drill_run.h. */
enum drill_watch_state
drill_watch_state(const struct drill_watch *w)
{
	return w->state;
}

/* Why it is over; see drill_run.h. */
const char *
drill_watch_reason(const struct drill_watch *w)
{
	return w->reason;
}

/* The drill's clock when it ended; see drill_run.h. */
int64_t
drill_watch_ended_at(const struct drill_watch *w)
{
	return w->ended_at;
}
