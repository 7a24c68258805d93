/*
 * sim_big.c: a large generated world for the benchmark (and the test
 * that checks its counts): it plays on the simulator like the demo, but
 * it is not part of what sitrep ships.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#include "backends/sim.h"
#include "base/xmalloc.h"
#include "tests/bench/sim_big.h"

#define S_(x)	((int64_t)(x) * 1000)
#define M_(x)	((int64_t)(x) * 60 * 1000)
#define H_(x)	((int64_t)(x) * 3600 * 1000)
#define D_(x)	((int64_t)(x) * 86400 * 1000)
#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* A number in [0, 1) fixed by i (splitmix64). */
static double
bench_unit(uint64_t i)
{
	uint64_t	z = i * 0x9e3779b97f4a7c15ULL + 0x7f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/* A generated scenario and everything it owns. */
struct bench_world {
	struct sim_scenario	 sc;	/* first: the public part */
	struct sim_node		*nodes;
	struct sim_service	*services;
	struct sim_fault	*faults;
	struct sim_alert	*alerts;
	struct sim_silence	*silences;
	struct sim_slo		*slos;
	struct sim_point	*points;
	char			**strings;
	size_t			 nstrings;
};

/* Keep a formatted string for the scenario's lifetime. */
static const char *
bench_keep(struct bench_world *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *
bench_keep(struct bench_world *o, const char *fmt, ...)
{
	va_list		ap;

	o->strings = xreallocarray(o->strings, o->nstrings + 1,
	    sizeof *o->strings);
	va_start(ap, fmt);
	o->strings[o->nstrings] = xvasprintf(fmt, ap);
	va_end(ap);
	return o->strings[o->nstrings++];
}

/* A world of pods pods, alerts alerts and slos SLOs; see sim_big.h. */
struct sim_scenario *
bench_world_new(int pods, int alerts, int slos)
{
	static const char *const names[] = { "KubePodCrashLooping",
	    "TargetDown", "HighErrorRate", "HighRequestLatency",
	    "KubeContainerWaiting", "KubePodNotReady", "CPUThrottlingHigh",
	    "KubeMemoryOvercommit" };
	static const char *const sev[] = { "warning", "critical", "info" };
	struct bench_world	*o;
	size_t			 nsvc, nnodes, i;
	int			 left;

	if (pods < 1)
		pods = 1;
	if (alerts < 0)
		alerts = 0;
	if (slos < 0)
		slos = 0;
	o = xcalloc(1, sizeof *o);
	nsvc = ((size_t)pods + 9) / 10;
	nnodes = (size_t)pods / 100 + 3;
	o->nodes = xcalloc(nnodes, sizeof *o->nodes);
	for (i = 0; i < nnodes; i++) {
		o->nodes[i].name = bench_keep(o, "node-%04zu", i);
		o->nodes[i].zone = bench_keep(o, "zone-%c", (int)('a' + i % 3));
		if (i % 17 == 5) {
			o->nodes[i].pressure = "MemoryPressure";
			o->nodes[i].pressure_from_ms = -H_(1);
			o->nodes[i].pressure_until_ms = D_(1);
		}
	}
	o->services = xcalloc(nsvc, sizeof *o->services);
	o->faults = xcalloc(nsvc, sizeof *o->faults);
	left = pods;
	for (i = 0; i < nsvc; i++) {
		struct sim_service	*s = &o->services[i];

		s->name = bench_keep(o, "svc-%04zu", i);
		s->namespace = bench_keep(o, "team-%02zu", i / 40);
		s->replicas = left > 10 ? 10 : left;
		left -= s->replicas;
		s->revision = 3 + (int)(i % 40);
		s->image = bench_keep(o, "registry.example.com/bench/svc-%04zu:"
		    "1.%zu.0", i, i % 9);
		s->previous_image = bench_keep(o, "registry.example.com/bench/"
		    "svc-%04zu:1.%zu.1", i, i % 9);
		s->port = 8080;
		s->first_node = (int)(i % nnodes);
		s->probe = i % 4 == 0;
		if (i % 7 == 0) {
			struct sim_fault	*f = &o->faults[o->sc.nfaults++];

			f->service = (int)i;
			f->replica = 0;
			f->reason = i % 14 == 0 ? "OOMKilled" :
			    "CrashLoopBackOff";
			f->from_ms = -H_(2);
			f->until_ms = D_(1);
			f->restart_every_ms = M_(5);
			f->down_ms = i % 14 == 0 ? M_(1) : M_(5);
		}
	}
	o->alerts = xcalloc((size_t)alerts + 1, sizeof *o->alerts);
	for (i = 0; i < (size_t)alerts; i++) {
		struct sim_alert	*a = &o->alerts[i];

		a->alertname = names[i % NITEMS(names)];
		a->severity = sev[(i / NITEMS(names)) % NITEMS(sev)];
		a->service = (int)((i * 7) % nsvc);
		a->labels = bench_keep(o, "pod=$pod%zu,shard=%zu", i % 10, i);
		a->from_ms = -M_(1) - S_(7) * (int64_t)i;
		a->until_ms = D_(1);
		a->summary = bench_keep(o, "%s on svc-%04zu, shard %zu",
		    a->alertname, (size_t)a->service, i);
		a->runbook = "bench/generic";
	}
	o->silences = xcalloc(1, sizeof *o->silences);
	o->silences[0].id = "00000000-0000-4000-8000-00000000be11";
	o->silences[0].matchers = "alertname=CPUThrottlingHigh";
	o->silences[0].created_by = "bench";
	o->silences[0].comment = "Throttling is expected under the benchmark.";
	o->silences[0].from_ms = -H_(1);
	o->silences[0].until_ms = D_(1);
	o->slos = xcalloc((size_t)slos + 1, sizeof *o->slos);
	o->points = xcalloc((size_t)slos * 3 + 1, sizeof *o->points);
	for (i = 0; i < (size_t)slos; i++) {
		struct sim_slo		*s = &o->slos[i];
		struct sim_point	*p = &o->points[i * 3];
		double			 base;

		base = 0.0002 + 0.0006 * bench_unit(i);
		p[0].at_ms = -D_(30);
		p[0].ratio = base;
		p[1].at_ms = -H_(3);
		p[1].ratio = base;
		p[2].at_ms = 0;
		p[2].ratio = i % 25 == 3 ? 0.03 : base * 1.2;
		s->name = bench_keep(o, "svc-%04zu-availability", i % nsvc);
		if (i >= nsvc)
			s->name = bench_keep(o, "svc-%04zu-availability-%zu",
			    i % nsvc, i / nsvc);
		s->service = (int)(i % nsvc);
		s->objective = 99.9;
		s->error_query = bench_keep(o, "sum(rate(http_requests_total{"
		    "service=\"svc-%04zu\",code=~\"5..\"}[{{.window}}]))",
		    i % nsvc);
		s->total_query = bench_keep(o, "sum(rate(http_requests_total{"
		    "service=\"svc-%04zu\"}[{{.window}}]))", i % nsvc);
		s->curve = i % 50 == 7 ? NULL : p;
		s->ncurve = i % 50 == 7 ? 0 : 3;
		s->noise = 0.2;
	}
	o->sc.name = "big";
	o->sc.cluster = "bench";
	o->sc.seed = 0xb16b00b5c0ffeeULL;
	o->sc.open_ms = H_(1);
	o->sc.cycle_ms = 0;
	o->sc.nodes = o->nodes;
	o->sc.nnodes = nnodes;
	o->sc.services = o->services;
	o->sc.nservices = nsvc;
	o->sc.faults = o->faults;
	o->sc.alerts = o->alerts;
	o->sc.nalerts = (size_t)alerts;
	o->sc.silences = o->silences;
	o->sc.nsilences = 1;
	o->sc.slos = o->slos;
	o->sc.nslos = (size_t)slos;
	return &o->sc;
}

/* Free a generated world; NULL is a no-op. */
void
bench_world_free(struct sim_scenario *sc)
{
	struct bench_world	*o = (struct bench_world *)sc;
	size_t			 i;

	if (sc == NULL)
		return;
	for (i = 0; i < o->nstrings; i++)
		free(o->strings[i]);
	free(o->strings);
	free(o->nodes);
	free(o->services);
	free(o->faults);
	free(o->alerts);
	free(o->silences);
	free(o->slos);
	free(o->points);
	free(o);
}
