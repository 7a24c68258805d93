/*
 * drill.c: `sitrep drill list`, `sitrep drill check FILE...` and
 * `sitrep drill run NAME|FILE`.
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
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/sim.h"
#include "backends/sim_file.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/drill.h"
#include "core/drill_run.h"
#include "tui/tui.h"

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
		printf("%s\n", problems->v[i]);
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
		printf("%-18s %5s  %s\n", d->name, lim, d->description);
		drill_free(d);
	}
	if (rc != CMD_OK) {
		fflush(stdout);
		for (i = 0; i < problems.n; i++)
			fprintf(stderr, "sitrep: %s\n", problems.v[i]);
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
		printf("%s: ok (drill %s, %zu service%s, %zu timeline "
		    "entr%s, limit %s)\n", words[i], d->name, d->nservices,
		    d->nservices == 1 ? "" : "s", d->nevents,
		    d->nevents == 1 ? "y" : "ies", lim);
		drill_free(d);
	}
	return rc;
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
				fprintf(stderr, "sitrep drill run: no drill named "
				    "'%s'; did you mean '%s'? ('sitrep drill "
				    "list' shows them; a file: give its path)\n",
				    safe, best);
			else {
				fprintf(stderr, "sitrep drill run: no drill named "
				    "'%s'; did you mean one of", safe);
				for (b = drill_builtins; b->name != NULL; b++)
					fprintf(stderr, "%s %s", b == drill_builtins
					    ? ":" : ",", b->name);
				fprintf(stderr, "? (a file: give its path)\n");
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
		fprintf(stderr, "sitrep drill run: %s\n", cause);
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
			fprintf(stderr, "sitrep drill run: %s\n", cause);
			free(cause);
		}
		return path;
	}
	path = util_expand_home(g->cache);
	if (stat(path, &sb) == 0 || errno != ENOENT) {
		safe = sanitize_terminal(path, 0);
		fprintf(stderr, "sitrep drill run: %s exists; a drill's run "
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
		fprintf(stderr, "sitrep drill run: %s\n", cause);
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
		fprintf(stderr, "sitrep drill run: the end was not written: "
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
		fprintf(stderr, "sitrep: a drill plays the simulator alone: "
		    "--config, --kubeconfig and --context are not read\n");
	if ((d = drill_run_load(words[0], &text, &source, &rc)) == NULL)
		return rc;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sitrep: a drill plays in the console, which "
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
		printf("drill %s run %s ended; its cache: %s\n", d->name,
		    m.run, safe);
		free(safe);
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
	{ NULL, NULL, NULL }
};

/* sitrep drill SUBCOMMAND ... */
int
cmd_drill(struct cmd_opts *g, int argc, char **argv)
{
	const struct drill_cmd	*c;
	const char		*names[8];
	const char		*best;
	char			**words, *msg;
	size_t			 n = 0;
	int			 nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw == 0) {
		free(words);
		return cmd_bad_usage("drill", "name a sub-command: list, "
		    "check FILE..., run NAME or fire NAME");
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
		    "check FILE..., run NAME or fire NAME", words[0]);
	free(words);
	rc = cmd_bad_usage("drill", msg);
	free(msg);
	return rc;
}
