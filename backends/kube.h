/*
 * kube.h: the Kubernetes source and sitrep's writes to a cluster, spoken
 * straight to the API server over sitrep's own HTTP layer (no client
 * library).
 *
 * Reads: deployments, statefulsets, daemonsets, replicasets, pods,
 * events, nodes and namespaces (per configured namespace, or across all
 * of them) are listed page by page (?limit=500 and metadata.continue),
 * then watched from the list's resourceVersion, as informers do; each
 * round stores only what changed since the last, in one transaction.
 *
 * Writes: rollout restart, rollout undo, scale and delete pod, made the
 * way kubectl 1.32 makes them (the same requests, content types and
 * checks), each optionally as a server-side dry run.  Every outcome is a
 * plain sentence, with what changes and the way back where there is one.
 *
 * A kube_client bundles what a request needs: the event loop, the HTTP
 * client and the loaded kubeconfig (whose credential, exec plugins
 * included, is asked for per request and dropped on 401).
 */
#ifndef SITREP_KUBE_H
#define SITREP_KUBE_H

#include <stddef.h>
#include <stdint.h>

struct cache;
struct cJSON;
struct conf_kube;
struct http;
struct kube_client;
struct loop;
struct source;

/* ------------------------------------------------------------------ */
/* The client                                                          */
/* ------------------------------------------------------------------ */

/*
 * Load the kubeconfig (path NULL: $KUBECONFIG rules; context NULL: its
 * current-context) and make a client on loop and http, both borrowed and
 * outliving the client.  NULL and *cause if the kubeconfig does not load.
 */
struct kube_client *kube_client_new(struct loop *, struct http *,
		    const char *kubeconfig, const char *context, char **cause);
/*
 * Free the client.  Writes still under way are abandoned: each callback is
 * called once with ok 0 and "cancelled" so its argument can be freed.
 */
void		 kube_client_free(struct kube_client *);
/* The API server's URL, for messages; borrowed. */
const char	*kube_client_server(const struct kube_client *);

/*
 * One request to the API server, with the credential asked for first.
 * status is the HTTP status (0 when no answer came); error is a sentence
 * when there was no answer (refused, TLS, no credential ...) or NULL;
 * cancelled is set when the client is being freed.  Everything is
 * borrowed, valid during the callback.
 */
struct kube_reply {
	long		 status;
	const char	*body;
	size_t		 body_len;
	const char	*error;
	int		 cancelled;
};
typedef void	(*kube_call_cb)(const struct kube_reply *, void *arg);

/*
 * Start method on path (from the server's root, "/api/v1/pods?limit=1");
 * cb runs exactly once from the loop unless kube_client_cancel() is called.
 * A 401 answer drops the cached credential first.  Returns an id (> 0).
 */
int		 kube_client_call(struct kube_client *, const char *method,
		     const char *path, const char *body,
		     const char *content_type, kube_call_cb, void *arg);
/*
 * A streamed answer's bytes as they arrive (only a 2xx answer streams);
 * borrowed for the call.  Return 0 to go on, -1 to end the request (cb
 * then gets an error).  It must not cancel its own call.
 */
typedef int	(*kube_chunk_cb)(const char *data, size_t len, void *arg);
/*
 * A GET whose 2xx body goes to chunk as it arrives (a watch), within
 * timeout_ms (0: the client's); then cb, once, as kube_client_call()'s
 * (its body empty for a 2xx answer, the error body otherwise).
 */
int		 kube_client_stream(struct kube_client *, const char *path,
		     int64_t timeout_ms, kube_chunk_cb chunk, kube_call_cb cb,
		     void *arg);
/* Forget a call without calling its callback; -1 if unknown. */
int		 kube_client_cancel(struct kube_client *, int id);

/* ------------------------------------------------------------------ */
/* The source                                                          */
/* ------------------------------------------------------------------ */

/*
 * Make s the Kubernetes source of conf: loads the kubeconfig (conf's
 * kubeconfig and context) and sets s->ops, s->state and s->items_what.
 * -1 and *cause if the kubeconfig cannot be used.
 */
int		 kube_source_init(struct source *, const struct conf_kube *,
		     char **cause);
/* The source's client, for the writes; borrowed, valid while s lives. */
struct kube_client *kube_source_client(struct source *);

/* ------------------------------------------------------------------ */
/* Writes                                                              */
/* ------------------------------------------------------------------ */

/*
 * The outcome of a write: ok 1 with what was done ("deployment payments/api
 * restarted"), or ok 0 with what went wrong and what to do.  The message is
 * borrowed, valid during the callback.
 */
typedef void	(*kube_write_cb)(int ok, const char *message, void *arg);

/*
 * Each starts a write and returns 0; cb is called exactly once, later, from
 * the loop.  -1 and *cause (cb never called) if the arguments are invalid.
 * dry_run asks the server to check everything and change nothing
 * (?dryRun=All).
 */

/* kubectl rollout restart: stamp the pod template's restartedAt. */
int	kube_rollout_restart(struct kube_client *, const char *ns,
	    const char *name, int dry_run, kube_write_cb, void *arg,
	    char **cause);
/* kubectl rollout undo [--to-revision]: to_revision 0 is the previous. */
int	kube_rollout_undo(struct kube_client *, const char *ns,
	    const char *name, int64_t to_revision, int dry_run, kube_write_cb,
	    void *arg, char **cause);
/* kubectl scale --replicas: through the scale subresource. */
int	kube_scale(struct kube_client *, const char *ns, const char *name,
	    int replicas, int dry_run, kube_write_cb, void *arg,
	    char **cause);

/* The writes, with their outcome in full. */
enum kube_write_op {
	KUBE_WRITE_RESTART,
	KUBE_WRITE_UNDO,
	KUBE_WRITE_SCALE,
	KUBE_WRITE_DELETE_POD
};

/* A write to start: everything borrowed, copied by kube_write_start(). */
struct kube_write_req {
	enum kube_write_op	 op;
	const char		*ns;
	const char		*name;		/* the deployment, or the pod */
	int64_t			 to_revision;	/* undo: 0 the previous */
	int			 replicas;	/* scale */
	int			 dry_run;
};

/*
 * How a write ended; borrowed, valid during the callback.  ok 1 done (or
 * nothing to do: noop); otherwise answered 0 when no answer came (down,
 * timeout, cancelled) and http_status the refusing answer's status (0 for
 * a refusal sitrep makes itself: paused, no such revision).  message is
 * one sentence, safe for a terminal; diff ("image app: 1.2 -> 1.1", one
 * a line) and before ("undo to revision 4", "scale to 3") say what
 * changes and how to go back (NULL: nothing to say; only when ok).
 * revision is the one undo chose.
 */
struct kube_outcome {
	int		 ok;
	int		 answered;
	long		 http_status;
	const char	*message;
	const char	*diff;
	const char	*before;
	int64_t		 revision;
	int		 noop;
};
typedef void	(*kube_outcome_cb)(const struct kube_outcome *, void *arg);

struct kube_write;

/*
 * Start a write; cb runs exactly once, later, from the loop, unless
 * kube_write_cancel() is called first.  NULL and *cause (cb never called)
 * if the request is invalid.  The write must end (or be cancelled) before
 * the client is freed; kube_client_free() ends it with answered 0.
 */
struct kube_write *kube_write_start(struct kube_client *,
		    const struct kube_write_req *, kube_outcome_cb, void *arg,
		    char **cause);
/* Forget a write under way: no callback.  NULL is fine. */
void		 kube_write_cancel(struct kube_write *);

/* ------------------------------------------------------------------ */
/* Pure pieces, exposed for tests                                      */
/* ------------------------------------------------------------------ */

enum kube_kind {
	KUBE_DEPLOYMENTS,
	KUBE_REPLICASETS,
	KUBE_PODS,
	KUBE_EVENTS,
	KUBE_NODES,
	KUBE_NAMESPACES,
	KUBE_STATEFULSETS,
	KUBE_DAEMONSETS,
	KUBE_NKINDS
};

/* "deployments", "pods" ... (the API resource name). */
const char	*kube_kind_resource(enum kube_kind);

/* Parsed rows of one kind, in the columns of its kube_* table. */
struct kube_rows;

struct kube_rows *kube_rows_new(enum kube_kind);
void		 kube_rows_free(struct kube_rows *);
void		 kube_rows_clear(struct kube_rows *);
size_t		 kube_rows_count(const struct kube_rows *);
/*
 * Append the items of one page of a list (a 2xx body).  *next gets the
 * continue token (allocated) or NULL on the last page.  -1 and *cause if
 * the body is not a list; nothing is appended then.
 */
int		 kube_rows_parse(struct kube_rows *, const char *body,
		     size_t len, char **next, char **cause);
/* A text column of row i; NULL if the column is NULL or not text. */
const char	*kube_rows_text(const struct kube_rows *, size_t i,
		     const char *column);
/* An integer column of row i: 0 and *out, or -1 if NULL or not one. */
int		 kube_rows_int(const struct kube_rows *, size_t i,
		     const char *column, int64_t *out);
/*
 * Replace the context's rows of kind's table with the rows of those lists
 * that are of kind (others are skipped), through store.h, inside the
 * caller's transaction.  -1 and *cause on an SQLite error.
 */
int		 kube_rows_store(struct cache *, const char *context,
		     enum kube_kind, const struct kube_rows *const *lists,
		     size_t nlists, int64_t now_ms, char **cause);

/* The list's resourceVersion (of the last page parsed), or NULL; borrowed. */
const char	*kube_rows_version(const struct kube_rows *);

/*
 * The informer cache of one list (a kind, in one namespace or across
 * all), as kubectl and client-go keep it: a complete list is merged in,
 * then watch events (one JSON object a line: ADDED, MODIFIED, DELETED,
 * BOOKMARK, ERROR) are applied; objects are keyed as their table is
 * (namespace and name; an event's uid; a node's or namespace's name).
 * What changed since the last store is remembered, so a store writes
 * only that.
 */
struct kube_informer;

enum kube_watch_result {
	KUBE_WATCH_OK,		/* applied (or a bookmark) */
	KUBE_WATCH_EXPIRED,	/* an ERROR with code 410: list again */
	KUBE_WATCH_FAILED	/* not an event, or another ERROR: *cause */
};

struct kube_informer *kube_informer_new(enum kube_kind);
void		 kube_informer_free(struct kube_informer *);
/*
 * Merge a complete list (all its pages, from kube_rows_parse()) into the
 * objects: what is new or different counts as changed, what is missing as
 * deleted; the list's resourceVersion is the one to watch from.  list is
 * emptied (its rows move).
 */
void		 kube_informer_sync(struct kube_informer *, struct kube_rows *);
/* Forget every object (a list refused): each counts as deleted. */
void		 kube_informer_clear(struct kube_informer *);
/*
 * Feed bytes of a watch stream as they arrive, in pieces of any size:
 * each complete line is applied (a line over 4 MiB fails).  Stops at the
 * first line that is not KUBE_WATCH_OK and returns its result.
 */
enum kube_watch_result kube_informer_feed(struct kube_informer *,
		    const char *data, size_t len, char **cause);
/* The objects; borrowed, valid until the informer changes. */
const struct kube_rows *kube_informer_rows(const struct kube_informer *);
/* The resourceVersion to watch from (the list's, then events'), or NULL. */
const char	*kube_informer_version(const struct kube_informer *);
/* How many rows changed or went since the last store. */
size_t		 kube_informer_changes(const struct kube_informer *);
/*
 * Store the informers of kind (every one of them: each list of the kind)
 * inside the caller's transaction: with full, replace the context's rows
 * of the kind with theirs (kube_rows_store()); otherwise delete the rows
 * that went and upsert those that changed, leaving the rest.  Either way
 * they count as stored after.  -1 and *cause on an SQLite error (what
 * changed is then still to store).
 */
int		 kube_informers_store(struct cache *, const char *context,
		     enum kube_kind, struct kube_informer *const *, size_t n,
		     int full, int64_t now_ms, char **cause);

/*
 * A sentence for an API answer that is not 2xx: a Kubernetes Status
 * body's message when there is one, RBAC hints for 403, what to do for
 * 401, 404 and 409.  verb ("list", "patch"), resource ("pods") and ns
 * (NULL: cluster-wide or all namespaces) say what was asked.
 */
char	*kube_status_sentence(long status, const char *body, size_t len,
	    const char *verb, const char *resource, const char *ns,
	    const char *name);

/*
 * The rollback kubectl would make.  deployment is the deployment's JSON;
 * replicasets the JSON list of ReplicaSets matching its selector (only
 * those it controls count).  Returns 0 and either *patch (the JSON patch
 * to send; allocated) with *revision, or *patch NULL with *message (it is
 * already at that revision; allocated); -1 and *cause (no such revision,
 * no history, paused ...).
 */
int	kube_undo_plan(const char *deployment, size_t dlen,
	    const char *replicasets, size_t rlen, int64_t to_revision,
	    char **patch, int64_t *revision, char **message, char **cause);
/*
 * What changes from pod template from to pod template to (JSON objects,
 * spec.template), one line each: the lines of podspec_diff() over their
 * summaries (kube_template_summary()), the same the service page shows:
 * "image NAME: A -> B", "env NAME: +FOO -BAR", "limits.memory NAME:
 * 512Mi -> 1Gi", "container NAME: added (image X)" / "container NAME:
 * removed"; or "pod template: other fields change ..." when only
 * something a summary does not show does.  NULL when they are the same.
 * Allocated; each line sanitised for a terminal, joined by newlines.
 */
char	*kube_template_diff(const char *from, size_t flen, const char *to,
	    size_t tlen);
/*
 * What a pod template (spec.template, a cJSON object) holds that a
 * rollback changes, as the compact JSON array kept in
 * kube_replicasets.containers: per container its name, image, env
 * variable names (never their values) and resource requests and limits,
 * each list capped, each text cut and made valid UTF-8.  Allocated.
 */
char	*kube_template_summary(const struct cJSON *tmpl);
/* Whether name can be a namespace or object name (DNS-1123). */
int	kube_name_valid(const char *name);
/* The label selector of a deployment (or any object with spec.selector). */
char	*kube_label_selector(const char *object, size_t len, char **cause);

/* ------------------------------------------------------------------ */
/* Container logs (backends/kube_logs.c)                               */
/* ------------------------------------------------------------------ */

#define KUBE_LOGS_TAIL		500		/* lines asked for by default */
#define KUBE_LOGS_LIMIT_BYTES	(1024 * 1024)	/* limitBytes by default */
#define KUBE_LOGS_MAX_LINES	5000		/* lines ever kept */
#define KUBE_LOGS_LINE_MAX	2048		/* bytes of one line kept */

/* What to read: kubectl logs [-c container] [--previous] [--tail N]. */
struct kube_logs_query {
	const char	*ns;
	const char	*pod;
	const char	*container;	/* NULL: as kubectl chooses */
	int		 previous;
	int64_t		 tail_lines;	/* < 0: all; 0: KUBE_LOGS_TAIL */
	int64_t		 limit_bytes;	/* 0: KUBE_LOGS_LIMIT_BYTES */
};

/*
 * A read's outcome, everything borrowed for the callback.  lines are
 * sanitised for a terminal (no control character survives), at most
 * KUBE_LOGS_MAX_LINES of at most KUBE_LOGS_LINE_MAX bytes; truncated says
 * lines were dropped or cut.  containers are the pod's (init ones
 * included, "name (init)") when the pod was read, else none.  note is
 * kubectl's "Defaulted container ..." line or NULL.  error is a sentence
 * (no lines then); cancelled is set when the client went away.
 */
struct kube_logs {
	const char		*container;
	char *const		*containers;
	size_t			 ncontainers;
	const char		*note;
	char *const		*lines;
	size_t			 nlines;
	int			 truncated;
	const char		*error;
	int			 cancelled;
};
typedef void	(*kube_logs_cb)(const struct kube_logs *, void *arg);

/* A read under way. */
struct kube_logs_call;

/*
 * Read a container's log (GET pods/NAME/log).  Without a container the
 * pod is read first and the container chosen as kubectl 1.32 chooses it
 * (the kubectl.kubernetes.io/default-container annotation, else the first,
 * with kubectl's "Defaulted container" note).  cb runs exactly once from
 * the loop unless kube_logs_cancel() is called first; the handle is freed
 * after cb.  Never NULL: bad arguments come back through cb.
 */
struct kube_logs_call *kube_pod_logs(struct kube_client *,
		    struct loop *, const struct kube_logs_query *,
		    kube_logs_cb, void *arg);
/*
 * The same outcome from an answer already in hand (status and body as
 * the API server would send them; containers, chosen and note as a pod
 * read would give them, each may be NULL): cb runs from the loop.  The
 * simulator answers through this, so both worlds share the parsing.
 * status 0: body is a sentence saying why there is no answer.
 */
struct kube_logs_call *kube_pod_logs_answer(struct loop *,
		    const struct kube_logs_query *, long status,
		    const char *body, size_t len, char *const *containers,
		    size_t ncontainers, kube_logs_cb, void *arg);
/* Stop a read: cb is never called.  NULL is a no-op. */
void		 kube_logs_cancel(struct kube_logs_call *);

/*
 * The lines of a log body, sanitised, the last max of them, each cut to
 * KUBE_LOGS_LINE_MAX bytes; *truncated is set when lines were dropped or
 * cut.  Caller frees with kube_logs_lines_free().
 */
char	**kube_logs_lines(const char *body, size_t len, size_t max,
	    size_t *n, int *truncated);
void	 kube_logs_lines_free(char **, size_t n);
/*
 * The containers of a pod's JSON (init ones as "name (init)") and the one
 * kubectl reads when none is named: 0 with *names, *n, *chosen and *note
 * (NULL unless kubectl prints "Defaulted container"); -1 and *cause when
 * the pod has none or is not JSON.  All allocated.
 */
int	 kube_logs_containers(const char *pod, size_t len, char ***names,
	    size_t *n, char **chosen, char **note, char **cause);

#endif
