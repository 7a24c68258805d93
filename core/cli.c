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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <cJSON.h>
#include <sqlite3.h>
#include <yaml.h>

#include "core/audit.h"
#include "core/cache.h"
#include "core/cli.h"
#include "core/conf.h"
#include "core/util.h"
#include "core/xmalloc.h"

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

	path = g->cache != NULL ? util_expand_home(g->cache) :
	    cache_default_path();
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
	    sqlite3_libversion(), curses_version_string());
	return CLI_OK;
}

/* sitrep config check [FILE] */
static int
cmd_config_check(struct cli_opts *g, int argc, char **argv)
{
	struct conf_problems	 problems;
	struct conf		*conf;
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
	int64_t		  bad = 0, count = 0;
	int		  nw, rc;

	if ((rc = cli_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cli_bad_usage("audit verify", "takes no arguments");
	if ((cache = cli_open_cache(g, 0)) == NULL)
		return CLI_FAIL;
	rc = audit_verify(cache, &count, &bad, &cause);
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

/* sitrep with no command: the interactive console. */
static int
cmd_console(struct cli_opts *g, int argc, char **argv)
{
	struct conf	*conf;
	char		**words;
	int		  nw, rc;

	if ((rc = cli_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sitrep: the console needs a terminal; for "
		    "scripts and checks use 'sitrep snapshot'\n");
		return CLI_USAGE;
	}
	if (cli_load_conf(g, &conf) != 0)
		return CLI_FAIL;
	conf_free(conf);
	fprintf(stderr, "sitrep: the interactive console is not part of "
	    "this version; see 'sitrep --help' for what is\n");
	return CLI_USAGE;
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
	char				 left[64];

	fprintf(f, "usage: sitrep [OPTIONS] [COMMAND [ARGS]]\n\n");
	fprintf(f, "sitrep is a terminal operations console: health, SLO "
	    "burn, incidents and\nrunbooks from Prometheus, Alertmanager, "
	    "Kubernetes and HTTP probes.\nWith no command it starts the "
	    "interactive console.\n\n");
	fprintf(f, "Commands:\n");
	for (c = cli_commands; c->name != NULL; c++) {
		snprintf(left, sizeof left, "%s %s", c->name, c->usage);
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

/* Entry point: global options, then the command. */
int
cli_main(int argc, char **argv)
{
	const struct cli_command	*c;
	struct cli_opts			 g;
	int				 i, first = -1, used, rc;

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
	/* The first word that is not an option or an option's value. */
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			first = i;
			break;
		}
		if (strchr(argv[i], '=') == NULL &&
		    (strcmp(argv[i], "--config") == 0 ||
		    strcmp(argv[i], "--context") == 0 ||
		    strcmp(argv[i], "--cache") == 0))
			i++;
	}
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
