/* Minimum-phase absorption filters by the folded real cepstrum
 * (Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., 13.8). */
#include "absorb.h"

#include <math.h>
#include <stdlib.h>

/* Length of the design grid: long enough that the cepstrum of a smooth
 * log-magnitude does not alias (about a third of a second). */
static size_t design_size(double fs_hz)
{
    size_t n = sim_next_pow2((size_t)(0.34 * fs_hz));
    return n < 1024 ? 1024 : n;
}

static int unit_impulse(sim_filter *out)
{
    out->h = calloc(1, sizeof *out->h);
    if (out->h == NULL)
        return -1;
    out->h[0] = 1.0;
    out->n = 1;
    return 0;
}

/* ln |H(f_k)| on the full FFT grid (even in k). */
static void log_magnitude(const sim_air *a, double fs_hz, double distance_m, sim_cpx *z, size_t n)
{
    for (size_t k = 0; k <= n / 2; k++) {
        double f = (double)k * fs_hz / (double)n;
        double att_db = sim_air_absorption_db_per_m(a, f) * distance_m;
        if (att_db > SIM_ABSORB_FLOOR_DB)
            att_db = SIM_ABSORB_FLOOR_DB;
        double l = -att_db * (log(10.0) / 20.0);
        z[k].re = l;
        z[k].im = 0.0;
        if (k > 0 && k < n / 2) {
            z[n - k].re = l;
            z[n - k].im = 0.0;
        }
    }
}

/* Keeps c[0] and c[n/2], doubles the causal part, drops the anti-causal. */
static void fold_cepstrum(sim_cpx *z, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        double w = (k == 0 || k == n / 2) ? 1.0 : (k < n / 2 ? 2.0 : 0.0);
        z[k].re *= w;
        z[k].im = 0.0;
    }
}

static void complex_exp(sim_cpx *z, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        double m = exp(z[k].re);
        double re = m * cos(z[k].im), im = m * sin(z[k].im);
        z[k].re = re;
        z[k].im = im;
    }
}

/* Shortest length whose cut-off tail holds under 1e-12 of the energy and
 * sums to under 1e-8 (the slow low-frequency tail carries the DC gain). */
static size_t significant_length(const sim_cpx *z, size_t n)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        total += z[i].re * z[i].re;
    double tail_e = 0.0, tail_sum = 0.0;
    size_t len = n;
    while (len > 1) {
        double v = z[len - 1].re;
        if (tail_e + v * v > 1e-12 * total || fabs(tail_sum + v) > 1e-8)
            break;
        tail_e += v * v;
        tail_sum += v;
        len--;
    }
    return len;
}

int sim_absorption_filter(sim_fft_cache *c, const sim_air *a, double fs_hz, double distance_m,
                          sim_filter *out)
{
    out->h = NULL;
    out->n = 0;
    if (!a->absorption || distance_m <= 0.0)
        return unit_impulse(out);
    size_t n = design_size(fs_hz);
    const sim_fft *p = sim_fft_get(c, n);
    sim_cpx *z = malloc(n * sizeof *z);
    if (p == NULL || z == NULL) {
        free(z);
        return -1;
    }
    log_magnitude(a, fs_hz, distance_m, z, n);
    sim_fft_inverse(p, z);         /* real cepstrum */
    fold_cepstrum(z, n);
    sim_fft_forward(p, z);         /* log of the minimum-phase spectrum */
    complex_exp(z, n);
    sim_fft_inverse(p, z);         /* impulse response */
    /* Only the first half can hold the response; the rest is cepstral
     * aliasing, which the energy cut keeps out. */
    size_t len = significant_length(z, n / 2);
    out->h = malloc(len * sizeof *out->h);
    if (out->h == NULL) {
        free(z);
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        out->h[i] = z[i].re;
    out->n = len;
    free(z);
    return 0;
}

double sim_filter_lead_s(const sim_filter *f, double fs_hz)
{
    double moment = 0.0, sum = 0.0;
    for (size_t i = 0; i < f->n; i++) {
        moment += (double)i * f->h[i];
        sum += f->h[i];
    }
    return sum != 0.0 ? moment / sum / fs_hz : 0.0;
}

void sim_filter_free(sim_filter *f)
{
    free(f->h);
    f->h = NULL;
    f->n = 0;
}
