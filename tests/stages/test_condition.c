/* The band-pass against the digital Butterworth magnitude in closed form:
 * with the bilinear transform's frequency warping W(f) = tan(pi f / fs),
 * |H(f)| = 1/sqrt(1 + (W(lo)/W(f))^2n) * 1/sqrt(1 + (W(f)/W(hi))^2n) for
 * the high-pass and low-pass sections of order n. Measured on steady
 * sines. */
#include <liquid/liquid.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/check.h"
#include "earshot/condition.h"

static double measured_gain(double f_hz, double fs, double lo, double hi)
{
    es_condition_config cfg = {.sample_rate_hz = fs, .band_lo_hz = lo, .band_hi_hz = hi,
                               .order = 4};
    es_condition c = es_condition_create(&cfg, NULL);
    if (c == NULL)
        return NAN;
    size_t n = (size_t)(fs * 2.0);
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)sin(2.0 * M_PI * f_hz * (double)i / fs);
    es_condition_execute(c, x, 1, y, n);
    /* Skip the first second of settling, then RMS ratio to the input's. */
    double sy = 0.0, sx = 0.0;
    for (size_t i = n / 2; i < n; i++) {
        sy += (double)y[i] * y[i];
        sx += (double)x[i] * x[i];
    }
    free(x);
    free(y);
    es_condition_destroy(&c);
    CHECK(c == NULL, "destroy must clear the pointer");
    return sqrt(sy / sx);
}

static double butterworth_gain(double f, double lo, double hi, int n, double fs)
{
    double w = tan(M_PI * f / fs), wl = tan(M_PI * lo / fs), wh = tan(M_PI * hi / fs);
    return 1.0 / sqrt(1.0 + pow(wl / w, 2 * n)) / sqrt(1.0 + pow(w / wh, 2 * n));
}

/* The sections run in condition.c's own loop must give liquid-dsp's own
 * iirfilt output to the last bit (the engine's results, and the
 * classifier trained on them, were made with liquid's loop): the
 * high-pass, then the low-pass when hi_hz > 0, on noise with bangs. */
static void test_same_as_liquid(double lo_hz, double hi_hz, unsigned order)
{
    const double fs = 48000.0;
    es_condition_config cfg = {.sample_rate_hz = fs, .band_lo_hz = lo_hz, .band_hi_hz = hi_hz,
                               .order = order};
    es_condition c = es_condition_create(&cfg, NULL);
    iirfilt_rrrf hp = iirfilt_rrrf_create_prototype(LIQUID_IIRDES_BUTTER, LIQUID_IIRDES_HIGHPASS,
                                                    LIQUID_IIRDES_SOS, order,
                                                    (float)(lo_hz / fs), 0.0f, 1.0f, 60.0f);
    iirfilt_rrrf lp = hi_hz > 0.0 ? iirfilt_rrrf_create_prototype(
                                        LIQUID_IIRDES_BUTTER, LIQUID_IIRDES_LOWPASS,
                                        LIQUID_IIRDES_SOS, order, (float)(hi_hz / fs), 0.0f,
                                        1.0f, 60.0f)
                                  : NULL;
    CHECK(c != NULL && hp != NULL, "order %u: filters made", order);
    if (c == NULL || hp == NULL)
        return;
    enum { N = 96000 };
    static float x[N], y[N];
    test_rng r = {order * 1000u + (unsigned)lo_hz};
    for (size_t i = 0; i < N; i++)
        x[i] = (float)(0.01 * test_gauss(&r) + (i % 9600 == 100 ? 0.9 : 0.0));
    es_condition_execute(c, x, 1, y, N);
    size_t differ = 0;
    for (size_t i = 0; i < N; i++) {
        float want;
        iirfilt_rrrf_execute(hp, x[i], &want);
        if (lp != NULL)
            iirfilt_rrrf_execute(lp, want, &want);
        differ += memcmp(&want, &y[i], sizeof want) != 0;
    }
    CHECK(differ == 0, "%.0f-%.0f Hz order %u: %zu of %d samples differ from liquid-dsp's", lo_hz,
          hi_hz, order, differ, (int)N);
    iirfilt_rrrf_destroy(hp);
    if (lp != NULL)
        iirfilt_rrrf_destroy(lp);
    es_condition_destroy(&c);
}

/* A bank filters its channels side by side: every channel's output must
 * be, to the last bit, what a filter of its own gives (the engine's
 * detector saw the single-channel output when its model was trained).
 * Seven channels (a group of four and a partial one), read from a
 * nine-channel interleaved stream in a shuffled order, in blocks of
 * varying length so the state is carried across calls. */
static void test_bank_same_as_single(double lo_hz, double hi_hz)
{
    enum { CH = 7, STRIDE = 9, N = 48000 };
    const size_t map[CH] = {8, 0, 3, 5, 1, 7, 2};
    const double fs = 48000.0;
    es_condition_config cfg = {.sample_rate_hz = fs, .band_lo_hz = lo_hz, .band_hi_hz = hi_hz,
                               .order = 4, .channels = CH};
    es_condition bank = es_condition_create(&cfg, NULL);
    cfg.channels = 0;
    es_condition one[CH];
    for (size_t j = 0; j < CH; j++)
        one[j] = es_condition_create(&cfg, NULL);
    static float x[N * STRIDE], want[CH][N], got[CH * N];
    test_rng r = {4242u + (unsigned)lo_hz};
    for (size_t i = 0; i < N * STRIDE; i++)
        x[i] = (float)(0.02 * test_gauss(&r) + (i % 7919 == 3 ? 0.8 : 0.0));
    for (size_t j = 0; j < CH; j++)
        es_condition_execute(one[j], x + map[j], STRIDE, want[j], N);
    size_t at = 0, len = 1;
    while (at < N) { /* blocks of 1, 2, 4, ... frames */
        size_t n = N - at < len ? N - at : len;
        es_condition_execute_many(bank, x + at * STRIDE, STRIDE, map, got + at, N, n);
        at += n;
        len = len * 2 > 4096 ? 1 : len * 2;
    }
    size_t differ = 0;
    for (size_t j = 0; j < CH; j++)
        for (size_t i = 0; i < N; i++)
            differ += memcmp(&want[j][i], &got[j * N + i], sizeof(float)) != 0;
    CHECK(differ == 0, "bank %.0f-%.0f Hz: %zu of %d samples differ from one filter per channel",
          lo_hz, hi_hz, differ, (int)(CH * N));
    es_condition_destroy(&bank);
    for (size_t j = 0; j < CH; j++)
        es_condition_destroy(&one[j]);
}

int main(void)
{
    test_bank_same_as_single(40.0, 2000.0);
    test_bank_same_as_single(250.0, 0.0);
    test_same_as_liquid(40.0, 2000.0, 4); /* the engine's band */
    test_same_as_liquid(250.0, 0.0, 4);   /* the detector's upper band */
    test_same_as_liquid(20.0, 5000.0, 3);
    test_same_as_liquid(100.0, 0.0, 12);
    const double fs = 48000.0, lo = 40.0, hi = 2000.0;
    const double freqs[] = {10.0, 20.0, 40.0, 80.0, 300.0, 1000.0, 2000.0, 4000.0, 8000.0};
    for (size_t k = 0; k < sizeof freqs / sizeof freqs[0]; k++) {
        double g = measured_gain(freqs[k], fs, lo, hi);
        double want = butterworth_gain(freqs[k], lo, hi, 4, fs);
        double g_db = 20.0 * log10(g), want_db = 20.0 * log10(want);
        /* 0.5 dB where the gain is large; in deep stop bands, within 3 dB. */
        double tol = want_db > -20.0 ? 0.5 : 3.0;
        CHECK(fabs(g_db - want_db) <= tol, "%.0f Hz: gain %.2f dB, Butterworth %.2f dB",
              freqs[k], g_db, want_db);
    }
    /* Bad configs are refused with a reason. */
    es_error err = {{0}};
    es_condition_config bad = {.sample_rate_hz = fs, .band_lo_hz = 100.0, .band_hi_hz = 30000.0};
    CHECK(es_condition_create(&bad, &err) == NULL, "band above Nyquist must be refused");
    CHECK(err.msg[0] != '\0', "a reason must be given");
    bad.band_hi_hz = 50.0;
    CHECK(es_condition_create(&bad, NULL) == NULL, "lo >= hi must be refused");
    bad.band_hi_hz = 2000.0;
    bad.channels = 100000;
    CHECK(es_condition_create(&bad, NULL) == NULL, "an absurd channel count must be refused");
    return check_report("test_condition");
}
