/*
 * test_vocab.c: unit tests for the one vocabulary (core/vocab.c) and the
 * display width of text (base/width.c), with exact expected strings: the
 * console and every snapshot print what these tests pin down.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/buf.h"
#include "base/width.h"
#include "base/xmalloc.h"
#include "core/vocab.h"

/* Burn rates: one decimal below 100, none above, "-" without data. */
static void
test_burn(void)
{
	char	out[32];

	CHECK_STR(vocab_burn(NAN, out, sizeof out), "-");
	CHECK_STR(vocab_burn(INFINITY, out, sizeof out), "-");
	CHECK_STR(vocab_burn(0, out, sizeof out), "0.0");
	CHECK_STR(vocab_burn(0.04, out, sizeof out), "0.0");
	CHECK_STR(vocab_burn(1.5, out, sizeof out), "1.5");
	CHECK_STR(vocab_burn(3, out, sizeof out), "3.0");
	CHECK_STR(vocab_burn(16.2, out, sizeof out), "16.2");
	CHECK_STR(vocab_burn(99.94, out, sizeof out), "99.9");
	CHECK_STR(vocab_burn(99.96, out, sizeof out), "100");
	CHECK_STR(vocab_burn(144, out, sizeof out), "144");
	CHECK_STR(vocab_burn(1440.4, out, sizeof out), "1440");
	CHECK_STR(vocab_burn(99999.4, out, sizeof out), "99999");
	CHECK_STR(vocab_burn(1e9, out, sizeof out), "huge");
	/* Never wider than five columns. */
	CHECK_STR(vocab_burn(12345.6, out, sizeof out), "12346");
	/* A short buffer is cut, never overrun. */
	CHECK_STR(vocab_burn(16.2, out, 3), "16");
}

/* Percentages, durations, ages and exhaustion. */
static void
test_numbers(void)
{
	char	out[32];

	CHECK_STR(vocab_percent(0.4, out, sizeof out), "40.0%");
	CHECK_STR(vocab_percent(-0.125, out, sizeof out), "-12.5%");
	CHECK_STR(vocab_percent(1, out, sizeof out), "100.0%");
	CHECK_STR(vocab_percent(NAN, out, sizeof out), "-");

	CHECK_STR(vocab_duration(-1, out, sizeof out), "-");
	CHECK_STR(vocab_duration(0, out, sizeof out), "0ms");
	CHECK_STR(vocab_duration(350, out, sizeof out), "350ms");
	CHECK_STR(vocab_duration(240000, out, sizeof out), "4m");
	CHECK_STR(vocab_duration(7500000, out, sizeof out), "2h5m");
	CHECK_STR(vocab_duration(30 * 86400000LL, out, sizeof out), "30d");

	CHECK_STR(vocab_age(0, 1000000, out, sizeof out), "-");
	CHECK_STR(vocab_age(1000000, 1000000 + 2700000, out, sizeof out),
	    "45m");
	/* A clock slightly behind the source reads as just now. */
	CHECK_STR(vocab_age(5000, 4000, out, sizeof out), "0ms");

	CHECK_STR(vocab_exhaustion(-1, out, sizeof out), "-");
	CHECK_STR(vocab_exhaustion(0, out, sizeof out), "now");
	CHECK_STR(vocab_exhaustion(3 * 3600 + 1200, out, sizeof out), "3h20m");
}

/* Words, symbols and flags. */
static void
test_words(void)
{
	CHECK_STR(vocab_status_word(VIEW_OK), "OK");
	CHECK_STR(vocab_status_word(VIEW_WARNING), "WARNING");
	CHECK_STR(vocab_status_word(VIEW_CRITICAL), "CRITICAL");
	CHECK_STR(vocab_status_word(VIEW_UNKNOWN), "UNKNOWN");
	CHECK_STR(vocab_status_symbol(VIEW_OK, 1), "\xe2\x9c\x93");
	CHECK_STR(vocab_status_symbol(VIEW_WARNING, 1), "\xe2\x96\xb2");
	CHECK_STR(vocab_status_symbol(VIEW_CRITICAL, 1), "\xe2\x9c\x96");
	CHECK_STR(vocab_status_symbol(VIEW_UNKNOWN, 1), "?");
	CHECK_STR(vocab_status_symbol(VIEW_OK, 0), "+");
	CHECK_STR(vocab_status_symbol(VIEW_WARNING, 0), "!");
	CHECK_STR(vocab_status_symbol(VIEW_CRITICAL, 0), "X");
	CHECK_STR(vocab_status_symbol(VIEW_UNKNOWN, 0), "?");

	CHECK_STR(vocab_severity_word(SEV_CRITICAL), "critical");
	CHECK_STR(vocab_severity_word(SEV_ERROR), "error");
	CHECK_STR(vocab_severity_word(SEV_WARNING), "warning");
	CHECK_STR(vocab_severity_word(SEV_INFO), "info");
	CHECK_STR(vocab_severity_word(SEV_NONE), "none");

	CHECK_STR(vocab_verdict_word(SLO_PAGE), "page");
	CHECK_STR(vocab_verdict_word(SLO_TICKET), "ticket");
	CHECK_STR(vocab_verdict_word(SLO_OK), "ok");
	CHECK_STR(vocab_verdict_word(SLO_NODATA), "no data");
	CHECK_STR(vocab_window_word(SLO_5M), "5m");
	CHECK_STR(vocab_window_word(SLO_3D), "3d");
	CHECK_STR(vocab_window_word(SLO_PERIOD), "period");
	CHECK_STR(vocab_window_word(SLO_NWINDOWS), "?");

	CHECK_STR(vocab_flag_word(1, 1), "silenced");
	CHECK_STR(vocab_flag_word(0, 1), "inhibited");
	CHECK_STR(vocab_flag_word(0, 0), "-");

	CHECK_STR(vocab_plural(1, "service", "services"), "service");
	CHECK_STR(vocab_plural(0, "service", "services"), "services");
	CHECK_STR(vocab_plural(2, "SLO", "SLOs"), "SLOs");

}

/* Tones: one per status, severity, verdict and budget. */
static void
test_tones(void)
{
	struct view_slo	s;

	CHECK_INT(vocab_status_tone(VIEW_OK), TONE_OK);
	CHECK_INT(vocab_status_tone(VIEW_WARNING), TONE_WARN);
	CHECK_INT(vocab_status_tone(VIEW_CRITICAL), TONE_CRIT);
	CHECK_INT(vocab_status_tone(VIEW_UNKNOWN), TONE_UNKNOWN);
	CHECK_INT(vocab_severity_tone(SEV_CRITICAL), TONE_CRIT);
	CHECK_INT(vocab_severity_tone(SEV_ERROR), TONE_CRIT);
	CHECK_INT(vocab_severity_tone(SEV_WARNING), TONE_WARN);
	CHECK_INT(vocab_severity_tone(SEV_INFO), TONE_NORMAL);
	CHECK_INT(vocab_severity_tone(SEV_NONE), TONE_NORMAL);
	CHECK_INT(vocab_verdict_tone(SLO_PAGE), TONE_CRIT);
	CHECK_INT(vocab_verdict_tone(SLO_TICKET), TONE_WARN);
	CHECK_INT(vocab_verdict_tone(SLO_OK), TONE_OK);
	CHECK_INT(vocab_verdict_tone(SLO_NODATA), TONE_UNKNOWN);

	memset(&s, 0, sizeof s);
	s.budget_remaining = NAN;
	CHECK_INT(vocab_budget_tone(&s), TONE_UNKNOWN);
	s.budget_remaining = 0.9;
	CHECK_INT(vocab_budget_tone(&s), TONE_OK);
	s.budget_warning = 1;
	CHECK_INT(vocab_budget_tone(&s), TONE_WARN);
	s.budget_critical = 1;
	CHECK_INT(vocab_budget_tone(&s), TONE_CRIT);
}

/* Sparklines: glyphs, gaps, scale, buckets, ASCII. */
static void
test_spark(void)
{
	static const double	ramp[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	double			gap[4] = { 1, NAN, 4, -2 };
	double			many[8] = { 0, 7, 0, 0, NAN, NAN, 3.5, 0 };
	struct buf		b;

	buf_init(&b, 0);
	CHECK_INT(vocab_spark(ramp, 8, 8, 0, 1, &b), 8);
	CHECK_STR(buf_str(&b), "\xe2\x96\x81\xe2\x96\x82\xe2\x96\x83"
	    "\xe2\x96\x84\xe2\x96\x85\xe2\x96\x86\xe2\x96\x87\xe2\x96\x88");
	buf_reset(&b);
	CHECK_INT(vocab_spark(ramp, 8, 8, 0, 0, &b), 8);
	CHECK_STR(buf_str(&b), "_.-:=+*#");
	buf_reset(&b);
	/* NaN is a gap, a negative value the floor, max fixes the scale. */
	CHECK_INT(vocab_spark(gap, 4, 10, 8, 0, &b), 4);
	CHECK_STR(buf_str(&b), ". =_");
	buf_reset(&b);
	/* Four columns for eight values: the worst of each pair. */
	CHECK_INT(vocab_spark(many, 8, 4, 0, 0, &b), 4);
	CHECK_STR(buf_str(&b), "#_ =");
	buf_reset(&b);
	/* Nothing to scale by: all gaps. */
	CHECK_INT(vocab_spark(gap + 1, 1, 4, 0, 1, &b), 1);
	CHECK_STR(buf_str(&b), " ");
	buf_reset(&b);
	CHECK_INT(vocab_spark(ramp, 8, 0, 0, 1, &b), 0);
	CHECK_STR(buf_str(&b), "");
	buf_done(&b);
}

/* Columns and cutting, in a UTF-8 locale. */
static void
test_width(void)
{
	char	*t;
	size_t	 used;

	CHECK_INT(width_of("abc"), 3);
	CHECK_INT(width_of(""), 0);
	CHECK_INT(width_of("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	CHECK_INT(width_of("e\xcc\x81"), 1);
	CHECK_INT(width_of("a\xffz"), 3);	/* an invalid byte: one */
	CHECK_INT(width_prefix("\xe6\x97\xa5\xe6\x9c\xac", 3, &used), 3);
	CHECK_INT(used, 2);
	t = width_fit("abcdefgh", 5, "\xe2\x80\xa6");
	CHECK_STR(t, "abcd\xe2\x80\xa6");
	free(t);
	t = width_fit("abcdefgh", 5, "...");
	CHECK_STR(t, "ab...");
	free(t);
	t = width_fit("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, "\xe2\x80\xa6");
	CHECK_STR(t, "\xe6\x97\xa5\xe2\x80\xa6");
	free(t);
	t = width_fit("short", 5, "\xe2\x80\xa6");
	CHECK_STR(t, "short");
	free(t);
	t = width_fit("abcdef", 2, "...");
	CHECK_STR(t, "ab");
	free(t);
}

/* Under LANG=C the built-in table still measures wide text. */
static void
test_width_c_locale(void)
{
	char	*old = xstrdup(setlocale(LC_CTYPE, NULL));

	setlocale(LC_CTYPE, "C");
	CHECK_INT(width_of("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	CHECK_INT(width_of("e\xcc\x81"), 1);
	CHECK_INT(width_of("caf\xc3\xa9"), 4);
	setlocale(LC_CTYPE, old);
	free(old);
}

static const struct test tests[] = {
	TEST(test_burn),
	TEST(test_numbers),
	TEST(test_words),
	TEST(test_tones),
	TEST(test_spark),
	TEST(test_width),
	TEST(test_width_c_locale),
	{ NULL, NULL }
};

/* Measure columns as a UTF-8 terminal would. */
int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	return harness_run(tests);
}
