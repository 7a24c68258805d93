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
};

#define VIEWS_DETAIL_EVENTS_MAX	20	/* events read per workload */

/* What to read of a workload. */
#define VD_PODS		0x1
#define VD_EVENTS	0x2
#define VD_ROLLOUTS	0x4	/* a deployment's, current from [since, until] */

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
