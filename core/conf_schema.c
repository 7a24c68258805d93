/*
 * conf_schema.c: the configuration schema table and the document made
 * from it.
 *
 * One row per key, in the order the documentation shows them.  The loader
 * in conf.c walks YAML against these rows (types, ranges, required keys,
 * defaults), conf_free() releases memory by walking them, and
 * conf_write_docs() prints docs/CONFIG.md from them.  Adding a key is
 * adding a row here and, if it needs somewhere to live, a field in conf.h.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/out.h"
#include "core/conf.h"
#include "core/conf_schema.h"
#include "base/util.h"

#define MS_S	1000.0
#define MS_M	(60 * MS_S)
#define MS_H	(60 * MS_M)
#define MS_D	(24 * MS_H)

/*
 * The keys of an HTTP endpoint, the same for Prometheus and for each
 * Alertmanager; P is the endpoint's path.
 */
#define CONF_ENDPOINT(P, WHAT)						\
	{ .path = P ".url", .type = CONF_URL, .flags = CONF_REQUIRED,	\
	  .help = "Base URL of the " WHAT " HTTP API, http:// or "	\
	    "https://.",						\
	  .off = offsetof(struct conf_endpoint, url) },			\
	{ .path = P ".bearer_token", .type = CONF_SECRET,		\
	  .help = "Token sent as \"Authorization: Bearer\". Write it as "	\
	    "${VARIABLE} rather than in the file. Never printed.",	\
	  .off = offsetof(struct conf_endpoint, bearer_token),		\
	  .conflicts = "basic_auth bearer_token_file" },		\
	{ .path = P ".bearer_token_file", .type = CONF_PATH,		\
	  .help = "File holding the bearer token, read again on every "	\
	    "request so a rotated token is picked up.",			\
	  .off = offsetof(struct conf_endpoint, bearer_token_file),	\
	  .conflicts = "basic_auth" },					\
	{ .path = P ".basic_auth", .type = CONF_MAP,			\
	  .help = "HTTP basic authentication; not with a bearer token.",	\
	  .off = 0 },							\
	{ .path = P ".basic_auth.username", .type = CONF_STRING,	\
	  .flags = CONF_REQUIRED, .help = "User name.",			\
	  .off = offsetof(struct conf_endpoint, username) },		\
	{ .path = P ".basic_auth.password", .type = CONF_SECRET,	\
	  .help = "Password; write it as ${VARIABLE}. Never printed.",	\
	  .off = offsetof(struct conf_endpoint, password) },		\
	{ .path = P ".headers", .type = CONF_STRMAP,			\
	  .flags = CONF_HEADER,						\
	  .help = "Extra HTTP headers sent with every request, such as "	\
	    "X-Scope-OrgID for a multi-tenant Mimir, Cortex or Thanos.",	\
	  .off = offsetof(struct conf_endpoint, headers),		\
	  .noff = offsetof(struct conf_endpoint, nheaders) },		\
	{ .path = P ".tls", .type = CONF_MAP,				\
	  .help = "TLS settings for https:// URLs.",			\
	  .off = offsetof(struct conf_endpoint, tls) },			\
	{ .path = P ".tls.ca_file", .type = CONF_PATH,			\
	  .help = "PEM file of certificate authorities to trust instead "	\
	    "of the system ones.",					\
	  .off = offsetof(struct conf_tls, ca_file) },			\
	{ .path = P ".tls.cert_file", .type = CONF_PATH,		\
	  .help = "PEM client certificate, for mutual TLS.",		\
	  .off = offsetof(struct conf_tls, cert_file),			\
	  .requires = "key_file" },					\
	{ .path = P ".tls.key_file", .type = CONF_PATH,			\
	  .help = "PEM private key of the client certificate.",		\
	  .off = offsetof(struct conf_tls, key_file),			\
	  .requires = "cert_file" },					\
	{ .path = P ".tls.insecure_skip_verify", .type = CONF_BOOL,	\
	  .def = "false",						\
	  .help = "Do not verify the server certificate. Only for tests."	\
	  , .off = offsetof(struct conf_tls, insecure_skip_verify) },	\
	{ .path = P ".timeout", .type = CONF_DURATION, .def = "10s",	\
	  .min = 100, .max = 10 * MS_M, .flags = CONF_RANGE,		\
	  .help = "How long one request may take before the source is "	\
	    "marked stale.",						\
	  .off = offsetof(struct conf_endpoint, timeout_ms) }

/* The SLO keys shared by slos: and the slos of a Sloth file. */
#define CONF_SLO(P, FLAGS)						\
	{ .path = P ".name", .type = CONF_STRING,			\
	  .flags = CONF_REQUIRED|CONF_UNIQUE_ALL|(FLAGS),		\
	  .help = "Name of the SLO, unique across the configuration and "	\
	    "every SLO file.",						\
	  .off = offsetof(struct conf_slo, name) },			\
	{ .path = P ".objective", .type = CONF_NUMBER,			\
	  .min = 0, .max = 100,						\
	  .flags = CONF_REQUIRED|CONF_RANGE|CONF_EXCL_MIN|CONF_EXCL_MAX|	\
	    (FLAGS),							\
	  .help = "Target, in percent of good events: 99.9 leaves an "	\
	    "error budget of 0.1%.",					\
	  .off = offsetof(struct conf_slo, objective) },		\
	{ .path = P ".description", .type = CONF_STRING, .flags = (FLAGS),\
	  .help = "What the SLO promises, shown beside it.",		\
	  .off = offsetof(struct conf_slo, description) },		\
	{ .path = P ".sli", .type = CONF_MAP,				\
	  .flags = CONF_REQUIRED|CONF_ONE_CHILD|(FLAGS),		\
	  .help = "How to measure it: either events or raw.",		\
	  .off = 0 },							\
	{ .path = P ".sli.events", .type = CONF_MAP, .flags = (FLAGS),	\
	  .help = "Two queries, bad events and all events; the error "	\
	    "ratio is their quotient.",					\
	  .off = 0, .conflicts = "raw" },				\
	{ .path = P ".sli.events.error_query", .type = CONF_STRING,	\
	  .flags = CONF_REQUIRED|(FLAGS),				\
	  .help = "PromQL rate of bad events; {{.window}} is replaced "	\
	    "by the window, such as 5m.",				\
	  .off = offsetof(struct conf_slo, error_query) },		\
	{ .path = P ".sli.events.total_query", .type = CONF_STRING,	\
	  .flags = CONF_REQUIRED|(FLAGS),				\
	  .help = "PromQL rate of all events, with {{.window}}.",	\
	  .off = offsetof(struct conf_slo, total_query) },		\
	{ .path = P ".sli.raw", .type = CONF_MAP, .flags = (FLAGS),	\
	  .help = "One query that is already an error ratio.",		\
	  .off = 0 },							\
	{ .path = P ".sli.raw.error_ratio_query", .type = CONF_STRING,	\
	  .flags = CONF_REQUIRED|(FLAGS),				\
	  .help = "PromQL error ratio between 0 and 1, with {{.window}}.",	\
	  .off = offsetof(struct conf_slo, error_ratio_query) }

const struct conf_option conf_schema[] = {
	/* The configuration file. */
	{ .path = "theme", .type = CONF_STRING, .def = "default",
	  .help = "Colour theme: default, light, high-contrast, "
	    "colour-blind or mono.",
	  .off = offsetof(struct conf, theme) },

	{ .path = "contexts", .type = CONF_LIST,
	  .help = "One entry per environment. --context NAME picks one; "
	    "without it the first is used.",
	  .off = offsetof(struct conf, contexts),
	  .noff = offsetof(struct conf, ncontexts),
	  .size = sizeof (struct conf_context),
	  .lineoff = offsetof(struct conf_context, line) },
	{ .path = "contexts[].name", .type = CONF_STRING,
	  .flags = CONF_REQUIRED|CONF_UNIQUE,
	  .help = "Name of the context, unique.",
	  .off = offsetof(struct conf_context, name) },
	{ .path = "contexts[].refresh", .type = CONF_DURATION, .def = "15s",
	  .min = 500, .max = 1 * MS_H, .flags = CONF_RANGE,
	  .help = "How often every source is polled.",
	  .off = offsetof(struct conf_context, refresh_ms) },
	{ .path = "contexts[].readonly", .type = CONF_BOOL, .def = "false",
	  .help = "Never act in this context: no acknowledgement, note, "
	    "silence or expiry, from the console or the command line. "
	    "sitrep builds no action gate for it, so nothing can write; "
	    "the console shows read-only in its header and says why when "
	    "an acting key is pressed, and a refused command exits 1 and "
	    "leaves a \"refused\" row in the audit log. The --readonly "
	    "option does the same for every context of one run.",
	  .off = offsetof(struct conf_context, readonly) },
	{ .path = "contexts[].protected", .type = CONF_BOOL, .def = "false",
	  .help = "A context where a mistake is costly (production): every "
	    "action's preview carries a red PROTECTED banner and is "
	    "confirmed by typing the object's name (the deployment, the "
	    "pod) rather than y; `sitrep action` needs --confirm NAME.",
	  .off = offsetof(struct conf_context, protected_ctx) },
	{ .path = "contexts[].prometheus", .type = CONF_MAP,
	  .flags = CONF_ALLOC,
	  .help = "The Prometheus (or Thanos, Mimir, Cortex, "
	    "VictoriaMetrics) query API.",
	  .off = offsetof(struct conf_context, prometheus),
	  .size = sizeof (struct conf_endpoint),
	  .lineoff = offsetof(struct conf_endpoint, line) },
	CONF_ENDPOINT("contexts[].prometheus", "Prometheus"),
	{ .path = "contexts[].alertmanagers", .type = CONF_LIST,
	  .help = "One or more Alertmanagers; the alerts of an HA cluster "
	    "are merged by fingerprint.",
	  .off = offsetof(struct conf_context, alertmanagers),
	  .noff = offsetof(struct conf_context, nalertmanagers),
	  .size = sizeof (struct conf_endpoint),
	  .lineoff = offsetof(struct conf_endpoint, line) },
	CONF_ENDPOINT("contexts[].alertmanagers[]", "Alertmanager"),
	{ .path = "contexts[].kubernetes", .type = CONF_MAP,
	  .flags = CONF_ALLOC,
	  .help = "The Kubernetes cluster, through a kubeconfig.",
	  .off = offsetof(struct conf_context, kubernetes),
	  .size = sizeof (struct conf_kube),
	  .lineoff = offsetof(struct conf_kube, line) },
	{ .path = "contexts[].kubernetes.kubeconfig", .type = CONF_PATH,
	  .help = "Kubeconfig file; the --kubeconfig option wins over it. "
	    "Unset: the files in $KUBECONFIG, then ~/.kube/config, then "
	    "the in-cluster service account.",
	  .off = offsetof(struct conf_kube, kubeconfig) },
	{ .path = "contexts[].kubernetes.context", .type = CONF_STRING,
	  .help = "Kubeconfig context to use. Unset: its current-context.",
	  .off = offsetof(struct conf_kube, context) },
	{ .path = "contexts[].kubernetes.namespaces", .type = CONF_STRLIST,
	  .help = "Namespaces to watch. Unset: all of them.",
	  .off = offsetof(struct conf_kube, namespaces),
	  .noff = offsetof(struct conf_kube, nnamespaces) },
	{ .path = "contexts[].kubernetes.label_selector", .type = CONF_STRING,
	  .help = "A label selector (\"app=shop,tier!=test\") for the "
	    "deployments, replica sets, stateful sets, daemon sets and pods "
	    "read: sent to the API server with every list and watch, so "
	    "only those objects are sent. Events, nodes and namespaces are "
	    "read whole. Unset: every object.",
	  .off = offsetof(struct conf_kube, label_selector) },
	{ .path = "contexts[].kubernetes.timeout", .type = CONF_DURATION,
	  .def = "30s", .min = 100, .max = 10 * MS_M, .flags = CONF_RANGE,
	  .help = "How long one request to the API server may take, and "
	    "the longest a round of lists may take before it fails.",
	  .off = offsetof(struct conf_kube, timeout_ms) },
	{ .path = "contexts[].probes", .type = CONF_LIST,
	  .help = "Plain HTTP health checks.",
	  .off = offsetof(struct conf_context, probes),
	  .noff = offsetof(struct conf_context, nprobes),
	  .size = sizeof (struct conf_probe),
	  .lineoff = offsetof(struct conf_probe, line) },
	{ .path = "contexts[].probes[].name", .type = CONF_STRING,
	  .flags = CONF_REQUIRED|CONF_UNIQUE,
	  .help = "Name of the probe, unique in its context.",
	  .off = offsetof(struct conf_probe, name) },
	{ .path = "contexts[].probes[].url", .type = CONF_URL,
	  .flags = CONF_REQUIRED,
	  .help = "URL to GET.",
	  .off = offsetof(struct conf_probe, url) },
	{ .path = "contexts[].probes[].expect_status", .type = CONF_INT,
	  .def = "200", .min = 100, .max = 599, .flags = CONF_RANGE,
	  .help = "HTTP status that means healthy.",
	  .off = offsetof(struct conf_probe, expect_status) },
	{ .path = "contexts[].probes[].timeout", .type = CONF_DURATION,
	  .def = "2s", .min = 100, .max = 5 * MS_M, .flags = CONF_RANGE,
	  .help = "How long the probe may take before it fails.",
	  .off = offsetof(struct conf_probe, timeout_ms) },
	{ .path = "contexts[].probes[].service", .type = CONF_STRING,
	  .flags = CONF_SERVICE,
	  .help = "Service the probe belongs to, from services.",
	  .off = offsetof(struct conf_probe, service) },

	{ .path = "services", .type = CONF_LIST,
	  .help = "The services shown in the Health panel, and what "
	    "belongs to each.",
	  .off = offsetof(struct conf, services),
	  .noff = offsetof(struct conf, nservices),
	  .size = sizeof (struct conf_service),
	  .lineoff = offsetof(struct conf_service, line) },
	{ .path = "services[].name", .type = CONF_STRING,
	  .flags = CONF_REQUIRED|CONF_UNIQUE,
	  .help = "Name of the service, unique.",
	  .off = offsetof(struct conf_service, name) },
	{ .path = "services[].match", .type = CONF_STRMAP,
	  .help = "Labels that alerts and series of this service carry; "
	    "deployment: NAME ties a Kubernetes deployment to it.",
	  .off = offsetof(struct conf_service, match),
	  .noff = offsetof(struct conf_service, nmatch) },

	{ .path = "slos", .type = CONF_LIST,
	  .help = "Service level objectives, with Sloth's field names.",
	  .off = offsetof(struct conf, slos),
	  .noff = offsetof(struct conf, nslos),
	  .size = sizeof (struct conf_slo),
	  .lineoff = offsetof(struct conf_slo, line) },
	CONF_SLO("slos[]", 0),
	{ .path = "slos[].service", .type = CONF_STRING,
	  .flags = CONF_SERVICE,
	  .help = "Service the SLO belongs to; must be one of services "
	    "when services are defined.",
	  .off = offsetof(struct conf_slo, service) },
	{ .path = "slos[].period", .type = CONF_DURATION, .def = "30d",
	  .min = 1 * MS_H, .max = 366 * MS_D, .flags = CONF_RANGE,
	  .help = "Window the error budget is counted over. SLOs from "
	    "slo_files use the default.",
	  .off = offsetof(struct conf_slo, period_ms) },
	{ .path = "slo_files", .type = CONF_PATHLIST,
	  .help = "Sloth prometheus/v1 SLO files, read as they are; paths "
	    "are relative to this file's folder. See below.",
	  .off = offsetof(struct conf, slo_files),
	  .noff = offsetof(struct conf, nslo_files) },

	{ .path = "runbooks", .type = CONF_PATHLIST,
	  .help = "Directories of runbook files (*.yaml, *.yml), read in "
	    "this order and each by file name; relative to this file's "
	    "folder. The first runbook that matches an alert is its "
	    "runbook. See docs/RUNBOOKS.md.",
	  .off = offsetof(struct conf, runbook_dirs),
	  .noff = offsetof(struct conf, nrunbook_dirs) },

	{ .path = "slo_alerting", .type = CONF_MAP,
	  .help = "Multi-window, multi-burn-rate thresholds (the Google "
	    "SRE workbook's) and error budget levels.",
	  .off = 0 },
	{ .path = "slo_alerting.page_fast_burn", .type = CONF_NUMBER,
	  .def = "14.4", .min = 0, .max = 10000,
	  .flags = CONF_RANGE|CONF_EXCL_MIN,
	  .help = "Page when the burn rate over 1h and 5m is above this.",
	  .off = offsetof(struct conf, burn_page_fast) },
	{ .path = "slo_alerting.page_slow_burn", .type = CONF_NUMBER,
	  .def = "6", .min = 0, .max = 10000,
	  .flags = CONF_RANGE|CONF_EXCL_MIN,
	  .help = "Page when the burn rate over 6h and 30m is above this.",
	  .off = offsetof(struct conf, burn_page_slow) },
	{ .path = "slo_alerting.ticket_fast_burn", .type = CONF_NUMBER,
	  .def = "3", .min = 0, .max = 10000,
	  .flags = CONF_RANGE|CONF_EXCL_MIN,
	  .help = "Ticket when the burn rate over 1d and 2h is above this.",
	  .off = offsetof(struct conf, burn_ticket_fast) },
	{ .path = "slo_alerting.ticket_slow_burn", .type = CONF_NUMBER,
	  .def = "1", .min = 0, .max = 10000,
	  .flags = CONF_RANGE|CONF_EXCL_MIN,
	  .help = "Ticket when the burn rate over 3d and 6h is above this.",
	  .off = offsetof(struct conf, burn_ticket_slow) },
	{ .path = "slo_alerting.budget_warning", .type = CONF_NUMBER,
	  .def = "50", .min = 0, .max = 100, .flags = CONF_RANGE,
	  .help = "Warn when this percentage of the error budget is spent.",
	  .off = offsetof(struct conf, budget_warn) },
	{ .path = "slo_alerting.budget_critical", .type = CONF_NUMBER,
	  .def = "80", .min = 0, .max = 100, .flags = CONF_RANGE,
	  .help = "Critical when this percentage of the error budget is "
	    "spent; above budget_warning.",
	  .off = offsetof(struct conf, budget_crit) },

	{ .path = "incidents", .type = CONF_MAP,
	  .help = "How firing alerts become incidents.",
	  .off = 0 },
	{ .path = "incidents.group_by", .type = CONF_STRLIST,
	  .def = "[alertname, namespace, service, cluster]",
	  .help = "Alerts with the same values of these labels are one "
	    "incident.",
	  .off = offsetof(struct conf, group_by),
	  .noff = offsetof(struct conf, ngroup_by) },
	{ .path = "incidents.heartbeats", .type = CONF_STRLIST,
	  .def = "[Watchdog, InfoInhibitor]",
	  .help = "Alerts that fire on purpose to prove the alert pipeline "
	    "works (a dead man's switch).  They are never incidents: while "
	    "one is heard the console shows \"alert pipeline: ok\"; when none "
	    "has been heard for heartbeat_timeout, the silence is a critical "
	    "incident.  An empty list turns this off.",
	  .off = offsetof(struct conf, heartbeats),
	  .noff = offsetof(struct conf, nheartbeats) },
	{ .path = "incidents.heartbeat_timeout", .type = CONF_DURATION,
	  .def = "5m", .min = 30 * MS_S, .max = 1 * MS_D, .flags = CONF_RANGE,
	  .help = "How long a heartbeat alert may go without an update "
	    "before the alert pipeline counts as silent.  While Alertmanager "
	    "itself has no fresh data the pipeline is unknown, not silent.",
	  .off = offsetof(struct conf, heartbeat_timeout_ms) },
	{ .path = "incidents.priorities", .type = CONF_STRMAP,
	  .help = "The priority of an alert's severity label, P0 (the most "
	    "urgent) to P3, over the built-in map: critical (and page, crit, "
	    "fatal, emergency) P0, error (high, major) P1, warning (warn, "
	    "ticket, medium, minor) P2, anything else P3.  Labels are "
	    "matched without regard to case; an incident takes the highest "
	    "priority of its alerts.",
	  .off = offsetof(struct conf, priorities),
	  .noff = offsetof(struct conf, npriorities) },
	{ .path = "incidents.resolve_after", .type = CONF_DURATION,
	  .def = "5m", .min = 0, .max = 1 * MS_D, .flags = CONF_RANGE,
	  .help = "An incident resolves when all its alerts have been "
	    "resolved this long; an alert of it firing again before that "
	    "keeps it open.  A firing after it is a new incident, a "
	    "recurrence of the old one.",
	  .off = offsetof(struct conf, resolve_after_ms) },
	{ .path = "incidents.ack_for", .type = CONF_DURATION,
	  .def = "15m", .min = 1 * MS_M, .max = 1 * MS_D, .flags = CONF_RANGE,
	  .help = "How long an acknowledgement lasts unless renewed: the "
	    "length of the Alertmanager silence that carries it (its "
	    "comment starts with ACK, so amtool and karma users see who is "
	    "on it).  Acknowledging again before it ends extends it.",
	  .off = offsetof(struct conf, ack_for_ms) },
	{ .path = "incidents.escalation", .type = CONF_STRMAP,
	  .help = "Who an unacknowledged incident should reach by now, per "
	    "priority: P0: \"0s automated response, 2m on-call engineer, "
	    "30m senior engineer, 1h engineering manager, 2h executive\" (the "
	    "built-in P0 policy; other priorities do not escalate unless "
	    "set here; none turns it off).  Each level is AGE WHO, ages increasing.  The clock "
	    "runs while the incident is triggered: an acknowledgement stops "
	    "it.  sitrep shows and records the level; it pages nobody.",
	  .off = offsetof(struct conf, escalation),
	  .noff = offsetof(struct conf, nescalation) },
	{ .path = "incidents.keep_resolved", .type = CONF_DURATION,
	  .def = "30d", .min = 1 * MS_H, .max = 366 * MS_D,
	  .flags = CONF_RANGE,
	  .help = "How long a resolved incident and its timeline stay in "
	    "the cache.",
	  .off = offsetof(struct conf, keep_resolved_ms) },

	{ .path = "silences", .type = CONF_MAP,
	  .help = "What the silences list (:silences) flags.",
	  .off = 0 },
	{ .path = "silences.max_duration", .type = CONF_DURATION,
	  .def = "7d", .min = 0, .max = 366 * MS_D, .flags = CONF_RANGE,
	  .help = "A silence longer than this, from start to end, is "
	    "flagged: a long silence hides the next real problem behind "
	    "the last one.  0s turns the flag off.",
	  .off = offsetof(struct conf, silence_max_ms) },

	{ .path = "actions", .type = CONF_MAP,
	  .help = "Guardrails of the actions on a cluster (restart, undo, "
	    "scale, delete-pod) and of runbook commands.  Every action "
	    "passes one gate: read-only, bounds, rate limit, RBAC "
	    "(SelfSubjectAccessReview), a server-side dry run, a preview, "
	    "a confirmation, then the write, followed to the end of the "
	    "rollout; each attempt is one row of the audit log.",
	  .off = 0 },
	{ .path = "actions.rate_limits", .type = CONF_STRMAP,
	  .help = "At most N of an action on one target per window, "
	    "written ACTION: N/WINDOW (restart: 5/5m) or ACTION: none.  "
	    "Counted from the audit log, so every console and script on "
	    "this cache counts.  Defaults: restart 5/5m, undo 3/10m, scale "
	    "10/5m, delete-pod 5/5m, command 10/5m.",
	  .off = offsetof(struct conf, rate_limits),
	  .noff = offsetof(struct conf, nrate_limits) },
	{ .path = "actions.scale_min", .type = CONF_INT, .def = "0",
	  .min = 0, .max = 100000, .flags = CONF_RANGE,
	  .help = "The fewest replicas a scale may ask for (1 keeps a "
	    "scale to zero from taking a service down).",
	  .off = offsetof(struct conf, scale_min) },
	{ .path = "actions.scale_max", .type = CONF_INT, .def = "50",
	  .min = 0, .max = 100000, .flags = CONF_RANGE,
	  .help = "The most replicas a scale may ask for; 0: no bound.",
	  .off = offsetof(struct conf, scale_max) },

	{ .path = "wallboard", .type = CONF_MAP,
	  .help = "The read-only board (`sitrep wallboard`): its pages, "
	    "rotation and burn-in care.  Its command line options win.",
	  .off = 0 },
	{ .path = "wallboard.panels", .type = CONF_STRLIST,
	  .def = "[overview, health, slo, incidents]",
	  .help = "The pages in order (--panel): overview (a tile per "
	    "context), then health, slo or incidents (one page per "
	    "context).",
	  .off = offsetof(struct conf, wb_panels),
	  .noff = offsetof(struct conf, nwb_panels) },
	{ .path = "wallboard.rotate", .type = CONF_DURATION, .def = "20s",
	  .min = 0, .max = 86400000, .flags = CONF_RANGE,
	  .help = "Turn to the next page this often (--rotate), so no "
	    "context stays on a page nobody turns to; 0s: only by hand.  At "
	    "least 1s when set.",
	  .off = offsetof(struct conf, wb_rotate_ms) },
	{ .path = "wallboard.shift", .type = CONF_DURATION, .def = "3m",
	  .min = 0, .max = 86400000, .flags = CONF_RANGE,
	  .help = "Against burn-in, move the whole board by one cell this "
	    "often (--shift); 0s keeps it still.",
	  .off = offsetof(struct conf, wb_shift_ms) },
	{ .path = "wallboard.filter", .type = CONF_STRING,
	  .help = "Show only the rows (and count only the incidents and "
	    "SLOs) whose text has this, as the console's / (--filter).",
	  .off = offsetof(struct conf, wb_filter) },

	{ .path = "oncall", .type = CONF_MAP,
	  .help = "Who is on call: people, a rotation and whom each "
	    "escalation level reaches.  The console's header shows \"on "
	    "call: alice until Mon 09:00\", the runbook panel whom an "
	    "unacknowledged incident's level reaches and who is next, and "
	    "every snapshot the on-call line.  sitrep pages nobody.  "
	    "Without this section nothing is shown.",
	  .off = 0 },
	{ .path = "oncall.people", .type = CONF_LIST, .flags = CONF_REQUIRED,
	  .help = "Everyone the rotation and the levels may name.",
	  .off = offsetof(struct conf, oncall_people),
	  .noff = offsetof(struct conf, noncall_people),
	  .size = sizeof (struct conf_person),
	  .lineoff = offsetof(struct conf_person, line) },
	{ .path = "oncall.people[].name", .type = CONF_STRING,
	  .flags = CONF_REQUIRED|CONF_UNIQUE,
	  .help = "The person's name, unique, at most 64 bytes; not "
	    "\"rotation\".",
	  .off = offsetof(struct conf_person, name) },
	{ .path = "oncall.people[].contact", .type = CONF_STRING,
	  .help = "How to reach them, free text shown as it is (made safe "
	    "for the terminal), at most 200 bytes: \"+1 555 0100, "
	    "@alice\".",
	  .off = offsetof(struct conf_person, contact) },
	{ .path = "oncall.rotation", .type = CONF_MAP,
	  .help = "Who takes the shifts, in turn.  Without it nobody is "
	    "on call and levels can name only people.",
	  .off = 0 },
	{ .path = "oncall.rotation.start", .type = CONF_STRING,
	  .flags = CONF_REQUIRED,
	  .help = "When the first shift starts, in local time (TZ): "
	    "\"2026-01-05 09:00\".  Every handoff is at this weekday and "
	    "time for a weekly period, at this time for a daily one, on "
	    "the wall clock across daylight-saving changes.",
	  .off = offsetof(struct conf, oncall_start) },
	{ .path = "oncall.rotation.period", .type = CONF_DURATION,
	  .def = "1w", .min = 1 * MS_H, .max = 366 * MS_D,
	  .flags = CONF_RANGE,
	  .help = "How long a shift lasts: 1w, 1d, 12h ...",
	  .off = offsetof(struct conf, oncall_period_ms) },
	{ .path = "oncall.rotation.order", .type = CONF_STRLIST,
	  .help = "Who takes the shifts, in turn, by name from people; a "
	    "name may come more than once.  Unset: the people in order.",
	  .off = offsetof(struct conf, oncall_order),
	  .noff = offsetof(struct conf, noncall_order) },
	{ .path = "oncall.levels", .type = CONF_STRMAP,
	  .help = "Whom each escalation level reaches: a level's WHO from "
	    "incidents.escalation (or the built-in P0 policy) to a name "
	    "from people, or rotation for whoever is on call then: "
	    "\"on-call engineer: rotation\", \"senior engineer: carol\".",
	  .off = offsetof(struct conf, oncall_levels),
	  .noff = offsetof(struct conf, noncall_levels) },

	{ .path = "http", .type = CONF_MAP,
	  .help = "HTTP client limits.",
	  .off = 0 },
	{ .path = "http.max_body", .type = CONF_SIZE, .def = "64MiB",
	  .min = 1000, .max = 1024.0 * 1024 * 1024, .flags = CONF_RANGE,
	  .help = "Largest response body read from any source; a larger one "
	    "is an error, not a crash.",
	  .off = offsetof(struct conf, http_max_body) },

	{ .path = "operator", .type = CONF_STRING,
	  .help = "Who acts: the author of silences and acknowledgements "
	    "and the actor of their audit rows. Unset: $USER@hostname.",
	  .off = offsetof(struct conf, operator_name) },
	{ .path = "keys", .type = CONF_STRMAP,
	  .help = "Key bindings: action name to keys, such as refresh: "
	    "\"r,F5\" (a character, C-x, F1-F12, Up, Down, PgUp, PgDn, "
	    "Home, End, Tab, S-Tab, Enter, Esc). An action named here "
	    "loses its default keys. The actions: down, up, top, bottom, "
	    "page-up, page-down, half-down, half-up, next-panel, "
	    "prev-panel, panel-health, panel-slo, panel-incidents, "
	    "panel-runbook, open, back, filter, command, help, refresh, "
	    "quit, ack, silence, restart, undo, scale, copy-url, "
	    "next-step, logs, previous-logs, container, follow, next-match, "
	    "prev-match, delete-pod. A key bound twice, or C-a and C-b (the "
	    "screen and tmux prefixes), is an error.",
	  .off = offsetof(struct conf, keys),
	  .noff = offsetof(struct conf, nkeys) },

	/* A Sloth prometheus/v1 file. */
	{ .path = "version", .type = CONF_ENUM, .choices = "prometheus/v1",
	  .flags = CONF_REQUIRED|CONF_SLOTH,
	  .help = "Spec version; only prometheus/v1.",
	  .off = offsetof(struct conf_sloth, version) },
	{ .path = "service", .type = CONF_STRING,
	  .flags = CONF_REQUIRED|CONF_SERVICE|CONF_SLOTH,
	  .help = "Service of every SLO in the file; must be one of "
	    "services when services are defined.",
	  .off = offsetof(struct conf_sloth, service) },
	{ .path = "labels", .type = CONF_STRMAP,
	  .flags = CONF_NOSTORE|CONF_SLOTH,
	  .help = "Labels for generated rules; accepted and ignored." },
	{ .path = "slos", .type = CONF_LIST,
	  .flags = CONF_REQUIRED|CONF_SLOTH,
	  .help = "The SLOs; each is added to the configuration's.",
	  .off = offsetof(struct conf_sloth, slos),
	  .noff = offsetof(struct conf_sloth, nslos),
	  .size = sizeof (struct conf_slo),
	  .lineoff = offsetof(struct conf_slo, line) },
	CONF_SLO("slos[]", CONF_SLOTH),
	{ .path = "slos[].labels", .type = CONF_STRMAP,
	  .flags = CONF_NOSTORE|CONF_SLOTH,
	  .help = "Labels for generated rules; accepted and ignored." },
	{ .path = "slos[].alerting", .type = CONF_ANY, .flags = CONF_SLOTH,
	  .help = "Sloth's alert generation settings; accepted and ignored "
	    "(sitrep uses slo_alerting)." },
};
const size_t conf_schema_size = sizeof conf_schema / sizeof conf_schema[0];

/* ---------------------------------------------------------------------------
 * The document.
 */

/* Name of a type as the document shows it. */
static const char *
conf_schema_type_name(const struct conf_option *o)
{
	switch (o->type) {
	case CONF_MAP:
		return "mapping";
	case CONF_LIST:
		return "list of mappings";
	case CONF_STRING:
		return "string";
	case CONF_SECRET:
		return "secret";
	case CONF_PATH:
		return "path";
	case CONF_URL:
		return "URL";
	case CONF_DURATION:
		return "duration";
	case CONF_SIZE:
		return "size";
	case CONF_INT:
		return "integer";
	case CONF_NUMBER:
		return "number";
	case CONF_BOOL:
		return "boolean";
	case CONF_ENUM:
		return "string";
	case CONF_STRLIST:
		return "list of strings";
	case CONF_PATHLIST:
		return "list of paths";
	case CONF_STRMAP:
		return "map of strings";
	case CONF_ANY:
		return "any";
	}
	return "?";
}

/* Format a size in bytes as the largest exact unit: "64MiB". */
static void
conf_schema_format_size(double v, char *out, size_t len)
{
	long long	n = (long long)v;

	if (n >= 1024LL * 1024 * 1024 && n % (1024LL * 1024 * 1024) == 0)
		snprintf(out, len, "%lldGiB", n / (1024LL * 1024 * 1024));
	else if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(out, len, "%lldMiB", n / (1024 * 1024));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, len, "%lldKiB", n / 1024);
	else
		snprintf(out, len, "%lld", n);
}

/* One bound of a range, in the unit of the row's type. */
void
conf_schema_format_bound(const struct conf_option *o, double v, char *out,
    size_t len)
{
	if (o->type == CONF_DURATION)
		util_format_duration((int64_t)v, out, len);
	else if (o->type == CONF_SIZE)
		conf_schema_format_size(v, out, len);
	else
		snprintf(out, len, "%g", v);
}

/* The range column: "500ms to 1h", "above 0, below 100". */
static void
conf_schema_format_range(const struct conf_option *o, char *out, size_t len)
{
	char	lo[32], hi[32];

	*out = '\0';
	if (o->type == CONF_ENUM) {
		snprintf(out, len, "%s", o->choices);
		return;
	}
	if (~o->flags & CONF_RANGE)
		return;
	conf_schema_format_bound(o, o->min, lo, sizeof lo);
	conf_schema_format_bound(o, o->max, hi, sizeof hi);
	if ((o->flags & (CONF_EXCL_MIN|CONF_EXCL_MAX)) == 0)
		snprintf(out, len, "%s to %s", lo, hi);
	else {
		snprintf(out, len, "%s %s, %s %s",
		    (o->flags & CONF_EXCL_MIN) ? "above" : "at least", lo,
		    (o->flags & CONF_EXCL_MAX) ? "below" : "at most", hi);
	}
}

/* Print the table rows of one scope. */
static void
conf_schema_write_rows(FILE *f, int scope)
{
	const struct conf_option	*o;
	size_t				 i;
	char				 range[128];

	out_printf(f, "| Key | Type | Default | Range | Description |\n");
	out_printf(f, "|---|---|---|---|---|\n");
	for (i = 0; i < conf_schema_size; i++) {
		o = &conf_schema[i];
		if ((o->flags & CONF_SLOTH) != scope)
			continue;
		conf_schema_format_range(o, range, sizeof range);
		out_printf(f, "| `%s` | %s%s | %s%s%s | %s | %s |\n", o->path,
		    conf_schema_type_name(o),
		    (o->flags & CONF_REQUIRED) ? ", required" : "",
		    o->def != NULL ? "`" : "", o->def != NULL ? o->def : "",
		    o->def != NULL ? "`" : "", range, o->help);
	}
}

/* Write docs/CONFIG.md. */
void
conf_write_docs(FILE *f)
{
	out_puts(
"# Configuring sitrep\n"
"\n"
"<!-- Generated from the schema table in core/conf_schema.c by\n"
"     `./sitrep config docs > docs/CONFIG.md`; edit the table, not this. -->\n"
"\n"
"sitrep reads one YAML file.  It is the file named by `--config`, else\n"
"`$SITREP_CONFIG`, else `$XDG_CONFIG_HOME/sitrep/config.yaml`\n"
"(`~/.config/sitrep/config.yaml` when `XDG_CONFIG_HOME` is unset).  A\n"
"file you name must exist; without one, sitrep starts with the defaults\n"
"below and no context.  `config/sitrep.example.yaml` shows every key.\n"
"\n"
"`sitrep config check` loads the file and reports every problem at once,\n"
"each as `FILE:LINE:COLUMN: what is wrong; what to do`.\n"
"\n"
"## Values\n"
"\n"
"- **duration**: a number and a unit, `ms`, `s`, `m`, `h`, `d` or `w`,\n"
"  and several of them together: `500ms`, `15s`, `5m`, `1h30m`, `30d`.\n"
"- **size**: bytes, or a number with `KiB`, `MiB` or `GiB`: `1000`,\n"
"  `512KiB`, `64MiB`.\n"
"- **number**: a decimal such as `99.9`; **integer**: a whole number;\n"
"  **boolean**: `true` or `false`.\n"
"- **path**: a file name; a leading `~` is your home directory.\n"
"- **secret**: a string that is kept in memory only and never printed;\n"
"  messages show `<redacted>` instead.\n"
"- **URL**: `http://` or `https://`, such as `http://127.0.0.1:9090`.\n"
"\n"
"Every value in the configuration file may use the environment:\n"
"`${VAR}` is replaced by the variable, and is an error when it is unset;\n"
"`${VAR:-default}` gives the default when it is unset or empty; `$${`\n"
"is a literal `${`.  Keep tokens and passwords out of the file this way.\n"
"\n"
"YAML anchors may be written but aliases (`*name`) are refused, tabs may\n"
"not indent, and a key may appear only once in a mapping.  A file may be\n"
"at most 4 MiB.\n"
"\n"
"## Keys\n"
"\n"
"A key path reads from the top of the file; `contexts[].refresh` is the\n"
"`refresh` key of each item of the `contexts` list.\n"
"\n", f);
	conf_schema_write_rows(f, 0);
	out_puts(
"\n"
"## SLO files (`slo_files`)\n"
"\n"
"Each file listed in `slo_files` is a [Sloth](https://sloth.dev)\n"
"`prometheus/v1` spec, read as it is: the same file can feed Sloth's rule\n"
"generator.  Environment variables are not expanded in it.  Each of its\n"
"SLOs is added to `slos` with the file's `service` and the default\n"
"`period`; names must not clash with any other SLO.  A key not listed\n"
"here is an error.\n"
"\n", f);
	conf_schema_write_rows(f, CONF_SLOTH);
}
