/*
 * sim_file.c: a drill's tables as the simulator's scenario.
 *
 * Every table of a loaded drill (core/drill.h) has its twin in sim.h;
 * this copies them field by field.  No decision is taken here: the file
 * said everything (or docs/DRILLS.md's default did, when it was read).
 * A drill is played once (cycle 0), from its start.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backends/sim.h"
#include "backends/sim_file.h"
#include "base/xmalloc.h"
#include "core/drill.h"

/* A scenario and the tables it points at, which it holds const. */
struct sim_file {
	struct sim_scenario	 sc;		/* first: what callers see */
	struct sim_node		*nodes;
	struct sim_service	*services;
	struct sim_rollout	*rollouts;
	struct sim_fault	*faults;
	struct sim_probe_fault	*probe_faults;
	struct sim_alert	*alerts;
	struct sim_slo		*slos;
	struct sim_point       **curves;
	struct sim_am_outage	*am_outages;
};

/* The scenario of a drill. */
struct sim_scenario *
sim_file_scenario(const struct drill *d)
{
	struct sim_file		*o = xcalloc(1, sizeof *o);
	struct sim_scenario	*sc = &o->sc;
	struct sim_node		*nodes;
	struct sim_service	*svcs;
	struct sim_rollout	*ros;
	struct sim_fault	*faults;
	struct sim_probe_fault	*pfs;
	struct sim_alert	*alerts;
	struct sim_slo		*slos;
	struct sim_point	*pts;
	size_t			 i, k;

	sc->name = d->name;
	sc->cluster = d->cluster;
	sc->seed = d->seed;
	sc->open_ms = d->start_ms;
	sc->cycle_ms = 0;

	nodes = xcalloc(d->nnodes + 1, sizeof *nodes);
	for (i = 0; i < d->nnodes; i++) {
		nodes[i].name = d->nodes[i].name;
		nodes[i].zone = d->nodes[i].zone;
		nodes[i].pressure = d->nodes[i].pressure;
		nodes[i].pressure_from_ms = d->nodes[i].pressure_from_ms;
		nodes[i].pressure_until_ms = d->nodes[i].pressure_until_ms;
	}
	sc->nodes = o->nodes = nodes;
	sc->nnodes = d->nnodes;

	svcs = xcalloc(d->nservices + 1, sizeof *svcs);
	for (i = 0; i < d->nservices; i++) {
		const struct drill_service *s = &d->services[i];

		svcs[i].name = s->name;
		svcs[i].namespace = s->namespace;
		svcs[i].replicas = s->replicas;
		svcs[i].revision = s->revision;
		svcs[i].image = s->image;
		svcs[i].previous_image = s->previous_image;
		svcs[i].port = s->port;
		svcs[i].first_node = s->first_node;
		svcs[i].probe = s->probe;
		svcs[i].workload = s->statefulset ? SIM_STATEFULSET :
		    SIM_DEPLOYMENT;
	}
	sc->services = o->services = svcs;
	sc->nservices = d->nservices;

	ros = xcalloc(d->nrollouts + 1, sizeof *ros);
	for (i = 0; i < d->nrollouts; i++) {
		ros[i].service = d->rollouts[i].service;
		ros[i].at_ms = d->rollouts[i].at_ms;
		ros[i].image = d->rollouts[i].image;
		ros[i].rollback_ms = d->rollouts[i].rollback_ms;
	}
	sc->rollouts = o->rollouts = ros;
	sc->nrollouts = d->nrollouts;

	faults = xcalloc(d->nfaults + 1, sizeof *faults);
	for (i = 0; i < d->nfaults; i++) {
		const struct drill_fault *f = &d->faults[i];

		faults[i].service = f->service;
		faults[i].replica = f->replica;
		faults[i].reason = f->reason;
		faults[i].message = f->message;
		faults[i].from_ms = f->from_ms;
		faults[i].until_ms = f->until_ms;
		faults[i].restart_every_ms = f->restart_every_ms;
		faults[i].down_ms = f->down_ms;
	}
	sc->faults = o->faults = faults;
	sc->nfaults = d->nfaults;

	pfs = xcalloc(d->nprobe_faults + 1, sizeof *pfs);
	for (i = 0; i < d->nprobe_faults; i++) {
		const struct drill_probe_fault *p = &d->probe_faults[i];

		pfs[i].service = p->service;
		pfs[i].from_ms = p->from_ms;
		pfs[i].until_ms = p->until_ms;
		pfs[i].status = p->status;
		pfs[i].latency_ms = p->latency_ms;
		pfs[i].excerpt = p->excerpt;
	}
	sc->probe_faults = o->probe_faults = pfs;
	sc->nprobe_faults = d->nprobe_faults;

	alerts = xcalloc(d->nalerts + 1, sizeof *alerts);
	for (i = 0; i < d->nalerts; i++) {
		const struct drill_alert *a = &d->alerts[i];

		alerts[i].alertname = a->alertname;
		alerts[i].severity = a->severity;
		alerts[i].service = a->service;
		alerts[i].labels = a->labels;
		alerts[i].period_ms = 0;
		alerts[i].from_ms = a->from_ms;
		alerts[i].until_ms = a->until_ms;
		alerts[i].summary = a->summary;
		alerts[i].description = a->description;
		alerts[i].runbook = a->runbook;
	}
	sc->alerts = o->alerts = alerts;
	sc->nalerts = d->nalerts;

	/* The Alertmanager's members (none: one, always up). */
	sc->alertmanagers = (const char *const *)d->alertmanagers;
	sc->nalertmanagers = d->nalertmanagers;
	o->am_outages = xcalloc(d->nam_outages + 1, sizeof *o->am_outages);
	for (i = 0; i < d->nam_outages; i++) {
		o->am_outages[i].member = d->am_outages[i].member;
		o->am_outages[i].from_ms = d->am_outages[i].from_ms;
		o->am_outages[i].until_ms = d->am_outages[i].until_ms;
	}
	sc->am_outages = o->am_outages;
	sc->nam_outages = d->nam_outages;

	/* The silences of a drill are the operator's, made in the play. */
	sc->silences = NULL;
	sc->nsilences = 0;

	slos = xcalloc(d->nslos + 1, sizeof *slos);
	o->curves = xcalloc(d->nslos + 1, sizeof *o->curves);
	for (i = 0; i < d->nslos; i++) {
		const struct drill_slo *s = &d->slos[i];

		slos[i].name = s->name;
		slos[i].service = s->service;
		slos[i].objective = s->objective;
		slos[i].description = s->description;
		slos[i].error_query = s->error_query;
		slos[i].total_query = s->total_query;
		slos[i].noise = s->noise;
		if (s->ncurve == 0)
			continue;
		pts = xcalloc(s->ncurve, sizeof *pts);
		for (k = 0; k < s->ncurve; k++) {
			pts[k].at_ms = s->curve[k].at_ms;
			pts[k].ratio = s->curve[k].ratio;
		}
		slos[i].curve = o->curves[i] = pts;
		slos[i].ncurve = s->ncurve;
	}
	sc->slos = o->slos = slos;
	sc->nslos = d->nslos;
	return sc;
}

/* Free a drill's scenario. */
void
sim_file_free(struct sim_scenario *sc)
{
	struct sim_file	*o = (struct sim_file *)sc;
	size_t		 i;

	if (o == NULL)
		return;
	for (i = 0; i < sc->nslos; i++)
		free(o->curves[i]);
	free(o->curves);
	free(o->nodes);
	free(o->services);
	free(o->rollouts);
	free(o->faults);
	free(o->probe_faults);
	free(o->alerts);
	free(o->slos);
	free(o->am_outages);
	free(o);
}
