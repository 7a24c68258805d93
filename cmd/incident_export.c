/*
 * incident_export.c: `sitrep incident export ID --format
 * markdown|json|html [--output FILE]`: a postmortem draft of one
 * incident, from the cache (core/postmortem.h, export/postmortem.c).
 *
 * It reads the cache only (run `sitrep fetch` or the console to keep it
 * current) and writes the document to stdout, or atomically to FILE.
 * Exit status: 0 written, 1 the cache cannot be read or the file cannot
 * be written, 2 a usage error or an id that names no incident.  A drill
 * run's cache (--cache) is read with the configuration its drill played,
 * and the draft says DRILL first in every format.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/incident_act.h"
#include "core/postmortem.h"
#include "export/export.h"
#include "export/postmortem.h"

/* Say cause on stderr, safe for the terminal; returns rc. */
static int
export_fail(int rc, const char *cause)
{
	char	*safe = sanitize_terminal(cause, 0);

	out_printf(stderr, "sitrep incident export: %s\n", safe);
	free(safe);
	return rc;
}

/* sitrep incident export ID [--format F] [--output FILE] */
int
cmd_incident_export(struct cmd_opts *g, int argc, char **argv)
{
	struct conf			*conf = NULL;
	const struct conf_context	*ctx;
	struct cache			*cache = NULL;
	struct postmortem		*pm = NULL;
	struct buf			 out;
	enum export_format		 f = EXPORT_MARKDOWN;
	const char			*format = NULL, *output = NULL;
	char				**words, *id = NULL, *cause = NULL;
	int				 nw, rc;
	const struct cmd_option		 opts[] = {
		{ "--format", &format, NULL, NULL },
		{ "--output", &output, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw != 1) {
		free(words);
		return cmd_bad_usage("incident export", "give one incident id "
		    "(sitrep incident list --state all shows them)");
	}
	if (format != NULL && (export_format_parse(format, &f) != 0 ||
	    f == EXPORT_TEXT)) {
		free(words);
		return cmd_bad_usage("incident export", "--format is "
		    "markdown, json or html");
	}
	buf_init(&out, 0);
	/* A drill's run cache: the configuration the drill played. */
	if (cmd_drill_conf(g, &conf) == 0 && cmd_load_conf(g, &conf) != 0) {
		rc = CMD_USAGE;
		goto out;
	}
	if ((ctx = cmd_context(g, conf)) == NULL) {
		rc = CMD_USAGE;
		goto out;
	}
	if ((cache = cmd_open_cache(g, CACHE_READONLY)) == NULL) {
		rc = CMD_FAIL;
		goto out;
	}
	if (incident_lookup(cache, ctx->name, words[0], &id, &cause) != 0) {
		rc = export_fail(CMD_USAGE, cause);
		goto out;
	}
	if ((pm = postmortem_read(cache, conf, ctx->name, id, util_now_ms(),
	    &cause)) == NULL) {
		rc = export_fail(CMD_FAIL, cause);
		goto out;
	}
	if (export_postmortem(pm, f, &out, &cause) != 0) {
		rc = export_fail(CMD_USAGE, cause);
		goto out;
	}
	if (output != NULL && strcmp(output, "-") != 0)
		rc = cmd_write_atomic(output, buf_str(&out), out.len) == 0 ?
		    CMD_OK : CMD_FAIL;
	else {
		out_document(buf_str(&out), out.len, stdout);
		rc = fflush(stdout) == 0 ? CMD_OK : CMD_FAIL;
	}
out:
	free(cause);
	free(words);
	free(id);
	postmortem_free(pm);
	buf_done(&out);
	if (cache != NULL)
		cache_close(cache);
	conf_free(conf);
	return rc;
}
