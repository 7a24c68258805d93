/*
 * loop_work.h: pure computation off the loop thread (see loop_work.c).
 */
#ifndef SITREP_LOOP_WORK_H
#define SITREP_LOOP_WORK_H

struct loop;
struct loop_work;
struct loop_workers;

typedef void	(*loop_work_cb)(void *arg);

/*
 * Run work(arg) on the loop's worker thread, then done(arg) from the loop
 * (done may be NULL).  Jobs run one at a time in the order submitted.
 * Until done is called the data work uses is the worker's: the loop
 * thread must not touch it, and work must not call the loop.  The handle
 * is valid until done is called or loop_work_cancel() returns.  NULL if
 * the worker cannot be started (no thread, no pipe): do the work in place.
 */
struct loop_work *loop_work_submit(struct loop *, loop_work_cb work,
		     loop_work_cb done, void *arg);
/*
 * Take a job back without its done: a job not started never runs, one
 * running is waited for (so this may block as long as the job takes), one
 * over is forgotten.
 */
void		 loop_work_cancel(struct loop *, struct loop_work *);

/* For loop.c: stop the worker, dropping every job. */
void		 loop_work_free(struct loop_workers *);
/* For loop_work.c: the loop's workers, or NULL; set them. */
struct loop_workers *loop_workers(struct loop *);
void		 loop_set_workers(struct loop *, struct loop_workers *);

#endif
