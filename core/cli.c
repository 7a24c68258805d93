/*
 * cli.c: the command table, option parsing and the simple subcommands.
 *
 * Options are parsed by a small table-driven parser rather than getopt so
 * that a mistyped option can be answered with the closest valid one, and so
 * that the global options (--config, --context, --cache) may come before or
 * after the command words.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <curses.h>
#include <cJSON.h>
#include <sqlite3.h>
#include <yaml.h>

#include "backends/backend.h"
#include "backends/http.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "core/audit.h"
#include "base/buf.h"
#include "core/cache.h"
#include "core/cli.h"
#include "core/conf.h"
#include "core/loop.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "core/views.h"
#include "base/xmalloc.h"
#include "export/export.h"
#include "tui/keymap.h"
#include "tui/tui.h"

static int	cli_unknown_command(int, char **);

/* ------------------------------------------------------------------ */
/* Option parsing                                                      */
/* ------------------------------------------------------------------ */

/* One option a command accepts. */
struct cli_option {
	const char	 *name;		/* "--format" */
	const char	**value;	/* set for options with an argument */
	int		 *flag;		/* set to 1 for flags */
	const char	 *help;
};

/*
 * Parse argv against the command's options and the global ones.  Words
 * that are not options are collected into words (NULL-terminated, borrowed
 * from argv).  Returns 0, or CLI_USAGE after printing the problem.
 */
static int
cli_parse(struct cli_opts *g, const struct cli_option *opts, int argc,
    char **argv, char ***words, int *nwords)
{
	const struct cli_option	 globals[] = {
		{ "--config", &g->config, NULL, NULL },
		{ "--context", &g->context, NULL, NULL },
		{ "--cache", &g->cache, NULL, NULL },
		{ "--demo", NULL, &g->demo, NULL },
		{ NULL, NULL, NULL, NULL }
	};
	const struct cli_option	*o, *tables[2] = { globals, opts };
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
			for (const struct cli_option *p = tables[t];
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
				for (const struct cli_option *p = tables[t];
				    p->name != NULL && n < 62; p++)
					names[n++] = p->name;
			}
			names[n++] = "--help";
			names[n++] = "--version";
			arg[len] = '\0';
			best = util_closest(arg, names, n);
			if (best != NULL)
				fprintf(stderr, "sitrep: unknown option '%s'; "
				    "did you mean '%s'?\n", arg, best);
			else
				fprintf(stderr, "sitrep: unknown option '%s'\n",
				    arg);
			fprintf(stderr, "Try 'sitrep --help'.\n");
			free(*words);
			*words = NULL;
			return CLI_USAGE;
		}
		if (o->flag != NULL) {
			if (eq != NULL) {
				fprintf(stderr, "sitrep: option '%s' takes no "
				    "value\n", o->name);
				free(*words);
				*words = NULL;
				return CLI_USAGE;
			}
			*o->flag = 1;
			continue;
		}
		if (eq != NULL)
			*o->value = eq + 1;
		else if (i + 1 < argc)
			*o->value = argv[++i];
		else {
			fprintf(stderr, "sitrep: option '%s' needs a value\n",
			    o->name);
			free(*words);
			*words = NULL;
			return CLI_USAGE;
		}
	}
	*nwords = nw;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Shared helpers for commands                                         */
/* ------------------------------------------------------------------ */

/* Print a usage error for a command and return CLI_USAGE. */
static int
cli_bad_usage(const char *command, const char *what)
{
	const struct cli_command	*c;

	fprintf(stderr, "sitrep %s: %s\n", command, what);
	for (c = cli_commands; c->name != NULL; c++) {
		if (strcmp(c->name, command) == 0)
			fprintf(stderr, "usage: sitrep %s %s\n", c->name,
			    c->usage);
	}
	return CLI_USAGE;
}

static char	*cli_demo_cache_path(void);

/*
 * Load the configuration the global options point at.  With no file named
 * and none at the default place, *conf is the built-in default and 0 is
 * returned.  Problems are printed; -1 then.
 */
static int
cli_load_conf(struct cli_opts *g, struct conf **conf)
{
	struct conf_problems	 problems;
	struct stat		 sb;
	char			*path;
	int			 explicit;
	size_t			 i;

	if (g->demo) {
		*conf = sim_demo_conf();
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
		fprintf(stderr, "%s\n", problems.v[i]);
	conf_problems_done(&problems);
	free(path);
	return *conf == NULL ? -1 : 0;
}

/* Open the cache the global options point at, reporting any warning. */
static struct cache *
cli_open_cache(struct cli_opts *g, int flags)
{
	struct cache	*cache;
	char		*path, *warning = NULL, *cause = NULL;

	if (g->cache != NULL)
		path = util_expand_home(g->cache);
	else
		path = g->demo ? cli_demo_cache_path() : cache_default_path();
	cache = cache_open(path, flags, &warning, &cause);
	if (warning != NULL) {
		fprintf(stderr, "sitrep: warning: %s\n", warning);
		free(warning);
	}
	if (cache == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
	}
	free(path);
	return cache;
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

/* sitrep help [COMMAND...] */
static int
cmd_help(struct cli_opts *g, int argc, char **argv)
{
	char	**words;
	int	  nw, rc;

	if ((rc = cli_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw == 0) {
		cli_usage(stdout);
		free(words);
		return CLI_OK;
	}
	rc = cli_help_command(stdout, nw, words);
	free(words);
	return rc == 0 ? CLI_OK : CLI_USAGE;
}

/* sitrep version */
static int
cmd_version(struct cli_opts *g, int argc, char **argv)
{
	curl_version_info_data	*cv;
	char			**words;
	int			  nw, rc;

	if ((rc = cli_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cli_bad_usage("version", "takes no arguments");
	cv = curl_version_info(CURLVERSION_NOW);
	printf("sitrep %s\n", PACKAGE_VERSION);
	printf("libcurl %s, cJSON %s, libyaml %s, SQLite %s, %s\n",
	    cv->version, cJSON_Version(), yaml_get_version_string(),
	    sqlite3_libversion(), curses_version());
	return CLI_OK;
}

/* sitrep config check [FILE] */
static int
cmd_config_check(struct cli_opts *g, int argc, char **argv)
{
	struct conf_problems	 problems;
	struct conf		*conf;
	struct keymap		*km;
	char			**words, *path;
	int			  nw, rc, explicit;
	size_t			  i;

	if ((rc = cli_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw > 1) {
		free(words);
		return cli_bad_usage("config check", "too many arguments");
	}
	if (nw == 1)
		path = xstrdup(words[0]);
	else
		path = conf_find_path(g->config, &explicit);
	free(words);
	conf_problems_init(&problems);
	conf = conf_load(path, &problems);
	if (conf != NULL) {
		/* Key bindings are checked against the console's table. */
		km = keymap_new();
		if (keymap_apply(km, conf->keys, conf->nkeys, path,
		    &problems) != 0) {
			conf_free(conf);
			conf = NULL;
		}
		keymap_free(km);
	}
	for (i = 0; i < problems.n; i++)
		printf("%s\n", problems.v[i]);
	conf_problems_done(&problems);
	if (conf == NULL) {
		free(path);
		return CLI_FAIL;
	}
	printf("%s: ok (%zu context%s, %zu service%s, %zu SLO%s)\n", path,
	    conf->ncontexts, conf->ncontexts == 1 ? "" : "s",
	    conf->nservices, conf->nservices == 1 ? "" : "s",
	    conf->nslos, conf->nslos == 1 ? "" : "s");
	conf_free(conf);
	free(path);
	return CLI_OK;
}

/* sitrep config docs: the configuration reference, from the schema. */
static int
cmd_config_docs(struct cli_opts *g, int argc, char **argv)
{
	char	**words;
	int	  nw, rc;

	if ((rc = cli_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cli_bad_usage("config docs", "takes no arguments");
	conf_write_docs(stdout);
	return CLI_OK;
}

/* sitrep cache info */
static int
cmd_cache_info(struct cli_opts *g, int argc, char **argv)
{
	struct cache	*cache;
	char		**words, *cause = NULL;
	int		  nw, rc;

	if ((rc = cli_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cli_bad_usage("cache info", "takes no arguments");
	if ((cache = cli_open_cache(g, 0)) == NULL)
		return CLI_FAIL;
	rc = cache_info(cache, stdout, &cause);
	if (rc != 0) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
	}
	cache_close(cache);
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

/* sitrep audit verify */
static int
cmd_audit_verify(struct cli_opts *g, int argc, char **argv)
{
	struct cache	*cache;
	char		**words, *cause = NULL;
	int64_t		  bad = 0, count = 0, seq = 0;
	char		  hash[SHA256_HEX_LEN + 1];
	int		  nw, rc;

	if ((rc = cli_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cli_bad_usage("audit verify", "takes no arguments");
	if ((cache = cli_open_cache(g, 0)) == NULL)
		return CLI_FAIL;
	rc = audit_verify(cache, &bad, &cause);
	if (rc == 0 && audit_head(cache, &count, &seq, hash, &cause) != 0) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		cache_close(cache);
		return CLI_FAIL;
	}
	if (rc != 0) {
		printf("audit log: broken at entry %lld: %s\n",
		    (long long)bad, cause);
		free(cause);
	} else
		printf("audit log: %lld entr%s, hash chain intact\n",
		    (long long)count, count == 1 ? "y" : "ies");
	cache_close(cache);
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

/*
 * Choose the context the global options name, printing the problem if it
 * does not exist.  NULL if there is none.
 */
static const struct conf_context *
cli_context(struct cli_opts *g, const struct conf *conf)
{
	const struct conf_context	*ctx;
	size_t				 i;

	ctx = conf_context_find(conf, g->context);
	if (ctx != NULL)
		return ctx;
	if (conf->ncontexts == 0) {
		fprintf(stderr, "sitrep: no context is configured; write a "
		    "config file (see sitrep.example.yaml, 'sitrep config "
		    "docs') or try 'sitrep --demo'\n");
		return NULL;
	}
	fprintf(stderr, "sitrep: no context named '%s'; the configured ones "
	    "are:", g->context);
	for (i = 0; i < conf->ncontexts; i++)
		fprintf(stderr, " %s", conf->contexts[i].name);
	fprintf(stderr, "\n");
	return NULL;
}

/* The state of a running `sitrep fetch`. */
struct cli_fetch {
	struct loop	*loop;
	struct poller	*poller;
	int		 once;
	int		 failed;
};

/* Print one source's round, as it is stored. */
static void
cli_fetch_print(struct source *s, void *arg)
{
	struct cli_fetch	*f = arg;
	char			*msg;

	if (s->done_ok) {
		printf("%-13s ok      %5lld ms  %lld %s", s->name,
		    (long long)s->latency_ms, (long long)s->items,
		    s->items_what != NULL ? s->items_what : "items");
		if (s->warning != NULL) {
			msg = sanitize_terminal(s->warning, 0);
			printf("  (warning: %s)", msg);
			free(msg);
		}
		printf("\n");
	} else {
		msg = sanitize_terminal(s->error != NULL ? s->error :
		    "failed", 0);
		printf("%-13s FAILED  %s\n", s->name, msg);
		free(msg);
		f->failed = 1;
	}
	fflush(stdout);
}

/* Before each wait: store finished rounds; stop once all are in. */
static void
cli_fetch_before_sleep(void *arg)
{
	struct cli_fetch	*f = arg;

	poller_flush(f->poller);
	if (f->once && poller_finished(f->poller))
		loop_stop(f->loop);
}

/* SIGINT or SIGTERM: stop feeding. */
static void
cli_fetch_signal(int signo, void *arg)
{
	struct cli_fetch	*f = arg;

	(void)signo;
	loop_stop(f->loop);
}

/*
 * Parse --at: RFC 3339 or seconds since the epoch; 0 and -1 with a
 * message if it is neither.
 */
static int
cli_parse_at(const char *at, int64_t *ms)
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
	fprintf(stderr, "sitrep: bad --at '%s'; give RFC 3339 "
	    "(2026-11-23T03:00:00Z) or seconds since the epoch\n", at);
	return -1;
}

/*
 * Run rounds of every source of ctx into cache on a runtime of their own:
 * one each with once, else until a signal.  Prints one line per round.
 * Returns 0 if every round succeeded.
 */
int
cli_run_fetch(const struct conf *conf, const struct conf_context *ctx,
    struct cache *cache, int once, int quiet, int demo, int64_t at_ms)
{
	struct cli_fetch	 f;
	struct runtime		*rt;
	struct loop_signal	*s1 = NULL, *s2 = NULL;
	char			*cause = NULL;

	memset(&f, 0, sizeof f);
	f.once = once;
	signal(SIGPIPE, SIG_IGN);
	if ((rt = runtime_new(cache, &cause)) == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		return -1;
	}
	runtime_set_eval_time(rt, at_ms);
	if (demo)
		runtime_simulate(rt, NULL);
	f.loop = runtime_loop(rt);
	f.poller = runtime_set_context(rt, conf, ctx, once ? POLLER_ONCE : 0,
	    &cause);
	if (f.poller == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		runtime_free(rt);
		return -1;
	}
	if (poller_first(f.poller) == NULL) {
		fprintf(stderr, "sitrep: context '%s' has no source; configure"
		    " prometheus, alertmanagers, kubernetes or probes\n",
		    ctx->name);
		runtime_free(rt);
		return -1;
	}
	if (!quiet)
		poller_set_notify(f.poller, cli_fetch_print, &f);
	loop_set_before_sleep(f.loop, cli_fetch_before_sleep, &f);
	s1 = loop_signal_add(f.loop, SIGINT, cli_fetch_signal, &f);
	s2 = loop_signal_add(f.loop, SIGTERM, cli_fetch_signal, &f);
	poller_start(f.poller);
	loop_run(f.loop);
	poller_flush(f.poller);
	if (quiet) {
		for (struct source *s = poller_first(f.poller); s != NULL;
		    s = poller_next(s))
			f.failed |= !s->done_ok;
	}
	if (s1 != NULL)
		loop_signal_del(s1);
	if (s2 != NULL)
		loop_signal_del(s2);
	runtime_free(rt);
	return f.failed ? -1 : 0;
}

/* sitrep fetch [--once] [--at TIME] */
static int
cmd_fetch(struct cli_opts *g, int argc, char **argv)
{
	const struct conf_context	*ctx;
	struct conf			*conf;
	struct cache			*cache;
	const char			*at = NULL;
	int				 once = 0, nw, rc;
	int64_t				 at_ms;
	char				**words;
	const struct cli_option		 opts[] = {
		{ "--once", NULL, &once, NULL },
		{ "--at", &at, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cli_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cli_bad_usage("fetch", "takes no arguments");
	if (cli_parse_at(at, &at_ms) != 0)
		return CLI_USAGE;
	if (cli_load_conf(g, &conf) != 0)
		return CLI_FAIL;
	if ((ctx = cli_context(g, conf)) == NULL) {
		conf_free(conf);
		return CLI_FAIL;
	}
	if ((cache = cli_open_cache(g, 0)) == NULL) {
		conf_free(conf);
		return CLI_FAIL;
	}
	rc = cli_run_fetch(conf, ctx, cache, once, 0, g->demo, at_ms);
	cache_close(cache);
	conf_free(conf);
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

/* Monitoring-plugin exit codes of `sitrep snapshot`. */
#define SNAP_OK		0
#define SNAP_WARNING	1
#define SNAP_CRITICAL	2
#define SNAP_UNKNOWN	3

/* Write data to path atomically (a temporary file, then rename). */
static int
cli_write_atomic(const char *path, const char *data, size_t len)
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
		fprintf(stderr, "sitrep: cannot write %s: %s\n", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "sitrep: cannot write %s: %s\n", path,
			    strerror(errno));
			close(fd);
			unlink(tmp);
			free(tmp);
			return -1;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "sitrep: cannot write %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* The terminal's width, else 100. */
static int
cli_term_width(void)
{
	struct winsize	ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) ==
	    0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 100;
}

/* sitrep snapshot: the console's panels as a document and an exit code. */
static int
cmd_snapshot(struct cli_opts *g, int argc, char **argv)
{
	const struct conf_context	*ctx;
	struct conf			*conf;
	struct cache			*cache;
	struct views			*v;
	struct export_opts		 eo;
	enum export_format		 fmt = EXPORT_TEXT;
	struct buf			 out;
	const char			*format = NULL, *output = NULL;
	const char			*width = NULL, *at = NULL;
	int				 fresh = 0, color = 0, nw, rc;
	int64_t				 at_ms, w;
	char				**words, *cause = NULL;
	const struct cli_option		 opts[] = {
		{ "--format", &format, NULL, NULL },
		{ "--output", &output, NULL, NULL },
		{ "--fresh", NULL, &fresh, NULL },
		{ "--width", &width, NULL, NULL },
		{ "--color", NULL, &color, NULL },
		{ "--at", &at, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	/* Any trouble here is UNKNOWN (3), as a monitoring check expects. */
	if (cli_parse(g, opts, argc, argv, &words, &nw) != 0)
		return SNAP_UNKNOWN;
	free(words);
	if (nw != 0) {
		cli_bad_usage("snapshot", "takes no arguments");
		return SNAP_UNKNOWN;
	}
	if (format != NULL && export_format_parse(format, &fmt) != 0) {
		fprintf(stderr, "sitrep snapshot: unknown format '%s'; use "
		    "text, json, markdown or html\n", format);
		return SNAP_UNKNOWN;
	}
	memset(&eo, 0, sizeof eo);
	eo.width = cli_term_width();
	if (width != NULL) {
		if (util_parse_int64(width, &w) != 0 || w < 40 || w > 1000) {
			fprintf(stderr, "sitrep snapshot: bad --width '%s'; "
			    "give a number of columns from 40 to 1000\n", width);
			return SNAP_UNKNOWN;
		}
		eo.width = (int)w;
	}
	eo.color = color;
	setlocale(LC_CTYPE, "");
	eo.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (cli_parse_at(at, &at_ms) != 0)
		return SNAP_UNKNOWN;
	if (cli_load_conf(g, &conf) != 0)
		return SNAP_UNKNOWN;
	if ((ctx = cli_context(g, conf)) == NULL) {
		conf_free(conf);
		return SNAP_UNKNOWN;
	}
	if ((cache = cli_open_cache(g, fresh ? 0 : CACHE_READONLY)) == NULL) {
		conf_free(conf);
		return SNAP_UNKNOWN;
	}
	/* A failed source is reported in the snapshot, not here. */
	if (fresh)
		cli_run_fetch(conf, ctx, cache, 1, 1, g->demo, at_ms);
	v = views_build(cache, conf, ctx, at_ms != 0 ? at_ms : util_now_ms(),
	    &cause);
	if (v == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		cache_close(cache);
		conf_free(conf);
		return SNAP_UNKNOWN;
	}
	buf_init(&out, 0);
	if (export_render(v, fmt, &eo, &out, &cause) != 0) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		rc = SNAP_UNKNOWN;
	} else if (output != NULL && strcmp(output, "-") != 0)
		rc = cli_write_atomic(output, buf_str(&out), out.len) == 0 ?
		    -1 : SNAP_UNKNOWN;
	else {
		fwrite(buf_str(&out), 1, out.len, stdout);
		rc = fflush(stdout) == 0 ? -1 : SNAP_UNKNOWN;
	}
	if (rc == -1) {
		switch (v->status) {
		case VIEW_OK:
			rc = SNAP_OK;
			break;
		case VIEW_WARNING:
			rc = SNAP_WARNING;
			break;
		case VIEW_CRITICAL:
			rc = SNAP_CRITICAL;
			break;
		default:
			rc = SNAP_UNKNOWN;
			break;
		}
	}
	buf_done(&out);
	views_free(v);
	cache_close(cache);
	conf_free(conf);
	return rc;
}

/* The demo's own cache, beside the real one. */
static char *
cli_demo_cache_path(void)
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

/* sitrep with no command: the interactive console. */
static int
cmd_console(struct cli_opts *g, int argc, char **argv)
{
	struct tui_opts	 to;
	struct conf	*conf;
	const char	*panel = NULL, *filter = NULL;
	char		**words, *cache_path, *conf_path;
	int		  nw, rc, explicit;
	const struct cli_option opts[] = {
		{ "--panel", &panel, NULL, NULL },
		{ "--filter", &filter, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cli_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw != 0) {
		rc = cli_unknown_command(nw, words);
		free(words);
		return rc;
	}
	free(words);
	if (panel != NULL && tui_panel_parse(panel) < 0) {
		fprintf(stderr, "sitrep: unknown panel '%s'; use health, slo, "
		    "incidents or runbook\n", panel);
		return CLI_USAGE;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sitrep: the console needs a terminal; for "
		    "scripts and checks use 'sitrep snapshot'\n");
		return CLI_USAGE;
	}
	conf_path = NULL;
	if (g->demo)
		conf = sim_demo_conf();
	else {
		if (cli_load_conf(g, &conf) != 0)
			return CLI_FAIL;
		conf_path = conf_find_path(g->config, &explicit);
	}
	if (g->cache != NULL)
		cache_path = util_expand_home(g->cache);
	else
		cache_path = g->demo ? cli_demo_cache_path() :
		    cache_default_path();
	memset(&to, 0, sizeof to);
	to.conf = conf;
	to.context = g->context;
	to.cache_path = cache_path;
	to.panel = panel;
	to.filter = filter;
	to.demo = g->demo;
	to.conf_file = conf_path;
	rc = tui_run(&to);
	free(cache_path);
	free(conf_path);
	conf_free(conf);
	return rc;
}

const struct cli_command cli_commands[] = {
	{ "help", "[COMMAND]", "show help for all commands or one",
	  cmd_help },
	{ "version", "", "show the version and the libraries in use",
	  cmd_version },
	{ "config check", "[FILE]",
	  "validate a configuration file and report every problem",
	  cmd_config_check },
	{ "config docs", "",
	  "print the configuration reference (docs/CONFIG.md)",
	  cmd_config_docs },
	{ "fetch", "[--once] [--at TIME]",
	  "poll every source of the context into the cache (--once: one "
	  "round, exit 0 if all succeeded)", cmd_fetch },
	{ "snapshot", "[--format text|json|markdown|html] [--output FILE] "
	  "[--fresh] [--width N] [--color] [--at TIME]",
	  "the panels as a document; exit 0/1/2/3 = OK/WARNING/CRITICAL/"
	  "UNKNOWN", cmd_snapshot },
	{ "cache info", "",
	  "show the cache: path, schema, size, rows, last success per source",
	  cmd_cache_info },
	{ "audit verify", "",
	  "check the audit log's hash chain: nothing edited or removed",
	  cmd_audit_verify },
	{ NULL, NULL, NULL, NULL }
};

/* ------------------------------------------------------------------ */
/* Dispatch and help                                                   */
/* ------------------------------------------------------------------ */

/* Print the general usage, generated from the table. */
void
cli_usage(FILE *f)
{
	const struct cli_command	*c;
	char				 left[160];

	fprintf(f, "usage: sitrep [OPTIONS] [COMMAND [ARGS]]\n\n");
	fprintf(f, "sitrep is a terminal operations console: health, SLO "
	    "burn, incidents and\nrunbooks from Prometheus, Alertmanager, "
	    "Kubernetes and HTTP probes.\nWith no command it starts the "
	    "interactive console.\n\n");
	fprintf(f, "Commands:\n");
	for (c = cli_commands; c->name != NULL; c++) {
		snprintf(left, sizeof left, "%s %s", c->name, c->usage);
		if (strlen(left) > 26)
			fprintf(f, "  %s\n  %-26s %s\n", left, "", c->help);
		else
			fprintf(f, "  %-26s %s\n", left, c->help);
	}
	fprintf(f, "\nOptions:\n"
	    "  --config FILE              configuration file (default "
	    "$SITREP_CONFIG, then\n"
	    "                             $XDG_CONFIG_HOME/sitrep/config.yaml)\n"
	    "  --context NAME             which context of the configuration "
	    "(default the first)\n"
	    "  --cache FILE               cache file (default "
	    "$XDG_CACHE_HOME/sitrep/cache.db)\n"
	    "  --demo                     use the built-in simulated "
	    "environment\n"
	    "  --panel NAME, --filter TEXT  open the console on a panel "
	    "(health, slo,\n"
	    "                             incidents, runbook), filtered\n"
	    "  --version                  show the version\n"
	    "  --help                     show this help\n\n"
	    "'sitrep help COMMAND' shows more about one command.\n");
}

/* Find the command whose words start argv; *used says how many words. */
static const struct cli_command *
cli_find(int argc, char **argv, int *used)
{
	const struct cli_command	*c, *best = NULL;
	char				 joined[128];
	int				 i, bestn = 0;
	size_t				 len = 0;

	joined[0] = '\0';
	for (i = 0; i < argc && i < 3; i++) {
		if (argv[i][0] == '-')
			break;
		if (len + strlen(argv[i]) + 2 > sizeof joined)
			break;
		if (i > 0)
			joined[len++] = ' ';
		memcpy(joined + len, argv[i], strlen(argv[i]) + 1);
		len += strlen(argv[i]);
		for (c = cli_commands; c->name != NULL; c++) {
			if (strcmp(c->name, joined) == 0) {
				best = c;
				bestn = i + 1;
			}
		}
	}
	*used = bestn;
	return best;
}

/* Report an unknown command, naming the closest valid one. */
static int
cli_unknown_command(int argc, char **argv)
{
	const struct cli_command	*c;
	const char			*names[64], *best;
	char				 two[128];
	size_t				 n = 0;

	if (argc >= 2 && argv[1][0] != '-')
		snprintf(two, sizeof two, "%s %s", argv[0], argv[1]);
	else
		snprintf(two, sizeof two, "%s", argv[0]);
	for (c = cli_commands; c->name != NULL && n < 64; c++)
		names[n++] = c->name;
	best = util_closest(two, names, n);
	if (best == NULL)
		best = util_closest(argv[0], names, n);
	if (best == NULL) {
		/* "config chek": suggest among the group's commands. */
		for (c = cli_commands; c->name != NULL; c++) {
			if (strncmp(c->name, argv[0], strlen(argv[0])) == 0 &&
			    c->name[strlen(argv[0])] == ' ') {
				best = c->name;
				break;
			}
		}
	}
	if (best != NULL)
		fprintf(stderr, "sitrep: unknown command '%s'; did you mean "
		    "'%s'?\n", two, best);
	else
		fprintf(stderr, "sitrep: unknown command '%s'\n", two);
	fprintf(stderr, "Try 'sitrep --help'.\n");
	return CLI_USAGE;
}

/* Print the help of every command whose name starts with the words. */
int
cli_help_command(FILE *f, int argc, char **argv)
{
	const struct cli_command	*c;
	char				 joined[128];
	size_t				 len = 0, n;
	int				 i, found = 0;

	joined[0] = '\0';
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]);
		if (len + n + 2 > sizeof joined)
			break;
		if (i > 0)
			joined[len++] = ' ';
		memcpy(joined + len, argv[i], n + 1);
		len += n;
	}
	for (c = cli_commands; c->name != NULL; c++) {
		if (strncmp(c->name, joined, len) != 0 ||
		    (c->name[len] != '\0' && c->name[len] != ' '))
			continue;
		fprintf(f, "usage: sitrep %s%s%s\n  %s\n", c->name,
		    *c->usage != '\0' ? " " : "", c->usage, c->help);
		found = 1;
	}
	if (!found) {
		cli_unknown_command(argc, argv);
		return -1;
	}
	return 0;
}

/* Options that may come before the command. */
static const struct {
	const char	*name;
	int		 value;		/* takes a value */
	int		 console;	/* the console's: only with no command */
} cli_leading[] = {
	{ "--config", 1, 0 },
	{ "--context", 1, 0 },
	{ "--cache", 1, 0 },
	{ "--demo", 0, 0 },
	{ "--panel", 1, 1 },
	{ "--filter", 1, 1 },
	{ NULL, 0, 0 }
};

/* The leading option arg names ("--cache" or "--cache=F"), or -1. */
static int
cli_leading_find(const char *arg)
{
	size_t	len = strcspn(arg, "=");
	int	k;

	for (k = 0; cli_leading[k].name != NULL; k++) {
		if (strlen(cli_leading[k].name) == len &&
		    strncmp(cli_leading[k].name, arg, len) == 0)
			return k;
	}
	return -1;
}

/* Entry point: global options, then the command. */
int
cli_main(int argc, char **argv)
{
	const struct cli_command	*c;
	struct cli_opts			 g;
	char				**words;
	int				 i, k, first = -1, used, rc, nw;
	int				 bad = 0, console_opt = 0;

	memset(&g, 0, sizeof g);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			cli_usage(stdout);
			return CLI_OK;
		}
		if (strcmp(argv[i], "--version") == 0)
			return cmd_version(&g, 0, NULL);
	}
	/*
	 * The first word that is not an option or an option's value.  What
	 * comes before it must be a leading option; the console's own ones
	 * only when there is no command.
	 */
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			first = i;
			break;
		}
		if (strcmp(argv[i], "--") == 0)
			continue;
		k = cli_leading_find(argv[i]);
		if (k == -1 && bad == 0)
			bad = i;
		if (k != -1 && cli_leading[k].console && console_opt == 0)
			console_opt = i;
		if (k != -1 && cli_leading[k].value &&
		    strchr(argv[i], '=') == NULL)
			i++;
	}
	if (first != -1 && console_opt != 0 && (bad == 0 || console_opt < bad))
		bad = console_opt;
	if (bad != 0) {
		/* Let the parser word it, with its suggestion. */
		if (cli_parse(&g, NULL, 1, argv + bad, &words, &nw) != 0)
			return CLI_USAGE;
		free(words);
	}
	memset(&g, 0, sizeof g);
	if (first == -1)
		return cmd_console(&g, argc - 1, argv + 1);
	c = cli_find(argc - first, argv + first, &used);
	if (c == NULL)
		return cli_unknown_command(argc - first, argv + first);
	/* Hand the handler everything but the command words. */
	for (i = first; i + used < argc; i++)
		argv[i] = argv[i + used];
	argc -= used;
	rc = c->handler(&g, argc - 1, argv + 1);
	return rc;
}
