/*
 * yaml_tree.c: YAML text to a tree of nodes with line and column, the one
 * reader behind the configuration (conf.c) and runbooks (runbook.c).
 *
 * libyaml's event parser drives a stack of open mappings and lists; each
 * value becomes a node appended to the innermost one.  Hostile input stops
 * here: nesting and the number of values are bounded by the caller's
 * limits, and an alias is never expanded (a "billion laughs" file cannot
 * grow).  What is met is told to the caller's function, which words it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/xmalloc.h"
#include "core/yaml_tree.h"

/* Free a node and its children. */
void
yaml_tree_free(struct yaml_tree *n)
{
	size_t	i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		yaml_tree_free(n->v[i]);
	free(n->v);
	free(n->s);
	free(n);
}

/* A new node at a libyaml mark. */
static struct yaml_tree *
yaml_tree_new(int kind, yaml_mark_t mark)
{
	struct yaml_tree	*n;

	n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->line = (int)mark.line + 1;
	n->col = (int)mark.column + 1;
	return n;
}

/* Append a child to a mapping or sequence. */
static void
yaml_tree_add(struct yaml_tree *parent, struct yaml_tree *n)
{
	if (parent->n == parent->cap) {
		parent->cap = parent->cap == 0 ? 8 : parent->cap * 2;
		parent->v = xreallocarray(parent->v, parent->cap,
		    sizeof *parent->v);
	}
	parent->v[parent->n++] = n;
}

/* Whether a scalar is YAML's null: empty, "~" or "null". */
int
yaml_tree_is_null(const struct yaml_tree *n)
{
	if (n->kind != YAML_TREE_SCALAR || !n->plain)
		return 0;
	return (*n->s == '\0' || strcmp(n->s, "~") == 0 ||
	    strcmp(n->s, "null") == 0 || strcmp(n->s, "Null") == 0 ||
	    strcmp(n->s, "NULL") == 0);
}

/* The value of key in a mapping node, or NULL. */
const struct yaml_tree *
yaml_tree_get(const struct yaml_tree *map, const char *key)
{
	size_t	i;

	if (map == NULL || map->kind != YAML_TREE_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2) {
		if (map->v[i]->kind == YAML_TREE_SCALAR &&
		    strcmp(map->v[i]->s, key) == 0)
			return map->v[i + 1];
	}
	return NULL;
}

/* What kind of node this is, for "found a list". */
const char *
yaml_tree_what(const struct yaml_tree *n)
{
	switch (n->kind) {
	case YAML_TREE_MAP:
		return "a mapping";
	case YAML_TREE_SEQ:
		return "a list";
	case YAML_TREE_SCALAR:
		break;
	}
	return "a single value";
}

/* Tell fn what was met at an event's start; returns what fn says. */
static int
yaml_tree_tell(yaml_tree_problem_fn fn, void *arg, enum yaml_tree_what what,
    const yaml_event_t *ev, const char *detail)
{
	struct yaml_tree_problem	pb;

	memset(&pb, 0, sizeof pb);
	pb.what = what;
	pb.line = (int)ev->start_mark.line + 1;
	pb.col = (int)ev->start_mark.column + 1;
	pb.detail = detail;
	return fn(arg, &pb);
}

/* Tell fn that libyaml refused the text, where it says. */
static void
yaml_tree_syntax(yaml_tree_problem_fn fn, void *arg, const yaml_parser_t *p)
{
	struct yaml_tree_problem	pb;

	memset(&pb, 0, sizeof pb);
	pb.what = YAML_TREE_SYNTAX;
	pb.line = (int)p->problem_mark.line + 1;
	pb.col = (int)p->problem_mark.column + 1;
	pb.detail = p->problem;
	pb.parser = p;
	fn(arg, &pb);
}

/* Parse YAML into a tree within lim; see yaml_tree.h. */
int
yaml_tree_parse(const char *data, size_t len,
    const struct yaml_tree_limits *lim, size_t *nodes,
    yaml_tree_problem_fn fn, void *arg, struct yaml_tree **root)
{
	yaml_parser_t		  p;
	yaml_event_t		  ev;
	struct yaml_tree	**stack, *n;
	size_t			  depth = 0;
	int			  docs = 0, done = 0, rc = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&p)) {
		memset(&p, 0, sizeof p);
		p.error = YAML_MEMORY_ERROR;
		yaml_tree_syntax(fn, arg, &p);
		return -1;
	}
	stack = xcalloc(lim->max_depth + 1, sizeof *stack);
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			yaml_tree_syntax(fn, arg, &p);
			rc = -1;
			break;
		}
		n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1 && yaml_tree_tell(fn, arg,
			    YAML_TREE_SECOND_DOC, &ev, NULL) != 0) {
				rc = -1;
				done = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			if (yaml_tree_tell(fn, arg, YAML_TREE_ALIAS, &ev,
			    (const char *)ev.data.alias.anchor) != 0) {
				rc = -1;
				done = 1;
				break;
			}
			n = yaml_tree_new(YAML_TREE_SCALAR, ev.start_mark);
			n->s = xstrdup("");
			n->bad = 1;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == lim->max_depth && (lim->scalar_depth ||
			    ev.type != YAML_SCALAR_EVENT)) {
				yaml_tree_tell(fn, arg, YAML_TREE_DEPTH, &ev,
				    NULL);
				rc = -1;
				done = 1;
				break;
			}
			if (ev.type != YAML_SCALAR_EVENT) {
				n = yaml_tree_new(ev.type ==
				    YAML_MAPPING_START_EVENT ? YAML_TREE_MAP :
				    YAML_TREE_SEQ, ev.start_mark);
				break;
			}
			n = yaml_tree_new(YAML_TREE_SCALAR, ev.start_mark);
			n->s = xstrndup((const char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			n->plain = (ev.data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE);
			if (strlen(n->s) != ev.data.scalar.length) {
				n->bad = 1;
				if (yaml_tree_tell(fn, arg, YAML_TREE_NUL,
				    &ev, NULL) != 0) {
					yaml_tree_free(n);
					n = NULL;
					rc = -1;
					done = 1;
				}
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		if (n != NULL) {
			if (++*nodes > lim->max_nodes) {
				yaml_tree_tell(fn, arg, YAML_TREE_NODES, &ev,
				    NULL);
				yaml_tree_free(n);
				rc = -1;
				done = 1;
			} else {
				if (depth == 0) {
					yaml_tree_free(*root);
					*root = n;
				} else
					yaml_tree_add(stack[depth - 1], n);
				if (n->kind != YAML_TREE_SCALAR)
					stack[depth++] = n;
			}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	free(stack);
	if (rc != 0) {
		yaml_tree_free(*root);
		*root = NULL;
	}
	return rc;
}
