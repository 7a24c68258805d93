/*
 * loop.c: sitrep's single-threaded event loop over poll(2).
 *
 * One iteration: call the before_sleep hook, work out how long to sleep
 * (until the next timer, at most the caller's limit), poll every live fd
 * watcher, dispatch the ready ones, then the due timers, then sweep away
 * whatever was removed meanwhile.  Removal only marks an object dead, so a
 * callback may delete anything (itself included) without pulling the floor
 * from under the dispatch loop.
 *
 * Signals use the self-pipe trick: the handler records the signal in a
 * sig_atomic_t flag and writes one byte to a non-blocking pipe; the pipe's
 * read end is an ordinary fd watcher that drains it and runs the callbacks
 * from the loop, where anything may be done.  SIGCHLD additionally reaps the
 * registered children with waitpid(WNOHANG).  Signal state is per process, so
 * only one loop may own it.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/loop_work.h"
#include "base/util.h"
#include "base/xmalloc.h"

struct loop_fd {
	struct loop		*loop;
	int			 fd;
	int			 events;
	loop_fd_cb		 cb;
	void			*arg;
	int			 dead;
	TAILQ_ENTRY(loop_fd)	 entry;
};

struct loop_timer {
	struct loop		*loop;
	int64_t			 when;
	uint64_t		 seq;
	uint64_t		 pass;		/* last pass it ran in */
	loop_timer_cb		 cb;
	void			*arg;
	int			 dead;
	TAILQ_ENTRY(loop_timer)	 entry;
};

struct loop_signal {
	struct loop		*loop;
	int			 signo;
	loop_signal_cb		 cb;
	void			*arg;
	int			 dead;
	TAILQ_ENTRY(loop_signal) entry;
};

struct loop_child {
	struct loop		*loop;
	pid_t			 pid;
	loop_child_cb		 cb;		/* NULL once deleted */
	void			*arg;
	int			 dead;		/* reaped */
	TAILQ_ENTRY(loop_child)	 entry;
};

struct loop {
	TAILQ_HEAD(, loop_fd)	 fds;
	TAILQ_HEAD(, loop_timer) timers;
	TAILQ_HEAD(, loop_signal) signals;
	TAILQ_HEAD(, loop_child) children;

	int64_t			 now;
	uint64_t		 timer_seq;
	uint64_t		 pass;
	int			 stop;
	int			 check_children;
	int			 garbage;

	void			(*before_sleep)(void *);
	void			*before_sleep_arg;

	struct pollfd		*pfds;
	struct loop_fd		**pfd_owner;
	size_t			 npfds_alloc;

	struct loop_fd		*sig_watch;	/* read end of the self-pipe */
	struct loop_workers	*workers;	/* see loop_work.c */
	struct sigaction	 sig_saved[NSIG];
	unsigned char		 sig_installed[NSIG];
};

/* Process-wide signal state shared with the async-signal-safe handler. */
static volatile sig_atomic_t	 loop_sig_pending[NSIG];
static int			 loop_sig_pipe[2] = { -1, -1 };
static struct loop		*loop_sig_owner;

static void	loop_signal_handler(int);
static void	loop_signal_read(int, int, void *);
static int	loop_signal_install(struct loop *, int);
static void	loop_reap(struct loop *);

/* Create a loop. */
struct loop *
loop_new(void)
{
	struct loop	*loop;

	loop = xcalloc(1, sizeof *loop);
	TAILQ_INIT(&loop->fds);
	TAILQ_INIT(&loop->timers);
	TAILQ_INIT(&loop->signals);
	TAILQ_INIT(&loop->children);
	loop->now = util_mono_ms();
	return loop;
}

/* Free a loop and everything still registered with it. */
void
loop_free(struct loop *loop)
{
	struct loop_fd		*lfd;
	struct loop_timer	*t;
	struct loop_signal	*s;
	struct loop_child	*c;
	struct sigaction	 cur;
	int			 signo;

	if (loop == NULL)
		return;
	loop_work_free(loop->workers);
	if (loop_sig_owner == loop) {
		/*
		 * Give back only what is still the loop's: a program that
		 * set a signal aside since (a feeder ending on SIGTERM
		 * ignores the rest of it) keeps its choice.
		 */
		for (signo = 1; signo < NSIG; signo++) {
			if (loop->sig_installed[signo] &&
			    sigaction(signo, NULL, &cur) == 0 &&
			    cur.sa_handler == loop_signal_handler)
				sigaction(signo, &loop->sig_saved[signo], NULL);
		}
		close(loop_sig_pipe[0]);
		close(loop_sig_pipe[1]);
		loop_sig_pipe[0] = loop_sig_pipe[1] = -1;
		loop_sig_owner = NULL;
	}
	while ((lfd = TAILQ_FIRST(&loop->fds)) != NULL) {
		TAILQ_REMOVE(&loop->fds, lfd, entry);
		free(lfd);
	}
	while ((t = TAILQ_FIRST(&loop->timers)) != NULL) {
		TAILQ_REMOVE(&loop->timers, t, entry);
		free(t);
	}
	while ((s = TAILQ_FIRST(&loop->signals)) != NULL) {
		TAILQ_REMOVE(&loop->signals, s, entry);
		free(s);
	}
	while ((c = TAILQ_FIRST(&loop->children)) != NULL) {
		TAILQ_REMOVE(&loop->children, c, entry);
		free(c);
	}
	free(loop->pfds);
	free(loop->pfd_owner);
	free(loop);
}

/* The loop's worker thread, or NULL (see loop_work.c). */
struct loop_workers *
loop_workers(struct loop *loop)
{
	return loop->workers;
}

/* Keep the loop's workers, freed by loop_free(). */
void
loop_set_workers(struct loop *loop, struct loop_workers *ws)
{
	loop->workers = ws;
}

/* ------------------------------------------------------------------------ */
/* File descriptors. */

/* Start watching fd. */
struct loop_fd *
loop_fd_add(struct loop *loop, int fd, int events, loop_fd_cb cb, void *arg)
{
	struct loop_fd	*lfd;

	lfd = xcalloc(1, sizeof *lfd);
	lfd->loop = loop;
	lfd->fd = fd;
	lfd->events = events & (LOOP_READ|LOOP_WRITE);
	lfd->cb = cb;
	lfd->arg = arg;
	TAILQ_INSERT_TAIL(&loop->fds, lfd, entry);
	return lfd;
}

/* Change the events a watcher waits for; 0 pauses it. */
void
loop_fd_set_events(struct loop_fd *lfd, int events)
{
	lfd->events = events & (LOOP_READ|LOOP_WRITE);
}

/* Stop watching; freed after the current dispatch. */
void
loop_fd_del(struct loop_fd *lfd)
{
	if (lfd == NULL || lfd->dead)
		return;
	lfd->dead = 1;
	lfd->loop->garbage = 1;
}

/* ------------------------------------------------------------------------ */
/* Timers. */

/* Add a timer due in after_ms. */
struct loop_timer *
loop_timer_add(struct loop *loop, int64_t after_ms, loop_timer_cb cb,
    void *arg)
{
	struct loop_timer	*t;

	if (after_ms < 0)
		after_ms = 0;
	t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->when = util_mono_ms() + after_ms;
	t->seq = ++loop->timer_seq;
	t->cb = cb;
	t->arg = arg;
	TAILQ_INSERT_TAIL(&loop->timers, t, entry);
	return t;
}

/* Cancel a timer; freed after the current dispatch. */
void
loop_timer_del(struct loop_timer *t)
{
	if (t == NULL || t->dead)
		return;
	t->dead = 1;
	t->loop->garbage = 1;
}

/* The earliest live timer not yet run in this pass, or NULL. */
static struct loop_timer *
loop_timer_next(struct loop *loop, uint64_t max_seq)
{
	struct loop_timer	*t, *best = NULL;

	TAILQ_FOREACH(t, &loop->timers, entry) {
		if (t->dead || t->seq > max_seq || t->pass == loop->pass)
			continue;
		if (best == NULL || t->when < best->when ||
		    (t->when == best->when && t->seq < best->seq))
			best = t;
	}
	return best;
}

/* Run every due timer once, in due order; return how many ran. */
static int
loop_timer_run(struct loop *loop)
{
	struct loop_timer	*t;
	uint64_t		 max_seq = loop->timer_seq;
	int64_t			 next;
	int			 n = 0;

	loop->pass++;
	while ((t = loop_timer_next(loop, max_seq)) != NULL) {
		if (t->when > loop->now)
			break;
		t->pass = loop->pass;
		next = t->cb(t->arg);
		n++;
		if (t->dead)
			continue;
		if (next < 0)
			loop_timer_del(t);
		else
			t->when = loop->now + next;
	}
	return n;
}

/* Milliseconds until the next live timer, or -1 if there is none. */
static int64_t
loop_timer_wait(struct loop *loop)
{
	struct loop_timer	*t;
	int64_t			 first = -1;

	TAILQ_FOREACH(t, &loop->timers, entry) {
		if (t->dead)
			continue;
		if (first == -1 || t->when < first)
			first = t->when;
	}
	if (first == -1)
		return -1;
	return first <= loop->now ? 0 : first - loop->now;
}

/* ------------------------------------------------------------------------ */
/* Signals and children. */

/* The signal handler: record and wake the loop; async-signal-safe. */
static void
loop_signal_handler(int signo)
{
	int		 saved = errno;
	unsigned char	 byte = (unsigned char)signo;
	ssize_t		 n;

	if (signo > 0 && signo < NSIG)
		loop_sig_pending[signo] = 1;
	if (loop_sig_pipe[1] != -1)
		n = write(loop_sig_pipe[1], &byte, 1); /* full pipe: still woken */
	(void)n;
	errno = saved;
}

/* Make fd non-blocking and close-on-exec. */
static int
loop_set_flags(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	if ((flags = fcntl(fd, F_GETFD)) == -1 ||
	    fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

/* Take the process's signal state for this loop and install signo. */
static int
loop_signal_install(struct loop *loop, int signo)
{
	struct sigaction	 sa;

	if (signo <= 0 || signo >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	if (loop_sig_owner != NULL && loop_sig_owner != loop) {
		errno = EBUSY;
		return -1;
	}
	if (loop_sig_owner == NULL) {
		if (pipe(loop_sig_pipe) == -1)
			return -1;
		if (loop_set_flags(loop_sig_pipe[0]) == -1 ||
		    loop_set_flags(loop_sig_pipe[1]) == -1) {
			close(loop_sig_pipe[0]);
			close(loop_sig_pipe[1]);
			loop_sig_pipe[0] = loop_sig_pipe[1] = -1;
			return -1;
		}
		loop_sig_owner = loop;
		loop->sig_watch = loop_fd_add(loop, loop_sig_pipe[0],
		    LOOP_READ, loop_signal_read, loop);
	}
	if (loop->sig_installed[signo])
		return 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_signal_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (signo == SIGCHLD)
		sa.sa_flags |= SA_NOCLDSTOP;
	if (sigaction(signo, &sa, &loop->sig_saved[signo]) == -1)
		return -1;
	loop->sig_installed[signo] = 1;
	return 0;
}

/* Drain the self-pipe and dispatch the recorded signals. */
static void
loop_signal_read(int fd, int revents, void *arg)
{
	struct loop		*loop = arg;
	struct loop_signal	*s;
	unsigned char		 drain[256];
	int			 signo;

	while (read(fd, drain, sizeof drain) > 0)
		/* nothing */;
	for (signo = 1; signo < NSIG; signo++) {
		if (!loop_sig_pending[signo])
			continue;
		loop_sig_pending[signo] = 0;
		if (signo == SIGCHLD)
			loop_reap(loop);
		TAILQ_FOREACH(s, &loop->signals, entry) {
			if (!s->dead && s->signo == signo)
				s->cb(signo, s->arg);
		}
	}
}

/* Call cb from the loop whenever signo arrives. */
struct loop_signal *
loop_signal_add(struct loop *loop, int signo, loop_signal_cb cb, void *arg)
{
	struct loop_signal	*s;

	if (loop_signal_install(loop, signo) == -1)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->signo = signo;
	s->cb = cb;
	s->arg = arg;
	TAILQ_INSERT_TAIL(&loop->signals, s, entry);
	return s;
}

/* Stop calling a signal callback; the handler itself stays installed. */
void
loop_signal_del(struct loop_signal *s)
{
	if (s == NULL || s->dead)
		return;
	s->dead = 1;
	s->loop->garbage = 1;
}

/* Reap every registered child that has exited, without waiting. */
static void
loop_reap(struct loop *loop)
{
	struct loop_child	*c;
	pid_t			 pid;
	int			 status;

	loop->check_children = 0;
	TAILQ_FOREACH(c, &loop->children, entry) {
		if (c->dead)
			continue;
		do
			pid = waitpid(c->pid, &status, WNOHANG);
		while (pid == -1 && errno == EINTR);
		if (pid == 0)
			continue;
		/* Exited, or not ours any more (ECHILD): either way done. */
		c->dead = 1;
		loop->garbage = 1;
		if (pid == -1)
			status = 0;
		if (c->cb != NULL)
			c->cb(c->pid, status, c->arg);
	}
}

/* Call cb when child pid exits. */
struct loop_child *
loop_child_add(struct loop *loop, pid_t pid, loop_child_cb cb, void *arg)
{
	struct loop_child	*c;

	if (loop_signal_install(loop, SIGCHLD) == -1)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->pid = pid;
	c->cb = cb;
	c->arg = arg;
	TAILQ_INSERT_TAIL(&loop->children, c, entry);
	/* It may have exited before the handler was there: look once. */
	loop->check_children = 1;
	return c;
}

/* Forget the callback; the child is still reaped when it exits. */
void
loop_child_del(struct loop_child *c)
{
	if (c != NULL)
		c->cb = NULL;
}

/* ------------------------------------------------------------------------ */
/* The loop itself. */

/* Set the hook run before every wait. */
void
loop_set_before_sleep(struct loop *loop, void (*cb)(void *), void *arg)
{
	loop->before_sleep = cb;
	loop->before_sleep_arg = arg;
}

/* Free everything marked dead. */
static void
loop_sweep(struct loop *loop)
{
	struct loop_fd		*lfd, *lfd1;
	struct loop_timer	*t, *t1;
	struct loop_signal	*s, *s1;
	struct loop_child	*c, *c1;

	if (!loop->garbage)
		return;
	loop->garbage = 0;
	for (lfd = TAILQ_FIRST(&loop->fds); lfd != NULL; lfd = lfd1) {
		lfd1 = TAILQ_NEXT(lfd, entry);
		if (lfd->dead) {
			TAILQ_REMOVE(&loop->fds, lfd, entry);
			free(lfd);
		}
	}
	for (t = TAILQ_FIRST(&loop->timers); t != NULL; t = t1) {
		t1 = TAILQ_NEXT(t, entry);
		if (t->dead) {
			TAILQ_REMOVE(&loop->timers, t, entry);
			free(t);
		}
	}
	for (s = TAILQ_FIRST(&loop->signals); s != NULL; s = s1) {
		s1 = TAILQ_NEXT(s, entry);
		if (s->dead) {
			TAILQ_REMOVE(&loop->signals, s, entry);
			free(s);
		}
	}
	for (c = TAILQ_FIRST(&loop->children); c != NULL; c = c1) {
		c1 = TAILQ_NEXT(c, entry);
		if (c->dead) {
			TAILQ_REMOVE(&loop->children, c, entry);
			free(c);
		}
	}
}

/* Fill the pollfd array from the live watchers; return its length. */
static size_t
loop_build_pollfds(struct loop *loop)
{
	struct loop_fd	*lfd;
	size_t		 n = 0;

	TAILQ_FOREACH(lfd, &loop->fds, entry) {
		if (lfd->dead || lfd->events == 0)
			continue;
		if (n == loop->npfds_alloc) {
			loop->npfds_alloc = n == 0 ? 16 : n * 2;
			loop->pfds = xreallocarray(loop->pfds,
			    loop->npfds_alloc, sizeof *loop->pfds);
			loop->pfd_owner = xreallocarray(loop->pfd_owner,
			    loop->npfds_alloc, sizeof *loop->pfd_owner);
		}
		loop->pfds[n].fd = lfd->fd;
		loop->pfds[n].events = 0;
		if (lfd->events & LOOP_READ)
			loop->pfds[n].events |= POLLIN;
		if (lfd->events & LOOP_WRITE)
			loop->pfds[n].events |= POLLOUT;
		loop->pfds[n].revents = 0;
		loop->pfd_owner[n] = lfd;
		n++;
	}
	return n;
}

/* Wait for and dispatch one round of events. */
int
loop_run_once(struct loop *loop, int64_t max_wait_ms)
{
	struct loop_fd	*lfd;
	size_t		 n, i;
	int64_t		 wait;
	int		 ready, revents, called = 0, timeout;

	loop->now = util_mono_ms();
	if (loop->before_sleep != NULL)
		loop->before_sleep(loop->before_sleep_arg);

	loop->now = util_mono_ms();
	wait = loop_timer_wait(loop);
	if (max_wait_ms >= 0 && (wait == -1 || wait > max_wait_ms))
		wait = max_wait_ms;
	if (loop->stop || loop->check_children)
		wait = 0;
	timeout = wait > 86400000 ? 86400000 : (int)wait;

	n = loop_build_pollfds(loop);
	ready = poll(loop->pfds, n, timeout);
	if (ready == -1 && errno != EINTR) {
		loop_sweep(loop);
		return -1;
	}
	loop->now = util_mono_ms();

	for (i = 0; ready > 0 && i < n; i++) {
		if (loop->pfds[i].revents == 0)
			continue;
		lfd = loop->pfd_owner[i];
		if (lfd->dead)
			continue;
		revents = 0;
		if (loop->pfds[i].revents & POLLIN)
			revents |= LOOP_READ;
		if (loop->pfds[i].revents & POLLOUT)
			revents |= LOOP_WRITE;
		if (loop->pfds[i].revents & (POLLERR|POLLHUP|POLLNVAL))
			revents |= LOOP_ERROR | lfd->events;
		revents &= lfd->events | LOOP_ERROR;
		lfd->cb(lfd->fd, revents, lfd->arg);
		called++;
	}

	if (loop->check_children)
		loop_reap(loop);
	called += loop_timer_run(loop);
	loop_sweep(loop);
	return called;
}

/* Run until loop_stop(). */
void
loop_run(struct loop *loop)
{
	while (!loop->stop) {
		if (loop_run_once(loop, -1) == -1 && errno != EINTR)
			break;
	}
	loop->stop = 0;
}

/* Make loop_run() return after the current iteration. */
void
loop_stop(struct loop *loop)
{
	loop->stop = 1;
}

/* The cached monotonic time of the current iteration. */
int64_t
loop_now_ms(struct loop *loop)
{
	return loop->now;
}
