/*
 * fuzz_json.c: the helpers of base/json.c on any JSON.
 *
 * The input is parsed by cJSON as every source parses an answer; then
 * every helper is asked about every value of the tree (up to a bound):
 * strings come back as valid UTF-8 and only for strings, json_member()
 * and json_get() find the first member of a name, compact text is valid
 * UTF-8 that parses back as JSON, integers are within their range and
 * times are 0 or after the epoch.
 */
#include "config.h"

#include <cJSON.h>

#include "base/json.h"
#include "tests/fuzz/fuzz.h"

#define MAX_VALUES	2000	/* values of one input looked at */
#define KEY_MAX		64	/* keys json_get takes whole, at least */

/* Every helper on one value v, a member of parent (or the root). */
static void
check_value(const cJSON *parent, const cJSON *v)
{
	const char	*s;
	char		*c, *t;
	cJSON		*back;
	int64_t		 i;

	s = json_strval(v);
	FUZZ_CHECK((s != NULL) == (cJSON_IsString(v) && v->valuestring !=
	    NULL), "json_strval only for strings");
	c = json_string(v);
	FUZZ_CHECK((c != NULL) == (s != NULL), "json_string as json_strval");
	FUZZ_CHECK(fuzz_str_valid(c), "json_string gives valid UTF-8");
	free(c);

	if (json_int(v, &i) == 0) {
		FUZZ_CHECK(cJSON_IsNumber(v), "json_int only for numbers");
		FUZZ_CHECK(i >= -9000000000000000LL && i <= 9000000000000000LL,
		    "json_int within +-9e15");
	}
	FUZZ_CHECK(json_timeval(v) >= 0, "a time is 0 or after the epoch");
	FUZZ_CHECK(json_array(v) == (cJSON_IsArray(v) ? v : NULL),
	    "json_array only for arrays");

	t = json_text(v, NULL);
	if (t != NULL) {
		FUZZ_CHECK(fuzz_str_valid(t), "json_text gives valid UTF-8");
		back = cJSON_Parse(t);
		FUZZ_CHECK(back != NULL, "json_text parses back");
		cJSON_Delete(back);
		free(t);
	}

	if (cJSON_IsObject(parent) && v->string != NULL) {
		const cJSON	*first;

		first = cJSON_GetObjectItemCaseSensitive(parent, v->string);
		FUZZ_CHECK(json_member(parent, v->string) == first,
		    "json_member finds the first member of the name");
		if (strchr(v->string, '.') == NULL && v->string[0] != '\0' &&
		    strlen(v->string) < KEY_MAX)
			FUZZ_CHECK(json_get(parent, v->string) == first,
			    "json_get of one step is json_member");
		c = json_str(parent, v->string);
		FUZZ_CHECK(fuzz_str_valid(c), "json_str gives valid UTF-8");
		FUZZ_CHECK((c != NULL) == (json_strval(first) != NULL),
		    "json_str only for strings");
		free(c);
		FUZZ_CHECK(json_peek(parent, v->string) == json_strval(first),
		    "json_peek borrows the first member's string");
		FUZZ_CHECK(json_time(parent, v->string) == json_timeval(first),
		    "json_time is json_timeval of the member");
		t = json_member_text(parent, v->string, "-");
		FUZZ_CHECK(t != NULL && fuzz_str_valid(t),
		    "json_member_text gives valid UTF-8");
		free(t);
	}
	if (!cJSON_IsObject(parent))
		FUZZ_CHECK(json_member(parent, "a") == NULL,
		    "json_member only in objects");
}

/* Walk the tree depth first, at most *budget values. */
static void
walk(const cJSON *parent, const cJSON *v, size_t *budget)
{
	const cJSON	*c;

	if (*budget == 0)
		return;
	(*budget)--;
	check_value(parent, v);
	for (c = v->child; c != NULL && *budget > 0; c = c->next)
		walk(v, c, budget);
}

/* Dotted paths made of the tree's own keys, and a few usual ones. */
static void
check_paths(const cJSON *root)
{
	static const char *const paths[] = { "", ".", "a.", ".a",
	    "metadata.name", "status.conditions", "spec.template.spec",
	    "data.result", "data.activeTargets", "status.state" };
	const cJSON	*a, *b;
	char		 path[512];
	size_t		 i;
	char		*s;

	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		s = json_str_at(root, paths[i]);
		FUZZ_CHECK(fuzz_str_valid(s), "json_str_at gives valid UTF-8");
		free(s);
		(void)json_get(root, paths[i]);
	}
	FUZZ_CHECK(json_get(root, "") == json_member(root, ""),
	    "the empty path is the key \"\"");
	if (!cJSON_IsObject(root))
		return;
	for (a = root->child; a != NULL; a = a->next) {
		if (a->string == NULL || strchr(a->string, '.') != NULL ||
		    a->string[0] == '\0' || !cJSON_IsObject(a))
			continue;
		for (b = a->child; b != NULL; b = b->next) {
			if (b->string == NULL || strchr(b->string, '.') ||
			    b->string[0] == '\0' || strlen(a->string) >=
			    KEY_MAX || strlen(b->string) >= KEY_MAX)
				continue;
			snprintf(path, sizeof path, "%s.%s", a->string,
			    b->string);
			FUZZ_CHECK(json_get(root, path) ==
			    cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(root, a->string),
			    b->string), "json_get follows two steps");
		}
	}
}

/* One input: parse it, then ask every helper about it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON	*root;
	size_t	 budget = MAX_VALUES;

	root = cJSON_ParseWithLength((const char *)data, size);
	if (root == NULL)
		return 0;
	walk(NULL, root, &budget);
	check_paths(root);
	cJSON_Delete(root);
	return 0;
}
