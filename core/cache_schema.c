/*
 * cache_schema.c: the cache's schema, as an ordered list of migrations.
 *
 * Step v takes a file from PRAGMA user_version v - 1 to v; cache.c applies
 * each step in its own BEGIN IMMEDIATE transaction together with the new
 * user_version, so a crash leaves the file at a whole version.  A step that
 * has shipped is never edited: a change to the schema is a new step appended
 * at the end (ALTER TABLE ... ADD COLUMN, a new table, or the usual SQLite
 * create-copy-drop-rename dance).  Tests build files at every intermediate
 * version and migrate them up, so each step must work on data, not only on
 * an empty file.
 *
 * The columns below are the contract the backends, views and exports code
 * against.  Besides these migrations, core/store.c is the only code that
 * writes the source tables (samples, series, targets, alerts, silences,
 * kube_*, probes): every source and the simulator hand it plain structs.
 * Conventions:
 *
 *  - Every row belongs to a `context` (a configured environment: "prod",
 *    "staging", a drill); several contexts share one cache.
 *  - Times are INTEGER milliseconds since the epoch (UTC), named *_ms.
 *  - Structured values from servers (labels, conditions, matchers) are
 *    stored as TEXT holding JSON, named as in the upstream API.
 *  - `seen_ms` is when a backend last saw the object in a full listing;
 *    a backend deletes the rows of its context it did not see in a complete
 *    refresh, so the cache mirrors the server, not its history.
 *  - Text from outside is stored as valid UTF-8 (sanitize_utf8 at ingest)
 *    and sanitised again for the terminal when shown.
 *  - No column ever holds a secret: no tokens, passwords, client keys, or
 *    credentials embedded in URLs (writers strip userinfo from URLs).
 */
#include "config.h"

#include <stddef.h>

#include "core/cache.h"

/* One forward step: what it does, and its SQL (several statements). */
struct cache_step {
	const char	*what;
	const char	*sql;
};

static const struct cache_step cache_steps[] = {
/* ---- version 1: marker, sources, Prometheus and Alertmanager ----------- */
{ "sources, samples, series, targets, alerts, silences",
	/* Marks the file as a sitrep cache; checked on every open. */
	"PRAGMA application_id = 1397314642;"

	/*
	 * meta: free-form facts about the file itself (created_ms, the
	 * version of sitrep that created it).  Never data from a server.
	 */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT"
	");"
	"INSERT INTO meta (key, value) VALUES ('application', 'sitrep');"
	"INSERT INTO meta (key, value) VALUES ('created_ms',"
	"  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));"

	/*
	 * sources: one row per configured source per context and the outcome
	 * of its last fetch, which is what staleness marks are drawn from.
	 * kind is the backend ("prometheus", "alertmanager", "kubernetes",
	 * "probe", "sim").  last_success_ms and items keep their values when
	 * a fetch fails; last_error is NULL after a success; failures counts
	 * consecutive failed attempts (0 after a success).
	 */
	"CREATE TABLE sources ("
	"  context TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  last_attempt_ms INTEGER,"
	"  last_success_ms INTEGER,"
	"  last_error TEXT,"
	"  latency_ms INTEGER,"
	"  items INTEGER,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (context, name)"
	");"

	/*
	 * samples: time-series points of range queries (SLO burn, sparklines).
	 * query_key names the query (an SLO name and window, or a hash of
	 * the PromQL); value is NULL for NaN.  Old points are pruned by the
	 * writer.
	 */
	"CREATE TABLE samples ("
	"  context TEXT NOT NULL,"
	"  query_key TEXT NOT NULL,"
	"  ts_ms INTEGER NOT NULL,"
	"  value REAL,"
	"  PRIMARY KEY (context, query_key, ts_ms)"
	") WITHOUT ROWID;"
	"CREATE INDEX samples_ts ON samples (ts_ms);"

	/*
	 * series: the latest instant-vector result of a query: one row per
	 * returned series.  metric is the JSON label set ({"__name__": ...,
	 * "job": ...}) exactly as the server returned it, so it identifies the
	 * series within the query.
	 */
	"CREATE TABLE series ("
	"  context TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  query_key TEXT NOT NULL,"
	"  metric TEXT NOT NULL,"
	"  value REAL,"
	"  ts_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (context, query_key, metric)"
	");"

	/*
	 * targets: Prometheus scrape targets (/api/v1/targets, active ones).
	 * health is "up", "down" or "unknown"; labels is the JSON of the
	 * target's labels after relabelling.
	 */
	"CREATE TABLE targets ("
	"  context TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  job TEXT NOT NULL,"
	"  instance TEXT NOT NULL,"
	"  health TEXT NOT NULL,"
	"  last_error TEXT,"
	"  last_scrape_ms INTEGER,"
	"  scrape_url TEXT,"
	"  labels TEXT,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, source, job, instance)"
	");"
	"CREATE INDEX targets_job ON targets (context, job, health);"

	/*
	 * alerts: Alertmanager alerts (/api/v2/alerts).  Several members of
	 * an HA cluster are merged by fingerprint, hence the key.  state is
	 * the Alertmanager status.state; silenced_by, inhibited_by and
	 * receivers are JSON arrays; severity is copied out of labels so it
	 * can be indexed.  ends_at_ms is when Alertmanager will consider the
	 * alert resolved if it is not refreshed.
	 */
	"CREATE TABLE alerts ("
	"  context TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  alertname TEXT NOT NULL,"
	"  severity TEXT,"
	"  state TEXT NOT NULL"
	"    CHECK (state IN ('active', 'suppressed', 'unprocessed')),"
	"  silenced_by TEXT,"
	"  inhibited_by TEXT,"
	"  labels TEXT NOT NULL,"
	"  annotations TEXT,"
	"  starts_at_ms INTEGER,"
	"  ends_at_ms INTEGER,"
	"  updated_at_ms INTEGER,"
	"  generator_url TEXT,"
	"  receivers TEXT,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, fingerprint)"
	");"
	"CREATE INDEX alerts_state ON alerts (context, state, severity);"
	"CREATE INDEX alerts_name ON alerts (context, alertname);"

	/*
	 * silences: Alertmanager silences (/api/v2/silences).  state is
	 * "active", "pending" or "expired"; matchers is the JSON array of
	 * {name, value, isRegex, isEqual}.
	 */
	"CREATE TABLE silences ("
	"  context TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  id TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  matchers TEXT NOT NULL,"
	"  created_by TEXT,"
	"  comment TEXT,"
	"  starts_at_ms INTEGER,"
	"  ends_at_ms INTEGER,"
	"  updated_at_ms INTEGER,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, id)"
	");"
	"CREATE INDEX silences_state ON silences (context, state, ends_at_ms);"
},

/* ---- version 2: Kubernetes objects ------------------------------------- */
{ "kubernetes deployments, replicasets, pods, events, nodes, namespaces",
	/*
	 * kube_deployments: apps/v1 Deployments.  revision is the
	 * deployment.kubernetes.io/revision annotation; labels, selector
	 * (spec.selector.matchLabels) and conditions are JSON.  A rollout is
	 * complete when observed_generation >= generation and updated,
	 * ready and available replicas all equal replicas.
	 */
	"CREATE TABLE kube_deployments ("
	"  context TEXT NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  uid TEXT,"
	"  generation INTEGER,"
	"  observed_generation INTEGER,"
	"  replicas INTEGER,"
	"  ready_replicas INTEGER,"
	"  updated_replicas INTEGER,"
	"  available_replicas INTEGER,"
	"  revision INTEGER,"
	"  labels TEXT,"
	"  selector TEXT,"
	"  conditions TEXT,"
	"  created_ms INTEGER,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, namespace, name)"
	");"

	/*
	 * kube_replicasets: apps/v1 ReplicaSets, the history a rollback
	 * picks from.  owner_* is the controlling Deployment; template_hash
	 * is the pod-template-hash label; images is a JSON array of the
	 * container images of its pod template.
	 */
	"CREATE TABLE kube_replicasets ("
	"  context TEXT NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  uid TEXT,"
	"  owner_uid TEXT,"
	"  owner_name TEXT,"
	"  revision INTEGER,"
	"  replicas INTEGER,"
	"  ready_replicas INTEGER,"
	"  template_hash TEXT,"
	"  created_ms INTEGER,"
	"  images TEXT,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, namespace, name)"
	");"
	"CREATE INDEX kube_replicasets_owner"
	"  ON kube_replicasets (context, namespace, owner_name, revision);"

	/*
	 * kube_pods: core/v1 Pods.  owner_* is the controlling owner
	 * (usually a ReplicaSet); ready is 1 when the Ready condition is
	 * True; restarts sums container restart counts; reason is the most
	 * telling container state reason (CrashLoopBackOff, ImagePullBackOff,
	 * OOMKilled, Error ...) or the pod's own reason, NULL when healthy.
	 */
	"CREATE TABLE kube_pods ("
	"  context TEXT NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  uid TEXT,"
	"  owner_kind TEXT,"
	"  owner_name TEXT,"
	"  node TEXT,"
	"  phase TEXT,"
	"  ready INTEGER NOT NULL DEFAULT 0,"
	"  restarts INTEGER NOT NULL DEFAULT 0,"
	"  reason TEXT,"
	"  message TEXT,"
	"  labels TEXT,"
	"  started_ms INTEGER,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, namespace, name)"
	");"
	"CREATE INDEX kube_pods_owner"
	"  ON kube_pods (context, namespace, owner_kind, owner_name);"
	"CREATE INDEX kube_pods_reason ON kube_pods (context, reason);"

	/*
	 * kube_events: core/v1 Events, for the incident timeline.  type is
	 * "Normal" or "Warning"; last_ms is lastTimestamp (or eventTime).
	 */
	"CREATE TABLE kube_events ("
	"  context TEXT NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  uid TEXT NOT NULL,"
	"  involved_kind TEXT,"
	"  involved_name TEXT,"
	"  type TEXT,"
	"  reason TEXT,"
	"  message TEXT,"
	"  count INTEGER,"
	"  last_ms INTEGER,"
	"  PRIMARY KEY (context, uid)"
	");"
	"CREATE INDEX kube_events_involved"
	"  ON kube_events (context, namespace, involved_kind, involved_name,"
	"  last_ms);"
	"CREATE INDEX kube_events_last ON kube_events (context, last_ms);"

	/*
	 * kube_nodes: core/v1 Nodes.  ready is 1 when the Ready condition is
	 * True; conditions is the JSON array (MemoryPressure, DiskPressure,
	 * PIDPressure ...); unschedulable is 1 for a cordoned node.
	 */
	"CREATE TABLE kube_nodes ("
	"  context TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  ready INTEGER NOT NULL DEFAULT 0,"
	"  conditions TEXT,"
	"  unschedulable INTEGER NOT NULL DEFAULT 0,"
	"  labels TEXT,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, name)"
	");"

	/* kube_namespaces: core/v1 Namespaces; phase "Active"/"Terminating". */
	"CREATE TABLE kube_namespaces ("
	"  context TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  phase TEXT,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, name)"
	");"
},

/* ---- version 3: probes and incidents ----------------------------------- */
{ "probes, incidents, incident timeline",
	/*
	 * probes: the last result of each HTTP health probe.  ok is 1 when
	 * the probe passed; status is the HTTP status (NULL if no answer);
	 * excerpt is the first bytes of the body, sanitised; error says why
	 * it failed.  url never carries credentials.
	 */
	"CREATE TABLE probes ("
	"  context TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  url TEXT NOT NULL,"
	"  service TEXT,"
	"  ok INTEGER NOT NULL DEFAULT 0,"
	"  status INTEGER,"
	"  latency_ms INTEGER,"
	"  excerpt TEXT,"
	"  error TEXT,"
	"  checked_ms INTEGER,"
	"  PRIMARY KEY (context, name)"
	");"
	"CREATE INDEX probes_service ON probes (context, service);"

	/*
	 * incidents: firing alerts grouped by group_key into incidents with a
	 * lifecycle.  escalation counts levels escalated so far (0 = first
	 * responder); resolved_ms is set when state becomes resolved.
	 */
	"CREATE TABLE incidents ("
	"  id INTEGER PRIMARY KEY,"
	"  context TEXT NOT NULL,"
	"  group_key TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  severity TEXT,"
	"  state TEXT NOT NULL DEFAULT 'triggered'"
	"    CHECK (state IN ('triggered', 'acknowledged', 'mitigated',"
	"    'resolved')),"
	"  started_ms INTEGER NOT NULL,"
	"  updated_ms INTEGER NOT NULL,"
	"  resolved_ms INTEGER,"
	"  escalation INTEGER NOT NULL DEFAULT 0,"
	"  runbook_url TEXT,"
	"  summary TEXT,"
	"  UNIQUE (context, group_key)"
	");"
	"CREATE INDEX incidents_state ON incidents (context, state, updated_ms);"

	/*
	 * incident_timeline: what happened to an incident, in order.  kind is
	 * "alert", "state", "action", "escalation", "note" or "event"; actor
	 * is who did it ("system" for automatic entries).
	 */
	"CREATE TABLE incident_timeline ("
	"  id INTEGER PRIMARY KEY,"
	"  incident_id INTEGER NOT NULL"
	"    REFERENCES incidents (id) ON DELETE CASCADE,"
	"  ts_ms INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  actor TEXT,"
	"  text TEXT NOT NULL"
	");"
	"CREATE INDEX incident_timeline_incident"
	"  ON incident_timeline (incident_id, ts_ms);"
},

/* ---- version 4: the audit log ------------------------------------------ */
{ "hash-chained, append-only audit log",
	/*
	 * audit: every action taken (or dry-run) from sitrep, append-only and
	 * hash-chained by audit.c: hash = SHA-256 over prev_hash and the
	 * row's fields; the first row's prev_hash is 64 zeros.  AUTOINCREMENT
	 * keeps sqlite_sequence at the highest seq ever written, so removed
	 * rows at the end still show.  detail never holds a secret.
	 */
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  ts_ms INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  context TEXT,"
	"  action TEXT NOT NULL,"
	"  target TEXT,"
	"  dry_run INTEGER NOT NULL CHECK (dry_run IN (0, 1)),"
	"  result TEXT,"
	"  detail TEXT,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	");"
	"CREATE INDEX audit_ts ON audit (ts_ms);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
},

/* ---- version 5: what a round that worked still warned about ----------- */
{ "sources.last_warning",
	/*
	 * sources.last_warning: the warning of the last round (a member of
	 * an Alertmanager cluster that did not answer while the others did,
	 * a list the API server refused), valid UTF-8 and clipped like
	 * last_error; NULL when the last round had none or failed.  Written
	 * by store_source_warning() in the round's transaction.
	 */
	"ALTER TABLE sources ADD COLUMN last_warning TEXT;"
},
/* ---- version 6: every kind of workload --------------------------------- */
{ "kubernetes statefulsets and daemonsets",
	/*
	 * kube_statefulsets: apps/v1 StatefulSets.  Their pods are owned
	 * directly (kube_pods.owner_kind 'StatefulSet') and named NAME-0,
	 * NAME-1 ...; current_revision and update_revision are the names of
	 * the ControllerRevisions of status (a rollout is under way while
	 * they differ or updated_replicas < replicas).  labels, selector
	 * (spec.selector.matchLabels) and conditions are JSON.
	 */
	"CREATE TABLE kube_statefulsets ("
	"  context TEXT NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  uid TEXT,"
	"  generation INTEGER,"
	"  observed_generation INTEGER,"
	"  replicas INTEGER,"
	"  ready_replicas INTEGER,"
	"  current_replicas INTEGER,"
	"  updated_replicas INTEGER,"
	"  available_replicas INTEGER,"
	"  current_revision TEXT,"
	"  update_revision TEXT,"
	"  labels TEXT,"
	"  selector TEXT,"
	"  conditions TEXT,"
	"  created_ms INTEGER,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, namespace, name)"
	");"

	/*
	 * kube_daemonsets: apps/v1 DaemonSets, one pod per eligible node,
	 * owned directly (kube_pods.owner_kind 'DaemonSet').  desired is
	 * status.desiredNumberScheduled, current currentNumberScheduled,
	 * ready numberReady, updated updatedNumberScheduled, available
	 * numberAvailable, misscheduled numberMisscheduled.
	 */
	"CREATE TABLE kube_daemonsets ("
	"  context TEXT NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  uid TEXT,"
	"  generation INTEGER,"
	"  observed_generation INTEGER,"
	"  desired INTEGER,"
	"  current INTEGER,"
	"  ready INTEGER,"
	"  updated INTEGER,"
	"  available INTEGER,"
	"  misscheduled INTEGER,"
	"  labels TEXT,"
	"  selector TEXT,"
	"  conditions TEXT,"
	"  created_ms INTEGER,"
	"  seen_ms INTEGER,"
	"  PRIMARY KEY (context, namespace, name)"
	");"

	/*
	 * Pods are tied to their workload by owner: a Deployment through
	 * the ReplicaSet it owns, a StatefulSet, DaemonSet or Job directly,
	 * a bare pod by nothing (owner_kind NULL).  Events are tied to what
	 * they are about by (namespace, involved_kind, involved_name): the
	 * API server keeps an event in the namespace of its involved
	 * object, so namespace is the object's for namespaced kinds
	 * (kube_events_involved serves these reads).
	 */
},
/* ---- version 7: rollouts, rollbacks included ---------------------------- */
{ "kubernetes rollouts",
	/*
	 * kube_rollouts: when each revision of a workload became current,
	 * kept as history (kube_replicasets mirrors the server, and a
	 * rollback, which makes an old ReplicaSet current again under a
	 * new revision number, leaves no trace there).  kind is
	 * "Deployment"; revision its deployment.kubernetes.io/revision;
	 * replicaset and images (JSON array) those of the ReplicaSet of
	 * that revision, NULL when it was not listed.  at_ms is when the
	 * revision became current: the ReplicaSet's creation for a new
	 * one (exact), the round that first saw it current for a reused
	 * one (a rollback: the API records no time for it), NULL when it
	 * was current before the cache first saw the workload.  seen_ms is
	 * the round that recorded the row.  Written by store_rollouts(),
	 * which appends a row when a workload's revision changes and
	 * prunes rows older than 30 days but a workload's current one.
	 *
	 * This step fills the table from the replica sets already in the
	 * cache, as store_rollouts() does for a workload it first sees.
	 */
	"CREATE TABLE kube_rollouts ("
	"  context TEXT NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  revision INTEGER NOT NULL,"
	"  replicaset TEXT,"
	"  images TEXT,"
	"  at_ms INTEGER,"
	"  seen_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (context, namespace, kind, name, revision)"
	");"
	"CREATE INDEX kube_rollouts_at"
	"  ON kube_rollouts (context, namespace, kind, name, at_ms);"
	"INSERT OR IGNORE INTO kube_rollouts (context, namespace, kind, name,"
	"  revision, replicaset, images, at_ms, seen_ms)"
	"  SELECT r.context, r.namespace, 'Deployment', r.owner_name,"
	"  r.revision, r.name, r.images,"
	"  CASE WHEN EXISTS (SELECT 1 FROM kube_replicasets o WHERE"
	"    o.context = r.context AND o.namespace = r.namespace AND"
	"    o.owner_name = r.owner_name AND o.revision < r.revision AND"
	"    o.created_ms > r.created_ms) THEN NULL ELSE r.created_ms END,"
	"  COALESCE(r.seen_ms, 0)"
	"  FROM kube_replicasets r WHERE r.owner_name IS NOT NULL AND"
	"  r.revision IS NOT NULL;"
},
/* ---- version 8: incidents with a lifecycle ------------------------------ */
{ "incidents keyed by a stable id, recurrences, alert membership",
	/*
	 * incidents: written by core/incident.c after every stored
	 * Alertmanager or simulator round.  id is the short hex the console
	 * shows, stable for the incident's life: a hash of context, group
	 * key and start (rows from version 3 keep their number as text).
	 * group_key is the incidents.group_by labels with their values; at
	 * most one incident of a (context, group_key) is not resolved
	 * (incidents_open), and a firing after one resolved is a new row
	 * whose recurrence_of names it.  severity is the label of its worst
	 * alert, priority "P0" (the most urgent) to "P3" from
	 * incidents.priorities.  started_ms is its earliest alert's start;
	 * quiet_ms when its last firing alert resolved (NULL while one
	 * fires); resolved_ms, once state is resolved, equals quiet_ms: the
	 * state changes incidents.resolve_after later.  Resolved incidents
	 * are pruned incidents.keep_resolved after resolved_ms.
	 */
	"ALTER TABLE incident_timeline RENAME TO incident_timeline_v3;"
	"ALTER TABLE incidents RENAME TO incidents_v3;"
	"CREATE TABLE incidents ("
	"  id TEXT PRIMARY KEY NOT NULL,"
	"  context TEXT NOT NULL,"
	"  group_key TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  severity TEXT,"
	"  priority TEXT NOT NULL DEFAULT 'P3'"
	"    CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),"
	"  state TEXT NOT NULL DEFAULT 'triggered'"
	"    CHECK (state IN ('triggered', 'acknowledged', 'mitigated',"
	"    'resolved')),"
	"  started_ms INTEGER NOT NULL,"
	"  updated_ms INTEGER NOT NULL,"
	"  quiet_ms INTEGER,"
	"  resolved_ms INTEGER,"
	"  escalation INTEGER NOT NULL DEFAULT 0,"
	"  runbook_url TEXT,"
	"  summary TEXT,"
	"  recurrence_of TEXT REFERENCES incidents (id) ON DELETE SET NULL"
	");"

	/*
	 * incident_timeline: what happened to an incident, in order of
	 * (ts_ms, id).  kind is the event: "fired", "alert joined", "alert
	 * resolved", "state changed" (later also acknowledgements, notes,
	 * silences, escalations, actions); actor is who did it ("system"
	 * for automatic entries); text says it in words.
	 */
	"CREATE TABLE incident_timeline ("
	"  id INTEGER PRIMARY KEY,"
	"  incident_id TEXT NOT NULL"
	"    REFERENCES incidents (id) ON DELETE CASCADE,"
	"  ts_ms INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  actor TEXT,"
	"  text TEXT NOT NULL"
	");"

	/*
	 * incident_alerts: the alerts (by fingerprint) that have been part of
	 * an incident: when each joined, and when it stopped firing (NULL
	 * while it fires).  An alert that fires again rejoins its row.
	 */
	"CREATE TABLE incident_alerts ("
	"  incident_id TEXT NOT NULL"
	"    REFERENCES incidents (id) ON DELETE CASCADE,"
	"  fingerprint TEXT NOT NULL,"
	"  alertname TEXT NOT NULL,"
	"  severity TEXT,"
	"  joined_ms INTEGER NOT NULL,"
	"  resolved_ms INTEGER,"
	"  PRIMARY KEY (incident_id, fingerprint)"
	");"

	"INSERT INTO incidents (id, context, group_key, title, severity,"
	"  state, started_ms, updated_ms, resolved_ms, escalation,"
	"  runbook_url, summary)"
	"  SELECT CAST(id AS TEXT), context, group_key, title, severity,"
	"  state, started_ms, updated_ms, resolved_ms, escalation,"
	"  runbook_url, summary FROM incidents_v3;"
	"UPDATE incidents SET quiet_ms = resolved_ms WHERE state = 'resolved';"
	"INSERT INTO incident_timeline (id, incident_id, ts_ms, kind, actor,"
	"  text)"
	"  SELECT id, CAST(incident_id AS TEXT), ts_ms, kind, actor, text"
	"  FROM incident_timeline_v3;"
	"DROP TABLE incident_timeline_v3;"
	"DROP TABLE incidents_v3;"
	"CREATE UNIQUE INDEX incidents_open ON incidents (context, group_key)"
	"  WHERE state <> 'resolved';"
	"CREATE INDEX incidents_state ON incidents (context, state, updated_ms);"
	"CREATE INDEX incident_timeline_incident"
	"  ON incident_timeline (incident_id, ts_ms);"
},

/* ---- version 9: acknowledgements ---------------------------------------- */
{ "incident acknowledgements and mitigation",
	/*
	 * An acknowledgement, written by core/incident.c.  ack_by is who
	 * acknowledged (the silence's author when it came from Alertmanager),
	 * ack_ms when, ack_until_ms when it ends unless renewed.
	 * ack_silences is the JSON array of the Alertmanager silence ids
	 * that carry it (shared with everyone who reads that Alertmanager);
	 * ack_matchers is a JSON object of those it wrote itself, silence id
	 * to Alertmanager's matchers, so acknowledging again extends them
	 * before a round has listed them.
	 * ack_local is 1 when no Alertmanager took it and it is only in this
	 * cache, ack_reason then saying why.  first_ack_ms and first_ack_by
	 * are the incident's first acknowledgement, for the time to
	 * acknowledge; mitigated_ms when its alerts last all stopped firing
	 * (state mitigated until it resolves or one fires again).  held_by
	 * is the JSON array of the other silences that hold its firing
	 * alerts, so the timeline says when one starts or stops.
	 */
	"ALTER TABLE incidents ADD COLUMN ack_by TEXT;"
	"ALTER TABLE incidents ADD COLUMN ack_ms INTEGER;"
	"ALTER TABLE incidents ADD COLUMN ack_until_ms INTEGER;"
	"ALTER TABLE incidents ADD COLUMN ack_silences TEXT;"
	"ALTER TABLE incidents ADD COLUMN ack_matchers TEXT;"
	"ALTER TABLE incidents ADD COLUMN ack_local INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE incidents ADD COLUMN ack_reason TEXT;"
	"ALTER TABLE incidents ADD COLUMN first_ack_ms INTEGER;"
	"ALTER TABLE incidents ADD COLUMN first_ack_by TEXT;"
	"ALTER TABLE incidents ADD COLUMN mitigated_ms INTEGER;"
	"ALTER TABLE incidents ADD COLUMN held_by TEXT;"
},

/* ---- version 10: what each revision's pod template holds ----------------- */
{ "kubernetes replicaset pod template summaries",
	/*
	 * kube_replicasets.containers: a compact summary of the ReplicaSet's
	 * pod template, enough to say what a rollback changes without
	 * asking the server: a JSON array, one object per container in
	 * template order, {"name", "image", "env": [variable names, never
	 * values], "requests": {resource: quantity}, "limits": {...}}
	 * (members absent when the template has none).  Capped per
	 * container and per list (backends/kube.c).  NULL for rows written
	 * before this version: the detail view then compares images only.
	 */
	"ALTER TABLE kube_replicasets ADD COLUMN containers TEXT;"
},

/* ---- version 11: what changed, per table, for incremental views ---------- */
{ "per-table change counters",
	/*
	 * changes: one counter per (context, source table), bumped by
	 * core/store.c in the transaction of every write to that table of
	 * that context (core/cache.c cache_touch).  A reader that kept what
	 * it read of a table reuses it while the counter has not moved
	 * (core/views.c, the console's incremental rebuild).  The row of
	 * context '' and tbl 'epoch' is a random number drawn when the table
	 * is made: a counter is only compared with one read from the same
	 * epoch, so a cache file rebuilt under a reader never matches what
	 * it kept.
	 */
	"CREATE TABLE changes ("
	"  context TEXT NOT NULL,"
	"  tbl     TEXT NOT NULL,"
	"  gen     INTEGER NOT NULL,"
	"  PRIMARY KEY (context, tbl)"
	") WITHOUT ROWID;"
	"INSERT INTO changes (context, tbl, gen) VALUES ('', 'epoch',"
	"  abs(random()));"
},
/* ---- version 12: a keyed audit chain ------------------------------------ */
{ "audit.chain and audit.key_id: the keyed hash chain",
	/*
	 * audit.chain: how the row's hash was made.  1: SHA-256 over
	 * prev_hash and the fields (every row written before this step);
	 * 2: HMAC-SHA256 over the same and chain and key_id, keyed with the
	 * audit key kept outside the cache (core/audit.c).  Along seq the
	 * value never goes down.  key_id names the key of a chain-2 row
	 * (16 hex digits of HMAC(key, "sitrep audit key id"), which tell
	 * nothing of the key); NULL for chain 1.  Adding columns is no
	 * UPDATE, so the append-only triggers stay as they are.
	 */
	"ALTER TABLE audit ADD COLUMN chain INTEGER NOT NULL DEFAULT 1"
	"  CHECK (chain IN (1, 2));"
	"ALTER TABLE audit ADD COLUMN key_id TEXT;"
},
};

#define CACHE_NSTEPS ((int)(sizeof cache_steps / sizeof cache_steps[0]))

/* Tables of the latest schema, checked after every open. */
static const char *const cache_tables[] = {
	"meta", "sources", "samples", "series", "targets", "alerts",
	"silences", "kube_deployments", "kube_replicasets", "kube_pods",
	"kube_events", "kube_nodes", "kube_namespaces", "probes", "incidents",
	"incident_timeline", "audit", "kube_statefulsets", "kube_daemonsets",
	"kube_rollouts", "incident_alerts", "changes", NULL
};

/* The schema version this binary writes: the number of steps. */
int
cache_latest_version(void)
{
	return CACHE_NSTEPS;
}

/* The SQL that migrates version - 1 to version, or NULL. */
const char *
cache_schema_step(int version, const char **what)
{
	if (version < 1 || version > CACHE_NSTEPS)
		return NULL;
	if (what != NULL)
		*what = cache_steps[version - 1].what;
	return cache_steps[version - 1].sql;
}

/* The NULL-terminated list of tables of the latest schema. */
const char *const *
cache_schema_tables(void)
{
	return cache_tables;
}
