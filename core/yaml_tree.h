/*
 * yaml_tree.h: YAML text read by libyaml into a small tree of nodes that
 * remember their line and column, for the configuration and runbooks.
 *
 * The reader stops hostile input (a depth limit and a node limit, both the
 * caller's; aliases are never expanded) and says what it met through the
 * caller's problem function, which writes the message: the reader itself
 * writes none, so each file kind keeps its own words.
 */
#ifndef SITREP_YAML_TREE_H
#define SITREP_YAML_TREE_H

#include <stddef.h>

#include <yaml.h>

/* A YAML node and where it starts (1-based). */
struct yaml_tree {
	enum {
		YAML_TREE_SCALAR,
		YAML_TREE_MAP,
		YAML_TREE_SEQ
	}			 kind;
	char			*s;	/* scalar text; NULL otherwise */
	int			 plain;	/* an unquoted scalar */
	int			 bad;	/* already reported; skip it */
	int			 line;
	int			 col;
	struct yaml_tree      **v;	/* map: key, value, key, value ... */
	size_t			 n;
	size_t			 cap;
};

/* What the reader met. */
enum yaml_tree_what {
	YAML_TREE_SYNTAX,	/* libyaml refused the text: see parser */
	YAML_TREE_SECOND_DOC,	/* a second document starts */
	YAML_TREE_ALIAS,	/* an alias (*anchor): detail is the anchor */
	YAML_TREE_NUL,		/* a value holds a NUL byte */
	YAML_TREE_DEPTH,	/* nested deeper than max_depth */
	YAML_TREE_NODES		/* more than max_nodes values */
};

struct yaml_tree_problem {
	enum yaml_tree_what	 what;
	int			 line;	/* of the event; 1-based */
	int			 col;
	const char		*detail;	/* or NULL */
	const yaml_parser_t	*parser;	/* YAML_TREE_SYNTAX only */
};

/*
 * Told each problem.  The return matters for SECOND_DOC, ALIAS and NUL
 * only: 0 reads on (the later document replaces the earlier, an alias
 * becomes an empty value marked bad, a value with a NUL is kept, cut at
 * it and marked bad), -1 stops.  The others always stop.
 */
typedef int	(*yaml_tree_problem_fn)(void *, const struct yaml_tree_problem *);

struct yaml_tree_limits {
	size_t	max_depth;	/* mappings and lists nested at most this deep */
	int	scalar_depth;	/* a single value at max_depth is too deep too */
	size_t	max_nodes;	/* values in all, counting on from *nodes */
};

/*
 * Parse data into *root (the caller's, yaml_tree_free()).  0 with *root
 * NULL for a text with no value; -1 with *root NULL after telling fn why.
 * *nodes counts the values read, so that several files share one limit.
 */
int	yaml_tree_parse(const char *data, size_t len,
	    const struct yaml_tree_limits *lim, size_t *nodes,
	    yaml_tree_problem_fn fn, void *arg, struct yaml_tree **root);

/* Free a node and its children; NULL is fine. */
void	yaml_tree_free(struct yaml_tree *n);

/* The value of key in a mapping node, or NULL (also for a NULL map). */
const struct yaml_tree *yaml_tree_get(const struct yaml_tree *map,
	    const char *key);

/* Whether n is YAML's null: a plain empty, "~" or "null" scalar. */
int	yaml_tree_is_null(const struct yaml_tree *n);

/* "a mapping", "a list" or "a single value", for messages. */
const char *yaml_tree_what(const struct yaml_tree *n);

#endif
