/*
 * util.c: time, durations, suggestions, number parsing and paths.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/util.h"
#include "base/xmalloc.h"

/* Milliseconds since the epoch. */
int64_t
util_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds on the monotonic clock. */
int64_t
util_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Make the calling thread a background one; see util.h. */
void
util_thread_background(void)
{
#if defined(__linux__) && defined(SYS_gettid)
	/* Linux keeps a nice value per thread: PRIO_PROCESS with a tid. */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
}

/* Parse a duration such as "15s" or "1h30m" into milliseconds. */
int
util_parse_duration(const char *s, int64_t *ms, char **cause)
{
	const char	*p = s;
	int64_t		 total = 0, n, unit;
	int		 parts = 0;

	if (s == NULL || *s == '\0') {
		*cause = xstrdup("empty duration; write it like 500ms, 15s, 5m, 1h or 30d");
		return -1;
	}
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			goto bad;
		n = 0;
		while (isdigit((unsigned char)*p)) {
			if (n > (INT64_MAX - 9) / 10)
				goto bad;
			n = n * 10 + (*p++ - '0');
		}
		if (strncmp(p, "ms", 2) == 0) {
			unit = 1;
			p += 2;
		} else if (*p == 's') {
			unit = 1000;
			p++;
		} else if (*p == 'm') {
			unit = 60 * 1000;
			p++;
		} else if (*p == 'h') {
			unit = 3600 * 1000;
			p++;
		} else if (*p == 'd') {
			unit = 86400 * 1000;
			p++;
		} else if (*p == 'w') {
			unit = 7 * 86400 * 1000LL;
			p++;
		} else
			goto bad;
		if (n > INT64_MAX / unit || total > INT64_MAX - n * unit)
			goto bad;
		total += n * unit;
		parts++;
	}
	if (parts == 0)
		goto bad;
	*ms = total;
	return 0;
bad:
	*cause = xasprintf("bad duration '%s'; write it like 500ms, 15s, 5m, 1h or 30d", s);
	return -1;
}

/* Format a duration compactly into out. */
char *
util_format_duration(int64_t ms, char *out, size_t len)
{
	int64_t	s;

	if (ms < 0)
		ms = 0;
	s = ms / 1000;
	if (ms < 1000)
		snprintf(out, len, "%lldms", (long long)ms);
	else if (s < 60)
		snprintf(out, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, len, "%lldm", (long long)(s / 60));
	else if (s < 86400) {
		if ((s % 3600) / 60 != 0)
			snprintf(out, len, "%lldh%lldm", (long long)(s / 3600),
			    (long long)((s % 3600) / 60));
		else
			snprintf(out, len, "%lldh", (long long)(s / 3600));
	} else
		snprintf(out, len, "%lldd", (long long)(s / 86400));
	return out;
}

/* Damerau-Levenshtein (optimal string alignment) distance. */
size_t
util_edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, cost, v, *d, w;

	if (la > 64 || lb > 64)
		return la > lb ? la : lb;
	w = lb + 1;
	d = xcalloc((la + 1) * w, sizeof *d);
	for (i = 0; i <= la; i++)
		d[i * w] = i;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? 0 : 1;
			v = d[(i - 1) * w + j] + 1;
			if (d[i * w + j - 1] + 1 < v)
				v = d[i * w + j - 1] + 1;
			if (d[(i - 1) * w + j - 1] + cost < v)
				v = d[(i - 1) * w + j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] &&
			    d[(i - 2) * w + j - 2] + 1 < v)
				v = d[(i - 2) * w + j - 2] + 1;
			d[i * w + j] = v;
		}
	}
	v = d[la * w + lb];
	free(d);
	return v;
}

/* The candidate nearest to word, if it is near enough to be a typo. */
const char *
util_closest(const char *word, const char *const *candidates, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = (size_t)-1, limit;

	limit = strlen(word) <= 3 ? 1 : strlen(word) <= 6 ? 2 : 3;
	for (i = 0; i < n; i++) {
		if (candidates[i] == NULL)
			continue;
		d = util_edit_distance(word, candidates[i]);
		if (d < bestd) {
			bestd = d;
			best = candidates[i];
		}
	}
	if (best == NULL || bestd > limit)
		return NULL;
	return best;
}

/* Parse a whole decimal integer. */
int
util_parse_int64(const char *s, int64_t *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Parse a whole number as a double ("NaN", "+Inf" accepted). */
int
util_parse_double(const char *s, double *out)
{
	char	*end;
	double	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || (errno == ERANGE && isinf(v) == 0 && v != 0))
		return -1;
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static int64_t
util_days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Parse "2026-11-23T18:21:29.123456Z" or with a "+01:00" offset. */
int
util_parse_rfc3339(const char *s, int64_t *ms)
{
	int		 y, mo, d, h, mi, sec, n = 0, oh, om;
	int64_t		 frac = 0, scale = 1000, t;
	const char	*p;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n",
	    &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n == 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	p = s + n;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
			p++;
		}
	}
	t = (util_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    sec) * 1000 + frac;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') &&
	    sscanf(p + 1, "%2d:%2d", &oh, &om) == 2) {
		t -= (*p == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60) * 1000;
		p += 6;
	} else
		return -1;
	if (*p != '\0')
		return -1;
	*ms = t;
	return 0;
}

/* Format ms since the epoch as RFC 3339 in UTC. */
char *
util_format_rfc3339(int64_t ms, char *out, size_t len)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

/* mkdir -p with mode for every directory created. */
int
util_mkdir_p(const char *path, unsigned int mode, char **cause)
{
	char		*copy, *p;
	struct stat	 sb;

	copy = xstrdup(path);
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, (mode_t)mode) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot create directory %s: %s",
			    copy, strerror(errno));
			free(copy);
			return -1;
		}
		*p = '/';
	}
	if (mkdir(copy, (mode_t)mode) != 0 && errno != EEXIST) {
		*cause = xasprintf("cannot create directory %s: %s", copy,
		    strerror(errno));
		free(copy);
		return -1;
	}
	if (stat(copy, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("%s exists and is not a directory", copy);
		free(copy);
		return -1;
	}
	free(copy);
	return 0;
}

/* A file of sitrep under an XDG base directory; see util.h. */
char *
util_xdg_file(const char *env, const char *fallback, const char *name)
{
	const char	*base, *home;
	struct passwd	*pw;

	base = getenv(env);
	if (base != NULL && base[0] == '/')
		return xasprintf("%s/sitrep/%s", base, name);
	home = getenv("HOME");
	if (home == NULL || home[0] == '\0') {
		pw = getpwuid(getuid());
		home = (pw != NULL && pw->pw_dir != NULL) ? pw->pw_dir : "/";
	}
	if (strcmp(home, "/") == 0)
		home = "";
	return xasprintf("%s/%s/sitrep/%s", home, fallback, name);
}

/* Expand "~" at the start of a path. */
char *
util_expand_home(const char *path)
{
	const char	*home;

	if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
		return xstrdup(path);
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		home = "/";
	return xasprintf("%s%s", home, path + 1);
}

/* A copy of a NULL-terminated vector; see util.h. */
char **
util_strv_dup(const char *const *v)
{
	char	**out;
	size_t	  n = 0, i;

	if (v == NULL)
		return NULL;
	while (v[n] != NULL)
		n++;
	out = xcalloc(n + 1, sizeof *out);
	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

/* Free a vector from util_strv_dup(). */
void
util_strv_free(char **v)
{
	size_t	i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
