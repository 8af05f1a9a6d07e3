/* The onset detector on signals whose onsets are known by construction:
 * impulses placed at chosen samples in Gaussian noise, with hum, gusts and
 * a sustained roar as distractors. */
#include <stdlib.h>
#include <string.h>

#include "../dsp/check.h"
#include "earshot/detector.h"

#define FS 48000.0
#define MAX_ONSETS 32

typedef struct {
    float *x;
    size_t n;
} signal_buf;

static signal_buf make_noise(double seconds, double rms, unsigned long long seed)
{
    signal_buf s = {.n = (size_t)(seconds * FS)};
    s.x = calloc(s.n, sizeof *s.x);
    test_rng r = {.s = seed};
    for (size_t i = 0; i < s.n; i++)
        s.x[i] = (float)(rms * test_gauss(&r));
    return s;
}

/* A damped 250 Hz burst: starts at exactly `at` (zero before it). */
static void add_burst(signal_buf *s, size_t at, double amplitude)
{
    for (size_t i = 0; at + i < s->n && i < (size_t)(0.08 * FS); i++) {
        double t = (double)i / FS;
        s->x[at + i] += (float)(amplitude * sin(2.0 * M_PI * 250.0 * t) * exp(-t / 0.015));
    }
}

static size_t detect(const signal_buf *s, es_onset *onsets, size_t block)
{
    es_detector_config cfg = {.sensor = 3, .sample_rate_hz = FS};
    es_detector d = es_detector_create(&cfg, NULL);
    if (d == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < s->n; i += block) {
        size_t len = s->n - i < block ? s->n - i : block;
        n += es_detector_execute(d, s->x + i, len, (int64_t)i, onsets + n, MAX_ONSETS - n);
    }
    n += es_detector_flush(d, onsets + n, MAX_ONSETS - n);
    es_detector_destroy(&d);
    return n;
}

static es_onset onsets[MAX_ONSETS];

static void test_single_impulse(size_t block)
{
    signal_buf s = make_noise(6.0, 1e-3, 1);
    size_t at = 144001; /* 3 s + 1 sample */
    add_burst(&s, at, 0.1);
    size_t n = detect(&s, onsets, block);
    CHECK(n == 1, "block %zu: one impulse gives %zu onsets", block, n);
    if (n >= 1) {
        CHECK(llabs(onsets[0].frame - (int64_t)at) <= 24, "onset at %lld, truth %zu",
              (long long)onsets[0].frame, at);
        CHECK(onsets[0].sensor == 3, "sensor index carried");
        CHECK(onsets[0].snippet_frame == onsets[0].frame - ES_SNIPPET_PRE, "snippet start");
        int same = 1;
        for (int i = 0; i < ES_SNIPPET_LEN; i++)
            same &= onsets[0].snippet[i] == s.x[onsets[0].snippet_frame + i];
        CHECK(same, "snippet holds the input samples");
        CHECK(onsets[0].snr_db > 30.0, "snr %.1f dB", onsets[0].snr_db);
        CHECK_NEAR(onsets[0].noise_dbfs, -60.0, 1.5, "noise level dBFS");
    }
    free(s.x);
}

static void test_hum_and_gust_are_quiet(void)
{
    signal_buf s = make_noise(10.0, 1e-3, 2);
    for (size_t i = 0; i < s.n; i++) {
        double t = (double)i / FS;
        /* Strong steady 50 Hz hum and harmonics. */
        s.x[i] += (float)(0.05 * sin(2 * M_PI * 50 * t) + 0.02 * sin(2 * M_PI * 150 * t));
        /* A gust: the noise rises 12 dB over 2 s from t = 4 s, then stays. */
        double gain = t < 4.0 ? 1.0 : (t < 6.0 ? pow(4.0, (t - 4.0) / 2.0) : 4.0);
        s.x[i] *= (float)gain;
    }
    size_t n = detect(&s, onsets, 512);
    CHECK(n == 0, "hum and a slow gust give %zu onsets (want 0)", n);
    free(s.x);
}

static void test_roar_is_one_event(void)
{
    signal_buf s = make_noise(8.0, 1e-3, 3);
    size_t at = (size_t)(2.5 * FS);
    add_burst(&s, at, 0.2);
    /* A 1.5 s motor roar 20 dB over the noise right after the blast. */
    test_rng r = {.s = 99};
    for (size_t i = at + 2000; i < at + 2000 + (size_t)(1.5 * FS); i++)
        s.x[i] += (float)(1e-2 * test_gauss(&r));
    size_t n = detect(&s, onsets, 1024);
    CHECK(n == 1, "blast + roar gives %zu onsets (want 1)", n);
    free(s.x);
}

static void test_two_impulses(void)
{
    signal_buf s = make_noise(6.0, 1e-3, 4);
    add_burst(&s, 96000, 0.05);
    add_burst(&s, 96000 + 48000, 0.05);
    size_t n = detect(&s, onsets, 300);
    CHECK(n == 2, "two impulses 1 s apart give %zu onsets", n);
    if (n == 2) {
        CHECK(llabs(onsets[0].frame - 96000) <= 24, "first at %lld", (long long)onsets[0].frame);
        CHECK(llabs(onsets[1].frame - 144000) <= 24, "second at %lld", (long long)onsets[1].frame);
    }
    free(s.x);
}

static void test_bad_config(void)
{
    es_error err = {{0}};
    es_detector_config cfg = {.sample_rate_hz = 10.0};
    CHECK(es_detector_create(&cfg, &err) == NULL, "absurd rate refused");
    cfg = (es_detector_config){.sample_rate_hz = FS, .sta_s = 1.0, .lta_s = 0.5};
    CHECK(es_detector_create(&cfg, &err) == NULL, "STA longer than LTA refused");
    CHECK(err.msg[0] != '\0', "reason given");
}

int main(void)
{
    test_single_impulse(512);
    test_single_impulse(37);
    test_single_impulse(8192);
    test_hum_and_gust_are_quiet();
    test_roar_is_one_event();
    test_two_impulses();
    test_bad_config();
    return check_report("test_detector");
}
