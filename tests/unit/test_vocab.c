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

/* Burn rates as multiples: one decimal below 100, none above, "-" none. */
static void
test_burn(void)
{
	char	out[32];

	CHECK_STR(vocab_burn(NAN, out, sizeof out), "-");
	CHECK_STR(vocab_burn(INFINITY, out, sizeof out), "-");
	CHECK_STR(vocab_burn(0, out, sizeof out), "0.0x");
	CHECK_STR(vocab_burn(0.04, out, sizeof out), "0.0x");
	CHECK_STR(vocab_burn(-0.01, out, sizeof out), "0.0x");
	CHECK_STR(vocab_burn(1.5, out, sizeof out), "1.5x");
	CHECK_STR(vocab_burn(3, out, sizeof out), "3.0x");
	CHECK_STR(vocab_burn(14.4, out, sizeof out), "14.4x");
	CHECK_STR(vocab_burn(16.2, out, sizeof out), "16.2x");
	CHECK_STR(vocab_burn(99.94, out, sizeof out), "99.9x");
	CHECK_STR(vocab_burn(99.96, out, sizeof out), "100x");
	CHECK_STR(vocab_burn(144, out, sizeof out), "144x");
	CHECK_STR(vocab_burn(1440.4, out, sizeof out), "1440x");
	CHECK_STR(vocab_burn(99999.4, out, sizeof out), "99999x");
	CHECK_STR(vocab_burn(1e9, out, sizeof out), "huge");
	/* Never wider than six columns. */
	CHECK_STR(vocab_burn(12345.6, out, sizeof out), "12346x");
	/* A short buffer is cut, never overrun. */
	CHECK_STR(vocab_burn(16.2, out, 3), "16");
}

/* A source never fetched is not a failed one. */
static void
test_source_word(void)
{
	struct view_source	s;

	memset(&s, 0, sizeof s);
	CHECK_STR(vocab_source_word(&s), "never fetched");
	CHECK_INT(vocab_source_tone(&s), TONE_UNKNOWN);
	s.last_attempt_ms = 1000;
	CHECK_STR(vocab_source_word(&s), "FAILED");
	CHECK_INT(vocab_source_tone(&s), TONE_CRIT);
	s.last_attempt_ms = 0;
	s.last_success_ms = 1000;	/* succeeded once, then cleared */
	CHECK_STR(vocab_source_word(&s), "FAILED");
	s.ok = 1;
	CHECK_STR(vocab_source_word(&s), "ok");
	CHECK_INT(vocab_source_tone(&s), TONE_OK);
}

/* A window's burn is toned by the workbook's thresholds for it. */
static void
test_burn_tone(void)
{
	struct slo_policy	p;

	slo_policy_default(&p);
	CHECK_INT(vocab_burn_tone(20, SLO_5M, &p), TONE_CRIT);
	CHECK_INT(vocab_burn_tone(7, SLO_30M, &p), TONE_CRIT);
	CHECK_INT(vocab_burn_tone(7, SLO_1H, &p), TONE_WARN);
	CHECK_INT(vocab_burn_tone(3.5, SLO_1D, &p), TONE_WARN);
	CHECK_INT(vocab_burn_tone(2.5, SLO_2H, &p), TONE_OK);
	CHECK_INT(vocab_burn_tone(0.3, SLO_3D, &p), TONE_OK);
	CHECK_INT(vocab_burn_tone(NAN, SLO_3D, &p), TONE_NORMAL);
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

/* The glyphs of levels, ASCII first so the strings read. */
static char *
levels_ascii(const double *v, const int64_t *ts, size_t n, int64_t from,
    int64_t to, double top, size_t cols)
{
	struct buf	b;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	vocab_spark_burn(v, ts, n, from, to, top, cols, 0, &b);
	return buf_detach(&b);
}

/*
 * Burn sparklines cover their time, worst per column, and put 1x on a
 * line between levels: a flat 0.3x and a 64x spike never look alike.
 */
static void
test_spark_burn(void)
{
	static const double	flat[4] = { 0.3, 0.3, 0.3, 0.3 };
	static const double	spike[4] = { 0.3, 64, 0.3, 0.3 };
	static const double	two[2] = { 1.5, 0.5 };
	static const int64_t	ts4[4] = { 1000, 2000, 3000, 4000 };
	static const int64_t	late[2] = { 3500, 4000 };
	double			day[96];
	int64_t			dts[96];
	char			*s, sc[64];
	size_t			 i;

	/* Levels: 0-2 up to 1x, 3-7 above, 1x exactly on the line. */
	CHECK_INT(vocab_spark_level(NAN, 10), -1);
	CHECK_INT(vocab_spark_level(0, 10), 0);
	CHECK_INT(vocab_spark_level(1, 10), VOCAB_SPARK_ONE);
	CHECK_INT(vocab_spark_level(1.01, 64), VOCAB_SPARK_ONE + 1);
	CHECK_INT(vocab_spark_level(64, 64), 7);
	CHECK_INT(vocab_spark_level(0.3, 1), 1);
	CHECK(vocab_spark_top(flat, 4) == 1);
	CHECK(vocab_spark_top(spike, 4) == 64);

	s = levels_ascii(flat, ts4, 4, 0, 4000, vocab_spark_top(flat, 4), 4);
	CHECK_STR(s, "....");
	free(s);
	s = levels_ascii(spike, ts4, 4, 0, 4000, vocab_spark_top(spike, 4),
	    4);
	CHECK_STR(s, ".#..");
	free(s);
	/* Points only late in the span: blanks before, not stretched. */
	s = levels_ascii(two, late, 2, 0, 4000, 1.5, 4);
	CHECK_STR(s, "   #");
	free(s);
	s = levels_ascii(two, late, 2, 0, 4000, 1.5, 8);
	CHECK_STR(s, "      #.");
	free(s);
	/* Outside the span: not drawn. */
	s = levels_ascii(two, late, 2, 0, 3000, 1.5, 3);
	CHECK_STR(s, "   ");
	free(s);

	/* A day of 15-minute points in 24 columns: the worst of each hour. */
	for (i = 0; i < 96; i++) {
		dts[i] = 86400000 - (int64_t)(95 - i) * 900000;
		day[i] = i == 50 ? 20 : 0.5;
	}
	s = levels_ascii(day, dts, 96, 0, 86400000, 20, 24);
	CHECK_STR(s, "............#...........");
	free(s);
	/* 96 columns: one point each, the spike in its own. */
	s = levels_ascii(day, dts, 96, 0, 86400000, 20, 96);
	CHECK_INT(strlen(s), 96);
	CHECK(s[50] == '#' && s[0] == '.' && s[95] == '.');
	free(s);

	CHECK_STR(vocab_spark_scale(16.2, 0, sc, sizeof sc), "- 1x, # 16.2x");
	CHECK_STR(vocab_spark_scale(0.4, 1, sc, sizeof sc),
	    "\xe2\x96\x83 1x, \xe2\x96\x88 1.0x");
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
	TEST(test_burn_tone),
	TEST(test_source_word),
	TEST(test_spark_burn),
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
