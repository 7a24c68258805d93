/*
 * endpoint.c: configured endpoints as HTTP requests, and what every source
 * does to a JSON body before parsing it.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backends/endpoint.h"
#include "backends/http.h"
#include "backends/url.h"
#include "base/buf.h"
#include "core/conf.h"
#include "base/xmalloc.h"

/* Prepare an endpoint: its base URL, headers and token. */
int
endpoint_init(struct endpoint *e, const struct conf_endpoint *c,
    size_t max_body, char **cause)
{
	struct buf	b;
	char		*why = NULL;
	size_t		 i, len;

	memset(e, 0, sizeof *e);
	e->conf = c;
	e->max_body = max_body;
	len = strlen(c->url);
	while (len > 0 && c->url[len - 1] == '/')
		len--;
	e->base = xstrndup(c->url, len);
	e->host_port = http_host_port(c->url);
	if (e->host_port == NULL)
		e->host_port = http_redact_url(c->url);
	e->headers = xcalloc(c->nheaders + 1, sizeof *e->headers);
	for (i = 0; i < c->nheaders; i++)
		e->headers[i] = xasprintf("%s: %s", c->headers[i].key,
		    c->headers[i].value);
	if (c->bearer_token != NULL && *c->bearer_token != '\0')
		e->token = xstrdup(c->bearer_token);
	else if (c->bearer_token_file != NULL &&
	    *c->bearer_token_file != '\0') {
		buf_init(&b, 64 * 1024);
		if (buf_read_file(&b, c->bearer_token_file, &why) != 0) {
			*cause = xasprintf("cannot read bearer_token_file: %s",
			    why);
			free(why);
			buf_done(&b);
			endpoint_done(e);
			return -1;
		}
		len = b.len;
		while (len > 0 && isspace((unsigned char)b.data[len - 1]))
			len--;
		e->token = xstrndup(buf_str(&b), len);
		explicit_bzero(b.data, b.len);
		buf_done(&b);
	}
	return 0;
}

/* Free an endpoint, wiping its token. */
void
endpoint_done(struct endpoint *e)
{
	size_t	i;

	if (e->headers != NULL) {
		for (i = 0; e->headers[i] != NULL; i++)
			free(e->headers[i]);
		free(e->headers);
	}
	if (e->token != NULL) {
		explicit_bzero(e->token, strlen(e->token));
		free(e->token);
	}
	free(e->base);
	free(e->host_port);
	memset(e, 0, sizeof *e);
}

/* Fill a request for url with the endpoint's auth, headers and TLS. */
void
endpoint_request(const struct endpoint *e, struct http_request *r,
    const char *url)
{
	const struct conf_endpoint	*c = e->conf;

	memset(r, 0, sizeof *r);
	r->url = url;
	r->headers = (const char *const *)e->headers;
	r->bearer_token = e->token;
	r->username = c->username;
	r->password = c->password;
	r->ca_file = c->tls.ca_file;
	r->cert_file = c->tls.cert_file;
	r->key_file = c->tls.key_file;
	r->insecure_skip_verify = c->tls.insecure_skip_verify;
	r->timeout_ms = c->timeout_ms;
	r->connect_timeout_ms = c->timeout_ms < 10000 ? c->timeout_ms : 10000;
	r->max_body = e->max_body;
}

/* path and its query under the base URL, through libcurl's URL API. */
char *
endpoint_url(const struct endpoint *e, const char *path,
    const struct url_param *q, size_t nq, char **cause)
{
	char	*pq, *url;

	if ((pq = url_path_query(path, q, nq, cause)) == NULL)
		return NULL;
	url = url_join(e->base, pq, cause);
	free(pq);
	return url;
}

/*
 * Replace every \u0000 escape inside the JSON strings of body with \ufffd,
 * in place (both are six bytes).  cJSON keeps strings as C strings, so a
 * NUL would silently cut off the rest of the string: an annotation after
 * "\u0000" would vanish from the cache and the screen.  U+FFFD keeps the
 * rest and shows where the NUL was.  An escaped backslash before "u0000"
 * is left alone; anything that is not JSON is left to the parser to refuse.
 */
void
endpoint_json_defuse_nul(char *body, size_t len)
{
	size_t	i;
	int	in_string = 0;

	for (i = 0; i < len; i++) {
		if (!in_string) {
			if (body[i] == '"')
				in_string = 1;
			continue;
		}
		if (body[i] == '"') {
			in_string = 0;
			continue;
		}
		if (body[i] != '\\' || i + 1 >= len)
			continue;
		if (len - i >= 6 && memcmp(body + i + 1, "u0000", 5) == 0)
			memcpy(body + i + 1, "ufffd", 5);
		i++;	/* skip the escaped character */
	}
}

/*
 * What to do about an HTTP error status, as the end of a sentence, or NULL
 * when there is nothing useful to say.  Static text.
 */
const char *
endpoint_status_hint(long status)
{
	switch (status) {
	case 401:
		return "it wants credentials: check bearer_token, "
		    "bearer_token_file or basic_auth";
	case 403:
		return "the credentials lack permission to read it: check "
		    "what they are allowed on the server";
	case 404:
		return "nothing there: check that the URL is the server's "
		    "base URL (without /api)";
	case 407:
		return "a proxy wants credentials: check the *_proxy "
		    "environment variables";
	case 409:
		return "the server reported a conflict: it is retried on the "
		    "next round; check the server if it persists";
	case 429:
		return "the server is rate limiting this client: sitrep backs "
		    "off and retries; raise refresh if it persists";
	}
	if (status >= 500 && status <= 599)
		return "the server (or a proxy in front of it) failed: check "
		    "its logs";
	return NULL;
}
