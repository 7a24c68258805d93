/*
 * test_slo.c: the error-budget arithmetic and the multi-window verdict on
 * numbers with known answers, including no traffic and the exact edges.
 */
#include "config.h"

#include <math.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "core/slo.h"
#include "core/vocab.h"

/* Fill every window with the same burn rate. */
static void
fill(double burn[SLO_NWINDOWS], double v)
{
	int	w;

	for (w = 0; w < SLO_NWINDOWS; w++)
		burn[w] = v;
}

/* Burn rate is the error ratio over the allowed ratio. */
static void
test_burn_rate(void)
{
	CHECK_NEAR(slo_burn_rate(0.001, 99.9), 1.0, 1e-9);
	CHECK_NEAR(slo_burn_rate(0.0144, 99.9), 14.4, 1e-9);
	CHECK_NEAR(slo_burn_rate(0.05, 99), 5.0, 1e-9);
	CHECK_NEAR(slo_burn_rate(0, 99.9), 0.0, 1e-12);
	/* 100 % errors on a 99.9 % objective burns a thousand times. */
	CHECK_NEAR(slo_burn_rate(1.0, 99.9), 1000.0, 1e-6);
}

/* No traffic is no data: never 0 % and never 100 %. */
static void
test_no_traffic(void)
{
	double	burn[SLO_NWINDOWS];

	CHECK(isnan(slo_burn_rate(NAN, 99.9)));
	CHECK(isnan(slo_budget_remaining(NAN, 99.9)));
	CHECK_INT(slo_exhaustion_seconds(NAN, 2.0, 30LL * 86400000), -1);
	fill(burn, NAN);
	CHECK_INT(slo_verdict(burn, &(struct slo_policy){ 14.4, 6, 3, 1, 50,
	    80 }), SLO_NODATA);
	CHECK_STR(vocab_verdict_word(SLO_NODATA), "no data");
}

/* Objectives outside (0, 100) give no burn rate. */
static void
test_bad_objective(void)
{
	CHECK(isnan(slo_burn_rate(0.01, 100)));
	CHECK(isnan(slo_burn_rate(0.01, 0)));
	CHECK(isnan(slo_burn_rate(-0.5, 99)));
}

/* Budget remaining over the period, including overspent. */
static void
test_budget(void)
{
	CHECK_NEAR(slo_budget_remaining(0.0, 99.9), 1.0, 1e-12);
	CHECK_NEAR(slo_budget_remaining(0.0005, 99.9), 0.5, 1e-9);
	CHECK_NEAR(slo_budget_remaining(0.002, 99.9), -1.0, 1e-9);
}

/* Time to exhaustion at the 1h burn rate. */
static void
test_exhaustion(void)
{
	int64_t	period = 30LL * 86400 * 1000;

	/* Half the budget left, burning at 1: half the period. */
	CHECK_INT(slo_exhaustion_seconds(0.5, 1.0, period), 15 * 86400);
	/* Burning at 14.4 with everything left: 30d / 14.4 = 50 h. */
	CHECK_INT(slo_exhaustion_seconds(1.0, 14.4, period), 50 * 3600);
	CHECK_INT(slo_exhaustion_seconds(0.0, 3.0, period), 0);
	CHECK_INT(slo_exhaustion_seconds(-0.2, 3.0, period), 0);
	CHECK_INT(slo_exhaustion_seconds(0.7, 0.0, period), -1);
}

/* Page: 1h and 5m above 14.4, or 6h and 30m above 6; strictly above. */
static void
test_verdict_page(void)
{
	struct slo_policy	p;
	double			b[SLO_NWINDOWS];

	slo_policy_default(&p);
	fill(b, 0);
	b[SLO_1H] = 14.41;
	b[SLO_5M] = 20;
	CHECK_INT(slo_verdict(b, &p), SLO_PAGE);
	b[SLO_1H] = 14.4;		/* exactly at: not above */
	CHECK_INT(slo_verdict(b, &p), SLO_OK);
	b[SLO_1H] = 20;
	b[SLO_5M] = 1;			/* the short window says it stopped */
	CHECK_INT(slo_verdict(b, &p), SLO_OK);
	fill(b, 0);
	b[SLO_6H] = 6.01;
	b[SLO_30M] = 7;
	CHECK_INT(slo_verdict(b, &p), SLO_PAGE);
	b[SLO_6H] = 6;
	CHECK_INT(slo_verdict(b, &p), SLO_OK);
}

/* Ticket: 1d and 2h above 3, or 3d and 6h above 1. */
static void
test_verdict_ticket(void)
{
	struct slo_policy	p;
	double			b[SLO_NWINDOWS];

	slo_policy_default(&p);
	fill(b, 0);
	b[SLO_1D] = 3.5;
	b[SLO_2H] = 3.01;
	CHECK_INT(slo_verdict(b, &p), SLO_TICKET);
	b[SLO_2H] = 3;
	CHECK_INT(slo_verdict(b, &p), SLO_OK);
	fill(b, 0);
	b[SLO_3D] = 1.2;
	b[SLO_6H] = 1.0000001;
	CHECK_INT(slo_verdict(b, &p), SLO_TICKET);
	b[SLO_6H] = 1;
	CHECK_INT(slo_verdict(b, &p), SLO_OK);
	/* A page outranks a ticket. */
	fill(b, 20);
	CHECK_INT(slo_verdict(b, &p), SLO_PAGE);
}

/* Missing windows never page, but the others still count. */
static void
test_verdict_partial(void)
{
	struct slo_policy	p;
	double			b[SLO_NWINDOWS];

	slo_policy_default(&p);
	fill(b, NAN);
	b[SLO_1H] = 100;		/* 5m missing: no page from this pair */
	CHECK_INT(slo_verdict(b, &p), SLO_OK);
	b[SLO_5M] = 100;
	CHECK_INT(slo_verdict(b, &p), SLO_PAGE);
}

/* Thresholds are configurable. */
static void
test_verdict_policy(void)
{
	struct slo_policy	p;
	double			b[SLO_NWINDOWS];

	slo_policy_default(&p);
	p.page_fast = 2;
	fill(b, 0);
	b[SLO_1H] = 2.5;
	b[SLO_5M] = 2.5;
	CHECK_INT(slo_verdict(b, &p), SLO_PAGE);
	CHECK_STR(vocab_verdict_word(SLO_PAGE), "page");
	CHECK_STR(vocab_verdict_word(SLO_TICKET), "ticket");
	CHECK_STR(vocab_window_word(SLO_3D), "3d");
}

/* Each window alone against the thresholds of the pairs it is in. */
static void
test_window_level(void)
{
	struct slo_policy	p;

	slo_policy_default(&p);
	CHECK_INT(slo_window_level(NAN, SLO_5M, &p), SLO_NODATA);
	CHECK_INT(slo_window_level(14.5, SLO_5M, &p), SLO_PAGE);
	CHECK_INT(slo_window_level(14.4, SLO_1H, &p), SLO_TICKET);
	CHECK_INT(slo_window_level(1, SLO_1H, &p), SLO_OK);
	CHECK_INT(slo_window_level(6.1, SLO_30M, &p), SLO_PAGE);
	CHECK_INT(slo_window_level(6.1, SLO_6H, &p), SLO_PAGE);
	CHECK_INT(slo_window_level(6, SLO_6H, &p), SLO_TICKET);
	CHECK_INT(slo_window_level(1, SLO_6H, &p), SLO_OK);
	/* 2h and 1d ticket above 3, never page. */
	CHECK_INT(slo_window_level(3, SLO_2H, &p), SLO_OK);
	CHECK_INT(slo_window_level(3.1, SLO_1D, &p), SLO_TICKET);
	CHECK_INT(slo_window_level(100, SLO_1D, &p), SLO_TICKET);
	CHECK_INT(slo_window_level(1.01, SLO_3D, &p), SLO_TICKET);
	CHECK_INT(slo_window_level(0.99, SLO_PERIOD, &p), SLO_OK);
	/* The policy is the one configured. */
	p.page_fast = 2;
	CHECK_INT(slo_window_level(2.5, SLO_5M, &p), SLO_PAGE);
	CHECK_INT(slo_window_level(2.5, SLO_NWINDOWS, &p), SLO_NODATA);
}

static const struct test tests[] = {
	TEST(test_window_level),
	TEST(test_burn_rate),
	TEST(test_no_traffic),
	TEST(test_bad_objective),
	TEST(test_budget),
	TEST(test_exhaustion),
	TEST(test_verdict_page),
	TEST(test_verdict_ticket),
	TEST(test_verdict_partial),
	TEST(test_verdict_policy),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
