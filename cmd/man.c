/*
 * man.c: `sitrep help --man`: the manual page, sitrep(1), in troff.
 *
 * The page is generated from the tables that run the program: the
 * commands and the options before them (sitrep.c), the console's keys
 * (tui/keymap.c) and ':' commands (tui/commands.c), the shipped themes.
 * What no table holds (the description, the environment, the files, the
 * exit statuses) is prose here, beside the code it describes.  The
 * installed docs/sitrep.1 is this output, and tests/integration/manpage.sh
 * fails when they differ, so a command, option, key or ':' command cannot
 * be added without the page following.  Conventions: man(7).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/out.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "tui/commands.h"
#include "tui/keymap.h"
#include "tui/theme.h"

/* ------------------------------------------------------------------ */
/* Escaping and fonts                                                  */
/* ------------------------------------------------------------------ */

/*
 * Write one character escaped for troff: a backslash, a backtick, and a
 * '-' that is a minus (options: "--config", "-h") as \-; a '-' after a
 * letter or digit ("built-in", "C-d") stays a hyphen.
 */
static void
man_char(FILE *f, char c, char prev)
{
	if (c == '\\')
		out_puts("\\e", f);
	else if (c == '-' && !isalnum((unsigned char)prev))
		out_puts("\\-", f);
	else if (c == '`')
		out_puts("\\(ga", f);
	else
		out_putc(c, f);
}

/* Write text escaped for troff; a leading '.' or '\'' is guarded. */
static void
man_text(FILE *f, const char *s)
{
	char	prev = ' ';

	if (*s == '.' || *s == '\'')
		out_puts("\\&", f);
	for (; *s != '\0'; s++) {
		man_char(f, *s, prev);
		prev = *s;
	}
}

/*
 * Write help text as sentences: a capital first and a full stop last, and
 * a new line after each ".  " (man(7): a sentence ends a line).
 */
static void
man_sentence(FILE *f, const char *s)
{
	const char	*stop;
	char		*piece;
	size_t		 len = strlen(s);

	if (len == 0)
		return;
	if (islower((unsigned char)s[0])) {
		out_putc(toupper((unsigned char)s[0]), f);
		s++;
	}
	while ((stop = strstr(s, ".  ")) != NULL) {
		piece = xstrndup(s, (size_t)(stop - s) + 1);
		man_text(f, piece);
		out_putc('\n', f);
		free(piece);
		s = stop + 3;
	}
	man_text(f, s);
	if (*s == '\0' || s[strlen(s) - 1] != '.')
		out_putc('.', f);
	out_putc('\n', f);
}

/* Whether the n bytes at s are a metavariable: capitals only (FILE, N). */
static int
man_is_metavar(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!isupper((unsigned char)s[i]))
			return 0;
	}
	return n > 0;
}

/*
 * Write a usage string with fonts: options bold, metavariables italic,
 * the rest (brackets, bars, literal values) roman.
 */
static void
man_usage(FILE *f, const char *s)
{
	const char	*end;
	size_t		 n, i;
	char		 prev = ' ';

	while (*s != '\0') {
		n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
		    "VWXYZ0123456789-_");
		if (n == 0) {
			man_char(f, *s, prev);
			prev = *s++;
			continue;
		}
		end = s + n;
		if (n > 2 && s[0] == '-' && s[1] == '-')
			out_puts("\\fB", f);
		else if (man_is_metavar(s, n))
			out_puts("\\fI", f);
		else
			out_puts("\\fR", f);
		for (i = 0; i < n; i++) {
			man_char(f, s[i], prev);
			prev = s[i];
		}
		out_puts("\\fR", f);
		s = end;
	}
}

/* ------------------------------------------------------------------ */
/* Sections from the tables                                            */
/* ------------------------------------------------------------------ */

/* SYNOPSIS: the console's form and the commands' form. */
static void
man_synopsis(FILE *f)
{
	const struct cmd_leading	*o;
	int				 console;

	out_puts(".SH SYNOPSIS\n", f);
	for (console = 1; console >= 0; console--) {
		out_puts(".B sitrep\n", f);
		for (o = sitrep_options; o->name != NULL; o++) {
			if (o->scope == CMD_OPT_ALONE ||
			    (o->scope == CMD_OPT_CONSOLE && !console))
				continue;
			out_puts("[\\fB", f);
			man_text(f, o->name);
			out_puts("\\fR", f);
			if (o->arg != NULL) {
				out_puts(" \\fI", f);
				man_text(f, o->arg);
				out_puts("\\fR", f);
			}
			out_puts("]\n", f);
		}
		if (console)
			out_puts(".br\n", f);
		else
			out_puts("\\fICOMMAND\\fR [\\fIARGS\\fR]\n", f);
	}
}

/* COMMANDS: every command of the table, its usage and its help. */
static void
man_commands(FILE *f)
{
	const struct cmd_entry	*c;

	out_puts(".SH COMMANDS\n"
	    "With no command, \\fBsitrep\\fR starts the interactive console "
	    "on the terminal.\n", f);
	for (c = sitrep_commands; c->name != NULL; c++) {
		out_puts(".TP\n\\fBsitrep ", f);
		man_text(f, c->name);
		out_puts("\\fR", f);
		if (*c->usage != '\0') {
			out_putc(' ', f);
			man_usage(f, c->usage);
		}
		out_putc('\n', f);
		man_sentence(f, c->help);
	}
	out_puts(".SS Snapshot\n"
	    ".B sitrep snapshot\n"
	    "renders the panels as one document (see \\fBdocs/SNAPSHOT.md\\fR "
	    "in the source) and exits with the monitoring-plugin status of "
	    "the whole (see\n.BR \"EXIT STATUS\" ).\n"
	    "It reads the cache without changing it, unless \\fB\\-\\-fresh"
	    "\\fR asks the sources for one round first.\n"
	    "\\fB\\-\\-at\\fR \\fITIME\\fR (RFC 3339, or seconds since the "
	    "epoch) shows the\nworld as of that time: with \\fB\\-\\-fresh"
	    "\\fR the sources are asked to\nevaluate then; with \\fB\\-\\-demo"
	    "\\fR (which always plays one round of the\nsimulator) the "
	    "simulator builds its world at that time.\n", f);
}

/* OPTIONS: every option that may come before a command. */
static void
man_options(FILE *f)
{
	const struct cmd_leading	*o;

	out_puts(".SH OPTIONS\n"
	    "These options come before the command.\n"
	    "Those for every command may also follow its words; the "
	    "console's own\n(\\fB\\-\\-panel\\fR, \\fB\\-\\-filter\\fR) are "
	    "taken only without a command.\n"
	    "A command's own options are in its usage under\n"
	    ".BR COMMANDS .\n", f);
	for (o = sitrep_options; o->name != NULL; o++) {
		out_puts(".TP\n\\fB", f);
		man_text(f, o->name);
		out_puts("\\fR", f);
		if (o->arg != NULL) {
			out_puts(" \\fI", f);
			man_text(f, o->arg);
			out_puts("\\fR", f);
		}
		out_putc('\n', f);
		man_sentence(f, o->help);
		if (o->more != NULL)
			man_sentence(f, o->more);
	}
}

/* KEYS: every action of the default key table, its keys and its help. */
static void
man_keys(FILE *f)
{
	const struct key_binding	*b;
	struct keymap			*km;
	size_t				 n, i, j, shown;
	char				 name[16], prev[16];
	int				 seen;

	out_puts(".SH KEYS\n"
	    "The console's keys are one table: dispatch, the \\fB?\\fR help "
	    "page, the footer\nand this list read it.\n"
	    "The \\fBkeys\\fR section of the configuration binds an action "
	    "(its name in\nitalics below) to other keys, such as\n"
	    ".BR \"refresh: \\(dqr,F5\\(dq\" ;\n"
	    "an action named there loses its default keys.\n"
	    "No destructive action is bound to a single key, and C\\-a and "
	    "C\\-b\n(the screen and tmux prefixes) are never bound.\n", f);
	km = keymap_new();
	b = keymap_bindings(km, &n);
	for (i = 0; i < n; i++) {
		seen = 0;
		for (j = 0; j < i; j++) {
			if (b[j].action == b[i].action)
				seen = 1;
		}
		if (seen)
			continue;
		out_puts(".TP\n", f);
		prev[0] = '\0';
		shown = 0;
		for (j = i; j < n; j++) {
			if (b[j].action != b[i].action)
				continue;
			keymap_key_name(b[j].key, name, sizeof name);
			if (strcmp(name, prev) == 0)
				continue;
			snprintf(prev, sizeof prev, "%s", name);
			out_puts(shown++ > 0 ? ", \\fB" : "\\fB", f);
			man_text(f, name);
			out_puts("\\fR", f);
		}
		out_puts("  (\\fI", f);
		man_text(f, keymap_action_name(b[i].action));
		out_puts("\\fR)\n", f);
		man_sentence(f, b[i].help != NULL ? b[i].help : "");
	}
	keymap_free(km);
	out_puts(".PP\n"
	    "On the filter and command lines, \\fBEnter\\fR accepts, "
	    "\\fBEsc\\fR cancels,\n\\fBTab\\fR completes (on the command "
	    "line), and \\fBBackspace\\fR on an empty\nline closes it.\n",
	    f);
}

/* COMMANDS OF THE CONSOLE: every ':' command of the table. */
static void
man_console_commands(FILE *f)
{
	const struct command	*c;
	size_t			 n, i;

	out_puts(".SH \"COMMANDS OF THE CONSOLE\"\n"
	    "\\fB:\\fR opens the command line at the foot of the console; "
	    "\\fBTab\\fR completes\na command's name and its argument.\n", f);
	c = commands_table(&n);
	for (i = 0; i < n; i++) {
		out_puts(".TP\n\\fB:", f);
		man_text(f, c[i].name);
		out_puts("\\fR", f);
		if (c[i].args != NULL) {
			out_putc(' ', f);
			man_usage(f, c[i].args);
		}
		if (c[i].alias != NULL) {
			out_puts(", \\fB:", f);
			man_text(f, c[i].alias);
			out_puts("\\fR", f);
		}
		out_putc('\n', f);
		man_sentence(f, c[i].help);
	}
}

/* ------------------------------------------------------------------ */
/* The page                                                            */
/* ------------------------------------------------------------------ */

/* The environment, the files, the exit status, see also. */
static void
man_tail(FILE *f)
{
	const char *const	*themes = theme_builtin_names();
	size_t			 i;

	out_puts(".SH ENVIRONMENT\n"
	    ".TP\n.B SITREP_CONFIG\n"
	    "The configuration file when \\fB\\-\\-config\\fR is not given; "
	    "it wins over\n\\fB$XDG_CONFIG_HOME\\fR.\n"
	    ".TP\n.B XDG_CONFIG_HOME\n"
	    "Where the configuration (\\fIsitrep/config.yaml\\fR) and the "
	    "user's themes\n(\\fIsitrep/themes/\\fR) are looked for; default "
	    "\\fI~/.config\\fR.\n"
	    ".TP\n.B XDG_CACHE_HOME\n"
	    "Where the cache is kept (\\fIsitrep/cache.db\\fR, and the demo's "
	    "\\fIsitrep/demo.db\\fR);\ndefault \\fI~/.cache\\fR.\n"
	    "A relative value is ignored, as the XDG specification says.\n"
	    ".TP\n.B XDG_STATE_HOME\n"
	    "Where the audit key is kept (\\fIsitrep/audit.key\\fR); "
	    "default\n\\fI~/.local/state\\fR.  A relative value is "
	    "ignored.\n"
	    ".TP\n.B KUBECONFIG\n"
	    "The kubeconfig files (separated by colons; the first to set a "
	    "value wins) of\na context's Kubernetes source, when neither "
	    "\\fB\\-\\-kubeconfig\\fR nor\n\\fBkubernetes.kubeconfig\\fR names "
	    "one; default \\fI~/.kube/config\\fR, then the\nin-cluster "
	    "service account, as kubectl reads them.\n"
	    ".TP\n.B NO_COLOR\n"
	    "When set and not empty, the console uses no colour, only "
	    "attributes\n(bold, reverse, underline); every state also reads "
	    "as a word and a symbol.\n"
	    ".B sitrep snapshot\n"
	    "colours its text only with \\fB\\-\\-color\\fR.\n"
	    ".TP\n.B USER\n"
	    "Who acts, as \\fB$USER@\\fR\\fIhostname\\fR, when the "
	    "configuration sets no\n\\fBoperator\\fR: the author of "
	    "silences and the actor of audit rows.\n"
	    ".TP\n.B TERM\n"
	    "The terminal type the console draws for, through ncurses.\n"
	    "If the machine does not know it, or it cannot place the cursor, "
	    "the console\nsays so and exits 2;\n"
	    ".B sitrep snapshot\n"
	    "needs no terminal.\n"
	    ".TP\n.BR LC_ALL \", \" LC_CTYPE \", \" LANG\n"
	    "The locale's character set: in UTF-8 the console and the text "
	    "snapshot draw\nlines, symbols and sparklines in Unicode; in any "
	    "other, in ASCII\n(sparklines as \\fB_.\\-:=+*#\\fR).\n"
	    ".TP\n.BR KUBERNETES_SERVICE_HOST \", \" KUBERNETES_SERVICE_PORT\n"
	    "Inside a pod, when no kubeconfig is found: the API server of "
	    "the in-cluster\nservice account, as client-go finds it.\n"
	    ".TP\n.B POD_NAMESPACE\n"
	    "Inside a pod: the namespace, before the service account's "
	    "namespace file.\n"
	    ".TP\n.B PATH\n"
	    "Where a kubeconfig's exec credential plugin is looked for when "
	    "its command\nhas no slash.\n"
	    ".TP\n.B HOME\n"
	    "The base of the defaults above.\n", f);

	out_puts(".SH FILES\n"
	    ".TP\n.I ~/.config/sitrep/config.yaml\n"
	    "The configuration (under \\fB$XDG_CONFIG_HOME\\fR when it is "
	    "set): contexts,\nservices, SLOs, runbooks, key bindings, theme.\n"
	    "Its reference is \\fBdocs/CONFIG.md\\fR in the source, also "
	    "printed by\n\\fBsitrep config docs\\fR; \\fBsitrep config check"
	    "\\fR validates a file.\n"
	    "Without one, sitrep has no context: try \\fB\\-\\-demo\\fR.\n"
	    ".TP\n.I ~/.cache/sitrep/cache.db\n"
	    "The cache (under \\fB$XDG_CACHE_HOME\\fR when it is set; "
	    "directory mode 0700):\nSQLite in WAL mode, the last known state "
	    "of every source and the audit log,\nshared by consoles and "
	    "\\fBsitrep fetch\\fR.  It never holds a secret.\n"
	    "Writers create it; a writer moves a file that is not a sitrep "
	    "cache aside\n(as \\fIcache.db.corrupt-YYYYmmddHHMMSS\\fR) and "
	    "starts a fresh one.\n"
	    ".TP\n.I ~/.local/state/sitrep/audit.key\n"
	    "The audit key (under \\fB$XDG_STATE_HOME\\fR when it is set; "
	    "mode 0600,\ndirectory 0700): 32 random bytes the audit log's "
	    "hash chain is keyed with,\nmade by the first action recorded.  "
	    "A key open to others is refused.\nKeep it apart from the cache "
	    "and back it up (\\fBdocs/AUDIT.md\\fR).\n"
	    ".TP\n.I ~/.cache/sitrep/demo.db\n"
	    "The demo's cache, so the demo never mixes with real data.\n"
	    ".TP\n.I ~/.config/sitrep/themes/NAME.theme\n"
	    "A theme of the user's, chosen by \\fBtheme:\\fR in the "
	    "configuration or\n\\fB:theme\\fR \\fINAME\\fR in the console; it "
	    "wins over a shipped theme of the\nsame name.  The shipped "
	    "themes, compiled in:\n", f);
	for (i = 0; themes[i] != NULL; i++) {
		out_puts(i == 0 ? "" : themes[i + 1] == NULL ? " and\n" : ",\n",
		    f);
		out_puts("\\fB", f);
		man_text(f, themes[i]);
		out_puts("\\fR", f);
	}
	out_puts(".\n"
	    ".TP\n.I PREFIX/share/sitrep/\n"
	    "What is installed beside the program: \\fIthemes/\\fR, and "
	    "\\fIexamples/\\fR with\n\\fIsitrep.example.yaml\\fR (every key "
	    "of the configuration) and \\fIslos/\\fR.\n", f);

	out_puts(".SH \"EXIT STATUS\"\n"
	    "0 on success, 1 when the command failed (a source failed in "
	    "\\fBfetch \\-\\-once\\fR,\na configuration with problems, no "
	    "cache for \\fBcache info\\fR or\n\\fBaudit verify\\fR, a broken "
	    "audit chain), 2 for a usage error (an unknown\ncommand or "
	    "option, a bad value, the console without a terminal it can "
	    "draw on).\n"
	    ".PP\n"
	    ".B sitrep snapshot\n"
	    "follows the monitoring-plugin convention instead: 0 OK, 1 "
	    "WARNING,\n2 CRITICAL, 3 UNKNOWN (the document's overall status), "
	    "and 3 for\neverything that keeps it from judging: a usage error "
	    "(an unknown option\nor format, before or after the command; a "
	    "bad \\fB\\-\\-width\\fR or \\fB\\-\\-at\\fR), a\nconfiguration or "
	    "cache that cannot be read, an output that cannot be written.\n",
	    f);

	out_puts(".SH \"SEE ALSO\"\n"
	    ".BR kubectl (1),\n"
	    ".BR prometheus (1),\n"
	    ".BR alertmanager (1),\n"
	    ".BR sqlite3 (1)\n"
	    ".PP\n"
	    "\\fBdocs/CONFIG.md\\fR, \\fBdocs/SNAPSHOT.md\\fR and "
	    "\\fBdocs/ARCHITECTURE.md\\fR in sitrep's source.\n", f);
}

/* Write the manual page; see cmd.h. */
void
cmd_man_write(FILE *f)
{
	out_puts(".\\\" sitrep(1).  Generated by `sitrep help --man` from the "
	    "program's tables\n"
	    ".\\\" (sitrep.c, cmd/man.c, tui/keymap.c, tui/commands.c); do "
	    "not edit by hand:\n"
	    ".\\\" change them and run ./sitrep help --man > docs/sitrep.1\n",
	    f);
	out_printf(f, ".TH SITREP 1 \"\" \"sitrep %s\" \"User Commands\"\n",
	    PACKAGE_VERSION);
	out_puts(".SH NAME\n"
	    "sitrep \\- terminal operations console for the engineer on "
	    "call\n", f);
	man_synopsis(f);
	out_puts(".SH DESCRIPTION\n"
	    ".B sitrep\n"
	    "pulls from Prometheus, Alertmanager, the Kubernetes API and "
	    "plain HTTP\nhealth probes into a local SQLite cache and shows "
	    "health, SLO error-budget\nburn, incidents and runbooks.\n"
	    "With no command it starts the interactive console, which paints "
	    "the last\nknown state from the cache at once and then asks the "
	    "sources; the\ncommands feed the cache, render it without a "
	    "terminal, and check it.\n"
	    ".PP\n"
	    ".B sitrep \\-\\-demo\n"
	    "does all of it on a built-in simulated world: no configuration, "
	    "no network.\n"
	    ".PP\n"
	    ".B sitrep \\-\\-help\n"
	    "lists every command and option; \\fBsitrep help\\fR \\fICOMMAND"
	    "\\fR describes one;\n\\fBsitrep help \\-\\-man\\fR prints this "
	    "page, generated from the same tables.\n", f);
	man_commands(f);
	man_options(f);
	man_keys(f);
	man_console_commands(f);
	man_tail(f);
}
