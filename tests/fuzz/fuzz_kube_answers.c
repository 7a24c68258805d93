/*
 * fuzz_kube_answers.c: the other Kubernetes answers sitrep reads.
 *
 * A Status body of a refused request (kube_status_sentence, under each
 * status it has words for), the label selector of an object, the
 * containers of a pod and the lines of a log, and the two answers a
 * rollback plan reads: the input is split at its first NUL byte into a
 * deployment and its ReplicaSets (without one, the input is both), which
 * kube_undo_plan() and kube_template_diff() read, as the pod templates of
 * the two halves.  Each sentence, message and line is safe for a
 * terminal; a plan is 0 with a patch (JSON) or a message, or -1 with a
 * cause; a selector or a container list is there exactly when no cause
 * is.  Leaks are findings too.
 */
#include "config.h"

#include <cJSON.h>

#include "backends/kube.h"
#include "base/json.h"
#include "tests/fuzz/fuzz.h"

/* s is one line (or several with multiline) safe for a terminal. */
static void
check_safe(const char *s, int multiline, const char *what)
{
	FUZZ_CHECK(s != NULL && fuzz_terminal_safe(s, multiline), what);
}

/* The sentences of a refused request. */
static void
check_status(const char *body, size_t len)
{
	static const long statuses[] = { 400, 401, 403, 404, 409, 410, 422,
	    500, 503, 0 };
	size_t	k;
	char	*s;

	for (k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
		s = kube_status_sentence(statuses[k], body, len, "list",
		    "pods", k % 2 ? "default" : NULL, k % 3 ? NULL : "web");
		check_safe(s, 0, "a status sentence is safe to show");
		free(s);
	}
}

/* A rollback plan and a template diff of a (deployment, list) pair. */
static void
check_undo(const char *dep, size_t dlen, const char *rs, size_t rlen)
{
	static const int64_t revisions[] = { 0, 1, 2, -1 };
	char		*patch, *message, *cause, *diff;
	int64_t		 rev;
	cJSON		*p;
	size_t		 k;
	int		 rc;

	for (k = 0; k < sizeof revisions / sizeof revisions[0]; k++) {
		patch = message = cause = NULL;
		rev = -7;
		rc = kube_undo_plan(dep, dlen, rs, rlen, revisions[k], &patch,
		    &rev, &message, &cause);
		FUZZ_CHECK(rc == 0 || rc == -1, "0 or -1");
		if (rc == 0) {
			FUZZ_CHECK(cause == NULL, "no cause on success");
			FUZZ_CHECK((patch != NULL) != (message != NULL),
			    "a patch or a message");
			if (patch != NULL) {
				p = cJSON_Parse(patch);
				FUZZ_CHECK(p != NULL, "the patch is JSON");
				cJSON_Delete(p);
				FUZZ_CHECK(rev > 0, "a revision to go to");
			} else
				check_safe(message, 0, "the message is safe");
		} else {
			FUZZ_CHECK(patch == NULL && message == NULL,
			    "nothing but a cause on failure");
			check_safe(cause, 0, "the cause is safe to show");
		}
		free(patch);
		free(message);
		free(cause);
	}
	diff = kube_template_diff(dep, dlen, rs, rlen);
	if (diff != NULL)
		check_safe(diff, 1, "a diff is safe to show");
	free(diff);
}

/* The selector, containers, template summary and log lines of a body. */
static void
check_object(const char *body, size_t len)
{
	char	**names = NULL, **lines, *chosen = NULL, *note = NULL;
	char	*cause = NULL, *sel, *sum;
	size_t	  n = 0, i;
	cJSON	 *o;
	int	  rc, truncated = 0;

	sel = kube_label_selector(body, len, &cause);
	FUZZ_CHECK((sel == NULL) == (cause != NULL),
	    "a selector or a cause");
	if (sel != NULL)
		FUZZ_CHECK(fuzz_str_valid(sel), "the selector is valid UTF-8");
	else
		check_safe(cause, 0, "the cause is safe to show");
	free(sel);
	free(cause);

	cause = NULL;
	rc = kube_logs_containers(body, len, &names, &n, &chosen, &note,
	    &cause);
	FUZZ_CHECK(rc == 0 || rc == -1, "0 or -1");
	if (rc == 0) {
		FUZZ_CHECK(cause == NULL && n > 0 && chosen != NULL,
		    "containers and the one chosen");
		for (i = 0; i < n; i++)
			FUZZ_CHECK(fuzz_str_valid(names[i]),
			    "names are valid UTF-8");
		FUZZ_CHECK(fuzz_str_valid(chosen) && fuzz_str_valid(note),
		    "valid UTF-8");
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		free(chosen);
		free(note);
	} else {
		check_safe(cause, 0, "the cause is safe to show");
		free(cause);
	}

	o = cJSON_ParseWithLength(body, len);
	if (o != NULL) {
		sum = kube_template_summary(json_get(o, "spec.template"));
		FUZZ_CHECK(sum != NULL && fuzz_str_valid(sum),
		    "a summary is valid UTF-8");
		free(sum);
		cJSON_Delete(o);
	}

	lines = kube_logs_lines(body, len, 50, &n, &truncated);
	FUZZ_CHECK(n <= 50, "at most max lines");
	for (i = 0; i < n; i++) {
		check_safe(lines[i], 0, "a log line is safe to show");
		FUZZ_CHECK(strlen(lines[i]) <= KUBE_LOGS_LINE_MAX,
		    "a log line is cut");
	}
	kube_logs_lines_free(lines, n);
}

/* One input: the whole as each answer, then its halves as a pair. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data, *nul;
	size_t		 dlen;

	check_status(body, size);
	check_object(body, size);
	nul = memchr(body, '\0', size);
	dlen = nul != NULL ? (size_t)(nul - body) : size;
	if (nul != NULL)
		check_undo(body, dlen, nul + 1, size - dlen - 1);
	else
		check_undo(body, size, body, size);
	return 0;
}
