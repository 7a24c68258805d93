/*
 * action.c: `sitrep action restart|undo|scale|delete-pod TARGET`: the
 * console's actions on a cluster, from a script, through the same gate.
 *
 * The guard chain runs as in the console: read-only, bounds, rate limit,
 * RBAC, the server's dry run; the preview is printed (context, cluster,
 * namespace, object, who the cluster says we are, the verdict and what
 * changes).  Running the command is the confirmation in an ordinary
 * context; a protected one needs --confirm NAME, the object's name typed
 * in full.  --dry-run stops after the preview.  --wait follows the
 * rollout to its end.  Each run is one audit row.  Exit status: 0 done
 * (or the dry run passed), 1 refused or failed, 2 a usage or
 * configuration error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/poller.h"
#include "backends/runtime.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/action.h"
#include "core/conf.h"
#include "core/incident_act.h"
#include "core/loop.h"

/* What the gate said, step by step. */
struct action_wait {
	int			 previewed;
	struct action_plan	*plan;		/* ready to confirm */
	enum action_status	 status;
	int			 done;
	int			 ok;
	int			 followed;	/* the rollout ended */
	int			 follow_state;
	char			*last_follow;
};

/* Print s (from outside) safe for a terminal, after prefix. */
static void
action_say(FILE *f, const char *prefix, const char *s)
{
	char	*clean = sanitize_terminal(s != NULL ? s : "", 0);

	out_printf(f, "%s%s\n", prefix, clean);
	free(clean);
}

/* The preview, printed; a refusal on stderr. */
static void
action_previewed(struct action_plan *p, const struct action_preview *pv,
    void *arg)
{
	struct action_wait	*w = arg;
	const char		*d, *nl;

	w->previewed = 1;
	w->status = pv->status;
	w->plan = pv->status == ACTION_OK ? p : NULL;
	if (pv->protected_ctx)
		action_say(stdout, "", "PROTECTED CONTEXT: acting on it needs "
		    "the object's name");
	action_say(stdout, "action:    ", pv->title);
	action_say(stdout, "context:   ", pv->context);
	if (pv->cluster != NULL)
		action_say(stdout, "cluster:   ", pv->cluster);
	if (pv->namespace != NULL)
		action_say(stdout, "namespace: ", pv->namespace);
	action_say(stdout, "object:    ", pv->object);
	if (pv->user != NULL)
		action_say(stdout, "as:        ", pv->user);
	if (pv->verdict != NULL)
		action_say(stdout, "check:     ", pv->verdict);
	for (d = pv->diff; d != NULL && *d != '\0'; d = nl + (*nl != '\0')) {
		char	*line;

		nl = d + strcspn(d, "\n");
		line = xstrndup(d, (size_t)(nl - d));
		action_say(stdout, "change:    ", line);
		free(line);
	}
	if (pv->status != ACTION_OK)
		action_say(stderr, "sitrep: refused: ", pv->message);
	else if (pv->message != NULL)
		action_say(stderr, "sitrep: note: ", pv->message);
	fflush(stdout);
}

/* The write's outcome. */
static void
action_outcome(const struct action_outcome *o, void *arg)
{
	struct action_wait	*w = arg;

	w->done = 1;
	w->ok = o->status == ACTION_OK;
	if (w->ok) {
		action_say(stdout, "", o->message);
		if (o->before != NULL)
			action_say(stdout, "to revert: ", o->before);
	} else
		action_say(stderr, "sitrep: ", o->message);
	if (o->warning != NULL)
		action_say(stderr, "sitrep: warning: ", o->warning);
	fflush(stdout);
}

/* The rollout, as it goes: a line per change. */
static void
action_followed(const struct action_rollout *r, void *arg)
{
	struct action_wait	*w = arg;

	if (r->message != NULL && (w->last_follow == NULL ||
	    strcmp(w->last_follow, r->message) != 0)) {
		action_say(stdout, "", r->message);
		free(w->last_follow);
		w->last_follow = xstrdup(r->message);
	}
	fflush(stdout);
	if (r->state != 0) {
		w->followed = 1;
		w->follow_state = r->state;
	}
}

/* Split TARGET into namespace and name: NS/NAME, KIND/NAME or NAME. */
static int
action_target(const char *kind, const char *target, const char *nsopt,
    char **ns, char **name)
{
	const char	*slash = strchr(target, '/'), *n = target;
	char		*first = NULL;

	if (slash != NULL) {
		first = xstrndup(target, (size_t)(slash - target));
		n = slash + 1;
		if (strcmp(first, "deployment") == 0 ||
		    strcmp(first, "deployments") == 0 ||
		    strcmp(first, "deploy") == 0 || strcmp(first, "pod") == 0 ||
		    strcmp(first, "pods") == 0 || strcmp(first, "po") == 0) {
			free(first);
			first = NULL;
		}
	}
	if (first != NULL && nsopt != NULL && strcmp(first, nsopt) != 0) {
		out_printf(stderr, "sitrep action %s: %s names namespace %s but "
		    "--namespace says %s\n", kind, target, first, nsopt);
		free(first);
		return -1;
	}
	if (first == NULL && nsopt == NULL) {
		out_printf(stderr, "sitrep action %s: which namespace? give "
		    "--namespace NS or NS/NAME\n", kind);
		return -1;
	}
	if (*n == '\0' || strchr(n, '/') != NULL) {
		out_printf(stderr, "sitrep action %s: '%s' is not a name; give "
		    "NAME or NAMESPACE/NAME\n", kind, target);
		free(first);
		return -1;
	}
	*ns = first != NULL ? first : xstrdup(nsopt);
	*name = xstrdup(n);
	return 0;
}

/*
 * The simulator acts on the world it plays: play one round of it first
 * (into the cache too, as `sitrep fetch --once --demo` would).
 */
static void
action_demo_round(struct cmd_act *e)
{
	struct poller	*p;
	char		*cause = NULL;

	p = runtime_set_context(e->rt, e->conf, e->ctx, POLLER_ONCE, &cause);
	free(cause);
	e->gate = runtime_gate(e->rt);
	if (p == NULL)
		return;
	poller_start(p);
	for (;;) {
		poller_flush(p);
		if (poller_finished(p))
			break;
		loop_run_once(runtime_loop(e->rt), 1000);
	}
}

/* Run the loop until cond holds. */
#define ACTION_RUN_UNTIL(e, cond) do {					\
	while (!(cond))							\
		loop_run_once(runtime_loop((e)->rt), 1000);		\
} while (0)

/* sitrep action KIND TARGET [...] */
static int
action_run(struct cmd_opts *g, enum action_kind kind, int argc, char **argv)
{
	const struct action_def	*d = action_def_of(kind);
	const char		*ns_opt = NULL, *rev_opt = NULL, *rep_opt = NULL;
	const char		*confirm = NULL, *inc_opt = NULL;
	int			 dry = 0, wait_ = 0, nw, rc;
	char			**words, *ns = NULL, *name = NULL;
	char			*cause = NULL, *incident = NULL, *usage;
	int64_t			 rev = 0, rep = 0;
	struct cmd_act		 e;
	struct action_request	 req;
	struct action_wait	 w;
	const struct cmd_option	 opts[] = {
		{ "--namespace", &ns_opt, NULL, NULL },
		{ "-n", &ns_opt, NULL, NULL },
		{ "--to-revision", &rev_opt, NULL, NULL },
		{ "--replicas", &rep_opt, NULL, NULL },
		{ "--confirm", &confirm, NULL, NULL },
		{ "--incident", &inc_opt, NULL, NULL },
		{ "--dry-run", NULL, &dry, NULL },
		{ "--wait", NULL, &wait_, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	memset(&w, 0, sizeof w);
	usage = xasprintf("action %s", d->name);
	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		goto out_usage;
	rc = CMD_USAGE;
	if (nw != 1) {
		rc = cmd_bad_usage(usage, kind == ACTION_DELETE_POD ?
		    "give one pod: NS/NAME or NAME with --namespace" :
		    "give one deployment: NS/NAME or NAME with --namespace");
		goto out_words;
	}
	if (rev_opt != NULL && (kind != ACTION_UNDO ||
	    util_parse_int64(rev_opt, &rev) != 0 || rev < 1)) {
		rc = cmd_bad_usage(usage, kind != ACTION_UNDO ? "--to-revision "
		    "is for undo only" : "--to-revision takes a revision "
		    "number, 1 or more");
		goto out_words;
	}
	if (kind == ACTION_SCALE && (rep_opt == NULL ||
	    util_parse_int64(rep_opt, &rep) != 0 || rep < 0 ||
	    rep > 100000)) {
		rc = cmd_bad_usage(usage, "give --replicas N (0 or more)");
		goto out_words;
	}
	if (kind != ACTION_SCALE && rep_opt != NULL) {
		rc = cmd_bad_usage(usage, "--replicas is for scale only");
		goto out_words;
	}
	if (action_target(d->name, words[0], ns_opt, &ns, &name) != 0)
		goto out_words;
	if ((rc = cmd_act_open(g, &e)) != 0)
		goto out_words;
	if (g->demo)
		action_demo_round(&e);
	if (inc_opt != NULL && incident_lookup(e.cache, e.ctx->name, inc_opt,
	    &incident, &cause) != 0) {
		out_printf(stderr, "sitrep %s: %s\n", usage, cause);
		free(cause);
		rc = CMD_USAGE;
		goto out_act;
	}

	memset(&req, 0, sizeof req);
	req.kind = kind;
	req.namespace = ns;
	req.name = name;
	req.to_revision = rev;
	req.replicas = (int)rep;
	req.incident = incident;
	req.why = "sitrep action";
	action_plan(e.gate, &req, action_previewed, &w);
	ACTION_RUN_UNTIL(&e, w.previewed);
	rc = CMD_FAIL;
	if (w.plan == NULL)
		goto out_act;
	if (dry) {
		action_plan_dry_run(w.plan);
		action_say(stdout, "", "dry run: nothing changed");
		rc = CMD_OK;
		goto out_act;
	}
	if (e.ctx->protected_ctx && confirm == NULL) {
		action_plan_cancel(w.plan, "--confirm NAME not given in a "
		    "protected context");
		out_printf(stderr, "sitrep: context %s is protected: nothing was "
		    "done; to act, add --confirm %s\n", e.ctx->name, name);
		goto out_act;
	}
	if (action_plan_confirm(w.plan, confirm != NULL ? confirm : "y",
	    action_outcome, wait_ ? action_followed : NULL, &w, &cause) != 0) {
		action_plan_cancel(w.plan, "--confirm did not name the object");
		out_printf(stderr, "sitrep: %s; nothing was done\n", cause);
		free(cause);
		goto out_act;
	}
	ACTION_RUN_UNTIL(&e, w.done);
	rc = w.ok ? CMD_OK : CMD_FAIL;
	if (w.ok && wait_ && (d->flags & ACTION_F_FOLLOW)) {
		ACTION_RUN_UNTIL(&e, w.followed);
		if (w.follow_state != 1)
			rc = CMD_FAIL;
	}
out_act:
	free(w.last_follow);
	free(incident);
	cmd_act_close(&e);
out_words:
	free(ns);
	free(name);
	free(words);
out_usage:
	free(usage);
	if (fflush(stdout) != 0 && rc == CMD_OK)
		rc = CMD_FAIL;
	return rc;
}

/* sitrep action restart TARGET */
int
cmd_action_restart(struct cmd_opts *g, int argc, char **argv)
{
	return action_run(g, ACTION_RESTART, argc, argv);
}

/* sitrep action undo TARGET [--to-revision N] */
int
cmd_action_undo(struct cmd_opts *g, int argc, char **argv)
{
	return action_run(g, ACTION_UNDO, argc, argv);
}

/* sitrep action scale TARGET --replicas N */
int
cmd_action_scale(struct cmd_opts *g, int argc, char **argv)
{
	return action_run(g, ACTION_SCALE, argc, argv);
}

/* sitrep action delete-pod TARGET */
int
cmd_action_delete_pod(struct cmd_opts *g, int argc, char **argv)
{
	return action_run(g, ACTION_DELETE_POD, argc, argv);
}
