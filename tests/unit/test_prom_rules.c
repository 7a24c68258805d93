/*
 * test_prom_rules.c: Sloth rule answers matched to SLOs (with each
 * sample's own time), and raw queries batched and taken apart again, on
 * answers shaped as Prometheus gives them.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/prom.h"
#include "backends/prom_rules.h"
#include "core/conf.h"
#include "core/store.h"
#include "base/xmalloc.h"

/* Parse body as a query answer, or fail the test. */
static int
parse(const char *body, struct prom_result *r)
{
	char	*cause = NULL;
	int	 rc;

	rc = prom_parse_query(body, strlen(body), 200, "q", r, &cause);
	free(cause);
	return rc;
}

/* One query per window names the rule and asks its timestamps too. */
static void
test_rules_query(void)
{
	char	*q = prom_rules_query(2);

	CHECK_STR(q, "slo:sli_error:ratio_rate1h{sloth_id!=\"\"} or "
	    "label_replace(timestamp(slo:sli_error:ratio_rate1h"
	    "{sloth_id!=\"\"}), \"sitrep_ts\", \"1\", \"\", \"\")");
	free(q);
	q = prom_rules_query(6);
	CHECK_CONTAINS(q, "slo:sli_error:ratio_rate3d{");
	free(q);
}

/*
 * An instant answer: each SLO by service and name, at the rule's own
 * time; a second rule for one SLO makes it ambiguous (not read); an SLO
 * without a service, or absent, is not read.
 */
static void
test_rules_match(void)
{
	struct conf_slo		 slos[5];
	struct prom_result	 r;
	struct store_point	*pts[5];
	size_t			 npts[5], i;
	const char		*body = "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"vector\",\"result\":["
	    "{\"metric\":{\"__name__\":\"slo:sli_error:ratio_rate1h\","
	    "\"sloth_id\":\"shop-avail\",\"sloth_service\":\"shop\","
	    "\"sloth_slo\":\"avail\",\"sloth_window\":\"1h\"},"
	    "\"value\":[1700000000,\"0.25\"]},"
	    "{\"metric\":{\"sloth_id\":\"shop-avail\",\"sloth_service\":"
	    "\"shop\",\"sloth_slo\":\"avail\",\"sloth_window\":\"1h\","
	    "\"sitrep_ts\":\"1\"},\"value\":[1700000000,\"1699999993.779\"]},"
	    "{\"metric\":{\"__name__\":\"slo:sli_error:ratio_rate1h\","
	    "\"sloth_service\":\"pay\",\"sloth_slo\":\"avail\"},"
	    "\"value\":[1700000000,\"NaN\"]},"
	    "{\"metric\":{\"__name__\":\"slo:sli_error:ratio_rate1h\","
	    "\"sloth_service\":\"dup\",\"sloth_slo\":\"x\"},"
	    "\"value\":[1700000000,\"0.1\"]},"
	    "{\"metric\":{\"__name__\":\"slo:sli_error:ratio_rate1h\","
	    "\"sloth_service\":\"dup\",\"sloth_slo\":\"x\",\"team\":\"b\"},"
	    "\"value\":[1700000000,\"0.2\"]},"
	    "{\"metric\":{\"__name__\":\"slo:sli_error:ratio_rate1h\","
	    "\"sloth_service\":\"\",\"sloth_slo\":\"noservice\"},"
	    "\"value\":[1700000000,\"0.3\"]}]}}";

	memset(slos, 0, sizeof slos);
	slos[0].name = xstrdup("avail");
	slos[0].service = xstrdup("shop");
	slos[1].name = xstrdup("avail");
	slos[1].service = xstrdup("pay");
	slos[2].name = xstrdup("x");
	slos[2].service = xstrdup("dup");
	slos[3].name = xstrdup("noservice");		/* no service: never a rule */
	slos[4].name = xstrdup("absent");
	slos[4].service = xstrdup("shop");
	CHECK(parse(body, &r) == 0);
	CHECK_INT(prom_rules_match(&r, slos, 5, pts, npts), 2);
	CHECK(pts[0] != NULL && npts[0] == 1);
	if (pts[0] != NULL) {
		CHECK_NEAR(pts[0][0].value, 0.25, 0);
		/* The rule's own time, not the query's. */
		CHECK_INT(pts[0][0].ts_ms, 1699999993779LL);
	}
	/* No timestamp series: the query's time; NaN (0/0) kept. */
	CHECK(pts[1] != NULL && isnan(pts[1][0].value));
	if (pts[1] != NULL)
		CHECK_INT(pts[1][0].ts_ms, 1700000000000LL);
	CHECK(pts[2] == NULL);
	CHECK(pts[3] == NULL);
	CHECK(pts[4] == NULL);
	for (i = 0; i < 5; i++) {
		free(pts[i]);
		free(slos[i].name);
		free(slos[i].service);
	}
	prom_result_done(&r);
}

/*
 * A range answer: every step's point at the rule's time; a timestamp
 * after the step (impossible) is not believed.
 */
static void
test_rules_match_range(void)
{
	struct conf_slo		 slo;
	struct prom_result	 r;
	struct store_point	*pts[1];
	size_t			 npts[1];
	const char		*body = "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"matrix\",\"result\":["
	    "{\"metric\":{\"sloth_service\":\"shop\",\"sloth_slo\":\"avail\","
	    "\"sitrep_ts\":\"1\"},\"values\":[[900,\"899.5\"],"
	    "[2700,\"2700.5\"]]},"
	    "{\"metric\":{\"sloth_service\":\"shop\",\"sloth_slo\":\"avail\"},"
	    "\"values\":[[900,\"0.5\"],[1800,\"0.25\"],[2700,\"0.125\"]]}]}}";

	memset(&slo, 0, sizeof slo);
	slo.name = xstrdup("avail");
	slo.service = xstrdup("shop");
	CHECK(parse(body, &r) == 0);
	CHECK_INT(prom_rules_match(&r, &slo, 1, pts, npts), 1);
	CHECK_INT(npts[0], 3);
	if (npts[0] == 3) {
		CHECK_INT(pts[0][0].ts_ms, 899500);
		CHECK_INT(pts[0][1].ts_ms, 1800000);	/* no ts at this step */
		CHECK_INT(pts[0][2].ts_ms, 2700000);	/* after it: not used */
		CHECK_NEAR(pts[0][1].value, 0.25, 0);
	}
	free(pts[0]);
	free(slo.name);
	free(slo.service);
	prom_result_done(&r);
}

/* Batched queries are tagged by position and taken apart by the tag. */
static void
test_batch(void)
{
	const char		*qs[] = { "sum(a)", "(b) / (c)" };
	const struct prom_series *s, **by;
	struct prom_result	 r;
	char			*q;
	const char		*body = "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"vector\",\"result\":["
	    "{\"metric\":{\"sitrep_slo\":\"1\"},\"value\":[5,\"0.5\"]},"
	    "{\"metric\":{\"sitrep_slo\":\"10\"},\"value\":[5,\"0.7\"]}]}}";

	q = prom_batch_query(qs, 2);
	CHECK_STR(q, "label_replace((sum(a)), \"sitrep_slo\", \"0\", \"\", "
	    "\"\") or label_replace(((b) / (c)), \"sitrep_slo\", \"1\", \"\", "
	    "\"\")");
	free(q);
	CHECK(parse(body, &r) == 0);
	/* Member 0 answered nothing: no data, never another's series. */
	by = prom_batch_index(&r, 11);
	CHECK(by[0] == NULL);
	s = by[1];
	CHECK(s != NULL && s->points[0].value == 0.5);
	s = by[10];
	CHECK(s != NULL && s->points[0].value == 0.7);
	CHECK(by[2] == NULL);
	free(by);
	/* A tag beyond the members is no member's. */
	by = prom_batch_index(&r, 5);
	CHECK(by[1] != NULL && by[1]->points[0].value == 0.5);
	free(by);
	prom_result_done(&r);
}

static const struct test tests[] = {
	TEST(test_rules_query),
	TEST(test_rules_match),
	TEST(test_rules_match_range),
	TEST(test_batch),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
