/*
 * kube_logs.c: a container's log from the API server (GET pods/NAME/log),
 * read as `kubectl logs` reads it, never by running kubectl.
 *
 * Without a container the pod is read first (GET pods/NAME): its
 * containers are what the console cycles through, and the one read is
 * the one kubectl 1.32 picks (the kubectl.kubernetes.io/default-container
 * annotation when it names a container, else the first, with kubectl's
 * "Defaulted container X out of: a, b" when there was a choice).  Reading
 * the pod rather than parsing the 400 "a container name must be
 * specified" keeps the annotation's choice and works with one container.
 *
 * Logs are untrusted text: the server is asked for at most limitBytes and
 * the HTTP layer caps the body; only the last KUBE_LOGS_MAX_LINES lines
 * are kept, each cut to KUBE_LOGS_LINE_MAX bytes, made valid UTF-8 and
 * then terminal-safe (an escape sequence becomes visible "^[[31m" text)
 * before anyone sees them.  Every failure is a sentence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "backends/kube.h"
#include "backends/url.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/loop.h"

#define KL_DEFAULT_ANN	"kubectl.kubernetes.io/default-container"

/* ------------------------------------------------------------------ */
/* Pure pieces                                                         */
/* ------------------------------------------------------------------ */

/* One line made safe: valid UTF-8, cut, no control characters. */
static char *
kl_clean(const char *s, size_t len, int *truncated)
{
	char	*utf8, *out;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > KUBE_LOGS_LINE_MAX * 4)
		len = KUBE_LOGS_LINE_MAX * 4;	/* enough to cut from */
	utf8 = sanitize_utf8(s, len);
	out = sanitize_terminal(utf8, 0);
	free(utf8);
	if (strlen(out) > KUBE_LOGS_LINE_MAX) {
		sanitize_utf8_cut(out, KUBE_LOGS_LINE_MAX);
		*truncated = 1;
	}
	return out;
}

/* The last max lines of body, each made safe. */
char **
kube_logs_lines(const char *body, size_t len, size_t max, size_t *n,
    int *truncated)
{
	const char	*p, *end = body + len, *nl;
	size_t		 total = 0, skip, i = 0;
	char		**out;

	*n = 0;
	*truncated = 0;
	if (max == 0 || max > KUBE_LOGS_MAX_LINES)
		max = KUBE_LOGS_MAX_LINES;
	if (len > 0 && body[len - 1] == '\n')
		end--;		/* no empty last line */
	if (len == 0)
		return xcalloc(1, sizeof *out);
	for (p = body; p <= end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		total++;
	}
	skip = total > max ? total - max : 0;
	if (skip > 0)
		*truncated = 1;
	out = xcalloc(total - skip + 1, sizeof *out);
	for (p = body; p <= end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (skip > 0) {
			skip--;
			continue;
		}
		out[i++] = kl_clean(p, (size_t)(nl - p), truncated);
	}
	*n = i;
	return out;
}

/* Free lines. */
void
kube_logs_lines_free(char **lines, size_t n)
{
	size_t	i;

	if (lines == NULL)
		return;
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/*
 * The names of a pod spec's list key, as "name" plus suffix.  A name is
 * a DNS label in any real cluster; one that is not even UTF-8 is made
 * valid (the request for its log then names no container, and says so).
 */
static void
kl_names(const cJSON *spec, const char *key, const char *suffix,
    char ***names, size_t *n)
{
	const cJSON	*c;
	const char	*name;
	char		*clean;

	cJSON_ArrayForEach(c, json_member(spec, key)) {
		if ((name = json_peek(c, "name")) == NULL || *name == '\0')
			continue;
		clean = sanitize_utf8(name, strlen(name));
		*names = xreallocarray(*names, *n + 1, sizeof **names);
		(*names)[(*n)++] = xasprintf("%s%s", clean, suffix);
		free(clean);
	}
}

/* The containers of a pod and kubectl's choice among them. */
int
kube_logs_containers(const char *pod, size_t len, char ***names, size_t *n,
    char **chosen, char **note, char **cause)
{
	cJSON		*root = cJSON_ParseWithLength(pod, len);
	const cJSON	*spec, *c;
	const char	*ann, *first = NULL, *name;
	char		*raw;
	size_t		 nmain = 0, i;
	struct buf	 all;

	*names = NULL;
	*n = 0;
	*chosen = *note = NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("the API server's answer is not a pod (not "
		    "JSON)");
		return -1;
	}
	spec = json_member(root, "spec");
	kl_names(spec, "containers", "", names, n);
	nmain = *n;
	/* kubectl's order: containers, ephemeral, then init ones. */
	kl_names(spec, "ephemeralContainers", " (ephem)", names, n);
	kl_names(spec, "initContainers", " (init)", names, n);
	if (nmain == 0) {
		kube_logs_lines_free(*names, *n);
		*names = NULL;
		*n = 0;
		cJSON_Delete(root);
		*cause = xstrdup("the pod has no containers");
		return -1;
	}
	ann = json_peek(json_get(root, "metadata.annotations"),
	    KL_DEFAULT_ANN);
	cJSON_ArrayForEach(c, json_member(spec, "containers")) {
		if ((name = json_peek(c, "name")) == NULL || *name == '\0')
			continue;
		if (first == NULL)
			first = name;
		if (ann != NULL && strcmp(ann, name) == 0)
			*chosen = xstrdup(name);
	}
	if (*chosen == NULL) {
		*chosen = sanitize_utf8(first, strlen(first));
		if (*n > 1) {
			buf_init(&all, 0);
			for (i = 0; i < *n; i++)
				buf_printf(&all, "%s%s", i > 0 ? ", " : "",
				    (*names)[i]);
			*note = xasprintf("Defaulted container \"%s\" out of: %s",
			    *chosen, buf_str(&all));
			buf_done(&all);
		}
	} else {
		raw = *chosen;
		*chosen = sanitize_utf8(raw, strlen(raw));
		free(raw);
	}
	cJSON_Delete(root);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The read                                                            */
/* ------------------------------------------------------------------ */

enum kl_step {
	KL_POD,		/* GET the pod */
	KL_LOG,		/* GET its log */
	KL_ANSWER	/* an answer in hand, delivered from the loop */
};

struct kube_logs_call {
	struct kube_client	*c;		/* NULL for an answer */
	struct loop		*loop;
	struct loop_timer	*timer;		/* an answer's delivery */
	enum kl_step		 step;
	int			 id;		/* the client's call */
	char			*ns;
	char			*pod;
	char			*container;	/* chosen or asked */
	int			 previous;
	int64_t			 tail;
	int64_t			 limit;
	char			**containers;
	size_t			 ncontainers;
	char			*note;
	char			*error;		/* an early failure */
	long			 status;	/* an answer's */
	char			*body;		/* an answer's */
	size_t			 len;
	kube_logs_cb		 cb;
	void			*arg;
};

/* Free a read. */
static void
kl_free(struct kube_logs_call *k)
{
	if (k->timer != NULL)
		loop_timer_del(k->timer);
	free(k->ns);
	free(k->pod);
	free(k->container);
	kube_logs_lines_free(k->containers, k->ncontainers);
	free(k->note);
	free(k->error);
	free(k->body);
	free(k);
}

/* Tell the caller and free the read. */
static void
kl_finish(struct kube_logs_call *k, struct kube_logs *out)
{
	out->container = k->container;
	out->containers = k->containers;
	out->ncontainers = k->ncontainers;
	out->note = k->note;
	k->cb(out, k->arg);
	kl_free(k);
}

/* Finish with an error sentence. */
static void
kl_fail(struct kube_logs_call *k, const char *error, int cancelled)
{
	struct kube_logs	out;

	memset(&out, 0, sizeof out);
	out.error = error;
	out.cancelled = cancelled;
	kl_finish(k, &out);
}

/*
 * The sentence for a log answer that is not 2xx: the apiserver's own
 * message for 400 (it says what is wrong: which container, no previous
 * one), kube_status_sentence() otherwise.
 */
static char *
kl_status_error(struct kube_logs_call *k, long status, const char *body,
    size_t len, const char *resource)
{
	cJSON	*root;
	char	*msg = NULL, *out;

	if (status == 400 && (root = cJSON_ParseWithLength(body, len)) !=
	    NULL) {
		msg = json_str(root, "message");
		cJSON_Delete(root);
	}
	if (msg != NULL && *msg != '\0') {
		out = sanitize_terminal(msg, 0);
		free(msg);
		return out;
	}
	free(msg);
	out = kube_status_sentence(status, body, len, "get", resource, k->ns,
	    k->pod);
	return out;
}

/* The log body is in: split, cap and clean it. */
static void
kl_log_answer(struct kube_logs_call *k, long status, const char *body,
    size_t len)
{
	struct kube_logs	 out;
	char			**lines, *err;
	size_t			 n;
	int			 truncated;

	if (status < 200 || status > 299) {
		err = kl_status_error(k, status, body, len, "pods/log");
		kl_fail(k, err, 0);
		free(err);
		return;
	}
	lines = kube_logs_lines(body, len, k->tail > 0 ? (size_t)k->tail :
	    KUBE_LOGS_MAX_LINES, &n, &truncated);
	if ((int64_t)len >= k->limit)
		truncated = 1;
	memset(&out, 0, sizeof out);
	out.lines = lines;
	out.nlines = n;
	out.truncated = truncated;
	kl_finish(k, &out);
	kube_logs_lines_free(lines, n);
}

static void	kl_reply(const struct kube_reply *, void *);
static int64_t	kl_deliver(void *);

/* Ask for the log of k->container. */
static void
kl_get_log(struct kube_logs_call *k)
{
	struct url_param	 q[4];
	char			 tail[24], limit[24];
	char			*ns, *pod = NULL, *base = NULL, *path = NULL;
	char			*cause = NULL;

	snprintf(tail, sizeof tail, "%lld", (long long)k->tail);
	snprintf(limit, sizeof limit, "%lld", (long long)k->limit);
	q[0].key = "container";
	q[0].value = k->container;
	q[1].key = "previous";
	q[1].value = k->previous ? "true" : NULL;
	q[2].key = "tailLines";
	q[2].value = k->tail >= 0 ? tail : NULL;
	q[3].key = "limitBytes";
	q[3].value = limit;
	if ((ns = url_segment(k->ns, &cause)) != NULL &&
	    (pod = url_segment(k->pod, &cause)) != NULL) {
		base = xasprintf("/api/v1/namespaces/%s/pods/%s/log", ns, pod);
		path = url_path_query(base, q, 4, &cause);
	}
	free(base);
	free(pod);
	free(ns);
	if (path == NULL) {
		k->error = cause;
		k->timer = loop_timer_add(k->loop, 0, kl_deliver, k);
		return;
	}
	k->step = KL_LOG;
	k->id = kube_client_call(k->c, "GET", path, NULL, NULL, kl_reply, k);
	free(path);
}

/* The pod is in: choose the container, then read its log. */
static void
kl_pod_answer(struct kube_logs_call *k, const struct kube_reply *r)
{
	char	*cause = NULL, *err;

	if (r->status < 200 || r->status > 299) {
		err = kl_status_error(k, r->status, r->body, r->body_len,
		    "pods");
		kl_fail(k, err, 0);
		free(err);
		return;
	}
	if (kube_logs_containers(r->body, r->body_len, &k->containers,
	    &k->ncontainers, &k->container, &k->note, &cause) != 0) {
		err = xasprintf("no log for pod %s/%s: %s", k->ns, k->pod,
		    cause);
		free(cause);
		kl_fail(k, err, 0);
		free(err);
		return;
	}
	kl_get_log(k);
}

/* An answer from the API server. */
static void
kl_reply(const struct kube_reply *r, void *arg)
{
	struct kube_logs_call	*k = arg;

	k->id = 0;
	if (r->cancelled) {
		kl_fail(k, "cancelled: the context's client went away", 1);
		return;
	}
	if (r->error != NULL) {
		kl_fail(k, r->error, 0);
		return;
	}
	if (k->step == KL_POD)
		kl_pod_answer(k, r);
	else
		kl_log_answer(k, r->status, r->body, r->body_len);
}

/* From the loop: an early failure, or an answer in hand. */
static int64_t
kl_deliver(void *arg)
{
	struct kube_logs_call	*k = arg;
	char			*err;

	k->timer = NULL;	/* the loop drops a timer that returns -1 */
	if (k->error != NULL) {
		err = k->error;
		k->error = NULL;
		kl_fail(k, err, 0);
		free(err);
	} else
		kl_log_answer(k, k->status, k->body != NULL ? k->body : "",
		    k->len);
	return -1;
}

/* A read of q, checked; k->error says what is wrong with q. */
static struct kube_logs_call *
kl_new(struct loop *loop, const struct kube_logs_query *q, kube_logs_cb cb,
    void *arg)
{
	struct kube_logs_call	*k = xcalloc(1, sizeof *k);

	k->loop = loop;
	k->cb = cb;
	k->arg = arg;
	k->ns = xstrdup(q->ns != NULL ? q->ns : "");
	k->pod = xstrdup(q->pod != NULL ? q->pod : "");
	k->container = q->container != NULL && *q->container != '\0' ?
	    xstrdup(q->container) : NULL;
	k->previous = q->previous;
	k->tail = q->tail_lines == 0 ? KUBE_LOGS_TAIL : q->tail_lines;
	if (k->tail > KUBE_LOGS_MAX_LINES)
		k->tail = KUBE_LOGS_MAX_LINES;
	k->limit = q->limit_bytes > 0 ? q->limit_bytes : KUBE_LOGS_LIMIT_BYTES;
	if (!kube_name_valid(k->ns) || strlen(k->ns) > 63)
		k->error = xasprintf("no log: \"%s\" is not a namespace name",
		    k->ns);
	else if (!kube_name_valid(k->pod))
		k->error = xasprintf("no log: \"%s\" is not a pod name",
		    k->pod);
	else if (k->container != NULL && (!kube_name_valid(k->container) ||
	    strchr(k->container, '.') != NULL))
		k->error = xasprintf("no log: \"%s\" is not a container name",
		    k->container);
	if (k->error != NULL) {
		char	*clean = sanitize_terminal(k->error, 0);

		free(k->error);
		k->error = clean;
	}
	return k;
}

/* Start a read: the pod first when no container is named. */
struct kube_logs_call *
kube_pod_logs(struct kube_client *c, struct loop *loop,
    const struct kube_logs_query *q, kube_logs_cb cb, void *arg)
{
	struct kube_logs_call	*k = kl_new(loop, q, cb, arg);
	char			*ns, *pod = NULL, *path, *cause = NULL;

	k->c = c;
	if (k->error == NULL && k->container == NULL) {
		if ((ns = url_segment(k->ns, &cause)) != NULL &&
		    (pod = url_segment(k->pod, &cause)) != NULL) {
			path = xasprintf("/api/v1/namespaces/%s/pods/%s", ns,
			    pod);
			k->step = KL_POD;
			k->id = kube_client_call(c, "GET", path, NULL, NULL,
			    kl_reply, k);
			free(path);
		} else
			k->error = cause;
		free(pod);
		free(ns);
	} else if (k->error == NULL)
		kl_get_log(k);
	if (k->error != NULL)
		k->timer = loop_timer_add(loop, 0, kl_deliver, k);
	return k;
}

/* An answer in hand, delivered from the loop. */
struct kube_logs_call *
kube_pod_logs_answer(struct loop *loop, const struct kube_logs_query *q,
    long status, const char *body, size_t len, char *const *containers,
    size_t ncontainers, kube_logs_cb cb, void *arg)
{
	struct kube_logs_call	*k = kl_new(loop, q, cb, arg);
	size_t			 i;

	k->step = KL_ANSWER;
	k->status = status;
	if (status == 0 && k->error == NULL) {
		char	*why = xstrndup(body, len);

		k->error = sanitize_terminal(why, 0);
		free(why);
	}
	if (status >= 200 && status <= 299 && (int64_t)len > k->limit)
		len = (size_t)k->limit;		/* as limitBytes cuts */
	k->body = xmalloc(len + 1);
	if (len > 0)
		memcpy(k->body, body, len);
	k->body[len] = '\0';
	k->len = len;
	if (ncontainers > 0) {
		k->containers = xcalloc(ncontainers, sizeof *k->containers);
		for (i = 0; i < ncontainers; i++)
			k->containers[i] = xstrdup(containers[i]);
		k->ncontainers = ncontainers;
		if (k->container == NULL)
			k->container = xstrdup(containers[0]);
	}
	k->timer = loop_timer_add(loop, 0, kl_deliver, k);
	return k;
}

/* Stop a read without its callback. */
void
kube_logs_cancel(struct kube_logs_call *k)
{
	if (k == NULL)
		return;
	if (k->c != NULL && k->id > 0)
		kube_client_cancel(k->c, k->id);
	kl_free(k);
}
