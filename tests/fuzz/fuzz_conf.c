/*
 * fuzz_conf.c: the configuration loader and the runbook reader on any
 * YAML text.
 *
 * Each input is loaded as a configuration file (conf_load_buffer(), named
 * as a file in a folder that does not exist, so SLO files and runbook
 * folders it names are not found) and as a runbook file
 * (runbook_set_add_buffer()).  A configuration comes back exactly when no
 * problem was found; a runbook file is added (0) exactly when it added no
 * problem; every problem is one line, valid UTF-8 and safe for a
 * terminal, and names the file.  Leaks are findings too.
 */
#include "config.h"

#include "core/conf.h"
#include "core/runbook.h"
#include "tests/fuzz/fuzz.h"

#define NAME	"/nonexistent/sitrep-fuzz/config.yaml"

/* The problems from index from on are safe and name the file. */
static void
check_problems(const struct conf_problems *p, size_t from)
{
	size_t	i;

	for (i = from; i < p->n; i++) {
		FUZZ_CHECK(fuzz_terminal_safe(p->v[i], 0),
		    "a problem is one line safe to show");
		FUZZ_CHECK(strncmp(p->v[i], NAME, strlen(NAME)) == 0,
		    "a problem names the file");
	}
}

/* One input: as a configuration, then as a runbook file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_problems	 problems;
	struct runbook_set	*set;
	struct conf		*conf;
	size_t			 before, i;
	int			 rc;

	conf_problems_init(&problems);
	conf = conf_load_buffer(NAME, (const char *)data, size, &problems);
	FUZZ_CHECK((conf == NULL) == (problems.n > 0),
	    "a configuration exactly when there is no problem");
	check_problems(&problems, 0);
	conf_free(conf);

	before = problems.n;
	set = runbook_set_new();
	rc = runbook_set_add_buffer(set, NAME, (const char *)data, size,
	    &problems);
	FUZZ_CHECK(rc == 0 || rc == -1, "0 or -1");
	FUZZ_CHECK((rc == 0) == (problems.n == before),
	    "added exactly when there is no problem");
	if (rc != 0)
		FUZZ_CHECK(runbook_set_count(set) == 0, "nothing of it added");
	for (i = 0; i < runbook_set_count(set); i++)
		FUZZ_CHECK(runbook_set_get(set, i) != NULL, "a runbook");
	check_problems(&problems, before);
	runbook_set_free(set);
	conf_problems_done(&problems);
	return 0;
}
