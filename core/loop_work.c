/*
 * loop_work.c: work the loop hands to a thread, and hears back about.
 *
 * Some work in a source's round is pure computation on data nobody else
 * touches: parsing an Alertmanager answer of 5,000 alerts takes tens of
 * milliseconds, and on the loop thread a key pressed then would wait for
 * it.  loop_work_submit() queues such work for the loop's one worker
 * thread (started at the first job) and calls the job's done callback
 * from the loop when it is over, as any other event: a byte on a pipe the
 * loop watches says a job finished.  Jobs run one at a time, in order.
 *
 * The rule for the caller: from submit until done is called (or cancel
 * returns) the job's data belongs to the worker; the loop thread leaves
 * it alone.  loop_work_cancel() keeps that rule where the loop must take
 * the data back early (a round past its deadline, a source freed): a job
 * not started is dropped, one running is waited for.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/loop_work.h"
#include "base/util.h"
#include "base/xmalloc.h"

enum loop_work_state {
	LOOP_WORK_QUEUED,
	LOOP_WORK_RUNNING,
	LOOP_WORK_FINISHED	/* in the finished list, done not called */
};

struct loop_work {
	loop_work_cb		 work;
	loop_work_cb		 done;
	void			*arg;
	enum loop_work_state	 state;
	struct loop_work	*next;
};

struct loop_workers {
	struct loop		*loop;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;		/* a job queued, or one over */
	struct loop_work	*queue, *queue_tail;
	struct loop_work	*finished, *finished_tail;
	int			 stop;
	int			 pipe[2];	/* worker -> loop */
	struct loop_fd		*watch;
};

/* Append w to the list (head, tail). */
static void
loop_work_append(struct loop_work **head, struct loop_work **tail,
    struct loop_work *w)
{
	w->next = NULL;
	if (*tail != NULL)
		(*tail)->next = w;
	else
		*head = w;
	*tail = w;
}

/* Take w out of the list (head, tail); 0 if it was there, -1 if not. */
static int
loop_work_unlink(struct loop_work **head, struct loop_work **tail,
    struct loop_work *w)
{
	struct loop_work	*p = NULL, *x;

	for (x = *head; x != NULL; p = x, x = x->next) {
		if (x != w)
			continue;
		if (p != NULL)
			p->next = x->next;
		else
			*head = x->next;
		if (*tail == x)
			*tail = p;
		return 0;
	}
	return -1;
}

/* The worker thread: run queued jobs until told to stop. */
static void *
loop_work_main(void *arg)
{
	struct loop_workers	*ws = arg;
	struct loop_work	*w;
	ssize_t			 n;

	util_thread_background();
	pthread_mutex_lock(&ws->mu);
	for (;;) {
		while (ws->queue == NULL && !ws->stop)
			pthread_cond_wait(&ws->cv, &ws->mu);
		if (ws->stop)
			break;
		w = ws->queue;
		ws->queue = w->next;
		if (ws->queue == NULL)
			ws->queue_tail = NULL;
		w->state = LOOP_WORK_RUNNING;
		pthread_mutex_unlock(&ws->mu);
		w->work(w->arg);
		pthread_mutex_lock(&ws->mu);
		w->state = LOOP_WORK_FINISHED;
		loop_work_append(&ws->finished, &ws->finished_tail, w);
		pthread_cond_broadcast(&ws->cv);
		/* A full pipe already says "look": no byte is lost. */
		do
			n = write(ws->pipe[1], "w", 1);
		while (n < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&ws->mu);
	return NULL;
}

/* The pipe is readable: call done for every finished job, in order. */
static void
loop_work_ready(int fd, int revents, void *arg)
{
	struct loop_workers	*ws = arg;
	struct loop_work	*w;
	char			 drain[64];

	(void)revents;
	while (read(fd, drain, sizeof drain) > 0)
		;
	for (;;) {
		pthread_mutex_lock(&ws->mu);
		w = ws->finished;
		if (w != NULL) {
			ws->finished = w->next;
			if (ws->finished == NULL)
				ws->finished_tail = NULL;
		}
		pthread_mutex_unlock(&ws->mu);
		if (w == NULL)
			break;
		/* done may submit or cancel other jobs: w is ours now. */
		if (w->done != NULL)
			w->done(w->arg);
		free(w);
	}
}

/* The loop's workers, started now if they are not; NULL on failure. */
static struct loop_workers *
loop_work_start(struct loop *loop)
{
	struct loop_workers	*ws = loop_workers(loop);
	int			 i;

	if (ws != NULL)
		return ws;
	ws = xcalloc(1, sizeof *ws);
	ws->loop = loop;
	if (pipe(ws->pipe) != 0) {
		free(ws);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		fcntl(ws->pipe[i], F_SETFL, fcntl(ws->pipe[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(ws->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&ws->mu, NULL);
	pthread_cond_init(&ws->cv, NULL);
	ws->watch = loop_fd_add(loop, ws->pipe[0], LOOP_READ,
	    loop_work_ready, ws);
	if (ws->watch == NULL ||
	    pthread_create(&ws->thread, NULL, loop_work_main, ws) != 0) {
		if (ws->watch != NULL)
			loop_fd_del(ws->watch);
		close(ws->pipe[0]);
		close(ws->pipe[1]);
		pthread_mutex_destroy(&ws->mu);
		pthread_cond_destroy(&ws->cv);
		free(ws);
		return NULL;
	}
	loop_set_workers(loop, ws);
	return ws;
}

/* Queue work(arg) for the worker; see loop_work.h. */
struct loop_work *
loop_work_submit(struct loop *loop, loop_work_cb work, loop_work_cb done,
    void *arg)
{
	struct loop_workers	*ws;
	struct loop_work	*w;

	if ((ws = loop_work_start(loop)) == NULL)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->work = work;
	w->done = done;
	w->arg = arg;
	w->state = LOOP_WORK_QUEUED;
	pthread_mutex_lock(&ws->mu);
	loop_work_append(&ws->queue, &ws->queue_tail, w);
	pthread_cond_broadcast(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
	return w;
}

/* Take a job back; see loop_work.h. */
void
loop_work_cancel(struct loop *loop, struct loop_work *w)
{
	struct loop_workers	*ws = loop_workers(loop);

	if (ws == NULL || w == NULL)
		return;
	pthread_mutex_lock(&ws->mu);
	if (w->state == LOOP_WORK_QUEUED)
		loop_work_unlink(&ws->queue, &ws->queue_tail, w);
	else {
		while (w->state == LOOP_WORK_RUNNING)
			pthread_cond_wait(&ws->cv, &ws->mu);
		loop_work_unlink(&ws->finished, &ws->finished_tail, w);
	}
	pthread_mutex_unlock(&ws->mu);
	free(w);
}

/* Stop the worker and drop every job without its done; see loop_free(). */
void
loop_work_free(struct loop_workers *ws)
{
	struct loop_work	*w;

	if (ws == NULL)
		return;
	pthread_mutex_lock(&ws->mu);
	ws->stop = 1;
	pthread_cond_broadcast(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
	pthread_join(ws->thread, NULL);
	while ((w = ws->queue) != NULL) {
		ws->queue = w->next;
		free(w);
	}
	while ((w = ws->finished) != NULL) {
		ws->finished = w->next;
		free(w);
	}
	close(ws->pipe[0]);
	close(ws->pipe[1]);
	pthread_mutex_destroy(&ws->mu);
	pthread_cond_destroy(&ws->cv);
	free(ws);
}
