/*
 * cache.c: `sitrep cache info`: where the cache is, its schema, size, rows
 * and the last success of each source.  Looking never changes the cache:
 * it is opened read-only, so a missing file is not created (the answer
 * says where it would be and how to fill it, exit 1) and a damaged one is
 * described, not moved aside.  After the cache's own account come the
 * Prometheus sources' query counts of their last round and the path each
 * SLO was read by (Sloth's recording rules or raw queries), which the
 * sources keep as the one point of "prom:<source>:queries" and
 * "slo:<name>:path" in samples.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/out.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/cache.h"

/* The windows of Sloth's rules, in the order of their bits. */
static const char *const cache_rule_windows[] = {
	"5m", "30m", "1h", "2h", "6h", "1d", "3d"
};
#define CACHE_NRULE_WINDOWS \
	(sizeof cache_rule_windows / sizeof cache_rule_windows[0])

/* How an SLO was read, from its path bits (1 << window from rules). */
static void
cache_print_path(FILE *f, unsigned bits)
{
	size_t	w;
	int	n = 0;

	if (bits == 0) {
		out_puts("raw queries", f);
		return;
	}
	out_puts(bits == (1u << CACHE_NRULE_WINDOWS) - 1 ? "sloth rules" :
	    "sloth rules + raw queries", f);
	for (w = 0; w < CACHE_NRULE_WINDOWS; w++) {
		if (bits & (1u << w))
			out_printf(f, "%s%s", n++ > 0 ? "," : " (",
			    cache_rule_windows[w]);
	}
	out_putc(')', f);
}

/*
 * Print the Prometheus sources' query counts of their last round
 * ("prom:<source>:queries") and each SLO's path ("slo:<name>:path");
 * nothing when no Prometheus round stored them.
 */
static int
cache_info_prom(struct cache *cache, FILE *f, char **cause)
{
	sqlite3		*db = cache_db(cache);
	sqlite3_stmt	*st;
	const char	*key, *ctx;
	char		*a, *b;
	size_t		 len;
	int		 rc, kind, last = -1;
	double		 v;

	if (sqlite3_prepare_v2(db, "SELECT query_key LIKE 'slo:%', query_key,"
	    " context, value FROM samples WHERE query_key LIKE 'prom:%:queries'"
	    " OR query_key LIKE 'slo:%:path' ORDER BY 1, context, query_key",
	    -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("cannot read samples: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kind = sqlite3_column_int(st, 0);
		key = (const char *)sqlite3_column_text(st, 1);
		ctx = (const char *)sqlite3_column_text(st, 2);
		v = sqlite3_column_double(st, 3);
		if (key == NULL || ctx == NULL)
			continue;
		if (kind != last)
			out_puts(kind == 0 ? "prometheus\n" : "slo paths (the period"
			    " window is always a raw query: Sloth's period rule"
			    " averages 5m ratios)\n", f);
		last = kind;
		/* The name between "prom:" or "slo:" and the last ':'. */
		key = strchr(key, ':') + 1;
		len = (size_t)(strrchr(key, ':') - key);
		b = xstrndup(key, len);
		a = sanitize_terminal(b, 0);
		free(b);
		b = sanitize_terminal(ctx, 0);
		if (kind == 0)
			out_printf(f, "  %s/%s  %.0f queries last round\n", b, a, v);
		else {
			out_printf(f, "  %s/%s  ", b, a);
			cache_print_path(f, v >= 0 && v < 1024 ? (unsigned)v : 0);
			out_putc('\n', f);
		}
		free(a);
		free(b);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("cannot read samples: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

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
	if (rc == 0)
		rc = cache_info_prom(cache, stdout, &cause);
	if (rc != 0) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
	}
	cache_close(cache);
	return rc == 0 ? CMD_OK : CMD_FAIL;
}
