/*
 * drill_score.h: how well a drill run was handled.
 *
 * The scoring is a pure function of plain inputs: the drill (its
 * expected response: what to acknowledge, what mitigates, what is
 * harmful, the limit), when the run started and ended, the audit rows of
 * the run (every action through the gate, refused and rehearsed ones
 * too), the acknowledgements and the hints shown.  Same inputs, same
 * score, to the byte.  docs/DRILLS.md ("Scoring") gives the point rules.
 *
 * drill_score_cache() gathers those inputs from a run's cache (the meta
 * keys of core/drill_meta.h, the audit log, the incident timeline) and
 * scores them; it only reads, so a read-only cache will do.
 */
#ifndef SITREP_DRILL_SCORE_H
#define SITREP_DRILL_SCORE_H

#include <stddef.h>
#include <stdint.h>

struct audit_rec;
struct cache;
struct drill;

/* The points of each part (docs/DRILLS.md, "Scoring"). */
#define DRILL_SCORE_ACK		30	/* every expected ack, in time */
#define DRILL_SCORE_MITIGATE	50	/* a mitigating action, early */
#define DRILL_SCORE_CLEAN	20	/* nothing done that was not needed */
#define DRILL_SCORE_WRONG	5	/* off CLEAN per wrong action */
#define DRILL_SCORE_HARMFUL	25	/* off the total per harmful action */
#define DRILL_SCORE_HINT	5	/* off the total per hint */
/* An ack within this of its alert firing earns its full share. */
#define DRILL_SCORE_ACK_GRACE_MS (5 * 60 * 1000LL)

/* An acknowledgement, as the scoring sees it (all borrowed). */
struct drill_score_ack {
	int64_t		 ts_ms;		/* wall ms */
	const char	*incident;	/* its id */
	const char	*alertname;	/* an alert of the incident */
	const char	*labels;	/* its matchers' text, or NULL: unknown */
};

/* Everything the scoring reads; borrowed. */
struct drill_score_input {
	const struct drill		*drill;
	int64_t				 started_ms;	/* wall ms, the play opens */
	int64_t				 ended_ms;	/* 0: not ended */
	int64_t				 end_held_ms;	/* end condition held; 0 unknown */
	const struct audit_rec		*actions;	/* in seq order */
	size_t				 nactions;
	const struct drill_score_ack	*acks;
	size_t				 nacks;
	int				 hints;
	double				 speed;		/* drill.speed; 0: 1 */
};

/* An action the scoring marks: what, when, and why (allocated). */
struct drill_score_mark {
	int64_t		 offset_ms;	/* from the start */
	char		*what;		/* "restart deployment shop/checkout" */
	char		*why;
};

/* What a timeline entry is. */
enum drill_score_kind {
	DRILL_SCORE_EV_START,
	DRILL_SCORE_EV_ACK,		/* an expected acknowledgement */
	DRILL_SCORE_EV_OTHER_ACK,	/* an ack nobody expected */
	DRILL_SCORE_EV_MITIGATE,	/* a correct action */
	DRILL_SCORE_EV_HARMFUL,
	DRILL_SCORE_EV_WRONG,		/* done, not expected, not harmful */
	DRILL_SCORE_EV_ACTION,		/* anything else in the audit log */
	DRILL_SCORE_EV_END
};

/* One line of what happened, in time order. */
struct drill_score_event {
	int64_t			 offset_ms;
	enum drill_score_kind	 kind;
	char			*text;		/* allocated, sanitised */
};

/*
 * The score.  Offsets are ms from the start on the drill's clock (wall
 * ms times the run's speed: at --speed 40 a wall second is 40 s of the
 * drill, as the simulator plays it); -1 where it did not happen.  Every
 * string is allocated and safe for a terminal.
 */
struct drill_score {
	char			*drill;		/* its name */
	char			*run;		/* set by drill_score_cache */
	char			*source;	/* "builtin" or a path, or NULL */
	char			*warning;	/* e.g. the audit chain, or NULL */
	int64_t			 started_ms;	/* wall ms */
	int64_t			 ended_ms;	/* wall ms: the end, or the
						   last row */
	double			 speed;		/* the pace played, 1 or more */
	int			 ended;		/* 0: the run did not end */
	int64_t			 limit_ms;

	int64_t			 ack_ms;	/* first expected ack */
	int			 acks_expected;
	int			 acks_done;
	int64_t			 action_ms;	/* first correct action */
	int64_t			 mitigated_ms;	/* the end condition, else
						   the correct action */
	int			 mitigated_by_end; /* mitigated_ms is the end
						   condition's */
	struct drill_score_mark	*harmful;
	size_t			 nharmful;
	struct drill_score_mark	*wrong;
	size_t			 nwrong;
	int			 hints;

	int			 points_ack;
	int			 points_mitigate;
	int			 points_clean;
	int			 penalty;	/* harmful and hints */
	int			 points;	/* 0..100 */
	const char		*verdict;	/* static text */

	struct drill_score_event *timeline;
	size_t			 ntimeline;
};

/* Score in; *score is overwritten (drill_score_done it after). */
void	drill_score_compute(const struct drill_score_input *,
	    struct drill_score *);
/* Free what a score holds; a zeroed score is fine. */
void	drill_score_done(struct drill_score *);

/*
 * Score the run whose cache is c: 0, or -1 and *cause (not a drill run,
 * its drill does not load).  An audit chain that does not verify is
 * scored anyway, with score->warning saying so.
 */
int	drill_score_cache(struct cache *c, struct drill_score *,
	    char **cause);

/* The word of a timeline kind: "ack", "harmful" ... */
const char *drill_score_kind_word(enum drill_score_kind);

#endif
