/*
 * drill_meta.h: the facts a drill run keeps in its cache's meta table.
 *
 * `sitrep drill run` plays each run in a fresh cache file
 * ($XDG_CACHE_HOME/sitrep/drills/NAME-YYYYmmdd-HHMMSS.db) and writes these
 * keys to its meta table (key TEXT, value TEXT); the scoring
 * (core/drill_score.c) and `drill history` / `drill report` read them.
 * Times are wall-clock milliseconds since the epoch, as text.
 */
#ifndef SITREP_DRILL_META_H
#define SITREP_DRILL_META_H

/* The drill's name (its `name:`). */
#define DRILL_META_NAME		"drill.name"
/* The run: the cache file's base name, without ".db". */
#define DRILL_META_RUN		"drill.run"
/*
 * Wall ms when the drill's clock starts: the play opens there, at the
 * drill's `start:` on the scenario's clock.
 */
#define DRILL_META_STARTED_MS	"drill.started_ms"
/* The simulator's seed. */
#define DRILL_META_SEED		"drill.seed"
/* The simulator's pace (1 real time). */
#define DRILL_META_SPEED	"drill.speed"
/* Where the drill came from: "builtin" or the file's path. */
#define DRILL_META_SOURCE	"drill.source"
/* The drill file's full text, as played. */
#define DRILL_META_YAML		"drill.yaml"
/* Wall ms when the run ended; missing if it was killed. */
#define DRILL_META_ENDED_MS	"drill.ended_ms"
/*
 * Wall ms when the drill's end condition (expect.end) first held, as the
 * console saw it; missing if it never did (a drill stopped at its limit
 * or by q).
 */
#define DRILL_META_MITIGATED_MS	"drill.mitigated_ms"
/* How many hints were shown (missing: 0). */
#define DRILL_META_HINTS	"drill.hints"

/* Where runs are kept, under the cache directory: ".../sitrep/drills". */
#define DRILL_RUNS_DIR		"drills"

#endif
