/*
 * fake_world.h: a world for the action gate that the test answers by
 * hand (core/action.h), for the unit tests of the gate and of what is
 * built on it.  Each write is held until fake_answer(); every silence
 * asked for is kept, its matchers as text, so a test can say what would
 * have reached Alertmanager.
 */
#ifndef SITREP_TEST_FAKE_WORLD_H
#define SITREP_TEST_FAKE_WORLD_H

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/action.h"
#include "core/silence.h"

#define FAKE_MAX	32

struct fake_world {
	int			 calls;
	int			 cancelled;
	/* Writes not answered yet, oldest first. */
	action_done_cb		 done[FAKE_MAX];
	void			*arg[FAKE_MAX];
	int			 npending;
	char			*last_author;
	char			*last_id;
	char			*last_comment;
	char			*asked[FAKE_MAX];	/* "M until E" or "expire ID" */
	int			 nasked;
	int64_t			 last_ends;
	int64_t			 last_starts;
};

/* Remember a write to answer later. */
static void
fake_hold(struct fake_world *w, action_done_cb done, void *arg)
{
	if (w->npending < FAKE_MAX) {
		w->done[w->npending] = done;
		w->arg[w->npending++] = arg;
	}
}

static void
fake_note(struct fake_world *w, char *what)
{
	if (w->nasked < FAKE_MAX)
		w->asked[w->nasked++] = what;
	else
		free(what);
}

static void
fake_silence(void *impl, const struct action_silence *s, action_done_cb done,
    void *arg)
{
	struct fake_world	*w = impl;
	char			*m;

	w->calls++;
	free(w->last_author);
	w->last_author = xstrdup(s->created_by);
	free(w->last_id);
	w->last_id = s->id != NULL ? xstrdup(s->id) : NULL;
	free(w->last_comment);
	w->last_comment = xstrdup(s->comment);
	w->last_ends = s->ends_ms;
	w->last_starts = s->starts_ms;
	m = matchers_format(s->matchers);
	fake_note(w, xasprintf("%s%s%s", s->id != NULL ? s->id : "",
	    s->id != NULL ? " " : "", m));
	free(m);
	fake_hold(w, done, arg);
}

static void
fake_expire(void *impl, const char *id, action_done_cb done, void *arg)
{
	struct fake_world	*w = impl;

	w->calls++;
	fake_note(w, xasprintf("expire %s", id));
	fake_hold(w, done, arg);
}

static void
fake_cancel(void *impl)
{
	struct fake_world	*w = impl;

	w->cancelled++;
	w->npending = 0;
}

/* The world's table for a gate. */
static struct action_world
fake_world_of(struct fake_world *w)
{
	struct action_world	aw;

	memset(w, 0, sizeof *w);
	aw.name = "fake";
	aw.impl = w;
	aw.silence = fake_silence;
	aw.expire = fake_expire;
	aw.cancel = fake_cancel;
	return aw;
}

/* Answer the oldest write in flight. */
static void
fake_answer(struct fake_world *w, enum action_status st, const char *msg,
    const char *id)
{
	struct action_result	r;
	action_done_cb		done;
	void			*arg;

	if (w->npending == 0)
		return;
	done = w->done[0];
	arg = w->arg[0];
	memmove(w->done, w->done + 1, (size_t)(w->npending - 1) *
	    sizeof *w->done);
	memmove(w->arg, w->arg + 1, (size_t)(w->npending - 1) *
	    sizeof *w->arg);
	w->npending--;
	memset(&r, 0, sizeof r);
	r.status = st;
	r.message = msg;
	r.id = id;
	done(&r, arg);
}

/* Free what the world kept. */
static void
fake_world_done(struct fake_world *w)
{
	int	i;

	for (i = 0; i < w->nasked; i++)
		free(w->asked[i]);
	free(w->last_author);
	free(w->last_id);
	free(w->last_comment);
}

#endif
