/*
 * mode_logs.c: a pod's log over the panels, what `l` (and `p`, the
 * previous container's) opens on a pod's line of a service's page.
 *
 * The page says "loading..." at once; the read goes through the runtime
 * (runtime_pod_logs: the context's cluster, or the simulator), whose
 * answer arrives from the loop already capped and sanitised.  The page
 * copies what it shows, so it holds no pointer into the answer; the only
 * pointers it holds out are the read in flight and the follow timer, both
 * dropped when it closes, and by app_logs_stop() before the context's
 * client or the loop goes away.  Each open log page is on the app's list
 * for that.
 *
 * p switches between the previous and the current container, c to the
 * pod's next container, f re-reads every two seconds appending only the
 * lines after those shown (at most KUBE_LOGS_MAX_LINES kept), / searches
 * (a match highlighted, n and N move between matching lines).
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kube.h"
#include "backends/runtime.h"
#include "base/buf.h"
#include "base/width.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/loop.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/scroll.h"

#define LOGS_FOLLOW_MS	2000	/* between reads while following */
#define LOGS_OVERLAP	3	/* lines that find the old end in a re-read */

struct tui_logs {
	struct mode		 mode;
	struct app		*a;
	struct tui_logs		*next;		/* the app's list */
	char			*context;
	char			*ns;
	char			*pod;
	char			*container;	/* asked for; NULL: the default */
	char			*shown;		/* the lines' container */
	int			 previous;
	char			**containers;	/* the pod's, as read */
	size_t			 ncontainers;
	char			*note;		/* "Defaulted container ..." */
	char			*error;		/* the last read's, or NULL */
	char			**lines;
	size_t			 nlines;
	int			 truncated;
	int			 loading;	/* a new read, nothing yet */
	struct kube_logs_call	*call;		/* the read in flight */
	int			 call_appends;	/* it is a follow's */
	struct loop_timer	*timer;		/* following */
	int			 stopped;	/* the context changed */
	size_t			 top;
	int			 at_end;	/* keep the last line in view */
	char			*search;	/* NULL or "": none */
	long			 match;		/* its current line, or -1 */
};

static void	logs_read(struct tui_logs *, int appends);

/* Free a vector of n strings. */
static void
logs_strings_free(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* Replace *slot with a copy of s (NULL stays NULL). */
static void
logs_set(char **slot, const char *s)
{
	char	*copy = s != NULL ? xstrdup(s) : NULL;

	free(*slot);
	*slot = copy;
}

/*
 * Where needle is in hay, or NULL: ignoring ASCII case unless needle has
 * a capital (as vim's smartcase).
 */
static const char *
logs_find(const char *hay, const char *needle)
{
	size_t		 n = strlen(needle), i;
	int		 icase = 1;
	const char	*h;
	char		 x, y;

	for (i = 0; i < n; i++) {
		if (needle[i] >= 'A' && needle[i] <= 'Z')
			icase = 0;
	}
	if (n == 0)
		return NULL;
	if (!icase)
		return strstr(hay, needle);
	for (h = hay; *h != '\0'; h++) {
		for (i = 0; i < n && h[i] != '\0'; i++) {
			x = h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i];
			y = needle[i] >= 'A' && needle[i] <= 'Z' ?
			    needle[i] + 32 : needle[i];
			if (x != y)
				break;
		}
		if (i == n)
			return h;
	}
	return NULL;
}

/* Whether a search is set. */
static int
logs_searching(const struct tui_logs *l)
{
	return l->search != NULL && l->search[0] != '\0';
}

/* The lines that match, and the current one's place among them (1..). */
static size_t
logs_count(const struct tui_logs *l, size_t *ordinal)
{
	size_t	i, n = 0;

	*ordinal = 0;
	if (!logs_searching(l))
		return 0;
	for (i = 0; i < l->nlines; i++) {
		if (logs_find(l->lines[i], l->search) == NULL)
			continue;
		n++;
		if ((long)i == l->match)
			*ordinal = n;
	}
	return n;
}

/* Rows of the page left for the log's lines (body rectangle height). */
static size_t
logs_rows(void)
{
	/* Box (2), header, status; the console's header and footer (2). */
	return LINES > 6 + 1 ? (size_t)(LINES - 6) : 1;
}

/* Bring line i into view, a third of the way down. */
static void
logs_show_line(struct tui_logs *l, size_t i)
{
	size_t	third = logs_rows() / 3;

	l->top = i > third ? i - third : 0;
	l->at_end = 0;
}

/*
 * Move to the next (dir 1) or previous (-1) matching line from the
 * current one (or from the top of the view), around the end; the footer
 * says which of how many, or that none matches.
 */
static void
logs_jump(struct tui_logs *l, long dir)
{
	long	start, i, n = (long)l->nlines, k;
	size_t	count, ordinal;

	if (!logs_searching(l)) {
		app_message(l->a, "no search: / searches the log");
		return;
	}
	start = l->match >= 0 ? l->match : (dir > 0 ? (long)l->top - 1 :
	    (long)l->top);
	for (k = 1; k <= n; k++) {
		i = ((start + dir * k) % n + n) % n;
		if (logs_find(l->lines[i], l->search) != NULL) {
			l->match = i;
			logs_show_line(l, (size_t)i);
			break;
		}
	}
	count = logs_count(l, &ordinal);
	if (count == 0) {
		l->match = -1;
		app_message(l->a, "no match for '%s'", l->search);
	} else
		app_message(l->a, "match %zu of %zu", ordinal, count);
}

/* Drop the oldest lines beyond the cap, keeping the view and match. */
static void
logs_cap(struct tui_logs *l)
{
	size_t	drop, i;

	if (l->nlines <= KUBE_LOGS_MAX_LINES)
		return;
	drop = l->nlines - KUBE_LOGS_MAX_LINES;
	for (i = 0; i < drop; i++)
		free(l->lines[i]);
	memmove(l->lines, l->lines + drop, (l->nlines - drop) *
	    sizeof *l->lines);
	l->nlines -= drop;
	l->top = l->top > drop ? l->top - drop : 0;
	l->match = l->match >= (long)drop ? l->match - (long)drop : -1;
	l->truncated = 1;
}

/*
 * A re-read while following: the lines after the last LOGS_OVERLAP lines
 * shown, found from the end of the answer; when they are not in it (the
 * log moved on by more than a read), all of it.
 */
static void
logs_append(struct tui_logs *l, char *const *v, size_t n)
{
	size_t	m = l->nlines < LOGS_OVERLAP ? l->nlines : LOGS_OVERLAP;
	size_t	j, k, from = 0;

	if (m > 0) {
		for (j = n; j >= m; j--) {
			for (k = 0; k < m; k++) {
				if (strcmp(v[j - m + k],
				    l->lines[l->nlines - m + k]) != 0)
					break;
			}
			if (k == m) {
				from = j;
				break;
			}
		}
	}
	if (from >= n)
		return;
	l->lines = xreallocarray(l->lines, l->nlines + (n - from),
	    sizeof *l->lines);
	for (j = from; j < n; j++)
		l->lines[l->nlines++] = xstrdup(v[j]);
	logs_cap(l);
}

/* The read's answer, from the loop: copy what the page shows. */
static void
logs_answer(const struct kube_logs *r, void *arg)
{
	struct tui_logs	*l = arg;
	size_t		 i;
	int		 appends = l->call_appends;

	l->call = NULL;
	l->loading = 0;
	l->a->dirty = 1;
	if (r->error != NULL) {
		logs_set(&l->error, r->error);
		if (!appends) {
			logs_strings_free(l->lines, l->nlines);
			l->lines = NULL;
			l->nlines = 0;
			l->match = -1;
		}
		return;
	}
	logs_set(&l->error, NULL);
	if (r->ncontainers > 0) {
		logs_strings_free(l->containers, l->ncontainers);
		l->containers = xcalloc(r->ncontainers, sizeof *l->containers);
		for (i = 0; i < r->ncontainers; i++)
			l->containers[i] = xstrdup(r->containers[i]);
		l->ncontainers = r->ncontainers;
	}
	if (r->container != NULL)
		logs_set(&l->shown, r->container);
	if (r->note != NULL)
		logs_set(&l->note, r->note);
	if (appends) {
		logs_append(l, r->lines, r->nlines);
		l->truncated |= r->truncated;
		return;
	}
	logs_strings_free(l->lines, l->nlines);
	l->lines = xcalloc(r->nlines + 1, sizeof *l->lines);
	for (i = 0; i < r->nlines; i++)
		l->lines[i] = xstrdup(r->lines[i]);
	l->nlines = r->nlines;
	l->truncated = r->truncated;
	l->match = -1;
	l->at_end = 1;
}

/* Start a read (appends: a follow's re-read), dropping one in flight. */
static void
logs_read(struct tui_logs *l, int appends)
{
	struct kube_logs_query	q;

	kube_logs_cancel(l->call);
	l->call = NULL;
	if (l->stopped)
		return;
	if (!appends) {
		l->loading = 1;
		logs_set(&l->error, NULL);
	}
	memset(&q, 0, sizeof q);
	q.ns = l->ns;
	q.pod = l->pod;
	q.container = l->container;
	q.previous = l->previous;
	l->call_appends = appends;
	if (l->a->rt == NULL) {
		l->loading = 0;
		logs_set(&l->error, "no log: this console reads no cluster");
		return;
	}
	l->call = runtime_pod_logs(l->a->rt, &q, logs_answer, l);
}

/* While following: read again unless a read is still under way. */
static int64_t
logs_tick(void *arg)
{
	struct tui_logs	*l = arg;

	if (l->call == NULL && !l->stopped)
		logs_read(l, 1);
	return LOGS_FOLLOW_MS;
}

/* Stop following. */
static void
logs_unfollow(struct tui_logs *l)
{
	if (l->timer != NULL)
		loop_timer_del(l->timer);
	l->timer = NULL;
}

/* f: follow (the end in view, a re-read every two seconds), or stop. */
static void
logs_follow(struct tui_logs *l)
{
	if (l->timer != NULL) {
		logs_unfollow(l);
		app_message(l->a, "stopped following the log");
		return;
	}
	if (l->stopped) {
		app_message(l->a, "the context changed: Esc closes this log");
		return;
	}
	l->timer = loop_timer_add(l->a->loop, LOGS_FOLLOW_MS, logs_tick, l);
	l->at_end = 1;
	app_message(l->a, "following the log: read again every %d s",
	    LOGS_FOLLOW_MS / 1000);
}

/* c: the pod's next container (init ones named without " (init)"). */
static void
logs_next_container(struct tui_logs *l)
{
	size_t		 i, at = 0;
	const char	*cur = l->shown != NULL ? l->shown : l->container;
	char		*name, *sp;

	if (l->ncontainers < 2) {
		if (l->ncontainers == 1)
			app_message(l->a, "pod %s has one container: %s",
			    l->pod, l->containers[0]);
		else
			app_message(l->a, "the containers of pod %s are not "
			    "known yet", l->pod);
		return;
	}
	for (i = 0; i < l->ncontainers && cur != NULL; i++) {
		if (strncmp(l->containers[i], cur, strlen(cur)) == 0 &&
		    (l->containers[i][strlen(cur)] == '\0' ||
		    l->containers[i][strlen(cur)] == ' ')) {
			at = i;
			break;
		}
	}
	name = xstrdup(l->containers[(at + 1) % l->ncontainers]);
	if ((sp = strchr(name, ' ')) != NULL)
		*sp = '\0';
	free(l->container);
	l->container = name;
	logs_set(&l->shown, name);
	logs_set(&l->note, NULL);
	logs_read(l, 0);
}

/* The search as typed: the first match from the view on. */
static void
logs_search_change(struct app *a, const char *text, void *arg)
{
	struct tui_logs	*l = arg;
	size_t		 i;

	logs_set(&l->search, text);
	l->match = -1;
	a->dirty = 1;
	if (!logs_searching(l))
		return;
	for (i = 0; i < l->nlines; i++) {
		if (logs_find(l->lines[(l->top + i) % l->nlines],
		    l->search) != NULL) {
			l->match = (long)((l->top + i) % l->nlines);
			logs_show_line(l, (size_t)l->match);
			break;
		}
	}
}

/* Enter: keep the search; the footer says which match of how many. */
static void
logs_search_enter(struct app *a, const char *text, void *arg)
{
	struct tui_logs	*l = arg;
	size_t		 count, ordinal;

	logs_search_change(a, text, arg);
	if (!logs_searching(l))
		return;
	count = logs_count(l, &ordinal);
	if (count == 0)
		app_message(a, "no match for '%s'", l->search);
	else
		app_message(a, "match %zu of %zu", ordinal, count);
}

/* Esc: no search. */
static void
logs_search_cancel(struct app *a, void *arg)
{
	struct tui_logs	*l = arg;

	logs_set(&l->search, NULL);
	l->match = -1;
	a->dirty = 1;
}

static const struct prompt_ops logs_search_ops = {
	.name = "search",
	.change = logs_search_change,
	.enter = logs_search_enter,
	.cancel = logs_search_cancel,
};

/* The page's header line: where, which container, how much, how read. */
static char *
logs_header(const struct tui_logs *l)
{
	struct buf	 b;
	const char	*c = l->shown != NULL ? l->shown : l->container;

	buf_init(&b, 0);
	buf_printf(&b, "context %s  pod %s/%s  container %s%s", l->context,
	    l->ns, l->pod, c != NULL ? c : "(default)",
	    l->previous ? "  previous" : "");
	if (l->loading)
		buf_printf(&b, "  loading...");
	else
		buf_printf(&b, "  %zu %s%s", l->nlines, l->nlines == 1 ?
		    "line" : "lines", l->truncated ? " (cut to the last)" :
		    "");
	if (l->timer != NULL)
		buf_printf(&b, "  following");
	if (l->ncontainers > 1)
		buf_printf(&b, "  (%zu containers: c)", l->ncontainers);
	return buf_detach(&b);
}

/* The status row: the search, or an error over lines, and the keys. */
static char *
logs_status(const struct tui_logs *l, enum theme_slot *slot)
{
	size_t	count, ordinal;

	*slot = SLOT_DIM;
	if (l->error != NULL && l->nlines > 0) {
		*slot = SLOT_WARN;
		return xstrdup(l->error);
	}
	if (logs_searching(l)) {
		count = logs_count(l, &ordinal);
		*slot = count > 0 ? SLOT_ACCENT : SLOT_WARN;
		if (count == 0)
			return xasprintf("/%s: no match", l->search);
		if (ordinal == 0)
			return xasprintf("/%s: %zu matching %s (n, N)",
			    l->search, count, count == 1 ? "line" : "lines");
		return xasprintf("/%s: match %zu of %zu (n, N)", l->search,
		    ordinal, count);
	}
	return xstrdup("p previous/current  c container  f follow  "
	    "/ search  G end  Esc back");
}

/* Line s at y, x in w columns, the search's matches highlighted. */
static void
logs_draw_line(const struct tui_logs *l, const char *s, int y, int x, int w,
    int current)
{
	const char	*at, *from = s;
	char		*pre;
	size_t		 n;
	int		 col;

	draw_text(stdscr, y, x, w, s, theme_attr(SLOT_NORMAL));
	if (!logs_searching(l))
		return;
	n = strlen(l->search);
	while ((at = logs_find(from, l->search)) != NULL) {
		pre = xstrndup(s, (size_t)(at - s));
		col = draw_width(pre);
		free(pre);
		if (col >= w - 1)
			break;
		pre = xstrndup(at, n);
		draw_text(stdscr, y, x + col, w - col, pre,
		    theme_attr(current ? SLOT_SELECTED : SLOT_ACCENT) |
		    A_BOLD | (current ? 0 : A_UNDERLINE));
		free(pre);
		from = at + n;
	}
}

/* An error sentence wrapped in w columns from row y; the rows used. */
static int
logs_draw_wrapped(const char *s, int y, int x, int w, int rows,
    enum theme_slot slot)
{
	size_t	n;
	int	used = 0;
	char	*seg;

	while (*s != '\0' && used < rows && w > 0) {
		n = width_prefix(s, (size_t)w, NULL);
		if (n == 0)
			break;
		seg = xstrndup(s, n);
		draw_text(stdscr, y + used, x, w, seg, theme_attr(slot));
		free(seg);
		s += n;
		used++;
	}
	return used;
}

/* Draw the page: header, note, the lines (or loading, or why not), status. */
static void
logs_draw(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct tui_logs	*l = (struct tui_logs *)m;
	int		 w = r->w - 4, h = r->h - 4, row = 0, x = r->x + 2;
	size_t		 max, i;
	char		*t, *title;
	enum theme_slot	 slot;

	(void)a;
	title = xasprintf("Log of %s/%s%s", l->ns, l->pod, l->previous ?
	    " (previous container)" : "");
	draw_box(stdscr, r->y, r->x, r->h, r->w, title,
	    theme_attr(SLOT_ACCENT), theme_attr(SLOT_TITLE) | A_BOLD);
	free(title);
	if (h <= 0 || w <= 0)
		return;
	t = logs_header(l);
	draw_text(stdscr, r->y + 1, x, w, t, theme_attr(SLOT_TITLE));
	free(t);
	t = logs_status(l, &slot);
	draw_text(stdscr, r->y + r->h - 2, x, w, t, theme_attr(slot));
	free(t);
	if (l->note != NULL && h > 1) {
		draw_text(stdscr, r->y + 2, x, w, l->note, theme_attr(SLOT_DIM));
		row++;
	}
	if (l->loading && l->nlines == 0) {
		draw_text(stdscr, r->y + 2 + row, x, w, "loading...",
		    theme_attr(SLOT_DIM));
		return;
	}
	if (l->nlines == 0) {
		if (l->error != NULL)
			logs_draw_wrapped(l->error, r->y + 2 + row, x, w,
			    h - row, SLOT_WARN);
		else
			draw_text(stdscr, r->y + 2 + row, x, w, "(the log is "
			    "empty)", theme_attr(SLOT_DIM));
		return;
	}
	h -= row;
	max = l->nlines > (size_t)h ? l->nlines - (size_t)h : 0;
	if (l->at_end || l->top > max)
		l->top = max;
	l->at_end = l->top == max;
	for (i = l->top; i < l->nlines && row < r->h - 4; i++, row++)
		logs_draw_line(l, l->lines[i], r->y + 2 + row, x, w,
		    (long)i == l->match);
}

/* Scroll by delta lines (clamped when drawn). */
static void
logs_scroll(struct mode *m, long delta)
{
	struct tui_logs	*l = (struct tui_logs *)m;
	long		 top = (long)l->top + delta;

	l->top = top < 0 ? 0 : (size_t)top;
	l->at_end = 0;
}

/*
 * The log's keys (G stays at the end as lines arrive); the movement keys
 * and Esc and q as on every page; the console's others pass through.
 */
static int
logs_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct tui_logs	*l = (struct tui_logs *)m;
	long		 page = (long)logs_rows();
	enum key_action	 act;

	if (!is_key && ch > 127)
		return KEY_HANDLED;
	switch (act = keymap_lookup(a->km, (int)ch)) {
	case ACT_BOTTOM:
		l->at_end = 1;
		break;
	case ACT_PREVIOUS_LOGS:
		l->previous = !l->previous;
		logs_read(l, 0);
		break;
	case ACT_CONTAINER:
		logs_next_container(l);
		break;
	case ACT_FOLLOW:
		logs_follow(l);
		break;
	case ACT_FILTER:
		app_push(a, prompt_new('/', l->search, &logs_search_ops, l));
		break;
	case ACT_NEXT_MATCH:
		logs_jump(l, 1);
		break;
	case ACT_PREV_MATCH:
		logs_jump(l, -1);
		break;
	case ACT_LOGS:
		break;		/* the panels' l: nothing here */
	default:
		return scroll_key(m, a, act, page, page / 2);
	}
	return KEY_HANDLED | KEY_REDRAW;
}

/* Stop reading: the read in flight and the follow timer. */
static void
logs_halt(struct tui_logs *l)
{
	kube_logs_cancel(l->call);
	l->call = NULL;
	l->loading = 0;
	logs_unfollow(l);
}

/* Close the page: stop reading, leave the app's list, free it all. */
static void
logs_free(struct mode *m)
{
	struct tui_logs	*l = (struct tui_logs *)m, **pp;

	logs_halt(l);
	for (pp = &l->a->logs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	free(l->context);
	free(l->ns);
	free(l->pod);
	free(l->container);
	free(l->shown);
	logs_strings_free(l->containers, l->ncontainers);
	free(l->note);
	free(l->error);
	logs_strings_free(l->lines, l->nlines);
	free(l->search);
	free(l);
}

/* Stop every log page's reads (context switch, the end); see app.h. */
void
app_logs_stop(struct app *a)
{
	struct tui_logs	*l;

	for (l = a->logs; l != NULL; l = l->next) {
		if (l->stopped)
			continue;
		logs_halt(l);
		l->stopped = 1;
		logs_set(&l->error, "the context changed: this log was read "
		    "in the one before; Esc closes it");
	}
}

static const struct mode_ops logs_ops = {
	.name = "logs",
	.draw = logs_draw,
	.key = logs_key,
	.scroll_by = logs_scroll,
	.free = logs_free,
};

/* A pod's log page, its read started; see mode.h. */
struct mode *
mode_logs_new(struct app *a, const char *ns, const char *pod, int previous)
{
	struct tui_logs	*l = xcalloc(1, sizeof *l);

	l->mode.ops = &logs_ops;
	l->a = a;
	l->context = xstrdup(a->ctx != NULL && a->ctx->name != NULL ?
	    a->ctx->name : "(none)");
	l->ns = xstrdup(ns);
	l->pod = xstrdup(pod);
	l->previous = previous;
	l->match = -1;
	l->at_end = 1;
	l->next = a->logs;
	a->logs = l;
	logs_read(l, 0);
	return &l->mode;
}
