/*
 * test_runbook.c: runbook files (parse, every problem with its line and
 * column), matching an alert, templates, and an action step filled into a
 * request for the gate.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/runbook.h"
#define HARNESS_MAIN
#include "harness.h"

/* Parse text as file "rb.yaml"; problems joined with '\n' in *out. */
static struct runbook_set *
parse(const char *text, char **out)
{
	struct runbook_set	*set = runbook_set_new();
	struct conf_problems	 p;
	size_t			 i, len = 1;
	int			 rc;

	conf_problems_init(&p);
	rc = runbook_set_add_buffer(set, "rb.yaml", text, strlen(text), &p);
	for (i = 0; i < p.n; i++)
		len += strlen(p.v[i]) + 1;
	*out = calloc(1, len);
	for (i = 0; i < p.n; i++) {
		strcat(*out, p.v[i]);
		strcat(*out, "\n");
	}
	CHECK((rc == 0) == (p.n == 0));
	conf_problems_done(&p);
	return set;
}

static const char good[] =
"name: crash loop\n"
"match:\n"
"  alertname: KubePodCrashLooping\n"
"  labels:\n"
"    namespace: shop\n"
"  labels_regex:\n"
"    pod: 'checkout-.*'\n"
"steps:\n"
"  - text: look first\n"
"  - link: {url: 'https://example.com/rb', title: more}\n"
"  - check:\n"
"      query: 'sum(up{namespace=\"{{ $labels.namespace }}\"})'\n"
"      expect: '>= 2'\n"
"      description: enough up\n"
"  - action: undo\n"
"    namespace: '{{ $labels.namespace }}'\n"
"    deployment: '{{$labels.deployment}}'\n"
"    to_revision: 3\n"
"  - action: restart\n"
"    alternative: true\n"
"    namespace: shop\n"
"    deployment: checkout\n"
"    note: worse\n"
"  - action: command\n"
"    argv: [/usr/bin/printf, '%s\\n', '{{ $labels.summary }}']\n"
"    env: [HOME, 'POD={{ $labels.pod }}']\n"
"    timeout: 5s\n";

/* A good file: every step kind, as written. */
static void
test_parse(void)
{
	struct runbook_set	*set;
	const struct runbook	*rb;
	char			*err;

	set = parse(good, &err);
	CHECK_STR(err, "");
	CHECK_INT((int)runbook_set_count(set), 1);
	rb = runbook_set_get(set, 0);
	CHECK_STR(rb->name, "crash loop");
	CHECK_STR(rb->alertname, "KubePodCrashLooping");
	CHECK_INT((int)rb->nmatchers, 2);
	CHECK_INT((int)rb->nsteps, 6);
	CHECK_INT(rb->steps[0].kind, RUNBOOK_TEXT);
	CHECK_STR(rb->steps[1].url, "https://example.com/rb");
	CHECK_STR(rb->steps[1].text, "more");
	CHECK_INT(rb->steps[2].kind, RUNBOOK_CHECK);
	CHECK_INT(rb->steps[2].cmp, RUNBOOK_GE);
	CHECK(rb->steps[2].threshold == 2);
	CHECK(runbook_check_holds(&rb->steps[2], 2));
	CHECK(!runbook_check_holds(&rb->steps[2], 1.5));
	CHECK_STR(rb->steps[3].action->name, "undo");
	CHECK(rb->steps[3].to_revision == 3);
	CHECK(rb->steps[4].alternative);
	CHECK_STR(rb->steps[4].note, "worse");
	CHECK_INT((int)rb->steps[5].nargv, 3);
	CHECK(rb->steps[5].timeout_ms == 5000);
	free(err);
	runbook_set_free(set);
}

/* Every problem of a bad file, each with FILE:LINE:COL. */
static void
test_problems(void)
{
	struct runbook_set	*set;
	char			*err;

	set = parse(
"- name: bad\n"
"  match:\n"
"    alertname: X\n"
"    colour: red\n"
"  steps:\n"
"    - text: 42\n"
"      extra: 1\n"
"    - check: {query: 'up', expect: 'about 3'}\n"
"    - action: reboot\n"
"    - action: undo\n"
"      namespace: '{{ $foo }}'\n"
"      deployment: x\n"
"    - action: scale\n"
"      namespace: a\n"
"      deployment: b\n"
"      replicas: many\n"
"    - action: command\n"
"      argv: notalist\n"
"    - link: {url: 'ftp://x'}\n", &err);
	CHECK_CONTAINS(err, "rb.yaml:4:5: unknown key 'colour' in match");
	CHECK_CONTAINS(err, "rb.yaml:7:7: unknown key 'extra' in a step");
	CHECK_CONTAINS(err, "rb.yaml:8:36: bad condition 'about 3'");
	CHECK_CONTAINS(err, "rb.yaml:9:15: unknown action 'reboot'");
	CHECK_CONTAINS(err, "rb.yaml:11:18: template '{{ $foo }}' refers to "
	    "nothing");
	CHECK_CONTAINS(err, "rb.yaml:16:17: expected a whole number");
	CHECK_CONTAINS(err, "rb.yaml:18:13: expected a list of strings for "
	    "'argv'");
	CHECK_CONTAINS(err, "rb.yaml:19:19: a link's url must start with");
	CHECK_INT((int)runbook_set_count(set), 0);
	free(err);
	runbook_set_free(set);

	/* Syntax, type and size problems also say where. */
	set = parse("name: [unclosed\n", &err);
	CHECK_CONTAINS(err, "rb.yaml:2:1: invalid YAML");
	free(err);
	runbook_set_free(set);
	set = parse("name: x\nmatch: {service: a}\nsteps: {text: a}\n", &err);
	CHECK_CONTAINS(err, "rb.yaml:3:8: a runbook needs steps:, a list");
	free(err);
	runbook_set_free(set);
	set = parse("name: x\nmatch: {labels_regex: {a: '['}}\n"
	    "steps: [{text: a}]\n", &err);
	CHECK_CONTAINS(err, "rb.yaml:2:27: bad regex");
	free(err);
	runbook_set_free(set);
	set = parse("- name: x\n  match: {service: a}\n  steps: [{text: a}]\n"
	    "- name: x\n  match: {service: b}\n  steps: [{text: b}]\n", &err);
	CHECK_CONTAINS(err, "rb.yaml:4:1: runbook 'x' is also at line 1");
	free(err);
	runbook_set_free(set);
	set = parse("name: x\nmatch: {service: a}\n"
	    "steps: [{text: \"a\\x1b[31m\"}]\n", &err);
	CHECK_CONTAINS(err, "rb.yaml:3:16: 'text' is empty or holds a "
	    "control character");
	free(err);
	runbook_set_free(set);
}

/* The first runbook whose labels match wins; service-only apart. */
static void
test_match(void)
{
	struct runbook_set	*set;
	char			*err;
	size_t			 nc, no;
	struct conf_kv		*crash = runbook_labels_json("{\"alertname\":"
	    "\"KubePodCrashLooping\",\"namespace\":\"shop\",\"pod\":"
	    "\"checkout-7d9-x1\"}", &nc);
	struct conf_kv		*other = runbook_labels_json("{\"alertname\":"
	    "\"KubePodCrashLooping\",\"namespace\":\"shop\",\"pod\":"
	    "\"search-1\"}", &no);

	set = parse(
"- name: checkout\n"
"  match: {alertname: KubePodCrashLooping, labels_regex: {pod: 'checkout-.*'}}\n"
"  steps: [{text: a}]\n"
"- name: any crash\n"
"  match: {alertname: KubePodCrashLooping}\n"
"  steps: [{text: b}]\n"
"- name: search service\n"
"  match: {service: search}\n"
"  steps: [{text: c}]\n", &err);
	CHECK_STR(err, "");
	CHECK_STR(runbook_match(set, crash, 3, NULL)->name, "checkout");
	CHECK_STR(runbook_match(set, other, 3, NULL)->name, "any crash");
	/* The regex is anchored: a pod merely containing it does not match. */
	free(other[2].value);
	other[2].value = strdup("not-checkout-1");
	CHECK_STR(runbook_match(set, other, 3, NULL)->name, "any crash");
	CHECK(runbook_match(set, other, 1, NULL) != NULL);
	CHECK(runbook_match(set, other + 1, 2, NULL) == NULL);
	CHECK_STR(runbook_match(set, NULL, 0, "search")->name,
	    "search service");
	CHECK(runbook_match(set, NULL, 0, "checkout") == NULL);
	free(err);
	runbook_labels_free(crash, nc);
	runbook_labels_free(other, no);
	runbook_set_free(set);
}

/* Templates: one argv element whatever a value holds; a missing label. */
static void
test_request(void)
{
	struct runbook_set	*set;
	const struct runbook	*rb;
	struct runbook_request	 r;
	char			*err, *cause = NULL;
	size_t			 nl;
	struct conf_kv		*labels = runbook_labels_json("{\"namespace\":"
	    "\"shop\",\"deployment\":\"checkout\",\"pod\":\"checkout-1\","
	    "\"summary\":\"it's \\\"down\\\"; rm -rf / $(x)\"}", &nl);

	set = parse(good, &err);
	rb = runbook_set_get(set, 0);
	CHECK(runbook_step_request(rb, 3, labels, 4, "inc1", &r, &cause) == 0);
	CHECK_STR(r.title, "undo deployment shop/checkout");
	CHECK_INT(r.req.kind, ACTION_UNDO);
	CHECK_STR(r.req.namespace, "shop");
	CHECK_STR(r.req.name, "checkout");
	CHECK(r.req.to_revision == 3);
	CHECK_STR(r.req.incident, "inc1");
	CHECK_STR(r.req.why, "runbook crash loop step 4");
	runbook_request_done(&r);

	setenv("HOME", "/home/op", 1);
	CHECK(runbook_step_request(rb, 5, labels, 4, NULL, &r, &cause) == 0);
	CHECK_INT(r.req.kind, ACTION_COMMAND);
	CHECK(r.req.command == &r.cmd);
	CHECK_STR(r.cmd.argv[0], "/usr/bin/printf");
	CHECK_STR(r.cmd.argv[2], "it's \"down\"; rm -rf / $(x)");
	CHECK(r.cmd.argv[3] == NULL);
	CHECK_STR(r.cmd.env[0], "HOME=/home/op");
	CHECK_STR(r.cmd.env[1], "POD=checkout-1");
	CHECK(r.cmd.env[2] == NULL);
	CHECK(r.cmd.timeout_ms == 5000);
	runbook_request_done(&r);

	/* A label the alert lacks is an error, never an empty argument. */
	CHECK(runbook_step_request(rb, 5, labels, 3, NULL, &r, &cause) == -1);
	CHECK_STR(cause, "label summary is not on the alert; the runbook "
	    "needs it");
	free(cause);
	cause = NULL;
	/* A name Kubernetes would refuse never reaches the gate. */
	free(labels[1].value);
	labels[1].value = strdup("Check Out");
	CHECK(runbook_step_request(rb, 3, labels, 4, NULL, &r, &cause) == -1);
	CHECK_CONTAINS(cause, "'Check Out' is not a name Kubernetes accepts");
	free(cause);
	cause = NULL;
	CHECK(runbook_step_request(rb, 0, labels, 4, NULL, &r, &cause) == -1);
	free(cause);

	CHECK(runbook_timeline_done("undo deployment shop/checkout", "action",
	    "undo deployment shop/checkout: to revision 14"));
	CHECK(!runbook_timeline_done("undo deployment shop/checkout", "action",
	    "undo deployment shop/checkout-canary: ok"));
	CHECK(!runbook_timeline_done("undo deployment shop/checkout", "note",
	    "undo deployment shop/checkout"));
	free(err);
	runbook_labels_free(labels, nl);
	runbook_set_free(set);
}

/* The demo's built-in runbooks parse and match its crash loop. */
static void
test_demo(void)
{
	struct runbook_set	*set = runbook_set_demo();
	size_t			 n;
	struct conf_kv		*kv = runbook_labels_json("{\"alertname\":"
	    "\"KubePodCrashLooping\",\"namespace\":\"shop\",\"service\":"
	    "\"checkout\",\"pod\":\"checkout-5f7-abcde\"}", &n);
	const struct runbook	*rb = runbook_match(set, kv, n, NULL);

	CHECK(rb != NULL && strcmp(rb->name, "checkout crash loop") == 0);
	CHECK_INT((int)n, 4);
	runbook_labels_free(kv, n);
	runbook_set_free(set);
}

/* head, n times s, mid, n times e and a newline; caller frees. */
static char *
nest(const char *head, const char *s, size_t n, const char *mid,
    const char *e)
{
	size_t	 i, len = strlen(head) + strlen(mid) + n * (strlen(s) +
		    strlen(e)) + 2;
	char	*out = calloc(1, len);

	strcat(out, head);
	for (i = 0; i < n; i++)
		strcat(out, s);
	strcat(out, mid);
	for (i = 0; i < n; i++)
		strcat(out, e);
	strcat(out, "\n");
	return out;
}

/*
 * What the YAML reader meets ends the file with the runbook's words at its
 * line and column: bytes that are not UTF-8, an alias, a value 16 deep, too
 * many values.  A later document replaces an earlier one.
 */
static void
test_yaml_reader(void)
{
	struct runbook_set	*set;
	char			*err, *text;

	set = parse("name: \xff\n", &err);
	CHECK_STR(err, "rb.yaml:1:1: invalid YAML: invalid leading UTF-8 "
	    "octet; correct the syntax here\n");
	free(err);
	runbook_set_free(set);

	set = parse("name: &n x\nmatch: *n\n", &err);
	CHECK_STR(err, "rb.yaml:2:8: aliases are not supported; write the "
	    "value out in full\n");
	free(err);
	runbook_set_free(set);

	/* Lists 15 deep under the map hold no value; 14 deep do. */
	text = nest("name: ", "[", 15, "x", "]");
	set = parse(text, &err);
	CHECK_STR(err, "rb.yaml:1:22: too deep or too many values; simplify "
	    "the file\n");
	free(err);
	runbook_set_free(set);
	free(text);
	text = nest("name: ", "[", 14, "x", "]");
	set = parse(text, &err);
	CHECK(strstr(err, "too deep") == NULL);
	CHECK_CONTAINS(err, "rb.yaml:1:7: expected a string for 'name'");
	free(err);
	runbook_set_free(set);
	free(text);

	/* The map, its key, the list, then items: the 19998th is one more. */
	text = nest("name: [", "0,", 19999, "0", "");
	text[strlen(text) - 1] = ']';
	set = parse(text, &err);
	CHECK_STR(err, "rb.yaml:1:40002: too deep or too many values; "
	    "simplify the file\n");
	free(err);
	runbook_set_free(set);
	free(text);

	set = parse("name: first\n---\n" "name: crash loop\nmatch: "
	    "{alertname: A}\nsteps:\n  - text: look\n", &err);
	CHECK_STR(err, "");
	CHECK_INT((int)runbook_set_count(set), 1);
	free(err);
	runbook_set_free(set);
}

static const struct test tests[] = {
	TEST(test_parse),
	TEST(test_problems),
	TEST(test_match),
	TEST(test_request),
	TEST(test_demo),
	TEST(test_yaml_reader),
	{ NULL, NULL }
};

/* Run every test. */
int
main(void)
{
	return harness_run(tests);
}
