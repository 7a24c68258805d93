/*
 * endpoint.c: configured endpoints as HTTP requests.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backends/endpoint.h"
#include "backends/http.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/xmalloc.h"

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

/* base + path. */
char *
endpoint_url(const struct endpoint *e, const char *path)
{
	return xasprintf("%s%s", e->base, path);
}

/* Percent-encode everything but unreserved characters. */
char *
endpoint_escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 b;
	unsigned char		 c;
	char			 enc[3];

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			buf_append(&b, s, 1);
		else {
			enc[0] = '%';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			buf_append(&b, enc, 3);
		}
	}
	return buf_detach(&b);
}
