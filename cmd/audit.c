/*
 * audit.c: `sitrep audit verify` checks the cache file and walks the audit
 * log's keyed hash chain, naming the first entry that was edited or
 * removed, and with --head checks that an anchored head is still in
 * place; `sitrep audit head` prints the head to anchor elsewhere; `sitrep
 * audit log` lists the entries (docs/AUDIT.md).  All read the cache
 * read-only: looking never creates, migrates or moves aside the evidence,
 * and never makes the audit key.
 *
 * The log's text came partly from outside (notes, comments, targets), so
 * the text listing passes every field through the terminal sanitiser and
 * the JSON one is written with the snapshot's escaping.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/sha256.h"
#include "base/util.h"
#include "base/width.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/cache.h"
#include "core/conf.h"
#include "export/export.h"

/* The JSON document's version: bumped on any incompatible change. */
#define AUDIT_LOG_SCHEMA	"sitrep.audit/1"

/* The JSON of `audit head`. */
#define AUDIT_HEAD_SCHEMA	"sitrep.audit-head/1"

/* Text columns wider than this are not padded further (never cut). */
#define AUDIT_COL_MAX		40

/* Print a failed check: the problem on stderr, sanitised. */
static int
audit_fail(const char *what, const struct audit_verdict *v, char *cause)
{
	char	*safe = sanitize_terminal(cause, 0);

	if (v != NULL && v->bad_seq > 0)
		out_printf(stderr, "sitrep %s: audit log broken at entry %lld:"
		    " %s\n", what, (long long)v->bad_seq, safe);
	else
		out_printf(stderr, "sitrep %s: %s\n", what, safe);
	free(safe);
	free(cause);
	return CMD_FAIL;
}

/*
 * sitrep audit verify [--head [SEQ:]HASH]: the file, the chain, the key,
 * and with a head, that the anchored entry is still in place.
 */
int
cmd_audit_verify(struct cmd_opts *g, int argc, char **argv)
{
	struct audit_verdict	 v;
	struct cache		*cache;
	const char		*head = NULL;
	char			**words, *cause = NULL;
	char			 hash[SHA256_HEX_LEN + 1];
	int64_t			 head_seq = 0;
	int			 nw, rc;
	const struct cmd_option	 opts[] = {
		{ "--head", &head, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("audit verify", "takes no arguments");
	if (head != NULL && audit_head_parse(head, &head_seq, hash,
	    &cause) != 0) {
		rc = cmd_bad_usage("audit verify", cause);
		free(cause);
		return rc;
	}
	/* Looking never changes it: read-only, never created. */
	if ((cache = cmd_open_cache(g, CACHE_READONLY)) == NULL)
		return CMD_FAIL;
	rc = audit_check(cache, head_seq, head != NULL ? hash : NULL, &v,
	    &cause);
	cache_close(cache);
	if (rc != 0) {
		out_printf(stdout, "audit log: NOT verified\n");
		return audit_fail("audit verify", &v, cause);
	}
	out_printf(stdout, "audit log: %lld entr%s, hash chain intact\n",
	    (long long)v.entries, v.entries == 1 ? "y" : "ies");
	if (v.unkeyed > 0 && v.unkeyed == v.entries)
		out_printf(stdout, "audit log: all %lld entr%s written before the audit key"
		    " existed, chained without it: anyone able to write the"
		    " cache could have rewritten %s; the next entry is keyed and"
		    " seals them\n", (long long)v.unkeyed, v.unkeyed == 1 ?
		    "y was" : "ies were", v.unkeyed == 1 ? "it" : "them");
	else if (v.unkeyed > 0)
		out_printf(stdout, "audit log: entr%s 1 to %lld written before the audit"
		    " key existed, chained without it, sealed by keyed entry"
		    " %lld\n", v.unkeyed == 1 ? "y" : "ies",
		    (long long)v.unkeyed, (long long)v.unkeyed + 1);
	if (head != NULL)
		out_printf(stdout, "audit log: the anchored head, entry %lld, is in place;"
		    " %lld entr%s after it\n", (long long)v.head_seq,
		    (long long)(v.seq - v.head_seq), v.seq - v.head_seq == 1 ?
		    "y" : "ies");
	return CMD_OK;
}

/* sitrep audit head [--format text|json]: verified, then printed. */
int
cmd_audit_head(struct cmd_opts *g, int argc, char **argv)
{
	struct audit_verdict	 v;
	struct cache		*cache;
	const char		*format = NULL;
	char			**words, *cause = NULL, *safe;
	int			 nw, rc, json = 0;
	cJSON			*o;
	const struct cmd_option	 opts[] = {
		{ "--format", &format, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("audit head", "takes no arguments");
	if (format != NULL && strcmp(format, "json") == 0)
		json = 1;
	else if (format != NULL && strcmp(format, "text") != 0) {
		safe = sanitize_terminal(format, 0);
		out_printf(stderr, "sitrep audit head: unknown format '%s'; use "
		    "text or json\n", safe);
		free(safe);
		return CMD_USAGE;
	}
	if ((cache = cmd_open_cache(g, CACHE_READONLY)) == NULL)
		return CMD_FAIL;
	/* A head worth recording is one that verifies. */
	rc = audit_check(cache, 0, NULL, &v, &cause);
	cache_close(cache);
	if (rc != 0)
		return audit_fail("audit head", &v, cause);
	if (!json) {
		out_printf(stdout, "seq %lld hash %s\n", (long long)v.seq, v.hash);
		return CMD_OK;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "schema", AUDIT_HEAD_SCHEMA);
	cJSON_AddNumberToObject(o, "seq", (double)v.seq);
	cJSON_AddStringToObject(o, "hash", v.hash);
	cJSON_AddNumberToObject(o, "unkeyed", (double)v.unkeyed);
	export_json_print(o, 0, stdout);
	return CMD_OK;
}

/* ------------------------------------------------------------------ */
/* audit log                                                           */
/* ------------------------------------------------------------------ */

/* The text columns before the detail. */
enum { COL_ACTOR, COL_CONTEXT, COL_ACTION, COL_TARGET, COL_RESULT, NCOLS };

/* A field for the terminal: sanitised, "-" when absent or empty. */
static char *
log_cell(const char *s, const char *suffix)
{
	char	*joined, *safe;

	if (s == NULL || *s == '\0')
		return xstrdup("-");
	joined = xasprintf("%s%s", s, suffix != NULL ? suffix : "");
	safe = sanitize_terminal(joined, 0);
	free(joined);
	return safe;
}

/* Print s and pad it with spaces to cols columns. */
static void
log_pad(const char *s, size_t cols)
{
	size_t	w = width_of(s);

	out_puts(s, stdout);
	for (; w < cols; w++)
		out_putc(' ', stdout);
}

/* Print the rows as text: a header, then one line each. */
static void
log_text(const struct audit_rec *v, size_t n, const char *context,
    int64_t since_ms)
{
	static const char	*heads[NCOLS] = { "ACTOR", "CONTEXT", "ACTION",
				    "TARGET", "RESULT" };
	char			**cells, *safe, ts[40];
	size_t			  widths[NCOLS], i, k, w;

	if (n == 0) {
		safe = context != NULL ? sanitize_terminal(context, 0) : NULL;
		out_printf(stdout, "audit log: no entries%s%s%s", safe != NULL ?
		    " in context " : " in any context", safe != NULL ? safe :
		    "", since_ms > 0 ? " since " : "");
		if (since_ms > 0)
			out_puts(util_format_rfc3339(since_ms, ts, sizeof ts),
			    stdout);
		out_putc('\n', stdout);
		free(safe);
		return;
	}
	cells = xcalloc(n * NCOLS, sizeof *cells);
	for (k = 0; k < NCOLS; k++)
		widths[k] = strlen(heads[k]);
	for (i = 0; i < n; i++) {
		cells[i * NCOLS + COL_ACTOR] = log_cell(v[i].actor, NULL);
		cells[i * NCOLS + COL_CONTEXT] = log_cell(v[i].context, NULL);
		cells[i * NCOLS + COL_ACTION] = log_cell(v[i].action,
		    v[i].dry_run ? " (dry run)" : NULL);
		cells[i * NCOLS + COL_TARGET] = log_cell(v[i].target, NULL);
		cells[i * NCOLS + COL_RESULT] = log_cell(v[i].result, NULL);
		for (k = 0; k < NCOLS; k++) {
			w = width_of(cells[i * NCOLS + k]);
			if (w > AUDIT_COL_MAX)
				w = AUDIT_COL_MAX;
			if (w > widths[k])
				widths[k] = w;
		}
	}
	log_pad("TIME", 20);
	for (k = 0; k < NCOLS; k++) {
		out_puts("  ", stdout);
		log_pad(heads[k], widths[k]);
	}
	out_puts("  DETAIL\n", stdout);
	for (i = 0; i < n; i++) {
		log_pad(util_format_rfc3339(v[i].ts_ms, ts, sizeof ts), 20);
		for (k = 0; k < NCOLS; k++) {
			out_puts("  ", stdout);
			log_pad(cells[i * NCOLS + k], widths[k]);
		}
		safe = log_cell(v[i].detail, NULL);
		out_printf(stdout, "  %s\n", safe);
		free(safe);
	}
	for (i = 0; i < n * NCOLS; i++)
		free(cells[i]);
	free(cells);
}

/* Add a string, or null when there is none. */
static void
log_json_str(cJSON *o, const char *name, const char *s)
{
	if (s == NULL)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddStringToObject(o, name, s);
}

/* Print the rows as the sitrep.audit/1 document. */
static void
log_json(const struct audit_rec *v, size_t n, const char *context,
    int64_t since_ms)
{
	cJSON		*root = cJSON_CreateObject(), *rows, *o;
	char		 ts[40];
	size_t		 i;

	cJSON_AddStringToObject(root, "schema", AUDIT_LOG_SCHEMA);
	log_json_str(root, "context", context);
	log_json_str(root, "since", since_ms > 0 ?
	    util_format_rfc3339(since_ms, ts, sizeof ts) : NULL);
	cJSON_AddStringToObject(root, "generated_at",
	    util_format_rfc3339(util_now_ms(), ts, sizeof ts));
	rows = cJSON_AddArrayToObject(root, "rows");
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "seq", (double)v[i].seq);
		cJSON_AddStringToObject(o, "at",
		    util_format_rfc3339(v[i].ts_ms, ts, sizeof ts));
		log_json_str(o, "actor", v[i].actor);
		log_json_str(o, "context", v[i].context);
		log_json_str(o, "action", v[i].action);
		log_json_str(o, "target", v[i].target);
		cJSON_AddBoolToObject(o, "dry_run", v[i].dry_run);
		log_json_str(o, "result", v[i].result);
		log_json_str(o, "detail", v[i].detail);
		cJSON_AddStringToObject(o, "hash", v[i].hash);
		cJSON_AddItemToArray(rows, o);
	}
	export_json_print(root, 1, stdout);
}

/*
 * Parse --since: RFC 3339, or a duration ago ("1h", "7d"); NULL is 0
 * (everything).  -1 after a message.
 */
static int
log_parse_since(const char *since, int64_t *ms)
{
	char	*cause = NULL, *safe;
	int64_t	 ago;

	*ms = 0;
	if (since == NULL)
		return 0;
	if (util_parse_rfc3339(since, ms) == 0)
		return 0;
	if (util_parse_duration(since, &ago, &cause) == 0) {
		*ms = util_now_ms() - ago;
		return 0;
	}
	free(cause);
	safe = sanitize_terminal(since, 0);
	out_printf(stderr, "sitrep audit log: bad --since '%s'; give a time "
	    "(RFC 3339: 2026-11-23T03:00:00Z) or how long ago (30m, 1h, "
	    "7d)\n", safe);
	free(safe);
	return -1;
}

/* sitrep audit log */
int
cmd_audit_log(struct cmd_opts *g, int argc, char **argv)
{
	const char			*since = NULL, *format = NULL;
	const char			*context = NULL;
	const struct conf_context	*ctx;
	struct conf			*conf = NULL;
	struct cache			*cache;
	struct audit_rec		*recs;
	char				**words, *cause = NULL, *safe;
	int64_t				 since_ms;
	size_t				 n;
	int				 nw, rc, all = 0, json = 0;
	const struct cmd_option		 opts[] = {
		{ "--since", &since, NULL, NULL },
		{ "--format", &format, NULL, NULL },
		{ "--all-contexts", NULL, &all, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("audit log", "takes no arguments");
	if (format != NULL && strcmp(format, "json") == 0)
		json = 1;
	else if (format != NULL && strcmp(format, "text") != 0) {
		safe = sanitize_terminal(format, 0);
		out_printf(stderr, "sitrep audit log: unknown format '%s'; use "
		    "text or json\n", safe);
		free(safe);
		return CMD_USAGE;
	}
	if (log_parse_since(since, &since_ms) != 0)
		return CMD_USAGE;
	if (all && g->context != NULL)
		return cmd_bad_usage("audit log", "--context names one context"
		    " and --all-contexts asks for every one; give one of"
		    " them");
	/* One context's rows, the one other commands would act on. */
	if (!all) {
		if (cmd_load_conf(g, &conf) != 0)
			return CMD_USAGE;
		if ((ctx = cmd_context(g, conf)) == NULL) {
			conf_free(conf);
			return CMD_USAGE;
		}
		context = ctx->name;
	}
	/* Looking never changes it: read-only, never created. */
	if ((cache = cmd_open_cache(g, CACHE_READONLY)) == NULL) {
		conf_free(conf);
		return CMD_FAIL;
	}
	if (audit_read(cache, since_ms, context, &recs, &n, &cause) != 0) {
		safe = sanitize_terminal(cause, 0);
		out_printf(stderr, "sitrep: %s\n", safe);
		free(safe);
		free(cause);
		cache_close(cache);
		conf_free(conf);
		return CMD_FAIL;
	}
	if (json)
		log_json(recs, n, context, since_ms);
	else
		log_text(recs, n, context, since_ms);
	audit_recs_free(recs, n);
	cache_close(cache);
	conf_free(conf);
	return CMD_OK;
}
