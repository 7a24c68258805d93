/*
 * incident.c: `sitrep incident ack|unack|note|resolve`: working an
 * incident from a script or another terminal.
 *
 * Each goes through the context's action gate (core/incident_act.h), as
 * the console's keys do: an acknowledgement is an Alertmanager silence
 * everyone sees, or, where none takes it, a local one that says so on
 * stderr.  Exit status: 0 done, 1 not done (refused, invalid, the cache
 * unwritable), 2 a usage or configuration error (no such incident).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Longest acknowledgement from --for: a day, as incidents.ack_for. */
#define INCIDENT_ACK_MAX_MS	(24 * 3600 * 1000LL)

/* What an asynchronous action came back with. */
struct incident_wait {
	int	 done;
	int	 ok;
	int	 local;
	char	*message;
	char	*warning;
};

/* The action's callback: keep the outcome. */
static void
incident_done(const struct incident_outcome *o, void *arg)
{
	struct incident_wait	*w = arg;

	w->done = 1;
	w->ok = o->ok;
	w->local = o->local;
	w->message = xstrdup(o->message != NULL ? o->message : "");
	w->warning = o->warning != NULL ? xstrdup(o->warning) : NULL;
}

/* Print s (from outside) to f, safe for a terminal, with a prefix. */
static void
incident_say(FILE *f, const char *prefix, const char *s)
{
	char	*clean = sanitize_terminal(s, 0);

	out_printf(f, "%s%s\n", prefix, clean);
	free(clean);
}

/*
 * Open what acting needs and find the incident the one word names; 0
 * and *id, or an exit status after a message.
 */
static int
incident_open(struct cmd_opts *g, const char *command, char **words, int nw,
    int want, struct cmd_act *e, char **id)
{
	char	*cause = NULL;
	int	 rc;

	if (nw != want) {
		free(words);
		return cmd_bad_usage(command, want == 1 ? "give one incident id"
		    " (sitrep incident list shows them)" : "give the incident "
		    "id and the note in quotes");
	}
	if ((rc = cmd_act_open(g, e)) != 0) {
		free(words);
		return rc;
	}
	if (incident_lookup(e->cache, e->ctx->name, words[0], id, &cause) !=
	    0) {
		out_printf(stderr, "sitrep %s: %s\n", command, cause);
		free(cause);
		free(words);
		cmd_act_close(e);
		return CMD_USAGE;
	}
	return 0;
}

/* Run the loop until the action answers, print, give the exit status. */
static int
incident_finish(struct cmd_act *e, struct incident_wait *w)
{
	int	rc = w->ok ? CMD_OK : CMD_FAIL;

	while (!w->done)
		loop_run_once(runtime_loop(e->rt), 1000);
	rc = w->ok ? CMD_OK : CMD_FAIL;
	if (w->ok)
		incident_say(stdout, "", w->message);
	else
		incident_say(stderr, "sitrep: ", w->message);
	if (w->ok && w->local)
		incident_say(stderr, "sitrep: warning: not shared, in this "
		    "cache only (others do not see it): ", w->warning != NULL ?
		    w->warning : "no Alertmanager took it");
	else if (w->warning != NULL)
		incident_say(stderr, "sitrep: warning: ", w->warning);
	free(w->message);
	free(w->warning);
	if (fflush(stdout) != 0)
		rc = CMD_FAIL;
	return rc;
}

/* sitrep incident ack ID [--for D] [--comment TEXT] */
int
cmd_incident_ack(struct cmd_opts *g, int argc, char **argv)
{
	struct cmd_act		 e;
	struct incident_wait	 w;
	const char		*for_ = NULL, *comment = NULL;
	char			**words, *id = NULL, *cause = NULL;
	int64_t			 d = 0;
	int			 nw, rc;
	const struct cmd_option	 opts[] = {
		{ "--for", &for_, NULL, NULL },
		{ "--comment", &comment, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	if (for_ != NULL && (util_parse_duration(for_, &d, &cause) != 0 ||
	    d < 60 * 1000 || d > INCIDENT_ACK_MAX_MS)) {
		out_printf(stderr, "sitrep incident ack: bad --for '%s'%s%s; give "
		    "a duration from 1m to 24h, such as 30m\n", for_,
		    cause != NULL ? ": " : "", cause != NULL ? cause : "");
		free(cause);
		free(words);
		return CMD_USAGE;
	}
	if ((rc = incident_open(g, "incident ack", words, nw, 1, &e, &id)) !=
	    0)
		return rc;
	free(words);
	memset(&w, 0, sizeof w);
	incident_ack(e.gate, e.conf, id, d, comment,
	    runtime_now_ms(e.rt), incident_done, &w);
	rc = incident_finish(&e, &w);
	free(id);
	cmd_act_close(&e);
	return rc;
}

/* sitrep incident unack ID */
int
cmd_incident_unack(struct cmd_opts *g, int argc, char **argv)
{
	struct cmd_act		 e;
	struct incident_wait	 w;
	char			**words, *id = NULL;
	int			 nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if ((rc = incident_open(g, "incident unack", words, nw, 1, &e,
	    &id)) != 0)
		return rc;
	free(words);
	memset(&w, 0, sizeof w);
	incident_unack(e.gate, id, runtime_now_ms(e.rt), incident_done, &w);
	rc = incident_finish(&e, &w);
	free(id);
	cmd_act_close(&e);
	return rc;
}

/* The end of a synchronous action: print and give the exit status. */
static int
incident_sync_done(int failed, const char *ok_text, char *cause)
{
	if (failed) {
		incident_say(stderr, "sitrep: ", cause);
		free(cause);
		return CMD_FAIL;
	}
	out_printf(stdout, "%s\n", ok_text);
	return fflush(stdout) != 0 ? CMD_FAIL : CMD_OK;
}

/* sitrep incident note ID TEXT */
int
cmd_incident_note(struct cmd_opts *g, int argc, char **argv)
{
	struct cmd_act	 e;
	char		**words, *id = NULL, *cause = NULL, *text, *ok;
	int		 nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if ((rc = incident_open(g, "incident note", words, nw, 2, &e,
	    &id)) != 0)
		return rc;
	text = words[1];
	free(words);
	rc = incident_note(e.gate, id, text, runtime_now_ms(e.rt), &cause);
	ok = xasprintf("note added to incident %s", id);
	rc = incident_sync_done(rc != 0, ok, cause);
	free(ok);
	free(id);
	cmd_act_close(&e);
	return rc;
}

/* sitrep incident resolve ID */
int
cmd_incident_resolve(struct cmd_opts *g, int argc, char **argv)
{
	struct cmd_act	 e;
	char		**words, *id = NULL, *cause = NULL, *ok;
	int		 nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if ((rc = incident_open(g, "incident resolve", words, nw, 1, &e,
	    &id)) != 0)
		return rc;
	free(words);
	rc = incident_resolve(e.gate, id, runtime_now_ms(e.rt), &cause);
	ok = xasprintf("incident %s resolved", id);
	rc = incident_sync_done(rc != 0, ok, cause);
	free(ok);
	free(id);
	cmd_act_close(&e);
	return rc;
}
