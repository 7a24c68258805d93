/*
 * layout.c: the screen's geometry at any size.
 */
#include "config.h"

#include <string.h>

#include "tui/layout.h"

/* Compute the layout; see layout.h. */
void
layout_compute(struct layout *l, int rows, int cols, int focus)
{
	int	i, y, body, big, left, top;

	memset(l, 0, sizeof *l);
	if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
		l->mode = LAYOUT_TOO_SMALL;
		return;
	}
	if (focus < 0 || focus >= LAYOUT_NPANELS)
		focus = 0;
	l->header = (struct layout_rect){ 0, 0, 1, cols };
	l->footer = (struct layout_rect){ rows - 1, 0, 1, cols };
	body = rows - 2;
	if (cols >= LAYOUT_GRID_COLS && rows >= LAYOUT_GRID_ROWS) {
		l->mode = LAYOUT_GRID;
		left = cols / 2;
		top = body / 2;
		l->panel[0] = (struct layout_rect){ 1, 0, top, left };
		l->panel[1] = (struct layout_rect){ 1, left, top, cols - left };
		l->panel[2] = (struct layout_rect){ 1 + top, 0, body - top,
		    left };
		l->panel[3] = (struct layout_rect){ 1 + top, left, body - top,
		    cols - left };
		return;
	}
	/* Stacked: each other panel keeps its title line. */
	l->mode = LAYOUT_STACKED;
	big = body - (LAYOUT_NPANELS - 1);
	y = 1;
	for (i = 0; i < LAYOUT_NPANELS; i++) {
		if (i == focus) {
			l->panel[i] = (struct layout_rect){ y, 0, big, cols };
			y += big;
		} else {
			l->panel[i] = (struct layout_rect){ y, 0, 1, cols };
			l->collapsed[i] = 1;
			y++;
		}
	}
}
