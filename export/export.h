/*
 * export.h: snapshots of the views as documents.
 *
 * `sitrep snapshot` renders the same views the console shows as a
 * document for somewhere without a terminal session: plain text for cron
 * mail and monitoring checks, JSON for machines (a versioned schema, see
 * docs/SNAPSHOT.md), Markdown for an incident channel or a postmortem, and
 * one self-contained HTML file for a browser.  Renderers only read the
 * views; they never touch the cache or the network.
 *
 * Every string in the views came from outside.  Each renderer makes it
 * safe for its own format: the text renderer through the terminal
 * sanitiser, Markdown and HTML by escaping, JSON through cJSON's escaping
 * of valid UTF-8.
 */
#ifndef SITREP_EXPORT_H
#define SITREP_EXPORT_H

#include <stdio.h>

#include <cJSON.h>

#include "base/buf.h"
#include "core/views.h"

enum export_format {
	EXPORT_TEXT,
	EXPORT_JSON,
	EXPORT_MARKDOWN,
	EXPORT_HTML
};

/* Options; a zeroed struct (or NULL) gives the defaults. */
struct export_opts {
	int	width;		/* text: columns; 0 gives 100 */
	int	color;		/* text: ANSI colours, only when asked */
	int	utf8;		/* text: UTF-8 symbols and bars, else ASCII */
};

#define EXPORT_DEFAULT_WIDTH	100
#define EXPORT_MIN_WIDTH	40
#define EXPORT_MAX_WIDTH	1000

/* The JSON schema's name; bumped on any incompatible change. */
#define EXPORT_JSON_SCHEMA	"sitrep.snapshot/v1"

/* "text", "json", "markdown" or "md", "html"; -1 if none of them. */
int	export_format_parse(const char *, enum export_format *);
/* The format's canonical name ("text" ...). */
const char *export_format_name(enum export_format);

/*
 * The line that says a snapshot is a drill's (views' drill.name set):
 * "DRILL NAME (run RUN): simulated, nothing real is touched", unescaped,
 * in out; "" when the cache is not a drill's run.  Every format puts it
 * first.
 */
const char *export_drill_line(const struct views *, char *out, size_t len);
/* The same line of a drill's run d (any document: a postmortem too). */
const char *export_drill_run_line(const struct view_drill *d, char *out,
	    size_t len);

/*
 * Append the views as a document in the format to out.  -1 and *cause
 * (caller frees) if it cannot be rendered, for example when out is capped
 * and the document does not fit.
 */
int	export_render(const struct views *, enum export_format,
	    const struct export_opts *, struct buf *out, char **cause);

/*
 * Append JSON text (cJSON's output) to out with the code points that
 * could act on a terminal (C1, DEL, bidi and invisible format controls)
 * as \u escapes, as every sitrep JSON document is written.
 */
void	export_json_append_safe(struct buf *out, const char *text);
/*
 * Print root to fp as a document (out_document), escaped as above, with a
 * newline; formatted or on one line.  Frees root: every JSON document a
 * command prints goes out this way.
 */
void	export_json_print(cJSON *root, int formatted, FILE *fp);

/*
 * Fields every sitrep JSON document writes alike: a string made valid
 * UTF-8 (NULL: null); a time in RFC 3339 (0 or less: null); a number to
 * six significant digits (NaN, infinity: null); an array of strings; and
 * stored JSON object text as an object of strings ({} if it is not one).
 */
void	export_json_string(cJSON *, const char *key, const char *s);
void	export_json_time(cJSON *, const char *key, int64_t ms);
/* A duration in whole seconds (less than 0: unknown, null). */
void	export_json_seconds(cJSON *, const char *key, int64_t ms);
void	export_json_number(cJSON *, const char *key, double d);
void	export_json_strings(cJSON *, const char *key, char *const *v,
	    size_t n);
void	export_json_map(cJSON *, const char *key, const char *text);
/*
 * A drill's run as the object every JSON document carries under "drill":
 * name, run, started_at, ended_at, hints, simulated (true).
 */
cJSON	*export_json_drill(const struct view_drill *);

#endif
