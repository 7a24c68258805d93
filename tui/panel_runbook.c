/*
 * panel_runbook.c: the Runbook panel, what to do about the incident
 * selected in the Incidents panel: its runbook link, summary, services
 * and alerts.  Enter opens the incident's detail page.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>

#include "base/util.h"
#include "base/xmalloc.h"
#include "core/views.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/mode.h"
#include "tui/panel.h"

/* This panel's index in the table. */
static int
runbook_index(void)
{
	size_t	i;

	for (i = 0; i < panel_count; i++) {
		if (panel_table[i] == &panel_runbook)
			return (int)i;
	}
	return 0;
}

/* Draw the runbook of the selected incident. */
static void
runbook_draw(struct app *a, int y, int x, int h, int w)
{
	const struct view_incident	*inc = panel_incidents_selected(a);
	char				*line, when[40], buf[512];
	int				 row = 0;
	size_t				 i;

	if (inc == NULL) {
		if (!panel_source_note(a, runbook_index(), y, x, w, 0)) {
			line = panel_empty_note(a, runbook_index());
			draw_text(stdscr, y, x, w, line, theme_attr(SLOT_DIM));
			free(line);
		}
		return;
	}
	draw_text(stdscr, y + row++, x, w, inc->title,
	    theme_attr(SLOT_TITLE));
	line = xasprintf("%s, %zu alert%s, since %s%s", vocab_severity_word(
	    inc->severity), inc->nalerts, inc->nalerts == 1 ? "" : "s",
	    util_format_rfc3339(inc->started_ms, when, sizeof when),
	    inc->silenced ? ", silenced" : "");
	if (row < h)
		draw_text(stdscr, y + row++, x, w, line,
		    theme_attr(draw_tone_slot(vocab_severity_tone(inc->severity))));
	free(line);
	if (row < h && *vocab_ack_line(inc, app_now_ms(a), buf, sizeof buf))
		draw_text(stdscr, y + row++, x, w, buf, theme_attr(
		    inc->ack_local ? SLOT_WARN : SLOT_OK));
	if (row < h && *vocab_escalation_line(inc, buf, sizeof buf))
		draw_text(stdscr, y + row++, x, w, buf, theme_attr(
		    inc->esc_next_in_ms >= 0 ? SLOT_WARN : SLOT_DIM));
	if (row < h) {
		line = xasprintf("runbook: %s", inc->runbook_url != NULL ?
		    inc->runbook_url : "(none in the alert's annotations)");
		draw_text(stdscr, y + row++, x, w, line, inc->runbook_url ?
		    theme_attr(SLOT_ACCENT) : theme_attr(SLOT_DIM));
		free(line);
	}
	if (row < h && inc->summary != NULL) {
		line = xasprintf("summary: %s", inc->summary);
		draw_text(stdscr, y + row++, x, w, line, 0);
		free(line);
	}
	for (i = 0; i < inc->nservices && row < h; i++) {
		line = xasprintf("service: %s", inc->services[i]);
		draw_text(stdscr, y + row++, x, w, line, 0);
		free(line);
	}
	for (i = 0; i < inc->nalerts && row < h; i++) {
		const struct view_alert *al = &a->views->alerts[inc->alerts[i]];

		line = xasprintf("  %s %s %s", al->alertname,
		    al->severity_label != NULL ? al->severity_label : "",
		    al->summary != NULL ? al->summary : "");
		draw_text(stdscr, y + row++, x, w, line, theme_attr(SLOT_DIM));
		free(line);
	}
}

/* The rows the runbook draws for the selected incident. */
static int
runbook_lines(struct app *a)
{
	const struct view_incident	*inc = panel_incidents_selected(a);

	if (inc == NULL)
		return 1;
	return 3 + (inc->summary != NULL) + (inc->ack_by != NULL) +
	    (inc->esc_levels > 0 && inc->esc_level > 0) +
	    (int)inc->nservices + (int)inc->nalerts;
}

/* The selected incident's title, as the collapsed summary. */
static char *
runbook_summary(struct app *a, int panel)
{
	const struct view_incident	*inc = panel_incidents_selected(a);

	(void)panel;
	return xstrdup(inc != NULL ? inc->title : "no incident selected");
}

/* The selected incident's detail page. */
static struct mode *
runbook_open(struct app *a, int panel)
{
	const struct view_incident	*inc = panel_incidents_selected(a);

	(void)panel;
	return inc != NULL ? panel_incident_detail(a, inc) : NULL;
}

const struct panel_ops panel_runbook = {
	.name = "runbook",
	.title = "4 Runbook",
	.sources = { "alertmanager" },
	.noun = "incidents",
	.empty = "no incident selected; firing incidents list in panel 3",
	.draw = runbook_draw,
	.lines = runbook_lines,
	.summary = runbook_summary,
	.open = runbook_open,
};
