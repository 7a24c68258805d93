/*
 * mode_action.c: the action dialog, where a restart, a rollback, a scale
 * or a runbook's command is previewed, confirmed and followed.
 *
 * The dialog opens at once, saying it is checking; the action gate's
 * guard chain (core/action.h) runs from the loop: read-only, bounds, rate
 * limit, RBAC, the server's dry run.  The preview then names the context,
 * the cluster, the namespace and the object, who the cluster says we
 * are, the dry run's verdict and what changes, under a PROTECTED banner
 * in a protected context.  y confirms in an ordinary context; in a
 * protected one the object's name is typed and Enter confirms; n, Esc or
 * q cancel (one audit row either way).  Nothing else acts: a stray key
 * does nothing.  After the write the dialog shows the outcome, the way
 * back, and the rollout as it goes, until it completes or fails; Esc
 * closes the dialog and the rollout is still followed (and written to
 * the incident's timeline) while the context stays.
 *
 * A run outlives its dialog: the gate's callbacks reach the run, and the
 * run reaches its dialog only while it is open.  Switching context or
 * quitting frees the runs (the runtime's gate goes with its plans).
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "backends/runtime.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/loop.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/layout.h"
#include "tui/mode.h"

#define RUN_FOLLOW_LINES	6	/* rollout lines kept */
#define RUN_TYPED_MAX		253	/* a Kubernetes name at most */

enum run_stage {
	RUN_CHECKING,		/* the guard chain runs */
	RUN_READY,		/* the preview: confirm or cancel */
	RUN_REFUSED,		/* the gate said no */
	RUN_RUNNING,		/* the write */
	RUN_FOLLOWING,		/* the rollout */
	RUN_DONE
};

struct adialog;

struct tui_run {
	struct app		*a;
	struct adialog		*dlg;		/* NULL once closed */
	struct action_plan	*plan;		/* while RUN_READY */
	enum run_stage		 stage;
	struct loop_timer	*start;
	/* The request, owned. */
	struct action_request	 req;
	struct action_command	 cmd;
	char			*ns, *name, *incident, *why;
	char			**argv, **env;
	/* What the dialog shows, copied from the gate. */
	char			*title, *context, *cluster, *object, *user;
	char			*verdict, *diff, *message, *confirm;
	int			 protected_ctx;
	enum action_status	 status;
	char			*outcome, *before, *warning, *output;
	char			*follow[RUN_FOLLOW_LINES];
	int			 nfollow;
	int			 follow_state;
	struct tui_run		*next;
};

struct adialog {
	struct mode		 mode;
	struct tui_run		*run;
	char			 typed[RUN_TYPED_MAX + 1];
	size_t			 ntyped;
	const char		*hint;		/* why the last Enter failed */
};

/* ------------------------------------------------------------------ */
/* Runs                                                                */
/* ------------------------------------------------------------------ */

/* Copy s into *dst (NULL: none). */
static void
run_set(char **dst, const char *s)
{
	free(*dst);
	*dst = s != NULL ? xstrdup(s) : NULL;
}

/* Take the run off the app and free it (the gate's plan is not touched). */
static void
run_free(struct tui_run *r)
{
	struct tui_run	**p;
	int		  i;

	for (p = &r->a->runs; *p != NULL; p = &(*p)->next) {
		if (*p == r) {
			*p = r->next;
			break;
		}
	}
	if (r->dlg != NULL)
		r->dlg->run = NULL;
	if (r->start != NULL)
		loop_timer_del(r->start);
	free(r->ns);
	free(r->name);
	free(r->incident);
	free(r->why);
	util_strv_free(r->argv);
	util_strv_free(r->env);
	free(r->title);
	free(r->context);
	free(r->cluster);
	free(r->object);
	free(r->user);
	free(r->verdict);
	free(r->diff);
	free(r->message);
	free(r->confirm);
	free(r->outcome);
	free(r->before);
	free(r->warning);
	free(r->output);
	for (i = 0; i < r->nfollow; i++)
		free(r->follow[i]);
	free(r);
}

/* Redraw, and fresh views when the world may have changed. */
static void
run_changed(struct tui_run *r, int data)
{
	r->a->dirty = 1;
	if (data)
		r->a->data_dirty = 1;
}

/* The preview, or the refusal. */
static void
run_previewed(struct action_plan *p, const struct action_preview *pv,
    void *arg)
{
	struct tui_run	*r = arg;

	run_set(&r->title, pv->title);
	run_set(&r->context, pv->context);
	run_set(&r->cluster, pv->cluster);
	run_set(&r->object, pv->object);
	run_set(&r->user, pv->user);
	run_set(&r->verdict, pv->verdict);
	run_set(&r->diff, pv->diff);
	run_set(&r->message, pv->message);
	run_set(&r->confirm, pv->confirm);
	r->protected_ctx = pv->protected_ctx;
	r->status = pv->status;
	if (pv->status != ACTION_OK) {
		r->stage = RUN_REFUSED;
		if (r->dlg == NULL) {
			app_message(r->a, "%s: %s", r->title, r->message);
			run_free(r);
			return;
		}
		run_changed(r, 0);
		return;
	}
	r->plan = p;
	r->stage = RUN_READY;
	/* Closed while the gate was checking: nobody will confirm. */
	if (r->dlg == NULL) {
		action_plan_cancel(p, "the dialog was closed");
		run_free(r);
		return;
	}
	run_changed(r, 0);
}

/* The rollout, as it goes. */
static void
run_followed(const struct action_rollout *ro, void *arg)
{
	struct tui_run	*r = arg;
	int		 i;

	if (ro->message != NULL && (r->nfollow == 0 ||
	    strcmp(r->follow[r->nfollow - 1], ro->message) != 0)) {
		if (r->nfollow == RUN_FOLLOW_LINES) {
			free(r->follow[0]);
			for (i = 1; i < RUN_FOLLOW_LINES; i++)
				r->follow[i - 1] = r->follow[i];
			r->nfollow--;
		}
		r->follow[r->nfollow++] = xstrdup(ro->message);
	}
	r->follow_state = ro->state;
	if (ro->state == 0) {
		run_changed(r, 0);
		return;
	}
	r->stage = RUN_DONE;
	if (r->dlg == NULL) {
		app_message(r->a, "%s: %s", r->title, ro->message != NULL ?
		    ro->message : ro->state == 1 ? "rolled out" : "failed");
		r->a->data_dirty = 1;
		run_free(r);
		return;
	}
	run_changed(r, 1);
}

/* The write's outcome. */
static void
run_done(const struct action_outcome *o, void *arg)
{
	struct tui_run		*r = arg;
	const struct action_def	*d = action_def_of(r->req.kind);

	r->status = o->status;
	run_set(&r->outcome, o->message);
	run_set(&r->before, o->before);
	run_set(&r->warning, o->warning);
	run_set(&r->output, o->output);
	if (o->diff != NULL)
		run_set(&r->diff, o->diff);
	r->stage = o->status == ACTION_OK && (d->flags & ACTION_F_FOLLOW) ?
	    RUN_FOLLOWING : RUN_DONE;
	if (r->dlg == NULL && r->stage == RUN_DONE) {
		app_message(r->a, "%s", r->outcome);
		r->a->data_dirty = 1;
		run_free(r);
		return;
	}
	if (r->dlg == NULL)
		app_message(r->a, "%s; following the rollout", r->outcome);
	run_changed(r, 1);
}

/* Start the guard chain, from the loop. */
static int64_t
run_start(void *arg)
{
	struct tui_run		*r = arg;
	struct action_gate	*g = runtime_gate(r->a->rt);

	r->start = NULL;
	if (g == NULL) {
		r->stage = RUN_REFUSED;
		r->status = ACTION_REFUSED;
		free(r->message);
		r->message = app_read_only_reason(r->a);
		run_changed(r, 0);
		return -1;
	}
	action_plan(g, &r->req, run_previewed, r);
	return -1;
}

/* Drop every run (context switch, the end); see app.h. */
void
app_runs_free(struct app *a)
{
	while (a->runs != NULL)
		run_free(a->runs);
}

/* ------------------------------------------------------------------ */
/* The dialog                                                          */
/* ------------------------------------------------------------------ */

/* One line: a label and a value, or a whole line when label is NULL. */
static int
dlg_line(const struct layout_rect *r, int y, const char *label,
    const char *value, enum theme_slot slot)
{
	int	x = r->x + 2, w = r->w - 4;

	if (y >= r->y + r->h - 1 || w < 4)
		return y;
	if (label != NULL) {
		draw_text(stdscr, y, x, w, label, theme_attr(SLOT_DIM));
		x += 12;
		w -= 12;
	}
	if (w > 0 && value != NULL)
		draw_text(stdscr, y, x, w, value, theme_attr(slot));
	return y + 1;
}

/* Each line of text (newlines split it) under label. */
static int
dlg_lines(const struct layout_rect *r, int y, const char *label,
    const char *text, enum theme_slot slot)
{
	const char	*p, *nl;
	char		*one;

	for (p = text; p != NULL && *p != '\0'; p = nl + (*nl != '\0')) {
		nl = p + strcspn(p, "\n");
		one = xstrndup(p, (size_t)(nl - p));
		y = dlg_line(r, y, label, one, slot);
		free(one);
		label = "";
	}
	return y;
}

/* The dialog over the panels. */
static void
dlg_draw(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct adialog		*d = (struct adialog *)m;
	struct tui_run		*run = d->run;
	int			 y = r->y + 1, i;
	char			*s;

	(void)a;
	for (i = 0; i < r->h; i++) {
		move(r->y + i, r->x);
		hline(' ', r->w);
	}
	draw_box(stdscr, r->y, r->x, r->h, r->w, " action ",
	    theme_attr(SLOT_BORDER), theme_attr(SLOT_TITLE));
	if (run == NULL)
		return;
	if (run->protected_ctx) {
		s = xasprintf(" PROTECTED CONTEXT %s: type the name to act ",
		    run->context != NULL ? run->context : "");
		attron(theme_attr(SLOT_CRIT) | A_REVERSE | A_BOLD);
		move(y, r->x + 2);
		hline(' ', r->w - 4);
		attroff(theme_attr(SLOT_CRIT) | A_REVERSE | A_BOLD);
		draw_text(stdscr, y++, r->x + 2, r->w - 4, s,
		    theme_attr(SLOT_CRIT) | A_REVERSE | A_BOLD);
		free(s);
	}
	y = dlg_line(r, y, NULL, run->title, SLOT_TITLE);
	y++;
	y = dlg_line(r, y, "context", run->context, SLOT_NORMAL);
	if (run->cluster != NULL)
		y = dlg_line(r, y, "cluster", run->cluster, SLOT_NORMAL);
	if (run->ns != NULL)
		y = dlg_line(r, y, "namespace", run->ns, SLOT_NORMAL);
	if (run->object != NULL)
		y = dlg_line(r, y, "object", run->object, SLOT_NORMAL);
	if (run->user != NULL)
		y = dlg_line(r, y, "as", run->user, SLOT_NORMAL);
	if (run->stage == RUN_CHECKING) {
		y = dlg_line(r, y, "check", "checking: rate limit, RBAC, "
		    "server dry run...", SLOT_DIM);
		return;
	}
	if (run->verdict != NULL)
		y = dlg_lines(r, y, "check", run->verdict,
		    run->status == ACTION_OK || run->stage > RUN_REFUSED ?
		    SLOT_OK : SLOT_CRIT);
	if (run->diff != NULL)
		y = dlg_lines(r, y, "changes", run->diff, SLOT_ACCENT);
	if (run->message != NULL)
		y = dlg_lines(r, y, run->stage == RUN_REFUSED ? "refused" :
		    "note", run->message, run->stage == RUN_REFUSED ?
		    SLOT_CRIT : SLOT_WARN);
	if (run->outcome != NULL) {
		y++;
		y = dlg_lines(r, y, "result", run->outcome,
		    run->status == ACTION_OK ? SLOT_OK : SLOT_CRIT);
	}
	if (run->before != NULL && run->stage >= RUN_FOLLOWING)
		y = dlg_line(r, y, "to revert", run->before, SLOT_NORMAL);
	if (run->warning != NULL)
		y = dlg_lines(r, y, "warning", run->warning, SLOT_WARN);
	if (run->output != NULL && *run->output != '\0')
		y = dlg_lines(r, y, "output", run->output, SLOT_NORMAL);
	for (i = 0; i < run->nfollow; i++)
		y = dlg_line(r, y, i == 0 ? "rollout" : "", run->follow[i],
		    i < run->nfollow - 1 ? SLOT_DIM : run->follow_state == 1 ?
		    SLOT_OK : run->follow_state < 0 ? SLOT_CRIT : SLOT_NORMAL);
}

/* The footer: what the keys do now, and the typed name. */
static void
dlg_footer(struct mode *m, struct app *a, const struct layout_rect *r)
{
	struct adialog	*d = (struct adialog *)m;
	struct tui_run	*run = d->run;
	const char	*say;
	char		*s = NULL;
	int		 w;

	(void)a;
	move(r->y, 0);
	clrtoeol();
	if (run == NULL)
		return;
	switch (run->stage) {
	case RUN_CHECKING:
		say = "checking... Esc cancels";
		break;
	case RUN_READY:
		if (run->protected_ctx) {
			s = xasprintf("type %s and Enter to act in %s%s%s; Esc "
			    "cancels: %s", run->confirm, run->context,
			    d->hint != NULL ? " (" : "", d->hint != NULL ?
			    d->hint : "", d->hint != NULL ? ")" : "");
			w = draw_text(stdscr, r->y, 0, r->w - 1, s,
			    theme_attr(SLOT_CRIT) | A_BOLD);
			if (w < r->w - 1)
				w += draw_text(stdscr, r->y, w, r->w - 1 - w,
				    d->typed, theme_attr(SLOT_NORMAL));
			move(r->y, w < r->w - 1 ? w : r->w - 1);
			free(s);
			return;
		}
		s = xasprintf("y: %s in %s    n/Esc: cancel", run->title,
		    run->context);
		say = s;
		break;
	case RUN_FOLLOWING:
		say = "following the rollout; Esc closes (it is still "
		    "followed)";
		break;
	default:
		say = "Esc or q closes";
		break;
	}
	draw_text(stdscr, r->y, 0, r->w - 1, say, theme_attr(SLOT_WARN) |
	    A_BOLD);
	free(s);
}

/* Confirm with what was typed (or y). */
static void
dlg_confirm(struct adialog *d, const char *typed)
{
	struct tui_run	*run = d->run;
	char		*cause = NULL;

	if (action_plan_confirm(run->plan, typed, run_done, run_followed,
	    run, &cause) != 0) {
		d->hint = "that is not the name";
		free(cause);
		return;
	}
	run->plan = NULL;
	run->stage = RUN_RUNNING;
	run_set(&run->outcome, "running...");
}

/* Close the dialog; a preview waiting is cancelled (its audit row). */
static void
dlg_close(struct adialog *d, struct app *a)
{
	struct tui_run	*run = d->run;

	if (run != NULL) {
		run->dlg = NULL;
		d->run = NULL;
		if (run->stage == RUN_READY) {
			action_plan_cancel(run->plan, NULL);
			run->plan = NULL;
			app_message(a, "cancelled: %s (nothing was done)",
			    run->title);
			run_free(run);
		} else if (run->stage == RUN_REFUSED || run->stage == RUN_DONE)
			run_free(run);
	}
	app_pop(a);
}

/* Keys: every one is the dialog's while it is open. */
static int
dlg_key(struct mode *m, struct app *a, wint_t ch, int is_key)
{
	struct adialog	*d = (struct adialog *)m;
	struct tui_run	*run = d->run;
	int		 esc = !is_key && ch == 27;

	if (run == NULL || esc || (run->stage != RUN_READY && !is_key &&
	    (ch == L'q' || ch == L'n'))) {
		dlg_close(d, a);
		return KEY_HANDLED | KEY_REDRAW;
	}
	if (run->stage != RUN_READY)
		return KEY_HANDLED;
	if (!run->protected_ctx) {
		if (!is_key && (ch == L'y' || ch == L'Y'))
			dlg_confirm(d, "y");
		else if (!is_key && (ch == L'n' || ch == L'N' || ch == L'q'))
			dlg_close(d, a);
		return KEY_HANDLED | KEY_REDRAW;
	}
	if ((!is_key && (ch == L'\r' || ch == L'\n')) ||
	    (is_key && ch == KEY_ENTER)) {
		dlg_confirm(d, d->typed);
	} else if ((is_key && ch == KEY_BACKSPACE) ||
	    (!is_key && (ch == 127 || ch == 8))) {
		if (d->ntyped > 0)
			d->typed[--d->ntyped] = '\0';
	} else if (!is_key && ch > L' ' && ch < 127 &&
	    d->ntyped < RUN_TYPED_MAX) {
		d->typed[d->ntyped++] = (char)ch;
		d->typed[d->ntyped] = '\0';
		d->hint = NULL;
	}
	return KEY_HANDLED | KEY_REDRAW;
}

/* The mode goes (popped, or the app ends): the run stays its own. */
static void
dlg_free(struct mode *m)
{
	struct adialog	*d = (struct adialog *)m;

	if (d->run != NULL)
		d->run->dlg = NULL;
	free(d);
}

static const struct mode_ops action_mode_ops = {
	.name = "action",
	.draw = dlg_draw,
	.footer = dlg_footer,
	.key = dlg_key,
	.free = dlg_free,
};

/* The dialog for req; see mode.h. */
struct mode *
mode_action_new(struct app *a, const struct action_request *req,
    char **cause)
{
	const struct action_def	*def = action_def_of(req->kind);
	struct adialog		*d;
	struct tui_run		*r;
	char			*why, *target;

	if (def == NULL) {
		*cause = xstrdup("no such action");
		return NULL;
	}
	if ((why = app_read_only_reason(a)) != NULL) {
		target = xasprintf("%s %s/%s", def->writes, req->namespace !=
		    NULL ? req->namespace : "", req->name != NULL ? req->name :
		    "");
		app_refusal(a, def->name, target, why);
		*cause = xasprintf("%s; nothing was done (the refusal is in "
		    "the audit log)", why);
		free(target);
		free(why);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->a = a;
	r->req = *req;
	r->ns = req->namespace != NULL ? xstrdup(req->namespace) : NULL;
	r->name = req->name != NULL ? xstrdup(req->name) : NULL;
	r->incident = req->incident != NULL ? xstrdup(req->incident) : NULL;
	r->why = req->why != NULL ? xstrdup(req->why) : NULL;
	r->req.namespace = r->ns;
	r->req.name = r->name;
	r->req.incident = r->incident;
	r->req.why = r->why;
	if (req->command != NULL) {
		r->cmd = *req->command;
		r->argv = util_strv_dup(req->command->argv);
		r->env = util_strv_dup(req->command->env);
		r->cmd.argv = (const char *const *)r->argv;
		r->cmd.env = (const char *const *)r->env;
		r->req.command = &r->cmd;
	}
	r->title = xstrdup(def->summary);
	r->stage = RUN_CHECKING;
	r->next = a->runs;
	a->runs = r;
	r->start = loop_timer_add(a->loop, 0, run_start, r);

	d = xcalloc(1, sizeof *d);
	d->mode.ops = &action_mode_ops;
	d->run = r;
	r->dlg = d;
	return &d->mode;
}
