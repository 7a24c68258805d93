/*
 * fuzz_am_write.c: Alertmanager's answers to writes, on any bytes.
 *
 * Each body goes to the three readers of backends/am_write.c:
 *
 *   - am_write_error_text(): never empty, valid UTF-8 safe for a
 *     terminal, and at most AM_WRITE_MESSAGE_MAX bytes and "..." long;
 *   - am_write_silence_id(): NULL, or a clean string of 1 to 200 bytes
 *     that is the answer's silenceID;
 *   - am_write_shows(): 0 or 1, and 1 only for a JSON object whose
 *     status.state says what was written (expired, or not expired with
 *     an endsAt), checked here again with cJSON.
 *
 * Leaks are findings too.
 */
#include "config.h"

#include <cJSON.h>

#include "backends/am_write.h"
#include "tests/fuzz/fuzz.h"

/* The status.state of the answer, when it has one (borrowed from root). */
static const char *
state_of(const cJSON *root)
{
	const cJSON	*st, *v;

	if (!cJSON_IsObject(root))
		return NULL;
	st = cJSON_GetObjectItemCaseSensitive(root, "status");
	v = cJSON_GetObjectItemCaseSensitive(st, "state");
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One input: the body of an answer. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const cJSON	*v;
	const char	*state;
	cJSON		*root;
	char		*body, *s;
	int		 ok;

	body = malloc(size > 0 ? size : 1);
	if (body == NULL)
		abort();
	if (size > 0)
		memcpy(body, data, size);
	root = cJSON_ParseWithLength(body, size);

	s = am_write_error_text(body, size);
	FUZZ_CHECK(s != NULL && *s != '\0', "a message, never empty");
	FUZZ_CHECK(fuzz_terminal_safe(s, 0), "the message is safe to show");
	FUZZ_CHECK(strlen(s) <= AM_WRITE_MESSAGE_MAX + 3, "a cut message");
	free(s);

	s = am_write_silence_id(body, size);
	if (s != NULL) {
		v = cJSON_GetObjectItemCaseSensitive(root, "silenceID");
		FUZZ_CHECK(cJSON_IsString(v) && strcmp(v->valuestring, s) == 0,
		    "the id is the answer's silenceID");
		FUZZ_CHECK(*s != '\0' && strlen(s) <= 200 &&
		    fuzz_terminal_safe(s, 0), "a clean id");
		free(s);
	}

	state = state_of(root);
	ok = am_write_shows(1, 0, body, size);
	FUZZ_CHECK(ok == 0 || ok == 1, "0 or 1");
	if (ok)
		FUZZ_CHECK(state != NULL && strcmp(state, "expired") == 0,
		    "shown expired only when it says so");
	ok = am_write_shows(0, 1796000000000, body, size);
	FUZZ_CHECK(ok == 0 || ok == 1, "0 or 1");
	if (ok)
		FUZZ_CHECK(state != NULL && strcmp(state, "expired") != 0 &&
		    cJSON_GetObjectItemCaseSensitive(root, "endsAt") != NULL,
		    "shown written only when not expired, with an end");
	cJSON_Delete(root);
	free(body);
	return 0;
}
