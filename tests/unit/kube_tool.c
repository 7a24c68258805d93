/*
 * kube_tool.c: run sitrep's Kubernetes writes and one read round from the
 * command line, so integration tests can compare them with kubectl on the
 * same API server.  A check program, not installed.
 *
 *	kube_tool --kubeconfig F [--context C] restart NS NAME [--dry-run]
 *	kube_tool --kubeconfig F undo NS NAME [--to-revision N] [--dry-run]
 *	kube_tool --kubeconfig F scale NS NAME N [--dry-run]
 *	kube_tool --kubeconfig F --cache C [--namespace NS]...
 *	    [--page-limit N] fetch
 *	kube_tool --kubeconfig F world ACTION NS NAME [N] [--dry-run]
 *	    [--to-revision N]      (ACTION restart|undo|scale|delete-pod)
 *	kube_tool --kubeconfig F access ACTION NS NAME
 *	kube_tool --kubeconfig F [--interval MS] follow NS NAME
 *
 * world goes through the action world (backends/kube_world.h) and prints
 * "status: S", "message: ...", "diff: ..." lines, "before: ..." and
 * "noop: N"; access prints "allowed: A", "reason: ...", "user: ..."; follow
 * prints one "state S: message" line per change.
 *
 * A write prints its outcome sentence; fetch prints "ok N objects" or the
 * round's error.  Exit status 0 on success, 1 on failure, 2 on bad usage.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/http.h"
#include "backends/kube.h"
#include "backends/kube_world.h"
#include "core/action.h"
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

static void	usage(void);

static const char *const tool_status[] = {
	"ok", "refused", "unreachable", "invalid"
};

/* A world's write ended. */
static void
tool_world_done(const struct action_kube_result *r, void *arg)
{
	struct tool	*t = arg;

	printf("status: %s\nmessage: %s\n", tool_status[r->status],
	    r->message);
	if (r->diff != NULL)
		printf("diff: %s\n", r->diff);
	if (r->before != NULL)
		printf("before: %s\n", r->before);
	printf("noop: %d\n", r->noop);
	t->ok = r->status == ACTION_OK;
	t->done = 1;
}

/* An access question was answered. */
static void
tool_access_done(const struct action_access *a, void *arg)
{
	struct tool	*t = arg;

	printf("allowed: %d\nreason: %s\nuser: %s\n", a->allowed,
	    a->reason != NULL ? a->reason : "", a->user != NULL ? a->user :
	    "");
	t->ok = a->allowed == 1;
	t->done = 1;
}

/* A followed rollout changed. */
static void
tool_follow_cb(const struct action_rollout *r, void *arg)
{
	struct tool	*t = arg;

	printf("state %d: %s\n", r->state, r->message);
	fflush(stdout);
	if (r->state != 0) {
		t->ok = r->state == 1;
		t->done = 1;
	}
}

/* Run a world command: world, access or follow. */
static int
tool_world(struct loop *loop, struct kube_client *c, const char **args,
    size_t nargs, int dry_run, int64_t to_revision, int64_t interval)
{
	struct kube_world	*kw = kube_world_new(loop, c);
	struct action_world	 w;
	struct action_kube	 k;
	const struct action_def	*d = NULL;
	struct tool		 t = { 0, 0 };
	int64_t			 n = 0;
	size_t			 base = strcmp(args[0], "follow") == 0 ? 1 : 2;

	memset(&w, 0, sizeof w);
	kube_world_fill(kw, &w);
	if (interval > 0)
		kube_world_set_interval(kw, interval);
	memset(&k, 0, sizeof k);
	if (base == 2 && (nargs < 4 || (d = action_def_find(args[1])) == NULL))
		usage();
	if (nargs < base + 2)
		usage();
	k.kind = d != NULL ? d->kind : ACTION_RESTART;
	k.namespace = args[base];
	k.name = args[base + 1];
	k.to_revision = to_revision;
	k.dry_run = dry_run;
	if (nargs > base + 2) {
		if (util_parse_int64(args[base + 2], &n) != 0 || n > 1000000)
			usage();
		k.replicas = (int)n;
	}
	if (strcmp(args[0], "world") == 0)
		w.kube(w.kube_impl, &k, tool_world_done, &t);
	else if (strcmp(args[0], "access") == 0)
		w.access(w.kube_impl, &k, d, tool_access_done, &t);
	else
		w.follow(w.kube_impl, k.namespace, k.name, tool_follow_cb, &t);
	while (!t.done)
		loop_run_once(loop, 1000);
	kube_world_free(kw);
	return t.ok ? 0 : 1;
}

/* Print how to use the tool and exit 2. */
static void
usage(void)
{
	fprintf(stderr, "usage: kube_tool --kubeconfig F [--context C] "
	    "restart|undo|scale|fetch ...\n");
	exit(2);
}

/* A write finished. */
static void
tool_done(int ok, const char *message, void *arg)
{
	struct tool	*t = arg;

	printf("%s\n", message);
	t->ok = ok;
	t->done = 1;
}

/* Write finished rounds from the loop's before-sleep hook. */
static void
tool_flush(void *arg)
{
	poller_flush(arg);
}

/* One read round into the cache at path, in pages of page_limit items. */
static int
tool_fetch(const char *kubeconfig, const char *context, const char *path,
    char **namespaces, size_t nns, int page_limit)
{
	struct conf_kube	 kube;
	struct conf_context	 ctx;
	struct cache		*cache;
	struct runtime		*rt;
	struct loop		*loop;
	struct poller		*p;
	struct source		*s;
	char			*cause = NULL, *warning = NULL;
	int			 rc = 1;

	memset(&kube, 0, sizeof kube);
	kube.kubeconfig = kubeconfig != NULL ? xstrdup(kubeconfig) : NULL;
	kube.context = context != NULL ? xstrdup(context) : NULL;
	kube.namespaces = namespaces;
	kube.nnamespaces = nns;
	memset(&ctx, 0, sizeof ctx);
	ctx.name = xstrdup("default");
	ctx.refresh_ms = 15000;
	ctx.kubernetes = &kube;
	if ((cache = cache_open(path, 0, &warning, &cause)) == NULL) {
		printf("%s\n", cause);
		free(cause);
		goto out;
	}
	free(warning);
	if ((rt = runtime_new(cache, &cause)) == NULL) {
		printf("%s\n", cause);
		free(cause);
		cache_close(cache);
		goto out;
	}
	runtime_set_kube_page_limit(rt, page_limit);
	loop = runtime_loop(rt);
	if ((p = runtime_set_context(rt, NULL, &ctx, POLLER_ONCE,
	    &cause)) == NULL) {
		printf("%s\n", cause);
		free(cause);
		runtime_free(rt);
		cache_close(cache);
		goto out;
	}
	loop_set_before_sleep(loop, tool_flush, p);
	poller_start(p);
	while (!poller_finished(p))
		loop_run_once(loop, 1000);
	loop_set_before_sleep(loop, NULL, NULL);
	for (s = poller_first(p); s != NULL; s = poller_next(s)) {
		if (s->done_ok) {
			printf("ok %lld %s\n", (long long)s->items,
			    s->items_what);
			if (s->warning != NULL)
				printf("warning: %s\n", s->warning);
			rc = 0;
		} else
			printf("%s\n", s->error != NULL ? s->error : "failed");
	}
	runtime_free(rt);
	cache_close(cache);
out:
	free(kube.kubeconfig);
	free(kube.context);
	free(ctx.name);
	return rc;
}

/* Parse the arguments and run one command. */
int
main(int argc, char **argv)
{
	const char		*kubeconfig = NULL, *context = NULL;
	const char		*cache = NULL, *args[5];
	char			*namespaces[16], *cause = NULL;
	size_t			 nns = 0, nargs = 0;
	int64_t			 to_revision = 0, n, interval = 0;
	int			 dry_run = 0, page_limit = 0, i, rc;
	struct loop		*loop;
	struct http		*http;
	struct kube_client	*c;
	struct tool		 t = { 0, 0 };

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--kubeconfig") == 0 && i + 1 < argc)
			kubeconfig = argv[++i];
		else if (strcmp(argv[i], "--context") == 0 && i + 1 < argc)
			context = argv[++i];
		else if (strcmp(argv[i], "--cache") == 0 && i + 1 < argc)
			cache = argv[++i];
		else if (strcmp(argv[i], "--namespace") == 0 && i + 1 < argc &&
		    nns < 16)
			namespaces[nns++] = argv[++i];
		else if (strcmp(argv[i], "--page-limit") == 0 && i + 1 < argc) {
			if (util_parse_int64(argv[++i], &n) != 0 || n < 1)
				usage();
			page_limit = n > 1000000 ? 1000000 : (int)n;
		} else if (strcmp(argv[i], "--to-revision") == 0 &&
		    i + 1 < argc) {
			if (util_parse_int64(argv[++i], &to_revision) != 0)
				usage();
		} else if (strcmp(argv[i], "--interval") == 0 &&
		    i + 1 < argc) {
			if (util_parse_int64(argv[++i], &interval) != 0)
				usage();
		} else if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = 1;
		else if (argv[i][0] == '-' || nargs == 5)
			usage();
		else
			args[nargs++] = argv[i];
	}
	if (nargs == 0)
		usage();
	if (strcmp(args[0], "fetch") == 0 && nargs == 1 && cache != NULL)
		return tool_fetch(kubeconfig, context, cache, namespaces, nns,
		    page_limit);
	loop = loop_new();
	http = http_new(loop);
	if (loop == NULL || http == NULL) {
		fprintf(stderr, "kube_tool: cannot start the loop\n");
		return 1;
	}
	if ((c = kube_client_new(loop, http, kubeconfig, context,
	    &cause)) == NULL) {
		printf("%s\n", cause);
		free(cause);
		http_free(http);
		loop_free(loop);
		return 1;
	}
	if (strcmp(args[0], "world") == 0 || strcmp(args[0], "access") == 0 ||
	    strcmp(args[0], "follow") == 0) {
		rc = tool_world(loop, c, args, nargs, dry_run, to_revision,
		    interval);
		kube_client_free(c);
		http_free(http);
		loop_free(loop);
		return rc;
	}
	if (strcmp(args[0], "restart") == 0 && nargs == 3)
		rc = kube_rollout_restart(c, args[1], args[2], dry_run,
		    tool_done, &t, &cause);
	else if (strcmp(args[0], "undo") == 0 && nargs == 3)
		rc = kube_rollout_undo(c, args[1], args[2], to_revision,
		    dry_run, tool_done, &t, &cause);
	else if (strcmp(args[0], "scale") == 0 && nargs == 4) {
		if (util_parse_int64(args[3], &n) != 0 || n > 1000000)
			usage();
		rc = kube_scale(c, args[1], args[2], (int)n, dry_run,
		    tool_done, &t, &cause);
	} else
		usage();
	if (rc != 0) {
		printf("%s\n", cause);
		free(cause);
	} else {
		while (!t.done)
			loop_run_once(loop, 1000);
	}
	kube_client_free(c);
	http_free(http);
	loop_free(loop);
	return rc == 0 && t.ok ? 0 : 1;
}
