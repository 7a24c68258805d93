/*
 * incident.h: incidents as the cache keeps them, from trigger to resolve.
 *
 * Firing alerts with the same incidents.group_by label values are one
 * incident.  After every stored round of alerts (Alertmanager's, the
 * simulator's) incident_update() brings the context's incidents up to date
 * inside the round's transaction: a group with firing alerts and no open
 * incident opens one (triggered, with a stable short id); alerts that join
 * or stop firing are written to its timeline; once every alert of it has
 * been resolved for incidents.resolve_after it is resolved, and a later
 * firing of the same group is a new incident linked to it as a recurrence
 * (a resolved incident never reopens).  Resolved incidents are pruned after
 * incidents.keep_resolved.  Time is the caller's: the runtime's clock, so
 * tests and drills can play rounds at chosen times.
 *
 * This module is the only writer of incidents, incident_timeline and
 * incident_alerts (core/cache_schema.c documents their columns).  It
 * changes nothing outside the cache.
 */
#ifndef SITREP_INCIDENT_H
#define SITREP_INCIDENT_H

#include <stdint.h>

#include <cJSON.h>

struct cache;
struct conf;

/* Priorities, the most urgent first. */
#define INCIDENT_P0	0
#define INCIDENT_P3	3

/* Length of an incident id, in hex digits. */
#define INCIDENT_ID_LEN	8

/*
 * Bring the incidents of context up to date with its alerts as stored,
 * at now_ms, inside the caller's transaction.  conf may be NULL (the
 * defaults).  -1 and *cause on an SQLite error.
 */
int	 incident_update(struct cache *, const char *context,
	     const struct conf *, int64_t now_ms, char **cause);
/* Delete every incident of context, timelines too (a world rewritten). */
int	 incident_clear(struct cache *, const char *context, char **cause);

/*
 * The priority (INCIDENT_P0..INCIDENT_P3) of a severity label: the
 * configured map, else the built-in one, else P3.  label may be NULL.
 */
int	 incident_priority(const struct conf *, const char *label);
/* "P0".."P3"; "P3" for anything out of range. */
const char *incident_priority_word(int);
/* The priority a word "P0".."P3" names (any case), or -1. */
int	 incident_priority_parse(const char *);

/* Whether alertname is a heartbeat (incidents.heartbeats), never one. */
int	 incident_is_heartbeat(const struct conf *, const char *alertname);
/*
 * The group key of an alert with these labels ("alertname=X,
 * namespace=Y,..."), and in *title (if not NULL) its title: the alert
 * name and the values of the other group labels.  Both the caller's.
 */
char	*incident_group_key(const struct conf *, const cJSON *labels,
	     const char *alertname, char **title);
/*
 * The id of an incident of key in context that started at started_ms,
 * INCIDENT_ID_LEN hex digits into out; salt > 0 picks another when one
 * is taken.
 */
void	 incident_make_id(const char *context, const char *key,
	     int64_t started_ms, unsigned salt,
	     char out[INCIDENT_ID_LEN + 1]);

#endif
