/*
 * buf.c: growable, optionally capped byte buffers.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"

/* Prepare an empty buffer; limit 0 means no cap. */
void
buf_init(struct buf *b, size_t limit)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->limit = limit;
}

/* Free the buffer's memory; it may be reused after buf_init. */
void
buf_done(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Empty the buffer, keeping its memory. */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the terminator. */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t	need, ncap;

	if (n > (size_t)-1 - b->len - 1)
		return -1;
	need = b->len + n + 1;
	if (b->limit != 0 && b->len + n > b->limit)
		return -1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap == 0 ? 256 : b->cap;
	while (ncap < need)
		ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
	b->data = xrealloc(b->data, ncap);
	b->cap = ncap;
	return 0;
}

/* Append n bytes; -1 (and nothing appended) if that would pass the cap. */
int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* Append a string. */
int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/* Append formatted text. */
int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	ap2;
	int	n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -1;
	if (buf_grow(b, (size_t)n) != 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

/* Append formatted text. */
int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/* The contents as a string; borrowed, valid until the next change. */
const char *
buf_str(const struct buf *b)
{
	return b->data == NULL ? "" : b->data;
}

/*
 * Hand the contents to the caller (who frees them) and empty the buffer.
 * The block is cut to the string: a short string kept (a sanitized name,
 * a label) would otherwise hold the 256 bytes a buffer starts with.
 */
char *
buf_detach(struct buf *b)
{
	char	*p;

	if (b->data != NULL && b->cap > b->len + 1)
		b->data = xrealloc(b->data, b->len + 1);
	p = b->data == NULL ? xstrdup("") : b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* Append a whole file; on failure *cause says why. */
int
buf_read_file(struct buf *b, const char *path, char **cause)
{
	FILE	*f;
	char	 chunk[8192];
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(b, chunk, n) != 0) {
			fclose(f);
			*cause = xasprintf("%s: file is larger than %zu bytes",
			    path, b->limit);
			return -1;
		}
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Append word as a shell reads it back: bare when it is safe, else quoted. */
int
buf_shell_word(struct buf *b, const char *word)
{
	const char	*p;
	int		 rc = 0;

	if (*word != '\0' && strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-") ==
	    strlen(word))
		return buf_puts(b, word);
	rc |= buf_puts(b, "'");
	for (p = word; *p != '\0'; p++) {
		if (*p == '\'')
			rc |= buf_puts(b, "'\\''");
		else
			rc |= buf_append(b, p, 1);
	}
	rc |= buf_puts(b, "'");
	return rc != 0 ? -1 : 0;
}
