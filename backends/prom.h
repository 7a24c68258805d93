/*
 * prom.h: the Prometheus HTTP API (also Thanos, Mimir, Cortex and
 * VictoriaMetrics, which speak the same API; a tenant header is one more
 * configured header).
 *
 * The parsers take a response body and give plain values, so they are
 * tested on recorded payloads; the source drives a round: targets, `up`,
 * and the SLO queries (each window's error ratio at the evaluation time,
 * and the 1h ratio over the last 24 h for sparklines).
 */
#ifndef SITREP_PROM_H
#define SITREP_PROM_H

#include <stddef.h>
#include <stdint.h>

struct cache;
struct conf_endpoint;
struct source;
struct store_target;

enum prom_type {
	PROM_VECTOR,
	PROM_MATRIX,
	PROM_SCALAR,
	PROM_STRING
};

struct prom_point {
	int64_t	ts_ms;
	double	value;		/* NaN and infinities as they came */
};

struct prom_series {
	char			*metric;	/* label set as JSON text */
	struct prom_point	*points;	/* one for vectors and scalars */
	size_t			 npoints;
};

struct prom_result {
	enum prom_type		 type;
	struct prom_series	*series;
	size_t			 nseries;
	char			**warnings;
	size_t			 nwarnings;
};

struct prom_target {
	char	*job;
	char	*instance;
	char	*health;		/* up, down, unknown */
	char	*last_error;
	char	*scrape_url;
	char	*labels;		/* JSON */
	int64_t	 last_scrape_ms;
};

/*
 * Parse a /api/v1/query or query_range answer.  On failure *cause says
 * what Prometheus said (errorType: error) and names the PromQL.
 */
int	prom_parse_query(const char *body, size_t len, long status,
	    const char *promql, struct prom_result *, char **cause);
void	prom_result_done(struct prom_result *);

/* Parse /api/v1/targets (active targets). */
int	prom_parse_targets(const char *body, size_t len, long status,
	    struct prom_target **, size_t *n, char **cause);
void	prom_targets_free(struct prom_target *, size_t n);

/*
 * Storing a parsed round, as the source does (inside the caller's
 * transaction; -1 and *cause on an SQLite error).
 */
/* The row of a target for store_targets(), borrowing t's strings. */
void	prom_target_row(const struct prom_target *t, struct store_target *);
/* Replace (context, source)'s series with the answer's, under key. */
int	prom_store_series(struct cache *, const char *context,
	    const char *source, const char *key, const struct prom_result *,
	    char **cause);
/* Add an SLO window's answer as key's point at eval_ms (none: NULL). */
int	prom_store_window(struct cache *, const char *context,
	    const char *key, int64_t eval_ms, const struct prom_result *,
	    char **cause);
/* Replace key's points with a range answer's first series. */
int	prom_store_history(struct cache *, const char *context,
	    const char *key, const struct prom_result *, char **cause);

/* Count the alerting and recording rules of /api/v1/rules. */
int	prom_parse_rules(const char *body, size_t len, long status,
	    size_t *alerting, size_t *recording, char **cause);
/* Count the firing and pending alerts of /api/v1/alerts. */
int	prom_parse_alerts(const char *body, size_t len, long status,
	    size_t *firing, size_t *pending, char **cause);

/* The SLO windows, in order; their query_key suffixes and lengths. */
#define PROM_NWINDOWS	8
extern const char *const prom_window_names[PROM_NWINDOWS];	/* "5m".. */
int64_t	prom_window_ms(int i, int64_t period_ms);

/* An SLO's error-ratio PromQL for a window ("5m"); caller frees. */
char	*prom_slo_query(const char *error_query, const char *total_query,
	    const char *error_ratio_query, const char *window);

/*
 * Make s a Prometheus source for ep.  Queries are evaluated at the time
 * runtime_eval_ms() gives for the source's runtime (`--at`, or its clock).
 */
void	prom_source_init(struct source *, const struct conf_endpoint *);

#endif
