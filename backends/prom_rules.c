/*
 * prom_rules.c: Sloth's recording rules and batched raw queries.
 *
 * Why Sloth's rules are exact and which are used: Sloth writes, for each
 * alert window, the rule slo:sli_error:ratio_rate<window> whose
 * expression is the SLO's error query over its total query with the
 * window put in (or the raw error-ratio query), the same PromQL sitrep
 * sends for that window.  Its value at the time Prometheus evaluated it
 * is therefore what sitrep's raw query gives at that time, and the answer
 * carries that time (the sitrep_ts series), so the point is stored at the
 * time it is true for.  The period rule (slo:sli_error:ratio_rate30d) is
 * by default "optimized": the mean of the 5m ratios over the period,
 * which weighs a quiet 5 minutes like a busy one and so is not the
 * period's error ratio; the period is always a raw query.
 *
 * Why Pyrra's rules are not used: Pyrra records
 * <metric>:burnrate<window> with only the objective's name as the `slo`
 * label (no service), its windows are derived from the objective's own
 * window (28d gives 5m, 30m, 1h, 2h, 6h, 1d and 4d; 30d gives 1h4m and
 * the like), so most of sitrep's windows have no rule, and sitrep's SLOs
 * are not loaded from Pyrra objectives, so nothing ties a rule's
 * expression to the configured SLO's queries.  Reading them would not be
 * exact.
 *
 * Batching: raw queries of one window for several SLOs go as one query,
 * each SLO's answer tagged by label_replace with its position.  Each
 * operand of `or` is evaluated on its own at the same time, and the tags
 * keep every operand's series apart, so each SLO's series are exactly its
 * unbatched answer plus the tag.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "backends/prom_rules.h"
#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/store.h"

/* The rule of window w with its timestamps. */
char *
prom_rules_query(int w)
{
	const char	*win = prom_window_names[w];

	return xasprintf("slo:sli_error:ratio_rate%s{sloth_id!=\"\"} or "
	    "label_replace(timestamp(slo:sli_error:ratio_rate%s"
	    "{sloth_id!=\"\"}), \"sitrep_ts\", \"1\", \"\", \"\")", win, win);
}

/* A string label of a parsed label set, or NULL. */
static const char *
prom_rules_label(const cJSON *m, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(m, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The SLO named (service, name) among slos, or -1. */
static long
prom_rules_find(const struct conf_slo *slos, size_t n, const char *service,
    const char *name)
{
	size_t	i;

	if (service == NULL || name == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (slos[i].service != NULL &&
		    strcmp(slos[i].service, service) == 0 &&
		    strcmp(slos[i].name, name) == 0)
			return (long)i;
	}
	return -1;
}

/* Note series s as SLO i's (once; a second one marks it ambiguous). */
static void
prom_rules_note(long *slot, long s)
{
	*slot = *slot == -1 ? s : -2;
}

/* Match a rule answer to the SLOs. */
size_t
prom_rules_match(const struct prom_result *res, const struct conf_slo *slos,
    size_t n, struct store_point **out, size_t *npts)
{
	long			*val, *tsr, i;
	const struct prom_series *vs, *ts;
	cJSON			*m;
	size_t			 k, j, found = 0;

	val = xcalloc(n + 1, sizeof *val);
	tsr = xcalloc(n + 1, sizeof *tsr);
	for (k = 0; k < n; k++) {
		val[k] = tsr[k] = -1;
		out[k] = NULL;
		npts[k] = 0;
	}
	for (k = 0; k < res->nseries; k++) {
		m = cJSON_Parse(res->series[k].metric);
		i = prom_rules_find(slos, n, prom_rules_label(m,
		    "sloth_service"), prom_rules_label(m, "sloth_slo"));
		if (i >= 0)
			prom_rules_note(prom_rules_label(m, "sitrep_ts") != NULL ?
			    &tsr[i] : &val[i], (long)k);
		cJSON_Delete(m);
	}
	for (k = 0; k < n; k++) {
		if (val[k] < 0 || res->series[val[k]].npoints == 0)
			continue;
		vs = &res->series[val[k]];
		ts = tsr[k] >= 0 ? &res->series[tsr[k]] : NULL;
		out[k] = xcalloc(vs->npoints, sizeof *out[k]);
		j = 0;
		for (size_t p = 0; p < vs->npoints; p++) {
			out[k][p].value = vs->points[p].value;
			out[k][p].ts_ms = vs->points[p].ts_ms;
			/* The timestamp series has the same steps. */
			while (ts != NULL && j < ts->npoints &&
			    ts->points[j].ts_ms < vs->points[p].ts_ms)
				j++;
			if (ts != NULL && j < ts->npoints &&
			    ts->points[j].ts_ms == vs->points[p].ts_ms &&
			    isfinite(ts->points[j].value) &&
			    ts->points[j].value * 1000.0 <= (double)
			    vs->points[p].ts_ms)
				out[k][p].ts_ms = (int64_t)llround(
				    ts->points[j].value * 1000.0);
		}
		npts[k] = vs->npoints;
		found++;
	}
	free(val);
	free(tsr);
	return found;
}

/* Several queries as one, each tagged by its position. */
char *
prom_batch_query(const char *const *queries, size_t n)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%slabel_replace((%s), \"" PROM_BATCH_LABEL
		    "\", \"%zu\", \"\", \"\")", i > 0 ? " or " : "",
		    queries[i], i);
	return buf_detach(&b);
}

/*
 * The series of each of n members of a batched answer, found in one pass
 * (each series' labels parsed once, not once per member); see .h.
 */
const struct prom_series **
prom_batch_index(const struct prom_result *res, size_t n)
{
	const struct prom_series	**by;
	const char			 *tag;
	cJSON				 *m;
	int64_t				  k;
	size_t				  i;

	by = xcalloc(n + 1, sizeof *by);
	for (i = 0; i < res->nseries; i++) {
		m = cJSON_Parse(res->series[i].metric);
		tag = prom_rules_label(m, PROM_BATCH_LABEL);
		if (tag != NULL && util_parse_int64(tag, &k) == 0 && k >= 0 &&
		    (uint64_t)k < n && by[k] == NULL)
			by[k] = &res->series[i];
		cJSON_Delete(m);
	}
	return by;
}
