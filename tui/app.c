/*
 * app.c: the interactive console's glue.
 *
 * One event loop carries everything: the terminal (stdin is one more fd),
 * the sources (curl's sockets), signals (SIGWINCH, SIGTERM, SIGHUP, SIGINT)
 * and a one-second tick for the clock and data ages.  Keys go to the top
 * mode of the stack (mode.h), then to the console's global keys, then to
 * the focused panel (panel.h); handlers only change state and mark the
 * screen dirty.  The loop's before-sleep hook stores finished rounds,
 * asks for fresh views when the data changed (never per frame; they are
 * built on a thread, tui/rebuild.c, and swapped in between keys), and
 * paints once: everything is redrawn into curses' virtual screen and
 * doupdate() sends only what differs, so an idle console writes almost
 * nothing.
 */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "backends/poller.h"
#include "backends/backend.h"
#include "backends/runtime.h"
#include "base/buf.h"
#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/drill.h"
#include "core/drill_run.h"
#include "core/loop.h"
#include "core/views.h"
#include "core/views_detail.h"
#include "tui/app.h"
#include "tui/runbook_live.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"

#define APP_REBUILD_MS	5000	/* re-judge staleness without new data */
#define APP_MSG_MS	6000

static struct app	*app_current;	/* for the atexit terminal restore */

/* ------------------------------------------------------------------ */
/* State shared with panels and modes                                  */
/* ------------------------------------------------------------------ */

/* Now: the wall clock, or the fixed clock; see app.h. */
int64_t
app_now_ms(const struct app *a)
{
	if (a->clock_ms != 0)
		return a->clock_ms;
	return a->rt != NULL ? runtime_now_ms(a->rt) : util_now_ms();
}

/* Show a message in the footer for a few seconds. */
void
app_message(struct app *a, const char *fmt, ...)
{
	va_list		ap;

	/* "press Ctrl-C again to quit" stays until the next key. */
	if (a->ctrlc_armed)
		return;
	free(a->msg);
	va_start(ap, fmt);
	a->msg = xvasprintf(fmt, ap);
	va_end(ap);
	a->msg_until = loop_now_ms(a->loop) + APP_MSG_MS;
	a->dirty = 1;
}

/* Push a mode; the app owns it. */
void
app_push(struct app *a, struct mode *m)
{
	m->below = a->modes;
	a->modes = m;
	a->dirty = 1;
}

/* Pop and free the top mode. */
void
app_pop(struct app *a)
{
	struct mode	*m = a->modes;

	if (m == NULL)
		return;
	a->modes = m->below;
	m->ops->free(m);
	a->dirty = 1;
}

/* Pop down to below the lowest page (and everything above it). */
void
app_pop_pages(struct app *a)
{
	struct mode	*m;
	int		 pages = 0;

	for (m = a->modes; m != NULL; m = m->below)
		pages += m->ops->draw != NULL;
	while (pages > 0 && a->modes != NULL) {
		pages -= a->modes->ops->draw != NULL;
		app_pop(a);
	}
}

/* Recompute every panel's rows. */
void
app_rows_all(struct app *a)
{
	int	i;

	for (i = 0; i < APP_NPANELS; i++) {
		list_rows(a, i);
		if (panel_table[i]->rebuilt != NULL)
			panel_table[i]->rebuilt(a, i);
	}
}

/* A round was stored: the views need a rebuild. */
static void
app_on_stored(struct source *s, void *arg)
{
	struct app	*a = arg;

	a->data_dirty = 1;
	app_refresh_note(a, s);
}

/* Start polling the current context (or the simulator). */
static int
app_start_sources(struct app *a, char **cause)
{
	if (a->opts->demo) {
		runtime_simulate(a->rt, a->opts->scenario);
		runtime_set_sim_speed(a->rt, a->opts->speed);
	}
	a->poller = runtime_set_context(a->rt, a->conf, a->ctx,
	    POLLER_STORE_AWAY, cause);
	if (a->poller == NULL)
		return -1;
	poller_set_notify(a->poller, app_on_stored, a);
	poller_start(a->poller);
	return 0;
}

/* Switch context: new sources, selections forgotten; see app.h. */
void
app_switch_context(struct app *a, const struct conf_context *ctx)
{
	char	*cause = NULL;
	int	 i;

	app_refresh_free(a);
	app_acts_free(a);
	app_runs_free(a);
	app_logs_stop(a);
	a->poller = NULL;	/* the runtime frees it for the next */
	a->ctx = ctx;
	if (app_start_sources(a, &cause) != 0) {
		app_message(a, "%s", cause);
		free(cause);
	}
	for (i = 0; i < APP_NPANELS; i++)
		list_reset(&a->lists[i]);
	a->data_dirty = 1;
}

/* ------------------------------------------------------------------ */
/* Loop glue                                                           */
/* ------------------------------------------------------------------ */

/* The terminal has input. */
static void
app_on_stdin(int fd, int revents, void *arg)
{
	struct app	*a = arg;
	wint_t		 ch;
	int		 rc, n = 0;

	(void)fd;
	for (;;) {
		rc = get_wch(&ch);
		if (rc == ERR)
			break;
		n++;
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			a->resized = 1;
			continue;
		}
		if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
			app_mouse(a);
			continue;
		}
		app_key(a, ch, rc == KEY_CODE_YES);
		if (a->quit)
			break;
	}
	/* Readable with nothing to read: the terminal is gone. */
	if (n == 0 && (revents & LOOP_ERROR))
		a->quit = 1;
	if (a->quit)
		loop_stop(a->loop);
}

/* Signals: resize, terminate, hang up, interrupt. */
static void
app_on_signal(int signo, void *arg)
{
	struct app	*a = arg;

	switch (signo) {
	case SIGWINCH:
		a->resized = 1;
		break;
	case SIGINT:
		/* Keys typed before the Ctrl-C count first (see noqiflush). */
		app_on_stdin(STDIN_FILENO, 0, a);
		if (!a->quit)
			app_ctrl_c(a);
		break;
	default:
		a->quit = 1;
		a->exit_code = 0;
		break;
	}
	if (a->quit)
		loop_stop(a->loop);
}

/* Once a second: the clock and the ages in the header. */
static int64_t
app_on_tick(void *arg)
{
	struct app	*a = arg;

	a->dirty = 1;
	return 1000;
}

/* Before each wait: store rounds, rebuild views if needed, paint. */
static void
app_before_sleep(void *arg)
{
	struct app	*a = arg;
	struct winsize	 ws;
	int64_t		 since;

	if (a->poller != NULL)
		poller_flush(a->poller);
	if (a->resized) {
		a->resized = 0;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		a->dirty = 1;
	}
	/*
	 * Rebuild when the data changed, and every few seconds to re-judge
	 * staleness: on the builder thread, so keys never wait for it (in
	 * place only for the first frame, or without a thread).  A rebuild
	 * that costs R ms waits at least 20 R since the last one, so a huge
	 * cache costs at most a twentieth of a core.
	 */
	since = loop_now_ms(a->loop) - a->last_build;
	if (a->views == NULL)
		app_rebuild(a);
	else if (since >= 20 * a->build_ms &&
	    (a->data_dirty || since > APP_REBUILD_MS))
		app_rebuild_ask(a);
	if (a->quit) {
		loop_stop(a->loop);
		return;
	}
	if (a->dirty) {
		app_paint(a);
		a->dirty = 0;
	}
}

/* Give the terminal back, whatever happens. */
static void
app_restore_terminal(void)
{
	if (app_current != NULL && app_current->curses_on) {
		endwin();
		app_current->curses_on = 0;
	}
}

/* Free what the app owns; see app.h. */
void
app_done(struct app *a)
{
	int	i;

	while (a->modes != NULL)
		app_pop(a);
	app_reads_free(a);
	app_refresh_free(a);
	app_acts_free(a);
	app_runs_free(a);
	runbook_live_free(a->rblive);
	a->rblive = NULL;
	views_strings_free(a->namespaces, a->nnamespaces);
	for (i = 0; i < APP_NPANELS; i++)
		list_done(&a->lists[i]);
	free(a->msg);
	free(a->ns);
	views_free(a->views);
	views_memo_free(a->memo);
	a->memo = NULL;
	drill_watch_free(a->drill_watch);
	a->drill_watch = NULL;
	drill_free(a->drill);
	a->drill = NULL;
	theme_free(a->theme);
	keymap_free(a->km);
}

/* The keymap with the config's overrides; NULL after printing problems. */
static struct keymap *
app_keymap(const struct tui_opts *opts)
{
	struct keymap		*km = keymap_new();
	struct conf_problems	 probs;
	size_t			 i;
	int			 rc;

	conf_problems_init(&probs);
	rc = keymap_apply(km, opts->conf->keys, opts->conf->nkeys,
	    opts->conf_file != NULL ? opts->conf_file : "config", &probs);
	for (i = 0; rc != 0 && i < probs.n; i++)
		out_printf(stderr, "%s\n", probs.v[i]);
	conf_problems_done(&probs);
	if (rc != 0) {
		keymap_free(km);
		return NULL;
	}
	return km;
}

/* Run the console; see tui.h. */
int
tui_run(const struct tui_opts *opts)
{
	struct app		 a;
	struct loop_signal	*sig[4];
	const int		 signos[4] = { SIGWINCH, SIGTERM, SIGHUP,
	    SIGINT };
	char			*cause = NULL, *warning = NULL;
	const char		*nc;
	SCREEN			*screen = NULL;
	size_t			 i;
	int			 panel, rc = 1;

	memset(&a, 0, sizeof a);
	a.opts = opts;
	a.conf = opts->conf;
	if (opts->demo && a.conf->ncontexts == 1)
		a.ctx = &a.conf->contexts[0];
	else if ((a.ctx = conf_context_find(a.conf, opts->context)) == NULL) {
		out_printf(stderr, "sitrep: %s\n", a.conf->ncontexts == 0 ?
		    "no context is configured; write a config file (see "
		    "'sitrep config docs') or try 'sitrep --demo'" :
		    "no such context; 'sitrep config check' lists them");
		return 1;
	}
	if ((a.km = app_keymap(opts)) == NULL)
		return 1;
	a.theme = theme_load(a.conf->theme != NULL ? a.conf->theme :
	    "default", &cause);
	if (a.theme == NULL)
		goto fail;
	a.cache = cache_open(opts->cache_path, 0, &warning, &cause);
	if (warning != NULL) {
		out_printf(stderr, "sitrep: warning: %s\n", warning);
		free(warning);
	}
	if (a.cache == NULL)
		goto fail;
	panel = tui_panel_parse(opts->panel);
	a.focus = panel >= 0 ? panel : 0;
	if (opts->filter != NULL && *opts->filter != '\0')
		a.lists[a.focus].filter = xstrdup(opts->filter);

	if ((a.rt = runtime_new(a.cache, &cause)) == NULL)
		goto fail;
	if (opts->readonly)
		runtime_set_read_only_because(a.rt, "started with --readonly");
	a.loop = runtime_loop(a.rt);
	a.http = runtime_http(a.rt);
	signal(SIGPIPE, SIG_IGN);

	/* The terminal. */
	setlocale(LC_ALL, "");
	a.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	draw_set_utf8(a.utf8);
	nc = getenv("NO_COLOR");
	a.no_color = nc != NULL && *nc != '\0';
	app_current = &a;
	atexit(app_restore_terminal);
	if ((screen = term_open("console", &cause)) == NULL) {
		rc = 2;
		goto fail;
	}
	a.curses_on = 1;
	app_term_modes(&a);
	for (i = 0; i < 4; i++)
		sig[i] = loop_signal_add(a.loop, signos[i], app_on_signal, &a);
	a.stdin_w = loop_fd_add(a.loop, STDIN_FILENO, LOOP_READ, app_on_stdin,
	    &a);
	a.tick = loop_timer_add(a.loop, 1000, app_on_tick, &a);
	loop_set_before_sleep(a.loop, app_before_sleep, &a);

	/* The last known state at once, then the sources. */
	app_rebuild(&a);
	app_paint(&a);
	if (app_rebuild_start(&a, &cause) != 0) {
		app_message(&a, "views are built between keys: %s", cause);
		free(cause);
		cause = NULL;
	}
	if (app_start_sources(&a, &cause) != 0) {
		app_message(&a, "%s", cause);
		free(cause);
		cause = NULL;
	}
	loop_run(a.loop);

	/* Leave: the terminal first, then flush what finished. */
	app_restore_terminal();
	if (a.poller != NULL)
		poller_flush(a.poller);
	for (i = 0; i < 4; i++) {
		if (sig[i] != NULL)
			loop_signal_del(sig[i]);
	}
	loop_fd_del(a.stdin_w);
	loop_timer_del(a.tick);
	app_rebuild_stop(&a);
	rc = a.exit_code;
fail:
	if (cause != NULL) {
		out_printf(stderr, "sitrep: %s\n", cause);
		free(cause);
	}
	app_logs_stop(&a);
	/* Its timer and requests live on the runtime's loop and HTTP. */
	runbook_live_free(a.rblive);
	a.rblive = NULL;
	runtime_free(a.rt);
	app_done(&a);
	cache_close(a.cache);
	app_current = NULL;
	if (screen != NULL)
		delscreen(screen);
	return rc;
}
