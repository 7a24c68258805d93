/*
 * test_readonly.c: read-only, enforced by what is built.
 *
 * A context with readonly: true gets no action gate for as long as it is
 * the current one, and the next context without it gets one again; a
 * runtime made read-only (--readonly) has none for any context.  Each
 * says why in one terminal-safe sentence.  Contexts added beside the
 * current one (a feeder's) poll into the cache under their own names and
 * never get a gate.  The console's help keeps the
 * acting keys and commands, marked, and marks nothing else.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/backend.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "tui/commands.h"
#include "tui/keymap.h"

static char	dir[] = "/tmp/sitrep-test-readonly.XXXXXX";

/* Load YAML text as a configuration; NULL if it has problems. */
static struct conf *
conf_of(const char *yaml, struct conf_problems *p)
{
	struct conf	*conf;
	char		*path;
	FILE		*f;

	path = xasprintf("%s/config.yaml", dir);
	if ((f = fopen(path, "w")) == NULL) {
		printf("Bail out! %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fputs(yaml, f);
	fclose(f);
	conf_problems_init(p);
	conf = conf_load(path, p);
	free(path);
	return conf;
}

/* The key: readonly is a boolean, false unless said. */
static void
test_conf_key(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf = conf_of("contexts:\n  - name: prod\n    readonly: true\n"
	    "  - name: staging\n", &p);
	CHECK(conf != NULL);
	CHECK_INT((int)p.n, 0);
	conf_problems_done(&p);
	if (conf == NULL)
		return;
	CHECK_INT(conf->contexts[0].readonly, 1);
	CHECK_INT(conf->contexts[1].readonly, 0);
	conf_free(conf);

	conf = conf_of("contexts:\n  - name: prod\n    readonly: maybe\n",
	    &p);
	CHECK(conf == NULL);
	CHECK(p.n >= 1);
	if (p.n >= 1)
		CHECK_CONTAINS(p.v[0], "readonly");
	conf_problems_done(&p);
	conf_free(conf);
}

/* The gate follows the context's readonly; --readonly wins for all. */
static void
test_runtime(void)
{
	struct conf_problems	 p;
	struct conf		*conf;
	struct cache		*cache;
	struct runtime		*rt;
	char			*path, *warning = NULL, *cause = NULL, *why;

	conf = conf_of("contexts:\n  - name: prod\n    readonly: true\n"
	    "  - name: staging\n  - name: \"bad\\e[31mname\"\n"
	    "    readonly: true\n", &p);
	conf_problems_done(&p);
	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	path = xasprintf("%s/cache.db", dir);
	cache = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	CHECK(cache != NULL);
	rt = runtime_new(cache, &cause);
	CHECK(rt != NULL);
	if (rt == NULL || cache == NULL) {
		free(cause);
		conf_free(conf);
		return;
	}
	CHECK(runtime_read_only_reason(rt) == NULL);	/* no context yet */

	runtime_set_context(rt, conf, &conf->contexts[1], 0, &cause);
	free(cause);
	cause = NULL;
	CHECK(runtime_gate(rt) != NULL);
	CHECK(runtime_read_only_reason(rt) == NULL);

	runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	free(cause);
	cause = NULL;
	CHECK(runtime_gate(rt) == NULL);
	CHECK(!runtime_read_only(rt));
	why = runtime_read_only_reason(rt);
	CHECK_STR(why, "read-only: context prod has readonly: true");
	free(why);

	/* A name from the file reaches the terminal harmless. */
	runtime_set_context(rt, conf, &conf->contexts[2], 0, &cause);
	free(cause);
	cause = NULL;
	why = runtime_read_only_reason(rt);
	CHECK(why != NULL && strchr(why, '\033') == NULL);
	CHECK_CONTAINS(why, "has readonly: true");
	free(why);

	/* And back: a context without it acts again. */
	runtime_set_context(rt, conf, &conf->contexts[1], 0, &cause);
	free(cause);
	cause = NULL;
	CHECK(runtime_gate(rt) != NULL);

	/* --readonly: for every context from now on, with its reason. */
	runtime_set_read_only_because(rt, "started with --readonly");
	CHECK(runtime_gate(rt) == NULL);
	CHECK(runtime_read_only(rt));
	why = runtime_read_only_reason(rt);
	CHECK_STR(why, "read-only: started with --readonly");
	free(why);
	runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	free(cause);
	cause = NULL;
	why = runtime_read_only_reason(rt);
	CHECK_STR(why, "read-only: started with --readonly");
	free(why);
	runtime_set_context(rt, conf, &conf->contexts[1], 0, &cause);
	free(cause);
	CHECK(runtime_gate(rt) == NULL);

	runtime_free(rt);
	cache_close(cache);
	conf_free(conf);
}

/* Lines of text that contain needle. */
static int
count_lines(const char *text, const char *needle)
{
	const char	*p = text, *nl;
	char		*line;
	int		 n = 0;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		if (strstr(line, needle) != NULL)
			n++;
		free(line);
		p = nl != NULL ? nl + 1 : p + strlen(p);
	}
	return n;
}

/* Help keeps the acting keys and commands, marked; nothing else. */
static void
test_help_marks(void)
{
	struct keymap	*km = keymap_new();
	struct buf	 b;

	CHECK(keymap_action_acts(ACT_ACK));
	CHECK(keymap_action_acts(ACT_SILENCE));
	CHECK(!keymap_action_acts(ACT_REFRESH));

	buf_init(&b, 0);
	keymap_help_marked(km, &b, "(read-only)");
	CHECK_CONTAINS(buf_str(&b), "ack              (read-only) "
	    "acknowledge the selected incident");
	CHECK_CONTAINS(buf_str(&b), "silence          (read-only) silence");
	/* a, s, and U, R, S, n, D: every key that acts, none other. */
	CHECK_INT(count_lines(buf_str(&b), "(read-only)"), 7);
	CHECK(keymap_action_acts(ACT_UNDO) && keymap_action_acts(ACT_RESTART) &&
	    keymap_action_acts(ACT_SCALE) && keymap_action_acts(ACT_NEXT_STEP) &&
	    keymap_action_acts(ACT_DELETE_POD));
	buf_done(&b);

	buf_init(&b, 0);
	keymap_help(km, &b);
	CHECK_INT(count_lines(buf_str(&b), "(read-only)"), 0);
	CHECK_CONTAINS(buf_str(&b), "ack              acknowledge");
	buf_done(&b);
	keymap_free(km);

	buf_init(&b, 0);
	commands_help(&b, "(read-only)");
	/* :ack, :unack, :note, :restart, :undo, :scale, :delete-pod. */
	CHECK_INT(count_lines(buf_str(&b), "(read-only)"), 7);
	CHECK_CONTAINS(buf_str(&b), "unack              (read-only) take");
	CHECK_CONTAINS(buf_str(&b), "note TEXT          (read-only) add");
	CHECK_INT(count_lines(buf_str(&b), "context NAME       switch"), 1);
	buf_done(&b);
	buf_init(&b, 0);
	commands_help(&b, NULL);
	CHECK_INT(count_lines(buf_str(&b), "(read-only)"), 0);
	buf_done(&b);
}

/* The pollers a feeder runs, stopped once every one has finished. */
struct feed {
	struct loop	*loop;
	struct poller	*p[2];
	struct loop_timer *deadline;	/* NULL once it has fired */
	int		 stored;
};

/* Before each wait: store the rounds; stop when both are in. */
static void
feed_before_sleep(void *arg)
{
	struct feed	*f = arg;

	f->stored += poller_flush(f->p[0]) + poller_flush(f->p[1]);
	if (poller_finished(f->p[0]) && poller_finished(f->p[1]))
		loop_stop(f->loop);
}

/* A run that does not finish in time stops the loop anyway. */
static int64_t
feed_deadline(void *arg)
{
	struct feed	*f = arg;

	f->deadline = NULL;
	loop_stop(f->loop);
	return -1;
}

/* Rows of the sources table for context. */
static int
source_rows(struct cache *cache, const char *context)
{
	sqlite3_stmt	*st;
	int		 n = -1;

	if (sqlite3_prepare_v2(cache_db(cache), "SELECT count(*) FROM "
	    "sources WHERE context = ? AND last_success_ms IS NOT NULL", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * Added contexts poll beside the current one on the same loop, each into
 * its own rows; the current poller and its gate stay as they were, and
 * the added ones are freed with the runtime.
 */
static void
test_added_contexts(void)
{
	struct conf_problems	 p;
	struct conf		*conf;
	struct cache		*cache;
	struct runtime		*rt;
	struct poller		*cur, *gone;
	struct action_gate	*gate;
	struct feed		 f;
	char			*path, *warning = NULL, *cause = NULL;

	conf = conf_of("contexts:\n  - name: staging\n"
	    "  - name: prod\n    readonly: true\n  - name: eu\n", &p);
	conf_problems_done(&p);
	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	path = xasprintf("%s/feed.db", dir);
	cache = cache_open(path, 0, &warning, &cause);
	free(path);
	free(warning);
	rt = cache != NULL ? runtime_new(cache, &cause) : NULL;
	CHECK(rt != NULL);
	if (rt == NULL) {
		free(cause);
		cache_close(cache);
		conf_free(conf);
		return;
	}
	runtime_simulate(rt, NULL);
	cur = runtime_set_context(rt, conf, &conf->contexts[0], 0, &cause);
	gate = runtime_gate(rt);
	CHECK(cur != NULL && gate != NULL);

	/* One freed early leaves the runtime's list without it. */
	gone = runtime_add_context(rt, conf, &conf->contexts[2], 0, &cause);
	CHECK(gone != NULL);
	poller_free(gone);

	memset(&f, 0, sizeof f);
	f.loop = runtime_loop(rt);
	f.p[0] = runtime_add_context(rt, conf, &conf->contexts[1],
	    POLLER_ONCE, &cause);
	f.p[1] = runtime_add_context(rt, conf, &conf->contexts[2],
	    POLLER_ONCE, &cause);
	CHECK(f.p[0] != NULL && f.p[1] != NULL);
	if (f.p[0] == NULL || f.p[1] == NULL) {
		free(cause);
		runtime_free(rt);
		cache_close(cache);
		conf_free(conf);
		return;
	}
	CHECK(f.p[0] != cur && f.p[1] != cur && f.p[0] != f.p[1]);
	CHECK(runtime_poller(rt) == cur);
	CHECK(runtime_gate(rt) == gate);
	CHECK(runtime_read_only_reason(rt) == NULL);
	CHECK(poller_first(f.p[0]) != NULL);
	CHECK_STR(poller_first(f.p[0])->context, "prod");
	CHECK_STR(poller_first(f.p[1])->context, "eu");

	/* Both poll at once on the one loop; the current one never ran. */
	loop_set_before_sleep(f.loop, feed_before_sleep, &f);
	f.deadline = loop_timer_add(f.loop, 20000, feed_deadline, &f);
	poller_start(f.p[0]);
	poller_start(f.p[1]);
	loop_run(f.loop);
	if (f.deadline != NULL)
		loop_timer_del(f.deadline);
	CHECK(poller_finished(f.p[0]) && poller_finished(f.p[1]));
	CHECK(f.stored >= 2);
	CHECK(source_rows(cache, "prod") >= 1);
	CHECK(source_rows(cache, "eu") >= 1);
	CHECK_INT(source_rows(cache, "staging"), 0);

	/* The added pollers go with the runtime (valgrind sees no leak). */
	runtime_free(rt);
	cache_close(cache);
	conf_free(conf);
}

static const struct test tests[] = {
	TEST(test_conf_key),
	TEST(test_runtime),
	TEST(test_added_contexts),
	TEST(test_help_marks),
	{ NULL, NULL }
};

/* Run the tests in a private directory, removed after. */
int
main(void)
{
	char	*p;
	int	 rc;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	rc = harness_run(tests);
	p = xasprintf("rm -rf '%s'", dir);
	if (system(p) != 0)
		rc = 1;
	free(p);
	return rc;
}
