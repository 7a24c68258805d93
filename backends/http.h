/*
 * http.h: asynchronous HTTP for every backend, over libcurl's multi
 * interface hung off the event loop.
 *
 * A request is described by a plain value struct and submitted; its callback
 * runs from the loop when it finishes, fails or times out.  Nothing here
 * ever blocks: curl's sockets are loop fd watchers and curl's timeout is a
 * loop timer, so a server that hangs only makes its own request late.
 *
 * Safety that every caller gets without asking: TLS verified unless
 * insecure_skip_verify; only http and https, also on redirects; at most 5
 * redirects, and neither credentials (bearer token, basic auth, URL
 * user:password) nor the extra headers are sent to a different scheme, host
 * or port than the one first asked; a response size cap enforced while it
 * downloads (after decompression).  The values of the extra headers are
 * secrets like the token and the password (they often hold API keys): no
 * secret, in any form (verbatim, base64, the Basic header's value,
 * percent-encoded, JSON-escaped: base/scrub.h), ever appears in an error
 * sentence or in a body handed to a callback, whatever the status, even
 * when the server reflects its request.  A header that is not secret goes
 * in content_type or accept.
 *
 * Memory and time stay bounded whatever a server sends (struct
 * http_limits, defaults below):
 *  - each body is cut off at its max_body as it arrives, with or without a
 *    Content-Length (one with a length over the cap is refused at once);
 *  - the bodies of all requests in flight share one budget (the total),
 *    and those of one group (a source: http_request.group) share a
 *    smaller one; the request whose bytes would cross either is refused
 *    with HTTP_ERR_TOO_BIG.  A budget is never below the request's own
 *    max_body, so one request can always use its cap;
 *  - a group has at most group_inflight requests running; the others wait
 *    in order inside http.c (http_pending() counts them, http_cancel()
 *    takes them back, their timeout includes the wait).  A streamed
 *    request (chunk) holds no body and does not take a slot;
 *  - a body that decodes to more than max_ratio times its bytes on the
 *    wire (a compression bomb) is refused once past 1 MiB;
 *  - decoding gives the loop back: after a slice of a few MiB in one
 *    wake-up a transfer is paused and resumed from a loop timer, so
 *    timers (timeouts among them) and keys are served in between.
 * Bytes are counted after decompression.  A 429 or 503's Retry-After is
 * parsed for the caller (http_response.retry_after_ms).
 */
#ifndef SITREP_HTTP_H
#define SITREP_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct http;

/*
 * A streamed body's bytes as they arrive (see http_request.chunk): data is
 * borrowed for the call.  Return 0 to go on, -1 to end the transfer (done
 * then reports kind HTTP_ERR_OTHER, "stopped by the reader").  It must
 * not call http_cancel() on its own request: return -1 instead.
 */
typedef int	(*http_chunk_cb)(const char *data, size_t len, void *arg);

#define HTTP_DEFAULT_CONNECT_TIMEOUT_MS	10000
#define HTTP_DEFAULT_TIMEOUT_MS		30000
#define HTTP_DEFAULT_MAX_BODY		((size_t)64 * 1024 * 1024)
#define HTTP_MAX_REDIRECTS		5
#define HTTP_DEFAULT_TOTAL_BYTES	((size_t)128 * 1024 * 1024)
#define HTTP_DEFAULT_GROUP_BYTES	((size_t)64 * 1024 * 1024)
#define HTTP_DEFAULT_GROUP_INFLIGHT	4
#define HTTP_DEFAULT_MAX_RATIO		100
/* Longest Retry-After honoured; a longer one is cut to this. */
#define HTTP_RETRY_AFTER_CAP_MS		((int64_t)10 * 60 * 1000)

/*
 * Bounds of one client (see the top of this file).  Zero fields take the
 * defaults, except max_ratio where 0 would be meaningless and takes it too.
 */
struct http_limits {
	size_t			 total_bytes;	/* bodies of all requests */
	size_t			 group_bytes;	/* bodies of one group's */
	unsigned int		 group_inflight; /* one group's running */
	unsigned int		 max_ratio;	/* decoded / wire bytes */
};

enum http_error {
	HTTP_OK = 0,		/* transport worked; look at status */
	HTTP_ERR_CONNECT,	/* refused, unreachable, reset */
	HTTP_ERR_TIMEOUT,	/* connect or total timeout */
	HTTP_ERR_TLS,		/* untrusted, mismatched or failed TLS */
	HTTP_ERR_TOO_BIG,	/* body over max_body */
	HTTP_ERR_DNS,		/* host (or proxy) name not resolved */
	HTTP_ERR_OTHER,
	HTTP_ERR_CANCELLED	/* only from http_free() */
};

/*
 * What to ask.  Everything is copied by http_submit(), so the strings may go
 * away once it returns.  Zero or NULL fields take the defaults.
 */
struct http_request {
	const char		*method;	/* NULL: GET, or POST with body */
	const char		*url;		/* http:// or https:// */
	const char		*body;
	size_t			 body_len;	/* 0 with body: strlen(body) */
	const char		*content_type;
	const char *const	*headers;	/* "Name: value", NULL-ended;
						   values are secrets */
	const char		*accept;	/* Accept header, not secret */
	const char		*bearer_token;	/* secret */
	const char		*username;
	const char		*password;	/* secret */
	const char		*ca_file;
	const char		*ca_data;	/* PEM in memory */
	size_t			 ca_data_len;	/* 0: strlen(ca_data) */
	const char		*cert_file;
	const char		*key_file;
	const char		*cert_data;	/* PEM in memory */
	size_t			 cert_data_len;	/* 0: strlen(cert_data) */
	const char		*key_data;	/* PEM in memory; secret */
	size_t			 key_data_len;	/* 0: strlen(key_data) */
	const char		*tls_server_name; /* verify and SNI as this */
	int			 insecure_skip_verify;
	const char		*proxy;		/* NULL: from the environment */
	int64_t			 connect_timeout_ms; /* 0: 10s */
	int64_t			 timeout_ms;	/* 0: 30s, whole request */
	size_t			 max_body;	/* 0: 64 MiB */
	/*
	 * A read whose parameters are too long for a URL (Prometheus's
	 * query endpoints take them either way): sent as a POSTed form
	 * (application/x-www-form-urlencoded), body and method left unset.
	 * Never for a write: writes are the worlds' (see the action gate).
	 */
	const char		*form;
	/*
	 * Streaming: with chunk set, a 2xx body goes to chunk as it arrives
	 * instead of into the response (whose body is then empty), and
	 * max_body bounds the whole stream; any other status is collected
	 * as usual, so done sees the error body.  For watches and follows.
	 */
	http_chunk_cb		 chunk;
	void			*chunk_arg;
	/*
	 * The budget group (a source's name, "prometheus"), shown in
	 * messages; NULL: only the client's total and max_body apply.
	 */
	const char		*group;
};

/*
 * What came back.  Borrowed, valid only during the callback: copy what you
 * keep.  body is NUL-terminated (it may also contain NULs: use body_len)
 * and holds whatever the server sent, except that every secret of the
 * request in it is replaced by SCRUB_MARK ("<redacted>"): parse
 * defensively, sanitise before display, and quote no body of a 401 or 403
 * (say what to check instead).  ok is 1 when an HTTP response arrived,
 * whatever its status.
 */
struct http_response {
	int			 ok;
	long			 status;	/* 0 if no response */
	const char		*body;		/* never NULL */
	size_t			 body_len;
	const char		*content_type;	/* NULL if none */
	int64_t			 latency_ms;
	const char		*error;		/* a sentence, or NULL if ok */
	enum http_error		 kind;
	/* A 429 or 503's Retry-After, capped; 0 if none or another status. */
	int64_t			 retry_after_ms;
};

typedef void	(*http_done_cb)(const struct http_response *, void *arg);

/* A new client on loop.  NULL (with errno) only if curl cannot start. */
struct http	*http_new(struct loop *);
/*
 * Abort every outstanding request, calling each callback once with kind
 * HTTP_ERR_CANCELLED (so per-request arguments can be freed), then free.
 * Those callbacks must not use the http object.  Do not call it from inside
 * a callback of the same http.
 */
void		 http_free(struct http *);

/*
 * Start a request; done is called exactly once from the loop (never from
 * inside http_submit()), unless http_cancel() takes the request back first.
 * A transfer failure arrives through done, not here.  Returns an id (> 0), or -1 with *cause if the
 * request is invalid (bad URL, scheme not http or https, a line break in a
 * header or credential ...).
 */
int		 http_submit(struct http *, const struct http_request *,
		     http_done_cb done, void *arg, char **cause);
/*
 * Abort a request without calling its callback; the caller frees its own
 * argument.  Returns 0, or -1 if the id is unknown or already finished.
 * Safe from inside any callback.
 */
int		 http_cancel(struct http *, int id);
/* Number of requests in flight, those waiting for a slot included. */
unsigned int	 http_pending(struct http *);
/* Set the client's bounds (copied); they apply at once. */
void		 http_set_limits(struct http *, const struct http_limits *);

/*
 * A Retry-After value (delay-seconds or an HTTP-date, RFC 9110 10.2.3) as
 * milliseconds from now_s (wall clock, seconds), capped at
 * HTTP_RETRY_AFTER_CAP_MS; 0 for garbage, a date in the past or NULL.
 */
int64_t		 http_retry_after_ms(const char *value, int64_t now_s);

/* url with any user:password@ removed, for showing; caller frees. */
char		*http_redact_url(const char *url);
/* "host:port" of url (default port filled in), for messages; caller frees. */
char		*http_host_port(const char *url);
/* A constant name for kind: "ok", "connect", "timeout", "tls" ... */
const char	*http_error_name(enum http_error);

#endif
