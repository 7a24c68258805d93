/*
 * webhook.h: a receiver for Alertmanager's webhook on loopback.
 *
 * `sitrep drill fire --webhook 127.0.0.1:PORT` listens where a route of
 * the team's Alertmanager sends drill="true" alerts (a webhook_configs
 * url), to time the whole path: post, route, group, notify.  It listens
 * on a loopback address only (127.0.0.0/8 or ::1), takes one request a
 * connection, reads at most WEBHOOK_MAX_HEADERS bytes of headers and
 * WEBHOOK_MAX_BODY of body, parses the body as Alertmanager's webhook JSON
 * and hands each alert's labels to the callback.  It answers 200 to any
 * POST it could read whole; 405, 411, 413 or 431 to a request it will not
 * read, and 408 to one not whole within WEBHOOK_TIMEOUT_MS of its
 * connection.  Everything runs on the caller's loop; nothing blocks.
 */
#ifndef SITREP_WEBHOOK_H
#define SITREP_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

struct loop;
struct webhook;

/* The largest body read, and the largest request line and headers. */
#define WEBHOOK_MAX_BODY	(1024 * 1024)
#define WEBHOOK_MAX_HEADERS	16384
/* Connections open at once; more wait in the kernel's queue. */
#define WEBHOOK_MAX_CLIENTS	16
/* How long a connection has to send its whole request. */
#define WEBHOOK_TIMEOUT_MS	10000

/*
 * Called for each alert of a notification: its status ("firing",
 * "resolved") and its labels object (borrowed, during the call).
 */
typedef void	(*webhook_alert_cb)(const char *status, const cJSON *labels,
		    void *arg);

/*
 * Listen on addr ("127.0.0.1:9099", "localhost:9099", "[::1]:9099"; port 0:
 * any free one, see webhook_address()) on
 * loop.  NULL and *cause when addr is not a loopback address with a port,
 * or cannot be listened on.
 */
struct webhook	*webhook_listen(struct loop *, const char *addr,
		     webhook_alert_cb, void *arg, char **cause);
/* Close the listener and every connection; NULL is fine. */
void		 webhook_free(struct webhook *);
/* "127.0.0.1:9099", as listened on (borrowed). */
const char	*webhook_address(const struct webhook *);
/* How long a new connection has to send its request (WEBHOOK_TIMEOUT_MS). */
void		 webhook_set_timeout(struct webhook *, int64_t ms);
/* Notifications read so far (for messages). */
unsigned	 webhook_requests(const struct webhook *);

/*
 * Read the request received so far, data[0, len): 0 while more is needed,
 * 200 once it is whole (the body is data[*body, *body + *body_len)), or
 * the status refusing it: 405 (not a POST), 411 (no Content-Length), 413
 * (a body over WEBHOOK_MAX_BODY), 431 (headers over WEBHOOK_MAX_HEADERS).
 * *scanned (0 at first) is how far the search for the headers' end got:
 * a request trickling in is not searched again from its start.
 */
int		 webhook_request_status(const char *data, size_t len,
		     size_t *scanned, size_t *body, size_t *body_len);

/*
 * Hand each alert of a webhook body (Alertmanager's JSON, any bytes) to
 * cb: those with a labels object, with their status ("" without one).
 * Returns how many were handed.
 */
size_t		 webhook_body_alerts(const char *body, size_t len,
		     webhook_alert_cb, void *arg);

#endif
