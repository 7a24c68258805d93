/*
 * am_write.c: silences written to Alertmanager, and alerts posted to it
 * (a drill's), the world of an action gate.
 *
 * A write is an operation that walks the members in order until one
 * takes it (or refuses it for good), then confirms it on the others by
 * asking each, a few times, whether it shows the silence as written.
 * Everything runs from the loop: HTTP answers and timers move the
 * operation on, and its callback runs once at the end.  See am_write.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "backends/am_write.h"
#include "backends/endpoint.h"
#include "backends/http.h"
#include "backends/url.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/silence.h"

/* Answers to writes are small; a body beyond this is not Alertmanager's. */
#define AM_WRITE_MAX_BODY	((size_t)1024 * 1024)

struct am_op;

/* One member: its endpoint and how messages name it. */
struct am_wmember {
	struct endpoint	 ep;
	char		*name;		/* "am-1 (http://127.0.0.1:9093)" */
	char		*init_error;	/* credentials could not be read */
};

/* One member being asked whether it shows the write. */
struct am_check {
	struct am_op	*op;
	size_t		 member;
	int		 http_id;	/* > 0 while asking */
	int		 confirmed;
	char		*why;		/* why not, after the last look */
};

enum am_op_kind {
	AMW_SILENCE,
	AMW_EXPIRE
};

/* One write, from the first try to the callback. */
struct am_op {
	struct am_writer	*w;
	struct am_op		*next;
	enum am_op_kind		 kind;
	char			*body;		/* POST body (silence) */
	char			*id;		/* expire: the id; else the
						   one to change, or NULL */
	char			*new_id;	/* what the member reported */
	int64_t			 ends_ms;	/* what confirming looks for */
	action_done_cb		 done;
	void			*arg;
	size_t			 member;	/* trying, then the taker */
	int			 http_id;	/* > 0 while writing */
	struct buf		 tried;		/* members that failed, why */
	char			*message;	/* on success */
	struct am_check		*checks;	/* one per member */
	size_t			 asking;	/* checks in flight */
	int			 looks;
	struct loop_timer	*timer;
};

struct am_post;

/* One member's part of an alert post. */
struct am_post_to {
	struct am_post	*post;
	size_t		 member;
	int		 http_id;	/* > 0 while posting */
	int		 answered;
	enum action_status status;	/* its answer */
	char		*why;		/* why it did not take it */
};

/* One alert posted to every member at once, from the posts to the end. */
struct am_post {
	struct am_writer	*w;
	struct am_post		*next;
	char			*body;
	int			 resolve;
	action_done_cb		 done;
	void			*arg;
	struct am_post_to	*to;		/* one per member */
	size_t			 asking;
};

struct am_writer {
	struct loop		*loop;		/* borrowed */
	struct http		*http;		/* borrowed */
	struct am_wmember	*members;
	size_t			 nmembers;
	struct am_op		*ops;		/* in flight */
	struct am_post		*posts;		/* alerts in flight */
	int64_t			 first_ms;
	int64_t			 every_ms;
	int			 tries;
};

static void	am_op_try(struct am_op *);

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/* The body of POST /api/v2/silences for s, by created_by; caller frees. */
char *
am_silence_body(const struct action_silence *s, const char *created_by,
    char **cause)
{
	cJSON	*root;
	char	*out, *txt, ts[40];

	if (s->matchers == NULL || s->matchers->n == 0) {
		*cause = xstrdup("a silence needs at least one matcher, such "
		    "as alertname=\"HighLatency\"");
		return NULL;
	}
	if (s->comment == NULL || *s->comment == '\0') {
		*cause = xstrdup("a silence needs a comment saying why; give "
		    "one");
		return NULL;
	}
	root = cJSON_CreateObject();
	if (s->id != NULL && *s->id != '\0')
		cJSON_AddStringToObject(root, "id", s->id);
	cJSON_AddItemToObject(root, "matchers", matchers_to_json(s->matchers));
	cJSON_AddStringToObject(root, "startsAt",
	    util_format_rfc3339(s->starts_ms, ts, sizeof ts));
	cJSON_AddStringToObject(root, "endsAt",
	    util_format_rfc3339(s->ends_ms, ts, sizeof ts));
	cJSON_AddStringToObject(root, "createdBy",
	    created_by != NULL ? created_by : "sitrep");
	cJSON_AddStringToObject(root, "comment", s->comment);
	txt = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	out = xstrdup(txt);
	cJSON_free(txt);
	return out;
}

/* Alertmanager's own message in an error answer; see am_write.h. */
char *
am_write_error_text(const char *body, size_t len)
{
	cJSON		*root;
	const char	*s = NULL;
	char		*raw, *out;

	root = cJSON_ParseWithLength(body, len);
	if (cJSON_IsString(root))
		s = root->valuestring;
	else if (cJSON_IsObject(root))
		s = json_strval(cJSON_GetObjectItemCaseSensitive(root,
		    "message"));
	raw = s != NULL ? sanitize_utf8(s, strlen(s)) :
	    sanitize_utf8(body, len);
	cJSON_Delete(root);
	/* Trailing line breaks and spaces say nothing. */
	for (size_t n = strlen(raw); n > 0 && (raw[n - 1] == '\n' ||
	    raw[n - 1] == '\r' || raw[n - 1] == ' '); n--)
		raw[n - 1] = '\0';
	out = sanitize_excerpt(*raw != '\0' ? raw : "(no message)",
	    AM_WRITE_MESSAGE_MAX);
	free(raw);
	return out;
}

/* Fill req for method on url with member m's credentials. */
static void
am_request(struct am_wmember *m, struct http_request *req, const char *url,
    const char *method)
{
	endpoint_request(&m->ep, req, url);
	req->method = method;
}

/* ------------------------------------------------------------------ */
/* Ending an operation                                                 */
/* ------------------------------------------------------------------ */

/* Free op (already off the writer's list; nothing in flight). */
static void
am_op_free(struct am_op *op)
{
	size_t	i;

	if (op->checks != NULL) {
		for (i = 0; i < op->w->nmembers; i++)
			free(op->checks[i].why);
		free(op->checks);
	}
	free(op->body);
	free(op->id);
	free(op->new_id);
	free(op->message);
	buf_done(&op->tried);
	free(op);
}

/* Stop what op has in flight, without callbacks. */
static void
am_op_stop(struct am_op *op)
{
	size_t	i;

	if (op->http_id > 0)
		http_cancel(op->w->http, op->http_id);
	op->http_id = 0;
	if (op->timer != NULL)
		loop_timer_del(op->timer);
	op->timer = NULL;
	if (op->checks == NULL)
		return;
	for (i = 0; i < op->w->nmembers; i++) {
		if (op->checks[i].http_id > 0)
			http_cancel(op->w->http, op->checks[i].http_id);
		op->checks[i].http_id = 0;
	}
	op->asking = 0;
}

/* Take op off the writer's list. */
static void
am_op_unlink(struct am_op *op)
{
	struct am_op	**pp;

	for (pp = &op->w->ops; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			break;
		}
	}
	op->next = NULL;
}

/*
 * The end of op: off the list, then the callback, then free.  The
 * callback may free the writer, so nothing touches it afterwards (op's
 * checks are freed by the number of members saved first).
 */
static void
am_op_finish(struct am_op *op, enum action_status status,
    const char *message, const char *warning)
{
	struct action_result	 r;
	size_t			 i, n = op->w->nmembers;

	am_op_stop(op);
	am_op_unlink(op);
	memset(&r, 0, sizeof r);
	r.status = status;
	r.message = message;
	r.id = status == ACTION_OK ? op->new_id : NULL;
	r.warning = warning;
	op->done(&r, op->arg);
	if (op->checks != NULL) {
		for (i = 0; i < n; i++)
			free(op->checks[i].why);
		free(op->checks);
		op->checks = NULL;
	}
	am_op_free(op);
}

/* End op with a message made here. */
static void
am_op_fail(struct am_op *op, enum action_status status, char *message)
{
	am_op_finish(op, status, message, NULL);
	free(message);
}

/* ------------------------------------------------------------------ */
/* Confirming on the other members                                     */
/* ------------------------------------------------------------------ */

/* Whether a silence answer shows a write; see am_write.h. */
int
am_write_shows(int expired, int64_t ends_ms, const char *body, size_t len)
{
	cJSON		*root;
	const char	*state;
	int64_t		 ends;
	int		 ok = 0;

	root = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return 0;
	}
	state = json_peek(cJSON_GetObjectItemCaseSensitive(root, "status"),
	    "state");
	if (expired)
		ok = state != NULL && strcmp(state, "expired") == 0;
	else {
		ends = json_time(root, "endsAt");
		ok = state != NULL && strcmp(state, "expired") != 0 &&
		    ends >= ends_ms - AM_WRITE_ENDS_SLACK_MS &&
		    ends <= ends_ms + AM_WRITE_ENDS_SLACK_MS;
	}
	cJSON_Delete(root);
	return ok;
}

/* The id in the answer to a new silence; see am_write.h. */
char *
am_write_silence_id(const char *body, size_t len)
{
	cJSON		*root;
	const char	*id;
	char		*out = NULL;

	root = cJSON_ParseWithLength(body, len);
	id = json_peek(root, "silenceID");
	if (id != NULL && *id != '\0' && strlen(id) <= 200 &&
	    sanitize_is_clean(id, 0))
		out = xstrdup(id);
	cJSON_Delete(root);
	return out;
}

static int64_t	am_op_timer(void *);

/* Every look of this round is in: done, look again later, or warn. */
static void
am_op_looked(struct am_op *op)
{
	struct buf	 warn;
	size_t		 i;
	int		 all = 1;

	for (i = 0; i < op->w->nmembers; i++)
		all &= op->checks[i].confirmed;
	if (all) {
		am_op_finish(op, ACTION_OK, op->message, NULL);
		return;
	}
	if (op->looks < op->w->tries) {
		op->timer = loop_timer_add(op->w->loop, op->w->every_ms,
		    am_op_timer, op);
		return;
	}
	buf_init(&warn, 0);
	for (i = 0; i < op->w->nmembers; i++) {
		if (op->checks[i].confirmed)
			continue;
		buf_printf(&warn, "%s%s", warn.len > 0 ? "; " : "",
		    op->checks[i].why != NULL ? op->checks[i].why :
		    "was not asked");
	}
	am_op_finish(op, ACTION_OK, op->message, buf_str(&warn));
	buf_done(&warn);
}

static void	am_op_look(struct am_op *);

/* The timer of the next look. */
static int64_t
am_op_timer(void *arg)
{
	struct am_op	*op = arg;

	op->timer = NULL;
	am_op_look(op);
	return -1;
}

/* One member's answer to "do you show it?". */
static void
am_check_done(const struct http_response *res, void *arg)
{
	struct am_check		*c = arg;
	struct am_op		*op = c->op;
	struct am_wmember	*m = &op->w->members[c->member];
	const char		*what = op->kind == AMW_EXPIRE ? " expired" :
				    "";

	c->http_id = 0;
	if (res->kind == HTTP_ERR_CANCELLED)
		return;
	free(c->why);
	c->why = NULL;
	if (!res->ok)
		c->why = xasprintf("%s could not be asked whether it shows "
		    "silence %s%s (%s); check that it runs", m->name,
		    op->new_id, what, res->error);
	else if (res->status == 200 && am_write_shows(op->kind == AMW_EXPIRE, op->ends_ms, res->body,
	    res->body_len))
		c->confirmed = 1;
	else if (res->status == 200 || res->status == 404)
		c->why = xasprintf("%s does not show silence %s%s yet; its "
		    "cluster may be split", m->name, op->new_id, what);
	else
		c->why = xasprintf("%s answered HTTP %ld when asked for "
		    "silence %s; check its logs", m->name, res->status,
		    op->new_id);
	if (--op->asking == 0)
		am_op_looked(op);
}

/* Ask every member that does not show it yet. */
static void
am_op_look(struct am_op *op)
{
	struct am_writer	*w = op->w;
	struct http_request	 req;
	char			*seg, *path, *url, *cause = NULL;
	size_t			 i;

	op->looks++;
	op->asking = 0;
	for (i = 0; i < w->nmembers; i++) {
		struct am_check		*c = &op->checks[i];
		struct am_wmember	*m = &w->members[i];

		if (c->confirmed)
			continue;
		if (m->init_error != NULL) {
			free(c->why);
			c->why = xasprintf("%s could not be asked (%s)",
			    m->name, m->init_error);
			continue;
		}
		url = NULL;
		if ((seg = url_segment(op->new_id, &cause)) != NULL) {
			path = xasprintf("/api/v2/silence/%s", seg);
			url = endpoint_url(&m->ep, path, NULL, 0, &cause);
			free(path);
			free(seg);
		}
		if (url != NULL) {
			am_request(m, &req, url, "GET");
			if (req.timeout_ms == 0 ||
			    req.timeout_ms > AM_WRITE_CONFIRM_TIMEOUT_MS)
				req.timeout_ms = AM_WRITE_CONFIRM_TIMEOUT_MS;
			if (req.connect_timeout_ms > req.timeout_ms)
				req.connect_timeout_ms = req.timeout_ms;
			c->http_id = http_submit(w->http, &req, am_check_done,
			    c, &cause);
			free(url);
		}
		if (url == NULL || c->http_id < 0) {
			c->http_id = 0;
			free(c->why);
			c->why = xasprintf("%s could not be asked (%s)",
			    m->name, cause);
			free(cause);
			cause = NULL;
			continue;
		}
		op->asking++;
	}
	if (op->asking == 0)
		am_op_looked(op);
}

/* The write is taken: confirm it on the others, or end now. */
static void
am_op_confirm(struct am_op *op)
{
	struct am_writer	*w = op->w;
	size_t			 i;

	if (w->nmembers < 2 || w->tries <= 0) {
		am_op_finish(op, ACTION_OK, op->message, NULL);
		return;
	}
	op->checks = xcalloc(w->nmembers, sizeof *op->checks);
	for (i = 0; i < w->nmembers; i++) {
		op->checks[i].op = op;
		op->checks[i].member = i;
	}
	op->checks[op->member].confirmed = 1;
	op->timer = loop_timer_add(w->loop, w->first_ms, am_op_timer, op);
}

/* ------------------------------------------------------------------ */
/* Writing to the first member that takes it                           */
/* ------------------------------------------------------------------ */

/* The success message of op, once member m took it. */
static void
am_op_taken(struct am_op *op, const struct am_wmember *m)
{
	if (op->kind == AMW_EXPIRE)
		op->message = xasprintf("silence %s expired on %s", op->new_id,
		    m->name);
	else if (op->id == NULL)
		op->message = xasprintf("silence %s created on %s", op->new_id,
		    m->name);
	else if (strcmp(op->id, op->new_id) == 0)
		op->message = xasprintf("silence %s changed on %s", op->new_id,
		    m->name);
	else
		op->message = xasprintf("silence %s replaced by %s on %s "
		    "(Alertmanager replaces a silence whose matchers or "
		    "start change)", op->id, op->new_id, m->name);
}

/* A final error answer of member m: end op with its status and why. */
static void
am_op_answer_error(struct am_op *op, const struct am_wmember *m,
    const struct http_response *res)
{
	const char	*verb = op->kind == AMW_EXPIRE ? "expiry" : "silence";
	const char	*hint;
	char		*text;
	long		 st = res->status;

	text = am_write_error_text(res->body, res->body_len);
	if (st == 400 || st == 422) {
		am_op_fail(op, ACTION_INVALID, xasprintf("%s refused the %s as "
		    "invalid (HTTP %ld): %s; correct it and try again",
		    m->name, verb, st, text));
	} else if (st == 404) {
		am_op_fail(op, ACTION_INVALID, xasprintf("%s has no silence %s "
		    "(HTTP 404: %s); check the id with sitrep silence list",
		    m->name, op->id != NULL ? op->id : "of that id", text));
	} else if (st >= 400 && st < 500) {
		switch (st) {
		case 401:
			hint = "it wants credentials: set bearer_token, "
			    "bearer_token_file or basic_auth of its "
			    "contexts[].alertmanagers entry";
			break;
		case 403:
			hint = "the configured credentials may read but not "
			    "write: use credentials allowed to change silences";
			break;
		case 405:
			hint = "the URL (or a proxy in front of it) takes no "
			    "writes: point its url at the Alertmanager itself";
			break;
		default:
			hint = "check the server and any proxy in front of it";
			break;
		}
		am_op_fail(op, ACTION_REFUSED, xasprintf("%s refuses writes "
		    "(HTTP %ld): %s; %s", m->name, st, text, hint));
	} else {
		am_op_fail(op, ACTION_UNREACHABLE, xasprintf("%s failed "
		    "(HTTP %ld): %s; check its logs, then try again", m->name,
		    st, text));
	}
	free(text);
}

/* The answer of the member op wrote to. */
static void
am_op_written(const struct http_response *res, void *arg)
{
	struct am_op		*op = arg;
	struct am_wmember	*m = &op->w->members[op->member];

	op->http_id = 0;
	if (res->kind == HTTP_ERR_CANCELLED)
		return;
	/* Not reached, or a gateway that did not reach it: the next one. */
	if (!res->ok || res->status == 502 || res->status == 503 ||
	    res->status == 504) {
		if (!res->ok)
			buf_printf(&op->tried, "%s%s: %s",
			    op->tried.len > 0 ? "; " : "", m->name, res->error);
		else
			buf_printf(&op->tried, "%s%s: HTTP %ld",
			    op->tried.len > 0 ? "; " : "", m->name,
			    res->status);
		op->member++;
		am_op_try(op);
		return;
	}
	if (res->status < 200 || res->status > 299) {
		am_op_answer_error(op, m, res);
		return;
	}
	if (op->kind == AMW_SILENCE) {
		op->new_id = am_write_silence_id(res->body, res->body_len);
		if (op->new_id == NULL) {
			am_op_fail(op, ACTION_UNREACHABLE, xasprintf("%s "
			    "answered without a silence id; check that its url "
			    "is an Alertmanager (API v2)", m->name));
			return;
		}
	} else
		op->new_id = xstrdup(op->id);
	am_op_taken(op, m);
	am_op_confirm(op);
}

/* Write to the next member that can be asked, or end: none could. */
static void
am_op_try(struct am_op *op)
{
	struct am_writer	*w = op->w;
	struct am_wmember	*m;
	struct http_request	 req;
	char			*seg, *path, *url, *cause = NULL;

	for (; op->member < w->nmembers; op->member++) {
		m = &w->members[op->member];
		if (m->init_error != NULL) {
			buf_printf(&op->tried, "%s%s: %s",
			    op->tried.len > 0 ? "; " : "", m->name,
			    m->init_error);
			continue;
		}
		url = NULL;
		if (op->kind == AMW_SILENCE)
			url = endpoint_url(&m->ep, "/api/v2/silences", NULL, 0,
			    &cause);
		else if ((seg = url_segment(op->id, &cause)) != NULL) {
			path = xasprintf("/api/v2/silence/%s", seg);
			url = endpoint_url(&m->ep, path, NULL, 0, &cause);
			free(path);
			free(seg);
		}
		if (url == NULL) {
			/* The id itself is wrong: no member will take it. */
			am_op_fail(op, ACTION_INVALID, xasprintf("cannot write "
			    "to %s: %s", m->name, cause));
			free(cause);
			return;
		}
		if (op->kind == AMW_SILENCE) {
			am_request(m, &req, url, "POST");
			req.body = op->body;
			req.content_type = "application/json";
		} else
			am_request(m, &req, url, "DELETE");
		op->http_id = http_submit(w->http, &req, am_op_written, op,
		    &cause);
		free(url);
		if (op->http_id > 0)
			return;
		op->http_id = 0;
		buf_printf(&op->tried, "%s%s: %s", op->tried.len > 0 ? "; " :
		    "", m->name, cause);
		free(cause);
		cause = NULL;
	}
	am_op_fail(op, ACTION_UNREACHABLE, xasprintf("no Alertmanager could "
	    "be reached (%s); check that they run and that "
	    "contexts[].alertmanagers lists them, then try again",
	    buf_str(&op->tried)));
}

/* A new operation of w, on its list. */
static struct am_op *
am_op_new(struct am_writer *w, enum am_op_kind kind, action_done_cb done,
    void *arg)
{
	struct am_op	*op;

	op = xcalloc(1, sizeof *op);
	op->w = w;
	op->kind = kind;
	op->done = done;
	op->arg = arg;
	buf_init(&op->tried, 16 * 1024);
	op->next = w->ops;
	w->ops = op;
	return op;
}

/* ------------------------------------------------------------------ */
/* Alerts: posted to every member                                      */
/* ------------------------------------------------------------------ */

/* Add the name="value" pairs of m to obj. */
static void
am_pairs_to_json(cJSON *obj, const struct matchers *m)
{
	size_t	i;

	for (i = 0; m != NULL && i < m->n; i++)
		cJSON_AddStringToObject(obj, m->v[i].name, m->v[i].value);
}

/* The body of POST /api/v2/alerts for a; caller frees. */
char *
am_alert_body(const struct action_alert *a, char **cause)
{
	cJSON	*list, *o, *labels, *ann;
	char	*out, *txt, ts[40];

	if (a->labels == NULL || a->labels->n == 0) {
		*cause = xstrdup("an alert needs labels, alertname among them");
		return NULL;
	}
	list = cJSON_CreateArray();
	o = cJSON_CreateObject();
	labels = cJSON_CreateObject();
	am_pairs_to_json(labels, a->labels);
	cJSON_AddItemToObject(o, "labels", labels);
	ann = cJSON_CreateObject();
	am_pairs_to_json(ann, a->annotations);
	cJSON_AddItemToObject(o, "annotations", ann);
	if (a->starts_ms > 0)
		cJSON_AddStringToObject(o, "startsAt",
		    util_format_rfc3339(a->starts_ms, ts, sizeof ts));
	if (a->ends_ms > 0)
		cJSON_AddStringToObject(o, "endsAt",
		    util_format_rfc3339(a->ends_ms, ts, sizeof ts));
	cJSON_AddItemToArray(list, o);
	txt = cJSON_PrintUnformatted(list);
	cJSON_Delete(list);
	out = xstrdup(txt);
	cJSON_free(txt);
	return out;
}

/* Free a post taken off the list, stopping what it has in flight. */
static void
am_post_free(struct am_post *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (p->to[i].http_id > 0)
			http_cancel(p->w->http, p->to[i].http_id);
		free(p->to[i].why);
	}
	free(p->to);
	free(p->body);
	free(p);
}

/*
 * Every member has answered: OK when one took it, else the worst answer
 * (INVALID when all said the alert is wrong, REFUSED when one refused
 * writes, else UNREACHABLE).  The callback may free the writer.
 */
static void
am_post_finish(struct am_post *p)
{
	struct am_writer	*w = p->w;
	struct am_post		**pp;
	struct action_result	 r;
	struct buf		 took, failed;
	size_t			 i, n = w->nmembers, ntook = 0, ninvalid = 0;
	int			 refused = 0;
	char			*msg;

	for (pp = &w->posts; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	buf_init(&took, 0);
	buf_init(&failed, 0);
	for (i = 0; i < n; i++) {
		struct am_post_to	*t = &p->to[i];

		if (t->status == ACTION_OK) {
			buf_printf(&took, "%s%s", took.len > 0 ? ", " : "",
			    w->members[i].name);
			ntook++;
			continue;
		}
		ninvalid += t->status == ACTION_INVALID;
		refused |= t->status == ACTION_REFUSED;
		buf_printf(&failed, "%s%s", failed.len > 0 ? "; " : "",
		    t->why != NULL ? t->why : "not asked");
	}
	memset(&r, 0, sizeof r);
	if (ntook > 0) {
		msg = xasprintf("%s by %s", p->resolve ? "resolved" : "taken",
		    buf_str(&took));
		r.status = ACTION_OK;
		r.warning = failed.len > 0 ? buf_str(&failed) : NULL;
	} else {
		r.status = ninvalid == n ? ACTION_INVALID : refused ?
		    ACTION_REFUSED : ACTION_UNREACHABLE;
		msg = xasprintf("no Alertmanager took the alert (%s); %s",
		    buf_str(&failed), r.status == ACTION_INVALID ? "correct "
		    "it and try again" : "check that they run and that "
		    "contexts[].alertmanagers lists them, then try again");
	}
	r.message = msg;
	p->done(&r, p->arg);
	free(msg);
	buf_done(&took);
	buf_done(&failed);
	am_post_free(p, n);
}

/* One member's answer to the post. */
static void
am_post_answered(const struct http_response *res, void *arg)
{
	struct am_post_to	*t = arg;
	struct am_post		*p = t->post;
	struct am_wmember	*m = &p->w->members[t->member];
	char			*text;
	long			 st = res->status;

	t->http_id = 0;
	if (res->kind == HTTP_ERR_CANCELLED)
		return;
	t->answered = 1;
	if (!res->ok) {
		t->status = ACTION_UNREACHABLE;
		t->why = xasprintf("%s: %s", m->name, res->error);
	} else if (st >= 200 && st <= 299) {
		t->status = ACTION_OK;
	} else {
		text = am_write_error_text(res->body, res->body_len);
		t->status = st == 400 || st == 422 ? ACTION_INVALID :
		    st >= 400 && st < 500 ? ACTION_REFUSED :
		    ACTION_UNREACHABLE;
		t->why = xasprintf("%s: HTTP %ld: %s", m->name, st, text);
		free(text);
	}
	if (--p->asking == 0)
		am_post_finish(p);
}

/* Post an alert to every member. */
static void
am_world_alert(void *impl, const struct action_alert *a,
    action_done_cb done, void *arg)
{
	struct am_writer	*w = impl;
	struct am_post		*p;
	struct http_request	 req;
	struct action_result	 r;
	char			*url, *cause = NULL;
	size_t			 i;

	memset(&r, 0, sizeof r);
	p = xcalloc(1, sizeof *p);
	p->w = w;
	p->resolve = a->resolve;
	p->done = done;
	p->arg = arg;
	if ((p->body = am_alert_body(a, &cause)) == NULL) {
		r.status = ACTION_INVALID;
		r.message = cause;
		done(&r, arg);
		free(cause);
		free(p);
		return;
	}
	p->to = xcalloc(w->nmembers, sizeof *p->to);
	p->next = w->posts;
	w->posts = p;
	for (i = 0; i < w->nmembers; i++) {
		struct am_post_to	*t = &p->to[i];
		struct am_wmember	*m = &w->members[i];

		t->post = p;
		t->member = i;
		t->status = ACTION_UNREACHABLE;
		if (m->init_error != NULL) {
			t->why = xasprintf("%s: %s", m->name, m->init_error);
			continue;
		}
		url = endpoint_url(&m->ep, "/api/v2/alerts", NULL, 0, &cause);
		if (url != NULL) {
			am_request(m, &req, url, "POST");
			req.body = p->body;
			req.content_type = "application/json";
			t->http_id = http_submit(w->http, &req,
			    am_post_answered, t, &cause);
			free(url);
		}
		if (url == NULL || t->http_id <= 0) {
			t->http_id = 0;
			t->why = xasprintf("%s: %s", m->name, cause);
			free(cause);
			cause = NULL;
			continue;
		}
		p->asking++;
	}
	if (p->asking == 0)
		am_post_finish(p);
}

/* ------------------------------------------------------------------ */
/* The world                                                           */
/* ------------------------------------------------------------------ */

/* Create or change a silence. */
static void
am_world_silence(void *impl, const struct action_silence *s,
    action_done_cb done, void *arg)
{
	struct am_writer	*w = impl;
	struct am_op		*op;
	char			*cause = NULL;

	op = am_op_new(w, AMW_SILENCE, done, arg);
	if ((op->body = am_silence_body(s, s->created_by, &cause)) == NULL) {
		am_op_fail(op, ACTION_INVALID, cause);
		return;
	}
	if (s->id != NULL && *s->id != '\0')
		op->id = xstrdup(s->id);
	op->ends_ms = s->ends_ms;
	am_op_try(op);
}

/* Expire a silence. */
static void
am_world_expire(void *impl, const char *id, action_done_cb done, void *arg)
{
	struct am_writer	*w = impl;
	struct am_op		*op;

	op = am_op_new(w, AMW_EXPIRE, done, arg);
	if (id == NULL || *id == '\0') {
		am_op_fail(op, ACTION_INVALID, xstrdup("no silence id given; "
		    "name the silence to expire (sitrep silence list shows "
		    "them)"));
		return;
	}
	op->id = xstrdup(id);
	am_op_try(op);
}

/* Forget every write in flight: no callback after this. */
static void
am_world_cancel(void *impl)
{
	struct am_writer	*w = impl;
	struct am_op		*op;
	struct am_post		*p;

	while ((op = w->ops) != NULL) {
		w->ops = op->next;
		am_op_stop(op);
		am_op_free(op);
	}
	while ((p = w->posts) != NULL) {
		w->posts = p->next;
		am_post_free(p, w->nmembers);
	}
}

/* The writer's world. */
void
am_writer_world(struct am_writer *w, struct action_world *out)
{
	memset(out, 0, sizeof *out);
	out->name = "alertmanager";
	out->impl = w;
	out->silence = am_world_silence;
	out->expire = am_world_expire;
	out->alert = am_world_alert;
	out->cancel = am_world_cancel;
}

/* ------------------------------------------------------------------ */
/* The writer                                                          */
/* ------------------------------------------------------------------ */

/* A writer to n members. */
struct am_writer *
am_writer_new(struct loop *loop, struct http *http,
    const struct conf_endpoint *eps, size_t n, char **cause)
{
	struct am_writer	*w;
	char			*why = NULL, *url;
	size_t			 i, len;

	if (n == 0) {
		*cause = xstrdup("no Alertmanager to write to; add one under "
		    "contexts[].alertmanagers");
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->loop = loop;
	w->http = http;
	w->members = xcalloc(n, sizeof *w->members);
	w->nmembers = n;
	w->first_ms = AM_WRITE_CONFIRM_FIRST_MS;
	w->every_ms = AM_WRITE_CONFIRM_EVERY_MS;
	w->tries = AM_WRITE_CONFIRM_TRIES;
	for (i = 0; i < n; i++) {
		struct am_wmember	*m = &w->members[i];

		url = http_redact_url(eps[i].url);
		if (url == NULL)
			url = xstrdup("?");
		len = strlen(url);
		while (len > 0 && url[len - 1] == '/')
			url[--len] = '\0';
		m->name = xasprintf("am-%zu (%s)", i + 1, url);
		free(url);
		if (endpoint_init(&m->ep, &eps[i], AM_WRITE_MAX_BODY, &why) !=
		    0) {
			m->init_error = why;
			why = NULL;
		}
	}
	return w;
}

/* Cancel what runs and free. */
void
am_writer_free(struct am_writer *w)
{
	size_t	i;

	if (w == NULL)
		return;
	am_world_cancel(w);
	for (i = 0; i < w->nmembers; i++) {
		if (w->members[i].init_error == NULL)
			endpoint_done(&w->members[i].ep);
		free(w->members[i].init_error);
		free(w->members[i].name);
	}
	free(w->members);
	free(w);
}

/* Change the confirmation schedule. */
void
am_writer_set_confirm(struct am_writer *w, int64_t first_ms,
    int64_t every_ms, int tries)
{
	w->first_ms = first_ms > 0 ? first_ms : 0;
	w->every_ms = every_ms > 0 ? every_ms : 0;
	w->tries = tries > 0 ? tries : 0;
}

/* Writes in flight. */
size_t
am_writer_pending(const struct am_writer *w)
{
	const struct am_op	*op;
	const struct am_post	*p;
	size_t			 n = 0;

	for (op = w->ops; op != NULL; op = op->next)
		n++;
	for (p = w->posts; p != NULL; p = p->next)
		n++;
	return n;
}
