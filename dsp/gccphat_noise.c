/* Noise-aware GCC weighting (see noise_len in include/earshot/gccphat.h).
 *
 * PHAT gives every bin of the band the same weight, which is right when
 * the signal covers the band and wrong when a distant blast, stripped of
 * its high frequencies by kilometres of air, fills only a small part of
 * it: the whitened noise bins then dominate the correlation. The leading
 * noise_len samples of each window precede the onset, so they measure the
 * noise each sensor had just before; per bin
 *   SNR = smoothed |X|^2 / expected noise power - 1   (>= 0)
 * and the bin's weight is multiplied by SNR_a SNR_b / (1 + SNR_a + SNR_b),
 * the Hannan-Thomson maximum-likelihood weight |gamma|^2 / (1 - |gamma|^2)
 * written with the two SNRs. Powers are smoothed over the same +-47 Hz as
 * the PHAT level, which is also about the resolution a ~1000-sample noise
 * segment has. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gccphat_internal.h"

int gcc_noise_init(es_gccphat g, size_t noise_len)
{
    g->noise_len = noise_len;
    g->noise_in = fftwf_malloc(sizeof(float) * g->m);
    g->noise_spec = fftwf_malloc(sizeof(fftwf_complex) * g->nbins);
    g->noise_a = calloc(g->nbins, sizeof(double));
    g->noise_b = calloc(g->nbins, sizeof(double));
    g->pow_s = calloc(g->nbins, sizeof(double));
    g->snr_w = calloc(g->nbins, sizeof(double));
    if (!g->noise_in || !g->noise_spec || !g->noise_a || !g->noise_b || !g->pow_s || !g->snr_w)
        return ES_ENOMEM;
    memset(g->noise_in, 0, sizeof(float) * g->m);
    g->plan_noise =
        fftwf_plan_dft_r2c_1d((int)g->m, g->noise_in, g->noise_spec, FFTW_ESTIMATE);
    if (g->plan_noise == NULL)
        return ES_ENOMEM;
    g->window_energy = 0.0;
    for (size_t i = 0; i < g->n; i++)
        g->window_energy += (double)g->window[i] * g->window[i];
    return ES_OK;
}

void gcc_noise_free(es_gccphat g)
{
    if (g->plan_noise)
        fftwf_destroy_plan(g->plan_noise);
    fftwf_free(g->noise_in);
    fftwf_free(g->noise_spec);
    free(g->noise_a);
    free(g->noise_b);
    free(g->pow_s);
    free(g->snr_w);
}

/* Expected noise power per bin in a tapered window, from the leading
 * noise_len samples of x (a rectangular segment: E|N_k|^2 = L sigma^2,
 * in the window sum(w^2) sigma^2). */
static void noise_power(es_gccphat g, const float *x, double *out)
{
    for (size_t i = 0; i < g->noise_len; i++)
        g->noise_in[i] = isfinite(x[i]) ? x[i] : 0.0f;
    fftwf_execute(g->plan_noise);
    for (size_t k = g->k_lo; k <= g->k_hi; k++) {
        double re = g->noise_spec[k][0], im = g->noise_spec[k][1];
        g->pow_s[k] = re * re + im * im;
    }
    gcc_smooth_band(g, g->pow_s, out, g->level_half_bins);
    double scale = g->window_energy / (double)g->noise_len;
    for (size_t k = g->k_lo; k <= g->k_hi; k++)
        out[k] *= scale;
}

/* Turns noise[] (expected noise power per bin) into the window's smoothed
 * SNR per bin, in place; snr_w is scratch here. */
static void window_snr(es_gccphat g, const fftwf_complex *spec, double *noise)
{
    for (size_t k = g->k_lo; k <= g->k_hi; k++)
        g->pow_s[k] = (double)spec[k][0] * spec[k][0] + (double)spec[k][1] * spec[k][1];
    gcc_smooth_band(g, g->pow_s, g->snr_w, g->level_half_bins);
    for (size_t k = g->k_lo; k <= g->k_hi; k++)
        noise[k] = noise[k] > 0.0 ? fmax(g->snr_w[k] / noise[k] - 1.0, 0.0) : 0.0;
}

void gcc_noise_weights(es_gccphat g, const float *a, const float *b)
{
    noise_power(g, a, g->noise_a);
    noise_power(g, b, g->noise_b);
    window_snr(g, g->spec_a, g->noise_a);
    window_snr(g, g->spec_b, g->noise_b);
    for (size_t k = g->k_lo; k <= g->k_hi; k++) {
        double sa = g->noise_a[k], sb = g->noise_b[k];
        g->snr_w[k] = sa * sb / (1.0 + sa + sb);
    }
}
