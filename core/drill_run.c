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
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/drill_meta.h"
#include "core/drill_run.h"

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
