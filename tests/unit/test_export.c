/*
 * test_export.c: unit tests for the snapshot renderers.
 *
 * A views struct is built by hand (fixed time, two sources one stale,
 * services OK/WARNING/CRITICAL, SLOs paging/ticketing/without data, two
 * incidents one silenced) and each format is compared with its golden file
 * in tests/data/export/.  Set SITREP_REGEN_GOLDEN=1 to rewrite the golden
 * files after an intended change, then review the diff.  The fixture is
 * allocated as views_build() allocates, so views_free() releases it.
 *
 * Beyond the goldens: hostile strings must never reach a document raw (no
 * control byte in text, no markup in HTML or Markdown), lines must fit the
 * width, ASCII mode must be ASCII, and the JSON and HTML must pass
 * tests/lib/check_snapshot.py (schema and well-formedness); those checks
 * are TAP SKIPs when python3 is not installed (failures under CI=true).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>

#include <cJSON.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/buf.h"
#include "core/views.h"
#include "base/xmalloc.h"
#include "core/vocab.h"
#include "export/escape.h"
#include "export/export.h"
#include "core/conf.h"
#include "tui/draw.h"
#include "tui/tui.h"

/* 2026-03-14T09:26:40Z */
#define NOW	1773480400000LL
#define MIN	60000LL
#define HOUR	3600000LL
#define DAY	86400000LL

/* ------------------------------------------------------------------ */
/* A views struct built by hand                                        */
/* ------------------------------------------------------------------ */

/* A copy of s, or NULL. */
static char *
sdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Replace an owned string. */
static void
set(char **field, const char *s)
{
	free(*field);
	*field = sdup(s);
}

/* A NULL-free array of n copies of the strings. */
static char **
strv(size_t n, const char *const *s)
{
	char	**v;
	size_t	  i;

	v = xcalloc(n > 0 ? n : 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = xstrdup(s[i]);
	return v;
}

/* Fill a source. */
static void
fx_source(struct view_source *s, const char *name, int ok, int stale,
    int64_t age, int64_t latency, int64_t items, const char *error)
{
	s->name = sdup(name);
	s->kind = sdup(name);
	s->ok = ok;
	s->stale = stale;
	s->never = age < 0;
	s->age_ms = age;
	s->last_success_ms = age < 0 ? 0 : NOW - age;
	s->last_attempt_ms = NOW - 5000;
	s->latency_ms = latency;
	s->items = items;
	s->error = sdup(error);
}

/* Fill an SLO: ratios for 5m..period, burn from them, sparkline f. */
static void
fx_slo(struct view_slo *s, const char *name, const char *svc, double obj,
    int64_t period, const double ratio[SLO_NWINDOWS], double budget,
    enum slo_verdict verdict, int warn, size_t nspark, int kind)
{
	size_t	i;
	int	w;

	s->name = sdup(name);
	s->service = sdup(svc);
	s->objective = obj;
	s->period_ms = period;
	for (w = 0; w < SLO_NWINDOWS; w++) {
		s->ratio[w] = ratio[w];
		s->burn[w] = ratio[w] / (1 - obj / 100);
	}
	s->budget_remaining = budget;
	s->exhaustion_s = isfinite(budget) ? (int64_t)llround(budget *
	    (double)(period / 1000) / s->burn[SLO_1H]) : -1;
	s->verdict = verdict;
	s->budget_warning = warn;
	s->budget_critical = 0;
	s->evaluated_ms = isfinite(budget) ? NOW - 30000 : 0;
	s->nspark = nspark;
	s->spark = xcalloc(nspark > 0 ? nspark : 1, sizeof *s->spark);
	s->spark_ts = xcalloc(nspark > 0 ? nspark : 1, sizeof *s->spark_ts);
	for (i = 0; i < nspark; i++) {
		s->spark_ts[i] = NOW - (int64_t)(nspark - 1 - i) * 900000;
		if (kind == 0) {
			/* Calm, a gap in the data, then a climb to 16. */
			if (i >= 20 && i <= 22)
				s->spark[i] = NAN;
			else if (i < 60)
				s->spark[i] = 0.5 + 0.01 * (double)(i % 7);
			else
				s->spark[i] = 0.5 + 0.45 * (double)(i - 60);
		} else
			s->spark[i] = 1 + 0.2 * (double)(i % 12);
	}
}

/* Fill an alert. */
static void
fx_alert(struct view_alert *a, const char *fp, const char *name,
    enum view_severity sev, const char *state, int silenced, int64_t age,
    const char *labels, const char *annotations, const char *summary,
    const char *runbook, size_t incident)
{
	a->fingerprint = sdup(fp);
	a->alertname = sdup(name);
	a->severity = sev;
	a->severity_label = sdup(sev == SEV_CRITICAL ? "critical" :
	    sev == SEV_ERROR ? "error" : "warning");
	a->state = sdup(state);
	a->silenced = silenced;
	a->inhibited = 0;
	a->labels = sdup(labels);
	a->annotations = sdup(annotations);
	a->starts_at_ms = NOW - age;
	a->generator_url = xasprintf("http://127.0.0.1:9090/graph?g0.expr="
	    "%s&g0.tab=1", name);
	a->summary = sdup(summary);
	a->runbook_url = sdup(runbook);
	a->incident = incident;
}

/* The golden views. */
static struct views *
fixture(void)
{
	static const double	 r_checkout[SLO_NWINDOWS] = {
		0.02, 0.018, 0.0162, 0.012, 0.007, 0.003, 0.0015, 0.0006
	};
	static const double	 r_search[SLO_NWINDOWS] = {
		0.01, 0.012, 0.015, 0.016, 0.0175, 0.0165, 0.008, 0.0035
	};
	static const double	 r_none[SLO_NWINDOWS] = {
		NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN
	};
	static const char *const why_api[] = { "3/3 targets up" };
	static const char *const why_search[] = {
		"deployment search/search-api 2/3 ready"
	};
	static const char *const why_checkout[] = {
		"probe https://checkout.example/healthz: HTTP 503",
		"pod checkout-7d9f4 crash-looping (12 restarts)"
	};
	static const char *const svc_checkout[] = { "checkout" };
	static const char *const svc_search[] = { "search" };
	struct views		*v;
	struct view_incident	*in;

	v = xcalloc(1, sizeof *v);
	v->context = sdup("prod-eu");
	v->generated_ms = NOW;
	v->status = VIEW_CRITICAL;
	v->status_reason = sdup("checkout is CRITICAL and SLO "
	    "checkout-availability is paging (1h burn 16.2x); alertmanager "
	    "data is stale");
	v->any_fresh = 1;
	v->policy.page_fast = 14.4;
	v->policy.page_slow = 6;
	v->policy.ticket_fast = 3;
	v->policy.ticket_slow = 1;
	v->policy.budget_warn = 50;
	v->policy.budget_crit = 80;

	v->nsources = 2;
	v->sources = xcalloc(v->nsources, sizeof *v->sources);
	fx_source(&v->sources[0], "prometheus", 1, 0, 12000, 84, 412, NULL);
	fx_source(&v->sources[1], "alertmanager", 0, 1, 4 * MIN, 5000, 0,
	    "connect to 127.0.0.1:9093: connection refused");

	v->nservices = 3;
	v->services = xcalloc(v->nservices, sizeof *v->services);
	v->services[0].name = sdup("api");
	v->services[0].status = VIEW_OK;
	v->services[0].reasons = strv(1, why_api);
	v->services[0].nreasons = 1;
	v->services[1].name = sdup("search");
	v->services[1].status = VIEW_WARNING;
	v->services[1].reasons = strv(1, why_search);
	v->services[1].nreasons = 1;
	v->services[2].name = sdup("checkout");
	v->services[2].status = VIEW_CRITICAL;
	v->services[2].reasons = strv(2, why_checkout);
	v->services[2].nreasons = 2;
	v->services[0].ready = v->services[0].desired = -1;
	v->services[1].ready = 2;
	v->services[1].desired = 3;
	v->services[2].ready = v->services[2].desired = -1;

	v->nslos = 3;
	v->slos = xcalloc(v->nslos, sizeof *v->slos);
	fx_slo(&v->slos[0], "checkout-availability", "checkout", 99.9,
	    30 * DAY, r_checkout, 0.4, SLO_PAGE, 1, 96, 0);
	fx_slo(&v->slos[1], "search-latency", "search", 99.5, 28 * DAY,
	    r_search, 0.3, SLO_TICKET, 1, 96, 1);
	fx_slo(&v->slos[2], "login-availability", "api", 99.99, 30 * DAY,
	    r_none, NAN, SLO_NODATA, 0, 0, 0);

	v->nalerts = 3;
	v->alerts = xcalloc(v->nalerts, sizeof *v->alerts);
	fx_alert(&v->alerts[0], "0f1e2d3c4b5a6978", "CheckoutDown",
	    SEV_CRITICAL, "active", 0, 2 * HOUR + 5 * MIN,
	    "{\"alertname\":\"CheckoutDown\",\"service\":\"checkout\","
	    "\"severity\":\"critical\"}",
	    "{\"summary\":\"Checkout returns 5xx for more than 5% of "
	    "requests\",\"runbook_url\":\"https://runbooks.example/checkout/"
	    "5xx\"}",
	    "Checkout returns 5xx for more than 5% of requests",
	    "https://runbooks.example/checkout/5xx", 0);
	fx_alert(&v->alerts[1], "1a2b3c4d5e6f7081", "CheckoutPodCrashLooping",
	    SEV_ERROR, "active", 0, 1 * HOUR + 50 * MIN,
	    "{\"alertname\":\"CheckoutPodCrashLooping\",\"pod\":"
	    "\"checkout-7d9f4\",\"service\":\"checkout\",\"severity\":"
	    "\"error\"}",
	    "{\"summary\":\"Pod checkout-7d9f4 restarted 12 times\"}",
	    "Pod checkout-7d9f4 restarted 12 times", NULL, 0);
	fx_alert(&v->alerts[2], "9f8e7d6c5b4a3921", "SearchLatencyHigh",
	    SEV_WARNING, "suppressed", 1, 40 * MIN,
	    "{\"alertname\":\"SearchLatencyHigh\",\"service\":\"search\","
	    "\"severity\":\"warning\"}",
	    "{\"summary\":\"p99 latency above 800ms\"}",
	    "p99 latency above 800ms", NULL, 1);

	v->nincidents = 2;
	v->incidents = xcalloc(v->nincidents, sizeof *v->incidents);
	in = &v->incidents[0];
	in->id = sdup("a1b2c3");
	in->key = sdup("service=checkout");
	in->title = sdup("CheckoutDown: checkout 5xx above 5%");
	in->severity = SEV_CRITICAL;
	in->priority = 0;
	in->state = sdup("triggered");
	in->started_ms = NOW - 2 * HOUR - 5 * MIN;
	in->nalerts = 2;
	in->alerts = xcalloc(2, sizeof *in->alerts);
	in->alerts[0] = 0;
	in->alerts[1] = 1;
	in->runbook_url = sdup("https://runbooks.example/checkout/5xx");
	in->summary = sdup("Checkout returns 5xx for more than 5% of requests");
	in->services = strv(1, svc_checkout);
	in->nservices = 1;
	in = &v->incidents[1];
	in->id = sdup("d4e5f6");
	in->key = sdup("service=search");
	in->title = sdup("SearchLatencyHigh");
	in->severity = SEV_WARNING;
	in->priority = 2;
	in->state = sdup("acknowledged");
	in->recurrence_of = sdup("0f1e2d3c");
	in->started_ms = NOW - 40 * MIN;
	in->nalerts = 1;
	in->alerts = xcalloc(1, sizeof *in->alerts);
	in->alerts[0] = 2;
	in->silenced = 1;
	in->summary = sdup("p99 latency above 800ms");
	in->services = strv(1, svc_search);
	in->nservices = 1;

	/* The Watchdog was heard half a minute ago. */
	v->pipeline.state = PIPELINE_OK;
	v->pipeline.heartbeat = sdup("Watchdog");
	v->pipeline.heard_ms = NOW - 30000;
	v->pipeline.silent_ms = 30000;
	v->pipeline.timeout_ms = 5 * MIN;
	v->pipeline.names = sdup("Watchdog, InfoInhibitor");
	v->oncall.name = sdup("alice");
	v->oncall.contact = sdup("+1 555 0100, @alice");
	v->oncall.until_ms = NOW + 2 * 86400000LL;
	return v;
}

/* The fixture with hostile text wherever outside text goes. */
static struct views *
hostile(void)
{
	static const char	*evil = "x\x1b[2J\x1b]0;pwned\x07"
	    "\xc2\x9b" "31m\xe2\x80\xae" "gnp.exe\xff\xfe|*_`#[a](b)<b>&";
	struct views		*v;
	char			*t;

	v = fixture();
	set(&v->context, evil);
	set(&v->status_reason, evil);
	set(&v->sources[1].name, evil);
	set(&v->sources[1].error, evil);
	set(&v->services[2].reasons[0], evil);
	set(&v->slos[0].name, evil);
	set(&v->incidents[0].title, "<script>alert(1)</script>");
	set(&v->incidents[0].runbook_url, "javascript:alert(1)");
	set(&v->incidents[1].runbook_url,
	    "https://x.example/\"><img src=x onerror=alert(1)>");
	set(&v->incidents[0].summary, evil);
	set(&v->incidents[1].recurrence_of, evil);
	set(&v->alerts[0].alertname, "\"><img src=x onerror=alert(1)>");
	set(&v->alerts[0].summary, "<script>alert(1)</script>");
	set(&v->alerts[0].generator_url, "javascript:alert(document.cookie)");
	set(&v->alerts[1].labels, "{not json");
	set(&v->alerts[2].labels, "[\"an\", \"array\"]");
	t = xasprintf("{\"summary\":\"<script>alert(1)</script>\","
	    "\"esc\":\"\\u001b[2J\",\"n\":42,\"summary\":\"dup\"}");
	set(&v->alerts[0].annotations, t);
	free(t);
	return v;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Render v in f; the document, caller frees. */
static char *
render(const struct views *v, enum export_format f, int width, int utf8,
    int color)
{
	struct export_opts	 o;
	struct buf		 b;
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	o.width = width;
	o.utf8 = utf8;
	o.color = color;
	buf_init(&b, 0);
	if (export_render(v, f, &o, &b, &cause) != 0) {
		printf("# export_render failed: %s\n", cause);
		free(cause);
		buf_done(&b);
		return xstrdup("");
	}
	return buf_detach(&b);
}

/* The path of a golden file under the source tree. */
static char *
golden_path(const char *name)
{
	const char	*top = getenv("top_srcdir");

	return xasprintf("%s/tests/data/export/%s", top != NULL && *top !=
	    '\0' ? top : ".", name);
}

/* Write text to path; 0 or -1. */
static int
write_file(const char *path, const char *text)
{
	FILE	*f;
	int	 rc = 0;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	if (fputs(text, f) == EOF)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* Compare got with a golden file; on a mismatch show the first line. */
static void
golden(const char *name, const char *got)
{
	struct buf	 b;
	char		*path, *cause = NULL;
	const char	*e, *g, *el, *gl;
	int		 line = 1;

	path = golden_path(name);
	if (getenv("SITREP_REGEN_GOLDEN") != NULL) {
		CHECK(write_file(path, got) == 0);
		printf("# rewrote %s\n", path);
		free(path);
		return;
	}
	buf_init(&b, 0);
	if (buf_read_file(&b, path, &cause) != 0) {
		printf("# cannot read golden file: %s\n", cause);
		printf("# create it with SITREP_REGEN_GOLDEN=1\n");
		free(cause);
		harness_failed = 1;
	} else if (strcmp(buf_str(&b), got) != 0) {
		e = buf_str(&b);
		g = got;
		for (;;) {
			el = strchr(e, '\n');
			gl = strchr(g, '\n');
			if (el == NULL || gl == NULL || el - e != gl - g ||
			    memcmp(e, g, (size_t)(el - e)) != 0)
				break;
			e = el + 1;
			g = gl + 1;
			line++;
		}
		printf("# %s differs from the output at line %d:\n", path,
		    line);
		printf("# - %.*s\n", el != NULL ? (int)(el - e) :
		    (int)strlen(e), e);
		printf("# + %.*s\n", gl != NULL ? (int)(gl - g) :
		    (int)strlen(g), g);
		printf("# if the change is intended, regenerate with\n"
		    "#   SITREP_REGEN_GOLDEN=1 tests/unit/test_export "
		    "(top_srcdir set to the source tree) and review the "
		    "diff\n");
		harness_failed = 1;
	}
	buf_done(&b);
	free(path);
}

/*
 * Run tests/lib/check_snapshot.py KIND on text (written to a temporary
 * file), its complaints shown as TAP diagnostics.  The exit code, or -2
 * when python3 cannot be run.
 */
static int
check_snapshot(const char *kind, const char *text)
{
	const char	*top = getenv("top_srcdir");
	char		*script, tmpl[] = "/tmp/sitrep-export-XXXXXX", line[512];
	pid_t		 pid;
	int		 fd, status, pipefd[2];
	FILE		*f;

	if ((fd = mkstemp(tmpl)) == -1)
		return -1;
	if ((f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		unlink(tmpl);
		return -1;
	}
	fputs(text, f);
	fclose(f);
	if (pipe(pipefd) != 0) {
		unlink(tmpl);
		return -1;
	}
	script = xasprintf("%s/tests/lib/check_snapshot.py", top != NULL &&
	    *top != '\0' ? top : ".");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[1]);
		execlp("python3", "python3", script, kind, tmpl, (char *)NULL);
		execl("/usr/bin/python3", "python3", script, kind, tmpl,
		    (char *)NULL);
		_exit(127);
	}
	free(script);
	close(pipefd[1]);
	if ((f = fdopen(pipefd[0], "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			printf("# check_snapshot.py: %s%s", line,
			    strchr(line, '\n') != NULL ? "" : "\n");
		fclose(f);
	} else
		close(pipefd[0]);
	if (pid == -1 || waitpid(pid, &status, 0) != pid) {
		unlink(tmpl);
		return -1;
	}
	unlink(tmpl);
	if (!WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status) == 127)
		return -2;
	return WEXITSTATUS(status);
}

/* Expect check_snapshot to give want; a TAP SKIP when python3 is absent. */
static void
check_with_python(const char *kind, const char *text, int want)
{
	int	rc;

	rc = check_snapshot(kind, text);
	if (rc == -2) {
		printf("# python3 not found: check_snapshot.py %s not run\n",
		    kind);
		SKIP_TOOL("python3");
		return;
	}
	CHECK_INT(rc, want);
}

/* Whether text holds a C0 (except newline) or C1 control, or DEL. */
static int
has_control(const char *text, int allow_tab)
{
	const unsigned char	*p = (const unsigned char *)text;

	for (; *p != '\0'; p++) {
		if (*p == '\n' || (allow_tab && *p == '\t'))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		/* C1 controls encoded as UTF-8: c2 80 .. c2 9f. */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

/* The display width of one line, measured by the C library. */
static int
line_width(const char *s, size_t len)
{
	wchar_t	*w;
	char	*t;
	size_t	 n;
	int	 cols;

	t = xstrndup(s, len);
	n = mbstowcs(NULL, t, 0);
	if (n == (size_t)-1) {
		free(t);
		return 100000;
	}
	w = xcalloc(n + 1, sizeof *w);
	mbstowcs(w, t, n + 1);
	cols = wcswidth(w, n);
	free(w);
	free(t);
	return cols < 0 ? 100000 : cols;
}

/* The widest line of text. */
static int
max_width(const char *text)
{
	const char	*p = text, *nl;
	int		 w, max = 0;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		w = line_width(p, (size_t)(nl - p));
		if (w > max)
			max = w;
		p = *nl == '\n' ? nl + 1 : nl;
	}
	return max;
}

/* Remove SGR sequences (ESC [ ... m) in place. */
static void
strip_sgr(char *s)
{
	char	*r = s, *w = s;

	while (*r != '\0') {
		if (r[0] == '\x1b' && r[1] == '[') {
			r += 2;
			while (*r != '\0' && *r != 'm')
				r++;
			if (*r == 'm')
				r++;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

/* Format names, aliases and refusals. */
static void
test_format_parse(void)
{
	enum export_format	f = EXPORT_TEXT;

	CHECK_INT(export_format_parse("json", &f), 0);
	CHECK_INT(f, EXPORT_JSON);
	CHECK_INT(export_format_parse("md", &f), 0);
	CHECK_INT(f, EXPORT_MARKDOWN);
	CHECK_INT(export_format_parse("Markdown", &f), 0);
	CHECK_INT(f, EXPORT_MARKDOWN);
	CHECK_INT(export_format_parse("html", &f), 0);
	CHECK_INT(f, EXPORT_HTML);
	CHECK_INT(export_format_parse("text", &f), 0);
	CHECK_INT(f, EXPORT_TEXT);
	CHECK_INT(export_format_parse("pdf", &f), -1);
	CHECK_INT(f, EXPORT_TEXT);
	CHECK_INT(export_format_parse(NULL, &f), -1);
	CHECK_STR(export_format_name(EXPORT_MARKDOWN), "markdown");
}

/* A capped output gets the whole document or nothing, with a cause. */
static void
test_render_limit(void)
{
	struct views	*v = fixture();
	struct buf	 b;
	char		*cause = NULL;

	buf_init(&b, 64);
	CHECK_INT(export_render(v, EXPORT_JSON, NULL, &b, &cause), -1);
	CHECK_CONTAINS(cause, "more than the output allows");
	CHECK_INT(b.len, 0);
	free(cause);
	cause = NULL;
	CHECK_INT(export_render(NULL, EXPORT_JSON, NULL, &b, &cause), -1);
	CHECK(cause != NULL);
	free(cause);
	buf_done(&b);
	views_free(v);
}

/* The text golden, and what it must say. */
static void
test_text_golden(void)
{
	struct views	*v = fixture();
	char		*t;

	t = render(v, EXPORT_TEXT, 0, 1, 0);
	golden("golden.txt", t);
	CHECK_CONTAINS(t, "prod-eu");
	CHECK_CONTAINS(t, "\xe2\x9c\x96 CRITICAL");
	CHECK_CONTAINS(t, "2026-03-14T09:26:40Z");
	CHECK_CONTAINS(t, "STALE 4m");
	CHECK_CONTAINS(t, "FAILED");
	CHECK_CONTAINS(t, "\xe2\x96\xb2 WARNING");
	CHECK_CONTAINS(t, "HTTP 503");
	CHECK_CONTAINS(t, "page");
	CHECK_CONTAINS(t, "ticket");
	CHECK_CONTAINS(t, "no data");
	CHECK_CONTAINS(t, "40.0%");
	CHECK_CONTAINS(t, "16.2");
	CHECK_CONTAINS(t, "\xe2\x96\x88");	/* full block: the peak */
	CHECK_CONTAINS(t, "silenced");
	CHECK_CONTAINS(t, "https://runbooks.example/checkout/5xx");
	CHECK(strchr(t, '\x1b') == NULL);
	CHECK(max_width(t) <= 100);
	free(t);
	views_free(v);
}

/* Lines fit 80 and 200 columns; the wide one is not cut needlessly. */
static void
test_text_width(void)
{
	struct views	*v = fixture();
	char		*t;

	t = render(v, EXPORT_TEXT, 80, 1, 0);
	CHECK(max_width(t) <= 80);
	CHECK(max_width(t) >= 70);
	CHECK_CONTAINS(t, "\xe2\x80\xa6");	/* something was cut */
	CHECK_CONTAINS(t, "page");
	free(t);

	t = render(v, EXPORT_TEXT, 200, 1, 0);
	CHECK(max_width(t) <= 200);
	CHECK(strstr(t, "\xe2\x80\xa6") == NULL);
	CHECK_CONTAINS(t, "alertmanager data is stale");
	CHECK_CONTAINS(t, "crash-looping (12 restarts)");
	CHECK_CONTAINS(t, "connection refused");
	CHECK_CONTAINS(t, "  3.0x  1.5x");
	free(t);

	/* Wide characters count two columns. */
	set(&v->status_reason, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe6\x97\xa5\xe6\x9c\xac"
	    "\xe8\xaa\x9e \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe6\x97\xa5"
	    "\xe6\x9c\xac\xe8\xaa\x9e \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe6\x97\xa5\xe6\x9c\xac"
	    "\xe8\xaa\x9e \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe6\x97\xa5"
	    "\xe6\x9c\xac\xe8\xaa\x9e \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	t = render(v, EXPORT_TEXT, 40, 1, 0);
	CHECK(max_width(t) <= 40);
	free(t);
	views_free(v);
}

static char	*line_having(const char *, const char *);

/*
 * Number columns are as wide as their widest value: a budget of -453.6%,
 * an exhaustion of "now" and a burn of 12346x are never cut, at any width
 * where their column is shown.
 */
static void
test_text_columns_whole(void)
{
	struct views	*v = fixture();
	char		*t, *line;
	int		 width;

	v->slos[1].budget_remaining = -4.536;
	v->slos[1].exhaustion_s = 0;
	v->slos[1].burn[SLO_5M] = 12345.6;
	for (width = 60; width <= 200; width += 20) {
		t = render(v, EXPORT_TEXT, width, 1, 0);
		line = line_having(t, "  search-latency ");
		CHECK(line != NULL);
		if (line != NULL) {
			CHECK_CONTAINS(line, " -453.6%  now");
			if (width >= 80)	/* the 5m window is shown */
				CHECK_CONTAINS(line, " 12346x ");
			CHECK(strstr(line, "\xe2\x80\xa6") == NULL);
			free(line);
		}
		free(t);
	}
	views_free(v);
}

/*
 * The sparkline covers the 24 h it claims: two hours of points draw at
 * the right end of the line, blanks before, never stretched over the day.
 */
static void
test_text_spark_span(void)
{
	struct views	*v = fixture();
	struct view_slo	*s = &v->slos[1];
	char		*t, *line, *p;
	size_t		 i, blanks = 0;

	/* Keep only the last two hours: 8 points of 15 minutes. */
	for (i = 0; i < 8; i++) {
		s->spark[i] = s->spark[s->nspark - 8 + i];
		s->spark_ts[i] = s->spark_ts[s->nspark - 8 + i];
	}
	s->nspark = 8;
	t = render(v, EXPORT_TEXT, 126, 0, 0);	/* 96 columns of spark */
	line = line_having(strstr(t, "  search-latency ") != NULL ?
	    strstr(t, "  search-latency ") : t, "24h 1h-burn");
	CHECK(line != NULL);
	if (line != NULL) {
		p = strstr(line, "24h 1h-burn ");
		CHECK(p != NULL);
		if (p != NULL) {
			p += strlen("24h 1h-burn ");
			while (p[blanks] == ' ')
				blanks++;
			CHECK_INT(blanks, 88);
			CHECK_CONTAINS(p + blanks, "#");
		}
		free(line);
	}
	free(t);
	views_free(v);
}

/*
 * A source that was never fetched (no attempt, no success) says so in
 * every document; nothing failed.  One that was tried and failed says
 * FAILED.
 */
static void
test_never_fetched(void)
{
	struct views		*v = fixture();
	struct view_source	*s = &v->sources[1];
	char			*t, *line;
	int			 f;
	static const enum export_format fmts[3] = { EXPORT_TEXT,
	    EXPORT_MARKDOWN, EXPORT_HTML };
	static const char *const row[3] = { "  alertmanager  ",
	    "| alertmanager |", "<tr><td>alertmanager</td>" };

	s->ok = 0;
	s->never = 1;
	s->stale = 0;
	s->last_success_ms = 0;
	s->last_attempt_ms = 0;
	s->age_ms = -1;
	free(s->error);
	s->error = NULL;
	for (f = 0; f < 3; f++) {
		t = render(v, fmts[f], 100, 1, 0);
		line = line_having(t, row[f]);
		CHECK(line != NULL);
		if (line != NULL) {
			CHECK_CONTAINS(line, "never fetched");
			CHECK(strstr(line, "FAILED") == NULL);
			free(line);
		}
		free(t);
	}
	/* Tried once and failed: FAILED, never "never fetched". */
	s->last_attempt_ms = v->generated_ms - 1000;
	t = render(v, EXPORT_TEXT, 100, 1, 0);
	line = line_having(t, row[0]);
	CHECK(line != NULL);
	if (line != NULL) {
		CHECK_CONTAINS(line, "FAILED");
		CHECK(strstr(line, "never fetched") == NULL);
		free(line);
	}
	free(t);
	views_free(v);
}

/* ASCII mode is ASCII; colour only when asked. */
static void
test_text_ascii_color(void)
{
	struct views		*v = hostile();
	const unsigned char	*p;
	char			*t, *line;
	int			 ascii = 1;

	t = render(v, EXPORT_TEXT, 100, 0, 0);
	for (p = (const unsigned char *)t; *p != '\0'; p++) {
		if (*p >= 0x80)
			ascii = 0;
	}
	CHECK(ascii);
	CHECK(!has_control(t, 0));
	CHECK(max_width(t) <= 100);
	views_free(v);
	free(t);

	v = fixture();
	t = render(v, EXPORT_TEXT, 100, 0, 0);
	CHECK_CONTAINS(t, "X CRITICAL");
	CHECK_CONTAINS(t, "STALE 4m");
	/* The sparkline: its peak, 0.5x below the 1x line, the scale. */
	line = line_having(t, "24h 1h-burn");
	CHECK(line != NULL);
	if (line != NULL) {
		CHECK_CONTAINS(line, "#");
		CHECK_CONTAINS(line, " ..........");
		CHECK_CONTAINS(line, "- 1x, # 16.2x");
		free(line);
	}
	free(t);
	t = render(v, EXPORT_TEXT, 100, 1, 1);
	CHECK_CONTAINS(t, "\x1b[1;31m");
	strip_sgr(t);
	CHECK(strchr(t, '\x1b') == NULL);
	CHECK(max_width(t) <= 100);
	free(t);
	views_free(v);
}

/* Hostile text never reaches the terminal as controls. */
static void
test_text_hostile(void)
{
	struct views	*v = hostile();
	char		*t;

	t = render(v, EXPORT_TEXT, 200, 1, 0);
	CHECK(!has_control(t, 0));
	CHECK(strstr(t, "\xe2\x80\xae") == NULL);	/* bidi override */
	CHECK(strstr(t, "\xff") == NULL);
	CHECK_CONTAINS(t, "^[[2J");			/* shown, harmless */
	CHECK(max_width(t) <= 200);
	free(t);
	views_free(v);
}

/* The JSON golden, its values, and the schema check. */
static void
test_json_golden(void)
{
	struct views	*v = fixture();
	cJSON		*root, *slo, *src, *it;
	char		*t;

	t = render(v, EXPORT_JSON, 0, 0, 0);
	golden("golden.json", t);
	root = cJSON_Parse(t);
	CHECK(root != NULL);
	if (root != NULL) {
		CHECK_STR(cJSON_GetObjectItem(root, "schema")->valuestring,
		    "sitrep.snapshot/v1");
		CHECK_STR(cJSON_GetObjectItem(root, "status")->valuestring,
		    "CRITICAL");
		CHECK_STR(cJSON_GetObjectItem(root,
		    "generated_at")->valuestring, "2026-03-14T09:26:40Z");
		src = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "sources"),
		    1);
		CHECK(cJSON_IsTrue(cJSON_GetObjectItem(src, "stale")));
		CHECK_NEAR(cJSON_GetObjectItem(src, "age_seconds")->valuedouble,
		    240, 1e-9);
		slo = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "slos"), 0);
		CHECK_STR(cJSON_GetObjectItem(slo, "period")->valuestring,
		    "30d");
		CHECK_STR(cJSON_GetObjectItem(slo, "verdict")->valuestring,
		    "page");
		it = cJSON_GetObjectItem(cJSON_GetObjectItem(slo,
		    "burn_rates"), "1h");
		CHECK_NEAR(it->valuedouble, 16.2, 1e-9);
		it = cJSON_GetObjectItem(cJSON_GetObjectItem(slo,
		    "sparkline"), "points");
		CHECK_INT(cJSON_GetArraySize(it), 96);
		CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(it,
		    20), "burn_rate")));
		slo = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "slos"), 2);
		CHECK_STR(cJSON_GetObjectItem(slo, "verdict")->valuestring,
		    "no data");
		CHECK(cJSON_IsNull(cJSON_GetObjectItem(slo,
		    "error_budget_remaining")));
		CHECK(cJSON_IsNull(cJSON_GetObjectItem(slo,
		    "exhaustion_seconds")));
		CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(slo,
		    "burn_rates"), "5m")));
		it = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "alerts"), 0);
		CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(it,
		    "labels"), "service")->valuestring, "checkout");
		CHECK_STR(cJSON_GetObjectItem(it, "incident")->valuestring,
		    "a1b2c3");
		cJSON_Delete(root);
	}
	CHECK(strstr(t, "nan") == NULL && strstr(t, "inf") == NULL);
	free(t);
	views_free(v);
}

/* The JSON golden and the hostile JSON meet the snapshot schema. */
static void
test_json_schema(void)
{
	struct views	*v;
	char		*t;

	v = fixture();
	t = render(v, EXPORT_JSON, 0, 0, 0);
	check_with_python("json", t, 0);
	free(t);
	views_free(v);
	v = hostile();
	t = render(v, EXPORT_JSON, 0, 0, 0);
	check_with_python("json", t, 0);
	free(t);
	views_free(v);
}

/* The checker can fail: an extra field and a wrong type are refused. */
static void
test_json_schema_drift(void)
{
	struct views	*v = fixture();
	char		*t, *bad;

	t = render(v, EXPORT_JSON, 0, 0, 0);
	bad = xasprintf("{\"bogus\": 1,%s", t + 1);
	check_with_python("json", bad, 1);
	free(bad);
	bad = xstrdup(t);
	memcpy(strstr(bad, "\"CRITICAL\""), "\"SEVERE!!\"", 10);
	check_with_python("json", bad, 1);
	free(bad);
	free(t);
	views_free(v);
}

/* Hostile strings: escaped by cJSON, maps defended, schema still met. */
static void
test_json_hostile(void)
{
	struct views	*v = hostile();
	cJSON		*root, *a, *ann;
	char		*t;

	t = render(v, EXPORT_JSON, 0, 0, 0);
	CHECK(!has_control(t, 1));
	CHECK(strstr(t, "\xe2\x80\xae") == NULL);
	CHECK_CONTAINS(t, "\\u001b[2J");
	CHECK_CONTAINS(t, "\\u009b31m\\u202egnp.exe");
	root = cJSON_Parse(t);
	CHECK(root != NULL);
	if (root != NULL) {
		/* Control characters survive as escapes: JSON is faithful. */
		CHECK_CONTAINS(cJSON_GetObjectItem(root,
		    "context")->valuestring, "\x1b[2J");
		/* Invalid UTF-8 became U+FFFD. */
		CHECK_CONTAINS(cJSON_GetObjectItem(root,
		    "context")->valuestring, "\xef\xbf\xbd");
		a = cJSON_GetObjectItem(root, "alerts");
		CHECK(cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetArrayItem(a,
		    1), "labels")));
		CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(
		    cJSON_GetArrayItem(a, 1), "labels")), 0);
		CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(
		    cJSON_GetArrayItem(a, 2), "labels")), 0);
		ann = cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0),
		    "annotations");
		/* Strings only, first of duplicates kept. */
		CHECK_INT(cJSON_GetArraySize(ann), 2);
		CHECK_STR(cJSON_GetObjectItem(ann, "summary")->valuestring,
		    "<script>alert(1)</script>");
		cJSON_Delete(root);
	}
	free(t);
	views_free(v);
}

/* The Markdown golden. */
static void
test_markdown_golden(void)
{
	struct views	*v = fixture();
	char		*t;

	t = render(v, EXPORT_MARKDOWN, 0, 0, 0);
	golden("golden.md", t);
	CHECK_CONTAINS(t, "# \xe2\x9c\x96 **CRITICAL**: prod-eu\n");
	CHECK_CONTAINS(t, "[runbook](https://runbooks.example/checkout/5xx)");
	CHECK_CONTAINS(t, "**STALE** 4m");
	CHECK_CONTAINS(t, "| **page** |");
	free(t);
	views_free(v);
}

/* Count the unescaped pipes of a line. */
static int
md_pipes(const char *line, size_t len)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < len; i++) {
		if (line[i] == '\\')
			i++;
		else if (line[i] == '|')
			n++;
	}
	return n;
}

/* Hostile text cannot break a table, add markup or make a bad link. */
static void
test_markdown_hostile(void)
{
	struct views	*v = hostile();
	const char	*p, *nl;
	char		*t;
	int		 want = -1, n;

	t = render(v, EXPORT_MARKDOWN, 0, 0, 0);
	CHECK(!has_control(t, 0));
	CHECK(strstr(t, "<script") == NULL);
	CHECK(strstr(t, "<img") == NULL);
	CHECK(strstr(t, "<b>") == NULL);
	CHECK(strstr(t, "](javascript") == NULL);
	CHECK(strstr(t, "\xe2\x80\xae") == NULL);
	CHECK_CONTAINS(t, "&lt;script&gt;");
	CHECK_CONTAINS(t, "\\[a\\](b)");
	CHECK_CONTAINS(t, "runbook: javascript:alert(1) (not an http link)");
	/* Every row of a table has as many cells as its header. */
	for (p = t; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (*p != '|') {
			want = -1;
			continue;
		}
		n = md_pipes(p, (size_t)(nl - p));
		if (want == -1)
			want = n;
		if (n != want)
			printf("# row with %d cells, want %d: %.*s\n", n - 1,
			    want - 1, (int)(nl - p), p);
		CHECK_INT(n, want);
	}
	free(t);
	views_free(v);
}

/* The HTML golden, well-formed and self-contained. */
static void
test_html_golden(void)
{
	struct views	*v = fixture();
	char		*t;

	t = render(v, EXPORT_HTML, 0, 0, 0);
	golden("golden.html", t);
	CHECK(strncmp(t, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/"
	    "1999/xhtml\"", 52) == 0);
	CHECK_CONTAINS(t, "<style>");
	CHECK_CONTAINS(t, "<polyline");
	CHECK_CONTAINS(t, "<rect class=\"fill\" width=\"40\"");
	CHECK_CONTAINS(t, "\xe2\x9c\x96 CRITICAL");
	CHECK_CONTAINS(t, "href=\"https://runbooks.example/checkout/5xx\"");
	CHECK(strstr(t, "<script") == NULL);
	CHECK(strstr(t, "src=") == NULL);
	CHECK(strstr(t, "@import") == NULL);
	CHECK(strstr(t, "url(") == NULL);
	free(t);
	views_free(v);
}

/* Hostile text is escaped in text and attributes; no bad link. */
static void
test_html_hostile(void)
{
	struct views	*v = hostile();
	char		*t;

	t = render(v, EXPORT_HTML, 0, 0, 0);
	CHECK(!has_control(t, 0));
	CHECK(strstr(t, "<script") == NULL);
	CHECK(strstr(t, "<img") == NULL);
	CHECK(strstr(t, "<b>") == NULL);
	CHECK(strstr(t, "href=\"javascript") == NULL);
	CHECK(strstr(t, "\xe2\x80\xae") == NULL);
	CHECK_CONTAINS(t, "&lt;script&gt;alert(1)&lt;/script&gt;");
	CHECK_CONTAINS(t, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	free(t);
	views_free(v);
}

/* The HTML golden and hostile HTML are well-formed; broken HTML is not. */
static void
test_html_wellformed(void)
{
	struct views	*v;
	char		*t;

	v = fixture();
	t = render(v, EXPORT_HTML, 0, 0, 0);
	check_with_python("html", t, 0);
	free(t);
	views_free(v);
	v = hostile();
	t = render(v, EXPORT_HTML, 0, 0, 0);
	check_with_python("html", t, 0);
	free(t);
	views_free(v);
	check_with_python("html", "<!DOCTYPE html>\n<html xmlns=\"http://"
	    "www.w3.org/1999/xhtml\"><head><title>x</title></head><body>"
	    "<p>unclosed</body></html>\n", 1);
}

/* The escapers and URL rule on their own. */
static void
test_escapers(void)
{
	struct buf	b;

	buf_init(&b, 0);
	export_html_escape(&b, "a<b>&\"c'\x1b\xef\xbf\xbf");
	CHECK_STR(buf_str(&b), "a&lt;b&gt;&amp;&quot;c&#39;^[\xef\xbf\xbd");
	buf_reset(&b);
	export_md_escape(&b, "# a|b *c* _d_ `e` [f](g) <h> ~i~\\\nj");
	CHECK_STR(buf_str(&b), "\\# a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) "
	    "&lt;h&gt; \\~i\\~\\\\ j");
	buf_reset(&b);
	export_md_url(&b, "https://x.example/a_(b)?q=1 2");
	CHECK_STR(buf_str(&b), "https://x.example/a_%28b%29?q=1%202");
	buf_done(&b);

	CHECK(export_is_http_url("https://runbooks.example/x"));
	CHECK(export_is_http_url("HTTP://127.0.0.1:9090/graph?x=1"));
	CHECK(!export_is_http_url("javascript:alert(1)"));
	CHECK(!export_is_http_url("https://"));
	CHECK(!export_is_http_url("https:///path"));
	CHECK(!export_is_http_url("https://a.example/\"><img"));
	CHECK(!export_is_http_url("https://a.example/ b"));
	CHECK(!export_is_http_url(NULL));
}

/* ------------------------------------------------------------------ */
/* One vocabulary across formats                                       */
/* ------------------------------------------------------------------ */

#define MAX_CELLS	32

/* A copy of the first line of doc that starts with prefix, or NULL. */
static char *
line_with(const char *doc, const char *prefix)
{
	const char	*p = doc, *end;

	while (p != NULL && *p != '\0') {
		end = strchr(p, '\n');
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return end != NULL ? xstrndup(p, (size_t)(end - p)) :
			    xstrdup(p);
		p = end != NULL ? end + 1 : NULL;
	}
	return NULL;
}

/* s without leading and trailing spaces and without "**", in place. */
static char *
trim_cell(char *s)
{
	char	*e, *m;

	while ((m = strstr(s, "**")) != NULL)
		memmove(m, m + 2, strlen(m + 2) + 1);
	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		*--e = '\0';
	return s;
}

/* The text line's words (split on spaces), in line itself. */
static size_t
cells_text(char *line, char **cell)
{
	size_t	 n = 0;
	char	*tok, *save = NULL;

	for (tok = strtok_r(line, " ", &save); tok != NULL && n < MAX_CELLS;
	    tok = strtok_r(NULL, " ", &save))
		cell[n++] = tok;
	return n;
}

/* The Markdown table row's cells, in line itself. */
static size_t
cells_md(char *line, char **cell)
{
	size_t	 n = 0;
	char	*p = line, *bar;

	if (*p == '|')
		p++;
	while ((bar = strchr(p, '|')) != NULL && n < MAX_CELLS) {
		*bar = '\0';
		cell[n++] = trim_cell(p);
		p = bar + 1;
	}
	return n;
}

/* The HTML table row's cells as text (tags and titles gone), in line. */
static size_t
cells_html(char *line, char **cell)
{
	size_t	 n = 0;
	char	*p = line, *end, *t, *q, *o;

	while ((p = strstr(p, "<td")) != NULL && n < MAX_CELLS) {
		p = strchr(p, '>') + 1;
		end = strstr(p, "</td>");
		*end = '\0';
		while ((t = strstr(p, "<title>")) != NULL) {
			q = strstr(t, "</title>") + 8;
			memmove(t, q, strlen(q) + 1);
		}
		for (q = o = p; *q != '\0'; q++) {
			if (*q == '<')
				q = strchr(q, '>');
			else
				*o++ = *q;
		}
		*o = '\0';
		cell[n++] = trim_cell(p);
		p = end + 5;
	}
	return n;
}

/*
 * A burn rate, the budget left, the exhaustion time, an incident's age
 * and a service's status read the same in text, Markdown and HTML of one
 * views, and as the vocabulary writes them.
 */
static void
test_same_words(void)
{
	struct views	*v = fixture();
	char		*doc[3], *line, *cell[MAX_CELLS], got[512];
	size_t		 n, f;
	/* Where each value sits in each format's row. */
	static const struct {
		const char	*prefix[3];
		int		 idx[3];
	} at[] = {
		{ { "  checkout-availability ", "| checkout-availability |",
		    "<tr><td>checkout-availability</td>" }, { 7, 8, 8 } },
		{ { "  checkout-availability ", "| checkout-availability |",
		    "<tr><td>checkout-availability</td>" }, { 3, 4, 4 } },
		{ { "  checkout-availability ", "| checkout-availability |",
		    "<tr><td>checkout-availability</td>" }, { 4, 5, 5 } },
		{ { "  P0   critical ", "| **P0** | **critical** |",
		    "<tr><td class=\"st-critical\">P0</td>"
		    "<td class=\"st-critical\">critical</td>" },
		    { 2, 5, 4 } },
		{ { "  checkout  ", "| checkout |", "<tr><td>checkout</td>" },
		    { 1, 1, 1 } },
	};
	size_t		 k;
	char		 exp[5][64];

	doc[0] = render(v, EXPORT_TEXT, 200, 1, 0);
	doc[1] = render(v, EXPORT_MARKDOWN, 0, 1, 0);
	doc[2] = render(v, EXPORT_HTML, 0, 1, 0);
	vocab_burn(v->slos[0].burn[SLO_1H], exp[0], sizeof exp[0]);
	vocab_percent(v->slos[0].budget_remaining, exp[1], sizeof exp[1]);
	vocab_exhaustion(v->slos[0].exhaustion_s, exp[2], sizeof exp[2]);
	vocab_age(v->incidents[0].started_ms, v->generated_ms, exp[3],
	    sizeof exp[3]);
	snprintf(exp[4], sizeof exp[4], "%s %s",
	    vocab_status_symbol(v->services[2].status, 1),
	    vocab_status_word(v->services[2].status));
	/* The fixture's values, so the comparison compares something. */
	CHECK_STR(exp[0], "16.2x");
	CHECK_STR(exp[1], "40.0%");
	CHECK_STR(exp[2], "17h46m");
	CHECK_STR(exp[3], "2h5m");
	CHECK_STR(exp[4], "\xe2\x9c\x96 CRITICAL");

	for (k = 0; k < sizeof at / sizeof at[0]; k++) {
		for (f = 0; f < 3; f++) {
			line = line_with(doc[f], at[k].prefix[f]);
			CHECK(line != NULL);
			if (line == NULL)
				continue;
			n = f == 0 ? cells_text(line, cell) : f == 1 ?
			    cells_md(line, cell) : cells_html(line, cell);
			got[0] = '\0';
			if ((size_t)at[k].idx[f] < n)
				snprintf(got, sizeof got, "%s",
				    cell[at[k].idx[f]]);
			/* Text splits "✖ CRITICAL" into two words. */
			if (f == 0 && k == 4 && (size_t)at[k].idx[f] + 1 < n)
				snprintf(got, sizeof got, "%s %s",
				    cell[at[k].idx[f]], cell[at[k].idx[f] + 1]);
			CHECK_STR(got, exp[k]);
			free(line);
		}
	}
	for (f = 0; f < 3; f++)
		free(doc[f]);
	views_free(v);
}

/* The console's screen, painted from v (taken) on panel (open: detail). */
static char *
console_screen(struct views *v, int panel, int open)
{
	static const char	 yaml[] = "contexts:\n  - name: prod\n";
	struct conf_problems	 probs;
	struct tui_opts		 opts;
	struct tui_bench	*b;
	struct conf		*conf;
	char			 path[] = "/tmp/sitrep-agree-XXXXXX";
	char			*db, *cause = NULL, *text = NULL;
	FILE			*out;

	conf_problems_init(&probs);
	conf = conf_load_buffer("agree.yaml", yaml, sizeof yaml - 1, &probs);
	conf_problems_done(&probs);
	if (conf == NULL || mkdtemp(path) == NULL) {
		conf_free(conf);
		views_free(v);
		return NULL;
	}
	db = xasprintf("%s/cache.db", path);
	memset(&opts, 0, sizeof opts);
	opts.conf = conf;
	opts.context = "prod";
	opts.cache_path = db;
	out = fopen("/dev/null", "w");
	b = out != NULL ? tui_bench_new(&opts, "xterm", out, 60, 200,
	    &cause) : NULL;
	if (b == NULL) {
		printf("# console: %s\n", cause != NULL ? cause : "no output");
		views_free(v);
	} else {
		tui_bench_show(b, v);
		text = tui_bench_text(b, panel, open);
	}
	tui_bench_free(b);
	if (out != NULL)
		fclose(out);
	free(cause);
	unlink(db);
	free(db);
	db = xasprintf("rm -rf '%s'", path);
	if (system(db) != 0)
		printf("# could not remove %s\n", path);
	free(db);
	conf_free(conf);
	return text;
}

/* The first line of doc (NULL: none) containing needle (a copy), or NULL. */
static char *
line_having(const char *doc, const char *needle)
{
	const char	*p, *s, *e;

	if (doc == NULL || (p = strstr(doc, needle)) == NULL)
		return NULL;
	for (s = p; s > doc && s[-1] != '\n'; s--)
		;
	e = strchr(p, '\n');
	return e != NULL ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
}

/* The first line of doc containing both needles (a copy), or NULL. */
static char *
line_having2(const char *doc, const char *a, const char *b)
{
	const char	*p = doc, *e;
	char		*line;

	while (p != NULL && *p != '\0') {
		e = strchr(p, '\n');
		line = e != NULL ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
		if (strstr(line, a) != NULL && strstr(line, b) != NULL)
			return line;
		free(line);
		p = e != NULL ? e + 1 : NULL;
	}
	return NULL;
}

/*
 * The word skip + 1 words after the first word of line that ends with
 * word (a panel's border may be glued to its first word), in line itself.
 */
static const char *
word_after(char *line, const char *word, int skip)
{
	char	*cell[MAX_CELLS];
	size_t	 n = cells_text(line, cell), i, l, wl = strlen(word);

	for (i = 0; i + (size_t)skip + 1 < n; i++) {
		l = strlen(cell[i]);
		if (l >= wl && strcmp(cell[i] + l - wl, word) == 0)
			return cell[i + (size_t)skip + 1];
	}
	return "";
}

/* word_after() in the first line of scr having having; "" if none. */
static const char *
screen_word(const char *scr, const char *having, const char *word, int skip)
{
	static char	 got[128];
	char		*line = line_having(scr, having);

	snprintf(got, sizeof got, "%s", line != NULL ? word_after(line, word,
	    skip) : "");
	free(line);
	return got;
}

/*
 * The console reads as the documents do: the burn rate, the budget left,
 * the time to exhaustion, an incident's age and a service's status on its
 * screen are the vocabulary's words, as in text, Markdown and HTML
 * (test_same_words).
 */
static void
test_console_same_words(void)
{
	struct views	*v = fixture();
	char		 exp[5][64], *scr, *line;
	int		 utf8;

	vocab_burn(v->slos[0].burn[SLO_1H], exp[0], sizeof exp[0]);
	vocab_percent(v->slos[0].budget_remaining, exp[1], sizeof exp[1]);
	vocab_exhaustion(v->slos[0].exhaustion_s, exp[2], sizeof exp[2]);
	vocab_age(v->incidents[0].started_ms, v->generated_ms, exp[3],
	    sizeof exp[3]);
	CHECK_STR(exp[0], "16.2x");
	CHECK_STR(exp[3], "2h5m");

	/*
	 * SLO panel: the budget, the time to exhaustion, then the burn of
	 * the windows in time order (5m 30m 1h ...), as multiples.
	 */
	scr = console_screen(fixture(), 1, 0);
	CHECK(scr != NULL);
	if (scr == NULL) {
		views_free(v);
		return;
	}
	utf8 = draw_utf8();
	snprintf(exp[4], sizeof exp[4], "%s %s",
	    vocab_status_symbol(v->services[2].status, utf8),
	    vocab_status_word(v->services[2].status));
	CHECK_STR(screen_word(scr, "checkout-availability ", exp[1], 0),
	    exp[2]);
	CHECK_STR(screen_word(scr, "checkout-availability ", exp[1], 3),
	    exp[0]);
	CHECK_STR(screen_word(scr, "VERDICT", "EXHAUST", 0), "5m");
	CHECK_STR(screen_word(scr, "VERDICT", "5m", 0), "30m");
	CHECK_STR(screen_word(scr, "VERDICT", "30m", 0), "1h");
	CHECK_STR(screen_word(scr, "VERDICT", "1h", 0), "6h");
	CHECK_STR(screen_word(scr, "VERDICT", "6h", 0), "1d");
	CHECK_STR(screen_word(scr, "VERDICT", "1d", 0), "VERDICT");
	free(scr);

	/* SLO detail: the exhaustion. */
	scr = console_screen(fixture(), 1, 1);
	CHECK(scr != NULL);
	if (scr != NULL) {
		line = line_having(scr, "error budget: ");
		CHECK(line != NULL);
		if (line != NULL) {
			CHECK_CONTAINS(line, exp[1]);
			CHECK_STR(word_after(line, "in", 0), exp[2]);
			free(line);
		}
		free(scr);
	}

	/* Incidents: the age after the severity. */
	scr = console_screen(fixture(), 2, 0);
	CHECK(scr != NULL);
	if (scr != NULL) {
		/* The incident's row, not the runbook's title beside it. */
		line = line_having2(scr, vocab_severity_word(
		    v->incidents[0].severity), v->incidents[0].title);
		CHECK(line != NULL);
		if (line != NULL) {
			CHECK_STR(word_after(line, vocab_severity_word(
			    v->incidents[0].severity), 0), exp[3]);
			free(line);
		}
		free(scr);
	}

	/* Health: the status as symbol and word. */
	scr = console_screen(fixture(), 0, 0);
	CHECK(scr != NULL);
	if (scr != NULL) {
		line = line_having(scr, " checkout ");
		CHECK(line != NULL);
		if (line != NULL) {
			CHECK_CONTAINS(line, exp[4]);
			free(line);
		}
		free(scr);
	}
	views_free(v);
}

/*
 * The alert pipeline's line, in the vocabulary's words, at the top of the
 * incidents of every document and on the console's incidents panel; JSON
 * says the state and meets the schema in each; not watched, no line.
 */
static void
test_pipeline_line(void)
{
	static const struct {
		enum view_pipeline_state state;
		int64_t			 silent_ms;
		const char		*line, *word;
	} cases[] = {
		{ PIPELINE_OK, 30000, "alert pipeline: ok", "ok" },
		{ PIPELINE_SILENT, 7 * MIN, "alert pipeline: silent for 7m",
		  "silent" },
		{ PIPELINE_SILENT, -1, "alert pipeline: silent, no heartbeat "
		  "alert listed", "silent" },
		{ PIPELINE_UNKNOWN, 30000, "alert pipeline: unknown, "
		  "alertmanager has no fresh data", "unknown" },
		{ PIPELINE_UNWATCHED, -1, NULL, "not watched" },
	};
	struct views	*v;
	cJSON		*root, *p;
	char		*t, *scr, *line, *want;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v = fixture();
		v->pipeline.state = cases[i].state;
		v->pipeline.silent_ms = cases[i].silent_ms;
		if (cases[i].silent_ms < 0) {
			free(v->pipeline.heartbeat);
			v->pipeline.heartbeat = NULL;
			v->pipeline.heard_ms = 0;
		}
		t = render(v, EXPORT_TEXT, 100, 1, 0);
		if (cases[i].line != NULL) {
			want = xasprintf("INCIDENTS\n  %s\n", cases[i].line);
			CHECK_CONTAINS(t, want);
			free(want);
		} else
			CHECK(strstr(t, "alert pipeline") == NULL);
		free(t);
		t = render(v, EXPORT_MARKDOWN, 0, 0, 0);
		if (cases[i].line != NULL) {
			want = xasprintf(cases[i].state == PIPELINE_SILENT ?
			    "## Incidents\n\n**%s**\n" : "## Incidents\n\n%s\n",
			    cases[i].line);
			CHECK_CONTAINS(t, want);
			free(want);
		} else
			CHECK(strstr(t, "alert pipeline") == NULL);
		free(t);
		t = render(v, EXPORT_HTML, 0, 0, 0);
		if (cases[i].line != NULL) {
			want = xasprintf("<p id=\"alert-pipeline\" class=\"%s\">"
			    "%s</p>", cases[i].state == PIPELINE_OK ? "st-ok" :
			    cases[i].state == PIPELINE_SILENT ? "st-critical" :
			    "st-unknown", cases[i].line);
			CHECK_CONTAINS(t, want);
			free(want);
		} else
			CHECK(strstr(t, "alert pipeline") == NULL);
		free(t);
		t = render(v, EXPORT_JSON, 0, 0, 0);
		root = cJSON_Parse(t);
		p = cJSON_GetObjectItem(root, "alert_pipeline");
		CHECK(cJSON_IsObject(p));
		if (cJSON_IsObject(p)) {
			CHECK_STR(cJSON_GetObjectItem(p, "state")->valuestring,
			    cases[i].word);
			CHECK(cJSON_IsNull(cJSON_GetObjectItem(p,
			    "silent_seconds")) == (cases[i].silent_ms < 0));
			CHECK(cJSON_IsNull(cJSON_GetObjectItem(p,
			    "heartbeat")) == (cases[i].silent_ms < 0));
		}
		cJSON_Delete(root);
		check_with_python("json", t, 0);
		free(t);
		/* The console: the incidents panel's header line. */
		scr = console_screen(v, 2, 0);
		CHECK(scr != NULL);
		if (scr != NULL && cases[i].line != NULL) {
			line = line_having(scr, cases[i].line);
			CHECK(line != NULL);
			if (line != NULL)
				CHECK_CONTAINS(line, "SEVERITY");
			free(line);
		} else if (scr != NULL)
			CHECK(strstr(scr, "alert pipeline") == NULL);
		free(scr);
	}
}

static const struct test tests[] = {
	TEST(test_format_parse),
	TEST(test_render_limit),
	TEST(test_text_golden),
	TEST(test_text_width),
	TEST(test_text_columns_whole),
	TEST(test_never_fetched),
	TEST(test_text_spark_span),
	TEST(test_text_ascii_color),
	TEST(test_text_hostile),
	TEST(test_json_golden),
	TEST(test_json_schema),
	TEST(test_json_schema_drift),
	TEST(test_json_hostile),
	TEST(test_markdown_golden),
	TEST(test_markdown_hostile),
	TEST(test_html_golden),
	TEST(test_html_hostile),
	TEST(test_html_wellformed),
	TEST(test_escapers),
	TEST(test_same_words),
	TEST(test_pipeline_line),
	TEST(test_console_same_words),
	{ NULL, NULL }
};

/* Measure columns as a UTF-8 terminal would. */
int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	return harness_run(tests);
}
