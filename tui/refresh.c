/*
 * refresh.c: 'r', and the report when it is over.  Every source of the
 * context is asked now; as each one's round is stored, it is ticked off,
 * and when the last has answered the footer says how long it took and
 * what failed, so "refreshing" is never the last word.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/poller.h"
#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/loop.h"
#include "core/vocab.h"
#include "tui/app.h"

struct refresh {
	int64_t		  started;	/* loop ms */
	struct source	**waiting;	/* borrowed from the poller */
	size_t		  nwaiting;
	size_t		  total;
	size_t		  nfailed;
	struct buf	  failed;	/* "name: error; ..." */
};

/* Forget a refresh in progress (a new context, the end). */
void
app_refresh_free(struct app *a)
{
	if (a->refresh == NULL)
		return;
	free(a->refresh->waiting);
	buf_done(&a->refresh->failed);
	free(a->refresh);
	a->refresh = NULL;
}

/* 'r': ask every source now and wait for each one's answer. */
void
app_refresh(struct app *a)
{
	struct refresh	*r;
	struct source	*s;

	app_refresh_free(a);
	if (a->poller == NULL || poller_first(a->poller) == NULL) {
		app_message(a, "no source to refresh in this context");
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->started = loop_now_ms(a->loop);
	buf_init(&r->failed, 0);
	for (s = poller_first(a->poller); s != NULL; s = poller_next(s)) {
		r->waiting = xreallocarray(r->waiting, r->nwaiting + 1,
		    sizeof *r->waiting);
		r->waiting[r->nwaiting++] = s;
	}
	r->total = r->nwaiting;
	a->refresh = r;
	poller_refresh_now(a->poller);
	app_message(a, "refreshing %zu source%s%s", r->total, r->total == 1 ?
	    "" : "s", "...");
}

/* A source's round was stored: tick it off, report when all are in. */
void
app_refresh_note(struct app *a, struct source *s)
{
	struct refresh	*r = a->refresh;
	char		 took[32];
	size_t		 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nwaiting && r->waiting[i] != s; i++)
		;
	if (i == r->nwaiting)
		return;
	r->waiting[i] = r->waiting[--r->nwaiting];
	if (!s->done_ok) {
		buf_printf(&r->failed, "%s%s: %s", r->nfailed > 0 ? "; " : "",
		    s->name, s->error != NULL ? s->error : "failed");
		r->nfailed++;
	}
	if (r->nwaiting > 0)
		return;
	vocab_duration(loop_now_ms(a->loop) - r->started, took, sizeof took);
	if (r->nfailed == 0)
		app_message(a, "refreshed in %s: %s %zu source%s answered",
		    took, r->total == 1 ? "the" : r->total == 2 ? "both" :
		    "all", r->total, r->total == 1 ? "" : "s");
	else
		app_message(a, "refreshed in %s: %zu of %zu source%s failed: %s",
		    took, r->nfailed, r->total, r->total == 1 ? "" : "s",
		    buf_str(&r->failed));
	app_refresh_free(a);
}
