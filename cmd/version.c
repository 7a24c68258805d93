/*
 * version.c: `sitrep version` (and `--version`): the program's version and
 * the libraries it runs with, for bug reports.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <curses.h>
#include <cJSON.h>
#include <sqlite3.h>
#include <yaml.h>

#include "base/out.h"
#include "cmd/cmd.h"

/* sitrep version */
int
cmd_version(struct cmd_opts *g, int argc, char **argv)
{
	curl_version_info_data	*cv;
	char			**words;
	int			  nw, rc;

	if ((rc = cmd_parse(g, NULL, argc, argv, &words, &nw)) != 0)
		return rc;
	free(words);
	if (nw != 0)
		return cmd_bad_usage("version", "takes no arguments");
	cv = curl_version_info(CURLVERSION_NOW);
	out_printf(stdout, "sitrep %s\n", PACKAGE_VERSION);
	out_printf(stdout, "libcurl %s, cJSON %s, libyaml %s, SQLite %s, %s\n",
	    cv->version, cJSON_Version(), yaml_get_version_string(),
	    sqlite3_libversion(), curses_version());
	return CMD_OK;
}
