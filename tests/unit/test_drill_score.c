/*
 * test_drill_score.c: the drill scoring, a pure function.  For every
 * shipped drill the expected response (its acks in time, a mitigating
 * action within the limit) scores well with nothing harmful; an action
 * the drill names as harmful is marked with its why and scores lower;
 * no response scores low; an acknowledgement's own silence is not a
 * silence; rehearsed and refused actions are not scored; an action in
 * a namespace of no service of the drill is harmful; scoring twice gives
 * the same score; the timeline is in time order; a run's cache gives its
 * time to mitigation from drill.mitigated_ms, the end condition's.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/util.h"
#include "base/xmalloc.h"
#include "core/audit.h"
#include "core/cache.h"
#include "core/drill.h"
#include "core/drill_run.h"
#include "core/drill_score.h"

#define NOW	1795458089000LL
#define MIN	(60 * 1000LL)

/* A run being built: its audit rows and acks. */
struct run {
	struct audit_rec	*rows;
	size_t			 nrows;
	struct drill_score_ack	 acks[8];
	size_t			 nacks;
};

/* Append an audit row at offset off (from NOW). */
static void
row(struct run *r, int64_t off, const char *action, const char *target,
    int dry_run, const char *result, const char *detail)
{
	struct audit_rec	*a;

	r->rows = xreallocarray(r->rows, r->nrows + 1, sizeof *r->rows);
	a = &r->rows[r->nrows++];
	memset(a, 0, sizeof *a);
	a->seq = (int64_t)r->nrows;
	a->ts_ms = NOW + off;
	a->actor = xstrdup("alice");
	a->context = xstrdup("drill");
	a->action = xstrdup(action);
	a->target = xstrdup(target);
	a->dry_run = dry_run;
	a->result = xstrdup(result);
	a->detail = detail != NULL ? xstrdup(detail) : NULL;
}

/* A silence row at off of matchers m lasting len. */
static void
silence(struct run *r, int64_t off, const char *target, const char *m,
    int64_t len)
{
	char	ts[40], *detail;

	util_format_rfc3339(NOW + off + len, ts, sizeof ts);
	detail = xasprintf("until %s: %s; silence 5f3a; created", ts, m);
	row(r, off, "silence", target, 0, "ok", detail);
	free(detail);
}

/* Append an acknowledgement. */
static void
ack(struct run *r, int64_t off, const char *alertname)
{
	r->acks[r->nacks].ts_ms = NOW + off;
	r->acks[r->nacks].incident = "1a2b3c4d";
	r->acks[r->nacks].alertname = alertname;
	r->acks[r->nacks++].labels = NULL;
}

/* Score run r of drill d. */
static void
score(const struct drill *d, const struct run *r, int hints,
    struct drill_score *s)
{
	struct drill_score_input	in;

	memset(&in, 0, sizeof in);
	in.drill = d;
	in.started_ms = NOW;
	in.ended_ms = NOW + d->limit_ms;
	in.actions = r->rows;
	in.nactions = r->nrows;
	in.acks = r->acks;
	in.nacks = r->nacks;
	in.hints = hints;
	drill_score_compute(&in, s);
}

/* Free a run. */
static void
run_done(struct run *r)
{
	audit_recs_free(r->rows, r->nrows);
	memset(r, 0, sizeof *r);
}

/* When alert name first fires, from the play's opening. */
static int64_t
fires(const struct drill *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->nalerts; i++)
		if (strcmp(d->alerts[i].alertname, name) == 0)
			return d->alerts[i].from_ms - d->start_ms > 0 ?
			    d->alerts[i].from_ms - d->start_ms : 0;
	return 0;
}

/* A done action matching pattern x of d at off. */
static void
act_as(struct run *r, const struct drill *d, const struct drill_match *x,
    int64_t off, int64_t silence_len)
{
	const struct drill_service	*s = x->service >= 0 ?
					    &d->services[x->service] : NULL;
	char				*t, *detail, *m;
	size_t				 i;

	if (x->action == DRILL_SILENCE) {
		m = NULL;
		for (i = 0; i < d->nalerts && m == NULL; i++)
			if ((x->alertname == NULL || strcmp(x->alertname,
			    d->alerts[i].alertname) == 0) && (x->severity ==
			    NULL || strcmp(x->severity,
			    d->alerts[i].severity) == 0))
				m = xasprintf("alertname=\"%s\"",
				    d->alerts[i].alertname);
		CHECK(m != NULL);
		if (m == NULL)
			return;
		silence(r, off, "silence", m, silence_len);
		free(m);
		return;
	}
	if (x->action == DRILL_DELETE_POD) {
		t = xasprintf("pod %s/%s-7d9f8-x2k4q", s->namespace, s->name);
		detail = xasprintf("delete pod %s/%s-7d9f8-x2k4q",
		    s->namespace, s->name);
	} else {
		t = xasprintf("deployment %s/%s", s->namespace, s->name);
		detail = xasprintf("%s deployment %s/%s to %d replicas",
		    drill_action_name(x->action), s->namespace, s->name,
		    x->replicas >= 0 ? x->replicas : s->replicas + 1);
	}
	row(r, off, drill_action_name(x->action), t, 0, "ok", detail);
	free(t);
	free(detail);
}

/* The expected response of d: every ack a minute after its alert, then
 * the first mitigation a minute after the last ack. */
static void
right_response(const struct drill *d, struct run *r)
{
	int64_t	off = 0, at;
	size_t	i;

	for (i = 0; i < d->nacks; i++) {
		at = fires(d, d->acks[i].alertname) + MIN;
		ack(r, at, d->acks[i].alertname);
		if (at > off)
			off = at;
	}
	if (d->nmitigate > 0)
		act_as(r, d, &d->mitigate[0], off + MIN, 30 * MIN);
}

/* Every shipped drill: the right response scores well. */
static void
test_right_response(void)
{
	const struct drill_builtin	*b;
	struct drill_score		 s;
	struct drill			*d;
	struct run			 r;

	for (b = drill_builtins; b->name != NULL; b++) {
		d = drill_load_builtin(b->name, NULL);
		CHECK(d != NULL);
		if (d == NULL)
			continue;
		memset(&r, 0, sizeof r);
		right_response(d, &r);
		score(d, &r, 0, &s);
		printf("# %s: %d points (%s)\n", b->name, s.points, s.verdict);
		CHECK(s.points >= 80);
		CHECK_INT(s.nharmful, 0);
		CHECK_INT(s.nwrong, 0);
		CHECK_INT(s.acks_done, s.acks_expected);
		CHECK(d->nacks == 0 || s.ack_ms >= 0);
		CHECK(d->nmitigate == 0 || s.action_ms >= 0);
		CHECK_STR(s.verdict, "well handled");
		drill_score_done(&s);
		run_done(&r);
		drill_free(d);
	}
}

/* Every shipped drill: each harmful pattern is marked, with its why. */
static void
test_harmful(void)
{
	const struct drill_builtin	*b;
	struct drill_score		 good, s;
	struct drill			*d;
	struct run			 r;
	size_t				 i, j;

	for (b = drill_builtins; b->name != NULL; b++) {
		d = drill_load_builtin(b->name, NULL);
		CHECK(d != NULL);
		if (d == NULL)
			continue;
		memset(&r, 0, sizeof r);
		right_response(d, &r);
		score(d, &r, 0, &good);
		for (i = 0; i < d->nharmful; i++) {
			run_done(&r);
			right_response(d, &r);
			act_as(&r, d, &d->harmful[i], 2 * MIN, 2 * 60 * MIN);
			score(d, &r, 0, &s);
			CHECK_INT(s.nharmful, 1);
			/* Its why, or that of an earlier rule it also
			 * matches (the first rule that matches says). */
			for (j = 0; s.nharmful == 1 && j <= i; j++)
				if (d->harmful[j].why != NULL && strcmp(
				    s.harmful[0].why, d->harmful[j].why) == 0)
					break;
			CHECK(s.nharmful == 1 && j <= i);
			CHECK(s.points < good.points);
			CHECK_CONTAINS(s.verdict, "harmful");
			drill_score_done(&s);
		}
		drill_score_done(&good);
		run_done(&r);
		drill_free(d);
	}
}

/* bad-deploy by hand: a restart, a long silence of the P0, a short one. */
static void
test_bad_deploy(void)
{
	struct drill_score	 s;
	struct drill		*d = drill_load_builtin("bad-deploy", NULL);
	struct run		 r;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	/* The wrong response: restart, and silence the page for 4h. */
	memset(&r, 0, sizeof r);
	row(&r, 9 * MIN, "restart", "deployment shop/checkout", 0, "ok",
	    "restart deployment shop/checkout");
	silence(&r, 10 * MIN, "silence", "alertname=\"ErrorBudgetBurn\", "
	    "service=\"checkout\"", 4 * 60 * MIN);
	score(d, &r, 0, &s);
	CHECK_INT(s.nharmful, 2);
	CHECK(s.nharmful == 2 && strstr(s.harmful[0].why, "same bad image")
	    != NULL);
	CHECK(s.nharmful == 2 && strstr(s.harmful[1].why, "paging alert")
	    != NULL);
	CHECK_INT(s.action_ms, -1);
	CHECK(s.points < 50);
	drill_score_done(&s);
	run_done(&r);

	/* A short silence of it is not harmful, only not expected. */
	silence(&r, 10 * MIN, "silence", "alertname=\"ErrorBudgetBurn\"",
	    30 * MIN);
	score(d, &r, 0, &s);
	CHECK_INT(s.nharmful, 0);
	CHECK_INT(s.nwrong, 1);
	CHECK_INT(s.points_clean, DRILL_SCORE_CLEAN - DRILL_SCORE_WRONG);
	drill_score_done(&s);
	run_done(&r);

	/* Rehearsed, refused and cancelled restarts cost nothing. */
	row(&r, 3 * MIN, "restart", "deployment shop/checkout", 1, "dry-run",
	    NULL);
	row(&r, 4 * MIN, "restart", "deployment shop/checkout", 0, "refused",
	    "rate limit");
	row(&r, 5 * MIN, "restart", "deployment shop/checkout", 0,
	    "cancelled", NULL);
	/* Out of the drill's namespaces: harmful. */
	row(&r, 6 * MIN, "scale", "deployment kube-system/coredns", 0, "ok",
	    "scale deployment kube-system/coredns to 0 replicas");
	score(d, &r, 0, &s);
	CHECK_INT(s.nharmful, 1);
	CHECK(s.nharmful == 1 && strstr(s.harmful[0].why, "kube-system") !=
	    NULL);
	CHECK_INT(s.nwrong, 0);
	drill_score_done(&s);
	run_done(&r);

	/* The right one, slower: fewer points; hints cost too. */
	ack(&r, 9 * MIN, "ErrorBudgetBurn");
	row(&r, 8 * MIN, "undo", "deployment shop/checkout", 0, "ok",
	    "roll back deployment shop/checkout to the previous revision");
	score(d, &r, 0, &s);
	CHECK_INT(s.points, 95);
	CHECK_INT(s.action_ms, 8 * MIN);
	CHECK_INT(s.ack_ms, 9 * MIN);
	CHECK_INT(s.mitigated_ms, 8 * MIN);
	drill_score_done(&s);
	score(d, &r, 2, &s);
	CHECK_INT(s.points, 95 - 2 * DRILL_SCORE_HINT);
	drill_score_done(&s);
	run_done(&r);
	ack(&r, 38 * MIN, "ErrorBudgetBurn");
	row(&r, 39 * MIN, "undo", "deployment shop/checkout", 0, "ok",
	    NULL);
	score(d, &r, 0, &s);
	CHECK(s.points < 80);
	CHECK(s.points_ack < DRILL_SCORE_ACK);
	drill_score_done(&s);
	run_done(&r);
	drill_free(d);
}

/* watchdog-silent: the ack's own silence is the ack; a silence is not. */
static void
test_watchdog(void)
{
	struct drill_score	 s;
	struct drill		*d = drill_load_builtin("watchdog-silent",
				    NULL);
	struct run		 r;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	memset(&r, 0, sizeof r);
	silence(&r, 5 * MIN, "1a2b3c4d", "alertname=\"DeadMansSwitchMissing\"",
	    15 * MIN);
	ack(&r, 5 * MIN, "DeadMansSwitchMissing");
	score(d, &r, 0, &s);
	CHECK_INT(s.nharmful, 0);
	CHECK_INT(s.nwrong, 0);
	CHECK(s.points >= 80);
	drill_score_done(&s);
	silence(&r, 6 * MIN, "silence", "alertname=\"DeadMansSwitchMissing\"",
	    10 * MIN);
	score(d, &r, 0, &s);
	CHECK_INT(s.nharmful, 1);
	drill_score_done(&s);
	run_done(&r);
	drill_free(d);
}

/* No response: low, nothing acknowledged, nothing mitigated. */
static void
test_no_response(void)
{
	const struct drill_builtin	*b;
	struct drill_score		 s;
	struct drill			*d;
	struct run			 r;

	memset(&r, 0, sizeof r);
	for (b = drill_builtins; b->name != NULL; b++) {
		if ((d = drill_load_builtin(b->name, NULL)) == NULL)
			continue;
		score(d, &r, 0, &s);
		CHECK(s.points <= DRILL_SCORE_CLEAN);
		CHECK_INT(s.ack_ms, -1);
		CHECK_INT(s.action_ms, -1);
		CHECK_STR(s.verdict, "not handled");
		/* start and end only */
		CHECK_INT(s.ntimeline, 2);
		drill_score_done(&s);
		drill_free(d);
	}
}

/* Same inputs, same score; the timeline in time order. */
static void
test_deterministic(void)
{
	struct drill_score	 a, b;
	struct drill		*d = drill_load_builtin("upstream-burn", NULL);
	struct run		 r;
	size_t			 i;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	memset(&r, 0, sizeof r);
	/* Rows out of time order, as two consoles may write them. */
	row(&r, 12 * MIN, "restart", "deployment payments/payments-api", 0,
	    "ok", NULL);
	silence(&r, 7 * MIN, "silence", "alertname=\"PaymentsUpstreamLatency\"",
	    60 * MIN);
	row(&r, 3 * MIN, "note", "1a2b3c4d", 0, "ok", "looking");
	ack(&r, 9 * MIN, "PaymentsUpstreamLatency");
	ack(&r, 4 * MIN, "ErrorBudgetBurn");
	score(d, &r, 1, &a);
	score(d, &r, 1, &b);
	CHECK_INT(a.points, b.points);
	CHECK_STR(a.verdict, b.verdict);
	CHECK_INT(a.ack_ms, b.ack_ms);
	CHECK_INT(a.action_ms, b.action_ms);
	CHECK_INT(a.nharmful, b.nharmful);
	CHECK_INT(a.ntimeline, b.ntimeline);
	for (i = 0; i < a.ntimeline && i < b.ntimeline; i++) {
		CHECK_INT(a.timeline[i].offset_ms, b.timeline[i].offset_ms);
		CHECK_STR(a.timeline[i].text, b.timeline[i].text);
	}
	for (i = 1; i < a.ntimeline; i++)
		CHECK(a.timeline[i - 1].offset_ms <= a.timeline[i].offset_ms);
	CHECK_INT(a.ntimeline, 7);
	CHECK(a.ntimeline == 7 && a.timeline[0].kind == DRILL_SCORE_EV_START);
	CHECK(a.ntimeline == 7 && a.timeline[6].kind == DRILL_SCORE_EV_END);
	CHECK_INT(a.ack_ms, 4 * MIN);
	CHECK_INT(a.action_ms, 7 * MIN);
	CHECK_INT(a.nharmful, 1);
	drill_score_done(&a);
	drill_score_done(&b);
	run_done(&r);
	drill_free(d);
}

/* A run that did not end: its end is the last thing recorded. */
static void
test_not_ended(void)
{
	struct drill_score_input	 in;
	struct drill_score		 s;
	struct drill			*d = drill_load_builtin("bad-deploy",
					    NULL);
	struct run			 r;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	memset(&r, 0, sizeof r);
	row(&r, 7 * MIN, "undo", "deployment shop/checkout", 0, "ok", NULL);
	memset(&in, 0, sizeof in);
	in.drill = d;
	in.started_ms = NOW;
	in.end_held_ms = NOW + 11 * MIN;
	in.actions = r.rows;
	in.nactions = r.nrows;
	drill_score_compute(&in, &s);
	CHECK_INT(s.ended, 0);
	CHECK_INT(s.ended_ms, NOW + 7 * MIN);
	CHECK_INT(s.mitigated_ms, 11 * MIN);
	CHECK_INT(s.mitigated_by_end, 1);
	drill_score_done(&s);
	run_done(&r);
	drill_free(d);
}

/*
 * A run played at speed 40: 26 wall seconds are 17m20s of the drill, so
 * an undo then earns 50 - 17m20s/40m * 25 = 40 (not the 50 of 26 s), an
 * ack after 20 wall seconds (13m20s, 5m20s after ErrorBudgetBurn fires
 * at 8m) less than its full share, and an undo after 61 wall seconds
 * (past the 40m limit) nothing.
 */
static void
test_speed(void)
{
	struct drill_score_input	 in;
	struct drill_score		 s;
	struct drill			*d = drill_load_builtin("bad-deploy",
					    NULL);
	struct run			 r;
	size_t				 i;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	memset(&r, 0, sizeof r);
	ack(&r, 20 * 1000, "ErrorBudgetBurn");
	row(&r, 26 * 1000, "undo", "deployment shop/checkout", 0, "ok", NULL);
	memset(&in, 0, sizeof in);
	in.drill = d;
	in.started_ms = NOW;
	in.ended_ms = NOW + 32 * 1000;
	in.actions = r.rows;
	in.nactions = r.nrows;
	in.acks = r.acks;
	in.nacks = r.nacks;
	in.speed = 40;
	drill_score_compute(&in, &s);
	CHECK_INT(s.action_ms, 26 * 40 * 1000);
	CHECK_INT(s.ack_ms, 20 * 40 * 1000);
	CHECK_INT(s.points_mitigate, 40);
	CHECK(s.points_ack > 0 && s.points_ack < DRILL_SCORE_ACK);
	CHECK(s.speed == 40);
	for (i = 0; i < s.ntimeline; i++)
		if (s.timeline[i].kind == DRILL_SCORE_EV_END) {
			CHECK_INT(s.timeline[i].offset_ms, 32 * 40 * 1000);
			CHECK_STR(s.timeline[i].text,
			    "drill ended after 21m");
		}
	drill_score_done(&s);

	/* Speed 0 (not recorded) is speed 1: wall time. */
	in.speed = 0;
	drill_score_compute(&in, &s);
	CHECK_INT(s.action_ms, 26 * 1000);
	CHECK_INT(s.points_mitigate, 50);
	CHECK_INT(s.points_ack, DRILL_SCORE_ACK);
	drill_score_done(&s);

	/* Past the limit on the drill's clock: no mitigation points. */
	r.rows[0].ts_ms = NOW + 61 * 1000;
	in.speed = 40;
	in.nacks = 0;
	drill_score_compute(&in, &s);
	CHECK_INT(s.action_ms, 61 * 40 * 1000);
	CHECK_INT(s.points_mitigate, 0);
	drill_score_done(&s);
	run_done(&r);
	drill_free(d);
}

/* A run's cache of bad-deploy with an undo at 7m; NULL if it fails. */
static struct cache *
cache_run(const char *path)
{
	const struct drill_builtin	*b;
	struct drill_run_meta		 m;
	struct audit_entry		 e;
	struct cache			*c;
	char				*cause = NULL, *warning = NULL;
	char				 name[] = "bad-deploy", run[] = "r";
	char				 src[] = "builtin";

	for (b = drill_builtins; b->name != NULL; b++)
		if (strcmp(b->name, "bad-deploy") == 0)
			break;
	CHECK(b->name != NULL);
	c = cache_open(path, 0, &warning, &cause);
	CHECK(c != NULL);
	free(warning);
	if (c == NULL || b->name == NULL) {
		free(cause);
		cache_close(c);
		return NULL;
	}
	memset(&m, 0, sizeof m);
	m.name = name;
	m.run = run;
	m.started_ms = NOW;
	m.speed = 1;
	m.source = src;
	m.yaml = (char *)(uintptr_t)b->text;
	CHECK_INT(drill_run_mark(c, &m, &cause), 0);
	memset(&e, 0, sizeof e);
	e.ts_ms = NOW + 7 * MIN;
	e.actor = "alice";
	e.context = "bad-deploy";
	e.action = "undo";
	e.target = "deployment shop/checkout";
	e.result = "ok";
	e.detail = "undo deployment shop/checkout";
	CHECK_INT(audit_append(c, &e, &cause), 0);
	CHECK_INT(drill_run_end(c, NOW + 20 * MIN, &cause), 0);
	free(cause);
	return c;
}

/*
 * From a run's cache: without drill.mitigated_ms, mitigation is the
 * correct action's time; with it (the console saw the end condition
 * hold), the end condition's.
 */
static void
test_cache_mitigated(void)
{
	struct drill_score	 s;
	struct cache		*c;
	char			 dir[] = "/tmp/sitrep-dscore-XXXXXX";
	char			*path, *cause = NULL;
	static const char *const ext[] = { "", "-wal", "-shm" };
	size_t			 k;

	CHECK(mkdtemp(dir) != NULL);
	path = xasprintf("%s/run.db", dir);
	if ((c = cache_run(path)) != NULL) {
		CHECK_INT(drill_score_cache(c, &s, &cause), 0);
		CHECK_INT(s.action_ms, 7 * MIN);
		CHECK_INT(s.mitigated_ms, 7 * MIN);
		CHECK_INT(s.mitigated_by_end, 0);
		drill_score_done(&s);
		CHECK_INT(drill_run_mitigated(c, NOW + 12 * MIN, &cause), 0);
		CHECK_INT(drill_score_cache(c, &s, &cause), 0);
		CHECK_INT(s.action_ms, 7 * MIN);
		CHECK_INT(s.mitigated_ms, 12 * MIN);
		CHECK_INT(s.mitigated_by_end, 1);
		drill_score_done(&s);
		cache_close(c);
	}
	free(cause);
	for (k = 0; k < 3; k++) {
		free(path);
		path = xasprintf("%s/run.db%s", dir, ext[k]);
		unlink(path);
	}
	free(path);
	rmdir(dir);
}

static const struct test tests[] = {
	TEST(test_right_response),
	TEST(test_harmful),
	TEST(test_bad_deploy),
	TEST(test_watchdog),
	TEST(test_no_response),
	TEST(test_deterministic),
	TEST(test_not_ended),
	TEST(test_speed),
	TEST(test_cache_mitigated),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
