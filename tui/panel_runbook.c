/*
 * panel_runbook.c: the Runbook panel, what to do about the incident
 * selected in the Incidents panel: its acknowledgement and escalation
 * (whom the level reaches and who is next, with oncall:), runbook link,
 * the matched runbook as a checklist (text, links, checks marked from
 * their live values, action steps marked done from the timeline, and the
 * next action), summary, services and alerts.  Enter opens the
 * incident's detail page; 'o' copies the runbook link (OSC 52) and shows
 * it in the footer.
 */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/runbook.h"
#include "core/views.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/mode.h"
#include "tui/panel.h"
#include "tui/runbook_live.h"

#define RB_MAX_LINES	(RUNBOOK_MAX_STEPS + 4)
#define RB_OSC52_MAX	4096	/* longest link copied */

/* The checklist's lines: text and theme slot each. */
struct rb_lines {
	char	*text[RB_MAX_LINES];
	int	 slot[RB_MAX_LINES];
	int	 bold[RB_MAX_LINES];
	size_t	 n;
};

/* Add a line (s taken). */
static void
rb_add(struct rb_lines *l, char *s, int slot, int bold)
{
	if (l->n == RB_MAX_LINES) {
		free(s);
		return;
	}
	l->text[l->n] = s;
	l->slot[l->n] = slot;
	l->bold[l->n++] = bold;
}

/* Free the lines. */
static void
rb_lines_done(struct rb_lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->text[i]);
	l->n = 0;
}

/* A template expanded, or as written when a label is missing. */
static char *
rb_show(const char *t, const struct conf_kv *labels, size_t n)
{
	char	*s, *cause = NULL;

	if (t == NULL)
		return xstrdup("");
	if ((s = runbook_expand(t, labels, n, &cause)) == NULL) {
		free(cause);
		s = xstrdup(t);
	}
	return s;
}

/* A check's line: mark, description, value or state, condition. */
static char *
rb_check_line(struct app *a, const struct runbook_step *st,
    const struct conf_kv *labels, size_t n, int *slot)
{
	struct rl_result	 r;
	char			*q, *d, *line, *cause = NULL;
	int			 holds;

	d = rb_show(st->text != NULL ? st->text : st->query, labels, n);
	if ((q = runbook_expand(st->query, labels, n, &cause)) == NULL) {
		line = xasprintf("  ? %s: %s", d, cause);
		free(cause);
		free(d);
		*slot = SLOT_UNKNOWN;
		return line;
	}
	r = runbook_live_check(a, q);
	free(q);
	if (r.state == RL_PENDING) {
		line = xasprintf("  %s %s (evaluating; expect %s)",
		    a->utf8 ? "\u2026" : "...", d, st->expect);
		*slot = SLOT_DIM;
	} else if (r.state == RL_ERROR) {
		line = xasprintf("  ? %s: %s", d, r.error);
		*slot = SLOT_UNKNOWN;
	} else {
		holds = runbook_check_holds(st, r.value);
		line = xasprintf("  %s %s: %.4g (expect %s)", holds ?
		    (a->utf8 ? "\u2714" : "ok") : (a->utf8 ? "\u2718" : "NO"),
		    d, r.value, st->expect);
		*slot = holds ? SLOT_OK : SLOT_CRIT;
	}
	free(d);
	return line;
}

/* The selected incident's runbook as lines; none when it has none. */
static void
rb_checklist(struct app *a, const struct view_incident *inc,
    struct rb_lines *l)
{
	const struct runbook		*rb;
	struct runbook_request		 req;
	struct conf_kv			*labels;
	size_t				 n, i, next = (size_t)-1;
	char				*s, *t, *cause = NULL;
	int				 slot, done;

	l->n = 0;
	if ((rb = runbook_live_match(a, inc, &labels, &n)) == NULL)
		return;
	rb_add(l, xasprintf("runbook %s:", rb->name), SLOT_TITLE, 0);
	if (runbook_live_next(a, &req, &next, &cause) == 0)
		runbook_request_done(&req);
	for (i = 0; i < rb->nsteps; i++) {
		const struct runbook_step *st = &rb->steps[i];

		switch (st->kind) {
		case RUNBOOK_TEXT:
			t = rb_show(st->text, labels, n);
			rb_add(l, xasprintf("  - %s", t), SLOT_NORMAL, 0);
			free(t);
			break;
		case RUNBOOK_LINK:
			t = rb_show(st->url, labels, n);
			s = rb_show(st->text, labels, n);
			rb_add(l, xasprintf("  %s %s%s%s", a->utf8 ? "\u2197" :
			    "->", s, *s != '\0' ? ": " : "", t), SLOT_ACCENT, 0);
			free(s);
			free(t);
			break;
		case RUNBOOK_CHECK:
			s = rb_check_line(a, st, labels, n, &slot);
			rb_add(l, s, slot, 0);
			break;
		case RUNBOOK_ACTION:
			if (runbook_step_request(rb, i, labels, n, inc->id,
			    &req, &t) != 0) {
				rb_add(l, xasprintf("  [!] %s: %s",
				    st->action->name, t), SLOT_CRIT, 0);
				free(t);
				break;
			}
			done = runbook_live_done(a, inc, rb, i, req.title);
			t = st->note != NULL ? rb_show(st->note, labels, n) :
			    NULL;
			rb_add(l, xasprintf("  %s %s%s%s", done ? "[x]" :
			    st->alternative ? "or:" : "[ ]", req.title,
			    t != NULL ? " -- " : "", t != NULL ? t : ""),
			    done ? SLOT_OK : i == next ? SLOT_WARN :
			    SLOT_NORMAL, i == next);
			free(t);
			runbook_request_done(&req);
			break;
		}
	}
	if (next != (size_t)-1) {
		if (runbook_step_request(rb, next, labels, n, inc->id, &req,
		    &t) == 0) {
			rb_add(l, xasprintf("next (n): %s", req.title),
			    SLOT_WARN, 1);
			runbook_request_done(&req);
		} else
			free(t);
	} else if (cause != NULL)
		rb_add(l, xasprintf("next: cannot fill it: %s", cause),
		    SLOT_CRIT, 1);
	free(cause);
	runbook_labels_free(labels, n);
}

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
	struct rb_lines			 cl;
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
	if (row < h && *vocab_reach_line(inc, 0, buf, sizeof buf))
		draw_text(stdscr, y + row++, x, w, buf, 0);
	if (row < h && *vocab_reach_line(inc, 1, buf, sizeof buf))
		draw_text(stdscr, y + row++, x, w, buf, theme_attr(SLOT_DIM));
	if (row < h) {
		line = xasprintf("runbook: %s", inc->runbook_url != NULL ?
		    inc->runbook_url : "(none in the alert's annotations)");
		draw_text(stdscr, y + row++, x, w, line, inc->runbook_url ?
		    theme_attr(SLOT_ACCENT) : theme_attr(SLOT_DIM));
		free(line);
	}
	rb_checklist(a, inc, &cl);
	for (i = 0; i < cl.n && row < h; i++)
		draw_text(stdscr, y + row++, x, w, cl.text[i],
		    theme_attr((enum theme_slot)cl.slot[i]) |
		    (cl.bold[i] ? A_BOLD : 0));
	rb_lines_done(&cl);
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
	struct rb_lines			 cl;
	char				 buf[512];
	int				 n;

	if (inc == NULL)
		return 1;
	rb_checklist(a, inc, &cl);
	n = (int)cl.n;
	rb_lines_done(&cl);
	return n + 3 + (inc->summary != NULL) + (inc->ack_by != NULL) +
	    (inc->esc_levels > 0 && inc->esc_level > 0) +
	    (*vocab_reach_line(inc, 0, buf, sizeof buf) != '\0') +
	    (*vocab_reach_line(inc, 1, buf, sizeof buf) != '\0') +
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

/*
 * 'n': the runbook's next action for the selected incident: an
 * acknowledgement or a silence as the incidents panel takes them, any
 * other through the action dialog (checks, preview, y).  The request
 * names the incident, so the action lands in its timeline and the step
 * is then marked done.
 */
static int
runbook_next(struct app *a, const struct view_incident *inc)
{
	struct runbook_request	 rq;
	struct mode		*m;
	char			*cause = NULL;
	int			 rc;

	if (inc == NULL) {
		app_message(a, "no incident selected: pick one in 3 Incidents");
		return KEY_HANDLED | KEY_REDRAW;
	}
	memset(&rq, 0, sizeof rq);
	if ((rc = runbook_live_next(a, &rq, NULL, &cause)) != 0) {
		if (rc < 0)
			app_message(a, "%s", cause);
		else
			app_message(a, "no next action: no runbook matches, or "
			    "every action step is done");
		free(cause);
		return KEY_HANDLED | KEY_REDRAW;
	}
	if (rq.req.kind == ACTION_ACK) {
		if (!app_refuse_read_only(a))
			app_ack(a, inc->id, 0, NULL);
	} else if (rq.req.kind == ACTION_SILENCE) {
		if ((m = mode_silence_form_new(a, inc, &cause)) == NULL) {
			app_message(a, "%s", cause);
			free(cause);
		} else
			app_push(a, m);
	} else if ((m = mode_action_new(a, &rq.req, &cause)) == NULL) {
		app_message(a, "%s", cause);
		free(cause);
	} else
		app_push(a, m);
	runbook_request_done(&rq);
	return KEY_HANDLED | KEY_REDRAW;
}

/*
 * 'o': the runbook link of the selected incident to the local clipboard
 * with OSC 52 (tmux keeps it as a buffer with set-clipboard on and passes
 * it on), and in the footer, since no terminal says whether it took it.
 * Nothing is started: no browser, no program, from a key.
 */
static int
runbook_key(struct app *a, int panel, int action)
{
	const struct view_incident	*inc = panel_incidents_selected(a);
	const char			*term = getenv("TERM");
	char				*b64;
	size_t				 len;

	(void)panel;
	if (action == ACT_NEXT_STEP)
		return runbook_next(a, inc);
	if (action != ACT_COPY_URL)
		return 0;
	if (inc == NULL || inc->runbook_url == NULL) {
		app_message(a, "no runbook link: the incident's alerts have "
		    "no runbook_url annotation");
		return KEY_HANDLED | KEY_REDRAW;
	}
	len = strlen(inc->runbook_url);
	if (len <= RB_OSC52_MAX && a->curses_on && term != NULL &&
	    strcmp(term, "dumb") != 0 && strcmp(term, "linux") != 0) {
		b64 = base64_encode(inc->runbook_url, len);
		printf("\033]52;c;%s\a", b64);
		fflush(stdout);
		free(b64);
		app_message(a, "copied: %s", inc->runbook_url);
	} else
		app_message(a, "runbook: %s", inc->runbook_url);
	return KEY_HANDLED | KEY_REDRAW;
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
	.key = runbook_key,
	.open = runbook_open,
};
