/*
 * drill_fire.c: `sitrep drill fire NAME`: a live-fire check of the alert
 * path of a context.
 *
 * A synthetic alert (alertname SitrepLiveFire, labels drill="true",
 * drill_name=NAME and drill_run=RUN, a run id of its own so runs never
 * collide) is posted through the action gate to every Alertmanager of
 * the context; then the context's own sources are polled every half
 * second until the alert shows in sitrep's cache, the view every panel
 * and export reads, and the time from the post to that is said.  At the
 * end the alert is resolved (posted again with its end time now), also
 * when SIGINT or SIGTERM stops the wait.
 *
 * A run killed outright (SIGKILL) cannot resolve what it posted; the
 * audit log remembers it: every post is a "fire" row whose detail holds
 * the alert's labels, every resolution a "fire-resolve" row of the same
 * target.  So each run first resolves, from the log, the alerts of this
 * context that earlier runs left firing, and says so.  As a last resort
 * the alert carries an end time (the timeout plus two minutes), after
 * which Alertmanager ends it by itself.
 *
 * With --webhook HOST:PORT it also listens on that loopback address as
 * the receiver a route of Alertmanager sends drill="true" alerts to
 * (backends/webhook.h), and says when the notification came: the whole
 * path, from the post through routing and grouping to the receiver.
 *
 * A protected context needs --confirm with its name; read-only refuses.
 * Every post and refusal is one audit row.  Exit status: 0 the alert was
 * seen, 1 it was not (or refused, or interrupted), 2 usage.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/webhook.h"
#include "base/json.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/action.h"
#include "core/audit.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/silence.h"

/* The alertname of every drill alert. */
#define FIRE_ALERTNAME		"SitrepLiveFire"
/* How often the sources are read again while waiting. */
#define FIRE_POLL_MS		500
/* How long to wait unless --timeout says. */
#define FIRE_TIMEOUT_MS		(2 * 60 * 1000)
/* The alert ends by itself this long after the timeout. */
#define FIRE_MARGIN_MS		(2 * 60 * 1000)
/* How far back the audit log is read for alerts left firing. */
#define FIRE_LOOKBACK_MS	((int64_t)7 * 86400 * 1000)
/* The longest drill name. */
#define FIRE_NAME_MAX		63

/* One run: the state the loop's callbacks share. */
struct fire {
	struct cmd_act	 e;
	int		 signo;		/* SIGINT or SIGTERM received */
	int		 answered;	/* the gate called back */
	int		 ok;
	const char	*run;		/* this run's drill_run label */
	struct webhook	*hook;		/* --webhook, or NULL */
	int64_t		 hook_ms;	/* when it got the alert; 0 not yet */
};

/* Print s (from outside, or made from it) safe for a terminal. */
static void
fire_say(FILE *f, const char *prefix, const char *s)
{
	char	*clean = sanitize_terminal(s != NULL ? s : "", 0);

	out_printf(f, "%s%s\n", prefix, clean);
	free(clean);
	fflush(f);
}

/* SIGINT or SIGTERM: stop waiting; the alert is resolved before exit. */
static void
fire_signal(int signo, void *arg)
{
	struct fire	*f = arg;

	f->signo = signo;
}

/* The gate's answer: said, kept for the caller. */
static void
fire_answered(const struct action_result *r, void *arg)
{
	struct fire	*f = arg;

	f->answered = 1;
	f->ok = r->status == ACTION_OK;
	if (!f->ok)
		fire_say(stderr, "sitrep: ", r->message);
	if (r->warning != NULL)
		fire_say(stderr, "sitrep: warning: ", r->warning);
}

/* Post (or resolve) a through the gate and wait for its answer. */
static int
fire_post(struct fire *f, const struct action_alert *a, const char *target)
{
	f->answered = 0;
	f->ok = 0;
	action_fire(f->e.gate, a, target, fire_answered, f);
	while (!f->answered)
		loop_run_once(runtime_loop(f->e.rt), 1000);
	return f->ok ? 0 : -1;
}

/* The labels of the alert of drill name, run run. */
static void
fire_labels(struct matchers *m, const char *name, const char *run)
{
	matchers_init(m);
	matchers_add(m, "alertname", MATCH_EQ, FIRE_ALERTNAME);
	matchers_add(m, "drill", MATCH_EQ, "true");
	matchers_add(m, "drill_name", MATCH_EQ, name);
	matchers_add(m, "drill_run", MATCH_EQ, run);
}

/* Whether name is a word: letters, digits, '_' and '-'. */
static int
fire_name_ok(const char *name)
{
	const char	*p;

	if (*name == '\0' || strlen(name) > FIRE_NAME_MAX)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Alerts left firing by runs that were killed                         */
/* ------------------------------------------------------------------ */

/* The run of a target "drill NAME run RUN", or NULL; borrowed from t. */
static const char *
fire_run_of(const char *t)
{
	const char	*r;

	if (t == NULL || strncmp(t, "drill ", 6) != 0 ||
	    (r = strstr(t, " run ")) == NULL)
		return NULL;
	return r + 5;
}

/*
 * The labels of a "fire" row's detail ("labels {...}; starts ..."):
 * 0 and m filled, or -1 when the row does not hold them.
 */
static int
fire_row_labels(const char *detail, struct matchers *m)
{
	const char	*end;
	char		*text, *cause = NULL;
	int		 rc;

	matchers_init(m);
	if (detail == NULL || strncmp(detail, "labels {", 8) != 0 ||
	    (end = strstr(detail, "}; starts ")) == NULL)
		return -1;
	text = xstrndup(detail + 7, (size_t)(end - detail - 6));
	rc = matchers_parse(m, text, &cause);
	free(text);
	free(cause);
	return rc;
}

/*
 * Resolve the alerts earlier runs in this context left firing: "fire"
 * rows that worked with no "fire-resolve" row that worked for the same
 * target after them.  Says each; 0, or -1 when one could not be resolved
 * (it stays in the log for the next run).
 */
static int
fire_leftovers(struct fire *f)
{
	struct audit_rec	*recs = NULL;
	struct action_alert	 a;
	struct matchers		 m;
	size_t			 n = 0, i, j;
	int			 rc = 0, done;
	char			*cause = NULL, *line, at[40];
	const char		*run;

	if (audit_read(f->e.cache, util_now_ms() - FIRE_LOOKBACK_MS,
	    f->e.ctx->name, &recs, &n, &cause) != 0) {
		fire_say(stderr, "sitrep: warning: alerts left firing by "
		    "earlier drills cannot be looked for: ", cause);
		free(cause);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (recs[i].action == NULL || strcmp(recs[i].action, "fire") ||
		    recs[i].result == NULL || strcmp(recs[i].result, "ok") ||
		    recs[i].dry_run || (run = fire_run_of(recs[i].target)) ==
		    NULL)
			continue;
		done = 0;
		for (j = i + 1; j < n && !done; j++)
			done = recs[j].action != NULL && recs[j].result != NULL &&
			    recs[j].target != NULL &&
			    strcmp(recs[j].action, "fire-resolve") == 0 &&
			    strcmp(recs[j].result, "ok") == 0 &&
			    strcmp(recs[j].target, recs[i].target) == 0;
		if (done)
			continue;
		if (fire_row_labels(recs[i].detail, &m) != 0) {
			fire_say(stderr, "sitrep: warning: an alert left firing "
			    "cannot be rebuilt from its audit row: ",
			    recs[i].target);
			matchers_done(&m);
			rc = -1;
			continue;
		}
		memset(&a, 0, sizeof a);
		a.labels = &m;
		a.starts_ms = recs[i].ts_ms;
		a.ends_ms = util_now_ms();
		a.resolve = 1;
		util_format_rfc3339(recs[i].ts_ms, at, sizeof at);
		if (fire_post(f, &a, recs[i].target) == 0) {
			line = xasprintf("resolved 1 alert left firing by run %s "
			    "at %s", run, at);
			fire_say(stdout, "", line);
			free(line);
		} else {
			line = xasprintf("the alert left firing by run %s at %s "
			    "could not be resolved; the next drill tries again",
			    run, at);
			fire_say(stderr, "sitrep: ", line);
			free(line);
			rc = -1;
		}
		matchers_done(&m);
	}
	audit_recs_free(recs, n);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Watching for the alert in sitrep's own view                         */
/* ------------------------------------------------------------------ */

/* Whether the cache's alerts of context hold one of run: 1, 0, -1. */
static int
fire_visible(struct cache *cache, const char *context, const char *run,
    char **cause)
{
	sqlite3_stmt	*st;
	cJSON		*labels;
	const char	*text, *v;
	int		 found = 0, rc;

	st = cache_prepare(cache, "drill alerts", cause, "SELECT labels FROM"
	    " alerts WHERE context = ? AND alertname = ?", "tt", context,
	    FIRE_ALERTNAME);
	if (st == NULL)
		return -1;
	while (!found && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(st, 0);
		if (text == NULL)
			continue;
		labels = cJSON_Parse(text);
		v = json_strval(cJSON_GetObjectItemCaseSensitive(labels,
		    "drill_run"));
		found = v != NULL && strcmp(v, run) == 0;
		cJSON_Delete(labels);
	}
	sqlite3_finalize(st);
	return found;
}

/* The webhook got an alert: note when this run's firing one came. */
static void
fire_hooked(const char *status, const cJSON *labels, void *arg)
{
	struct fire	*f = arg;
	const char	*v;

	v = json_strval(cJSON_GetObjectItemCaseSensitive(labels, "drill_run"));
	if (f->hook_ms == 0 && f->run != NULL && v != NULL &&
	    strcmp(v, f->run) == 0 && strcmp(status, "firing") == 0)
		f->hook_ms = util_now_ms();
}

/* Read the sources every FIRE_POLL_MS. */
static int64_t
fire_tick(void *arg)
{
	struct poller	*p = arg;

	poller_refresh_now(p);
	return FIRE_POLL_MS;
}

/*
 * Poll the context's sources until the alert of run is in the cache (and
 * with --webhook, the receiver has it too), the deadline passes or a
 * signal comes: 1 seen, 0 not, and *took_ms.
 */
static int
fire_watch(struct fire *f, const char *run, int64_t posted_ms,
    int64_t deadline_ms, int64_t *took_ms)
{
	struct poller		*p = runtime_poller(f->e.rt);
	struct loop_timer	*t;
	char			*cause = NULL;
	int			 seen = 0;

	if (p == NULL)
		return 0;
	poller_start(p);
	t = loop_timer_add(runtime_loop(f->e.rt), FIRE_POLL_MS, fire_tick, p);
	while ((!seen || (f->hook != NULL && f->hook_ms == 0)) &&
	    f->signo == 0 && util_now_ms() < deadline_ms) {
		loop_run_once(runtime_loop(f->e.rt), 100);
		if (seen || poller_flush(p) == 0)
			continue;
		seen = fire_visible(f->e.cache, f->e.ctx->name, run, &cause);
		if (seen < 0) {
			fire_say(stderr, "sitrep: ", cause);
			free(cause);
			cause = NULL;
			seen = 0;
		}
		*took_ms = util_now_ms() - posted_ms;
	}
	loop_timer_del(t);
	return seen;
}

/* ------------------------------------------------------------------ */
/* The command                                                         */
/* ------------------------------------------------------------------ */

/* A refusal before anything is posted: said, one audit row. */
static void
fire_refuse(struct fire *f, const char *target, const char *why)
{
	char	*cause = NULL;

	if (action_refusal(f->e.cache, f->e.ctx->name,
	    action_gate_actor(f->e.gate), "fire", target, why, &cause) != 0) {
		fire_say(stderr, "sitrep: warning: this refusal is NOT in the "
		    "audit log: ", cause);
		free(cause);
	}
	fire_say(stderr, "sitrep: refused: ", why);
}

/* sitrep drill fire NAME [--timeout D] [--confirm CONTEXT] */
int
cmd_drill_fire(struct cmd_opts *g, int argc, char **argv)
{
	const char		*confirm = NULL, *timeout_opt = NULL;
	const char		*hook_addr = NULL;
	struct loop_signal	*s1 = NULL, *s2 = NULL;
	struct action_alert	 a;
	struct matchers		 labels, ann;
	struct fire		 f;
	int64_t			 timeout = FIRE_TIMEOUT_MS, posted, took = 0;
	char			**words, *cause = NULL, *target = NULL;
	char			 run[40], t[32], *line, *summary;
	int			 nw, rc, seen;
	const struct cmd_option	 opts[] = {
		{ "--timeout", &timeout_opt, NULL, NULL },
		{ "--confirm", &confirm, NULL, NULL },
		{ "--webhook", &hook_addr, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	memset(&f, 0, sizeof f);
	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw != 1 || !fire_name_ok(words[0])) {
		free(words);
		return cmd_bad_usage("drill fire", "give the drill's name, one "
		    "word of letters, digits, _ and - (at most 63)");
	}
	if (timeout_opt != NULL && (util_parse_duration(timeout_opt,
	    &timeout, &cause) != 0 || timeout < 1000 ||
	    timeout > 3600 * 1000)) {
		free(cause);
		free(words);
		return cmd_bad_usage("drill fire", "--timeout takes a duration "
		    "from 1s to 1h, such as 30s or 2m");
	}
	snprintf(run, sizeof run, "%llx%04x", (unsigned long long)
	    util_now_ms(), (unsigned)getpid() & 0xffff);
	if ((rc = cmd_act_open(g, &f.e)) != 0) {
		free(words);
		return rc;
	}
	target = xasprintf("drill %s run %s", words[0], run);
	rc = CMD_FAIL;
	if (f.e.ctx->protected_ctx && (confirm == NULL ||
	    strcmp(confirm, f.e.ctx->name) != 0)) {
		line = xasprintf("context %s is protected: nothing was posted; "
		    "to fire a drill alert in it, add --confirm %s",
		    f.e.ctx->name, f.e.ctx->name);
		fire_refuse(&f, target, line);
		free(line);
		goto out;
	}
	f.run = run;
	if (hook_addr != NULL && (f.hook = webhook_listen(runtime_loop(f.e.rt),
	    hook_addr, fire_hooked, &f, &cause)) == NULL) {
		fire_say(stderr, "sitrep drill fire: ", cause);
		free(cause);
		rc = CMD_USAGE;
		goto out;
	}
	s1 = loop_signal_add(runtime_loop(f.e.rt), SIGINT, fire_signal, &f);
	s2 = loop_signal_add(runtime_loop(f.e.rt), SIGTERM, fire_signal, &f);

	(void)fire_leftovers(&f);
	if (f.signo != 0)
		goto out;

	fire_labels(&labels, words[0], run);
	matchers_init(&ann);
	summary = xasprintf("sitrep drill %s: a synthetic alert to check the "
	    "alert path; resolved at the end of the drill", words[0]);
	matchers_add(&ann, "summary", MATCH_EQ, summary);
	free(summary);
	memset(&a, 0, sizeof a);
	a.labels = &labels;
	a.annotations = &ann;
	a.starts_ms = util_now_ms();
	a.ends_ms = a.starts_ms + timeout + FIRE_MARGIN_MS;
	a.confirm = confirm;
	line = xasprintf("drill %s run %s: posting alert %s to context %s",
	    words[0], run, FIRE_ALERTNAME, f.e.ctx->name);
	fire_say(stdout, "", line);
	free(line);
	posted = util_now_ms();
	if (fire_post(&f, &a, target) != 0) {
		fire_say(stderr, "sitrep: ", "the drill alert was not posted; "
		    "nothing is left firing");
		goto out_alert;
	}
	fire_say(stdout, "posted: ", "the alert is in Alertmanager; waiting "
	    "for sitrep to show it");

	seen = fire_watch(&f, run, posted, posted + timeout, &took);
	if (seen) {
		line = xasprintf("visible in sitrep after %.1fs",
		    (double)took / 1000.0);
		fire_say(stdout, "", line);
		free(line);
	} else if (f.signo != 0) {
		fire_say(stderr, "sitrep: ", f.signo == SIGINT ?
		    "interrupted: resolving the drill alert before stopping" :
		    "terminated: resolving the drill alert before stopping");
	} else {
		line = xasprintf("not visible in sitrep after %s: Alertmanager "
		    "took the alert but sitrep's view of context %s does not "
		    "show it; check that its alertmanagers: urls are the "
		    "Alertmanagers posted to and what `sitrep --context %s "
		    "fetch --once` says", util_format_duration(timeout, t,
		    sizeof t), f.e.ctx->name, f.e.ctx->name);
		fire_say(stderr, "sitrep: ", line);
		free(line);
	}
	if (f.hook != NULL && f.hook_ms > 0) {
		line = xasprintf("reached the receiver at %s after %.1fs",
		    webhook_address(f.hook), (double)(f.hook_ms - posted) /
		    1000.0);
		fire_say(stdout, "", line);
		free(line);
	} else if (f.hook != NULL && f.signo == 0) {
		line = xasprintf("the receiver at %s got no notification of "
		    "this run in %s (%u other%s): check that a route of "
		    "Alertmanager sends drill=\"true\" to a webhook_configs "
		    "url http://%s/ and that its group_wait is shorter than "
		    "--timeout", webhook_address(f.hook),
		    util_format_duration(timeout, t, sizeof t),
		    webhook_requests(f.hook), webhook_requests(f.hook) == 1 ?
		    "" : "s", webhook_address(f.hook));
		fire_say(stderr, "sitrep: ", line);
		free(line);
	}

	a.ends_ms = util_now_ms();
	a.resolve = 1;
	if (fire_post(&f, &a, target) == 0) {
		fire_say(stdout, "", "resolved: the drill alert has ended");
		rc = seen && f.signo == 0 && (f.hook == NULL ||
		    f.hook_ms > 0) ? CMD_OK : CMD_FAIL;
	} else
		fire_say(stderr, "sitrep: ", "the drill alert could not be "
		    "resolved now; the next drill fire in this context "
		    "resolves it, and Alertmanager ends it by itself at its "
		    "end time");
out_alert:
	matchers_done(&labels);
	matchers_done(&ann);
out:
	if (s1 != NULL)
		loop_signal_del(s1);
	if (s2 != NULL)
		loop_signal_del(s2);
	webhook_free(f.hook);
	free(target);
	free(words);
	cmd_act_close(&f.e);
	if (fflush(stdout) != 0 && rc == CMD_OK)
		rc = CMD_FAIL;
	return rc;
}
