/*
 * command_world.h: runbook commands as the command part of an action
 * world (core/action.h).
 *
 * A command is an argv run through the loop's child runner (core/child.h):
 * never through a shell, so every element reaches the program as one
 * argument and nothing in it is interpreted; argv[0] without a '/' is
 * found in sitrep's own PATH.  The program gets exactly the environment
 * the command names ("NAME=value" as given, resolved by the runbook
 * layer): nothing else, not even PATH.  stdin is /dev/null; stdout and
 * stderr are one interleaved stream, of which the first 64 KiB are kept
 * ("[output cut at 64 KiB]" after them) and the rest read and dropped;
 * the output comes back as valid UTF-8 with every control sequence made
 * visible, safe for the terminal and the incident timeline.  When it runs
 * past its timeout its whole process group is killed.
 *
 * The answer, always from the loop and exactly once: exit 0 is ACTION_OK
 * ("exited 0 after 1.2s"); another exit code or a signal ACTION_INVALID
 * ("exited 3 after 0.4s", "killed by signal 15 after 2s"); a timeout or a
 * program that cannot be run ACTION_UNREACHABLE ("killed after 30s
 * (timeout)", "cannot run /x: No such file or directory").  A dry run
 * runs nothing and says what would run ("would run: /usr/bin/foo 'a b'
 * (environment: NAME)"): the environment by name only, as values may be
 * secrets.
 */
#ifndef SITREP_COMMAND_WORLD_H
#define SITREP_COMMAND_WORLD_H

#include <stddef.h>
#include <stdint.h>

struct action_world;
struct loop;
struct command_world;

#define COMMAND_WORLD_OUTPUT_MAX	((size_t)64 * 1024)
/* The timeout of a command that gives none (timeout_ms <= 0). */
#define COMMAND_WORLD_TIMEOUT_MS	((int64_t)30 * 1000)

/* Commands run on loop (borrowed: it must outlive the world). */
struct command_world *command_world_new(struct loop *);
/* Kill what runs (no callback) and free; NULL is fine. */
void		 command_world_free(struct command_world *);
/*
 * Set out's command part (command_impl, command, command_cancel) and
 * nothing else, so it can join another world; valid while w lives.
 */
void		 command_world_fill(struct command_world *,
		     struct action_world *out);

#endif
