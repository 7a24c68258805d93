/*
 * test_sources.c: what a round warned of is stored with it and shown.
 *
 * A round can work and still warn (one Alertmanager of a pair down): the
 * poller stores the warning in the source's row in the round's
 * transaction, a failed round clears it (its error says more), and the
 * views hand it to every document: text, Markdown, HTML and JSON.  The
 * writer clips the text and makes it valid UTF-8, as it does errors.
 *
 * With POLLER_STORE_AWAY (the console) an "away" source's round is stored
 * on the loop's worker through another connection, and a source stored
 * in place never makes the loop wait for a cache another writer holds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cJSON.h>
#include <sqlite3.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/backend.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/store.h"
#include "core/views.h"
#include "export/export.h"

static char	dir[] = "/tmp/sitrep-sources-XXXXXX";
static char	name_default[] = "default";

#define WARNING	"1 of 2 Alertmanagers did not answer (alerts are from the " \
	"others): connection refused at 127.0.0.1:9094: is Alertmanager " \
	"running?"

/* What the fake source's next round ends with. */
static struct {
	int		 ok;
	const char	*error;
	const char	*warning;
	int		 stored;
} round_plan;

/* A round of the fake source: done at once, as planned. */
static void
fake_refresh(struct source *s)
{
	source_done(s, round_plan.ok, round_plan.error, round_plan.warning,
	    round_plan.ok ? 3 : 0);
}

/* Nothing to store beyond the sources row. */
static int
fake_store(struct source *s, struct cache *c, int64_t now, char **cause)
{
	(void)s;
	(void)c;
	(void)now;
	(void)cause;
	return 0;
}

static const struct backend_ops fake_ops = {
	"alertmanager", fake_refresh, fake_store, NULL, NULL, NULL, 0
};

/* Where the away source's last store ran, and through what. */
static struct {
	pthread_t	 thread;
	struct cache	*cache;
	int		 stores;
} away_seen;

/* An away source's store: note the thread and the connection. */
static int
fake_away_store(struct source *s, struct cache *c, int64_t now,
    char **cause)
{
	(void)s;
	(void)now;
	(void)cause;
	away_seen.thread = pthread_self();
	away_seen.cache = c;
	away_seen.stores++;
	return 0;
}

static const struct backend_ops fake_away_ops = {
	"prometheus", fake_refresh, fake_away_store, NULL, NULL, NULL, 1
};

/* Count stored rounds. */
static void
stored(struct source *s, void *arg)
{
	(void)s;
	(void)arg;
	round_plan.stored++;
}

/* Before each wait: store what finished. */
static void
flush(void *arg)
{
	poller_flush(arg);
}

/* The last_warning of the default context's alertmanager row, or NULL. */
static char *
row_warning(struct cache *c)
{
	sqlite3_stmt	*st;
	char		*w = NULL;

	if (sqlite3_prepare_v2(cache_db(c), "SELECT last_warning FROM sources"
	    " WHERE context = 'default' AND name = 'alertmanager'", -1, &st,
	    NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) !=
	    SQLITE_NULL)
		w = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return w;
}

/* Run one round of p as planned and wait until it is stored. */
static void
play_round(struct runtime *rt, struct poller *p)
{
	int	i, before = round_plan.stored;

	poller_refresh_now(p);
	for (i = 0; i < 100 && round_plan.stored == before; i++)
		loop_run_once(runtime_loop(rt), 20);
	CHECK_INT(round_plan.stored, before + 1);
}

/* Render v as fmt into a new string. */
static char *
render(const struct views *v, enum export_format fmt)
{
	struct export_opts	 eo;
	struct buf		 b;
	char			*cause = NULL, *out;

	memset(&eo, 0, sizeof eo);
	eo.width = 400;
	eo.utf8 = 1;
	buf_init(&b, 0);
	if (export_render(v, fmt, &eo, &b, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		buf_done(&b);
		return xstrdup("");
	}
	out = xstrdup(buf_str(&b));
	buf_done(&b);
	return out;
}

/*
 * A round that warns stores its warning; every document shows it; a
 * round that fails clears it; a clean round leaves none.
 */
static void
test_warning_round(void)
{
	struct conf_endpoint	 am;
	struct conf_context	 ctx;
	struct cache		*c;
	struct runtime		*rt = NULL;
	struct poller		*p;
	struct source		*s;
	struct views		*v;
	const struct view_source *vs;
	cJSON			*doc, *srcs, *w;
	char			*path, *warning = NULL, *cause = NULL, *got, *doc_s;

	memset(&am, 0, sizeof am);
	memset(&ctx, 0, sizeof ctx);
	ctx.name = name_default;
	ctx.refresh_ms = 15000;
	ctx.alertmanagers = &am;
	ctx.nalertmanagers = 1;
	path = xasprintf("%s/warn.db", dir);
	c = cache_open(path, 0, &warning, &cause);
	free(warning);
	free(path);
	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		cache_close(c);
		return;
	}
	/* No kinds wanted: the fake source is the poller's only one. */
	p = runtime_set_context(rt, NULL, NULL, 0, &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	s = poller_source_new(p, "alertmanager", 1000);
	s->ops = &fake_ops;
	s->items_what = "alerts";
	poller_add(p, s);
	poller_set_notify(p, stored, NULL);
	loop_set_before_sleep(runtime_loop(rt), flush, p);
	poller_start(p);

	/* A round that worked but warned. */
	round_plan.ok = 1;
	round_plan.error = NULL;
	round_plan.warning = WARNING;
	play_round(rt, p);
	got = row_warning(c);
	CHECK_STR(got, WARNING);
	free(got);
	v = views_build(c, NULL, &ctx, util_now_ms(), &cause);
	CHECK(v != NULL);
	if (v != NULL) {
		vs = views_source(v, "alertmanager");
		CHECK(vs != NULL && vs->ok && vs->error == NULL);
		CHECK(vs != NULL && vs->warning != NULL &&
		    strcmp(vs->warning, WARNING) == 0);
		got = render(v, EXPORT_TEXT);
		CHECK_CONTAINS(got, "warning: 1 of 2 Alertmanagers did not "
		    "answer");
		free(got);
		got = render(v, EXPORT_MARKDOWN);
		CHECK_CONTAINS(got, "warning: 1 of 2 Alertmanagers did not "
		    "answer");
		free(got);
		got = render(v, EXPORT_HTML);
		CHECK_CONTAINS(got, "warning: 1 of 2 Alertmanagers did not "
		    "answer");
		free(got);
		doc_s = render(v, EXPORT_JSON);
		doc = cJSON_Parse(doc_s);
		srcs = cJSON_GetObjectItemCaseSensitive(doc, "sources");
		w = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(srcs,
		    0), "warning");
		CHECK(cJSON_IsString(w) && strcmp(w->valuestring, WARNING) ==
		    0);
		cJSON_Delete(doc);
		free(doc_s);
		views_free(v);
	} else
		free(cause);

	/* A failed round: the error, and no warning left over. */
	round_plan.ok = 0;
	round_plan.error = "connection refused at 127.0.0.1:9093";
	round_plan.warning = NULL;
	play_round(rt, p);
	got = row_warning(c);
	CHECK(got == NULL);
	free(got);
	v = views_build(c, NULL, &ctx, util_now_ms(), &cause);
	if (v != NULL) {
		vs = views_source(v, "alertmanager");
		CHECK(vs != NULL && vs->warning == NULL && vs->error != NULL);
		doc_s = render(v, EXPORT_JSON);
		doc = cJSON_Parse(doc_s);
		srcs = cJSON_GetObjectItemCaseSensitive(doc, "sources");
		w = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(srcs,
		    0), "warning");
		CHECK(cJSON_IsNull(w));
		cJSON_Delete(doc);
		free(doc_s);
		views_free(v);
	} else {
		CHECK(!"views");
		free(cause);
	}

	/* A clean round after a warning: none. */
	round_plan.ok = 1;
	round_plan.warning = WARNING;
	play_round(rt, p);
	round_plan.warning = NULL;
	play_round(rt, p);
	got = row_warning(c);
	CHECK(got == NULL);
	free(got);
	loop_set_before_sleep(runtime_loop(rt), NULL, NULL);
out:
	runtime_free(rt);
	cache_close(c);
}

/* The writer clips a long warning and makes it valid UTF-8. */
static void
test_warning_clipped(void)
{
	struct cache	*c;
	char		*path, *warning = NULL, *cause = NULL, *got;
	char		 big[3 * STORE_WARNING_MAX];
	size_t		 i;

	path = xasprintf("%s/clip.db", dir);
	c = cache_open(path, 0, &warning, &cause);
	free(warning);
	free(path);
	if (c == NULL) {
		CHECK(!"a cache");
		free(cause);
		return;
	}
	/* Two-byte characters across the limit, one invalid byte first. */
	big[0] = '\xff';
	for (i = 1; i + 2 < sizeof big; i += 2) {
		big[i] = '\xc3';
		big[i + 1] = '\xa9';
	}
	big[i] = '\0';
	CHECK_INT(cache_source_update(c, "default", "alertmanager",
	    "alertmanager", 1000, 1, 5, NULL, 1, &cause), 0);
	CHECK_INT(store_source_warning(c, "default", "alertmanager", big,
	    &cause), 0);
	got = row_warning(c);
	CHECK(got != NULL);
	if (got != NULL) {
		CHECK(strlen(got) <= STORE_WARNING_MAX + 2);
		CHECK(strlen(got) > STORE_WARNING_MAX / 2);
		/* The invalid byte is U+FFFD, no sequence is cut. */
		CHECK(strncmp(got, "\xef\xbf\xbd\xc3\xa9", 5) == 0);
		CHECK(got[strlen(got) - 2] == '\xc3' &&
		    got[strlen(got) - 1] == '\xa9');
	}
	free(got);
	CHECK_INT(store_source_warning(c, "default", "alertmanager", NULL,
	    &cause), 0);
	got = row_warning(c);
	CHECK(got == NULL);
	free(got);
	cache_close(c);
}

/* The sources row of name: whether its last round worked, or -1. */
static int
row_ok(struct cache *c, const char *name)
{
	sqlite3_stmt	*st;
	int		 ok = -1;

	if (sqlite3_prepare_v2(cache_db(c), "SELECT last_error IS NULL AND"
	    " last_success_ms IS NOT NULL FROM sources"
	    " WHERE context = 'default' AND name = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return ok;
}

/*
 * The console's poller (POLLER_STORE_AWAY): an away source is stored on
 * another thread through another connection, its row written; a source
 * stored in place waits, without the loop waiting, while another
 * connection holds the write, and is stored once it is free, not failed
 * as "database is locked".
 */
static void
test_store_away(void)
{
	struct cache	*c;
	struct runtime	*rt = NULL;
	struct poller	*p;
	struct source	*a, *b;
	sqlite3		*other = NULL;
	char		*path, *warning = NULL, *cause = NULL;
	int		 i, before;

	path = xasprintf("%s/away.db", dir);
	c = cache_open(path, 0, &warning, &cause);
	free(warning);
	if (c == NULL || (rt = runtime_new(c, &cause)) == NULL) {
		CHECK(!"a cache and a runtime");
		free(cause);
		free(path);
		cache_close(c);
		return;
	}
	p = runtime_set_context(rt, NULL, NULL, POLLER_STORE_AWAY, &cause);
	CHECK(p != NULL);
	if (p == NULL) {
		free(cause);
		goto out;
	}
	a = poller_source_new(p, "prometheus", 1000);
	a->ops = &fake_away_ops;
	poller_add(p, a);
	b = poller_source_new(p, "alertmanager", 1000);
	b->ops = &fake_ops;
	poller_add(p, b);
	poller_set_notify(p, stored, NULL);
	loop_set_before_sleep(runtime_loop(rt), flush, p);
	round_plan.ok = 1;
	round_plan.error = round_plan.warning = NULL;
	memset(&away_seen, 0, sizeof away_seen);
	round_plan.stored = 0;
	poller_start(p);
	for (i = 0; i < 200 && round_plan.stored < 2; i++)
		loop_run_once(runtime_loop(rt), 20);
	CHECK_INT(round_plan.stored, 2);
	CHECK_INT(away_seen.stores, 1);
	CHECK(away_seen.stores == 1 &&
	    !pthread_equal(away_seen.thread, pthread_self()));
	CHECK(away_seen.cache != NULL && away_seen.cache != c);
	CHECK_INT(row_ok(c, "prometheus"), 1);
	CHECK_INT(row_ok(c, "alertmanager"), 1);

	/* Another connection holds the write: b waits, the loop does not. */
	CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
	CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	before = round_plan.stored;
	b->next_ms = 0;
	for (i = 0; i < 100 && !b->pending_store; i++)
		loop_run_once(runtime_loop(rt), 20);
	for (i = 0; i < 10; i++)
		loop_run_once(runtime_loop(rt), 20);
	CHECK_INT(round_plan.stored, before);
	CHECK(b->pending_store);
	CHECK_INT(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 100 && round_plan.stored == before; i++)
		loop_run_once(runtime_loop(rt), 20);
	CHECK_INT(round_plan.stored, before + 1);
	CHECK_INT(row_ok(c, "alertmanager"), 1);
	CHECK(b->error == NULL);
	sqlite3_close(other);
	loop_set_before_sleep(runtime_loop(rt), NULL, NULL);
out:
	free(path);
	runtime_free(rt);
	cache_close(c);
}

/* Remove the temp dir's files. */
static void
cleanup(void)
{
	static const char *const names[] = { "warn.db", "warn.db-wal",
	    "warn.db-shm", "clip.db", "clip.db-wal", "clip.db-shm", "away.db",
	    "away.db-wal", "away.db-shm" };
	char	*path;
	size_t	 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		unlink(path);
		free(path);
	}
	rmdir(dir);
}

static const struct test tests[] = {
	TEST(test_warning_round),
	TEST(test_warning_clipped),
	TEST(test_store_away),
	{ NULL, NULL }
};

int
main(void)
{
	int	rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = harness_run(tests);
	cleanup();
	return rc;
}
