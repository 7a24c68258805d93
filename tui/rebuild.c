/*
 * rebuild.c: the console's views, read again from the cache.
 *
 * A rebuild reads the cache into fresh views through a memo
 * (core/views.h), so only the tables a stored round changed are read
 * again, then swaps them in: each panel keeps its selection by key
 * (list_keep), the namespaces for :ns are gathered, and a drill played
 * is judged on the new views.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/poller.h"
#include "backends/runtime.h"
#include "backends/sim.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/drill.h"
#include "core/drill_run.h"
#include "core/loop.h"
#include "core/views.h"
#include "core/views_detail.h"
#include "tui/app.h"
#include "tui/tui.h"

/* Order strings bytewise. */
static int
app_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * The namespaces there are, for :ns: those the cache knows from
 * Kubernetes, and those the incidents are grouped by (kept as they were
 * if the cache cannot be read).
 */
static void
app_namespaces(struct app *a)
{
	char		**v, *cause = NULL;
	const char	 *k, *e;
	size_t		  n, i, j, out;

	if (a->ctx == NULL || (v = views_namespaces(a->cache, a->ctx->name,
	    &n, &cause)) == NULL) {
		free(cause);
		return;
	}
	for (i = 0; i < a->views->nincidents; i++) {
		for (k = a->views->incidents[i].key; (k = strstr(k,
		    "namespace=")) != NULL; k += 10) {
			if (k != a->views->incidents[i].key && k[-1] != ',')
				continue;
			e = k + 10 + strcspn(k + 10, ",");
			if (e > k + 10) {
				v = xreallocarray(v, n + 1, sizeof *v);
				v[n++] = xstrndup(k + 10, (size_t)(e - k - 10));
			}
			break;
		}
	}
	qsort(v, n, sizeof *v, app_strcmp);
	for (i = out = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(v[j], v[i]) == 0; j++)
			free(v[j]);
		v[out++] = v[i];
	}
	views_strings_free(a->namespaces, a->nnamespaces);
	a->namespaces = v;
	a->nnamespaces = out;
}

/*
 * Where the drill's clock stands: the simulator's position on its
 * timeline less where the play opened (ms); -1 without a simulator.
 */
static int64_t
app_drill_clock(struct app *a)
{
	struct source	*s;

	if (a->poller == NULL || a->drill == NULL)
		return -1;
	for (s = poller_first(a->poller); s != NULL; s = poller_next(s))
		if (s->ops != NULL && strcmp(s->ops->kind, "sim") == 0)
			return sim_source_position(s, runtime_now_ms(a->rt)) -
			    a->drill->start_ms;
	return -1;
}

/*
 * A drill played: is it over?  Judged on the views just built (no I/O
 * but, once, reading the drill from the cache's meta and, once, writing
 * drill.mitigated_ms when the end condition first holds).
 */
static void
app_drill_judge(struct app *a)
{
	struct drill_run_meta	 m;
	enum drill_watch_state	 st;
	char			*cause = NULL;
	int64_t			 clock;

	if (a->opts == NULL || a->opts->drill == NULL ||
	    a->opts->scenario == NULL)
		return;
	if (!a->drill_tried) {
		a->drill_tried = 1;
		if (drill_run_meta(a->cache, &m, &cause) == 1 &&
		    m.yaml != NULL)
			a->drill = drill_load_text(m.name, m.yaml,
			    strlen(m.yaml), NULL);
		drill_run_meta_done(&m);
		free(cause);
		cause = NULL;
		if (a->drill != NULL)
			a->drill_watch = drill_watch_new(a->drill);
	}
	if (a->drill_watch == NULL ||
	    drill_watch_state(a->drill_watch) != DRILL_WATCH_PLAYING ||
	    (clock = app_drill_clock(a)) < 0)
		return;
	st = drill_watch_judge(a->drill_watch, a->views, clock);
	if (st == DRILL_WATCH_ENDED && drill_run_mitigated(a->cache,
	    app_now_ms(a), &cause) != 0) {
		app_message(a, "%s", cause);
		free(cause);
	}
}

/* Read the cache into fresh views; see app.h. */
void
app_rebuild(struct app *a)
{
	struct views	*v;
	char		*cause = NULL;
	int		 i;
	int64_t		 t0;

	t0 = util_mono_ms();
	for (i = 0; i < APP_NPANELS; i++)
		list_keep(a, i);
	if (a->memo == NULL)
		a->memo = views_memo_new();
	v = views_build_memo(a->memo, a->cache, a->conf, a->ctx,
	    app_now_ms(a), &cause);
	if (v == NULL) {
		app_message(a, "cannot read the cache: %s; showing the last "
		    "views ('sitrep cache info' checks the file)", cause);
		free(cause);
		return;
	}
	views_free(a->views);
	a->views = v;
	app_namespaces(a);
	app_rows_all(a);
	app_drill_judge(a);
	a->build_ms = util_mono_ms() - t0;
	a->last_build = loop_now_ms(a->loop);
	a->data_dirty = 0;
	a->dirty = 1;
}
