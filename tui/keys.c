/*
 * keys.c: where a key goes.  The top mode of the stack sees it first (an
 * input line takes every key, a page its scrolling and closing keys); what
 * it leaves goes to the focused panel's own keys and the list's movement,
 * then to the console's global keys (panels, filter, command line, help,
 * refresh, quit).  The mouse selects and scrolls the same way.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <wchar.h>
#include <wctype.h>

#include "core/loop.h"
#include "tui/app.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/list.h"
#include "tui/mode.h"
#include "tui/panel.h"

#define APP_TYPEAHEAD_MS	1000	/* typing on after Backspace closed a line */

/* Quit, asking once more when a mode is open; see app.h. */
void
app_ctrl_c(struct app *a)
{
	if (a->modes != NULL && !a->ctrlc_armed) {
		app_message(a, "press Ctrl-C again to quit");
		a->ctrlc_armed = 1;
		return;
	}
	a->quit = 1;
}

/* The console's own keys, wherever the focus is. */
static int
app_global_key(struct app *a, enum key_action act)
{
	struct mode	*m;

	switch (act) {
	case ACT_NEXT_PANEL:
		a->focus = (a->focus + 1) % APP_NPANELS;
		break;
	case ACT_PREV_PANEL:
		a->focus = (a->focus + APP_NPANELS - 1) % APP_NPANELS;
		break;
	case ACT_PANEL_HEALTH:
	case ACT_PANEL_SLO:
	case ACT_PANEL_INCIDENTS:
	case ACT_PANEL_RUNBOOK:
		app_pop_pages(a);
		a->focus = (int)(act - ACT_PANEL_HEALTH);
		break;
	case ACT_OPEN:
		if (a->views != NULL &&
		    (m = panel_table[a->focus]->open(a, a->focus)) != NULL)
			app_push(a, m);
		break;
	case ACT_BACK:
		list_set_filter(a, a->focus, NULL);
		break;
	case ACT_FILTER:
		app_push(a, mode_filter_new(a));
		break;
	case ACT_COMMAND:
		app_push(a, mode_command_new(a));
		break;
	case ACT_HELP:
		app_pop_pages(a);
		app_push(a, mode_help_new(a));
		break;
	case ACT_REFRESH:
		app_refresh(a);
		break;
	case ACT_QUIT:
		return KEY_HANDLED | KEY_QUIT;
	case ACT_RESTART:
	case ACT_UNDO:
	case ACT_SCALE:
		if (app_refuse_read_only(a))
			break;
		app_message(a, "%s a deployment: select its service in 1 "
		    "Health, or :%s NAMESPACE/NAME", act == ACT_RESTART ?
		    "R restarts" : act == ACT_UNDO ? "U rolls back" :
		    "S scales", act == ACT_RESTART ? "restart" :
		    act == ACT_UNDO ? "undo" : "scale");
		break;
	case ACT_ACK:
	case ACT_SILENCE:
		/* Read-only first: there, no panel could take them. */
		if (app_refuse_read_only(a))
			break;
		/* The incidents panel takes them; elsewhere, say where. */
		app_message(a, "%s an incident: select one in 3 Incidents",
		    act == ACT_ACK ? "a acknowledges" : "s silences");
		break;
	default:
		return 0;
	}
	return KEY_HANDLED | KEY_REDRAW;
}

/* Keys typed within a moment reopen the closed input line; see app.h. */
void
app_typeahead(struct app *a, struct mode *(*reopen)(struct app *))
{
	a->typeahead = reopen;
	a->typeahead_until = loop_now_ms(a->loop) + APP_TYPEAHEAD_MS;
}

/* A key: the top mode, then the focused panel, then the console. */
void
app_key(struct app *a, wint_t ch, int is_key)
{
	const struct panel_ops	*ops = panel_table[a->focus];
	enum key_action		 act;
	int			 flags = 0;

	if (!is_key && ch == 3) {
		app_ctrl_c(a);
		return;
	}
	a->ctrlc_armed = 0;
	if (a->typeahead != NULL) {
		if (a->modes == NULL && loop_now_ms(a->loop) <
		    a->typeahead_until && !is_key && ch >= 32 && ch != 127 &&
		    iswprint(ch))
			app_push(a, a->typeahead(a));
		a->typeahead = NULL;
	}
	if (a->modes != NULL)
		flags = a->modes->ops->key(a->modes, a, ch, is_key);
	if (!(flags & KEY_HANDLED) && (is_key || ch <= 127)) {
		act = keymap_lookup(a->km, (int)ch);
		if (a->modes == NULL && ops->key != NULL)
			flags = ops->key(a, a->focus, act);
		if (a->modes == NULL && !(flags & KEY_HANDLED))
			flags = list_key(a, a->focus, act);
		if (!(flags & KEY_HANDLED))
			flags = app_global_key(a, act);
	}
	if (flags & KEY_REDRAW)
		a->dirty = 1;
	if (flags & KEY_QUIT)
		a->quit = 1;
}

/* A mouse event: a click focuses and selects, the wheel scrolls. */
void
app_mouse(struct app *a)
{
	MEVENT		 ev;
	struct layout	 l;
	struct list	*p;
	int		 need[APP_NPANELS];
	struct mode	*page = app_page(a);
	int		 i, row;
	long		 delta = 0;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		delta = -3;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED)
		delta = 3;
#endif
	if (delta != 0) {
		if (page != NULL && page->ops->scroll_by != NULL)
			page->ops->scroll_by(page, delta);
		else if (page == NULL)
			list_move(&a->lists[a->focus], delta);
		a->dirty = 1;
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) || page != NULL)
		return;
	panel_needs(a, need);
	layout_compute(&l, LINES, COLS, a->focus, need);
	for (i = 0; i < APP_NPANELS; i++) {
		const struct layout_rect *r = &l.panel[i];

		if (ev.y < r->y || ev.y >= r->y + r->h || ev.x < r->x ||
		    ev.x >= r->x + r->w)
			continue;
		a->focus = i;
		p = &a->lists[i];
		/* Rows start under the border and the column header. */
		row = ev.y - (r->y + 2);
		if (!l.collapsed[i] && row >= 0 &&
		    p->top + (size_t)row < p->nrows)
			p->sel = p->top + (size_t)row;
		a->dirty = 1;
		return;
	}
}
