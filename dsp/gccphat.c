/* GCC-PHAT delay estimation between two equal-length windows.
 *
 * Design (see include/earshot/gccphat.h for the contract):
 * - FFT size 2 * window_len with the second half zero, so the correlation is
 *   the linear (not circular) one for every lag |n| < window_len.
 * - Cross-spectrum G_k = conj(A_k) B_k: its inverse transform peaks at the
 *   lag by which b lags a (b(t) ~ a(t - lag)  ->  positive lag).
 * - Weight W_k = taper_k / (D_k + eps)^beta, PHAT-beta on a local level
 *   rather than on each bin alone: with S_k the mean |G| over +-47 Hz,
 *   D_k = S_k where |G_k| <= S_k and D_k = |G_k|^2 / S_k where it stands out.
 *   The spectral envelope is whitened as by PHAT, but a random dip of |G|
 *   (whose phase is mostly noise) is not raised to full weight, and a line
 *   standing out of its neighbourhood (generator hum) is weighted down by
 *   its prominence instead of being whitened to full weight.
 *   eps = 1e-3 times the mean |G| in the band keeps silent bins at zero.
 *   Measured (with the time taper below) against plain per-bin PHAT with
 *   no taper, 4096 samples at 48 kHz: impulse under 10 hum lines 0 / 5 dB
 *   above its mean power, rms error 0.044 / 0.078 -> 0.032 / 0.040 sample;
 *   30-2000 Hz noise delayed by 101.8 samples, worst of 20 signals
 *   0.21 -> 0.07 sample; an impulse in white noise unchanged (within
 *   1.2 x the Cramer-Rao bound).
 * - Spectral taper: a raised-cosine roll-in over [f_lo, 1.5 f_lo] and
 *   roll-off over [0.8 f_hi, f_hi]; it lowers the correlation's side lobes
 *   (ringing of a hard band edge) without biasing the delay.
 * - Time taper: Tukey, cosine ramps over the first and last 5 % of each
 *   window (205 samples at 4096). It cuts the leakage of hum lines and the
 *   weight of the unpaired samples at the window edges (noise-like signals
 *   with a large lag). Price: a transient whose onset lies inside a ramp is
 *   weighted unevenly, biasing the lag by up to ~0.5 sample; with the
 *   engine's snippets (onset ~1024 samples in) that needs a residual lag
 *   below -800 samples.
 * - Sub-sample peak: Newton iterations on the continuous band-limited
 *   correlation R(tau) = sum_k c_k Re(G~_k exp(j 2 pi k tau / M)) from the
 *   integer peak (exact for the model, no parabolic bias).
 * - peak = R(tau) / sum_k c_k |G~_k|: by the triangle inequality <= 1, and 1
 *   when the weighted cross-spectrum is a pure phase ramp (identical or
 *   purely delayed inputs).
 * Plans are made with FFTW_ESTIMATE at create (the FFTW planner is not
 * thread-safe: create objects from one thread at a time). */
#include "earshot/gccphat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gccphat_internal.h"

/* Raised-cosine band weight of frequency f_hz. */
static double band_taper(double f_hz, double f_lo, double f_hi, double w_lo,
                         double w_hi)
{
    if (f_hz < f_lo || f_hz > f_hi)
        return 0.0;
    if (w_lo > 0.0 && f_hz < f_lo + w_lo)
        return 0.5 * (1.0 - cos(ES_PI * (f_hz - f_lo) / w_lo));
    if (w_hi > 0.0 && f_hz > f_hi - w_hi)
        return 0.5 * (1.0 - cos(ES_PI * (f_hi - f_hz) / w_hi));
    return 1.0;
}

/* Fills taper[] and the band's bin range; returns the count of bins with a
 * nonzero weight. */
static size_t build_taper(es_gccphat g, const es_gccphat_config *cfg)
{
    double w_lo = GCC_TAPER_LO_FRAC * cfg->f_lo_hz;
    double w_hi = GCC_TAPER_HI_FRAC * cfg->f_hi_hz;
    double span = cfg->f_hi_hz - cfg->f_lo_hz;
    if (w_lo + w_hi > span) { /* narrow band: shrink both roll-offs */
        double scale = span / (w_lo + w_hi);
        w_lo *= scale;
        w_hi *= scale;
    }
    size_t count = 0;
    g->k_lo = g->nbins;
    g->k_hi = 0;
    for (size_t k = 0; k < g->nbins; k++) {
        double f_hz = (double)k * cfg->sample_rate_hz / (double)g->m;
        g->taper[k] = band_taper(f_hz, cfg->f_lo_hz, cfg->f_hi_hz, w_lo, w_hi);
        if (g->taper[k] > 0.0) {
            if (k < g->k_lo)
                g->k_lo = k;
            g->k_hi = k;
            count++;
        }
    }
    return count;
}

/* Tukey window: cosine ramps over GCC_TIME_TAPER_FRAC of each end. */
static void build_time_taper(es_gccphat g)
{
    size_t ramp = (size_t)lround(GCC_TIME_TAPER_FRAC * (double)g->n);
    for (size_t i = 0; i < g->n; i++) {
        size_t from_edge = i < g->n - 1 - i ? i : g->n - 1 - i;
        double w = 1.0;
        if (from_edge < ramp)
            w = 0.5 * (1.0 - cos(ES_PI * ((double)from_edge + 0.5) / (double)ramp));
        g->window[i] = (float)w;
    }
}

static int validate_config(const es_gccphat_config *cfg, es_error *err)
{
    if (cfg == NULL)
        return es_error_set(err, ES_EINVAL, "gccphat: config is NULL");
    if (cfg->window_len < GCC_MIN_WINDOW || cfg->window_len > GCC_MAX_WINDOW)
        return es_error_set(err, ES_EINVAL,
                            "gccphat: window_len %zu outside [%d, %zu]",
                            cfg->window_len, GCC_MIN_WINDOW, GCC_MAX_WINDOW);
    if (!isfinite(cfg->sample_rate_hz) || cfg->sample_rate_hz <= 0.0)
        return es_error_set(err, ES_EINVAL, "gccphat: sample_rate_hz %g is not positive",
                            cfg->sample_rate_hz);
    double nyquist = 0.5 * cfg->sample_rate_hz;
    if (!isfinite(cfg->f_lo_hz) || !isfinite(cfg->f_hi_hz) || cfg->f_lo_hz < 0.0 ||
        cfg->f_hi_hz <= cfg->f_lo_hz || cfg->f_hi_hz > nyquist)
        return es_error_set(err, ES_EINVAL,
                            "gccphat: band %g..%g Hz is not within 0..%g Hz with f_lo < f_hi",
                            cfg->f_lo_hz, cfg->f_hi_hz, nyquist);
    if (!(cfg->near_peak_ratio >= 0.0 && cfg->near_peak_ratio <= 1.0))
        return es_error_set(err, ES_EINVAL, "gccphat: near_peak_ratio %g is outside 0..1",
                            cfg->near_peak_ratio);
    if (cfg->near_peak_ratio > 0.0 && !(cfg->near_window_samples > 0.0))
        return es_error_set(err, ES_EINVAL, "gccphat: near_window_samples %g must be positive",
                            cfg->near_window_samples);
    if (cfg->noise_len != 0 && (cfg->noise_len < 64 || cfg->noise_len > cfg->window_len / 2))
        return es_error_set(err, ES_EINVAL, "gccphat: noise_len %zu is not 0 or in [64, %zu]",
                            cfg->noise_len, cfg->window_len / 2);
    if (!(cfg->phat_beta >= 0.0 && cfg->phat_beta <= 1.0))
        return es_error_set(err, ES_EINVAL, "gccphat: phat_beta %g is not in [0, 1]",
                            cfg->phat_beta);
    return ES_OK;
}

static int alloc_buffers(es_gccphat g)
{
    g->in_a = fftwf_malloc(sizeof(float) * g->m);
    g->in_b = fftwf_malloc(sizeof(float) * g->m);
    g->corr = fftwf_malloc(sizeof(float) * g->m);
    g->spec_a = fftwf_malloc(sizeof(fftwf_complex) * g->nbins);
    g->spec_b = fftwf_malloc(sizeof(fftwf_complex) * g->nbins);
    g->xspec = fftwf_malloc(sizeof(fftwf_complex) * g->nbins);
    g->taper = calloc(g->nbins, sizeof(double));
    g->window = calloc(g->n, sizeof(float));
    g->g_re = calloc(g->nbins, sizeof(double));
    g->g_im = calloc(g->nbins, sizeof(double));
    g->mag = calloc(g->nbins, sizeof(double));
    g->level = calloc(g->nbins, sizeof(double));
    if (!g->in_a || !g->in_b || !g->corr || !g->spec_a || !g->spec_b || !g->xspec ||
        !g->taper || !g->window || !g->g_re || !g->g_im || !g->mag || !g->level)
        return ES_ENOMEM;
    memset(g->in_a, 0, sizeof(float) * g->m);
    memset(g->in_b, 0, sizeof(float) * g->m);
    return ES_OK;
}

static int make_plans(es_gccphat g)
{
    int m = (int)g->m;
    g->plan_a = fftwf_plan_dft_r2c_1d(m, g->in_a, g->spec_a, FFTW_ESTIMATE);
    g->plan_b = fftwf_plan_dft_r2c_1d(m, g->in_b, g->spec_b, FFTW_ESTIMATE);
    g->plan_inv = fftwf_plan_dft_c2r_1d(m, g->xspec, g->corr, FFTW_ESTIMATE);
    return (g->plan_a && g->plan_b && g->plan_inv) ? ES_OK : ES_ENOMEM;
}

es_gccphat es_gccphat_create(const es_gccphat_config *cfg, es_error *err)
{
    if (validate_config(cfg, err) != ES_OK)
        return NULL;
    es_gccphat g = calloc(1, sizeof *g);
    if (g == NULL) {
        es_error_set(err, ES_ENOMEM, "gccphat: out of memory");
        return NULL;
    }
    g->n = cfg->window_len;
    g->m = 2 * cfg->window_len;
    g->nbins = g->m / 2 + 1;
    g->beta = cfg->phat_beta;
    g->near_peak_ratio = cfg->near_peak_ratio;
    g->near_window = cfg->near_window_samples;
    g->min_lobe_samples = 0.5 * cfg->sample_rate_hz / cfg->f_hi_hz;
    double bin_hz = cfg->sample_rate_hz / (double)g->m;
    g->level_half_bins = (size_t)lround(GCC_LEVEL_HALF_HZ / bin_hz);
    if (g->level_half_bins < GCC_LEVEL_MIN_BINS)
        g->level_half_bins = GCC_LEVEL_MIN_BINS;
    if (alloc_buffers(g) != ES_OK || make_plans(g) != ES_OK) {
        es_error_set(err, ES_ENOMEM, "gccphat: out of memory for %zu-point FFTs", g->m);
        es_gccphat_destroy(&g);
        return NULL;
    }
    build_time_taper(g);
    if (cfg->noise_len > 0 && gcc_noise_init(g, cfg->noise_len) != ES_OK) {
        es_error_set(err, ES_ENOMEM, "gccphat: out of memory for the noise estimate");
        es_gccphat_destroy(&g);
        return NULL;
    }
    if (build_taper(g, cfg) < 4) {
        es_error_set(err, ES_EINVAL,
                     "gccphat: band %g..%g Hz holds fewer than 4 bins of %g Hz",
                     cfg->f_lo_hz, cfg->f_hi_hz, cfg->sample_rate_hz / (double)g->m);
        es_gccphat_destroy(&g);
        return NULL;
    }
    return g;
}

void es_gccphat_destroy(es_gccphat *gp)
{
    if (gp == NULL || *gp == NULL)
        return;
    es_gccphat g = *gp;
    if (g->plan_a)
        fftwf_destroy_plan(g->plan_a);
    if (g->plan_b)
        fftwf_destroy_plan(g->plan_b);
    if (g->plan_inv)
        fftwf_destroy_plan(g->plan_inv);
    fftwf_free(g->in_a);
    fftwf_free(g->in_b);
    fftwf_free(g->corr);
    fftwf_free(g->spec_a);
    fftwf_free(g->spec_b);
    fftwf_free(g->xspec);
    free(g->taper);
    free(g->window);
    free(g->g_re);
    free(g->g_im);
    free(g->mag);
    free(g->level);
    gcc_noise_free(g);
    free(g);
    *gp = NULL;
}

/* Tapers a window into the first half of an FFT input; returns 0 if a
 * sample is not finite. */
static int load_window(float *dst, const float *src, const float *window, size_t n)
{
    int finite = 1;
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i] * window[i];
        finite &= isfinite(src[i]) ? 1 : 0;
    }
    return finite;
}

/* Bin multiplicity in the real inverse transform: DC and Nyquist once,
 * every other bin twice (itself and its conjugate). */
static double bin_mult(const es_gccphat g, size_t k)
{
    return (k == 0 || k == g->m / 2) ? 1.0 : 2.0;
}

static double phat_weight(double mag, double eps, double beta)
{
    if (beta == 1.0)
        return 1.0 / (mag + eps);
    if (beta == 0.0)
        return 1.0;
    if (beta == 0.5)
        return 1.0 / sqrt(mag + eps);
    return exp(-beta * log(mag + eps));
}

void gcc_smooth_band(const struct es_gccphat_s *g, const double *x, double *y, size_t half)
{
    double sum = 0.0;
    size_t lo = g->k_lo, hi = g->k_lo; /* current window [lo, hi), a running sum */
    for (size_t k = g->k_lo; k <= g->k_hi; k++) {
        size_t want_hi = k + half + 1 <= g->k_hi + 1 ? k + half + 1 : g->k_hi + 1;
        size_t want_lo = k >= g->k_lo + half ? k - half : g->k_lo;
        for (; hi < want_hi; hi++)
            sum += x[hi];
        for (; lo < want_lo; lo++)
            sum -= x[lo];
        y[k] = fmax(sum, 0.0) / (double)(hi - lo);
    }
}

/* level[k] = mean of mag[] over the bins within level_half_bins of k that
 * lie in the band. */
static void local_level(es_gccphat g)
{
    gcc_smooth_band(g, g->mag, g->level, g->level_half_bins);
}

/* The denominator D_k of the weight (see the file comment). */
static double weight_base(double mag, double level)
{
    if (mag <= level)
        return level;
    return mag * (mag / level);
}

/* Weighted cross-spectrum into g_re/g_im and xspec; returns the
 * normalisation sum_k c_k |G~_k| (0 for silence). */
static double weight_cross_spectrum(es_gccphat g)
{
    double mag_sum = 0.0;
    size_t n_band = 0;
    for (size_t k = g->k_lo; k <= g->k_hi; k++) {
        double ar = g->spec_a[k][0], ai = g->spec_a[k][1];
        double br = g->spec_b[k][0], bi = g->spec_b[k][1];
        g->g_re[k] = ar * br + ai * bi;   /* conj(A) B */
        g->g_im[k] = ar * bi - ai * br;
        g->mag[k] = sqrt(g->g_re[k] * g->g_re[k] + g->g_im[k] * g->g_im[k]);
        mag_sum += g->mag[k];
        n_band++;
    }
    memset(g->xspec, 0, sizeof(fftwf_complex) * g->nbins);
    if (!(mag_sum > 0.0))
        return 0.0;
    double eps = GCC_REGULARISER * mag_sum / (double)n_band;
    double norm = 0.0;
    local_level(g);
    for (size_t k = g->k_lo; k <= g->k_hi; k++) {
        double base = g->mag[k] > 0.0 ? weight_base(g->mag[k], g->level[k]) : 0.0;
        double w = g->taper[k] * phat_weight(base, eps, g->beta);
        if (g->noise_len > 0)
            w *= g->snr_w[k];
        g->g_re[k] *= w;
        g->g_im[k] *= w;
        norm += bin_mult(g, k) * g->mag[k] * w;
        g->xspec[k][0] = (float)g->g_re[k];
        g->xspec[k][1] = (float)g->g_im[k];
    }
    return norm;
}

/* Correlation sample at integer lag (negative lags wrap to the end). */
static double corr_at(const es_gccphat g, long lag)
{
    long m = (long)g->m;
    return g->corr[((lag % m) + m) % m];
}

/* R(tau) and its first two derivatives from the weighted cross-spectrum,
 * with the phasor advanced by a rotation per bin (no trig in the loop). */
static void continuous_corr(const es_gccphat g, double tau, double *r, double *r1,
                            double *r2)
{
    double step = 2.0 * ES_PI * tau / (double)g->m;
    double zr = cos(step * (double)g->k_lo), zi = sin(step * (double)g->k_lo);
    double rot_r = cos(step), rot_i = sin(step);
    double s0 = 0.0, s1 = 0.0, s2 = 0.0;
    for (size_t k = g->k_lo; k <= g->k_hi; k++) {
        double omega = 2.0 * ES_PI * (double)k / (double)g->m;
        double c = bin_mult(g, k);
        double re = g->g_re[k] * zr - g->g_im[k] * zi;  /* Re(G z) */
        double im = g->g_re[k] * zi + g->g_im[k] * zr;  /* Im(G z) */
        s0 += c * re;
        s1 -= c * omega * im;
        s2 -= c * omega * omega * re;
        double nr = zr * rot_r - zi * rot_i;
        zi = zr * rot_i + zi * rot_r;
        zr = nr;
    }
    *r = s0;
    *r1 = s1;
    *r2 = s2;
}

/* Parabola through the integer peak and its neighbours: the fallback when
 * Newton cannot proceed (flat or non-concave model). */
static double parabolic_offset(const es_gccphat g, long n0)
{
    double ym = corr_at(g, n0 - 1), y0 = corr_at(g, n0), yp = corr_at(g, n0 + 1);
    double den = ym - 2.0 * y0 + yp;
    if (!(den < 0.0))
        return 0.0;
    double off = 0.5 * (ym - yp) / den;
    return fmax(-0.5, fmin(0.5, off));
}

/* Newton's method on R'(tau) = 0 from the integer peak n0, kept within one
 * sample of it. */
static double refine_peak(const es_gccphat g, long n0)
{
    double tau = (double)n0;
    for (int it = 0; it < GCC_NEWTON_ITERS; it++) {
        double r, r1, r2;
        continuous_corr(g, tau, &r, &r1, &r2);
        if (!(r2 < 0.0))
            return (double)n0 + parabolic_offset(g, n0);
        double step = -r1 / r2;
        if (fabs(tau + step - (double)n0) > 1.0)
            return (double)n0 + parabolic_offset(g, n0);
        tau += step;
        if (fabs(step) < GCC_NEWTON_TOL)
            break;
    }
    return tau;
}

/* Integer argmax of the correlation within |lag| <= gate; with
 * near_peak_ratio, see es_gccphat_config. */
static long integer_peak(const es_gccphat g, long gate)
{
    long best = 0;
    double best_v = corr_at(g, 0);
    for (long lag = -gate; lag <= gate; lag++) {
        double v = corr_at(g, lag);
        if (v > best_v) {
            best_v = v;
            best = lag;
        }
    }
    long near = (long)floor(g->near_window);
    if (!(g->near_peak_ratio > 0.0) || !(best_v > 0.0) || labs(best) <= near)
        return best;
    double floor_v = g->near_peak_ratio * best_v;
    for (long d = 0; d <= near && d <= gate; d++) {
        for (int side = -1; side <= 1; side += 2) {
            long lag = side * d;
            double v = corr_at(g, lag);
            if (v >= floor_v && v >= corr_at(g, lag - 1) && v >= corr_at(g, lag + 1))
                return lag;
        }
    }
    return best;
}

/* Distance from n0 to the first local minimum in direction dir (+1/-1). */
static long lobe_extent(const es_gccphat g, long n0, long dir, long limit)
{
    long d = 0;
    while (d < limit && corr_at(g, n0 + dir * (d + 1)) < corr_at(g, n0 + dir * d))
        d++;
    return d;
}

/* Peak over the largest correlation value outside the main lobe, within
 * the gate; capped so that an empty or negative side region stays finite. */
static double side_ratio(const es_gccphat g, long n0, long gate)
{
    long min_lobe = (long)ceil(g->min_lobe_samples);
    long right = lobe_extent(g, n0, +1, 2 * gate + 1);
    long left = lobe_extent(g, n0, -1, 2 * gate + 1);
    right = right > min_lobe ? right : min_lobe;
    left = left > min_lobe ? left : min_lobe;
    double peak = corr_at(g, n0);
    double side = peak / GCC_MAX_PEAK_TO_SIDE;
    for (long lag = -gate; lag <= gate; lag++) {
        if (lag >= n0 - left && lag <= n0 + right)
            continue;
        double v = corr_at(g, lag);
        if (v > side)
            side = v;
    }
    return peak / side;
}

int es_gccphat_execute(es_gccphat g, const float *a, const float *b,
                       double max_lag_samples, es_gccphat_result *out)
{
    if (g == NULL || a == NULL || b == NULL || out == NULL || !(max_lag_samples >= 0.0))
        return ES_EINVAL;
    if (!load_window(g->in_a, a, g->window, g->n) || !load_window(g->in_b, b, g->window, g->n))
        return ES_EINVAL;
    /* Lags beyond n - 1 do not exist in a linear correlation of n samples. */
    long gate = (long)fmin(floor(max_lag_samples), (double)(g->n - 1));
    fftwf_execute(g->plan_a);
    fftwf_execute(g->plan_b);
    if (g->noise_len > 0)
        gcc_noise_weights(g, a, b);
    double norm = weight_cross_spectrum(g);
    if (!(norm > 0.0) || !isfinite(norm))
        return ES_ERANGE;
    fftwf_execute(g->plan_inv);
    long n0 = integer_peak(g, gate);
    double v0 = corr_at(g, n0);
    /* A maximum at the gate edge that still rises outwards is the flank of
     * a peak outside the gate, not a peak. */
    if (!(v0 > 0.0) || (n0 == gate && corr_at(g, n0 + 1) > v0) ||
        (n0 == -gate && corr_at(g, n0 - 1) > v0))
        return ES_ERANGE;
    double tau = refine_peak(g, n0);
    if (fabs(tau) > max_lag_samples)
        return ES_ERANGE;
    double r, r1, r2;
    continuous_corr(g, tau, &r, &r1, &r2);
    out->lag_samples = tau;
    out->peak = fmax(0.0, fmin(1.0, r / norm));
    out->peak_to_side = side_ratio(g, n0, gate);
    return ES_OK;
}
