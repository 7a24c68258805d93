/*
 * runbook_live.h: the console's runbooks, live: which runbook an
 * incident has, its checks evaluated in the background, which action
 * steps its timeline shows done, and the next action as a request.
 *
 * Nothing here blocks.  The Runbook panel asks for a check's value while
 * it paints; the first ask only records the query, and a loop timer
 * evaluates it afterwards (then again every refresh interval while the
 * panel keeps asking): through the context's Prometheus (an instant
 * query, asynchronous over the runtime's HTTP), or, in a context without
 * one (the demo), from what the cache holds: an SLO's own error-ratio
 * query for one of its windows, and the sum of
 * kube_pod_container_status_restarts_total over pods matched by namespace
 * and pod (=, !=, =~, !~).  Anything else there is "?" with the reason.
 */
#ifndef SITREP_TUI_RUNBOOK_LIVE_H
#define SITREP_TUI_RUNBOOK_LIVE_H

#include <stddef.h>

struct app;
struct conf_kv;
struct runbook;
struct runbook_request;
struct runbook_live;
struct view_incident;

/* A check's state: RL_PENDING "…", RL_VALUE value, RL_ERROR error. */
enum rl_state {
	RL_PENDING,
	RL_VALUE,
	RL_ERROR
};

struct rl_result {
	enum rl_state	 state;
	double		 value;
	const char	*error;		/* sanitised one sentence */
};

/* Free the app's runbook state; NULL is fine. */
void	runbook_live_free(struct runbook_live *);

/*
 * The runbook of inc and the labels of the alert it matched (*labels and
 * *n the caller's, runbook_labels_free(); NULL and 0 for a service
 * match); NULL when no runbook matches.  Borrowed runbook.
 */
const struct runbook *runbook_live_match(struct app *,
	    const struct view_incident *, struct conf_kv **labels, size_t *n);

/* The value of an expanded check query; asks for it when new. */
struct rl_result runbook_live_check(struct app *, const char *query);

/*
 * Whether action step `step` of rb, titled title, is done for inc: a
 * timeline row of kind "action" starting with the title; an ack step
 * when inc is acknowledged, a silence step when it is silenced.
 */
int	runbook_live_done(struct app *, const struct view_incident *,
	    const struct runbook *, size_t step, const char *title);

/*
 * The next action of the selected incident: the first action step of its
 * runbook that is not done and not an alternative of a step before it,
 * filled into *out for action_plan() (runbook_request_done() it).  0
 * filled, 1 nothing to do (no incident, no runbook, every action done),
 * -1 and *cause when the step cannot be filled (a label missing).  *step
 * (when not NULL) is the step's index.
 */
int	runbook_live_next(struct app *, struct runbook_request *out,
	    size_t *step, char **cause);

#endif
