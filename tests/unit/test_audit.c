/*
 * test_audit.c: unit tests for SHA-256 and the hash-chained audit log.
 *
 * SHA-256 is checked against the FIPS 180-2 example vectors.  The audit log
 * is checked for what it must prove: an intact chain verifies, the triggers
 * refuse UPDATE and DELETE, and once the triggers are dropped an edited,
 * removed, rewritten or reordered row is still caught by audit_verify.
 * Reading it back (audit_read) keeps order, filters and text as stored.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "core/audit.h"
#include "base/buf.h"
#include "core/cache.h"
#include "base/hmac.h"
#include "base/sha256.h"
#include "base/xmalloc.h"

/* ---- helpers -------------------------------------------------------------- */

/* A cache in its own temporary directory. */
struct fixture {
	char		*dir;
	char		*path;
	struct cache	*cache;
};

/* Make a temporary directory and open a fresh cache in it. */
static int
fixture_open(struct fixture *fx)
{
	const char	*base = getenv("TMPDIR");
	char		*cause = NULL;

	memset(fx, 0, sizeof *fx);
	if (base == NULL || *base == '\0')
		base = "/tmp";
	fx->dir = xasprintf("%s/sitrep-audit-test.XXXXXX", base);
	if (mkdtemp(fx->dir) == NULL) {
		printf("# mkdtemp: %s\n", strerror(errno));
		free(fx->dir);
		fx->dir = NULL;
		return -1;
	}
	fx->path = xasprintf("%s/cache.db", fx->dir);
	fx->cache = cache_open(fx->path, 0, NULL, &cause);
	if (fx->cache == NULL) {
		printf("# cache_open: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Close the cache and remove its directory. */
static void
fixture_close(struct fixture *fx)
{
	DIR		*d;
	struct dirent	*de;
	char		*p;

	cache_close(fx->cache);
	if (fx->dir != NULL && (d = opendir(fx->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", fx->dir, de->d_name);
			unlink(p);
			free(p);
		}
		closedir(d);
		rmdir(fx->dir);
	}
	free(fx->dir);
	free(fx->path);
}

/* Append n ordinary entries; 0 if all succeeded. */
static int
append_n(struct cache *c, int n)
{
	struct audit_entry	 e;
	char			*cause = NULL, *target;
	int			 i, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		memset(&e, 0, sizeof e);
		e.ts_ms = 1700000000000LL + i * 1000;
		e.actor = "oncall";
		e.context = "prod";
		e.action = i % 2 ? "scale" : "rollback";
		target = xasprintf("deployment/shop/api-%d", i);
		e.target = target;
		e.dry_run = i % 3 == 0;
		e.result = "ok";
		e.detail = i == 1 ? NULL : "replicas 3 -> 5";
		rc = audit_append(c, &e, &cause);
		if (rc != 0) {
			printf("# audit_append: %s\n", cause);
			free(cause);
		}
		free(target);
	}
	return rc;
}

/* The audit key the appends used (harness.h points XDG_STATE_HOME at a
 * directory of the run); 0 if it was read. */
static int
read_key(unsigned char key[AUDIT_KEY_LEN])
{
	char	*path = audit_key_path();
	FILE	*f = fopen(path, "rb");
	size_t	 n = 0;

	if (f != NULL) {
		n = fread(key, 1, AUDIT_KEY_LEN, f);
		fclose(f);
	}
	if (n != AUDIT_KEY_LEN)
		printf("# cannot read the audit key %s\n", path);
	free(path);
	return n == AUDIT_KEY_LEN ? 0 : -1;
}

/* The hex MAC of b's bytes under key; the key's id into kid. */
static void
keyed_hex(const unsigned char key[AUDIT_KEY_LEN], const struct buf *b,
    char out[SHA256_HEX_LEN + 1], char kid[AUDIT_KEY_ID_LEN + 1])
{
	unsigned char	mac[SHA256_DIGEST_LEN];
	char		hex[SHA256_HEX_LEN + 1];

	hmac_sha256(key, AUDIT_KEY_LEN, "sitrep audit key id", 19, mac);
	sha256_hex(mac, hex);
	memcpy(kid, hex, AUDIT_KEY_ID_LEN);
	kid[AUDIT_KEY_ID_LEN] = '\0';
	if (b != NULL) {
		hmac_sha256(key, AUDIT_KEY_LEN, b->data, b->len, mac);
		sha256_hex(mac, out);
	}
}

/* Run SQL; the SQLite result code. */
static int
run(struct cache *c, const char *sql)
{
	return sqlite3_exec(cache_db(c), sql, NULL, NULL, NULL);
}

/* Drop the append-only triggers, as someone tampering would. */
static void
drop_triggers(struct cache *c)
{
	CHECK_INT(run(c, "DROP TRIGGER audit_no_update;"
	    " DROP TRIGGER audit_no_delete;"), SQLITE_OK);
}

/* Verify and expect failure at bad with a cause containing what. */
static void
expect_broken(struct cache *c, int64_t bad, const char *what)
{
	char	*cause = NULL;
	int64_t	 seq = -1;

	CHECK_INT(audit_verify(c, &seq, &cause), -1);
	CHECK_INT(seq, bad);
	CHECK_CONTAINS(cause, what);
	if (cause != NULL)
		printf("# verify: %s\n", cause);
	free(cause);
}

/* ---- SHA-256 -------------------------------------------------------------- */

/* The FIPS 180-2 examples and the empty message. */
static void
test_sha256_vectors(void)
{
	static const char	*msg448 =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char	*msg896 =
	    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char			 hex[SHA256_HEX_LEN + 1];

	sha256_hex_of("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	sha256_hex_of(msg448, strlen(msg448), hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
	sha256_hex_of(msg896, strlen(msg896), hex);
	CHECK_STR(hex, "cf5b16a778af8380036ce59e7b049237"
	    "0b249b11e8f07a51afac45037afee9d1");
	sha256_hex_of("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

/* One million 'a', fed in uneven pieces that straddle blocks. */
static void
test_sha256_million(void)
{
	struct sha256	ctx;
	unsigned char	digest[SHA256_DIGEST_LEN];
	char		hex[SHA256_HEX_LEN + 1], chunk[1024];
	size_t		done = 0, n, step = 1;

	memset(chunk, 'a', sizeof chunk);
	sha256_init(&ctx);
	while (done < 1000000) {
		n = step;	/* at most 1009 */
		if (n > 1000000 - done)
			n = 1000000 - done;
		sha256_update(&ctx, chunk, n);
		done += n;
		step = step % 997 + 13;	/* 1, 14, 27 ... never block-aligned */
	}
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}

/* Messages of every length around the padding boundary agree piecewise. */
static void
test_sha256_boundaries(void)
{
	struct sha256	ctx;
	unsigned char	digest[SHA256_DIGEST_LEN], msg[200];
	char		one[SHA256_HEX_LEN + 1], split[SHA256_HEX_LEN + 1];
	size_t		len, i;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	for (len = 0; len <= 130; len++) {
		sha256_hex_of(msg, len, one);
		sha256_init(&ctx);
		for (i = 0; i < len; i++)
			sha256_update(&ctx, msg + i, 1);
		sha256_final(&ctx, digest);
		sha256_hex(digest, split);
		if (strcmp(one, split) != 0)
			printf("# length %zu differs\n", len);
		CHECK_STR(one, split);
	}
	/* 55 and 56 bytes pick different padding paths; known answers. */
	memset(msg, 'a', sizeof msg);
	sha256_hex_of(msg, 55, one);
	CHECK_STR(one, "9f4390f8d30c2dd92ec9f095b65e2b9a"
	    "e9b0a925a5258e241c9f1e910f734318");
	sha256_hex_of(msg, 56, one);
	CHECK_STR(one, "b35439a4ac6f0948b6d6f9e3c6af0f5f"
	    "590ce20f1bde7090ef7970686ec6738a");
}

/* ---- audit ---------------------------------------------------------------- */

/* An intact chain verifies; the head and the genesis are as documented. */
static void
test_audit_chain(void)
{
	struct fixture	 fx;
	char		*cause = NULL, hash[SHA256_HEX_LEN + 1], *sql;
	int64_t		 bad = -1, rows, seq;
	sqlite3_stmt	*st;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	/* An empty log is intact. */
	CHECK_INT(audit_verify(fx.cache, &bad, &cause), 0);
	CHECK_INT(audit_head(fx.cache, &rows, &seq, hash, &cause), 0);
	CHECK_INT(rows, 0);
	CHECK_INT(seq, 0);
	CHECK_STR(hash, AUDIT_GENESIS);

	CHECK_INT(append_n(fx.cache, 6), 0);
	CHECK_INT(audit_verify(fx.cache, &bad, &cause), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(audit_head(fx.cache, &rows, &seq, hash, &cause), 0);
	CHECK_INT(rows, 6);
	CHECK_INT(seq, 6);
	CHECK_INT(strlen(hash), SHA256_HEX_LEN);

	/* Row 1 links to the genesis; each row links to the one before. */
	CHECK_INT(sqlite3_prepare_v2(cache_db(fx.cache), "SELECT a.prev_hash,"
	    " (SELECT b.hash FROM audit b WHERE b.seq = a.seq - 1) FROM audit"
	    " a ORDER BY a.seq", -1, &st, NULL), SQLITE_OK);
	seq = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		seq++;
		if (seq == 1)
			CHECK_STR((const char *)sqlite3_column_text(st, 0),
			    AUDIT_GENESIS);
		else
			CHECK_STR((const char *)sqlite3_column_text(st, 0),
			    (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	CHECK_INT(seq, 6);

	/* The head hash is the last row's hash. */
	sql = sqlite3_mprintf("SELECT count(*) FROM audit WHERE seq = 6 AND"
	    " hash = '%q'", hash);
	CHECK_INT(sqlite3_prepare_v2(cache_db(fx.cache), sql, -1, &st, NULL),
	    SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_free(sql);

	/* The durable setting is only for the append: NORMAL is back. */
	sqlite3_prepare_v2(cache_db(fx.cache), "PRAGMA synchronous", -1, &st,
	    NULL);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	fixture_close(&fx);
}

/* The first row's hash is exactly the documented serialisation's hash. */
static void
test_audit_format(void)
{
	struct fixture		 fx;
	struct audit_entry	 e;
	struct buf		 b;
	char			*cause = NULL, want[SHA256_HEX_LEN + 1];
	char			 hash[SHA256_HEX_LEN + 1];
	char			 kid[AUDIT_KEY_ID_LEN + 1];
	unsigned char		 key[AUDIT_KEY_LEN];
	int64_t			 rows, seq;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	memset(&e, 0, sizeof e);
	e.ts_ms = 1700000000123LL;
	e.actor = "alice";
	e.context = NULL;
	e.action = "silence";
	e.target = "";
	e.dry_run = 7;		/* stored as 1 */
	e.result = "ok";
	e.detail = "2h, \"deploy\"";
	CHECK_INT(audit_append(fx.cache, &e, &cause), 0);
	CHECK_INT(audit_head(fx.cache, &rows, &seq, hash, &cause), 0);

	/* Keyed (chain 2): HMAC-SHA256, chain and key id at the end. */
	CHECK_INT(read_key(key), 0);
	keyed_hex(key, NULL, NULL, kid);
	buf_init(&b, 0);
	buf_printf(&b, "s64:%si1;i1700000000123;s5:alicens7:silences0:i1;"
	    "s2:oks12:2h, \"deploy\"i2;s16:%s", AUDIT_GENESIS, kid);
	keyed_hex(key, &b, want, kid);
	buf_done(&b);
	CHECK_STR(hash, want);
	fixture_close(&fx);
}

/* The triggers refuse UPDATE and DELETE outright. */
static void
test_audit_triggers(void)
{
	struct fixture	 fx;
	char		*err = NULL, *cause = NULL;
	int64_t		 bad;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 3), 0);
	CHECK(sqlite3_exec(cache_db(fx.cache), "UPDATE audit SET detail ="
	    " 'nothing happened' WHERE seq = 2", NULL, NULL, &err) !=
	    SQLITE_OK);
	CHECK_CONTAINS(err, "audit log is append-only");
	sqlite3_free(err);
	err = NULL;
	CHECK(sqlite3_exec(cache_db(fx.cache), "DELETE FROM audit WHERE"
	    " seq = 3", NULL, NULL, &err) != SQLITE_OK);
	CHECK_CONTAINS(err, "audit log is append-only");
	sqlite3_free(err);
	CHECK_INT(audit_verify(fx.cache, &bad, &cause), 0);

	/* Dropping them is itself reported. */
	CHECK_INT(run(fx.cache, "DROP TRIGGER audit_no_delete"), SQLITE_OK);
	expect_broken(fx.cache, 0, "triggers");
	fixture_close(&fx);
}

/* An edited row fails its own hash. */
static void
test_audit_edit(void)
{
	struct fixture	fx;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "UPDATE audit SET dry_run = 1 - dry_run"
	    " WHERE seq = 3"), SQLITE_OK);
	expect_broken(fx.cache, 3, "row 3 was changed");
	fixture_close(&fx);
}

/* NULL and "" are different values to the chain. */
static void
test_audit_null_vs_empty(void)
{
	struct fixture	fx;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 3), 0);	/* row 2 has a NULL detail */
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "UPDATE audit SET detail = '' WHERE seq = 2"),
	    SQLITE_OK);
	expect_broken(fx.cache, 2, "row 2 was changed");
	fixture_close(&fx);
}

/* A row given a borrowed hash fails its own check. */
static void
test_audit_swap_hash(void)
{
	struct fixture	fx;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "UPDATE audit SET hash = (SELECT hash FROM"
	    " audit WHERE seq = 1) WHERE seq = 3"), SQLITE_OK);
	expect_broken(fx.cache, 3, "row 3 was changed");
	fixture_close(&fx);
}

/*
 * A forger who edits row 3 and recomputes its hash correctly (with the
 * key) still breaks the link from row 4.
 */
static void
test_audit_rewrite(void)
{
	struct fixture	 fx;
	struct buf	 b;
	sqlite3_stmt	*st;
	char		 hash[SHA256_HEX_LEN + 1], *sql;
	char		 kid[AUDIT_KEY_ID_LEN + 1];
	unsigned char	 key[AUDIT_KEY_LEN];
	const char	*prev;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	drop_triggers(fx.cache);

	/* Row 3 as append_n wrote it, with a new detail. */
	CHECK_INT(sqlite3_prepare_v2(cache_db(fx.cache), "SELECT hash FROM"
	    " audit WHERE seq = 2", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	prev = (const char *)sqlite3_column_text(st, 0);
	buf_init(&b, 0);
	CHECK_INT(read_key(key), 0);
	keyed_hex(key, NULL, NULL, kid);
	buf_printf(&b, "s64:%si3;i1700000002000;s6:oncalls4:prods8:rollback"
	    "s21:deployment/shop/api-2i0;s2:oks7:nothingi2;s16:%s",
	    prev ? prev : "", kid);
	sqlite3_finalize(st);
	keyed_hex(key, &b, hash, kid);
	buf_done(&b);
	sql = sqlite3_mprintf("UPDATE audit SET detail = 'nothing', hash = '%q'"
	    " WHERE seq = 3", hash);
	CHECK_INT(run(fx.cache, sql), SQLITE_OK);
	sqlite3_free(sql);
	expect_broken(fx.cache, 4, "row 4 does not link");
	fixture_close(&fx);
}

/* A row removed in the middle leaves a gap. */
static void
test_audit_delete_middle(void)
{
	struct fixture	fx;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "DELETE FROM audit WHERE seq = 2"), SQLITE_OK);
	expect_broken(fx.cache, 3, "row 2 is missing");
	fixture_close(&fx);
}

/* The first row removed: the log no longer starts at 1. */
static void
test_audit_delete_first(void)
{
	struct fixture	fx;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 4), 0);
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "DELETE FROM audit WHERE seq = 1"), SQLITE_OK);
	expect_broken(fx.cache, 2, "the log starts at row 2");
	fixture_close(&fx);
}

/* A renumbered middle (rows removed, later ones shifted down) breaks links. */
static void
test_audit_delete_renumber(void)
{
	struct fixture	fx;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "DELETE FROM audit WHERE seq = 2;"
	    " UPDATE audit SET seq = seq - 1 WHERE seq > 2;"
	    " UPDATE sqlite_sequence SET seq = 4 WHERE name = 'audit';"),
	    SQLITE_OK);
	expect_broken(fx.cache, 2, "row 2");
	fixture_close(&fx);
}

/* Rows removed from the end show against sqlite_sequence. */
static void
test_audit_delete_tail(void)
{
	struct fixture	 fx;
	char		*cause = NULL;
	int64_t		 bad;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "DELETE FROM audit WHERE seq >= 4"), SQLITE_OK);
	expect_broken(fx.cache, 4, "rows 4 to 5 were removed");

	/* Appending afterwards does not hide it. */
	CHECK_INT(append_n(fx.cache, 1), 0);
	CHECK_INT(audit_verify(fx.cache, &bad, &cause), -1);
	free(cause);
	fixture_close(&fx);
}

/* Two rows swapped (seq values exchanged) are caught. */
static void
test_audit_reorder(void)
{
	struct fixture	fx;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(append_n(fx.cache, 5), 0);
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "UPDATE audit SET seq = 100 WHERE seq = 2;"
	    " UPDATE audit SET seq = 2 WHERE seq = 3;"
	    " UPDATE audit SET seq = 3 WHERE seq = 100;"), SQLITE_OK);
	expect_broken(fx.cache, 2, "row 2");
	fixture_close(&fx);
}

/* Appends from several processes at once keep one unbroken chain. */
static void
test_audit_concurrent(void)
{
	struct fixture	 fx;
	pid_t		 pids[3];
	int		 i, status, ok = 0;
	char		*cause = NULL, hash[SHA256_HEX_LEN + 1];
	int64_t		 bad = -1, rows = 0, seq = 0;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	/* A connection must not cross a fork: close ours first. */
	cache_close(fx.cache);
	fx.cache = NULL;
	fflush(stdout);
	for (i = 0; i < 3; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct cache	*c;
			int		 rc = -1;

			c = cache_open(fx.path, 0, NULL, &cause);
			if (c != NULL)
				rc = append_n(c, 30);
			else
				free(cause);
			cache_close(c);
			free(fx.dir);
			free(fx.path);
			fflush(stdout);
			_exit(rc == 0 ? 0 : 1);
		}
	}
	for (i = 0; i < 3; i++) {
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	}
	CHECK_INT(ok, 3);
	fx.cache = cache_open(fx.path, 0, NULL, &cause);
	CHECK(fx.cache != NULL);
	if (fx.cache == NULL) {
		free(cause);
		fixture_close(&fx);
		return;
	}
	CHECK_INT(audit_verify(fx.cache, &bad, &cause), 0);
	CHECK_INT(bad, 0);
	CHECK_INT(audit_head(fx.cache, &rows, &seq, hash, &cause), 0);
	CHECK_INT(rows, 90);
	CHECK_INT(seq, 90);
	fixture_close(&fx);
}

/* Bad input, wrong moments and read-only caches are refused cleanly. */
static void
test_audit_refusals(void)
{
	struct fixture		 fx;
	struct audit_entry	 e;
	struct cache		*ro;
	char			*cause = NULL, *big;
	int64_t			 bad;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	memset(&e, 0, sizeof e);
	e.action = "restart";
	CHECK_INT(audit_append(fx.cache, &e, &cause), -1);
	CHECK_CONTAINS(cause, "actor");
	free(cause);
	cause = NULL;

	e.actor = "bob";
	CHECK_INT(cache_begin(fx.cache, &cause), 0);
	CHECK_INT(audit_append(fx.cache, &e, &cause), -1);
	CHECK_CONTAINS(cause, "commit it first");
	free(cause);
	cause = NULL;
	cache_rollback(fx.cache);

	/* Oversized and invalid text is stored clipped and valid. */
	big = xmalloc(AUDIT_FIELD_MAX * 2 + 1);
	memset(big, 'x', AUDIT_FIELD_MAX * 2);
	big[AUDIT_FIELD_MAX * 2] = '\0';
	big[5] = '\xff';
	e.detail = big;
	CHECK_INT(audit_append(fx.cache, &e, &cause), 0);
	free(big);
	e.detail = "done";
	CHECK_INT(audit_verify(fx.cache, &bad, &cause), 0);
	{
		sqlite3_stmt	*st;

		/* One bad byte became U+FFFD (3 bytes); no 0xff is left. */
		sqlite3_prepare_v2(cache_db(fx.cache), "SELECT length(CAST("
		    "detail AS BLOB)), instr(CAST(detail AS BLOB), x'ff')"
		    " FROM audit WHERE seq = 1", -1, &st, NULL);
		CHECK_INT(sqlite3_step(st), SQLITE_ROW);
		CHECK_INT(sqlite3_column_int(st, 0), AUDIT_FIELD_MAX + 2);
		CHECK_INT(sqlite3_column_int(st, 1), 0);
		sqlite3_finalize(st);
	}

	/* A read-only cache verifies but does not take appends. */
	ro = cache_open(fx.path, CACHE_READONLY, NULL, &cause);
	CHECK(ro != NULL);
	if (ro != NULL) {
		CHECK_INT(audit_verify(ro, &bad, &cause), 0);
		CHECK_INT(audit_append(ro, &e, &cause), -1);
		CHECK_CONTAINS(cause, "was not recorded");
		free(cause);
		cache_close(ro);
	} else
		free(cause);
	fixture_close(&fx);
}

/* Append one entry at ts in context (NULL: none); 0 if it succeeded. */
static int
append_at(struct cache *c, int64_t ts, const char *context,
    const char *action, const char *detail)
{
	struct audit_entry	 e;
	char			*cause = NULL;
	int			 rc;

	memset(&e, 0, sizeof e);
	e.ts_ms = ts;
	e.actor = "alice";
	e.context = context;
	e.action = action;
	e.target = "c0ffee01";
	e.result = "ok";
	e.detail = detail;
	rc = audit_append(c, &e, &cause);
	if (rc != 0) {
		printf("# audit_append: %s\n", cause);
		free(cause);
	}
	return rc;
}

/*
 * audit_read: the rows since a time, in seq order even when a clock went
 * back, of one context or all (rows without one only then), every field
 * and the hash as stored, hostile text untouched (it is the printer's job
 * to sanitise); an empty answer and a read-only cache are fine.
 */
static void
test_audit_read(void)
{
	static const char	 hostile[] = "rm \x1b[2J\x1b]0;pwned\x07 \xc2\x9b"
				    "31m\nline two\t\xe2\x80\xae";
	struct fixture		 fx;
	struct audit_rec	*v = NULL;
	struct cache		*ro;
	char			*cause = NULL, hash[SHA256_HEX_LEN + 1];
	int64_t			 rows, seq, base = 1700000000000LL;
	size_t			 n = 99;

	if (fixture_open(&fx) != 0) {
		CHECK(0);
		fixture_close(&fx);
		return;
	}
	/* Empty: no rows, no array, success. */
	CHECK_INT(audit_read(fx.cache, 0, NULL, &v, &n, &cause), 0);
	CHECK_INT((int)n, 0);
	CHECK(v == NULL);

	CHECK_INT(append_at(fx.cache, base, "prod", "silence", "one"), 0);
	CHECK_INT(append_at(fx.cache, base + 60000, "staging", "ack", NULL),
	    0);
	CHECK_INT(append_at(fx.cache, base + 120000, NULL, "note", "x"), 0);
	CHECK_INT(append_at(fx.cache, base + 180000, "prod", "note", hostile),
	    0);
	/* A clock that went back: still listed after, in seq order. */
	CHECK_INT(append_at(fx.cache, base + 90000, "prod", "resolve", ""),
	    0);

	/* Everything, oldest first by seq. */
	CHECK_INT(audit_read(fx.cache, 0, NULL, &v, &n, &cause), 0);
	CHECK_INT((int)n, 5);
	if (n == 5) {
		CHECK_INT((int)v[0].seq, 1);
		CHECK_INT((int)v[4].seq, 5);
		CHECK(v[4].ts_ms == base + 90000);
		CHECK_STR(v[0].actor, "alice");
		CHECK_STR(v[0].context, "prod");
		CHECK_STR(v[0].action, "silence");
		CHECK_STR(v[0].target, "c0ffee01");
		CHECK_STR(v[0].result, "ok");
		CHECK_STR(v[0].detail, "one");
		CHECK(v[1].detail == NULL);
		CHECK(v[2].context == NULL);
		/* Hostile text kept byte for byte; "" stays "", not NULL. */
		CHECK_STR(v[3].detail, hostile);
		CHECK(v[4].detail != NULL && *v[4].detail == '\0');
		CHECK_INT(audit_head(fx.cache, &rows, &seq, hash, &cause), 0);
		CHECK_STR(v[4].hash, hash);
		CHECK_INT((int)strlen(v[0].hash), SHA256_HEX_LEN);
	}
	audit_recs_free(v, n);

	/* Since a time: rows at or after it, by their time, in seq order. */
	CHECK_INT(audit_read(fx.cache, base + 90000, NULL, &v, &n, &cause),
	    0);
	CHECK_INT((int)n, 3);
	if (n == 3) {
		CHECK_INT((int)v[0].seq, 3);
		CHECK_INT((int)v[1].seq, 4);
		CHECK_INT((int)v[2].seq, 5);
	}
	audit_recs_free(v, n);

	/* One context: its rows only; a row without one is not in it. */
	CHECK_INT(audit_read(fx.cache, 0, "prod", &v, &n, &cause), 0);
	CHECK_INT((int)n, 3);
	if (n == 3) {
		CHECK_INT((int)v[0].seq, 1);
		CHECK_INT((int)v[1].seq, 4);
		CHECK_INT((int)v[2].seq, 5);
	}
	audit_recs_free(v, n);
	CHECK_INT(audit_read(fx.cache, base + 60000, "staging", &v, &n,
	    &cause), 0);
	CHECK_INT((int)n, 1);
	if (n == 1)
		CHECK_STR(v[0].action, "ack");
	audit_recs_free(v, n);
	CHECK_INT(audit_read(fx.cache, base + 60001, "staging", &v, &n,
	    &cause), 0);
	CHECK_INT((int)n, 0);
	audit_recs_free(v, n);
	CHECK_INT(audit_read(fx.cache, 0, "nowhere", &v, &n, &cause), 0);
	CHECK_INT((int)n, 0);
	audit_recs_free(v, n);
	audit_recs_free(NULL, 0);

	/* A read-only cache reads the same. */
	ro = cache_open(fx.path, CACHE_READONLY, NULL, &cause);
	CHECK(ro != NULL);
	if (ro != NULL) {
		CHECK_INT(audit_read(ro, base + 180000, "prod", &v, &n,
		    &cause), 0);
		CHECK_INT((int)n, 1);
		if (n == 1)
			CHECK_STR(v[0].detail, hostile);
		audit_recs_free(v, n);
		cache_close(ro);
	} else
		free(cause);

	/* No table to read: an error that names the cache. */
	cause = NULL;
	drop_triggers(fx.cache);
	CHECK_INT(run(fx.cache, "DROP TABLE audit"), SQLITE_OK);
	CHECK_INT(audit_read(fx.cache, 0, NULL, &v, &n, &cause), -1);
	CHECK_CONTAINS(cause, "cannot read the audit log");
	CHECK_CONTAINS(cause, fx.path);
	CHECK(v == NULL && n == 0);
	free(cause);
	fixture_close(&fx);
}

static const struct test tests[] = {
	TEST(test_sha256_vectors),
	TEST(test_sha256_million),
	TEST(test_sha256_boundaries),
	TEST(test_audit_chain),
	TEST(test_audit_format),
	TEST(test_audit_triggers),
	TEST(test_audit_edit),
	TEST(test_audit_null_vs_empty),
	TEST(test_audit_swap_hash),
	TEST(test_audit_rewrite),
	TEST(test_audit_delete_middle),
	TEST(test_audit_delete_first),
	TEST(test_audit_delete_renumber),
	TEST(test_audit_delete_tail),
	TEST(test_audit_reorder),
	TEST(test_audit_concurrent),
	TEST(test_audit_refusals),
	TEST(test_audit_read),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
