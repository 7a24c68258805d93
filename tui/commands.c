/*
 * commands.c: the ':' commands (switch context, namespace, silences,
 * theme, quit), their completion and the command line that runs them;
 * see commands.h.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/action.h"
#include "core/conf.h"
#include "core/views.h"
#include "tui/app.h"
#include "tui/commands.h"
#include "tui/mode.h"
#include "tui/panel.h"
#include "tui/theme.h"
#include "tui/tui.h"

#define COMMANDS_MAX_CANDIDATES	64

/* Every configured context's name. */
static size_t
cmd_contexts(struct app *a, const char **out, size_t max)
{
	size_t	n = 0, i;

	for (i = 0; i < a->conf->ncontexts && n < max; i++)
		out[n++] = a->conf->contexts[i].name;
	return n;
}

/* Every shipped theme's name. */
static size_t
cmd_themes(struct app *a, const char **out, size_t max)
{
	const char *const	*themes = theme_builtin_names();
	size_t			 n = 0;

	(void)a;
	for (; themes[n] != NULL && n < max; n++)
		out[n] = themes[n];
	return n;
}

/* Whether name is among the n strings of v. */
static int
cmd_has(const char *const *v, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], name) == 0)
			return 1;
	}
	return 0;
}

/* The namespaces there are (app_namespaces() keeps them). */
static size_t
cmd_namespaces(struct app *a, const char **out, size_t max)
{
	size_t	n;

	for (n = 0; n < a->nnamespaces && n < max; n++)
		out[n] = a->namespaces[n];
	return n;
}

/* "a, b, c" of the n strings of v, into b. */
static void
cmd_list(struct buf *b, const char *const *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i > 0 ? ", " : "", v[i]);
	if (n == 0)
		buf_puts(b, "none");
}

/* :context NAME; without a name, the contexts there are. */
static void
cmd_context(struct app *a, const char *arg)
{
	const struct conf_context	*ctx;
	const char			*cand[COMMANDS_MAX_CANDIDATES], *near;
	struct buf			 b;
	size_t				 n;

	if (a->opts->demo && a->conf->ncontexts < 2) {
		app_message(a, "the demo has one context (--worlds N gives "
		    "it N)");
		return;
	}
	n = cmd_contexts(a, cand, COMMANDS_MAX_CANDIDATES);
	if (arg == NULL || (ctx = conf_context_find(a->conf, arg)) == NULL) {
		buf_init(&b, 0);
		cmd_list(&b, cand, n);
		near = arg != NULL ? util_closest(arg, cand, n) : NULL;
		if (arg == NULL)
			app_message(a, "contexts: %s (now %s); :context NAME "
			    "switches", buf_str(&b), a->ctx->name);
		else if (near != NULL)
			app_message(a, "no context named '%s'; did you mean "
			    "'%s'? (contexts: %s)", arg, near, buf_str(&b));
		else
			app_message(a, "no context named '%s' (contexts: %s)",
			    arg, buf_str(&b));
		buf_done(&b);
		return;
	}
	app_switch_context(a, ctx);
	app_message(a, "context %s", ctx->name);
}

/* :ns [NAME]: one namespace that exists, or all of them. */
static void
cmd_ns(struct app *a, const char *arg)
{
	const char	*cand[COMMANDS_MAX_CANDIDATES], *near;
	struct buf	 b;
	size_t		 n;

	if (arg != NULL) {
		n = cmd_namespaces(a, cand, COMMANDS_MAX_CANDIDATES);
		if (!cmd_has(cand, n, arg)) {
			buf_init(&b, 0);
			cmd_list(&b, cand, n);
			near = util_closest(arg, cand, n);
			if (near != NULL)
				app_message(a, "no namespace '%s' in %s; did you "
				    "mean '%s'? (namespaces: %s)", arg,
				    a->ctx->name, near, buf_str(&b));
			else
				app_message(a, "no namespace '%s' in %s "
				    "(namespaces: %s)", arg, a->ctx->name,
				    buf_str(&b));
			buf_done(&b);
			return;
		}
	}
	free(a->ns);
	a->ns = arg != NULL ? xstrdup(arg) : NULL;
	app_rows_all(a);
	if (arg != NULL)
		app_message(a, "namespace %s", arg);
	else
		app_message(a, "all namespaces");
}

/* :theme NAME */
static void
cmd_theme(struct app *a, const char *arg)
{
	struct theme	*t;
	const char	*cand[COMMANDS_MAX_CANDIDATES];
	struct buf	 b;
	size_t		 n, i;
	char		*cause = NULL;

	if (arg == NULL) {
		n = cmd_themes(a, cand, COMMANDS_MAX_CANDIDATES);
		buf_init(&b, 0);
		for (i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i > 0 ? ", " : "", cand[i]);
		app_message(a, "theme NAME: %s", buf_str(&b));
		buf_done(&b);
		return;
	}
	if ((t = theme_load(arg, &cause)) == NULL) {
		app_message(a, "%s", cause);
		free(cause);
		return;
	}
	theme_free(a->theme);
	a->theme = t;
	theme_apply(a->theme, a->no_color);
	clearok(curscr, TRUE);
	app_message(a, "theme %s", arg);
}

/* :silences: the context's silences, over any page open. */
static void
cmd_silences(struct app *a, const char *arg)
{
	(void)arg;
	app_pop_pages(a);
	app_push(a, mode_silences_new(a));
}

/* :history: the incidents resolved lately, over the panels. */
static void
cmd_history(struct app *a, const char *arg)
{
	(void)arg;
	app_push(a, mode_history_new(a));
}

/* The word `:incidents` takes. */
static size_t
cmd_incidents_words(struct app *a, const char **out, size_t max)
{
	(void)a;
	if (max == 0)
		return 0;
	out[0] = "all";
	return 1;
}

/* :incidents [all]: the open incidents worst first, over the panels. */
static void
cmd_incidents(struct app *a, const char *arg)
{
	if (arg != NULL && strcmp(arg, "all") != 0) {
		app_message(a, "incidents [all]: this context's open incidents, "
		    "or every context's in the cache");
		return;
	}
	app_pop_pages(a);
	app_push(a, mode_incidents_new(a, arg != NULL));
}

/* :q */
static void
cmd_quit(struct app *a, const char *arg)
{
	(void)arg;
	a->quit = 1;
}

/* The selected incident's id, or NULL after saying there is none. */
static const char *
cmd_incident(struct app *a)
{
	const struct view_incident	*inc = panel_incidents_selected(a);

	if (inc == NULL)
		app_message(a, "no incident selected: pick one in 3 Incidents");
	return inc != NULL ? inc->id : NULL;
}

/* :ack [DURATION] [COMMENT] */
static void
cmd_ack(struct app *a, const char *arg)
{
	const char	*id, *rest = NULL;
	char		*word = NULL, *cause = NULL;
	int64_t		 d = 0;
	size_t		 n;

	if (app_refuse_read_only(a) || (id = cmd_incident(a)) == NULL)
		return;
	if (arg != NULL) {
		n = strcspn(arg, " ");
		word = xstrndup(arg, n);
		rest = arg + n + strspn(arg + n, " ");
		/* A first word that is not a duration starts the comment. */
		if (util_parse_duration(word, &d, &cause) != 0) {
			free(cause);
			d = 0;
			rest = arg;
		} else if (d < 60 * 1000 || d > 24 * 3600 * 1000LL) {
			app_message(a, "ack for %s: give 1m to 24h", word);
			free(word);
			return;
		}
		if (*rest == '\0')
			rest = NULL;
	}
	app_ack(a, id, d, rest);
	free(word);
}

/* :unack */
static void
cmd_unack(struct app *a, const char *arg)
{
	const char	*id;

	(void)arg;
	if (!app_refuse_read_only(a) && (id = cmd_incident(a)) != NULL)
		app_unack(a, id);
}

/* :note TEXT */
static void
cmd_note(struct app *a, const char *arg)
{
	const char	*id;

	if (app_refuse_read_only(a))
		return;
	if (arg == NULL) {
		app_message(a, "note TEXT: what you saw or did");
		return;
	}
	if ((id = cmd_incident(a)) != NULL)
		app_note(a, id, arg);
}

/*
 * :restart, :undo, :scale, :delete-pod NAMESPACE/NAME [N]: the action
 * dialog (tui/mode_action.c) for it; N is undo's revision (optional) or
 * scale's replicas (required).
 */
static void
cmd_kube_action(struct app *a, enum action_kind kind, const char *arg)
{
	const struct action_def	*d = action_def_of(kind);
	struct action_request	 req;
	struct mode		*m;
	char			*target = NULL, *ns = NULL, *cause = NULL;
	const char		*rest, *slash;
	int64_t			 n = 0;
	size_t			 len;

	/* Read-only is refused by the dialog, which records it. */
	len = arg != NULL ? strcspn(arg, " ") : 0;
	if (len > 0)
		target = xstrndup(arg, len);
	rest = arg != NULL ? arg + len + strspn(arg + len, " ") : "";
	if (target == NULL || (slash = strchr(target, '/')) == NULL ||
	    slash == target || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL) {
		app_message(a, "%s NAMESPACE/NAME%s", d->name,
		    kind == ACTION_SCALE ? " REPLICAS" : kind == ACTION_UNDO ?
		    " [REVISION]" : "");
		free(target);
		return;
	}
	if ((kind == ACTION_SCALE || (kind == ACTION_UNDO && *rest != '\0')) &&
	    (util_parse_int64(rest, &n) != 0 || n < (kind == ACTION_UNDO) ||
	    n > 100000)) {
		app_message(a, kind == ACTION_SCALE ? "scale %s REPLICAS: "
		    "give a count, 0 or more" : "undo %s REVISION: give a "
		    "revision number", target);
		free(target);
		return;
	}
	ns = xstrndup(target, (size_t)(slash - target));
	memset(&req, 0, sizeof req);
	req.kind = kind;
	req.namespace = ns;
	req.name = slash + 1;
	req.to_revision = kind == ACTION_UNDO ? n : 0;
	req.replicas = kind == ACTION_SCALE ? (int)n : 0;
	req.why = "console command";
	if ((m = mode_action_new(a, &req, &cause)) == NULL) {
		app_message(a, "%s", cause);
		free(cause);
	} else
		app_push(a, m);
	free(ns);
	free(target);
}

/* :restart NAMESPACE/NAME */
static void
cmd_restart(struct app *a, const char *arg)
{
	cmd_kube_action(a, ACTION_RESTART, arg);
}

/* :undo NAMESPACE/NAME [REVISION] */
static void
cmd_undo(struct app *a, const char *arg)
{
	cmd_kube_action(a, ACTION_UNDO, arg);
}

/* :scale NAMESPACE/NAME REPLICAS */
static void
cmd_scale(struct app *a, const char *arg)
{
	cmd_kube_action(a, ACTION_SCALE, arg);
}

/* :delete-pod NAMESPACE/NAME */
static void
cmd_delete_pod(struct app *a, const char *arg)
{
	cmd_kube_action(a, ACTION_DELETE_POD, arg);
}

static const struct command commands[] = {
	{ "context", NULL, "NAME", "switch to another context", cmd_contexts,
	  cmd_context, 0 },
	{ "ns", NULL, "[NAME]", "show one namespace (no name: all)",
	  cmd_namespaces, cmd_ns, 0 },
	{ "silences", NULL, NULL, "list the silences, what they match and "
	  "what is wrong with them", NULL, cmd_silences, 0 },
	{ "theme", NULL, "NAME", "change the theme", cmd_themes, cmd_theme, 0 },
	{ "ack", NULL, "[DURATION] [COMMENT]", "acknowledge the selected "
	  "incident, for DURATION (incidents.ack_for) with a comment",
	  NULL, cmd_ack, 1 },
	{ "unack", NULL, NULL, "take the selected incident's acknowledgement "
	  "back", NULL, cmd_unack, 1 },
	{ "note", NULL, "TEXT", "add a note to the selected incident's "
	  "timeline", NULL, cmd_note, 1 },
	{ "history", NULL, NULL, "incidents resolved lately, with MTTA and "
	  "MTTR", NULL, cmd_history, 0 },
	{ "incidents", NULL, "[all]", "open incidents worst first: this "
	  "context's, or (all) every context's in the cache, with a context "
	  "column", cmd_incidents_words, cmd_incidents, 0 },
	{ "restart", NULL, "NAMESPACE/NAME", "restart a deployment: checks, "
	  "a preview, then y", NULL, cmd_restart, 1 },
	{ "undo", NULL, "NAMESPACE/NAME [REVISION]", "roll a deployment back "
	  "(to the previous revision, or REVISION): checks, what changes, "
	  "then y", NULL, cmd_undo, 1 },
	{ "scale", NULL, "NAMESPACE/NAME REPLICAS", "scale a deployment: "
	  "checks, the count before and after, then y", NULL, cmd_scale, 1 },
	{ "delete-pod", NULL, "NAMESPACE/NAME", "delete one pod (its owner "
	  "makes a new one): checks, a preview, then y", NULL,
	  cmd_delete_pod, 1 },
	{ "q", "quit", NULL, "quit", NULL, cmd_quit, 0 },
};
#define NCOMMANDS	(sizeof commands / sizeof commands[0])

/* The table; see commands.h. */
const struct command *
commands_table(size_t *n)
{
	*n = NCOMMANDS;
	return commands;
}

/* The command of a name or alias, or NULL. */
static const struct command *
commands_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0 ||
		    (commands[i].alias != NULL &&
		    strcmp(commands[i].alias, name) == 0))
			return &commands[i];
	}
	return NULL;
}

/* Run a command line; see commands.h. */
void
commands_run(struct app *a, const char *line)
{
	const struct command	*c;
	struct buf		 b;
	char			*copy, *name, *arg, *save;
	size_t			 i;

	copy = xstrdup(line);
	name = strtok_r(copy, " \t", &save);
	/* The argument is the rest of the line (a note has spaces). */
	arg = name != NULL ? strtok_r(NULL, "", &save) : NULL;
	if (arg != NULL) {
		arg += strspn(arg, " \t");
		for (i = strlen(arg); i > 0 && (arg[i - 1] == ' ' ||
		    arg[i - 1] == '\t'); i--)
			arg[i - 1] = '\0';
		if (*arg == '\0')
			arg = NULL;
	}
	if (name != NULL && (c = commands_find(name)) != NULL)
		c->run(a, arg);
	else if (name != NULL) {
		buf_init(&b, 0);
		for (i = 0; i < NCOMMANDS; i++)
			buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 ==
			    NCOMMANDS ? " or " : ", ", commands[i].name);
		app_message(a, "unknown command '%s'; try %s", name,
		    buf_str(&b));
		buf_done(&b);
	}
	free(copy);
	a->dirty = 1;
}

/* Complete the word under the cursor; see commands.h. */
void
commands_complete(struct app *a, char *line, size_t len)
{
	const struct command	*c = NULL;
	const char		*cand[COMMANDS_MAX_CANDIDATES], *match = NULL;
	char			*sp, *word, *done;
	size_t			 n = 0, i, hits = 0, wl;
	struct buf		 b;

	sp = strchr(line, ' ');
	word = sp != NULL ? sp + 1 : line;
	if (sp == NULL) {
		for (i = 0; i < NCOMMANDS; i++)
			cand[n++] = commands[i].name;
	} else {
		*sp = '\0';
		c = commands_find(line);
		if (c != NULL && c->complete != NULL)
			n = c->complete(a, cand, COMMANDS_MAX_CANDIDATES);
	}
	wl = strlen(word);
	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		if (strncmp(cand[i], word, wl) == 0) {
			match = cand[i];
			hits++;
			buf_printf(&b, " %s", cand[i]);
		}
	}
	if (hits > 1)
		app_message(a, "matches:%s", buf_str(&b));
	buf_done(&b);
	if (hits == 1) {
		done = sp != NULL ? xasprintf("%s %s", line, match) :
		    xasprintf("%s ", match);
		if (strlen(done) < len)
			memcpy(line, done, strlen(done) + 1);
		free(done);
	} else if (sp != NULL)
		*sp = ' ';
}

/* One help line per command; see commands.h. */
void
commands_help(struct buf *b, const char *mark)
{
	char	usage[64];
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++) {
		snprintf(usage, sizeof usage, "%s%s%s", commands[i].name,
		    commands[i].args != NULL ? " " : "", commands[i].args !=
		    NULL ? commands[i].args : "");
		buf_printf(b, "%-18s %s%s%s\n", usage, mark != NULL &&
		    commands[i].acts ? mark : "", mark != NULL &&
		    commands[i].acts ? " " : "", commands[i].help);
	}
}

/* Enter on the command line. */
static void
command_enter(struct app *a, const char *text, void *arg)
{
	(void)arg;
	commands_run(a, text);
}

/* Tab on the command line. */
static void
command_complete(struct app *a, char *text, size_t len, void *arg)
{
	(void)arg;
	commands_complete(a, text, len);
}

static const struct prompt_ops command_ops = {
	.name = "command line",
	.reopen = mode_command_new,
	.enter = command_enter,
	.complete = command_complete,
};

/* The ':' command line; see mode.h. */
struct mode *
mode_command_new(struct app *a)
{
	(void)a;
	return prompt_new(':', "", &command_ops, NULL);
}

/* The ':' command line with text typed in; see mode.h. */
struct mode *
mode_command_with(struct app *a, const char *initial)
{
	(void)a;
	return prompt_new(':', initial, &command_ops, NULL);
}
