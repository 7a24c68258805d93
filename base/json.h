/*
 * json.h: reading values out of untrusted cJSON trees, the same way in
 * every source: strings come back as valid UTF-8 copies (or borrowed,
 * when the caller only compares them), nested values as compact JSON
 * text, numbers range-checked, times as milliseconds; anything of the
 * wrong type is treated as absent.
 *
 * One rule for times: a time is present when it is an RFC 3339 string
 * after the epoch; then it reads as milliseconds since the epoch (> 0).
 * Absent, not a string, not RFC 3339, or at or before the epoch (Go's
 * zero time "0001-01-01T00:00:00Z" is how Go servers say "unset") all
 * read as 0, and 0 always means "no time".
 */
#ifndef SITREP_JSON_H
#define SITREP_JSON_H

#include <stdint.h>

#include <cJSON.h>

/* Member key of obj (taken whole, dots and all); NULL if obj is no object. */
cJSON	*json_member(const cJSON *obj, const char *key);
/*
 * The value at a dotted path of object members ("status.conditions"), or
 * NULL if a step is missing or not an object (or path is empty: "" is
 * the key "").  A key with a dot in it
 * ("app.kubernetes.io/name") needs json_member.
 */
cJSON	*json_get(const cJSON *obj, const char *path);
/* v if it is an array, else NULL: safe to iterate with cJSON_ArrayForEach. */
const cJSON *json_array(const cJSON *v);

/* v's string, borrowed and NOT sanitised (to compare or copy), or NULL. */
const char *json_strval(const cJSON *v);
/* A string member, borrowed and NOT sanitised, or NULL. */
const char *json_peek(const cJSON *obj, const char *key);
/* v's string as valid UTF-8 (caller frees), or NULL. */
char	*json_string(const cJSON *v);
/* A string member as valid UTF-8 (caller frees), or NULL. */
char	*json_str(const cJSON *obj, const char *key);
/* The string at a dotted path as valid UTF-8 (caller frees), or NULL. */
char	*json_str_at(const cJSON *obj, const char *path);

/* v as an integer: 0 and *out, or -1 if not a number within +-9e15. */
int	 json_int(const cJSON *v, int64_t *out);

/* A value as compact JSON text, valid UTF-8 (caller frees); dflt copied
 * (or NULL when dflt is NULL) if value is NULL. */
char	*json_text(const cJSON *value, const char *dflt);
/* A member as compact JSON text, or a copy of dflt if absent. */
char	*json_member_text(const cJSON *obj, const char *key, const char *dflt);

/* v as a time in ms since the epoch; 0 for no time (see above). */
int64_t	 json_timeval(const cJSON *v);
/* A time member in ms since the epoch; 0 for no time (see above). */
int64_t	 json_time(const cJSON *obj, const char *key);

#endif
