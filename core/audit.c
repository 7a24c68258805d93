/*
 * audit.c: appending to, verifying and reading the hash-chained audit log.
 *
 * The hash of a row is SHA-256, in lowercase hex, over a canonical
 * serialisation of the previous row's hash and this row's fields, in this
 * order:
 *
 *	prev_hash seq ts_ms actor context action target dry_run result detail
 *
 * Each field is type-tagged so no two rows can serialise alike: a string is
 * "s<length in bytes>:<bytes>", an integer "i<decimal>;", a NULL "n".  So
 * "ab" + "c" and "a" + "bc" differ, and so do NULL and "".  The format is
 * part of the file format: changing it would break every existing chain.
 *
 * Appends run in BEGIN IMMEDIATE with PRAGMA synchronous = FULL, so once
 * audit_append returns the row survives a power cut; the connection's
 * previous synchronous setting is restored afterwards.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/cache.h"
#include "base/sanitize.h"
#include "base/sha256.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* A row as read back or about to be written. */
struct audit_row {
	int64_t		 seq;
	int64_t		 ts_ms;
	const char	*text[6];	/* actor context action target result detail */
	int		 len[6];
	int		 dry_run;
	const char	*prev_hash;
};

/* Feed a string field (or NULL) into the hash. */
static void
audit_hash_text(struct sha256 *h, const char *s, size_t len)
{
	char	tag[32];
	int	n;

	if (s == NULL) {
		sha256_update(h, "n", 1);
		return;
	}
	n = snprintf(tag, sizeof tag, "s%zu:", len);
	sha256_update(h, tag, (size_t)n);
	sha256_update(h, s, len);
}

/* Feed an integer field into the hash. */
static void
audit_hash_int(struct sha256 *h, int64_t v)
{
	char	tag[32];
	int	n;

	n = snprintf(tag, sizeof tag, "i%" PRId64 ";", v);
	sha256_update(h, tag, (size_t)n);
}

/* Compute the chain hash of a row into out. */
static void
audit_hash_row(const struct audit_row *r, char out[SHA256_HEX_LEN + 1])
{
	struct sha256	h;
	unsigned char	digest[SHA256_DIGEST_LEN];
	int		i;

	sha256_init(&h);
	audit_hash_text(&h, r->prev_hash, strlen(r->prev_hash));
	audit_hash_int(&h, r->seq);
	audit_hash_int(&h, r->ts_ms);
	for (i = 0; i < 4; i++)	/* actor context action target */
		audit_hash_text(&h, r->text[i], (size_t)r->len[i]);
	audit_hash_int(&h, r->dry_run);
	for (i = 4; i < 6; i++)	/* result detail */
		audit_hash_text(&h, r->text[i], (size_t)r->len[i]);
	sha256_final(&h, digest);
	sha256_hex(digest, out);
}

/* Valid UTF-8 copy of s cut to AUDIT_FIELD_MAX bytes, or NULL for NULL. */
static char *
audit_clean(const char *s)
{
	size_t	len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (len > AUDIT_FIELD_MAX) {
		len = AUDIT_FIELD_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	return sanitize_utf8(s, len);
}

/* Read the last row's seq and hash; seq 0 and the genesis if empty. */
static int
audit_last(sqlite3 *db, int64_t *seq, char hash[SHA256_HEX_LEN + 1])
{
	sqlite3_stmt	*st;
	const char	*h;
	int		 rc;

	*seq = 0;
	memcpy(hash, AUDIT_GENESIS, SHA256_HEX_LEN + 1);
	rc = sqlite3_prepare_v2(db, "SELECT seq, hash FROM audit"
	    " ORDER BY seq DESC LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		h = (const char *)sqlite3_column_text(st, 1);
		if (h != NULL)
			snprintf(hash, SHA256_HEX_LEN + 1, "%s", h);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(st);
	return rc;
}

/* Append one action to the audit log, durably. */
int
audit_append(struct cache *c, const struct audit_entry *e, char **cause)
{
	sqlite3		*db = cache_db(c);
	sqlite3_stmt	*st = NULL, *q;
	struct audit_row r;
	const char	*raw[6];
	char		*clean[6], prev[SHA256_HEX_LEN + 1];
	char		 hash[SHA256_HEX_LEN + 1], *restore;
	int		 i, rc, sync = 1;

	if (e->actor == NULL || *e->actor == '\0' || e->action == NULL ||
	    *e->action == '\0') {
		*cause = xstrdup("an audit entry needs an actor and an action");
		return -1;
	}
	if (!sqlite3_get_autocommit(db)) {
		*cause = xasprintf("cannot audit '%s' inside an open cache"
		    " transaction; commit it first", e->action);
		return -1;
	}

	raw[0] = e->actor;
	raw[1] = e->context;
	raw[2] = e->action;
	raw[3] = e->target;
	raw[4] = e->result;
	raw[5] = e->detail;
	memset(&r, 0, sizeof r);
	for (i = 0; i < 6; i++) {
		clean[i] = audit_clean(raw[i]);
		r.text[i] = clean[i];
		r.len[i] = clean[i] != NULL ? (int)strlen(clean[i]) : 0;
	}
	r.ts_ms = e->ts_ms > 0 ? e->ts_ms : util_now_ms();
	r.dry_run = e->dry_run ? 1 : 0;

	/* Durable for this transaction only; remember what to go back to. */
	if (sqlite3_prepare_v2(db, "PRAGMA synchronous", -1, &q, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			sync = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);

	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	rc = audit_last(db, &r.seq, prev);
	if (rc != SQLITE_OK)
		goto fail;
	r.seq++;
	r.prev_hash = prev;
	audit_hash_row(&r, hash);

	rc = sqlite3_prepare_v2(db, "INSERT INTO audit (seq, ts_ms, actor,"
	    " context, action, target, dry_run, result, detail, prev_hash,"
	    " hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, r.seq);
	sqlite3_bind_int64(st, 2, r.ts_ms);
	sqlite3_bind_text(st, 3, r.text[0], r.len[0], SQLITE_STATIC);
	if (r.text[1] != NULL)
		sqlite3_bind_text(st, 4, r.text[1], r.len[1], SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r.text[2], r.len[2], SQLITE_STATIC);
	if (r.text[3] != NULL)
		sqlite3_bind_text(st, 6, r.text[3], r.len[3], SQLITE_STATIC);
	sqlite3_bind_int(st, 7, r.dry_run);
	if (r.text[4] != NULL)
		sqlite3_bind_text(st, 8, r.text[4], r.len[4], SQLITE_STATIC);
	if (r.text[5] != NULL)
		sqlite3_bind_text(st, 9, r.text[5], r.len[5], SQLITE_STATIC);
	sqlite3_bind_text(st, 10, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;

	restore = xasprintf("PRAGMA synchronous = %d", sync);
	sqlite3_exec(db, restore, NULL, NULL, NULL);
	free(restore);
	for (i = 0; i < 6; i++)
		free(clean[i]);
	return 0;

fail:
	*cause = xasprintf("cannot write the audit log in cache %s: %s; the"
	    " action '%s' was not recorded", cache_path(c), sqlite3_errmsg(db),
	    e->action);
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	restore = xasprintf("PRAGMA synchronous = %d", sync);
	sqlite3_exec(db, restore, NULL, NULL, NULL);
	free(restore);
	for (i = 0; i < 6; i++)
		free(clean[i]);
	return -1;
}

/* The advice that ends every verification failure. */
#define AUDIT_ADVICE "; the log cannot be trusted from there on: keep this" \
	" cache file as evidence and compare it with a backup"

/* Check the rows in seq order; 0, or -1 with *bad_seq and *cause. */
static int
audit_walk(sqlite3 *db, const char *path, int64_t *last, int64_t *bad_seq,
    char **cause)
{
	sqlite3_stmt	*st;
	struct audit_row r;
	char		 prev[SHA256_HEX_LEN + 1], want[SHA256_HEX_LEN + 1];
	const char	*stored;
	int64_t		 expect = 1;
	int		 rc, i, col;

	rc = sqlite3_prepare_v2(db, "SELECT seq, ts_ms, actor, context,"
	    " action, target, dry_run, result, detail, prev_hash, hash"
	    " FROM audit ORDER BY seq", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto sqlite_error;
	memcpy(prev, AUDIT_GENESIS, sizeof prev);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.seq = sqlite3_column_int64(st, 0);
		r.ts_ms = sqlite3_column_int64(st, 1);
		for (i = 0; i < 6; i++) {
			/* Columns 2-5 then 7-8: dry_run sits between. */
			col = i < 4 ? 2 + i : 3 + i;
			r.text[i] = (const char *)sqlite3_column_text(st, col);
			r.len[i] = sqlite3_column_bytes(st, col);
		}
		r.dry_run = sqlite3_column_int(st, 6);
		r.prev_hash = (const char *)sqlite3_column_text(st, 9);
		stored = (const char *)sqlite3_column_text(st, 10);
		if (r.prev_hash == NULL)
			r.prev_hash = "";

		if (r.seq != expect) {
			*bad_seq = r.seq;
			if (expect == 1)
				*cause = xasprintf("audit rows 1 to %" PRId64
				    " are missing (the log starts at row %"
				    PRId64 ")" AUDIT_ADVICE, r.seq - 1, r.seq);
			else if (expect == r.seq - 1)
				*cause = xasprintf("audit row %" PRId64 " is"
				    " missing (row %" PRId64 " follows row %"
				    PRId64 ")" AUDIT_ADVICE, expect, r.seq,
				    expect - 1);
			else
				*cause = xasprintf("audit rows %" PRId64 " to %"
				    PRId64 " are missing (row %" PRId64
				    " follows row %" PRId64 ")" AUDIT_ADVICE,
				    expect, r.seq - 1, r.seq, expect - 1);
			goto bad;
		}
		if (strcmp(r.prev_hash, prev) != 0) {
			*bad_seq = r.seq;
			*cause = xasprintf("audit row %" PRId64 " does not link"
			    " to the row before it: a row was rewritten,"
			    " removed or reordered" AUDIT_ADVICE, r.seq);
			goto bad;
		}
		audit_hash_row(&r, want);
		if (stored == NULL || strcmp(stored, want) != 0) {
			*bad_seq = r.seq;
			*cause = xasprintf("audit row %" PRId64 " was changed"
			    " after it was written (its hash does not match"
			    " its contents)" AUDIT_ADVICE, r.seq);
			goto bad;
		}
		memcpy(prev, want, sizeof prev);
		expect++;
	}
	if (rc != SQLITE_DONE)
		goto sqlite_error;
	sqlite3_finalize(st);
	*last = expect - 1;
	return 0;

sqlite_error:
	*bad_seq = 0;
	*cause = xasprintf("cannot read the audit log in cache %s: %s", path,
	    sqlite3_errmsg(db));
bad:
	sqlite3_finalize(st);
	return -1;
}

/* Check that no row was removed from the end and the triggers remain. */
static int
audit_check_tail(sqlite3 *db, const char *path, int64_t last,
    int64_t *bad_seq, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 high = 0, triggers = 0;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT (SELECT seq FROM sqlite_sequence"
	    " WHERE name = 'audit'), (SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'trigger' AND tbl_name = 'audit' AND name IN"
	    " ('audit_no_update', 'audit_no_delete'))", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		high = sqlite3_column_int64(st, 0);
		triggers = sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		*bad_seq = 0;
		*cause = xasprintf("cannot read the audit log in cache %s: %s",
		    path, sqlite3_errmsg(db));
		return -1;
	}
	if (high > last) {
		*bad_seq = last + 1;
		*cause = xasprintf("audit rows %" PRId64 " to %" PRId64 " were"
		    " removed from the end of the log" AUDIT_ADVICE, last + 1,
		    high);
		return -1;
	}
	if (triggers != 2) {
		*bad_seq = 0;
		*cause = xstrdup("the triggers that keep the audit log"
		    " append-only were removed, so rows may have been changed"
		    " without trace; keep this cache file as evidence and"
		    " compare it with a backup");
		return -1;
	}
	return 0;
}

/* Verify the whole chain. */
int
audit_verify(struct cache *c, int64_t *bad_seq, char **cause)
{
	sqlite3	*db = cache_db(c);
	int64_t	 last = 0;
	int	 own, rc;

	*bad_seq = 0;
	/* One read transaction, so the walk sees one snapshot. */
	own = sqlite3_get_autocommit(db);
	if (own && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = xasprintf("cannot read the audit log in cache %s: %s",
		    cache_path(c), sqlite3_errmsg(db));
		return -1;
	}
	rc = audit_walk(db, cache_path(c), &last, bad_seq, cause);
	if (rc == 0)
		rc = audit_check_tail(db, cache_path(c), last, bad_seq, cause);
	if (own)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* Report the size and the head of the chain. */
int
audit_head(struct cache *c, int64_t *rows, int64_t *seq,
    char hash[SHA256_HEX_LEN + 1], char **cause)
{
	sqlite3		*db = cache_db(c);
	sqlite3_stmt	*st;
	int		 rc, own;

	*rows = 0;
	own = sqlite3_get_autocommit(db);
	if (own)
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &st,
	    NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = audit_last(db, seq, hash);
	if (own)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("cannot read the audit log in cache %s: %s",
		    cache_path(c), sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* A column's text as an allocated copy, NULL for NULL. */
static char *
audit_column(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	return s != NULL ? xstrdup(s) : NULL;
}

/* Read the rows since a time, of one context or all. */
int
audit_read(struct cache *c, int64_t since_ms, const char *context,
    struct audit_rec **recs, size_t *n, char **cause)
{
	sqlite3		*db = cache_db(c);
	sqlite3_stmt	*st;
	struct audit_rec *v = NULL, *r;
	const char	*h;
	size_t		 count = 0, cap = 0;
	int		 rc;

	*recs = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(db, "SELECT seq, ts_ms, actor, context,"
	    " action, target, dry_run, result, detail, hash FROM audit"
	    " WHERE ts_ms >= ?1 AND (?2 IS NULL OR context = ?2)"
	    " ORDER BY seq", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("cannot read the audit log in cache %s: %s",
		    cache_path(c), sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, since_ms);
	if (context != NULL)
		sqlite3_bind_text(st, 2, context, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof *v);
		}
		r = &v[count++];
		memset(r, 0, sizeof *r);
		r->seq = sqlite3_column_int64(st, 0);
		r->ts_ms = sqlite3_column_int64(st, 1);
		r->actor = audit_column(st, 2);
		r->context = audit_column(st, 3);
		r->action = audit_column(st, 4);
		r->target = audit_column(st, 5);
		r->dry_run = sqlite3_column_int(st, 6) != 0;
		r->result = audit_column(st, 7);
		r->detail = audit_column(st, 8);
		h = (const char *)sqlite3_column_text(st, 9);
		snprintf(r->hash, sizeof r->hash, "%s", h != NULL ? h : "");
	}
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("cannot read the audit log in cache %s: %s",
		    cache_path(c), sqlite3_errmsg(db));
		sqlite3_finalize(st);
		audit_recs_free(v, count);
		return -1;
	}
	sqlite3_finalize(st);
	*recs = v;
	*n = count;
	return 0;
}

/* Free rows read by audit_read(). */
void
audit_recs_free(struct audit_rec *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].actor);
		free(v[i].context);
		free(v[i].action);
		free(v[i].target);
		free(v[i].result);
		free(v[i].detail);
	}
	free(v);
}
