/*
 * slo.c: error budgets, burn rates and the multi-window verdict.
 *
 * The verdict follows the SRE workbook's multi-window, multi-burn-rate
 * alerting: a page needs a fast burn confirmed by a short window (1h and 5m
 * above 14.4, or 6h and 30m above 6), a ticket a slower one (1d and 2h above
 * 3, or 3d and 6h above 1).  "Above" is strict, so a burn rate exactly at
 * a threshold does not fire.  NaN (no data) compares false everywhere, so
 * missing data can never page.
 */
#include "config.h"

#include <math.h>

#include "core/slo.h"

/* The workbook's thresholds and 50 % / 80 % budget warnings. */
void
slo_policy_default(struct slo_policy *p)
{
	p->page_fast = 14.4;
	p->page_slow = 6;
	p->ticket_fast = 3;
	p->ticket_slow = 1;
	p->budget_warn = 50;
	p->budget_crit = 80;
}

/* Error ratio over the allowed error ratio. */
double
slo_burn_rate(double ratio, double objective)
{
	double	allowed = 1.0 - objective / 100.0;

	if (isnan(ratio) || !(allowed > 0) || !(allowed < 1) || ratio < 0)
		return NAN;
	return ratio / allowed;
}

/* What is left of the period's budget. */
double
slo_budget_remaining(double period_ratio, double objective)
{
	double	burn = slo_burn_rate(period_ratio, objective);

	if (isnan(burn))
		return NAN;
	return 1.0 - burn;
}

/* Seconds until the remaining budget is spent at burn rate burn. */
int64_t
slo_exhaustion_seconds(double remaining, double burn, int64_t period_ms)
{
	double	secs;

	if (isnan(remaining) || isnan(burn) || burn <= 0 || period_ms <= 0)
		return -1;
	if (remaining <= 0)
		return 0;
	/* The whole budget lasts period/burn at this rate. */
	secs = remaining * ((double)period_ms / 1000.0) / burn;
	if (secs > 9.0e15)
		return -1;
	return (int64_t)secs;
}

/* Whether both windows burn strictly above t. */
static int
slo_both_above(const double burn[SLO_NWINDOWS], enum slo_window a,
    enum slo_window b, double t)
{
	return burn[a] > t && burn[b] > t;
}

/* The verdict from the burn rates. */
enum slo_verdict
slo_verdict(const double burn[SLO_NWINDOWS], const struct slo_policy *p)
{
	int	w, any = 0;

	for (w = SLO_5M; w <= SLO_3D; w++) {
		if (!isnan(burn[w]))
			any = 1;
	}
	if (!any)
		return SLO_NODATA;
	if (slo_both_above(burn, SLO_1H, SLO_5M, p->page_fast) ||
	    slo_both_above(burn, SLO_6H, SLO_30M, p->page_slow))
		return SLO_PAGE;
	if (slo_both_above(burn, SLO_1D, SLO_2H, p->ticket_fast) ||
	    slo_both_above(burn, SLO_3D, SLO_6H, p->ticket_slow))
		return SLO_TICKET;
	return SLO_OK;
}

/* One window's burn against the thresholds of its pairs. */
enum slo_verdict
slo_window_level(double burn, enum slo_window w, const struct slo_policy *p)
{
	double	page = NAN, ticket = p->ticket_slow;

	if (isnan(burn))
		return SLO_NODATA;
	switch (w) {
	case SLO_5M:
	case SLO_1H:
		page = p->page_fast;
		break;
	case SLO_30M:
		page = p->page_slow;
		break;
	case SLO_6H:
		page = p->page_slow;
		break;
	case SLO_2H:
	case SLO_1D:
		ticket = p->ticket_fast;
		break;
	case SLO_3D:
	case SLO_PERIOD:
		break;
	default:
		return SLO_NODATA;
	}
	if (burn > page)
		return SLO_PAGE;
	if (burn > ticket)
		return SLO_TICKET;
	return SLO_OK;
}
