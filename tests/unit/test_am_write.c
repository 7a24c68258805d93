/*
 * test_am_write.c: silences written to Alertmanager (backends/am_write.c)
 * and the runtime's gate (backends/runtime.c).
 *
 * Members are fake Alertmanagers served in this process from the same
 * event loop: each answers POST /api/v2/silences, DELETE and GET
 * /api/v2/silence/{id} with what the test sets, and counts what it was
 * asked.  The real-server behaviour (gossip, amtool) is checked by
 * tests/integration/silence_real.sh; here every answer can be chosen:
 * which member takes a write, that a 4xx is never tried elsewhere, how
 * each status maps to a result, that an unconfirmed member is named,
 * that credentials are sent and never shown, that cancel calls nobody
 * back, and that a read-only runtime has no gate to write with.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/am_write.h"
#include "backends/http.h"
#include "backends/runtime.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/silence.h"

/* ------------------------------------------------------------------ */
/* A fake Alertmanager on the loop                                     */
/* ------------------------------------------------------------------ */

struct fake {
	struct loop	*loop;
	int		 lfd;
	int		 port;
	struct loop_fd	*w;
	/* Answers; a NULL body is "{}". */
	int		 post_status;
	const char	*post_body;
	int		 delete_status;
	const char	*delete_body;
	int		 get_status;
	char		 get_body[512];
	int		 hang;		/* read requests, never answer */
	int		 alert_status;	/* POST /api/v2/alerts */
	int		 nalerts;
	/* What it was asked. */
	int		 nposts;
	int		 ndeletes;
	int		 ngets;
	char		*last_body;
	char		*last_auth;
};

struct fake_conn {
	struct fake	*f;
	int		 fd;
	struct loop_fd	*w;
	struct buf	 in;
};

static struct loop	*loop;
static struct http	*http;

/* Answer one complete request on c. */
static void
fake_answer(struct fake_conn *c, const char *req, const char *body)
{
	struct fake	*f = c->f;
	const char	*auth, *out = "{}";
	char		*resp, *eol;
	int		 status = 200;
	ssize_t		 n;

	auth = strstr(req, "\r\nAuthorization: ");
	if (auth != NULL) {
		auth += 17;
		eol = strstr(auth, "\r\n");
		free(f->last_auth);
		f->last_auth = xstrndup(auth, (size_t)(eol - auth));
	}
	if (strncmp(req, "POST /api/v2/silences ", 22) == 0) {
		f->nposts++;
		free(f->last_body);
		f->last_body = xstrdup(body);
		status = f->post_status;
		out = f->post_body;
	} else if (strncmp(req, "POST /api/v2/alerts ", 20) == 0) {
		f->nalerts++;
		free(f->last_body);
		f->last_body = xstrdup(body);
		status = f->alert_status;
		out = status == 200 ? "" : "\"bad alert\"";
	} else if (strncmp(req, "DELETE /api/v2/silence/", 23) == 0) {
		f->ndeletes++;
		status = f->delete_status;
		out = f->delete_body;
	} else if (strncmp(req, "GET /api/v2/silence/", 20) == 0) {
		f->ngets++;
		status = f->get_status;
		out = f->get_body;
	} else
		status = 404;
	if (out == NULL)
		out = "{}";
	resp = xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", status,
	    strlen(out), out);
	n = write(c->fd, resp, strlen(resp));
	(void)n;
	free(resp);
}

/* Data on a connection: answer once the request is whole. */
static void
fake_read(int fd, int revents, void *arg)
{
	struct fake_conn	*c = arg;
	char			 tmp[4096];
	const char		*end, *cl;
	ssize_t			 n;
	size_t			 want = 0;
	int64_t			 v;

	(void)revents;
	n = read(fd, tmp, sizeof tmp);
	if (n > 0) {
		buf_append(&c->in, tmp, (size_t)n);
		end = strstr(buf_str(&c->in), "\r\n\r\n");
		if (end == NULL)
			return;
		cl = strstr(buf_str(&c->in), "\r\nContent-Length: ");
		if (cl != NULL && cl < end) {
			char	num[32];
			size_t	k = 0;

			cl += 18;
			while (k < sizeof num - 1 && cl[k] >= '0' &&
			    cl[k] <= '9') {
				num[k] = cl[k];
				k++;
			}
			num[k] = '\0';
			if (util_parse_int64(num, &v) == 0)
				want = (size_t)v;
		}
		if (c->in.len < (size_t)(end + 4 - buf_str(&c->in)) + want)
			return;
		if (c->f->hang)
			return;
		fake_answer(c, buf_str(&c->in), end + 4);
	} else if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	loop_fd_del(c->w);
	close(c->fd);
	buf_done(&c->in);
	free(c);
}

/* A new connection. */
static void
fake_accept(int fd, int revents, void *arg)
{
	struct fake		*f = arg;
	struct fake_conn	*c;
	int			 cfd;

	(void)revents;
	if ((cfd = accept(fd, NULL, NULL)) == -1)
		return;
	fcntl(cfd, F_SETFL, O_NONBLOCK);
	c = xcalloc(1, sizeof *c);
	c->f = f;
	c->fd = cfd;
	buf_init(&c->in, 1024 * 1024);
	c->w = loop_fd_add(f->loop, cfd, LOOP_READ, fake_read, c);
}

/* Listen on a loopback port the kernel picks. */
static void
fake_start(struct fake *f)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof sa;
	int			one = 1;

	memset(f, 0, sizeof *f);
	f->loop = loop;
	f->post_status = 200;
	f->alert_status = 200;
	f->delete_status = 200;
	f->get_status = 404;
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(f->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(f->lfd, 16) != 0 ||
	    getsockname(f->lfd, (struct sockaddr *)&sa, &len) != 0) {
		printf("Bail out! cannot listen on loopback: %s\n",
		    strerror(errno));
		exit(1);
	}
	fcntl(f->lfd, F_SETFL, O_NONBLOCK);
	f->port = ntohs(sa.sin_port);
	f->w = loop_fd_add(loop, f->lfd, LOOP_READ, fake_accept, f);
}

/* Serve from another loop (a runtime's). */
static void
fake_move(struct fake *f, struct loop *to)
{
	if (f->w != NULL)
		loop_fd_del(f->w);
	f->loop = to;
	f->w = loop_fd_add(to, f->lfd, LOOP_READ, fake_accept, f);
}

/* Stop listening (connections already open finish on their own). */
static void
fake_stop(struct fake *f)
{
	if (f->w != NULL)
		loop_fd_del(f->w);
	f->w = NULL;
	close(f->lfd);
	free(f->last_body);
	free(f->last_auth);
	f->last_body = f->last_auth = NULL;
}

/* A loopback port nobody listens on. */
static int
dead_port(void)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof sa;
	int			fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* ------------------------------------------------------------------ */
/* Driving writes                                                      */
/* ------------------------------------------------------------------ */

struct outcome {
	int			 calls;
	enum action_status	 status;
	char			*message;
	char			*id;
	char			*warning;
};

/* The world's callback: keep copies. */
static void
outcome_cb(const struct action_result *r, void *arg)
{
	struct outcome	*o = arg;

	o->calls++;
	o->status = r->status;
	o->message = r->message != NULL ? xstrdup(r->message) : NULL;
	o->id = r->id != NULL ? xstrdup(r->id) : NULL;
	o->warning = r->warning != NULL ? xstrdup(r->warning) : NULL;
}

/* Run the loop until o is called back (or 10 s pass). */
static void
run_until(struct outcome *o)
{
	int64_t	end = util_mono_ms() + 10000;

	while (o->calls == 0 && util_mono_ms() < end)
		loop_run_once(loop, 100);
}

/* Run the loop for ms milliseconds. */
static void
run_for(int64_t ms)
{
	int64_t	end = util_mono_ms() + ms;

	while (util_mono_ms() < end)
		loop_run_once(loop, 20);
}

static void
outcome_done(struct outcome *o)
{
	free(o->message);
	free(o->id);
	free(o->warning);
	memset(o, 0, sizeof *o);
}

/* Endpoints for the given ports, "http://127.0.0.1:PORT". */
static struct conf_endpoint *
endpoints(const int *ports, size_t n)
{
	struct conf_endpoint	*e;
	size_t			 i;

	e = xcalloc(n, sizeof *e);
	for (i = 0; i < n; i++) {
		e[i].url = xasprintf("http://127.0.0.1:%d/", ports[i]);
		e[i].timeout_ms = 3000;
	}
	return e;
}

static void
endpoints_free(struct conf_endpoint *e, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(e[i].url);
		free(e[i].bearer_token);
	}
	free(e);
}

/* A silence of alertname="X" for an hour from now, by alice. */
static void
silence_of(struct action_silence *s, struct matchers *m)
{
	char	*cause = NULL;

	matchers_init(m);
	if (matchers_parse(m, "alertname=\"X\", severity=~\"crit.*\"",
	    &cause) != 0) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	memset(s, 0, sizeof *s);
	s->matchers = m;
	s->starts_ms = util_now_ms();
	s->ends_ms = s->starts_ms + 3600 * 1000;
	s->comment = "ACK deploy in progress";
	s->created_by = "alice";
}

/* What a member shows for silence id, active (or expired) until ends. */
static void
shows(struct fake *f, const char *id, const char *state, int64_t ends)
{
	char	ts[40];

	f->get_status = 200;
	snprintf(f->get_body, sizeof f->get_body, "{\"id\":\"%s\",\"status\":"
	    "{\"state\":\"%s\"},\"endsAt\":\"%s\",\"matchers\":[]}", id, state,
	    util_format_rfc3339(ends, ts, sizeof ts));
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

/* The POST body is what Alertmanager takes; no comment, no silence. */
static void
test_body(void)
{
	struct action_silence	 s;
	struct matchers		 m;
	char			*body, *cause = NULL;

	silence_of(&s, &m);
	s.starts_ms = 1700000000000;
	s.ends_ms = 1700003600000;
	body = am_silence_body(&s, "alice", &cause);
	CHECK(body != NULL);
	CHECK_CONTAINS(body, "\"matchers\":[{\"name\":\"alertname\","
	    "\"value\":\"X\",\"isRegex\":false,\"isEqual\":true}");
	CHECK_CONTAINS(body, "\"name\":\"severity\",\"value\":\"crit.*\","
	    "\"isRegex\":true,\"isEqual\":true");
	CHECK_CONTAINS(body, "\"startsAt\":\"2023-11-14T22:13:20");
	CHECK_CONTAINS(body, "\"endsAt\":\"2023-11-14T23:13:20");
	CHECK_CONTAINS(body, "\"createdBy\":\"alice\"");
	CHECK_CONTAINS(body, "\"comment\":\"ACK deploy in progress\"");
	CHECK(strstr(body, "\"id\"") == NULL);
	free(body);
	s.id = "abc-1";
	body = am_silence_body(&s, "alice", &cause);
	CHECK_CONTAINS(body, "\"id\":\"abc-1\"");
	free(body);
	s.comment = "";
	CHECK(am_silence_body(&s, "alice", &cause) == NULL);
	CHECK_CONTAINS(cause, "comment");
	free(cause);
	matchers_done(&m);
}

/* A drill's alert: posted to every member, OK when one took it. */
static void
test_alert(void)
{
	struct fake		 a, b;
	struct am_writer	*w;
	struct action_world	 world;
	struct action_alert	 al;
	struct matchers		 labels, ann;
	struct conf_endpoint	*eps;
	struct outcome		 o;
	char			*cause = NULL, *body, *want;
	int			 ports[2];

	matchers_init(&labels);
	matchers_init(&ann);
	CHECK_INT(matchers_parse(&labels, "alertname=\"SitrepLiveFire\", "
	    "drill=\"true\", drill_run=\"r1\"", &cause), 0);
	matchers_add(&ann, "summary", MATCH_EQ, "a drill");
	memset(&al, 0, sizeof al);
	al.labels = &labels;
	al.annotations = &ann;
	al.starts_ms = 1700000000000;
	al.ends_ms = 1700003600000;
	body = am_alert_body(&al, &cause);
	CHECK_STR(body, "[{\"labels\":{\"alertname\":\"SitrepLiveFire\","
	    "\"drill\":\"true\",\"drill_run\":\"r1\"},\"annotations\":"
	    "{\"summary\":\"a drill\"},\"startsAt\":\"2023-11-14T22:13:20Z"
	    "\",\"endsAt\":\"2023-11-14T23:13:20Z\"}]");
	free(body);

	/* Both take it: each was posted to once (no gossip of alerts). */
	fake_start(&a);
	fake_start(&b);
	ports[0] = a.port;
	ports[1] = b.port;
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_world(w, &world);
	CHECK(world.alert != NULL);
	memset(&o, 0, sizeof o);
	world.alert(world.impl, &al, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_OK);
	want = xasprintf("taken by am-1 (http://127.0.0.1:%d), am-2 "
	    "(http://127.0.0.1:%d)", a.port, b.port);
	CHECK_STR(o.message, want);
	free(want);
	CHECK(o.warning == NULL);
	CHECK_INT(a.nalerts, 1);
	CHECK_INT(b.nalerts, 1);
	CHECK_CONTAINS(b.last_body, "\"drill_run\":\"r1\"");
	outcome_done(&o);

	/* One says the alert is wrong: OK by the other, a warning. */
	a.alert_status = 400;
	al.resolve = 1;
	world.alert(world.impl, &al, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_OK);
	CHECK_CONTAINS(o.message, "resolved by am-2");
	CHECK_CONTAINS(o.warning, "am-1 (");
	CHECK_CONTAINS(o.warning, "HTTP 400: bad alert");
	outcome_done(&o);

	/* Both: INVALID. */
	b.alert_status = 400;
	world.alert(world.impl, &al, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_INVALID);
	CHECK_CONTAINS(o.message, "no Alertmanager took the alert");
	outcome_done(&o);
	am_writer_free(w);
	endpoints_free(eps, 2);

	/* The first is down: taken by the second, the first named. */
	b.alert_status = 200;
	ports[0] = dead_port();
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_world(w, &world);
	world.alert(world.impl, &al, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_OK);
	CHECK_CONTAINS(o.message, "resolved by am-2");
	CHECK_CONTAINS(o.warning, "connection refused");
	outcome_done(&o);

	/* Nobody up: UNREACHABLE, saying what to do. */
	am_writer_free(w);
	endpoints_free(eps, 2);
	ports[1] = dead_port();
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_world(w, &world);
	world.alert(world.impl, &al, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_UNREACHABLE);
	CHECK_CONTAINS(o.message, "check that they run");
	outcome_done(&o);

	/* Cancelled in flight: nobody is called back. */
	world.alert(world.impl, &al, outcome_cb, &o);
	CHECK_INT((int)am_writer_pending(w), 1);
	am_writer_free(w);
	CHECK_INT(o.calls, 0);
	endpoints_free(eps, 2);
	fake_stop(&a);
	fake_stop(&b);
	matchers_done(&labels);
	matchers_done(&ann);
}

/* Taken by the first member, shown by the second: OK, no warning. */
static void
test_create_confirmed(void)
{
	struct fake		 a, b;
	struct am_writer	*w;
	struct action_world	 world;
	struct action_silence	 s;
	struct matchers		 m;
	struct conf_endpoint	*eps;
	struct outcome		 o;
	char			*cause = NULL;
	int			 ports[2];

	fake_start(&a);
	fake_start(&b);
	a.post_body = "{\"silenceID\":\"s-1\"}";
	silence_of(&s, &m);
	shows(&b, "s-1", "active", s.ends_ms);
	ports[0] = a.port;
	ports[1] = b.port;
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_set_confirm(w, 10, 20, 5);
	am_writer_world(w, &world);
	CHECK_STR(world.name, "alertmanager");
	memset(&o, 0, sizeof o);
	world.silence(world.impl, &s, outcome_cb, &o);
	CHECK_INT(o.calls, 0);		/* later, from the loop */
	CHECK_INT((int)am_writer_pending(w), 1);
	run_until(&o);
	CHECK_INT(o.calls, 1);
	CHECK_INT(o.status, ACTION_OK);
	CHECK_STR(o.id, "s-1");
	CHECK(o.warning == NULL);
	CHECK_CONTAINS(o.message, "silence s-1 created on am-1 "
	    "(http://127.0.0.1:");
	CHECK_INT(a.nposts, 1);
	CHECK_INT(b.nposts, 0);
	CHECK(b.ngets >= 1);
	CHECK_INT(a.ngets, 0);
	CHECK_CONTAINS(a.last_body, "\"createdBy\":\"alice\"");
	CHECK_INT((int)am_writer_pending(w), 0);
	outcome_done(&o);

	/* A change whose answer is a new id: replaced, named both. */
	a.post_body = "{\"silenceID\":\"s-2\"}";
	shows(&b, "s-2", "active", s.ends_ms);
	s.id = "s-1";
	world.silence(world.impl, &s, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_OK);
	CHECK_STR(o.id, "s-2");
	CHECK_CONTAINS(o.message, "silence s-1 replaced by s-2");
	CHECK_CONTAINS(a.last_body, "\"id\":\"s-1\"");
	outcome_done(&o);
	am_writer_free(w);
	endpoints_free(eps, 2);
	matchers_done(&m);
	fake_stop(&a);
	fake_stop(&b);
}

/* A member that never shows it is named, after the retries. */
static void
test_not_confirmed(void)
{
	struct fake		 a, b;
	struct am_writer	*w;
	struct action_world	 world;
	struct action_silence	 s;
	struct matchers		 m;
	struct conf_endpoint	*eps;
	struct outcome		 o;
	char			*cause = NULL, *want;
	int			 ports[2];

	fake_start(&a);
	fake_start(&b);
	a.post_body = "{\"silenceID\":\"s-9\"}";
	silence_of(&s, &m);
	ports[0] = a.port;
	ports[1] = b.port;
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_set_confirm(w, 10, 20, 3);
	am_writer_world(w, &world);
	memset(&o, 0, sizeof o);

	/* The second member shows another end: not this write yet. */
	shows(&b, "s-9", "active", s.ends_ms - 600000);
	world.silence(world.impl, &s, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_OK);
	CHECK_STR(o.id, "s-9");
	want = xasprintf("am-2 (http://127.0.0.1:%d) does not show silence "
	    "s-9 yet; its cluster may be split", b.port);
	CHECK_STR(o.warning, want);
	free(want);
	CHECK_INT(b.ngets, 3);		/* every look asked it */
	outcome_done(&o);

	/* 404 reads the same. */
	b.get_status = 404;
	b.ngets = 0;
	world.silence(world.impl, &s, outcome_cb, &o);
	run_until(&o);
	CHECK_CONTAINS(o.warning, "does not show silence s-9 yet");
	CHECK_INT(b.ngets, 3);
	outcome_done(&o);

	/* Shown on the second look: no warning, no third look. */
	b.ngets = 0;
	shows(&b, "s-9", "active", s.ends_ms);
	b.get_status = 404;
	world.silence(world.impl, &s, outcome_cb, &o);
	while (b.ngets == 0 && o.calls == 0)
		loop_run_once(loop, 100);
	b.get_status = 200;
	run_until(&o);
	CHECK(o.warning == NULL);
	CHECK_INT(b.ngets, 2);
	outcome_done(&o);
	am_writer_free(w);
	endpoints_free(eps, 2);
	matchers_done(&m);
	fake_stop(&a);
	fake_stop(&b);
}

/* The first member down: the second takes it; the first is named. */
static void
test_first_down(void)
{
	struct fake		 b;
	struct am_writer	*w;
	struct action_world	 world;
	struct action_silence	 s;
	struct matchers		 m;
	struct conf_endpoint	*eps;
	struct outcome		 o;
	char			*cause = NULL, *want;
	int			 ports[2];

	fake_start(&b);
	b.post_body = "{\"silenceID\":\"s-3\"}";
	silence_of(&s, &m);
	ports[0] = dead_port();
	ports[1] = b.port;
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_set_confirm(w, 10, 20, 2);
	am_writer_world(w, &world);
	memset(&o, 0, sizeof o);
	world.silence(world.impl, &s, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_OK);
	CHECK_STR(o.id, "s-3");
	CHECK_CONTAINS(o.message, "created on am-2");
	want = xasprintf("am-1 (http://127.0.0.1:%d) could not be asked "
	    "whether it shows silence s-3", ports[0]);
	CHECK_CONTAINS(o.warning, want);
	CHECK_CONTAINS(o.warning, "connection refused");
	free(want);
	CHECK_INT(b.nposts, 1);
	outcome_done(&o);

	/* A gateway error (503) moves on too. */
	{
		struct fake	a;

		fake_start(&a);
		a.post_status = 503;
		a.post_body = "\"no upstream\"";
		endpoints_free(eps, 2);
		am_writer_free(w);
		ports[0] = a.port;
		eps = endpoints(ports, 2);
		w = am_writer_new(loop, http, eps, 2, &cause);
		am_writer_set_confirm(w, 0, 0, 0);
		am_writer_world(w, &world);
		b.nposts = 0;
		world.silence(world.impl, &s, outcome_cb, &o);
		run_until(&o);
		CHECK_INT(o.status, ACTION_OK);
		CHECK_INT(a.nposts, 1);
		CHECK_INT(b.nposts, 1);
		outcome_done(&o);
		fake_stop(&a);
	}

	/* Nobody up: UNREACHABLE, naming each and what to do. */
	endpoints_free(eps, 2);
	am_writer_free(w);
	ports[0] = dead_port();
	ports[1] = dead_port();
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_world(w, &world);
	world.silence(world.impl, &s, outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_UNREACHABLE);
	CHECK(o.id == NULL);
	CHECK_CONTAINS(o.message, "no Alertmanager could be reached (am-1 ");
	CHECK_CONTAINS(o.message, "; am-2 (");
	CHECK_CONTAINS(o.message, "check that they run");
	outcome_done(&o);
	am_writer_free(w);
	endpoints_free(eps, 2);
	matchers_done(&m);
	fake_stop(&b);
}

/* 4xx is final: never tried on another member; each maps to a status. */
static void
test_statuses(void)
{
	static const struct {
		int			 status;
		const char		*body;
		enum action_status	 want;
		const char		*says;
	} cases[] = {
		{ 400, "\"silence invalid: invalid label matcher 0: "
		  "\\u001b[31mbad\"", ACTION_INVALID,
		  "refused the silence as invalid (HTTP 400): silence invalid: "
		  "invalid label matcher 0: ^[[31mbad; correct it" },
		{ 422, "{\"code\":602,\"message\":\"endsAt in body is "
		  "required\"}", ACTION_INVALID,
		  "(HTTP 422): endsAt in body is required; correct it" },
		{ 404, "\"silence not found\"", ACTION_INVALID,
		  "has no silence s-1 (HTTP 404: silence not found)" },
		{ 401, "unauthorised\n", ACTION_REFUSED,
		  "refuses writes (HTTP 401): unauthorised; it wants "
		  "credentials" },
		{ 403, "forbidden", ACTION_REFUSED,
		  "refuses writes (HTTP 403): forbidden; the configured "
		  "credentials may read but not write" },
		{ 405, "", ACTION_REFUSED,
		  "refuses writes (HTTP 405): (no message); the URL" },
		{ 500, "\"boom\"", ACTION_UNREACHABLE,
		  "failed (HTTP 500): boom; check its logs" },
	};
	struct fake		 a, b;
	struct am_writer	*w;
	struct action_world	 world;
	struct action_silence	 s;
	struct matchers		 m;
	struct conf_endpoint	*eps;
	struct outcome		 o;
	char			*cause = NULL;
	int			 ports[2];
	size_t			 i;

	fake_start(&a);
	fake_start(&b);
	b.post_body = "{\"silenceID\":\"never\"}";
	silence_of(&s, &m);
	s.id = "s-1";
	ports[0] = a.port;
	ports[1] = b.port;
	eps = endpoints(ports, 2);
	eps[0].bearer_token = xstrdup("t0ps3cret");
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_world(w, &world);
	memset(&o, 0, sizeof o);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		a.post_status = cases[i].status;
		a.post_body = cases[i].body;
		world.silence(world.impl, &s, outcome_cb, &o);
		run_until(&o);
		CHECK_INT(o.status, cases[i].want);
		CHECK_CONTAINS(o.message, cases[i].says);
		CHECK(strstr(o.message, "t0ps3cret") == NULL);
		CHECK(strchr(o.message, '\033') == NULL);
		CHECK(o.id == NULL);
		outcome_done(&o);
	}
	CHECK_INT(b.nposts, 0);
	CHECK_INT(a.nposts, (int)(sizeof cases / sizeof cases[0]));
	CHECK_STR(a.last_auth, "Bearer t0ps3cret");

	/* A long message is cut. */
	{
		char	big[2000];

		memset(big, 'x', sizeof big);
		big[0] = '"';
		big[sizeof big - 2] = '"';
		big[sizeof big - 1] = '\0';
		a.post_status = 400;
		a.post_body = big;
		world.silence(world.impl, &s, outcome_cb, &o);
		run_until(&o);
		CHECK(strlen(o.message) < 600);
		CHECK_CONTAINS(o.message, "xxx...; correct it");
		outcome_done(&o);
	}
	am_writer_free(w);
	endpoints_free(eps, 2);
	matchers_done(&m);
	fake_stop(&a);
	fake_stop(&b);
}

/* Expire: DELETE on the first, confirmed expired on the second. */
static void
test_expire(void)
{
	struct fake		 a, b;
	struct am_writer	*w;
	struct action_world	 world;
	struct conf_endpoint	*eps;
	struct outcome		 o;
	char			*cause = NULL;
	int			 ports[2];

	fake_start(&a);
	fake_start(&b);
	ports[0] = a.port;
	ports[1] = b.port;
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_set_confirm(w, 10, 20, 3);
	am_writer_world(w, &world);
	memset(&o, 0, sizeof o);
	shows(&b, "s-5", "active", util_now_ms() + 60000);
	world.expire(world.impl, "s-5", outcome_cb, &o);
	run_until(&o);
	CHECK_INT(o.status, ACTION_OK);
	CHECK_STR(o.id, "s-5");
	CHECK_CONTAINS(o.message, "silence s-5 expired on am-1");
	CHECK_CONTAINS(o.warning, "does not show silence s-5 expired yet");
	CHECK_INT(a.ndeletes, 1);
	CHECK_INT(b.ndeletes, 0);
	outcome_done(&o);
	shows(&b, "s-5", "expired", util_now_ms());
	world.expire(world.impl, "s-5", outcome_cb, &o);
	run_until(&o);
	CHECK(o.warning == NULL);
	outcome_done(&o);

	/* An id that cannot be a path segment never goes out. */
	world.expire(world.impl, "..", outcome_cb, &o);
	CHECK_INT(o.calls, 1);
	CHECK_INT(o.status, ACTION_INVALID);
	outcome_done(&o);
	CHECK_INT(a.ndeletes, 2);
	am_writer_free(w);
	endpoints_free(eps, 2);
	fake_stop(&a);
	fake_stop(&b);
}

/* Cancel, or freeing the writer, calls nobody back. */
static void
test_cancel(void)
{
	struct fake		 a, b;
	struct am_writer	*w;
	struct action_world	 world;
	struct action_silence	 s;
	struct matchers		 m;
	struct conf_endpoint	*eps;
	struct outcome		 o;
	char			*cause = NULL;
	int			 ports[2];

	fake_start(&a);
	fake_start(&b);
	a.hang = 1;
	silence_of(&s, &m);
	ports[0] = a.port;
	ports[1] = b.port;
	eps = endpoints(ports, 2);
	w = am_writer_new(loop, http, eps, 2, &cause);
	am_writer_world(w, &world);
	memset(&o, 0, sizeof o);
	world.silence(world.impl, &s, outcome_cb, &o);
	world.expire(world.impl, "s-1", outcome_cb, &o);
	run_for(200);
	CHECK_INT((int)am_writer_pending(w), 2);
	world.cancel(world.impl);
	CHECK_INT((int)am_writer_pending(w), 0);
	CHECK_INT((int)http_pending(http), 0);
	run_for(100);
	CHECK_INT(o.calls, 0);

	/* Waiting for confirmation, then freed: no callback either. */
	a.hang = 0;
	a.post_body = "{\"silenceID\":\"s-1\"}";
	am_writer_set_confirm(w, 5000, 5000, 3);
	world.silence(world.impl, &s, outcome_cb, &o);
	while (a.nposts == 0)
		loop_run_once(loop, 100);
	run_for(100);
	am_writer_free(w);
	run_for(100);
	CHECK_INT(o.calls, 0);
	endpoints_free(eps, 2);
	matchers_done(&m);
	fake_stop(&a);
	fake_stop(&b);
}

/* ------------------------------------------------------------------ */
/* The runtime's gate                                                  */
/* ------------------------------------------------------------------ */

static char	dir[] = "/tmp/sitrep-test-am-write.XXXXXX";

/* The configuration text for a fake on port (0: no Alertmanager). */
static struct conf *
conf_for(int port, const char *operator_name)
{
	struct conf_problems	 p;
	struct conf		*conf;
	char			*text;

	text = xasprintf("%s%s%s"
	    "contexts:\n"
	    "  - name: prod\n"
	    "    alertmanagers:\n"
	    "      - url: http://127.0.0.1:%d\n"
	    "  - name: bare\n"
	    "    probes:\n"
	    "      - {name: p, url: \"http://127.0.0.1:%d/\"}\n",
	    operator_name != NULL ? "operator: " : "",
	    operator_name != NULL ? operator_name : "",
	    operator_name != NULL ? "\n" : "", port, port);
	conf_problems_init(&p);
	conf = conf_load_buffer("test.yaml", text, strlen(text), &p);
	if (conf == NULL) {
		printf("Bail out! %s\n", p.n > 0 ? p.v[0] : "?");
		exit(1);
	}
	conf_problems_done(&p);
	free(text);
	return conf;
}

/* The gate follows the context; a read-only runtime writes nothing. */
static void
test_runtime_gate(void)
{
	struct fake		 a;
	struct runtime		*rt;
	struct cache		*cache;
	struct conf		*conf;
	struct action_gate	*g;
	struct action_silence	 s;
	struct matchers		 m;
	struct outcome		 o;
	char			*path, *warning = NULL, *cause = NULL;
	char			*actor;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	path = xasprintf("%s/cache.db", dir);
	cache = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	rt = runtime_new(cache, &cause);
	fake_start(&a);
	fake_move(&a, runtime_loop(rt));
	a.post_body = "{\"silenceID\":\"rt-1\"}";
	conf = conf_for(a.port, "oncall@example.org");
	silence_of(&s, &m);
	s.created_by = NULL;

	CHECK(runtime_gate(rt) == NULL);	/* no context yet */
	runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	g = runtime_gate(rt);
	CHECK(g != NULL);
	CHECK_STR(action_gate_world(g), "alertmanager");
	CHECK_STR(action_gate_actor(g), "oncall@example.org");
	CHECK_STR(action_gate_context(g), "prod");
	memset(&o, 0, sizeof o);
	action_silence(g, &s, "silence", outcome_cb, &o);
	{
		int64_t	end = util_mono_ms() + 10000;

		while (o.calls == 0 && util_mono_ms() < end)
			loop_run_once(runtime_loop(rt), 100);
	}
	CHECK_INT(o.status, ACTION_OK);
	CHECK_STR(o.id, "rt-1");
	CHECK_INT(a.nposts, 1);
	CHECK_CONTAINS(a.last_body, "\"createdBy\":\"oncall@example.org\"");
	outcome_done(&o);

	/* No Alertmanager: a gate without a world, refusing at once. */
	runtime_set_context(rt, conf, &conf->contexts[1], 0, &cause);
	g = runtime_gate(rt);
	CHECK(g != NULL);
	CHECK(action_gate_world(g) == NULL);
	action_silence(g, &s, "silence", outcome_cb, &o);
	CHECK_INT(o.calls, 1);
	CHECK_INT(o.status, ACTION_UNREACHABLE);
	CHECK_CONTAINS(o.message, "no Alertmanager");
	outcome_done(&o);

	/* The simulator: a gate over the simulated world. */
	runtime_simulate(rt, NULL);
	runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	CHECK(runtime_gate(rt) != NULL);
	CHECK_STR(runtime_gate(rt) != NULL ?
	    action_gate_world(runtime_gate(rt)) : NULL, "the simulator");
	loop_fd_del(a.w);
	a.w = NULL;
	runtime_free(rt);

	/* Read-only: no gate, for this context or any later one. */
	rt = runtime_new(cache, &cause);
	fake_move(&a, runtime_loop(rt));
	runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	CHECK(runtime_gate(rt) != NULL);
	runtime_set_read_only(rt);
	CHECK(runtime_read_only(rt));
	CHECK(runtime_gate(rt) == NULL);
	runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	CHECK(runtime_gate(rt) == NULL);
	runtime_set_context(rt, conf, &conf->contexts[1], 0, &cause);
	CHECK(runtime_gate(rt) == NULL);
	{
		int64_t	end = util_mono_ms() + 300;

		while (util_mono_ms() < end)
			loop_run_once(runtime_loop(rt), 20);
	}
	CHECK_INT(a.nposts, 1);		/* nothing more went out */
	CHECK_INT(a.ndeletes, 0);
	loop_fd_del(a.w);
	a.w = NULL;
	runtime_free(rt);

	/* Without operator: $USER@hostname. */
	conf_free(conf);
	conf = conf_for(a.port, NULL);
	rt = runtime_new(cache, &cause);
	runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	actor = action_default_actor();
	CHECK_STR(action_gate_actor(runtime_gate(rt)), actor);
	free(actor);
	runtime_free(rt);

	conf_free(conf);
	matchers_done(&m);
	fake_stop(&a);
	cache_close(cache);
	path = xasprintf("rm -rf '%s'", dir);
	if (system(path) != 0)
		printf("# could not remove %s\n", dir);
	free(path);
}

/*
 * The readers of answers: a message is cut after its escapes are made
 * visible (they made it longer than the cut); an id is taken only clean;
 * a silence shows a write only in the state written.
 */
/* A literal answer and its length. */
#define ANS(s)	(s), strlen(s)

static void
test_answer_readers(void)
{
	char	body[AM_WRITE_MESSAGE_MAX * 2], *s;

	memset(body, 0x13, sizeof body);
	s = am_write_error_text(body, sizeof body);
	CHECK(strlen(s) <= AM_WRITE_MESSAGE_MAX + 3);
	CHECK(sanitize_is_clean(s, 0));
	free(s);
	s = am_write_error_text(ANS("{\"message\":\"endsAt is required\"}\n"));
	CHECK_STR(s, "endsAt is required");
	free(s);
	s = am_write_error_text(ANS(" \r\n"));
	CHECK_STR(s, "(no message)");
	free(s);

	s = am_write_silence_id(ANS("{\"silenceID\":\"abc-1\"}"));
	CHECK_STR(s, "abc-1");
	free(s);
	CHECK(am_write_silence_id(ANS("{\"silenceID\":\"a\\u001bb\"}")) ==
	    NULL);
	CHECK(am_write_silence_id(ANS("{\"silenceID\":7}")) == NULL);
	CHECK(am_write_silence_id(ANS("[]")) == NULL);

	CHECK_INT(am_write_shows(1, 0,
	    ANS("{\"status\":{\"state\":\"expired\"}}")), 1);
	CHECK_INT(am_write_shows(1, 0,
	    ANS("{\"status\":{\"state\":\"active\"}}")), 0);
	CHECK_INT(am_write_shows(0, 1764583200000, ANS("{\"status\":"
	    "{\"state\":\"active\"},\"endsAt\":\"2025-12-01T10:00:00.500Z\"}")), 1);
	CHECK_INT(am_write_shows(0, 1764583200000, ANS("{\"status\":"
	    "{\"state\":\"active\"},\"endsAt\":\"2025-12-01T10:00:02Z\"}")), 0);
}

static const struct test tests[] = {
	TEST(test_body),
	TEST(test_answer_readers),
	TEST(test_alert),
	TEST(test_create_confirmed),
	TEST(test_not_confirmed),
	TEST(test_first_down),
	TEST(test_statuses),
	TEST(test_expire),
	TEST(test_cancel),
	TEST(test_runtime_gate),
	{ NULL, NULL }
};

int
main(void)
{
	int	rc;

	loop = loop_new();
	http = http_new(loop);
	rc = harness_run(tests);
	http_free(http);
	loop_free(loop);
	return rc;
}
