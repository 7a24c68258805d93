/*
 * harness.h: a tiny TAP test harness for sitrep's unit tests.
 *
 * Each test is a function registered in a table; main runs them all and
 * prints one TAP line per test, so automake's TAP driver counts every case.
 * A check that fails prints where and why as a TAP diagnostic and marks the
 * test as failed; the test goes on so one run shows every failure.
 *
 * A test that cannot run its check says so with SKIP("reason") and
 * returns: it is reported as "ok N - name # SKIP reason", never as a plain
 * ok.  When what is missing is a tool scripts/setup installs, use
 * SKIP_TOOL("python3") instead: under CI=true that is a failure, because
 * the CI machine must have everything.  harness_skip_all() does the same
 * for a whole program ("1..0 # SKIP reason").
 *
 *	static void test_x(void) { CHECK(1 + 1 == 2); }
 *	static const struct test tests[] = { TEST(test_x), { NULL, NULL } };
 *	int main(void) { return harness_run(tests); }
 */
#ifndef SITREP_HARNESS_H
#define SITREP_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

struct test {
	const char	*name;
	void		(*fn)(void);
};

#define TEST(f)	{ #f, f }

extern int harness_failed;
extern char harness_skipped[256];	/* why the running test skipped */

#define CHECK(c) do {							\
	if (!(c)) {							\
		printf("# %s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #c);					\
		harness_failed = 1;					\
	}								\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		printf("# %s:%d: %s == %lld, expected %lld\n",		\
		    __FILE__, __LINE__, #a, _a, _b);			\
		harness_failed = 1;					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a == NULL || _b == NULL ? _a != _b : strcmp(_a, _b) != 0) { \
		printf("# %s:%d: %s == \"%s\", expected \"%s\"\n",	\
		    __FILE__, __LINE__, #a, _a ? _a : "(null)",		\
		    _b ? _b : "(null)");				\
		harness_failed = 1;					\
	}								\
} while (0)

#define CHECK_CONTAINS(hay, needle) do {				\
	const char *_h = (hay), *_n = (needle);				\
	if (_h == NULL || strstr(_h, _n) == NULL) {			\
		printf("# %s:%d: \"%s\" does not contain \"%s\"\n",	\
		    __FILE__, __LINE__, _h ? _h : "(null)", _n);	\
		harness_failed = 1;					\
	}								\
} while (0)

#define CHECK_NEAR(a, b, eps) do {					\
	double _a = (a), _b = (b);					\
	if (!(fabs(_a - _b) <= (eps))) {				\
		printf("# %s:%d: %s == %.9g, expected %.9g (+-%g)\n",	\
		    __FILE__, __LINE__, #a, _a, _b, (double)(eps));	\
		harness_failed = 1;					\
	}								\
} while (0)

/* The running test cannot run its check: report it as a TAP SKIP. */
#define SKIP(reason)	harness_skip(NULL, (reason))
/* As SKIP, for a tool scripts/setup installs: a failure under CI=true. */
#define SKIP_TOOL(tool)	harness_skip((tool), NULL)

int	harness_run(const struct test *);
void	harness_skip(const char *tool, const char *reason);
int	harness_skip_all(const char *tool, const char *reason);
int	harness_ci(void);
int	harness_reps(int n);

#ifdef HARNESS_MAIN
#include <stdlib.h>
#include <unistd.h>

int harness_failed;
char harness_skipped[256];

/*
 * How many repetitions of a randomised check to run: n, or a sixth of
 * them (at least one) under valgrind (SITREP_UNDER_VALGRIND=1, as
 * scripts/test sets it).  The plain run plays them all; valgrind checks
 * the memory of the same code on a few, at thirty times the cost.
 */
int
harness_reps(int n)
{
	const char	*v = getenv("SITREP_UNDER_VALGRIND");

	if (v == NULL || strcmp(v, "1") != 0)
		return n;
	return n / 6 > 0 ? n / 6 : 1;
}

/* Whether this runs on CI (CI=true), where every tool must be present. */
int
harness_ci(void)
{
	const char	*ci = getenv("CI");

	return ci != NULL && strcmp(ci, "true") == 0;
}

/*
 * Mark the running test as skipped, the first reason winning; for a
 * missing tool (reason NULL: "TOOL not found") fail instead under CI.
 */
void
harness_skip(const char *tool, const char *reason)
{
	if (tool != NULL && harness_ci()) {
		printf("# %s not found, and CI=true: scripts/setup installs "
		    "it, so this check must run\n", tool);
		harness_failed = 1;
		return;
	}
	if (harness_skipped[0] != '\0')
		return;
	if (reason != NULL)
		snprintf(harness_skipped, sizeof harness_skipped, "%s", reason);
	else
		snprintf(harness_skipped, sizeof harness_skipped,
		    "%s not found", tool);
}

/*
 * The whole program cannot run: print the TAP plan that says so and
 * return main's exit code (0; 1 for a missing tool under CI).
 */
int
harness_skip_all(const char *tool, const char *reason)
{
	if (tool != NULL && harness_ci()) {
		printf("1..1\nnot ok 1 - %s not found, and CI=true: "
		    "scripts/setup installs it, so these tests must run\n",
		    tool);
		return 1;
	}
	if (reason != NULL)
		printf("1..0 # SKIP %s\n", reason);
	else
		printf("1..0 # SKIP %s not found\n", tool);
	return 0;
}

/*
 * State written on the user's behalf (the audit key) goes to a directory
 * of the run's own, never to the user's $XDG_STATE_HOME: set it up, and
 * remove what sitrep leaves there (harness_state_done).
 */
static char harness_state[256];

static void
harness_state_init(void)
{
	const char	*base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(harness_state, sizeof harness_state,
	    "%s/sitrep-test-state.XXXXXX", base);
	if (mkdtemp(harness_state) == NULL) {
		printf("# cannot make a state directory under %s\n", base);
		harness_state[0] = '\0';
		unsetenv("XDG_STATE_HOME");
		setenv("HOME", "/nonexistent", 1);
		return;
	}
	setenv("XDG_STATE_HOME", harness_state, 1);
}

static void
harness_state_done(void)
{
	char	p[512];

	if (harness_state[0] == '\0')
		return;
	snprintf(p, sizeof p, "%s/sitrep/audit.key", harness_state);
	unlink(p);
	snprintf(p, sizeof p, "%s/sitrep", harness_state);
	rmdir(p);
	rmdir(harness_state);
}

int
harness_run(const struct test *t)
{
	int	n = 0, i, bad = 0;

	harness_state_init();
	while (t[n].name != NULL)
		n++;
	printf("1..%d\n", n);
	for (i = 0; i < n; i++) {
		harness_failed = 0;
		harness_skipped[0] = '\0';
		fflush(stdout);
		t[i].fn();
		if (!harness_failed && harness_skipped[0] != '\0')
			printf("ok %d - %s # SKIP %s\n", i + 1, t[i].name,
			    harness_skipped);
		else
			printf("%s %d - %s\n", harness_failed ? "not ok" :
			    "ok", i + 1, t[i].name);
		fflush(stdout);
		bad += harness_failed;
	}
	harness_state_done();
	return bad ? 1 : 0;
}
#endif

#endif
