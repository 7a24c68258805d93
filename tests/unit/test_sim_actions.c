/*
 * test_sim_actions.c: the Kubernetes actions on the simulated world, as
 * the gate's world runs them (restart, undo, scale, delete-pod, dry run,
 * access, follow, command), read back through the cache the next rounds
 * write, on the demo scenario under a virtual clock; and each world of
 * `--worlds` acted on alone.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "backends/sim_actions.h"
#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"

#define NOW	1795458089000LL		/* the demo opens at 40 minutes */
#define SEC	1000LL
#define MIN	(60 * 1000LL)

static char	dir[] = "/tmp/sitrep-simact-XXXXXX";
static int	ncache;

/* A demo runtime under a virtual clock, its poller and its world. */
struct env {
	struct conf		*conf;
	struct cache		*c;
	struct runtime		*rt;
	struct poller		*p;
	struct action_world	 w;
	int64_t			 now;
};

/* The virtual clock. */
static int64_t
vclock(void *arg)
{
	return *(int64_t *)arg;
}

/* Write the finished rounds from the loop, as the program does. */
static void
flush(void *arg)
{
	poller_flush(arg);
}

/* One written round of the simulator at t. */
static int
round_at(struct env *e, int64_t t)
{
	int	i;

	e->now = t;
	poller_start(e->p);
	for (i = 0; i < 100 && !poller_finished(e->p); i++)
		loop_run_once(runtime_loop(e->rt), 50);
	return poller_finished(e->p) ? 0 : -1;
}

/* Open the demo at NOW, one round written. */
static int
env_open(struct env *e)
{
	char	*path, *warning = NULL, *cause = NULL;

	memset(e, 0, sizeof *e);
	e->now = NOW;
	e->conf = sim_demo_conf();
	path = xasprintf("%s/cache%d.db", dir, ncache++);
	e->c = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	if (e->c == NULL || (e->rt = runtime_new(e->c, &cause)) == NULL) {
		printf("# %s\n", cause != NULL ? cause : "?");
		free(cause);
		return -1;
	}
	runtime_set_clock(e->rt, vclock, &e->now);
	runtime_simulate(e->rt, NULL);
	e->p = runtime_set_context(e->rt, e->conf, &e->conf->contexts[0],
	    POLLER_ONCE, &cause);
	if (e->p == NULL) {
		printf("# %s\n", cause != NULL ? cause : "?");
		free(cause);
		return -1;
	}
	loop_set_before_sleep(runtime_loop(e->rt), flush, e->p);
	sim_actions_world(runtime_sim_actions(e->rt), &e->w);
	return round_at(e, NOW);
}

/* Free it all. */
static void
env_close(struct env *e)
{
	runtime_free(e->rt);
	if (e->c != NULL)
		cache_close(e->c);
	conf_free(e->conf);
}

/* A number from a query (-1: none). */
static long long
num(struct env *e, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 n = -1;

	if (sqlite3_prepare_v2(cache_db(e->c), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A real number from a query (-1: none). */
static double
real(struct env *e, const char *sql)
{
	sqlite3_stmt	*st;
	double		 v = -1;

	if (sqlite3_prepare_v2(cache_db(e->c), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Every row of a query, as one text (allocated). */
static char *
rows(struct env *e, const char *sql)
{
	sqlite3_stmt	*st;
	struct buf	 b;
	int		 i;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	if (sqlite3_prepare_v2(cache_db(e->c), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return buf_detach(&b);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			buf_printf(&b, "%s|", t != NULL ? (const char *)t :
			    "NULL");
		}
		buf_puts(&b, "\n");
	}
	sqlite3_finalize(st);
	return buf_detach(&b);
}

/* What a Kubernetes action said. */
struct kres {
	int	 n;
	int	 status;
	char	*message;
	char	*diff;
	char	*before;
	int64_t	 revision;
	int	 noop;
};

static void
kres_done(struct kres *k)
{
	free(k->message);
	free(k->diff);
	free(k->before);
	memset(k, 0, sizeof *k);
}

static void
kube_cb(const struct action_kube_result *r, void *arg)
{
	struct kres	*k = arg;

	k->n++;
	k->status = r->status;
	free(k->message);
	free(k->diff);
	free(k->before);
	k->message = xstrdup(r->message != NULL ? r->message : "");
	k->diff = r->diff != NULL ? xstrdup(r->diff) : NULL;
	k->before = r->before != NULL ? xstrdup(r->before) : NULL;
	k->revision = r->revision;
	k->noop = r->noop;
}

/* Run a Kubernetes action and wait for its answer (from the loop). */
static void
kube(struct env *e, enum action_kind kind, const char *ns, const char *name,
    int64_t rev, int replicas, int dry, struct kres *k)
{
	struct action_kube	req;
	int			i;

	kres_done(k);
	memset(&req, 0, sizeof req);
	req.kind = kind;
	req.namespace = ns;
	req.name = name;
	req.to_revision = rev;
	req.replicas = replicas;
	req.dry_run = dry;
	e->w.kube(e->w.kube_impl, &req, kube_cb, k);
	CHECK_INT(k->n, 0);
	for (i = 0; i < 100 && k->n == 0; i++)
		loop_run_once(runtime_loop(e->rt), 20);
	CHECK_INT(k->n, 1);
}

#define CHECKOUT_PODS	"SELECT COUNT(*) FROM kube_pods WHERE namespace = " \
	"'shop' AND name LIKE 'checkout-%'"
#define REVISION	"SELECT revision FROM kube_deployments WHERE name = " \
	"'checkout'"
#define CRASHLOOP	"SELECT COUNT(*) FROM alerts WHERE alertname = " \
	"'KubePodCrashLooping'"
#define PROBE_OK	"SELECT ok FROM probes WHERE name = 'checkout-health'"
#define RATIO_5M	"SELECT value FROM samples WHERE query_key = " \
	"'slo:checkout-availability:ratio:5m'"
#define BURN_CRIT	"SELECT COUNT(*) FROM alerts WHERE alertname = " \
	"'ErrorBudgetBurn' AND severity = 'critical'"
#define CRASHING_POD	"SELECT name FROM kube_pods WHERE reason = " \
	"'CrashLoopBackOff'"

/* The checkout service's Kubernetes rows, as one text. */
static char *
kube_rows(struct env *e)
{
	char	*a, *b, *t;

	a = rows(e, "SELECT namespace, name, generation, replicas,"
	    " ready_replicas, updated_replicas, revision FROM"
	    " kube_deployments ORDER BY 1, 2");
	b = rows(e, "SELECT name, owner_name, ready, restarts, reason,"
	    " started_ms FROM kube_pods ORDER BY 1");
	t = xasprintf("%s%s", a, b);
	free(a);
	free(b);
	return t;
}

/*
 * An undo of checkout at the demo's start: a new revision of the
 * previous image, its pods rolled one at a time, the crash loop, its
 * alert, the failing probe and the fast burn gone within minutes, the
 * short-window ratio falling, and the scenario's own rollback not played
 * on top of it.
 */
static void
test_undo(void)
{
	struct env	 e, plain;
	struct kres	 k;
	char		*crashing, *before, *after, *at6, *at10, *sql;
	double		 r0, r6, scripted6;

	memset(&k, 0, sizeof k);
	if (env_open(&e) != 0 || env_open(&plain) != 0) {
		CHECK(0);
		env_close(&e);
		return;
	}
	CHECK_INT(num(&e, REVISION), 15);
	CHECK(num(&e, CRASHLOOP) > 0);
	CHECK_INT(num(&e, PROBE_OK), 0);
	CHECK(num(&e, BURN_CRIT) > 0);
	r0 = real(&e, RATIO_5M);
	CHECK(r0 > 0.03);
	crashing = rows(&e, CRASHING_POD);
	CHECK(strlen(crashing) > 10);

	/* The dry run: the verdict, nothing changed. */
	before = kube_rows(&e);
	kube(&e, ACTION_UNDO, "shop", "checkout", 0, 0, 1, &k);
	CHECK_INT(k.status, ACTION_OK);
	CHECK_CONTAINS(k.message, "(server dry run)");
	CHECK_STR(k.diff, "image checkout: 1.42.0 -> 1.41.3");
	CHECK_STR(k.before, "undo to revision 15");
	CHECK_INT(k.revision, 14);
	CHECK_INT(round_at(&e, NOW), 0);
	after = kube_rows(&e);
	CHECK_STR(after, before);
	free(before);
	free(after);

	/* The real one. */
	kube(&e, ACTION_UNDO, "shop", "checkout", 0, 0, 0, &k);
	CHECK_INT(k.status, ACTION_OK);
	CHECK_STR(k.message, "deployment.apps/checkout rolled back");
	CHECK_INT(k.noop, 0);
	CHECK_INT(round_at(&e, NOW + 30 * SEC), 0);
	CHECK_INT(num(&e, REVISION), 16);
	/* One pod at a time: the first new one beside the three old. */
	CHECK_INT(num(&e, CHECKOUT_PODS), 4);
	CHECK_INT(num(&e, "SELECT COUNT(*) FROM kube_pods WHERE owner_name ="
	    " (SELECT name FROM kube_replicasets WHERE name LIKE 'checkout-%'"
	    " AND images LIKE '%1.41.3%')"), 1);
	CHECK_INT(round_at(&e, NOW + 60 * SEC), 0);
	sql = xasprintf("SELECT COUNT(*) FROM kube_pods WHERE name || '|\n' ="
	    " '%s'", crashing);
	CHECK_INT(num(&e, sql), 0);
	free(sql);
	CHECK_INT(num(&e, CHECKOUT_PODS), 4);
	CHECK_INT(round_at(&e, NOW + 3 * MIN), 0);
	CHECK_INT(num(&e, CHECKOUT_PODS), 3);
	CHECK_INT(num(&e, "SELECT COUNT(*) FROM kube_pods WHERE owner_name ="
	    " (SELECT name FROM kube_replicasets WHERE name LIKE 'checkout-%'"
	    " AND images LIKE '%1.41.3%') AND ready = 1"), 3);
	CHECK_INT(num(&e, CRASHLOOP), 0);
	CHECK_INT(num(&e, "SELECT COUNT(*) FROM kube_pods WHERE reason IS NOT"
	    " NULL AND namespace = 'shop'"), 0);
	CHECK_INT(num(&e, PROBE_OK), 1);
	CHECK_INT(round_at(&e, NOW + 6 * MIN), 0);
	CHECK_INT(round_at(&plain, NOW + 6 * MIN), 0);
	r6 = real(&e, RATIO_5M);
	scripted6 = real(&plain, RATIO_5M);
	CHECK(r6 >= 0 && r6 < r0 / 2);
	CHECK(r6 < scripted6 / 2);
	CHECK_INT(num(&e, BURN_CRIT), 0);
	CHECK(num(&plain, BURN_CRIT) > 0);
	CHECK(num(&plain, CRASHLOOP) > 0);
	/* The scenario's rollback (at 48 minutes) does not happen again. */
	at6 = rows(&e, "SELECT name FROM kube_pods ORDER BY 1");
	CHECK_INT(round_at(&e, NOW + 10 * MIN), 0);
	at10 = rows(&e, "SELECT name FROM kube_pods ORDER BY 1");
	CHECK_STR(at10, at6);
	CHECK_INT(num(&e, REVISION), 16);
	CHECK_INT(num(&e, "SELECT COUNT(*) FROM kube_events WHERE reason ="
	    " 'DeploymentRollback'"), 1);
	free(at6);
	free(at10);
	free(crashing);
	kres_done(&k);
	env_close(&plain);
	env_close(&e);
}

/* A restart replaces the pods, and the bad revision stays bad. */
static void
test_restart(void)
{
	struct env	 e;
	struct kres	 k;
	char		*crashing, *now;

	memset(&k, 0, sizeof k);
	if (env_open(&e) != 0) {
		CHECK(0);
		env_close(&e);
		return;
	}
	crashing = rows(&e, CRASHING_POD);
	CHECK(num(&e, "SELECT restarts FROM kube_pods WHERE reason ="
	    " 'CrashLoopBackOff'") > 5);
	kube(&e, ACTION_RESTART, "shop", "checkout", 0, 0, 0, &k);
	CHECK_INT(k.status, ACTION_OK);
	CHECK_STR(k.message, "deployment.apps/checkout restarted");
	CHECK(k.diff != NULL);
	CHECK_INT(round_at(&e, NOW + 3 * MIN), 0);
	CHECK_INT(num(&e, REVISION), 15);
	CHECK_INT(num(&e, CHECKOUT_PODS), 3);
	now = rows(&e, CRASHING_POD);
	/* A new pod, crash looping again, its restarts counted anew. */
	CHECK(strlen(now) > 10);
	CHECK(strcmp(now, crashing) != 0);
	CHECK(num(&e, "SELECT restarts FROM kube_pods WHERE reason ="
	    " 'CrashLoopBackOff'") <= 2);
	CHECK(num(&e, CRASHLOOP) > 0);
	CHECK_INT(num(&e, PROBE_OK), 0);
	free(now);
	free(crashing);
	kres_done(&k);
	env_close(&e);
}

/* Scale adds and removes pods, within what the simulator shows. */
static void
test_scale(void)
{
	struct env	 e;
	struct kres	 k;

	memset(&k, 0, sizeof k);
	if (env_open(&e) != 0) {
		CHECK(0);
		env_close(&e);
		return;
	}
	kube(&e, ACTION_SCALE, "shop", "checkout", 0, 5, 0, &k);
	CHECK_INT(k.status, ACTION_OK);
	CHECK_STR(k.message, "deployment.apps/checkout scaled");
	CHECK_STR(k.diff, "replicas: 3 -> 5");
	CHECK_STR(k.before, "scale to 3");
	CHECK_INT(round_at(&e, NOW + MIN), 0);
	CHECK_INT(num(&e, CHECKOUT_PODS), 5);
	CHECK_INT(num(&e, "SELECT replicas FROM kube_deployments WHERE name ="
	    " 'checkout'"), 5);
	kube(&e, ACTION_SCALE, "shop", "checkout", 0, 5, 0, &k);
	CHECK_INT(k.noop, 1);
	kube(&e, ACTION_SCALE, "shop", "checkout", 0, 500, 0, &k);
	CHECK_INT(k.status, ACTION_REFUSED);
	CHECK_CONTAINS(k.message, "at most 12 replicas");
	kube(&e, ACTION_SCALE, "shop", "checkout", 0, -1, 0, &k);
	CHECK_INT(k.status, ACTION_INVALID);
	kube(&e, ACTION_SCALE, "shop", "checkout", 0, 2, 0, &k);
	CHECK_STR(k.diff, "replicas: 5 -> 2");
	CHECK_INT(round_at(&e, NOW + 2 * MIN), 0);
	CHECK_INT(num(&e, CHECKOUT_PODS), 2);
	kres_done(&k);
	env_close(&e);
}

/* delete-pod: that pod gone, a new one in its place; unknown: refused. */
static void
test_delete_pod(void)
{
	struct env	 e;
	struct kres	 k;
	char		*name, *sql;

	memset(&k, 0, sizeof k);
	if (env_open(&e) != 0) {
		CHECK(0);
		env_close(&e);
		return;
	}
	name = rows(&e, "SELECT name FROM kube_pods WHERE namespace ="
	    " 'payments' ORDER BY 1 LIMIT 1");
	if (strlen(name) > 2)
		name[strlen(name) - 2] = '\0';	/* "|\n" */
	kube(&e, ACTION_DELETE_POD, "payments", name, 0, 0, 0, &k);
	CHECK_INT(k.status, ACTION_OK);
	sql = xasprintf("pod \"%s\" deleted", name);
	CHECK_STR(k.message, sql);
	free(sql);
	CHECK_INT(round_at(&e, NOW + 5 * SEC), 0);
	sql = xasprintf("SELECT COUNT(*) FROM kube_pods WHERE name = '%s'",
	    name);
	CHECK_INT(num(&e, sql), 0);
	free(sql);
	CHECK_INT(num(&e, "SELECT COUNT(*) FROM kube_pods WHERE namespace ="
	    " 'payments'"), 2);
	CHECK_INT(num(&e, "SELECT COUNT(*) FROM kube_pods WHERE namespace ="
	    " 'payments' AND ready = 0"), 1);
	CHECK_INT(round_at(&e, NOW + MIN), 0);
	CHECK_INT(num(&e, "SELECT COUNT(*) FROM kube_pods WHERE namespace ="
	    " 'payments' AND ready = 1"), 2);
	/* Deleting it again: it is gone. */
	kube(&e, ACTION_DELETE_POD, "payments", name, 0, 0, 0, &k);
	CHECK_INT(k.status, ACTION_REFUSED);
	sql = xasprintf("pods \"%s\" not found", name);
	CHECK_STR(k.message, sql);
	free(sql);
	kube(&e, ACTION_DELETE_POD, "shop", "nope\033[2J", 0, 0, 0, &k);
	CHECK_STR(k.message, "pods \"nope^[[2J\" not found");
	free(name);
	kres_done(&k);
	env_close(&e);
}

/* What kubectl refuses, and what is nothing to do. */
static void
test_refusals(void)
{
	struct env	 e;
	struct kres	 k;
	char		*before, *after;

	memset(&k, 0, sizeof k);
	if (env_open(&e) != 0) {
		CHECK(0);
		env_close(&e);
		return;
	}
	before = kube_rows(&e);
	kube(&e, ACTION_UNDO, "shop", "checkout", 99, 0, 0, &k);
	CHECK_INT(k.status, ACTION_REFUSED);
	CHECK_STR(k.message, "unable to find specified revision 99 in history");
	kube(&e, ACTION_UNDO, "shop", "checkout", 15, 0, 0, &k);
	CHECK_INT(k.status, ACTION_OK);
	CHECK_INT(k.noop, 1);
	CHECK_STR(k.message, "deployment.apps/checkout skipped rollback "
	    "(current template already matches revision 15)");
	kube(&e, ACTION_RESTART, "ledger", "ledger", 0, 0, 0, &k);
	CHECK_INT(k.status, ACTION_REFUSED);
	CHECK_CONTAINS(k.message, "is a StatefulSet");
	kube(&e, ACTION_SCALE, "shop", "nope", 0, 2, 0, &k);
	CHECK_STR(k.message, "deployments.apps \"nope\" not found");
	kube(&e, ACTION_RESTART, "search", "checkout", 0, 0, 0, &k);
	CHECK_STR(k.message, "deployments.apps \"checkout\" not found");
	/* Dry runs of every kind change nothing either. */
	kube(&e, ACTION_SCALE, "shop", "checkout", 0, 6, 1, &k);
	CHECK_STR(k.message, "deployment.apps/checkout scaled (server dry "
	    "run)");
	kube(&e, ACTION_RESTART, "shop", "checkout", 0, 0, 1, &k);
	CHECK_INT(k.status, ACTION_OK);
	CHECK_INT(round_at(&e, NOW), 0);
	after = kube_rows(&e);
	CHECK_STR(after, before);
	free(before);
	free(after);
	kres_done(&k);
	env_close(&e);
}

/* What a follow said. */
struct fres {
	int	 n;
	int	 state;
	int	 waiting;
	char	*first;
	char	*last;
};

static void
follow_cb(const struct action_rollout *r, void *arg)
{
	struct fres	*f = arg;

	f->n++;
	f->state = r->state;
	if (r->state == 0)
		f->waiting++;
	if (f->first == NULL)
		f->first = xstrdup(r->message);
	free(f->last);
	f->last = xstrdup(r->message);
}

/* Follow reads the rollout of an undo until it has rolled out. */
static void
test_follow(void)
{
	struct env	 e;
	struct kres	 k;
	struct fres	 f, g;
	void		*h;
	int		 i, n;

	memset(&k, 0, sizeof k);
	memset(&f, 0, sizeof f);
	memset(&g, 0, sizeof g);
	if (env_open(&e) != 0) {
		CHECK(0);
		env_close(&e);
		return;
	}
	kube(&e, ACTION_UNDO, "shop", "checkout", 0, 0, 0, &k);
	CHECK_INT(k.status, ACTION_OK);
	e.w.follow(e.w.kube_impl, "shop", "checkout", follow_cb, &f);
	/* One that is stopped at once never calls back. */
	h = e.w.follow(e.w.kube_impl, "shop", "checkout", follow_cb, &g);
	e.w.unfollow(e.w.kube_impl, h);
	CHECK_INT(f.n, 0);
	for (i = 0; i < 40 && f.state == 0; i++) {
		loop_run_once(runtime_loop(e.rt), 1100);
		e.now += 20 * SEC;
	}
	CHECK_INT(f.state, 1);
	CHECK(f.waiting >= 2);
	CHECK_CONTAINS(f.first, "Waiting for deployment \"checkout\" rollout "
	    "to finish: ");
	CHECK_STR(f.last, "deployment \"checkout\" successfully rolled out");
	CHECK_INT(g.n, 0);
	/* Nothing after the end. */
	n = f.n;
	e.now += MIN;
	loop_run_once(runtime_loop(e.rt), 1100);
	CHECK_INT(f.n, n);
	/* A deployment that is not there cannot be followed. */
	e.w.follow(e.w.kube_impl, "shop", "nope", follow_cb, &g);
	for (i = 0; i < 50 && g.n == 0; i++)
		loop_run_once(runtime_loop(e.rt), 20);
	CHECK_INT(g.state, -2);
	CHECK_STR(g.last, "deployments.apps \"nope\" not found");
	free(f.first);
	free(f.last);
	free(g.first);
	free(g.last);
	kres_done(&k);
	env_close(&e);
}

/* What access and a command said. */
struct other {
	int	 n;
	int	 allowed;
	char	*user;
	int	 status;
	int	 exit_code;
	char	*output;
};

static void
access_cb(const struct action_access *a, void *arg)
{
	struct other	*o = arg;

	o->n++;
	o->allowed = a->allowed;
	o->user = a->user != NULL ? xstrdup(a->user) : NULL;
}

static void
command_cb(const struct action_command_result *r, void *arg)
{
	struct other	*o = arg;

	o->n++;
	o->status = r->status;
	o->exit_code = r->exit_code;
	o->output = r->output != NULL ? xstrdup(r->output) : NULL;
}

/*
 * Access is granted as "demo"; a command is never run, its answer says
 * what would have run; cancelling forgets without a callback.
 */
static void
test_access_command_cancel(void)
{
	static const char *const argv[] = { "kubectl", "rollout", "restart",
	    "deployment/x y", "it's", "\033[31m", NULL };
	static const char *const env[] = { NULL };
	struct env		 e;
	struct other		 a, c, d;
	struct kres		 k;
	struct fres		 f;
	struct action_kube	 req;
	struct action_command	 cmd;
	int			 i;

	memset(&f, 0, sizeof f);
	memset(&a, 0, sizeof a);
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	memset(&k, 0, sizeof k);
	if (env_open(&e) != 0) {
		CHECK(0);
		env_close(&e);
		return;
	}
	CHECK_STR(e.w.cluster, "demo-eu1");
	memset(&req, 0, sizeof req);
	req.kind = ACTION_RESTART;
	req.namespace = "shop";
	req.name = "checkout";
	e.w.access(e.w.kube_impl, &req, action_def_of(ACTION_RESTART),
	    access_cb, &a);
	memset(&cmd, 0, sizeof cmd);
	cmd.argv = argv;
	cmd.env = env;
	cmd.timeout_ms = 1000;
	e.w.command(e.w.command_impl, &cmd, command_cb, &c);
	CHECK_INT(a.n + c.n, 0);
	for (i = 0; i < 50 && (a.n == 0 || c.n == 0); i++)
		loop_run_once(runtime_loop(e.rt), 20);
	CHECK_INT(a.n, 1);
	CHECK_INT(a.allowed, 1);
	CHECK_STR(a.user, "demo");
	CHECK_INT(c.n, 1);
	CHECK_INT(c.status, ACTION_OK);
	CHECK_INT(c.exit_code, 0);
	CHECK_STR(c.output, "simulated: would run: kubectl rollout restart "
	    "'deployment/x y' 'it'\\''s' '^[[31m'");

	/* Cancelled: no answer, and nothing recorded is lost either. */
	e.w.command(e.w.command_impl, &cmd, command_cb, &d);
	e.w.command_cancel(e.w.command_impl);
	e.w.kube(e.w.kube_impl, &req, kube_cb, &k);
	e.w.follow(e.w.kube_impl, "shop", "checkout", follow_cb, &f);
	e.w.kube_cancel(e.w.kube_impl);
	for (i = 0; i < 10; i++)
		loop_run_once(runtime_loop(e.rt), 20);
	CHECK_INT(d.n, 0);
	CHECK_INT(k.n, 0);
	CHECK_INT(f.n, 0);
	free(a.user);
	free(c.output);
	kres_done(&k);
	env_close(&e);
}

/* The same actions at the same moments give the same world. */
static void
test_deterministic(void)
{
	struct env	 e[2];
	struct kres	 k;
	char		*t[2], *name, *a, *b;
	int		 i;

	memset(&k, 0, sizeof k);
	for (i = 0; i < 2; i++) {
		if (env_open(&e[i]) != 0) {
			CHECK(0);
			env_close(&e[i]);
			if (i == 1)
				env_close(&e[0]);
			return;
		}
		kube(&e[i], ACTION_SCALE, "search", "search", 0, 4, 0, &k);
		CHECK_INT(round_at(&e[i], NOW + 20 * SEC), 0);
		kube(&e[i], ACTION_UNDO, "shop", "checkout", 0, 0, 0, &k);
		CHECK_INT(round_at(&e[i], NOW + 50 * SEC), 0);
		name = rows(&e[i], "SELECT name FROM kube_pods WHERE namespace"
		    " = 'search' ORDER BY 1 LIMIT 1");
		name[strlen(name) - 2] = '\0';
		kube(&e[i], ACTION_DELETE_POD, "search", name, 0, 0, 0, &k);
		free(name);
		kube(&e[i], ACTION_RESTART, "shop", "frontend", 0, 0, 0, &k);
		CHECK_INT(round_at(&e[i], NOW + 100 * SEC), 0);
		a = kube_rows(&e[i]);
		b = rows(&e[i], "SELECT fingerprint, state FROM alerts ORDER"
		    " BY 1");
		t[i] = xasprintf("%s%s", a, b);
		free(a);
		free(b);
	}
	CHECK(strlen(t[0]) > 1000);
	CHECK_STR(t[0], t[1]);
	CHECK_INT(num(&e[0], "SELECT COUNT(*) FROM kube_pods WHERE namespace"
	    " = 'search'"), 4);
	for (i = 0; i < 2; i++) {
		free(t[i]);
		env_close(&e[i]);
	}
	kres_done(&k);
}

/* Remove the temp dir. */
static void
cleanup(void)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char	*path;
	int	 i, j;

	for (i = 0; i < ncache; i++) {
		for (j = 0; j < 3; j++) {
			path = xasprintf("%s/cache%d.db%s", dir, i, sfx[j]);
			unlink(path);
			free(path);
		}
	}
	rmdir(dir);
}

/* Flush every poller of a world test, as fetch --all does. */
static void
flush_all(void *arg)
{
	struct poller	**p = arg;

	for (; *p != NULL; p++)
		poller_flush(*p);
}

/* A round of every poller at t. */
static int
rounds_at(struct env *e, struct poller **p, int64_t t)
{
	size_t	j;
	int	i, done = 0;

	e->now = t;
	for (j = 0; p[j] != NULL; j++)
		poller_start(p[j]);
	for (i = 0; i < 100 && !done; i++) {
		loop_run_once(runtime_loop(e->rt), 50);
		for (done = 1, j = 0; p[j] != NULL; j++)
			done &= poller_finished(p[j]);
	}
	return done ? 0 : -1;
}

/* What a silence said. */
static void
silence_cb(const struct action_result *r, void *arg)
{
	char	**id = arg;

	free(*id);
	*id = xstrdup(r->status == ACTION_OK && r->id != NULL ? r->id : "");
}

/*
 * Each world of `--worlds` is its own: a scale and a silence made through
 * demo-2's gate change demo-2 only, and demo, polled by the same runtime
 * at the same moments, keeps the scenario's world.
 */
static void
test_worlds_apart(void)
{
	struct env		 e;
	struct kres		 k;
	struct poller		*p[3] = { NULL, NULL, NULL };
	struct action_silence	 x;
	struct matchers		 m;
	char			*cause = NULL, *id = NULL, *warning = NULL;
	char			*path, *sql;
	size_t			 n;
	int			 i;

	memset(&k, 0, sizeof k);
	memset(&e, 0, sizeof e);
	e.now = NOW;
	e.conf = sim_demo_worlds_conf(2);
	CHECK(e.conf != NULL && e.conf->ncontexts == 2);
	if (e.conf == NULL)
		return;
	path = xasprintf("%s/cache%d.db", dir, ncache++);
	e.c = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	if (e.c == NULL || (e.rt = runtime_new(e.c, &cause)) == NULL) {
		printf("# %s\n", cause != NULL ? cause : "?");
		free(cause);
		CHECK(0);
		env_close(&e);
		return;
	}
	runtime_set_clock(e.rt, vclock, &e.now);
	runtime_simulate(e.rt, NULL);
	/* demo-2 is the current context (it acts); demo is polled beside. */
	p[0] = runtime_set_context(e.rt, e.conf, &e.conf->contexts[1],
	    POLLER_ONCE, &cause);
	if (p[0] != NULL)
		p[1] = runtime_add_context(e.rt, e.conf, &e.conf->contexts[0],
		    POLLER_ONCE, &cause);
	CHECK(p[0] != NULL && p[1] != NULL);
	if (p[0] == NULL || p[1] == NULL) {
		printf("# %s\n", cause != NULL ? cause : "?");
		free(cause);
		env_close(&e);
		return;
	}
	e.p = p[0];
	loop_set_before_sleep(runtime_loop(e.rt), flush_all, p);
	CHECK_INT(runtime_world_for_sim(e.rt, &e.conf->contexts[1], &e.w), 0);
	CHECK(runtime_sim_actions_of(e.rt, "demo") !=
	    runtime_sim_actions_of(e.rt, "demo-2"));
	CHECK_INT(rounds_at(&e, p, NOW), 0);
	for (i = 0; i < 2; i++) {
		sql = xasprintf("%s AND context = '%s'", CHECKOUT_PODS,
		    e.conf->contexts[i].name);
		CHECK_INT(num(&e, sql), 3);
		free(sql);
	}

	/* A scale in demo-2. */
	kube(&e, ACTION_SCALE, "shop", "checkout", 0, 5, 0, &k);
	CHECK_INT(k.status, ACTION_OK);
	CHECK_INT(k.noop, 0);
	/* A silence in demo-2. */
	matchers_init(&m);
	CHECK_INT(matchers_parse(&m, "alertname=\"WorldsApart\"", &cause), 0);
	memset(&x, 0, sizeof x);
	x.matchers = &m;
	x.starts_ms = NOW;
	x.ends_ms = NOW + 60 * MIN;
	x.comment = "only in demo-2";
	e.w.silence(e.w.impl, &x, silence_cb, &id);
	for (i = 0; i < 100 && id == NULL; i++)
		loop_run_once(runtime_loop(e.rt), 20);
	CHECK(id != NULL && *id != '\0');
	matchers_done(&m);

	CHECK_INT(rounds_at(&e, p, NOW + MIN), 0);
	CHECK_INT(num(&e, CHECKOUT_PODS " AND context = 'demo-2'"), 5);
	CHECK_INT(num(&e, CHECKOUT_PODS " AND context = 'demo'"), 3);
	CHECK_INT(num(&e, "SELECT replicas FROM kube_deployments WHERE"
	    " context = 'demo' AND name = 'checkout'"), 3);
	sim_actions_ops(runtime_sim_actions_of(e.rt, "demo-2"), &n);
	CHECK_INT(n, 1);
	sim_actions_ops(runtime_sim_actions_of(e.rt, "demo"), &n);
	CHECK_INT(n, 0);
	sql = xasprintf("SELECT COUNT(*) FROM silences WHERE id = '%s' AND"
	    " context = 'demo-2'", id != NULL ? id : "");
	CHECK_INT(num(&e, sql), 1);
	free(sql);
	sql = xasprintf("SELECT COUNT(*) FROM silences WHERE id = '%s' AND"
	    " context = 'demo'", id != NULL ? id : "");
	CHECK_INT(num(&e, sql), 0);
	free(sql);
	sim_actions_silences(runtime_sim_actions_of(e.rt, "demo"), &n);
	CHECK_INT(n, 0);
	free(id);
	kres_done(&k);
	env_close(&e);
}

static const struct test tests[] = {
	TEST(test_undo),
	TEST(test_restart),
	TEST(test_scale),
	TEST(test_delete_pod),
	TEST(test_refusals),
	TEST(test_follow),
	TEST(test_access_command_cancel),
	TEST(test_deterministic),
	TEST(test_worlds_apart),
	{ NULL, NULL }
};

int
main(void)
{
	int	rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = harness_run(tests);
	cleanup();
	return rc;
}
