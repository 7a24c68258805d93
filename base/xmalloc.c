/*
 * xmalloc.c: allocation wrappers that abort on out-of-memory.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"

/* Report an allocation failure and stop. */
static void
xmalloc_fatal(size_t size)
{
	fprintf(stderr, "sitrep: out of memory allocating %zu bytes\n", size);
	abort();
}

/* Allocate size bytes (at least one). */
void *
xmalloc(size_t size)
{
	void	*p;

	p = malloc(size == 0 ? 1 : size);
	if (p == NULL)
		xmalloc_fatal(size);
	return p;
}

/* Allocate a zeroed array of n items of size bytes. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	p = calloc(n, size);
	if (p == NULL)
		xmalloc_fatal(n * size);
	return p;
}

/* Resize p to size bytes. */
void *
xrealloc(void *p, size_t size)
{
	void	*np;

	np = realloc(p, size == 0 ? 1 : size);
	if (np == NULL)
		xmalloc_fatal(size);
	return np;
}

/* Resize p to n items of size bytes, checking the multiplication. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		xmalloc_fatal(SIZE_MAX);
	return xrealloc(p, n * size);
}

/* Duplicate a string. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Duplicate at most n bytes of s, always terminated. */
char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Format into a newly allocated string. */
char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list	 ap2;
	char	*p;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return xstrdup("");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

/* Format into a newly allocated string. */
char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}
