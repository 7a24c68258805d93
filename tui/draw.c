/*
 * draw.c: the screen's primitives.  Text is measured and cut by
 * base/width.c (the same columns as the text snapshot), so truncation
 * never cuts a character in half and never overflows a column; the
 * sparkline's glyphs are the vocabulary's (core/vocab.c).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/width.h"
#include "base/xmalloc.h"
#include "core/vocab.h"
#include "tui/draw.h"

static int	draw_is_utf8 = 1;

/* Choose UTF-8 or ASCII drawing. */
void
draw_set_utf8(int on)
{
	draw_is_utf8 = on;
}

/* Whether UTF-8 drawing is on. */
int
draw_utf8(void)
{
	return draw_is_utf8;
}

/* The mark before the focused panel's title; see draw.h. */
const char *
draw_focus_mark(void)
{
	return draw_is_utf8 ? "\xe2\x96\xb8 " : "> ";
}

/* The ellipsis of the mode. */
const char *
draw_ellipsis(void)
{
	return draw_is_utf8 ? "\xe2\x80\xa6" : "~";
}

/* Sanitise for the mode. */
static char *
draw_clean(const char *s)
{
	return sanitize_terminal(s, draw_is_utf8 ? 0 : SANITIZE_ASCII);
}

/* Display width of s. */
int
draw_width(const char *s)
{
	char	*c = draw_clean(s);
	size_t	 w = width_of(c);

	free(c);
	return w > 100000 ? 100000 : (int)w;
}

/* The theme slot of a tone: the console's one mapping. */
enum theme_slot
draw_tone_slot(enum vocab_tone t)
{
	switch (t) {
	case TONE_OK:
		return SLOT_OK;
	case TONE_WARN:
		return SLOT_WARN;
	case TONE_CRIT:
		return SLOT_CRIT;
	case TONE_UNKNOWN:
		return SLOT_UNKNOWN;
	default:
		return SLOT_NORMAL;
	}
}

/* Draw s in at most maxw columns; see draw.h. */
int
draw_text(WINDOW *win, int y, int x, int maxw, const char *s,
    unsigned long attr)
{
	char			*c;
	const unsigned char	*p;
	unsigned int		 cp;
	wchar_t			 wc[2];
	size_t			 len, fit;
	int			 n, used, ell;

	if (maxw <= 0 || s == NULL)
		return 0;
	c = draw_clean(s);
	ell = width_of(c) > (size_t)maxw ? 1 : 0;
	len = width_prefix(c, (size_t)(maxw - ell), &fit);
	used = (int)fit;
	p = (const unsigned char *)c;
	wattr_on(win, (attr_t)attr, NULL);
	wmove(win, y, x);
	while (len > 0) {
		n = sanitize_utf8_decode(p, len, &cp);
		if (n <= 0)
			break;
		if (cp < 0x80)
			waddch(win, (chtype)cp);
		else {
			wc[0] = (wchar_t)cp;
			wc[1] = L'\0';
			waddnwstr(win, wc, 1);
		}
		p += n;
		len -= (size_t)n;
	}
	if (ell && used < maxw) {
		waddstr(win, draw_ellipsis());
		used++;
	}
	wattr_off(win, (attr_t)attr, NULL);
	free(c);
	return used;
}

/* Draw s padded to exactly maxw columns. */
int
draw_cell(WINDOW *win, int y, int x, int maxw, const char *s,
    unsigned long attr)
{
	int	used = draw_text(win, y, x, maxw, s, attr);

	wattr_on(win, (attr_t)attr, NULL);
	while (used < maxw) {
		mvwaddch(win, y, x + used, ' ');
		used++;
	}
	wattr_off(win, (attr_t)attr, NULL);
	return maxw;
}

/* A horizontal line. */
void
draw_hline(WINDOW *win, int y, int x, int n, unsigned long attr)
{
	int	i;

	wattr_on(win, (attr_t)attr, NULL);
	wmove(win, y, x);
	for (i = 0; i < n; i++)
		waddstr(win, draw_is_utf8 ? "\xe2\x94\x80" : "-");
	wattr_off(win, (attr_t)attr, NULL);
}

/* A box with a title. */
void
draw_box(WINDOW *win, int y, int x, int h, int w, const char *title,
    unsigned long border, unsigned long title_attr)
{
	const char	*tl, *tr, *bl, *br, *v;
	int		 i;

	if (h < 1 || w < 2)
		return;
	tl = draw_is_utf8 ? "\xe2\x94\x8c" : "+";
	tr = draw_is_utf8 ? "\xe2\x94\x90" : "+";
	bl = draw_is_utf8 ? "\xe2\x94\x94" : "+";
	br = draw_is_utf8 ? "\xe2\x94\x98" : "+";
	v = draw_is_utf8 ? "\xe2\x94\x82" : "|";
	wattr_on(win, (attr_t)border, NULL);
	mvwaddstr(win, y, x, tl);
	wattr_off(win, (attr_t)border, NULL);
	draw_hline(win, y, x + 1, w - 2, border);
	wattr_on(win, (attr_t)border, NULL);
	mvwaddstr(win, y, x + w - 1, tr);
	for (i = 1; i < h - 1; i++) {
		mvwaddstr(win, y + i, x, v);
		mvwaddstr(win, y + i, x + w - 1, v);
	}
	if (h > 1) {
		mvwaddstr(win, y + h - 1, x, bl);
		wattr_off(win, (attr_t)border, NULL);
		draw_hline(win, y + h - 1, x + 1, w - 2, border);
		wattr_on(win, (attr_t)border, NULL);
		mvwaddstr(win, y + h - 1, x + w - 1, br);
	}
	wattr_off(win, (attr_t)border, NULL);
	if (title != NULL && w > 6) {
		mvwaddch(win, y, x + 1, ' ');
		i = draw_text(win, y, x + 2, w - 5, title, title_attr);
		mvwaddch(win, y, x + 2 + i, ' ');
	}
}

/* A filled bar. */
void
draw_bar(WINDOW *win, int y, int x, int w, double fraction,
    unsigned long fill, unsigned long empty)
{
	int	i, n;

	if (isnan(fraction))
		fraction = 0;
	if (fraction < 0)
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	n = (int)lround(fraction * w);
	wmove(win, y, x);
	for (i = 0; i < w; i++) {
		if (i < n) {
			wattr_on(win, (attr_t)fill, NULL);
			waddstr(win, draw_is_utf8 ? "\xe2\x96\x88" : "#");
			wattr_off(win, (attr_t)fill, NULL);
		} else {
			wattr_on(win, (attr_t)empty, NULL);
			waddstr(win, draw_is_utf8 ? "\xe2\x96\x91" : ".");
			wattr_off(win, (attr_t)empty, NULL);
		}
	}
}

/* A sparkline of the whole series in w columns, in the vocabulary's glyphs. */
void
draw_spark(WINDOW *win, int y, int x, int w, const double *v, size_t n,
    double max, unsigned long attr)
{
	struct buf	b;
	size_t		col;

	if (w <= 0)
		return;
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	col = vocab_spark(v, n, (size_t)w, max, draw_is_utf8, &b);
	for (; col < (size_t)w; col++)
		buf_append(&b, " ", 1);
	wattr_on(win, (attr_t)attr, NULL);
	mvwaddstr(win, y, x, buf_str(&b));
	wattr_off(win, (attr_t)attr, NULL);
	buf_done(&b);
}

/* A burn-rate sparkline over a span of time; see draw.h. */
void
draw_spark_burn(WINDOW *win, int y, int x, int w, const double *v,
    const int64_t *ts, size_t n, int64_t from_ms, int64_t to_ms, double top,
    unsigned long attr, unsigned long over)
{
	int		*lev;
	int		 c;
	unsigned long	 at;

	if (w <= 0)
		return;
	lev = xcalloc((size_t)w, sizeof *lev);
	vocab_spark_levels(v, ts, n, from_ms, to_ms, top, (size_t)w, lev);
	wmove(win, y, x);
	for (c = 0; c < w; c++) {
		at = lev[c] > VOCAB_SPARK_ONE ? over : attr;
		wattr_on(win, (attr_t)at, NULL);
		waddstr(win, vocab_spark_glyph(lev[c], draw_is_utf8));
		wattr_off(win, (attr_t)at, NULL);
	}
	free(lev);
}
