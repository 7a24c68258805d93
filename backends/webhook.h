/*
 * webhook.h: a receiver for Alertmanager's webhook on loopback.
 *
 * `sitrep drill fire --webhook 127.0.0.1:PORT` listens where a route of
 * the team's Alertmanager sends drill="true" alerts (a webhook_configs
 * url), to time the whole path: post, route, group, notify.  It listens
 * on a loopback address only (127.0.0.0/8 or ::1), takes one request a
 * connection, reads at most WEBHOOK_MAX_BODY bytes of it, parses the body
 * as Alertmanager's webhook JSON and hands each alert's labels to the
 * callback; it answers 200 to any POST it could read, 400 to the rest.
 * Everything runs on the caller's loop; nothing blocks.
 */
#ifndef SITREP_WEBHOOK_H
#define SITREP_WEBHOOK_H

#include <cJSON.h>

struct loop;
struct webhook;

/* The largest request read (headers and body). */
#define WEBHOOK_MAX_BODY	(1024 * 1024)
/* Connections open at once; more wait in the kernel's queue. */
#define WEBHOOK_MAX_CLIENTS	16

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
/* Notifications read so far (for messages). */
unsigned	 webhook_requests(const struct webhook *);

#endif
