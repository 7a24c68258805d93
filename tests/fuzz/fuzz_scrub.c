/*
 * fuzz_scrub.c: the secret scrubber and the Retry-After parser on any
 * bytes.
 *
 * The input is up to FUZZ_SCRUB_SECRETS secrets and a text, each part
 * ended by a NUL (the last part is the text); a secret with a ':' is
 * basic-auth credentials (user before the first ':', the password after),
 * the others plain secrets.  Properties of base/scrub.c:
 *
 *   - a text in which scrub_found() sees no form comes back unchanged;
 *   - no form of any secret is left in the output, outside the marks:
 *     scrub_found() of the output, with every SCRUB_MARK turned into a byte
 *     no secret holds (0x01, taken out of the secrets), is false.  The
 *     marks are taken out because a form may be made of a mark's letters
 *     and the text next to it ("cted" after "<redacted>"): that is no
 *     secret that was sent back, only the mark itself;
 *   - the output is NUL-terminated at its length and at most a mark's
 *     length longer per SCRUB_MIN_LEN bytes of text;
 *   - scrub_str() of the text up to its first NUL is scrub_text() of it.
 *
 * scrub_found() is checked too, against a plain search for the forms
 * worked out here again (verbatim, base64, the basic-auth pair).
 *
 * And of http_retry_after_ms() in backends/http.c, on the text and on
 * each part: the result is within 0..HTTP_RETRY_AFTER_CAP_MS, and a short
 * run of digits (blanks around it) is that many seconds, capped.
 */
#include "config.h"

#include <stdint.h>

#include "backends/http.h"
#include "base/scrub.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_SCRUB_SECRETS	4
#define FUZZ_SCRUB_NOMARK	'\001'

/* A part of the input as a string, without FUZZ_SCRUB_NOMARK; caller frees. */
static char *
part_secret(const uint8_t *p, size_t len)
{
	char	*s = fuzz_copy(p, len);
	size_t	 i, j = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != FUZZ_SCRUB_NOMARK)
			s[j++] = s[i];
	}
	s[j] = '\0';
	return s;
}

/*
 * Forms worked out here again, independently of base/scrub.c, so that a
 * fault in its search is not checked by itself: each secret verbatim and
 * in standard base64 without padding, and the "user:password" pair.
 */
struct known {
	char	*s[FUZZ_SCRUB_SECRETS * 3];
	size_t	 n;
};

/* Keep s (taken) as a known form if it is long enough to be searched. */
static void
known_take(struct known *kn, char *s)
{
	if (strlen(s) >= SCRUB_MIN_LEN)
		kn->s[kn->n++] = s;
	else
		free(s);
}

/* Base64 of s, standard alphabet, no padding; caller frees. */
static char *
known_base64(const char *s)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 len = strlen(s), i, o = 0;
	unsigned long		 v;
	char			*out = malloc(len / 3 * 4 + 5);

	if (out == NULL)
		abort();
	for (i = 0; i < len; i += 3) {
		v = (unsigned long)u[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)u[i + 1] << 8;
		if (i + 2 < len)
			v |= u[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = abc[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = abc[v & 63];
	}
	out[o] = '\0';
	return out;
}

/* Whether needle occurs in hay[0, len), by a plain search. */
static int
known_in(const char *hay, size_t len, const char *needle)
{
	size_t	nlen = strlen(needle), i;

	for (i = 0; i + nlen <= len; i++) {
		if (memcmp(hay + i, needle, nlen) == 0)
			return 1;
	}
	return 0;
}

/* Add the secret s to sc (and its forms to kn): basic auth with a ':'. */
static void
add_secret(struct scrub *sc, struct known *kn, char *s)
{
	char	*colon = strchr(s, ':');

	if (colon != NULL) {
		known_take(kn, known_base64(s));
		*colon = '\0';
		scrub_add_basic(sc, s, colon + 1);
		s = colon + 1;
	} else
		scrub_add(sc, s);
	if (*s == '\0')
		return;
	known_take(kn, fuzz_copy((const uint8_t *)s, strlen(s)));
	known_take(kn, known_base64(s));
}

/* out[0, len) with every SCRUB_MARK as FUZZ_SCRUB_NOMARK; caller frees. */
static char *
without_marks(const char *out, size_t len, size_t *newlen)
{
	size_t	 mlen = strlen(SCRUB_MARK), i = 0, j = 0;
	char	*s = fuzz_copy((const uint8_t *)out, len);

	while (i < len) {
		if (len - i >= mlen && memcmp(out + i, SCRUB_MARK, mlen) == 0) {
			s[j++] = FUZZ_SCRUB_NOMARK;
			i += mlen;
		} else
			s[j++] = out[i++];
	}
	s[j] = '\0';
	*newlen = j;
	return s;
}

/* Whether out[0, len) holds a SCRUB_MARK. */
static int
has_mark(const char *out, size_t len)
{
	size_t	mlen = strlen(SCRUB_MARK), i;

	for (i = 0; i + mlen <= len; i++) {
		if (memcmp(out + i, SCRUB_MARK, mlen) == 0)
			return 1;
	}
	return 0;
}

/* http_retry_after_ms() of s: in bounds, and digits read as seconds. */
static void
check_retry_after(const char *s, int64_t now)
{
	int64_t		 ms = http_retry_after_ms(s, now), secs = 0;
	const char	*p = s, *end;
	size_t		 n;

	FUZZ_CHECK(ms >= 0 && ms <= HTTP_RETRY_AFTER_CAP_MS,
	    "Retry-After within 0 and the cap");
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	n = (size_t)(end - p);
	if (n == 0 || n > 12 || strspn(p, "0123456789") < n)
		return;
	for (; p < end; p++)
		secs = secs * 10 + (*p - '0');
	FUZZ_CHECK(ms == (secs * 1000 > HTTP_RETRY_AFTER_CAP_MS ?
	    HTTP_RETRY_AFTER_CAP_MS : secs * 1000),
	    "Retry-After delay-seconds read as seconds, capped");
}

/* One input: secrets and a text, scrubbed and checked. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scrub	*sc = scrub_new();
	struct known	 kn = { .n = 0 };
	const uint8_t	*p = data, *nul;
	size_t		 left = size, tlen, olen, clen, k;
	char		*secret, *text, *out, *clean, *z, *zs, *zt;
	int64_t		 now = 0;

	for (k = 0; k < 4 && k < size; k++)
		now = now * 256 + data[k];	/* a wall clock, 0..2^32 */
	for (k = 0; k < FUZZ_SCRUB_SECRETS; k++) {
		if ((nul = memchr(p, '\0', left)) == NULL)
			break;
		secret = part_secret(p, (size_t)(nul - p));
		check_retry_after(secret, now);
		add_secret(sc, &kn, secret);
		free(secret);
		left -= (size_t)(nul - p) + 1;
		p = nul + 1;
	}
	text = (char *)p;
	tlen = left;

	out = scrub_text(sc, text, tlen, &olen);
	FUZZ_CHECK(out[olen] == '\0', "output NUL-terminated at its length");
	FUZZ_CHECK(olen <= tlen + (tlen / SCRUB_MIN_LEN + 1) *
	    strlen(SCRUB_MARK), "output at most a mark per secret's length");
	if (!scrub_found(sc, text, tlen))
		FUZZ_CHECK(olen == tlen && memcmp(out, text, tlen) == 0,
		    "text without a secret passes unchanged");
	else
		FUZZ_CHECK(has_mark(out, olen), "a text with a secret gets a mark");
	clean = without_marks(out, olen, &clen);
	FUZZ_CHECK(!scrub_found(sc, clean, clen),
	    "no form of a secret left outside the marks");
	for (k = 0; k < kn.n; k++) {
		FUZZ_CHECK(!known_in(clean, clen, kn.s[k]),
		    "no verbatim or base64 secret left outside the marks");
		if (known_in(text, tlen, kn.s[k]))
			FUZZ_CHECK(scrub_found(sc, text, tlen),
			    "scrub_found sees a verbatim or base64 secret");
		free(kn.s[k]);
	}
	free(clean);

	z = fuzz_copy(p, tlen);		/* the text up to its first NUL */
	zt = scrub_text(sc, z, strlen(z), NULL);
	zs = scrub_str(sc, z);
	FUZZ_CHECK(strcmp(zs, zt) == 0, "scrub_str is scrub_text of a string");
	free(zs);
	free(zt);

	z = fuzz_copy(data, size);
	check_retry_after(z, now);
	free(z);
	z = fuzz_copy(p, tlen);
	check_retry_after(z, now);
	free(z);

	free(out);
	scrub_free(sc);
	return 0;
}
