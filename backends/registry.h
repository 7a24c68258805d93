/*
 * registry.h: the one list of source kinds.
 *
 * Each kind of source (Prometheus, the Alertmanagers of a context, the
 * Kubernetes API, the HTTP probes, the simulator) is one row: whether a
 * context has one, its round deadline, and the init function that makes a
 * source shell into it.  The poller builds a context's sources by walking
 * this table, so adding a backend is adding a row here and nowhere else.
 */
#ifndef SITREP_REGISTRY_H
#define SITREP_REGISTRY_H

#include <stdint.h>

struct conf_context;
struct runtime;
struct source;

struct registry_kind {
	const char	*kind;		/* the source's name: "prometheus" */
	/* Whether ctx (NULL: none), polled on rt, has a source of this kind. */
	int		(*wanted)(const struct conf_context *,
			    const struct runtime *);
	/* The deadline of one round for ctx (0: the poller's default). */
	int64_t		(*timeout_ms)(const struct conf_context *);
	/*
	 * Make s (from poller_source_new(), with s->ctx set) this kind's
	 * source; -1 and *cause if it cannot be set up, leaving s as it was
	 * (the poller keeps it and tries again each round).
	 */
	int		(*init)(struct source *, struct runtime *,
			    char **cause);
};

/* The kinds, in the order their sources are built; a NULL kind ends it. */
extern const struct registry_kind registry_kinds[];

/* The row of kind, or NULL. */
const struct registry_kind *registry_find(const char *kind);

#endif
