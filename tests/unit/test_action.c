/*
 * test_action.c: silence matchers (core/silence.c) and the one write gate
 * (core/action.c).
 *
 * Matchers are parsed in the syntax amtool takes, written back, turned
 * into Alertmanager's JSON and back, and matched against labels as
 * Alertmanager matches them (a missing label is the empty string, a regex
 * must match the whole value).  The gate is driven with a world made here
 * that answers when the test says: every write leaves exactly one audit
 * row with its result, a gate without a world refuses with a sentence
 * naming the config key, and freeing a gate with a write in flight calls
 * nobody back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/xmalloc.h"
#include "core/action.h"
#include "core/audit.h"
#include "core/cache.h"
#include "core/silence.h"
#include "tests/unit/fake_world.h"

static char	dir[] = "/tmp/sitrep-test-action.XXXXXX";
static int	ncache;

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

/* Parse text; the formatted form, or "ERR: cause". */
static char *
reformat(const char *text)
{
	struct matchers	 m;
	char		*cause = NULL, *out;

	matchers_init(&m);
	if (matchers_parse(&m, text, &cause) != 0) {
		out = xasprintf("ERR: %s", cause);
		free(cause);
		return out;
	}
	out = matchers_format(&m);
	matchers_done(&m);
	return out;
}

/* The text forms amtool and the selector syntax take. */
static void
test_matchers_parse(void)
{
	static const struct {
		const char	*in, *out;
	} ok[] = {
		{ "alertname=\"HighLatency\"", "alertname=\"HighLatency\"" },
		{ "{alertname=\"X\", severity=~\"crit.*\"}",
		  "alertname=\"X\", severity=~\"crit.*\"" },
		{ " a = b , c!=d,e!~\"f|g\" ", "a=\"b\", c!=\"d\", e!~\"f|g\"" },
		{ "a=\"quo\\\"te\\\\\"", "a=\"quo\\\"te\\\\\"" },
		{ "a=\"\"", "a=\"\"" },
		{ "job=\"x,y\"", "job=\"x,y\"" },
	};
	static const struct {
		const char	*in, *why;
	} bad[] = {
		{ "", "no matchers" },
		{ "{}", "no matchers" },
		{ "=x", "expected a label name" },
		{ "a", "needs an operator" },
		{ "a~b", "needs an operator" },
		{ "a=\"b", "no closing quote" },
		{ "a=b\"c", "stray quote" },
		{ "{a=b", "no closing brace" },
		{ "a=b}", "unbalanced braces" },
		{ "a=b c=d", "expected a comma" },
		{ "a=~\"(\"", "does not compile" },
		{ "a=~\"\\d+\"", "Perl classes" },
		{ "a=~\"(?i)x\"", "(?i)" },
		{ "a=~\"x*?\"", "lazy repetition" },
	};
	struct matchers	 m;
	char		*s, *cause = NULL;
	size_t		 i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		s = reformat(ok[i].in);
		CHECK_STR(s, ok[i].out);
		free(s);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s = reformat(bad[i].in);
		CHECK(strncmp(s, "ERR: ", 5) == 0);
		CHECK_CONTAINS(s, bad[i].why);
		free(s);
	}
	/* Transactional: a failure leaves what was there. */
	matchers_init(&m);
	CHECK_INT(matchers_parse(&m, "a=b", &cause), 0);
	CHECK_INT(matchers_parse(&m, "c=d, e=~\"(\"", &cause), -1);
	free(cause);
	CHECK_INT((int)m.n, 1);
	CHECK_INT(matchers_parse(&m, "c=d", &cause), 0);
	CHECK_INT((int)m.n, 2);
	matchers_done(&m);
	/* Too long to be a silence. */
	s = xmalloc(MATCHER_TEXT_MAX + 10);
	memset(s, 'a', MATCHER_TEXT_MAX + 9);
	s[MATCHER_TEXT_MAX + 9] = '\0';
	s[0] = 'a';
	s[1] = '=';
	matchers_init(&m);
	CHECK_INT(matchers_parse(&m, s, &cause), -1);
	CHECK_CONTAINS(cause, "longer than");
	free(cause);
	free(s);
}

/* Alertmanager's JSON, both ways, and what an old one leaves out. */
static void
test_matchers_json(void)
{
	struct matchers	 m, back;
	cJSON		*j, *old;
	char		*cause = NULL, *s, *t;

	matchers_init(&m);
	matchers_init(&back);
	CHECK_INT(matchers_parse(&m, "a=b, c!=d, e=~f, g!~h", &cause), 0);
	j = matchers_to_json(&m);
	s = cJSON_PrintUnformatted(j);
	CHECK_STR(s, "[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false,"
	    "\"isEqual\":true},{\"name\":\"c\",\"value\":\"d\",\"isRegex\":"
	    "false,\"isEqual\":false},{\"name\":\"e\",\"value\":\"f\","
	    "\"isRegex\":true,\"isEqual\":true},{\"name\":\"g\",\"value\":"
	    "\"h\",\"isRegex\":true,\"isEqual\":false}]");
	cJSON_free(s);
	CHECK_INT(matchers_from_json(&back, j, &cause), 0);
	s = matchers_format(&m);
	t = matchers_format(&back);
	CHECK_STR(t, s);
	free(s);
	free(t);
	cJSON_Delete(j);
	matchers_done(&back);
	old = cJSON_Parse("[{\"name\":\"x\",\"value\":\"y\",\"isRegex\":true}]");
	CHECK_INT(matchers_from_json(&back, old, &cause), 0);
	CHECK_INT(back.v[0].op, MATCH_RE);
	cJSON_Delete(old);
	old = cJSON_Parse("[{\"name\":\"x\"}]");
	CHECK_INT(matchers_from_json(&back, old, &cause), -1);
	CHECK_CONTAINS(cause, "without a name or value");
	free(cause);
	CHECK_INT((int)back.n, 1);
	cJSON_Delete(old);
	matchers_done(&back);
	matchers_done(&m);
}

/* Whether text matches the labels (JSON). */
static int
match(const char *text, const char *labels)
{
	struct matchers	 m;
	cJSON		*l;
	char		*cause = NULL;
	int		 hit;

	matchers_init(&m);
	if (matchers_parse(&m, text, &cause) != 0) {
		printf("# %s: %s\n", text, cause);
		free(cause);
		return -1;
	}
	l = cJSON_Parse(labels);
	hit = matchers_match(&m, l);
	cJSON_Delete(l);
	matchers_done(&m);
	return hit;
}

/* Matching as Alertmanager matches. */
static void
test_matchers_match(void)
{
	const char	*l = "{\"alertname\":\"HighLatency\",\"severity\":"
	    "\"critical\",\"service\":\"checkout\"}";

	CHECK_INT(match("alertname=HighLatency", l), 1);
	CHECK_INT(match("alertname=HighLatency, severity=warning", l), 0);
	CHECK_INT(match("severity=~\"crit.*\"", l), 1);
	/* The whole value: a prefix alone does not match. */
	CHECK_INT(match("severity=~\"crit\"", l), 0);
	CHECK_INT(match("severity=~\"warning|critical\"", l), 1);
	CHECK_INT(match("severity!~\"warn.*\"", l), 1);
	CHECK_INT(match("service!=checkout", l), 0);
	/* A missing label is the empty string. */
	CHECK_INT(match("team=\"\"", l), 1);
	CHECK_INT(match("team!=\"\"", l), 0);
	CHECK_INT(match("team=~\".*\"", l), 1);
	CHECK_INT(match("team=ops", l), 0);
	/* Not an alternation that escapes the anchors. */
	CHECK_INT(match("service=~\"x|checkou\"", l), 0);
}

/* What a caller is told. */
struct told {
	int			 n;
	enum action_status	 status;
	char			*message;
	char			*id;
};

static void
told_cb(const struct action_result *r, void *arg)
{
	struct told	*t = arg;

	t->n++;
	t->status = r->status;
	free(t->message);
	t->message = r->message != NULL ? xstrdup(r->message) : NULL;
	free(t->id);
	t->id = r->id != NULL ? xstrdup(r->id) : NULL;
}

/* The audit rows, "action|target|result|detail" each, one per line. */
static char *
audit_rows(struct cache *c)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*out = xstrdup(""), *next;

	db = cache_db(c);
	if (sqlite3_prepare_v2(db, "SELECT action, target, result, detail,"
	    " actor, context FROM audit ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK)
		return out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		next = xasprintf("%s%s|%s|%s|%s|%s|%s\n", out,
		    sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
		    sqlite3_column_text(st, 2), sqlite3_column_text(st, 3),
		    sqlite3_column_text(st, 4), sqlite3_column_text(st, 5));
		free(out);
		out = next;
	}
	sqlite3_finalize(st);
	return out;
}

/* Every write through the gate leaves one audit row with its result. */
static void
test_gate_audits(void)
{
	struct cache		*c = open_cache();
	struct fake_world	 fw;
	struct action_world	 w = fake_world_of(&fw);
	struct action_gate	*g;
	struct action_silence	 s;
	struct matchers		 m;
	struct told		 t;
	char			*rows, *cause = NULL;
	int64_t			 n, seq, bad = 0;
	char			 hash[SHA256_HEX_LEN + 1];

	memset(&t, 0, sizeof t);
	matchers_init(&m);
	matchers_parse(&m, "alertname=\"X\"", &cause);
	g = action_gate_new(c, "prod", "alice@ops", &w);
	CHECK_STR(action_gate_actor(g), "alice@ops");
	CHECK_STR(action_gate_world(g), "fake");
	memset(&s, 0, sizeof s);
	s.matchers = &m;
	s.starts_ms = 1700000000000LL;
	s.ends_ms = 1700000900000LL;
	s.comment = "ACK 1a2b3c4d";
	action_silence(g, &s, "incident 1a2b3c4d", told_cb, &t);
	CHECK_INT(fw.calls, 1);
	CHECK_INT(t.n, 0);
	/* The author is the gate's actor unless the silence names one. */
	CHECK_STR(fw.last_author, "alice@ops");
	fake_answer(&fw, ACTION_OK, "silenced", "abc-123");
	CHECK_INT(t.n, 1);
	CHECK_INT(t.status, ACTION_OK);
	CHECK_STR(t.id, "abc-123");
	s.id = "abc-123";
	s.created_by = "bob";
	action_silence(g, &s, "incident 1a2b3c4d", told_cb, &t);
	CHECK_STR(fw.last_author, "bob");
	CHECK_STR(fw.last_id, "abc-123");
	fake_answer(&fw, ACTION_REFUSED, "HTTP 403", NULL);
	action_expire(g, "abc-123", "silence", told_cb, &t);
	fake_answer(&fw, ACTION_INVALID, "bad id", NULL);
	CHECK_INT(t.n, 3);
	CHECK_INT(action_record(g, "note", "incident 1a2b3c4d", "ok",
	    "looking at it", &cause), 0);
	rows = audit_rows(c);
	CHECK_STR(rows,
	    "silence|incident 1a2b3c4d|ok|until 2023-11-14T22:28:20Z: "
	    "alertname=\"X\"; silence abc-123; silenced|alice@ops|prod\n"
	    "silence update|incident 1a2b3c4d|refused|silence abc-123 now "
	    "until 2023-11-14T22:28:20Z: alertname=\"X\"; HTTP 403|alice@ops"
	    "|prod\n"
	    "expire|silence|invalid|silence abc-123; bad id|alice@ops|prod\n"
	    "note|incident 1a2b3c4d|ok|looking at it|alice@ops|prod\n");
	free(rows);
	CHECK_INT(audit_head(c, &n, &seq, hash, &cause), 0);
	CHECK_INT((int)n, 4);
	CHECK_INT(audit_verify(c, &bad, &cause), 0);
	/* Freed with a write in flight: the world is cancelled, nobody told. */
	action_expire(g, "abc-123", "silence", told_cb, &t);
	action_gate_free(g);
	CHECK_INT(fw.cancelled, 1);
	CHECK_INT(t.n, 3);
	fake_world_done(&fw);
	free(t.message);
	free(t.id);
	matchers_done(&m);
	cache_close(c);
}

/* Without a world: refused at once, audited, with what to configure. */
static void
test_gate_no_world(void)
{
	struct cache		*c = open_cache();
	struct action_gate	*g;
	struct action_silence	 s;
	struct matchers		 m;
	struct told		 t;
	char			*rows, *cause = NULL;

	memset(&t, 0, sizeof t);
	matchers_init(&m);
	matchers_parse(&m, "a=b", &cause);
	g = action_gate_new(c, "staging", NULL, NULL);
	CHECK(action_gate_world(g) == NULL);
	CHECK(*action_gate_actor(g) != '\0');
	memset(&s, 0, sizeof s);
	s.matchers = &m;
	s.ends_ms = 1;
	s.comment = "x";
	action_silence(g, &s, "silence", told_cb, &t);
	CHECK_INT(t.n, 1);
	CHECK_INT(t.status, ACTION_UNREACHABLE);
	CHECK_CONTAINS(t.message, "context staging has no Alertmanager");
	CHECK_CONTAINS(t.message, "alertmanagers: list");
	action_expire(g, "id1", "silence", told_cb, &t);
	CHECK_INT(t.n, 2);
	rows = audit_rows(c);
	CHECK_CONTAINS(rows, "silence|silence|unreachable|");
	CHECK_CONTAINS(rows, "expire|silence|unreachable|silence id1; ");
	free(rows);
	action_gate_free(g);
	free(t.message);
	free(t.id);
	matchers_done(&m);
	cache_close(c);
}

/* A world's alert part, held until the test answers. */
static void
fake_alert(void *impl, const struct action_alert *a, action_done_cb done,
    void *arg)
{
	struct fake_world	*w = impl;
	char			*m;

	w->calls++;
	m = matchers_format(a->labels);
	fake_note(w, xasprintf("%s %s", a->resolve ? "resolve" : "fire", m));
	free(m);
	fake_hold(w, done, arg);
}

/* Drill alerts: one audit row per post, whatever the answer. */
static void
test_gate_fire(void)
{
	struct cache		*c = open_cache();
	struct fake_world	 fw;
	struct action_world	 w = fake_world_of(&fw);
	struct action_gate	*g;
	struct action_policy	 pol;
	struct action_alert	 a;
	struct matchers		 m, back;
	struct told		 t;
	char			*rows, *cause = NULL;
	const char		*d;
	int64_t			 bad = 0;

	memset(&t, 0, sizeof t);
	matchers_init(&m);
	CHECK_INT(matchers_parse(&m, "alertname=\"SitrepLiveFire\", "
	    "drill=\"true\", drill_name=\"smoke\", drill_run=\"r1\"",
	    &cause), 0);
	memset(&a, 0, sizeof a);
	a.labels = &m;
	a.starts_ms = 1700000000000LL;
	a.ends_ms = 1700000900000LL;

	/* A world without the part: refused at once, with a row. */
	g = action_gate_new(c, "lab", "alice@ops", &w);
	action_fire(g, &a, "drill smoke run r1", told_cb, &t);
	CHECK_INT(fw.calls, 0);
	CHECK_INT(t.n, 1);
	CHECK_INT(t.status, ACTION_UNREACHABLE);
	CHECK_CONTAINS(t.message, "fake of context lab takes no posted "
	    "alerts");
	CHECK_CONTAINS(t.message, "alertmanagers: list");
	action_gate_free(g);
	fake_world_done(&fw);

	/* With it: the world is asked, the row written once it answers. */
	w = fake_world_of(&fw);
	w.alert = fake_alert;
	g = action_gate_new(c, "lab", "alice@ops", &w);
	action_fire(g, &a, "drill smoke run r1", told_cb, &t);
	CHECK_INT(fw.calls, 1);
	CHECK_INT(t.n, 1);
	CHECK_STR(fw.asked[0], "fire alertname=\"SitrepLiveFire\", "
	    "drill=\"true\", drill_name=\"smoke\", drill_run=\"r1\"");
	fake_answer(&fw, ACTION_OK, "taken by am-1 (http://am:9093)", NULL);
	CHECK_INT(t.n, 2);
	CHECK_INT(t.status, ACTION_OK);
	a.resolve = 1;
	a.ends_ms = 1700000060000LL;
	action_fire(g, &a, "drill smoke run r1", told_cb, &t);
	fake_answer(&fw, ACTION_UNREACHABLE, "no Alertmanager took it", NULL);
	CHECK_INT(t.n, 3);

	/* Labels that are not name="value", or no alertname: invalid. */
	a.resolve = 0;
	matchers_init(&back);
	matchers_parse(&back, "drill=\"true\"", &cause);
	a.labels = &back;
	action_fire(g, &a, "drill bad run r2", told_cb, &t);
	CHECK_INT(t.status, ACTION_INVALID);
	matchers_done(&back);
	matchers_init(&back);
	matchers_parse(&back, "alertname=~\"X.*\"", &cause);
	action_fire(g, &a, "drill bad run r3", told_cb, &t);
	CHECK_INT(t.status, ACTION_INVALID);
	matchers_done(&back);
	a.labels = &m;
	CHECK_INT(fw.calls, 2);

	/* Protected: a fire needs the context's name; a resolve does not. */
	action_policy_default(&pol);
	pol.protected_ctx = 1;
	action_gate_set_policy(g, &pol);
	action_fire(g, &a, "drill smoke run r4", told_cb, &t);
	CHECK_INT(t.status, ACTION_REFUSED);
	CHECK_CONTAINS(t.message, "context lab is protected");
	CHECK_CONTAINS(t.message, "--confirm lab");
	a.confirm = "prod";
	action_fire(g, &a, "drill smoke run r4", told_cb, &t);
	CHECK_INT(t.status, ACTION_REFUSED);
	CHECK_INT(fw.calls, 2);
	a.confirm = "lab";
	action_fire(g, &a, "drill smoke run r4", told_cb, &t);
	CHECK_INT(fw.calls, 3);
	fake_answer(&fw, ACTION_OK, "taken by am-1", NULL);
	a.confirm = NULL;
	a.resolve = 1;
	action_fire(g, &a, "drill smoke run r4", told_cb, &t);
	CHECK_INT(fw.calls, 4);
	fake_answer(&fw, ACTION_OK, "resolved by am-1", NULL);
	CHECK_INT(t.n, 9);

	rows = audit_rows(c);
	CHECK_STR(rows,
	    "fire|drill smoke run r1|unreachable|labels {alertname="
	    "\"SitrepLiveFire\", drill=\"true\", drill_name=\"smoke\", "
	    "drill_run=\"r1\"}; starts 2023-11-14T22:13:20Z; ends "
	    "2023-11-14T22:28:20Z; fake of context lab takes no posted alerts; "
	    "fire drills at a context whose alertmanagers: list real "
	    "Alertmanagers|alice@ops|lab\n"
	    "fire|drill smoke run r1|ok|labels {alertname=\"SitrepLiveFire\", "
	    "drill=\"true\", drill_name=\"smoke\", drill_run=\"r1\"}; "
	    "starts 2023-11-14T22:13:20Z; ends 2023-11-14T22:28:20Z; taken by "
	    "am-1 (http://am:9093)|alice@ops|lab\n"
	    "fire-resolve|drill smoke run r1|unreachable|labels {alertname="
	    "\"SitrepLiveFire\", drill=\"true\", drill_name=\"smoke\", "
	    "drill_run=\"r1\"}; starts 2023-11-14T22:13:20Z; ends "
	    "2023-11-14T22:14:20Z; no Alertmanager took it|alice@ops|lab\n"
	    "fire|drill bad run r2|invalid|labels {drill=\"true\"}; starts "
	    "2023-11-14T22:13:20Z; ends 2023-11-14T22:14:20Z; an alert's "
	    "labels are name=\"value\" pairs, alertname among them|alice@ops"
	    "|lab\n"
	    "fire|drill bad run r3|invalid|labels {alertname=~\"X.*\"}; starts "
	    "2023-11-14T22:13:20Z; ends 2023-11-14T22:14:20Z; an alert's "
	    "labels are name=\"value\" pairs, alertname among them|alice@ops"
	    "|lab\n"
	    "fire|drill smoke run r4|refused|labels {alertname="
	    "\"SitrepLiveFire\", drill=\"true\", drill_name=\"smoke\", "
	    "drill_run=\"r1\"}; starts 2023-11-14T22:13:20Z; ends "
	    "2023-11-14T22:14:20Z; context lab is protected: to fire a drill "
	    "alert in it, confirm with its name (--confirm lab)|alice@ops|lab\n"
	    "fire|drill smoke run r4|refused|labels {alertname="
	    "\"SitrepLiveFire\", drill=\"true\", drill_name=\"smoke\", "
	    "drill_run=\"r1\"}; starts 2023-11-14T22:13:20Z; ends "
	    "2023-11-14T22:14:20Z; context lab is protected: to fire a drill "
	    "alert in it, confirm with its name (--confirm lab)|alice@ops|lab\n"
	    "fire|drill smoke run r4|ok|labels {alertname=\"SitrepLiveFire\", "
	    "drill=\"true\", drill_name=\"smoke\", drill_run=\"r1\"}; "
	    "starts 2023-11-14T22:13:20Z; ends 2023-11-14T22:14:20Z; taken by "
	    "am-1|alice@ops|lab\n"
	    "fire-resolve|drill smoke run r4|ok|labels {alertname="
	    "\"SitrepLiveFire\", drill=\"true\", drill_name=\"smoke\", "
	    "drill_run=\"r1\"}; starts 2023-11-14T22:13:20Z; ends "
	    "2023-11-14T22:14:20Z; resolved by am-1|alice@ops|lab\n");
	free(rows);
	CHECK_INT(audit_verify(c, &bad, &cause), 0);

	/* The row's labels read back as they were posted. */
	rows = audit_rows(c);
	d = strstr(rows, "labels {");
	matchers_init(&back);
	CHECK(d != NULL);
	if (d != NULL) {
		char	*text = xstrndup(d + 7, (size_t)(strstr(d, "}; ") - d -
			    6));

		CHECK_INT(matchers_parse(&back, text, &cause), 0);
		CHECK_INT((int)back.n, 4);
		CHECK_STR(back.v[3].value, "r1");
		free(text);
	}
	matchers_done(&back);
	free(rows);

	/* Freed with a post in flight: nobody told. */
	action_fire(g, &a, "drill smoke run r5", told_cb, &t);
	action_gate_free(g);
	CHECK_INT(t.n, 9);
	fake_world_done(&fw);
	free(t.message);
	free(t.id);
	matchers_done(&m);
	cache_close(c);
}

/* The default actor is printable, user@host. */
static void
test_default_actor(void)
{
	char	*a;
	const char *p;

	setenv("USER", "eve\033[2J", 1);
	a = action_default_actor();
	CHECK(strncmp(a, "eve_[2J@", 8) == 0);
	for (p = a; *p != '\0'; p++)
		CHECK(*p > ' ' && *p <= '~');
	free(a);
}

static const struct test tests[] = {
	TEST(test_matchers_parse),
	TEST(test_matchers_json),
	TEST(test_matchers_match),
	TEST(test_gate_audits),
	TEST(test_gate_no_world),
	TEST(test_gate_fire),
	TEST(test_default_actor),
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
