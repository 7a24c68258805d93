/*
 * drill.c: drill files read into the tables of a struct drill.
 *
 * The file is parsed by yaml_tree.c (the reader of the configuration and
 * the runbooks, with line and column) and walked once, top to bottom:
 * the world first (nodes, services, SLOs), so that the timeline and the
 * expected response can name them; each timeline entry goes straight into
 * the table the simulator plays it from (a rollout, a pod fault, a probe
 * fault, a node condition, an alert, points of an SLO's error curve, an
 * Alertmanager member's outage), and "alert_stops" ends the alerts of
 * that name then.  Nothing is guessed:
 * what the simulator needs and the file does not say is a default written
 * in docs/DRILLS.md.
 *
 * Every problem is collected as "FILE:LINE:COL: message", the message
 * saying what to write; an unknown key or name gets the closest known one
 * ("did you mean").  A file with any problem gives no drill.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/drill.h"
#include "core/yaml_tree.h"

#define DR_MAX_DEPTH	12
#define DR_MAX_NODES	20000
#define DR_MAX_PROBLEMS	200
#define DR_MAX_FIELD	2048	/* bytes of one value */
#define DR_MAX_ITEMS	256	/* of each table */
#define DR_MAX_REPLICAS	12	/* the simulator's limit for a scale */

/* One point of a curve as read, with where it was written. */
struct dr_pt {
	int64_t		 at_ms;
	double		 ratio;
	int		 line;
	int		 col;
};

/* An SLO's points as read. */
struct dr_curve {
	struct dr_pt	*v;
	size_t		 n;
};

/* One file being read. */
struct dr_loader {
	const char		*name;
	struct conf_problems	*problems;
	size_t			 nproblems;
	size_t			 nodes;
	struct drill		*d;
	struct dr_curve		*curves;	/* one per SLO */
	int			 failed;
};

/* The windows the simulator answers an SLO's ratio for. */
static const char *const dr_windows[] = {
	"5m", "30m", "1h", "2h", "6h", "1d", "3d"
};

/* Severities an alert may carry. */
static const char *const dr_severities[] = {
	"critical", "warning", "info", "none"
};

/* Node conditions the simulator shows. */
static const char *const dr_conditions[] = {
	"MemoryPressure", "DiskPressure", "PIDPressure"
};

static const char *const dr_actions[] = {
	"undo", "restart", "scale", "delete-pod", "silence"
};

#define N_(a)	(sizeof (a) / sizeof (a)[0])

/* ------------------------------------------------------------------ */
/* Problems                                                            */
/* ------------------------------------------------------------------ */

/* Record "NAME:LINE:COL: message" at node n. */
static void __attribute__((format(printf, 3, 4)))
dr_problem(struct dr_loader *ld, const struct yaml_tree *n,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	ld->failed = 1;
	if (ld->problems == NULL || ld->nproblems++ >= DR_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	conf_problems_add(ld->problems, xasprintf("%s:%d:%d: %s", ld->name,
	    n != NULL ? n->line : 1, n != NULL ? n->col : 1, msg));
	free(msg);
}

/* Word what the YAML reader met. */
static int
dr_yaml_problem(void *arg, const struct yaml_tree_problem *pb)
{
	struct dr_loader	*ld = arg;
	struct yaml_tree	 at;
	const char		*msg = NULL;

	memset(&at, 0, sizeof at);
	at.line = pb->line;
	at.col = pb->col;
	switch (pb->what) {
	case YAML_TREE_SYNTAX:
		dr_problem(ld, &at, "invalid YAML: %s; correct the syntax "
		    "here", pb->detail != NULL ? pb->detail : "unreadable");
		return -1;
	case YAML_TREE_SECOND_DOC:
		msg = "a second document starts; a drill file holds one";
		break;
	case YAML_TREE_NUL:
		msg = "a value holds a NUL byte; write plain text";
		break;
	case YAML_TREE_ALIAS:
		msg = "aliases are not supported; write the value out in full";
		break;
	case YAML_TREE_DEPTH:
	case YAML_TREE_NODES:
		msg = "too deep or too many values; simplify the file";
		break;
	}
	dr_problem(ld, &at, "%s", msg);
	return -1;
}

/* "a, b, c" of names. */
static char *
dr_list(const char *const *names, size_t n)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);
	buf_append(&b, "", 0);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" : ", ", names[i]);
	return buf_detach(&b);
}

/*
 * Report that word (at n) is not among names: "unknown WHAT 'x' [in
 * WHERE]; did you mean 'y'?" or the list of them.
 */
static void
dr_unknown_in(struct dr_loader *ld, const struct yaml_tree *n,
    const char *what, const char *where, const char *word,
    const char *const *names, size_t nnames)
{
	const char	*best = util_closest(word, names, nnames);
	char		*clean = sanitize_terminal(word, 0), *list, *in;

	in = where != NULL ? xasprintf(" in %s", where) : xstrdup("");
	if (best != NULL)
		dr_problem(ld, n, "unknown %s '%s'%s; did you mean '%s'?", what,
		    clean, in, best);
	else if (nnames == 0)
		dr_problem(ld, n, "unknown %s '%s'%s; the drill has none; "
		    "define it first", what, clean, in);
	else {
		list = dr_list(names, nnames);
		dr_problem(ld, n, "unknown %s '%s'%s; write one of: %s", what,
		    clean, in, list);
		free(list);
	}
	free(in);
	free(clean);
}

/* dr_unknown_in() with no WHERE. */
static void
dr_unknown(struct dr_loader *ld, const struct yaml_tree *n, const char *what,
    const char *word, const char *const *names, size_t nnames)
{
	dr_unknown_in(ld, n, what, NULL, word, names, nnames);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

/*
 * Check that n is a mapping whose keys are all in allowed (nallowed) and
 * none twice; what names it in messages.  -1 after a problem (n not a
 * mapping); unknown keys are reported and skipped.
 */
static int
dr_map(struct dr_loader *ld, const struct yaml_tree *n, const char *what,
    const char *const *allowed, size_t nallowed)
{
	size_t	i, j;
	int	known;

	if (n == NULL || n->kind != YAML_TREE_MAP) {
		dr_problem(ld, n, "%s is %s; write a mapping (key: value "
		    "lines)", what, n != NULL ? yaml_tree_what(n) : "missing");
		return -1;
	}
	for (i = 0; i + 1 < n->n; i += 2) {
		const struct yaml_tree *k = n->v[i];

		if (k->kind != YAML_TREE_SCALAR) {
			dr_problem(ld, k, "a key of %s is %s; keys are plain "
			    "words", what, yaml_tree_what(k));
			continue;
		}
		for (known = 0, j = 0; j < nallowed; j++)
			if (strcmp(k->s, allowed[j]) == 0)
				known = 1;
		if (!known)
			dr_unknown_in(ld, k, "key", what, k->s, allowed,
			    nallowed);
		for (j = 0; j < i; j += 2) {
			if (n->v[j]->kind == YAML_TREE_SCALAR &&
			    strcmp(n->v[j]->s, k->s) == 0)
				dr_problem(ld, k, "duplicate key '%s' (first "
				    "at line %d); remove one", k->s,
				    n->v[j]->line);
		}
	}
	return 0;
}

/* The value node of key in map; a problem if required and missing. */
static const struct yaml_tree *
dr_get(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    int required, const char *what)
{
	const struct yaml_tree	*v = yaml_tree_get(map, key);

	if (v != NULL && yaml_tree_is_null(v))
		v = NULL;
	if (v == NULL && required)
		dr_problem(ld, map, "%s needs '%s'; add a line '%s: ...'",
		    what, key, key);
	return v;
}

/* A scalar of plain text (one line unless multiline); NULL after a problem. */
static char *
dr_text(struct dr_loader *ld, const struct yaml_tree *v, const char *key,
    int multiline)
{
	if (v->kind != YAML_TREE_SCALAR) {
		dr_problem(ld, v, "expected a single value for '%s', found "
		    "%s; write it on the same line", key, yaml_tree_what(v));
		return NULL;
	}
	if (strlen(v->s) > DR_MAX_FIELD) {
		dr_problem(ld, v, "'%s' is longer than %d bytes; shorten it",
		    key, DR_MAX_FIELD);
		return NULL;
	}
	if (v->s[0] == '\0' || !sanitize_is_clean(v->s, multiline ?
	    SANITIZE_MULTILINE : 0)) {
		dr_problem(ld, v, "'%s' is empty or holds a control "
		    "character; write plain text%s", key, multiline ? "" :
		    " on one line");
		return NULL;
	}
	return xstrdup(v->s);
}

/* Optional text of key in map (NULL if absent or bad). */
static char *
dr_opt_text(struct dr_loader *ld, const struct yaml_tree *map,
    const char *key, int required, const char *what, int multiline)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, required, what);

	return v != NULL ? dr_text(ld, v, key, multiline) : NULL;
}

/*
 * A name: letters, digits, '-', '_', '.', ':' and '/' (an image or a
 * label value needs the last ones); NULL after a problem.
 */
static char *
dr_word(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    int required, const char *what, const char *extra)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, required, what);
	char			*s;
	size_t			 i;

	if (v == NULL || (s = dr_text(ld, v, key, 0)) == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		if (isalnum((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '_' || s[i] == '.' ||
		    (extra != NULL && strchr(extra, s[i]) != NULL))
			continue;
		dr_problem(ld, v, "'%s' may hold only letters, digits and "
		    "-_.%s; correct '%s'", key, extra != NULL ? extra : "",
		    key);
		free(s);
		return NULL;
	}
	return s;
}

/* An integer of key in [min, max], default def; -1 after a problem. */
static int
dr_int(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    int def, int min, int max, int *out)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, 0, NULL);
	int64_t			 n;

	*out = def;
	if (v == NULL)
		return 0;
	if (v->kind != YAML_TREE_SCALAR || util_parse_int64(v->s, &n) != 0 ||
	    n < min || n > max) {
		dr_problem(ld, v, "'%s' must be a whole number from %d to %d",
		    key, min, max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* A number of key in [min, max]; -1 after a problem. */
static int
dr_num(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    int required, const char *what, double def, double min, double max,
    double *out)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, required, what);

	*out = def;
	if (v == NULL)
		return required ? -1 : 0;
	if (v->kind != YAML_TREE_SCALAR || util_parse_double(v->s, out) != 0 ||
	    !isfinite(*out) || *out < min || *out > max) {
		dr_problem(ld, v, "'%s' must be a number from %g to %g", key,
		    min, max);
		*out = def;
		return -1;
	}
	return 0;
}

/* true/false of key; -1 after a problem. */
static int
dr_bool(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    int *out)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, 0, NULL);

	*out = 0;
	if (v == NULL)
		return 0;
	if (v->kind == YAML_TREE_SCALAR && strcmp(v->s, "true") == 0)
		*out = 1;
	else if (v->kind != YAML_TREE_SCALAR || strcmp(v->s, "false") != 0) {
		dr_problem(ld, v, "'%s' must be true or false", key);
		return -1;
	}
	return 0;
}

/*
 * A duration of key ("30s", "5m", "1h30m"; "0"; with negative, "-30d"
 * too); -1 after a problem (also when required and missing).
 */
static int
dr_dur(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    int required, const char *what, int negative, int64_t def,
    int64_t *out)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, required, what);
	const char		*s;
	char			*cause = NULL;
	int			 neg = 0;

	*out = def;
	if (v == NULL)
		return required ? -1 : 0;
	if (v->kind != YAML_TREE_SCALAR) {
		dr_problem(ld, v, "'%s' must be a duration such as 30s, 5m or "
		    "1h30m", key);
		return -1;
	}
	s = v->s;
	if (*s == '-' && negative) {
		neg = 1;
		s++;
	}
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (util_parse_duration(s, out, &cause) != 0 ||
	    *out > DRILL_FOREVER_MS) {
		dr_problem(ld, v, "'%s' must be a duration such as 30s, 5m or "
		    "1h30m%s, at most 30d", key, negative ? " (-2h: before "
		    "the origin)" : "");
		free(cause);
		*out = def;
		return -1;
	}
	if (neg)
		*out = -*out;
	return 0;
}

/*
 * A mapping of label names to values into *kv; with flat, also as
 * "name=value,..." in *flat.  -1 after a problem.
 */
static int
dr_labels(struct dr_loader *ld, const struct yaml_tree *v, const char *key,
    struct conf_kv **kv, size_t *n, char **flat)
{
	static const char *const own[] = {
		"alertname", "severity", "cluster", "namespace", "service"
	};
	struct buf	 b;
	size_t		 i, j;
	int		 rc = 0;

	*kv = NULL;
	*n = 0;
	if (v->kind != YAML_TREE_MAP) {
		dr_problem(ld, v, "'%s' is %s; write a mapping of label "
		    "names to values", key, yaml_tree_what(v));
		return -1;
	}
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	*kv = xcalloc(v->n / 2 + 1, sizeof **kv);
	for (i = 0; i + 1 < v->n; i += 2) {
		const struct yaml_tree *k = v->v[i], *val = v->v[i + 1];
		int ok = k->kind == YAML_TREE_SCALAR && k->s[0] != '\0' &&
		    (isalpha((unsigned char)k->s[0]) || k->s[0] == '_');

		for (j = 0; ok && k->s[j] != '\0'; j++)
			ok = isalnum((unsigned char)k->s[j]) || k->s[j] == '_';
		if (!ok) {
			dr_problem(ld, k, "a label name is letters, digits "
			    "and '_', starting with a letter; correct it");
			rc = -1;
			continue;
		}
		for (j = 0; flat != NULL && j < N_(own); j++) {
			if (strcmp(k->s, own[j]) == 0) {
				dr_problem(ld, k, "label '%s' is set by the "
				    "alert itself; write it as the alert's "
				    "own key or remove it", k->s);
				rc = -1;
			}
		}
		if (val->kind != YAML_TREE_SCALAR || val->s[0] == '\0' ||
		    strlen(val->s) > 256 || strpbrk(val->s, ",=") != NULL ||
		    !sanitize_is_clean(val->s, 0)) {
			dr_problem(ld, val, "the value of label '%s' must be "
			    "one line of text without ',' or '='", k->s);
			rc = -1;
			continue;
		}
		(*kv)[*n].key = xstrdup(k->s);
		(*kv)[*n].value = xstrdup(val->s);
		(*kv)[*n].line = k->line;
		(*kv)[(*n)++].col = k->col;
		buf_printf(&b, "%s%s=%s", *n == 1 ? "" : ",", k->s, val->s);
	}
	if (flat != NULL && *n > 0)
		*flat = buf_detach(&b);
	buf_done(&b);
	return rc;
}

/* Free labels. */
static void
dr_kv_free(struct conf_kv *kv, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

/* Whether word is one of names; else a problem at v. */
static int
dr_one_of(struct dr_loader *ld, const struct yaml_tree *v, const char *what,
    const char *word, const char *const *names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(word, names[i]) == 0)
			return (int)i;
	dr_unknown(ld, v, what, word, names, n);
	return -1;
}

/* ------------------------------------------------------------------ */
/* References                                                          */
/* ------------------------------------------------------------------ */

/* The index of the service named by key in map; -1 after a problem. */
static int
dr_service(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    const char *what)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, 1, what);
	const char		**names;
	struct drill		*d = ld->d;
	size_t			 i;
	int			 found = -1;

	if (v == NULL)
		return -1;
	if (v->kind != YAML_TREE_SCALAR) {
		dr_problem(ld, v, "'%s' names a service; write its name",
		    key);
		return -1;
	}
	names = xcalloc(d->nservices + 1, sizeof *names);
	for (i = 0; i < d->nservices; i++) {
		names[i] = d->services[i].name;
		if (strcmp(v->s, names[i]) == 0)
			found = (int)i;
	}
	if (found < 0)
		dr_unknown(ld, v, "service", v->s, names, d->nservices);
	free(names);
	return found;
}

/* The index of the service "namespace/name" of key; -1 after a problem. */
static int
dr_target(struct dr_loader *ld, const struct yaml_tree *map, const char *what)
{
	const struct yaml_tree	*v = dr_get(ld, map, "target", 1, what);
	char			**full, *slash;
	struct drill		*d = ld->d;
	size_t			 i;
	int			 found = -1;

	if (v == NULL)
		return -1;
	if (v->kind != YAML_TREE_SCALAR || (slash = strchr(v->s, '/')) ==
	    NULL || slash == v->s || slash[1] == '\0') {
		dr_problem(ld, v, "'target' is NAMESPACE/NAME of a service, "
		    "as shop/checkout");
		return -1;
	}
	full = xcalloc(d->nservices + 1, sizeof *full);
	for (i = 0; i < d->nservices; i++) {
		full[i] = xasprintf("%s/%s", d->services[i].namespace,
		    d->services[i].name);
		if (strcmp(v->s, full[i]) == 0)
			found = (int)i;
	}
	if (found < 0)
		dr_unknown(ld, v, "target", v->s, (const char *const *)full,
		    d->nservices);
	for (i = 0; i < d->nservices; i++)
		free(full[i]);
	free(full);
	return found;
}

/* The index of the node named by key; -1 after a problem. */
static int
dr_node(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    int required, const char *what)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, required, what);
	const char		**names;
	struct drill		*d = ld->d;
	size_t			 i;
	int			 found = -1;

	if (v == NULL)
		return -1;
	names = xcalloc(d->nnodes + 1, sizeof *names);
	for (i = 0; i < d->nnodes; i++) {
		names[i] = d->nodes[i].name;
		if (v->kind == YAML_TREE_SCALAR && strcmp(v->s, names[i]) == 0)
			found = (int)i;
	}
	if (found < 0)
		dr_unknown(ld, v, "node", v->kind == YAML_TREE_SCALAR ? v->s :
		    "", names, d->nnodes);
	free(names);
	return found;
}

/* The index of the SLO named by key; -1 after a problem. */
static int
dr_slo(struct dr_loader *ld, const struct yaml_tree *map, const char *key,
    const char *what)
{
	const struct yaml_tree	*v = dr_get(ld, map, key, 1, what);
	const char		**names;
	struct drill		*d = ld->d;
	size_t			 i;
	int			 found = -1;

	if (v == NULL)
		return -1;
	names = xcalloc(d->nslos + 1, sizeof *names);
	for (i = 0; i < d->nslos; i++) {
		names[i] = d->slos[i].name;
		if (v->kind == YAML_TREE_SCALAR && strcmp(v->s, names[i]) == 0)
			found = (int)i;
	}
	if (found < 0)
		dr_unknown(ld, v, "SLO", v->kind == YAML_TREE_SCALAR ? v->s :
		    "", names, d->nslos);
	free(names);
	return found;
}

/* Whether an alert of the drill is named name; else a problem at v. */
static int
dr_alertname(struct dr_loader *ld, const struct yaml_tree *v)
{
	const char	**names;
	struct drill	*d = ld->d;
	size_t		 i, n = 0, j;
	int		 found = 0;

	names = xcalloc(d->nalerts + 1, sizeof *names);
	for (i = 0; i < d->nalerts; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(names[j], d->alerts[i].alertname) == 0)
				break;
		if (j == n)
			names[n++] = d->alerts[i].alertname;
		if (strcmp(v->s, d->alerts[i].alertname) == 0)
			found = 1;
	}
	if (!found)
		dr_unknown(ld, v, "alert", v->s, names, n);
	free(names);
	return found ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* The world                                                           */
/* ------------------------------------------------------------------ */

/* Read the nodes. */
static void
dr_nodes(struct dr_loader *ld, const struct yaml_tree *v)
{
	static const char *const keys[] = { "name", "zone" };
	struct drill	*d = ld->d;
	size_t		 i, j;

	if (v == NULL || v->kind != YAML_TREE_SEQ || v->n == 0 ||
	    v->n > DR_MAX_ITEMS) {
		dr_problem(ld, v, "'nodes' must be a list of 1 to %d nodes, "
		    "each '- name: n1'", DR_MAX_ITEMS);
		return;
	}
	d->nodes = xcalloc(v->n, sizeof *d->nodes);
	for (i = 0; i < v->n; i++) {
		const struct yaml_tree *m = v->v[i];
		struct drill_node *n = &d->nodes[d->nnodes];

		if (dr_map(ld, m, "a node", keys, N_(keys)) != 0)
			continue;
		if ((n->name = dr_word(ld, m, "name", 1, "a node", NULL)) ==
		    NULL)
			continue;
		n->zone = dr_word(ld, m, "zone", 0, "a node", NULL);
		if (n->zone == NULL)
			n->zone = xstrdup("zone-a");
		for (j = 0; j < d->nnodes; j++)
			if (strcmp(d->nodes[j].name, n->name) == 0)
				dr_problem(ld, m, "node '%s' twice; give each "
				    "node its own name", n->name);
		d->nnodes++;
	}
}

/* Read the services. */
static void
dr_services(struct dr_loader *ld, const struct yaml_tree *v)
{
	static const char *const keys[] = {
		"name", "namespace", "replicas", "revision", "image",
		"previous_image", "port", "node", "probe", "kind"
	};
	static const char *const kinds[] = { "deployment", "statefulset" };
	struct drill	*d = ld->d;
	size_t		 i, j;
	char		*kind;

	if (v == NULL || v->kind != YAML_TREE_SEQ || v->n == 0 ||
	    v->n > DR_MAX_ITEMS) {
		dr_problem(ld, v, "'services' must be a list of 1 to %d "
		    "services, each '- name: checkout' with its namespace, "
		    "replicas, revision and image", DR_MAX_ITEMS);
		return;
	}
	d->services = xcalloc(v->n, sizeof *d->services);
	for (i = 0; i < v->n; i++) {
		const struct yaml_tree *m = v->v[i];
		struct drill_service *s = &d->services[d->nservices];
		int ok;

		if (dr_map(ld, m, "a service", keys, N_(keys)) != 0)
			continue;
		s->name = dr_word(ld, m, "name", 1, "a service", NULL);
		s->namespace = dr_word(ld, m, "namespace", 1, "a service",
		    NULL);
		s->image = dr_word(ld, m, "image", 1, "a service", ":/@");
		s->previous_image = dr_word(ld, m, "previous_image", 0,
		    "a service", ":/@");
		ok = s->name != NULL && s->namespace != NULL &&
		    s->image != NULL;
		ok &= dr_int(ld, m, "replicas", 2, 1, DR_MAX_REPLICAS,
		    &s->replicas) == 0;
		ok &= dr_int(ld, m, "revision", 1, 1, 100000,
		    &s->revision) == 0;
		ok &= dr_int(ld, m, "port", 8080, 1, 65535, &s->port) == 0;
		ok &= dr_bool(ld, m, "probe", &s->probe) == 0;
		if (dr_get(ld, m, "node", 0, NULL) != NULL) {
			s->first_node = dr_node(ld, m, "node", 0, NULL);
			ok &= s->first_node >= 0;
		}
		if ((kind = dr_word(ld, m, "kind", 0, NULL, NULL)) != NULL) {
			s->statefulset = dr_one_of(ld, yaml_tree_get(m,
			    "kind"), "kind", kind, kinds, N_(kinds)) == 1;
			free(kind);
		}
		if (s->previous_image == NULL && s->image != NULL)
			s->previous_image = xstrdup(s->image);
		for (j = 0; ok && j < d->nservices; j++)
			if (strcmp(d->services[j].name, s->name) == 0)
				dr_problem(ld, m, "service '%s' twice; give "
				    "each service its own name", s->name);
		if (!ok) {
			free(s->name);
			free(s->namespace);
			free(s->image);
			free(s->previous_image);
			memset(s, 0, sizeof *s);
			ld->failed = 1;
			continue;
		}
		d->nservices++;
	}
}

/* Add point (at, ratio) written at n to SLO k's curve. */
static void
dr_point(struct dr_loader *ld, int k, int64_t at, double ratio,
    const struct yaml_tree *n)
{
	struct dr_curve	*c = &ld->curves[k];

	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	c->v[c->n].at_ms = at;
	c->v[c->n].ratio = ratio;
	c->v[c->n].line = n->line;
	c->v[c->n++].col = n->col;
}

/* Read the SLOs. */
static void
dr_slos(struct dr_loader *ld, const struct yaml_tree *v)
{
	static const char *const keys[] = {
		"name", "service", "objective", "description", "error_query",
		"total_query", "errors", "noise"
	};
	static const char *const pkeys[] = { "at", "ratio" };
	struct drill	*d = ld->d;
	size_t		 i, j;

	if (v == NULL)
		return;
	if (v->kind != YAML_TREE_SEQ || v->n > DR_MAX_ITEMS) {
		dr_problem(ld, v, "'slos' must be a list of SLOs, each '- "
		    "name: checkout-availability' with its service, "
		    "objective and errors");
		return;
	}
	d->slos = xcalloc(v->n + 1, sizeof *d->slos);
	ld->curves = xcalloc(v->n + 1, sizeof *ld->curves);
	for (i = 0; i < v->n; i++) {
		const struct yaml_tree *m = v->v[i], *e;
		struct drill_slo *s = &d->slos[d->nslos];
		const struct drill_service *svc;
		int64_t at;
		double ratio;

		if (dr_map(ld, m, "an SLO", keys, N_(keys)) != 0)
			continue;
		s->name = dr_word(ld, m, "name", 1, "an SLO", NULL);
		s->service = dr_service(ld, m, "service", "an SLO");
		dr_num(ld, m, "objective", 1, "an SLO", 99.9, 50, 99.9999,
		    &s->objective);
		dr_num(ld, m, "noise", 0, NULL, 0.2, 0, 1, &s->noise);
		s->description = dr_opt_text(ld, m, "description", 0, NULL, 0);
		s->error_query = dr_opt_text(ld, m, "error_query", 0, NULL, 0);
		s->total_query = dr_opt_text(ld, m, "total_query", 0, NULL, 0);
		for (j = 0; s->name != NULL && j < d->nslos; j++)
			if (strcmp(d->slos[j].name, s->name) == 0)
				dr_problem(ld, m, "SLO '%s' twice; give each "
				    "SLO its own name", s->name);
		if (s->name == NULL || s->service < 0) {
			free(s->name);
			free(s->description);
			free(s->error_query);
			free(s->total_query);
			memset(s, 0, sizeof *s);
			ld->failed = 1;
			continue;
		}
		svc = &d->services[s->service];
		if (s->error_query == NULL)
			s->error_query = xasprintf("sum(rate(http_requests_"
			    "total{namespace=\"%s\",service=\"%s\",code=~"
			    "\"5..\"}[{{.window}}]))", svc->namespace,
			    svc->name);
		if (s->total_query == NULL)
			s->total_query = xasprintf("sum(rate(http_requests_"
			    "total{namespace=\"%s\",service=\"%s\"}"
			    "[{{.window}}]))", svc->namespace, svc->name);
		e = dr_get(ld, m, "errors", 1, "an SLO");
		if (e != NULL && (e->kind != YAML_TREE_SEQ || e->n == 0)) {
			dr_problem(ld, e, "'errors' is the error-ratio curve: "
			    "a list of points such as '- {at: -1d, ratio: "
			    "0.0002}'");
			e = NULL;
		}
		for (j = 0; e != NULL && j < e->n; j++) {
			if (dr_map(ld, e->v[j], "a point of 'errors'", pkeys,
			    N_(pkeys)) != 0)
				continue;
			if (dr_dur(ld, e->v[j], "at", 1, "a point", 1, 0,
			    &at) == 0 && dr_num(ld, e->v[j], "ratio", 1,
			    "a point", 0, 0, 1, &ratio) == 0)
				dr_point(ld, (int)d->nslos, at, ratio,
				    e->v[j]);
		}
		d->nslos++;
	}
}

/* ------------------------------------------------------------------ */
/* The timeline                                                        */
/* ------------------------------------------------------------------ */

/* The end of something lasting `for` from at; -1 after a problem. */
static int
dr_until(struct dr_loader *ld, const struct yaml_tree *m, int64_t at,
    int64_t *until)
{
	int64_t	 d;

	if (dr_dur(ld, m, "for", 0, NULL, 0, -1, &d) != 0)
		return -1;
	if (d == 0) {
		dr_problem(ld, yaml_tree_get(m, "for"), "'for' of 0 lasts no "
		    "time; write how long it lasts, or leave it out for "
		    "the rest of the drill");
		return -1;
	}
	*until = d < 0 ? DRILL_FOREVER_MS : at + d;
	return 0;
}

/* rollout: {service, image, rollback} */
static void
dr_ev_rollout(struct dr_loader *ld, const struct yaml_tree *m, int64_t at,
    struct drill_event *ev)
{
	static const char *const keys[] = { "service", "image", "rollback" };
	struct drill		*d = ld->d;
	struct drill_rollout	 r;
	size_t			 i;

	if (dr_map(ld, m, "rollout", keys, N_(keys)) != 0)
		return;
	memset(&r, 0, sizeof r);
	r.at_ms = at;
	r.service = dr_service(ld, m, "service", "rollout");
	r.image = dr_word(ld, m, "image", 1, "rollout", ":/@");
	if (dr_dur(ld, m, "rollback", 0, NULL, 0, 0, &r.rollback_ms) == 0 &&
	    r.rollback_ms != 0 && r.rollback_ms <= at)
		dr_problem(ld, yaml_tree_get(m, "rollback"), "the scripted "
		    "rollback must come after the rollout; write a later "
		    "time, or leave it out (only the operator rolls back)");
	if (r.service < 0 || r.image == NULL) {
		free(r.image);
		return;
	}
	if (d->services[r.service].statefulset)
		dr_problem(ld, m, "service '%s' is a statefulset; the "
		    "simulator rolls out deployments only",
		    d->services[r.service].name);
	if (strcmp(r.image, d->services[r.service].image) == 0)
		dr_problem(ld, yaml_tree_get(m, "image"), "service '%s' "
		    "already runs this image; roll out another one",
		    d->services[r.service].name);
	for (i = 0; i < d->nrollouts; i++)
		if (d->rollouts[i].service == r.service)
			dr_problem(ld, m, "service '%s' has a rollout "
			    "already; the simulator plays one per service",
			    d->services[r.service].name);
	ev->index = d->nrollouts;
	d->rollouts[d->nrollouts++] = r;
}

/* error_ratio: {slo, from, to, over} */
static void
dr_ev_error_ratio(struct dr_loader *ld, const struct yaml_tree *m,
    int64_t at, struct drill_event *ev)
{
	static const char *const keys[] = { "slo", "from", "to", "over" };
	double	from, to;
	int64_t	over;
	int	k, ok;

	if (dr_map(ld, m, "error_ratio", keys, N_(keys)) != 0)
		return;
	k = dr_slo(ld, m, "slo", "error_ratio");
	ok = dr_num(ld, m, "from", 1, "error_ratio", 0, 0, 1, &from) == 0;
	ok &= dr_num(ld, m, "to", 1, "error_ratio", 0, 0, 1, &to) == 0;
	ok &= dr_dur(ld, m, "over", 0, NULL, 0, 60 * 1000, &over) == 0;
	if (ok && over <= 0) {
		dr_problem(ld, yaml_tree_get(m, "over"), "'over' must be "
		    "longer than 0: the ratio moves from 'from' to 'to' in "
		    "that time");
		ok = 0;
	}
	if (k < 0 || !ok)
		return;
	dr_point(ld, k, at, from, m);
	dr_point(ld, k, at + over, to, m);
	ev->index = (size_t)k;
}

/* crash_loop: {service, replica, reason, message, every, down, for} */
static void
dr_ev_crash_loop(struct dr_loader *ld, const struct yaml_tree *m,
    int64_t at, struct drill_event *ev)
{
	static const char *const keys[] = {
		"service", "replica", "reason", "message", "every", "down",
		"for"
	};
	struct drill		*d = ld->d;
	struct drill_fault	 f;
	int			 ok;

	if (dr_map(ld, m, "crash_loop", keys, N_(keys)) != 0)
		return;
	memset(&f, 0, sizeof f);
	f.from_ms = at;
	f.service = dr_service(ld, m, "service", "crash_loop");
	ok = dr_int(ld, m, "replica", 0, 0, DR_MAX_REPLICAS - 1,
	    &f.replica) == 0;
	ok &= dr_dur(ld, m, "every", 1, "crash_loop (how often the pod "
	    "restarts)", 0, 0, &f.restart_every_ms) == 0;
	if (ok && f.restart_every_ms < 1000) {
		dr_problem(ld, yaml_tree_get(m, "every"), "'every' must be "
		    "1s or more");
		ok = 0;
	}
	ok &= dr_dur(ld, m, "down", 0, NULL, 0, f.restart_every_ms,
	    &f.down_ms) == 0;
	ok &= dr_until(ld, m, at, &f.until_ms) == 0;
	f.reason = dr_word(ld, m, "reason", 0, NULL, NULL);
	if (f.reason == NULL && yaml_tree_get(m, "reason") == NULL)
		f.reason = xstrdup("CrashLoopBackOff");
	f.message = dr_opt_text(ld, m, "message", 0, NULL, 0);
	if (ok && f.service >= 0 &&
	    f.replica >= d->services[f.service].replicas) {
		dr_problem(ld, yaml_tree_get(m, "replica"), "service '%s' "
		    "has %d replicas (0 to %d); name one of them",
		    d->services[f.service].name,
		    d->services[f.service].replicas,
		    d->services[f.service].replicas - 1);
		ok = 0;
	}
	if (!ok || f.service < 0 || f.reason == NULL) {
		free(f.reason);
		free(f.message);
		return;
	}
	ev->index = d->nfaults;
	d->faults[d->nfaults++] = f;
}

/* node_pressure: {node, condition, for} */
static void
dr_ev_node_pressure(struct dr_loader *ld, const struct yaml_tree *m,
    int64_t at, struct drill_event *ev)
{
	static const char *const keys[] = { "node", "condition", "for" };
	struct drill		*d = ld->d;
	struct drill_node	*n;
	char			*cond;
	int64_t			 until;
	int			 k;

	if (dr_map(ld, m, "node_pressure", keys, N_(keys)) != 0)
		return;
	k = dr_node(ld, m, "node", 1, "node_pressure");
	cond = dr_word(ld, m, "condition", 0, NULL, NULL);
	if (cond != NULL && dr_one_of(ld, yaml_tree_get(m, "condition"),
	    "condition", cond, dr_conditions, N_(dr_conditions)) < 0) {
		free(cond);
		return;
	}
	if (dr_until(ld, m, at, &until) != 0 || k < 0) {
		free(cond);
		return;
	}
	n = &d->nodes[k];
	if (n->pressure != NULL) {
		dr_problem(ld, m, "node '%s' is under pressure already; the "
		    "simulator keeps one condition per node", n->name);
		free(cond);
		return;
	}
	n->pressure = cond != NULL ? cond : xstrdup("MemoryPressure");
	n->pressure_from_ms = at;
	n->pressure_until_ms = until;
	ev->index = (size_t)k;
}

/* probe_fails: {service, status, latency, body, for} */
static void
dr_ev_probe_fails(struct dr_loader *ld, const struct yaml_tree *m,
    int64_t at, struct drill_event *ev)
{
	static const char *const keys[] = {
		"service", "status", "latency", "body", "for"
	};
	struct drill			*d = ld->d;
	struct drill_probe_fault	 p;
	int				 ok;

	if (dr_map(ld, m, "probe_fails", keys, N_(keys)) != 0)
		return;
	memset(&p, 0, sizeof p);
	p.from_ms = at;
	p.service = dr_service(ld, m, "service", "probe_fails");
	ok = dr_int(ld, m, "status", 503, 0, 599, &p.status) == 0;
	ok &= dr_dur(ld, m, "latency", 0, NULL, 0, 0, &p.latency_ms) == 0;
	ok &= dr_until(ld, m, at, &p.until_ms) == 0;
	p.excerpt = dr_opt_text(ld, m, "body", 0, NULL, 0);
	if (ok && p.service >= 0 && !d->services[p.service].probe) {
		dr_problem(ld, m, "service '%s' has no probe; write 'probe: "
		    "true' under it", d->services[p.service].name);
		ok = 0;
	}
	if (!ok || p.service < 0) {
		free(p.excerpt);
		return;
	}
	ev->index = d->nprobe_faults;
	d->probe_faults[d->nprobe_faults++] = p;
}

/* alert: {name, severity, service, labels, summary, description, runbook, for} */
static void
dr_ev_alert(struct dr_loader *ld, const struct yaml_tree *m, int64_t at,
    struct drill_event *ev)
{
	static const char *const keys[] = {
		"name", "severity", "service", "labels", "summary",
		"description", "runbook", "for"
	};
	struct drill		*d = ld->d;
	struct drill_alert	 a;
	const struct yaml_tree	*v;
	struct conf_kv		*kv = NULL;
	size_t			 nkv = 0;
	int			 ok;

	if (dr_map(ld, m, "alert", keys, N_(keys)) != 0)
		return;
	memset(&a, 0, sizeof a);
	a.from_ms = at;
	a.service = -1;
	a.alertname = dr_word(ld, m, "name", 1, "alert", NULL);
	a.severity = dr_word(ld, m, "severity", 1, "alert", NULL);
	ok = a.alertname != NULL && a.severity != NULL;
	if (a.severity != NULL && dr_one_of(ld, yaml_tree_get(m, "severity"),
	    "severity", a.severity, dr_severities, N_(dr_severities)) < 0)
		ok = 0;
	if (yaml_tree_get(m, "service") != NULL &&
	    (a.service = dr_service(ld, m, "service", "alert")) < 0)
		ok = 0;
	if ((v = dr_get(ld, m, "labels", 0, NULL)) != NULL) {
		ok &= dr_labels(ld, v, "labels", &kv, &nkv, &a.labels) == 0;
		dr_kv_free(kv, nkv);
	}
	a.summary = dr_opt_text(ld, m, "summary", 1, "alert", 0);
	a.description = dr_opt_text(ld, m, "description", 0, NULL, 1);
	a.runbook = dr_word(ld, m, "runbook", 0, NULL, "/");
	ok &= a.summary != NULL;
	ok &= dr_until(ld, m, at, &a.until_ms) == 0;
	if (!ok) {
		free(a.alertname);
		free(a.severity);
		free(a.labels);
		free(a.summary);
		free(a.description);
		free(a.runbook);
		ld->failed = 1;
		return;
	}
	ev->index = d->nalerts;
	d->alerts[d->nalerts++] = a;
}

/* alert_stops: NAME -- every alert of that name firing then ends. */
static void
dr_ev_alert_stops(struct dr_loader *ld, const struct yaml_tree *v,
    int64_t at, struct drill_event *ev)
{
	struct drill	*d = ld->d;
	size_t		 i;
	int		 stopped = 0;
	char		 when[32];

	if (v->kind != YAML_TREE_SCALAR) {
		dr_problem(ld, v, "'alert_stops' names an alert: write "
		    "'alert_stops: Watchdog'");
		return;
	}
	if (dr_alertname(ld, v) != 0)
		return;
	for (i = 0; i < d->nalerts; i++) {
		struct drill_alert *a = &d->alerts[i];

		if (strcmp(a->alertname, v->s) != 0 || a->from_ms > at ||
		    a->until_ms <= at)
			continue;
		if (!stopped)
			ev->index = i;
		a->until_ms = at;
		stopped = 1;
	}
	if (!stopped) {
		util_format_duration(at < 0 ? -at : at, when, sizeof when);
		dr_problem(ld, v, "no alert '%s' fires at %s%s; start it in "
		    "an earlier entry of the timeline", v->s, at < 0 ? "-" :
		    "", when);
	}
}

/* alertmanager_down: {member, for} -- a member of 'alertmanagers'. */
static void
dr_ev_alertmanager_down(struct dr_loader *ld, const struct yaml_tree *m,
    int64_t at, struct drill_event *ev)
{
	static const char *const keys[] = { "member", "for" };
	struct drill		*d = ld->d;
	struct drill_am_outage	 o;
	const struct yaml_tree	*v;
	size_t			 i;

	if (dr_map(ld, m, "alertmanager_down", keys, N_(keys)) != 0)
		return;
	memset(&o, 0, sizeof o);
	o.member = -1;
	o.from_ms = at;
	if ((v = dr_get(ld, m, "member", 1, "alertmanager_down")) != NULL) {
		if (v->kind != YAML_TREE_SCALAR)
			dr_problem(ld, v, "'member' names an Alertmanager of "
			    "'alertmanagers'; write its name");
		else if (d->nalertmanagers == 0)
			dr_problem(ld, v, "the drill's Alertmanager has no "
			    "members named; list them first, as "
			    "'alertmanagers: [am-1, am-2]'");
		else
			o.member = dr_one_of(ld, v, "Alertmanager member",
			    v->s, (const char *const *)d->alertmanagers,
			    d->nalertmanagers);
	}
	if (dr_until(ld, m, at, &o.until_ms) != 0 || o.member < 0)
		return;
	for (i = 0; i < d->nam_outages; i++) {
		if (d->am_outages[i].member == o.member &&
		    o.from_ms < d->am_outages[i].until_ms &&
		    d->am_outages[i].from_ms < o.until_ms) {
			dr_problem(ld, m, "Alertmanager '%s' is down already "
			    "then; start this after the other ends",
			    d->alertmanagers[o.member]);
			return;
		}
	}
	ev->index = d->nam_outages;
	d->am_outages[d->nam_outages++] = o;
}

/* Read the timeline. */
static void
dr_timeline(struct dr_loader *ld, const struct yaml_tree *v)
{
	static const char *const keys[] = {
		"at", "rollout", "error_ratio", "crash_loop", "node_pressure",
		"probe_fails", "alert", "alert_stops", "alertmanager_down"
	};
	struct drill	*d = ld->d;
	size_t		 i, j, nkinds;
	int64_t		 at;
	char		*list;

	if (v == NULL || v->kind != YAML_TREE_SEQ || v->n == 0 ||
	    v->n > DR_MAX_ITEMS) {
		dr_problem(ld, v, "'timeline' must be a list of 1 to %d "
		    "entries, each '- at: 30s' and what happens then",
		    DR_MAX_ITEMS);
		return;
	}
	d->events = xcalloc(v->n, sizeof *d->events);
	d->rollouts = xcalloc(v->n, sizeof *d->rollouts);
	d->faults = xcalloc(v->n, sizeof *d->faults);
	d->probe_faults = xcalloc(v->n, sizeof *d->probe_faults);
	d->alerts = xcalloc(v->n, sizeof *d->alerts);
	d->am_outages = xcalloc(v->n, sizeof *d->am_outages);
	for (i = 0; i < v->n; i++) {
		const struct yaml_tree *m = v->v[i], *what = NULL;
		struct drill_event *ev = &d->events[d->nevents];
		size_t kind = 0;

		if (dr_map(ld, m, "a timeline entry", keys, N_(keys)) != 0)
			continue;
		for (nkinds = 0, j = 1; j < N_(keys); j++) {
			if (yaml_tree_get(m, keys[j]) != NULL) {
				what = yaml_tree_get(m, keys[j]);
				kind = j;
				nkinds++;
			}
		}
		if (nkinds != 1) {
			list = dr_list(keys + 1, N_(keys) - 1);
			dr_problem(ld, m, "a timeline entry needs 'at' and "
			    "exactly one of: %s", list);
			free(list);
			continue;
		}
		if (dr_dur(ld, m, "at", 1, "a timeline entry", 1, 0, &at) != 0)
			continue;
		if (at > d->start_ms + d->limit_ms) {
			dr_problem(ld, yaml_tree_get(m, "at"), "this comes "
			    "after the drill's end (start + limit); move it "
			    "earlier or raise 'limit'");
			continue;
		}
		ev->kind = (enum drill_event_kind)(kind - 1);
		ev->at_ms = at;
		ev->line = m->line;
		switch (ev->kind) {
		case DRILL_EV_ROLLOUT:
			dr_ev_rollout(ld, what, at, ev);
			break;
		case DRILL_EV_ERROR_RATIO:
			dr_ev_error_ratio(ld, what, at, ev);
			break;
		case DRILL_EV_CRASH_LOOP:
			dr_ev_crash_loop(ld, what, at, ev);
			break;
		case DRILL_EV_NODE_PRESSURE:
			dr_ev_node_pressure(ld, what, at, ev);
			break;
		case DRILL_EV_PROBE_FAILS:
			dr_ev_probe_fails(ld, what, at, ev);
			break;
		case DRILL_EV_ALERT:
			dr_ev_alert(ld, what, at, ev);
			break;
		case DRILL_EV_ALERT_STOPS:
			dr_ev_alert_stops(ld, what, at, ev);
			break;
		case DRILL_EV_ALERTMANAGER_DOWN:
			dr_ev_alertmanager_down(ld, what, at, ev);
			break;
		}
		d->nevents++;
	}
}

/* Order of curve points. */
static int
dr_pt_cmp(const void *a, const void *b)
{
	const struct dr_pt	*x = a, *y = b;

	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	return x->line != y->line ? (x->line < y->line ? -1 : 1) : 0;
}

/* Each SLO's curve, sorted; two points at one time are a problem. */
static void
dr_curves(struct dr_loader *ld)
{
	struct drill	*d = ld->d;
	struct dr_curve	*c;
	size_t		 i, j;
	char		 when[32];

	for (i = 0; i < d->nslos; i++) {
		c = &ld->curves[i];
		if (c->n == 0)
			continue;
		qsort(c->v, c->n, sizeof *c->v, dr_pt_cmp);
		d->slos[i].curve = xcalloc(c->n, sizeof *d->slos[i].curve);
		for (j = 0; j < c->n; j++) {
			if (j > 0 && c->v[j].at_ms == c->v[j - 1].at_ms) {
				struct yaml_tree at;

				memset(&at, 0, sizeof at);
				at.line = c->v[j].line;
				at.col = c->v[j].col;
				util_format_duration(c->v[j].at_ms < 0 ?
				    -c->v[j].at_ms : c->v[j].at_ms, when,
				    sizeof when);
				dr_problem(ld, &at, "SLO '%s' has another "
				    "point of its error curve at %s%s (line "
				    "%d); move one of them", d->slos[i].name,
				    c->v[j].at_ms < 0 ? "-" : "", when,
				    c->v[j - 1].line);
				continue;
			}
			d->slos[i].curve[d->slos[i].ncurve].at_ms =
			    c->v[j].at_ms;
			d->slos[i].curve[d->slos[i].ncurve++].ratio =
			    c->v[j].ratio;
		}
	}
}

/* ------------------------------------------------------------------ */
/* The expected response                                               */
/* ------------------------------------------------------------------ */

/* Read one action pattern into *x; -1 after a problem. */
static int
dr_match(struct dr_loader *ld, const struct yaml_tree *m, const char *what,
    struct drill_match *x)
{
	static const char *const keys[] = {
		"action", "target", "replicas", "alertname", "severity",
		"labels", "longer_than", "why"
	};
	struct drill		*d = ld->d;
	const struct yaml_tree	*v;
	char			*act;
	int			 k, ok = 1;

	memset(x, 0, sizeof *x);
	x->service = -1;
	x->replicas = -1;
	x->line = m != NULL ? m->line : 0;
	if (dr_map(ld, m, what, keys, N_(keys)) != 0)
		return -1;
	if ((act = dr_word(ld, m, "action", 1, what, NULL)) == NULL)
		return -1;
	k = dr_one_of(ld, yaml_tree_get(m, "action"), "action", act,
	    dr_actions, N_(dr_actions));
	free(act);
	if (k < 0)
		return -1;
	x->action = (enum drill_action)k;
	x->why = dr_opt_text(ld, m, "why", 0, NULL, 0);
	if (x->action != DRILL_SILENCE) {
		static const char *const silence_only[] = {
			"alertname", "severity", "labels", "longer_than"
		};
		size_t i;

		for (i = 0; i < N_(silence_only); i++) {
			if ((v = yaml_tree_get(m, silence_only[i])) != NULL) {
				dr_problem(ld, v, "'%s' belongs to a silence; "
				    "%s takes target%s", silence_only[i],
				    dr_actions[k], x->action == DRILL_SCALE ?
				    " and replicas" : "");
				ok = 0;
			}
		}
		if ((x->service = dr_target(ld, m, what)) < 0)
			return -1;
		if (x->action == DRILL_SCALE)
			ok &= dr_int(ld, m, "replicas", -1, 0,
			    DR_MAX_REPLICAS, &x->replicas) == 0;
		else if ((v = yaml_tree_get(m, "replicas")) != NULL) {
			dr_problem(ld, v, "'replicas' belongs to scale");
			ok = 0;
		}
		if (x->action == DRILL_UNDO) {
			size_t r;
			int rolled = 0;

			for (r = 0; r < d->nrollouts; r++)
				rolled |= d->rollouts[r].service == x->service;
			if (!rolled) {
				dr_problem(ld, yaml_tree_get(m, "target"),
				    "the timeline rolls out nothing to '%s', "
				    "so there is nothing to undo; add a "
				    "rollout or name another action",
				    d->services[x->service].name);
				ok = 0;
			}
		}
		return ok ? 0 : -1;
	}
	if ((v = yaml_tree_get(m, "target")) != NULL ||
	    (v = yaml_tree_get(m, "replicas")) != NULL) {
		dr_problem(ld, v, "a silence has no target; name the alerts "
		    "it covers with alertname, severity or labels");
		ok = 0;
	}
	if ((v = dr_get(ld, m, "alertname", 0, NULL)) != NULL) {
		if ((x->alertname = dr_word(ld, m, "alertname", 0, NULL,
		    NULL)) == NULL || dr_alertname(ld, v) != 0)
			ok = 0;
	}
	if ((v = dr_get(ld, m, "severity", 0, NULL)) != NULL) {
		x->severity = dr_word(ld, m, "severity", 0, NULL, NULL);
		if (x->severity == NULL || dr_one_of(ld, v, "severity",
		    x->severity, dr_severities, N_(dr_severities)) < 0)
			ok = 0;
	}
	if ((v = dr_get(ld, m, "labels", 0, NULL)) != NULL &&
	    dr_labels(ld, v, "labels", &x->labels, &x->nlabels, NULL) != 0)
		ok = 0;
	ok &= dr_dur(ld, m, "longer_than", 0, NULL, 0, 0,
	    &x->longer_than_ms) == 0;
	if (ok && x->alertname == NULL && x->severity == NULL &&
	    x->nlabels == 0) {
		dr_problem(ld, m, "a silence pattern needs alertname, "
		    "severity or labels: which alerts it covers");
		ok = 0;
	}
	return ok ? 0 : -1;
}

/* Read a list of action patterns (key of expect). */
static void
dr_matches(struct dr_loader *ld, const struct yaml_tree *v, const char *key,
    struct drill_match **out, size_t *n)
{
	size_t	i;

	if (v == NULL)
		return;
	if (v->kind != YAML_TREE_SEQ || v->n > DR_MAX_ITEMS) {
		dr_problem(ld, v, "'%s' must be a list of actions, each '- "
		    "{action: undo, target: shop/checkout}'", key);
		return;
	}
	*out = xcalloc(v->n + 1, sizeof **out);
	for (i = 0; i < v->n; i++) {
		if (dr_match(ld, v->v[i], key, &(*out)[*n]) == 0)
			(*n)++;
		else {
			free((*out)[*n].alertname);
			free((*out)[*n].severity);
			free((*out)[*n].why);
			dr_kv_free((*out)[*n].labels, (*out)[*n].nlabels);
			ld->failed = 1;
		}
	}
}

/* Read ack: a list of alertnames or {alertname, labels}. */
static void
dr_acks(struct dr_loader *ld, const struct yaml_tree *v)
{
	static const char *const keys[] = { "alertname", "labels" };
	struct drill	*d = ld->d;
	size_t		 i;

	if (v == NULL)
		return;
	if (v->kind != YAML_TREE_SEQ || v->n > DR_MAX_ITEMS) {
		dr_problem(ld, v, "'ack' must be a list of the alerts whose "
		    "incidents are to be acknowledged, each '- AlertName' or "
		    "'- {alertname: X, labels: {k: v}}'");
		return;
	}
	d->acks = xcalloc(v->n + 1, sizeof *d->acks);
	for (i = 0; i < v->n; i++) {
		const struct yaml_tree *m = v->v[i], *name, *lv;
		struct drill_ack *a = &d->acks[d->nacks];

		if (m->kind == YAML_TREE_SCALAR)
			name = m;
		else if (dr_map(ld, m, "an ack", keys, N_(keys)) != 0 ||
		    (name = dr_get(ld, m, "alertname", 1, "an ack")) == NULL)
			continue;
		if (name->kind != YAML_TREE_SCALAR ||
		    dr_alertname(ld, name) != 0)
			continue;
		a->alertname = xstrdup(name->s);
		a->line = m->line;
		if (m->kind == YAML_TREE_MAP &&
		    (lv = dr_get(ld, m, "labels", 0, NULL)) != NULL &&
		    dr_labels(ld, lv, "labels", &a->labels, &a->nlabels,
		    NULL) != 0) {
			free(a->alertname);
			dr_kv_free(a->labels, a->nlabels);
			memset(a, 0, sizeof *a);
			continue;
		}
		d->nacks++;
	}
}

/* Read end: {after} or {slo, burn_below, window}. */
static void
dr_end(struct dr_loader *ld, const struct yaml_tree *m)
{
	static const char *const keys[] = {
		"after", "slo", "burn_below", "window"
	};
	struct drill_end	*e = &ld->d->end;
	const struct yaml_tree	*w;
	char			*win;
	size_t			 i;

	if (dr_map(ld, m, "'end'", keys, N_(keys)) != 0)
		return;
	if (yaml_tree_get(m, "after") != NULL) {
		if (yaml_tree_get(m, "slo") != NULL ||
		    yaml_tree_get(m, "burn_below") != NULL ||
		    yaml_tree_get(m, "window") != NULL) {
			dr_problem(ld, m, "'end' is either {after: 20m} or "
			    "{slo: NAME, burn_below: 1, window: 5m}, not "
			    "both");
			return;
		}
		e->kind = DRILL_END_AFTER;
		if (dr_dur(ld, m, "after", 1, "'end'", 0, 0,
		    &e->after_ms) == 0 && (e->after_ms <= 0 ||
		    e->after_ms > ld->d->limit_ms))
			dr_problem(ld, yaml_tree_get(m, "after"), "'after' "
			    "must be longer than 0 and at most the drill's "
			    "limit");
		return;
	}
	e->kind = DRILL_END_SLO;
	if (yaml_tree_get(m, "slo") == NULL) {
		dr_problem(ld, m, "'end' needs 'after: DURATION', or 'slo: "
		    "NAME' with burn_below and window");
		return;
	}
	e->slo = dr_slo(ld, m, "slo", "'end'");
	dr_num(ld, m, "burn_below", 1, "'end'", 1, 0.001, 1000,
	    &e->burn_below);
	if ((win = dr_word(ld, m, "window", 1, "'end'", NULL)) == NULL)
		return;
	w = yaml_tree_get(m, "window");
	if ((i = (size_t)dr_one_of(ld, w, "window", win, dr_windows,
	    N_(dr_windows))) < N_(dr_windows))
		util_parse_duration(dr_windows[i], &e->window_ms, NULL);
	free(win);
}

/* Read expect. */
static void
dr_expect(struct dr_loader *ld, const struct yaml_tree *m)
{
	static const char *const keys[] = {
		"ack", "mitigate", "harmful", "end"
	};
	struct drill	*d = ld->d;

	if (dr_map(ld, m, "'expect'", keys, N_(keys)) != 0)
		return;
	dr_acks(ld, dr_get(ld, m, "ack", 0, NULL));
	dr_matches(ld, dr_get(ld, m, "mitigate", 0, NULL), "mitigate",
	    &d->mitigate, &d->nmitigate);
	dr_matches(ld, dr_get(ld, m, "harmful", 0, NULL), "harmful",
	    &d->harmful, &d->nharmful);
	if (dr_get(ld, m, "end", 1, "'expect'") != NULL)
		dr_end(ld, yaml_tree_get(m, "end"));
}

/* ------------------------------------------------------------------ */
/* The file                                                            */
/* ------------------------------------------------------------------ */

/* A 64-bit FNV-1a hash of s: the default seed. */
static uint64_t
dr_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* The Alertmanager's members: a list of 2 to 8 names, or none. */
static void
dr_alertmanagers(struct dr_loader *ld, const struct yaml_tree *v)
{
	struct drill	*d = ld->d;
	size_t		 i, j;
	char		*name;

	if (v == NULL)
		return;
	if (v->kind != YAML_TREE_SEQ || v->n < 2 || v->n > 8) {
		dr_problem(ld, v, "'alertmanagers' must be a list of 2 to 8 "
		    "member names, as [am-1, am-2] (leave it out for one)");
		return;
	}
	d->alertmanagers = xcalloc(v->n, sizeof *d->alertmanagers);
	for (i = 0; i < v->n; i++) {
		const struct yaml_tree *n = v->v[i];

		if (n->kind != YAML_TREE_SCALAR) {
			dr_problem(ld, n, "an Alertmanager member is a name, "
			    "as am-1");
			continue;
		}
		if ((name = dr_text(ld, n, "alertmanagers", 0)) == NULL)
			continue;
		for (j = 0; name[j] != '\0'; j++) {
			if (!isalnum((unsigned char)name[j]) &&
			    name[j] != '-' && name[j] != '.')
				break;
		}
		if (name[j] != '\0' || !isalnum((unsigned char)name[0])) {
			dr_problem(ld, n, "Alertmanager member '%s' is not a "
			    "host name; use letters, digits, '-' and '.'",
			    name);
			free(name);
			continue;
		}
		for (j = 0; j < d->nalertmanagers; j++) {
			if (strcmp(d->alertmanagers[j], name) == 0)
				break;
		}
		if (j < d->nalertmanagers) {
			dr_problem(ld, n, "Alertmanager member '%s' twice; "
			    "give each its own name", name);
			free(name);
			continue;
		}
		d->alertmanagers[d->nalertmanagers++] = name;
	}
}

/* Read the top level of root into ld->d. */
static void
dr_top(struct dr_loader *ld, const struct yaml_tree *root)
{
	static const char *const keys[] = {
		"name", "description", "cluster", "seed", "start", "limit",
		"nodes", "services", "slos", "alertmanagers", "timeline",
		"expect"
	};
	struct drill		*d = ld->d;
	const struct yaml_tree	*v;
	int64_t			 seed;

	if (dr_map(ld, root, "a drill file", keys, N_(keys)) != 0)
		return;
	d->name = dr_word(ld, root, "name", 1, "a drill", NULL);
	d->description = dr_opt_text(ld, root, "description", 1, "a drill",
	    0);
	d->cluster = dr_word(ld, root, "cluster", 0, NULL, NULL);
	if (d->cluster == NULL)
		d->cluster = xstrdup("drill");
	d->seed = dr_hash(d->name != NULL ? d->name : "");
	if ((v = dr_get(ld, root, "seed", 0, NULL)) != NULL) {
		if (v->kind != YAML_TREE_SCALAR ||
		    util_parse_int64(v->s, &seed) != 0 || seed < 0)
			dr_problem(ld, v, "'seed' must be a whole number of "
			    "0 or more");
		else
			d->seed = (uint64_t)seed;
	}
	dr_dur(ld, root, "start", 0, NULL, 1, 0, &d->start_ms);
	if (dr_dur(ld, root, "limit", 1, "a drill (how long it may last)",
	    0, 0, &d->limit_ms) == 0 && (d->limit_ms < 60 * 1000 ||
	    d->limit_ms > 24LL * 3600 * 1000))
		dr_problem(ld, yaml_tree_get(root, "limit"), "'limit' must "
		    "be from 1m to 24h");
	dr_nodes(ld, dr_get(ld, root, "nodes", 1, "a drill"));
	dr_services(ld, dr_get(ld, root, "services", 1, "a drill"));
	if (d->nservices == 0 || d->nnodes == 0)
		return;	/* nothing below can be checked */
	dr_slos(ld, dr_get(ld, root, "slos", 0, NULL));
	dr_alertmanagers(ld, dr_get(ld, root, "alertmanagers", 0, NULL));
	dr_timeline(ld, dr_get(ld, root, "timeline", 1, "a drill"));
	dr_curves(ld);
	if ((v = dr_get(ld, root, "expect", 1, "a drill (the response "
	    "that scores)")) != NULL)
		dr_expect(ld, v);
}

/* Read a drill from memory. */
struct drill *
drill_load_text(const char *name, const char *data, size_t len,
    struct conf_problems *problems)
{
	static const struct yaml_tree_limits lim = {
		DR_MAX_DEPTH, 1, DR_MAX_NODES
	};
	struct dr_loader	 ld;
	struct yaml_tree	*root = NULL;
	size_t			 i;

	memset(&ld, 0, sizeof ld);
	ld.name = name;
	ld.problems = problems;
	if (len > DRILL_MAX_FILE) {
		dr_problem(&ld, NULL, "the file is larger than %d KiB; "
		    "shorten it", DRILL_MAX_FILE / 1024);
		return NULL;
	}
	if (yaml_tree_parse(data, len, &lim, &ld.nodes, dr_yaml_problem, &ld,
	    &root) != 0)
		return NULL;
	if (root == NULL) {
		dr_problem(&ld, NULL, "the file is empty; write a drill "
		    "(name, description, limit, nodes, services, timeline, "
		    "expect: see docs/DRILLS.md)");
		return NULL;
	}
	ld.d = xcalloc(1, sizeof *ld.d);
	ld.d->file = xstrdup(name);
	ld.d->end.slo = -1;
	dr_top(&ld, root);
	yaml_tree_free(root);
	if (ld.curves != NULL) {
		for (i = 0; i < ld.d->nslos + 1; i++)
			free(ld.curves[i].v);
		free(ld.curves);
	}
	if (ld.failed) {
		drill_free(ld.d);
		return NULL;
	}
	return ld.d;
}

/* Read a drill file. */
struct drill *
drill_load_file(const char *path, struct conf_problems *problems)
{
	struct drill	*d;
	struct buf	 b;
	struct stat	 sb;
	char		*cause = NULL;

	if (stat(path, &sb) == 0 && sb.st_size > DRILL_MAX_FILE) {
		conf_problems_add(problems, xasprintf("%s:1:1: the file is "
		    "larger than %d KiB; shorten it", path,
		    DRILL_MAX_FILE / 1024));
		return NULL;
	}
	buf_init(&b, DRILL_MAX_FILE + 1);
	if (buf_read_file(&b, path, &cause) != 0) {
		conf_problems_add(problems, xasprintf("%s; give a "
		    "readable drill file", cause));
		free(cause);
		buf_done(&b);
		return NULL;
	}
	d = drill_load_text(path, b.data != NULL ? b.data : "", b.len,
	    problems);
	buf_done(&b);
	return d;
}

/* A shipped drill by name. */
struct drill *
drill_load_builtin(const char *name, struct conf_problems *problems)
{
	const struct drill_builtin	*b;
	struct drill			*d;
	char				*file;

	for (b = drill_builtins; b->name != NULL; b++) {
		if (strcmp(b->name, name) != 0)
			continue;
		file = xasprintf("drills/%s.yaml", b->name);
		d = drill_load_text(file, b->text, strlen(b->text), problems);
		free(file);
		return d;
	}
	return NULL;
}

/* The word of an action. */
const char *
drill_action_name(enum drill_action a)
{
	return (size_t)a < N_(dr_actions) ? dr_actions[a] : "?";
}

/* Free action patterns. */
static void
dr_matches_free(struct drill_match *x, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(x[i].alertname);
		free(x[i].severity);
		free(x[i].why);
		dr_kv_free(x[i].labels, x[i].nlabels);
	}
	free(x);
}

/* Free a drill. */
void
drill_free(struct drill *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nnodes; i++) {
		free(d->nodes[i].name);
		free(d->nodes[i].zone);
		free(d->nodes[i].pressure);
	}
	free(d->nodes);
	for (i = 0; i < d->nservices; i++) {
		free(d->services[i].name);
		free(d->services[i].namespace);
		free(d->services[i].image);
		free(d->services[i].previous_image);
	}
	free(d->services);
	for (i = 0; i < d->nslos; i++) {
		free(d->slos[i].name);
		free(d->slos[i].description);
		free(d->slos[i].error_query);
		free(d->slos[i].total_query);
		free(d->slos[i].curve);
	}
	free(d->slos);
	for (i = 0; i < d->nrollouts; i++)
		free(d->rollouts[i].image);
	free(d->rollouts);
	for (i = 0; i < d->nfaults; i++) {
		free(d->faults[i].reason);
		free(d->faults[i].message);
	}
	free(d->faults);
	for (i = 0; i < d->nprobe_faults; i++)
		free(d->probe_faults[i].excerpt);
	free(d->probe_faults);
	for (i = 0; i < d->nalerts; i++) {
		free(d->alerts[i].alertname);
		free(d->alerts[i].severity);
		free(d->alerts[i].labels);
		free(d->alerts[i].summary);
		free(d->alerts[i].description);
		free(d->alerts[i].runbook);
	}
	free(d->alerts);
	for (i = 0; i < d->nalertmanagers; i++)
		free(d->alertmanagers[i]);
	free(d->alertmanagers);
	free(d->am_outages);
	free(d->events);
	for (i = 0; i < d->nacks; i++) {
		free(d->acks[i].alertname);
		dr_kv_free(d->acks[i].labels, d->acks[i].nlabels);
	}
	free(d->acks);
	dr_matches_free(d->mitigate, d->nmitigate);
	dr_matches_free(d->harmful, d->nharmful);
	free(d->name);
	free(d->description);
	free(d->file);
	free(d->cluster);
	free(d);
}
