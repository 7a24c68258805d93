/*
 * sitrep.c: the sitrep program: the command table, help and dispatch.
 *
 * One table of commands (name, usage, help, handler) generates both
 * `sitrep --help` and `sitrep help CMD`, and dispatch reads the same table,
 * so the documentation cannot drift from what runs.  A second table names
 * the options that may come before a command.  Each command's handler is
 * in its own file under cmd/.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/out.h"
#include "base/util.h"
#include "cmd/cmd.h"

const struct cmd_entry sitrep_commands[] = {
	{ "help", "[--man] [COMMAND]",
	  "show help for all commands or one; --man: the manual page, "
	  "sitrep(1), in troff", cmd_help, CMD_USAGE },
	{ "version", "", "show the version and the libraries in use",
	  cmd_version, CMD_USAGE },
	{ "config check", "[FILE]",
	  "validate a configuration file and report every problem",
	  cmd_config_check, CMD_USAGE },
	{ "config docs", "",
	  "print the configuration reference (docs/CONFIG.md)",
	  cmd_config_docs, CMD_USAGE },
	{ "fetch", "[--once] [--all] [--at TIME]",
	  "poll every source of the context into the cache (--once: one "
	  "round, exit 0 if all succeeded); --all: every context of the "
	  "configuration at once, each with its own sources and backoff, "
	  "into one cache, never acting (not with --context), so one feeder "
	  "serves every console and wallboard of the host", cmd_fetch,
	  CMD_USAGE },
	{ "wallboard", "[--contexts A,B,...|--all] [--panel P,...] "
	  "[--filter TEXT] [--rotate 20s] [--shift 3m] [--no-quit]",
	  "a read-only board of every context (--all, the default) or of "
	  "those named: the overview, one tile each with its status, firing "
	  "incidents by severity, worst SLO, unacknowledged incidents and "
	  "stale or failing sources, STALE when its data is older than three "
	  "refresh intervals; then each context's health, slo and incidents "
	  "panels (--panel: which pages, in order, of overview, health, slo, "
	  "incidents); --filter: only the rows (and incidents and SLOs "
	  "counted) with TEXT; --rotate: turn the page this often, with a "
	  "progress mark; --shift: move by one cell this often against "
	  "burn-in (0: never; default 3m); --no-quit: q and ^C do nothing "
	  "(kiosks); reads the cache `sitrep fetch --all` fills, "
	  "opened read-only and never created; keys: n next, p previous, "
	  "space pause rotation, q quit", cmd_wallboard, CMD_USAGE },
	{ "snapshot", "[--format text|json|markdown|html] [--output FILE] "
	  "[--fresh] [--width N] [--color] [--at TIME]",
	  "the panels as a document; exit 0/1/2/3 = OK/WARNING/CRITICAL/"
	  "UNKNOWN, and 3 for a usage error too, as monitoring plugins do; "
	  "--at TIME: the cache as of TIME (RFC 3339 or epoch seconds), with "
	  "--demo the simulator at that time", cmd_snapshot, 3 },
	{ "cache info", "",
	  "show the cache: path, schema, size, rows, last success per "
	  "source; with no cache yet, say where it would be and how to fill "
	  "it, create nothing and exit 1", cmd_cache_info, CMD_USAGE },
	{ "audit verify", "[--head [SEQ:]HASH]",
	  "check the cache file and the audit log's keyed hash chain: no "
	  "entry edited, removed or reordered, and the audit key the one it "
	  "was written with; says how many entries predate the key; --head: "
	  "the entry `audit head` printed earlier is still in place, so "
	  "nothing up to it was rewritten or cut off; exit 1 naming the "
	  "problem if anything fails, the file is damaged (it is left as it "
	  "is), or there is no cache or audit log to check (docs/AUDIT.md)",
	  cmd_audit_verify, CMD_USAGE },
	{ "audit head", "[--format text|json]",
	  "verify the audit log, then print its head to record elsewhere (a "
	  "ticket, a chat): one line `seq N hash H`, or JSON "
	  "sitrep.audit-head/1; give it back to `audit verify --head N:H` "
	  "later; exit 1 if the log does not verify", cmd_audit_head,
	  CMD_USAGE },
	{ "audit log", "[--since T] [--format text|json] [--all-contexts]",
	  "the audit log, oldest first: every write sitrep made (silences, "
	  "acknowledgements, notes, resolves), its time, actor, context, "
	  "action, target, result and detail; only the context's rows unless "
	  "--all-contexts; --since T: a time (RFC 3339) or how long ago (1h, "
	  "7d); JSON schema sitrep.audit/1 (docs/AUDIT.md); exit 1 if there "
	  "is no cache to read", cmd_audit_log, CMD_USAGE },
	{ "silence list", "[--format text|json] [--fresh]",
	  "the context's active and pending Alertmanager silences from the "
	  "cache (--fresh: fetch first): id, state, time left, author, "
	  "matchers and comment", cmd_silence_list, CMD_USAGE },
	{ "silence add", "MATCHERS --for D|--until T --comment TEXT "
	  "[--author N] [--id ID]",
	  "silence the alerts MATCHERS select (alertname=\"X\",severity=~"
	  "\"crit.*\") on the context's Alertmanagers for a duration D "
	  "(2h) or until a time T (RFC 3339), and print its id; the author "
	  "is N, else the operator key, else $USER@hostname; --id ID changes "
	  "that silence (MATCHERS and --comment default to its own); exit 1 "
	  "if Alertmanager refuses or cannot be reached, 2 for a usage or "
	  "configuration error", cmd_silence_add, CMD_USAGE },
	{ "silence expire", "ID",
	  "expire a silence on the context's Alertmanagers (exit codes as "
	  "silence add)", cmd_silence_expire, CMD_USAGE },
	{ "incident list", "[--state S] [--format text|json]",
	  "the context's incidents from the cache, newest first, in state S: "
	  "open (the default: not resolved), triggered, acknowledged, "
	  "mitigated, resolved or all (every one kept); id, priority, state, "
	  "age, times to acknowledge, mitigate and resolve, who acknowledged, "
	  "title", cmd_incident_list, CMD_USAGE },
	{ "incident show", "ID [--format text|json]",
	  "one incident (its id or a unique prefix of 4 or more hex digits): "
	  "state, acknowledgement, the receivers notified, its alerts and its "
	  "timeline; exit 2 for an id that names none", cmd_incident_show,
	  CMD_USAGE },
	{ "incident ack", "ID [--for D] [--comment TEXT]",
	  "acknowledge incident ID (its 8 hex digits, or the first 4 or "
	  "more): a silence of its alerts on the context's Alertmanagers, "
	  "comment \"ACK ID: title\", for D (default incidents.ack_for); "
	  "again before it ends extends it; where no Alertmanager takes it, "
	  "kept in this cache only, with a warning; exit 1 if it could not "
	  "be done", cmd_incident_ack, CMD_USAGE },
	{ "incident unack", "ID",
	  "take an acknowledgement back: its silences expire",
	  cmd_incident_unack, CMD_USAGE },
	{ "incident note", "ID TEXT",
	  "add a note to the incident's timeline, by the operator",
	  cmd_incident_note, CMD_USAGE },
	{ "incident resolve", "ID",
	  "resolve an incident whose alerts have all stopped, without "
	  "waiting for incidents.resolve_after; exit 1 while one fires",
	  cmd_incident_resolve, CMD_USAGE },
	{ "incident export", "ID [--format markdown|json|html] [--output FILE]",
	  "a postmortem draft of incident ID from the cache: summary with the "
	  "times to acknowledge, mitigate and resolve, the error budget its "
	  "SLOs spent, timeline, alerts, acknowledgements and silences, "
	  "rollouts around it, actions taken through sitrep; JSON schema "
	  "sitrep.postmortem/1 (docs/INCIDENTS.md)", cmd_incident_export,
	  CMD_USAGE },
	{ "action restart", "TARGET [--namespace NS] [--dry-run] "
	  "[--confirm NAME] [--wait]",
	  "restart every pod of deployment TARGET (NS/NAME, or NAME with "
	  "--namespace) as kubectl rollout restart does, through the action "
	  "gate: read-only, rate limit (actions.rate_limits), RBAC, the "
	  "server's dry run, then the write; the preview is printed first; "
	  "--dry-run stops there; a protected context needs --confirm NAME; "
	  "--wait follows the rollout to its end; --incident ID writes it to "
	  "that incident's timeline; one audit row per run; exit 0 done, 1 "
	  "refused or failed, 2 usage", cmd_action_restart, CMD_USAGE },
	{ "action undo", "TARGET [--to-revision N] [--incident ID] "
	  "[--dry-run] [--wait]",
	  "roll deployment TARGET back to the previous revision (or N) as "
	  "kubectl rollout undo does; the preview shows what changes "
	  "(images, environment, resources) and how to go back; options and "
	  "exit status as action restart", cmd_action_undo, CMD_USAGE },
	{ "action scale", "TARGET --replicas N [--dry-run] [--confirm NAME] "
	  "[--wait]",
	  "set deployment TARGET's replicas to N, within actions.scale_min "
	  "and scale_max; the preview shows the count before and after; "
	  "options and exit status as action restart", cmd_action_scale,
	  CMD_USAGE },
	{ "action delete-pod", "TARGET [--namespace NS] [--dry-run] "
	  "[--confirm NAME]",
	  "delete pod TARGET (its owner makes a new one); options and exit "
	  "status as action restart", cmd_action_delete_pod, CMD_USAGE },
	{ "drill", "list | check FILE... | run NAME|FILE | history | "
	  "report RUN [--format text|markdown|json]",
	  "incident drills on the simulator: list the shipped ones (name, "
	  "time limit, what happens); check FILE...: read drill files and "
	  "print every problem as FILE:LINE:COL (exit 1), or ok; history: "
	  "the runs kept, newest first, with their points; report RUN: one "
	  "run's score (time to acknowledge, to the first correct action, "
	  "harmful and wrong actions, hints) and its timeline "
	  "(docs/DRILLS.md)", cmd_drill, CMD_USAGE },
	{ "drill run", "NAME|FILE [--seed N] [--speed N]",
	  "play a drill (a shipped NAME or a drill FILE) in the console on "
	  "the simulator alone, nothing real touched, DRILL on every screen, "
	  "into a fresh cache of its own (drills/NAME-YYYYmmdd-HHMMSS.db "
	  "beside the cache, or --cache FILE, a new file); ? also gives a "
	  "hint, counted; at the end it prints the cache; --seed over the "
	  "drill's seed, --speed 1 to 100", cmd_drill_run, CMD_USAGE },
	{ "drill fire", "NAME [--timeout D] [--confirm CONTEXT] "
	  "[--webhook HOST:PORT]",
	  "live fire: post a synthetic alert (SitrepLiveFire, drill=\"true\", "
	  "drill_name=NAME, a drill_run of its own) to every Alertmanager of "
	  "the context through the action gate, poll the context every 0.5s "
	  "until sitrep shows it (say after how long; --timeout, default 2m), "
	  "then resolve it, also on SIGINT or SIGTERM; alerts a killed run "
	  "left firing are resolved first, from the audit log; a protected "
	  "context needs --confirm with its name; --webhook: also listen on "
	  "that loopback address as the receiver a route of Alertmanager "
	  "sends drill=\"true\" to, and say when it came; exit 0 seen, 1 not "
	  "seen or "
	  "refused, 2 usage", cmd_drill_fire, CMD_USAGE },
	{ NULL, NULL, NULL, NULL, 0 }
};

/*
 * Options that may come before a command.  `sitrep --help` and the manual
 * are generated from this table and the parser reads it, so they agree.
 */
const struct cmd_leading sitrep_options[] = {
	{ "--config", "FILE", CMD_OPT_GLOBAL,
	  "configuration file (default $SITREP_CONFIG, then "
	  "$XDG_CONFIG_HOME/sitrep/config.yaml)",
	  "Without either, ~/.config/sitrep/config.yaml; when none of them "
	  "exists, a built-in configuration with no context." },
	{ "--context", "NAME", CMD_OPT_GLOBAL,
	  "which context of the configuration (default the first)", NULL },
	{ "--cache", "FILE", CMD_OPT_GLOBAL,
	  "cache file (default $XDG_CACHE_HOME/sitrep/cache.db; the demo's "
	  "is demo.db beside it)",
	  "Without $XDG_CACHE_HOME, ~/.cache/sitrep/cache.db.  Writers "
	  "create it (directory mode 0700); readers (cache info, audit "
	  "verify, snapshot without --fresh) never do." },
	{ "--kubeconfig", "FILE", CMD_OPT_GLOBAL,
	  "kubeconfig for the context's Kubernetes source (wins over "
	  "kubernetes.kubeconfig, which wins over $KUBECONFIG)",
	  "As kubectl --kubeconfig takes it; $KUBECONFIG in turn wins over "
	  "~/.kube/config and then the in-cluster service account.  A "
	  "context without a kubernetes section is not given one." },
	{ "--speed", "N", CMD_OPT_GLOBAL,
	  "with --demo: the simulated world plays N times faster than the "
	  "clock (1 to 100; a rollout, a recovery in seconds)", NULL },
	{ "--worlds", "N", CMD_OPT_GLOBAL,
	  "with --demo: N simulated worlds, one context each (1 to 32): "
	  "demo, demo-2 .. demo-N",
	  "Every world has the demo's services and SLOs and plays its "
	  "scenario at its own point of the hour: world k starts (k-1)/N "
	  "of the way through, so some are in the incident while others "
	  "have recovered; demo plays as without --worlds.  An action "
	  "changes only its own context's world.  For the wallboard: "
	  "`sitrep --demo --worlds 12 fetch --all` feeds "
	  "`sitrep --demo --worlds 12 wallboard`." },
	{ "--demo", NULL, CMD_OPT_GLOBAL,
	  "use the built-in simulated environment; it wins over --config "
	  "and --kubeconfig, which are ignored with a note on stderr",
	  "The demo needs no configuration and no network, and keeps its "
	  "own cache (demo.db) so it never mixes with real data.  "
	  "$SITREP_CONFIG and $KUBECONFIG are ignored too, without a "
	  "note." },
	{ "--readonly", NULL, CMD_OPT_GLOBAL,
	  "act on nothing: no acknowledgement, note, silence or expiry "
	  "(the console shows read-only; acting commands exit 1)",
	  "No action gate is built, so nothing can write to Alertmanager, "
	  "the simulator or the incidents of the cache.  The console marks "
	  "its acting keys and commands (read-only) in its help and says "
	  "why when one is used; incident ack, unack, note and resolve, "
	  "silence add and expire print \"read-only: started with "
	  "--readonly\", append a \"refused\" row to the audit log and exit "
	  "1.  A context with readonly: true is read-only in every run." },
	{ "--panel", "NAME", CMD_OPT_CONSOLE,
	  "the console (no command) opens on a panel: health, slo, "
	  "incidents or runbook", NULL },
	{ "--filter", "TEXT", CMD_OPT_CONSOLE,
	  "the console (no command) opens with the focused panel filtered "
	  "by TEXT", NULL },
	{ "--version", NULL, CMD_OPT_ALONE, "show the version", NULL },
	{ "--help", NULL, CMD_OPT_ALONE, "show this help (also -h)", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};

/* ------------------------------------------------------------------ */
/* Dispatch and help                                                   */
/* ------------------------------------------------------------------ */

/*
 * Print "  LEFT  text" with the text in a column from 29, wrapped at 79
 * (a long left part gets a line of its own).
 */
static void
sitrep_wrap(FILE *f, const char *left, const char *text)
{
	const char	*p = text, *end;
	size_t		 col, n;

	if (strlen(left) > 26) {
		/* Its own lines, broken before an option's '[' past 79. */
		out_puts(" ", f);
		col = 1;
		for (p = left; *p != '\0'; p = end + strspn(end, " ")) {
			end = p + 1 + strcspn(p + 1, "[");
			while (end > p + 1 && end[-1] == ' ')
				end--;
			n = (size_t)(end - p);
			if (*p == '[' && col > 6 && col + 1 + n > 79) {
				out_puts("\n     ", f);
				col = 5;
			}
			out_putc(' ', f);
			out_write(p, n, f);
			col += 1 + n;
		}
		out_printf(f, "\n  %-26s ", "");
		p = text;
	} else
		out_printf(f, "  %-26s ", left);
	col = 29;
	while (*p != '\0') {
		end = p + strcspn(p, " ");
		n = (size_t)(end - p);
		if (col > 29 && col + 1 + n > 79) {
			out_printf(f, "\n%29s", "");
			col = 29;
		} else if (col > 29) {
			out_putc(' ', f);
			col++;
		}
		out_write(p, n, f);
		col += n;
		p = end + strspn(end, " ");
	}
	out_putc('\n', f);
}

/* Print the general usage, generated from the table. */
void
sitrep_usage(FILE *f)
{
	const struct cmd_entry		*c;
	const struct cmd_leading	*o;
	char				 left[160];

	out_printf(f, "usage: sitrep [OPTIONS] [COMMAND [ARGS]]\n\n");
	out_printf(f, "sitrep is a terminal operations console: health, SLO "
	    "burn, incidents and\nrunbooks from Prometheus, Alertmanager, "
	    "Kubernetes and HTTP probes.\nWith no command it starts the "
	    "interactive console.\n\n");
	out_printf(f, "Commands:\n");
	for (c = sitrep_commands; c->name != NULL; c++) {
		snprintf(left, sizeof left, "%s %s", c->name, c->usage);
		sitrep_wrap(f, left, c->help);
	}
	out_printf(f, "\nOptions:\n");
	for (o = sitrep_options; o->name != NULL; o++) {
		snprintf(left, sizeof left, "%s%s%s", o->name,
		    o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
		sitrep_wrap(f, left, o->help);
	}
	out_printf(f, "\n'sitrep help COMMAND' shows more about one command; "
	    "the manual is 'man sitrep'.\n");
}

/* Find the command whose words start argv; *used says how many words. */
static const struct cmd_entry *
sitrep_find(int argc, char **argv, int *used)
{
	const struct cmd_entry		*c, *best = NULL;
	char				 joined[128];
	int				 i, bestn = 0;
	size_t				 len = 0;

	joined[0] = '\0';
	for (i = 0; i < argc && i < 3; i++) {
		if (argv[i][0] == '-')
			break;
		if (len + strlen(argv[i]) + 2 > sizeof joined)
			break;
		if (i > 0)
			joined[len++] = ' ';
		memcpy(joined + len, argv[i], strlen(argv[i]) + 1);
		len += strlen(argv[i]);
		for (c = sitrep_commands; c->name != NULL; c++) {
			if (strcmp(c->name, joined) == 0) {
				best = c;
				bestn = i + 1;
			}
		}
	}
	*used = bestn;
	return best;
}

/* Report an unknown command, naming the closest valid one. */
int
sitrep_unknown_command(int argc, char **argv)
{
	const struct cmd_entry		*c;
	const char			*names[64], *best;
	char				 two[128];
	size_t				 n = 0;

	if (argc >= 2 && argv[1][0] != '-')
		snprintf(two, sizeof two, "%s %s", argv[0], argv[1]);
	else
		snprintf(two, sizeof two, "%s", argv[0]);
	for (c = sitrep_commands; c->name != NULL && n < 64; c++)
		names[n++] = c->name;
	best = util_closest(two, names, n);
	if (best == NULL)
		best = util_closest(argv[0], names, n);
	if (best == NULL) {
		/* "config chek": suggest among the group's commands. */
		for (c = sitrep_commands; c->name != NULL; c++) {
			if (strncmp(c->name, argv[0], strlen(argv[0])) == 0 &&
			    c->name[strlen(argv[0])] == ' ') {
				best = c->name;
				break;
			}
		}
	}
	if (best != NULL)
		out_printf(stderr, "sitrep: unknown command '%s'; did you mean "
		    "'%s'?\n", two, best);
	else
		out_printf(stderr, "sitrep: unknown command '%s'\n", two);
	out_printf(stderr, "Try 'sitrep --help'.\n");
	return CMD_USAGE;
}

/* Print the help of every command whose name starts with the words. */
int
sitrep_help_command(FILE *f, int argc, char **argv)
{
	const struct cmd_entry		*c;
	char				 joined[128];
	size_t				 len = 0, n;
	int				 i, found = 0;

	joined[0] = '\0';
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]);
		if (len + n + 2 > sizeof joined)
			break;
		if (i > 0)
			joined[len++] = ' ';
		memcpy(joined + len, argv[i], n + 1);
		len += n;
	}
	for (c = sitrep_commands; c->name != NULL; c++) {
		if (strncmp(c->name, joined, len) != 0 ||
		    (c->name[len] != '\0' && c->name[len] != ' '))
			continue;
		out_printf(f, "usage: sitrep %s%s%s\n  %s\n", c->name,
		    *c->usage != '\0' ? " " : "", c->usage, c->help);
		found = 1;
	}
	if (!found) {
		sitrep_unknown_command(argc, argv);
		return -1;
	}
	return 0;
}

/* The leading option arg names ("--cache" or "--cache=F"), or -1. */
static int
sitrep_leading_find(const char *arg)
{
	size_t	len = strcspn(arg, "=");
	int	k;

	for (k = 0; sitrep_options[k].name != NULL; k++) {
		if (sitrep_options[k].scope != CMD_OPT_ALONE &&
		    strlen(sitrep_options[k].name) == len &&
		    strncmp(sitrep_options[k].name, arg, len) == 0)
			return k;
	}
	return -1;
}

/* Entry point: global options, then the command. */
int
main(int argc, char **argv)
{
	const struct cmd_entry		*c;
	struct cmd_opts			 g;
	char				**words;
	int				 i, k, first = -1, used, rc, nw;
	int				 bad = 0, console_opt = 0;

	memset(&g, 0, sizeof g);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			sitrep_usage(stdout);
			return CMD_OK;
		}
		if (strcmp(argv[i], "--version") == 0)
			return cmd_version(&g, 0, NULL);
	}
	/*
	 * The first word that is not an option or an option's value.  What
	 * comes before it must be a leading option; the console's own ones
	 * only when there is no command.
	 */
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			first = i;
			break;
		}
		if (strcmp(argv[i], "--") == 0)
			continue;
		k = sitrep_leading_find(argv[i]);
		if (k == -1 && bad == 0)
			bad = i;
		if (k != -1 && sitrep_options[k].scope == CMD_OPT_CONSOLE &&
		    console_opt == 0)
			console_opt = i;
		if (k != -1 && sitrep_options[k].arg != NULL &&
		    strchr(argv[i], '=') == NULL)
			i++;
	}
	if (first != -1 && console_opt != 0 && (bad == 0 || console_opt < bad))
		bad = console_opt;
	c = first != -1 ? sitrep_find(argc - first, argv + first, &used) :
	    NULL;
	/* "--bogus VALUE snapshot": the command after what may be a value. */
	if (c == NULL && bad != 0 && bad + 1 == first &&
	    strchr(argv[bad], '=') == NULL && first + 1 < argc)
		c = sitrep_find(argc - first - 1, argv + first + 1, &used);
	if (bad != 0) {
		/*
		 * Let the parser word it, with its suggestion; the exit
		 * status is the command's (snapshot's is 3, as a check's).
		 */
		if (cmd_parse(&g, NULL, 1, argv + bad, &words, &nw) != 0)
			return c != NULL ? c->usage_exit : CMD_USAGE;
		free(words);
	}
	memset(&g, 0, sizeof g);
	if (first == -1)
		return cmd_console(&g, argc - 1, argv + 1);
	c = sitrep_find(argc - first, argv + first, &used);
	if (c == NULL)
		return sitrep_unknown_command(argc - first, argv + first);
	/* Hand the handler everything but the command words. */
	for (i = first; i + used < argc; i++)
		argv[i] = argv[i + used];
	argc -= used;
	g.command = c->name;
	rc = c->handler(&g, argc - 1, argv + 1);
	return rc;
}
