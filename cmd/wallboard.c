/*
 * wallboard.c: `sitrep wallboard`: one read-only tile per context, from
 * the cache a feeder (`sitrep fetch --all`) fills.  The cache is opened
 * read-only and never created; no runtime is made.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/out.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "cmd/cmd.h"
#include "core/cache.h"
#include "core/conf.h"
#include "tui/wallboard.h"

/*
 * The contexts to show: --all (and the default), --contexts a,b, or the
 * one --context names.  0, or CMD_USAGE after saying which name is not
 * configured.
 */
static int
wallboard_contexts(struct cmd_opts *g, const struct conf *conf,
    const char *list, int all, struct wallboard_opts *wo)
{
	const struct conf_context	*ctx;
	char				*copy, *name, *next, *safe;
	size_t				 i, len;

	wo->contexts = xcalloc(conf->ncontexts + 1, sizeof *wo->contexts);
	if (list == NULL && (all || g->context == NULL || g->demo)) {
		for (i = 0; i < conf->ncontexts; i++)
			wo->contexts[wo->ncontexts++] = &conf->contexts[i];
		return 0;
	}
	copy = xstrdup(list != NULL ? list : g->context);
	for (name = copy; name != NULL; name = next) {
		len = strcspn(name, ",");
		next = name[len] == ',' ? name + len + 1 : NULL;
		name[len] = '\0';
		if (len == 0)
			continue;
		if ((ctx = conf_context_find(conf, name)) == NULL) {
			safe = sanitize_terminal(name, 0);
			out_printf(stderr, "sitrep: no context named '%s' in the "
			    "configuration; 'sitrep config check' lists them\n",
			    safe);
			free(safe);
			free(copy);
			return CMD_USAGE;
		}
		for (i = 0; i < wo->ncontexts && wo->contexts[i] != ctx; i++)
			;
		if (i == wo->ncontexts && wo->ncontexts < conf->ncontexts)
			wo->contexts[wo->ncontexts++] = ctx;
	}
	free(copy);
	if (wo->ncontexts == 0)
		return cmd_bad_usage("wallboard", "--contexts names no context");
	return 0;
}

/*
 * One page name of --panel (from says where it came from) into the
 * pages; 0, or CMD_USAGE after saying which names there are.
 */
static int
wallboard_page(const char *from, const char *name, struct wallboard_opts *wo)
{
	char	*safe;
	int	 p;

	if ((p = wallboard_panel(name)) == WALLBOARD_NO_PANEL) {
		safe = sanitize_terminal(name, 0);
		out_printf(stderr, "sitrep: %s: no page named '%s'; give some of "
		    "%s, in the order to show them\n", from, safe,
		    wallboard_panel_names());
		free(safe);
		return CMD_USAGE;
	}
	if (wo->npanels == WALLBOARD_MAX_PANELS) {
		out_printf(stderr, "sitrep: %s: at most %d pages\n", from,
		    WALLBOARD_MAX_PANELS);
		return CMD_USAGE;
	}
	wo->panels[wo->npanels++] = p;
	return 0;
}

/*
 * The pages: --panel a,b (comma separated), else wallboard.panels.  0, or
 * CMD_USAGE after saying why.
 */
static int
wallboard_pages(const struct conf *conf, const char *list,
    struct wallboard_opts *wo)
{
	char	*copy, *name, *next;
	size_t	 i, len;
	int	 rc = 0;

	if (list == NULL) {
		for (i = 0; i < conf->nwb_panels && rc == 0; i++)
			rc = wallboard_page("wallboard.panels",
			    conf->wb_panels[i], wo);
	} else {
		copy = xstrdup(list);
		for (name = copy; name != NULL && rc == 0; name = next) {
			len = strcspn(name, ",");
			next = name[len] == ',' ? name + len + 1 : NULL;
			name[len] = '\0';
			if (len > 0)
				rc = wallboard_page("--panel", name, wo);
		}
		free(copy);
	}
	if (rc == 0 && wo->npanels == 0)
		wo->panels[wo->npanels++] = WALLBOARD_OVERVIEW;
	return rc;
}

/* A duration option of at least least ms, or 0; CMD_USAGE if bad. */
static int
wallboard_duration(const char *opt, const char *arg, int64_t least,
    int64_t *ms)
{
	char	*cause = NULL, *why;
	int	 rc;

	if (arg == NULL)
		return 0;
	if (strcmp(arg, "0") == 0) {
		*ms = 0;
		return 0;
	}
	if (util_parse_duration(arg, ms, &cause) == 0 && (*ms == 0 ||
	    *ms >= least))
		return 0;
	why = xasprintf("%s takes a duration of at least %llds, such as 20s, "
	    "or 0 for never%s%s", opt, (long long)(least / 1000),
	    cause != NULL ? ": " : "", cause != NULL ? cause : "");
	rc = cmd_bad_usage("wallboard", why);
	free(why);
	free(cause);
	return rc;
}

/* sitrep wallboard: the read-only board. */
int
cmd_wallboard(struct cmd_opts *g, int argc, char **argv)
{
	struct wallboard_opts	 wo;
	struct conf		*conf = NULL;
	const char		*list = NULL, *rotate = NULL, *shift = NULL;
	const char		*panels = NULL, *filter = NULL;
	char			**words;
	int			  nw, rc, all = 0, no_quit = 0;
	const struct cmd_option	  opts[] = {
		{ "--contexts", &list, NULL, NULL },
		{ "--all", NULL, &all, NULL },
		{ "--rotate", &rotate, NULL, NULL },
		{ "--shift", &shift, NULL, NULL },
		{ "--panel", &panels, NULL, NULL },
		{ "--filter", &filter, NULL, NULL },
		{ "--no-quit", NULL, &no_quit, NULL },
		{ NULL, NULL, NULL, NULL }
	};

	if ((rc = cmd_parse(g, opts, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("wallboard", "takes no arguments");
	if (all && list != NULL)
		return cmd_bad_usage("wallboard", "--all and --contexts "
		    "exclude each other");
	memset(&wo, 0, sizeof wo);
	if (cmd_load_conf(g, &conf) != 0)
		return CMD_FAIL;
	wo.rotate_ms = conf->wb_rotate_ms;
	wo.shift_ms = conf->wb_shift_ms;
	if ((rc = wallboard_duration("--rotate", rotate, 1000,
	    &wo.rotate_ms)) != 0 || (rc = wallboard_duration("--shift", shift,
	    1000, &wo.shift_ms)) != 0)
		goto out;
	if (rotate == NULL && wo.rotate_ms > 0 && wo.rotate_ms < 1000) {
		out_printf(stderr, "sitrep: wallboard.rotate must be at least 1s "
		    "(or 0s, by hand only)\n");
		rc = CMD_USAGE;
		goto out;
	}
	wo.filter = filter != NULL ? filter : conf->wb_filter;
	if (wo.filter != NULL && *wo.filter == '\0')
		wo.filter = NULL;
	if ((rc = wallboard_pages(conf, panels, &wo)) != 0 ||
	    (rc = wallboard_contexts(g, conf, list, all, &wo)) != 0)
		goto out;
	if (wo.ncontexts == 0) {
		out_printf(stderr, "sitrep: no context is configured; write a "
		    "config file (see 'sitrep config docs') or try 'sitrep "
		    "--demo wallboard'\n");
		rc = CMD_FAIL;
		goto out;
	}
	/* Read-only: never created, never migrated, never written. */
	if ((wo.cache = cmd_open_cache(g, CACHE_READONLY)) == NULL) {
		rc = CMD_FAIL;
		goto out;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		out_printf(stderr, "sitrep: the wallboard needs a terminal; for "
		    "scripts and checks use 'sitrep snapshot'\n");
		cache_close(wo.cache);
		rc = CMD_USAGE;
		goto out;
	}
	wo.conf = conf;
	wo.no_quit = no_quit;
	rc = wallboard_run(&wo);
	cache_close(wo.cache);
out:
	free(wo.contexts);
	conf_free(conf);
	return rc;
}
