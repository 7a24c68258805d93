/*
 * test_postmortem.c: an incident's postmortem draft (core/postmortem.c,
 * export/postmortem.c).
 *
 * A cache is played as the sources fill it: rounds of alerts at chosen
 * times, an acknowledgement through the gate, a note, the SLO's period
 * ratio sampled before the start and at the end, rollouts in and outside
 * the incident's namespace.  The draft must say exactly what happened:
 * the times to acknowledge, mitigate and resolve, the budget spent, the
 * rollouts in its namespace and window only, the actions from the audit
 * log; the JSON is the documented schema; and hostile text (markup, table
 * pipes, escape sequences) in labels and notes is escaped in every format.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"
#include "tests/unit/fake_world.h"

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/incident.h"
#include "core/incident_act.h"
#include "core/postmortem.h"
#include "core/store.h"
#include "export/postmortem.h"

#define MIN	(60 * 1000LL)
#define T0	(1700000000000LL)

static char	dir[] = "/tmp/sitrep-test-postmortem.XXXXXX";

/* One SLO on service checkout; a 2m grace. */
static const char conf_yaml[] =
    "contexts:\n"
    "  - name: prod\n"
    "incidents:\n"
    "  resolve_after: 2m\n"
    "slos:\n"
    "  - name: checkout-availability\n"
    "    service: checkout\n"
    "    objective: 99.9\n"
    "    period: 30d\n"
    "    sli:\n"
    "      raw:\n"
    "        error_ratio_query: \"1 - avg_over_time(up[{{.window}}])\"\n";

/* The hostile alert: markup, a pipe, an escape sequence. */
static const char hostile_labels[] =
    "{\"alertname\":\"CheckoutErrors\",\"service\":\"checkout\","
    "\"namespace\":\"shop\",\"severity\":\"critical\","
    "\"cluster\":\"<script>alert(1)</script>|x\\u001b[2J\"}";

/* A round: the alert (if firing) stored at now, incidents updated. */
static int
round_at(struct cache *c, const struct conf *conf, int64_t now, int firing)
{
	struct store_alert	a;
	char			*cause = NULL;
	int			 rc;

	memset(&a, 0, sizeof a);
	a.source = "am";
	a.fingerprint = "f1";
	a.alertname = "CheckoutErrors";
	a.severity = "critical";
	a.state = "active";
	a.silenced_by = "[]";
	a.inhibited_by = "[]";
	a.labels = hostile_labels;
	a.annotations = "{\"summary\":\"5xx above 2% <b>now</b>\"}";
	a.starts_at_ms = T0;
	a.ends_at_ms = STORE_NULL;
	a.updated_at_ms = now;
	a.receivers = "[\"pagerduty-oncall\"]";
	if (cache_begin(c, &cause) != 0)
		goto fail;
	rc = store_alerts(c, "prod", &a, firing ? 1 : 0, now, &cause) != 0 ||
	    incident_update(c, "prod", conf, now, &cause) != 0;
	if (rc != 0) {
		cache_rollback(c);
		goto fail;
	}
	if (cache_commit(c, &cause) != 0)
		goto fail;
	return 0;
fail:
	printf("# %s\n", cause);
	free(cause);
	return -1;
}

/* Said by an incident action. */
static void
said(const struct incident_outcome *o, void *arg)
{
	*(int *)arg = o->ok;
}

/* Run sql on the cache. */
static void
sql(struct cache *c, const char *q)
{
	char	*err = NULL;

	if (sqlite3_exec(cache_db(c), q, NULL, NULL, &err) != SQLITE_OK) {
		printf("# %s: %s\n", q, err);
		sqlite3_free(err);
	}
}

/* The played incident, resolved at T0 + 30m; its id into id. */
static struct cache *
played(const struct conf *conf, char *id)
{
	struct cache		*c;
	struct fake_world	 fw;
	struct action_world	 w = fake_world_of(&fw);
	struct action_gate	*g;
	struct store_point	 p[2];
	char			*path, *warning = NULL, *cause = NULL;
	int			 ok = 0;

	path = xasprintf("%s/cache.db", dir);
	c = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	if (c == NULL) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	/* The budget: 90% left before, 85% after (ratio 0.0001, 0.00015). */
	p[0].ts_ms = T0 - 2 * MIN;
	p[0].value = 0.0001;
	p[1].ts_ms = T0 + 19 * MIN;
	p[1].value = 0.00015;
	if (store_history(c, "prod", "slo:checkout-availability:ratio:period",
	    p, 2, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
	}
	round_at(c, conf, T0, 1);
	g = action_gate_new(c, "prod", "alice@ops", &w);
	{
		sqlite3_stmt	*st;

		sqlite3_prepare_v2(cache_db(c), "SELECT id FROM incidents", -1,
		    &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(id, INCIDENT_ID_LEN + 1, "%s",
			    (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	incident_ack(g, conf, id, 0, "on it", T0 + 4 * MIN, said, &ok);
	fake_answer(&fw, ACTION_OK, "created", "s1");
	incident_note(g, id, "rolled back | <i>checkout</i> \033[31m", T0 +
	    10 * MIN, &cause);
	round_at(c, conf, T0 + 20 * MIN, 0);
	round_at(c, conf, T0 + 22 * MIN, 0);
	/* Rollouts: in shop in the window, in shop before it, elsewhere. */
	sql(c, "INSERT INTO kube_rollouts (context, namespace, kind, name,"
	    " revision, images, at_ms, seen_ms) VALUES"
	    " ('prod', 'shop', 'Deployment', 'checkout', 7,"
	    "  '[\"reg/checkout:1.2\"]', 1699999700000, 0),"
	    " ('prod', 'shop', 'Deployment', 'checkout', 6, NULL,"
	    "  1699990000000, 0),"
	    " ('prod', 'ledger', 'Deployment', 'ledger', 3, NULL,"
	    "  1699999800000, 0)");
	action_gate_free(g);
	fake_world_done(&fw);
	return c;
}

/* What the cache knows, read back exactly. */
static void
test_read(void)
{
	struct conf		*conf;
	struct conf_problems	 pr;
	struct cache		*c;
	struct postmortem	*pm;
	char			 id[INCIDENT_ID_LEN + 1] = "", *cause = NULL;

	conf_problems_init(&pr);
	conf = conf_load_buffer("t.yaml", conf_yaml, sizeof conf_yaml - 1,
	    &pr);
	if (conf == NULL) {
		printf("Bail out! %s\n", pr.n > 0 ? pr.v[0] : "config");
		exit(1);
	}
	conf_problems_done(&pr);
	c = played(conf, id);
	pm = postmortem_read(c, conf, "prod", id, T0 + 60 * MIN, &cause);
	CHECK(pm != NULL);
	if (pm == NULL) {
		printf("# %s\n", cause);
		free(cause);
		goto out;
	}
	CHECK_STR(pm->d->inc.state, "resolved");
	CHECK(pm->d->inc.tta_ms == 4 * MIN);
	CHECK(pm->d->inc.ttm_ms == 20 * MIN);
	CHECK(pm->d->inc.ttr_ms == 20 * MIN);
	CHECK(pm->to_ms == T0 + 20 * MIN);
	CHECK_INT((int)pm->nservices, 1);
	CHECK_STR(pm->nservices > 0 ? pm->services[0] : NULL, "checkout");
	CHECK_INT((int)pm->nslos, 1);
	if (pm->nslos == 1) {
		CHECK(pm->slos[0].known);
		CHECK_NEAR(pm->slos[0].left_before, 0.9, 1e-9);
			CHECK_NEAR(pm->slos[0].left_after, 0.85, 1e-9);
		CHECK(pm->slos[0].after_ms == T0 + 19 * MIN);
	}
	/* Only the rollout in its namespace and window. */
	CHECK_INT((int)pm->nrollouts, 1);
	if (pm->nrollouts == 1) {
		CHECK_STR(pm->rollouts[0].name, "checkout");
		CHECK_STR(pm->rollouts[0].images, "reg/checkout:1.2");
		CHECK(pm->rollouts[0].revision == 7);
	}
	CHECK_INT((int)pm->nactions, 2);
	if (pm->nactions == 2) {
		CHECK_STR(pm->actions[0].action, "silence");
		CHECK_STR(pm->actions[1].action, "note");
	}
	postmortem_free(pm);
	pm = postmortem_read(c, conf, "prod", "deadbeef", T0, &cause);
	CHECK(pm == NULL);
	free(cause);
out:
	cache_close(c);
	conf_free(conf);
}

/* Render one format. */
static char *
render(const struct postmortem *pm, enum export_format f)
{
	struct buf	 b;
	char		*cause = NULL;

	buf_init(&b, 0);
	if (export_postmortem(pm, f, &b, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
	}
	return buf_detach(&b);
}

/* Each format says it, and escapes what came from outside. */
static void
test_formats(void)
{
	struct conf		*conf;
	struct conf_problems	 pr;
	struct cache		*c;
	struct postmortem	*pm;
	cJSON			*j, *x;
	char			 id[INCIDENT_ID_LEN + 1] = "", *cause = NULL;
	char			*md, *html, *json, *text;

	conf_problems_init(&pr);
	conf = conf_load_buffer("t.yaml", conf_yaml, sizeof conf_yaml - 1,
	    &pr);
	conf_problems_done(&pr);
	if (conf == NULL)
		return;
	/* The cache of test_read, played again. */
	{
		char	*rm = xasprintf("rm -f '%s'/cache.db*", dir);

		if (system(rm) != 0)
			printf("# %s failed\n", rm);
		free(rm);
	}
	c = played(conf, id);
	pm = postmortem_read(c, conf, "prod", id, T0 + 60 * MIN, &cause);
	if (pm == NULL) {
		CHECK(pm != NULL);
		free(cause);
		cache_close(c);
		conf_free(conf);
		return;
	}
	md = render(pm, EXPORT_MARKDOWN);
	CHECK_CONTAINS(md, "# Postmortem draft: CheckoutErrors");
	CHECK_CONTAINS(md, "| First acknowledged | 2023-11-14T22:17:20Z "
	    "(after 4m) by alice@ops |");
	CHECK_CONTAINS(md, "| checkout-availability | checkout | 99.9% | "
	    "90.0% | 85.0% | 5.0% |");
	CHECK_CONTAINS(md, "| Deployment shop/checkout | 7 | "
	    "reg/checkout:1.2 |");
	/* Markup inert, the pipe escaped, no escape byte. */
	CHECK(strstr(md, "<script>") == NULL);
	CHECK(strstr(md, "<i>") == NULL);
	CHECK_CONTAINS(md, "rolled back \\| &lt;i&gt;checkout&lt;/i&gt;");
	CHECK(strchr(md, '\033') == NULL);
	html = render(pm, EXPORT_HTML);
	CHECK_CONTAINS(html, "<!DOCTYPE html>");
	CHECK_CONTAINS(html, "&lt;script&gt;");
	CHECK(strstr(html, "<script>") == NULL);
	CHECK(strstr(html, "<b>now</b>") == NULL);
	CHECK(strchr(html, '\033') == NULL);
	CHECK_CONTAINS(html, "</html>\n");
	json = render(pm, EXPORT_JSON);
	CHECK(strchr(json, '\033') == NULL);
	j = cJSON_Parse(json);
	CHECK(j != NULL);
	if (j != NULL) {
		x = cJSON_GetObjectItemCaseSensitive(j, "schema");
		CHECK_STR(cJSON_GetStringValue(x), "sitrep.postmortem/1");
		x = cJSON_GetObjectItemCaseSensitive(j, "incident");
		CHECK_STR(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(x, "state")), "resolved");
		CHECK(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(x,
		    "time_to_acknowledge_s")) == 240);
		x = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j,
		    "impact"), 0);
		CHECK_NEAR(cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(x, "budget_left_before")),
		    0.9, 1e-6);
		x = cJSON_GetObjectItemCaseSensitive(j, "incident");
		x = cJSON_GetObjectItemCaseSensitive(x, "title");
		/* The reader gets the original text back. */
		CHECK_STR(cJSON_GetStringValue(x), "CheckoutErrors shop "
		    "checkout <script>alert(1)</script>|x\033[2J");
		CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j,
		    "actions")), 2);
		cJSON_Delete(j);
	}
	text = render(pm, EXPORT_TEXT);
	CHECK_STR(text, "");
	free(md);
	free(html);
	free(json);
	free(text);
	postmortem_free(pm);
	cache_close(c);
	conf_free(conf);
}

static const struct test tests[] = {
	TEST(test_read),
	TEST(test_formats),
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
