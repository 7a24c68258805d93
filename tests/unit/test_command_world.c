/*
 * test_command_world.c: unit tests for runbook commands as an action
 * world's command part: statuses and messages for exit codes, timeouts
 * and programs that cannot run; output interleaved, capped and made inert
 * (escape sequences, invalid UTF-8); the environment exactly as given;
 * dry runs that run nothing; callbacks once and from the loop; cancel.
 */
#include "config.h"

#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/command_world.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/loop.h"

#define HARNESS_MAIN
#include "tests/unit/harness.h"

/* A copy of one answer. */
struct got {
	int			 calls;
	enum action_status	 status;
	int			 exit_code;
	char			*output;
	char			*message;
};

/* The command callback: copy the answer. */
static void
got_cb(const struct action_command_result *r, void *arg)
{
	struct got	*g = arg;

	g->calls++;
	g->status = r->status;
	g->exit_code = r->exit_code;
	free(g->output);
	free(g->message);
	g->output = r->output != NULL ? xstrdup(r->output) : NULL;
	g->message = r->message != NULL ? xstrdup(r->message) : NULL;
}

/* Free the copy. */
static void
got_reset(struct got *g)
{
	free(g->output);
	free(g->message);
	memset(g, 0, sizeof *g);
}

/* A world on a new loop. */
struct fixture {
	struct loop		*loop;
	struct command_world	*cw;
	struct action_world	 world;
};

/* Make the loop and the world. */
static void
fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	f->loop = loop_new();
	f->cw = command_world_new(f->loop);
	command_world_fill(f->cw, &f->world);
}

/* Free the world, then the loop. */
static void
fixture_done(struct fixture *f)
{
	command_world_free(f->cw);
	loop_free(f->loop);
}

/* Run argv with env through the world; wait for the answer. */
static void
run(struct fixture *f, const char *const *argv, const char *const *env,
    int64_t timeout_ms, int dry_run, struct got *g)
{
	struct action_command	cmd;
	int64_t			end = util_mono_ms() + 10000;

	memset(&cmd, 0, sizeof cmd);
	cmd.argv = argv;
	cmd.env = env;
	cmd.timeout_ms = timeout_ms;
	cmd.dry_run = dry_run;
	memset(g, 0, sizeof *g);
	f->world.command(f->world.command_impl, &cmd, got_cb, g);
	CHECK_INT(g->calls, 0);		/* never from inside the call */
	while (g->calls == 0 && util_mono_ms() < end)
		loop_run_once(f->loop, 50);
	loop_run_once(f->loop, 20);	/* and never twice */
	CHECK_INT(g->calls, 1);
}

/* Whether s is valid UTF-8. */
static int
valid_utf8(const char *s)
{
	size_t		len = strlen(s), i = 0;
	unsigned int	cp;
	int		n;

	while (i < len) {
		if ((n = sanitize_utf8_decode((const unsigned char *)s + i,
		    len - i, &cp)) == 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* Whether message reads "<prefix><number>.<digit>s" or "<prefix>Ns". */
static int
says_after(const char *message, const char *prefix)
{
	const char	*p;

	if (message == NULL || strncmp(message, prefix, strlen(prefix)) != 0)
		return 0;
	p = message + strlen(prefix);
	if (strspn(p, "0123456789.") == 0)
		return 0;
	p += strspn(p, "0123456789.");
	return strcmp(p, "s") == 0;
}

/* ------------------------------------------------------------------------ */

/* Only the command part is set; the rest of the world is left alone. */
static void
test_fill(void)
{
	struct fixture	f;
	int		marker;

	fixture_init(&f);
	CHECK(f.world.command != NULL);
	CHECK(f.world.command_cancel != NULL);
	CHECK(f.world.command_impl == f.cw);
	memset(&f.world, 0, sizeof f.world);
	f.world.name = "alertmanager";
	f.world.impl = &marker;
	command_world_fill(f.cw, &f.world);
	CHECK_STR(f.world.name, "alertmanager");
	CHECK(f.world.impl == &marker);
	CHECK(f.world.kube == NULL);
	fixture_done(&f);
	command_world_free(NULL);
}

/* Exit 0 is OK; another exit code or a signal is INVALID. */
static void
test_exit_status(void)
{
	struct fixture		 f;
	struct got		 g;
	const char *const	 ok[] = { "/bin/sh", "-c",
				     "echo a; echo b >&2; echo c", NULL };
	const char *const	 three[] = { "/bin/sh", "-c", "exit 3", NULL };
	const char *const	 sig[] = { "/bin/sh", "-c", "kill -TERM $$",
				     NULL };

	fixture_init(&f);
	run(&f, ok, NULL, 5000, 0, &g);
	CHECK_INT(g.status, ACTION_OK);
	CHECK_INT(g.exit_code, 0);
	CHECK_STR(g.output, "a\nb\nc\n");	/* interleaved */
	CHECK(says_after(g.message, "exited 0 after "));
	got_reset(&g);

	run(&f, three, NULL, 5000, 0, &g);
	CHECK_INT(g.status, ACTION_INVALID);
	CHECK_INT(g.exit_code, 3);
	CHECK(says_after(g.message, "exited 3 after "));
	got_reset(&g);

	run(&f, sig, NULL, 5000, 0, &g);
	CHECK_INT(g.status, ACTION_INVALID);
	CHECK_INT(g.exit_code, -SIGTERM);
	CHECK(says_after(g.message, "killed by signal 15 after "));
	got_reset(&g);
	fixture_done(&f);
}

/* A timeout or a program that cannot run is UNREACHABLE. */
static void
test_unreachable(void)
{
	struct fixture		 f;
	struct got		 g;
	const char *const	 slow[] = { "/bin/sh", "-c",
				     "sleep 100 & sleep 100", NULL };
	const char *const	 none[] = { "/x-sitrep-none", NULL };
	const char *const	 empty[] = { NULL };
	int64_t			 start = util_mono_ms();

	fixture_init(&f);
	run(&f, slow, NULL, 300, 0, &g);
	CHECK_INT(g.status, ACTION_UNREACHABLE);
	CHECK_INT(g.exit_code, -SIGKILL);
	CHECK_STR(g.message, "killed after 0.3s (timeout)");
	CHECK(util_mono_ms() - start < 3000);
	got_reset(&g);

	run(&f, none, NULL, 5000, 0, &g);
	CHECK_INT(g.status, ACTION_UNREACHABLE);
	CHECK_INT(g.exit_code, 127);
	CHECK_STR(g.message, "cannot run /x-sitrep-none: No such file or "
	    "directory");
	got_reset(&g);

	run(&f, empty, NULL, 5000, 0, &g);
	CHECK_INT(g.status, ACTION_INVALID);
	CHECK_CONTAINS(g.message, "nothing to run");
	got_reset(&g);
	fixture_done(&f);
}

/* Hostile output comes back inert: no control sequence, valid UTF-8. */
static void
test_hostile_output(void)
{
	struct fixture		 f;
	struct got		 g;
	const char *const	 argv[] = { "printf",
				     "\033]0;owned\007\033[31mred\033[0m "
				     "\302\233""2J \xff\xfe bidi\342\200\256"
				     "x\r\nline2\tend\n", NULL };

	fixture_init(&f);
	run(&f, argv, NULL, 5000, 0, &g);
	CHECK_INT(g.status, ACTION_OK);
	CHECK(g.output != NULL && strchr(g.output, '\033') == NULL);
	CHECK(g.output != NULL && strchr(g.output, '\007') == NULL);
	CHECK(g.output != NULL && strchr(g.output, '\r') == NULL);
	CHECK(g.output != NULL && strstr(g.output, "\302\233") == NULL);
	CHECK(g.output != NULL && strstr(g.output, "\342\200\256") == NULL);
	CHECK(g.output != NULL && valid_utf8(g.output));
	CHECK(g.output != NULL &&
	    sanitize_is_clean(g.output, SANITIZE_MULTILINE));
	CHECK_CONTAINS(g.output, "^[[31mred");
	CHECK_CONTAINS(g.output, "\nline2");	/* lines stay lines */
	got_reset(&g);
	fixture_done(&f);
}

/* Past 64 KiB the output is cut and says so; the command runs on. */
static void
test_output_cap(void)
{
	struct fixture		 f;
	struct got		 g;
	const char *const	 argv[] = { "/bin/sh", "-c",
				     "i=0; while [ $i -lt 3000 ]; do "
				     "echo 0123456789abcdef0123456789abcdef; "
				     "i=$((i+1)); done; echo done >&2", NULL };
	const char		*tail;

	fixture_init(&f);
	run(&f, argv, NULL, 20000, 0, &g);
	CHECK_INT(g.status, ACTION_OK);
	CHECK(g.output != NULL && strlen(g.output) <= 64 * 1024 + 40);
	CHECK(g.output != NULL && strlen(g.output) >= 64 * 1024);
	tail = g.output != NULL && strlen(g.output) > 22 ?
	    g.output + strlen(g.output) - 22 : "";
	CHECK_STR(tail, "[output cut at 64 KiB]");
	CHECK(g.output != NULL && strstr(g.output, "done") == NULL);
	got_reset(&g);
	fixture_done(&f);
}

/* The program gets the environment given and nothing else. */
static void
test_env_exact(void)
{
	struct fixture		 f;
	struct got		 g;
	const char *const	 argv[] = { "/usr/bin/env", NULL };
	const char *const	 env[] = { "REGION=eu west", "TOKEN=s3cret",
				     NULL };

	if (access("/usr/bin/env", X_OK) != 0) {
		SKIP("no /usr/bin/env");
		return;
	}
	fixture_init(&f);
	setenv("SITREP_CW_PARENT_ONLY", "leak", 1);
	run(&f, argv, env, 5000, 0, &g);
	CHECK_INT(g.status, ACTION_OK);
	CHECK_STR(g.output, "REGION=eu west\nTOKEN=s3cret\n");
	got_reset(&g);
	run(&f, argv, NULL, 5000, 0, &g);
	CHECK_STR(g.output, "");		/* not even PATH */
	got_reset(&g);
	unsetenv("SITREP_CW_PARENT_ONLY");
	fixture_done(&f);
}

/* argv is passed as is: no shell, one element one argument. */
static void
test_no_shell(void)
{
	struct fixture		 f;
	struct got		 g;
	const char *const	 argv[] = { "printf", "<%s>\\n", "a b",
				     "$(touch pwned)", "x'y\"z", "*", NULL };

	fixture_init(&f);
	run(&f, argv, NULL, 5000, 0, &g);
	CHECK_STR(g.output, "<a b>\n<$(touch pwned)>\n<x'y\"z>\n<*>\n");
	CHECK(access("pwned", F_OK) != 0);
	got_reset(&g);
	fixture_done(&f);
}

/* A dry run says what would run, and runs nothing. */
static void
test_dry_run(void)
{
	struct fixture		 f;
	struct got		 g;
	char			 tmpl[] = "/tmp/sitrep-cw-XXXXXX", *file;
	const char		*argv[] = { "/usr/bin/touch", NULL, "a b",
				    "it's", NULL };
	const char *const	 env[] = { "TOKEN=s3cret", "REGION=eu",
				     NULL };
	const char *const	 hostile[] = { "echo", "\033[2J", NULL };

	fixture_init(&f);
	if (mkdtemp(tmpl) == NULL) {
		SKIP("no temporary directory");
		fixture_done(&f);
		return;
	}
	file = xasprintf("%s/made", tmpl);
	argv[1] = file;
	run(&f, argv, env, 5000, 1, &g);
	CHECK_INT(g.status, ACTION_OK);
	CHECK(access(file, F_OK) != 0);		/* nothing ran */
	CHECK(g.message != NULL && strncmp(g.message, "would run: "
	    "/usr/bin/touch /tmp/sitrep-cw-", 41) == 0);
	CHECK_CONTAINS(g.message, "/made 'a b' 'it'\\''s' (environment: "
	    "TOKEN, REGION)");
	CHECK(g.message != NULL && strstr(g.message, "s3cret") == NULL);
	got_reset(&g);

	run(&f, hostile, NULL, 5000, 1, &g);
	CHECK_STR(g.message, "would run: echo '^[[2J' (empty environment)");
	got_reset(&g);
	rmdir(tmpl);
	free(file);
	fixture_done(&f);
}

/* Cancel forgets every command without a callback; so does free. */
static void
test_cancel(void)
{
	struct fixture		 f;
	struct got		 g1, g2, g3;
	struct action_command	 cmd;
	const char *const	 slow[] = { "/bin/sh", "-c", "sleep 100",
				     NULL };
	int64_t			 end;

	fixture_init(&f);
	memset(&g1, 0, sizeof g1);
	memset(&g2, 0, sizeof g2);
	memset(&g3, 0, sizeof g3);
	memset(&cmd, 0, sizeof cmd);
	cmd.argv = slow;
	cmd.timeout_ms = 200;
	f.world.command(f.world.command_impl, &cmd, got_cb, &g1);
	cmd.dry_run = 1;
	f.world.command(f.world.command_impl, &cmd, got_cb, &g2);
	f.world.command_cancel(f.world.command_impl);
	end = util_mono_ms() + 400;		/* past the timeout */
	while (util_mono_ms() < end)
		loop_run_once(f.loop, 50);
	CHECK_INT(g1.calls, 0);
	CHECK_INT(g2.calls, 0);

	/* Still usable after a cancel; free forgets what runs. */
	cmd.dry_run = 0;
	f.world.command(f.world.command_impl, &cmd, got_cb, &g3);
	loop_run_once(f.loop, 20);
	fixture_done(&f);
	CHECK_INT(g3.calls, 0);
}

static const struct test tests[] = {
	TEST(test_fill),
	TEST(test_exit_status),
	TEST(test_unreachable),
	TEST(test_hostile_output),
	TEST(test_output_cap),
	TEST(test_env_exact),
	TEST(test_no_shell),
	TEST(test_dry_run),
	TEST(test_cancel),
	{ NULL, NULL }
};

/* Run every test. */
int
main(void)
{
	return harness_run(tests);
}
