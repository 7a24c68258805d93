/*
 * incident_read.c: `sitrep incident list` and `sitrep incident show`:
 * the incidents the cache keeps, from the command line.
 *
 * Both only read the cache (opened read-only: never created, upgraded or
 * moved aside) through core/views_incidents.c.  Text is for people: every
 * string from outside passes the terminal sanitiser, durations and ages
 * are the vocabulary's.  JSON is for machines, versioned
 * (sitrep.incidents/1, sitrep.incident/1; docs/INCIDENTS.md), written
 * with the snapshot's escaping, so printing it is safe too.  Exit status:
 * 0 done, 1 the cache cannot be read, 2 a usage error or an unknown id.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/width.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/incident_act.h"
#include "core/views_detail.h"
#include "core/views_incidents.h"
#include "core/vocab.h"
#include "export/export.h"

/* The JSON documents' versions: bumped on any incompatible change. */
#define INCIDENTS_SCHEMA	"sitrep.incidents/1"
#define INCIDENT_SCHEMA		"sitrep.incident/1"

/* What both commands set up: configuration, context, cache. */
struct inc_env {
	struct conf			*conf;
	const struct conf_context	*ctx;
	struct cache			*cache;
	int				 json;
};

/* Print "sitrep[ what]: cause" on stderr, sanitised. */
static void
inc_error(const char *what, const char *cause)
{
	char	*safe = sanitize_terminal(cause, 0);

	out_printf(stderr, "sitrep%s%s: %s\n", what != NULL ? " " : "",
	    what != NULL ? what : "", safe);
	free(safe);
}

/* Free what inc_env_open() made. */
static void
inc_env_close(struct inc_env *e)
{
	if (e->cache != NULL)
		cache_close(e->cache);
	conf_free(e->conf);
}

/*
 * Check --format, load the configuration, choose the context and open
 * the cache read-only; 0, or an exit status after a message.
 */
static int
inc_env_open(struct cmd_opts *g, const char *cmd, const char *format,
    struct inc_env *e)
{
	char	*why;

	memset(e, 0, sizeof *e);
	if (format != NULL && strcmp(format, "json") == 0)
		e->json = 1;
	else if (format != NULL && strcmp(format, "text") != 0) {
		why = xasprintf("unknown format '%s'; use text or json",
		    format);
		inc_error(cmd, why);
		free(why);
		return CMD_USAGE;
	}
	if (cmd_load_conf(g, &e->conf) != 0)
		return CMD_USAGE;
	if ((e->ctx = cmd_context(g, e->conf)) == NULL) {
		inc_env_close(e);
		return CMD_USAGE;
	}
	if ((e->cache = cmd_open_cache(g, CACHE_READONLY)) == NULL) {
		inc_env_close(e);
		return CMD_FAIL;
	}
	return 0;
}

/* Print text sanitised for the terminal. */
static void
inc_puts(const char *s)
{
	char	*safe = sanitize_terminal(s != NULL ? s : "", 0);

	out_puts(safe, stdout);
	free(safe);
}

/*
 * Print s sanitised and padded to cols columns; cut to them (with an
 * ellipsis) when cut is set.
 */
static void
inc_cell(const char *s, size_t cols, int cut)
{
	char	*safe = sanitize_terminal(s != NULL ? s : "", 0), *fit;
	size_t	 w;

	fit = cut ? width_fit(safe, cols, "...") : xstrdup(safe);
	w = width_of(fit);
	out_puts(fit, stdout);
	for (; w < cols; w++)
		out_putc(' ', stdout);
	free(fit);
	free(safe);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/* Add JSON object text as an object (null when absent or not one). */
static void
json_object_text(cJSON *o, const char *name, const char *text)
{
	cJSON	*v = text != NULL ? cJSON_Parse(text) : NULL;

	if (v != NULL && !cJSON_IsObject(v)) {
		cJSON_Delete(v);
		v = NULL;
	}
	if (v == NULL)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddItemToObject(o, name, v);
}

/* An incident as JSON. */
static cJSON *
json_incident(const struct incident_rec *r)
{
	cJSON	*o = cJSON_CreateObject(), *k;

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "title", r->title);
	cJSON_AddStringToObject(o, "priority", vocab_priority_word(
	    r->priority));
	export_json_string(o, "severity", r->severity);
	cJSON_AddStringToObject(o, "state", r->state);
	cJSON_AddStringToObject(o, "group_key", r->group_key);
	export_json_string(o, "summary", r->summary);
	export_json_string(o, "runbook_url", r->runbook_url);
	export_json_string(o, "recurrence_of", r->recurrence_of);
	export_json_time(o, "started_at", r->started_ms);
	export_json_time(o, "mitigated_at", r->mitigated_ms);
	export_json_time(o, "resolved_at", r->resolved_ms);
	if (r->ack_by == NULL)
		cJSON_AddNullToObject(o, "acknowledgement");
	else {
		k = cJSON_AddObjectToObject(o, "acknowledgement");
		cJSON_AddStringToObject(k, "by", r->ack_by);
		export_json_time(k, "at", r->ack_ms);
		export_json_time(k, "until", r->ack_until_ms);
		cJSON_AddBoolToObject(k, "local", r->ack_local);
		export_json_string(k, "local_reason", r->ack_local ? r->ack_reason :
		    NULL);
	}
	if (r->first_ack_by == NULL)
		cJSON_AddNullToObject(o, "first_acknowledgement");
	else {
		k = cJSON_AddObjectToObject(o, "first_acknowledgement");
		cJSON_AddStringToObject(k, "by", r->first_ack_by);
		export_json_time(k, "at", r->first_ack_ms);
	}
	export_json_seconds(o, "time_to_acknowledge_seconds", r->tta_ms);
	export_json_seconds(o, "time_to_mitigate_seconds", r->ttm_ms);
	export_json_seconds(o, "time_to_resolve_seconds", r->ttr_ms);
	return o;
}


/* A new document's top: schema, context, when. */
static cJSON *
json_top(const char *schema, const char *context, int64_t now_ms)
{
	cJSON	*root = cJSON_CreateObject();

	cJSON_AddStringToObject(root, "schema", schema);
	cJSON_AddStringToObject(root, "context", context);
	export_json_time(root, "generated_at", now_ms);
	return root;
}

/* ------------------------------------------------------------------ */
/* incident list                                                       */
/* ------------------------------------------------------------------ */

/* Who acknowledged: now ("alice, local"), else first ("alice"), "-". */
static char *
list_acked(const struct incident_rec *r)
{
	if (r->ack_by != NULL)
		return xasprintf("%s%s", r->ack_by, r->ack_local ? " (local)" :
		    "");
	return xstrdup(r->first_ack_by != NULL ? r->first_ack_by : "-");
}

/* The list as text. */
static void
list_text(const struct incident_rec *v, size_t n, int64_t now_ms)
{
	char	tta[32], ttm[32], ttr[32], age[32], *acked;
	size_t	i;

	out_printf(stdout, "%-8s  %-3s  %-9s  %-6s  %-6s  %-6s  %-6s  %-18s  %s\n", "ID",
	    "PRI", "STATE", "AGE", "TTA", "TTM", "TTR", "ACKED BY", "TITLE");
	for (i = 0; i < n; i++) {
		acked = list_acked(&v[i]);
		out_printf(stdout, "%-8s  %-3s  %-9s  %-6s  %-6s  %-6s  %-6s  ",
		    v[i].id, vocab_priority_word(v[i].priority),
		    vocab_incident_state_word(v[i].state),
		    vocab_age(v[i].started_ms, now_ms, age, sizeof age),
		    vocab_duration(v[i].tta_ms, tta, sizeof tta),
		    vocab_duration(v[i].ttm_ms, ttm, sizeof ttm),
		    vocab_duration(v[i].ttr_ms, ttr, sizeof ttr));
		inc_cell(acked, 18, 1);
		out_puts("  ", stdout);
		inc_puts(v[i].title);
		out_putc('\n', stdout);
		free(acked);
	}
}

/* sitrep incident list [--state S] [--format text|json] */
int
cmd_incident_list(struct cmd_opts *g, int argc, char **argv)
{
	struct inc_env		 e;
	struct incident_rec	*v;
	const char		*format = NULL, *state = NULL;
	int			 nw, rc, f = INCIDENT_OPEN;
	size_t			 n, i;
	int64_t			 now_ms;
	char			**words, *cause = NULL, *text;
	cJSON			*root, *a;
	const struct cmd_option	 opts[] = {
		{ "--format", &format, NULL, NULL },
		{ "--state", &state, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("incident list", "takes no arguments");
	if (state != NULL && (f = incident_filter_parse(state)) < 0) {
		text = xasprintf("unknown state '%s'; use "
		    INCIDENT_FILTER_WORDS, state);
		inc_error("incident list", text);
		free(text);
		return CMD_USAGE;
	}
	if ((rc = inc_env_open(g, "incident list", format, &e)) != 0)
		return rc;
	now_ms = util_now_ms();
	v = views_incidents_list(e.cache, e.ctx->name, (enum incident_filter)f,
	    0, &n, &cause);
	if (v == NULL) {
		inc_error(NULL, cause);
		free(cause);
		inc_env_close(&e);
		return CMD_FAIL;
	}
	if (e.json) {
		root = json_top(INCIDENTS_SCHEMA, e.ctx->name, now_ms);
		cJSON_AddStringToObject(root, "state", incident_filter_word(
		    (enum incident_filter)f));
		a = cJSON_AddArrayToObject(root, "incidents");
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(a, json_incident(&v[i]));
		export_json_print(root, 1, stdout);
	} else if (n == 0) {
		out_printf(stdout, "no %s incident in context %s (as of the last fetch; "
		    "--state all lists every one the cache keeps)\n",
		    f == INCIDENT_ALL ? "kept" : incident_filter_word(
		    (enum incident_filter)f), e.ctx->name);
	} else
		list_text(v, n, now_ms);
	incident_recs_free(v, n);
	inc_env_close(&e);
	return fflush(stdout) == 0 ? CMD_OK : CMD_FAIL;
}

/* ------------------------------------------------------------------ */
/* incident show                                                       */
/* ------------------------------------------------------------------ */

/* The detail as JSON. */
static void
show_json(const struct incident_detail *d, const char *context,
    int64_t now_ms)
{
	const struct incident_rec_alert	*al;
	cJSON				*root, *inc, *a, *o;
	size_t				 i;

	root = json_top(INCIDENT_SCHEMA, context, now_ms);
	inc = json_incident(&d->inc);
	cJSON_AddItemToObject(root, "incident", inc);
	export_json_strings(inc, "receivers", d->receivers, d->nreceivers);
	a = cJSON_AddArrayToObject(inc, "alerts");
	for (i = 0; i < d->nalerts; i++) {
		al = &d->alerts[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "fingerprint", al->fingerprint);
		cJSON_AddStringToObject(o, "alertname", al->alertname);
		export_json_string(o, "severity", al->severity);
		export_json_time(o, "joined_at", al->joined_ms);
		export_json_time(o, "resolved_at", al->resolved_ms);
		cJSON_AddBoolToObject(o, "listed", al->listed);
		export_json_string(o, "state", al->state);
		cJSON_AddBoolToObject(o, "silenced", al->silenced);
		json_object_text(o, "labels", al->labels);
		json_object_text(o, "annotations", al->annotations);
		export_json_strings(o, "receivers", al->receivers, al->nreceivers);
		cJSON_AddItemToArray(a, o);
	}
	a = cJSON_AddArrayToObject(inc, "timeline");
	for (i = 0; i < d->nevents; i++) {
		o = cJSON_CreateObject();
		export_json_time(o, "at", d->events[i].ts_ms);
		cJSON_AddStringToObject(o, "kind", d->events[i].kind);
		export_json_string(o, "actor", d->events[i].actor);
		cJSON_AddStringToObject(o, "text", d->events[i].text);
		cJSON_AddItemToArray(a, o);
	}
	export_json_print(root, 1, stdout);
}

/* "  name        " then s, sanitised, and a newline. */
static void
show_field(const char *name, const char *s)
{
	out_printf(stdout, "  %-14s", name);
	inc_puts(s);
	out_putc('\n', stdout);
}

/* "TIME, after D" (D from the start), into a new string. */
static char *
show_when(int64_t ms, int64_t after_ms)
{
	char	ts[40], dur[32];

	util_format_rfc3339(ms, ts, sizeof ts);
	if (after_ms < 0)
		return xstrdup(ts);
	return xasprintf("%s, after %s", ts, vocab_duration(after_ms, dur,
	    sizeof dur));
}

/* The incident's own lines: state, times, acknowledgement. */
static void
show_head(const struct incident_rec *r, int64_t now_ms)
{
	char	ts[40], age[32], *s, *w;

	out_printf(stdout, "Incident %s: ", r->id);
	inc_puts(r->title);
	out_putc('\n', stdout);
	s = xasprintf("%s, %s, severity %s", r->state,
	    vocab_priority_word(r->priority), r->severity != NULL ?
	    r->severity : "none");
	show_field("state", s);
	free(s);
	s = xasprintf("%s (%s ago)", util_format_rfc3339(r->started_ms, ts,
	    sizeof ts), vocab_age(r->started_ms, now_ms, age, sizeof age));
	show_field("started", s);
	free(s);
	if (r->ack_by != NULL) {
		util_format_rfc3339(r->ack_until_ms, ts, sizeof ts);
		s = r->ack_local ? xasprintf("by %s until %s (local ack, not "
		    "shared: %s)", r->ack_by, ts, r->ack_reason != NULL ?
		    r->ack_reason : "no Alertmanager took it") :
		    xasprintf("by %s until %s", r->ack_by, ts);
		show_field("acknowledged", s);
		free(s);
	}
	if (r->first_ack_by != NULL) {
		w = show_when(r->first_ack_ms, r->tta_ms);
		s = xasprintf("by %s at %s", r->first_ack_by, w);
		show_field("first ack", s);
		free(s);
		free(w);
	} else
		show_field("first ack", "never acknowledged");
	if (r->mitigated_ms > 0) {
		s = show_when(r->mitigated_ms, r->ttm_ms);
		show_field("mitigated", s);
		free(s);
	}
	if (r->resolved_ms > 0) {
		s = show_when(r->resolved_ms, r->ttr_ms);
		show_field("resolved", s);
		free(s);
	}
	if (r->recurrence_of != NULL)
		show_field("recurrence of", r->recurrence_of);
	show_field("group", r->group_key);
	if (r->summary != NULL)
		show_field("summary", r->summary);
	if (r->runbook_url != NULL)
		show_field("runbook", r->runbook_url);
}

/* The detail as text. */
static void
show_text(const struct incident_detail *d, int64_t now_ms)
{
	const struct incident_rec_alert	*al;
	struct view_pair		*pairs;
	struct buf			 b;
	char				 ts[40];
	size_t				 i, k, npairs;

	show_head(&d->inc, now_ms);
	buf_init(&b, 0);
	for (i = 0; i < d->nreceivers; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", d->receivers[i]);
	show_field("notified", d->nreceivers > 0 ? buf_str(&b) :
	    "no receiver listed (Alertmanager lists them while alerts fire)");
	buf_done(&b);

	out_printf(stdout, "\nALERTS\n");
	for (i = 0; i < d->nalerts; i++) {
		al = &d->alerts[i];
		buf_init(&b, 0);
		buf_printf(&b, "%s (%s), joined %s", al->alertname,
		    al->severity != NULL ? al->severity : "no severity",
		    util_format_rfc3339(al->joined_ms, ts, sizeof ts));
		if (al->resolved_ms > 0)
			buf_printf(&b, ", resolved %s", util_format_rfc3339(
			    al->resolved_ms, ts, sizeof ts));
		else
			buf_printf(&b, ", firing%s", al->silenced ?
			    ", silenced" : "");
		out_puts("  ", stdout);
		inc_puts(buf_str(&b));
		out_putc('\n', stdout);
		buf_done(&b);
		if (!al->listed) {
			out_printf(stdout, "    (no longer listed by Alertmanager: labels "
			    "and receivers are not kept)\n");
			continue;
		}
		if (al->summary != NULL)
			show_field("  summary", al->summary);
		if (al->description != NULL)
			show_field("  description", al->description);
		buf_init(&b, 0);
		for (k = 0; k < al->nreceivers; k++)
			buf_printf(&b, "%s%s", k > 0 ? ", " : "",
			    al->receivers[k]);
		show_field("  notified", al->nreceivers > 0 ? buf_str(&b) :
		    "-");
		buf_done(&b);
		pairs = views_pairs(al->labels, &npairs);
		buf_init(&b, 0);
		for (k = 0; k < npairs; k++)
			buf_printf(&b, "%s%s=%s", k > 0 ? ", " : "",
			    pairs[k].key, pairs[k].value);
		show_field("  labels", buf_str(&b));
		buf_done(&b);
		views_pairs_free(pairs, npairs);
	}
	if (d->nalerts == 0)
		out_printf(stdout, "  none\n");

	out_printf(stdout, "\nTIMELINE\n");
	for (i = 0; i < d->nevents; i++) {
		out_printf(stdout, "  %s  ", util_format_rfc3339(d->events[i].ts_ms, ts,
		    sizeof ts));
		inc_cell(d->events[i].actor != NULL ? d->events[i].actor :
		    "-", 12, 0);
		out_puts("  ", stdout);
		inc_puts(d->events[i].kind);
		out_puts(": ", stdout);
		inc_puts(d->events[i].text);
		out_putc('\n', stdout);
	}
}

/* sitrep incident show ID [--format text|json] */
int
cmd_incident_show(struct cmd_opts *g, int argc, char **argv)
{
	struct inc_env		 e;
	struct incident_detail	*d;
	struct incident_rec	*probe;
	const char		*format = NULL;
	int			 nw, rc;
	size_t			 n;
	int64_t			 now_ms;
	char			**words, *cause = NULL, *id = NULL, *text;
	const struct cmd_option	 opts[] = {
		{ "--format", &format, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	text = nw == 1 ? xstrdup(words[0]) : NULL;
	free(words);
	if (text == NULL)
		return cmd_bad_usage("incident show", "takes one incident id");
	if ((rc = inc_env_open(g, "incident show", format, &e)) != 0) {
		free(text);
		return rc;
	}
	/* A cache that cannot be read is 1; an id that names none is 2. */
	probe = views_incidents_list(e.cache, e.ctx->name, INCIDENT_ALL, 1,
	    &n, &cause);
	if (probe == NULL) {
		inc_error(NULL, cause);
		rc = CMD_FAIL;
	} else if (incident_lookup(e.cache, e.ctx->name, text, &id,
	    &cause) != 0) {
		inc_error("incident show", cause);
		rc = CMD_USAGE;
	} else if ((d = views_incident_read(e.cache, e.ctx->name, id,
	    &cause)) == NULL) {
		inc_error(NULL, cause);
		rc = CMD_FAIL;
	} else {
		now_ms = util_now_ms();
		if (e.json)
			show_json(d, e.ctx->name, now_ms);
		else
			show_text(d, now_ms);
		incident_detail_free(d);
		rc = fflush(stdout) == 0 ? CMD_OK : CMD_FAIL;
	}
	incident_recs_free(probe, n);
	free(cause);
	free(id);
	free(text);
	inc_env_close(&e);
	return rc;
}
