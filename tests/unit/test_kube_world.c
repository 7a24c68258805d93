/*
 * test_kube_world.c: what an undo changes, as kube_template_diff() says
 * it: images, env names, requests and limits, containers added and
 * removed, other fields, nothing, and hostile text made safe (escapes
 * visible, no forged lines).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/kube.h"

/* The diff of two templates given as JSON text. */
static char *
diff(const char *a, const char *b)
{
	return kube_template_diff(a, strlen(a), b, strlen(b));
}

/* Undo's diff of two pod templates. */
static void
test_template_diff(void)
{
	char	*s;

	s = diff("{\"spec\":{\"containers\":[{\"name\":\"checkout\","
	    "\"image\":\"shop/checkout:1.42.0\"}]}}",
	    "{\"spec\":{\"containers\":[{\"name\":\"checkout\","
	    "\"image\":\"shop/checkout:1.41.3\"}]}}");
	CHECK_STR(s, "image checkout: shop/checkout:1.42.0 -> "
	    "shop/checkout:1.41.3");
	free(s);

	s = diff("{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\","
	    "\"env\":[{\"name\":\"BAR\",\"value\":\"1\"},{\"name\":\"KEEP\"}],"
	    "\"resources\":{\"limits\":{\"memory\":\"512Mi\",\"cpu\":\"1\"},"
	    "\"requests\":{\"cpu\":\"100m\"}}}]}}",
	    "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\","
	    "\"env\":[{\"name\":\"KEEP\"},{\"name\":\"FOO\"}],"
	    "\"resources\":{\"limits\":{\"memory\":\"1Gi\",\"cpu\":\"1\"},"
	    "\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]}}");
	CHECK_STR(s, "env c: +FOO -BAR\n"
	    "requests.memory c: none -> 64Mi\n"
	    "limits.memory c: 512Mi -> 1Gi");
	free(s);

	s = diff("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},"
	    "{\"name\":\"side\",\"image\":\"envoy:1\"}]}}",
	    "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},"
	    "{\"name\":\"log\",\"image\":\"fluent:2\"}]}}");
	CHECK_STR(s, "container side: removed\n"
	    "container log: added (image fluent:2)");
	free(s);

	/* Only an annotation differs: said, but not as an image. */
	s = diff("{\"metadata\":{\"annotations\":{\"k\":\"1\"}},\"spec\":"
	    "{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}}",
	    "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}}");
	CHECK(s != NULL && strncmp(s, "pod template: other fields", 26) == 0);
	free(s);

	/* The same template (zero values aside): nothing. */
	s = diff("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\","
	    "\"env\":[]}]}}",
	    "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}}");
	CHECK(s == NULL);
	free(s);

	/* An image with an escape sequence reaches no terminal raw. */
	s = diff("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":"
	    "\"x\\u001b[2J\"}]}}",
	    "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}");
	CHECK(s != NULL && strchr(s, 0x1b) == NULL);
	CHECK_CONTAINS(s, "image a: x");
	free(s);

	/*
	 * A newline in an image cannot forge a line of the dry run: the
	 * gate shows one line per change, as the service page does.
	 */
	s = diff("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":"
	    "\"x\\nimage b: spoofed\"}]}}",
	    "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"y\"}]}}");
	CHECK_STR(s, "image a: x image b: spoofed -> y");
	free(s);

	s = diff("not json", "{}");
	CHECK_CONTAINS(s, "cannot be compared");
	free(s);
}

static const struct test tests[] = {
	TEST(test_template_diff),
	{ NULL, NULL }
};

/* Run every test. */
int
main(void)
{
	return harness_run(tests);
}
