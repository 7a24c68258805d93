/*
 * cache.c: `sitrep cache info`: where the cache is, its schema, size, rows
 * and the last success of each source.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "core/cache.h"

/* sitrep cache info */
int
cmd_cache_info(struct cmd_opts *g, int argc, char **argv)
{
	struct cache	*cache;
	char		**words, *cause = NULL;
	int		  nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("cache info", "takes no arguments");
	if ((cache = cmd_open_cache(g, 0)) == NULL)
		return CMD_FAIL;
	rc = cache_info(cache, stdout, &cause);
	if (rc != 0) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
	}
	cache_close(cache);
	return rc == 0 ? CMD_OK : CMD_FAIL;
}
