/*
 * text.c: the views as plain text, for cron mail, CI logs and checks.
 *
 * The four panels of the console in reading order: a header with the
 * overall status, then Sources, Health, SLO burn, Incidents and Runbook.
 * Lines are fitted to a width in display columns (cut with an ellipsis,
 * never wrapped) so the output reads the same in a log viewer as in a
 * terminal.  Escape sequences appear only when colour is asked for, and
 * every outside string passes the terminal sanitiser first (in ASCII mode
 * too, so the whole document is then plain ASCII).  Nothing depends on
 * colour: every status has its word and a symbol.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/width.h"
#include "base/xmalloc.h"
#include "core/views.h"
#include "core/vocab.h"
#include "export/escape.h"

/* SGR parameters of headings and column titles (tones: text_sgr()). */
#define TEXT_SGR_HEAD	"1"
#define TEXT_SGR_DIM	"2"

/* Width of one burn-rate cell, and the gap before it. */
#define TEXT_BURN_W	5
#define TEXT_GAP	2

struct text_ctx {
	struct buf	*out;
	size_t		 width;
	int		 color;
	int		 utf8;
	int		 flags;		/* for sanitize_terminal */
};

/* One output line being built, cell by cell. */
struct text_line {
	struct text_ctx	*ctx;
	struct buf	 b;
	size_t		 col;
	int		 full;		/* cut: nothing more fits */
};

/* The SGR parameters of a tone, or NULL for none. */
static const char *
text_sgr(enum vocab_tone t)
{
	switch (t) {
	case TONE_OK:
		return "32";
	case TONE_WARN:
		return "33";
	case TONE_CRIT:
		return "1;31";
	case TONE_UNKNOWN:
		return "35";
	default:
		return NULL;
	}
}

/* s cut to cols columns with the mode's ellipsis; caller frees. */
static char *
text_fit(const struct text_ctx *ctx, const char *s, size_t cols)
{
	return width_fit(s, cols, ctx->utf8 ? "\xe2\x80\xa6" : "...");
}

/* ------------------------------------------------------------------ */
/* Lines and cells                                                     */
/* ------------------------------------------------------------------ */

/* Start a line. */
static void
text_line_start(struct text_line *l, struct text_ctx *ctx)
{
	l->ctx = ctx;
	buf_init(&l->b, 0);
	buf_append(&l->b, "", 0);
	l->col = 0;
	l->full = 0;
}

/*
 * Add safe text as a cell of cw columns (0: its own width), padded with
 * spaces and coloured with sgr when colour is on; cut at the line's end.
 */
static void
text_cell(struct text_line *l, const char *s, size_t cw, const char *sgr)
{
	struct text_ctx	*ctx = l->ctx;
	char		*cell, *cut;
	size_t		 w, room;

	if (l->full)
		return;
	cell = cw > 0 ? text_fit(ctx, s, cw) : xstrdup(s);
	w = width_of(cell);
	room = ctx->width - l->col;
	if (w > room) {
		cut = text_fit(ctx, cell, room);
		free(cell);
		cell = cut;
		w = width_of(cell);
		l->full = 1;
	}
	if (ctx->color && sgr != NULL && *cell != '\0')
		buf_printf(&l->b, "\033[%sm%s\033[0m", sgr, cell);
	else
		buf_puts(&l->b, cell);
	l->col += w;
	free(cell);
	while (!l->full && cw > w && l->col < ctx->width) {
		buf_append(&l->b, " ", 1);
		l->col++;
		w++;
	}
}

/* Add outside text as a cell, sanitised first. */
static void
text_cell_outside(struct text_line *l, const char *s, size_t cw,
    const char *sgr)
{
	char	*t;

	t = sanitize_terminal(s, l->ctx->flags);
	text_cell(l, t, cw, sgr);
	free(t);
}

/* Add n spaces between cells. */
static void
text_gap(struct text_line *l, size_t n)
{
	while (n-- > 0 && !l->full && l->col < l->ctx->width) {
		buf_append(&l->b, " ", 1);
		l->col++;
	}
}

/* Finish the line: trailing spaces dropped, newline added. */
static void
text_line_end(struct text_line *l)
{
	while (l->b.len > 0 && l->b.data[l->b.len - 1] == ' ')
		l->b.data[--l->b.len] = '\0';
	buf_append(l->ctx->out, buf_str(&l->b), l->b.len);
	buf_append(l->ctx->out, "\n", 1);
	buf_done(&l->b);
}

/* A whole line of safe text. */
static void
text_simple(struct text_ctx *ctx, const char *indent, const char *s,
    const char *sgr)
{
	struct text_line	l;

	text_line_start(&l, ctx);
	text_cell(&l, indent, 0, NULL);
	text_cell(&l, s, 0, sgr);
	text_line_end(&l);
}

/* A panel heading, after a blank line. */
static void
text_heading(struct text_ctx *ctx, const char *title)
{
	buf_append(ctx->out, "\n", 1);
	text_simple(ctx, "", title, TEXT_SGR_HEAD);
}

/* The widest sanitised value of a column, between lo and hi. */
static size_t
text_colw(struct text_ctx *ctx, const char *head, size_t lo, size_t hi,
    const char *(*get)(const struct views *, size_t), const struct views *v,
    size_t n)
{
	size_t	 i, w, max = width_of(head);
	char	*t;

	for (i = 0; i < n; i++) {
		t = sanitize_terminal(get(v, i), ctx->flags);
		w = width_of(t);
		free(t);
		if (w > max)
			max = w;
	}
	return max < lo ? lo : max > hi ? hi : max;
}

/* ------------------------------------------------------------------ */
/* Panels                                                              */
/* ------------------------------------------------------------------ */

/*
 * The header: context, status word and symbol, time; then the reason and
 * who is on call.
 */
static void
text_header(struct text_ctx *ctx, const struct views *v)
{
	struct text_line	l;
	char			word[64], when[64], line[320];

	if (*export_drill_line(v, line, sizeof line) != '\0') {
		text_line_start(&l, ctx);
		text_cell_outside(&l, line, 0, TEXT_SGR_HEAD);
		text_line_end(&l);
	}
	text_line_start(&l, ctx);
	text_cell(&l, "sitrep", 0, TEXT_SGR_HEAD);
	text_gap(&l, 1);
	text_cell_outside(&l, v->context != NULL ? v->context : "-", 0,
	    TEXT_SGR_HEAD);
	text_gap(&l, TEXT_GAP);
	snprintf(word, sizeof word, "%s %s",
	    vocab_status_symbol(v->status, ctx->utf8),
	    vocab_status_word(v->status));
	text_cell(&l, word, 0, text_sgr(vocab_status_tone(v->status)));
	text_gap(&l, TEXT_GAP);
	util_format_rfc3339(v->generated_ms, when, sizeof when);
	text_cell(&l, when, 0, NULL);
	text_line_end(&l);
	if (v->status_reason != NULL && *v->status_reason != '\0') {
		text_line_start(&l, ctx);
		text_cell_outside(&l, v->status_reason, 0, NULL);
		text_line_end(&l);
	}
	if (*vocab_oncall_line(&v->oncall, v->generated_ms, VOCAB_ONCALL_UTC,
	    line, sizeof line)) {
		text_line_start(&l, ctx);
		text_cell_outside(&l, line, 0, NULL);
		text_line_end(&l);
	}
}

/* Name of source i, for column widths. */
static const char *
text_source_name(const struct views *v, size_t i)
{
	return v->sources[i].name;
}

/* Kind of source i, for column widths. */
static const char *
text_source_kind(const struct views *v, size_t i)
{
	return v->sources[i].kind;
}

/* State of source i, for column widths. */
static const char *
text_source_state(const struct views *v, size_t i)
{
	return vocab_source_word(&v->sources[i]);
}

/*
 * Sources: state, age (stale marked), latency, items and the error, or
 * the warning of a round that worked.
 */
static void
text_sources(struct text_ctx *ctx, const struct views *v)
{
	struct text_line		 l;
	const struct view_source	*s;
	size_t				 i, nw, kw, sw;
	char				 age[80], tmp[64], *warn;

	text_heading(ctx, "SOURCES");
	if (v->nsources == 0) {
		text_simple(ctx, "  ", "no sources configured", NULL);
		return;
	}
	nw = text_colw(ctx, "NAME", 4, 20, text_source_name, v, v->nsources);
	kw = text_colw(ctx, "KIND", 4, 14, text_source_kind, v, v->nsources);
	sw = text_colw(ctx, "STATE", 6, 20, text_source_state, v,
	    v->nsources);
	text_line_start(&l, ctx);
	text_gap(&l, 2);
	text_cell(&l, "NAME", nw, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "KIND", kw, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "STATE", sw, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "AGE", 10, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "LATENCY", 7, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "ITEMS", 6, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "ERROR", 0, TEXT_SGR_DIM);
	text_line_end(&l);

	for (i = 0; i < v->nsources; i++) {
		s = &v->sources[i];
		text_line_start(&l, ctx);
		text_gap(&l, 2);
		text_cell_outside(&l, s->name, nw, NULL);
		text_gap(&l, TEXT_GAP);
		text_cell_outside(&l, s->kind, kw, NULL);
		text_gap(&l, TEXT_GAP);
		text_cell(&l, vocab_source_word(s), sw,
		    text_sgr(vocab_source_tone(s)));
		text_gap(&l, TEXT_GAP);
		if (s->never || s->age_ms < 0)
			snprintf(age, sizeof age, "%s", s->stale ?
			    "STALE never" : "never");
		else {
			vocab_duration(s->age_ms, tmp, sizeof tmp);
			snprintf(age, sizeof age, "%s%s",
			    s->stale ? "STALE " : "", tmp);
		}
		text_cell(&l, age, 10, text_sgr(s->stale ? TONE_WARN :
		    TONE_NORMAL));
		text_gap(&l, TEXT_GAP);
		snprintf(tmp, sizeof tmp, "%lldms", (long long)s->latency_ms);
		text_cell(&l, tmp, 7, NULL);
		text_gap(&l, TEXT_GAP);
		snprintf(tmp, sizeof tmp, "%lld", (long long)s->items);
		text_cell(&l, tmp, 6, NULL);
		text_gap(&l, TEXT_GAP);
		if (s->error == NULL && s->warning != NULL) {
			/* A round that worked but warned: a member down. */
			warn = xasprintf("warning: %s", s->warning);
			text_cell_outside(&l, warn, 0, text_sgr(TONE_WARN));
			free(warn);
		} else
			text_cell_outside(&l, s->error != NULL ? s->error :
			    "-", 0, text_sgr(s->error != NULL ? TONE_CRIT :
			    TONE_NORMAL));
		text_line_end(&l);
	}
}

/* Name of service i, for column widths. */
static const char *
text_service_name(const struct views *v, size_t i)
{
	return v->services[i].name;
}

/* Health: one line per service with its status and reasons. */
static void
text_health(struct text_ctx *ctx, const struct views *v)
{
	struct text_line		 l;
	const struct view_service	*s;
	struct buf			 why;
	size_t				 i, j, nw;
	char				 word[64];

	text_heading(ctx, "HEALTH");
	if (v->nservices == 0) {
		text_simple(ctx, "  ", "no services configured", NULL);
		return;
	}
	nw = text_colw(ctx, "SERVICE", 4, 24, text_service_name, v,
	    v->nservices);
	text_line_start(&l, ctx);
	text_gap(&l, 2);
	text_cell(&l, "SERVICE", nw, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "STATUS", 10, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "REASONS", 0, TEXT_SGR_DIM);
	text_line_end(&l);
	for (i = 0; i < v->nservices; i++) {
		s = &v->services[i];
		text_line_start(&l, ctx);
		text_gap(&l, 2);
		text_cell_outside(&l, s->name, nw, NULL);
		text_gap(&l, TEXT_GAP);
		snprintf(word, sizeof word, "%s %s",
		    vocab_status_symbol(s->status, ctx->utf8),
		    vocab_status_word(s->status));
		text_cell(&l, word, 10, text_sgr(vocab_status_tone(s->status)));
		text_gap(&l, TEXT_GAP);
		buf_init(&why, 0);
		for (j = 0; j < s->nreasons; j++) {
			if (j > 0)
				buf_puts(&why, "; ");
			buf_puts(&why, s->reasons[j] != NULL ?
			    s->reasons[j] : "");
		}
		text_cell_outside(&l, why.len > 0 ? buf_str(&why) : "-", 0,
		    NULL);
		buf_done(&why);
		text_line_end(&l);
	}
}

/* Name of SLO i, for column widths. */
static const char *
text_slo_name(const struct views *v, size_t i)
{
	return v->slos[i].name;
}

/* The widest of s and what it already holds. */
static size_t
text_widest(size_t w, const char *s)
{
	size_t	n = width_of(s);

	return n > w ? n : w;
}

/* A number right-aligned in a cell of cw columns. */
static void
text_cell_right(struct text_line *l, const char *s, size_t cw,
    const char *sgr)
{
	size_t	w = width_of(s);

	if (w < cw)
		text_gap(l, cw - w);
	text_cell(l, s, w > cw ? cw : w, sgr);
}

/*
 * SLO burn: verdict, objective, budget, exhaustion and the burn rate of
 * each window that fits, in time order; then the sparkline of the last
 * 24 h on its own line with its scale.  Every number column is as wide
 * as its widest value, so no number is ever cut.
 */
static void
text_slos(struct text_ctx *ctx, const struct views *v)
{
	struct text_line	 l;
	const struct view_slo	*s;
	struct buf		 spark;
	size_t			 i, nw, ow, bw, xw, rw, fixed, nwin, w, cols;
	char			 tmp[64], sc[64];
	double			 top;

	text_heading(ctx, "SLO BURN");
	if (v->nslos == 0) {
		text_simple(ctx, "  ", "no SLOs configured", NULL);
		return;
	}
	nw = text_colw(ctx, "SLO", 4, 24, text_slo_name, v, v->nslos);
	ow = width_of("OBJ%");
	bw = width_of("BUDGET");
	xw = width_of("EXHAUST");
	rw = 4;
	for (i = 0; i < v->nslos; i++) {
		s = &v->slos[i];
		snprintf(tmp, sizeof tmp, "%.6g", s->objective);
		ow = text_widest(ow, tmp);
		bw = text_widest(bw, vocab_percent(s->budget_remaining, tmp,
		    sizeof tmp));
		xw = text_widest(xw, vocab_exhaustion(s->exhaustion_s, tmp,
		    sizeof tmp));
		for (w = 0; w < SLO_PERIOD; w++)
			rw = text_widest(rw, vocab_burn(s->burn[w], tmp,
			    sizeof tmp));
	}
	/* As many burn windows as fit whole after the fixed columns. */
	fixed = 2 + nw + TEXT_GAP + 7 + TEXT_GAP + ow + TEXT_GAP + bw +
	    TEXT_GAP + xw;
	nwin = 0;
	while (nwin < SLO_PERIOD && fixed + (nwin + 1) * (rw + 1) <=
	    ctx->width)
		nwin++;

	text_line_start(&l, ctx);
	text_gap(&l, 2);
	text_cell(&l, "SLO", nw, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "VERDICT", 7, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell_right(&l, "OBJ%", ow, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell_right(&l, "BUDGET", bw, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "EXHAUST", xw, TEXT_SGR_DIM);
	for (w = 0; w < nwin; w++) {
		text_gap(&l, 1);
		text_cell_right(&l, vocab_window_word(w), rw, TEXT_SGR_DIM);
	}
	text_line_end(&l);

	for (i = 0; i < v->nslos; i++) {
		s = &v->slos[i];
		text_line_start(&l, ctx);
		text_gap(&l, 2);
		text_cell_outside(&l, s->name, nw, NULL);
		text_gap(&l, TEXT_GAP);
		text_cell(&l, vocab_verdict_word(s->verdict), 7,
		    text_sgr(vocab_verdict_tone(s->verdict)));
		text_gap(&l, TEXT_GAP);
		snprintf(tmp, sizeof tmp, "%.6g", s->objective);
		text_cell_right(&l, tmp, ow, NULL);
		text_gap(&l, TEXT_GAP);
		vocab_percent(s->budget_remaining, tmp, sizeof tmp);
		text_cell_right(&l, tmp, bw, text_sgr(vocab_budget_tone(s)));
		text_gap(&l, TEXT_GAP);
		vocab_exhaustion(s->exhaustion_s, tmp, sizeof tmp);
		text_cell(&l, tmp, xw, NULL);
		for (w = 0; w < nwin; w++) {
			text_gap(&l, 1);
			vocab_burn(s->burn[w], tmp, sizeof tmp);
			text_cell_right(&l, tmp, rw, text_sgr(vocab_burn_tone(
			    s->burn[w], w, &v->policy)));
		}
		text_line_end(&l);

		/* The sparkline of the last 24 h on its own line, scaled. */
		text_line_start(&l, ctx);
		text_gap(&l, 4);
		text_cell(&l, "24h 1h-burn", 0, TEXT_SGR_DIM);
		text_gap(&l, 1);
		if (!export_spark_has_data(s))
			text_cell(&l, "no data", 0, NULL);
		else {
			top = export_spark_max(s);
			vocab_spark_scale(top, ctx->utf8, sc, sizeof sc);
			cols = ctx->width > 4 + 11 + 1 + 2 + width_of(sc) ?
			    ctx->width - (4 + 11 + 1 + 2 + width_of(sc)) : 0;
			if (cols > 96)
				cols = 96;
			buf_init(&spark, 0);
			buf_append(&spark, "", 0);
			export_sparkline(v, s, cols, ctx->utf8, &spark);
			text_cell(&l, buf_str(&spark), 0,
			    text_sgr(vocab_verdict_tone(s->verdict)));
			buf_done(&spark);
			text_gap(&l, 2);
			text_cell(&l, sc, 0, NULL);
		}
		text_line_end(&l);
	}
}

/*
 * Incidents: the alert pipeline's line when it is watched, then severity,
 * age, alert count, flags, title; then alerts.
 */
static void
text_incidents(struct text_ctx *ctx, const struct views *v)
{
	struct text_line		 l;
	const struct view_incident	*in;
	const struct view_alert		*al;
	size_t				 i, j;
	char				 tmp[64], line[128];
	const char			*flag;

	text_heading(ctx, "INCIDENTS");
	if (v->pipeline.state != PIPELINE_UNWATCHED) {
		vocab_pipeline_line(&v->pipeline, line, sizeof line);
		text_simple(ctx, "  ", line,
		    text_sgr(vocab_pipeline_tone(v->pipeline.state)));
	}
	if (v->nincidents == 0) {
		text_simple(ctx, "  ", "no incidents", NULL);
		return;
	}
	text_line_start(&l, ctx);
	text_gap(&l, 2);
	text_cell(&l, "PRI", 3, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "SEVERITY", 8, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "AGE", 6, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "ALERTS", 6, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "STATE", 9, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "FLAGS", 9, TEXT_SGR_DIM);
	text_gap(&l, TEXT_GAP);
	text_cell(&l, "TITLE", 0, TEXT_SGR_DIM);
	text_line_end(&l);
	for (i = 0; i < v->nincidents; i++) {
		in = &v->incidents[i];
		text_line_start(&l, ctx);
		text_gap(&l, 2);
		text_cell(&l, vocab_priority_word(in->priority), 3,
		    text_sgr(vocab_priority_tone(in->priority)));
		text_gap(&l, TEXT_GAP);
		text_cell(&l, vocab_severity_word(in->severity), 8,
		    text_sgr(vocab_severity_tone(in->severity)));
		text_gap(&l, TEXT_GAP);
		vocab_age(in->started_ms, v->generated_ms, tmp, sizeof tmp);
		text_cell(&l, tmp, 6, NULL);
		text_gap(&l, TEXT_GAP);
		snprintf(tmp, sizeof tmp, "%zu", in->nalerts);
		text_cell(&l, tmp, 6, NULL);
		text_gap(&l, TEXT_GAP);
		text_cell(&l, vocab_incident_state_word(in->state), 9, NULL);
		text_gap(&l, TEXT_GAP);
		flag = vocab_flag_word(in->silenced, in->inhibited);
		text_cell(&l, flag, 9, in->silenced || in->inhibited ?
		    TEXT_SGR_DIM : NULL);
		text_gap(&l, TEXT_GAP);
		text_cell_outside(&l, in->title, 0, NULL);
		text_line_end(&l);

		for (j = 0; j < in->nalerts; j++) {
			if (in->alerts[j] >= v->nalerts)
				continue;
			al = &v->alerts[in->alerts[j]];
			text_line_start(&l, ctx);
			text_gap(&l, 6);
			text_cell(&l, "-", 0, NULL);
			text_gap(&l, 1);
			text_cell_outside(&l, al->alertname, 0, NULL);
			text_gap(&l, 1);
			snprintf(tmp, sizeof tmp, "[%s%s]",
			    vocab_severity_word(al->severity),
			    al->silenced ? ", silenced" : al->inhibited ?
			    ", inhibited" : "");
			text_cell(&l, tmp, 0,
			    text_sgr(vocab_severity_tone(al->severity)));
			if (al->summary != NULL) {
				text_gap(&l, 1);
				text_cell_outside(&l, al->summary, 0, NULL);
			}
			text_line_end(&l);
		}
	}
}

/* Runbook: for each incident its runbook link and summary. */
static void
text_runbook(struct text_ctx *ctx, const struct views *v)
{
	struct text_line		 l;
	const struct view_incident	*in;
	size_t				 i;

	text_heading(ctx, "RUNBOOK");
	if (v->nincidents == 0) {
		text_simple(ctx, "  ", "no incident, nothing to run", NULL);
		return;
	}
	for (i = 0; i < v->nincidents; i++) {
		in = &v->incidents[i];
		text_line_start(&l, ctx);
		text_gap(&l, 2);
		text_cell(&l, "[", 0, NULL);
		text_cell_outside(&l, in->id, 0, NULL);
		text_cell(&l, "]", 0, NULL);
		text_gap(&l, 1);
		text_cell_outside(&l, in->title, 0, TEXT_SGR_HEAD);
		text_line_end(&l);

		text_line_start(&l, ctx);
		text_gap(&l, 6);
		text_cell(&l, "runbook:", 0, TEXT_SGR_DIM);
		text_gap(&l, 1);
		text_cell_outside(&l, in->runbook_url != NULL ?
		    in->runbook_url : "none", 0, NULL);
		text_line_end(&l);

		text_line_start(&l, ctx);
		text_gap(&l, 6);
		text_cell(&l, "summary:", 0, TEXT_SGR_DIM);
		text_gap(&l, 1);
		text_cell_outside(&l, in->summary != NULL ? in->summary : "-",
		    0, NULL);
		text_line_end(&l);
	}
}

/* The whole document. */
void
export_text(const struct views *v, const struct export_opts *o,
    struct buf *out)
{
	struct text_ctx	ctx;

	ctx.out = out;
	ctx.width = (size_t)o->width;
	ctx.color = o->color;
	ctx.utf8 = o->utf8;
	ctx.flags = o->utf8 ? 0 : SANITIZE_ASCII;
	buf_append(out, "", 0);

	text_header(&ctx, v);
	text_sources(&ctx, v);
	text_health(&ctx, v);
	text_slos(&ctx, v);
	text_incidents(&ctx, v);
	text_runbook(&ctx, v);
}
