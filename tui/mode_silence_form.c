/*
 * mode_silence_form.c: the silence form, opened by 's' on an incident.
 *
 * A page over the panels with four fields: the matchers (prefilled with
 * the labels every alert of the incident shares, in Alertmanager's text
 * syntax), how long (2h; a duration or an RFC 3339 end time), why (a
 * comment, required) and who (the gate's actor).  The matchers and the
 * duration are read as they are typed, and what is wrong with them is
 * said under the field.  Tab and S-Tab (or Up and Down) move between
 * the fields; Enter moves on, and on the last field shows the preview:
 * how many of the alerts listed now the silence would hold, and which.
 * y then creates it through the gate (app_silence, tui/act.c): the form
 * closes and the footer tells the outcome.  A silence that would hold
 * nothing says so and asks for y a second time.  Any other key in the
 * preview goes back to the form; Esc in the form closes it and writes
 * nothing.  Every key typed goes into the form: none reaches the
 * console's own keys (q types q).
 *
 * The form owns what it shows: the incident's id and title are copied
 * when it opens, and the preview is read from the cache when asked for
 * (on Enter, never per paint), off the loop by the thread that builds the
 * views (app_read_ask, tui/rebuild.c: it reads every alert of the
 * context, tens of milliseconds in a big world).  Until it is in, the
 * form says it is reading; y waits for it, any other key goes back to
 * the form.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include <cJSON.h>

#include "backends/runtime.h"
#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/conf.h"
#include "core/silence.h"
#include "core/views.h"
#include "core/views_detail.h"
#include "core/views_silences.h"
#include "core/vocab.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/layout.h"
#include "tui/mode.h"

#define SF_TEXT_MAX	1000		/* characters in a field */
#define SF_LABEL_W	10		/* columns of the field names */
#define SF_FOR_MS	(2 * 3600 * 1000LL)	/* the default duration */
#define SF_SHOWN	8		/* alerts named in the preview */

enum sf_field_id {
	SF_MATCHERS,
	SF_DURATION,
	SF_COMMENT,
	SF_AUTHOR,
	SF_NFIELDS
};

enum sf_step {
	SF_EDIT,
	SF_READING,		/* the preview is being read */
	SF_PREVIEW,		/* y creates */
	SF_CONFIRM_EMPTY	/* it holds nothing: y once more */
};

struct sf_field {
	const char	*name;
	wchar_t		 text[SF_TEXT_MAX + 1];
	size_t		 len;
	char		*error;		/* what is wrong, or NULL */
	char		*hint;		/* how it reads, or NULL */
	int		 required;	/* the error is "required" only */
};

struct sform {
	struct mode			 mode;
	struct app			*app;
	struct app_read			*rd;	/* the preview, being read */
	char				*title;
	struct sf_field			 f[SF_NFIELDS];
	int				 cur;
	enum sf_step			 step;
	int				 tried;	/* Enter on the last field */
	struct matchers			 m;	/* the matchers, as parsed */
	int64_t				 for_ms;	/* or */
	int64_t				 ends_ms;	/* 0: for_ms */
	struct view_silence_preview	*pv;
	int				 cy, cx;	/* the cursor */
};

/* The text of field f as UTF-8, in a new string. */
static char *
sf_text(const struct sf_field *f)
{
	size_t	 len = f->len * MB_CUR_MAX + 1;
	char	*out = xmalloc(len);

	if (wcstombs(out, f->text, len) == (size_t)-1)
		out[0] = '\0';
	return out;
}

/* Replace the text of field f with UTF-8 s (cut at the limit). */
static void
sf_set(struct sf_field *f, const char *s)
{
	size_t	n = mbstowcs(f->text, s, SF_TEXT_MAX);

	f->len = n == (size_t)-1 ? 0 : n;
	f->text[f->len] = L'\0';
}

/* Whether s is only blanks. */
static int
sf_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Set field f's error (taken) and hint (taken); either may be NULL. */
static void
sf_say(struct sf_field *f, char *error, char *hint)
{
	free(f->error);
	free(f->hint);
	f->error = error;
	f->hint = hint;
	f->required = 0;
}

/* Read the matchers as typed. */
static void
sf_check_matchers(struct sform *p)
{
	struct sf_field	*f = &p->f[SF_MATCHERS];
	struct matchers	 m;
	char		*text = sf_text(f), *cause = NULL;

	matchers_init(&m);
	if (sf_blank(text))
		sf_say(f, xstrdup("give at least one matcher, such as "
		    "alertname=\"HighLatency\""), NULL);
	else if (matchers_parse(&m, text, &cause) != 0)
		sf_say(f, cause, NULL);
	else if (m.n == 0)
		sf_say(f, xstrdup("give at least one matcher, such as "
		    "alertname=\"HighLatency\""), NULL);
	else {
		sf_say(f, NULL, xasprintf("%zu %s; =, !=, =~ and !~ as in "
		    "Alertmanager", m.n, vocab_plural(m.n, "matcher",
		    "matchers")));
		matchers_done(&p->m);
		p->m = m;
		matchers_init(&m);
	}
	matchers_done(&m);
	free(text);
}

/* Read the duration (or end time) as typed, at now. */
static void
sf_check_duration(struct sform *p, struct app *a)
{
	struct sf_field	*f = &p->f[SF_DURATION];
	char		*text = sf_text(f), *cause = NULL, *w;
	char		 t[40], d[32], lim[32];
	int64_t		 now = app_now_ms(a), ms, end;
	size_t		 n;

	/* Blanks around it go; blanks inside make it unreadable. */
	w = text + strspn(text, " \t");
	for (n = strlen(w); n > 0 && (w[n - 1] == ' ' || w[n - 1] == '\t');
	    n--)
		w[n - 1] = '\0';
	p->for_ms = 0;
	p->ends_ms = 0;
	if (util_parse_rfc3339(w, &end) == 0) {
		if (end <= now) {
			sf_say(f, xstrdup("that end time has passed; give a "
			    "later one, or a duration such as 2h"), NULL);
			goto out;
		}
		p->ends_ms = end;
		ms = end - now;
	} else if (util_parse_duration(w, &ms, &cause) == 0 && ms > 0) {
		p->for_ms = ms;
		end = now + ms;
	} else {
		free(cause);
		sf_say(f, xstrdup("write a duration (30m, 2h, 1d) or an end "
		    "time (2026-12-01T18:00:00Z)"), NULL);
		goto out;
	}
	if (a->conf != NULL && a->conf->silence_max_ms > 0 &&
	    ms > a->conf->silence_max_ms)
		sf_say(f, NULL, xasprintf("ends %s, lasts %s: longer than %s "
		    "(silences.max_duration), it will be flagged",
		    util_format_rfc3339(end, t, sizeof t),
		    vocab_duration(ms, d, sizeof d),
		    vocab_duration(a->conf->silence_max_ms, lim, sizeof lim)));
	else
		sf_say(f, NULL, xasprintf("ends %s, lasts %s",
		    util_format_rfc3339(end, t, sizeof t),
		    vocab_duration(ms, d, sizeof d)));
out:
	free(text);
}

/* A required field: "required" while it is blank. */
static void
sf_check_required(struct sf_field *f, const char *why)
{
	char	*text = sf_text(f);

	if (sf_blank(text)) {
		sf_say(f, xasprintf("required: %s", why), NULL);
		f->required = 1;
	} else
		sf_say(f, NULL, NULL);
	free(text);
}

/* Read field i as it stands now. */
static void
sf_check(struct sform *p, struct app *a, int i)
{
	switch (i) {
	case SF_MATCHERS:
		sf_check_matchers(p);
		break;
	case SF_DURATION:
		sf_check_duration(p, a);
		break;
	case SF_COMMENT:
		sf_check_required(&p->f[i], "say why, for whoever finds it");
		break;
	default:
		sf_check_required(&p->f[i], "who is silencing");
		break;
	}
}

/*
 * The field's text in w columns at x; the field being edited shows its
 * tail when it is wider, so the cursor stays in sight, the others their
 * start.  Returns where the cursor goes.
 */
static int
sf_draw_value(const struct sf_field *f, int y, int x, int w, int active)
{
	struct sf_field	 tail;
	size_t		 from = f->len;
	int		 used = 0, cw;
	char		*text;

	while (active && from > 0) {
		cw = wcwidth(f->text[from - 1]);
		cw = cw < 0 ? 2 : cw;
		if (used + cw > w - 1)
			break;
		used += cw;
		from--;
	}
	if (!active)
		from = 0;
	memset(&tail, 0, sizeof tail);
	wmemcpy(tail.text, f->text + from, f->len - from);
	tail.len = f->len - from;
	text = sf_text(&tail);
	draw_cell(stdscr, y, x, w, "", active ? theme_attr(SLOT_SELECTED) :
	    0);
	used = draw_text(stdscr, y, x, w, text, active ?
	    theme_attr(SLOT_SELECTED) : theme_attr(SLOT_NORMAL));
	free(text);
	return x + used;
}

/* "alertname (severity): label=value, ..." of an alert previewed. */
static void
sf_alert_line(const struct view_silence_alert *al, struct buf *b)
{
	struct view_pair	*pairs;
	size_t			 k, n, shown = 0;
	int			 more = 0;

	buf_reset(b);
	buf_printf(b, "%s", al->alertname);
	if (al->severity != NULL)
		buf_printf(b, " (%s)", al->severity);
	pairs = views_pairs(al->labels, &n);
	for (k = 0; k < n; k++) {
		if (strcmp(pairs[k].key, "alertname") == 0 ||
		    strcmp(pairs[k].key, "severity") == 0)
			continue;
		if (shown == 4) {
			more = 1;
			break;
		}
		buf_printf(b, "%s%s=%s", shown++ == 0 ? ": " : ", ",
		    pairs[k].key, pairs[k].value);
	}
	if (more)
		buf_printf(b, ", %s", draw_ellipsis());
	views_pairs_free(pairs, n);
	if (al->silenced)
		buf_puts(b, "  (silenced already)");
}

/* The preview under the form, from row y to below (h rows). */
static void
sf_draw_preview(struct sform *p, struct app *a, int y, int x, int w, int h)
{
	struct view_silence_preview	*pv = p->pv;
	struct buf			 b;
	const char			*world;
	size_t				 i, room;
	int				 y0 = y;

	if (h <= 0)
		return;
	world = runtime_gate(a->rt) != NULL ?
	    action_gate_world(runtime_gate(a->rt)) : NULL;
	buf_init(&b, 0);
	if (pv->nmatch == 0)
		buf_printf(&b, "matches no firing alert now: this silence "
		    "would hold nothing");
	else
		buf_printf(&b, "matches %ld firing %s now", pv->nmatch,
		    vocab_plural((size_t)pv->nmatch, "alert", "alerts"));
	if (pv->nsilenced > 0)
		buf_printf(&b, " (%ld silenced already)", pv->nsilenced);
	draw_text(stdscr, y++, x, w, buf_str(&b), theme_attr(pv->nmatch == 0 ?
	    SLOT_WARN : SLOT_TITLE) | A_BOLD);
	/* Two rows stay for the question. */
	room = h > 4 ? (size_t)(h - 4) : 0;
	if (room > SF_SHOWN)
		room = SF_SHOWN;
	for (i = 0; i < pv->nalerts && i < room; i++) {
		sf_alert_line(&pv->alerts[i], &b);
		draw_text(stdscr, y++, x + 2, w - 2, buf_str(&b),
		    theme_attr(SLOT_NORMAL));
	}
	if ((size_t)pv->nmatch > i && y - y0 < h - 2) {
		buf_reset(&b);
		buf_printf(&b, "and %zu more", (size_t)pv->nmatch - i);
		draw_text(stdscr, y++, x + 2, w - 2, buf_str(&b),
		    theme_attr(SLOT_DIM));
	}
	y++;
	buf_reset(&b);
	if (p->step == SF_CONFIRM_EMPTY)
		buf_printf(&b, "It silences nothing now. Create it anyway? "
		    "y creates it, any other key goes back to the form");
	else if (pv->nmatch == 0)
		buf_printf(&b, "y, then y again, creates it%s%s; any other "
		    "key goes back to the form", world != NULL ? " in " : "",
		    world != NULL ? world : "");
	else
		buf_printf(&b, "y creates it%s%s; any other key goes back to "
		    "the form", world != NULL ? " in " : "",
		    world != NULL ? world : "");
	if (y - y0 < h) {
		p->cx = draw_text(stdscr, y, x, w, buf_str(&b),
		    theme_attr(SLOT_WARN) | A_BOLD) + x;
		p->cy = y;
	}
	buf_done(&b);
}

/* The form (and the preview) over the panels. */
static void
sf_draw(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct sform	*p = (struct sform *)m;
	struct sf_field	*f;
	int		 h = r->h - 2, w = r->w - 4, y = r->y + 1, x = r->x + 2;
	int		 vx = x + SF_LABEL_W, vw = w - SF_LABEL_W, i, end;

	draw_box(stdscr, r->y, r->x, r->h, r->w, p->title,
	    theme_attr(SLOT_ACCENT), theme_attr(SLOT_TITLE) | A_BOLD);
	p->cy = r->y + 1;
	p->cx = x;
	if (h <= 0 || vw < 8)
		return;
	for (i = 0; i < SF_NFIELDS && y < r->y + 1 + h; i++) {
		f = &p->f[i];
		draw_text(stdscr, y, x, SF_LABEL_W - 1, f->name,
		    theme_attr(i == p->cur && p->step == SF_EDIT ?
		    SLOT_ACCENT : SLOT_DIM) | (i == p->cur ? A_BOLD : 0));
		end = sf_draw_value(f, y, vx, vw, i == p->cur &&
		    p->step == SF_EDIT);
		if (i == p->cur) {
			p->cy = y;
			p->cx = end < vx + vw ? end : vx + vw - 1;
		}
		y++;
		if (y >= r->y + 1 + h)
			break;
		if (f->error != NULL)
			draw_text(stdscr, y, vx, vw, f->error, theme_attr(
			    f->required && !p->tried ? SLOT_DIM : SLOT_CRIT));
		else if (f->hint != NULL)
			draw_text(stdscr, y, vx, vw, f->hint,
			    theme_attr(SLOT_DIM));
		y += 2;
	}
	if (y >= r->y + 1 + h)
		return;
	if (p->step == SF_READING) {
		draw_text(stdscr, y, x, w, "reading which alerts it would "
		    "hold now...  any key but y: back to the form",
		    theme_attr(SLOT_DIM));
		return;
	}
	if (p->step == SF_EDIT || p->pv == NULL) {
		draw_text(stdscr, y, x, w, "Tab, S-Tab: next, previous field  "
		    "Enter: next (on the last: preview)  C-u: clear  "
		    "Esc: cancel, nothing is written", theme_attr(SLOT_DIM));
		return;
	}
	sf_draw_preview(p, a, y, x, w, r->y + 1 + h - y);
}

/* The footer: what the keys do now; the cursor in the form. */
static void
sf_footer(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct sform	*p = (struct sform *)m;

	(void)a;
	draw_text(stdscr, r->y, 0, r->w, p->step == SF_EDIT ?
	    " Tab/S-Tab field  Enter next/preview  Esc cancel" :
	    p->step == SF_READING ? " reading the preview  any key but y: "
	    "back to the form" : " y create  any other key: back to the form",
	    theme_attr(SLOT_DIM));
	move(p->cy, p->cx);
}

/* What a read of the preview needs: its own copy, the form goes on. */
struct sf_ask {
	char		*context;
	struct matchers	 m;
};

/* On the builder thread: read the preview. */
static void *
sf_read(struct cache *c, const struct conf *conf, void *arg, char **cause)
{
	struct sf_ask	*q = arg;

	(void)conf;
	return views_silence_preview(c, q->context, &q->m, cause);
}

/* Free a read's copy. */
static void
sf_ask_free(void *arg)
{
	struct sf_ask	*q = arg;

	free(q->context);
	matchers_done(&q->m);
	free(q);
}

/* Free a preview read for a form that went back or closed meanwhile. */
static void
sf_result_free(void *pv)
{
	views_silence_preview_free(pv);
}

/* The preview is in: show it, or say why not and stay in the form. */
static void
sf_read_done(struct app *a, void *result, char *cause, void *owner)
{
	struct sform	*p = owner;

	p->rd = NULL;
	if (result == NULL) {
		app_message(a, "%s", cause);
		free(cause);
		p->step = SF_EDIT;
	} else {
		p->pv = result;
		p->step = SF_PREVIEW;
	}
	a->dirty = 1;
}

static const struct app_read_ops sf_read_ops = {
	.read = sf_read,
	.done = sf_read_done,
	.free_result = sf_result_free,
	.free_arg = sf_ask_free,
};

/* Enter on the last field: check everything, then the preview. */
static void
sf_submit(struct sform *p, struct app *a)
{
	struct sf_ask	*q;
	int		 i, bad = -1;

	p->tried = 1;
	for (i = 0; i < SF_NFIELDS; i++) {
		sf_check(p, a, i);
		if (p->f[i].error != NULL && bad < 0)
			bad = i;
	}
	if (bad >= 0) {
		p->cur = bad;
		app_message(a, "%s: %s", p->f[bad].name, p->f[bad].error);
		return;
	}
	views_silence_preview_free(p->pv);
	p->pv = NULL;
	q = xcalloc(1, sizeof *q);
	q->context = xstrdup(a->ctx->name);
	matchers_init(&q->m);
	for (i = 0; (size_t)i < p->m.n; i++)
		matchers_add(&q->m, p->m.v[i].name, p->m.v[i].op,
		    p->m.v[i].value);
	p->step = SF_READING;
	p->rd = app_read_ask(a, &sf_read_ops, q, p);
}

/* y in the preview: create it (the form closes first). */
static void
sf_create(struct sform *p, struct app *a)
{
	char	*comment = sf_text(&p->f[SF_COMMENT]);
	char	*author = sf_text(&p->f[SF_AUTHOR]);

	/* The duration counts from the moment it is written. */
	app_silence(a, &p->m, p->for_ms, p->ends_ms, comment, author);
	free(comment);
	free(author);
	app_pop(a);
}

/* A key in the preview: y goes on, anything else back to the form. */
static int
sf_preview_key(struct sform *p, struct app *a, wint_t ch, int is_key)
{
	if (p->step == SF_READING && !is_key && (ch == L'y' || ch == L'Y')) {
		/* Nothing is created unseen. */
		app_message(a, "the preview is being read: y once it shows");
		return KEY_HANDLED | KEY_REDRAW;
	}
	if (p->step == SF_READING) {
		app_read_cancel(a, p->rd);
		p->rd = NULL;
		p->step = SF_EDIT;
		return KEY_HANDLED | KEY_REDRAW;
	}
	if (!is_key && (ch == L'y' || ch == L'Y')) {
		if (p->step == SF_PREVIEW && p->pv->nmatch == 0)
			p->step = SF_CONFIRM_EMPTY;
		else
			sf_create(p, a);
		return KEY_HANDLED | KEY_REDRAW;
	}
	p->step = SF_EDIT;
	views_silence_preview_free(p->pv);
	p->pv = NULL;
	return KEY_HANDLED | KEY_REDRAW;
}

/* Every key goes into the form; none reaches the console's keys. */
static int
sf_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct sform	*p = (struct sform *)m;
	struct sf_field	*f = &p->f[p->cur];

	if (p->step != SF_EDIT)
		return sf_preview_key(p, a, ch, is_key);
	if (!is_key && ch == 27) {
		app_message(a, "silence not created: the form was closed, "
		    "nothing was written");
		app_pop(a);
		return KEY_HANDLED | KEY_REDRAW;
	}
	if ((!is_key && ch == L'\t') || (is_key && ch == KEY_DOWN))
		p->cur = (p->cur + 1) % SF_NFIELDS;
	else if (is_key && (ch == KEY_BTAB || ch == KEY_UP))
		p->cur = (p->cur + SF_NFIELDS - 1) % SF_NFIELDS;
	else if ((!is_key && (ch == L'\r' || ch == L'\n')) ||
	    (is_key && ch == KEY_ENTER)) {
		if (p->cur + 1 < SF_NFIELDS)
			p->cur++;
		else
			sf_submit(p, a);
	} else if ((is_key && ch == KEY_BACKSPACE) ||
	    (!is_key && (ch == 127 || ch == 8))) {
		if (f->len > 0)
			f->text[--f->len] = L'\0';
		sf_check(p, a, p->cur);
	} else if (!is_key && ch == 21) {	/* C-u */
		f->len = 0;
		f->text[0] = L'\0';
		sf_check(p, a, p->cur);
	} else if (!is_key && ch >= 32 && ch != 127 && iswprint(ch)) {
		if (f->len < SF_TEXT_MAX) {
			f->text[f->len++] = (wchar_t)ch;
			f->text[f->len] = L'\0';
		}
		sf_check(p, a, p->cur);
	}
	return KEY_HANDLED | KEY_REDRAW;
}

/* Free the form. */
static void
sf_free(struct mode *m)
{
	struct sform	*p = (struct sform *)m;
	int		 i;

	for (i = 0; i < SF_NFIELDS; i++) {
		free(p->f[i].error);
		free(p->f[i].hint);
	}
	app_read_cancel(p->app, p->rd);
	matchers_done(&p->m);
	views_silence_preview_free(p->pv);
	free(p->title);
	free(p);
}

static const struct mode_ops sf_ops = {
	.name = "silence form",
	.draw = sf_draw,
	.footer = sf_footer,
	.key = sf_key,
	.free = sf_free,
};

/*
 * The labels every alert of inc shares (name="value", in the first
 * alert's order), as matchers text; "" when they share none.
 */
static char *
sf_shared(struct app *a, const struct view_incident *inc)
{
	struct matchers	 m;
	cJSON		*first, *other, *item, *v;
	size_t		 i;
	char		*out;
	int		 all;

	matchers_init(&m);
	first = cJSON_Parse(a->views->alerts[inc->alerts[0]].labels);
	for (item = first != NULL ? first->child : NULL; item != NULL;
	    item = item->next) {
		if (!cJSON_IsString(item) || item->string == NULL)
			continue;
		all = 1;
		for (i = 1; i < inc->nalerts && all; i++) {
			other = cJSON_Parse(
			    a->views->alerts[inc->alerts[i]].labels);
			v = cJSON_GetObjectItemCaseSensitive(other,
			    item->string);
			all = cJSON_IsString(v) &&
			    strcmp(v->valuestring, item->valuestring) == 0;
			cJSON_Delete(other);
		}
		if (all)
			matchers_add(&m, item->string, MATCH_EQ,
			    item->valuestring);
	}
	cJSON_Delete(first);
	out = matchers_format(&m);
	matchers_done(&m);
	return out;
}

/* The silence form of an incident; see mode.h. */
struct mode *
mode_silence_form_new(struct app *a, const struct view_incident *inc,
    char **cause)
{
	struct action_gate	*g = runtime_gate(a->rt);
	struct sform		*p;
	char			*shared, d[32];
	int			 i;

	if (g == NULL) {
		*cause = app_read_only_reason(a);
		return NULL;
	}
	if (inc->nalerts == 0) {
		*cause = xasprintf("incident %s has no alerts to silence",
		    inc->id);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->mode.ops = &sf_ops;
	p->app = a;
	matchers_init(&p->m);
	p->title = xasprintf("Silence incident %s: %s", inc->id,
	    inc->title != NULL ? inc->title : inc->key);
	p->f[SF_MATCHERS].name = "Matchers";
	p->f[SF_DURATION].name = "For";
	p->f[SF_COMMENT].name = "Comment";
	p->f[SF_AUTHOR].name = "Author";
	shared = sf_shared(a, inc);
	sf_set(&p->f[SF_MATCHERS], shared);
	free(shared);
	sf_set(&p->f[SF_DURATION], util_format_duration(SF_FOR_MS, d,
	    sizeof d));
	sf_set(&p->f[SF_AUTHOR], action_gate_actor(g));
	for (i = 0; i < SF_NFIELDS; i++)
		sf_check(p, a, i);
	/* The comment is what is left to write. */
	p->cur = SF_COMMENT;
	return &p->mode;
}
