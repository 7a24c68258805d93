/*
 * child.c: one child process run on the event loop (see child.h).
 *
 * Everything the child needs (the path found in PATH, argv, envp, the
 * highest descriptor to close) is worked out before fork(), so the child
 * itself only makes async-signal-safe calls before execve().  A third
 * pipe, close-on-exec, tells the parent why execve() failed: the child
 * writes errno there and exits 127; a successful execve() closes it
 * empty.  The parent reads it, and the output pipes, without blocking
 * once the child has been reaped.  Kills go to the process group and are
 * only sent while the child is not yet reaped (a zombie still holds its
 * pid), so they can never reach an unrelated process that reused it.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/child.h"
#include "core/loop.h"

#ifndef PATH_MAX
#define PATH_MAX	4096
#endif
#define CHILD_DEFAULT_PATH	"/usr/local/bin:/usr/bin:/bin"

/* What is kept of one output stream. */
struct child_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 cut;		/* more was written than kept */
};

/* A running child. */
struct child {
	struct loop		*loop;
	child_done_cb		 cb;
	void			*arg;
	int			 flags;
	char			*name;		/* for messages, as given */
	pid_t			 pid;		/* -1: none was started */
	int			 out_fd;
	int			 err_fd;
	int			 exec_fd;	/* errno of a failed execve */
	struct loop_fd		*out_w;
	struct loop_fd		*err_w;
	struct loop_child	*reap;
	struct loop_timer	*timer;		/* the timeout, or the answer */
	struct child_buf	 out;
	struct child_buf	 err;
	int64_t			 start_ms;
	int			 errnum;	/* not found before fork */
	int			 killed_over;	/* CHILD_KILL_OVER fired */
	int			 delivering;
};

/* ------------------------------------------------------------------------ */
/* Buffers. */

/* Zero n bytes where the compiler cannot drop the stores. */
static void
child_wipe(void *p, size_t n)
{
	volatile unsigned char	*v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Keep what fits of n bytes under b->max; the rest marks b cut. */
static void
child_buf_add(struct child_buf *b, const char *p, size_t n, int wipe)
{
	size_t	 take, ncap;
	char	*nd;

	take = b->max - b->len < n ? b->max - b->len : n;
	if (take < n)
		b->cut = 1;
	if (take == 0)
		return;
	if (b->len + take + 1 > b->cap) {
		ncap = b->cap == 0 ? 256 : b->cap;
		while (ncap < b->len + take + 1)
			ncap *= 2;
		if (ncap > b->max + 1)
			ncap = b->max + 1;
		/* Move by hand so a wiped buffer leaves no stale copy. */
		nd = xmalloc(ncap);
		if (b->len > 0)
			memcpy(nd, b->data, b->len);
		if (b->data != NULL && wipe)
			child_wipe(b->data, b->cap);
		free(b->data);
		b->data = nd;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, p, take);
	b->len += take;
	b->data[b->len] = '\0';
}

/* Free a buffer, wiping it first if asked. */
static void
child_buf_done(struct child_buf *b, int wipe)
{
	if (b->data != NULL && wipe)
		child_wipe(b->data, b->cap);
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Starting. */

/* Find name as execvp would, in the parent's PATH; caller frees. */
char *
child_lookup(const char *name)
{
	const char	*path;
	char		*copy, *dir, *save, *full;
	struct stat	 st;

	if (*name == '\0')
		return NULL;
	if (strchr(name, '/') != NULL)
		return xstrdup(name);
	if ((path = getenv("PATH")) == NULL || *path == '\0')
		path = CHILD_DEFAULT_PATH;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		full = xasprintf("%s/%s", dir, name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(full, X_OK) == 0) {
			free(copy);
			return full;
		}
		free(full);
	}
	free(copy);
	return NULL;
}

/* Mark fd close-on-exec and, if nonblock, non-blocking. */
static void
child_fd_flags(int fd, int nonblock)
{
	int	flags;

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (nonblock && (flags = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* execve's view of a vector it does not change (it takes no const). */
static char *const *
child_vector(const char *const *v)
{
	union {
		const char *const	*c;
		char *const		*m;
	} u;

	u.c = v;
	return u.m;
}

/* Close both ends of a pipe that were opened. */
static void
child_close_pipe(int p[2])
{
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* Report errno on fd 3 and leave; async-signal-safe. */
static void
child_fail(void)
{
	int	e = errno;

	(void)!write(3, &e, sizeof e);
	_exit(127);
}

/*
 * In the child: own group, default signals, stdin /dev/null, stdout and
 * stderr on the pipes, the exec-error pipe moved to fd 3, everything
 * else closed, then execve.  Only async-signal-safe calls.
 */
static void
child_exec(const char *path, char *const argv[], char *const envp[],
    int out_w, int err_w, int exec_w, int maxfd)
{
	int		 null, fd, sig;
	sigset_t	 none;

	setpgid(0, 0);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Lift the pipes above the three descriptors about to be set. */
	if ((out_w < 3 && (out_w = fcntl(out_w, F_DUPFD, 3)) == -1) ||
	    (err_w < 3 && (err_w = fcntl(err_w, F_DUPFD, 3)) == -1) ||
	    (exec_w < 3 && (exec_w = fcntl(exec_w, F_DUPFD, 3)) == -1))
		_exit(127);
	if ((null = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(null, 0) == -1 || dup2(out_w, 1) == -1 ||
	    dup2(err_w, 2) == -1)
		_exit(127);
	if (exec_w != 3 && dup2(exec_w, 3) == -1)
		_exit(127);
	fcntl(3, F_SETFD, FD_CLOEXEC);
#if defined(__linux__) && defined(SYS_close_range)
	if (syscall(SYS_close_range, 4U, ~0U, 0U) == 0)
		maxfd = 4;
#endif
	for (fd = 4; fd < maxfd; fd++)
		close(fd);
	execve(path, argv, envp);
	child_fail();
}

/* ------------------------------------------------------------------------ */
/* The loop glue. */

/* Read what is ready on fd into b; 1 at end of file or error. */
static int
child_drain(struct child *c, int fd, struct child_buf *b)
{
	char	chunk[4096];
	ssize_t	n;
	int	wipe = c->flags & CHILD_WIPE;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == 0)
			return 1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
		}
		child_buf_add(b, chunk, (size_t)n, wipe);
		if (wipe)
			child_wipe(chunk, (size_t)n);
	}
}

/* Stop watching and close one output pipe. */
static void
child_close_out(struct loop_fd **w, int *fd)
{
	if (*w != NULL) {
		loop_fd_del(*w);
		*w = NULL;
	}
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/* Kill the child's whole group; only while it is not reaped. */
static void
child_kill(struct child *c)
{
	if (c->pid > 0 && c->reap != NULL) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
	}
}

/* Release everything; the child, if still running, is reaped silently. */
static void
child_free(struct child *c)
{
	int	wipe = c->flags & CHILD_WIPE;

	child_close_out(&c->out_w, &c->out_fd);
	child_close_out(&c->err_w, &c->err_fd);
	if (c->exec_fd != -1)
		close(c->exec_fd);
	if (c->timer != NULL)
		loop_timer_del(c->timer);
	if (c->reap != NULL)
		loop_child_del(c->reap);
	child_buf_done(&c->out, wipe);
	child_buf_done(&c->err, wipe);
	free(c->name);
	free(c);
}

/* Read the rest, call back once, and free. */
static void
child_finish(struct child *c, enum child_end end, int status)
{
	struct child_result	 r;
	char			*name, *msg = NULL;
	int			 e;
	ssize_t			 n;

	if (c->out_fd != -1)
		child_drain(c, c->out_fd, &c->out);
	if (c->err_fd != -1)
		child_drain(c, c->err_fd, &c->err);
	if (c->exec_fd != -1) {
		do
			n = read(c->exec_fd, &e, sizeof e);
		while (n == -1 && errno == EINTR);
		if (n == (ssize_t)sizeof e && end != CHILD_TIMED_OUT) {
			end = CHILD_NO_EXEC;
			c->errnum = e;
		}
	}

	memset(&r, 0, sizeof r);
	r.end = end;
	r.status = status;
	r.exit_code = -1;
	switch (end) {
	case CHILD_NO_EXEC:
		r.status = 127 << 8;
		r.exit_code = 127;
		r.errnum = c->errnum;
		name = sanitize_terminal(c->name, 0);
		msg = xasprintf("cannot run %s: %s%s", name,
		    strerror(c->errnum), c->errnum == ENOENT && c->pid == -1 &&
		    strchr(c->name, '/') == NULL ? " (not found in PATH)" : "");
		free(name);
		r.message = msg;
		break;
	case CHILD_EXITED:
	case CHILD_SIGNALLED:
	case CHILD_OVER_CAP:
		if (WIFEXITED(status)) {
			r.end = end == CHILD_OVER_CAP ? end : CHILD_EXITED;
			r.exit_code = WEXITSTATUS(status);
		} else if (WIFSIGNALED(status)) {
			r.end = end == CHILD_OVER_CAP ? end : CHILD_SIGNALLED;
			r.signo = WTERMSIG(status);
		}
		break;
	case CHILD_TIMED_OUT:
		r.signo = SIGKILL;
		break;
	}
	r.out = c->out.data != NULL ? c->out.data : "";
	r.out_len = c->out.len;
	r.out_cut = c->out.cut;
	r.err = c->err.data != NULL ? c->err.data : "";
	r.err_len = c->err.len;
	r.err_cut = c->err.cut;
	r.duration_ms = util_mono_ms() - c->start_ms;

	c->delivering = 1;
	c->cb(&r, c->arg);
	free(msg);
	child_free(c);
}

/* An output pipe is readable. */
static void
child_fd_cb(int fd, int revents, void *arg)
{
	struct child	*c = arg;
	int		 is_out = fd == c->out_fd;

	(void)revents;
	if (child_drain(c, fd, is_out ? &c->out : &c->err)) {
		if (is_out)
			child_close_out(&c->out_w, &c->out_fd);
		else
			child_close_out(&c->err_w, &c->err_fd);
	}
	if ((c->flags & CHILD_KILL_OVER) && c->out.cut && !c->killed_over) {
		c->killed_over = 1;
		child_kill(c);
	}
}

/* The child exited. */
static void
child_reap_cb(pid_t pid, int status, void *arg)
{
	struct child	*c = arg;

	(void)pid;
	c->reap = NULL;
	child_finish(c, c->killed_over ? CHILD_OVER_CAP :
	    WIFSIGNALED(status) ? CHILD_SIGNALLED : CHILD_EXITED, status);
}

/* The timeout passed: kill the group and end the run. */
static int64_t
child_timeout_cb(void *arg)
{
	struct child	*c = arg;

	c->timer = NULL;
	child_kill(c);
	child_finish(c, CHILD_TIMED_OUT, -1);
	return -1;
}

/* The program was not found: say so from the loop. */
static int64_t
child_noexec_cb(void *arg)
{
	struct child	*c = arg;

	c->timer = NULL;
	child_finish(c, CHILD_NO_EXEC, 127 << 8);
	return -1;
}

/*
 * A run's state, made in the parent only after fork(): a forked child
 * that fails to exec then holds nothing it would leak.
 */
static struct child *
child_new(struct loop *loop, const struct child_spec *spec,
    child_done_cb cb, void *arg, int64_t start_ms)
{
	struct child	*c;

	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->cb = cb;
	c->arg = arg;
	c->flags = spec->flags;
	c->name = xstrdup(spec->path != NULL ? spec->path : spec->argv[0]);
	c->pid = -1;
	c->out_fd = c->err_fd = c->exec_fd = -1;
	c->out.max = spec->out_max;
	c->err.max = (spec->flags & CHILD_MERGE_STDERR) ? 0 : spec->err_max;
	c->start_ms = start_ms;
	return c;
}

/* Start spec on the loop; NULL and *cause if no process could start. */
struct child *
child_start(struct loop *loop, const struct child_spec *spec,
    child_done_cb cb, void *arg, char **cause)
{
	static char	*const empty[] = { NULL };
	struct child	*c;
	const char	*given;
	char		*path, *name, exe[PATH_MAX];
	char *const	*envp;
	int		 outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int		 execp[2] = { -1, -1 }, maxfd, merge, errnum = 0;
	pid_t		 pid;
	int64_t		 start_ms;

	if (spec->argv == NULL || spec->argv[0] == NULL) {
		*cause = xstrdup("nothing to run: the command has no program "
		    "name");
		return NULL;
	}
	given = spec->path != NULL ? spec->path : spec->argv[0];
	merge = spec->flags & CHILD_MERGE_STDERR;

	start_ms = util_mono_ms();
	/* The path lives on the stack: the child must not hold heap. */
	if ((path = child_lookup(given)) == NULL)
		errnum = ENOENT;
	else {
		if (strlen(path) < sizeof exe)
			memcpy(exe, path, strlen(path) + 1);
		else
			errnum = ENAMETOOLONG;
		free(path);
	}
	if (errnum != 0) {
		c = child_new(loop, spec, cb, arg, start_ms);
		c->errnum = errnum;
		if ((c->timer = loop_timer_add(loop, 0, child_noexec_cb,
		    c)) == NULL) {
			*cause = xasprintf("cannot watch a child process: %s",
			    strerror(errno));
			child_free(c);
			return NULL;
		}
		return c;
	}

	if (pipe(outp) != 0 || (!merge && pipe(errp) != 0) ||
	    pipe(execp) != 0) {
		name = sanitize_terminal(given, 0);
		*cause = xasprintf("cannot start %s: pipe: %s", name,
		    strerror(errno));
		free(name);
		goto fail;
	}
	child_fd_flags(outp[0], 1);
	child_fd_flags(outp[1], 0);
	if (!merge) {
		child_fd_flags(errp[0], 1);
		child_fd_flags(errp[1], 0);
	}
	child_fd_flags(execp[0], 1);
	child_fd_flags(execp[1], 0);
	maxfd = (int)sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	envp = spec->envp != NULL ? child_vector(spec->envp) : empty;

	if ((pid = fork()) == -1) {
		name = sanitize_terminal(given, 0);
		*cause = xasprintf("cannot start %s: fork: %s", name,
		    strerror(errno));
		free(name);
		goto fail;
	}
	if (pid == 0)
		child_exec(exe, child_vector(spec->argv), envp, outp[1],
		    merge ? outp[1] : errp[1], execp[1], maxfd);
	setpgid(pid, pid);
	close(outp[1]);
	close(execp[1]);
	if (!merge)
		close(errp[1]);
	c = child_new(loop, spec, cb, arg, start_ms);
	c->pid = pid;
	c->out_fd = outp[0];
	c->err_fd = merge ? -1 : errp[0];
	c->exec_fd = execp[0];

	c->reap = loop_child_add(loop, pid, child_reap_cb, c);
	c->out_w = loop_fd_add(loop, c->out_fd, LOOP_READ, child_fd_cb, c);
	if (!merge)
		c->err_w = loop_fd_add(loop, c->err_fd, LOOP_READ,
		    child_fd_cb, c);
	if (spec->timeout_ms > 0)
		c->timer = loop_timer_add(loop, spec->timeout_ms,
		    child_timeout_cb, c);
	if (c->reap == NULL || c->out_w == NULL ||
	    (!merge && c->err_w == NULL) ||
	    (spec->timeout_ms > 0 && c->timer == NULL)) {
		*cause = xasprintf("cannot watch a child process: %s",
		    strerror(errno));
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		if (c->reap == NULL)
			waitpid(pid, NULL, 0);	/* killed: at once */
		child_free(c);
		return NULL;
	}
	return c;

fail:
	child_close_pipe(outp);
	child_close_pipe(errp);
	child_close_pipe(execp);
	return NULL;
}

/* Kill the group and forget the run, without calling back. */
void
child_cancel(struct child *c)
{
	if (c == NULL || c->delivering)
		return;
	child_kill(c);
	child_free(c);
}

/* The child's pid, which is also its process group; -1 if none. */
int
child_pid(const struct child *c)
{
	return c->pid;
}
