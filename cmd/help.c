/*
 * help.c: `sitrep help [COMMAND...]`, the usage or one command's help,
 * both generated from the command table; `sitrep help --man`, the manual
 * page (man.c), generated from the same tables.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"

/* sitrep help [--man] [COMMAND...] */
int
cmd_help(struct cmd_opts *g, int argc, char **argv)
{
	char	**words;
	int	  nw, rc, man = 0;
	const struct cmd_option opts[] = {
		{ "--man", NULL, &man, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	if (man) {
		free(words);
		if (nw != 0)
			return cmd_bad_usage("help", "--man prints the whole "
			    "manual; it takes no command");
		cmd_man_write(stdout);
		return fflush(stdout) == 0 ? CMD_OK : CMD_FAIL;
	}
	if (nw == 0) {
		sitrep_usage(stdout);
		free(words);
		return CMD_OK;
	}
	rc = sitrep_help_command(stdout, nw, words);
	free(words);
	return rc == 0 ? CMD_OK : CMD_USAGE;
}
