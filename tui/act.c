/*
 * act.c: what the console does to an incident, through the runtime's
 * action gate: acknowledge (again: extend), take the acknowledgement
 * back, add a note; and the silences made (the silence form) and expired
 * (':silences') by hand.
 *
 * A key never waits for the world.  It says what it is doing in the
 * footer and starts the action from the loop a moment later, so the
 * screen answers the key first; the outcome arrives as a footer message
 * and a rebuild of the views (the incident row changed).  A console
 * without a gate (read-only: --readonly, or a context with readonly:
 * true) says why and writes nothing.  Actions in
 * flight belong to the app: switching context or quitting drops them
 * without a callback (the runtime's new gate cancels the old writes).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backends/runtime.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/conf.h"
#include "core/incident_act.h"
#include "core/loop.h"
#include "tui/app.h"

enum act_kind {
	ACT_KIND_ACK,
	ACT_KIND_UNACK,
	ACT_KIND_NOTE,
	ACT_KIND_SILENCE,
	ACT_KIND_EXPIRE,
	ACT_KIND_REFUSAL	/* a refusal to record */
};

struct tui_act {
	struct app		*a;
	enum act_kind		 kind;
	char			*id;
	char			*comment;
	int64_t			 for_ms;
	/* A silence: its matchers, end (0: for_ms from the start), author. */
	struct matchers		 matchers;
	int64_t			 ends_ms;
	char			*created_by;
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
	free(t->created_by);
	matchers_done(&t->matchers);
	free(t);
}

/* Why this console may not act now, or NULL; see app.h. */
char *
app_read_only_reason(struct app *a)
{
	char	*why;

	if (runtime_gate(a->rt) != NULL)
		return NULL;
	why = runtime_read_only_reason(a->rt);
	return why != NULL ? why : xstrdup("this console may not act (no "
	    "context)");
}

/* Record a refusal (t->comment what, t->id target, t->created_by why). */
static void
act_refusal(struct tui_act *t)
{
	struct app	*a = t->a;
	char		*actor, *cause = NULL;

	actor = a->conf->operator_name != NULL &&
	    *a->conf->operator_name != '\0' ?
	    xstrdup(a->conf->operator_name) : action_default_actor();
	if (action_refusal(a->cache, a->ctx != NULL ? a->ctx->name : NULL,
	    actor, t->comment, t->id, t->created_by, &cause) != 0) {
		app_message(a, "%s; and this refusal is NOT in the audit log: "
		    "%s", t->created_by, cause);
		free(cause);
	}
	free(actor);
	act_free(t);
}

/* Say why this console may not act, if it may not; see app.h. */
int
app_refuse_read_only(struct app *a)
{
	char	*why;

	if ((why = app_read_only_reason(a)) == NULL)
		return 0;
	app_message(a, "%s", why);
	free(why);
	return 1;
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

/* A silence's outcome, as the gate reports it: a footer message. */
static void
act_gate_done(const struct action_result *r, void *arg)
{
	struct tui_act	*t = arg;
	struct app	*a = t->a;
	const char	*what = t->kind == ACT_KIND_EXPIRE ? "expired" :
			    "created";

	if (r->status != ACTION_OK)
		app_message(a, "silence not %s: %s", what, r->message != NULL ?
		    r->message : "no reason given");
	else if (r->id != NULL && (r->message == NULL ||
	    strstr(r->message, r->id) == NULL))
		app_message(a, "%s (%s)%s%s", r->message != NULL ?
		    r->message : what, r->id, r->warning != NULL ? "; " : "",
		    r->warning != NULL ? r->warning : "");
	else
		app_message(a, "%s%s%s", r->message != NULL ? r->message : what,
		    r->warning != NULL ? "; " : "",
		    r->warning != NULL ? r->warning : "");
	a->data_dirty = 1;
	a->dirty = 1;
	act_free(t);
}

/* Create the silence of t, from now. */
static void
act_silence(struct tui_act *t, struct action_gate *g)
{
	struct action_silence	s;
	int64_t			now = app_now_ms(t->a);

	memset(&s, 0, sizeof s);
	s.matchers = &t->matchers;
	s.starts_ms = now;
	s.ends_ms = t->ends_ms > 0 ? t->ends_ms : now + t->for_ms;
	s.comment = t->comment;
	s.created_by = t->created_by;
	action_silence(g, &s, "silence", act_gate_done, t);
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
	if (t->kind == ACT_KIND_REFUSAL) {
		act_refusal(t);
		return -1;
	}
	if (g == NULL) {
		app_refuse_read_only(t->a);
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
	case ACT_KIND_SILENCE:
		act_silence(t, g);
		break;
	case ACT_KIND_EXPIRE:
		action_expire(g, t->id, t->comment, act_gate_done, t);
		break;
	case ACT_KIND_NOTE:
	default:
		act_note(t, g);
		break;
	}
	return -1;
}

/* Queue an action on id; it, or NULL (said why) if it cannot be. */
static struct tui_act *
act_queue(struct app *a, enum act_kind kind, const char *id,
    int64_t for_ms, const char *comment)
{
	struct tui_act	*t;

	if (app_refuse_read_only(a))
		return NULL;
	t = xcalloc(1, sizeof *t);
	t->a = a;
	t->kind = kind;
	t->id = xstrdup(id);
	t->comment = comment != NULL ? xstrdup(comment) : NULL;
	t->for_ms = for_ms;
	matchers_init(&t->matchers);
	t->next = a->acts;
	a->acts = t;
	t->start = loop_timer_add(a->loop, 0, act_start, t);
	return t;
}

/* Acknowledge (or extend); see app.h. */
void
app_ack(struct app *a, const char *id, int64_t for_ms, const char *comment)
{
	if (act_queue(a, ACT_KIND_ACK, id, for_ms, comment) != NULL)
		app_message(a, "acknowledging incident %s in %s...", id,
		    action_gate_world(runtime_gate(a->rt)) != NULL ?
		    action_gate_world(runtime_gate(a->rt)) : "this cache");
}

/* Take an acknowledgement back; see app.h. */
void
app_unack(struct app *a, const char *id)
{
	if (act_queue(a, ACT_KIND_UNACK, id, 0, NULL) != NULL)
		app_message(a, "taking back the acknowledgement of %s...", id);
}

/* Add a note; see app.h. */
void
app_note(struct app *a, const char *id, const char *text)
{
	if (act_queue(a, ACT_KIND_NOTE, id, 0, text) != NULL)
		app_message(a, "adding a note to incident %s...", id);
}

/* Create a silence by hand; see app.h. */
void
app_silence(struct app *a, const struct matchers *m, int64_t for_ms,
    int64_t ends_ms, const char *comment, const char *created_by)
{
	struct tui_act	*t;
	size_t		 i;

	if ((t = act_queue(a, ACT_KIND_SILENCE, "", for_ms, comment)) == NULL)
		return;
	for (i = 0; i < m->n; i++)
		matchers_add(&t->matchers, m->v[i].name, m->v[i].op,
		    m->v[i].value);
	t->ends_ms = ends_ms;
	t->created_by = xstrdup(created_by);
	app_message(a, "creating the silence in %s...",
	    action_gate_world(runtime_gate(a->rt)) != NULL ?
	    action_gate_world(runtime_gate(a->rt)) : "this cache");
}

/*
 * A refusal, recorded from the loop a moment later (the append is synced:
 * never on the key path); see app.h.
 */
void
app_refusal(struct app *a, const char *action, const char *target,
    const char *why)
{
	struct tui_act	*t;

	t = xcalloc(1, sizeof *t);
	t->a = a;
	t->kind = ACT_KIND_REFUSAL;
	t->id = xstrdup(target);
	t->comment = xstrdup(action);
	t->created_by = xstrdup(why);
	matchers_init(&t->matchers);
	t->next = a->acts;
	a->acts = t;
	t->start = loop_timer_add(a->loop, 0, act_start, t);
}

/* Expire silence id; see app.h. */
void
app_expire(struct app *a, const char *id)
{
	char	*target = xasprintf("silence %s", id);

	if (act_queue(a, ACT_KIND_EXPIRE, id, 0, target) != NULL)
		app_message(a, "expiring silence %s...", id);
	free(target);
}
