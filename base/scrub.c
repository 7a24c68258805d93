/*
 * scrub.c: find a request's secrets, in every form they take, in text a
 * server sent back, and replace them.
 *
 * The forms are computed once when a secret is added (see scrub.h for
 * which).  Scrubbing is one sweep over the text: each form keeps the
 * position of its next occurrence; the earliest one starts a covered run,
 * which grows while any form occurs inside it or right at its end, and the
 * whole run becomes one mark.  Every search starts past the last one, so
 * the sweep costs a search per occurrence plus one per form.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/buf.h"
#include "base/scrub.h"
#include "base/xmalloc.h"

struct scrub_form {
	char	*s;
	size_t	 len;
};

struct scrub {
	struct scrub_form	*forms;
	size_t			 nforms;
	char			**raw;		/* verbatim secrets, any length */
	size_t			 nraw;
};

/* Overwrite memory in a way the compiler may not remove. */
static void
scrub_wipe(void *p, size_t len)
{
	volatile unsigned char	*v = p;

	while (len-- > 0)
		*v++ = 0;
}

/* Wipe and free a string. */
static void
scrub_free_str(char *s)
{
	if (s == NULL)
		return;
	scrub_wipe(s, strlen(s));
	free(s);
}

/* First occurrence of needle in hay[from..len), or len if none. */
static size_t
scrub_find(const char *hay, size_t len, size_t from, const char *needle,
    size_t nlen)
{
	const char	*p;

	while (from + nlen <= len) {
		p = memchr(hay + from, (unsigned char)needle[0],
		    len - nlen + 1 - from);
		if (p == NULL)
			return len;
		from = (size_t)(p - hay);
		if (memcmp(p, needle, nlen) == 0)
			return from;
		from++;
	}
	return len;
}

/* Create an empty scrub. */
struct scrub *
scrub_new(void)
{
	return xcalloc(1, sizeof (struct scrub));
}

/* Wipe and free a scrub. */
void
scrub_free(struct scrub *sc)
{
	size_t	i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nforms; i++)
		scrub_free_str(sc->forms[i].s);
	for (i = 0; i < sc->nraw; i++)
		scrub_free_str(sc->raw[i]);
	free(sc->forms);
	free(sc->raw);
	free(sc);
}

/* Keep one form (taking s), unless it is too short or already there. */
static void
scrub_take_form(struct scrub *sc, char *s)
{
	size_t	i, len = strlen(s);

	if (len < SCRUB_MIN_LEN) {
		scrub_free_str(s);
		return;
	}
	for (i = 0; i < sc->nforms; i++) {
		if (sc->forms[i].len == len && memcmp(sc->forms[i].s, s,
		    len) == 0) {
			scrub_free_str(s);
			return;
		}
	}
	sc->forms = xreallocarray(sc->forms, sc->nforms + 1,
	    sizeof *sc->forms);
	sc->forms[sc->nforms].s = s;
	sc->forms[sc->nforms].len = len;
	sc->nforms++;
}

/* Base64 of s without padding, in the standard or URL alphabet. */
static char *
scrub_base64(const char *s, int url)
{
	char	*b = base64_encode(s, strlen(s)), *p;
	size_t	 len = strlen(b);

	while (len > 0 && b[len - 1] == '=')
		b[--len] = '\0';
	if (url) {
		for (p = b; *p != '\0'; p++) {
			if (*p == '+')
				*p = '-';
			else if (*p == '/')
				*p = '_';
		}
	}
	return b;
}

/* Percent-encoding of s: hex in upper or lower case, space as %20 or +. */
static char *
scrub_percent(const char *s, int lower, int plus)
{
	static const char	 up[] = "0123456789ABCDEF";
	static const char	 low[] = "0123456789abcdef";
	const char		*hex = lower ? low : up;
	const unsigned char	*p;
	char			*out, *o;

	o = out = xmalloc(strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			*o++ = (char)*p;
		else if (*p == ' ' && plus)
			*o++ = '+';
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0xf];
		}
	}
	*o = '\0';
	return out;
}

/* s as it appears inside a JSON string. */
static char *
scrub_json(const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	char			*out, *o;

	o = out = xmalloc(strlen(s) * 6 + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			*o++ = '\\';
			*o++ = (char)*p;
		} else if (*p == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (*p == '\r') {
			*o++ = '\\';
			*o++ = 'r';
		} else if (*p == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (*p < 0x20) {
			memcpy(o, "\\u00", 4);
			o += 4;
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0xf];
		} else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

/* Add a secret in every form. */
void
scrub_add(struct scrub *sc, const char *secret)
{
	size_t	i;

	if (secret == NULL || *secret == '\0')
		return;
	for (i = 0; i < sc->nraw; i++) {
		if (strcmp(sc->raw[i], secret) == 0)
			return;
	}
	sc->raw = xreallocarray(sc->raw, sc->nraw + 1, sizeof *sc->raw);
	sc->raw[sc->nraw++] = xstrdup(secret);
	scrub_take_form(sc, xstrdup(secret));
	scrub_take_form(sc, scrub_base64(secret, 0));
	scrub_take_form(sc, scrub_base64(secret, 1));
	scrub_take_form(sc, scrub_percent(secret, 0, 0));
	scrub_take_form(sc, scrub_percent(secret, 1, 0));
	scrub_take_form(sc, scrub_percent(secret, 0, 1));
	scrub_take_form(sc, scrub_percent(secret, 1, 1));
	scrub_take_form(sc, scrub_json(secret));
}

/* Add basic-auth credentials: the password and the header's base64. */
void
scrub_add_basic(struct scrub *sc, const char *user, const char *password)
{
	char	*pair;

	scrub_add(sc, password);
	if (user == NULL)
		return;
	pair = xasprintf("%s:%s", user, password != NULL ? password : "");
	scrub_take_form(sc, scrub_base64(pair, 0));
	scrub_take_form(sc, scrub_base64(pair, 1));
	scrub_free_str(pair);
}

/* How many forms are searched. */
size_t
scrub_forms(const struct scrub *sc)
{
	return sc != NULL ? sc->nforms : 0;
}

/* Does the text hold any form? */
int
scrub_found(const struct scrub *sc, const char *text, size_t len)
{
	size_t	i;

	if (sc == NULL)
		return 0;
	for (i = 0; i < sc->nforms; i++) {
		if (scrub_find(text, len, 0, sc->forms[i].s,
		    sc->forms[i].len) < len)
			return 1;
	}
	return 0;
}

/* The text with every form replaced by one mark per covered run. */
char *
scrub_text(const struct scrub *sc, const char *text, size_t len,
    size_t *outlen)
{
	struct buf	 out;
	size_t		*next, n = sc != NULL ? sc->nforms : 0;
	size_t		 pos = 0, start, end, i, e;
	int		 grew;
	char		*s;

	buf_init(&out, 0);
	next = xcalloc(n + 1, sizeof *next);
	for (i = 0; i < n; i++)
		next[i] = scrub_find(text, len, 0, sc->forms[i].s,
		    sc->forms[i].len);
	for (;;) {
		start = len;
		for (i = 0; i < n; i++) {
			if (next[i] < start)
				start = next[i];
		}
		if (start >= len)
			break;
		/* The run from start: every form that occurs inside it. */
		end = start;
		do {
			grew = 0;
			for (i = 0; i < n; i++) {
				while (next[i] <= end && next[i] < len) {
					e = next[i] + sc->forms[i].len;
					if (e > end) {
						end = e;
						grew = 1;
					}
					next[i] = scrub_find(text, len,
					    next[i] + 1, sc->forms[i].s,
					    sc->forms[i].len);
				}
			}
		} while (grew);
		buf_append(&out, text + pos, start - pos);
		buf_puts(&out, SCRUB_MARK);
		pos = end;
	}
	buf_append(&out, text + pos, len - pos);
	free(next);
	if (outlen != NULL)
		*outlen = out.len;
	if (out.data == NULL)
		return xstrdup("");
	s = buf_detach(&out);
	return s;
}

/* Scrub a string, wiping and freeing the original. */
char *
scrub_str(const struct scrub *sc, char *s)
{
	char	*out;

	if (s == NULL)
		return NULL;
	out = scrub_text(sc, s, strlen(s), NULL);
	scrub_free_str(s);
	return out;
}

/* Is any secret in s verbatim? */
int
scrub_has_verbatim(const struct scrub *sc, const char *s)
{
	size_t	i;

	if (sc == NULL || s == NULL)
		return 0;
	for (i = 0; i < sc->nraw; i++) {
		if (strstr(s, sc->raw[i]) != NULL)
			return 1;
	}
	return 0;
}
