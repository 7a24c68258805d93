/*
 * escalation.h: who an unacknowledged incident should reach by now.
 *
 * An escalation policy is a list of levels, each reached after the
 * incident has gone unacknowledged that long: the built-in one for P0 is
 *
 *     0s automated response, 2m on-call engineer, 30m senior engineer,
 *     1h engineering manager, 2h executive
 *
 * and incidents.escalation sets one per priority in that same text form.
 * Priorities without a policy do not escalate.  sitrep shows and records
 * escalation (the level, who it reaches, the time to the next); it pages
 * nobody.  The clock runs while an incident is triggered: acknowledging
 * it (or its alerts stopping) stops it, and if it is triggered again the
 * clock goes on from the incident's age.
 */
#ifndef SITREP_ESCALATION_H
#define SITREP_ESCALATION_H

#include <stddef.h>
#include <stdint.h>

struct conf;

struct escalation_level {
	int64_t	 after_ms;	/* unacknowledged this long */
	char	*who;		/* "on-call engineer" */
};

/* A policy; owns its levels, in order of after_ms. */
struct escalation {
	struct escalation_level	*v;
	size_t			 n;
};

/* Longest text of one level's who, in bytes. */
#define ESCALATION_WHO_MAX	64

/*
 * Parse "AGE WHO, AGE WHO, ..." (ages such as 0s, 2m, 1h30m, strictly
 * increasing), or "none" (no levels), into out.  0, or -1 and *cause saying which level is wrong
 * and how to write it; out is then empty.
 */
int	 escalation_parse(const char *spec, struct escalation *out,
	     char **cause);
void	 escalation_done(struct escalation *);

/*
 * The policy of priority p (0..3): incidents.escalation's, else the
 * built-in P0 one for P0, else none (n = 0).  conf may be NULL.
 */
void	 escalation_for(const struct conf *, int p, struct escalation *out);

/*
 * How many levels an incident unacknowledged for age_ms has reached (0:
 * none yet), and in *next_ms (if not NULL) the time until the next one,
 * -1 when it has reached the last.
 */
size_t	 escalation_reached(const struct escalation *, int64_t age_ms,
	     int64_t *next_ms);

#endif
