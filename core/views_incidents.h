/*
 * views_incidents.h: the incidents the cache keeps, read for lists,
 * detail pages and history.
 *
 * The views (views.h) hold the incidents that are open now, as the
 * panels show them.  These reads go further: any incident the cache
 * still keeps (resolved ones for incidents.keep_resolved), with its
 * acknowledgement, how long it took to acknowledge, mitigate and
 * resolve, its alerts with the receivers Alertmanager notified, its
 * whole timeline, and the history of the resolved ones with their
 * averages.  `sitrep incident list|show` and the console's incident
 * page, `:history` and `:incidents` read them; each is a few indexed
 * rows and comes back as plain structs the caller owns.
 *
 * Times are ms since the epoch, 0 where there is none; durations are ms,
 * -1 where unknown.  Strings are valid UTF-8 but not escaped: the
 * renderer escapes.
 */
#ifndef SITREP_VIEWS_INCIDENTS_H
#define SITREP_VIEWS_INCIDENTS_H

#include <stddef.h>
#include <stdint.h>

struct cache;

/* Which incidents a list holds. */
enum incident_filter {
	INCIDENT_OPEN,		/* every state but resolved */
	INCIDENT_TRIGGERED,
	INCIDENT_ACKNOWLEDGED,
	INCIDENT_MITIGATED,
	INCIDENT_RESOLVED,
	INCIDENT_ALL
};

/* The filter a word names ("open" ... "all"), or -1. */
int		 incident_filter_parse(const char *);
/* The word of a filter ("open" ... "all"). */
const char	*incident_filter_word(enum incident_filter);
/* The words, "open|triggered|...|all", for usage and messages. */
#define INCIDENT_FILTER_WORDS \
	"open|triggered|acknowledged|mitigated|resolved|all"

/* One incident as the cache keeps it. */
struct incident_rec {
	char		*id;
	char		*context;	/* the context it belongs to */
	char		*title;
	char		*group_key;
	int		 priority;	/* 0..3: P0..P3 */
	char		*severity;	/* its worst alert's label, or NULL */
	char		*state;		/* "triggered" ... "resolved" */
	char		*summary;	/* or NULL */
	char		*runbook_url;	/* or NULL */
	char		*recurrence_of;	/* the id it recurs, or NULL */
	int64_t		 started_ms;
	int64_t		 mitigated_ms;	/* when mitigated or resolved; 0 */
	int64_t		 resolved_ms;	/* 0: not resolved */
	/* The acknowledgement that holds now (ack_by NULL: none). */
	char		*ack_by;
	int64_t		 ack_ms;
	int64_t		 ack_until_ms;
	int		 ack_local;	/* kept only in this cache */
	char		*ack_reason;	/* why local, or NULL */
	/* The first acknowledgement ever (first_ack_by NULL: none). */
	char		*first_ack_by;
	int64_t		 first_ack_ms;
	/* From the start: to the first ack, to mitigation, to resolve. */
	int64_t		 tta_ms;
	int64_t		 ttm_ms;
	int64_t		 ttr_ms;
};

/*
 * The incidents of context (NULL: of every context in the cache) that
 * filter selects, newest start first, at most limit (0: all).  The array (non-NULL, *n may be 0) or NULL and
 * *cause if the cache cannot be read.  Free with incident_recs_free().
 */
struct incident_rec	*views_incidents_list(struct cache *,
			     const char *context, enum incident_filter,
			     size_t limit, size_t *n, char **cause);
void			 incident_recs_free(struct incident_rec *, size_t n);

/*
 * The open (not resolved) incidents of context (NULL: of every context
 * in the cache, as `sitrep fetch --all` fills it), worst first: by
 * priority (P0 first), then triggered before acknowledged before
 * mitigated, then the oldest start first; one query.  As
 * views_incidents_list().
 */
struct incident_rec	*views_incidents_worst(struct cache *,
			     const char *context, size_t *n, char **cause);

/* An alert that has been part of an incident. */
struct incident_rec_alert {
	char		*fingerprint;
	char		*alertname;
	char		*severity;	/* label, or NULL */
	int64_t		 joined_ms;
	int64_t		 resolved_ms;	/* 0: fires */
	/*
	 * What Alertmanager lists of it now; listed 0 once it is no
	 * longer listed (then the rest is NULL).
	 */
	int		 listed;
	char		*state;		/* "active", "suppressed" ... */
	int		 silenced;
	char		*labels;	/* JSON object text */
	char		*annotations;	/* JSON object text */
	char		*summary;	/* annotation, or NULL */
	char		*description;	/* annotation, or NULL */
	char		**receivers;	/* the receivers notified */
	size_t		 nreceivers;
};

/* One line of an incident's timeline. */
struct incident_event {
	int64_t		 ts_ms;
	char		*kind;		/* "fired", "acknowledged" ... */
	char		*actor;		/* "system", a person; or NULL */
	char		*text;
};

/* An incident with its alerts and timeline. */
struct incident_detail {
	struct incident_rec	 inc;
	struct incident_rec_alert *alerts;	/* as they joined */
	size_t			 nalerts;
	struct incident_event	*events;	/* in order */
	size_t			 nevents;
	char			**receivers;	/* of every alert, once each */
	size_t			 nreceivers;
};

/*
 * Incident id (whole; incident_lookup() resolves a prefix) of context.
 * NULL and *cause when there is none or the cache cannot be read; free
 * with incident_detail_free().
 */
struct incident_detail	*views_incident_read(struct cache *,
			     const char *context, const char *id,
			     char **cause);
void			 incident_detail_free(struct incident_detail *);

/* Who acknowledged most among the resolved incidents of a history. */
struct incident_acker {
	char		*who;
	size_t		 count;
};

/*
 * The incidents of context resolved in the window_ms before now_ms,
 * newest resolve first, and their averages.  The means and medians are
 * over the incidents that have the duration (an incident resolved
 * without an acknowledgement has no time to acknowledge); -1 when none
 * has.
 */
struct incident_history {
	int64_t			 now_ms;
	int64_t			 window_ms;
	struct incident_rec	*incs;
	size_t			 nincs;
	int64_t			 mtta_ms, mtta_median_ms;
	size_t			 nacked;	/* that have a tta */
	int64_t			 mttr_ms, mttr_median_ms;
	struct incident_acker	*ackers;	/* most first, then by name */
	size_t			 nackers;
};

/*
 * The history of context; NULL and *cause if the cache cannot be read.
 * Free with incident_history_free().
 */
struct incident_history	*views_incident_history(struct cache *,
			     const char *context, int64_t now_ms,
			     int64_t window_ms, char **cause);
void			 incident_history_free(struct incident_history *);

#endif
