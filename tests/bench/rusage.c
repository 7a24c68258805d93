/*
 * rusage.c: run one command and report its wall time, peak memory and CPU.
 *
 *	rusage REPORT COMMAND [ARG...]
 *
 * Writes "SECONDS MAXRSS_KIB USER_S SYS_S" to the file REPORT (the CPU
 * time the command spent in user space and in the kernel, from wait4) and
 * exits with the command's status (128 + signal if it was killed).  The peak resident
 * size the kernel keeps for a process counts the memory of the process it
 * was forked from, up to the exec; a Python driver is tens of megabytes,
 * so scripts/bench measures through this small program instead, whose own
 * few hundred kilobytes are all that can leak into the figure.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds of the monotonic clock. */
static double
rusage_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv[2..], write the report to argv[1]. */
int
main(int argc, char **argv)
{
	struct rusage	ru;
	FILE		*f;
	pid_t		 pid;
	int		 status;
	double		 t0, t1;

	if (argc < 3) {
		fprintf(stderr, "usage: rusage REPORT COMMAND [ARG...]\n");
		return 2;
	}
	t0 = rusage_now();
	if ((pid = fork()) == -1) {
		fprintf(stderr, "rusage: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "rusage: cannot run %s: %s\n", argv[2],
		    strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "rusage: wait4: %s\n", strerror(errno));
			return 2;
		}
	}
	t1 = rusage_now();
	if ((f = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "rusage: cannot write %s: %s\n", argv[1],
		    strerror(errno));
		return 2;
	}
	fprintf(f, "%.6f %ld %.6f %.6f\n", t1 - t0, ru.ru_maxrss,
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	if (fclose(f) != 0)
		return 2;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
