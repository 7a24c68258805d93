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
#include "backends/sim.h"
#include "backends/sim_actions.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/loop.h"

/* How long the simulated servers take to answer. */
#define SIM_ANSWER_MS	40
/* How often a followed rollout is read again. */
#define SIM_FOLLOW_MS	1000
/* At most this much of a command line in the simulated output. */
#define SIM_OUTPUT_MAX	4096

struct sim_answer;
struct sim_follow;

struct sim_actions {
	struct runtime			*rt;
	struct sim_action_silence	*silences;
	size_t				 nsilences;
	unsigned			 seq;
	struct sim_answer		*answers;	/* not delivered yet */
	struct sim_timeline		 tl;		/* the play acted on */
	int				 has_tl;
	struct sim_op			*ops;		/* Kubernetes actions */
	size_t				 nops;
	struct sim_follow		*follows;
};

/* What an answer is, and which part of the world cancels it. */
enum { ANS_SILENCE, ANS_KUBE, ANS_ACCESS, ANS_COMMAND };
enum { PART_AM, PART_KUBE, PART_COMMAND };

/* An answer on its way. */
struct sim_answer {
	struct sim_actions	*sa;
	struct loop_timer	*timer;
	int			 kind;
	enum action_status	 status;
	char			*message;
	char			*id;
	char			*output;
	struct sim_verdict	 v;
	action_done_cb		 done;
	action_kube_cb		 kube;
	action_access_cb	 access;
	action_command_cb	 command;
	void			*arg;
	struct sim_answer	*next;
};

/* A rollout followed. */
struct sim_follow {
	struct sim_actions	*sa;
	struct loop_timer	*timer;
	char			*ns;
	char			*name;
	action_follow_cb	 cb;
	void			*arg;
	int			 said;
	struct action_rollout	 last;
	char			*last_msg;
	int			*gonep;		/* while its callback runs */
	struct sim_follow	*next;
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
	free(a->output);
	sim_verdict_done(&a->v);
	free(a);
}

/* The part of the world an answer belongs to. */
static int
sim_answer_part(const struct sim_answer *a)
{
	switch (a->kind) {
	case ANS_KUBE:
	case ANS_ACCESS:
		return PART_KUBE;
	case ANS_COMMAND:
		return PART_COMMAND;
	default:
		return PART_AM;
	}
}

/* Drop the answers of part not delivered: nobody is called back. */
static void
sim_answers_drop(struct sim_actions *sa, int part)
{
	struct sim_answer	**p, *a;

	p = &sa->answers;
	while ((a = *p) != NULL) {
		if (part >= 0 && sim_answer_part(a) != part) {
			p = &a->next;
			continue;
		}
		*p = a->next;
		loop_timer_del(a->timer);
		sim_answer_free(a);
	}
}

/* Stop following f: no callback after this. */
static void
sim_follow_drop(struct sim_follow *f)
{
	struct sim_follow	**p;

	for (p = &f->sa->follows; *p != NULL; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			break;
		}
	}
	if (f->gonep != NULL) {
		/* In its own callback: the timer ends when it returns. */
		*f->gonep = 1;
		return;
	}
	loop_timer_del(f->timer);
	free(f->ns);
	free(f->name);
	free(f->last_msg);
	free(f);
}

/* Drop every Alertmanager write not answered. */
static void
sim_actions_cancel(void *impl)
{
	sim_answers_drop(impl, PART_AM);
}

/* Drop every Kubernetes answer and follow. */
static void
sim_actions_kube_cancel(void *impl)
{
	struct sim_actions	*sa = impl;

	sim_answers_drop(sa, PART_KUBE);
	while (sa->follows != NULL)
		sim_follow_drop(sa->follows);
}

/* Drop every command's answer. */
static void
sim_actions_command_cancel(void *impl)
{
	sim_answers_drop(impl, PART_COMMAND);
}

/* Free everything. */
void
sim_actions_free(struct sim_actions *sa)
{
	size_t	i;

	if (sa == NULL)
		return;
	sim_answers_drop(sa, -1);
	while (sa->follows != NULL)
		sim_follow_drop(sa->follows);
	for (i = 0; i < sa->nsilences; i++) {
		free(sa->silences[i].id);
		matchers_done(&sa->silences[i].matchers);
		free(sa->silences[i].created_by);
		free(sa->silences[i].comment);
	}
	free(sa->silences);
	for (i = 0; i < sa->nops; i++)
		sim_op_done(&sa->ops[i]);
	free(sa->ops);
	free(sa);
}

/* Deliver an answer. */
static int64_t
sim_answer_due(void *arg)
{
	struct sim_answer		*a = arg;
	struct action_result		 r;
	struct action_kube_result	 k;
	struct action_access		 x;
	struct action_command_result	 c;

	/* Off the list first: the callback may cancel or free the world. */
	sim_answer_unlink(a);
	switch (a->kind) {
	case ANS_KUBE:
		memset(&k, 0, sizeof k);
		k.status = (enum action_status)a->v.status;
		k.message = a->v.message;
		k.diff = a->v.diff;
		k.before = a->v.before;
		k.revision = a->v.revision;
		k.noop = a->v.noop;
		a->kube(&k, a->arg);
		break;
	case ANS_ACCESS:
		memset(&x, 0, sizeof x);
		x.allowed = 1;
		x.reason = a->message;
		x.user = a->id;
		a->access(&x, a->arg);
		break;
	case ANS_COMMAND:
		memset(&c, 0, sizeof c);
		c.status = a->status;
		c.exit_code = a->status == ACTION_OK ? 0 : -1;
		c.output = a->output;
		c.message = a->message;
		a->command(&c, a->arg);
		break;
	default:
		memset(&r, 0, sizeof r);
		r.status = a->status;
		r.message = a->message;
		r.id = a->id;
		a->done(&r, a->arg);
		break;
	}
	sim_answer_free(a);
	return -1;
}

/* A new answer of kind for arg, not yet on its way. */
static struct sim_answer *
sim_answer_new(struct sim_actions *sa, int kind, void *arg)
{
	struct sim_answer	*a;

	a = xcalloc(1, sizeof *a);
	a->sa = sa;
	a->kind = kind;
	a->arg = arg;
	return a;
}

/* Send an answer: it is delivered a moment later, from the loop. */
static void
sim_answer_post(struct sim_answer *a)
{
	struct sim_actions	*sa = a->sa;

	a->next = sa->answers;
	sa->answers = a;
	a->timer = loop_timer_add(runtime_loop(sa->rt), SIM_ANSWER_MS,
	    sim_answer_due, a);
}

/* Answer a silence or an expiry a moment later (message is taken). */
static void
sim_answer(struct sim_actions *sa, enum action_status status, char *message,
    const char *id, action_done_cb done, void *arg)
{
	struct sim_answer	*a;

	a = sim_answer_new(sa, ANS_SILENCE, arg);
	a->status = status;
	a->message = message;
	a->id = id != NULL ? xstrdup(id) : NULL;
	a->done = done;
	sim_answer_post(a);
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

/* Check a Kubernetes action against the world; record it if real. */
static void
sim_actions_kube(void *impl, const struct action_kube *req, action_kube_cb cb,
    void *arg)
{
	struct sim_actions	*sa = impl;
	struct sim_answer	*a;
	struct sim_op		 op;

	a = sim_answer_new(sa, ANS_KUBE, arg);
	a->kube = cb;
	if (!sa->has_tl) {
		a->v.status = ACTION_UNREACHABLE;
		a->v.message = xstrdup("the simulator has not played a round "
		    "yet: try again in a moment");
	} else if (sim_kube_check(&sa->tl, sa->ops, sa->nops,
	    runtime_now_ms(sa->rt), req, &op, &a->v) == 0) {
		sa->ops = xreallocarray(sa->ops, sa->nops + 1,
		    sizeof *sa->ops);
		sa->ops[sa->nops++] = op;
	}
	sim_answer_post(a);
}

/* The simulator lets everyone do everything, as "demo". */
static void
sim_actions_access(void *impl, const struct action_kube *req,
    const struct action_def *def, action_access_cb cb, void *arg)
{
	struct sim_answer	*a;

	(void)req;
	(void)def;
	a = sim_answer_new(impl, ANS_ACCESS, arg);
	a->access = cb;
	a->message = xstrdup("the simulator allows every action");
	a->id = xstrdup("demo");
	sim_answer_post(a);
}

/* Read a followed rollout again; call back when it changed. */
static int64_t
sim_follow_tick(void *arg)
{
	struct sim_follow	*f = arg;
	struct sim_actions	*sa = f->sa;
	struct action_rollout	 r;
	char			*msg = NULL;
	int			 gone = 0, final;

	if (!sa->has_tl)
		return SIM_FOLLOW_MS;
	sim_kube_rollout(&sa->tl, sa->ops, sa->nops, runtime_now_ms(sa->rt),
	    f->ns, f->name, &r, &msg);
	if (f->said && r.state == f->last.state &&
	    r.generation == f->last.generation &&
	    r.replicas == f->last.replicas && r.updated == f->last.updated &&
	    r.ready == f->last.ready && r.available == f->last.available &&
	    strcmp(msg, f->last_msg) == 0) {
		free(msg);
		return SIM_FOLLOW_MS;
	}
	f->said = 1;
	free(f->last_msg);
	f->last_msg = msg;
	f->last = r;
	f->last.message = msg;
	final = r.state != 0;
	f->gonep = &gone;
	f->cb(&f->last, f->arg);
	if (!gone && !final) {
		f->gonep = NULL;
		return SIM_FOLLOW_MS;
	}
	/* Ended, or dropped by its callback: its timer ends here. */
	if (!gone)
		sim_follow_drop(f);
	free(f->ns);
	free(f->name);
	free(f->last_msg);
	free(f);
	return -1;
}

/* Follow deployment ns/name's rollout. */
static void *
sim_actions_follow(void *impl, const char *ns, const char *name,
    action_follow_cb cb, void *arg)
{
	struct sim_actions	*sa = impl;
	struct sim_follow	*f;

	f = xcalloc(1, sizeof *f);
	f->sa = sa;
	f->ns = ns != NULL ? xstrdup(ns) : NULL;
	f->name = xstrdup(name != NULL ? name : "");
	f->cb = cb;
	f->arg = arg;
	f->next = sa->follows;
	sa->follows = f;
	f->timer = loop_timer_add(runtime_loop(sa->rt), SIM_ANSWER_MS,
	    sim_follow_tick, f);
	return f;
}

/* Stop following (a handle already ended is ignored). */
static void
sim_actions_unfollow(void *impl, void *handle)
{
	struct sim_actions	*sa = impl;
	struct sim_follow	*f;

	for (f = sa->follows; f != NULL; f = f->next) {
		if (f == handle) {
			sim_follow_drop(f);
			return;
		}
	}
}

/* Never run a program: say what would have run. */
static void
sim_actions_command(void *impl, const struct action_command *cmd,
    action_command_cb cb, void *arg)
{
	struct sim_answer	*a;
	struct buf		 b;
	size_t			 i;

	a = sim_answer_new(impl, ANS_COMMAND, arg);
	a->command = cb;
	if (cmd == NULL || cmd->argv == NULL || cmd->argv[0] == NULL ||
	    *cmd->argv[0] == '\0') {
		a->status = ACTION_INVALID;
		a->message = xstrdup("no program to run: the command is "
		    "empty");
		sim_answer_post(a);
		return;
	}
	buf_init(&b, SIM_OUTPUT_MAX);
	buf_puts(&b, "simulated: would run:");
	for (i = 0; cmd->argv[i] != NULL; i++) {
		buf_puts(&b, " ");
		buf_shell_word(&b, cmd->argv[i]);
	}
	/* From a runbook: safe for the terminal, whatever it holds. */
	a->output = sanitize_terminal(buf_str(&b), 0);
	buf_done(&b);
	a->status = ACTION_OK;
	a->message = xstrdup("simulated: the simulator runs no program");
	sim_answer_post(a);
}

/* The gate's world. */
void
sim_actions_world(struct sim_actions *sa, struct action_world *out)
{
	const struct sim_scenario	*sc = NULL;

	memset(out, 0, sizeof *out);
	out->name = "the simulator";
	out->impl = sa;
	out->silence = sim_actions_silence;
	out->expire = sim_actions_expire;
	out->cancel = sim_actions_cancel;
	out->kube_impl = sa;
	if (!runtime_simulated(sa->rt, &sc) || sc == NULL)
		sc = sim_scenario_demo();
	out->cluster = sc->cluster != NULL ? sc->cluster : "the simulator";
	out->kube = sim_actions_kube;
	out->access = sim_actions_access;
	out->follow = sim_actions_follow;
	out->unfollow = sim_actions_unfollow;
	out->kube_cancel = sim_actions_kube_cancel;
	out->command_impl = sa;
	out->command = sim_actions_command;
	out->command_cancel = sim_actions_command_cancel;
}

/* The play of the timeline actions are done on. */
void
sim_actions_set_timeline(struct sim_actions *sa,
    const struct sim_timeline *tl)
{
	if (sa == NULL)
		return;
	sa->tl = *tl;
	sa->has_tl = 1;
}

/* The Kubernetes actions done so far. */
const struct sim_op *
sim_actions_ops(const struct sim_actions *sa, size_t *n)
{
	*n = sa != NULL ? sa->nops : 0;
	return sa != NULL ? sa->ops : NULL;
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
