/*
 * test_cache.c: unit tests for the SQLite cache: creation and settings,
 * migrations from every older version, recovery from files that are not a
 * usable cache, refusal of newer schemas, read-only opens, source bookkeeping
 * and `cache info`, and a writer and a reader in two processes at once.
 *
 * Every test works in its own temporary directory, removed at the end.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "core/cache.h"
#include "core/store.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* ---- helpers -------------------------------------------------------------- */

/* Make a fresh temporary directory; caller frees and removes. */
static char *
tmpdir_new(void)
{
	const char	*base = getenv("TMPDIR");
	char		*t;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	t = xasprintf("%s/sitrep-cache-test.XXXXXX", base);
	if (mkdtemp(t) == NULL) {
		printf("# mkdtemp %s: %s\n", t, strerror(errno));
		free(t);
		return NULL;
	}
	return t;
}

/* Remove a directory tree (files and directories only) and free the name. */
static void
tmpdir_free(char *path)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*sub;

	if (path == NULL)
		return;
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
				tmpdir_free(xstrdup(sub));
			else
				unlink(sub);
			free(sub);
		}
		closedir(d);
	}
	rmdir(path);
	free(path);
}

/* End a forked child, freeing its copies of the parent's strings first. */
static void __attribute__((noreturn))
child_exit(int code, char *dir, char *path)
{
	free(dir);
	free(path);
	fflush(stdout);
	_exit(code);
}

/* Count entries in dir whose name starts with prefix. */
static int
count_prefix(const char *dir, const char *prefix)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Count entries in dir whose name contains ".corrupt-". */
static int
count_aside(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".corrupt-") != NULL)
			n++;
	}
	closedir(d);
	return n;
}

/* Write len pseudo-random (but repeatable) bytes to path. */
static int
write_noise(const char *path, size_t len, unsigned int seed)
{
	FILE	*f;
	size_t	 i;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		fputc((int)((seed >> 16) & 0xff), f);
	}
	return fclose(f);
}

/* Copy the file from to the file to; 0 or -1. */
static int
copy_file(const char *from, const char *to)
{
	FILE	*in, *out;
	char	 chunk[8192];
	size_t	 n;
	int	 rc = 0;

	if ((in = fopen(from, "rb")) == NULL)
		return -1;
	if ((out = fopen(to, "wb")) == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		if (fwrite(chunk, 1, n, out) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	fclose(in);
	if (fclose(out) != 0)
		rc = -1;
	return rc;
}

/* Run SQL on a cache's handle; 0 on success. */
static int
exec_sql(struct cache *c, const char *sql)
{
	char	*err = NULL;
	int	 rc;

	rc = sqlite3_exec(cache_db(c), sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		printf("# sql failed: %s: %s\n", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* First column of the first row of a query as an integer (-999 on error). */
static long long
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 v = -999;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return v;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* First column of the first row of a query as text, allocated, or NULL. */
static char *
query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	char		*v = NULL;
	const char	*t;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (t = (const char *)sqlite3_column_text(st, 0)) != NULL)
		v = xstrdup(t);
	sqlite3_finalize(st);
	return v;
}

/* True if table exists in the cache. */
static int
has_table(struct cache *c, const char *table)
{
	char		*sql;
	long long	 n;

	sql = sqlite3_mprintf("SELECT count(*) FROM sqlite_master WHERE"
	    " type = 'table' AND name = '%q'", table);
	n = query_int(cache_db(c), sql);
	sqlite3_free(sql);
	return n == 1;
}

/* True if path exists. */
static int
exists(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0;
}

/* Capture cache_info output into an allocated string. */
static char *
info_text(struct cache *c)
{
	char	*text = NULL, *cause = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&text, &len);
	if (f == NULL)
		return NULL;
	if (cache_info(c, f, &cause) != 0) {
		printf("# cache_info: %s\n", cause);
		free(cause);
	}
	fclose(f);
	return text;
}

/* ---- tests ---------------------------------------------------------------- */

/* The default path follows XDG_CACHE_HOME, then HOME. */
static void
test_default_path(void)
{
	char	*old_xdg, *old_home, *p;

	old_xdg = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) :
	    NULL;
	old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;

	setenv("XDG_CACHE_HOME", "/var/tmp/xdg", 1);
	p = cache_default_path();
	CHECK_STR(p, "/var/tmp/xdg/sitrep/cache.db");
	free(p);

	/* A relative XDG_CACHE_HOME is invalid by the spec: ignored. */
	setenv("XDG_CACHE_HOME", "relative/dir", 1);
	setenv("HOME", "/home/oncall", 1);
	p = cache_default_path();
	CHECK_STR(p, "/home/oncall/.cache/sitrep/cache.db");
	free(p);

	unsetenv("XDG_CACHE_HOME");
	p = cache_default_path();
	CHECK_STR(p, "/home/oncall/.cache/sitrep/cache.db");
	free(p);

	setenv("XDG_CACHE_HOME", "", 1);
	p = cache_default_path();
	CHECK_STR(p, "/home/oncall/.cache/sitrep/cache.db");
	free(p);

	if (old_xdg != NULL)
		setenv("XDG_CACHE_HOME", old_xdg, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	free(old_xdg);
	free(old_home);
}

/* A new cache: 0700 directories, a 0600 file, WAL and the settings. */
static void
test_open_creates(void)
{
	char		*dir = tmpdir_new(), *path, *sub, *warning, *cause = NULL;
	char		*mode;
	struct cache	*c;
	struct stat	 sb;
	const char *const *t;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/a/b/cache.db", dir);
	c = cache_open(path, 0, &warning, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		printf("# %s\n", cause);
		free(cause);
		goto out;
	}
	CHECK(warning == NULL);
	CHECK_STR(cache_path(c), path);
	CHECK_INT(cache_schema_version(c), cache_latest_version());
	CHECK(cache_latest_version() >= 4);

	sub = xasprintf("%s/a", dir);
	CHECK(stat(sub, &sb) == 0 && (sb.st_mode & 07777) == 0700);
	free(sub);
	sub = xasprintf("%s/a/b", dir);
	CHECK(stat(sub, &sb) == 0 && (sb.st_mode & 07777) == 0700);
	free(sub);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600);

	mode = query_text(cache_db(c), "PRAGMA journal_mode");
	CHECK_STR(mode, "wal");
	free(mode);
	CHECK_INT(query_int(cache_db(c), "PRAGMA foreign_keys"), 1);
	CHECK_INT(query_int(cache_db(c), "PRAGMA synchronous"), 1);
	CHECK_INT(query_int(cache_db(c), "PRAGMA busy_timeout"), 5000);
	CHECK_INT(query_int(cache_db(c), "PRAGMA application_id"),
	    CACHE_APPLICATION_ID);
	for (t = cache_schema_tables(); *t != NULL; t++) {
		if (!has_table(c, *t))
			printf("# missing table %s\n", *t);
		CHECK(has_table(c, *t));
	}

	/* A write makes the WAL exist; it inherits the file's mode. */
	CHECK_INT(exec_sql(c, "INSERT INTO meta VALUES ('k', 'v')"), 0);
	sub = xasprintf("%s-wal", path);
	CHECK(stat(sub, &sb) == 0 && (sb.st_mode & 07777) == 0600);
	free(sub);

	/* Foreign keys are enforced: a timeline row needs its incident. */
	CHECK(sqlite3_exec(cache_db(c), "INSERT INTO incident_timeline"
	    " (incident_id, ts_ms, kind, text) VALUES (42, 1, 'note', 'x')",
	    NULL, NULL, NULL) != SQLITE_OK);
	/* One open incident per group key; resolved ones may be many. */
	CHECK_INT(exec_sql(c, "INSERT INTO incidents (id, context, group_key,"
	    " title, state, started_ms, updated_ms) VALUES"
	    " ('a', 'prod', 'g', 't', 'resolved', 1, 1),"
	    " ('b', 'prod', 'g', 't', 'resolved', 2, 2),"
	    " ('c', 'prod', 'g', 't', 'triggered', 3, 3)"), 0);
	CHECK(sqlite3_exec(cache_db(c), "INSERT INTO incidents (id, context,"
	    " group_key, title, state, started_ms, updated_ms) VALUES"
	    " ('d', 'prod', 'g', 't', 'acknowledged', 4, 4)", NULL, NULL,
	    NULL) != SQLITE_OK);
	CHECK(sqlite3_exec(cache_db(c), "UPDATE incidents SET priority = 'P4'"
	    " WHERE id = 'c'", NULL, NULL, NULL) != SQLITE_OK);
	cache_close(c);

	/* Opening again is quiet and changes nothing. */
	c = cache_open(path, 0, &warning, &cause);
	CHECK(c != NULL && warning == NULL);
	if (c != NULL)
		CHECK_INT(query_int(cache_db(c),
		    "SELECT count(*) FROM meta WHERE key = 'k'"), 1);
	cache_close(c);
out:
	free(path);
	tmpdir_free(dir);
}

/* An existing empty file is a fresh cache, not a corrupt one. */
static void
test_open_empty_file(void)
{
	char		*dir = tmpdir_new(), *path, *warning, *cause = NULL;
	struct cache	*c;
	int		 fd;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(fd != -1);
	close(fd);
	c = cache_open(path, 0, &warning, &cause);
	CHECK(c != NULL);
	CHECK(warning == NULL);
	CHECK_INT(count_prefix(dir, "cache.db.corrupt-"), 0);
	if (c != NULL)
		CHECK_INT(cache_schema_version(c), cache_latest_version());
	else
		free(cause);
	cache_close(c);
	free(path);
	tmpdir_free(dir);
}

/* Put a few rows into the tables that exist at version v. */
static int
fill_version(struct cache *c, int v)
{
	int	rc = 0;

	if (v >= 1) {
		rc |= exec_sql(c, "INSERT INTO sources (context, name, kind,"
		    " last_success_ms, items) VALUES ('prod', 'prom',"
		    " 'prometheus', 1000, 7)");
		rc |= exec_sql(c, "INSERT INTO samples VALUES"
		    " ('prod', 'slo:api:5m', 1000, 0.5),"
		    " ('prod', 'slo:api:5m', 2000, 0.25)");
		rc |= exec_sql(c, "INSERT INTO alerts (context, source,"
		    " fingerprint, alertname, state, labels) VALUES ('prod',"
		    " 'am', 'abc123', 'HighErrorRate', 'active', '{}')");
	}
	if (v >= 2) {
		rc |= exec_sql(c, "INSERT INTO kube_pods (context, namespace,"
		    " name, phase, restarts, reason) VALUES ('prod', 'shop',"
		    " 'api-1', 'Running', 12, 'CrashLoopBackOff')");
		/* api-a came back by a rollback: revision 3, made first. */
		rc |= exec_sql(c, "INSERT INTO kube_replicasets (context,"
		    " namespace, name, owner_name, revision, created_ms,"
		    " images, seen_ms) VALUES"
		    " ('prod', 'shop', 'api-a', 'api', 3, 1000, '[\"a\"]', 9000),"
		    " ('prod', 'shop', 'api-b', 'api', 2, 5000, '[\"b\"]', 9000)");
	}
	if (v >= 3) {
		rc |= exec_sql(c, "INSERT INTO incidents (id, context,"
		    " group_key, title, started_ms, updated_ms) VALUES (1,"
		    " 'prod', 'g1', 'API errors', 1000, 1000)");
		rc |= exec_sql(c, "INSERT INTO incident_timeline (incident_id,"
		    " ts_ms, kind, text) VALUES (1, 1000, 'alert', 'fired')");
	}
	if (v >= 4)
		rc |= exec_sql(c, "INSERT INTO audit (ts_ms, actor, action,"
		    " dry_run, prev_hash, hash) VALUES (1, 'me', 'probe', 1,"
		    " 'x', 'y')");
	if (v >= 5)
		rc |= exec_sql(c, "UPDATE sources SET last_warning = '1 of 2"
		    " down' WHERE context = 'prod' AND name = 'prom'");
	if (v >= 6) {
		rc |= exec_sql(c, "INSERT INTO kube_statefulsets (context,"
		    " namespace, name, replicas, ready_replicas) VALUES"
		    " ('prod', 'shop', 'db', 3, 2)");
		rc |= exec_sql(c, "INSERT INTO kube_daemonsets (context,"
		    " namespace, name, desired, ready) VALUES ('prod',"
		    " 'monitoring', 'node-exporter', 3, 3)");
	}
	if (v >= 7)
		rc |= exec_sql(c, "INSERT INTO kube_rollouts (context,"
		    " namespace, kind, name, revision, replicaset, at_ms,"
		    " seen_ms) VALUES ('prod', 'shop', 'Deployment', 'api', 4,"
		    " 'api-b', 12000, 12000)");
	if (v >= 8) {
		/* A recurrence of incident 1 (resolved), and its alert. */
		rc |= exec_sql(c, "UPDATE incidents SET state = 'resolved',"
		    " resolved_ms = 2000, quiet_ms = 2000 WHERE id = '1'");
		rc |= exec_sql(c, "INSERT INTO incidents (id, context,"
		    " group_key, title, priority, started_ms, updated_ms,"
		    " recurrence_of) VALUES ('0a1b2c3d', 'prod', 'g1',"
		    " 'API errors', 'P1', 9000, 9000, '1')");
		rc |= exec_sql(c, "INSERT INTO incident_alerts (incident_id,"
		    " fingerprint, alertname, joined_ms) VALUES ('0a1b2c3d',"
		    " 'abc123', 'HighErrorRate', 9000)");
	}
	if (v >= 12)
		rc |= exec_sql(c, "INSERT INTO audit (ts_ms, actor, action,"
		    " dry_run, prev_hash, hash, chain, key_id) VALUES (2, 'me',"
		    " 'note', 0, 'y', 'z', 2, '0123456789abcdef')");
	if (v >= 10)
		rc |= exec_sql(c, "UPDATE kube_replicasets SET containers ="
		    " '[{\"name\":\"api\",\"image\":\"b\",\"env\":[]}]' WHERE"
		    " name = 'api-b'");
	return rc;
}

/* Check the rows fill_version(v) wrote are still there. */
static void
check_filled(struct cache *c, int v)
{
	sqlite3	*db = cache_db(c);

	if (v >= 1) {
		CHECK_INT(query_int(db, "SELECT items FROM sources WHERE"
		    " context = 'prod' AND name = 'prom'"), 7);
		CHECK_INT(query_int(db, "SELECT count(*) FROM samples"), 2);
		CHECK_INT(query_int(db, "SELECT count(*) FROM alerts WHERE"
		    " fingerprint = 'abc123'"), 1);
	}
	if (v >= 2)
		CHECK_INT(query_int(db, "SELECT restarts FROM kube_pods"), 12);
	if (v >= 3)
		CHECK_INT(query_int(db, "SELECT count(*) FROM"
		    " incident_timeline WHERE incident_id = 1"), 1);
	if (v >= 4)
		CHECK_INT(query_int(db, "SELECT count(*) FROM audit"),
		    v >= 12 ? 2 : 1);
	/* Version 5 added sources.last_warning: NULL for older rows. */
	if (v >= 1)
		CHECK_INT(query_int(db, "SELECT count(*) FROM sources WHERE"
		    " last_warning IS NOT NULL"), v >= 5 ? 1 : 0);
	if (v >= 6) {
		CHECK_INT(query_int(db, "SELECT ready_replicas FROM"
		    " kube_statefulsets WHERE name = 'db'"), 2);
		CHECK_INT(query_int(db, "SELECT desired FROM kube_daemonsets"),
		    3);
	}
	/*
	 * Version 7 made kube_rollouts from the replica sets there were:
	 * api-b's revision at its creation, api-a's (reused after api-b
	 * was made) at a time the cache cannot know.
	 */
	if (v >= 2 && v < 7) {
		CHECK_INT(query_int(db, "SELECT at_ms FROM kube_rollouts WHERE"
		    " name = 'api' AND revision = 2 AND replicaset = 'api-b'"
		    " AND images = '[\"b\"]' AND seen_ms = 9000"), 5000);
		CHECK_INT(query_int(db, "SELECT count(*) FROM kube_rollouts"
		    " WHERE name = 'api' AND revision = 3 AND replicaset ="
		    " 'api-a' AND at_ms IS NULL"), 1);
		CHECK_INT(query_int(db, "SELECT count(*) FROM kube_rollouts"),
		    2);
	}
	if (v >= 7)
		CHECK_INT(query_int(db, "SELECT at_ms FROM kube_rollouts WHERE"
		    " name = 'api' AND revision = 4"), 12000);
	/*
	 * Version 8 keyed incidents by text ids: an older row keeps its
	 * number, as text, and its timeline; it takes priority P3.
	 */
	if (v >= 3 && v < 8)
		CHECK_INT(query_int(db, "SELECT count(*) FROM incidents WHERE"
		    " id = '1' AND priority = 'P3' AND state = 'triggered' AND"
		    " quiet_ms IS NULL AND recurrence_of IS NULL"), 1);
	if (v >= 8) {
		CHECK_INT(query_int(db, "SELECT count(*) FROM incidents WHERE"
		    " recurrence_of = '1' AND priority = 'P1'"), 1);
		CHECK_INT(query_int(db, "SELECT joined_ms FROM incident_alerts"
		    " WHERE incident_id = '0a1b2c3d'"), 9000);
	}
	/*
	 * Version 12 added audit.chain and key_id: rows written before it
	 * are chain 1 (SHA-256, unkeyed) with no key id.
	 */
	if (v >= 4)
		CHECK_INT(query_int(db, "SELECT count(*) FROM audit WHERE"
		    " chain = 1 AND key_id IS NULL AND hash = 'y'"), 1);
	if (v >= 12)
		CHECK_INT(query_int(db, "SELECT count(*) FROM audit WHERE"
		    " chain = 2 AND key_id = '0123456789abcdef'"), 1);
	/* Version 10 added kube_replicasets.containers: NULL for older rows. */
	if (v >= 2)
		CHECK_INT(query_int(db, "SELECT count(*) FROM kube_replicasets"
		    " WHERE containers IS NOT NULL"), v >= 10 ? 1 : 0);
}

/* A file at every older version migrates to the latest, data intact. */
static void
test_migrations(void)
{
	char		*dir = tmpdir_new(), *path, *warning, *cause = NULL;
	struct cache	*c;
	const char *const *t;
	int		 k, latest = cache_latest_version();

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	CHECK(cache_schema_step(0, NULL) == NULL);
	CHECK(cache_schema_step(latest + 1, NULL) == NULL);
	for (k = 0; k <= latest; k++) {
		path = xasprintf("%s/v%d.db", dir, k);
		c = cache_open_at_version(path, k, &warning, &cause);
		CHECK(c != NULL);
		if (c == NULL) {
			printf("# version %d: %s\n", k, cause);
			free(cause);
			free(path);
			continue;
		}
		CHECK_INT(cache_schema_version(c), k);
		CHECK(warning == NULL);
		/* Tables of later versions are not there yet. */
		if (k < 4)
			CHECK(!has_table(c, "audit"));
		if (k < 5)
			CHECK(!has_table(c, "kube_statefulsets") &&
			    !has_table(c, "kube_daemonsets"));
		if (k == 0)
			CHECK(!has_table(c, "sources"));
		CHECK_INT(fill_version(c, k), 0);
		cache_close(c);

		c = cache_open(path, 0, &warning, &cause);
		CHECK(c != NULL);
		if (c == NULL) {
			printf("# version %d up: %s\n", k, cause);
			free(cause);
			free(path);
			continue;
		}
		CHECK(warning == NULL);
		CHECK_INT(count_aside(dir), 0);
		CHECK_INT(cache_schema_version(c), latest);
		for (t = cache_schema_tables(); *t != NULL; t++)
			CHECK(has_table(c, *t));
		check_filled(c, k);
		CHECK_INT(query_int(cache_db(c), "PRAGMA application_id"),
		    CACHE_APPLICATION_ID);
		cache_close(c);
		free(path);
	}
	tmpdir_free(dir);
}

/* cache_migrate_to moves an open cache one step at a time. */
static void
test_migrate_stepwise(void)
{
	char		*dir = tmpdir_new(), *path, *cause = NULL;
	struct cache	*c;
	int		 k;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	c = cache_open_at_version(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	for (k = 1; k <= cache_latest_version(); k++) {
		CHECK_INT(cache_migrate_to(c, k, &cause), 0);
		CHECK_INT(cache_schema_version(c), k);
	}
	CHECK_INT(fill_version(c, cache_latest_version()), 0);
	check_filled(c, cache_latest_version());
	/* Asking for an older version changes nothing. */
	CHECK_INT(cache_migrate_to(c, 1, &cause), 0);
	CHECK_INT(cache_schema_version(c), cache_latest_version());
	CHECK_INT(cache_migrate_to(c, cache_latest_version() + 1, &cause), -1);
	CHECK_CONTAINS(cause, "no schema version");
	free(cause);
	cause = NULL;
	CHECK(cache_open_at_version(path, -1, NULL, &cause) == NULL);
	free(cause);
	cache_close(c);
out:
	free(path);
	tmpdir_free(dir);
}

/*
 * Open path, expecting the old file to be moved aside with a warning; check
 * the aside file holds expect_bytes bytes (or any, if 0).
 */
static void
check_moved_aside(const char *dir, const char *path, long long expect_bytes)
{
	char		*warning = NULL, *cause = NULL, *aside;
	struct cache	*c;
	struct stat	 sb;
	const char	*p;

	c = cache_open(path, 0, &warning, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		printf("# %s\n", cause);
		free(cause);
		return;
	}
	CHECK(warning != NULL);
	printf("# warning: %s\n", warning ? warning : "(none)");
	CHECK_CONTAINS(warning, path);
	CHECK_CONTAINS(warning, ".corrupt-");
	CHECK_CONTAINS(warning, "fresh cache");
	CHECK(warning != NULL && strchr(warning, '\n') == NULL);
	CHECK_INT(cache_schema_version(c), cache_latest_version());
	CHECK_INT(count_prefix(dir, "cache.db.corrupt-") >= 1, 1);

	/* The warning names the aside file, and it exists. */
	p = warning != NULL ? strstr(warning, "moved it to ") : NULL;
	CHECK(p != NULL);
	if (p != NULL) {
		aside = xstrdup(p + strlen("moved it to "));
		*strchr(aside, ' ') = '\0';
		CHECK(stat(aside, &sb) == 0);
		if (expect_bytes != 0)
			CHECK_INT(sb.st_size, expect_bytes);
		free(aside);
	}
	free(warning);
	cache_close(c);
}

/* Random bytes are moved aside (with a stray WAL) and a cache created. */
static void
test_corrupt_random(void)
{
	char	*dir = tmpdir_new(), *path, *wal;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	wal = xasprintf("%s-wal", path);
	CHECK_INT(write_noise(path, 8192, 1), 0);
	CHECK_INT(write_noise(wal, 4096, 2), 0);
	check_moved_aside(dir, path, 8192);
	/* The stray WAL went with it, not into the new cache. */
	CHECK_INT(count_prefix(dir, "cache.db.corrupt-"), 2);

	/* A second bad file in the same second gets its own name. */
	CHECK_INT(write_noise(path, 300, 3), 0);
	unlink(wal);
	check_moved_aside(dir, path, 300);
	CHECK_INT(count_prefix(dir, "cache.db.corrupt-"), 3);
	free(wal);
	free(path);
	tmpdir_free(dir);
}

/* Another program's SQLite database is not ours: moved aside intact. */
static void
test_foreign_db(void)
{
	char		*dir = tmpdir_new(), *path, *warning = NULL;
	char		*cause = NULL, *aside, *p;
	sqlite3		*db;
	struct cache	*c;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "CREATE TABLE users (id INTEGER PRIMARY"
	    " KEY, name TEXT); INSERT INTO users (name) VALUES ('alice');",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	c = cache_open(path, 0, &warning, &cause);
	CHECK(c != NULL);
	CHECK_CONTAINS(warning, "not a sitrep cache");
	CHECK_CONTAINS(warning, ".corrupt-");
	if (c != NULL) {
		CHECK(!has_table(c, "users"));
		CHECK(has_table(c, "sources"));
	} else
		free(cause);
	cache_close(c);

	/* The foreign database is untouched at its new name. */
	p = warning != NULL ? strstr(warning, "moved it to ") : NULL;
	CHECK(p != NULL);
	if (p != NULL) {
		aside = xstrdup(p + strlen("moved it to "));
		*strchr(aside, ' ') = '\0';
		CHECK_INT(sqlite3_open_v2(aside, &db, SQLITE_OPEN_READONLY,
		    NULL), SQLITE_OK);
		p = query_text(db, "SELECT name FROM users");
		CHECK_STR(p, "alice");
		free(p);
		sqlite3_close(db);
		free(aside);
	}
	free(warning);

	/* So is one with another application id and no tables. */
	unlink(path);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "PRAGMA application_id = 1234; PRAGMA"
	    " user_version = 3;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	check_moved_aside(dir, path, 0);
	free(path);
	tmpdir_free(dir);
}

/* A cache cut short is detected by the integrity check and replaced. */
static void
test_truncated(void)
{
	char		*dir = tmpdir_new(), *path, *cause = NULL;
	struct cache	*c;
	struct stat	 sb;
	int		 i;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	CHECK_INT(cache_begin(c, &cause), 0);
	for (i = 0; i < 3000; i++) {
		char *sql = xasprintf("INSERT INTO samples VALUES ('prod',"
		    " 'query-%d', %d, %d.5)", i % 7, i, i);
		exec_sql(c, sql);
		free(sql);
	}
	CHECK_INT(cache_commit(c, &cause), 0);
	cache_close(c);	/* checkpoints the WAL into the file */

	CHECK(stat(path, &sb) == 0 && sb.st_size > 32768);
	CHECK_INT(truncate(path, sb.st_size / 2), 0);
	check_moved_aside(dir, path, sb.st_size / 2);

	/* Pages scribbled over, header and schema intact. */
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	CHECK_INT(cache_begin(c, &cause), 0);
	for (i = 0; i < 3000; i++) {
		char *sql = xasprintf("INSERT INTO samples VALUES ('prod',"
		    " 'query-%d', %d, %d.5)", i % 7, i, i);
		exec_sql(c, sql);
		free(sql);
	}
	CHECK_INT(cache_commit(c, &cause), 0);
	cache_close(c);
	CHECK(stat(path, &sb) == 0);
	{
		char	*noise = xasprintf("%s.noise", path);
		char	 page[4096];
		FILE	*in, *out;

		CHECK_INT(write_noise(noise, sizeof page, 5), 0);
		in = fopen(noise, "rb");
		out = fopen(path, "r+b");
		CHECK(in != NULL && out != NULL);
		if (in != NULL && out != NULL &&
		    fread(page, 1, sizeof page, in) == sizeof page) {
			fseek(out, (long)(sb.st_size / 4096 / 2 * 4096), SEEK_SET);
			fwrite(page, 1, sizeof page, out);
		}
		if (in != NULL)
			fclose(in);
		if (out != NULL)
			fclose(out);
		unlink(noise);
		free(noise);
	}
	check_moved_aside(dir, path, sb.st_size);

	/* Cut inside the header too. */
	CHECK_INT(truncate(path, 50), 0);
	check_moved_aside(dir, path, 50);
out:
	free(path);
	tmpdir_free(dir);
}

/* A schema newer than this binary knows is refused and left alone. */
static void
test_newer_schema(void)
{
	char		*dir = tmpdir_new(), *path, *warning, *cause = NULL;
	char		*want, *sql;
	struct cache	*c;
	sqlite3		*db;
	int		 newer = cache_latest_version() + 3;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	sql = xasprintf("PRAGMA user_version = %d", newer);
	CHECK_INT(exec_sql(c, sql), 0);
	free(sql);
	cache_close(c);

	want = xasprintf("cache %s has schema version %d but this sitrep knows"
	    " up to %d; upgrade sitrep or use another --cache", path, newer,
	    cache_latest_version());
	c = cache_open(path, 0, &warning, &cause);
	CHECK(c == NULL);
	CHECK(warning == NULL);
	CHECK_STR(cause, want);
	free(cause);
	cause = NULL;
	c = cache_open(path, CACHE_READONLY, &warning, &cause);
	CHECK(c == NULL);
	CHECK_STR(cause, want);
	free(cause);
	free(want);
	CHECK_INT(count_prefix(dir, "cache.db.corrupt-"), 0);
	CHECK(exists(path));

	/* Still refused, still not downgraded. */
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c == NULL);
	free(cause);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(query_int(db, "PRAGMA user_version"), newer);
	sqlite3_close(db);
out:
	free(path);
	tmpdir_free(dir);
}

/* Read-only opens neither create, migrate, repair nor write. */
static void
test_readonly(void)
{
	char		*dir = tmpdir_new(), *path, *cause = NULL, *text;
	struct cache	*c;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/sub/cache.db", dir);

	/* Missing: say how to create it, and do not. */
	c = cache_open(path, CACHE_READONLY, NULL, &cause);
	CHECK(c == NULL);
	CHECK_CONTAINS(cause, "does not exist");
	CHECK_CONTAINS(cause, "sitrep fetch");
	free(cause);
	cause = NULL;
	CHECK(!exists(path));

	/* Older schema: say a writer must run first, and do not migrate. */
	c = cache_open_at_version(path, 1, NULL, &cause);
	CHECK(c != NULL);
	cache_close(c);
	c = cache_open(path, CACHE_READONLY, NULL, &cause);
	CHECK(c == NULL);
	CHECK_CONTAINS(cause, "run a writer");
	free(cause);
	cause = NULL;

	/* Latest: reads work, writes do not. */
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT(cache_source_update(c, "prod", "prom", "prometheus",
		    1000, 1, 5, NULL, 3, &cause), 0);
	}
	cache_close(c);
	c = cache_open(path, CACHE_READONLY, NULL, &cause);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT(cache_schema_version(c), cache_latest_version());
		CHECK(sqlite3_exec(cache_db(c), "INSERT INTO meta VALUES"
		    " ('x', 'y')", NULL, NULL, NULL) != SQLITE_OK);
		CHECK_INT(cache_source_update(c, "prod", "prom", "prometheus",
		    2000, 1, 5, NULL, 3, &cause), -1);
		free(cause);
		cause = NULL;
		CHECK_INT(cache_migrate_to(c, 1, &cause), -1);
		free(cause);
		cause = NULL;
		text = info_text(c);
		CHECK_CONTAINS(text, "(read-only)");
		CHECK_CONTAINS(text, "prod/prom");
		free(text);
		cache_close(c);
	} else {
		printf("# %s\n", cause);
		free(cause);
		cause = NULL;
	}

	/* Corrupt: refuse, explain, and leave the file where it is. */
	CHECK_INT(write_noise(path, 4096, 9), 0);
	c = cache_open(path, CACHE_READONLY, NULL, &cause);
	CHECK(c == NULL);
	CHECK_CONTAINS(cause, "sitrep fetch");
	free(cause);
	CHECK(exists(path));
	free(path);
	path = xasprintf("%s/sub", dir);
	CHECK_INT(count_prefix(path, "cache.db.corrupt-"), 0);
	free(path);
	tmpdir_free(dir);
}

/* Source bookkeeping, and what `cache info` prints about it. */
static void
test_sources_info(void)
{
	char		*dir = tmpdir_new(), *path, *cause = NULL, *text;
	struct cache	*c;
	sqlite3		*db;
	char		 buf[512];
	const char *const *t;
	int		 width = 0;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	db = cache_db(c);

	text = info_text(c);
	CHECK_CONTAINS(text, "none yet");
	free(text);

	/* Success, then failure: success time and items stay. */
	CHECK_INT(cache_source_update(c, "prod", "prom", "prometheus",
	    1700000000000LL, 1, 42, NULL, 17, &cause), 0);
	CHECK_INT(cache_source_update(c, "prod", "prom", "prometheus",
	    1700000060000LL, 0, 5000, "connection refused", 0, &cause), 0);
	CHECK_INT(query_int(db, "SELECT last_success_ms FROM sources"),
	    1700000000000LL);
	CHECK_INT(query_int(db, "SELECT last_attempt_ms FROM sources"),
	    1700000060000LL);
	CHECK_INT(query_int(db, "SELECT items FROM sources"), 17);
	CHECK_INT(query_int(db, "SELECT failures FROM sources"), 1);
	CHECK_INT(query_int(db, "SELECT latency_ms FROM sources"), 5000);

	/* Inside a caller's transaction it joins it. */
	CHECK_INT(cache_begin(c, &cause), 0);
	CHECK_INT(cache_source_update(c, "prod", "am", "alertmanager",
	    1700000000000LL, 0, 10, "HTTP 503 \x1b[31mred\x1b[0m", 0, &cause),
	    0);
	cache_rollback(c);
	CHECK_INT(query_int(db, "SELECT count(*) FROM sources"), 1);
	CHECK_INT(cache_source_update(c, "prod", "am", "alertmanager",
	    1700000000000LL, 0, 10, "HTTP 503 \x1b[31mred\x1b[0m", 0, &cause),
	    0);
	CHECK_INT(cache_source_update(c, "staging", "kube", "kubernetes",
	    util_now_ms(), 1, 10, NULL, 4, &cause), 0);

	text = info_text(c);
	CHECK_CONTAINS(text, path);
	snprintf(buf, sizeof buf, "schema    %d (this sitrep writes %d)",
	    cache_latest_version(), cache_latest_version());
	CHECK_CONTAINS(text, buf);
	CHECK_CONTAINS(text, "bytes (database ");
	CHECK_CONTAINS(text, "WAL ");
	for (t = cache_schema_tables(); *t != NULL; t++) {
		if ((int)strlen(*t) > width)
			width = (int)strlen(*t);
	}
	snprintf(buf, sizeof buf, "\n  %-*s  %10d\n", width, "sources", 3);
	CHECK_CONTAINS(text, buf);
	snprintf(buf, sizeof buf, "\n  %-*s  %10d\n", width, "kube_pods", 0);
	CHECK_CONTAINS(text, buf);
	CHECK_CONTAINS(text, "prod/prom");
	CHECK_CONTAINS(text, "2023-11-14T22:13:20Z (");
	CHECK_CONTAINS(text, "last error: connection refused");
	CHECK_CONTAINS(text, "prod/am");
	CHECK_CONTAINS(text, "never");
	CHECK_CONTAINS(text, "staging/kube");
	CHECK_CONTAINS(text, "s ago)");
	/* Hostile text from a server is shown harmlessly. */
	CHECK(text != NULL && strchr(text, '\x1b') == NULL);
	CHECK_CONTAINS(text, "last error: HTTP 503 ");
	/* Columns line up: KIND starts at the same column on every row. */
	if (text != NULL) {
		const char *h = strstr(text, "CONTEXT/SOURCE");
		const char *k = strstr(text, "KIND");
		const char *r = strstr(text, "  prod/am ");
		const char *rk = r != NULL ? strstr(r, "alertmanager") : NULL;

		CHECK(h != NULL && k != NULL && r != NULL && rk != NULL);
		if (h != NULL && k != NULL && r != NULL && rk != NULL)
			CHECK_INT(k - h, rk - (r + 2));
	}
	free(text);
	cache_close(c);
out:
	free(path);
	tmpdir_free(dir);
}

/* Writes in one process, consistent reads in another, no SQLITE_BUSY. */
static void
test_concurrent(void)
{
	char		*dir = tmpdir_new(), *path, *cause = NULL;
	struct cache	*c, *r;
	pid_t		 pid;
	int		 status = -1, done = 0, reads = 0, bad = 0, errors = 0;
	long long	 a, b, last = 0;
	const int	 n = 400;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	cache_close(c);
	fflush(stdout);

	pid = fork();
	if (pid == 0) {
		int	i, fail = 0;
		char	*sql;

		c = cache_open(path, 0, NULL, &cause);
		if (c == NULL) {
			free(cause);
			child_exit(2, dir, path);
		}
		/* Each transaction writes a matching pair. */
		for (i = 0; i < n && !fail; i++) {
			if (cache_begin(c, &cause) != 0) {
				fail = 1;
				break;
			}
			sql = xasprintf("INSERT INTO samples VALUES ('ctx', 'a',"
			    " %d, %d); INSERT INTO samples VALUES ('ctx', 'b',"
			    " %d, %d);", i, i, i, i);
			if (sqlite3_exec(cache_db(c), sql, NULL, NULL, NULL) !=
			    SQLITE_OK)
				fail = 1;
			free(sql);
			if (cache_source_update(c, "ctx", "w", "sim", i, 1, 1,
			    NULL, i, &cause) != 0)
				fail = 1;
			if (fail)
				cache_rollback(c);
			else if (cache_commit(c, &cause) != 0)
				fail = 1;
		}
		if (fail)
			free(cause);
		cache_close(c);
		child_exit(fail ? 1 : 0, dir, path);
	}
	CHECK(pid > 0);
	if (pid < 0)
		goto out;

	r = cache_open(path, CACHE_READONLY, NULL, &cause);
	CHECK(r != NULL);
	if (r == NULL) {
		free(cause);
		waitpid(pid, &status, 0);
		goto out;
	}
	while (!done || reads < 5) {
		if (!done && waitpid(pid, &status, WNOHANG) == pid)
			done = 1;
		/* Two statements in one read transaction: one snapshot. */
		if (sqlite3_exec(cache_db(r), "BEGIN", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			errors++;
			continue;
		}
		a = query_int(cache_db(r), "SELECT count(*) FROM samples"
		    " WHERE query_key = 'a'");
		b = query_int(cache_db(r), "SELECT count(*) FROM samples"
		    " WHERE query_key = 'b'");
		if (a < 0 || b < 0)
			errors++;
		else if (a != b || a < last)
			bad++;
		else if (a > 0 && query_int(cache_db(r), "SELECT items FROM"
		    " sources WHERE name = 'w'") != a - 1)
			bad++;
		if (a > last)
			last = a;
		if (sqlite3_exec(cache_db(r), "COMMIT", NULL, NULL, NULL) !=
		    SQLITE_OK)
			errors++;
		reads++;
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_INT(errors, 0);
	CHECK_INT(bad, 0);
	CHECK_INT(last, n);
	printf("# %d consistent reads during %d writes\n", reads, n);
	cache_close(r);
out:
	free(path);
	tmpdir_free(dir);
}

/* Several processes creating one new cache at once all succeed. */
static void
test_concurrent_create(void)
{
	char		*dir = tmpdir_new(), *path;
	pid_t		 pids[4];
	int		 i, status, ok = 0;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/new/cache.db", dir);
	fflush(stdout);
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct cache	*c;
			char		*warning = NULL, *cause = NULL;
			int		 good;

			c = cache_open(path, 0, &warning, &cause);
			good = c != NULL && warning == NULL &&
			    cache_schema_version(c) == cache_latest_version();
			if (c == NULL)
				printf("# child: %s\n", cause);
			if (warning != NULL)
				printf("# child: %s\n", warning);
			fflush(stdout);
			cache_close(c);
			free(warning);
			free(cause);
			child_exit(good ? 0 : 1, dir, path);
		}
	}
	for (i = 0; i < 4; i++) {
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	}
	CHECK_INT(ok, 4);
	free(path);
	path = xasprintf("%s/new", dir);
	CHECK_INT(count_aside(path), 0);
	free(path);
	tmpdir_free(dir);
}

/* A parent path that is a file, or a directory as the cache: clean errors. */
static void
test_open_errors(void)
{
	char		*dir = tmpdir_new(), *path, *cause = NULL;
	struct cache	*c;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/file", dir);
	CHECK_INT(write_noise(path, 10, 1), 0);
	free(path);
	path = xasprintf("%s/file/cache.db", dir);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c == NULL);
	CHECK(cause != NULL);
	free(cause);
	cause = NULL;
	free(path);

	path = xasprintf("%s/adir", dir);
	CHECK_INT(mkdir(path, 0700), 0);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c == NULL);
	CHECK_CONTAINS(cause, "cannot open cache");
	free(cause);
	CHECK(exists(path));
	free(path);
	tmpdir_free(dir);
}

/*
 * Kept statements: the same SQL gives the same statement once it is put
 * back, a statement handed out is never handed out twice, more SQL than
 * slots evicts only free ones, and a put-back statement is reset (its
 * bindings cleared) so it runs again with new values.
 */
static void
test_kept_statements(void)
{
	char		*dir = tmpdir_new(), *path, *cause = NULL, *sql;
	struct cache	*c;
	sqlite3_stmt	*a, *b, *many[80], *st;
	int		 i, rows;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		free(path);
		tmpdir_free(dir);
		return;
	}
	a = cache_stmt(c, "t", "SELECT ?1 + 1", &cause);
	CHECK(a != NULL);
	b = cache_stmt(c, "t", "SELECT ?1 + 1", &cause);
	CHECK(b != NULL && b != a);		/* a is handed out */
	sqlite3_bind_int(a, 1, 41);
	CHECK_INT(sqlite3_step(a), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(a, 0), 42);
	cache_stmt_put(c, a);
	cache_stmt_put(c, b);
	st = cache_stmt(c, "t", "SELECT ?1 + 1", &cause);
	CHECK(st == a || st == b);
	/* Put back reset and unbound: NULL + 1 is NULL. */
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_type(st, 0), SQLITE_NULL);
	cache_stmt_put(c, st);

	/* More statements at once than there are slots: all distinct. */
	for (i = 0; i < 80; i++) {
		sql = xasprintf("SELECT %d", i);
		many[i] = cache_stmt(c, "t", sql, &cause);
		free(sql);
		CHECK(many[i] != NULL);
	}
	rows = 0;
	for (i = 0; i < 80; i++) {
		if (many[i] != NULL && sqlite3_step(many[i]) == SQLITE_ROW &&
		    sqlite3_column_int(many[i], 0) == i)
			rows++;
	}
	CHECK_INT(rows, 80);
	for (i = 0; i < 80; i++)
		cache_stmt_put(c, many[i]);
	/* Then new SQL replaces free ones; the old SQL prepares again. */
	for (i = 0; i < 80; i++) {
		sql = xasprintf("SELECT %d + 1000", i);
		st = cache_stmt(c, "t", sql, &cause);
		free(sql);
		CHECK(st != NULL && sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int(st, 0) == i + 1000);
		cache_stmt_put(c, st);
	}
	st = cache_stmt(c, "t", "SELECT nonsense FROM nowhere", &cause);
	CHECK(st == NULL);
	CHECK_CONTAINS(cause, "t: no such");
	free(cause);
	cache_close(c);
	free(path);
	tmpdir_free(dir);
}

/*
 * A file that cannot change (no write permission for anyone) is read as
 * immutable: nothing is created beside it, not even in a directory the
 * reader could write, and a second reader reads it the same way.  With
 * writes waiting in its -wal it is read the shared way, with them.
 */
static void
test_readonly_frozen(void)
{
	char		*dir = tmpdir_new(), *path, *side, *cause = NULL, *text;
	struct cache	*c, *r;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		printf("# %s\n", cause);
		free(cause);
		goto out;
	}
	CHECK_INT(cache_source_update(c, "prod", "prom", "prometheus", 1000, 1,
	    5, NULL, 3, &cause), 0);
	cache_close(c);
	CHECK_INT(count_prefix(dir, "cache.db-"), 0);
	CHECK_INT(chmod(path, 0400), 0);

	c = cache_open(path, CACHE_READONLY, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		printf("# %s\n", cause);
		free(cause);
		goto out;
	}
	text = info_text(c);
	CHECK_CONTAINS(text, "(read-only; immutable: the file cannot change");
	CHECK_CONTAINS(text, "prod/prom");
	free(text);
	r = cache_open_reader(c, &cause);
	CHECK(r != NULL);
	if (r != NULL)
		CHECK_INT(query_int(cache_db(r), "SELECT items FROM sources"),
		    3);
	else
		free(cause);
	cache_close(r);
	cache_close(c);
	/* No -wal, no -shm: the directory is as it was. */
	CHECK_INT(count_prefix(dir, "cache.db-"), 0);

	/* Writes waiting in a -wal: read with them, not as immutable. */
	CHECK_INT(chmod(path, 0600), 0);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	CHECK_INT(exec_sql(c, "PRAGMA wal_autocheckpoint = 0;"
	    " UPDATE sources SET items = 42"), 0);
	side = xasprintf("%s/copy.db", dir);
	CHECK_INT(copy_file(path, side), 0);
	free(side);
	side = xasprintf("%s/copy.db-wal", dir);
	CHECK_INT(copy_file(text = xasprintf("%s-wal", path), side), 0);
	free(text);
	cache_close(c);
	CHECK(exists(side));
	free(side);
	free(path);
	path = xasprintf("%s/copy.db", dir);
	CHECK_INT(chmod(path, 0400), 0);
	c = cache_open(path, CACHE_READONLY, NULL, &cause);
	CHECK(c != NULL);
	if (c != NULL) {
		text = info_text(c);
		CHECK(text != NULL && strstr(text, "immutable") == NULL);
		free(text);
		CHECK_INT(query_int(cache_db(c), "SELECT items FROM sources"),
		    42);
		cache_close(c);
	} else {
		printf("# %s\n", cause);
		free(cause);
	}
out:
	free(path);
	tmpdir_free(dir);
}

/*
 * A writer killed in the middle of a write in rollback mode (a new
 * cache's switch to WAL) leaves a -journal to roll back.  The state is
 * made by copying the file and its -journal while a write that spilled
 * into the file is open.  A reader refuses it, saying to let a writer
 * open it (not "check the permissions"), and changes nothing; a frozen
 * copy is not read as immutable (that would read the torn file); the
 * next writer rolls it back and keeps the cache, nothing moved aside.
 */
static void
test_readonly_hot_journal(void)
{
	char		*dir = tmpdir_new(), *path, *copy, *journal, *from;
	char		*cause = NULL, *warning = NULL;
	struct cache	*c;
	sqlite3		*db;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	copy = xasprintf("%s/copy.db", dir);
	journal = xasprintf("%s/copy.db-journal", dir);
	from = xasprintf("%s-journal", path);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		printf("# %s\n", cause);
		free(cause);
		goto out;
	}
	CHECK_INT(cache_source_update(c, "prod", "prom", "prometheus", 1000, 1,
	    5, NULL, 3, &cause), 0);
	cache_close(c);

	/* A write in rollback mode, spilled into the file, copied open. */
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "PRAGMA journal_mode = DELETE;"
	    " PRAGMA cache_size = 2; BEGIN IMMEDIATE;"
	    " UPDATE sources SET items = 42;"
	    " CREATE TABLE load (x);"
	    " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    "  WHERE i < 2000) INSERT INTO load SELECT randomblob(300) FROM n",
	    NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(copy_file(path, copy), 0);
	CHECK_INT(copy_file(from, journal), 0);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);

	c = cache_open(copy, CACHE_READONLY, NULL, &cause);
	CHECK(c == NULL);
	cache_close(c);
	CHECK_CONTAINS(cause, "copy.db-journal");
	CHECK_CONTAINS(cause, "sitrep fetch");
	CHECK(cause != NULL && strstr(cause, "permissions") == NULL);
	free(cause);
	cause = NULL;
	CHECK(exists(journal));

	/* Frozen: still refused, not read as immutable without the journal. */
	CHECK_INT(chmod(copy, 0400), 0);
	c = cache_open(copy, CACHE_READONLY, NULL, &cause);
	CHECK(c == NULL);
	cache_close(c);
	CHECK_CONTAINS(cause, "copy.db-journal");
	free(cause);
	cause = NULL;
	CHECK_INT(chmod(copy, 0600), 0);

	/* The next writer rolls it back: the cache as it was, kept. */
	c = cache_open(copy, 0, &warning, &cause);
	CHECK(c != NULL);
	CHECK(warning == NULL);
	free(warning);
	if (c != NULL) {
		CHECK_INT(query_int(cache_db(c), "SELECT items FROM sources"),
		    3);
		CHECK(!has_table(c, "load"));
	} else {
		printf("# %s\n", cause);
		free(cause);
		cause = NULL;
	}
	cache_close(c);
	CHECK(!exists(journal));
	CHECK_INT(count_aside(dir), 0);
	c = cache_open(copy, CACHE_READONLY, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL)
		free(cause);
	cache_close(c);
out:
	free(from);
	free(journal);
	free(copy);
	free(path);
	tmpdir_free(dir);
}

/*
 * Read-only opens where SQLite cannot make the -shm a reader needs (a
 * directory the reader cannot write; as root, in a child that became the
 * user nobody): a file that cannot change reads as immutable; a file
 * that may change is refused with the file's name and the reason, never
 * "not an error", and nothing is created.
 */
static void
test_readonly_unwritable_dir(void)
{
	char		*dir = tmpdir_new(), *sub = NULL, *path = NULL;
	char		*cause = NULL;
	struct cache	*c;
	pid_t		 pid;
	int		 status, mode;
	uid_t		 uid = getuid();

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	if (uid == 0)
		uid = 65534;	/* the reader: root writes anywhere */
	CHECK_INT(chmod(dir, 0755), 0);
	sub = xasprintf("%s/ro", dir);
	path = xasprintf("%s/cache.db", sub);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	cache_close(c);
	CHECK_INT(chown(sub, uid, (gid_t)-1), 0);
	CHECK_INT(chown(path, uid, (gid_t)-1), 0);
	CHECK_INT(chmod(sub, 0500), 0);

	for (mode = 0; mode < 2; mode++) {
		CHECK_INT(chmod(path, mode == 0 ? 0400 : 0600), 0);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			int	bad = 0;

			if (getuid() == 0 && (setgid(65534) != 0 ||
			    setuid(65534) != 0))
				child_exit(3, sub, path);
			c = cache_open(path, CACHE_READONLY, NULL, &cause);
			if (mode == 0 && c == NULL) {
				printf("# 0400: %s\n", cause);
				bad = 1;
			}
			if (mode == 1 && (c != NULL || cause == NULL ||
			    strstr(cause, path) == NULL ||
			    strstr(cause, "-shm") == NULL ||
			    strstr(cause, "cannot create files in") == NULL ||
			    strstr(cause, "not an error") != NULL)) {
				printf("# 0600: %s\n", cause ? cause : "opened");
				bad = 1;
			}
			cache_close(c);
			free(cause);
			free(dir);
			child_exit(bad, sub, path);
		}
		CHECK(pid > 0);
		if (pid < 0)
			break;
		CHECK(waitpid(pid, &status, 0) == pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
			SKIP("cannot become the user nobody to read as a user"
			    " who cannot write the directory");
			break;
		}
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		CHECK_INT(count_prefix(sub, "cache.db-"), 0);
	}
out:
	if (sub != NULL)
		chmod(sub, 0700);
	free(path);
	free(sub);
	tmpdir_free(dir);
}

/*
 * A full disk, made real with PRAGMA max_page_count: every write says
 * "disk full" and where, and the commit after a statement SQLite rolled
 * back says so too instead of "no transaction is active"; after room is
 * made the connection writes again.
 */
static void
test_disk_full(void)
{
	char		*dir = tmpdir_new(), *path, *cause = NULL, *want;
	char		*name, *err, *sql;
	struct cache	*c;
	long long	 pages;
	int		 i, rc = 0;

	if (dir == NULL) {
		CHECK(0);
		return;
	}
	path = xasprintf("%s/cache.db", dir);
	want = xasprintf("disk full: cannot write cache %s; free space on its"
	    " file system", path);
	c = cache_open(path, 0, NULL, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		goto out;
	}
	pages = query_int(cache_db(c), "PRAGMA page_count");
	sql = xasprintf("PRAGMA max_page_count = %lld", pages + 1);
	CHECK_INT(exec_sql(c, sql), 0);
	free(sql);

	/* A writer of this module: the row that does not fit. */
	err = xcalloc(1, 900);
	memset(err, 'e', 899);
	CHECK_INT(cache_begin(c, &cause), 0);
	for (i = 0; i < 200 && rc == 0; i++) {
		name = xasprintf("source-%d", i);
		rc = cache_source_update(c, "prod", name, "probe", 1000, 0, 5,
		    err, -1, &cause);
		free(name);
	}
	CHECK_INT(rc, -1);
	CHECK_STR(cause, want);
	free(cause);
	cause = NULL;
	CHECK_INT(cache_commit(c, &cause), -1);
	CHECK_STR(cause, want);
	free(cause);
	cause = NULL;

	/* cache_exec the same way. */
	CHECK_INT(cache_begin(c, &cause), 0);
	rc = 0;
	for (i = 0; i < 200 && rc == 0; i++) {
		name = xasprintf("k%d", i);
		rc = cache_exec(c, "meta", &cause, "INSERT INTO meta VALUES"
		    " (?, ?)", "tt", name, err);
		free(name);
	}
	CHECK_INT(rc, -1);
	CHECK_STR(cause, want);
	free(cause);
	cause = NULL;
	cache_rollback(c);

	/*
	 * A statement run on the handle (as core/store.c does) fails, SQLite
	 * rolls the write back, a small statement after it runs on its own:
	 * the commit says what happened.
	 */
	CHECK_INT(cache_begin(c, &cause), 0);
	rc = SQLITE_OK;
	for (i = 0; i < 200 && rc == SQLITE_OK; i++) {
		sql = sqlite3_mprintf("INSERT INTO meta VALUES ('r%d', '%q')",
		    i, err);
		rc = sqlite3_exec(cache_db(c), sql, NULL, NULL, NULL);
		sqlite3_free(sql);
	}
	CHECK_INT(rc & 0xff, SQLITE_FULL);
	CHECK_INT(query_int(cache_db(c), "SELECT 1"), 1);
	CHECK_INT(cache_commit(c, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "no transaction") == NULL);
	CHECK_CONTAINS(cause, "rolled the write back");
	free(cause);
	cause = NULL;

	/* The store's writers (core/store.c) say it the same way. */
	{
		struct store_probe	 probes[200];
		char			*names[200];

		memset(probes, 0, sizeof probes);
		for (i = 0; i < 200; i++) {
			names[i] = xasprintf("probe-%d", i);
			probes[i].name = names[i];
			probes[i].url = "http://127.0.0.1:1/";
			probes[i].excerpt = err;
			probes[i].status = STORE_NULL;
			probes[i].latency_ms = STORE_NULL;
		}
		CHECK_INT(cache_begin(c, &cause), 0);
		CHECK_INT(store_probes(c, "prod", probes, 200, &cause), -1);
		CHECK_STR(cause, want);
		free(cause);
		cause = NULL;
		cache_rollback(c);
		for (i = 0; i < 200; i++)
			free(names[i]);
	}

	/* Room again: a write goes through. */
	CHECK_INT(exec_sql(c, "PRAGMA max_page_count = 1073741823"), 0);
	CHECK_INT(cache_begin(c, &cause), 0);
	CHECK_INT(cache_source_update(c, "prod", "after", "probe", 2000, 1, 5,
	    NULL, 7, &cause), 0);
	CHECK_INT(cache_commit(c, &cause), 0);
	CHECK_INT(query_int(cache_db(c), "SELECT items FROM sources WHERE"
	    " name = 'after'"), 7);
	free(err);
	cache_close(c);
out:
	free(want);
	free(path);
	tmpdir_free(dir);
}

static const struct test tests[] = {
	TEST(test_default_path),
	TEST(test_open_creates),
	TEST(test_open_empty_file),
	TEST(test_migrations),
	TEST(test_migrate_stepwise),
	TEST(test_corrupt_random),
	TEST(test_foreign_db),
	TEST(test_truncated),
	TEST(test_newer_schema),
	TEST(test_readonly),
	TEST(test_readonly_frozen),
	TEST(test_readonly_hot_journal),
	TEST(test_readonly_unwritable_dir),
	TEST(test_disk_full),
	TEST(test_sources_info),
	TEST(test_concurrent),
	TEST(test_concurrent_create),
	TEST(test_open_errors),
	TEST(test_kept_statements),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
