/*
 * poller.h: drives a context's sources from the event loop.
 *
 * Each source is refreshed every `refresh` of its context; one that fails
 * backs off exponentially with jitter, capped at five minutes, while the
 * others go on.  A round that outlives its source's timeout is cancelled
 * and counted as a failure, so no source can hold anything up.  Results are
 * written to the cache from poller_flush() (the loop's before-sleep hook),
 * one short transaction per source: all of a round or none of it, plus the
 * source's row (last attempt, last success, latency, last error).  A
 * source that cannot even be set up is a member like the others, failing
 * with its reason until the set-up works.  A server's Retry-After (on a
 * 429 or 503) delays its source's next round by that much, capped at ten
 * minutes, whether or not the round failed.
 */
#ifndef SITREP_POLLER_H
#define SITREP_POLLER_H

#include <stdint.h>

struct conf;
struct conf_context;
struct poller;
struct runtime;
struct source;

#define POLLER_ONCE	0x1	/* one round per source, then idle */
/*
 * Store the rounds of "away" sources (backend.h) on the loop's worker with
 * its own connection, and never wait for the cache in poller_flush(): the
 * console's keys never wait for a store.
 */
#define POLLER_STORE_AWAY 0x2

/*
 * Sources for every kind of the registry that ctx asks for, polled with
 * rt's loop, HTTP, cache and clock.  Everything passed is borrowed and
 * must outlive the poller.  A source that cannot be set up (a kubeconfig
 * that does not load, say) does not stop the others: it is a member in a
 * failed state whose every round tries the set-up again and, while that
 * fails, fails with its reason (stored in its sources row, backed off,
 * retried by 'r').  So it does not fail: NULL and *cause are left for a
 * poller that could not be made at all, which nothing causes today.
 * runtime_set_context() is the usual way in.
 */
struct poller	*poller_new(struct runtime *, const struct conf *,
		     const struct conf_context *, int flags, char **cause);
void		 poller_free(struct poller *);

/* Add a source built by a backend's init function; the poller owns it. */
void		 poller_add(struct poller *, struct source *);
/* Make a new source shell for a backend to fill; see backend.h. */
struct source	*poller_source_new(struct poller *, const char *name,
		     int64_t timeout_ms);

/* Whether a source's kind could not be set up yet (see poller_new). */
int		 poller_source_unstarted(const struct source *);

void		 poller_start(struct poller *);		/* first round now */
/* The first round after delay_ms; the rounds keep that offset. */
void		 poller_start_after(struct poller *, int64_t delay_ms);
void		 poller_refresh_now(struct poller *);	/* 'r' */
/*
 * Write finished rounds to the cache; returns how many were stored (with
 * POLLER_STORE_AWAY: stored here, or handed to the worker).
 */
int		 poller_flush(struct poller *);
/* With POLLER_ONCE: whether every source has finished and been stored. */
int		 poller_finished(struct poller *);
/* Called after each stored round (the screen repaints from it). */
void		 poller_set_notify(struct poller *,
		     void (*)(struct source *, void *), void *);

/* The runtime the poller runs on (borrowed). */
struct runtime	*poller_runtime(const struct poller *);

/* Iterate the sources (borrowed). */
struct source	*poller_first(struct poller *);
struct source	*poller_next(struct source *);

/*
 * The server of s answered this round with a Retry-After of ms (a 429 or
 * 503, http_response.retry_after_ms): its next round waits at least that
 * long, and its error (or warning) says "NAME asked to wait 60s".
 */
void		 poller_source_retry_after(struct source *, int64_t ms);

/* Backoff delay for the nth consecutive failure (exposed for tests). */
int64_t		 poller_backoff_ms(int64_t refresh_ms, int failures,
		     unsigned int *seed);

#endif
