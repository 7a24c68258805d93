/*
 * drill.c: `sitrep drill list`, `check FILE...`, `run NAME|FILE`,
 * `history` and `report RUN|FILE`.
 *
 * The drill command has sub-commands of its own, in one table here that
 * dispatch and the usage message read.  list shows the drills shipped
 * with sitrep (compiled in from the drills folder, so it works wherever
 * the program runs); check reads drill files and prints every problem as
 * FILE:LINE:COL, as `sitrep config check` does for configurations; run
 * plays a drill in the console on the simulator alone (no configuration
 * is read, so nothing real can be reached) into a fresh cache of its own
 * that core/drill_run.h marks as the drill's.  `drill run` is also an
 * entry of sitrep.c's table, so its options (--seed, --speed) parse.
 * history lists the runs kept in the drills directory (each its own
 * cache file, opened read-only) with their points; report scores one
 * (core/drill_score.h) as text, markdown or JSON.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "backends/sim.h"
#include "backends/sim_file.h"
#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "export/export.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/drill.h"
#include "core/drill_meta.h"
#include "core/drill_run.h"
#include "core/drill_score.h"
#include "tui/tui.h"

/* --format of drill report, or NULL. */
static const char	*drill_format;

/* One sub-command of drill: its name and what it takes. */
struct drill_cmd {
	const char	*name;
	const char	*usage;
	int		(*fn)(struct cmd_opts *, char **words, int nwords);
};

/* Print problems. */
static void
drill_print_problems(struct conf_problems *problems)
{
	size_t	i;

	for (i = 0; i < problems->n; i++)
		out_printf(stdout, "%s\n", problems->v[i]);
}

/* sitrep drill list: the shipped drills. */
static int
drill_list(struct cmd_opts *g, char **words, int nwords)
{
	const struct drill_builtin	*b;
	struct conf_problems		 problems;
	struct drill			*d;
	char				 lim[32];
	size_t				 i;
	int				 rc = CMD_OK;

	(void)g;
	if (nwords != 0)
		return cmd_bad_usage("drill", "list takes no arguments");
	conf_problems_init(&problems);
	for (b = drill_builtins; b->name != NULL; b++) {
		if ((d = drill_load_builtin(b->name, &problems)) == NULL) {
			rc = CMD_FAIL;	/* a shipped file is wrong: a bug */
			continue;
		}
		util_format_duration(d->limit_ms, lim, sizeof lim);
		out_printf(stdout, "%-18s %5s  %s\n", d->name, lim, d->description);
		drill_free(d);
	}
	if (rc != CMD_OK) {
		fflush(stdout);
		for (i = 0; i < problems.n; i++)
			out_printf(stderr, "sitrep: %s\n", problems.v[i]);
	}
	conf_problems_done(&problems);
	return rc;
}

/* sitrep drill check FILE...: every problem of every file. */
static int
drill_check(struct cmd_opts *g, char **words, int nwords)
{
	struct conf_problems	 problems;
	struct drill		*d;
	char			 lim[32];
	int			 i, rc = CMD_OK;

	(void)g;
	if (nwords == 0)
		return cmd_bad_usage("drill", "check: name one or more drill "
		    "files");
	for (i = 0; i < nwords; i++) {
		conf_problems_init(&problems);
		d = drill_load_file(words[i], &problems);
		drill_print_problems(&problems);
		conf_problems_done(&problems);
		if (d == NULL) {
			rc = CMD_FAIL;
			continue;
		}
		util_format_duration(d->limit_ms, lim, sizeof lim);
		out_printf(stdout, "%s: ok (drill %s, %zu service%s, %zu timeline "
		    "entr%s, limit %s)\n", words[i], d->name, d->nservices,
		    d->nservices == 1 ? "" : "s", d->nevents,
		    d->nevents == 1 ? "y" : "ies", lim);
		drill_free(d);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* history and report: runs kept in the drills directory               */
/* ------------------------------------------------------------------ */

/* Print s sanitised for the terminal, then rest (a literal). */
static void
drill_put(const char *s)
{
	char	*c = sanitize_terminal(s != NULL ? s : "", 0);

	out_puts(c, stdout);
	free(c);
}

/* An offset from the start: "+8m", "-30s". */
static char *
drill_offset(int64_t ms, char *out, size_t len)
{
	char	d[32];

	util_format_duration(ms < 0 ? -ms : ms, d, sizeof d);
	snprintf(out, len, "%s%s", ms < 0 ? "-" : "+", d);
	return out;
}

/*
 * Score the run cache at path (read-only); 0, or -1 after a message on
 * stderr (none when quiet).
 */
static int
drill_score_path(const char *path, struct drill_score *s, int quiet)
{
	struct cache	*c;
	char		*warn = NULL, *cause = NULL, *msg;
	int		 rc = -1;

	memset(s, 0, sizeof *s);
	if ((c = cache_open(path, CACHE_READONLY, &warn, &cause)) != NULL) {
		rc = drill_score_cache(c, s, &cause);
		cache_close(c);
	}
	free(warn);
	if (rc != 0 && !quiet) {
		msg = sanitize_terminal(cause, 0);
		fflush(stdout);
		out_printf(stderr, "sitrep drill: %s\n", msg);
		free(msg);
	}
	free(cause);
	return rc;
}

/* A run of the history. */
struct drill_kept {
	char			*name;
	char			*path;
	struct drill_score	 s;
	int			 ok;
};

/* Newest first, then by name, newest name first. */
static int
drill_kept_cmp(const void *a, const void *b)
{
	const struct drill_kept	*x = a, *y = b;

	if (x->s.started_ms != y->s.started_ms)
		return x->s.started_ms > y->s.started_ms ? -1 : 1;
	return strcmp(y->name, x->name);
}

/* sitrep drill history: the runs kept, newest first. */
static int
drill_history(struct cmd_opts *g, char **words, int nwords)
{
	struct drill_kept	*runs = NULL;
	struct dirent		*e;
	DIR			*dir;
	char			*path, ts[40], dur[32], *line;
	size_t			 n = 0, i, len;

	if (nwords != 0)
		return cmd_bad_usage("drill", "history takes no arguments");
	path = drill_runs_dir();
	if ((dir = opendir(path)) == NULL) {
		line = xasprintf("no drill runs yet (%s does not exist); "
		    "`sitrep drill run NAME` plays one", path);
		drill_put(line);
		out_putc('\n', stdout);
		free(line);
		free(path);
		return CMD_OK;
	}
	while ((e = readdir(dir)) != NULL) {
		len = strlen(e->d_name);
		if (len <= 3 || strcmp(e->d_name + len - 3, ".db") != 0 ||
		    e->d_name[0] == '.')
			continue;
		runs = xreallocarray(runs, n + 1, sizeof *runs);
		memset(&runs[n], 0, sizeof runs[n]);
		runs[n].name = xstrndup(e->d_name, len - 3);
		runs[n].path = xasprintf("%s/%s", path, e->d_name);
		n++;
	}
	closedir(dir);
	free(path);
	for (i = 0; i < n; i++) {
		runs[i].ok = drill_score_path(runs[i].path, &runs[i].s, 1) ==
		    0;
	}
	qsort(runs, n, sizeof *runs, drill_kept_cmp);
	if (n == 0)
		out_printf(stdout, "no drill runs yet; `sitrep drill run NAME` plays one\n");
	else
		out_printf(stdout, "%-36s %-18s %-20s %9s %6s %7s\n", "RUN", "DRILL",
		    "STARTED", "DURATION", "POINTS", "HARMFUL");
	for (i = 0; i < n; i++) {
		if (!runs[i].ok) {
			line = xasprintf("%-36s (not a drill run this sitrep "
			    "can read: sitrep drill report %s says why)",
			    runs[i].name, runs[i].name);
		} else {
			util_format_rfc3339(runs[i].s.started_ms, ts,
			    sizeof ts);
			util_format_duration(runs[i].s.ended_ms -
			    runs[i].s.started_ms, dur, sizeof dur);
			line = xasprintf("%-36s %-18s %-20s %8s%s %6d %7zu",
			    runs[i].name, runs[i].s.drill, ts, dur,
			    runs[i].s.ended ? " " : "*", runs[i].s.points,
			    runs[i].s.nharmful);
		}
		drill_put(line);
		out_putc('\n', stdout);
		free(line);
	}
	for (i = 0; i < n; i++) {
		if (runs[i].ok && !runs[i].s.ended) {
			out_printf(stdout, "* not ended: the duration is up to the last "
			    "thing recorded\n");
			break;
		}
	}
	for (i = 0; i < n; i++) {
		free(runs[i].name);
		free(runs[i].path);
		drill_score_done(&runs[i].s);
	}
	free(runs);
	return CMD_OK;
}

/* The points of a score, part by part, as lines "NAME POINTS/OF (why)". */
static void
drill_report_text(const struct drill_score *s, int md)
{
	char		 ts[40], off[40], off2[40], pace[96] = "";
	const char	*h = md ? "## " : "", *b = md ? "- " : "  ";
	char		*line, *cell, *p;
	size_t		 i;

	line = xasprintf("%sDrill %s, run %s", md ? "# " : "", s->drill,
	    s->run != NULL ? s->run : "?");
	drill_put(line);
	free(line);
	out_printf(stdout, "\n\n");
	util_format_rfc3339(s->started_ms, ts, sizeof ts);
	util_format_duration(s->ended_ms - s->started_ms, off, sizeof off);
	/* Played faster than the clock: the drill's time too. */
	if (s->speed > 1)
		snprintf(pace, sizeof pace, " (%s on the drill's clock at "
		    "speed %g)", util_format_duration((int64_t)((double)
		    (s->ended_ms - s->started_ms) * s->speed), off2,
		    sizeof off2), s->speed);
	line = xasprintf("Started %s, %s %s%s%s%s.", ts, s->ended ? "lasted" :
	    "not ended; last activity after", off, pace, s->source != NULL ?
	    ", from " : "", s->source != NULL ? s->source : "");
	drill_put(line);
	free(line);
	out_printf(stdout, "\n");
	if (s->warning != NULL) {
		line = xasprintf("Warning: %s", s->warning);
		drill_put(line);
		free(line);
		out_printf(stdout, "\n");
	}
	line = xasprintf("\n%s%sPoints: %d/100%s - %s\n", md ? "" : "",
	    md ? "**" : "", s->points, md ? "**" : "", s->verdict);
	out_puts(line, stdout);
	free(line);
	out_printf(stdout, "\n%sacknowledge %d/%d: %d of %d expected acks", b,
	    s->points_ack, DRILL_SCORE_ACK, s->acks_done, s->acks_expected);
	if (s->ack_ms >= 0)
		out_printf(stdout, ", the first after %s", drill_offset(s->ack_ms, off,
		    sizeof off));
	out_printf(stdout, "\n%smitigate %d/%d: ", b, s->points_mitigate,
	    DRILL_SCORE_MITIGATE);
	if (s->action_ms >= 0)
		out_printf(stdout, "first correct action after %s, mitigated after %s%s\n",
		    drill_offset(s->action_ms, off, sizeof off),
		    drill_offset(s->mitigated_ms, off2, sizeof off2),
		    s->mitigated_by_end ? " (the end condition held)" :
		    " (the correct action)");
	else
		out_printf(stdout, "no correct action\n");
	out_printf(stdout, "%sclean %d/%d: %zu wrong action%s\n", b, s->points_clean,
	    DRILL_SCORE_CLEAN, s->nwrong, s->nwrong == 1 ? "" : "s");
	out_printf(stdout, "%sharmful: %zu action%s (-%zu), hints: %d (-%d)\n", b,
	    s->nharmful, s->nharmful == 1 ? "" : "s",
	    s->nharmful * DRILL_SCORE_HARMFUL, s->hints,
	    s->hints * DRILL_SCORE_HINT);
	if (s->nharmful > 0) {
		out_printf(stdout, "\n%sHarmful actions\n\n", h);
		for (i = 0; i < s->nharmful; i++) {
			line = xasprintf("%s%s %s: %s", b, drill_offset(
			    s->harmful[i].offset_ms, off, sizeof off),
			    s->harmful[i].what, s->harmful[i].why);
			drill_put(line);
			free(line);
			out_printf(stdout, "\n");
		}
	}
	out_printf(stdout, "\n%sTimeline\n\n", h);
	if (md)
		out_printf(stdout, "| at | what | |\n|---|---|---|\n");
	for (i = 0; i < s->ntimeline; i++) {
		drill_offset(s->timeline[i].offset_ms, off, sizeof off);
		if (md) {
			/* A '|' would end the cell. */
			cell = xstrdup(s->timeline[i].text);
			for (p = cell; (p = strchr(p, '|')) != NULL; p++)
				*p = '/';
			line = xasprintf("| %s | %s | %s |", off,
			    drill_score_kind_word(s->timeline[i].kind), cell);
			free(cell);
		} else
			line = xasprintf("  %-8s %-10s %s", off,
			    drill_score_kind_word(s->timeline[i].kind),
			    s->timeline[i].text);
		drill_put(line);
		free(line);
		out_printf(stdout, "\n");
	}
}

/* Add a mark list to o under key. */
static void
drill_json_marks(cJSON *o, const char *key,
    const struct drill_score_mark *v, size_t n)
{
	cJSON	*a = cJSON_AddArrayToObject(o, key), *m;
	size_t	 i;

	for (i = 0; i < n; i++) {
		m = cJSON_CreateObject();
		cJSON_AddNumberToObject(m, "offset_ms", (double)v[i].offset_ms);
		cJSON_AddStringToObject(m, "what", v[i].what);
		cJSON_AddStringToObject(m, "why", v[i].why);
		cJSON_AddItemToArray(a, m);
	}
}

/* Add ms to o, or null when it did not happen (-1). */
static void
drill_json_ms(cJSON *o, const char *key, int64_t ms)
{
	if (ms < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, (double)ms);
}

/* The score as JSON. */
static void
drill_report_json(const struct drill_score *s)
{
	cJSON	*o = cJSON_CreateObject(), *p, *a, *e;
	size_t	 i;

	cJSON_AddStringToObject(o, "drill", s->drill);
	if (s->run != NULL)
		cJSON_AddStringToObject(o, "run", s->run);
	if (s->source != NULL)
		cJSON_AddStringToObject(o, "source", s->source);
	if (s->warning != NULL)
		cJSON_AddStringToObject(o, "warning", s->warning);
	cJSON_AddNumberToObject(o, "started_ms", (double)s->started_ms);
	cJSON_AddNumberToObject(o, "ended_ms", (double)s->ended_ms);
	cJSON_AddBoolToObject(o, "ended", s->ended);
	cJSON_AddNumberToObject(o, "speed", s->speed);
	cJSON_AddNumberToObject(o, "points", s->points);
	cJSON_AddStringToObject(o, "verdict", s->verdict);
	p = cJSON_AddObjectToObject(o, "parts");
	cJSON_AddNumberToObject(p, "acknowledge", s->points_ack);
	cJSON_AddNumberToObject(p, "mitigate", s->points_mitigate);
	cJSON_AddNumberToObject(p, "clean", s->points_clean);
	cJSON_AddNumberToObject(p, "penalty", s->penalty);
	drill_json_ms(o, "time_to_ack_ms", s->ack_ms);
	drill_json_ms(o, "time_to_action_ms", s->action_ms);
	drill_json_ms(o, "time_to_mitigation_ms", s->mitigated_ms);
	cJSON_AddBoolToObject(o, "mitigated_by_end", s->mitigated_by_end);
	cJSON_AddNumberToObject(o, "acks_expected", s->acks_expected);
	cJSON_AddNumberToObject(o, "acks_done", s->acks_done);
	cJSON_AddNumberToObject(o, "hints", s->hints);
	drill_json_marks(o, "harmful", s->harmful, s->nharmful);
	drill_json_marks(o, "wrong", s->wrong, s->nwrong);
	a = cJSON_AddArrayToObject(o, "timeline");
	for (i = 0; i < s->ntimeline; i++) {
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "offset_ms",
		    (double)s->timeline[i].offset_ms);
		cJSON_AddStringToObject(e, "kind",
		    drill_score_kind_word(s->timeline[i].kind));
		cJSON_AddStringToObject(e, "text", s->timeline[i].text);
		cJSON_AddItemToArray(a, e);
	}
	export_json_print(o, 1, stdout);
}

/* sitrep drill report RUN|FILE [--format text|markdown|json]. */
static int
drill_report(struct cmd_opts *g, char **words, int nwords)
{
	const char		*fmt = drill_format != NULL ? drill_format :
				    "text";
	struct drill_score	 s;
	struct stat		 st;
	char			*path, *dir, *msg;
	size_t			 len;

	if (nwords != 1)
		return cmd_bad_usage("drill", "report: name one run (as "
		    "`sitrep drill history` lists it) or a run's cache file");
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "markdown") != 0 &&
	    strcmp(fmt, "json") != 0)
		return cmd_bad_usage("drill", "report --format is text, "
		    "markdown or json");
	len = strlen(words[0]);
	if (strchr(words[0], '/') != NULL || (len > 3 &&
	    strcmp(words[0] + len - 3, ".db") == 0))
		path = xstrdup(words[0]);
	else {
		dir = drill_runs_dir();
		path = xasprintf("%s/%s.db", dir, words[0]);
		free(dir);
	}
	if (stat(path, &st) != 0) {
		msg = xasprintf("no drill run %s (no file %s); `sitrep drill "
		    "history` lists the runs", words[0], path);
		free(path);
		path = sanitize_terminal(msg, 0);
		out_printf(stderr, "sitrep drill: %s\n", path);
		free(path);
		free(msg);
		return CMD_FAIL;
	}
	if (drill_score_path(path, &s, 0) != 0) {
		free(path);
		return CMD_FAIL;
	}
	free(path);
	if (strcmp(fmt, "json") == 0)
		drill_report_json(&s);
	else
		drill_report_text(&s, strcmp(fmt, "markdown") == 0);
	drill_score_done(&s);
	return CMD_OK;
}

/* Whether word names a drill file rather than a shipped drill. */
static int
drill_is_path(const char *word)
{
	size_t	len = strlen(word);

	return strchr(word, '/') != NULL ||
	    (len > 5 && strcmp(word + len - 5, ".yaml") == 0) ||
	    (len > 4 && strcmp(word + len - 4, ".yml") == 0);
}

/*
 * Load the drill word names: a shipped one, else a file.  *text is the
 * file's text (caller frees) and *source "builtin" or the file's path.
 * NULL after printing why (*rc the exit status).
 */
static struct drill *
drill_run_load(const char *word, char **text, char **source, int *rc)
{
	const struct drill_builtin	*b;
	struct conf_problems		 problems;
	struct drill			*d = NULL;
	struct stat			 sb;
	struct buf			 file;
	const char			*names[64], *best;
	char				*cause = NULL, *safe, real[PATH_MAX];
	size_t				 n = 0;

	*rc = CMD_FAIL;
	conf_problems_init(&problems);
	if (!drill_is_path(word)) {
		for (b = drill_builtins; b->name != NULL; b++) {
			if (strcmp(b->name, word) == 0)
				break;
			if (n < 64)
				names[n++] = b->name;
		}
		if (b->name != NULL) {
			if ((d = drill_load_builtin(word, &problems)) != NULL) {
				*text = xstrdup(b->text);
				*source = xstrdup("builtin");
			}
			drill_print_problems(&problems);
			conf_problems_done(&problems);
			return d;
		}
		if (stat(word, &sb) != 0) {
			safe = sanitize_terminal(word, 0);
			best = util_closest(word, names, n);
			if (best != NULL)
				out_printf(stderr, "sitrep drill run: no drill named "
				    "'%s'; did you mean '%s'? ('sitrep drill "
				    "list' shows them; a file: give its path)\n",
				    safe, best);
			else {
				out_printf(stderr, "sitrep drill run: no drill named "
				    "'%s'; did you mean one of", safe);
				for (b = drill_builtins; b->name != NULL; b++)
					out_printf(stderr, "%s %s", b == drill_builtins
					    ? ":" : ",", b->name);
				out_printf(stderr, "? (a file: give its path)\n");
			}
			free(safe);
			conf_problems_done(&problems);
			*rc = CMD_USAGE;
			return NULL;
		}
	}
	d = drill_load_file(word, &problems);
	drill_print_problems(&problems);
	conf_problems_done(&problems);
	if (d == NULL)
		return NULL;
	buf_init(&file, DRILL_MAX_FILE);
	if (buf_read_file(&file, word, &cause) != 0) {
		out_printf(stderr, "sitrep drill run: %s\n", cause);
		free(cause);
		buf_done(&file);
		drill_free(d);
		return NULL;
	}
	*text = buf_detach(&file);
	*source = xstrdup(realpath(word, real) != NULL ? real : word);
	return d;
}

/*
 * The run's cache: --cache FILE if given (which must not exist: a run
 * starts from nothing), else a fresh file in the drills folder.  NULL
 * after printing why.
 */
static char *
drill_run_cache_path(struct cmd_opts *g, const char *name)
{
	struct stat	 sb;
	char		*path, *cause = NULL, *safe;

	if (g->cache == NULL) {
		if ((path = drill_run_path(name, util_now_ms(), &cause)) ==
		    NULL) {
			out_printf(stderr, "sitrep drill run: %s\n", cause);
			free(cause);
		}
		return path;
	}
	path = util_expand_home(g->cache);
	if (stat(path, &sb) == 0 || errno != ENOENT) {
		safe = sanitize_terminal(path, 0);
		out_printf(stderr, "sitrep drill run: %s exists; a drill's run "
		    "starts from a fresh cache: give --cache a new file, or "
		    "leave it out for one in the drills folder\n", safe);
		free(safe);
		free(path);
		return NULL;
	}
	return path;
}

/* Mark the run's cache as the drill's (its start keys); 0 or -1. */
static int
drill_run_start(const char *path, const struct drill_run_meta *m)
{
	struct cache	*cache;
	char		*cause = NULL, *warning = NULL;

	cache = cache_open(path, 0, &warning, &cause);
	free(warning);
	if (cache == NULL || drill_run_mark(cache, m, &cause) != 0) {
		out_printf(stderr, "sitrep drill run: %s\n", cause);
		free(cause);
		if (cache != NULL)
			cache_close(cache);
		return -1;
	}
	cache_close(cache);
	return 0;
}

/* Write the run's end into its cache (saying so if it cannot). */
static void
drill_run_finish(const char *path)
{
	struct cache	*cache;
	char		*cause = NULL, *warning = NULL;

	cache = cache_open(path, 0, &warning, &cause);
	free(warning);
	if (cache == NULL ||
	    drill_run_end(cache, util_now_ms(), &cause) != 0) {
		out_printf(stderr, "sitrep drill run: the end was not written: "
		    "%s\n", cause);
		free(cause);
	}
	if (cache != NULL)
		cache_close(cache);
}

/*
 * Play the drill words[0] names in the console, seed_arg (or NULL) over
 * its seed, at g's speed, into a fresh cache; print where it went.
 */
static int
drill_run_play(struct cmd_opts *g, char **words, int nwords,
    const char *seed_arg)
{
	struct drill_run_meta	 m;
	struct drill_score	 score;
	struct sim_scenario	*sc;
	struct tui_opts		 to;
	struct drill		*d;
	struct conf		*conf;
	char			*text = NULL, *source = NULL, *path, *safe;
	int64_t			 seed = 0;
	int			 rc;

	if (nwords != 1)
		return cmd_bad_usage("drill run", nwords == 0 ? "name a "
		    "drill ('sitrep drill list') or a drill file" : "name "
		    "one drill");
	if (seed_arg != NULL && (util_parse_int64(seed_arg, &seed) != 0 ||
	    seed < 0))
		return cmd_bad_usage("drill run", "--seed takes a whole "
		    "number, 0 or more");
	if (g->worlds_arg != NULL)
		return cmd_bad_usage("drill run", "a drill plays one world; "
		    "--worlds is the demo's");
	if (g->config != NULL || g->kubeconfig != NULL || g->context != NULL)
		out_printf(stderr, "sitrep: a drill plays the simulator alone: "
		    "--config, --kubeconfig and --context are not read\n");
	if ((d = drill_run_load(words[0], &text, &source, &rc)) == NULL)
		return rc;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		out_printf(stderr, "sitrep: a drill plays in the console, which "
		    "needs a terminal\n");
		rc = CMD_USAGE;
		goto out;
	}
	rc = CMD_FAIL;
	if ((path = drill_run_cache_path(g, d->name)) == NULL)
		goto out;
	sc = sim_file_scenario(d);
	if (seed_arg != NULL)
		sc->seed = (uint64_t)seed;
	memset(&m, 0, sizeof m);
	m.name = d->name;
	m.run = drill_run_name(path);
	m.seed = sc->seed;
	m.speed = g->speed > 0 ? g->speed : 1;
	m.source = source;
	m.yaml = text;
	m.started_ms = util_now_ms();
	conf = sim_scenario_conf(sc, d->name);
	if (drill_run_start(path, &m) == 0) {
		memset(&to, 0, sizeof to);
		to.conf = conf;
		to.cache_path = path;
		to.demo = 1;
		to.scenario = sc;
		to.drill = d->name;
		to.readonly = g->readonly;
		to.speed = m.speed;
		rc = tui_run(&to);
		drill_run_finish(path);
		safe = sanitize_terminal(path, 0);
		out_printf(stdout, "drill %s run %s ended; its cache: %s\n", d->name,
		    m.run, safe);
		free(safe);
		/* The score at once; `drill report RUN` prints it again. */
		if (drill_score_path(path, &score, 0) == 0) {
			out_putc('\n', stdout);
			drill_report_text(&score, 0);
			drill_score_done(&score);
		}
	}
	conf_free(conf);
	sim_file_free(sc);
	free(m.run);
	free(path);
out:
	drill_free(d);
	free(text);
	free(source);
	return rc;
}

/* The configuration a drill's run played; see cmd.h. */
int
cmd_drill_conf(struct cmd_opts *g, struct conf **conf)
{
	struct drill_run_meta	 m;
	struct sim_scenario	*sc;
	struct cache		*cache;
	struct drill		*d;
	struct stat		 sb;
	char			*path, *cause = NULL, *warning = NULL;
	int			 rc = 0;

	if (g->cache == NULL || g->config != NULL || g->demo)
		return 0;
	path = util_expand_home(g->cache);
	if (stat(path, &sb) != 0) {
		free(path);
		return 0;
	}
	cache = cache_open(path, CACHE_READONLY, &warning, &cause);
	free(warning);
	free(cause);
	free(path);
	if (cache == NULL)
		return 0;
	if (drill_run_meta(cache, &m, &cause) == 1 && m.yaml != NULL &&
	    (d = drill_load_text(m.name, m.yaml, strlen(m.yaml), NULL)) !=
	    NULL) {
		sc = sim_file_scenario(d);
		*conf = sim_scenario_conf(sc, d->name);
		sim_file_free(sc);
		drill_free(d);
		rc = 1;
	}
	free(cause);
	drill_run_meta_done(&m);
	cache_close(cache);
	return rc;
}

/* sitrep drill run, reached through the drill command's words. */
static int
drill_run(struct cmd_opts *g, char **words, int nwords)
{
	return drill_run_play(g, words, nwords, NULL);
}

/* sitrep drill run NAME|FILE [--seed N] [--speed N]; see cmd.h. */
int
cmd_drill_run(struct cmd_opts *g, int argc, char **argv)
{
	const char	*seed_arg = NULL;
	char		**words;
	int		  nw, rc;
	const struct cmd_option opts[] = {
		{ "--seed", &seed_arg, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	/* A drill is the simulated world: --speed is its pace. */
	g->demo = 1;
	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	rc = drill_run_play(g, words, nw, seed_arg);
	free(words);
	return rc;
}

static const struct drill_cmd drill_cmds[] = {
	{ "list", "", drill_list },
	{ "check", "FILE...", drill_check },
	{ "run", "NAME|FILE [--seed N] [--speed N]", drill_run },
	{ "history", "", drill_history },
	{ "report", "RUN|FILE [--format text|markdown|json]", drill_report },
	{ NULL, NULL, NULL }
};

/* sitrep drill SUBCOMMAND ... */
int
cmd_drill(struct cmd_opts *g, int argc, char **argv)
{
	const struct drill_cmd	*c;
	const struct cmd_option	 opts[] = {
		{ "--format", &drill_format, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};
	const char		*names[8];
	const char		*best;
	char			**words, *msg;
	size_t			 n = 0;
	int			 nw, rc;

	drill_format = NULL;
	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	if (drill_format != NULL && (nw == 0 || strcmp(words[0], "report") !=
	    0)) {
		free(words);
		return cmd_bad_usage("drill", "--format is for drill report");
	}
	if (nw == 0) {
		free(words);
		return cmd_bad_usage("drill", "name a sub-command: list, "
		    "check FILE..., run NAME, history, report RUN or fire "
		    "NAME");
	}
	for (c = drill_cmds; c->name != NULL; c++) {
		if (strcmp(c->name, words[0]) == 0) {
			rc = c->fn(g, words + 1, nw - 1);
			free(words);
			return rc;
		}
		names[n++] = c->name;
	}
	/* `drill fire` is a command of its own (sitrep.c's table). */
	names[n++] = "fire";
	best = util_closest(words[0], names, n);
	for (c = drill_cmds; best != NULL && c->name != NULL; c++)
		if (strcmp(c->name, best) == 0)
			break;
	if (best != NULL && c->name == NULL)
		msg = xasprintf("unknown sub-command '%s'; did you mean 'fire "
		    "NAME'?", words[0]);
	else if (best != NULL)
		msg = xasprintf("unknown sub-command '%s'; did you mean "
		    "'%s%s%s'?", words[0], best, *c->usage != '\0' ? " " : "",
		    c->usage);
	else
		msg = xasprintf("unknown sub-command '%s'; use list, "
		    "check FILE..., run NAME, history, report RUN or fire "
		    "NAME", words[0]);
	free(words);
	rc = cmd_bad_usage("drill", msg);
	free(msg);
	return rc;
}
