/*
 * bigtext.c: block letters for the wallboard, from one pixel font.
 *
 * The font is the table below, five pixel rows to a glyph, written as
 * the glyphs look.  The UTF-8 form packs pixel rows 0-1, 2-3 and 4 into
 * three terminal rows of half blocks (the sixth pixel row is the blank
 * under the line); the ASCII form draws each pixel as '#' or ' '.
 */
#include "config.h"

#include <string.h>

#include "base/sanitize.h"
#include "tui/bigtext.h"

#define PX_ROWS		5	/* pixel rows of a glyph */
#define UTF8_ROWS	3	/* terminal rows of the UTF-8 form */

struct glyph {
	char		 ch;
	const char	*px[PX_ROWS];	/* '#' on, ' ' off, all one length */
};

/*
 * The font.  Letters that share a word on the board are made to differ
 * in shape, not just in detail: O is round and four wide, 0 square and
 * three; N, U, G and Q get four columns and M, W five, so that UNKNOWN,
 * WARNING and CRITICAL read from across the room.
 */
static const struct glyph font[] = {
	{ 'A', { " # ", "# #", "###", "# #", "# #" } },
	{ 'B', { "## ", "# #", "## ", "# #", "## " } },
	{ 'C', { " ##", "#  ", "#  ", "#  ", " ##" } },
	{ 'D', { "## ", "# #", "# #", "# #", "## " } },
	{ 'E', { "###", "#  ", "## ", "#  ", "###" } },
	{ 'F', { "###", "#  ", "## ", "#  ", "#  " } },
	{ 'G', { " ###", "#   ", "# ##", "#  #", " ###" } },
	{ 'H', { "# #", "# #", "###", "# #", "# #" } },
	{ 'I', { "###", " # ", " # ", " # ", "###" } },
	{ 'J', { "  #", "  #", "  #", "# #", " # " } },
	{ 'K', { "# #", "# #", "## ", "# #", "# #" } },
	{ 'L', { "#  ", "#  ", "#  ", "#  ", "###" } },
	{ 'M', { "#   #", "## ##", "# # #", "#   #", "#   #" } },
	{ 'N', { "#  #", "## #", "# ##", "#  #", "#  #" } },
	{ 'O', { " ## ", "#  #", "#  #", "#  #", " ## " } },
	{ 'P', { "## ", "# #", "## ", "#  ", "#  " } },
	{ 'Q', { " ## ", "#  #", "#  #", "# ##", " ###" } },
	{ 'R', { "## ", "# #", "## ", "# #", "# #" } },
	{ 'S', { " ##", "#  ", " # ", "  #", "## " } },
	{ 'T', { "###", " # ", " # ", " # ", " # " } },
	{ 'U', { "#  #", "#  #", "#  #", "#  #", " ## " } },
	{ 'V', { "# #", "# #", "# #", "# #", " # " } },
	{ 'W', { "#   #", "#   #", "# # #", "## ##", "#   #" } },
	{ 'X', { "# #", "# #", " # ", "# #", "# #" } },
	{ 'Y', { "# #", "# #", " # ", " # ", " # " } },
	{ 'Z', { "###", "  #", " # ", "#  ", "###" } },
	{ '0', { "###", "# #", "# #", "# #", "###" } },
	{ '1', { " # ", "## ", " # ", " # ", "###" } },
	{ '2', { "## ", "  #", " # ", "#  ", "###" } },
	{ '3', { "## ", "  #", " # ", "  #", "## " } },
	{ '4', { "# #", "# #", "###", "  #", "  #" } },
	{ '5', { "###", "#  ", "## ", "  #", "## " } },
	{ '6', { " ##", "#  ", "###", "# #", "###" } },
	{ '7', { "###", "  #", " # ", " # ", " # " } },
	{ '8', { "###", "# #", "###", "# #", "###" } },
	{ '9', { "###", "# #", "###", "  #", "## " } },
	{ ' ', { "  ", "  ", "  ", "  ", "  " } },
	{ '-', { "   ", "   ", "###", "   ", "   " } },
	{ ':', { " ", "#", " ", "#", " " } },
	{ '.', { " ", " ", " ", " ", "#" } },
	{ '/', { "  #", "  #", " # ", "#  ", "#  " } },
	{ '!', { "#", "#", "#", " ", "#" } },
	{ '?', { "## ", "  #", " # ", "   ", " # " } },
};

#define FONT_LEN	(sizeof font / sizeof font[0])

/* The glyph for an ASCII character, '?' for one the font lacks. */
static const struct glyph *
glyph_for(unsigned int cp)
{
	const struct glyph	*unknown = NULL;
	size_t			 i;

	if (cp >= 'a' && cp <= 'z')
		cp -= 'a' - 'A';
	for (i = 0; i < FONT_LEN; i++) {
		if ((unsigned int)(unsigned char)font[i].ch == cp)
			return &font[i];
		if (font[i].ch == '?')
			unknown = &font[i];
	}
	return unknown;
}

/*
 * The glyphs of text into out (BIGTEXT_MAX_CHARS of them); their count,
 * or -1 when text is NULL or too long.  Each code point is one glyph;
 * a byte that is not valid UTF-8 is one unknown glyph.
 */
static int
glyphs_of(const char *text, const struct glyph **out)
{
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 left, used;
	unsigned int		 cp;
	int			 n = 0;

	if (text == NULL)
		return -1;
	left = strlen(text);
	while (left > 0) {
		if (n == BIGTEXT_MAX_CHARS)
			return -1;
		used = (size_t)sanitize_utf8_decode(p, left, &cp);
		if (used == 0) {
			used = 1;
			cp = '?';
		}
		out[n++] = glyph_for(cp);
		p += used;
		left -= used;
	}
	return n;
}

/* Columns n glyphs take, gaps included. */
static int
glyphs_width(const struct glyph **g, int n)
{
	int	i, w = 0;

	for (i = 0; i < n; i++)
		w += (int)strlen(g[i]->px[0]) + (i > 0 ? BIGTEXT_GAP : 0);
	return w;
}

/* Rows the big type takes in either form; see the header. */
int
bigtext_height(int utf8)
{
	return utf8 ? UTF8_ROWS : PX_ROWS;
}

/* Display columns of text in big type; see the header. */
int
bigtext_width(const char *text)
{
	const struct glyph	*g[BIGTEXT_MAX_CHARS];
	int			 n;

	if ((n = glyphs_of(text, g)) < 0)
		return -1;
	return glyphs_width(g, n);
}

/* The cell for an upper and a lower pixel, in UTF-8. */
static const char *
cell_utf8(int upper, int lower)
{
	if (upper && lower)
		return "\xe2\x96\x88";		/* U+2588 full block */
	if (upper)
		return "\xe2\x96\x80";		/* U+2580 upper half */
	if (lower)
		return "\xe2\x96\x84";		/* U+2584 lower half */
	return " ";
}

/* Is pixel (prow, col) of g on?  Rows past the glyph are off. */
static int
pixel(const struct glyph *g, int prow, size_t col)
{
	return prow < PX_ROWS && g->px[prow][col] == '#';
}

/* Appends s to row at *len if it fits in rowlen with its NUL. */
static int
row_put(char *row, size_t *len, size_t rowlen, const char *s)
{
	size_t	n = strlen(s);

	if (*len + n + 1 > rowlen)
		return -1;
	memcpy(row + *len, s, n);
	*len += n;
	row[*len] = '\0';
	return 0;
}

/* Draws terminal row r of the glyphs into row; 0, or -1 if it overflows. */
static int
render_row(const struct glyph **g, int n, int utf8, int r, char *row,
    size_t rowlen)
{
	size_t	len = 0, col, w;
	int	i, k;

	row[0] = '\0';
	for (i = 0; i < n; i++) {
		for (k = 0; i > 0 && k < BIGTEXT_GAP; k++)
			if (row_put(row, &len, rowlen, " ") == -1)
				return -1;
		w = strlen(g[i]->px[0]);
		for (col = 0; col < w; col++) {
			const char	*cell;

			if (utf8)
				cell = cell_utf8(pixel(g[i], 2 * r, col),
				    pixel(g[i], 2 * r + 1, col));
			else
				cell = pixel(g[i], r, col) ? "#" : " ";
			if (row_put(row, &len, rowlen, cell) == -1)
				return -1;
		}
	}
	return 0;
}

/* Draws text in big type into the caller's rows; see the header. */
int
bigtext_render(const char *text, int utf8, int maxcols, char **rows,
    int nrows, size_t rowlen)
{
	const struct glyph	*g[BIGTEXT_MAX_CHARS];
	int			 n, w, r, h = bigtext_height(utf8);

	if (rows == NULL || rowlen == 0)
		return -1;
	n = glyphs_of(text, g);
	w = n < 0 ? -1 : glyphs_width(g, n);
	if (w < 0 || w > maxcols || nrows < h)
		goto fail;
	for (r = 0; r < h; r++)
		if (render_row(g, n, utf8 != 0, r, rows[r], rowlen) == -1)
			goto fail;
	return w;
fail:
	for (r = 0; r < nrows; r++)
		rows[r][0] = '\0';
	return -1;
}
