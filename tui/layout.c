/*
 * layout.c: the screen's geometry at any size.
 */
#include "config.h"

#include <string.h>

#include "tui/layout.h"

/* Compute the layout; see layout.h. */
void
layout_compute(struct layout *l, int rows, int cols, int focus,
    const int *need)
{
	int	i, k, y, body, big, left, top, spare, want;
	int	h[LAYOUT_NPANELS];

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
	/* Stacked: each other panel keeps at least its title line. */
	l->mode = LAYOUT_STACKED;
	big = body - (LAYOUT_NPANELS - 1);
	for (i = 0; i < LAYOUT_NPANELS; i++)
		h[i] = 1;
	h[focus] = big;
	/* What the focused panel does not need goes to those after it. */
	if (need != NULL && need[focus] < big) {
		h[focus] = need[focus] > LAYOUT_MIN_BOX ? need[focus] :
		    LAYOUT_MIN_BOX;
		spare = big - h[focus];
		for (k = 1; k < LAYOUT_NPANELS && spare > 0; k++) {
			i = (focus + k) % LAYOUT_NPANELS;
			want = need[i] > LAYOUT_MIN_BOX ? need[i] :
			    LAYOUT_MIN_BOX;
			if (want - 1 > spare)
				want = spare + 1;
			if (want < LAYOUT_MIN_BOX)
				continue;
			spare -= want - 1;
			h[i] = want;
		}
		h[focus] += spare;	/* nobody needs the rest */
	}
	y = 1;
	for (i = 0; i < LAYOUT_NPANELS; i++) {
		l->panel[i] = (struct layout_rect){ y, 0, h[i], cols };
		l->collapsed[i] = h[i] < LAYOUT_MIN_BOX;
		y += h[i];
	}
}
