/*
 * conf.h: sitrep's configuration, loaded from YAML.
 *
 * The schema is one table (conf_schema.c) that drives parsing, validation,
 * defaults and docs/CONFIG.md.  Loading reports every problem in a file at
 * once, each as "FILE:LINE:COL: what is wrong; what to do".
 *
 * The structures below are plain values owned by struct conf.  Secrets
 * (bearer tokens, passwords) live only here, in memory: they are never
 * printed, cached or exported; conf_redact() is what any output uses.
 */
#ifndef SITREP_CONF_H
#define SITREP_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct conf_kv {
	char	*key;
	char	*value;
	int	 line;			/* where it was defined */
	int	 col;
};

struct conf_tls {
	char	*ca_file;
	char	*cert_file;
	char	*key_file;
	int	 insecure_skip_verify;
};

/* An HTTP endpoint: Prometheus, one Alertmanager. */
struct conf_endpoint {
	char		*url;
	char		*bearer_token;		/* secret */
	char		*bearer_token_file;
	char		*username;		/* basic_auth */
	char		*password;		/* secret */
	struct conf_kv	*headers;
	size_t		 nheaders;
	struct conf_tls	 tls;
	int64_t		 timeout_ms;
	int		 line;			/* where it was defined */
};

struct conf_kube {
	char	*kubeconfig;			/* NULL: $KUBECONFIG rules */
	char	*context;			/* NULL: current-context */
	char   **namespaces;			/* NULL/0: all */
	size_t	 nnamespaces;
	char	*label_selector;		/* NULL: every object */
	int64_t	 timeout_ms;			/* a request, and a round */
	int	 line;
};

struct conf_probe {
	char	*name;
	char	*url;
	int	 expect_status;
	int64_t	 timeout_ms;
	char	*service;
	int	 line;
};

struct conf_context {
	char			*name;
	int64_t			 refresh_ms;
	struct conf_endpoint	*prometheus;	/* NULL if none */
	struct conf_endpoint	*alertmanagers;
	size_t			 nalertmanagers;
	struct conf_kube	*kubernetes;	/* NULL if none */
	struct conf_probe	*probes;
	size_t			 nprobes;
	int			 readonly;	/* never act: no gate */
	int			 protected_ctx;	/* type the name to act */
	int64_t			 sim_phase_ms;	/* simulator: into its cycle */
	int			 line;
};

struct conf_service {
	char		*name;
	struct conf_kv	*match;		/* labels; "deployment" for Kubernetes */
	size_t		 nmatch;
	int		 line;
};

struct conf_slo {
	char	*name;
	char	*service;
	double	 objective;		/* percent, 0 < x < 100 */
	int64_t	 period_ms;
	char	*error_query;		/* sli.events, with {{.window}} */
	char	*total_query;
	char	*error_ratio_query;	/* sli.raw */
	char	*description;		/* NULL if none */
	char	*file;			/* where it came from */
	int	 line;
};

/* A person of oncall.people. */
struct conf_person {
	char	*name;
	char	*contact;		/* free text; NULL if none */
	int	 line;
};

struct conf {
	char			*path;		/* NULL: built-in defaults */
	char			*theme;
	char			*operator_name;	/* operator; NULL: default */
	int64_t			 http_max_body;	/* bytes */
	struct conf_context	*contexts;
	size_t			 ncontexts;
	struct conf_service	*services;
	size_t			 nservices;
	struct conf_slo		*slos;		/* slos: and slo_files: */
	size_t			 nslos;
	char		       **slo_files;
	size_t			 nslo_files;
	char		       **runbook_dirs;	/* runbooks:, resolved */
	size_t			 nrunbook_dirs;
	char		       **group_by;	/* incidents.group_by */
	size_t			 ngroup_by;
	char		       **heartbeats;	/* incidents.heartbeats */
	size_t			 nheartbeats;
	int64_t			 heartbeat_timeout_ms;	/* 5m */
	struct conf_kv		*priorities;	/* severity -> "P0".."P3" */
	size_t			 npriorities;
	int64_t			 resolve_after_ms;	/* 5m */
	int64_t			 keep_resolved_ms;	/* 30d */
	int64_t			 ack_for_ms;		/* 15m */
	struct conf_kv		*escalation;	/* "P0" -> "0s WHO, 2m WHO" */
	size_t			 nescalation;
	int64_t			 silence_max_ms;	/* 7d; 0: no limit */
	struct conf_kv		*rate_limits;	/* action -> "N/WINDOW" */
	size_t			 nrate_limits;
	int			 scale_min;		/* actions.scale_min */
	int			 scale_max;		/* 0: no upper bound */
	char		       **wb_panels;	/* wallboard.panels */
	size_t			 nwb_panels;
	int64_t			 wb_rotate_ms;		/* 0: no rotation */
	int64_t			 wb_shift_ms;		/* 3m; 0: none */
	char			*wb_filter;		/* NULL: none */
	double			 burn_page_fast;	/* 14.4: 1h and 5m */
	double			 burn_page_slow;	/* 6: 6h and 30m */
	double			 burn_ticket_fast;	/* 3: 1d and 2h */
	double			 burn_ticket_slow;	/* 1: 3d and 6h */
	double			 budget_warn;		/* 50 (% consumed) */
	double			 budget_crit;		/* 80 */
	struct conf_kv		*keys;		/* keys: action -> key */
	size_t			 nkeys;
	struct conf_person	*oncall_people;	/* oncall: (core/oncall.h) */
	size_t			 noncall_people;
	char			*oncall_start;	/* rotation.start; NULL: none */
	int64_t			 oncall_period_ms;	/* 1w */
	char		       **oncall_order;	/* NULL/0: the people */
	size_t			 noncall_order;
	struct conf_kv		*oncall_levels;	/* WHO -> name or rotation */
	size_t			 noncall_levels;
};

/* Problems found while loading, each "FILE:LINE:COL: message". */
struct conf_problems {
	char	**v;
	size_t	  n;
};

void	 conf_problems_init(struct conf_problems *);
void	 conf_problems_done(struct conf_problems *);
/* Append msg (taken: the list frees it), made one line safe to show. */
void	 conf_problems_add(struct conf_problems *, char *msg);

/* Largest configuration or SLO file read. */
#define CONF_MAX_FILE_SIZE	(4 * 1024 * 1024)

/*
 * Load and validate a file.  Returns NULL if there was any problem, all of
 * them appended to problems.  The caller frees the result with conf_free.
 */
struct conf *conf_load(const char *path, struct conf_problems *);
/*
 * The same from memory: name is what problems call the file, and
 * slo_files are read relative to its folder.
 */
struct conf *conf_load_buffer(const char *name, const char *data,
	     size_t len, struct conf_problems *);
/* A configuration with every default and no context (no file found). */
struct conf *conf_new_default(void);
void	 conf_free(struct conf *);

/*
 * Which file to read: the option, else $SITREP_CONFIG, else
 * $XDG_CONFIG_HOME/sitrep/config.yaml (~/.config/sitrep/config.yaml).
 * Returns an allocated path; *explicit says whether the user named it (a
 * named file that is missing is an error, the default one is not).
 */
char	*conf_find_path(const char *option, int *explicit);

/* The named context, or the first when name is NULL; NULL if none. */
const struct conf_context *conf_context_find(const struct conf *,
	     const char *name);

/* Write docs/CONFIG.md, generated from the schema table. */
void	 conf_write_docs(FILE *);

/* What to print for a secret value: "<redacted>" unless empty. */
const char *conf_redact(const char *secret);

/*
 * "2 contexts, 3 services, 4 SLOs" into buf (truncated to len); returns
 * what snprintf returns.
 */
int	 conf_check_summary(const struct conf *, char *buf, size_t len);

#endif
