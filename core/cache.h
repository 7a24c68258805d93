/*
 * cache.h: the local SQLite cache, sitrep's single source of truth.
 *
 * Backends write it, panels and exports read it.  WAL mode with a busy
 * timeout lets a console and a wallboard share one file.  The schema version
 * lives in PRAGMA user_version and moves forward by migrations in code; a
 * file that is not a sitrep cache, or is corrupt, is moved aside and a fresh
 * cache created.  The cache never holds a secret.
 */
#ifndef SITREP_CACHE_H
#define SITREP_CACHE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

struct cache;

/*
 * Open for reading only (exports, read-only commands): never created,
 * migrated or repaired, and nothing written beside it that can be helped;
 * a file that cannot change (read-only mount, no write permission) with no
 * writes waiting in its -wal is read as immutable, without locks or -shm.
 */
#define CACHE_READONLY	0x1

/*
 * Open (creating if needed, directories 0700) and migrate the cache at
 * path.  If the file was unusable and moved aside, *warning (allocated)
 * says where it went.  NULL and *cause on failure, including a schema newer
 * than this binary knows.
 */
struct cache *cache_open(const char *path, int flags, char **warning,
	     char **cause);
void	 cache_close(struct cache *);
/*
 * Another read-only connection to an open cache (for a thread): the file
 * is not checked again, nor opened outside SQLite (see cache.c).
 */
struct cache *cache_open_reader(const struct cache *, char **cause);
/* The same, writable unless flags has CACHE_READONLY. */
struct cache *cache_open_peer(const struct cache *, int flags, char **cause);

/* $XDG_CACHE_HOME/sitrep/cache.db (~/.cache/sitrep/cache.db); allocated. */
char	*cache_default_path(void);

const char *cache_path(const struct cache *);	/* borrowed */
sqlite3	*cache_db(struct cache *);		/* borrowed, for prepared reads/writes */
int	 cache_schema_version(struct cache *);
int	 cache_latest_version(void);		/* what this binary writes */

/* Short write transactions (BEGIN IMMEDIATE ... COMMIT). */
/*
 * Prepare sql and bind the arguments fmt describes, one letter each: 't'
 * text (NULL binds NULL), 'i' an int64_t, 'z' an int64_t that binds NULL
 * when 0.  The statement is the caller's (sqlite3_finalize); NULL and
 * *cause ("what: SQLite's message") on error.
 */
sqlite3_stmt *cache_prepare(struct cache *, const char *what, char **cause,
	     const char *sql, const char *fmt, ...);
sqlite3_stmt *cache_vprepare(sqlite3 *, const char *what, char **cause,
	     const char *sql, const char *fmt, va_list);
/*
 * A statement the connection keeps for reuse (a writer's per-row
 * statements): bind and step it, then cache_stmt_put() it, never
 * sqlite3_finalize().  NULL and *cause on error.
 */
sqlite3_stmt *cache_stmt(struct cache *, const char *what, const char *sql,
	     char **cause);
void	 cache_stmt_put(struct cache *, sqlite3_stmt *);
/* Bind as cache_prepare() does, to a statement of cache_stmt(). */
void	 cache_vbind(sqlite3_stmt *, const char *fmt, va_list);
/* Prepare, bind and run a statement that returns no rows; 0 or -1. */
int	 cache_exec(struct cache *, const char *what, char **cause,
	     const char *sql, const char *fmt, ...);
/* An allocated copy of a text column, or NULL. */
char	*cache_column_text(sqlite3_stmt *, int col);
int	 cache_begin(struct cache *, char **cause);
/*
 * The message for a write that failed just now: "what: SQLite's reason"
 * (what is allocated and consumed), or "disk full: ..." when it was.
 */
char	*cache_write_error(struct cache *, char *what);
/* Begin only if no other connection writes now: 1 if one does. */
int	 cache_begin_now(struct cache *, char **cause);
/*
 * Commit; on failure the write is rolled back and *cause says why: "disk
 * full: cannot write cache PATH; ..." when the file system had no room,
 * also when SQLite had already rolled the write back after a statement
 * failed for want of room (a write of this module's, or cache_begin's).
 */
int	 cache_commit(struct cache *, char **cause);
void	 cache_rollback(struct cache *);

/*
 * Count a write to a source table of a context in the changes table, once
 * per transaction (see core/cache_schema.c, version 11): every writer of
 * a source table calls it, so a reader may keep what it read.
 */
int	 cache_touch(struct cache *, const char *context, const char *table,
	    char **cause);

/* Record a source's attempt and its outcome (error NULL on success). */
int	 cache_source_update(struct cache *, const char *context,
	     const char *source, const char *kind, int64_t attempt_ms,
	     int ok, int64_t latency_ms, const char *error, int64_t items,
	     char **cause);

/* Print `sitrep cache info`: path, version, size, rows, last success. */
int	 cache_info(struct cache *, FILE *, char **cause);

/*
 * Migrations and their test hooks.  cache_open() always migrates to
 * cache_latest_version(); these let tests and tools build a file at an older
 * version and move it forward step by step.
 */
struct cache *cache_open_at_version(const char *path, int version,
	     char **warning, char **cause);
int	 cache_migrate_to(struct cache *, int version, char **cause);

/*
 * The schema, in cache_schema.c: step v (1 <= v <= latest) is the SQL that
 * takes a file from version v - 1 to v; NULL outside that range.  what, if
 * not NULL, gets a short description of the step (static).
 */
const char *cache_schema_step(int version, const char **what);
/* Tables every cache at the latest version has; NULL-terminated, static. */
const char *const *cache_schema_tables(void);
/* PRAGMA application_id of a sitrep cache ("SITR"). */
#define CACHE_APPLICATION_ID	0x53495452

#endif
