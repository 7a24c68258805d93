/*
 * tui.h: the interactive console.
 */
#ifndef SITREP_TUI_H
#define SITREP_TUI_H

#include <stdint.h>

struct conf;
struct source;

struct tui_opts {
	struct conf	*conf;		/* borrowed; must outlive the console */
	const char	*context;	/* NULL: the first */
	const char	*cache_path;
	const char	*panel;		/* health, slo, incidents, runbook */
	const char	*filter;	/* initial filter of that panel */
	const char	*conf_file;	/* for messages about keys: */
	int		 demo;		/* run the simulator as the source */
};

/* Run the console until the user quits; returns an exit code. */
int	tui_run(const struct tui_opts *);

/* Panel names, in order (for --panel and the title bars). */
int	tui_panel_parse(const char *);

#endif
