/*
 * prom_rules.h: reading many SLOs with few Prometheus queries.
 *
 * Sloth's SLI recording rules (slo:sli_error:ratio_rate5m .. _rate3d,
 * labelled sloth_id, sloth_service, sloth_slo, sloth_window) hold, for
 * every SLO at once, the very expression sitrep would send for that
 * window: ({error}) / ({total}), or ({error_ratio}).  One instant query
 * per window reads every SLO's ratio, with the time the rule computed it;
 * an SLO is matched by sloth_service and sloth_slo to its service and
 * name.  Raw queries of one window for several SLOs are batched into one
 * query, each SLO's answer tagged by a label.  Pure functions on strings
 * and parsed answers, so they are tested without a server.
 */
#ifndef SITREP_PROM_RULES_H
#define SITREP_PROM_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "backends/prom.h"

struct conf_slo;
struct store_point;

/* The windows Sloth records exactly: 5m .. 3d (not the period). */
#define PROM_RULE_NWINDOWS	(PROM_NWINDOWS - 1)

/* The label a batched query tags each SLO's series with. */
#define PROM_BATCH_LABEL	"sitrep_slo"

/*
 * The PromQL reading window w's Sloth rule (0 <= w < PROM_RULE_NWINDOWS)
 * for every SLO, with each sample's own timestamp as a second series
 * labelled sitrep_ts; caller frees.
 */
char	*prom_rules_query(int w);

/*
 * Match a rule answer (instant or range) to slos[0..n): for each SLO
 * found exactly once, out[i] is its points (value at the rule's own
 * time; caller frees) and npts[i] their count; an SLO not found, found
 * twice (two rules claim it) or without a service gets out[i] NULL.
 * Returns how many SLOs were found.
 */
size_t	prom_rules_match(const struct prom_result *,
	    const struct conf_slo *slos, size_t n,
	    struct store_point **out, size_t *npts);

/*
 * One query for several: "label_replace((q0), "sitrep_slo", "0", "", "")
 * or ..." ; caller frees.
 */
char	*prom_batch_query(const char *const *queries, size_t n);
/*
 * The series of each of n members of a batched answer, by member: the
 * first one tagged k, as the unbatched query's first series; NULL when
 * none (no data).  The array is the caller's (free); the series are res's.
 */
const struct prom_series **prom_batch_index(const struct prom_result *,
	    size_t n);

#endif
