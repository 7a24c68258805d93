/*
 * test_wallboard.c: where the wallboard's tiles go.
 *
 * One line per context on an 80x24 screen, tiles side by side from about
 * 90 columns up to 400x120; a banner line moves the body down; contexts
 * that do not fit are on further pages, and every page holds at least one.
 */
#include "config.h"

#include <stdio.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "tui/wallboard.h"

/* 80x24: one line per context, the body between header and key line. */
static void
test_grid_small(void)
{
	struct wallboard_grid	g;

	wallboard_grid(24, 80, 3, 0, &g);
	CHECK_INT(g.compact, 1);
	CHECK_INT(g.top, 1);
	CHECK_INT(g.tile_h, 1);
	CHECK_INT((int)g.per_page, 22);
	CHECK_INT((int)g.npages, 1);
	wallboard_grid(24, 80, 3, 1, &g);
	CHECK_INT(g.top, 2);
	CHECK_INT((int)g.per_page, 21);
	/* More contexts than lines: pages. */
	wallboard_grid(24, 80, 50, 1, &g);
	CHECK_INT((int)g.npages, 3);
}

/* 160x45 and 400x120: tiles, as many across as fit, filling the body. */
static void
test_grid_tiles(void)
{
	struct wallboard_grid	g;

	wallboard_grid(45, 160, 3, 1, &g);
	CHECK_INT(g.compact, 0);
	CHECK_INT(g.ncols, 3);
	CHECK_INT(g.nrows, 1);
	CHECK_INT(g.tile_w, 53);
	CHECK_INT(g.tile_h, 42);
	CHECK_INT((int)g.npages, 1);
	wallboard_grid(120, 400, 40, 0, &g);
	CHECK_INT(g.ncols, 400 / WALLBOARD_TILE_W);
	CHECK_INT(g.nrows, 5);
	CHECK(g.tile_h >= WALLBOARD_TILE_H);
	CHECK(g.tile_w >= WALLBOARD_TILE_W);
	CHECK_INT((int)g.per_page, 45);
	CHECK_INT((int)g.npages, 1);
	/* Too many for one page: full rows of tiles, then the next page. */
	wallboard_grid(45, 160, 40, 0, &g);
	CHECK_INT(g.nrows, 43 / WALLBOARD_TILE_H);
	CHECK_INT((int)g.npages, (40 + 17) / 18);
}

/* Degenerate screens still give one tile a page, never zero. */
static void
test_grid_tiny(void)
{
	struct wallboard_grid	g;

	wallboard_grid(2, 10, 0, 1, &g);
	CHECK_INT(g.compact, 1);
	CHECK((int)g.per_page >= 1);
	CHECK((int)g.npages >= 1);
}

static const struct test tests[] = {
	TEST(test_grid_small),
	TEST(test_grid_tiles),
	TEST(test_grid_tiny),
	{ NULL, NULL }
};

/* Run the tests. */
int
main(void)
{
	return harness_run(tests);
}
