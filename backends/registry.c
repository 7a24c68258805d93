/*
 * registry.c: every source kind, and how a context asks for it.
 *
 * The backends' init functions take what each needs from the context (an
 * endpoint, a list of members, a kubeconfig, a scenario); the small
 * adapters here give them one shape for the poller.  See registry.h.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "backends/alertmanager.h"
#include "backends/backend.h"
#include "backends/kube.h"
#include "backends/probe.h"
#include "backends/prom.h"
#include "backends/registry.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "core/conf.h"

/* ------------------------------------------------------------------ */
/* Prometheus                                                          */
/* ------------------------------------------------------------------ */

/* Whether ctx names a Prometheus. */
static int
reg_prom_wanted(const struct conf_context *ctx, const struct runtime *rt)
{
	(void)rt;
	return ctx != NULL && ctx->prometheus != NULL;
}

/* The Prometheus endpoint's timeout. */
static int64_t
reg_prom_timeout(const struct conf_context *ctx)
{
	return ctx->prometheus->timeout_ms;
}

/* Make s the Prometheus source of its context. */
static int
reg_prom_init(struct source *s, struct runtime *rt, char **cause)
{
	(void)rt;
	(void)cause;
	prom_source_init(s, s->ctx->prometheus);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Alertmanager: every member of the cluster in one source             */
/* ------------------------------------------------------------------ */

/* Whether ctx names an Alertmanager. */
static int
reg_am_wanted(const struct conf_context *ctx, const struct runtime *rt)
{
	(void)rt;
	return ctx != NULL && ctx->nalertmanagers > 0;
}

/* The longest timeout of the members. */
static int64_t
reg_am_timeout(const struct conf_context *ctx)
{
	int64_t	t = ctx->alertmanagers[0].timeout_ms;
	size_t	i;

	for (i = 1; i < ctx->nalertmanagers; i++) {
		if (ctx->alertmanagers[i].timeout_ms > t)
			t = ctx->alertmanagers[i].timeout_ms;
	}
	return t;
}

/* Make s the Alertmanager source of its context. */
static int
reg_am_init(struct source *s, struct runtime *rt, char **cause)
{
	(void)rt;
	(void)cause;
	am_source_init(s, s->ctx->alertmanagers, s->ctx->nalertmanagers);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Kubernetes                                                          */
/* ------------------------------------------------------------------ */

/* Whether ctx names a Kubernetes API. */
static int
reg_kube_wanted(const struct conf_context *ctx, const struct runtime *rt)
{
	(void)rt;
	return ctx != NULL && ctx->kubernetes != NULL;
}

/* A round of paged lists: kubernetes.timeout (thirty seconds). */
static int64_t
reg_kube_timeout(const struct conf_context *ctx)
{
	return ctx->kubernetes->timeout_ms > 0 ? ctx->kubernetes->timeout_ms :
	    30000;
}

/* Make s the Kubernetes source of its context (loads the kubeconfig). */
static int
reg_kube_init(struct source *s, struct runtime *rt, char **cause)
{
	(void)rt;
	return kube_source_init(s, s->ctx->kubernetes, cause);
}

/* ------------------------------------------------------------------ */
/* HTTP probes: all of a context's in one source                       */
/* ------------------------------------------------------------------ */

/* Whether ctx has probes. */
static int
reg_probe_wanted(const struct conf_context *ctx, const struct runtime *rt)
{
	(void)rt;
	return ctx != NULL && ctx->nprobes > 0;
}

/* A second more than the slowest probe, and at least ten. */
static int64_t
reg_probe_timeout(const struct conf_context *ctx)
{
	int64_t	t = 10000;
	size_t	i;

	for (i = 0; i < ctx->nprobes; i++) {
		if (ctx->probes[i].timeout_ms + 1000 > t)
			t = ctx->probes[i].timeout_ms + 1000;
	}
	return t;
}

/* Make s the probe source of its context. */
static int
reg_probe_init(struct source *s, struct runtime *rt, char **cause)
{
	(void)rt;
	(void)cause;
	probe_source_init(s, s->ctx->probes, s->ctx->nprobes);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The simulator: when the runtime plays a scenario                    */
/* ------------------------------------------------------------------ */

/* Whether rt plays the simulator. */
static int
reg_sim_wanted(const struct conf_context *ctx, const struct runtime *rt)
{
	(void)ctx;
	return runtime_simulated(rt, NULL);
}

/* A simulated round is quick: five seconds. */
static int64_t
reg_sim_timeout(const struct conf_context *ctx)
{
	(void)ctx;
	return 5000;
}

/*
 * Make s the simulator, playing rt's scenario from rt's now, at its
 * context's phase (another world of `--worlds`; 0 for the first).
 */
static int
reg_sim_init(struct source *s, struct runtime *rt, char **cause)
{
	const struct sim_scenario	*sc;

	(void)cause;
	runtime_simulated(rt, &sc);
	sim_source_init(s, sc, runtime_now_ms(rt));
	sim_source_set_speed(s, runtime_sim_speed(rt));
	if (s->ctx != NULL)
		sim_source_set_phase(s, s->ctx->sim_phase_ms);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

const struct registry_kind registry_kinds[] = {
	{ "prometheus", reg_prom_wanted, reg_prom_timeout, reg_prom_init },
	{ "alertmanager", reg_am_wanted, reg_am_timeout, reg_am_init },
	{ "kubernetes", reg_kube_wanted, reg_kube_timeout, reg_kube_init },
	{ "probes", reg_probe_wanted, reg_probe_timeout, reg_probe_init },
	{ "sim", reg_sim_wanted, reg_sim_timeout, reg_sim_init },
	{ NULL, NULL, NULL, NULL }
};

/* The row of kind, or NULL. */
const struct registry_kind *
registry_find(const char *kind)
{
	const struct registry_kind	*k;

	for (k = registry_kinds; k->kind != NULL; k++) {
		if (strcmp(k->kind, kind) == 0)
			return k;
	}
	return NULL;
}
