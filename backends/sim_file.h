/*
 * sim_file.h: the simulator's scenario of a drill file.
 *
 * core/drill.c reads and checks a drill file into tables that mirror the
 * simulator's; this builds the struct sim_scenario (backends/sim.h) the
 * simulator plays from them, a plain copy: the drill's strings are
 * borrowed, so the scenario must not outlive the drill.
 */
#ifndef SITREP_SIM_FILE_H
#define SITREP_SIM_FILE_H

struct drill;
struct sim_scenario;

/*
 * The scenario of d (heap-allocated; its strings borrowed from d, which
 * must outlive it): d's nodes, services, rollouts, pod faults, probe
 * faults, alerts and SLOs, opening at d's start and never replaying.
 * Free with sim_file_free().
 */
struct sim_scenario	*sim_file_scenario(const struct drill *d);
/* Free what sim_file_scenario() made; NULL is fine. */
void			 sim_file_free(struct sim_scenario *);

#endif
