/*
 * drill_run.h: what a drill's run writes into its own cache.
 *
 * `sitrep drill run` plays a drill on the simulator into a fresh cache of
 * its own (drill_run_path()).  The cache's meta table then says it is a
 * drill's, so the console, every export and the scoring read the same
 * facts from the one file: at the start drill.name, drill.run (the
 * file's base name), drill.started_ms, drill.seed, drill.speed,
 * drill.source ("builtin" or the drill file's path) and drill.yaml (the
 * drill file's text, so a report needs nothing else); at the end
 * drill.ended_ms; drill.mitigated_ms when the end condition first held;
 * and drill.hints, a count of the hints taken.
 *
 * While a drill plays, the console asks drill_watch_judge() after each
 * rebuild of its views whether the drill is over (see there).
 */
#ifndef SITREP_DRILL_RUN_H
#define SITREP_DRILL_RUN_H

#include <stdint.h>

struct cache;
struct drill;
struct views;

/* A run's facts; strings owned (drill_run_meta_done()), NULL if unset. */
struct drill_run_meta {
	char		*name;		/* drill.name: NULL, not a drill's */
	char		*run;		/* drill.run */
	int64_t		 started_ms;	/* drill.started_ms; 0 unset */
	int64_t		 ended_ms;	/* drill.ended_ms; 0 still running */
	int64_t		 mitigated_ms;	/* drill.mitigated_ms; 0 never held */
	uint64_t	 seed;		/* drill.seed */
	double		 speed;		/* drill.speed; 0 unset */
	char		*source;	/* drill.source */
	char		*yaml;		/* drill.yaml */
	int64_t		 hints;		/* drill.hints; 0 none */
};

/*
 * The path of a fresh run cache for drill name started at wall time
 * now_ms: DIR/NAME-YYYYmmdd-HHMMSS.db, DIR the drills folder beside the
 * default cache ($XDG_CACHE_HOME/sitrep/drills or ~/.cache/sitrep/drills,
 * created 0700), with -2, -3 ... added while the name is taken.  NULL
 * and *cause if the folder cannot be made.
 */
/* The folder the runs are kept in, beside the default cache (caller frees). */
char	*drill_runs_dir(void);
char	*drill_run_path(const char *name, int64_t now_ms, char **cause);
/* The run's name of a cache path: its base name without ".db". */
char	*drill_run_name(const char *path);

/* Write the start keys of m (name, run, started_ms, seed, speed, source,
 * yaml); drill.hints 0 and no drill.ended_ms.  0, or -1 and *cause. */
int	 drill_run_mark(struct cache *, const struct drill_run_meta *m,
	     char **cause);
/* Write drill.ended_ms.  0, or -1 and *cause. */
int	 drill_run_end(struct cache *, int64_t ended_ms, char **cause);
/* Write drill.mitigated_ms.  0, or -1 and *cause. */
int	 drill_run_mitigated(struct cache *, int64_t held_ms, char **cause);
/* Count a hint taken (drill.hints + 1).  0, or -1 and *cause. */
int	 drill_run_hint(struct cache *, char **cause);
/*
 * Read a cache's drill keys into *m (zeroed first): 1 a drill's run, 0
 * not one (m empty), -1 and *cause if the cache cannot be read.
 */
int	 drill_run_meta(struct cache *, struct drill_run_meta *m,
	     char **cause);
/* Free m's strings and zero it. */
void	 drill_run_meta_done(struct drill_run_meta *m);

/* Whether a drill is over, as drill_watch_judge() last said. */
enum drill_watch_state {
	DRILL_WATCH_PLAYING,	/* not over */
	DRILL_WATCH_ENDED,	/* expect.end held */
	DRILL_WATCH_LIMIT	/* the drill's limit passed first */
};

/*
 * The end of a drill, watched over the views the console rebuilds.  The
 * rule (docs/DRILLS.md, "Running a drill"):
 *
 *  - end {after: D}: over once the drill's clock (ms since the play
 *    opened, on the drill's own clock) reaches D;
 *  - end {slo: NAME, burn_below: X, window: W}: over once the views show
 *    NAME's burn over W below X, but only after some earlier views showed
 *    it at X or above: a burn that is low before the fault started is not
 *    the end (a drill whose burn never rose ends at its limit);
 *  - either way, over at the limit if the end has not held before.
 *
 * Once over it stays over.  Pure: reads only the drill, the views given
 * and the clock given.
 */
struct drill_watch;

/* A watch of drill d (borrowed: it must outlive the watch). */
struct drill_watch	*drill_watch_new(const struct drill *d);
void			 drill_watch_free(struct drill_watch *);
/*
 * Judge views v (NULL: none yet) at elapsed_ms on the drill's clock.
 * The state; DRILL_WATCH_PLAYING until it is over.
 */
enum drill_watch_state	 drill_watch_judge(struct drill_watch *,
			     const struct views *v, int64_t elapsed_ms);
/* The state last judged. */
enum drill_watch_state	 drill_watch_state(const struct drill_watch *);
/*
 * Why it is over, safe for a terminal: "checkout-availability burns
 * below 1x", "after 2m", "time limit 40m"; NULL while playing.
 */
const char		*drill_watch_reason(const struct drill_watch *);
/* The drill's clock when it ended; -1 while playing. */
int64_t			 drill_watch_ended_at(const struct drill_watch *);

#endif
