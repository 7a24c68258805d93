/*
 * mode_page.c: a page of lines over the panels, for the detail views and
 * help.  The page owns every line (formatted when added), so it stays
 * valid whatever happens to the views under it.  Lines that name a pod
 * are selectable: a cursor stops on them (j/k move between them, and
 * scroll on past the last), and l or p opens the pod's log
 * (tui/mode_logs.c).
 */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/width.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/views_detail.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/scroll.h"

/* One line of text; a pod's line names it (pod_ns, pod). */
struct page_line {
	char		*text;
	enum theme_slot	 slot;
	char		*pod_ns;
	char		*pod;
};

struct page {
	struct mode		 mode;
	char			*title;
	struct page_line	*lines;
	size_t			 nlines;
	size_t			 top;
	long			 sel;		/* a pod's line, or -1 */
	int			 show_sel;	/* scroll sel into view */
};

/* Append a line; the page takes text. */
static struct page_line *
page_append(struct page *p, char *text, enum theme_slot slot)
{
	struct page_line	*l;

	p->lines = xreallocarray(p->lines, p->nlines + 1, sizeof *p->lines);
	l = &p->lines[p->nlines++];
	memset(l, 0, sizeof *l);
	l->text = text;
	l->slot = slot;
	return l;
}

/* Add a line (multi-line text becomes several); see mode.h. */
void
mode_page_add(struct mode *m, enum theme_slot slot, const char *fmt, ...)
{
	struct page	*p = (struct page *)m;
	struct buf	 b;
	va_list		 ap;
	char		*text, *s, *nl;

	buf_init(&b, 0);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	text = sanitize_terminal(buf_str(&b), SANITIZE_MULTILINE |
	    (draw_utf8() ? 0 : SANITIZE_ASCII));
	buf_done(&b);
	for (s = text; s != NULL; s = nl) {
		nl = strchr(s, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		page_append(p, xstrdup(s), slot);
	}
	free(text);
}

/* The last line added names pod ns/pod; see mode.h. */
void
mode_page_pod(struct mode *m, const char *ns, const char *pod)
{
	struct page	*p = (struct page *)m;
	struct page_line *l;

	if (p->nlines == 0 || ns == NULL || pod == NULL)
		return;
	l = &p->lines[p->nlines - 1];
	free(l->pod_ns);
	free(l->pod);
	l->pod_ns = xstrdup(ns);
	l->pod = xstrdup(pod);
	if (p->sel < 0)
		p->sel = (long)(p->nlines - 1);
}

/* The next pod's line from sel in direction dir (+1, -1), or -1. */
static long
page_next_pod(const struct page *p, long dir)
{
	long	i;

	for (i = p->sel + dir; i >= 0 && i < (long)p->nlines; i += dir) {
		if (p->lines[i].pod != NULL)
			return i;
	}
	return -1;
}

/* Add the members of a JSON object text; see mode.h. */
void
mode_page_pairs(struct mode *m, const char *title, const char *json)
{
	struct view_pair	*v;
	size_t			 n, i;

	mode_page_add(m, SLOT_TITLE, "%s", title);
	v = views_pairs(json, &n);
	if (n == 0)
		mode_page_add(m, SLOT_DIM, "  (none)");
	for (i = 0; i < n; i++)
		mode_page_add(m, SLOT_NORMAL, "  %s: %s", v[i].key,
		    v[i].value);
	views_pairs_free(v, n);
}

/*
 * The bytes of t that go on one row of w columns: as many as fit, ending
 * after a space or a comma when one is in the second half, so words stay
 * whole where they can.
 */
static size_t
page_break(const char *t, size_t w)
{
	size_t	n = width_prefix(t, w, NULL), k;

	if (t[n] == '\0' || t[n] == ' ')
		return n;
	for (k = n; k > n / 2; k--) {
		if (t[k - 1] == ' ' || t[k - 1] == ',')
			return k;
	}
	return n;
}

/*
 * The rows line i takes in w columns: long text wraps, its continuation
 * indented by two, so the end of a value is never cut off.
 */
static size_t
page_rows(const struct page_line *l, size_t w)
{
	const char	*t = l->text;
	size_t		 rows = 1, n;

	if (w <= 4)
		return 1;
	n = page_break(t, w);
	while (n > 0 && t[n] != '\0') {
		t += n + strspn(t + n, " ");
		if (*t == '\0')
			break;
		rows++;
		n = page_break(t, w - 2);
	}
	return rows;
}

/*
 * Draw row r (0: the first) of line l at y, x in w columns; the selected
 * pod's line in the selection's colours, a mark in its indent.
 */
static void
page_draw_row(const struct page_line *l, size_t r, int y, int x, int w,
    int selected)
{
	const char	*t = l->text;
	size_t		 n, k;
	char		*seg;
	unsigned long	 attr = theme_attr(selected ? SLOT_SELECTED : l->slot);

	n = page_break(t, (size_t)w);
	for (k = 0; k < r && n > 0 && t[n] != '\0'; k++) {
		t += n + strspn(t + n, " ");
		n = page_break(t, (size_t)w - 2);
	}
	seg = xstrndup(t, n);
	if (selected && r == 0 && strncmp(seg, "  ", 2) == 0) {
		draw_text(stdscr, y, x, 2, draw_focus_mark(), attr);
		draw_text(stdscr, y, x + 2, w - 2, seg + 2, attr);
	} else
		draw_text(stdscr, y, x + (r > 0 ? 2 : 0), w - (r > 0 ? 2 : 0),
		    seg, attr);
	free(seg);
}

/* Draw the page in the body's rectangle, long lines wrapped. */
static void
page_draw(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct page	*p = (struct page *)m;
	int		 h = r->h - 2, w = r->w - 4, row = 0;
	size_t		 i, k, n, total = 0, skip, at = 0, rows = 0;
	char		*title, lk[32], pk[32], dk[32];

	/* A page with pods says how to read their logs. */
	if (p->sel >= 0)
		title = xasprintf("%s  (%s: the selected pod's log, %s: its "
		    "previous container's, %s: delete it)", p->title,
		    keymap_keys_of(a->km, ACT_LOGS, lk, sizeof lk),
		    keymap_keys_of(a->km, ACT_PREVIOUS_LOGS, pk, sizeof pk),
		    keymap_keys_of(a->km, ACT_DELETE_POD, dk, sizeof dk));
	else
		title = xstrdup(p->title);
	draw_box(stdscr, r->y, r->x, r->h, r->w, title,
	    theme_attr(SLOT_ACCENT), theme_attr(SLOT_TITLE) | A_BOLD);
	free(title);
	if (h <= 0 || w <= 0)
		return;
	for (i = 0; i < p->nlines; i++) {
		n = page_rows(&p->lines[i], (size_t)w);
		if ((long)i == p->sel) {
			at = total;
			rows = n;
		}
		total += n;
	}
	/* The cursor just moved: bring its line into view. */
	if (p->show_sel && p->sel >= 0) {
		if (at < p->top)
			p->top = at;
		else if (at + rows > p->top + (size_t)h)
			p->top = at + rows - (size_t)h;
		p->show_sel = 0;
	}
	if (total > (size_t)h && p->top > total - (size_t)h)
		p->top = total - (size_t)h;
	if (total <= (size_t)h)
		p->top = 0;
	skip = p->top;
	for (i = 0; i < p->nlines && row < h; i++) {
		n = page_rows(&p->lines[i], (size_t)w);
		for (k = 0; k < n && row < h; k++) {
			if (skip > 0) {
				skip--;
				continue;
			}
			page_draw_row(&p->lines[i], k, r->y + 1 + row, r->x + 2,
			    w, (long)i == p->sel);
			row++;
		}
	}
}

/* Scroll by delta lines (clamped when drawn). */
static void
page_scroll(struct mode *m, long delta)
{
	struct page	*p = (struct page *)m;
	long		 top = (long)p->top + delta;

	p->top = top < 0 ? 0 : (size_t)top;
}

/*
 * j/k (and the arrows) move the cursor to the next or previous pod's
 * line, and scroll where there is none; scroll otherwise.
 */
static void
page_move(struct page *p, long dir)
{
	long	next = p->sel >= 0 ? page_next_pod(p, dir) : -1;

	if (next < 0) {
		page_scroll(&p->mode, dir);
		return;
	}
	p->sel = next;
	p->show_sel = 1;
}

/* l or p on a pod's line: its log, current or previous. */
static int
page_logs(struct page *p, struct app *a, int previous)
{
	const struct page_line	*l;

	if (p->sel < 0)
		return 0;
	l = &p->lines[p->sel];
	app_push(a, mode_logs_new(a, l->pod_ns, l->pod, previous));
	return KEY_HANDLED | KEY_REDRAW;
}

/* D on a pod's line: the action dialog to delete that pod. */
static int
page_delete_pod(struct page *p, struct app *a)
{
	const struct page_line	*l;
	struct action_request	 req;
	struct mode		*m;
	char			*cause = NULL;

	if (p->sel < 0)
		return 0;
	l = &p->lines[p->sel];
	memset(&req, 0, sizeof req);
	req.kind = ACTION_DELETE_POD;
	req.namespace = l->pod_ns;
	req.name = l->pod;
	req.why = "key D on a pod";
	if ((m = mode_action_new(a, &req, &cause)) == NULL) {
		app_message(a, "%s", cause);
		free(cause);
	} else
		app_push(a, m);
	return KEY_HANDLED | KEY_REDRAW;
}

/*
 * Movement scrolls (and moves the cursor between pods' lines), l and p
 * open the selected pod's log, D deletes it (through the action dialog),
 * Esc and q close; the console's keys pass through.
 */
static int
page_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct page	*p = (struct page *)m;
	long		 half = (LINES - 4) / 2 > 0 ? (LINES - 4) / 2 : 1;
	enum key_action	 act;

	if (!is_key && ch > 127)
		return KEY_HANDLED;
	switch (act = keymap_lookup(a->km, (int)ch)) {
	case ACT_DOWN:
		page_move(p, 1);
		break;
	case ACT_UP:
		page_move(p, -1);
		break;
	case ACT_LOGS:
		return page_logs(p, a, 0);
	case ACT_PREVIOUS_LOGS:
		return page_logs(p, a, 1);
	case ACT_DELETE_POD:
		return page_delete_pod(p, a);
	default:
		return scroll_key(m, a, act, 2 * half, half);
	}
	return KEY_HANDLED | KEY_REDRAW;
}

/* Free the page and its lines. */
static void
page_free(struct mode *m)
{
	struct page	*p = (struct page *)m;
	size_t		 i;

	for (i = 0; i < p->nlines; i++) {
		free(p->lines[i].text);
		free(p->lines[i].pod_ns);
		free(p->lines[i].pod);
	}
	free(p->lines);
	free(p->title);
	free(p);
}

static const struct mode_ops page_ops = {
	.name = "page",
	.draw = page_draw,
	.key = page_key,
	.scroll_by = page_scroll,
	.free = page_free,
};

/* A new, empty page; see mode.h. */
struct mode *
mode_page_new(const char *title)
{
	struct page	*p = xcalloc(1, sizeof *p);

	p->mode.ops = &page_ops;
	p->title = xstrdup(title);
	p->sel = -1;
	return &p->mode;
}
