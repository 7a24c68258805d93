/*
 * draw.c: the screen's primitives.  Text is decoded to wide characters and
 * measured with wcwidth(), so truncation never cuts a character in half
 * and never overflows a column.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/sanitize.h"
#include "base/xmalloc.h"
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

/* Width of one code point (0 for invalid or zero-width). */
static int
draw_cp_width(unsigned int cp)
{
	int	w = wcwidth((wchar_t)cp);

	return w < 0 ? 1 : w;
}

/* Display width of s. */
int
draw_width(const char *s)
{
	char		*c = draw_clean(s);
	const unsigned char *p = (const unsigned char *)c;
	unsigned int	 cp;
	int		 n, w = 0;
	size_t		 len = strlen(c);

	while (len > 0) {
		n = sanitize_utf8_decode(p, len, &cp);
		if (n <= 0)
			break;
		w += draw_cp_width(cp);
		p += n;
		len -= (size_t)n;
	}
	free(c);
	return w;
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
	size_t			 len;
	int			 n, w, used = 0, total, ell;

	if (maxw <= 0 || s == NULL)
		return 0;
	c = draw_clean(s);
	total = draw_width(c);
	ell = total > maxw ? 1 : 0;
	p = (const unsigned char *)c;
	len = strlen(c);
	wattr_on(win, (attr_t)attr, NULL);
	wmove(win, y, x);
	while (len > 0) {
		n = sanitize_utf8_decode(p, len, &cp);
		if (n <= 0)
			break;
		w = draw_cp_width(cp);
		if (used + w > maxw - ell)
			break;
		if (cp < 0x80)
			waddch(win, (chtype)cp);
		else {
			wc[0] = (wchar_t)cp;
			wc[1] = L'\0';
			waddnwstr(win, wc, 1);
		}
		used += w;
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

/* A sparkline of the newest w values. */
void
draw_spark(WINDOW *win, int y, int x, int w, const double *v, size_t n,
    double max, unsigned long attr)
{
	static const char *const blocks[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char	ascii[] = "_.-:=+*#";
	size_t			start, i;
	int			level, col = 0;
	char			ch[2];

	if (w <= 0)
		return;
	start = n > (size_t)w ? n - (size_t)w : 0;
	if (max <= 0) {
		for (i = start; i < n; i++) {
			if (!isnan(v[i]) && v[i] > max)
				max = v[i];
		}
	}
	wattr_on(win, (attr_t)attr, NULL);
	wmove(win, y, x);
	for (i = start; i < n; i++, col++) {
		if (isnan(v[i]) || max <= 0) {
			waddch(win, ' ');
			continue;
		}
		level = (int)(v[i] / max * 7.0 + 0.5);
		if (level < 0)
			level = 0;
		if (level > 7)
			level = 7;
		if (draw_is_utf8)
			waddstr(win, blocks[level]);
		else {
			ch[0] = ascii[level];
			ch[1] = '\0';
			waddstr(win, ch);
		}
	}
	for (; col < w; col++)
		waddch(win, ' ');
	wattr_off(win, (attr_t)attr, NULL);
}
