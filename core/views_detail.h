/*
 * views_detail.h: the few rows a detail view shows beyond the views.
 *
 * The views (views.h) hold what every panel shows at once.  A detail view
 * shows more of one item: the pods and events of a workload (a
 * Deployment, StatefulSet, DaemonSet, Job or bare pod), a deployment's
 * rollouts, the labels of an alert.  These are read on demand, a few
 * indexed rows each, and come back as plain structs that the caller owns,
 * so the console never holds a statement or a pointer into the cache.
 *
 * Strings are valid UTF-8 but not escaped: the renderer escapes.
 */
#ifndef SITREP_VIEWS_DETAIL_H
#define SITREP_VIEWS_DETAIL_H

#include <stddef.h>
#include <stdint.h>

struct cache;

struct view_pod {
	char	*name;
	char	*phase;		/* NULL: unknown */
	int	 ready;
	int64_t	 restarts;
	char	*reason;	/* waiting/terminated reason, or NULL */
	char	*node;		/* NULL: not scheduled */
};

struct view_event {
	char	*type;		/* "Normal", "Warning" */
	char	*reason;
	char	*message;
	char	*involved;	/* the object's name */
	char	*involved_kind;	/* "Pod", "Deployment" ... or NULL */
	int64_t	 count;
	int64_t	 last_ms;
};

/* A revision that became current: rolled out, or back. */
struct view_rollout {
	int64_t	 revision;
	int64_t	 at_ms;		/* when it became current */
	char	*replicaset;	/* NULL: not known */
};

/*
 * A revision a deployment keeps: one of its ReplicaSets, as the cache
 * holds it (kube_replicasets, with when it became current from
 * kube_rollouts).
 */
struct view_revision {
	int64_t	 revision;
	char	*replicaset;
	int64_t	 at_ms;		/* became current; 0: not known */
	char	*images;	/* JSON array, or NULL */
	char	*containers;	/* template summary (JSON), or NULL */
	int64_t	 replicas;	/* -1: not known */
	int64_t	 ready;		/* -1: not known */
	int	 current;	/* the deployment's revision */
};

/* A condition of a workload (Available, Progressing ...). */
struct view_condition {
	char	*type;
	char	*status;	/* "True", "False", "Unknown", or NULL */
	char	*reason;	/* or NULL */
	char	*message;	/* or NULL */
};

/*
 * What a workload's detail shows (the name is from when only
 * deployments had one); owned by the caller.
 */
struct view_deployment {
	char			*kind;		/* "Deployment", "Pod" ... */
	char			*ns;
	char			*name;
	struct view_pod		*pods;		/* by name */
	size_t			 npods;
	struct view_event	*events;	/* newest first */
	size_t			 nevents;
	struct view_rollout	*rollouts;	/* oldest first */
	size_t			 nrollouts;
	/* VD_REVISIONS, of a Deployment; -1: not known (not listed). */
	struct view_revision	*revisions;	/* newest first */
	size_t			 nrevisions;
	int64_t			 revision;	/* the current one */
	int64_t			 replicas;	/* desired */
	int64_t			 ready;
	int64_t			 updated;
	int64_t			 available;
	struct view_condition	*conditions;	/* as the server lists */
	size_t			 nconditions;
};

#define VIEWS_DETAIL_EVENTS_MAX	20	/* events read per workload */
#define VIEWS_DETAIL_REVISIONS_MAX 20	/* revisions read per deployment */

/* What to read of a workload. */
#define VD_PODS		0x1
#define VD_EVENTS	0x2
#define VD_ROLLOUTS	0x4	/* a deployment's, current from [since, until] */
#define VD_REVISIONS	0x8	/* a deployment's revisions, status, conditions */

/*
 * Read the detail of workload "Kind ns/name" of context, as the views
 * list them (view_service.workloads).  NULL and *cause if the text is not
 * of that form or the cache cannot be read.  Free with
 * views_deployment_free().
 */
struct view_deployment	*views_workload_read(struct cache *,
			     const char *context, const char *workload,
			     int what, int64_t since_ms, int64_t until_ms,
			     char **cause);
/* views_workload_read() of "Deployment ns/name", given "ns/name". */
struct view_deployment	*views_deployment_read(struct cache *,
			     const char *context, const char *ns_name,
			     int what, int64_t since_ms, int64_t until_ms,
			     char **cause);
void			 views_deployment_free(struct view_deployment *);

/*
 * The current revision of a read with VD_REVISIONS (the deployment's
 * revision, else the newest) in *current, and the one a rollback goes
 * back to (the newest older one, as kubectl rollout undo picks) in
 * *previous, as indexes in revisions.  -1 when there is no current
 * revision or no older one.
 */
int			 views_revision_previous(const struct view_deployment *,
			     size_t *current, size_t *previous);

/*
 * What changes from revision from to revision to, one line each: from
 * their template summaries (kube_replicasets.containers), the lines of
 * podspec_diff() ("image NAME: A -> B", "env NAME: +FOO -BAR", ...), the
 * same the action gate's dry run shows.  When either has no summary (a
 * row from before summaries were kept), their image lists are compared:
 * "images: A -> B".  *n = 0 and NULL when nothing differs that a summary
 * shows.  Each line is one line of plain text: control characters from
 * outside are made visible (sanitize_terminal), so hostile text stays
 * inert.  Free with views_strings_free().
 */
char			**views_revision_diff(const struct view_revision *from,
			     const struct view_revision *to, size_t *n);

/*
 * The namespaces of context the cache knows (listed, or holding a
 * workload or pod), sorted; *n = 0 when there are none.  NULL and *cause
 * if the cache cannot be read.  Free with views_strings_free().
 */
char			**views_namespaces(struct cache *, const char *context,
			     size_t *n, char **cause);
void			 views_strings_free(char **, size_t n);

/* One member of a JSON object, as text. */
struct view_pair {
	char	*key;
	char	*value;		/* strings unquoted, others as JSON text */
};

/*
 * The members of a JSON object text (labels, annotations) sorted by key;
 * *n = 0 for NULL, invalid or non-object text.  Free with
 * views_pairs_free().
 */
struct view_pair	*views_pairs(const char *json, size_t *n);
void			 views_pairs_free(struct view_pair *, size_t n);

#endif
