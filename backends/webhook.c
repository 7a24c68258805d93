/*
 * webhook.c: a loopback receiver for Alertmanager's webhook; see
 * webhook.h.
 *
 * One listening socket and up to WEBHOOK_MAX_CLIENTS connections, all
 * non-blocking on the caller's loop.  A connection is read until its
 * headers and the Content-Length they announce are in (never past
 * WEBHOOK_MAX_HEADERS and WEBHOOK_MAX_BODY, nor WEBHOOK_TIMEOUT_MS),
 * answered once, and closed: Alertmanager opens a connection per
 * notification or keeps one alive, and either works with "Connection:
 * close".  A request trickling in a byte at a time costs each byte once:
 * the search for the end of its headers resumes where it stopped.  The
 * body is parsed defensively (cJSON on a bounded copy); what reaches the
 * callback is the status and labels of each alert, never the raw
 * request.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backends/webhook.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/loop.h"

/* One connection being read. */
struct wh_client {
	struct webhook		*w;
	int			 fd;
	struct loop_fd		*watch;
	struct loop_timer	*timer;
	struct buf		 in;
	size_t			 scanned;	/* of in, for the headers' end */
	struct wh_client	*next;
};

struct webhook {
	struct loop		*loop;
	int			 fd;
	struct loop_fd		*watch;
	char			*address;
	webhook_alert_cb	 cb;
	void			*arg;
	struct wh_client	*clients;
	size_t			 nclients;
	int64_t			 timeout_ms;
	unsigned		 requests;
};

/* Make fd non-blocking and close-on-exec; -1 on failure. */
static int
wh_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

/*
 * Parse addr into *ss: a loopback host (127.0.0.0/8, localhost, [::1])
 * and a port.  0, or -1 and *cause.
 */
static int
wh_parse(const char *addr, struct sockaddr_storage *ss, socklen_t *len,
    char **cause)
{
	struct sockaddr_in	*in4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)(void *)ss;
	const char		*colon, *ps;
	char			 host[64];
	size_t			 hl;
	int64_t			 port;

	memset(ss, 0, sizeof *ss);
	if (addr[0] == '[') {
		if ((colon = strstr(addr, "]:")) == NULL)
			goto bad;
		hl = (size_t)(colon - addr - 1);
		ps = colon + 2;
		if (hl >= sizeof host)
			goto bad;
		memcpy(host, addr + 1, hl);
	} else {
		if ((colon = strrchr(addr, ':')) == NULL)
			goto bad;
		hl = (size_t)(colon - addr);
		ps = colon + 1;
		if (hl >= sizeof host)
			goto bad;
		memcpy(host, addr, hl);
	}
	host[hl] = '\0';
	if (util_parse_int64(ps, &port) != 0 || port < 0 || port > 65535)
		goto bad;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127)
			goto not_loopback;
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof *in4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			goto not_loopback;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof *in6;
		return 0;
	}
not_loopback:
	*cause = xasprintf("the webhook receiver listens on this machine "
	    "only: give a loopback address, such as 127.0.0.1:%lld",
	    (long long)port);
	return -1;
bad:
	*cause = xstrdup("give the receiver's address as HOST:PORT on "
	    "loopback, such as 127.0.0.1:9099");
	return -1;
}

/* Close and forget a connection. */
static void
wh_client_free(struct wh_client *c)
{
	struct wh_client	**p;

	for (p = &c->w->clients; *p != NULL; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			c->w->nclients--;
			break;
		}
	}
	loop_fd_del(c->watch);
	if (c->timer != NULL)
		loop_timer_del(c->timer);
	close(c->fd);
	buf_done(&c->in);
	free(c);
}

static const char	*wh_reason(int);

/* Answer status and close (the answer is small: one write is enough). */
static void
wh_answer(struct wh_client *c, int status)
{
	char	resp[160];
	int	n;
	ssize_t	w;

	n = snprintf(resp, sizeof resp, "HTTP/1.1 %d %s\r\nContent-Length: 0"
	    "\r\nConnection: close\r\n\r\n", status, wh_reason(status));
	if (n > 0) {
		w = write(c->fd, resp, (size_t)n);
		(void)w;
	}
	wh_client_free(c);
}

/*
 * The Content-Length of the headers in [h, end), or -1 when there is
 * none or it is not a number.
 */
static int64_t
wh_content_length(const char *h, const char *end)
{
	static const char	 name[] = "\r\ncontent-length:";
	const char		*p, *e;
	char			 num[24];
	size_t			 n;
	int64_t			 v;

	for (p = h; p + sizeof name - 1 < end; p++) {
		if (strncasecmp(p, name, sizeof name - 1) != 0)
			continue;
		p += sizeof name - 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		for (e = p; e < end && *e >= '0' && *e <= '9'; e++)
			;
		n = (size_t)(e - p);
		if (n == 0 || n >= sizeof num)
			return -1;
		memcpy(num, p, n);
		num[n] = '\0';
		return util_parse_int64(num, &v) == 0 ? v : -1;
	}
	return -1;
}

int
webhook_request_status(const char *data, size_t len, size_t *scanned,
    size_t *body, size_t *body_len)
{
	size_t	i, hlen;
	int64_t	clen;

	/* The headers end at the first "\r\n\r\n"; resume where the last
	 * search stopped (three bytes back: the ending may straddle). */
	for (i = *scanned > 3 ? *scanned - 3 : 0; i + 4 <= len; i++) {
		if (memcmp(data + i, "\r\n\r\n", 4) == 0)
			break;
	}
	if (i + 4 > len) {
		*scanned = len;
		return len > WEBHOOK_MAX_HEADERS ? 431 : 0;
	}
	*scanned = i;
	hlen = i + 4;
	if (hlen > WEBHOOK_MAX_HEADERS)
		return 431;
	clen = wh_content_length(data, data + i + 2);
	if (clen < 0)
		return 411;
	if ((uint64_t)clen > WEBHOOK_MAX_BODY)
		return 413;
	if (len - hlen < (size_t)clen)
		return 0;
	if (strncmp(data, "POST ", 5) != 0)
		return 405;
	*body = hlen;
	*body_len = (size_t)clen;
	return 200;
}

size_t
webhook_body_alerts(const char *body, size_t len, webhook_alert_cb cb,
    void *arg)
{
	const cJSON	*alerts, *a, *labels;
	const char	*status;
	cJSON		*root;
	size_t		 n = 0;

	if ((root = cJSON_ParseWithLength(body, len)) == NULL)
		return 0;
	alerts = cJSON_GetObjectItemCaseSensitive(root, "alerts");
	if (!cJSON_IsArray(alerts))
		alerts = NULL;
	cJSON_ArrayForEach(a, alerts) {
		labels = cJSON_GetObjectItemCaseSensitive(a, "labels");
		status = json_strval(cJSON_GetObjectItemCaseSensitive(a,
		    "status"));
		if (cJSON_IsObject(labels)) {
			cb(status != NULL ? status : "", labels, arg);
			n++;
		}
	}
	cJSON_Delete(root);
	return n;
}

/* The words of each status the receiver answers. */
static const char *
wh_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 411:
		return "Length Required";
	case 413:
		return "Payload Too Large";
	default:
		return "Request Header Fields Too Large";
	}
}

/* A connection has data: read it; once whole, deliver and answer. */
static void
wh_on_client(int fd, int revents, void *arg)
{
	struct wh_client	*c = arg;
	struct webhook		*w = c->w;
	char			 chunk[16384];
	ssize_t			 n;
	size_t			 body = 0, body_len = 0;
	int			 eof = 0, status;

	(void)revents;
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n > 0) {
			if (buf_append(&c->in, chunk, (size_t)n) != 0) {
				wh_answer(c, 413);
				return;
			}
			continue;
		}
		if (n == 0)
			eof = 1;
		else if (errno == EINTR)
			continue;
		else if (errno != EAGAIN && errno != EWOULDBLOCK)
			eof = 1;
		break;
	}
	status = c->in.len > 0 ? webhook_request_status(c->in.data,
	    c->in.len, &c->scanned, &body, &body_len) : 0;
	if (status == 0) {
		/* A request cut short by its sender is not answered. */
		if (eof)
			wh_client_free(c);
		return;
	}
	if (status == 200) {
		w->requests++;
		webhook_body_alerts(c->in.data + body, body_len, w->cb,
		    w->arg);
	}
	wh_answer(c, status);
}

/* A connection's time is up before its request was whole. */
static int64_t
wh_on_timeout(void *arg)
{
	struct wh_client	*c = arg;

	c->timer = NULL;
	wh_answer(c, 408);
	return -1;
}

/* The listener is readable: take the connections waiting. */
static void
wh_on_accept(int fd, int revents, void *arg)
{
	struct webhook		*w = arg;
	struct wh_client	*c;
	int			 cfd;

	(void)revents;
	while (w->nclients < WEBHOOK_MAX_CLIENTS &&
	    (cfd = accept(fd, NULL, NULL)) != -1) {
		if (wh_nonblock(cfd) != 0) {
			close(cfd);
			continue;
		}
		c = xcalloc(1, sizeof *c);
		c->w = w;
		c->fd = cfd;
		buf_init(&c->in, WEBHOOK_MAX_HEADERS + WEBHOOK_MAX_BODY);
		c->watch = loop_fd_add(w->loop, cfd, LOOP_READ, wh_on_client,
		    c);
		c->timer = loop_timer_add(w->loop, w->timeout_ms,
		    wh_on_timeout, c);
		c->next = w->clients;
		w->clients = c;
		w->nclients++;
	}
}

/* "HOST:PORT" as bound (port 0 asks for any free one), else addr. */
static char *
wh_bound(int fd, const char *addr)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 host[INET6_ADDRSTRLEN];
	const void		*a;
	int			 port, v6;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return xstrdup(addr);
	v6 = ss.ss_family == AF_INET6;
	a = v6 ? (const void *)&((struct sockaddr_in6 *)(void *)&ss)->sin6_addr :
	    (const void *)&((struct sockaddr_in *)(void *)&ss)->sin_addr;
	port = ntohs(v6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port :
	    ((struct sockaddr_in *)(void *)&ss)->sin_port);
	if (inet_ntop(ss.ss_family, a, host, sizeof host) == NULL)
		return xstrdup(addr);
	return xasprintf(v6 ? "[%s]:%d" : "%s:%d", host, port);
}

/* Listen; see webhook.h. */
struct webhook *
webhook_listen(struct loop *loop, const char *addr, webhook_alert_cb cb,
    void *arg, char **cause)
{
	struct sockaddr_storage	 ss;
	struct webhook		*w;
	socklen_t		 len = 0;
	int			 fd, one = 1;

	if (wh_parse(addr, &ss, &len, cause) != 0)
		return NULL;
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1) {
		*cause = xasprintf("cannot make a socket for the webhook "
		    "receiver: %s", strerror(errno));
		return NULL;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (wh_nonblock(fd) != 0 || bind(fd, (struct sockaddr *)&ss, len) !=
	    0 || listen(fd, WEBHOOK_MAX_CLIENTS) != 0) {
		*cause = xasprintf("cannot listen on %s for the webhook: %s; "
		    "is the port free?", addr, strerror(errno));
		close(fd);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->loop = loop;
	w->fd = fd;
	w->cb = cb;
	w->timeout_ms = WEBHOOK_TIMEOUT_MS;
	w->arg = arg;
	w->address = wh_bound(fd, addr);
	w->watch = loop_fd_add(loop, fd, LOOP_READ, wh_on_accept, w);
	return w;
}

/* Close everything; see webhook.h. */
void
webhook_free(struct webhook *w)
{
	if (w == NULL)
		return;
	while (w->clients != NULL)
		wh_client_free(w->clients);
	loop_fd_del(w->watch);
	close(w->fd);
	free(w->address);
	free(w);
}

/* The address listened on; see webhook.h. */
const char *
webhook_address(const struct webhook *w)
{
	return w->address;
}

/* The time a connection has; see webhook.h. */
void
webhook_set_timeout(struct webhook *w, int64_t ms)
{
	w->timeout_ms = ms > 0 ? ms : WEBHOOK_TIMEOUT_MS;
}

/* Notifications read; see webhook.h. */
unsigned
webhook_requests(const struct webhook *w)
{
	return w->requests;
}
