/*
 * escape.h: helpers shared by the snapshot renderers, inside export/ only.
 *
 * The words, numbers and glyphs every format shows are the vocabulary's
 * (core/vocab.h), shared with the console, and text is measured in
 * columns by base/width.h.  What is left here is the snapshot's own: the
 * escapers that make outside text safe for Markdown and HTML, and the
 * scale of the exported sparkline.
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

/* Whether s is an absolute http or https URL with a host, no spaces. */
int	 export_is_http_url(const char *);
/* The step between sparkline points in seconds (900 when unknown). */
int64_t	 export_spark_step(const struct view_slo *);
int	 export_spark_has_data(const struct view_slo *);
/* The largest finite sparkline value, at least 1 (budget-neutral burn). */
double	 export_spark_max(const struct view_slo *);
/* What every sparkline covers: the 24 h up to the views' time. */
#define EXPORT_SPARK_SPAN_MS	(24 * 3600 * 1000LL)

/*
 * Append the sparkline of the 1h burn rate over the 24 h before the
 * views' time to b in cols characters (vocab_spark_burn on the export's
 * scale: a column per 24h/cols, the worst point in it).
 */
void	 export_sparkline(const struct views *, const struct view_slo *,
	     size_t cols, int utf8, struct buf *);

/* Append outside text to b HTML-escaped, control bytes removed. */
void	 export_html_escape(struct buf *, const char *);
/* Append outside text to b Markdown-escaped, on one line. */
void	 export_md_escape(struct buf *, const char *);
/* Append a URL to b percent-encoded for a Markdown link destination. */
void	 export_md_url(struct buf *, const char *);

#endif
