/*
 * sanitize.c: untrusted text made valid UTF-8 and terminal-safe.
 *
 * The rules are deliberately strict.  A label value is never allowed to move
 * the cursor, change colours, set the window title, or reorder text with
 * bidirectional controls: an on-call engineer must be able to trust that
 * what the screen shows is what the server sent, drawn as plain characters.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"

/* Decode one UTF-8 sequence; return its length, or 0 if it is invalid. */
int
sanitize_utf8_decode(const unsigned char *s, size_t len, unsigned int *cp)
{
	unsigned int	c;
	size_t		n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return (int)n;
}

/* Whether a code point is a format control that can reorder or hide text. */
static int
sanitize_is_format_control(unsigned int cp)
{
	return (cp >= 0x200b && cp <= 0x200f) ||	/* zero width, marks */
	    (cp >= 0x202a && cp <= 0x202e) ||		/* embeddings, overrides */
	    (cp >= 0x2066 && cp <= 0x2069) ||		/* isolates */
	    cp == 0x061c || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb);		/* interlinear */
}

/* Copy as valid UTF-8: invalid bytes become U+FFFD, NUL is dropped. */
char *
sanitize_utf8(const char *in, size_t len)
{
	const unsigned char	*s = (const unsigned char *)in;
	struct buf		 b;
	unsigned int		 cp;
	size_t			 i = 0;
	int			 n;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	while (i < len) {
		if (s[i] == '\0') {
			i++;
			continue;
		}
		n = sanitize_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			buf_append(&b, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		buf_append(&b, s + i, (size_t)n);
		i += (size_t)n;
	}
	return buf_detach(&b);
}

/* Make text safe to draw; see the header for the rules. */
char *
sanitize_terminal_n(const char *in, size_t len, int flags)
{
	const unsigned char	*s = (const unsigned char *)in;
	struct buf		 b;
	unsigned int		 cp;
	size_t			 i = 0;
	int			 n;
	char			 caret[3];

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	while (i < len && s[i] != '\0') {
		n = sanitize_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			buf_puts(&b, (flags & SANITIZE_ASCII) ? "?" :
			    "\xef\xbf\xbd");
			i++;
			continue;
		}
		i += (size_t)n;
		if (cp == '\n' && (flags & SANITIZE_MULTILINE))
			buf_append(&b, "\n", 1);
		else if (cp == '\t' && (flags & SANITIZE_TAB))
			buf_append(&b, "\t", 1);
		else if (cp == '\t' || cp == '\n' || cp == '\r')
			buf_append(&b, " ", 1);
		else if (cp < 0x20 || cp == 0x7f) {
			caret[0] = '^';
			caret[1] = cp == 0x7f ? '?' : (char)(cp + '@');
			caret[2] = '\0';
			buf_puts(&b, caret);
		} else if ((cp >= 0x80 && cp <= 0x9f) ||
		    sanitize_is_format_control(cp))
			buf_puts(&b, (flags & SANITIZE_ASCII) ? "?" :
			    "\xef\xbf\xbd");
		else if (cp >= 0x80 && (flags & SANITIZE_ASCII))
			buf_append(&b, "?", 1);
		else
			buf_append(&b, s + i - (size_t)n, (size_t)n);
	}
	return buf_detach(&b);
}

/* Make a NUL-terminated string safe to draw. */
char *
sanitize_terminal(const char *in, int flags)
{
	if (in == NULL)
		return xstrdup("");
	return sanitize_terminal_n(in, strlen(in), flags);
}

/* Whether sanitize_terminal would leave the string unchanged. */
int
sanitize_is_clean(const char *in, int flags)
{
	char	*out;
	int	 same;

	out = sanitize_terminal(in, flags);
	same = strcmp(out, in) == 0;
	free(out);
	return same;
}

/* Cut s to at most max bytes without splitting a character. */
void
sanitize_utf8_cut(char *s, size_t max)
{
	if (strlen(s) <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

/* A piece of outside text for a message; see sanitize.h. */
char *
sanitize_excerpt(const char *s, size_t max)
{
	char	*out = sanitize_terminal(s != NULL ? s : "", 0), *cut;

	if (strlen(out) <= max)
		return out;
	sanitize_utf8_cut(out, max);
	cut = xasprintf("%s...", out);
	free(out);
	return cut;
}
