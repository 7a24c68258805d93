/*
 * markdown.c: the views as Markdown, to paste into an incident channel or
 * a postmortem.
 *
 * A heading with the overall status, then one table per panel and a list
 * of runbook links.  Outside text could otherwise break a table (a "|"),
 * start emphasis or a link, or smuggle HTML, so every such string is
 * sanitised and escaped (export_md_escape), and only http and https URLs
 * become links; anything else is shown as escaped text.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "core/views.h"
#include "core/vocab.h"
#include "export/escape.h"

/* A cell separator. */
#define MD_SEP	" | "

/* A status with its symbol and word, bold unless OK. */
static void
md_status(struct buf *b, enum view_status s)
{
	if (s == VIEW_OK)
		buf_printf(b, "%s %s", vocab_status_symbol(s, 1),
		    vocab_status_word(s));
	else
		buf_printf(b, "%s **%s**", vocab_status_symbol(s, 1),
		    vocab_status_word(s));
}

/* Outside text in a cell, "-" when absent or empty. */
static void
md_cell(struct buf *b, const char *s)
{
	if (s == NULL || *s == '\0')
		buf_puts(b, "-");
	else
		export_md_escape(b, s);
}

/* A link when the URL is http(s), else the escaped text. */
static void
md_link(struct buf *b, const char *label, const char *url)
{
	if (export_is_http_url(url)) {
		buf_printf(b, "[%s](", label);
		export_md_url(b, url);
		buf_puts(b, ")");
	} else {
		buf_printf(b, "%s: ", label);
		md_cell(b, url);
		if (url != NULL && *url != '\0')
			buf_puts(b, " (not an http link)");
	}
}

/* Sources table. */
static void
md_sources(const struct views *v, struct buf *b)
{
	const struct view_source	*s;
	size_t				 i;
	char				 tmp[64];

	buf_puts(b, "\n## Sources\n\n");
	if (v->nsources == 0) {
		buf_puts(b, "No sources configured.\n");
		return;
	}
	buf_puts(b, "| Source | Kind | State | Age | Latency | Items | Error |\n"
	    "| --- | --- | --- | --- | ---: | ---: | --- |\n");
	for (i = 0; i < v->nsources; i++) {
		s = &v->sources[i];
		buf_puts(b, "| ");
		md_cell(b, s->name);
		buf_puts(b, MD_SEP);
		md_cell(b, s->kind);
		buf_puts(b, MD_SEP);
		if (vocab_source_tone(s) == TONE_CRIT)
			buf_printf(b, "**%s**", vocab_source_word(s));
		else
			buf_puts(b, vocab_source_word(s));
		buf_puts(b, MD_SEP);
		if (s->never || s->age_ms < 0)
			buf_puts(b, s->stale ? "**STALE** never" : "never");
		else {
			vocab_duration(s->age_ms, tmp, sizeof tmp);
			buf_printf(b, "%s%s", s->stale ? "**STALE** " : "",
			    tmp);
		}
		buf_printf(b, " | %lldms | %lld | ", (long long)s->latency_ms,
		    (long long)s->items);
		if (s->error == NULL && s->warning != NULL) {
			buf_puts(b, "warning: ");
			md_cell(b, s->warning);
		} else
			md_cell(b, s->error);
		buf_puts(b, " |\n");
	}
}

/* Health table. */
static void
md_services(const struct views *v, struct buf *b)
{
	const struct view_service	*s;
	size_t				 i, j;

	buf_puts(b, "\n## Health\n\n");
	if (v->nservices == 0) {
		buf_puts(b, "No services configured.\n");
		return;
	}
	buf_puts(b, "| Service | Status | Reasons |\n| --- | --- | --- |\n");
	for (i = 0; i < v->nservices; i++) {
		s = &v->services[i];
		buf_puts(b, "| ");
		md_cell(b, s->name);
		buf_puts(b, MD_SEP);
		md_status(b, s->status);
		buf_puts(b, MD_SEP);
		if (s->nreasons == 0)
			buf_puts(b, "-");
		for (j = 0; j < s->nreasons; j++) {
			if (j > 0)
				buf_puts(b, "; ");
			md_cell(b, s->reasons[j]);
		}
		buf_puts(b, " |\n");
	}
}

/* SLO table, with a 24-character sparkline of the last day. */
static void
md_slos(const struct views *v, struct buf *b)
{
	const struct view_slo	*s;
	size_t			 i;
	int			 w;
	char			 tmp[64];

	buf_puts(b, "\n## SLO burn\n\n");
	if (v->nslos == 0) {
		buf_puts(b, "No SLOs configured.\n");
		return;
	}
	buf_puts(b, "| SLO | Service | Verdict | Objective | Budget left | "
	    "Exhaustion |");
	for (w = 0; w < SLO_PERIOD; w++)
		buf_printf(b, " %s |", vocab_window_word(w));
	buf_puts(b, " 24h 1h burn |\n| --- | --- | --- | ---: | ---: | ---: |");
	for (w = 0; w < SLO_PERIOD; w++)
		buf_puts(b, " ---: |");
	buf_puts(b, " --- |\n");
	for (i = 0; i < v->nslos; i++) {
		s = &v->slos[i];
		buf_puts(b, "| ");
		md_cell(b, s->name);
		buf_puts(b, MD_SEP);
		md_cell(b, s->service);
		buf_puts(b, MD_SEP);
		if (s->verdict == SLO_PAGE || s->verdict == SLO_TICKET)
			buf_printf(b, "**%s**", vocab_verdict_word(s->verdict));
		else
			buf_puts(b, vocab_verdict_word(s->verdict));
		buf_printf(b, " | %.6g%% | ", s->objective);
		buf_puts(b, vocab_percent(s->budget_remaining, tmp,
		    sizeof tmp));
		buf_puts(b, MD_SEP);
		buf_puts(b, vocab_exhaustion(s->exhaustion_s, tmp, sizeof tmp));
		buf_puts(b, " |");
		for (w = 0; w < SLO_PERIOD; w++) {
			buf_printf(b, " %s |", vocab_burn(s->burn[w], tmp,
			    sizeof tmp));
		}
		buf_puts(b, " ");
		if (s->nspark == 0)
			buf_puts(b, "no data");
		else {
			export_sparkline(v, s, 24, 1, b);
			buf_printf(b, " (%s)", vocab_spark_scale(
			    export_spark_max(s), 1, tmp, sizeof tmp));
		}
		buf_puts(b, " |\n");
	}
}

/* The alert pipeline's line, the incidents table, then every alert. */
static void
md_incidents(const struct views *v, struct buf *b)
{
	const struct view_incident	*in;
	const struct view_alert		*al;
	size_t				 i, j;
	char				 tmp[64], line[128];

	buf_puts(b, "\n## Incidents\n\n");
	if (v->pipeline.state != PIPELINE_UNWATCHED) {
		/* Words of the vocabulary only: nothing to escape. */
		vocab_pipeline_line(&v->pipeline, line, sizeof line);
		buf_printf(b, v->pipeline.state == PIPELINE_SILENT ?
		    "**%s**\n\n" : "%s\n\n", line);
	}
	if (v->nincidents == 0)
		buf_puts(b, "No incidents.\n");
	else {
		buf_puts(b, "| Priority | Severity | Incident | State | "
		    "Started | Age | Alerts | Flags | Services |\n| --- | "
		    "--- | --- | --- | --- | ---: | ---: | --- | --- |\n");
	}
	for (i = 0; i < v->nincidents; i++) {
		in = &v->incidents[i];
		buf_puts(b, "| ");
		/* A vocabulary word: nothing to escape. */
		if (in->priority <= 1)
			buf_printf(b, "**%s**", vocab_priority_word(
			    in->priority));
		else
			buf_puts(b, vocab_priority_word(in->priority));
		buf_puts(b, MD_SEP);
		if (in->severity >= SEV_ERROR)
			buf_printf(b, "**%s**",
			    vocab_severity_word(in->severity));
		else
			buf_puts(b, vocab_severity_word(in->severity));
		buf_puts(b, MD_SEP);
		md_cell(b, in->title);
		buf_puts(b, MD_SEP);
		md_cell(b, in->state);
		if (in->recurrence_of != NULL) {
			buf_puts(b, ", a recurrence of ");
			md_cell(b, in->recurrence_of);
		}
		buf_puts(b, MD_SEP);
		if (in->started_ms > 0)
			buf_puts(b, util_format_rfc3339(in->started_ms, tmp,
			    sizeof tmp));
		else
			buf_puts(b, "-");
		buf_puts(b, MD_SEP);
		vocab_age(in->started_ms, v->generated_ms, tmp, sizeof tmp);
		buf_printf(b, "%s | %zu | %s | ", tmp, in->nalerts,
		    vocab_flag_word(in->silenced, in->inhibited));
		if (in->nservices == 0)
			buf_puts(b, "-");
		for (j = 0; j < in->nservices; j++) {
			if (j > 0)
				buf_puts(b, ", ");
			md_cell(b, in->services[j]);
		}
		buf_puts(b, " |\n");
	}

	if (v->nalerts == 0)
		return;
	buf_puts(b, "\n### Alerts\n\n| Alert | Severity | State | Flags | "
	    "Started | Summary |\n| --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < v->nalerts; i++) {
		al = &v->alerts[i];
		buf_puts(b, "| ");
		md_cell(b, al->alertname);
		buf_printf(b, " | %s | ", vocab_severity_word(al->severity));
		md_cell(b, al->state);
		buf_printf(b, " | %s | ", vocab_flag_word(al->silenced,
		    al->inhibited));
		if (al->starts_at_ms > 0)
			buf_puts(b, util_format_rfc3339(al->starts_at_ms, tmp,
			    sizeof tmp));
		else
			buf_puts(b, "-");
		buf_puts(b, MD_SEP);
		md_cell(b, al->summary);
		buf_puts(b, " |\n");
	}
}

/* Runbook links with the incident's summary. */
static void
md_runbooks(const struct views *v, struct buf *b)
{
	const struct view_incident	*in;
	size_t				 i;

	buf_puts(b, "\n## Runbooks\n\n");
	if (v->nincidents == 0) {
		buf_puts(b, "No incident, nothing to run.\n");
		return;
	}
	for (i = 0; i < v->nincidents; i++) {
		in = &v->incidents[i];
		buf_puts(b, "- **");
		md_cell(b, in->title);
		buf_puts(b, "**: ");
		if (in->runbook_url != NULL)
			md_link(b, "runbook", in->runbook_url);
		else
			buf_puts(b, "no runbook");
		if (in->summary != NULL && *in->summary != '\0') {
			buf_puts(b, ". ");
			md_cell(b, in->summary);
		}
		buf_puts(b, "\n");
	}
}

/* The whole document. */
void
export_markdown(const struct views *v, struct buf *b)
{
	char	when[64], line[320];

	if (*export_drill_line(v, line, sizeof line) != '\0') {
		buf_puts(b, "# ");
		export_md_escape(b, line);
		buf_puts(b, "\n\n");
	}
	buf_puts(b, "# ");
	md_status(b, v->status);
	buf_puts(b, ": ");
	md_cell(b, v->context);
	buf_puts(b, "\n\n");
	util_format_rfc3339(v->generated_ms, when, sizeof when);
	buf_printf(b, "Snapshot by sitrep at %s.", when);
	if (v->status_reason != NULL && *v->status_reason != '\0') {
		buf_puts(b, " ");
		export_md_escape(b, v->status_reason);
	}
	buf_puts(b, "\n");
	if (*vocab_oncall_line(&v->oncall, v->generated_ms, VOCAB_ONCALL_UTC,
	    line, sizeof line)) {
		buf_puts(b, "\n");
		export_md_escape(b, line);
		buf_puts(b, "\n");
	}
	md_sources(v, b);
	md_services(v, b);
	md_slos(v, b);
	md_incidents(v, b);
	md_runbooks(v, b);
}
