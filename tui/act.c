/*
 * act.c: what the console does to an incident, through the runtime's
 * action gate: acknowledge (again: extend), take the acknowledgement
 * back, add a note.
 *
 * A key never waits for the world.  It says what it is doing in the
 * footer and starts the action from the loop a moment later, so the
 * screen answers the key first; the outcome arrives as a footer message
 * and a rebuild of the views (the incident row changed).  A console
 * without a gate (read-only) says so and writes nothing.  Actions in
 * flight belong to the app: switching context or quitting drops them
 * without a callback (the runtime's new gate cancels the old writes).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backends/runtime.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/incident_act.h"
#include "core/loop.h"
#include "tui/app.h"

enum act_kind {
	ACT_KIND_ACK,
	ACT_KIND_UNACK,
	ACT_KIND_NOTE
};

struct tui_act {
	struct app		*a;
	enum act_kind		 kind;
	char			*id;
	char			*comment;
	int64_t			 for_ms;
	struct loop_timer	*start;		/* until it starts */
	struct tui_act		*next;
};

/* Take act off the app's list and free it. */
static void
act_free(struct tui_act *t)
{
	struct tui_act	**p;

	for (p = &t->a->acts; *p != NULL; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	if (t->start != NULL)
		loop_timer_del(t->start);
	free(t->id);
	free(t->comment);
	free(t);
}

/* Forget every action in flight; see app.h. */
void
app_acts_free(struct app *a)
{
	while (a->acts != NULL)
		act_free(a->acts);
}

/* The outcome: a footer message and fresh views. */
static void
act_done(const struct incident_outcome *o, void *arg)
{
	struct tui_act	*t = arg;
	struct app	*a = t->a;

	if (o->warning != NULL)
		app_message(a, "%s (%s)", o->message, o->warning);
	else
		app_message(a, "%s", o->message);
	a->data_dirty = 1;
	a->dirty = 1;
	act_free(t);
}

/* Write a note (a short local write, from the loop). */
static void
act_note(struct tui_act *t, struct action_gate *g)
{
	struct app	*a = t->a;
	char		*cause = NULL;

	if (incident_note(g, t->id, t->comment, app_now_ms(a), &cause) != 0) {
		app_message(a, "%s", cause);
		free(cause);
	} else {
		app_message(a, "note added to incident %s", t->id);
		a->data_dirty = 1;
	}
	a->dirty = 1;
	act_free(t);
}

/* Start the action, from the loop. */
static int64_t
act_start(void *arg)
{
	struct tui_act		*t = arg;
	struct action_gate	*g = runtime_gate(t->a->rt);

	t->start = NULL;
	if (g == NULL) {
		app_message(t->a, "this console may not act (read-only)");
		act_free(t);
		return -1;
	}
	switch (t->kind) {
	case ACT_KIND_ACK:
		incident_ack(g, t->a->conf, t->id, t->for_ms, t->comment,
		    app_now_ms(t->a), act_done, t);
		break;
	case ACT_KIND_UNACK:
		incident_unack(g, t->id, app_now_ms(t->a), act_done, t);
		break;
	case ACT_KIND_NOTE:
	default:
		act_note(t, g);
		break;
	}
	return -1;
}

/* Queue an action on incident id; 0, or -1 (said why) if it cannot be. */
static int
act_queue(struct app *a, enum act_kind kind, const char *id,
    int64_t for_ms, const char *comment)
{
	struct tui_act	*t;

	if (runtime_gate(a->rt) == NULL) {
		app_message(a, "this console may not act (read-only)");
		return -1;
	}
	t = xcalloc(1, sizeof *t);
	t->a = a;
	t->kind = kind;
	t->id = xstrdup(id);
	t->comment = comment != NULL ? xstrdup(comment) : NULL;
	t->for_ms = for_ms;
	t->next = a->acts;
	a->acts = t;
	t->start = loop_timer_add(a->loop, 0, act_start, t);
	return 0;
}

/* Acknowledge (or extend); see app.h. */
void
app_ack(struct app *a, const char *id, int64_t for_ms, const char *comment)
{
	if (act_queue(a, ACT_KIND_ACK, id, for_ms, comment) == 0)
		app_message(a, "acknowledging incident %s in %s...", id,
		    action_gate_world(runtime_gate(a->rt)) != NULL ?
		    action_gate_world(runtime_gate(a->rt)) : "this cache");
}

/* Take an acknowledgement back; see app.h. */
void
app_unack(struct app *a, const char *id)
{
	if (act_queue(a, ACT_KIND_UNACK, id, 0, NULL) == 0)
		app_message(a, "taking back the acknowledgement of %s...", id);
}

/* Add a note; see app.h. */
void
app_note(struct app *a, const char *id, const char *text)
{
	if (act_queue(a, ACT_KIND_NOTE, id, 0, text) == 0)
		app_message(a, "adding a note to incident %s...", id);
}
