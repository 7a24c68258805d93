/*
 * fuzz_kube.c: Kubernetes lists and watch streams on any body.
 *
 * Each body is read as a page of a list of every kind (kube_rows_parse)
 * and, for the kinds that took it, merged into an informer and stored
 * (inside a transaction rolled back after, in a cache of its own).  Then
 * it is fed as a watch stream in pieces whose sizes come from the input,
 * and, when it is a list, its items are fed again as watch events (added,
 * modified, a bookmark, deleted) so that the seeds of recorded lists
 * reach the event paths; the informers are stored after.  A parse
 * returns 0 with no cause or -1 with one (nothing appended); a feed ends
 * OK, EXPIRED or FAILED, with a cause exactly on FAILED; every cause is
 * one line safe for a terminal; continue tokens and resourceVersions
 * (opaque, sent back URL-encoded) are capped.  Leaks are findings too.
 */
#include "config.h"

#include <unistd.h>

#include <cJSON.h>

#include "backends/kube.h"
#include "core/cache.h"
#include "tests/fuzz/fuzz.h"

#define TOKEN_MAX	8192	/* bytes of a continue token or version */

int	LLVMFuzzerInitialize(int *, char ***);

static struct cache	*cache;
static char		 dir[] = "/tmp/sitrep-fuzz-kube-XXXXXX";
static char		 path[sizeof dir + 16];

/* Remove the cache's files at exit. */
static void
cleanup(void)
{
	static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
	char	p[sizeof path + 16];
	size_t	i;

	cache_close(cache);
	for (i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, tails[i]);
		(void)unlink(p);
	}
	(void)rmdir(dir);
}

/* Open the cache every input is stored into. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*warning = NULL, *cause = NULL;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(path, sizeof path, "%s/cache.db", dir);
	if ((cache = cache_open(path, 0, &warning, &cause)) == NULL) {
		fprintf(stderr, "cache: %s\n", cause);
		exit(2);
	}
	free(warning);
	atexit(cleanup);
	return 0;
}

/* A cause that is there exactly when it should be, and safe to show. */
static void
check_cause(int failed, char *cause)
{
	if (!failed) {
		FUZZ_CHECK(cause == NULL, "no cause on success");
		return;
	}
	FUZZ_CHECK(cause != NULL && *cause != '\0', "a cause on failure");
	FUZZ_CHECK(fuzz_terminal_safe(cause, 0), "the cause is safe to show");
	free(cause);
}

/* Store informers of kind, full or by changes, and roll back. */
static void
store(enum kube_kind kind, struct kube_informer *const *ki, size_t n,
    int full)
{
	char	*cause = NULL;

	FUZZ_CHECK(cache_begin(cache, &cause) == 0, "a transaction");
	FUZZ_CHECK(kube_informers_store(cache, "fuzz", kind, ki, n, full,
	    1700000000000LL, &cause) == 0, "the rows store");
	cache_rollback(cache);
}

/* Feed text to ki in pieces of the sizes steps gives, cycling. */
static enum kube_watch_result
feed(struct kube_informer *ki, const char *text, size_t len,
    const uint8_t *steps, size_t nsteps)
{
	enum kube_watch_result	 rc = KUBE_WATCH_OK;
	size_t			 off = 0, k = 0, n;
	char			*cause = NULL;

	while (off < len && rc == KUBE_WATCH_OK) {
		n = nsteps > 0 ? (size_t)steps[k++ % nsteps] + 1 : len;
		if (n > len - off)
			n = len - off;
		cause = NULL;
		rc = kube_informer_feed(ki, text + off, n, &cause);
		FUZZ_CHECK(rc == KUBE_WATCH_OK || rc == KUBE_WATCH_EXPIRED ||
		    rc == KUBE_WATCH_FAILED, "a known result");
		check_cause(rc == KUBE_WATCH_FAILED, cause);
		off += n;
	}
	FUZZ_CHECK(kube_informer_version(ki) == NULL ||
	    strlen(kube_informer_version(ki)) <= TOKEN_MAX,
	    "a resourceVersion is capped");
	return rc;
}

/* The list's items as watch events, one a line: the events of a life. */
static char *
events_of(const cJSON *list, size_t *len)
{
	static const char *const types[] = { "ADDED", "MODIFIED", "BOOKMARK",
	    "DELETED" };
	const cJSON	*item;
	cJSON		*ev;
	char		*line, *out = NULL;
	size_t		 n = 0, k, l;

	for (k = 0; k < sizeof types / sizeof types[0]; k++) {
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(list,
		    "items")) {
			ev = cJSON_CreateObject();
			cJSON_AddStringToObject(ev, "type", types[k]);
			cJSON_AddItemToObject(ev, "object",
			    cJSON_Duplicate(item, 1));
			line = cJSON_PrintUnformatted(ev);
			cJSON_Delete(ev);
			if (line == NULL)
				continue;
			l = strlen(line);
			out = realloc(out, n + l + 2);
			FUZZ_CHECK(out != NULL, "memory");
			memcpy(out + n, line, l);
			out[n + l] = '\n';
			n += l + 1;
			out[n] = '\0';
			cJSON_free(line);
		}
	}
	*len = n;
	return out;
}

/* One input: every kind, as a list and as a watch stream. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*body = (const char *)data;
	struct kube_rows	*r;
	struct kube_informer	*ki[2];
	cJSON			*list;
	char			*next, *cause, *ev;
	size_t			 n, evlen;
	int			 k, rc;

	list = cJSON_ParseWithLength(body, size);
	ev = cJSON_IsObject(list) ? events_of(list, &evlen) : NULL;
	cJSON_Delete(list);

	for (k = 0; k < KUBE_NKINDS; k++) {
		r = kube_rows_new((enum kube_kind)k);
		next = cause = NULL;
		rc = kube_rows_parse(r, body, size, &next, &cause);
		FUZZ_CHECK(rc == 0 || rc == -1, "0 or -1");
		check_cause(rc != 0, cause);
		n = kube_rows_count(r);
		if (rc != 0)
			FUZZ_CHECK(n == 0 && next == NULL,
			    "nothing appended on failure");
		/* Tokens are opaque (sent back URL-encoded), but capped. */
		FUZZ_CHECK((next == NULL || strlen(next) <= TOKEN_MAX) &&
		    (kube_rows_version(r) == NULL ||
		    strlen(kube_rows_version(r)) <= TOKEN_MAX),
		    "tokens are capped");
		free(next);

		ki[0] = kube_informer_new((enum kube_kind)k);
		ki[1] = kube_informer_new((enum kube_kind)k);
		if (rc == 0) {
			kube_informer_sync(ki[0], r);
			FUZZ_CHECK(kube_rows_count(r) == 0, "the list moved");
			FUZZ_CHECK(kube_rows_count(kube_informer_rows(ki[0]))
			    <= n, "no more objects than items");
			store((enum kube_kind)k, ki, 1, 1);
		}
		/* The body as a stream, in pieces the input sizes. */
		(void)feed(ki[1], body, size, data, size < 8 ? size : 8);
		store((enum kube_kind)k, ki + 1, 1, 1);
		if (ev != NULL) {
			(void)feed(ki[0], ev, evlen, data, size < 4 ? size : 4);
			store((enum kube_kind)k, ki, 1, 0);
		}
		kube_informer_free(ki[0]);
		kube_informer_free(ki[1]);
		kube_rows_free(r);
	}
	free(ev);
	return 0;
}
