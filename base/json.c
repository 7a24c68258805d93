/*
 * json.c: defensive access to cJSON trees from servers, one set of
 * accessors for every source.
 */
#include "config.h"

#include <string.h>

#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* Longest key of one path step. */
#define JSON_MAX_KEY	128

/* Member key of obj. */
cJSON *
json_member(const cJSON *obj, const char *key)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The value at a dotted path. */
cJSON *
json_get(const cJSON *obj, const char *path)
{
	char		 key[JSON_MAX_KEY];
	const char	*dot;
	cJSON		*v = NULL;
	size_t		 n;

	do {
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		obj = v = json_member(obj, key);
		path += n + (dot != NULL ? 1 : 0);
	} while (v != NULL && dot != NULL);
	return v;
}

/* v if it is an array. */
const cJSON *
json_array(const cJSON *v)
{
	return cJSON_IsArray(v) ? v : NULL;
}

/* v's string, borrowed. */
const char *
json_strval(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A string member, borrowed. */
const char *
json_peek(const cJSON *obj, const char *key)
{
	return json_strval(json_member(obj, key));
}

/* v's string as valid UTF-8. */
char *
json_string(const cJSON *v)
{
	const char	*s = json_strval(v);

	return s != NULL ? sanitize_utf8(s, strlen(s)) : NULL;
}

/* A string member as valid UTF-8. */
char *
json_str(const cJSON *obj, const char *key)
{
	return json_string(json_member(obj, key));
}

/* The string at a dotted path as valid UTF-8. */
char *
json_str_at(const cJSON *obj, const char *path)
{
	return json_string(json_get(obj, path));
}

/* v as an integer. */
int
json_int(const cJSON *v, int64_t *out)
{
	if (!cJSON_IsNumber(v))
		return -1;
	if (!(v->valuedouble <= 9e15 && v->valuedouble >= -9e15))
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

/* A value as compact JSON text. */
char *
json_text(const cJSON *value, const char *dflt)
{
	char	*raw, *clean;

	if (value == NULL)
		return dflt != NULL ? xstrdup(dflt) : NULL;
	raw = cJSON_PrintUnformatted(value);
	if (raw == NULL)
		return dflt != NULL ? xstrdup(dflt) : NULL;
	clean = sanitize_utf8(raw, strlen(raw));
	cJSON_free(raw);
	return clean;
}

/* A member as compact JSON text. */
char *
json_member_text(const cJSON *obj, const char *key, const char *dflt)
{
	return json_text(json_member(obj, key), dflt);
}

/* v as a time: ms after the epoch, or 0 for no time. */
int64_t
json_timeval(const cJSON *v)
{
	const char	*s = json_strval(v);
	int64_t		 ms;

	if (s == NULL || util_parse_rfc3339(s, &ms) != 0 || ms <= 0)
		return 0;
	return ms;
}

/* A time member. */
int64_t
json_time(const cJSON *obj, const char *key)
{
	return json_timeval(json_member(obj, key));
}
