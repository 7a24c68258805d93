/*
 * postmortem.h: what a postmortem draft of one incident says, read from
 * the cache.
 *
 * The incident with its alerts and timeline (views_incidents.h), and what
 * the cache knows around it: the error budget each SLO of its services
 * spent while it lasted (from the budget history: the SLO's period ratio
 * as sampled before it started and when it ended), the rollouts in its
 * namespaces from an hour before it started to its end (the changes that
 * may have caused it or fixed it), and every action sitrep took on it
 * (the audit rows whose target is the incident).  A plain struct the
 * caller owns; export/postmortem.c writes it as Markdown, JSON or HTML.
 *
 * Strings are valid UTF-8 but not escaped: the renderer escapes.
 */
#ifndef SITREP_POSTMORTEM_H
#define SITREP_POSTMORTEM_H

#include <stddef.h>
#include <stdint.h>

#include "core/views.h"
#include "core/views_incidents.h"

struct cache;
struct conf;

/* How far before the start the rollouts and the budget are looked at. */
#define POSTMORTEM_LEAD_MS	(3600 * 1000LL)

/* The budget an SLO spent while the incident lasted. */
struct pm_slo {
	char	*name;
	char	*service;
	double	 objective;		/* percent */
	int	 known;			/* both ends sampled */
	double	 left_before;		/* fraction of the budget left */
	double	 left_after;
	int64_t	 before_ms;		/* the samples' times */
	int64_t	 after_ms;
};

/* A workload revision that became current in the window. */
struct pm_rollout {
	char	*namespace;
	char	*kind;
	char	*name;
	int64_t	 revision;
	char	*images;		/* "a:1, b:2", or NULL */
	int64_t	 at_ms;
};

/* An action sitrep took on the incident (an audit row). */
struct pm_action {
	int64_t	 ts_ms;
	char	*actor;
	char	*action;		/* "silence", "ack", "note" ... */
	char	*result;		/* "ok", "refused" ... */
	int	 dry_run;
	char	*detail;
};

struct postmortem {
	char			*context;
	int64_t			 generated_ms;
	int64_t			 from_ms;	/* start - POSTMORTEM_LEAD_MS */
	int64_t			 to_ms;		/* resolved, or now */
	struct incident_detail	*d;		/* owned */
	char			**services;	/* its alerts' service labels */
	size_t			 nservices;
	char			**namespaces;	/* its alerts' namespaces */
	size_t			 nnamespaces;
	struct pm_slo		*slos;
	size_t			 nslos;
	struct pm_rollout	*rollouts;	/* oldest first */
	size_t			 nrollouts;
	struct pm_action	*actions;	/* oldest first */
	size_t			 nactions;
	struct view_drill	 drill;		/* a drill's run; name NULL: not */
};

/*
 * Read the postmortem of incident id (whole: incident_lookup() resolves a
 * prefix) of context at now_ms; conf gives the SLOs (may be NULL: none).
 * NULL and *cause when there is no such incident or the cache cannot be
 * read.
 */
struct postmortem	*postmortem_read(struct cache *, const struct conf *,
			     const char *context, const char *id,
			     int64_t now_ms, char **cause);
void			 postmortem_free(struct postmortem *);

#endif
