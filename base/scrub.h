/*
 * scrub.h: take a request's secrets out of text that came back from the
 * server.
 *
 * A server (or a proxy, or a misconfigured debug endpoint) may reflect what
 * it was sent: an error page that prints the request headers, a 200 that
 * echoes the URL.  Whatever sitrep keeps or shows of such text must not
 * carry the bearer token, the password or an API key back to the cache,
 * the screen or a snapshot.  A scrub holds one request's secrets, each in
 * every form it can take on the wire or in a reflection:
 *
 *   - verbatim;
 *   - base64, standard and URL alphabets, without padding (so the padded
 *     text is matched too, its "=" left standing);
 *   - percent-encoded (upper- and lower-case hex, and "+" for a space),
 *     as in a URL's user:password or a query string;
 *   - JSON-escaped (quotes, backslashes, control characters), as a
 *     reflection into a JSON document writes it;
 *   - for basic auth, base64 of "user:password", the exact value of the
 *     Authorization header.  Base64 works on 3-byte groups, so a password
 *     inside that value is not the password's own base64 unless it happens
 *     to start on a group boundary: the whole "user:password" is the form
 *     to look for.
 *
 * scrub_text() replaces every occurrence of any form by SCRUB_MARK;
 * occurrences that overlap or touch are merged into one mark, so no part of
 * a secret is left between two marks.
 *
 * A form shorter than SCRUB_MIN_LEN bytes is not searched: a two- or
 * three-byte secret matches ordinary words and numbers everywhere, so
 * replacing it would wreck every message while hiding nothing that could
 * not be guessed.  Such short values still keep an error sentence out
 * (see scrub_has_verbatim()).
 */
#ifndef SITREP_SCRUB_H
#define SITREP_SCRUB_H

#include <stddef.h>

#define SCRUB_MARK	"<redacted>"
#define SCRUB_MIN_LEN	4

struct scrub;

/* An empty scrub. */
struct scrub	*scrub_new(void);
/* Wipe every secret and form, then free; NULL is a no-op. */
void		 scrub_free(struct scrub *);
/* Add a secret in all its forms; NULL and "" are ignored.  Copied. */
void		 scrub_add(struct scrub *, const char *secret);
/*
 * Add basic-auth credentials: the password (as scrub_add) and the base64
 * of "user:password" as the Authorization header carries it.
 */
void		 scrub_add_basic(struct scrub *, const char *user,
		     const char *password);
/* Number of forms searched (0: scrubbing is a copy). */
size_t		 scrub_forms(const struct scrub *);
/* Does text[0..len) contain any form? */
int		 scrub_found(const struct scrub *, const char *text,
		     size_t len);
/*
 * text[0..len) with every form replaced by SCRUB_MARK, NUL-terminated,
 * its length in *outlen (may be NULL); caller frees.
 */
char		*scrub_text(const struct scrub *, const char *text, size_t len,
		     size_t *outlen);
/* scrub_text() of a string, freeing (after wiping) s; s may be NULL. */
char		*scrub_str(const struct scrub *, char *s);
/* Does s contain any secret verbatim, however short? */
int		 scrub_has_verbatim(const struct scrub *, const char *s);

#endif
