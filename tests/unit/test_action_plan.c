/*
 * test_action_plan.c: the guard chain of the action gate (core/action.c):
 * read-only, bounds, rate limit, RBAC, dry run, preview, confirmation,
 * run, follow, audit.
 *
 * The Kubernetes world is made here and answers when the test says, so
 * each step of the chain can be seen: every path (refused, cancelled, dry
 * run only, done) leaves exactly one audit row, the confirmed write is the
 * one previewed (an undo to "the previous revision" runs to the revision
 * the dry run named), a protected context takes the typed name and
 * nothing shorter, the sixth restart in five minutes is refused with the
 * time of the next, and the rollout is written to the incident timeline.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/xmalloc.h"
#include "core/action.h"
#include "core/audit.h"
#include "core/cache.h"

static char	dir[] = "/tmp/sitrep-test-action-plan.XXXXXX";
static int	ncache;
static int64_t	clock_ms = 1800000000000LL;

/* The test's clock. */
static int64_t
test_now(void *arg)
{
	(void)arg;
	return clock_ms;
}

/* A fresh cache. */
static struct cache *
open_cache(void)
{
	struct cache	*c;
	char		*path, *warning = NULL, *cause = NULL;

	path = xasprintf("%s/cache%d.db", dir, ncache++);
	c = cache_open(path, 0, &warning, &cause);
	if (c == NULL) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(warning);
	free(path);
	return c;
}

/* ------------------------------------------------------------------ */
/* A Kubernetes world answered by hand                                 */
/* ------------------------------------------------------------------ */

struct kw {
	/* The last call of each kind, held until answered. */
	action_kube_cb		 kube_cb;
	void			*kube_arg;
	struct action_kube	 last;
	char			 last_ns[64], last_name[64];
	int			 nkube, ndry, nreal;
	action_access_cb	 access_cb;
	void			*access_arg;
	char			 access_what[128];
	int			 naccess;
	action_follow_cb	 follow_cb;
	void			*follow_arg;
	int			 nfollow, nunfollow, ncancel;
	action_command_cb	 command_cb;
	void			*command_arg;
	char			 command_argv[256];
	int			 ncommand;
};

static void
kw_kube(void *impl, const struct action_kube *k, action_kube_cb cb, void *arg)
{
	struct kw	*w = impl;

	w->kube_cb = cb;
	w->kube_arg = arg;
	w->last = *k;
	snprintf(w->last_ns, sizeof w->last_ns, "%s", k->namespace);
	snprintf(w->last_name, sizeof w->last_name, "%s", k->name);
	w->nkube++;
	if (k->dry_run)
		w->ndry++;
	else
		w->nreal++;
}

static void
kw_access(void *impl, const struct action_kube *k,
    const struct action_def *d, action_access_cb cb, void *arg)
{
	struct kw	*w = impl;

	w->access_cb = cb;
	w->access_arg = arg;
	snprintf(w->access_what, sizeof w->access_what, "%s %s/%s %s %s",
	    d->verb, d->resource, d->subresource != NULL ? d->subresource :
	    "", k->namespace, k->name);
	w->naccess++;
}

static void *
kw_follow(void *impl, const char *ns, const char *name, action_follow_cb cb,
    void *arg)
{
	struct kw	*w = impl;

	w->follow_cb = cb;
	w->follow_arg = arg;
	w->nfollow++;
	return w;
}

static void
kw_unfollow(void *impl, void *handle)
{
	struct kw	*w = impl;

	w->nunfollow++;
	w->follow_cb = NULL;
}

static void
kw_cancel(void *impl)
{
	struct kw	*w = impl;

	w->ncancel++;
	w->kube_cb = NULL;
	w->access_cb = NULL;
	w->command_cb = NULL;
}

static void
kw_command(void *impl, const struct action_command *c, action_command_cb cb,
    void *arg)
{
	struct kw	*w = impl;
	size_t		 i;

	w->command_cb = cb;
	w->command_arg = arg;
	w->command_argv[0] = '\0';
	for (i = 0; c->argv[i] != NULL; i++) {
		strncat(w->command_argv, c->argv[i], sizeof w->command_argv -
		    strlen(w->command_argv) - 2);
		strcat(w->command_argv, "|");
	}
	w->ncommand++;
}

/* A gate over the world on a fresh cache, with the test's clock. */
static struct action_gate *
kw_gate(struct kw *w, struct cache **cp, int protected_ctx)
{
	struct action_world	aw;
	struct action_policy	pol;
	struct action_gate	*g;

	memset(w, 0, sizeof *w);
	memset(&aw, 0, sizeof aw);
	aw.name = "cluster";
	aw.kube_impl = w;
	aw.cluster = "https://127.0.0.1:6443";
	aw.kube = kw_kube;
	aw.access = kw_access;
	aw.follow = kw_follow;
	aw.unfollow = kw_unfollow;
	aw.kube_cancel = kw_cancel;
	aw.command_impl = w;
	aw.command = kw_command;
	*cp = open_cache();
	g = action_gate_new(*cp, "prod", "alice@host", &aw);
	action_gate_set_clock(g, test_now, NULL);
	action_policy_default(&pol);
	pol.protected_ctx = protected_ctx;
	pol.scale_max = 20;
	action_gate_set_policy(g, &pol);
	return g;
}

/* Answer the held access question. */
static void
kw_answer_access(struct kw *w, int allowed, const char *reason)
{
	struct action_access	a;
	action_access_cb	cb = w->access_cb;

	memset(&a, 0, sizeof a);
	a.allowed = allowed;
	a.reason = reason;
	a.user = "kube-alice";
	w->access_cb = NULL;
	if (cb != NULL)
		cb(&a, w->access_arg);
}

/* Answer the held write. */
static void
kw_answer(struct kw *w, enum action_status st, const char *msg,
    const char *diff, const char *before, int64_t revision, int noop)
{
	struct action_kube_result	r;
	action_kube_cb			cb = w->kube_cb;

	memset(&r, 0, sizeof r);
	r.status = st;
	r.message = msg;
	r.diff = diff;
	r.before = before;
	r.revision = revision;
	r.noop = noop;
	w->kube_cb = NULL;
	if (cb != NULL)
		cb(&r, w->kube_arg);
}

/* ------------------------------------------------------------------ */
/* What the caller sees                                                */
/* ------------------------------------------------------------------ */

struct seen {
	struct action_plan	*plan;
	int			 npreviews;
	enum action_status	 status;
	char			 title[256], confirm[64], verdict[512];
	char			 message[512], diff[256], user[64];
	int			 noutcomes;
	enum action_status	 outcome;
	char			 outcome_msg[512], before[128], output[256];
	int			 nfollow, last_state;
};

static void
seen_plan(struct action_plan *p, const struct action_preview *pv, void *arg)
{
	struct seen	*s = arg;

	s->npreviews++;
	s->plan = pv->status == ACTION_OK ? p : NULL;
	s->status = pv->status;
	snprintf(s->title, sizeof s->title, "%s", pv->title);
	snprintf(s->confirm, sizeof s->confirm, "%s", pv->confirm != NULL ?
	    pv->confirm : "");
	snprintf(s->verdict, sizeof s->verdict, "%s", pv->verdict != NULL ?
	    pv->verdict : "");
	snprintf(s->message, sizeof s->message, "%s", pv->message != NULL ?
	    pv->message : "");
	snprintf(s->diff, sizeof s->diff, "%s", pv->diff != NULL ? pv->diff :
	    "");
	snprintf(s->user, sizeof s->user, "%s", pv->user != NULL ? pv->user :
	    "");
}

static void
seen_outcome(const struct action_outcome *o, void *arg)
{
	struct seen	*s = arg;

	s->noutcomes++;
	s->outcome = o->status;
	snprintf(s->outcome_msg, sizeof s->outcome_msg, "%s", o->message);
	snprintf(s->before, sizeof s->before, "%s", o->before != NULL ?
	    o->before : "");
	snprintf(s->output, sizeof s->output, "%s", o->output != NULL ?
	    o->output : "");
}

static void
seen_follow(const struct action_rollout *r, void *arg)
{
	struct seen	*s = arg;

	s->nfollow++;
	s->last_state = r->state;
}

/* The audit rows: how many; the last one's fields in *last (freed). */
static size_t
audit_rows(struct cache *c, struct audit_rec *last)
{
	struct audit_rec	*recs = NULL;
	size_t			 n = 0;
	char			*cause = NULL;

	if (audit_read(c, 0, NULL, &recs, &n, &cause) != 0) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	memset(last, 0, sizeof *last);
	if (n > 0) {
		*last = recs[n - 1];
		memset(&recs[n - 1], 0, sizeof recs[n - 1]);
	}
	audit_recs_free(recs, n);
	return n;
}

/* Free the strings of a row from audit_rows(). */
static void
rec_done(struct audit_rec *r)
{
	free(r->actor);
	free(r->context);
	free(r->action);
	free(r->target);
	free(r->result);
	free(r->detail);
	memset(r, 0, sizeof *r);
}

/* The request for a restart of shop/checkout. */
static struct action_request
restart_req(void)
{
	struct action_request	r;

	memset(&r, 0, sizeof r);
	r.kind = ACTION_RESTART;
	r.namespace = "shop";
	r.name = "checkout";
	return r;
}

/* Plan a restart and answer access yes and the dry run ok. */
static void
plan_restart(struct action_gate *g, struct kw *w, struct seen *s)
{
	struct action_request	r = restart_req();

	memset(s, 0, sizeof *s);
	action_plan(g, &r, seen_plan, s);
	kw_answer_access(w, 1, NULL);
	kw_answer(w, ACTION_OK, "deployment shop/checkout would be restarted",
	    NULL, NULL, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

/* The table names every kind once, and the words the CLI takes. */
static void
test_table(void)
{
	int	k;

	for (k = 0; k < ACTION_NKINDS; k++) {
		CHECK(action_def_of((enum action_kind)k) != NULL);
		CHECK_INT(action_def_of((enum action_kind)k)->kind, k);
		CHECK(action_def_find(action_def_of(
		    (enum action_kind)k)->name) == action_def_of(
		    (enum action_kind)k));
	}
	CHECK(action_def_find("delete-pod")->flags & ACTION_F_DESTRUCTIVE);
	CHECK(action_def_find("restart")->flags & ACTION_F_CONFIRM);
	CHECK_INT(action_def_find("restart")->rate_max, 5);
	CHECK_STR(action_def_find("scale")->subresource, "scale");
	CHECK(action_def_find("reboot") == NULL);
	CHECK(action_def_of(ACTION_NKINDS) == NULL);
}

/* The whole chain: access, dry run, preview, y, run, follow, one row. */
static void
test_restart_confirmed(void)
{
	struct kw		 w;
	struct cache		*c;
	struct action_gate	*g = kw_gate(&w, &c, 0);
	struct seen		 s;
	struct audit_rec	 last;
	char			*cause = NULL;

	plan_restart(g, &w, &s);
	CHECK_INT(w.naccess, 1);
	CHECK_STR(w.access_what, "patch deployments/ shop checkout");
	CHECK_INT(w.ndry, 1);
	CHECK(w.last.dry_run);
	CHECK_INT(s.npreviews, 1);
	CHECK_INT(s.status, ACTION_OK);
	CHECK_STR(s.title, "restart deployment shop/checkout");
	CHECK_STR(s.confirm, "y");
	CHECK_STR(s.user, "kube-alice");
	CHECK_CONTAINS(s.verdict, "server dry run: ok");
	CHECK(s.plan != NULL);
	CHECK_INT(audit_rows(c, &last), 0);	/* nothing yet */

	/* Not y: nothing runs, the plan still waits. */
	CHECK_INT(action_plan_confirm(s.plan, "n", seen_outcome, seen_follow,
	    &s, &cause), -1);
	CHECK_CONTAINS(cause, "type y");
	free(cause);
	cause = NULL;
	CHECK_INT(w.nreal, 0);
	CHECK_INT(action_plan_confirm(s.plan, " y ", seen_outcome,
	    seen_follow, &s, &cause), 0);
	CHECK_INT(w.nreal, 1);
	CHECK(!w.last.dry_run);
	kw_answer(&w, ACTION_OK, "deployment shop/checkout restarted", NULL,
	    NULL, 0, 0);
	CHECK_INT(s.noutcomes, 1);
	CHECK_INT(s.outcome, ACTION_OK);
	CHECK_INT(audit_rows(c, &last), 1);
	CHECK_STR(last.action, "restart");
	CHECK_STR(last.target, "deployment shop/checkout");
	CHECK_STR(last.result, "ok");
	CHECK_STR(last.actor, "alice@host");
	CHECK_CONTAINS(last.detail, "kubernetes user kube-alice");
	CHECK_CONTAINS(last.detail, "server dry run: ok");
	CHECK_CONTAINS(last.detail, "confirmed with y");
	rec_done(&last);

	/* The rollout is followed until it ends. */
	CHECK_INT(w.nfollow, 1);
	{
		struct action_rollout	r;

		memset(&r, 0, sizeof r);
		r.message = "1 out of 3 new replicas have been updated";
		w.follow_cb(&r, w.follow_arg);
		r.state = 1;
		r.message = "deployment \"checkout\" successfully rolled out";
		w.follow_cb(&r, w.follow_arg);
	}
	CHECK_INT(s.nfollow, 2);
	CHECK_INT(s.last_state, 1);
	CHECK_INT(audit_rows(c, &last), 1);	/* still one row */
	rec_done(&last);
	CHECK(audit_verify(c, &(int64_t){ 0 }, &cause) == 0);
	free(cause);
	action_gate_free(g);
	cache_close(c);
}

/* Every other way a plan ends leaves one row too. */
static void
test_one_row_per_path(void)
{
	struct kw		 w;
	struct cache		*c;
	struct action_gate	*g = kw_gate(&w, &c, 0);
	struct seen		 s;
	struct audit_rec	 last;
	struct action_request	 r;

	/* Cancelled at the preview. */
	plan_restart(g, &w, &s);
	action_plan_cancel(s.plan, NULL);
	CHECK_INT(audit_rows(c, &last), 1);
	CHECK_STR(last.result, "cancelled");
	CHECK_CONTAINS(last.detail, "cancelled by the operator");
	rec_done(&last);

	/* The dry run only. */
	plan_restart(g, &w, &s);
	action_plan_dry_run(s.plan);
	CHECK_INT(audit_rows(c, &last), 2);
	CHECK_STR(last.result, "dry-run");
	CHECK(last.dry_run);
	rec_done(&last);

	/* RBAC says no: the words name verb, resource, namespace, user. */
	r = restart_req();
	memset(&s, 0, sizeof s);
	action_plan(g, &r, seen_plan, &s);
	kw_answer_access(&w, 0, "no RBAC policy matched");
	CHECK_INT(s.status, ACTION_REFUSED);
	CHECK_CONTAINS(s.message, "user kube-alice may not patch deployments "
	    "in namespace shop");
	CHECK_CONTAINS(s.message, "no RBAC policy matched");
	CHECK_INT(w.ndry, 2);		/* no dry run after a no */
	CHECK_INT(audit_rows(c, &last), 3);
	CHECK_STR(last.result, "refused");
	rec_done(&last);

	/* The dry run fails: the server's words. */
	memset(&s, 0, sizeof s);
	action_plan(g, &r, seen_plan, &s);
	kw_answer_access(&w, 1, NULL);
	kw_answer(&w, ACTION_INVALID, "admission webhook denied the request",
	    NULL, NULL, 0, 0);
	CHECK_INT(s.status, ACTION_INVALID);
	CHECK_CONTAINS(s.message, "admission webhook denied");
	CHECK_INT(audit_rows(c, &last), 4);
	CHECK_STR(last.result, "invalid");
	rec_done(&last);

	/* Scale out of bounds: the world is not even asked. */
	memset(&r, 0, sizeof r);
	r.kind = ACTION_SCALE;
	r.namespace = "shop";
	r.name = "checkout";
	r.replicas = 500;
	memset(&s, 0, sizeof s);
	action_plan(g, &r, seen_plan, &s);
	CHECK_INT(s.status, ACTION_INVALID);
	CHECK_CONTAINS(s.message, "allows 0 to 20");
	CHECK_INT(w.naccess, 4);
	CHECK_INT(audit_rows(c, &last), 5);
	rec_done(&last);

	/* An undo with nothing to change. */
	r.kind = ACTION_UNDO;
	r.replicas = 0;
	memset(&s, 0, sizeof s);
	action_plan(g, &r, seen_plan, &s);
	kw_answer_access(&w, 1, NULL);
	kw_answer(&w, ACTION_OK, "skipped rollback (current template already "
	    "matches revision 3)", NULL, NULL, 3, 1);
	CHECK_INT(s.status, ACTION_INVALID);
	CHECK_INT(audit_rows(c, &last), 6);
	CHECK_STR(last.result, "noop");
	rec_done(&last);

	/* A preview still waiting when the gate goes: cancelled, said why. */
	plan_restart(g, &w, &s);
	action_gate_free(g);
	CHECK_INT(audit_rows(c, &last), 7);
	CHECK_STR(last.result, "cancelled");
	CHECK_CONTAINS(last.detail, "left this context");
	rec_done(&last);
	cache_close(c);
}

/* The previous revision the preview named is the one the write asks. */
static void
test_undo_runs_what_was_previewed(void)
{
	struct kw		 w;
	struct cache		*c;
	struct action_gate	*g = kw_gate(&w, &c, 0);
	struct seen		 s;
	struct action_request	 r;
	char			*cause = NULL;

	memset(&r, 0, sizeof r);
	r.kind = ACTION_UNDO;
	r.namespace = "shop";
	r.name = "checkout";
	memset(&s, 0, sizeof s);
	action_plan(g, &r, seen_plan, &s);
	kw_answer_access(&w, 1, NULL);
	CHECK_INT(w.last.to_revision, 0);
	kw_answer(&w, ACTION_OK, "would be rolled back to revision 13",
	    "image checkout: 1.42.0 -> 1.41.3", "undo to revision 14", 13, 0);
	CHECK_STR(s.title, "roll back deployment shop/checkout to revision 13");
	CHECK_STR(s.diff, "image checkout: 1.42.0 -> 1.41.3");
	CHECK_INT(action_plan_confirm(s.plan, "y", seen_outcome, NULL, &s,
	    &cause), 0);
	CHECK_INT(w.last.to_revision, 13);
	kw_answer(&w, ACTION_OK, "rolled back to revision 13", NULL, NULL, 13,
	    0);
	CHECK_STR(s.before, "undo to revision 14");
	CHECK_INT(w.nfollow, 0);	/* nobody asked to follow */
	action_gate_free(g);
	cache_close(c);
}

/* A protected context takes the object's name, typed whole. */
static void
test_protected(void)
{
	struct kw		 w;
	struct cache		*c;
	struct action_gate	*g = kw_gate(&w, &c, 1);
	struct seen		 s;
	struct audit_rec	 last;
	char			*cause = NULL;

	plan_restart(g, &w, &s);
	CHECK_STR(s.confirm, "checkout");
	CHECK_INT(action_plan_confirm(s.plan, "y", seen_outcome, NULL, &s,
	    &cause), -1);
	CHECK_CONTAINS(cause, "context prod is protected: type checkout");
	free(cause);
	cause = NULL;
	CHECK_INT(action_plan_confirm(s.plan, "check", seen_outcome, NULL, &s,
	    &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(w.nreal, 0);
	CHECK_INT(action_plan_confirm(s.plan, "checkout", seen_outcome, NULL,
	    &s, &cause), 0);
	kw_answer(&w, ACTION_OK, "restarted", NULL, NULL, 0, 0);
	CHECK_INT(audit_rows(c, &last), 1);
	CHECK_CONTAINS(last.detail, "confirmed by typing checkout");
	rec_done(&last);
	action_gate_free(g);
	cache_close(c);
}

/* The sixth restart in five minutes is refused, and says when. */
static void
test_rate_limit(void)
{
	struct kw		 w;
	struct cache		*c;
	struct action_gate	*g = kw_gate(&w, &c, 0);
	struct seen		 s;
	struct audit_rec	 last;
	struct action_request	 r;
	char			*cause = NULL;
	int			 i;
	int64_t			 start = clock_ms;

	for (i = 0; i < 5; i++) {
		plan_restart(g, &w, &s);
		CHECK_INT(s.status, ACTION_OK);
		CHECK_INT(action_plan_confirm(s.plan, "y", seen_outcome, NULL,
		    &s, &cause), 0);
		kw_answer(&w, ACTION_OK, "restarted", NULL, NULL, 0, 0);
		clock_ms += 30 * 1000;
	}
	plan_restart(g, &w, &s);
	CHECK_INT(s.status, ACTION_REFUSED);
	CHECK_CONTAINS(s.message, "rate limit: restart of deployment "
	    "shop/checkout done 5 times in the last 5m");
	CHECK_CONTAINS(s.message, "the next is allowed at");
	CHECK_CONTAINS(s.message, "(in 2m)");
	CHECK_INT(audit_rows(c, &last), 6);
	CHECK_STR(last.result, "refused");
	rec_done(&last);

	/* Another workload is not limited by this one. */
	r = restart_req();
	r.name = "frontend";
	memset(&s, 0, sizeof s);
	action_plan(g, &r, seen_plan, &s);
	CHECK_INT(w.naccess, 6);
	kw_answer_access(&w, 1, NULL);
	kw_answer(&w, ACTION_OK, "ok", NULL, NULL, 0, 0);
	CHECK_INT(s.status, ACTION_OK);
	action_plan_cancel(s.plan, NULL);

	/* Once the first leaves the window, the next may go. */
	clock_ms = start + 5 * 60 * 1000 + 1;
	plan_restart(g, &w, &s);
	CHECK_INT(s.status, ACTION_OK);
	action_plan_cancel(s.plan, NULL);

	/* The limit holds between preview and confirmation too. */
	clock_ms = start + 4 * 60 * 1000;
	{
		struct action_policy	pol;

		action_policy_default(&pol);
		pol.rate_max[ACTION_RESTART] = 6;
		action_gate_set_policy(g, &pol);
		plan_restart(g, &w, &s);
		CHECK_INT(s.status, ACTION_OK);
		pol.rate_max[ACTION_RESTART] = 5;
		action_gate_set_policy(g, &pol);
		CHECK_INT(action_plan_confirm(s.plan, "y", seen_outcome, NULL,
		    &s, &cause), 0);
		CHECK_INT(s.outcome, ACTION_REFUSED);
		CHECK_CONTAINS(s.outcome_msg, "rate limit");
	}
	CHECK(audit_verify(c, &(int64_t){ 0 }, &cause) == 0);
	free(cause);
	action_gate_free(g);
	cache_close(c);
	clock_ms = start + 3600 * 1000;
}

/* No Kubernetes in the world: refused, saying what to configure. */
static void
test_no_kube(void)
{
	struct cache		*c = open_cache();
	struct action_gate	*g = action_gate_new(c, "staging", "bob", NULL);
	struct action_request	 r = restart_req();
	struct seen		 s;
	struct audit_rec	 last;
	char			*cause = NULL;

	memset(&s, 0, sizeof s);
	action_plan(g, &r, seen_plan, &s);
	CHECK_INT(s.status, ACTION_UNREACHABLE);
	CHECK_CONTAINS(s.message, "add kubernetes: to it");
	CHECK_INT(audit_rows(c, &last), 1);
	CHECK_STR(last.result, "unreachable");
	rec_done(&last);
	/* Read-only: no gate at all, the refusal recorded by hand. */
	CHECK_INT(action_refusal(c, "staging", "bob", "restart",
	    "deployment shop/checkout", "read-only: started with --readonly",
	    &cause), 0);
	CHECK_INT(audit_rows(c, &last), 2);
	CHECK_STR(last.result, "refused");
	CHECK_STR(last.detail, "read-only: started with --readonly");
	rec_done(&last);
	action_gate_free(g);
	cache_close(c);
}

/* A command: previewed as argv and environment names, output kept. */
static void
test_command(void)
{
	struct kw		 w;
	struct cache		*c;
	struct action_gate	*g = kw_gate(&w, &c, 0);
	struct seen		 s;
	struct audit_rec	 last;
	struct action_request	 r;
	struct action_command	 cmd;
	struct action_command_result cr;
	const char		*argv[] = { "/usr/bin/printf", "%s\n",
				    "two words", NULL };
	const char		*env[] = { "TOKEN=secret-value", NULL };
	char			*cause = NULL;

	memset(&cmd, 0, sizeof cmd);
	cmd.argv = argv;
	cmd.env = env;
	cmd.timeout_ms = 30000;
	memset(&r, 0, sizeof r);
	r.kind = ACTION_COMMAND;
	r.command = &cmd;
	r.why = "runbook checkout-crashloop step 4";
	memset(&s, 0, sizeof s);
	action_plan(g, &r, seen_plan, &s);
	CHECK_INT(s.status, ACTION_OK);
	CHECK_CONTAINS(s.verdict, "would run: /usr/bin/printf %s\n two words");
	CHECK_CONTAINS(s.verdict, "environment: TOKEN; timeout 30s");
	CHECK(strstr(s.verdict, "secret-value") == NULL);
	CHECK_INT(action_plan_confirm(s.plan, "y", seen_outcome, NULL, &s,
	    &cause), 0);
	CHECK_STR(w.command_argv, "/usr/bin/printf|%s\n|two words|");
	memset(&cr, 0, sizeof cr);
	cr.status = ACTION_OK;
	cr.message = "exited 0 after 0.1s";
	cr.output = "two words\n";
	w.command_cb(&cr, w.command_arg);
	CHECK_STR(s.output, "two words\n");
	CHECK_INT(audit_rows(c, &last), 1);
	CHECK_STR(last.action, "command");
	CHECK_STR(last.result, "ok");
	CHECK_CONTAINS(last.detail, "runbook checkout-crashloop step 4");
	CHECK(strstr(last.detail, "secret-value") == NULL);
	rec_done(&last);
	action_gate_free(g);
	cache_close(c);
}

/* Freeing the gate mid-rollout stops the follow without a callback. */
static void
test_free_while_following(void)
{
	struct kw		 w;
	struct cache		*c;
	struct action_gate	*g = kw_gate(&w, &c, 0);
	struct seen		 s;
	char			*cause = NULL;

	plan_restart(g, &w, &s);
	CHECK_INT(action_plan_confirm(s.plan, "y", seen_outcome, seen_follow,
	    &s, &cause), 0);
	kw_answer(&w, ACTION_OK, "restarted", NULL, NULL, 0, 0);
	CHECK_INT(w.nfollow, 1);
	action_gate_free(g);
	CHECK_INT(w.nunfollow, 1);
	CHECK_INT(w.ncancel, 1);
	CHECK_INT(s.nfollow, 0);
	cache_close(c);
}

static const struct test tests[] = {
	TEST(test_table),
	TEST(test_restart_confirmed),
	TEST(test_one_row_per_path),
	TEST(test_undo_runs_what_was_previewed),
	TEST(test_protected),
	TEST(test_rate_limit),
	TEST(test_no_kube),
	TEST(test_command),
	TEST(test_free_while_following),
	{ NULL, NULL }
};

int
main(void)
{
	char	*rm;
	int	 rc;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", dir);
		return 1;
	}
	rc = harness_run(tests);
	rm = xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		rc = 1;
	free(rm);
	return rc;
}
