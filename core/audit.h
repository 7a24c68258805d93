/*
 * audit.h: the append-only, hash-chained audit log of actions.
 *
 * Every action sitrep takes or rehearses (rollback, restart, scale, silence,
 * probe; dry-run or real) is appended to the cache's audit table.  Each row
 * carries hash = SHA-256(prev_hash, the row's fields), so editing, removing
 * or reordering a row breaks the chain, and audit_verify() says where.
 * SQL triggers refuse UPDATE and DELETE on the table as well.
 *
 * A chain proves the log is internally consistent; someone able to rewrite
 * the file could recompute every hash from the edit onwards.  audit_head()
 * gives the latest hash so it can be recorded elsewhere (a ticket, a chat
 * message) and compared later.
 *
 * Callers must never put a secret (token, password, key, a URL with
 * credentials) into any field, detail included: the log is kept forever and
 * shown to anyone who can read the cache.
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
 * transaction, so not inside another one).  0, or -1 and *cause.
 */
int	audit_append(struct cache *, const struct audit_entry *, char **cause);

/*
 * Walk the whole chain.  0 if intact (*bad_seq = 0); -1 and *cause if a row
 * was edited, removed or reordered, or the append-only triggers are gone;
 * *bad_seq is then the first row that fails (0 if none applies).
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
