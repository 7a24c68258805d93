/*
 * http.c: asynchronous HTTP over libcurl's multi interface, driven by the
 * event loop.
 *
 * curl tells us which sockets it wants watched (CURLMOPT_SOCKETFUNCTION) and
 * when it next needs a kick (CURLMOPT_TIMERFUNCTION); we turn those into
 * loop fd watchers and a one-shot loop timer, hand every event back with
 * curl_multi_socket_action(), and drain curl_multi_info_read() for finished
 * transfers.  This is the pattern of curl's hiperfifo/ephiperfifo examples
 * with the loop's poll(2) in place of libevent or epoll.
 *
 * Each request copies what it needs at submit time.  Credentials go through
 * curl's own authentication (Basic, or Bearer via CURLOPT_XOAUTH2_BEARER), not
 * through a hand-made header.  Redirects are followed here, not by curl
 * (http_follow()), because curl sends CURLOPT_HTTPHEADER to every redirect
 * target: once a chain leaves the scheme, host and port first asked, it goes
 * on without the extra headers and without credentials.
 *
 * The request's secrets (token, password, the Basic header's user:password,
 * URL and proxy passwords, key, extra header values) go into a scrub
 * (base/scrub.h), wiped when the request is freed: every error sentence and
 * every body that contains one of them, in any form, is scrubbed before the
 * callback sees it, so a server that reflects its request cannot make any
 * source store or print a secret.  Streamed 2xx bodies (http_request.chunk)
 * are not scrubbed.
 */
#include "config.h"

#include <sys/queue.h>

#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backends/http.h"
#include "base/buf.h"
#include "core/loop.h"
#include "base/sanitize.h"
#include "base/scrub.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* Decoded bytes one transfer may take per wake-up before it is paused. */
#define HTTP_SLICE_BYTES	((size_t)4 * 1024 * 1024)
/* curl's read size (see http_setup). */
#define HTTP_READ_BYTES		2048
/* Below this many decoded bytes the ratio is not checked. */
#define HTTP_RATIO_MIN_BYTES	((size_t)1024 * 1024)

/* Why a body was refused (http_req.too_big). */
enum http_big {
	HTTP_BIG_NONE = 0,
	HTTP_BIG_BODY,		/* over the request's max_body */
	HTTP_BIG_GROUP,		/* over its group's budget */
	HTTP_BIG_TOTAL,		/* over the client's budget */
	HTTP_BIG_RATIO		/* decodes to too many times its wire size */
};

/* Requests sharing a budget and a bound on requests at once. */
struct http_group {
	char			*name;
	size_t			 held;		/* body bytes of its requests */
	unsigned int		 running;	/* requests holding a slot */
	unsigned int		 queued;
	unsigned int		 refs;		/* requests naming it */
	TAILQ_ENTRY(http_group)	 entry;
};

struct http_req {
	struct http		*http;
	int			 id;
	CURL			*easy;
	struct curl_slist	*headers;	/* all, extra ones included */
	struct curl_slist	*plain_headers;	/* without the extra ones */
	struct curl_slist	*connect_to;
	struct buf		 body;
	size_t			 max_body;
	enum http_big		 too_big;
	struct http_group	*group;		/* or NULL */
	int			 slot;		/* holds one of group's slots */
	int			 queued;	/* waits for a slot */
	char			*where;		/* host:port, for messages */
	int			 paused;	/* until the next kick */
	int			 encoded;	/* -1 unknown, 0 identity, 1 */
	int			 resume;	/* by this kick */
	size_t			 decoded;	/* body bytes after decoding */
	size_t			 slice;		/* decoded in this wake-up */
	unsigned int		 slice_wake;	/* the wake-up slice counts */
	http_chunk_cb		 chunk;		/* streaming, or NULL */
	void			*chunk_arg;
	size_t			 streamed;	/* bytes given to chunk */
	int			 stopped;	/* chunk asked to stop */
	int64_t			 started;
	int64_t			 connect_timeout_ms;
	int64_t			 timeout_ms;
	http_done_cb		 done;
	void			*arg;
	struct scrub		*scrub;		/* the request's secrets */
	char			*origin;	/* scheme://host:port asked */
	int			 redirects;	/* followed so far */
	int			 left_origin;	/* credentials dropped */
	int			 posting;	/* a POST: GET after 301-303 */
	char			 errbuf[CURL_ERROR_SIZE];
	TAILQ_ENTRY(http_req)	 entry;
};

struct http_sock {
	struct http		*http;
	curl_socket_t		 s;
	struct loop_fd		*watch;
	TAILQ_ENTRY(http_sock)	 entry;
};

struct http {
	struct loop		*loop;
	CURLM			*multi;
	struct loop_timer	*timer;
	struct loop_timer	*kick;		/* resume, start queued */
	struct loop_timer	*expire;	/* first queued deadline */
	int			 next_id;
	unsigned int		 pending;	/* running and queued */
	unsigned int		 wake;		/* counts calls into curl */
	size_t			 held;		/* body bytes of all requests */
	struct http_limits	 limits;
	TAILQ_HEAD(http_reqs, http_req) reqs;	/* running */
	struct http_reqs	 queue;		/* waiting for a slot */
	TAILQ_HEAD(, http_sock)	 socks;
	TAILQ_HEAD(, http_group) groups;
};

static void	http_check(struct http *);
static void	http_kick(struct http *);
static void	http_expire_arm(struct http *);
static void	http_finish(struct http_req *, CURLcode);
static void	http_release(struct http_req *);
static void	http_group_trim(struct http *, struct http_group *);

/* ------------------------------------------------------------------------ */
/* Small helpers. */

/* Overwrite a secret before it is freed; volatile so it is not elided. */
static void
http_wipe(char *s)
{
	volatile char	*p = s;

	if (s == NULL)
		return;
	while (*p != '\0')
		*p++ = '\0';
}

/* Duration for a message: "250ms", "10s", "2.5s", "5m". */
static void
http_format_ms(int64_t ms, char *out, size_t len)
{
	if (ms >= 1000 && ms < 60000 && ms % 1000 != 0)
		snprintf(out, len, "%lld.%llds", (long long)(ms / 1000),
		    (long long)((ms % 1000) / 100));
	else
		util_format_duration(ms, out, len);
}

/* Does s contain a byte that must never reach a header line? */
static int
http_has_control(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 1;
	}
	return 0;
}

/* A parsed URL handle, or NULL. */
static CURLU *
http_parse(const char *url)
{
	CURLU	*u;

	if (url == NULL || (u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return NULL;
	}
	return u;
}

/* url without userinfo; caller frees. */
char *
http_redact_url(const char *url)
{
	CURLU	*u;
	char	*out = NULL, *copy;

	if ((u = http_parse(url)) == NULL)
		return xstrdup("(invalid URL)");
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
	if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return xstrdup("(invalid URL)");
	}
	copy = xstrdup(out);
	curl_free(out);
	curl_url_cleanup(u);
	return copy;
}

/* "host:port" of url; caller frees. */
char *
http_host_port(const char *url)
{
	CURLU	*u;
	char	*host = NULL, *port = NULL, *out;

	if ((u = http_parse(url)) == NULL)
		return xstrdup("(invalid URL)");
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK)
		out = xstrdup("(invalid URL)");
	else
		out = xasprintf("%s:%s", host, port);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* A name for an error kind. */
const char *
http_error_name(enum http_error kind)
{
	switch (kind) {
	case HTTP_OK:
		return "ok";
	case HTTP_ERR_CONNECT:
		return "connect";
	case HTTP_ERR_TIMEOUT:
		return "timeout";
	case HTTP_ERR_TLS:
		return "tls";
	case HTTP_ERR_TOO_BIG:
		return "too-big";
	case HTTP_ERR_DNS:
		return "dns";
	case HTTP_ERR_CANCELLED:
		return "cancelled";
	case HTTP_ERR_OTHER:
		break;
	}
	return "other";
}

/* ------------------------------------------------------------------------ */
/* Loop glue: curl's sockets and timer. */

/* A watched socket is ready: tell curl. */
static void
http_fd_ready(int fd, int revents, void *arg)
{
	struct http_sock	*sock = arg;
	struct http		*http = sock->http;
	int			 flags = 0, running;

	if (revents & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (revents & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	if (revents & LOOP_ERROR)
		flags |= CURL_CSELECT_ERR;
	/* sock may be freed from inside this call. */
	http->wake++;
	curl_multi_socket_action(http->multi, fd, flags, &running);
	http_check(http);
}

/* curl wants a socket watched differently, or not at all. */
static int
http_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct http		*http = userp;
	struct http_sock	*sock = socketp;
	int			 events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (sock != NULL) {
			loop_fd_del(sock->watch);
			TAILQ_REMOVE(&http->socks, sock, entry);
			free(sock);
			curl_multi_assign(http->multi, s, NULL);
		}
		return 0;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		events |= LOOP_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		events |= LOOP_WRITE;
	if (sock == NULL) {
		sock = xcalloc(1, sizeof *sock);
		sock->http = http;
		sock->s = s;
		sock->watch = loop_fd_add(http->loop, s, events, http_fd_ready,
		    sock);
		TAILQ_INSERT_TAIL(&http->socks, sock, entry);
		curl_multi_assign(http->multi, s, sock);
	} else
		loop_fd_set_events(sock->watch, events);
	return 0;
}

/* The loop timer for curl fired: let curl handle its timeouts. */
static int64_t
http_timer_fire(void *arg)
{
	struct http	*http = arg;
	int		 running;

	http->timer = NULL;	/* one-shot: curl sets the next one */
	http->wake++;
	curl_multi_socket_action(http->multi, CURL_SOCKET_TIMEOUT, 0,
	    &running);
	http_check(http);
	return -1;
}

/* curl wants to be called after timeout_ms (-1: never). */
static int
http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http	*http = userp;

	if (http->timer != NULL) {
		loop_timer_del(http->timer);
		http->timer = NULL;
	}
	if (timeout_ms >= 0)
		http->timer = loop_timer_add(http->loop, timeout_ms,
		    http_timer_fire, http);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Requests. */

/* Free a request: its curl handle, copies and secrets. */
static void
http_req_free(struct http_req *req)
{
	struct curl_slist	*l;
	struct http_group	*g;

	if (req->easy != NULL)
		curl_easy_cleanup(req->easy);
	for (l = req->headers; l != NULL; l = l->next)
		http_wipe(l->data);
	curl_slist_free_all(req->headers);
	curl_slist_free_all(req->plain_headers);
	curl_slist_free_all(req->connect_to);
	scrub_free(req->scrub);
	free(req->origin);
	free(req->where);
	http_release(req);
	if ((g = req->group) != NULL) {
		if (req->slot) {
			g->running--;
			if (g->queued > 0)
				http_kick(req->http);
		}
		if (req->queued)
			g->queued--;
		g->refs--;
		http_group_trim(req->http, g);
	}
	free(req);
}

/* Keep a secret so what comes back can be scrubbed of it. */
static void
http_req_secret(struct http_req *req, const char *s)
{
	scrub_add(req->scrub, s);
}

/* The group named name, made if new; NULL for NULL. */
static struct http_group *
http_group_get(struct http *http, const char *name)
{
	struct http_group	*g;

	if (name == NULL)
		return NULL;
	TAILQ_FOREACH(g, &http->groups, entry) {
		if (strcmp(g->name, name) == 0)
			return g;
	}
	g = xcalloc(1, sizeof *g);
	g->name = xstrdup(name);
	TAILQ_INSERT_TAIL(&http->groups, g, entry);
	return g;
}

/* Forget a group nothing uses any more. */
static void
http_group_trim(struct http *http, struct http_group *g)
{
	/* A streamed request holds no slot and no bytes, but names it. */
	if (g == NULL || g->refs != 0 || g->held != 0 || g->running != 0 ||
	    g->queued != 0)
		return;
	TAILQ_REMOVE(&http->groups, g, entry);
	free(g->name);
	free(g);
}

/* A budget, never below the request's own cap. */
static size_t
http_budget(size_t budget, const struct http_req *req)
{
	return budget > req->max_body ? budget : req->max_body;
}

/*
 * Whether the answer carries a Content-Encoding other than identity: only
 * such a body is decoded, and only its size on the wire can differ from
 * what arrives here.  Asked once per answer (a redirect starts over).
 */
static int
http_encoded(struct http_req *req)
{
#if LIBCURL_VERSION_NUM >= 0x075300
	struct curl_header	*h = NULL;

	if (req->encoded < 0)
		req->encoded = curl_easy_header(req->easy, "Content-Encoding",
		    0, CURLH_HEADER, -1, &h) == CURLHE_OK && h != NULL &&
		    h->value != NULL && *h->value != '\0' &&
		    strcasecmp(h->value, "identity") != 0;
	return req->encoded;
#else
	(void)req;
	return 1;
#endif
}

/*
 * Whether the body decodes to more than max_ratio times its bytes on the
 * wire.  curl counts the download before decoding it, so
 * CURLINFO_SIZE_DOWNLOAD_T is the wire size of the body so far; a body
 * that is not encoded is its own wire size, whatever curl's counter says
 * at the moment.
 */
static int
http_ratio_exceeded(struct http_req *req)
{
	curl_off_t	wire = 0;
	unsigned int	ratio = req->http->limits.max_ratio;

	if (req->decoded < HTTP_RATIO_MIN_BYTES || !http_encoded(req))
		return 0;
	if (curl_easy_getinfo(req->easy, CURLINFO_SIZE_DOWNLOAD_T, &wire) !=
	    CURLE_OK || wire <= 0)
		return 0;
	return req->decoded / ratio > (size_t)wire;
}

/* Whether n more bytes fit in budget when held are taken already. */
static int
http_fits(size_t n, size_t held, size_t budget)
{
	return held <= budget && n <= budget - held;
}

/* Take n more body bytes into the budgets; 0, or -1 with too_big set. */
static int
http_hold(struct http_req *req, size_t n)
{
	struct http		*http = req->http;
	struct http_group	*g = req->group;

	if (!http_fits(n, req->body.len, req->max_body))
		req->too_big = HTTP_BIG_BODY;
	else if (g != NULL && !http_fits(n, g->held,
	    http_budget(http->limits.group_bytes, req)))
		req->too_big = HTTP_BIG_GROUP;
	else if (!http_fits(n, http->held,
	    http_budget(http->limits.total_bytes, req)))
		req->too_big = HTTP_BIG_TOTAL;
	else {
		if (g != NULL)
			g->held += n;
		http->held += n;
		return 0;
	}
	return -1;
}

/* Give back what a request's body held of the budgets, and empty it. */
static void
http_unhold(struct http_req *req)
{
	size_t	n = req->body.len;

	if (req->group != NULL)
		req->group->held -= n < req->group->held ? n :
		    req->group->held;
	req->http->held -= n < req->http->held ? n : req->http->held;
	buf_reset(&req->body);
}

/* Give back what a request's body held of the budgets, and free it. */
static void
http_release(struct http_req *req)
{
	http_unhold(req);
	buf_done(&req->body);
}

/*
 * curl's write callback: append to the capped body or abort the transfer;
 * a streamed 2xx body goes to the chunk callback instead, bounded in total.
 * After a slice of work in one wake-up the transfer is paused (curl hands
 * the same bytes again on resume) and the loop gets its turn.  Decoded
 * bytes are checked against the ratio, the cap and the budgets as they
 * arrive.
 */
static size_t
http_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_req	*req = arg;
	struct http	*http = req->http;
	size_t		 n = size * nmemb;
	long		 status = 0;

	if (req->too_big != HTTP_BIG_NONE || req->stopped)
		return 0;
	if (req->slice_wake != http->wake) {
		req->slice_wake = http->wake;
		req->slice = 0;
	}
	if (req->slice >= HTTP_SLICE_BYTES) {
		req->paused = 1;
		http_kick(http);
		return CURL_WRITEFUNC_PAUSE;
	}
	req->slice += n;
	req->decoded += n;
	if (http_ratio_exceeded(req)) {
		req->too_big = HTTP_BIG_RATIO;
		return 0;
	}
	if (req->chunk != NULL) {
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status <= 299) {
			if (n > req->max_body - req->streamed) {
				req->too_big = HTTP_BIG_BODY;
				return 0;
			}
			req->streamed += n;
			if (req->chunk(ptr, n, req->chunk_arg) != 0) {
				req->stopped = 1;
				return 0;
			}
			return n;
		}
	}
	/* http_hold() checked the cap, so the append cannot fail. */
	if (http_hold(req, n) != 0 || buf_append(&req->body, ptr, n) != 0)
		return 0;	/* CURLE_WRITE_ERROR */
	return n;
}

/* "64 MiB", or the bytes when not a whole number of MiB. */
static void
http_format_size(size_t n, char *out, size_t len)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(out, len, "%zu MiB", n / (1024 * 1024));
	else
		snprintf(out, len, "%zu bytes", n);
}

/* The sentence for a body refused by a bound (see enum http_big). */
static char *
http_big_error(struct http_req *req, const char *where)
{
	struct http	*http = req->http;
	const char	*group = req->group != NULL ? req->group->name : "";
	char		 size[32];

	switch (req->too_big) {
	case HTTP_BIG_GROUP:
		http_format_size(http_budget(http->limits.group_bytes, req),
		    size, sizeof size);
		return xasprintf("responses from %s in flight for %s would "
		    "hold more than %s together (its memory budget): ask for "
		    "less at once (fewer or narrower queries), or raise "
		    "http.max_body", where, group, size);
	case HTTP_BIG_TOTAL:
		http_format_size(http_budget(http->limits.total_bytes, req),
		    size, sizeof size);
		return xasprintf("responses in flight from all sources would "
		    "hold more than %s together (the memory budget of all "
		    "sources), refused at %s: ask the sources for less, or "
		    "raise http.max_body", size, where);
	case HTTP_BIG_RATIO:
		return xasprintf("response from %s decompresses to more than "
		    "%u times its size on the wire (a compression bomb?): "
		    "refused; check what answers at that address",
		    where, http->limits.max_ratio);
	case HTTP_BIG_BODY:
	case HTTP_BIG_NONE:
		break;
	}
	return xasprintf("response from %s is larger than %zu bytes "
	    "(http.max_body)", where, req->max_body);
}

/* Classify a TLS verification failure into a sentence. */
static char *
http_tls_error(struct http_req *req, const char *where, const char *detail)
{
	long	verify = 0;

	curl_easy_getinfo(req->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
	switch (verify) {
	case 18:	/* self-signed certificate */
		return xasprintf("TLS certificate of %s is not trusted "
		    "(self-signed): set certificate-authority or ca_file to "
		    "that certificate", where);
	case 2:		/* unable to get issuer certificate */
	case 19:	/* self-signed certificate in chain */
	case 20:	/* unable to get local issuer certificate */
	case 21:	/* unable to verify the first certificate */
		return xasprintf("TLS certificate of %s is not trusted "
		    "(unknown CA): set certificate-authority or ca_file", where);
	case 9:
		return xasprintf("TLS certificate of %s is not valid yet: "
		    "check the clocks of this machine and the server", where);
	case 10:
		return xasprintf("TLS certificate of %s has expired: renew it "
		    "on the server", where);
	}
	if (strstr(detail, "subject name") != NULL ||
	    strstr(detail, "host name") != NULL)
		return xasprintf("TLS certificate of %s does not match its "
		    "name (%s): use the name it was issued for, or set "
		    "tls-server-name", where, detail);
	return xasprintf("TLS certificate of %s is not trusted (%s): set "
	    "certificate-authority or ca_file", where, detail);
}

/* A plain sentence for a failed transfer. */
static char *
http_error_text(struct http_req *req, CURLcode rc, enum http_error *kind)
{
	char	*where, *detail, *url = NULL, *msg;
	char	 d[32];
	long	 oserr = 0;
	curl_off_t connected = 0;
	int64_t	 limit;

	if (curl_easy_getinfo(req->easy, CURLINFO_EFFECTIVE_URL, &url) !=
	    CURLE_OK || url == NULL)
		url = NULL;
	where = http_host_port(url);
	detail = sanitize_terminal(req->errbuf[0] != '\0' ? req->errbuf :
	    curl_easy_strerror(rc), 0);
	curl_easy_getinfo(req->easy, CURLINFO_OS_ERRNO, &oserr);

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		*kind = HTTP_ERR_CONNECT;
		if (oserr == ECONNREFUSED)
			msg = xasprintf("connection refused at %s", where);
		else if (oserr != 0)
			msg = xasprintf("could not connect to %s (%s)", where,
			    strerror((int)oserr));
		else
			msg = xasprintf("could not connect to %s (%s)", where,
			    detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		*kind = HTTP_ERR_TIMEOUT;
		curl_easy_getinfo(req->easy, CURLINFO_CONNECT_TIME_T,
		    &connected);
		/* A reused connection has no connect time of its own. */
		if (connected == 0) {
			long	fresh = 1;

			curl_easy_getinfo(req->easy, CURLINFO_NUM_CONNECTS,
			    &fresh);
			if (fresh == 0)
				connected = 1;
		}
		if (connected == 0) {
			limit = req->connect_timeout_ms;
			if (req->timeout_ms < limit)
				limit = req->timeout_ms;
			http_format_ms(limit, d, sizeof d);
			msg = xasprintf("timed out after %s connecting to %s",
			    d, where);
		} else {
			http_format_ms(req->timeout_ms, d, sizeof d);
			msg = xasprintf("timed out after %s waiting for %s", d,
			    where);
		}
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		*kind = HTTP_ERR_DNS;
		msg = xasprintf("could not resolve the host name of %s: check "
		    "the URL", where);
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
		*kind = HTTP_ERR_DNS;
		msg = xasprintf("could not resolve the proxy for %s: check the "
		    "proxy setting or the *_proxy environment variables",
		    where);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		*kind = HTTP_ERR_TLS;
		msg = http_tls_error(req, where, detail);
		break;
	case CURLE_SSL_CACERT_BADFILE:
		*kind = HTTP_ERR_TLS;
		msg = xasprintf("CA certificates for %s could not be loaded "
		    "(%s): check certificate-authority or ca_file", where,
		    detail);
		break;
	case CURLE_SSL_CERTPROBLEM:
		*kind = HTTP_ERR_TLS;
		msg = xasprintf("client certificate for %s could not be used "
		    "(%s): check client-certificate and client-key", where,
		    detail);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_USE_SSL_FAILED:
		*kind = HTTP_ERR_TLS;
		msg = xasprintf("TLS handshake with %s failed (%s): check that "
		    "it speaks HTTPS and accepts this client", where, detail);
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (req->stopped) {
			*kind = HTTP_ERR_OTHER;
			msg = xasprintf("the transfer from %s was stopped by the "
			    "reader", where);
		} else if (rc == CURLE_FILESIZE_EXCEEDED || req->too_big) {
			*kind = HTTP_ERR_TOO_BIG;
			msg = http_big_error(req, where);
		} else {
			*kind = HTTP_ERR_OTHER;
			msg = xasprintf("response from %s could not be stored "
			    "(%s)", where, detail);
		}
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		*kind = HTTP_ERR_OTHER;
		msg = xasprintf("too many redirects (more than %d), last to "
		    "%s: check the URL", HTTP_MAX_REDIRECTS, where);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		*kind = HTTP_ERR_OTHER;
		msg = xasprintf("%s redirected to a scheme other than http or "
		    "https: check the URL", where);
		break;
	case CURLE_GOT_NOTHING:
		*kind = HTTP_ERR_CONNECT;
		msg = xasprintf("%s closed the connection without answering",
		    where);
		break;
	case CURLE_PARTIAL_FILE:
		*kind = HTTP_ERR_CONNECT;
		msg = xasprintf("%s closed the connection before the whole "
		    "response arrived", where);
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		*kind = HTTP_ERR_CONNECT;
		msg = xasprintf("connection to %s failed (%s)", where, detail);
		break;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		*kind = HTTP_ERR_OTHER;
		msg = xasprintf("%s did not answer in HTTP (%s): check the "
		    "URL's scheme and port", where, detail);
		break;
	case CURLE_BAD_CONTENT_ENCODING:
		*kind = HTTP_ERR_OTHER;
		msg = xasprintf("response from %s could not be decompressed "
		    "(%s)", where, detail);
		break;
	default:
		*kind = HTTP_ERR_OTHER;
		msg = xasprintf("request to %s failed (%s)", where, detail);
		break;
	}
	free(detail);
	free(where);
	return msg;
}

/*
 * Scrub an error sentence of the request's secrets; if a secret too short
 * to be scrubbed is still in it verbatim, replace it by a neutral one.
 */
static char *
http_scrub(struct http_req *req, char *msg)
{
	char	*url = NULL, *where;

	msg = scrub_str(req->scrub, msg);
	if (scrub_has_verbatim(req->scrub, msg)) {
		curl_easy_getinfo(req->easy, CURLINFO_EFFECTIVE_URL, &url);
		where = http_host_port(url);
		http_wipe(msg);
		free(msg);
		msg = xasprintf("request to %s failed (details withheld "
		    "because they contained a credential)", where);
		free(where);
	}
	return msg;
}

/* "scheme://host:port" of url, default port filled in; NULL if invalid. */
static char *
http_origin(const char *url)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL, *port = NULL, *out = NULL;

	if ((u = http_parse(url)) == NULL)
		return NULL;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK)
		out = xasprintf("%s://%s:%s", scheme, host, port);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/*
 * Follow a redirect ourselves, so that nothing secret goes to another
 * origin: curl would send the extra headers (CURLOPT_HTTPHEADER, which
 * may hold API keys) to every redirect target.  Once a redirect leaves the
 * scheme, host and port first asked, the rest of the chain goes without
 * the extra headers and the credentials.  Only http and https, at most
 * HTTP_MAX_REDIRECTS, within the request's whole timeout; a POST becomes
 * a GET on 301, 302 and 303, as curl does.  Returns 0 if the request went
 * on, 1 if the answer is not a redirect to follow, or -1 with *rc the
 * reason it stops.
 */
static int
http_follow(struct http_req *req, long status, CURLcode *rc)
{
	CURL	*easy = req->easy;
	char	*loc = NULL, *next, *origin;
	int64_t	 left;

	if (status != 301 && status != 302 && status != 303 &&
	    status != 307 && status != 308)
		return 1;
	if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &loc) !=
	    CURLE_OK || loc == NULL)
		return 1;
	if (req->redirects >= HTTP_MAX_REDIRECTS) {
		*rc = CURLE_TOO_MANY_REDIRECTS;
		return -1;
	}
	origin = http_origin(loc);
	if (origin == NULL || (strncmp(origin, "http://", 7) != 0 &&
	    strncmp(origin, "https://", 8) != 0)) {
		free(origin);
		*rc = CURLE_UNSUPPORTED_PROTOCOL;
		return -1;
	}
	left = req->timeout_ms - (util_mono_ms() - req->started);
	if (left < 1) {
		free(origin);
		*rc = CURLE_OPERATION_TIMEDOUT;
		return -1;
	}
	next = xstrdup(loc);	/* loc is curl's until the next setopt */
	if (!req->left_origin && (req->origin == NULL ||
	    strcasecmp(origin, req->origin) != 0)) {
		req->left_origin = 1;
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, req->plain_headers);
		curl_easy_setopt(easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_NONE);
		curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, NULL);
		curl_easy_setopt(easy, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(easy, CURLOPT_PASSWORD, NULL);
	}
	free(origin);
	if (req->posting && status != 307 && status != 308) {
		curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
		req->posting = 0;
	}
	curl_easy_setopt(easy, CURLOPT_URL, next);
	http_wipe(next);
	free(next);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)left);
	http_unhold(req);	/* the redirect's own body */
	req->decoded = 0;
	req->encoded = -1;
	req->redirects++;
	if (curl_multi_add_handle(req->http->multi, easy) != CURLM_OK) {
		*rc = CURLE_FAILED_INIT;
		return -1;
	}
	return 0;
}

/* A Retry-After value as milliseconds from now_s; see http.h. */
int64_t
http_retry_after_ms(const char *value, int64_t now_s)
{
	const char	*p, *end;
	char		 copy[128];
	int64_t		 secs = 0, ms;
	uint64_t	 wait_s;
	time_t		 when;
	size_t		 len;

	if (value == NULL)
		return 0;
	while (*value == ' ' || *value == '\t')
		value++;
	end = value + strlen(value);
	while (end > value && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if ((len = (size_t)(end - value)) == 0 || len >= sizeof copy)
		return 0;
	for (p = value; p < end && *p >= '0' && *p <= '9'; p++) {
		if (secs <= HTTP_RETRY_AFTER_CAP_MS / 1000)
			secs = secs * 10 + (*p - '0');
	}
	if (p == end)
		ms = secs * 1000;
	else {
		memcpy(copy, value, len);
		copy[len] = '\0';
		if (http_has_control(copy) ||
		    (when = curl_getdate(copy, NULL)) == -1 ||
		    (int64_t)when <= now_s)
			return 0;
		/* when > now_s: the unsigned difference is exact. */
		wait_s = (uint64_t)when - (uint64_t)now_s;
		ms = wait_s > HTTP_RETRY_AFTER_CAP_MS / 1000 ?
		    HTTP_RETRY_AFTER_CAP_MS : (int64_t)wait_s * 1000;
	}
	return ms > HTTP_RETRY_AFTER_CAP_MS ? HTTP_RETRY_AFTER_CAP_MS : ms;
}

/* The Retry-After of a 429 or 503 answer in milliseconds, or 0. */
static int64_t
http_retry_after(struct http_req *req, long status)
{
#if LIBCURL_VERSION_NUM >= 0x075300
	struct curl_header	*h = NULL;

	if (status != 429 && status != 503)
		return 0;
	if (curl_easy_header(req->easy, "Retry-After", 0, CURLH_HEADER, -1,
	    &h) != CURLHE_OK || h == NULL)
		return 0;
	return http_retry_after_ms(h->value, util_now_ms() / 1000);
#else
	curl_off_t	secs = 0;

	if (status != 429 && status != 503)
		return 0;
	if (curl_easy_getinfo(req->easy, CURLINFO_RETRY_AFTER, &secs) !=
	    CURLE_OK || secs <= 0)
		return 0;
	if (secs > HTTP_RETRY_AFTER_CAP_MS / 1000)
		return HTTP_RETRY_AFTER_CAP_MS;
	return (int64_t)secs * 1000;
#endif
}

/*
 * A transfer is over: follow a redirect, or report it and free it.  What
 * the callback sees is scrubbed of the request's secrets: the error
 * sentence, and the body (whatever its status) when it contains one.
 */
static void
http_finish(struct http_req *req, CURLcode rc)
{
	struct http		*http = req->http;
	struct http_response	 resp;
	char			*error = NULL, *ctype = NULL, *clean = NULL;
	char			 d[32];
	long			 status = 0;

	if (req->queued)
		TAILQ_REMOVE(&http->queue, req, entry);
	else {
		curl_multi_remove_handle(http->multi, req->easy);
		if (rc == CURLE_OK) {
			curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE,
			    &status);
			if (http_follow(req, status, &rc) == 0)
				return;	/* still in flight, on to the next */
		}
		TAILQ_REMOVE(&http->reqs, req, entry);
	}
	http->pending--;

	memset(&resp, 0, sizeof resp);
	resp.body = buf_str(&req->body);
	resp.body_len = req->body.len;
	if (scrub_found(req->scrub, resp.body, resp.body_len)) {
		clean = scrub_text(req->scrub, resp.body, resp.body_len,
		    &resp.body_len);
		resp.body = clean;
	}
	resp.latency_ms = util_mono_ms() - req->started;
	if (rc == CURLE_OK) {
		resp.ok = 1;
		resp.kind = HTTP_OK;
		resp.status = status;
		if (curl_easy_getinfo(req->easy, CURLINFO_CONTENT_TYPE,
		    &ctype) == CURLE_OK)
			resp.content_type = ctype;
		resp.retry_after_ms = http_retry_after(req, resp.status);
	} else if (req->queued) {
		/* Its time ran out before a slot of its group was free. */
		http_format_ms(req->timeout_ms, d, sizeof d);
		error = xasprintf("timed out after %s waiting for a turn to "
		    "ask %s (%s had %u requests running, the most at once): "
		    "it answers too slowly for this many requests; check the "
		    "server, or raise the source's timeout",
		    d, req->where, req->group->name, req->group->running);
		resp.kind = HTTP_ERR_TIMEOUT;
		resp.error = error;
	} else {
		error = http_scrub(req, http_error_text(req, rc, &resp.kind));
		resp.error = error;
	}
	req->done(&resp, req->arg);
	free(error);
	free(clean);
	http_req_free(req);
}

/* Drain curl's finished transfers. */
static void
http_check(struct http *http)
{
	CURLMsg		*msg;
	int		 left;
	struct http_req	*req;
	char		*p;

	while ((msg = curl_multi_info_read(http->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		p = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
		req = (struct http_req *)(void *)p;
		if (req != NULL)
			http_finish(req, msg->data.result);
	}
}

/* Check a request for values that cannot be sent; NULL if fine. */
static char *
http_validate(const struct http_request *r)
{
	const char *const	*h;
	const char		*colon;
	CURLU			*u;
	char			*scheme = NULL, *shown, *msg;
	int			 ok;

	if (r->url == NULL || *r->url == '\0')
		return xstrdup("no URL given: set the server's URL");
	if ((u = http_parse(r->url)) == NULL) {
		if (strchr(r->url, '@') != NULL)
			return xstrdup("the URL is not valid: write it as "
			    "http://host:port/path");
		shown = sanitize_terminal(r->url, 0);
		msg = xasprintf("\"%s\" is not a valid URL: write it as "
		    "http://host:port/path", shown);
		free(shown);
		return msg;
	}
	ok = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
	curl_free(scheme);
	curl_url_cleanup(u);
	if (!ok) {
		msg = http_redact_url(r->url);
		shown = sanitize_terminal(msg, 0);
		free(msg);
		msg = xasprintf("\"%s\" is not an http:// or https:// URL: "
		    "only HTTP and HTTPS are supported", shown);
		free(shown);
		return msg;
	}
	if (r->method != NULL && (*r->method == '\0' ||
	    strcspn(r->method, " \t\r\n:") != strlen(r->method)))
		return xstrdup("the HTTP method is not valid: use GET, POST, "
		    "PUT, PATCH or DELETE");
	for (h = r->headers; h != NULL && *h != NULL; h++) {
		colon = strchr(*h, ':');
		if (colon == NULL || colon == *h || http_has_control(*h))
			return xstrdup("an extra HTTP header is not valid: "
			    "write it as \"Name: value\" on one line");
	}
	if (r->content_type != NULL && http_has_control(r->content_type))
		return xstrdup("the content type contains a control "
		    "character: remove it");
	if (r->accept != NULL && http_has_control(r->accept))
		return xstrdup("the accepted type contains a control "
		    "character: remove it");
	if (r->bearer_token != NULL && http_has_control(r->bearer_token))
		return xstrdup("the bearer token contains a line break or "
		    "control character: check the token (a trailing newline "
		    "in a token file is a common cause)");
	if ((r->username != NULL && http_has_control(r->username)) ||
	    (r->password != NULL && http_has_control(r->password)))
		return xstrdup("the username or password contains a control "
		    "character: check them");
	if (r->tls_server_name != NULL && (*r->tls_server_name == '\0' ||
	    strcspn(r->tls_server_name, " \t\r\n:/@[]") !=
	    strlen(r->tls_server_name)))
		return xstrdup("tls-server-name is not a valid host name: "
		    "check it");
	return NULL;
}

/* Point the request at tls_server_name while connecting to the URL's host. */
static int
http_set_server_name(struct http_req *req, const char *url,
    const char *name, char **cause)
{
	CURLU	*u;
	char	*host = NULL, *port = NULL, *newurl = NULL, *line;
	int	 rc = -1;

	if ((u = http_parse(url)) == NULL)
		return -1;
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK &&
	    curl_url_set(u, CURLUPART_HOST, name, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &newurl, 0) == CURLUE_OK) {
		line = xasprintf("%s:%s:%s:%s", name, port, host, port);
		req->connect_to = curl_slist_append(NULL, line);
		free(line);
		curl_easy_setopt(req->easy, CURLOPT_URL, newurl);
		curl_easy_setopt(req->easy, CURLOPT_CONNECT_TO,
		    req->connect_to);
		rc = 0;
	} else
		*cause = xstrdup("tls-server-name could not be applied to "
		    "the URL: check both");
	curl_free(newurl);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

/* Set a PEM blob option, copied by curl. */
static void
http_set_blob(CURL *easy, CURLoption opt, const char *data, size_t len)
{
	struct curl_blob	 blob;

	blob.data = (void *)(uintptr_t)data;
	blob.len = len != 0 ? len : strlen(data);
	blob.flags = CURL_BLOB_COPY;
	curl_easy_setopt(easy, opt, &blob);
}

/* Configure a new easy handle from the request description. */
static int
http_setup(struct http_req *req, const struct http_request *r, char **cause)
{
	CURL			*easy = req->easy;
	const char *const	*h;
	const char		*value;
	struct curl_slist	*l;
	char			*line;
	size_t			 len;
	CURLU			*u;
	char			*pw = NULL, *user = NULL;

	curl_easy_setopt(easy, CURLOPT_PRIVATE, (char *)req);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, req->errbuf);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_URL, r->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP|CURLPROTO_HTTPS));
	curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP|CURLPROTO_HTTPS));
#endif
	/* Redirects are followed by http_follow(), not by curl. */
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(easy, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "sitrep/" PACKAGE_VERSION);
	curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)req->connect_timeout_ms);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
	if (r->chunk == NULL)
		curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)req->max_body);
	/*
	 * Small reads: curl decodes all of one read before a pause takes
	 * hold, so the read size bounds a wake-up's work (and what curl
	 * keeps while paused) at about a thousand times it.
	 */
	curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, (long)HTTP_READ_BYTES);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, req);

	/*
	 * Credentials in the URL itself are secrets too; without others
	 * they are set as the request's, so that a redirect to the same
	 * origin (whose Location does not repeat them) keeps them.
	 */
	if ((u = http_parse(r->url)) != NULL) {
		if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
			if (curl_url_get(u, CURLUPART_USER, &user, 0) !=
			    CURLUE_OK)
				user = NULL;
			scrub_add_basic(req->scrub, user != NULL ? user : "",
			    pw);
			if ((r->bearer_token == NULL ||
			    *r->bearer_token == '\0') && r->username == NULL) {
				curl_easy_setopt(easy, CURLOPT_HTTPAUTH,
				    (long)CURLAUTH_BASIC);
				curl_easy_setopt(easy, CURLOPT_USERNAME,
				    user != NULL ? user : "");
				curl_easy_setopt(easy, CURLOPT_PASSWORD, pw);
			}
			curl_free(user);
		}
		curl_free(pw);
		curl_url_cleanup(u);
	}
	req->origin = http_origin(r->url);

	/* Method and body; a read's long parameters as a form. */
	req->posting = (r->form != NULL || r->body != NULL) &&
	    (r->method == NULL || strcmp(r->method, "POST") == 0);
	if (r->form != NULL) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(r->form));
		curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, r->form);
		req->plain_headers = curl_slist_append(req->plain_headers,
		    "Content-Type: application/x-www-form-urlencoded");
	} else if (r->body != NULL) {
		len = r->body_len != 0 ? r->body_len : strlen(r->body);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
		curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, r->body);
	}
	if (r->method != NULL) {
		if (strcmp(r->method, "HEAD") == 0)
			curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
		else if (strcmp(r->method, "GET") == 0 && r->body == NULL)
			curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
		else if (strcmp(r->method, "POST") != 0 || r->body == NULL)
			curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST,
			    r->method);
	}

	/*
	 * Headers: the plain ones (content type, accept, no "Expect: 100"),
	 * and all of them with the extra ones, whose values are secrets:
	 * scrubbed from what comes back, and not sent past a redirect to
	 * another origin (http_follow()).
	 */
	if (r->content_type != NULL) {
		line = xasprintf("Content-Type: %s", r->content_type);
		req->plain_headers = curl_slist_append(req->plain_headers,
		    line);
		free(line);
	}
	if (r->accept != NULL) {
		line = xasprintf("Accept: %s", r->accept);
		req->plain_headers = curl_slist_append(req->plain_headers,
		    line);
		free(line);
	}
	req->plain_headers = curl_slist_append(req->plain_headers, "Expect:");
	for (h = r->headers; h != NULL && *h != NULL; h++) {
		req->headers = curl_slist_append(req->headers, *h);
		value = strchr(*h, ':') + 1;
		value += strspn(value, " \t");
		len = strlen(value);
		while (len > 0 && (value[len - 1] == ' ' ||
		    value[len - 1] == '\t'))
			len--;
		line = xstrndup(value, len);
		http_req_secret(req, line);
		http_wipe(line);
		free(line);
	}
	for (l = req->plain_headers; l != NULL; l = l->next)
		req->headers = curl_slist_append(req->headers, l->data);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, req->headers);

	/* Credentials, through curl's auth so redirects cannot leak them. */
	if (r->bearer_token != NULL && *r->bearer_token != '\0') {
		http_req_secret(req, r->bearer_token);
		curl_easy_setopt(easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER,
		    r->bearer_token);
	} else if (r->username != NULL) {
		scrub_add_basic(req->scrub, r->username, r->password);
		curl_easy_setopt(easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(easy, CURLOPT_USERNAME, r->username);
		curl_easy_setopt(easy, CURLOPT_PASSWORD,
		    r->password != NULL ? r->password : "");
	}

	/* TLS. */
	if (r->insecure_skip_verify) {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	}
	if (r->ca_file != NULL)
		curl_easy_setopt(easy, CURLOPT_CAINFO, r->ca_file);
	if (r->ca_data != NULL)
		http_set_blob(easy, CURLOPT_CAINFO_BLOB, r->ca_data,
		    r->ca_data_len);
	if (r->cert_file != NULL)
		curl_easy_setopt(easy, CURLOPT_SSLCERT, r->cert_file);
	if (r->cert_data != NULL)
		http_set_blob(easy, CURLOPT_SSLCERT_BLOB, r->cert_data,
		    r->cert_data_len);
	if (r->key_file != NULL)
		curl_easy_setopt(easy, CURLOPT_SSLKEY, r->key_file);
	if (r->key_data != NULL) {
		http_req_secret(req, r->key_data);
		http_set_blob(easy, CURLOPT_SSLKEY_BLOB, r->key_data,
		    r->key_data_len);
	}
	if (r->tls_server_name != NULL &&
	    http_set_server_name(req, r->url, r->tls_server_name, cause) != 0)
		return -1;

	/* Proxy: explicit, or curl's default of the environment. */
	if (r->proxy != NULL) {
		curl_easy_setopt(easy, CURLOPT_PROXY, r->proxy);
		if ((u = http_parse(r->proxy)) != NULL) {
			pw = NULL;
			if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) ==
			    CURLUE_OK)
				http_req_secret(req, pw);
			curl_free(pw);
			curl_url_cleanup(u);
		}
	}
	return 0;
}

/*
 * Hand a request to curl, taking a slot of its group (a streamed one
 * takes none).  One that waited gets what is left of its timeout.
 */
static int
http_start(struct http *http, struct http_req *req)
{
	int64_t	left;

	if (req->queued) {
		left = req->timeout_ms - (util_mono_ms() - req->started);
		if (left < 1)
			left = 1;
		curl_easy_setopt(req->easy, CURLOPT_TIMEOUT_MS, (long)left);
		if (req->connect_timeout_ms > left)
			curl_easy_setopt(req->easy, CURLOPT_CONNECTTIMEOUT_MS,
			    (long)left);
	}
	if (curl_multi_add_handle(http->multi, req->easy) != CURLM_OK)
		return -1;
	if (req->queued) {
		req->queued = 0;
		req->group->queued--;
	}
	if (req->group != NULL && req->chunk == NULL) {
		req->slot = 1;
		req->group->running++;
	}
	TAILQ_INSERT_TAIL(&http->reqs, req, entry);
	return 0;
}

/*
 * The kick: resume the transfers paused after their slice, then start
 * waiting requests whose group has a free slot, in order.  Runs from a
 * loop timer, never inside curl.
 */
static int64_t
http_kick_fire(void *arg)
{
	struct http		*http = arg;
	struct http_req		*req;
	struct http_group	*g;
	CURLcode		 rc;

	http->kick = NULL;
	http->wake++;
	TAILQ_FOREACH(req, &http->reqs, entry) {
		req->slice_wake = http->wake - 1;	/* a new slice */
		req->resume = req->paused;
	}
	/*
	 * A resume may pause the transfer again (resumed on the next kick)
	 * or finish requests (whose callbacks may cancel others): look
	 * again after each.
	 */
	for (;;) {
		TAILQ_FOREACH(req, &http->reqs, entry) {
			if (req->resume)
				break;
		}
		if (req == NULL)
			break;
		req->resume = req->paused = 0;
		if ((rc = curl_easy_pause(req->easy, CURLPAUSE_CONT)) !=
		    CURLE_OK)
			http_finish(req, rc);
	}
	for (;;) {
		TAILQ_FOREACH(req, &http->queue, entry) {
			g = req->group;
			if (g->running < http->limits.group_inflight)
				break;
		}
		if (req == NULL)
			break;
		TAILQ_REMOVE(&http->queue, req, entry);
		if (http_start(http, req) != 0) {
			/* Out of the queue: it fails as a started one. */
			req->queued = 0;
			req->group->queued--;
			TAILQ_INSERT_HEAD(&http->reqs, req, entry);
			http_finish(req, CURLE_FAILED_INIT);
		}
	}
	http_expire_arm(http);
	http_check(http);
	return -1;
}

/* The expire timer: end the waiting requests whose time ran out. */
static int64_t
http_expire_fire(void *arg)
{
	struct http	*http = arg;
	struct http_req	*req;
	int64_t		 now = util_mono_ms();

	http->expire = NULL;
	/* A callback may cancel others: look again after each. */
	for (;;) {
		TAILQ_FOREACH(req, &http->queue, entry) {
			if (now - req->started >= req->timeout_ms)
				break;
		}
		if (req == NULL)
			break;
		http_finish(req, CURLE_OPERATION_TIMEDOUT);
	}
	http_expire_arm(http);
	return -1;
}

/* Set the expire timer for the first deadline of those waiting. */
static void
http_expire_arm(struct http *http)
{
	struct http_req	*req;
	int64_t		 first = -1, left, now = util_mono_ms();

	TAILQ_FOREACH(req, &http->queue, entry) {
		left = req->started + req->timeout_ms - now;
		if (first == -1 || left < first)
			first = left;
	}
	if (http->expire != NULL) {
		loop_timer_del(http->expire);
		http->expire = NULL;
	}
	if (!TAILQ_EMPTY(&http->queue))
		http->expire = loop_timer_add(http->loop, first > 0 ? first :
		    0, http_expire_fire, http);
}

/* Run the kick on the loop's next turn. */
static void
http_kick(struct http *http)
{
	if (http->kick == NULL)
		http->kick = loop_timer_add(http->loop, 0, http_kick_fire,
		    http);
}

/* Set the client's bounds. */
void
http_set_limits(struct http *http, const struct http_limits *l)
{
	http->limits.total_bytes = l->total_bytes != 0 ? l->total_bytes :
	    HTTP_DEFAULT_TOTAL_BYTES;
	http->limits.group_bytes = l->group_bytes != 0 ? l->group_bytes :
	    HTTP_DEFAULT_GROUP_BYTES;
	http->limits.group_inflight = l->group_inflight != 0 ?
	    l->group_inflight : HTTP_DEFAULT_GROUP_INFLIGHT;
	http->limits.max_ratio = l->max_ratio != 0 ? l->max_ratio :
	    HTTP_DEFAULT_MAX_RATIO;
}

/* Start a request. */
int
http_submit(struct http *http, const struct http_request *r,
    http_done_cb done, void *arg, char **cause)
{
	struct http_req	*req;
	char		*why;

	if ((why = http_validate(r)) != NULL) {
		*cause = why;
		return -1;
	}
	req = xcalloc(1, sizeof *req);
	req->http = http;
	req->done = done;
	req->arg = arg;
	req->chunk = r->chunk;
	req->chunk_arg = r->chunk_arg;
	req->max_body = r->max_body != 0 ? r->max_body :
	    HTTP_DEFAULT_MAX_BODY;
	req->connect_timeout_ms = r->connect_timeout_ms > 0 ?
	    r->connect_timeout_ms : HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
	req->timeout_ms = r->timeout_ms > 0 ? r->timeout_ms :
	    HTTP_DEFAULT_TIMEOUT_MS;
	buf_init(&req->body, req->max_body);
	req->scrub = scrub_new();

	if ((req->easy = curl_easy_init()) == NULL) {
		*cause = xstrdup("could not start an HTTP request (out of "
		    "resources): try again");
		http_req_free(req);
		return -1;
	}
	if (http_setup(req, r, cause) != 0) {
		http_req_free(req);
		return -1;
	}
	if (http->next_id == 0x7fffffff)
		http->next_id = 0;
	req->id = ++http->next_id;
	req->started = util_mono_ms();
	req->encoded = -1;
	if ((req->group = http_group_get(http, r->group)) != NULL)
		req->group->refs++;
	/* In order: behind those of its group already waiting. */
	if (req->group != NULL && req->chunk == NULL &&
	    (req->group->queued > 0 ||
	    req->group->running >= http->limits.group_inflight)) {
		req->queued = 1;
		req->group->queued++;
		req->where = http_host_port(r->url);
		TAILQ_INSERT_TAIL(&http->queue, req, entry);
		http_expire_arm(http);
	} else if (http_start(http, req) != 0) {
		*cause = xstrdup("could not start an HTTP request (curl "
		    "refused it): try again");
		http_req_free(req);
		return -1;
	}
	http->pending++;
	return req->id;
}

/* Abort a request without calling back. */
int
http_cancel(struct http *http, int id)
{
	struct http_req	*req;

	TAILQ_FOREACH(req, &http->reqs, entry) {
		if (req->id == id)
			break;
	}
	if (req != NULL) {
		TAILQ_REMOVE(&http->reqs, req, entry);
		curl_multi_remove_handle(http->multi, req->easy);
	} else {
		TAILQ_FOREACH(req, &http->queue, entry) {
			if (req->id == id)
				break;
		}
		if (req == NULL)
			return -1;
		TAILQ_REMOVE(&http->queue, req, entry);
	}
	http->pending--;
	http_req_free(req);
	http_expire_arm(http);
	return 0;
}

/* Requests in flight. */
unsigned int
http_pending(struct http *http)
{
	return http->pending;
}

/* ------------------------------------------------------------------------ */
/* Lifecycle. */

/* Create a client on loop. */
struct http *
http_new(struct loop *loop)
{
	static int	 global_done;
	struct http	*http;

	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			errno = ENOMEM;
			return NULL;
		}
		global_done = 1;
	}
	http = xcalloc(1, sizeof *http);
	http->loop = loop;
	TAILQ_INIT(&http->reqs);
	TAILQ_INIT(&http->queue);
	TAILQ_INIT(&http->socks);
	TAILQ_INIT(&http->groups);
	http_set_limits(http, &http->limits);	/* zeros: the defaults */
	if ((http->multi = curl_multi_init()) == NULL) {
		free(http);
		errno = ENOMEM;
		return NULL;
	}
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETDATA, http);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERDATA, http);
	return http;
}

/* Cancel everything (calling back with HTTP_ERR_CANCELLED) and free. */
void
http_free(struct http *http)
{
	struct http_req		*req;
	struct http_sock	*sock;
	struct http_group	*g;
	struct http_response	 resp;

	if (http == NULL)
		return;
	/* Those waiting first, so no slot that frees starts one. */
	while ((req = TAILQ_LAST(&http->queue, http_reqs)) != NULL ||
	    (req = TAILQ_FIRST(&http->reqs)) != NULL) {
		if (req->queued)
			TAILQ_REMOVE(&http->queue, req, entry);
		else {
			TAILQ_REMOVE(&http->reqs, req, entry);
			curl_multi_remove_handle(http->multi, req->easy);
		}
		http->pending--;
		memset(&resp, 0, sizeof resp);
		resp.body = "";
		resp.kind = HTTP_ERR_CANCELLED;
		resp.error = "request cancelled because sitrep is shutting "
		    "down";
		resp.latency_ms = util_mono_ms() - req->started;
		req->done(&resp, req->arg);
		http_req_free(req);
	}
	/* From here on curl's calls back are not wanted. */
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETFUNCTION, NULL);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERFUNCTION, NULL);
	curl_multi_cleanup(http->multi);
	while ((sock = TAILQ_FIRST(&http->socks)) != NULL) {
		TAILQ_REMOVE(&http->socks, sock, entry);
		loop_fd_del(sock->watch);
		free(sock);
	}
	loop_timer_del(http->timer);
	loop_timer_del(http->kick);
	loop_timer_del(http->expire);
	while ((g = TAILQ_FIRST(&http->groups)) != NULL) {
		TAILQ_REMOVE(&http->groups, g, entry);
		free(g->name);
		free(g);
	}
	free(http);
}
