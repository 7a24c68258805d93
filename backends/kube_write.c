/*
 * kube_write.c: sitrep's writes to a cluster, made as kubectl 1.32 makes
 * them, so an operator who knows kubectl gets exactly what they expect.
 *
 *  rollout restart  GET the deployment (a paused one is refused), then a
 *                   strategic merge patch that stamps the pod template's
 *                   kubectl.kubernetes.io/restartedAt annotation.
 *  rollout undo     GET the deployment, list the ReplicaSets its selector
 *                   matches, keep those it controls, pick the revision
 *                   (the previous one, or the one asked), and send a JSON
 *                   patch that replaces spec.template with that
 *                   ReplicaSet's template (without its pod-template-hash
 *                   label) and metadata.annotations with the deployment's
 *                   rollout bookkeeping plus the ReplicaSet's other
 *                   annotations.  Nothing is sent when the template
 *                   already matches.
 *  scale            GET the deployment (as kubectl's resource lookup
 *                   does), then a merge patch {"spec":{"replicas":N}} on
 *                   the scale subresource.
 *
 * A dry run adds ?dryRun=All, so the server checks everything (admission,
 * RBAC, validation) and changes nothing; kubectl 1.32 has no dry run for
 * rollout restart, so there sitrep sends the very patch a restart sends,
 * with dryRun=All.  Outcomes are plain sentences.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "backends/kube.h"
#include "backends/url.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

#define KUBE_HASH_LABEL		"pod-template-hash"
#define KUBE_REVISION_ANN	"deployment.kubernetes.io/revision"

/*
 * Annotations a rollback keeps from the deployment instead of copying
 * them from the ReplicaSet (kubectl's annotationsToSkip).
 */
static const char *const kube_undo_keep[] = {
	"kubectl.kubernetes.io/last-applied-configuration",
	KUBE_REVISION_ANN,
	"deployment.kubernetes.io/revision-history",
	"deployment.kubernetes.io/desired-replicas",
	"deployment.kubernetes.io/max-replicas",
	"deprecated.deployment.rollback.to",
	NULL
};

/* ------------------------------------------------------------------ */
/* Pure pieces                                                         */
/* ------------------------------------------------------------------ */

/*
 * Whether v is the zero value of its Go field: absent, null, false, 0,
 * "", {} or [].  The API server leaves such fields out, and kubectl
 * compares templates as Go structs, where they are all the same.
 */
static int
kw_is_zero(const cJSON *v)
{
	const cJSON	*c;

	if (v == NULL || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return 1;
	if (cJSON_IsNumber(v))
		return v->valuedouble == 0;
	if (cJSON_IsString(v))
		return v->valuestring == NULL || *v->valuestring == '\0';
	if (cJSON_IsArray(v))
		return v->child == NULL;
	if (cJSON_IsObject(v)) {
		cJSON_ArrayForEach(c, v) {
			if (!kw_is_zero(c))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* Deep equality with zero values equal to absent ones. */
static int
kw_equal(const cJSON *a, const cJSON *b)
{
	const cJSON	*c, *d;

	if (kw_is_zero(a) || kw_is_zero(b))
		return kw_is_zero(a) && kw_is_zero(b);
	if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
		cJSON_ArrayForEach(c, a) {
			if (!kw_equal(c, json_member(b, c->string)))
				return 0;
		}
		cJSON_ArrayForEach(d, b) {
			if (json_member(a, d->string) == NULL && !kw_is_zero(d))
				return 0;
		}
		return 1;
	}
	if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
		for (c = a->child, d = b->child; c != NULL && d != NULL;
		    c = c->next, d = d->next) {
			if (!kw_equal(c, d))
				return 0;
		}
		return c == NULL && d == NULL;
	}
	return cJSON_Compare(a, b, 1);
}

/* Whether s is a label key or value that a selector can carry. */
static int
kw_selector_word(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-_./", *s) != NULL))
			return 0;
	}
	return 1;
}

/* The selector of a parsed object as a labelSelector string. */
static char *
kw_selector(const cJSON *obj, char **cause)
{
	const cJSON	*sel = json_get(obj, "spec.selector"), *c, *e, *v;
	const char	*key, *op;
	struct buf	 b;
	int		 first;

	if (!cJSON_IsObject(sel)) {
		*cause = xstrdup("the deployment has no spec.selector, so its "
		    "ReplicaSets cannot be found");
		return NULL;
	}
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	cJSON_ArrayForEach(c, json_member(sel, "matchLabels")) {
		if (!cJSON_IsString(c) || !kw_selector_word(c->string) ||
		    !kw_selector_word(c->valuestring))
			goto bad;
		buf_printf(&b, "%s%s=%s", b.len > 0 ? "," : "", c->string,
		    c->valuestring);
	}
	cJSON_ArrayForEach(e, json_member(sel, "matchExpressions")) {
		key = json_peek(e, "key");
		op = json_peek(e, "operator");
		if (key == NULL || op == NULL || !kw_selector_word(key))
			goto bad;
		buf_printf(&b, "%s", b.len > 0 ? "," : "");
		if (strcmp(op, "Exists") == 0)
			buf_printf(&b, "%s", key);
		else if (strcmp(op, "DoesNotExist") == 0)
			buf_printf(&b, "!%s", key);
		else if (strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) {
			buf_printf(&b, "%s %s (", key, strcmp(op, "In") == 0 ?
			    "in" : "notin");
			first = 1;
			cJSON_ArrayForEach(v, json_member(e, "values")) {
				if (!cJSON_IsString(v) ||
				    !kw_selector_word(v->valuestring))
					goto bad;
				buf_printf(&b, "%s%s", first ? "" : ",",
				    v->valuestring);
				first = 0;
			}
			buf_puts(&b, ")");
		} else
			goto bad;
	}
	return buf_detach(&b);
bad:
	buf_done(&b);
	*cause = xstrdup("the deployment's spec.selector is not a valid "
	    "label selector");
	return NULL;
}

/* The label selector of a deployment's JSON. */
char *
kube_label_selector(const char *object, size_t len, char **cause)
{
	cJSON	*root = cJSON_ParseWithLength(object, len);
	char	*sel;

	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("the deployment is not a JSON object");
		return NULL;
	}
	sel = kw_selector(root, cause);
	cJSON_Delete(root);
	return sel;
}

/* Whether the ReplicaSet rs is controlled by the object with uid. */
static int
kw_controlled_by(const cJSON *rs, const char *uid)
{
	const cJSON	*r;
	const char	*u;

	cJSON_ArrayForEach(r, json_get(rs, "metadata.ownerReferences")) {
		u = json_peek(r, "uid");
		if (cJSON_IsTrue(json_member(r, "controller")) && u != NULL &&
		    strcmp(u, uid) == 0)
			return 1;
	}
	return 0;
}

/* A ReplicaSet's revision: 0 and *rev (0 when unset), -1 if unreadable. */
static int
kw_revision(const cJSON *rs, int64_t *rev)
{
	const char	*v = json_peek(json_get(rs, "metadata.annotations"),
			    KUBE_REVISION_ANN);

	*rev = 0;
	if (v == NULL)
		return 0;
	return util_parse_int64(v, rev);
}

/* Whether key is one of the annotations a rollback keeps. */
static int
kw_undo_keeps(const char *key)
{
	size_t	i;

	for (i = 0; kube_undo_keep[i] != NULL; i++) {
		if (strcmp(kube_undo_keep[i], key) == 0)
			return 1;
	}
	return 0;
}

/* Order strings for qsort. */
static int
kw_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of a string map with its keys sorted (Go marshals maps so). */
static cJSON *
kw_sorted(const cJSON *obj)
{
	const cJSON	 *c;
	const char	**keys;
	cJSON		 *out;
	size_t		  n = 0, i;

	keys = xcalloc((size_t)cJSON_GetArraySize(obj) + 1, sizeof *keys);
	cJSON_ArrayForEach(c, obj)
		keys[n++] = c->string;
	qsort(keys, n, sizeof *keys, kw_cmp);
	out = cJSON_CreateObject();
	for (i = 0; i < n; i++)
		cJSON_AddStringToObject(out, keys[i], json_peek(obj, keys[i]));
	free(keys);
	return out;
}

/* Choose the ReplicaSet to roll back to and build the patch. */
int
kube_undo_plan(const char *deployment, size_t dlen, const char *replicasets,
    size_t rlen, int64_t to_revision, char **patch, int64_t *revision,
    char **message, char **cause)
{
	cJSON		*dep, *list, *tmpl, *ann, *ops, *op, *labels, *sorted;
	const cJSON	*rs, *latest = NULL, *previous = NULL, *target = NULL;
	const cJSON	*c;
	const char	*uid, *name, *v;
	int64_t		 rev, latest_rev = -1, previous_rev = -1;
	size_t		 i;
	char		*text;
	int		 rc = -1;

	*patch = *message = NULL;
	*revision = 0;
	dep = cJSON_ParseWithLength(deployment, dlen);
	list = cJSON_ParseWithLength(replicasets, rlen);
	if (!cJSON_IsObject(dep) || !cJSON_IsObject(list)) {
		*cause = xstrdup("the API server's answer is not JSON");
		goto out;
	}
	name = json_peek(json_member(dep, "metadata"), "name");
	uid = json_peek(json_member(dep, "metadata"), "uid");
	if (name == NULL || uid == NULL) {
		*cause = xstrdup("the deployment has no name or uid");
		goto out;
	}
	if (to_revision < 0) {
		*cause = xasprintf("unable to find specified revision %lld in "
		    "history", (long long)to_revision);
		goto out;
	}
	cJSON_ArrayForEach(rs, json_member(list, "items")) {
		if (!kw_controlled_by(rs, uid) || kw_revision(rs, &rev) != 0)
			continue;
		if (to_revision == 0) {
			if (latest_rev < rev) {
				previous_rev = latest_rev;
				previous = latest;
				latest_rev = rev;
				latest = rs;
			} else if (previous_rev < rev) {
				previous_rev = rev;
				previous = rs;
			}
		} else if (rev == to_revision) {
			target = rs;
			break;
		}
	}
	if (to_revision > 0 && target == NULL) {
		*cause = xasprintf("unable to find specified revision %lld in "
		    "history", (long long)to_revision);
		goto out;
	}
	if (to_revision == 0) {
		if (previous == NULL) {
			*cause = xasprintf("no rollout history found for "
			    "deployment \"%s\"", name);
			goto out;
		}
		target = previous;
		*revision = previous_rev;
	} else
		*revision = to_revision;
	if (cJSON_IsTrue(json_get(dep, "spec.paused"))) {
		*cause = xasprintf("deployment \"%s\" is paused; resume it "
		    "first (kubectl rollout resume deployment/%s)", name, name);
		goto out;
	}

	/* The target template without its hash label. */
	tmpl = cJSON_Duplicate(json_get(target, "spec.template"), 1);
	if (!cJSON_IsObject(tmpl)) {
		cJSON_Delete(tmpl);
		*cause = xasprintf("revision %lld has no pod template",
		    (long long)*revision);
		goto out;
	}
	labels = json_get(tmpl, "metadata.labels");
	if (cJSON_IsObject(labels))
		cJSON_DeleteItemFromObjectCaseSensitive(labels,
		    KUBE_HASH_LABEL);
	{
		cJSON	*cur = cJSON_Duplicate(json_get(dep, "spec.template"), 1);
		cJSON	*cl = json_get(cur, "metadata.labels");
		int	 same;

		if (cJSON_IsObject(cl))
			cJSON_DeleteItemFromObjectCaseSensitive(cl,
			    KUBE_HASH_LABEL);
		same = kw_equal(tmpl, cur);
		cJSON_Delete(cur);
		if (same) {
			cJSON_Delete(tmpl);
			*message = xasprintf("skipped rollback (current "
			    "template already matches revision %lld)",
			    (long long)*revision);
			rc = 0;
			goto out;
		}
	}

	/* The deployment's bookkeeping, then the ReplicaSet's others. */
	ann = cJSON_CreateObject();
	for (i = 0; kube_undo_keep[i] != NULL; i++) {
		v = json_peek(json_get(dep, "metadata.annotations"),
		    kube_undo_keep[i]);
		if (v != NULL)
			cJSON_AddStringToObject(ann, kube_undo_keep[i], v);
	}
	cJSON_ArrayForEach(c, json_get(target, "metadata.annotations")) {
		if (cJSON_IsString(c) && !kw_undo_keeps(c->string))
			cJSON_AddStringToObject(ann, c->string, c->valuestring);
	}
	sorted = kw_sorted(ann);
	cJSON_Delete(ann);
	ann = sorted;

	ops = cJSON_CreateArray();
	op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "replace");
	cJSON_AddStringToObject(op, "path", "/spec/template");
	cJSON_AddItemToObject(op, "value", tmpl);
	cJSON_AddItemToArray(ops, op);
	op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "replace");
	cJSON_AddStringToObject(op, "path", "/metadata/annotations");
	cJSON_AddItemToObject(op, "value", ann);
	cJSON_AddItemToArray(ops, op);
	text = cJSON_PrintUnformatted(ops);
	cJSON_Delete(ops);
	*patch = xstrdup(text);
	cJSON_free(text);
	rc = 0;
out:
	cJSON_Delete(dep);
	cJSON_Delete(list);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The writes                                                          */
/* ------------------------------------------------------------------ */

enum kw_op {
	KW_RESTART,
	KW_UNDO,
	KW_SCALE
};

enum kw_step {
	KW_GET,		/* the deployment */
	KW_LIST,	/* its ReplicaSets */
	KW_PATCH
};

struct kube_write {
	struct kube_client	*c;
	enum kw_op		 op;
	enum kw_step		 step;
	char			*ns;
	char			*name;
	int			 dry_run;
	int64_t			 to_revision;
	int64_t			 revision;	/* chosen by undo */
	int			 replicas;
	char			*deployment;	/* the GET's body */
	size_t			 dlen;
	kube_write_cb		 cb;
	void			*arg;
};

static const char *const kw_verbs[] = { "restart", "roll back", "scale" };

/* Finish: tell the caller and free the write. */
static void
kw_finish(struct kube_write *w, int ok, const char *message)
{
	w->cb(ok, message, w->arg);
	free(w->ns);
	free(w->name);
	free(w->deployment);
	free(w);
}

/* Finish with "cannot VERB deployment NS/NAME: why". */
static void
kw_fail(struct kube_write *w, const char *why)
{
	char	*msg;

	msg = xasprintf("cannot %s deployment %s/%s: %s", kw_verbs[w->op],
	    w->ns, w->name, why);
	kw_finish(w, 0, msg);
	free(msg);
}

/* The sentence for an answer that is not 2xx. */
static void
kw_fail_status(struct kube_write *w, const struct kube_reply *r,
    const char *verb, const char *resource)
{
	char	*s;

	if (r->status == 409) {
		s = xasprintf("deployment %s/%s changed while we were updating "
		    "it; refresh and try again", w->ns, w->name);
		kw_finish(w, 0, s);
	} else {
		s = kube_status_sentence(r->status, r->body, r->body_len, verb,
		    resource, w->ns, r->status == 404 ? w->name : NULL);
		kw_fail(w, s);
	}
	free(s);
}

static void	kw_reply(const struct kube_reply *, void *);

/*
 * The path of the deployment (sub: "" or "/scale"), or of its namespace's
 * ReplicaSets when sub is NULL, with the query q; NULL and *cause if a
 * name cannot be a path segment.
 */
static char *
kw_path(struct kube_write *w, const char *sub, const struct url_param *q,
    size_t nq, char **cause)
{
	char	*ns, *name = NULL, *base = NULL, *path = NULL;

	if ((ns = url_segment(w->ns, cause)) == NULL)
		return NULL;
	if (sub == NULL)
		base = xasprintf("/apis/apps/v1/namespaces/%s/replicasets", ns);
	else if ((name = url_segment(w->name, cause)) != NULL)
		base = xasprintf("/apis/apps/v1/namespaces/%s/deployments/%s%s",
		    ns, name, sub);
	if (base != NULL)
		path = url_path_query(base, q, nq, cause);
	free(base);
	free(name);
	free(ns);
	return path;
}

/* Send a request on path for the step, or fail with cause if no path. */
static void
kw_send(struct kube_write *w, enum kw_step step, const char *method,
    char *path, char *cause, const char *body, const char *type)
{
	if (path == NULL) {
		kw_fail(w, cause);
		free(cause);
		return;
	}
	w->step = step;
	kube_client_call(w->c, method, path, body, type, kw_reply, w);
	free(path);
}

/*
 * Send the patch of w->op, with kubectl's query: ?dryRun=All for a dry
 * run, and the field manager kubectl names for a restart.
 */
static void
kw_patch(struct kube_write *w, const char *body, const char *type,
    const char *sub)
{
	struct url_param	 q[2];
	char			*path, *cause = NULL;

	q[0].key = "dryRun";
	q[0].value = w->dry_run ? "All" : NULL;
	q[1].key = "fieldManager";
	q[1].value = w->op == KW_RESTART ? "kubectl-rollout" : NULL;
	path = kw_path(w, sub, q, 2, &cause);
	kw_send(w, KW_PATCH, "PATCH", path, cause, body, type);
}

/* The deployment is in: check it, then patch or list ReplicaSets. */
static void
kw_got_deployment(struct kube_write *w, const struct kube_reply *r)
{
	cJSON			*dep;
	struct url_param	 q;
	char			*sel, *path, *body, *cause = NULL, ts[64];
	int			 paused;
	time_t			 now;
	struct tm		 tm;

	w->deployment = xmalloc(r->body_len + 1);
	memcpy(w->deployment, r->body, r->body_len);
	w->deployment[r->body_len] = '\0';
	w->dlen = r->body_len;
	dep = cJSON_ParseWithLength(w->deployment, w->dlen);
	if (!cJSON_IsObject(dep)) {
		cJSON_Delete(dep);
		kw_fail(w, "the API server's answer is not JSON");
		return;
	}
	paused = cJSON_IsTrue(json_get(dep, "spec.paused"));
	cJSON_Delete(dep);
	if (w->op == KW_SCALE) {
		body = xasprintf("{\"spec\":{\"replicas\":%d}}", w->replicas);
		kw_patch(w, body, "application/merge-patch+json", "/scale");
		free(body);
		return;
	}
	if (w->op == KW_RESTART) {
		if (paused) {
			body = xasprintf("deployment %s/%s is paused; resume "
			    "it first (kubectl rollout resume deployment/%s)",
			    w->ns, w->name, w->name);
			kw_fail(w, body);
			free(body);
			return;
		}
		/* kubectl: time.Now().Format(time.RFC3339), local time. */
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S%z", &tm);
		if (strlen(ts) == 24 && strcmp(ts + 19, "+0000") != 0) {
			memmove(ts + 23, ts + 22, 3);	/* +hhmm: +hh:mm */
			ts[22] = ':';
		} else if (strlen(ts) == 24)
			memcpy(ts + 19, "Z", 2);
		body = xasprintf("{\"spec\":{\"template\":{\"metadata\":{"
		    "\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":"
		    "\"%s\"}}}}}", ts);
		kw_patch(w, body, "application/strategic-merge-patch+json",
		    "");
		free(body);
		return;
	}
	if ((sel = kube_label_selector(w->deployment, w->dlen,
	    &cause)) == NULL) {
		kw_fail(w, cause);
		free(cause);
		return;
	}
	q.key = "labelSelector";
	q.value = sel;
	path = kw_path(w, NULL, &q, 1, &cause);
	free(sel);
	kw_send(w, KW_LIST, "GET", path, cause, NULL, NULL);
}

/* The ReplicaSets are in: plan the rollback and send it. */
static void
kw_got_replicasets(struct kube_write *w, const struct kube_reply *r)
{
	char	*patch, *message, *cause = NULL, *s;

	if (kube_undo_plan(w->deployment, w->dlen, r->body, r->body_len,
	    w->to_revision, &patch, &w->revision, &message, &cause) != 0) {
		kw_fail(w, cause);
		free(cause);
		return;
	}
	if (patch == NULL) {
		s = xasprintf("deployment %s/%s: %s", w->ns, w->name, message);
		free(message);
		kw_finish(w, 1, s);
		free(s);
		return;
	}
	kw_patch(w, patch, "application/json-patch+json", "");
	free(patch);
}

/* The patch went through. */
static void
kw_patched(struct kube_write *w)
{
	char	*s;

	switch (w->op) {
	case KW_RESTART:
		s = xasprintf(w->dry_run ? "deployment %s/%s would be "
		    "restarted (server dry run: nothing changed)" :
		    "deployment %s/%s restarted", w->ns, w->name);
		break;
	case KW_UNDO:
		s = xasprintf(w->dry_run ? "deployment %s/%s would be rolled "
		    "back to revision %lld (server dry run: nothing changed)" :
		    "deployment %s/%s rolled back to revision %lld", w->ns,
		    w->name, (long long)w->revision);
		break;
	default:
		s = xasprintf(w->dry_run ? "deployment %s/%s would be scaled "
		    "to %d replicas (server dry run: nothing changed)" :
		    "deployment %s/%s scaled to %d replicas", w->ns, w->name,
		    w->replicas);
		break;
	}
	kw_finish(w, 1, s);
	free(s);
}

/* An answer is in: take the next step. */
static void
kw_reply(const struct kube_reply *r, void *arg)
{
	struct kube_write	*w = arg;
	static const char *const verbs[] = { "get", "list", "patch" };

	if (r->cancelled) {
		kw_finish(w, 0, "cancelled");
		return;
	}
	if (r->error != NULL) {
		kw_fail(w, r->error);
		return;
	}
	if (r->status < 200 || r->status > 299) {
		kw_fail_status(w, r, verbs[w->step], w->step == KW_LIST ?
		    "replicasets" : w->op == KW_SCALE ? "deployments/scale" :
		    "deployments");
		return;
	}
	switch (w->step) {
	case KW_GET:
		kw_got_deployment(w, r);
		break;
	case KW_LIST:
		kw_got_replicasets(w, r);
		break;
	case KW_PATCH:
		kw_patched(w);
		break;
	}
}

/* Check the arguments and make a write. */
static struct kube_write *
kw_new(struct kube_client *c, enum kw_op op, const char *ns,
    const char *name, int dry_run, kube_write_cb cb, void *arg, char **cause)
{
	struct kube_write	*w;

	if (ns == NULL || !kube_name_valid(ns) || strlen(ns) > 63) {
		*cause = xasprintf("\"%s\" is not a namespace name",
		    ns != NULL ? ns : "");
		return NULL;
	}
	if (name == NULL || !kube_name_valid(name)) {
		*cause = xasprintf("\"%s\" is not a deployment name",
		    name != NULL ? name : "");
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->c = c;
	w->op = op;
	w->ns = xstrdup(ns);
	w->name = xstrdup(name);
	w->dry_run = dry_run;
	w->cb = cb;
	w->arg = arg;
	return w;
}

/* Start with the GET of the deployment. */
static void
kw_start_get(struct kube_write *w)
{
	char	*cause = NULL, *path = kw_path(w, "", NULL, 0, &cause);

	kw_send(w, KW_GET, "GET", path, cause, NULL, NULL);
}

/* kubectl rollout restart deployment/NAME -n NS. */
int
kube_rollout_restart(struct kube_client *c, const char *ns, const char *name,
    int dry_run, kube_write_cb cb, void *arg, char **cause)
{
	struct kube_write	*w;

	if ((w = kw_new(c, KW_RESTART, ns, name, dry_run, cb, arg,
	    cause)) == NULL)
		return -1;
	kw_start_get(w);
	return 0;
}

/* kubectl rollout undo deployment/NAME -n NS [--to-revision=N]. */
int
kube_rollout_undo(struct kube_client *c, const char *ns, const char *name,
    int64_t to_revision, int dry_run, kube_write_cb cb, void *arg,
    char **cause)
{
	struct kube_write	*w;

	if (to_revision < 0) {
		*cause = xasprintf("unable to find specified revision %lld in "
		    "history", (long long)to_revision);
		return -1;
	}
	if ((w = kw_new(c, KW_UNDO, ns, name, dry_run, cb, arg,
	    cause)) == NULL)
		return -1;
	w->to_revision = to_revision;
	kw_start_get(w);
	return 0;
}

/* kubectl scale deployment/NAME -n NS --replicas=N. */
int
kube_scale(struct kube_client *c, const char *ns, const char *name,
    int replicas, int dry_run, kube_write_cb cb, void *arg, char **cause)
{
	struct kube_write	*w;

	if (replicas < 0) {
		*cause = xasprintf("cannot scale to %d replicas: the count "
		    "must be 0 or more", replicas);
		return -1;
	}
	if ((w = kw_new(c, KW_SCALE, ns, name, dry_run, cb, arg,
	    cause)) == NULL)
		return -1;
	w->replicas = replicas;
	kw_start_get(w);
	return 0;
}
