/*
 * sitrep.c: the sitrep program: the command table, help and dispatch.
 *
 * One table of commands (name, usage, help, handler) generates both
 * `sitrep --help` and `sitrep help CMD`, and dispatch reads the same table,
 * so the documentation cannot drift from what runs.  A second table names
 * the options that may come before a command.  Each command's handler is
 * in its own file under cmd/.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cmd/cmd.h"

const struct cmd_entry sitrep_commands[] = {
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
	  "UNKNOWN, and 3 for a usage error too, as monitoring plugins do; "
	  "--at TIME: the cache as of TIME (RFC 3339 or epoch seconds), with "
	  "--demo the simulator at that time", cmd_snapshot },
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
sitrep_usage(FILE *f)
{
	const struct cmd_entry		*c;
	char				 left[160];

	fprintf(f, "usage: sitrep [OPTIONS] [COMMAND [ARGS]]\n\n");
	fprintf(f, "sitrep is a terminal operations console: health, SLO "
	    "burn, incidents and\nrunbooks from Prometheus, Alertmanager, "
	    "Kubernetes and HTTP probes.\nWith no command it starts the "
	    "interactive console.\n\n");
	fprintf(f, "Commands:\n");
	for (c = sitrep_commands; c->name != NULL; c++) {
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
	    "  --kubeconfig FILE          kubeconfig for the context's "
	    "kubernetes (wins over\n"
	    "                             kubernetes.kubeconfig, which wins "
	    "over $KUBECONFIG)\n"
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
static const struct cmd_entry *
sitrep_find(int argc, char **argv, int *used)
{
	const struct cmd_entry		*c, *best = NULL;
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
		for (c = sitrep_commands; c->name != NULL; c++) {
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
int
sitrep_unknown_command(int argc, char **argv)
{
	const struct cmd_entry		*c;
	const char			*names[64], *best;
	char				 two[128];
	size_t				 n = 0;

	if (argc >= 2 && argv[1][0] != '-')
		snprintf(two, sizeof two, "%s %s", argv[0], argv[1]);
	else
		snprintf(two, sizeof two, "%s", argv[0]);
	for (c = sitrep_commands; c->name != NULL && n < 64; c++)
		names[n++] = c->name;
	best = util_closest(two, names, n);
	if (best == NULL)
		best = util_closest(argv[0], names, n);
	if (best == NULL) {
		/* "config chek": suggest among the group's commands. */
		for (c = sitrep_commands; c->name != NULL; c++) {
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
	return CMD_USAGE;
}

/* Print the help of every command whose name starts with the words. */
int
sitrep_help_command(FILE *f, int argc, char **argv)
{
	const struct cmd_entry		*c;
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
	for (c = sitrep_commands; c->name != NULL; c++) {
		if (strncmp(c->name, joined, len) != 0 ||
		    (c->name[len] != '\0' && c->name[len] != ' '))
			continue;
		fprintf(f, "usage: sitrep %s%s%s\n  %s\n", c->name,
		    *c->usage != '\0' ? " " : "", c->usage, c->help);
		found = 1;
	}
	if (!found) {
		sitrep_unknown_command(argc, argv);
		return -1;
	}
	return 0;
}

/* Options that may come before the command. */
static const struct {
	const char	*name;
	int		 value;		/* takes a value */
	int		 console;	/* the console's: only with no command */
} sitrep_leading[] = {
	{ "--config", 1, 0 },
	{ "--context", 1, 0 },
	{ "--cache", 1, 0 },
	{ "--kubeconfig", 1, 0 },
	{ "--demo", 0, 0 },
	{ "--panel", 1, 1 },
	{ "--filter", 1, 1 },
	{ NULL, 0, 0 }
};

/* The leading option arg names ("--cache" or "--cache=F"), or -1. */
static int
sitrep_leading_find(const char *arg)
{
	size_t	len = strcspn(arg, "=");
	int	k;

	for (k = 0; sitrep_leading[k].name != NULL; k++) {
		if (strlen(sitrep_leading[k].name) == len &&
		    strncmp(sitrep_leading[k].name, arg, len) == 0)
			return k;
	}
	return -1;
}

/* Entry point: global options, then the command. */
int
main(int argc, char **argv)
{
	const struct cmd_entry		*c;
	struct cmd_opts			 g;
	char				**words;
	int				 i, k, first = -1, used, rc, nw;
	int				 bad = 0, console_opt = 0;

	memset(&g, 0, sizeof g);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			sitrep_usage(stdout);
			return CMD_OK;
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
		k = sitrep_leading_find(argv[i]);
		if (k == -1 && bad == 0)
			bad = i;
		if (k != -1 && sitrep_leading[k].console && console_opt == 0)
			console_opt = i;
		if (k != -1 && sitrep_leading[k].value &&
		    strchr(argv[i], '=') == NULL)
			i++;
	}
	if (first != -1 && console_opt != 0 && (bad == 0 || console_opt < bad))
		bad = console_opt;
	if (bad != 0) {
		/* Let the parser word it, with its suggestion. */
		if (cmd_parse(&g, NULL, 1, argv + bad, &words, &nw) != 0)
			return CMD_USAGE;
		free(words);
	}
	memset(&g, 0, sizeof g);
	if (first == -1)
		return cmd_console(&g, argc - 1, argv + 1);
	c = sitrep_find(argc - first, argv + first, &used);
	if (c == NULL)
		return sitrep_unknown_command(argc - first, argv + first);
	/* Hand the handler everything but the command words. */
	for (i = first; i + used < argc; i++)
		argv[i] = argv[i + used];
	argc -= used;
	rc = c->handler(&g, argc - 1, argv + 1);
	return rc;
}
