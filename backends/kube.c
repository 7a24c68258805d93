/*
 * kube.c: the Kubernetes client and source, over sitrep's HTTP layer.
 *
 * The client asks the kubeconfig for a credential before every request
 * (static ones are ready at once; an exec plugin runs off the event loop
 * and its answer is cached), then submits the request with the cluster's
 * TLS settings.  A 401 drops the cached credential, so the plugin runs
 * again next time.
 *
 * The source keeps eight kinds as kubectl and client-go informers do:
 * each list (a kind, in one configured namespace or across all) is listed
 * once, a pager of 500 items following metadata.continue, and then
 * watched from the list's resourceVersion (?watch=true, with bookmarks,
 * for 5 to 10 minutes at a time) over a streaming request whose events,
 * one JSON object a line, are applied to that list's informer cache as
 * they arrive.  A watch that ran its time (or whose connection broke
 * after it worked) is started again from the last resourceVersion without
 * a list; 410 Gone (the answer, or an ERROR event) lists again at once;
 * any other failure lists again after a backoff of 1 to 30 s.  A
 * configured label selector goes to the API server with every list and
 * watch of the workloads and pods.
 *
 * A round (the poller's refresh) lists only what is not synced: at first
 * everything, later a list whose watch failed, or a refused one.  It is
 * over when those lists are, at once when there are none, and stored only
 * if every list finished: then, in the poller's one transaction, each
 * kind writes what its informers changed since the last stored round
 * (rows upserted and deleted by key; the first store of a kind, and one
 * after a write that was rolled back, replaces the context's rows whole),
 * and a round in which nothing changed writes no rows at all.  A list the
 * server refuses (403: RBAC does not allow it; 404: it does not serve
 * that resource) does not fail the round: its kind is stored empty and
 * the round's warning says what is not shown and why, so a role that
 * allows deployments and pods but not statefulsets keeps its data.  Only
 * a round in which every list was refused fails.  A poller that runs one
 * round only (fetch --once) starts no watch; a server whose lists carry
 * no resourceVersion, or that does not allow watches, is listed every
 * round as before.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "backends/backend.h"
#include "backends/endpoint.h"
#include "backends/http.h"
#include "backends/kube.h"
#include "backends/kubeconfig.h"
#include "backends/runtime.h"
#include "backends/url.h"
#include "base/buf.h"
#include "base/json.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/store.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

#define KUBE_MAX_PAGES		2000	/* 1M objects per list */
#define KUBE_MAX_MESSAGE	1024	/* bytes of a message kept */
#define KUBE_MAX_TOKEN		8192	/* bytes of a continue token */
#define KUBE_MAX_SUMMARY_CONTAINERS 32	/* containers in a template summary */
#define KUBE_MAX_SUMMARY_KEYS	64	/* env names, resources per container */
#define KUBE_MAX_SUMMARY_TEXT	512	/* bytes of a name, image, quantity */
#define KUBE_WATCH_LINE_MAX	(4 * 1024 * 1024) /* bytes of a watch event */
#define KUBE_WATCH_SECONDS	300	/* timeoutSeconds: 5 to 10 minutes */
#define KUBE_WATCH_GRACE_S	30	/* beyond it, before a watch times out */
#define KUBE_BACKOFF_MIN_MS	1000	/* before a relist after a failure */
#define KUBE_BACKOFF_MAX_MS	30000

/* ------------------------------------------------------------------ */
/* Kubernetes shapes (read with base/json.h)                          */
/* ------------------------------------------------------------------ */

/*
 * Conditions reduced to what a console shows (type, status, reason,
 * message), as JSON text; "[]" if there are none.
 */
static char *
kube_conditions(const cJSON *obj, const char *path)
{
	const cJSON	*list = json_get(obj, path), *c;
	cJSON		*out, *o;
	char		*text;
	static const char *const keep[] = { "type", "status", "reason",
	    "message" };
	size_t		 i;

	out = cJSON_CreateArray();
	cJSON_ArrayForEach(c, json_array(list)) {
		if (!cJSON_IsObject(c))
			continue;
		o = cJSON_CreateObject();
		for (i = 0; i < sizeof keep / sizeof keep[0]; i++) {
			const char	*v = json_peek(c, keep[i]);

			if (v != NULL)
				cJSON_AddStringToObject(o, keep[i], v);
		}
		cJSON_AddItemToArray(out, o);
	}
	text = json_text(out, NULL);
	cJSON_Delete(out);
	return text != NULL ? text : xstrdup("[]");
}

/* The status ("True") of condition type in the list at path, or NULL. */
static const char *
kube_condition(const cJSON *obj, const char *path, const char *type)
{
	const cJSON	*list = json_get(obj, path), *c;
	const char	*t;

	cJSON_ArrayForEach(c, json_array(list)) {
		t = json_peek(c, "type");
		if (t != NULL && strcmp(t, type) == 0)
			return json_peek(c, "status");
	}
	return NULL;
}

/* The controlling owner reference, else the first one, else NULL. */
static const cJSON *
kube_owner(const cJSON *item)
{
	const cJSON	*refs = json_get(item, "metadata.ownerReferences"), *r;

	cJSON_ArrayForEach(r, json_array(refs)) {
		if (cJSON_IsTrue(json_get(r, "controller")))
			return r;
	}
	if (cJSON_IsArray(refs) && cJSON_IsObject(refs->child))
		return refs->child;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Rows and the table of kinds                                         */
/* ------------------------------------------------------------------ */

/* One column of a row: 16 bytes, as the informer holds every object. */
struct kube_val {
	union {
		int64_t	 i;	/* type 1 */
		char	*s;	/* type 2 */
	}	 u;
	int	 type;		/* 0 NULL, 1 integer, 2 text */
};

/* The text of a column, or NULL when it holds none. */
static char *
kv_str(const struct kube_val *v)
{
	return v->type == 2 ? v->u.s : NULL;
}

struct kube_rows;
typedef void	(*kube_parse_fn)(struct kube_rows *, struct kube_val *,
		    const cJSON *);

struct kube_kind_def {
	const char		*resource;	/* "pods" */
	const char		*api;		/* "/api/v1", "/apis/apps/v1" */
	int			 namespaced;
	const char		*table;
	int			 has_seen;	/* a seen_ms column */
	const char *const	*columns;	/* without context, seen_ms */
	kube_parse_fn		 parse;
};

struct kube_rows {
	const struct kube_kind_def	*def;
	size_t				 ncols;
	struct kube_val			*vals;	/* n rows of ncols */
	size_t				 n;
	size_t				 cap;
	char				*version;	/* of the last page */
};

/* The index of column name in rows' kind; aborts if it has none. */
static size_t
kr_col(const struct kube_rows *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->ncols; i++) {
		if (strcmp(r->def->columns[i], name) == 0)
			return i;
	}
	abort();	/* a column the table does not have: a bug */
}

/* Set a text column (taking s, which may be NULL). */
static void
kr_text(struct kube_rows *r, struct kube_val *row, const char *col, char *s)
{
	struct kube_val	*v = &row[kr_col(r, col)];

	free(kv_str(v));
	v->u.s = s;
	v->type = s != NULL ? 2 : 0;
}

/* Set an integer column. */
static void
kr_int(struct kube_rows *r, struct kube_val *row, const char *col, int64_t i)
{
	struct kube_val	*v = &row[kr_col(r, col)];

	free(kv_str(v));
	v->type = 1;
	v->u.i = i;
}

/* Set an integer column from path, or NULL if it is absent. */
static void
kr_int_at(struct kube_rows *r, struct kube_val *row, const char *col,
    const cJSON *obj, const char *path, int dflt_null, int64_t dflt)
{
	int64_t	i;

	if (json_int(json_get(obj, path), &i) == 0)
		kr_int(r, row, col, i);
	else if (!dflt_null)
		kr_int(r, row, col, dflt);
}

/* Set a time column (ms) from path, NULL if absent. */
static void
kr_time_at(struct kube_rows *r, struct kube_val *row, const char *col,
    const cJSON *obj, const char *path)
{
	int64_t	ms = json_timeval(json_get(obj, path));

	if (ms > 0)
		kr_int(r, row, col, ms);
}

/* The revision annotation as a number, or -1. */
static int64_t
kube_revision(const cJSON *item)
{
	const char	*v = json_peek(json_get(item, "metadata.annotations"),
			    "deployment.kubernetes.io/revision");
	int64_t		 rev;

	if (v == NULL || util_parse_int64(v, &rev) != 0 || rev < 0)
		return -1;
	return rev;
}

/* Common metadata: namespace, name, uid. */
static void
kr_meta(struct kube_rows *r, struct kube_val *row, const cJSON *item)
{
	kr_text(r, row, "namespace", json_str_at(item, "metadata.namespace"));
	kr_text(r, row, "name", json_str_at(item, "metadata.name"));
	kr_text(r, row, "uid", json_str_at(item, "metadata.uid"));
}

/* A message, sanitised and cut to size. */
static char *
kube_message(const cJSON *obj, const char *path)
{
	char	*m = json_str_at(obj, path);

	if (m != NULL)
		sanitize_utf8_cut(m, KUBE_MAX_MESSAGE);
	return m;
}

/* apps/v1 Deployment. */
static void
kube_parse_deployment(struct kube_rows *r, struct kube_val *row,
    const cJSON *item)
{
	int64_t	rev;

	kr_meta(r, row, item);
	kr_int_at(r, row, "generation", item, "metadata.generation", 1, 0);
	kr_int_at(r, row, "observed_generation", item,
	    "status.observedGeneration", 1, 0);
	kr_int_at(r, row, "replicas", item, "spec.replicas", 0, 1);
	kr_int_at(r, row, "ready_replicas", item, "status.readyReplicas", 0,
	    0);
	kr_int_at(r, row, "updated_replicas", item, "status.updatedReplicas",
	    0, 0);
	kr_int_at(r, row, "available_replicas", item,
	    "status.availableReplicas", 0, 0);
	if ((rev = kube_revision(item)) >= 0)
		kr_int(r, row, "revision", rev);
	kr_text(r, row, "labels", json_text(json_get(item, "metadata.labels"),
	    NULL));
	kr_text(r, row, "selector",
	    json_text(json_get(item, "spec.selector.matchLabels"), NULL));
	kr_text(r, row, "conditions", kube_conditions(item, "status.conditions"));
	kr_time_at(r, row, "created_ms", item, "metadata.creationTimestamp");
}

/* apps/v1 StatefulSet. */
static void
kube_parse_statefulset(struct kube_rows *r, struct kube_val *row,
    const cJSON *item)
{
	kr_meta(r, row, item);
	kr_int_at(r, row, "generation", item, "metadata.generation", 1, 0);
	kr_int_at(r, row, "observed_generation", item,
	    "status.observedGeneration", 1, 0);
	kr_int_at(r, row, "replicas", item, "spec.replicas", 0, 1);
	kr_int_at(r, row, "ready_replicas", item, "status.readyReplicas", 0,
	    0);
	kr_int_at(r, row, "current_replicas", item, "status.currentReplicas",
	    0, 0);
	kr_int_at(r, row, "updated_replicas", item, "status.updatedReplicas",
	    0, 0);
	kr_int_at(r, row, "available_replicas", item,
	    "status.availableReplicas", 0, 0);
	kr_text(r, row, "current_revision", json_str_at(item,
	    "status.currentRevision"));
	kr_text(r, row, "update_revision", json_str_at(item,
	    "status.updateRevision"));
	kr_text(r, row, "labels", json_text(json_get(item, "metadata.labels"),
	    NULL));
	kr_text(r, row, "selector",
	    json_text(json_get(item, "spec.selector.matchLabels"), NULL));
	kr_text(r, row, "conditions", kube_conditions(item, "status.conditions"));
	kr_time_at(r, row, "created_ms", item, "metadata.creationTimestamp");
}

/* apps/v1 DaemonSet. */
static void
kube_parse_daemonset(struct kube_rows *r, struct kube_val *row,
    const cJSON *item)
{
	static const char *const counts[][2] = {
		{ "desired", "status.desiredNumberScheduled" },
		{ "current", "status.currentNumberScheduled" },
		{ "ready", "status.numberReady" },
		{ "updated", "status.updatedNumberScheduled" },
		{ "available", "status.numberAvailable" },
		{ "misscheduled", "status.numberMisscheduled" },
	};
	size_t	i;

	kr_meta(r, row, item);
	kr_int_at(r, row, "generation", item, "metadata.generation", 1, 0);
	kr_int_at(r, row, "observed_generation", item,
	    "status.observedGeneration", 1, 0);
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++)
		kr_int_at(r, row, counts[i][0], item, counts[i][1], 0, 0);
	kr_text(r, row, "labels", json_text(json_get(item, "metadata.labels"),
	    NULL));
	kr_text(r, row, "selector",
	    json_text(json_get(item, "spec.selector.matchLabels"), NULL));
	kr_text(r, row, "conditions", kube_conditions(item, "status.conditions"));
	kr_time_at(r, row, "created_ms", item, "metadata.creationTimestamp");
}

/* A name, quantity or image as kept in a template summary: cut, clean. */
static char *
kube_summary_text(const char *s)
{
	char	*t = sanitize_utf8(s, strlen(s));

	sanitize_utf8_cut(t, KUBE_MAX_SUMMARY_TEXT);
	return t;
}

/* Add member key of summary o as text s (borrowed), cut and cleaned. */
static void
kube_summary_add(cJSON *o, const char *key, const char *s)
{
	char	*t = kube_summary_text(s);

	cJSON_AddStringToObject(o, key, t);
	free(t);
}

/* The requests or limits of a container as {resource: quantity}. */
static cJSON *
kube_summary_quantities(const cJSON *q)
{
	const cJSON	*v;
	cJSON		*out = cJSON_CreateObject();
	char		*k, *text;
	size_t		 n = 0;

	cJSON_ArrayForEach(v, q) {
		if (v->string == NULL || n++ >= KUBE_MAX_SUMMARY_KEYS)
			continue;
		text = cJSON_IsString(v) ? xstrdup(v->valuestring) :
		    json_text(v, "?");
		k = kube_summary_text(v->string);
		kube_summary_add(out, k, text);
		free(k);
		free(text);
	}
	return out;
}

/* A pod template's summary (kube_replicasets.containers); see kube.h. */
char *
kube_template_summary(const cJSON *tmpl)
{
	static const char *const res[] = { "requests", "limits" };
	const cJSON	*c, *e, *r;
	cJSON		*out = cJSON_CreateArray(), *o, *env;
	const char	*v;
	char		*text;
	size_t		 nc = 0, ne, i;

	cJSON_ArrayForEach(c, json_array(json_get(tmpl, "spec.containers"))) {
		if (!cJSON_IsObject(c) || nc++ >= KUBE_MAX_SUMMARY_CONTAINERS)
			continue;
		o = cJSON_CreateObject();
		if ((v = json_peek(c, "name")) != NULL)
			kube_summary_add(o, "name", v);
		if ((v = json_peek(c, "image")) != NULL)
			kube_summary_add(o, "image", v);
		env = cJSON_CreateArray();
		ne = 0;
		cJSON_ArrayForEach(e, json_array(json_member(c, "env"))) {
			if ((v = json_peek(e, "name")) == NULL ||
			    ne++ >= KUBE_MAX_SUMMARY_KEYS)
				continue;
			text = kube_summary_text(v);
			cJSON_AddItemToArray(env, cJSON_CreateString(text));
			free(text);
		}
		cJSON_AddItemToObject(o, "env", env);
		for (i = 0; i < 2; i++) {
			r = json_member(json_member(c, "resources"), res[i]);
			if (cJSON_IsObject(r))
				cJSON_AddItemToObject(o, res[i],
				    kube_summary_quantities(r));
		}
		cJSON_AddItemToArray(out, o);
	}
	text = json_text(out, NULL);
	cJSON_Delete(out);
	return text;
}

/* apps/v1 ReplicaSet. */
static void
kube_parse_replicaset(struct kube_rows *r, struct kube_val *row,
    const cJSON *item)
{
	const cJSON	*owner = kube_owner(item), *cs, *c;
	cJSON		*images;
	const char	*hash, *img;
	int64_t		 rev;

	kr_meta(r, row, item);
	kr_text(r, row, "owner_uid", json_str_at(owner, "uid"));
	kr_text(r, row, "owner_name", json_str_at(owner, "name"));
	if ((rev = kube_revision(item)) >= 0)
		kr_int(r, row, "revision", rev);
	kr_int_at(r, row, "replicas", item, "spec.replicas", 0, 1);
	kr_int_at(r, row, "ready_replicas", item, "status.readyReplicas", 0,
	    0);
	hash = json_peek(json_get(item, "metadata.labels"), "pod-template-hash");
	kr_text(r, row, "template_hash", hash != NULL ?
	    sanitize_utf8(hash, strlen(hash)) : NULL);
	kr_time_at(r, row, "created_ms", item, "metadata.creationTimestamp");
	images = cJSON_CreateArray();
	cs = json_get(item, "spec.template.spec.containers");
	cJSON_ArrayForEach(c, json_array(cs)) {
		if ((img = json_peek(c, "image")) != NULL)
			cJSON_AddItemToArray(images, cJSON_CreateString(img));
	}
	kr_text(r, row, "images", json_text(images, NULL));
	cJSON_Delete(images);
	kr_text(r, row, "containers", kube_template_summary(json_get(item,
	    "spec.template")));
}

/* Whether a waiting reason is only a normal step of starting. */
static int
kube_benign_waiting(const char *reason)
{
	return strcmp(reason, "ContainerCreating") == 0 ||
	    strcmp(reason, "PodInitializing") == 0;
}

/*
 * The most telling reason a pod is unwell, and its message: a container
 * waiting for a bad reason (CrashLoopBackOff, ImagePullBackOff ...), then
 * one terminated other than by completing, then the reason its last run
 * ended (OOMKilled, Error), then the pod's own reason (Evicted).  Init
 * containers come first, prefixed "Init:" as kubectl shows them.
 */
static void
kube_pod_reason(const cJSON *item, char **reason, char **message)
{
	static const char *const lists[2] = {
		"status.initContainerStatuses", "status.containerStatuses"
	};
	static const char *const states[3] = {
		"state.waiting", "state.terminated", "lastState.terminated"
	};
	const cJSON	*cs, *c, *st;
	const char	*why;
	int		 pass, l;

	*reason = *message = NULL;
	for (pass = 0; pass < 3; pass++) {
		for (l = 0; l < 2; l++) {
			cs = json_get(item, lists[l]);
			cJSON_ArrayForEach(c, json_array(cs)) {
				st = json_get(c, states[pass]);
				why = json_peek(st, "reason");
				if (why == NULL || *why == '\0')
					continue;
				if (pass == 0 && kube_benign_waiting(why))
					continue;
				if (pass > 0 && strcmp(why, "Completed") == 0)
					continue;
				if (l == 0) {
					char	*p = xasprintf("Init:%s", why);

					*reason = sanitize_utf8(p, strlen(p));
					free(p);
				} else
					*reason = sanitize_utf8(why,
					    strlen(why));
				*message = kube_message(st, "message");
				return;
			}
		}
	}
	if ((*reason = json_str_at(item, "status.reason")) != NULL)
		*message = kube_message(item, "status.message");
}

/* core/v1 Pod. */
static void
kube_parse_pod(struct kube_rows *r, struct kube_val *row, const cJSON *item)
{
	const cJSON	*owner = kube_owner(item), *cs, *c;
	const char	*ready;
	int64_t		 restarts = 0, n;
	char		*reason, *message;

	kr_meta(r, row, item);
	kr_text(r, row, "owner_kind", json_str_at(owner, "kind"));
	kr_text(r, row, "owner_name", json_str_at(owner, "name"));
	kr_text(r, row, "node", json_str_at(item, "spec.nodeName"));
	kr_text(r, row, "phase", json_str_at(item, "status.phase"));
	ready = kube_condition(item, "status.conditions", "Ready");
	kr_int(r, row, "ready", ready != NULL && strcmp(ready, "True") == 0);
	cs = json_get(item, "status.containerStatuses");
	cJSON_ArrayForEach(c, json_array(cs)) {
		if (json_int(json_get(c, "restartCount"), &n) == 0 && n > 0)
			restarts += n;
	}
	kr_int(r, row, "restarts", restarts);
	kube_pod_reason(item, &reason, &message);
	kr_text(r, row, "reason", reason);
	kr_text(r, row, "message", message);
	kr_text(r, row, "labels", json_text(json_get(item, "metadata.labels"),
	    NULL));
	kr_time_at(r, row, "started_ms", item, "status.startTime");
}

/* core/v1 Event. */
static void
kube_parse_event(struct kube_rows *r, struct kube_val *row,
    const cJSON *item)
{
	static const char *const times[] = { "lastTimestamp", "eventTime",
	    "series.lastObservedTime", "firstTimestamp",
	    "metadata.creationTimestamp" };
	char		*uid, *ns, *name;
	int64_t		 count, ms = 0;
	size_t		 i;

	ns = json_str_at(item, "metadata.namespace");
	kr_text(r, row, "namespace", ns != NULL ? ns : xstrdup(""));
	if ((uid = json_str_at(item, "metadata.uid")) == NULL) {
		name = json_str_at(item, "metadata.name");
		uid = xasprintf("%s/%s", ns != NULL ? ns : "",
		    name != NULL ? name : "");
		free(name);
	}
	kr_text(r, row, "uid", uid);
	kr_text(r, row, "involved_kind", json_str_at(item, "involvedObject.kind"));
	kr_text(r, row, "involved_name", json_str_at(item, "involvedObject.name"));
	kr_text(r, row, "type", json_str_at(item, "type"));
	kr_text(r, row, "reason", json_str_at(item, "reason"));
	kr_text(r, row, "message", kube_message(item, "message"));
	if (json_int(json_get(item, "count"), &count) != 0 &&
	    json_int(json_get(item, "series.count"), &count) != 0)
		count = 1;
	kr_int(r, row, "count", count);
	for (i = 0; i < sizeof times / sizeof times[0] && ms == 0; i++)
		ms = json_timeval(json_get(item, times[i]));
	if (ms > 0)
		kr_int(r, row, "last_ms", ms);
}

/* core/v1 Node. */
static void
kube_parse_node(struct kube_rows *r, struct kube_val *row, const cJSON *item)
{
	const char	*ready = kube_condition(item, "status.conditions", "Ready");

	kr_text(r, row, "name", json_str_at(item, "metadata.name"));
	kr_int(r, row, "ready", ready != NULL && strcmp(ready, "True") == 0);
	kr_text(r, row, "conditions", kube_conditions(item, "status.conditions"));
	kr_int(r, row, "unschedulable",
	    cJSON_IsTrue(json_get(item, "spec.unschedulable")));
	kr_text(r, row, "labels", json_text(json_get(item, "metadata.labels"),
	    NULL));
}

/* core/v1 Namespace. */
static void
kube_parse_namespace(struct kube_rows *r, struct kube_val *row,
    const cJSON *item)
{
	kr_text(r, row, "name", json_str_at(item, "metadata.name"));
	kr_text(r, row, "phase", json_str_at(item, "status.phase"));
}

static const char *const kube_cols_deployments[] = {
	"namespace", "name", "uid", "generation", "observed_generation",
	"replicas", "ready_replicas", "updated_replicas", "available_replicas",
	"revision", "labels", "selector", "conditions", "created_ms", NULL
};
static const char *const kube_cols_replicasets[] = {
	"namespace", "name", "uid", "owner_uid", "owner_name", "revision",
	"replicas", "ready_replicas", "template_hash", "created_ms", "images",
	"containers", NULL
};
static const char *const kube_cols_pods[] = {
	"namespace", "name", "uid", "owner_kind", "owner_name", "node",
	"phase", "ready", "restarts", "reason", "message", "labels",
	"started_ms", NULL
};
static const char *const kube_cols_events[] = {
	"namespace", "uid", "involved_kind", "involved_name", "type",
	"reason", "message", "count", "last_ms", NULL
};
static const char *const kube_cols_nodes[] = {
	"name", "ready", "conditions", "unschedulable", "labels", NULL
};
static const char *const kube_cols_namespaces[] = {
	"name", "phase", NULL
};
static const char *const kube_cols_statefulsets[] = {
	"namespace", "name", "uid", "generation", "observed_generation",
	"replicas", "ready_replicas", "current_replicas", "updated_replicas",
	"available_replicas", "current_revision", "update_revision", "labels",
	"selector", "conditions", "created_ms", NULL
};
static const char *const kube_cols_daemonsets[] = {
	"namespace", "name", "uid", "generation", "observed_generation",
	"desired", "current", "ready", "updated", "available", "misscheduled",
	"labels", "selector", "conditions", "created_ms", NULL
};

static const struct kube_kind_def kube_kinds[KUBE_NKINDS] = {
	{ "deployments", "/apis/apps/v1", 1, "kube_deployments", 1,
	    kube_cols_deployments, kube_parse_deployment },
	{ "replicasets", "/apis/apps/v1", 1, "kube_replicasets", 1,
	    kube_cols_replicasets, kube_parse_replicaset },
	{ "pods", "/api/v1", 1, "kube_pods", 1,
	    kube_cols_pods, kube_parse_pod },
	{ "events", "/api/v1", 1, "kube_events", 0,
	    kube_cols_events, kube_parse_event },
	{ "nodes", "/api/v1", 0, "kube_nodes", 1,
	    kube_cols_nodes, kube_parse_node },
	{ "namespaces", "/api/v1", 0, "kube_namespaces", 1,
	    kube_cols_namespaces, kube_parse_namespace },
	{ "statefulsets", "/apis/apps/v1", 1, "kube_statefulsets", 1,
	    kube_cols_statefulsets, kube_parse_statefulset },
	{ "daemonsets", "/apis/apps/v1", 1, "kube_daemonsets", 1,
	    kube_cols_daemonsets, kube_parse_daemonset }
};

/* The API resource name of kind. */
const char *
kube_kind_resource(enum kube_kind kind)
{
	return kube_kinds[kind].resource;
}

/* Empty rows of kind. */
struct kube_rows *
kube_rows_new(enum kube_kind kind)
{
	struct kube_rows	*r;

	r = xcalloc(1, sizeof *r);
	r->def = &kube_kinds[kind];
	while (r->def->columns[r->ncols] != NULL)
		r->ncols++;
	return r;
}

/* Forget every row. */
void
kube_rows_clear(struct kube_rows *r)
{
	size_t	i;

	for (i = 0; i < r->n * r->ncols; i++)
		free(kv_str(&r->vals[i]));
	free(r->vals);
	r->vals = NULL;
	r->n = r->cap = 0;
	free(r->version);
	r->version = NULL;
}

/* Free rows. */
void
kube_rows_free(struct kube_rows *r)
{
	if (r == NULL)
		return;
	kube_rows_clear(r);
	free(r);
}

/* How many rows. */
size_t
kube_rows_count(const struct kube_rows *r)
{
	return r->n;
}

/* Room for extra more rows. */
static void
kr_reserve(struct kube_rows *r, size_t extra)
{
	if (r->n + extra <= r->cap)
		return;
	/* Half again, not twice: the informer keeps these arrays. */
	r->cap = r->n + extra > r->cap + r->cap / 2 ? r->n + extra :
	    r->cap + r->cap / 2;
	r->vals = xreallocarray(r->vals, r->cap * r->ncols, sizeof *r->vals);
}

/* Row i of r. */
static struct kube_val *
kr_row(const struct kube_rows *r, size_t i)
{
	return &r->vals[i * r->ncols];
}

/* Free the strings of one row. */
static void
kr_row_free(const struct kube_rows *r, struct kube_val *row)
{
	size_t	c;

	for (c = 0; c < r->ncols; c++)
		free(kv_str(&row[c]));
	memset(row, 0, r->ncols * sizeof *row);
}

/*
 * Append the row of one object (room must be reserved): 0, or -1 if it
 * has no name and so cannot be keyed (nothing appended).
 */
static int
kr_add_item(struct kube_rows *r, const cJSON *item)
{
	struct kube_val	*row = kr_row(r, r->n);
	size_t		 key = r->def->namespaced ? 1 : 0;	/* or uid */

	memset(row, 0, r->ncols * sizeof *row);
	r->def->parse(r, row, item);
	if (row[key].type != 2 || (r->def->namespaced && row[0].type != 2)) {
		kr_row_free(r, row);
		return -1;
	}
	r->n++;
	return 0;
}

/* Append the items of one page of a list. */
int
kube_rows_parse(struct kube_rows *r, const char *body, size_t len,
    char **next, char **cause)
{
	cJSON		*root;
	const cJSON	*items, *item;
	const char	*kind, *token, *version;

	*next = NULL;
	root = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*cause = xasprintf("the answer to the list of %s is not JSON; "
		    "is the server a Kubernetes API server?", r->def->resource);
		return -1;
	}
	kind = json_peek(root, "kind");
	items = cJSON_GetObjectItemCaseSensitive(root, "items");
	if ((kind != NULL && strcmp(kind, "Status") == 0) ||
	    (!cJSON_IsArray(items) && !cJSON_IsNull(items))) {
		cJSON_Delete(root);
		*cause = xasprintf("the answer to the list of %s is not a "
		    "list; is the server a Kubernetes API server?",
		    r->def->resource);
		return -1;
	}
	kr_reserve(r, (size_t)cJSON_GetArraySize(items));
	cJSON_ArrayForEach(item, items) {
		if (cJSON_IsObject(item))
			kr_add_item(r, item);
	}
	token = json_peek(json_get(root, "metadata"), "continue");
	if (token != NULL && *token != '\0')
		*next = xstrndup(token, KUBE_MAX_TOKEN);
	version = json_peek(json_get(root, "metadata"), "resourceVersion");
	if (version != NULL && *version != '\0') {
		free(r->version);
		r->version = xstrndup(version, KUBE_MAX_TOKEN);
	}
	cJSON_Delete(root);
	return 0;
}

/* The resourceVersion of the last page parsed, or NULL. */
const char *
kube_rows_version(const struct kube_rows *r)
{
	return r->version;
}

/* Find a column by name for the accessors; -1 if there is none. */
static int
kr_find(const struct kube_rows *r, const char *column)
{
	size_t	i;

	for (i = 0; i < r->ncols; i++) {
		if (strcmp(r->def->columns[i], column) == 0)
			return (int)i;
	}
	return -1;
}

/* A text column of row i. */
const char *
kube_rows_text(const struct kube_rows *r, size_t i, const char *column)
{
	int	c = kr_find(r, column);

	if (c < 0 || i >= r->n || r->vals[i * r->ncols + (size_t)c].type != 2)
		return NULL;
	return r->vals[i * r->ncols + (size_t)c].u.s;
}

/* An integer column of row i. */
int
kube_rows_int(const struct kube_rows *r, size_t i, const char *column,
    int64_t *out)
{
	int	c = kr_find(r, column);

	if (c < 0 || i >= r->n || r->vals[i * r->ncols + (size_t)c].type != 1)
		return -1;
	*out = r->vals[i * r->ncols + (size_t)c].u.i;
	return 0;
}

/* A text column of row i for a store row (NULL if NULL). */
#define KR_T(r, i, col)	kube_rows_text((r), (i), (col))

/* An integer column of row i for a store row (STORE_NULL if NULL). */
static int64_t
kr_i(const struct kube_rows *r, size_t i, const char *column)
{
	int64_t	v;

	return kube_rows_int(r, i, column, &v) == 0 ? v : STORE_NULL;
}

/* Row i of deployments as a store row (borrowing r's strings). */
static void
kube_deployment_row(const struct kube_rows *r, size_t i, void *out)
{
	struct store_deployment	*d = out;

	d->namespace = KR_T(r, i, "namespace");
	d->name = KR_T(r, i, "name");
	d->uid = KR_T(r, i, "uid");
	d->generation = kr_i(r, i, "generation");
	d->observed_generation = kr_i(r, i, "observed_generation");
	d->replicas = kr_i(r, i, "replicas");
	d->ready_replicas = kr_i(r, i, "ready_replicas");
	d->updated_replicas = kr_i(r, i, "updated_replicas");
	d->available_replicas = kr_i(r, i, "available_replicas");
	d->revision = kr_i(r, i, "revision");
	d->labels = KR_T(r, i, "labels");
	d->selector = KR_T(r, i, "selector");
	d->conditions = KR_T(r, i, "conditions");
	d->created_ms = kr_i(r, i, "created_ms");
}

/* Row i of replica sets as a store row. */
static void
kube_replicaset_row(const struct kube_rows *r, size_t i, void *out)
{
	struct store_replicaset	*x = out;

	x->namespace = KR_T(r, i, "namespace");
	x->name = KR_T(r, i, "name");
	x->uid = KR_T(r, i, "uid");
	x->owner_uid = KR_T(r, i, "owner_uid");
	x->owner_name = KR_T(r, i, "owner_name");
	x->revision = kr_i(r, i, "revision");
	x->replicas = kr_i(r, i, "replicas");
	x->ready_replicas = kr_i(r, i, "ready_replicas");
	x->template_hash = KR_T(r, i, "template_hash");
	x->created_ms = kr_i(r, i, "created_ms");
	x->images = KR_T(r, i, "images");
	x->containers = KR_T(r, i, "containers");
}

/* Row i of pods as a store row. */
static void
kube_pod_row(const struct kube_rows *r, size_t i, void *out)
{
	struct store_pod	*p = out;

	p->namespace = KR_T(r, i, "namespace");
	p->name = KR_T(r, i, "name");
	p->uid = KR_T(r, i, "uid");
	p->owner_kind = KR_T(r, i, "owner_kind");
	p->owner_name = KR_T(r, i, "owner_name");
	p->node = KR_T(r, i, "node");
	p->phase = KR_T(r, i, "phase");
	p->ready = kr_i(r, i, "ready");
	p->restarts = kr_i(r, i, "restarts");
	p->reason = KR_T(r, i, "reason");
	p->message = KR_T(r, i, "message");
	p->labels = KR_T(r, i, "labels");
	p->started_ms = kr_i(r, i, "started_ms");
}

/* Row i of events as a store row. */
static void
kube_event_row(const struct kube_rows *r, size_t i, void *out)
{
	struct store_event	*e = out;

	e->namespace = KR_T(r, i, "namespace");
	e->uid = KR_T(r, i, "uid");
	e->involved_kind = KR_T(r, i, "involved_kind");
	e->involved_name = KR_T(r, i, "involved_name");
	e->type = KR_T(r, i, "type");
	e->reason = KR_T(r, i, "reason");
	e->message = KR_T(r, i, "message");
	e->count = kr_i(r, i, "count");
	e->last_ms = kr_i(r, i, "last_ms");
}

/* Row i of stateful sets as a store row. */
static void
kube_statefulset_row(const struct kube_rows *r, size_t i, void *out)
{
	struct store_statefulset	*x = out;

	x->namespace = KR_T(r, i, "namespace");
	x->name = KR_T(r, i, "name");
	x->uid = KR_T(r, i, "uid");
	x->generation = kr_i(r, i, "generation");
	x->observed_generation = kr_i(r, i, "observed_generation");
	x->replicas = kr_i(r, i, "replicas");
	x->ready_replicas = kr_i(r, i, "ready_replicas");
	x->current_replicas = kr_i(r, i, "current_replicas");
	x->updated_replicas = kr_i(r, i, "updated_replicas");
	x->available_replicas = kr_i(r, i, "available_replicas");
	x->current_revision = KR_T(r, i, "current_revision");
	x->update_revision = KR_T(r, i, "update_revision");
	x->labels = KR_T(r, i, "labels");
	x->selector = KR_T(r, i, "selector");
	x->conditions = KR_T(r, i, "conditions");
	x->created_ms = kr_i(r, i, "created_ms");
}

/* Row i of daemon sets as a store row. */
static void
kube_daemonset_row(const struct kube_rows *r, size_t i, void *out)
{
	struct store_daemonset	*x = out;

	x->namespace = KR_T(r, i, "namespace");
	x->name = KR_T(r, i, "name");
	x->uid = KR_T(r, i, "uid");
	x->generation = kr_i(r, i, "generation");
	x->observed_generation = kr_i(r, i, "observed_generation");
	x->desired = kr_i(r, i, "desired");
	x->current = kr_i(r, i, "current");
	x->ready = kr_i(r, i, "ready");
	x->updated = kr_i(r, i, "updated");
	x->available = kr_i(r, i, "available");
	x->misscheduled = kr_i(r, i, "misscheduled");
	x->labels = KR_T(r, i, "labels");
	x->selector = KR_T(r, i, "selector");
	x->conditions = KR_T(r, i, "conditions");
	x->created_ms = kr_i(r, i, "created_ms");
}

/* Row i of nodes as a store row. */
static void
kube_node_row(const struct kube_rows *r, size_t i, void *out)
{
	struct store_node	*nd = out;

	nd->name = KR_T(r, i, "name");
	nd->ready = kr_i(r, i, "ready");
	nd->conditions = KR_T(r, i, "conditions");
	nd->unschedulable = kr_i(r, i, "unschedulable");
	nd->labels = KR_T(r, i, "labels");
}

/* Row i of namespaces as a store row. */
static void
kube_namespace_row(const struct kube_rows *r, size_t i, void *out)
{
	struct store_namespace	*ns = out;

	ns->name = KR_T(r, i, "name");
	ns->phase = KR_T(r, i, "phase");
}

/* Each kind's store row: its size, and how row i of rows fills one. */
static const struct {
	size_t	size;
	void	(*row)(const struct kube_rows *, size_t, void *);
} kube_conv[KUBE_NKINDS] = {
	{ sizeof(struct store_deployment), kube_deployment_row },
	{ sizeof(struct store_replicaset), kube_replicaset_row },
	{ sizeof(struct store_pod), kube_pod_row },
	{ sizeof(struct store_event), kube_event_row },
	{ sizeof(struct store_node), kube_node_row },
	{ sizeof(struct store_namespace), kube_namespace_row },
	{ sizeof(struct store_statefulset), kube_statefulset_row },
	{ sizeof(struct store_daemonset), kube_daemonset_row }
};

/* Replace the context's rows of kind with those of the lists of kind. */
int
kube_rows_store(struct cache *cache, const char *context,
    enum kube_kind kind, const struct kube_rows *const *lists, size_t nlists,
    int64_t now_ms, char **cause)
{
	void	*rows;
	size_t	 l, i, n = 0;
	int	 rc = -1;

	for (l = 0; l < nlists; l++) {
		if (lists[l]->def == &kube_kinds[kind])
			n += lists[l]->n;
	}
	rows = xcalloc(n + 1, kube_conv[kind].size);
	n = 0;
	for (l = 0; l < nlists; l++) {
		if (lists[l]->def != &kube_kinds[kind])
			continue;
		for (i = 0; i < lists[l]->n; i++)
			kube_conv[kind].row(lists[l], i, (char *)rows + n++ *
			    kube_conv[kind].size);
	}
	switch (kind) {
	case KUBE_DEPLOYMENTS:
		rc = store_deployments(cache, context,
		    rows, n, now_ms,
		    cause);
		break;
	case KUBE_REPLICASETS:
		rc = store_replicasets(cache, context,
		    rows, n, now_ms,
		    cause);
		break;
	case KUBE_PODS:
		rc = store_pods(cache, context,
		    rows, n, now_ms, cause);
		break;
	case KUBE_EVENTS:
		rc = store_events(cache, context,
		    rows, n, cause);
		break;
	case KUBE_NODES:
		rc = store_nodes(cache, context,
		    rows, n, now_ms, cause);
		break;
	case KUBE_NAMESPACES:
		rc = store_namespaces(cache, context,
		    rows, n, now_ms,
		    cause);
		break;
	case KUBE_STATEFULSETS:
		rc = store_statefulsets(cache, context, rows, n, now_ms,
		    cause);
		break;
	case KUBE_DAEMONSETS:
		rc = store_daemonsets(cache, context, rows, n, now_ms, cause);
		break;
	case KUBE_NKINDS:
		break;
	}
	free(rows);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Status answers as sentences                                         */
/* ------------------------------------------------------------------ */

/* The message of a Kubernetes Status body (allocated, clean), or NULL. */
static char *
kube_status_message(const char *body, size_t len)
{
	cJSON		*root;
	const char	*kind, *msg;
	char		*clean = NULL, *out;

	if (body == NULL || len == 0)
		return NULL;
	root = cJSON_ParseWithLength(body, len);
	kind = json_peek(root, "kind");
	msg = json_peek(root, "message");
	if (kind != NULL && strcmp(kind, "Status") == 0 && msg != NULL &&
	    *msg != '\0') {
		clean = sanitize_utf8(msg, strlen(msg));
		sanitize_utf8_cut(clean, 400);
	}
	cJSON_Delete(root);
	if (clean == NULL)
		return NULL;
	out = sanitize_terminal(clean, 0);
	free(clean);
	return out;
}

/* Whether resource is namespaced (unknown ones are taken to be). */
static int
kube_resource_namespaced(const char *resource)
{
	int	k;

	for (k = 0; k < KUBE_NKINDS; k++) {
		if (strcmp(kube_kinds[k].resource, resource) == 0)
			return kube_kinds[k].namespaced;
	}
	return 1;
}

/* A sentence for an answer that is not 2xx. */
char *
kube_status_sentence(long status, const char *body, size_t len,
    const char *verb, const char *resource, const char *ns, const char *name)
{
	char	*msg = kube_status_message(body, len), *out, *where, *excerpt;
	char	*raw;

	if (ns != NULL)
		where = xasprintf(" in namespace %s", ns);
	else if (name != NULL || !kube_resource_namespaced(resource))
		where = xstrdup("");
	else
		where = xstrdup(" across all namespaces");
	switch (status) {
	case 401:
		out = xasprintf("unauthorized (401): the API server did not "
		    "accept the credentials; check the user's token, client "
		    "certificate or credential plugin in the kubeconfig");
		break;
	case 403:
		if (msg != NULL)
			out = xasprintf("forbidden: %s (RBAC): ask for \"%s\" "
			    "on \"%s\"%s", msg, verb, resource, where);
		else
			out = xasprintf("forbidden: cannot %s %s%s (RBAC): ask "
			    "for \"%s\" on \"%s\"", verb, resource, where,
			    verb, resource);
		break;
	case 404:
		if (name != NULL)
			out = xasprintf("%s: check the name and the namespace",
			    msg != NULL ? msg : "not found (404)");
		else
			out = xasprintf("the API server has no %s here (404%s%s)"
			    ": is this a Kubernetes API server that serves "
			    "them?", resource, msg != NULL ? ": " : "",
			    msg != NULL ? msg : "");
		break;
	case 409:
		out = xasprintf("conflict (409): %s; refresh and try again",
		    msg != NULL ? msg : "the object changed");
		break;
	case 410:
		out = xasprintf("the list of %s expired while paging (410 "
		    "Gone); it is started again next round", resource);
		break;
	case 422:
		out = xasprintf("the API server refused the change as "
		    "invalid (422): %s", msg != NULL ? msg : "no reason given");
		break;
	case 429:
		out = xstrdup("the API server is overloaded (429 Too Many "
		    "Requests); will retry");
		break;
	default:
		if (msg == NULL && body != NULL && len > 0) {
			raw = xstrndup(body, len > 120 ? 120 : len);
			excerpt = sanitize_terminal(raw, 0);
			free(raw);
		} else
			excerpt = NULL;
		out = xasprintf("HTTP %ld from the API server when asked to "
		    "%s %s%s: %s", status, verb, resource, where,
		    msg != NULL ? msg : excerpt != NULL ? excerpt :
		    "no details");
		free(excerpt);
		break;
	}
	free(where);
	free(msg);
	return out;
}

/* ------------------------------------------------------------------ */
/* The informer cache: a list, then watch events                       */
/* ------------------------------------------------------------------ */

/*
 * One list's objects as rows, indexed by their table key (namespace and
 * name; an event's uid; a node's or namespace's name) in an open
 * addressing table with linear probing.  Each row knows whether it
 * changed since it was last stored; deleted rows wait in gone until
 * then.  A relist is merged into the rows (so it too yields only what
 * changed), watch events are applied one line at a time.
 */
struct kube_informer {
	struct kube_rows	*rows;
	unsigned char		*dirty;		/* per row */
	size_t			 dcap;
	size_t			 ndirty;
	size_t			*slots;		/* row + 1; 0 is empty */
	size_t			 nslots;	/* a power of two, or 0 */
	struct kube_rows	*gone;		/* deleted, not yet stored */
	struct kube_rows	*scratch;	/* one parsed object */
	char			*version;	/* resourceVersion, or NULL */
	struct buf		 line;		/* a watch line arriving */
};

/* The key columns of kind: *k1 is -1 when the key is one column. */
static void
ki_key_cols(const struct kube_kind_def *d, int *k0, int *k1)
{
	if (d == &kube_kinds[KUBE_EVENTS]) {
		*k0 = 1;	/* uid, the table's key */
		*k1 = -1;
	} else if (d->namespaced) {
		*k0 = 0;
		*k1 = 1;
	} else {
		*k0 = 0;
		*k1 = -1;
	}
}

/* FNV-1a of a row's key. */
static uint64_t
ki_hash(const struct kube_rows *r, const struct kube_val *row)
{
	uint64_t	 h = 14695981039346656037ULL;
	const char	*p;
	int		 k[2], i;

	ki_key_cols(r->def, &k[0], &k[1]);
	for (i = 0; i < 2 && k[i] >= 0; i++) {
		for (p = kv_str(&row[k[i]]); p != NULL && *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h;
}

/* Whether two rows have the same key. */
static int
ki_same_key(const struct kube_rows *r, const struct kube_val *a,
    const struct kube_val *b)
{
	int	k[2], i;

	ki_key_cols(r->def, &k[0], &k[1]);
	for (i = 0; i < 2 && k[i] >= 0; i++) {
		if (kv_str(&a[k[i]]) == NULL || kv_str(&b[k[i]]) == NULL ||
		    strcmp(a[k[i]].u.s, b[k[i]].u.s) != 0)
			return 0;
	}
	return 1;
}

/* Whether two rows hold the same values. */
static int
ki_same_row(const struct kube_rows *r, const struct kube_val *a,
    const struct kube_val *b)
{
	size_t	c;

	for (c = 0; c < r->ncols; c++) {
		if (a[c].type != b[c].type ||
		    (a[c].type == 1 && a[c].u.i != b[c].u.i) ||
		    (a[c].type == 2 && strcmp(a[c].u.s, b[c].u.s) != 0))
			return 0;
	}
	return 1;
}

/* The slot of row's key: where it is, or the empty one it would take. */
static size_t
ki_slot(const struct kube_informer *ki, const struct kube_val *row)
{
	size_t	mask = ki->nslots - 1;
	size_t	i = (size_t)ki_hash(ki->rows, row) & mask;

	while (ki->slots[i] != 0 && !ki_same_key(ki->rows,
	    kr_row(ki->rows, ki->slots[i] - 1), row))
		i = (i + 1) & mask;
	return i;
}

/* Make room for one more row: the index stays under half full. */
static void
ki_grow(struct kube_informer *ki)
{
	size_t	n = ki->rows->n + 1, i;

	kr_reserve(ki->rows, 1);
	if (ki->rows->cap > ki->dcap) {
		ki->dirty = xreallocarray(ki->dirty, ki->rows->cap, 1);
		ki->dcap = ki->rows->cap;
	}
	if (n * 2 <= ki->nslots)
		return;
	free(ki->slots);
	ki->nslots = ki->nslots == 0 ? 64 : ki->nslots * 2;
	while (n * 2 > ki->nslots)
		ki->nslots *= 2;
	ki->slots = xcalloc(ki->nslots, sizeof *ki->slots);
	for (i = 0; i < ki->rows->n; i++)
		ki->slots[ki_slot(ki, kr_row(ki->rows, i))] = i + 1;
}

/* Mark row i changed. */
static void
ki_touch(struct kube_informer *ki, size_t i)
{
	if (!ki->dirty[i]) {
		ki->dirty[i] = 1;
		ki->ndirty++;
	}
}

/*
 * Take row si of src (its strings move; the row is left empty) as the
 * object of its key.  Returns the row's index in the informer.
 */
static size_t
ki_put(struct kube_informer *ki, struct kube_rows *src, size_t si)
{
	struct kube_val	*row = kr_row(src, si), *dst;
	size_t		 slot, i;

	ki_grow(ki);
	slot = ki_slot(ki, row);
	if (ki->slots[slot] != 0) {
		i = ki->slots[slot] - 1;
		dst = kr_row(ki->rows, i);
		if (ki_same_row(ki->rows, dst, row)) {
			kr_row_free(src, row);
			return i;
		}
		kr_row_free(ki->rows, dst);
	} else {
		i = ki->rows->n++;
		ki->dirty[i] = 0;
		ki->slots[slot] = i + 1;
		dst = kr_row(ki->rows, i);
	}
	memcpy(dst, row, ki->rows->ncols * sizeof *row);
	memset(row, 0, ki->rows->ncols * sizeof *row);
	ki_touch(ki, i);
	return i;
}

/* Remove the row in slot (it goes to gone), keeping the index whole. */
static void
ki_remove(struct kube_informer *ki, size_t slot)
{
	struct kube_rows	*r = ki->rows;
	size_t			 idx = ki->slots[slot] - 1, last = r->n - 1;
	size_t			 mask = ki->nslots - 1, i, j, k;

	kr_reserve(ki->gone, 1);
	memcpy(kr_row(ki->gone, ki->gone->n++), kr_row(r, idx),
	    r->ncols * sizeof *r->vals);
	if (ki->dirty[idx])
		ki->ndirty--;
	/* Backward-shift deletion: no tombstones in the index. */
	ki->slots[slot] = 0;
	for (i = j = slot;;) {
		j = (j + 1) & mask;
		if (ki->slots[j] == 0)
			break;
		k = (size_t)ki_hash(r, kr_row(r, ki->slots[j] - 1)) & mask;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		ki->slots[i] = ki->slots[j];
		ki->slots[j] = 0;
		i = j;
	}
	/* The last row fills the hole. */
	if (idx != last) {
		memcpy(kr_row(r, idx), kr_row(r, last),
		    r->ncols * sizeof *r->vals);
		ki->dirty[idx] = ki->dirty[last];
		ki->slots[ki_slot(ki, kr_row(r, idx))] = idx + 1;
	}
	memset(kr_row(r, last), 0, r->ncols * sizeof *r->vals);
	r->n--;
}

/* An empty informer of kind. */
struct kube_informer *
kube_informer_new(enum kube_kind kind)
{
	struct kube_informer	*ki;

	ki = xcalloc(1, sizeof *ki);
	ki->rows = kube_rows_new(kind);
	ki->gone = kube_rows_new(kind);
	ki->scratch = kube_rows_new(kind);
	buf_init(&ki->line, KUBE_WATCH_LINE_MAX);
	return ki;
}

/* Free an informer. */
void
kube_informer_free(struct kube_informer *ki)
{
	if (ki == NULL)
		return;
	kube_rows_free(ki->rows);
	kube_rows_free(ki->gone);
	kube_rows_free(ki->scratch);
	free(ki->dirty);
	free(ki->slots);
	free(ki->version);
	buf_done(&ki->line);
	free(ki);
}

/* The objects (borrowed). */
const struct kube_rows *
kube_informer_rows(const struct kube_informer *ki)
{
	return ki->rows;
}

/* The resourceVersion to watch from, or NULL. */
const char *
kube_informer_version(const struct kube_informer *ki)
{
	return ki->version;
}

/* Rows changed or deleted since the last store. */
size_t
kube_informer_changes(const struct kube_informer *ki)
{
	return ki->ndirty + ki->gone->n;
}

/* Merge a complete list into the objects. */
void
kube_informer_sync(struct kube_informer *ki, struct kube_rows *list)
{
	unsigned char	*seen;
	size_t		 i;

	seen = xcalloc(ki->rows->n + list->n + 1, 1);
	/* A first list: room for just its objects, not a power of two. */
	if (ki->rows->n == 0)
		kr_reserve(ki->rows, list->n);
	for (i = 0; i < list->n; i++)
		seen[ki_put(ki, list, i)] = 1;
	/* Rows above i are seen (the others went): one moves into i. */
	for (i = ki->rows->n; i-- > 0;) {
		if (!seen[i])
			ki_remove(ki, ki_slot(ki, kr_row(ki->rows, i)));
	}
	free(seen);
	free(ki->version);
	ki->version = list->version;
	list->version = NULL;
	kube_rows_clear(list);
	buf_reset(&ki->line);
}

/* Forget every object (a list refused): each is a deletion to store. */
void
kube_informer_clear(struct kube_informer *ki)
{
	struct kube_rows	*none;

	none = kube_rows_new((enum kube_kind)(ki->rows->def - kube_kinds));
	kube_informer_sync(ki, none);
	kube_rows_free(none);
}

/* Apply one watch event (a line, NUL-terminated, in place). */
static enum kube_watch_result
ki_event(struct kube_informer *ki, char *line, size_t len, char **cause)
{
	const char		*res = ki->rows->def->resource;
	cJSON			*root;
	const cJSON		*obj;
	const char		*type, *version;
	char			*msg;
	int64_t			 code;
	size_t			 slot;
	enum kube_watch_result	 rc = KUBE_WATCH_OK;

	endpoint_json_defuse_nul(line, len);
	root = cJSON_ParseWithLength(line, len);
	type = json_peek(root, "type");
	obj = cJSON_GetObjectItemCaseSensitive(root, "object");
	if (!cJSON_IsObject(root) || type == NULL || !cJSON_IsObject(obj)) {
		cJSON_Delete(root);
		*cause = xasprintf("a watch event of %s is not JSON; is the "
		    "server a Kubernetes API server?", res);
		return KUBE_WATCH_FAILED;
	}
	version = json_peek(json_get(obj, "metadata"), "resourceVersion");
	if (strcmp(type, "ERROR") == 0) {
		if (json_int(json_get(obj, "code"), &code) == 0 &&
		    code == 410)
			rc = KUBE_WATCH_EXPIRED;
		else {
			msg = kube_message(obj, "message");
			*cause = xasprintf("the watch of %s ended with an "
			    "error: %s", res, msg != NULL ? msg :
			    "no message");
			free(msg);
			rc = KUBE_WATCH_FAILED;
		}
		version = NULL;
	} else if (strcmp(type, "ADDED") == 0 ||
	    strcmp(type, "MODIFIED") == 0 || strcmp(type, "DELETED") == 0) {
		kube_rows_clear(ki->scratch);
		kr_reserve(ki->scratch, 1);
		if (kr_add_item(ki->scratch, obj) == 0 && *type == 'D') {
			ki_grow(ki);
			slot = ki_slot(ki, kr_row(ki->scratch, 0));
			if (ki->slots[slot] != 0)
				ki_remove(ki, slot);
		} else if (ki->scratch->n == 1)
			ki_put(ki, ki->scratch, 0);
		kube_rows_clear(ki->scratch);
	} else if (strcmp(type, "BOOKMARK") != 0) {
		*cause = xasprintf("a watch event of %s has an unknown type; "
		    "is the server a Kubernetes API server?", res);
		rc = KUBE_WATCH_FAILED;
		version = NULL;
	}
	if (version != NULL && *version != '\0') {
		free(ki->version);
		ki->version = xstrndup(version, KUBE_MAX_TOKEN);
	}
	cJSON_Delete(root);
	return rc;
}

/* Feed bytes of a watch stream: apply each complete line. */
enum kube_watch_result
kube_informer_feed(struct kube_informer *ki, const char *data, size_t len,
    char **cause)
{
	const char		*nl;
	size_t			 n;
	enum kube_watch_result	 rc;

	while (len > 0) {
		nl = memchr(data, '\n', len);
		n = nl != NULL ? (size_t)(nl - data) : len;
		if (buf_append(&ki->line, data, n) != 0) {
			buf_reset(&ki->line);
			*cause = xasprintf("a watch event of %s is larger than "
			    "%d bytes", ki->rows->def->resource,
			    KUBE_WATCH_LINE_MAX);
			return KUBE_WATCH_FAILED;
		}
		if (nl == NULL)
			break;
		data += n + 1;
		len -= n + 1;
		if (ki->line.len == 0)
			continue;
		rc = ki_event(ki, ki->line.data, ki->line.len, cause);
		buf_reset(&ki->line);
		if (rc != KUBE_WATCH_OK)
			return rc;
	}
	return KUBE_WATCH_OK;
}

/* Write what changed (or, full, everything) of the informers of kind. */
int
kube_informers_store(struct cache *cache, const char *context,
    enum kube_kind kind, struct kube_informer *const *kis, size_t n,
    int full, int64_t now_ms, char **cause)
{
	const struct kube_rows	**lists;
	struct kube_informer	 *ki;
	char			 *rows;
	size_t			  l, i, m, size = kube_conv[kind].size;
	int			  rc = 0;

	if (full) {
		lists = xcalloc(n + 1, sizeof *lists);
		for (l = 0; l < n; l++)
			lists[l] = kis[l]->rows;
		rc = kube_rows_store(cache, context, kind, lists, n, now_ms,
		    cause);
		free(lists);
	}
	for (l = 0; l < n && rc == 0; l++) {
		ki = kis[l];
		if (!full && ki->gone->n > 0) {
			rows = xcalloc(ki->gone->n, size);
			for (i = 0; i < ki->gone->n; i++)
				kube_conv[kind].row(ki->gone, i,
				    rows + i * size);
			rc = store_kube_delete(cache, context,
			    (enum store_kube)kind, rows, ki->gone->n, cause);
			free(rows);
		}
		if (!full && rc == 0 && ki->ndirty > 0) {
			rows = xcalloc(ki->ndirty, size);
			for (i = m = 0; i < ki->rows->n; i++) {
				if (ki->dirty[i])
					kube_conv[kind].row(ki->rows, i,
					    rows + m++ * size);
			}
			rc = store_kube_upsert(cache, context,
			    (enum store_kube)kind, rows, m, now_ms, cause);
			free(rows);
		}
	}
	if (rc != 0)
		return -1;
	for (l = 0; l < n; l++) {
		ki = kis[l];
		kube_rows_clear(ki->gone);
		if (ki->rows->n > 0)
			memset(ki->dirty, 0, ki->rows->n);
		ki->ndirty = 0;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The client                                                          */
/* ------------------------------------------------------------------ */

struct kube_call;

struct kube_client {
	struct loop		*loop;
	struct http		*http;
	struct kubeconfig	*kc;
	char			*server;	/* without a trailing '/' */
	char			*host_port;
	char			*cluster;
	size_t			 max_body;
	int64_t			 timeout_ms;	/* 0: http's 30 s */
	int			 next_id;
	struct kube_call	*calls;
};

struct kube_call {
	struct kube_client	*c;
	int			 id;
	char			*method;
	char			*path;
	char			*body;
	char			*content_type;
	kube_call_cb		 cb;
	kube_chunk_cb		 chunk;		/* streaming, or NULL */
	int64_t			 timeout_ms;	/* 0: the client's */
	void			*arg;
	int			 cred_id;
	int			 http_id;
	struct kube_call	*next;
};

/* Unlink and free a call. */
static void
kube_call_free(struct kube_call *k)
{
	struct kube_call	**pp;

	for (pp = &k->c->calls; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	}
	free(k->method);
	free(k->path);
	free(k->body);
	free(k->content_type);
	free(k);
}

/* Finish a call: run its callback, then free it. */
static void
kube_call_finish(struct kube_call *k, const struct kube_reply *r)
{
	kube_call_cb	 cb = k->cb;
	void		*arg = k->arg;

	kube_call_free(k);
	cb(r, arg);
}

/* Finish a call with an error sentence. */
static void
kube_call_fail(struct kube_call *k, const char *error)
{
	struct kube_reply	r;

	memset(&r, 0, sizeof r);
	r.body = "";
	r.error = error;
	kube_call_finish(k, &r);
}

/*
 * A TLS failure in the kubeconfig's words: an untrusted certificate points
 * at certificate-authority of the cluster in use.
 */
static char *
kube_tls_error(const struct kube_client *c, const char *error)
{
	static const char	 hint[] = ": set certificate-authority or ca_file";
	const char		*cluster = c->cluster != NULL ? c->cluster :
				    "(in-cluster)";
	const char		*at = strstr(error, hint);

	if (at != NULL && at[sizeof hint - 1] == '\0')
		return xasprintf("%.*s: check certificate-authority (or "
		    "certificate-authority-data) of cluster %s in the "
		    "kubeconfig", (int)(at - error), error, cluster);
	return xasprintf("%s (cluster %s in the kubeconfig)", error, cluster);
}

/* The answer is in. */
static void
kube_call_http_done(const struct http_response *res, void *arg)
{
	struct kube_call	*k = arg;
	struct kube_client	*c = k->c;
	struct kube_reply	 r;
	char			*msg, *body;

	k->http_id = 0;
	if (res->kind == HTTP_ERR_CANCELLED) {
		memset(&r, 0, sizeof r);
		r.body = "";
		r.error = "cancelled";
		r.cancelled = 1;
		kube_call_finish(k, &r);
		return;
	}
	if (!res->ok) {
		if (res->kind == HTTP_ERR_TLS)
			msg = kube_tls_error(c, res->error);
		else
			msg = source_transport_error("the API server",
			    c->host_port, res->error, (int)res->kind);
		kube_call_fail(k, msg);
		free(msg);
		return;
	}
	if (res->status == 401)
		kubeconfig_credential_invalidate(c->kc);
	/*
	 * A copy, so a "\u0000" in a string can be defused: cJSON strings
	 * end at NUL, which would silently cut the rest of the text.
	 */
	body = xmalloc(res->body_len + 1);
	memcpy(body, res->body, res->body_len);
	body[res->body_len] = '\0';
	endpoint_json_defuse_nul(body, res->body_len);
	memset(&r, 0, sizeof r);
	r.status = res->status;
	r.body = body;
	r.body_len = res->body_len;
	kube_call_finish(k, &r);
	free(body);
}

/* A piece of a streamed 2xx body: to the caller's chunk callback. */
static int
kube_call_chunk(const char *data, size_t len, void *arg)
{
	struct kube_call	*k = arg;

	return k->chunk(data, len, k->arg);
}

/* The credential is ready (or not): send the request. */
static void
kube_call_cred_done(const struct kubeconfig_credential *cred,
    const char *error, void *arg)
{
	struct kube_call	*k = arg;
	struct kube_client	*c = k->c;
	struct http_request	 hr;
	char			*url, *cause = NULL, *msg;

	k->cred_id = 0;
	if (cred == NULL) {
		msg = xasprintf("no credential for the API server at %s: %s",
		    c->host_port, error != NULL ? error : "unknown error");
		kube_call_fail(k, msg);
		free(msg);
		return;
	}
	if ((url = url_join(c->server, k->path, &cause)) == NULL) {
		msg = xasprintf("cannot ask the API server at %s: %s",
		    c->host_port, cause);
		free(cause);
		kube_call_fail(k, msg);
		free(msg);
		return;
	}
	memset(&hr, 0, sizeof hr);
	hr.method = k->method;
	hr.url = url;
	hr.body = k->body;
	hr.content_type = k->content_type;
	hr.accept = "application/json";
	hr.bearer_token = cred->bearer_token;
	hr.username = cred->username;
	hr.password = cred->password;
	hr.ca_data = cred->ca_data;
	hr.ca_data_len = cred->ca_data_len;
	hr.cert_data = cred->cert_data;
	hr.cert_data_len = cred->cert_data_len;
	hr.key_data = cred->key_data;
	hr.key_data_len = cred->key_data_len;
	hr.tls_server_name = cred->tls_server_name;
	hr.insecure_skip_verify = cred->insecure_skip_verify;
	hr.proxy = cred->proxy_url;
	hr.max_body = c->max_body;
	hr.group = "kubernetes";	/* the source's name: one budget */
	hr.timeout_ms = k->timeout_ms > 0 ? k->timeout_ms : c->timeout_ms;
	if (k->chunk != NULL) {
		hr.chunk = kube_call_chunk;
		hr.chunk_arg = k;
	}
	hr.connect_timeout_ms = c->timeout_ms < 10000 ? c->timeout_ms : 10000;
	k->http_id = http_submit(c->http, &hr, kube_call_http_done, k, &cause);
	free(url);
	if (k->http_id < 0) {
		k->http_id = 0;
		msg = xasprintf("cannot ask the API server at %s: %s",
		    c->host_port, cause);
		free(cause);
		kube_call_fail(k, msg);
		free(msg);
	}
}

/* Queue a call and ask for its credential. */
static int
kube_call_start(struct kube_client *c, const char *method, const char *path,
    const char *body, const char *content_type, kube_chunk_cb chunk,
    int64_t timeout_ms, kube_call_cb cb, void *arg)
{
	struct kube_call	*k;

	k = xcalloc(1, sizeof *k);
	k->c = c;
	k->id = ++c->next_id;
	if (c->next_id == 0x7fffffff)
		c->next_id = 0;
	k->method = xstrdup(method);
	k->path = xstrdup(path);
	k->body = body != NULL ? xstrdup(body) : NULL;
	k->content_type = content_type != NULL ? xstrdup(content_type) : NULL;
	k->cb = cb;
	k->chunk = chunk;
	k->timeout_ms = timeout_ms;
	k->arg = arg;
	k->next = c->calls;
	c->calls = k;
	k->cred_id = kubeconfig_credential_get(c->kc, c->loop,
	    kube_call_cred_done, k);
	return k->id;
}

/* Start a request. */
int
kube_client_call(struct kube_client *c, const char *method, const char *path,
    const char *body, const char *content_type, kube_call_cb cb, void *arg)
{
	return kube_call_start(c, method, path, body, content_type, NULL, 0,
	    cb, arg);
}

/* Start a streaming GET. */
int
kube_client_stream(struct kube_client *c, const char *path,
    int64_t timeout_ms, kube_chunk_cb chunk, kube_call_cb cb, void *arg)
{
	return kube_call_start(c, "GET", path, NULL, NULL, chunk, timeout_ms,
	    cb, arg);
}

/* Abort a call without its callback. */
int
kube_client_cancel(struct kube_client *c, int id)
{
	struct kube_call	*k;

	for (k = c->calls; k != NULL; k = k->next) {
		if (k->id == id)
			break;
	}
	if (k == NULL)
		return -1;
	if (k->cred_id > 0)
		kubeconfig_credential_cancel(c->kc, k->cred_id);
	if (k->http_id > 0)
		http_cancel(c->http, k->http_id);
	kube_call_free(k);
	return 0;
}

/* Load the kubeconfig and make a client. */
struct kube_client *
kube_client_new(struct loop *loop, struct http *http, const char *kubeconfig,
    const char *context, char **cause)
{
	struct kubeconfig_options	 o;
	struct kubeconfig		*kc;
	const struct kubeconfig_info	*info;
	struct kube_client		*c;
	size_t				 n;

	memset(&o, 0, sizeof o);
	o.path = kubeconfig;
	o.context = context;
	if (kubeconfig_load(&o, &kc, cause) != 0)
		return NULL;
	info = kubeconfig_info(kc);
	if (info->server == NULL || *info->server == '\0') {
		*cause = xasprintf("the kubeconfig's cluster has no server: "
		    "set clusters[].cluster.server in %s", info->sources);
		kubeconfig_free(kc);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->http = http;
	c->kc = kc;
	c->server = xstrdup(info->server);
	n = strlen(c->server);
	while (n > 0 && c->server[n - 1] == '/')
		c->server[--n] = '\0';
	c->host_port = http_host_port(c->server);
	if (c->host_port == NULL)
		c->host_port = xstrdup(c->server);
	c->cluster = info->cluster != NULL ? xstrdup(info->cluster) : NULL;
	return c;
}

/* Free the client; calls under way get a "cancelled" reply. */
void
kube_client_free(struct kube_client *c)
{
	struct kube_call	*k;
	struct kube_reply	 r;

	if (c == NULL)
		return;
	while ((k = c->calls) != NULL) {
		if (k->cred_id > 0)
			kubeconfig_credential_cancel(c->kc, k->cred_id);
		if (k->http_id > 0)
			http_cancel(c->http, k->http_id);
		memset(&r, 0, sizeof r);
		r.body = "";
		r.error = "cancelled";
		r.cancelled = 1;
		kube_call_finish(k, &r);
	}
	kubeconfig_free(c->kc);
	free(c->server);
	free(c->host_port);
	free(c->cluster);
	free(c);
}

/* The API server's URL. */
const char *
kube_client_server(const struct kube_client *c)
{
	return c->server;
}

/* ------------------------------------------------------------------ */
/* The source                                                          */
/* ------------------------------------------------------------------ */

struct kube_state;

/*
 * One list of one kind (in one namespace, or across all) and the watch
 * that follows it: the informer holds its objects.  A list is synced once
 * its list completed and no watch has failed since; only then does a
 * watch run.  in_round says the round under way waits for its list.
 */
struct kube_list {
	struct kube_state	*st;
	enum kube_kind		 kind;
	char			*ns;		/* NULL: all or cluster-scoped */
	int			 selected;	/* the label selector applies */
	struct kube_rows	*rows;		/* the pages of a list */
	struct kube_informer	*inf;
	int			 call;		/* list call in flight, or 0 */
	int			 watch;		/* watch call in flight, or 0 */
	char			*token;		/* continue token */
	int			 pages;
	int			 restarted;	/* after a 410 */
	int			 refused;	/* 403 or 404: not shown */
	int			 synced;
	int			 in_round;
	enum kube_watch_result	 watch_end;	/* why the reader stopped */
	int			 watch_events;	/* lines in this watch */
	int64_t			 watch_started;
	int64_t			 backoff_ms;	/* before the next relist */
	struct loop_timer	*retry;
	char			*error;
	char			*warning;
};

struct kube_state {
	struct source		*src;
	struct kube_client	*client;
	struct kube_list	*lists;
	size_t			 nlists;
	size_t			 pending;	/* lists the round waits for */
	int			 scoped;	/* namespaces configured */
	char			*selector;	/* labelSelector, or NULL */
	unsigned int		 seed;		/* watch timeouts' spread */
	int			 full[KUBE_NKINDS];	/* replace, not patch */
	int			 wrote[KUBE_NKINDS];	/* this round */
};

static void	kube_list_next(struct kube_list *);
static void	kube_list_start(struct kube_list *);
static void	kube_watch_start(struct kube_list *);

/* The path of l's resource with query q (nq pairs); NULL and *cause. */
static char *
kube_list_path(const struct kube_list *l, struct url_param *q, size_t nq,
    char **cause)
{
	const struct kube_kind_def	*d = &kube_kinds[l->kind];
	char				*ns = NULL, *base, *path;

	if (l->selected && l->st->selector != NULL) {
		q[nq].key = "labelSelector";
		q[nq++].value = l->st->selector;
	}
	if (l->ns != NULL && (ns = url_segment(l->ns, cause)) == NULL)
		return NULL;
	base = ns != NULL ? xasprintf("%s/namespaces/%s/%s", d->api, ns,
	    d->resource) : xasprintf("%s/%s", d->api, d->resource);
	path = url_path_query(base, q, nq, cause);
	free(base);
	free(ns);
	return path;
}

/* Forget a list's pages and outcome (not its objects). */
static void
kube_list_reset(struct kube_list *l)
{
	kube_rows_clear(l->rows);
	free(l->token);
	free(l->error);
	free(l->warning);
	l->token = l->error = l->warning = NULL;
	l->pages = l->restarted = l->refused = 0;
}

/* The round's lists are in: say how it went, then start the watches. */
static void
kube_finish(struct kube_state *st)
{
	struct buf	 warn;
	const char	*error = NULL;
	int64_t		 items = 0;
	size_t		 i, read = 0;
	char		*msg;

	buf_init(&warn, 0);
	for (i = 0; i < st->nlists; i++) {
		if (st->lists[i].error != NULL && error == NULL)
			error = st->lists[i].error;
		if (st->lists[i].warning != NULL)
			buf_printf(&warn, "%s%s", warn.len > 0 ? "; " : "",
			    st->lists[i].warning);
		if (!st->lists[i].refused)
			read++;
		items += (int64_t)kube_rows_count(kube_informer_rows(
		    st->lists[i].inf));
	}
	/* Every list refused: nothing was read, the round did not work. */
	if (error == NULL && read == 0 && st->nlists > 0)
		error = buf_str(&warn);
	if (error != NULL) {
		msg = xasprintf("Kubernetes API at %s: %s",
		    st->client->host_port, error);
		source_done(st->src, 0, msg, NULL, 0);
		free(msg);
	} else
		source_done(st->src, 1, NULL, warn.len > 0 ? buf_str(&warn) :
		    NULL, items);
	buf_done(&warn);
	/*
	 * A poller that runs once (fetch --once, an export) has no next
	 * round: it never needs a watch.
	 */
	if (st->src->next_ms == INT64_MAX)
		return;
	for (i = 0; i < st->nlists; i++) {
		if (st->lists[i].synced && st->lists[i].watch == 0 &&
		    st->lists[i].call == 0)
			kube_watch_start(&st->lists[i]);
	}
}

/* The backoff timer ran out: list again. */
static int64_t
kube_retry_fire(void *arg)
{
	struct kube_list	*l = arg;

	l->retry = NULL;
	kube_list_start(l);
	return -1;
}

/* List l again after delay_ms, outside a round (a watch ended badly). */
static void
kube_relist_later(struct kube_list *l, int64_t delay_ms)
{
	l->synced = 0;
	if (l->retry != NULL)
		loop_timer_del(l->retry);
	l->retry = loop_timer_add(l->st->src->loop, delay_ms,
	    kube_retry_fire, l);
}

/* The next backoff after a failure: doubling, 1 s to 30 s. */
static int64_t
kube_backoff(struct kube_list *l)
{
	l->backoff_ms = l->backoff_ms == 0 ? KUBE_BACKOFF_MIN_MS :
	    l->backoff_ms * 2;
	if (l->backoff_ms > KUBE_BACKOFF_MAX_MS)
		l->backoff_ms = KUBE_BACKOFF_MAX_MS;
	return l->backoff_ms;
}

/* A list is over (error set, refused, or complete). */
static void
kube_list_over(struct kube_list *l)
{
	struct kube_state	*st = l->st;

	l->call = 0;
	if (l->error == NULL && !l->refused) {
		kube_informer_sync(l->inf, l->rows);
		/* Without a resourceVersion there is no watch: poll. */
		l->synced = kube_informer_version(l->inf) != NULL;
	} else if (l->refused) {
		kube_informer_clear(l->inf);
		kube_rows_clear(l->rows);
	} else
		kube_rows_clear(l->rows);
	if (l->in_round) {
		l->in_round = 0;
		if (--st->pending == 0)
			kube_finish(st);
		return;
	}
	/* A relist outside a round: watch on, or try again later. */
	if (l->synced)
		kube_watch_start(l);
	else if (l->error != NULL)
		kube_relist_later(l, kube_backoff(l));
}

/* A page is in. */
static void
kube_list_page(const struct kube_reply *r, void *arg)
{
	struct kube_list	*l = arg;
	char			*next = NULL, *cause = NULL, *s;
	const char		*res = kube_kind_resource(l->kind);

	l->call = 0;
	if (r->cancelled)
		return;
	if (r->error != NULL) {
		l->error = xstrdup(r->error);
		kube_list_over(l);
		return;
	}
	if (r->status == 410 && l->token != NULL && !l->restarted) {
		/* The continue token expired: start the list again. */
		l->restarted = 1;
		kube_rows_clear(l->rows);
		free(l->token);
		l->token = NULL;
		l->pages = 0;
		kube_list_next(l);
		return;
	}
	if (r->status < 200 || r->status > 299) {
		s = kube_status_sentence(r->status, r->body, r->body_len,
		    "list", res, l->ns, NULL);
		if (r->status == 403 || r->status == 404) {
			/*
			 * Refused (RBAC) or not served: the round goes on
			 * with what could be read, and says what it lacks.
			 */
			l->refused = 1;
			l->warning = l->ns != NULL ? xasprintf("%s not shown in "
			    "namespace %s: %s", res, l->ns, s) :
			    xasprintf("%s not shown: %s", res, s);
			free(s);
		} else
			l->error = s;
		kube_list_over(l);
		return;
	}
	if (kube_rows_parse(l->rows, r->body, r->body_len, &next,
	    &cause) != 0) {
		l->error = cause;
		kube_list_over(l);
		return;
	}
	if (next == NULL) {
		kube_list_over(l);
		return;
	}
	if (++l->pages >= KUBE_MAX_PAGES ||
	    (l->token != NULL && strcmp(l->token, next) == 0)) {
		l->error = xasprintf("the list of %s does not end (the server "
		    "keeps sending a continue token); is it a Kubernetes API "
		    "server?", res);
		free(next);
		kube_list_over(l);
		return;
	}
	free(l->token);
	l->token = next;
	kube_list_next(l);
}

/* Ask for the list's next page (or its first). */
static void
kube_list_next(struct kube_list *l)
{
	struct url_param	 q[3];
	struct kube_reply	 r;
	char			*path, *cause = NULL;
	char			 limit[32];

	snprintf(limit, sizeof limit, "%d",
	    runtime_kube_page_limit(runtime_of(l->st->src)));
	q[0].key = "limit";
	q[0].value = limit;
	q[1].key = "continue";
	q[1].value = l->token;
	if ((path = kube_list_path(l, q, 2, &cause)) == NULL) {
		memset(&r, 0, sizeof r);
		r.body = "";
		r.error = cause;
		kube_list_page(&r, l);
		free(cause);
		return;
	}
	l->call = kube_client_call(l->st->client, "GET", path, NULL, NULL,
	    kube_list_page, l);
	free(path);
}

/* Start a list from its first page (its watch, if any, is over). */
static void
kube_list_start(struct kube_list *l)
{
	if (l->retry != NULL) {
		loop_timer_del(l->retry);
		l->retry = NULL;
	}
	if (l->watch > 0)
		kube_client_cancel(l->st->client, l->watch);
	l->watch = 0;
	l->synced = 0;
	kube_list_reset(l);
	kube_list_next(l);
}

/* Bytes of the watch stream: apply its events; stop on an ERROR. */
static int
kube_watch_chunk(const char *data, size_t len, void *arg)
{
	struct kube_list	*l = arg;
	char			*cause = NULL;

	l->watch_events = 1;
	l->watch_end = kube_informer_feed(l->inf, data, len, &cause);
	if (l->watch_end == KUBE_WATCH_OK)
		return 0;
	free(l->error);
	l->error = cause;
	return -1;
}

/*
 * The watch is over.  It ran its time (timeoutSeconds), or its connection
 * broke after it had worked: watch again from the last resourceVersion,
 * without a list.  410 Gone, as the answer or as an ERROR event: that
 * version is too old, list again now.  A server that does not allow or
 * serve watches (403, 404, 405): list again each round, as without
 * watches.  Anything else (an ERROR event, a line that is not an event, a
 * watch that fails at once): list again after a backoff.
 */
static void
kube_watch_done(const struct kube_reply *r, void *arg)
{
	struct kube_list	*l = arg;
	int64_t			 lasted;

	l->watch = 0;
	if (r->cancelled)
		return;
	lasted = loop_now_ms(l->st->src->loop) - l->watch_started;
	if (l->watch_end == KUBE_WATCH_EXPIRED || r->status == 410) {
		kube_relist_later(l, 0);
		return;
	}
	if (r->status == 403 || r->status == 404 || r->status == 405) {
		l->synced = 0;
		return;
	}
	if (l->watch_end == KUBE_WATCH_OK && (r->error != NULL ||
	    (r->status >= 200 && r->status <= 299)) &&
	    (l->watch_events || lasted >= KUBE_BACKOFF_MIN_MS)) {
		l->backoff_ms = 0;
		kube_watch_start(l);
		return;
	}
	kube_relist_later(l, kube_backoff(l));
}

/* Watch l from its informer's resourceVersion. */
static void
kube_watch_start(struct kube_list *l)
{
	struct url_param	 q[5];
	char			*path, *cause = NULL;
	char			 secs[32];
	int			 t;

	/* Spread like client-go's: timeoutSeconds in [N, 2N). */
	t = KUBE_WATCH_SECONDS + rand_r(&l->st->seed) % KUBE_WATCH_SECONDS;
	snprintf(secs, sizeof secs, "%d", t);
	q[0].key = "watch";
	q[0].value = "true";
	q[1].key = "resourceVersion";
	q[1].value = kube_informer_version(l->inf);
	q[2].key = "allowWatchBookmarks";
	q[2].value = "true";
	q[3].key = "timeoutSeconds";
	q[3].value = secs;
	if ((path = kube_list_path(l, q, 4, &cause)) == NULL) {
		free(cause);
		l->synced = 0;	/* cannot happen: the list had the path */
		return;
	}
	l->watch_end = KUBE_WATCH_OK;
	l->watch_events = 0;
	l->watch_started = loop_now_ms(l->st->src->loop);
	l->watch = kube_client_stream(l->st->client, path,
	    ((int64_t)t + KUBE_WATCH_GRACE_S) * 1000, kube_watch_chunk,
	    kube_watch_done, l);
	free(path);
}

/* The round's outcomes are stored or dropped: nothing of it is kept. */
static void
kube_reset(struct source *s)
{
	struct kube_state	*st = s->state;
	int			 k;

	/*
	 * Rows written by a round whose transaction was then rolled back
	 * are not in the cache: the next store replaces those kinds whole.
	 */
	for (k = 0; k < KUBE_NKINDS; k++) {
		if (st->wrote[k] && !s->done_ok)
			st->full[k] = 1;
		st->wrote[k] = 0;
	}
}

/* Abort the round's lists (a deadline passed, or the end). */
static void
kube_cancel(struct source *s)
{
	struct kube_state	*st = s->state;
	struct kube_list	*l;
	size_t			 i;

	for (i = 0; i < st->nlists; i++) {
		l = &st->lists[i];
		if (!l->in_round)
			continue;
		if (l->call > 0)
			kube_client_cancel(st->client, l->call);
		l->call = 0;
		l->in_round = 0;
		l->synced = 0;
		kube_rows_clear(l->rows);
	}
	st->pending = 0;
}

/*
 * Start a round.  Lists that are synced (listed, and watched since) need
 * nothing; the others are listed now, and one already being listed
 * outside a round is waited for.  With nothing to wait for the round is
 * over at once: its store writes what the watches changed.
 */
static void
kube_refresh(struct source *s)
{
	struct kube_state	*st = s->state;
	struct kube_list	*l;
	size_t			 i;

	kube_cancel(s);
	for (i = 0; i < st->nlists; i++) {
		l = &st->lists[i];
		if (l->synced && !l->refused)
			continue;
		l->in_round = 1;
		st->pending++;
		if (l->call == 0)
			kube_list_start(l);
	}
	if (st->pending == 0)
		kube_finish(st);
}

/* Store what changed since the last stored round, kind by kind. */
static int
kube_store(struct source *s, struct cache *cache, int64_t now_ms,
    char **cause)
{
	struct kube_state	 *st = s->state;
	struct kube_informer	**kis;
	size_t			  i, n, changes;
	int			  k, rc = 0;

	kis = xcalloc(st->nlists + 1, sizeof *kis);
	for (k = 0; k < KUBE_NKINDS && rc == 0; k++) {
		changes = 0;
		for (i = n = 0; i < st->nlists; i++) {
			if (st->lists[i].kind != (enum kube_kind)k)
				continue;
			kis[n++] = st->lists[i].inf;
			changes += kube_informer_changes(st->lists[i].inf);
		}
		if (changes == 0 && !st->full[k])
			continue;
		st->wrote[k] = 1;
		rc = kube_informers_store(cache, s->context, (enum kube_kind)k,
		    kis, n, st->full[k], now_ms, cause);
		if (rc == 0)
			st->full[k] = 0;
	}
	free(kis);
	/* A deployment whose revision changed rolled out (or back). */
	if (rc == 0 && (st->wrote[KUBE_DEPLOYMENTS] ||
	    st->wrote[KUBE_REPLICASETS]))
		rc = store_rollouts(cache, s->context, now_ms, cause);
	if (rc != 0) {
		for (k = 0; k < KUBE_NKINDS; k++)
			st->full[k] |= st->wrote[k];
	}
	return rc;
}

/* Free the source's state, ending its lists and watches. */
static void
kube_free(struct source *s)
{
	struct kube_state	*st = s->state;
	struct kube_list	*l;
	size_t			 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nlists; i++) {
		l = &st->lists[i];
		if (l->call > 0)
			kube_client_cancel(st->client, l->call);
		if (l->watch > 0)
			kube_client_cancel(st->client, l->watch);
		if (l->retry != NULL)
			loop_timer_del(l->retry);
		kube_list_reset(l);
		kube_rows_free(l->rows);
		kube_informer_free(l->inf);
		free(l->ns);
	}
	free(st->lists);
	free(st->selector);
	kube_client_free(st->client);
	free(st);
	s->state = NULL;
}

static const struct backend_ops kube_ops = {
	"kubernetes",
	kube_refresh,
	kube_store,
	kube_reset,
	kube_cancel,
	kube_free,
	0
};

/* Add a list of kind in ns (NULL: all namespaces or cluster-scoped). */
static void
kube_add_list(struct kube_state *st, enum kube_kind kind, const char *ns)
{
	struct kube_list	*l;

	st->lists = xreallocarray(st->lists, st->nlists + 1,
	    sizeof *st->lists);
	l = &st->lists[st->nlists++];
	memset(l, 0, sizeof *l);
	l->kind = kind;
	l->ns = ns != NULL ? xstrdup(ns) : NULL;
	l->rows = kube_rows_new(kind);
	l->inf = kube_informer_new(kind);
	/* Labels select workloads and pods; events carry none of theirs. */
	l->selected = kind == KUBE_DEPLOYMENTS || kind == KUBE_REPLICASETS ||
	    kind == KUBE_PODS || kind == KUBE_STATEFULSETS ||
	    kind == KUBE_DAEMONSETS;
}

/*
 * Whether s is a DNS-1123 name of at most max bytes: lowercase letters,
 * digits, '-' and '.', starting and ending with a letter or digit, no
 * empty label (so never "." or "..", which a URL would resolve).
 */
static int
kube_valid_name(const char *s, size_t max)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (s[i] != '-' && s[i] != '.')
			return 0;
		if (i == 0 || i == n - 1 || (s[i] == '.' && s[i - 1] == '.'))
			return 0;
	}
	return 1;
}

/* Make s the Kubernetes source. */
int
kube_source_init(struct source *s, const struct conf_kube *conf,
    char **cause)
{
	struct kube_state	*st;
	struct kube_client	*c;
	size_t			 i;
	int			 k;

	for (i = 0; i < conf->nnamespaces; i++) {
		if (!kube_valid_name(conf->namespaces[i], 63)) {
			*cause = xasprintf("kubernetes.namespaces: \"%s\" is "
			    "not a namespace name (lowercase letters, digits "
			    "and '-')", conf->namespaces[i]);
			return -1;
		}
	}
	c = kube_client_new(s->loop, s->http, conf->kubeconfig, conf->context,
	    cause);
	if (c == NULL)
		return -1;
	if (s->conf != NULL && s->conf->http_max_body > 0)
		c->max_body = (size_t)s->conf->http_max_body;
	c->timeout_ms = conf->timeout_ms;
	st = xcalloc(1, sizeof *st);
	st->src = s;
	st->client = c;
	st->scoped = conf->nnamespaces > 0;
	st->selector = conf->label_selector != NULL &&
	    *conf->label_selector != '\0' ? xstrdup(conf->label_selector) :
	    NULL;
	st->seed = (unsigned int)util_mono_ms();
	for (k = 0; k < KUBE_NKINDS; k++)
		st->full[k] = 1;	/* the first store replaces the cache's */
	for (k = 0; k < KUBE_NKINDS; k++) {
		if (!kube_kinds[k].namespaced || conf->nnamespaces == 0) {
			kube_add_list(st, (enum kube_kind)k, NULL);
			continue;
		}
		for (i = 0; i < conf->nnamespaces; i++)
			kube_add_list(st, (enum kube_kind)k,
			    conf->namespaces[i]);
	}
	for (i = 0; i < st->nlists; i++)
		st->lists[i].st = st;
	s->ops = &kube_ops;
	s->state = st;
	s->items_what = "objects";
	return 0;
}

/* The source's client. */
struct kube_client *
kube_source_client(struct source *s)
{
	struct kube_state	*st = s->state;

	return st != NULL ? st->client : NULL;
}

/* Whether name is a valid object name for a path (DNS-1123 subdomain). */
int
kube_name_valid(const char *name)
{
	return kube_valid_name(name, 253);
}
