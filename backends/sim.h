/*
 * sim.h: the simulated environment, a source like any other.
 *
 * The simulator writes a whole, coherent on-call world into the cache
 * through the same backend interface as the real sources: Kubernetes
 * deployments, stateful sets, replica sets, pods, nodes and events;
 * Prometheus targets and SLO error ratios; Alertmanager alerts and
 * silences; HTTP probes; and the source rows that say all of it is
 * fresh.  `sitrep --demo` runs the
 * console on it with no configuration and no network, and drills replay
 * scripted incidents on it.
 *
 * What happens is data, not code: a scenario is a set of tables (nodes,
 * services, rollouts, pod faults, probe faults, alerts, silences, SLO error
 * ratio curves) on one timeline.  Times in a scenario are milliseconds
 * relative to its origin (often the moment of the rollout that starts the
 * trouble); the world at any instant is a pure function of the scenario
 * and that instant, so the same scenario and clock always give the same
 * rows.
 */
#ifndef SITREP_SIM_H
#define SITREP_SIM_H

#include <stddef.h>
#include <stdint.h>

struct action_kube;
struct action_rollout;
struct conf;
struct source;

/* One point of an error ratio curve; straight lines between points. */
struct sim_point {
	int64_t		 at_ms;
	double		 ratio;		/* fraction of bad events */
};

/* A node; pressure (e.g. "MemoryPressure") holds in [from, until). */
struct sim_node {
	const char	*name;
	const char	*zone;
	const char	*pressure;	/* condition type, or NULL */
	int64_t		 pressure_from_ms;
	int64_t		 pressure_until_ms;
};

/* What runs a service's pods. */
enum sim_workload {
	SIM_DEPLOYMENT = 0,	/* through ReplicaSets, NAME-HASH-xxxxx */
	SIM_STATEFULSET		/* directly, NAME-0, NAME-1 ... */
};

/*
 * A service: one Deployment (or StatefulSet) of replicas pods, spread
 * over the nodes from first_node on, each a Prometheus target, optionally
 * behind an HTTP probe.  revision runs image at the origin; previous_image
 * is the revision before, kept as history (a deployment's ReplicaSet).
 * Rollouts are played on deployments only.
 */
struct sim_service {
	const char	*name;
	const char	*namespace;
	int		 replicas;
	int		 revision;
	const char	*image;
	const char	*previous_image;
	int		 port;
	int		 first_node;
	int		 probe;
	int		 workload;	/* enum sim_workload */
};

/*
 * A rollout of service to image at at_ms, one pod at a time; if
 * rollback_ms is not 0 the previous template comes back then (as a new
 * revision, the way a Kubernetes rollback does).
 */
struct sim_rollout {
	int		 service;	/* index in services */
	int64_t		 at_ms;
	const char	*image;
	int64_t		 rollback_ms;
};

/*
 * A pod in trouble: replica of service (of the rollout's new template if
 * the service has a rollout) restarts every restart_every_ms from from_ms
 * until until_ms, and is not ready for down_ms after each restart
 * (down_ms >= restart_every_ms: never ready, a crash loop).  reason is what
 * Kubernetes shows: CrashLoopBackOff, OOMKilled ...
 */
struct sim_fault {
	int		 service;
	int		 replica;
	const char	*reason;
	const char	*message;	/* or NULL */
	int64_t		 from_ms;
	int64_t		 until_ms;
	int64_t		 restart_every_ms;
	int64_t		 down_ms;
};

/* The service's probe answers status (not its healthy 200) meanwhile. */
struct sim_probe_fault {
	int		 service;
	int64_t		 from_ms;
	int64_t		 until_ms;
	int		 status;
	int64_t		 latency_ms;
	const char	*excerpt;	/* the body's start */
};

/*
 * An alert, firing in [from, until) on the timeline, or in that part of
 * every period_ms when period_ms is not 0.  It carries alertname,
 * severity, cluster, and (with a service) namespace and service labels,
 * plus labels, written "name=value,name=value".  In labels, summary and
 * description, $podN stands for the name of the service's replica N pod
 * and $nodeN for that pod's node.  A severity that escalates is two alerts
 * of the same name, warning then critical, as two alerting rules are.
 */
struct sim_alert {
	const char	*alertname;
	const char	*severity;
	int		 service;	/* index, or -1 */
	const char	*labels;	/* or NULL */
	int64_t		 period_ms;	/* 0: once */
	int64_t		 from_ms;
	int64_t		 until_ms;
	const char	*summary;
	const char	*description;	/* or NULL */
	const char	*runbook;	/* path under the runbook site */
};

/* A silence of the alerts whose labels equal every "name=value". */
struct sim_silence {
	const char	*id;
	const char	*matchers;	/* "name=value,name=value" */
	const char	*created_by;
	const char	*comment;
	int64_t		 from_ms;
	int64_t		 until_ms;
};

/*
 * An Alertmanager member (an index in the scenario's alertmanagers) that
 * does not answer in [from, until): the simulated source says what the
 * real one says when a member refuses the connection (see sim.c).
 */
struct sim_am_outage {
	int		 member;
	int64_t		 from_ms;
	int64_t		 until_ms;
};

/*
 * An SLO of a service: its error ratio over time is the curve (flat
 * before the first point and after the last), jittered by noise (a
 * fraction, most on the short windows); curve NULL means no traffic, so
 * no data.
 */
struct sim_slo {
	const char		*name;
	int			 service;
	double			 objective;	/* percent */
	const char		*description;
	const char		*error_query;	/* PromQL, with {{.window}} */
	const char		*total_query;
	const struct sim_point	*curve;
	size_t			 ncurve;
	double			 noise;
};

/*
 * A scenario.  At the source's start the timeline stands at open_ms and
 * moves with the clock; after cycle_ms (if not 0) it jumps back to open_ms
 * and replays.
 *
 * Its Alertmanager has members (none named: one, always up).  While a
 * member is down the "alertmanager" source row reads as the real
 * source's after such a round (backends/alertmanager.c): ok, with the
 * warning "1 of 2 Alertmanagers did not answer (alerts are from the
 * others): connection refused at am-2:9093: is Alertmanager running?",
 * and the alerts and silences the others hold are written as usual
 * (silences made through the gate included: the cluster shares them).
 * While every member is down the row failed with the first one's error
 * and the alerts and silences of the last good round are kept.
 */
struct sim_scenario {
	const char			*name;
	const char			*cluster;
	uint64_t			 seed;
	int64_t				 open_ms;
	int64_t				 cycle_ms;
	const struct sim_node		*nodes;
	size_t				 nnodes;
	const struct sim_service	*services;
	size_t				 nservices;
	const struct sim_rollout	*rollouts;
	size_t				 nrollouts;
	const struct sim_fault		*faults;
	size_t				 nfaults;
	const struct sim_probe_fault	*probe_faults;
	size_t				 nprobe_faults;
	const struct sim_alert		*alerts;
	size_t				 nalerts;
	const struct sim_silence	*silences;
	size_t				 nsilences;
	const struct sim_slo		*slos;
	size_t				 nslos;
	/*
	 * The Alertmanager's members, by name; each answers at NAME:9093
	 * (as a configured http://NAME:9093 would).  0 members: one that
	 * is never down and rows say "alertmanager", as before members.
	 */
	const char *const		*alertmanagers;
	size_t				 nalertmanagers;
	const struct sim_am_outage	*am_outages;
	size_t				 nam_outages;
};

/*
 * The built-in demo (static, never freed): a web shop whose checkout
 * rollout went bad 40 minutes before the start and pages on its SLO; it is
 * rolled back eight minutes in, recovers, and the whole hour replays.
 */
const struct sim_scenario *sim_scenario_demo(void);

/*
 * A configuration for a scenario (NULL: the demo), built in memory: one
 * context named context refreshing every 2 s with no real source, a
 * service for each of the scenario's (matched by namespace and
 * deployment) and its SLOs.  Free with conf_free().
 */
struct conf	*sim_scenario_conf(const struct sim_scenario *,
		     const char *context);
/* sim_scenario_conf() of the demo, context "demo". */
struct conf	*sim_demo_conf(void);

/* How many worlds `--worlds` may ask the demo for. */
#define SIM_WORLDS_MAX	32
/*
 * The demo's configuration with nworlds contexts (1..SIM_WORLDS_MAX),
 * each a world of its own: "demo", then "demo-2" .. "demo-N", all with
 * the demo's services and SLOs, refreshing every 2 s.  World k (0 first)
 * plays the demo at phase sim_world_phase(demo, k, nworlds), so at any
 * moment some are in the incident and some have recovered; "demo" plays
 * at phase 0, exactly as sim_demo_conf()'s.  NULL if nworlds is out of
 * range.  Free with conf_free().
 */
struct conf	*sim_demo_worlds_conf(int nworlds);
/*
 * Where world k of n starts in sc's cycle: k * cycle / n (0 for k 0, or
 * a scenario that does not replay).  A pure function of its arguments.
 */
int64_t		 sim_world_phase(const struct sim_scenario *, int k, int n);

/*
 * Make s a simulator source playing scenario (NULL: the demo; borrowed,
 * it must outlive s) from wall-clock time start_ms.  Kind "sim".
 */
void		 sim_source_init(struct source *,
		     const struct sim_scenario *, int64_t start_ms);
/* Play the timeline speed times faster than the clock (default 1). */
void		 sim_source_set_speed(struct source *, double speed);
/*
 * Start phase_ms into the scenario's cycle (a context's sim_phase_ms:
 * another world of `--worlds`); 0 (the default) starts at open_ms.
 */
void		 sim_source_set_phase(struct source *, int64_t phase_ms);
/* Where the timeline stands at wall-clock now_ms. */
int64_t		 sim_source_position(const struct source *, int64_t now_ms);

/*
 * The log of container (NULL: the pod's one) of pod ns/name in the world
 * s (a simulator source) plays at wall-clock now_ms, answered as an API
 * server answers GET pods/NAME/log: the HTTP status, and *body (the
 * lines, or a Status JSON; allocated, *len bytes).  *containers (the
 * pod's, allocated) when the pod exists.  A pure function of the
 * scenario and the instant: a crash-looping container's current and
 * previous runs end with its error, an OOMKilled one's previous run says
 * so, a pod never restarted has no previous run (400, as Kubernetes).
 */
long		 sim_pod_log(const struct source *, int64_t now_ms,
		     const char *ns, const char *name, const char *container,
		     int previous, char **body, size_t *len,
		     char ***containers, size_t *ncontainers);
/* ------------------------------------------------------------------ */
/* What people do to the simulated cluster                            */
/* ------------------------------------------------------------------ */

/*
 * The world stays a pure function: of the scenario, the position on the
 * timeline, and the list of Kubernetes actions people did (restart, undo,
 * scale, delete-pod), each recorded with the position it happened at and
 * the play it happened in (backends/sim_actions.c keeps the list).
 *
 * A play is one run of the timeline: the source's start on the clock and
 * the replay (cycle) number.  A round applies the actions of its own play
 * done at or before its position, in order, over the scenario's own
 * rollout and rollback; a replay, a new source (another context) or an
 * earlier moment (`--at`) sees the world without the later ones, as the
 * world's history starts again then.
 *
 * Each service's history is a list of steps: the scenario's rollout and
 * rollback and the actions, by position.  A rollout step (rollout, undo,
 * restart) replaces the pods one at a time, SIM_POD_STEP_MS apart, each
 * old pod going when its replacement is ready; undo brings a template
 * back as a new revision, restart brings new pods of the same template
 * (and ReplicaSet: the simulator keeps one per image), scale adds or
 * removes pods at once, delete-pod replaces one pod at once with a new
 * one of the same template.  A pod fault belongs to a template: every
 * pod of that template and replica has it (a new pod from its start),
 * pods of other templates never.
 *
 * The user's rollback.  When an undo brings back the template the
 * scenario's own rollback would, before that rollback, the scenario's
 * rollback no longer happens and the service's story is played from the
 * user's rollback on: its alerts and probe faults that began after the
 * rollout and end after the scripted rollback, and its SLOs' error curves,
 * are shifted by (scripted rollback - user rollback): an alert that was
 * firing ends that much earlier, one that had not begun never begins, and
 * an error curve goes straight from its value at the user's rollback to
 * its first point after the scripted one, shifted.  So the crash loop,
 * the failing probe and the burn go away minutes after the operator's
 * rollback, as they did after the scenario's.
 */

/*
 * Where a scenario is played from (a source's clock): at start_ms the
 * timeline stands phase_ms past open_ms (in the cycle, if it replays).
 */
struct sim_timeline {
	const struct sim_scenario	*sc;
	int64_t				 start_ms;	/* wall clock */
	double				 speed;
	int64_t				 phase_ms;	/* 0: at open_ms */
};
/* The position at now_ms; *cycle (if not NULL) the replay's number. */
int64_t		 sim_timeline_position(const struct sim_timeline *,
		     int64_t now_ms, int64_t *cycle);

/* A Kubernetes action done to the simulated world. */
struct sim_op {
	int		 kind;		/* enum action_kind, RESTART..DELETE_POD */
	int		 service;	/* index in the scenario's services */
	int		 tmpl;		/* undo: the template brought back */
	int		 replicas;	/* scale */
	char		*pod;		/* delete-pod */
	int64_t		 play;		/* the timeline's start_ms */
	int64_t		 cycle;		/* its replay */
	int64_t		 at_ms;		/* position */
};

/*
 * What the simulated API server says of an action: status is an enum
 * action_status; message, diff and before as in struct action_kube_result
 * (allocated; diff and before may be NULL).
 */
struct sim_verdict {
	int		 status;
	char		*message;
	char		*diff;
	char		*before;
	int64_t		 revision;
	int		 noop;
};
void		 sim_verdict_done(struct sim_verdict *);

/*
 * Check req against the world of tl at now_ms after ops (nops of them):
 * fill *v, and when it would change the world, *op (0; its pod allocated,
 * free it with sim_op_done()); -1 when nothing is to be recorded (refused,
 * noop, or the dry run's verdict only).
 */
int		 sim_kube_check(const struct sim_timeline *,
		     const struct sim_op *ops, size_t nops, int64_t now_ms,
		     const struct action_kube *req, struct sim_op *op,
		     struct sim_verdict *v);
void		 sim_op_done(struct sim_op *);

/*
 * Deployment ns/name's rollout in the world of tl at now_ms after ops, as
 * `kubectl rollout status` reads it; out->message is allocated in *msg
 * (free it).
 */
void		 sim_kube_rollout(const struct sim_timeline *,
		     const struct sim_op *ops, size_t nops, int64_t now_ms,
		     const char *ns, const char *name,
		     struct action_rollout *out, char **msg);

#endif
