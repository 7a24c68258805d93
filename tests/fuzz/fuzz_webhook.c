/*
 * fuzz_webhook.c: the webhook receiver's request reader on any bytes.
 *
 * The input is a request as it arrives on a connection.  Its size picks
 * the pieces it arrives in (1 to 16 bytes, or whole); it is read by
 * webhook_request_status() a piece at a time, the way the receiver reads
 * a connection, and whole.  Properties:
 *
 *   - read in pieces it says what it says read whole (status, body);
 *   - the status is 0 (more needed), 200, 405, 411, 413 or 431, and 0
 *     only while the headers are within WEBHOOK_MAX_HEADERS;
 *   - on 200 the body lies within the input, after the headers, and at
 *     most WEBHOOK_MAX_BODY long;
 *   - the search for the headers' end never goes back more than 3 bytes
 *     (each byte of a trickle is searched once);
 *   - webhook_body_alerts() on the body (and on the whole input) hands
 *     over only labels objects, a status that is a string, and counts
 *     them right.
 *
 * The input is copied to a buffer of its exact size, so a read past the
 * end is an ASan report.  Leaks are findings too.
 */
#include "config.h"

#include <cJSON.h>

#include "backends/webhook.h"
#include "tests/fuzz/fuzz.h"

/* Each alert handed over: a labels object, a status string. */
static void
on_alert(const char *status, const cJSON *labels, void *arg)
{
	size_t	*n = arg;

	FUZZ_CHECK(status != NULL, "a status");
	FUZZ_CHECK(cJSON_IsObject(labels), "labels are an object");
	(*n)++;
}

/* The alerts of body, counted by the callback and by the return. */
static void
check_body(const char *body, size_t len)
{
	size_t	seen = 0, n;

	n = webhook_body_alerts(body, len, on_alert, &seen);
	FUZZ_CHECK(n == seen, "the count is the alerts handed over");
}

/* One input: a request, read in pieces and whole. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*req;
	size_t	 len, step, have, scanned, prev, body = 0, blen = 0;
	size_t	 wbody = 0, wblen = 0;
	int	 whole, st;

	step = size % 17;
	len = size;
	req = malloc(len > 0 ? len : 1);
	if (req == NULL)
		abort();
	if (len > 0)
		memcpy(req, data, len);

	scanned = 0;
	whole = len > 0 ? webhook_request_status(req, len, &scanned, &wbody,
	    &wblen) : 0;
	FUZZ_CHECK(whole == 0 || whole == 200 || whole == 405 ||
	    whole == 411 || whole == 413 || whole == 431, "a known status");
	if (whole == 0)
		FUZZ_CHECK(len <= WEBHOOK_MAX_HEADERS + WEBHOOK_MAX_BODY,
		    "more is needed only within the limits");
	if (whole == 200) {
		FUZZ_CHECK(wbody >= 4 && wbody <= WEBHOOK_MAX_HEADERS &&
		    wblen <= WEBHOOK_MAX_BODY && wbody + wblen <= len,
		    "the body lies within the request");
		FUZZ_CHECK(memcmp(req + wbody - 4, "\r\n\r\n", 4) == 0,
		    "the body follows the headers");
		check_body(req + wbody, wblen);
	}

	if (step > 0) {
		/* The same request arriving step bytes at a time. */
		scanned = 0;
		st = 0;
		for (have = 0; st == 0 && have < len; ) {
			have += len - have < step ? len - have : step;
			prev = scanned;
			st = webhook_request_status(req, have, &scanned, &body,
			    &blen);
			FUZZ_CHECK(scanned + 3 >= prev && scanned <= have,
			    "the search never goes back");
		}
		FUZZ_CHECK(st == whole, "in pieces as whole");
		if (st == 200)
			FUZZ_CHECK(body == wbody && blen == wblen,
			    "the same body in pieces");
	}
	check_body(req, len);
	free(req);
	return 0;
}
