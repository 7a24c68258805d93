/*
 * drill.h: incident drill files, read and checked.
 *
 * A drill is a game day on the simulator: a starting world (nodes,
 * services, SLOs with their error-ratio curves), a timeline of injected
 * faults (a bad rollout, an error-rate ramp, a crash loop, node memory
 * pressure, a failing probe, an alert firing, an alert such as the
 * Watchdog stopping, an Alertmanager member down), and the expected response kept for scoring (what to
 * acknowledge, what mitigates, what is harmful, when the drill ends).
 * docs/DRILLS.md describes the file.
 *
 * The loaded form mirrors the simulator's tables (backends/sim.h) one to
 * one, each timeline entry already placed in its table, so building the
 * scenario (backends/sim_file.c) is a plain copy with no decisions left;
 * every reference (a service, node, SLO or alert named) is resolved to an
 * index when the file is read.  Times are milliseconds relative to the
 * scenario's origin, as the simulator's.
 *
 * Every problem of a file is collected, each "FILE:LINE:COL: message"
 * saying what to write instead, and a file with any problem gives no
 * drill.
 */
#ifndef SITREP_DRILL_H
#define SITREP_DRILL_H

#include <stddef.h>
#include <stdint.h>

struct conf_kv;
struct conf_problems;

/* Largest drill file read. */
#define DRILL_MAX_FILE		(256 * 1024)
/* What lasts "forever" on a drill's timeline (no `for:`): 30 days. */
#define DRILL_FOREVER_MS	(30LL * 86400 * 1000)

struct drill_node {
	char		*name;
	char		*zone;
	char		*pressure;	/* condition type, or NULL */
	int64_t		 pressure_from_ms;
	int64_t		 pressure_until_ms;
};

struct drill_service {
	char		*name;
	char		*namespace;
	int		 replicas;
	int		 revision;
	char		*image;
	char		*previous_image;
	int		 port;
	int		 first_node;	/* index in nodes */
	int		 probe;		/* has an HTTP probe */
	int		 statefulset;	/* else a deployment */
};

/* One point of an error-ratio curve. */
struct drill_point {
	int64_t		 at_ms;
	double		 ratio;
};

struct drill_slo {
	char			*name;
	int			 service;	/* index in services */
	double			 objective;	/* percent */
	char			*description;	/* or NULL */
	char			*error_query;	/* PromQL with {{.window}} */
	char			*total_query;
	struct drill_point	*curve;		/* by time, the file's and
						   the timeline's points */
	size_t			 ncurve;
	double			 noise;
};

/* A rollout; rollback_ms 0: nobody rolls it back but the operator. */
struct drill_rollout {
	int		 service;
	int64_t		 at_ms;
	char		*image;
	int64_t		 rollback_ms;
};

/* A crash loop (sim_fault). */
struct drill_fault {
	int		 service;
	int		 replica;
	char		*reason;
	char		*message;	/* or NULL */
	int64_t		 from_ms;
	int64_t		 until_ms;
	int64_t		 restart_every_ms;
	int64_t		 down_ms;
};

/* A failing probe (sim_probe_fault). */
struct drill_probe_fault {
	int		 service;
	int64_t		 from_ms;
	int64_t		 until_ms;
	int		 status;
	int64_t		 latency_ms;
	char		*excerpt;	/* or NULL */
};

/* An alert (sim_alert); labels "name=value,name=value" or NULL. */
struct drill_alert {
	char		*alertname;
	char		*severity;
	int		 service;	/* index, or -1 */
	char		*labels;
	int64_t		 from_ms;
	int64_t		 until_ms;
	char		*summary;
	char		*description;	/* or NULL */
	char		*runbook;	/* or NULL */
};

/* An Alertmanager member that does not answer (sim_am_outage). */
struct drill_am_outage {
	int		 member;	/* index in alertmanagers */
	int64_t		 from_ms;
	int64_t		 until_ms;
};

/* What a timeline entry injects. */
enum drill_event_kind {
	DRILL_EV_ROLLOUT,	/* a rollout (bad revision) */
	DRILL_EV_ERROR_RATIO,	/* a segment of an SLO's error curve */
	DRILL_EV_CRASH_LOOP,	/* a pod fault */
	DRILL_EV_NODE_PRESSURE,	/* a node condition */
	DRILL_EV_PROBE_FAILS,	/* a probe fault */
	DRILL_EV_ALERT,		/* an alert fires */
	DRILL_EV_ALERT_STOPS,	/* alerts of a name stop (the Watchdog) */
	DRILL_EV_ALERTMANAGER_DOWN /* an Alertmanager member does not answer */
};

/* A timeline entry, in file order; index is in the kind's table. */
struct drill_event {
	enum drill_event_kind	 kind;
	int64_t			 at_ms;
	size_t			 index;	/* ALERT_STOPS: its first alert */
	int			 line;
};

/* What an operator may do, as the scoring sees it. */
enum drill_action {
	DRILL_UNDO,
	DRILL_RESTART,
	DRILL_SCALE,
	DRILL_DELETE_POD,
	DRILL_SILENCE
};

/*
 * An action pattern.  Kubernetes actions: target service (index) and
 * replicas (scale; -1 any).  Silence: the alerts it must cover, by
 * alertname and/or severity and labels (all that are given), and
 * longer_than_ms (0: any length).
 */
struct drill_match {
	enum drill_action	 action;
	int			 service;	/* -1 for silence */
	int			 replicas;
	char			*alertname;	/* or NULL */
	char			*severity;	/* or NULL */
	struct conf_kv		*labels;
	size_t			 nlabels;
	int64_t			 longer_than_ms;
	char			*why;		/* or NULL */
	int			 line;
};

/* An incident to acknowledge: one with an alert of these labels. */
struct drill_ack {
	char		*alertname;
	struct conf_kv	*labels;
	size_t		 nlabels;
	int		 line;
};

/* When the drill is over. */
enum drill_end_kind {
	DRILL_END_AFTER,	/* after_ms after the start */
	DRILL_END_SLO		/* SLO slo's burn over window below burn */
};

struct drill_end {
	enum drill_end_kind	 kind;
	int64_t			 after_ms;
	int			 slo;		/* index in slos */
	double			 burn_below;
	int64_t			 window_ms;
};

/* A loaded drill; every table owns its items. */
struct drill {
	char			*name;
	char			*description;
	char			*file;		/* as problems name it */
	char			*cluster;
	uint64_t		 seed;
	int64_t			 start_ms;	/* where the play opens */
	int64_t			 limit_ms;	/* how long it may last */

	struct drill_node	*nodes;
	size_t			 nnodes;
	struct drill_service	*services;
	size_t			 nservices;
	struct drill_slo	*slos;
	size_t			 nslos;
	struct drill_rollout	*rollouts;
	size_t			 nrollouts;
	struct drill_fault	*faults;
	size_t			 nfaults;
	struct drill_probe_fault *probe_faults;
	size_t			 nprobe_faults;
	struct drill_alert	*alerts;
	size_t			 nalerts;
	char			**alertmanagers; /* member names; none: one */
	size_t			 nalertmanagers;
	struct drill_am_outage	*am_outages;
	size_t			 nam_outages;
	struct drill_event	*events;
	size_t			 nevents;

	struct drill_ack	*acks;
	size_t			 nacks;
	struct drill_match	*mitigate;	/* any one of them mitigates */
	size_t			 nmitigate;
	struct drill_match	*harmful;
	size_t			 nharmful;
	struct drill_end	 end;
};

/*
 * Read a drill from a file or from memory (name: what problems call it).
 * NULL after appending every problem to problems (drill_load_text and
 * drill_load_builtin take NULL: not told).  drill_free() it.
 */
struct drill	*drill_load_file(const char *path, struct conf_problems *);
struct drill	*drill_load_text(const char *name, const char *data,
		     size_t len, struct conf_problems *);
/* Free a drill; NULL is fine. */
void		 drill_free(struct drill *);

/* The action's word in files: "undo", "restart" ... */
const char	*drill_action_name(enum drill_action);

/*
 * The drills shipped in the drills folder, compiled in (core/drill_gen.sh
 * writes core/drill_builtin.c at build time); ended by a NULL name.
 */
struct drill_builtin {
	const char	*name;		/* the file's name without .yaml */
	const char	*text;
};
extern const struct drill_builtin drill_builtins[];

/* Shipped drill name, read as "drills/NAME.yaml"; NULL if none. */
struct drill	*drill_load_builtin(const char *name, struct conf_problems *);

#endif
