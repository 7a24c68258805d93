/*
 * child.h: one child process run on the event loop.
 *
 * Whatever sitrep runs (a kubeconfig exec credential plugin, a runbook's
 * command) runs through here, so it is started and stopped one way: never
 * through a shell, stdin on /dev/null, stdout and stderr on non-blocking
 * pipes read by loop fd watchers (never a terminal), in a process group of
 * its own, its signal dispositions and mask reset, every other descriptor
 * closed, its environment exactly the one given.  It is reaped through the
 * loop's SIGCHLD handling, and a timer kills the whole group when it takes
 * too long, so nothing here ever blocks the loop.  What it prints is kept
 * up to a cap per stream; past the cap it is read and dropped (or, with
 * CHILD_KILL_OVER, the group is killed).
 *
 * The run ends when the child exits (what its own children still write
 * after that is not waited for), when the timeout passes, or when the
 * child could not be executed at all.  The done callback then runs once,
 * from the loop, never from inside child_start().
 */
#ifndef SITREP_CHILD_H
#define SITREP_CHILD_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct child;

#define CHILD_MERGE_STDERR	0x1	/* stderr to the stdout pipe: one
					   interleaved stream, out_max */
#define CHILD_WIPE		0x2	/* zero every byte read before its
					   memory is freed (secrets) */
#define CHILD_KILL_OVER		0x4	/* kill the group when stdout passes
					   out_max (else drop the rest) */

/*
 * What to run; borrowed during child_start() only.  path NULL means
 * argv[0]; a name without '/' is looked up in sitrep's own PATH (the
 * parent's, "/usr/local/bin:/usr/bin:/bin" when unset), never in envp's.
 * envp is exactly what the child gets ("NAME=value"; NULL: an empty
 * environment).  timeout_ms <= 0: no timeout.  out_max and err_max cap
 * what is kept of each stream (0: nothing kept).
 */
struct child_spec {
	const char		*path;
	const char *const	*argv;		/* NULL-terminated, argv[0] set */
	const char *const	*envp;
	int64_t			 timeout_ms;
	size_t			 out_max;
	size_t			 err_max;
	int			 flags;		/* CHILD_* */
};

/* How a run ended. */
enum child_end {
	CHILD_EXITED,		/* exit_code */
	CHILD_SIGNALLED,	/* signo: killed by a signal not ours */
	CHILD_TIMED_OUT,	/* timeout_ms passed: the group was killed */
	CHILD_OVER_CAP,		/* CHILD_KILL_OVER: stdout passed out_max */
	CHILD_NO_EXEC		/* could not be executed: errnum, message */
};

/*
 * The outcome; borrowed, valid during the callback only.  status is the
 * waitpid() status (exit 127 for CHILD_NO_EXEC, -1 for a timeout).
 * exit_code is the exit code (127 for CHILD_NO_EXEC), or -1.  message is
 * set for CHILD_NO_EXEC only: "cannot run /x: No such file or directory"
 * (the name sanitised for a terminal).  out and err are the bytes kept
 * (NUL-terminated, never NULL, not sanitised: from outside); out_cut and
 * err_cut say more was written than kept.  duration_ms from start to end.
 */
struct child_result {
	enum child_end	 end;
	int		 status;
	int		 exit_code;
	int		 signo;
	int		 errnum;
	const char	*message;
	const char	*out;
	size_t		 out_len;
	int		 out_cut;
	const char	*err;
	size_t		 err_len;
	int		 err_cut;
	int64_t		 duration_ms;
};

/*
 * Called once when the run ends.  The child handle is freed when the
 * callback returns: do not pass it to child_cancel() from there.
 */
typedef void	(*child_done_cb)(const struct child_result *, void *arg);

/*
 * Start spec on loop.  Returns the run (borrowed, valid until the
 * callback has returned or child_cancel()), or NULL with *cause when no
 * process could be started (no pipe, no fork).  A program that cannot be
 * found or executed is not an error here: the callback says so.
 */
struct child	*child_start(struct loop *, const struct child_spec *,
		     child_done_cb, void *arg, char **cause);
/* Kill the group and free the run without calling back; NULL is fine. */
void		 child_cancel(struct child *);
/* The child's pid (also its process group), or -1 when none was made. */
int		 child_pid(const struct child *);

/* Find name as the runner would, in the parent's PATH; caller frees. */
char		*child_lookup(const char *name);

#endif
