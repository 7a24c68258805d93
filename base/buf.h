/*
 * buf.h: a growable byte buffer with an optional size cap.
 *
 * Used for HTTP bodies (capped, so a hostile server cannot exhaust memory),
 * for building output and for reading files.  The data is always
 * NUL-terminated so it can be handed to string functions.
 */
#ifndef SITREP_BUF_H
#define SITREP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;		/* owned; NULL until the first append */
	size_t	 len;
	size_t	 cap;		/* allocated bytes */
	size_t	 limit;		/* 0: unlimited; else appends past it fail */
};

void	 buf_init(struct buf *, size_t limit);
void	 buf_done(struct buf *);
void	 buf_reset(struct buf *);
int	 buf_append(struct buf *, const void *, size_t);	/* -1 over limit */
int	 buf_puts(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *, va_list)
	     __attribute__((format(printf, 2, 0)));
const char *buf_str(const struct buf *);		/* borrowed; "" if empty */
char	*buf_detach(struct buf *);			/* caller frees */
/* Append word as a POSIX shell reads it back as one word (quoted if needed). */
int	 buf_shell_word(struct buf *, const char *word);
int	 buf_read_file(struct buf *, const char *path, char **cause);

#endif
