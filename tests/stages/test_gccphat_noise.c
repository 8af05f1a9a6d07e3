/* GCC with the noise-aware weighting on what a distant blast looks like:
 * a 60 Hz Ricker wavelet (kilometres of air leave little above a few
 * hundred Hz) in white noise, correlated over a 40-2000 Hz band. The true
 * delay is known by construction (the wavelet is evaluated at the shifted
 * time); the weighted estimate must be sub-sample, and better than plain
 * PHAT, whose whitened noise bins swamp the few signal bins. */
#include <stdlib.h>

#include "../dsp/check.h"
#include "earshot/gccphat.h"

#define LEN 4096
#define PRE 1024
#define FS 48000.0

static double ricker(double tau_s, double f_hz)
{
    double a = M_PI * M_PI * f_hz * f_hz * tau_s * tau_s;
    return (1.0 - 2.0 * a) * exp(-a);
}

/* Window whose wavelet starts (centre - 25 ms) at PRE + shift samples. */
static void make_window(float *x, double shift, double noise_rms, test_rng *r)
{
    for (int i = 0; i < LEN; i++) {
        double t = ((double)i - PRE - shift) / FS;
        x[i] = (float)(0.05 * ricker(t - 0.025, 60.0) + noise_rms * test_gauss(r));
    }
}

static double rms_error(size_t noise_len, double noise_rms, int trials)
{
    es_gccphat_config cfg = {.window_len = LEN, .sample_rate_hz = FS, .f_lo_hz = 40.0,
                             .f_hi_hz = 2000.0, .phat_beta = 1.0, .noise_len = noise_len};
    es_gccphat g = es_gccphat_create(&cfg, NULL);
    if (g == NULL)
        return INFINITY;
    static float a[LEN], b[LEN];
    test_rng r = {.s = 777};
    double sum2 = 0.0;
    for (int k = 0; k < trials; k++) {
        double delay = -40.0 + 80.0 * test_uniform(&r); /* samples */
        make_window(a, 0.0, noise_rms, &r);
        make_window(b, delay, noise_rms, &r);
        es_gccphat_result res;
        if (es_gccphat_execute(g, a, b, 480.0, &res) != ES_OK) {
            sum2 += 1e6;
            continue;
        }
        sum2 += (res.lag_samples - delay) * (res.lag_samples - delay);
    }
    es_gccphat_destroy(&g);
    return sqrt(sum2 / trials);
}

int main(void)
{
    double weighted = rms_error(PRE - 128, 2e-3, 40);
    double plain = rms_error(0, 2e-3, 40);
    printf("60 Hz wavelet, noise 2e-3 rms: weighted rms error %.3f samples, plain PHAT %.3f\n",
           weighted, plain);
    CHECK(weighted <= 1.0, "weighted GCC error %.3f samples", weighted);
    CHECK(weighted < 0.5 * plain, "weighting must beat plain PHAT (%.3f vs %.3f)", weighted,
          plain);
    double quiet = rms_error(PRE - 128, 1e-5, 20);
    CHECK(quiet <= 0.05, "nearly noise-free: %.4f samples", quiet);
    es_gccphat_config bad = {.window_len = LEN, .sample_rate_hz = FS, .f_lo_hz = 40.0,
                             .f_hi_hz = 2000.0, .phat_beta = 1.0, .noise_len = LEN};
    CHECK(es_gccphat_create(&bad, NULL) == NULL, "noise_len beyond half the window refused");
    return check_report("test_gccphat_noise");
}
