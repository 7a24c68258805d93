/*
 * vocab.c: the words, numbers and glyphs the console and the snapshots
 * share.  Each rule is written once; see vocab.h for the forms.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/incident.h"
#include "core/vocab.h"

/* ------------------------------------------------------------------ */
/* Numbers and times                                                   */
/* ------------------------------------------------------------------ */

/*
 * A burn rate as a multiple of the rate that spends the budget exactly
 * over the period ("16.2x"): one decimal below 100, none from there (so
 * it fits six columns), "huge" from 100000 on, where the number says
 * nothing more than that the budget is gone.
 */
char *
vocab_burn(double b, char *out, size_t len)
{
	if (!isfinite(b))
		snprintf(out, len, "-");
	else if (b >= 99999.5)
		snprintf(out, len, "huge");
	else if (b >= 99.95)
		snprintf(out, len, "%.0fx", b);
	else
		snprintf(out, len, "%.1fx", b < 0 ? 0.0 : b);
	return out;
}

/* A fraction as a percentage with one decimal. */
char *
vocab_percent(double fraction, char *out, size_t len)
{
	if (!isfinite(fraction))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1f%%", fraction * 100);
	return out;
}

/* A compact duration, "-" for none. */
char *
vocab_duration(int64_t ms, char *out, size_t len)
{
	if (ms < 0) {
		snprintf(out, len, "-");
		return out;
	}
	return util_format_duration(ms, out, len);
}

/* The age of something that started at since_ms. */
char *
vocab_age(int64_t since_ms, int64_t now_ms, char *out, size_t len)
{
	if (since_ms <= 0)
		return vocab_duration(-1, out, len);
	return vocab_duration(now_ms > since_ms ? now_ms - since_ms : 0, out,
	    len);
}

/* Time until the budget is gone. */
char *
vocab_exhaustion(int64_t seconds, char *out, size_t len)
{
	if (seconds == 0) {
		snprintf(out, len, "now");
		return out;
	}
	return vocab_duration(seconds < 0 ? -1 : seconds * 1000, out, len);
}

/* ------------------------------------------------------------------ */
/* Words                                                               */
/* ------------------------------------------------------------------ */

/* The word for n things; see vocab.h. */
const char *
vocab_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The overall or a service's status as a word. */
const char *
vocab_status_word(enum view_status s)
{
	switch (s) {
	case VIEW_OK:
		return "OK";
	case VIEW_WARNING:
		return "WARNING";
	case VIEW_CRITICAL:
		return "CRITICAL";
	default:
		return "UNKNOWN";
	}
}

/* The status as a symbol, so nothing depends on colour. */
const char *
vocab_status_symbol(enum view_status s, int utf8)
{
	switch (s) {
	case VIEW_OK:
		return utf8 ? "\xe2\x9c\x93" : "+";		/* ✓ */
	case VIEW_WARNING:
		return utf8 ? "\xe2\x96\xb2" : "!";		/* ▲ */
	case VIEW_CRITICAL:
		return utf8 ? "\xe2\x9c\x96" : "X";		/* ✖ */
	default:
		return "?";
	}
}

/* A severity as a word. */
const char *
vocab_severity_word(enum view_severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "critical";
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	case SEV_INFO:
		return "info";
	default:
		return "none";
	}
}

/* A priority as a word, P0 (the most urgent) to P3. */
const char *
vocab_priority_word(int p)
{
	return incident_priority_word(p);
}

/* An incident's state as shown; "acknowledged" is shortened to "acked". */
const char *
vocab_incident_state_word(const char *state)
{
	if (state == NULL)
		return "triggered";
	if (strcmp(state, "acknowledged") == 0)
		return "acked";
	return state;
}

/* An incident's acknowledgement in one line, or "". */
char *
vocab_ack_line(const struct view_incident *inc, int64_t now, char *out,
    size_t len)
{
	char	until[40], left[32];

	out[0] = '\0';
	if (inc->ack_by == NULL || inc->ack_until_ms <= 0)
		return out;
	util_format_rfc3339(inc->ack_until_ms, until, sizeof until);
	if (inc->ack_local)
		snprintf(out, len, "acknowledged by %s until %s (local ack, "
		    "not shared: %s)", inc->ack_by, until,
		    inc->ack_reason != NULL ? inc->ack_reason :
		    "no Alertmanager took it");
	else
		snprintf(out, len, "acknowledged by %s until %s (%s left)",
		    inc->ack_by, until, inc->ack_until_ms > now ?
		    vocab_duration(inc->ack_until_ms - now, left, sizeof left) :
		    "none");
	return out;
}

/* Its escalation in one line, or "". */
char *
vocab_escalation_line(const struct view_incident *inc, char *out,
    size_t len)
{
	char	in[32];
	int	n;

	out[0] = '\0';
	if (inc->esc_levels == 0 || inc->esc_level == 0)
		return out;
	n = snprintf(out, len, "escalation: level %zu of %zu, %s",
	    inc->esc_level, inc->esc_levels, inc->esc_who != NULL ?
	    inc->esc_who : "?");
	if (n < 0 || (size_t)n >= len)
		return out;
	if (inc->esc_next_who == NULL)
		snprintf(out + n, len - (size_t)n, " (the last)");
	else if (inc->esc_next_in_ms >= 0)
		snprintf(out + n, len - (size_t)n, "; %s in %s",
		    inc->esc_next_who, vocab_duration(inc->esc_next_in_ms, in,
		    sizeof in));
	else
		snprintf(out + n, len - (size_t)n, " (stopped: %s)",
		    vocab_incident_state_word(inc->state));
	return out;
}

/* An SLO verdict as a word. */
const char *
vocab_verdict_word(enum slo_verdict v)
{
	switch (v) {
	case SLO_PAGE:
		return "page";
	case SLO_TICKET:
		return "ticket";
	case SLO_OK:
		return "ok";
	default:
		return "no data";
	}
}

/* A window's short name. */
const char *
vocab_window_word(enum slo_window w)
{
	static const char *const names[SLO_NWINDOWS] = {
		"5m", "30m", "1h", "2h", "6h", "1d", "3d", "period"
	};

	return (unsigned int)w < SLO_NWINDOWS ? names[w] : "?";
}

/* Whether a source was never fetched: no attempt and no success. */
int
vocab_source_never_fetched(const struct view_source *s)
{
	return !s->ok && s->last_attempt_ms <= 0 && s->last_success_ms <= 0;
}

/* A source's state as words. */
const char *
vocab_source_word(const struct view_source *s)
{
	if (s->ok)
		return "ok";
	return vocab_source_never_fetched(s) ? "never fetched" : "FAILED";
}

/* Silenced wins over inhibited; "-" for neither. */
const char *
vocab_flag_word(int silenced, int inhibited)
{
	return silenced ? "silenced" : inhibited ? "inhibited" : "-";
}

/* The word of the alert pipeline's state. */
const char *
vocab_pipeline_word(enum view_pipeline_state s)
{
	switch (s) {
	case PIPELINE_OK:
		return "ok";
	case PIPELINE_SILENT:
		return "silent";
	case PIPELINE_UNKNOWN:
		return "unknown";
	default:
		return "not watched";
	}
}

/* The alert pipeline line. */
char *
vocab_pipeline_line(const struct view_pipeline *p, char *out, size_t len)
{
	char	dur[32];

	switch (p->state) {
	case PIPELINE_SILENT:
		if (p->silent_ms >= 0)
			snprintf(out, len, "alert pipeline: silent for %s",
			    vocab_duration(p->silent_ms, dur, sizeof dur));
		else
			snprintf(out, len, "alert pipeline: silent, no "
			    "heartbeat alert listed");
		break;
	case PIPELINE_UNKNOWN:
		snprintf(out, len, "alert pipeline: unknown, alertmanager has "
		    "no fresh data");
		break;
	default:
		snprintf(out, len, "alert pipeline: %s",
		    vocab_pipeline_word(p->state));
		break;
	}
	return out;
}

/* ------------------------------------------------------------------ */
/* Tones                                                               */
/* ------------------------------------------------------------------ */

/* The tone of a status. */
enum vocab_tone
vocab_status_tone(enum view_status s)
{
	switch (s) {
	case VIEW_OK:
		return TONE_OK;
	case VIEW_WARNING:
		return TONE_WARN;
	case VIEW_CRITICAL:
		return TONE_CRIT;
	default:
		return TONE_UNKNOWN;
	}
}

/* The tone of a severity: error and critical alike; info says nothing. */
enum vocab_tone
vocab_severity_tone(enum view_severity s)
{
	if (s >= SEV_ERROR)
		return TONE_CRIT;
	if (s == SEV_WARNING)
		return TONE_WARN;
	return TONE_NORMAL;
}

/* The tone of a priority: P0 and P1 critical, P2 a warning. */
enum vocab_tone
vocab_priority_tone(int p)
{
	if (p <= 1)
		return TONE_CRIT;
	if (p == 2)
		return TONE_WARN;
	return TONE_NORMAL;
}

/* A window's level as a tone; no data says nothing. */
static enum vocab_tone
vocab_verdict_tone_or_normal(enum slo_verdict v)
{
	return v == SLO_NODATA ? TONE_NORMAL : vocab_verdict_tone(v);
}

/* The tone of a verdict. */
enum vocab_tone
vocab_verdict_tone(enum slo_verdict v)
{
	switch (v) {
	case SLO_PAGE:
		return TONE_CRIT;
	case SLO_TICKET:
		return TONE_WARN;
	case SLO_OK:
		return TONE_OK;
	default:
		return TONE_UNKNOWN;
	}
}

/* The tone of one window's burn rate against the workbook's thresholds. */
enum vocab_tone
vocab_burn_tone(double burn, enum slo_window w, const struct slo_policy *p)
{
	return vocab_verdict_tone_or_normal(slo_window_level(burn, w, p));
}

/* The tone of a source's state. */
enum vocab_tone
vocab_source_tone(const struct view_source *s)
{
	if (s->ok)
		return TONE_OK;
	return vocab_source_never_fetched(s) ? TONE_UNKNOWN : TONE_CRIT;
}

/* The tone of the alert pipeline: a silent one is critical. */
enum vocab_tone
vocab_pipeline_tone(enum view_pipeline_state s)
{
	switch (s) {
	case PIPELINE_OK:
		return TONE_OK;
	case PIPELINE_SILENT:
		return TONE_CRIT;
	case PIPELINE_UNKNOWN:
		return TONE_UNKNOWN;
	default:
		return TONE_NORMAL;
	}
}

/* The tone of the error budget left. */
enum vocab_tone
vocab_budget_tone(const struct view_slo *s)
{
	if (isnan(s->budget_remaining))
		return TONE_UNKNOWN;
	if (s->budget_critical)
		return TONE_CRIT;
	if (s->budget_warning)
		return TONE_WARN;
	return TONE_OK;
}

/* ------------------------------------------------------------------ */
/* Sparklines                                                          */
/* ------------------------------------------------------------------ */

/* A sparkline; see the header. */
size_t
vocab_spark(const double *v, size_t n, size_t cols, double max, int utf8,
    struct buf *out)
{
	static const char *const blocks[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char	 ascii[] = "_.-:=+*#";
	size_t			 i, j, lo, hi;
	double			 worst;
	long			 lev;

	if (cols > n)
		cols = n;
	if (max <= 0 || !isfinite(max)) {
		max = 0;
		for (i = 0; i < n; i++) {
			if (isfinite(v[i]) && v[i] > max)
				max = v[i];
		}
	}
	for (i = 0; i < cols; i++) {
		lo = i * n / cols;
		hi = (i + 1) * n / cols;
		worst = NAN;
		for (j = lo; j < hi; j++) {
			if (isfinite(v[j]) && (isnan(worst) || v[j] > worst))
				worst = v[j];
		}
		if (isnan(worst) || max <= 0) {
			buf_append(out, " ", 1);
			continue;
		}
		if (worst < 0)
			worst = 0;
		lev = lround(worst / max * 7.0);
		if (lev > 7)
			lev = 7;
		if (utf8)
			buf_puts(out, blocks[lev]);
		else
			buf_append(out, &ascii[lev], 1);
	}
	return cols;
}

/* The top of a burn sparkline's scale. */
double
vocab_spark_top(const double *v, size_t n)
{
	double	top = 1;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (isfinite(v[i]) && v[i] > top)
			top = v[i];
	}
	return top;
}

/* The level of a burn rate: 0-2 up to 1x, 3-7 above, -1 no data. */
int
vocab_spark_level(double b, double top)
{
	long	lev;

	if (!isfinite(b))
		return -1;
	if (b <= 0)
		return 0;
	if (b <= 1)
		return (int)lround(b * VOCAB_SPARK_ONE);
	if (!(top > 1) || !isfinite(top) || b >= top)
		return 7;
	lev = VOCAB_SPARK_ONE + 1 + lround((b - 1) / (top - 1) *
	    (6 - VOCAB_SPARK_ONE));
	return lev > 7 ? 7 : (int)lev;
}

/* The level of every column; see the header. */
void
vocab_spark_levels(const double *v, const int64_t *ts, size_t n,
    int64_t from_ms, int64_t to_ms, double top, size_t cols, int *lev)
{
	double	*worst;
	int64_t	 span = to_ms - from_ms, off;
	size_t	 i, c;

	if (cols == 0)
		return;
	worst = xcalloc(cols, sizeof *worst);
	for (c = 0; c < cols; c++)
		worst[c] = NAN;
	for (i = 0; span > 0 && i < n; i++) {
		if (ts[i] <= from_ms || ts[i] > to_ms || !isfinite(v[i]))
			continue;
		/* The column whose time ends at or after ts: ceil - 1. */
		off = ts[i] - from_ms;
		if ((uint64_t)off <= (UINT64_MAX - (uint64_t)span) / cols)
			c = (size_t)(((uint64_t)off * cols + (uint64_t)span -
			    1) / (uint64_t)span) - 1;
		else
			c = (size_t)ceil((double)off * (double)cols /
			    (double)span) - 1;
		if (c >= cols)
			c = cols - 1;
		if (isnan(worst[c]) || v[i] > worst[c])
			worst[c] = v[i];
	}
	for (c = 0; c < cols; c++)
		lev[c] = vocab_spark_level(worst[c], top);
	free(worst);
}

/* The glyph of a level. */
const char *
vocab_spark_glyph(int level, int utf8)
{
	static const char *const blocks[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char *const ascii[8] = {
		"_", ".", "-", ":", "=", "+", "*", "#"
	};

	if (level < 0 || level > 7)
		return " ";
	return utf8 ? blocks[level] : ascii[level];
}

/* A burn-rate sparkline over a span of time. */
size_t
vocab_spark_burn(const double *v, const int64_t *ts, size_t n,
    int64_t from_ms, int64_t to_ms, double top, size_t cols, int utf8,
    struct buf *out)
{
	int	*lev;
	size_t	 c;

	if (cols == 0)
		return 0;
	lev = xcalloc(cols, sizeof *lev);
	vocab_spark_levels(v, ts, n, from_ms, to_ms, top, cols, lev);
	for (c = 0; c < cols; c++)
		buf_puts(out, vocab_spark_glyph(lev[c], utf8));
	free(lev);
	return cols;
}

/* The scale of a burn sparkline in words. */
char *
vocab_spark_scale(double top, int utf8, char *out, size_t len)
{
	char	t[32];

	snprintf(out, len, "%s 1x, %s %s", vocab_spark_glyph(VOCAB_SPARK_ONE,
	    utf8), vocab_spark_glyph(7, utf8), vocab_burn(top > 1 ? top : 1, t,
	    sizeof t));
	return out;
}
