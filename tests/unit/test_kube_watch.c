/*
 * test_kube_watch.c: the Kubernetes informer cache, list then watch.
 *
 * A property test: over many seeded random histories of a small cluster
 * (objects of all eight kinds, made from the recorded payloads under
 * tests/data/kube/, created, modified and deleted across namespaces;
 * bookmarks; stores between events; and a watch that falls behind, gets
 * an ERROR 410 "Expired" and lists again), the rows the watch path
 * stores, a change at a time, must equal what storing a full list of the
 * final state gives.  Watch streams are fed in pieces of random sizes, so
 * lines split across pieces too.  Namespaced kinds have one informer per
 * namespace (two lists of one kind share its table).  A store in which
 * nothing changed must write nothing, and a list of an unchanged world
 * must change nothing.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <sqlite3.h>

#define HARNESS_MAIN
#include "harness.h"

#include "backends/kube.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/xmalloc.h"
#include "core/cache.h"

#define NSLOTS		300	/* names per namespace and kind, at most */
#define NNS		2	/* namespaces with a list each */
#define SEQUENCES	60	/* random histories */
#define STEPS		120	/* events (and more) in each */

static const char *const files[KUBE_NKINDS] = {
	"deployments.json", "replicasets.json", "pods.json", "events.json",
	"nodes.json", "namespaces.json", "statefulsets.json",
	"daemonsets.json"
};
static const char *const namespaces[NNS] = { "a", "b" };

/* One object of the world: present or not, with what it holds. */
struct obj {
	int	 present;
	int	 gen;		/* incarnation: a new uid each time */
	int	 value;		/* the field that changes */
};

/* One informer, its list's scope, and the stream it has not read. */
struct lister {
	enum kube_kind		 kind;
	int			 ns;		/* -1: cluster-scoped */
	struct kube_informer	*inf;
	struct buf		 stream;
	int			 behind;	/* events lost: 410 to come */
	int64_t			 want_rv;	/* the version it should have */
};

struct world {
	cJSON		*tmpl[KUBE_NKINDS];
	struct obj	 objs[KUBE_NKINDS][NNS][NSLOTS];
	int		 nslots;	/* names used, up to NSLOTS */
	int64_t		 rv;
	unsigned int	 seed;
	struct lister	 ls[KUBE_NKINDS * NNS];
	size_t		 nls;
};

/* The source tree, where the data files are. */
static const char *
srcdir(void)
{
	const char	*s = getenv("top_srcdir");

	return (s != NULL && *s != '\0') ? s : ".";
}

/* The first item of a recorded list, as a template; aborts if absent. */
static cJSON *
template_of(const char *name)
{
	struct buf	 b;
	char		*path, *cause = NULL;
	cJSON		*root, *item;

	buf_init(&b, 0);
	path = xasprintf("%s/tests/data/kube/%s", srcdir(), name);
	if (buf_read_file(&b, path, &cause) != 0) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(path);
	root = cJSON_ParseWithLength(b.data, b.len);
	buf_done(&b);
	item = cJSON_DetachItemFromArray(cJSON_GetObjectItem(root, "items"),
	    0);
	cJSON_Delete(root);
	if (item == NULL) {
		printf("Bail out! %s has no items\n", name);
		exit(1);
	}
	return item;
}

/* Whether kind is namespaced. */
static int
namespaced(enum kube_kind kind)
{
	return kind != KUBE_NODES && kind != KUBE_NAMESPACES;
}

/* Set member key of o to v (replacing it). */
static void
set(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

/* The member key of o, made an object if it is not one. */
static cJSON *
object_at(cJSON *o, const char *key)
{
	cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsObject(v)) {
		v = cJSON_CreateObject();
		set(o, key, v);
	}
	return v;
}

/* The JSON of object (kind, ns, slot) as it is now, with version rv. */
static cJSON *
object_json(struct world *w, enum kube_kind kind, int ns, int slot,
    int64_t rv)
{
	const struct obj	*o = &w->objs[kind][ns][slot];
	cJSON			*j = cJSON_Duplicate(w->tmpl[kind], 1);
	cJSON			*m = object_at(j, "metadata");
	char			 s[64];

	snprintf(s, sizeof s, "%s%d", namespaced(kind) ? "o" :
	    kind == KUBE_NODES ? "node-" : "ns-", namespaced(kind) ? slot :
	    ns * w->nslots + slot);
	set(m, "name", cJSON_CreateString(s));
	if (namespaced(kind))
		set(m, "namespace", cJSON_CreateString(namespaces[ns]));
	snprintf(s, sizeof s, "uid-%d-%d-%d-%d", (int)kind, ns, slot, o->gen);
	set(m, "uid", cJSON_CreateString(s));
	snprintf(s, sizeof s, "%lld", (long long)rv);
	set(m, "resourceVersion", cJSON_CreateString(s));
	snprintf(s, sizeof s, "v%d", o->value);
	switch (kind) {
	case KUBE_REPLICASETS:
		set(object_at(j, "spec"), "replicas",
		    cJSON_CreateNumber(o->value));
		break;
	case KUBE_EVENTS:
		set(j, "count", cJSON_CreateNumber(o->value + 1));
		break;
	case KUBE_NAMESPACES:
		set(object_at(j, "status"), "phase",
		    cJSON_CreateString(o->value % 2 ? "Terminating" :
		    "Active"));
		break;
	default:
		set(object_at(m, "labels"), "gen", cJSON_CreateString(s));
		break;
	}
	return j;
}

/* The lister that sees object (kind, ns), or NULL. */
static struct lister *
lister_of(struct world *w, enum kube_kind kind, int ns)
{
	size_t	i;

	for (i = 0; i < w->nls; i++) {
		if (w->ls[i].kind == kind &&
		    (w->ls[i].ns < 0 || w->ls[i].ns == ns))
			return &w->ls[i];
	}
	return NULL;
}

/* Append an event line to l's stream (unless it is behind). */
static void
emit(struct lister *l, const char *type, cJSON *object)
{
	cJSON	*e = cJSON_CreateObject();
	char	*text;

	cJSON_AddStringToObject(e, "type", type);
	cJSON_AddItemToObject(e, "object", object);
	text = cJSON_PrintUnformatted(e);
	cJSON_Delete(e);
	if (!l->behind) {
		buf_puts(&l->stream, text);
		buf_puts(&l->stream, "\n");
	}
	free(text);
}

/* A complete list of what l sees, in pages of random sizes, merged. */
static void
relist(struct world *w, struct lister *l)
{
	struct kube_rows	*rows = kube_rows_new(l->kind);
	cJSON			*page = NULL, *items = NULL, *meta;
	char			*text, *next = NULL, *cause = NULL, s[32];
	int			 ns, slot, left = 0;

	snprintf(s, sizeof s, "%lld", (long long)w->rv);
	for (ns = 0; ns < NNS; ns++) {
		if (l->ns >= 0 && ns != l->ns)
			continue;
		for (slot = 0; slot <= w->nslots; slot++) {
			/* A page ends at random, and after the last. */
			if (page != NULL && (left-- == 0 ||
			    slot == w->nslots)) {
				meta = cJSON_AddObjectToObject(page,
				    "metadata");
				cJSON_AddStringToObject(meta,
				    "resourceVersion", s);
				text = cJSON_PrintUnformatted(page);
				CHECK_INT(kube_rows_parse(rows, text,
				    strlen(text), &next, &cause), 0);
				free(next);
				free(text);
				cJSON_Delete(page);
				page = NULL;
			}
			if (slot == w->nslots)
				break;
			if (page == NULL) {
				page = cJSON_CreateObject();
				cJSON_AddStringToObject(page, "kind", "List");
				items = cJSON_AddArrayToObject(page, "items");
				left = (int)(rand_r(&w->seed) %
				    (unsigned int)(w->nslots / 2 + 1));
			}
			if (w->objs[l->kind][ns][slot].present)
				cJSON_AddItemToArray(items, object_json(w,
				    l->kind, ns, slot, w->rv));
		}
	}
	if (page != NULL)
		cJSON_Delete(page);
	CHECK_STR(kube_rows_version(rows), s);
	kube_informer_sync(l->inf, rows);
	kube_rows_free(rows);
	l->want_rv = w->rv;
	l->behind = 0;
	buf_reset(&l->stream);
}

/* Feed l's stream in pieces of random sizes; expect want back. */
static void
drain(struct world *w, struct lister *l, enum kube_watch_result want)
{
	enum kube_watch_result	 rc = KUBE_WATCH_OK;
	size_t			 off = 0, n;
	char			*cause = NULL;
	char			 s[32];

	while (off < l->stream.len && rc == KUBE_WATCH_OK) {
		n = 1 + (size_t)(rand_r(&w->seed) % 700);
		if (n > l->stream.len - off)
			n = l->stream.len - off;
		rc = kube_informer_feed(l->inf, l->stream.data + off, n,
		    &cause);
		off += n;
	}
	CHECK_INT(rc, want);
	if (cause != NULL)
		printf("# %s\n", cause);
	free(cause);
	buf_reset(&l->stream);
	if (want == KUBE_WATCH_OK && !l->behind) {
		snprintf(s, sizeof s, "%lld", (long long)l->want_rv);
		CHECK_STR(kube_informer_version(l->inf), s);
	}
}

/* One random change of the world, as the watches see it. */
static void
change(struct world *w)
{
	enum kube_kind	 kind = (enum kube_kind)(rand_r(&w->seed) %
			    KUBE_NKINDS);
	int		 ns = (int)(rand_r(&w->seed) % NNS);
	int		 slot = (int)(rand_r(&w->seed) %
			    (unsigned int)w->nslots);
	struct obj	*o = &w->objs[kind][ns][slot];
	struct lister	*l = lister_of(w, kind, ns);
	int		 r = (int)(rand_r(&w->seed) % 3);

	w->rv++;
	if (!o->present) {
		o->present = 1;
		o->gen++;
		o->value = (int)(rand_r(&w->seed) % 3);
		emit(l, "ADDED", object_json(w, kind, ns, slot, w->rv));
	} else if (r == 0) {
		emit(l, "DELETED", object_json(w, kind, ns, slot, w->rv));
		o->present = 0;
	} else {
		/* Sometimes the same value: a change no row shows. */
		o->value = (int)(rand_r(&w->seed) % 3);
		emit(l, "MODIFIED", object_json(w, kind, ns, slot, w->rv));
	}
	if (!l->behind)
		l->want_rv = w->rv;
}

/* A bookmark to every list: the version moves on, nothing else. */
static void
bookmark(struct world *w)
{
	cJSON	*o, *m;
	char	 s[32];
	size_t	 i;

	w->rv++;
	snprintf(s, sizeof s, "%lld", (long long)w->rv);
	for (i = 0; i < w->nls; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind",
		    kube_kind_resource(w->ls[i].kind));
		m = cJSON_AddObjectToObject(o, "metadata");
		cJSON_AddStringToObject(m, "resourceVersion", s);
		emit(&w->ls[i], "BOOKMARK", o);
		if (!w->ls[i].behind)
			w->ls[i].want_rv = w->rv;
	}
}

/* Store every kind's changes into cache (full: replace). */
static void
store_all(struct world *w, struct cache *cache, int full)
{
	struct kube_informer	*kis[NNS];
	char			*cause = NULL;
	size_t			 i, n, changes;
	int			 k, before;

	for (k = 0; k < KUBE_NKINDS; k++) {
		changes = 0;
		for (i = n = 0; i < w->nls; i++) {
			if (w->ls[i].kind == (enum kube_kind)k) {
				kis[n++] = w->ls[i].inf;
				changes += kube_informer_changes(
				    w->ls[i].inf);
			}
		}
		before = sqlite3_total_changes(cache_db(cache));
		CHECK_INT(kube_informers_store(cache, "prod",
		    (enum kube_kind)k, kis, n, full, 1000, &cause), 0);
		if (cause != NULL)
			printf("# %s\n", cause);
		free(cause);
		cause = NULL;
		/* Nothing changed: nothing written. */
		if (!full && changes == 0)
			CHECK_INT(sqlite3_total_changes(cache_db(cache)),
			    before);
		for (i = 0; i < n; i++)
			CHECK_INT(kube_informer_changes(kis[i]), 0);
	}
}

/* The context's rows of every kube table, seen_ms aside, as text. */
static char *
dump(struct cache *cache)
{
	static const char *const tables[] = { "kube_deployments",
	    "kube_replicasets", "kube_pods", "kube_events", "kube_nodes",
	    "kube_namespaces", "kube_statefulsets", "kube_daemonsets" };
	struct buf	 b;
	sqlite3_stmt	*st;
	const char	*v;
	char		*sql;
	size_t		 t;
	int		 c;

	buf_init(&b, 0);
	for (t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		sql = xasprintf("SELECT * FROM %s WHERE context = 'prod' "
		    "ORDER BY 1, 2, 3", tables[t]);
		CHECK(sqlite3_prepare_v2(cache_db(cache), sql, -1, &st,
		    NULL) == SQLITE_OK);
		free(sql);
		buf_printf(&b, "%s\n", tables[t]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (c = 0; c < sqlite3_column_count(st); c++) {
				if (strcmp(sqlite3_column_name(st, c),
				    "seen_ms") == 0)
					continue;
				v = (const char *)sqlite3_column_text(st, c);
				buf_printf(&b, "%s|", v != NULL ? v : "NULL");
			}
			buf_puts(&b, "\n");
		}
		sqlite3_finalize(st);
	}
	return buf_detach(&b);
}

/* A cache in a new directory under dir. */
static struct cache *
open_cache(const char *dir, const char *name)
{
	char		*path, *cause = NULL, *warning = NULL;
	struct cache	*cache;

	path = xasprintf("%s/%s", dir, name);
	cache = cache_open(path, 0, &warning, &cause);
	if (cache == NULL) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	free(warning);
	free(path);
	return cache;
}

/* Set up the listers: a namespaced kind has one per namespace. */
static void
world_init(struct world *w, unsigned int seed, int nslots)
{
	int	k, ns;

	memset(w, 0, sizeof *w);
	w->seed = seed;
	w->nslots = nslots;
	w->rv = 100;
	for (k = 0; k < KUBE_NKINDS; k++) {
		w->tmpl[k] = template_of(files[k]);
		for (ns = 0; ns < (namespaced((enum kube_kind)k) ? NNS : 1);
		    ns++) {
			w->ls[w->nls].kind = (enum kube_kind)k;
			w->ls[w->nls].ns = namespaced((enum kube_kind)k) ? ns :
			    -1;
			w->ls[w->nls].inf = kube_informer_new((enum kube_kind)k);
			buf_init(&w->ls[w->nls].stream, 0);
			w->nls++;
		}
	}
}

/* Free the world. */
static void
world_done(struct world *w)
{
	size_t	i;
	int	k;

	for (i = 0; i < w->nls; i++) {
		kube_informer_free(w->ls[i].inf);
		buf_done(&w->ls[i].stream);
	}
	for (k = 0; k < KUBE_NKINDS; k++)
		cJSON_Delete(w->tmpl[k]);
}

/* One random history: the watch path's rows against a full list's. */
static void
history(const char *dir, unsigned int seed, int nslots, int steps)
{
	struct world	 w, full;
	struct cache	*a, *b;
	struct lister	*l;
	char		*da, *db, name[64], s[64];
	cJSON		*gone;
	size_t		 i;
	int		 step, k, ns, slot;

	world_init(&w, seed, nslots);
	/* The first state, listed; the cache holds a stale row before. */
	for (i = 0; i < (size_t)steps / 3; i++)
		change(&w);
	snprintf(name, sizeof name, "a%u.db", seed);
	a = open_cache(dir, name);
	CHECK(sqlite3_exec(cache_db(a), "INSERT INTO kube_pods (context,"
	    " namespace, name, ready, restarts) VALUES"
	    " ('prod', 'a', 'stale', 0, 0)", NULL, NULL, NULL) == SQLITE_OK);
	for (i = 0; i < w.nls; i++)
		relist(&w, &w.ls[i]);
	store_all(&w, a, 1);
	/* An unchanged world listed again changes nothing. */
	relist(&w, &w.ls[rand_r(&w.seed) % w.nls]);
	for (i = 0; i < w.nls; i++)
		CHECK_INT(kube_informer_changes(w.ls[i].inf), 0);

	for (step = 0; step < steps; step++) {
		switch (rand_r(&w.seed) % 10) {
		case 0:
			bookmark(&w);
			break;
		case 1:
			/* A watch falls behind: its next word is 410. */
			l = &w.ls[rand_r(&w.seed) % w.nls];
			drain(&w, l, KUBE_WATCH_OK);
			l->behind = 1;
			break;
		case 2:
			store_all(&w, a, 0);
			break;
		case 3:
			l = &w.ls[rand_r(&w.seed) % w.nls];
			drain(&w, l, KUBE_WATCH_OK);
			break;
		default:
			change(&w);
			break;
		}
	}
	/* The ones behind get 410 Expired, and list again. */
	for (i = 0; i < w.nls; i++) {
		l = &w.ls[i];
		if (l->behind) {
			l->behind = 0;
			gone = cJSON_Parse("{\"kind\":\"Status\",\"apiVersion\":"
			    "\"v1\",\"metadata\":{},\"status\":\"Failure\","
			    "\"message\":\"too old resource version: 1 (2)\","
			    "\"reason\":\"Expired\",\"code\":410}");
			emit(l, "ERROR", gone);
			drain(&w, l, KUBE_WATCH_EXPIRED);
			relist(&w, l);
		} else
			drain(&w, l, KUBE_WATCH_OK);
	}
	store_all(&w, a, 0);
	/* Each informer holds each object of its scope once. */
	for (i = 0; i < w.nls; i++) {
		l = &w.ls[i];
		k = 0;
		for (ns = 0; ns < NNS; ns++)
			for (slot = 0; slot < nslots; slot++)
				k += (l->ns < 0 || l->ns == ns) &&
				    w.objs[l->kind][ns][slot].present;
		CHECK_INT(kube_rows_count(kube_informer_rows(l->inf)), k);
	}

	/* The same final state, listed whole into a fresh cache. */
	world_init(&full, seed, nslots);
	memcpy(full.objs, w.objs, sizeof w.objs);
	full.rv = w.rv;
	snprintf(name, sizeof name, "b%u.db", seed);
	b = open_cache(dir, name);
	for (i = 0; i < full.nls; i++)
		relist(&full, &full.ls[i]);
	store_all(&full, b, 1);

	da = dump(a);
	db = dump(b);
	CHECK_STR(da, db);
	/* The store is not trivially empty. */
	i = 0;
	for (k = 0; k < KUBE_NKINDS; k++)
		for (ns = 0; ns < NNS; ns++)
			for (slot = 0; slot < nslots; slot++)
				i += (size_t)w.objs[k][ns][slot].present;
	snprintf(s, sizeof s, "%zu", i);
	if (i == 0)
		printf("# seed %u: an empty world (%s)\n", seed, s);
	free(da);
	free(db);
	cache_close(a);
	cache_close(b);
	world_done(&w);
	world_done(&full);
}

/*
 * Many seeded histories of a few names each (every kind of event meets
 * every other), then a few of many names (the index grows, collides and
 * deletes from long probe runs).
 */
static void
test_watch_equals_list(void)
{
	char		 dir[] = "/tmp/test_kube_watch.XXXXXX";
	char		*cmd;
	unsigned int	 seed, n = (unsigned int)harness_reps(SEQUENCES);
	int		 failed = harness_failed;

	CHECK(mkdtemp(dir) != NULL);
	for (seed = 1; seed <= n + 2; seed++) {
		harness_failed = 0;
		if (seed <= n)
			history(dir, seed, 6, STEPS);
		else
			history(dir, seed, NSLOTS, harness_reps(40 * NSLOTS));
		if (harness_failed)
			printf("# the history of seed %u differs\n", seed);
		failed |= harness_failed;
	}
	harness_failed = failed;
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
}

/* Feed a string to ki. */
static enum kube_watch_result
feed(struct kube_informer *ki, const char *s, char **cause)
{
	return kube_informer_feed(ki, s, strlen(s), cause);
}

/* Watch lines that are not events, too long, or an ERROR other than 410. */
static void
test_bad_lines(void)
{
	struct kube_informer	*ki = kube_informer_new(KUBE_PODS);
	char			*cause = NULL, *big;
	size_t			 n = 5 * 1024 * 1024;

	CHECK_INT(feed(ki, "{\"type\":\"BOOKMARK\",\"object\":"
	    "{\"metadata\":{\"resourceVersion\":\"7\"}}}\n", &cause),
	    KUBE_WATCH_OK);
	CHECK_STR(kube_informer_version(ki), "7");
	CHECK_INT(feed(ki, "not json\n", &cause),
	    KUBE_WATCH_FAILED);
	CHECK_CONTAINS(cause, "not JSON");
	free(cause);
	cause = NULL;
	CHECK_INT(feed(ki, "{\"type\":\"ERROR\",\"object\":{"
	    "\"kind\":\"Status\",\"code\":500,\"message\":\"boom\"}}\n",
	    &cause), KUBE_WATCH_FAILED);
	CHECK_CONTAINS(cause, "boom");
	free(cause);
	cause = NULL;
	big = xmalloc(n);
	memset(big, 'x', n);
	CHECK_INT(kube_informer_feed(ki, big, n, &cause), KUBE_WATCH_FAILED);
	CHECK_CONTAINS(cause, "larger than");
	free(cause);
	free(big);
	CHECK_STR(kube_informer_version(ki), "7");
	CHECK_INT(kube_informer_changes(ki), 0);
	kube_informer_free(ki);
}

/* A pod event line for pod i (its value v), appended to b. */
static void
pod_line(struct buf *b, const char *type, int i, int v)
{
	buf_printf(b, "{\"type\":\"%s\",\"object\":{\"metadata\":{"
	    "\"namespace\":\"a\",\"name\":\"p%d\",\"uid\":\"u%d\","
	    "\"resourceVersion\":\"%d\",\"labels\":{\"v\":\"%d\"}}}}\n",
	    type, i, i, v, v);
}

/*
 * Many objects, most of them deleted in a scattered order, then the rest
 * modified: every one is still found (none is added twice), so the index
 * stays whole through deletions from long probe runs.
 */
static void
test_many_deletions(void)
{
	struct kube_informer	*ki = kube_informer_new(KUBE_PODS);
	struct buf		 b;
	char			*cause = NULL;
	unsigned char		*gone;
	unsigned int		 seed = 7;
	int			 i, n = harness_reps(20000), left = n;

	gone = xcalloc((size_t)n, 1);
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		pod_line(&b, "ADDED", i, 1);
	CHECK_INT(kube_informer_feed(ki, b.data, b.len, &cause),
	    KUBE_WATCH_OK);
	buf_reset(&b);
	for (i = 0; i < 3 * n; i++) {
		int	p = (int)(rand_r(&seed) % (unsigned int)n);

		if (gone[p])
			continue;
		gone[p] = 1;
		left--;
		pod_line(&b, "DELETED", p, 2);
	}
	for (i = 0; i < n; i++) {
		if (!gone[i])
			pod_line(&b, "MODIFIED", i, 3);
	}
	CHECK_INT(kube_informer_feed(ki, b.data, b.len, &cause),
	    KUBE_WATCH_OK);
	CHECK_INT(kube_rows_count(kube_informer_rows(ki)), left);
	CHECK_INT(kube_informer_changes(ki), n);
	buf_done(&b);
	free(gone);
	kube_informer_free(ki);
}

static const struct test tests[] = {
	TEST(test_many_deletions),
	TEST(test_watch_equals_list),
	TEST(test_bad_lines),
	{ NULL, NULL }
};

/* Run every test. */
int
main(void)
{
	return harness_run(tests);
}
