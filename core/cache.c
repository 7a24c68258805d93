/*
 * cache.c: opening, checking, migrating and describing the SQLite cache.
 *
 * The cache is sitrep's single source of truth, shared by every sitrep on the
 * host (a console and a wallboard at once), so it runs in WAL mode with a
 * busy timeout: readers never block the writer and short write transactions
 * wait for each other instead of failing.
 *
 * Opening is careful because the file may be anything.  Before it is used,
 * the file must be either empty or carry sitrep's PRAGMA application_id, and
 * pass PRAGMA quick_check.  A file that fails (random bytes, a truncated
 * database, another program's database) is renamed aside with its -wal,
 * -shm and -journal files, and a fresh cache is created in its place: the
 * cache only ever holds what can be fetched again, so losing it is a
 * warning, not an error.  The one exception is a cache whose schema is newer
 * than this binary knows: it belongs to a newer sitrep, so it is refused and
 * left exactly as it is.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "base/out.h"
#include "core/cache.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

#define CACHE_BUSY_TIMEOUT_MS	5000
#define CACHE_KEPT		64	/* statements kept per connection */
#define CACHE_ERROR_MAX		1024	/* bytes of a source error kept */

/* A statement kept for reuse by cache_stmt(). */
struct cache_kept {
	char		*sql;
	sqlite3_stmt	*st;
	int		 busy;	/* handed out, not yet put back */
};

struct cache {
	sqlite3	*db;
	char	*path;
	char	*uri;		/* what a reader opened (cache_open_readonly) */
	int	 flags;
	int	 immutable;	/* read as a file that cannot change */
	int	 txn;		/* a write of cache_begin() is open */
	int	 rolling;	/* cache_rollback() is ending it */
	int	 aborted;	/* SQLite rolled that write back by itself */
	int	 full;		/* ... and the disk was full */
	dev_t	 dev;		/* the file opened, to move aside only it */
	ino_t	 ino;
	sqlite3_stmt *touch;	/* bumps a change counter; see cache_touch */
	struct cache_kept kept[CACHE_KEPT];	/* see cache_stmt */
	size_t	  nkept;
	size_t	  evict;	/* the next slot to reuse when full */
	char	**touched;	/* "context\ttable" bumped in this transaction */
	size_t	  ntouched;
};

/* How an attempt to open a writable cache ended. */
enum cache_verdict {
	CACHE_OK,		/* open and migrated */
	CACHE_FATAL,		/* cannot continue; *cause says why */
	CACHE_UNUSABLE		/* not a sitrep cache or corrupt: move aside */
};

/* Facts read from a file before deciding whether it is a sitrep cache. */
struct cache_probe {
	int	application_id;
	int	user_version;
	int	objects;	/* schema objects, SQLite's own excluded */
};

/* True if an SQLite result code means the file is damaged or foreign. */
static int
cache_is_damage(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ||
	    rc == SQLITE_FORMAT;
}

/* Run one SQL statement that returns a single integer. */
static int
cache_query_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc;
}

/*
 * Read application id, user version and object count from a file.  On
 * failure *why (allocated) is SQLite's reason, taken before the read ends:
 * ending it resets the connection's message to "not an error".
 */
static int
cache_probe(sqlite3 *db, struct cache_probe *p, char **why)
{
	int	rc;

	memset(p, 0, sizeof *p);
	/* One read transaction: the three facts come from one snapshot. */
	rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = cache_query_int(db, "PRAGMA application_id",
		    &p->application_id);
	if (rc == SQLITE_OK)
		rc = cache_query_int(db, "PRAGMA user_version",
		    &p->user_version);
	if (rc == SQLITE_OK)
		rc = cache_query_int(db, "SELECT count(*) FROM sqlite_master"
		    " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		    &p->objects);
	if (rc != SQLITE_OK)
		*why = xstrdup(sqlite3_errcode(db) != SQLITE_OK ?
		    sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* Run PRAGMA quick_check; NULL if fine, else an allocated reason. */
static char *
cache_quick_check(sqlite3 *db)
{
	sqlite3_stmt	*st;
	const char	*text;
	char		*why = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return xstrdup(sqlite3_errmsg(db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(st, 0);
		if (text == NULL || strcmp(text, "ok") != 0)
			why = sanitize_terminal(text ? text : "(no answer)", 0);
	} else
		why = xstrdup(sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return why;
}

/* The message for a write the file system had no room for. */
static char *
cache_full_message(const char *path)
{
	return xasprintf("disk full: cannot write cache %s; free space on its"
	    " file system", path);
}

/* The message for a cache written by a newer sitrep. */
static char *
cache_newer_message(const char *path, int version)
{
	return xasprintf("cache %s has schema version %d but this sitrep knows"
	    " up to %d; upgrade sitrep or use another --cache", path, version,
	    cache_latest_version());
}

/* Check that every table of the latest schema exists. */
static char *
cache_check_tables(sqlite3 *db)
{
	const char *const	*t;
	sqlite3_stmt		*st;
	char			*why = NULL;
	int			 rc;

	rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE"
	    " type = 'table' AND name = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return xstrdup(sqlite3_errmsg(db));
	for (t = cache_schema_tables(); *t != NULL && why == NULL; t++) {
		sqlite3_bind_text(st, 1, *t, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			why = xasprintf("its table %s is missing", *t);
		else if (rc != SQLITE_ROW)
			why = xstrdup(sqlite3_errmsg(db));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return why;
}

/* Apply migrations up to version; the SQLite result code on failure. */
static int
cache_migrate(struct cache *c, int version, char **cause)
{
	const char	*sql, *what = "";
	char		*pragma, *err = NULL;
	int		 v, have, rc;

	for (v = 1; v <= version; v++) {
		sql = cache_schema_step(v, &what);
		rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, &err);
		if (rc != SQLITE_OK)
			goto fail;
		/* Read inside the transaction: another sitrep may have won. */
		rc = cache_query_int(c->db, "PRAGMA user_version", &have);
		if (rc != SQLITE_OK)
			goto fail;
		if (have >= v) {
			sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
			continue;
		}
		rc = sqlite3_exec(c->db, sql, NULL, NULL, &err);
		if (rc != SQLITE_OK)
			goto fail;
		pragma = xasprintf("PRAGMA user_version = %d", v);
		rc = sqlite3_exec(c->db, pragma, NULL, NULL, &err);
		free(pragma);
		if (rc != SQLITE_OK)
			goto fail;
		rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, &err);
		if (rc != SQLITE_OK)
			goto fail;
	}
	return SQLITE_OK;

fail:
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	if ((rc & 0xff) == SQLITE_FULL)
		*cause = cache_full_message(c->path);
	else
		*cause = xasprintf("cannot migrate cache %s to schema version"
		    " %d (%s): %s; check the disk and permissions, or use"
		    " another --cache", c->path, v, what, err != NULL ? err :
		    sqlite3_errstr(rc));
	sqlite3_free(err);
	return rc == SQLITE_OK ? SQLITE_ERROR : rc;
}

/* Forget what the transaction that ends has bumped. */
static void
cache_touched_clear(struct cache *c)
{
	size_t	i;

	for (i = 0; i < c->ntouched; i++)
		free(c->touched[i]);
	free(c->touched);
	c->touched = NULL;
	c->ntouched = 0;
}

/* SQLite's commit hook: the transaction ends (0 lets it commit). */
static int
cache_on_commit(void *arg)
{
	cache_touched_clear(arg);
	return 0;
}

/*
 * SQLite's rollback hook: a rollback cache_rollback() did not ask for,
 * inside a write of cache_begin(), is SQLite ending the write after a
 * failed statement (see cache_commit).
 */
static void
cache_on_rollback(void *arg)
{
	struct cache	*c = arg;

	if (c->txn && !c->rolling)
		c->aborted = 1;
	cache_touched_clear(c);
}

/* Close a connection and free the handle. */
static void
cache_destroy(struct cache *c)
{
	if (c == NULL)
		return;
	size_t	i;

	sqlite3_finalize(c->touch);
	for (i = 0; i < c->nkept; i++) {
		sqlite3_finalize(c->kept[i].st);
		free(c->kept[i].sql);
	}
	cache_touched_clear(c);
	sqlite3_close(c->db);
	free(c->path);
	free(c->uri);
	free(c);
}

/* Open the SQLite handle for a cache with the shared settings. */
static int
cache_connect(struct cache *c, int oflags)
{
	int	rc;

	if (c->uri != NULL)
		oflags |= SQLITE_OPEN_URI;
	rc = sqlite3_open_v2(c->uri != NULL ? c->uri : c->path, &c->db,
	    oflags, NULL);
	if (c->db != NULL) {
		sqlite3_extended_result_codes(c->db, 1);
		sqlite3_busy_timeout(c->db, CACHE_BUSY_TIMEOUT_MS);
		sqlite3_commit_hook(c->db, cache_on_commit, c);
		sqlite3_rollback_hook(c->db, cache_on_rollback, c);
	}
	return rc;
}

/*
 * Switch the file to WAL mode (a no-op if it is already).  The switch takes
 * an exclusive lock from inside a read, where SQLite reports SQLITE_BUSY at
 * once instead of calling the busy handler, so several sitreps creating one
 * cache together retry here for as long as the busy timeout.  A file system
 * without WAL support keeps the old mode, which still works, only slower.
 */
static int
cache_set_wal(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int64_t		 deadline;
	int		 rc;
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };

	deadline = util_mono_ms() + CACHE_BUSY_TIMEOUT_MS;
	for (;;) {
		rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1,
		    &st, NULL);
		if (rc != SQLITE_OK)
			return rc;
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			return SQLITE_OK;
		if ((rc & 0xff) != SQLITE_BUSY || util_mono_ms() >= deadline)
			return rc;
		nanosleep(&ts, NULL);
	}
}

/*
 * Check the first bytes of an open file: a non-empty file must start with
 * SQLite's magic string.  Done before SQLite sees the file, because SQLite
 * deletes a -wal beside a file it cannot read, and that is evidence.
 */
static int
cache_check_header(int fd)
{
	static const char	magic[16] = "SQLite format 3";
	char			head[sizeof magic];
	ssize_t			n;

	n = pread(fd, head, sizeof head, 0);
	if (n == 0)
		return 0;	/* empty: SQLite makes it a database */
	if (n != (ssize_t)sizeof head || memcmp(head, magic, sizeof magic) != 0)
		return -1;
	return 0;
}

/*
 * Try once to open a writable cache at c->path and bring it to version.
 * On CACHE_UNUSABLE, *cause says what is wrong with the file.
 */
static enum cache_verdict
cache_try_open(struct cache *c, int version, char **cause)
{
	struct cache_probe	 p;
	struct stat		 sb;
	char			*why, *msg = NULL;
	int			 fd, rc;

	/* Create the file ourselves so it is 0600; -wal/-shm inherit it. */
	fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd == -1) {
		*cause = xasprintf("cannot open cache %s: %s; check the"
		    " permissions or use another --cache", c->path,
		    strerror(errno));
		return CACHE_FATAL;
	}
	if (fstat(fd, &sb) == 0) {
		c->dev = sb.st_dev;
		c->ino = sb.st_ino;
	}
	rc = cache_check_header(fd);
	close(fd);
	if (rc != 0) {
		*cause = xstrdup("it is not an SQLite database");
		return CACHE_UNUSABLE;
	}

	rc = cache_connect(c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
	if (rc != SQLITE_OK)
		goto sqlite_error;
	rc = cache_probe(c->db, &p, &msg);
	if (rc != SQLITE_OK)
		goto sqlite_error;

	if (p.application_id == CACHE_APPLICATION_ID) {
		if (p.user_version > cache_latest_version()) {
			*cause = cache_newer_message(c->path, p.user_version);
			return CACHE_FATAL;
		}
	} else if (p.application_id != 0 || p.user_version != 0 ||
	    p.objects != 0) {
		*cause = xasprintf("it is not a sitrep cache (application id"
		    " %#x, schema version %d, %d schema objects)",
		    (unsigned int)p.application_id, p.user_version, p.objects);
		return CACHE_UNUSABLE;
	}
	if ((why = cache_quick_check(c->db)) != NULL) {
		*cause = xasprintf("it failed its integrity check: %s", why);
		free(why);
		return CACHE_UNUSABLE;
	}

	/* WAL is persistent; the other two are per connection. */
	if ((rc = cache_set_wal(c->db)) != SQLITE_OK)
		goto sqlite_error;
	rc = sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL;"
	    " PRAGMA foreign_keys = ON;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto sqlite_error;

	if (version > p.user_version || p.application_id == 0) {
		rc = cache_migrate(c, version, cause);
		if (rc != SQLITE_OK)
			return cache_is_damage(rc) ? CACHE_UNUSABLE : CACHE_FATAL;
	}
	if (version == cache_latest_version() &&
	    (why = cache_check_tables(c->db)) != NULL) {
		*cause = why;
		return CACHE_UNUSABLE;
	}
	return CACHE_OK;

sqlite_error:
	if (msg == NULL)
		msg = xstrdup(c->db != NULL ? sqlite3_errmsg(c->db) :
		    sqlite3_errstr(rc));
	if (c->db != NULL && cache_is_damage(rc)) {
		*cause = xasprintf("it is not a usable SQLite database: %s",
		    msg);
		free(msg);
		return CACHE_UNUSABLE;
	}
	if ((rc & 0xff) == SQLITE_BUSY)
		*cause = xasprintf("cache %s stayed locked by another process"
		    " for %d s; try again, or use another --cache", c->path,
		    CACHE_BUSY_TIMEOUT_MS / 1000);
	else if ((rc & 0xff) == SQLITE_FULL)
		*cause = cache_full_message(c->path);
	else
		*cause = xasprintf("cannot open cache %s: %s; check the disk"
		    " and permissions, or use another --cache", c->path, msg);
	free(msg);
	return CACHE_FATAL;
}

/* Rename from to to if from exists; 0, or -1 with errno. */
static int
cache_rename_if(const char *from, const char *to)
{
	if (rename(from, to) == 0 || errno == ENOENT)
		return 0;
	return -1;
}

/*
 * Move a bad cache and its companions aside.  0 and *aside (allocated) if
 * moved; 1 if path is no longer the file that was found bad (another sitrep
 * got there first); -1 and *cause on failure.
 */
static int
cache_move_aside(const char *path, dev_t dev, ino_t ino, char **aside_out,
    char **cause)
{
	static const char *const	 suffixes[] = { "-wal", "-shm", "-journal" };
	struct stat			 sb;
	struct tm			 tm;
	time_t				 now;
	char				 stamp[32], *aside, *from, *to;
	size_t				 i;
	int				 n;

	if (lstat(path, &sb) != 0 || sb.st_dev != dev || sb.st_ino != ino)
		return 1;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
	aside = xasprintf("%s.corrupt-%s", path, stamp);
	for (n = 1; lstat(aside, &sb) == 0; n++) {
		free(aside);
		aside = xasprintf("%s.corrupt-%s-%d", path, stamp, n);
	}
	if (rename(path, aside) != 0) {
		*cause = xasprintf("cannot move unusable cache %s aside to %s:"
		    " %s; remove it by hand or use another --cache", path,
		    aside, strerror(errno));
		free(aside);
		return -1;
	}
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		from = xasprintf("%s%s", path, suffixes[i]);
		to = xasprintf("%s%s", aside, suffixes[i]);
		if (cache_rename_if(from, to) != 0) {
			*cause = xasprintf("moved unusable cache %s to %s but"
			    " cannot move %s: %s; remove it by hand", path,
			    aside, from, strerror(errno));
			free(from);
			free(to);
			free(aside);
			return -1;
		}
		free(from);
		free(to);
	}
	*aside_out = aside;
	return 0;
}

/* The directory that holds path; allocated. */
static char *
cache_dir_of(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Create the directory that will hold path, mode 0700. */
static int
cache_make_parent(const char *path, char **cause)
{
	char	*dir, *slash;
	int	 rc = 0;

	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		rc = util_mkdir_p(dir, 0700, cause);
	}
	free(dir);
	return rc;
}

/*
 * A URI that opens path for reading only, and as immutable if asked:
 * SQLite then takes no locks and needs no -shm, and trusts that nothing
 * changes the file while it is open.  Bytes a URI gives a meaning to are
 * %-escaped.
 */
static char *
cache_ro_uri(const char *path, int immutable)
{
	struct buf		 b;
	const unsigned char	*p;

	buf_init(&b, 0);
	/* An absolute path after an empty authority: "file:///...". */
	buf_puts(&b, path[0] == '/' ? "file://" : "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._~-", *p) != NULL)
			buf_append(&b, p, 1);
		else
			buf_printf(&b, "%%%02x", (unsigned int)*p);
	}
	buf_puts(&b, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	return buf_detach(&b);
}

/*
 * True if the file at path cannot change under a reader: it is on a file
 * system mounted read-only, or nobody has write permission to it (an
 * evidence copy, a cache made 0400 or 0444 to be kept as it is).
 */
static int
cache_is_frozen(const char *path, const struct stat *sb)
{
	struct statvfs	vfs;

	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return 1;
	return (sb->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0;
}

/*
 * True if rc says SQLite could not set up the shared memory (-shm) a
 * reader of a WAL database needs: it may not create the file beside the
 * database, or may not write an existing one nobody has set up yet.
 */
static int
cache_is_shm_failure(int rc)
{
	return (rc & 0xff) == SQLITE_CANTOPEN ||
	    rc == SQLITE_READONLY_CANTINIT || rc == SQLITE_READONLY_RECOVERY ||
	    rc == SQLITE_READONLY_CANTLOCK || rc == SQLITE_READONLY_DIRECTORY ||
	    rc == SQLITE_IOERR_SHMOPEN || rc == SQLITE_IOERR_SHMSIZE ||
	    rc == SQLITE_IOERR_SHMMAP;
}

/*
 * Connect c to its file for reading and read its facts; SQLite's result
 * code, and *why (allocated) on failure.
 */
static int
cache_ro_connect(struct cache *c, struct cache_probe *p, char **why)
{
	int	rc;

	rc = cache_connect(c, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
	if (rc != SQLITE_OK) {
		*why = xstrdup(c->db != NULL ? sqlite3_errmsg(c->db) :
		    sqlite3_errstr(rc));
		return rc;
	}
	return cache_probe(c->db, p, why);
}

/*
 * Open a cache for reading only: no creation, no migration, no repair,
 * and nothing written: not the file, nor a -wal or -shm beside it where
 * it can be helped.
 *
 * A reader of a WAL database needs the -shm file beside it, and creates
 * it if it is missing; in a directory the reader cannot write (a
 * read-only mount, another user's directory) it cannot.  A file that
 * cannot change (cache_is_frozen) with no writes waiting in a -wal is
 * therefore read as immutable: no -shm, no locks, nothing created.  Any
 * other file is read the shared way, so a writer may go on beside the
 * reader; when SQLite cannot set up the -shm for that, the reader says
 * why and what to do instead of reading a changing file without locks.
 * A frozen file whose -wal holds writes is refused the same way rather
 * than read without them.
 *
 * A writer killed in the middle of a write in rollback mode (the one
 * such write is a new cache's switch to WAL) leaves a -journal that must
 * be rolled back before the file reads true.  SQLite does that on the
 * next open, but a reader may not write (SQLITE_READONLY_ROLLBACK), and
 * an immutable reader would ignore the journal and read the torn file:
 * such a file is never read as immutable, and the refusal says to let a
 * writer open it once.
 */
static struct cache *
cache_open_readonly(const char *path, char **cause)
{
	struct cache		*c;
	struct cache_probe	 p;
	struct stat		 sb, wsb;
	char			*wal, *jpath, *dir, *why = NULL;
	int			 fd, rc, frozen, wal_writes, journal;

	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			*cause = xasprintf("cache %s does not exist yet; run"
			    " `sitrep fetch` first", path);
		else
			*cause = xasprintf("cannot read cache %s: %s; check"
			    " the path and its permissions", path,
			    strerror(errno));
		return NULL;
	}
	/* Refuse a foreign file before SQLite can touch its companions. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		*cause = xasprintf("cannot read cache %s: %s; this user needs"
		    " read permission on it", path, strerror(errno));
		return NULL;
	}
	rc = cache_check_header(fd);
	close(fd);
	if (rc != 0) {
		*cause = xasprintf("%s is not an SQLite database; run `sitrep"
		    " fetch` to move it aside and rebuild it, or use another"
		    " --cache", path);
		return NULL;
	}
	wal = xasprintf("%s-wal", path);
	wal_writes = stat(wal, &wsb) == 0 && wsb.st_size > 0;
	jpath = xasprintf("%s-journal", path);
	journal = stat(jpath, &wsb) == 0 && wsb.st_size > 0;
	free(jpath);
	frozen = cache_is_frozen(path, &sb);

	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	c->flags = CACHE_READONLY;
	c->dev = sb.st_dev;
	c->ino = sb.st_ino;
	c->immutable = frozen && !wal_writes && !journal;
	c->uri = cache_ro_uri(path, c->immutable);
	rc = cache_ro_connect(c, &p, &why);
	if (rc == SQLITE_READONLY_ROLLBACK) {
		*cause = xasprintf("cannot read cache %s: a writer stopped in"
		    " the middle of a write (killed, or the machine went"
		    " down) and left %s-journal, which must be rolled back"
		    " before the cache can be read, and a reader does not"
		    " write; run `sitrep fetch --once` (a writer) to roll it"
		    " back, or copy the cache with its -journal where you can"
		    " write and run it on the copy", path, path);
		goto fail;
	}
	if (rc != SQLITE_OK && !c->immutable && cache_is_shm_failure(rc)) {
		dir = cache_dir_of(path);
		if (access(dir, W_OK) != 0) {
			free(why);
			why = xasprintf("this user cannot create files in %s",
			    dir);
		}
		if (wal_writes)
			*cause = xasprintf("cannot read cache %s: writes wait"
			    " in its -wal, which SQLite reads only with a -shm"
			    " file beside it, and it cannot make one (%s);"
			    " copy the cache with its -wal into a directory"
			    " this user can write and read the copy, or let"
			    " its writer (`sitrep fetch`) open it once to fold"
			    " them in", path, why);
		else
			*cause = xasprintf("cannot read cache %s: SQLite reads"
			    " a cache that may change only with a -shm file"
			    " beside it, and it cannot make one (%s); let this"
			    " user write %s, or read while its writer"
			    " (`sitrep fetch`) runs, or make the file read-only"
			    " (chmod a-w) to read it as it is", path, why, dir);
		free(dir);
		goto fail;
	}
	if (rc != SQLITE_OK) {
		if (cache_is_damage(rc))
			*cause = xasprintf("cache %s is corrupt or not a sitrep"
			    " cache (%s); run `sitrep fetch` to move it aside"
			    " and rebuild it", path, why);
		else
			*cause = xasprintf("cannot read cache %s: %s; check"
			    " the disk and its permissions", path, why);
		goto fail;
	}
	if (p.application_id != CACHE_APPLICATION_ID) {
		if (p.application_id == 0 && p.user_version == 0 &&
		    p.objects == 0)
			*cause = xasprintf("cache %s is empty; run `sitrep"
			    " fetch` first", path);
		else
			*cause = xasprintf("%s is not a sitrep cache; run"
			    " `sitrep fetch` to move it aside and rebuild it,"
			    " or use another --cache", path);
		goto fail;
	}
	if (p.user_version > cache_latest_version()) {
		*cause = cache_newer_message(path, p.user_version);
		goto fail;
	}
	if (p.user_version < cache_latest_version()) {
		*cause = xasprintf("cache %s has schema version %d, older than"
		    " this sitrep's %d; run a writer (`sitrep fetch` or"
		    " `sitrep`) once to upgrade it", path, p.user_version,
		    cache_latest_version());
		goto fail;
	}
	sqlite3_exec(c->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
	free(wal);
	return c;

fail:
	free(why);
	free(wal);
	cache_destroy(c);
	return NULL;
}

/*
 * A second, read-only connection to an open cache, for a thread of this
 * process.  The file is not opened by hand as cache_open() does to check
 * it: closing any descriptor of a file drops every POSIX lock the process
 * holds on it, the locks of the open connections included, and another
 * process could then take the file for unused and remove its WAL.
 */
struct cache *
cache_open_reader(const struct cache *of, char **cause)
{
	return cache_open_peer(of, CACHE_READONLY, cause);
}

/* Another connection to an open cache, for a thread; see cache.h. */
struct cache *
cache_open_peer(const struct cache *of, int flags, char **cause)
{
	struct cache	*c;
	int		 rc;

	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(of->path);
	c->flags = flags & CACHE_READONLY;
	c->dev = of->dev;
	c->ino = of->ino;
	/* A reader opens the file the way its cache did (see above). */
	if ((flags & CACHE_READONLY) && of->uri != NULL) {
		c->uri = xstrdup(of->uri);
		c->immutable = of->immutable;
	}
	rc = cache_connect(c, ((flags & CACHE_READONLY) ?
	    SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
	    SQLITE_OPEN_NOMUTEX);
	if (rc == SQLITE_OK && !(flags & CACHE_READONLY))
		rc = sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL;"
		    " PRAGMA foreign_keys = ON;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("cannot %s cache %s: %s",
		    (flags & CACHE_READONLY) ? "read" : "write", c->path,
		    c->db != NULL ? sqlite3_errmsg(c->db) :
		    sqlite3_errstr(rc));
		cache_destroy(c);
		return NULL;
	}
	if (flags & CACHE_READONLY)
		sqlite3_exec(c->db, "PRAGMA query_only = ON", NULL, NULL,
		    NULL);
	return c;
}

/* Open a writable cache at version, moving an unusable file aside once. */
static struct cache *
cache_open_writable(const char *path, int version, char **warning,
    char **cause)
{
	struct cache		*c;
	enum cache_verdict	 v;
	char			*why = NULL, *aside = NULL;
	int			 attempt, moved = 0, rc;
	dev_t			 dev;
	ino_t			 ino;

	if (cache_make_parent(path, cause) != 0)
		return NULL;
	for (attempt = 0; attempt < 3; attempt++) {
		c = xcalloc(1, sizeof *c);
		c->path = xstrdup(path);
		v = cache_try_open(c, version, &why);
		if (v == CACHE_OK)
			return c;
		dev = c->dev;
		ino = c->ino;
		cache_destroy(c);
		if (v == CACHE_FATAL) {
			*cause = why;
			return NULL;
		}
		if (moved) {
			*cause = xasprintf("cache %s is unusable even after"
			    " rebuilding it: %s; use another --cache", path,
			    why);
			free(why);
			return NULL;
		}
		rc = cache_move_aside(path, dev, ino, &aside, cause);
		if (rc == -1) {
			free(why);
			return NULL;
		}
		if (rc == 1) {
			/* Another sitrep replaced it meanwhile: try again. */
			free(why);
			why = NULL;
			continue;
		}
		moved = 1;
		if (warning != NULL) {
			free(*warning);
			*warning = xasprintf("cache %s was unusable (%s); moved"
			    " it to %s and started a fresh cache", path, why,
			    aside);
		}
		free(aside);
		free(why);
		why = NULL;
	}
	*cause = xasprintf("cache %s keeps changing while it is opened; check"
	    " what else writes it, or use another --cache", path);
	return NULL;
}

/* Open (creating and migrating) the cache at path. */
struct cache *
cache_open(const char *path, int flags, char **warning, char **cause)
{
	if (warning != NULL)
		*warning = NULL;
	if (flags & CACHE_READONLY)
		return cache_open_readonly(path, cause);
	return cache_open_writable(path, cache_latest_version(), warning,
	    cause);
}

/* Open a writable cache migrated no further than version (tests, tools). */
struct cache *
cache_open_at_version(const char *path, int version, char **warning,
    char **cause)
{
	if (warning != NULL)
		*warning = NULL;
	if (version < 0 || version > cache_latest_version()) {
		*cause = xasprintf("no schema version %d; this sitrep knows 0"
		    " to %d", version, cache_latest_version());
		return NULL;
	}
	return cache_open_writable(path, version, warning, cause);
}

/* Move an open writable cache forward to version. */
int
cache_migrate_to(struct cache *c, int version, char **cause)
{
	if (c->flags & CACHE_READONLY) {
		*cause = xasprintf("cache %s is open read-only; it cannot be"
		    " migrated", c->path);
		return -1;
	}
	if (version < 0 || version > cache_latest_version()) {
		*cause = xasprintf("no schema version %d; this sitrep knows 0"
		    " to %d", version, cache_latest_version());
		return -1;
	}
	return cache_migrate(c, version, cause) == SQLITE_OK ? 0 : -1;
}

/* Close the cache; NULL is fine. */
void
cache_close(struct cache *c)
{
	cache_destroy(c);
}

/* The default cache file under the XDG cache directory. */
char *
cache_default_path(void)
{
	return util_xdg_file("XDG_CACHE_HOME", ".cache", "cache.db");
}

/* The cache's file name (borrowed). */
const char *
cache_path(const struct cache *c)
{
	return c->path;
}

/* The SQLite handle (borrowed). */
sqlite3 *
cache_db(struct cache *c)
{
	return c->db;
}

/* The file's current schema version, or -1 if it cannot be read. */
int
cache_schema_version(struct cache *c)
{
	int	v;

	if (cache_query_int(c->db, "PRAGMA user_version", &v) != SQLITE_OK)
		return -1;
	return v;
}

/*
 * The message for a write to c that failed just now: "what: SQLite's
 * reason" (what is allocated and consumed), or the disk-full message when
 * the file system had no room, remembered for the commit of the write.
 */
char *
cache_write_error(struct cache *c, char *what)
{
	char	*msg;

	if ((sqlite3_extended_errcode(c->db) & 0xff) == SQLITE_FULL) {
		if (c->txn)
			c->full = 1;
		msg = cache_full_message(c->path);
	} else
		msg = xasprintf("%s: %s", what, sqlite3_errmsg(c->db));
	free(what);
	return msg;
}

/* The write of cache_begin() is over, one way or the other. */
static void
cache_txn_end(struct cache *c)
{
	c->txn = c->aborted = c->full = 0;
}

/* Start a write transaction, waiting (busy timeout) for other writers. */
int
cache_begin(struct cache *c, char **cause)
{
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		*cause = cache_write_error(c, xasprintf("cannot start a write"
		    " to cache %s", c->path));
		return -1;
	}
	cache_txn_end(c);
	c->txn = 1;
	return 0;
}

/*
 * Start a write transaction only if the cache is free now: 1 if another
 * connection holds the write (nothing started), else as cache_begin().
 */
int
cache_begin_now(struct cache *c, char **cause)
{
	int	rc;

	sqlite3_busy_timeout(c->db, 0);
	rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	sqlite3_busy_timeout(c->db, CACHE_BUSY_TIMEOUT_MS);
	if (rc == SQLITE_OK) {
		cache_txn_end(c);
		c->txn = 1;
		return 0;
	}
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return 1;
	*cause = cache_write_error(c, xasprintf("cannot start a write to"
	    " cache %s", c->path));
	return -1;
}

/*
 * Commit the write transaction; on failure it is rolled back.  SQLite
 * itself rolls a write back when one of its statements fails for want of
 * room, memory or I/O; the write is then already over, and what ran after
 * it ran on its own, so this says what ended it rather than committing
 * ("no transaction is active").
 */
int
cache_commit(struct cache *c, char **cause)
{
	int	full;

	if (sqlite3_get_autocommit(c->db)) {
		full = c->full || (sqlite3_extended_errcode(c->db) & 0xff) ==
		    SQLITE_FULL;
		if (full)
			*cause = cache_full_message(c->path);
		else if (c->txn && c->aborted)
			*cause = xasprintf("cannot commit to cache %s: SQLite"
			    " rolled the write back when one of its statements"
			    " failed; see the error before this one, and try"
			    " again", c->path);
		else
			*cause = xasprintf("cannot commit to cache %s: its"
			    " write was already ended", c->path);
		cache_txn_end(c);
		return -1;
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = cache_write_error(c, xasprintf("cannot commit to"
		    " cache %s", c->path));
		cache_rollback(c);
		return -1;
	}
	cache_txn_end(c);
	return 0;
}

/* Abandon the write transaction, if one is open. */
void
cache_rollback(struct cache *c)
{
	c->rolling = 1;
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	c->rolling = 0;
	cache_txn_end(c);
}

/*
 * Bump the change counter of (context, table), once per transaction: the
 * first write to a table in a transaction counts, the others are the same
 * change.  Over-counting is harmless (a reader reads again); a write that
 * is not counted would leave a reader showing old rows, so every writer
 * of a source table calls this (core/store.c).
 */
int
cache_touch(struct cache *c, const char *context, const char *table,
    char **cause)
{
	char	*key;
	size_t	 i;
	int	 rc;

	key = xasprintf("%s\t%s", context, table);
	for (i = 0; i < c->ntouched; i++) {
		if (strcmp(c->touched[i], key) == 0) {
			free(key);
			return 0;
		}
	}
	if (c->touch == NULL && sqlite3_prepare_v2(c->db, "INSERT INTO"
	    " changes (context, tbl, gen) VALUES (?1, ?2, 1) ON CONFLICT"
	    " (context, tbl) DO UPDATE SET gen = gen + 1", -1, &c->touch,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("changes: %s", sqlite3_errmsg(c->db));
		sqlite3_finalize(c->touch);
		c->touch = NULL;
		free(key);
		return -1;
	}
	sqlite3_bind_text(c->touch, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_text(c->touch, 2, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(c->touch);
	sqlite3_reset(c->touch);
	sqlite3_clear_bindings(c->touch);
	if (rc != SQLITE_DONE) {
		*cause = cache_write_error(c, xstrdup("changes"));
		free(key);
		return -1;
	}
	/* Outside a transaction the statement was one, already over. */
	if (sqlite3_get_autocommit(c->db)) {
		free(key);
		return 0;
	}
	c->touched = xreallocarray(c->touched, c->ntouched + 1,
	    sizeof *c->touched);
	c->touched[c->ntouched++] = key;
	return 0;
}

/*
 * A prepared statement of sql, kept by the connection: a writer that runs
 * the same few statements thousands of times a round (a row each) pays
 * for preparing them once per connection, not once per row.  Up to
 * CACHE_KEPT are kept; when all are kept a free one is replaced, and a
 * statement asked for while every slot is handed out is prepared for
 * this use only.  The caller binds and steps it, then gives it back with
 * cache_stmt_put(), never sqlite3_finalize().  NULL and *cause ("what:
 * SQLite's message") if sql does not prepare.
 */
sqlite3_stmt *
cache_stmt(struct cache *c, const char *what, const char *sql, char **cause)
{
	struct cache_kept	*k = NULL;
	sqlite3_stmt		*st = NULL;
	size_t			 i, tries;

	for (i = 0; i < c->nkept; i++) {
		if (!c->kept[i].busy && strcmp(c->kept[i].sql, sql) == 0) {
			c->kept[i].busy = 1;
			return c->kept[i].st;
		}
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", what, sqlite3_errmsg(c->db));
		sqlite3_finalize(st);
		return NULL;
	}
	if (c->nkept < CACHE_KEPT)
		k = &c->kept[c->nkept++];
	else {
		for (tries = 0; tries < CACHE_KEPT && k == NULL; tries++) {
			i = c->evict;
			c->evict = (c->evict + 1) % CACHE_KEPT;
			if (!c->kept[i].busy)
				k = &c->kept[i];
		}
		if (k == NULL)
			return st;	/* finalized by cache_stmt_put() */
		sqlite3_finalize(k->st);
		free(k->sql);
	}
	k->sql = xstrdup(sql);
	k->st = st;
	k->busy = 1;
	return st;
}

/* Give back a statement of cache_stmt(): reset, its bindings cleared. */
void
cache_stmt_put(struct cache *c, sqlite3_stmt *st)
{
	size_t	i;

	if (st == NULL)
		return;
	for (i = 0; i < c->nkept; i++) {
		if (c->kept[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			c->kept[i].busy = 0;
			return;
		}
	}
	sqlite3_finalize(st);
}

/* Copy an error message, valid UTF-8 and at most CACHE_ERROR_MAX bytes. */
static char *
cache_clip_error(const char *error)
{
	size_t	len = strlen(error);
	char	*out;

	if (len > CACHE_ERROR_MAX) {
		len = CACHE_ERROR_MAX;
		/* Do not cut a UTF-8 sequence in half. */
		while (len > 0 && ((unsigned char)error[len] & 0xc0) == 0x80)
			len--;
	}
	out = sanitize_utf8(error, len);
	return out;
}

/* Record one fetch attempt of a source. */
int
cache_source_update(struct cache *c, const char *context, const char *source,
    const char *kind, int64_t attempt_ms, int ok, int64_t latency_ms,
    const char *error, int64_t items, char **cause)
{
	static const char	*insert = "INSERT OR IGNORE INTO sources"
	    " (context, name, kind) VALUES (?1, ?2, ?3)";
	static const char	*good = "UPDATE sources SET kind = ?3,"
	    " last_attempt_ms = ?4, last_success_ms = ?4, last_error = NULL,"
	    " latency_ms = ?5, items = ?6, failures = 0"
	    " WHERE context = ?1 AND name = ?2";
	static const char	*bad = "UPDATE sources SET kind = ?3,"
	    " last_attempt_ms = ?4, last_error = ?7, latency_ms = ?5,"
	    " failures = failures + 1 WHERE context = ?1 AND name = ?2";
	const char		*sql[2] = { insert, ok ? good : bad };
	sqlite3_stmt		*st;
	char			*clipped = NULL;
	int			 i, own, rc = SQLITE_OK;

	own = sqlite3_get_autocommit(c->db);
	if (own && cache_begin(c, cause) != 0)
		return -1;
	if (!ok)
		clipped = cache_clip_error(error != NULL ? error :
		    "unknown error");
	for (i = 0; i < 2 && rc == SQLITE_OK; i++) {
		rc = sqlite3_prepare_v2(c->db, sql[i], -1, &st, NULL);
		if (rc != SQLITE_OK)
			break;
		sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
		if (i == 1) {
			sqlite3_bind_int64(st, 4, attempt_ms);
			sqlite3_bind_int64(st, 5, latency_ms);
			if (ok)
				sqlite3_bind_int64(st, 6, items);
			else
				sqlite3_bind_text(st, 7, clipped, -1,
				    SQLITE_STATIC);
		}
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_finalize(st);
	}
	free(clipped);
	if (rc != SQLITE_OK) {
		*cause = cache_write_error(c, xasprintf("cannot record source"
		    " %s/%s in cache %s", context, source, c->path));
		if (own)
			cache_rollback(c);
		return -1;
	}
	if (own)
		return cache_commit(c, cause);
	return 0;
}

/* ---- cache info ---------------------------------------------------------- */

/* Display width of a UTF-8 string, counted in code points. */
static int
cache_width(const char *s)
{
	int	n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Print s padded with spaces to width columns. */
static void
cache_pad(FILE *f, const char *s, int width)
{
	int	n;

	out_puts(s, f);
	for (n = cache_width(s); n < width; n++)
		out_putc(' ', f);
}

/* Size of a file in bytes, 0 if it does not exist. */
static long long
cache_file_size(const char *path)
{
	struct stat	sb;

	if (stat(path, &sb) != 0)
		return 0;
	return (long long)sb.st_size;
}

/* Print the row count of every table. */
static int
cache_info_tables(struct cache *c, FILE *f, char **cause)
{
	sqlite3_stmt	*st, *count;
	const char	*name;
	char		*sql, *safe;
	int		 rc, width = 0;

	rc = sqlite3_prepare_v2(c->db, "SELECT name FROM sqlite_master WHERE"
	    " type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	    " ORDER BY name", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		if (name != NULL && cache_width(name) > width)
			width = cache_width(name);
	}
	sqlite3_reset(st);
	out_puts("rows\n", f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		if (name == NULL)
			continue;
		sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", name);
		rc = sqlite3_prepare_v2(c->db, sql, -1, &count, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK)
			break;
		rc = sqlite3_step(count);
		safe = sanitize_terminal(name, 0);
		out_puts("  ", f);
		cache_pad(f, safe, width);
		if (rc == SQLITE_ROW)
			out_printf(f, "  %10lld\n",
			    (long long)sqlite3_column_int64(count, 0));
		else
			out_printf(f, "  %10s\n", "?");
		free(safe);
		sqlite3_finalize(count);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto fail;
	return 0;

fail:
	*cause = xasprintf("cannot count rows in cache %s: %s", c->path,
	    sqlite3_errmsg(c->db));
	return -1;
}

/* One source row, formatted for printing. */
struct cache_info_row {
	char	*name;		/* context/name, sanitised */
	char	*kind;
	char	*success;	/* RFC 3339 and age, or "never" */
	char	*items;
	char	*error;		/* NULL if none */
};

/* Print the per-source table: last success and last error. */
static int
cache_info_sources(struct cache *c, FILE *f, int64_t now, char **cause)
{
	struct cache_info_row	*rows = NULL, *r;
	sqlite3_stmt		*st;
	const char		*ctx, *name, *kind, *err;
	char			 when[64], age[32], *joined;
	size_t			 n = 0, i;
	int			 rc, w_name = 14, w_kind = 4, w_success = 12;
	int64_t			 success;

	rc = sqlite3_prepare_v2(c->db, "SELECT context, name, kind,"
	    " last_success_ms, last_error, items FROM sources"
	    " ORDER BY context, name", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows = xreallocarray(rows, n + 1, sizeof *rows);
		r = &rows[n++];
		ctx = (const char *)sqlite3_column_text(st, 0);
		name = (const char *)sqlite3_column_text(st, 1);
		kind = (const char *)sqlite3_column_text(st, 2);
		joined = xasprintf("%s/%s", ctx ? ctx : "", name ? name : "");
		r->name = sanitize_terminal(joined, 0);
		free(joined);
		r->kind = sanitize_terminal(kind ? kind : "", 0);
		if (sqlite3_column_type(st, 3) == SQLITE_NULL)
			r->success = xstrdup("never");
		else {
			success = sqlite3_column_int64(st, 3);
			util_format_rfc3339(success, when, sizeof when);
			if (success > now)
				r->success = xasprintf("%s (in the future)",
				    when);
			else
				r->success = xasprintf("%s (%s ago)", when,
				    util_format_duration(now - success, age,
				    sizeof age));
		}
		if (sqlite3_column_type(st, 5) == SQLITE_NULL)
			r->items = xstrdup("-");
		else
			r->items = xasprintf("%lld",
			    (long long)sqlite3_column_int64(st, 5));
		err = (const char *)sqlite3_column_text(st, 4);
		r->error = err != NULL ? sanitize_terminal(err, 0) : NULL;
		if (cache_width(r->name) > w_name)
			w_name = cache_width(r->name);
		if (cache_width(r->kind) > w_kind)
			w_kind = cache_width(r->kind);
		if (cache_width(r->success) > w_success)
			w_success = cache_width(r->success);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;

	if (n == 0)
		out_puts("sources   none yet; run `sitrep fetch`\n", f);
	else {
		out_puts("sources\n  ", f);
		cache_pad(f, "CONTEXT/SOURCE", w_name);
		out_puts("  ", f);
		cache_pad(f, "KIND", w_kind);
		out_puts("  ", f);
		cache_pad(f, "LAST SUCCESS", w_success);
		out_puts("  ITEMS\n", f);
	}
	for (i = 0; i < n; i++) {
		r = &rows[i];
		out_puts("  ", f);
		cache_pad(f, r->name, w_name);
		out_puts("  ", f);
		cache_pad(f, r->kind, w_kind);
		out_puts("  ", f);
		cache_pad(f, r->success, w_success);
		out_printf(f, "  %s\n", r->items);
		if (r->error != NULL) {
			out_puts("  ", f);
			cache_pad(f, "", w_name);
			out_printf(f, "  last error: %s\n", r->error);
		}
		free(r->name);
		free(r->kind);
		free(r->success);
		free(r->items);
		free(r->error);
	}
	free(rows);
	return 0;

fail:
	for (i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].kind);
		free(rows[i].success);
		free(rows[i].items);
		free(rows[i].error);
	}
	free(rows);
	*cause = xasprintf("cannot read sources from cache %s: %s", c->path,
	    sqlite3_errmsg(c->db));
	return -1;
}

/* Print what `sitrep cache info` shows. */
int
cache_info(struct cache *c, FILE *f, char **cause)
{
	char		*wal, *safe;
	long long	 db_size, wal_size;
	int		 rc;

	wal = xasprintf("%s-wal", c->path);
	db_size = cache_file_size(c->path);
	wal_size = cache_file_size(wal);
	free(wal);

	/* One read transaction, so every number comes from one snapshot. */
	rc = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("cannot read cache %s: %s", c->path,
		    sqlite3_errmsg(c->db));
		return -1;
	}
	safe = sanitize_terminal(c->path, 0);
	out_printf(f, "path      %s%s\n", safe, c->immutable ? " (read-only;"
	    " immutable: the file cannot change, read without locks)" :
	    (c->flags & CACHE_READONLY) ? " (read-only)" : "");
	free(safe);
	out_printf(f, "schema    %d (this sitrep writes %d)\n",
	    cache_schema_version(c), cache_latest_version());
	out_printf(f, "size      %lld bytes (database %lld, WAL %lld)\n",
	    db_size + wal_size, db_size, wal_size);
	if (cache_info_tables(c, f, cause) != 0 ||
	    cache_info_sources(c, f, util_now_ms(), cause) != 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */
/* ------------------------------------------------------------------ */

/* Prepare and bind as fmt says (see cache.h). */
sqlite3_stmt *
cache_vprepare(sqlite3 *db, const char *what, char **cause, const char *sql,
    const char *fmt, va_list ap)
{
	sqlite3_stmt	*st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", what, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return NULL;
	}
	cache_vbind(st, fmt, ap);
	return st;
}

/* Bind the arguments fmt describes (see cache_prepare()) to st. */
void
cache_vbind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	const char	*s;
	int64_t		 v;
	int		 col;

	for (col = 1; *fmt != '\0'; fmt++, col++) {
		if (*fmt == 't') {
			s = va_arg(ap, const char *);
			if (s != NULL)
				sqlite3_bind_text(st, col, s, -1,
				    SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, col);
		} else {
			v = va_arg(ap, int64_t);
			if (*fmt == 'z' && v == 0)
				sqlite3_bind_null(st, col);
			else
				sqlite3_bind_int64(st, col, v);
		}
	}
}

/* Prepare and bind. */
sqlite3_stmt *
cache_prepare(struct cache *c, const char *what, char **cause,
    const char *sql, const char *fmt, ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;

	va_start(ap, fmt);
	st = cache_vprepare(c->db, what, cause, sql, fmt, ap);
	va_end(ap);
	return st;
}

/* Prepare, bind and run a statement without rows. */
int
cache_exec(struct cache *c, const char *what, char **cause, const char *sql,
    const char *fmt, ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;
	int		 rc;

	va_start(ap, fmt);
	st = cache_vprepare(c->db, what, cause, sql, fmt, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		*cause = cache_write_error(c, xstrdup(what));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* An allocated copy of a text column, or NULL. */
char *
cache_column_text(sqlite3_stmt *st, int col)
{
	const unsigned char	*t = sqlite3_column_text(st, col);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}
