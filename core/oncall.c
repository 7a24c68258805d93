/*
 * oncall.c: who is on call at a time, and whom an escalation level
 * reaches (see oncall.h).
 *
 * Shift k starts at the rotation's start plus k periods counted on the
 * local wall clock ("civil time"): the start's date and time are turned
 * into seconds as if there were no time zone, the periods are added
 * there, and mktime() turns the result back into a real instant with the
 * zone's rules of that day.  So a handoff stays at Monday 09:00 across a
 * daylight-saving change.  To find the shift of an instant, its own local
 * wall-clock time gives a first guess of k, and the guess is corrected
 * against the real boundaries (a repeated or skipped hour can put it one
 * off).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/conf.h"
#include "core/oncall.h"
#include "core/views.h"
#include "base/xmalloc.h"

#define DAY_S	86400

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
oncall_days_from_civil(int64_t y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of a day count from 1970-01-01, into tm's year, mon, mday. */
static void
oncall_civil_from_days(int64_t z, struct tm *tm)
{
	int64_t		era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	tm->tm_year = (int)(y + (m <= 2) - 1900);
	tm->tm_mon = (int)m - 1;
	tm->tm_mday = (int)d;
}

/* A broken-down wall-clock time as seconds of civil time. */
static int64_t
oncall_civil(const struct tm *tm)
{
	return oncall_days_from_civil((int64_t)tm->tm_year + 1900,
	    tm->tm_mon + 1, tm->tm_mday) * DAY_S + tm->tm_hour * 3600 +
	    tm->tm_min * 60 + tm->tm_sec;
}

/*
 * The real instant (Unix seconds) of civil seconds c in the local zone.
 * mktime() alone is not enough: for a wall-clock time that comes twice
 * (the hour repeated when clocks go back) it may pick either, guided by
 * what it was asked before.  So every reading (standard, daylight, let
 * it guess) is tried and checked: the earliest that reads back as c
 * wins; where none does (the hour skipped when clocks go forward) the
 * latest, which is after the gap.
 */
static int64_t
oncall_instant(int64_t c)
{
	struct tm	tm, back;
	int64_t		days, secs, best = 0, late = 0, r;
	time_t		t;
	int		isdst, found = 0, any = 0;

	days = c >= 0 ? c / DAY_S : -((-c + DAY_S - 1) / DAY_S);
	secs = c - days * DAY_S;
	for (isdst = -1; isdst <= 1; isdst++) {
		memset(&tm, 0, sizeof tm);
		oncall_civil_from_days(days, &tm);
		tm.tm_hour = (int)(secs / 3600);
		tm.tm_min = (int)(secs % 3600 / 60);
		tm.tm_sec = (int)(secs % 60);
		tm.tm_isdst = isdst;
		if ((t = mktime(&tm)) == (time_t)-1)
			continue;
		r = (int64_t)t;
		if (!any || r > late)
			late = r;
		any = 1;
		if (localtime_r(&t, &back) != NULL && oncall_civil(&back) == c &&
		    (!found || r < best)) {
			best = r;
			found = 1;
		}
	}
	return found ? best : late;
}

/* Read exactly n digits at *p into *v; 0, or -1. */
static int
oncall_digits(const char **p, int n, int *v)
{
	*v = 0;
	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		*v = *v * 10 + (**p - '0');
		(*p)++;
	}
	return 0;
}

/* Parse "YYYY-MM-DD HH:MM[:SS]". */
int
oncall_parse_start(const char *s, struct tm *out, char **cause)
{
	static const int	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	const char		*p = s;
	int			 y, mo, d, h, mi, sec = 0, leap;

	if (oncall_digits(&p, 4, &y) != 0 || *p++ != '-' ||
	    oncall_digits(&p, 2, &mo) != 0 || *p++ != '-' ||
	    oncall_digits(&p, 2, &d) != 0 || (*p != ' ' && *p != 'T') ||
	    (p++, oncall_digits(&p, 2, &h)) != 0 || *p++ != ':' ||
	    oncall_digits(&p, 2, &mi) != 0 ||
	    (*p == ':' && (p++, oncall_digits(&p, 2, &sec)) != 0) ||
	    *p != '\0') {
		*cause = xstrdup("not a local date and time; write it as "
		    "\"YYYY-MM-DD HH:MM\", such as \"2026-01-05 09:00\"");
		return -1;
	}
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59) {
		*cause = xstrdup("no such date or time; write a real one "
		    "from 1970 on, as \"YYYY-MM-DD HH:MM\" (hours 00-23)");
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->tm_year = y - 1900;
	out->tm_mon = mo - 1;
	out->tm_mday = d;
	out->tm_hour = h;
	out->tm_min = mi;
	out->tm_sec = sec;
	out->tm_isdst = -1;
	return 0;
}

/* A person's contact. */
const char *
oncall_contact(const struct conf *conf, const char *name)
{
	size_t	i;

	for (i = 0; conf != NULL && name != NULL &&
	    i < conf->noncall_people; i++) {
		if (strcmp(conf->oncall_people[i].name, name) == 0)
			return conf->oncall_people[i].contact;
	}
	return NULL;
}

/* Who takes shift k: the order's, else the people's, in turn. */
static const char *
oncall_taker(const struct conf *conf, int64_t k)
{
	if (conf->noncall_order > 0)
		return conf->oncall_order[k % (int64_t)conf->noncall_order];
	return conf->oncall_people[k % (int64_t)conf->noncall_people].name;
}

/* Who is on call at ms. */
int
oncall_at(const struct conf *conf, int64_t ms, struct oncall_shift *out)
{
	struct tm	 tm;
	char		*cause = NULL;
	int64_t		 c0, ct, period, t, k, b0;
	time_t		 tt;

	memset(out, 0, sizeof *out);
	if (conf == NULL || conf->oncall_start == NULL ||
	    conf->noncall_people == 0)
		return -1;
	if (oncall_parse_start(conf->oncall_start, &tm, &cause) != 0) {
		free(cause);	/* config check refused it already */
		return -1;
	}
	period = conf->oncall_period_ms / 1000;
	if (period < 3600)
		period = 3600;
	c0 = oncall_civil(&tm);
	t = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	b0 = oncall_instant(c0);
	if (t < b0) {
		out->end_ms = b0 * 1000;
		return 0;
	}
	tt = (time_t)t;
	localtime_r(&tt, &tm);
	ct = oncall_civil(&tm);
	k = ct > c0 ? (ct - c0) / period : 0;
	while (k > 0 && oncall_instant(c0 + k * period) > t)
		k--;
	while (oncall_instant(c0 + (k + 1) * period) <= t)
		k++;
	out->name = oncall_taker(conf, k);
	out->contact = oncall_contact(conf, out->name);
	out->start_ms = oncall_instant(c0 + k * period) * 1000;
	out->end_ms = oncall_instant(c0 + (k + 1) * period) * 1000;
	return 0;
}

/* Whom a level reaches at ms. */
int
oncall_reach(const struct conf *conf, const char *who, int64_t ms,
    struct oncall_shift *out)
{
	size_t	i;

	memset(out, 0, sizeof *out);
	for (i = 0; conf != NULL && who != NULL && i < conf->noncall_levels;
	    i++) {
		if (strcmp(conf->oncall_levels[i].key, who) != 0)
			continue;
		if (strcmp(conf->oncall_levels[i].value, ONCALL_ROTATION) != 0) {
			out->name = conf->oncall_levels[i].value;
			out->contact = oncall_contact(conf, out->name);
			return 0;
		}
		if (oncall_at(conf, ms, out) != 0 || out->name == NULL)
			return -1;
		return 0;
	}
	return -1;
}

/* Copy a shift into a view. */
static void
oncall_view_set(struct view_oncall *v, const struct oncall_shift *s)
{
	v->name = s->name != NULL ? xstrdup(s->name) : NULL;
	v->contact = s->contact != NULL ? xstrdup(s->contact) : NULL;
	v->until_ms = s->end_ms;
}

/* The views' on-call fields. */
void
oncall_views(const struct conf *conf, struct views *v)
{
	struct view_incident	*inc;
	struct oncall_shift	 s;
	int64_t			 now = v->generated_ms, at;
	size_t			 i;

	if (conf == NULL || conf->noncall_people == 0)
		return;
	if (oncall_at(conf, now, &s) == 0)
		oncall_view_set(&v->oncall, &s);
	for (i = 0; i < v->nincidents; i++) {
		inc = &v->incidents[i];
		if (inc->esc_who != NULL &&
		    oncall_reach(conf, inc->esc_who, now, &s) == 0)
			oncall_view_set(&inc->esc_reach, &s);
		at = now + (inc->esc_next_in_ms > 0 ? inc->esc_next_in_ms : 0);
		if (inc->esc_next_who != NULL &&
		    oncall_reach(conf, inc->esc_next_who, at, &s) == 0)
			oncall_view_set(&inc->esc_next_reach, &s);
	}
}

/* Free one view_oncall's strings. */
void
oncall_view_done(struct view_oncall *v)
{
	free(v->name);
	free(v->contact);
	v->name = v->contact = NULL;
}
