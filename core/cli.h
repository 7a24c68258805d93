/*
 * cli.h: sitrep's command line.
 *
 * One table of subcommands (name, usage, help, handler) generates both
 * `sitrep --help` and `sitrep help CMD`, and dispatch reads the same table,
 * so the documentation cannot drift from what runs.
 */
#ifndef SITREP_CLI_H
#define SITREP_CLI_H

#include <stdint.h>
#include <stdio.h>

/* Global options, shared by every command. */
struct cli_opts {
	const char	*config;	/* --config */
	const char	*context;	/* --context */
	const char	*cache;		/* --cache */
	int		 demo;		/* --demo */
};

/* Exit codes. */
#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2

struct cli_command {
	const char	*name;		/* "config check": words */
	const char	*usage;		/* arguments after the name */
	const char	*help;		/* one line */
	int		(*handler)(struct cli_opts *, int argc, char **argv);
};

/* The table; terminated by an entry with a NULL name. */
extern const struct cli_command cli_commands[];

struct cache;
struct conf;
struct conf_context;

int	cli_main(int argc, char **argv);
/*
 * Rounds of every source of ctx into cache (with demo, the simulator's),
 * queries evaluated at at_ms (0: now); 0 if all succeeded.
 */
int	cli_run_fetch(const struct conf *, const struct conf_context *,
	    struct cache *, int once, int quiet, int demo, int64_t at_ms);
void	cli_usage(FILE *);
/* Print help for the command named by words (argv-style); -1 if none. */
int	cli_help_command(FILE *, int argc, char **argv);

#endif
