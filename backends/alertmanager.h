/*
 * alertmanager.h: the Alertmanager API v2.
 *
 * One source covers every Alertmanager of a context: the members of an HA
 * cluster are asked at once and their alerts merged by fingerprint.  One
 * member down is a warning on the source, not an outage ("1 of 2
 * Alertmanagers did not answer ...", stored in the sources row and shown
 * with it); all of them down fails the round.
 */
#ifndef SITREP_ALERTMANAGER_H
#define SITREP_ALERTMANAGER_H

#include <stddef.h>
#include <stdint.h>

struct conf_endpoint;
struct source;
struct store_alert;
struct store_silence;

struct am_alert {
	char	*fingerprint;
	char	*alertname;
	char	*severity;
	char	*state;		/* active, suppressed, unprocessed */
	char	*silenced_by;	/* JSON array */
	char	*inhibited_by;	/* JSON array */
	char	*labels;	/* JSON object */
	char	*annotations;	/* JSON object */
	char	*generator_url;
	char	*receivers;	/* JSON array of names */
	int64_t	 starts_at_ms;
	int64_t	 ends_at_ms;
	int64_t	 updated_at_ms;
};

struct am_silence {
	char	*id;
	char	*state;		/* active, pending, expired */
	char	*matchers;	/* JSON array */
	char	*created_by;
	char	*comment;
	int64_t	 starts_at_ms;
	int64_t	 ends_at_ms;
	int64_t	 updated_at_ms;
};

/* Parse GET /api/v2/alerts; *cause on failure. */
int	am_parse_alerts(const char *body, size_t len, long status,
	    struct am_alert **, size_t *n, char **cause);
void	am_alerts_free(struct am_alert *, size_t n);
/* Parse GET /api/v2/silences. */
int	am_parse_silences(const char *body, size_t len, long status,
	    struct am_silence **, size_t *n, char **cause);
void	am_silences_free(struct am_silence *, size_t n);
/*
 * The rows store_alerts() and store_silences() take for an alert or a
 * silence that source (a member's host:port) answered; they borrow the
 * parsed strings.
 */
void	am_alert_row(const struct am_alert *, const char *source,
	    struct store_alert *);
void	am_silence_row(const struct am_silence *, const char *source,
	    struct store_silence *);
/* Parse GET /api/v2/status: cluster status and peer count. */
int	am_parse_status(const char *body, size_t len, long status,
	    char **cluster_status, int *peers, char **cause);

/*
 * The outcome of a round over n members, errors[i] member i's error
 * (NULL: it answered): 0 when none answered, *error (allocated) the
 * first one's; else 1, *warning (allocated) saying how many did not
 * answer and why, or NULL when all did.  The simulator says the same.
 */
int	am_round_outcome(const char *const *errors, size_t n, char **error,
	    char **warning);

void	am_source_init(struct source *, const struct conf_endpoint *,
	    size_t n);

#endif
