/*
 * test_oncall.c: who is on call (core/oncall.c), read from oncall: as
 * config check reads it.
 *
 * The rotation's maths run under chosen time zones (TZ=UTC, and
 * Europe/Berlin across both daylight-saving changes of 2026): handoffs
 * stay at the local wall-clock time.  Then whom an escalation level
 * reaches, the views' fields and their lines in the vocabulary, the
 * documents (with hostile names), and every problem of the section with
 * its FILE:LINE:COL.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"
#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/oncall.h"
#include "core/views.h"
#include "core/vocab.h"
#include "export/export.h"

#define HOUR	3600000LL
#define DAY	(24 * HOUR)

/* Switch the local time zone. */
static void
use_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Whether the system knows a zone (its tzdata file is there). */
static int
have_zone(const char *name)
{
	char	path[256];

	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	return access(path, R_OK) == 0;
}

/* Ms of an RFC 3339 time, for readable tests. */
static int64_t
at(const char *rfc3339)
{
	int64_t	ms = 0;

	if (util_parse_rfc3339(rfc3339, &ms) != 0) {
		printf("# bad time in the test: %s\n", rfc3339);
		harness_failed = 1;
	}
	return ms;
}

/* RFC 3339 of ms, in a static buffer (one use per expression). */
static const char *
fmt(int64_t ms)
{
	static char	buf[64];

	return util_format_rfc3339(ms, buf, sizeof buf);
}

/* Load a configuration from text, expecting no problem. */
static struct conf *
load(const char *yaml)
{
	struct conf_problems	 p;
	struct conf		*conf;
	size_t			 i;

	conf_problems_init(&p);
	conf = conf_load_buffer("mem.yaml", yaml, strlen(yaml), &p);
	for (i = 0; i < p.n; i++)
		printf("# %s\n", p.v[i]);
	CHECK_INT(p.n, 0);
	conf_problems_done(&p);
	return conf;
}

/* Load a configuration that must fail; its problems, one per line. */
static char *
problems(const char *yaml)
{
	struct conf_problems	 p;
	struct conf		*conf;
	struct buf		 b;
	size_t			 i;

	conf_problems_init(&p);
	conf = conf_load_buffer("mem.yaml", yaml, strlen(yaml), &p);
	CHECK(conf == NULL);
	conf_free(conf);
	buf_init(&b, 0);
	for (i = 0; i < p.n; i++)
		buf_printf(&b, "%s\n", p.v[i]);
	conf_problems_done(&p);
	return buf_detach(&b);
}

static const char people[] =
    "oncall:\n"
    "  people:\n"
    "    - name: alice\n"
    "      contact: \"+1 555 0100, @alice\"\n"
    "    - name: bob\n"
    "      contact: \"@bob\"\n"
    "    - {name: carol, contact: \"@carol\"}\n";

/* The brief's example rotation, with start and period replaced. */
static struct conf *
rotation(const char *start, const char *period, const char *order)
{
	struct conf	*conf;
	char		*yaml;

	yaml = xasprintf("%s  rotation:\n    start: \"%s\"\n    period: %s\n"
	    "%s%s%s  levels:\n    on-call engineer: rotation\n"
	    "    senior engineer: carol\n", people, start, period,
	    order != NULL ? "    order: " : "", order != NULL ? order : "",
	    order != NULL ? "\n" : "");
	conf = load(yaml);
	free(yaml);
	return conf;
}

/* Local start times: what is accepted and what is said. */
static void
test_parse_start(void)
{
	static const char *const good[] = { "2026-01-05 09:00",
	    "2026-01-05T09:00", "2026-01-05 09:00:30", "2024-02-29 00:00" };
	static const char *const bad[] = { "", "2026-01-05", "09:00",
	    "2026-1-5 9:00", "2026-01-05 09:00Z", "2026-13-05 09:00",
	    "2026-02-29 09:00", "2026-01-05 24:00", "2026-01-32 09:00",
	    "1969-12-31 23:00", "2026-01-05  09:00", "next monday" };
	struct tm	 tm;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		cause = NULL;
		CHECK_INT(oncall_parse_start(good[i], &tm, &cause), 0);
		CHECK(cause == NULL);
		free(cause);
	}
	CHECK(oncall_parse_start("2026-01-05 09:07:30", &tm, &cause) == 0);
	CHECK_INT(tm.tm_year, 126);
	CHECK_INT(tm.tm_mon, 0);
	CHECK_INT(tm.tm_mday, 5);
	CHECK_INT(tm.tm_hour, 9);
	CHECK_INT(tm.tm_min, 7);
	CHECK_INT(tm.tm_sec, 30);
	CHECK_INT(tm.tm_isdst, -1);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		CHECK_INT(oncall_parse_start(bad[i], &tm, &cause), -1);
		CHECK_CONTAINS(cause, "YYYY-MM-DD HH:MM");
		free(cause);
	}
}

/* A weekly rotation in UTC: shifts, handoffs, before the first. */
static void
test_rotation_utc(void)
{
	struct conf		*conf;
	struct oncall_shift	 s;

	use_tz("UTC");
	conf = rotation("2026-01-05 09:00", "1w", "[alice, bob]");
	if (conf == NULL)
		return;
	CHECK_INT(conf->oncall_period_ms, 7 * DAY);

	CHECK_INT(oncall_at(conf, at("2026-01-05T09:00:00Z"), &s), 0);
	CHECK_STR(s.name, "alice");
	CHECK_STR(s.contact, "+1 555 0100, @alice");
	CHECK_STR(fmt(s.start_ms), "2026-01-05T09:00:00Z");
	CHECK_STR(fmt(s.end_ms), "2026-01-12T09:00:00Z");
	CHECK_INT(oncall_at(conf, at("2026-01-12T08:59:59Z"), &s), 0);
	CHECK_STR(s.name, "alice");
	CHECK_INT(oncall_at(conf, at("2026-01-12T09:00:00Z"), &s), 0);
	CHECK_STR(s.name, "bob");
	CHECK_STR(s.contact, "@bob");
	CHECK_STR(fmt(s.end_ms), "2026-01-19T09:00:00Z");
	CHECK_INT(oncall_at(conf, at("2026-01-19T09:00:00Z"), &s), 0);
	CHECK_STR(s.name, "alice");
	/* 47 weeks and a day after the start: bob's week (odd). */
	CHECK_INT(oncall_at(conf, at("2026-12-01T12:00:00Z"), &s), 0);
	CHECK_STR(s.name, "bob");
	CHECK_STR(fmt(s.start_ms), "2026-11-30T09:00:00Z");
	CHECK_STR(fmt(s.end_ms), "2026-12-07T09:00:00Z");
	/* Before the first shift: nobody, until it starts. */
	CHECK_INT(oncall_at(conf, at("2026-01-05T08:59:59Z"), &s), 0);
	CHECK(s.name == NULL);
	CHECK(s.contact == NULL);
	CHECK_STR(fmt(s.end_ms), "2026-01-05T09:00:00Z");
	conf_free(conf);

	/* Without order: every person in turn; daily. */
	conf = rotation("2026-01-05 09:00", "1d", NULL);
	if (conf == NULL)
		return;
	CHECK_INT(oncall_at(conf, at("2026-01-07T10:00:00Z"), &s), 0);
	CHECK_STR(s.name, "carol");
	CHECK_STR(fmt(s.end_ms), "2026-01-08T09:00:00Z");
	CHECK_INT(oncall_at(conf, at("2026-01-08T09:00:00Z"), &s), 0);
	CHECK_STR(s.name, "alice");
	conf_free(conf);

	/* No rotation, no section: nobody is on call. */
	conf = load(people);
	if (conf != NULL) {
		CHECK_INT(oncall_at(conf, at("2026-01-07T10:00:00Z"), &s), -1);
		CHECK(s.name == NULL);
	}
	conf_free(conf);
	conf = load("theme: default\n");
	if (conf != NULL)
		CHECK_INT(oncall_at(conf, at("2026-01-07T10:00:00Z"), &s), -1);
	conf_free(conf);
	CHECK_INT(oncall_at(NULL, 0, &s), -1);
}

/* Berlin: handoffs stay at 09:00 local across both changes of 2026. */
static void
test_rotation_dst(void)
{
	struct conf		*conf;
	struct oncall_shift	 s, prev;
	struct tm		 tm;
	time_t			 t;
	int64_t			 ms;
	int			 handoffs = 0, ok = 1;

	if (!have_zone("Europe/Berlin")) {
		SKIP("no tzdata for Europe/Berlin on this system");
		return;
	}
	use_tz("Europe/Berlin");

	/* Weekly: Monday 09:00 CET is 08:00Z, after 29 March 07:00Z. */
	conf = rotation("2026-03-23 09:00", "1w", "[alice, bob]");
	if (conf == NULL)
		goto out;
	CHECK_INT(oncall_at(conf, at("2026-03-23T08:00:00Z"), &s), 0);
	CHECK_STR(s.name, "alice");
	CHECK_INT(oncall_at(conf, at("2026-03-29T12:00:00Z"), &s), 0);
	CHECK_STR(s.name, "alice");
	CHECK_STR(fmt(s.end_ms), "2026-03-30T07:00:00Z");
	CHECK_INT(s.end_ms - s.start_ms, 7 * DAY - HOUR);	/* short week */
	CHECK_INT(oncall_at(conf, at("2026-03-30T07:00:00Z"), &s), 0);
	CHECK_STR(s.name, "bob");
	CHECK_INT(oncall_at(conf, at("2026-03-30T06:59:59Z"), &s), 0);
	CHECK_STR(s.name, "alice");
	/* And back in October: a long week, 09:00 CET again. */
	CHECK_INT(oncall_at(conf, at("2026-10-24T12:00:00Z"), &s), 0);
	CHECK_STR(fmt(s.start_ms), "2026-10-19T07:00:00Z");
	CHECK_STR(fmt(s.end_ms), "2026-10-26T08:00:00Z");
	CHECK_INT(s.end_ms - s.start_ms, 7 * DAY + HOUR);
	conf_free(conf);

	/* Daily, three people, over the October change. */
	conf = rotation("2026-10-20 09:00", "1d", NULL);
	if (conf == NULL)
		goto out;
	CHECK_INT(oncall_at(conf, at("2026-10-25T10:00:00Z"), &s), 0);
	CHECK_STR(s.name, "carol");		/* the sixth shift */
	CHECK_STR(fmt(s.start_ms), "2026-10-25T08:00:00Z");
	CHECK_STR(fmt(s.end_ms), "2026-10-26T08:00:00Z");
	CHECK_INT(oncall_at(conf, at("2026-10-25T07:59:59Z"), &s), 0);
	CHECK_STR(s.name, "bob");
	CHECK_INT(s.end_ms - s.start_ms, 25 * HOUR);
	conf_free(conf);

	/*
	 * The nastiest handoff time, 02:30, which one night skips and
	 * another repeats: over both changes, every quarter hour falls in
	 * the shift found for it, each shift ends where the next begins,
	 * names follow the order, and each handoff is at 02:30 local (03:30
	 * where 02:30 does not exist).
	 */
	conf = rotation("2026-03-01 02:30", "1d", "[alice, bob]");
	if (conf == NULL)
		goto out;
	memset(&prev, 0, sizeof prev);
	for (ms = at("2026-03-01T02:00:00Z"); ms < at("2026-11-15T00:00:00Z");
	    ms += 15 * 60000) {
		if (oncall_at(conf, ms, &s) != 0 || s.name == NULL ||
		    s.start_ms > ms || s.end_ms <= ms) {
			printf("# %s: shift does not hold it\n", fmt(ms));
			ok = 0;
			break;
		}
		if (prev.name != NULL && s.start_ms != prev.start_ms) {
			handoffs++;
			if (s.start_ms != prev.end_ms ||
			    strcmp(s.name, prev.name) == 0) {
				printf("# %s: handoff does not follow\n",
				    fmt(ms));
				ok = 0;
				break;
			}
			t = (time_t)(s.start_ms / 1000);
			localtime_r(&t, &tm);
			if (tm.tm_min != 30 || (tm.tm_hour != 2 &&
			    tm.tm_hour != 3)) {
				printf("# %s: handoff at %02d:%02d local\n",
				    fmt(s.start_ms), tm.tm_hour, tm.tm_min);
				ok = 0;
				break;
			}
		}
		prev = s;
	}
	CHECK(ok);
	CHECK_INT(handoffs, 258);	/* 1 March to 14 November */
	conf_free(conf);

	/* 12 hours: 09:00 and 21:00 on the wall clock, either side. */
	conf = rotation("2026-03-28 09:00", "12h", NULL);
	if (conf == NULL)
		goto out;
	CHECK_INT(oncall_at(conf, at("2026-03-29T12:00:00Z"), &s), 0);
	CHECK_STR(fmt(s.start_ms), "2026-03-29T07:00:00Z");	/* 09:00 */
	CHECK_STR(fmt(s.end_ms), "2026-03-29T19:00:00Z");	/* 21:00 */
	CHECK_INT(oncall_at(conf, at("2026-03-29T06:00:00Z"), &s), 0);
	CHECK_STR(fmt(s.start_ms), "2026-03-28T20:00:00Z");	/* 21:00 */
	CHECK_INT(s.end_ms - s.start_ms, 11 * HOUR);
	conf_free(conf);
out:
	use_tz("UTC");
}

/* Whom a level reaches: a person, the rotation then, or nobody. */
static void
test_reach(void)
{
	struct conf		*conf;
	struct oncall_shift	 s;

	use_tz("UTC");
	conf = rotation("2026-01-05 09:00", "1w", "[alice, bob]");
	if (conf == NULL)
		return;
	CHECK_INT(oncall_reach(conf, "senior engineer",
	    at("2026-01-06T00:00:00Z"), &s), 0);
	CHECK_STR(s.name, "carol");
	CHECK_STR(s.contact, "@carol");
	CHECK_INT(s.end_ms, 0);
	CHECK_INT(oncall_reach(conf, "on-call engineer",
	    at("2026-01-06T00:00:00Z"), &s), 0);
	CHECK_STR(s.name, "alice");
	CHECK_STR(fmt(s.end_ms), "2026-01-12T09:00:00Z");
	CHECK_INT(oncall_reach(conf, "on-call engineer",
	    at("2026-01-13T00:00:00Z"), &s), 0);
	CHECK_STR(s.name, "bob");
	/* Not named in levels; the rotation before it starts. */
	CHECK_INT(oncall_reach(conf, "executive", at("2026-01-06T00:00:00Z"),
	    &s), -1);
	CHECK(s.name == NULL);
	CHECK_INT(oncall_reach(conf, "on-call engineer",
	    at("2026-01-01T00:00:00Z"), &s), -1);
	CHECK_INT(oncall_reach(conf, NULL, 0, &s), -1);
	CHECK_STR(oncall_contact(conf, "bob"), "@bob");
	CHECK(oncall_contact(conf, "dave") == NULL);
	conf_free(conf);
	CHECK_INT(oncall_reach(NULL, "on-call engineer", 0, &s), -1);
}

/* A triggered incident at level 2 of the built-in P0 policy. */
static struct views *
incident_views(int64_t now, const char *state)
{
	struct views		*v;
	struct view_incident	*in;

	v = xcalloc(1, sizeof *v);
	v->context = xstrdup("prod");
	v->generated_ms = now;
	v->incidents = xcalloc(1, sizeof *v->incidents);
	v->nincidents = 1;
	in = &v->incidents[0];
	in->id = xstrdup("abcd1234");
	in->title = xstrdup("CheckoutDown");
	in->state = xstrdup(state);
	in->esc_level = 2;
	in->esc_levels = 5;
	in->esc_who = xstrdup("on-call engineer");
	in->esc_next_who = xstrdup("senior engineer");
	in->esc_next_in_ms = strcmp(state, "triggered") == 0 ? 27 * 60000 : -1;
	return v;
}

/* The views' fields and the runbook's lines for them. */
static void
test_views_lines(void)
{
	struct conf	*conf;
	struct views	*v;
	char		 line[512];
	int64_t		 now;

	use_tz("UTC");
	conf = rotation("2026-01-05 09:00", "1w", "[alice, bob]");
	if (conf == NULL)
		return;
	now = at("2026-12-01T12:00:00Z");
	v = incident_views(now, "triggered");
	oncall_views(conf, v);
	CHECK_STR(v->oncall.name, "bob");
	CHECK_STR(v->oncall.contact, "@bob");
	CHECK_STR(fmt(v->oncall.until_ms), "2026-12-07T09:00:00Z");
	CHECK_STR(vocab_oncall_line(&v->oncall, now, VOCAB_ONCALL_UTC, line,
	    sizeof line), "on call: bob until 2026-12-07T09:00:00Z");
	CHECK_STR(vocab_oncall_line(&v->oncall, now, VOCAB_ONCALL_LOCAL, line,
	    sizeof line), "on call: bob until Mon 09:00");
	CHECK_STR(vocab_oncall_line(&v->oncall, now, VOCAB_ONCALL_SHORT, line,
	    sizeof line), "on call: bob");
	CHECK_STR(v->incidents[0].esc_reach.name, "bob");
	CHECK_STR(v->incidents[0].esc_next_reach.name, "carol");
	CHECK_STR(vocab_reach_line(&v->incidents[0], 0, line, sizeof line),
	    "level 2 (on-call engineer) reaches bob: @bob");
	CHECK_STR(vocab_reach_line(&v->incidents[0], 1, line, sizeof line),
	    "next: senior engineer, carol (@carol), in 27m");
	views_free(v);

	/* Acknowledged: the clock stopped, nobody more to reach. */
	v = incident_views(now, "acknowledged");
	oncall_views(conf, v);
	CHECK_STR(vocab_reach_line(&v->incidents[0], 0, line, sizeof line),
	    "");
	CHECK_STR(vocab_reach_line(&v->incidents[0], 1, line, sizeof line),
	    "");
	views_free(v);

	/*
	 * The next level is reached after a handoff: it reaches whoever is
	 * on call then.  Levels swapped round for this.
	 */
	conf_free(conf);
	conf = load("oncall:\n  people:\n    - name: alice\n"
	    "      contact: \"+1 555 0100, @alice\"\n    - name: bob\n"
	    "  rotation:\n    start: \"2026-01-05 09:00\"\n"
	    "  levels:\n    on-call engineer: alice\n"
	    "    senior engineer: rotation\n");
	if (conf == NULL)
		return;
	now = at("2026-01-12T08:50:00Z");
	v = incident_views(now, "triggered");
	oncall_views(conf, v);
	CHECK_STR(v->oncall.name, "alice");
	CHECK_STR(vocab_reach_line(&v->incidents[0], 0, line, sizeof line),
	    "level 2 (on-call engineer) reaches alice: +1 555 0100, @alice");
	CHECK_STR(vocab_reach_line(&v->incidents[0], 1, line, sizeof line),
	    "next: senior engineer, bob, in 27m");
	views_free(v);

	/* A level oncall.levels does not name shows nothing. */
	v = incident_views(now, "triggered");
	free(v->incidents[0].esc_who);
	v->incidents[0].esc_who = xstrdup("automated response");
	oncall_views(conf, v);
	CHECK_STR(vocab_reach_line(&v->incidents[0], 0, line, sizeof line),
	    "");
	views_free(v);
	conf_free(conf);

	/* Without oncall: the views have nothing, the lines are empty. */
	conf = load("theme: default\n");
	v = incident_views(now, "triggered");
	oncall_views(conf, v);
	CHECK(v->oncall.name == NULL);
	CHECK_INT(v->oncall.until_ms, 0);
	CHECK_STR(vocab_oncall_line(&v->oncall, now, VOCAB_ONCALL_LOCAL, line,
	    sizeof line), "");
	CHECK_STR(vocab_reach_line(&v->incidents[0], 0, line, sizeof line),
	    "");
	CHECK_STR(vocab_reach_line(&v->incidents[0], 1, line, sizeof line),
	    "");
	views_free(v);
	conf_free(conf);
}

/* The console's form: a date when the end is a week or more away. */
static void
test_oncall_line(void)
{
	struct view_oncall	o;
	char			line[256], alice[] = "alice";
	int64_t			now = at("2026-12-01T12:00:00Z");

	use_tz("UTC");
	memset(&o, 0, sizeof o);
	o.name = alice;
	o.until_ms = now + 7 * DAY;
	CHECK_STR(vocab_oncall_line(&o, now, VOCAB_ONCALL_LOCAL, line,
	    sizeof line), "on call: alice until Tue 8 Dec 12:00");
	o.until_ms = now + 7 * DAY - 60000;
	CHECK_STR(vocab_oncall_line(&o, now, VOCAB_ONCALL_LOCAL, line,
	    sizeof line), "on call: alice until Tue 11:59");
	o.name = NULL;
	CHECK_STR(vocab_oncall_line(&o, now, VOCAB_ONCALL_LOCAL, line,
	    sizeof line), "on call: nobody until Tue 11:59 (the rotation "
	    "starts)");
	CHECK_STR(vocab_oncall_line(&o, now, VOCAB_ONCALL_SHORT, line,
	    sizeof line), "on call: nobody");
	if (have_zone("Europe/Berlin")) {
		use_tz("Europe/Berlin");
		o.name = alice;
		o.until_ms = at("2026-12-07T08:00:00Z");
		CHECK_STR(vocab_oncall_line(&o, now, VOCAB_ONCALL_LOCAL, line,
		    sizeof line), "on call: alice until Mon 09:00");
		use_tz("UTC");
	}
}

/* Every document shows the line, and hostile names only escaped. */
static void
test_documents(void)
{
	static const enum export_format formats[] = { EXPORT_TEXT,
	    EXPORT_JSON, EXPORT_MARKDOWN, EXPORT_HTML };
	struct views	*v;
	struct buf	 out;
	char		*cause = NULL;
	size_t		 i;

	v = xcalloc(1, sizeof *v);
	v->context = xstrdup("prod");
	v->generated_ms = at("2026-12-01T12:00:00Z");
	v->oncall.name = xstrdup("eve\x1b[2J\x07");
	v->oncall.contact = xstrdup("@eve\x1b]0;pwned\x07");
	v->oncall.until_ms = at("2026-12-07T09:00:00Z");
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		buf_init(&out, 0);
		CHECK_INT(export_render(v, formats[i], NULL, &out, &cause), 0);
		free(cause);
		cause = NULL;
		CHECK_CONTAINS(buf_str(&out), "on call: eve");
		CHECK_CONTAINS(buf_str(&out), "until 2026-12-07T09:00:00Z");
		CHECK(strchr(buf_str(&out), '\x1b') == NULL);
		CHECK(strchr(buf_str(&out), '\x07') == NULL);
		if (formats[i] == EXPORT_JSON) {
			CHECK_CONTAINS(buf_str(&out), "\"on_call\"");
			CHECK_CONTAINS(buf_str(&out), "\"until\":\t"
			    "\"2026-12-07T09:00:00Z\"");
		}
		buf_done(&out);
	}
	/* Without a rotation: no line, and JSON says null. */
	oncall_view_done(&v->oncall);
	v->oncall.until_ms = 0;
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		buf_init(&out, 0);
		CHECK_INT(export_render(v, formats[i], NULL, &out, &cause), 0);
		free(cause);
		cause = NULL;
		CHECK(strstr(buf_str(&out), "on call") == NULL);
		if (formats[i] == EXPORT_JSON)
			CHECK_CONTAINS(buf_str(&out), "\"on_call\":\tnull");
		buf_done(&out);
	}
	views_free(v);
}

/* Each problem of oncall:, where it is and what to do. */
static void
test_problems(void)
{
	char	*got;

	/* Names that are not people, with the closest; the start; period. */
	got = problems(
	    "oncall:\n"				/* 1 */
	    "  people:\n"
	    "    - name: alice\n"
	    "    - name: bob\n"
	    "  rotation:\n"			/* 5 */
	    "    start: \"2026-01-05 9am\"\n"
	    "    period: 30m\n"
	    "    order: [alice, bobb, dave]\n"
	    "  levels:\n"
	    "    on-call engineer: alcie\n"	/* 10 */
	    "    senior engineer: rotation\n");
	CHECK_STR(got,
	    "mem.yaml:6:12: oncall.rotation.start: '2026-01-05 9am' is not a "
	    "local date and time; write it as \"YYYY-MM-DD HH:MM\", such as "
	    "\"2026-01-05 09:00\"\n"
	    "mem.yaml:7:13: 'period' is 30m but must be at least 1h; use a "
	    "value at least 1h and at most 366d\n"
	    "mem.yaml:8:20: oncall.rotation.order: 'bobb' is not one of "
	    "oncall.people; did you mean 'bob'?\n"
	    "mem.yaml:8:26: oncall.rotation.order: 'dave' is not one of "
	    "oncall.people; add them there or fix the name\n"
	    "mem.yaml:10:23: oncall.levels: 'alcie' is not one of "
	    "oncall.people nor rotation; did you mean 'alice'?\n");
	free(got);

	/* A level no policy has; rotation without one; a bad name. */
	got = problems(
	    "incidents:\n"			/* 1 */
	    "  escalation:\n"
	    "    P1: 0s duty manager, 1h head of ops\n"
	    "oncall:\n"
	    "  people:\n"			/* 5 */
	    "    - name: alice\n"
	    "    - name: rotation\n"
	    "  levels:\n"
	    "    duty manager: alice\n"
	    "    on-call enginer: rotation\n"	/* 10 */
	    "    head of op: alice\n");
	CHECK_STR(got,
	    "mem.yaml:7:13: oncall.people: 'rotation' is the word levels use "
	    "for whoever is on call; give the person another name\n"
	    "mem.yaml:10:5: oncall.levels: 'on-call enginer' is not who any "
	    "escalation level reaches, so it would never show; did you mean "
	    "'on-call engineer'?\n"
	    "mem.yaml:10:22: oncall.levels: 'on-call enginer' reaches the "
	    "rotation, but there is none; add oncall.rotation or name a "
	    "person\n"
	    "mem.yaml:11:5: oncall.levels: 'head of op' is not who any "
	    "escalation level reaches, so it would never show; did you mean "
	    "'head of ops'?\n");
	free(got);

	/* A WHO nothing is close to says what to write. */
	got = problems("oncall:\n  people:\n    - name: alice\n"
	    "  levels:\n    the whole company: alice\n");
	CHECK_CONTAINS(got, "mem.yaml:5:5: oncall.levels: 'the whole company' "
	    "is not who any escalation level reaches, so it would never "
	    "show; write a WHO of incidents.escalation");
	free(got);

	/* A broken policy is reported once, not as unknown levels too. */
	got = problems("incidents:\n  escalation:\n    P0: soon, someone\n"
	    "oncall:\n  people:\n    - name: alice\n"
	    "  levels:\n    someone: alice\n");
	CHECK_CONTAINS(got, "mem.yaml:3:5: incidents.escalation: P0:");
	CHECK(strstr(got, "oncall.levels") == NULL);
	free(got);

	/* People are needed, names unique, contacts short. */
	got = problems("oncall:\n  rotation:\n"
	    "    start: \"2026-01-05 09:00\"\n");
	CHECK_STR(got, "mem.yaml:2:3: missing key 'people' under 'oncall'; "
	    "add it\n");
	free(got);
	got = problems("oncall:\n  people:\n    - name: alice\n"
	    "    - name: alice\n");
	CHECK_CONTAINS(got, "mem.yaml:4:13: ");
	CHECK_CONTAINS(got, "alice");
	free(got);
	{
		char	*long_contact, *yaml;

		long_contact = xcalloc(1, ONCALL_CONTACT_MAX + 2);
		memset(long_contact, 'x', ONCALL_CONTACT_MAX + 1);
		yaml = xasprintf("oncall:\n  people:\n    - name: alice\n"
		    "      contact: %s\n", long_contact);
		got = problems(yaml);
		CHECK_STR(got, "mem.yaml:4:16: oncall.people: the contact of "
		    "'alice' is longer than 200 bytes; shorten it\n");
		free(got);
		free(yaml);
		free(long_contact);
	}

	/* The configured WHOs and the built-in P0 ones are accepted. */
	conf_free(load("incidents:\n  escalation:\n    P1: 0s duty manager\n"
	    "oncall:\n  people:\n    - name: alice\n  levels:\n"
	    "    duty manager: alice\n    executive: alice\n"));
}

/*
 * A person without a name, and names in the rotation's order and the
 * levels that are not the first person's: the problems are said (no
 * name is compared with the missing one).  Found by tests/fuzz/fuzz_conf.
 */
static void
test_nameless_person(void)
{
	char	*s;

	s = problems("oncall:\n"
	    "  people:\n"
	    "    - name: alice\n"
	    "    - nime: bob\n"
	    "  rotation:\n"
	    "    start: \"2026-01-05 09:00\"\n"
	    "    order: [alice, bob]\n"
	    "  levels:\n"
	    "    senior engineer: carol\n");
	CHECK_CONTAINS(s, "oncall.rotation.order: 'bob' is not one of "
	    "oncall.people");
	CHECK_CONTAINS(s, "oncall.levels: 'carol' is not one of "
	    "oncall.people");
	free(s);
}

static const struct test tests[] = {
	TEST(test_parse_start),
	TEST(test_rotation_utc),
	TEST(test_rotation_dst),
	TEST(test_reach),
	TEST(test_views_lines),
	TEST(test_oncall_line),
	TEST(test_documents),
	TEST(test_problems),
	TEST(test_nameless_person),
	{ NULL, NULL }
};

/* Run every test. */
int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	use_tz("UTC");
	return harness_run(tests);
}
