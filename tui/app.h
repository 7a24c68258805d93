/*
 * app.h: the console's shared state, for the files of tui/.
 *
 * The console is a row of panels (panel.h, one file each) under a stack of
 * modes (mode.h: a detail page, help, the filter and command lines), as
 * tmux keeps window modes over a pane.  app.c is the glue: the event loop,
 * the mode stack, painting once per wake-up.  Panels and modes reach the
 * state they share through this struct and the functions below; nothing
 * outside tui/ sees it.
 */
#ifndef SITREP_TUI_APP_H
#define SITREP_TUI_APP_H

#include <stdint.h>
#include <wchar.h>

#include "tui/layout.h"
#include "tui/list.h"

struct app_read;
struct cache;
struct conf;
struct conf_context;
struct drill;
struct drill_watch;
struct http;
struct keymap;
struct loop;
struct loop_fd;
struct loop_timer;
struct matchers;
struct mode;
struct poller;
struct refresh;
struct runbook_live;
struct tui_act;
struct tui_logs;
struct runtime;
struct source;
struct screen;
struct theme;
struct tui_opts;
struct views;

#define APP_NPANELS	LAYOUT_NPANELS

/* What a key handler did; a handler that does nothing returns 0. */
#define KEY_HANDLED	0x1
#define KEY_REDRAW	0x2
#define KEY_QUIT	0x4

struct app {
	const struct tui_opts		*opts;
	struct conf			*conf;
	const struct conf_context	*ctx;
	struct runtime			*rt;		/* loop, http, poller */
	struct loop			*loop;		/* the runtime's */
	struct http			*http;		/* the runtime's */
	struct cache			*cache;
	struct poller			*poller;	/* the runtime's */
	struct views			*views;		/* replaced per rebuild */
	struct views_memo		*memo;		/* what rebuilds keep */
	struct rebuilder		*rebuilder;	/* builds off the loop */
	struct app_read			*reads;		/* the modes' reads */
	struct keymap			*km;
	struct theme			*theme;
	int				 utf8;
	int				 no_color;
	int				 focus;		/* panel index */
	struct list			 lists[APP_NPANELS];
	struct mode			*modes;		/* top of the stack */
	char				*ns;		/* :ns, or NULL */
	char				*msg;
	int64_t				 msg_until;
	int				 dirty;
	int				 data_dirty;
	int				 resized;
	int64_t				 last_build;
	int64_t				 build_ms;	/* cost of the last */
	int				 quit;
	int				 ctrlc_armed;
	struct loop_fd			*stdin_w;
	struct loop_timer		*tick;
	int				 curses_on;
	int				 exit_code;
	int64_t				 clock_ms;	/* fixed now; 0: wall */
	char				**namespaces;	/* known, sorted */
	size_t				 nnamespaces;
	/* Keys typed right after an input line closed go back into it. */
	struct mode			*(*typeahead)(struct app *);
	int64_t				 typeahead_until;	/* loop ms */
	/* An 'r' waiting for every source's next round. */
	struct refresh			*refresh;
	/* Actions started and not answered yet (tui/act.c). */
	struct tui_act			*acts;
	/* Actions previewed, running or followed (tui/mode_action.c). */
	struct tui_run			*runs;
	/* Runbooks, their live checks (tui/runbook_live.c); lazily made. */
	struct runbook_live		*rblive;
	/* Pod log pages open, each maybe reading (tui/mode_logs.c). */
	struct tui_logs			*logs;
	/* A drill played: its end watched after each rebuild (app.c). */
	struct drill			*drill;		/* from the cache */
	struct drill_watch		*drill_watch;	/* NULL: not a drill */
	int				 drill_tried;	/* loaded, or failed */
};

/* Now, in ms since the epoch: the wall clock, or the fixed clock_ms. */
int64_t	app_now_ms(const struct app *);

/* Show a message in the footer for a few seconds. */
void	app_message(struct app *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Push a mode on the stack; the app owns it from now on. */
void	app_push(struct app *, struct mode *);
/* Pop and free the top mode; NULL stack is a no-op. */
void	app_pop(struct app *);
/* Pop every mode covering the panels (detail, help) and what is above. */
void	app_pop_pages(struct app *);

/* Recompute every panel's visible rows (filter, namespace, selection). */
void	app_rows_all(struct app *);
/*
 * An input line closed by Backspace: printable keys typed within a moment
 * reopen it (made by reopen) instead of running as commands.
 */
void	app_typeahead(struct app *, struct mode *(*reopen)(struct app *));

/* 'r': ask every source now; the footer reports when all answered. */
void	app_refresh(struct app *);
/* A source's round was stored (the poller's notify). */
void	app_refresh_note(struct app *, struct source *);
void	app_refresh_free(struct app *);

/*
 * What the console does to incident id (tui/act.c), through the runtime's
 * gate, started from the loop a moment after the key: acknowledge it for
 * for_ms (0: incidents.ack_for) with an optional comment (again: extend),
 * take the acknowledgement back, add a note.  The outcome is a footer
 * message; a console without a gate says it may not act.
 */
void	app_ack(struct app *, const char *id, int64_t for_ms,
	    const char *comment);
void	app_unack(struct app *, const char *id);
void	app_note(struct app *, const char *id, const char *text);
/*
 * Silences by hand, through the gate as above: create one of m (copied)
 * from now for for_ms, or until ends_ms when it is not 0, with comment
 * and author; expire silence id.
 */
void	app_silence(struct app *, const struct matchers *, int64_t for_ms,
	    int64_t ends_ms, const char *comment, const char *created_by);
void	app_expire(struct app *, const char *id);
/* Drop the actions in flight (context switch, the end). */
void	app_acts_free(struct app *);
/* Drop the action dialogs' runs (context switch, the end). */
void	app_runs_free(struct app *);
/*
 * Stop the reads of the log pages (tui/mode_logs.c) before the context's
 * client or the loop goes (context switch, the end); the pages stay,
 * saying so, until closed.
 */
void	app_logs_stop(struct app *);
/*
 * Record in the audit log that this console refused action on target
 * (read-only), why; a failure to record is said in the footer.
 */
void	app_refusal(struct app *, const char *action, const char *target,
	    const char *why);
/*
 * Why this console may not act now, one sentence: "read-only: started
 * with --readonly", "read-only: context NAME has readonly: true"; NULL
 * when it may (the runtime gave it a gate).  Caller frees.
 */
char	*app_read_only_reason(struct app *);
/* When this console may not act: say why in the footer, and 1. */
int	 app_refuse_read_only(struct app *);

/* Switch to another context: new sources, selections forgotten. */
void	app_switch_context(struct app *, const struct conf_context *);

/* The topmost page (a mode covering the panels), or NULL (borrowed). */
struct mode *app_page(struct app *);
/* A key from the terminal (is_key: a curses key code); see keys.c. */
void	app_key(struct app *, wint_t, int is_key);
/* A mouse event waiting in curses. */
void	app_mouse(struct app *);
/* Ctrl-C or SIGINT: quit, asking once more when a mode is open. */
void	app_ctrl_c(struct app *);

/* Read the cache into fresh views (keeping selections), here and now. */
void	app_rebuild(struct app *);
/*
 * The thread that builds views off the loop (tui/rebuild.c): start it
 * (-1 and *cause: the console builds in place), ask it for fresh views
 * (swapped in from the loop when built), hand it views to free, stop it
 * (and every read for the modes, before the loop is freed).
 */
int	app_rebuild_start(struct app *, char **cause);
void	app_rebuild_ask(struct app *);
void	app_rebuild_discard(struct app *, struct views *);
void	app_rebuild_stop(struct app *);

/*
 * A read of the cache for a mode, off the loop (tui/rebuild.c): read runs
 * on the builder thread's own connection, before the next build of the
 * views (arg is the read's: it must not point at what the loop changes;
 * free_arg frees it once the read is over); done runs on the loop with
 * the result, or NULL and a cause, and owns both.  app_read_cancel()
 * forgets a read (a mode closing): done is never called, what it read is
 * freed with free_result; it never waits for the thread.  Without the
 * thread the read runs on the loop from a timer: done is never called
 * from inside app_read_ask().
 */
struct app_read_ops {
	void	*(*read)(struct cache *, const struct conf *, void *arg,
		    char **cause);
	void	 (*done)(struct app *, void *result, char *cause,
		    void *owner);
	void	 (*free_result)(void *);
	void	 (*free_arg)(void *);
};
struct app_read	*app_read_ask(struct app *, const struct app_read_ops *,
		    void *arg, void *owner);
void		 app_read_cancel(struct app *, struct app_read *);
/* Forget every read left (when the console ends). */
void		 app_reads_free(struct app *);
/* Paint the whole screen into curses' buffer and send the difference. */
void	app_paint(struct app *);
/* The terminal modes and colours the console runs in. */
void	app_term_modes(struct app *);
/*
 * Open the terminal for a full-screen program (what: "console",
 * "wallboard"): the screen, or NULL and *cause (a sentence saying which
 * TERM to set) when curses does not know TERM or it cannot place the
 * cursor.
 */
struct screen	*term_open(const char *what, char **cause);	/* SCREEN */
/* Modes and colours of a full-screen program (mouse: report clicks). */
void	term_modes(const struct theme *, int no_color, int mouse);
/* Free what the app owns (not the loop, the cache or curses). */
void	app_done(struct app *);

#endif
