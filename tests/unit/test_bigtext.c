/*
 * test_bigtext.c: the wallboard's big type, in both forms: heights and
 * widths, the status words and digits drawn as expected, unknown and
 * hostile input, text too wide, equal row widths and a pure ASCII form.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/width.h"
#define HARNESS_MAIN
#include "tests/unit/harness.h"
#include "tui/bigtext.h"

#define MAXROWS	8
#define ROWLEN	BIGTEXT_ROWLEN(400)

/* Rows for one rendering, on the heap so valgrind sees any overrun. */
struct rows {
	char	*row[MAXROWS];
};

/* Fresh rows of len bytes each. */
static void
rows_init(struct rows *r, size_t len)
{
	int	i;

	for (i = 0; i < MAXROWS; i++) {
		r->row[i] = malloc(len);
		memset(r->row[i], 'x', len);
	}
}

/* Frees the rows. */
static void
rows_done(struct rows *r)
{
	int	i;

	for (i = 0; i < MAXROWS; i++)
		free(r->row[i]);
}

/* Renders text and checks it against the expected rows (NULL-ended). */
static void
check_render(const char *text, int utf8, const char *const *want)
{
	struct rows	r;
	int		i, h = bigtext_height(utf8), w;

	rows_init(&r, ROWLEN);
	w = bigtext_render(text, utf8, 400, r.row, MAXROWS, ROWLEN);
	CHECK_INT(w, bigtext_width(text));
	for (i = 0; i < h; i++) {
		CHECK(want[i] != NULL);
		if (want[i] != NULL)
			CHECK_STR(r.row[i], want[i]);
	}
	CHECK(want[h] == NULL);
	rows_done(&r);
}

/* Is s made of '#' and ' ' only (so pure ASCII)? */
static int
only_hash_and_space(const char *s)
{
	return s[strspn(s, "# ")] == '\0';
}

/* The pixel a UTF-8 cell shows at top (half 0) or bottom (1); -1: bad. */
static int
cell_pixel(const char *cell, size_t len, int half)
{
	if (len == 1 && cell[0] == ' ')
		return 0;
	if (len == 3 && memcmp(cell, "\xe2\x96\x88", 3) == 0)
		return 1;
	if (len == 3 && memcmp(cell, "\xe2\x96\x80", 3) == 0)
		return half == 0;
	if (len == 3 && memcmp(cell, "\xe2\x96\x84", 3) == 0)
		return half == 1;
	return -1;
}

/*
 * Checks the UTF-8 form of text is its ASCII form packed two pixel rows
 * to a cell, and that every row of both has the same display width.
 */
static void
check_forms_agree(const char *text)
{
	struct rows	a, u;
	int		wa, wu, r, half;
	size_t		col, pos;

	rows_init(&a, ROWLEN);
	rows_init(&u, ROWLEN);
	wa = bigtext_render(text, 0, 400, a.row, MAXROWS, ROWLEN);
	wu = bigtext_render(text, 1, 400, u.row, MAXROWS, ROWLEN);
	CHECK(wa > 0);
	CHECK_INT(wu, wa);
	CHECK_INT(bigtext_width(text), wa);
	for (r = 0; wa > 0 && r < bigtext_height(0); r++) {
		CHECK_INT(width_of(a.row[r]), wa);
		CHECK_INT(strlen(a.row[r]), wa);
		CHECK(only_hash_and_space(a.row[r]));
	}
	for (r = 0; wu > 0 && r < bigtext_height(1); r++) {
		CHECK_INT(width_of(u.row[r]), wu);
		pos = 0;
		for (col = 0; col < (size_t)wu; col++) {
			size_t	len = u.row[r][pos] == ' ' ? 1 : 3;

			for (half = 0; half < 2; half++) {
				int	prow = 2 * r + half, want;

				want = prow < bigtext_height(0) ?
				    a.row[prow][col] == '#' : 0;
				if (cell_pixel(u.row[r] + pos, len, half) !=
				    want) {
					printf("# %s row %d col %zu\n", text,
					    r, col);
					harness_failed = 1;
				}
			}
			pos += len;
		}
		CHECK_INT(u.row[r][pos], '\0');
	}
	rows_done(&a);
	rows_done(&u);
}

#define UP	"\xe2\x96\x80"	/* U+2580 */
#define LO	"\xe2\x96\x84"	/* U+2584 */
#define FULL	"\xe2\x96\x88"	/* U+2588 */

/* Heights of the two forms. */
static void
test_heights(void)
{
	CHECK_INT(bigtext_height(1), 3);
	CHECK_INT(bigtext_height(0), 5);
}

/* Widths: glyph columns plus one blank between glyphs. */
static void
test_widths(void)
{
	CHECK_INT(bigtext_width(""), 0);
	CHECK_INT(bigtext_width("K"), 3);
	CHECK_INT(bigtext_width("OK"), 4 + 1 + 3);
	CHECK_INT(bigtext_width("ok"), bigtext_width("OK"));
	CHECK_INT(bigtext_width("WARNING"), 5 + 3 + 3 + 4 + 3 + 4 + 4 + 6);
	CHECK_INT(bigtext_width("12:30"), 3 + 3 + 1 + 3 + 3 + 4);
	CHECK_INT(bigtext_width(NULL), -1);
}

/* OK, both forms, row by row. */
static void
test_ok(void)
{
	static const char *const ascii[] = {
		" ##  # #",
		"#  # # #",
		"#  # ## ",
		"#  # # #",
		" ##  # #",
		NULL
	};
	static const char *const utf8[] = {
		LO UP UP LO " " FULL " " FULL,
		FULL "  " FULL " " FULL UP LO,
		" " UP UP "  " UP " " UP,
		NULL
	};

	check_render("OK", 0, ascii);
	check_render("OK", 1, utf8);
	check_render("ok", 1, utf8);
}

/* The other status words, in the ASCII form (the UTF-8 form agrees). */
static void
test_status_words(void)
{
	static const char *const warning[] = {
		"#   #  #  ##  #  # ### #  #  ###",
		"#   # # # # # ## #  #  ## # #   ",
		"# # # ### ##  # ##  #  # ## # ##",
		"## ## # # # # #  #  #  #  # #  #",
		"#   # # # # # #  # ### #  #  ###",
		NULL
	};
	static const char *const critical[] = {
		" ## ##  ### ### ###  ##  #  #  ",
		"#   # #  #   #   #  #   # # #  ",
		"#   ##   #   #   #  #   ### #  ",
		"#   # #  #   #   #  #   # # #  ",
		" ## # # ###  #  ###  ## # # ###",
		NULL
	};
	static const char *const unknown[] = {
		"#  # #  # # # #  #  ##  #   # #  #",
		"#  # ## # # # ## # #  # #   # ## #",
		"#  # # ## ##  # ## #  # # # # # ##",
		"#  # #  # # # #  # #  # ## ## #  #",
		" ##  #  # # # #  #  ##  #   # #  #",
		NULL
	};
	static const char *const stale[] = {
		" ## ###  #  #   ###",
		"#    #  # # #   #  ",
		" #   #  ### #   ## ",
		"  #  #  # # #   #  ",
		"##   #  # # ### ###",
		NULL
	};
	static const char *const digits[] = {
		"###  #  ##  ##  # # ###  ## ### ### ###",
		"# # ##    #   # # # #   #     # # # # #",
		"# #  #   #   #  ### ##  ###  #  ### ###",
		"# #  #  #     #   #   # # #  #  # #   #",
		"### ### ### ##    # ##  ###  #  ### ## ",
		NULL
	};

	check_render("WARNING", 0, warning);
	check_render("CRITICAL", 0, critical);
	check_render("UNKNOWN", 0, unknown);
	check_render("STALE", 0, stale);
	check_render("0123456789", 0, digits);
	check_forms_agree("WARNING");
	check_forms_agree("CRITICAL");
	check_forms_agree("UNKNOWN");
	check_forms_agree("STALE");
	check_forms_agree("OK");
}

/* Every glyph of the font: forms agree, rows even, ASCII pure. */
static void
test_every_glyph(void)
{
	check_forms_agree("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	check_forms_agree("0123456789");
	check_forms_agree("A -:./!? B");
	check_forms_agree("abcdefghijklmnopqrstuvwxyz");
	check_forms_agree("?");
}

/* Characters the font lacks, hostile ones included, draw as '?'. */
static void
test_unknown(void)
{
	static const char *const q[] = {
		"##  ##  ##  ##  ##  ##  ## ",
		"  #   #   #   #   #   #   #",
		" #   #   #   #   #   #   # ",
		"                           ",
		" #   #   #   #   #   #   # ",
		NULL
	};

	/* ESC, a tab, 'e' with acute (2 bytes), a lone 0xff, a CJK
	 * character (3 bytes), '%', '?': seven glyphs, each '?'. */
	check_render("\x1b\t\xc3\xa9\xff\xe4\xb8\xad%?", 0, q);
	CHECK_INT(bigtext_width("\xe4\xb8\xad"), bigtext_width("?"));
	check_forms_agree("\x1b[31mX\xc3\xa9");
}

/* Too wide, too long, too few rows or too short a buffer: -1, rows empty. */
static void
test_refusals(void)
{
	struct rows	r;
	char		longtext[BIGTEXT_MAX_CHARS + 2];
	int		w = bigtext_width("CRITICAL");

	rows_init(&r, ROWLEN);
	CHECK_INT(bigtext_render("CRITICAL", 1, w, r.row, MAXROWS, ROWLEN), w);
	CHECK_INT(bigtext_render("CRITICAL", 1, w - 1, r.row, MAXROWS, ROWLEN),
	    -1);
	CHECK_STR(r.row[0], "");
	CHECK_STR(r.row[2], "");
	CHECK_INT(bigtext_render("CRITICAL", 0, 0, r.row, MAXROWS, ROWLEN), -1);
	CHECK_INT(bigtext_render("", 0, 0, r.row, MAXROWS, ROWLEN), 0);
	CHECK_STR(r.row[4], "");

	memset(longtext, '1', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	CHECK_INT(bigtext_width(longtext), -1);
	CHECK_INT(bigtext_render(longtext, 0, 10000, r.row, MAXROWS, ROWLEN),
	    -1);
	longtext[BIGTEXT_MAX_CHARS] = '\0';
	CHECK_INT(bigtext_width(longtext), BIGTEXT_MAX_CHARS * 4 - 1);

	CHECK_INT(bigtext_render("OK", 0, 80, r.row, 4, ROWLEN), -1);
	CHECK_INT(bigtext_render("OK", 1, 80, r.row, 3, ROWLEN), 8);
	CHECK_INT(bigtext_render(NULL, 1, 80, r.row, 3, ROWLEN), -1);
	CHECK_STR(r.row[0], "");
	rows_done(&r);

	/* A row buffer just big enough, then one byte short. */
	rows_init(&r, BIGTEXT_ROWLEN(8));
	CHECK_INT(bigtext_render("OK", 1, 80, r.row, 3, strlen(LO UP UP LO
	    " " FULL " " FULL) + 1), 8);
	CHECK_INT(bigtext_render("OK", 1, 80, r.row, 3, strlen(LO UP UP LO
	    " " FULL " " FULL)), -1);
	CHECK_STR(r.row[1], "");
	CHECK_INT(bigtext_render("OK", 0, 80, r.row, 5, 9), 8);
	CHECK_INT(bigtext_render("OK", 0, 80, r.row, 5, 8), -1);
	rows_done(&r);
}

static const struct test tests[] = {
	TEST(test_heights),
	TEST(test_widths),
	TEST(test_ok),
	TEST(test_status_words),
	TEST(test_every_glyph),
	TEST(test_unknown),
	TEST(test_refusals),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
