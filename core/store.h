/*
 * store.h: the typed writers of the cache's source tables.
 *
 * Every source (Prometheus, Alertmanager, Kubernetes, probes) and the
 * simulator write the cache through these functions and no other SQL, so
 * the demo and drills run the very code that stores a real round.  A
 * writer takes plain value structs whose text is already sanitised and
 * normalised by the source (valid UTF-8, JSON text compact), binds them
 * to prepared statements and runs inside the caller's transaction: the
 * poller's one transaction per source, or a test's.
 *
 * Each writer replaces a family of rows, as a complete listing does: the
 * context's rows (or the context's rows of one source) are deleted and
 * the given ones inserted, so the cache mirrors the server.  The
 * exceptions are samples, which are kept per query key (see below), and
 * rollouts, a history derived from the stored deployments.
 *
 * Structs are borrowed views: the writer reads them during the call and
 * keeps nothing.  An integer column that may be NULL reads STORE_NULL as
 * NULL; a double column reads NaN and infinities as NULL.  The columns
 * are those of core/cache_schema.c, which documents what each means.
 */
#ifndef SITREP_STORE_H
#define SITREP_STORE_H

#include <stddef.h>
#include <stdint.h>

struct cache;

/* An integer that is stored as NULL. */
#define STORE_NULL	INT64_MIN

/* ---- Prometheus ------------------------------------------------------ */

/* targets: one scrape target (last_scrape_ms may be STORE_NULL). */
struct store_target {
	const char	*job;
	const char	*instance;
	const char	*health;	/* up, down, unknown */
	const char	*last_error;	/* or NULL */
	int64_t		 last_scrape_ms;
	const char	*scrape_url;
	const char	*labels;	/* JSON object */
};

/* series: one series of an instant query's answer. */
struct store_series {
	const char	*query_key;	/* "up" */
	const char	*metric;	/* JSON label set */
	double		 value;
	int64_t		 ts_ms;
};

/* samples: one point of a query key. */
struct store_point {
	int64_t		 ts_ms;
	double		 value;
};

/*
 * Replace the targets of (context, source) with t[0..n-1], seen at
 * now_ms.  -1 and *cause on an SQLite error; store_* all say so alike.
 */
int	store_targets(struct cache *, const char *context, const char *source,
	    const struct store_target *t, size_t n, int64_t now_ms,
	    char **cause);
/* Replace the series of (context, source), every query key. */
int	store_series(struct cache *, const char *context, const char *source,
	    const struct store_series *s, size_t n, char **cause);
/*
 * Add one window point of key at ts_ms (value NaN: "no data", still
 * recorded) and prune the key's points more than a day older than its
 * newest: the SLO windows, which accumulate round after round.
 */
int	store_window(struct cache *, const char *context, const char *key,
	    int64_t ts_ms, double value, char **cause);
/* Replace every point of key with p[0..n-1]: a fetched history. */
int	store_history(struct cache *, const char *context, const char *key,
	    const struct store_point *p, size_t n, char **cause);
/* Delete every sample of the context (a world that is rewritten whole). */
int	store_samples_clear(struct cache *, const char *context,
	    char **cause);

/* ---- Alertmanager ---------------------------------------------------- */

/* alerts: one alert as one Alertmanager (source) answered it. */
struct store_alert {
	const char	*source;	/* the member that answered */
	const char	*fingerprint;
	const char	*alertname;
	const char	*severity;	/* or NULL */
	const char	*state;		/* active, suppressed, unprocessed */
	const char	*silenced_by;	/* JSON array */
	const char	*inhibited_by;	/* JSON array */
	const char	*labels;	/* JSON object */
	const char	*annotations;	/* JSON object */
	int64_t		 starts_at_ms;
	int64_t		 ends_at_ms;
	int64_t		 updated_at_ms;
	const char	*generator_url;
	const char	*receivers;	/* JSON array of names */
};

/* silences: one silence. */
struct store_silence {
	const char	*source;
	const char	*id;
	const char	*state;		/* active, pending, expired */
	const char	*matchers;	/* JSON array */
	const char	*created_by;
	const char	*comment;
	int64_t		 starts_at_ms;
	int64_t		 ends_at_ms;
	int64_t		 updated_at_ms;
};

/*
 * Replace the context's alerts with a[0..n-1], merged by fingerprint: of
 * two copies (members of an HA cluster) the most recently updated wins,
 * whatever their order.
 */
int	store_alerts(struct cache *, const char *context,
	    const struct store_alert *a, size_t n, int64_t now_ms,
	    char **cause);
/* Replace the context's silences, merged by id the same way. */
int	store_silences(struct cache *, const char *context,
	    const struct store_silence *s, size_t n, int64_t now_ms,
	    char **cause);

/* ---- Kubernetes ------------------------------------------------------ */

/* kube_deployments (integers may be STORE_NULL). */
struct store_deployment {
	const char	*namespace;
	const char	*name;
	const char	*uid;
	int64_t		 generation;
	int64_t		 observed_generation;
	int64_t		 replicas;
	int64_t		 ready_replicas;
	int64_t		 updated_replicas;
	int64_t		 available_replicas;
	int64_t		 revision;
	const char	*labels;	/* JSON */
	const char	*selector;	/* JSON */
	const char	*conditions;	/* JSON */
	int64_t		 created_ms;
};

/* kube_statefulsets (integers may be STORE_NULL). */
struct store_statefulset {
	const char	*namespace;
	const char	*name;
	const char	*uid;
	int64_t		 generation;
	int64_t		 observed_generation;
	int64_t		 replicas;
	int64_t		 ready_replicas;
	int64_t		 current_replicas;
	int64_t		 updated_replicas;
	int64_t		 available_replicas;
	const char	*current_revision;
	const char	*update_revision;
	const char	*labels;	/* JSON */
	const char	*selector;	/* JSON */
	const char	*conditions;	/* JSON */
	int64_t		 created_ms;
};

/* kube_daemonsets (integers may be STORE_NULL). */
struct store_daemonset {
	const char	*namespace;
	const char	*name;
	const char	*uid;
	int64_t		 generation;
	int64_t		 observed_generation;
	int64_t		 desired;
	int64_t		 current;
	int64_t		 ready;
	int64_t		 updated;
	int64_t		 available;
	int64_t		 misscheduled;
	const char	*labels;	/* JSON */
	const char	*selector;	/* JSON */
	const char	*conditions;	/* JSON */
	int64_t		 created_ms;
};

/* kube_replicasets. */
struct store_replicaset {
	const char	*namespace;
	const char	*name;
	const char	*uid;
	const char	*owner_uid;
	const char	*owner_name;
	int64_t		 revision;
	int64_t		 replicas;
	int64_t		 ready_replicas;
	const char	*template_hash;
	int64_t		 created_ms;
	const char	*images;	/* JSON array */
	const char	*containers;	/* JSON summary, or NULL */
};

/* kube_pods (ready and restarts are never NULL). */
struct store_pod {
	const char	*namespace;
	const char	*name;
	const char	*uid;
	const char	*owner_kind;
	const char	*owner_name;
	const char	*node;
	const char	*phase;
	int64_t		 ready;
	int64_t		 restarts;
	const char	*reason;
	const char	*message;
	const char	*labels;	/* JSON */
	int64_t		 started_ms;
};

/* kube_events. */
struct store_event {
	const char	*namespace;
	const char	*uid;
	const char	*involved_kind;
	const char	*involved_name;
	const char	*type;
	const char	*reason;
	const char	*message;
	int64_t		 count;
	int64_t		 last_ms;
};

/* kube_nodes (ready and unschedulable are never NULL). */
struct store_node {
	const char	*name;
	int64_t		 ready;
	const char	*conditions;	/* JSON */
	int64_t		 unschedulable;
	const char	*labels;	/* JSON */
};

/* kube_namespaces. */
struct store_namespace {
	const char	*name;
	const char	*phase;
};

/*
 * Replace the context's rows of each Kubernetes table.  A row whose key
 * repeats an earlier one replaces it (a list read across pages can show
 * an object twice).
 */
int	store_deployments(struct cache *, const char *context,
	    const struct store_deployment *, size_t n, int64_t now_ms,
	    char **cause);
int	store_statefulsets(struct cache *, const char *context,
	    const struct store_statefulset *, size_t n, int64_t now_ms,
	    char **cause);
int	store_daemonsets(struct cache *, const char *context,
	    const struct store_daemonset *, size_t n, int64_t now_ms,
	    char **cause);
int	store_replicasets(struct cache *, const char *context,
	    const struct store_replicaset *, size_t n, int64_t now_ms,
	    char **cause);
int	store_pods(struct cache *, const char *context,
	    const struct store_pod *, size_t n, int64_t now_ms, char **cause);
int	store_events(struct cache *, const char *context,
	    const struct store_event *, size_t n, char **cause);
int	store_nodes(struct cache *, const char *context,
	    const struct store_node *, size_t n, int64_t now_ms, char **cause);
int	store_namespaces(struct cache *, const char *context,
	    const struct store_namespace *, size_t n, int64_t now_ms,
	    char **cause);

/*
 * The kube tables for the row-by-row writers, in the order of enum
 * kube_kind (backends/kube.h), so a kind converts by a cast.
 */
enum store_kube {
	STORE_KUBE_DEPLOYMENTS,		/* struct store_deployment */
	STORE_KUBE_REPLICASETS,		/* struct store_replicaset */
	STORE_KUBE_PODS,		/* struct store_pod */
	STORE_KUBE_EVENTS,		/* struct store_event */
	STORE_KUBE_NODES,		/* struct store_node */
	STORE_KUBE_NAMESPACES,		/* struct store_namespace */
	STORE_KUBE_STATEFULSETS,	/* struct store_statefulset */
	STORE_KUBE_DAEMONSETS		/* struct store_daemonset */
};

/*
 * For a source that knows what changed (a Kubernetes watch): insert or
 * replace n rows (an array of kind's struct) of the context's table of
 * kind, leaving its other rows, inside the caller's transaction; the
 * same statements as the replacing writers above.
 */
int	store_kube_upsert(struct cache *, const char *context,
	    enum store_kube kind, const void *rows, size_t n, int64_t now_ms,
	    char **cause);
/*
 * Delete the rows with the keys of rows (an array of kind's struct, only
 * the key read: namespace and name; an event's uid; a node's or a
 * namespace's name) from the context's table of kind.
 */
int	store_kube_delete(struct cache *, const char *context,
	    enum store_kube kind, const void *rows, size_t n, char **cause);

/*
 * Record the rollouts the context's stored deployments and replica sets
 * show (call it after store_deployments() and store_replicasets() of a
 * round, in the same transaction): kube_rollouts keeps, per deployment,
 * when each revision became current, as history that is not replaced.
 * A deployment seen for the first time gets a row per revision its
 * replica sets hold, at their creation (NULL for one that came back by a
 * rollback: its time is not known).  After that, a revision with no row
 * yet is a rollout seen this round: at its replica set's creation when
 * that set is the newest of the deployment (a roll forward makes one),
 * else at now_ms (a rollback reuses an old set, and the API records no
 * time for it).  Rows older than STORE_ROLLOUTS_KEEP_MS go, except a
 * deployment's current one.
 */
#define STORE_ROLLOUTS_KEEP_MS	(30 * 86400 * 1000LL)
int	store_rollouts(struct cache *, const char *context, int64_t now_ms,
	    char **cause);
/*
 * Forget the context's rollouts: for a world that is rewritten whole and
 * starts its history again (the simulator's first round, or a replay).
 */
int	store_rollouts_clear(struct cache *, const char *context,
	    char **cause);

/* ---- HTTP probes ----------------------------------------------------- */

/* probes: one probe's last outcome (status STORE_NULL: no answer). */
struct store_probe {
	const char	*name;
	const char	*url;		/* never with credentials */
	const char	*service;
	int		 ok;
	int64_t		 status;
	int64_t		 latency_ms;
	const char	*excerpt;	/* sanitised, or NULL */
	const char	*error;		/* or NULL */
	int64_t		 checked_ms;
};

/* Replace the context's probes. */
int	store_probes(struct cache *, const char *context,
	    const struct store_probe *, size_t n, char **cause);

/* ---- Every source ---------------------------------------------------- */

/*
 * Set the last_warning of the sources row of (context, name), which must
 * exist (the poller writes it first): warning, made valid UTF-8 and
 * clipped to STORE_WARNING_MAX bytes, or NULL for none.
 */
#define STORE_WARNING_MAX	2048
int	store_source_warning(struct cache *, const char *context,
	    const char *name, const char *warning, char **cause);

#endif
