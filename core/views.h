/*
 * views.h: what the console knows, computed once from the cache.
 *
 * A view is a snapshot of everything a panel or an export shows: sources
 * and their age, services with a status and the reasons in words, SLOs
 * with their burn rates and verdict, incidents (firing alerts grouped by a
 * key) and the alerts themselves, and the overall status.  The console and
 * every export read the same struct, so they never disagree.
 *
 * Strings here come from outside and are NOT sanitised for any output:
 * valid UTF-8 only.  Every renderer escapes for its own format.
 */
#ifndef SITREP_VIEWS_H
#define SITREP_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/slo.h"

struct cache;
struct conf;
struct conf_context;

/*
 * Ordered: a worse status compares greater, except UNKNOWN.  Services are
 * listed worst first: CRITICAL, WARNING, UNKNOWN (what cannot be seen),
 * then OK; by name within a status.
 */
enum view_status {
	VIEW_OK,
	VIEW_WARNING,
	VIEW_CRITICAL,
	VIEW_UNKNOWN
};

enum view_severity {
	SEV_NONE,
	SEV_INFO,
	SEV_WARNING,
	SEV_ERROR,
	SEV_CRITICAL
};

struct view_source {
	char		*name;		/* "prometheus" */
	char		*kind;
	int		 ok;		/* last attempt succeeded */
	int		 stale;		/* no success within 3x refresh */
	int		 never;		/* never succeeded */
	int64_t		 last_success_ms;	/* 0: never */
	int64_t		 last_attempt_ms;
	int64_t		 age_ms;	/* now - last success; -1 never */
	int64_t		 latency_ms;
	int64_t		 items;
	char		*error;		/* last error, or NULL */
	char		*warning;	/* what the last round warned of */
};

struct view_service {
	char		 *name;
	enum view_status  status;
	char		**reasons;	/* in words: "2/3 ready" */
	size_t		  nreasons;
	int		  ready, desired;	/* workloads, summed; -1 n/a */
	char		**deployments;	/* "ns/name" */
	size_t		  ndeployments;
	char		**workloads;	/* "Kind ns/name", every kind */
	size_t		  nworkloads;
};

struct view_slo {
	char		*name;
	char		*service;
	double		 objective;		/* percent */
	int64_t		 period_ms;
	double		 ratio[SLO_NWINDOWS];	/* NaN: no data */
	double		 burn[SLO_NWINDOWS];	/* NaN: no data */
	double		 budget_remaining;	/* fraction; NaN no data */
	int64_t		 exhaustion_s;		/* -1: none / no data */
	enum slo_verdict verdict;
	int		 budget_warning;	/* consumed past warn */
	int		 budget_critical;	/* consumed past crit */
	int64_t		 evaluated_ms;		/* when the ratios are from */
	double		*spark;			/* 1h burn, oldest first */
	int64_t		*spark_ts;
	size_t		 nspark;
};

struct view_alert {
	char		*fingerprint;
	char		*alertname;
	enum view_severity severity;
	char		*severity_label;	/* as labelled, or NULL */
	char		*state;			/* active, suppressed ... */
	int		 silenced;
	int		 inhibited;
	char		*labels;		/* JSON object text */
	char		*annotations;		/* JSON object text */
	int64_t		 starts_at_ms;
	int64_t		 updated_at_ms;		/* last sent; 0 unknown */
	char		*generator_url;
	char		*summary;		/* annotation, or NULL */
	char		*runbook_url;		/* annotation, or NULL */
	int		 heartbeat;		/* fires on purpose */
	size_t		 incident;		/* index in incidents, or
						   VIEW_NO_INCIDENT */
};

#define VIEW_NO_INCIDENT	((size_t)-1)

/*
 * Who is on call, or whom an escalation level reaches (oncall:, see
 * core/oncall.h), copied from the configuration at the views' time.
 */
struct view_oncall {
	char		*name;		/* NULL: nobody, or not configured */
	char		*contact;	/* NULL: none given */
	int64_t		 until_ms;	/* the shift's end (before the
					   first: its start); 0: none */
};

struct view_incident {
	char		 *id;			/* short, stable, as cached */
	char		 *key;			/* group key values */
	char		 *title;
	enum view_severity severity;
	char		 *state;		/* "triggered" ... as cached */
	int		  priority;		/* 0..3: P0..P3 */
	char		 *recurrence_of;	/* the id it recurs, or NULL */
	int64_t		  started_ms;		/* its start, as cached */
	char		 *ack_by;		/* who acknowledged, or NULL */
	int64_t		  ack_until_ms;		/* when the ack ends; 0 */
	int		  ack_local;		/* only in this cache */
	char		 *ack_reason;		/* why local, or NULL */
	size_t		  esc_level;		/* escalation levels reached */
	size_t		  esc_levels;		/* of its policy; 0: none */
	char		 *esc_who;		/* who the level reaches */
	char		 *esc_next_who;		/* the next level, or NULL */
	int64_t		  esc_next_in_ms;	/* -1: none, or paused */
	struct view_oncall esc_reach;		/* whom esc_who reaches */
	struct view_oncall esc_next_reach;	/* esc_next_who, then */
	size_t		 *alerts;		/* indexes in alerts */
	size_t		  nalerts;
	int		  silenced;		/* every alert silenced */
	int		  inhibited;		/* every alert inhibited */
	char		 *runbook_url;
	char		 *summary;
	char		**services;
	size_t		  nservices;
};

/*
 * The alert pipeline, heard through its heartbeats: alerts that fire on
 * purpose (Watchdog, InfoInhibitor; incidents.heartbeats) to prove that
 * rules are evaluated and reach Alertmanager.  They are never incidents;
 * when none has been heard for incidents.heartbeat_timeout the silence is
 * an incident of its own (a dead man's switch).  When Alertmanager itself
 * has no fresh data, nothing can be said: UNKNOWN, not SILENT.
 */
enum view_pipeline_state {
	PIPELINE_UNWATCHED,	/* no Alertmanager, or no heartbeat names */
	PIPELINE_OK,		/* a heartbeat was heard lately */
	PIPELINE_SILENT,	/* none heard within the timeout */
	PIPELINE_UNKNOWN	/* Alertmanager has no fresh data */
};

struct view_pipeline {
	enum view_pipeline_state state;
	char		*heartbeat;	/* the alert heard last, or NULL */
	int64_t		 heard_ms;	/* its last update; 0: none listed */
	int64_t		 silent_ms;	/* now - heard_ms; -1: none listed */
	int64_t		 timeout_ms;	/* silent beyond this */
	char		*names;		/* the heartbeat names, "A, B" */
};

/* A drill's run (core/drill_run.h): name NULL when the cache is not. */
struct view_drill {
	char		*name;		/* drill.name */
	char		*run;		/* drill.run */
	int64_t		 started_ms;
	int64_t		 ended_ms;	/* 0: still running */
	int64_t		 hints;
};

struct views {
	char			*context;
	int64_t			 generated_ms;
	enum view_status	 status;
	char			*status_reason;	/* why, one line */
	struct view_source	*sources;
	size_t			 nsources;
	struct view_service	*services;
	size_t			 nservices;
	struct view_slo		*slos;
	size_t			 nslos;
	struct view_incident	*incidents;	/* worst first */
	size_t			 nincidents;
	struct view_alert	*alerts;
	size_t			 nalerts;
	int			 any_fresh;	/* some source is fresh */
	struct slo_policy	 policy;
	struct view_pipeline	 pipeline;
	struct view_oncall	 oncall;	/* until_ms 0: no rotation */
	struct view_drill	 drill;		/* the cache is a drill's run */
};

/*
 * Build the views of ctx from the cache at now_ms.  NULL and *cause if
 * the cache cannot be read.  The caller frees with views_free().
 */
struct views	*views_build(struct cache *, const struct conf *,
		     const struct conf_context *, int64_t now_ms,
		     char **cause);
void		 views_free(struct views *);

/*
 * What one build read, kept for the next: a build with a memo reads again
 * only the tables whose change counters (core/cache_schema.c, version 11)
 * moved since the memo was filled, and gives the same views as
 * views_build() (tests/unit/test_views_memo.c checks it over random
 * rounds).  One memo serves one cache, configuration and context; it is
 * dropped and filled again when any of them changes, or when the cache
 * cannot say what changed (an older schema read-only).
 */
struct views_memo;

struct views_memo *views_memo_new(void);
void		 views_memo_free(struct views_memo *);
struct views	*views_build_memo(struct views_memo *, struct cache *,
		     const struct conf *, const struct conf_context *,
		     int64_t now_ms, char **cause);
/* Parts the last build reused (VIEWS_MEMO_*, a bit each), for tests. */
#define VIEWS_MEMO_NODES	0x01
#define VIEWS_MEMO_KUBE		0x02
#define VIEWS_MEMO_TARGETS	0x04
#define VIEWS_MEMO_PROBES	0x08
#define VIEWS_MEMO_ALERTS	0x10
#define VIEWS_MEMO_SLOS		0x20
unsigned	 views_memo_reused(const struct views_memo *);

/* Aliases of vocab_status_word, _symbol, vocab_severity_word (core/vocab.h). */
enum view_severity view_severity_parse(const char *);
/* The source of a kind, or NULL. */
const struct view_source *views_source(const struct views *,
		     const char *name);

#endif
