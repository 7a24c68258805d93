/*
 * list.c: the one list of the table panels; see list.h.
 */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/list.h"
#include "tui/panel.h"
#include "tui/theme.h"

/* Free a list's state. */
void
list_done(struct list *l)
{
	free(l->rows);
	free(l->filter);
	free(l->sel_key);
	memset(l, 0, sizeof *l);
}

/* Forget the selection and the scroll position. */
void
list_reset(struct list *l)
{
	l->sel = l->top = 0;
	free(l->sel_key);
	l->sel_key = NULL;
}

/* Case-insensitive substring (ASCII folding; UTF-8 passes through). */
static int
list_contains(const char *hay, const char *needle)
{
	size_t	n = strlen(needle), i;

	if (n == 0)
		return 1;
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++) {
			if (tolower((unsigned char)hay[i]) !=
			    tolower((unsigned char)needle[i]))
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

/* Remember what is selected, so a rebuild keeps it. */
void
list_keep(struct app *a, int panel)
{
	const struct panel_ops	*ops = panel_table[panel];
	struct list		*l = &a->lists[panel];
	char			*text, *key = NULL;

	if (ops->row_text == NULL || l->nrows == 0 || a->views == NULL)
		return;
	text = ops->row_text(a->views, l->rows[l->sel], &key);
	free(text);
	free(l->sel_key);
	l->sel_key = key;
}

/* Recompute a panel's visible rows: filter, namespace, kept selection. */
void
list_rows(struct app *a, int panel)
{
	const struct panel_ops	*ops = panel_table[panel];
	struct list		*l = &a->lists[panel];
	size_t			 n, i;
	char			*text, *key;

	free(l->rows);
	l->rows = NULL;
	l->nrows = 0;
	if (a->views == NULL || ops->count == NULL)
		return;
	n = ops->count(a->views);
	l->rows = xcalloc(n + 1, sizeof *l->rows);
	for (i = 0; i < n; i++) {
		if (a->ns != NULL && ops->in_ns != NULL &&
		    !ops->in_ns(a->views, i, a->ns))
			continue;
		key = NULL;
		text = ops->row_text(a->views, i, &key);
		if (l->filter == NULL || list_contains(text, l->filter)) {
			if (l->sel_key != NULL && key != NULL &&
			    strcmp(key, l->sel_key) == 0)
				l->sel = l->nrows;
			l->rows[l->nrows++] = i;
		}
		free(text);
		free(key);
	}
	if (l->sel >= l->nrows)
		l->sel = l->nrows > 0 ? l->nrows - 1 : 0;
}

/* Set or clear the filter and recompute the rows. */
void
list_set_filter(struct app *a, int panel, const char *filter)
{
	struct list	*l = &a->lists[panel];

	free(l->filter);
	l->filter = filter != NULL && *filter != '\0' ? xstrdup(filter) :
	    NULL;
	list_rows(a, panel);
}

/* Move the selection by delta rows, clamped to the list. */
void
list_move(struct list *l, long delta)
{
	long	sel;

	if (l->nrows == 0)
		return;
	sel = (long)l->sel + delta;
	if (sel < 0)
		sel = 0;
	if (sel >= (long)l->nrows)
		sel = (long)l->nrows - 1;
	l->sel = (size_t)sel;
}

/* The selected item's index into the views, or -1. */
long
list_selected(const struct list *l)
{
	return l->nrows > 0 ? (long)l->rows[l->sel] : -1;
}

/* Scroll so the selection is visible in h rows. */
static void
list_scroll(struct list *l, int h)
{
	if (h <= 0)
		return;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)h)
		l->top = l->sel - (size_t)h + 1;
	if (l->top + (size_t)h > l->nrows)
		l->top = l->nrows > (size_t)h ? l->nrows - (size_t)h : 0;
}

/* Draw a table panel; see list.h. */
void
list_draw(struct app *a, int panel, int y, int x, int h, int w, int focused,
    list_header_fn header, list_row_fn row_fn)
{
	struct list	*l = &a->lists[panel];
	char		*note;
	unsigned long	 at;
	size_t		 idx;
	int		 row;

	header(a, y, x, w);
	y++;
	h--;
	list_scroll(l, h);
	l->height = h;
	for (row = 0; row < h && l->top + (size_t)row < l->nrows; row++) {
		idx = l->top + (size_t)row;
		at = focused && idx == l->sel ? theme_attr(SLOT_SELECTED) : 0;
		if (at != 0)
			draw_cell(stdscr, y + row, x, w, "", at);
		row_fn(a, l->rows[idx], y + row, x, w, at);
	}
	if (l->nrows == 0 && !panel_source_note(a, panel, y, x, w, 0)) {
		note = panel_empty_note(a, panel);
		draw_text(stdscr, y, x, w, note, theme_attr(SLOT_DIM));
		free(note);
	} else if (l->nrows > 0 && row < h)
		panel_source_note(a, panel, y + row, x, w, 1);
}

/* The movement keys of a list. */
int
list_key(struct app *a, int panel, int action)
{
	struct list	*l = &a->lists[panel];
	long		 half = l->height / 2 > 0 ? l->height / 2 : 1;

	switch (action) {
	case ACT_DOWN:
		list_move(l, 1);
		break;
	case ACT_UP:
		list_move(l, -1);
		break;
	case ACT_TOP:
		list_move(l, -1000000000L);
		break;
	case ACT_BOTTOM:
		list_move(l, 1000000000L);
		break;
	case ACT_PAGE_DOWN:
		list_move(l, 2 * half);
		break;
	case ACT_PAGE_UP:
		list_move(l, -2 * half);
		break;
	case ACT_HALF_DOWN:
		list_move(l, half);
		break;
	case ACT_HALF_UP:
		list_move(l, -half);
		break;
	default:
		return 0;
	}
	return KEY_HANDLED | KEY_REDRAW;
}
