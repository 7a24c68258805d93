/*
 * panel.h: the panels of the console, one file each, behind one table.
 *
 * A panel says what it shows and how: its rows (how many items of the
 * views, the text a filter matches, the identity a selection keeps), how
 * it draws in a rectangle, a one-line summary when collapsed, its own keys,
 * and the detail page Enter opens.  Adding a panel is one new file and one
 * line in panel_table[] (panel.c), as htop adds a Panel subclass.
 */
#ifndef SITREP_TUI_PANEL_H
#define SITREP_TUI_PANEL_H

#include <stddef.h>

#include "core/slo.h"
#include "core/views.h"
#include "tui/list.h"
#include "tui/theme.h"

struct app;
struct mode;
struct view_incident;

struct panel_ops {
	const char	*name;		/* --panel NAME */
	const char	*aliases[3];	/* other names --panel accepts */
	const char	*title;		/* "1 Health" */
	const char	*sources[3];	/* the sources it is fed by */
	const char	*noun;		/* what it lists: "incidents" */
	const char	*empty;		/* nothing at all to list */

	/* Items in the views (a list panel), or NULL (not a list). */
	size_t		 (*count)(const struct views *);
	/* The text a filter matches for item i, and its identity in *key. */
	char		*(*row_text)(const struct views *, size_t i,
			    char **key);
	/* Whether item i is in namespace ns; NULL: every item is. */
	int		 (*in_ns)(const struct views *, size_t i,
			    const char *ns);
	/* A list panel's column header and rows. */
	list_header_fn	 header;
	list_row_fn	 row;
	/* Draw inside the box, for panels that are not lists. */
	void		 (*draw)(struct app *, int y, int x, int h, int w);
	/* Rows the drawing needs inside the box (panels that are not lists). */
	int		 (*lines)(struct app *);
	/* The title line's summary (caller frees). */
	char		*(*summary)(struct app *, int panel);
	/* A key the common ones left; KEY_* flags (NULL: none). */
	int		 (*key)(struct app *, int panel, int action);
	/* New views (or rows) are in: precompute what painting needs. */
	void		 (*rebuilt)(struct app *, int panel);
	/* The detail page of the selection, or NULL when nothing is. */
	struct mode	*(*open)(struct app *, int panel);
};


/* The panels, in order; index = focus = the digit key - 1. */
extern const struct panel_ops *const panel_table[];
extern const size_t panel_count;

extern const struct panel_ops panel_health;
extern const struct panel_ops panel_slo;
extern const struct panel_ops panel_incidents;
extern const struct panel_ops panel_runbook;

/* The rows each panel's box would use, borders included, for the layout. */
void	panel_needs(struct app *, int need[]);
/* Draw panel i in its rectangle: box, title, summary, content. */
void	panel_draw(struct app *, int panel, int y, int x, int h, int w,
	    int collapsed);
/*
 * A line saying what the panel's source is doing, when it has no data yet
 * or failed; 0 when there is nothing to say.
 */
int	panel_source_note(struct app *, int panel, int y, int x, int w,
	    int has_rows);
/*
 * Why the panel shows no row, into a new string: nothing to list, or
 * "0 of 9 incidents match ns=nope /disk" when the namespace or filter
 * hides them all.
 */
char	*panel_empty_note(struct app *, int panel);
/* "N of " when a filter hides rows, else "" (into out). */
const char *panel_shown(struct app *, int panel, size_t total, char *out,
	    size_t len);

/* The incident selected in the incidents panel, or NULL (borrowed). */
const struct view_incident *panel_incidents_selected(struct app *);
/* The detail page of an incident: its alerts, labels and annotations. */
struct mode *panel_incident_detail(struct app *, const struct view_incident *);

#endif
