/*
 * runtime.c: the loop, HTTP, cache, poller and clock of a running sitrep.
 *
 * One object instead of process-wide state, so that a command builds what
 * it polls with in one place and a drill can swap the clock.  See
 * runtime.h.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/am_write.h"
#include "backends/command_world.h"
#include "backends/backend.h"
#include "backends/http.h"
#include "backends/kube.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/kube_world.h"
#include "backends/sim.h"
#include "backends/sim_actions.h"
#include "core/action.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* What actions did to one context's simulated world. */
struct runtime_sim_world {
	char			*context;	/* NULL: not claimed yet */
	struct sim_actions	*sa;
};

struct runtime {
	struct loop			*loop;		/* owned */
	struct http			*http;		/* owned */
	struct cache			*cache;		/* borrowed */
	struct cache			*store_cache;	/* owned, the worker's */
	struct poller			*poller;	/* owned, current */
	struct poller			**added;	/* owned, never current */
	size_t				 nadded;
	struct action_gate		*gate;		/* owned, current */
	struct am_writer		*writer;	/* owned, the gate's */
	struct kube_world		*kube_world;	/* owned, the gate's */
	struct command_world		*command_world;	/* owned, the gate's */
	int				 read_only;
	char				*read_only_why;	/* owned, or NULL */
	const struct conf_context	*ctx;		/* borrowed, current */
	int64_t				(*clock)(void *);
	void				*clock_arg;
	int64_t				 eval_ms;	/* 0: now */
	int				 kube_page_limit;
	int				 sim;
	double				 sim_speed;	/* 0: 1 */
	const struct sim_scenario	*scenario;	/* NULL: the demo */
	struct runtime_sim_world	*worlds;	/* owned, if sim */
	size_t				 nworlds;
};

/* Start a loop and HTTP over it for cache. */
struct runtime *
runtime_new(struct cache *cache, char **cause)
{
	struct runtime	*rt;

	rt = xcalloc(1, sizeof *rt);
	rt->cache = cache;
	rt->kube_page_limit = RUNTIME_KUBE_PAGE_LIMIT;
	if ((rt->loop = loop_new()) == NULL) {
		*cause = xasprintf("cannot start the event loop (%s); close "
		    "some files or raise the limit (ulimit -n)",
		    strerror(errno));
		free(rt);
		return NULL;
	}
	if ((rt->http = http_new(rt->loop)) == NULL) {
		*cause = xstrdup("cannot start HTTP (libcurl failed to "
		    "initialise; is libcurl installed whole?)");
		loop_free(rt->loop);
		free(rt);
		return NULL;
	}
	return rt;
}

/* Free the gate (cancelling its writes) and then its world. */
static void
runtime_drop_gate(struct runtime *rt)
{
	action_gate_free(rt->gate);
	rt->gate = NULL;
	am_writer_free(rt->writer);
	rt->writer = NULL;
	kube_world_free(rt->kube_world);
	rt->kube_world = NULL;
	command_world_free(rt->command_world);
	rt->command_world = NULL;
}

/* The current poller's Kubernetes client, or NULL. */
static struct kube_client *
runtime_kube_client(struct runtime *rt)
{
	struct source	*s;

	if (rt->poller == NULL)
		return NULL;
	for (s = poller_first(rt->poller); s != NULL; s = poller_next(s)) {
		if (s->ops != NULL && s->ops->kind != NULL &&
		    strcmp(s->ops->kind, "kubernetes") == 0)
			return kube_source_client(s);
	}
	return NULL;
}

/* The gate's clock: the runtime's. */
static int64_t
runtime_gate_now(void *arg)
{
	return runtime_now_ms(arg);
}

/*
 * What the gate lets ctx do: protected, the rate limits and the scale
 * bounds of the configuration (checked when it was loaded).
 */
static void
runtime_gate_policy(struct runtime *rt, const struct conf *conf,
    const struct conf_context *ctx)
{
	struct action_policy	 pol;
	const struct action_def	*d;
	size_t			 i;
	int			 max;
	int64_t			 window;
	char			*cause = NULL;

	action_policy_default(&pol);
	pol.protected_ctx = ctx->protected_ctx;
	if (conf != NULL) {
		pol.scale_min = conf->scale_min;
		pol.scale_max = conf->scale_max;
		for (i = 0; i < conf->nrate_limits; i++) {
			d = action_def_find(conf->rate_limits[i].key);
			if (d == NULL || action_rate_parse(
			    conf->rate_limits[i].value, &max, &window,
			    &cause) != 0) {
				free(cause);
				cause = NULL;
				continue;
			}
			pol.rate_max[d->kind] = max;
			pol.rate_window_ms[d->kind] = window;
		}
	}
	action_gate_set_policy(rt->gate, &pol);
	action_gate_set_clock(rt->gate, runtime_gate_now, rt);
}

/*
 * The gate of ctx: over the simulator's world when it plays, else over
 * the context's Alertmanagers, else without a world; none when the
 * runtime is read-only or ctx has readonly: true.
 */
static void
runtime_build_gate(struct runtime *rt, const struct conf *conf,
    const struct conf_context *ctx)
{
	struct action_world	 world;
	struct kube_client	*kc;
	int			 has = 0;
	char			*cause = NULL;

	runtime_drop_gate(rt);
	if (rt->read_only || ctx == NULL || ctx->readonly)
		return;
	memset(&world, 0, sizeof world);
	if (runtime_simulated(rt, NULL))
		has = runtime_world_for_sim(rt, ctx, &world) == 0;
	else {
		if (ctx->nalertmanagers > 0) {
			rt->writer = am_writer_new(rt->loop, rt->http,
			    ctx->alertmanagers, ctx->nalertmanagers, &cause);
			if (rt->writer != NULL) {
				am_writer_world(rt->writer, &world);
				has = 1;
			}
			free(cause);
		}
		/* The world borrows the poller's client: built after it. */
		if ((kc = runtime_kube_client(rt)) != NULL) {
			rt->kube_world = kube_world_new(rt->loop, kc);
			kube_world_fill(rt->kube_world, &world);
			if (!has)
				world.name = "kubernetes";
			has = 1;
		}
		/* Runbook commands run here, as children of the loop. */
		rt->command_world = command_world_new(rt->loop);
		command_world_fill(rt->command_world, &world);
		if (!has)
			world.name = "this machine";
		has = 1;
	}
	rt->gate = action_gate_new(rt->cache, ctx->name,
	    conf != NULL ? conf->operator_name : NULL, has ? &world : NULL);
	runtime_gate_policy(rt, conf, ctx);
}

/*
 * The simulator's world for ctx: what people do to ctx's simulated world
 * (backends/sim_actions.h); every context has its own.
 */
int
runtime_world_for_sim(struct runtime *rt, const struct conf_context *ctx,
    struct action_world *out)
{
	struct sim_actions	*sa;

	sa = runtime_sim_actions_of(rt, ctx != NULL ? ctx->name : NULL);
	if (sa == NULL)
		return -1;
	sim_actions_world(sa, out);
	return 0;
}

/* The current gate (borrowed), or NULL when read-only or no context. */
struct action_gate *
runtime_gate(struct runtime *rt)
{
	return rt != NULL && !rt->read_only ? rt->gate : NULL;
}

/* Never act again: drop the gate; no context gets one. */
void
runtime_set_read_only(struct runtime *rt)
{
	rt->read_only = 1;
	runtime_drop_gate(rt);
}

/* Never act again, saying why. */
void
runtime_set_read_only_because(struct runtime *rt, const char *why)
{
	free(rt->read_only_why);
	rt->read_only_why = why != NULL ? sanitize_terminal(why, 0) : NULL;
	runtime_set_read_only(rt);
}

/* Whether the runtime may not act, in any context. */
int
runtime_read_only(const struct runtime *rt)
{
	return rt != NULL && rt->read_only;
}

/* Why the current context has no gate, or NULL. */
char *
runtime_read_only_reason(const struct runtime *rt)
{
	char	*name, *out;

	if (rt == NULL)
		return NULL;
	if (rt->read_only)
		return xasprintf("read-only: %s", rt->read_only_why != NULL ?
		    rt->read_only_why : "this runtime never acts");
	if (rt->ctx == NULL || !rt->ctx->readonly)
		return NULL;
	name = sanitize_terminal(rt->ctx->name != NULL ? rt->ctx->name : "",
	    0);
	out = xasprintf("read-only: context %s has readonly: true", name);
	free(name);
	return out;
}

/* Free the pollers, HTTP and the loop, in that order. */
void
runtime_free(struct runtime *rt)
{
	size_t	i;

	if (rt == NULL)
		return;
	runtime_drop_gate(rt);
	poller_free(rt->poller);
	/* Each poller_free() takes its poller off the list. */
	while (rt->nadded > 0)
		poller_free(rt->added[rt->nadded - 1]);
	free(rt->added);
	for (i = 0; i < rt->nworlds; i++) {
		sim_actions_free(rt->worlds[i].sa);
		free(rt->worlds[i].context);
	}
	free(rt->worlds);
	free(rt->read_only_why);
	http_free(rt->http);
	loop_free(rt->loop);
	/* The worker has stopped: nothing uses its connection any more. */
	cache_close(rt->store_cache);
	free(rt);
}

/* The event loop (borrowed). */
struct loop *
runtime_loop(struct runtime *rt)
{
	return rt->loop;
}

/* The HTTP client (borrowed). */
struct http *
runtime_http(struct runtime *rt)
{
	return rt->http;
}

/* The cache sources write to (borrowed). */
struct cache *
runtime_cache(struct runtime *rt)
{
	return rt->cache;
}

/*
 * The connection rounds are stored through on the loop's worker thread
 * (see poller.c), opened at the first use; NULL and *cause if it cannot
 * be.  Only jobs on that thread may use it.
 */
struct cache *
runtime_store_cache(struct runtime *rt, char **cause)
{
	if (rt->store_cache == NULL)
		rt->store_cache = cache_open_peer(rt->cache, 0, cause);
	return rt->store_cache;
}

/* Replace the current poller with one for ctx. */
struct poller *
runtime_set_context(struct runtime *rt, const struct conf *conf,
    const struct conf_context *ctx, int poller_flags, char **cause)
{
	struct poller	*p;

	/* The gate first: its world borrows the poller's client. */
	runtime_drop_gate(rt);
	poller_free(rt->poller);
	rt->ctx = ctx;
	p = poller_new(rt, conf, ctx, poller_flags, cause);
	rt->poller = p;
	runtime_build_gate(rt, conf, ctx);
	return p;
}

/* The current poller (borrowed), or NULL. */
struct poller *
runtime_poller(struct runtime *rt)
{
	return rt->poller;
}

/* Poll ctx too, beside the current context, without a gate. */
struct poller *
runtime_add_context(struct runtime *rt, const struct conf *conf,
    const struct conf_context *ctx, int poller_flags, char **cause)
{
	struct poller	*p;

	if ((p = poller_new(rt, conf, ctx, poller_flags, cause)) == NULL)
		return NULL;
	rt->added = xreallocarray(rt->added, rt->nadded + 1,
	    sizeof *rt->added);
	rt->added[rt->nadded++] = p;
	return p;
}

/* Forget p, the current poller or an added one: it was freed. */
void
runtime_forget_poller(struct runtime *rt, struct poller *p)
{
	size_t	i;

	if (rt == NULL)
		return;
	if (rt->poller == p)
		rt->poller = NULL;
	for (i = 0; i < rt->nadded; i++) {
		if (rt->added[i] != p)
			continue;
		memmove(&rt->added[i], &rt->added[i + 1],
		    (rt->nadded - i - 1) * sizeof *rt->added);
		rt->nadded--;
		break;
	}
}

/* The simulator's pace. */
void
runtime_set_sim_speed(struct runtime *rt, double speed)
{
	rt->sim_speed = speed;
}

double
runtime_sim_speed(const struct runtime *rt)
{
	return rt != NULL && rt->sim_speed > 0 ? rt->sim_speed : 1;
}

/* Play scenario (NULL: the demo) in every context. */
void
runtime_simulate(struct runtime *rt, const struct sim_scenario *scenario)
{
	rt->sim = 1;
	rt->scenario = scenario;
	if (rt->nworlds == 0) {
		rt->worlds = xcalloc(1, sizeof *rt->worlds);
		rt->worlds[0].sa = sim_actions_new(rt);
		rt->nworlds = 1;
	}
}

/* The first context's simulated world (NULL unless simulated). */
struct sim_actions *
runtime_sim_actions(const struct runtime *rt)
{
	return rt != NULL && rt->nworlds > 0 ? rt->worlds[0].sa : NULL;
}

/* Context's simulated world, made on first use (NULL unless simulated). */
struct sim_actions *
runtime_sim_actions_of(struct runtime *rt, const char *context)
{
	struct runtime_sim_world	*w;
	size_t				 i;

	if (rt == NULL || rt->nworlds == 0)
		return NULL;
	if (context == NULL)
		return rt->worlds[0].sa;
	for (i = 0; i < rt->nworlds; i++) {
		if (rt->worlds[i].context != NULL &&
		    strcmp(rt->worlds[i].context, context) == 0)
			return rt->worlds[i].sa;
	}
	/* The world runtime_simulate() made goes to the first who asks. */
	if (rt->worlds[0].context == NULL) {
		rt->worlds[0].context = xstrdup(context);
		return rt->worlds[0].sa;
	}
	rt->worlds = xreallocarray(rt->worlds, rt->nworlds + 1,
	    sizeof *rt->worlds);
	w = &rt->worlds[rt->nworlds++];
	w->context = xstrdup(context);
	w->sa = sim_actions_new(rt);
	return w->sa;
}

/* Whether the simulator plays, and what. */
int
runtime_simulated(const struct runtime *rt,
    const struct sim_scenario **scenario)
{
	if (scenario != NULL)
		*scenario = rt != NULL ? rt->scenario : NULL;
	return rt != NULL && rt->sim;
}

/* Set the clock (NULL: the wall clock). */
void
runtime_set_clock(struct runtime *rt, int64_t (*now_ms)(void *), void *arg)
{
	rt->clock = now_ms;
	rt->clock_arg = arg;
}

/* Now by the runtime's clock. */
int64_t
runtime_now_ms(const struct runtime *rt)
{
	if (rt != NULL && rt->clock != NULL)
		return rt->clock(rt->clock_arg);
	return util_now_ms();
}

/* Fix the evaluation time (0: follow the clock). */
void
runtime_set_eval_time(struct runtime *rt, int64_t eval_ms)
{
	rt->eval_ms = eval_ms > 0 ? eval_ms : 0;
}

/* The time queries are evaluated at. */
int64_t
runtime_eval_ms(const struct runtime *rt)
{
	if (rt != NULL && rt->eval_ms != 0)
		return rt->eval_ms;
	return runtime_now_ms(rt);
}

/* Set the Kubernetes page size (0: the default). */
void
runtime_set_kube_page_limit(struct runtime *rt, int n)
{
	rt->kube_page_limit = n > 0 ? n : RUNTIME_KUBE_PAGE_LIMIT;
}

/* The Kubernetes page size. */
int
runtime_kube_page_limit(const struct runtime *rt)
{
	return rt != NULL ? rt->kube_page_limit : RUNTIME_KUBE_PAGE_LIMIT;
}

/* The runtime of s's poller, or NULL. */
struct runtime *
runtime_of(const struct source *s)
{
	return s != NULL && s->poller != NULL ? poller_runtime(s->poller) :
	    NULL;
}

/* A log read in the current context's world; see runtime.h. */
struct kube_logs_call *
runtime_pod_logs(struct runtime *rt, const struct kube_logs_query *q,
    void (*cb)(const struct kube_logs *, void *), void *arg)
{
	struct source		*s;
	struct kube_client	*c;
	struct kube_logs_call	*k;
	char			*body, **names, *why;
	size_t			 len, n;
	long			 code;
	const char		*want = rt->sim ? "sim" : "kubernetes";

	for (s = rt->poller != NULL ? poller_first(rt->poller) : NULL;
	    s != NULL; s = poller_next(s)) {
		if (strcmp(s->name, want) == 0)
			break;
	}
	if (s != NULL && rt->sim && !poller_source_unstarted(s)) {
		code = sim_pod_log(s, runtime_now_ms(rt), q->ns, q->pod,
		    q->container, q->previous, &body, &len, &names, &n);
		k = kube_pod_logs_answer(rt->loop, q, code, body, len, names,
		    n, cb, arg);
		free(body);
		while (n > 0)
			free(names[--n]);
		free(names);
		return k;
	}
	if (s != NULL && !rt->sim && !poller_source_unstarted(s) &&
	    (c = kube_source_client(s)) != NULL)
		return kube_pod_logs(c, rt->loop, q, cb, arg);
	if (s != NULL)
		why = xasprintf("no log: the Kubernetes source cannot start "
		    "(%s)", s->error != NULL ? s->error : "not set up yet");
	else
		why = xasprintf("no log: context %s reads no Kubernetes API; "
		    "set kubernetes: in the context", rt->ctx != NULL &&
		    rt->ctx->name != NULL ? rt->ctx->name : "(none)");
	k = kube_pod_logs_answer(rt->loop, q, 0, why, strlen(why), NULL, 0,
	    cb, arg);
	free(why);
	return k;
}
