/* Earshot simulator: the motor roar of a rocket launch. A band-limited
 * noise with a smooth envelope, made once per rocket in source time (so all
 * microphones hear the same waveform, as GCC-PHAT expects), then delayed to
 * each microphone by a windowed-sinc fractional delay. */
#ifndef EARSHOT_SIM_ROAR_H
#define EARSHOT_SIM_ROAR_H

#include <stddef.h>

#include "rng.h"

typedef struct {
    double *p;                /* Pa at 1 m, sample k at start_s + k / fs after the origin */
    size_t n;
    double start_s;           /* after the ignition blast */
} sim_roar;

/* A second-order Butterworth section (Q = 1/sqrt 2), bilinear transform as
 * in R. Bristow-Johnson's Audio EQ Cookbook: high-pass or low-pass at f_hz. */
typedef struct {
    double b0, b1, b2, a1, a2, z1, z2;
} sim_biquad;

void sim_biquad_set(sim_biquad *q, double f_hz, double fs_hz, int highpass);
double sim_biquad_run(sim_biquad *q, double x);

/* Half-width of the interpolation kernel, samples. */
#define SIM_ROAR_TAPS_HALF 16

/* rms_pa over the steady part, duration_s long, at fs_hz. 0 or -1 (memory). */
int sim_roar_make(sim_roar *r, double rms_pa, double duration_s, double fs_hz, sim_rng *rng);
void sim_roar_free(sim_roar *r);

/* x[j] += gain * roar(j - delay) for j in [0, nx), delay in samples of x
 * (fractional). Touches only j > delay - SIM_ROAR_TAPS_HALF. */
void sim_roar_add(const sim_roar *r, double gain, double delay, double *x, size_t nx);

#endif
