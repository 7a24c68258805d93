/*
 * test_scrub.c: unit tests for the scrubber that takes a request's secrets
 * out of what a server sent back (base/scrub.c): every form (verbatim,
 * base64 in both alphabets, the Basic header's base64 of user:password,
 * percent-encoded, JSON-escaped), secrets at the edges of the text,
 * overlapping and adjacent occurrences merged into one mark, binary text,
 * and the minimum length (empty and too-short secrets ignored).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/scrub.h"
#include "base/xmalloc.h"

/* Scrub s with sc; caller frees. */
static char *
scrubbed(const struct scrub *sc, const char *s)
{
	return scrub_text(sc, s, strlen(s), NULL);
}

/* CHECK_STR on a scrubbed string, freeing it. */
#define CHECK_SCRUB(sc, in, want) do {					\
	char *_s = scrubbed((sc), (in));				\
	CHECK_STR(_s, (want));						\
	free(_s);							\
} while (0)

/* The secret verbatim, anywhere: start, middle, end, all of it. */
static void
test_verbatim_edges(void)
{
	struct scrub	*sc = scrub_new();

	scrub_add(sc, "tok-SECRET-1");
	CHECK_SCRUB(sc, "tok-SECRET-1", "<redacted>");
	CHECK_SCRUB(sc, "tok-SECRET-1 at start", "<redacted> at start");
	CHECK_SCRUB(sc, "at end tok-SECRET-1", "at end <redacted>");
	CHECK_SCRUB(sc, "a tok-SECRET-1 b tok-SECRET-1 c",
	    "a <redacted> b <redacted> c");
	CHECK_SCRUB(sc, "tok-SECRET-", "tok-SECRET-");	/* cut: not it */
	CHECK_SCRUB(sc, "", "");
	CHECK_SCRUB(sc, "nothing here", "nothing here");
	CHECK(scrub_found(sc, "x tok-SECRET-1", 14));
	CHECK(!scrub_found(sc, "x tok-SECRET-1", 13));
	scrub_free(sc);
}

/* base64, padded or not, standard or URL alphabet. */
static void
test_base64(void)
{
	struct scrub	*sc = scrub_new();

	/* "pw>?secret" is cHc+P3NlY3JldA== (has + and /? in the std). */
	scrub_add(sc, "pw>?secret");
	CHECK_SCRUB(sc, "x cHc+P3NlY3JldA== y", "x <redacted>== y");
	CHECK_SCRUB(sc, "x cHc-P3NlY3JldA y", "x <redacted> y");
	scrub_free(sc);

	/* Go's encoding of "a>?" uses '/': YT4/ and URL YT4_. */
	sc = scrub_new();
	scrub_add(sc, "a>?b>?c>?");
	CHECK_SCRUB(sc, "YT4/Yj4/Yz4/", "<redacted>");
	CHECK_SCRUB(sc, "YT4_Yj4_Yz4_", "<redacted>");
	scrub_free(sc);
}

/* The Basic header's value, which the password's own base64 misses. */
static void
test_basic(void)
{
	struct scrub	*sc = scrub_new();
	char		*s;

	scrub_add_basic(sc, "alice", "pw-SECRET");
	/* base64("alice:pw-SECRET") = YWxpY2U6cHctU0VDUkVU */
	CHECK_SCRUB(sc, "Authorization: Basic YWxpY2U6cHctU0VDUkVU",
	    "Authorization: Basic <redacted>");
	CHECK_SCRUB(sc, "{\"authorization\": \"Basic YWxpY2U6cHctU0VDUkVU\"}",
	    "{\"authorization\": \"Basic <redacted>\"}");
	CHECK_SCRUB(sc, "user alice, password pw-SECRET",
	    "user alice, password <redacted>");
	/* The user name alone is not a secret. */
	CHECK_SCRUB(sc, "hello alice", "hello alice");
	scrub_free(sc);

	/* A short password: its pair is long enough to be searched. */
	sc = scrub_new();
	scrub_add_basic(sc, "user", "pw");
	s = scrubbed(sc, "Basic dXNlcjpwdw==");
	CHECK_STR(s, "Basic <redacted>==");
	free(s);
	scrub_free(sc);
}

/* Percent-encoding in either case and with '+' for a space; JSON. */
static void
test_percent_json(void)
{
	struct scrub	*sc = scrub_new();

	scrub_add(sc, "p@ss w/rd\"x");
	CHECK_SCRUB(sc, "http://u:p%40ss%20w%2Frd%22x@h/",
	    "http://u:<redacted>@h/");
	CHECK_SCRUB(sc, "q=p%40ss+w%2frd%22x&", "q=<redacted>&");
	CHECK_SCRUB(sc, "{\"h\": \"p@ss w/rd\\\"x\"}",
	    "{\"h\": \"<redacted>\"}");
	CHECK_SCRUB(sc, "raw p@ss w/rd\"x.", "raw <redacted>.");
	scrub_free(sc);
}

/* Overlapping and adjacent occurrences become one mark. */
static void
test_overlap(void)
{
	struct scrub	*sc = scrub_new();

	scrub_add(sc, "abcdef");
	scrub_add(sc, "defghi");
	CHECK_SCRUB(sc, "xxabcdefghiyy", "xx<redacted>yy");
	CHECK_SCRUB(sc, "xxdefghiabcdefyy", "xx<redacted>yy");
	CHECK_SCRUB(sc, "abcdefabcdef", "<redacted>");
	CHECK_SCRUB(sc, "abcde fghi", "abcde fghi");
	scrub_free(sc);

	/* A secret that overlaps itself. */
	sc = scrub_new();
	scrub_add(sc, "aaaa");
	CHECK_SCRUB(sc, "baaaaaab", "b<redacted>b");
	CHECK_SCRUB(sc, "baaab", "baaab");
	scrub_free(sc);

	/* One secret inside another. */
	sc = scrub_new();
	scrub_add(sc, "inner");
	scrub_add(sc, "the-inner-one");
	CHECK_SCRUB(sc, "[the-inner-one]", "[<redacted>]");
	CHECK_SCRUB(sc, "[inner-one]", "[<redacted>-one]");
	scrub_free(sc);
}

/* Empty and short secrets are not searched; 4 bytes are. */
static void
test_minimum(void)
{
	struct scrub	*sc = scrub_new();
	char		*s;

	scrub_add(sc, NULL);
	scrub_add(sc, "");
	CHECK_INT(scrub_forms(sc), 0);
	CHECK_SCRUB(sc, "anything at all", "anything at all");
	scrub_add(sc, "abc");
	/* Its base64 (YWJj) is 4 bytes, so that form is searched. */
	CHECK_SCRUB(sc, "abc abcd YWJj", "abc abcd <redacted>");
	CHECK(scrub_has_verbatim(sc, "xabcx"));
	CHECK(!scrub_has_verbatim(sc, "xabx"));
	scrub_add(sc, "wxyz");
	CHECK_SCRUB(sc, "wxy wxyz", "wxy <redacted>");
	scrub_free(sc);

	/* No scrub at all is a copy. */
	s = scrub_text(NULL, "plain", 5, NULL);
	CHECK_STR(s, "plain");
	free(s);
	scrub_free(NULL);
}

/* Text with NUL bytes: the length counts, not the terminator. */
static void
test_binary(void)
{
	static const char	 in[] = "a\0tok-SECRET-9\0b";
	struct scrub		*sc = scrub_new();
	char			*s;
	size_t			 len = 0;

	scrub_add(sc, "tok-SECRET-9");
	s = scrub_text(sc, in, sizeof in - 1, &len);
	CHECK_INT(len, 2 + strlen("<redacted>") + 2);
	CHECK(len == 14 && memcmp(s, "a\0<redacted>\0b", 14) == 0);
	CHECK_INT(s[len], '\0');
	free(s);

	/* Adding the same secret twice adds no form. */
	len = scrub_forms(sc);
	scrub_add(sc, "tok-SECRET-9");
	CHECK_INT(scrub_forms(sc), len);

	s = scrub_str(sc, xstrdup("is tok-SECRET-9?"));
	CHECK_STR(s, "is <redacted>?");
	free(s);
	CHECK(scrub_str(sc, NULL) == NULL);
	scrub_free(sc);
}

static const struct test tests[] = {
	TEST(test_verbatim_edges),
	TEST(test_base64),
	TEST(test_basic),
	TEST(test_percent_json),
	TEST(test_overlap),
	TEST(test_minimum),
	TEST(test_binary),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
