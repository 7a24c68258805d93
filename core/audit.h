/*
 * audit.h: the append-only, keyed hash-chained audit log of actions.
 *
 * Every action sitrep takes or rehearses (rollback, restart, scale, silence,
 * probe; dry-run or real) is appended to the cache's audit table.  Each row
 * carries hash = HMAC-SHA256(key, prev_hash and the row's fields), with a
 * 32-byte key kept outside the cache (audit_key_path(), mode 0600, made on
 * first use).  So editing, removing or reordering a row breaks the chain,
 * and audit_check() says where, and someone who can write the cache but
 * does not hold the key cannot recompute the chain after an edit.  SQL
 * triggers refuse UPDATE and DELETE on the table as well.
 *
 * Rows written before the key existed (chain 1) are chained with plain
 * SHA-256; the first keyed row covers their last hash, so they are sealed
 * by it.  A holder of the key can still rewrite the log: audit_check()
 * with an anchored head (the seq and hash the last row had, recorded
 * elsewhere) proves that row and everything before it are unchanged.
 *
 * Callers must never put a secret (token, password, key, a URL with
 * credentials) into any field, detail included: the log is kept forever and
 * shown to anyone who can read the cache.  The key itself is never printed,
 * logged or stored in the cache.
 */
#ifndef SITREP_AUDIT_H
#define SITREP_AUDIT_H

#include <stdint.h>

#include "base/sha256.h"

struct cache;

/* The prev_hash of the first row. */
#define AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/*
 * One action, as handed to audit_append.  A plain value struct of borrowed
 * strings; actor and action are required, the rest may be NULL.  Each string
 * is stored as valid UTF-8 and cut to AUDIT_FIELD_MAX bytes.
 */
struct audit_entry {
	int64_t		 ts_ms;		/* when; 0 means now */
	const char	*actor;		/* who: login name, "drill", ... */
	const char	*context;	/* which environment */
	const char	*action;	/* "rollback", "scale", "silence" ... */
	const char	*target;	/* "deployment/payments/api" ... */
	int		 dry_run;	/* nonzero: rehearsed, not done */
	const char	*result;	/* "ok", "failed", "refused" ... */
	const char	*detail;	/* free text; never a secret */
};

#define AUDIT_FIELD_MAX	4096

/*
 * Append one row durably (synchronous FULL, its own BEGIN IMMEDIATE
 * transaction, so not inside another one), keyed.  The key is made on the
 * first append of a log that has no keyed row yet; a log with keyed rows
 * is only appended to with the key they were written with.  0, or -1 and
 * *cause (the key is missing, open to others or another one included).
 */
int	audit_append(struct cache *, const struct audit_entry *, char **cause);

/* How a row is chained (the audit table's chain column). */
#define AUDIT_CHAIN_SHA256	1	/* before the key: SHA-256, unkeyed */
#define AUDIT_CHAIN_HMAC	2	/* HMAC-SHA256 with the audit key */

#define AUDIT_KEY_LEN		32	/* bytes of key in the key file */
#define AUDIT_KEY_ID_LEN	16	/* hex digits naming a key */

/*
 * Where the audit key is: $XDG_STATE_HOME/sitrep/audit.key, else
 * ~/.local/state/sitrep/audit.key.  Allocated.
 */
char	*audit_key_path(void);

/*
 * What audit_check() found.  entries, seq and hash describe the log (seq 0
 * and AUDIT_GENESIS when empty); unkeyed counts the rows chained without a
 * key (always the first ones); head_seq is where the anchored head was
 * found (0 without one); bad_seq the first row that fails (0 if none
 * applies).
 */
struct audit_verdict {
	int64_t	entries;
	int64_t	seq;
	char	hash[SHA256_HEX_LEN + 1];
	int64_t	unkeyed;
	int64_t	head_seq;
	int64_t	bad_seq;
};

/*
 * Parse an anchored head: "HASH" or "SEQ:HASH" (64 hex digits; SEQ from
 * 1).  *seq is 0 without SEQ; hash gets the lowercase digits.  0, or -1
 * and *cause.
 */
int	audit_head_parse(const char *, int64_t *seq,
	    char hash[SHA256_HEX_LEN + 1], char **cause);

/*
 * Check the cache file (SQLite's quick_check) and walk the whole chain,
 * with the key for keyed rows.  With head_hash (NULL: none), the row of
 * that hash (at head_seq, if not 0) must still be in the chain.  0 and *v
 * if all holds; -1, *cause naming the problem and what to do, and
 * v->bad_seq otherwise: the file is damaged, there is no audit table, a
 * row was edited, removed or reordered, rows at the end are missing, the
 * append-only triggers are gone, the key is missing, unreadable, open to
 * others or not the one the log was written with, or the anchored head is
 * no longer in place.
 */
int	audit_check(struct cache *, int64_t head_seq, const char *head_hash,
	    struct audit_verdict *v, char **cause);

/*
 * audit_check() without a head: 0 if intact (*bad_seq = 0); -1, *cause
 * and *bad_seq (the first row that fails, 0 if none applies) otherwise.
 */
int	audit_verify(struct cache *, int64_t *bad_seq, char **cause);

/*
 * The number of rows, the last seq and its hash (AUDIT_GENESIS and 0 when
 * the log is empty); hash has room for SHA256_HEX_LEN + 1 bytes.
 */
int	audit_head(struct cache *, int64_t *rows, int64_t *seq,
	    char hash[SHA256_HEX_LEN + 1], char **cause);

/*
 * One row as read back by audit_read().  The strings are the caller's,
 * exactly as stored (valid UTF-8, not sanitised for a terminal: a reader
 * that prints them must); NULL where the row has none.
 */
struct audit_rec {
	int64_t		 seq;
	int64_t		 ts_ms;
	char		*actor;
	char		*context;
	char		*action;
	char		*target;
	int		 dry_run;
	char		*result;
	char		*detail;
	char		 hash[SHA256_HEX_LEN + 1];
};

/*
 * The rows written at or after since_ms (0: all of them) whose context is
 * context (NULL: every context, rows without one included), oldest first
 * (in seq order).  *recs (free with audit_recs_free) and *n; 0, or -1 and
 * *cause.  It reads only: the chain is not checked (audit_verify is).
 */
int	audit_read(struct cache *, int64_t since_ms, const char *context,
	    struct audit_rec **recs, size_t *n, char **cause);

/* Free what audit_read() returned; NULL is a no-op. */
void	audit_recs_free(struct audit_rec *, size_t n);

#endif
