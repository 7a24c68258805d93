/*
 * panel_incidents.c: the Incidents panel, firing alerts grouped into
 * incidents (priority, severity, age, alerts, state, title), and an
 * incident's detail page: every alert with its labels and annotations.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/xmalloc.h"
#include "core/views.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/mode.h"
#include "tui/panel.h"

/* This panel's index in the table. */
static int
incidents_index(void)
{
	size_t	i;

	for (i = 0; i < panel_count; i++) {
		if (panel_table[i] == &panel_incidents)
			return (int)i;
	}
	return -1;
}

/* The selected incident, or NULL; see panel.h. */
const struct view_incident *
panel_incidents_selected(struct app *a)
{
	int	panel = incidents_index();
	long	i;

	if (a->views == NULL || panel < 0)
		return NULL;
	i = list_selected(&a->lists[panel]);
	return i >= 0 ? &a->views->incidents[i] : NULL;
}

/* Incidents in the views. */
static size_t
incidents_count(const struct views *v)
{
	return v->nincidents;
}

/* An incident's filter text and identity. */
static char *
incidents_row_text(const struct views *v, size_t i, char **key)
{
	const struct view_incident	*inc = &v->incidents[i];

	*key = xstrdup(inc->id);
	return xasprintf("%s %s %s %s", inc->title,
	    vocab_severity_word(inc->severity), inc->key, inc->summary != NULL ?
	    inc->summary : "");
}

/* Whether an incident is grouped by namespace ns (exactly, not a prefix). */
static int
incidents_in_ns(const struct views *v, size_t i, const char *ns)
{
	const char	*key = v->incidents[i].key, *k;
	size_t		 n = strlen(ns);

	for (k = key; (k = strstr(k, "namespace=")) != NULL; k += 10) {
		if ((k == key || k[-1] == ',') && strncmp(k + 10, ns, n) == 0 &&
		    (k[10 + n] == ',' || k[10 + n] == '\0'))
			return 1;
	}
	return 0;
}

/*
 * The column header, and at its right the alert pipeline's line when it
 * is watched ("alert pipeline: ok", "... silent for 7m"); on a panel too
 * narrow for both, the pipeline's line alone.  A panel just short of room
 * for both leaves the title's column unnamed.
 */
static void
incidents_header(struct app *a, int y, int x, int w)
{
	static const char	 head[] =
	    "PRI SEVERITY  AGE    ALERTS  STATE     TITLE";
	static const char	 untitled[] =
	    "PRI SEVERITY  AGE    ALERTS  STATE";
	const struct view_pipeline *p = a->views != NULL ?
	    &a->views->pipeline : NULL;
	char			 line[128];
	int			 n;

	if (p == NULL || p->state == PIPELINE_UNWATCHED) {
		draw_cell(stdscr, y, x, w, head, theme_attr(SLOT_DIM));
		return;
	}
	vocab_pipeline_line(p, line, sizeof line);
	n = (int)strlen(line);
	/* Short of room, the title's column goes unnamed first. */
	if (w >= (int)sizeof head + 1 + n) {
		draw_cell(stdscr, y, x, w - n, head, theme_attr(SLOT_DIM));
		x += w - n;
		w = n;
	} else if (w >= (int)sizeof untitled + 1 + n) {
		draw_cell(stdscr, y, x, w - n, untitled,
		    theme_attr(SLOT_DIM));
		x += w - n;
		w = n;
	}
	draw_cell(stdscr, y, x, w, line, theme_attr(draw_tone_slot(
	    vocab_pipeline_tone(p->state))));
}

/* One incident. */
static void
incidents_row(struct app *a, size_t i, int y, int x, int w, unsigned long at)
{
	const struct view_incident	*inc = &a->views->incidents[i];
	char				 cell[64], age[32];
	unsigned long			 dim = at != 0 ? at :
	    theme_attr(SLOT_DIM);

	draw_cell(stdscr, y, x, 4, vocab_priority_word(inc->priority),
	    at != 0 ? at : theme_attr(draw_tone_slot(
	    vocab_priority_tone(inc->priority))) | A_BOLD);
	draw_cell(stdscr, y, x + 4, 10, vocab_severity_word(inc->severity),
	    at != 0 ? at : theme_attr(draw_tone_slot(vocab_severity_tone(inc->severity))) |
	    A_BOLD);
	draw_cell(stdscr, y, x + 14, 7, vocab_age(inc->started_ms,
	    app_now_ms(a), age, sizeof age), at);
	snprintf(cell, sizeof cell, "%zu", inc->nalerts);
	draw_cell(stdscr, y, x + 21, 8, cell, at);
	draw_cell(stdscr, y, x + 29, 10, vocab_incident_state_word(inc->state),
	    at);
	if (inc->silenced || inc->inhibited) {
		snprintf(cell, sizeof cell, "[%s] ", inc->silenced ?
		    "silenced" : "inhibited");
		draw_cell(stdscr, y, x + 39, 12, cell, dim);
		draw_cell(stdscr, y, x + 51, w - 51, inc->title, dim);
	} else
		draw_cell(stdscr, y, x + 39, w - 39, inc->title, at);
}

/* "N incidents, M unsilenced, K alerts". */
static char *
incidents_summary(struct app *a, int panel)
{
	const struct list	*l = &a->lists[panel];
	const struct views	*v = a->views;
	size_t			 k, i, bad = 0, alerts = 0;
	char			 shown[48];

	for (k = 0; k < l->nrows; k++) {
		i = l->rows[k];
		bad += !v->incidents[i].silenced && !v->incidents[i].inhibited;
		alerts += v->incidents[i].nalerts;
	}
	return xasprintf("%s%zu %s, %zu unsilenced, %zu %s",
	    panel_shown(a, panel, v->nincidents, shown, sizeof shown),
	    v->nincidents, vocab_plural(v->nincidents, "incident",
	    "incidents"), bad, alerts, vocab_plural(alerts, "alert",
	    "alerts"));
}

/*
 * The detail page of an incident; see panel.h.  The cache's page (its
 * acknowledgement, receivers, timeline) when the cache keeps it, else
 * what the views know.
 */
struct mode *
panel_incident_detail(struct app *a, const struct view_incident *inc)
{
	struct mode	*m;
	char		 when[40], *title, *cause = NULL;
	size_t		 i;

	if (inc->id != NULL && (m = mode_incident_new(a, inc->id,
	    &cause)) != NULL)
		return m;
	title = xasprintf("Incident %s", inc->id != NULL ? inc->id : "");
	m = mode_page_new(title);
	free(title);
	mode_page_add(m, draw_tone_slot(vocab_severity_tone(inc->severity)), "%s", inc->title);
	mode_page_add(m, SLOT_NORMAL, "%s, severity %s, %s, since %s, "
	    "%zu alert%s%s", vocab_priority_word(inc->priority),
	    vocab_severity_word(inc->severity), inc->state,
	    util_format_rfc3339(inc->started_ms, when, sizeof when),
	    inc->nalerts, vocab_plural(inc->nalerts, "", "s"), inc->silenced ?
	    ", silenced" : inc->inhibited ? ", inhibited" : "");
	mode_page_add(m, SLOT_NORMAL, "group: %s", inc->key);
	if (inc->recurrence_of != NULL)
		mode_page_add(m, SLOT_NORMAL, "a recurrence of incident %s",
		    inc->recurrence_of);
	if (inc->runbook_url != NULL)
		mode_page_add(m, SLOT_ACCENT, "runbook: %s", inc->runbook_url);
	if (inc->summary != NULL)
		mode_page_add(m, SLOT_NORMAL, "summary: %s", inc->summary);
	for (i = 0; i < inc->nalerts; i++) {
		const struct view_alert *al = &a->views->alerts[inc->alerts[i]];

		mode_page_add(m, SLOT_TITLE, "Alert %s (%s, %s%s)",
		    al->alertname, al->fingerprint, al->state, al->silenced ?
		    ", silenced" : "");
		mode_page_pairs(m, " labels", al->labels);
		mode_page_pairs(m, " annotations", al->annotations);
	}
	if (cause != NULL)
		mode_page_add(m, SLOT_DIM, "no timeline: %s", cause);
	free(cause);
	return m;
}

/* The detail page of the selected incident. */
static struct mode *
incidents_open(struct app *a, int panel)
{
	long	i = list_selected(&a->lists[panel]);

	return i >= 0 ? panel_incident_detail(a, &a->views->incidents[i]) :
	    NULL;
}

/* 'a': acknowledge the selected incident. */
static int
incidents_key(struct app *a, int panel, int action)
{
	const struct view_incident	*inc;
	struct mode			*m;
	char				*cause = NULL;

	(void)panel;
	/* Read-only, say so before asking for a selection. */
	if ((action == ACT_SILENCE || action == ACT_ACK) &&
	    app_refuse_read_only(a))
		return KEY_HANDLED | KEY_REDRAW;
	if (action == ACT_SILENCE) {
		if ((inc = panel_incidents_selected(a)) == NULL)
			app_message(a, "no incident to silence");
		else if ((m = mode_silence_form_new(a, inc, &cause)) == NULL) {
			app_message(a, "%s", cause);
			free(cause);
		} else
			app_push(a, m);
		return KEY_HANDLED | KEY_REDRAW;
	}
	if (action != ACT_ACK)
		return 0;
	if ((inc = panel_incidents_selected(a)) == NULL)
		app_message(a, "no incident to acknowledge");
	else
		app_ack(a, inc->id, 0, NULL);
	return KEY_HANDLED | KEY_REDRAW;
}

const struct panel_ops panel_incidents = {
	.name = "incidents",
	.aliases = { "alerts" },
	.title = "3 Incidents",
	.sources = { "alertmanager" },
	.noun = "incidents",
	.empty = "no firing alerts",
	.count = incidents_count,
	.row_text = incidents_row_text,
	.in_ns = incidents_in_ns,
	.header = incidents_header,
	.row = incidents_row,
	.summary = incidents_summary,
	.open = incidents_open,
	.key = incidents_key,
};
