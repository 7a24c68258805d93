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
	/* 40 need 5 rows of 9; 8 columns fill them, wider. */
	wallboard_grid(120, 400, 40, 0, &g);
	CHECK_INT(g.ncols, 8);
	CHECK_INT(g.nrows, 5);
	CHECK(g.tile_h >= WALLBOARD_TILE_H);
	CHECK_INT(g.tile_w, 50);
	CHECK_INT((int)g.per_page, 40);
	CHECK_INT((int)g.npages, 1);
	/* 12 on 400x120: two rows of six, not nine and three. */
	wallboard_grid(120, 400, 12, 1, &g);
	CHECK_INT(g.ncols, 6);
	CHECK_INT(g.nrows, 2);
	CHECK_INT(g.tile_w, 66);
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

/* Against burn-in the board goes round a one-cell margin, and back. */
static void
test_port(void)
{
	struct wallboard_port	p;
	static const int	xy[5][2] = { {0, 0}, {1, 0}, {1, 1}, {0, 1},
	    {0, 0} };
	unsigned		step;

	wallboard_port(24, 80, 0, 2, &p);
	CHECK(p.y == 0 && p.x == 0 && p.h == 24 && p.w == 80);
	for (step = 0; step < 5; step++) {
		wallboard_port(24, 80, 1, step, &p);
		CHECK_INT(p.x, xy[step][0]);
		CHECK_INT(p.y, xy[step][1]);
		CHECK_INT(p.h, 23);
		CHECK_INT(p.w, 79);
	}
	/* Too small to give up a line: still. */
	wallboard_port(2, 80, 1, 1, &p);
	CHECK(p.y == 0 && p.x == 0 && p.h == 2 && p.w == 80);
}

/* The pages a board takes: overview and the read-only panels, aliases. */
static void
test_panel_names(void)
{
	CHECK_INT(wallboard_panel("overview"), WALLBOARD_OVERVIEW);
	CHECK(wallboard_panel("health") >= 0);
	CHECK(wallboard_panel("slo") >= 0);
	CHECK_INT(wallboard_panel("slos"), wallboard_panel("slo"));
	CHECK_INT(wallboard_panel("alerts"), wallboard_panel("incidents"));
	CHECK(wallboard_panel("incidents") != wallboard_panel("slo"));
	/* The runbook panel acts: not a page of a board. */
	CHECK_INT(wallboard_panel("runbook"), WALLBOARD_NO_PANEL);
	CHECK_INT(wallboard_panel(""), WALLBOARD_NO_PANEL);
	CHECK_INT(wallboard_panel("Health"), WALLBOARD_NO_PANEL);
}

static const struct test tests[] = {
	TEST(test_port),
	TEST(test_panel_names),
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
