/*
 * mode_help.c: the help page, generated from the key table and the
 * command table, so it cannot drift from what the keys and commands do.
 * A console that may not act keeps its acting keys and commands listed,
 * marked "(read-only)", under a line that says why.  In a drill the page
 * opens with a hint, the runbook of the incident in question, and each
 * opening is counted in the run's cache (drill.hints).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "core/drill_run.h"
#include "core/views.h"
#include "tui/app.h"
#include "tui/commands.h"
#include "tui/keymap.h"
#include "tui/mode.h"
#include "tui/panel.h"
#include "tui/tui.h"

/* Add a buffer's text as lines, without its final newline. */
static void
help_add(struct mode *m, enum theme_slot slot, struct buf *b)
{
	if (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
	mode_page_add(m, slot, "%s", buf_str(b));
}

/*
 * The incident a hint is about: the one selected in 3 Incidents, else the
 * worst that is not resolved; NULL if there is none.
 */
static const struct view_incident *
help_hint_incident(struct app *a)
{
	const struct view_incident	*inc = panel_incidents_selected(a);
	size_t				 i;

	if (inc != NULL || a->views == NULL)
		return inc;
	for (i = 0; i < a->views->nincidents; i++) {
		inc = &a->views->incidents[i];
		if (inc->state == NULL || strcmp(inc->state, "resolved") != 0)
			return inc;
	}
	return NULL;
}

/* In a drill: the hint, and one more hint counted in the run's cache. */
static void
help_hint(struct mode *m, struct app *a)
{
	const struct view_incident	*inc = help_hint_incident(a);
	char				*cause = NULL;

	mode_page_add(m, SLOT_TITLE, "Hint (drill %s; each opening of this "
	    "page counts as a hint)", a->opts->drill);
	if (inc == NULL)
		mode_page_add(m, SLOT_NORMAL, "No incident is open yet: "
		    "watch 1 Health and 2 SLOs for what goes wrong first.");
	else {
		mode_page_add(m, SLOT_NORMAL, "Incident: %s", inc->title);
		if (inc->summary != NULL)
			mode_page_add(m, SLOT_NORMAL, "  %s", inc->summary);
		mode_page_add(m, SLOT_NORMAL, "Runbook: %s", inc->runbook_url !=
		    NULL ? inc->runbook_url : "none linked by its alerts");
		mode_page_add(m, SLOT_NORMAL, "Its steps and checks: 4 "
		    "Runbook, with the incident selected in 3 Incidents.");
	}
	if (drill_run_hint(a->cache, &cause) != 0) {
		mode_page_add(m, SLOT_WARN, "the hint was not counted: %s",
		    cause);
		free(cause);
	}
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
	if (a->opts != NULL && a->opts->drill != NULL)
		help_hint(m, a);
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
