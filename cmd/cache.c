/*
 * cache.c: `sitrep cache info`: where the cache is, its schema, size, rows
 * and the last success of each source.  Looking never changes the cache:
 * it is opened read-only, so a missing file is not created (the answer
 * says where it would be and how to fill it, exit 1) and a damaged one is
 * described, not moved aside.
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
	/* Looking never changes it: read-only, never created. */
	if ((cache = cmd_open_cache(g, CACHE_READONLY)) == NULL)
		return CMD_FAIL;
	rc = cache_info(cache, stdout, &cause);
	if (rc != 0) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
	}
	cache_close(cache);
	return rc == 0 ? CMD_OK : CMD_FAIL;
}
