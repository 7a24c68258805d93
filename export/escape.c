/*
 * escape.c: the escapers and the sparkline scale shared by the snapshot
 * renderers.
 *
 * Outside text reaches four kinds of document.  Whatever the format, it
 * first goes through the terminal sanitiser (no C0 or C1 control, DEL or
 * bidirectional override survives), then through the format's own
 * escaping, so a label value can neither inject markup nor hide itself.
 * The vocabulary itself (words, numbers, glyphs) is core/vocab.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "core/vocab.h"
#include "export/escape.h"

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
 * The sparkline: each character the worst point of its share of the
 * day, 1x on the line between the low and the high levels, scaled to the
 * largest point (at least 1, the rate that spends the budget exactly
 * over the period).
 */
void
export_sparkline(const struct views *v, const struct view_slo *s,
    size_t cols, int utf8, struct buf *out)
{
	vocab_spark_burn(s->spark, s->spark_ts, s->nspark, v->generated_ms -
	    EXPORT_SPARK_SPAN_MS, v->generated_ms, export_spark_max(s), cols,
	    utf8, out);
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
