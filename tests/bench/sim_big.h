/*
 * sim_big.h: a large generated world for the benchmark, played by the
 * simulator: pods pods (ten per service), alerts alerts and slos SLOs,
 * with crash loops, node pressure and a silence.
 */
#ifndef SITREP_SIM_BIG_H
#define SITREP_SIM_BIG_H

struct sim_scenario;

/* A new world; free it with bench_world_free(). */
struct sim_scenario	*bench_world_new(int pods, int alerts, int slos);
void			 bench_world_free(struct sim_scenario *);

#endif
