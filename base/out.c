/*
 * out.c: the one writer of text to stdout and stderr; see out.h.
 *
 * Each call formats into a buffer, runs sanitize_terminal() over it with
 * newlines and tabs kept, and writes the result with one fwrite.  Only
 * out_document() writes bytes as given.  A byte written alone by
 * out_putc() that starts a UTF-8 character waits in a small pending
 * buffer (one, for the last stream written) until its character is whole.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"

#define OUT_FLAGS	(SANITIZE_MULTILINE | SANITIZE_TAB)

static FILE		*out_pending_f;		/* stream of the held bytes */
static unsigned char	 out_pending[4];	/* a UTF-8 character so far */
static size_t		 out_pending_len;
static size_t		 out_pending_need;	/* its length, from the lead */

/* Sanitise len bytes of s and write them; bytes written, or -1. */
static int
out_clean(FILE *f, const char *s, size_t len)
{
	char	*t;
	size_t	 n;
	int	 rc;

	t = sanitize_terminal_n(s, len, OUT_FLAGS);
	n = strlen(t);
	rc = n == 0 || fwrite(t, 1, n, f) == n ? (int)n : -1;
	free(t);
	return rc;
}

/* Write what out_putc() holds (whole or not: then it shows as U+FFFD). */
static int
out_flush_pending(void)
{
	FILE	*f = out_pending_f;
	size_t	 len = out_pending_len;

	out_pending_f = NULL;
	out_pending_len = out_pending_need = 0;
	if (f == NULL || len == 0)
		return 0;
	return out_clean(f, (const char *)out_pending, len);
}

/* Format and write sanitised. */
int
out_vprintf(FILE *f, const char *fmt, va_list ap)
{
	struct buf	b;
	int		rc;

	if (out_flush_pending() < 0)
		return -1;
	buf_init(&b, 0);
	if (buf_vprintf(&b, fmt, ap) != 0) {
		buf_done(&b);
		return -1;
	}
	rc = out_clean(f, buf_str(&b), b.len);
	buf_done(&b);
	return rc;
}

/* Format and write sanitised. */
int
out_printf(FILE *f, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = out_vprintf(f, fmt, ap);
	va_end(ap);
	return rc;
}

/* Write len bytes sanitised. */
int
out_write(const char *s, size_t len, FILE *f)
{
	if (out_flush_pending() < 0)
		return EOF;
	return out_clean(f, s, len) < 0 ? EOF : 0;
}

/* Write a string sanitised. */
int
out_puts(const char *s, FILE *f)
{
	return out_write(s, strlen(s), f);
}

/* Write one byte, holding the bytes of a UTF-8 character until whole. */
int
out_putc(int c, FILE *f)
{
	unsigned char	u = (unsigned char)c;
	char		one = (char)u;

	if (out_pending_len > 0 && (f != out_pending_f ||
	    (u & 0xc0) != 0x80)) {
		if (out_flush_pending() < 0)
			return EOF;
	}
	if (out_pending_len > 0) {
		out_pending[out_pending_len++] = u;
		if (out_pending_len == out_pending_need &&
		    out_flush_pending() < 0)
			return EOF;
		return u;
	}
	if (u >= 0xc2 && u <= 0xf4) {
		out_pending_f = f;
		out_pending[0] = u;
		out_pending_len = 1;
		out_pending_need = u >= 0xf0 ? 4 : u >= 0xe0 ? 3 : 2;
		return u;
	}
	return out_clean(f, &one, 1) < 0 ? EOF : u;
}

/* Write a document byte-exact: only for formats that escape themselves. */
int
out_document(const char *s, size_t len, FILE *f)
{
	if (out_flush_pending() < 0)
		return EOF;
	return len == 0 || fwrite(s, 1, len, f) == len ? 0 : EOF;
}
