/*
 * help.c: `sitrep help [COMMAND...]`, the usage or one command's help,
 * both generated from the command table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"

/* sitrep help [COMMAND...] */
int
cmd_help(struct cmd_opts *g, int argc, char **argv)
{
	char	**words;
	int	  nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw == 0) {
		sitrep_usage(stdout);
		free(words);
		return CMD_OK;
	}
	rc = sitrep_help_command(stdout, nw, words);
	free(words);
	return rc == 0 ? CMD_OK : CMD_USAGE;
}
