/*
 * test_conf.c: unit tests for the configuration loader and its schema.
 *
 * Each class of problem is checked with its exact FILE:LINE:COL, since a
 * position that is off by one sends the user to the wrong place.  Files
 * are written into a temporary directory; the Sloth, example and hostile
 * files come from the source tree ($top_srcdir, "." by default).  The
 * committed docs/CONFIG.md must equal what the schema table generates.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/buf.h"
#include "core/conf.h"
#include "core/conf_schema.h"
#include "base/xmalloc.h"

/* ---- helpers -------------------------------------------------------------- */

static char	*tmpdir;

/* The source tree, where the data files and docs are. */
static const char *
srcdir(void)
{
	const char	*s = getenv("top_srcdir");

	return (s != NULL && *s != '\0') ? s : ".";
}

/* Write text to a file in the temporary directory; returns its path. */
static char *
write_file(const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	path = xasprintf("%s/%s", tmpdir, name);
	if ((f = fopen(path, "w")) == NULL) {
		printf("# %s: %s\n", path, strerror(errno));
		return path;
	}
	fputs(text, f);
	fclose(f);
	return path;
}

/* Remove the temporary directory and the files written into it. */
static void
remove_tmpdir(void)
{
	DIR		*d;
	struct dirent	*de;
	char		*path;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", tmpdir, de->d_name);
		if (unlink(path) != 0)
			printf("# unlink %s: %s\n", path, strerror(errno));
		free(path);
	}
	closedir(d);
	if (rmdir(tmpdir) != 0)
		printf("# rmdir %s: %s\n", tmpdir, strerror(errno));
}

/* Print every problem as a TAP diagnostic. */
static void
show(const struct conf_problems *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		printf("#   %s\n", p->v[i]);
}

/* Load text written to a temporary file; problems go to p. */
static struct conf *
load_text(const char *name, const char *text, struct conf_problems *p)
{
	struct conf	*conf;
	char		*path;

	path = write_file(name, text);
	conf_problems_init(p);
	conf = conf_load(path, p);
	free(path);
	return conf;
}

/* Load text that must load with no problem. */
static struct conf *
load_ok(const char *text)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf = load_text("ok.yaml", text, &p);
	if (conf == NULL || p.n != 0) {
		printf("# expected no problems, got %zu:\n", p.n);
		show(&p);
		harness_failed = 1;
	}
	conf_problems_done(&p);
	return conf;
}

/*
 * Whether some problem is exactly "<tmpdir>/<name>:<where>: <msg>..." (msg
 * is a prefix of the message).
 */
static int
has_problem(const struct conf_problems *p, const char *name,
    const char *where, const char *msg)
{
	char	*want;
	size_t	 i;
	int	 found = 0;

	want = xasprintf("%s/%s:%s: %s", tmpdir, name, where, msg);
	for (i = 0; i < p->n && !found; i++)
		found = (strncmp(p->v[i], want, strlen(want)) == 0);
	if (!found) {
		printf("# no problem starting \"%s\"; got:\n", want);
		show(p);
	}
	free(want);
	return found;
}

/* Load text expected to fail with exactly one problem at where. */
static void
check_one(const char *text, const char *where, const char *msg)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf = load_text("bad.yaml", text, &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 1);
	CHECK(has_problem(&p, "bad.yaml", where, msg));
	conf_free(conf);
	conf_problems_done(&p);
}

/* Whether any problem contains needle. */
static int
any_contains(const struct conf_problems *p, const char *needle)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		if (strstr(p->v[i], needle) != NULL)
			return 1;
	}
	return 0;
}

#define CTX "contexts:\n  - name: prod\n"

/* ---- tests ---------------------------------------------------------------- */

/* Every default, with and without a context. */
static void
test_defaults(void)
{
	struct conf			*conf;
	const struct conf_context	*ctx;

	conf = conf_new_default();
	CHECK(conf->path == NULL);
	CHECK_STR(conf->theme, "default");
	CHECK_INT(conf->http_max_body, 64 * 1024 * 1024);
	CHECK_INT(conf->ngroup_by, 4);
	if (conf->ngroup_by == 4) {
		CHECK_STR(conf->group_by[0], "alertname");
		CHECK_STR(conf->group_by[1], "namespace");
		CHECK_STR(conf->group_by[2], "service");
		CHECK_STR(conf->group_by[3], "cluster");
	}
	CHECK_NEAR(conf->burn_page_fast, 14.4, 1e-9);
	CHECK_NEAR(conf->burn_page_slow, 6, 1e-9);
	CHECK_NEAR(conf->burn_ticket_fast, 3, 1e-9);
	CHECK_NEAR(conf->burn_ticket_slow, 1, 1e-9);
	CHECK_NEAR(conf->budget_warn, 50, 1e-9);
	CHECK_NEAR(conf->budget_crit, 80, 1e-9);
	CHECK_INT(conf->ncontexts, 0);
	CHECK(conf_context_find(conf, NULL) == NULL);
	conf_free(conf);

	conf = load_ok(CTX
	    "    prometheus: {url: http://127.0.0.1:9090}\n"
	    "    alertmanagers: [{url: http://127.0.0.1:9093}]\n"
	    "    probes: [{name: p, url: http://127.0.0.1:8000/}]\n"
	    "slos:\n"
	    "  - {name: s, objective: 99, sli: {raw: {error_ratio_query: q}}}\n");
	if (conf == NULL)
		return;
	ctx = conf_context_find(conf, NULL);
	CHECK(ctx != NULL && strcmp(ctx->name, "prod") == 0);
	CHECK_INT(ctx->refresh_ms, 15000);
	CHECK_INT(ctx->line, 2);
	CHECK(ctx->prometheus != NULL);
	CHECK_INT(ctx->prometheus->timeout_ms, 10000);
	CHECK_INT(ctx->prometheus->tls.insecure_skip_verify, 0);
	CHECK(ctx->prometheus->bearer_token == NULL);
	CHECK_INT(ctx->nalertmanagers, 1);
	CHECK_INT(ctx->alertmanagers[0].timeout_ms, 10000);
	CHECK(ctx->kubernetes == NULL);
	CHECK_INT(ctx->nprobes, 1);
	CHECK_INT(ctx->probes[0].expect_status, 200);
	CHECK_INT(ctx->probes[0].timeout_ms, 2000);
	CHECK_INT(conf->nslos, 1);
	CHECK_INT(conf->slos[0].period_ms, 30LL * 86400 * 1000);
	CHECK_NEAR(conf->slos[0].objective, 99, 1e-9);
	CHECK_STR(conf->slos[0].error_ratio_query, "q");
	CHECK(conf->slos[0].file != NULL);
	CHECK_STR(conf->theme, "default");
	CHECK_INT(conf->http_max_body, 64 * 1024 * 1024);
	CHECK_INT(conf->ngroup_by, 4);
	conf_free(conf);
}

/* Durations: units, sums, errors and the minimum. */
static void
test_durations(void)
{
	static const struct {
		const char	*text;
		int64_t		 ms;
	} good[] = {
		{ "500ms", 500 }, { "15s", 15000 }, { "5m", 300000 },
		{ "1h", 3600000 }, { "1m30s", 90000 },
	};
	struct conf	*conf;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		text = xasprintf(CTX "    refresh: %s\n", good[i].text);
		conf = load_ok(text);
		if (conf != NULL)
			CHECK_INT(conf->contexts[0].refresh_ms, good[i].ms);
		conf_free(conf);
		free(text);
	}
	conf = load_ok("slos:\n  - name: a\n    objective: 99\n"
	    "    period: 30d\n    sli: {raw: {error_ratio_query: q}}\n");
	if (conf != NULL)
		CHECK_INT(conf->slos[0].period_ms, 30LL * 86400 * 1000);
	conf_free(conf);

	check_one(CTX "    refresh: 10x\n", "3:14",
	    "bad duration '10x' for 'refresh'; write it like 500ms");
	check_one(CTX "    refresh: 15\n", "3:14", "bad duration '15'");
	check_one(CTX "    refresh: 100ms\n", "3:14",
	    "'refresh' is 100ms but must be at least 500ms; use a value at "
	    "least 500ms and at most 1h");
	check_one(CTX "    probes:\n      - {name: p, url: http://h/, "
	    "timeout: -1s}\n", "4:44", "bad duration '-1s' for 'timeout'");
}

/* Sizes: plain bytes and binary units. */
static void
test_sizes(void)
{
	static const struct {
		const char	*text;
		int64_t		 bytes;
	} good[] = {
		{ "64MiB", 64LL << 20 }, { "512KiB", 512LL << 10 },
		{ "1000", 1000 }, { "1GiB", 1LL << 30 }, { "10MB", 10000000 },
	};
	struct conf	*conf;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		text = xasprintf("http:\n  max_body: %s\n", good[i].text);
		conf = load_ok(text);
		if (conf != NULL)
			CHECK_INT(conf->http_max_body, good[i].bytes);
		conf_free(conf);
		free(text);
	}
	check_one("http:\n  max_body: 12XB\n", "2:13",
	    "bad size '12XB' for 'max_body'; write it like 1000, 512KiB or "
	    "64MiB");
	check_one("http:\n  max_body: 2GiB\n", "2:13",
	    "'max_body' is 2GiB but must be at most 1GiB");
	check_one("http: {max_body: 10}\n", "1:18",
	    "'max_body' is 10 but must be at least 1000; use a value at least "
	    "1000 and at most 1GiB");
}

/* ${VAR}, ${VAR:-default}, $${ and unset variables. */
static void
test_env(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	setenv("SITREP_TEST_HOST", "127.0.0.1", 1);
	setenv("SITREP_TEST_EMPTY", "", 1);
	unsetenv("SITREP_TEST_UNSET");

	conf = load_ok(CTX "    prometheus:\n"
	    "      url: http://${SITREP_TEST_HOST}:${SITREP_TEST_UNSET:-9090}/\n"
	    "      headers: {X-A: \"${SITREP_TEST_EMPTY:-fallback}\", "
	    "X-B: \"${SITREP_TEST_EMPTY}\", X-C: \"$${NOT_A_VAR}\"}\n"
	    "      bearer_token: ${SITREP_TEST_UNSET:-}\n"
	    "theme: ${SITREP_TEST_HOST:-x}\n");
	if (conf != NULL) {
		CHECK_STR(conf->contexts[0].prometheus->url,
		    "http://127.0.0.1:9090/");
		CHECK_INT(conf->contexts[0].prometheus->nheaders, 3);
		CHECK_STR(conf->contexts[0].prometheus->headers[0].value,
		    "fallback");
		CHECK_STR(conf->contexts[0].prometheus->headers[1].value, "");
		CHECK_STR(conf->contexts[0].prometheus->headers[2].value,
		    "${NOT_A_VAR}");
		CHECK_INT(conf->contexts[0].prometheus->headers[2].line, 5);
		CHECK(conf->contexts[0].prometheus->bearer_token == NULL);
		CHECK_STR(conf->theme, "127.0.0.1");
	}
	conf_free(conf);

	/* Unset, without a default: named, and every one reported. */
	conf = load_text("bad.yaml", CTX "    prometheus:\n"
	    "      url: http://${SITREP_TEST_UNSET}/\n"
	    "theme: ${SITREP_TEST_UNSET2}\n", &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 2);
	CHECK(has_problem(&p, "bad.yaml", "4:12", "environment variable "
	    "SITREP_TEST_UNSET is not set (used by 'url'); export it, or "
	    "write ${SITREP_TEST_UNSET:-default}"));
	CHECK(has_problem(&p, "bad.yaml", "5:8", "environment variable "
	    "SITREP_TEST_UNSET2 is not set"));
	conf_problems_done(&p);

	check_one("theme: ${1BAD}\n", "1:8", "bad variable reference in "
	    "'theme'; write ${NAME} or ${NAME:-default}");
	check_one("theme: ${UNCLOSED:-x\n", "1:8", "bad variable reference");
}

/* "~" in paths, and only in paths. */
static void
test_tilde(void)
{
	struct conf	*conf;
	const char	*home = getenv("HOME");
	char		*want;

	if (home == NULL)
		setenv("HOME", "/nonexistent-home", 1);
	home = getenv("HOME");
	conf = load_ok(CTX "    kubernetes:\n"
	    "      kubeconfig: ~/.kube/config\n"
	    "      context: ~/not-a-path\n"
	    "      namespaces: [payments, default]\n");
	if (conf == NULL)
		return;
	want = xasprintf("%s/.kube/config", home);
	CHECK_STR(conf->contexts[0].kubernetes->kubeconfig, want);
	CHECK_STR(conf->contexts[0].kubernetes->context, "~/not-a-path");
	CHECK_INT(conf->contexts[0].kubernetes->nnamespaces, 2);
	CHECK_STR(conf->contexts[0].kubernetes->namespaces[1], "default");
	CHECK_INT(conf->contexts[0].kubernetes->line, 4);
	/* kubernetes.timeout: thirty seconds unless set. */
	CHECK_INT(conf->contexts[0].kubernetes->timeout_ms, 30000);
	free(want);
	conf_free(conf);
	conf = load_ok(CTX "    kubernetes: {timeout: 1500ms}\n");
	if (conf != NULL) {
		CHECK_INT(conf->contexts[0].kubernetes->timeout_ms, 1500);
		conf_free(conf);
	}
	check_one(CTX "    kubernetes: {timeout: 20m}\n", "3:27",
	    "'timeout' is 20m but must be at most 10m");
}

/* Invalid YAML: libyaml's own position and message. */
static void
test_invalid_yaml(void)
{
	check_one("contexts: [a, b\ntheme: x\n", "2:6",
	    "invalid YAML: did not find expected ',' or ']' (while parsing a "
	    "flow sequence at line 1, column 11); correct the syntax here");
	check_one("theme: \"open\n", "2:1", "invalid YAML: found unexpected "
	    "end of stream");
	check_one("a: b: c\n", "1:5", "invalid YAML: mapping values are "
	    "not allowed in this context");
	check_one("theme: x\n---\ntheme: y\n", "2:1", "a second YAML "
	    "document; keep one document per file");
	check_one("- a\n- b\n", "1:1", "expected a mapping at the top of "
	    "the file, found a list");
}

/* Tabs in indentation. */
static void
test_tabs(void)
{
	check_one("contexts:\n\t- name: x\n", "2:1",
	    "tabs are not allowed for indentation; use spaces");
	check_one(CTX "    prometheus:\n      url: http://h/\n  \t  "
	    "timeout: 1s\n", "5:3",
	    "tabs are not allowed for indentation; use spaces");
	/* A tab inside a block scalar is content, not indentation. */
	conf_free(load_ok("slos:\n  - name: a\n    objective: 99\n"
	    "    sli:\n      raw:\n        error_ratio_query: |\n"
	    "          sum(x)\n          \t/ sum(y)\n"));
}

/* The same key twice in one mapping. */
static void
test_duplicate_key(void)
{
	check_one(CTX "    refresh: 15s\n    refresh: 20s\n", "4:5",
	    "duplicate key 'refresh' (first at line 3); remove one of them");
	check_one("services:\n  - name: a\n    match: {service: a, "
	    "service: b}\n", "3:25", "duplicate key 'service' (first at "
	    "line 3)");
}

/* Unknown keys, with and without a suggestion. */
static void
test_unknown_key(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf = load_text("bad.yaml", CTX "    prometheus:\n"
	    "      ulr: http://127.0.0.1:9090\n", &p);
	CHECK(conf == NULL);
	CHECK(has_problem(&p, "bad.yaml", "4:7", "unknown key 'ulr' under "
	    "'prometheus'; did you mean 'url'?"));
	/* The url is still missing: reported too. */
	CHECK(has_problem(&p, "bad.yaml", "4:7", "missing key 'url' under "
	    "'prometheus'; add it"));
	CHECK_INT(p.n, 2);
	conf_problems_done(&p);

	check_one("themes: dark\n", "1:1", "unknown key 'themes' at the top "
	    "level; did you mean 'theme'?");
	check_one("zzzzzz: 1\n", "1:1", "unknown key 'zzzzzz' at the top "
	    "level; the keys here are: theme, contexts,");
	check_one(CTX "    refrsh: 5s\n", "3:5", "unknown key 'refrsh' under "
	    "'contexts'; did you mean 'refresh'?");
}

/* A value of the wrong kind, for each kind. */
static void
test_wrong_types(void)
{
	check_one(CTX "    prometheus: [http://h/]\n", "3:17",
	    "expected a mapping for 'prometheus', found a list");
	check_one("contexts: prod\n", "1:11",
	    "expected a list for 'contexts', found a single value");
	check_one(CTX "    kubernetes: {context: [a, b]}\n", "3:27",
	    "expected a string for 'context', found a list");
	check_one("slos:\n  - name: a\n    objective: high\n"
	    "    sli: {raw: {error_ratio_query: q}}\n", "3:16",
	    "expected a number for 'objective', found 'high'; write it like "
	    "99.9");
	check_one(CTX "    prometheus:\n      url: http://h/\n"
	    "      tls: {insecure_skip_verify: yes}\n", "5:35",
	    "expected a boolean for 'insecure_skip_verify', found 'yes'; "
	    "write true or false");
	check_one(CTX "    probes: [{name: p, url: http://h/, "
	    "expect_status: ok}]\n", "3:55",
	    "expected a whole number for 'expect_status', found 'ok'");
	check_one("contexts:\n  - prod\n", "2:5",
	    "each item of 'contexts' must be a mapping, found a single value");
	check_one(CTX "    prometheus: {url: \"ftp://h/\"}\n", "3:23",
	    "'url' is not an http:// or https:// URL with a host");
}

/* Values out of range. */
static void
test_range(void)
{
	static const char *const bad[] = { "0", "100", "-1", "100.5" };
	char			*text;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		text = xasprintf("slos:\n  - name: a\n    objective: %s\n"
		    "    sli: {raw: {error_ratio_query: q}}\n", bad[i]);
		check_one(text, "3:16", "'objective' is ");
		free(text);
	}
	check_one("slos:\n  - name: a\n    objective: 100\n"
	    "    sli: {raw: {error_ratio_query: q}}\n", "3:16",
	    "'objective' is 100 but must be below 100; use a value above 0 "
	    "and below 100");
	check_one(CTX "    probes: [{name: p, url: http://h/, "
	    "expect_status: 99}]\n", "3:55", "'expect_status' is 99 but must "
	    "be at least 100");
	check_one("slo_alerting: {budget_warning: 90}\n", "1:32",
	    "budget_warning (90) must be below budget_critical (80)");
	conf_free(load_ok("slos:\n  - name: a\n    objective: 99.999\n"
	    "    sli: {raw: {error_ratio_query: q}}\n"));
}

/* Required keys that are missing or empty. */
static void
test_missing(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf = load_text("bad.yaml",
	    "contexts:\n"
	    "  - refresh: 5s\n"				/* 2: no name */
	    "    prometheus:\n"
	    "      timeout: 5s\n"			/* 4: no url */
	    "    alertmanagers:\n"
	    "      - {timeout: 5s}\n"			/* 6: no url */
	    "    probes:\n"
	    "      - {url: http://h/}\n"		/* 8: no name */
	    "slos:\n"
	    "  - objective: 99\n"			/* 10: no name */
	    "    sli: {raw: {error_ratio_query: q}}\n"
	    "  - name: b\n"				/* 12: no objective */
	    "    sli: {events: {error_query: e}}\n"	/* 13: no total */
	    "  - name: c\n"				/* 14: no sli */
	    "    objective: 99\n"
	    "  - name: d\n"
	    "    objective: 99\n"
	    "    sli: {raw: {}}\n"			/* 18: no query */
	    "services:\n"
	    "  - name:\n",				/* 20: no value */
	    &p);
	CHECK(conf == NULL);
	CHECK(has_problem(&p, "bad.yaml", "2:5", "missing key 'name' under "
	    "'contexts'; add it"));
	CHECK(has_problem(&p, "bad.yaml", "4:7", "missing key 'url' under "
	    "'prometheus'; add it"));
	CHECK(has_problem(&p, "bad.yaml", "6:9", "missing key 'url' under "
	    "'alertmanagers'"));
	CHECK(has_problem(&p, "bad.yaml", "8:9", "missing key 'name' under "
	    "'probes'"));
	CHECK(has_problem(&p, "bad.yaml", "10:5", "missing key 'name' under "
	    "'slos'"));
	CHECK(has_problem(&p, "bad.yaml", "12:5", "missing key 'objective' "
	    "under 'slos'"));
	CHECK(has_problem(&p, "bad.yaml", "13:19", "missing key "
	    "'total_query' under 'events'"));
	CHECK(has_problem(&p, "bad.yaml", "14:5", "missing key 'sli' under "
	    "'slos'"));
	CHECK(has_problem(&p, "bad.yaml", "18:16", "missing key "
	    "'error_ratio_query' under 'raw'"));
	CHECK(has_problem(&p, "bad.yaml", "20:5", "'name' has no value; "
	    "give it one"));
	CHECK_INT(p.n, 10);
	conf_problems_done(&p);

	check_one("slos:\n  - name: a\n    objective: 99\n    sli: {}\n",
	    "4:10", "'sli' needs events or raw; add one of them");
	check_one("slos:\n  - name: \"\"\n    objective: 99\n"
	    "    sli: {raw: {error_ratio_query: q}}\n", "2:11",
	    "'name' is empty; give it a value");
}

/* Names that must be unique: contexts, services, SLOs, probes. */
static void
test_duplicate_names(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf = load_text("bad.yaml",
	    "contexts:\n"
	    "  - name: prod\n"
	    "    probes:\n"
	    "      - {name: api, url: http://h/}\n"
	    "      - {name: api, url: http://h/}\n"		/* 5 */
	    "  - name: prod\n"				/* 6 */
	    "    probes:\n"
	    "      - {name: api, url: http://h/}\n"		/* other context: ok */
	    "services:\n"
	    "  - name: checkout\n"
	    "  - name: checkout\n"				/* 11 */
	    "slos:\n"
	    "  - {name: s, objective: 99, sli: {raw: {error_ratio_query: q}}}\n"
	    "  - {name: s, objective: 99, sli: {raw: {error_ratio_query: q}}}\n",
	    &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 4);
	CHECK(has_problem(&p, "bad.yaml", "5:16", "duplicate name 'api' in "
	    "'probes' (first at line 4); give each a unique name"));
	CHECK(has_problem(&p, "bad.yaml", "6:11", "duplicate name 'prod' in "
	    "'contexts' (first at line 2)"));
	CHECK(has_problem(&p, "bad.yaml", "11:11", "duplicate name "
	    "'checkout' in 'services' (first at line 10)"));
	CHECK(has_problem(&p, "bad.yaml", "14:12", "duplicate name 's' in "
	    "'slos' (first at line 13)"));
	conf_problems_done(&p);
}

/* An SLO or probe naming a service that is not defined. */
static void
test_service_ref(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf = load_text("bad.yaml",
	    "services:\n"
	    "  - name: checkout\n"
	    "slos:\n"
	    "  - name: a\n"
	    "    service: chekout\n"
	    "    objective: 99\n"
	    "    sli: {raw: {error_ratio_query: q}}\n"
	    "  - name: b\n"
	    "    service: zzzzzzzz\n"
	    "    objective: 99\n"
	    "    sli: {raw: {error_ratio_query: q}}\n"
	    "contexts:\n"
	    "  - name: prod\n"
	    "    probes: [{name: p, url: http://h/, service: cart}]\n", &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 3);
	CHECK(has_problem(&p, "bad.yaml", "5:14", "service 'chekout' is not "
	    "defined under 'services'; did you mean 'checkout'?"));
	CHECK(has_problem(&p, "bad.yaml", "9:14", "service 'zzzzzzzz' is not "
	    "defined under 'services'; add it there or fix the name"));
	CHECK(has_problem(&p, "bad.yaml", "14:49", "service 'cart' is not "
	    "defined"));
	conf_problems_done(&p);

	/* Without services, any service name is accepted. */
	conf_free(load_ok("slos:\n  - name: a\n    service: anything\n"
	    "    objective: 99\n    sli: {raw: {error_ratio_query: q}}\n"));
}

/* Authentication keys that exclude or need each other. */
static void
test_auth(void)
{
	struct conf	*conf;

	check_one(CTX "    prometheus:\n      url: http://h/\n"
	    "      bearer_token: abc\n"
	    "      basic_auth: {username: u, password: p}\n", "6:7",
	    "'basic_auth' cannot be used together with 'bearer_token'; keep "
	    "only one of them");
	check_one(CTX "    alertmanagers:\n      - url: http://h/\n"
	    "        bearer_token_file: /t\n"
	    "        bearer_token: abc\n", "6:9",
	    "'bearer_token' cannot be used together with 'bearer_token_file'");
	check_one(CTX "    prometheus:\n      url: http://h/\n"
	    "      tls: {cert_file: /c}\n", "5:13",
	    "'cert_file' needs 'key_file' beside it; add it");
	check_one(CTX "    prometheus:\n      url: http://h/\n"
	    "      basic_auth: {password: p}\n", "5:19",
	    "missing key 'username' under 'basic_auth'");

	conf = load_ok(CTX "    prometheus:\n      url: https://h/\n"
	    "      basic_auth: {username: u, password: pw}\n"
	    "      tls: {ca_file: /ca, cert_file: /c, key_file: /k, "
	    "insecure_skip_verify: true}\n      timeout: 3s\n");
	if (conf != NULL) {
		CHECK_STR(conf->contexts[0].prometheus->username, "u");
		CHECK_STR(conf->contexts[0].prometheus->password, "pw");
		CHECK_STR(conf->contexts[0].prometheus->tls.key_file, "/k");
		CHECK_INT(conf->contexts[0].prometheus->tls.insecure_skip_verify,
		    1);
		CHECK_INT(conf->contexts[0].prometheus->timeout_ms, 3000);
	}
	conf_free(conf);
}

/* Secrets never appear in a message. */
static void
test_redaction(void)
{
	struct conf_problems	 p;
	struct conf		*conf;

	CHECK_STR(conf_redact("s3cret"), "<redacted>");
	CHECK_STR(conf_redact(""), "");
	CHECK_STR(conf_redact(NULL), "");

	setenv("SITREP_TEST_TOKEN", "tok-FROM-ENV-1234\nX-Evil: 1", 1);
	conf = load_text("bad.yaml", CTX
	    "    prometheus:\n"
	    "      url: http://h/\n"
	    "      bearer_token: \"tok-SECRET-5678\\r\\nX-Evil: 1\"\n"
	    "      headers: {Authorization: \"Bearer hdr-SECRET-9\\n\"}\n"
	    "    alertmanagers:\n"
	    "      - url: http://h/\n"
	    "        bearer_token: ${SITREP_TEST_TOKEN}\n"
	    "        basic_auth: {username: u, password: [pw-SECRET-0]}\n",
	    &p);
	CHECK(conf == NULL);
	CHECK(has_problem(&p, "bad.yaml", "5:21", "'bearer_token' "
	    "<redacted> contains a control character or line break; remove "
	    "it"));
	CHECK(has_problem(&p, "bad.yaml", "6:32", "header 'Authorization' "
	    "<redacted> contains a control character"));
	CHECK(has_problem(&p, "bad.yaml", "9:23", "'bearer_token' "
	    "<redacted> contains a control character"));
	CHECK(has_problem(&p, "bad.yaml", "10:9", "'basic_auth' cannot be "
	    "used together with 'bearer_token'"));
	CHECK(has_problem(&p, "bad.yaml", "10:45", "expected a string for "
	    "'password', found a list"));
	CHECK_INT(p.n, 5);
	CHECK(!any_contains(&p, "SECRET"));
	CHECK(!any_contains(&p, "FROM-ENV"));
	CHECK(!any_contains(&p, "X-Evil"));
	conf_problems_done(&p);

	/* A missing space makes the token part of a key. */
	conf = load_text("bad.yaml", CTX
	    "    prometheus:\n"
	    "      url: http://h/\n"
	    "      bearer_token:tok-SECRET-1: x\n"
	    "      password tok-SECRET-2: x\n", &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 2);
	CHECK(has_problem(&p, "bad.yaml", "5:7", "unknown key "
	    "'bearer_token...' under 'prometheus'; write a key, a colon and a "
	    "space, then the value, as in 'bearer_token: value'"));
	CHECK(has_problem(&p, "bad.yaml", "6:7", "unknown key 'password...'"));
	CHECK(!any_contains(&p, "SECRET"));
	conf_problems_done(&p);
	unsetenv("SITREP_TEST_TOKEN");
}

/* Every problem of a file in one run, in file order. */
static void
test_all_problems(void)
{
	struct conf_problems	 p;
	struct conf		*conf;
	size_t			 i;

	conf = load_text("bad.yaml",
	    "theme: 1\n"
	    "contexts:\n"
	    "  - name: prod\n"
	    "    refresh: 1ms\n"				/* 4 */
	    "    prometheus:\n"
	    "      ulr: http://h/\n"				/* 6, twice */
	    "    bogus: 1\n"					/* 7 */
	    "slos:\n"
	    "  - name: a\n"
	    "    objective: 101\n"				/* 10 */
	    "    sli: {raw: {error_ratio_query: q}}\n"
	    "incidents: {group_by: [a, [b]]}\n"			/* 12 */
	    "keys: {ack: {x: y}}\n",				/* 13 */
	    &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 7);
	CHECK(has_problem(&p, "bad.yaml", "4:14", "'refresh' is 1ms"));
	CHECK(has_problem(&p, "bad.yaml", "6:7", "unknown key 'ulr'"));
	CHECK(has_problem(&p, "bad.yaml", "6:7", "missing key 'url'"));
	CHECK(has_problem(&p, "bad.yaml", "7:5", "unknown key 'bogus' under "
	    "'contexts'"));
	CHECK(has_problem(&p, "bad.yaml", "10:16", "'objective' is 101"));
	CHECK(has_problem(&p, "bad.yaml", "12:27", "each item of 'group_by' "
	    "must be a string, found a list"));
	CHECK(has_problem(&p, "bad.yaml", "13:13", "expected a string for "
	    "'ack' under 'keys', found a mapping"));
	/* Sorted by position. */
	for (i = 1; i < p.n; i++) {
		long l0 = strtol(strstr(p.v[i - 1], "bad.yaml:") + 9, NULL, 10);
		long l1 = strtol(strstr(p.v[i], "bad.yaml:") + 9, NULL, 10);

		CHECK(l0 <= l1);
	}
	conf_problems_done(&p);
}

/* Key bindings and service matches are kept with their lines. */
static void
test_maps(void)
{
	struct conf	*conf;

	conf = load_ok("keys:\n  ack: a\n  \"silence\": S\n"
	    "services:\n  - name: checkout\n"
	    "    match: {namespace: payments, deployment: checkout}\n"
	    "incidents:\n  group_by: [alertname]\ntheme: light\n");
	if (conf == NULL)
		return;
	CHECK_INT(conf->nkeys, 2);
	CHECK_STR(conf->keys[0].key, "ack");
	CHECK_STR(conf->keys[0].value, "a");
	CHECK_INT(conf->keys[0].line, 2);
	CHECK_STR(conf->keys[1].key, "silence");
	CHECK_INT(conf->keys[1].line, 3);
	CHECK_INT(conf->services[0].nmatch, 2);
	CHECK_STR(conf->services[0].match[1].key, "deployment");
	CHECK_STR(conf->services[0].match[1].value, "checkout");
	CHECK_INT(conf->services[0].line, 5);
	CHECK_INT(conf->ngroup_by, 1);
	CHECK_STR(conf->group_by[0], "alertname");
	CHECK_STR(conf->theme, "light");
	conf_free(conf);

	check_one(CTX "    prometheus:\n      url: http://h/\n"
	    "      headers: {\"Bad Header\": x}\n", "5:17",
	    "'Bad Header' is not a valid HTTP header name");
}

/* Hostile input: aliases, deep nesting, size, garbage. */
static void
test_hostile(void)
{
	struct conf_problems	 p;
	struct conf		*conf;
	struct buf		 b;
	char			*path;
	int			 i;

	/* Billion laughs: every alias refused, nothing expanded. */
	path = xasprintf("%s/tests/data/conf/laughs.yaml", srcdir());
	conf_problems_init(&p);
	conf = conf_load(path, &p);
	CHECK(conf == NULL);
	CHECK(p.n > 0 && p.n < 1000);
	CHECK(any_contains(&p, "laughs.yaml:3:8: aliases are not supported "
	    "(*a); write the value out in full"));
	conf_problems_done(&p);
	free(path);

	check_one("theme: &t x\ncontexts: *t\n", "2:11",
	    "aliases are not supported (*t)");

	/* Deep nesting. */
	buf_init(&b, 0);
	buf_puts(&b, "keys: ");
	for (i = 0; i < 200; i++)
		buf_puts(&b, "[");
	check_one(buf_str(&b), "1:38", "nested more than 32 levels deep");
	buf_done(&b);

	/* Larger than the limit. */
	buf_init(&b, 0);
	buf_puts(&b, "# padding\n");
	while (b.len <= CONF_MAX_FILE_SIZE)
		buf_puts(&b, "# ...............................................\n");
	conf = load_text("big.yaml", buf_str(&b), &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 1);
	CHECK(any_contains(&p, "big.yaml: the file is larger than 4 MiB"));
	conf_problems_done(&p);
	buf_done(&b);

	/* Garbage, control characters, invalid UTF-8, a NUL. */
	conf_problems_init(&p);
	conf = conf_load_buffer("mem.yaml", "theme: \"a\\0b\"\n", 14, &p);
	CHECK(conf == NULL);
	CHECK(any_contains(&p, "mem.yaml:1:8: a value contains a NUL"));
	conf_problems_done(&p);

	conf_problems_init(&p);
	conf = conf_load_buffer("mem.yaml", "theme: \xff\xfe\x1b[31m\n", 13,
	    &p);
	CHECK(conf == NULL);
	CHECK(any_contains(&p, "mem.yaml:1:8: invalid YAML"));
	conf_problems_done(&p);

	conf_problems_init(&p);
	conf = conf_load_buffer("mem.yaml", "\x1b[31m: 1\n", 9, &p);
	CHECK(conf == NULL);
	CHECK(p.n == 1 && strchr(p.v[0], '\x1b') == NULL);
	conf_problems_done(&p);

	/* A missing file and a directory. */
	path = xasprintf("%s/no-such-file.yaml", tmpdir);
	conf_problems_init(&p);
	CHECK(conf_load(path, &p) == NULL);
	CHECK(p.n == 1 && strstr(p.v[0], "no-such-file.yaml: cannot read "
	    "the file: No such file or directory") != NULL);
	conf_problems_done(&p);
	free(path);
	conf_problems_init(&p);
	CHECK(conf_load(tmpdir, &p) == NULL);
	CHECK(any_contains(&p, ": the file is a directory; name a file"));
	conf_problems_done(&p);
}

/* Sloth files: read as they are, SLOs appended with their file. */
static void
test_sloth(void)
{
	struct conf_problems	 p;
	struct conf		*conf;
	const struct conf_slo	*s;
	char			*path, *want;

	path = xasprintf("%s/tests/data/conf/sloth-main.yaml", srcdir());
	conf_problems_init(&p);
	conf = conf_load(path, &p);
	show(&p);
	CHECK(conf != NULL);
	CHECK_INT(p.n, 0);
	conf_problems_done(&p);
	if (conf != NULL) {
		CHECK_INT(conf->nslo_files, 2);
		CHECK_INT(conf->nslos, 4);
		CHECK_STR(conf->slos[0].name, "checkout-availability");
		CHECK_STR(conf->slos[0].file, path);

		s = &conf->slos[1];
		want = xasprintf("%s/tests/data/conf/slos/search.sloth.yaml",
		    srcdir());
		CHECK_STR(s->name, "search-availability");
		CHECK_STR(s->file, want);
		CHECK_STR(s->service, "search");
		CHECK_NEAR(s->objective, 99.95, 1e-9);
		CHECK_STR(s->description,
		    "Search answers without a server error.");
		CHECK_STR(s->error_query,
		    "sum(rate(search_requests_total{code=~\"5..\"}"
		    "[{{.window}}]))");
		CHECK_INT(s->period_ms, 30LL * 86400 * 1000);
		CHECK_INT(s->line, 6);
		free(want);

		s = &conf->slos[2];
		CHECK_STR(s->name, "search-errors-ratio");
		CHECK(s->error_query == NULL);
		CHECK(s->error_ratio_query != NULL);
		CHECK_STR(conf->slos[3].service, "checkout");
	}
	conf_free(conf);
	free(path);

	/* An unknown key in a Sloth file: that file's line and column. */
	path = xasprintf("%s/tests/data/conf/sloth-bad-main.yaml", srcdir());
	conf_problems_init(&p);
	conf = conf_load(path, &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 1);
	CHECK(any_contains(&p, "slos/bad.sloth.yaml:10:5: unknown key "
	    "'alertin' under 'slos'; did you mean 'alerting'?"));
	conf_problems_done(&p);
	free(path);

	/* Missing files, duplicate names across files, bad versions. */
	free(write_file("x.sloth.yaml", "version: prometheus/v2\n"
	    "service: s\nslos:\n  - name: a\n    objective: 99\n"
	    "    sli: {raw: {error_ratio_query: q}}\n"
	    "  - {name: b, objective: 99, sli: {raw: {error_ratio_query: q}, "
	    "plugin: {id: x}}}\n"));
	conf = load_text("main.yaml", "slos:\n  - name: a\n"
	    "    objective: 99\n    sli: {raw: {error_ratio_query: q}}\n"
	    "slo_files: [x.sloth.yaml, missing.sloth.yaml]\n", &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 4);
	CHECK(has_problem(&p, "main.yaml", "5:27", "cannot read SLO file "
	    "'missing.sloth.yaml': No such file or directory"));
	CHECK(has_problem(&p, "x.sloth.yaml", "1:10", "unsupported version "
	    "'prometheus/v2'; use prometheus/v1"));
	want = xasprintf("duplicate name 'a' in 'slos' (first at "
	    "%s/main.yaml:2)", tmpdir);
	CHECK(has_problem(&p, "x.sloth.yaml", "4:11", want));
	free(want);
	CHECK(has_problem(&p, "x.sloth.yaml", "7:65", "unknown key 'plugin' "
	    "under 'sli'"));
	conf_problems_done(&p);

	free(write_file("y.sloth.yaml", "service: s\nslos: []\n"));
	conf = load_text("main.yaml", "slo_files: [y.sloth.yaml]\n", &p);
	CHECK(conf == NULL);
	CHECK_INT(p.n, 1);
	CHECK(has_problem(&p, "y.sloth.yaml", "1:1", "missing key 'version' "
	    "at the top level; add it"));
	conf_problems_done(&p);
}

/* The example configuration loads, and shows every key. */
static void
test_example(void)
{
	struct conf_problems	 p;
	struct conf		*conf;
	struct buf		 b;
	const char		*key;
	char			*path, *cause = NULL, *want, sum[128];
	size_t			 i;

	unsetenv("PROM_TOKEN");
	unsetenv("PROM_TENANT");
	unsetenv("AM_USER");
	unsetenv("AM_PASSWORD");
	path = xasprintf("%s/config/sitrep.example.yaml", srcdir());
	conf_problems_init(&p);
	conf = conf_load(path, &p);
	show(&p);
	CHECK(conf != NULL);
	CHECK_INT(p.n, 0);
	conf_problems_done(&p);
	if (conf != NULL) {
		conf_check_summary(conf, sum, sizeof sum);
		CHECK_STR(sum, "2 contexts, 2 services, 4 SLOs");
		CHECK_STR(conf_context_find(conf, "staging")->name, "staging");
		CHECK(conf_context_find(conf, "nope") == NULL);
		CHECK_STR(conf->contexts[0].alertmanagers[0].username,
		    "sitrep");
		CHECK(conf->contexts[0].alertmanagers[0].password == NULL);
		CHECK_STR(conf->contexts[0].prometheus->headers[0].value,
		    "team-a");
	}
	conf_free(conf);

	/* Every key of the configuration appears in it. */
	buf_init(&b, CONF_MAX_FILE_SIZE);
	if (buf_read_file(&b, path, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		harness_failed = 1;
	}
	for (i = 0; i < conf_schema_size; i++) {
		if (conf_schema[i].flags & CONF_SLOTH)
			continue;
		key = strrchr(conf_schema[i].path, '.');
		key = key == NULL ? conf_schema[i].path : key + 1;
		want = xasprintf("%s:", key);
		if (strstr(buf_str(&b), want) == NULL) {
			printf("# %s is not in the example\n",
			    conf_schema[i].path);
			harness_failed = 1;
		}
		free(want);
	}
	buf_done(&b);
	free(path);

	path = xasprintf("%s/config/slos/checkout.sloth.yaml", srcdir());
	conf_problems_init(&p);
	conf = conf_load(path, &p);	/* not a configuration: refused */
	CHECK(conf == NULL);
	CHECK(any_contains(&p, "unknown key 'version' at the top level"));
	conf_problems_done(&p);
	free(path);
}

/* The committed docs/CONFIG.md is what the schema generates. */
static void
test_docs(void)
{
	struct buf	 want;
	char		*path, *cause = NULL, *got = NULL;
	size_t		 len = 0;
	FILE		*f;

	if ((f = open_memstream(&got, &len)) == NULL) {
		harness_failed = 1;
		return;
	}
	conf_write_docs(f);
	fclose(f);
	CHECK_CONTAINS(got, "| `contexts[].refresh` | duration | `15s` | "
	    "500ms to 1h |");
	CHECK_CONTAINS(got, "| `slos[].objective` | number, required |  | "
	    "above 0, below 100 |");
	CHECK_CONTAINS(got, "| `http.max_body` | size | `64MiB` |");

	path = xasprintf("%s/docs/CONFIG.md", srcdir());
	buf_init(&want, 0);
	if (buf_read_file(&want, path, &cause) != 0) {
		printf("# %s\n", cause);
		free(cause);
		harness_failed = 1;
	} else if (want.len != len || memcmp(want.data, got, len) != 0) {
		printf("# %s is out of date with the schema in "
		    "core/conf_schema.c;\n# regenerate it: ./sitrep config docs "
		    "> docs/CONFIG.md\n", path);
		harness_failed = 1;
	}
	buf_done(&want);
	free(path);
	free(got);
}

/* Which file is read. */
static void
test_find_path(void)
{
	char	*path, *want;
	int	 explicit;

	setenv("HOME", "/home/tester", 1);
	setenv("SITREP_CONFIG", "/etc/sitrep.yaml", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);

	path = conf_find_path("my.yaml", &explicit);
	CHECK_STR(path, "my.yaml");
	CHECK_INT(explicit, 1);
	free(path);

	path = conf_find_path(NULL, &explicit);
	CHECK_STR(path, "/etc/sitrep.yaml");
	CHECK_INT(explicit, 1);
	free(path);

	unsetenv("SITREP_CONFIG");
	path = conf_find_path(NULL, &explicit);
	CHECK_STR(path, "/xdg/sitrep/config.yaml");
	CHECK_INT(explicit, 0);
	free(path);

	unsetenv("XDG_CONFIG_HOME");
	path = conf_find_path(NULL, &explicit);
	want = xasprintf("%s/.config/sitrep/config.yaml", "/home/tester");
	CHECK_STR(path, want);
	CHECK_INT(explicit, 0);
	free(want);
	free(path);

	path = conf_find_path("~/x.yaml", &explicit);
	CHECK_STR(path, "/home/tester/x.yaml");
	free(path);
}

/* An empty file is the defaults. */
static void
test_empty(void)
{
	struct conf	*conf;

	conf = load_ok("");
	if (conf != NULL) {
		CHECK_INT(conf->ncontexts, 0);
		CHECK_STR(conf->theme, "default");
	}
	conf_free(conf);
	conf = load_ok("# only a comment\n");
	conf_free(conf);
}

/* actions: rate limits, scale bounds, protected contexts. */
static void
test_actions(void)
{
	struct conf	*conf;

	conf = load_ok(CTX "    protected: true\n"
	    "actions:\n  rate_limits:\n    restart: 2/10m\n"
	    "    delete-pod: none\n  scale_min: 1\n  scale_max: 12\n");
	CHECK(conf != NULL);
	if (conf != NULL) {
		CHECK_INT(conf->contexts[0].protected_ctx, 1);
		CHECK_INT(conf->nrate_limits, 2);
		CHECK_INT(conf->scale_min, 1);
		CHECK_INT(conf->scale_max, 12);
	}
	conf_free(conf);
	conf = load_ok(CTX);
	CHECK(conf != NULL);
	if (conf != NULL) {
		CHECK_INT(conf->contexts[0].protected_ctx, 0);
		CHECK_INT(conf->scale_max, 50);
	}
	conf_free(conf);
	check_one(CTX "actions:\n  rate_limits:\n    reboot: 1/5m\n",
	    "5:5", "actions.rate_limits: 'reboot' is not a rate-limited "
	    "action");
	check_one(CTX "actions:\n  rate_limits:\n    restart: 5 per 5m\n",
	    "5:5", "actions.rate_limits: restart: '5 per 5m' is not a rate "
	    "limit");
	check_one(CTX "actions:\n  rate_limits:\n    restart: 0/5m\n",
	    "5:5", "actions.rate_limits: restart: '0/5m': the count");
	check_one(CTX "actions:\n  scale_min: 5\n  scale_max: 3\n",
	    "4:14", "actions.scale_min (5) is above actions.scale_max (3)");
}

/* Load text and require one problem at where starting with msg. */
static void
check_has(const char *text, const char *where, const char *msg)
{
	struct conf_problems	 p;
	struct conf		*conf;

	conf = load_text("bad.yaml", text, &p);
	CHECK(conf == NULL);
	CHECK(has_problem(&p, "bad.yaml", where, msg));
	conf_free(conf);
	conf_problems_done(&p);
}

/* head, n times s, mid, m times e and a newline; caller frees. */
static char *
repeat(const char *head, const char *s, size_t n, const char *mid,
    const char *e, size_t m)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);
	buf_puts(&b, head);
	for (i = 0; i < n; i++)
		buf_puts(&b, s);
	buf_puts(&b, mid);
	for (i = 0; i < m; i++)
		buf_puts(&b, e);
	buf_puts(&b, "\n");
	return buf_detach(&b);
}

/*
 * What the YAML reader meets is worded by the configuration, each at its
 * line and column: syntax (with libyaml's context), tabs, bytes that are
 * not UTF-8, a second document, aliases, a NUL, depth and size.
 */
static void
test_yaml_reader(void)
{
	struct conf_problems	 p;
	struct conf		*conf;
	char			*text;

	check_one("theme: [a\n", "2:1", "invalid YAML: did not find "
	    "expected ',' or ']' (while parsing a flow sequence at line 1, "
	    "column 8); correct the syntax here");
	check_one("contexts:\n\t- name: x\n", "2:1", "tabs are not allowed "
	    "for indentation; use spaces");
	check_one("theme: \xff\n", "1:8", "invalid YAML: invalid leading "
	    "UTF-8 octet; save the file as UTF-8 text");
	check_one("theme: dark\n---\ntheme: light\n", "2:1", "a second YAML "
	    "document; keep one document per file");
	check_has("theme: &t dark\noperator: *t\n", "2:11", "aliases are not "
	    "supported (*t); write the value out in full");
	check_has("theme: \"a\\0b\"\n", "1:8", "a value contains a NUL "
	    "character; remove it");

	/* Lists 32 deep hold a value; a 33rd list is too deep. */
	text = repeat("theme: ", "[", 32, "]", "]", 31);
	check_has(text, "1:39", "nested more than 32 levels deep; flatten it");
	free(text);
	text = repeat("theme: ", "[", 31, "x", "]", 31);
	conf = load_text("bad.yaml", text, &p);
	CHECK(conf == NULL);
	CHECK(!any_contains(&p, "levels deep"));
	CHECK(has_problem(&p, "bad.yaml", "1:8", "expected a string for "
	    "'theme', found a list"));
	conf_problems_done(&p);
	free(text);

	/* The map, its key, the list, then items: the 99998th is one more. */
	text = repeat("theme: [", "0,", 99999, "0", "]", 1);
	check_has(text, "1:200003", "more than 100000 values; split the file");
	free(text);
}

static const struct test tests[] = {
	TEST(test_defaults),
	TEST(test_durations),
	TEST(test_sizes),
	TEST(test_env),
	TEST(test_tilde),
	TEST(test_invalid_yaml),
	TEST(test_tabs),
	TEST(test_duplicate_key),
	TEST(test_unknown_key),
	TEST(test_wrong_types),
	TEST(test_range),
	TEST(test_missing),
	TEST(test_duplicate_names),
	TEST(test_service_ref),
	TEST(test_auth),
	TEST(test_redaction),
	TEST(test_all_problems),
	TEST(test_maps),
	TEST(test_hostile),
	TEST(test_sloth),
	TEST(test_actions),
	TEST(test_example),
	TEST(test_docs),
	TEST(test_empty),
	TEST(test_yaml_reader),
	TEST(test_find_path),
	{ NULL, NULL }
};

/* Run every test in a temporary directory. */
int
main(void)
{
	const char	*base = getenv("TMPDIR");
	int		 rc;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	tmpdir = xasprintf("%s/sitrep-conf-test.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	rc = harness_run(tests);
	remove_tmpdir();
	free(tmpdir);
	return rc;
}
