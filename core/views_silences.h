/*
 * views_silences.h: the silences of a context as the console lists them,
 * with what they hold now and what is wrong with them.
 *
 * A silence is read with what no other tool puts beside it: the alerts
 * its matchers hold right now (Alertmanager lists an alert while it
 * fires, silenced or not), and hygiene flags, each in words with a tone:
 *
 *  - it matches nothing: active, and no listed alert meets its matchers
 *    (a typo, or a silence that outlived what it was for);
 *  - it expires within the hour while alerts it matches still fire (the
 *    pages come back soon); a silence shorter than two hours, such as an
 *    acknowledgement (incidents.ack_for, 15m), only in its second half,
 *    so a fresh one is not flagged for being short by design;
 *  - an acknowledgement ("ACK 1a2b3c4d: ...") whose incident has
 *    resolved, but which still runs;
 *  - it lasts longer than silences.max_duration (default 7d).
 *
 * State is judged at the time given, not only as the last round saw it:
 * a pending silence whose start has passed is active, and one whose end
 * has passed is not listed.  Like views_detail.h, the result is plain
 * structs the caller owns; strings are valid UTF-8 but not escaped (the
 * renderer escapes).
 */
#ifndef SITREP_VIEWS_SILENCES_H
#define SITREP_VIEWS_SILENCES_H

#include <stddef.h>
#include <stdint.h>

#include "core/incident.h"
#include "core/vocab.h"

struct cache;
struct conf;
struct matchers;

/* Default of silences.max_duration. */
#define VIEWS_SILENCE_MAX_DURATION	(7 * 24 * 3600 * 1000LL)
/* An end this close (at most half its length) while alerts it matches
 * fire is flagged. */
#define VIEWS_SILENCE_EXPIRING		(3600 * 1000LL)
/* Distinct alert names kept for the list, and alerts for the detail. */
#define VIEWS_SILENCE_NAMES		3
#define VIEWS_SILENCE_ALERTS_MAX	50

/* What is wrong with a silence. */
enum view_silence_flag {
	SILENCE_MATCHES_NOTHING,
	SILENCE_EXPIRING,	/* within the hour, alerts it matches firing */
	SILENCE_ACK_RESOLVED,	/* acknowledges an incident that resolved */
	SILENCE_TOO_LONG,	/* longer than silences.max_duration */
	SILENCE_UNREADABLE	/* matchers sitrep cannot evaluate */
};

/* One flag: what, in words ("matches no alert"), and its tone. */
struct view_silence_note {
	enum view_silence_flag	 flag;
	char			*text;
	enum vocab_tone		 tone;
};

/* An alert a silence matches. */
struct view_silence_alert {
	char	*alertname;
	char	*severity;	/* NULL: none */
	char	*labels;	/* JSON object text */
	int	 silenced;	/* suppressed by some silence */
};

struct view_silence {
	char				*id;
	char				*state;		/* active, pending */
	char				*matchers;	/* text form */
	char				*created_by;	/* "" if none */
	char				*comment;	/* "" if none */
	int64_t				 starts_ms;
	int64_t				 ends_ms;
	/* The incident an ACK silence names (8 hex digits), or NULL. */
	char				*incident;
	/* Its state ("resolved" ...), or NULL when not in the cache. */
	char				*incident_state;
	/* Listed alerts the matchers hold; -1 when they cannot be read. */
	long				 nmatch;
	char				*names[VIEWS_SILENCE_NAMES];
	size_t				 nnames;	/* distinct names */
	struct view_silence_alert	*alerts;	/* up to _ALERTS_MAX */
	size_t				 nalerts;
	struct view_silence_note	*notes;
	size_t				 nnotes;
	enum vocab_tone			 tone;		/* worst of notes */
};

struct view_silences {
	char			*context;
	int64_t			 now_ms;
	struct view_silence	*v;	/* flagged first, then by end */
	size_t			 n;
};

/*
 * The active and pending silences of context at now_ms, conf's limits
 * (NULL: the defaults).  NULL and *cause when the cache cannot be read.
 * Free with views_silences_free().
 */
struct view_silences	*views_silences_read(struct cache *,
			     const struct conf *, const char *context,
			     int64_t now_ms, char **cause);
void			 views_silences_free(struct view_silences *);

/*
 * What a silence not written yet would hold now: the context's listed
 * (firing) alerts every one of its matchers holds, as the silences list
 * counts them.
 */
struct view_silence_preview {
	long				 nmatch;
	long				 nsilenced;	/* of them, already */
	struct view_silence_alert	*alerts;	/* up to _ALERTS_MAX */
	size_t				 nalerts;
};

/*
 * The preview of a silence of m (borrowed; no matchers hold nothing) in
 * context; NULL and *cause when the cache cannot be read.  Free with
 * views_silence_preview_free().
 */
struct view_silence_preview *views_silence_preview(struct cache *,
			     const char *context, const struct matchers *,
			     char **cause);
void			 views_silence_preview_free(
			     struct view_silence_preview *);

/*
 * The incident an acknowledgement's comment names ("ACK 1a2b3c4d: ..."),
 * lowercase into out; 0, or -1 when comment is not one.
 */
int			 views_silence_ack_id(const char *comment,
			     char out[INCIDENT_ID_LEN + 1]);

#endif
