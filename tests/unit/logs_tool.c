/*
 * logs_tool.c: read a container's log the way the console does
 * (runtime_pod_logs() over a context with a Kubernetes source), so
 * integration tests can compare it with `kubectl logs` on the same API
 * server.  A check program, not installed.
 *
 *	logs_tool --kubeconfig F --cache F [--context C] NS POD
 *	    [-c CONTAINER] [--previous] [--tail N]
 *
 * Prints kubectl's "Defaulted container" note on stderr, the lines on
 * stdout, and "containers: a, b" on stderr; an error on stderr.  Exit
 * status 0 on success, 1 on failure, 2 on bad usage.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kube.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "base/util.h"
#include "base/xmalloc.h"

struct tool {
	int	 done;
	int	 ok;
};

/* Print how to use the tool and exit 2. */
static void
usage(void)
{
	fprintf(stderr, "usage: logs_tool --kubeconfig F --cache F [--context C] NS POD "
	    "[-c CONTAINER] [--previous] [--tail N]\n");
	exit(2);
}

/* The read is over: print it. */
static void
tool_logs(const struct kube_logs *l, void *arg)
{
	struct tool	*t = arg;
	size_t		 i;

	t->done = 1;
	if (l->error != NULL) {
		fprintf(stderr, "%s\n", l->error);
		return;
	}
	if (l->note != NULL)
		fprintf(stderr, "%s\n", l->note);
	for (i = 0; i < l->nlines; i++)
		printf("%s\n", l->lines[i]);
	if (l->ncontainers > 0) {
		fprintf(stderr, "containers:");
		for (i = 0; i < l->ncontainers; i++)
			fprintf(stderr, "%s %s", i > 0 ? "," : "",
			    l->containers[i]);
		fprintf(stderr, "\n");
	}
	t->ok = 1;
}

/* Parse the arguments and read one log. */
int
main(int argc, char **argv)
{
	struct kube_logs_query	 q;
	struct conf_kube	 kube;
	struct conf_context	 ctx;
	struct cache		*cache;
	struct runtime		*rt;
	struct tool		 t = { 0, 0 };
	const char		*kubeconfig = NULL, *context = NULL, *args[2];
	const char		*path = NULL;
	char			*cause = NULL, *warning = NULL;
	size_t			 nargs = 0;
	int64_t			 n;
	int			 i;

	memset(&q, 0, sizeof q);
	q.tail_lines = -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--kubeconfig") == 0 && i + 1 < argc)
			kubeconfig = argv[++i];
		else if (strcmp(argv[i], "--context") == 0 && i + 1 < argc)
			context = argv[++i];
		else if (strcmp(argv[i], "--cache") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			q.container = argv[++i];
		else if (strcmp(argv[i], "--previous") == 0)
			q.previous = 1;
		else if (strcmp(argv[i], "--tail") == 0 && i + 1 < argc) {
			if (util_parse_int64(argv[++i], &n) != 0)
				usage();
			q.tail_lines = n;
		} else if (argv[i][0] == '-' || nargs == 2)
			usage();
		else
			args[nargs++] = argv[i];
	}
	if (nargs != 2 || path == NULL)
		usage();
	q.ns = args[0];
	q.pod = args[1];

	memset(&kube, 0, sizeof kube);
	kube.kubeconfig = kubeconfig != NULL ? xstrdup(kubeconfig) : NULL;
	kube.context = context != NULL ? xstrdup(context) : NULL;
	memset(&ctx, 0, sizeof ctx);
	ctx.name = xstrdup("default");
	ctx.refresh_ms = 3600000;
	ctx.kubernetes = &kube;
	if ((cache = cache_open(path, 0, &warning, &cause)) == NULL ||
	    (rt = runtime_new(cache, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	free(warning);
	if (runtime_set_context(rt, NULL, &ctx, POLLER_ONCE, &cause) ==
	    NULL) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	runtime_pod_logs(rt, &q, tool_logs, &t);
	while (!t.done)
		loop_run_once(runtime_loop(rt), 1000);
	runtime_free(rt);
	cache_close(cache);
	free(kube.kubeconfig);
	free(kube.context);
	free(ctx.name);
	return t.ok ? 0 : 1;
}
