/*
 * fuzz_prom.c: the parsers of Prometheus answers on any body.
 *
 * Each body goes to every parser of backends/prom.c (query and
 * query_range, targets, rules, alerts) under a success status and under
 * error statuses, and the rule matcher and batch reader of
 * backends/prom_rules.c read what a query answer gave.  Each parser
 * returns 0 or -1; on -1 there is a cause, one line safe for a terminal,
 * and nothing to free; on 0 there is no cause and every string is valid
 * UTF-8 (labels as JSON text that parses back).  Leaks are findings too.
 */
#include "config.h"

#include <cJSON.h>

#include "backends/prom.h"
#include "backends/prom_rules.h"
#include "core/conf.h"
#include "core/store.h"
#include "tests/fuzz/fuzz.h"

/* A cause after -1: present and safe to show. */
static void
check_cause(int rc, char *cause)
{
	FUZZ_CHECK(rc == 0 || rc == -1, "0 or -1");
	if (rc == 0) {
		FUZZ_CHECK(cause == NULL, "no cause on success");
		return;
	}
	FUZZ_CHECK(cause != NULL && *cause != '\0', "a cause on failure");
	FUZZ_CHECK(fuzz_terminal_safe(cause, 0), "the cause is safe to show");
	free(cause);
}

/* A query answer, then what prom_rules.c reads from it. */
static void
check_query(const char *body, size_t len, long status)
{
	struct prom_result	 r;
	struct conf_slo		 slos[2];
	struct store_point	*pts[2] = { NULL, NULL };
	size_t			 npts[2] = { 0, 0 }, i, k, found;
	const struct prom_series **by;
	char			*cause = NULL;
	cJSON			*m;
	int			 rc;

	memset(&r, 0, sizeof r);
	rc = prom_parse_query(body, len, status, "sum(up)", &r, &cause);
	check_cause(rc, cause);
	if (rc != 0) {
		FUZZ_CHECK(r.nseries == 0 && r.series == NULL &&
		    r.nwarnings == 0 && r.warnings == NULL,
		    "nothing kept on failure");
		return;
	}
	FUZZ_CHECK(r.type == PROM_VECTOR || r.type == PROM_MATRIX ||
	    r.type == PROM_SCALAR || r.type == PROM_STRING, "a known type");
	for (i = 0; i < r.nseries; i++) {
		FUZZ_CHECK(fuzz_str_valid(r.series[i].metric),
		    "labels are valid UTF-8");
		if (r.series[i].metric != NULL) {
			m = cJSON_Parse(r.series[i].metric);
			FUZZ_CHECK(m != NULL, "labels are JSON");
			cJSON_Delete(m);
		}
		FUZZ_CHECK(r.series[i].npoints == 0 ||
		    r.series[i].points != NULL, "points are there");
		if (r.type != PROM_MATRIX)
			FUZZ_CHECK(r.series[i].npoints <= 1,
			    "one point for an instant value");
	}
	for (i = 0; i < r.nwarnings; i++)
		FUZZ_CHECK(fuzz_str_valid(r.warnings[i]),
		    "warnings are valid UTF-8");

	/* Two SLOs as a configuration names them. */
	memset(slos, 0, sizeof slos);
	slos[0].service = (char *)"checkout";
	slos[0].name = (char *)"availability";
	slos[1].service = (char *)"search";
	slos[1].name = (char *)"latency";
	found = prom_rules_match(&r, slos, 2, pts, npts);
	for (i = 0; i < 2; i++) {
		FUZZ_CHECK((pts[i] != NULL) == (npts[i] > 0),
		    "an SLO found has points, one not found none");
		if (pts[i] != NULL)
			found--;
		free(pts[i]);
	}
	FUZZ_CHECK(found == 0, "the count is of the SLOs found");
	by = prom_batch_index(&r, 3);
	for (k = 0; k < 3; k++)
		FUZZ_CHECK(by[k] == NULL || (by[k] >= r.series &&
		    by[k] < r.series + r.nseries),
		    "a member's series is one of the answer's");
	free(by);
	prom_result_done(&r);
}

/* One input: every parser, under several statuses. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 400, 422, 503, 0 };
	const char		*body = (const char *)data;
	struct prom_target	*t;
	size_t			 nt, i, k, a, b;
	char			*cause;
	int			 rc;

	for (k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
		long	st = statuses[k];

		check_query(body, size, st);

		t = NULL;
		nt = 0;
		cause = NULL;
		rc = prom_parse_targets(body, size, st, &t, &nt, &cause);
		check_cause(rc, cause);
		if (rc == 0) {
			for (i = 0; i < nt; i++) {
				FUZZ_CHECK(fuzz_str_valid(t[i].job) &&
				    fuzz_str_valid(t[i].instance) &&
				    fuzz_str_valid(t[i].health) &&
				    fuzz_str_valid(t[i].last_error) &&
				    fuzz_str_valid(t[i].scrape_url) &&
				    fuzz_str_valid(t[i].labels),
				    "a target's strings are valid UTF-8");
			}
			prom_targets_free(t, nt);
		} else
			FUZZ_CHECK(t == NULL && nt == 0,
			    "no targets on failure");

		cause = NULL;
		rc = prom_parse_rules(body, size, st, &a, &b, &cause);
		check_cause(rc, cause);
		cause = NULL;
		rc = prom_parse_alerts(body, size, st, &a, &b, &cause);
		check_cause(rc, cause);
	}
	return 0;
}
