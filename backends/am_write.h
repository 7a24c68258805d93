/*
 * am_write.h: writes to Alertmanager (silences: create, change, expire;
 * alerts: a drill's, posted and resolved), as the world of an action gate
 * (core/action.h).
 *
 * One writer serves the Alertmanagers of one context, the same members
 * the Alertmanager source reads (contexts[].alertmanagers), with the same
 * URL, credentials and TLS (backends/endpoint.h); no credential ever
 * reaches a message.  Members are named "am-1", "am-2" ... in the order
 * of the configuration, with their URL (credentials removed).
 *
 * A write goes to the first member that can be reached: a connection
 * refused, a timeout or a gateway error (502, 503, 504) moves on to the
 * next member; any other answer is final, so a silence Alertmanager
 * refuses (400) is never tried again elsewhere.  Once a member has taken
 * it, the writer asks every other member (GET /api/v2/silence/{id}) until
 * each shows the silence as written (or expired), a few times over about
 * two seconds through loop timers, never blocking: members of an HA
 * cluster learn it by gossip.  A member that does not show it by then is
 * named in the result's warning; the callback runs once, after that.
 *
 * An alert is posted to every member at once (POST /api/v2/alerts), as
 * Prometheus does: members of a cluster do not gossip alerts.  It is
 * taken (ACTION_OK) when one member took it at least; the message names
 * those that did, the warning those that did not, and why.
 *
 * Answers map to enum action_status: 2xx OK; 400, 404 and 422 INVALID,
 * with Alertmanager's own message (sanitised, cut); 401, 403, 405 and any
 * other 4xx REFUSED; no answer, a timeout or 5xx UNREACHABLE.  Every
 * message is one sentence that says what to do.
 */
#ifndef SITREP_AM_WRITE_H
#define SITREP_AM_WRITE_H

#include <stddef.h>
#include <stdint.h>

struct action_alert;
struct action_silence;
struct action_world;
struct conf_endpoint;
struct http;
struct loop;
struct am_writer;

/* Default confirmation schedule: first look, then between looks, looks. */
#define AM_WRITE_CONFIRM_FIRST_MS	250
#define AM_WRITE_CONFIRM_EVERY_MS	450
#define AM_WRITE_CONFIRM_TRIES		5
/* Longest a confirming GET may take (less if the endpoint says so). */
#define AM_WRITE_CONFIRM_TIMEOUT_MS	2000

/*
 * A writer to the n members eps (borrowed: they must outlive the writer)
 * over loop and http (borrowed, likewise).  A member whose credentials
 * cannot be read (bearer_token_file) is kept and skipped with its reason.
 * NULL and *cause only when n is 0.
 */
struct am_writer *am_writer_new(struct loop *, struct http *,
		     const struct conf_endpoint *eps, size_t n, char **cause);
/* Cancel every write in flight (no callback) and free; NULL is fine. */
void		  am_writer_free(struct am_writer *);

/*
 * Fill out with the writer's world (name "alertmanager"); it stays valid
 * while the writer lives.
 */
void		  am_writer_world(struct am_writer *, struct action_world *out);

/*
 * Change the confirmation schedule (tests): first look after first_ms,
 * then every every_ms, at most tries looks; tries 0 confirms nothing.
 */
void		  am_writer_set_confirm(struct am_writer *, int64_t first_ms,
		     int64_t every_ms, int tries);

/*
 * The body of POST /api/v2/silences for s, created by created_by (with
 * "id" when s changes a silence); caller frees.  NULL and *cause when s
 * has no matcher or no comment.
 */
char		 *am_silence_body(const struct action_silence *s,
		     const char *created_by, char **cause);

/*
 * The body of POST /api/v2/alerts for a: a list of one alert with its
 * labels, annotations and the times that are set; caller frees.  NULL
 * and *cause when a has no label.
 */
char		 *am_alert_body(const struct action_alert *a, char **cause);

/* Number of writes in flight (started, callback not yet run). */
size_t		  am_writer_pending(const struct am_writer *);

/* Longest piece of Alertmanager's own message shown, in bytes. */
#define AM_WRITE_MESSAGE_MAX	300
/* How far a member's endsAt may be from the one written, in ms. */
#define AM_WRITE_ENDS_SLACK_MS	1000

/*
 * Reading Alertmanager's answers to writes (any bytes: they come from a
 * server).  am_write_error_text(): its own message in an error answer,
 * for a person: a JSON string ("silence invalid: ..."), the message of a
 * JSON object (the API framework's 422), else the text; valid UTF-8, cut
 * to AM_WRITE_MESSAGE_MAX, safe for a terminal, never empty; caller
 * frees.  am_write_silence_id(): the silenceID of the answer to a new
 * silence, when it is a clean string of at most 200 bytes, else NULL;
 * caller frees.  am_write_shows(): whether a GET of the silence shows the
 * write: expired when expired is set, else not expired and ending within
 * AM_WRITE_ENDS_SLACK_MS of ends_ms.
 */
char		 *am_write_error_text(const char *body, size_t len);
char		 *am_write_silence_id(const char *body, size_t len);
int		  am_write_shows(int expired, int64_t ends_ms, const char *body,
		     size_t len);

#endif
