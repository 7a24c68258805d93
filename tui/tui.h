/*
 * tui.h: the interactive console.
 */
#ifndef SITREP_TUI_H
#define SITREP_TUI_H

#include <stdint.h>
#include <stdio.h>

struct conf;
struct sim_scenario;
struct source;
struct views;

struct tui_opts {
	struct conf	*conf;		/* borrowed; must outlive the console */
	const char	*context;	/* NULL: the first */
	const char	*cache_path;
	const char	*panel;		/* health, slo, incidents, runbook */
	const char	*filter;	/* initial filter of that panel */
	const char	*conf_file;	/* for messages about keys: */
	int		 demo;		/* run the simulator as the source */
	int		 readonly;	/* --readonly: never act, all run */
	double		 speed;		/* the simulator's pace (1: the clock) */
	/* With demo: the scenario played (NULL: the demo's; borrowed). */
	const struct sim_scenario *scenario;
	const char	*drill;		/* a drill's run: its name, or NULL */
};

/* Run the console until the user quits; returns an exit code. */
int	tui_run(const struct tui_opts *);

/* Panel names, in order (for --panel and the title bars). */
int	tui_panel_parse(const char *);

/*
 * For the benchmark only: the console's own start, rebuild and paint path
 * with no sources, no input and no running loop, on a curses screen of
 * terminal type term (NULL: $TERM) writing to out, lines x cols.  The
 * caller measures: time around the calls, and bytes by the growth of out
 * (a regular file: curses writes to its descriptor).  tui_bench_new()
 * opens the cache and builds the views as tui_run() does, but does not
 * paint; on failure it returns NULL and *cause.
 */
struct tui_bench;
struct tui_bench	*tui_bench_new(const struct tui_opts *, const char *term,
			     FILE *out, int lines, int cols, char **cause);
/*
 * Read the cache into fresh views, as when a round was stored: through
 * the console's memo, so only what changed is read again; with full set,
 * the memo is emptied first and everything is read.
 */
void			 tui_bench_rebuild(struct tui_bench *, int full);
/* Paint once; full: resend the whole screen, as Ctrl-L does. */
void			 tui_bench_paint(struct tui_bench *, int full);
/*
 * For tests: show these views (the bench takes them) instead of the
 * cache's, at the moment they were generated.
 */
void			 tui_bench_show(struct tui_bench *, struct views *);
/*
 * For tests: focus panel (0-3) and open its detail page (open), then paint
 * and read the screen back as text, rows joined by newlines (caller frees).
 */
char			*tui_bench_text(struct tui_bench *, int panel, int open);
/* Leave curses and free everything; NULL is a no-op. */
void			 tui_bench_free(struct tui_bench *);

#endif
