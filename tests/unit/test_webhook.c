/*
 * test_webhook.c: the loopback receiver of Alertmanager's webhook.
 *
 * Loopback only; a notification's alerts reach the callback with their
 * status and labels; hostile requests are answered and dropped: no
 * Content-Length (411), over the limit (413), not a POST (405), a body
 * that is not JSON or not the webhook's shape (200, nothing delivered),
 * a connection closed half-way (nothing delivered, nothing leaked),
 * headers past their limit (431), a connection that never finishes its
 * request (408 after the timeout).  The request reader, fed a request in
 * every split, reads it as it reads it whole and never searches a byte
 * twice for the end of the headers.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/webhook.h"
#include "base/json.h"
#include "base/xmalloc.h"
#include "core/loop.h"

/* What the callback saw. */
struct seen {
	int	n;
	char	last_status[32];
	char	last_run[64];
};

static void
on_alert(const char *status, const cJSON *labels, void *arg)
{
	struct seen	*s = arg;
	const char	*run;

	s->n++;
	snprintf(s->last_status, sizeof s->last_status, "%s", status);
	run = json_strval(cJSON_GetObjectItemCaseSensitive(labels,
	    "drill_run"));
	snprintf(s->last_run, sizeof s->last_run, "%s", run != NULL ? run :
	    "");
}

/* Connect to the receiver at "127.0.0.1:PORT"; -1 on failure. */
static int
dial(const struct webhook *w)
{
	struct sockaddr_in	 sin;
	const char		*colon = strrchr(webhook_address(w), ':');
	int			 fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Send req (len bytes; close the writing side when half is set) and run
 * the loop until the answer comes; the status line's code, or 0 when the
 * connection closed with none.
 */
static int
exchange(struct loop *loop, const struct webhook *w, const char *req,
    size_t len, int half)
{
	char	resp[256];
	ssize_t	n;
	size_t	off = 0;
	int	fd, i, code = 0;

	if ((fd = dial(w)) == -1)
		return -1;
	while (off < len) {
		/* The receiver may answer and close before all is sent. */
		n = send(fd, req + off, len - off > 65536 ? 65536 :
		    len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
		loop_run_once(loop, 0);
	}
	if (half)
		shutdown(fd, SHUT_WR);
	for (i = 0; i < 100; i++) {
		loop_run_once(loop, 20);
		n = recv(fd, resp, sizeof resp - 1, MSG_DONTWAIT);
		if (n > 0) {
			resp[n] = '\0';
			if (sscanf(resp, "HTTP/1.1 %d", &code) != 1)
				code = -2;
			break;
		}
		if (n == 0)
			break;
	}
	close(fd);
	return code;
}

/* A request with body: POST and its Content-Length. */
static char *
post(const char *body)
{
	return xasprintf("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n\r\n%s", strlen(body),
	    body);
}

static void
test_loopback_only(void)
{
	struct loop	*loop = loop_new();
	struct webhook	*w;
	struct seen	 s;
	char		*cause = NULL;
	static const char *const bad[] = { "192.0.2.1:9099", "0.0.0.0:9099",
	    "[2001:db8::1]:9099", "example.org:9099", "127.0.0.1", "127.0.0.1:",
	    "127.0.0.1:70000", "127.0.0.1:x", ":9099", NULL };
	size_t		 i;

	memset(&s, 0, sizeof s);
	for (i = 0; bad[i] != NULL; i++) {
		w = webhook_listen(loop, bad[i], on_alert, &s, &cause);
		CHECK(w == NULL);
		CHECK(cause != NULL);
		webhook_free(w);
		free(cause);
		cause = NULL;
	}
	w = webhook_listen(loop, "127.0.0.1:0", on_alert, &s, &cause);
	CHECK(w != NULL);
	if (w != NULL)
		CHECK(strncmp(webhook_address(w), "127.0.0.1:", 10) == 0 &&
		    strcmp(webhook_address(w), "127.0.0.1:0") != 0);
	webhook_free(w);
	free(cause);
	loop_free(loop);
}

static void
test_delivers(void)
{
	struct loop	*loop = loop_new();
	struct webhook	*w;
	struct seen	 s;
	char		*cause = NULL, *req;

	memset(&s, 0, sizeof s);
	w = webhook_listen(loop, "localhost:0", on_alert, &s, &cause);
	CHECK(w != NULL);
	if (w == NULL) {
		free(cause);
		loop_free(loop);
		return;
	}
	req = post("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":["
	    "{\"status\":\"firing\",\"labels\":{\"alertname\":"
	    "\"SitrepLiveFire\",\"drill\":\"true\",\"drill_run\":\"abc1\"}},"
	    "{\"status\":\"resolved\",\"labels\":{\"drill_run\":\"abc2\"}},"
	    "{\"status\":\"firing\",\"labels\":\"not an object\"},"
	    "7]}");
	CHECK_INT(exchange(loop, w, req, strlen(req), 0), 200);
	CHECK_INT(s.n, 2);
	CHECK_STR(s.last_status, "resolved");
	CHECK_STR(s.last_run, "abc2");
	CHECK_INT((int)webhook_requests(w), 1);
	free(req);
	webhook_free(w);
	loop_free(loop);
}

static void
test_hostile(void)
{
	struct loop	*loop = loop_new();
	struct webhook	*w;
	struct seen	 s;
	char		*cause = NULL, *req, *body;
	static const char no_len[] = "POST / HTTP/1.1\r\nHost: x\r\n\r\n{}";
	static const char get[] = "GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
	static const char cut[] = "POST / HTTP/1.1\r\nContent-Length: 100\r\n"
	    "\r\n{\"alerts\":[";

	memset(&s, 0, sizeof s);
	w = webhook_listen(loop, "127.0.0.1:0", on_alert, &s, &cause);
	CHECK(w != NULL);
	if (w == NULL) {
		free(cause);
		loop_free(loop);
		return;
	}
	CHECK_INT(exchange(loop, w, no_len, sizeof no_len - 1, 0), 411);
	CHECK_INT(exchange(loop, w, get, sizeof get - 1, 0), 405);
	/* Announced past the limit: refused before it is read. */
	req = xasprintf("POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n{",
	    WEBHOOK_MAX_BODY + 1);
	CHECK_INT(exchange(loop, w, req, strlen(req), 0), 413);
	free(req);
	/* Headers that never end: refused once past their limit. */
	body = xmalloc(WEBHOOK_MAX_BODY + 40000);
	memset(body, ' ', WEBHOOK_MAX_BODY + 40000);
	memcpy(body, "POST / HTTP/1.1\r\nX: ", 20);
	CHECK_INT(exchange(loop, w, body, WEBHOOK_MAX_BODY + 40000, 0), 431);
	free(body);
	/* Not JSON, or not the shape: answered, nothing delivered. */
	req = post("{\"alerts\": 5");
	CHECK_INT(exchange(loop, w, req, strlen(req), 0), 200);
	free(req);
	req = post("[1, 2, 3]");
	CHECK_INT(exchange(loop, w, req, strlen(req), 0), 200);
	free(req);
	/* Closed half-way: dropped without an answer. */
	CHECK_INT(exchange(loop, w, cut, sizeof cut - 1, 1), 0);
	CHECK_INT(s.n, 0);
	webhook_free(w);
	loop_free(loop);
}

/* A connection that sends part of a request and waits is answered 408. */
static void
test_timeout(void)
{
	struct loop	*loop = loop_new();
	struct webhook	*w;
	struct seen	 s;
	char		*cause = NULL, *req;
	static const char part[] = "POST / HTTP/1.1\r\nContent-Length: 9\r\n";

	memset(&s, 0, sizeof s);
	w = webhook_listen(loop, "127.0.0.1:0", on_alert, &s, &cause);
	CHECK(w != NULL);
	if (w == NULL) {
		free(cause);
		loop_free(loop);
		return;
	}
	webhook_set_timeout(w, 300);
	CHECK_INT(exchange(loop, w, part, sizeof part - 1, 0), 408);
	/* The slot it held is free: the next request is read. */
	req = post("{\"alerts\":[{\"labels\":{}}]}");
	CHECK_INT(exchange(loop, w, req, strlen(req), 0), 200);
	CHECK_INT(s.n, 1);
	CHECK_STR(s.last_status, "");
	free(req);
	webhook_free(w);
	loop_free(loop);
}

/*
 * webhook_request_status() on every split of a request reads it as it
 * reads it whole; what it searched for the headers' end is never
 * searched again (beyond the 3 bytes an ending may straddle).
 */
static void
test_request_splits(void)
{
	static const char *const reqs[] = {
	    "POST /hook HTTP/1.1\r\nHost: x\r\ncontent-length:  5\r\n\r\n"
	    "{\"a\":1}",
	    "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
	    "GET / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
	    "POST / HTTP/1.1\r\nHost: x\r\n\r\n{}",
	    "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length: -4\r\n\r\n",
	    "POST / HTTP/1.1\r\nX-Content-Length: 4\r\n\r\nabcd",
	    "POST / HTTP/1.1\r\n\r\r\n\r\nContent-Length: 1\r\n\r\nx",
	    NULL };
	static const int want[] = { 200, 200, 405, 411, 411, 411, 411, 411 };
	size_t	i, k, len, cut, scanned, prev, body, blen, b1, l1;
	int	whole, st, ok;

	for (i = 0; reqs[i] != NULL; i++) {
		len = strlen(reqs[i]);
		scanned = 0;
		whole = webhook_request_status(reqs[i], len, &scanned, &b1,
		    &l1);
		CHECK_INT(whole, want[i]);
		ok = 1;
		for (cut = 1; cut < len; cut++) {
			/* The first cut bytes, then one more at a time. */
			scanned = 0;
			k = cut;
			st = webhook_request_status(reqs[i], k, &scanned,
			    &body, &blen);
			while (st == 0 && k < len) {
				prev = scanned;
				st = webhook_request_status(reqs[i], ++k,
				    &scanned, &body, &blen);
				if (scanned + 3 < prev || scanned > k)
					ok = 0;
			}
			if (st != whole || (st == 200 && (body != b1 ||
			    blen != l1)))
				ok = 0;
		}
		CHECK(ok);
	}
	/* The body of the first: its five bytes after the headers. */
	scanned = 0;
	CHECK_INT(webhook_request_status(reqs[0], strlen(reqs[0]), &scanned,
	    &body, &blen), 200);
	CHECK_INT((int)blen, 5);
	CHECK(strncmp(reqs[0] + body, "{\"a\":", 5) == 0);
}

/* webhook_body_alerts() hands over only alerts with a labels object. */
static void
test_body_alerts(void)
{
	struct seen	 s;
	static const char *const bodies[] = { "", "null", "{\"alerts\":{"
	    "\"labels\":{}}}", "{\"alerts\":[null,1,\"x\",{\"labels\":[]}]}",
	    "{\"alerts\":[{\"status\":7,\"labels\":{\"drill_run\":\"r\"}}]}",
	    NULL };
	static const size_t want[] = { 0, 0, 0, 0, 1 };
	size_t		 i;

	for (i = 0; bodies[i] != NULL; i++) {
		memset(&s, 0, sizeof s);
		CHECK_INT((int)webhook_body_alerts(bodies[i],
		    strlen(bodies[i]), on_alert, &s), (int)want[i]);
		CHECK_INT(s.n, (int)want[i]);
	}
	CHECK_STR(s.last_status, "");
	CHECK_STR(s.last_run, "r");
}

static const struct test tests[] = {
	TEST(test_timeout),
	TEST(test_request_splits),
	TEST(test_body_alerts),
	TEST(test_loopback_only),
	TEST(test_delivers),
	TEST(test_hostile),
	{ NULL, NULL }
};

/* Run the tests. */
int
main(void)
{
	return harness_run(tests);
}
