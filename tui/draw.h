/*
 * draw.h: text, bars and sparklines on a curses window, the same way in
 * every panel.  All text passes through the terminal sanitiser here, so a
 * panel cannot forget to; in ASCII mode (LANG=C) only ASCII is drawn.
 */
#ifndef SITREP_DRAW_H
#define SITREP_DRAW_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vocab.h"
#include "tui/theme.h"

/* UTF-8 box drawing, bars and sparklines, or plain ASCII. */
void	draw_set_utf8(int);
int	draw_utf8(void);

/* Display columns of (sanitised) s. */
int	draw_width(const char *s);
/*
 * Draw s at y,x in at most maxw columns with attr, truncated with an
 * ellipsis.  Returns the columns used.
 */
int	draw_text(WINDOW *, int y, int x, int maxw, const char *s,
	    unsigned long attr);
/* Like draw_text, padded with spaces to exactly maxw columns. */
int	draw_cell(WINDOW *, int y, int x, int maxw, const char *s,
	    unsigned long attr);
/* A horizontal line of n columns. */
void	draw_hline(WINDOW *, int y, int x, int n, unsigned long attr);
/* A box border with a title on its top edge. */
void	draw_box(WINDOW *, int y, int x, int h, int w, const char *title,
	    unsigned long border, unsigned long title_attr);
/* A bar of w columns, filled to fraction (0..1). */
void	draw_bar(WINDOW *, int y, int x, int w, double fraction,
	    unsigned long fill, unsigned long empty);
/*
 * A sparkline of all n values in w columns (each the worst of its share
 * when they do not fit; NaN: a gap), scaled to max (0: the largest).
 */
void	draw_spark(WINDOW *, int y, int x, int w, const double *v, size_t n,
	    double max, unsigned long attr);
/*
 * A burn-rate sparkline of the points (ts, v) over (from_ms, to_ms] in w
 * columns, on the scale to top (vocab_spark_burn): columns at or below
 * 1x in attr, those above it in over.
 */
void	draw_spark_burn(WINDOW *, int y, int x, int w, const double *v,
	    const int64_t *ts, size_t n, int64_t from_ms, int64_t to_ms,
	    double top, unsigned long attr, unsigned long over);
/* The theme slot that paints a tone (core/vocab.h), for every panel. */
enum theme_slot draw_tone_slot(enum vocab_tone);
/* The mark before the focused panel's title: "▸ ", or "> " in ASCII. */
const char *draw_focus_mark(void);
/* The ellipsis and bullet for the mode. */
const char *draw_ellipsis(void);

#endif
