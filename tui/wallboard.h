/*
 * wallboard.h: `sitrep wallboard`, a read-only board of every context.
 *
 * One tile per context, drawn from the cache a feeder (`sitrep fetch
 * --all`) fills: the overall status, firing incidents by severity, the
 * worst SLO, the unacknowledged incidents and the sources that are stale
 * or failing.  The board is read-only by construction: it is given a cache
 * opened read-only, builds no runtime (no sources, no HTTP, no action
 * gate), and reads only a short list of keys.
 */
#ifndef SITREP_TUI_WALLBOARD_H
#define SITREP_TUI_WALLBOARD_H

#include <stddef.h>
#include <stdint.h>

struct cache;
struct conf;
struct conf_context;

/* The overview (the tiles) among the pages of --panel. */
#define WALLBOARD_OVERVIEW	(-1)
/* Not a page of the board. */
#define WALLBOARD_NO_PANEL	(-2)
/* The most entries --panel takes. */
#define WALLBOARD_MAX_PANELS	16

struct wallboard_opts {
	struct conf			 *conf;		/* borrowed */
	struct cache			 *cache;	/* borrowed, read-only */
	const struct conf_context	**contexts;	/* one tile each */
	size_t				  ncontexts;
	/*
	 * The pages in order: WALLBOARD_OVERVIEW (as many pages as the
	 * tiles need) or a panel of panel_table (one page per context).
	 */
	int				  panels[WALLBOARD_MAX_PANELS];
	size_t				  npanels;
	const char			 *filter;	/* NULL: none */
	int64_t				  rotate_ms;	/* 0: no rotation */
	int64_t				  shift_ms;	/* 0: never shift */
	int				  no_quit;	/* q does nothing */
};

/* Run the board until q (or a signal); returns an exit code. */
int	wallboard_run(const struct wallboard_opts *);

/*
 * A page name of --panel and wallboard.panels: "overview", or a panel a
 * board can show (health, slo, incidents, and their aliases); the
 * runbook panel is for acting and is not one.  WALLBOARD_OVERVIEW, a
 * panel_table index, or WALLBOARD_NO_PANEL.
 */
int	wallboard_panel(const char *name);
/* The names wallboard_panel() takes, for messages: "overview, health, ..." */
const char *wallboard_panel_names(void);

/*
 * Where the board stands on a screen of lines x cols, shifted against
 * burn-in: with shifting, the board is one line and one column smaller
 * and step (0 to 3) moves it around that margin, one cell at a time.
 */
struct wallboard_port {
	int	y, x, h, w;
};
void	wallboard_port(int lines, int cols, int shifting, unsigned step,
	    struct wallboard_port *);

/*
 * Where the tiles go on a screen of lines x cols: a header (and banner)
 * line at the top and a key line at the bottom, the rest in tiles of at
 * least WALLBOARD_TILE_W x WALLBOARD_TILE_H, or, when fewer than two such
 * tiles fit side by side, one line per context.  per_page tiles show at
 * once; the rest are on further pages.
 */
#define WALLBOARD_TILE_W	44
#define WALLBOARD_TILE_H	7

struct wallboard_grid {
	int	compact;	/* one line per context */
	int	top;		/* first line of the body */
	int	ncols, nrows;	/* tiles across and down a page */
	int	tile_w, tile_h;
	size_t	per_page;	/* at least 1 */
	size_t	npages;		/* at least 1 */
};

/* Lay out n tiles on lines x cols below banner lines of warnings. */
void	wallboard_grid(int lines, int cols, size_t n, int banner,
	    struct wallboard_grid *);

#endif
