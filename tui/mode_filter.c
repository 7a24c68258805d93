/*
 * mode_filter.c: '/', the live filter of the focused panel.  Rows narrow
 * as each character is typed; Enter keeps the filter, Esc clears it.
 */
#include "config.h"

#include <stdint.h>

#include "tui/app.h"
#include "tui/list.h"
#include "tui/mode.h"

/* The panel the filter belongs to, carried as the prompt's argument. */
static int
filter_panel(void *arg)
{
	return (int)(intptr_t)arg;
}

/* Each keystroke refilters. */
static void
filter_change(struct app *a, const char *text, void *arg)
{
	list_set_filter(a, filter_panel(arg), text);
}

/* Esc: no filter. */
static void
filter_cancel(struct app *a, void *arg)
{
	list_set_filter(a, filter_panel(arg), NULL);
}

static const struct prompt_ops filter_ops = {
	.name = "filter",
	.reopen = mode_filter_new,
	.change = filter_change,
	.cancel = filter_cancel,
};

/* The filter line of the focused panel, starting from its filter. */
struct mode *
mode_filter_new(struct app *a)
{
	return prompt_new('/', a->lists[a->focus].filter, &filter_ops,
	    (void *)(intptr_t)a->focus);
}
