/*
 * json.h: reading members out of untrusted cJSON trees, the same way in
 * every source: strings come back as valid UTF-8 copies, nested values as
 * compact JSON text, times as milliseconds; anything of the wrong type is
 * treated as absent.
 */
#ifndef SITREP_JSON_H
#define SITREP_JSON_H

#include <stdint.h>

#include <cJSON.h>

/* A string member as valid UTF-8 (caller frees), or NULL. */
char	*json_str(const cJSON *obj, const char *key);
/* A value as compact JSON text, valid UTF-8 (caller frees). */
char	*json_text(const cJSON *value, const char *dflt);
/* A member as compact JSON text, or a copy of dflt if absent. */
char	*json_member_text(const cJSON *obj, const char *key, const char *dflt);
/* An RFC 3339 member as ms since the epoch, 0 if absent or invalid. */
int64_t	 json_time(const cJSON *obj, const char *key);

#endif
