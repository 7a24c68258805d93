/*
 * mode_confirm.c: a question in the footer, answered with y or n, for
 * what the console must not do on one key (expire a silence).  Only y
 * (or Y) says yes; any other key, Esc included, says no, so a stray key
 * never writes.  The question takes every key while it is asked.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>

#include "base/xmalloc.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/layout.h"
#include "tui/mode.h"

struct confirm {
	struct mode		 mode;
	char			*question;
	struct confirm_ops	 ops;
	void			*arg;
};

/* The question, and the cursor after it. */
static void
confirm_footer(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct confirm	*p = (struct confirm *)m;
	int		 w;

	(void)a;
	w = draw_text(stdscr, r->y, 0, r->w - 1, p->question,
	    theme_attr(SLOT_WARN) | A_BOLD);
	move(r->y, w < r->w - 1 ? w : r->w - 1);
}

/* y: yes; anything else: no.  Closed first, then answered. */
static int
confirm_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct confirm		*p = (struct confirm *)m;
	struct confirm_ops	 ops = p->ops;
	void			*arg = p->arg;
	int			 yes = !is_key && (ch == L'y' || ch == L'Y');

	p->arg = NULL;		/* the answer frees it */
	app_pop(a);
	if (yes && ops.yes != NULL)
		ops.yes(a, arg);
	else if (!yes && ops.no != NULL)
		ops.no(a, arg);
	if (ops.free != NULL && arg != NULL)
		ops.free(arg);
	return KEY_HANDLED | KEY_REDRAW;
}

/* Free the question (and arg, when it was never answered). */
static void
confirm_free(struct mode *m)
{
	struct confirm	*p = (struct confirm *)m;

	if (p->ops.free != NULL && p->arg != NULL)
		p->ops.free(p->arg);
	free(p->question);
	free(p);
}

static const struct mode_ops confirm_mode_ops = {
	.name = "confirm",
	.footer = confirm_footer,
	.key = confirm_key,
	.free = confirm_free,
};

/* A question; see mode.h. */
struct mode *
mode_confirm_new(const char *question, const struct confirm_ops *ops,
    void *arg)
{
	struct confirm	*p = xcalloc(1, sizeof *p);

	p->mode.ops = &confirm_mode_ops;
	p->question = xstrdup(question);
	p->ops = *ops;
	p->arg = arg;
	return &p->mode;
}
