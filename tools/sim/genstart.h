/* Earshot simulator: a diesel generator starting (type generator_start).
 *
 * Cranking: from the origin time, for crank_s, the starter turns the engine
 * and each compression (crank_hz of them a second) pushes a short pulse out
 * of the exhaust: a damped ring (source.h's thump) at 90 Hz, down 60 dB in
 * 40 ms (an exhaust pipe of 1-2 m holding hot gas, c ~ 450-500 m/s, has its
 * quarter-wave resonance at c / 4 L = 60-125 Hz; the ring dies well within
 * the 100 ms between pulses). Rough: each interval is 1/crank_hz times
 * 1 +- 4 % (uniform: the starter slows on each compression and cylinders
 * differ), each pulse's peak 0.7-1 of the loudest (uniform), whose peak is
 * level_db_spl_at_1m. The pulses are evaluated analytically (exact
 * fractional placement, nothing ahead of the wavefront), like a blast.
 *
 * Running: the engine catches at crank_s and runs for duration_s: harmonics
 * 1..8 of firing_hz with amplitudes 1/h and random phases (as noise.c's
 * generator hum), plus broadband exhaust noise (white through a 20 Hz
 * high-pass and a 400 Hz low-pass: unsilenced diesel exhaust is firing
 * harmonics over a flow-noise floor that falls above a few hundred Hz),
 * 6 dB below the harmonics in power (an assumed ratio). It rises over
 * 0.25 s (raised cosine: a diesel takes about that to fire on all
 * cylinders) and stops over its last 0.5 s (raised cosine; the pitch of the
 * run-down is not modelled); run_db_spl_at_1m is the RMS at 1 m between
 * the two. A generator that keeps running through a scene is the steady
 * noise.generator; this source is its start. The running sound is made once
 * in source time (a sim_roar, so every microphone hears the same waveform)
 * and delayed to each path by roar.c's fractional delay; its smooth onset
 * leaks nothing ahead of the catch's arrival. */
#ifndef EARSHOT_SIM_GENSTART_H
#define EARSHOT_SIM_GENSTART_H

#include <stddef.h>

#include "rng.h"
#include "roar.h"
#include "scenario.h"
#include "source.h"

typedef struct {
    double *t_s;              /* each pulse's start after the origin */
    double *amp;              /* its peak relative to the loudest */
    size_t n;
    sim_thump pulse;          /* peak level_db_spl_at_1m */
    double length_s;          /* the last pulse's end */
} sim_cranking;

/* The cranking pulses of ev (draws from rng). 0, or -1 when out of memory. */
int sim_cranking_make(sim_cranking *c, const sim_event *ev, sim_rng *rng);
/* Pa at 1 m, t seconds after the origin. */
double sim_cranking_eval(const sim_cranking *c, double t);
void sim_cranking_free(sim_cranking *c);

/* The running engine, start_s = crank_s (draws from rng after the
 * cranking). 0, or -1 when out of memory. */
int sim_engine_run_make(sim_roar *run, const sim_event *ev, double fs_hz, sim_rng *rng);

#endif
