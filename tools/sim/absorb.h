/* Earshot simulator: atmospheric absorption of one path as a causal,
 * minimum-phase FIR filter.
 *
 * The magnitude is the ISO 9613-1 attenuation of the path, 10^(-alpha(f) d
 * / 20); the phase is the minimum phase of that magnitude (real cepstrum,
 * folded). A minimum-phase filter is causal with all its energy as early as
 * a causal filter can have it, the phase that Kramers-Kronig gives a
 * passive absorbing medium referred to its high-frequency wavefront: no
 * energy arrives before the wavefront, and the high frequencies that make a
 * sharp onset are the ones the path removes.
 *
 * The reference matters: the speed of sound of air.c (Cramer 1993) is the
 * low-frequency limit, and a relaxing medium carries higher frequencies
 * faster, never slower. The filter delays its lowest frequencies by its DC
 * group delay (sim_filter_lead_s), so a path's wavefront is placed that
 * much before distance / c: low frequencies then arrive at distance / c,
 * the band a detector uses a hair earlier, as in real air. Referred to
 * distance / c instead, every frequency would travel slower than the air's
 * speed of sound (by 0.02-0.06 m/s over kilometres). */
#ifndef EARSHOT_SIM_ABSORB_H
#define EARSHOT_SIM_ABSORB_H

#include <stddef.h>

#include "air.h"
#include "fft.h"

typedef struct {
    double *h;                 /* h[0] acts at the wavefront's arrival */
    size_t n;
} sim_filter;

/* Attenuation is capped at this many dB, far below 24-bit resolution. */
#define SIM_ABSORB_FLOOR_DB 150.0

/* Designs the filter for a path of distance_m at sample rate fs_hz; without
 * absorption (a->absorption == 0) it is a unit impulse. The response is cut
 * where what is left holds under 1e-12 of the energy and sums to under 1e-8
 * (the DC gain stays 1). Returns 0, or -1 when
 * out of memory. */
int sim_absorption_filter(sim_fft_cache *c, const sim_air *a, double fs_hz, double distance_m,
                          sim_filter *out);

/* The filter's group delay at DC, seconds: sum n h[n] / sum h[n] / fs. */
double sim_filter_lead_s(const sim_filter *f, double fs_hz);

void sim_filter_free(sim_filter *f);

#endif
