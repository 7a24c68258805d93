/*
 * sanitize.h: make strings from outside safe for where they are going.
 *
 * Everything that came from a server, a config file or a kubeconfig is
 * untrusted.  Two steps guard the terminal:
 *
 *  - sanitize_utf8() at ingest: the result is valid UTF-8 with no NUL, so
 *    the cache and every export hold well-formed text (invalid bytes become
 *    U+FFFD).
 *  - sanitize_terminal() at display: no C0 or C1 control, DEL, or
 *    bidirectional override survives; escapes become visible caret text
 *    ("^[[31m"), so hostile text shows as harmless characters.
 */
#ifndef SITREP_SANITIZE_H
#define SITREP_SANITIZE_H

#include <stddef.h>

#define SANITIZE_MULTILINE	0x1	/* keep '\n' (detail views) */
#define SANITIZE_ASCII		0x2	/* non-ASCII becomes '?' (LANG=C) */
#define SANITIZE_TAB		0x4	/* keep '\t' (messages laid out in columns) */

char	*sanitize_utf8(const char *, size_t len);		/* caller frees */
char	*sanitize_terminal(const char *, int flags);		/* caller frees */
char	*sanitize_terminal_n(const char *, size_t len, int flags);
int	 sanitize_is_clean(const char *, int flags);
int	 sanitize_utf8_decode(const unsigned char *, size_t len,
	     unsigned int *cp);		/* bytes used, or 0 if invalid */
/* Cut valid UTF-8 s to at most max bytes on a character boundary. */
void	 sanitize_utf8_cut(char *s, size_t max);
/*
 * A piece of outside text to quote in a message: safe for a terminal (one
 * line), at most max bytes cut on a character boundary, "..." after it
 * when cut.  printf's "%.64s" cuts bytes: a character split in two, and
 * the escapes sanitising makes visible grow it past the cut.  Caller
 * frees.
 */
char	*sanitize_excerpt(const char *, size_t max);

#endif
