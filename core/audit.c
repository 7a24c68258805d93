/*
 * audit.c: appending to, verifying and reading the keyed hash-chained
 * audit log.
 *
 * The hash of a row is a MAC, in lowercase hex, over a canonical
 * serialisation of the previous row's hash and this row's fields, in this
 * order:
 *
 *	prev_hash seq ts_ms actor context action target dry_run result detail
 *
 * followed, for a keyed row (chain 2), by chain and key_id.  Each field is
 * type-tagged so no two rows can serialise alike: a string is
 * "s<length in bytes>:<bytes>", an integer "i<decimal>;", a NULL "n".  So
 * "ab" + "c" and "a" + "bc" differ, and so do NULL and "".  The MAC is
 * HMAC-SHA256 with the audit key for chain 2, plain SHA-256 for chain 1
 * (rows written before the key existed).  The format is part of the file
 * format: changing it would break every existing chain.
 *
 * The key is 32 random bytes in a file of its own outside the cache
 * (audit_key_path()), mode 0600 in a 0700 directory, made by the first
 * append that needs it: written under a temporary name and linked into
 * place, so two writers starting at once end up with one key.  The
 * temporary name carries the writer's pid; one left by a writer killed
 * before it removed it (a partial key, or a second link to the key) is
 * removed by the next writer that may make the key, once its process is
 * gone and it is a minute old (audit_key_clean()).  A key file
 * open to group or others, or not its owner's, is refused.  Its id
 * (key_id, the first 8 bytes of HMAC(key, "sitrep audit key id") in hex)
 * is stored with each keyed row, so a verifier given another key can say
 * so rather than call every row edited; the id tells nothing about the
 * key.  The key never leaves this file's functions: it is not printed,
 * logged or stored in the cache, and copies are wiped after use.
 *
 * Appends run in BEGIN IMMEDIATE with PRAGMA synchronous = FULL, so once
 * audit_append returns the row survives a power cut; the connection's
 * previous synchronous setting is restored afterwards.
 *
 * Verification only reads: it runs SQLite's quick_check on the file, then
 * walks the rows in seq order.  It never repairs, rebuilds or moves
 * anything; a damaged file is reported as damaged and left as it is.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/cache.h"
#include "base/hmac.h"
#include "base/sanitize.h"
#include "base/sha256.h"
#include "base/util.h"
#include "base/xmalloc.h"

/*
 * How old a temporary key file of a process that is gone must be before it
 * is removed: a live writer's file is seconds old at most, and a process of
 * another PID namespace sharing the directory may look gone from here.
 */
#define AUDIT_KEY_STALE_S	60

/* The message a key id is the MAC of. */
#define AUDIT_KEY_ID_MSG	"sitrep audit key id"

/* A row as read back or about to be written. */
struct audit_row {
	int64_t		 seq;
	int64_t		 ts_ms;
	const char	*text[6];	/* actor context action target result detail */
	int		 len[6];
	int		 dry_run;
	const char	*prev_hash;
	int		 chain;		/* AUDIT_CHAIN_SHA256 or _HMAC */
	const char	*key_id;	/* chain 2: the key's id */
};

/* The audit key, loaded. */
struct audit_key {
	unsigned char	k[AUDIT_KEY_LEN];
	char		id[AUDIT_KEY_ID_LEN + 1];
};

/* The MAC a row is hashed with: SHA-256, or HMAC-SHA256 with a key. */
struct audit_mac {
	int			keyed;
	struct sha256		plain;
	struct hmac_sha256	hmac;
};

/* ------------------------------------------------------------------ */
/* The key                                                             */
/* ------------------------------------------------------------------ */

/* Overwrite n bytes at p in a way the compiler may not drop. */
static void
audit_wipe(void *p, size_t n)
{
	volatile unsigned char	*v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* $XDG_STATE_HOME/sitrep/audit.key, else ~/.local/state/sitrep/. */
char *
audit_key_path(void)
{
	return util_xdg_file("XDG_STATE_HOME", ".local/state", "audit.key");
}

/* Fill the key's id from its bytes. */
static void
audit_key_name(struct audit_key *k)
{
	unsigned char	mac[SHA256_DIGEST_LEN];
	char		hex[SHA256_HEX_LEN + 1];

	hmac_sha256(k->k, sizeof k->k, AUDIT_KEY_ID_MSG,
	    strlen(AUDIT_KEY_ID_MSG), mac);
	sha256_hex(mac, hex);
	memcpy(k->id, hex, AUDIT_KEY_ID_LEN);
	k->id[AUDIT_KEY_ID_LEN] = '\0';
}

/*
 * Read the key at path.  0 and *k; 1 if there is no file; -1 and *cause
 * if it cannot be used (open to others, another owner's, the wrong size,
 * unreadable).
 */
static int
audit_key_read(const char *path, struct audit_key *k, char **cause)
{
	struct stat	sb;
	ssize_t		n;
	size_t		got = 0;
	int		fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		*cause = xasprintf("cannot read the audit key %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*cause = xasprintf("the audit key %s is not a regular file;"
		    " restore the key file from a backup", path);
		goto fail;
	}
	if (sb.st_uid != geteuid()) {
		*cause = xasprintf("the audit key %s belongs to another user"
		    " (uid %ld); it must be yours and mode 0600: run `chown"
		    " %ld %s` as its owner, or use your own", path,
		    (long)sb.st_uid, (long)geteuid(), path);
		goto fail;
	}
	if ((sb.st_mode & 077) != 0) {
		*cause = xasprintf("the audit key %s is open to group or others"
		    " (mode %04o), so it is not used; run `chmod 600 %s`", path,
		    (unsigned int)(sb.st_mode & 07777), path);
		goto fail;
	}
	if (sb.st_size != AUDIT_KEY_LEN) {
		*cause = xasprintf("the audit key %s is %lld bytes, not the %d"
		    " of an audit key; restore it from a backup", path,
		    (long long)sb.st_size, AUDIT_KEY_LEN);
		goto fail;
	}
	while (got < sizeof k->k) {
		n = read(fd, k->k + got, sizeof k->k - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*cause = xasprintf("cannot read the audit key %s: %s",
			    path, n < 0 ? strerror(errno) : "file too short");
			audit_wipe(k, sizeof *k);
			goto fail;
		}
		got += (size_t)n;
	}
	close(fd);
	audit_key_name(k);
	return 0;

fail:
	close(fd);
	return -1;
}

/* Read n random bytes from the system's generator; 0 or -1 (errno). */
static int
audit_random(unsigned char *p, size_t len)
{
	ssize_t	n;
	size_t	got = 0;
	int	fd, saved;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n < 0 ? errno : EIO;
			close(fd);
			errno = saved;
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	return 0;
}

/* pid from a temporary key file's name "audit.key.new.<pid>", or 0. */
static long
audit_key_tmp_pid(const char *name, const char *prefix)
{
	size_t		 len = strlen(prefix);
	const char	*p;
	long		 pid = 0;

	if (strncmp(name, prefix, len) != 0 || name[len] == '\0' ||
	    name[len] == '0')
		return 0;
	for (p = name + len; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || pid > 99999999)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	return pid;
}

/*
 * Remove the temporary files of key writers that were killed before they
 * removed them ("audit.key.new.<pid>" beside path): those whose process is
 * gone (or is this one, which has made none yet, so the pid was reused)
 * and at least AUDIT_KEY_STALE_S old.  A live writer's file is never
 * touched, so two writers at once do not disturb each other.  Best effort:
 * what cannot be read or removed is left.
 */
static void
audit_key_clean(const char *path)
{
	struct dirent	*de;
	struct stat	 sb;
	char		*dir, *slash, *prefix, *p;
	DIR		*d;
	long		 pid;
	time_t		 now = time(NULL);

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		return;
	}
	prefix = xasprintf("%s.new.", slash + 1);
	slash[slash == dir ? 1 : 0] = '\0';
	if ((d = opendir(dir)) == NULL) {
		free(prefix);
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if ((pid = audit_key_tmp_pid(de->d_name, prefix)) == 0)
			continue;
		if (pid != (long)getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;	/* alive, or not ours to tell */
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_uid == geteuid() &&
		    now - sb.st_mtime >= AUDIT_KEY_STALE_S)
			(void)unlink(p);
		free(p);
	}
	closedir(d);
	free(prefix);
	free(dir);
}

/*
 * Make a new key at path (directory 0700, file 0600): written under a
 * temporary name, then linked into place so no reader sees half a key and
 * a key another writer made first is kept.  0, or -1 and *cause.
 */
static int
audit_key_create(const char *path, char **cause)
{
	unsigned char	 k[AUDIT_KEY_LEN];
	char		*dir, *slash, *tmp;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd, rc = -1;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (util_mkdir_p(dir, 0700, cause) != 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	if (audit_random(k, sizeof k) != 0) {
		*cause = xasprintf("cannot make the audit key %s: no random"
		    " bytes from /dev/urandom: %s", path, strerror(errno));
		return -1;
	}
	tmp = xasprintf("%s.new.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		*cause = xasprintf("cannot make the audit key %s: %s", tmp,
		    strerror(errno));
		audit_wipe(k, sizeof k);
		free(tmp);
		return -1;
	}
	while (off < sizeof k) {
		n = write(fd, k + off, sizeof k - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	audit_wipe(k, sizeof k);
	if (off != sizeof k || fsync(fd) != 0) {
		*cause = xasprintf("cannot write the audit key %s: %s", tmp,
		    strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	/* link(2) never replaces: a key made meanwhile by another wins. */
	if (link(tmp, path) != 0 && errno != EEXIST) {
		*cause = xasprintf("cannot put the audit key in place at %s:"
		    " %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	unlink(tmp);
	free(tmp);
	return rc;
}

/*
 * Load the key, making it first if create is set and there is none.  0
 * and *k; 1 when there is none (and create is not set); -1 and *cause.
 * path gets the key file's name (allocated) in every case.
 */
static int
audit_key_load(int create, struct audit_key *k, char **path, char **cause)
{
	int	rc;

	*path = audit_key_path();
	if (create)
		audit_key_clean(*path);
	rc = audit_key_read(*path, k, cause);
	if (rc != 1 || !create)
		return rc;
	if (audit_key_create(*path, cause) != 0)
		return -1;
	rc = audit_key_read(*path, k, cause);
	if (rc == 1) {
		*cause = xasprintf("the audit key %s vanished as it was made;"
		    " try again", *path);
		rc = -1;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* The chain                                                           */
/* ------------------------------------------------------------------ */

/* Feed bytes into the row's MAC. */
static void
audit_feed(struct audit_mac *m, const void *p, size_t len)
{
	if (m->keyed)
		hmac_sha256_update(&m->hmac, p, len);
	else
		sha256_update(&m->plain, p, len);
}

/* Feed a string field (or NULL) into the MAC. */
static void
audit_hash_text(struct audit_mac *m, const char *s, size_t len)
{
	char	tag[32];
	int	n;

	if (s == NULL) {
		audit_feed(m, "n", 1);
		return;
	}
	n = snprintf(tag, sizeof tag, "s%zu:", len);
	audit_feed(m, tag, (size_t)n);
	audit_feed(m, s, len);
}

/* Feed an integer field into the MAC. */
static void
audit_hash_int(struct audit_mac *m, int64_t v)
{
	char	tag[32];
	int	n;

	n = snprintf(tag, sizeof tag, "i%" PRId64 ";", v);
	audit_feed(m, tag, (size_t)n);
}

/* Compute the chain hash of a row into out; key is needed for chain 2. */
static void
audit_hash_row(const struct audit_row *r, const struct audit_key *key,
    char out[SHA256_HEX_LEN + 1])
{
	struct audit_mac m;
	unsigned char	 digest[SHA256_DIGEST_LEN];
	int		 i;

	memset(&m, 0, sizeof m);
	m.keyed = r->chain == AUDIT_CHAIN_HMAC;
	if (m.keyed)
		hmac_sha256_init(&m.hmac, key->k, sizeof key->k);
	else
		sha256_init(&m.plain);
	audit_hash_text(&m, r->prev_hash, strlen(r->prev_hash));
	audit_hash_int(&m, r->seq);
	audit_hash_int(&m, r->ts_ms);
	for (i = 0; i < 4; i++)	/* actor context action target */
		audit_hash_text(&m, r->text[i], (size_t)r->len[i]);
	audit_hash_int(&m, r->dry_run);
	for (i = 4; i < 6; i++)	/* result detail */
		audit_hash_text(&m, r->text[i], (size_t)r->len[i]);
	if (m.keyed) {
		audit_hash_int(&m, r->chain);
		audit_hash_text(&m, r->key_id, r->key_id != NULL ?
		    strlen(r->key_id) : 0);
		hmac_sha256_final(&m.hmac, digest);
	} else
		sha256_final(&m.plain, digest);
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

/*
 * Read the last row's seq, hash, chain and key id (kid, AUDIT_KEY_ID_LEN
 * + 1 bytes, "" if none); seq 0, the genesis and chain 0 if empty.
 */
static int
audit_last(sqlite3 *db, int64_t *seq, char hash[SHA256_HEX_LEN + 1],
    int *chain, char *kid)
{
	sqlite3_stmt	*st;
	const char	*h;
	int		 rc;

	*seq = 0;
	*chain = 0;
	kid[0] = '\0';
	memcpy(hash, AUDIT_GENESIS, SHA256_HEX_LEN + 1);
	rc = sqlite3_prepare_v2(db, "SELECT seq, hash, chain, key_id FROM"
	    " audit ORDER BY seq DESC LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		h = (const char *)sqlite3_column_text(st, 1);
		if (h != NULL)
			snprintf(hash, SHA256_HEX_LEN + 1, "%s", h);
		*chain = sqlite3_column_int(st, 2);
		h = (const char *)sqlite3_column_text(st, 3);
		if (h != NULL)
			snprintf(kid, AUDIT_KEY_ID_LEN + 1, "%s", h);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(st);
	return rc;
}

/*
 * The key to append with: the log's own if it has keyed rows (never a new
 * one: rows under another key could not be verified with the old ones),
 * else the key file's, made now if there is none.  0, or -1 and *cause.
 */
static int
audit_append_key(sqlite3 *db, const char *cpath, struct audit_key *k,
    char **cause)
{
	char	 prev[SHA256_HEX_LEN + 1], kid[AUDIT_KEY_ID_LEN + 1];
	char	*path = NULL, *why = NULL;
	int64_t	 seq;
	int	 chain, rc;

	if (audit_last(db, &seq, prev, &chain, kid) != SQLITE_OK) {
		*cause = xasprintf("cannot read the audit log in cache %s: %s",
		    cpath, sqlite3_errmsg(db));
		return -1;
	}
	rc = audit_key_load(chain != AUDIT_CHAIN_HMAC, k, &path, &why);
	if (rc == 1) {
		*cause = xasprintf("the audit log in cache %s is keyed, but"
		    " there is no key at %s; restore the key it was written"
		    " with from a backup (a new key could not verify the rows"
		    " already written)", cpath, path);
		rc = -1;
	} else if (rc == 0 && chain == AUDIT_CHAIN_HMAC &&
	    strcmp(kid, k->id) != 0) {
		*cause = xasprintf("the audit key at %s does not match the log"
		    " in cache %s (its rows were written with key %s, this is"
		    " key %s): was the log written with another key?  Put that"
		    " key back at %s", path, cpath, kid, k->id, path);
		audit_wipe(k, sizeof *k);
		rc = -1;
	} else if (rc != 0) {
		*cause = why;
		why = NULL;
	}
	free(why);
	free(path);
	return rc;
}

/* Append one action to the audit log, durably. */
int
audit_append(struct cache *c, const struct audit_entry *e, char **cause)
{
	sqlite3		*db = cache_db(c);
	sqlite3_stmt	*st = NULL, *q;
	struct audit_row r;
	struct audit_key key;
	const char	*raw[6];
	char		*clean[6], prev[SHA256_HEX_LEN + 1];
	char		 hash[SHA256_HEX_LEN + 1], *restore, *why = NULL;
	char		 kid[AUDIT_KEY_ID_LEN + 1];
	int		 i, rc, sync = 1, chain;

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
	memset(&key, 0, sizeof key);
	for (i = 0; i < 6; i++) {
		clean[i] = audit_clean(raw[i]);
		r.text[i] = clean[i];
		r.len[i] = clean[i] != NULL ? (int)strlen(clean[i]) : 0;
	}
	r.ts_ms = e->ts_ms > 0 ? e->ts_ms : util_now_ms();
	r.dry_run = e->dry_run ? 1 : 0;
	r.chain = AUDIT_CHAIN_HMAC;

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
	if (audit_append_key(db, cache_path(c), &key, &why) != 0)
		goto fail;
	rc = audit_last(db, &r.seq, prev, &chain, kid);
	if (rc != SQLITE_OK)
		goto fail;
	r.seq++;
	r.prev_hash = prev;
	r.key_id = key.id;
	audit_hash_row(&r, &key, hash);

	rc = sqlite3_prepare_v2(db, "INSERT INTO audit (seq, ts_ms, actor,"
	    " context, action, target, dry_run, result, detail, prev_hash,"
	    " hash, chain, key_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12, ?13)", -1, &st, NULL);
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
	sqlite3_bind_int(st, 12, r.chain);
	sqlite3_bind_text(st, 13, key.id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;

	audit_wipe(&key, sizeof key);
	restore = xasprintf("PRAGMA synchronous = %d", sync);
	sqlite3_exec(db, restore, NULL, NULL, NULL);
	free(restore);
	for (i = 0; i < 6; i++)
		free(clean[i]);
	return 0;

fail:
	audit_wipe(&key, sizeof key);
	if (why != NULL)
		*cause = xasprintf("%s; the action '%s' was not recorded", why,
		    e->action);
	else
		*cause = xasprintf("cannot write the audit log in cache %s: %s;"
		    " the action '%s' was not recorded", cache_path(c),
		    sqlite3_errmsg(db), e->action);
	free(why);
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

/* ------------------------------------------------------------------ */
/* Verification                                                        */
/* ------------------------------------------------------------------ */

/* The advice that ends every verification failure. */
#define AUDIT_ADVICE "; the log cannot be trusted from there on: keep this" \
	" cache file as evidence and compare it with a backup"

/* Parse "HASH" or "SEQ:HASH". */
int
audit_head_parse(const char *s, int64_t *seq, char hash[SHA256_HEX_LEN + 1],
    char **cause)
{
	const char	*colon, *h = s;
	char		*end;
	long long	 n;
	size_t		 i;

	*seq = 0;
	if ((colon = strchr(s, ':')) != NULL) {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (end != colon || end == s || errno != 0 || n < 1 ||
		    *s == '+' || *s == '-' || *s == ' ')
			goto bad;
		*seq = n;
		h = colon + 1;
	}
	if (strlen(h) != SHA256_HEX_LEN)
		goto bad;
	for (i = 0; i < SHA256_HEX_LEN; i++) {
		if (h[i] >= 'A' && h[i] <= 'F')
			hash[i] = (char)(h[i] - 'A' + 'a');
		else if ((h[i] >= '0' && h[i] <= '9') ||
		    (h[i] >= 'a' && h[i] <= 'f'))
			hash[i] = h[i];
		else
			goto bad;
	}
	hash[SHA256_HEX_LEN] = '\0';
	return 0;

bad:
	*cause = xstrdup("a head is the hash `sitrep audit head` printed (64"
	    " hex digits), or SEQ:HASH with the entry number before it");
	return -1;
}

/* The state of one walk over the chain. */
struct audit_walk {
	sqlite3			*db;
	const char		*path;		/* the cache's */
	int64_t			 head_seq;	/* anchored head, 0: anywhere */
	const char		*head_hash;	/* NULL: no head */
	struct audit_verdict	*v;
	struct audit_key	 key;
	int			 have_key;
};

/* The first keyed row needs the key: load it, or say why not. */
static int
audit_walk_key(struct audit_walk *w, int64_t seq, const char *kid,
    char **cause)
{
	char	*path = NULL, *why = NULL;
	int	 rc;

	if (!w->have_key) {
		rc = audit_key_load(0, &w->key, &path, &why);
		if (rc == 1) {
			*cause = xasprintf("the audit log is keyed from entry %"
			    PRId64 " on, but there is no key at %s to verify"
			    " it; restore the key it was written with from a"
			    " backup and verify again", seq, path);
			free(path);
			return -1;
		}
		if (rc != 0) {
			*cause = why;
			free(path);
			return -1;
		}
		free(path);
		w->have_key = 1;
	}
	if (kid == NULL || strcmp(kid, w->key.id) != 0) {
		path = audit_key_path();
		*cause = xasprintf("the audit key at %s does not match the log:"
		    " entry %" PRId64 " was written with key %s, this is key %s;"
		    " was the log written with another key?  Verify with that"
		    " key at %s", path, seq, kid != NULL ? kid : "(none)",
		    w->key.id, path);
		free(path);
		return -1;
	}
	return 0;
}

/* Say which rows are missing when seq follows expect - 1. */
static char *
audit_gap(int64_t expect, int64_t seq)
{
	if (expect == 1)
		return xasprintf("audit rows 1 to %" PRId64 " are missing (the"
		    " log starts at row %" PRId64 ")" AUDIT_ADVICE, seq - 1,
		    seq);
	if (expect == seq - 1)
		return xasprintf("audit row %" PRId64 " is missing (row %"
		    PRId64 " follows row %" PRId64 ")" AUDIT_ADVICE, expect,
		    seq, expect - 1);
	return xasprintf("audit rows %" PRId64 " to %" PRId64 " are missing"
	    " (row %" PRId64 " follows row %" PRId64 ")" AUDIT_ADVICE, expect,
	    seq - 1, seq, expect - 1);
}

/* Check the rows in seq order; 0, or -1 with v->bad_seq and *cause. */
static int
audit_walk_rows(struct audit_walk *w, char **cause)
{
	struct audit_verdict	*v = w->v;
	sqlite3_stmt		*st;
	struct audit_row	 r;
	char			 prev[SHA256_HEX_LEN + 1];
	char			 want[SHA256_HEX_LEN + 1];
	const char		*stored;
	int64_t			 expect = 1;
	int			 rc, i, col, keyed = 0;

	rc = sqlite3_prepare_v2(w->db, "SELECT seq, ts_ms, actor, context,"
	    " action, target, dry_run, result, detail, prev_hash, hash,"
	    " chain, key_id FROM audit ORDER BY seq", -1, &st, NULL);
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
		r.chain = sqlite3_column_int(st, 11);
		r.key_id = (const char *)sqlite3_column_text(st, 12);
		if (r.prev_hash == NULL)
			r.prev_hash = "";
		v->bad_seq = r.seq;

		if (r.seq != expect) {
			*cause = audit_gap(expect, r.seq);
			goto bad;
		}
		if (r.chain == AUDIT_CHAIN_SHA256 && keyed) {
			*cause = xasprintf("audit row %" PRId64 " is chained"
			    " without the key after keyed rows: it was written"
			    " or rewritten by someone without the key"
			    AUDIT_ADVICE, r.seq);
			goto bad;
		}
		if (r.chain != AUDIT_CHAIN_SHA256 &&
		    r.chain != AUDIT_CHAIN_HMAC) {
			*cause = xasprintf("audit row %" PRId64 " says it is"
			    " chained by method %d, which this sitrep does not"
			    " know; verify it with the sitrep that wrote it, or"
			    " it was changed" AUDIT_ADVICE, r.seq, r.chain);
			goto bad;
		}
		if (strcmp(r.prev_hash, prev) != 0) {
			*cause = xasprintf("audit row %" PRId64 " does not link"
			    " to the row before it: a row was rewritten,"
			    " removed or reordered" AUDIT_ADVICE, r.seq);
			goto bad;
		}
		if (r.chain == AUDIT_CHAIN_HMAC) {
			keyed = 1;
			/* The key, not the log, is at fault: no bad row. */
			if (audit_walk_key(w, r.seq, r.key_id, cause) != 0) {
				v->bad_seq = 0;
				goto bad;
			}
		} else
			v->unkeyed++;
		audit_hash_row(&r, &w->key, want);
		if (stored == NULL || strcmp(stored, want) != 0) {
			*cause = xasprintf("audit row %" PRId64 " was changed"
			    " after it was written (its hash does not match"
			    " its contents)" AUDIT_ADVICE, r.seq);
			goto bad;
		}
		if (w->head_hash != NULL && v->head_seq == 0 &&
		    strcmp(want, w->head_hash) == 0 &&
		    (w->head_seq == 0 || w->head_seq == r.seq))
			v->head_seq = r.seq;
		if (w->head_hash != NULL && w->head_seq == r.seq &&
		    v->head_seq != r.seq) {
			*cause = xasprintf("audit row %" PRId64 " is not the"
			    " anchored head any more (its hash is now %s, not"
			    " %s): the log was rewritten at or before it"
			    AUDIT_ADVICE, r.seq, want, w->head_hash);
			goto bad;
		}
		memcpy(prev, want, sizeof prev);
		expect++;
	}
	if (rc != SQLITE_DONE)
		goto sqlite_error;
	sqlite3_finalize(st);
	v->bad_seq = 0;
	v->entries = expect - 1;
	v->seq = expect - 1;
	memcpy(v->hash, prev, sizeof prev);
	return 0;

sqlite_error:
	v->bad_seq = 0;
	*cause = xasprintf("cannot read the audit log in cache %s: %s",
	    w->path, sqlite3_errmsg(w->db));
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

/*
 * The file as SQLite sees it: 0 if quick_check passes and there is an
 * audit table; -1 and *cause otherwise.  Nothing is repaired.
 */
static int
audit_check_file(sqlite3 *db, const char *path, char **cause)
{
	sqlite3_stmt	*st;
	const char	*msg;
	char		*first = NULL, *safe;
	int		 rc, tables = 0;

	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		msg = (const char *)sqlite3_column_text(st, 0);
		if (msg == NULL || strcmp(msg, "ok") != 0)
			first = xstrdup(msg != NULL ? msg : "no answer");
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		first = xstrdup(sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (first != NULL) {
		safe = sanitize_terminal(first, 0);
		*cause = xasprintf("cache %s is damaged (SQLite's check: %s),"
		    " so its audit log cannot be verified; it was left as it"
		    " is: keep a copy as evidence and compare it with a"
		    " backup", path, safe);
		free(safe);
		free(first);
		return -1;
	}
	rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name = 'audit'", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (tables != 1) {
		*cause = xasprintf("no audit log at %s: the cache has no audit"
		    " table (it was dropped, or this is not the cache the"
		    " actions were recorded in)", path);
		return -1;
	}
	return 0;
}

/* Check the file and walk the chain, with an anchored head or not. */
int
audit_check(struct cache *c, int64_t head_seq, const char *head_hash,
    struct audit_verdict *v, char **cause)
{
	struct audit_walk	 w;
	sqlite3			*db = cache_db(c);
	int			 own, rc;

	memset(v, 0, sizeof *v);
	memcpy(v->hash, AUDIT_GENESIS, sizeof v->hash);
	memset(&w, 0, sizeof w);
	w.db = db;
	w.path = cache_path(c);
	w.head_seq = head_seq;
	w.head_hash = head_hash;
	w.v = v;
	/* One read transaction, so the walk sees one snapshot. */
	own = sqlite3_get_autocommit(db);
	if (own && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = xasprintf("cannot read the audit log in cache %s: %s",
		    cache_path(c), sqlite3_errmsg(db));
		return -1;
	}
	rc = audit_check_file(db, w.path, cause);
	if (rc == 0)
		rc = audit_walk_rows(&w, cause);
	if (rc == 0)
		rc = audit_check_tail(db, w.path, v->entries, &v->bad_seq,
		    cause);
	if (rc == 0 && head_hash != NULL && v->head_seq == 0) {
		v->bad_seq = head_seq > v->seq ? v->seq + 1 : 0;
		if (head_seq > v->seq)
			*cause = xasprintf("the log ends at entry %" PRId64
			    ", before the anchored head, entry %" PRId64 ":"
			    " entries %" PRId64 " to %" PRId64 " were removed"
			    " from the end" AUDIT_ADVICE, v->seq, head_seq,
			    v->seq + 1, head_seq);
		else
			*cause = xasprintf("the anchored head %s is not in the"
			    " log (it has %" PRId64 " entries, the last %s):"
			    " entries were removed from the end, or the log"
			    " was rewritten at or before the head"
			    AUDIT_ADVICE, head_hash, v->entries, v->hash);
		rc = -1;
	}
	if (own)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	audit_wipe(&w.key, sizeof w.key);
	return rc;
}

/* Verify the whole chain. */
int
audit_verify(struct cache *c, int64_t *bad_seq, char **cause)
{
	struct audit_verdict	v;
	int			rc;

	rc = audit_check(c, 0, NULL, &v, cause);
	*bad_seq = v.bad_seq;
	return rc;
}

/* Report the size and the head of the chain. */
int
audit_head(struct cache *c, int64_t *rows, int64_t *seq,
    char hash[SHA256_HEX_LEN + 1], char **cause)
{
	sqlite3		*db = cache_db(c);
	sqlite3_stmt	*st;
	char		 kid[AUDIT_KEY_ID_LEN + 1];
	int		 rc, own, chain;

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
		rc = audit_last(db, seq, hash, &chain, kid);
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
