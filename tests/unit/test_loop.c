/*
 * test_loop.c: unit tests for the event loop: timer order and rescheduling,
 * fd watchers on pipes, the before_sleep hook, signals through the
 * self-pipe, child reaping, and removal of anything from inside callbacks.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>
#include <time.h>

#include "core/loop.h"
#include "core/loop_work.h"
#include "base/util.h"

#define HARNESS_MAIN
#include "tests/unit/harness.h"

/* ------------------------------------------------------------------------ */
/* Timers. */

struct order {
	int	 seen[16];
	int	 n;
};

struct tag {
	struct order	*order;
	int		 id;
};

/* Record the timer's id; one-shot. */
static int64_t
record_timer(void *arg)
{
	struct tag	*t = arg;

	if (t->order->n < 16)
		t->order->seen[t->order->n++] = t->id;
	return -1;
}

/* Run the loop until *flag reaches want or max_ms passes. */
static void
run_until(struct loop *loop, const int *flag, int want, int64_t max_ms)
{
	int64_t	end = util_mono_ms() + max_ms;

	while (*flag < want && util_mono_ms() < end)
		loop_run_once(loop, 50);
}

/* Due timers run in order of due time, ties in order of creation. */
static void
test_timer_order(void)
{
	struct loop	*loop = loop_new();
	struct order	 o = { { 0 }, 0 };
	struct tag	 a = { &o, 1 }, b = { &o, 2 }, c = { &o, 3 },
			 d = { &o, 4 };

	/*
	 * Wide gaps: under valgrind on a loaded machine adding a timer can
	 * take milliseconds, which must not reorder the due times.
	 */
	loop_timer_add(loop, 300, record_timer, &a);
	loop_timer_add(loop, 100, record_timer, &b);
	loop_timer_add(loop, 200, record_timer, &c);
	loop_timer_add(loop, 200, record_timer, &d);
	usleep(400000);		/* all due by the first pass */
	loop_run_once(loop, 0);
	CHECK_INT(o.n, 4);
	CHECK_INT(o.seen[0], 2);
	CHECK_INT(o.seen[1], 3);
	CHECK_INT(o.seen[2], 4);
	CHECK_INT(o.seen[3], 1);
	/* One-shot timers are gone: nothing more happens. */
	CHECK_INT(loop_run_once(loop, 20), 0);
	CHECK_INT(o.n, 4);
	loop_free(loop);
}

struct repeat {
	int	 count;
	int	 stop_at;
	int64_t	 interval;
	int64_t	 times[8];
};

/* Fire stop_at times at the given interval. */
static int64_t
repeat_timer(void *arg)
{
	struct repeat	*r = arg;

	if (r->count < 8)
		r->times[r->count] = util_mono_ms();
	if (++r->count >= r->stop_at)
		return -1;
	return r->interval;
}

/* A timer's return value reschedules it; -1 stops it. */
static void
test_timer_reschedule(void)
{
	struct loop	*loop = loop_new();
	struct repeat	 r = { 0, 4, 20, { 0 } };
	struct repeat	 zero = { 0, 3, 0, { 0 } };
	int64_t		 start = util_mono_ms();
	int		 i;

	loop_timer_add(loop, 0, repeat_timer, &r);
	run_until(loop, &r.count, 4, 2000);
	CHECK_INT(r.count, 4);
	for (i = 1; i < 4; i++)
		CHECK(r.times[i] - r.times[i - 1] >= 19);
	CHECK(util_mono_ms() - start >= 59);
	loop_run_once(loop, 50);
	CHECK_INT(r.count, 4);

	/* An interval of 0 runs once per iteration, not forever. */
	loop_timer_add(loop, 0, repeat_timer, &zero);
	loop_run_once(loop, 0);
	CHECK_INT(zero.count, 1);
	loop_run_once(loop, 0);
	CHECK_INT(zero.count, 2);
	loop_free(loop);
}

struct victim {
	struct loop_timer	*other;
	int			 fired;
	struct loop_timer	*self;
};

/* Delete another timer. */
static int64_t
killer_timer(void *arg)
{
	struct victim	*v = arg;

	loop_timer_del(v->other);
	v->fired++;
	return -1;
}

/* Count firings. */
static int64_t
count_timer(void *arg)
{
	int	*n = arg;

	(*n)++;
	return 1;
}

/* Delete itself but ask to be rescheduled: deletion wins. */
static int64_t
self_del_timer(void *arg)
{
	struct victim	*v = arg;

	v->fired++;
	loop_timer_del(v->self);
	return 5;
}

/* Timers deleted from inside callbacks do not run again. */
static void
test_timer_delete_inside(void)
{
	struct loop	*loop = loop_new();
	struct victim	 v = { NULL, 0, NULL }, s = { NULL, 0, NULL };
	int		 n = 0;

	loop_timer_add(loop, 0, killer_timer, &v);
	v.other = loop_timer_add(loop, 0, count_timer, &n);
	s.self = loop_timer_add(loop, 0, self_del_timer, &s);
	usleep(2000);
	loop_run_once(loop, 0);
	loop_run_once(loop, 20);
	loop_run_once(loop, 20);
	CHECK_INT(v.fired, 1);
	CHECK_INT(n, 0);
	CHECK_INT(s.fired, 1);
	loop_free(loop);
}

/* ------------------------------------------------------------------------ */
/* File descriptors and before_sleep. */

struct reader {
	int		 calls;
	int		 revents;
	char		 got[16];
	size_t		 len;
	struct loop_fd	*kill;
	struct loop_fd	*self;
};

/* Read what is there and record the events. */
static void
read_fd(int fd, int revents, void *arg)
{
	struct reader	*r = arg;
	ssize_t		 n;

	r->calls++;
	r->revents = revents;
	if (revents & LOOP_READ) {
		n = read(fd, r->got + r->len, sizeof r->got - 1 - r->len);
		if (n > 0)
			r->len += (size_t)n;
	}
	if (r->kill != NULL)
		loop_fd_del(r->kill);
	if (r->self != NULL)
		loop_fd_del(r->self);
}

/* Watchers on a pipe see data, writability and end of file. */
static void
test_fd_pipe(void)
{
	struct loop	*loop = loop_new();
	struct reader	 r, w;
	struct loop_fd	*rw, *ww;
	int		 p[2];
	ssize_t		 n;

	memset(&r, 0, sizeof r);
	memset(&w, 0, sizeof w);
	CHECK(pipe(p) == 0);
	rw = loop_fd_add(loop, p[0], LOOP_READ, read_fd, &r);
	CHECK_INT(loop_run_once(loop, 20), 0);
	CHECK_INT(r.calls, 0);

	n = write(p[1], "hi", 2);
	CHECK_INT(n, 2);
	CHECK_INT(loop_run_once(loop, 1000), 1);
	CHECK_INT(r.calls, 1);
	CHECK(r.revents & LOOP_READ);
	CHECK_STR(r.got, "hi");

	/* Paused: data waits. */
	loop_fd_set_events(rw, 0);
	n = write(p[1], "!", 1);
	CHECK_INT(loop_run_once(loop, 20), 0);
	CHECK_INT(r.calls, 1);
	loop_fd_set_events(rw, LOOP_READ);
	loop_run_once(loop, 1000);
	CHECK_INT(r.calls, 2);
	CHECK_STR(r.got, "hi!");

	/* The write end of an empty pipe is writable at once. */
	ww = loop_fd_add(loop, p[1], LOOP_WRITE, read_fd, &w);
	loop_run_once(loop, 1000);
	CHECK_INT(w.calls, 1);
	CHECK_INT(w.revents, LOOP_WRITE);
	loop_fd_del(ww);

	/* End of file arrives as LOOP_READ. */
	close(p[1]);
	loop_run_once(loop, 1000);
	CHECK_INT(r.calls, 3);
	CHECK(r.revents & LOOP_READ);
	loop_fd_del(rw);
	loop_run_once(loop, 0);
	CHECK_INT(r.calls, 3);
	close(p[0]);
	loop_free(loop);
}

/* A watcher deleted by an earlier callback is not called. */
static void
test_fd_delete_inside(void)
{
	struct loop	*loop = loop_new();
	struct reader	 a, b;
	int		 p[2], q[2];

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	CHECK_INT(write(p[1], "a", 1), 1);
	CHECK_INT(write(q[1], "b", 1), 1);
	a.self = loop_fd_add(loop, p[0], LOOP_READ, read_fd, &a);
	a.kill = loop_fd_add(loop, q[0], LOOP_READ, read_fd, &b);
	loop_run_once(loop, 1000);
	CHECK_INT(a.calls, 1);
	CHECK_INT(b.calls, 0);
	/* Both are gone now although both pipes still hold data. */
	CHECK_INT(write(p[1], "a", 1), 1);
	CHECK_INT(loop_run_once(loop, 20), 0);
	CHECK_INT(a.calls, 1);
	CHECK_INT(b.calls, 0);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	loop_free(loop);
}

/* Count before_sleep calls. */
static void
count_hook(void *arg)
{
	(*(int *)arg)++;
}

/* The before_sleep hook runs once before every wait. */
static void
test_before_sleep(void)
{
	struct loop	*loop = loop_new();
	int		 n = 0;
	int64_t		 t0;

	loop_set_before_sleep(loop, count_hook, &n);
	t0 = util_mono_ms();
	loop_run_once(loop, 30);
	CHECK(util_mono_ms() - t0 >= 29);
	loop_run_once(loop, 0);
	loop_run_once(loop, 0);
	CHECK_INT(n, 3);
	loop_set_before_sleep(loop, NULL, NULL);
	loop_run_once(loop, 0);
	CHECK_INT(n, 3);
	CHECK(loop_now_ms(loop) <= util_mono_ms());
	CHECK(loop_now_ms(loop) >= t0);
	loop_free(loop);
}

/* Stop after three firings. */
static int64_t
stop_timer(void *arg)
{
	struct loop	*loop = arg;
	static int	 n;

	if (++n == 3)
		loop_stop(loop);
	return 5;
}

/* loop_run() returns after loop_stop(). */
static void
test_run_stop(void)
{
	struct loop	*loop = loop_new();
	int64_t		 t0 = util_mono_ms();

	loop_timer_add(loop, 5, stop_timer, loop);
	loop_run(loop);
	CHECK(util_mono_ms() - t0 >= 14);
	CHECK(util_mono_ms() - t0 < 2000);
	loop_free(loop);
}

/* ------------------------------------------------------------------------ */
/* Signals and children. */

struct sigrec {
	int	 n;
	int	 signo;
};

/* Record a signal. */
static void
record_signal(int signo, void *arg)
{
	struct sigrec	*s = arg;

	s->n++;
	s->signo = signo;
}

/* A raised signal arrives as a loop callback, for each registration. */
static void
test_signal(void)
{
	struct loop		*loop = loop_new(), *other;
	struct sigrec		 a = { 0, 0 }, b = { 0, 0 };
	struct loop_signal	*sb;
	struct sigaction	 sa;

	CHECK(loop_signal_add(loop, SIGUSR1, record_signal, &a) != NULL);
	sb = loop_signal_add(loop, SIGUSR1, record_signal, &b);
	CHECK(sb != NULL);
	raise(SIGUSR1);
	CHECK_INT(a.n, 0);	/* not from inside the handler */
	run_until(loop, &a.n, 1, 2000);
	CHECK_INT(a.n, 1);
	CHECK_INT(a.signo, SIGUSR1);
	CHECK_INT(b.n, 1);

	loop_signal_del(sb);
	raise(SIGUSR1);
	raise(SIGUSR1);		/* may coalesce: at least one delivery */
	run_until(loop, &a.n, 2, 2000);
	CHECK(a.n >= 2);
	CHECK_INT(b.n, 1);

	/* Only one loop owns the process's signals. */
	other = loop_new();
	errno = 0;
	CHECK(loop_signal_add(other, SIGUSR2, record_signal, &a) == NULL);
	CHECK_INT(errno, EBUSY);
	loop_free(other);

	/* Freeing the loop restores the old disposition. */
	loop_free(loop);
	CHECK(sigaction(SIGUSR1, NULL, &sa) == 0);
	CHECK(sa.sa_handler == SIG_DFL);

	/*
	 * ... but only of what is still the loop's: a signal the program
	 * set aside since stays so (a feeder ending on SIGTERM ignores the
	 * rest of it; a late second SIGTERM must not kill it in its
	 * cleanup).
	 */
	loop = loop_new();
	CHECK(loop_signal_add(loop, SIGUSR1, record_signal, &a) != NULL);
	CHECK(loop_signal_add(loop, SIGUSR2, record_signal, &a) != NULL);
	signal(SIGUSR2, SIG_IGN);
	loop_free(loop);
	CHECK(sigaction(SIGUSR1, NULL, &sa) == 0);
	CHECK(sa.sa_handler == SIG_DFL);
	CHECK(sigaction(SIGUSR2, NULL, &sa) == 0);
	CHECK(sa.sa_handler == SIG_IGN);
	signal(SIGUSR2, SIG_DFL);
}

struct childrec {
	int	 n;
	pid_t	 pid;
	int	 status;
};

/* Record an exited child. */
static void
record_child(pid_t pid, int status, void *arg)
{
	struct childrec	*c = arg;

	c->n++;
	c->pid = pid;
	c->status = status;
}

/* Children are reaped without blocking, also if they died early. */
static void
test_child(void)
{
	struct loop	*loop = loop_new();
	struct childrec	 a = { 0, 0, 0 }, b = { 0, 0, 0 }, c = { 0, 0, 0 };
	pid_t		 pa, pb, pc;
	int64_t		 t0;

	/* Exits after a moment: SIGCHLD wakes the loop. */
	if ((pa = fork()) == 0) {
		usleep(100000);
		_exit(7);
	}
	CHECK(pa > 0);
	CHECK(loop_child_add(loop, pa, record_child, &a) != NULL);
	t0 = util_mono_ms();
	CHECK_INT(loop_run_once(loop, 0), 0);	/* not waited for */
	CHECK(util_mono_ms() - t0 < 50);
	CHECK_INT(a.n, 0);
	run_until(loop, &a.n, 1, 5000);
	CHECK_INT(a.n, 1);
	CHECK_INT(a.pid, pa);
	CHECK(WIFEXITED(a.status) && WEXITSTATUS(a.status) == 7);

	/* Already a zombie when registered. */
	if ((pb = fork()) == 0)
		_exit(3);
	CHECK(pb > 0);
	usleep(100000);
	CHECK(loop_child_add(loop, pb, record_child, &b) != NULL);
	run_until(loop, &b.n, 1, 5000);
	CHECK_INT(b.n, 1);
	CHECK(WIFEXITED(b.status) && WEXITSTATUS(b.status) == 3);

	/* Forgotten: reaped quietly, no callback. */
	if ((pc = fork()) == 0)
		_exit(0);
	CHECK(pc > 0);
	loop_child_del(loop_child_add(loop, pc, record_child, &c));
	t0 = util_mono_ms();
	while (util_mono_ms() - t0 < 300)
		loop_run_once(loop, 50);
	CHECK_INT(c.n, 0);
	errno = 0;
	CHECK(waitpid(pc, NULL, WNOHANG) == -1 && errno == ECHILD);
	loop_free(loop);
}

/* ------------------------------------------------------------------------ */
/* Work on the worker thread. */

struct job {
	pthread_t	 loop_thread;
	int		 id;
	int		 started;	/* set by work first */
	int		 worked;	/* set by work, on the worker */
	int		 off_loop;	/* work ran on another thread */
	int		*order;		/* done's record, on the loop */
	int		*ndone;
	int		 done_saw_work;
	int		 gate;		/* work waits while set */
	pthread_mutex_t	*mu;
	pthread_cond_t	*cv;
	int		 slow_ms;
};

/* The work: wait for the gate, sleep if asked, mark the job. */
static void
job_work(void *arg)
{
	struct job	*j = arg;
	struct timespec	 ts;

	__atomic_store_n(&j->started, 1, __ATOMIC_SEQ_CST);
	if (j->mu != NULL) {
		pthread_mutex_lock(j->mu);
		while (j->gate)
			pthread_cond_wait(j->cv, j->mu);
		pthread_mutex_unlock(j->mu);
	}
	if (j->slow_ms > 0) {
		ts.tv_sec = 0;
		ts.tv_nsec = (long)j->slow_ms * 1000000L;
		nanosleep(&ts, NULL);
	}
	j->off_loop = !pthread_equal(pthread_self(), j->loop_thread);
	__atomic_store_n(&j->worked, 1, __ATOMIC_SEQ_CST);
}

/* Done, on the loop: record the order and that the work was over. */
static void
job_done(void *arg)
{
	struct job	*j = arg;

	j->done_saw_work = j->worked;
	j->order[(*j->ndone)++] = j->id;
}

/* Run the loop until n jobs are done or 10 s pass. */
static void
run_until_done(struct loop *loop, const int *ndone, int n)
{
	int64_t	end = util_mono_ms() + 10000;

	while (*ndone < n && util_mono_ms() < end)
		loop_run_once(loop, 50);
}

/* Jobs run off the loop, one at a time, and are done on it, in order. */
static void
test_work_order(void)
{
	struct loop	*loop = loop_new();
	struct job	 jobs[40];
	int		 order[40], ndone = 0, i, in_order = 1, all = 1;

	memset(jobs, 0, sizeof jobs);
	for (i = 0; i < 40; i++) {
		jobs[i].loop_thread = pthread_self();
		jobs[i].id = i;
		jobs[i].order = order;
		jobs[i].ndone = &ndone;
		CHECK(loop_work_submit(loop, job_work, job_done, &jobs[i]) !=
		    NULL);
	}
	run_until_done(loop, &ndone, 40);
	CHECK_INT(ndone, 40);
	for (i = 0; i < ndone; i++) {
		in_order &= order[i] == i;
		all &= jobs[i].off_loop && jobs[i].done_saw_work;
	}
	CHECK(in_order);
	CHECK(all);
	loop_free(loop);
}

/*
 * Cancel: a queued job never runs; a running one is waited for and its
 * done is never called; a job over but not yet delivered is forgotten.
 */
static void
test_work_cancel(void)
{
	pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t	 cv = PTHREAD_COND_INITIALIZER;
	struct loop	*loop = loop_new();
	struct job	 a, b, c;
	struct loop_work *wa, *wb, *wc;
	int		 order[4], ndone = 0;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&c, 0, sizeof c);
	a.loop_thread = b.loop_thread = c.loop_thread = pthread_self();
	a.order = b.order = c.order = order;
	a.ndone = b.ndone = c.ndone = &ndone;
	a.id = 1;
	b.id = 2;
	c.id = 3;
	a.mu = &mu;
	a.cv = &cv;
	a.gate = 1;
	a.slow_ms = 30;
	wa = loop_work_submit(loop, job_work, job_done, &a);
	wb = loop_work_submit(loop, job_work, job_done, &b);
	CHECK(wa != NULL && wb != NULL);
	while (!__atomic_load_n(&a.started, __ATOMIC_SEQ_CST))
		usleep(1000);
	loop_work_cancel(loop, wb);		/* queued behind a */
	pthread_mutex_lock(&mu);
	a.gate = 0;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	loop_work_cancel(loop, wa);		/* running (or over) */
	CHECK_INT(a.worked, 1);			/* waited for */
	CHECK_INT(b.worked, 0);			/* never ran */
	wc = loop_work_submit(loop, job_work, job_done, &c);
	run_until_done(loop, &ndone, 1);
	CHECK_INT(ndone, 1);
	CHECK_INT(order[0], 3);			/* a's and b's done: never */
	(void)wc;

	/* Over but not delivered: the loop has not run since. */
	memset(&c, 0, sizeof c);
	c.loop_thread = pthread_self();
	c.order = order;
	c.ndone = &ndone;
	c.id = 4;
	wc = loop_work_submit(loop, job_work, job_done, &c);
	while (!__atomic_load_n(&c.worked, __ATOMIC_SEQ_CST))
		usleep(1000);
	loop_work_cancel(loop, wc);
	loop_run_once(loop, 20);
	CHECK_INT(ndone, 1);

	/* Freeing the loop drops a queued job without its done. */
	memset(&a, 0, sizeof a);
	a.loop_thread = pthread_self();
	a.order = order;
	a.ndone = &ndone;
	a.mu = &mu;
	a.cv = &cv;
	a.gate = 1;
	CHECK(loop_work_submit(loop, job_work, job_done, &a) != NULL);
	CHECK(loop_work_submit(loop, job_work, job_done, &b) != NULL);
	pthread_mutex_lock(&mu);
	a.gate = 0;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	loop_free(loop);
	CHECK_INT(ndone, 1);
}

static const struct test tests[] = {
	TEST(test_timer_order),
	TEST(test_timer_reschedule),
	TEST(test_timer_delete_inside),
	TEST(test_fd_pipe),
	TEST(test_fd_delete_inside),
	TEST(test_before_sleep),
	TEST(test_run_stop),
	TEST(test_signal),
	TEST(test_child),
	TEST(test_work_order),
	TEST(test_work_cancel),
	{ NULL, NULL }
};

/* Run every loop test. */
int
main(void)
{
	return harness_run(tests);
}
