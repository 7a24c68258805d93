/*
 * command_world.c: runbook commands run as children of the event loop,
 * the command part of an action world (see command_world.h).
 *
 * Each command is one run in the world's list: either a child started
 * through core/child.h, or an answer ready at once (a dry run, an empty
 * argv, a fork that failed) that a zero timer delivers from the loop, so
 * the callback never runs inside the call.  A run leaves the list before
 * its callback, which may therefore start commands or cancel them all.
 */
#include "config.h"

#include <sys/queue.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/command_world.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/child.h"
#include "core/loop.h"

/* One command: running, or with its answer waiting for the loop. */
struct cw_run {
	struct command_world	*w;
	struct child		*child;
	struct loop_timer	*timer;
	action_command_cb	 cb;
	void			*arg;
	int64_t			 timeout_ms;
	enum action_status	 status;	/* a ready answer */
	int			 exit_code;
	char			*message;
	TAILQ_ENTRY(cw_run)	 entry;
};

struct command_world {
	struct loop		*loop;
	TAILQ_HEAD(, cw_run)	 runs;
};

/* ------------------------------------------------------------------------ */
/* Words. */

/* ms as "0.4s", "1.2s", "30s", "2m05s". */
static void
cw_duration(int64_t ms, char *out, size_t len)
{
	long long	tenths = (long long)((ms < 0 ? 0 : ms) + 50) / 100;
	long long	s = tenths / 10;

	if (s >= 60)
		snprintf(out, len, "%lldm%02llds", s / 60, s % 60);
	else if (tenths % 10 == 0 && s > 0)
		snprintf(out, len, "%llds", s);
	else
		snprintf(out, len, "%lld.%llds", s, tenths % 10);
}

/* "would run: argv (environment: NAMES)", safe for a terminal. */
static char *
cw_would_run(const struct action_command *cmd)
{
	struct buf	 b;
	size_t		 i;
	char		*s;

	buf_init(&b, 0);
	buf_puts(&b, "would run:");
	for (i = 0; cmd->argv[i] != NULL; i++) {
		buf_puts(&b, " ");
		buf_shell_word(&b, cmd->argv[i]);
	}
	if (cmd->env == NULL || cmd->env[0] == NULL)
		buf_puts(&b, " (empty environment)");
	else {
		buf_puts(&b, " (environment: ");
		for (i = 0; cmd->env[i] != NULL; i++) {
			/* The name only: the value may be a secret. */
			buf_printf(&b, "%s%.*s", i > 0 ? ", " : "",
			    (int)strcspn(cmd->env[i], "="), cmd->env[i]);
		}
		buf_puts(&b, ")");
	}
	s = sanitize_terminal(buf_str(&b), 0);
	buf_done(&b);
	return s;
}

/* What the command wrote, as valid UTF-8 safe for a terminal. */
static char *
cw_output(const struct child_result *res)
{
	char	*u, *s, *t;

	u = sanitize_utf8(res->out, res->out_len);
	s = sanitize_terminal(u, SANITIZE_MULTILINE);
	free(u);
	if (res->out_cut) {
		t = xasprintf("%s%s[output cut at %zu KiB]", s,
		    *s != '\0' && s[strlen(s) - 1] != '\n' ? "\n" : "",
		    COMMAND_WORLD_OUTPUT_MAX / 1024);
		free(s);
		s = t;
	}
	return s;
}

/* ------------------------------------------------------------------------ */
/* Runs. */

/* Free a run already out of the world's list. */
static void
cw_run_free(struct cw_run *run)
{
	free(run->message);
	free(run);
}

/* The child ended: say how, once. */
static void
cw_child_done(const struct child_result *res, void *arg)
{
	struct cw_run			*run = arg;
	struct action_command_result	 r;
	char				 d[32], t[32], *output, *msg;

	TAILQ_REMOVE(&run->w->runs, run, entry);
	run->child = NULL;	/* the runner frees it after we return */
	cw_duration(res->duration_ms, d, sizeof d);
	memset(&r, 0, sizeof r);
	switch (res->end) {
	case CHILD_EXITED:
		r.status = res->exit_code == 0 ? ACTION_OK : ACTION_INVALID;
		r.exit_code = res->exit_code;
		msg = xasprintf("exited %d after %s", res->exit_code, d);
		break;
	case CHILD_TIMED_OUT:
		cw_duration(run->timeout_ms, t, sizeof t);
		r.status = ACTION_UNREACHABLE;
		r.exit_code = -SIGKILL;
		msg = xasprintf("killed after %s (timeout)", t);
		break;
	case CHILD_NO_EXEC:
		r.status = ACTION_UNREACHABLE;
		r.exit_code = 127;
		msg = xstrdup(res->message);
		break;
	case CHILD_SIGNALLED:
	case CHILD_OVER_CAP:
	default:
		r.status = ACTION_INVALID;
		r.exit_code = -res->signo;
		msg = xasprintf("killed by signal %d after %s", res->signo, d);
		break;
	}
	output = cw_output(res);
	r.output = output;
	r.message = msg;
	run->cb(&r, run->arg);
	free(output);
	free(msg);
	cw_run_free(run);
}

/* Deliver an answer that was ready at once. */
static int64_t
cw_answer_cb(void *arg)
{
	struct cw_run			*run = arg;
	struct action_command_result	 r;

	TAILQ_REMOVE(&run->w->runs, run, entry);
	run->timer = NULL;
	memset(&r, 0, sizeof r);
	r.status = run->status;
	r.exit_code = run->exit_code;
	r.output = "";
	r.message = run->message;
	run->cb(&r, run->arg);
	cw_run_free(run);
	return -1;
}

/* Answer from the loop without running anything; message is taken. */
static void
cw_answer(struct cw_run *run, enum action_status status, int exit_code,
    char *message)
{
	run->status = status;
	run->exit_code = exit_code;
	run->message = message;
	/* loop_timer_add allocates with xcalloc: it cannot fail. */
	run->timer = loop_timer_add(run->w->loop, 0, cw_answer_cb, run);
}

/* The world's command(): start cmd, answer once from the loop. */
static void
cw_command(void *impl, const struct action_command *cmd,
    action_command_cb cb, void *arg)
{
	struct command_world	*w = impl;
	struct cw_run		*run;
	struct child_spec	 spec;
	char			*cause = NULL, *msg;

	run = xcalloc(1, sizeof *run);
	run->w = w;
	run->cb = cb;
	run->arg = arg;
	run->timeout_ms = cmd->timeout_ms > 0 ? cmd->timeout_ms :
	    COMMAND_WORLD_TIMEOUT_MS;
	TAILQ_INSERT_TAIL(&w->runs, run, entry);

	if (cmd->argv == NULL || cmd->argv[0] == NULL ||
	    *cmd->argv[0] == '\0') {
		cw_answer(run, ACTION_INVALID, 127, xstrdup("nothing to run: "
		    "the command has no program; give its argv in the "
		    "runbook"));
		return;
	}
	if (cmd->dry_run) {
		cw_answer(run, ACTION_OK, 0, cw_would_run(cmd));
		return;
	}
	memset(&spec, 0, sizeof spec);
	spec.argv = cmd->argv;
	spec.envp = cmd->env;		/* exactly these; NULL: none */
	spec.timeout_ms = run->timeout_ms;
	spec.out_max = COMMAND_WORLD_OUTPUT_MAX;
	spec.flags = CHILD_MERGE_STDERR;
	if ((run->child = child_start(w->loop, &spec, cw_child_done, run,
	    &cause)) == NULL) {
		msg = sanitize_terminal(cause, 0);
		free(cause);
		cw_answer(run, ACTION_UNREACHABLE, 127, msg);
	}
}

/* The world's command_cancel(): forget every run, no callback. */
static void
cw_cancel(void *impl)
{
	struct command_world	*w = impl;
	struct cw_run		*run;

	while ((run = TAILQ_FIRST(&w->runs)) != NULL) {
		TAILQ_REMOVE(&w->runs, run, entry);
		child_cancel(run->child);
		if (run->timer != NULL)
			loop_timer_del(run->timer);
		cw_run_free(run);
	}
}

/* ------------------------------------------------------------------------ */

/* A world that runs commands on loop. */
struct command_world *
command_world_new(struct loop *loop)
{
	struct command_world	*w;

	w = xcalloc(1, sizeof *w);
	w->loop = loop;
	TAILQ_INIT(&w->runs);
	return w;
}

/* Kill what runs, without callbacks, and free. */
void
command_world_free(struct command_world *w)
{
	if (w == NULL)
		return;
	cw_cancel(w);
	free(w);
}

/* Set the command part of out. */
void
command_world_fill(struct command_world *w, struct action_world *out)
{
	out->command_impl = w;
	out->command = cw_command;
	out->command_cancel = cw_cancel;
}
