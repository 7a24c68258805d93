/*
 * oncall.h: who is on call, and whom an escalation level reaches.
 *
 * The optional oncall: section lists people (a name and free-text
 * contact), a rotation (the first shift's local start, a period such as
 * 1w or 1d, and the order people take the shifts in) and what each
 * escalation level's WHO reaches: a person, or "rotation" for whoever is
 * on call then.
 *
 * Shift boundaries are kept in local civil time (TZ): a weekly rotation
 * starting "2026-01-05 09:00" hands over every Monday at 09:00 on the
 * wall clock, before and after a daylight-saving change alike, so a
 * shift across the change is an hour shorter or longer.  Everything here
 * is a pure function of the configuration and a time.
 */
#ifndef SITREP_ONCALL_H
#define SITREP_ONCALL_H

#include <stdint.h>
#include <time.h>

#include "core/views.h"

struct conf;

/* The word of oncall.levels that names whoever is on call. */
#define ONCALL_ROTATION		"rotation"
/* Longest person name and contact, in bytes. */
#define ONCALL_NAME_MAX		64
#define ONCALL_CONTACT_MAX	200

/* A shift, or whom a level reaches; the strings are borrowed from conf. */
struct oncall_shift {
	const char	*name;		/* NULL: nobody (before the first) */
	const char	*contact;	/* NULL: none given */
	int64_t		 start_ms;	/* the shift's start; 0: none */
	int64_t		 end_ms;	/* its end, the next handoff (or
					   the first shift's start); 0:
					   not a rotation's */
};

/*
 * Parse a local start time, "YYYY-MM-DD HH:MM" (or with ":SS", or a "T"
 * between date and time), into out (tm_isdst -1).  0, or -1 and *cause
 * saying how to write it.
 */
int	 oncall_parse_start(const char *, struct tm *out, char **cause);

/*
 * Who is on call at ms (Unix ms) in the local time zone: 0 and *out, or
 * -1 when the configuration has no rotation (or no people).
 */
int	 oncall_at(const struct conf *, int64_t ms, struct oncall_shift *out);

/* A person's contact (borrowed), or NULL: none, or no such person. */
const char *oncall_contact(const struct conf *, const char *name);

/*
 * Whom the escalation level who reaches at ms: 0 and *out (the person,
 * or the rotation's current one with its shift's bounds), or -1 when
 * oncall.levels does not name who or the rotation has nobody on call.
 */
int	 oncall_reach(const struct conf *, const char *who, int64_t ms,
	     struct oncall_shift *out);

/*
 * Fill the views' on-call fields at their time: who is on call
 * (views->oncall) and whom each incident's level and next level reach
 * (the next at the time it will be reached).  The strings are copied.
 */
void	 oncall_views(const struct conf *, struct views *);
/* Free the strings of one view_oncall. */
void	 oncall_view_done(struct view_oncall *);

#endif
