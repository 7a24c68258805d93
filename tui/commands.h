/*
 * commands.h: the one table of ':' commands.
 *
 * Each command has a name, its arguments, a line of help, a completion
 * for its argument and a handler.  The command line runs and completes
 * from the table, and the help page lists it, so they cannot drift, as
 * the key table does for keys.
 */
#ifndef SITREP_TUI_COMMANDS_H
#define SITREP_TUI_COMMANDS_H

#include <stddef.h>

struct app;
struct buf;

struct command {
	const char	*name;
	const char	*alias;		/* another name, or NULL */
	const char	*args;		/* "NAME", "[NAME]", or NULL */
	const char	*help;
	/* Candidates for the argument into out (borrowed); how many. */
	size_t		 (*complete)(struct app *, const char **out,
			    size_t max);
	void		 (*run)(struct app *, const char *arg);
	int		 acts;		/* acts through the gate */
};

/* The table (borrowed). */
const struct command	*commands_table(size_t *n);
/* Run a command line (":context prod" without the colon). */
void			 commands_run(struct app *, const char *line);
/*
 * Complete the word under the cursor of line (a buffer of len bytes) in
 * place; several candidates are listed in the footer.
 */
void			 commands_complete(struct app *, char *line,
			     size_t len);
/*
 * One help line per command ("context NAME        switch ...");
 * with mark (not NULL), the help of those that act starts with it:
 * " (read-only)" when this console may not act.
 */
void			 commands_help(struct buf *, const char *mark);

#endif
