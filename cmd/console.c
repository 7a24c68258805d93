/*
 * console.c: `sitrep` with no command: the interactive console on a
 * terminal (the configured context, or the simulator with --demo).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/out.h"
#include "base/util.h"
#include "cmd/cmd.h"
#include "core/cache.h"
#include "core/conf.h"
#include "tui/tui.h"

/* sitrep with no command: the interactive console. */
int
cmd_console(struct cmd_opts *g, int argc, char **argv)
{
	struct tui_opts	 to;
	struct conf	*conf;
	const char	*panel = NULL, *filter = NULL;
	char		**words, *cache_path, *conf_path;
	int		  nw, rc, explicit;
	const struct cmd_option opts[] = {
		{ "--panel", &panel, NULL, NULL },
		{ "--filter", &filter, NULL, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	if (nw != 0) {
		rc = sitrep_unknown_command(nw, words);
		free(words);
		return rc;
	}
	free(words);
	if (panel != NULL && tui_panel_parse(panel) < 0) {
		out_printf(stderr, "sitrep: unknown panel '%s'; use health, slo, "
		    "incidents or runbook\n", panel);
		return CMD_USAGE;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		out_printf(stderr, "sitrep: the console needs a terminal; for "
		    "scripts and checks use 'sitrep snapshot'\n");
		return CMD_USAGE;
	}
	conf_path = NULL;
	if (cmd_load_conf(g, &conf) != 0)
		return CMD_FAIL;
	if (!g->demo)
		conf_path = conf_find_path(g->config, &explicit);
	if (g->cache != NULL)
		cache_path = util_expand_home(g->cache);
	else
		cache_path = g->demo ? cmd_demo_cache_path() :
		    cache_default_path();
	memset(&to, 0, sizeof to);
	to.conf = conf;
	to.context = g->context;
	to.cache_path = cache_path;
	to.panel = panel;
	to.filter = filter;
	to.demo = g->demo;
	to.readonly = g->readonly;
	to.speed = g->speed;
	to.conf_file = conf_path;
	rc = tui_run(&to);
	free(cache_path);
	free(conf_path);
	conf_free(conf);
	return rc;
}
