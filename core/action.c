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
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/audit.h"
#include "core/cache.h"

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
	struct action_plan	*plans;		/* not ended yet */
	struct action_policy	 policy;
	int64_t			(*now_ms)(void *);
	void			*now_arg;
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
	{ ACTION_FIRE, "fire", "alert", NULL, NULL, NULL, NULL,
	  ACTION_F_ALERTMANAGER, 0, 0,
	  "post a synthetic drill alert to Alertmanager (drill fire)" },
	{ ACTION_FIRE_RESOLVE, "fire-resolve", "alert", NULL, NULL, NULL,
	  NULL, ACTION_F_ALERTMANAGER, 0, 0,
	  "resolve a drill's alert: post it again with its end time" },
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

/* "N/WINDOW" or "none". */
int
action_rate_parse(const char *s, int *max, int64_t *window_ms, char **cause)
{
	const char	*slash;
	char		*n;
	int64_t		 v;
	int		 rc;

	if (strcmp(s, "none") == 0) {
		*max = 0;
		*window_ms = 0;
		return 0;
	}
	if ((slash = strchr(s, '/')) == NULL) {
		*cause = xasprintf("'%s' is not a rate limit; write N/WINDOW "
		    "(5/5m) or none", s);
		return -1;
	}
	n = xstrndup(s, (size_t)(slash - s));
	rc = util_parse_int64(n, &v);
	free(n);
	if (rc != 0 || v < 1 || v > 1000) {
		*cause = xasprintf("'%s': the count before / must be 1 to "
		    "1000", s);
		return -1;
	}
	if (util_parse_duration(slash + 1, window_ms, cause) != 0)
		return -1;
	if (*window_ms < 1000 || *window_ms > 7 * 86400 * 1000LL) {
		*cause = xasprintf("'%s': the window must be 1s to 7d", s);
		return -1;
	}
	*max = (int)v;
	return 0;
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
	action_policy_default(&g->policy);
	return g;
}

static void	action_plans_drop(struct action_gate *);

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
	action_plans_drop(g);
	if (g->has_world && g->world.cancel != NULL)
		g->world.cancel(g->world.impl);
	if (g->has_world && g->world.kube_cancel != NULL)
		g->world.kube_cancel(g->world.kube_impl);
	if (g->has_world && g->world.command_cancel != NULL)
		g->world.command_cancel(g->world.command_impl);
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
	return g->has_world && g->world.silence != NULL ? g->world.name :
	    NULL;
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

/* Refuse op at once with status and message (not the world's). */
static void
action_op_refuse(struct action_op *op, enum action_status status,
    const char *message)
{
	struct action_result	res;

	memset(&res, 0, sizeof res);
	res.status = status;
	res.message = message;
	action_op_done(&res, op);
}

/* Post a synthetic alert, or resolve it: one audit row. */
void
action_fire(struct action_gate *g, const struct action_alert *a,
    const char *target, action_done_cb cb, void *arg)
{
	const struct action_def	*d = action_def_of(a->resolve ?
				    ACTION_FIRE_RESOLVE : ACTION_FIRE);
	struct action_op	*op;
	struct buf		 detail;
	char			*m, ts[40], *why;
	size_t			 i;
	int			 named = 0, plain = 1;

	buf_init(&detail, 0);
	m = a->labels != NULL ? matchers_format(a->labels) : xstrdup("");
	buf_printf(&detail, "labels {%s}; starts %s", m,
	    util_format_rfc3339(a->starts_ms, ts, sizeof ts));
	free(m);
	if (a->ends_ms != 0)
		buf_printf(&detail, "; ends %s", util_format_rfc3339(a->ends_ms,
		    ts, sizeof ts));
	op = action_op_new(g, d->name, target, buf_detach(&detail), cb, arg);
	for (i = 0; a->labels != NULL && i < a->labels->n; i++) {
		plain &= a->labels->v[i].op == MATCH_EQ;
		named |= strcmp(a->labels->v[i].name, "alertname") == 0;
	}
	for (i = 0; a->annotations != NULL && i < a->annotations->n; i++)
		plain &= a->annotations->v[i].op == MATCH_EQ;
	if (!plain || !named) {
		action_op_refuse(op, ACTION_INVALID, "an alert's labels are "
		    "name=\"value\" pairs, alertname among them");
		return;
	}
	if (!a->resolve && g->policy.protected_ctx && (a->confirm == NULL ||
	    strcmp(a->confirm, g->context) != 0)) {
		why = xasprintf("context %s is protected: to fire a drill "
		    "alert in it, confirm with its name (--confirm %s)",
		    g->context, g->context);
		action_op_refuse(op, ACTION_REFUSED, why);
		free(why);
		return;
	}
	if (!g->has_world) {
		action_no_world(op);
		return;
	}
	if (g->world.alert == NULL) {
		why = xasprintf("%s of context %s takes no posted alerts; fire "
		    "drills at a context whose alertmanagers: list real "
		    "Alertmanagers", g->world.name != NULL ? g->world.name :
		    "the world", g->context);
		action_op_refuse(op, ACTION_UNREACHABLE, why);
		free(why);
		return;
	}
	g->world.alert(g->world.impl, a, action_op_done, op);
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

/* ------------------------------------------------------------------ */
/* The guard chain                                                     */
/* ------------------------------------------------------------------ */

/*
 * A plan lives from action_plan() to its one audit row and, for a
 * rollout, until the rollout ends.  stage says what it waits for.
 */
enum plan_stage {
	PLAN_ACCESS,		/* the RBAC question */
	PLAN_DRY,		/* the dry run */
	PLAN_READY,		/* the preview: confirm, dry run or cancel */
	PLAN_RUN,		/* the write */
	PLAN_FOLLOW		/* the rollout */
};

struct action_plan {
	struct action_gate	*gate;
	const struct action_def	*def;
	enum plan_stage		 stage;
	struct action_kube	 kube;		/* its strings are below */
	char			*ns;
	char			*name;
	char			**argv;		/* a command's, owned */
	char			**env;
	struct action_command	 command;
	char			*incident;
	char			*why;
	char			*title;
	char			*object;
	char			*target;	/* the audit row's */
	char			*confirm;
	char			*verdict;
	char			*diff;
	char			*before;
	char			*user;
	char			*note;		/* a caveat for the preview */
	char			*confirmed;	/* how it was confirmed */
	action_plan_cb		 plan_cb;
	void			*plan_arg;
	action_outcome_cb	 done;
	action_follow_cb	 follow;
	void			*arg;
	void			*follow_handle;
	int64_t			 run_ms;	/* when it was confirmed */
	int			 follow_state;
	struct action_plan	*prev, *next;
};

/* Now by the gate's clock. */
static int64_t
action_now(const struct action_gate *g)
{
	return g->now_ms != NULL ? g->now_ms(g->now_arg) : util_now_ms();
}

/* Set the policy. */
void
action_gate_set_policy(struct action_gate *g, const struct action_policy *p)
{
	g->policy = *p;
}

/* Set the clock. */
void
action_gate_set_clock(struct action_gate *g, int64_t (*now_ms)(void *),
    void *arg)
{
	g->now_ms = now_ms;
	g->now_arg = arg;
}

/* Take a plan off its gate and free it. */
static void
action_plan_free(struct action_plan *p)
{
	struct action_gate	*g = p->gate;

	if (p->prev != NULL)
		p->prev->next = p->next;
	else if (g->plans == p)
		g->plans = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	free(p->ns);
	free(p->name);
	util_strv_free(p->argv);
	util_strv_free(p->env);
	free(p->incident);
	free(p->why);
	free(p->title);
	free(p->object);
	free(p->target);
	free(p->confirm);
	free(p->verdict);
	free(p->diff);
	free(p->before);
	free(p->user);
	free(p->note);
	free(p->confirmed);
	free(p);
}

/* Replace *dst with a copy of src (NULL: none). */
static void
action_set(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/*
 * The detail of the plan's audit row: what was asked, why, who the
 * cluster says we are, the dry run's verdict, the confirmation, then
 * message and what changes.
 */
static char *
action_plan_detail(const struct action_plan *p, const char *message)
{
	struct buf	b;
	char		*nl, *d, *q;

	buf_init(&b, 0);
	buf_puts(&b, p->title);
	if (p->why != NULL)
		buf_printf(&b, "; for %s", p->why);
	if (p->incident != NULL)
		buf_printf(&b, "; incident %s", p->incident);
	if (p->user != NULL)
		buf_printf(&b, "; kubernetes user %s", p->user);
	if (p->verdict != NULL)
		buf_printf(&b, "; %s", p->verdict);
	if (p->confirmed != NULL)
		buf_printf(&b, "; %s", p->confirmed);
	if (message != NULL && *message != '\0')
		buf_printf(&b, "; %s", message);
	if (p->diff != NULL) {
		d = xstrdup(p->diff);
		for (q = d; (nl = strchr(q, '\n')) != NULL; q = nl + 1)
			*nl = ',';
		buf_printf(&b, "; changes: %s", d);
		free(d);
	}
	if (p->before != NULL)
		buf_printf(&b, "; to revert: %s", p->before);
	return buf_detach(&b);
}

/* The plan's audit row; a warning (allocated) if it could not be written. */
static char *
action_plan_audit(struct action_plan *p, const char *result, int dry_run,
    const char *message)
{
	struct audit_entry	 e;
	char			*detail, *cause = NULL, *warn = NULL;

	detail = action_plan_detail(p, message);
	memset(&e, 0, sizeof e);
	e.ts_ms = action_now(p->gate);
	e.actor = p->gate->actor;
	e.context = p->gate->context;
	e.action = p->def->name;
	e.target = p->target;
	e.dry_run = dry_run;
	e.result = result;
	e.detail = detail;
	if (audit_append(p->gate->cache, &e, &cause) != 0) {
		warn = xasprintf("this action is NOT in the audit log: %s",
		    cause);
		free(cause);
	}
	free(detail);
	return warn;
}

/* A row of the incident's timeline, if the plan is for one. */
static void
action_plan_timeline(struct action_plan *p, const char *kind,
    const char *text)
{
	char	*cause = NULL;

	if (p->incident == NULL)
		return;
	if (cache_exec(p->gate->cache, "incident timeline", &cause,
	    "INSERT INTO incident_timeline (incident_id, ts_ms, kind, actor,"
	    " text) VALUES (?, ?, ?, ?, ?)", "tittt", p->incident,
	    action_now(p->gate), kind, p->gate->actor, text) != 0)
		free(cause);	/* the audit row is the record that counts */
}

/* Hand the preview of p to its caller: status, and message (or none). */
static void
action_plan_show(struct action_plan *p, enum action_status status,
    const char *message)
{
	struct action_preview	pv;

	memset(&pv, 0, sizeof pv);
	pv.status = status;
	pv.title = p->title;
	pv.object = p->object;
	pv.namespace = p->ns;
	pv.context = p->gate->context;
	pv.cluster = p->gate->has_world ? p->gate->world.cluster : NULL;
	pv.protected_ctx = p->gate->policy.protected_ctx;
	pv.confirm = status == ACTION_OK ? p->confirm : NULL;
	pv.verdict = p->verdict;
	pv.diff = p->diff;
	pv.user = p->user;
	pv.message = message;
	if (p->plan_cb != NULL)
		p->plan_cb(p, &pv, p->plan_arg);
}

/* The plan is refused: its one audit row, the preview saying why, end. */
static void
action_plan_refuse(struct action_plan *p, enum action_status status,
    const char *result, const char *message)
{
	char	*warn, *msg;

	warn = action_plan_audit(p, result, 0, message);
	msg = warn != NULL ? xasprintf("%s; %s", message, warn) :
	    xstrdup(message);
	action_plan_show(p, status != ACTION_OK ? status : ACTION_REFUSED,
	    msg);
	free(msg);
	free(warn);
	action_plan_free(p);
}

/* The preview is ready: hand it to the caller, who ends the plan. */
static void
action_plan_ready(struct action_plan *p)
{
	p->stage = PLAN_READY;
	action_plan_show(p, ACTION_OK, p->note);
}

/* The limit of the plan's kind: 0 and *max, *window; -1 when none. */
static int
action_rate_of(const struct action_plan *p, int *max, int64_t *window)
{
	const struct action_policy	*pol = &p->gate->policy;
	enum action_kind		 k = p->def->kind;

	*max = pol->rate_max[k] >= 0 ? pol->rate_max[k] : p->def->rate_max;
	*window = pol->rate_window_ms[k] > 0 ? pol->rate_window_ms[k] :
	    p->def->rate_window_ms;
	if (!(p->def->flags & ACTION_F_RATE) || *max <= 0 || *window <= 0)
		return -1;
	return 0;
}

/*
 * The rate limit: NULL when the plan may go, else why not and when the
 * next is allowed (allocated).  Counted from the audit log, so writes by
 * other consoles and by `sitrep action` on this cache count too.
 */
static char *
action_rate_check(struct action_plan *p)
{
	struct audit_rec	*recs = NULL;
	size_t			 n = 0, i, count = 0;
	int64_t			 window, now, oldest = 0;
	int			 max;
	char			*cause = NULL, *s, at[40], wait[32], span[32];

	if (action_rate_of(p, &max, &window) != 0)
		return NULL;
	now = action_now(p->gate);
	if (audit_read(p->gate->cache, now - window, p->gate->context, &recs,
	    &n, &cause) != 0) {
		s = xasprintf("the rate limit cannot be checked: %s", cause);
		free(cause);
		return s;
	}
	for (i = 0; i < n; i++) {
		if (recs[i].dry_run || recs[i].action == NULL ||
		    recs[i].target == NULL || recs[i].result == NULL ||
		    strcmp(recs[i].action, p->def->name) != 0 ||
		    strcmp(recs[i].target, p->target) != 0 ||
		    strcmp(recs[i].result, "ok") != 0 ||
		    recs[i].ts_ms < now - window)
			continue;
		if (count++ == 0)
			oldest = recs[i].ts_ms;
	}
	audit_recs_free(recs, n);
	if ((int)count < max)
		return NULL;
	util_format_rfc3339(oldest + window, at, sizeof at);
	util_format_duration(oldest + window - now, wait, sizeof wait);
	return xasprintf("rate limit: %s of %s done %zu times in the last %s "
	    "(at most %d); the next is allowed at %s (in %s)", p->def->name,
	    p->target, count, util_format_duration(window, span, sizeof span),
	    max, at, wait);
}

static void	action_plan_dry(struct action_plan *);

/* The RBAC answer. */
static void
action_plan_access_cb(const struct action_access *a, void *arg)
{
	struct action_plan	*p = arg;
	char			*s;

	action_set(&p->user, a->user);
	if (a->allowed == 0) {
		s = xasprintf("RBAC: %s%s may not %s %s%s%s in namespace %s%s%s; "
		    "ask for that permission, or act from a context whose "
		    "user has it", a->user != NULL ? "user " : "",
		    a->user != NULL ? a->user : "this user", p->def->verb,
		    p->def->resource, p->def->subresource != NULL ? "/" : "",
		    p->def->subresource != NULL ? p->def->subresource : "",
		    p->ns, a->reason != NULL && *a->reason != '\0' ? ": " :
		    "", a->reason != NULL ? a->reason : "");
		action_plan_refuse(p, ACTION_REFUSED, "refused", s);
		free(s);
		return;
	}
	if (a->allowed < 0) {
		free(p->note);
		p->note = xasprintf("RBAC could not be asked (%s); the dry "
		    "run checks it", a->reason != NULL ? a->reason :
		    "no answer");
	}
	action_plan_dry(p);
}

/* The dry run's answer. */
static void
action_plan_dry_cb(const struct action_kube_result *r, void *arg)
{
	struct action_plan	*p = arg;
	char			*s;

	action_set(&p->diff, r->diff);
	action_set(&p->before, r->before);
	if (r->status != ACTION_OK) {
		free(p->verdict);
		p->verdict = xasprintf("server dry run: %s",
		    action_status_word(r->status));
		action_plan_refuse(p, r->status, action_status_word(r->status),
		    r->message != NULL ? r->message : "the dry run failed");
		return;
	}
	if (r->noop) {
		free(p->verdict);
		p->verdict = xstrdup("server dry run: nothing to change");
		action_plan_refuse(p, ACTION_INVALID, "noop",
		    r->message != NULL ? r->message : "nothing to change");
		return;
	}
	if (p->def->kind == ACTION_UNDO && p->kube.to_revision == 0 &&
	    r->revision > 0) {
		free(p->title);
		p->title = xasprintf("roll back deployment %s/%s to revision "
		    "%lld", p->ns, p->name, (long long)r->revision);
		p->kube.to_revision = r->revision;
	}
	s = xasprintf("server dry run: ok (%s)", r->message != NULL ?
	    r->message : "accepted");
	free(p->verdict);
	p->verdict = s;
	action_plan_ready(p);
}

/* The dry run: the server checks everything and changes nothing. */
static void
action_plan_dry(struct action_plan *p)
{
	struct action_kube	k = p->kube;

	p->stage = PLAN_DRY;
	k.dry_run = 1;
	p->gate->world.kube(p->gate->world.kube_impl, &k, action_plan_dry_cb,
	    p);
}

/* A command's preview: what would run, with which names of environment. */
static void
action_plan_command_preview(struct action_plan *p)
{
	struct buf	b;
	size_t		i;
	char		t[32];

	buf_init(&b, 0);
	buf_puts(&b, "would run:");
	for (i = 0; p->argv[i] != NULL; i++)
		buf_printf(&b, " %s", p->argv[i]);
	buf_puts(&b, "; environment:");
	if (p->env == NULL || p->env[0] == NULL)
		buf_puts(&b, " none");
	for (i = 0; p->env != NULL && p->env[i] != NULL; i++)
		buf_printf(&b, " %.*s", (int)strcspn(p->env[i], "="),
		    p->env[i]);
	buf_printf(&b, "; timeout %s", util_format_duration(
	    p->command.timeout_ms, t, sizeof t));
	free(p->verdict);
	p->verdict = buf_detach(&b);
	action_plan_ready(p);
}

/* Title, object and target of a plan. */
static int
action_plan_name(struct action_plan *p, char **cause)
{
	const struct action_def	*d = p->def;

	if (d->kind == ACTION_COMMAND) {
		if (p->argv == NULL || p->argv[0] == NULL ||
		    *p->argv[0] == '\0') {
			*cause = xstrdup("a command needs a program to run");
			return -1;
		}
		p->title = xasprintf("run %s", p->argv[0]);
		p->object = xstrdup(p->argv[0]);
		p->target = xasprintf("command %s", p->argv[0]);
		return 0;
	}
	if (p->ns == NULL || *p->ns == '\0' || p->name == NULL ||
	    *p->name == '\0') {
		*cause = xasprintf("%s needs a namespace and a %s name",
		    d->name, d->writes);
		return -1;
	}
	p->object = xasprintf("%s/%s", d->writes, p->name);
	p->target = xasprintf("%s %s/%s", d->writes, p->ns, p->name);
	switch (d->kind) {
	case ACTION_RESTART:
		p->title = xasprintf("restart deployment %s/%s", p->ns,
		    p->name);
		break;
	case ACTION_UNDO:
		p->title = p->kube.to_revision > 0 ? xasprintf("roll back "
		    "deployment %s/%s to revision %lld", p->ns, p->name,
		    (long long)p->kube.to_revision) : xasprintf("roll back "
		    "deployment %s/%s to the previous revision", p->ns,
		    p->name);
		break;
	case ACTION_SCALE:
		p->title = xasprintf("scale deployment %s/%s to %d replicas",
		    p->ns, p->name, p->kube.replicas);
		break;
	case ACTION_DELETE_POD:
		p->title = xasprintf("delete pod %s/%s", p->ns, p->name);
		break;
	default:
		*cause = xasprintf("%s is not taken through a plan (use its "
		    "own command)", d->name);
		return -1;
	}
	return 0;
}

/* The guard chain, first half. */
void
action_plan(struct action_gate *g, const struct action_request *req,
    action_plan_cb cb, void *arg)
{
	const struct action_def	*d = action_def_of(req->kind);
	struct action_plan	*p;
	char			*cause = NULL, *why;
	int			 lo = g->policy.scale_min;
	int			 hi = g->policy.scale_max;

	p = xcalloc(1, sizeof *p);
	p->gate = g;
	p->def = d != NULL ? d : action_def_of(ACTION_COMMAND);
	p->plan_cb = cb;
	p->plan_arg = arg;
	p->ns = req->namespace != NULL ? xstrdup(req->namespace) : NULL;
	p->name = req->name != NULL ? xstrdup(req->name) : NULL;
	p->incident = req->incident != NULL ? xstrdup(req->incident) : NULL;
	p->why = req->why != NULL ? xstrdup(req->why) : NULL;
	p->kube.kind = req->kind;
	p->kube.namespace = p->ns;
	p->kube.name = p->name;
	p->kube.to_revision = req->to_revision;
	p->kube.replicas = req->replicas;
	if (req->command != NULL) {
		p->argv = util_strv_dup(req->command->argv);
		p->env = util_strv_dup(req->command->env);
		p->command = *req->command;
		p->command.argv = (const char *const *)p->argv;
		p->command.env = (const char *const *)p->env;
	}
	p->next = g->plans;
	if (g->plans != NULL)
		g->plans->prev = p;
	g->plans = p;
	p->stage = PLAN_ACCESS;

	if (d == NULL || action_plan_name(p, &cause) != 0) {
		if (p->title == NULL)
			p->title = xstrdup(d != NULL ? d->name : "action");
		if (p->target == NULL)
			p->target = xstrdup(p->title);
		action_plan_refuse(p, ACTION_INVALID, "invalid", cause != NULL ?
		    cause : "no such action");
		free(cause);
		return;
	}
	p->confirm = xstrdup(g->policy.protected_ctx ?
	    (d->kind == ACTION_COMMAND ? p->argv[0] : p->name) : "y");
	if (d->kind == ACTION_SCALE && (req->replicas < lo ||
	    (hi > 0 && req->replicas > hi) || req->replicas < 0)) {
		why = xasprintf("cannot scale to %d replicas: context %s "
		    "allows %d to %d (actions.scale_min and scale_max)",
		    req->replicas, g->context, lo, hi);
		action_plan_refuse(p, ACTION_INVALID, "invalid", why);
		free(why);
		return;
	}
	if (d->kind == ACTION_UNDO && req->to_revision < 0) {
		action_plan_refuse(p, ACTION_INVALID, "invalid",
		    "a revision is 1 or more; the service page lists the "
		    "deployment's revisions");
		return;
	}
	if ((d->flags & ACTION_F_KUBE) && (!g->has_world ||
	    g->world.kube == NULL)) {
		why = xasprintf("context %s has no Kubernetes API to write to; "
		    "add kubernetes: to it in the configuration", g->context);
		action_plan_refuse(p, ACTION_UNREACHABLE, "unreachable", why);
		free(why);
		return;
	}
	if ((d->flags & ACTION_F_COMMAND) && (!g->has_world ||
	    g->world.command == NULL)) {
		action_plan_refuse(p, ACTION_UNREACHABLE, "unreachable",
		    "this console cannot run programs");
		return;
	}
	if ((why = action_rate_check(p)) != NULL) {
		action_plan_refuse(p, ACTION_REFUSED, "refused", why);
		free(why);
		return;
	}
	if (d->kind == ACTION_COMMAND) {
		action_plan_command_preview(p);
		return;
	}
	if (g->world.access != NULL)
		g->world.access(g->world.kube_impl, &p->kube, d,
		    action_plan_access_cb, p);
	else
		action_plan_dry(p);
}

/* The follow is over (or cannot go on): the timeline says so; end. */
static void
action_plan_follow_cb(const struct action_rollout *r, void *arg)
{
	struct action_plan	*p = arg;
	char			*s, took[32];

	if (p->follow != NULL)
		p->follow(r, p->arg);
	if (r->state == 0 || p->stage != PLAN_FOLLOW)
		return;
	util_format_duration(action_now(p->gate) - p->run_ms, took,
	    sizeof took);
	if (r->state == 1)
		s = xasprintf("rollout of %s complete after %s: %s", p->target,
		    took, r->message != NULL ? r->message : "");
	else
		s = xasprintf("rollout of %s %s after %s: %s%s%s", p->target,
		    r->state == -1 ? "failed" : "no longer followed", took,
		    r->message != NULL ? r->message : "",
		    p->before != NULL ? "; to revert: " : "",
		    p->before != NULL ? p->before : "");
	action_plan_timeline(p, "rollout", s);
	free(s);
	p->follow_handle = NULL;
	action_plan_free(p);
}

/* The write's answer: audit, timeline, tell, then follow or end. */
static void
action_plan_run_kube_cb(const struct action_kube_result *r, void *arg)
{
	struct action_plan	*p = arg;
	struct action_outcome	 o;
	char			*warn, *line;
	const char		*msg = r->message != NULL ? r->message : "";

	if (r->diff != NULL)
		action_set(&p->diff, r->diff);
	if (r->before != NULL)
		action_set(&p->before, r->before);
	warn = action_plan_audit(p, action_status_word(r->status), 0, msg);
	line = xasprintf("%s %s: %s%s%s", p->def->name, p->target, msg,
	    p->before != NULL && r->status == ACTION_OK ? "; to revert: " : "",
	    p->before != NULL && r->status == ACTION_OK ? p->before : "");
	action_plan_timeline(p, "action", line);
	free(line);
	memset(&o, 0, sizeof o);
	o.status = r->status;
	o.message = msg;
	o.diff = p->diff;
	o.before = p->before;
	o.warning = warn;
	if (p->done != NULL)
		p->done(&o, p->arg);
	free(warn);
	if (r->status == ACTION_OK && (p->def->flags & ACTION_F_FOLLOW) &&
	    (p->follow != NULL || p->incident != NULL) &&
	    p->gate->world.follow != NULL) {
		p->stage = PLAN_FOLLOW;
		p->follow_handle = p->gate->world.follow(
		    p->gate->world.kube_impl, p->ns, p->name,
		    action_plan_follow_cb, p);
		return;
	}
	action_plan_free(p);
}

/* A command's end: audit, timeline with its output, tell, end. */
static void
action_plan_run_command_cb(const struct action_command_result *r, void *arg)
{
	struct action_plan	*p = arg;
	struct action_outcome	 o;
	char			*warn, *line;
	const char		*msg = r->message != NULL ? r->message : "";

	warn = action_plan_audit(p, action_status_word(r->status), 0, msg);
	line = xasprintf("command %s: %s%s%s", p->argv[0], msg,
	    r->output != NULL && *r->output != '\0' ? "\n" : "",
	    r->output != NULL ? r->output : "");
	action_plan_timeline(p, "action", line);
	free(line);
	memset(&o, 0, sizeof o);
	o.status = r->status;
	o.message = msg;
	o.warning = warn;
	o.output = r->output;
	if (p->done != NULL)
		p->done(&o, p->arg);
	free(warn);
	action_plan_free(p);
}

/* Whether typed confirms the plan: its word, whole, spaces around aside. */
static int
action_confirmed(const struct action_plan *p, const char *typed)
{
	size_t	n;

	if (typed == NULL)
		return 0;
	while (*typed == ' ')
		typed++;
	n = strlen(typed);
	while (n > 0 && typed[n - 1] == ' ')
		n--;
	if (strcmp(p->confirm, "y") == 0)
		return (n == 1 && (*typed == 'y' || *typed == 'Y')) ||
		    (n == 3 && strncasecmp(typed, "yes", 3) == 0);
	return n == strlen(p->confirm) && strncmp(typed, p->confirm, n) == 0;
}

/* The guard chain, second half. */
int
action_plan_confirm(struct action_plan *p, const char *typed,
    action_outcome_cb done, action_follow_cb follow, void *arg, char **cause)
{
	struct action_outcome	 o;
	char			*why, *warn;

	if (p->stage != PLAN_READY) {
		*cause = xstrdup("this action is not waiting for a "
		    "confirmation");
		return -1;
	}
	if (!action_confirmed(p, typed)) {
		*cause = p->gate->policy.protected_ctx ? xasprintf("context %s "
		    "is protected: type %s to confirm, or cancel",
		    p->gate->context, p->confirm) : xstrdup("type y to "
		    "confirm, or cancel");
		return -1;
	}
	p->done = done;
	p->follow = follow;
	p->arg = arg;
	p->confirmed = p->gate->policy.protected_ctx ? xasprintf("confirmed "
	    "by typing %s (protected context)", p->confirm) :
	    xstrdup("confirmed with y");
	/* Another console may have acted since the preview. */
	if ((why = action_rate_check(p)) != NULL) {
		warn = action_plan_audit(p, "refused", 0, why);
		memset(&o, 0, sizeof o);
		o.status = ACTION_REFUSED;
		o.message = why;
		o.warning = warn;
		if (done != NULL)
			done(&o, arg);
		free(warn);
		free(why);
		action_plan_free(p);
		return 0;
	}
	p->stage = PLAN_RUN;
	p->run_ms = action_now(p->gate);
	if (p->def->kind == ACTION_COMMAND) {
		p->command.dry_run = 0;
		p->gate->world.command(p->gate->world.command_impl,
		    &p->command, action_plan_run_command_cb, p);
	} else {
		p->kube.dry_run = 0;
		p->gate->world.kube(p->gate->world.kube_impl, &p->kube,
		    action_plan_run_kube_cb, p);
	}
	return 0;
}

/* End with the dry run only. */
void
action_plan_dry_run(struct action_plan *p)
{
	char	*warn;

	warn = action_plan_audit(p, "dry-run", 1, NULL);
	free(warn);
	action_plan_free(p);
}

/* End without acting. */
void
action_plan_cancel(struct action_plan *p, const char *why)
{
	char	*warn, *s;

	s = xasprintf("not confirmed: %s", why != NULL ? why :
	    "cancelled by the operator");
	warn = action_plan_audit(p, "cancelled", 0, s);
	free(warn);
	free(s);
	action_plan_free(p);
}

/* Stop following every rollout. */
void
action_gate_unfollow(struct action_gate *g)
{
	struct action_plan	*p, *next;

	for (p = g->plans; p != NULL; p = next) {
		next = p->next;
		if (p->stage != PLAN_FOLLOW)
			continue;
		if (p->follow_handle != NULL && g->world.unfollow != NULL)
			g->world.unfollow(g->world.kube_impl,
			    p->follow_handle);
		action_plan_free(p);
	}
}

/*
 * The gate goes: follows stop, a preview still waiting is cancelled (its
 * row says why), writes in flight are forgotten by the worlds' cancel.
 */
static void
action_plans_drop(struct action_gate *g)
{
	struct action_plan	*p;

	action_gate_unfollow(g);
	while ((p = g->plans) != NULL) {
		if (p->stage == PLAN_READY)
			action_plan_cancel(p, "the console left this context");
		else
			action_plan_free(p);
	}
}

/* A refusal without a gate: one audit row. */
int
action_refusal(struct cache *cache, const char *context, const char *actor,
    const char *action, const char *target, const char *why, char **cause)
{
	struct audit_entry	e;

	memset(&e, 0, sizeof e);
	e.actor = actor;
	e.context = context;
	e.action = action;
	e.target = target;
	e.result = "refused";
	e.detail = why;
	return audit_append(cache, &e, cause);
}
