/*
 * action.c: the one gate every write to the world passes (see action.h).
 *
 * Each write becomes an op that lives from the call to the world's answer.
 * When the answer comes the op writes its audit row (the result in words,
 * the world's message and the silence id in the detail), then calls the
 * caller back and is freed.  A row that cannot be written does not undo
 * the write (the world has already changed): the caller is told, in the
 * result's warning, that the action is not in the audit log and why.
 */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/audit.h"

struct action_op {
	struct action_gate	*gate;
	char			*action;	/* "silence", "expire" */
	char			*target;
	char			*detail;	/* what was asked */
	action_done_cb		 cb;
	void			*arg;
	struct action_op	*prev, *next;
};

struct action_gate {
	struct cache		*cache;
	char			*context;
	char			*actor;
	struct action_world	 world;
	int			 has_world;
	struct action_op	*ops;		/* in flight */
};

#define ACTION_MIN(x)	((int64_t)(x) * 60 * 1000)

/*
 * The action table: every action sitrep can take, what it writes, what
 * RBAC must allow and how careful the gate is with it.  Five restarts of
 * one workload in five minutes is the limit past which a restart loop is
 * hiding a problem rather than fixing it.
 */
static const struct action_def action_table[ACTION_NKINDS] = {
	{ ACTION_RESTART, "restart", "deployment", "patch", "apps",
	  "deployments", NULL,
	  ACTION_F_KUBE | ACTION_F_CONFIRM | ACTION_F_FOLLOW | ACTION_F_RATE,
	  5, ACTION_MIN(5),
	  "restart every pod of a deployment (kubectl rollout restart)" },
	{ ACTION_UNDO, "undo", "deployment", "patch", "apps", "deployments",
	  NULL,
	  ACTION_F_KUBE | ACTION_F_CONFIRM | ACTION_F_FOLLOW | ACTION_F_RATE,
	  3, ACTION_MIN(10),
	  "roll a deployment back to a revision (kubectl rollout undo)" },
	{ ACTION_SCALE, "scale", "deployment", "patch", "apps", "deployments",
	  "scale",
	  ACTION_F_KUBE | ACTION_F_CONFIRM | ACTION_F_FOLLOW | ACTION_F_RATE,
	  10, ACTION_MIN(5),
	  "set a deployment's replicas (kubectl scale)" },
	{ ACTION_DELETE_POD, "delete-pod", "pod", "delete", "", "pods", NULL,
	  ACTION_F_KUBE | ACTION_F_DESTRUCTIVE | ACTION_F_CONFIRM |
	  ACTION_F_RATE, 5, ACTION_MIN(5),
	  "delete one pod; its owner makes a new one (kubectl delete pod)" },
	{ ACTION_SILENCE, "silence", "silence", NULL, NULL, NULL, NULL,
	  ACTION_F_ALERTMANAGER, 0, 0,
	  "silence alerts in Alertmanager" },
	{ ACTION_EXPIRE, "expire", "silence", NULL, NULL, NULL, NULL,
	  ACTION_F_ALERTMANAGER, 0, 0,
	  "expire an Alertmanager silence" },
	{ ACTION_ACK, "ack", "silence", NULL, NULL, NULL, NULL,
	  ACTION_F_ALERTMANAGER, 0, 0,
	  "acknowledge an incident (an ACK silence of its alerts)" },
	{ ACTION_COMMAND, "command", "program", NULL, NULL, NULL, NULL,
	  ACTION_F_COMMAND | ACTION_F_CONFIRM | ACTION_F_RATE, 10,
	  ACTION_MIN(5),
	  "run a runbook's command (no shell, limited environment)" },
};

/* The row of kind. */
const struct action_def *
action_def_of(enum action_kind kind)
{
	if ((int)kind < 0 || kind >= ACTION_NKINDS)
		return NULL;
	return &action_table[kind];
}

/* The row named name, or NULL. */
const struct action_def *
action_def_find(const char *name)
{
	size_t	i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < ACTION_NKINDS; i++) {
		if (strcmp(action_table[i].name, name) == 0)
			return &action_table[i];
	}
	return NULL;
}

/* Not protected, the table's limits, scale 0 .. 1000. */
void
action_policy_default(struct action_policy *p)
{
	size_t	i;

	memset(p, 0, sizeof *p);
	for (i = 0; i < ACTION_NKINDS; i++) {
		p->rate_max[i] = -1;
		p->rate_window_ms[i] = 0;
	}
	p->scale_min = 0;
	p->scale_max = 1000;
}

/* A new gate. */
struct action_gate *
action_gate_new(struct cache *cache, const char *context, const char *actor,
    const struct action_world *world)
{
	struct action_gate	*g;

	g = xcalloc(1, sizeof *g);
	g->cache = cache;
	g->context = xstrdup(context != NULL ? context : "");
	g->actor = actor != NULL && *actor != '\0' ? xstrdup(actor) :
	    action_default_actor();
	if (world != NULL) {
		g->world = *world;
		g->has_world = 1;
	}
	return g;
}

/* Take op off its gate's list of writes in flight. */
static void
action_op_unlink(struct action_op *op)
{
	struct action_gate	*g = op->gate;

	if (op->prev != NULL)
		op->prev->next = op->next;
	else
		g->ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	op->prev = op->next = NULL;
}

/* Free one op, unlinked. */
static void
action_op_free(struct action_op *op)
{
	free(op->action);
	free(op->target);
	free(op->detail);
	free(op);
}

/* Cancel what runs, then free. */
void
action_gate_free(struct action_gate *g)
{
	struct action_op	*op;

	if (g == NULL)
		return;
	if (g->has_world && g->world.cancel != NULL)
		g->world.cancel(g->world.impl);
	while (g->ops != NULL) {
		op = g->ops;
		action_op_unlink(op);
		action_op_free(op);
	}
	free(g->context);
	free(g->actor);
	free(g);
}

/* Borrowed accessors. */
const char *
action_gate_actor(const struct action_gate *g)
{
	return g->actor;
}

const char *
action_gate_context(const struct action_gate *g)
{
	return g->context;
}

struct cache *
action_gate_cache(const struct action_gate *g)
{
	return g->cache;
}

const char *
action_gate_world(const struct action_gate *g)
{
	return g->has_world ? g->world.name : NULL;
}

/* The audit word of a status. */
static const char *
action_status_word(enum action_status s)
{
	switch (s) {
	case ACTION_OK:
		return "ok";
	case ACTION_REFUSED:
		return "refused";
	case ACTION_INVALID:
		return "invalid";
	case ACTION_UNREACHABLE:
	default:
		return "unreachable";
	}
}

/* Append one audit row; 0, or -1 and *cause. */
static int
action_audit(struct action_gate *g, const char *action, const char *target,
    const char *result, const char *detail, char **cause)
{
	struct audit_entry	e;

	memset(&e, 0, sizeof e);
	e.actor = g->actor;
	e.context = g->context;
	e.action = action;
	e.target = target;
	e.result = result;
	e.detail = detail;
	return audit_append(g->cache, &e, cause);
}

/* The world answered: audit, call back, free. */
static void
action_op_done(const struct action_result *res, void *arg)
{
	struct action_op	*op = arg;
	struct action_result	 out = *res;
	struct buf		 detail, warn;
	char			*cause = NULL;

	buf_init(&detail, 0);
	buf_puts(&detail, op->detail);
	if (res->id != NULL)
		buf_printf(&detail, "; silence %s", res->id);
	if (res->message != NULL)
		buf_printf(&detail, "; %s", res->message);
	if (res->warning != NULL)
		buf_printf(&detail, "; %s", res->warning);
	buf_init(&warn, 0);
	if (action_audit(op->gate, op->action, op->target,
	    action_status_word(res->status), buf_str(&detail), &cause) != 0) {
		buf_printf(&warn, "%s%sthis action is NOT in the audit log: "
		    "%s", res->warning != NULL ? res->warning : "",
		    res->warning != NULL ? "; " : "", cause);
		out.warning = buf_str(&warn);
		free(cause);
	}
	/* The callback may free the gate: op is no longer its. */
	action_op_unlink(op);
	if (op->cb != NULL)
		op->cb(&out, op->arg);
	buf_done(&detail);
	buf_done(&warn);
	action_op_free(op);
}

/* A new op in flight. */
static struct action_op *
action_op_new(struct action_gate *g, const char *action, const char *target,
    char *detail, action_done_cb cb, void *arg)
{
	struct action_op	*op;

	op = xcalloc(1, sizeof *op);
	op->gate = g;
	op->action = xstrdup(action);
	op->target = xstrdup(target != NULL ? target : "");
	op->detail = detail;
	op->cb = cb;
	op->arg = arg;
	op->next = g->ops;
	if (g->ops != NULL)
		g->ops->prev = op;
	g->ops = op;
	return op;
}

/* Refuse at once: there is nothing to write to. */
static void
action_no_world(struct action_op *op)
{
	struct action_result	 res;
	char			*msg;

	msg = xasprintf("context %s has no Alertmanager to write to; add "
	    "one to its alertmanagers: list (a url: each) in the "
	    "configuration", op->gate->context);
	memset(&res, 0, sizeof res);
	res.status = ACTION_UNREACHABLE;
	res.message = msg;
	action_op_done(&res, op);
	free(msg);
}

/* Create or change a silence. */
void
action_silence(struct action_gate *g, const struct action_silence *s,
    const char *target, action_done_cb cb, void *arg)
{
	struct action_silence	 copy = *s;
	struct action_op	*op;
	char			*m, ends[40];

	m = matchers_format(s->matchers);
	util_format_rfc3339(s->ends_ms, ends, sizeof ends);
	op = action_op_new(g, s->id != NULL ? "silence update" : "silence",
	    target, s->id != NULL ? xasprintf("silence %s now until %s: %s",
	    s->id, ends, m) : xasprintf("until %s: %s", ends, m), cb, arg);
	free(m);
	if (!g->has_world || g->world.silence == NULL) {
		action_no_world(op);
		return;
	}
	if (copy.created_by == NULL)
		copy.created_by = g->actor;
	g->world.silence(g->world.impl, &copy, action_op_done, op);
}

/* Expire a silence. */
void
action_expire(struct action_gate *g, const char *id, const char *target,
    action_done_cb cb, void *arg)
{
	struct action_op	*op;

	op = action_op_new(g, "expire", target, xasprintf("silence %s", id),
	    cb, arg);
	if (!g->has_world || g->world.expire == NULL) {
		action_no_world(op);
		return;
	}
	g->world.expire(g->world.impl, id, action_op_done, op);
}

/* A change that stays in sitrep: one audit row. */
int
action_record(struct action_gate *g, const char *action, const char *target,
    const char *result, const char *detail, char **cause)
{
	return action_audit(g, action, target, result, detail, cause);
}

/* $USER@hostname, only printable ASCII kept. */
char *
action_default_actor(void)
{
	const char	*user;
	struct passwd	*pw;
	char		 host[256], *out, *p;

	user = getenv("USER");
	if (user == NULL || *user == '\0') {
		pw = getpwuid(getuid());
		user = pw != NULL ? pw->pw_name : NULL;
	}
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	if (user == NULL || *user == '\0')
		out = xstrdup("sitrep");
	else if (host[0] == '\0')
		out = xstrdup(user);
	else
		out = xasprintf("%s@%s", user, host);
	for (p = out; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			*p = '_';
	if (strlen(out) > 128)
		out[128] = '\0';
	return out;
}
