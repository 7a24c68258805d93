/*
 * runbook.h: runbooks as steps, read from YAML files.
 *
 * A runbook says what to do about an alert: a name, what it matches
 * (alertname, labels by equality or regex, or a service) and a list of
 * steps.  A step is text, a link, a check (a PromQL expression and a
 * condition its value must meet, evaluated live elsewhere) or an action
 * (one of the gate's: restart, undo, scale, delete-pod, ack, silence,
 * command) whose parameters are templates over the alert's labels,
 * `{{ $labels.NAME }}`.  docs/RUNBOOKS.md describes the format.
 *
 * Files come from the directories the configuration's `runbooks:` key
 * lists; every problem is reported as "FILE:LINE:COL: what; what to do",
 * like the configuration's own.  This module never runs anything: it
 * turns a step and an alert's labels into a filled struct action_request
 * (argv templated element by element, no shell) for the gate.
 */
#ifndef SITREP_RUNBOOK_H
#define SITREP_RUNBOOK_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"

struct conf_kv;
struct conf_problems;

/* Limits, against hostile or runaway files. */
#define RUNBOOK_MAX_FILE	(256 * 1024)	/* bytes of one file */
#define RUNBOOK_MAX_FILES	512		/* files of one directory */
#define RUNBOOK_MAX_RUNBOOKS	1024		/* in the whole set */
#define RUNBOOK_MAX_STEPS	64		/* of one runbook */
#define RUNBOOK_MAX_FIELD	4096		/* bytes of one value */
#define RUNBOOK_MAX_ARGV	64		/* argv and env items */
#define RUNBOOK_MAX_TIMEOUT_MS	(10 * 60 * 1000)
#define RUNBOOK_DEFAULT_TIMEOUT_MS (30 * 1000)

enum runbook_step_kind {
	RUNBOOK_TEXT,
	RUNBOOK_LINK,
	RUNBOOK_CHECK,
	RUNBOOK_ACTION
};

/* A check's condition: the value compared to threshold. */
enum runbook_cmp {
	RUNBOOK_LT,
	RUNBOOK_LE,
	RUNBOOK_GT,
	RUNBOOK_GE,
	RUNBOOK_EQ,
	RUNBOOK_NE
};

/*
 * One step; every string is a template (text as written, unexpanded).
 * Fields not used by the kind are NULL or 0.
 */
struct runbook_step {
	enum runbook_step_kind	 kind;
	char			*text;		/* text; link and check title */
	char			*url;		/* link */
	char			*query;		/* check: PromQL */
	char			*expect;	/* check: "< 0.01" as written */
	enum runbook_cmp	 cmp;
	double			 threshold;
	const struct action_def	*action;	/* action */
	char			*namespace;
	char			*target;	/* deployment or pod */
	int			 replicas;	/* scale; -1 unset */
	int64_t			 to_revision;	/* undo; 0 the previous */
	char		       **argv;		/* command */
	size_t			 nargv;
	char		       **env;		/* NAME or NAME=value */
	size_t			 nenv;
	int64_t			 timeout_ms;
	char			*note;		/* action: a caveat */
	int			 alternative;	/* to the action step before */
	int			 line;
};

/* A label matcher: label = value, or label =~ value (anchored regex). */
struct runbook_matcher {
	char		*label;
	char		*value;
	int		 regex;
	regex_t		 re;
};

struct runbook {
	char			*name;
	char			*file;		/* where it came from */
	int			 line;
	char			*alertname;	/* NULL: any */
	struct runbook_matcher	*matchers;
	size_t			 nmatchers;
	char			*service;	/* NULL: none */
	struct runbook_step	*steps;
	size_t			 nsteps;
};

/* A set of runbooks, in precedence order. */
struct runbook_set;

struct runbook_set *runbook_set_new(void);
void		 runbook_set_free(struct runbook_set *);
/*
 * Parse one file's text (named name in problems) and add its runbooks.
 * 0, or -1 with every problem appended as "NAME:LINE:COL: ..." (then
 * nothing of the file is added).
 */
int		 runbook_set_add_buffer(struct runbook_set *, const char *name,
		     const char *data, size_t len, struct conf_problems *);
/*
 * Read every *.yaml and *.yml file of each directory, directories in
 * order and files by name; 0, or -1 with the problems appended.
 */
int		 runbook_set_load_dirs(struct runbook_set *, char **dirs,
		     size_t ndirs, struct conf_problems *);
/* The demo's runbooks (built in, always valid). */
struct runbook_set *runbook_set_demo(void);

size_t		 runbook_set_count(const struct runbook_set *);
/* Runbook i, borrowed, valid while the set lives. */
const struct runbook *runbook_set_get(const struct runbook_set *, size_t);

/*
 * The first runbook whose match: holds for one alert's labels (alertname
 * included, as the label "alertname"), or NULL.  A runbook with only
 * service: matches when service is that service.  Borrowed.
 */
const struct runbook *runbook_match(const struct runbook_set *,
		     const struct conf_kv *labels, size_t nlabels,
		     const char *service);

/*
 * Expand the {{ $labels.NAME }} of tmpl; NULL and *cause ("label pod is
 * not on the alert") when a label is missing.  Caller frees.
 */
char		*runbook_expand(const char *tmpl, const struct conf_kv *labels,
		     size_t nlabels, char **cause);

/* Whether value meets a check's condition. */
int		 runbook_check_holds(const struct runbook_step *, double value);

/*
 * An action step made into a request for the gate.  req points into the
 * strings below (and cmd for a command); title is what the timeline
 * says when it is done ("undo deployment shop/checkout").  Free with
 * runbook_request_done().
 */
struct runbook_request {
	struct action_request	 req;
	struct action_command	 cmd;
	char			*title;
	char			*namespace;
	char			*name;
	char			*why;
	char			*incident;
	char		       **argv;		/* NULL-terminated */
	char		       **env;		/* NULL-terminated */
};

/*
 * Fill *out from step (an action) of rb for an alert's labels and
 * incident (NULL: none): every template expanded, argv one element per
 * item whatever the label values hold, env only the names the step
 * lists (a bare NAME takes sitrep's own value, left out when unset).
 * 0, or -1 and *cause (a missing label, a name Kubernetes would refuse,
 * a step that is not an action).
 */
int		 runbook_step_request(const struct runbook *, size_t step,
		     const struct conf_kv *labels, size_t nlabels,
		     const char *incident, struct runbook_request *out,
		     char **cause);
void		 runbook_request_done(struct runbook_request *);

/*
 * Whether an action step titled title is done by a timeline row: kind
 * "action" and text title followed by ':', ' ' or the end.
 */
int		 runbook_timeline_done(const char *title, const char *kind,
		     const char *text);

/*
 * What the cache knows for checks in a context without Prometheus: the
 * latest value of a stored series key (0, or -1 when none), and each
 * cached pod's namespace, name and restarts (0, or -1 and *cause).
 */
struct cache;
int		 runbook_cache_sample(struct cache *, const char *context,
		     const char *key, double *value);
struct runbook_pod {
	char	*namespace;
	char	*name;
	double	 restarts;
};
int		 runbook_cache_pods(struct cache *, const char *context,
		     struct runbook_pod **, size_t *n, char **cause);
void		 runbook_pods_free(struct runbook_pod *, size_t n);

/* The labels of a JSON object text ({"a":"b"}); *n 0 on bad JSON. */
struct conf_kv	*runbook_labels_json(const char *json, size_t *n);
void		 runbook_labels_free(struct conf_kv *, size_t n);

#endif
