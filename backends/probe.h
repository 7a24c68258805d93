/*
 * probe.h: plain HTTP health probes (/health/ready, /health/live style).
 *
 * A probe that fails is data about a service, not a failure of the
 * source: the round succeeds whenever every probe got an outcome (a
 * status, a refusal, a timeout), and the outcome is what gets stored.
 */
#ifndef SITREP_PROBE_H
#define SITREP_PROBE_H

#include <stddef.h>

struct conf_probe;
struct source;

void	probe_source_init(struct source *, const struct conf_probe *,
	    size_t n);

#endif
