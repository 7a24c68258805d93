/*
 * mode.h: the modes that sit over the panels, as a stack.
 *
 * A mode owns its state and gets keys before the panels: a page of lines
 * (a detail view, help) covers the panels; an input line (the filter, the
 * command line) takes the footer and every key until Enter or Esc.  The
 * top mode sees a key first; what it leaves (returns 0 for) goes to the
 * console's global keys, then to the focused panel.  Dialogs, the
 * wallboard and drills arrive as more modes, one file each.
 *
 * Whatever a mode shows, it owns: a page copies what it needs from the
 * views when it opens, so a rebuild of the views never leaves a mode
 * holding freed memory.
 */
#ifndef SITREP_TUI_MODE_H
#define SITREP_TUI_MODE_H

#include <stddef.h>
#include <wchar.h>

#include "tui/theme.h"

struct app;
struct layout_rect;
struct view_incident;

struct mode_ops {
	const char	*name;
	/* Draw over the panels' area (pages), or NULL. */
	void		 (*draw)(struct mode *, struct app *,
			    const struct layout_rect *);
	/* Draw the footer and place the cursor (input lines), or NULL. */
	void		 (*footer)(struct mode *, struct app *,
			    const struct layout_rect *);
	/* A key (is_key: a curses key code); KEY_* flags, 0 if not taken. */
	int		 (*key)(struct mode *, struct app *, wint_t ch,
			    int is_key);
	/* Scroll by delta lines (the mouse wheel), or NULL. */
	void		 (*scroll_by)(struct mode *, long delta);
	void		 (*free)(struct mode *);
};

/* Every mode starts with this; the stack links through below. */
struct mode {
	const struct mode_ops	*ops;
	struct mode		*below;
};

/*
 * A page of lines with a title, scrolled with the movement keys, closed
 * with Esc or q: the detail views and help.
 */
struct mode	*mode_page_new(const char *title);
/* Add a line (sanitised for the terminal; newlines make more lines). */
void		 mode_page_add(struct mode *, enum theme_slot,
		     const char *, ...) __attribute__((format(printf, 3, 4)));
/*
 * The line added last names pod ns/pod (copied): the cursor stops on it
 * (on the first such line when the page opens; j/k move between them),
 * and l or p opens its log (mode_logs_new).
 */
void		 mode_page_pod(struct mode *, const char *ns, const char *pod);
/* Add "  key: value" for each member of a JSON object text, under title. */
void		 mode_page_pairs(struct mode *, const char *title,
		     const char *json);

/*
 * The page of incident id of the console's context as the cache keeps
 * it (state, acknowledgement, receivers, alerts, timeline); NULL and
 * *cause when the cache has none.
 */
struct mode	*mode_incident_new(struct app *, const char *id, char **cause);
/* `:history`: the incidents resolved within incidents.keep_resolved. */
struct mode	*mode_history_new(struct app *);
/*
 * `:incidents [all]`: the open incidents of the console's context (all:
 * of every context in the cache), worst first, read now
 * (views_incidents_worst); Enter opens the page of one of this context
 * and says which `:context` works one of another.
 */
struct mode	*mode_incidents_new(struct app *, int all);

/*
 * The log of pod ns/pod (copied) in the console's context, its previous
 * container's when previous: a page that says "loading..." at once and
 * fills in when the read answers (runtime_pod_logs); p, c, f, /, n, N
 * on it.  Reads stop when it closes or the context changes
 * (app_logs_stop).
 */
struct mode	*mode_logs_new(struct app *, const char *ns, const char *pod,
		     int previous);

/* The help page, generated from the key table and the command table. */
struct mode	*mode_help_new(struct app *);

/*
 * The silences of the context (core/views_silences.h), read off the loop:
 * the list opens at once and fills when the read is in.
 */
struct mode	*mode_silences_new(struct app *);

/*
 * The silence form of an incident (borrowed for the call): matchers (the
 * labels its alerts share), duration, comment and author, edited in
 * place; Enter on the last field previews what the silence would hold
 * now (core/views_silences.h), and y creates it through the gate
 * (app_silence).  NULL and *cause when there is nothing to silence or
 * this console may not act.
 */
struct mode	*mode_silence_form_new(struct app *,
		     const struct view_incident *, char **cause);

/*
 * A question in the footer ("expire silence X? y/N"): y runs yes, any
 * other key no (either may be NULL); free (may be NULL) frees arg after
 * the answer, or when the question closes unanswered.
 */
struct confirm_ops {
	void	(*yes)(struct app *, void *arg);
	void	(*no)(struct app *, void *arg);
	void	(*free)(void *arg);
};
struct mode	*mode_confirm_new(const char *question,
		     const struct confirm_ops *, void *arg);

/*
 * The action dialog (tui/mode_action.c) for req (copied): the gate's
 * checks, the preview, y (or the typed name in a protected context),
 * the outcome and the rollout.  NULL and *cause when this console may
 * not act (the refusal is in the audit log).
 */
struct action_request;
struct mode	*mode_action_new(struct app *, const struct action_request *,
		     char **cause);

/* The live filter of the focused panel. */
struct mode	*mode_filter_new(struct app *);
/* The ':' command line, with Tab completion from the command table. */
struct mode	*mode_command_new(struct app *);
/* The same with initial text (":scale shop/checkout "). */
struct mode	*mode_command_with(struct app *, const char *initial);

/*
 * An input line: the shared editor under the filter and command line.
 * ops say what happens as the text changes, on Enter, on Esc and on Tab.
 */
struct prompt_ops {
	const char	*name;		/* "filter", "command line" */
	/* A new one like it: keys typed right after Backspace closed it. */
	struct mode	*(*reopen)(struct app *);
	void	(*change)(struct app *, const char *text, void *arg);
	void	(*enter)(struct app *, const char *text, void *arg);
	void	(*cancel)(struct app *, void *arg);
	/* Complete the text in place (size len); NULL: Tab is ignored. */
	void	(*complete)(struct app *, char *text, size_t len, void *arg);
};
struct mode	*prompt_new(int prompt, const char *initial,
		     const struct prompt_ops *, void *arg);

#endif
