/* Earshot: generalised cross-correlation with phase transform (GCC-PHAT).
 *
 * Plan once, run many: es_gccphat_create makes the FFTW plans and buffers
 * for one window length; es_gccphat_execute estimates the delay between two
 * windows of that length with sub-sample precision. Nothing allocates after
 * create. Not thread-safe per object (one object per thread). */
#ifndef EARSHOT_GCCPHAT_H
#define EARSHOT_GCCPHAT_H

#include <stddef.h>

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_gccphat_s *es_gccphat;

typedef struct {
    size_t window_len;       /* samples per input window (zero-padded to 2x) */
    double sample_rate_hz;
    double f_lo_hz;          /* band used for the correlation */
    double f_hi_hz;          /* (<= Nyquist) */
    double phat_beta;        /* PHAT exponent in [0,1]: 1 = full whitening */
    /* 0, or the number of leading samples of every window that hold noise
     * only (before the onset). Then each bin is also weighted by
     * SNR_a SNR_b / (1 + SNR_a + SNR_b), the maximum-likelihood (Hannan-
     * Thomson) weight, with both SNRs estimated against that noise: bins
     * where the signal is below the noise stop counting, so a narrow-band
     * blast in a wide band is not drowned by whitened noise. 64..n/2. */
    size_t noise_len;
    /* 0, or: when the highest peak lies more than near_window_samples from
     * lag 0 and a local maximum of at least this fraction of it lies
     * within, that one (the nearest lag 0) is taken. When the windows are
     * aligned on onsets picked at the first arrival (to about a
     * millisecond), lag 0 is what the onsets say; multipath (a ground
     * reflection milliseconds late at a microphone near the source, with
     * the direct pulse clipped) adds a second peak that may be the
     * highest. 0..1. */
    double near_peak_ratio;
    double near_window_samples;  /* > 0 when near_peak_ratio > 0 */
} es_gccphat_config;

typedef struct {
    double lag_samples;      /* b lags a by this much: b(t) ~ a(t - lag) */
    double peak;             /* normalised correlation at the peak, 0..1 */
    double peak_to_side;     /* peak over the largest value outside the main
                                lobe, a confidence in the pick */
} es_gccphat_result;

es_gccphat es_gccphat_create(const es_gccphat_config *cfg, es_error *err);

/* a and b hold window_len samples each. The peak is searched for within
 * |lag| <= max_lag_samples (the physical gate). Returns ES_OK or
 * ES_EINVAL (bad arguments) / ES_ERANGE (no valid peak, e.g. silence). */
int es_gccphat_execute(es_gccphat g, const float *a, const float *b,
                       double max_lag_samples, es_gccphat_result *out);

void es_gccphat_destroy(es_gccphat *g);

#ifdef __cplusplus
}
#endif
#endif
