/*
 * keymap.h: the one table of key bindings.
 *
 * Dispatch, the `?` help screen, the footer and config overrides (`keys:`)
 * all read this table, so they cannot drift apart.  Defaults stay clear of
 * the tmux and screen prefixes (C-b, C-a), and no destructive action is
 * ever bound to a single key or Ctrl-chord.
 */
#ifndef SITREP_KEYMAP_H
#define SITREP_KEYMAP_H

#include <stddef.h>

struct buf;
struct conf_kv;
struct conf_problems;

enum key_action {
	ACT_NONE = 0,
	ACT_DOWN, ACT_UP, ACT_TOP, ACT_BOTTOM, ACT_PAGE_UP, ACT_PAGE_DOWN,
	ACT_HALF_DOWN, ACT_HALF_UP,
	ACT_NEXT_PANEL, ACT_PREV_PANEL,
	ACT_PANEL_HEALTH, ACT_PANEL_SLO, ACT_PANEL_INCIDENTS, ACT_PANEL_RUNBOOK,
	ACT_OPEN, ACT_BACK, ACT_FILTER, ACT_COMMAND, ACT_HELP, ACT_REFRESH,
	ACT_QUIT, ACT_ACK, ACT_SILENCE, ACT_RESTART, ACT_UNDO, ACT_SCALE,
	ACT_COPY_URL, ACT_NEXT_STEP,
	ACT_LOGS, ACT_PREVIOUS_LOGS, ACT_CONTAINER, ACT_FOLLOW,
	ACT_NEXT_MATCH, ACT_PREV_MATCH, ACT_DELETE_POD,
	ACT_COUNT
};

/* Where a binding applies (the footer shows the panel ones first). */
enum key_context {
	KEYCTX_GLOBAL,
	KEYCTX_PANEL
};

struct key_binding {
	int		 key;		/* curses key code */
	enum key_action	 action;
	enum key_context context;
	const char	*help;
};

struct keymap;

/* The defaults. */
struct keymap	*keymap_new(void);
void		 keymap_free(struct keymap *);
/*
 * Apply `keys:` overrides (action name -> "key" or "key1,key2").  An
 * override replaces every default key of that action.  Problems (unknown
 * action or key name, a key bound twice, a reserved prefix) are appended
 * as "FILE:LINE:COL: ..." and the keymap is left unchanged; -1 then.
 */
int		 keymap_apply(struct keymap *, const struct conf_kv *, size_t n,
		     const char *file, struct conf_problems *);
enum key_action	 keymap_lookup(const struct keymap *, int key);
/* The bindings, in table order (borrowed). */
const struct key_binding *keymap_bindings(const struct keymap *, size_t *n);
/* The keys of an action as text ("j, Down"), into out. */
char		*keymap_keys_of(const struct keymap *, enum key_action,
		     char *out, size_t len);

/*
 * The help text, one line per action: its keys, its name, what it does.
 * Generated from the table, so help cannot drift from dispatch.
 */
void		 keymap_help(const struct keymap *, struct buf *);
/*
 * The same, the help of every action that acts (keymap_action_acts())
 * starting with mark when it is not NULL: "(read-only)" when this
 * console may not act, so the keys stay listed, marked unavailable.
 */
void		 keymap_help_marked(const struct keymap *, struct buf *,
		     const char *mark);
/* Whether an action acts on the world (through the action gate). */
int		 keymap_action_acts(enum key_action);

const char	*keymap_action_name(enum key_action);
enum key_action	 keymap_action_parse(const char *);
/* "j", "C-d", "PgDn", "S-Tab", "Enter", "F5" ...; -1 if unknown. */
int		 keymap_key_parse(const char *);
const char	*keymap_key_name(int key, char *out, size_t len);

#endif
