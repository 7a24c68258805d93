/*
 * sim_actions.h: what actions do to the simulated world.
 *
 * The simulator's world is a pure function of its scenario and the clock;
 * what people do to it (a silence, an acknowledgement, an expiry) is the
 * one thing that is not.  It is kept here, one per context of a runtime
 * (runtime_sim_actions_of(): each context is a world of its own, so an
 * action in one never changes another), and the simulator reads its
 * context's each round: silences made through the gate are listed with
 * the scenario's own and silence the alerts they hold, exactly as
 * Alertmanager would.  sim_actions_world() is the action world the gate
 * writes to when the runtime simulates, so the demo and drills act through
 * the very same gate, audit log and incident code as a real console.
 *
 * The Kubernetes actions (restart, undo, scale, delete-pod) are checked
 * against the simulated world as it stands, answered in kubectl's words,
 * and, when real, recorded with the play and position of the timeline
 * they were done at; the simulator replays them each round over the
 * scenario (backends/sim.h says how).  A rollout is followed on a timer
 * of the loop, reading the same world.  Access is always granted (user
 * "demo"), and a runbook's command is never run: the answer says what
 * would have run, so drills practise the path without touching the
 * machine.
 *
 * Writes answer from the loop a moment later, as a real server would, so
 * the console's path is the same too: exactly once, unless cancelled
 * (then never).
 */
#ifndef SITREP_SIM_ACTIONS_H
#define SITREP_SIM_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "core/silence.h"

struct action_world;
struct runtime;
struct sim_actions;
struct sim_op;
struct sim_timeline;

/* A silence made through the gate; times are the runtime clock's. */
struct sim_action_silence {
	char		*id;
	struct matchers	 matchers;
	char		*created_by;
	char		*comment;
	int64_t		 starts_ms;
	int64_t		 ends_ms;
	int64_t		 updated_ms;
};

/* Actions on the world of rt (borrowed: it must outlive them). */
struct sim_actions *sim_actions_new(struct runtime *);
void		 sim_actions_free(struct sim_actions *);

/* The world for an action gate (impl is the sim_actions). */
void		 sim_actions_world(struct sim_actions *,
		     struct action_world *out);

/*
 * The simulator's round says which play of the timeline actions are done
 * on from now on (copied); before the first round Kubernetes actions are
 * refused as unreachable.  sa may be NULL.
 */
void		 sim_actions_set_timeline(struct sim_actions *,
		     const struct sim_timeline *);
/* The Kubernetes actions done so far, in order; borrowed (NULL: none). */
const struct sim_op *sim_actions_ops(const struct sim_actions *, size_t *n);

/* The silences made so far; borrowed, valid until the next write. */
const struct sim_action_silence *sim_actions_silences(
		     const struct sim_actions *, size_t *n);
/* "active", "pending" or "expired" at now_ms. */
const char	*sim_action_silence_state(const struct sim_action_silence *,
		     int64_t now_ms);
/*
 * Append to array the id of each silence active at now_ms that holds
 * labels; the number appended.
 */
int		 sim_actions_silenced_by(const struct sim_actions *,
		     const cJSON *labels, int64_t now_ms, cJSON *array);

#endif
