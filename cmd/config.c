/*
 * config.c: `sitrep config check` validates a configuration file (key
 * bindings included, against the console's table) and reports every
 * problem, in runbook files too, and that its theme exists and parses;
 * `sitrep config docs` prints the reference from the schema.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/out.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/conf.h"
#include "core/runbook.h"
#include "tui/keymap.h"
#include "tui/theme.h"

/*
 * Whether the config's theme loads as the console would load it; if not,
 * a problem naming the key (theme_load's message lists the themes that
 * exist).  Returns 0 or -1.
 */
static int
config_check_theme(const struct conf *conf, const char *path,
    struct conf_problems *problems)
{
	struct theme	*t;
	char		*cause = NULL, *safe;

	if (conf->theme == NULL)
		return 0;
	if ((t = theme_load(conf->theme, &cause)) != NULL) {
		theme_free(t);
		return 0;
	}
	safe = sanitize_terminal(path, 0);
	conf_problems_add(problems, xasprintf("%s: 'theme': %s", safe,
	    cause));
	free(safe);
	free(cause);
	return -1;
}

/* sitrep config check [FILE] */
int
cmd_config_check(struct cmd_opts *g, int argc, char **argv)
{
	struct conf_problems	 problems;
	struct conf		*conf;
	struct keymap		*km;
	struct runbook_set	*rs = NULL;
	char			**words, *path;
	int			  nw, rc, explicit;
	size_t			  i;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw > 1) {
		free(words);
		return cmd_bad_usage("config check", "too many arguments");
	}
	if (nw == 1)
		path = xstrdup(words[0]);
	else
		path = conf_find_path(g->config, &explicit);
	free(words);
	conf_problems_init(&problems);
	conf = conf_load(path, &problems);
	if (conf != NULL) {
		/* Key bindings are checked against the console's table. */
		km = keymap_new();
		if (keymap_apply(km, conf->keys, conf->nkeys, path,
		    &problems) != 0) {
			conf_free(conf);
			conf = NULL;
		}
		keymap_free(km);
	}
	if (conf != NULL && config_check_theme(conf, path, &problems) != 0) {
		conf_free(conf);
		conf = NULL;
	}
	if (conf != NULL && conf->nrunbook_dirs > 0) {
		/* Every runbook file, with FILE:LINE:COL problems. */
		rs = runbook_set_new();
		if (runbook_set_load_dirs(rs, conf->runbook_dirs,
		    conf->nrunbook_dirs, &problems) != 0) {
			conf_free(conf);
			conf = NULL;
		}
	}
	for (i = 0; i < problems.n; i++)
		out_printf(stdout, "%s\n", problems.v[i]);
	conf_problems_done(&problems);
	if (conf == NULL) {
		runbook_set_free(rs);
		free(path);
		return CMD_FAIL;
	}
	out_printf(stdout, "%s: ok (%zu context%s, %zu service%s, %zu SLO%s", path,
	    conf->ncontexts, conf->ncontexts == 1 ? "" : "s",
	    conf->nservices, conf->nservices == 1 ? "" : "s",
	    conf->nslos, conf->nslos == 1 ? "" : "s");
	if (rs != NULL)
		out_printf(stdout, ", %zu runbook%s", runbook_set_count(rs),
		    runbook_set_count(rs) == 1 ? "" : "s");
	out_printf(stdout, ")\n");
	runbook_set_free(rs);
	conf_free(conf);
	free(path);
	return CMD_OK;
}

/* sitrep config docs: the configuration reference, from the schema. */
int
cmd_config_docs(struct cmd_opts *g, int argc, char **argv)
{
	char	**words;
	int	  nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("config docs", "takes no arguments");
	conf_write_docs(stdout);
	return CMD_OK;
}
