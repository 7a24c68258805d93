/*
 * drill.c: `sitrep drill list` and `sitrep drill check FILE...`.
 *
 * The drill command has sub-commands of its own, in one table here that
 * dispatch and the usage message read.  list shows the drills shipped
 * with sitrep (compiled in from the drills folder, so it works wherever
 * the program runs); check reads drill files and prints every problem as
 * FILE:LINE:COL, as `sitrep config check` does for configurations.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/conf.h"
#include "core/drill.h"

/* One sub-command of drill: its name and what it takes. */
struct drill_cmd {
	const char	*name;
	const char	*usage;
	int		(*fn)(char **words, int nwords);
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
drill_list(char **words, int nwords)
{
	const struct drill_builtin	*b;
	struct conf_problems		 problems;
	struct drill			*d;
	char				 lim[32];
	size_t				 i;
	int				 rc = CMD_OK;

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
drill_check(char **words, int nwords)
{
	struct conf_problems	 problems;
	struct drill		*d;
	char			 lim[32];
	int			 i, rc = CMD_OK;

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

static const struct drill_cmd drill_cmds[] = {
	{ "list", "", drill_list },
	{ "check", "FILE...", drill_check },
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
		    "check FILE... or fire NAME");
	}
	for (c = drill_cmds; c->name != NULL; c++) {
		if (strcmp(c->name, words[0]) == 0) {
			rc = c->fn(words + 1, nw - 1);
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
		    "check FILE... or fire NAME", words[0]);
	free(words);
	rc = cmd_bad_usage("drill", msg);
	free(msg);
	return rc;
}
