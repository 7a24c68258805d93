/*
 * export.c: choose a snapshot format and render the views in it.
 *
 * Each renderer writes into a private, unlimited buffer; the document is
 * appended to the caller's buffer in one piece, so a capped output buffer
 * either receives the whole document or nothing at all.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "export/escape.h"
#include "export/export.h"

static const struct {
	const char		*name;
	enum export_format	 format;
} export_names[] = {
	{ "text", EXPORT_TEXT },
	{ "json", EXPORT_JSON },
	{ "markdown", EXPORT_MARKDOWN },
	{ "md", EXPORT_MARKDOWN },
	{ "html", EXPORT_HTML },
};

/* A format from its name, case-insensitively. */
int
export_format_parse(const char *s, enum export_format *f)
{
	size_t	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof export_names / sizeof export_names[0]; i++) {
		if (strcasecmp(s, export_names[i].name) == 0) {
			*f = export_names[i].format;
			return 0;
		}
	}
	return -1;
}

/* The canonical name of a format. */
const char *
export_format_name(enum export_format f)
{
	switch (f) {
	case EXPORT_JSON:
		return "json";
	case EXPORT_MARKDOWN:
		return "markdown";
	case EXPORT_HTML:
		return "html";
	default:
		return "text";
	}
}

/* The drill line of a snapshot; see export.h. */
const char *
export_drill_line(const struct views *v, char *out, size_t len)
{
	return export_drill_run_line(&v->drill, out, len);
}

/* The drill line of a run; see export.h. */
const char *
export_drill_run_line(const struct view_drill *d, char *out, size_t len)
{
	if (len == 0)
		return out;
	*out = '\0';
	if (d->name == NULL)
		return out;
	if (d->run != NULL)
		snprintf(out, len, "DRILL %s (run %s): simulated, nothing "
		    "real is touched", d->name, d->run);
	else
		snprintf(out, len, "DRILL %s: simulated, nothing real is "
		    "touched", d->name);
	return out;
}

/* Render the whole document, then hand it over in one append. */
int
export_render(const struct views *v, enum export_format f,
    const struct export_opts *opts, struct buf *out, char **cause)
{
	struct export_opts	o;
	struct buf		doc;

	if (v == NULL) {
		*cause = xstrdup("nothing to export: no views were given; build "
		    "them from the cache first");
		return -1;
	}
	memset(&o, 0, sizeof o);
	if (opts != NULL)
		o = *opts;
	if (o.width <= 0)
		o.width = EXPORT_DEFAULT_WIDTH;
	if (o.width < EXPORT_MIN_WIDTH)
		o.width = EXPORT_MIN_WIDTH;
	if (o.width > EXPORT_MAX_WIDTH)
		o.width = EXPORT_MAX_WIDTH;

	buf_init(&doc, 0);
	switch (f) {
	case EXPORT_TEXT:
		export_text(v, &o, &doc);
		break;
	case EXPORT_JSON:
		export_json(v, &doc);
		break;
	case EXPORT_MARKDOWN:
		export_markdown(v, &doc);
		break;
	case EXPORT_HTML:
		export_html(v, &doc);
		break;
	default:
		buf_done(&doc);
		*cause = xstrdup("unknown snapshot format; use text, json, "
		    "markdown or html");
		return -1;
	}
	if (buf_append(out, buf_str(&doc), doc.len) != 0) {
		*cause = xasprintf("the %s snapshot is %zu bytes, more than "
		    "the output allows; narrow it or raise the limit",
		    export_format_name(f), doc.len);
		buf_done(&doc);
		return -1;
	}
	buf_done(&doc);
	return 0;
}
