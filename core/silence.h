/*
 * silence.h: silence matchers, written and read as Alertmanager writes
 * and reads them.
 *
 * A silence holds an alert when every one of its matchers holds for the
 * alert's labels: name="value" (equal), name!="value", name=~"regex"
 * (the whole value matches) and name!~"regex".  A label the alert does
 * not have counts as the empty string, as in Alertmanager.  Regular
 * expressions are POSIX extended ones anchored at both ends; Alertmanager
 * uses RE2, which agrees on everything a silence usually holds (literals,
 * alternation, classes, repetition) but not on Perl classes such as \d:
 * those are refused with the reason rather than matched differently.
 *
 * Text form, as amtool and the silence form take it:
 *     alertname="HighLatency", severity=~"crit.*"
 * with or without the braces of a selector, values quoted (with \" and
 * \\ escapes) or bare words.
 */
#ifndef SITREP_SILENCE_H
#define SITREP_SILENCE_H

#include <stddef.h>

#include <cJSON.h>

enum matcher_op {
	MATCH_EQ,	/* =  */
	MATCH_NE,	/* != */
	MATCH_RE,	/* =~ */
	MATCH_NRE	/* !~ */
};

struct matcher_re;

struct matcher {
	char			*name;
	char			*value;
	enum matcher_op		 op;
	struct matcher_re	*re;	/* compiled once (=~, !~), or NULL */
};

/* A list of matchers; owns its items. */
struct matchers {
	struct matcher	*v;
	size_t		 n;
};

/* Longest matcher text, name or value accepted, in bytes. */
#define MATCHER_TEXT_MAX	4096

void	 matchers_init(struct matchers *);
void	 matchers_done(struct matchers *);
/* Append a copy of name, op, value. */
void	 matchers_add(struct matchers *, const char *name,
	     enum matcher_op, const char *value);

/*
 * Parse the text form into m (appended to; transactional: on failure m is
 * as it was).  0, or -1 and *cause naming the bad part and how to write
 * it.  A regex that does not compile is an error here.
 */
int	 matchers_parse(struct matchers *, const char *text, char **cause);
/* The text form, quoted: alertname="X", severity=~"crit.*"; the caller's. */
char	*matchers_format(const struct matchers *);

/*
 * From Alertmanager's JSON ([{"name","value","isRegex","isEqual"}]), as
 * stored in the silences table; 0, or -1 and *cause.
 */
int	 matchers_from_json(struct matchers *, const cJSON *array,
	     char **cause);
/* To that JSON (a new array, the caller's). */
cJSON	*matchers_to_json(const struct matchers *);

/*
 * Whether every matcher holds for labels (a JSON object of strings).
 * A regex that does not compile holds for nothing.  Each regex is
 * compiled once, when its matcher is added.
 */
int	 matchers_match(const struct matchers *, const cJSON *labels);

/* "=", "!=", "=~", "!~". */
const char *matcher_op_word(enum matcher_op);

#endif
