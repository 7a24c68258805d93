/*
 * conf.c: load sitrep's YAML configuration, and the Sloth SLO files it
 * names, against the schema table in conf_schema.c.
 *
 * Loading happens in two steps.  The YAML reader (yaml_tree.c, shared with
 * runbooks) first builds a small tree of nodes, each remembering its line
 * and column, with this file's limits and words; this is where
 * hostile input is stopped (a size limit, a depth limit, a node limit, and
 * aliases refused, so a "billion laughs" file cannot expand).  The tree is
 * then walked against the schema: each key is looked up in the table, its
 * value checked and converted and stored at the offset the table gives.
 * Every problem is collected, not just the first, and each says where it is
 * (FILE:LINE:COL, 1-based), what is wrong and what to do.  Secrets are
 * never quoted in a message.
 *
 * A load either succeeds with no problem at all or returns NULL: a partly
 * understood configuration is never used.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "base/buf.h"
#include "core/conf.h"
#include "core/conf_schema.h"
#include "core/action.h"
#include "core/escalation.h"
#include "core/incident.h"
#include "core/oncall.h"
#include "core/yaml_tree.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* One problem, kept until the end so they can be sorted. */
struct conf_problem {
	int	 file;
	int	 line;
	int	 col;
	size_t	 seq;
	char	*msg;
};

/* A name already used in a list, for duplicate names. */
struct conf_seen {
	char	*name;
	int	 file;
	int	 line;
};

/* A value naming a service, checked once every service is known. */
struct conf_ref {
	char	*name;
	int	 file;
	int	 line;
	int	 col;
};

/* Where an item of slo_files was written. */
struct conf_pos {
	int	 line;
	int	 col;
};

struct conf_loader {
	struct conf		*conf;
	char		       **files;		/* names, by file index */
	size_t			 nfiles;
	int			 file;		/* index of the one being read */
	int			 expand;	/* expand ${VAR} in values */
	size_t			 nodes;

	struct conf_problem	*pv;
	size_t			 pn;

	struct conf_seen	*slo_seen;	/* SLO names, every file */
	size_t			 nslo_seen;
	struct conf_ref		*refs;
	size_t			 nrefs;
	struct conf_pos		*slo_file_pos;
	size_t			 nslo_file_pos;
};

static void	conf_walk_map(struct conf_loader *, const struct yaml_tree *,
		    const struct conf_option *, const char *, int, char *,
		    struct conf_seen **, size_t *);
static void	conf_default(struct conf_loader *, const struct conf_option *,
		    int, char *);
static void	conf_free_obj(const char *, int, char *);

/* ---------------------------------------------------------------------------
 * Problems.
 */

/* Start an empty list of problems. */
void
conf_problems_init(struct conf_problems *p)
{
	p->v = NULL;
	p->n = 0;
}

/* Free a list of problems. */
void
conf_problems_done(struct conf_problems *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/*
 * Add a problem to the public list, made one line safe for a terminal
 * here, whatever text of the file it quotes.
 */
void
conf_problems_add(struct conf_problems *p, char *msg)
{
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	p->v[p->n++] = sanitize_terminal(msg, 0);
	free(msg);
}

/* Record a problem at line:col of the current file; line 0 has none. */
static void __attribute__((format(printf, 4, 5)))
conf_problem(struct conf_loader *ld, int line, int col, const char *fmt,
    ...)
{
	struct conf_problem	*p;
	struct buf		 b;
	va_list			 ap;
	char			*msg, *name;

	if (ld->pn > CONF_MAX_PROBLEMS)
		return;
	buf_init(&b, 0);
	if (ld->pn == CONF_MAX_PROBLEMS)
		buf_puts(&b, "too many problems; fix the ones above first");
	else {
		va_start(ap, fmt);
		buf_vprintf(&b, fmt, ap);
		va_end(ap);
	}
	msg = buf_detach(&b);

	name = sanitize_terminal(ld->files[ld->file], 0);
	ld->pv = xreallocarray(ld->pv, ld->pn + 1, sizeof *ld->pv);
	p = &ld->pv[ld->pn];
	p->file = ld->file;
	p->line = line;
	p->col = col;
	p->seq = ld->pn++;
	if (p->seq == CONF_MAX_PROBLEMS) {
		/* Last, whatever position it was found at. */
		p->file = p->line = p->col = INT_MAX;
		p->msg = xasprintf("%s: %s", name, msg);
	} else if (line > 0)
		p->msg = xasprintf("%s:%d:%d: %s", name, line, col, msg);
	else
		p->msg = xasprintf("%s: %s", name, msg);
	free(name);
	free(msg);
}

/* Order problems by file, line, column, then as found. */
static int
conf_problem_cmp(const void *a0, const void *b0)
{
	const struct conf_problem	*a = a0, *b = b0;

	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Text from the file, made safe and short enough to quote; caller frees. */
static char *
conf_q(const char *s)
{
	char	*t;
	size_t	 cut = 60;

	t = sanitize_terminal(s, 0);
	if (strlen(t) > 64) {
		while (cut > 0 && ((unsigned char)t[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(t + cut, "...", 4);
	}
	return t;
}

/* The last name of a schema path: "url" for "contexts[].prometheus.url". */
static const char *
conf_key_name(const char *path, char *out, size_t len)
{
	const char	*p;
	size_t		 n;

	p = strrchr(path, '.');
	p = (p == NULL) ? path : p + 1;
	n = strcspn(p, "[");
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

/* The name of the list a path is in: "probes" for
 * "contexts[].probes[].name". */
static const char *
conf_list_name(const char *path, char *out, size_t len)
{
	char	*parent, *dot;

	parent = xstrdup(path);
	if ((dot = strrchr(parent, '.')) != NULL)
		*dot = '\0';
	conf_key_name(parent, out, len);
	free(parent);
	return out;
}

/* ---------------------------------------------------------------------------
 * YAML to a tree of nodes.
 */

/* Line and column of a byte offset, for libyaml's reader errors. */
static void
conf_offset_pos(const char *data, size_t len, size_t off, int *line,
    int *col)
{
	size_t	i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

/*
 * Column of a tab in the indentation of a line, or 0.  libyaml's message
 * for an indenting tab is cryptic, so a parse error on such a line is
 * reported as the tab instead.
 */
static int
conf_tab_column(const char *data, size_t len, int line)
{
	size_t	i = 0;
	int	l = 1, col = 1;

	while (i < len && l < line) {
		if (data[i++] == '\n')
			l++;
	}
	for (; i < len && (data[i] == ' ' || data[i] == '\t'); i++, col++) {
		if (data[i] == '\t')
			return col;
	}
	return 0;
}

/* Report a libyaml error where it says it is. */
static void
conf_yaml_error(struct conf_loader *ld, const yaml_parser_t *p,
    const char *data, size_t len)
{
	int	line, col, tab;

	if (p->error == YAML_MEMORY_ERROR) {
		conf_problem(ld, 0, 0, "out of memory reading YAML");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		conf_offset_pos(data, len, p->problem_offset, &line, &col);
		conf_problem(ld, line, col, "invalid YAML: %s; save the file "
		    "as UTF-8 text", p->problem != NULL ? p->problem :
		    "unreadable input");
		return;
	}
	line = (int)p->problem_mark.line + 1;
	col = (int)p->problem_mark.column + 1;
	if ((tab = conf_tab_column(data, len, line)) != 0) {
		conf_problem(ld, line, tab, "tabs are not allowed for "
		    "indentation; use spaces");
		return;
	}
	if (p->context != NULL) {
		conf_problem(ld, line, col, "invalid YAML: %s (%s at line %d, "
		    "column %d); correct the syntax here", p->problem,
		    p->context, (int)p->context_mark.line + 1,
		    (int)p->context_mark.column + 1);
	} else {
		conf_problem(ld, line, col, "invalid YAML: %s; correct the "
		    "syntax here", p->problem != NULL ? p->problem :
		    "unknown error");
	}
}

/* The text being read, for what the YAML reader meets in it. */
struct conf_yaml_text {
	struct conf_loader	*ld;
	const char		*data;
	size_t			 len;
};

/* Word what the YAML reader met; an alias or a NUL reads on, marked bad. */
static int
conf_yaml_problem(void *arg, const struct yaml_tree_problem *pb)
{
	struct conf_yaml_text	*t = arg;
	char			*q;

	switch (pb->what) {
	case YAML_TREE_SYNTAX:
		conf_yaml_error(t->ld, pb->parser, t->data, t->len);
		break;
	case YAML_TREE_SECOND_DOC:
		conf_problem(t->ld, pb->line, pb->col, "a second YAML "
		    "document; keep one document per file");
		break;
	case YAML_TREE_ALIAS:
		q = conf_q(pb->detail);
		conf_problem(t->ld, pb->line, pb->col, "aliases are not "
		    "supported (*%s); write the value out in full", q);
		free(q);
		return 0;
	case YAML_TREE_NUL:
		conf_problem(t->ld, pb->line, pb->col, "a value contains a "
		    "NUL character; remove it");
		return 0;
	case YAML_TREE_DEPTH:
		conf_problem(t->ld, pb->line, pb->col, "nested more than %d "
		    "levels deep; flatten it", CONF_MAX_DEPTH);
		break;
	case YAML_TREE_NODES:
		conf_problem(t->ld, pb->line, pb->col, "more than %d values; "
		    "split the file", CONF_MAX_NODES);
		break;
	}
	return -1;
}

/*
 * Parse YAML into a tree.  Returns 0 with *root NULL for an empty file, or
 * -1 after recording why not.
 */
static int
conf_yaml_parse(struct conf_loader *ld, const char *data, size_t len,
    struct yaml_tree **root)
{
	static const struct yaml_tree_limits lim = {
		CONF_MAX_DEPTH, 0, CONF_MAX_NODES
	};
	struct conf_yaml_text	t = { ld, data, len };

	return yaml_tree_parse(data, len, &lim, &ld->nodes, conf_yaml_problem,
	    &t, root);
}
/* ---------------------------------------------------------------------------
 * The schema table.
 */

/*
 * If o is a direct child of parent in scope, return its key name (the rest
 * of its path), else NULL.
 */
static const char *
conf_schema_child_key(const struct conf_option *o, const char *parent,
    int scope)
{
	size_t		 n = strlen(parent);
	const char	*key;

	if ((o->flags & CONF_SLOTH) != scope)
		return NULL;
	if (n == 0)
		key = o->path;
	else if (strncmp(o->path, parent, n) == 0 && o->path[n] == '.')
		key = o->path + n + 1;
	else
		return NULL;
	if (strchr(key, '.') != NULL || strchr(key, '[') != NULL)
		return NULL;
	return key;
}

/* The row for a path in a scope, or NULL. */
static const struct conf_option *
conf_schema_find(const char *path, int scope)
{
	size_t	i;

	for (i = 0; i < conf_schema_size; i++) {
		if ((conf_schema[i].flags & CONF_SLOTH) == scope &&
		    strcmp(conf_schema[i].path, path) == 0)
			return &conf_schema[i];
	}
	return NULL;
}

/* ---------------------------------------------------------------------------
 * Values.
 */

/*
 * Expand ${VAR} and ${VAR:-default} in a value; "$${" is a literal "${".
 * Returns an allocated string, or NULL after recording a problem.
 */
static char *
conf_expand(struct conf_loader *ld, const struct yaml_tree *n,
    const char *key)
{
	struct buf	 b;
	const char	*p = n->s, *name, *def, *end, *v;
	size_t		 nlen;
	int		 failed = 0, toolong = 0;
	char		*var;

	if (!ld->expand || strchr(p, '$') == NULL)
		return xstrdup(p);
	buf_init(&b, CONF_MAX_VALUE);
	while (*p != '\0') {
		if (strncmp(p, "$${", 3) == 0) {
			toolong |= buf_puts(&b, "${");
			p += 3;
			continue;
		}
		if (strncmp(p, "${", 2) != 0) {
			toolong |= buf_append(&b, p++, 1);
			continue;
		}
		name = p + 2;
		nlen = 0;
		if (isalpha((unsigned char)*name) || *name == '_') {
			while (isalnum((unsigned char)name[nlen]) ||
			    name[nlen] == '_')
				nlen++;
		}
		def = NULL;
		if (nlen > 0 && name[nlen] == '}')
			end = name + nlen;
		else if (nlen > 0 && strncmp(name + nlen, ":-", 2) == 0 &&
		    (end = strchr(name + nlen + 2, '}')) != NULL)
			def = name + nlen + 2;
		else {
			conf_problem(ld, n->line, n->col, "bad variable "
			    "reference in '%s'; write ${NAME} or "
			    "${NAME:-default}, or $${ for a literal ${", key);
			failed = 1;
			break;
		}
		var = xstrndup(name, nlen);
		v = getenv(var);
		if (def != NULL && (v == NULL || *v == '\0'))
			toolong |= buf_append(&b, def, end - def);
		else if (v != NULL)
			toolong |= buf_puts(&b, v);
		else {
			conf_problem(ld, n->line, n->col, "environment "
			    "variable %s is not set (used by '%s'); export it, "
			    "or write ${%s:-default}", var, key, var);
			failed = 1;
		}
		free(var);
		p = end + 1;
	}
	if (!failed && toolong) {
		conf_problem(ld, n->line, n->col, "the value of '%s' is longer "
		    "than %d bytes; shorten it", key, CONF_MAX_VALUE);
		failed = 1;
	}
	if (failed) {
		if (b.data != NULL)
			explicit_bzero(b.data, b.cap);
		buf_done(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Parse a size: "1000", "512KiB", "64MiB", "1GiB", "10MB". */
static int
conf_parse_size(const char *s, int64_t *out)
{
	static const struct {
		const char	*unit;
		int64_t		 mult;
	} units[] = {
		{ "", 1 }, { "B", 1 },
		{ "KiB", 1024 }, { "MiB", 1024 * 1024 },
		{ "GiB", 1024 * 1024 * 1024 },
		{ "KB", 1000 }, { "MB", 1000 * 1000 },
		{ "GB", 1000 * 1000 * 1000 },
	};
	int64_t	n = 0;
	size_t	i;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		if (n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*s++ - '0');
	}
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(s, units[i].unit) == 0) {
			if (n > INT64_MAX / units[i].mult)
				return -1;
			*out = n * units[i].mult;
			return 0;
		}
	}
	return -1;
}

/* Check v against the row's range; 0 if it is inside. */
static int
conf_check_range(struct conf_loader *ld, const struct conf_option *o,
    const struct yaml_tree *n, const char *key, double v, const char *text)
{
	char		 lo[32], hi[32], *q;
	const char	*above, *below;
	int		 low, high;

	if (~o->flags & CONF_RANGE)
		return 0;
	low = (o->flags & CONF_EXCL_MIN) ? v <= o->min : v < o->min;
	high = (o->flags & CONF_EXCL_MAX) ? v >= o->max : v > o->max;
	if (!low && !high)
		return 0;
	conf_schema_format_bound(o, o->min, lo, sizeof lo);
	conf_schema_format_bound(o, o->max, hi, sizeof hi);
	q = conf_q(text);
	above = (o->flags & CONF_EXCL_MIN) ? "above" : "at least";
	below = (o->flags & CONF_EXCL_MAX) ? "below" : "at most";
	conf_problem(ld, n->line, n->col, "'%s' is %s but must be %s %s; use "
	    "a value %s %s and %s %s", key, q, low ? above : below,
	    low ? lo : hi, above, lo, below, hi);
	free(q);
	return -1;
}

/* Whether a string holds a control character (a line break included). */
static int
conf_has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	}
	return 0;
}

/* Whether a URL is http:// or https:// with a host. */
static int
conf_url_ok(const char *s)
{
	const char	*host;

	if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return 0;
	if (*host == '\0' || *host == '/' || *host == ':')
		return 0;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	}
	return 1;
}

/*
 * Whether the port of an http(s) URL (one conf_url_ok accepts), if it
 * names one, is a number from 1 to 65535: "host:70000", "host:abc" and
 * "host:" are refused here rather than when the first request fails.
 * *hp and *hplen say where host:port is (no user:password@, which may
 * hold a secret and is never quoted).
 */
static int
conf_url_port_ok(const char *s, const char **hp, size_t *hplen)
{
	const char	*auth, *end, *at, *port;
	long		 v = 0;

	auth = strstr(s, "://") + 3;
	end = auth + strcspn(auth, "/?#");
	/* Past any user:password@. */
	for (at = auth; at < end; at++) {
		if (*at == '@')
			auth = at + 1;
	}
	*hp = auth;
	*hplen = (size_t)(end - auth);
	if (*auth == '[') {		/* [IPv6]:port */
		port = memchr(auth, ']', (size_t)(end - auth));
		if (port == NULL)
			return 0;
		port++;
		if (port == end)
			return 1;
		if (*port != ':')
			return 0;
	} else if ((port = memchr(auth, ':', (size_t)(end - auth))) == NULL)
		return 1;
	port++;
	if (port == end || end - port > 5)
		return 0;
	for (; port < end; port++) {
		if (*port < '0' || *port > '9')
			return 0;
		v = v * 10 + (*port - '0');
	}
	return v >= 1 && v <= 65535;
}

/* Whether a string is an HTTP header name (an RFC 9110 token). */
static int
conf_header_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) &&
		    strchr("!#$%&'*+-.^_`|~", *s) == NULL)
			return 0;
	}
	return 1;
}

/* Remember a name in a set; report it if it is there already. */
static void
conf_unique(struct conf_loader *ld, const struct yaml_tree *n,
    const char *list, const char *name, struct conf_seen **set, size_t *nset)
{
	struct conf_seen	*s;
	size_t			 i;
	char			*q;

	for (i = 0; i < *nset; i++) {
		s = &(*set)[i];
		if (strcmp(s->name, name) != 0)
			continue;
		q = conf_q(name);
		if (s->file == ld->file) {
			conf_problem(ld, n->line, n->col, "duplicate name '%s' "
			    "in '%s' (first at line %d); give each a unique "
			    "name", q, list, s->line);
		} else {
			char *f = conf_q(ld->files[s->file]);
			conf_problem(ld, n->line, n->col, "duplicate name '%s' "
			    "in '%s' (first at %s:%d); give each a unique "
			    "name", q, list, f, s->line);
			free(f);
		}
		free(q);
		return;
	}
	*set = xreallocarray(*set, *nset + 1, sizeof **set);
	s = &(*set)[(*nset)++];
	s->name = xstrdup(name);
	s->file = ld->file;
	s->line = n->line;
}

/* Free a set of names. */
static void
conf_seen_free(struct conf_seen *set, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(set[i].name);
	free(set);
}

/*
 * Convert a scalar to a row's type and store it at dst.  text is the value
 * (expanded); n where it is (NULL for a default).  Returns 0 or -1.
 */
static int
conf_scalar(struct conf_loader *ld, const struct conf_option *o,
    const struct yaml_tree *n, const char *text, char *dst)
{
	char			 key[64], *cause = NULL, *q;
	const char		*w;
	int64_t			 i64;
	double			 d;
	size_t			 len;
	int			 store = !(o->flags & CONF_NOSTORE);

	conf_key_name(o->path, key, sizeof key);
	switch (o->type) {
	case CONF_SECRET:
		if (conf_has_control(text)) {
			conf_problem(ld, n->line, n->col, "'%s' %s contains a "
			    "control character or line break; remove it", key,
			    conf_redact(text));
			return -1;
		}
		if (store && *text != '\0')
			*(char **)dst = xstrdup(text);
		return 0;
	case CONF_STRING:
		if ((o->flags & (CONF_UNIQUE|CONF_UNIQUE_ALL|CONF_REQUIRED)) &&
		    *text == '\0') {
			conf_problem(ld, n->line, n->col, "'%s' is empty; give "
			    "it a value", key);
			return -1;
		}
		if (store)
			*(char **)dst = xstrdup(text);
		return 0;
	case CONF_PATH:
		if (*text == '\0') {
			conf_problem(ld, n->line, n->col, "'%s' is empty; give "
			    "a file name or remove the key", key);
			return -1;
		}
		if (store)
			*(char **)dst = util_expand_home(text);
		return 0;
	case CONF_URL:
		if (!conf_url_ok(text)) {
			conf_problem(ld, n->line, n->col, "'%s' is not an "
			    "http:// or https:// URL with a host; write it like "
			    "http://127.0.0.1:9090", key);
			return -1;
		}
		if (!conf_url_port_ok(text, &w, &len)) {
			q = xstrndup(w, len);
			cause = conf_q(q);
			conf_problem(ld, n->line, n->col, "'%s' (%s) names "
			    "'%s': its port must be a number from 1 to 65535; "
			    "write it like http://127.0.0.1:9090", key, o->path,
			    cause);
			free(cause);
			free(q);
			return -1;
		}
		if (store)
			*(char **)dst = xstrdup(text);
		return 0;
	case CONF_ENUM:
		len = strlen(text);
		for (w = o->choices; *w != '\0'; w += strcspn(w, " ")) {
			w += strspn(w, " ");
			if (strncmp(w, text, len) == 0 &&
			    (w[len] == ' ' || w[len] == '\0')) {
				if (store)
					*(char **)dst = xstrdup(text);
				return 0;
			}
		}
		q = conf_q(text);
		conf_problem(ld, n->line, n->col, "unsupported %s '%s'; use %s",
		    key, q, o->choices);
		free(q);
		return -1;
	case CONF_DURATION:
		if (util_parse_duration(text, &i64, &cause) != 0) {
			free(cause);
			q = conf_q(text);
			conf_problem(ld, n->line, n->col, "bad duration '%s' for "
			    "'%s'; write it like 500ms, 15s, 5m, 1h or 30d", q,
			    key);
			free(q);
			return -1;
		}
		if (conf_check_range(ld, o, n, key, (double)i64, text) != 0)
			return -1;
		if (store)
			*(int64_t *)dst = i64;
		return 0;
	case CONF_SIZE:
		if (conf_parse_size(text, &i64) != 0) {
			q = conf_q(text);
			conf_problem(ld, n->line, n->col, "bad size '%s' for "
			    "'%s'; write it like 1000, 512KiB or 64MiB", q, key);
			free(q);
			return -1;
		}
		if (conf_check_range(ld, o, n, key, (double)i64, text) != 0)
			return -1;
		if (store)
			*(int64_t *)dst = i64;
		return 0;
	case CONF_INT:
		if (util_parse_int64(text, &i64) != 0 || i64 < INT32_MIN ||
		    i64 > INT32_MAX) {
			q = conf_q(text);
			conf_problem(ld, n->line, n->col, "expected a whole "
			    "number for '%s', found '%s'; write it like 200",
			    key, q);
			free(q);
			return -1;
		}
		if (conf_check_range(ld, o, n, key, (double)i64, text) != 0)
			return -1;
		if (store)
			*(int *)dst = (int)i64;
		return 0;
	case CONF_NUMBER:
		if (util_parse_double(text, &d) != 0 || !isfinite(d)) {
			if (store)
				*(double *)dst = NAN;
			q = conf_q(text);
			conf_problem(ld, n->line, n->col, "expected a number for "
			    "'%s', found '%s'; write it like 99.9", key, q);
			free(q);
			return -1;
		}
		if (conf_check_range(ld, o, n, key, d, text) != 0) {
			if (store)
				*(double *)dst = NAN;
			return -1;
		}
		if (store)
			*(double *)dst = d;
		return 0;
	case CONF_BOOL:
		if (strcmp(text, "true") == 0)
			i64 = 1;
		else if (strcmp(text, "false") == 0)
			i64 = 0;
		else {
			q = conf_q(text);
			conf_problem(ld, n->line, n->col, "expected a boolean for "
			    "'%s', found '%s'; write true or false", key, q);
			free(q);
			return -1;
		}
		if (store)
			*(int *)dst = (int)i64;
		return 0;
	default:
		break;
	}
	return -1;
}

/* The type a row expects, for "expected a ...". */
static const char *
conf_type_what(const struct conf_option *o)
{
	switch (o->type) {
	case CONF_MAP:
	case CONF_STRMAP:
		return "a mapping";
	case CONF_LIST:
	case CONF_STRLIST:
	case CONF_PATHLIST:
		return "a list";
	case CONF_DURATION:
		return "a duration";
	case CONF_SIZE:
		return "a size";
	case CONF_INT:
		return "a whole number";
	case CONF_NUMBER:
		return "a number";
	case CONF_BOOL:
		return "a boolean";
	default:
		break;
	}
	return "a string";
}

/* What to do when the type is wrong. */
static const char *
conf_type_hint(const struct conf_option *o)
{
	switch (o->type) {
	case CONF_MAP:
	case CONF_STRMAP:
		return "write 'key: value' lines indented below it, or {key: "
		    "value}";
	case CONF_LIST:
	case CONF_STRLIST:
	case CONF_PATHLIST:
		return "write each item on its own line after '- ', or [a, b]";
	case CONF_NUMBER:
		return "write it like 99.9";
	case CONF_INT:
		return "write it like 200";
	case CONF_BOOL:
		return "write true or false";
	default:
		break;
	}
	return "write a single value";
}

/* Report a node of the wrong kind for a row. */
static void
conf_wrong_type(struct conf_loader *ld, const struct conf_option *o,
    const struct yaml_tree *n)
{
	char	key[64];

	conf_problem(ld, n->line, n->col, "expected %s for '%s', found %s; %s",
	    conf_type_what(o), conf_key_name(o->path, key, sizeof key),
	    yaml_tree_what(n), conf_type_hint(o));
}

/* Read a list of strings (or paths) from a sequence node. */
static void
conf_strlist(struct conf_loader *ld, const struct conf_option *o,
    const struct yaml_tree *n, char *base)
{
	char			 key[64], **v, *s;
	const struct yaml_tree	*it;
	size_t			 i, count = 0;

	conf_key_name(o->path, key, sizeof key);
	if (n->n > CONF_MAX_ITEMS) {
		conf_problem(ld, n->line, n->col, "'%s' has more than %d items; "
		    "shorten it", key, CONF_MAX_ITEMS);
		return;
	}
	v = xcalloc(n->n + 1, sizeof *v);
	for (i = 0; i < n->n; i++) {
		it = n->v[i];
		if (it->bad)
			continue;
		if (it->kind != YAML_TREE_SCALAR || yaml_tree_is_null(it)) {
			conf_problem(ld, it->line, it->col, "each item of '%s' "
			    "must be a string, found %s; write one name per "
			    "item", key, yaml_tree_is_null(it) ? "nothing" :
			    yaml_tree_what(it));
			continue;
		}
		if ((s = conf_expand(ld, it, key)) == NULL)
			continue;
		if (*s == '\0') {
			conf_problem(ld, it->line, it->col, "an item of '%s' is "
			    "empty; remove it or give it a value", key);
			free(s);
			continue;
		}
		if (o->type == CONF_PATHLIST) {
			v[count] = util_expand_home(s);
			free(s);
			ld->slo_file_pos = xreallocarray(ld->slo_file_pos,
			    ld->nslo_file_pos + 1, sizeof *ld->slo_file_pos);
			ld->slo_file_pos[ld->nslo_file_pos].line = it->line;
			ld->slo_file_pos[ld->nslo_file_pos++].col = it->col;
		} else
			v[count] = s;
		count++;
	}
	if (o->flags & CONF_NOSTORE) {
		for (i = 0; i < count; i++)
			free(v[i]);
		free(v);
		return;
	}
	*(char ***)(base + o->off) = v;
	*(size_t *)(base + o->noff) = count;
}

/* Read a map of strings, such as headers or labels, from a mapping node. */
static void
conf_strmap(struct conf_loader *ld, const struct conf_option *o,
    const struct yaml_tree *n, char *base)
{
	char			 key[64], *s, *q;
	const struct yaml_tree	*k, *v;
	struct conf_kv		*kv;
	size_t			 i, j, count = 0;

	conf_key_name(o->path, key, sizeof key);
	if (n->n / 2 > CONF_MAX_ITEMS) {
		conf_problem(ld, n->line, n->col, "'%s' has more than %d keys; "
		    "shorten it", key, CONF_MAX_ITEMS);
		return;
	}
	kv = xcalloc(n->n / 2 + 1, sizeof *kv);
	for (i = 0; i + 1 < n->n; i += 2) {
		k = n->v[i];
		v = n->v[i + 1];
		if (k->bad || v->bad)
			continue;
		if (k->kind != YAML_TREE_SCALAR) {
			conf_problem(ld, k->line, k->col, "a key under '%s' is "
			    "%s; keys must be plain strings", key,
			    yaml_tree_what(k));
			continue;
		}
		for (j = 0; j < i; j += 2) {
			if (n->v[j]->kind == YAML_TREE_SCALAR &&
			    strcmp(n->v[j]->s, k->s) == 0)
				break;
		}
		if (j < i) {
			q = conf_q(k->s);
			conf_problem(ld, k->line, k->col, "duplicate key '%s' "
			    "(first at line %d); remove one of them", q,
			    n->v[j]->line);
			free(q);
			continue;
		}
		if ((o->flags & CONF_HEADER) && !conf_header_name_ok(k->s)) {
			q = conf_q(k->s);
			conf_problem(ld, k->line, k->col, "'%s' is not a valid "
			    "HTTP header name; use letters, digits and '-'", q);
			free(q);
			continue;
		}
		if (v->kind != YAML_TREE_SCALAR || yaml_tree_is_null(v)) {
			q = conf_q(k->s);
			conf_problem(ld, v->line, v->col, "expected a string for "
			    "'%s' under '%s', found %s; write a single value",
			    q, key, yaml_tree_is_null(v) ? "nothing" :
			    yaml_tree_what(v));
			free(q);
			continue;
		}
		if ((s = conf_expand(ld, v, key)) == NULL)
			continue;
		if ((o->flags & CONF_HEADER) && conf_has_control(s)) {
			q = conf_q(k->s);
			conf_problem(ld, v->line, v->col, "header '%s' %s "
			    "contains a control character or line break; "
			    "remove it", q, conf_redact(s));
			free(q);
			explicit_bzero(s, strlen(s));
			free(s);
			continue;
		}
		kv[count].key = xstrdup(k->s);
		kv[count].value = s;
		kv[count].line = k->line;
		kv[count].col = k->col;
		count++;
	}
	if (o->flags & CONF_NOSTORE) {
		for (i = 0; i < count; i++) {
			free(kv[i].key);
			free(kv[i].value);
		}
		free(kv);
		return;
	}
	*(struct conf_kv **)(base + o->off) = kv;
	*(size_t *)(base + o->noff) = count;
}

/* Read a list of mappings, one struct per item. */
static void
conf_list(struct conf_loader *ld, const struct conf_option *o,
    const struct yaml_tree *n, int scope, char *base)
{
	char			 key[64], *path, *items, *item;
	const struct yaml_tree	*it;
	struct conf_seen	*set = NULL;
	size_t			 i, count = 0, nset = 0;

	conf_key_name(o->path, key, sizeof key);
	if (n->n > CONF_MAX_ITEMS) {
		conf_problem(ld, n->line, n->col, "'%s' has more than %d items; "
		    "shorten it", key, CONF_MAX_ITEMS);
		return;
	}
	path = xasprintf("%s[]", o->path);
	items = xcalloc(n->n + 1, o->size);
	for (i = 0; i < n->n; i++) {
		it = n->v[i];
		if (it->bad)
			continue;
		if (it->kind != YAML_TREE_MAP) {
			conf_problem(ld, it->line, it->col, "each item of '%s' "
			    "must be a mapping, found %s; write 'key: value' "
			    "lines after '- '", key, yaml_tree_is_null(it) ?
			    "nothing" : yaml_tree_what(it));
			continue;
		}
		item = items + count * o->size;
		if (o->lineoff != 0)
			*(int *)(item + o->lineoff) = it->line;
		conf_walk_map(ld, it, NULL, path, scope, item, &set, &nset);
		count++;
	}
	conf_seen_free(set, nset);
	free(path);
	*(void **)(base + o->off) = items;
	*(size_t *)(base + o->noff) = count;
}

/*
 * Read the value of one key.  set is the list's set of names, for keys
 * that must be unique in their list.
 */
static void
conf_value(struct conf_loader *ld, const struct conf_option *o,
    const struct yaml_tree *v, int scope, char *base, struct conf_seen **set,
    size_t *nset)
{
	char			 key[64], list[64], *text, *child;
	struct conf_ref		*r;

	conf_key_name(o->path, key, sizeof key);
	switch (o->type) {
	case CONF_ANY:
		return;
	case CONF_MAP:
		if (v->kind != YAML_TREE_MAP) {
			conf_wrong_type(ld, o, v);
			return;
		}
		if (o->flags & CONF_ALLOC) {
			child = xcalloc(1, o->size);
			*(void **)(base + o->off) = child;
		} else
			child = base + o->off;
		if (o->lineoff != 0)
			*(int *)(child + o->lineoff) = v->line;
		conf_walk_map(ld, v, o, o->path, scope, child, NULL, NULL);
		return;
	case CONF_LIST:
		if (v->kind != YAML_TREE_SEQ) {
			conf_wrong_type(ld, o, v);
			return;
		}
		conf_list(ld, o, v, scope, base);
		return;
	case CONF_STRLIST:
	case CONF_PATHLIST:
		if (v->kind != YAML_TREE_SEQ) {
			conf_wrong_type(ld, o, v);
			return;
		}
		conf_strlist(ld, o, v, base);
		return;
	case CONF_STRMAP:
		if (v->kind != YAML_TREE_MAP) {
			conf_wrong_type(ld, o, v);
			return;
		}
		conf_strmap(ld, o, v, base);
		return;
	default:
		break;
	}
	if (v->kind != YAML_TREE_SCALAR) {
		conf_wrong_type(ld, o, v);
		return;
	}
	if ((text = conf_expand(ld, v, key)) == NULL)
		return;
	if (conf_scalar(ld, o, v, text, base + o->off) == 0) {
		if (o->flags & CONF_UNIQUE_ALL)
			conf_unique(ld, v, "slos", text, &ld->slo_seen,
			    &ld->nslo_seen);
		else if ((o->flags & CONF_UNIQUE) && set != NULL) {
			conf_unique(ld, v, conf_list_name(o->path, list,
			    sizeof list), text, set, nset);
		}
		if (o->flags & CONF_SERVICE) {
			ld->refs = xreallocarray(ld->refs, ld->nrefs + 1,
			    sizeof *ld->refs);
			r = &ld->refs[ld->nrefs++];
			r->name = xstrdup(text);
			r->file = ld->file;
			r->line = v->line;
			r->col = v->col;
		}
	}
	if (o->type == CONF_SECRET)
		explicit_bzero(text, strlen(text));
	free(text);
}

/* Report an unknown key, with the closest known one if there is one. */
static void
conf_unknown_key(struct conf_loader *ld, const struct yaml_tree *k,
    const char *parent, int scope)
{
	const char	*names[64], *best, *name;
	char		 under[80], pname[64], *q, *prefix;
	struct buf	 list;
	size_t		 i, n = 0, cut;

	for (i = 0; i < conf_schema_size && n < 64; i++) {
		name = conf_schema_child_key(&conf_schema[i], parent, scope);
		if (name != NULL)
			names[n++] = name;
	}
	if (*parent == '\0')
		snprintf(under, sizeof under, "at the top level");
	else {
		snprintf(under, sizeof under, "under '%s'",
		    conf_key_name(parent, pname, sizeof pname));
	}
	/*
	 * "bearer_token:abc" is one key to YAML.  Never quote what follows
	 * the separator: it may well be a secret.
	 */
	cut = strcspn(k->s, ": \t=");
	if (cut > 0 && k->s[cut] != '\0') {
		prefix = xstrndup(k->s, cut);
		q = conf_q(prefix);
		free(prefix);
		conf_problem(ld, k->line, k->col, "unknown key '%s...' %s; write "
		    "a key, a colon and a space, then the value, as in '%s: "
		    "value'", q, under, q);
		free(q);
		return;
	}
	q = conf_q(k->s);
	best = util_closest(k->s, names, n);
	if (best != NULL) {
		conf_problem(ld, k->line, k->col, "unknown key '%s' %s; did you "
		    "mean '%s'?", q, under, best);
	} else {
		buf_init(&list, 0);
		for (i = 0; i < n; i++)
			buf_printf(&list, "%s%s", i == 0 ? "" : ", ", names[i]);
		conf_problem(ld, k->line, k->col, "unknown key '%s' %s; the "
		    "keys here are: %s", q, under, buf_str(&list));
		buf_done(&list);
	}
	free(q);
}

/*
 * Walk a mapping node against the rows below parent, storing into base.
 * self is the row of this mapping (NULL at the top and for list items);
 * map may be NULL to apply only defaults.
 */
static void
conf_walk_map(struct conf_loader *ld, const struct yaml_tree *map,
    const struct conf_option *self, const char *parent, int scope, char *base,
    struct conf_seen **set, size_t *nset)
{
	const struct conf_option	*rows[64], *o;
	const struct yaml_tree		*keys[64], *vals[64], *k;
	const char			*name, *w;
	char				 pname[64];
	struct buf			 names;
	size_t				 nrows = 0, i, j, len;
	int				 any = 0;

	for (i = 0; i < conf_schema_size && nrows < 64; i++) {
		if (conf_schema_child_key(&conf_schema[i], parent, scope))
			rows[nrows++] = &conf_schema[i];
	}
	memset(keys, 0, sizeof keys);
	memset(vals, 0, sizeof vals);

	/* Match every key to its row. */
	for (i = 0; map != NULL && i + 1 < map->n; i += 2) {
		k = map->v[i];
		if (k->bad)
			continue;
		if (k->kind != YAML_TREE_SCALAR) {
			conf_problem(ld, k->line, k->col, "a key is %s; keys "
			    "must be plain strings", yaml_tree_what(k));
			continue;
		}
		for (j = 0; j < nrows; j++) {
			name = conf_schema_child_key(rows[j], parent, scope);
			if (strcmp(name, k->s) == 0)
				break;
		}
		if (j == nrows) {
			conf_unknown_key(ld, k, parent, scope);
			continue;
		}
		if (keys[j] != NULL) {
			conf_problem(ld, k->line, k->col, "duplicate key '%s' "
			    "(first at line %d); remove one of them", name,
			    keys[j]->line);
			continue;
		}
		keys[j] = k;
		vals[j] = map->v[i + 1];
	}

	/* Keys that exclude or need each other. */
	for (j = 0; j < nrows; j++) {
		o = rows[j];
		if (keys[j] == NULL)
			continue;
		for (w = o->conflicts; w != NULL && *w != '\0'; w += len) {
			w += strspn(w, " ");
			len = strcspn(w, " ");
			for (i = 0; i < nrows; i++) {
				name = conf_schema_child_key(rows[i], parent,
				    scope);
				if (keys[i] == NULL || strlen(name) != len ||
				    strncmp(name, w, len) != 0)
					continue;
				k = keys[i]->line > keys[j]->line ||
				    (keys[i]->line == keys[j]->line &&
				    keys[i]->col > keys[j]->col) ? keys[i] :
				    keys[j];
				conf_problem(ld, k->line, k->col, "'%s' cannot "
				    "be used together with '%s'; keep only one "
				    "of them", k->s, k == keys[i] ? keys[j]->s :
				    keys[i]->s);
			}
		}
		if (o->requires == NULL)
			continue;
		for (i = 0; i < nrows; i++) {
			name = conf_schema_child_key(rows[i], parent, scope);
			if (strcmp(name, o->requires) == 0)
				break;
		}
		if (i < nrows && keys[i] == NULL) {
			conf_problem(ld, keys[j]->line, keys[j]->col, "'%s' "
			    "needs '%s' beside it; add it", keys[j]->s,
			    o->requires);
		}
	}

	/* Values, missing keys and defaults. */
	for (j = 0; j < nrows; j++) {
		o = rows[j];
		name = conf_schema_child_key(o, parent, scope);
		if (keys[j] != NULL && !yaml_tree_is_null(vals[j])) {
			any = 1;
			if (!vals[j]->bad)
				conf_value(ld, o, vals[j], scope, base, set,
				    nset);
			continue;
		}
		if (keys[j] != NULL && (o->flags & CONF_REQUIRED)) {
			conf_problem(ld, keys[j]->line, keys[j]->col, "'%s' has "
			    "no value; give it one", name);
			continue;
		}
		if (keys[j] == NULL && map != NULL &&
		    (o->flags & CONF_REQUIRED)) {
			if (*parent == '\0') {
				conf_problem(ld, map->line, map->col, "missing "
				    "key '%s' at the top level; add it", name);
			} else {
				conf_problem(ld, map->line, map->col, "missing "
				    "key '%s' under '%s'; add it", name,
				    conf_key_name(parent, pname,
				    sizeof pname));
			}
			continue;
		}
		conf_default(ld, o, scope, base);
	}
	if (self != NULL && (self->flags & CONF_ONE_CHILD) && !any &&
	    map != NULL) {
		buf_init(&names, 0);
		for (j = 0; j < nrows; j++) {
			if (j > 0)
				buf_puts(&names, j + 1 == nrows ? " or " : ", ");
			buf_puts(&names, conf_schema_child_key(rows[j], parent,
			    scope));
		}
		conf_problem(ld, map->line, map->col, "'%s' needs %s; add one "
		    "of them", conf_key_name(parent, pname, sizeof pname),
		    buf_str(&names));
		buf_done(&names);
	}
}

/* Apply a row's default (and its children's, for a mapping in place). */
static void
conf_default(struct conf_loader *ld, const struct conf_option *o, int scope,
    char *base)
{
	struct yaml_tree	 n;
	const char		*p;
	char			**v;
	size_t			 count = 0, len;

	if (o->type == CONF_MAP && !(o->flags & CONF_ALLOC)) {
		conf_walk_map(ld, NULL, o, o->path, scope, base + o->off, NULL,
		    NULL);
		return;
	}
	if (o->def == NULL || (o->flags & CONF_NOSTORE))
		return;
	if (o->type == CONF_STRLIST) {
		/* A flow list: "[a, b, c]". */
		v = xcalloc(strlen(o->def) + 1, sizeof *v);
		for (p = o->def + strspn(o->def, "[ "); *p != '\0' &&
		    *p != ']'; p += strspn(p, ", ")) {
			len = strcspn(p, ", ]");
			v[count++] = xstrndup(p, len);
			p += len;
		}
		*(char ***)(base + o->off) = v;
		*(size_t *)(base + o->noff) = count;
		return;
	}
	memset(&n, 0, sizeof n);
	n.kind = YAML_TREE_SCALAR;
	conf_scalar(ld, o, &n, o->def, base + o->off);
}

/* ---------------------------------------------------------------------------
 * Loading.
 */

/* Add a file name and make it current; returns its index. */
static int
conf_loader_file(struct conf_loader *ld, const char *name)
{
	ld->files = xreallocarray(ld->files, ld->nfiles + 1,
	    sizeof *ld->files);
	ld->files[ld->nfiles] = xstrdup(name);
	ld->file = (int)ld->nfiles++;
	return ld->file;
}

/*
 * Read a whole file into b, no larger than the limit.  what names it in
 * messages; line and col say where a problem is reported (0: no place).
 */
static int
conf_read_file(struct conf_loader *ld, const char *path, const char *what,
    struct buf *b, int line, int col)
{
	FILE		*f;
	struct stat	 sb;
	char		 chunk[8192];
	size_t		 n;
	int		 error = 0, toolarge = 0;

	buf_init(b, CONF_MAX_FILE_SIZE);
	if ((f = fopen(path, "rb")) == NULL) {
		conf_problem(ld, line, col, "cannot read %s: %s; check the name "
		    "and its permissions", what, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		conf_problem(ld, line, col, "%s is a directory; name a file",
		    what);
		fclose(f);
		return -1;
	}
	if (sb.st_size > CONF_MAX_FILE_SIZE)
		toolarge = 1;
	while (!toolarge && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(b, chunk, n) != 0)
			toolarge = 1;
	}
	if (!toolarge && ferror(f))
		error = errno;
	fclose(f);
	if (toolarge) {
		conf_problem(ld, line, col, "%s is larger than %d MiB; shorten "
		    "it or split it", what, CONF_MAX_FILE_SIZE / (1024 * 1024));
	} else if (error != 0) {
		conf_problem(ld, line, col, "cannot read %s: %s; check the "
		    "file", what, strerror(error));
	}
	if (toolarge || error != 0) {
		buf_done(b);
		return -1;
	}
	return 0;
}

/* Read one Sloth file and add its SLOs to the configuration. */
static void
conf_load_sloth(struct conf_loader *ld, const char *dir, const char *name,
    int line, int col)
{
	struct conf		*conf = ld->conf;
	struct conf_sloth	 doc;
	struct yaml_tree	*root = NULL;
	struct conf_slo		*slo;
	struct buf		 b;
	const struct conf_option *period;
	char			*path, *what, *q;
	int			 from = ld->file, rc;
	size_t			 i;

	if (*name == '/' || dir == NULL)
		path = xstrdup(name);
	else
		path = xasprintf("%s/%s", dir, name);

	conf_loader_file(ld, path);
	ld->file = from;
	q = conf_q(name);
	what = xasprintf("SLO file '%s'", q);
	free(q);
	rc = conf_read_file(ld, path, what, &b, line, col);
	free(what);
	if (rc != 0) {
		free(path);
		return;
	}
	ld->file = (int)ld->nfiles - 1;
	ld->expand = 0;
	rc = conf_yaml_parse(ld, b.data != NULL ? b.data : "", b.len, &root);
	buf_done(&b);
	if (rc != 0)
		goto out;
	if (root == NULL || root->kind != YAML_TREE_MAP) {
		conf_problem(ld, root != NULL ? root->line : 1,
		    root != NULL ? root->col : 1, "an SLO file must be a "
		    "mapping with version, service and slos; see docs/CONFIG.md");
		goto out;
	}
	memset(&doc, 0, sizeof doc);
	conf_walk_map(ld, root, NULL, "", CONF_SLOTH, (char *)&doc, NULL,
	    NULL);

	period = conf_schema_find("slos[].period", 0);
	conf->slos = xreallocarray(conf->slos, conf->nslos + doc.nslos,
	    sizeof *conf->slos);
	for (i = 0; i < doc.nslos; i++) {
		slo = &conf->slos[conf->nslos++];
		*slo = doc.slos[i];
		slo->file = xstrdup(path);
		if (doc.service != NULL)
			slo->service = xstrdup(doc.service);
		conf_default(ld, period, 0, (char *)slo);
	}
	free(doc.slos);
	free(doc.version);
	free(doc.service);
out:
	yaml_tree_free(root);
	ld->file = from;
	ld->expand = 1;
	free(path);
}

/* The node of a scalar item i of a list node, if the list kept them all. */
static const struct yaml_tree *
conf_item_node(const struct yaml_tree *seq, size_t i, size_t count)
{
	if (seq == NULL || seq->kind != YAML_TREE_SEQ || seq->n != count)
		return NULL;
	return seq->v[i];
}

/*
 * The oncall: section as a whole: names that must be people, the start
 * time, and levels that must be some escalation policy's WHO (a typo
 * there would never show).  esc_ok: every policy parsed, so the WHOs
 * are known.
 */
static void
conf_check_oncall(struct conf_loader *ld, const struct yaml_tree *root,
    int esc_ok)
{
	struct conf		*conf = ld->conf;
	const struct yaml_tree	*on, *rot, *n, *seq, *item;
	const char		**names, *best;
	char			**whos = NULL, *q, *k, *why = NULL;
	struct escalation	 e;
	struct tm		 tm;
	size_t			 i, j, nwhos = 0, npeople;
	int			 p;

	on = yaml_tree_get(root, "oncall");
	if (on == NULL || on->kind != YAML_TREE_MAP ||
	    conf->noncall_people == 0)
		return;
	npeople = conf->noncall_people;
	names = xcalloc(npeople + 2, sizeof *names);
	for (i = 0; i < npeople; i++)
		names[i] = conf->oncall_people[i].name;

	/* Each person. */
	seq = yaml_tree_get(on, "people");
	for (i = 0; i < npeople; i++) {
		const struct conf_person *pe = &conf->oncall_people[i];

		item = conf_item_node(seq, i, npeople);
		n = item != NULL ? yaml_tree_get(item, "name") : NULL;
		if (n == NULL)
			n = seq != NULL ? seq : on;
		if (pe->name != NULL && (strlen(pe->name) > ONCALL_NAME_MAX ||
		    strcmp(pe->name, ONCALL_ROTATION) == 0)) {
			q = conf_q(pe->name);
			conf_problem(ld, n->line, n->col, "oncall.people: '%s' "
			    "%s; give the person another name", q,
			    strlen(pe->name) > ONCALL_NAME_MAX ? "is longer "
			    "than 64 bytes" : "is the word levels use for "
			    "whoever is on call");
			free(q);
		}
		n = item != NULL ? yaml_tree_get(item, "contact") : NULL;
		if (pe->contact != NULL &&
		    strlen(pe->contact) > ONCALL_CONTACT_MAX && n != NULL) {
			conf_problem(ld, n->line, n->col, "oncall.people: the "
			    "contact of '%s' is longer than %d bytes; shorten "
			    "it", names[i], ONCALL_CONTACT_MAX);
		}
	}

	/* The rotation: its start and who takes the shifts. */
	rot = yaml_tree_get(on, "rotation");
	n = yaml_tree_get(rot, "start");
	if (conf->oncall_start != NULL && n != NULL &&
	    oncall_parse_start(conf->oncall_start, &tm, &why) != 0) {
		q = conf_q(conf->oncall_start);
		conf_problem(ld, n->line, n->col, "oncall.rotation.start: "
		    "'%s' is %s", q, why);
		free(q);
		free(why);
	}
	seq = yaml_tree_get(rot, "order");
	for (i = 0; i < conf->noncall_order; i++) {
		const char	*who = conf->oncall_order[i];

		for (j = 0; j < npeople; j++) {
			if (names[j] != NULL && strcmp(who, names[j]) == 0)
				break;
		}
		if (j < npeople)
			continue;
		n = conf_item_node(seq, i, conf->noncall_order);
		if (n == NULL)
			n = seq != NULL ? seq : on;
		q = conf_q(who);
		best = util_closest(who, names, npeople);
		conf_problem(ld, n->line, n->col, "oncall.rotation.order: '%s' "
		    "is not one of oncall.people; %s%s%s", q, best != NULL ?
		    "did you mean '" : "add them there or fix the name",
		    best != NULL ? best : "", best != NULL ? "'?" : "");
		free(q);
	}

	/* The levels: a policy's WHO to a person or the rotation. */
	if (esc_ok) {
		for (p = 0; p <= 3; p++) {
			escalation_for(conf, p, &e);
			for (i = 0; i < e.n; i++) {
				whos = xreallocarray(whos, nwhos + 1,
				    sizeof *whos);
				whos[nwhos++] = xstrdup(e.v[i].who);
			}
			escalation_done(&e);
		}
	}
	names[npeople] = ONCALL_ROTATION;
	seq = yaml_tree_get(on, "levels");
	for (i = 0; i < conf->noncall_levels; i++) {
		const struct conf_kv	*kv = &conf->oncall_levels[i];

		for (j = 0; esc_ok && j < nwhos; j++) {
			if (strcmp(kv->key, whos[j]) == 0)
				break;
		}
		if (esc_ok && j == nwhos) {
			k = conf_q(kv->key);
			best = util_closest(kv->key, (const char *const *)whos,
			    nwhos);
			conf_problem(ld, kv->line, kv->col, "oncall.levels: "
			    "'%s' is not who any escalation level reaches, so "
			    "it would never show; %s%s%s", k, best != NULL ?
			    "did you mean '" : "write a WHO of incidents."
			    "escalation (or of the built-in P0 policy: on-call "
			    "engineer, senior engineer ...)", best !=
			    NULL ? best : "", best != NULL ? "'?" : "");
			free(k);
		}
		n = yaml_tree_get(seq, kv->key);
		if (n == NULL)
			n = seq != NULL ? seq : on;
		if (strcmp(kv->value, ONCALL_ROTATION) == 0) {
			if (conf->oncall_start == NULL) {
				conf_problem(ld, n->line, n->col, "oncall."
				    "levels: '%s' reaches the rotation, but "
				    "there is none; add oncall.rotation or name "
				    "a person", kv->key);
			}
			continue;
		}
		for (j = 0; j < npeople; j++) {
			if (names[j] != NULL && strcmp(kv->value, names[j]) == 0)
				break;
		}
		if (j < npeople)
			continue;
		q = conf_q(kv->value);
		best = util_closest(kv->value, names, npeople + 1);
		conf_problem(ld, n->line, n->col, "oncall.levels: '%s' is not "
		    "one of oncall.people nor rotation; %s%s%s", q, best !=
		    NULL ? "did you mean '" : "add them there or fix the name",
		    best != NULL ? best : "", best != NULL ? "'?" : "");
		free(q);
	}
	for (i = 0; i < nwhos; i++)
		free(whos[i]);
	free(whos);
	free(names);
}

/* Checks that need the whole configuration. */
static void
conf_check_all(struct conf_loader *ld, const struct yaml_tree *root)
{
	struct conf		*conf = ld->conf;
	const struct yaml_tree	*n;
	const char		**names, *best;
	struct conf_ref		*r;
	size_t			 i, j;
	char			*q, *k;
	int			 from = ld->file, esc_ok = 1;

	if (conf->nservices > 0) {
		names = xcalloc(conf->nservices, sizeof *names);
		for (i = 0; i < conf->nservices; i++)
			names[i] = conf->services[i].name;
		for (i = 0; i < ld->nrefs; i++) {
			r = &ld->refs[i];
			for (j = 0; j < conf->nservices; j++) {
				if (names[j] != NULL &&
				    strcmp(names[j], r->name) == 0)
					break;
			}
			if (j < conf->nservices)
				continue;
			ld->file = r->file;
			q = conf_q(r->name);
			best = util_closest(r->name, names, conf->nservices);
			if (best != NULL) {
				conf_problem(ld, r->line, r->col, "service '%s' "
				    "is not defined under 'services'; did you "
				    "mean '%s'?", q, best);
			} else {
				conf_problem(ld, r->line, r->col, "service '%s' "
				    "is not defined under 'services'; add it "
				    "there or fix the name", q);
			}
			free(q);
		}
		free(names);
		ld->file = from;
	}

	for (i = 0; i < conf->npriorities; i++) {
		const struct conf_kv	*kv = &conf->priorities[i];
		const char		*pv = kv->value;

		if ((pv[0] == 'P' || pv[0] == 'p') && pv[1] >= '0' &&
		    pv[1] <= '3' && pv[2] == '\0')
			continue;
		q = conf_q(pv);
		k = conf_q(kv->key);
		conf_problem(ld, kv->line, kv->col, "incidents.priorities: "
		    "'%s' for severity '%s' is not a priority; use P0 (the "
		    "most urgent), P1, P2 or P3", q, k);
		free(q);
		free(k);
	}

	for (i = 0; i < conf->nescalation; i++) {
		const struct conf_kv	*kv = &conf->escalation[i];
		struct escalation	 e;
		char			*why = NULL;

		if (incident_priority_parse(kv->key) < 0) {
			k = conf_q(kv->key);
			conf_problem(ld, kv->line, kv->col, "incidents."
			    "escalation: '%s' is not a priority; use P0, P1, "
			    "P2 or P3", k);
			free(k);
			esc_ok = 0;
		} else if (escalation_parse(kv->value, &e, &why) != 0) {
			conf_problem(ld, kv->line, kv->col, "incidents."
			    "escalation: %s: %s", kv->key, why);
			free(why);
			esc_ok = 0;
		} else
			escalation_done(&e);
	}

	for (i = 0; i < conf->nrate_limits; i++) {
		const struct conf_kv	*kv = &conf->rate_limits[i];
		const struct action_def	*d = action_def_find(kv->key);
		int			 rmax;
		int64_t			 rwin;
		char			*why = NULL;

		if (d == NULL || !(d->flags & ACTION_F_RATE)) {
			k = conf_q(kv->key);
			conf_problem(ld, kv->line, kv->col, "actions."
			    "rate_limits: '%s' is not a rate-limited action; "
			    "use restart, undo, scale, delete-pod or "
			    "command", k);
			free(k);
		} else if (action_rate_parse(kv->value, &rmax, &rwin,
		    &why) != 0) {
			conf_problem(ld, kv->line, kv->col, "actions."
			    "rate_limits: %s: %s", kv->key, why);
			free(why);
		}
	}
	if (conf->scale_max > 0 && conf->scale_min > conf->scale_max) {
		n = yaml_tree_get(yaml_tree_get(root, "actions"),
		    "scale_min");
		if (n != NULL)
			conf_problem(ld, n->line, n->col, "actions.scale_min "
			    "(%d) is above actions.scale_max (%d); lower it",
			    conf->scale_min, conf->scale_max);
	}

	if (conf->budget_warn >= conf->budget_crit) {
		n = yaml_tree_get(yaml_tree_get(root, "slo_alerting"),
		    "budget_warning");
		if (n == NULL)
			n = yaml_tree_get(yaml_tree_get(root, "slo_alerting"),
			    "budget_critical");
		if (n != NULL) {
			conf_problem(ld, n->line, n->col, "budget_warning "
			    "(%g) must be below budget_critical (%g); lower "
			    "it", conf->budget_warn, conf->budget_crit);
		}
	}
	conf_check_oncall(ld, root, esc_ok);
}

/* Load from memory; the work of conf_load. */
struct conf *
conf_load_buffer(const char *name, const char *data, size_t len,
    struct conf_problems *problems)
{
	struct conf_loader	 ld;
	struct conf		*conf;
	struct yaml_tree	*root = NULL;
	char			*dir, *slash;
	size_t			 i;

	memset(&ld, 0, sizeof ld);
	conf = xcalloc(1, sizeof *conf);
	conf->path = xstrdup(name);
	ld.conf = conf;
	ld.expand = 1;
	conf_loader_file(&ld, name);

	if (len > CONF_MAX_FILE_SIZE) {
		conf_problem(&ld, 1, 1, "the file is larger than %d MiB; "
		    "shorten it", CONF_MAX_FILE_SIZE / (1024 * 1024));
	} else if (conf_yaml_parse(&ld, data, len, &root) == 0) {
		if (root != NULL && root->kind != YAML_TREE_MAP &&
		    !yaml_tree_is_null(root)) {
			conf_problem(&ld, root->line, root->col, "expected a "
			    "mapping at the top of the file, found %s; start "
			    "with keys such as 'contexts:'",
			    yaml_tree_what(root));
		} else {
			conf_walk_map(&ld, root != NULL &&
			    root->kind == YAML_TREE_MAP ? root : NULL, NULL, "",
			    0, (char *)conf, NULL, NULL);
			for (i = 0; i < conf->nslos; i++)
				conf->slos[i].file = xstrdup(name);
			dir = xstrdup(name);
			if ((slash = strrchr(dir, '/')) != NULL)
				*slash = '\0';
			for (i = 0; i < conf->nslo_files &&
			    i < ld.nslo_file_pos; i++) {
				conf_load_sloth(&ld, slash != NULL ? dir : NULL,
				    conf->slo_files[i], ld.slo_file_pos[i].line,
				    ld.slo_file_pos[i].col);
			}
			/* Runbook directories are relative to this file. */
			for (i = 0; slash != NULL && i < conf->nrunbook_dirs;
			    i++) {
				char *r = conf->runbook_dirs[i];

				if (r[0] == '/')
					continue;
				conf->runbook_dirs[i] = xasprintf("%s/%s", dir,
				    r);
				free(r);
			}
			free(dir);
			conf_check_all(&ld, root);
		}
	}
	yaml_tree_free(root);

	if (ld.pn > 1)
		qsort(ld.pv, ld.pn, sizeof *ld.pv, conf_problem_cmp);
	for (i = 0; i < ld.pn; i++)
		conf_problems_add(problems, ld.pv[i].msg);
	if (ld.pn != 0) {
		conf_free(conf);
		conf = NULL;
	}
	free(ld.pv);
	for (i = 0; i < ld.nfiles; i++)
		free(ld.files[i]);
	free(ld.files);
	conf_seen_free(ld.slo_seen, ld.nslo_seen);
	for (i = 0; i < ld.nrefs; i++)
		free(ld.refs[i].name);
	free(ld.refs);
	free(ld.slo_file_pos);
	return conf;
}

/* Load and validate a configuration file. */
struct conf *
conf_load(const char *path, struct conf_problems *problems)
{
	struct conf_loader	 ld;
	struct conf		*conf;
	struct buf		 b;
	size_t			 i;

	memset(&ld, 0, sizeof ld);
	conf_loader_file(&ld, path);
	if (conf_read_file(&ld, path, "the file", &b, 0, 0) != 0) {
		for (i = 0; i < ld.pn; i++)
			conf_problems_add(problems, ld.pv[i].msg);
		free(ld.pv);
		free(ld.files[0]);
		free(ld.files);
		return NULL;
	}
	conf = conf_load_buffer(path, b.data != NULL ? b.data : "", b.len,
	    problems);
	buf_done(&b);
	free(ld.files[0]);
	free(ld.files);
	return conf;
}

/* A configuration with only the defaults. */
struct conf *
conf_new_default(void)
{
	struct conf_problems	 problems;
	struct conf		*conf;

	conf_problems_init(&problems);
	conf = conf_load_buffer("(defaults)", "", 0, &problems);
	if (conf == NULL)
		abort();	/* a default in the schema table is wrong */
	conf_problems_done(&problems);
	free(conf->path);
	conf->path = NULL;
	return conf;
}

/* ---------------------------------------------------------------------------
 * Freeing.
 */

/* Free a string that may hold a secret, wiping it first. */
static void
conf_free_string(char *s, int secret)
{
	if (s != NULL && secret)
		explicit_bzero(s, strlen(s));
	free(s);
}

/* Free what the rows below parent stored in base. */
static void
conf_free_obj(const char *parent, int scope, char *base)
{
	const struct conf_option	*o;
	struct conf_kv			*kv;
	char				**v, *items, *path;
	size_t				 i, j, n;

	for (i = 0; i < conf_schema_size; i++) {
		o = &conf_schema[i];
		if (conf_schema_child_key(o, parent, scope) == NULL ||
		    (o->flags & CONF_NOSTORE))
			continue;
		switch (o->type) {
		case CONF_STRING:
		case CONF_SECRET:
		case CONF_PATH:
		case CONF_URL:
		case CONF_ENUM:
			conf_free_string(*(char **)(base + o->off),
			    o->type == CONF_SECRET);
			*(char **)(base + o->off) = NULL;
			break;
		case CONF_STRLIST:
		case CONF_PATHLIST:
			v = *(char ***)(base + o->off);
			n = *(size_t *)(base + o->noff);
			for (j = 0; j < n; j++)
				free(v[j]);
			free(v);
			break;
		case CONF_STRMAP:
			kv = *(struct conf_kv **)(base + o->off);
			n = *(size_t *)(base + o->noff);
			for (j = 0; j < n; j++) {
				free(kv[j].key);
				conf_free_string(kv[j].value, 1);
			}
			free(kv);
			break;
		case CONF_MAP:
			if (o->flags & CONF_ALLOC) {
				items = *(char **)(base + o->off);
				if (items != NULL)
					conf_free_obj(o->path, scope, items);
				free(items);
			} else
				conf_free_obj(o->path, scope, base + o->off);
			break;
		case CONF_LIST:
			items = *(char **)(base + o->off);
			n = *(size_t *)(base + o->noff);
			path = xasprintf("%s[]", o->path);
			for (j = 0; j < n; j++)
				conf_free_obj(path, scope, items + j * o->size);
			free(path);
			free(items);
			break;
		default:
			break;
		}
	}
}

/* Free a configuration. */
void
conf_free(struct conf *conf)
{
	size_t	i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nslos; i++)
		free(conf->slos[i].file);
	conf_free_obj("", 0, (char *)conf);
	free(conf->path);
	free(conf);
}

/* ---------------------------------------------------------------------------
 * Queries.
 */

/* Which configuration file to read. */
char *
conf_find_path(const char *option, int *explicit)
{
	const char	*env, *home;

	if (option != NULL && *option != '\0') {
		*explicit = 1;
		return util_expand_home(option);
	}
	if ((env = getenv("SITREP_CONFIG")) != NULL && *env != '\0') {
		*explicit = 1;
		return util_expand_home(env);
	}
	*explicit = 0;
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/')
		return xasprintf("%s/sitrep/config.yaml", env);
	if ((home = getenv("HOME")) == NULL || *home == '\0')
		home = "";
	return xasprintf("%s/.config/sitrep/config.yaml", home);
}

/* The named context, or the first. */
const struct conf_context *
conf_context_find(const struct conf *conf, const char *name)
{
	size_t	i;

	if (conf == NULL || conf->ncontexts == 0)
		return NULL;
	if (name == NULL)
		return &conf->contexts[0];
	for (i = 0; i < conf->ncontexts; i++) {
		if (strcmp(conf->contexts[i].name, name) == 0)
			return &conf->contexts[i];
	}
	return NULL;
}

/* What to print in place of a secret. */
const char *
conf_redact(const char *secret)
{
	if (secret == NULL || *secret == '\0')
		return "";
	return "<redacted>";
}

/* "N contexts, N services, N SLOs". */
int
conf_check_summary(const struct conf *conf, char *buf, size_t len)
{
	return snprintf(buf, len, "%zu context%s, %zu service%s, %zu SLO%s",
	    conf->ncontexts, conf->ncontexts == 1 ? "" : "s",
	    conf->nservices, conf->nservices == 1 ? "" : "s",
	    conf->nslos, conf->nslos == 1 ? "" : "s");
}
