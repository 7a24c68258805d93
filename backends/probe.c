/*
 * probe.c: the HTTP probe source.  Every probe is a GET with its own
 * timeout; its status, latency and, on failure, a short sanitised excerpt
 * of the body are stored.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/http.h"
#include "backends/probe.h"
#include "core/conf.h"
#include "core/store.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

#define PROBE_EXCERPT	120	/* bytes of body kept on failure */

struct probe_one {
	struct probe_state		*st;
	const struct conf_probe		*conf;
	int				 id;
	int				 ok;
	long				 status;
	int64_t				 latency_ms;
	char				*excerpt;
	char				*error;
	char				*url;	/* without userinfo */
};

struct probe_state {
	struct probe_one	*probes;
	size_t			 n;
	size_t			 pending;
	struct source		*src;
};

/* Forget one probe's outcome. */
static void
probe_clear(struct probe_one *p)
{
	free(p->excerpt);
	free(p->error);
	p->excerpt = p->error = NULL;
	p->ok = 0;
	p->status = 0;
	p->latency_ms = 0;
}

/* Every probe has an outcome. */
static void
probe_finish(struct probe_state *st)
{
	source_done(st->src, 1, NULL, NULL, (int64_t)st->n);
}

/* A probe's answer. */
static void
probe_done(const struct http_response *res, void *arg)
{
	struct probe_one	*p = arg;
	char			*raw;
	size_t			 n;

	p->id = 0;
	if (res->kind == HTTP_ERR_CANCELLED)
		return;
	p->latency_ms = res->latency_ms;
	if (!res->ok) {
		p->error = xstrdup(res->error);
	} else {
		p->status = res->status;
		p->ok = res->status == p->conf->expect_status;
		if (!p->ok && (res->status == 401 || res->status == 403)) {
			/* A refusal's body is not kept: it may echo the URL. */
			p->error = xasprintf("HTTP %ld, expected %d: %s",
			    res->status, p->conf->expect_status,
			    res->status == 401 ? "unauthorized: check the "
			    "credentials in the URL" : "forbidden: check what "
			    "the credentials are allowed");
		} else if (!p->ok) {
			n = res->body_len < PROBE_EXCERPT ? res->body_len :
			    PROBE_EXCERPT;
			raw = xstrndup(res->body, n);
			p->excerpt = sanitize_terminal(raw, 0);
			free(raw);
			p->error = xasprintf("HTTP %ld, expected %d",
			    res->status, p->conf->expect_status);
		}
	}
	if (--p->st->pending == 0)
		probe_finish(p->st);
}

/* Start every probe. */
static void
probe_refresh(struct source *s)
{
	struct probe_state	*st = s->state;
	struct http_request	 hr;
	char			*cause = NULL;
	size_t			 i;

	st->pending = st->n;
	for (i = 0; i < st->n; i++) {
		struct probe_one	*p = &st->probes[i];

		probe_clear(p);
		memset(&hr, 0, sizeof hr);
		hr.url = p->conf->url;
		hr.timeout_ms = p->conf->timeout_ms;
		hr.connect_timeout_ms = p->conf->timeout_ms;
		hr.max_body = 1024 * 1024;
		hr.group = s->name;
		p->id = http_submit(s->http, &hr, probe_done, p, &cause);
		if (p->id < 0) {
			p->id = 0;
			p->error = cause;
			cause = NULL;
			st->pending--;
		}
	}
	if (st->pending == 0)
		probe_finish(st);
}

/* Abort the probes in flight. */
static void
probe_cancel(struct source *s)
{
	struct probe_state	*st = s->state;
	size_t			 i;

	for (i = 0; i < st->n; i++) {
		if (st->probes[i].id > 0)
			http_cancel(s->http, st->probes[i].id);
		st->probes[i].id = 0;
	}
	st->pending = 0;
}

/* Write every probe's outcome, replacing the context's probes. */
static int
probe_store(struct source *s, struct cache *cache, int64_t now_ms,
    char **cause)
{
	struct probe_state	*st = s->state;
	struct store_probe	*rows;
	size_t			 i;
	int			 rc;

	rows = xcalloc(st->n + 1, sizeof *rows);
	for (i = 0; i < st->n; i++) {
		struct probe_one	*p = &st->probes[i];

		rows[i].name = p->conf->name;
		rows[i].url = p->url;
		rows[i].service = p->conf->service;
		rows[i].ok = p->ok;
		rows[i].status = p->status != 0 ? (int64_t)p->status :
		    STORE_NULL;
		rows[i].latency_ms = p->latency_ms;
		rows[i].excerpt = p->excerpt;
		rows[i].error = p->error;
		rows[i].checked_ms = now_ms;
	}
	rc = store_probes(cache, s->context, rows, st->n, cause);
	free(rows);
	return rc;
}

/* Keep the outcomes until the next round; nothing to forget. */
static void
probe_reset(struct source *s)
{
	(void)s;
}

/* Free the probes. */
static void
probe_free(struct source *s)
{
	struct probe_state	*st = s->state;
	size_t			 i;

	if (st == NULL)
		return;
	probe_cancel(s);
	for (i = 0; i < st->n; i++) {
		probe_clear(&st->probes[i]);
		free(st->probes[i].url);
	}
	free(st->probes);
	free(st);
	s->state = NULL;
}

static const struct backend_ops probe_ops = {
	"probe",
	probe_refresh,
	probe_store,
	probe_reset,
	probe_cancel,
	probe_free,
	1
};

/* Make s the probe source for n probes. */
void
probe_source_init(struct source *s, const struct conf_probe *probes,
    size_t n)
{
	struct probe_state	*st;
	size_t			 i;

	st = xcalloc(1, sizeof *st);
	st->src = s;
	st->probes = xcalloc(n, sizeof *st->probes);
	st->n = n;
	for (i = 0; i < n; i++) {
		st->probes[i].st = st;
		st->probes[i].conf = &probes[i];
		st->probes[i].url = http_redact_url(probes[i].url);
	}
	s->ops = &probe_ops;
	s->state = st;
	s->items_what = "probes";
}
