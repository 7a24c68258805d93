/*
 * action.h: the one gate every write to the world passes.
 *
 * A silence, an expiry, an acknowledgement, a note, and later a restart
 * or a rollback: whatever sitrep changes, here or outside, goes through
 * an action gate and leaves exactly one row in the audit log (who, when,
 * which context, what target, dry run or real, the result in words).
 * Nothing else in sitrep writes to Alertmanager, Kubernetes or a runbook
 * command, and a mode that must not act (the wallboard) never builds a
 * gate: it cannot act because it has nothing to act with.
 *
 * The gate does not know how to reach the world.  A world is a small
 * table of functions given by the backends layer: Alertmanager's (the
 * members of the context, see backends/am_write.h) or the simulator's,
 * so the demo and drills act through the very same gate.  A gate built
 * without a world still records local changes (notes, local acks) and
 * refuses writes with a sentence saying what to configure.
 *
 * Writes are asynchronous: the callback runs from the event loop once
 * the world has answered (or could not be reached), after the audit row
 * is written.  It may run before action_*() returns when the gate refuses
 * at once (no world).  The callback always runs, exactly once, unless
 * the gate is freed first (then never).
 */
#ifndef SITREP_ACTION_H
#define SITREP_ACTION_H

#include <stdint.h>

#include "core/silence.h"

struct action_gate;
struct cache;

/* How an action ended. */
enum action_status {
	ACTION_OK,		/* done */
	ACTION_REFUSED,		/* the world said no: 403, 405, read-only */
	ACTION_UNREACHABLE,	/* no answer: down, timeout, no world */
	ACTION_INVALID		/* the world says the request is wrong: 400 */
};

/*
 * What a world reports.  Borrowed, valid during the callback.  message is
 * one sentence for a person (sanitised: safe for the terminal); id is the
 * silence the action created or changed (NULL otherwise); warning is set
 * when it worked with a caveat ("am-2 does not show it yet").
 */
struct action_result {
	enum action_status	 status;
	const char		*message;
	const char		*id;
	const char		*warning;
};

typedef void	(*action_done_cb)(const struct action_result *, void *arg);

/* A silence to create, or to change (id set: extend or shorten it). */
struct action_silence {
	const struct matchers	*matchers;
	int64_t			 starts_ms;
	int64_t			 ends_ms;
	const char		*comment;	/* required */
	const char		*created_by;	/* the gate's actor if NULL */
	const char		*id;		/* NULL: a new silence */
};

/*
 * A synthetic alert to post to Alertmanager (a live-fire drill's).
 * labels are name="value" pairs (matchers whose op is =; at least one,
 * alertname among them); annotations likewise, or NULL.  ends_ms 0 lets
 * Alertmanager end it after its resolve_timeout.  resolve: post it with
 * ends_ms (now, or before) as its end, so it is resolved.  confirm is
 * what was typed to act in a protected context (its name), or NULL.
 */
struct action_alert {
	const struct matchers	*labels;
	const struct matchers	*annotations;
	int64_t			 starts_ms;
	int64_t			 ends_ms;
	int			 resolve;
	const char		*confirm;
};

/* ------------------------------------------------------------------ */
/* The action table                                                    */
/* ------------------------------------------------------------------ */

/* Every kind of action sitrep can take. */
enum action_kind {
	ACTION_RESTART,		/* kubectl rollout restart deployment */
	ACTION_UNDO,		/* kubectl rollout undo [--to-revision] */
	ACTION_SCALE,		/* kubectl scale --replicas */
	ACTION_DELETE_POD,	/* kubectl delete pod (its owner replaces it) */
	ACTION_SILENCE,		/* an Alertmanager silence */
	ACTION_EXPIRE,		/* expire a silence */
	ACTION_ACK,		/* acknowledge an incident (silences) */
	ACTION_COMMAND,		/* a runbook's command, as a child process */
	ACTION_FIRE,		/* post a synthetic drill alert */
	ACTION_FIRE_RESOLVE,	/* set that alert's end time: resolved */
	ACTION_NKINDS
};

/* What an action writes to, and how careful the gate is with it. */
#define ACTION_F_KUBE		0x01	/* writes to the cluster */
#define ACTION_F_ALERTMANAGER	0x02	/* writes to Alertmanager */
#define ACTION_F_COMMAND	0x04	/* runs a local program */
#define ACTION_F_DESTRUCTIVE	0x08	/* takes something away */
#define ACTION_F_CONFIRM	0x10	/* never without a confirmation */
#define ACTION_F_FOLLOW		0x20	/* a rollout follows it */
#define ACTION_F_RATE		0x40	/* rate-limited per target */

/*
 * One row of the table.  name is the word of the CLI, the audit log and
 * runbooks ("restart", "undo", "scale", "delete-pod" ...); writes what it
 * changes ("deployment", "pod", "silence", "program"); verb, group,
 * resource and subresource what RBAC must allow (NULL when it is not a
 * Kubernetes write); rate_max writes per rate_window_ms by default (0:
 * not limited).
 */
struct action_def {
	enum action_kind	 kind;
	const char		*name;
	const char		*writes;
	const char		*verb;
	const char		*group;
	const char		*resource;
	const char		*subresource;
	int			 flags;
	int			 rate_max;
	int64_t			 rate_window_ms;
	const char		*summary;	/* for help and docs */
};

/* The row of kind; never NULL for a valid kind. */
const struct action_def *action_def_of(enum action_kind);
/* The row named name, or NULL. */
const struct action_def *action_def_find(const char *name);

/* ------------------------------------------------------------------ */
/* Worlds                                                              */
/* ------------------------------------------------------------------ */

/* A Kubernetes action, as a world runs it. */
struct action_kube {
	enum action_kind	 kind;		/* RESTART .. DELETE_POD */
	const char		*namespace;
	const char		*name;		/* the deployment, or the pod */
	int64_t			 to_revision;	/* undo: 0 the previous */
	int			 replicas;	/* scale */
	int			 dry_run;	/* the server checks, nothing changes */
};

/*
 * What the world says about a Kubernetes action; borrowed, valid during
 * the callback.  message is one sentence (safe for a terminal).  diff is
 * what changes, one "what: before -> after" per line ("image checkout:
 * 1.42.0 -> 1.41.3", "replicas: 3 -> 6"), or NULL.  before says how to
 * go back when it can be said ("scale to 3", "undo to revision 14").
 */
struct action_kube_result {
	enum action_status	 status;
	const char		*message;
	const char		*diff;
	const char		*before;
	int64_t			 revision;	/* undo: the one chosen */
	int			 noop;		/* nothing to change */
};
typedef void	(*action_kube_cb)(const struct action_kube_result *,
		    void *arg);

/*
 * Whether the cluster lets us: allowed 1 yes, 0 no, -1 it could not be
 * told (the question failed: reason says why).  user is who the cluster
 * says we are (SelfSubjectReview), or NULL.  Borrowed, during the call.
 */
struct action_access {
	int			 allowed;
	const char		*reason;
	const char		*user;
};
typedef void	(*action_access_cb)(const struct action_access *,
		    void *arg);

/*
 * A deployment's rollout as `kubectl rollout status` reads it.  state 0
 * still going, 1 complete, -1 failed (its progress deadline passed), -2
 * it cannot be followed (gone, unreachable): message says which, in
 * kubectl's words where it has some.
 */
struct action_rollout {
	int			 state;
	int64_t			 generation;
	int64_t			 observed_generation;
	int			 replicas;
	int			 updated;
	int			 ready;
	int			 available;
	const char		*message;
};
typedef void	(*action_follow_cb)(const struct action_rollout *,
		    void *arg);

/* A runbook's command: argv (no shell), only env, at most timeout_ms. */
struct action_command {
	const char *const	*argv;		/* NULL-terminated */
	const char *const	*env;		/* "NAME=value", NULL-terminated */
	int64_t			 timeout_ms;
	int			 dry_run;	/* say what would run */
};

/*
 * How a command ended: status ACTION_OK when it exited 0; exit_code (or
 * -signal); output is what it wrote (stdout and stderr, capped, sanitised);
 * message one sentence ("exited 0 after 1.2s", "killed after 30s").
 */
struct action_command_result {
	enum action_status	 status;
	int			 exit_code;
	const char		*output;
	const char		*message;
};
typedef void	(*action_command_cb)(const struct action_command_result *,
		    void *arg);

/*
 * A world: how writes reach Alertmanager, a cluster, local programs, or
 * the simulator.  Each function starts the write and calls back exactly
 * once, later, from the loop (or at once when it cannot start).  name
 * says what is written to in messages ("alertmanager", "simulator").  A
 * world may fill only some parts: the gate refuses the others with a
 * sentence saying what to configure.  impl is given to the Alertmanager
 * functions, kube_impl to the Kubernetes ones, command_impl to command.
 */
struct action_world {
	const char	*name;
	void		*impl;
	void		(*silence)(void *impl, const struct action_silence *,
			    action_done_cb done, void *arg);
	void		(*expire)(void *impl, const char *id,
			    action_done_cb done, void *arg);
	/*
	 * Post alert to every member (POST /api/v2/alerts): ACTION_OK when
	 * one took it at least; message names those that did, warning
	 * those that did not.  NULL: this world takes no alerts.
	 */
	void		(*alert)(void *impl, const struct action_alert *,
			    action_done_cb done, void *arg);
	/* Forget every write still running: no callback after this. */
	void		(*cancel)(void *impl);

	void		*kube_impl;
	const char	*cluster;	/* the API server, for previews */
	void		(*kube)(void *kube_impl, const struct action_kube *,
			    action_kube_cb, void *arg);
	/* May we do it (SelfSubjectAccessReview, then who we are)? */
	void		(*access)(void *kube_impl, const struct action_kube *,
			    const struct action_def *, action_access_cb,
			    void *arg);
	/*
	 * Follow deployment ns/name's rollout: cb on every change until a
	 * state that is not 0 (then never again).  Returns a handle for
	 * unfollow (which stops it without a callback).
	 */
	void		*(*follow)(void *kube_impl, const char *ns,
			    const char *name, action_follow_cb, void *arg);
	void		(*unfollow)(void *kube_impl, void *handle);
	void		(*kube_cancel)(void *kube_impl);

	void		*command_impl;
	void		(*command)(void *command_impl,
			    const struct action_command *, action_command_cb,
			    void *arg);
	void		(*command_cancel)(void *command_impl);
};

/*
 * A gate for context, acting as actor (both copied), writing audit rows
 * to cache (borrowed) through world (copied; NULL: none, see above).
 */
struct action_gate *action_gate_new(struct cache *, const char *context,
		     const char *actor, const struct action_world *);
/* Cancel what runs (no callback) and free; NULL is fine. */
void		 action_gate_free(struct action_gate *);

/* Borrowed, valid while the gate lives. */
const char	*action_gate_actor(const struct action_gate *);
const char	*action_gate_context(const struct action_gate *);
struct cache	*action_gate_cache(const struct action_gate *);
/*
 * The name of the world silences are written to ("alertmanager",
 * "simulator"), or NULL when the gate has none that takes them.
 */
const char	*action_gate_world(const struct action_gate *);

/*
 * Create or change a silence.  target names what it is for in the audit
 * row ("incident 1a2b3c4d", "silence" for one made by hand).
 */
void		 action_silence(struct action_gate *,
		     const struct action_silence *, const char *target,
		     action_done_cb, void *arg);
/* Expire silence id. */
void		 action_expire(struct action_gate *, const char *id,
		     const char *target, action_done_cb, void *arg);
/*
 * Post a synthetic alert (action "fire"), or resolve it (alert->resolve:
 * action "fire-resolve"), to every member of the world; target names it
 * in the audit row ("drill NAME run RUN").  Exactly one audit row per
 * call; its detail starts "labels {NAME=\"VALUE\", ...}; starts TIME"
 * (matchers_parse() reads the braces back), then who took it.  Refused,
 * with the row, when: a label is not name="value" or alertname is
 * missing (INVALID); the context is protected and alert->confirm is not
 * its name, for a fire (REFUSED; a resolve is always let through); the
 * world takes no alerts (UNREACHABLE, saying what to configure).
 */
void		 action_fire(struct action_gate *,
		     const struct action_alert *, const char *target,
		     action_done_cb, void *arg);

/* ------------------------------------------------------------------ */
/* The guard chain                                                     */
/* ------------------------------------------------------------------ */

/*
 * What the gate lets this context do: set once, by whoever builds the
 * gate (the runtime, from the configuration).  protected asks for the
 * object's name typed in full; rate_max/rate_window_ms override the
 * table's limit per kind (rate_max -1: keep the table's, 0: none);
 * scale_min/scale_max bound a scale (scale_max 0: no upper bound).
 */
struct action_policy {
	int		 protected_ctx;
	int		 rate_max[ACTION_NKINDS];
	int64_t		 rate_window_ms[ACTION_NKINDS];
	int		 scale_min;
	int		 scale_max;
};
/*
 * Parse a rate limit "N/WINDOW" (5/5m) or "none" (*max 0): 0, or -1 and
 * *cause.
 */
int		 action_rate_parse(const char *, int *max, int64_t *window_ms,
		     char **cause);
/* The defaults: not protected, the table's limits, scale 0 .. 1000. */
void		 action_policy_default(struct action_policy *);
void		 action_gate_set_policy(struct action_gate *,
		     const struct action_policy *);
/* Now, for rate limits and timelines (the runtime's clock); NULL: wall. */
void		 action_gate_set_clock(struct action_gate *,
		     int64_t (*now_ms)(void *), void *arg);

/* An action asked for: everything borrowed, copied by action_plan(). */
struct action_request {
	enum action_kind	 kind;
	const char		*namespace;
	const char		*name;		/* deployment, pod */
	int64_t			 to_revision;	/* undo: 0 the previous */
	int			 replicas;	/* scale */
	const struct action_command *command;	/* ACTION_COMMAND */
	const char		*incident;	/* its timeline, or NULL */
	const char		*why;		/* "runbook X step 3", or NULL */
};

/*
 * The preview: what would be done, where, and whether the gate lets it.
 * status ACTION_OK: it may be confirmed by typing confirm (the word "y",
 * or in a protected context the object's name); otherwise it was refused
 * (read-only, rate limit, RBAC, the dry run, the bounds) and message says
 * why and what to do; the plan is over and its audit row written.
 * Borrowed, valid until the plan ends.
 */
struct action_preview {
	enum action_status	 status;
	const char		*title;		/* "restart deployment shop/api" */
	const char		*object;	/* "deployment/api" */
	const char		*namespace;
	const char		*context;
	const char		*cluster;	/* or NULL */
	int			 protected_ctx;
	const char		*confirm;	/* what to type */
	const char		*verdict;	/* the dry run's, in words */
	const char		*diff;		/* lines, or NULL */
	const char		*user;		/* the cluster's word for us */
	const char		*message;	/* the refusal, or a caveat */
};

struct action_plan;
typedef void	(*action_plan_cb)(struct action_plan *,
		    const struct action_preview *, void *arg);

/*
 * The guard chain, first half: read-only (no world part for it)? bounds?
 * rate limit? RBAC? then the dry run, and the preview.  cb runs once,
 * from the loop (or at once when refused before asking the world).  A
 * refused plan is over when cb returns (one audit row: "refused" and
 * why); otherwise the caller ends it with exactly one of
 * action_plan_confirm(), action_plan_dry_run() or action_plan_cancel().
 */
void		 action_plan(struct action_gate *,
		     const struct action_request *, action_plan_cb,
		     void *arg);

/*
 * What happened after a confirmation.  result: the write's outcome (the
 * world's sentence in message, the way back in before).  Then, for a
 * rollout, follow runs on every change until it ends.
 */
struct action_outcome {
	enum action_status	 status;
	const char		*message;
	const char		*diff;
	const char		*before;	/* "to revert: scale to 3" */
	const char		*warning;	/* e.g. not in the audit log */
	const char		*output;	/* a command's */
};
typedef void	(*action_outcome_cb)(const struct action_outcome *,
		    void *arg);

/*
 * The second half: typed must be the preview's confirm (else -1 and
 * *cause, and the plan waits for another try or a cancel).  Then the
 * rate limit is checked again, the action runs, its audit row is written
 * (with the dry run and the confirmation in the detail), the incident's
 * timeline says it, done runs once and, when follow is not NULL and the
 * action starts a rollout, follow runs on every change until it ends
 * (also written to the timeline).  The plan is then the gate's: the
 * caller must not touch it again.
 */
int		 action_plan_confirm(struct action_plan *, const char *typed,
		     action_outcome_cb done, action_follow_cb follow,
		     void *arg, char **cause);
/* End with the dry run only (`--dry-run`): audit row "dry-run". */
void		 action_plan_dry_run(struct action_plan *);
/* End without acting: audit row "cancelled", why (NULL: by the user). */
void		 action_plan_cancel(struct action_plan *, const char *why);
/* Stop following every rollout (no more follow callbacks). */
void		 action_gate_unfollow(struct action_gate *);

/*
 * Record a refusal where there is no gate (read-only: the runtime has
 * none): one audit row, action and target as they would have been, result
 * "refused", why as the detail.  0, or -1 and *cause.
 */
int		 action_refusal(struct cache *, const char *context,
		     const char *actor, const char *action,
		     const char *target, const char *why, char **cause);

/*
 * Record a change that stays in sitrep (a note, a local acknowledgement,
 * a resolve by hand): one audit row, action and result as given, detail
 * free text (never a secret).  0, or -1 and *cause.
 */
int		 action_record(struct action_gate *, const char *action,
		     const char *target, const char *result,
		     const char *detail, char **cause);

/* Who acts when nothing says: $USER@hostname ("sitrep" if unknown). */
char		*action_default_actor(void);

#endif
