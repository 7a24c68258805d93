/*
 * slo.h: error-budget arithmetic and the multi-window, multi-burn-rate
 * verdict of the SRE workbook.  Pure functions on numbers, so every edge
 * (no traffic, exact thresholds) is tested without a server.
 *
 * Ratios are fractions of failed events (0.001 = 0.1 %); NaN means "no
 * data" (no traffic: 0/0), which is never read as 0 % or 100 % errors.
 */
#ifndef SITREP_SLO_H
#define SITREP_SLO_H

#include <stdint.h>

/* The windows, in this order everywhere (the last is the SLO period). */
enum slo_window {
	SLO_5M, SLO_30M, SLO_1H, SLO_2H, SLO_6H, SLO_1D, SLO_3D, SLO_PERIOD,
	SLO_NWINDOWS
};

enum slo_verdict {
	SLO_NODATA,		/* not enough data to judge */
	SLO_OK,
	SLO_TICKET,
	SLO_PAGE
};

/* Burn-rate thresholds and budget warnings (defaults: the workbook's). */
struct slo_policy {
	double	page_fast;	/* 14.4: 1h and 5m */
	double	page_slow;	/* 6: 6h and 30m */
	double	ticket_fast;	/* 3: 1d and 2h */
	double	ticket_slow;	/* 1: 3d and 6h */
	double	budget_warn;	/* percent of budget consumed: 50 */
	double	budget_crit;	/* 80 */
};

void	slo_policy_default(struct slo_policy *);

/* ratio / (1 - objective/100); NaN for no data or a bad objective. */
double	slo_burn_rate(double ratio, double objective);
/* 1 - consumed over the period, may go below 0; NaN for no data. */
double	slo_budget_remaining(double period_ratio, double objective);
/*
 * Seconds until the remaining budget is gone at burn rate burn, over
 * period_ms; -1 when it never runs out at that rate (burn <= 0) or there
 * is no data; 0 when it is already gone.
 */
int64_t	slo_exhaustion_seconds(double remaining, double burn,
	    int64_t period_ms);
/* The verdict from the burn rates of every window ("above": strictly). */
enum slo_verdict slo_verdict(const double burn[SLO_NWINDOWS],
	    const struct slo_policy *);
/*
 * How one window's burn rate stands alone against the thresholds of the
 * pairs it belongs to (above is strict): SLO_PAGE above a page threshold
 * (5m and 1h: page_fast; 30m and 6h: page_slow), SLO_TICKET above a
 * ticket one (2h and 1d: ticket_fast; every other window: ticket_slow,
 * the budget spent faster than it comes), else SLO_OK;
 * SLO_NODATA for NaN.  The verdict needs both windows of a pair; this
 * says which cell of a row is the one to look at.
 */
enum slo_verdict slo_window_level(double burn, enum slo_window,
	    const struct slo_policy *);
/* Aliases of vocab_verdict_word and vocab_window_word (core/vocab.h). */

#endif
