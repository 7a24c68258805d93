/*
 * snapshot.c: `sitrep snapshot`: the console's panels as a text, JSON,
 * Markdown or HTML document, with the monitoring-plugin exit code of the
 * overall status, so it can run from cron, CI or a check.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/out.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/views.h"
#include "export/export.h"

/* Monitoring-plugin exit codes of `sitrep snapshot`. */
#define SNAP_OK		0
#define SNAP_WARNING	1
#define SNAP_CRITICAL	2
#define SNAP_UNKNOWN	3

/* The terminal's width, else 100. */
static int
snapshot_term_width(void)
{
	struct winsize	ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) ==
	    0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 100;
}

/* sitrep snapshot: the console's panels as a document and an exit code. */
int
cmd_snapshot(struct cmd_opts *g, int argc, char **argv)
{
	const struct conf_context	*ctx;
	struct conf			*conf;
	struct cache			*cache;
	struct views			*v;
	struct export_opts		 eo;
	enum export_format		 fmt = EXPORT_TEXT;
	struct buf			 out;
	const char			*format = NULL, *output = NULL;
	const char			*width = NULL, *at = NULL;
	int				 fresh = 0, color = 0, nw, rc;
	int64_t				 at_ms, w;
	char				**words, *cause = NULL;
	const struct cmd_option		 opts[] = {
		{ "--format", &format, NULL, NULL },
		{ "--output", &output, NULL, NULL },
		{ "--fresh", NULL, &fresh, NULL },
		{ "--width", &width, NULL, NULL },
		{ "--color", NULL, &color, NULL },
		{ "--at", &at, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	/* Any trouble here is UNKNOWN (3), as a monitoring check expects. */
	if (cmd_parse(g, opts, argc, argv, &words, &nw) != 0)
		return SNAP_UNKNOWN;
	free(words);
	if (nw != 0) {
		cmd_bad_usage("snapshot", "takes no arguments");
		return SNAP_UNKNOWN;
	}
	if (format != NULL && export_format_parse(format, &fmt) != 0) {
		out_printf(stderr, "sitrep snapshot: unknown format '%s'; use "
		    "text, json, markdown or html\n", format);
		return SNAP_UNKNOWN;
	}
	memset(&eo, 0, sizeof eo);
	eo.width = snapshot_term_width();
	if (width != NULL) {
		if (util_parse_int64(width, &w) != 0 || w < 40 || w > 1000) {
			out_printf(stderr, "sitrep snapshot: bad --width '%s'; "
			    "give a number of columns from 40 to 1000\n", width);
			return SNAP_UNKNOWN;
		}
		eo.width = (int)w;
	}
	eo.color = color;
	setlocale(LC_CTYPE, "");
	eo.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (cmd_parse_at(at, &at_ms) != 0)
		return SNAP_UNKNOWN;
	if (cmd_drill_conf(g, &conf) == 0 && cmd_load_conf(g, &conf) != 0)
		return SNAP_UNKNOWN;
	if ((ctx = cmd_context(g, conf)) == NULL) {
		conf_free(conf);
		return SNAP_UNKNOWN;
	}
	/*
	 * The simulator costs nothing, so --demo always plays one round:
	 * the world as it stands now, or at --at.
	 */
	if (g->demo)
		fresh = 1;
	if ((cache = cmd_open_cache(g, fresh ? 0 : CACHE_READONLY)) == NULL) {
		conf_free(conf);
		return SNAP_UNKNOWN;
	}
	/* A failed source is reported in the snapshot, not here. */
	if (fresh)
		cmd_run_fetch(conf, ctx, cache, 1, 1, g->demo ? g->speed : 0,
		    at_ms);
	v = views_build(cache, conf, ctx, at_ms != 0 ? at_ms : util_now_ms(),
	    &cause);
	if (v == NULL) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
		cache_close(cache);
		conf_free(conf);
		return SNAP_UNKNOWN;
	}
	buf_init(&out, 0);
	if (export_render(v, fmt, &eo, &out, &cause) != 0) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
		rc = SNAP_UNKNOWN;
	} else if (output != NULL && strcmp(output, "-") != 0)
		rc = cmd_write_atomic(output, buf_str(&out), out.len) == 0 ?
		    -1 : SNAP_UNKNOWN;
	else {
		out_document(buf_str(&out), out.len, stdout);
		rc = fflush(stdout) == 0 ? -1 : SNAP_UNKNOWN;
	}
	if (rc == -1) {
		switch (v->status) {
		case VIEW_OK:
			rc = SNAP_OK;
			break;
		case VIEW_WARNING:
			rc = SNAP_WARNING;
			break;
		case VIEW_CRITICAL:
			rc = SNAP_CRITICAL;
			break;
		default:
			rc = SNAP_UNKNOWN;
			break;
		}
	}
	buf_done(&out);
	views_free(v);
	cache_close(cache);
	conf_free(conf);
	return rc;
}
