/*
 * theme.h: semantic colour slots and the *.theme files that fill them.
 *
 * Code names what a thing is (SLOT_CRIT, SLOT_STALE), never a colour.  A
 * theme file gives each slot a foreground, a background and attributes:
 *
 *	# comment
 *	crit     = #ff5555 default bold
 *	selected = 236 #f8f8f2 reverse
 *
 * Colours are "default", a name (red, bright-red ...), 0-255, or #rrggbb;
 * they step down to what the terminal has: direct colour, 256, 16, 8, and
 * with NO_COLOR or no colour at all, attributes only.  Every state also
 * has a word or symbol on screen, so nothing depends on colour.
 */
#ifndef SITREP_THEME_H
#define SITREP_THEME_H

#include <stddef.h>

enum theme_slot {
	SLOT_NORMAL,
	SLOT_OK,
	SLOT_WARN,
	SLOT_CRIT,
	SLOT_UNKNOWN,
	SLOT_STALE,
	SLOT_SELECTED,
	SLOT_BORDER,
	SLOT_DIM,
	SLOT_ACCENT,
	SLOT_HEADER,
	SLOT_TITLE,
	SLOT_COUNT
};

/* A colour as written: -1 default, 0-255 indexed, or 24-bit with rgb. */
struct theme_color {
	int	index;		/* -1 default, 0-255; -2 when rgb */
	int	rgb;		/* 0xrrggbb when index is -2 */
};

struct theme_style {
	struct theme_color	fg;
	struct theme_color	bg;
	unsigned int		attrs;	/* THEME_A_* */
};

#define THEME_A_BOLD		0x01
#define THEME_A_DIM		0x02
#define THEME_A_UNDERLINE	0x04
#define THEME_A_REVERSE		0x08
#define THEME_A_ITALIC		0x10

struct theme {
	char			*name;
	struct theme_style	 slot[SLOT_COUNT];
};

/*
 * Parse theme text; every problem is reported, "FILE:LINE: ...".  NULL
 * and *cause (all problems, one per line) on failure.
 */
struct theme	*theme_parse(const char *name, const char *text,
		     const char *file, char **cause);
/*
 * Load a theme by name (searched in the user's and the installed theme
 * folders) or by path; "default" falls back to the built-in copy.
 */
struct theme	*theme_load(const char *name, char **cause);
void		 theme_free(struct theme *);
/*
 * The names of the themes theme_load() finds by name (shipped, the
 * user's, installed), sorted; NULL-ended, free with util_strv_free().
 */
char		**theme_list(void);
/* The names of the shipped themes (NULL-ended), for completion. */
const char *const *theme_builtin_names(void);

const char	*theme_slot_name(enum theme_slot);
/*
 * The colour number to use on a terminal with ncolors colours (16M for
 * direct colour): the nearest one it has, or -1 for the default.
 */
int		 theme_color_for(const struct theme_color *, int ncolors);

/*
 * Set up colour pairs for the terminal (after initscr); with no_color,
 * attributes only.  Returns the number of colours in use (0: mono).
 */
int		 theme_apply(const struct theme *, int no_color);
/* The curses attributes of a slot, after theme_apply(). */
unsigned long	 theme_attr(enum theme_slot);

#endif
