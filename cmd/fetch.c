/*
 * fetch.c: `sitrep fetch`: poll every source of the context (with --all,
 * of every context, concurrently on one loop) into the cache, once or
 * until a signal, a line per stored round; also the fresh round of
 * `sitrep snapshot --fresh`.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"

/* The state of a running `sitrep fetch`. */
struct fetch_run {
	struct loop	 *loop;
	struct poller	**pollers;	/* borrowed from the runtime */
	size_t		  npollers;
	int		  once;
	int		  all;		/* name the context on each line */
	int		  failed;
	int		  signalled;	/* stopped by SIGINT or SIGTERM */
};

/* Print one source's round, as it is stored. */
static void
fetch_print(struct source *s, void *arg)
{
	struct fetch_run	*f = arg;
	char			*msg;

	if (f->all) {
		msg = sanitize_terminal(s->context != NULL ? s->context : "",
		    0);
		out_printf(stdout, "%-13s ", msg);
		free(msg);
	}
	if (s->done_ok) {
		out_printf(stdout, "%-13s ok      %5lld ms  %lld %s", s->name,
		    (long long)s->latency_ms, (long long)s->items,
		    s->items_what != NULL ? s->items_what : "items");
		if (s->warning != NULL) {
			msg = sanitize_terminal(s->warning, 0);
			out_printf(stdout, "  (warning: %s)", msg);
			free(msg);
		}
		out_printf(stdout, "\n");
	} else {
		msg = sanitize_terminal(s->error != NULL ? s->error :
		    "failed", 0);
		out_printf(stdout, "%-13s FAILED  %s\n", s->name, msg);
		free(msg);
		f->failed = 1;
	}
	fflush(stdout);
}

/* Before each wait: store finished rounds; stop once all are in. */
static void
fetch_before_sleep(void *arg)
{
	struct fetch_run	*f = arg;
	size_t			 i;
	int			 finished = 1;

	for (i = 0; i < f->npollers; i++) {
		poller_flush(f->pollers[i]);
		finished &= poller_finished(f->pollers[i]) != 0;
	}
	if (f->once && finished)
		loop_stop(f->loop);
}

/* SIGINT or SIGTERM: stop feeding. */
static void
fetch_signal(int signo, void *arg)
{
	struct fetch_run	*f = arg;

	(void)signo;
	f->signalled = 1;
	loop_stop(f->loop);
}

/* The shortest refresh of the contexts, over which their starts spread. */
static int64_t
fetch_spread(const struct conf_context *ctxs, size_t n)
{
	int64_t	least = 0;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (least == 0 || (ctxs[i].refresh_ms > 0 &&
		    ctxs[i].refresh_ms < least))
			least = ctxs[i].refresh_ms;
	}
	return least;
}

/*
 * The pollers of ctxs (n of them) on rt into f: with one, the current
 * context's (runtime_set_context()); with all, one added poller per
 * context on a read-only runtime, so the feeder can never act.  A context
 * without sources is an error alone, a note among all.  -1 if nothing is
 * left to poll, having said why.
 */
static int
fetch_pollers(struct fetch_run *f, struct runtime *rt,
    const struct conf *conf, const struct conf_context *ctxs, size_t n,
    int flags)
{
	struct poller	*p;
	char		*cause = NULL, *name;
	size_t		 i;

	f->pollers = xcalloc(n, sizeof *f->pollers);
	if (f->all)
		runtime_set_read_only_because(rt, "sitrep fetch --all only "
		    "reads");
	for (i = 0; i < n; i++) {
		if (f->all)
			p = runtime_add_context(rt, conf, &ctxs[i], flags,
			    &cause);
		else
			p = runtime_set_context(rt, conf, &ctxs[i], flags,
			    &cause);
		if (p == NULL) {
			out_printf(stderr, "sitrep: %s\n", cause);
			free(cause);
			return -1;
		}
		if (poller_first(p) != NULL) {
			f->pollers[f->npollers++] = p;
			continue;
		}
		name = sanitize_terminal(ctxs[i].name, 0);
		out_printf(stderr, "sitrep: %scontext '%s' has no source; "
		    "configure prometheus, alertmanagers, kubernetes or "
		    "probes\n", f->all ? "note: " : "", name);
		free(name);
	}
	return f->npollers > 0 ? 0 : -1;
}

/*
 * Run rounds of every source of the n contexts ctxs into cache on a
 * runtime of their own, concurrently on one loop: one each with once,
 * else until a signal.  all: every context of the configuration (lines
 * name the context; nothing can act).  Returns 0 if every round
 * succeeded.
 */
static int
fetch_contexts(const struct conf *conf, const struct conf_context *ctxs,
    size_t n, int all, struct cache *cache, int once, int quiet,
    double demo_speed, int64_t at_ms)
{
	struct fetch_run	 f;
	struct runtime		*rt;
	struct loop_signal	*s1 = NULL, *s2 = NULL;
	struct source		*s;
	char			*cause = NULL;
	size_t			 i;

	memset(&f, 0, sizeof f);
	f.once = once;
	f.all = all;
	signal(SIGPIPE, SIG_IGN);
	if ((rt = runtime_new(cache, &cause)) == NULL) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
		return -1;
	}
	runtime_set_eval_time(rt, at_ms);
	if (demo_speed > 0) {
		runtime_simulate(rt, NULL);
		runtime_set_sim_speed(rt, demo_speed);
	}
	f.loop = runtime_loop(rt);
	if (fetch_pollers(&f, rt, conf, ctxs, n, once ? POLLER_ONCE : 0) !=
	    0) {
		free(f.pollers);
		runtime_free(rt);
		return -1;
	}
	for (i = 0; i < f.npollers; i++) {
		if (!quiet)
			poller_set_notify(f.pollers[i], fetch_print, &f);
	}
	loop_set_before_sleep(f.loop, fetch_before_sleep, &f);
	s1 = loop_signal_add(f.loop, SIGINT, fetch_signal, &f);
	s2 = loop_signal_add(f.loop, SIGTERM, fetch_signal, &f);
	/*
	 * Every context at once would send every first request together,
	 * and every later round too (an Alertmanager shared by ten contexts
	 * answers 503 past its limit of concurrent GETs): the contexts
	 * start spread over the shortest refresh, and keep that spread.
	 */
	for (i = 0; i < f.npollers; i++)
		poller_start_after(f.pollers[i], once ? 0 :
		    fetch_spread(ctxs, n) * (int64_t)i / (int64_t)f.npollers);
	loop_run(f.loop);
	if (f.signalled && !once) {
		/*
		 * The feeder is ending: what stops a service signals it more
		 * than once (timeout(1) and systemd signal the child, then
		 * its whole group), and a second SIGTERM must not cut the
		 * last store short or turn the exit status into a kill.
		 */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
	}
	for (i = 0; i < f.npollers; i++) {
		poller_flush(f.pollers[i]);
		if (!quiet)
			continue;
		for (s = poller_first(f.pollers[i]); s != NULL;
		    s = poller_next(s))
			f.failed |= !s->done_ok;
	}
	if (s1 != NULL)
		loop_signal_del(s1);
	if (s2 != NULL)
		loop_signal_del(s2);
	free(f.pollers);
	runtime_free(rt);
	return f.failed ? -1 : 0;
}

/*
 * Run rounds of every source of ctx into cache on a runtime of their own:
 * one each with once, else until a signal.  Prints one line per round.
 * Returns 0 if every round succeeded.
 */
int
cmd_run_fetch(const struct conf *conf, const struct conf_context *ctx,
    struct cache *cache, int once, int quiet, double demo_speed,
    int64_t at_ms)
{
	return fetch_contexts(conf, ctx, 1, 0, cache, once, quiet,
	    demo_speed, at_ms);
}

/* sitrep fetch [--once] [--all] [--at TIME] */
int
cmd_fetch(struct cmd_opts *g, int argc, char **argv)
{
	const struct conf_context	*ctx;
	struct conf			*conf;
	struct cache			*cache;
	const char			*at = NULL;
	int				 once = 0, all = 0, nw, rc;
	int64_t				 at_ms;
	char				**words;
	const struct cmd_option		 opts[] = {
		{ "--once", NULL, &once, NULL },
		{ "--all", NULL, &all, NULL },
		{ "--at", &at, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("fetch", "takes no arguments");
	if (all && g->context != NULL)
		return cmd_bad_usage("fetch", "--context names one context "
		    "and --all polls every one; give one of them");
	if (cmd_parse_at(at, &at_ms) != 0)
		return CMD_USAGE;
	if (cmd_load_conf(g, &conf) != 0)
		return CMD_FAIL;
	/* With --all, every context; cmd_context() says if there is none. */
	if ((ctx = cmd_context(g, conf)) == NULL) {
		conf_free(conf);
		return CMD_FAIL;
	}
	if ((cache = cmd_open_cache(g, 0)) == NULL) {
		conf_free(conf);
		return CMD_FAIL;
	}
	if (all)
		rc = fetch_contexts(conf, conf->contexts, conf->ncontexts, 1,
		    cache, once, 0, g->demo ? g->speed : 0, at_ms);
	else
		rc = cmd_run_fetch(conf, ctx, cache, once, 0,
		    g->demo ? g->speed : 0, at_ms);
	cache_close(cache);
	conf_free(conf);
	return rc == 0 ? CMD_OK : CMD_FAIL;
}
