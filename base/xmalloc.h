/*
 * xmalloc.h: allocation that cannot fail.
 *
 * Running out of memory is not something a console can recover from in a
 * useful way, so these abort with a message instead of returning NULL.  Every
 * other failure in sitrep goes back to the caller.
 */
#ifndef SITREP_XMALLOC_H
#define SITREP_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));

#endif
