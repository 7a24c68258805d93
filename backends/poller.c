/*
 * poller.c: schedule, bound and store the rounds of every source.
 *
 * A single timer ticks at most every 250 ms (and sooner when a source is
 * due); it starts due rounds and cancels rounds past their deadline.  A
 * round ends with source_done(), which only records the outcome: the write
 * happens in poller_flush(), from the loop's before-sleep hook, so cache
 * work never sits inside a network callback.
 *
 * With POLLER_STORE_AWAY (the console) the write leaves the loop thread
 * too: a source whose store touches only its round's answers (backend.h,
 * "away": Prometheus, Alertmanager, probes) is stored by a job on the
 * loop's worker (core/loop_work.c) through the runtime's second, writable
 * connection, and the loop hears back when it is over.  The others are
 * stored in place, but only when the cache is free at that moment
 * (cache_begin_now()): while the worker or another process writes, the
 * round waits for a later turn of the loop instead of the loop waiting for
 * the write lock.  So a key is never behind a store.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/http.h"
#include "backends/poller.h"
#include "backends/registry.h"
#include "backends/runtime.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/loop_work.h"
#include "core/store.h"
#include "base/util.h"
#include "base/xmalloc.h"

#define POLLER_TICK_MS		250
#define POLLER_BACKOFF_CAP_MS	(5 * 60 * 1000)

struct poller {
	struct runtime			*rt;
	struct loop			*loop;
	struct http			*http;
	struct cache			*cache;
	const struct conf		*conf;
	const struct conf_context	*ctx;
	int				 flags;
	struct source			*sources;
	struct source			*last;
	struct loop_timer		*timer;
	unsigned int			 seed;
	void				(*notify)(struct source *, void *);
	void				*notify_arg;
};

/* Exponential backoff with "equal jitter", capped at five minutes. */
int64_t
poller_backoff_ms(int64_t refresh_ms, int failures, unsigned int *seed)
{
	int64_t	delay = refresh_ms;
	int	i;

	for (i = 0; i < failures && delay < POLLER_BACKOFF_CAP_MS; i++)
		delay *= 2;
	if (delay > POLLER_BACKOFF_CAP_MS)
		delay = POLLER_BACKOFF_CAP_MS;
	if (failures == 0)
		return refresh_ms;
	return delay / 2 + (int64_t)(rand_r(seed) % (int)(delay / 2 + 1));
}

/* A new source shell named name, to be filled by a backend's init. */
struct source *
poller_source_new(struct poller *p, const char *name, int64_t timeout_ms)
{
	struct source	*s;

	s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	s->context = xstrdup(p->ctx != NULL ? p->ctx->name : "default");
	s->conf = p->conf;
	s->ctx = p->ctx;
	s->loop = p->loop;
	s->http = p->http;
	s->poller = p;
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
	return s;
}

/* Take ownership of a filled source. */
void
poller_add(struct poller *p, struct source *s)
{
	if (p->last == NULL)
		p->sources = s;
	else
		p->last->next = s;
	p->last = s;
}

/* ------------------------------------------------------------------ */
/* A source that could not be set up                                   */
/* ------------------------------------------------------------------ */

/*
 * A source whose kind's init failed (a kubeconfig that does not load) is
 * still a member of the poller: each of its rounds tries the init again
 * and, while it fails, ends as a failed round with the init's reason, so
 * the reason is stored in its sources row like any failure, it backs off
 * like any failing source, and 'r' retries it.  Once the init works, the
 * source is the real one from that round on.  The other sources never
 * wait for it.
 */
static void	poller_unstarted_refresh(struct source *);

/* Never called: an unstarted source's rounds fail. */
static int
poller_unstarted_store(struct source *s, struct cache *c, int64_t now_ms,
    char **cause)
{
	(void)s;
	(void)c;
	(void)now_ms;
	(void)cause;
	return 0;
}

static const struct backend_ops poller_unstarted_ops = {
	NULL,			/* the sources row takes the source's name */
	poller_unstarted_refresh,
	poller_unstarted_store,
	NULL,
	NULL,
	NULL,
	0
};

/* Set s up as its registry kind; -1 and *cause if that fails. */
static int
poller_set_up(struct poller *p, struct source *s, char **cause)
{
	const struct registry_kind	*k = registry_find(s->name);

	s->ops = NULL;
	s->state = NULL;
	if (k != NULL && k->init(s, p->rt, cause) == 0)
		return 0;
	if (k == NULL)
		*cause = xasprintf("no source kind named %s", s->name);
	s->ops = &poller_unstarted_ops;
	s->state = NULL;
	return -1;
}

/* A round of an unstarted source: set it up, then poll it, or fail. */
static void
poller_unstarted_refresh(struct source *s)
{
	char	*cause = NULL;

	if (poller_set_up(s->poller, s, &cause) == 0) {
		s->ops->refresh(s);
		return;
	}
	source_done(s, 0, cause != NULL ? cause : "cannot be set up", NULL,
	    0);
	free(cause);
}

/* Whether s is a source whose kind could not be set up (yet). */
int
poller_source_unstarted(const struct source *s)
{
	return s->ops == &poller_unstarted_ops;
}

/* Free one source and its backend state. */
static void
poller_source_free(struct source *s)
{
	/* A store on the worker ends first (one running is waited for). */
	if (s->storing != NULL)
		loop_work_cancel(s->loop, s->storing);
	if (s->in_flight && s->ops->cancel != NULL)
		s->ops->cancel(s);
	if (s->ops != NULL && s->ops->free != NULL)
		s->ops->free(s);
	free(s->name);
	free(s->context);
	free(s->error);
	free(s->warning);
	free(s);
}

/* Remember the longest Retry-After a server of s asked for this round. */
void
poller_source_retry_after(struct source *s, int64_t ms)
{
	if (ms > HTTP_RETRY_AFTER_CAP_MS)
		ms = HTTP_RETRY_AFTER_CAP_MS;
	if (ms > s->retry_after_ms)
		s->retry_after_ms = ms;
}

/* Record the outcome of a round; the write waits for poller_flush(). */
void
source_done(struct source *s, int ok, const char *error, const char *warning,
    int64_t items)
{
	struct poller	*p = s->poller;
	char		 d[32];
	char		*asked = NULL;

	if (!s->in_flight)
		return;
	s->in_flight = 0;
	s->done_ok = ok;
	if (s->retry_after_ms > 0) {
		util_format_duration(s->retry_after_ms, d, sizeof d);
		asked = xasprintf("%s asked to wait %s", s->name, d);
	}
	free(s->error);
	if (error != NULL && asked != NULL && !ok)
		s->error = xasprintf("%s; %s", error, asked);
	else
		s->error = error != NULL ? xstrdup(error) : NULL;
	free(s->warning);
	if (asked != NULL && ok)
		s->warning = warning != NULL ? xasprintf("%s; %s", warning,
		    asked) : xstrdup(asked);
	else
		s->warning = warning != NULL ? xstrdup(warning) : NULL;
	free(asked);
	s->items = items;
	s->latency_ms = loop_now_ms(s->loop) - s->started_ms;
	s->pending_store = 1;
	if (ok)
		s->failures = 0;
	else
		s->failures++;
	if (p->flags & POLLER_ONCE)
		s->next_ms = INT64_MAX;
	else if (ok)
		s->next_ms = s->started_ms + (p->ctx != NULL ?
		    p->ctx->refresh_ms : 15000);
	else
		s->next_ms = loop_now_ms(s->loop) + poller_backoff_ms(
		    p->ctx != NULL ? p->ctx->refresh_ms : 15000, s->failures,
		    &p->seed);
	/* The server asked for a pause: not before it is over. */
	if (!(p->flags & POLLER_ONCE) && s->retry_after_ms > 0 &&
	    s->next_ms < loop_now_ms(s->loop) + s->retry_after_ms)
		s->next_ms = loop_now_ms(s->loop) + s->retry_after_ms;
}

/* A sentence for a transport failure, with a hint naming the server. */
char *
source_transport_error(const char *what, const char *host_port,
    const char *error, int kind)
{
	/*
	 * "Is it running?" fits a connection that was never made; one that
	 * broke off in the middle of an answer reached something that runs.
	 */
	if (kind == HTTP_ERR_CONNECT && strstr(error, "closed the connection")
	    != NULL)
		return xasprintf("%s: check the logs of %s and of any proxy in "
		    "between", error, what);
	if (kind == HTTP_ERR_CONNECT)
		return xasprintf("%s: is %s running?", error, what);
	if (kind == HTTP_ERR_TIMEOUT)
		return xasprintf("%s: %s did not answer in time", error, what);
	(void)host_port;
	return xstrdup(error);
}

/* Start a round of one source. */
static void
poller_start_round(struct poller *p, struct source *s)
{
	s->in_flight = 1;
	s->retry_after_ms = 0;
	s->started_ms = loop_now_ms(p->loop);
	s->attempt_ms = runtime_now_ms(p->rt);
	s->pending_store = 0;
	s->ops->refresh(s);
}

/* Start due rounds; cancel those past their deadline. */
static int64_t
poller_tick(void *arg)
{
	struct poller	*p = arg;
	struct source	*s;
	int64_t		 now = loop_now_ms(p->loop), wait = POLLER_TICK_MS;
	char		 d[32];
	char		*msg;

	for (s = p->sources; s != NULL; s = s->next) {
		if (s->in_flight &&
		    now - s->started_ms > s->timeout_ms + 500) {
			if (s->ops->cancel != NULL)
				s->ops->cancel(s);
			util_format_duration(s->timeout_ms, d, sizeof d);
			msg = xasprintf("no complete answer within %s (the "
			    "source's timeout); will retry", d);
			source_done(s, 0, msg, NULL, 0);
			free(msg);
		}
		if (!s->in_flight && !s->pending_store && now >= s->next_ms)
			poller_start_round(p, s);
		if (!s->in_flight && s->next_ms - now < wait)
			wait = s->next_ms - now;
	}
	return wait < 10 ? 10 : wait;
}

/* The cache could not take s's round: that is the round's outcome. */
static void
poller_store_failed(struct source *s, const char *cause)
{
	free(s->error);
	s->error = xasprintf("cache write failed: %s; check the disk and the "
	    "cache file ('sitrep cache info')", cause != NULL ?
	    cause : "unknown error");
	s->done_ok = 0;
}

/*
 * Write one finished round through cache c, its transaction begun: its
 * rows and its source row, or neither.
 */
static void
poller_store(struct source *s, struct cache *c, int64_t now_ms)
{
	char	*cause = NULL, *err2 = NULL;
	int	 ok = s->done_ok;

	if (ok && s->ops->store(s, c, now_ms, &cause) != 0) {
		cache_rollback(c);
		if (cache_begin(c, &err2) != 0) {
			free(err2);
			goto fail;
		}
		free(s->error);
		s->error = xasprintf("could not store the answer in the cache: "
		    "%s; the last good data is kept ('sitrep cache info' shows "
		    "the cache)", cause);
		free(cause);
		cause = NULL;
		ok = s->done_ok = 0;
		s->failures++;
	}
	if (cache_source_update(c, s->context, s->name,
	    s->ops->kind != NULL ? s->ops->kind : s->name,
	    s->attempt_ms, ok, s->latency_ms, ok ? NULL : s->error,
	    ok ? s->items : -1, &cause) != 0) {
		cache_rollback(c);
		goto fail;
	}
	if (store_source_warning(c, s->context, s->name,
	    ok ? s->warning : NULL, &cause) != 0) {
		cache_rollback(c);
		goto fail;
	}
	if (cache_commit(c, &cause) != 0) {
		cache_rollback(c);
		goto fail;
	}
	return;
fail:
	poller_store_failed(s, cause);
	free(cause);
}

/* A round is written: forget it, and tell the poller's user. */
static void
poller_stored(struct poller *p, struct source *s)
{
	if (s->ops->reset != NULL)
		s->ops->reset(s);
	s->pending_store = 0;
	if (p->notify != NULL)
		p->notify(s, p->notify_arg);
}

/* On the worker: write s's round through the worker's connection. */
static void
poller_job_work(void *arg)
{
	struct source	*s = arg;
	char		*cause = NULL;

	if (cache_begin(s->store_cache, &cause) != 0) {
		poller_store_failed(s, cause);
		free(cause);
		return;
	}
	poller_store(s, s->store_cache, s->store_now_ms);
}

/* Back on the loop: the round is written. */
static void
poller_job_done(void *arg)
{
	struct source	*s = arg;

	s->storing = NULL;
	poller_stored(s->poller, s);
}

/* Hand s's round to the worker; -1 if it cannot be (store it here). */
static int
poller_store_away(struct poller *p, struct source *s)
{
	char	*cause = NULL;

	if ((s->store_cache = runtime_store_cache(p->rt, &cause)) == NULL) {
		free(cause);
		return -1;
	}
	s->store_now_ms = runtime_now_ms(p->rt);
	s->storing = loop_work_submit(p->loop, poller_job_work,
	    poller_job_done, s);
	return s->storing != NULL ? 0 : -1;
}

/* Write finished rounds to the cache (or hand them on); see poller.h. */
int
poller_flush(struct poller *p)
{
	struct source	*s;
	char		*cause = NULL;
	int		 n = 0, rc;

	for (s = p->sources; s != NULL; s = s->next) {
		if (!s->pending_store || s->storing != NULL)
			continue;
		if ((p->flags & POLLER_STORE_AWAY) && s->ops->away &&
		    poller_store_away(p, s) == 0) {
			n++;
			continue;
		}
		if (p->flags & POLLER_STORE_AWAY)
			rc = cache_begin_now(p->cache, &cause);
		else
			rc = cache_begin(p->cache, &cause);
		if (rc == 1)
			continue;	/* a writer is busy: a later turn */
		if (rc != 0) {
			poller_store_failed(s, cause);
			free(cause);
			cause = NULL;
		} else
			poller_store(s, p->cache, runtime_now_ms(p->rt));
		poller_stored(p, s);
		n++;
	}
	return n;
}

/* Whether every source finished its one round and was stored. */
int
poller_finished(struct poller *p)
{
	struct source	*s;

	for (s = p->sources; s != NULL; s = s->next) {
		if (s->in_flight || s->pending_store ||
		    s->next_ms != INT64_MAX)
			return 0;
	}
	return 1;
}

/*
 * Build the sources ctx asks for, kind by kind from the registry.  One
 * that cannot be set up is kept, unstarted: its rounds fail with the
 * reason and retry the set-up, while the others poll as usual.
 */
struct poller *
poller_new(struct runtime *rt, const struct conf *conf,
    const struct conf_context *ctx, int flags, char **cause)
{
	const struct registry_kind	*k;
	struct poller			*p;
	struct source			*s;
	char				*why = NULL;

	(void)cause;
	p = xcalloc(1, sizeof *p);
	p->rt = rt;
	p->loop = runtime_loop(rt);
	p->http = runtime_http(rt);
	p->cache = runtime_cache(rt);
	p->conf = conf;
	p->ctx = ctx;
	p->flags = flags;
	p->seed = (unsigned int)util_now_ms() ^ (unsigned int)getpid();
	for (k = registry_kinds; k->kind != NULL; k++) {
		if (!k->wanted(ctx, rt))
			continue;
		s = poller_source_new(p, k->kind, k->timeout_ms(ctx));
		/* The first round says why; it retries the set-up first. */
		if (poller_set_up(p, s, &why) != 0) {
			free(why);
			why = NULL;
		}
		poller_add(p, s);
	}
	return p;
}

/* Free the poller and its sources, cancelling what is in flight. */
void
poller_free(struct poller *p)
{
	struct source	*s, *next;

	if (p == NULL)
		return;
	runtime_forget_poller(p->rt, p);
	if (p->timer != NULL)
		loop_timer_del(p->timer);
	for (s = p->sources; s != NULL; s = next) {
		next = s->next;
		poller_source_free(s);
	}
	free(p);
}

/* Start the first round of every source now. */
void
poller_start(struct poller *p)
{
	poller_start_after(p, 0);
}

/* Start polling, the first round after delay_ms; see poller.h. */
void
poller_start_after(struct poller *p, int64_t delay_ms)
{
	struct source	*s;
	int64_t		 now = loop_now_ms(p->loop);

	for (s = p->sources; s != NULL; s = s->next)
		s->next_ms = now + (delay_ms > 0 ? delay_ms : 0);
	if (p->timer == NULL)
		p->timer = loop_timer_add(p->loop, 0, poller_tick, p);
}

/* Make every idle source due now (the 'r' key). */
void
poller_refresh_now(struct poller *p)
{
	struct source	*s;
	int64_t		 now = loop_now_ms(p->loop);

	for (s = p->sources; s != NULL; s = s->next) {
		if (!s->in_flight)
			s->next_ms = now;
	}
	if (p->timer != NULL)
		loop_timer_del(p->timer);
	p->timer = loop_timer_add(p->loop, 0, poller_tick, p);
}

/* Set the callback run after each stored round. */
void
poller_set_notify(struct poller *p, void (*cb)(struct source *, void *),
    void *arg)
{
	p->notify = cb;
	p->notify_arg = arg;
}

/* The runtime the poller runs on (borrowed). */
struct runtime *
poller_runtime(const struct poller *p)
{
	return p->rt;
}

/* The first source (borrowed). */
struct source *
poller_first(struct poller *p)
{
	return p->sources;
}

/* The source after s (borrowed). */
struct source *
poller_next(struct source *s)
{
	return s->next;
}
