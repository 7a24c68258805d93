/*
 * runbook.c: runbook files read into steps, matched to alerts, and an
 * action step filled into a request for the gate.
 *
 * A file is parsed by yaml_tree.c (the reader the configuration uses too)
 * into a small tree of nodes that remember their line and column, then
 * walked: every problem of the file is collected, each saying where it is
 * and what to do, and the file adds nothing unless it has none.  Values
 * are templates; a template may refer only to an alert's labels
 * (`{{ $labels.NAME }}`), so a reference to anything else is caught when
 * the file is read, and a label missing on the alert is an error when the
 * step is used, never an empty argument.
 */
#include "config.h"

#include <ctype.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/runbook.h"
#include "core/yaml_tree.h"

#define RB_MAX_DEPTH	16
#define RB_MAX_NODES	20000

struct runbook_set {
	struct runbook	*v;
	size_t		 n;
};

/* One file being read. */
struct rb_loader {
	const char		*name;
	struct conf_problems	*problems;
	size_t			 nproblems;
	size_t			 nodes;
};

/* ------------------------------------------------------------------ */
/* Problems and the tree                                               */
/* ------------------------------------------------------------------ */

/* Record "NAME:LINE:COL: message". */
static void __attribute__((format(printf, 4, 5)))
rb_problem(struct rb_loader *ld, int line, int col, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (ld->nproblems++ >= 200)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	conf_problems_add(ld->problems, xasprintf("%s:%d:%d: %s", ld->name,
	    line, col, msg));
	free(msg);
}

/* Word what the YAML reader met; a later document or a NUL reads on. */
static int
rb_yaml_problem(void *arg, const struct yaml_tree_problem *pb)
{
	struct rb_loader	*ld = arg;

	switch (pb->what) {
	case YAML_TREE_SYNTAX:
		rb_problem(ld, pb->line, pb->col, "invalid YAML: %s; correct "
		    "the syntax here", pb->detail != NULL ? pb->detail :
		    "unreadable");
		break;
	case YAML_TREE_SECOND_DOC:
	case YAML_TREE_NUL:
		return 0;	/* a later document wins; a value cut at NUL */
	case YAML_TREE_ALIAS:
		rb_problem(ld, pb->line, pb->col, "aliases are not supported; "
		    "write the value out in full");
		break;
	case YAML_TREE_DEPTH:
	case YAML_TREE_NODES:
		rb_problem(ld, pb->line, pb->col, "too deep or too many "
		    "values; simplify the file");
		break;
	}
	return -1;
}

/* Parse data into a tree; -1 after recording why not. */
static int
rb_parse(struct rb_loader *ld, const char *data, size_t len,
    struct yaml_tree **root)
{
	static const struct yaml_tree_limits lim = {
		RB_MAX_DEPTH, 1, RB_MAX_NODES
	};

	return yaml_tree_parse(data, len, &lim, &ld->nodes, rb_yaml_problem,
	    ld, root);
}

/* ------------------------------------------------------------------ */
/* Templates                                                           */
/* ------------------------------------------------------------------ */

/*
 * Walk the {{ ... }} of s: each must be `$labels.NAME`.  With labels
 * (expand), build the expansion in *out; else only check.  0, or -1 and
 * *cause.
 */
static int
rb_template(const char *s, int expand, const struct conf_kv *labels,
    size_t nlabels, char **out, char **cause)
{
	struct buf	 b;
	const char	*p = s, *open, *close, *a, *z;
	char		*name;
	size_t		 i;
	int		 found;

	buf_init(&b, 1024 * 1024);
	while ((open = strstr(p, "{{")) != NULL) {
		buf_append(&b, p, (size_t)(open - p));
		if ((close = strstr(open + 2, "}}")) == NULL) {
			*cause = xstrdup("a template opens with '{{' and "
			    "never closes; end it with '}}'");
			goto fail;
		}
		for (a = open + 2; a < close && *a == ' '; a++)
			;
		for (z = close; z > a && z[-1] == ' '; z--)
			;
		if ((size_t)(z - a) < 9 || strncmp(a, "$labels.", 8) != 0) {
			name = xstrndup(a, (size_t)(z - a));
			*cause = xasprintf("template '{{ %s }}' refers to "
			    "nothing; write {{ $labels.NAME }} for the "
			    "alert's label NAME", name);
			free(name);
			goto fail;
		}
		name = xstrndup(a + 8, (size_t)(z - a - 8));
		for (i = 0; name[i] != '\0'; i++) {
			if (!isalnum((unsigned char)name[i]) &&
			    name[i] != '_')
				break;
		}
		if (name[i] != '\0' || isdigit((unsigned char)name[0])) {
			*cause = xasprintf("template '{{ $labels.%s }}' does "
			    "not name a label; label names are letters, "
			    "digits and '_'", name);
			free(name);
			goto fail;
		}
		if (expand) {
			found = 0;
			for (i = 0; i < nlabels; i++) {
				if (strcmp(labels[i].key, name) == 0) {
					buf_puts(&b, labels[i].value);
					found = 1;
					break;
				}
			}
			if (!found) {
				*cause = xasprintf("label %s is not on the "
				    "alert; the runbook needs it", name);
				free(name);
				goto fail;
			}
		}
		free(name);
		p = close + 2;
	}
	buf_puts(&b, p);
	if (out != NULL)
		*out = buf_detach(&b);
	buf_done(&b);
	return 0;
fail:
	buf_done(&b);
	return -1;
}

/* Expand a template over labels. */
char *
runbook_expand(const char *tmpl, const struct conf_kv *labels,
    size_t nlabels, char **cause)
{
	char	*out = NULL;

	if (rb_template(tmpl, 1, labels, nlabels, &out, cause) != 0)
		return NULL;
	return out;
}

/* ------------------------------------------------------------------ */
/* Reading a file                                                      */
/* ------------------------------------------------------------------ */

/* A scalar value of key, checked: size, controls, templates.  Or NULL. */
static char *
rb_string(struct rb_loader *ld, const struct yaml_tree *k,
    const struct yaml_tree *v, int templ)
{
	char	*cause;

	if (v->kind != YAML_TREE_SCALAR) {
		rb_problem(ld, v->line, v->col, "expected a string for '%s', "
		    "found %s; write it on the same line", k->s, yaml_tree_what(v));
		return NULL;
	}
	if (strlen(v->s) > RUNBOOK_MAX_FIELD) {
		rb_problem(ld, v->line, v->col, "'%s' is longer than %d "
		    "bytes; shorten it", k->s, RUNBOOK_MAX_FIELD);
		return NULL;
	}
	if (!sanitize_is_clean(v->s, SANITIZE_MULTILINE) ||
	    strlen(v->s) == 0) {
		rb_problem(ld, v->line, v->col, "'%s' is empty or holds a "
		    "control character; write plain text", k->s);
		return NULL;
	}
	if (templ && rb_template(v->s, 0, NULL, 0, NULL, &cause) != 0) {
		rb_problem(ld, v->line, v->col, "%s", cause);
		free(cause);
		return NULL;
	}
	if (!templ && strstr(v->s, "{{") != NULL) {
		rb_problem(ld, v->line, v->col, "'%s' may not hold a "
		    "template; write the value itself", k->s);
		return NULL;
	}
	return xstrdup(v->s);
}

/* A list of strings (argv, env); -1 after a problem. */
static int
rb_strings(struct rb_loader *ld, const struct yaml_tree *k,
    const struct yaml_tree *v, char ***out, size_t *n)
{
	size_t	i;
	char	*s;
	int	 rc = 0;

	if (v->kind != YAML_TREE_SEQ || v->n == 0) {
		rb_problem(ld, v->line, v->col, "expected a list of strings "
		    "for '%s', found %s; write each item after '- '", k->s,
		    v->kind == YAML_TREE_SEQ ? "an empty list" : yaml_tree_what(v));
		return -1;
	}
	if (v->n > RUNBOOK_MAX_ARGV) {
		rb_problem(ld, v->line, v->col, "'%s' has more than %d "
		    "items; shorten it", k->s, RUNBOOK_MAX_ARGV);
		return -1;
	}
	*out = xcalloc(v->n + 1, sizeof **out);
	for (i = 0; i < v->n; i++) {
		if ((s = rb_string(ld, k, v->v[i], 1)) == NULL)
			rc = -1;
		else
			(*out)[(*n)++] = s;
	}
	return rc;
}

/* Parse "< 0.01", "== 0", ">=5" into step; -1 if it is not one. */
static int
rb_condition(const char *s, struct runbook_step *st)
{
	static const struct {
		const char		*op;
		enum runbook_cmp	 cmp;
	} ops[] = {
		{ "<=", RUNBOOK_LE }, { ">=", RUNBOOK_GE },
		{ "==", RUNBOOK_EQ }, { "!=", RUNBOOK_NE },
		{ "<", RUNBOOK_LT }, { ">", RUNBOOK_GT },
	};
	size_t	i, l;
	char	*num;
	int	 rc;

	while (*s == ' ')
		s++;
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		l = strlen(ops[i].op);
		if (strncmp(s, ops[i].op, l) != 0)
			continue;
		s += l;
		while (*s == ' ')
			s++;
		num = xstrdup(s);
		l = strlen(num);
		while (l > 0 && num[l - 1] == ' ')
			num[--l] = '\0';
		rc = util_parse_double(num, &st->threshold);
		free(num);
		if (rc != 0 || !isfinite(st->threshold))
			return -1;
		st->cmp = ops[i].cmp;
		return 0;
	}
	return -1;
}

/*
 * Check map's keys: each a scalar in allowed (space-separated), none
 * twice.  -1 after a problem.
 */
static int
rb_keys(struct rb_loader *ld, const struct yaml_tree *map, const char *what,
    const char *allowed)
{
	size_t		 i, j, l;
	const char	*p;
	int		 rc = 0, ok;

	for (i = 0; i + 1 < map->n; i += 2) {
		const struct yaml_tree *k = map->v[i];

		if (k->kind != YAML_TREE_SCALAR) {
			rb_problem(ld, k->line, k->col, "a key of %s is %s; "
			    "keys are plain words", what, yaml_tree_what(k));
			rc = -1;
			continue;
		}
		ok = 0;
		l = strlen(k->s);
		for (p = allowed; *p != '\0'; p += strcspn(p, " "),
		    p += strspn(p, " ")) {
			if (strcspn(p, " ") == l && strncmp(p, k->s, l) == 0)
				ok = 1;
		}
		if (!ok) {
			char *clean = sanitize_terminal(k->s, 0);

			rb_problem(ld, k->line, k->col, "unknown key '%s' in "
			    "%s; use one of: %s", clean, what, allowed);
			free(clean);
			rc = -1;
		}
		for (j = 0; j < i; j += 2) {
			if (map->v[j]->kind == YAML_TREE_SCALAR &&
			    strcmp(map->v[j]->s, k->s) == 0) {
				rb_problem(ld, k->line, k->col, "duplicate "
				    "key '%s' (first at line %d); remove one",
				    k->s, map->v[j]->line);
				rc = -1;
			}
		}
	}
	return rc;
}

/* Free what a step holds. */
static void
rb_step_done(struct runbook_step *st)
{
	size_t	i;

	free(st->text);
	free(st->url);
	free(st->query);
	free(st->expect);
	free(st->namespace);
	free(st->target);
	for (i = 0; i < st->nargv; i++)
		free(st->argv[i]);
	free(st->argv);
	for (i = 0; i < st->nenv; i++)
		free(st->env[i]);
	free(st->env);
	free(st->note);
}

/* Free what a runbook holds. */
static void
rb_done(struct runbook *rb)
{
	size_t	i;

	free(rb->name);
	free(rb->file);
	free(rb->alertname);
	for (i = 0; i < rb->nmatchers; i++) {
		free(rb->matchers[i].label);
		free(rb->matchers[i].value);
		if (rb->matchers[i].regex)
			regfree(&rb->matchers[i].re);
	}
	free(rb->matchers);
	free(rb->service);
	for (i = 0; i < rb->nsteps; i++)
		rb_step_done(&rb->steps[i]);
	free(rb->steps);
}

/* Whether an env item is NAME or NAME=value with a proper NAME. */
static int
rb_env_ok(const char *s)
{
	size_t	i;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	for (i = 1; s[i] != '\0' && s[i] != '='; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	}
	return 1;
}

/* Read one step's action parameters (st->action set); -1 on a problem. */
static int
rb_action(struct rb_loader *ld, const struct yaml_tree *m,
    struct runbook_step *st)
{
	const struct yaml_tree	*v;
	int			 rc = 0;
	int64_t			 n;
	size_t			 i, k;
	enum action_kind	 kind = st->action->kind;

	for (i = 0; i + 1 < m->n; i += 2) {
		const struct yaml_tree *key = m->v[i];

		v = m->v[i + 1];
		if (strcmp(key->s, "namespace") == 0 ||
		    strcmp(key->s, "deployment") == 0 ||
		    strcmp(key->s, "pod") == 0) {
			if (strcmp(key->s, "namespace") != 0 &&
			    strcmp(key->s, kind == ACTION_DELETE_POD ? "pod" :
			    "deployment") != 0) {
				rb_problem(ld, key->line, key->col, "'%s' does "
				    "not apply to %s; %s", key->s,
				    st->action->name, kind == ACTION_DELETE_POD ?
				    "name the pod" : kind <= ACTION_SCALE ?
				    "name the deployment" : "remove it");
				rc = -1;
				continue;
			}
			if (kind > ACTION_DELETE_POD) {
				rb_problem(ld, key->line, key->col, "'%s' does "
				    "not apply to %s; remove it", key->s,
				    st->action->name);
				rc = -1;
				continue;
			}
			{
				char *s = rb_string(ld, key, v, 1);

				if (s == NULL)
					rc = -1;
				else if (strcmp(key->s, "namespace") == 0)
					st->namespace = s;
				else
					st->target = s;
			}
		} else if (strcmp(key->s, "replicas") == 0 ||
		    strcmp(key->s, "to_revision") == 0) {
			int want = strcmp(key->s, "replicas") == 0 ?
			    ACTION_SCALE : ACTION_UNDO;

			if ((int)kind != want) {
				rb_problem(ld, key->line, key->col, "'%s' "
				    "applies to %s only; remove it", key->s,
				    want == ACTION_SCALE ? "scale" : "undo");
				rc = -1;
			} else if (v->kind != YAML_TREE_SCALAR ||
			    util_parse_int64(v->s, &n) != 0 || n < 0 ||
			    n > 100000) {
				rb_problem(ld, v->line, v->col, "expected a "
				    "whole number from 0 to 100000 for '%s'",
				    key->s);
				rc = -1;
			} else if (want == ACTION_SCALE)
				st->replicas = (int)n;
			else
				st->to_revision = n;
		} else if (strcmp(key->s, "argv") == 0 ||
		    strcmp(key->s, "env") == 0 ||
		    strcmp(key->s, "timeout") == 0) {
			if (kind != ACTION_COMMAND) {
				rb_problem(ld, key->line, key->col, "'%s' "
				    "applies to command only; remove it",
				    key->s);
				rc = -1;
			} else if (strcmp(key->s, "argv") == 0) {
				if (rb_strings(ld, key, v, &st->argv,
				    &st->nargv) != 0)
					rc = -1;
				else if (strchr(st->argv[0], '{') != NULL) {
					rb_problem(ld, v->v[0]->line,
					    v->v[0]->col, "the program (argv's "
					    "first item) may not be a template; "
					    "name it");
					rc = -1;
				}
			} else if (strcmp(key->s, "env") == 0) {
				if (rb_strings(ld, key, v, &st->env,
				    &st->nenv) != 0)
					rc = -1;
				for (k = 0; k < st->nenv; k++) {
					if (rb_env_ok(st->env[k]))
						continue;
					rb_problem(ld, v->v[k]->line,
					    v->v[k]->col, "env item '%s' is "
					    "not NAME or NAME=value", v->v[k]->s);
					rc = -1;
				}
			} else {
				char *cause;

				if (v->kind != YAML_TREE_SCALAR ||
				    util_parse_duration(v->s, &st->timeout_ms,
				    &cause) != 0) {
					if (v->kind != YAML_TREE_SCALAR)
						cause = xstrdup("not a value");
					rb_problem(ld, v->line, v->col, "bad "
					    "timeout: %s; write a duration such "
					    "as 30s", cause);
					free(cause);
					rc = -1;
				} else if (st->timeout_ms <= 0 ||
				    st->timeout_ms > RUNBOOK_MAX_TIMEOUT_MS) {
					rb_problem(ld, v->line, v->col, "timeout "
					    "must be above 0 and at most 10m");
					rc = -1;
				}
			}
		} else if (strcmp(key->s, "note") == 0) {
			if ((st->note = rb_string(ld, key, v, 1)) == NULL)
				rc = -1;
		} else if (strcmp(key->s, "alternative") == 0) {
			if (v->kind != YAML_TREE_SCALAR || (strcmp(v->s, "true") != 0 &&
			    strcmp(v->s, "false") != 0)) {
				rb_problem(ld, v->line, v->col, "expected true "
				    "or false for 'alternative'");
				rc = -1;
			} else
				st->alternative = strcmp(v->s, "true") == 0;
		}
	}
	if (rc == 0 && kind <= ACTION_DELETE_POD && (st->namespace == NULL ||
	    st->target == NULL)) {
		rb_problem(ld, m->line, m->col, "%s needs namespace and %s",
		    st->action->name, kind == ACTION_DELETE_POD ? "pod" :
		    "deployment");
		rc = -1;
	}
	if (rc == 0 && kind == ACTION_SCALE && st->replicas < 0) {
		rb_problem(ld, m->line, m->col, "scale needs replicas");
		rc = -1;
	}
	if (rc == 0 && kind == ACTION_COMMAND && st->nargv == 0) {
		rb_problem(ld, m->line, m->col, "command needs argv, the "
		    "program and its arguments as a list");
		rc = -1;
	}
	if (kind == ACTION_COMMAND && st->timeout_ms == 0)
		st->timeout_ms = RUNBOOK_DEFAULT_TIMEOUT_MS;
	return rc;
}

/* Read one step; -1 on a problem. */
static int
rb_step(struct rb_loader *ld, const struct yaml_tree *m,
    struct runbook_step *st, int have_action)
{
	const struct yaml_tree	*v, *k;
	int			 rc = 0, kinds = 0;
	char			*clean;

	memset(st, 0, sizeof *st);
	st->replicas = -1;
	st->line = m->line;
	if (m->kind != YAML_TREE_MAP) {
		rb_problem(ld, m->line, m->col, "a step is %s; write a "
		    "mapping such as 'text: ...' or 'action: undo'",
		    yaml_tree_what(m));
		return -1;
	}
	if (rb_keys(ld, m, "a step", "text link check action namespace "
	    "deployment pod replicas to_revision argv env timeout note "
	    "alternative") != 0)
		return -1;
	kinds = (yaml_tree_get(m, "text") != NULL) + (yaml_tree_get(m, "link") != NULL) +
	    (yaml_tree_get(m, "check") != NULL) + (yaml_tree_get(m, "action") != NULL);
	if (kinds != 1) {
		rb_problem(ld, m->line, m->col, "a step needs exactly one of "
		    "text, link, check or action");
		return -1;
	}
	if (yaml_tree_get(m, "action") == NULL && m->n > 2) {
		k = m->v[0];
		if (strcmp(k->s, "text") == 0 || strcmp(k->s, "link") == 0 ||
		    strcmp(k->s, "check") == 0)
			k = m->v[2];
		rb_problem(ld, k->line, k->col, "'%s' belongs to an action "
		    "step; remove it", k->s);
		return -1;
	}
	if ((v = yaml_tree_get(m, "text")) != NULL) {
		st->kind = RUNBOOK_TEXT;
		if ((st->text = rb_string(ld, m->v[0], v, 1)) == NULL)
			rc = -1;
	} else if ((v = yaml_tree_get(m, "link")) != NULL) {
		st->kind = RUNBOOK_LINK;
		if (v->kind != YAML_TREE_MAP) {
			rb_problem(ld, v->line, v->col, "expected a mapping "
			    "for 'link' (url:, title:), found %s",
			    yaml_tree_what(v));
			return -1;
		}
		if (rb_keys(ld, v, "a link", "url title") != 0)
			return -1;
		if ((k = yaml_tree_get(v, "url")) == NULL) {
			rb_problem(ld, v->line, v->col, "a link needs url");
			return -1;
		}
		if ((st->url = rb_string(ld, m->v[0], k, 1)) == NULL)
			rc = -1;
		else if (strncmp(st->url, "http://", 7) != 0 &&
		    strncmp(st->url, "https://", 8) != 0) {
			rb_problem(ld, k->line, k->col, "a link's url must "
			    "start with http:// or https://");
			rc = -1;
		}
		if ((k = yaml_tree_get(v, "title")) != NULL &&
		    (st->text = rb_string(ld, m->v[0], k, 1)) == NULL)
			rc = -1;
	} else if ((v = yaml_tree_get(m, "check")) != NULL) {
		st->kind = RUNBOOK_CHECK;
		if (v->kind != YAML_TREE_MAP) {
			rb_problem(ld, v->line, v->col, "expected a mapping "
			    "for 'check' (query:, expect:, description:), "
			    "found %s", yaml_tree_what(v));
			return -1;
		}
		if (rb_keys(ld, v, "a check", "query expect description") != 0)
			return -1;
		if (yaml_tree_get(v, "query") == NULL || yaml_tree_get(v, "expect") == NULL) {
			rb_problem(ld, v->line, v->col, "a check needs query "
			    "and expect");
			return -1;
		}
		k = yaml_tree_get(v, "query");
		if ((st->query = rb_string(ld, k, k, 1)) == NULL)
			rc = -1;
		k = yaml_tree_get(v, "expect");
		if ((st->expect = rb_string(ld, k, k, 0)) == NULL)
			rc = -1;
		else if (rb_condition(st->expect, st) != 0) {
			clean = sanitize_terminal(st->expect, 0);
			rb_problem(ld, k->line, k->col, "bad condition '%s'; "
			    "write an operator (<, <=, >, >=, ==, !=) and a "
			    "number, such as '< 0.01'", clean);
			free(clean);
			rc = -1;
		}
		if ((k = yaml_tree_get(v, "description")) != NULL &&
		    (st->text = rb_string(ld, k, k, 1)) == NULL)
			rc = -1;
	} else {
		v = yaml_tree_get(m, "action");
		st->kind = RUNBOOK_ACTION;
		if (v->kind != YAML_TREE_SCALAR ||
		    (st->action = action_def_find(v->s)) == NULL ||
		    st->action->kind == ACTION_EXPIRE) {
			clean = sanitize_terminal(v->kind == YAML_TREE_SCALAR ?
			    v->s : "", 0);
			rb_problem(ld, v->line, v->col, "unknown action '%s'; "
			    "use one of restart, undo, scale, delete-pod, ack, "
			    "silence, command", clean);
			free(clean);
			return -1;
		}
		if (rb_action(ld, m, st) != 0)
			rc = -1;
		if (st->alternative && !have_action) {
			rb_problem(ld, m->line, m->col, "'alternative' needs "
			    "an action step before it");
			rc = -1;
		}
	}
	return rc;
}

/* Read one runbook mapping into rb; -1 on a problem. */
static int
rb_runbook(struct rb_loader *ld, const struct yaml_tree *m,
    struct runbook *rb)
{
	const struct yaml_tree	*v, *k, *lm;
	size_t			 i;
	int			 rc = 0, have_action = 0, erc, regex;
	char			*anch, err[200];

	memset(rb, 0, sizeof *rb);
	rb->file = xstrdup(ld->name);
	rb->line = m->line;
	if (m->kind != YAML_TREE_MAP) {
		rb_problem(ld, m->line, m->col, "a runbook is %s; write "
		    "name:, match: and steps:", yaml_tree_what(m));
		return -1;
	}
	if (rb_keys(ld, m, "a runbook", "name match steps") != 0)
		rc = -1;
	if ((v = yaml_tree_get(m, "name")) == NULL) {
		rb_problem(ld, m->line, m->col, "a runbook needs a name");
		rc = -1;
	} else if ((rb->name = rb_string(ld, m->v[0], v, 0)) == NULL)
		rc = -1;
	if ((v = yaml_tree_get(m, "match")) == NULL || v->kind != YAML_TREE_MAP) {
		rb_problem(ld, v != NULL ? v->line : m->line, v != NULL ?
		    v->col : m->col, "a runbook needs match: with alertname, "
		    "labels, labels_regex or service");
		rc = -1;
	} else if (rb_keys(ld, v, "match", "alertname labels labels_regex "
	    "service") != 0)
		rc = -1;
	else if (v->n == 0) {
		rb_problem(ld, v->line, v->col, "match: is empty; give "
		    "alertname, labels or service");
		rc = -1;
	} else {
		if ((k = yaml_tree_get(v, "alertname")) != NULL &&
		    (rb->alertname = rb_string(ld, k, k, 0)) == NULL)
			rc = -1;
		if ((k = yaml_tree_get(v, "service")) != NULL &&
		    (rb->service = rb_string(ld, k, k, 0)) == NULL)
			rc = -1;
		for (regex = 0; regex < 2; regex++) {
			if ((lm = yaml_tree_get(v, regex ? "labels_regex" :
			    "labels")) == NULL)
				continue;
			if (lm->kind != YAML_TREE_MAP) {
				rb_problem(ld, lm->line, lm->col, "expected a "
				    "mapping of label: value, found %s",
				    yaml_tree_what(lm));
				rc = -1;
				continue;
			}
			for (i = 0; i + 1 < lm->n; i += 2) {
				struct runbook_matcher	*mt;
				char			*val;

				k = lm->v[i];
				if (k->kind != YAML_TREE_SCALAR || (val = rb_string(
				    ld, k, lm->v[i + 1], 0)) == NULL) {
					rc = -1;
					continue;
				}
				rb->matchers = xreallocarray(rb->matchers,
				    rb->nmatchers + 1, sizeof *rb->matchers);
				mt = &rb->matchers[rb->nmatchers++];
				memset(mt, 0, sizeof *mt);
				mt->label = xstrdup(k->s);
				mt->value = val;
				if (!regex)
					continue;
				anch = xasprintf("^(%s)$", val);
				erc = regcomp(&mt->re, anch, REG_EXTENDED |
				    REG_NOSUB);
				free(anch);
				if (erc != 0) {
					regerror(erc, &mt->re, err, sizeof err);
					rb_problem(ld, lm->v[i + 1]->line,
					    lm->v[i + 1]->col, "bad regex: %s; "
					    "correct it", err);
					rc = -1;
				} else
					mt->regex = 1;
			}
		}
	}
	if ((v = yaml_tree_get(m, "steps")) == NULL || v->kind != YAML_TREE_SEQ ||
	    v->n == 0) {
		rb_problem(ld, v != NULL ? v->line : m->line, v != NULL ?
		    v->col : m->col, "a runbook needs steps:, a list");
		return -1;
	}
	if (v->n > RUNBOOK_MAX_STEPS) {
		rb_problem(ld, v->line, v->col, "more than %d steps; split "
		    "the runbook", RUNBOOK_MAX_STEPS);
		return -1;
	}
	rb->steps = xcalloc(v->n, sizeof *rb->steps);
	for (i = 0; i < v->n; i++) {
		if (rb_step(ld, v->v[i], &rb->steps[rb->nsteps++],
		    have_action) != 0)
			rc = -1;
		else if (rb->steps[rb->nsteps - 1].kind == RUNBOOK_ACTION)
			have_action = 1;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Sets                                                                */
/* ------------------------------------------------------------------ */

/* A new empty set. */
struct runbook_set *
runbook_set_new(void)
{
	return xcalloc(1, sizeof (struct runbook_set));
}

/* Free a set and its runbooks. */
void
runbook_set_free(struct runbook_set *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		rb_done(&set->v[i]);
	free(set->v);
	free(set);
}

/* Parse a file's text and add its runbooks when it has no problem. */
int
runbook_set_add_buffer(struct runbook_set *set, const char *name,
    const char *data, size_t len, struct conf_problems *problems)
{
	struct rb_loader	 ld;
	struct yaml_tree		*root = NULL;
	struct runbook		*v = NULL;
	size_t			 n = 0, i, count;
	int			 rc = 0;

	memset(&ld, 0, sizeof ld);
	ld.name = name;
	ld.problems = problems;
	if (len > RUNBOOK_MAX_FILE) {
		rb_problem(&ld, 1, 1, "the file is larger than %d KiB; split "
		    "it", RUNBOOK_MAX_FILE / 1024);
		return -1;
	}
	if (rb_parse(&ld, data, len, &root) != 0)
		return -1;
	if (root == NULL) {
		rb_problem(&ld, 1, 1, "the file is empty; write a runbook "
		    "(name:, match:, steps:) or a list of them");
		return -1;
	}
	count = root->kind == YAML_TREE_SEQ ? root->n : 1;
	if (set->n + count > RUNBOOK_MAX_RUNBOOKS) {
		rb_problem(&ld, root->line, root->col, "more than %d "
		    "runbooks in all; remove some", RUNBOOK_MAX_RUNBOOKS);
		yaml_tree_free(root);
		return -1;
	}
	v = xcalloc(count + 1, sizeof *v);
	for (i = 0; i < count; i++) {
		if (rb_runbook(&ld, root->kind == YAML_TREE_SEQ ? root->v[i] : root,
		    &v[n++]) != 0)
			rc = -1;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		size_t j;

		for (j = 0; j < set->n; j++) {
			if (strcmp(set->v[j].name, v[i].name) != 0)
				continue;
			rb_problem(&ld, v[i].line, 1, "runbook '%s' is also "
			    "in %s:%d; give each a unique name", v[i].name,
			    set->v[j].file, set->v[j].line);
			rc = -1;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(v[j].name, v[i].name) != 0)
				continue;
			rb_problem(&ld, v[i].line, 1, "runbook '%s' is also "
			    "at line %d; give each a unique name", v[i].name,
			    v[j].line);
			rc = -1;
		}
	}
	yaml_tree_free(root);
	if (rc != 0) {
		for (i = 0; i < n; i++)
			rb_done(&v[i]);
		free(v);
		return -1;
	}
	set->v = xreallocarray(set->v, set->n + n, sizeof *set->v);
	memcpy(set->v + set->n, v, n * sizeof *v);
	set->n += n;
	free(v);
	return 0;
}

/* Order file names. */
static int
rb_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a file name ends in .yaml or .yml (and is not hidden). */
static int
rb_is_yaml(const char *name)
{
	size_t	l = strlen(name);

	if (name[0] == '.')
		return 0;
	return (l > 5 && strcmp(name + l - 5, ".yaml") == 0) ||
	    (l > 4 && strcmp(name + l - 4, ".yml") == 0);
}

/* Read every runbook file of the directories. */
int
runbook_set_load_dirs(struct runbook_set *set, char **dirs, size_t ndirs,
    struct conf_problems *problems)
{
	DIR		*d;
	struct dirent	*de;
	char		**names, *path, *cause;
	size_t		  nnames, i, j;
	struct buf	  b;
	struct stat	  sb;
	int		  rc = 0;

	for (i = 0; i < ndirs; i++) {
		if ((d = opendir(dirs[i])) == NULL) {
			conf_problems_add(problems, xasprintf("%s: cannot "
			    "read the runbook directory: %s; create it or "
			    "correct runbooks:", dirs[i], strerror(errno)));
			rc = -1;
			continue;
		}
		names = NULL;
		nnames = 0;
		while ((de = readdir(d)) != NULL) {
			if (!rb_is_yaml(de->d_name))
				continue;
			if (nnames == RUNBOOK_MAX_FILES) {
				conf_problems_add(problems, xasprintf("%s: "
				    "more than %d runbook files; split the "
				    "directory", dirs[i], RUNBOOK_MAX_FILES));
				rc = -1;
				break;
			}
			names = xreallocarray(names, nnames + 1,
			    sizeof *names);
			names[nnames++] = xstrdup(de->d_name);
		}
		closedir(d);
		if (nnames > 1)
			qsort(names, nnames, sizeof *names, rb_name_cmp);
		for (j = 0; j < nnames; j++) {
			path = xasprintf("%s/%s", dirs[i], names[j]);
			buf_init(&b, RUNBOOK_MAX_FILE);
			if (stat(path, &sb) == 0 && sb.st_size >
			    RUNBOOK_MAX_FILE) {
				conf_problems_add(problems, xasprintf("%s:1:1: "
				    "the file is larger than %d KiB; split it",
				    path, RUNBOOK_MAX_FILE / 1024));
				rc = -1;
			} else if (buf_read_file(&b, path, &cause) != 0) {
				conf_problems_add(problems, xasprintf("%s: %s; "
				    "make it readable", path, cause));
				free(cause);
				rc = -1;
			} else if (runbook_set_add_buffer(set, path,
			    b.data != NULL ? b.data : "", b.len,
			    problems) != 0)
				rc = -1;
			buf_done(&b);
			free(path);
			free(names[j]);
		}
		free(names);
	}
	return rc;
}

/* How many runbooks. */
size_t
runbook_set_count(const struct runbook_set *set)
{
	return set != NULL ? set->n : 0;
}

/* Runbook i. */
const struct runbook *
runbook_set_get(const struct runbook_set *set, size_t i)
{
	return set != NULL && i < set->n ? &set->v[i] : NULL;
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

/* A label's value, or NULL. */
static const char *
rb_label(const struct conf_kv *labels, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(labels[i].key, key) == 0)
			return labels[i].value;
	}
	return NULL;
}

/* Whether rb's alert part (alertname, labels) holds for labels. */
static int
rb_alert_matches(const struct runbook *rb, const struct conf_kv *labels,
    size_t n)
{
	const char	*v;
	size_t		 i;

	if (rb->alertname == NULL && rb->nmatchers == 0)
		return 0;
	if (rb->alertname != NULL && ((v = rb_label(labels, n,
	    "alertname")) == NULL || strcmp(v, rb->alertname) != 0))
		return 0;
	for (i = 0; i < rb->nmatchers; i++) {
		v = rb_label(labels, n, rb->matchers[i].label);
		if (v == NULL)
			return 0;
		if (rb->matchers[i].regex) {
			if (regexec(&rb->matchers[i].re, v, 0, NULL, 0) != 0)
				return 0;
		} else if (strcmp(v, rb->matchers[i].value) != 0)
			return 0;
	}
	return 1;
}

/* The first runbook matching an alert's labels, or service. */
const struct runbook *
runbook_match(const struct runbook_set *set, const struct conf_kv *labels,
    size_t nlabels, const char *service)
{
	size_t	i;

	if (set == NULL)
		return NULL;
	for (i = 0; labels != NULL && i < set->n; i++) {
		const struct runbook *rb = &set->v[i];

		if (!rb_alert_matches(rb, labels, nlabels))
			continue;
		if (rb->service != NULL && (service == NULL ||
		    strcmp(service, rb->service) != 0))
			continue;
		return rb;
	}
	for (i = 0; labels == NULL && service != NULL && i < set->n; i++) {
		const struct runbook *rb = &set->v[i];

		if (rb->alertname == NULL && rb->nmatchers == 0 &&
		    rb->service != NULL && strcmp(rb->service, service) == 0)
			return rb;
	}
	return NULL;
}

/* Whether value meets the check's condition. */
int
runbook_check_holds(const struct runbook_step *st, double v)
{
	if (isnan(v))
		return 0;
	switch (st->cmp) {
	case RUNBOOK_LT:
		return v < st->threshold;
	case RUNBOOK_LE:
		return v <= st->threshold;
	case RUNBOOK_GT:
		return v > st->threshold;
	case RUNBOOK_GE:
		return v >= st->threshold;
	case RUNBOOK_EQ:
		return v == st->threshold;
	case RUNBOOK_NE:
		return v != st->threshold;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/* Whether s is a name Kubernetes accepts (DNS subdomain). */
static int
rb_kube_name(const char *s)
{
	size_t	i, l = strlen(s);

	if (l == 0 || l > 253 || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[l - 1]))
		return 0;
	for (i = 0; i < l; i++) {
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '.'))
			return 0;
	}
	return 1;
}

/* Free what a request holds. */
void
runbook_request_done(struct runbook_request *r)
{
	size_t	i;

	free(r->title);
	free(r->namespace);
	free(r->name);
	free(r->why);
	free(r->incident);
	for (i = 0; r->argv != NULL && r->argv[i] != NULL; i++)
		free(r->argv[i]);
	free(r->argv);
	for (i = 0; r->env != NULL && r->env[i] != NULL; i++)
		free(r->env[i]);
	free(r->env);
	memset(r, 0, sizeof *r);
}

/* Fill a request from an action step. */
int
runbook_step_request(const struct runbook *rb, size_t i,
    const struct conf_kv *labels, size_t nlabels, const char *incident,
    struct runbook_request *out, char **cause)
{
	const struct runbook_step	*st;
	const char			*val;
	char				*clean, *e;
	size_t				 k, ne = 0;

	memset(out, 0, sizeof *out);
	if (rb == NULL || i >= rb->nsteps ||
	    rb->steps[i].kind != RUNBOOK_ACTION) {
		*cause = xstrdup("that runbook step is not an action");
		return -1;
	}
	st = &rb->steps[i];
	out->req.kind = st->action->kind;
	if (st->namespace != NULL) {
		if ((out->namespace = runbook_expand(st->namespace, labels,
		    nlabels, cause)) == NULL ||
		    (out->name = runbook_expand(st->target, labels, nlabels,
		    cause)) == NULL)
			goto fail;
		if (!rb_kube_name(out->namespace) ||
		    !rb_kube_name(out->name)) {
			clean = sanitize_terminal(rb_kube_name(
			    out->namespace) ? out->name : out->namespace, 0);
			*cause = xasprintf("'%s' is not a name Kubernetes "
			    "accepts; correct the alert's labels or the "
			    "runbook", clean);
			free(clean);
			goto fail;
		}
		out->title = xasprintf("%s %s %s/%s", st->action->name,
		    st->action->writes, out->namespace, out->name);
	}
	out->req.namespace = out->namespace;
	out->req.name = out->name;
	out->req.to_revision = st->to_revision;
	out->req.replicas = st->replicas < 0 ? 0 : st->replicas;
	if (st->action->kind == ACTION_COMMAND) {
		out->argv = xcalloc(st->nargv + 1, sizeof *out->argv);
		for (k = 0; k < st->nargv; k++) {
			if ((out->argv[k] = runbook_expand(st->argv[k], labels,
			    nlabels, cause)) == NULL)
				goto fail;
		}
		out->env = xcalloc(st->nenv + 1, sizeof *out->env);
		for (k = 0; k < st->nenv; k++) {
			if (strchr(st->env[k], '=') != NULL) {
				if ((e = runbook_expand(st->env[k], labels,
				    nlabels, cause)) == NULL)
					goto fail;
				out->env[ne++] = e;
			} else if ((val = getenv(st->env[k])) != NULL)
				out->env[ne++] = xasprintf("%s=%s",
				    st->env[k], val);
		}
		out->cmd.argv = (const char *const *)out->argv;
		out->cmd.env = (const char *const *)out->env;
		out->cmd.timeout_ms = st->timeout_ms;
		out->req.command = &out->cmd;
		out->title = xasprintf("command %s", out->argv[0]);
	}
	if (out->title == NULL)
		out->title = xstrdup(st->action->kind == ACTION_ACK ?
		    "ack incident" : "silence incident");
	if (incident != NULL)
		out->incident = xstrdup(incident);
	out->req.incident = out->incident;
	out->why = xasprintf("runbook %s step %zu", rb->name, i + 1);
	out->req.why = out->why;
	return 0;
fail:
	runbook_request_done(out);
	return -1;
}

/* Whether a timeline row says title was done. */
int
runbook_timeline_done(const char *title, const char *kind, const char *text)
{
	size_t	l = strlen(title);

	if (kind == NULL || text == NULL || strcmp(kind, "action") != 0)
		return 0;
	return strncmp(text, title, l) == 0 && (text[l] == '\0' ||
	    text[l] == ':' || text[l] == ' ');
}

/* ------------------------------------------------------------------ */
/* Labels                                                              */
/* ------------------------------------------------------------------ */

/* The string members of a JSON object. */
struct conf_kv *
runbook_labels_json(const char *json, size_t *n)
{
	cJSON		*o, *it;
	struct conf_kv	*kv;
	char		*v;

	*n = 0;
	if (json == NULL || (o = cJSON_Parse(json)) == NULL)
		return NULL;
	kv = xcalloc((size_t)cJSON_GetArraySize(o) + 1, sizeof *kv);
	cJSON_ArrayForEach(it, o) {
		if (it->string == NULL || (v = json_string(it)) == NULL)
			continue;
		kv[*n].key = xstrdup(it->string);
		kv[(*n)++].value = v;
	}
	cJSON_Delete(o);
	return kv;
}

/* Free labels. */
void
runbook_labels_free(struct conf_kv *kv, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

/* ------------------------------------------------------------------ */
/* What the cache answers                                              */
/* ------------------------------------------------------------------ */

/* The latest value stored under key. */
int
runbook_cache_sample(struct cache *c, const char *context, const char *key,
    double *v)
{
	sqlite3_stmt	*st;
	char		*cause = NULL;
	int		 rc = -1;

	if ((st = cache_prepare(c, "runbook check", &cause,
	    "SELECT value FROM samples WHERE context = ? AND query_key = ? "
	    "AND value IS NOT NULL ORDER BY ts_ms DESC LIMIT 1", "tt",
	    context, key)) == NULL) {
		free(cause);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_double(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The cached pods of context. */
int
runbook_cache_pods(struct cache *c, const char *context,
    struct runbook_pod **out, size_t *n, char **cause)
{
	sqlite3_stmt	*st;
	char		*ns, *name;

	*out = NULL;
	*n = 0;
	if ((st = cache_prepare(c, "runbook check", cause,
	    "SELECT namespace, name, restarts FROM kube_pods WHERE "
	    "context = ?", "t", context)) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		ns = cache_column_text(st, 0);
		name = cache_column_text(st, 1);
		if (ns == NULL || name == NULL) {
			free(ns);
			free(name);
			continue;
		}
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[*n].namespace = ns;
		(*out)[*n].name = name;
		(*out)[(*n)++].restarts = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	return 0;
}

/* Free pods. */
void
runbook_pods_free(struct runbook_pod *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(p[i].namespace);
		free(p[i].name);
	}
	free(p);
}

/* ------------------------------------------------------------------ */
/* The demo's runbooks                                                 */
/* ------------------------------------------------------------------ */

/*
 * The runbooks `sitrep --demo` shows, written as a file would be and read
 * by the same parser.  The checks' queries are the demo SLO's own 5m
 * error ratio and kube-state-metrics' restart counter, which the console
 * answers from what the simulator stored when there is no Prometheus.
 */
static const char rb_demo_yaml[] =
"- name: checkout crash loop\n"
"  match:\n"
"    alertname: KubePodCrashLooping\n"
"    labels_regex:\n"
"      pod: 'checkout-.*'\n"
"  steps:\n"
"    - text: >-\n"
"        Checkout pods crash since the 1.42.0 rollout; the revision\n"
"        before it ran clean.  Roll back first, debug after.\n"
"    - check:\n"
"        description: checkout 5xx ratio over 5m below 1%\n"
"        query: '(sum(rate(http_requests_total{namespace=\"shop\","
"service=\"checkout\",code=~\"5..\"}[5m]))) / (sum(rate("
"http_requests_total{namespace=\"shop\",service=\"checkout\"}[5m])))'\n"
"        expect: '< 0.01'\n"
"    - check:\n"
"        description: no restarts among the checkout pods\n"
"        query: 'sum(kube_pod_container_status_restarts_total{namespace="
"\"{{ $labels.namespace }}\",pod=~\"{{ $labels.service }}-.*\"})'\n"
"        expect: '== 0'\n"
"    - action: undo\n"
"      namespace: '{{ $labels.namespace }}'\n"
"      deployment: '{{ $labels.service }}'\n"
"      note: back to the image before 1.42.0\n"
"    - action: restart\n"
"      alternative: true\n"
"      namespace: '{{ $labels.namespace }}'\n"
"      deployment: '{{ $labels.service }}'\n"
"      note: worse; the new pods run the same bad image, use only if "
"undo is refused\n"
"    - link:\n"
"        url: https://runbooks.example.com/kubernetes/kubepodcrashlooping\n"
"        title: KubePodCrashLooping, the long version\n"
"- name: checkout error budget\n"
"  match:\n"
"    alertname: ErrorBudgetBurn\n"
"    labels:\n"
"      slo: checkout-availability\n"
"  steps:\n"
"    - text: Checkout fails since its 1.42.0 rollout; roll it back.\n"
"    - check:\n"
"        description: checkout 5xx ratio over 5m below 1%\n"
"        query: '(sum(rate(http_requests_total{namespace=\"shop\","
"service=\"checkout\",code=~\"5..\"}[5m]))) / (sum(rate("
"http_requests_total{namespace=\"shop\",service=\"checkout\"}[5m])))'\n"
"        expect: '< 0.01'\n"
"    - action: undo\n"
"      namespace: '{{ $labels.namespace }}'\n"
"      deployment: '{{ $labels.service }}'\n"
"      note: back to the image before 1.42.0\n"
"- name: search latency\n"
"  match:\n"
"    alertname: HighRequestLatency\n"
"    labels:\n"
"      service: search\n"
"  steps:\n"
"    - text: The products index is slow under load; add replicas.\n"
"    - action: scale\n"
"      namespace: '{{ $labels.namespace }}'\n"
"      deployment: '{{ $labels.service }}'\n"
"      replicas: 4\n"
"- name: payments provider\n"
"  match:\n"
"    service: payments\n"
"  steps:\n"
"    - text: acme-pay is degraded; nothing to roll back on our side.\n"
"    - link:\n"
"        url: https://status.example.com/acme-pay\n"
"        title: acme-pay status\n"
"    - action: ack\n";

/* The demo's runbooks. */
struct runbook_set *
runbook_set_demo(void)
{
	struct runbook_set	*set = runbook_set_new();
	struct conf_problems	 problems;

	conf_problems_init(&problems);
	if (runbook_set_add_buffer(set, "(demo)", rb_demo_yaml,
	    sizeof rb_demo_yaml - 1, &problems) != 0)
		abort();	/* the built-in text is wrong: a bug */
	conf_problems_done(&problems);
	return set;
}
