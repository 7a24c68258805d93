/*
 * test_incident.c: incidents kept in the cache (core/incident.c).
 *
 * Each test plays rounds of alerts at chosen times, as the poller does:
 * store_alerts() then incident_update() in one transaction, with the time
 * of the round passed in, so grace periods and retention are exact.  It
 * checks what the tables hold: incidents opened with a stable id, alerts
 * joining and resolving, an incident resolved only after its grace
 * period, a later firing as a new incident linked to the old one, the
 * timeline in order, pruning, the severity-to-priority map; that a round
 * played again changes nothing, and random sequences of rounds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"
#include "tests/unit/fake_world.h"

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/action.h"
#include "core/escalation.h"
#include "core/incident.h"
#include "core/incident_act.h"
#include "core/store.h"
#include "core/views.h"

#define MIN	(60 * 1000LL)
#define T0	(1700000000000LL)

static char	dir[] = "/tmp/sitrep-test-incident.XXXXXX";
static int	ncache;

/* A configuration with a 2m grace and a day of history. */
static const char conf_yaml[] =
    "contexts:\n"
    "  - name: prod\n"
    "incidents:\n"
    "  escalation:\n"
    "    P0: none\n"
    "    P1: 0s on-call engineer, 10m senior engineer\n"
    "  resolve_after: 2m\n"
    "  keep_resolved: 1d\n"
    "  priorities:\n"
    "    page: P1\n"
    "    Sev1: p0\n";

/* The configuration above; bails out if it does not load. */
static struct conf *
test_conf(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf_problems_init(&p);
	conf = conf_load_buffer("test.yaml", conf_yaml, sizeof conf_yaml - 1,
	    &p);
	if (conf == NULL) {
		printf("Bail out! %s\n", p.n > 0 ? p.v[0] : "no config");
		exit(1);
	}
	conf_problems_done(&p);
	return conf;
}

/* A fresh cache. */
static struct cache *
open_cache(void)
{
	struct cache	*c;
	char		*path, *warning = NULL, *cause = NULL;

	path = xasprintf("%s/cache%d.db", dir, ncache++);
	c = cache_open(path, 0, &warning, &cause);
	if (c == NULL) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(warning);
	free(path);
	return c;
}

/* An alert named name, of severity sev, on service svc, from starts. */
static struct store_alert
alert(const char *fp, const char *name, const char *sev, const char *svc,
    int64_t starts)
{
	struct store_alert	a;
	static char		labels[8][256];
	static int		k;
	char			*l = labels[k++ % 8];

	snprintf(l, 256, "{\"alertname\":\"%s\",\"service\":\"%s\","
	    "\"severity\":\"%s\",\"fp\":\"%s\"}", name, svc, sev, fp);
	memset(&a, 0, sizeof a);
	a.source = "am";
	a.fingerprint = fp;
	a.alertname = name;
	a.severity = sev;
	a.state = "active";
	a.silenced_by = "[]";
	a.inhibited_by = "[]";
	a.labels = l;
	a.annotations = "{}";
	a.starts_at_ms = starts;
	a.ends_at_ms = STORE_NULL;
	a.updated_at_ms = starts;
	a.receivers = "[]";
	return a;
}

/*
 * One round: the alerts a[0..n-1] and silences x[0..nx-1] stored at now,
 * incidents updated.
 */
static int
round_with(struct cache *c, const struct conf *conf, int64_t now,
    const struct store_alert *a, size_t n, const struct store_silence *x,
    size_t nx)
{
	char	*cause = NULL;
	int	 rc;

	if (cache_begin(c, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		return -1;
	}
	rc = store_alerts(c, "prod", a, n, now, &cause) != 0 ||
	    store_silences(c, "prod", x, nx, now, &cause) != 0 ||
	    incident_update(c, "prod", conf, now, &cause) != 0 ? -1 : 0;
	if (rc != 0) {
		printf("# round at %lld: %s\n", (long long)(now - T0), cause);
		free(cause);
		cache_rollback(c);
		return -1;
	}
	if (cache_commit(c, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/*
 * The rows of a query, columns joined by '|' and rows by ';' (NULL as
 * "NULL"); the caller frees.
 */
static char *
rows(struct cache *c, const char *sql)
{
	sqlite3_stmt	*st;
	struct buf	 out;
	const char	*v;
	int		 i, n;

	buf_init(&out, 0);
	buf_append(&out, "", 0);
	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(cache_db(c)));
		return buf_detach(&out);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++) {
			v = sqlite3_column_type(st, i) == SQLITE_NULL ? "NULL" :
			    (const char *)sqlite3_column_text(st, i);
			buf_printf(&out, "%s%s", i > 0 ? "|" : (out.len > 0 ?
			    ";" : ""), v);
		}
	}
	sqlite3_finalize(st);
	return buf_detach(&out);
}

/* CHECK_STR on rows(c, sql), freeing them. */
#define CHECK_ROWS(c, sql, want) do {					\
	char	*got_ = rows((c), (sql));				\
	CHECK_STR(got_, (want));					\
	free(got_);							\
} while (0)

/* One round of alerts only. */
static int
round_at(struct cache *c, const struct conf *conf, int64_t now,
    const struct store_alert *a, size_t n)
{
	return round_with(c, conf, now, a, n, NULL, 0);
}

/* The id incident.c gives an incident of HighErrorRate on api. */
static void
id_of(const char *name, const char *svc, int64_t started, char *out)
{
	char	*key;

	key = xasprintf("alertname=%s,namespace=,service=%s,cluster=", name,
	    svc);
	incident_make_id("prod", key, started, 0, out);
	free(key);
}

/* An alert opens an incident; others of its group join it, by id. */
static void
test_open_and_join(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[3];
	char			 id[INCIDENT_ID_LEN + 1], *want;

	a[0] = alert("f1", "HighErrorRate", "warning", "api", T0 - 5 * MIN);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	id_of("HighErrorRate", "api", T0 - 5 * MIN, id);
	want = xasprintf("%s|triggered|P2|warning|%lld|NULL", id,
	    (long long)(T0 - 5 * MIN));
	CHECK_ROWS(c, "SELECT id, state, priority, severity, started_ms,"
	    " recurrence_of FROM incidents", want);
	free(want);

	/* The same round again changes nothing. */
	CHECK_INT(round_at(c, conf, T0 + MIN, a, 1), 0);
	CHECK_ROWS(c, "SELECT count(*) FROM incident_timeline", "1");

	/* A critical alert of the group joins and raises the priority. */
	a[1] = alert("f2", "HighErrorRate", "critical", "api", T0);
	a[2] = alert("f3", "DiskFull", "page", "db", T0);
	CHECK_INT(round_at(c, conf, T0 + 2 * MIN, a, 3), 0);
	CHECK_ROWS(c, "SELECT priority, severity FROM incidents WHERE"
	    " group_key LIKE 'alertname=HighErrorRate,%'", "P0|critical");
	CHECK_ROWS(c, "SELECT count(*) FROM incidents", "2");
	CHECK_ROWS(c, "SELECT priority, title FROM incidents WHERE"
	    " group_key LIKE 'alertname=DiskFull,%'", "P1|DiskFull db");
	want = xasprintf("%s", id);
	CHECK_ROWS(c, "SELECT id FROM incidents WHERE group_key LIKE"
	    " 'alertname=HighErrorRate,%'", want);
	free(want);
	CHECK_ROWS(c, "SELECT kind, text FROM incident_timeline t JOIN"
	    " incidents i ON i.id = t.incident_id WHERE i.title ="
	    " 'HighErrorRate api' ORDER BY t.ts_ms, t.id",
	    "fired|HighErrorRate fired (P2);"
	    "alert joined|HighErrorRate joined (critical)");
	CHECK_ROWS(c, "SELECT fingerprint, joined_ms - 1700000000000,"
	    " resolved_ms FROM incident_alerts ORDER BY fingerprint",
	    "f1|-300000|NULL;f2|120000|NULL;f3|0|NULL");
	cache_close(c);
	conf_free(conf);
}

/* Resolved only after every alert has been quiet for the grace period. */
static void
test_resolve_after_grace(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[2];

	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	a[1] = alert("f2", "HighErrorRate", "critical", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 2), 0);
	/* One of two resolves: the incident goes on. */
	CHECK_INT(round_at(c, conf, T0 + MIN, a, 1), 0);
	CHECK_ROWS(c, "SELECT state, quiet_ms FROM incidents",
	    "triggered|NULL");
	/* The other resolves: quiet, mitigated, not resolved. */
	CHECK_INT(round_at(c, conf, T0 + 2 * MIN, NULL, 0), 0);
	CHECK_ROWS(c, "SELECT state, quiet_ms - 1700000000000,"
	    " mitigated_ms - 1700000000000 FROM incidents",
	    "mitigated|120000|120000");
	/* A moment before the grace period ends: still mitigated. */
	CHECK_INT(round_at(c, conf, T0 + 4 * MIN - 1, NULL, 0), 0);
	CHECK_ROWS(c, "SELECT state FROM incidents", "mitigated");
	/* At its end: resolved, as of when the last alert resolved. */
	CHECK_INT(round_at(c, conf, T0 + 4 * MIN, NULL, 0), 0);
	CHECK_ROWS(c, "SELECT state, resolved_ms - 1700000000000,"
	    " updated_ms - 1700000000000 FROM incidents",
	    "resolved|120000|240000");
	CHECK_ROWS(c, "SELECT ts_ms - 1700000000000, kind, actor, text FROM"
	    " incident_timeline ORDER BY ts_ms, id",
	    "0|fired|system|HighErrorRate fired (P0);"
	    "0|alert joined|system|HighErrorRate joined (critical);"
	    "60000|alert resolved|system|HighErrorRate resolved;"
	    "120000|alert resolved|system|HighErrorRate resolved;"
	    "120000|state changed|system|triggered -> mitigated: no alert "
	    "fires;"
	    "240000|state changed|system|mitigated -> resolved: no alert has "
	    "fired for 2m");
	/* Later rounds leave a resolved incident alone. */
	CHECK_INT(round_at(c, conf, T0 + 10 * MIN, NULL, 0), 0);
	CHECK_ROWS(c, "SELECT count(*) FROM incident_timeline", "6");
	cache_close(c);
	conf_free(conf);
}

/* An alert firing again within the grace period keeps the incident. */
static void
test_flap_within_grace(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[1];

	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	CHECK_INT(round_at(c, conf, T0 + MIN, NULL, 0), 0);
	CHECK_INT(round_at(c, conf, T0 + 2 * MIN, a, 1), 0);
	CHECK_ROWS(c, "SELECT count(*), state, quiet_ms FROM incidents",
	    "1|triggered|NULL");
	/* The grace period counts from the last resolve, not the first. */
	CHECK_INT(round_at(c, conf, T0 + 3 * MIN + 30000, NULL, 0), 0);
	CHECK_INT(round_at(c, conf, T0 + 5 * MIN, NULL, 0), 0);
	CHECK_ROWS(c, "SELECT state FROM incidents", "mitigated");
	CHECK_INT(round_at(c, conf, T0 + 5 * MIN + 30000, NULL, 0), 0);
	CHECK_ROWS(c, "SELECT state FROM incidents", "resolved");
	CHECK_ROWS(c, "SELECT kind, text FROM incident_timeline ORDER BY"
	    " ts_ms, id",
	    "fired|HighErrorRate fired (P0);"
	    "alert resolved|HighErrorRate resolved;"
	    "state changed|triggered -> mitigated: no alert fires;"
	    "alert joined|HighErrorRate fires again;"
	    "state changed|mitigated -> triggered: an alert fires again;"
	    "alert resolved|HighErrorRate resolved;"
	    "state changed|triggered -> mitigated: no alert fires;"
	    "state changed|mitigated -> resolved: no alert has fired for 2m");
	cache_close(c);
	conf_free(conf);
}

/* A firing after the incident resolved is a new one, linked to it. */
static void
test_recurrence(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[1];
	char			 old[INCIDENT_ID_LEN + 1];
	char			 id[INCIDENT_ID_LEN + 1], *want;

	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	CHECK_INT(round_at(c, conf, T0 + MIN, NULL, 0), 0);
	CHECK_INT(round_at(c, conf, T0 + 3 * MIN, NULL, 0), 0);
	id_of("HighErrorRate", "api", T0, old);
	/* The same alert fires again later: same fingerprint, new start. */
	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0 + 9 * MIN);
	CHECK_INT(round_at(c, conf, T0 + 10 * MIN, a, 1), 0);
	id_of("HighErrorRate", "api", T0 + 9 * MIN, id);
	CHECK(strcmp(id, old) != 0);
	want = xasprintf("%s|resolved|NULL;%s|triggered|%s", old, id, old);
	CHECK_ROWS(c, "SELECT id, state, recurrence_of FROM incidents ORDER"
	    " BY started_ms", want);
	free(want);
	want = xasprintf("fired|HighErrorRate fired (P0); a recurrence of %s",
	    old);
	CHECK_ROWS(c, "SELECT kind, text FROM incident_timeline WHERE"
	    " incident_id = (SELECT id FROM incidents WHERE state ="
	    " 'triggered')", want);
	free(want);
	/* It resolves and recurs once more: linked to the latest. */
	CHECK_INT(round_at(c, conf, T0 + 11 * MIN, NULL, 0), 0);
	CHECK_INT(round_at(c, conf, T0 + 13 * MIN, NULL, 0), 0);
	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0 + 20 * MIN);
	CHECK_INT(round_at(c, conf, T0 + 20 * MIN, a, 1), 0);
	want = xasprintf("%s", id);
	CHECK_ROWS(c, "SELECT recurrence_of FROM incidents WHERE state ="
	    " 'triggered'", want);
	free(want);
	CHECK_ROWS(c, "SELECT count(*) FROM incidents WHERE state ="
	    " 'resolved'", "2");
	cache_close(c);
	conf_free(conf);
}

/* Resolved incidents are pruned after keep_resolved, with their rows. */
static void
test_prune(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[1];
	int64_t			 day = 24 * 60 * MIN;

	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	CHECK_INT(round_at(c, conf, T0 + MIN, NULL, 0), 0);
	CHECK_INT(round_at(c, conf, T0 + 3 * MIN, NULL, 0), 0);
	/* The recurrence keeps a link to it while it is kept. */
	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0 + day);
	CHECK_INT(round_at(c, conf, T0 + day, a, 1), 0);
	CHECK_ROWS(c, "SELECT count(*), count(recurrence_of) FROM incidents",
	    "2|1");
	CHECK_INT(round_at(c, conf, T0 + MIN + day, a, 1), 0);
	CHECK_ROWS(c, "SELECT count(*) FROM incidents", "2");
	CHECK_INT(round_at(c, conf, T0 + MIN + day + 1, a, 1), 0);
	CHECK_ROWS(c, "SELECT count(*), count(recurrence_of), state FROM"
	    " incidents", "1|0|triggered");
	CHECK_ROWS(c, "SELECT count(*) FROM incident_timeline WHERE"
	    " incident_id NOT IN (SELECT id FROM incidents)", "0");
	CHECK_ROWS(c, "SELECT count(*) FROM incident_alerts WHERE"
	    " incident_id NOT IN (SELECT id FROM incidents)", "0");
	cache_close(c);
	conf_free(conf);
}

/* Heartbeats are never incidents; other groups are their own. */
static void
test_heartbeats_and_groups(void)
{
	struct cache		*c = open_cache();
	struct store_alert	 a[3];

	a[0] = alert("h1", "Watchdog", "none", "", T0);
	a[1] = alert("f1", "HighErrorRate", "critical", "api", T0);
	a[2] = alert("f2", "HighErrorRate", "critical", "web", T0);
	CHECK_INT(round_at(c, NULL, T0, a, 3), 0);
	CHECK_ROWS(c, "SELECT title FROM incidents ORDER BY title",
	    "HighErrorRate api;HighErrorRate web");
	/* Without a configuration the grace period is 5 minutes. */
	CHECK_INT(round_at(c, NULL, T0 + MIN, a, 1), 0);
	CHECK_INT(round_at(c, NULL, T0 + 6 * MIN - 1, a, 1), 0);
	CHECK_ROWS(c, "SELECT count(*) FROM incidents WHERE state ="
	    " 'resolved'", "0");
	CHECK_INT(round_at(c, NULL, T0 + 6 * MIN, a, 1), 0);
	CHECK_ROWS(c, "SELECT count(*) FROM incidents WHERE state ="
	    " 'resolved'", "2");
	cache_close(c);
}

/* Severity labels map to P0..P3: configured, built in, else P3. */
static void
test_priority_map(void)
{
	struct conf	*conf = test_conf();

	CHECK_INT(incident_priority(NULL, "critical"), 0);
	CHECK_INT(incident_priority(NULL, "CRITICAL"), 0);
	CHECK_INT(incident_priority(NULL, "page"), 0);
	CHECK_INT(incident_priority(NULL, "error"), 1);
	CHECK_INT(incident_priority(NULL, "warning"), 2);
	CHECK_INT(incident_priority(NULL, "info"), 3);
	CHECK_INT(incident_priority(NULL, "whatever"), 3);
	CHECK_INT(incident_priority(NULL, NULL), 3);
	/* The configured map wins, without regard to case. */
	CHECK_INT(incident_priority(conf, "page"), 1);
	CHECK_INT(incident_priority(conf, "sev1"), 0);
	CHECK_INT(incident_priority(conf, "critical"), 0);
	CHECK_INT(incident_priority(conf, "sev2"), 3);
	CHECK_STR(incident_priority_word(0), "P0");
	CHECK_STR(incident_priority_word(3), "P3");
	CHECK_STR(incident_priority_word(7), "P3");
	CHECK_INT(incident_priority_parse("p2"), 2);
	CHECK_INT(incident_priority_parse("P4"), -1);
	CHECK_INT(incident_priority_parse("P"), -1);
	CHECK_INT(incident_priority_parse("P00"), -1);
	conf_free(conf);
}

/* A map entry that is not a priority is a problem, named where it is. */
static void
test_priority_config(void)
{
	static const char	bad[] = "incidents:\n  priorities:\n"
	    "    critical: P0\n    warning: high\n";
	struct conf_problems	 p;
	struct conf		*conf;

	conf_problems_init(&p);
	conf = conf_load_buffer("bad.yaml", bad, sizeof bad - 1, &p);
	CHECK(conf == NULL);
	CHECK_INT((int)p.n, 1);
	if (p.n > 0)
		CHECK_STR(p.v[0], "bad.yaml:4:5: incidents.priorities: 'high'"
		    " for severity 'warning' is not a priority; use P0 (the"
		    " most urgent), P1, P2 or P3");
	conf_free(conf);
	conf_problems_done(&p);
	/* Escalation policies: each problem where it is. */
	{
		static const char	esc[] = "incidents:\n  escalation:\n"
		    "    P0: 0s bot, 5m ops\n    P9: 0s ops\n"
		    "    P1: 5m ops, 1m dev\n";

		conf_problems_init(&p);
		conf = conf_load_buffer("esc.yaml", esc, sizeof esc - 1, &p);
		CHECK(conf == NULL);
		CHECK_INT((int)p.n, 2);
		if (p.n == 2) {
			CHECK_STR(p.v[0], "esc.yaml:4:5: incidents.escalation:"
			    " 'P9' is not a priority; use P0, P1, P2 or P3");
			CHECK_CONTAINS(p.v[1], "esc.yaml:5:5: incidents."
			    "escalation: P1: level 2 '1m dev'");
		}
		conf_free(conf);
		conf_problems_done(&p);
	}
	/* The defaults: 5m grace, 30 days kept, no map (the built-in). */
	conf = conf_new_default();
	CHECK(conf->resolve_after_ms == 5 * MIN);
	CHECK(conf->keep_resolved_ms == 30 * 24 * 60 * MIN);
	CHECK_INT((int)conf->npriorities, 0);
	conf_free(conf);
}

/*
 * The views show the incidents the cache keeps: the id, state, priority,
 * start and recurrence of each, not ones derived again.
 */
static void
test_views_read_cache(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[3];
	struct views		*v;
	char			*cause = NULL, *id, *old;
	size_t			 i;

	a[0] = alert("f1", "HighErrorRate", "warning", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	CHECK_INT(round_at(c, conf, T0 + MIN, NULL, 0), 0);
	CHECK_INT(round_at(c, conf, T0 + 3 * MIN, NULL, 0), 0);
	/* A recurrence, joined by a critical alert that started earlier. */
	a[0] = alert("f1", "HighErrorRate", "warning", "api", T0 + 9 * MIN);
	a[1] = alert("f2", "DiskFull", "sev1", "db", T0 + 9 * MIN);
	CHECK_INT(round_at(c, conf, T0 + 10 * MIN, a, 2), 0);
	a[2] = alert("f3", "HighErrorRate", "critical", "api", T0 + 8 * MIN);
	CHECK_INT(round_at(c, conf, T0 + 11 * MIN, a, 3), 0);
	id = rows(c, "SELECT id FROM incidents WHERE state = 'triggered' AND"
	    " title = 'HighErrorRate api'");
	old = rows(c, "SELECT id FROM incidents WHERE state = 'resolved'");
	/* As if someone had acknowledged it: the views say so. */
	CHECK_INT(sqlite3_exec(cache_db(c), "UPDATE incidents SET state ="
	    " 'acknowledged' WHERE title = 'DiskFull db'", NULL, NULL, NULL),
	    SQLITE_OK);
	v = views_build(c, conf, &conf->contexts[0], T0 + 11 * MIN, &cause);
	CHECK(v != NULL);
	if (v == NULL) {
		printf("# %s\n", cause);
		free(cause);
		goto out;
	}
	CHECK_INT((int)v->nincidents, 2);
	for (i = 0; i < v->nincidents; i++) {
		const struct view_incident	*in = &v->incidents[i];

		if (strcmp(in->title, "HighErrorRate api") == 0) {
			CHECK_STR(in->id, id);
			CHECK_STR(in->state, "triggered");
			CHECK_INT(in->priority, 0);
			CHECK(in->started_ms == T0 + 9 * MIN);
			CHECK_STR(in->recurrence_of != NULL ?
			    in->recurrence_of : "NULL", old);
			CHECK_INT((int)in->nalerts, 2);
		} else {
			CHECK_STR(in->title, "DiskFull db");
			CHECK_STR(in->state, "acknowledged");
			CHECK_INT(in->priority, 0);
			CHECK(in->recurrence_of == NULL);
		}
	}
	views_free(v);
out:
	free(id);
	free(old);
	cache_close(c);
	conf_free(conf);
}

/* A silence of the ACK kind (or any) on the given matchers JSON. */
static struct store_silence
silence(const char *id, const char *state, const char *matchers,
    const char *by, const char *comment, int64_t ends)
{
	struct store_silence	x;

	memset(&x, 0, sizeof x);
	x.source = "am";
	x.id = id;
	x.state = state;
	x.matchers = matchers;
	x.created_by = by;
	x.comment = comment;
	x.starts_at_ms = T0;
	x.ends_at_ms = ends;
	x.updated_at_ms = T0;
	return x;
}

/* What an incident action told. */
struct outcome {
	int	 n;
	int	 ok;
	int	 local;
	char	*message;
};

static void
outcome_cb(const struct incident_outcome *o, void *arg)
{
	struct outcome	*t = arg;

	t->n++;
	t->ok = o->ok;
	t->local = o->local;
	free(t->message);
	t->message = xstrdup(o->message);
}

/*
 * Acknowledge: one silence on the labels the incident's alerts share,
 * "ACK id: title" by the gate's actor; the incident acknowledged with its
 * silence id, in the timeline and the audit log.  The next round, with
 * the silence listed by Alertmanager, agrees and writes nothing; acking
 * again extends the same silence; the silence expired by someone else
 * ends the acknowledgement.
 */
static void
test_ack_shared(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct fake_world	 fw;
	struct action_world	 w = fake_world_of(&fw);
	struct action_gate	*g;
	struct store_alert	 a[2];
	struct store_silence	 x[1];
	struct outcome		 t;
	char			 id[INCIDENT_ID_LEN + 1], *want;
	const char		*m = "[{\"name\":\"alertname\",\"value\":"
	    "\"HighErrorRate\",\"isRegex\":false,\"isEqual\":true},"
	    "{\"name\":\"service\",\"value\":\"api\",\"isRegex\":false,"
	    "\"isEqual\":true}]";

	memset(&t, 0, sizeof t);
	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	a[1] = alert("f2", "HighErrorRate", "warning", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 2), 0);
	id_of("HighErrorRate", "api", T0, id);
	g = action_gate_new(c, "prod", "alice@ops", &w);
	incident_ack(g, conf, id, 0, "on it", T0 + MIN, outcome_cb, &t);
	CHECK_INT(t.n, 0);
	CHECK_INT(fw.nasked, 1);
	CHECK_STR(fw.asked[0], "alertname=\"HighErrorRate\", "
	    "service=\"api\"");
	want = xasprintf("ACK %s: HighErrorRate api - on it", id);
	CHECK_STR(fw.last_comment, want);
	free(want);
	CHECK_STR(fw.last_author, "alice@ops");
	/* incidents.ack_for: 15m by default. */
	CHECK(fw.last_ends == T0 + MIN + 15 * MIN);
	fake_answer(&fw, ACTION_OK, "created", "s1");
	CHECK_INT(t.n, 1);
	CHECK_INT(t.ok, 1);
	CHECK_INT(t.local, 0);
	CHECK_CONTAINS(t.message, "acknowledged until");
	CHECK_ROWS(c, "SELECT state, ack_by, ack_ms - 1700000000000,"
	    " ack_until_ms - 1700000000000, ack_silences, ack_local,"
	    " first_ack_by FROM incidents",
	    "acknowledged|alice@ops|60000|960000|[\"s1\"]|0|alice@ops");
	CHECK_ROWS(c, "SELECT kind, actor FROM incident_timeline WHERE kind ="
	    " 'acknowledged'", "acknowledged|alice@ops");
	want = xasprintf("silence|%s|ok", id);
	CHECK_ROWS(c, "SELECT action, target, result FROM audit", want);
	free(want);
	/* The silence as Alertmanager lists it: nothing changes. */
	x[0] = silence("s1", "active", m, "alice@ops", "ACK x", T0 + 16 * MIN);
	CHECK_INT(round_with(c, conf, T0 + 2 * MIN, a, 2, x, 1), 0);
	CHECK_ROWS(c, "SELECT count(*) FROM incident_timeline WHERE kind ="
	    " 'acknowledged'", "1");
	CHECK_ROWS(c, "SELECT state, ack_silences FROM incidents",
	    "acknowledged|[\"s1\"]");
	/* Again: the same silence, extended. */
	incident_ack(g, conf, id, 30 * MIN, NULL, T0 + 3 * MIN, outcome_cb,
	    &t);
	CHECK_INT(fw.nasked, 2);
	CHECK_STR(fw.asked[1], "s1 alertname=\"HighErrorRate\", "
	    "service=\"api\"");
	CHECK(fw.last_ends == T0 + 33 * MIN);
	fake_answer(&fw, ACTION_OK, "updated", "s1");
	CHECK_CONTAINS(t.message, "acknowledgement extended");
	CHECK_ROWS(c, "SELECT ack_until_ms - 1700000000000, ack_ms -"
	    " 1700000000000 FROM incidents", "1980000|60000");
	/* Someone expires it in Alertmanager: triggered again. */
	x[0] = silence("s1", "expired", m, "alice@ops", "ACK x", T0 + 4 * MIN);
	CHECK_INT(round_with(c, conf, T0 + 5 * MIN, a, 2, x, 1), 0);
	CHECK_ROWS(c, "SELECT state, ack_by, ack_silences, first_ack_by FROM"
	    " incidents", "triggered|NULL|NULL|alice@ops");
	CHECK_ROWS(c, "SELECT kind, actor, text FROM incident_timeline WHERE"
	    " kind = 'unacknowledged'", "unacknowledged|system|"
	    "acknowledgement by alice@ops ended: its silence was expired; "
	    "triggered again");
	CHECK_ROWS(c, "SELECT group_concat(action || ' ' || result, ', ')"
	    " FROM audit", "silence ok, silence update ok");
	action_gate_free(g);
	fake_world_done(&fw);
	free(t.message);
	cache_close(c);
	conf_free(conf);
}

/*
 * Acked twice before any round has listed the silence: the second extends
 * the silence the first wrote (its matchers kept with the incident), and
 * one a round lists as expired is not extended but replaced.
 */
static void
test_ack_extend_unlisted(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct fake_world	 fw;
	struct action_world	 w = fake_world_of(&fw);
	struct action_gate	*g;
	struct store_alert	 a[1];
	struct store_silence	 x[1];
	struct outcome		 t;
	char			 id[INCIDENT_ID_LEN + 1];

	memset(&t, 0, sizeof t);
	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	id_of("HighErrorRate", "api", T0, id);
	g = action_gate_new(c, "prod", "alice@ops", &w);
	incident_ack(g, conf, id, 0, NULL, T0 + MIN, outcome_cb, &t);
	fake_answer(&fw, ACTION_OK, NULL, "s1");
	CHECK(fw.last_starts == T0 + MIN);
	incident_ack(g, conf, id, 0, NULL, T0 + 2 * MIN, outcome_cb, &t);
	/* Its start kept: Alertmanager changes it in place only then. */
	CHECK(fw.last_starts == T0 + MIN);
	CHECK(fw.last_ends == T0 + 2 * MIN + 15 * MIN);
	CHECK_INT(fw.nasked, 2);
	CHECK_STR(fw.asked[1], "s1 alertname=\"HighErrorRate\", "
	    "service=\"api\", severity=\"critical\", fp=\"f1\"");
	fake_answer(&fw, ACTION_OK, NULL, "s1");
	CHECK_CONTAINS(t.message, "acknowledgement extended");
	/* Listed as expired by a round: a new silence, not an update. */
	x[0] = silence("s1", "expired", "[]", "alice@ops", "ACK x", T0);
	CHECK_INT(round_with(c, conf, T0 + 3 * MIN, a, 1, x, 1), 0);
	CHECK_ROWS(c, "SELECT state FROM incidents", "triggered");
	incident_ack(g, conf, id, 0, NULL, T0 + 4 * MIN, outcome_cb, &t);
	CHECK_INT(fw.nasked, 3);
	CHECK_STR(fw.asked[2], "alertname=\"HighErrorRate\", "
	    "service=\"api\", severity=\"critical\", fp=\"f1\"");
	fake_answer(&fw, ACTION_OK, NULL, "s2");
	CHECK_ROWS(c, "SELECT ack_silences, json_extract(ack_matchers,"
	    " '$.s2[0].name') FROM incidents", "[\"s2\"]|alertname");
	action_gate_free(g);
	fake_world_done(&fw);
	free(t.message);
	cache_close(c);
	conf_free(conf);
}

/*
 * An ACK silence made elsewhere (amtool, another sitrep) acknowledges the
 * incident it holds, by its author; one that holds other alerts does not.
 * It ends when it runs out.
 */
static void
test_ack_from_elsewhere(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[2];
	struct store_silence	 x[3];

	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	a[1] = alert("f2", "DiskFull", "warning", "db", T0);
	x[0] = silence("s9", "active", "[{\"name\":\"service\",\"value\":"
	    "\"a.i\",\"isRegex\":true,\"isEqual\":true}]", "bob",
	    "ACK looking", T0 + 10 * MIN);
	/* Not an ACK: an ordinary silence acknowledges nothing. */
	x[1] = silence("s8", "active", "[{\"name\":\"service\",\"value\":"
	    "\"db\",\"isRegex\":false,\"isEqual\":true}]", "carol",
	    "maintenance", T0 + 10 * MIN);
	/* Expired: neither. */
	x[2] = silence("s7", "expired", "[{\"name\":\"service\",\"value\":"
	    "\"db\",\"isRegex\":false,\"isEqual\":true}]", "dave",
	    "ACK old", T0);
	CHECK_INT(round_with(c, conf, T0 + MIN, a, 2, x, 3), 0);
	CHECK_ROWS(c, "SELECT title, state, ack_by, ack_silences FROM"
	    " incidents ORDER BY title",
	    "DiskFull db|triggered|NULL|NULL;"
	    "HighErrorRate api|acknowledged|bob|[\"s9\"]");
	CHECK_ROWS(c, "SELECT actor FROM incident_timeline WHERE kind ="
	    " 'acknowledged'", "bob");
	/* The ordinary silence is in the timeline, by its author. */
	CHECK_ROWS(c, "SELECT actor, text FROM incident_timeline WHERE kind ="
	    " 'silenced'", "carol|silenced by carol until"
	    " 2023-11-14T22:23:20Z: maintenance (silence s8)");
	/* The same round again: nothing new. */
	CHECK_INT(round_with(c, conf, T0 + 2 * MIN, a, 2, x, 3), 0);
	CHECK_ROWS(c, "SELECT count(*) FROM incident_timeline WHERE kind IN"
	    " ('silenced', 'acknowledged')", "2");
	/* Still listed as active after its end (a late round): it ran out. */
	CHECK_INT(round_at(c, conf, T0 + 11 * MIN, a, 2), 0);
	CHECK_ROWS(c, "SELECT title, state FROM incidents ORDER BY title",
	    "DiskFull db|triggered;HighErrorRate api|triggered");
	CHECK_ROWS(c, "SELECT text FROM incident_timeline WHERE kind ="
	    " 'unacknowledged'", "acknowledgement by bob ended: it ran out;"
	    " triggered again");
	CHECK_ROWS(c, "SELECT actor, text FROM incident_timeline WHERE kind ="
	    " 'silence ended'", "system|silence s8 no longer holds it");
	CHECK_ROWS(c, "SELECT count(*) FROM incidents WHERE held_by IS NOT"
	    " NULL", "0");
	cache_close(c);
	conf_free(conf);
}

/*
 * Where Alertmanager refuses or cannot be reached, the acknowledgement
 * is kept here, marked local with the reason, and audited; an invalid
 * silence acknowledges nothing.  Alerts without enough labels in common
 * get a silence each.
 */
static void
test_ack_local_and_invalid(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct fake_world	 fw;
	struct action_world	 w = fake_world_of(&fw);
	struct action_gate	*g;
	struct store_alert	 a[2];
	struct outcome		 t;
	char			 id[INCIDENT_ID_LEN + 1];

	memset(&t, 0, sizeof t);
	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	a[1] = alert("f2", "HighErrorRate", "warning", "api", T0);
	/* Labels of their own: only alertname in common with service. */
	a[0].labels = "{\"alertname\":\"Lone\",\"pod\":\"p1\"}";
	a[0].alertname = "Lone";
	a[1].labels = "{\"alertname\":\"Lone\",\"pod\":\"p2\"}";
	a[1].alertname = "Lone";
	CHECK_INT(round_at(c, conf, T0, a, 2), 0);
	id_of("Lone", "", T0, id);
	g = action_gate_new(c, "prod", "alice@ops", &w);
	incident_ack(g, conf, id, 0, NULL, T0 + MIN, outcome_cb, &t);
	CHECK_INT(fw.nasked, 2);
	CHECK_STR(fw.asked[0], "alertname=\"Lone\", pod=\"p1\"");
	CHECK_STR(fw.asked[1], "alertname=\"Lone\", pod=\"p2\"");
	fake_answer(&fw, ACTION_INVALID, "bad matcher", NULL);
	CHECK_INT(t.n, 0);
	fake_answer(&fw, ACTION_REFUSED, "refuses writes", NULL);
	CHECK_INT(t.n, 1);
	CHECK_INT(t.ok, 0);
	CHECK_CONTAINS(t.message, "not acknowledged: bad matcher");
	CHECK_ROWS(c, "SELECT state FROM incidents", "triggered");
	/* Refused: kept here only. */
	incident_ack(g, conf, id, 0, NULL, T0 + 2 * MIN, outcome_cb, &t);
	fake_answer(&fw, ACTION_REFUSED, "HTTP 403: read-only", NULL);
	fake_answer(&fw, ACTION_UNREACHABLE, "connection refused", NULL);
	CHECK_INT(t.n, 2);
	CHECK_INT(t.ok, 1);
	CHECK_INT(t.local, 1);
	CHECK_CONTAINS(t.message, "local ack, not shared");
	CHECK_ROWS(c, "SELECT state, ack_local, ack_reason, ack_silences FROM"
	    " incidents", "acknowledged|1|HTTP 403: read-only; connection "
	    "refused|NULL");
	CHECK_ROWS(c, "SELECT action, result FROM audit ORDER BY seq DESC"
	    " LIMIT 1", "ack|local");
	/* A round without silences keeps a local ack until it runs out. */
	CHECK_INT(round_at(c, conf, T0 + 3 * MIN, a, 2), 0);
	CHECK_ROWS(c, "SELECT state FROM incidents", "acknowledged");
	/* Taken back: nothing to expire, audited. */
	incident_unack(g, id, T0 + 4 * MIN, outcome_cb, &t);
	CHECK_INT(t.n, 3);
	CHECK_INT(t.ok, 1);
	CHECK_ROWS(c, "SELECT state, ack_local FROM incidents",
	    "triggered|0");
	CHECK_ROWS(c, "SELECT action, result FROM audit ORDER BY seq DESC"
	    " LIMIT 1", "unack|local");
	action_gate_free(g);
	fake_world_done(&fw);
	free(t.message);
	cache_close(c);
	conf_free(conf);
}

/* Unack expires the silences; a refusal keeps the acknowledgement. */
static void
test_unack(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct fake_world	 fw;
	struct action_world	 w = fake_world_of(&fw);
	struct action_gate	*g;
	struct store_alert	 a[1];
	struct outcome		 t;
	char			 id[INCIDENT_ID_LEN + 1];

	memset(&t, 0, sizeof t);
	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	id_of("HighErrorRate", "api", T0, id);
	g = action_gate_new(c, "prod", "alice@ops", &w);
	incident_unack(g, id, T0, outcome_cb, &t);
	CHECK_INT(t.ok, 0);
	CHECK_CONTAINS(t.message, "is not acknowledged");
	incident_ack(g, conf, id, 0, NULL, T0 + MIN, outcome_cb, &t);
	fake_answer(&fw, ACTION_OK, NULL, "s1");
	incident_unack(g, id, T0 + 2 * MIN, outcome_cb, &t);
	CHECK_STR(fw.asked[fw.nasked - 1], "expire s1");
	fake_answer(&fw, ACTION_UNREACHABLE, "am down", NULL);
	CHECK_INT(t.ok, 0);
	CHECK_CONTAINS(t.message, "stays acknowledged: am down");
	CHECK_ROWS(c, "SELECT state FROM incidents", "acknowledged");
	incident_unack(g, id, T0 + 3 * MIN, outcome_cb, &t);
	fake_answer(&fw, ACTION_OK, NULL, NULL);
	CHECK_INT(t.ok, 1);
	CHECK_ROWS(c, "SELECT state, ack_silences FROM incidents",
	    "triggered|NULL");
	CHECK_ROWS(c, "SELECT actor, text FROM incident_timeline WHERE kind ="
	    " 'unacknowledged'", "alice@ops|acknowledgement taken back");
	CHECK_ROWS(c, "SELECT group_concat(action || ' ' || result, ', ')"
	    " FROM audit", "silence ok, expire unreachable, expire ok");
	action_gate_free(g);
	fake_world_done(&fw);
	free(t.message);
	cache_close(c);
	conf_free(conf);
}

/* Notes, resolving by hand, and ids by prefix. */
static void
test_note_resolve_lookup(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct action_gate	*g;
	struct store_alert	 a[1];
	char			 id[INCIDENT_ID_LEN + 1], pre[5], *got = NULL;
	char			*cause = NULL;

	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	id_of("HighErrorRate", "api", T0, id);
	g = action_gate_new(c, "prod", "alice@ops", NULL);
	memcpy(pre, id, 4);
	pre[4] = '\0';
	CHECK_INT(incident_lookup(c, "prod", pre, &got, &cause), 0);
	CHECK_STR(got, id);
	free(got);
	CHECK_INT(incident_lookup(c, "prod", "abc", &got, &cause), -1);
	CHECK_CONTAINS(cause, "at least the first 4");
	free(cause);
	CHECK_INT(incident_lookup(c, "staging", id, &got, &cause), -1);
	CHECK_CONTAINS(cause, "no incident");
	free(cause);
	CHECK_INT(incident_note(g, id, "rolled back \033[2Jpayments", T0 + MIN,
	    &cause), 0);
	CHECK_ROWS(c, "SELECT actor, kind FROM incident_timeline WHERE kind ="
	    " 'note'", "alice@ops|note");
	CHECK_INT(incident_note(g, id, "", T0 + MIN, &cause), -1);
	free(cause);
	/* Still firing: refused, with what to do. */
	CHECK_INT(incident_resolve(g, id, T0 + MIN, &cause), -1);
	CHECK_CONTAINS(cause, "1 alert of incident");
	free(cause);
	CHECK_INT(round_at(c, conf, T0 + 2 * MIN, NULL, 0), 0);
	CHECK_ROWS(c, "SELECT state FROM incidents", "mitigated");
	CHECK_INT(incident_resolve(g, id, T0 + 3 * MIN, &cause), 0);
	CHECK_ROWS(c, "SELECT state, resolved_ms - 1700000000000,"
	    " mitigated_ms - 1700000000000 FROM incidents",
	    "resolved|180000|120000");
	CHECK_ROWS(c, "SELECT actor, text FROM incident_timeline WHERE text"
	    " LIKE '%by hand'", "alice@ops|mitigated -> resolved by hand");
	CHECK_ROWS(c, "SELECT group_concat(action || ' ' || result, ', ')"
	    " FROM audit", "note ok, resolve ok");
	CHECK_INT(incident_resolve(g, id, T0 + 3 * MIN, &cause), -1);
	CHECK_CONTAINS(cause, "already resolved");
	free(cause);
	action_gate_free(g);
	cache_close(c);
	conf_free(conf);
}

/* Escalation policies: the built-in P0 one, parsing, levels by age. */
static void
test_escalation_policy(void)
{
	struct escalation	 e;
	char			*cause = NULL;
	int64_t			 next;

	escalation_for(NULL, 0, &e);
	CHECK_INT((int)e.n, 5);
	CHECK_STR(e.v[1].who, "on-call engineer");
	CHECK_INT((int)escalation_reached(&e, 0, &next), 1);
	CHECK(next == 2 * MIN);
	CHECK_INT((int)escalation_reached(&e, 30 * MIN, &next), 3);
	CHECK(next == 30 * MIN);
	CHECK_INT((int)escalation_reached(&e, 5 * 60 * MIN, &next), 5);
	CHECK(next == -1);
	escalation_done(&e);
	escalation_for(NULL, 1, &e);
	CHECK_INT((int)e.n, 0);
	CHECK_INT((int)escalation_reached(&e, 60 * MIN, &next), 0);
	CHECK_INT(escalation_parse("none", &e, &cause), 0);
	CHECK_INT((int)e.n, 0);
	CHECK_INT(escalation_parse("5m ops, 2m dev", &e, &cause), -1);
	CHECK_CONTAINS(cause, "level 2 '2m dev'");
	CHECK_CONTAINS(cause, "not after the level before");
	free(cause);
	CHECK_INT(escalation_parse("5m", &e, &cause), -1);
	CHECK_CONTAINS(cause, "reaches nobody");
	free(cause);
	CHECK_INT(escalation_parse("soon ops", &e, &cause), -1);
	CHECK_CONTAINS(cause, "level 1 'soon ops'");
	free(cause);
	CHECK_INT(escalation_parse("", &e, &cause), -1);
	free(cause);
}

/*
 * A triggered incident escalates as it ages (one timeline row per level
 * reached); acknowledged, its clock stops; triggered again, it goes on
 * from its age.
 */
static void
test_escalation_rounds(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct fake_world	 fw;
	struct action_world	 w = fake_world_of(&fw);
	struct action_gate	*g;
	struct store_alert	 a[1];
	struct store_silence	 x[1];
	struct outcome		 t;
	char			 id[INCIDENT_ID_LEN + 1];

	memset(&t, 0, sizeof t);
	/* "page" is P1 here: 0s on-call engineer, 10m senior engineer. */
	a[0] = alert("f1", "QueueStuck", "page", "jobs", T0);
	CHECK_INT(round_at(c, conf, T0, a, 1), 0);
	id_of("QueueStuck", "jobs", T0, id);
	CHECK_ROWS(c, "SELECT priority, escalation FROM incidents", "P1|1");
	CHECK_ROWS(c, "SELECT text FROM incident_timeline WHERE kind ="
	    " 'escalated'", "level 1 of 2: on-call engineer (from the start)");
	CHECK_INT(round_at(c, conf, T0 + 5 * MIN, a, 1), 0);
	CHECK_ROWS(c, "SELECT escalation FROM incidents", "1");
	g = action_gate_new(c, "prod", "alice@ops", &w);
	incident_ack(g, conf, id, 0, NULL, T0 + 6 * MIN, outcome_cb, &t);
	fake_answer(&fw, ACTION_OK, NULL, "s1");
	x[0] = silence("s1", "active", "[]", "alice@ops", "ACK x",
	    T0 + 21 * MIN);
	/* Acknowledged past the 10m mark: no escalation. */
	CHECK_INT(round_with(c, conf, T0 + 11 * MIN, a, 1, x, 1), 0);
	CHECK_ROWS(c, "SELECT state, escalation FROM incidents",
	    "acknowledged|1");
	/* The ack ends: triggered, and at 12m old it reaches level 2. */
	x[0] = silence("s1", "expired", "[]", "alice@ops", "ACK x",
	    T0 + 12 * MIN);
	CHECK_INT(round_with(c, conf, T0 + 12 * MIN, a, 1, x, 1), 0);
	CHECK_ROWS(c, "SELECT state, escalation FROM incidents",
	    "triggered|2");
	CHECK_ROWS(c, "SELECT ts_ms - 1700000000000, text FROM"
	    " incident_timeline WHERE kind = 'escalated' ORDER BY ts_ms",
	    "0|level 1 of 2: on-call engineer (from the start);"
	    "720000|level 2 of 2: senior engineer (unacknowledged for 12m)");
	action_gate_free(g);
	fake_world_done(&fw);
	free(t.message);
	cache_close(c);
	conf_free(conf);
}

/* ------------------------------------------------------------------ */
/* Rounds played again, and random sequences of rounds                 */
/* ------------------------------------------------------------------ */

/*
 * One round as round_with() plays it, with in *changed the rows that
 * incident_update() itself changed (SQLite's total_changes around it).
 */
static int
round_counted(struct cache *c, const struct conf *conf, int64_t now,
    const struct store_alert *a, size_t n, const struct store_silence *x,
    size_t nx, long long *changed)
{
	char		*cause = NULL;
	long long	 n0;
	int		 rc;

	if (cache_begin(c, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		return -1;
	}
	rc = store_alerts(c, "prod", a, n, now, &cause) != 0 ||
	    store_silences(c, "prod", x, nx, now, &cause) != 0 ? -1 : 0;
	n0 = sqlite3_total_changes64(cache_db(c));
	if (rc == 0 && incident_update(c, "prod", conf, now, &cause) != 0)
		rc = -1;
	*changed = sqlite3_total_changes64(cache_db(c)) - n0;
	if (rc != 0) {
		printf("# round at %lld: %s\n", (long long)(now - T0), cause);
		free(cause);
		cache_rollback(c);
		return -1;
	}
	if (cache_commit(c, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Every row of the three incident tables, in a fixed order. */
static char *
incident_tables(struct cache *c)
{
	char	*i, *a, *t, *all;

	i = rows(c, "SELECT * FROM incidents ORDER BY id");
	a = rows(c, "SELECT * FROM incident_alerts ORDER BY incident_id,"
	    " fingerprint");
	t = rows(c, "SELECT * FROM incident_timeline ORDER BY id");
	all = xasprintf("incidents: %s\nalerts: %s\ntimeline: %s", i, a, t);
	free(i);
	free(a);
	free(t);
	return all;
}

/*
 * A round played again at the same time changes no row: neither alerts
 * nor timers moved.  Nor does a round 3 s later with the same alerts
 * and silences, with members resolved, one incident mitigated in its
 * grace period, one acknowledged and one held by a silence.
 */
static void
test_steady_writes_nothing(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[4];
	struct store_silence	 x[2];
	long long		 changed = -1;
	char			*before, *after;

	a[0] = alert("f1", "HighErrorRate", "critical", "api", T0);
	a[1] = alert("f2", "HighErrorRate", "warning", "api", T0);
	a[2] = alert("f3", "TargetDown", "page", "db", T0);
	a[3] = alert("f4", "DiskFull", "warning", "web", T0);
	x[0] = silence("s1", "active", "[{\"name\":\"service\",\"value\":"
	    "\"db\",\"isRegex\":false,\"isEqual\":true}]", "alice@ops",
	    "ACK db", T0 + 60 * MIN);
	x[1] = silence("s2", "active", "[{\"name\":\"service\",\"value\":"
	    "\"api\",\"isRegex\":false,\"isEqual\":true}]", "bob@ops",
	    "deploying", T0 + 60 * MIN);
	CHECK_INT(round_counted(c, conf, T0, a, 4, x, 2, &changed), 0);
	CHECK(changed > 0);
	/* f2 stops, DiskFull stops: a member resolved, one mitigated. */
	a[1] = a[2];
	a[2] = alert("f5", "Watchdog", "none", "", T0);
	CHECK_INT(round_counted(c, conf, T0 + MIN, a, 3, x, 2, &changed), 0);
	CHECK(changed > 0);
	CHECK_ROWS(c, "SELECT group_key, state, held_by IS NOT NULL FROM"
	    " incidents ORDER BY group_key",
	    "alertname=DiskFull,namespace=,service=web,cluster=|mitigated|0;"
	    "alertname=HighErrorRate,namespace=,service=api,cluster=|"
	    "triggered|1;"
	    "alertname=TargetDown,namespace=,service=db,cluster=|"
	    "acknowledged|0");
	before = incident_tables(c);
	CHECK_INT(round_counted(c, conf, T0 + MIN, a, 3, x, 2, &changed), 0);
	CHECK_INT(changed, 0);
	CHECK_INT(round_counted(c, conf, T0 + MIN + 3000, a, 3, x, 2,
	    &changed), 0);
	CHECK_INT(changed, 0);
	after = incident_tables(c);
	CHECK_STR(after, before);
	free(before);
	free(after);
	/* A timer that is due still writes: P1's second level at 10m. */
	CHECK_INT(round_counted(c, conf, T0 + 10 * MIN, a, 3, x, 2,
	    &changed), 0);
	CHECK(changed > 0);
	cache_close(c);
	conf_free(conf);
}

/*
 * Hand-computed: an alert that moves to another group (its service
 * changes) is resolved in the first incident and joins the second; the
 * members that stop in one round are resolved in the order they joined;
 * a member that fires again rejoins its row.
 */
static void
test_regroup_and_refire(void)
{
	struct conf		*conf = test_conf();
	struct cache		*c = open_cache();
	struct store_alert	 a[3];
	char			 api[INCIDENT_ID_LEN + 1];
	char			 web[INCIDENT_ID_LEN + 1], *want;

	id_of("HighErrorRate", "api", T0, api);
	id_of("HighErrorRate", "web", T0 + MIN, web);
	/* Opened speaking with its worst alert, not its first. */
	a[0] = alert("f2", "HighErrorRate", "critical", "api", T0 + 30000);
	a[1] = alert("f1", "HighErrorRate", "warning", "api", T0);
	a[2] = alert("f3", "HighErrorRate", "warning", "api", T0 + 20000);
	CHECK_INT(round_at(c, conf, T0 + MIN, a, 3), 0);
	CHECK_ROWS(c, "SELECT severity, priority FROM incidents",
	    "critical|P0");
	/* f3 moves to web; f1 and f2 stop. */
	a[0] = alert("f3", "HighErrorRate", "critical", "web", T0 + MIN);
	CHECK_INT(round_at(c, conf, T0 + 2 * MIN, a, 1), 0);
	/* f1 fires again on api. */
	a[1] = alert("f1", "HighErrorRate", "warning", "api", T0 + 3 * MIN);
	CHECK_INT(round_at(c, conf, T0 + 3 * MIN, a, 2), 0);
	want = xasprintf("%s|f1|0|NULL;%s|f2|30000|120000;"
	    "%s|f3|20000|120000;%s|f3|60000|NULL", api, api, api, web);
	CHECK_ROWS(c, "SELECT incident_id, fingerprint, joined_ms -"
	    " 1700000000000, coalesce(resolved_ms - 1700000000000, 'NULL')"
	    " FROM incident_alerts ORDER BY (SELECT started_ms FROM incidents"
	    " WHERE id = incident_id), fingerprint", want);
	free(want);
	want = xasprintf("%s|HighErrorRate fired (P0);"
	    "%s|HighErrorRate joined (warning);"
	    "%s|HighErrorRate joined (critical);"
	    "%s|HighErrorRate fired (P0);"
	    "%s|HighErrorRate resolved;%s|HighErrorRate resolved;"
	    "%s|HighErrorRate resolved;"
	    "%s|triggered -> mitigated: no alert fires;"
	    "%s|HighErrorRate fires again;"
	    "%s|mitigated -> triggered: an alert fires again",
	    api, api, api, web, api, api, api, api, api, api);
	CHECK_ROWS(c, "SELECT incident_id, text FROM incident_timeline ORDER"
	    " BY id", want);
	free(want);
	CHECK_ROWS(c, "SELECT group_key, state, severity, priority FROM"
	    " incidents ORDER BY started_ms",
	    "alertname=HighErrorRate,namespace=,service=api,cluster=|"
	    "triggered|critical|P0;"
	    "alertname=HighErrorRate,namespace=,service=web,cluster=|"
	    "triggered|critical|P0");
	cache_close(c);
	conf_free(conf);
}

/* A small random generator (xorshift64), for repeatable sequences. */
static uint64_t
rnd_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Whether an event of chance pct percent happens. */
static int
rnd_pct(uint64_t *s, unsigned pct)
{
	return rnd_next(s) % 100 < pct;
}

/* An alert of the random world. */
struct rnd_alert {
	char	 fp[8];
	char	 labels[200];
	int	 name, svc, sev, firing;
	int64_t	 starts;
};

/*
 * The invariants of the incident tables against the alerts stored: each
 * firing alert is an unresolved member of the one open incident of its
 * group key, each unresolved member fires with that key, and an open
 * incident is quiet (mitigated) exactly when none of its members fires.
 */
static void
check_invariants(struct cache *c)
{
	static const char alert_key[] = "'alertname=' || al.alertname ||"
	    " ',namespace=,service=' || json_extract(al.labels, '$.service')"
	    " || ',cluster='";
	char	*sql;

	sql = xasprintf("SELECT count(*) FROM alerts al WHERE al.alertname"
	    " <> 'Watchdog' AND (SELECT count(*) FROM incident_alerts ia JOIN"
	    " incidents i ON i.id = ia.incident_id WHERE i.state <>"
	    " 'resolved' AND ia.resolved_ms IS NULL AND ia.fingerprint ="
	    " al.fingerprint AND i.group_key = %s) <> 1", alert_key);
	CHECK_ROWS(c, sql, "0");
	free(sql);
	sql = xasprintf("SELECT count(*) FROM incident_alerts ia JOIN"
	    " incidents i ON i.id = ia.incident_id WHERE ia.resolved_ms IS"
	    " NULL AND NOT EXISTS (SELECT 1 FROM alerts al WHERE"
	    " al.fingerprint = ia.fingerprint AND i.group_key = %s)",
	    alert_key);
	CHECK_ROWS(c, sql, "0");
	free(sql);
	CHECK_ROWS(c, "SELECT count(*) FROM incidents i WHERE state <>"
	    " 'resolved' AND ((quiet_ms IS NULL) <> EXISTS (SELECT 1 FROM"
	    " incident_alerts WHERE incident_id = i.id AND resolved_ms IS"
	    " NULL) OR (quiet_ms IS NOT NULL AND state <> 'mitigated'))",
	    "0");
}

/*
 * Random sequences of rounds: alerts appear, stop, fire again, change
 * severity and group (service), an ACK silence and another come and go,
 * and time moves by steps across the grace period and the escalation
 * levels.  Each sequence is played into two caches, into the second one
 * twice per round: the second playing must change nothing, and the two
 * caches must hold the same rows after every round; the invariants above
 * hold after every round.
 */
static void
test_random_rounds(void)
{
	static const char *const names[] = { "HighErrorRate", "TargetDown",
	    "Watchdog" };
	static const char *const svcs[] = { "api", "db", "web" };
	static const char *const sevs[] = { "critical", "warning", "info",
	    "page" };
	static const int64_t steps[] = { 3000, 20000, MIN, 150000, 11 * MIN };
	struct conf		*conf = test_conf();
	struct rnd_alert	 pool[12];
	struct store_alert	 a[12];
	struct store_silence	 x[2];
	uint64_t		 seed;
	int64_t			 now;
	long long		 changed, total = 0;
	size_t			 i, n, nx;
	int			 s, round, ack = 0, mute = 0, ok = 1;
	long			 opened = 0;

	for (s = 1; s <= harness_reps(12) && ok; s++) {
		struct cache	*once = open_cache(), *twice = open_cache();
		char		*t1, *t2;

		seed = 0x9e3779b97f4a7c15ULL * (uint64_t)s;
		memset(pool, 0, sizeof pool);
		for (i = 0; i < 12; i++)
			snprintf(pool[i].fp, sizeof pool[i].fp, "f%02zu", i);
		now = T0;
		for (round = 0; round < 40 && ok; round++) {
			now += steps[rnd_next(&seed) % 5];
			for (i = 0; i < 12; i++) {
				struct rnd_alert	*p = &pool[i];

				if (rnd_pct(&seed, 25)) {
					p->firing = !p->firing;
					p->starts = now - (int64_t)(rnd_next(
					    &seed) % 30000);
				}
				if (rnd_pct(&seed, 10))
					p->sev = (int)(rnd_next(&seed) % 4);
				if (rnd_pct(&seed, 10))
					p->svc = (int)(rnd_next(&seed) % 3);
				if (round == 0)
					p->name = (int)(i % 5 == 4 ? 2 : i % 2);
			}
			if (rnd_pct(&seed, 15))
				ack = !ack;
			if (rnd_pct(&seed, 15))
				mute = !mute;
			for (i = n = 0; i < 12; i++) {
				struct rnd_alert	*p = &pool[i];

				if (!p->firing)
					continue;
				a[n] = alert(p->fp, names[p->name],
				    sevs[p->sev], svcs[p->svc], p->starts);
				snprintf(p->labels, sizeof p->labels,
				    "{\"alertname\":\"%s\",\"service\":\"%s\","
				    "\"severity\":\"%s\"}", names[p->name],
				    svcs[p->svc], sevs[p->sev]);
				a[n++].labels = p->labels;
			}
			x[0] = silence("ack", ack ? "active" : "expired",
			    "[{\"name\":\"service\",\"value\":\"api\","
			    "\"isRegex\":false,\"isEqual\":true}]", "alice@ops",
			    "ACK api", now + (ack ? 30 * MIN : -1000));
			x[1] = silence("mute", mute ? "active" : "expired",
			    "[{\"name\":\"alertname\",\"value\":\"TargetDown\","
			    "\"isRegex\":false,\"isEqual\":true}]", "bob@ops",
			    "noisy", now + (mute ? 30 * MIN : -1000));
			nx = 2;
			ok = round_counted(once, conf, now, a, n, x, nx,
			    &changed) == 0 &&
			    round_counted(twice, conf, now, a, n, x, nx,
			    &changed) == 0;
			total += changed;
			ok = ok && round_counted(twice, conf, now, a, n, x, nx,
			    &changed) == 0;
			CHECK(ok);
			if (ok && changed != 0) {
				printf("# seed %d round %d: played again, %lld"
				    " rows changed\n", s, round, changed);
				ok = 0;
			}
			t1 = incident_tables(once);
			t2 = incident_tables(twice);
			if (ok && strcmp(t1, t2) != 0) {
				printf("# seed %d round %d\n", s, round);
				CHECK_STR(t2, t1);
				ok = 0;
			}
			free(t1);
			free(t2);
			if (ok) {
				check_invariants(once);
				ok = !harness_failed;
			}
		}
		t1 = rows(once, "SELECT count(*) FROM incidents");
		opened += strtol(t1, NULL, 10);
		free(t1);
		cache_close(once);
		cache_close(twice);
	}
	CHECK(ok);
	/* The sequences did exercise something. */
	CHECK(total > 0);
	CHECK(opened > 12);
	conf_free(conf);
}

static const struct test tests[] = {
	TEST(test_escalation_policy),
	TEST(test_escalation_rounds),
	TEST(test_ack_shared),
	TEST(test_ack_extend_unlisted),
	TEST(test_ack_from_elsewhere),
	TEST(test_ack_local_and_invalid),
	TEST(test_unack),
	TEST(test_note_resolve_lookup),
	TEST(test_open_and_join),
	TEST(test_resolve_after_grace),
	TEST(test_flap_within_grace),
	TEST(test_recurrence),
	TEST(test_prune),
	TEST(test_heartbeats_and_groups),
	TEST(test_priority_map),
	TEST(test_priority_config),
	TEST(test_views_read_cache),
	TEST(test_steady_writes_nothing),
	TEST(test_regroup_and_refire),
	TEST(test_random_rounds),
	{ NULL, NULL }
};

int
main(void)
{
	char	*rm;
	int	 rc;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", dir);
		return 1;
	}
	rc = harness_run(tests);
	rm = xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		rc = 1;
	free(rm);
	return rc;
}
