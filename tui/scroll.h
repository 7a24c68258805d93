/*
 * scroll.h: the movement keys of a page of lines, written once.
 *
 * The modes that show a page (tui/mode_page.c and help, the history, a
 * pod's log, the silences) take their own keys first (a cursor on pods'
 * lines, Enter, the log's search), then hand the action here: j/k and
 * the arrows move by a line, C-d/C-u by half a page, PgDn/PgUp by a
 * page, g/G to an end, each through the mode's scroll_by (which clamps,
 * at once or when drawn); Esc and q close the mode; the panel keys do
 * nothing on a page.
 */
#ifndef SITREP_TUI_SCROLL_H
#define SITREP_TUI_SCROLL_H

#include "tui/keymap.h"

struct app;
struct mode;

/* Lines moved by g and G: past any end, for scroll_by to clamp. */
#define SCROLL_END	1000000000L

/*
 * The lines action moves by on a page whose PgDn moves page lines and
 * C-d half: into *delta, 1; 0 when action is not a movement.
 */
int	scroll_step(enum key_action action, long page, long half,
	    long *delta);

/*
 * The shared keys of mode m, on top of a's mode stack: a movement
 * (scroll_step) through m's scroll_by, Esc and q close m, the panel keys
 * (Tab, S-Tab, Enter, /) are taken and do nothing.  KEY_HANDLED |
 * KEY_REDRAW, or 0 for any other action.
 */
int	scroll_key(struct mode *m, struct app *a, enum key_action action,
	    long page, long half);

#endif
