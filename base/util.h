/*
 * util.h: small helpers shared by every module: time, durations, and the
 * "did you mean" suggestion used by the command line and the config parser.
 */
#ifndef SITREP_UTIL_H
#define SITREP_UTIL_H

#include <stddef.h>
#include <stdint.h>

int64_t	 util_now_ms(void);		/* wall clock, ms since the epoch */
int64_t	 util_mono_ms(void);		/* monotonic clock, ms */
/*
 * Lower the calling thread's priority below the process's other threads
 * (Linux: a per-thread nice of +10), so a background thread never takes
 * the core from the thread that serves the keys; elsewhere, nothing.
 */
void	 util_thread_background(void);

/* "500ms", "15s", "5m", "1h", "30d", "1h30m"; -1 and *cause on error. */
int	 util_parse_duration(const char *, int64_t *ms, char **cause);
/* Compact human form: "350ms", "42s", "3m", "2h5m", "4d". */
char	*util_format_duration(int64_t ms, char *out, size_t len);

/* The candidate closest to word, or NULL if none is close enough. */
const char *util_closest(const char *word, const char *const *candidates,
	     size_t n);
size_t	 util_edit_distance(const char *, const char *);

/* Parse a whole decimal integer or double; -1 if not entirely a number. */
int	 util_parse_int64(const char *, int64_t *);
int	 util_parse_double(const char *, double *);

/* RFC 3339 time to ms since the epoch; -1 if it is not one. */
int	 util_parse_rfc3339(const char *, int64_t *ms);
/* ms since the epoch to RFC 3339 UTC ("2026-11-23T18:21:29Z"). */
char	*util_format_rfc3339(int64_t ms, char *out, size_t len);

/* Create a directory and its parents with the given mode. */
int	 util_mkdir_p(const char *path, unsigned int mode, char **cause);
/* Expand a leading "~" or "~/" to $HOME; caller frees. */
char	*util_expand_home(const char *);
/*
 * $ENV/sitrep/NAME when ENV is an absolute path (the XDG spec ignores a
 * relative one), else HOME/FALLBACK/sitrep/NAME (HOME from the passwd
 * entry when unset); allocated.
 */
char	*util_xdg_file(const char *env, const char *fallback,
	    const char *name);

/* A copy of a NULL-terminated vector of strings (NULL: NULL). */
char	**util_strv_dup(const char *const *);
/* Free what util_strv_dup() made; NULL is fine. */
void	 util_strv_free(char **);

#endif
