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
/* Burn rate: "-" (NaN, infinite), "0.4", "16.2", "144", "huge" (>= 1e5). */
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
const char *vocab_verdict_word(enum slo_verdict);	/* "page" ... */
const char *vocab_window_word(enum slo_window);		/* "5m" ... */
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

/* Tones. */
enum vocab_tone vocab_status_tone(enum view_status);
enum vocab_tone vocab_severity_tone(enum view_severity);
enum vocab_tone vocab_verdict_tone(enum slo_verdict);
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

#endif
