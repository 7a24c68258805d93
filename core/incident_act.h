/*
 * incident_act.h: what an engineer does to an incident: acknowledge it,
 * take the acknowledgement back, add a note, resolve it by hand.
 *
 * An acknowledgement is an Alertmanager silence, so everyone who reads
 * that Alertmanager (another sitrep, amtool, karma) sees who is on it: a
 * silence of the incident's alerts (their common labels when those hold
 * none but its own alerts, else one silence per alert) for
 * incidents.ack_for, its comment "ACK <id>: <title>", its author the
 * gate's actor.  Acknowledging again while the silences run extends them.
 * Where no Alertmanager takes the write (it refuses writes, is down, or
 * the context has none) the acknowledgement is kept in this cache only,
 * marked local with the reason, and says so.  An Alertmanager that calls
 * the silence itself wrong (HTTP 400) changes nothing and its message is
 * shown.
 *
 * Every one of these passes the action gate: each silence written or
 * expired is an audit row, and so is a local acknowledgement, a note and
 * a resolve.  Each also writes the incident's timeline, with its actor.
 */
#ifndef SITREP_INCIDENT_ACT_H
#define SITREP_INCIDENT_ACT_H

#include <stdint.h>

struct action_gate;
struct cache;
struct conf;

/* How an incident action ended; borrowed, valid during the callback. */
struct incident_outcome {
	int		 ok;		/* done (shared or local) */
	int		 local;		/* an acknowledgement kept only here */
	const char	*message;	/* one sentence for a person */
	const char	*warning;	/* a caveat, or NULL */
};

typedef void	(*incident_done_cb)(const struct incident_outcome *,
		    void *arg);

/*
 * The incident of context that text names: its whole id, or a prefix of
 * at least 4 characters that only one incident has.  0 and *id (the
 * caller's), or -1 and *cause.
 */
int	 incident_lookup(struct cache *, const char *context,
	     const char *text, char **id, char **cause);

/*
 * Acknowledge incident id of the gate's context for for_ms (0: conf's
 * incidents.ack_for; conf may be NULL), with an optional comment, at
 * now_ms.  done runs once, from the loop, or at once on an error found
 * before anything is written.
 */
void	 incident_ack(struct action_gate *, const struct conf *,
	     const char *id, int64_t for_ms, const char *comment,
	     int64_t now_ms, incident_done_cb done, void *arg);
/* Take the acknowledgement back: its silences expire. */
void	 incident_unack(struct action_gate *, const char *id,
	     int64_t now_ms, incident_done_cb done, void *arg);
/* Add a note to the timeline; 0, or -1 and *cause. */
int	 incident_note(struct action_gate *, const char *id,
	     const char *text, int64_t now_ms, char **cause);
/*
 * Resolve by hand an incident none of whose alerts fires any more (its
 * grace period cut short); 0, or -1 and *cause (one still fires).
 */
int	 incident_resolve(struct action_gate *, const char *id,
	     int64_t now_ms, char **cause);

/* Longest note kept, in bytes. */
#define INCIDENT_NOTE_MAX	4096

#endif
