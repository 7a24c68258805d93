/*
 * bigtext.h: big type for the wallboard, block letters a room can read.
 *
 * One pixel font, kept as data in bigtext.c: every glyph is five rows of
 * '#' and ' ', three columns wide for most characters (four or five for
 * the letters that need it: G N O Q U M W).  It is drawn two ways:
 *
 *  - UTF-8: two pixel rows to a terminal row, with the half blocks
 *    U+2580 (upper), U+2584 (lower) and the full block U+2588, so a
 *    glyph is three rows tall and its pixels come out nearly square;
 *  - ASCII (LANG=C, the text snapshot): one pixel to a character, '#' or
 *    ' ', five rows tall; three rows of '#' cannot tell 8 from 0 or B
 *    from E, five can.
 *
 * The layout is pure: no curses here, the caller draws the rows.  Text
 * is untrusted: lower case is raised, and any character without a glyph
 * (controls, other scripts, invalid UTF-8) is drawn as '?'.
 */
#ifndef SITREP_BIGTEXT_H
#define SITREP_BIGTEXT_H

#include <stddef.h>

#define BIGTEXT_MAX_CHARS	64	/* longer text is not drawn big */
#define BIGTEXT_GAP		1	/* blank columns between glyphs */
/* Bytes a row of cols columns may take, its NUL included. */
#define BIGTEXT_ROWLEN(cols)	((size_t)(cols) * 3 + 1)

/* Rows the big type takes: 3 in UTF-8, 5 in ASCII. */
int	 bigtext_height(int utf8);
/*
 * Display columns text takes in big type (the same in both forms), or -1
 * when it is NULL or longer than BIGTEXT_MAX_CHARS characters.
 */
int	 bigtext_width(const char *text);
/*
 * Draws text into rows[0 .. bigtext_height(utf8) - 1], each a caller
 * buffer of rowlen bytes; every row gets the same display width, blanks
 * included, NUL-terminated.  Returns that width, or -1 when the text is
 * wider than maxcols columns, longer than BIGTEXT_MAX_CHARS, nrows is
 * less than the height or a row does not fit in rowlen (then every row
 * given is left empty, and the caller falls back to plain bold text).
 */
int	 bigtext_render(const char *text, int utf8, int maxcols, char **rows,
	     int nrows, size_t rowlen);

#endif
