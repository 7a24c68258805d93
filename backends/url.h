/*
 * url.h: request URLs built with libcurl's URL API, never by hand.
 *
 * Query keys and values are escaped by curl_easy_escape() (everything
 * but A-Z a-z 0-9 - . _ ~ becomes %XX, a space %20) and appended by
 * curl_url_set(CURLU_APPENDQUERY), so a value with '&', '#', '=', '+',
 * spaces or any byte beyond ASCII stays one value; a path segment is
 * escaped the same way, so '/', '?' and '#' cannot leave it, and "." and
 * ".." are refused; a path
 * and its query are put under a base URL (which may carry a path prefix,
 * as behind a proxy) by curl_url() rather than by pasting strings.
 */
#ifndef SITREP_URL_H
#define SITREP_URL_H

#include <stddef.h>

/* One query parameter; a NULL value leaves it out. */
struct url_param {
	const char	*key;
	const char	*value;
};

/* "k=v&k2=v2", encoded; "" for none.  NULL and *cause if curl refuses. */
char	*url_query(const struct url_param *, size_t n, char **cause);
/* One path segment, encoded; NULL and *cause for "", "." or "..". */
char	*url_segment(const char *, char **cause);
/*
 * path (already encoded, starting with '/') with the parameters as its
 * query: "/api/v1/query?query=up"; no '?' without parameters.  NULL and
 * *cause if curl refuses.
 */
char	*url_path_query(const char *path, const struct url_param *, size_t n,
	    char **cause);
/*
 * The absolute URL of path_query ("/x/y?q=1", encoded) under base
 * ("https://host:6443" or "https://proxy/k8s/c1"): base's own path is a
 * prefix, its query and fragment are dropped.  NULL and *cause if base is
 * not an absolute URL libcurl accepts.
 */
char	*url_join(const char *base, const char *path_query, char **cause);

#endif
