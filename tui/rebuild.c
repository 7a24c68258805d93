/*
 * rebuild.c: the console's views, read again from the cache.
 *
 * A rebuild reads the cache into fresh views through a memo
 * (core/views.h), so only the tables a stored round changed are read
 * again, then swaps them in: each panel keeps its selection by key
 * (list_keep), the namespaces for :ns are gathered, and a drill played
 * is judged on the new views.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "backends/backend.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/drill.h"
#include "core/drill_run.h"
#include "core/loop.h"
#include "core/views.h"
#include "core/views_detail.h"
#include "tui/app.h"
#include "tui/tui.h"

/* Order strings bytewise. */
static int
app_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * The namespaces there are, for :ns: those the cache knows from
 * Kubernetes, and those the incidents are grouped by (kept as they were
 * if the cache cannot be read).
 */
static void
app_namespaces(struct app *a, char **v, size_t n)
{
	const char	 *k, *e;
	size_t		  i, j, out;

	if (v == NULL)
		return;
	for (i = 0; i < a->views->nincidents; i++) {
		for (k = a->views->incidents[i].key; (k = strstr(k,
		    "namespace=")) != NULL; k += 10) {
			if (k != a->views->incidents[i].key && k[-1] != ',')
				continue;
			e = k + 10 + strcspn(k + 10, ",");
			if (e > k + 10) {
				v = xreallocarray(v, n + 1, sizeof *v);
				v[n++] = xstrndup(k + 10, (size_t)(e - k - 10));
			}
			break;
		}
	}
	qsort(v, n, sizeof *v, app_strcmp);
	for (i = out = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(v[j], v[i]) == 0; j++)
			free(v[j]);
		v[out++] = v[i];
	}
	views_strings_free(a->namespaces, a->nnamespaces);
	a->namespaces = v;
	a->nnamespaces = out;
}

/*
 * Where the drill's clock stands: the simulator's position on its
 * timeline less where the play opened (ms); -1 without a simulator.
 */
static int64_t
app_drill_clock(struct app *a)
{
	struct source	*s;

	if (a->poller == NULL || a->drill == NULL)
		return -1;
	for (s = poller_first(a->poller); s != NULL; s = poller_next(s))
		if (s->ops != NULL && strcmp(s->ops->kind, "sim") == 0)
			return sim_source_position(s, runtime_now_ms(a->rt)) -
			    a->drill->start_ms;
	return -1;
}

/*
 * A drill played: is it over?  Judged on the views just built (no I/O
 * but, once, reading the drill from the cache's meta and, once, writing
 * drill.mitigated_ms when the end condition first holds).
 */
static void
app_drill_judge(struct app *a)
{
	struct drill_run_meta	 m;
	enum drill_watch_state	 st;
	char			*cause = NULL;
	int64_t			 clock;

	if (a->opts == NULL || a->opts->drill == NULL ||
	    a->opts->scenario == NULL)
		return;
	if (!a->drill_tried) {
		a->drill_tried = 1;
		if (drill_run_meta(a->cache, &m, &cause) == 1 &&
		    m.yaml != NULL)
			a->drill = drill_load_text(m.name, m.yaml,
			    strlen(m.yaml), NULL);
		drill_run_meta_done(&m);
		free(cause);
		cause = NULL;
		if (a->drill != NULL)
			a->drill_watch = drill_watch_new(a->drill);
	}
	if (a->drill_watch == NULL ||
	    drill_watch_state(a->drill_watch) != DRILL_WATCH_PLAYING ||
	    (clock = app_drill_clock(a)) < 0)
		return;
	st = drill_watch_judge(a->drill_watch, a->views, clock);
	if (st == DRILL_WATCH_ENDED && drill_run_mitigated(a->cache,
	    app_now_ms(a), &cause) != 0) {
		app_message(a, "%s", cause);
		free(cause);
	}
}

/*
 * Swap fresh views in (taking v, and ns, the cache's namespaces, or NULL
 * when they could not be read): selections are kept by key, rows
 * recomputed and a drill judged.
 */
static void
app_views_swap(struct app *a, struct views *v, char **ns, size_t nns)
{
	struct views	*old = a->views;
	int		 i;

	for (i = 0; i < APP_NPANELS; i++)
		list_keep(a, i);
	a->views = v;
	app_namespaces(a, ns, nns);
	app_rows_all(a);
	app_drill_judge(a);
	app_rebuild_discard(a, old);
	a->dirty = 1;
}

/* Read the cache into fresh views, here and now; see app.h. */
void
app_rebuild(struct app *a)
{
	struct views	*v;
	char		*cause = NULL, **ns = NULL;
	size_t		 nns = 0;
	int64_t		 t0;

	t0 = util_mono_ms();
	if (a->memo == NULL)
		a->memo = views_memo_new();
	v = views_build_memo(a->memo, a->cache, a->conf, a->ctx,
	    app_now_ms(a), &cause);
	if (v == NULL) {
		app_message(a, "cannot read the cache: %s; showing the last "
		    "views ('sitrep cache info' checks the file)", cause);
		free(cause);
		return;
	}
	if (a->ctx != NULL && (ns = views_namespaces(a->cache, a->ctx->name,
	    &nns, &cause)) == NULL)
		free(cause);
	app_views_swap(a, v, ns, nns);
	a->build_ms = util_mono_ms() - t0;
	a->last_build = loop_now_ms(a->loop);
	a->data_dirty = 0;
}

/* ------------------------------------------------------------------ */
/* The builder thread                                                  */
/* ------------------------------------------------------------------ */

/*
 * One thread builds the views off the loop, on its own read-only
 * connection to the cache (WAL: it reads while the loop stores), through
 * its own memo.  The loop asks (a request: context and time); the thread
 * builds and writes a byte to a pipe the loop watches; the loop swaps the
 * views in between two keys.  Views the loop is done with go back to the
 * thread to be freed.  Only the request and result fields are shared,
 * under the mutex; the configuration is read by both and written by
 * neither.
 */
struct rebuilder {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 fds[2];	/* thread -> loop */
	struct loop_fd		*watch;
	struct cache		*cache;		/* the thread's */
	struct views_memo	*memo;		/* the thread's */
	const struct conf	*conf;
	/* Under lock. */
	int			 quit;
	int			 asked;		/* a request waits */
	int			 busy;		/* asked, not yet taken */
	const struct conf_context *ctx;
	int64_t			 now_ms;
	struct views		*done;		/* the result */
	char			*cause;		/* or why there is none */
	char			**ns;
	size_t			 nns;
	const struct conf_context *done_ctx;
	int64_t			 build_ms;
	struct views		**trash;	/* for the thread to free */
	size_t			 ntrash;
	struct app_read		*rq;		/* the modes' reads, in order */
	struct app_read		**rq_tail;
};

/* Where a mode's read is; changed under the builder's lock. */
enum app_read_state {
	READ_QUEUED,
	READ_RUNNING,
	READ_DONE
};

struct app_read {
	struct app			*app;
	const struct app_read_ops	*ops;
	void				*arg;
	void				*owner;
	enum app_read_state		 state;
	int				 cancelled;	/* while running */
	void				*result;
	char				*cause;
	struct loop_timer		*timer;		/* without the thread */
	struct app_read			*next;		/* the app's */
	struct app_read			*qnext;		/* the thread's queue */
};

/* Run the reads waiting, in order, with r->lock held (and given back). */
static void
rebuilder_reads(struct rebuilder *r)
{
	struct app_read	*rd;
	void		*res;
	char		*cause, byte = 1;

	while ((rd = r->rq) != NULL) {
		if ((r->rq = rd->qnext) == NULL)
			r->rq_tail = &r->rq;
		rd->qnext = NULL;
		rd->state = READ_RUNNING;
		pthread_mutex_unlock(&r->lock);
		cause = NULL;
		res = rd->ops->read(r->cache, r->conf, rd->arg, &cause);
		pthread_mutex_lock(&r->lock);
		rd->result = res;
		rd->cause = cause;
		rd->state = READ_DONE;
		/* A full pipe already says so. */
		if (write(r->fds[1], &byte, 1) < 0) {
			/* the loop reads what is there */
		}
	}
}

/* The thread: wait for a request, build, hand over, free the trash. */
static void *
rebuilder_main(void *arg)
{
	struct rebuilder		*r = arg;
	const struct conf_context	*ctx;
	struct views			*v, **trash;
	char				*cause, **ns;
	size_t				 nns, ntrash, i;
	int64_t				 now, t0;
	char				 byte = 1;

	util_thread_background();
	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->quit && !r->asked && r->ntrash == 0 &&
		    r->rq == NULL)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->quit)
			break;
		/* A mode's read first: someone looks at "reading". */
		rebuilder_reads(r);
		trash = r->trash;
		ntrash = r->ntrash;
		r->trash = NULL;
		r->ntrash = 0;
		ctx = r->ctx;
		now = r->now_ms;
		i = (size_t)r->asked;
		r->asked = 0;
		pthread_mutex_unlock(&r->lock);
		if (ntrash > 0) {
			while (ntrash > 0)
				views_free(trash[--ntrash]);
#if defined(__GLIBC__)
			/*
			 * Hand the pages of the views just freed (and of the
			 * round stored meanwhile) back: glibc keeps free
			 * pages inside its heap resident otherwise.
			 */
			malloc_trim(0);
#endif
		}
		free(trash);
		if (i == 0) {
			pthread_mutex_lock(&r->lock);
			continue;
		}
		t0 = util_mono_ms();
		cause = NULL;
		ns = NULL;
		nns = 0;
		v = views_build_memo(r->memo, r->cache, r->conf, ctx, now,
		    &cause);
		if (v != NULL && ctx != NULL && (ns = views_namespaces(
		    r->cache, ctx->name, &nns, &cause)) == NULL) {
			free(cause);
			cause = NULL;
		}
		pthread_mutex_lock(&r->lock);
		r->done = v;
		r->cause = cause;
		r->ns = ns;
		r->nns = nns;
		r->done_ctx = ctx;
		r->build_ms = util_mono_ms() - t0;
		pthread_mutex_unlock(&r->lock);
		/* A full pipe already says so. */
		if (write(r->fds[1], &byte, 1) < 0) {
			/* nothing more to do: the loop reads what is there */
		}
		pthread_mutex_lock(&r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static void	app_reads_deliver(struct app *);

/* A build the thread finished, if any: swap it in. */
static void
rebuilder_take(struct app *a)
{
	struct rebuilder		*r = a->rebuilder;
	struct views			*v;
	const struct conf_context	*ctx;
	char				*cause, **ns;
	size_t				 nns;

	pthread_mutex_lock(&r->lock);
	v = r->done;
	cause = r->cause;
	ns = r->ns;
	nns = r->nns;
	ctx = r->done_ctx;
	a->build_ms = r->build_ms;
	r->done = NULL;
	r->cause = NULL;
	r->ns = NULL;
	r->nns = 0;
	if (v != NULL || cause != NULL)
		r->busy = 0;
	pthread_mutex_unlock(&r->lock);
	if (v == NULL && cause == NULL)
		return;
	if (v == NULL) {
		app_message(a, "cannot read the cache: %s; showing the last "
		    "views ('sitrep cache info' checks the file)", cause);
		free(cause);
		return;
	}
	/* Built for a context the console has left: not shown. */
	if (ctx != a->ctx) {
		views_strings_free(ns, nns);
		app_rebuild_discard(a, v);
		a->data_dirty = 1;
		return;
	}
	app_views_swap(a, v, ns, nns);
}

/* The thread says a build or a read is done: take them. */
static void
rebuilder_on_done(int fd, int revents, void *arg)
{
	struct app	*a = arg;
	char		 drain[64];

	(void)revents;
	while (read(fd, drain, sizeof drain) > 0)
		continue;
	rebuilder_take(a);
	app_reads_deliver(a);
}

/* Start the builder thread; 0, or -1 and the console builds in place. */
int
app_rebuild_start(struct app *a, char **cause)
{
	struct rebuilder	*r;
	int			 i;

	r = xcalloc(1, sizeof *r);
	r->fds[0] = r->fds[1] = -1;
	r->rq_tail = &r->rq;
	r->conf = a->conf;
	if ((r->cache = cache_open_reader(a->cache, cause)) == NULL)
		goto fail;
	if (pipe(r->fds) != 0) {
		*cause = xasprintf("cannot make a pipe: %s", strerror(errno));
		r->fds[0] = r->fds[1] = -1;
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		fcntl(r->fds[i], F_SETFL, fcntl(r->fds[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(r->fds[i], F_SETFD, FD_CLOEXEC);
	}
	/*
	 * The first frame's memo goes to the thread: it is of the same file,
	 * configuration and context, so the thread's first build reads only
	 * what changed since, and one memo is kept, not two.
	 */
	r->memo = a->memo != NULL ? a->memo : views_memo_new();
	a->memo = NULL;
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	/*
	 * One malloc arena for both threads: the thread's own arena would
	 * keep the pages of its last build beside the main heap's.
	 */
	mallopt(M_ARENA_MAX, 1);
#endif
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	if (pthread_create(&r->thread, NULL, rebuilder_main, r) != 0) {
		*cause = xstrdup("cannot start the thread that builds views");
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->cond);
		views_memo_free(r->memo);
		goto fail;
	}
	r->watch = loop_fd_add(a->loop, r->fds[0], LOOP_READ,
	    rebuilder_on_done, a);
	a->rebuilder = r;
	return 0;
fail:
	if (r->fds[0] >= 0) {
		close(r->fds[0]);
		close(r->fds[1]);
	}
	cache_close(r->cache);
	free(r);
	return -1;
}

/*
 * Views the console is done with: the thread frees them (a big world's
 * take milliseconds), or here without one.
 */
void
app_rebuild_discard(struct app *a, struct views *v)
{
	struct rebuilder	*r = a->rebuilder;

	if (v == NULL)
		return;
	if (r == NULL) {
		views_free(v);
		return;
	}
	pthread_mutex_lock(&r->lock);
	r->trash = xreallocarray(r->trash, r->ntrash + 1, sizeof *r->trash);
	r->trash[r->ntrash++] = v;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/*
 * Ask for fresh views: the thread builds them while keys go on (one
 * request at a time; data that changes meanwhile asks again), or here
 * and now without a thread.
 */
void
app_rebuild_ask(struct app *a)
{
	struct rebuilder	*r = a->rebuilder;

	if (r == NULL) {
		app_rebuild(a);
		return;
	}
	pthread_mutex_lock(&r->lock);
	if (!r->busy) {
		r->busy = r->asked = 1;
		r->ctx = a->ctx;
		r->now_ms = app_now_ms(a);
		a->data_dirty = 0;
		a->last_build = loop_now_ms(a->loop);
		pthread_cond_signal(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
}

/* Stop the thread and free what it holds. */
void
app_rebuild_stop(struct app *a)
{
	struct rebuilder	*r = a->rebuilder;
	struct app_read		*rd;
	size_t			 i;

	/*
	 * No read runs after this: the loop is freed before the modes that
	 * own them, so none may keep a timer (they are freed by their
	 * mode's cancel, or app_reads_free()).
	 */
	for (rd = a->reads; rd != NULL; rd = rd->next) {
		if (rd->timer != NULL) {
			loop_timer_del(rd->timer);
			rd->timer = NULL;
		}
	}
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->quit = 1;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	loop_fd_del(r->watch);
	close(r->fds[0]);
	close(r->fds[1]);
	for (i = 0; i < r->ntrash; i++)
		views_free(r->trash[i]);
	free(r->trash);
	views_free(r->done);
	free(r->cause);
	views_strings_free(r->ns, r->nns);
	views_memo_free(r->memo);
	cache_close(r->cache);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	free(r);
	a->rebuilder = NULL;
}

/* ------------------------------------------------------------------ */
/* Reads for the modes                                                 */
/* ------------------------------------------------------------------ */

/* Free rd and what it holds (off every list). */
static void
app_read_free(struct app_read *rd)
{
	if (rd->result != NULL && rd->ops->free_result != NULL)
		rd->ops->free_result(rd->result);
	free(rd->cause);
	if (rd->ops->free_arg != NULL)
		rd->ops->free_arg(rd->arg);
	free(rd);
}

/* Take rd off the app's list. */
static void
app_read_unlink(struct app *a, struct app_read *rd)
{
	struct app_read	**p;

	for (p = &a->reads; *p != NULL; p = &(*p)->next) {
		if (*p == rd) {
			*p = rd->next;
			break;
		}
	}
}

/* Hand every finished read to its mode (or free it, cancelled). */
static void
app_reads_deliver(struct app *a)
{
	struct rebuilder	*r = a->rebuilder;
	struct app_read		*rd;
	void			*res;
	char			*cause;

	for (;;) {
		/* From the start each time: a done may ask or cancel. */
		if (r != NULL)
			pthread_mutex_lock(&r->lock);
		for (rd = a->reads; rd != NULL; rd = rd->next) {
			if (rd->state == READ_DONE)
				break;
		}
		if (r != NULL)
			pthread_mutex_unlock(&r->lock);
		if (rd == NULL)
			return;
		app_read_unlink(a, rd);
		if (rd->cancelled) {
			app_read_free(rd);
			continue;
		}
		res = rd->result;
		cause = rd->cause;
		rd->result = NULL;
		rd->cause = NULL;
		rd->ops->done(a, res, cause, rd->owner);
		app_read_free(rd);
	}
}

/* Without the thread: the read, here, from a timer. */
static int64_t
app_read_now(void *arg)
{
	struct app_read	*rd = arg;
	struct app	*a = rd->app;

	rd->timer = NULL;
	rd->result = rd->ops->read(a->cache, a->conf, rd->arg, &rd->cause);
	rd->state = READ_DONE;
	app_reads_deliver(a);
	return -1;
}

/* Queue a read for a mode; see app.h. */
struct app_read *
app_read_ask(struct app *a, const struct app_read_ops *ops, void *arg,
    void *owner)
{
	struct rebuilder	*r = a->rebuilder;
	struct app_read		*rd = xcalloc(1, sizeof *rd), **p;

	rd->app = a;
	rd->ops = ops;
	rd->arg = arg;
	rd->owner = owner;
	rd->state = READ_QUEUED;
	/* In the order asked: they are handed over in that order. */
	for (p = &a->reads; *p != NULL; p = &(*p)->next)
		continue;
	*p = rd;
	if (r == NULL) {
		rd->timer = loop_timer_add(a->loop, 0, app_read_now, rd);
		return rd;
	}
	pthread_mutex_lock(&r->lock);
	*r->rq_tail = rd;
	r->rq_tail = &rd->qnext;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return rd;
}

/* Forget a read; see app.h. */
void
app_read_cancel(struct app *a, struct app_read *rd)
{
	struct rebuilder	*r = a->rebuilder;
	struct app_read		**p;

	if (rd == NULL)
		return;
	if (r != NULL) {
		pthread_mutex_lock(&r->lock);
		if (rd->state == READ_RUNNING) {
			/* The thread has it: freed when it is done. */
			rd->cancelled = 1;
			rd->owner = NULL;
			pthread_mutex_unlock(&r->lock);
			return;
		}
		if (rd->state == READ_QUEUED) {
			for (p = &r->rq; *p != NULL; p = &(*p)->qnext) {
				if (*p == rd) {
					if ((*p = rd->qnext) == NULL)
						r->rq_tail = p;
					break;
				}
			}
		}
		pthread_mutex_unlock(&r->lock);
	}
	if (rd->timer != NULL)
		loop_timer_del(rd->timer);
	app_read_unlink(a, rd);
	app_read_free(rd);
}

/* Forget every read left; see app.h. */
void
app_reads_free(struct app *a)
{
	struct app_read	*rd;

	/* The thread is stopped: nothing runs or waits there. */
	while ((rd = a->reads) != NULL) {
		a->reads = rd->next;
		if (rd->timer != NULL)
			loop_timer_del(rd->timer);
		app_read_free(rd);
	}
}
