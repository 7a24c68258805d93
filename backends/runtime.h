/*
 * runtime.h: what a running sitrep polls with, built once.
 *
 * The console, `sitrep fetch` and `sitrep snapshot --fresh` all need the
 * same things: an event loop, HTTP over it, the cache sources write to, the
 * poller of the current context, and a clock.  A feeder adds pollers for
 * more contexts on the same loop (runtime_add_context()); they never act.  The runtime holds them, so
 * what used to be process-wide knobs (the evaluation time of `--at`, the
 * Kubernetes page size) are fields a source reads from the runtime it
 * belongs to, and a drill can give the whole world a virtual clock.
 *
 * Sources reach their runtime through their poller (runtime_of()); every
 * accessor also takes NULL (a source made by hand, in a test) and then
 * answers with the wall clock and the defaults.
 *
 * The runtime also holds the context's action gate (core/action.h), the
 * only way anything writes to the world: built by runtime_set_context()
 * over the context's world (its Alertmanagers, or the simulator's when it
 * plays), acting as the configuration's operator.  A runtime that must
 * never act (the wallboard, `--readonly`) calls runtime_set_read_only()
 * first: it then has no gate at all, so nothing built on it can write.  A
 * context with `readonly: true` gets no gate either, for as long as it is
 * the current one.
 */
#ifndef SITREP_RUNTIME_H
#define SITREP_RUNTIME_H

#include <stdint.h>

struct action_gate;
struct action_world;
struct cache;
struct conf;
struct conf_context;
struct http;
struct kube_logs;
struct kube_logs_call;
struct kube_logs_query;
struct loop;
struct poller;
struct runtime;
struct sim_actions;
struct sim_scenario;
struct source;

/* Items per page of a Kubernetes list unless told otherwise. */
#define RUNTIME_KUBE_PAGE_LIMIT	500

/*
 * A new loop and HTTP client over cache (borrowed: it must outlive the
 * runtime).  NULL and *cause if the loop or libcurl cannot start.
 */
struct runtime	*runtime_new(struct cache *, char **cause);
/* Free the pollers, HTTP and the loop (not the cache). */
void		 runtime_free(struct runtime *);

/* Borrowed, valid while the runtime lives. */
struct loop	*runtime_loop(struct runtime *);
struct http	*runtime_http(struct runtime *);
struct cache	*runtime_cache(struct runtime *);
/* The worker thread's writable connection, opened at first use. */
struct cache	*runtime_store_cache(struct runtime *, char **cause);

/*
 * Poll ctx of conf (borrowed, outliving the poller) from now on: build its
 * sources through the registry, freeing the previous context's poller.
 * The poller is borrowed, valid until the next call, poller_free() or
 * runtime_free().  A source that cannot be set up is a member that fails
 * with its reason (see poller_new()), so the others are polled anyway.
 */
struct poller	*runtime_set_context(struct runtime *, const struct conf *,
		     const struct conf_context *, int poller_flags,
		     char **cause);
/*
 * The current context's action gate (borrowed, valid until the next
 * runtime_set_context() or runtime_free()): never NULL once a context is
 * set, unless the runtime is read-only or the context has readonly: true
 * (runtime_read_only_reason() says which).  A context without Alertmanager
 * has a gate without a world, which records local changes and refuses
 * writes saying what to configure.  NULL before any context.
 */
struct action_gate *runtime_gate(struct runtime *);
/*
 * From now on the runtime never acts: its gate is freed (writes in flight
 * are cancelled without callback) and runtime_gate() answers NULL for
 * every context.  There is no way back.
 */
void		 runtime_set_read_only(struct runtime *);
/* The same, with why for runtime_read_only_reason() (copied). */
void		 runtime_set_read_only_because(struct runtime *,
		     const char *why);
/* Whether runtime_set_read_only() was called (the whole run). */
int		 runtime_read_only(const struct runtime *);
/*
 * Why the current context has no gate, one sentence safe for a terminal:
 * "read-only: WHY" (runtime_set_read_only_because(), else "read-only:
 * this runtime never acts"), or "read-only: context NAME has readonly:
 * true"; NULL when it has a gate or no context is set.  Caller frees.
 */
char		*runtime_read_only_reason(const struct runtime *);
/*
 * The world writes of ctx go to while the simulator plays: 0 and *out
 * filled (the simulator's world: backends/sim_actions.h), or -1 when
 * there is none (the gate then refuses writes).  runtime_set_context()
 * asks it.
 */
int		 runtime_world_for_sim(struct runtime *,
		     const struct conf_context *, struct action_world *out);

/*
 * Also poll ctx of conf (borrowed, outliving the poller), beside the
 * current context: a poller on the same loop, HTTP, cache and clock, with
 * its own sources, refresh and backoff, storing under ctx's name.  It is
 * never the current one and gets no gate: runtime_poller(), runtime_gate()
 * and runtime_set_context() are unchanged by it.  The runtime owns it:
 * freed by runtime_free() (or poller_free() before).  One feeder polls
 * every context of the configuration this way (`sitrep fetch --all`).
 */
struct poller	*runtime_add_context(struct runtime *, const struct conf *,
		     const struct conf_context *, int poller_flags,
		     char **cause);
/* The current poller (borrowed), or NULL. */
struct poller	*runtime_poller(struct runtime *);
/* poller_free() tells the runtime a poller of its is gone. */
void		 runtime_forget_poller(struct runtime *, struct poller *);

/*
 * Play the simulator in every context from now on: scenario (NULL: the
 * built-in demo; borrowed, it must outlive the runtime).
 */
void		 runtime_simulate(struct runtime *,
		     const struct sim_scenario *);
/* The simulator plays speed times faster than the clock (default 1). */
void		 runtime_set_sim_speed(struct runtime *, double speed);
double		 runtime_sim_speed(const struct runtime *);
/*
 * What actions did to context's simulated world: the silences and
 * Kubernetes actions made through its gate (backends/sim_actions.h).
 * Each context is a world of its own: an action in one never changes
 * another.  Made on first use; borrowed, valid while the runtime lives;
 * NULL unless simulated.  runtime_simulate() makes the first world, which
 * the first context to ask for one takes (context NULL: that one).
 */
struct sim_actions *runtime_sim_actions_of(struct runtime *,
		     const char *context);
/* The first world (see runtime_sim_actions_of()); NULL unless simulated. */
struct sim_actions *runtime_sim_actions(const struct runtime *);
/* Whether the simulator plays; *scenario is what (NULL: the demo). */
int		 runtime_simulated(const struct runtime *,
		     const struct sim_scenario **scenario);

/*
 * The clock: now (ms since the epoch) from now_ms(arg) if one is set (a
 * drill's virtual time), else the wall clock.  NULL now_ms: the wall clock.
 */
void		 runtime_set_clock(struct runtime *,
		     int64_t (*now_ms)(void *), void *arg);
int64_t		 runtime_now_ms(const struct runtime *);
/* Evaluate queries as of eval_ms (`--at`; 0: the clock's now). */
void		 runtime_set_eval_time(struct runtime *, int64_t eval_ms);
int64_t		 runtime_eval_ms(const struct runtime *);
/* Kubernetes lists in pages of n items (0: RUNTIME_KUBE_PAGE_LIMIT). */
void		 runtime_set_kube_page_limit(struct runtime *, int n);
int		 runtime_kube_page_limit(const struct runtime *);

/* The runtime a source belongs to, through its poller; NULL if none. */
struct runtime	*runtime_of(const struct source *);

/*
 * Read a container's log in the current context's world, without ever
 * blocking: through the context's Kubernetes client (backends/kube.h,
 * kube_pod_logs()), or from the simulator's world when it plays
 * (sim_pod_log()).  cb runs exactly once from the loop unless
 * kube_logs_cancel() is called on the handle first; with no Kubernetes
 * source in the context it says so.  The handle is freed after cb.
 */
struct kube_logs_call *runtime_pod_logs(struct runtime *,
		     const struct kube_logs_query *,
		     void (*cb)(const struct kube_logs *, void *), void *arg);

#endif
