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
 * drill.ended_ms; and drill.hints, a count of the hints taken.
 */
#ifndef SITREP_DRILL_RUN_H
#define SITREP_DRILL_RUN_H

#include <stdint.h>

struct cache;

/* A run's facts; strings owned (drill_run_meta_done()), NULL if unset. */
struct drill_run_meta {
	char		*name;		/* drill.name: NULL, not a drill's */
	char		*run;		/* drill.run */
	int64_t		 started_ms;	/* drill.started_ms; 0 unset */
	int64_t		 ended_ms;	/* drill.ended_ms; 0 still running */
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

#endif
