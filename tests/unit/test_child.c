/*
 * test_child.c: unit tests for the child-process runner: exit codes and
 * signals, a timeout that kills the whole process group (grandchildren
 * too), output caps, the environment exactly as given, argv passed as is
 * (no shell), programs that cannot be run, cancel, and no descriptor left
 * open afterwards.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "base/xmalloc.h"
#include "core/child.h"
#include "core/loop.h"

#define HARNESS_MAIN
#include "tests/unit/harness.h"

/* A copy of one result. */
struct got {
	int			 calls;
	enum child_end		 end;
	int			 exit_code;
	int			 signo;
	int			 errnum;
	char			*message;
	char			*out;
	size_t			 out_len;
	int			 out_cut;
	char			*err;
	size_t			 err_len;
	int			 err_cut;
	int64_t			 duration_ms;
};

/* The done callback: copy what it says. */
static void
got_cb(const struct child_result *r, void *arg)
{
	struct got	*g = arg;

	g->calls++;
	g->end = r->end;
	g->exit_code = r->exit_code;
	g->signo = r->signo;
	g->errnum = r->errnum;
	free(g->message);
	g->message = r->message != NULL ? xstrdup(r->message) : NULL;
	free(g->out);
	g->out = xmalloc(r->out_len + 1);
	memcpy(g->out, r->out, r->out_len + 1);
	g->out_len = r->out_len;
	g->out_cut = r->out_cut;
	free(g->err);
	g->err = xmalloc(r->err_len + 1);
	memcpy(g->err, r->err, r->err_len + 1);
	g->err_len = r->err_len;
	g->err_cut = r->err_cut;
	g->duration_ms = r->duration_ms;
}

/* Free what got_cb copied. */
static void
got_reset(struct got *g)
{
	free(g->message);
	free(g->out);
	free(g->err);
	memset(g, 0, sizeof *g);
}

/* Run the loop until the callback ran or ms passed. */
static void
run_until(struct loop *loop, struct got *g, int64_t ms)
{
	int64_t	end = util_mono_ms() + ms;

	while (g->calls == 0 && util_mono_ms() < end)
		loop_run_once(loop, 50);
}

/* Run argv with envp, flags and caps; wait for the end (10s at most). */
static int
run(struct loop *loop, const char *const *argv, const char *const *envp,
    int64_t timeout_ms, size_t out_max, size_t err_max, int flags,
    struct got *g)
{
	struct child_spec	 spec;
	struct child		*c;
	char			*cause = NULL;

	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.envp = envp;
	spec.timeout_ms = timeout_ms;
	spec.out_max = out_max;
	spec.err_max = err_max;
	spec.flags = flags;
	memset(g, 0, sizeof *g);
	c = child_start(loop, &spec, got_cb, g, &cause);
	if (c == NULL) {
		printf("# child_start: %s\n", cause);
		free(cause);
		return -1;
	}
	CHECK_INT(g->calls, 0);		/* never from inside the call */
	run_until(loop, g, 10000);
	CHECK_INT(g->calls, 1);
	return 0;
}

/* Open descriptors of this process, or -1 without /proc. */
static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n - 1;	/* the directory's own */
}

/*
 * Processes of group pgid that still run (zombies do not count), or -1
 * without /proc.
 */
static int
group_alive(pid_t pgid)
{
	DIR		*d;
	struct dirent	*e;
	FILE		*f;
	char		 path[300], line[512], *p, state;
	int		 n = 0, pgrp;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(line, sizeof line, f) != NULL &&
		    (p = strrchr(line, ')')) != NULL &&
		    sscanf(p + 1, " %c %*d %d", &state, &pgrp) == 2 &&
		    pgrp == pgid && state != 'Z' && state != 'X')
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* Wait up to ms for group pgid to have no running process. */
static int
group_gone(struct loop *loop, pid_t pgid, int64_t ms)
{
	int64_t	end = util_mono_ms() + ms;
	int	n;

	while ((n = group_alive(pgid)) > 0 && util_mono_ms() < end)
		loop_run_once(loop, 20);
	return n == 0;
}

/* ------------------------------------------------------------------------ */

/* Exit codes, found in PATH or by path, and the time taken. */
static void
test_exit_codes(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	const char *const	 t[] = { "true", NULL };
	const char *const	 three[] = { "/bin/sh", "-c", "exit 3", NULL };
	const char *const	 slow[] = { "sleep", "0.2", NULL };

	if (run(loop, t, NULL, 5000, 1024, 1024, 0, &g) == 0) {
		CHECK_INT(g.end, CHILD_EXITED);
		CHECK_INT(g.exit_code, 0);
		CHECK_STR(g.out, "");
	}
	got_reset(&g);
	if (run(loop, three, NULL, 5000, 1024, 1024, 0, &g) == 0) {
		CHECK_INT(g.end, CHILD_EXITED);
		CHECK_INT(g.exit_code, 3);
	}
	got_reset(&g);
	if (run(loop, slow, NULL, 5000, 1024, 1024, 0, &g) == 0) {
		CHECK_INT(g.exit_code, 0);
		CHECK(g.duration_ms >= 190 && g.duration_ms < 3000);
	}
	got_reset(&g);
	loop_free(loop);
}

/* A child killed by a signal says which. */
static void
test_signal(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	const char *const	 argv[] = { "/bin/sh", "-c", "kill -TERM $$",
				     NULL };

	if (run(loop, argv, NULL, 5000, 1024, 1024, 0, &g) == 0) {
		CHECK_INT(g.end, CHILD_SIGNALLED);
		CHECK_INT(g.signo, SIGTERM);
		CHECK_INT(g.exit_code, -1);
	}
	got_reset(&g);
	loop_free(loop);
}

/* The timeout kills the whole group: the shell and what it started. */
static void
test_timeout_kills_group(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	struct child_spec	 spec;
	struct child		*c;
	char			*cause = NULL;
	const char *const	 argv[] = { "/bin/sh", "-c",
				     "sleep 100 & echo $!; sleep 100", NULL };
	int64_t			 start = util_mono_ms();
	pid_t			 pgid, grandchild;

	if (group_alive(getpgrp()) < 0) {
		SKIP("no /proc to see the process group");
		loop_free(loop);
		return;
	}
	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.timeout_ms = 300;
	spec.out_max = spec.err_max = 1024;
	memset(&g, 0, sizeof g);
	c = child_start(loop, &spec, got_cb, &g, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		loop_free(loop);
		return;
	}
	pgid = child_pid(c);
	CHECK(pgid > 0);
	run_until(loop, &g, 10000);
	CHECK_INT(g.calls, 1);
	CHECK_INT(g.end, CHILD_TIMED_OUT);
	CHECK_INT(g.signo, SIGKILL);
	CHECK(util_mono_ms() - start < 3000);
	CHECK(g.duration_ms >= 290);
	/* The grandchild's pid, printed before the timeout, is gone too. */
	grandchild = (pid_t)strtol(g.out != NULL ? g.out : "0", NULL, 10);
	CHECK(grandchild > 0 && grandchild != pgid);
	CHECK(group_gone(loop, pgid, 3000));
	got_reset(&g);
	loop_free(loop);
}

/* What passes a cap is dropped (the run goes on), or kills the group. */
static void
test_caps(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	const char *const	 big[] = { "/bin/sh", "-c",
				     "i=0; while [ $i -lt 2000 ]; do "
				     "echo 0123456789abcdef0123456789abcdef; "
				     "echo e >&2; i=$((i+1)); done; exit 4",
				     NULL };
	const char *const	 yes[] = { "/bin/sh", "-c",
				     "while :; do echo y; done", NULL };
	size_t			 i;
	int			 ok = 1;

	if (run(loop, big, NULL, 20000, 1000, 10, 0, &g) == 0) {
		CHECK_INT(g.end, CHILD_EXITED);
		CHECK_INT(g.exit_code, 4);	/* read to the end */
		CHECK_INT(g.out_len, 1000);
		CHECK(g.out_cut);
		CHECK_INT(g.err_len, 10);
		CHECK(g.err_cut);
		CHECK_INT(strlen(g.out), 1000);
		CHECK(strncmp(g.out, "0123456789abcdef0123", 20) == 0);
	}
	got_reset(&g);

	/* The same with wiping on: what is kept survives each move. */
	if (run(loop, big, NULL, 20000, 40000, 10, CHILD_WIPE, &g) == 0) {
		CHECK_INT(g.out_len, 40000);
		for (i = 0; i + 33 <= g.out_len; i += 33) {
			if (memcmp(g.out + i,
			    "0123456789abcdef0123456789abcdef\n", 33) != 0)
				ok = 0;
		}
		CHECK(ok);
	}
	got_reset(&g);

	/* Under CHILD_KILL_OVER, an endless writer is stopped at once. */
	if (run(loop, yes, NULL, 20000, 1000, 100, CHILD_KILL_OVER,
	    &g) == 0) {
		CHECK_INT(g.end, CHILD_OVER_CAP);
		CHECK(g.out_cut);
		CHECK_INT(g.out_len, 1000);
		CHECK(g.duration_ms < 5000);
	}
	got_reset(&g);
	loop_free(loop);
}

/* stdout and stderr apart, or interleaved in one stream. */
static void
test_streams(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	const char *const	 argv[] = { "/bin/sh", "-c",
				     "echo a; echo b >&2; echo c", NULL };

	if (run(loop, argv, NULL, 5000, 1024, 1024, 0, &g) == 0) {
		CHECK_STR(g.out, "a\nc\n");
		CHECK_STR(g.err, "b\n");
	}
	got_reset(&g);
	if (run(loop, argv, NULL, 5000, 1024, 1024, CHILD_MERGE_STDERR,
	    &g) == 0) {
		CHECK_STR(g.out, "a\nb\nc\n");
		CHECK_STR(g.err, "");
	}
	got_reset(&g);
	loop_free(loop);
}

/* The child's environment is exactly the one given, nothing inherited. */
static void
test_env_exact(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	const char *const	 argv[] = { "/usr/bin/env", NULL };
	const char *const	 env[] = { "A=1", "B=two words", "C=", NULL };

	if (access("/usr/bin/env", X_OK) != 0) {
		SKIP("no /usr/bin/env");
		loop_free(loop);
		return;
	}
	setenv("SITREP_CHILD_TEST_SECRET", "must-not-pass", 1);
	if (run(loop, argv, env, 5000, 4096, 1024, 0, &g) == 0) {
		CHECK_INT(g.exit_code, 0);
		CHECK_STR(g.out, "A=1\nB=two words\nC=\n");
	}
	got_reset(&g);
	if (run(loop, argv, NULL, 5000, 4096, 1024, 0, &g) == 0) {
		CHECK_INT(g.exit_code, 0);
		CHECK_STR(g.out, "");
	}
	got_reset(&g);
	unsetenv("SITREP_CHILD_TEST_SECRET");
	loop_free(loop);
}

/* Every argv element stays one argument; nothing is interpreted. */
static void
test_argv_as_is(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	const char *const	 argv[] = { "printf", "[%s]\\n", "a b",
				     "it's \"quoted\"", "$(echo pwned)",
				     "`id`", "*", "; rm -rf x", "$HOME", "",
				     NULL };

	if (run(loop, argv, NULL, 5000, 4096, 1024, 0, &g) == 0) {
		CHECK_INT(g.exit_code, 0);
		CHECK_STR(g.out, "[a b]\n[it's \"quoted\"]\n[$(echo pwned)]\n"
		    "[`id`]\n[*]\n[; rm -rf x]\n[$HOME]\n[]\n");
	}
	got_reset(&g);
	loop_free(loop);
}

/* Programs that cannot be run: exit 127 and a message, from the loop. */
static void
test_no_exec(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	const char *const	 abs[] = { "/nonexistent/x", "arg", NULL };
	const char *const	 bare[] = { "sitrep-no-such-program", NULL };
	const char *const	 hostile[] = { "/no/\033[31mred", NULL };
	const char *const	 empty[] = { NULL };
	const char		*plain[] = { NULL, NULL };
	struct child_spec	 spec;
	char			*file, *cause = NULL;
	char			 tmpl[] = "/tmp/sitrep-child-XXXXXX";
	int			 fd;

	if (run(loop, abs, NULL, 5000, 1024, 1024, 0, &g) == 0) {
		CHECK_INT(g.end, CHILD_NO_EXEC);
		CHECK_INT(g.exit_code, 127);
		CHECK_INT(g.errnum, ENOENT);
		CHECK_STR(g.message, "cannot run /nonexistent/x: No such "
		    "file or directory");
	}
	got_reset(&g);
	if (run(loop, bare, NULL, 5000, 1024, 1024, 0, &g) == 0) {
		CHECK_INT(g.end, CHILD_NO_EXEC);
		CHECK_CONTAINS(g.message, "cannot run sitrep-no-such-program: "
		    "No such file or directory (not found in PATH)");
	}
	got_reset(&g);
	if (run(loop, hostile, NULL, 5000, 1024, 1024, 0, &g) == 0) {
		CHECK(g.message != NULL && strchr(g.message, '\033') == NULL);
		CHECK_CONTAINS(g.message, "^[[31mred");
	}
	got_reset(&g);

	/* A file that is not executable: the reason execve gave. */
	if ((fd = mkstemp(tmpl)) != -1) {
		(void)!write(fd, "#!/bin/sh\necho no\n", 18);
		close(fd);
		chmod(tmpl, 0600);
		file = tmpl;
		plain[0] = file;
		if (run(loop, plain, NULL, 5000, 1024, 1024, 0, &g) == 0) {
			CHECK_INT(g.end, CHILD_NO_EXEC);
			CHECK_INT(g.errnum, EACCES);
			CHECK_CONTAINS(g.message, "Permission denied");
			CHECK_STR(g.out, "");
		}
		got_reset(&g);
		unlink(tmpl);
	}

	/* An empty argv is refused at once. */
	memset(&spec, 0, sizeof spec);
	spec.argv = empty;
	CHECK(child_start(loop, &spec, got_cb, &g, &cause) == NULL);
	CHECK_CONTAINS(cause, "nothing to run");
	free(cause);
	loop_free(loop);
}

/* Cancel kills the group and never calls back. */
static void
test_cancel(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	struct child_spec	 spec;
	struct child		*c;
	char			*cause = NULL;
	const char *const	 argv[] = { "/bin/sh", "-c",
				     "sleep 100 & sleep 100", NULL };
	const char *const	 none[] = { "sitrep-no-such-program", NULL };
	pid_t			 pgid;
	int64_t			 end;

	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.timeout_ms = 200;
	spec.out_max = 100;
	memset(&g, 0, sizeof g);
	c = child_start(loop, &spec, got_cb, &g, &cause);
	CHECK(c != NULL);
	if (c == NULL) {
		free(cause);
		loop_free(loop);
		return;
	}
	pgid = child_pid(c);
	/* Let the shell start its background sleep. */
	end = util_mono_ms() + 100;
	while (util_mono_ms() < end)
		loop_run_once(loop, 20);
	child_cancel(c);
	end = util_mono_ms() + 500;	/* past the timeout */
	while (util_mono_ms() < end)
		loop_run_once(loop, 50);
	CHECK_INT(g.calls, 0);
	if (group_alive(pgid) >= 0)
		CHECK(group_gone(loop, pgid, 3000));

	/* Cancelling a run that was going to say "cannot run". */
	spec.argv = none;
	c = child_start(loop, &spec, got_cb, &g, &cause);
	CHECK(c != NULL);
	CHECK_INT(child_pid(c), -1);
	child_cancel(c);
	loop_run_once(loop, 50);
	CHECK_INT(g.calls, 0);
	child_cancel(NULL);
	loop_free(loop);
}

/* Every kind of run leaves no descriptor open. */
static void
test_no_fd_leak(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	struct child_spec	 spec;
	struct child		*c;
	char			*cause = NULL;
	const char *const	 ok[] = { "/bin/sh", "-c", "echo x; echo y >&2",
				     NULL };
	const char *const	 slow[] = { "/bin/sh", "-c", "sleep 100",
				     NULL };
	const char *const	 bad[] = { "/nonexistent/z", NULL };
	const char *const	 list[] = { "/bin/sh", "-c",
				     "ls /proc/$$/fd", NULL };
	int			 before, i;

	/* The loop's own descriptors exist once a child has been added. */
	if (run(loop, ok, NULL, 5000, 100, 100, 0, &g) != 0)
		goto out;
	got_reset(&g);
	if ((before = count_fds()) < 0) {
		SKIP("no /proc/self/fd to count descriptors");
		goto out;
	}
	for (i = 0; i < 3; i++) {
		run(loop, ok, NULL, 5000, 100, 100, 0, &g);
		got_reset(&g);
		run(loop, ok, NULL, 5000, 100, 100, CHILD_MERGE_STDERR, &g);
		got_reset(&g);
		run(loop, slow, NULL, 100, 100, 100, 0, &g);
		got_reset(&g);
		run(loop, bad, NULL, 100, 100, 100, 0, &g);
		got_reset(&g);
	}
	memset(&spec, 0, sizeof spec);
	spec.argv = slow;
	c = child_start(loop, &spec, got_cb, &g, &cause);
	CHECK(c != NULL);
	free(cause);
	child_cancel(c);
	CHECK_INT(count_fds(), before);

	/* A descriptor of ours without close-on-exec does not reach it. */
	if ((i = dup2(0, 50)) == 50) {
		if (run(loop, list, NULL, 5000, 4096, 100, 0, &g) == 0) {
			CHECK_INT(g.exit_code, 0);
			CHECK_STR(g.out, "0\n1\n2\n");
		}
		close(50);
	}
out:
	got_reset(&g);
	loop_free(loop);
}

static const struct test tests[] = {
	TEST(test_exit_codes),
	TEST(test_signal),
	TEST(test_timeout_kills_group),
	TEST(test_caps),
	TEST(test_streams),
	TEST(test_env_exact),
	TEST(test_argv_as_is),
	TEST(test_no_exec),
	TEST(test_cancel),
	TEST(test_no_fd_leak),
	{ NULL, NULL }
};

/* Run every test. */
int
main(void)
{
	return harness_run(tests);
}
