/*
 * escape.c: the vocabulary, escapers and column arithmetic shared by the
 * snapshot renderers.
 *
 * Outside text reaches four kinds of document.  Whatever the format, it
 * first goes through the terminal sanitiser (no C0 or C1 control, DEL or
 * bidirectional override survives), then through the format's own
 * escaping, so a label value can neither inject markup nor hide itself.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "export/escape.h"

/* ------------------------------------------------------------------ */
/* Vocabulary                                                          */
/* ------------------------------------------------------------------ */

/*
 * The schema's words are the views' own (core/views.c, core/slo.c): one
 * vocabulary for the screen and every export.  These names keep the
 * renderers readable.
 */

/* The overall or service status as the schema's word. */
const char *
export_status_word(enum view_status s)
{
	return view_status_name(s);
}

/* A symbol beside every status word, so nothing depends on colour. */
const char *
export_status_symbol(enum view_status s, int utf8)
{
	return view_status_symbol(s, utf8);
}

/* A severity as the schema's word. */
const char *
export_severity_word(enum view_severity s)
{
	return view_severity_name(s);
}

/* An SLO verdict as the schema's word. */
const char *
export_verdict_word(enum slo_verdict v)
{
	return slo_verdict_name(v);
}

/* A window's short name, the keys of error_ratios and burn_rates. */
const char *
export_window_word(enum slo_window w)
{
	return slo_window_name(w);
}

/* ------------------------------------------------------------------ */
/* Small values                                                        */
/* ------------------------------------------------------------------ */

/* Whether s is an absolute http(s) URL with a host and no odd bytes. */
int
export_is_http_url(const char *s)
{
	const unsigned char	*p;
	size_t			 skip;

	if (s == NULL)
		return 0;
	if (strncasecmp(s, "http://", 7) == 0)
		skip = 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		skip = 8;
	else
		return 0;
	if (s[skip] == '\0' || s[skip] == '/' || s[skip] == '?' ||
	    s[skip] == '#')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f)
			return 0;
		if (strchr("\"<>\\^`{|}", *p) != NULL)
			return 0;
	}
	return 1;
}

/* A compact duration, or "-" for none. */
char *
export_duration(int64_t ms, char *out, size_t len)
{
	if (ms < 0) {
		if (len > 1) {
			out[0] = '-';
			out[1] = '\0';
		}
		return out;
	}
	return util_format_duration(ms, out, len);
}

/* Time until the budget is gone: "-" never or no data, "now" if spent. */
char *
export_exhaustion(const struct view_slo *s, char *out, size_t len)
{
	if (s->exhaustion_s == 0) {
		snprintf(out, len, "now");
		return out;
	}
	return export_duration(s->exhaustion_s < 0 ? -1 :
	    s->exhaustion_s * 1000, out, len);
}

/* Whether the sparkline has any point with data. */
int
export_spark_has_data(const struct view_slo *s)
{
	size_t	i;

	for (i = 0; i < s->nspark; i++) {
		if (isfinite(s->spark[i]))
			return 1;
	}
	return 0;
}

/* The sparkline step from its first two timestamps. */
int64_t
export_spark_step(const struct view_slo *s)
{
	if (s->nspark >= 2 && s->spark_ts != NULL &&
	    s->spark_ts[1] > s->spark_ts[0])
		return (s->spark_ts[1] - s->spark_ts[0]) / 1000;
	return 900;
}

/* The top of the sparkline's scale. */
double
export_spark_max(const struct view_slo *s)
{
	double	max = 1;
	size_t	i;

	for (i = 0; i < s->nspark; i++) {
		if (isfinite(s->spark[i]) && s->spark[i] > max)
			max = s->spark[i];
	}
	return max;
}

/*
 * The sparkline: each character the worst point of its bucket, scaled to
 * the largest point (at least 1, the rate that spends the budget exactly
 * over the period).
 */
void
export_sparkline(const struct view_slo *s, size_t cols, int utf8,
    struct buf *out)
{
	static const char *const blocks[] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char	 ascii[] = "_.-=#";
	size_t			 nlev = utf8 ? 8 : 5, i, j, lo, hi, lev;
	double			 max, worst;

	if (cols > s->nspark)
		cols = s->nspark;
	max = export_spark_max(s);
	for (i = 0; i < cols; i++) {
		lo = i * s->nspark / cols;
		hi = (i + 1) * s->nspark / cols;
		worst = NAN;
		for (j = lo; j < hi; j++) {
			if (isfinite(s->spark[j]) && (isnan(worst) ||
			    s->spark[j] > worst))
				worst = s->spark[j];
		}
		if (isnan(worst)) {
			buf_append(out, " ", 1);
			continue;
		}
		if (worst < 0)
			worst = 0;
		lev = (size_t)lround(worst / max * (double)(nlev - 1));
		if (lev >= nlev)
			lev = nlev - 1;
		if (utf8)
			buf_puts(out, blocks[lev]);
		else
			buf_append(out, &ascii[lev], 1);
	}
}

/* ------------------------------------------------------------------ */
/* Escaping                                                            */
/* ------------------------------------------------------------------ */

/* HTML text or attribute: escaped, controls gone, XML-legal characters. */
void
export_html_escape(struct buf *b, const char *in)
{
	char			*t;
	const unsigned char	*p;
	unsigned int		 cp;
	size_t			 len;
	int			 n;

	t = sanitize_terminal(in, 0);
	p = (const unsigned char *)t;
	len = strlen(t);
	while (len > 0) {
		n = sanitize_utf8_decode(p, len, &cp);
		if (n <= 0) {
			buf_puts(b, "\xef\xbf\xbd");
			n = 1;
		} else if (cp == '&')
			buf_puts(b, "&amp;");
		else if (cp == '<')
			buf_puts(b, "&lt;");
		else if (cp == '>')
			buf_puts(b, "&gt;");
		else if (cp == '"')
			buf_puts(b, "&quot;");
		else if (cp == '\'')
			buf_puts(b, "&#39;");
		else if (cp < 0x20 || cp == 0x7f || cp == 0xfffe ||
		    cp == 0xffff)
			buf_puts(b, "\xef\xbf\xbd");
		else
			buf_append(b, p, (size_t)n);
		p += n;
		len -= (size_t)n;
	}
	free(t);
}

/* Markdown inline text: punctuation escaped, one line, controls gone. */
void
export_md_escape(struct buf *b, const char *in)
{
	char		*t;
	const char	*p;

	t = sanitize_terminal(in, 0);
	for (p = t; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '\\': case '|': case '*': case '_': case '`':
		case '[': case ']': case '#': case '~':
			buf_append(b, "\\", 1);
			buf_append(b, p, 1);
			break;
		default:
			buf_append(b, p, 1);
			break;
		}
	}
	free(t);
}

/* A link destination: anything Markdown could read as syntax encoded. */
void
export_md_url(struct buf *b, const char *url)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)url; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f ||
		    strchr("()<>[]\\`\"'|*", *p) != NULL)
			buf_printf(b, "%%%02X", *p);
		else
			buf_append(b, p, 1);
	}
}

/* ------------------------------------------------------------------ */
/* Columns                                                             */
/* ------------------------------------------------------------------ */

/* Terminal columns of one code point: 0 combining, 2 wide, else 1. */
static int
export_cp_width(unsigned int cp)
{
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1ab0 &&
	    cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 &&
	    cp <= 0xfe2f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    cp == 0x200d)
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 &&
	    cp <= 0xa4cf && cp != 0x303f) || (cp >= 0xac00 &&
	    cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 &&
	    cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ||
	    (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x1f900 &&
	    cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Display columns of s. */
size_t
export_width(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), w = 0;
	unsigned int		 cp;
	int			 n;

	while (len > 0) {
		n = sanitize_utf8_decode(p, len, &cp);
		if (n <= 0) {
			w++;
			n = 1;
		} else
			w += (size_t)export_cp_width(cp);
		p += n;
		len -= (size_t)n;
	}
	return w;
}

/* s cut to cols columns with an ellipsis; see the header. */
char *
export_fit(const char *s, size_t cols, int utf8)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*ell = utf8 ? "\xe2\x80\xa6" : "...";
	size_t			 ellw = utf8 ? 1 : 3, len, w = 0, room;
	unsigned int		 cp;
	struct buf		 b;
	int			 n, cw;

	if (export_width(s) <= cols)
		return xstrdup(s);
	room = cols >= ellw ? cols - ellw : cols;
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	len = strlen(s);
	while (len > 0) {
		n = sanitize_utf8_decode(p, len, &cp);
		cw = n <= 0 ? 1 : export_cp_width(cp);
		if (n <= 0)
			n = 1;
		if (w + (size_t)cw > room)
			break;
		buf_append(&b, p, (size_t)n);
		w += (size_t)cw;
		p += n;
		len -= (size_t)n;
	}
	if (cols >= ellw)
		buf_puts(&b, ell);
	return buf_detach(&b);
}
