/*
 * url.c: URLs through libcurl's URL API (curl_url, curl_url_set,
 * curl_easy_escape), so every source encodes alike and no value can
 * break out of its place in a request.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "backends/url.h"
#include "base/buf.h"
#include "base/xmalloc.h"

/* A sentence for a libcurl URL error. */
static char *
url_error(const char *what, CURLUcode rc)
{
#if LIBCURL_VERSION_NUM >= 0x075000
	return xasprintf("%s: %s", what, curl_url_strerror(rc));
#else
	return xasprintf("%s (libcurl URL error %d)", what, (int)rc);
#endif
}

/* s percent-encoded by curl_easy_escape (all but A-Z a-z 0-9 - . _ ~). */
static char *
url_escape(const char *s)
{
	char	*e, *out;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return NULL;
	out = xstrdup(e);
	curl_free(e);
	return out;
}

/*
 * The parameters encoded; see url.h.  Keys and values are escaped with
 * curl_easy_escape() and appended with CURLU_APPENDQUERY rather than
 * with CURLU_URLENCODE, whose treatment of '+' and ' ' differs between
 * libcurl releases: this way a value reads the same to the server with
 * every libcurl sitrep builds against.
 */
char *
url_query(const struct url_param *p, size_t n, char **cause)
{
	CURLU		*h;
	CURLUcode	 rc = CURLUE_OK;
	char		*k, *v, *kv, *q = NULL, *out;
	size_t		 i;

	if ((h = curl_url()) == NULL) {
		*cause = xstrdup("out of memory building a URL");
		return NULL;
	}
	for (i = 0; i < n && rc == CURLUE_OK; i++) {
		if (p[i].value == NULL)
			continue;
		k = url_escape(p[i].key);
		v = url_escape(p[i].value);
		if (k == NULL || v == NULL)
			rc = CURLUE_OUT_OF_MEMORY;
		else {
			kv = xasprintf("%s=%s", k, v);
			rc = curl_url_set(h, CURLUPART_QUERY, kv,
			    CURLU_APPENDQUERY);
			free(kv);
		}
		free(k);
		free(v);
	}
	if (rc == CURLUE_OK) {
		rc = curl_url_get(h, CURLUPART_QUERY, &q, 0);
		if (rc == CURLUE_NO_QUERY)
			rc = CURLUE_OK;
	}
	curl_url_cleanup(h);
	if (rc != CURLUE_OK) {
		*cause = url_error("cannot encode a query", rc);
		return NULL;
	}
	out = xstrdup(q != NULL ? q : "");
	curl_free(q);
	return out;
}

/* One path segment, encoded. */
char *
url_segment(const char *s, char **cause)
{
	char	*out;

	if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
		*cause = xasprintf("\"%s\" cannot be a name in a URL path", s);
		return NULL;
	}
	if ((out = url_escape(s)) == NULL)
		*cause = xstrdup("cannot encode a URL path segment");
	return out;
}

/* path?query. */
char *
url_path_query(const char *path, const struct url_param *p, size_t n,
    char **cause)
{
	char	*q, *out;

	if ((q = url_query(p, n, cause)) == NULL)
		return NULL;
	out = xasprintf("%s%s%s", path, *q != '\0' ? "?" : "", q);
	free(q);
	return out;
}

/* path_query under base; see url.h. */
char *
url_join(const char *base, const char *path_query, char **cause)
{
	CURLU		*h;
	CURLUcode	 rc;
	char		*prefix = NULL, *path, *url = NULL, *out;
	const char	*qm = strchr(path_query, '?');
	size_t		 plen;

	if ((h = curl_url()) == NULL) {
		*cause = xstrdup("out of memory building a URL");
		return NULL;
	}
	rc = curl_url_set(h, CURLUPART_URL, base, 0);
	if (rc == CURLUE_OK)
		rc = curl_url_get(h, CURLUPART_PATH, &prefix, 0);
	if (rc != CURLUE_OK) {
		curl_url_cleanup(h);
		*cause = url_error("not a URL sitrep can use", rc);
		return NULL;
	}
	plen = strlen(prefix);
	while (plen > 0 && prefix[plen - 1] == '/')
		plen--;
	path = xasprintf("%.*s%.*s", (int)plen, prefix, qm != NULL ?
	    (int)(qm - path_query) : (int)strlen(path_query), path_query);
	curl_free(prefix);
	rc = curl_url_set(h, CURLUPART_PATH, path, 0);
	free(path);
	if (rc == CURLUE_OK)
		rc = curl_url_set(h, CURLUPART_QUERY, qm != NULL && qm[1] !=
		    '\0' ? qm + 1 : NULL, 0);
	if (rc == CURLUE_OK)
		rc = curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0);
	if (rc == CURLUE_OK)
		rc = curl_url_get(h, CURLUPART_URL, &url, 0);
	curl_url_cleanup(h);
	if (rc != CURLUE_OK) {
		*cause = url_error("cannot build a request URL", rc);
		return NULL;
	}
	out = xstrdup(url);
	curl_free(url);
	return out;
}
