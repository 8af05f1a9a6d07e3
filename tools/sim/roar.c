/* Rocket motor roar: white noise shaped by a 60 Hz high-pass and a 3 kHz
 * low-pass (second-order Butterworth sections, bilinear transform as in
 * R. Bristow-Johnson's Audio EQ Cookbook), a broad hump like the measured
 * spectra of small solid motors after a few hundred metres; the envelope
 * rises over 0.15 s and falls over 0.4 s (raised cosines), so a delay in
 * any domain leaks nothing ahead of the sound. */
#include "roar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simconst.h"

void sim_biquad_set(sim_biquad *q, double f_hz, double fs_hz, int highpass)
{
    double w = 2.0 * SIM_PI * f_hz / fs_hz, alpha = sin(w) / (2.0 * sqrt(0.5));
    double cw = cos(w), a0 = 1.0 + alpha;
    double k = highpass ? (1.0 + cw) / 2.0 : (1.0 - cw) / 2.0;
    q->b0 = k / a0;
    q->b1 = (highpass ? -2.0 * k : 2.0 * k) / a0;
    q->b2 = k / a0;
    q->a1 = -2.0 * cw / a0;
    q->a2 = (1.0 - alpha) / a0;
    q->z1 = q->z2 = 0.0;
}

double sim_biquad_run(sim_biquad *q, double x)
{
    double y = q->b0 * x + q->z1;
    q->z1 = q->b1 * x - q->a1 * y + q->z2;
    q->z2 = q->b2 * x - q->a2 * y;
    return y;
}

static double envelope(double t, double duration)
{
    const double attack = 0.15, release = 0.4;
    if (t < attack)
        return 0.5 - 0.5 * cos(SIM_PI * t / attack);
    if (t > duration - release)
        return 0.5 + 0.5 * cos(SIM_PI * (t - (duration - release)) / release);
    return 1.0;
}

int sim_roar_make(sim_roar *r, double rms_pa, double duration_s, double fs_hz, sim_rng *rng)
{
    memset(r, 0, sizeof *r);
    r->start_s = 0.03;
    r->n = (size_t)ceil(duration_s * fs_hz);
    r->p = malloc(r->n * sizeof *r->p);
    if (r->p == NULL)
        return -1;
    sim_biquad hp, lp;
    sim_biquad_set(&hp, 60.0, fs_hz, 1);
    sim_biquad_set(&lp, fs_hz > 8000.0 ? 3000.0 : 0.35 * fs_hz, fs_hz, 0);
    size_t warm = (size_t)(0.2 * fs_hz); /* let the filters settle */
    for (size_t i = 0; i < warm; i++)
        sim_biquad_run(&lp, sim_biquad_run(&hp, sim_rng_normal(rng)));
    double sum2 = 0.0;
    size_t n2 = 0;
    for (size_t i = 0; i < r->n; i++) {
        double t = (double)i / fs_hz, e = envelope(t, duration_s);
        double v = sim_biquad_run(&lp, sim_biquad_run(&hp, sim_rng_normal(rng)));
        r->p[i] = v * e;
        if (e == 1.0) {
            sum2 += v * v;
            n2++;
        }
    }
    double scale = n2 > 0 && sum2 > 0.0 ? rms_pa / sqrt(sum2 / (double)n2) : 0.0;
    for (size_t i = 0; i < r->n; i++)
        r->p[i] *= scale;
    return 0;
}

void sim_roar_free(sim_roar *r)
{
    free(r->p);
    r->p = NULL;
    r->n = 0;
}

/* Blackman-windowed sinc, normalised to unit DC gain. */
static void kernel(double frac, double taps[2 * SIM_ROAR_TAPS_HALF])
{
    const int q = SIM_ROAR_TAPS_HALF;
    double sum = 0.0;
    for (int j = -q + 1; j <= q; j++) {
        double x = frac - (double)j;
        double s = fabs(x) < 1e-12 ? 1.0 : sin(SIM_PI * x) / (SIM_PI * x);
        double w = 0.42 + 0.5 * cos(SIM_PI * x / q) + 0.08 * cos(2.0 * SIM_PI * x / q);
        taps[j + q - 1] = s * w;
        sum += s * w;
    }
    for (int i = 0; i < 2 * q; i++)
        taps[i] /= sum;
}

void sim_roar_add(const sim_roar *r, double gain, double delay, double *x, size_t nx)
{
    const int q = SIM_ROAR_TAPS_HALF;
    /* x[j] = roar(u), u = j - delay = k0 + frac, taps over k = k0 + i. */
    double base = floor(delay);
    double frac = base + 1.0 - delay; /* u = (j - base - 1) + frac */
    if (frac >= 1.0) {
        frac -= 1.0;
        base -= 1.0;
    }
    double taps[2 * SIM_ROAR_TAPS_HALF];
    kernel(frac, taps);
    long long j_lo = (long long)base + 1 - q, j_hi = (long long)base + 1 + (long long)r->n + q;
    if (j_lo < 0)
        j_lo = 0;
    if (j_hi > (long long)nx)
        j_hi = (long long)nx;
    for (long long j = j_lo; j < j_hi; j++) {
        long long k0 = j - (long long)base - 1;
        double acc = 0.0;
        for (int i = -q + 1; i <= q; i++) {
            long long k = k0 + i;
            if (k >= 0 && k < (long long)r->n)
                acc += taps[i + q - 1] * r->p[k];
        }
        x[j] += gain * acc;
    }
}
