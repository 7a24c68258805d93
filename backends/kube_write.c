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
 *  delete pod       GET the pod (kubectl does not; sitrep reads it to say
 *                   whether an owner makes a new one), then DELETE with
 *                   the body kubectl sends: {"propagationPolicy":
 *                   "Background"}, plus "dryRun":["All"] for a dry run.
 *
 * Every outcome carries what changes and the way back: undo the diff of
 * the pod templates (images, env names, resources, containers) and
 * "undo to revision N" (the current one); scale "replicas: 3 -> 6" and
 * "scale to 3".  A write can be cancelled (kube_write_cancel): no
 * callback then.
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
#include "core/podspec.h"

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

/*
 * What changes from pod template a to pod template b, as lines: the
 * diff of their summaries, the one the service page shows, or a line
 * saying other fields change when only those do.
 */
static char *
kw_template_diff(const cJSON *a, const cJSON *b)
{
	char		*sa = kube_template_summary(a);
	char		*sb = kube_template_summary(b);
	char		**v;
	size_t		 n, i;
	struct buf	 out;

	v = podspec_diff(sa, sb, &n);
	free(sa);
	free(sb);
	buf_init(&out, 0);
	for (i = 0; i < n; i++)
		buf_printf(&out, "%s%s", i > 0 ? "\n" : "", v[i]);
	podspec_lines_free(v, n);
	if (n == 0 && !kw_equal(a, b))
		buf_puts(&out, "pod template: other fields change (labels, "
		    "annotations, commands or settings)");
	if (out.len == 0) {
		buf_done(&out);
		return NULL;
	}
	return buf_detach(&out);
}

/* What changes from one pod template (JSON) to another; NULL: nothing. */
char *
kube_template_diff(const char *from, size_t flen, const char *to, size_t tlen)
{
	cJSON	*a = cJSON_ParseWithLength(from, flen);
	cJSON	*b = cJSON_ParseWithLength(to, tlen);
	char	*s = NULL;

	if (cJSON_IsObject(a) && cJSON_IsObject(b))
		s = kw_template_diff(a, b);
	else
		s = xstrdup("pod template: cannot be compared (not JSON)");
	cJSON_Delete(a);
	cJSON_Delete(b);
	return s;
}

static int	kw_undo_plan(const char *, size_t, const char *, size_t,
		    int64_t, char **, int64_t *, char **, char **, char **);

/* Choose the ReplicaSet to roll back to and build the patch. */
int
kube_undo_plan(const char *deployment, size_t dlen, const char *replicasets,
    size_t rlen, int64_t to_revision, char **patch, int64_t *revision,
    char **message, char **cause)
{
	return kw_undo_plan(deployment, dlen, replicasets, rlen, to_revision,
	    patch, revision, message, NULL, cause);
}

/* kube_undo_plan, with the template diff in *diff when diff is set. */
static int
kw_undo_plan(const char *deployment, size_t dlen, const char *replicasets,
    size_t rlen, int64_t to_revision, char **patch, int64_t *revision,
    char **message, char **diff, char **cause)
{
	cJSON		*dep, *list, *tmpl, *ann, *ops, *op, *labels, *sorted;
	const cJSON	*rs, *latest = NULL, *previous = NULL, *target = NULL;
	const cJSON	*c;
	const char	*uid, *name, *v;
	int64_t		 rev, latest_rev = -1, previous_rev = -1;
	size_t		 i;
	char		*text, *shown = NULL;
	int		 rc = -1;

	*patch = *message = NULL;
	*revision = 0;
	if (diff != NULL)
		*diff = NULL;
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
	shown = sanitize_terminal(name, 0);	/* the server's, for sentences */
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
			    "deployment \"%s\"", shown);
			goto out;
		}
		target = previous;
		*revision = previous_rev;
	} else
		*revision = to_revision;
	if (cJSON_IsTrue(json_get(dep, "spec.paused"))) {
		*cause = xasprintf("deployment \"%s\" is paused; resume it "
		    "first (kubectl rollout resume deployment/%s)", shown,
		    shown);
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
		if (!same && diff != NULL)
			*diff = kw_template_diff(cur, tmpl);
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
	free(shown);
	cJSON_Delete(dep);
	cJSON_Delete(list);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The writes                                                          */
/* ------------------------------------------------------------------ */

enum kw_step {
	KW_GET,		/* the deployment, or the pod */
	KW_LIST,	/* its ReplicaSets */
	KW_PATCH	/* or the DELETE */
};

struct kube_write {
	struct kube_client	*c;
	enum kube_write_op	 op;
	enum kw_step		 step;
	int			 call;		/* the call under way */
	char			*ns;
	char			*name;
	int			 dry_run;
	int64_t			 to_revision;
	int64_t			 revision;	/* chosen by undo */
	int			 replicas;
	int			 noop;
	char			*deployment;	/* the GET's body */
	size_t			 dlen;
	char			*diff;
	char			*before;
	char			*owner;		/* delete pod: "ReplicaSet/x" */
	kube_outcome_cb		 cb;
	kube_write_cb		 plain_cb;	/* the older interface */
	void			*arg;
};

static const char *const kw_verbs[] = {
	"restart", "roll back", "scale", "delete"
};

/* Free a write without calling back. */
static void
kw_free(struct kube_write *w)
{
	free(w->ns);
	free(w->name);
	free(w->deployment);
	free(w->diff);
	free(w->before);
	free(w->owner);
	free(w);
}

/*
 * Finish: tell the caller and free the write.  http is the failing
 * answer's status (0: none); answered 0 when no answer came.
 */
static void
kw_end(struct kube_write *w, int ok, long http, int answered,
    const char *message)
{
	struct kube_outcome	o;

	memset(&o, 0, sizeof o);
	o.ok = ok;
	o.http_status = http;
	o.answered = answered;
	o.message = message;
	if (ok) {
		o.diff = w->diff;
		o.before = w->before;
		o.noop = w->noop;
	}
	o.revision = w->revision;
	if (w->cb != NULL)
		w->cb(&o, w->arg);
	else
		w->plain_cb(ok, message, w->arg);
	kw_free(w);
}

/* Finish well, or with a refusal sitrep makes itself (answered). */
static void
kw_finish(struct kube_write *w, int ok, const char *message)
{
	kw_end(w, ok, 0, 1, message);
}

/* What the write is about: "deployment NS/NAME" or "pod NS/NAME". */
static const char *
kw_what(const struct kube_write *w)
{
	return w->op == KUBE_WRITE_DELETE_POD ? "pod" : "deployment";
}

/* Finish with "cannot VERB deployment NS/NAME: why". */
static void
kw_fail_http(struct kube_write *w, long http, int answered, const char *why)
{
	char	*msg;

	msg = xasprintf("cannot %s %s %s/%s: %s", kw_verbs[w->op], kw_what(w),
	    w->ns, w->name, why);
	kw_end(w, 0, http, answered, msg);
	free(msg);
}

/* Finish with a refusal of sitrep's own (paused, no such revision). */
static void
kw_fail(struct kube_write *w, const char *why)
{
	kw_fail_http(w, 0, 1, why);
}

/* The sentence for an answer that is not 2xx. */
static void
kw_fail_status(struct kube_write *w, const struct kube_reply *r,
    const char *verb, const char *resource)
{
	char	*s;

	if (r->status == 409) {
		s = xasprintf("%s %s/%s changed while we were updating it; "
		    "refresh and try again", kw_what(w), w->ns, w->name);
		kw_end(w, 0, r->status, 1, s);
	} else if (r->status == 404 && w->op == KUBE_WRITE_DELETE_POD) {
		s = xasprintf("cannot delete pod %s/%s: it is not there (gone "
		    "already, or check the name and the namespace)", w->ns,
		    w->name);
		kw_end(w, 0, r->status, 1, s);
	} else {
		s = kube_status_sentence(r->status, r->body, r->body_len, verb,
		    resource, w->ns, r->status == 404 ? w->name : NULL);
		kw_fail_http(w, r->status, 1, s);
	}
	free(s);
}

static void	kw_reply(const struct kube_reply *, void *);

/*
 * The path of the object (sub: "" or "/scale"), or of its namespace's
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
	else if ((name = url_segment(w->name, cause)) != NULL) {
		if (w->op == KUBE_WRITE_DELETE_POD)
			base = xasprintf("/api/v1/namespaces/%s/pods/%s", ns,
			    name);
		else
			base = xasprintf("/apis/apps/v1/namespaces/%s/"
			    "deployments/%s%s", ns, name, sub);
	}
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
	w->call = kube_client_call(w->c, method, path, body, type, kw_reply,
	    w);
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
	q[1].value = w->op == KUBE_WRITE_RESTART ? "kubectl-rollout" : NULL;
	path = kw_path(w, sub, q, 2, &cause);
	kw_send(w, KW_PATCH, "PATCH", path, cause, body, type);
}

/* The pod is in: note its owner, then DELETE it as kubectl does. */
static void
kw_got_pod(struct kube_write *w, const struct kube_reply *r)
{
	cJSON		*pod = cJSON_ParseWithLength(r->body, r->body_len);
	const cJSON	*ref;
	const char	*kind, *name;
	char		*path, *cause = NULL, *k, *n;

	if (!cJSON_IsObject(pod)) {
		cJSON_Delete(pod);
		kw_fail(w, "the API server's answer is not JSON");
		return;
	}
	cJSON_ArrayForEach(ref, json_get(pod, "metadata.ownerReferences")) {
		kind = json_peek(ref, "kind");
		name = json_peek(ref, "name");
		if (cJSON_IsTrue(json_member(ref, "controller")) &&
		    kind != NULL && name != NULL) {
			k = sanitize_terminal(kind, 0);
			n = sanitize_terminal(name, 0);
			w->owner = xasprintf("%s/%s", k, n);
			free(k);
			free(n);
			break;
		}
	}
	cJSON_Delete(pod);
	path = kw_path(w, "", NULL, 0, &cause);
	kw_send(w, KW_PATCH, "DELETE", path, cause, w->dry_run ?
	    "{\"propagationPolicy\":\"Background\",\"dryRun\":[\"All\"]}" :
	    "{\"propagationPolicy\":\"Background\"}", "application/json");
}

/* The current revision of the deployment (its annotation), or 0. */
static int64_t
kw_current_revision(const cJSON *dep)
{
	const char	*v = json_peek(json_get(dep, "metadata.annotations"),
			    KUBE_REVISION_ANN);
	int64_t		 rev;

	if (v == NULL || util_parse_int64(v, &rev) != 0)
		return 0;
	return rev;
}

/* The deployment is in: check it, then patch or list ReplicaSets. */
static void
kw_got_deployment(struct kube_write *w, const struct kube_reply *r)
{
	cJSON			*dep;
	struct url_param	 q;
	char			*sel, *path, *body, *cause = NULL, ts[64];
	int			 paused;
	int64_t			 cur = 1, rev;
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
	if (json_int(json_get(dep, "spec.replicas"), &cur) != 0)
		cur = 1;	/* the API server's default */
	rev = kw_current_revision(dep);
	cJSON_Delete(dep);
	if (w->op == KUBE_WRITE_SCALE) {
		w->diff = xasprintf("replicas: %lld -> %d", (long long)cur,
		    w->replicas);
		w->before = xasprintf("scale to %lld", (long long)cur);
		w->noop = cur == w->replicas;
		body = xasprintf("{\"spec\":{\"replicas\":%d}}", w->replicas);
		kw_patch(w, body, "application/merge-patch+json", "/scale");
		free(body);
		return;
	}
	if (w->op == KUBE_WRITE_RESTART) {
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
	if (rev > 0)
		w->before = xasprintf("undo to revision %lld", (long long)rev);
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

	if (kw_undo_plan(w->deployment, w->dlen, r->body, r->body_len,
	    w->to_revision, &patch, &w->revision, &message, &w->diff,
	    &cause) != 0) {
		kw_fail(w, cause);
		free(cause);
		return;
	}
	if (patch == NULL) {
		s = xasprintf("deployment %s/%s: %s", w->ns, w->name, message);
		free(message);
		free(w->before);
		w->before = NULL;
		w->noop = 1;
		kw_finish(w, 1, s);
		free(s);
		return;
	}
	kw_patch(w, patch, "application/json-patch+json", "");
	free(patch);
}

/* The patch (or the DELETE) went through. */
static void
kw_patched(struct kube_write *w)
{
	char	*s;

	switch (w->op) {
	case KUBE_WRITE_RESTART:
		s = xasprintf(w->dry_run ? "deployment %s/%s would be "
		    "restarted (server dry run: nothing changed)" :
		    "deployment %s/%s restarted", w->ns, w->name);
		break;
	case KUBE_WRITE_UNDO:
		s = xasprintf(w->dry_run ? "deployment %s/%s would be rolled "
		    "back to revision %lld (server dry run: nothing changed)" :
		    "deployment %s/%s rolled back to revision %lld", w->ns,
		    w->name, (long long)w->revision);
		break;
	case KUBE_WRITE_SCALE:
		s = xasprintf(w->dry_run ? "deployment %s/%s would be scaled "
		    "to %d replicas (server dry run: nothing changed)" :
		    "deployment %s/%s scaled to %d replicas", w->ns, w->name,
		    w->replicas);
		break;
	default:
		if (w->owner != NULL)
			s = xasprintf("pod %s/%s %s (its owner %s makes a new "
			    "one)%s", w->ns, w->name, w->dry_run ? "would be "
			    "deleted" : "deleted", w->owner, w->dry_run ?
			    " (server dry run: nothing changed)" : "");
		else
			s = xasprintf("pod %s/%s %s; it has no owner, so it "
			    "will NOT come back (read from the pod before "
			    "deleting)%s", w->ns, w->name, w->dry_run ?
			    "would be deleted" : "deleted", w->dry_run ?
			    " (server dry run: nothing changed)" : "");
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
	const char		*verb, *resource;

	w->call = 0;
	if (r->cancelled) {
		kw_end(w, 0, 0, 0, "cancelled");
		return;
	}
	if (r->error != NULL) {
		kw_fail_http(w, 0, 0, r->error);
		return;
	}
	if (r->status < 200 || r->status > 299) {
		verb = verbs[w->step];
		resource = w->op == KUBE_WRITE_SCALE ? "deployments/scale" :
		    "deployments";
		if (w->step == KW_LIST)
			resource = "replicasets";
		if (w->op == KUBE_WRITE_DELETE_POD) {
			resource = "pods";
			if (w->step == KW_PATCH)
				verb = "delete";
		}
		kw_fail_status(w, r, verb, resource);
		return;
	}
	switch (w->step) {
	case KW_GET:
		if (w->op == KUBE_WRITE_DELETE_POD)
			kw_got_pod(w, r);
		else
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
kw_new(struct kube_client *c, const struct kube_write_req *req,
    char **cause)
{
	struct kube_write	*w;
	const char		*ns = req->ns, *name = req->name;

	if (req->op < KUBE_WRITE_RESTART || req->op > KUBE_WRITE_DELETE_POD) {
		*cause = xstrdup("unknown kind of write");
		return NULL;
	}
	if (ns == NULL || !kube_name_valid(ns) || strlen(ns) > 63) {
		*cause = xasprintf("\"%s\" is not a namespace name",
		    ns != NULL ? ns : "");
		return NULL;
	}
	if (name == NULL || !kube_name_valid(name)) {
		*cause = xasprintf("\"%s\" is not a %s name",
		    name != NULL ? name : "", req->op == KUBE_WRITE_DELETE_POD ?
		    "pod" : "deployment");
		return NULL;
	}
	if (req->op == KUBE_WRITE_UNDO && req->to_revision < 0) {
		*cause = xasprintf("unable to find specified revision %lld in "
		    "history", (long long)req->to_revision);
		return NULL;
	}
	if (req->op == KUBE_WRITE_SCALE && req->replicas < 0) {
		*cause = xasprintf("cannot scale to %d replicas: the count "
		    "must be 0 or more", req->replicas);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->c = c;
	w->op = req->op;
	w->ns = xstrdup(ns);
	w->name = xstrdup(name);
	w->dry_run = req->dry_run;
	w->to_revision = req->to_revision;
	w->replicas = req->replicas;
	return w;
}

/* Start with the GET of the deployment (or the pod). */
static void
kw_start_get(struct kube_write *w)
{
	char	*cause = NULL, *path = kw_path(w, "", NULL, 0, &cause);

	kw_send(w, KW_GET, "GET", path, cause, NULL, NULL);
}

/* Start a write with its outcome (diff, the way back). */
struct kube_write *
kube_write_start(struct kube_client *c, const struct kube_write_req *req,
    kube_outcome_cb cb, void *arg, char **cause)
{
	struct kube_write	*w;

	if ((w = kw_new(c, req, cause)) == NULL)
		return NULL;
	w->cb = cb;
	w->arg = arg;
	kw_start_get(w);
	return w;
}

/* Forget a write under way: no callback. */
void
kube_write_cancel(struct kube_write *w)
{
	if (w == NULL)
		return;
	if (w->call > 0)
		kube_client_cancel(w->c, w->call);
	kw_free(w);
}

/* Start a write for the older interface (ok and a sentence). */
static int
kw_start_plain(struct kube_client *c, const struct kube_write_req *req,
    kube_write_cb cb, void *arg, char **cause)
{
	struct kube_write	*w;

	if ((w = kw_new(c, req, cause)) == NULL)
		return -1;
	w->plain_cb = cb;
	w->arg = arg;
	kw_start_get(w);
	return 0;
}

/* kubectl rollout restart deployment/NAME -n NS. */
int
kube_rollout_restart(struct kube_client *c, const char *ns, const char *name,
    int dry_run, kube_write_cb cb, void *arg, char **cause)
{
	struct kube_write_req	req;

	memset(&req, 0, sizeof req);
	req.op = KUBE_WRITE_RESTART;
	req.ns = ns;
	req.name = name;
	req.dry_run = dry_run;
	return kw_start_plain(c, &req, cb, arg, cause);
}

/* kubectl rollout undo deployment/NAME -n NS [--to-revision=N]. */
int
kube_rollout_undo(struct kube_client *c, const char *ns, const char *name,
    int64_t to_revision, int dry_run, kube_write_cb cb, void *arg,
    char **cause)
{
	struct kube_write_req	req;

	memset(&req, 0, sizeof req);
	req.op = KUBE_WRITE_UNDO;
	req.ns = ns;
	req.name = name;
	req.to_revision = to_revision;
	req.dry_run = dry_run;
	return kw_start_plain(c, &req, cb, arg, cause);
}

/* kubectl scale deployment/NAME -n NS --replicas=N. */
int
kube_scale(struct kube_client *c, const char *ns, const char *name,
    int replicas, int dry_run, kube_write_cb cb, void *arg, char **cause)
{
	struct kube_write_req	req;

	memset(&req, 0, sizeof req);
	req.op = KUBE_WRITE_SCALE;
	req.ns = ns;
	req.name = name;
	req.replicas = replicas;
	req.dry_run = dry_run;
	return kw_start_plain(c, &req, cb, arg, cause);
}
