/*
 * fetch.c: `sitrep fetch`: poll every source of the context into the
 * cache, once or until a signal, a line per stored round; also the fresh
 * round of `sitrep snapshot --fresh`.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "base/sanitize.h"
#include "cmd/cmd.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"

/* The state of a running `sitrep fetch`. */
struct fetch_run {
	struct loop	*loop;
	struct poller	*poller;
	int		 once;
	int		 failed;
};

/* Print one source's round, as it is stored. */
static void
fetch_print(struct source *s, void *arg)
{
	struct fetch_run	*f = arg;
	char			*msg;

	if (s->done_ok) {
		printf("%-13s ok      %5lld ms  %lld %s", s->name,
		    (long long)s->latency_ms, (long long)s->items,
		    s->items_what != NULL ? s->items_what : "items");
		if (s->warning != NULL) {
			msg = sanitize_terminal(s->warning, 0);
			printf("  (warning: %s)", msg);
			free(msg);
		}
		printf("\n");
	} else {
		msg = sanitize_terminal(s->error != NULL ? s->error :
		    "failed", 0);
		printf("%-13s FAILED  %s\n", s->name, msg);
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

	poller_flush(f->poller);
	if (f->once && poller_finished(f->poller))
		loop_stop(f->loop);
}

/* SIGINT or SIGTERM: stop feeding. */
static void
fetch_signal(int signo, void *arg)
{
	struct fetch_run	*f = arg;

	(void)signo;
	loop_stop(f->loop);
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
	struct fetch_run	 f;
	struct runtime		*rt;
	struct loop_signal	*s1 = NULL, *s2 = NULL;
	char			*cause = NULL;

	memset(&f, 0, sizeof f);
	f.once = once;
	signal(SIGPIPE, SIG_IGN);
	if ((rt = runtime_new(cache, &cause)) == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		return -1;
	}
	runtime_set_eval_time(rt, at_ms);
	if (demo_speed > 0) {
		runtime_simulate(rt, NULL);
		runtime_set_sim_speed(rt, demo_speed);
	}
	f.loop = runtime_loop(rt);
	f.poller = runtime_set_context(rt, conf, ctx, once ? POLLER_ONCE : 0,
	    &cause);
	if (f.poller == NULL) {
		fprintf(stderr, "sitrep: %s\n", cause);
		free(cause);
		runtime_free(rt);
		return -1;
	}
	if (poller_first(f.poller) == NULL) {
		fprintf(stderr, "sitrep: context '%s' has no source; configure"
		    " prometheus, alertmanagers, kubernetes or probes\n",
		    ctx->name);
		runtime_free(rt);
		return -1;
	}
	if (!quiet)
		poller_set_notify(f.poller, fetch_print, &f);
	loop_set_before_sleep(f.loop, fetch_before_sleep, &f);
	s1 = loop_signal_add(f.loop, SIGINT, fetch_signal, &f);
	s2 = loop_signal_add(f.loop, SIGTERM, fetch_signal, &f);
	poller_start(f.poller);
	loop_run(f.loop);
	poller_flush(f.poller);
	if (quiet) {
		for (struct source *s = poller_first(f.poller); s != NULL;
		    s = poller_next(s))
			f.failed |= !s->done_ok;
	}
	if (s1 != NULL)
		loop_signal_del(s1);
	if (s2 != NULL)
		loop_signal_del(s2);
	runtime_free(rt);
	return f.failed ? -1 : 0;
}

/* sitrep fetch [--once] [--at TIME] */
int
cmd_fetch(struct cmd_opts *g, int argc, char **argv)
{
	const struct conf_context	*ctx;
	struct conf			*conf;
	struct cache			*cache;
	const char			*at = NULL;
	int				 once = 0, nw, rc;
	int64_t				 at_ms;
	char				**words;
	const struct cmd_option		 opts[] = {
		{ "--once", NULL, &once, NULL },
		{ "--at", &at, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("fetch", "takes no arguments");
	if (cmd_parse_at(at, &at_ms) != 0)
		return CMD_USAGE;
	if (cmd_load_conf(g, &conf) != 0)
		return CMD_FAIL;
	if ((ctx = cmd_context(g, conf)) == NULL) {
		conf_free(conf);
		return CMD_FAIL;
	}
	if ((cache = cmd_open_cache(g, 0)) == NULL) {
		conf_free(conf);
		return CMD_FAIL;
	}
	rc = cmd_run_fetch(conf, ctx, cache, once, 0, g->demo ? g->speed : 0,
	    at_ms);
	cache_close(cache);
	conf_free(conf);
	return rc == 0 ? CMD_OK : CMD_FAIL;
}
