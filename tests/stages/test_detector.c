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

static size_t detect_with(const es_detector_config *cfg, const signal_buf *s,
                          es_onset *onsets, size_t block)
{
    es_detector d = es_detector_create(cfg, NULL);
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

static size_t detect(const signal_buf *s, es_onset *onsets, size_t block)
{
    es_detector_config cfg = {.sensor = 3, .sample_rate_hz = FS};
    return detect_with(&cfg, s, onsets, block);
}

/* Adds noise low-passed by two one-pole sections at fc_hz (wind at a
 * microphone, or a roar whose highs the path absorbed), RMS `rms`, over
 * [from, to), its envelope rising over rise_s as a raised cosine. */
static void add_lowpass_noise(signal_buf *s, size_t from, size_t to, double fc_hz, double rms,
                              double rise_s, unsigned long long seed)
{
    test_rng r = {.s = seed};
    double a = exp(-2.0 * M_PI * fc_hz / FS), l1 = 0.0, l2 = 0.0;
    /* Two one-poles, (1-a)^2 / (1 - a z^-1)^2: output variance
     * (1-a)^4 sum (n+1)^2 a^2n = (1-a)^4 (1+a^2) / (1-a^2)^3 per unit input. */
    double var = pow(1.0 - a, 4.0) * (1.0 + a * a) / pow(1.0 - a * a, 3.0);
    double g = rms / sqrt(var);
    for (size_t i = from; i < to && i < s->n; i++) {
        l1 = a * l1 + (1.0 - a) * test_gauss(&r);
        l2 = a * l2 + (1.0 - a) * l1;
        double t = (double)(i - from) / FS;
        double env = rise_s > 0.0 && t < rise_s ? 0.5 - 0.5 * cos(M_PI * t / rise_s) : 1.0;
        s->x[i] += (float)(g * env * l2);
    }
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
        CHECK_NEAR(onsets[0].background_dbfs, -60.0, 1.5, "background dBFS (a fresh trigger)");
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

/* Onsets within [lo, hi) seconds. */
static size_t count_between(const es_onset *o, size_t n, double lo_s, double hi_s)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += o[i].frame >= lo_s * FS && o[i].frame < hi_s * FS;
    return k;
}

/* Strong wind (RMS 0.3, below ~20 Hz) and a rocket's roar 10 dB under it
 * (white, rising over 0.15 s from t = 4 s): in the whole band the roar
 * lifts the energy by 0.4 dB and no ratio can see it; above 250 Hz the
 * wind is ~40 dB down and the roar stands ~25 dB over what is left. Two
 * bands: the roar is found, its first onset at the start of the rise (a
 * louder onset may follow within the re-trigger time, for association to
 * choose from). The input band alone: nothing near the roar. */
static void test_upper_band_sees_through_wind(void)
{
    signal_buf s = make_noise(8.0, 1e-3, 5);
    add_lowpass_noise(&s, 0, s.n, 20.0, 0.3, 0.0, 55);
    size_t at = (size_t)(4.0 * FS);
    test_rng r = {.s = 56};
    for (size_t i = at; i < at + (size_t)(1.5 * FS); i++) {
        double t = (double)(i - at) / FS;
        double env = t < 0.15 ? 0.5 - 0.5 * cos(M_PI * t / 0.15) : 1.0;
        s.x[i] += (float)(0.095 * env * test_gauss(&r));
    }
    es_detector_config cfg = {.sensor = 1, .sample_rate_hz = FS};
    size_t n = detect_with(&cfg, &s, onsets, 480);
    size_t near = count_between(onsets, n, 3.7, 6.0), first = n;
    for (size_t i = 0; i < n && first == n; i++)
        if (onsets[i].frame >= 3.7 * FS)
            first = i;
    CHECK(near >= 1 && near == count_between(onsets, n, 4.0 - 0.001, 4.0 + 0.1),
          "roar under wind, two bands: %zu onsets near it, all within 0.1 s of its start", near);
    if (first < n)
        CHECK(onsets[first].frame >= (int64_t)at - 48 && onsets[first].frame <= (int64_t)at + 0.06 * FS,
              "first onset %.4f s, roar starts %.4f s (rising over 0.15 s)",
              onsets[first].frame / FS, at / FS);
    cfg.upper_band_lo_hz = -1.0;
    n = detect_with(&cfg, &s, onsets, 480);
    CHECK(count_between(onsets, n, 3.7, 6.0) == 0,
          "roar under wind, input band only: %zu onsets near it (want 0)",
          count_between(onsets, n, 3.7, 6.0));
    free(s.x);
}

/* A far rocket's roar keeps only its lows (60 Hz): 12 dB over the floor
 * for 3 s, its 4 ms energy dipping near zero every few cycles. The event
 * ends on the 0.1 s average, so the roar is one onset (ending it on the
 * 4 ms average gave 6, one per dip after each dead time). */
static void test_narrow_roar_is_one_event(void)
{
    signal_buf s = make_noise(8.0, 1e-3, 6);
    size_t at = (size_t)(3.0 * FS);
    add_lowpass_noise(&s, at, at + (size_t)(3.0 * FS), 60.0, 4e-3, 0.02, 66);
    size_t n = detect(&s, onsets, 1024);
    CHECK(n == 1, "narrow-band roar gives %zu onsets (want 1)", n);
    if (n >= 1)
        CHECK(llabs(onsets[0].frame - (int64_t)at) <= (int64_t)(0.03 * FS),
              "onset %.4f s, roar starts %.4f s", onsets[0].frame / FS, at / FS);
    free(s.x);
}

/* The upper band computed by the caller (an es_condition bank, three
 * channels side by side, as the pipeline runs it) must give the onsets the
 * detector finds computing it itself, to the last bit: bursts, a roar
 * under wind, and a burst at the very end so the flush completes it. */
static void test_bands_from_caller(void)
{
    signal_buf s = make_noise(8.0, 1e-3, 7);
    add_lowpass_noise(&s, 0, s.n, 20.0, 0.05, 0.0, 71);
    add_lowpass_noise(&s, (size_t)(4.0 * FS), s.n, 400.0, 0.02, 0.15, 72);
    add_burst(&s, 48000, 0.05);
    add_burst(&s, 150000, 0.2);
    add_burst(&s, s.n - 300, 0.3);
    es_detector_config cfg = {.sensor = 2, .sample_rate_hz = FS};
    es_onset own[MAX_ONSETS], given[MAX_ONSETS];
    size_t n_own = detect_with(&cfg, &s, own, 480);
    es_condition_config cc;
    CHECK(es_detector_upper_band(&cfg, &cc) == 1, "the default config has an upper band");
    cc.channels = 3;
    es_condition bank = es_condition_create(&cc, NULL);
    es_detector d = es_detector_create(&cfg, NULL);
    float *three = calloc(3 * s.n, sizeof *three), *upper = calloc(3 * s.n, sizeof *upper);
    for (size_t i = 0; i < s.n; i++)
        three[3 * i + 1] = s.x[i];
    const size_t channel[3] = {0, 1, 2};
    es_condition_execute_many(bank, three, 3, channel, upper, s.n, s.n);
    size_t n_given = 0;
    for (size_t i = 0; i < s.n; i += 480) {
        size_t len = s.n - i < 480 ? s.n - i : 480;
        n_given += es_detector_execute_bands(d, s.x + i, upper + s.n + i, len, (int64_t)i,
                                             given + n_given, MAX_ONSETS - n_given);
    }
    n_given += es_detector_flush(d, given + n_given, MAX_ONSETS - n_given);
    CHECK(n_own >= 4 && n_given == n_own, "%zu onsets with the band given, %zu computed here",
          n_given, n_own);
    size_t differ = 0;
    for (size_t k = 0; k < n_own && k < n_given; k++)
        differ += memcmp(&own[k], &given[k], sizeof own[k]) != 0;
    CHECK(differ == 0, "%zu of %zu onsets differ", differ, n_own);
    CHECK(n_own > 0 && own[n_own - 1].frame > (int64_t)s.n - 400, "the last burst is found by the flush");
    free(three);
    free(upper);
    es_condition_destroy(&bank);
    es_detector_destroy(&d);
    free(s.x);
}

/* A supersonic shell's crack: an N-wave (a jump to +amplitude, a straight
 * fall to -amplitude over `length_s`, a jump back to zero) from `at`. */
static void add_n_wave(signal_buf *s, size_t at, double amplitude, double length_s)
{
    size_t len = (size_t)(length_s * FS);
    for (size_t i = 0; i < len && at + i < s->n; i++)
        s->x[at + i] += (float)(amplitude * (1.0 - 2.0 * (double)i / (double)(len - 1)));
}

/* Near a gun the muzzle blast follows the crack by less than the
 * re-trigger time: both are onsets, each where it was placed. What must
 * stay one onset: the crack's echo 12 dB down, and a rocket motor's roar
 * from 30 ms after a short blast, swelling over 60 ms to 6 dB under the
 * blast's peak energy (a level the re-trigger inside an event never fires
 * on; the first impulse is over when the roar starts, and the roar rises
 * 12 dB over the quiet it left: only a rise sudden against the last 20 ms
 * tells it from the blast after a crack). */
static void test_blast_right_after_crack(void)
{
    size_t at = 144001, lead = (size_t)(0.060 * FS);
    signal_buf s = make_noise(6.0, 1e-3, 5);
    add_n_wave(&s, at, 0.3, 0.006);
    add_burst(&s, at + lead, 0.3);
    size_t n = detect(&s, onsets, 512);
    CHECK(n == 2, "crack then blast 60 ms later: %zu onsets (want 2)", n);
    if (n == 2) {
        CHECK(llabs(onsets[0].frame - (int64_t)at) <= 24, "crack at %lld, truth %zu",
              (long long)onsets[0].frame, at);
        CHECK(llabs(onsets[1].frame - (int64_t)(at + lead)) <= 24, "blast at %lld, truth %zu",
              (long long)onsets[1].frame, at + lead);
    }
    free(s.x);

    s = make_noise(6.0, 1e-3, 6);
    add_n_wave(&s, at, 0.3, 0.006);
    add_n_wave(&s, at + lead, 0.3 / 4.0, 0.006);
    n = detect(&s, onsets, 512);
    CHECK(n == 1, "crack and its echo 12 dB down: %zu onsets (want 1)", n);
    free(s.x);

    s = make_noise(6.0, 1e-3, 7);
    add_n_wave(&s, at, 0.3, 0.006);
    add_lowpass_noise(&s, at + (size_t)(0.03 * FS), at + (size_t)(1.5 * FS), 4000.0, 0.09, 0.06, 8);
    n = detect(&s, onsets, 512);
    CHECK(n == 1, "short blast and a swelling roar: %zu onsets (want 1)", n);
    free(s.x);

    /* 12 clicks 83 ms apart (an engine cranking): the second onset of an
     * event comes early once, then the re-trigger time holds: onsets at
     * clicks 0, 1 (early), 3 (249 ms: 166 after the last, past 121), 4
     * (early), 6, 7, 9, 10: 8, each on its click. */
    s = make_noise(6.0, 1e-3, 9);
    size_t period = (size_t)(0.083 * FS);
    for (size_t k = 0; k < 12; k++)
        add_n_wave(&s, at + k * period, 0.3, 0.004);
    n = detect(&s, onsets, 512);
    CHECK(n == 8, "a train of 12 clicks: %zu onsets (want 8)", n);
    for (size_t i = 0; i < n && n == 8; i++) {
        size_t click = 3 * (i / 2) + i % 2;
        CHECK(llabs(onsets[i].frame - (int64_t)(at + click * period)) <= 24,
              "onset %zu at %lld, click %zu at %zu", i, (long long)onsets[i].frame, click,
              at + click * period);
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
    cfg = (es_detector_config){.sample_rate_hz = FS, .upper_band_lo_hz = 30000.0};
    CHECK(es_detector_create(&cfg, &err) == NULL, "upper band above Nyquist refused");
}

int main(void)
{
    test_single_impulse(512);
    test_single_impulse(37);
    test_single_impulse(8192);
    test_hum_and_gust_are_quiet();
    test_roar_is_one_event();
    test_two_impulses();
    test_upper_band_sees_through_wind();
    test_narrow_roar_is_one_event();
    test_bands_from_caller();
    test_blast_right_after_crack();
    test_bad_config();
    return check_report("test_detector");
}
