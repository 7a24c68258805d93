/*
 * fuzz_alertmanager.c: the parsers of Alertmanager answers on any body.
 *
 * Each body goes to am_parse_alerts(), am_parse_silences() and
 * am_parse_status() under a success status and an error status.  Each
 * returns 0 or -1; on -1 there is a cause safe for a terminal and no
 * list; on 0 every string is valid UTF-8, every field kept as JSON text
 * parses back, an alert's state is one of the three Alertmanager has,
 * times are 0 or after the epoch, and the rows for the store borrow the
 * same strings.  Leaks are findings too.
 */
#include "config.h"

#include <cJSON.h>

#include "backends/alertmanager.h"
#include "core/store.h"
#include "tests/fuzz/fuzz.h"

/* 0 or -1, with a safe cause exactly on -1. */
static void
check_cause(int rc, char *cause)
{
	FUZZ_CHECK(rc == 0 || rc == -1, "0 or -1");
	if (rc == 0) {
		FUZZ_CHECK(cause == NULL, "no cause on success");
		return;
	}
	FUZZ_CHECK(cause != NULL && *cause != '\0', "a cause on failure");
	FUZZ_CHECK(fuzz_terminal_safe(cause, 0), "the cause is safe to show");
	free(cause);
}

/* s is valid UTF-8 JSON text of the kind wanted (an object or array). */
static void
check_json(const char *s, int want_object, const char *what)
{
	cJSON	*v;

	FUZZ_CHECK(s != NULL && fuzz_str_valid(s), what);
	v = cJSON_Parse(s);
	FUZZ_CHECK(v != NULL, what);
	FUZZ_CHECK(want_object ? cJSON_IsObject(v) : cJSON_IsArray(v) ||
	    cJSON_IsObject(v) || cJSON_IsNull(v) || cJSON_IsString(v) ||
	    cJSON_IsNumber(v) || cJSON_IsBool(v), what);
	cJSON_Delete(v);
}

/* The alerts of one answer. */
static void
check_alerts(const char *body, size_t len, long status)
{
	struct am_alert		*a = NULL;
	struct store_alert	 row;
	size_t			 n = 0, i;
	char			*cause = NULL;
	int			 rc;

	rc = am_parse_alerts(body, len, status, &a, &n, &cause);
	check_cause(rc, cause);
	if (rc != 0) {
		FUZZ_CHECK(a == NULL && n == 0, "no alerts on failure");
		return;
	}
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(a[i].fingerprint != NULL &&
		    *a[i].fingerprint != '\0' &&
		    fuzz_str_valid(a[i].fingerprint), "a fingerprint");
		FUZZ_CHECK(a[i].alertname != NULL &&
		    fuzz_str_valid(a[i].alertname) &&
		    fuzz_str_valid(a[i].severity) &&
		    fuzz_str_valid(a[i].generator_url), "valid UTF-8");
		FUZZ_CHECK(a[i].state != NULL &&
		    (strcmp(a[i].state, "active") == 0 ||
		    strcmp(a[i].state, "suppressed") == 0 ||
		    strcmp(a[i].state, "unprocessed") == 0), "a known state");
		check_json(a[i].labels, 1, "labels are a JSON object");
		check_json(a[i].annotations, 0, "annotations are JSON");
		check_json(a[i].silenced_by, 0, "silencedBy is JSON");
		check_json(a[i].inhibited_by, 0, "inhibitedBy is JSON");
		check_json(a[i].receivers, 0, "receivers are JSON");
		FUZZ_CHECK(a[i].starts_at_ms >= 0 && a[i].ends_at_ms >= 0 &&
		    a[i].updated_at_ms >= 0, "times are 0 or after the epoch");
		memset(&row, 0, sizeof row);
		am_alert_row(&a[i], "127.0.0.1:9093", &row);
	}
	am_alerts_free(a, n);
}

/* The silences of one answer. */
static void
check_silences(const char *body, size_t len, long status)
{
	struct am_silence	*s = NULL;
	struct store_silence	 row;
	size_t			 n = 0, i;
	char			*cause = NULL;
	int			 rc;

	rc = am_parse_silences(body, len, status, &s, &n, &cause);
	check_cause(rc, cause);
	if (rc != 0) {
		FUZZ_CHECK(s == NULL && n == 0, "no silences on failure");
		return;
	}
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(s[i].id != NULL && fuzz_str_valid(s[i].id) &&
		    fuzz_str_valid(s[i].state) &&
		    fuzz_str_valid(s[i].created_by) &&
		    fuzz_str_valid(s[i].comment), "valid UTF-8");
		check_json(s[i].matchers, 0, "matchers are JSON");
		FUZZ_CHECK(s[i].starts_at_ms >= 0 && s[i].ends_at_ms >= 0 &&
		    s[i].updated_at_ms >= 0, "times are 0 or after the epoch");
		memset(&row, 0, sizeof row);
		am_silence_row(&s[i], "127.0.0.1:9093", &row);
	}
	am_silences_free(s, n);
}

/* One input: every parser, under a success and an error status. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 500 };
	const char	*body = (const char *)data;
	char		*cluster, *cause;
	size_t		 k;
	int		 peers, rc;

	for (k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
		check_alerts(body, size, statuses[k]);
		check_silences(body, size, statuses[k]);
		cluster = NULL;
		cause = NULL;
		rc = am_parse_status(body, size, statuses[k], &cluster,
		    &peers, &cause);
		check_cause(rc, cause);
		FUZZ_CHECK(peers >= 0, "a peer count");
		FUZZ_CHECK(fuzz_str_valid(cluster), "cluster status valid");
		if (rc != 0)
			FUZZ_CHECK(cluster == NULL, "nothing on failure");
		free(cluster);
	}
	return 0;
}
