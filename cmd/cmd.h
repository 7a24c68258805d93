/*
 * cmd.h: what sitrep's commands share.
 *
 * sitrep.c holds the one table of commands (name, usage, help, handler)
 * that generates `sitrep --help` and `sitrep help CMD` and drives
 * dispatch, so the documentation cannot drift from what runs.  Each
 * command's handler lives in its own file in cmd/; this header declares
 * the handlers, the table and the helpers they have in common: the option
 * parser, usage errors, loading the configuration, opening the cache,
 * choosing the context.
 */
#ifndef SITREP_CMD_H
#define SITREP_CMD_H

#include <stdint.h>
#include <stdio.h>

struct action_gate;
struct cache;
struct conf;
struct conf_context;
struct runtime;

/* Global options, shared by every command. */
struct cmd_opts {
	const char	*config;	/* --config */
	const char	*context;	/* --context */
	const char	*cache;		/* --cache */
	const char	*kubeconfig;	/* --kubeconfig */
	int		 demo;		/* --demo */
	int		 readonly;	/* --readonly: nothing may act */
	const char	*speed_arg;	/* --speed, as given */
	double		 speed;		/* --speed: the simulator's pace */
	const char	*worlds_arg;	/* --worlds, as given */
	int		 worlds;	/* --worlds: the demo's contexts */
	const char	*command;	/* the command's name, or NULL */
};

/* Exit codes (`snapshot` has its own: 0/1/2/3). */
#define CMD_OK		0
#define CMD_FAIL	1
#define CMD_USAGE	2

/* One command of the table. */
struct cmd_entry {
	const char	*name;		/* "config check": words */
	const char	*usage;		/* arguments after the name */
	const char	*help;		/* one line */
	int		(*handler)(struct cmd_opts *, int argc, char **argv);
	int		 usage_exit;	/* exit status of a usage error */
};

/* Where an option that may come before the command applies. */
enum cmd_opt_scope {
	CMD_OPT_GLOBAL,		/* every command (also after its words) */
	CMD_OPT_CONSOLE,	/* the console's: only with no command */
	CMD_OPT_ALONE		/* --help, --version: answered at once */
};

/* One option that may come before the command. */
struct cmd_leading {
	const char		*name;		/* "--config" */
	const char		*arg;		/* "FILE", or NULL for a flag */
	enum cmd_opt_scope	 scope;
	const char		*help;		/* for --help */
	const char		*more;		/* the manual adds it, or NULL */
};

/* One option a command accepts. */
struct cmd_option {
	const char	 *name;		/* "--format" */
	const char	**value;	/* set for options with an argument */
	int		 *flag;		/* set to 1 for flags */
	const char	 *help;
};

/* ------------------------------------------------------------------ */
/* sitrep.c: the table, help and dispatch                              */
/* ------------------------------------------------------------------ */

/* The table; terminated by an entry with a NULL name. */
extern const struct cmd_entry sitrep_commands[];
/* The options before a command; terminated by a NULL name. */
extern const struct cmd_leading sitrep_options[];

/* Print the general usage, generated from the table. */
void	sitrep_usage(FILE *);
/* Print help for the command named by words (argv-style); -1 if none. */
int	sitrep_help_command(FILE *, int argc, char **argv);
/* Report an unknown command with the closest valid one; CMD_USAGE. */
int	sitrep_unknown_command(int argc, char **argv);

/* ------------------------------------------------------------------ */
/* man.c: the manual page, from the tables                             */
/* ------------------------------------------------------------------ */

/*
 * Write sitrep(1) in troff (man(7) macros): every command and its usage,
 * every leading option, every key of the default key table and every ':'
 * command, with the environment, files and exit statuses.  docs/sitrep.1
 * is this output.
 */
void	cmd_man_write(FILE *);

/* ------------------------------------------------------------------ */
/* cmd.c: helpers every command uses                                   */
/* ------------------------------------------------------------------ */

/*
 * Parse argv against the command's options (opts, or NULL) and the global
 * ones.  Words that are not options are collected into *words
 * (NULL-terminated, the caller frees the array; the words are borrowed
 * from argv).  0, or CMD_USAGE after printing the problem.
 */
int	cmd_parse(struct cmd_opts *, const struct cmd_option *opts, int argc,
	    char **argv, char ***words, int *nwords);
/* Print a usage error for a command; returns CMD_USAGE. */
int	cmd_bad_usage(const char *command, const char *what);
/*
 * Load the configuration the global options point at (the demo's with
 * --demo; the built-in default if none is named and none exists), with
 * --kubeconfig as every context's kubernetes.kubeconfig.  --demo wins
 * over --config and --kubeconfig, with a note on stderr (once) that they
 * are ignored.  Problems are printed; -1 then.
 */
int	cmd_load_conf(struct cmd_opts *, struct conf **);
/*
 * Open the cache the global options point at; NULL after printing why.
 * With CACHE_READONLY a missing file is not created: the message says
 * where it would be and the `sitrep ... fetch --once` that fills it.
 */
struct cache *cmd_open_cache(struct cmd_opts *, int flags);
/* The context the global options name; NULL after printing the choices. */
const struct conf_context *cmd_context(struct cmd_opts *,
	    const struct conf *);
/* Parse --at (RFC 3339 or epoch seconds; NULL: 0); -1 after a message. */
int	cmd_parse_at(const char *at, int64_t *ms);
/* The demo's own cache, beside the real one; caller frees. */
char	*cmd_demo_cache_path(void);

/*
 * What a command that acts needs: the configuration, the context, the
 * cache (for the audit rows), a runtime, and the context's action gate
 * (borrowed from the runtime; with --demo, over the simulator).
 */
struct cmd_act {
	struct conf			*conf;
	const struct conf_context	*ctx;
	struct cache			*cache;
	struct runtime			*rt;
	struct action_gate		*gate;
};

/*
 * Load, open and build the gate; 0, or an exit status after a message.
 * Read-only (--readonly, or the context's readonly: true) there is no
 * gate: the refusal is said ("read-only: ...") and appended to the audit
 * log (action "refused", target the command, result "refused", detail
 * the reason), and CMD_FAIL returned.
 */
int	cmd_act_open(struct cmd_opts *, struct cmd_act *);
/*
 * Write data to path atomically (a temporary file beside it, never through
 * a link, synced, then renamed); 0, or -1 after a message.
 */
int	cmd_write_atomic(const char *path, const char *data, size_t len);

/* Free what cmd_act_open() made; safe on a zeroed one. */
void	cmd_act_close(struct cmd_act *);

/* ------------------------------------------------------------------ */
/* The commands, one file each                                         */
/* ------------------------------------------------------------------ */

int	cmd_help(struct cmd_opts *, int, char **);		/* help.c */
int	cmd_version(struct cmd_opts *, int, char **);		/* version.c */
int	cmd_config_check(struct cmd_opts *, int, char **);	/* config.c */
int	cmd_config_docs(struct cmd_opts *, int, char **);	/* config.c */
int	cmd_fetch(struct cmd_opts *, int, char **);		/* fetch.c */
int	cmd_snapshot(struct cmd_opts *, int, char **);		/* snapshot.c */
int	cmd_cache_info(struct cmd_opts *, int, char **);	/* cache.c */
int	cmd_audit_verify(struct cmd_opts *, int, char **);	/* audit.c */
int	cmd_audit_head(struct cmd_opts *, int, char **);	/* audit.c */
int	cmd_audit_log(struct cmd_opts *, int, char **);		/* audit.c */
int	cmd_console(struct cmd_opts *, int, char **);		/* console.c */
int	cmd_wallboard(struct cmd_opts *, int, char **);	/* wallboard.c */
int	cmd_silence_list(struct cmd_opts *, int, char **);	/* silence.c */
int	cmd_silence_add(struct cmd_opts *, int, char **);	/* silence.c */
int	cmd_silence_expire(struct cmd_opts *, int, char **);	/* silence.c */
int	cmd_incident_ack(struct cmd_opts *, int, char **);	/* incident.c */
int	cmd_incident_unack(struct cmd_opts *, int, char **);	/* incident.c */
int	cmd_incident_note(struct cmd_opts *, int, char **);	/* incident.c */
int	cmd_incident_resolve(struct cmd_opts *, int, char **);	/* incident.c */
int	cmd_incident_list(struct cmd_opts *, int, char **);	/* incident_read.c */
int	cmd_incident_show(struct cmd_opts *, int, char **);	/* incident_read.c */
int	cmd_incident_export(struct cmd_opts *, int, char **);	/* incident_export.c */
int	cmd_action_restart(struct cmd_opts *, int, char **);	/* action.c */
int	cmd_action_undo(struct cmd_opts *, int, char **);	/* action.c */
int	cmd_action_scale(struct cmd_opts *, int, char **);	/* action.c */
int	cmd_action_delete_pod(struct cmd_opts *, int, char **);	/* action.c */
int	cmd_drill(struct cmd_opts *, int, char **);		/* drill.c */
int	cmd_drill_run(struct cmd_opts *, int, char **);	/* drill.c */
/*
 * A drill's run read back: when --cache names a drill's run (and neither
 * --config nor --demo is given), *conf is the configuration it played,
 * rebuilt from the drill file kept in the cache; 1 then, 0 if not.
 */
int	cmd_drill_conf(struct cmd_opts *, struct conf **);
/* sitrep drill fire NAME */
int	cmd_drill_fire(struct cmd_opts *, int, char **);	/* drill_fire.c */

/*
 * Rounds of every source of ctx into cache (with demo_speed above 0, the
 * simulator's, playing that many times faster than the clock), queries
 * evaluated at at_ms (0: now): one round each with once, else until
 * SIGINT or SIGTERM.  Unless quiet, a line per stored round.  0 if every
 * round succeeded.
 */
int	cmd_run_fetch(const struct conf *, const struct conf_context *,
	    struct cache *, int once, int quiet, double demo_speed,
	    int64_t at_ms);

#endif
