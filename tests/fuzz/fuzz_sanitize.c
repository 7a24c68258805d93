/*
 * fuzz_sanitize.c: the terminal sanitiser and the column measure on any
 * bytes.
 *
 * Every public function of base/sanitize.c and base/width.c, with the
 * properties the rest of sitrep relies on: sanitize_utf8() gives valid
 * UTF-8 without NUL, keeps valid text as it is and changes nothing the
 * second time; sanitize_terminal_n() leaves no control, escape or format
 * character under every flag (nothing past ASCII with SANITIZE_ASCII, no
 * line break without SANITIZE_MULTILINE) and is idempotent; the decoder
 * takes exactly the shortest forms; a cut keeps a valid prefix; a width
 * prefix or fit never takes more columns than asked for.
 */
#include "config.h"

#include <locale.h>

#include "base/sanitize.h"
#include "base/width.h"
#include "tests/fuzz/fuzz.h"

int	LLVMFuzzerInitialize(int *, char ***);

/* Measure as the console does, in a UTF-8 locale when there is one. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		(void)setlocale(LC_CTYPE, "");
	return 0;
}

/* The decoder against the independent one, at every offset. */
static void
check_decode(const uint8_t *data, size_t size)
{
	unsigned int	cp = 0;
	unsigned long	want = 0;
	size_t		i, n, m;
	int		r;

	for (i = 0; i < size; i++) {
		r = sanitize_utf8_decode(data + i, size - i, &cp);
		FUZZ_CHECK(r >= 0 && r <= 4 && (size_t)r <= size - i,
		    "decode length in bounds");
		n = (size_t)r;
		m = fuzz_utf8_next(data + i, size - i, &want);
		FUZZ_CHECK(n == m, "decode agrees on validity and length");
		if (n > 0)
			FUZZ_CHECK(cp == want, "decode agrees on the code point");
	}
}

/* Cuts of valid text u at several lengths. */
static void
check_cut(const char *u)
{
	size_t	len = strlen(u), maxes[5], k;
	char	*c;

	maxes[0] = 0;
	maxes[1] = len / 2;
	maxes[2] = len / 3;
	maxes[3] = len > 0 ? len - 1 : 0;
	maxes[4] = len;
	for (k = 0; k < 5; k++) {
		c = fuzz_copy((const uint8_t *)u, len);
		sanitize_utf8_cut(c, maxes[k]);
		FUZZ_CHECK(strlen(c) <= maxes[k], "cut within max");
		FUZZ_CHECK(strncmp(c, u, strlen(c)) == 0, "cut is a prefix");
		FUZZ_CHECK(fuzz_str_valid(c), "cut is valid UTF-8");
		FUZZ_CHECK(len <= maxes[k] ? strlen(c) == len :
		    strlen(c) + 3 >= maxes[k], "cut loses at most one character");
		free(c);
	}
}

/* Column prefixes and fits of s (any bytes, NUL-terminated). */
static void
check_width(const char *s, int valid)
{
	size_t	w = width_of(s), cols[6], k, n, used;
	char	*p, *f;

	cols[0] = 0;
	cols[1] = 1;
	cols[2] = 2;
	cols[3] = w / 2;
	cols[4] = w > 0 ? w - 1 : 0;
	cols[5] = w;
	for (k = 0; k < 6; k++) {
		used = (size_t)-1;
		n = width_prefix(s, cols[k], &used);
		FUZZ_CHECK(n <= strlen(s), "prefix within the text");
		FUZZ_CHECK(used <= cols[k], "prefix within the columns");
		p = fuzz_copy((const uint8_t *)s, n);
		FUZZ_CHECK(width_of(p) == used, "prefix measures as told");
		if (valid)
			FUZZ_CHECK(fuzz_str_valid(p),
			    "prefix of valid text ends on a boundary");
		free(p);
		f = width_fit(s, cols[k], "\xe2\x80\xa6");
		FUZZ_CHECK(width_of(f) <= cols[k], "fit within the columns");
		if (w <= cols[k])
			FUZZ_CHECK(strcmp(f, s) == 0, "what fits stays whole");
		if (valid)
			FUZZ_CHECK(fuzz_str_valid(f), "fit of valid text valid");
		free(f);
	}
	FUZZ_CHECK(width_prefix(s, w, NULL) == strlen(s),
	    "the whole width takes the whole text");
}

/* One input: every function, every flag. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int flagsets[4] = { 0, SANITIZE_MULTILINE,
	    SANITIZE_ASCII, SANITIZE_MULTILINE | SANITIZE_ASCII };
	const char	*in = (const char *)data;
	char		*u, *again, *t, *t2, *z;
	size_t		 i, k, ulen;
	int		 valid;

	check_decode(data, size);

	u = sanitize_utf8(in, size);
	ulen = strlen(u);
	FUZZ_CHECK(fuzz_utf8_valid(u, ulen), "sanitize_utf8 gives valid UTF-8");
	FUZZ_CHECK(ulen <= 3 * size, "sanitize_utf8 grows at most 3 times");
	valid = memchr(data, '\0', size) == NULL && fuzz_utf8_valid(in, size);
	if (valid)
		FUZZ_CHECK(ulen == size && memcmp(u, in, size) == 0,
		    "valid text passes unchanged");
	again = sanitize_utf8(u, ulen);
	FUZZ_CHECK(strcmp(again, u) == 0, "sanitize_utf8 is idempotent");
	free(again);
	check_cut(u);

	z = fuzz_copy(data, size);	/* as a C string: up to a NUL */
	for (k = 0; k < 4; k++) {
		int	fl = flagsets[k];

		t = sanitize_terminal_n(in, size, fl);
		FUZZ_CHECK(fuzz_terminal_safe(t, fl & SANITIZE_MULTILINE),
		    "sanitize_terminal_n leaves nothing unsafe");
		if (fl & SANITIZE_ASCII) {
			for (i = 0; t[i] != '\0'; i++)
				FUZZ_CHECK((unsigned char)t[i] < 0x80,
				    "ASCII flag gives ASCII");
		}
		FUZZ_CHECK(sanitize_is_clean(t, fl), "terminal is idempotent");
		t2 = sanitize_terminal(z, fl);
		FUZZ_CHECK(strcmp(t, t2) == 0,
		    "sanitize_terminal stops where sanitize_terminal_n does");
		FUZZ_CHECK(sanitize_is_clean(z, fl) == (strcmp(z, t2) == 0),
		    "sanitize_is_clean says whether it changes");
		free(t2);
		free(t);
	}
	t = sanitize_terminal(NULL, 0);
	FUZZ_CHECK(strcmp(t, "") == 0, "NULL is empty");
	free(t);

	check_width(z, 0);
	check_width(u, 1);
	free(z);
	free(u);
	return 0;
}
