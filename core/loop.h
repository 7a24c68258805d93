/*
 * loop.h: sitrep's single-threaded event loop.
 *
 * Everything the program waits for arrives here as an event: readable or
 * writable file descriptors (the terminal, curl's sockets, child pipes),
 * timers, signals (through a self-pipe) and exited child processes.  One
 * poll(2) call waits for all of them, so nothing ever blocks on the network
 * or on a child: a slow source only shows up as data that is late.
 *
 * Callbacks may add and remove any watcher, timer, signal or child handler,
 * including their own: removal only marks the object dead and the loop frees
 * it once the current iteration has finished dispatching.  The loop is not
 * reentrant: do not call loop_run_once() from inside one of its callbacks.
 */
#ifndef SITREP_LOOP_H
#define SITREP_LOOP_H

#include <stdint.h>
#include <sys/types.h>

#define LOOP_READ	0x1	/* readable, or end of file, or hung up */
#define LOOP_WRITE	0x2	/* writable */
#define LOOP_ERROR	0x4	/* revents only: error or hang-up on the fd */

struct loop;
struct loop_fd;
struct loop_timer;
struct loop_signal;
struct loop_child;

typedef void	 (*loop_fd_cb)(int fd, int revents, void *arg);
typedef int64_t	 (*loop_timer_cb)(void *arg);	/* next interval, or -1 */
typedef void	 (*loop_signal_cb)(int signo, void *arg);
typedef void	 (*loop_child_cb)(pid_t pid, int status, void *arg);

/*
 * A new loop; NULL (with errno) only if the process is out of descriptors.
 * loop_free() frees every watcher still registered without calling it and
 * restores the signal dispositions it changed.
 */
struct loop	*loop_new(void);
void		 loop_free(struct loop *);

/*
 * Watch fd for the given LOOP_READ|LOOP_WRITE events.  The loop does not own
 * fd: close it yourself after loop_fd_del().  The handle is borrowed, valid
 * until loop_fd_del() or loop_free().
 */
struct loop_fd	*loop_fd_add(struct loop *, int fd, int events, loop_fd_cb,
		     void *arg);
void		 loop_fd_set_events(struct loop_fd *, int events);
void		 loop_fd_del(struct loop_fd *);

/*
 * Call cb after after_ms milliseconds; cb returns the interval until its next
 * call, or -1 to stop.  The handle is invalid once cb has returned -1, after
 * loop_timer_del() or after loop_free().  Due timers run in order of their
 * due time (ties in order of creation); a timer is run at most once per
 * iteration, so an interval of 0 cannot starve the other events.
 */
struct loop_timer *loop_timer_add(struct loop *, int64_t after_ms,
		     loop_timer_cb, void *arg);
void		 loop_timer_del(struct loop_timer *);

/* Called before every wait: paint the screen, flush batched writes. */
void		 loop_set_before_sleep(struct loop *, void (*)(void *),
		     void *arg);

/*
 * Deliver signo as a loop event: the signal handler only records it and
 * writes a byte to a non-blocking self-pipe; cb runs later from the loop,
 * where it may do anything.  Several callbacks may share a signal.  Only one
 * loop in the process may handle signals.  Returns NULL with errno on
 * failure (EBUSY if another loop already handles signals).
 */
struct loop_signal *loop_signal_add(struct loop *, int signo, loop_signal_cb,
		     void *arg);
void		 loop_signal_del(struct loop_signal *);

/*
 * Call cb once child pid has exited, with its waitpid() status.  Children
 * are reaped with waitpid(pid, WNOHANG) when SIGCHLD arrives, never waited
 * for.  Only the pids registered here are reaped.  After loop_child_del()
 * the child is still reaped, silently.  NULL with errno on failure.
 */
struct loop_child *loop_child_add(struct loop *, pid_t, loop_child_cb,
		     void *arg);
void		 loop_child_del(struct loop_child *);

/*
 * Wait at most max_wait_ms (-1: until an event or the next timer) and
 * dispatch what is ready.  Returns the number of callbacks called, or -1
 * with errno if poll(2) failed for a reason other than a signal.
 */
int		 loop_run_once(struct loop *, int64_t max_wait_ms);
/* Run until loop_stop() is called. */
void		 loop_run(struct loop *);
void		 loop_stop(struct loop *);
/* Monotonic milliseconds, cached at the start of each wake-up. */
int64_t		 loop_now_ms(struct loop *);

#endif
