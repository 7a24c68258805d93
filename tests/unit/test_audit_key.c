/*
 * test_audit_key.c: unit tests for HMAC-SHA256 and the keyed audit chain.
 *
 * HMAC-SHA256 is checked against the RFC 4231 test cases.  The audit log
 * is checked for what the key adds: the key file is made 0600 in a 0700
 * directory on the first append and refused when open to others; a forger
 * without the key who edits a row and recomputes the unkeyed chain is
 * caught; rows written before the key (chain 1) verify and are counted,
 * and sealed by the first keyed row; a missing or different key is named;
 * an anchored head catches rows cut off the end or rewritten up to it,
 * even by a holder of the key; the file damaged or the table gone fails.
 * The temporary files of key writers killed midway are removed by the next
 * writer once their process is gone, a live writer's never.
 * Every test has its own $XDG_STATE_HOME, so its own key.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/buf.h"
#include "base/hmac.h"
#include "base/sha256.h"
#include "base/xmalloc.h"
#include "core/audit.h"
#include "core/cache.h"

/* ---- helpers -------------------------------------------------------------- */

/* A cache and a state directory (the key's) in a temporary directory. */
struct fixture {
	char		*dir;
	char		*path;
	char		*key;		/* the key file's path */
	char		*saved_state;	/* XDG_STATE_HOME before */
	struct cache	*cache;
};

/* Remove a directory tree (two levels are all the tests make). */
static void
rm_tree(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*p;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(p);
		else
			unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

/* Make the directories; open the cache at version (0: the latest). */
static int
fixture_open(struct fixture *fx, int version)
{
	const char	*base = getenv("TMPDIR"), *st;
	char		*cause = NULL, *state;

	memset(fx, 0, sizeof *fx);
	if (base == NULL || *base == '\0')
		base = "/tmp";
	fx->dir = xasprintf("%s/sitrep-audit-key.XXXXXX", base);
	if (mkdtemp(fx->dir) == NULL) {
		printf("# mkdtemp: %s\n", strerror(errno));
		free(fx->dir);
		fx->dir = NULL;
		return -1;
	}
	st = getenv("XDG_STATE_HOME");
	fx->saved_state = st != NULL ? xstrdup(st) : NULL;
	state = xasprintf("%s/state", fx->dir);
	setenv("XDG_STATE_HOME", state, 1);
	free(state);
	fx->key = audit_key_path();
	fx->path = xasprintf("%s/cache.db", fx->dir);
	if (version > 0)
		fx->cache = cache_open_at_version(fx->path, version, NULL,
		    &cause);
	else
		fx->cache = cache_open(fx->path, 0, NULL, &cause);
	if (fx->cache == NULL) {
		printf("# cache_open: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Close the cache, remove the directory, restore XDG_STATE_HOME. */
static void
fixture_close(struct fixture *fx)
{
	cache_close(fx->cache);
	if (fx->dir != NULL)
		rm_tree(fx->dir);
	if (fx->saved_state != NULL)
		setenv("XDG_STATE_HOME", fx->saved_state, 1);
	else
		unsetenv("XDG_STATE_HOME");
	free(fx->saved_state);
	free(fx->dir);
	free(fx->path);
	free(fx->key);
}

/* Run SQL; the SQLite result code. */
static int
run(struct cache *c, const char *sql)
{
	return sqlite3_exec(cache_db(c), sql, NULL, NULL, NULL);
}

/* One integer from SQL, -1 on error. */
static int64_t
query_int(struct cache *c, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Append n notes with details "note 1" ...; 0 if all succeeded. */
static int
append_n(struct cache *c, int n)
{
	struct audit_entry	 e;
	char			*cause = NULL, *detail;
	int			 i, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		memset(&e, 0, sizeof e);
		e.ts_ms = 1700000000000LL + i * 1000;
		e.actor = "me";
		e.context = "prod";
		e.action = "note";
		e.target = "t";
		e.result = "ok";
		detail = xasprintf("note %d", i + 1);
		e.detail = detail;
		rc = audit_append(c, &e, &cause);
		if (rc != 0) {
			printf("# audit_append: %s\n", cause);
			free(cause);
		}
		free(detail);
	}
	return rc;
}

/* The serialisation of a row append_n-like fields would have. */
static void
row_bytes(struct buf *b, const char *prev, int64_t seq, int64_t ts,
    const char *detail)
{
	buf_init(b, 0);
	buf_printf(b, "s64:%si%" PRId64 ";i%" PRId64 ";s2:mes4:prods4:notes1:t"
	    "i0;s2:oks%zu:%s", prev, seq, ts, strlen(detail), detail);
}

/*
 * Rewrite rows from..to (triggers dropped) with detail changed in row
 * from, as a forger would: each row's hash recomputed with the old,
 * unkeyed SHA-256 (chain 1) when key is NULL, else with the key (chain 2).
 */
static void
forge(struct cache *c, int64_t from, int64_t to, const unsigned char *key)
{
	sqlite3_stmt	*st;
	struct buf	 b;
	unsigned char	 mac[SHA256_DIGEST_LEN];
	char		 prev[SHA256_HEX_LEN + 1], hash[SHA256_HEX_LEN + 1];
	char		 kid[SHA256_HEX_LEN + 1], *detail, *sql;
	const char	*p;
	int64_t		 seq, ts;

	run(c, "DROP TRIGGER IF EXISTS audit_no_update;"
	    " DROP TRIGGER IF EXISTS audit_no_delete;");
	memcpy(prev, AUDIT_GENESIS, sizeof prev);
	if (from > 1) {
		sql = sqlite3_mprintf("SELECT hash FROM audit WHERE seq = %lld",
		    (long long)from - 1);
		sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL);
		sqlite3_free(sql);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    (p = (const char *)sqlite3_column_text(st, 0)) != NULL)
			snprintf(prev, sizeof prev, "%s", p);
		sqlite3_finalize(st);
	}
	if (key != NULL) {
		hmac_sha256(key, AUDIT_KEY_LEN, "sitrep audit key id", 19, mac);
		sha256_hex(mac, kid);
		kid[AUDIT_KEY_ID_LEN] = '\0';
	}
	for (seq = from; seq <= to; seq++) {
		sql = sqlite3_mprintf("SELECT ts_ms FROM audit WHERE seq ="
		    " %lld", (long long)seq);
		ts = query_int(c, sql);
		sqlite3_free(sql);
		detail = seq == from ? xstrdup("nothing happened") :
		    xasprintf("note %" PRId64, seq);
		row_bytes(&b, prev, seq, ts, detail);
		if (key != NULL) {
			buf_printf(&b, "i2;s16:%s", kid);
			hmac_sha256(key, AUDIT_KEY_LEN, b.data, b.len, mac);
			sha256_hex(mac, hash);
		} else
			sha256_hex_of(b.data, b.len, hash);
		buf_done(&b);
		sql = sqlite3_mprintf("UPDATE audit SET detail = '%q',"
		    " prev_hash = '%q', hash = '%q', chain = %d, key_id = %Q"
		    " WHERE seq = %lld", detail, prev, hash, key != NULL ?
		    2 : 1, key != NULL ? kid : NULL, (long long)seq);
		CHECK_INT(run(c, sql), SQLITE_OK);
		sqlite3_free(sql);
		free(detail);
		memcpy(prev, hash, sizeof prev);
	}
	/* A forger would put the triggers back. */
	run(c, "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	    "  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	    "  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;");
}

/* Read the key file; 0 if it holds a key. */
static int
read_key(const char *path, unsigned char key[AUDIT_KEY_LEN])
{
	FILE	*f = fopen(path, "rb");
	size_t	 n = 0;

	if (f != NULL) {
		n = fread(key, 1, AUDIT_KEY_LEN, f);
		fclose(f);
	}
	return n == AUDIT_KEY_LEN ? 0 : -1;
}

/* Check and expect failure with a cause containing what. */
static void
expect_fail(struct cache *c, int64_t head_seq, const char *head,
    const char *what)
{
	struct audit_verdict	 v;
	char			*cause = NULL;

	CHECK_INT(audit_check(c, head_seq, head, &v, &cause), -1);
	CHECK_CONTAINS(cause, what);
	if (cause != NULL)
		printf("# check: %s\n", cause);
	free(cause);
}

/* ---- HMAC-SHA256 ---------------------------------------------------------- */

/* Hex to bytes; the number of bytes. */
static size_t
unhex(const char *hex, unsigned char *out)
{
	size_t	n = 0;
	unsigned int	v;

	while (hex[0] != '\0' && hex[1] != '\0' &&
	    sscanf(hex, "%2x", &v) == 1) {
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	return n;
}

/*
 * RFC 4231 test cases 1 to 7 (case 5 truncated to 128 bits; 6 and 7 have
 * a key longer than a block, hashed first).
 */
static void
test_hmac_rfc4231(void)
{
	static const struct {
		const char	*key, *data, *mac;
	} cases[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		  "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b"
		  "881dc200c9833da726e9376c2e32cff7" },
		{ "4a656665",
		  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c7"
		  "5a003f089d2739839dec58b964ec3843" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "dddddddddddddddddddddddddddddddddddddddddddddddddddd"
		  "dddddddddddddddddddddddddddddddddddddddddddddddd",
		  "773ea91e36800e46854db8ebd09181a7"
		  "2959098b3ef8c122d9635514ced565fe" },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
		  "82558a389a443c0ea4cc819899f2083a"
		  "85f0faa3e578f8077a2e3ff46729665b" },
		{ "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
		  "546573742057697468205472756e636174696f6e",
		  "a3b6167473100ee06e0c796c2955552b" },
		{ NULL,		/* 131 bytes of 0xaa, longer than a block */
		  "54657374205573696e67204c6172676572205468616e20426c6f636b2d"
		  "53697a65204b6579202d2048617368204b6579204669727374",
		  "60e431591ee0b67f0d8a26aacbf5b77f"
		  "8e0bc6213728c5140546040f0ee37f54" },
		{ NULL,		/* 131 bytes of 0xaa, longer than a block */
		  "5468697320697320612074657374207573696e672061206c6172676572"
		  "207468616e20626c6f636b2d73697a65206b657920616e642061206c61"
		  "72676572207468616e20626c6f636b2d73697a6520646174612e205468"
		  "65206b6579206e6565647320746f20626520686173686564206265666f"
		  "7265206265696e6720757365642062792074686520484d414320616c67"
		  "6f726974686d2e",
		  "9b09ffa71b942fcb27635fbcd5b0e944"
		  "bfdc63644f0713938a7f51535c3a35e2" },
	};
	unsigned char		 key[256], data[256], mac[SHA256_DIGEST_LEN];
	char			 hex[SHA256_HEX_LEN + 1];
	struct hmac_sha256	 h;
	size_t			 i, kn, dn, want;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].key != NULL)
			kn = unhex(cases[i].key, key);
		else {
			kn = 131;
			memset(key, 0xaa, kn);
		}
		dn = unhex(cases[i].data, data);
		hmac_sha256(key, kn, data, dn, mac);
		sha256_hex(mac, hex);
		want = strlen(cases[i].mac);
		hex[want] = '\0';
		CHECK_STR(hex, cases[i].mac);

		/* The same in pieces of 1 and 7 bytes. */
		hmac_sha256_init(&h, key, kn);
		hmac_sha256_update(&h, data, dn > 0 ? 1 : 0);
		if (dn > 1)
			hmac_sha256_update(&h, data + 1, dn - 1 < 7 ? dn - 1 :
			    7);
		if (dn > 8)
			hmac_sha256_update(&h, data + 8, dn - 8);
		hmac_sha256_final(&h, mac);
		sha256_hex(mac, hex);
		hex[want] = '\0';
		CHECK_STR(hex, cases[i].mac);
	}
}

/* ---- the key -------------------------------------------------------------- */

/* The first append makes the key: 32 bytes, 0600, directory 0700. */
static void
test_key_made_on_first_use(void)
{
	struct fixture		fx;
	struct stat		sb;
	struct audit_verdict	v;
	unsigned char		key[AUDIT_KEY_LEN], again[AUDIT_KEY_LEN];
	char			*cause = NULL, *dir;

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_STR(strrchr(fx.key, '/'), "/audit.key");
	CHECK(strncmp(fx.key, fx.dir, strlen(fx.dir)) == 0);
	/* Verifying an empty log makes nothing. */
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	CHECK(stat(fx.key, &sb) != 0);
	CHECK_INT(append_n(fx.cache, 2), 0);
	CHECK_INT(stat(fx.key, &sb), 0);
	CHECK_INT(sb.st_mode & 07777, 0600);
	CHECK_INT(sb.st_size, AUDIT_KEY_LEN);
	dir = xstrdup(fx.key);
	*strrchr(dir, '/') = '\0';
	CHECK_INT(stat(dir, &sb), 0);
	CHECK_INT(sb.st_mode & 07777, 0700);
	free(dir);
	/* It is kept, not made again; and never in the cache. */
	CHECK_INT(read_key(fx.key, key), 0);
	CHECK_INT(append_n(fx.cache, 1), 0);
	CHECK_INT(read_key(fx.key, again), 0);
	CHECK(memcmp(key, again, sizeof key) == 0);
	CHECK_INT(query_int(fx.cache, "SELECT count(*) FROM audit WHERE"
	    " chain = 2 AND length(key_id) = 16"), 3);
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	CHECK_INT(v.entries, 3);
	CHECK_INT(v.unkeyed, 0);
	fixture_close(&fx);
}

/* The pid of a process that has exited and been reaped, or -1. */
static long
dead_pid(void)
{
	pid_t	pid = fork();
	int	status;

	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return (long)pid;
}

/* Set the times of key+suffix to age seconds ago; 0 on success. */
static int
make_old(const char *key, const char *suffix, time_t age)
{
	struct timespec	 ts[2];
	char		*p = xasprintf("%s%s", key, suffix);
	int		 rc;

	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - age;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	rc = utimensat(AT_FDCWD, p, ts, 0);
	free(p);
	return rc;
}

/* Make key+suffix (half a key) modified age seconds ago; 0 on success. */
static int
leftover(const char *key, const char *suffix, time_t age)
{
	char	*p = xasprintf("%s%s", key, suffix);
	FILE	*f = fopen(p, "wb");
	int	 rc = -1;

	if (f != NULL) {
		fputs("half a k", f);
		if (fclose(f) == 0)
			rc = make_old(key, suffix, age);
	}
	free(p);
	return rc;
}

/* Whether the file key+suffix exists. */
static int
exists(const char *key, const char *suffix)
{
	struct stat	 sb;
	char		*p = xasprintf("%s%s", key, suffix);
	int		 rc = lstat(p, &sb) == 0;

	free(p);
	return rc;
}

/*
 * A writer killed while making the key leaves "audit.key.new.<pid>": the
 * next writer removes those of processes that are gone (its own pid, once
 * reused, included) when they are a minute old, and keeps a live writer's,
 * a fresh one and names not of that form.  One killed after linking the
 * key in place, before removing the name, is removed too.
 */
static void
test_key_leftovers(void)
{
	struct fixture	 fx;
	struct cache	*c2;
	char		*dir, *p, *cause = NULL, old1[32], old2[32], fresh[32];
	char		 mine[32], live[32];
	long		 d1 = dead_pid(), d2 = dead_pid(), d3 = dead_pid();

	if (fixture_open(&fx, 0) != 0 || d1 < 0 || d2 < 0 || d3 < 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	dir = xstrdup(fx.key);
	*strrchr(dir, '/') = '\0';
	p = xasprintf("%s/state", fx.dir);
	CHECK_INT(mkdir(p, 0700), 0);
	CHECK_INT(mkdir(dir, 0700), 0);
	free(p);
	snprintf(old1, sizeof old1, ".new.%ld", d1);
	snprintf(fresh, sizeof fresh, ".new.%ld", d2);
	snprintf(mine, sizeof mine, ".new.%ld", (long)getpid());
	snprintf(live, sizeof live, ".new.%ld", (long)getppid());
	CHECK_INT(leftover(fx.key, old1, 3600), 0);
	CHECK_INT(leftover(fx.key, fresh, 0), 0);
	CHECK_INT(leftover(fx.key, mine, 3600), 0);
	CHECK_INT(leftover(fx.key, live, 3600), 0);
	CHECK_INT(leftover(fx.key, ".new.12x", 3600), 0);
	CHECK_INT(leftover(fx.key, ".new.", 3600), 0);
	CHECK_INT(leftover(fx.key, ".old", 3600), 0);
	/* Making the key: its own pid's leftover does not stop it. */
	CHECK_INT(append_n(fx.cache, 1), 0);
	CHECK(exists(fx.key, ""));
	CHECK(!exists(fx.key, old1));
	CHECK(!exists(fx.key, mine));
	CHECK(exists(fx.key, fresh));
	CHECK(exists(fx.key, live));
	CHECK(exists(fx.key, ".new.12x"));
	CHECK(exists(fx.key, ".new."));
	CHECK(exists(fx.key, ".old"));

	/* Killed between link and unlink: a second name of the key. */
	snprintf(old2, sizeof old2, ".new.%ld", d3);
	p = xasprintf("%s%s", fx.key, old2);
	CHECK_INT(link(fx.key, p), 0);
	free(p);
	CHECK_INT(make_old(fx.key, old2, 3600), 0);
	CHECK_INT(make_old(fx.key, fresh, 3600), 0);
	/* Another cache, its log not keyed yet: it may make the key. */
	p = xasprintf("%s/other.db", fx.dir);
	c2 = cache_open(p, 0, NULL, &cause);
	CHECK(c2 != NULL);
	free(p);
	if (c2 != NULL) {
		CHECK_INT(append_n(c2, 1), 0);
		cache_close(c2);
	}
	free(cause);
	CHECK(exists(fx.key, ""));
	CHECK(!exists(fx.key, old2));
	CHECK(!exists(fx.key, fresh));
	CHECK(exists(fx.key, live));
	free(dir);
	fixture_close(&fx);
}

/* A key open to group or others is refused, with the chmod to run. */
static void
test_key_mode_refused(void)
{
	struct fixture		 fx;
	struct audit_entry	 e;
	char			*cause = NULL, *hint;

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 1), 0);
	CHECK_INT(chmod(fx.key, 0644), 0);
	hint = xasprintf("chmod 600 %s", fx.key);
	expect_fail(fx.cache, 0, NULL, hint);
	memset(&e, 0, sizeof e);
	e.actor = "me";
	e.action = "note";
	CHECK_INT(audit_append(fx.cache, &e, &cause), -1);
	CHECK_CONTAINS(cause, hint);
	CHECK_CONTAINS(cause, "was not recorded");
	free(cause);
	CHECK_INT(query_int(fx.cache, "SELECT count(*) FROM audit"), 1);
	/* Group-readable only is refused as well; 0600 works again. */
	CHECK_INT(chmod(fx.key, 0640), 0);
	expect_fail(fx.cache, 0, NULL, hint);
	CHECK_INT(chmod(fx.key, 0600), 0);
	CHECK_INT(append_n(fx.cache, 1), 0);
	free(hint);
	fixture_close(&fx);
}

/* A keyed log with its key gone: verify says so, append makes no new key. */
static void
test_key_missing(void)
{
	struct fixture		 fx;
	struct stat		 sb;
	struct audit_entry	 e;
	char			*cause = NULL;

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 2), 0);
	CHECK_INT(unlink(fx.key), 0);
	expect_fail(fx.cache, 0, NULL, "there is no key at");
	expect_fail(fx.cache, 0, NULL, fx.key);
	memset(&e, 0, sizeof e);
	e.actor = "me";
	e.action = "note";
	CHECK_INT(audit_append(fx.cache, &e, &cause), -1);
	CHECK_CONTAINS(cause, "no key at");
	free(cause);
	CHECK(stat(fx.key, &sb) != 0);
	fixture_close(&fx);
}

/* Another key: named as such, not as an edited row. */
static void
test_key_other(void)
{
	struct fixture		 fx;
	struct audit_entry	 e;
	unsigned char		 other[AUDIT_KEY_LEN];
	char			*cause = NULL;
	FILE			*f;

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 2), 0);
	memset(other, 0x5a, sizeof other);
	CHECK((f = fopen(fx.key, "wb")) != NULL);
	if (f != NULL) {
		CHECK_INT(fwrite(other, 1, sizeof other, f), sizeof other);
		fclose(f);
	}
	expect_fail(fx.cache, 0, NULL, "does not match the log");
	expect_fail(fx.cache, 0, NULL, "was the log written with another key");
	memset(&e, 0, sizeof e);
	e.actor = "me";
	e.action = "note";
	CHECK_INT(audit_append(fx.cache, &e, &cause), -1);
	CHECK_CONTAINS(cause, "does not match the log");
	free(cause);
	CHECK_INT(query_int(fx.cache, "SELECT count(*) FROM audit"), 2);
	fixture_close(&fx);
}

/* ---- the chain ------------------------------------------------------------ */

/*
 * The attack the key stops: edit a row, recompute the unkeyed chain from
 * there on (the old format, chain 1), put the triggers back.
 */
static void
test_forged_unkeyed_chain(void)
{
	struct fixture	fx;

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	forge(fx.cache, 3, 5, NULL);
	expect_fail(fx.cache, 0, NULL, "row 3 is chained without the key");
	fixture_close(&fx);

	/* Rewriting every row as unkeyed passes only without an anchor. */
	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	{
		struct audit_verdict	v;
		char			*cause = NULL, head[SHA256_HEX_LEN + 1];

		CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
		memcpy(head, v.hash, sizeof head);
		forge(fx.cache, 1, 5, NULL);
		CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
		CHECK_INT(v.unkeyed, 5);
		expect_fail(fx.cache, 5, head, "not the anchored head");
		expect_fail(fx.cache, 0, head, "is not in the log");
	}
	fixture_close(&fx);
}

/*
 * Rows from before the key (a cache at version 11, migrated) verify as
 * unkeyed and are counted; the first keyed row seals them.
 */
static void
test_unkeyed_rows_sealed(void)
{
	struct fixture		 fx;
	struct audit_verdict	 v;
	struct buf		 b;
	char			 prev[SHA256_HEX_LEN + 1];
	char			 hash[SHA256_HEX_LEN + 1];
	char			*cause = NULL, *sql, *detail;
	int64_t			 seq;

	if (fixture_open(&fx, 11) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	/* Three rows as the sitrep before the key wrote them. */
	memcpy(prev, AUDIT_GENESIS, sizeof prev);
	for (seq = 1; seq <= 3; seq++) {
		detail = xasprintf("note %" PRId64, seq);
		row_bytes(&b, prev, seq, 1600000000000LL + seq, detail);
		sha256_hex_of(b.data, b.len, hash);
		buf_done(&b);
		sql = sqlite3_mprintf("INSERT INTO audit (seq, ts_ms, actor,"
		    " context, action, target, dry_run, result, detail,"
		    " prev_hash, hash) VALUES (%lld, %lld, 'me', 'prod', 'note',"
		    " 't', 0, 'ok', '%q', '%q', '%q')", (long long)seq,
		    (long long)(1600000000000LL + seq), detail, prev, hash);
		CHECK_INT(run(fx.cache, sql), SQLITE_OK);
		sqlite3_free(sql);
		free(detail);
		memcpy(prev, hash, sizeof prev);
	}
	CHECK_INT(cache_migrate_to(fx.cache, cache_latest_version(), &cause),
	    0);
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	CHECK_INT(v.entries, 3);
	CHECK_INT(v.unkeyed, 3);
	CHECK_STR(v.hash, prev);

	/* A keyed row follows: still 3 unkeyed, now sealed by row 4. */
	CHECK_INT(append_n(fx.cache, 1), 0);
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	CHECK_INT(v.entries, 4);
	CHECK_INT(v.unkeyed, 3);

	/* Rewriting the unkeyed rows without the key breaks row 4's link. */
	forge(fx.cache, 2, 3, NULL);
	expect_fail(fx.cache, 0, NULL, "row 4 does not link");
	fixture_close(&fx);
}

/* ---- the anchored head ---------------------------------------------------- */

/* Rows cut off the end, sqlite_sequence mended: only the head sees it. */
static void
test_head_truncated(void)
{
	struct fixture		 fx;
	struct audit_verdict	 v;
	char			*cause = NULL, head[SHA256_HEX_LEN + 1];

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	memcpy(head, v.hash, sizeof head);
	CHECK_INT(v.seq, 5);
	CHECK_INT(audit_check(fx.cache, 5, head, &v, &cause), 0);
	CHECK_INT(v.head_seq, 5);
	CHECK_INT(audit_check(fx.cache, 0, head, &v, &cause), 0);
	CHECK_INT(v.head_seq, 5);

	/* Later rows are fine: the head stays in place. */
	CHECK_INT(append_n(fx.cache, 2), 0);
	CHECK_INT(audit_check(fx.cache, 5, head, &v, &cause), 0);
	CHECK_INT(v.head_seq, 5);
	CHECK_INT(v.seq, 7);

	/* Cut rows 4 to 7 and hide it from sqlite_sequence. */
	CHECK_INT(run(fx.cache, "DROP TRIGGER audit_no_delete;"
	    " DELETE FROM audit WHERE seq >= 4;"
	    " UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit';"
	    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	    "  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"),
	    SQLITE_OK);
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	expect_fail(fx.cache, 5, head, "entries 4 to 5 were removed");
	expect_fail(fx.cache, 0, head, "is not in the log");
	fixture_close(&fx);
}

/* With the key, rows after the head can be rewritten, the head cannot. */
static void
test_head_rewritten_with_key(void)
{
	struct fixture		 fx;
	struct audit_verdict	 v;
	unsigned char		 key[AUDIT_KEY_LEN];
	char			*cause = NULL, head[SHA256_HEX_LEN + 1];

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 6), 0);
	CHECK_INT(read_key(fx.key, key), 0);
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	/* Anchor entry 4's hash (as `audit head` printed it then). */
	{
		sqlite3_stmt	*st;

		sqlite3_prepare_v2(cache_db(fx.cache), "SELECT hash FROM audit"
		    " WHERE seq = 4", -1, &st, NULL);
		CHECK_INT(sqlite3_step(st), SQLITE_ROW);
		snprintf(head, sizeof head, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	/* Rows 5 and 6 rewritten with the key: the chain holds. */
	forge(fx.cache, 5, 6, key);
	CHECK_INT(query_int(fx.cache, "SELECT count(*) FROM audit WHERE"
	    " detail = 'nothing happened'"), 1);
	CHECK_INT(audit_check(fx.cache, 4, head, &v, &cause), 0);
	/* Row 3 rewritten with the key: the anchored head moved. */
	forge(fx.cache, 3, 6, key);
	CHECK_INT(audit_check(fx.cache, 0, NULL, &v, &cause), 0);
	expect_fail(fx.cache, 4, head, "not the anchored head");
	expect_fail(fx.cache, 0, head, "is not in the log");
	fixture_close(&fx);
}

/* The forms --head takes. */
static void
test_head_parse(void)
{
	char	 hash[SHA256_HEX_LEN + 1], *cause = NULL;
	int64_t	 seq;
	const char *h = "0123456789ABCDEF0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	char	*with;

	CHECK_INT(audit_head_parse(h, &seq, hash, &cause), 0);
	CHECK_INT(seq, 0);
	CHECK_STR(hash, "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	with = xasprintf("12:%s", h);
	CHECK_INT(audit_head_parse(with, &seq, hash, &cause), 0);
	CHECK_INT(seq, 12);
	free(with);
	with = xasprintf("seq 12 hash %s", h);
	CHECK_INT(audit_head_parse(with, &seq, hash, &cause), -1);
	CHECK_CONTAINS(cause, "64 hex digits");
	free(cause);
	free(with);
	cause = NULL;
	CHECK_INT(audit_head_parse("0:abc", &seq, hash, &cause), -1);
	free(cause);
	cause = NULL;
	with = xasprintf("%.63sg", h);
	CHECK_INT(audit_head_parse(with, &seq, hash, &cause), -1);
	free(cause);
	free(with);
}

/* ---- the file ------------------------------------------------------------- */

/* No audit table: named, not taken for an empty log. */
static void
test_no_audit_table(void)
{
	struct fixture	fx;

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 1), 0);
	CHECK_INT(run(fx.cache, "DROP TABLE audit"), SQLITE_OK);
	expect_fail(fx.cache, 0, NULL, "no audit log at");
	expect_fail(fx.cache, 0, NULL, fx.path);
	fixture_close(&fx);
}

/* A damaged file fails SQLite's check, and is left as it is. */
static void
test_damaged_file(void)
{
	struct fixture		 fx;
	struct stat		 sb;
	unsigned char		 junk[4096];
	char			*cause = NULL, *before, *after;
	FILE			*f;
	struct cache		*ro;
	int			 i, rc;

	if (fixture_open(&fx, 0) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 50), 0);
	cache_close(fx.cache);
	fx.cache = NULL;
	CHECK_INT(stat(fx.path, &sb), 0);
	for (i = 0; i < (int)sizeof junk; i++)
		junk[i] = (unsigned char)(i * 37 + 11);
	CHECK((f = fopen(fx.path, "r+b")) != NULL);
	if (f == NULL) {
		fixture_close(&fx);
		return;
	}
	/* Past the header page, into the tables' pages. */
	fseek(f, (long)(sb.st_size / 2 / 4096 * 4096), SEEK_SET);
	fwrite(junk, 1, sizeof junk, f);
	fclose(f);
	before = xasprintf("%s.before", fx.path);
	after = xasprintf("cmp -s %s %s", fx.path, before);
	{
		char	*cp = xasprintf("cp %s %s", fx.path, before);

		CHECK_INT(system(cp), 0);
		free(cp);
	}
	ro = cache_open(fx.path, CACHE_READONLY, NULL, &cause);
	if (ro == NULL) {
		/* Refused at open: a failure too, and nothing changed. */
		printf("# open: %s\n", cause);
		free(cause);
	} else {
		struct audit_verdict	v;

		rc = audit_check(ro, 0, NULL, &v, &cause);
		CHECK_INT(rc, -1);
		if (rc != 0) {
			CHECK_CONTAINS(cause, "damaged");
			printf("# check: %s\n", cause);
		}
		free(cause);
		cache_close(ro);
	}
	CHECK_INT(system(after), 0);
	free(before);
	free(after);
	fixture_close(&fx);
}

static const struct test tests[] = {
	TEST(test_hmac_rfc4231),
	TEST(test_key_made_on_first_use),
	TEST(test_key_leftovers),
	TEST(test_key_mode_refused),
	TEST(test_key_missing),
	TEST(test_key_other),
	TEST(test_forged_unkeyed_chain),
	TEST(test_unkeyed_rows_sealed),
	TEST(test_head_truncated),
	TEST(test_head_rewritten_with_key),
	TEST(test_head_parse),
	TEST(test_no_audit_table),
	TEST(test_damaged_file),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
