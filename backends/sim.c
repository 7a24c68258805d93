/*
 * sim.c: the simulated environment.
 *
 * A round of the simulator costs nothing: refresh() ends at once, and
 * store() computes the whole world at the poller's clock and replaces the
 * context's rows with it, in the poller's one transaction.  It builds the
 * plain rows the real sources build from their answers and writes them
 * with the same writers (core/store.h), so the demo runs the storing code
 * a real round runs and has no SQL of its own.  Besides its own
 * source row (written by the poller) it writes rows for "prometheus",
 * "alertmanager", "kubernetes" and "probes", so the console's header and
 * the staleness rules see the simulated backends exactly as real ones;
 * an Alertmanager member the scenario takes down makes the
 * "alertmanager" row say what the real source's round says then (its
 * warning or error comes from am_round_outcome(), the real code).
 *
 * Everything is a pure function of the scenario (sim.h), the position on
 * its timeline and the wall clock the rows are anchored to: an event at
 * timeline time t is written at now - (position - t).  Randomness (pod name
 * suffixes, IP addresses, latencies, jitter) comes from a hash of the
 * scenario's seed and what is being drawn, never from rand(), so the same
 * clock gives the same rows and two rounds a second apart differ only as
 * much as the world moved.
 *
 * What people did to the cluster through the gate (restart, undo, scale,
 * delete-pod: backends/sim_actions.c keeps the list) is part of that
 * function: each round replays the actions of its play of the timeline
 * done by its position, as steps of each service's history beside the
 * scenario's own rollout and rollback (sim.h says how).  The gate's
 * checks (sim_kube_check) and `rollout status` (sim_kube_rollout) read
 * the very same world.
 *
 * SLO error ratios are the scenario's curves averaged over each window,
 * exactly (the curves are straight lines between points), then jittered;
 * the 24 h sparkline is the 1 h ratio every 15 minutes up to now.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "backends/alertmanager.h"
#include "backends/backend.h"
#include "backends/http.h"
#include "backends/runtime.h"
#include "backends/sim_actions.h"
#include "backends/sim.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "core/action.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/incident.h"
#include "core/store.h"
#include "base/xmalloc.h"

#define S_(x)	((int64_t)(x) * 1000)
#define M_(x)	((int64_t)(x) * 60 * 1000)
#define H_(x)	((int64_t)(x) * 3600 * 1000)
#define D_(x)	((int64_t)(x) * 86400 * 1000)

#define SIM_POD_STEP_MS		S_(40)		/* one pod of a rollout */
#define SIM_EVENT_TTL_MS	H_(1)		/* what the API still lists */
#define SIM_SPARK_POINTS	96
#define SIM_SPARK_STEP_MS	M_(15)
#define SIM_PERIOD_MS		D_(30)
#define SIM_RUNBOOKS		"https://runbooks.example.com/"
#define SIM_PROMETHEUS		"http://prometheus.monitoring.svc:9090"

/* ------------------------------------------------------------------ */
/* The demo                                                            */
/* ------------------------------------------------------------------ */

enum { DEMO_FRONTEND, DEMO_CHECKOUT, DEMO_PAYMENTS, DEMO_SEARCH, DEMO_LEDGER };

static const struct sim_node demo_nodes[] = {
	{ "n1", "eu-west-1a", NULL, 0, 0 },
	{ "n2", "eu-west-1b", NULL, 0, 0 },
	{ "n3", "eu-west-1c", "MemoryPressure", M_(24), M_(56) },
};

static const struct sim_service demo_services[] = {
	{ "frontend", "shop", 4, 31, "registry.example.com/shop/frontend:2.8.1",
	  "registry.example.com/shop/frontend:2.8.0", 8080, 0, 1,
	  SIM_DEPLOYMENT },
	{ "checkout", "shop", 3, 14, "registry.example.com/shop/checkout:1.41.3",
	  "registry.example.com/shop/checkout:1.41.2", 8080, 0, 1,
	  SIM_DEPLOYMENT },
	{ "payments-api", "payments", 2, 9,
	  "registry.example.com/payments/payments-api:3.12.0",
	  "registry.example.com/payments/payments-api:3.11.4", 9090, 0, 1,
	  SIM_DEPLOYMENT },
	{ "search", "search", 2, 22, "registry.example.com/search/search:5.3.2",
	  "registry.example.com/search/search:5.3.1", 9200, 1, 1,
	  SIM_DEPLOYMENT },
	/* A database: a StatefulSet, its pods ledger-0 and ledger-1. */
	{ "ledger", "ledger", 2, 5, "registry.example.com/ledger/ledger:0.9.7",
	  "registry.example.com/ledger/ledger:0.9.6", 8080, 0, 0,
	  SIM_STATEFULSET },
};

static const struct sim_rollout demo_rollouts[] = {
	{ DEMO_CHECKOUT, 0, "registry.example.com/shop/checkout:1.42.0",
	  M_(48) },
};

static const struct sim_fault demo_faults[] = {
	{ DEMO_CHECKOUT, 0, "CrashLoopBackOff",
	  "back-off 2m40s restarting failed container=checkout",
	  M_(9), M_(60), M_(3), M_(3) },
	{ DEMO_CHECKOUT, 2, "OOMKilled", NULL, M_(21), M_(60), M_(8), M_(1) },
};

static const struct sim_probe_fault demo_probe_faults[] = {
	{ DEMO_CHECKOUT, M_(27), M_(49), 503, 1840,
	  "{\"status\":\"degraded\",\"checks\":{\"postgres\":\"ok\","
	  "\"inventory\":\"timeout\"}}" },
};

/* The ledger's export job, stalled since the night. */
#define DEMO_LEDGER_SUMMARY						\
	"Export job nightly has not written a batch for 50 minutes"
#define DEMO_LEDGER_DESCRIPTION						\
	"Job ledger-export has not written a batch since midnight; the "	\
	"ledger's end-of-day report will be late. Check the job's last "	\
	"run (kubectl -n ledger logs job/ledger-export) before rerunning "	\
	"it."

static const struct sim_alert demo_alerts[] = {
	/* The checkout rollout going bad. */
	{ "KubePodCrashLooping", "warning", DEMO_CHECKOUT,
	  "pod=$pod0,container=checkout", 0, M_(14), M_(49),
	  "Pod shop/$pod0 (checkout) is in waiting state (reason: "
	  "\"CrashLoopBackOff\").",
	  "Pod shop/$pod0 on $node0 has restarted repeatedly in the last "
	  "10 minutes.", "kubernetes/kubepodcrashlooping" },
	{ "KubePodCrashLooping", "warning", DEMO_CHECKOUT,
	  "pod=$pod2,container=checkout", 0, M_(26), M_(50),
	  "Pod shop/$pod2 (checkout) is restarting after being OOMKilled.",
	  "Pod shop/$pod2 on $node2 was killed for exceeding its 512Mi "
	  "memory limit.", "kubernetes/kubepodcrashlooping" },
	{ "TargetDown", "warning", DEMO_CHECKOUT, "job=checkout", 0, M_(16),
	  M_(49), "33% of the checkout/checkout targets in shop namespace "
	  "are down.", NULL, "general/targetdown" },
	{ "ErrorBudgetBurn", "warning", DEMO_CHECKOUT,
	  "slo=checkout-availability,long_window=6h,short_window=30m", 0,
	  M_(22), M_(62), "checkout-availability is burning its error "
	  "budget (6h and 30m above 6x).", "Requests to checkout fail at "
	  "several times the rate the SLO allows.", "slo/errorbudgetburn" },
	{ "ErrorBudgetBurn", "critical", DEMO_CHECKOUT,
	  "slo=checkout-availability,long_window=1h,short_window=5m", 0,
	  M_(31), M_(53), "checkout-availability is burning its error "
	  "budget fast (1h and 5m above 14.4x).", "At this rate the 30-day "
	  "error budget is gone within two days.", "slo/errorbudgetburn" },
	{ "KubeDeploymentReplicasMismatch", "warning", DEMO_CHECKOUT,
	  "deployment=checkout", 0, M_(30), M_(50),
	  "Deployment shop/checkout has not matched the expected number of "
	  "replicas for longer than 15 minutes.", NULL,
	  "kubernetes/kubedeploymentreplicasmismatch" },
	{ "KubeNodePressure", "warning", -1,
	  "node=n3,condition=MemoryPressure", 0, M_(25), M_(56),
	  "n3 has active Condition MemoryPressure.", "Kubelet on n3 is "
	  "reclaiming memory and may evict pods.",
	  "kubernetes/kubenodepressure" },

	/* Background life: things that come and go. */
	{ "HighRequestLatency", "warning", DEMO_SEARCH, "quantile=0.99",
	  M_(12), M_(1), M_(9), "search p99 latency is above 750ms.",
	  "Queries on the products index are slow.",
	  "search/highrequestlatency" },
	{ "HighRequestLatency", "critical", DEMO_SEARCH, "quantile=0.99",
	  M_(12), M_(5), M_(9), "search p99 latency is above 2s.",
	  "Queries on the products index time out at the frontend.",
	  "search/highrequestlatency" },
	{ "KubeHpaMaxedOut", "info", DEMO_FRONTEND,
	  "horizontalpodautoscaler=frontend", M_(15), M_(3), M_(11),
	  "HPA shop/frontend has been running at max replicas for longer "
	  "than 15 minutes.", NULL, "kubernetes/kubehpamaxedout" },

	/* Long-lived. */
	{ "PaymentsUpstreamLatency", "warning", DEMO_PAYMENTS,
	  "provider=acme-pay", 0, -H_(3), D_(1),
	  "Card authorisations through acme-pay take longer than 1.5s at "
	  "p95.", "The provider's status page reports degraded performance.",
	  "payments/upstreamlatency" },
	{ "Watchdog", "none", -1, NULL, 0, -D_(30), D_(30),
	  "An alert that should always be firing to certify that "
	  "Alertmanager is working properly.", NULL, "general/watchdog" },
	{ "LedgerExportStalled", "warning", DEMO_LEDGER, "job=ledger-export",
	  0, -M_(50), D_(1), DEMO_LEDGER_SUMMARY, DEMO_LEDGER_DESCRIPTION,
	  "ledger/exportstalled" },
};

static const struct sim_silence demo_silences[] = {
	{ "2f6c0d3e-8a41-4b7e-9c15-5d2e7f1a9b30",
	  "alertname=PaymentsUpstreamLatency,namespace=payments",
	  "maria.k@example.com", "acme-pay degradation acknowledged by the "
	  "vendor (ticket ACME-20931); card traffic is failing over.",
	  -H_(2), H_(6) },
	{ "91b4e2aa-3c57-4d0f-8e6b-0a7c5f2d41e9",
	  "alertname=KubeHpaMaxedOut,namespace=shop", "load-test-bot",
	  "Planned load test of the shop.", -D_(3), -D_(2) },
};

static const struct sim_point demo_curve_checkout[] = {
	{ -D_(30), 0.00022 }, { M_(10), 0.00025 }, { M_(25), 0.05 },
	{ M_(40), 0.06 }, { M_(48), 0.062 }, { M_(52), 0.0012 },
	{ M_(58), 0.0003 },
};
static const struct sim_point demo_curve_checkout_latency[] = {
	{ -D_(30), 0.0018 }, { M_(12), 0.002 }, { M_(28), 0.011 },
	{ M_(48), 0.012 }, { M_(52), 0.002 },
};
static const struct sim_point demo_curve_frontend[] = {
	{ -D_(30), 0.0007 }, { M_(18), 0.0008 }, { M_(30), 0.0035 },
	{ M_(48), 0.004 }, { M_(53), 0.0008 },
};
static const struct sim_point demo_curve_payments[] = {
	{ -D_(30), 0.00009 }, { -D_(2) - M_(5), 0.00009 },
	{ -D_(2), 0.0009 }, { D_(1), 0.0009 },
};
static const struct sim_point demo_curve_search[] = {
	{ -D_(30), 0.0032 }, { -H_(5), 0.0030 }, { -H_(2), 0.0041 },
	{ M_(30), 0.0036 },
};

#define N_(a)	(sizeof (a) / sizeof (a)[0])

static const struct sim_slo demo_slos[] = {
	{ "checkout-availability", DEMO_CHECKOUT, 99.9,
	  "Checkout requests that do not fail with a 5xx.",
	  "sum(rate(http_requests_total{namespace=\"shop\",service="
	  "\"checkout\",code=~\"5..\"}[{{.window}}]))",
	  "sum(rate(http_requests_total{namespace=\"shop\",service="
	  "\"checkout\"}[{{.window}}]))",
	  demo_curve_checkout, N_(demo_curve_checkout), 0.2 },
	{ "checkout-latency", DEMO_CHECKOUT, 99.0,
	  "Checkout requests served within 500ms.",
	  "sum(rate(http_request_duration_seconds_count{namespace=\"shop\","
	  "service=\"checkout\"}[{{.window}}])) - sum(rate("
	  "http_request_duration_seconds_bucket{namespace=\"shop\",service="
	  "\"checkout\",le=\"0.5\"}[{{.window}}]))",
	  "sum(rate(http_request_duration_seconds_count{namespace=\"shop\","
	  "service=\"checkout\"}[{{.window}}]))",
	  demo_curve_checkout_latency, N_(demo_curve_checkout_latency), 0.2 },
	{ "frontend-availability", DEMO_FRONTEND, 99.5,
	  "Page views that render without a server error.",
	  "sum(rate(http_requests_total{namespace=\"shop\",service="
	  "\"frontend\",code=~\"5..\"}[{{.window}}]))",
	  "sum(rate(http_requests_total{namespace=\"shop\",service="
	  "\"frontend\"}[{{.window}}]))",
	  demo_curve_frontend, N_(demo_curve_frontend), 0.25 },
	{ "payments-availability", DEMO_PAYMENTS, 99.95,
	  "Payment calls that succeed.",
	  "sum(rate(grpc_server_handled_total{namespace=\"payments\","
	  "grpc_service=\"payments.v1.Payments\",grpc_code!~"
	  "\"OK|NotFound|InvalidArgument|AlreadyExists\"}[{{.window}}]))",
	  "sum(rate(grpc_server_handled_total{namespace=\"payments\","
	  "grpc_service=\"payments.v1.Payments\"}[{{.window}}]))",
	  demo_curve_payments, N_(demo_curve_payments), 0.15 },
	{ "search-latency", DEMO_SEARCH, 99.0,
	  "Searches answered within 300ms.",
	  "sum(rate(search_query_duration_seconds_count{namespace="
	  "\"search\"}[{{.window}}])) - sum(rate("
	  "search_query_duration_seconds_bucket{namespace=\"search\","
	  "le=\"0.3\"}[{{.window}}]))",
	  "sum(rate(search_query_duration_seconds_count{namespace="
	  "\"search\"}[{{.window}}]))",
	  demo_curve_search, N_(demo_curve_search), 0.3 },
	{ "ledger-writes", DEMO_LEDGER, 99.9,
	  "Ledger batch writes that commit; the batch runs at night.",
	  "sum(rate(ledger_batch_writes_failed_total{namespace=\"ledger\"}"
	  "[{{.window}}]))",
	  "sum(rate(ledger_batch_writes_total{namespace=\"ledger\"}"
	  "[{{.window}}]))",
	  NULL, 0, 0 },
};

static const struct sim_scenario demo_scenario = {
	"demo", "demo-eu1", 0x5e7e9c0ffee1d00dULL, M_(40), H_(1),
	demo_nodes, N_(demo_nodes),
	demo_services, N_(demo_services),
	demo_rollouts, N_(demo_rollouts),
	demo_faults, N_(demo_faults),
	demo_probe_faults, N_(demo_probe_faults),
	demo_alerts, N_(demo_alerts),
	demo_silences, N_(demo_silences),
	demo_slos, N_(demo_slos),
	NULL, 0,		/* one Alertmanager, always up */
	NULL, 0,
};

/* The built-in demo scenario. */
const struct sim_scenario *
sim_scenario_demo(void)
{
	return &demo_scenario;
}

/* ------------------------------------------------------------------ */
/* Deterministic randomness                                            */
/* ------------------------------------------------------------------ */

/* splitmix64's finaliser: a good 64-bit mix. */
static uint64_t
sim_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A draw keyed by the seed, a name and two numbers. */
static uint64_t
sim_hash(uint64_t seed, const char *s, uint64_t a, uint64_t b)
{
	uint64_t	h = 0xcbf29ce484222325ULL ^ seed;

	for (; s != NULL && *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return sim_mix(sim_mix(h ^ sim_mix(a)) ^ b);
}

/* A draw as a double in [0, 1). */
static double
sim_unit(uint64_t h)
{
	return (double)(h >> 11) / 9007199254740992.0;
}

/* n characters of the Kubernetes name alphabet from h. */
static void
sim_suffix(uint64_t h, char *out, size_t n)
{
	static const char	alpha[] = "bcdfghjklmnpqrstvwxz2456789";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[i] = alpha[h % (sizeof alpha - 1)];
		h = sim_mix(h);
	}
	out[n] = '\0';
}

/* A UUID-shaped identifier from h. */
static void
sim_uid(uint64_t h, char *out, size_t len)
{
	uint64_t	g = sim_mix(h);

	snprintf(out, len, "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned int)(h >> 32), (unsigned int)(h >> 16) & 0xffff,
	    (unsigned int)h & 0xfff, 0x8000 | ((unsigned int)(g >> 48) &
	    0x3fff), (unsigned long long)(g & 0xffffffffffffULL));
}

/* ------------------------------------------------------------------ */
/* Error ratios                                                        */
/* ------------------------------------------------------------------ */

/* The integral of the curve from its first point to x. */
static double
sim_curve_integral(const struct sim_point *p, size_t n, double x)
{
	double	sum = 0, x0, x1, r0, r1, t, rt;
	size_t	i;

	if (x <= (double)p[0].at_ms)
		return (x - (double)p[0].at_ms) * p[0].ratio;
	for (i = 0; i + 1 < n; i++) {
		x0 = (double)p[i].at_ms;
		x1 = (double)p[i + 1].at_ms;
		r0 = p[i].ratio;
		r1 = p[i + 1].ratio;
		if (x <= x1) {
			t = x1 > x0 ? (x - x0) / (x1 - x0) : 1;
			rt = r0 + (r1 - r0) * t;
			return sum + (x - x0) * (r0 + rt) / 2;
		}
		sum += (x1 - x0) * (r0 + r1) / 2;
	}
	return sum + (x - (double)p[n - 1].at_ms) * p[n - 1].ratio;
}

/* How strongly jitter shows on a window: most on the shortest. */
static double
sim_window_jitter(int w)
{
	static const double	amp[] = { 1.0, 0.4, 0.25, 0.15, 0.1, 0.05,
	    0.02, 0 };

	return w >= 0 && w < (int)N_(amp) ? amp[w] : 0;
}

/* The length of window w (5m ... 3d, then the SLO's period). */
static int64_t
sim_window_ms(int w)
{
	static const int64_t	len[] = { M_(5), M_(30), H_(1), H_(2), H_(6),
	    D_(1), D_(3), SIM_PERIOD_MS };

	return len[w];
}

/* The value of the curve at x. */
static double
sim_curve_value(const struct sim_point *p, size_t n, int64_t x)
{
	size_t	i;

	if (x <= p[0].at_ms)
		return p[0].ratio;
	for (i = 0; i + 1 < n; i++) {
		if (x <= p[i + 1].at_ms)
			return p[i].ratio + (p[i + 1].ratio - p[i].ratio) *
			    (double)(x - p[i].at_ms) /
			    (double)(p[i + 1].at_ms - p[i].at_ms);
	}
	return p[n - 1].ratio;
}

/*
 * The error ratio of SLO i, whose curve is played as curve (n points),
 * over window w ending at pos; NaN: no data.
 */
static double
sim_slo_ratio(const struct sim_scenario *sc, size_t i,
    const struct sim_point *curve, size_t n, int w, int64_t pos)
{
	const struct sim_slo	*slo = &sc->slos[i];
	int64_t			 len = sim_window_ms(w);
	double			 r, u;

	if (curve == NULL || n == 0)
		return NAN;
	r = (sim_curve_integral(curve, n, (double)pos) -
	    sim_curve_integral(curve, n, (double)(pos - len))) /
	    (double)len;
	/* Jitter that changes once a minute, the same for everyone. */
	u = sim_unit(sim_hash(sc->seed, slo->name, (uint64_t)w,
	    (uint64_t)(pos / M_(1)))) * 2 - 1;
	r *= 1 + slo->noise * sim_window_jitter(w) * u;
	return r < 0 ? 0 : r;
}

/* ------------------------------------------------------------------ */
/* The Kubernetes world at one instant                                 */
/* ------------------------------------------------------------------ */

enum { T_PREV, T_BASE, T_NEW, T_COUNT };

#define SIM_NEVER		INT64_MAX
#define SIM_FAULT_START_MS	S_(20)		/* a new bad pod's first crash */
#define SIM_MAX_REPLICAS	12		/* what a scale may ask */
#define SIM_DEADLINE_MS		M_(10)		/* progressDeadlineSeconds */

/* A pod template: one ReplicaSet. */
struct sim_tmpl {
	int		 present;
	const char	*image;
	int		 revision;
	char		 hash[12];
	char		*rs;		/* "checkout-7f9c6d8b5f" */
	int64_t		 created;	/* timeline */
	int		 pods;
	int		 ready;
};

/*
 * A pod: the inst-th of generation gen of template tmpl in its replica's
 * slot, alive in [created, gone) on the timeline.  repl: gone was set by
 * the pod that replaces it in a rollout.
 */
struct sim_pod {
	char		*name;
	int		 tmpl;
	int		 gen;		/* 1, 2 after a rollback ... */
	int		 inst;		/* 0, or a replacement's number */
	int		 replica;
	int		 node;
	int		 ready;
	int		 restarts;
	const char	*reason;
	const char	*message;
	int64_t		 created;	/* timeline */
	int64_t		 gone;		/* timeline, or SIM_NEVER */
	int		 repl;
	int		 faulty;	/* a fault holds it now */
	char		 ip[24];
};

/* One step of a service's history. */
enum { STEP_ROLL, STEP_RESTART, STEP_SCALE, STEP_DELETE };
struct sim_step {
	int64_t		 at;
	int		 kind;
	int		 tmpl;		/* roll: the template brought */
	int		 from;		/* roll: the template before */
	int		 n;		/* replicas then; scale: after */
	int		 from_n;	/* scale: before */
	int		 rollback;	/* a rollback (script or undo) */
	int		 revision;	/* rollback: the one chosen */
	const char	*pod;		/* delete */
};

/* The pods one replica had, in order (indices in the service's). */
struct sim_slot {
	size_t		*v;
	size_t		 n;
};

struct sim_svc {
	struct sim_tmpl			 t[T_COUNT];
	int				 current;	/* template */
	int				 cur_gen;
	const struct sim_rollout	*ro;		/* started, or NULL */
	struct sim_pod			*pods;		/* alive at pos */
	size_t				 npods;
	int				 n;		/* replicas wanted */
	int				 updated;
	int				 ready;		/* at most n */
	int				 available;	/* all ready pods */
	int64_t				 generation;
	int64_t				 epoch_at;	/* its last change */
	struct sim_step			*steps;
	size_t				 nsteps;
	int				 shifted;	/* user's rollback */
	int64_t				 back_at;
	int64_t				 shift;
};

/*
 * One round's rows, as the real sources hand them to store.h; the text
 * they point to is the scenario's, the world's or in strs.
 */
struct sim_rows {
	struct store_node	*nodes;
	size_t			 nnodes;
	struct store_namespace	*namespaces;
	size_t			 nnamespaces;
	struct store_deployment	*deployments;
	size_t			 ndeployments;
	struct store_statefulset *statefulsets;
	size_t			 nstatefulsets;
	struct store_replicaset	*replicasets;
	size_t			 nreplicasets;
	struct store_pod	*pods;
	size_t			 npods;
	struct store_event	*events;
	size_t			 nevents;
	struct store_target	*targets;
	size_t			 ntargets;
	struct store_probe	*probes;
	size_t			 nprobes;
	struct store_alert	*alerts;
	size_t			 nalerts;
	struct store_silence	*silences;
	size_t			 nsilences;
	char			**strs;		/* owned */
	size_t			 nstrs;
};

/* One round's world. */
struct sim_world {
	const struct sim_scenario	*sc;
	const char			*context;
	const struct sim_actions	*actions;	/* or NULL */
	const struct sim_op		**ops;		/* those that apply */
	size_t				 nops;
	int64_t				 now;		/* wall clock */
	int64_t				 pos;		/* timeline */
	struct sim_svc			*svc;
	struct sim_rows			 rows;
	int64_t				 nevents;
	int64_t				 nobjects;
	const char			*am_source;	/* the rows' member;
							   NULL: "alertmanager" */
};

/* Wall-clock time of timeline time t. */
static int64_t
sim_at(const struct sim_world *w, int64_t t)
{
	return w->now - (w->pos - t);
}

/* The rollout of a service that has started by pos, or NULL. */
static const struct sim_rollout *
sim_rollout_of(const struct sim_scenario *sc, size_t i, int64_t pos)
{
	const struct sim_rollout	*found = NULL;
	size_t				 r;

	for (r = 0; r < sc->nrollouts; r++) {
		if (sc->rollouts[r].service == (int)i &&
		    sc->rollouts[r].at_ms <= pos &&
		    (found == NULL || sc->rollouts[r].at_ms > found->at_ms))
			found = &sc->rollouts[r];
	}
	return found;
}

/* Fill a template. */
static void
sim_tmpl_set(const struct sim_scenario *sc, const struct sim_service *svc,
    struct sim_tmpl *t, const char *image, int revision, int64_t created)
{
	t->present = 1;
	t->image = image;
	t->revision = revision;
	t->created = created;
	sim_suffix(sim_hash(sc->seed, image, 1, 0), t->hash, 10);
	t->rs = xasprintf("%s-%s", svc->name, t->hash);
}

/* The name of a pod (allocated) and the draw its details come from. */
static char *
sim_pod_name(const struct sim_world *w, size_t i, const struct sim_pod *p,
    uint64_t *hp)
{
	const struct sim_service	*svc = &w->sc->services[i];
	const struct sim_tmpl		*t = &w->svc[i].t[p->tmpl];
	char				 sfx[8];
	uint64_t			 h;

	h = sim_hash(w->sc->seed, t->hash, (uint64_t)p->gen |
	    ((uint64_t)p->inst << 32), (uint64_t)p->replica);
	if (hp != NULL)
		*hp = h;
	if (svc->workload == SIM_STATEFULSET)
		return xasprintf("%s-%d", svc->name, p->replica);
	sim_suffix(h, sfx, 5);
	return xasprintf("%s-%s", t->rs, sfx);
}

/* Grow a service's pods by one, in slot replica; its index. */
static size_t
sim_pod_new(struct sim_svc *s, struct sim_slot *slot, size_t at, int tmpl,
    int gen, int replica, int64_t created)
{
	struct sim_pod	*p;
	size_t		 k, inst = 0;

	for (k = 0; k < slot->n; k++)
		if (s->pods[slot->v[k]].tmpl == tmpl &&
		    s->pods[slot->v[k]].gen == gen)
			inst++;
	s->pods = xreallocarray(s->pods, s->npods + 1, sizeof *s->pods);
	p = &s->pods[s->npods];
	memset(p, 0, sizeof *p);
	p->tmpl = tmpl;
	p->gen = gen;
	p->inst = (int)inst;
	p->replica = replica;
	p->created = created;
	p->gone = SIM_NEVER;
	slot->v = xreallocarray(slot->v, slot->n + 1, sizeof *slot->v);
	memmove(&slot->v[at + 1], &slot->v[at], (slot->n - at) *
	    sizeof *slot->v);
	slot->v[at] = s->npods;
	slot->n++;
	return s->npods++;
}

/* Forget the pods of a slot not created by t (a later step's plan). */
static void
sim_slot_unplan(struct sim_svc *s, struct sim_slot *slot, int64_t t)
{
	struct sim_pod	*last;

	while (slot->n > 0 && s->pods[slot->v[slot->n - 1]].created > t) {
		s->pods[slot->v[slot->n - 1]].gone = -1;	/* never was */
		slot->n--;
		if (slot->n == 0)
			break;
		last = &s->pods[slot->v[slot->n - 1]];
		if (last->repl) {
			last->gone = SIM_NEVER;
			last->repl = 0;
		}
	}
}

/* Whether the slot's last pod still runs (or will) after t. */
static struct sim_pod *
sim_slot_last(struct sim_svc *s, struct sim_slot *slot, int64_t t)
{
	struct sim_pod	*p;

	if (slot->n == 0)
		return NULL;
	p = &s->pods[slot->v[slot->n - 1]];
	return p->gone > t ? p : NULL;
}

/* Replace a slot's pod with one of template tmpl, generation gen, at c. */
static void
sim_slot_roll(struct sim_svc *s, struct sim_slot *slot, int replica,
    int64_t t, int64_t c, int tmpl, int gen, int restart)
{
	struct sim_pod	*last;
	size_t		 k;

	sim_slot_unplan(s, slot, t);
	last = sim_slot_last(s, slot, t);
	if (last != NULL && !restart && last->tmpl == tmpl)
		return;
	k = sim_pod_new(s, slot, slot->n, tmpl, gen, replica, c);
	if (last != NULL) {
		/* Pointers moved: find the old pod again. */
		last = &s->pods[slot->v[slot->n - 2]];
		last->gone = c + SIM_POD_STEP_MS;
		last->repl = 1;
	}
	(void)k;
}

/* A step of service i's history, in order of position (stable). */
static void
sim_step_add(struct sim_svc *s, const struct sim_step *st)
{
	size_t	k;

	s->steps = xreallocarray(s->steps, s->nsteps + 1, sizeof *s->steps);
	for (k = s->nsteps; k > 0 && s->steps[k - 1].at > st->at; k--)
		s->steps[k] = s->steps[k - 1];
	s->steps[k] = *st;
	s->nsteps++;
}

/*
 * The steps of service i up to pos: the scenario's rollout, its rollback
 * unless an undo came first (then the service's story is shifted, see
 * sim.h), and the actions.
 */
static void
sim_steps_collect(struct sim_world *w, size_t i)
{
	struct sim_svc		*s = &w->svc[i];
	const struct sim_op	*op;
	struct sim_step		 st;
	int64_t			 T = 0, B = 0;
	size_t			 k;
	int			 cancelled = 0;

	if (s->ro != NULL) {
		T = s->ro->at_ms;
		B = s->ro->rollback_ms;
		for (k = 0; k < w->nops; k++) {
			op = w->ops[k];
			if (op->service != (int)i || op->kind != ACTION_UNDO ||
			    op->at_ms < T || B <= T || op->at_ms >= B)
				continue;
			cancelled = 1;
			if (!s->shifted && op->tmpl == T_BASE) {
				s->shifted = 1;
				s->back_at = op->at_ms;
				s->shift = B - op->at_ms;
			}
		}
		memset(&st, 0, sizeof st);
		st.at = T;
		st.kind = STEP_ROLL;
		st.tmpl = T_NEW;
		sim_step_add(s, &st);
		if (B > T && w->pos >= B && !cancelled) {
			st.at = B;
			st.tmpl = T_BASE;
			st.rollback = 1;
			sim_step_add(s, &st);
		}
	}
	for (k = 0; k < w->nops; k++) {
		op = w->ops[k];
		if (op->service != (int)i)
			continue;
		memset(&st, 0, sizeof st);
		st.at = op->at_ms;
		switch (op->kind) {
		case ACTION_UNDO:
			st.kind = STEP_ROLL;
			st.tmpl = op->tmpl;
			st.rollback = 1;
			break;
		case ACTION_RESTART:
			st.kind = STEP_RESTART;
			break;
		case ACTION_SCALE:
			st.kind = STEP_SCALE;
			st.n = op->replicas;
			break;
		case ACTION_DELETE_POD:
			st.kind = STEP_DELETE;
			st.pod = op->pod;
			break;
		default:
			continue;
		}
		sim_step_add(s, &st);
	}
}

/* Play one step on the slots of service i. */
static void
sim_step_play(struct sim_world *w, size_t i, struct sim_step *st,
    struct sim_slot **slots, size_t *nslots, int *gens, int *maxrev)
{
	struct sim_svc	*s = &w->svc[i];
	struct sim_pod	*p, *old;
	size_t		 k, q;
	char		*name;
	int		 j, x, g, hit;

	switch (st->kind) {
	case STEP_ROLL:
	case STEP_RESTART:
		x = st->kind == STEP_RESTART ? s->current : st->tmpl;
		st->tmpl = x;
		st->from = s->current;
		st->n = s->n;
		if (st->kind == STEP_ROLL && x != s->current) {
			st->revision = s->t[x].revision;
			s->t[x].revision = ++*maxrev;
		}
		g = ++gens[x];
		s->current = x;
		s->cur_gen = g;
		s->generation++;
		s->epoch_at = st->at;
		for (j = 0; j < s->n; j++)
			sim_slot_roll(s, &(*slots)[j], j, st->at, st->at +
			    SIM_POD_STEP_MS * j, x, g,
			    st->kind == STEP_RESTART);
		break;
	case STEP_SCALE:
		st->from_n = s->n;
		if ((size_t)st->n > *nslots) {
			*slots = xreallocarray(*slots, (size_t)st->n,
			    sizeof **slots);
			memset(*slots + *nslots, 0, ((size_t)st->n - *nslots) *
			    sizeof **slots);
			*nslots = (size_t)st->n;
		}
		for (j = s->n; j < st->n; j++) {
			sim_slot_unplan(s, &(*slots)[j], st->at);
			sim_pod_new(s, &(*slots)[j], (*slots)[j].n, s->current,
			    s->cur_gen, j, st->at);
		}
		for (j = st->n; j < s->n; j++) {
			sim_slot_unplan(s, &(*slots)[j], st->at);
			for (k = 0; k < (*slots)[j].n; k++) {
				p = &s->pods[(*slots)[j].v[k]];
				if (p->created <= st->at && p->gone > st->at) {
					p->gone = st->at;
					p->repl = 0;
				}
			}
		}
		s->n = st->n;
		s->generation++;
		s->epoch_at = st->at;
		break;
	case STEP_DELETE:
		for (j = 0, hit = 0; j < s->n && !hit; j++) {
			for (k = 0; k < (*slots)[j].n && !hit; k++) {
				p = &s->pods[(*slots)[j].v[k]];
				if (p->created > st->at || p->gone <= st->at)
					continue;
				name = sim_pod_name(w, i, p, NULL);
				hit = strcmp(name, st->pod) == 0;
				free(name);
				if (!hit)
					continue;
				q = sim_pod_new(s, &(*slots)[j], k + 1, p->tmpl,
				    p->gen, j, st->at);
				old = &s->pods[(*slots)[j].v[k]];
				s->pods[q].gone = old->gone;
				s->pods[q].repl = old->repl;
				old->gone = st->at;
				old->repl = 0;
			}
		}
		break;
	}
}

/* Whether fault f holds pod p by now, and *from since when. */
static int
sim_fault_from(const struct sim_world *w, size_t i, const struct sim_fault *f,
    const struct sim_pod *p, int64_t *from)
{
	const struct sim_svc	*s = &w->svc[i];

	if (f->service != (int)i || f->replica != p->replica ||
	    p->tmpl != (s->ro != NULL ? T_NEW : T_BASE) ||
	    f->restart_every_ms <= 0)
		return 0;
	/* A bad template stays bad: a new pod of it fails from its start. */
	*from = p->created <= f->from_ms ? f->from_ms : p->created +
	    SIM_FAULT_START_MS;
	return *from < f->until_ms && w->pos >= *from;
}

/* Apply the scenario's faults to the pods of service i. */
static void
sim_faults_apply(const struct sim_world *w, size_t i)
{
	const struct sim_scenario	*sc = w->sc;
	struct sim_svc			*s = &w->svc[i];
	const struct sim_fault		*f;
	struct sim_pod			*p;
	int64_t				 from, until, last, n;
	size_t				 k, j;

	for (k = 0; k < sc->nfaults; k++) {
		f = &sc->faults[k];
		for (j = 0; j < s->npods; j++) {
			p = &s->pods[j];
			if (!sim_fault_from(w, i, f, p, &from))
				continue;
			until = w->pos < f->until_ms ? w->pos : f->until_ms;
			n = (until - from) / f->restart_every_ms + 1;
			p->restarts += (int)n;
			if (w->pos >= f->until_ms)
				continue;
			last = from + (n - 1) * f->restart_every_ms;
			p->faulty = 1;
			p->reason = f->reason;
			p->message = f->message;
			if (w->pos - last < f->down_ms)
				p->ready = 0;
		}
	}
}

/* Keep the pods alive at pos, in slot order, and name them. */
static void
sim_pods_keep(struct sim_world *w, size_t i, struct sim_slot *slots,
    size_t nslots)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_service	*svc = &sc->services[i];
	struct sim_svc			*s = &w->svc[i];
	struct sim_pod			*all = s->pods, *p;
	size_t				 j, k, n = 0;
	uint64_t			 h;

	s->pods = xcalloc(s->npods + 1, sizeof *s->pods);
	for (j = 0; j < nslots; j++) {
		for (k = 0; k < slots[j].n; k++) {
			p = &all[slots[j].v[k]];
			if (p->created > w->pos || p->gone <= w->pos)
				continue;
			s->pods[n] = *p;
			p = &s->pods[n++];
			p->name = sim_pod_name(w, i, p, &h);
			p->node = sc->nnodes > 0 ? (int)(((size_t)svc->first_node +
			    (size_t)p->replica) % sc->nnodes) : -1;
			p->ready = w->pos >= p->created + SIM_POD_STEP_MS;
			snprintf(p->ip, sizeof p->ip, "10.42.%d.%u", p->node + 1,
			    (unsigned int)(sim_mix(h) % 250) + 3);
			/* Some long-lived pods restarted once or twice. */
			if (w->pos - p->created > H_(6) &&
			    sim_mix(h ^ 0x77) % 100 < 15)
				p->restarts = 1 + (int)(sim_mix(h ^ 0x78) % 3);
		}
		free(slots[j].v);
	}
	free(slots);
	free(all);
	s->npods = n;
}

/* Compute the pods and ReplicaSets of service i at w->pos. */
static void
sim_svc_build(struct sim_world *w, size_t i)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_service	*svc = &sc->services[i];
	struct sim_svc			*s = &w->svc[i];
	struct sim_slot			*slots;
	size_t				 nslots, k;
	int64_t				 base_created;
	int				 j, gens[T_COUNT] = { 0, 1, 0 }, maxrev;

	base_created = -(D_(2) + H_(5) * (int64_t)i + M_(17));
	sim_tmpl_set(sc, svc, &s->t[T_PREV], svc->previous_image != NULL ?
	    svc->previous_image : svc->image, svc->revision - 1,
	    base_created - D_(7) - H_(3) * (int64_t)i);
	sim_tmpl_set(sc, svc, &s->t[T_BASE], svc->image, svc->revision,
	    base_created);
	maxrev = svc->revision;
	s->current = T_BASE;
	s->cur_gen = 1;
	s->n = svc->replicas;
	s->generation = svc->revision + 3;
	s->epoch_at = base_created;
	s->ro = svc->workload == SIM_DEPLOYMENT ? sim_rollout_of(sc, i,
	    w->pos) : NULL;
	if (s->ro != NULL)
		sim_tmpl_set(sc, svc, &s->t[T_NEW], s->ro->image,
		    svc->revision + 1, s->ro->at_ms);
	nslots = (size_t)s->n;
	slots = xcalloc(nslots + 1, sizeof *slots);
	for (j = 0; j < s->n; j++)
		sim_pod_new(s, &slots[j], 0, T_BASE, 1, j, base_created +
		    S_(20) * j);
	sim_steps_collect(w, i);
	for (k = 0; k < s->nsteps; k++)
		sim_step_play(w, i, &s->steps[k], &slots, &nslots, gens,
		    &maxrev);
	sim_pods_keep(w, i, slots, nslots);
	sim_faults_apply(w, i);
	for (k = 0; k < s->npods; k++) {
		struct sim_pod	*p = &s->pods[k];

		s->t[p->tmpl].pods++;
		if (p->ready) {
			s->t[p->tmpl].ready++;
			s->available++;
			if (s->ready < s->n)
				s->ready++;
		}
		if (p->tmpl == s->current && p->gen == s->cur_gen)
			s->updated++;
	}
	if (s->updated > s->n)
		s->updated = s->n;
}

/* The pod of replica r (of the faulty template if it has one). */
static const struct sim_pod *
sim_pod_of(const struct sim_world *w, size_t i, int r)
{
	const struct sim_svc	*s = &w->svc[i];
	const struct sim_pod	*any = NULL, *bad = NULL, *p;
	size_t			 k;

	for (k = 0; k < s->npods; k++) {
		p = &s->pods[k];
		if (p->replica != r)
			continue;
		if (s->ro != NULL && p->tmpl == T_NEW &&
		    (bad == NULL || p->created > bad->created))
			bad = p;
		if (any == NULL || p->created > any->created)
			any = p;
	}
	return bad != NULL ? bad : any;
}

/* The Kubernetes actions of play/cycle done by pos, in w->ops. */
static void
sim_world_ops(struct sim_world *w, const struct sim_op *ops, size_t nops,
    int64_t play, int64_t cycle)
{
	size_t	k;

	w->ops = xcalloc(nops + 1, sizeof *w->ops);
	w->nops = 0;
	for (k = 0; k < nops; k++) {
		if (ops[k].play == play && ops[k].cycle == cycle &&
		    ops[k].at_ms <= w->pos && ops[k].service >= 0 &&
		    (size_t)ops[k].service < w->sc->nservices)
			w->ops[w->nops++] = &ops[k];
	}
}

/* Free the world's Kubernetes state. */
static void
sim_world_done(struct sim_world *w)
{
	size_t	i, k;
	int	t;

	free(w->ops);
	w->ops = NULL;
	if (w->svc == NULL)
		return;
	for (i = 0; i < w->sc->nservices; i++) {
		for (k = 0; k < w->svc[i].npods; k++)
			free(w->svc[i].pods[k].name);
		free(w->svc[i].pods);
		free(w->svc[i].steps);
		for (t = 0; t < T_COUNT; t++)
			free(w->svc[i].t[t].rs);
	}
	free(w->svc);
	w->svc = NULL;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/* Keep s (allocated, may be NULL) until the round is stored. */
static const char *
sim_own(struct sim_world *w, char *s)
{
	struct sim_rows	*r = &w->rows;

	if (s == NULL)
		return NULL;
	r->strs = xreallocarray(r->strs, r->nstrs + 1, sizeof *r->strs);
	r->strs[r->nstrs++] = s;
	return s;
}

/* Keep a copy of s. */
static const char *
sim_own_copy(struct sim_world *w, const char *s)
{
	return s != NULL ? sim_own(w, xstrdup(s)) : NULL;
}

/* Grow a row array by one zeroed row; returns it. */
static void *
sim_push(void *rows, size_t *n, size_t size)
{
	char	*r;

	r = xreallocarray(rows, *n + 1, size);
	memset(r + *n * size, 0, size);
	(*n)++;
	return r;
}

/* The last row of an array sim_push() grew. */
#define SIM_ADD(w, field, count)					\
	((w)->rows.field = sim_push((w)->rows.field, &(w)->rows.count,	\
	    sizeof *(w)->rows.field),					\
	    &(w)->rows.field[(w)->rows.count - 1])

/* Free the round's rows. */
static void
sim_rows_done(struct sim_rows *r)
{
	size_t	i;

	for (i = 0; i < r->nstrs; i++)
		free(r->strs[i]);
	free(r->strs);
	free(r->nodes);
	free(r->namespaces);
	free(r->deployments);
	free(r->statefulsets);
	free(r->replicasets);
	free(r->pods);
	free(r->events);
	free(r->targets);
	free(r->probes);
	free(r->alerts);
	free(r->silences);
	memset(r, 0, sizeof *r);
}

/* A JSON object of string pairs as compact text (allocated). */
static char *
sim_json_print(cJSON *o)
{
	char	*raw, *out;

	raw = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (raw == NULL)
		return xstrdup("{}");
	out = xstrdup(raw);
	cJSON_free(raw);
	return out;
}

/* Whether events of this reason repeat (one object, a growing count). */
static int
sim_repeats(const char *reason)
{
	return strcmp(reason, "BackOff") == 0 ||
	    strcmp(reason, "Unhealthy") == 0 ||
	    strcmp(reason, "OOMKilling") == 0;
}

/* Write one Kubernetes event if it happened and is still listed. */
static int
sim_event(struct sim_world *w, const char *ns, const char *kind,
    const char *name, const char *type, const char *reason, int64_t count,
    int64_t at, const char *fmt, ...) __attribute__((format(printf, 9, 10)));

static int
sim_event(struct sim_world *w, const char *ns, const char *kind,
    const char *name, const char *type, const char *reason, int64_t count,
    int64_t at, const char *fmt, ...)
{
	struct store_event	*e;
	struct buf		 msg;
	va_list			 ap;
	char			 uid[40];

	if (at > w->pos || w->pos - at > SIM_EVENT_TTL_MS)
		return 0;
	buf_init(&msg, 0);
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	/* A repeating event keeps its identity while its count grows. */
	sim_uid(sim_hash(w->sc->seed, name, sim_hash(0, reason, 0, 0),
	    sim_hash(0, buf_str(&msg), 0, (uint64_t)(sim_repeats(reason) ?
	    0 : at))), uid, sizeof uid);
	e = SIM_ADD(w, events, nevents);
	e->namespace = sim_own_copy(w, ns);
	e->uid = sim_own_copy(w, uid);
	e->involved_kind = kind;
	e->involved_name = sim_own_copy(w, name);
	e->type = type;
	e->reason = sim_own_copy(w, reason);
	e->message = sim_own(w, buf_detach(&msg));
	e->count = count;
	e->last_ms = sim_at(w, at);
	w->nevents++;
	return 0;
}

/* Nodes, with their pressure conditions, and node events. */
static int
sim_write_nodes(struct sim_world *w)
{
	const struct sim_scenario	*sc = w->sc;
	struct store_node		*row;
	cJSON				*conds, *c, *labels;
	const char			*mem;
	size_t				 i;
	int				 on, rc = 0;

	for (i = 0; i < sc->nnodes && rc == 0; i++) {
		const struct sim_node	*n = &sc->nodes[i];

		on = n->pressure != NULL && w->pos >= n->pressure_from_ms &&
		    w->pos < n->pressure_until_ms;
		mem = n->pressure != NULL &&
		    strcmp(n->pressure, "MemoryPressure") == 0 && on ?
		    "True" : "False";
		conds = cJSON_CreateArray();
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "type", "MemoryPressure");
		cJSON_AddStringToObject(c, "status", mem);
		cJSON_AddStringToObject(c, "reason", *mem == 'T' ?
		    "KubeletHasInsufficientMemory" :
		    "KubeletHasSufficientMemory");
		cJSON_AddStringToObject(c, "message", *mem == 'T' ?
		    "kubelet has insufficient memory available" :
		    "kubelet has sufficient memory available");
		cJSON_AddItemToArray(conds, c);
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "type", "DiskPressure");
		cJSON_AddStringToObject(c, "status", "False");
		cJSON_AddStringToObject(c, "reason", "KubeletHasNoDiskPressure");
		cJSON_AddStringToObject(c, "message",
		    "kubelet has no disk pressure");
		cJSON_AddItemToArray(conds, c);
		if (on && *mem != 'T') {
			c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "type", n->pressure);
			cJSON_AddStringToObject(c, "status", "True");
			cJSON_AddItemToArray(conds, c);
		}
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "type", "Ready");
		cJSON_AddStringToObject(c, "status", "True");
		cJSON_AddStringToObject(c, "reason", "KubeletReady");
		cJSON_AddStringToObject(c, "message",
		    "kubelet is posting ready status");
		cJSON_AddItemToArray(conds, c);
		row = SIM_ADD(w, nodes, nnodes);
		row->name = n->name;
		row->ready = 1;
		row->conditions = sim_own(w, sim_json_print(conds));
		row->unschedulable = 0;
		labels = cJSON_CreateObject();
		cJSON_AddStringToObject(labels, "kubernetes.io/hostname",
		    n->name);
		cJSON_AddStringToObject(labels, "kubernetes.io/os", "linux");
		cJSON_AddStringToObject(labels, "node.kubernetes.io/"
		    "instance-type", "m6i.2xlarge");
		cJSON_AddStringToObject(labels, "topology.kubernetes.io/zone",
		    n->zone != NULL ? n->zone : "zone-a");
		row->labels = sim_own(w, sim_json_print(labels));
		w->nobjects++;
		if (n->pressure == NULL)
			continue;
		if (strcmp(n->pressure, "MemoryPressure") == 0) {
			rc |= sim_event(w, "default", "Node", n->name, "Normal",
			    "NodeHasInsufficientMemory", 1, n->pressure_from_ms,
			    "Node %s status is now: NodeHasInsufficientMemory",
			    n->name);
			rc |= sim_event(w, "default", "Node", n->name, "Warning",
			    "EvictionThresholdMet", 1, n->pressure_from_ms +
			    S_(12), "Attempting to reclaim memory");
			rc |= sim_event(w, "default", "Node", n->name, "Normal",
			    "NodeHasSufficientMemory", 1, n->pressure_until_ms,
			    "Node %s status is now: NodeHasSufficientMemory",
			    n->name);
		} else
			rc |= sim_event(w, "default", "Node", n->name,
			    "Warning", n->pressure, 1, n->pressure_from_ms,
			    "Node %s has condition %s", n->name, n->pressure);
	}
	return rc;
}

/* Namespaces: the services' and the usual system ones. */
static int
sim_write_namespaces(struct sim_world *w)
{
	static const char *const sys[] = { "default", "kube-system",
	    "monitoring" };
	struct store_namespace	*row;
	const char		*name;
	size_t			 i, k;

	for (i = 0; i < N_(sys) + w->sc->nservices; i++) {
		name = i < N_(sys) ? sys[i] :
		    w->sc->services[i - N_(sys)].namespace;
		/* Several services share a namespace: list it once. */
		for (k = 0; k < w->rows.nnamespaces; k++) {
			if (strcmp(w->rows.namespaces[k].name, name) == 0)
				break;
		}
		if (k < w->rows.nnamespaces)
			continue;
		row = SIM_ADD(w, namespaces, nnamespaces);
		row->name = name;
		row->phase = "Active";
	}
	return 0;
}

/* Labels of a service's objects. */
static cJSON *
sim_app_labels(const struct sim_service *svc, const char *hash)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "app", svc->name);
	cJSON_AddStringToObject(o, "app.kubernetes.io/name", svc->name);
	cJSON_AddStringToObject(o, "app.kubernetes.io/part-of",
	    svc->namespace);
	if (hash != NULL)
		cJSON_AddStringToObject(o, "pod-template-hash", hash);
	return o;
}

/* The Deployment of service i and its rollout history as events. */
static int
sim_write_deployment(struct sim_world *w, size_t i)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_service	*svc = &sc->services[i];
	struct sim_svc			*s = &w->svc[i];
	struct store_deployment		*row;
	cJSON				*conds, *c, *sel;
	const struct sim_step		*st;
	char				*ctext, uid[40];
	int				 n = s->n, done, rc = 0, j;
	int64_t				 gen;
	size_t				 k;

	done = s->updated == n && s->ready == n && s->t[s->current].pods == n;
	gen = s->generation;
	conds = cJSON_CreateArray();
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", "Available");
	cJSON_AddStringToObject(c, "status", s->ready >= n ? "True" : "False");
	cJSON_AddStringToObject(c, "reason", s->ready >= n ?
	    "MinimumReplicasAvailable" : "MinimumReplicasUnavailable");
	cJSON_AddStringToObject(c, "message", s->ready >= n ?
	    "Deployment has minimum availability." :
	    "Deployment does not have minimum availability.");
	cJSON_AddItemToArray(conds, c);
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", "Progressing");
	cJSON_AddStringToObject(c, "status", "True");
	cJSON_AddStringToObject(c, "reason", done ? "NewReplicaSetAvailable" :
	    "ReplicaSetUpdated");
	ctext = xasprintf("ReplicaSet \"%s\" %s", s->t[s->current].rs, done ?
	    "has successfully progressed." : "is progressing.");
	cJSON_AddStringToObject(c, "message", ctext);
	free(ctext);
	cJSON_AddItemToArray(conds, c);
	sel = cJSON_CreateObject();
	cJSON_AddStringToObject(sel, "app", svc->name);
	sim_uid(sim_hash(sc->seed, svc->name, 2, 0), uid, sizeof uid);
	row = SIM_ADD(w, deployments, ndeployments);
	row->namespace = svc->namespace;
	row->name = svc->name;
	row->uid = sim_own_copy(w, uid);
	row->generation = gen;
	row->observed_generation = gen;
	row->replicas = n;
	row->ready_replicas = s->ready;
	row->updated_replicas = s->updated;
	row->available_replicas = s->ready;
	row->revision = s->t[s->current].revision;
	row->labels = sim_own(w, sim_json_print(sim_app_labels(svc, NULL)));
	row->selector = sim_own(w, sim_json_print(sel));
	row->conditions = sim_own(w, sim_json_print(conds));
	row->created_ms = sim_at(w, -D_(200) - H_(7) * (int64_t)i);
	w->nobjects++;

	/* What the deployment controller said about each step. */
	for (k = 0; k < s->nsteps && rc == 0; k++) {
		st = &s->steps[k];
		if (st->kind == STEP_SCALE) {
			rc |= sim_event(w, svc->namespace, "Deployment",
			    svc->name, "Normal", "ScalingReplicaSet", 1, st->at,
			    "Scaled %s replica set %s to %d", st->n > st->from_n ?
			    "up" : "down", s->t[s->current].rs, st->n);
			continue;
		}
		if (st->kind != STEP_ROLL || st->tmpl == st->from)
			continue;
		for (j = 0; j < st->n && rc == 0; j++) {
			rc |= sim_event(w, svc->namespace, "Deployment",
			    svc->name, "Normal", "ScalingReplicaSet", 1,
			    st->at + SIM_POD_STEP_MS * j,
			    "Scaled up replica set %s to %d",
			    s->t[st->tmpl].rs, j + 1);
			rc |= sim_event(w, svc->namespace, "Deployment",
			    svc->name, "Normal", "ScalingReplicaSet", 1,
			    st->at + SIM_POD_STEP_MS * (j + 1),
			    "Scaled down replica set %s to %d",
			    s->t[st->from].rs, st->n - 1 - j);
		}
		if (st->rollback)
			rc |= sim_event(w, svc->namespace, "Deployment",
			    svc->name, "Normal", "DeploymentRollback", 1,
			    st->at, "Rolled back deployment \"%s\" to revision "
			    "%d", svc->name, st->revision);
	}
	return rc;
}

/*
 * The StatefulSet of service i: its current revision is the template's
 * ControllerRevision, named as the controller names it (NAME-HASH).
 */
static int
sim_write_statefulset(struct sim_world *w, size_t i)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_service	*svc = &sc->services[i];
	struct sim_svc			*s = &w->svc[i];
	struct store_statefulset	*row;
	cJSON				*sel;
	char				 uid[40];
	int64_t				 gen = svc->revision + 3;

	sel = cJSON_CreateObject();
	cJSON_AddStringToObject(sel, "app", svc->name);
	sim_uid(sim_hash(sc->seed, svc->name, 2, 0), uid, sizeof uid);
	row = SIM_ADD(w, statefulsets, nstatefulsets);
	row->namespace = svc->namespace;
	row->name = svc->name;
	row->uid = sim_own_copy(w, uid);
	row->generation = gen;
	row->observed_generation = gen;
	row->replicas = s->n;
	row->ready_replicas = s->ready;
	row->current_replicas = s->updated;
	row->updated_replicas = s->updated;
	row->available_replicas = s->ready;
	row->current_revision = s->t[s->current].rs;
	row->update_revision = s->t[s->current].rs;
	row->labels = sim_own(w, sim_json_print(sim_app_labels(svc, NULL)));
	row->selector = sim_own(w, sim_json_print(sel));
	row->conditions = "[]";
	row->created_ms = sim_at(w, -D_(200) - H_(7) * (int64_t)i);
	w->nobjects++;
	return 0;
}

/* The ReplicaSets of service i: history, running, new. */
static int
sim_write_replicasets(struct sim_world *w, size_t i)
{
	const struct sim_service	*svc = &w->sc->services[i];
	struct sim_svc			*s = &w->svc[i];
	struct store_replicaset		*row;
	cJSON				*images, *ctrs, *c, *o;
	const char			*duid;
	char				 uid[40];
	int				 t;

	sim_uid(sim_hash(w->sc->seed, svc->name, 2, 0), uid, sizeof uid);
	duid = sim_own_copy(w, uid);
	for (t = 0; t < T_COUNT; t++) {
		struct sim_tmpl	*tp = &s->t[t];

		if (!tp->present)
			continue;
		images = cJSON_CreateArray();
		cJSON_AddItemToArray(images, cJSON_CreateString(tp->image));
		sim_uid(sim_hash(w->sc->seed, tp->rs, 3, 0), uid, sizeof uid);
		row = SIM_ADD(w, replicasets, nreplicasets);
		row->namespace = svc->namespace;
		row->name = tp->rs;
		row->uid = sim_own_copy(w, uid);
		row->owner_uid = duid;
		row->owner_name = svc->name;
		row->revision = tp->revision;
		row->replicas = tp->pods;
		row->ready_replicas = tp->ready;
		row->template_hash = tp->hash;
		row->created_ms = sim_at(w, tp->created);
		row->images = sim_own(w, sim_json_print(images));
		/* The template summary: one container, as kube.c keeps it. */
		ctrs = cJSON_CreateArray();
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", svc->name);
		cJSON_AddStringToObject(c, "image", tp->image);
		o = cJSON_AddArrayToObject(c, "env");
		cJSON_AddItemToArray(o, cJSON_CreateString("LOG_LEVEL"));
		cJSON_AddItemToArray(o, cJSON_CreateString("PORT"));
		o = cJSON_AddObjectToObject(c, "requests");
		cJSON_AddStringToObject(o, "cpu", "250m");
		cJSON_AddStringToObject(o, "memory", "256Mi");
		o = cJSON_AddObjectToObject(c, "limits");
		cJSON_AddStringToObject(o, "memory", "512Mi");
		cJSON_AddItemToArray(ctrs, c);
		row->containers = sim_own(w, sim_json_print(ctrs));
		w->nobjects++;
	}
	return 0;
}

/* The events of one pod: its start, its troubles, its end. */
static int
sim_pod_events(struct sim_world *w, size_t i, const struct sim_pod *p)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_service	*svc = &sc->services[i];
	const struct sim_tmpl		*tp = &w->svc[i].t[p->tmpl];
	const struct sim_fault		*f;
	const char			*node = p->node >= 0 ?
	    sc->nodes[p->node].name : "?";
	int64_t				 c = p->created, last, n, until;
	int64_t				 from;
	size_t				 k;
	int				 rc = 0;

	rc |= sim_event(w, svc->namespace, "Pod", p->name, "Normal",
	    "Scheduled", 1, c, "Successfully assigned %s/%s to %s",
	    svc->namespace, p->name, node);
	if (p->gen == 1 && p->inst == 0)
		rc |= sim_event(w, svc->namespace, "Pod", p->name, "Normal",
		    "Pulled", 1, c + S_(7), "Successfully pulled image "
		    "\"%s\" in 6.412s (6.412s including waiting)", tp->image);
	else
		rc |= sim_event(w, svc->namespace, "Pod", p->name, "Normal",
		    "Pulled", 1, c + S_(2), "Container image \"%s\" already "
		    "present on machine", tp->image);
	rc |= sim_event(w, svc->namespace, "Pod", p->name, "Normal", "Created",
	    1, c + S_(8), "Created container %s", svc->name);
	rc |= sim_event(w, svc->namespace, "Pod", p->name, "Normal", "Started",
	    1, c + S_(8), "Started container %s", svc->name);
	for (k = 0; k < sc->nfaults; k++) {
		f = &sc->faults[k];
		if (!sim_fault_from(w, i, f, p, &from))
			continue;
		until = w->pos < f->until_ms ? w->pos : f->until_ms;
		n = (until - from) / f->restart_every_ms + 1;
		last = from + (n - 1) * f->restart_every_ms;
		if (strcmp(f->reason, "OOMKilled") == 0)
			rc |= sim_event(w, "default", "Node", node, "Warning",
			    "OOMKilling", n, last, "Memory cgroup out of "
			    "memory: Killed process of container %s in pod "
			    "%s/%s", svc->name, svc->namespace, p->name);
		rc |= sim_event(w, svc->namespace, "Pod", p->name, "Warning",
		    "BackOff", n, last + S_(5), "Back-off restarting failed "
		    "container %s in pod %s_%s", svc->name, p->name,
		    svc->namespace);
		rc |= sim_event(w, svc->namespace, "Pod", p->name, "Warning",
		    "Unhealthy", n * 3, last + S_(9), "Readiness probe failed: "
		    "Get \"http://%s:%d/ready\": dial tcp %s:%d: connect: "
		    "connection refused", p->ip, svc->port, p->ip, svc->port);
	}
	return rc;
}

/* When a pod replaced by a rollout is (or was) stopped; or -1. */
static int64_t
sim_pod_stop(const struct sim_svc *s, const struct sim_pod *p)
{
	(void)s;
	return p->repl && p->gone != SIM_NEVER ? p->gone : -1;
}

/* The pods of service i and their scrape targets. */
static int
sim_write_pods(struct sim_world *w, size_t i)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_service	*svc = &sc->services[i];
	struct sim_svc			*s = &w->svc[i];
	const struct sim_pod		*p;
	struct store_pod		*row;
	struct store_target		*tg;
	cJSON				*tl, *pl;
	char				*inst, *url, uid[40], idx[16];
	size_t				 k;
	int64_t				 stop;
	int				 rc = 0, down;
	int				 sts = svc->workload == SIM_STATEFULSET;

	for (k = 0; k < s->npods && rc == 0; k++) {
		p = &s->pods[k];
		sim_uid(sim_hash(sc->seed, p->name, 4, 0), uid, sizeof uid);
		row = SIM_ADD(w, pods, npods);
		row->namespace = svc->namespace;
		row->name = p->name;
		row->uid = sim_own_copy(w, uid);
		row->owner_kind = sts ? "StatefulSet" : "ReplicaSet";
		row->owner_name = sts ? svc->name : s->t[p->tmpl].rs;
		row->node = p->node >= 0 ? sc->nodes[p->node].name : NULL;
		row->phase = "Running";
		row->ready = p->ready;
		row->restarts = p->restarts;
		row->reason = p->reason;
		row->message = p->message;
		if (sts) {
			/* The labels the StatefulSet controller adds. */
			pl = sim_app_labels(svc, NULL);
			snprintf(idx, sizeof idx, "%d", p->replica);
			cJSON_AddStringToObject(pl, "apps.kubernetes.io/"
			    "pod-index", idx);
			cJSON_AddStringToObject(pl, "controller-revision-hash",
			    s->t[p->tmpl].rs);
			cJSON_AddStringToObject(pl, "statefulset.kubernetes.io/"
			    "pod-name", p->name);
		} else
			pl = sim_app_labels(svc, s->t[p->tmpl].hash);
		row->labels = sim_own(w, sim_json_print(pl));
		row->started_ms = sim_at(w, p->created);
		w->nobjects++;
		rc = sim_pod_events(w, i, p);
		if ((stop = sim_pod_stop(s, p)) >= 0)
			rc |= sim_event(w, svc->namespace, "Pod", p->name,
			    "Normal", "Killing", 1, stop,
			    "Stopping container %s", svc->name);

		/* Its scrape target. */
		down = !p->ready;
		inst = xasprintf("%s:%d", p->ip, svc->port);
		url = xasprintf("http://%s/metrics", inst);
		tg = SIM_ADD(w, targets, ntargets);
		tg->last_error = down ? sim_own(w, xasprintf("Get \"%s\": dial "
		    "tcp %s: connect: connection refused", url, inst)) : NULL;
		tl = cJSON_CreateObject();
		cJSON_AddStringToObject(tl, "container", svc->name);
		cJSON_AddStringToObject(tl, "instance", inst);
		cJSON_AddStringToObject(tl, "job", svc->name);
		cJSON_AddStringToObject(tl, "namespace", svc->namespace);
		cJSON_AddStringToObject(tl, "pod", p->name);
		cJSON_AddStringToObject(tl, "service", svc->name);
		tg->job = svc->name;
		tg->instance = sim_own(w, inst);
		tg->health = down ? "down" : "up";
		tg->last_scrape_ms = w->now - (int64_t)(sim_hash(sc->seed,
		    p->name, 5, 0) % 15000);
		tg->scrape_url = sim_own(w, url);
		tg->labels = sim_own(w, sim_json_print(tl));
	}
	return rc;
}

/* node-exporter on every node: targets that are simply up. */
static int
sim_write_node_targets(struct sim_world *w)
{
	const struct sim_scenario	*sc = w->sc;
	struct store_target		*tg;
	cJSON				*tl;
	char				*inst;
	size_t				 i;

	for (i = 0; i < sc->nnodes; i++) {
		inst = xasprintf("10.0.%zu.%zu:9100", i / 200 + 1, i % 200 + 10);
		tg = SIM_ADD(w, targets, ntargets);
		tg->job = "node-exporter";
		tg->instance = sim_own(w, inst);
		tg->health = "up";
		tg->last_scrape_ms = w->now - (int64_t)(sim_hash(sc->seed,
		    sc->nodes[i].name, 5, 0) % 30000);
		tg->scrape_url = sim_own(w, xasprintf("http://%s/metrics",
		    inst));
		tl = cJSON_CreateObject();
		cJSON_AddStringToObject(tl, "instance", inst);
		cJSON_AddStringToObject(tl, "job", "node-exporter");
		cJSON_AddStringToObject(tl, "namespace", "monitoring");
		cJSON_AddStringToObject(tl, "node", sc->nodes[i].name);
		tg->labels = sim_own(w, sim_json_print(tl));
	}
	return 0;
}

/* Everything Kubernetes and the scrape targets. */
static int
sim_write_kube(struct sim_world *w, int64_t *ntargets)
{
	size_t	i;

	for (i = 0; i < w->sc->nservices; i++) {
		if (w->sc->services[i].workload == SIM_STATEFULSET) {
			if (sim_write_statefulset(w, i) != 0 ||
			    sim_write_pods(w, i) != 0)
				return -1;
		} else if (sim_write_deployment(w, i) != 0 ||
		    sim_write_replicasets(w, i) != 0 ||
		    sim_write_pods(w, i) != 0)
			return -1;
		*ntargets += (int64_t)w->svc[i].npods;
	}
	if (sim_write_node_targets(w) != 0)
		return -1;
	*ntargets += (int64_t)w->sc->nnodes;
	return 0;
}

/*
 * Whether something of service [from, until) on the timeline belongs to
 * the bad rollout the user rolled back (see sim.h): then *until is when
 * it ends now (from: it never begins).
 */
static int
sim_shifted(const struct sim_world *w, int service, int64_t from,
    int64_t *until)
{
	const struct sim_svc	*s;

	if (service < 0 || (size_t)service >= w->sc->nservices)
		return 0;
	s = &w->svc[service];
	if (!s->shifted || from < s->ro->at_ms ||
	    *until <= s->ro->rollback_ms)
		return 0;
	*until = from > s->back_at ? from : *until - s->shift;
	return 1;
}

/* Every service's HTTP probe. */
static int
sim_write_probes(struct sim_world *w, int64_t *nprobes)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_probe_fault	*f;
	struct store_probe		*row;
	size_t				 i, k;
	int64_t				 lat, until;

	for (i = 0; i < sc->nservices; i++) {
		const struct sim_service	*svc = &sc->services[i];

		if (!svc->probe)
			continue;
		f = NULL;
		for (k = 0; k < sc->nprobe_faults; k++) {
			until = sc->probe_faults[k].until_ms;
			sim_shifted(w, sc->probe_faults[k].service,
			    sc->probe_faults[k].from_ms, &until);
			if (sc->probe_faults[k].service == (int)i &&
			    w->pos >= sc->probe_faults[k].from_ms &&
			    w->pos < until)
				f = &sc->probe_faults[k];
		}
		lat = 8 + (int64_t)(sim_hash(sc->seed, svc->name, 6,
		    (uint64_t)(w->pos / S_(10))) % 40);
		row = SIM_ADD(w, probes, nprobes);
		row->name = sim_own(w, xasprintf("%s-health", svc->name));
		row->url = sim_own(w, xasprintf("http://%s.%s.svc:%d/healthz",
		    svc->name, svc->namespace, svc->port));
		row->service = svc->name;
		row->ok = f == NULL;
		row->status = f != NULL ? f->status : 200;
		row->latency_ms = f != NULL ? f->latency_ms + lat : lat;
		row->excerpt = f != NULL ? f->excerpt : NULL;
		row->error = f != NULL ? sim_own(w, xasprintf("HTTP %d, "
		    "expected 200", f->status)) : NULL;
		row->checked_ms = w->now - (int64_t)(sim_hash(sc->seed,
		    svc->name, 7, 0) % 2000);
		(*nprobes)++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Alerts                                                              */
/* ------------------------------------------------------------------ */

/* text with $podN and $nodeN replaced for service i (allocated). */
static char *
sim_expand(const struct sim_world *w, int i, const char *text)
{
	const struct sim_pod	*p;
	struct buf		 b;
	const char		*s;
	char			*end;
	long			 r;
	int			 node;

	if (text == NULL)
		return NULL;
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	for (s = text; *s != '\0'; s++) {
		node = strncmp(s, "$node", 5) == 0;
		if (i < 0 || (!node && strncmp(s, "$pod", 4) != 0) ||
		    s[node ? 5 : 4] < '0' || s[node ? 5 : 4] > '9') {
			buf_append(&b, s, 1);
			continue;
		}
		r = strtol(s + (node ? 5 : 4), &end, 10);
		p = sim_pod_of(w, (size_t)i, (int)r);
		if (p == NULL)
			buf_puts(&b, "unknown");
		else if (node)
			buf_puts(&b, p->node >= 0 ?
			    w->sc->nodes[p->node].name : "unknown");
		else
			buf_puts(&b, p->name);
		s = end - 1;
	}
	return buf_detach(&b);
}

/* A label pair, for sorting. */
struct sim_label {
	char	*name;
	char	*value;
};

/* Order labels by name, as Alertmanager prints them. */
static int
sim_label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sim_label *)a)->name,
	    ((const struct sim_label *)b)->name);
}

/* Add "name=value,..." to a label list (allocated copies). */
static size_t
sim_labels_parse(const char *text, struct sim_label **l, size_t n)
{
	const char	*s = text, *comma, *eq;

	while (s != NULL && *s != '\0') {
		comma = strchr(s, ',');
		if (comma == NULL)
			comma = s + strlen(s);
		eq = memchr(s, '=', (size_t)(comma - s));
		if (eq != NULL && eq > s) {
			*l = xreallocarray(*l, n + 1, sizeof **l);
			(*l)[n].name = xstrndup(s, (size_t)(eq - s));
			(*l)[n].value = xstrndup(eq + 1,
			    (size_t)(comma - eq - 1));
			n++;
		}
		s = *comma != '\0' ? comma + 1 : comma;
	}
	return n;
}

/* Free a label list. */
static void
sim_labels_free(struct sim_label *l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].value);
	}
	free(l);
}

/* The value of label name, or NULL. */
static const char *
sim_label_get(const struct sim_label *l, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(l[i].name, name) == 0)
			return l[i].value;
	}
	return NULL;
}

/* Whether a silence is active at pos. */
static int
sim_silence_active(const struct sim_silence *x, int64_t pos)
{
	return pos >= x->from_ms && pos < x->until_ms;
}

/* Whether every matcher of a silence holds for the labels. */
static int
sim_silence_matches(const struct sim_silence *x, const struct sim_label *l,
    size_t n)
{
	struct sim_label	*m = NULL;
	const char		*v;
	size_t			 nm, i;
	int			 ok = 1;

	nm = sim_labels_parse(x->matchers, &m, 0);
	for (i = 0; i < nm && ok; i++) {
		v = sim_label_get(l, n, m[i].name);
		ok = v != NULL && strcmp(v, m[i].value) == 0;
	}
	sim_labels_free(m, nm);
	return nm > 0 && ok;
}

/* Where alert a stands: its start on the timeline, or -1 if not firing. */
static int
sim_alert_firing(const struct sim_alert *a, int64_t pos, int64_t *start)
{
	int64_t	phase;

	if (a->period_ms <= 0) {
		*start = a->from_ms;
		return pos >= a->from_ms && pos < a->until_ms;
	}
	phase = pos % a->period_ms;
	if (phase < 0)
		phase += a->period_ms;
	*start = pos - phase + a->from_ms;
	return phase >= a->from_ms && phase < a->until_ms;
}

/* FNV-1a over the sorted label set, like Alertmanager's fingerprint. */
static void
sim_fingerprint(const struct sim_label *l, size_t n, char *out, size_t len)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	const char	*s;
	size_t		 i;
	int		 k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 2; k++) {
			for (s = k == 0 ? l[i].name : l[i].value; *s != '\0';
			    s++) {
				h ^= (unsigned char)*s;
				h *= 0x100000001b3ULL;
			}
			h ^= 0xff;
			h *= 0x100000001b3ULL;
		}
	}
	snprintf(out, len, "%016llx", (unsigned long long)h);
}

/* The source of the Alertmanager's rows: the member that answered. */
static const char *
sim_am_source(const struct sim_world *w)
{
	return w->am_source != NULL ? w->am_source : "alertmanager";
}

/* One firing alert. */
static void
sim_write_alert(struct sim_world *w, size_t k, int64_t start)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_alert		*a = &sc->alerts[k];
	struct sim_label		*l = NULL;
	struct store_alert		*row;
	cJSON				*o, *arr;
	char				*extra, *ltext, *atext, *sb, *recv;
	char				*url, *t, fp[24];
	size_t				 n = 0, i;
	int				 silenced = 0;

	extra = sim_expand(w, a->service, a->labels);
	n = sim_labels_parse(extra, &l, 0);
	free(extra);
	l = xreallocarray(l, n + 5, sizeof *l);
	l[n].name = xstrdup("alertname");
	l[n++].value = xstrdup(a->alertname);
	l[n].name = xstrdup("severity");
	l[n++].value = xstrdup(a->severity);
	l[n].name = xstrdup("cluster");
	l[n++].value = xstrdup(sc->cluster != NULL ? sc->cluster : "sim");
	if (a->service >= 0 && (size_t)a->service < sc->nservices) {
		l[n].name = xstrdup("namespace");
		l[n++].value = xstrdup(sc->services[a->service].namespace);
		l[n].name = xstrdup("service");
		l[n++].value = xstrdup(sc->services[a->service].name);
	}
	qsort(l, n, sizeof *l, sim_label_cmp);
	/* A later duplicate name would be a scenario error: keep the first. */
	for (i = 1; i < n; i++) {
		if (strcmp(l[i].name, l[i - 1].name) == 0) {
			free(l[i].name);
			free(l[i].value);
			memmove(&l[i], &l[i + 1], (n - i - 1) * sizeof *l);
			n--;
			i--;
		}
	}
	sim_fingerprint(l, n, fp, sizeof fp);
	o = cJSON_CreateObject();
	for (i = 0; i < n; i++)
		cJSON_AddStringToObject(o, l[i].name, l[i].value);
	ltext = sim_json_print(o);

	o = cJSON_CreateObject();
	if (a->description != NULL) {
		t = sim_expand(w, a->service, a->description);
		cJSON_AddStringToObject(o, "description", t);
		free(t);
	}
	if (a->runbook != NULL) {
		t = xasprintf(SIM_RUNBOOKS "%s", a->runbook);
		cJSON_AddStringToObject(o, "runbook_url", t);
		free(t);
	}
	if (a->summary != NULL) {
		t = sim_expand(w, a->service, a->summary);
		cJSON_AddStringToObject(o, "summary", t);
		free(t);
	}
	atext = sim_json_print(o);

	arr = cJSON_CreateArray();
	for (i = 0; i < sc->nsilences; i++) {
		if (sim_silence_active(&sc->silences[i], w->pos) &&
		    sim_silence_matches(&sc->silences[i], l, n)) {
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(sc->silences[i].id));
			silenced = 1;
		}
	}
	/* And those people made, through the gate. */
	if (w->actions != NULL) {
		o = cJSON_Parse(ltext);
		if (sim_actions_silenced_by(w->actions, o, w->now, arr) > 0)
			silenced = 1;
		cJSON_Delete(o);
	}
	sb = sim_json_print(arr);
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, cJSON_CreateString(
	    strcmp(a->severity, "critical") == 0 ? "pagerduty-oncall" :
	    strcmp(a->severity, "none") == 0 ? "null" : "slack-alerts"));
	recv = sim_json_print(arr);
	url = xasprintf(SIM_PROMETHEUS "/graph?g0.expr=ALERTS%%7Balertname"
	    "%%3D%%22%s%%22%%7D&g0.tab=1", a->alertname);

	row = SIM_ADD(w, alerts, nalerts);
	row->source = sim_am_source(w);
	row->fingerprint = sim_own_copy(w, fp);
	row->alertname = a->alertname;
	row->severity = a->severity;
	row->state = silenced ? "suppressed" : "active";
	row->silenced_by = sim_own(w, sb);
	row->inhibited_by = "[]";
	row->labels = sim_own(w, ltext);
	row->annotations = sim_own(w, atext);
	row->starts_at_ms = sim_at(w, start);
	row->ends_at_ms = w->now + M_(4);
	row->updated_at_ms = w->now - (int64_t)(sim_hash(sc->seed, fp, 8, 0) %
	    30000);
	row->generator_url = sim_own(w, url);
	row->receivers = sim_own(w, recv);
	sim_labels_free(l, n);
}

/* The silences made through the gate, as Alertmanager lists them. */
static void
sim_write_action_silences(struct sim_world *w)
{
	const struct sim_action_silence	*x;
	struct store_silence		*row;
	cJSON				*arr;
	size_t				 n, k;

	x = sim_actions_silences(w->actions, &n);
	for (k = 0; k < n; k++) {
		arr = matchers_to_json(&x[k].matchers);
		row = SIM_ADD(w, silences, nsilences);
		row->source = sim_am_source(w);
		row->id = x[k].id;
		row->state = sim_action_silence_state(&x[k], w->now);
		row->matchers = sim_own(w, sim_json_print(arr));
		row->created_by = x[k].created_by;
		row->comment = x[k].comment;
		row->starts_at_ms = x[k].starts_ms;
		row->ends_at_ms = x[k].ends_ms;
		row->updated_at_ms = x[k].updated_ms;
	}
}

/* Alerts and silences. */
static int
sim_write_alerts(struct sim_world *w, int64_t *nalerts)
{
	const struct sim_scenario	*sc = w->sc;
	struct store_silence		*row;
	cJSON				*arr, *m;
	struct sim_label		*l;
	struct sim_alert		 a;
	int64_t				 start;
	size_t				 k, nl, j;

	for (k = 0; k < sc->nalerts; k++) {
		a = sc->alerts[k];
		if (a.period_ms <= 0)
			sim_shifted(w, a.service, a.from_ms, &a.until_ms);
		if (!sim_alert_firing(&a, w->pos, &start))
			continue;
		sim_write_alert(w, k, start);
		(*nalerts)++;
	}
	for (k = 0; k < sc->nsilences; k++) {
		const struct sim_silence	*x = &sc->silences[k];

		l = NULL;
		nl = sim_labels_parse(x->matchers, &l, 0);
		arr = cJSON_CreateArray();
		for (j = 0; j < nl; j++) {
			m = cJSON_CreateObject();
			/* In Alertmanager's order, as /api/v2/silences. */
			cJSON_AddBoolToObject(m, "isEqual", 1);
			cJSON_AddBoolToObject(m, "isRegex", 0);
			cJSON_AddStringToObject(m, "name", l[j].name);
			cJSON_AddStringToObject(m, "value", l[j].value);
			cJSON_AddItemToArray(arr, m);
		}
		sim_labels_free(l, nl);
		row = SIM_ADD(w, silences, nsilences);
		row->source = sim_am_source(w);
		row->id = x->id;
		row->state = w->pos < x->from_ms ? "pending" :
		    sim_silence_active(x, w->pos) ? "active" : "expired";
		row->matchers = sim_own(w, sim_json_print(arr));
		row->created_by = x->created_by;
		row->comment = x->comment;
		row->starts_at_ms = sim_at(w, x->from_ms);
		row->ends_at_ms = sim_at(w, x->until_ms);
		row->updated_at_ms = sim_at(w, x->from_ms);
	}
	sim_write_action_silences(w);
	return 0;
}

/* ------------------------------------------------------------------ */
/* SLOs                                                                */
/* ------------------------------------------------------------------ */

/*
 * SLO i's error curve as this world plays it: the scenario's, or after
 * the user's rollback of its service its value then, followed by the
 * scenario's points after its own rollback, shifted (see sim.h); those in
 * *own (allocated, else NULL).  *n its points.
 */
static const struct sim_point *
sim_slo_curve(const struct sim_world *w, size_t i, size_t *n,
    struct sim_point **own)
{
	const struct sim_slo	*slo = &w->sc->slos[i];
	const struct sim_svc	*s;
	struct sim_point	*p;
	size_t			 k, m = 0;

	*own = NULL;
	*n = slo->ncurve;
	if (slo->curve == NULL || slo->ncurve == 0 || slo->service < 0 ||
	    (size_t)slo->service >= w->sc->nservices ||
	    !w->svc[slo->service].shifted)
		return slo->curve;
	s = &w->svc[slo->service];
	p = xcalloc(slo->ncurve + 1, sizeof *p);
	for (k = 0; k < slo->ncurve; k++)
		if (slo->curve[k].at_ms < s->back_at)
			p[m++] = slo->curve[k];
	p[m].at_ms = s->back_at;
	p[m++].ratio = sim_curve_value(slo->curve, slo->ncurve, s->back_at);
	for (k = 0; k < slo->ncurve; k++) {
		if (slo->curve[k].at_ms > s->ro->rollback_ms) {
			p[m].at_ms = slo->curve[k].at_ms - s->shift;
			p[m++].ratio = slo->curve[k].ratio;
		}
	}
	*own = p;
	*n = m;
	return p;
}

/*
 * Every window's ratio now and the 24 h sparkline, for every SLO: the
 * context's samples are replaced by one point per window key (as a
 * Prometheus round adds, without the history of earlier rounds: the
 * world is rewritten whole) and the sparkline's points.
 */
static int
sim_write_slos(struct sim_world *w, struct cache *cache, int64_t *nsamples,
    char **cause)
{
	static const char *const names[] = { "5m", "30m", "1h", "2h", "6h",
	    "1d", "3d", "period" };
	const struct sim_scenario	*sc = w->sc;
	const struct sim_point		*curve;
	struct sim_point		*own;
	struct store_point		 pt, spark[SIM_SPARK_POINTS];
	char				*key;
	size_t				 i, n;
	int				 win, k, rc = 0;

	if (store_samples_clear(cache, w->context, cause) != 0)
		return -1;
	for (i = 0; i < sc->nslos && rc == 0; i++) {
		curve = sim_slo_curve(w, i, &n, &own);
		for (win = 0; win < (int)N_(names) && rc == 0; win++) {
			key = xasprintf("slo:%s:ratio:%s", sc->slos[i].name,
			    names[win]);
			pt.ts_ms = w->now;
			pt.value = sim_slo_ratio(sc, i, curve, n, win, w->pos);
			rc = store_history(cache, w->context, key, &pt, 1,
			    cause);
			free(key);
			(*nsamples)++;
		}
		for (k = SIM_SPARK_POINTS - 1; k >= 0; k--) {
			spark[SIM_SPARK_POINTS - 1 - k].ts_ms = w->now -
			    SIM_SPARK_STEP_MS * k;
			spark[SIM_SPARK_POINTS - 1 - k].value = sim_slo_ratio(sc,
			    i, curve, n, 2, w->pos - SIM_SPARK_STEP_MS * k);
			(*nsamples)++;
		}
		free(own);
		if (rc != 0)
			break;
		key = xasprintf("slo:%s:spark:1h", sc->slos[i].name);
		rc = store_history(cache, w->context, key, spark,
		    SIM_SPARK_POINTS, cause);
		free(key);
	}
	return rc != 0 ? -1 : 0;
}

/*
 * Hand the round's rows to the writers every source uses; with am_up 0
 * (no Alertmanager member answered) the alerts and silences of the last
 * good round stay, as the real source keeps them.
 */
static int
sim_rows_store(struct sim_world *w, struct cache *cache, int am_up,
    char **cause)
{
	const struct sim_rows	*r = &w->rows;
	const char		*ctx = w->context;

	if (store_nodes(cache, ctx, r->nodes, r->nnodes, w->now, cause) != 0 ||
	    store_namespaces(cache, ctx, r->namespaces, r->nnamespaces,
	    w->now, cause) != 0 ||
	    store_deployments(cache, ctx, r->deployments, r->ndeployments,
	    w->now, cause) != 0 ||
	    store_statefulsets(cache, ctx, r->statefulsets, r->nstatefulsets,
	    w->now, cause) != 0 ||
	    store_daemonsets(cache, ctx, NULL, 0, w->now, cause) != 0 ||
	    store_replicasets(cache, ctx, r->replicasets, r->nreplicasets,
	    w->now, cause) != 0 ||
	    store_rollouts(cache, ctx, w->now, cause) != 0 ||
	    store_pods(cache, ctx, r->pods, r->npods, w->now, cause) != 0 ||
	    store_events(cache, ctx, r->events, r->nevents, cause) != 0 ||
	    store_targets(cache, ctx, "prometheus", r->targets, r->ntargets,
	    w->now, cause) != 0 ||
	    store_series(cache, ctx, "prometheus", NULL, 0, cause) != 0 ||
	    store_probes(cache, ctx, r->probes, r->nprobes, cause) != 0)
		return -1;
	if (am_up && (store_alerts(cache, ctx, r->alerts, r->nalerts, w->now,
	    cause) != 0 ||
	    store_silences(cache, ctx, r->silences, r->nsilences, w->now,
	    cause) != 0))
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The Alertmanager's members                                          */
/* ------------------------------------------------------------------ */

/* Where a member answers: NAME:9093, as a configured http://NAME:9093. */
#define SIM_AM_PORT	9093

/* Whether member k of sc does not answer at pos. */
static int
sim_am_down(const struct sim_scenario *sc, size_t k, int64_t pos)
{
	size_t	i;

	for (i = 0; i < sc->nam_outages; i++) {
		if (sc->am_outages[i].member == (int)k &&
		    pos >= sc->am_outages[i].from_ms &&
		    pos < sc->am_outages[i].until_ms)
			return 1;
	}
	return 0;
}

/*
 * The simulated Alertmanager's round at pos, ended as the real source
 * ends one (am_round_outcome()): a member down is one whose connection is
 * refused, so its error is the transport error the real source words for
 * that.  1 when a member answered, *source (allocated) the first that
 * did and *warning (allocated, or NULL) as the real round's; 0 when none
 * did, *error (allocated).  A scenario without members: one, always up,
 * *source NULL.
 */
static int
sim_am_round(const struct sim_scenario *sc, int64_t pos, char **source,
    char **error, char **warning)
{
	const char	**errors;
	char		**own, *hp, *refused;
	size_t		  k, n = sc->nalertmanagers;
	int		  rc;

	*source = *error = *warning = NULL;
	if (n == 0)
		return 1;
	errors = xcalloc(n + 1, sizeof *errors);
	own = xcalloc(n + 1, sizeof *own);
	for (k = 0; k < n; k++) {
		hp = xasprintf("%s:%d", sc->alertmanagers[k], SIM_AM_PORT);
		if (sim_am_down(sc, k, pos)) {
			refused = xasprintf("connection refused at %s", hp);
			own[k] = source_transport_error("Alertmanager", hp,
			    refused, HTTP_ERR_CONNECT);
			errors[k] = own[k];
			free(refused);
			free(hp);
		} else if (*source == NULL)
			*source = hp;
		else
			free(hp);
	}
	rc = am_round_outcome(errors, n, error, warning);
	for (k = 0; k < n; k++)
		free(own[k]);
	free(own);
	free(errors);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The source                                                          */
/* ------------------------------------------------------------------ */

struct sim_state {
	struct sim_timeline		 tl;
	int				 stored;	/* a round was */
	int64_t				 last_pos;	/* its timeline */
	int64_t				 last_now;	/* its clock */
};

/* Where a timeline stands at wall-clock now_ms, and in which replay. */
int64_t
sim_timeline_position(const struct sim_timeline *tl, int64_t now_ms,
    int64_t *cycle)
{
	int64_t	el, c = 0;

	el = (int64_t)((double)(now_ms - tl->start_ms) * tl->speed) +
	    tl->phase_ms;
	if (tl->sc->cycle_ms > 0) {
		c = el / tl->sc->cycle_ms;
		el %= tl->sc->cycle_ms;
		if (el < 0) {
			el += tl->sc->cycle_ms;
			c--;
		}
	}
	if (cycle != NULL)
		*cycle = c;
	return tl->sc->open_ms + el;
}

/* Where the timeline stands at wall-clock now_ms. */
int64_t
sim_source_position(const struct source *s, int64_t now_ms)
{
	const struct sim_state	*st = s->state;

	return sim_timeline_position(&st->tl, now_ms, NULL);
}

/* A round: nothing to fetch, the world is computed when stored. */
static void
sim_refresh(struct source *s)
{
	source_done(s, 1, NULL, NULL, s->items);
}

/* Write the world as it stands at now_ms, replacing the context's rows. */
static int
sim_store(struct source *s, struct cache *cache, int64_t now_ms,
    char **cause)
{
	struct sim_state	*st = s->state;
	struct sim_actions	*sa = runtime_sim_actions_of(
				    runtime_of(s), s->context);
	const struct sim_op	*ops;
	struct sim_world	 w;
	int64_t			 ntargets = 0, nalerts = 0, nprobes = 0;
	int64_t			 nsamples = 0, cycle;
	size_t			 i, nops;
	int			 rc = -1, am_up;
	char			*why = NULL, *am_source, *am_error, *am_warning;

	memset(&w, 0, sizeof w);
	w.sc = st->tl.sc;
	w.context = s->context;
	/*
	 * The rows are anchored at the runtime's evaluation time: `--at`
	 * asks for the world as it stood then, as Prometheus is asked to
	 * evaluate then; without it that is the clock's now.  The timeline
	 * plays by the clock since the simulator started either way.
	 */
	w.now = runtime_of(s) != NULL ? runtime_eval_ms(runtime_of(s)) :
	    now_ms;
	w.actions = sa;
	w.pos = sim_timeline_position(&st->tl, now_ms, &cycle);
	am_up = sim_am_round(w.sc, w.pos, &am_source, &am_error, &am_warning);
	w.am_source = am_source;
	/* Actions are done on this play of the timeline from now on. */
	sim_actions_set_timeline(sa, &st->tl);
	ops = sim_actions_ops(sa, &nops);
	sim_world_ops(&w, ops, nops, st->tl.start_ms, cycle);
	w.svc = xcalloc(w.sc->nservices + 1, sizeof *w.svc);
	for (i = 0; i < w.sc->nservices; i++)
		sim_svc_build(&w, i);

	/*
	 * The rollouts and incidents are history kept from round to round;
	 * a world that starts (or replays, or is asked for an earlier
	 * moment) starts its history again, as the world it writes does.
	 */
	if ((!st->stored || w.pos < st->last_pos || w.now < st->last_now) &&
	    (store_rollouts_clear(cache, s->context, &why) != 0 ||
	    incident_clear(cache, s->context, &why) != 0))
		goto sqlerr;

	if (sim_write_nodes(&w) != 0 ||
	    sim_write_namespaces(&w) != 0 ||
	    sim_write_kube(&w, &ntargets) != 0 ||
	    sim_write_probes(&w, &nprobes) != 0 ||
	    sim_write_alerts(&w, &nalerts) != 0 ||
	    sim_rows_store(&w, cache, am_up, &why) != 0 ||
	    incident_update(cache, s->context, s->conf, w.now, &why) != 0 ||
	    sim_write_slos(&w, cache, &nsamples, &why) != 0)
		goto sqlerr;

	/* The simulated backends answered at the world's time. */
	if (cache_source_update(cache, s->context, "prometheus", "prometheus",
	    w.now, 1, 18 + (int64_t)(w.pos / 1000 % 23), NULL,
	    ntargets + nsamples, cause) != 0 ||
	    cache_source_update(cache, s->context, "alertmanager",
	    "alertmanager", w.now, am_up, 6 + (int64_t)(w.pos / 1000 % 7),
	    am_error, am_up ? nalerts : -1, cause) != 0 ||
	    store_source_warning(cache, s->context, "alertmanager",
	    am_warning, cause) != 0 ||
	    cache_source_update(cache, s->context, "kubernetes", "kubernetes",
	    w.now, 1, 41 + (int64_t)(w.pos / 1000 % 31), NULL,
	    w.nobjects + w.nevents, cause) != 0 ||
	    (nprobes > 0 && cache_source_update(cache, s->context, "probes",
	    "probe", w.now, 1, 25 + (int64_t)(w.pos / 1000 % 19), NULL,
	    nprobes, cause) != 0))
		goto out;
	if (!am_up)
		nalerts = 0;
	s->items = w.nobjects + w.nevents + ntargets + nalerts + nprobes +
	    nsamples;
	st->stored = 1;
	st->last_pos = w.pos;
	st->last_now = w.now;
	rc = 0;
	goto out;
sqlerr:
	*cause = xasprintf("the simulator could not write the cache: %s",
	    why != NULL ? why : "a scenario error");
out:
	free(why);
	free(am_source);
	free(am_error);
	free(am_warning);
	sim_rows_done(&w.rows);
	sim_world_done(&w);
	return rc;
}

/* Nothing to forget between rounds. */
static void
sim_reset(struct source *s)
{
	(void)s;
}

/* Nothing is ever in flight. */
static void
sim_cancel(struct source *s)
{
	(void)s;
}

/* Free the source's state (the scenario is borrowed). */
static void
sim_free(struct source *s)
{
	free(s->state);
	s->state = NULL;
}

static const struct backend_ops sim_ops = {
	"sim",
	sim_refresh,
	sim_store,
	sim_reset,
	sim_cancel,
	sim_free,
	0
};

/* Make s a simulator source. */
void
sim_source_init(struct source *s, const struct sim_scenario *sc,
    int64_t start_ms)
{
	struct sim_state	*st;

	st = xcalloc(1, sizeof *st);
	st->tl.sc = sc != NULL ? sc : &demo_scenario;
	st->tl.start_ms = start_ms;
	st->tl.speed = 1.0;
	s->ops = &sim_ops;
	s->state = st;
	s->items_what = "objects";
}

/* Play the timeline faster (or slower) than the clock. */
void
sim_source_set_speed(struct source *s, double speed)
{
	struct sim_state	*st = s->state;

	if (speed > 0 && speed < 1e6)
		st->tl.speed = speed;
}

/* Start phase_ms into the scenario's cycle. */
void
sim_source_set_phase(struct source *s, int64_t phase_ms)
{
	struct sim_state	*st = s->state;

	st->tl.phase_ms = phase_ms > 0 ? phase_ms : 0;
}

/* ------------------------------------------------------------------ */
/* Kubernetes actions on the simulated world                          */
/* ------------------------------------------------------------------ */

/* The Kubernetes part of the world of tl at now_ms after ops. */
static void
sim_world_at(struct sim_world *w, const struct sim_timeline *tl,
    const struct sim_op *ops, size_t nops, int64_t now_ms, int64_t *cycle)
{
	size_t	i;

	memset(w, 0, sizeof *w);
	w->sc = tl->sc;
	w->now = now_ms;
	w->pos = sim_timeline_position(tl, now_ms, cycle);
	sim_world_ops(w, ops, nops, tl->start_ms, *cycle);
	w->svc = xcalloc(w->sc->nservices + 1, sizeof *w->svc);
	for (i = 0; i < w->sc->nservices; i++)
		sim_svc_build(w, i);
}

/* The service named name (in ns unless NULL), or -1. */
static int
sim_service_find(const struct sim_scenario *sc, const char *ns,
    const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < sc->nservices; i++) {
		if (strcmp(sc->services[i].name, name) == 0 &&
		    (ns == NULL || strcmp(sc->services[i].namespace, ns) == 0))
			return (int)i;
	}
	return -1;
}

/* Set a verdict (message taken). */
static void
sim_verdict_set(struct sim_verdict *v, int status, char *message)
{
	v->status = status;
	free(v->message);
	v->message = message;
}

/* "image NAME: A -> B", tags only when the repository is the same. */
static char *
sim_image_diff(const char *container, const char *a, const char *b)
{
	const char	*ta = strrchr(a, ':'), *tb = strrchr(b, ':');

	if (ta != NULL && tb != NULL && strchr(ta, '/') == NULL &&
	    strchr(tb, '/') == NULL && ta - a == tb - b &&
	    strncmp(a, b, (size_t)(ta - a)) == 0)
		return xasprintf("image %s: %s -> %s", container, ta + 1,
		    tb + 1);
	return xasprintf("image %s: %s -> %s", container, a, b);
}

/* Judge undo of service i (to req->to_revision, 0: the previous). */
static int
sim_judge_undo(struct sim_world *w, size_t i, const struct action_kube *req,
    const char *name, struct sim_op *op, struct sim_verdict *v)
{
	const struct sim_svc	*s = &w->svc[i];
	int			 cur = s->current, t, to = -1;
	int			 currev = s->t[cur].revision;

	for (t = 0; t < T_COUNT; t++) {
		if (!s->t[t].present)
			continue;
		if (req->to_revision > 0 ?
		    s->t[t].revision == req->to_revision :
		    s->t[t].revision < currev && (to < 0 ||
		    s->t[t].revision > s->t[to].revision))
			to = t;
	}
	if (to < 0) {
		sim_verdict_set(v, ACTION_REFUSED, req->to_revision > 0 ?
		    xasprintf("unable to find specified revision %lld in "
		    "history", (long long)req->to_revision) :
		    xasprintf("no rollout history found for deployment "
		    "\"%s\"", name));
		return -1;
	}
	v->revision = s->t[to].revision;
	if (to == cur) {
		v->noop = 1;
		sim_verdict_set(v, ACTION_OK, xasprintf("deployment.apps/%s "
		    "skipped rollback (current template already matches "
		    "revision %d)", name, currev));
		return -1;
	}
	sim_verdict_set(v, ACTION_OK, xasprintf("deployment.apps/%s rolled "
	    "back", name));
	v->diff = sim_image_diff(w->sc->services[i].name, s->t[cur].image,
	    s->t[to].image);
	v->before = xasprintf("undo to revision %d", currev);
	op->tmpl = to;
	return 0;
}

/* Judge delete-pod name (in ns unless NULL). */
static int
sim_judge_delete(struct sim_world *w, const char *ns, const char *name,
    struct sim_op *op, struct sim_verdict *v)
{
	const struct sim_service	*svc;
	const struct sim_pod		*p;
	size_t				 i, k;

	for (i = 0; i < w->sc->nservices; i++) {
		svc = &w->sc->services[i];
		if (ns != NULL && strcmp(svc->namespace, ns) != 0)
			continue;
		for (k = 0; k < w->svc[i].npods; k++) {
			p = &w->svc[i].pods[k];
			if (strcmp(p->name, name) != 0)
				continue;
			op->service = (int)i;
			op->pod = xstrdup(p->name);
			sim_verdict_set(v, ACTION_OK, xasprintf("pod \"%s\" "
			    "deleted", p->name));
			v->diff = xasprintf("pod %s: Running -> deleted, "
			    "replaced by a new pod of %s %s", p->name,
			    svc->workload == SIM_STATEFULSET ? "StatefulSet" :
			    "ReplicaSet", svc->workload == SIM_STATEFULSET ?
			    svc->name : w->svc[i].t[p->tmpl].rs);
			return 0;
		}
	}
	sim_verdict_set(v, ACTION_REFUSED, xasprintf("pods \"%s\" not found",
	    name));
	return -1;
}

/* Judge req in world w: the verdict, and 0 when op is to be recorded. */
static int
sim_kube_judge(struct sim_world *w, const struct action_kube *req,
    const char *name, struct sim_op *op, struct sim_verdict *v)
{
	const struct sim_service	*svc;
	const struct sim_svc		*s;
	int				 i;

	if (req->kind == ACTION_DELETE_POD)
		return sim_judge_delete(w, req->namespace, name, op, v);
	i = sim_service_find(w->sc, req->namespace, name);
	if (i < 0) {
		sim_verdict_set(v, ACTION_REFUSED, xasprintf("deployments.apps "
		    "\"%s\" not found", name));
		return -1;
	}
	svc = &w->sc->services[i];
	s = &w->svc[i];
	if (svc->workload != SIM_DEPLOYMENT) {
		sim_verdict_set(v, ACTION_REFUSED, xasprintf("%s/%s is a "
		    "StatefulSet: the simulator restarts, rolls back and "
		    "scales deployments only", svc->namespace, svc->name));
		return -1;
	}
	op->service = i;
	v->revision = s->t[s->current].revision;
	switch (req->kind) {
	case ACTION_RESTART:
		sim_verdict_set(v, ACTION_OK, xasprintf("deployment.apps/%s "
		    "restarted", svc->name));
		v->diff = xasprintf("pods: %d of revision %d -> %d new of "
		    "revision %d, one at a time", s->n,
		    s->t[s->current].revision, s->n,
		    s->t[s->current].revision);
		return 0;
	case ACTION_UNDO:
		return sim_judge_undo(w, (size_t)i, req, svc->name, op, v);
	case ACTION_SCALE:
		if (req->replicas < 0) {
			sim_verdict_set(v, ACTION_INVALID, xasprintf("The "
			    "Deployment \"%s\" is invalid: spec.replicas: "
			    "Invalid value: %d: must be greater than or equal "
			    "to 0", svc->name, req->replicas));
			return -1;
		}
		if (req->replicas > SIM_MAX_REPLICAS) {
			sim_verdict_set(v, ACTION_REFUSED, xasprintf("the "
			    "simulator shows at most %d replicas of a "
			    "deployment; scale %s to %d or fewer",
			    SIM_MAX_REPLICAS, svc->name, SIM_MAX_REPLICAS));
			return -1;
		}
		if (req->replicas == s->n) {
			v->noop = 1;
			sim_verdict_set(v, ACTION_OK, xasprintf("deployment."
			    "apps/%s already has %d replicas", svc->name,
			    s->n));
			return -1;
		}
		op->replicas = req->replicas;
		sim_verdict_set(v, ACTION_OK, xasprintf("deployment.apps/%s "
		    "scaled", svc->name));
		v->diff = xasprintf("replicas: %d -> %d", s->n, req->replicas);
		v->before = xasprintf("scale to %d", s->n);
		return 0;
	default:
		sim_verdict_set(v, ACTION_INVALID, xstrdup("not a Kubernetes "
		    "action"));
		return -1;
	}
}

/* Check a Kubernetes action against the world as it stands. */
int
sim_kube_check(const struct sim_timeline *tl, const struct sim_op *ops,
    size_t nops, int64_t now_ms, const struct action_kube *req,
    struct sim_op *op, struct sim_verdict *v)
{
	struct sim_world	 w;
	char			*name, *dry;
	int64_t			 cycle;
	int			 rc;

	memset(op, 0, sizeof *op);
	memset(v, 0, sizeof *v);
	if (req->name == NULL || *req->name == '\0') {
		sim_verdict_set(v, ACTION_INVALID, xstrdup("resource name may "
		    "not be empty"));
		return -1;
	}
	/* Names come from people and runbooks: safe for the terminal. */
	name = sanitize_terminal(req->name, 0);
	sanitize_utf8_cut(name, 253);
	sim_world_at(&w, tl, ops, nops, now_ms, &cycle);
	rc = sim_kube_judge(&w, req, name, op, v);
	op->kind = req->kind;
	op->play = tl->start_ms;
	op->cycle = cycle;
	op->at_ms = w.pos;
	if (v->status == ACTION_OK && req->dry_run) {
		dry = xasprintf("%s (server dry run)", v->message);
		sim_verdict_set(v, ACTION_OK, dry);
		rc = -1;
	}
	if (rc != 0)
		sim_op_done(op);
	sim_world_done(&w);
	free(name);
	return rc;
}

/* Free what an op holds. */
void
sim_op_done(struct sim_op *op)
{
	free(op->pod);
	op->pod = NULL;
}

/* Free what a verdict holds. */
void
sim_verdict_done(struct sim_verdict *v)
{
	free(v->message);
	free(v->diff);
	free(v->before);
	memset(v, 0, sizeof *v);
}

/* A deployment's rollout as `kubectl rollout status` reads it. */
void
sim_kube_rollout(const struct sim_timeline *tl, const struct sim_op *ops,
    size_t nops, int64_t now_ms, const char *ns, const char *name,
    struct action_rollout *out, char **msg)
{
	struct sim_world	 w;
	const struct sim_svc	*s;
	char			*safe;
	int64_t			 cycle;
	int			 i, total;

	memset(out, 0, sizeof *out);
	safe = sanitize_terminal(name != NULL ? name : "", 0);
	sanitize_utf8_cut(safe, 253);
	sim_world_at(&w, tl, ops, nops, now_ms, &cycle);
	i = sim_service_find(w.sc, ns, name);
	if (i < 0 || w.sc->services[i].workload != SIM_DEPLOYMENT) {
		out->state = -2;
		*msg = xasprintf("deployments.apps \"%s\" not found", safe);
		goto out;
	}
	s = &w.svc[i];
	total = (int)s->npods;
	out->generation = s->generation;
	out->observed_generation = s->generation;
	out->replicas = total;
	out->updated = s->updated;
	out->ready = s->available;
	out->available = s->available;
	/* kubectl's order of questions and its words. */
	if (s->updated < s->n)
		*msg = xasprintf("Waiting for deployment \"%s\" rollout to "
		    "finish: %d out of %d new replicas have been updated...",
		    safe, s->updated, s->n);
	else if (total > s->updated)
		*msg = xasprintf("Waiting for deployment \"%s\" rollout to "
		    "finish: %d old replicas are pending termination...", safe,
		    total - s->updated);
	else if (s->available < s->updated)
		*msg = xasprintf("Waiting for deployment \"%s\" rollout to "
		    "finish: %d of %d updated replicas are available...", safe,
		    s->available, s->updated);
	else {
		out->state = 1;
		*msg = xasprintf("deployment \"%s\" successfully rolled out",
		    safe);
	}
	if (out->state == 0 && w.pos - s->epoch_at > SIM_DEADLINE_MS) {
		out->state = -1;
		free(*msg);
		*msg = xasprintf("deployment \"%s\" exceeded its progress "
		    "deadline", safe);
	}
out:
	out->message = *msg;
	sim_world_done(&w);
	free(safe);
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

/* A match entry. */
static void
sim_kv(struct conf_kv *kv, const char *key, const char *value)
{
	kv->key = xstrdup(key);
	kv->value = xstrdup(value);
}

/* The configuration that shows a scenario. */
struct conf *
sim_scenario_conf(const struct sim_scenario *sc, const char *context)
{
	struct conf		*conf;
	struct conf_context	*ctx;
	size_t			 i;

	if (sc == NULL)
		sc = &demo_scenario;
	conf = conf_new_default();
	conf->contexts = xcalloc(1, sizeof *conf->contexts);
	conf->ncontexts = 1;
	ctx = &conf->contexts[0];
	ctx->name = xstrdup(context != NULL ? context : sc->name);
	ctx->refresh_ms = 2000;
	conf->services = xcalloc(sc->nservices + 1, sizeof *conf->services);
	for (i = 0; i < sc->nservices; i++) {
		struct conf_service	*cs = &conf->services[i];

		cs->name = xstrdup(sc->services[i].name);
		cs->match = xcalloc(2, sizeof *cs->match);
		sim_kv(&cs->match[0], "namespace", sc->services[i].namespace);
		sim_kv(&cs->match[1], "deployment", sc->services[i].name);
		cs->nmatch = 2;
	}
	conf->nservices = sc->nservices;
	conf->slos = xcalloc(sc->nslos + 1, sizeof *conf->slos);
	for (i = 0; i < sc->nslos; i++) {
		const struct sim_slo	*s = &sc->slos[i];
		struct conf_slo		*cs = &conf->slos[i];

		cs->name = xstrdup(s->name);
		if (s->service >= 0 && (size_t)s->service < sc->nservices)
			cs->service = xstrdup(sc->services[s->service].name);
		cs->objective = s->objective;
		cs->period_ms = SIM_PERIOD_MS;
		cs->error_query = xstrdup(s->error_query != NULL ?
		    s->error_query : "vector(0)");
		cs->total_query = xstrdup(s->total_query != NULL ?
		    s->total_query : "vector(1)");
		if (s->description != NULL)
			cs->description = xstrdup(s->description);
	}
	conf->nslos = sc->nslos;
	return conf;
}

/* The demo's configuration. */
struct conf *
sim_demo_conf(void)
{
	return sim_scenario_conf(&demo_scenario, "demo");
}

/* Where world k of n starts in the scenario's cycle. */
int64_t
sim_world_phase(const struct sim_scenario *sc, int k, int n)
{
	if (sc == NULL)
		sc = &demo_scenario;
	if (k <= 0 || n <= 1 || k >= n || sc->cycle_ms <= 0)
		return 0;
	return sc->cycle_ms * k / n;
}

/* The demo with nworlds contexts, each at its own phase. */
struct conf *
sim_demo_worlds_conf(int nworlds)
{
	struct conf	*conf;
	int		 k;

	if (nworlds < 1 || nworlds > SIM_WORLDS_MAX)
		return NULL;
	conf = sim_demo_conf();
	if (nworlds == 1)
		return conf;
	conf->contexts = xreallocarray(conf->contexts, (size_t)nworlds,
	    sizeof *conf->contexts);
	memset(&conf->contexts[1], 0, (size_t)(nworlds - 1) *
	    sizeof *conf->contexts);
	for (k = 1; k < nworlds; k++) {
		conf->contexts[k].name = xasprintf("demo-%d", k + 1);
		conf->contexts[k].refresh_ms = conf->contexts[0].refresh_ms;
		conf->contexts[k].sim_phase_ms = sim_world_phase(&demo_scenario,
		    k, nworlds);
	}
	conf->ncontexts = (size_t)nworlds;
	return conf;
}

/* ------------------------------------------------------------------ */
/* A big generated world                                               */
/* ------------------------------------------------------------------ */


/* ------------------------------------------------------------------ */
/* Container logs                                                      */
/* ------------------------------------------------------------------ */

#define SIM_LOG_EVERY_MS	S_(15)		/* a request line */
#define SIM_LOG_LINES_MAX	5000		/* lines one run keeps */

/* One run of a pod's container: when, and how it ended. */
struct sim_run {
	int64_t		 start;		/* timeline */
	int64_t		 end;		/* timeline; the world's pos if running */
	const char	*ending;	/* NULL: running, else the fault's reason */
	int		 index;		/* 0: the first */
};

/* A Status body as the API server sends it. */
static char *
sim_log_status(long code, const char *reason, const char *message)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "kind", "Status");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddItemToObject(o, "metadata", cJSON_CreateObject());
	cJSON_AddStringToObject(o, "status", "Failure");
	cJSON_AddStringToObject(o, "message", message);
	cJSON_AddStringToObject(o, "reason", reason);
	cJSON_AddNumberToObject(o, "code", (double)code);
	return sim_json_print(o);
}

/* ms since the epoch as RFC 3339 UTC with milliseconds, into out. */
static void
sim_log_time(int64_t ms, char *out, size_t len)
{
	int64_t	days = ms / D_(1), rem = ms % D_(1), z, era, doe, yoe, doy;
	int64_t	mp, y, m, d;

	if (rem < 0) {
		rem += D_(1);
		days--;
	}
	/* Civil from days (H. Hinnant's algorithm). */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
	    (long long)y, (long long)m, (long long)d,
	    (long long)(rem / H_(1)), (long long)(rem % H_(1) / M_(1)),
	    (long long)(rem % M_(1) / 1000), (long long)(rem % 1000));
}

/* One line "TIME level=... " at timeline t into b. */
static void
sim_log_line(const struct sim_world *w, struct buf *b, int64_t t,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void
sim_log_line(const struct sim_world *w, struct buf *b, int64_t t,
    const char *fmt, ...)
{
	va_list	ap;
	char	when[128];

	sim_log_time(sim_at(w, t), when, sizeof when);
	buf_printf(b, "%s ", when);
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
	buf_puts(b, "\n");
}

/* What a run of service svc's container wrote, into b. */
static void
sim_log_run(const struct sim_world *w, const struct sim_service *svc,
    const char *pod, const char *image, const struct sim_run *r,
    struct buf *b)
{
	static const char *const paths[] = { "/api/orders", "/api/cart",
	    "/healthz", "/api/items", "/api/session" };
	const char	*version = strrchr(image, ':');
	int64_t		 t, first, crash = r->end;
	uint64_t	 h;
	int		 oom = r->ending != NULL &&
			    strcmp(r->ending, "OOMKilled") == 0;

	version = version != NULL ? version + 1 : image;
	sim_log_line(w, b, r->start, "level=info msg=\"starting %s\" "
	    "version=%s pod=%s run=%d", svc->name, version, pod, r->index);
	sim_log_line(w, b, r->start + 400, "level=info msg=\"configuration "
	    "loaded\" file=/etc/%s/config.yaml", svc->name);
	if (r->ending != NULL && !oom) {
		/* A crash loop: the new version dies as it starts. */
		sim_log_line(w, b, r->start + 900, "level=error "
		    "msg=\"configuration invalid\" err=\"inventory.url: "
		    "required key missing (new in %s)\"", version);
		sim_log_line(w, b, r->start + 910, "panic: configuration "
		    "invalid: inventory.url: required key missing "
		    "(main.main /src/cmd/%s/main.go:48)", svc->name);
		return;
	}
	sim_log_line(w, b, r->start + 1200, "level=info msg=\"listening\" "
	    "addr=:%d", svc->port);
	first = r->start + SIM_LOG_EVERY_MS;
	if ((r->end - first) / SIM_LOG_EVERY_MS > SIM_LOG_LINES_MAX)
		first = r->end - SIM_LOG_EVERY_MS * SIM_LOG_LINES_MAX;
	first -= (first - r->start) % SIM_LOG_EVERY_MS;
	if (oom)
		crash = r->end - S_(30);
	for (t = first; t < crash; t += SIM_LOG_EVERY_MS) {
		h = sim_hash(w->sc->seed, pod, (uint64_t)r->index,
		    (uint64_t)t);
		sim_log_line(w, b, t, "level=info msg=\"request served\" "
		    "method=GET path=%s status=%d duration_ms=%d",
		    paths[h % 5], h % 97 == 0 ? 503 : 200,
		    3 + (int)(sim_mix(h) % 180));
	}
	if (oom) {
		sim_log_line(w, b, crash, "level=warn msg=\"memory high\" "
		    "rss_mb=498 limit_mb=512");
		sim_log_line(w, b, r->end - 200, "fatal error: runtime: out "
		    "of memory (the kernel then killed the container: "
		    "OOMKilled)");
	} else if (r->ending != NULL)
		sim_log_line(w, b, r->end, "level=warn msg=\"shutting down\" "
		    "signal=SIGTERM");
}

/*
 * The current and previous runs of pod p of service i: the fault that
 * holds (or held) it restarted it at from_ms + k * restart_every_ms; a
 * crash-looping run dies as it starts.  prev->index < 0: no run before.
 */
static void
sim_log_runs(const struct sim_world *w, size_t i, const struct sim_pod *p,
    struct sim_run *cur, struct sim_run *prev)
{
	const struct sim_scenario	*sc = w->sc;
	const struct sim_svc		*s = &w->svc[i];
	const struct sim_fault		*f;
	int64_t				 until, n, last;
	size_t				 k;
	int				 tmpl = s->ro != NULL ? T_NEW : T_BASE;

	memset(cur, 0, sizeof *cur);
	memset(prev, 0, sizeof *prev);
	cur->start = p->created;
	cur->end = w->pos;
	cur->index = p->restarts;
	prev->index = -1;		/* none */
	for (k = 0; k < sc->nfaults; k++) {
		f = &sc->faults[k];
		if (f->service != (int)i || w->pos < f->from_ms ||
		    f->restart_every_ms <= 0 || p->tmpl != tmpl ||
		    p->gen != 1 || p->replica != f->replica ||
		    p->created > f->from_ms)
			continue;
		until = w->pos < f->until_ms ? w->pos : f->until_ms;
		n = (until - f->from_ms) / f->restart_every_ms + 1;
		last = f->from_ms + (n - 1) * f->restart_every_ms;
		cur->start = last;
		prev->start = n > 1 ? last - f->restart_every_ms : p->created;
		prev->end = last;
		prev->ending = f->reason;
		prev->index = cur->index - 1;
		if (w->pos < f->until_ms && strcmp(f->reason, "OOMKilled") != 0)
			cur->ending = f->reason;	/* dies again */
		return;
	}
	if (p->restarts > 0) {
		/* Restarted long ago: the run before ended on a SIGTERM. */
		prev->start = p->created;
		prev->end = p->created + H_(1);
		prev->ending = "Completed";
		prev->index = cur->index - 1;
		cur->start = prev->end + S_(2);
	}
}

/* Fill *status and *body for pod ns/name's log in world w; see sim.h. */
static long
sim_log_of(const struct sim_world *w, const char *ns, const char *name,
    const char *container, int previous, struct buf *b, char ***containers,
    size_t *ncontainers)
{
	const struct sim_service	*svc;
	const struct sim_pod		*p = NULL;
	struct sim_run			 cur, prev;
	char				*msg, *status;
	size_t				 i, k;

	for (i = 0; i < w->sc->nservices && p == NULL; i++) {
		if (strcmp(w->sc->services[i].namespace, ns) != 0)
			continue;
		for (k = 0; k < w->svc[i].npods; k++) {
			if (strcmp(w->svc[i].pods[k].name, name) == 0) {
				p = &w->svc[i].pods[k];
				break;
			}
		}
	}
	if (p == NULL) {
		msg = xasprintf("pods \"%s\" not found", name);
		status = sim_log_status(404, "NotFound", msg);
		buf_puts(b, status);
		free(status);
		free(msg);
		return 404;
	}
	svc = &w->sc->services[--i];
	*containers = xcalloc(1, sizeof **containers);
	(*containers)[0] = xstrdup(svc->name);
	*ncontainers = 1;
	msg = NULL;
	if (container != NULL && strcmp(container, svc->name) != 0)
		msg = xasprintf("container %s is not valid for pod %s",
		    container, name);
	sim_log_runs(w, i, p, &cur, &prev);
	if (msg == NULL && previous && prev.index < 0)
		msg = xasprintf("previous terminated container \"%s\" in pod "
		    "\"%s\" not found", svc->name, name);
	if (msg != NULL) {
		status = sim_log_status(400, "BadRequest", msg);
		buf_puts(b, status);
		free(status);
		free(msg);
		return 400;
	}
	sim_log_run(w, svc, p->name, w->svc[i].t[p->tmpl].image,
	    previous ? &prev : &cur, b);
	return 200;
}

/* A pod's log as the API server would answer for it; see sim.h. */
long
sim_pod_log(const struct source *s, int64_t now_ms, const char *ns,
    const char *pod, const char *container, int previous, char **body,
    size_t *len, char ***containers, size_t *ncontainers)
{
	const struct sim_state	*st = s->state;
	struct sim_actions	*sa = runtime_sim_actions_of(
				    runtime_of(s), s->context);
	const struct sim_op	*ops = NULL;
	struct sim_world	 w;
	struct buf		 b;
	size_t			 nops = 0;
	int64_t			 cycle;
	long			 code;

	*containers = NULL;
	*ncontainers = 0;
	/* The world as the operator left it: the actions count too. */
	if (sa != NULL)
		ops = sim_actions_ops(sa, &nops);
	sim_world_at(&w, &st->tl, ops, nops, now_ms, &cycle);
	w.context = s->context;
	w.actions = sa;
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	code = sim_log_of(&w, ns != NULL ? ns : "", pod != NULL ? pod : "",
	    container, previous, &b, containers, ncontainers);
	sim_world_done(&w);
	*len = b.len;
	*body = buf_detach(&b);
	return code;
}
