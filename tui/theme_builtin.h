/*
 * theme_builtin.h: the shipped themes, compiled in from the themes folder
 * (tui/theme_gen.sh writes tui/theme_builtin.c at build time).
 */
#ifndef SITREP_THEME_BUILTIN_H
#define SITREP_THEME_BUILTIN_H

struct theme_builtin {
	const char	*name;
	const char	*text;
};

/* Ended by an entry with a NULL name. */
extern const struct theme_builtin theme_builtins[];

#endif
