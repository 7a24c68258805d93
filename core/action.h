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
 * A world: how writes reach Alertmanager or the simulator.  Each function
 * starts the write and calls done exactly once, later, from the loop (or
 * at once when it cannot start).  name says what is written to in
 * messages ("alertmanager", "simulator").
 */
struct action_world {
	const char	*name;
	void		*impl;
	void		(*silence)(void *impl, const struct action_silence *,
			    action_done_cb done, void *arg);
	void		(*expire)(void *impl, const char *id,
			    action_done_cb done, void *arg);
	/* Forget every write still running: no callback after this. */
	void		(*cancel)(void *impl);
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
/* The world's name, or NULL when the gate has none. */
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
