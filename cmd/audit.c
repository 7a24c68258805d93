/*
 * audit.c: `sitrep audit verify` walks the audit log's hash chain and
 * names the first entry that was edited or removed.  It reads the cache
 * read-only: verifying never creates, migrates or moves aside the evidence.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/sha256.h"
#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/cache.h"

/* sitrep audit verify */
int
cmd_audit_verify(struct cmd_opts *g, int argc, char **argv)
{
	struct cache	*cache;
	char		**words, *cause = NULL;
	int64_t		  bad = 0, count = 0, seq = 0;
	char		  hash[SHA256_HEX_LEN + 1];
	int		  nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("audit verify", "takes no arguments");
	/* Looking never changes it: read-only, never created. */
	if ((cache = cmd_open_cache(g, CACHE_READONLY)) == NULL)
		return CMD_FAIL;
	rc = audit_verify(cache, &bad, &cause);
	if (rc == 0 && audit_head(cache, &count, &seq, hash, &cause) != 0) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		cache_close(cache);
		return CMD_FAIL;
	}
	if (rc != 0) {
		printf("audit log: broken at entry %lld: %s\n",
		    (long long)bad, cause);
		free(cause);
	} else
		printf("audit log: %lld entr%s, hash chain intact\n",
		    (long long)count, count == 1 ? "y" : "ies");
	cache_close(cache);
	return rc == 0 ? CMD_OK : CMD_FAIL;
}
