/*
 * kube_world.c: the Kubernetes part of an action world.
 *
 *  kube      the writes of kube_write.c (kube_write_start), their
 *            outcome mapped to action statuses: 401, 403, 405 refused;
 *            no answer, 429 and 5xx unreachable; the rest (404, 409,
 *            422, a paused deployment, a missing revision) invalid.
 *  access    POST a SelfSubjectAccessReview with the resource attributes
 *            of the action's row (what `kubectl auth can-i VERB
 *            RESOURCE[/SUB] [NAME] -n NS` asks), then, once per world, a
 *            SelfSubjectReview (what `kubectl auth whoami` asks) for the
 *            user name.  A question that fails (404: the server does not
 *            serve it) answers allowed -1 with the reason.
 *  follow    GET the deployment every interval and report each change,
 *            with kubectl rollout status's rules and words
 *            (DeploymentStatusViewer): spec update not observed yet, new
 *            replicas not updated, old replicas pending termination,
 *            updated replicas not available, rolled out; a Progressing
 *            condition with reason ProgressDeadlineExceeded fails it.  A
 *            deployment that is gone (404), that we may not read (401,
 *            403) or that cannot be reached three times in a row ends
 *            the follow with state -2.
 *
 * Everything under way is a task on the world's list; cancelling frees
 * the tasks and their calls without calling back.  Follow handles are
 * numbers, never reused, so unfollow after the end is harmless.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "backends/kube.h"
#include "backends/kube_world.h"
#include "backends/url.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/loop.h"

/* Failures in a row after which a follow gives up. */
#define KWLD_FOLLOW_TRIES	3

enum kwld_kind {
	KWLD_WRITE,
	KWLD_ACCESS,
	KWLD_FOLLOW
};

struct kwld_task {
	struct kube_world	*world;
	enum kwld_kind		 kind;
	uintptr_t		 id;
	struct kwld_task	*next;
	void			*arg;

	/* KWLD_WRITE */
	struct kube_write	*write;
	action_kube_cb		 kube_cb;

	/* KWLD_ACCESS and KWLD_FOLLOW: the call under way */
	int			 call;

	/* KWLD_ACCESS */
	action_access_cb	 access_cb;
	int			 allowed;
	char			*reason;
	char			*question;	/* "patch deployments in ..." */

	/* KWLD_FOLLOW */
	action_follow_cb	 follow_cb;
	char			*ns;
	char			*name;
	char			*path;
	struct loop_timer	*timer;
	int			 failures;
	int			 reported;	/* something was reported */
	struct action_rollout	 last;
	char			*last_message;
};

struct kube_world {
	struct loop		*loop;
	struct kube_client	*client;
	struct kwld_task	*tasks;
	uintptr_t		 next_id;
	int64_t			 interval_ms;
	char			*user;		/* SelfSubjectReview's */
	int			 user_asked;	/* answered, or not served */
};

/* Take t off its world's list and free it (its call cancelled). */
static void
kwld_task_free(struct kwld_task *t)
{
	struct kwld_task	**pp;

	for (pp = &t->world->tasks; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	if (t->write != NULL)
		kube_write_cancel(t->write);
	if (t->call > 0)
		kube_client_cancel(t->world->client, t->call);
	if (t->timer != NULL)
		loop_timer_del(t->timer);
	free(t->reason);
	free(t->question);
	free(t->ns);
	free(t->name);
	free(t->path);
	free(t->last_message);
	free(t);
}

/* A new task of kind on w's list. */
static struct kwld_task *
kwld_task_new(struct kube_world *w, enum kwld_kind kind, void *arg)
{
	struct kwld_task	*t = xcalloc(1, sizeof *t);

	t->world = w;
	t->kind = kind;
	t->id = ++w->next_id;
	t->arg = arg;
	t->next = w->tasks;
	w->tasks = t;
	return t;
}

/* ------------------------------------------------------------------ */
/* Writes                                                              */
/* ------------------------------------------------------------------ */

/* An action status for a write's outcome. */
static enum action_status
kwld_status(const struct kube_outcome *o)
{
	if (o->ok)
		return ACTION_OK;
	if (!o->answered || o->http_status == 429 || o->http_status >= 500)
		return ACTION_UNREACHABLE;
	if (o->http_status == 401 || o->http_status == 403 ||
	    o->http_status == 405)
		return ACTION_REFUSED;
	return ACTION_INVALID;
}

/* A write ended: tell the gate. */
static void
kwld_written(const struct kube_outcome *o, void *arg)
{
	struct kwld_task		*t = arg;
	struct action_kube_result	 r;

	memset(&r, 0, sizeof r);
	r.status = kwld_status(o);
	r.message = o->message;
	r.diff = o->diff;
	r.before = o->before;
	r.revision = o->revision;
	r.noop = o->noop;
	t->write = NULL;	/* kube_write frees itself after this */
	t->kube_cb(&r, t->arg);
	kwld_task_free(t);
}

/* Start a Kubernetes action. */
static void
kwld_kube(void *impl, const struct action_kube *k, action_kube_cb cb,
    void *arg)
{
	struct kube_world		*w = impl;
	struct kube_write_req		 req;
	struct action_kube_result	 r;
	struct kwld_task		*t;
	char				*cause = NULL;

	memset(&req, 0, sizeof req);
	switch (k->kind) {
	case ACTION_RESTART:
		req.op = KUBE_WRITE_RESTART;
		break;
	case ACTION_UNDO:
		req.op = KUBE_WRITE_UNDO;
		break;
	case ACTION_SCALE:
		req.op = KUBE_WRITE_SCALE;
		break;
	case ACTION_DELETE_POD:
		req.op = KUBE_WRITE_DELETE_POD;
		break;
	default:
		memset(&r, 0, sizeof r);
		r.status = ACTION_INVALID;
		r.message = "not a Kubernetes action";
		cb(&r, arg);
		return;
	}
	req.ns = k->namespace;
	req.name = k->name;
	req.to_revision = k->to_revision;
	req.replicas = k->replicas;
	req.dry_run = k->dry_run;
	t = kwld_task_new(w, KWLD_WRITE, arg);
	t->kube_cb = cb;
	if ((t->write = kube_write_start(w->client, &req, kwld_written, t,
	    &cause)) == NULL) {
		kwld_task_free(t);
		memset(&r, 0, sizeof r);
		r.status = ACTION_INVALID;
		r.message = cause;
		cb(&r, arg);
		free(cause);
	}
}

/* ------------------------------------------------------------------ */
/* Access                                                              */
/* ------------------------------------------------------------------ */

static void	kwld_reviewed(const struct kube_reply *, void *);
static void	kwld_whoami(const struct kube_reply *, void *);

/* Answer an access question and end the task. */
static void
kwld_access_end(struct kwld_task *t)
{
	struct action_access	 a;
	char			*who, *s;

	if (t->allowed == 0) {
		who = t->world->user != NULL ? xasprintf("user \"%s\"",
		    t->world->user) : xstrdup("the kubeconfig's user");
		s = xasprintf("RBAC does not let %s %s%s%s", who, t->question,
		    t->reason != NULL ? ": " : "", t->reason != NULL ?
		    t->reason : "");
		free(who);
		free(t->reason);
		t->reason = s;
	}
	a.allowed = t->allowed;
	a.reason = t->reason;
	a.user = t->world->user;
	t->call = 0;
	t->access_cb(&a, t->arg);
	kwld_task_free(t);
}

/* Ask who we are, unless this world knows already. */
static void
kwld_ask_user(struct kwld_task *t)
{
	static const char body[] = "{\"kind\":\"SelfSubjectReview\","
	    "\"apiVersion\":\"authentication.k8s.io/v1\",\"metadata\":"
	    "{\"creationTimestamp\":null},\"status\":{\"userInfo\":{}}}";

	if (t->world->user_asked) {
		kwld_access_end(t);
		return;
	}
	t->call = kube_client_call(t->world->client, "POST",
	    "/apis/authentication.k8s.io/v1/selfsubjectreviews", body,
	    "application/json", kwld_whoami, t);
}

/* The SelfSubjectReview's answer: keep the user name. */
static void
kwld_whoami(const struct kube_reply *r, void *arg)
{
	struct kwld_task	*t = arg;
	cJSON			*o;
	char			*u;

	t->call = 0;
	if (r->cancelled) {
		kwld_task_free(t);
		return;
	}
	if (r->error == NULL && r->status >= 200 && r->status <= 299) {
		o = cJSON_ParseWithLength(r->body, r->body_len);
		u = json_str_at(o, "status.userInfo.username");
		cJSON_Delete(o);
		if (u != NULL) {
			free(t->world->user);
			t->world->user = sanitize_terminal(u, 0);
			free(u);
		}
		t->world->user_asked = 1;
	} else if (r->error == NULL && r->status == 404)
		t->world->user_asked = 1;	/* not served: never ask */
	kwld_access_end(t);
}

/* "patch deployments/scale web in namespace shop", for refusals. */
static char *
kwld_question(const struct action_kube *k, const struct action_def *d)
{
	int	sub = d->subresource != NULL && *d->subresource != '\0';
	int	ns = k->namespace != NULL && *k->namespace != '\0';

	return xasprintf("%s %s%s%s%s%s%s%s", d->verb, d->resource,
	    sub ? "/" : "", sub ? d->subresource : "", k->name != NULL ?
	    " " : "", k->name != NULL ? k->name : "", ns ?
	    " in namespace " : "", ns ? k->namespace : "");
}

/* The SelfSubjectAccessReview's answer. */
static void
kwld_reviewed(const struct kube_reply *r, void *arg)
{
	struct kwld_task	*t = arg;
	cJSON			*o;
	char			*why, *err;

	t->call = 0;
	if (r->cancelled) {
		kwld_task_free(t);
		return;
	}
	t->allowed = -1;
	if (r->error != NULL)
		t->reason = xasprintf("the access review could not be asked: "
		    "%s", r->error);
	else if (r->status == 404)
		t->reason = xstrdup("the API server does not serve "
		    "SelfSubjectAccessReview (404), so it cannot say "
		    "beforehand whether RBAC allows this; the write itself "
		    "will tell");
	else if (r->status < 200 || r->status > 299)
		t->reason = kube_status_sentence(r->status, r->body,
		    r->body_len, "create", "selfsubjectaccessreviews", NULL,
		    NULL);
	else {
		o = cJSON_ParseWithLength(r->body, r->body_len);
		if (!cJSON_IsObject(json_get(o, "status")))
			t->reason = xstrdup("the access review's answer has "
			    "no status");
		else {
			t->allowed = cJSON_IsTrue(json_get(o,
			    "status.allowed")) ? 1 : 0;
			why = json_str_at(o, "status.reason");
			err = json_str_at(o, "status.evaluationError");
			if (why != NULL && *why != '\0')
				t->reason = sanitize_terminal(why, 0);
			else if (err != NULL && *err != '\0')
				t->reason = sanitize_terminal(err, 0);
			if (t->allowed == 0 && cJSON_IsTrue(json_get(o,
			    "status.denied")) && t->reason == NULL)
				t->reason = xstrdup("denied");
			free(why);
			free(err);
		}
		cJSON_Delete(o);
	}
	kwld_ask_user(t);
}

/* May we do action k (row d)? */
static void
kwld_access(void *impl, const struct action_kube *k,
    const struct action_def *d, action_access_cb cb, void *arg)
{
	struct kube_world	*w = impl;
	struct kwld_task	*t;
	struct action_access	 a;
	cJSON			*root, *spec, *ra;
	char			*body;

	if (d == NULL || d->verb == NULL || d->resource == NULL) {
		memset(&a, 0, sizeof a);
		a.allowed = -1;
		a.reason = "not a Kubernetes action: RBAC has nothing to say";
		cb(&a, arg);
		return;
	}
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "kind", "SelfSubjectAccessReview");
	cJSON_AddStringToObject(root, "apiVersion", "authorization.k8s.io/v1");
	cJSON_AddItemToObject(cJSON_AddObjectToObject(root, "metadata"),
	    "creationTimestamp", cJSON_CreateNull());
	spec = cJSON_AddObjectToObject(root, "spec");
	ra = cJSON_AddObjectToObject(spec, "resourceAttributes");
	if (k->namespace != NULL && *k->namespace != '\0')
		cJSON_AddStringToObject(ra, "namespace", k->namespace);
	cJSON_AddStringToObject(ra, "verb", d->verb);
	if (d->group != NULL && *d->group != '\0')
		cJSON_AddStringToObject(ra, "group", d->group);
	cJSON_AddStringToObject(ra, "resource", d->resource);
	if (d->subresource != NULL && *d->subresource != '\0')
		cJSON_AddStringToObject(ra, "subresource", d->subresource);
	if (k->name != NULL && *k->name != '\0')
		cJSON_AddStringToObject(ra, "name", k->name);
	cJSON_AddObjectToObject(root, "status");
	cJSON_AddFalseToObject(json_member(root, "status"), "allowed");
	body = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);

	t = kwld_task_new(w, KWLD_ACCESS, arg);
	t->access_cb = cb;
	t->question = kwld_question(k, d);
	t->call = kube_client_call(w->client, "POST",
	    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body,
	    "application/json", kwld_reviewed, t);
	cJSON_free(body);
}

/* ------------------------------------------------------------------ */
/* Following a rollout                                                 */
/* ------------------------------------------------------------------ */

static int64_t	kwld_poll(void *);

/* Report r when it differs from the last report; end it if final. */
static void
kwld_report(struct kwld_task *t, const struct action_rollout *r)
{
	const char	*m = r->message != NULL ? r->message : "";

	if (t->reported && t->last.state == r->state &&
	    t->last.generation == r->generation &&
	    t->last.observed_generation == r->observed_generation &&
	    t->last.replicas == r->replicas &&
	    t->last.updated == r->updated && t->last.ready == r->ready &&
	    t->last.available == r->available &&
	    strcmp(t->last_message, m) == 0)
		return;
	t->reported = 1;
	t->last = *r;
	free(t->last_message);
	t->last_message = xstrdup(m);
	t->last.message = t->last_message;
	t->follow_cb(r, t->arg);
}

/* Poll again after the interval. */
static void
kwld_again(struct kwld_task *t)
{
	t->timer = loop_timer_add(t->world->loop, t->world->interval_ms,
	    kwld_poll, t);
}

/* An int field of the deployment, 0 when absent. */
static int
kwld_int(const cJSON *o, const char *path)
{
	int64_t	v;

	if (json_int(json_get(o, path), &v) != 0 || v < 0 || v > INT32_MAX)
		return 0;
	return (int)v;
}

/* kubectl rollout status's reading of a deployment. */
static void
kwld_status_of(const cJSON *d, const char *name, struct action_rollout *r,
    char **message)
{
	const cJSON	*c;
	const char	*reason = NULL, *type;
	int64_t		 spec_replicas = 1, v;
	int		 has_replicas;

	memset(r, 0, sizeof *r);
	if (json_int(json_get(d, "metadata.generation"), &v) == 0)
		r->generation = v;
	if (json_int(json_get(d, "status.observedGeneration"), &v) == 0)
		r->observed_generation = v;
	r->replicas = kwld_int(d, "status.replicas");
	r->updated = kwld_int(d, "status.updatedReplicas");
	r->ready = kwld_int(d, "status.readyReplicas");
	r->available = kwld_int(d, "status.availableReplicas");
	has_replicas = json_int(json_get(d, "spec.replicas"),
	    &spec_replicas) == 0;
	cJSON_ArrayForEach(c, json_array(json_get(d, "status.conditions"))) {
		type = json_peek(c, "type");
		if (type != NULL && strcmp(type, "Progressing") == 0)
			reason = json_peek(c, "reason");
	}
	if (r->generation > r->observed_generation) {
		*message = xstrdup("Waiting for deployment spec update to be "
		    "observed...");
		return;
	}
	if (reason != NULL && strcmp(reason, "ProgressDeadlineExceeded") == 0) {
		r->state = -1;
		*message = xasprintf("deployment \"%s\" exceeded its progress "
		    "deadline", name);
	} else if (has_replicas && r->updated < spec_replicas)
		*message = xasprintf("Waiting for deployment \"%s\" rollout "
		    "to finish: %d out of %lld new replicas have been "
		    "updated...", name, r->updated, (long long)spec_replicas);
	else if (r->replicas > r->updated)
		*message = xasprintf("Waiting for deployment \"%s\" rollout "
		    "to finish: %d old replicas are pending termination...",
		    name, r->replicas - r->updated);
	else if (r->available < r->updated)
		*message = xasprintf("Waiting for deployment \"%s\" rollout "
		    "to finish: %d of %d updated replicas are available...",
		    name, r->available, r->updated);
	else {
		r->state = 1;
		*message = xasprintf("deployment \"%s\" successfully rolled "
		    "out", name);
	}
}

/* End the follow with state -2 and why. */
static void
kwld_follow_lost(struct kwld_task *t, const char *why)
{
	struct action_rollout	r;

	memset(&r, 0, sizeof r);
	r.state = -2;
	r.message = why;
	kwld_report(t, &r);
	kwld_task_free(t);
}

/* The deployment is in (or not). */
static void
kwld_polled(const struct kube_reply *r, void *arg)
{
	struct kwld_task	*t = arg;
	struct action_rollout	 ro;
	cJSON			*d;
	char			*msg = NULL, *s;

	t->call = 0;
	if (r->cancelled) {
		kwld_task_free(t);
		return;
	}
	if (r->error != NULL || r->status == 429 || r->status >= 500) {
		if (++t->failures < KWLD_FOLLOW_TRIES) {
			kwld_again(t);
			return;
		}
		s = xasprintf("cannot follow deployment %s/%s: %s", t->ns,
		    t->name, r->error != NULL ? r->error : "the API server "
		    "keeps failing");
		kwld_follow_lost(t, s);
		free(s);
		return;
	}
	if (r->status == 404) {
		s = xasprintf("deployment %s/%s is gone: nothing to follow",
		    t->ns, t->name);
		kwld_follow_lost(t, s);
		free(s);
		return;
	}
	if (r->status < 200 || r->status > 299) {
		msg = kube_status_sentence(r->status, r->body, r->body_len,
		    "get", "deployments", t->ns, t->name);
		s = xasprintf("cannot follow deployment %s/%s: %s", t->ns,
		    t->name, msg);
		kwld_follow_lost(t, s);
		free(s);
		free(msg);
		return;
	}
	t->failures = 0;
	d = cJSON_ParseWithLength(r->body, r->body_len);
	if (!cJSON_IsObject(d)) {
		cJSON_Delete(d);
		kwld_follow_lost(t, "the API server's answer is not JSON");
		return;
	}
	kwld_status_of(d, t->name, &ro, &msg);
	cJSON_Delete(d);
	ro.message = msg;
	kwld_report(t, &ro);
	free(msg);
	if (ro.state != 0)
		kwld_task_free(t);
	else
		kwld_again(t);
}

/* Time to look at the deployment. */
static int64_t
kwld_poll(void *arg)
{
	struct kwld_task	*t = arg;

	t->timer = NULL;
	if (t->path == NULL) {
		kwld_follow_lost(t, "cannot follow: not a namespace and "
		    "deployment name");
		return -1;
	}
	t->call = kube_client_call(t->world->client, "GET", t->path, NULL,
	    NULL, kwld_polled, t);
	return -1;
}

/* Follow deployment ns/name's rollout. */
static void *
kwld_follow(void *impl, const char *ns, const char *name,
    action_follow_cb cb, void *arg)
{
	struct kube_world	*w = impl;
	struct kwld_task	*t;
	char			*ens = NULL, *ename = NULL, *cause = NULL;

	t = kwld_task_new(w, KWLD_FOLLOW, arg);
	t->follow_cb = cb;
	t->ns = xstrdup(ns != NULL ? ns : "");
	t->name = xstrdup(name != NULL ? name : "");
	if (!kube_name_valid(t->ns) || !kube_name_valid(t->name) ||
	    (ens = url_segment(t->ns, &cause)) == NULL ||
	    (ename = url_segment(t->name, &cause)) == NULL) {
		free(cause);
		free(ens);
		/* Reported from the loop, like every other answer. */
		t->timer = loop_timer_add(w->loop, 0, kwld_poll, t);
		return (void *)t->id;
	}
	t->path = xasprintf("/apis/apps/v1/namespaces/%s/deployments/%s", ens,
	    ename);
	free(ens);
	free(ename);
	t->timer = loop_timer_add(w->loop, 0, kwld_poll, t);
	return (void *)t->id;
}

/* Stop following (no callback); a handle that ended already is fine. */
static void
kwld_unfollow(void *impl, void *handle)
{
	struct kube_world	*w = impl;
	struct kwld_task	*t;

	for (t = w->tasks; t != NULL; t = t->next) {
		if (t->kind == KWLD_FOLLOW && t->id == (uintptr_t)handle) {
			kwld_task_free(t);
			return;
		}
	}
}

/* Forget everything under way. */
static void
kwld_cancel(void *impl)
{
	struct kube_world	*w = impl;

	while (w->tasks != NULL)
		kwld_task_free(w->tasks);
}

/* ------------------------------------------------------------------ */
/* The world                                                           */
/* ------------------------------------------------------------------ */

/* A world on loop and client. */
struct kube_world *
kube_world_new(struct loop *loop, struct kube_client *client)
{
	struct kube_world	*w = xcalloc(1, sizeof *w);

	w->loop = loop;
	w->client = client;
	w->interval_ms = 1000;
	return w;
}

/* Forget everything and free. */
void
kube_world_free(struct kube_world *w)
{
	if (w == NULL)
		return;
	kwld_cancel(w);
	free(w->user);
	free(w);
}

/* How often a follow polls. */
void
kube_world_set_interval(struct kube_world *w, int64_t ms)
{
	w->interval_ms = ms < 10 ? 10 : ms;
}

/* Fill the Kubernetes part of an action world. */
void
kube_world_fill(struct kube_world *w, struct action_world *out)
{
	out->kube_impl = w;
	out->cluster = kube_client_server(w->client);
	out->kube = kwld_kube;
	out->access = kwld_access;
	out->follow = kwld_follow;
	out->unfollow = kwld_unfollow;
	out->kube_cancel = kwld_cancel;
}
