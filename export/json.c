/*
 * json.c: the views as a JSON document, schema "sitrep.snapshot/v1".
 *
 * This is the machine-readable snapshot: a CI job or a monitoring check
 * reads it, so its shape is a contract, written down in docs/SNAPSHOT.md
 * and docs/snapshot.schema.json and checked against them by the tests.
 * The rules that keep it honest: numbers are numbers, "no data" is null
 * (never 0, never NaN), times are RFC 3339 in UTC, and every string is
 * valid UTF-8 escaped by cJSON.  Labels and annotations are stored as JSON
 * text; they are parsed and re-emitted as objects of strings, or {} when
 * the stored text is not such an object.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/views.h"
#include "core/vocab.h"
#include "export/escape.h"

/* Add a string, valid UTF-8; NULL becomes null. */
void
export_json_string(cJSON *o, const char *key, const char *s)
{
	char	*t;

	if (s == NULL) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	t = sanitize_utf8(s, strlen(s));
	cJSON_AddStringToObject(o, key, t);
	free(t);
}

/* Add a string that is always present; NULL becomes "". */
static void
json_text(cJSON *o, const char *key, const char *s)
{
	export_json_string(o, key, s != NULL ? s : "");
}

/* A finite number to six significant digits, so output is stable. */
static cJSON *
json_number_item(double d)
{
	char	tmp[64];

	if (!isfinite(d))
		return cJSON_CreateNull();
	snprintf(tmp, sizeof tmp, "%.6g", d);
	return cJSON_CreateNumber(strtod(tmp, NULL));
}

/* Add a number; NaN or infinity become null. */
void
export_json_number(cJSON *o, const char *key, double d)
{
	cJSON_AddItemToObject(o, key, json_number_item(d));
}

/* Add a time as RFC 3339; 0 or less (never) becomes null. */
void
export_json_time(cJSON *o, const char *key, int64_t ms)
{
	char	tmp[64];

	if (ms <= 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	util_format_rfc3339(ms, tmp, sizeof tmp);
	cJSON_AddStringToObject(o, key, tmp);
}

/* Whole seconds, or null. */
void
export_json_seconds(cJSON *o, const char *key, int64_t ms)
{
	if (ms < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, (double)(ms / 1000));
}

/* Add an array of strings. */
void
export_json_strings(cJSON *o, const char *key, char *const *v, size_t n)
{
	cJSON	*a;
	char	*t;
	size_t	 i;

	a = cJSON_AddArrayToObject(o, key);
	for (i = 0; i < n; i++) {
		t = sanitize_utf8(v[i] != NULL ? v[i] : "",
		    v[i] != NULL ? strlen(v[i]) : 0);
		cJSON_AddItemToArray(a, cJSON_CreateString(t));
		free(t);
	}
}

/* Add stored JSON object text as an object of strings; {} if invalid. */
void
export_json_map(cJSON *o, const char *key, const char *text)
{
	cJSON		*out, *in, *it;
	char		*k, *val;

	out = cJSON_AddObjectToObject(o, key);
	if (text == NULL)
		return;
	in = cJSON_Parse(text);
	if (in == NULL)
		return;
	if (!cJSON_IsObject(in)) {
		cJSON_Delete(in);
		return;
	}
	cJSON_ArrayForEach(it, in) {
		if (it->string == NULL || !cJSON_IsString(it) ||
		    it->valuestring == NULL)
			continue;
		k = sanitize_utf8(it->string, strlen(it->string));
		if (cJSON_GetObjectItemCaseSensitive(out, k) == NULL) {
			val = sanitize_utf8(it->valuestring,
			    strlen(it->valuestring));
			cJSON_AddStringToObject(out, k, val);
			free(val);
		}
		free(k);
	}
	cJSON_Delete(in);
}

/* One source. */
static cJSON *
json_source(const struct view_source *s)
{
	cJSON	*o;

	o = cJSON_CreateObject();
	json_text(o, "name", s->name);
	json_text(o, "kind", s->kind);
	cJSON_AddBoolToObject(o, "ok", s->ok);
	cJSON_AddBoolToObject(o, "stale", s->stale);
	if (s->never || s->age_ms < 0)
		cJSON_AddNullToObject(o, "age_seconds");
	else
		export_json_number(o, "age_seconds", (double)s->age_ms / 1000);
	export_json_time(o, "last_success_at", s->never ? 0 : s->last_success_ms);
	export_json_time(o, "last_attempt_at", s->last_attempt_ms);
	cJSON_AddNumberToObject(o, "latency_ms", (double)s->latency_ms);
	cJSON_AddNumberToObject(o, "items", (double)s->items);
	export_json_string(o, "error", s->error);
	export_json_string(o, "warning", s->warning);
	return o;
}

/* One service. */
static cJSON *
json_service(const struct view_service *s)
{
	cJSON	*o;

	o = cJSON_CreateObject();
	json_text(o, "name", s->name);
	cJSON_AddStringToObject(o, "status", vocab_status_word(s->status));
	export_json_strings(o, "reasons", s->reasons, s->nreasons);
	return o;
}

/* One SLO with its windows and sparkline. */
static cJSON *
json_slo(const struct view_slo *s)
{
	cJSON	*o, *r, *sp, *pts, *pt;
	char	 tmp[64];
	size_t	 i;
	int	 w;

	o = cJSON_CreateObject();
	json_text(o, "name", s->name);
	export_json_string(o, "service", s->service);
	export_json_number(o, "objective", s->objective);
	if (s->period_ms > 0) {
		vocab_duration(s->period_ms, tmp, sizeof tmp);
		cJSON_AddStringToObject(o, "period", tmp);
	} else
		cJSON_AddNullToObject(o, "period");
	cJSON_AddNumberToObject(o, "period_seconds",
	    (double)(s->period_ms / 1000));

	r = cJSON_AddObjectToObject(o, "error_ratios");
	for (w = 0; w < SLO_NWINDOWS; w++)
		export_json_number(r, vocab_window_word(w), s->ratio[w]);
	r = cJSON_AddObjectToObject(o, "burn_rates");
	for (w = 0; w < SLO_PERIOD; w++)
		export_json_number(r, vocab_window_word(w), s->burn[w]);

	export_json_number(o, "error_budget_remaining", s->budget_remaining);
	cJSON_AddStringToObject(o, "verdict", vocab_verdict_word(s->verdict));
	if (s->exhaustion_s < 0)
		cJSON_AddNullToObject(o, "exhaustion_seconds");
	else
		cJSON_AddNumberToObject(o, "exhaustion_seconds",
		    (double)s->exhaustion_s);
	cJSON_AddBoolToObject(o, "budget_warning", s->budget_warning);
	cJSON_AddBoolToObject(o, "budget_critical", s->budget_critical);
	export_json_time(o, "evaluated_at", s->evaluated_ms);

	sp = cJSON_AddObjectToObject(o, "sparkline");
	cJSON_AddNumberToObject(sp, "step_seconds",
	    (double)export_spark_step(s));
	pts = cJSON_AddArrayToObject(sp, "points");
	for (i = 0; i < s->nspark; i++) {
		pt = cJSON_CreateObject();
		util_format_rfc3339(s->spark_ts != NULL ? s->spark_ts[i] : 0,
		    tmp, sizeof tmp);
		cJSON_AddStringToObject(pt, "t", tmp);
		export_json_number(pt, "burn_rate", s->spark[i]);
		cJSON_AddItemToArray(pts, pt);
	}
	return o;
}

/* One incident; its alerts by fingerprint. */
static cJSON *
json_incident(const struct views *v, const struct view_incident *in)
{
	cJSON	*o, *a;
	char	*t;
	size_t	 i;

	o = cJSON_CreateObject();
	json_text(o, "id", in->id);
	export_json_string(o, "key", in->key);
	json_text(o, "title", in->title);
	cJSON_AddStringToObject(o, "severity",
	    vocab_severity_word(in->severity));
	cJSON_AddStringToObject(o, "priority",
	    vocab_priority_word(in->priority));
	json_text(o, "state", in->state);
	export_json_time(o, "started_at", in->started_ms);
	export_json_string(o, "recurrence_of", in->recurrence_of);
	a = cJSON_AddArrayToObject(o, "alerts");
	for (i = 0; i < in->nalerts; i++) {
		if (in->alerts[i] >= v->nalerts)
			continue;
		t = v->alerts[in->alerts[i]].fingerprint;
		t = sanitize_utf8(t != NULL ? t : "", t != NULL ?
		    strlen(t) : 0);
		cJSON_AddItemToArray(a, cJSON_CreateString(t));
		free(t);
	}
	cJSON_AddBoolToObject(o, "silenced", in->silenced);
	cJSON_AddBoolToObject(o, "inhibited", in->inhibited);
	export_json_string(o, "runbook_url", in->runbook_url);
	export_json_string(o, "summary", in->summary);
	export_json_strings(o, "services", in->services, in->nservices);
	return o;
}

/* One alert. */
static cJSON *
json_alert(const struct views *v, const struct view_alert *al)
{
	cJSON	*o;

	o = cJSON_CreateObject();
	json_text(o, "fingerprint", al->fingerprint);
	json_text(o, "alertname", al->alertname);
	cJSON_AddStringToObject(o, "severity",
	    vocab_severity_word(al->severity));
	export_json_map(o, "labels", al->labels);
	export_json_map(o, "annotations", al->annotations);
	json_text(o, "state", al->state);
	cJSON_AddBoolToObject(o, "silenced", al->silenced);
	cJSON_AddBoolToObject(o, "inhibited", al->inhibited);
	export_json_time(o, "starts_at", al->starts_at_ms);
	export_json_string(o, "generator_url", al->generator_url);
	if (al->incident < v->nincidents)
		json_text(o, "incident", v->incidents[al->incident].id);
	else
		cJSON_AddNullToObject(o, "incident");
	return o;
}

/* The alert pipeline, heard through its heartbeats. */
static cJSON *
json_pipeline(const struct view_pipeline *p)
{
	cJSON	*o;
	char	 line[128];

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "state", vocab_pipeline_word(p->state));
	cJSON_AddStringToObject(o, "line", vocab_pipeline_line(p, line,
	    sizeof line));
	export_json_string(o, "heartbeat", p->heartbeat);
	export_json_time(o, "last_heard_at", p->heard_ms);
	if (p->silent_ms < 0)
		cJSON_AddNullToObject(o, "silent_seconds");
	else
		cJSON_AddNumberToObject(o, "silent_seconds",
		    (double)(p->silent_ms / 1000));
	cJSON_AddNumberToObject(o, "timeout_seconds",
	    (double)(p->timeout_ms / 1000));
	return o;
}

/*
 * Whether a code point, valid in JSON as it is, is still better escaped:
 * C1 controls, DEL, and the format controls that reorder or hide text, so
 * that a snapshot printed to a terminal cannot act on it.
 */
static int
json_escape_cp(unsigned int cp)
{
	return cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 &&
	    cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x061c || cp == 0xfeff;
}

/*
 * Append cJSON's output with those code points as \u escapes.  Outside
 * strings the document is ASCII without DEL, so only string contents can
 * change, and they keep the same value for any JSON reader.
 */
void
export_json_append_safe(struct buf *out, const char *text)
{
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 len = strlen(text);
	unsigned int		 cp;
	int			 n;

	while (len > 0) {
		n = sanitize_utf8_decode(p, len, &cp);
		if (n <= 0) {
			/* Not reached: every string was made valid UTF-8. */
			buf_puts(out, "\\ufffd");
			n = 1;
		} else if (json_escape_cp(cp))
			buf_printf(out, "\\u%04x", cp);
		else
			buf_append(out, p, (size_t)n);
		p += n;
		len -= (size_t)n;
	}
}

/* Print a document escaped, with a newline, and free it. */
void
export_json_print(cJSON *root, int formatted, FILE *fp)
{
	struct buf	 b;
	char		*text;

	text = formatted ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
	if (text == NULL)
		abort();	/* cJSON only fails when out of memory */
	buf_init(&b, 0);
	export_json_append_safe(&b, text);
	buf_append(&b, "\n", 1);
	out_document(buf_str(&b), b.len, fp);
	buf_done(&b);
	cJSON_free(text);
	cJSON_Delete(root);
}

/* Who is on call; null without a rotation. */
static cJSON *
json_oncall(const struct views *v)
{
	cJSON	*o;
	char	 line[320];

	if (v->oncall.until_ms <= 0)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	export_json_string(o, "name", v->oncall.name);
	export_json_string(o, "contact", v->oncall.contact);
	export_json_time(o, "until", v->oncall.until_ms);
	export_json_string(o, "line", vocab_oncall_line(&v->oncall, v->generated_ms,
	    VOCAB_ONCALL_UTC, line, sizeof line));
	return o;
}

/* A drill's run: the document is of a simulated world; see export.h. */
cJSON *
export_json_drill(const struct view_drill *d)
{
	cJSON	*o = cJSON_CreateObject();

	export_json_string(o, "name", d->name);
	export_json_string(o, "run", d->run);
	export_json_time(o, "started_at", d->started_ms);
	export_json_time(o, "ended_at", d->ended_ms);
	cJSON_AddNumberToObject(o, "hints", (double)d->hints);
	cJSON_AddBoolToObject(o, "simulated", 1);
	return o;
}

/* The whole document, pretty-printed, ending with a newline. */
void
export_json(const struct views *v, struct buf *out)
{
	cJSON	*root, *a;
	char	*text, tmp[64];
	size_t	 i;

	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "schema", EXPORT_JSON_SCHEMA);
	if (v->drill.name != NULL)
		cJSON_AddItemToObject(root, "drill", export_json_drill(&v->drill));
	util_format_rfc3339(v->generated_ms, tmp, sizeof tmp);
	cJSON_AddStringToObject(root, "generated_at", tmp);
	export_json_string(root, "context", v->context);
	cJSON_AddStringToObject(root, "status", vocab_status_word(v->status));
	export_json_string(root, "status_reason", v->status_reason);
	cJSON_AddItemToObject(root, "on_call", json_oncall(v));

	a = cJSON_AddArrayToObject(root, "sources");
	for (i = 0; i < v->nsources; i++)
		cJSON_AddItemToArray(a, json_source(&v->sources[i]));
	a = cJSON_AddArrayToObject(root, "services");
	for (i = 0; i < v->nservices; i++)
		cJSON_AddItemToArray(a, json_service(&v->services[i]));
	a = cJSON_AddArrayToObject(root, "slos");
	for (i = 0; i < v->nslos; i++)
		cJSON_AddItemToArray(a, json_slo(&v->slos[i]));
	cJSON_AddItemToObject(root, "alert_pipeline",
	    json_pipeline(&v->pipeline));
	a = cJSON_AddArrayToObject(root, "incidents");
	for (i = 0; i < v->nincidents; i++)
		cJSON_AddItemToArray(a, json_incident(v, &v->incidents[i]));
	a = cJSON_AddArrayToObject(root, "alerts");
	for (i = 0; i < v->nalerts; i++)
		cJSON_AddItemToArray(a, json_alert(v, &v->alerts[i]));

	text = cJSON_Print(root);
	if (text == NULL)
		abort();	/* cJSON only fails when out of memory */
	export_json_append_safe(out, text);
	buf_puts(out, "\n");
	cJSON_free(text);
	cJSON_Delete(root);
}
