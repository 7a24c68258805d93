/*
 * postmortem.c: an incident's postmortem draft as Markdown, HTML or JSON
 * (schema "sitrep.postmortem/1", docs/INCIDENTS.md).
 *
 * The draft says what the cache knows, in order: a summary with the times
 * to acknowledge, mitigate and resolve; the impact (the error budget each
 * SLO of its services spent); the timeline; the alerts with their labels;
 * the acknowledgements and silences; the rollouts around it; the actions
 * taken through sitrep and their results.  It ends with the questions the
 * cache cannot answer, for the people who write the rest.  Markdown and
 * HTML share one outline through a small writer, so they say the same;
 * every string from outside is escaped for its format (and made safe for
 * a terminal first).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/postmortem.h"
#include "core/vocab.h"
#include "export/escape.h"
#include "export/export.h"
#include "export/postmortem.h"

/* ------------------------------------------------------------------ */
/* A writer for Markdown and HTML                                      */
/* ------------------------------------------------------------------ */

struct pm_doc {
	struct buf	*out;
	int		 html;
};

/* Outside text, escaped for the document. */
static void
pm_text(struct pm_doc *d, const char *s)
{
	if (s == NULL)
		s = "";
	if (d->html)
		export_html_escape(d->out, s);
	else
		export_md_escape(d->out, s);
}

/* A heading. */
static void
pm_h(struct pm_doc *d, int level, const char *s)
{
	if (d->html) {
		buf_printf(d->out, "<h%d>", level);
		pm_text(d, s);
		buf_printf(d->out, "</h%d>\n", level);
	} else {
		buf_printf(d->out, "%.*s ", level, "######");
		pm_text(d, s);
		buf_puts(d->out, "\n\n");
	}
}

/* A paragraph of outside text. */
static void
pm_p(struct pm_doc *d, const char *s)
{
	buf_puts(d->out, d->html ? "<p>" : "");
	pm_text(d, s);
	buf_puts(d->out, d->html ? "</p>\n" : "\n\n");
}

/* A table's head. */
static void
pm_table(struct pm_doc *d, const char *const *cols, size_t n)
{
	size_t	i;

	buf_puts(d->out, d->html ? "<table>\n<tr>" : "|");
	for (i = 0; i < n; i++) {
		if (d->html) {
			buf_puts(d->out, "<th>");
			pm_text(d, cols[i]);
			buf_puts(d->out, "</th>");
		} else {
			buf_puts(d->out, " ");
			pm_text(d, cols[i]);
			buf_puts(d->out, " |");
		}
	}
	if (d->html) {
		buf_puts(d->out, "</tr>\n");
		return;
	}
	buf_puts(d->out, "\n|");
	for (i = 0; i < n; i++)
		buf_puts(d->out, "---|");
	buf_puts(d->out, "\n");
}

/* A row of outside text. */
static void
pm_row(struct pm_doc *d, const char *const *cells, size_t n)
{
	size_t	i;

	buf_puts(d->out, d->html ? "<tr>" : "|");
	for (i = 0; i < n; i++) {
		buf_puts(d->out, d->html ? "<td>" : " ");
		pm_text(d, cells[i]);
		buf_puts(d->out, d->html ? "</td>" : " |");
	}
	buf_puts(d->out, d->html ? "</tr>\n" : "\n");
}

/* The end of a table. */
static void
pm_table_end(struct pm_doc *d)
{
	buf_puts(d->out, d->html ? "</table>\n" : "\n");
}

/* ------------------------------------------------------------------ */
/* Words                                                               */
/* ------------------------------------------------------------------ */

/* A time, or "-". */
static const char *
pm_time(int64_t ms, char *out, size_t len)
{
	if (ms <= 0)
		return "-";
	return util_format_rfc3339(ms, out, len);
}

/* "TIME (after DUR)", or "-". */
static char *
pm_when(int64_t ms, int64_t took_ms)
{
	char	t[40], d[32];

	if (ms <= 0)
		return xstrdup("-");
	if (took_ms < 0)
		return xstrdup(util_format_rfc3339(ms, t, sizeof t));
	return xasprintf("%s (after %s)", util_format_rfc3339(ms, t, sizeof t),
	    vocab_duration(took_ms, d, sizeof d));
}

/* "a, b" of a list, or "none". */
static char *
pm_list(char *const *v, size_t n)
{
	struct buf	b;
	size_t		i;

	if (n == 0)
		return xstrdup("none");
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", v[i]);
	return buf_detach(&b);
}

/* A fraction of a budget as a percentage, or "not known". */
static const char *
pm_percent(double f, char *out, size_t len)
{
	if (isnan(f))
		return "not known";
	return vocab_percent(f, out, len);
}

/* "k=v, k=v" of a JSON object text, sorted by key; "" if none. */
static char *
pm_pairs(const char *json)
{
	cJSON		*o, *it;
	struct buf	 b;

	buf_init(&b, 0);
	buf_puts(&b, "");
	if (json == NULL || (o = cJSON_Parse(json)) == NULL)
		return buf_detach(&b);
	cJSON_ArrayForEach(it, o) {
		if (cJSON_IsString(it) && it->string != NULL)
			buf_printf(&b, "%s%s=%s", buf_str(&b)[0] != '\0' ?
			    ", " : "", it->string, it->valuestring);
	}
	cJSON_Delete(o);
	return buf_detach(&b);
}

/* ------------------------------------------------------------------ */
/* Markdown and HTML                                                   */
/* ------------------------------------------------------------------ */

/* The summary table. */
static void
pm_summary(struct pm_doc *d, const struct postmortem *pm)
{
	static const char *const cols[] = { "", "" };
	const struct incident_rec	*r = &pm->d->inc;
	const char			*row[2];
	char				*v, t[40];

	pm_table(d, cols, 2);
#define ROW(name, value) do {						\
	row[0] = (name);						\
	row[1] = (value);						\
	pm_row(d, row, 2);						\
} while (0)
	ROW("Incident", r->id);
	ROW("Priority", vocab_priority_word(r->priority));
	ROW("Severity", r->severity != NULL ? r->severity : "-");
	ROW("State", r->state);
	ROW("Started", pm_time(r->started_ms, t, sizeof t));
	v = pm_when(r->first_ack_ms, r->tta_ms);
	if (r->first_ack_by != NULL) {
		char	*w = xasprintf("%s by %s", v, r->first_ack_by);

		free(v);
		v = w;
	}
	ROW("First acknowledged", v);
	free(v);
	v = pm_when(r->mitigated_ms, r->ttm_ms);
	ROW("Mitigated", v);
	free(v);
	v = r->resolved_ms > 0 ? pm_when(r->resolved_ms, r->ttr_ms) :
	    xstrdup("not yet");
	ROW("Resolved", v);
	free(v);
	if (r->recurrence_of != NULL)
		ROW("Recurrence of", r->recurrence_of);
	if (r->summary != NULL)
		ROW("Summary", r->summary);
	if (r->runbook_url != NULL)
		ROW("Runbook", r->runbook_url);
	v = pm_list(pm->services, pm->nservices);
	ROW("Services", v);
	free(v);
	v = pm_list(pm->d->receivers, pm->d->nreceivers);
	ROW("Receivers notified", v);
	free(v);
#undef ROW
	pm_table_end(d);
}

/* The error budget spent. */
static void
pm_impact(struct pm_doc *d, const struct postmortem *pm)
{
	static const char *const cols[] = { "SLO", "Service", "Objective",
	    "Budget left before", "Budget left after", "Spent" };
	const struct pm_slo	*s;
	const char		*row[6];
	char			 obj[32], b[32], a[32], sp[32], *list;
	size_t			 i;

	pm_h(d, 2, "Impact");
	if (pm->nslos == 0) {
		list = pm_list(pm->services, pm->nservices);
		buf_puts(d->out, "");
		{
			char	*t = xasprintf("No SLO is defined for its "
			    "services (%s).", list);

			pm_p(d, t);
			free(t);
		}
		free(list);
		return;
	}
	pm_table(d, cols, 6);
	for (i = 0; i < pm->nslos; i++) {
		s = &pm->slos[i];
		snprintf(obj, sizeof obj, "%g%%", s->objective);
		row[0] = s->name;
		row[1] = s->service;
		row[2] = obj;
		row[3] = pm_percent(s->left_before, b, sizeof b);
		row[4] = pm_percent(s->left_after, a, sizeof a);
		row[5] = s->known ? vocab_percent(s->left_before -
		    s->left_after, sp, sizeof sp) : "not known";
		pm_row(d, row, 6);
	}
	pm_table_end(d);
	pm_p(d, "Spent is the share of each SLO's error budget (over its "
	    "period) used from just before the incident started to its end. "
	    "It is not known where the cache holds no budget sample from "
	    "then: it keeps a day of them.");
}

/* The timeline. */
static void
pm_timeline(struct pm_doc *d, const struct postmortem *pm)
{
	static const char *const cols[] = { "Time (UTC)", "Who", "What",
	    "" };
	const struct incident_event	*e;
	const char			*row[4];
	char				 t[40];
	size_t				 i;

	pm_h(d, 2, "Timeline");
	pm_table(d, cols, 4);
	for (i = 0; i < pm->d->nevents; i++) {
		e = &pm->d->events[i];
		row[0] = pm_time(e->ts_ms, t, sizeof t);
		row[1] = e->actor != NULL ? e->actor : "";
		row[2] = e->kind;
		row[3] = e->text;
		pm_row(d, row, 4);
	}
	pm_table_end(d);
}

/* The alerts. */
static void
pm_alerts(struct pm_doc *d, const struct postmortem *pm)
{
	static const char *const cols[] = { "Alert", "Severity", "Joined",
	    "Resolved", "Labels", "Summary" };
	const struct incident_rec_alert	*a;
	const char			*row[6];
	char				 j[40], r[40], *labels;
	size_t				 i;

	pm_h(d, 2, "Alerts");
	pm_table(d, cols, 6);
	for (i = 0; i < pm->d->nalerts; i++) {
		a = &pm->d->alerts[i];
		labels = a->labels != NULL ? pm_pairs(a->labels) :
		    xstrdup("(no longer listed by Alertmanager)");
		row[0] = a->alertname;
		row[1] = a->severity != NULL ? a->severity : "-";
		row[2] = pm_time(a->joined_ms, j, sizeof j);
		row[3] = a->resolved_ms > 0 ? pm_time(a->resolved_ms, r,
		    sizeof r) : "fires";
		row[4] = labels;
		row[5] = a->summary != NULL ? a->summary : "";
		pm_row(d, row, 6);
		free(labels);
	}
	pm_table_end(d);
}

/* Acknowledgements and silences, from the timeline. */
static void
pm_acks(struct pm_doc *d, const struct postmortem *pm)
{
	static const char *const cols[] = { "Time (UTC)", "Who", "What" };
	const struct incident_event	*e;
	const char			*row[3];
	char				 t[40];
	size_t				 i, n = 0;

	pm_h(d, 2, "Acknowledgements and silences");
	for (i = 0; i < pm->d->nevents; i++) {
		e = &pm->d->events[i];
		if (strcmp(e->kind, "acknowledged") != 0 &&
		    strcmp(e->kind, "unacknowledged") != 0 &&
		    strcmp(e->kind, "silenced") != 0 &&
		    strcmp(e->kind, "silence ended") != 0)
			continue;
		if (n++ == 0)
			pm_table(d, cols, 3);
		row[0] = pm_time(e->ts_ms, t, sizeof t);
		row[1] = e->actor != NULL ? e->actor : "";
		row[2] = e->text;
		pm_row(d, row, 3);
	}
	if (n > 0)
		pm_table_end(d);
	else
		pm_p(d, "It was never acknowledged or silenced.");
}

/* The rollouts around it. */
static void
pm_rollouts(struct pm_doc *d, const struct postmortem *pm)
{
	static const char *const cols[] = { "Time (UTC)", "Workload",
	    "Revision", "Images" };
	const struct pm_rollout	*r;
	const char		*row[4];
	char			 t[40], rev[24], *w, *ns, *head;
	size_t			 i;

	ns = pm_list(pm->namespaces, pm->nnamespaces);
	head = xasprintf("Rollouts from an hour before it started to its end"
	    "%s%s", pm->nnamespaces > 0 ? ", in " : "", pm->nnamespaces > 0 ?
	    ns : "");
	pm_h(d, 2, head);
	free(head);
	if (pm->nrollouts == 0) {
		head = xasprintf("None recorded%s%s.", pm->nnamespaces > 0 ?
		    " in " : "", pm->nnamespaces > 0 ? ns : "");
		pm_p(d, head);
		free(head);
		free(ns);
		return;
	}
	free(ns);
	pm_table(d, cols, 4);
	for (i = 0; i < pm->nrollouts; i++) {
		r = &pm->rollouts[i];
		w = xasprintf("%s %s/%s", r->kind, r->namespace, r->name);
		snprintf(rev, sizeof rev, "%lld", (long long)r->revision);
		row[0] = pm_time(r->at_ms, t, sizeof t);
		row[1] = w;
		row[2] = rev;
		row[3] = r->images != NULL ? r->images : "";
		pm_row(d, row, 4);
		free(w);
	}
	pm_table_end(d);
}

/* The actions taken through sitrep. */
static void
pm_actions(struct pm_doc *d, const struct postmortem *pm)
{
	static const char *const cols[] = { "Time (UTC)", "Who", "Action",
	    "Result", "Detail" };
	const struct pm_action	*a;
	const char		*row[5];
	char			 t[40], *act;
	size_t			 i;

	pm_h(d, 2, "Actions taken through sitrep");
	if (pm->nactions == 0) {
		pm_p(d, "None (the audit log has no action on this "
		    "incident).");
		return;
	}
	pm_table(d, cols, 5);
	for (i = 0; i < pm->nactions; i++) {
		a = &pm->actions[i];
		act = xasprintf("%s%s", a->action, a->dry_run ? " (dry run)" :
		    "");
		row[0] = pm_time(a->ts_ms, t, sizeof t);
		row[1] = a->actor;
		row[2] = act;
		row[3] = a->result != NULL ? a->result : "";
		row[4] = a->detail != NULL ? a->detail : "";
		pm_row(d, row, 5);
		free(act);
	}
	pm_table_end(d);
}

/* The whole draft in Markdown or HTML. */
static void
pm_document(struct pm_doc *d, const struct postmortem *pm)
{
	const struct incident_rec	*r = &pm->d->inc;
	char				*title, when[40], drill[320];

	export_drill_run_line(&pm->drill, drill, sizeof drill);
	title = xasprintf("%s%sPostmortem draft: %s", drill, *drill != '\0' ?
	    ": " : "", r->title);
	if (d->html) {
		buf_puts(d->out, "<!DOCTYPE html>\n<html xmlns=\"http://www."
		    "w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
		    "<meta charset=\"utf-8\" />\n<meta name=\"generator\" "
		    "content=\"sitrep\" />\n<title>");
		pm_text(d, title);
		buf_puts(d->out, "</title>\n<style>\nbody { font-family: "
		    "sans-serif; margin: 2em; }\ntable { border-collapse: "
		    "collapse; margin-bottom: 1em; }\ntd, th { border: 1px solid "
		    "#999; padding: 2px 6px; text-align: left; vertical-align: "
		    "top; }\n</style>\n</head>\n<body>\n");
		if (*drill != '\0') {
			buf_puts(d->out, "<h1 id=\"drill\">");
			pm_text(d, drill);
			buf_puts(d->out, "</h1>\n");
		}
		free(title);
		title = xasprintf("Postmortem draft: %s", r->title);
		pm_h(d, 1, title);
	} else {
		if (*drill != '\0') {
			buf_puts(d->out, "# ");
			pm_text(d, drill);
			buf_puts(d->out, "\n\n");
		}
		free(title);
		title = xasprintf("Postmortem draft: %s", r->title);
		buf_puts(d->out, "# ");
		pm_text(d, title);
		buf_puts(d->out, "\n\n");
	}
	free(title);
	title = xasprintf("Incident %s of context %s, drafted by sitrep from "
	    "its cache at %s.", r->id, pm->context,
	    util_format_rfc3339(pm->generated_ms, when, sizeof when));
	pm_p(d, title);
	free(title);
	pm_h(d, 2, "Summary");
	pm_summary(d, pm);
	pm_impact(d, pm);
	pm_timeline(d, pm);
	pm_alerts(d, pm);
	pm_acks(d, pm);
	pm_rollouts(d, pm);
	pm_actions(d, pm);
	pm_h(d, 2, "What the cache cannot tell");
	pm_p(d, "The cause; what fixed it and why it worked; what made it "
	    "worse or slower to see; what to change so it does not happen "
	    "again, each with an owner.");
	if (d->html)
		buf_puts(d->out, "</body>\n</html>\n");
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/* The draft as JSON. */
static void
pm_json(const struct postmortem *pm, struct buf *out)
{
	const struct incident_rec	*r = &pm->d->inc;
	cJSON				*root, *inc, *a, *o, *ack;
	char				*text;
	size_t				 i;

	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "schema", EXPORT_POSTMORTEM_SCHEMA);
	if (pm->drill.name != NULL)
		cJSON_AddItemToObject(root, "drill",
		    export_json_drill(&pm->drill));
	export_json_string(root, "context", pm->context);
	export_json_time(root, "generated_at", pm->generated_ms);
	inc = cJSON_AddObjectToObject(root, "incident");
	export_json_string(inc, "id", r->id);
	export_json_string(inc, "title", r->title);
	export_json_string(inc, "group_key", r->group_key);
	cJSON_AddStringToObject(inc, "priority",
	    vocab_priority_word(r->priority));
	export_json_string(inc, "severity", r->severity);
	export_json_string(inc, "state", r->state);
	export_json_string(inc, "summary", r->summary);
	export_json_string(inc, "runbook_url", r->runbook_url);
	export_json_string(inc, "recurrence_of", r->recurrence_of);
	export_json_time(inc, "started_at", r->started_ms);
	export_json_time(inc, "first_acknowledged_at", r->first_ack_ms);
	export_json_string(inc, "first_acknowledged_by", r->first_ack_by);
	export_json_time(inc, "mitigated_at", r->mitigated_ms);
	export_json_time(inc, "resolved_at", r->resolved_ms);
	export_json_seconds(inc, "time_to_acknowledge_s", r->tta_ms);
	export_json_seconds(inc, "time_to_mitigate_s", r->ttm_ms);
	export_json_seconds(inc, "time_to_resolve_s", r->ttr_ms);
	if (r->ack_by != NULL) {
		ack = cJSON_AddObjectToObject(inc, "acknowledgement");
		export_json_string(ack, "by", r->ack_by);
		export_json_time(ack, "at", r->ack_ms);
		export_json_time(ack, "until", r->ack_until_ms);
		cJSON_AddBoolToObject(ack, "shared", !r->ack_local);
		export_json_string(ack, "reason", r->ack_reason);
	} else
		cJSON_AddNullToObject(inc, "acknowledgement");
	export_json_strings(root, "services", pm->services, pm->nservices);
	export_json_strings(root, "namespaces", pm->namespaces, pm->nnamespaces);
	export_json_strings(root, "receivers", pm->d->receivers, pm->d->nreceivers);
	o = cJSON_AddObjectToObject(root, "window");
	export_json_time(o, "from", pm->from_ms);
	export_json_time(o, "to", pm->to_ms);

	a = cJSON_AddArrayToObject(root, "impact");
	for (i = 0; i < pm->nslos; i++) {
		o = cJSON_CreateObject();
		export_json_string(o, "slo", pm->slos[i].name);
		export_json_string(o, "service", pm->slos[i].service);
		export_json_number(o, "objective_percent", pm->slos[i].objective);
		export_json_number(o, "budget_left_before",
		    pm->slos[i].left_before);
		export_json_number(o, "budget_left_after", pm->slos[i].left_after);
		export_json_number(o, "budget_spent", pm->slos[i].known ?
		    pm->slos[i].left_before - pm->slos[i].left_after : NAN);
		export_json_time(o, "sampled_before_at", pm->slos[i].before_ms);
		export_json_time(o, "sampled_after_at", pm->slos[i].after_ms);
		cJSON_AddItemToArray(a, o);
	}
	a = cJSON_AddArrayToObject(root, "timeline");
	for (i = 0; i < pm->d->nevents; i++) {
		o = cJSON_CreateObject();
		export_json_time(o, "at", pm->d->events[i].ts_ms);
		export_json_string(o, "kind", pm->d->events[i].kind);
		export_json_string(o, "actor", pm->d->events[i].actor);
		export_json_string(o, "text", pm->d->events[i].text);
		cJSON_AddItemToArray(a, o);
	}
	a = cJSON_AddArrayToObject(root, "alerts");
	for (i = 0; i < pm->d->nalerts; i++) {
		const struct incident_rec_alert	*al = &pm->d->alerts[i];

		o = cJSON_CreateObject();
		export_json_string(o, "fingerprint", al->fingerprint);
		export_json_string(o, "alertname", al->alertname);
		export_json_string(o, "severity", al->severity);
		export_json_time(o, "joined_at", al->joined_ms);
		export_json_time(o, "resolved_at", al->resolved_ms);
		cJSON_AddBoolToObject(o, "listed", al->listed);
		export_json_map(o, "labels", al->labels);
		export_json_map(o, "annotations", al->annotations);
		export_json_strings(o, "receivers", al->receivers, al->nreceivers);
		cJSON_AddItemToArray(a, o);
	}
	a = cJSON_AddArrayToObject(root, "rollouts");
	for (i = 0; i < pm->nrollouts; i++) {
		o = cJSON_CreateObject();
		export_json_time(o, "at", pm->rollouts[i].at_ms);
		export_json_string(o, "namespace", pm->rollouts[i].namespace);
		export_json_string(o, "kind", pm->rollouts[i].kind);
		export_json_string(o, "name", pm->rollouts[i].name);
		cJSON_AddNumberToObject(o, "revision",
		    (double)pm->rollouts[i].revision);
		export_json_string(o, "images", pm->rollouts[i].images);
		cJSON_AddItemToArray(a, o);
	}
	a = cJSON_AddArrayToObject(root, "actions");
	for (i = 0; i < pm->nactions; i++) {
		o = cJSON_CreateObject();
		export_json_time(o, "at", pm->actions[i].ts_ms);
		export_json_string(o, "actor", pm->actions[i].actor);
		export_json_string(o, "action", pm->actions[i].action);
		export_json_string(o, "result", pm->actions[i].result);
		cJSON_AddBoolToObject(o, "dry_run", pm->actions[i].dry_run);
		export_json_string(o, "detail", pm->actions[i].detail);
		cJSON_AddItemToArray(a, o);
	}
	text = cJSON_Print(root);
	export_json_append_safe(out, text);
	buf_puts(out, "\n");
	cJSON_free(text);
	cJSON_Delete(root);
}

/* The draft in a format. */
int
export_postmortem(const struct postmortem *pm, enum export_format f,
    struct buf *out, char **cause)
{
	struct pm_doc	d;

	d.out = out;
	switch (f) {
	case EXPORT_JSON:
		pm_json(pm, out);
		return 0;
	case EXPORT_MARKDOWN:
	case EXPORT_HTML:
		d.html = f == EXPORT_HTML;
		pm_document(&d, pm);
		return 0;
	default:
		*cause = xstrdup("a postmortem is written as markdown, json or "
		    "html");
		return -1;
	}
}
