/*
 * html.c: the views as one self-contained HTML file.
 *
 * The file has to work when mailed, attached to a ticket or opened from a
 * disk years later, so it carries everything inline: CSS with a palette
 * for light and dark schemes, SVG sparklines of the 24 h burn rate and SVG
 * bars of the error budget left.  No script, no external asset, no font.
 * Every status shows a word and a symbol besides its colour.
 *
 * It is written as polyglot HTML5 that is also well-formed XML (every
 * element closed, attributes quoted, only XML's own entities), so tools
 * and tests can parse it with any XML parser.  Outside text is sanitised
 * and escaped for text and attributes alike, and only http and https URLs
 * become links.  SVG coordinates are printed from integers so a locale's
 * decimal comma can never corrupt them.
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

/* Sparkline and budget bar geometry, in CSS pixels. */
#define HTML_SPARK_W	192
#define HTML_SPARK_H	28
#define HTML_BAR_W	100
#define HTML_BAR_H	10

static const char html_css[] =
	":root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;"
	"--muted:#59636e;--line:#d1d9e0;--ok:#1a7f37;--warn:#9a6700;"
	"--crit:#cf222e;--unknown:#8250df;--track:#e6e8eb}\n"
	"@media (prefers-color-scheme: dark){:root{--bg:#0d1117;"
	"--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--ok:#3fb950;"
	"--warn:#d29922;--crit:#f85149;--unknown:#a371f7;--track:#30363d}}\n"
	"body{margin:1.5em;background:var(--bg);color:var(--fg);"
	"font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}\n"
	"h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;"
	"margin:1.6em 0 .4em}h3{font-size:1em}\n"
	"table{border-collapse:collapse;margin:.3em 0 1em}\n"
	"th,td{border-bottom:1px solid var(--line);padding:.25em .7em;"
	"text-align:left;vertical-align:middle}\n"
	"th{color:var(--muted);font-weight:600}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	".st-ok{color:var(--ok)}.st-warning{color:var(--warn)}"
	".st-critical{color:var(--crit);font-weight:700}"
	".st-unknown{color:var(--unknown)}.muted{color:var(--muted)}\n"
	"svg{vertical-align:middle}svg .track{fill:var(--track)}"
	"svg .fill{fill:currentColor}svg .line{fill:none;"
	"stroke:currentColor;stroke-width:1.5}svg .dot{fill:currentColor}"
	"svg .one{stroke:var(--muted);stroke-width:1;"
	"stroke-dasharray:3 3}\n"
	"footer{margin-top:2em;color:var(--muted);font-size:.9em}\n";

/* The CSS class of a tone. */
static const char *
html_class(enum vocab_tone t)
{
	switch (t) {
	case TONE_OK:
		return "st-ok";
	case TONE_WARN:
		return "st-warning";
	case TONE_CRIT:
		return "st-critical";
	case TONE_UNKNOWN:
		return "st-unknown";
	default:
		return "muted";
	}
}

/* Outside text, escaped; "-" when absent or empty. */
static void
html_text(struct buf *b, const char *s)
{
	if (s == NULL || *s == '\0')
		buf_puts(b, "-");
	else
		export_html_escape(b, s);
}

/* A link with a fixed label when the URL is http(s), else escaped text. */
static void
html_link(struct buf *b, const char *label, const char *url)
{
	if (url == NULL || *url == '\0') {
		buf_puts(b, "-");
		return;
	}
	if (!export_is_http_url(url)) {
		export_html_escape(b, url);
		buf_puts(b, " <span class=\"muted\">(not an http link)</span>");
		return;
	}
	buf_puts(b, "<a href=\"");
	export_html_escape(b, url);
	buf_puts(b, "\" rel=\"noopener noreferrer\">");
	export_html_escape(b, label);
	buf_puts(b, "</a>");
}

/* A status cell: symbol and word, coloured. */
static void
html_status_cell(struct buf *b, enum view_status s)
{
	buf_printf(b, "<td class=\"%s\">%s %s</td>", html_class(vocab_status_tone(s)),
	    vocab_status_symbol(s, 1), vocab_status_word(s));
}

/* A coordinate in tenths of a pixel, printed with a decimal point. */
static void
html_coord(struct buf *b, long tenths)
{
	if (tenths < 0)
		tenths = 0;
	buf_printf(b, "%ld.%ld", tenths / 10, tenths % 10);
}


/* ------------------------------------------------------------------ */
/* SVG                                                                 */
/* ------------------------------------------------------------------ */

/*
 * The sparkline of the 1h burn rate over the 24 h before the views'
 * time, placed by time: one polyline per run of points with data (a gap
 * where there is none), a dot for a lone point, and a dashed line at
 * burn rate 1, always on the scale (0 to the largest point, at least 1).
 */
static void
html_sparkline(struct buf *b, const struct views *v, const struct view_slo *s)
{
	double	max = export_spark_max(s), y1;
	int64_t	to = v->generated_ms, from = to - EXPORT_SPARK_SPAN_MS;
	size_t	i, j, k, run;
	long	x, y;
	char	tmp[32];

	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" class=\"%s\">",
	    HTML_SPARK_W, HTML_SPARK_H, HTML_SPARK_W, HTML_SPARK_H,
	    html_class(vocab_verdict_tone(s->verdict)));
	buf_printf(b, "<title>1h burn rate over 24 h, scale 0 to %s, dashed "
	    "line at 1x</title>", vocab_burn(max, tmp, sizeof tmp));
	y1 = (HTML_SPARK_H - 2) * 10.0 * (1 - 1 / max) + 10;
	buf_printf(b, "<line class=\"one\" x1=\"0\" x2=\"%d\" y1=\"",
	    HTML_SPARK_W);
	html_coord(b, lround(y1));
	buf_puts(b, "\" y2=\"");
	html_coord(b, lround(y1));
	buf_puts(b, "\" />");

	for (i = 0; i < s->nspark; i = j) {
		if (!isfinite(s->spark[i]) || s->spark_ts[i] < from ||
		    s->spark_ts[i] > to) {
			j = i + 1;
			continue;
		}
		for (j = i; j < s->nspark && isfinite(s->spark[j]) &&
		    s->spark_ts[j] >= from && s->spark_ts[j] <= to; j++)
			;
		run = j - i;
		if (run == 1)
			buf_puts(b, "<circle class=\"dot\" r=\"1.5\" cx=\"");
		else
			buf_puts(b, "<polyline class=\"line\" points=\"");
		for (k = i; k < j; k++) {
			x = lround((double)(s->spark_ts[k] - from) *
			    (HTML_SPARK_W - 2) * 10.0 /
			    (double)EXPORT_SPARK_SPAN_MS) + 10;
			y = lround((HTML_SPARK_H - 2) * 10.0 * (1 -
			    (s->spark[k] < 0 ? 0 : s->spark[k]) / max)) + 10;
			if (run == 1) {
				html_coord(b, x);
				buf_puts(b, "\" cy=\"");
				html_coord(b, y);
			} else {
				if (k > i)
					buf_puts(b, " ");
				html_coord(b, x);
				buf_puts(b, ",");
				html_coord(b, y);
			}
		}
		buf_puts(b, "\" />");
	}
	buf_puts(b, "</svg>");
}

/* The error budget left as a bar, with the percentage beside it. */
static void
html_budget_bar(struct buf *b, const struct view_slo *s)
{
	const char	*cls;
	double		 f = s->budget_remaining;
	char		 tmp[32];

	if (!isfinite(f)) {
		buf_puts(b, "no data");
		return;
	}
	cls = html_class(vocab_budget_tone(s));
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" class=\"%s\">"
	    "<title>error budget left</title>"
	    "<rect class=\"track\" width=\"%d\" height=\"%d\" />"
	    "<rect class=\"fill\" width=\"%ld\" height=\"%d\" /></svg> ",
	    HTML_BAR_W, HTML_BAR_H, HTML_BAR_W, HTML_BAR_H, cls,
	    HTML_BAR_W, HTML_BAR_H,
	    f <= 0 ? 0L : f >= 1 ? (long)HTML_BAR_W : lround(f * HTML_BAR_W),
	    HTML_BAR_H);
	buf_printf(b, "<span class=\"%s\">%s</span>", cls,
	    vocab_percent(f, tmp, sizeof tmp));
}

/* ------------------------------------------------------------------ */
/* Sections                                                            */
/* ------------------------------------------------------------------ */

/* Sources table. */
static void
html_sources(const struct views *v, struct buf *b)
{
	const struct view_source	*s;
	size_t				 i;
	char				 tmp[64];

	buf_puts(b, "<section id=\"sources\">\n<h2>Sources</h2>\n");
	if (v->nsources == 0) {
		buf_puts(b, "<p>No sources configured.</p>\n</section>\n");
		return;
	}
	buf_puts(b, "<table>\n<tr><th>Source</th><th>Kind</th><th>State</th>"
	    "<th>Age</th><th>Latency</th><th>Items</th><th>Error</th></tr>\n");
	for (i = 0; i < v->nsources; i++) {
		s = &v->sources[i];
		buf_puts(b, "<tr><td>");
		html_text(b, s->name);
		buf_puts(b, "</td><td>");
		html_text(b, s->kind);
		buf_puts(b, "</td>");
		buf_printf(b, "<td class=\"%s\">%s %s</td>",
		    html_class(vocab_source_tone(s)), vocab_status_symbol(
		    s->ok ? VIEW_OK : vocab_source_never_fetched(s) ?
		    VIEW_UNKNOWN : VIEW_CRITICAL, 1), vocab_source_word(s));
		if (s->never || s->age_ms < 0)
			snprintf(tmp, sizeof tmp, "never");
		else
			vocab_duration(s->age_ms, tmp, sizeof tmp);
		if (s->stale)
			buf_printf(b, "<td class=\"%s\">%s STALE %s</td>",
			    html_class(TONE_WARN),
			    vocab_status_symbol(VIEW_WARNING, 1), tmp);
		else
			buf_printf(b, "<td>%s</td>", tmp);
		buf_printf(b, "<td class=\"num\">%lldms</td><td class=\"num\">"
		    "%lld</td><td>", (long long)s->latency_ms,
		    (long long)s->items);
		if (s->error == NULL && s->warning != NULL) {
			buf_printf(b, "<span class=\"%s\">warning: ",
			    html_class(TONE_WARN));
			html_text(b, s->warning);
			buf_puts(b, "</span>");
		} else
			html_text(b, s->error);
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</table>\n</section>\n");
}

/* Health table. */
static void
html_services(const struct views *v, struct buf *b)
{
	const struct view_service	*s;
	size_t				 i, j;

	buf_puts(b, "<section id=\"health\">\n<h2>Health</h2>\n");
	if (v->nservices == 0) {
		buf_puts(b, "<p>No services configured.</p>\n</section>\n");
		return;
	}
	buf_puts(b, "<table>\n<tr><th>Service</th><th>Status</th>"
	    "<th>Reasons</th></tr>\n");
	for (i = 0; i < v->nservices; i++) {
		s = &v->services[i];
		buf_puts(b, "<tr><td>");
		html_text(b, s->name);
		buf_puts(b, "</td>");
		html_status_cell(b, s->status);
		buf_puts(b, "<td>");
		if (s->nreasons == 0)
			buf_puts(b, "-");
		for (j = 0; j < s->nreasons; j++) {
			if (j > 0)
				buf_puts(b, "<br />");
			html_text(b, s->reasons[j]);
		}
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</table>\n</section>\n");
}

/* SLO table with budget bars, burn rates and sparklines. */
static void
html_slos(const struct views *v, struct buf *b)
{
	const struct view_slo	*s;
	size_t			 i;
	int			 w;
	char			 tmp[64];

	buf_puts(b, "<section id=\"slos\">\n<h2>SLO burn</h2>\n");
	if (v->nslos == 0) {
		buf_puts(b, "<p>No SLOs configured.</p>\n</section>\n");
		return;
	}
	buf_puts(b, "<table>\n<tr><th>SLO</th><th>Service</th><th>Verdict</th>"
	    "<th>Objective</th><th>Budget left</th><th>Exhaustion</th>");
	for (w = 0; w < SLO_PERIOD; w++)
		buf_printf(b, "<th>%s</th>", vocab_window_word(w));
	buf_puts(b, "<th>1h burn, 24 h</th></tr>\n");
	for (i = 0; i < v->nslos; i++) {
		s = &v->slos[i];
		buf_puts(b, "<tr><td>");
		html_text(b, s->name);
		buf_puts(b, "</td><td>");
		html_text(b, s->service);
		buf_printf(b, "</td><td class=\"%s\">%s</td>",
		    html_class(vocab_verdict_tone(s->verdict)),
		    vocab_verdict_word(s->verdict));
		buf_printf(b, "<td class=\"num\">%.6g%%</td><td>",
		    s->objective);
		html_budget_bar(b, s);
		vocab_exhaustion(s->exhaustion_s, tmp, sizeof tmp);
		buf_printf(b, "</td><td class=\"num\">%s</td>", tmp);
		for (w = 0; w < SLO_PERIOD; w++) {
			buf_printf(b, "<td class=\"num %s\">%s</td>",
			    html_class(vocab_burn_tone(s->burn[w], w,
			    &v->policy)), vocab_burn(s->burn[w], tmp,
			    sizeof tmp));
		}
		buf_puts(b, "<td>");
		if (s->nspark == 0)
			buf_puts(b, "no data");
		else
			html_sparkline(b, v, s);
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</table>\n</section>\n");
}

/* Incidents table, then the alerts. */
static void
html_incidents(const struct views *v, struct buf *b)
{
	const struct view_incident	*in;
	const struct view_alert		*al;
	size_t				 i, j;
	char				 tmp[64], line[128];

	buf_puts(b, "<section id=\"incidents\">\n<h2>Incidents</h2>\n");
	if (v->pipeline.state != PIPELINE_UNWATCHED) {
		vocab_pipeline_line(&v->pipeline, line, sizeof line);
		buf_printf(b, "<p id=\"alert-pipeline\" class=\"%s\">",
		    html_class(vocab_pipeline_tone(v->pipeline.state)));
		html_text(b, line);
		buf_puts(b, "</p>\n");
	}
	if (v->nincidents == 0)
		buf_puts(b, "<p>No incidents.</p>\n");
	else {
		buf_puts(b, "<table>\n<tr><th>Priority</th><th>Severity</th>"
		    "<th>Incident</th>"
		    "<th>State</th><th>Age</th><th>Alerts</th><th>Flags</th>"
		    "<th>Services</th></tr>\n");
	}
	for (i = 0; i < v->nincidents; i++) {
		in = &v->incidents[i];
		buf_printf(b, "<tr><td class=\"%s\">%s</td>",
		    html_class(vocab_priority_tone(in->priority)),
		    vocab_priority_word(in->priority));
		buf_printf(b, "<td class=\"%s\">%s</td><td>",
		    html_class(vocab_severity_tone(in->severity)),
		    vocab_severity_word(in->severity));
		html_text(b, in->title);
		buf_puts(b, "</td><td>");
		html_text(b, in->state);
		if (in->recurrence_of != NULL) {
			buf_puts(b, ", a recurrence of ");
			html_text(b, in->recurrence_of);
		}
		vocab_age(in->started_ms, v->generated_ms, tmp, sizeof tmp);
		buf_printf(b, "</td><td class=\"num\">%s</td>"
		    "<td class=\"num\">%zu</td><td>%s</td><td>", tmp,
		    in->nalerts, vocab_flag_word(in->silenced, in->inhibited));
		if (in->nservices == 0)
			buf_puts(b, "-");
		for (j = 0; j < in->nservices; j++) {
			if (j > 0)
				buf_puts(b, ", ");
			html_text(b, in->services[j]);
		}
		buf_puts(b, "</td></tr>\n");
	}
	if (v->nincidents != 0)
		buf_puts(b, "</table>\n");

	if (v->nalerts != 0) {
		buf_puts(b, "<h3>Alerts</h3>\n<table>\n<tr><th>Alert</th>"
		    "<th>Severity</th><th>State</th><th>Flags</th>"
		    "<th>Started</th><th>Summary</th><th>Source</th></tr>\n");
	}
	for (i = 0; i < v->nalerts; i++) {
		al = &v->alerts[i];
		buf_puts(b, "<tr><td>");
		html_text(b, al->alertname);
		buf_printf(b, "</td><td class=\"%s\">%s</td><td>",
		    html_class(vocab_severity_tone(al->severity)),
		    vocab_severity_word(al->severity));
		html_text(b, al->state);
		buf_printf(b, "</td><td>%s</td><td>",
		    vocab_flag_word(al->silenced, al->inhibited));
		if (al->starts_at_ms > 0)
			buf_puts(b, util_format_rfc3339(al->starts_at_ms, tmp,
			    sizeof tmp));
		else
			buf_puts(b, "-");
		buf_puts(b, "</td><td>");
		html_text(b, al->summary);
		buf_puts(b, "</td><td>");
		html_link(b, "graph", al->generator_url);
		buf_puts(b, "</td></tr>\n");
	}
	if (v->nalerts != 0)
		buf_puts(b, "</table>\n");
	buf_puts(b, "</section>\n");
}

/* Runbook links with each incident's summary. */
static void
html_runbooks(const struct views *v, struct buf *b)
{
	const struct view_incident	*in;
	size_t				 i;

	buf_puts(b, "<section id=\"runbooks\">\n<h2>Runbooks</h2>\n");
	if (v->nincidents == 0) {
		buf_puts(b, "<p>No incident, nothing to run.</p>\n"
		    "</section>\n");
		return;
	}
	buf_puts(b, "<ul>\n");
	for (i = 0; i < v->nincidents; i++) {
		in = &v->incidents[i];
		buf_puts(b, "<li><strong>");
		html_text(b, in->title);
		buf_puts(b, "</strong>: ");
		if (in->runbook_url != NULL)
			html_link(b, "runbook", in->runbook_url);
		else
			buf_puts(b, "no runbook");
		if (in->summary != NULL && *in->summary != '\0') {
			buf_puts(b, ". ");
			html_text(b, in->summary);
		}
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ul>\n</section>\n");
}

/* The whole document. */
void
export_html(const struct views *v, struct buf *b)
{
	char	when[64], line[320];

	util_format_rfc3339(v->generated_ms, when, sizeof when);
	buf_puts(b, "<!DOCTYPE html>\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
	    "<head>\n<meta charset=\"utf-8\" />\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\" />\n<meta name=\"generator\" "
	    "content=\"sitrep\" />\n<title>");
	if (v->drill.name != NULL) {
		buf_puts(b, "DRILL ");
		html_text(b, v->drill.name);
		buf_puts(b, ": ");
	}
	buf_printf(b, "%s %s: ", vocab_status_symbol(v->status, 1),
	    vocab_status_word(v->status));
	html_text(b, v->context);
	buf_printf(b, " (sitrep, %s)</title>\n<style>\n%s</style>\n"
	    "</head>\n<body>\n", when, html_css);

	buf_puts(b, "<header>\n");
	if (*export_drill_line(v, line, sizeof line) != '\0') {
		buf_puts(b, "<h1 id=\"drill\" class=\"st-critical\">");
		export_html_escape(b, line);
		buf_puts(b, "</h1>\n");
	}
	buf_printf(b, "<h1 class=\"%s\">%s %s: ",
	    html_class(vocab_status_tone(v->status)), vocab_status_symbol(v->status, 1),
	    vocab_status_word(v->status));
	html_text(b, v->context);
	buf_puts(b, "</h1>\n");
	if (v->status_reason != NULL && *v->status_reason != '\0') {
		buf_puts(b, "<p>");
		export_html_escape(b, v->status_reason);
		buf_puts(b, "</p>\n");
	}
	if (*vocab_oncall_line(&v->oncall, v->generated_ms, VOCAB_ONCALL_UTC,
	    line, sizeof line)) {
		buf_puts(b, "<p id=\"on-call\">");
		export_html_escape(b, line);
		buf_puts(b, "</p>\n");
	}
	buf_printf(b, "<p class=\"muted\">Snapshot at <time datetime=\"%s\">"
	    "%s</time></p>\n</header>\n<main>\n", when, when);
	html_sources(v, b);
	html_services(v, b);
	html_slos(v, b);
	html_incidents(v, b);
	html_runbooks(v, b);
	buf_puts(b, "</main>\n<footer>Generated by sitrep snapshot. Statuses "
	    "read \xe2\x9c\x93 OK, \xe2\x96\xb2 WARNING, \xe2\x9c\x96 "
	    "CRITICAL, ? UNKNOWN.</footer>\n</body>\n</html>\n");
}
