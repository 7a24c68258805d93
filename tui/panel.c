/*
 * panel.c: the panel table and what every panel shares: the frame with
 * its title and summary, the note about a source that is loading or
 * failed, and the theme slots of statuses, severities and verdicts.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/views.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"

/* The panels, in order: focus index, digit key, layout position. */
const struct panel_ops *const panel_table[] = {
	&panel_health,
	&panel_slo,
	&panel_incidents,
	&panel_runbook,
};
const size_t panel_count = sizeof panel_table / sizeof panel_table[0];

_Static_assert(sizeof panel_table / sizeof panel_table[0] == APP_NPANELS,
    "the layout places every panel of the table");

/* Panel index by name or alias, or -1; see tui.h. */
int
tui_panel_parse(const char *s)
{
	size_t	i, j;

	if (s == NULL)
		return -1;
	for (i = 0; i < panel_count; i++) {
		if (strcasecmp(s, panel_table[i]->name) == 0)
			return (int)i;
		for (j = 0; j < 3 && panel_table[i]->aliases[j] != NULL; j++) {
			if (strcasecmp(s, panel_table[i]->aliases[j]) == 0)
				return (int)i;
		}
	}
	return -1;
}

/* The first of a panel's sources that has nothing yet or failed. */
static const struct view_source *
panel_source(struct app *a, int panel)
{
	const struct panel_ops		*ops = panel_table[panel];
	const struct view_source	*s;
	int				 i;

	if (a->views == NULL)
		return NULL;
	for (i = 0; i < 3 && ops->sources[i] != NULL; i++) {
		s = views_source(a->views, ops->sources[i]);
		if (s != NULL && (s->never || s->error != NULL))
			return s;
	}
	return NULL;
}

/* A line saying the panel's source is loading or failed; see panel.h. */
int
panel_source_note(struct app *a, int panel, int y, int x, int w,
    int has_rows)
{
	const struct view_source	*s = panel_source(a, panel);
	char				*line, age[32];

	if (s == NULL)
		return 0;
	if (s->never && s->error == NULL)
		line = xasprintf("loading %s%s", s->name, draw_ellipsis());
	else if (s->never)
		line = xasprintf("%s unknown: %s failed: %s",
		    panel_table[panel]->noun, s->name, s->error);
	else
		line = xasprintf("%s failed: %s (showing data from %s ago)",
		    s->name, s->error, vocab_duration(s->age_ms, age,
		    sizeof age));
	draw_text(stdscr, y, x, w, line, theme_attr(has_rows || s->never ?
	    SLOT_STALE : SLOT_CRIT));
	free(line);
	return 1;
}

/* Why a panel shows no row; see panel.h. */
char *
panel_empty_note(struct app *a, int panel)
{
	const struct panel_ops	*ops = panel_table[panel];
	const struct panel_ops	*lister = ops;
	struct buf		 b;
	size_t			 total = 0, i;

	/* A panel that is not a list shows the incidents panel's rows. */
	if (ops->count == NULL) {
		for (i = 0; i < panel_count; i++) {
			if (panel_table[i]->count != NULL &&
			    strcmp(panel_table[i]->noun, ops->noun) == 0) {
				lister = panel_table[i];
				panel = (int)i;
			}
		}
	}
	if (a->views != NULL && lister->count != NULL)
		total = lister->count(a->views);
	if (total == 0 || (a->ns == NULL && a->lists[panel].filter == NULL))
		return xstrdup(ops->empty);
	buf_init(&b, 0);
	buf_printf(&b, "0 of %zu %s match", total, lister->noun);
	if (a->ns != NULL && lister->in_ns != NULL)
		buf_printf(&b, " ns=%s", a->ns);
	if (a->lists[panel].filter != NULL)
		buf_printf(&b, " /%s", a->lists[panel].filter);
	return buf_detach(&b);
}

/* "N of " when the filter or namespace hides some of total rows. */
const char *
panel_shown(struct app *a, int panel, size_t total, char *out, size_t len)
{
	if (a->lists[panel].nrows != total)
		snprintf(out, len, "%zu of ", a->lists[panel].nrows);
	else if (len > 0)
		out[0] = '\0';
	return out;
}

/* The rows each panel's box would use; see panel.h. */
void
panel_needs(struct app *a, int need[])
{
	const struct panel_ops	*ops;
	size_t			 i;
	int			 rows;

	for (i = 0; i < panel_count; i++) {
		ops = panel_table[i];
		if (ops->count != NULL)	/* header, rows, a note */
			rows = 1 + (a->lists[i].nrows > 0 ?
			    (int)a->lists[i].nrows : 1) + 1;
		else
			rows = ops->lines != NULL ? ops->lines(a) : 1;
		need[i] = rows + 2;
	}
}

/* Draw one panel in its rectangle; see panel.h. */
void
panel_draw(struct app *a, int panel, int y, int x, int h, int w,
    int collapsed)
{
	const struct panel_ops	*ops = panel_table[panel];
	int			 focused = panel == a->focus;
	unsigned long		 border = theme_attr(focused ? SLOT_ACCENT :
	    SLOT_BORDER);
	char			*title, *sum;
	int			 i;

	if (h <= 0)
		return;
	sum = a->views != NULL ? ops->summary(a, panel) : xstrdup("");
	/* The focus is marked in words too, not only by colour. */
	if (a->lists[panel].filter != NULL)
		title = xasprintf("%s%s  /%s  %s", focused ? draw_focus_mark() :
		    "", ops->title, a->lists[panel].filter, sum);
	else
		title = xasprintf("%s%s  %s", focused ? draw_focus_mark() : "",
		    ops->title, sum);
	free(sum);
	if (collapsed || h < 3) {
		draw_hline(stdscr, y, x, w, border);
		mvwaddch(stdscr, y, x + 1, ' ');
		i = draw_text(stdscr, y, x + 2, w - 5, title,
		    theme_attr(SLOT_TITLE));
		mvwaddch(stdscr, y, x + 2 + i, ' ');
		free(title);
		return;
	}
	draw_box(stdscr, y, x, h, w, title, border, theme_attr(SLOT_TITLE) |
	    (focused ? A_BOLD : 0));
	free(title);
	if (ops->draw != NULL)
		ops->draw(a, y + 1, x + 1, h - 2, w - 2);
	else
		list_draw(a, panel, y + 1, x + 1, h - 2, w - 2, focused,
		    ops->header, ops->row);
}
