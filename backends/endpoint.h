/*
 * endpoint.h: turn a configured endpoint (URL, auth, headers, TLS,
 * timeout) into HTTP requests.  Shared by Prometheus, Alertmanager and
 * the probes, so every source treats credentials the same way.
 */
#ifndef SITREP_ENDPOINT_H
#define SITREP_ENDPOINT_H

#include <stddef.h>

struct conf_endpoint;
struct http_request;
struct url_param;

struct endpoint {
	const struct conf_endpoint	*conf;		/* borrowed */
	char				*base;		/* URL without trailing / */
	char				**headers;	/* "Name: value", NULL-ended */
	char				*token;		/* secret, from file or conf */
	char				*host_port;	/* for messages */
	size_t				 max_body;
};

/* Prepare; a bearer_token_file is read now.  -1 and *cause on failure. */
int	endpoint_init(struct endpoint *, const struct conf_endpoint *,
	    size_t max_body, char **cause);
void	endpoint_done(struct endpoint *);
/* Fill req for GET base+path (path starts with '/'); url is the caller's. */
void	endpoint_request(const struct endpoint *, struct http_request *,
	    const char *url);
/*
 * The URL of path (encoded, from the endpoint's root: "/api/v1/query")
 * with the query parameters q (backends/url.h), under the endpoint's
 * base URL; caller frees.  NULL and *cause if libcurl refuses it.
 */
char	*endpoint_url(const struct endpoint *, const char *path,
	    const struct url_param *q, size_t nq, char **cause);
/* What to do about an HTTP error status (static text), or NULL. */
const char *endpoint_status_hint(long status);
/* Turn \u0000 in the JSON strings of body into \ufffd, in place. */
void	 endpoint_json_defuse_nul(char *body, size_t len);

#endif
