/*
 * mode_help.c: the help page, generated from the key table and the
 * command table, so it cannot drift from what the keys and commands do.
 * A console that may not act keeps its acting keys and commands listed,
 * marked "(read-only)", under a line that says why.
 */
#include "config.h"

#include <stdlib.h>

#include "base/buf.h"
#include "tui/app.h"
#include "tui/commands.h"
#include "tui/keymap.h"
#include "tui/mode.h"

/* Add a buffer's text as lines, without its final newline. */
static void
help_add(struct mode *m, enum theme_slot slot, struct buf *b)
{
	if (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
	mode_page_add(m, slot, "%s", buf_str(b));
}

/* The help page; see mode.h. */
struct mode *
mode_help_new(struct app *a)
{
	struct mode	*m;
	struct buf	 b;
	char		*why = app_read_only_reason(a);
	const char	*mark = why != NULL ? "(read-only)" : NULL;

	m = mode_page_new("Keys (from the key table; remap with keys: in the "
	    "config)");
	if (why != NULL)
		mode_page_add(m, SLOT_WARN, "%s: what is marked (read-only) "
		    "is unavailable", why);
	free(why);
	buf_init(&b, 0);
	keymap_help_marked(a->km, &b, mark);
	help_add(m, SLOT_NORMAL, &b);
	buf_done(&b);
	mode_page_add(m, SLOT_TITLE, "Commands (after :)");
	buf_init(&b, 0);
	commands_help(&b, mark);
	help_add(m, SLOT_NORMAL, &b);
	buf_done(&b);
	return m;
}
