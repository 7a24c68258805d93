/*
 * test_yaml_tree.c: the YAML reader shared by the configuration and
 * runbooks: nodes with line and column, and each limit and policy the
 * caller sets (depth of lists and of values, a node count shared across
 * texts, aliases, second documents, NUL, syntax) told where it is met.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/yaml_tree.h"
#define HARNESS_MAIN
#include "harness.h"

/* What the problem function was told, and what it answers. */
struct told {
	int	n;
	int	what;
	int	line;
	int	col;
	char	detail[64];
	int	answer;
};

/* Record the last problem; answer as asked. */
static int
tell(void *arg, const struct yaml_tree_problem *pb)
{
	struct told	*t = arg;

	t->n++;
	t->what = (int)pb->what;
	t->line = pb->line;
	t->col = pb->col;
	snprintf(t->detail, sizeof t->detail, "%s", pb->detail != NULL ?
	    pb->detail : "");
	CHECK((pb->what == YAML_TREE_SYNTAX) == (pb->parser != NULL));
	return t->answer;
}

/* Parse text with lim; the tree in *root. */
static int
parse(const char *text, const struct yaml_tree_limits *lim, size_t *nodes,
    struct told *t, struct yaml_tree **root)
{
	return yaml_tree_parse(text, strlen(text), lim, nodes, tell, t, root);
}

static const struct yaml_tree_limits roomy = { 8, 0, 100 };

/* Nodes, where they start, and the helpers over them. */
static void
test_tree(void)
{
	struct yaml_tree	*root;
	const struct yaml_tree	*v;
	struct told		 t = { 0 };
	size_t			 nodes = 0;

	CHECK_INT(parse("a: 1\nb:\n  - x\n  - 'null'\nc: ~\n", &roomy,
	    &nodes, &t, &root), 0);
	CHECK_INT(t.n, 0);
	CHECK(root != NULL && root->kind == YAML_TREE_MAP);
	CHECK_INT((int)root->n, 6);
	CHECK_INT((int)nodes, 9);
	v = yaml_tree_get(root, "b");
	CHECK(v != NULL && v->kind == YAML_TREE_SEQ && v->n == 2);
	CHECK_INT(v->line, 3);
	CHECK_INT(v->col, 3);
	CHECK_INT(v->v[1]->line, 4);
	CHECK_INT(v->v[1]->col, 5);
	CHECK_STR(yaml_tree_what(v), "a list");
	CHECK_STR(yaml_tree_what(root), "a mapping");
	CHECK_STR(yaml_tree_what(v->v[0]), "a single value");
	CHECK(!yaml_tree_is_null(v->v[1]));		/* quoted */
	CHECK(yaml_tree_is_null(yaml_tree_get(root, "c")));
	CHECK(yaml_tree_get(root, "d") == NULL);
	CHECK(yaml_tree_get(v, "x") == NULL);		/* not a map */
	CHECK(yaml_tree_get(NULL, "a") == NULL);
	yaml_tree_free(root);

	CHECK_INT(parse("", &roomy, &nodes, &t, &root), 0);
	CHECK(root == NULL);
}

/* Depth: lists only, or values too, at max_depth. */
static void
test_depth(void)
{
	static const struct yaml_tree_limits lists = { 3, 0, 100 };
	static const struct yaml_tree_limits values = { 3, 1, 100 };
	struct yaml_tree	*root;
	struct told		 t = { 0 };
	size_t			 nodes = 0;

	/* Three lists hold a value when only lists count ... */
	CHECK_INT(parse("[[[x]]]", &lists, &nodes, &t, &root), 0);
	CHECK_INT(t.n, 0);
	CHECK(root != NULL && root->v[0]->v[0]->v[0]->kind ==
	    YAML_TREE_SCALAR);
	yaml_tree_free(root);
	/* ... not a fourth list. */
	CHECK_INT(parse("[[[[x]]]]", &lists, &nodes, &t, &root), -1);
	CHECK(root == NULL);
	CHECK_INT(t.what, YAML_TREE_DEPTH);
	CHECK_INT(t.col, 4);
	/* When values count, the value at depth three is too deep. */
	t.n = 0;
	CHECK_INT(parse("[[[x]]]", &values, &nodes, &t, &root), -1);
	CHECK(root == NULL);
	CHECK_INT(t.n, 1);
	CHECK_INT(t.what, YAML_TREE_DEPTH);
	CHECK_INT(t.col, 4);
	CHECK_INT(parse("[[[]]]", &values, &nodes, &t, &root), 0);
	yaml_tree_free(root);
}

/* The node count goes on from *nodes, so texts share one limit. */
static void
test_nodes(void)
{
	static const struct yaml_tree_limits few = { 8, 0, 5 };
	struct yaml_tree	*root;
	struct told		 t = { 0 };
	size_t			 nodes = 0;

	CHECK_INT(parse("[a, b]", &few, &nodes, &t, &root), 0);
	CHECK_INT((int)nodes, 3);
	yaml_tree_free(root);
	CHECK_INT(parse("[c]", &few, &nodes, &t, &root), 0);
	CHECK_INT((int)nodes, 5);
	yaml_tree_free(root);
	/* The sixth value is the next text's list. */
	CHECK_INT(parse("\n  [d]", &few, &nodes, &t, &root), -1);
	CHECK(root == NULL);
	CHECK_INT(t.n, 1);
	CHECK_INT(t.what, YAML_TREE_NODES);
	CHECK_INT(t.line, 2);
	CHECK_INT(t.col, 3);
}

/* Aliases, second documents and NUL read on or stop, as answered. */
static void
test_policy(void)
{
	struct yaml_tree	*root;
	struct told		 t = { 0 };
	size_t			 nodes = 0;

	CHECK_INT(parse("a: &x 1\nb: *x\n", &roomy, &nodes, &t, &root), 0);
	CHECK_INT(t.what, YAML_TREE_ALIAS);
	CHECK_INT(t.line, 2);
	CHECK_INT(t.col, 4);
	CHECK_STR(t.detail, "x");
	CHECK(root != NULL && yaml_tree_get(root, "b")->bad);
	CHECK_STR(yaml_tree_get(root, "b")->s, "");
	yaml_tree_free(root);
	t.answer = -1;
	CHECK_INT(parse("a: &x 1\nb: *x\n", &roomy, &nodes, &t, &root), -1);
	CHECK(root == NULL);

	t.answer = 0;
	CHECK_INT(parse("a: 1\n---\nb: 2\n", &roomy, &nodes, &t, &root), 0);
	CHECK_INT(t.what, YAML_TREE_SECOND_DOC);
	CHECK_INT(t.line, 2);
	CHECK(root != NULL && yaml_tree_get(root, "b") != NULL &&
	    yaml_tree_get(root, "a") == NULL);
	yaml_tree_free(root);
	t.answer = -1;
	CHECK_INT(parse("a: 1\n---\nb: 2\n", &roomy, &nodes, &t, &root), -1);
	CHECK(root == NULL);

	t.answer = 0;
	CHECK_INT(parse("a: \"x\\0y\"\n", &roomy, &nodes, &t, &root), 0);
	CHECK_INT(t.what, YAML_TREE_NUL);
	CHECK_INT(t.col, 4);
	CHECK(root != NULL && yaml_tree_get(root, "a")->bad);
	CHECK_STR(yaml_tree_get(root, "a")->s, "x");
	yaml_tree_free(root);
	t.answer = -1;
	CHECK_INT(parse("a: \"x\\0y\"\n", &roomy, &nodes, &t, &root), -1);
	CHECK(root == NULL);
}

/* libyaml's refusal is told with its parser, at its mark. */
static void
test_syntax(void)
{
	struct yaml_tree	*root;
	struct told		 t = { 0 };
	size_t			 nodes = 0;

	CHECK_INT(parse("a: [b\n", &roomy, &nodes, &t, &root), -1);
	CHECK(root == NULL);
	CHECK_INT(t.what, YAML_TREE_SYNTAX);
	CHECK_INT(t.line, 2);
	CHECK_INT(t.col, 1);
	CHECK_STR(t.detail, "did not find expected ',' or ']'");
}

static const struct test tests[] = {
	TEST(test_tree),
	TEST(test_depth),
	TEST(test_nodes),
	TEST(test_policy),
	TEST(test_syntax),
	{ NULL, NULL }
};

/* Run every test. */
int
main(void)
{
	return harness_run(tests);
}
