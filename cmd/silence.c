/*
 * silence.c: `sitrep silence list|add|expire`: Alertmanager silences from
 * the command line.
 *
 * list reads the cache (after one fetch with --fresh); add and expire go
 * through the context's action gate, the one way sitrep writes to the
 * world, so each leaves its audit row and reaches the first Alertmanager
 * of the context that answers, confirmed on the others.  Exit status: 0
 * done, 1 the world refused, failed or could not be reached, 2 a usage or
 * configuration error.  Errors go to stderr as one sentence that says
 * what to do.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "backends/runtime.h"
#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/action.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/silence.h"
#include "core/vocab.h"
#include "export/export.h"

/* Longest silence accepted from --for or --until: a year. */
#define SILENCE_MAX_MS	((int64_t)366 * 24 * 3600 * 1000)

/* A silence as the cache holds it. */
struct silence_row {
	char	*id;
	char	*state;
	char	*matchers;	/* formatted, or the JSON if unreadable */
	char	*created_by;
	char	*comment;
	int64_t	 starts_ms;
	int64_t	 ends_ms;
};

/* Free rows. */
static void
silence_rows_free(struct silence_row *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(r[i].id);
		free(r[i].state);
		free(r[i].matchers);
		free(r[i].created_by);
		free(r[i].comment);
	}
	free(r);
}

/* A text column, or "" for NULL; caller frees. */
static char *
silence_col(sqlite3_stmt *st, int i)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	return xstrdup(t != NULL ? (const char *)t : "");
}

/*
 * The silences of context from the cache: active and pending ones that
 * have not ended by now_ms, soonest end first; or the one of id (any
 * state).  0, or -1 and *cause.  The matchers in m (when not NULL) are
 * those of the first row.
 */
static int
silence_read(struct cache *cache, const char *context, const char *id,
    int64_t now_ms, struct silence_row **out, size_t *nout,
    struct matchers *m, char **cause)
{
	sqlite3		*db = cache_db(cache);
	sqlite3_stmt	*st = NULL;
	struct silence_row *r = NULL;
	struct matchers	 tmp;
	const char	*sql;
	cJSON		*json;
	char		*why = NULL;
	size_t		 n = 0, cap = 0;
	int		 rc;

	*out = NULL;
	*nout = 0;
	sql = id != NULL ?
	    "SELECT id, state, matchers, created_by, comment, starts_at_ms,"
	    " ends_at_ms FROM silences WHERE context = ?1 AND id = ?3" :
	    "SELECT id, state, matchers, created_by, comment, starts_at_ms,"
	    " ends_at_ms FROM silences WHERE context = ?1 AND state IN"
	    " ('active', 'pending') AND ends_at_ms > ?2"
	    " ORDER BY ends_at_ms, id";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("cannot read silences from the cache: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, context, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	if (id != NULL)
		sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			r = xreallocarray(r, cap, sizeof *r);
		}
		memset(&r[n], 0, sizeof r[n]);
		r[n].id = silence_col(st, 0);
		r[n].state = silence_col(st, 1);
		r[n].created_by = silence_col(st, 3);
		r[n].comment = silence_col(st, 4);
		r[n].starts_ms = sqlite3_column_int64(st, 5);
		r[n].ends_ms = sqlite3_column_int64(st, 6);
		json = cJSON_Parse((const char *)sqlite3_column_text(st, 2));
		matchers_init(&tmp);
		if (matchers_from_json(&tmp, json, &why) == 0) {
			r[n].matchers = matchers_format(&tmp);
			if (m != NULL && n == 0) {
				matchers_done(m);
				*m = tmp;
				matchers_init(&tmp);
			}
		} else {
			r[n].matchers = silence_col(st, 2);
			free(why);
			why = NULL;
		}
		matchers_done(&tmp);
		cJSON_Delete(json);
		n++;
	}
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("cannot read silences from the cache: %s",
		    sqlite3_errmsg(db));
		sqlite3_finalize(st);
		silence_rows_free(r, n);
		return -1;
	}
	sqlite3_finalize(st);
	*out = r;
	*nout = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* silence list                                                        */
/* ------------------------------------------------------------------ */

/* Print rows as text, every field made safe for the terminal. */
static void
silence_print_text(const struct silence_row *r, size_t n, int64_t now_ms)
{
	char	 ends[32], *id, *by, *mt, *com;
	size_t	 i;

	out_printf(stdout, "%-36s  %-7s  %-8s  %-20s  %s\n", "ID", "STATE", "ENDS IN",
	    "BY", "MATCHERS / COMMENT");
	for (i = 0; i < n; i++) {
		vocab_duration(r[i].ends_ms - now_ms, ends, sizeof ends);
		id = sanitize_terminal(r[i].id, 0);
		by = sanitize_terminal(r[i].created_by, 0);
		mt = sanitize_terminal(r[i].matchers, 0);
		com = sanitize_terminal(r[i].comment, 0);
		out_printf(stdout, "%-36s  %-7s  %-8s  %-20s  %s\n", id,
		    strcmp(r[i].state, "pending") == 0 ? "pending" : "active",
		    ends, by, mt);
		out_printf(stdout, "%-36s  %-7s  %-8s  %-20s  %s\n", "", "", "", "", com);
		free(id);
		free(by);
		free(mt);
		free(com);
	}
}

/* Print rows as a JSON array. */
static void
silence_print_json(const struct silence_row *r, size_t n)
{
	cJSON		*root, *o;
	char		 ts[40];
	size_t	 i;

	root = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", r[i].id);
		cJSON_AddStringToObject(o, "state", r[i].state);
		cJSON_AddStringToObject(o, "matchers", r[i].matchers);
		cJSON_AddStringToObject(o, "created_by", r[i].created_by);
		cJSON_AddStringToObject(o, "comment", r[i].comment);
		cJSON_AddStringToObject(o, "starts_at",
		    util_format_rfc3339(r[i].starts_ms, ts, sizeof ts));
		cJSON_AddStringToObject(o, "ends_at",
		    util_format_rfc3339(r[i].ends_ms, ts, sizeof ts));
		cJSON_AddItemToArray(root, o);
	}
	export_json_print(root, 1, stdout);
}

/* sitrep silence list [--format text|json] [--fresh] */
int
cmd_silence_list(struct cmd_opts *g, int argc, char **argv)
{
	const struct conf_context	*ctx;
	struct conf			*conf;
	struct cache			*cache;
	struct silence_row		*r;
	const char			*format = NULL;
	int				 fresh = 0, json = 0, nw, rc;
	size_t				 n;
	int64_t				 now_ms;
	char				**words, *cause = NULL;
	const struct cmd_option		 opts[] = {
		{ "--format", &format, NULL, NULL },
		{ "--fresh", NULL, &fresh, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("silence list", "takes no arguments");
	if (format != NULL && strcmp(format, "json") == 0)
		json = 1;
	else if (format != NULL && strcmp(format, "text") != 0) {
		out_printf(stderr, "sitrep silence list: unknown format '%s'; use "
		    "text or json\n", format);
		return CMD_USAGE;
	}
	if (cmd_load_conf(g, &conf) != 0)
		return CMD_USAGE;
	if ((ctx = cmd_context(g, conf)) == NULL) {
		conf_free(conf);
		return CMD_USAGE;
	}
	if ((cache = cmd_open_cache(g, fresh ? 0 : CACHE_READONLY)) == NULL) {
		conf_free(conf);
		return CMD_FAIL;
	}
	/* A source that fails says so in its line; the list is the cache's. */
	if (fresh && cmd_run_fetch(conf, ctx, cache, 1, 1,
	    g->demo ? g->speed : 0, 0) != 0)
		out_printf(stderr, "sitrep: the fetch did not fully work; the "
		    "list is the cache's last known state (sitrep fetch --once "
		    "says why)\n");
	now_ms = util_now_ms();
	if (silence_read(cache, ctx->name, NULL, now_ms, &r, &n, NULL,
	    &cause) != 0) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
		cache_close(cache);
		conf_free(conf);
		return CMD_FAIL;
	}
	if (json)
		silence_print_json(r, n);
	else if (n == 0)
		out_printf(stdout, "no active or pending silences in context %s (as of the "
		    "last fetch; --fresh fetches first)\n", ctx->name);
	else
		silence_print_text(r, n, now_ms);
	silence_rows_free(r, n);
	cache_close(cache);
	conf_free(conf);
	return fflush(stdout) == 0 ? CMD_OK : CMD_FAIL;
}

/* ------------------------------------------------------------------ */
/* silence add, silence expire                                         */
/* ------------------------------------------------------------------ */

/* What a write came back with. */
struct silence_wait {
	int			 done;
	enum action_status	 status;
	char			*message;
	char			*id;
	char			*warning;
};

/* The gate's callback: keep the result. */
static void
silence_done(const struct action_result *r, void *arg)
{
	struct silence_wait	*w = arg;

	w->done = 1;
	w->status = r->status;
	w->message = xstrdup(r->message != NULL ? r->message : "");
	w->id = r->id != NULL ? xstrdup(r->id) : NULL;
	w->warning = r->warning != NULL ? xstrdup(r->warning) : NULL;
}

/*
 * Wait for the write, print its outcome (what on stdout, unless NULL the
 * message; problems on stderr) and give the exit status.
 */
static int
silence_finish(struct cmd_act *e, struct silence_wait *w,
    int print_id)
{
	char	*msg, *warn;
	int	 rc;

	while (!w->done)
		loop_run_once(runtime_loop(e->rt), 1000);
	msg = sanitize_terminal(w->message, 0);
	if (w->status == ACTION_OK) {
		if (print_id && w->id != NULL)
			out_printf(stdout, "%s\n", w->id);
		else
			out_printf(stdout, "%s\n", msg);
		rc = CMD_OK;
	} else {
		out_printf(stderr, "sitrep: %s\n", msg);
		/* Nothing to write to is the configuration's doing. */
		rc = action_gate_world(e->gate) == NULL ? CMD_USAGE : CMD_FAIL;
	}
	if (w->warning != NULL) {
		warn = sanitize_terminal(w->warning, 0);
		out_printf(stderr, "sitrep: warning: %s\n", warn);
		free(warn);
	}
	free(msg);
	free(w->message);
	free(w->id);
	free(w->warning);
	if (fflush(stdout) != 0)
		rc = CMD_FAIL;
	return rc;
}

/* The end of the silence from --for or --until; -1 after a message. */
static int
silence_parse_end(const char *for_, const char *until, int64_t now_ms,
    int64_t *ends_ms)
{
	int64_t	 d;
	char	*cause = NULL;

	if ((for_ == NULL) == (until == NULL)) {
		cmd_bad_usage("silence add", "give how long, either --for "
		    "DURATION (such as 2h) or --until TIME (RFC 3339)");
		return -1;
	}
	if (for_ != NULL) {
		if (util_parse_duration(for_, &d, &cause) != 0 || d <= 0 ||
		    d > SILENCE_MAX_MS) {
			out_printf(stderr, "sitrep silence add: bad --for '%s'%s%s;"
			    " give a duration from 1s to 366d, such as 2h\n",
			    for_, cause != NULL ? ": " : "",
			    cause != NULL ? cause : "");
			free(cause);
			return -1;
		}
		*ends_ms = now_ms + d;
		return 0;
	}
	if (util_parse_rfc3339(until, ends_ms) != 0 || *ends_ms > now_ms +
	    SILENCE_MAX_MS) {
		out_printf(stderr, "sitrep silence add: bad --until '%s'; give a "
		    "time within a year, in RFC 3339, such as "
		    "2030-01-02T15:04:05Z\n", until);
		return -1;
	}
	/* One in the past is for Alertmanager to refuse, in its words. */
	return 0;
}

/*
 * sitrep silence add MATCHERS (--for D | --until T) --comment TEXT
 * [--author NAME] [--id ID]
 */
int
cmd_silence_add(struct cmd_opts *g, int argc, char **argv)
{
	struct cmd_act	 e;
	struct silence_wait	 w;
	struct action_silence	 s;
	struct matchers		 m;
	struct silence_row	*old = NULL;
	struct buf		 text;
	const char		*for_ = NULL, *until = NULL, *comment = NULL;
	const char		*author = NULL, *id = NULL;
	char			**words, *cause = NULL, *target;
	int			 nw, rc, i;
	size_t			 nold = 0;
	int64_t			 now_ms, ends_ms = 0;
	const struct cmd_option	 opts[] = {
		{ "--for", &for_, NULL, NULL },
		{ "--until", &until, NULL, NULL },
		{ "--comment", &comment, NULL, NULL },
		{ "--author", &author, NULL, NULL },
		{ "--id", &id, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	matchers_init(&m);
	buf_init(&text, MATCHER_TEXT_MAX);
	for (i = 0; i < nw; i++) {
		if (buf_printf(&text, "%s%s", i > 0 ? ", " : "", words[i]) !=
		    0) {
			free(words);
			buf_done(&text);
			return cmd_bad_usage("silence add", "the matchers are "
			    "too long");
		}
	}
	free(words);
	if (nw == 0 && id == NULL) {
		buf_done(&text);
		return cmd_bad_usage("silence add", "give the matchers, such as "
		    "'alertname=\"HighLatency\",severity=~\"crit.*\"'");
	}
	if (nw > 0 && matchers_parse(&m, buf_str(&text), &cause) != 0) {
		out_printf(stderr, "sitrep silence add: %s\n", cause);
		free(cause);
		buf_done(&text);
		return CMD_USAGE;
	}
	buf_done(&text);
	if (id == NULL && (comment == NULL || *comment == '\0')) {
		matchers_done(&m);
		return cmd_bad_usage("silence add", "say why with --comment "
		    "TEXT; it is what others see beside the silence");
	}
	now_ms = util_now_ms();
	if (silence_parse_end(for_, until, now_ms, &ends_ms) != 0) {
		matchers_done(&m);
		return CMD_USAGE;
	}
	if ((rc = cmd_act_open(g, &e)) != 0) {
		matchers_done(&m);
		return rc;
	}
	memset(&s, 0, sizeof s);
	s.starts_ms = now_ms;
	/*
	 * A change keeps the silence's start, so Alertmanager changes it in
	 * place; what is not given comes from the silence as last fetched.
	 */
	if (id != NULL) {
		if (silence_read(e.cache, e.ctx->name, id, 0, &old, &nold,
		    nw == 0 ? &m : NULL, &cause) != 0) {
			out_printf(stderr, "sitrep: %s\n", cause);
			free(cause);
			matchers_done(&m);
			cmd_act_close(&e);
			return CMD_FAIL;
		}
		if (nold == 0 && (nw == 0 || comment == NULL)) {
			out_printf(stderr, "sitrep silence add: silence %s is not "
			    "in the cache; fetch it with sitrep silence list "
			    "--fresh, or give its MATCHERS and --comment\n",
			    id);
			matchers_done(&m);
			cmd_act_close(&e);
			return CMD_USAGE;
		}
		if (nold > 0) {
			if (old[0].starts_ms > 0 && old[0].starts_ms < ends_ms)
				s.starts_ms = old[0].starts_ms;
			if (comment == NULL)
				comment = old[0].comment;
		}
	}
	s.matchers = &m;
	s.ends_ms = ends_ms;
	s.comment = comment;
	s.created_by = author;
	s.id = id;
	memset(&w, 0, sizeof w);
	target = id != NULL ? xasprintf("silence %s", id) : xstrdup("silence");
	action_silence(e.gate, &s, target, silence_done, &w);
	free(target);
	rc = silence_finish(&e, &w, 1);
	silence_rows_free(old, nold);
	matchers_done(&m);
	cmd_act_close(&e);
	return rc;
}

/* sitrep silence expire ID */
int
cmd_silence_expire(struct cmd_opts *g, int argc, char **argv)
{
	struct cmd_act	 e;
	struct silence_wait	 w;
	char			**words, *id, *target;
	int			 nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw != 1 || *words[0] == '\0') {
		free(words);
		return cmd_bad_usage("silence expire", "give one silence id "
		    "(sitrep silence list shows them)");
	}
	id = words[0];
	free(words);
	if ((rc = cmd_act_open(g, &e)) != 0)
		return rc;
	memset(&w, 0, sizeof w);
	target = xasprintf("silence %s", id);
	action_expire(e.gate, id, target, silence_done, &w);
	free(target);
	rc = silence_finish(&e, &w, 0);
	cmd_act_close(&e);
	return rc;
}
