/*
 * escape.h: helpers shared by the snapshot renderers, inside export/ only.
 *
 * The words every format uses (statuses, severities, verdicts, windows)
 * are the snapshot's vocabulary, fixed by docs/SNAPSHOT.md, so they live
 * here rather than borrowing display names that may change.  The escapers
 * make outside text safe for Markdown and HTML; the width helpers measure
 * and cut UTF-8 text in terminal columns for the text renderer.
 */
#ifndef SITREP_EXPORT_ESCAPE_H
#define SITREP_EXPORT_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/views.h"
#include "export/export.h"

/* The renderers; each appends the whole document to out (unlimited). */
void	export_text(const struct views *, const struct export_opts *,
	    struct buf *);
void	export_json(const struct views *, struct buf *);
void	export_markdown(const struct views *, struct buf *);
void	export_html(const struct views *, struct buf *);

/* Vocabulary. */
const char *export_status_word(enum view_status);	/* "OK" ... */
const char *export_status_symbol(enum view_status, int utf8);
const char *export_severity_word(enum view_severity);	/* "critical" ... */
const char *export_verdict_word(enum slo_verdict);	/* "page" ... */
const char *export_window_word(enum slo_window);	/* "5m" ... */

/* Whether s is an absolute http or https URL with a host, no spaces. */
int	 export_is_http_url(const char *);
/* A duration in compact words ("4m", "2h5m"); "-" when ms < 0. */
char	*export_duration(int64_t ms, char *out, size_t len);
/* The step between sparkline points in seconds (900 when unknown). */
int64_t	 export_spark_step(const struct view_slo *);
/* "-", "now" (budget spent) or a duration. */
char	*export_exhaustion(const struct view_slo *, char *out, size_t len);
int	 export_spark_has_data(const struct view_slo *);
/* The largest finite sparkline value, at least 1 (budget-neutral burn). */
double	 export_spark_max(const struct view_slo *);

/*
 * Append the sparkline of the 1h burn rate to b in at most cols
 * characters: UTF-8 blocks, or "_.-=#" when !utf8; a space where there is
 * no data.
 */
void	 export_sparkline(const struct view_slo *, size_t cols, int utf8,
	     struct buf *);

/* Append outside text to b HTML-escaped, control bytes removed. */
void	 export_html_escape(struct buf *, const char *);
/* Append outside text to b Markdown-escaped, on one line. */
void	 export_md_escape(struct buf *, const char *);
/* Append a URL to b percent-encoded for a Markdown link destination. */
void	 export_md_url(struct buf *, const char *);

/* Display columns of valid UTF-8 text (wide characters count two). */
size_t	 export_width(const char *);
/*
 * s cut to at most cols display columns, ending with an ellipsis ("…", or
 * "..." when !utf8) when it had to be cut; caller frees.
 */
char	*export_fit(const char *, size_t cols, int utf8);

#endif
