/*
 * sim_actions.c: silences made and expired in the simulated world (see
 * sim_actions.h).  The rules are Alertmanager's where a person would
 * notice: a silence needs a matcher that does not match the empty string
 * and an end after its start; updating a running silence keeps its id,
 * updating an expired one makes a new one; expiring ends it now.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/runtime.h"
#include "backends/sim_actions.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/loop.h"

/* How long the simulated Alertmanager takes to answer. */
#define SIM_ANSWER_MS	40

struct sim_answer;

struct sim_actions {
	struct runtime			*rt;
	struct sim_action_silence	*silences;
	size_t				 nsilences;
	unsigned			 seq;
	struct sim_answer		*answers;	/* not delivered yet */
};

/* An answer on its way. */
struct sim_answer {
	struct sim_actions	*sa;
	struct loop_timer	*timer;
	enum action_status	 status;
	char			*message;
	char			*id;
	action_done_cb		 done;
	void			*arg;
	struct sim_answer	*next;
};

/* New, empty. */
struct sim_actions *
sim_actions_new(struct runtime *rt)
{
	struct sim_actions	*sa;

	sa = xcalloc(1, sizeof *sa);
	sa->rt = rt;
	return sa;
}

/* Take an answer off the list of those on their way. */
static void
sim_answer_unlink(struct sim_answer *a)
{
	struct sim_answer	**p;

	for (p = &a->sa->answers; *p != NULL; p = &(*p)->next) {
		if (*p == a) {
			*p = a->next;
			break;
		}
	}
}

/* Free an answer taken off the list. */
static void
sim_answer_free(struct sim_answer *a)
{
	free(a->message);
	free(a->id);
	free(a);
}

/* Drop every answer not delivered: nobody is called back. */
static void
sim_actions_cancel(void *impl)
{
	struct sim_actions	*sa = impl;
	struct sim_answer	*a;

	while ((a = sa->answers) != NULL) {
		loop_timer_del(a->timer);
		sim_answer_unlink(a);
		sim_answer_free(a);
	}
}

/* Free everything. */
void
sim_actions_free(struct sim_actions *sa)
{
	size_t	i;

	if (sa == NULL)
		return;
	sim_actions_cancel(sa);
	for (i = 0; i < sa->nsilences; i++) {
		free(sa->silences[i].id);
		matchers_done(&sa->silences[i].matchers);
		free(sa->silences[i].created_by);
		free(sa->silences[i].comment);
	}
	free(sa->silences);
	free(sa);
}

/* Deliver an answer. */
static int64_t
sim_answer_due(void *arg)
{
	struct sim_answer	*a = arg;
	struct action_result	 r;

	memset(&r, 0, sizeof r);
	r.status = a->status;
	r.message = a->message;
	r.id = a->id;
	/* Off the list first: the callback may cancel or free the world. */
	sim_answer_unlink(a);
	a->done(&r, a->arg);
	sim_answer_free(a);
	return -1;
}

/* Answer a moment later (message and id are taken). */
static void
sim_answer(struct sim_actions *sa, enum action_status status, char *message,
    const char *id, action_done_cb done, void *arg)
{
	struct sim_answer	*a;

	a = xcalloc(1, sizeof *a);
	a->sa = sa;
	a->status = status;
	a->message = message;
	a->id = id != NULL ? xstrdup(id) : NULL;
	a->done = done;
	a->arg = arg;
	a->next = sa->answers;
	sa->answers = a;
	a->timer = loop_timer_add(runtime_loop(sa->rt), SIM_ANSWER_MS,
	    sim_answer_due, a);
}

/* The silence of id, or NULL. */
static struct sim_action_silence *
sim_find(struct sim_actions *sa, const char *id)
{
	size_t	i;

	for (i = 0; i < sa->nsilences; i++) {
		if (strcmp(sa->silences[i].id, id) == 0)
			return &sa->silences[i];
	}
	return NULL;
}

/* Its state at now. */
const char *
sim_action_silence_state(const struct sim_action_silence *x, int64_t now)
{
	if (now < x->starts_ms)
		return "pending";
	return now < x->ends_ms ? "active" : "expired";
}

/* Whether some matcher does not match the empty string. */
static int
sim_matchers_narrow(const struct matchers *m)
{
	cJSON	*empty;
	size_t	 i;
	int	 narrow = 0;

	empty = cJSON_CreateObject();
	for (i = 0; i < m->n && !narrow; i++) {
		struct matchers	one;

		one.v = &m->v[i];
		one.n = 1;
		narrow = !matchers_match(&one, empty);
	}
	cJSON_Delete(empty);
	return narrow;
}

/* Create or update a silence. */
static void
sim_actions_silence(void *impl, const struct action_silence *s,
    action_done_cb done, void *arg)
{
	struct sim_actions		*sa = impl;
	struct sim_action_silence	*x;
	int64_t				 now = runtime_now_ms(sa->rt);
	int64_t				 starts = s->starts_ms > 0 ?
					     s->starts_ms : now;
	size_t				 i;

	if (s->matchers == NULL || !sim_matchers_narrow(s->matchers)) {
		sim_answer(sa, ACTION_INVALID, xstrdup("silence invalid: at "
		    "least one matcher must not match the empty string"),
		    NULL, done, arg);
		return;
	}
	if (s->ends_ms <= starts) {
		sim_answer(sa, ACTION_INVALID, xstrdup("silence invalid: end "
		    "time must not be before start time"), NULL, done, arg);
		return;
	}
	if (s->id != NULL) {
		if ((x = sim_find(sa, s->id)) == NULL) {
			sim_answer(sa, ACTION_INVALID, xasprintf("silence %s "
			    "not found", s->id), NULL, done, arg);
			return;
		}
		if (strcmp(sim_action_silence_state(x, now), "expired") != 0) {
			matchers_done(&x->matchers);
			for (i = 0; i < s->matchers->n; i++)
				matchers_add(&x->matchers,
				    s->matchers->v[i].name,
				    s->matchers->v[i].op,
				    s->matchers->v[i].value);
			x->ends_ms = s->ends_ms;
			free(x->comment);
			x->comment = xstrdup(s->comment);
			x->updated_ms = now;
			sim_answer(sa, ACTION_OK, xstrdup("silence updated in "
			    "the simulator"), x->id, done, arg);
			return;
		}
	}
	sa->silences = xreallocarray(sa->silences, sa->nsilences + 1,
	    sizeof *sa->silences);
	x = &sa->silences[sa->nsilences++];
	memset(x, 0, sizeof *x);
	/* Unique across processes on one demo cache, as Alertmanager's are. */
	x->id = xasprintf("sim-%08x-%04u", (unsigned)getpid() ^
	    (unsigned)(now / 1000), ++sa->seq);
	matchers_init(&x->matchers);
	for (i = 0; i < s->matchers->n; i++)
		matchers_add(&x->matchers, s->matchers->v[i].name,
		    s->matchers->v[i].op, s->matchers->v[i].value);
	x->created_by = xstrdup(s->created_by != NULL ? s->created_by : "");
	x->comment = xstrdup(s->comment != NULL ? s->comment : "");
	x->starts_ms = starts;
	x->ends_ms = s->ends_ms;
	x->updated_ms = now;
	sim_answer(sa, ACTION_OK, xstrdup("silence created in the "
	    "simulator"), x->id, done, arg);
}

/* Expire a silence now. */
static void
sim_actions_expire(void *impl, const char *id, action_done_cb done,
    void *arg)
{
	struct sim_actions		*sa = impl;
	struct sim_action_silence	*x;
	int64_t				 now = runtime_now_ms(sa->rt);

	if ((x = sim_find(sa, id)) == NULL) {
		sim_answer(sa, ACTION_INVALID, xasprintf("silence %s not found",
		    id), NULL, done, arg);
		return;
	}
	if (strcmp(sim_action_silence_state(x, now), "expired") == 0) {
		sim_answer(sa, ACTION_INVALID, xasprintf("silence %s already "
		    "expired", id), NULL, done, arg);
		return;
	}
	if (x->starts_ms > now)
		x->starts_ms = now;
	x->ends_ms = now;
	x->updated_ms = now;
	sim_answer(sa, ACTION_OK, xstrdup("silence expired in the simulator"),
	    x->id, done, arg);
}

/* The gate's world. */
void
sim_actions_world(struct sim_actions *sa, struct action_world *out)
{
	memset(out, 0, sizeof *out);
	out->name = "the simulator";
	out->impl = sa;
	out->silence = sim_actions_silence;
	out->expire = sim_actions_expire;
	out->cancel = sim_actions_cancel;
}

/* The silences made so far. */
const struct sim_action_silence *
sim_actions_silences(const struct sim_actions *sa, size_t *n)
{
	*n = sa != NULL ? sa->nsilences : 0;
	return sa != NULL ? sa->silences : NULL;
}

/* Ids of the active silences that hold labels. */
int
sim_actions_silenced_by(const struct sim_actions *sa, const cJSON *labels,
    int64_t now, cJSON *array)
{
	size_t	i;
	int	n = 0;

	for (i = 0; sa != NULL && i < sa->nsilences; i++) {
		if (strcmp(sim_action_silence_state(&sa->silences[i], now),
		    "active") == 0 &&
		    matchers_match(&sa->silences[i].matchers, labels)) {
			cJSON_AddItemToArray(array,
			    cJSON_CreateString(sa->silences[i].id));
			n++;
		}
	}
	return n;
}
