/* Private to dsp/gccphat*.c: the GCC-PHAT object's state. */
#ifndef EARSHOT_DSP_GCCPHAT_INTERNAL_H
#define EARSHOT_DSP_GCCPHAT_INTERNAL_H

#include <fftw3.h>
#include <stddef.h>

#include "earshot/gccphat.h"

#define ES_PI 3.14159265358979323846
#define GCC_MIN_WINDOW 16
#define GCC_MAX_WINDOW ((size_t)1 << 22)
#define GCC_REGULARISER 1e-3      /* eps relative to the band's mean |G| */
#define GCC_LEVEL_HALF_HZ 47.0    /* half-width of the local |G| level */
#define GCC_LEVEL_MIN_BINS 3      /* ... but at least this many bins */
#define GCC_TAPER_LO_FRAC 0.5     /* roll-in width, fraction of f_lo */
#define GCC_TAPER_HI_FRAC 0.2     /* roll-off width, fraction of f_hi */
#define GCC_TIME_TAPER_FRAC 0.05  /* Tukey ramp length per window end */
#define GCC_NEWTON_ITERS 8
#define GCC_NEWTON_TOL 1e-7       /* samples */
#define GCC_MAX_PEAK_TO_SIDE 1000.0

struct es_gccphat_s {
    size_t n;              /* window length */
    size_t m;              /* FFT size, 2 n */
    size_t nbins;          /* m / 2 + 1 */
    size_t k_lo, k_hi;     /* first and last bin with nonzero taper */
    double beta;
    double near_peak_ratio; /* see es_gccphat_config */
    double near_window;     /* near_window_samples */
    double min_lobe_samples; /* half a period of f_hi: main lobe at least */
    float *in_a, *in_b;    /* m samples, second half zero */
    fftwf_complex *spec_a, *spec_b, *xspec;
    float *corr;           /* m samples of the correlation */
    double *taper;         /* nbins */
    float *window;         /* n: Tukey time taper */
    double *g_re, *g_im;   /* weighted cross-spectrum, nbins */
    double *mag, *level;   /* |G| and its local mean S, nbins */
    size_t level_half_bins;
    fftwf_plan plan_a, plan_b, plan_inv;
    /* Noise-aware weighting (gccphat_noise.c), when noise_len > 0. */
    size_t noise_len;      /* leading samples of each window: noise only */
    float *noise_in;       /* m samples, only the first noise_len nonzero */
    fftwf_complex *noise_spec;
    double *noise_a, *noise_b; /* expected noise power per bin in a window */
    double *pow_s, *snr_w; /* scratch: smoothed power, SNR weight per bin */
    double window_energy;  /* sum of the time taper squared */
    fftwf_plan plan_noise;
};

/* Running mean of x[] over +-half bins within [k_lo, k_hi] into y[]. */
void gcc_smooth_band(const struct es_gccphat_s *g, const double *x, double *y, size_t half);

/* Noise-aware weighting: buffers and plan (create), and per execute the
 * weight of each bin from the two windows' leading noise. */
int gcc_noise_init(es_gccphat g, size_t noise_len);
void gcc_noise_free(es_gccphat g);
void gcc_noise_weights(es_gccphat g, const float *a, const float *b);

#endif
