/*
 * harness.h: a tiny TAP test harness for sitrep's unit tests.
 *
 * Each test is a function registered in a table; main runs them all and
 * prints one TAP line per test, so automake's TAP driver counts every case.
 * A check that fails prints where and why as a TAP diagnostic and marks the
 * test as failed; the test goes on so one run shows every failure.
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

int	harness_run(const struct test *);

#ifdef HARNESS_MAIN
int harness_failed;

int
harness_run(const struct test *t)
{
	int	n = 0, i, bad = 0;

	while (t[n].name != NULL)
		n++;
	printf("1..%d\n", n);
	for (i = 0; i < n; i++) {
		harness_failed = 0;
		fflush(stdout);
		t[i].fn();
		printf("%s %d - %s\n", harness_failed ? "not ok" : "ok",
		    i + 1, t[i].name);
		fflush(stdout);
		bad += harness_failed;
	}
	return bad ? 1 : 0;
}
#endif

#endif
