/*
 * width.c: display width of UTF-8 text, for the console and the text
 * snapshot alike.
 */
#include "config.h"

#include <string.h>
#include <wchar.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/width.h"
#include "base/xmalloc.h"

/* The built-in table, for code points the locale cannot measure. */
static int
width_table(unsigned int cp)
{
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1ab0 &&
	    cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 &&
	    cp <= 0xfe2f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    cp == 0x200b || cp == 0x200c || cp == 0x200d)
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

/* Columns of one code point: wcwidth() if it knows, else the table. */
int
width_cp(unsigned int cp)
{
	int	w;

	if (cp >= 0x20 && cp < 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w >= 0)
		return w > 2 ? 2 : w;
	return width_table(cp);
}

/* Display columns of s. */
size_t
width_of(const char *s)
{
	size_t	used;

	width_prefix(s, (size_t)-1, &used);
	return used;
}

/* The longest prefix within cols; see the header. */
size_t
width_prefix(const char *s, size_t cols, size_t *used)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), w = 0, cw;
	unsigned int		 cp;
	int			 n;

	while (len > 0) {
		n = sanitize_utf8_decode(p, len, &cp);
		if (n <= 0) {
			cw = 1;
			n = 1;
		} else
			cw = (size_t)width_cp(cp);
		if (w + cw > cols)
			break;
		w += cw;
		p += n;
		len -= (size_t)n;
	}
	if (used != NULL)
		*used = w;
	return (size_t)((const char *)p - s);
}

/* s cut to cols columns with an ellipsis; see the header. */
char *
width_fit(const char *s, size_t cols, const char *ellipsis)
{
	size_t		 ellw = width_of(ellipsis), room, n;
	struct buf	 b;

	if (width_of(s) <= cols)
		return xstrdup(s);
	room = cols >= ellw ? cols - ellw : cols;
	n = width_prefix(s, room, NULL);
	buf_init(&b, 0);
	buf_append(&b, s, n);
	if (cols >= ellw)
		buf_puts(&b, ellipsis);
	return buf_detach(&b);
}
