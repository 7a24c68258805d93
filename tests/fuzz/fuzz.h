/*
 * fuzz.h: what the libFuzzer harnesses of tests/fuzz/ share.
 *
 * A harness feeds one input to a parser and then checks what came out.
 * FUZZ_CHECK() stops the run (abort: libFuzzer keeps the input as a
 * finding) when a property does not hold.  The checks of text are written
 * here again, independently of base/sanitize.c, so that a fault there is
 * not checked by itself: valid UTF-8 (no overlong form, no surrogate,
 * nothing past U+10FFFF, no NUL), and safe for a terminal (besides, no C0
 * or C1 control, no DEL, no bidirectional or zero-width format control).
 * scripts/fuzz builds and runs the harnesses.
 */
#ifndef SITREP_FUZZ_H
#define SITREP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Stop with a message when cond does not hold: a finding. */
#define FUZZ_CHECK(cond, what) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s (%s)\n",	\
		    __FILE__, __LINE__, #cond, what);			\
		abort();						\
	}								\
} while (0)

/* The code point at s[0, len) and its length, or 0 if not valid UTF-8. */
static inline size_t
fuzz_utf8_next(const unsigned char *s, size_t len, unsigned long *cp)
{
	size_t		n, i;
	unsigned long	c, min;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Whether s[0, len) is valid UTF-8 with no NUL. */
static inline int
fuzz_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned long		 cp;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = fuzz_utf8_next(u + i, len - i, &cp)) == 0 || cp == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* Whether a NUL-terminated string is valid UTF-8 (NULL counts as valid). */
static inline int
fuzz_str_valid(const char *s)
{
	return s == NULL || fuzz_utf8_valid(s, strlen(s));
}

/*
 * Whether s is valid UTF-8 that draws as plain characters: no control
 * (C0, DEL, C1; '\n' only if multiline), no format control that reorders
 * or hides text.  NULL counts as safe.
 */
static inline int
fuzz_terminal_safe(const char *s, int multiline)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned long		 cp;
	size_t			 i = 0, n, len;

	if (s == NULL)
		return 1;
	len = strlen(s);
	while (i < len) {
		if ((n = fuzz_utf8_next(u + i, len - i, &cp)) == 0)
			return 0;
		i += n;
		if (cp == '\n' && multiline)
			continue;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return 0;
		if ((cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c ||
		    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb))
			return 0;
	}
	return 1;
}

/* The input as a NUL-terminated copy (NULs inside kept); caller frees. */
static inline char *
fuzz_copy(const uint8_t *data, size_t size)
{
	char	*s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
