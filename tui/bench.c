/*
 * bench.c: the console's own start, rebuild and paint path for the
 * benchmark (tests/bench/render_bench.c), with no sources, no input and
 * no running loop; see tui.h.
 */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/views.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/mode.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"

struct tui_bench {
	struct app	 a;
	SCREEN		*screen;
	FILE		*in;
};

/* Start the console's paint path on a screen writing to out; see tui.h. */
struct tui_bench *
tui_bench_new(const struct tui_opts *opts, const char *term, FILE *out,
    int lines, int cols, char **cause)
{
	struct tui_bench	*b;
	struct app		*a;
	char			*warning = NULL;
	const char		*nc;

	b = xcalloc(1, sizeof *b);
	a = &b->a;
	a->opts = opts;
	a->conf = opts->conf;
	if ((a->ctx = conf_context_find(a->conf, opts->context)) == NULL) {
		*cause = xstrdup("no such context in the configuration");
		goto fail;
	}
	a->km = keymap_new();
	if ((a->theme = theme_load(a->conf->theme != NULL ? a->conf->theme :
	    "default", cause)) == NULL)
		goto fail;
	a->cache = cache_open(opts->cache_path, 0, &warning, cause);
	free(warning);
	if (a->cache == NULL)
		goto fail;
	if ((a->loop = loop_new()) == NULL) {
		*cause = xstrdup("cannot make an event loop");
		goto fail;
	}
	setlocale(LC_ALL, "");
	a->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	draw_set_utf8(a->utf8);
	nc = getenv("NO_COLOR");
	a->no_color = nc != NULL && *nc != '\0';
	if ((b->in = fopen("/dev/null", "r")) == NULL ||
	    (b->screen = newterm(term, out, b->in)) == NULL) {
		*cause = xasprintf("cannot start curses for terminal type %s;"
		    " install its terminfo (ncurses-term)", term != NULL ?
		    term : "$TERM");
		goto fail;
	}
	set_term(b->screen);
	a->curses_on = 1;
	resizeterm(lines, cols);
	app_term_modes(a);
	app_rebuild(a);
	return b;
fail:
	tui_bench_free(b);
	return NULL;
}

/* Read the cache into fresh views; see tui.h. */
void
tui_bench_rebuild(struct tui_bench *b, int full)
{
	if (full) {
		views_memo_free(b->a.memo);
		b->a.memo = NULL;
	}
	app_rebuild(&b->a);
}

/* Paint once, the whole screen if full; see tui.h. */
void
tui_bench_paint(struct tui_bench *b, int full)
{
	if (full)
		clearok(curscr, TRUE);
	app_paint(&b->a);
}

/* Show these views instead of the cache's; see tui.h. */
void
tui_bench_show(struct tui_bench *b, struct views *v)
{
	views_free(b->a.views);
	b->a.views = v;
	b->a.clock_ms = v->generated_ms;
	app_rows_all(&b->a);
}

/* Paint panel or its detail and read the screen back; see tui.h. */
char *
tui_bench_text(struct tui_bench *b, int panel, int open)
{
	struct app	*a = &b->a;
	struct mode	*m;
	struct buf	 out;
	wchar_t		 line[1024];
	char		 mb[MB_LEN_MAX];
	int		 y, n, i, k;

	while (a->modes != NULL)
		app_pop(a);
	a->focus = panel;
	if (open && (m = panel_table[panel]->open(a, panel)) != NULL)
		app_push(a, m);
	app_paint(a);
	buf_init(&out, 0);
	for (y = 0; y < LINES; y++) {
		n = COLS < 1023 ? COLS : 1023;
		if (mvwinnwstr(stdscr, y, 0, line, n) == ERR)
			line[0] = L'\0';
		for (i = 0; line[i] != L'\0'; i++) {
			k = wctomb(mb, line[i]);
			if (k > 0)
				buf_append(&out, mb, (size_t)k);
			else
				buf_append(&out, "?", 1);
		}
		buf_append(&out, "\n", 1);
	}
	return buf_detach(&out);
}

/* Leave curses and free everything; see tui.h. */
void
tui_bench_free(struct tui_bench *b)
{
	if (b == NULL)
		return;
	if (b->screen != NULL) {
		endwin();
		delscreen(b->screen);
	}
	if (b->in != NULL)
		fclose(b->in);
	app_done(&b->a);
	loop_free(b->a.loop);
	cache_close(b->a.cache);
	free(b);
}
