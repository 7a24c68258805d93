/*
 * json.c: defensive member access for cJSON trees from servers.
 */
#include "config.h"

#include <string.h>

#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* A string member as valid UTF-8, or NULL. */
char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsString(v))
		return NULL;
	return sanitize_utf8(v->valuestring, strlen(v->valuestring));
}

/* A value as compact JSON text. */
char *
json_text(const cJSON *value, const char *dflt)
{
	char	*raw, *clean;

	if (value == NULL)
		return xstrdup(dflt);
	raw = cJSON_PrintUnformatted(value);
	if (raw == NULL)
		return xstrdup(dflt);
	clean = sanitize_utf8(raw, strlen(raw));
	cJSON_free(raw);
	return clean;
}

/* A member as compact JSON text. */
char *
json_member_text(const cJSON *obj, const char *key, const char *dflt)
{
	return json_text(cJSON_GetObjectItemCaseSensitive(obj, key), dflt);
}

/* An RFC 3339 member as ms since the epoch. */
int64_t
json_time(const cJSON *obj, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(obj, key);
	int64_t		 ms;

	if (!cJSON_IsString(v) || util_parse_rfc3339(v->valuestring, &ms) != 0)
		return 0;
	return ms;
}
