/*
 * fuzz_drill.c: the drill reader and the simulator's scenario of a drill
 * on any YAML text.
 *
 * Each input is read with drill_load_text(); a drill comes back exactly
 * when no problem was found, every problem is one line safe for a
 * terminal and names the file, and a drill read becomes the scenario the
 * simulator plays (sim_file_scenario()), freed again.  Leaks are
 * findings too.
 */
#include "config.h"

#include "backends/sim_file.h"
#include "core/conf.h"
#include "core/drill.h"
#include "tests/fuzz/fuzz.h"

#define NAME	"drills/fuzz.yaml"

/* One input: read it as a drill, then make its scenario. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_problems	 problems;
	struct sim_scenario	*sc;
	struct drill		*d;
	size_t			 i;

	conf_problems_init(&problems);
	d = drill_load_text(NAME, (const char *)data, size, &problems);
	FUZZ_CHECK((d == NULL) == (problems.n > 0),
	    "a drill exactly when there is no problem");
	for (i = 0; i < problems.n; i++) {
		FUZZ_CHECK(fuzz_terminal_safe(problems.v[i], 0),
		    "a problem is one line safe to show");
		FUZZ_CHECK(strncmp(problems.v[i], NAME, strlen(NAME)) == 0,
		    "a problem names the file");
	}
	if (d != NULL) {
		sc = sim_file_scenario(d);
		FUZZ_CHECK(sc != NULL, "a scenario");
		sim_file_free(sc);
	}
	drill_free(d);
	conf_problems_done(&problems);
	return 0;
}
