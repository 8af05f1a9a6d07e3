/* Earshot simulator: a small double-precision radix-2 FFT and FFT
 * convolution. The simulator uses its own transform rather than FFTW so its
 * output does not depend on which SIMD kernels a machine's FFTW picks: the
 * same scenario and seed give the same bits everywhere. */
#ifndef EARSHOT_SIM_FFT_H
#define EARSHOT_SIM_FFT_H

#include <stddef.h>

typedef struct {
    double re, im;
} sim_cpx;

typedef struct sim_fft_s sim_fft;

/* Plans by size, made on first use (one per power of two). */
typedef struct {
    sim_fft *plans[40];
} sim_fft_cache;

size_t sim_next_pow2(size_t n);

/* Plan for n points (a power of two >= 2); NULL when out of memory or n is
 * not a power of two. */
const sim_fft *sim_fft_get(sim_fft_cache *c, size_t n);
void sim_fft_cache_free(sim_fft_cache *c);

/* In place; the inverse is scaled by 1/n. */
void sim_fft_forward(const sim_fft *p, sim_cpx *x);
void sim_fft_inverse(const sim_fft *p, sim_cpx *x);

/* y[0 .. nx + nh - 1) += sum over paths p of (x[p] * h[p]) (linear
 * convolution). One or two paths; x has nx samples per path, h[p] has nh[p]
 * taps. ny is the room in y: the result is cut at ny. Returns 0, or -1 when
 * out of memory. */
int sim_convolve_add(sim_fft_cache *c, int npaths, const double *const x[2], size_t nx,
                     const double *const h[2], const size_t nh[2], double *y, size_t ny);

#endif
