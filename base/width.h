/*
 * width.h: how many terminal columns UTF-8 text takes, and cutting it to
 * a number of columns.  The one implementation: the console and the text
 * snapshot measure alike.
 *
 * A code point's width comes from wcwidth() when the locale knows it, and
 * otherwise from a small built-in table (combining marks 0, East Asian
 * wide and the common emoji 2, the rest 1), so a snapshot written under
 * LANG=C still measures CJK text as two columns.  Bytes that are not
 * valid UTF-8 count one column each.
 */
#ifndef SITREP_WIDTH_H
#define SITREP_WIDTH_H

#include <stddef.h>

/* Columns of one code point: 0, 1 or 2. */
int	 width_cp(unsigned int cp);
/* Display columns of s. */
size_t	 width_of(const char *s);
/*
 * The length in bytes of the longest prefix of s that fits in cols
 * columns without cutting a character; its width goes to *used if not
 * NULL.
 */
size_t	 width_prefix(const char *s, size_t cols, size_t *used);
/*
 * s cut to at most cols columns, ending with ellipsis when it had to be
 * cut (the ellipsis is left out when even it does not fit); caller frees.
 */
char	*width_fit(const char *s, size_t cols, const char *ellipsis);

#endif
