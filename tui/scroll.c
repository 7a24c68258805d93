/*
 * scroll.c: the movement keys of a page of lines; see scroll.h.
 */
#include "config.h"

#include "tui/app.h"
#include "tui/keymap.h"
#include "tui/mode.h"
#include "tui/scroll.h"

/* The lines a movement key moves by; see scroll.h. */
int
scroll_step(enum key_action action, long page, long half, long *delta)
{
	switch (action) {
	case ACT_DOWN:
		*delta = 1;
		break;
	case ACT_UP:
		*delta = -1;
		break;
	case ACT_TOP:
		*delta = -SCROLL_END;
		break;
	case ACT_BOTTOM:
		*delta = SCROLL_END;
		break;
	case ACT_PAGE_DOWN:
		*delta = page;
		break;
	case ACT_PAGE_UP:
		*delta = -page;
		break;
	case ACT_HALF_DOWN:
		*delta = half;
		break;
	case ACT_HALF_UP:
		*delta = -half;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Move, close, or swallow a panel key; see scroll.h. */
int
scroll_key(struct mode *m, struct app *a, enum key_action action, long page,
    long half)
{
	long	delta;

	if (scroll_step(action, page, half, &delta)) {
		m->ops->scroll_by(m, delta);
		return KEY_HANDLED | KEY_REDRAW;
	}
	switch (action) {
	case ACT_BACK:
	case ACT_QUIT:
		app_pop(a);
		break;
	case ACT_NEXT_PANEL:
	case ACT_PREV_PANEL:
	case ACT_OPEN:
	case ACT_FILTER:
		break;		/* panel keys: nothing on a page */
	default:
		return 0;
	}
	return KEY_HANDLED | KEY_REDRAW;
}
