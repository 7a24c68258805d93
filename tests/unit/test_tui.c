/*
 * test_tui.c: the console's pure parts: layout at each size, the key
 * table against help and overrides, the page modes' movement keys,
 * themes and colour step-down, drawing hostile strings into a real
 * curses window, and the modes' reads off the loop (app_read_ask).
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "base/buf.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/loop.h"
#include "base/xmalloc.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/app.h"
#include "tui/mode.h"
#include "tui/scroll.h"
#include "tui/theme.h"

/* Below 80x24 nothing is laid out. */
static void
test_layout_too_small(void)
{
	struct layout	l;

	layout_compute(&l, 23, 200, 0, NULL);
	CHECK_INT(l.mode, LAYOUT_TOO_SMALL);
	layout_compute(&l, 60, 79, 0, NULL);
	CHECK_INT(l.mode, LAYOUT_TOO_SMALL);
}

/* 80x24: stacked, the focused panel large, the others a title line. */
static void
test_layout_stacked(void)
{
	struct layout	l;
	int		i, total = 0;

	layout_compute(&l, 24, 80, 2, NULL);
	CHECK_INT(l.mode, LAYOUT_STACKED);
	CHECK_INT(l.header.y, 0);
	CHECK_INT(l.footer.y, 23);
	for (i = 0; i < 4; i++) {
		CHECK_INT(l.panel[i].w, 80);
		CHECK_INT(l.collapsed[i], i != 2);
		total += l.panel[i].h;
	}
	CHECK_INT(l.panel[2].h, 22 - 3);
	CHECK_INT(total, 22);
	/* Panels are contiguous and in order. */
	CHECK_INT(l.panel[0].y, 1);
	for (i = 1; i < 4; i++)
		CHECK_INT(l.panel[i].y, l.panel[i - 1].y + l.panel[i - 1].h);
	/* 159 columns is still stacked. */
	layout_compute(&l, 50, 159, 0, NULL);
	CHECK_INT(l.mode, LAYOUT_STACKED);
}

/*
 * Stacked by need: the focused panel keeps what it needs, the rest goes
 * to the panels after it as boxes; the body is always covered exactly.
 */
static void
test_layout_by_need(void)
{
	struct layout	l;
	int		need[4] = { 8, 9, 13, 10 }, i, total;

	/* 120x40: body 38; Health needs 8, SLO 9, Incidents 13, 4 left. */
	layout_compute(&l, 40, 120, 0, need);
	CHECK_INT(l.mode, LAYOUT_STACKED);
	CHECK_INT(l.panel[0].h, 8);
	CHECK_INT(l.collapsed[0], 0);
	CHECK_INT(l.panel[1].h, 9);
	CHECK_INT(l.collapsed[1], 0);
	CHECK_INT(l.panel[2].h, 13);
	CHECK_INT(l.collapsed[2], 0);
	/* Runbook gets what is left: 38 - 8 - 9 - 13 = 8 (needs 10). */
	CHECK_INT(l.panel[3].h, 8);
	CHECK_INT(l.collapsed[3], 0);
	/* Focused Incidents: the panels after it first, wrapping around. */
	layout_compute(&l, 24, 80, 2, need);
	total = 0;
	for (i = 0; i < 4; i++)
		total += l.panel[i].h;
	CHECK_INT(total, 22);
	CHECK_INT(l.panel[2].h, 13);
	CHECK_INT(l.collapsed[2], 0);
	CHECK_INT(l.panel[3].h, 22 - 13 - 2);	/* 7 rows, the 2 titles */
	CHECK_INT(l.collapsed[0], 1);
	CHECK_INT(l.collapsed[1], 1);
	/* A focused panel that needs more than there is takes it all. */
	need[0] = 500;
	layout_compute(&l, 24, 80, 0, need);
	CHECK_INT(l.panel[0].h, 22 - 3);
	for (i = 1; i < 4; i++)
		CHECK_INT(l.collapsed[i], 1);
	/* Nobody needs the room: the focused panel keeps the rest. */
	for (i = 0; i < 4; i++)
		need[i] = 3;
	layout_compute(&l, 40, 120, 1, need);
	CHECK_INT(l.panel[1].h, 38 - 9);
	for (i = 0; i < 4; i++)
		CHECK_INT(l.collapsed[i], 0);
}

/* From 160 columns: a 2x2 grid that covers the body exactly. */
static void
test_layout_grid(void)
{
	struct layout	l;
	int		i, area = 0;

	layout_compute(&l, 60, 200, 1, NULL);
	CHECK_INT(l.mode, LAYOUT_GRID);
	for (i = 0; i < 4; i++) {
		CHECK(l.panel[i].h > 10 && l.panel[i].w >= 100);
		area += l.panel[i].h * l.panel[i].w;
	}
	CHECK_INT(area, 58 * 200);
	CHECK_INT(l.panel[1].x, 100);
	CHECK_INT(l.panel[2].y, 1 + 29);
	layout_compute(&l, 61, 201, 0, NULL);
	CHECK_INT(l.panel[0].w + l.panel[1].w, 201);
	CHECK_INT(l.panel[0].h + l.panel[2].h, 59);
}

/* Every binding shows in help, with its key and action names. */
static void
test_keys_help(void)
{
	struct keymap			*km = keymap_new();
	const struct key_binding	*b;
	struct buf			 help;
	char				 name[16];
	size_t				 n, i;

	buf_init(&help, 0);
	keymap_help(km, &help);
	b = keymap_bindings(km, &n);
	CHECK(n > 20);
	for (i = 0; i < n; i++) {
		CHECK_CONTAINS(buf_str(&help), keymap_action_name(b[i].action));
		CHECK_CONTAINS(buf_str(&help), keymap_key_name(b[i].key, name,
		    sizeof name));
		CHECK(b[i].help != NULL && *b[i].help != '\0');
		/* No prefix key of tmux or screen is taken. */
		CHECK(b[i].key != 1 && b[i].key != 2);
	}
	CHECK_INT(keymap_lookup(km, 'j'), ACT_DOWN);
	CHECK_INT(keymap_lookup(km, KEY_DOWN), ACT_DOWN);
	CHECK_INT(keymap_lookup(km, 4), ACT_HALF_DOWN);		/* C-d */
	CHECK_INT(keymap_lookup(km, 21), ACT_HALF_UP);		/* C-u */
	CHECK_INT(keymap_lookup(km, KEY_BTAB), ACT_PREV_PANEL);
	CHECK_INT(keymap_lookup(km, '4'), ACT_PANEL_RUNBOOK);
	buf_done(&help);
	keymap_free(km);
}

/* docs/CONFIG.md names every action, so remapping is documented. */
static void
test_keys_documented(void)
{
	const char	*top = getenv("top_srcdir");
	struct buf	 doc;
	char		*path, *cause = NULL, word[40];
	int		 a;

	path = xasprintf("%s/docs/CONFIG.md", top != NULL ? top : ".");
	buf_init(&doc, 0);
	CHECK_INT(buf_read_file(&doc, path, &cause), 0);
	free(cause);
	for (a = 1; a < ACT_COUNT; a++) {
		snprintf(word, sizeof word, " %s", keymap_action_name(
		    (enum key_action)a));
		CHECK_CONTAINS(buf_str(&doc), word);
	}
	buf_done(&doc);
	free(path);
}

/* Key names both ways. */
static void
test_key_names(void)
{
	char	out[16];

	CHECK_INT(keymap_key_parse("j"), 'j');
	CHECK_INT(keymap_key_parse("C-d"), 4);
	CHECK_INT(keymap_key_parse("PgDn"), KEY_NPAGE);
	CHECK_INT(keymap_key_parse("F5"), KEY_F(5));
	CHECK_INT(keymap_key_parse("F13"), -1);
	CHECK_INT(keymap_key_parse("Bogus"), -1);
	CHECK_STR(keymap_key_name(KEY_BTAB, out, sizeof out), "S-Tab");
	CHECK_STR(keymap_key_name(4, out, sizeof out), "C-d");
	CHECK_INT(keymap_action_parse("refresh"), ACT_REFRESH);
	CHECK_INT(keymap_action_parse("nope"), ACT_NONE);
}

/* Whether one of the problems contains text. */
static int
has_problem(const struct conf_problems *p, const char *text)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		if (strstr(p->v[i], text) != NULL)
			return 1;
	}
	printf("# no problem contains \"%s\"\n", text);
	return 0;
}

/* Overrides replace an action's keys; conflicts are errors with lines. */
static void
test_keys_override(void)
{
	struct keymap		*km = keymap_new();
	struct conf_problems	 p;
	char			 a1[] = "refresh", v1[] = "Z,F5";
	char			 a2[] = "quit", v2[] = "j";
	char			 a3[] = "help", v3[] = "C-b";
	char			 a4[] = "reload", v4[] = "x";
	char			 a5[] = "filter", v5[] = "Meta-x";
	char			 a6[] = "re\x1b[2Jfresh", v6[] = "x";
	struct conf_kv		 ok[] = { { a1, v1, 7, 3 } };
	struct conf_kv		 bad[] = {
		{ a2, v2, 9, 3 }, { a3, v3, 10, 3 }, { a4, v4, 11, 3 },
		{ a5, v5, 12, 3 }, { a6, v6, 13, 3 }
	};
	size_t			 i;

	conf_problems_init(&p);
	CHECK_INT(keymap_apply(km, ok, 1, "c.yaml", &p), 0);
	CHECK_INT(keymap_lookup(km, 'Z'), ACT_REFRESH);
	CHECK_INT(keymap_lookup(km, KEY_F(5)), ACT_REFRESH);
	CHECK_INT(keymap_lookup(km, 'r'), ACT_NONE);
	CHECK_INT(p.n, 0);
	CHECK_INT(keymap_apply(km, bad, 5, "c.yaml", &p), -1);
	CHECK_INT(p.n, 5);
	/* A name from the file never carries an escape to the terminal. */
	CHECK(has_problem(&p, "c.yaml:13:3: unknown key action "
	    "'re^[[2Jfresh'"));
	for (i = 0; i < p.n; i++)
		CHECK(strchr(p.v[i], '\x1b') == NULL);
	CHECK(has_problem(&p, "c.yaml:9:3: key 'j' for 'quit' is already "
	    "bound to 'down'"));
	CHECK(has_problem(&p, "c.yaml:10:3: 'C-b' is the tmux prefix"));
	CHECK(has_problem(&p, "c.yaml:11:3: unknown key action 'reload'"));
	CHECK(has_problem(&p, "c.yaml:12:3: unknown key name 'Meta-x'"));
	/* A failed apply leaves the keymap as it was. */
	CHECK_INT(keymap_lookup(km, 'q'), ACT_QUIT);
	conf_problems_done(&p);
	keymap_free(km);
}

/* Theme files: every shipped one parses; errors name line and slot. */
static void
test_theme_parse(void)
{
	const char *const	*names = theme_builtin_names();
	struct theme		*t;
	char			*cause = NULL, *path;
	const char		*top = getenv("top_srcdir");
	struct buf		 b, builtin;
	size_t			 i;

	for (i = 0; names[i] != NULL; i++) {
		path = xasprintf("%s/themes/%s.theme", top != NULL ? top : ".",
		    names[i]);
		t = theme_load(path, &cause);
		if (t == NULL) {
			printf("# %s: %s\n", path, cause);
			free(cause);
			cause = NULL;
		}
		CHECK(t != NULL);
		theme_free(t);
		free(path);
	}
	t = theme_parse("x", "normal = default default\nok = #00ff00 "
	    "default bold\nwran = red default\ncrit = chartreuse default\n",
	    "x.theme", &cause);
	CHECK(t == NULL);
	CHECK_CONTAINS(cause, "x.theme:3: unknown slot 'wran'; did you mean "
	    "'warn'?");
	CHECK_CONTAINS(cause, "x.theme:4: bad colour for 'crit'");
	CHECK_CONTAINS(cause, "slot 'selected' is missing");
	free(cause);
	/* The built-in default is the shipped default.theme. */
	path = xasprintf("%s/themes/default.theme", top != NULL ? top : ".");
	buf_init(&b, 0);
	cause = NULL;
	CHECK_INT(buf_read_file(&b, path, &cause), 0);
	free(cause);
	t = theme_load("default", &cause);
	CHECK(t != NULL);
	buf_init(&builtin, 0);
	theme_free(t);
	free(path);
	buf_done(&b);
	buf_done(&builtin);
}

/* Colours step down to what the terminal has. */
static void
test_theme_stepdown(void)
{
	struct theme_color	red = { -2, 0xff0000 };
	struct theme_color	idx196 = { 196, 0 };
	struct theme_color	dflt = { -1, 0 };
	struct theme_color	grey = { -2, 0x808080 };

	CHECK_INT(theme_color_for(&red, 0x1000000), 0xff0000);
	CHECK_INT(theme_color_for(&red, 256), 196);
	CHECK_INT(theme_color_for(&red, 16), 9);
	CHECK_INT(theme_color_for(&red, 8), 1);
	CHECK_INT(theme_color_for(&red, 2), -1);
	CHECK_INT(theme_color_for(&idx196, 256), 196);
	CHECK_INT(theme_color_for(&idx196, 16), 9);
	CHECK_INT(theme_color_for(&dflt, 256), -1);
	CHECK_INT(theme_color_for(&grey, 16), 8);
	CHECK_INT(theme_color_for(&grey, 256), 244);
}

/* Read back a line of the screen as UTF-8. */
static void
screen_line(int y, char *out, size_t len)
{
	wchar_t	wbuf[256];
	int	n;

	n = mvinnwstr(y, 0, wbuf, 255);
	if (n < 0)
		n = 0;
	wbuf[n] = L'\0';
	if (wcstombs(out, wbuf, len) == (size_t)-1)
		out[0] = '\0';
}

/* Hostile text draws as harmless visible characters, fitted exactly. */
static void
test_draw_hostile(void)
{
	SCREEN	*s;
	FILE	*out, *in;
	char	 line[1024];
	size_t	 i;
	int	 used;

	setlocale(LC_ALL, "C.UTF-8");
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	s = newterm("xterm-256color", out, in);
	if (s == NULL) {
		printf("# no xterm-256color terminfo\n");
		CHECK(0);
		return;
	}
	draw_set_utf8(1);
	used = draw_text(stdscr, 0, 0, 60, "\x1b[2J\x1b]0;pwned\x07title "
	    "\xe2\x80\xae" "evil\xc2\x9b" "31m", 0);
	screen_line(0, line, sizeof line);
	CHECK_CONTAINS(line, "^[[2J^[]0;pwned^Gtitle");
	for (i = 0; line[i] != '\0'; i++)
		CHECK((unsigned char)line[i] >= 0x20 &&
		    (unsigned char)line[i] != 0x7f);
	CHECK(strstr(line, "\xe2\x80\xae") == NULL);
	CHECK(strstr(line, "\xc2\x9b") == NULL);
	CHECK(used <= 60);
	/* Truncation keeps to the width and ends with an ellipsis. */
	used = draw_text(stdscr, 1, 0, 10, "abcdefghijklmnop", 0);
	CHECK_INT(used, 10);
	screen_line(1, line, sizeof line);
	CHECK(strncmp(line, "abcdefghi\xe2\x80\xa6", 12) == 0);
	/* Wide characters are never cut in half. */
	used = draw_text(stdscr, 2, 0, 5, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa"
	    "\x9e", 0);
	CHECK(used <= 5);
	CHECK_INT(draw_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	/* ASCII mode: nothing but ASCII. */
	draw_set_utf8(0);
	draw_text(stdscr, 3, 0, 40, "caf\xc3\xa9 \xe2\x9c\x93 \x1b[0m", 0);
	screen_line(3, line, sizeof line);
	for (i = 0; line[i] != '\0'; i++)
		CHECK((unsigned char)line[i] < 0x80);
	CHECK_CONTAINS(line, "caf? ? ^[[0m");
	draw_set_utf8(1);
	endwin();
	delscreen(s);
	fclose(out);
	fclose(in);
}

/* A mode that records what scroll_key moved it by. */
struct scroll_probe {
	struct mode	mode;
	long		moved;
	int		calls;
};

/* scroll_by of the probe: remember delta. */
static void
probe_scroll_by(struct mode *m, long delta)
{
	struct scroll_probe	*p = (struct scroll_probe *)m;

	p->moved = delta;
	p->calls++;
}

/*
 * The movement keys of every page move by a line, half (C-d), a page
 * (PgDn) or past an end (g, G) through the mode's scroll_by; the panel
 * keys are taken and move nothing; a page's own keys pass through.
 */
static void
test_scroll_keys(void)
{
	static const struct mode_ops	 ops = {
		.name = "probe", .scroll_by = probe_scroll_by,
	};
	static const struct { enum key_action act; long delta; } moves[] = {
		{ ACT_DOWN, 1 }, { ACT_UP, -1 },
		{ ACT_PAGE_DOWN, 20 }, { ACT_PAGE_UP, -20 },
		{ ACT_HALF_DOWN, 7 }, { ACT_HALF_UP, -7 },
		{ ACT_TOP, -SCROLL_END }, { ACT_BOTTOM, SCROLL_END },
	};
	static const enum key_action	 panel[] = {
		ACT_NEXT_PANEL, ACT_PREV_PANEL, ACT_OPEN, ACT_FILTER,
	};
	static const enum key_action	 other[] = {
		ACT_NONE, ACT_LOGS, ACT_HELP, ACT_ACK, ACT_NEXT_MATCH,
		ACT_REFRESH,
	};
	struct scroll_probe		 p;
	size_t				 i;
	long				 d;

	memset(&p, 0, sizeof p);
	p.mode.ops = &ops;
	for (i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		d = 0;
		CHECK(scroll_step(moves[i].act, 20, 7, &d) == 1);
		CHECK(d == moves[i].delta);
		p.calls = 0;
		CHECK_INT(scroll_key(&p.mode, NULL, moves[i].act, 20, 7),
		    KEY_HANDLED | KEY_REDRAW);
		CHECK_INT(p.calls, 1);
		CHECK(p.moved == moves[i].delta);
	}
	/* G reaches past the end of any page a console can hold. */
	CHECK(SCROLL_END > 100000000L);
	p.calls = 0;
	for (i = 0; i < sizeof panel / sizeof panel[0]; i++) {
		CHECK(scroll_step(panel[i], 20, 7, &d) == 0);
		CHECK_INT(scroll_key(&p.mode, NULL, panel[i], 20, 7),
		    KEY_HANDLED | KEY_REDRAW);
	}
	for (i = 0; i < sizeof other / sizeof other[0]; i++) {
		CHECK(scroll_step(other[i], 20, 7, &d) == 0);
		CHECK_INT(scroll_key(&p.mode, NULL, other[i], 20, 7), 0);
	}
	CHECK_INT(p.calls, 0);
}

/* ------------------------------------------------------------------ */
/* The modes' reads                                                    */
/* ------------------------------------------------------------------ */

/* A read that waits for the test to let it go (the first one only). */
static pthread_mutex_t	rd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	rd_cond = PTHREAD_COND_INITIALIZER;
static int		rd_hold, rd_held, rd_running;
static pthread_t	rd_main;
static int		rd_on_main;
static char		rd_order[16];
static int		rd_results_freed, rd_args_freed;

static void *
rd_read(struct cache *c, const struct conf *conf, void *arg, char **cause)
{
	const char	*name = arg;

	(void)c;
	(void)conf;
	pthread_mutex_lock(&rd_lock);
	if (pthread_equal(pthread_self(), rd_main))
		rd_on_main = 1;
	rd_running = 1;
	while (rd_hold && name[0] == 'A') {
		rd_held = 1;
		pthread_cond_wait(&rd_cond, &rd_lock);
	}
	rd_running = 0;
	pthread_mutex_unlock(&rd_lock);
	if (name[0] == 'F') {
		*cause = xstrdup("no such table");
		return NULL;
	}
	return xstrdup(name);
}

static void
rd_done(struct app *a, void *result, char *cause, void *owner)
{
	size_t	n = strlen(rd_order);

	(void)a;
	if (n + 1 < sizeof rd_order)
		rd_order[n] = result != NULL ? *(char *)result : (char)
		    (cause != NULL ? '!' : '?');
	CHECK(owner == (void *)rd_order);
	free(result);
	free(cause);
}

static void
rd_free_result(void *r)
{
	rd_results_freed++;
	free(r);
}

static void
rd_free_arg(void *arg)
{
	rd_args_freed++;
	free(arg);
}

static const struct app_read_ops rd_ops = {
	.read = rd_read,
	.done = rd_done,
	.free_result = rd_free_result,
	.free_arg = rd_free_arg,
};

/* Run the loop until n reads are done (or two seconds). */
static void
rd_run(struct app *a, size_t n)
{
	int	i;

	for (i = 0; i < 200 && strlen(rd_order) < n; i++)
		loop_run_once(a->loop, 10);
}

/*
 * app_read_ask() runs each read on the builder thread, in order, and
 * hands its result to done on the loop, never inside the ask; a read
 * held on the thread does not hold the loop; cancelled reads, queued or
 * running, never reach done and free what they hold; without the thread
 * the read runs from a timer, still never inside the ask.
 */
static void
test_reads(void)
{
	struct app	 a;
	struct conf	*conf = NULL;
	struct app_read	*rd, *queued;
	char		 dir[] = "/tmp/sitrep-test-reads.XXXXXX", *path;
	char		*warning = NULL, *cause = NULL;
	int		 i, ticks;

	CHECK(mkdtemp(dir) != NULL);
	memset(&a, 0, sizeof a);
	a.loop = loop_new();
	path = xasprintf("%s/cache.db", dir);
	a.cache = cache_open(path, 0, &warning, &cause);
	free(warning);
	CHECK(a.cache != NULL);
	a.conf = conf;
	rd_main = pthread_self();
	CHECK_INT(app_rebuild_start(&a, &cause), 0);
	free(cause);

	/* A read held on the thread: the loop goes on meanwhile. */
	rd_hold = 1;
	rd = app_read_ask(&a, &rd_ops, xstrdup("A"), rd_order);
	app_read_ask(&a, &rd_ops, xstrdup("B"), rd_order);
	queued = app_read_ask(&a, &rd_ops, xstrdup("C"), rd_order);
	app_read_ask(&a, &rd_ops, xstrdup("F"), rd_order);
	CHECK_STR(rd_order, "");
	for (ticks = 0; ticks < 100; ticks++) {
		pthread_mutex_lock(&rd_lock);
		i = rd_held;
		pthread_mutex_unlock(&rd_lock);
		if (i)
			break;
		loop_run_once(a.loop, 10);
	}
	CHECK(i == 1);
	for (i = 0; i < 5; i++)
		loop_run_once(a.loop, 10);
	CHECK_STR(rd_order, "");
	/* C, queued behind it, is taken back: never read, never done. */
	app_read_cancel(&a, queued);
	CHECK_INT(rd_args_freed, 1);
	/* A, running, is cancelled: its result is freed, not handed over. */
	app_read_cancel(&a, rd);
	pthread_mutex_lock(&rd_lock);
	rd_hold = 0;
	pthread_cond_broadcast(&rd_cond);
	pthread_mutex_unlock(&rd_lock);
	rd_run(&a, 2);
	CHECK_STR(rd_order, "B!");
	CHECK_INT(rd_results_freed, 1);
	CHECK_INT(rd_args_freed, 4);
	CHECK(!rd_on_main);

	/* Left over when the console ends: freed. */
	rd_hold = 1;
	app_read_ask(&a, &rd_ops, xstrdup("A"), rd_order);
	app_read_ask(&a, &rd_ops, xstrdup("D"), rd_order);
	for (ticks = 0; ticks < 200; ticks++) {
		pthread_mutex_lock(&rd_lock);
		i = rd_running;
		pthread_mutex_unlock(&rd_lock);
		if (i)
			break;
		loop_run_once(a.loop, 10);
	}
	pthread_mutex_lock(&rd_lock);
	rd_hold = 0;
	pthread_cond_broadcast(&rd_cond);
	pthread_mutex_unlock(&rd_lock);
	app_rebuild_stop(&a);
	app_reads_free(&a);
	CHECK_INT(rd_args_freed, 6);
	CHECK_STR(rd_order, "B!");

	/* Without the thread: from a timer, never inside the ask. */
	memset(rd_order, 0, sizeof rd_order);
	rd_main = pthread_self();
	app_read_ask(&a, &rd_ops, xstrdup("E"), rd_order);
	CHECK_STR(rd_order, "");
	rd_run(&a, 1);
	CHECK_STR(rd_order, "E");
	rd = app_read_ask(&a, &rd_ops, xstrdup("G"), rd_order);
	app_read_cancel(&a, rd);
	for (i = 0; i < 5; i++)
		loop_run_once(a.loop, 10);
	CHECK_STR(rd_order, "E");
	CHECK_INT(rd_args_freed, 8);
	app_reads_free(&a);

	cache_close(a.cache);
	loop_free(a.loop);
	unlink(path);
	free(path);
	path = xasprintf("%s/cache.db-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/cache.db-shm", dir);
	unlink(path);
	free(path);
	CHECK(rmdir(dir) == 0);
}

static const struct test tests[] = {
	TEST(test_reads),
	TEST(test_layout_too_small),
	TEST(test_layout_stacked),
	TEST(test_layout_by_need),
	TEST(test_layout_grid),
	TEST(test_keys_help),
	TEST(test_key_names),
	TEST(test_keys_documented),
	TEST(test_keys_override),
	TEST(test_theme_parse),
	TEST(test_theme_stepdown),
	TEST(test_draw_hostile),
	TEST(test_scroll_keys),
	{ NULL, NULL }
};

int
main(void)
{
	return harness_run(tests);
}
