/*
 * cmd.c: what the commands share: option parsing and the usual set-up.
 *
 * Options are parsed by a small table-driven parser rather than getopt so
 * that a mistyped option can be answered with the closest valid one, and so
 * that the global options (--config, --context, --cache, --kubeconfig,
 * --demo, --readonly, --speed, --worlds) may come before or after the
 * command words.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/runtime.h"
#include "backends/sim.h"
#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/action.h"
#include "core/audit.h"
#include "core/cache.h"
#include "core/conf.h"

/* ------------------------------------------------------------------ */
/* Option parsing                                                      */
/* ------------------------------------------------------------------ */

/*
 * Parse argv against the command's options and the global ones.  Words
 * that are not options are collected into words (NULL-terminated, borrowed
 * from argv).  Returns 0, or CMD_USAGE after printing the problem.
 */
/*
 * --speed N (or Nx): the simulator plays N times faster than the clock,
 * 1 to 100; only with --demo.  0, or CMD_USAGE after saying why.
 */
static int
cmd_parse_speed(struct cmd_opts *g, char ***words)
{
	char	*end;
	double	 v;

	if (g->speed == 0)
		g->speed = 1;
	if (g->speed_arg == NULL)
		return 0;
	v = strtod(g->speed_arg, &end);
	if (end != g->speed_arg && (*end == 'x' || *end == 'X'))
		end++;
	if (end == g->speed_arg || *end != '\0' || !(v >= 1 && v <= 100)) {
		out_printf(stderr, "sitrep: bad --speed '%s': give how many times "
		    "faster than the clock the simulator plays, 1 to 100 "
		    "(4 or 4x)\n", g->speed_arg);
		free(*words);
		*words = NULL;
		return CMD_USAGE;
	}
	if (!g->demo) {
		out_printf(stderr, "sitrep: --speed sets the pace of the simulated "
		    "world: use it with --demo\n");
		free(*words);
		*words = NULL;
		return CMD_USAGE;
	}
	g->speed = v;
	return 0;
}

/*
 * --worlds N: the demo has N contexts, each a world at its own phase of
 * the scenario (backends/sim.h, sim_demo_worlds_conf()), 1 to
 * SIM_WORLDS_MAX; only with --demo.  0, or CMD_USAGE after saying why.
 */
static int
cmd_parse_worlds(struct cmd_opts *g, char ***words)
{
	char	*end;
	long	 v;

	if (g->worlds == 0)
		g->worlds = 1;
	if (g->worlds_arg == NULL)
		return 0;
	errno = 0;
	v = strtol(g->worlds_arg, &end, 10);
	if (end == g->worlds_arg || *end != '\0' || errno != 0 || v < 1 ||
	    v > SIM_WORLDS_MAX) {
		out_printf(stderr, "sitrep: bad --worlds '%s': give how many "
		    "simulated worlds (contexts) the demo has, 1 to %d (3)\n",
		    g->worlds_arg, SIM_WORLDS_MAX);
		free(*words);
		*words = NULL;
		return CMD_USAGE;
	}
	if (!g->demo) {
		out_printf(stderr, "sitrep: --worlds sets how many contexts the "
		    "simulated world has: use it with --demo\n");
		free(*words);
		*words = NULL;
		return CMD_USAGE;
	}
	g->worlds = (int)v;
	return 0;
}

int
cmd_parse(struct cmd_opts *g, const struct cmd_option *opts, int argc,
    char **argv, char ***words, int *nwords)
{
	const struct cmd_option	 globals[] = {
		{ "--config", &g->config, NULL, NULL },
		{ "--context", &g->context, NULL, NULL },
		{ "--cache", &g->cache, NULL, NULL },
		{ "--kubeconfig", &g->kubeconfig, NULL, NULL },
		{ "--demo", NULL, &g->demo, NULL },
		{ "--readonly", NULL, &g->readonly, NULL },
		{ "--speed", &g->speed_arg, NULL, NULL },
		{ "--worlds", &g->worlds_arg, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};
	const struct cmd_option	*o, *tables[2] = { globals, opts };
	const char		*names[64], *best, *eq;
	char			*arg;
	size_t			 n = 0, len;
	int			 i, t, nw = 0, only_words = 0;

	*words = xcalloc((size_t)argc + 1, sizeof **words);
	for (i = 0; i < argc; i++) {
		arg = argv[i];
		if (only_words || arg[0] != '-' || arg[1] == '\0') {
			(*words)[nw++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_words = 1;
			continue;
		}
		eq = strchr(arg, '=');
		len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		o = NULL;
		for (t = 0; t < 2 && o == NULL; t++) {
			if (tables[t] == NULL)
				continue;
			for (const struct cmd_option *p = tables[t];
			    p->name != NULL; p++) {
				if (strlen(p->name) == len &&
				    strncmp(p->name, arg, len) == 0) {
					o = p;
					break;
				}
			}
		}
		if (o == NULL) {
			n = 0;
			for (t = 0; t < 2; t++) {
				if (tables[t] == NULL)
					continue;
				for (const struct cmd_option *p = tables[t];
				    p->name != NULL && n < 62; p++)
					names[n++] = p->name;
			}
			names[n++] = "--help";
			names[n++] = "--version";
			arg[len] = '\0';
			best = util_closest(arg, names, n);
			if (best != NULL)
				out_printf(stderr, "sitrep: unknown option '%s'; "
				    "did you mean '%s'?\n", arg, best);
			else
				out_printf(stderr, "sitrep: unknown option '%s'\n",
				    arg);
			out_printf(stderr, "Try 'sitrep --help'.\n");
			free(*words);
			*words = NULL;
			return CMD_USAGE;
		}
		if (o->flag != NULL) {
			if (eq != NULL) {
				out_printf(stderr, "sitrep: option '%s' takes no "
				    "value\n", o->name);
				free(*words);
				*words = NULL;
				return CMD_USAGE;
			}
			*o->flag = 1;
			continue;
		}
		if (eq != NULL)
			*o->value = eq + 1;
		else if (i + 1 < argc)
			*o->value = argv[++i];
		else {
			out_printf(stderr, "sitrep: option '%s' needs a value\n",
			    o->name);
			free(*words);
			*words = NULL;
			return CMD_USAGE;
		}
	}
	*nwords = nw;
	if (cmd_parse_speed(g, words) != 0)
		return CMD_USAGE;
	return cmd_parse_worlds(g, words);
}

/* ------------------------------------------------------------------ */
/* Shared set-up                                                       */
/* ------------------------------------------------------------------ */

/* Print a usage error for a command and return CMD_USAGE. */
int
cmd_bad_usage(const char *command, const char *what)
{
	const struct cmd_entry	*c;

	out_printf(stderr, "sitrep %s: %s\n", command, what);
	for (c = sitrep_commands; c->name != NULL; c++) {
		if (strcmp(c->name, command) == 0)
			out_printf(stderr, "usage: sitrep %s %s\n", c->name,
			    c->usage);
	}
	return CMD_USAGE;
}

/*
 * --kubeconfig FILE: the kubeconfig of every context's Kubernetes.  As
 * with kubectl, the flag wins over everything: over kubernetes.kubeconfig
 * of the configuration, which wins over $KUBECONFIG, which wins over
 * ~/.kube/config.  A context without a kubernetes: section stays without.
 */
static void
cmd_apply_kubeconfig(struct cmd_opts *g, struct conf *conf)
{
	size_t	i;

	if (g->kubeconfig == NULL)
		return;
	for (i = 0; i < conf->ncontexts; i++) {
		if (conf->contexts[i].kubernetes == NULL)
			continue;
		free(conf->contexts[i].kubernetes->kubeconfig);
		conf->contexts[i].kubernetes->kubeconfig =
		    util_expand_home(g->kubeconfig);
	}
}

/*
 * --demo wins over --config and --kubeconfig: the demo is a world of its
 * own.  Say so once, on stderr, when either was given, so nobody reads
 * the simulator's panels as their configuration's.
 */
static void
cmd_demo_note(struct cmd_opts *g)
{
	static int	said;

	if (said || (g->config == NULL && g->kubeconfig == NULL))
		return;
	said = 1;
	out_printf(stderr, "sitrep: --demo wins: %s ignored; the built-in "
	    "simulated world is shown (drop --demo to use %s)\n",
	    g->config != NULL && g->kubeconfig != NULL ?
	    "--config and --kubeconfig are" : g->config != NULL ?
	    "--config is" : "--kubeconfig is",
	    g->config != NULL && g->kubeconfig != NULL ? "them" : "it");
}

/*
 * Load the configuration the global options point at.  With no file named
 * and none at the default place, *conf is the built-in default and 0 is
 * returned.  Problems are printed; -1 then.
 */
int
cmd_load_conf(struct cmd_opts *g, struct conf **conf)
{
	struct conf_problems	 problems;
	struct stat		 sb;
	char			*path;
	int			 explicit;
	size_t			 i;

	if (g->demo) {
		cmd_demo_note(g);
		*conf = sim_demo_worlds_conf(g->worlds > 0 ? g->worlds : 1);
		return 0;
	}
	path = conf_find_path(g->config, &explicit);
	if (!explicit && stat(path, &sb) != 0) {
		free(path);
		*conf = conf_new_default();
		return 0;
	}
	conf_problems_init(&problems);
	*conf = conf_load(path, &problems);
	for (i = 0; i < problems.n; i++)
		out_printf(stderr, "%s\n", problems.v[i]);
	conf_problems_done(&problems);
	free(path);
	if (*conf == NULL)
		return -1;
	cmd_apply_kubeconfig(g, *conf);
	return 0;
}

/*
 * A reader found no cache at path: say where it would be and the command
 * that fills it, with the same global options, so nothing is created.
 */
static void
cmd_no_cache(struct cmd_opts *g, const char *path)
{
	struct buf	 fill;
	char		*safe, *cmd;

	buf_init(&fill, 0);
	buf_puts(&fill, "sitrep");
	if (g->demo)
		buf_puts(&fill, " --demo");
	if (g->config != NULL && !g->demo) {
		buf_puts(&fill, " --config ");
		buf_shell_word(&fill, g->config);
	}
	if (g->context != NULL) {
		buf_puts(&fill, " --context ");
		buf_shell_word(&fill, g->context);
	}
	if (g->cache != NULL) {
		buf_puts(&fill, " --cache ");
		buf_shell_word(&fill, g->cache);
	}
	buf_puts(&fill, " fetch --once");
	safe = sanitize_terminal(path, 0);
	cmd = sanitize_terminal(buf_str(&fill), 0);
	if (g->cache != NULL)
		out_printf(stderr, "sitrep: no cache at %s: no such file (is the "
		    "--cache path right?); nothing was created.  Fill it with "
		    "`%s`.\n", safe, cmd);
	else if (g->demo)
		out_printf(stderr, "sitrep: no cache at %s yet; nothing was "
		    "created.  Fill it with `%s`.\n", safe, cmd);
	else
		out_printf(stderr, "sitrep: no cache at %s yet; nothing was "
		    "created.  Fill it with `%s` (the sources of your "
		    "configuration), or try the demo, which keeps its own "
		    "cache: `sitrep --demo fetch --once`.\n", safe, cmd);
	free(cmd);
	free(safe);
	buf_done(&fill);
}

/* Open the cache the global options point at, reporting any warning. */
struct cache *
cmd_open_cache(struct cmd_opts *g, int flags)
{
	struct cache	*cache;
	struct stat	 sb;
	char		*path, *warning = NULL, *cause = NULL;

	if (g->cache != NULL)
		path = util_expand_home(g->cache);
	else
		path = g->demo ? cmd_demo_cache_path() : cache_default_path();
	/* A reader never creates the cache: it says how to fill it. */
	if ((flags & CACHE_READONLY) && stat(path, &sb) != 0 &&
	    errno == ENOENT) {
		cmd_no_cache(g, path);
		free(path);
		return NULL;
	}
	cache = cache_open(path, flags, &warning, &cause);
	if (warning != NULL) {
		out_printf(stderr, "sitrep: warning: %s\n", warning);
		free(warning);
	}
	if (cache == NULL) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
	}
	free(path);
	return cache;
}

/*
 * Choose the context the global options name, printing the problem if it
 * does not exist.  NULL if there is none.
 */
const struct conf_context *
cmd_context(struct cmd_opts *g, const struct conf *conf)
{
	const struct conf_context	*ctx;
	size_t				 i;

	ctx = conf_context_find(conf, g->context);
	if (ctx != NULL)
		return ctx;
	if (conf->ncontexts == 0) {
		out_printf(stderr, "sitrep: no context is configured; write a "
		    "config file (see sitrep.example.yaml, 'sitrep config "
		    "docs') or try 'sitrep --demo'\n");
		return NULL;
	}
	out_printf(stderr, "sitrep: no context named '%s'; the configured ones "
	    "are:", g->context);
	for (i = 0; i < conf->ncontexts; i++)
		out_printf(stderr, " %s", conf->contexts[i].name);
	out_printf(stderr, "\n");
	return NULL;
}

/*
 * Parse --at: RFC 3339 or seconds since the epoch; 0 and -1 with a
 * message if it is neither.
 */
int
cmd_parse_at(const char *at, int64_t *ms)
{
	int64_t	secs;

	if (at == NULL) {
		*ms = 0;
		return 0;
	}
	if (util_parse_int64(at, &secs) == 0 && secs > 0) {
		*ms = secs * 1000;
		return 0;
	}
	if (util_parse_rfc3339(at, ms) == 0)
		return 0;
	out_printf(stderr, "sitrep: bad --at '%s'; give RFC 3339 "
	    "(2026-11-23T03:00:00Z) or seconds since the epoch\n", at);
	return -1;
}

/* The demo's own cache, beside the real one. */
char *
cmd_demo_cache_path(void)
{
	char	*path, *slash, *demo;

	path = cache_default_path();
	slash = strrchr(path, '/');
	if (slash == NULL) {
		free(path);
		return xstrdup("demo.db");
	}
	*slash = '\0';
	demo = xasprintf("%s/demo.db", path);
	free(path);
	return demo;
}

/* Free what cmd_act_open() made. */
void
cmd_act_close(struct cmd_act *e)
{
	runtime_free(e->rt);
	if (e->cache != NULL)
		cache_close(e->cache);
	conf_free(e->conf);
	memset(e, 0, sizeof *e);
}

/*
 * There is no gate: say why and append the refusal to the audit log.
 * Nothing could act, so the gate wrote no row; the refusal is recorded
 * here, straight through the audit log, so every refused write is in it.
 */
static void
cmd_act_refused(struct cmd_opts *g, struct cmd_act *e)
{
	struct audit_entry	 a;
	char			*why, *actor, *target, *cause = NULL;

	why = runtime_read_only_reason(e->rt);
	if (why == NULL)
		why = xstrdup("this runtime may not act");
	actor = e->conf->operator_name != NULL &&
	    *e->conf->operator_name != '\0' ?
	    xstrdup(e->conf->operator_name) : action_default_actor();
	target = xasprintf("sitrep %s", g->command != NULL ? g->command :
	    "(a command)");
	memset(&a, 0, sizeof a);
	a.actor = actor;
	a.context = e->ctx->name;
	a.action = "refused";
	a.target = target;
	a.result = "refused";
	a.detail = why;
	if (audit_append(e->cache, &a, &cause) != 0) {
		out_printf(stderr, "sitrep: %s; nothing was done, and this "
		    "refusal is NOT in the audit log: %s\n", why, cause);
		free(cause);
	} else
		out_printf(stderr, "sitrep: %s; nothing was done (the refusal "
		    "is in the audit log)\n", why);
	free(target);
	free(actor);
	free(why);
}

/* Load, open and build the gate; 0, or an exit status after a message. */
int
cmd_act_open(struct cmd_opts *g, struct cmd_act *e)
{
	char	*cause = NULL;

	memset(e, 0, sizeof *e);
	if (cmd_load_conf(g, &e->conf) != 0)
		return CMD_USAGE;
	if ((e->ctx = cmd_context(g, e->conf)) == NULL) {
		cmd_act_close(e);
		return CMD_USAGE;
	}
	/* The audit row of the write goes to the cache. */
	if ((e->cache = cmd_open_cache(g, 0)) == NULL) {
		cmd_act_close(e);
		return CMD_FAIL;
	}
	if ((e->rt = runtime_new(e->cache, &cause)) == NULL) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
		cmd_act_close(e);
		return CMD_FAIL;
	}
	if (g->demo) {
		runtime_simulate(e->rt, NULL);
		runtime_set_sim_speed(e->rt, g->speed);
	}
	if (g->readonly)
		runtime_set_read_only_because(e->rt,
		    "started with --readonly");
	/* A source that cannot be set up is not this command's business. */
	runtime_set_context(e->rt, e->conf, e->ctx, 0,
	    &cause);
	free(cause);
	if ((e->gate = runtime_gate(e->rt)) == NULL) {
		cmd_act_refused(g, e);
		cmd_act_close(e);
		return CMD_FAIL;
	}
	return 0;
}

/* Write data to path atomically (a temporary file, then rename). */
int
cmd_write_atomic(const char *path, const char *data, size_t len)
{
	char	*tmp;
	int	 fd;
	ssize_t	 n;
	size_t	 off = 0;

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	/* Never through a link planted at the predictable name. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd == -1) {
		out_printf(stderr, "sitrep: cannot write %s: %s\n", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			out_printf(stderr, "sitrep: cannot write %s: %s\n", path,
			    strerror(errno));
			close(fd);
			unlink(tmp);
			free(tmp);
			return -1;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		out_printf(stderr, "sitrep: cannot write %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
