/*
 * list.h: the one list of the table panels.
 *
 * A list is a panel's selection over an array of the views: the indexes
 * of the rows that pass the filter and the namespace, the selected row,
 * the first row shown.  The selection is kept by identity (a service's
 * name, an incident's id) across rebuilds of the views, so data arriving
 * never moves the cursor under the user's hand.
 */
#ifndef SITREP_TUI_LIST_H
#define SITREP_TUI_LIST_H

#include <stddef.h>

struct app;

struct list {
	size_t		 sel;		/* index into rows */
	size_t		 top;		/* first row shown */
	char		*filter;	/* NULL: none */
	size_t		*rows;		/* indexes into the views' array */
	size_t		 nrows;
	char		*sel_key;	/* identity kept across rebuilds */
	int		 height;	/* rows visible at the last paint */
};

/*
 * A table panel's header at y, x in w columns, and its row for item i of
 * the views; at is the selection's attribute (0 when not selected).
 */
typedef void	(*list_header_fn)(struct app *, int y, int x, int w);
typedef void	(*list_row_fn)(struct app *, size_t i, int y, int x, int w,
		    unsigned long at);

void	list_done(struct list *);
/* Forget the selection (a new context). */
void	list_reset(struct list *);
/* Remember the selected row's identity before the views are replaced. */
void	list_keep(struct app *, int panel);
/* Recompute the visible rows of panel from the views. */
void	list_rows(struct app *, int panel);
/* Set the filter (NULL or "" clears it) and recompute the rows. */
void	list_set_filter(struct app *, int panel, const char *);
/* Move the selection by delta rows, clamped. */
void	list_move(struct list *, long delta);
/* The index into the views of the selected row; -1 when empty. */
long	list_selected(const struct list *);
/*
 * Draw: the header, the rows that fit (scrolled to keep the selection in
 * view, highlighted when focused), and the panel's source note (loading,
 * failed) or why the list is empty.
 */
void	list_draw(struct app *, int panel, int y, int x, int h, int w,
	    int focused, list_header_fn, list_row_fn);
/* The movement keys of a list; KEY_* flags, 0 if not a movement. */
int	list_key(struct app *, int panel, int action);

#endif
