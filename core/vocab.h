/*
 * vocab.h: the one vocabulary of the console and every snapshot.
 *
 * How a burn rate, a percentage, a duration or an age reads, the words
 * and symbols of statuses, severities and verdicts, the tone each of them
 * is painted in, and the glyphs of a sparkline: decided here once, so the
 * screen, the text, Markdown and HTML documents cannot drift apart.  JSON
 * keeps raw numbers and uses only the words.
 *
 * A tone is semantic (OK, warning, critical, unknown, or nothing to say);
 * each renderer maps it to its own means once: the console to theme
 * slots, text to SGR colours, HTML to CSS classes.
 */
#ifndef SITREP_VOCAB_H
#define SITREP_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/slo.h"
#include "core/views.h"

enum vocab_tone {
	TONE_NORMAL,		/* nothing to flag */
	TONE_OK,
	TONE_WARN,
	TONE_CRIT,
	TONE_UNKNOWN
};

/*
 * Numbers and times.  Each writes at most len bytes to out and returns
 * out; "-" stands for no data.
 */
/*
 * Burn rate as a multiple of the budget-neutral rate: "-" (NaN, infinite),
 * "0.4x", "16.2x", "144x", "huge" (>= 1e5); at most six columns.
 */
char	*vocab_burn(double, char *out, size_t len);
/* A fraction as a percentage with one decimal: 0.4 -> "40.0%". */
char	*vocab_percent(double fraction, char *out, size_t len);
/* A duration in compact words ("350ms", "4m", "2h5m"); "-" when ms < 0. */
char	*vocab_duration(int64_t ms, char *out, size_t len);
/* How long ago since_ms was at now_ms; "-" when since_ms <= 0. */
char	*vocab_age(int64_t since_ms, int64_t now_ms, char *out, size_t len);
/* Time to budget exhaustion: "-" never or no data, "now", a duration. */
char	*vocab_exhaustion(int64_t seconds, char *out, size_t len);

/* Words and symbols (static strings). */
const char *vocab_status_word(enum view_status);	/* "OK" ... */
/* "✓ ▲ ✖ ?", or "+ ! X ?" in ASCII: nothing depends on colour. */
const char *vocab_status_symbol(enum view_status, int utf8);
const char *vocab_severity_word(enum view_severity);	/* "critical" ... */
const char *vocab_priority_word(int);			/* "P0" ... "P3" */
/* An incident's state as shown: "triggered", "acked", "mitigated" ... */
const char *vocab_incident_state_word(const char *state);
const char *vocab_verdict_word(enum slo_verdict);	/* "page" ... */
const char *vocab_window_word(enum slo_window);		/* "5m" ... */
/*
 * A source's state: "ok", "FAILED" (the last attempt failed), or "never
 * fetched" (no attempt and no success yet: nothing failed).
 */
const char *vocab_source_word(const struct view_source *);
/* Whether a source has never been fetched (no attempt, no success). */
int	 vocab_source_never_fetched(const struct view_source *);
/* An alert's or incident's flag: "silenced", "inhibited" or "-". */
const char *vocab_flag_word(int silenced, int inhibited);
/* The alert pipeline's state: "ok", "silent", "unknown", "not watched". */
const char *vocab_pipeline_word(enum view_pipeline_state);
/*
 * The alert pipeline in one line, as the console and every document show
 * it: "alert pipeline: ok", "alert pipeline: silent for 7m", "alert
 * pipeline: silent, no heartbeat alert listed", "alert pipeline: unknown,
 * alertmanager has no fresh data", "alert pipeline: not watched".
 */
char	*vocab_pipeline_line(const struct view_pipeline *, char *out,
	     size_t len);

/*
 * An incident's acknowledgement in one line, or "" when it has none:
 * "acknowledged by alice@ops until 14:32:05 (13m left)", "... (local ack,
 * not shared: REASON)".
 */
char	*vocab_ack_line(const struct view_incident *, int64_t now_ms,
	     char *out, size_t len);
/*
 * Its escalation in one line, or "" when its priority has no policy:
 * "escalation: level 2 of 5, on-call engineer; senior engineer in 27m",
 * "... (the last)", "... (stopped: acknowledged)".
 */
char	*vocab_escalation_line(const struct view_incident *, char *out,
	     size_t len);

/* one when n is 1, else many: "1 service", "2 services". */
const char *vocab_plural(size_t n, const char *one, const char *many);

/* Tones. */
enum vocab_tone vocab_status_tone(enum view_status);
enum vocab_tone vocab_severity_tone(enum view_severity);
enum vocab_tone vocab_priority_tone(int);
enum vocab_tone vocab_verdict_tone(enum slo_verdict);
/*
 * The tone of one window's burn rate by the workbook's thresholds for
 * that window (slo_window_level): crit above a page threshold, warn above
 * a ticket one, ok below, normal without data.
 */
enum vocab_tone vocab_burn_tone(double burn, enum slo_window,
	    const struct slo_policy *);
/* A source's state: ok, crit when it failed, unknown when never fetched. */
enum vocab_tone vocab_source_tone(const struct view_source *);
enum vocab_tone vocab_pipeline_tone(enum view_pipeline_state);
/* The error budget left: unknown without data, then crit, warn, ok. */
enum vocab_tone vocab_budget_tone(const struct view_slo *);

/*
 * A sparkline of n values in at most cols characters, appended to out:
 * one character per value when they fit, else each character the worst
 * (largest) value of its share of the series.  Eight levels scaled to max
 * (max <= 0: the largest value), as the blocks "▁▂▃▄▅▆▇█" or, when !utf8,
 * "_.-:=+*#"; a space where there is no data (NaN).  Returns the
 * characters written.
 */
size_t	 vocab_spark(const double *v, size_t n, size_t cols, double max,
	     int utf8, struct buf *out);

/*
 * Burn-rate sparklines cover the time they claim.  Column c of cols
 * covers the time (from + c*span/cols, from + (c+1)*span/cols], span =
 * to_ms - from_ms; a point at ts (the rate over the time before it) falls
 * in the column its time ends in, and a column shows the worst (largest)
 * point in it, or a space where none falls, so a day of cache with two
 * hours of points draws two hours at the right and blanks before.
 *
 * The scale puts the budget-neutral rate (1x) on a line between levels:
 * up to 1x the three low levels ("▁▂▃", "_.-"), above it the five high
 * ones ("▄▅▆▇█", ":=+*#") linearly up to top, so any burn above 1x stands
 * above the line and a flat 0.3x never looks like a 64x spike.
 */
#define VOCAB_SPARK_ONE	2	/* the level of exactly 1x */

/* The top of a burn sparkline's scale: its largest point, at least 1. */
double	 vocab_spark_top(const double *v, size_t n);
/* The level (0-7) of burn b on a scale to top; -1 for no data. */
int	 vocab_spark_level(double b, double top);
/*
 * The level of each of cols columns into lev (-1: no data).  v and ts
 * hold n points, oldest first.
 */
void	 vocab_spark_levels(const double *v, const int64_t *ts, size_t n,
	     int64_t from_ms, int64_t to_ms, double top, size_t cols,
	     int *lev);
/* The glyph of a level (a space for -1), static. */
const char *vocab_spark_glyph(int level, int utf8);
/* The sparkline of vocab_spark_levels appended to out; returns cols. */
size_t	 vocab_spark_burn(const double *v, const int64_t *ts, size_t n,
	     int64_t from_ms, int64_t to_ms, double top, size_t cols,
	     int utf8, struct buf *out);
/* The scale in words: "▃ 1x, █ 16.2x" ("- 1x, # 16.2x" in ASCII). */
char	*vocab_spark_scale(double top, int utf8, char *out, size_t len);

#endif
