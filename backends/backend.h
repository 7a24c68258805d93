/*
 * backend.h: the interface every source implements.
 *
 * A source is one configured origin of data in a context: its Prometheus,
 * its Alertmanagers (merged into one source), its Kubernetes API, its HTTP
 * probes, or the simulator.  The poller (poller.c) owns the sources and
 * drives them from the event loop:
 *
 *	refresh()  submit the requests of one round; never block.  When the
 *	           last answer is in, call source_done() (from a callback).
 *	store()    write what the round fetched, inside the poller's one
 *	           transaction for this source: all of it or none of it.
 *	reset()    forget what the round fetched (after store, or on failure).
 *	cancel()   abort any request still in flight (program exit).
 *	free()     free the backend's state.
 *	away       1 if store() touches nothing but the round's answers, so
 *	           the console may run it on the loop's worker thread with
 *	           its own connection (see poller.c); 0 if it reads state
 *	           the loop keeps changing (the simulator's world, the
 *	           Kubernetes informers fed by watches).
 *
 * Tests and the simulator plug in the same way.
 */
#ifndef SITREP_BACKEND_H
#define SITREP_BACKEND_H

#include <stdint.h>

struct cache;
struct conf;
struct conf_context;
struct http;
struct loop;
struct source;

struct backend_ops {
	const char	*kind;
	void		(*refresh)(struct source *);
	int		(*store)(struct source *, struct cache *,
			    int64_t now_ms, char **cause);
	void		(*reset)(struct source *);
	void		(*cancel)(struct source *);
	void		(*free)(struct source *);
	int		away;
};

/* One source; plain so backends can reach their environment. */
struct source {
	const struct backend_ops	*ops;
	void				*state;		/* the backend's */
	char				*name;		/* "prometheus" ... */
	char				*context;	/* context name */
	const struct conf		*conf;		/* borrowed */
	const struct conf_context	*ctx;		/* borrowed */
	struct loop			*loop;		/* borrowed */
	struct http			*http;		/* borrowed */

	/* Kept by the poller. */
	int				 in_flight;
	int64_t				 started_ms;	/* monotonic */
	int64_t				 attempt_ms;	/* wall clock */
	int64_t				 next_ms;	/* monotonic, due */
	int				 failures;	/* consecutive */
	int				 done_ok;	/* of the last round */
	char				*error;		/* of the last round */
	char				*warning;	/* of the last round */
	int64_t				 items;
	const char			*items_what;	/* "series", "alerts" */
	int64_t				 latency_ms;
	int				 pending_store;	/* done, not yet stored */
	struct loop_work		*storing;	/* its store on the worker */
	struct cache			*store_cache;	/* the worker's, borrowed */
	int64_t				 store_now_ms;	/* the store's "now" */
	int64_t				 timeout_ms;	/* round deadline */
	int64_t				 retry_after_ms; /* asked, this round */
	struct source			*next;		/* poller's list */
	void				*poller;	/* borrowed */
};

/*
 * Called by a backend when its round is over, exactly once per refresh.
 * error is NULL on success (copied); warning is a non-fatal note (copied).
 */
void	source_done(struct source *, int ok, const char *error,
	    const char *warning, int64_t items);

/* The message for a transport failure with a hint naming the server. */
char	*source_transport_error(const char *what, const char *host_port,
	    const char *error, int kind);

#endif
