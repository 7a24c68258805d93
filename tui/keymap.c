/*
 * keymap.c: the key table, its names, and config overrides.
 */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "core/conf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "tui/keymap.h"

#define CTRL(c)	((c) & 0x1f)
#define KEY_ESCAPE	27
#define KEY_TAB		'\t'
#define KEY_RETURN	'\r'

/* The defaults, in the order help shows them. */
static const struct key_binding keymap_defaults[] = {
	{ 'j', ACT_DOWN, KEYCTX_PANEL, "move down" },
	{ KEY_DOWN, ACT_DOWN, KEYCTX_PANEL, "move down" },
	{ 'k', ACT_UP, KEYCTX_PANEL, "move up" },
	{ KEY_UP, ACT_UP, KEYCTX_PANEL, "move up" },
	{ 'g', ACT_TOP, KEYCTX_PANEL, "go to the first row" },
	{ KEY_HOME, ACT_TOP, KEYCTX_PANEL, "go to the first row" },
	{ 'G', ACT_BOTTOM, KEYCTX_PANEL, "go to the last row" },
	{ KEY_END, ACT_BOTTOM, KEYCTX_PANEL, "go to the last row" },
	{ KEY_PPAGE, ACT_PAGE_UP, KEYCTX_PANEL, "page up" },
	{ KEY_NPAGE, ACT_PAGE_DOWN, KEYCTX_PANEL, "page down" },
	{ CTRL('u'), ACT_HALF_UP, KEYCTX_PANEL, "half a page up" },
	{ CTRL('d'), ACT_HALF_DOWN, KEYCTX_PANEL, "half a page down" },
	{ KEY_RETURN, ACT_OPEN, KEYCTX_PANEL, "open the detail view" },
	{ KEY_ENTER, ACT_OPEN, KEYCTX_PANEL, "open the detail view" },
	{ '\n', ACT_OPEN, KEYCTX_PANEL, "open the detail view" },
	{ KEY_ESCAPE, ACT_BACK, KEYCTX_PANEL, "back; clear the filter" },
	{ '/', ACT_FILTER, KEYCTX_PANEL, "filter the focused panel" },
	{ 'a', ACT_ACK, KEYCTX_PANEL,
	  "acknowledge the selected incident (again: extend it)" },
	{ 's', ACT_SILENCE, KEYCTX_PANEL,
	  "silence the selected incident's alerts: a form, a preview, then y" },
	{ 'U', ACT_UNDO, KEYCTX_PANEL,
	  "roll the selected service's deployment back to its previous "
	  "revision: a preview of what changes, then y" },
	{ 'R', ACT_RESTART, KEYCTX_PANEL,
	  "restart the selected service's deployment: a preview, then y" },
	{ 'S', ACT_SCALE, KEYCTX_PANEL,
	  "scale the selected service's deployment: the count, a preview, "
	  "then y" },
	{ 'n', ACT_NEXT_STEP, KEYCTX_PANEL,
	  "Runbook panel: take the runbook's next action (the line marked "
	  "next): its checks, a preview, then y" },
	{ 'o', ACT_COPY_URL, KEYCTX_PANEL,
	  "Runbook panel: copy the alert's runbook_url (OSC 52) and show it" },
	{ KEY_TAB, ACT_NEXT_PANEL, KEYCTX_GLOBAL, "next panel" },
	{ KEY_BTAB, ACT_PREV_PANEL, KEYCTX_GLOBAL, "previous panel" },
	{ '1', ACT_PANEL_HEALTH, KEYCTX_GLOBAL, "health panel" },
	{ '2', ACT_PANEL_SLO, KEYCTX_GLOBAL, "SLO burn panel" },
	{ '3', ACT_PANEL_INCIDENTS, KEYCTX_GLOBAL, "incidents panel" },
	{ '4', ACT_PANEL_RUNBOOK, KEYCTX_GLOBAL, "runbook panel" },
	{ ':', ACT_COMMAND, KEYCTX_GLOBAL,
	  "the command line (its commands are listed below; Tab completes)" },
	{ '?', ACT_HELP, KEYCTX_GLOBAL, "this help" },
	{ 'r', ACT_REFRESH, KEYCTX_GLOBAL, "refresh every source now" },
	{ 'q', ACT_QUIT, KEYCTX_GLOBAL, "quit" },
	{ CTRL('c'), ACT_QUIT, KEYCTX_GLOBAL,
	  "quit (twice when a dialog is open)" },
	/* A pod's log: on a service's page, and in the log. */
	{ 'l', ACT_LOGS, KEYCTX_PANEL,
	  "the selected pod's log, its last lines (a service's page lists "
	  "its pods)" },
	{ 'p', ACT_PREVIOUS_LOGS, KEYCTX_PANEL,
	  "the selected pod's previous container's log (a crash loop's "
	  "last words); in a log: previous or current" },
	{ 'D', ACT_DELETE_POD, KEYCTX_PANEL,
	  "delete the selected pod (its owner makes a new one): checks, a "
	  "preview, then y" },
	{ 'c', ACT_CONTAINER, KEYCTX_PANEL,
	  "in a log: the pod's next container" },
	{ 'f', ACT_FOLLOW, KEYCTX_PANEL,
	  "in a log: follow it (read again every 2 s), or stop" },
	{ 'n', ACT_NEXT_MATCH, KEYCTX_PANEL,
	  "in a log: the next line matching the search (/ searches)" },
	{ 'N', ACT_PREV_MATCH, KEYCTX_PANEL,
	  "in a log: the previous line matching the search" },
};
#define KEYMAP_NDEFAULTS (sizeof keymap_defaults / sizeof keymap_defaults[0])

static const char *const keymap_action_names[ACT_COUNT] = {
	"none", "down", "up", "top", "bottom", "page-up", "page-down",
	"half-down", "half-up", "next-panel", "prev-panel", "panel-health",
	"panel-slo", "panel-incidents", "panel-runbook", "open", "back",
	"filter", "command", "help", "refresh", "quit", "ack", "silence",
	"restart", "undo", "scale", "copy-url", "next-step", "logs",
	"previous-logs", "container", "follow", "next-match", "prev-match",
	"delete-pod"
};

/* Named keys. */
static const struct {
	const char	*name;
	int		 key;
} keymap_names[] = {
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Tab", KEY_TAB },
	{ "S-Tab", KEY_BTAB }, { "Enter", KEY_RETURN }, { "Esc", KEY_ESCAPE },
	{ "Space", ' ' }, { "Backspace", KEY_BACKSPACE }, { "Del", KEY_DC },
	{ "Ins", KEY_IC },
};
#define KEYMAP_NNAMES (sizeof keymap_names / sizeof keymap_names[0])

struct keymap {
	struct key_binding	*b;
	size_t			 n;
};

/* The default table, copied so overrides can change it. */
struct keymap *
keymap_new(void)
{
	struct keymap	*km;

	km = xcalloc(1, sizeof *km);
	km->n = KEYMAP_NDEFAULTS;
	km->b = xcalloc(km->n, sizeof *km->b);
	memcpy(km->b, keymap_defaults, sizeof keymap_defaults);
	return km;
}

/* Free a keymap. */
void
keymap_free(struct keymap *km)
{
	if (km == NULL)
		return;
	free(km->b);
	free(km);
}

/* The action a key runs, or ACT_NONE. */
enum key_action
keymap_lookup(const struct keymap *km, int key)
{
	size_t	i;

	for (i = 0; i < km->n; i++) {
		if (km->b[i].key == key)
			return km->b[i].action;
	}
	return ACT_NONE;
}

/* The bindings, borrowed. */
const struct key_binding *
keymap_bindings(const struct keymap *km, size_t *n)
{
	*n = km->n;
	return km->b;
}

/* An action's name as written in `keys:`. */
const char *
keymap_action_name(enum key_action a)
{
	return a < ACT_COUNT ? keymap_action_names[a] : "none";
}

/* Parse an action name. */
enum key_action
keymap_action_parse(const char *s)
{
	int	i;

	for (i = 1; i < ACT_COUNT; i++) {
		if (strcmp(keymap_action_names[i], s) == 0)
			return (enum key_action)i;
	}
	return ACT_NONE;
}

/* Parse a key name. */
int
keymap_key_parse(const char *s)
{
	size_t	i;
	int64_t	n;

	for (i = 0; i < KEYMAP_NNAMES; i++) {
		if (strcmp(keymap_names[i].name, s) == 0)
			return keymap_names[i].key;
	}
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' &&
	    isalpha((unsigned char)s[2]) && s[3] == '\0')
		return CTRL(tolower((unsigned char)s[2]));
	if (s[0] == 'F' && isdigit((unsigned char)s[1])) {
		if (util_parse_int64(s + 1, &n) == 0 && n >= 1 && n <= 12)
			return KEY_F((int)n);
		return -1;
	}
	if (s[0] != '\0' && s[1] == '\0' && isprint((unsigned char)s[0]))
		return (unsigned char)s[0];
	return -1;
}

/* A key's name. */
const char *
keymap_key_name(int key, char *out, size_t len)
{
	size_t	i;

	for (i = 0; i < KEYMAP_NNAMES; i++) {
		if (keymap_names[i].key == key) {
			snprintf(out, len, "%s", keymap_names[i].name);
			return out;
		}
	}
	if (key == KEY_ENTER || key == '\n') {
		snprintf(out, len, "Enter");
		return out;
	}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(out, len, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 32)
		snprintf(out, len, "C-%c", key + 'a' - 1);
	else if (key >= 32 && key < 127)
		snprintf(out, len, "%c", key);
	else
		snprintf(out, len, "#%d", key);
	return out;
}

/* The keys of an action, "j, Down". */
char *
keymap_keys_of(const struct keymap *km, enum key_action a, char *out,
    size_t len)
{
	char	name[16], prev[16] = "";
	size_t	i, used = 0;

	out[0] = '\0';
	for (i = 0; i < km->n; i++) {
		if (km->b[i].action != a)
			continue;
		keymap_key_name(km->b[i].key, name, sizeof name);
		if (strcmp(name, prev) == 0)
			continue;
		snprintf(prev, sizeof prev, "%s", name);
		if (used > 0 && used + 2 < len) {
			memcpy(out + used, ", ", 3);
			used += 2;
		}
		if (used + strlen(name) + 1 < len) {
			memcpy(out + used, name, strlen(name) + 1);
			used += strlen(name);
		}
	}
	return out;
}

/* The help text, one line per action. */
void
keymap_help(const struct keymap *km, struct buf *out)
{
	keymap_help_marked(km, out, NULL);
}

/* Whether an action acts; see keymap.h. */
int
keymap_action_acts(enum key_action action)
{
	return action == ACT_ACK || action == ACT_SILENCE ||
	    action == ACT_RESTART || action == ACT_UNDO ||
	    action == ACT_SCALE || action == ACT_NEXT_STEP ||
	    action == ACT_DELETE_POD;
}

/* The help, acting actions marked; see keymap.h. */
void
keymap_help_marked(const struct keymap *km, struct buf *out,
    const char *mark)
{
	char	keys[64];
	int	marked;
	size_t	i, j;
	int	seen;

	for (i = 0; i < km->n; i++) {
		seen = 0;
		for (j = 0; j < i; j++) {
			if (km->b[j].action == km->b[i].action)
				seen = 1;
		}
		if (seen)
			continue;
		keymap_keys_of(km, km->b[i].action, keys, sizeof keys);
		marked = mark != NULL && keymap_action_acts(km->b[i].action);
		buf_printf(out, "%-18s %-16s %s%s%s\n", keys,
		    keymap_action_name(km->b[i].action), marked ? mark : "",
		    marked ? " " : "",
		    km->b[i].help != NULL ? km->b[i].help : "");
	}
}

/*
 * Add a problem "FILE:LINE:COL: msg".  Key names come from the config
 * file, so the message is made terminal-safe here, once.
 */
static void
keymap_problem(struct conf_problems *p, const char *file,
    const struct conf_kv *kv, const char *msg)
{
	char	*clean;

	clean = sanitize_terminal(msg, 0);
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	p->v[p->n++] = xasprintf("%s:%d:%d: %s", file,
	    kv->line > 0 ? kv->line : 1, kv->col > 0 ? kv->col : 1, clean);
	free(clean);
}

/* Apply overrides from `keys:`; see keymap.h. */
int
keymap_apply(struct keymap *km, const struct conf_kv *kv, size_t n,
    const char *file, struct conf_problems *probs)
{
	struct key_binding	*nb;
	size_t			 nn = 0, i, j, before = probs->n;
	enum key_action		 a;
	char			*list, *tok, *save, *msg, kn[16];
	int			 key, overridden[ACT_COUNT];

	memset(overridden, 0, sizeof overridden);
	nb = xcalloc(km->n + n * 8 + 1, sizeof *nb);
	for (i = 0; i < n; i++) {
		a = keymap_action_parse(kv[i].key);
		if (a == ACT_NONE) {
			const char	*best = util_closest(kv[i].key,
			    keymap_action_names + 1, ACT_COUNT - 1);

			msg = xasprintf("unknown key action '%s'%s%s%s; the "
			    "actions are listed under keys in docs/CONFIG.md "
			    "and by '?' in the console", kv[i].key,
			    best != NULL ? "; did you mean '" : "",
			    best != NULL ? best : "",
			    best != NULL ? "'?" : "");
			keymap_problem(probs, file, &kv[i], msg);
			free(msg);
			continue;
		}
		overridden[a] = 1;
	}
	/* Keep the defaults of actions not overridden. */
	for (i = 0; i < km->n; i++) {
		if (!overridden[km->b[i].action])
			nb[nn++] = km->b[i];
	}
	for (i = 0; i < n; i++) {
		a = keymap_action_parse(kv[i].key);
		if (a == ACT_NONE)
			continue;
		list = xstrdup(kv[i].value);
		for (tok = strtok_r(list, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save)) {
			key = keymap_key_parse(tok);
			if (key < 0) {
				msg = xasprintf("unknown key name '%s' for "
				    "'%s'; write a character, C-x, F1-F12, or "
				    "one of Up, Down, PgUp, PgDn, Home, End, "
				    "Tab, S-Tab, Enter, Esc", tok, kv[i].key);
				keymap_problem(probs, file, &kv[i], msg);
				free(msg);
				continue;
			}
			if (key == CTRL('a') || key == CTRL('b')) {
				msg = xasprintf("'%s' is the %s prefix key; "
				    "choose another key for '%s'", tok,
				    key == CTRL('a') ? "screen" : "tmux",
				    kv[i].key);
				keymap_problem(probs, file, &kv[i], msg);
				free(msg);
				continue;
			}
			for (j = 0; j < nn; j++) {
				if (nb[j].key == key && nb[j].action != a)
					break;
			}
			if (j < nn) {
				msg = xasprintf("key '%s' for '%s' is already "
				    "bound to '%s'; rebind that action too, or "
				    "choose another key",
				    keymap_key_name(key, kn, sizeof kn),
				    kv[i].key,
				    keymap_action_name(nb[j].action));
				keymap_problem(probs, file, &kv[i], msg);
				free(msg);
				continue;
			}
			nb[nn].key = key;
			nb[nn].action = a;
			nb[nn].context = a <= ACT_FILTER && a != ACT_NEXT_PANEL &&
			    a != ACT_PREV_PANEL && (a < ACT_PANEL_HEALTH ||
			    a > ACT_PANEL_RUNBOOK) ? KEYCTX_PANEL :
			    KEYCTX_GLOBAL;
			for (j = 0; j < KEYMAP_NDEFAULTS; j++) {
				if (keymap_defaults[j].action == a) {
					nb[nn].context =
					    keymap_defaults[j].context;
					nb[nn].help = keymap_defaults[j].help;
					break;
				}
			}
			nn++;
		}
		free(list);
	}
	if (probs->n != before) {
		free(nb);
		return -1;
	}
	free(km->b);
	km->b = nb;
	km->n = nn;
	return 0;
}
