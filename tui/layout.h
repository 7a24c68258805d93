/*
 * layout.h: where the header, the four panels and the footer go.
 *
 * Pure arithmetic on the terminal size, so every size is unit tested:
 *
 *  - from 160 columns (and 30 rows): a 2x2 grid of the four panels;
 *  - from 80x24: stacked; the focused panel takes the room it needs, and
 *    what it does not need goes to the others, in order after it, as
 *    boxes of the rows they need; a panel without room shrinks to its
 *    title line;
 *  - below 80x24: nothing but a plain notice.
 */
#ifndef SITREP_LAYOUT_H
#define SITREP_LAYOUT_H

#define LAYOUT_MIN_COLS		80
#define LAYOUT_MIN_ROWS		24
#define LAYOUT_GRID_COLS	160
#define LAYOUT_GRID_ROWS	30
#define LAYOUT_NPANELS		4

struct layout_rect {
	int	y, x, h, w;
};

enum layout_mode {
	LAYOUT_TOO_SMALL,
	LAYOUT_STACKED,
	LAYOUT_GRID
};

struct layout {
	enum layout_mode	mode;
	struct layout_rect	header;
	struct layout_rect	footer;
	struct layout_rect	panel[LAYOUT_NPANELS];	/* h 0: hidden */
	int			collapsed[LAYOUT_NPANELS]; /* title only */
};

/*
 * Lay out rows x cols with panel focus (0-3) enlarged when stacked.  need
 * (NULL: as much as there is) says how many rows each panel's box would
 * use, borders included.
 */
void	layout_compute(struct layout *, int rows, int cols, int focus,
	    const int *need);

#define LAYOUT_MIN_BOX	3	/* a box: two borders and one row */

#endif
