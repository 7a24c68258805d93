/*
 * drill_score.c: score a drill run against the drill's expected response.
 *
 * drill_score_compute() is pure: it reads only its inputs (the drill, the
 * run's times, its audit rows, its acknowledgements, the hints) and every
 * choice is made in input order, so scoring twice gives the same score.
 * The rules, in docs/DRILLS.md ("Scoring"):
 *
 *  - acknowledge, 30 points shared by the expected acks: an ack within 5
 *    minutes of its alert firing earns the full share, then less, down
 *    to nothing at the drill's limit;
 *  - mitigate, 50 points: the first done action that matches one of
 *    `mitigate` earns 50 at the start down to 25 at the limit, nothing
 *    after it (a drill without `mitigate` gives these points in the
 *    proportion of the ack points);
 *  - clean, 20 points, less 5 per wrong action (done, neither expected
 *    nor harmful);
 *  - less 25 per harmful action and 5 per hint; 0..100.
 *
 * Every time is an offset on the drill's clock: the wall ms from the
 * start times the run's speed, as the simulator plays the timeline, so
 * the limit, the grace of an ack and the alerts' firing compare with it.
 *
 * An action counts when it was done: result "ok" and not a dry run.
 * Refused, cancelled and rehearsed ones are on the timeline only.  A
 * silence written by an acknowledgement (its audit target is the
 * incident, not "silence ...") is the ack, not a silence.
 *
 * drill_score_cache() gathers the inputs from a run's cache.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/audit.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/drill.h"
#include "core/drill_meta.h"
#include "core/drill_score.h"
#include "core/silence.h"

/* An audit row, read for the scoring. */
struct ds_act {
	int		 kind;		/* enum drill_action, or -1 */
	int		 done;		/* ok and not a dry run */
	int		 ack;		/* a silence of an acknowledgement */
	char		 ns[256];	/* kube: the namespace */
	char		 name[256];	/* kube: the deployment or pod */
	int		 replicas;	/* scale: the count, or -1 */
	int64_t		 length_ms;	/* silence: how long, or -1 */
	struct matchers	 m;		/* silence: what it covers */
	int		 has_m;
};

/* A copy of s safe for a terminal, one line. */
static char *
ds_clean(const char *s)
{
	return sanitize_terminal(s != NULL ? s : "", 0);
}

/* Copy src into dst (size len), cut. */
static void
ds_copy(char *dst, size_t len, const char *src, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The matchers of a silence row's detail ("until TIME: MATCHERS; ..." or
 * "silence ID now until TIME: MATCHERS; ..."): 0 and m, *until_ms; -1.
 */
static int
ds_silence_detail(const char *detail, struct matchers *m, int64_t *until_ms)
{
	const char	*p, *colon;
	char		*ts, *rest, *cut, *cause = NULL;
	int		 rc = -1;

	if (detail == NULL || (p = strstr(detail, "until ")) == NULL)
		return -1;
	p += 6;
	if ((colon = strstr(p, ": ")) == NULL)
		return -1;
	ts = xstrndup(p, (size_t)(colon - p));
	if (util_parse_rfc3339(ts, until_ms) != 0) {
		free(ts);
		return -1;
	}
	free(ts);
	rest = xstrdup(colon + 2);
	/*
	 * What follows the matchers is "; ...": the shortest prefix ending
	 * at a "; " that parses, else the whole (a value may hold "; ").
	 */
	for (cut = strstr(rest, "; "); rc != 0 && cut != NULL;
	    cut = strstr(cut + 2, "; ")) {
		*cut = '\0';
		if (matchers_parse(m, rest, &cause) == 0)
			rc = 0;
		free(cause);
		cause = NULL;
		*cut = ';';
	}
	if (rc != 0 && matchers_parse(m, rest, &cause) == 0)
		rc = 0;
	free(cause);
	free(rest);
	return rc;
}

/* Read an audit row into a. */
static void
ds_act_read(const struct audit_rec *r, struct ds_act *a)
{
	const char	*t = r->target != NULL ? r->target : "";
	const char	*sp, *sl, *p;
	int64_t		 until, v;
	size_t		 i;

	memset(a, 0, sizeof *a);
	matchers_init(&a->m);
	a->kind = -1;
	a->replicas = -1;
	a->length_ms = -1;
	a->done = !r->dry_run && r->result != NULL &&
	    strcmp(r->result, "ok") == 0;
	if (r->action == NULL)
		return;
	if (strcmp(r->action, "silence") == 0 ||
	    strcmp(r->action, "silence update") == 0) {
		/* "silence" or "silence ID": by hand; else an ack's. */
		if (strncmp(t, "silence", 7) != 0 ||
		    (t[7] != '\0' && t[7] != ' ')) {
			a->ack = 1;
			return;
		}
		a->kind = DRILL_SILENCE;
		if (ds_silence_detail(r->detail, &a->m, &until) == 0) {
			a->has_m = 1;
			a->length_ms = until - r->ts_ms;
		}
		return;
	}
	for (i = 0; i <= DRILL_DELETE_POD; i++)
		if (strcmp(r->action, drill_action_name((enum drill_action)i))
		    == 0)
			a->kind = (int)i;
	if (a->kind < 0)
		return;
	/* "deployment NS/NAME", "pod NS/NAME". */
	if ((sp = strchr(t, ' ')) == NULL || (sl = strchr(sp + 1, '/')) ==
	    NULL) {
		a->kind = -1;
		return;
	}
	ds_copy(a->ns, sizeof a->ns, sp + 1, (size_t)(sl - sp - 1));
	ds_copy(a->name, sizeof a->name, sl + 1, strlen(sl + 1));
	if (a->kind == DRILL_SCALE && r->detail != NULL &&
	    (p = strstr(r->detail, " to ")) != NULL) {
		char	num[16];
		size_t	n = strspn(p + 4, "0123456789");

		ds_copy(num, sizeof num, p + 4, n);
		if (n > 0 && util_parse_int64(num, &v) == 0 && v < 100000)
			a->replicas = (int)v;
	}
}

/* The label set of the drill's alert i, "$" values left out. */
static cJSON *
ds_alert_labels(const struct drill *d, size_t i)
{
	const struct drill_alert	*al = &d->alerts[i];
	cJSON				*o = cJSON_CreateObject();
	char				*flat, *p, *next, *eq;

	cJSON_AddStringToObject(o, "alertname", al->alertname);
	if (al->severity != NULL)
		cJSON_AddStringToObject(o, "severity", al->severity);
	if (d->cluster != NULL)
		cJSON_AddStringToObject(o, "cluster", d->cluster);
	if (al->service >= 0) {
		cJSON_AddStringToObject(o, "namespace",
		    d->services[al->service].namespace);
		cJSON_AddStringToObject(o, "service",
		    d->services[al->service].name);
	}
	if (al->labels == NULL)
		return o;
	flat = xstrdup(al->labels);
	for (p = flat; p != NULL; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strchr(eq + 1, '$') == NULL)
			cJSON_AddStringToObject(o, p, eq + 1);
	}
	free(flat);
	return o;
}

/* Whether the drill's alert i has label name with a "$" value. */
static int
ds_alert_templated(const struct drill *d, size_t i, const char *name)
{
	const char	*l = d->alerts[i].labels, *p;
	size_t		 n = strlen(name);

	for (p = l; p != NULL && *p != '\0'; p = strchr(p, ',') != NULL ?
	    strchr(p, ',') + 1 : NULL) {
		if (strncmp(p, name, n) == 0 && p[n] == '=')
			return p[n + 1] == '$';
	}
	return 0;
}

/* Whether silence matchers m would hold the drill's alert i. */
static int
ds_covers(const struct drill *d, size_t i, const struct matchers *m)
{
	struct matchers	 f;
	cJSON		*labels;
	size_t		 j;
	int		 yes;

	/* A pod name is only known in the world: such matchers hold. */
	matchers_init(&f);
	for (j = 0; j < m->n; j++)
		if (!ds_alert_templated(d, i, m->v[j].name))
			matchers_add(&f, m->v[j].name, m->v[j].op,
			    m->v[j].value);
	labels = ds_alert_labels(d, i);
	yes = f.n > 0 && matchers_match(&f, labels);
	cJSON_Delete(labels);
	matchers_done(&f);
	return yes;
}

/* Whether the drill's alert i is one pattern x names. */
static int
ds_alert_named(const struct drill *d, size_t i, const struct drill_match *x)
{
	const struct drill_alert	*al = &d->alerts[i];
	cJSON				*labels;
	const char			*v;
	size_t				 j;
	int				 yes = 1;

	if (x->alertname != NULL && strcmp(x->alertname, al->alertname) != 0)
		return 0;
	if (x->severity != NULL && (al->severity == NULL ||
	    strcmp(x->severity, al->severity) != 0))
		return 0;
	labels = ds_alert_labels(d, i);
	for (j = 0; yes && j < x->nlabels; j++) {
		v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    labels, x->labels[j].key));
		yes = v != NULL ? strcmp(v, x->labels[j].value) == 0 :
		    ds_alert_templated(d, i, x->labels[j].key);
	}
	cJSON_Delete(labels);
	return yes;
}

/* Whether action a (done) matches pattern x. */
static int
ds_matches(const struct drill *d, const struct ds_act *a,
    const struct drill_match *x)
{
	const struct drill_service	*s;
	size_t				 i, n;

	if (a->kind != (int)x->action)
		return 0;
	if (x->action == DRILL_SILENCE) {
		if (!a->has_m || (x->longer_than_ms > 0 &&
		    a->length_ms <= x->longer_than_ms))
			return 0;
		for (i = 0; i < d->nalerts; i++)
			if (ds_alert_named(d, i, x) && ds_covers(d, i, &a->m))
				return 1;
		return 0;
	}
	if (x->service < 0 || (size_t)x->service >= d->nservices)
		return 0;
	s = &d->services[x->service];
	if (strcmp(s->namespace, a->ns) != 0)
		return 0;
	if (x->action == DRILL_DELETE_POD) {
		n = strlen(s->name);
		if (strncmp(a->name, s->name, n) != 0 || a->name[n] != '-')
			return 0;
	} else if (strcmp(s->name, a->name) != 0)
		return 0;
	return x->replicas < 0 || x->replicas == a->replicas;
}

/* Whether a Kubernetes action is outside every namespace of the drill. */
static int
ds_foreign(const struct drill *d, const struct ds_act *a)
{
	size_t	i;

	if (a->kind < 0 || a->kind == DRILL_SILENCE)
		return 0;
	for (i = 0; i < d->nservices; i++)
		if (strcmp(d->services[i].namespace, a->ns) == 0)
			return 0;
	return 1;
}

/* Whether ack k is one of expected ack e. */
static int
ds_ack_matches(const struct drill_ack *e, const struct drill_score_ack *k)
{
	struct matchers	 m;
	size_t		 i, j;
	int		 all = 1, found;

	if (k->alertname == NULL || strcmp(e->alertname, k->alertname) != 0)
		return 0;
	if (e->nlabels == 0 || k->labels == NULL)
		return 1;	/* the labels are not known: the name tells */
	matchers_init(&m);
	if (matchers_parse(&m, k->labels, NULL) != 0) {
		matchers_done(&m);
		return 1;
	}
	for (i = 0; all && i < e->nlabels; i++) {
		if (strchr(e->labels[i].value, '$') != NULL)
			continue;
		found = 0;
		for (j = 0; j < m.n && !found; j++)
			found = m.v[j].op == MATCH_EQ &&
			    strcmp(m.v[j].name, e->labels[i].key) == 0 &&
			    strcmp(m.v[j].value, e->labels[i].value) == 0;
		all = found;
	}
	matchers_done(&m);
	return all;
}

/* The offset (from the start) at which alert alertname first fires. */
static int64_t
ds_fires_at(const struct drill *d, const char *alertname)
{
	int64_t	best = -1, at;
	size_t	i;

	for (i = 0; i < d->nalerts; i++) {
		if (strcmp(d->alerts[i].alertname, alertname) != 0)
			continue;
		at = d->alerts[i].from_ms - d->start_ms;
		if (at < 0)
			at = 0;
		if (best < 0 || at < best)
			best = at;
	}
	return best < 0 ? 0 : best;
}

/* The offset on the drill's clock of wall ms ts (speed 0: 1). */
static int64_t
ds_offset(const struct drill_score_input *in, int64_t ts)
{
	int64_t	wall = ts - in->started_ms;

	if (in->speed <= 0 || in->speed == 1)
		return wall;
	return (int64_t)((double)wall * in->speed);
}

/* Credit in per mille of an ack at offset for an alert firing at fire. */
static int64_t
ds_ack_credit(int64_t off, int64_t fire, int64_t limit)
{
	int64_t	late = off - fire, span;

	if (late <= DRILL_SCORE_ACK_GRACE_MS)
		return 1000;
	if (off >= limit)
		return 0;
	span = limit - fire - DRILL_SCORE_ACK_GRACE_MS;
	if (span <= 0)
		return 0;
	return 1000 - (late - DRILL_SCORE_ACK_GRACE_MS) * 1000 / span;
}

/* Append a timeline event. */
static void
ds_event(struct drill_score *s, int64_t off, enum drill_score_kind kind,
    const char *text)
{
	s->timeline = xreallocarray(s->timeline, s->ntimeline + 1,
	    sizeof *s->timeline);
	s->timeline[s->ntimeline].offset_ms = off;
	s->timeline[s->ntimeline].kind = kind;
	s->timeline[s->ntimeline++].text = ds_clean(text);
}

/* Append a mark. */
static void
ds_mark(struct drill_score_mark **v, size_t *n, int64_t off,
    const char *what, const char *why)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].offset_ms = off;
	(*v)[*n].what = ds_clean(what);
	(*v)[(*n)++].why = ds_clean(why);
}

/* Sort the timeline by offset, stably (insertion sort: few events). */
static void
ds_sort(struct drill_score *s)
{
	struct drill_score_event	e;
	size_t				i, j;

	for (i = 1; i < s->ntimeline; i++) {
		e = s->timeline[i];
		for (j = i; j > 0 && s->timeline[j - 1].offset_ms >
		    e.offset_ms; j--)
			s->timeline[j] = s->timeline[j - 1];
		s->timeline[j] = e;
	}
}

/* What an audit row did, in words. */
static char *
ds_row_text(const struct audit_rec *r)
{
	return xasprintf("%s %s%s: %s%s%s", r->action != NULL ? r->action :
	    "?", r->target != NULL ? r->target : "", r->dry_run ?
	    " (dry run)" : "", r->result != NULL ? r->result : "no result",
	    r->actor != NULL ? " by " : "", r->actor != NULL ? r->actor : "");
}

/* Score the acknowledgements. */
static void
ds_score_acks(const struct drill_score_input *in, struct drill_score *s)
{
	const struct drill	*d = in->drill;
	int64_t			 credit = 0, best, off, fire;
	size_t			 i, j;
	char			*text;
	int			*expected;

	expected = xcalloc(in->nacks + 1, sizeof *expected);
	s->acks_expected = (int)d->nacks;
	for (i = 0; i < d->nacks; i++) {
		best = -1;
		for (j = 0; j < in->nacks; j++) {
			if (!ds_ack_matches(&d->acks[i], &in->acks[j]))
				continue;
			expected[j] = 1;
			off = ds_offset(in, in->acks[j].ts_ms);
			if (best < 0 || off < best)
				best = off;
		}
		if (best < 0)
			continue;
		s->acks_done++;
		if (s->ack_ms < 0 || best < s->ack_ms)
			s->ack_ms = best;
		fire = ds_fires_at(d, d->acks[i].alertname);
		credit += ds_ack_credit(best, fire, d->limit_ms);
	}
	s->points_ack = d->nacks == 0 ? DRILL_SCORE_ACK :
	    (int)(credit * DRILL_SCORE_ACK / (1000 * (int64_t)d->nacks));
	for (j = 0; j < in->nacks; j++) {
		text = xasprintf("acknowledged incident %s (%s)%s",
		    in->acks[j].incident != NULL ? in->acks[j].incident : "?",
		    in->acks[j].alertname != NULL ? in->acks[j].alertname :
		    "?", expected[j] ? "" : ", not one the drill expects");
		ds_event(s, ds_offset(in, in->acks[j].ts_ms), expected[j] ?
		    DRILL_SCORE_EV_ACK : DRILL_SCORE_EV_OTHER_ACK, text);
		free(text);
	}
	free(expected);
}

/* Classify and score the actions. */
static void
ds_score_actions(const struct drill_score_input *in, struct drill_score *s)
{
	const struct drill	*d = in->drill;
	const struct audit_rec	*r;
	struct ds_act		 a;
	const char		*why;
	char			*what, *text, *foreign = NULL;
	int64_t			 off;
	size_t			 i, j;
	int			 harm, mit;

	for (i = 0; i < in->nactions; i++) {
		r = &in->actions[i];
		off = ds_offset(in, r->ts_ms);
		ds_act_read(r, &a);
		what = ds_row_text(r);
		harm = mit = 0;
		why = NULL;
		if (a.done && a.kind >= 0) {
			for (j = 0; j < d->nharmful && !harm; j++) {
				if (ds_matches(d, &a, &d->harmful[j])) {
					harm = 1;
					why = d->harmful[j].why != NULL ?
					    d->harmful[j].why : "the drill "
					    "counts it as harmful";
				}
			}
			if (!harm && ds_foreign(d, &a)) {
				harm = 1;
				foreign = xasprintf("namespace %s has no "
				    "service of this drill", a.ns);
				why = foreign;
			}
			for (j = 0; j < d->nmitigate && !harm && !mit; j++)
				mit = ds_matches(d, &a, &d->mitigate[j]);
		}
		if (harm) {
			ds_mark(&s->harmful, &s->nharmful, off, what, why);
			text = xasprintf("%s - harmful: %s", what, why);
			ds_event(s, off, DRILL_SCORE_EV_HARMFUL, text);
			free(text);
		} else if (mit) {
			if (s->action_ms < 0)
				s->action_ms = off;
			text = xasprintf("%s - mitigates", what);
			ds_event(s, off, DRILL_SCORE_EV_MITIGATE, text);
			free(text);
		} else if (a.done && a.kind >= 0) {
			ds_mark(&s->wrong, &s->nwrong, off, what,
			    "not part of the expected response");
			text = xasprintf("%s - not expected", what);
			ds_event(s, off, DRILL_SCORE_EV_WRONG, text);
			free(text);
		} else
			ds_event(s, off, DRILL_SCORE_EV_ACTION, what);
		free(foreign);
		foreign = NULL;
		free(what);
		matchers_done(&a.m);
	}
}

/* Score a run. */
void
drill_score_compute(const struct drill_score_input *in,
    struct drill_score *s)
{
	const struct drill	*d = in->drill;
	int64_t			 last = in->started_ms, mit, per;
	size_t			 i;
	int			 clean, total;
	char			*text, dur[32];

	memset(s, 0, sizeof *s);
	s->drill = ds_clean(d->name);
	s->started_ms = in->started_ms;
	s->limit_ms = d->limit_ms;
	s->speed = in->speed > 0 ? in->speed : 1;
	s->ack_ms = s->action_ms = s->mitigated_ms = -1;
	s->hints = in->hints > 0 ? in->hints : 0;
	for (i = 0; i < in->nactions; i++)
		if (in->actions[i].ts_ms > last)
			last = in->actions[i].ts_ms;
	for (i = 0; i < in->nacks; i++)
		if (in->acks[i].ts_ms > last)
			last = in->acks[i].ts_ms;
	s->ended = in->ended_ms > 0;
	s->ended_ms = s->ended ? in->ended_ms : last;

	ds_event(s, 0, DRILL_SCORE_EV_START, "drill started");
	ds_score_acks(in, s);
	ds_score_actions(in, s);

	/* Mitigation: the first correct action, early is better. */
	if (d->nmitigate == 0)
		s->points_mitigate = d->nacks == 0 ? DRILL_SCORE_MITIGATE :
		    s->points_ack * DRILL_SCORE_MITIGATE / DRILL_SCORE_ACK;
	else if (s->action_ms >= 0 && s->action_ms <= d->limit_ms) {
		per = s->action_ms < 0 ? 0 : s->action_ms;
		s->points_mitigate = (int)(DRILL_SCORE_MITIGATE -
		    per * (DRILL_SCORE_MITIGATE / 2) / d->limit_ms);
	}
	if (s->action_ms >= 0) {
		mit = in->end_held_ms > 0 ? ds_offset(in, in->end_held_ms) :
		    -1;
		s->mitigated_by_end = mit >= s->action_ms;
		s->mitigated_ms = s->mitigated_by_end ? mit : s->action_ms;
	}
	clean = DRILL_SCORE_CLEAN - (int)s->nwrong * DRILL_SCORE_WRONG;
	s->points_clean = clean < 0 ? 0 : clean;
	s->penalty = (int)s->nharmful * DRILL_SCORE_HARMFUL +
	    s->hints * DRILL_SCORE_HINT;
	total = s->points_ack + s->points_mitigate + s->points_clean -
	    s->penalty;
	s->points = total < 0 ? 0 : total > 100 ? 100 : total;
	if (s->nharmful > 0)
		s->verdict = "made worse: an action was harmful";
	else if (s->points >= 80)
		s->verdict = "well handled";
	else if (s->points >= 50)
		s->verdict = "handled, with gaps";
	else
		s->verdict = "not handled";

	if (s->ended)
		text = xasprintf("drill ended after %s", util_format_duration(
		    ds_offset(in, s->ended_ms), dur, sizeof dur));
	else
		text = xstrdup("not ended: the last thing recorded");
	ds_event(s, ds_offset(in, s->ended_ms), DRILL_SCORE_EV_END, text);
	free(text);
	ds_sort(s);
}

/* Free a score. */
void
drill_score_done(struct drill_score *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nharmful; i++) {
		free(s->harmful[i].what);
		free(s->harmful[i].why);
	}
	for (i = 0; i < s->nwrong; i++) {
		free(s->wrong[i].what);
		free(s->wrong[i].why);
	}
	for (i = 0; i < s->ntimeline; i++)
		free(s->timeline[i].text);
	free(s->harmful);
	free(s->wrong);
	free(s->timeline);
	free(s->drill);
	free(s->run);
	free(s->source);
	free(s->warning);
	memset(s, 0, sizeof *s);
}

/* The word of a timeline kind. */
const char *
drill_score_kind_word(enum drill_score_kind k)
{
	static const char *const words[] = {
		"start", "ack", "other ack", "mitigates", "harmful", "wrong",
		"action", "end"
	};

	return (size_t)k < sizeof words / sizeof words[0] ? words[k] : "?";
}

/* ------------------------------------------------------------------ */
/* Reading a run's cache                                               */
/* ------------------------------------------------------------------ */

/* A meta value (allocated), or NULL. */
static char *
ds_meta(struct cache *c, const char *key)
{
	sqlite3_stmt	*st;
	char		*v = NULL, *cause = NULL;

	if ((st = cache_prepare(c, "meta", &cause, "SELECT value FROM meta "
	    "WHERE key = ?", "t", key)) == NULL) {
		free(cause);
		return NULL;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = cache_column_text(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A meta value as a number; dflt when missing or not one. */
static int64_t
ds_meta_int(struct cache *c, const char *key, int64_t dflt)
{
	char	*v = ds_meta(c, key);
	int64_t	 n;

	if (v == NULL || util_parse_int64(v, &n) != 0)
		n = dflt;
	free(v);
	return n;
}

/* The run's pace (drill.speed), 1 when missing or not a pace. */
static double
ds_meta_speed(struct cache *c)
{
	char	*v = ds_meta(c, DRILL_META_SPEED);
	double	 x;

	if (v == NULL || util_parse_double(v, &x) != 0 || x < 1 || x > 1000)
		x = 1;
	free(v);
	return x;
}

/* The acknowledgements read from a cache, with their strings. */
struct ds_acks {
	struct drill_score_ack	*v;
	char			**own;		/* 2 per ack */
	size_t			 n;
};

/* The acknowledgements of the run, from the incident timeline. */
static int
ds_read_acks(struct cache *c, struct ds_acks *a, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(a, 0, sizeof *a);
	if ((st = cache_prepare(c, "acknowledgements", cause, "SELECT t.ts_ms,"
	    " t.incident_id, a.alertname FROM incident_timeline t JOIN"
	    " incident_alerts a ON a.incident_id = t.incident_id WHERE t.kind"
	    " = 'acknowledged' ORDER BY t.ts_ms, t.id, a.alertname", "")) ==
	    NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a->v = xreallocarray(a->v, a->n + 1, sizeof *a->v);
		a->own = xreallocarray(a->own, 2 * (a->n + 1),
		    sizeof *a->own);
		a->own[2 * a->n] = cache_column_text(st, 1);
		a->own[2 * a->n + 1] = cache_column_text(st, 2);
		a->v[a->n].ts_ms = sqlite3_column_int64(st, 0);
		a->v[a->n].incident = a->own[2 * a->n];
		a->v[a->n].alertname = a->own[2 * a->n + 1];
		a->v[a->n++].labels = NULL;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("acknowledgements: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* Free what ds_read_acks read. */
static void
ds_acks_free(struct ds_acks *a)
{
	size_t	i;

	for (i = 0; i < 2 * a->n; i++)
		free(a->own[i]);
	free(a->own);
	free(a->v);
}

/* Score the run whose cache is c. */
int
drill_score_cache(struct cache *c, struct drill_score *s, char **cause)
{
	struct drill_score_input	 in;
	struct ds_acks			 acks;
	struct conf_problems		 problems;
	struct audit_rec		*recs = NULL;
	struct drill			*d;
	char				*yaml, *name, *run, *vcause = NULL;
	size_t				 nrecs = 0;
	int64_t				 bad = 0;

	memset(s, 0, sizeof *s);
	memset(&acks, 0, sizeof acks);
	if ((yaml = ds_meta(c, DRILL_META_YAML)) == NULL) {
		*cause = xasprintf("%s is not a drill run: its meta table has "
		    "no %s; drill history and drill report read the caches "
		    "`sitrep drill run` writes", cache_path(c),
		    DRILL_META_YAML);
		return -1;
	}
	name = ds_meta(c, DRILL_META_NAME);
	conf_problems_init(&problems);
	d = drill_load_text(name != NULL ? name : "drill.yaml", yaml,
	    strlen(yaml), &problems);
	free(yaml);
	if (d == NULL) {
		*cause = xasprintf("%s: the drill it played does not load "
		    "(%s); was it written by another version of sitrep?",
		    cache_path(c), problems.n > 0 ? problems.v[0] :
		    "no reason given");
		conf_problems_done(&problems);
		free(name);
		return -1;
	}
	conf_problems_done(&problems);
	free(name);
	if (audit_read(c, 0, NULL, &recs, &nrecs, cause) != 0 ||
	    ds_read_acks(c, &acks, cause) != 0) {
		ds_acks_free(&acks);
		audit_recs_free(recs, nrecs);
		drill_free(d);
		return -1;
	}
	memset(&in, 0, sizeof in);
	in.drill = d;
	in.started_ms = ds_meta_int(c, DRILL_META_STARTED_MS, 0);
	in.ended_ms = ds_meta_int(c, DRILL_META_ENDED_MS, 0);
	in.end_held_ms = ds_meta_int(c, DRILL_META_MITIGATED_MS, 0);
	in.actions = recs;
	in.nactions = nrecs;
	in.acks = acks.v;
	in.nacks = acks.n;
	in.hints = (int)ds_meta_int(c, DRILL_META_HINTS, 0);
	in.speed = ds_meta_speed(c);
	if (in.started_ms <= 0 && nrecs > 0)
		in.started_ms = recs[0].ts_ms;
	drill_score_compute(&in, s);
	if (ds_meta_int(c, DRILL_META_STARTED_MS, 0) <= 0)
		s->warning = xasprintf("the run has no %s: times are from its "
		    "first action", DRILL_META_STARTED_MS);
	else if (audit_verify(c, &bad, &vcause) != 0) {
		s->warning = xasprintf("the audit log does not verify (%s): "
		    "the score reads it as it is", vcause);
		free(vcause);
	}
	if (s->warning != NULL) {
		yaml = s->warning;
		s->warning = ds_clean(yaml);
		free(yaml);
	}
	run = ds_meta(c, DRILL_META_RUN);
	s->run = run != NULL ? ds_clean(run) : NULL;
	free(run);
	run = ds_meta(c, DRILL_META_SOURCE);
	s->source = run != NULL ? ds_clean(run) : NULL;
	free(run);
	ds_acks_free(&acks);
	audit_recs_free(recs, nrecs);
	drill_free(d);
	return 0;
}
