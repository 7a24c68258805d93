/*
 * prompt.c: an input line in the footer, the editor under the filter and
 * the command line.  It takes every key while open: printable characters
 * are inserted, Backspace deletes (and closes an empty line), Enter and
 * Esc close it, Tab asks for a completion.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/layout.h"
#include "tui/mode.h"

#define PROMPT_MAX	200	/* characters */

struct prompt {
	struct mode		 mode;
	int			 ch;		/* '/' or ':' */
	wchar_t			 text[PROMPT_MAX + 1];
	size_t			 len;
	const struct prompt_ops	*ops;
	void			*arg;
};

/* The text as UTF-8 into out. */
static char *
prompt_text(const struct prompt *p, char *out, size_t len)
{
	if (wcstombs(out, p->text, len) == (size_t)-1 && len > 0)
		out[0] = '\0';
	return out;
}

/* Replace the text with UTF-8 s (cut at the limit). */
static void
prompt_set(struct prompt *p, const char *s)
{
	size_t	n = mbstowcs(p->text, s, PROMPT_MAX);

	p->len = n == (size_t)-1 ? 0 : n;
	p->text[p->len] = L'\0';
}

/* The prompt character, the text and the cursor. */
static void
prompt_footer(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct prompt	*p = (struct prompt *)m;
	char		 mb[1024];
	char		*line;
	int		 w;

	(void)a;
	line = xasprintf("%c%s", p->ch, prompt_text(p, mb, sizeof mb));
	draw_text(stdscr, r->y, 0, r->w - 1, line, theme_attr(SLOT_ACCENT));
	w = draw_width(line);
	move(r->y, w < r->w - 1 ? w : r->w - 1);
	free(line);
}

/* Edit, complete, accept or cancel. */
static int
prompt_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct prompt		*p = (struct prompt *)m;
	const struct prompt_ops	*ops;
	void			*arg;
	char			 mb[1024];

	if (!is_key && (ch == L'\r' || ch == L'\n')) {
		/* Closed first: what Enter runs may open a mode of its own. */
		ops = p->ops;
		arg = p->arg;
		prompt_text(p, mb, sizeof mb);
		app_pop(a);
		if (ops->enter != NULL)
			ops->enter(a, mb, arg);
		return KEY_HANDLED | KEY_REDRAW;
	}
	if (!is_key && ch == 27) {
		if (p->ops->cancel != NULL)
			p->ops->cancel(a, p->arg);
		app_pop(a);
		return KEY_HANDLED | KEY_REDRAW;
	}
	if ((is_key && ch == KEY_BACKSPACE) ||
	    (!is_key && (ch == 127 || ch == 8))) {
		if (p->len == 0) {
			/* Closed visibly; a key typed on goes back in. */
			app_message(a, "%s closed", p->ops->name);
			if (p->ops->reopen != NULL)
				app_typeahead(a, p->ops->reopen);
			app_pop(a);
			return KEY_HANDLED | KEY_REDRAW;
		}
		p->text[--p->len] = L'\0';
	} else if (!is_key && ch == L'\t') {
		if (p->ops->complete == NULL)
			return KEY_HANDLED;
		p->ops->complete(a, prompt_text(p, mb, sizeof mb), sizeof mb,
		    p->arg);
		prompt_set(p, mb);
		return KEY_HANDLED | KEY_REDRAW;
	} else if (!is_key && ch >= 32 && ch != 127 && p->len < PROMPT_MAX &&
	    iswprint(ch)) {
		p->text[p->len++] = (wchar_t)ch;
		p->text[p->len] = L'\0';
	} else
		return KEY_HANDLED;
	if (p->ops->change != NULL)
		p->ops->change(a, prompt_text(p, mb, sizeof mb), p->arg);
	return KEY_HANDLED | KEY_REDRAW;
}

/* Free the prompt. */
static void
prompt_free(struct mode *m)
{
	free(m);
}

static const struct mode_ops prompt_mode_ops = {
	.name = "prompt",
	.footer = prompt_footer,
	.key = prompt_key,
	.free = prompt_free,
};

/* A new input line; see mode.h. */
struct mode *
prompt_new(int ch, const char *initial, const struct prompt_ops *ops,
    void *arg)
{
	struct prompt	*p = xcalloc(1, sizeof *p);

	p->mode.ops = &prompt_mode_ops;
	p->ch = ch;
	p->ops = ops;
	p->arg = arg;
	prompt_set(p, initial != NULL ? initial : "");
	return &p->mode;
}
