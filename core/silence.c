/*
 * silence.c: silence matchers, parsed, written and matched as
 * Alertmanager does it (see silence.h for the rules and the one
 * difference: RE2 against POSIX extended regular expressions).
 */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/silence.h"

/* Start an empty list. */
void
matchers_init(struct matchers *m)
{
	m->v = NULL;
	m->n = 0;
}

/* A regex matcher's compiled form, made once when it is added. */
struct matcher_re {
	int	ok;		/* compiled; else it holds for nothing */
	regex_t	rx;
};

static int	matcher_compile(regex_t *, const char *, char **);

/* Free every matcher; the list is empty (and reusable) after. */
void
matchers_done(struct matchers *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].value);
		if (m->v[i].re != NULL) {
			if (m->v[i].re->ok)
				regfree(&m->v[i].re->rx);
			free(m->v[i].re);
		}
	}
	free(m->v);
	matchers_init(m);
}

/* Append a copy of one matcher. */
void
matchers_add(struct matchers *m, const char *name, enum matcher_op op,
    const char *value)
{
	m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
	m->v[m->n].name = xstrdup(name);
	m->v[m->n].value = xstrdup(value);
	m->v[m->n].op = op;
	m->v[m->n].re = NULL;
	if (op == MATCH_RE || op == MATCH_NRE) {
		m->v[m->n].re = xcalloc(1, sizeof *m->v[m->n].re);
		m->v[m->n].re->ok = matcher_compile(&m->v[m->n].re->rx,
		    value, NULL) == 0;
	}
	m->n++;
}

/* "=", "!=", "=~", "!~". */
const char *
matcher_op_word(enum matcher_op op)
{
	switch (op) {
	case MATCH_NE:
		return "!=";
	case MATCH_RE:
		return "=~";
	case MATCH_NRE:
		return "!~";
	case MATCH_EQ:
	default:
		return "=";
	}
}

/*
 * Whether re is one POSIX ERE reads as RE2 does; NULL, or why not (a
 * static sentence).  Perl classes, flags groups and lazy repetition mean
 * something else (or nothing) to regcomp.
 */
static const char *
matcher_re_foreign(const char *re)
{
	const char	*p;

	for (p = re; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			if (strchr("dDwWsSbBpPAzQE", p[1]) != NULL)
				return "Perl classes such as \\d, \\w and \\s "
				    "are not understood here; write [0-9], "
				    "[A-Za-z0-9_] or [[:space:]]";
			p++;
			continue;
		}
		if (*p == '(' && p[1] == '?')
			return "groups such as (?i) or (?: are not understood "
			    "here; write (...) or list both cases";
		if ((*p == '*' || *p == '+' || *p == '?' || *p == '}') &&
		    p[1] == '?')
			return "lazy repetition (*?, +?) is not understood "
			    "here and means nothing in a whole-value match";
	}
	return NULL;
}

/* Compile re anchored at both ends; 0, or -1 and *cause. */
static int
matcher_compile(regex_t *rx, const char *re, char **cause)
{
	const char	*foreign;
	char		*anchored, err[160];
	int		 rc;

	if ((foreign = matcher_re_foreign(re)) != NULL) {
		if (cause != NULL)
			*cause = xasprintf("regex \"%s\": %s", re, foreign);
		return -1;
	}
	anchored = xasprintf("^(%s)$", re);
	rc = regcomp(rx, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	if (rc != 0) {
		if (cause != NULL) {
			regerror(rc, rx, err, sizeof err);
			*cause = xasprintf("regex \"%s\" does not compile: %s",
			    re, err);
		}
		return -1;
	}
	return 0;
}

/* Whether c may start (first) or continue a label name. */
static int
matcher_name_char(int c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (!first && c >= '0' && c <= '9');
}

/* Skip blanks. */
static const char *
matcher_skip(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/*
 * Read a value at *pp into out: "quoted" (with \" \\ \n escapes; any
 * other backslash is kept, as a regex needs it) or a bare word up to a
 * blank, a comma or a closing brace.  0, or -1
 * and *cause.
 */
static int
matcher_value(const char **pp, struct buf *out, const char *name,
    char **cause)
{
	const char	*p = *pp, *end;

	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0') {
				*cause = xasprintf("the value of %s has no "
				    "closing quote", name);
				return -1;
			}
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\' ||
			    p[1] == 'n')) {
				p++;
				buf_append(out, *p == 'n' ? "\n" : p, 1);
				continue;
			}
			buf_append(out, p, 1);
		}
		*pp = p + 1;
		return 0;
	}
	end = p + strcspn(p, ",} \t\r\n");
	if (memchr(p, '"', (size_t)(end - p)) != NULL) {
		*cause = xasprintf("the value of %s has a stray quote; quote "
		    "the whole value: %s=\"...\"", name, name);
		return -1;
	}
	buf_append(out, p, (size_t)(end - p));
	*pp = end;
	return 0;
}

/* Parse the text form, appending to m; transactional. */
int
matchers_parse(struct matchers *m, const char *text, char **cause)
{
	struct matchers	 got;
	struct buf	 name, value;
	const char	*p;
	char		*at;
	enum matcher_op	 op;
	regex_t		 rx;
	int		 braced = 0, rc = -1;

	if (strlen(text) > MATCHER_TEXT_MAX) {
		*cause = xasprintf("matchers longer than %d bytes",
		    MATCHER_TEXT_MAX);
		return -1;
	}
	matchers_init(&got);
	buf_init(&name, 0);
	buf_init(&value, 0);
	p = matcher_skip(text);
	if (*p == '{') {
		braced = 1;
		p = matcher_skip(p + 1);
	}
	while (*p != '\0' && *p != '}') {
		buf_reset(&name);
		buf_reset(&value);
		if (!matcher_name_char((unsigned char)*p, 1)) {
			at = sanitize_excerpt(p, 20);
			*cause = xasprintf("expected a label name at \"%s\";"
			    " write name=\"value\", name!=\"value\", "
			    "name=~\"regex\" or name!~\"regex\"", at);
			free(at);
			goto out;
		}
		while (matcher_name_char((unsigned char)*p, 0))
			buf_append(&name, p++, 1);
		p = matcher_skip(p);
		if (strncmp(p, "=~", 2) == 0)
			op = MATCH_RE;
		else if (strncmp(p, "!~", 2) == 0)
			op = MATCH_NRE;
		else if (strncmp(p, "!=", 2) == 0)
			op = MATCH_NE;
		else if (*p == '=')
			op = MATCH_EQ;
		else {
			*cause = xasprintf("%s needs an operator: =, !=, =~ "
			    "or !~", buf_str(&name));
			goto out;
		}
		p = matcher_skip(p + (op == MATCH_EQ ? 1 : 2));
		if (matcher_value(&p, &value, buf_str(&name), cause) != 0)
			goto out;
		if (op == MATCH_RE || op == MATCH_NRE) {
			if (matcher_compile(&rx, buf_str(&value), cause) != 0)
				goto out;
			regfree(&rx);
		}
		matchers_add(&got, buf_str(&name), op, buf_str(&value));
		p = matcher_skip(p);
		if (*p == ',')
			p = matcher_skip(p + 1);
		else if (*p != '\0' && *p != '}') {
			at = sanitize_excerpt(p, 20);
			*cause = xasprintf("expected a comma after %s at "
			    "\"%s\"", buf_str(&name), at);
			free(at);
			goto out;
		}
	}
	if (*p == '}') {
		if (!braced || *matcher_skip(p + 1) != '\0') {
			*cause = xstrdup("unbalanced braces around the "
			    "matchers");
			goto out;
		}
	} else if (braced) {
		*cause = xstrdup("the matchers have no closing brace");
		goto out;
	}
	if (got.n == 0) {
		*cause = xstrdup("no matchers; a silence needs at least one, "
		    "such as alertname=\"HighLatency\"");
		goto out;
	}
	m->v = xreallocarray(m->v, m->n + got.n, sizeof *m->v);
	memcpy(m->v + m->n, got.v, got.n * sizeof *got.v);
	m->n += got.n;
	free(got.v);
	matchers_init(&got);
	rc = 0;
out:
	matchers_done(&got);
	buf_done(&name);
	buf_done(&value);
	return rc;
}

/* The text form, each value quoted with \" and \\ escaped. */
char *
matchers_format(const struct matchers *m)
{
	struct buf	 b;
	const char	*p;
	size_t		 i;

	buf_init(&b, 0);
	for (i = 0; i < m->n; i++) {
		buf_printf(&b, "%s%s%s\"", i > 0 ? ", " : "", m->v[i].name,
		    matcher_op_word(m->v[i].op));
		for (p = m->v[i].value; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_append(&b, "\\", 1);
			if (*p == '\n')
				buf_append(&b, "\\n", 2);
			else
				buf_append(&b, p, 1);
		}
		buf_append(&b, "\"", 1);
	}
	return buf_detach(&b);
}

/* From Alertmanager's JSON matchers; transactional. */
int
matchers_from_json(struct matchers *m, const cJSON *array, char **cause)
{
	struct matchers	 got;
	const cJSON	*it, *name, *value, *re, *eq;
	enum matcher_op	 op;

	if (!cJSON_IsArray(array)) {
		*cause = xstrdup("matchers are not a JSON list");
		return -1;
	}
	matchers_init(&got);
	cJSON_ArrayForEach(it, array) {
		name = cJSON_GetObjectItemCaseSensitive(it, "name");
		value = cJSON_GetObjectItemCaseSensitive(it, "value");
		re = cJSON_GetObjectItemCaseSensitive(it, "isRegex");
		eq = cJSON_GetObjectItemCaseSensitive(it, "isEqual");
		if (!cJSON_IsString(name) || !cJSON_IsString(value)) {
			*cause = xstrdup("a matcher without a name or value");
			matchers_done(&got);
			return -1;
		}
		/* isEqual is missing before Alertmanager 0.22: equal. */
		if (cJSON_IsTrue(re))
			op = cJSON_IsFalse(eq) ? MATCH_NRE : MATCH_RE;
		else
			op = cJSON_IsFalse(eq) ? MATCH_NE : MATCH_EQ;
		matchers_add(&got, name->valuestring, op, value->valuestring);
	}
	m->v = xreallocarray(m->v, m->n + got.n, sizeof *m->v);
	if (got.n > 0)
		memcpy(m->v + m->n, got.v, got.n * sizeof *got.v);
	m->n += got.n;
	free(got.v);
	return 0;
}

/* To Alertmanager's JSON. */
cJSON *
matchers_to_json(const struct matchers *m)
{
	cJSON	*list, *o;
	size_t	 i;

	list = cJSON_CreateArray();
	for (i = 0; i < m->n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", m->v[i].name);
		cJSON_AddStringToObject(o, "value", m->v[i].value);
		cJSON_AddBoolToObject(o, "isRegex", m->v[i].op == MATCH_RE ||
		    m->v[i].op == MATCH_NRE);
		cJSON_AddBoolToObject(o, "isEqual", m->v[i].op == MATCH_EQ ||
		    m->v[i].op == MATCH_RE);
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

/* Whether one matcher holds for value; -1 if its regex is unusable. */
static int
matcher_holds(const struct matcher *x, const char *value)
{
	int	hit;

	switch (x->op) {
	case MATCH_EQ:
		return strcmp(value, x->value) == 0;
	case MATCH_NE:
		return strcmp(value, x->value) != 0;
	case MATCH_RE:
	case MATCH_NRE:
	default:
		if (x->re == NULL || !x->re->ok)
			return -1;
		hit = regexec(&x->re->rx, value, 0, NULL, 0) == 0;
		return x->op == MATCH_RE ? hit : !hit;
	}
}

/* Whether every matcher holds for labels. */
int
matchers_match(const struct matchers *m, const cJSON *labels)
{
	const cJSON	*v;
	size_t		 i;

	if (m->n == 0)
		return 0;
	for (i = 0; i < m->n; i++) {
		v = cJSON_GetObjectItemCaseSensitive(labels, m->v[i].name);
		if (matcher_holds(&m->v[i], cJSON_IsString(v) ?
		    v->valuestring : "") != 1)
			return 0;
	}
	return 1;
}
