/*
 * test_base.c: unit tests for the shared utilities: buffers, durations,
 * suggestions, time parsing, the sanitiser that guards the terminal, and
 * base64 (RFC 4648 vectors, binary round trips, refused input), and the
 * one writer of stdout and stderr (base/out.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/base64.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* Appends grow the buffer and keep it terminated. */
static void
test_buf_append(void)
{
	struct buf	b;
	int		i;

	buf_init(&b, 0);
	CHECK_STR(buf_str(&b), "");
	for (i = 0; i < 1000; i++)
		CHECK_INT(buf_puts(&b, "abc"), 0);
	CHECK_INT(b.len, 3000);
	CHECK_INT(strlen(buf_str(&b)), 3000);
	buf_reset(&b);
	CHECK_INT(buf_printf(&b, "%d-%s", 42, "x"), 0);
	CHECK_STR(buf_str(&b), "42-x");
	buf_done(&b);
}

/* A capped buffer refuses what would pass the cap and keeps what it had. */
static void
test_buf_limit(void)
{
	struct buf	b;

	buf_init(&b, 10);
	CHECK_INT(buf_puts(&b, "0123456789"), 0);
	CHECK_INT(buf_puts(&b, "x"), -1);
	CHECK_INT(b.len, 10);
	CHECK_INT(buf_printf(&b, "%s", "y"), -1);
	CHECK_STR(buf_str(&b), "0123456789");
	buf_done(&b);
}

/*
 * buf_detach hands over the string (cut to its length) and leaves the
 * buffer empty and usable; an untouched buffer gives "".
 */
static void
test_buf_detach(void)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 0);
	s = buf_detach(&b);
	CHECK_STR(s, "");
	free(s);
	CHECK_INT(buf_puts(&b, "short"), 0);
	s = buf_detach(&b);
	CHECK_STR(s, "short");
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	free(s);
	CHECK_INT(buf_append(&b, "", 0), 0);
	s = buf_detach(&b);
	CHECK_STR(s, "");
	free(s);
	CHECK_INT(buf_printf(&b, "%0600d", 7), 0);
	s = buf_detach(&b);
	CHECK_INT(strlen(s), 600);
	CHECK(s[599] == '7');
	free(s);
	CHECK_INT(buf_puts(&b, "again"), 0);
	CHECK_STR(buf_str(&b), "again");
	buf_done(&b);
}

/* Durations in every unit, combined, and the errors. */
static void
test_durations(void)
{
	int64_t	 ms = 0;
	char	*cause = NULL, out[32];

	CHECK_INT(util_parse_duration("500ms", &ms, &cause), 0);
	CHECK_INT(ms, 500);
	CHECK_INT(util_parse_duration("15s", &ms, &cause), 0);
	CHECK_INT(ms, 15000);
	CHECK_INT(util_parse_duration("5m", &ms, &cause), 0);
	CHECK_INT(ms, 300000);
	CHECK_INT(util_parse_duration("1h30m", &ms, &cause), 0);
	CHECK_INT(ms, 5400000);
	CHECK_INT(util_parse_duration("30d", &ms, &cause), 0);
	CHECK_INT(ms, 30LL * 86400 * 1000);
	CHECK_INT(util_parse_duration("15", &ms, &cause), -1);
	CHECK_CONTAINS(cause, "bad duration '15'");
	free(cause);
	cause = NULL;
	CHECK_INT(util_parse_duration("1.5h", &ms, &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(util_parse_duration("", &ms, &cause), -1);
	free(cause);
	cause = NULL;
	CHECK_INT(util_parse_duration("99999999999999999999d", &ms, &cause),
	    -1);
	free(cause);
	CHECK_STR(util_format_duration(350, out, sizeof out), "350ms");
	CHECK_STR(util_format_duration(42000, out, sizeof out), "42s");
	CHECK_STR(util_format_duration(180000, out, sizeof out), "3m");
	CHECK_STR(util_format_duration(7500000, out, sizeof out), "2h5m");
	CHECK_STR(util_format_duration(4 * 86400000LL, out, sizeof out),
	    "4d");
}

/* "Did you mean" finds typos and refuses what is far away. */
static void
test_closest(void)
{
	const char	*keys[] = { "url", "bearer_token", "headers", "tls",
	    "timeout" };

	CHECK_STR(util_closest("ulr", keys, 5), "url");
	CHECK_STR(util_closest("timout", keys, 5), "timeout");
	CHECK_STR(util_closest("bearer-token", keys, 5), "bearer_token");
	CHECK(util_closest("zzzzzzzz", keys, 5) == NULL);
	CHECK_INT(util_edit_distance("abc", "abc"), 0);
	CHECK_INT(util_edit_distance("ab", "ba"), 1);
}

/* RFC 3339 in the forms Kubernetes and Alertmanager send. */
static void
test_rfc3339(void)
{
	int64_t	ms = 0;
	char	out[32];

	CHECK_INT(util_parse_rfc3339("1970-01-01T00:00:00Z", &ms), 0);
	CHECK_INT(ms, 0);
	CHECK_INT(util_parse_rfc3339("2026-11-23T18:21:29Z", &ms), 0);
	CHECK_INT(ms, 1795458089000LL);
	CHECK_INT(util_parse_rfc3339("2026-11-23T18:21:29.123456789Z", &ms),
	    0);
	CHECK_INT(ms, 1795458089123LL);
	CHECK_INT(util_parse_rfc3339("2026-11-23T19:21:29+01:00", &ms), 0);
	CHECK_INT(ms, 1795458089000LL);
	CHECK_INT(util_parse_rfc3339("2026-11-23", &ms), -1);
	CHECK_INT(util_parse_rfc3339("2026-11-23T18:21:29Zjunk", &ms), -1);
	CHECK_STR(util_format_rfc3339(1795458089000LL, out, sizeof out),
	    "2026-11-23T18:21:29Z");
}

/* Whole numbers only. */
static void
test_numbers(void)
{
	int64_t	i = 0;
	double	d = 0;

	CHECK_INT(util_parse_int64("42", &i), 0);
	CHECK_INT(i, 42);
	CHECK_INT(util_parse_int64("42x", &i), -1);
	CHECK_INT(util_parse_int64(" 4", &i), -1);
	CHECK_INT(util_parse_double("0.25", &d), 0);
	CHECK_NEAR(d, 0.25, 1e-12);
	CHECK_INT(util_parse_double("NaN", &d), 0);
	CHECK(d != d);
	CHECK_INT(util_parse_double("+Inf", &d), 0);
	CHECK(d > 1e308);
	CHECK_INT(util_parse_double("", &d), -1);
}

/* Escape sequences become visible caret text, nothing executable. */
static void
test_sanitize_escapes(void)
{
	char	*s;
	size_t	 i;

	s = sanitize_terminal("\x1b[2J\x1b]0;pwned\x07title\r\nnext", 0);
	CHECK_STR(s, "^[[2J^[]0;pwned^Gtitle  next");
	for (i = 0; s[i] != '\0'; i++)
		CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
	free(s);
	s = sanitize_terminal("a\nb\tc\x7f", SANITIZE_MULTILINE);
	CHECK_STR(s, "a\nb c^?");
	free(s);
}

/* C1 controls, bidi overrides and invalid UTF-8 never pass. */
static void
test_sanitize_unicode(void)
{
	char	*s;

	/* U+009B is the 8-bit CSI. */
	s = sanitize_terminal("x\xc2\x9b" "31m", 0);
	CHECK_STR(s, "x\xef\xbf\xbd" "31m");
	free(s);
	/* U+202E right-to-left override. */
	s = sanitize_terminal("abc\xe2\x80\xae" "def", 0);
	CHECK_STR(s, "abc\xef\xbf\xbd" "def");
	free(s);
	/* Invalid, overlong and surrogate sequences. */
	s = sanitize_terminal("\xff\xc0\xaf\xed\xa0\x80ok", 0);
	CHECK(strstr(s, "ok") != NULL);
	CHECK(strchr(s, '\xff') == NULL && strchr(s, '\xc0') == NULL);
	free(s);
	/* Valid text passes; ASCII mode replaces non-ASCII. */
	s = sanitize_terminal("caf\xc3\xa9 \xe2\x9c\x93", 0);
	CHECK_STR(s, "caf\xc3\xa9 \xe2\x9c\x93");
	free(s);
	s = sanitize_terminal("caf\xc3\xa9", SANITIZE_ASCII);
	CHECK_STR(s, "caf?");
	free(s);
	CHECK(sanitize_is_clean("plain text", 0));
	CHECK(!sanitize_is_clean("\x1b[31m", 0));
}

/* Everything written to f so far, as a string; caller frees. */
static char *
out_read_back(FILE *f)
{
	struct buf	b;
	char		chunk[256];
	size_t		n;

	fflush(f);
	rewind(f);
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	return buf_detach(&b);
}

/* The writer formats, then sanitises: no ESC or BEL reaches the stream. */
static void
test_out_printf(void)
{
	FILE	*f = tmpfile();
	char	*s;

	if (f == NULL) {
		SKIP("tmpfile() failed");
		return;
	}
	CHECK(out_printf(f, "sitrep: unknown theme '%s'\n\tnext\n",
	    "\x1b]0;pwned\x07\x1b]52;c;Zm9v\x07") > 0);
	CHECK_INT(out_puts("x\x1b[2J\xc2\x9b" "31m\xe2\x80\xae" "y\r\n",
	    f), 0);
	CHECK_INT(out_write("ab\x07" "cd", 3, f), 0);
	s = out_read_back(f);
	CHECK_STR(s, "sitrep: unknown theme '^[]0;pwned^G^[]52;c;Zm9v^G'\n"
	    "\tnext\nx^[[2J\xef\xbf\xbd" "31m\xef\xbf\xbd" "y \nab^G");
	CHECK(strchr(s, 0x1b) == NULL && strchr(s, 0x07) == NULL);
	free(s);
	fclose(f);
}

/* out_putc keeps a UTF-8 character written byte by byte, nothing else. */
static void
test_out_putc(void)
{
	FILE		*f = tmpfile(), *g = tmpfile();
	const char	*in = "caf\xc3\xa9 \xe2\x9c\x93\x1b[m\x9b\xc2\x9b.";
	char		*s;
	size_t		 i;

	if (f == NULL || g == NULL) {
		SKIP("tmpfile() failed");
		if (f != NULL)
			fclose(f);
		if (g != NULL)
			fclose(g);
		return;
	}
	for (i = 0; in[i] != '\0'; i++)
		CHECK_INT(out_putc((unsigned char)in[i], f),
		    (unsigned char)in[i]);
	/* A character cut short by a write elsewhere shows as U+FFFD. */
	out_putc(0xc3, f);
	out_putc('z', g);
	out_putc('!', f);
	s = out_read_back(f);
	CHECK_STR(s, "caf\xc3\xa9 \xe2\x9c\x93^[[m\xef\xbf\xbd\xef\xbf\xbd."
	    "\xef\xbf\xbd!");
	free(s);
	s = out_read_back(g);
	CHECK_STR(s, "z");
	free(s);
	fclose(f);
	fclose(g);
}

/* A document (JSON, an export) goes out byte-exact: it escapes itself. */
static void
test_out_document(void)
{
	FILE		*f = tmpfile();
	const char	 doc[] = "{\n\t\"a\": \"\\u001b\"\x7f}\n";
	char		*s;

	if (f == NULL) {
		SKIP("tmpfile() failed");
		return;
	}
	CHECK_INT(out_document(doc, sizeof doc - 1, f), 0);
	s = out_read_back(f);
	CHECK_STR(s, doc);
	free(s);
	fclose(f);
}

/* Ingest keeps control bytes for exports but guarantees valid UTF-8. */
static void
test_sanitize_utf8(void)
{
	char	*s;

	s = sanitize_utf8("a\0b\xffz", 5);
	CHECK_STR(s, "ab\xef\xbf\xbdz");
	free(s);
	s = sanitize_utf8("\xf0\x9f\x94\xa5", 4);
	CHECK_STR(s, "\xf0\x9f\x94\xa5");
	free(s);
	s = sanitize_utf8("\xf0\x9f\x94", 3);
	CHECK_STR(s, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
}

/*
 * An excerpt is cut on a character boundary after sanitising, so it is
 * valid UTF-8, safe, and no longer than asked (printf's "%.5s" split
 * the "é", and the escapes made visible grew it past the cut).
 */
static void
test_sanitize_excerpt(void)
{
	char	*s, ctl[31];

	s = sanitize_excerpt("short", 10);
	CHECK_STR(s, "short");
	free(s);
	s = sanitize_excerpt(NULL, 10);
	CHECK_STR(s, "");
	free(s);
	s = sanitize_excerpt("\xc3\xa9\xc3\xa9\xc3\xa9", 5);
	CHECK_STR(s, "\xc3\xa9\xc3\xa9...");
	free(s);
	memset(ctl, 0x13, 30);
	ctl[30] = '\0';
	s = sanitize_excerpt(ctl, 20);
	CHECK_STR(s, "^S^S^S^S^S^S^S^S^S^S...");
	free(s);
	s = sanitize_excerpt("\x1b]0;title\x07 \xff", 64);
	CHECK(sanitize_is_clean(s, 0));
	CHECK(strchr(s, 0x1b) == NULL && strchr(s, 0x07) == NULL);
	free(s);
}

/* The test vectors of RFC 4648 section 10, both ways. */
static void
test_base64_rfc4648(void)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" }
	};
	size_t	 i, len, bad;
	char	*s, *d;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		s = base64_encode(vec[i][0], strlen(vec[i][0]));
		CHECK_STR(s, vec[i][1]);
		free(s);
		d = NULL;
		len = 99;
		CHECK_INT(base64_decode(vec[i][1], &d, &len, &bad), 0);
		CHECK_STR(d, vec[i][0]);
		CHECK_INT(len, strlen(vec[i][0]));
		free(d);
	}
}

/* Every byte value survives a round trip; line breaks are skipped. */
static void
test_base64_binary(void)
{
	unsigned char	 all[256];
	size_t		 i, n, len, bad;
	char		*s, *d;

	for (i = 0; i < sizeof all; i++)
		all[i] = (unsigned char)(255 - i);
	for (n = 0; n <= sizeof all; n += 85) {
		s = base64_encode(all, n);
		CHECK_INT(strlen(s), (n + 2) / 3 * 4);
		d = NULL;
		CHECK_INT(base64_decode(s, &d, &len, &bad), 0);
		CHECK_INT(len, n);
		CHECK(d != NULL && memcmp(d, all, n) == 0);
		CHECK(d != NULL && d[len] == '\0');
		free(d);
		free(s);
	}
	d = NULL;
	CHECK_INT(base64_decode("Zm9v\nYmFy\r\n", &d, &len, &bad), 0);
	CHECK_STR(d, "foobar");
	free(d);
	d = NULL;
	CHECK_INT(base64_decode("Zm\r\n8=", &d, &len, &bad), 0);
	CHECK_STR(d, "fo");
	free(d);
}

/* Invalid input is refused at the offset of the first wrong byte. */
static void
test_base64_invalid(void)
{
	static const struct {
		const char	*in;
		size_t		 bad;
	} vec[] = {
		{ "Zm9", 0 },		/* padding is required */
		{ "Zm9vYmF", 4 },	/* a short last quantum */
		{ "Zm=v", 3 },		/* data after padding */
		{ "Z===", 1 },		/* padding too early */
		{ "=Zm9", 0 },
		{ "Zg==Zg==", 4 },	/* anything after the padded end */
		{ "Zm9v YmFy", 4 },	/* a space is not a line break */
		{ "Zm9-", 3 },		/* the URL alphabet is not standard */
		{ "Zm9_", 3 },
		{ "Zm\x009v", 2 },	/* stops at the NUL: short quantum */
		{ "Zm9\xc3\xa9", 3 }	/* not ASCII */
	};
	size_t	 i, len, bad;
	char	*d;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		d = NULL;
		bad = 999;
		if (base64_decode(vec[i].in, &d, &len, &bad) != -1) {
			printf("# \"%s\" was accepted\n", vec[i].in);
			harness_failed = 1;
			free(d);
			continue;
		}
		CHECK(d == NULL);
		CHECK_INT(bad, vec[i].bad);
	}
}

/* One set of JSON accessors: paths, types, and one rule for times. */
static void
test_json(void)
{
	cJSON		*root;
	const cJSON	*c;
	char		*s;
	int64_t		 i = 7;
	size_t		 n = 0;

	root = cJSON_Parse("{\"metadata\":{\"name\":\"web\",\"labels\":"
	    "{\"app.kubernetes.io/name\":\"shop\"},\"bad\":\"a\xff"
	    "z\"},\"spec\":{\"replicas\":3,\"paused\":true,\"huge\":"
	    "1e300,\"list\":[1,2],\"neg\":-4.7},\"times\":{\"ok\":"
	    "\"2026-03-14T09:26:40Z\",\"zero\":\"0001-01-01T00:00:00Z\","
	    "\"epoch\":\"1970-01-01T00:00:00Z\",\"junk\":\"yesterday\","
	    "\"num\":1773480400,\"null\":null},\"\":\"empty\"}");
	CHECK(root != NULL);
	if (root == NULL)
		return;

	/* Paths step through objects only; a dotted key needs json_member. */
	CHECK_STR(json_strval(json_get(root, "metadata.name")), "web");
	CHECK(json_get(root, "metadata.labels.app.kubernetes.io/name") ==
	    NULL);
	CHECK_STR(json_peek(json_get(root, "metadata.labels"),
	    "app.kubernetes.io/name"), "shop");
	CHECK(json_get(root, "spec.list.0") == NULL);
	CHECK(json_get(root, "metadata.name.more") == NULL);
	CHECK(json_get(root, "nothing.here") == NULL);
	CHECK(json_get(NULL, "metadata") == NULL);
	CHECK_STR(json_strval(json_get(root, "")), "empty");
	CHECK(json_member(json_get(root, "spec.list"), "0") == NULL);
	CHECK(json_peek(root, "metadata") == NULL);	/* not a string */

	/* Strings: borrowed as they are, or copied as valid UTF-8. */
	CHECK_STR(json_strval(json_get(root, "metadata.bad")), "a\xffz");
	s = json_str_at(root, "metadata.bad");
	CHECK_STR(s, "a\xef\xbf\xbdz");
	free(s);
	s = json_str(json_get(root, "metadata"), "name");
	CHECK_STR(s, "web");
	free(s);
	CHECK(json_str_at(root, "spec.replicas") == NULL);
	CHECK(json_string(NULL) == NULL);

	/* Integers: numbers within +-9e15, truncated; else -1, *out kept. */
	CHECK_INT(json_int(json_get(root, "spec.replicas"), &i), 0);
	CHECK_INT(i, 3);
	CHECK_INT(json_int(json_get(root, "spec.neg"), &i), 0);
	CHECK_INT(i, -4);
	CHECK_INT(json_int(json_get(root, "spec.huge"), &i), -1);
	CHECK_INT(json_int(json_get(root, "metadata.name"), &i), -1);
	CHECK_INT(json_int(NULL, &i), -1);
	CHECK_INT(i, -4);
	CHECK(cJSON_IsTrue(json_get(root, "spec.paused")));

	/* Arrays only through json_array. */
	cJSON_ArrayForEach(c, json_array(json_get(root, "spec.list")))
		n++;
	CHECK_INT(n, 2);
	CHECK(json_array(json_get(root, "spec")) == NULL);

	/* Compact text; NULL without a default. */
	s = json_text(json_get(root, "spec.list"), NULL);
	CHECK_STR(s, "[1,2]");
	free(s);
	CHECK(json_text(NULL, NULL) == NULL);
	s = json_member_text(root, "absent", "{}");
	CHECK_STR(s, "{}");
	free(s);

	/*
	 * The one rule for times: ms after the epoch, else 0 for "no time"
	 * (absent, null, not a string, not RFC 3339, Go's zero time, the
	 * epoch itself).
	 */
	CHECK_INT(json_time(json_get(root, "times"), "ok"), 1773480400000LL);
	CHECK_INT(json_timeval(json_get(root, "times.ok")), 1773480400000LL);
	CHECK_INT(json_time(json_get(root, "times"), "absent"), 0);
	CHECK_INT(json_time(json_get(root, "times"), "null"), 0);
	CHECK_INT(json_time(json_get(root, "times"), "num"), 0);
	CHECK_INT(json_time(json_get(root, "times"), "junk"), 0);
	CHECK_INT(json_time(json_get(root, "times"), "zero"), 0);
	CHECK_INT(json_time(json_get(root, "times"), "epoch"), 0);
	CHECK_INT(json_timeval(NULL), 0);
	cJSON_Delete(root);
}

/* A word for a shell: bare when safe, single-quoted otherwise. */
static void
test_buf_shell_word(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "kubectl", "kubectl" },
		{ "deployment/web", "deployment/web" },
		{ "--namespace=shop", "--namespace=shop" },
		{ "", "''" },
		{ "two words", "'two words'" },
		{ "it's", "'it'\\''s'" },
		{ "$(touch x)", "'$(touch x)'" },
		{ "a*b", "'a*b'" },
		{ "\x1b[31m", "'\x1b[31m'" },
	};
	struct buf	b;
	size_t		i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_init(&b, 0);
		CHECK_INT(buf_shell_word(&b, cases[i].in), 0);
		CHECK_STR(buf_str(&b), cases[i].out);
		buf_done(&b);
	}
	buf_init(&b, 4);
	CHECK_INT(buf_shell_word(&b, "too long for it"), -1);
	buf_done(&b);
}

/* A vector of strings copied whole, and freed. */
static void
test_strv(void)
{
	const char	*v[] = { "a", "", "two words", NULL };
	char		**c = util_strv_dup(v);

	CHECK(c != NULL && c[3] == NULL);
	CHECK_STR(c[0], "a");
	CHECK_STR(c[1], "");
	CHECK_STR(c[2], "two words");
	CHECK(c[2] != v[2]);
	util_strv_free(c);
	CHECK(util_strv_dup(NULL) == NULL);
	util_strv_free(NULL);
}

static const struct test tests[] = {
	TEST(test_buf_append),
	TEST(test_buf_limit),
	TEST(test_buf_detach),
	TEST(test_buf_shell_word),
	TEST(test_strv),
	TEST(test_durations),
	TEST(test_closest),
	TEST(test_rfc3339),
	TEST(test_numbers),
	TEST(test_sanitize_escapes),
	TEST(test_sanitize_unicode),
	TEST(test_out_printf),
	TEST(test_out_putc),
	TEST(test_out_document),
	TEST(test_sanitize_utf8),
	TEST(test_sanitize_excerpt),
	TEST(test_base64_rfc4648),
	TEST(test_base64_binary),
	TEST(test_base64_invalid),
	TEST(test_json),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
