/* es_featurizer against signals whose answers are known in closed form:
 *  - a one-cycle pulse (a 4 ms positive half-sine, then a negative one) of
 *    amplitude A from 10 m: sound exposure A^2 x 8 ms / 2 at the sensor,
 *    + 20 lg 10 at 1 m; its positive phase is 4 ms;
 *  - a 500 Hz tone burst from 3 km: the received exposure + 20 lg 3000 +
 *    ISO 9613-1 absorption at 500 Hz over 3 km (2.7 dB/km at 20 C, 50 %);
 *  - the 20 ms before an onset against the detector's background;
 *  - tails in the history: noise 20 dB over the pre-onset noise gives a
 *    tail SNR of 20 dB; steady noise a crest under 7 dB, and one clap in
 *    it too, a clap every 60 ms over 12 dB; the same noise at two sensors (aligned on their onsets) a
 *    tail coherence near 1, independent noise near 0. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "earshot/atmosphere.h"
#include "earshot/features.h"

#define FS 48000.0
#define FULL_SCALE_DB 140.0
#define P_REF 20e-6

static es_atmosphere_config air(void)
{
    es_atmosphere_config a = {.temperature_c = 20.0, .humidity_pct = 50.0, .pressure_kpa = 101.325};
    return a;
}

static es_featurizer make(es_history h, const double pos[][3], size_t n)
{
    es_featurizer_config c = {.n_sensors = n, .sample_rate_hz = FS, .band_lo_hz = 40.0,
                              .band_hi_hz = 2000.0, .full_scale_db_spl = FULL_SCALE_DB,
                              .history_rate_hz = es_history_rate_hz(h)};
    for (size_t i = 0; i < n; i++)
        memcpy(c.sensor_m[i], pos[i], sizeof c.sensor_m[i]);
    es_error err = {{0}};
    es_featurizer f = es_featurizer_create(&c, &err);
    CHECK(f != NULL, "create: %s", err.msg);
    return f;
}

static es_history make_history(size_t n)
{
    es_history_config c = {.n_sensors = n, .sample_rate_hz = FS, .band_hi_hz = 2000.0,
                           .length_s = 4.0};
    return es_history_create(&c, NULL);
}

/* An onset at frame 48000 with snippet noise of RMS `noise` (full scale). */
static void blank_onset(es_onset *o, uint32_t sensor, double noise, test_rng *r)
{
    memset(o, 0, sizeof *o);
    o->sensor = sensor;
    o->frame = 48000;
    o->snippet_frame = o->frame - ES_SNIPPET_PRE;
    for (int i = 0; i < ES_SNIPPET_LEN; i++)
        o->snippet[i] = (float)(noise * test_gauss(r));
    o->peak_dbfs = -20.0f;
}

static void one_event(es_event *ev, double e_m, double n_m, size_t n_used)
{
    memset(ev, 0, sizeof *ev);
    ev->e_m = e_m;
    ev->n_m = n_m;
    ev->n_used = n_used;
    for (size_t k = 0; k < n_used; k++)
        ev->used[k] = (uint16_t)k;
    ev->c_mps = 343.0;
}

static double pa_of_full_scale(void)
{
    return P_REF * pow(10.0, FULL_SCALE_DB / 20.0);
}

/* The blast features of one sensor's onset o, heard distance_m from the
 * source (a sensor at the origin, the source due east). */
static es_features blast_features(const es_onset *o, double distance_m)
{
    const double pos[1][3] = {{0.0, 0.0, 0.0}};
    es_history h = make_history(1);
    es_featurizer f = make(h, pos, 1);
    es_event ev;
    one_event(&ev, distance_m, 0.0, 1);
    if (f != NULL && h != NULL) {
        es_onset_group g = {.n = 1, .onset = {(es_onset *)o}};
        es_atmosphere_config atm = air();
        es_featurizer_blast(f, &g, &atm, &ev);
    }
    es_featurizer_destroy(&f);
    es_history_destroy(&h);
    return ev.features;
}

static void test_pulse_level(void)
{
    test_rng r = {12345};
    static es_onset o;
    blank_onset(&o, 0, 1e-6, &r);
    double a = 0.01, half = 0.004;
    int n_half = (int)(half * FS);
    for (int i = 0; i < 2 * n_half; i++)
        o.snippet[ES_SNIPPET_PRE + i] += (float)(a * sin(TEST_PI * i / n_half));
    es_features x = blast_features(&o, 10.0);
    double pa = a * pa_of_full_scale();
    double want = 10.0 * log10(pa * pa * 2.0 * half / 2.0 / (P_REF * P_REF)) + 20.0;
    /* The band-pass edges (40 Hz, 2 kHz) hold a little of the pulse's energy. */
    CHECK_NEAR(x.level_db, want, 0.5, "one-cycle pulse exposure at 1 m");
    CHECK_NEAR(x.pulse_ms, 4.0, 0.05, "positive phase");
}

/* Noise of RMS 1e-3 before the onset: 0 dB over a trigger level of that
 * power, +10 dB over one 10 dB quieter (a sound that rose before its
 * onset). The quiet learnt before an earlier event does not count. */
static void test_pre_rise(void)
{
    test_rng r = {31};
    static es_onset o;
    blank_onset(&o, 0, 1e-3, &r);
    for (int i = 0; i < 480; i++)
        o.snippet[ES_SNIPPET_PRE + i] += (float)(0.05 * sin(2.0 * TEST_PI * 100.0 * i / FS));
    o.noise_dbfs = -60.0f;
    o.background_dbfs = -90.0f;
    CHECK_NEAR(blast_features(&o, 500.0).pre_rise_db, 0.0, 0.6, "pre-onset noise at the trigger level");
    o.noise_dbfs = -70.0f;
    CHECK_NEAR(blast_features(&o, 500.0).pre_rise_db, 10.0, 0.6, "pre-onset noise 10 dB up");
}

static void test_absorption_undone(void)
{
    test_rng r = {777};
    static es_onset o;
    blank_onset(&o, 0, 1e-7, &r);
    double a = 1e-3, tone_hz = 500.0;
    int n = (int)(0.018 * FS);
    double sum2 = 0.0;
    for (int i = 0; i < n; i++) {
        double w = 0.5 * (1.0 - cos(2.0 * TEST_PI * i / n));
        double x = a * w * sin(2.0 * TEST_PI * tone_hz * i / FS);
        o.snippet[ES_SNIPPET_PRE + i] += (float)x;
        sum2 += x * x;
    }
    es_features x = blast_features(&o, 3000.0);
    double pa2 = sum2 * pa_of_full_scale() * pa_of_full_scale() / FS;
    double absorb = es_absorption_db_per_m(tone_hz, 20.0, 50.0, 101.325) * 3000.0;
    double want = 10.0 * log10(pa2 / (P_REF * P_REF)) + 20.0 * log10(3000.0) + absorb;
    CHECK(absorb > 7.0 && absorb < 9.0, "ISO absorption at 500 Hz over 3 km: %.2f dB", absorb);
    CHECK_NEAR(x.level_db, want, 0.3, "tone burst exposure at 1 m from 3 km");
    CHECK_NEAR(x.centroid_hz, tone_hz, 15.0, "centroid");
}

/* Sensor s's history: noise of RMS `noise` until the onset at 48000, then
 * `tail` (generated by fill), for 3 s. */
typedef double (*tail_fn)(int i, int sensor, test_rng *r);

static void write_history(es_history h, int sensor, double noise, tail_fn fill, test_rng *r)
{
    static float block[48000 * 3];
    for (int i = 0; i < 48000 * 3; i++)
        block[i] = (float)(i < 48000 ? noise * test_gauss(r) : fill(i - 48000, sensor, r));
    es_history_write(h, (size_t)sensor, block, 48000 * 3, 0);
}

static double steady_noise(int i, int sensor, test_rng *r)
{
    (void)i;
    (void)sensor;
    return 0.01 * test_gauss(r);
}

/* One noise waveform for every sensor: a seeded generator per sample. */
static double shared_noise(int i, int sensor, test_rng *r)
{
    (void)sensor;
    (void)r;
    test_rng g = {test_splitmix64((uint64_t)i + 1u)};
    return 0.01 * test_gauss(&g);
}

/* One 10 ms clap 0.5 s after the onset. */
static double clap_in_noise(int i, int sensor, test_rng *r)
{
    double x = 0.01 * test_gauss(r);
    (void)sensor;
    if (i >= 24000 && i < 24000 + 480)
        x += 0.3 * sin(2.0 * TEST_PI * 200.0 * i / FS);
    return x;
}

/* A 10 ms clap every 60 ms: a third of the 20 ms frames hold one. */
static double claps_in_noise(int i, int sensor, test_rng *r)
{
    double x = 0.01 * test_gauss(r);
    (void)sensor;
    if (i % 2880 < 480)
        x += 0.3 * sin(2.0 * TEST_PI * 200.0 * i / FS);
    return x;
}

static es_features tail_of(tail_fn fill, int sensors)
{
    static const double pos[2][3] = {{0.0, 0.0, 0.0}, {100.0, 0.0, 0.0}};
    es_history h = make_history(2);
    es_featurizer f = make(h, pos, 2);
    es_event ev;
    one_event(&ev, 5000.0, 0.0, (size_t)sensors);
    test_rng r = {99};
    if (f != NULL && h != NULL) {
        for (int s = 0; s < 2; s++)  /* both: the history ends at the least written */
            write_history(h, s, 0.001, fill, &r);
        int64_t onset[2] = {48000, 48000};
        es_featurizer_tail(f, h, onset, &ev);
    }
    es_featurizer_destroy(&f);
    es_history_destroy(&h);
    return ev.features;
}

static void test_tails(void)
{
    es_features steady = tail_of(steady_noise, 2);
    CHECK_NEAR(steady.tail_snr_db, 20.0, 0.5, "tail 20 dB over the noise");
    CHECK_NEAR(steady.late_snr_db, 20.0, 0.5, "late tail 20 dB over the noise");
    CHECK_NEAR(steady.tail_s, 2.0, 1e-9, "heard 2 s after the onset");
    CHECK(steady.tail_crest_db < 7.0, "steady noise crest %.1f dB", steady.tail_crest_db);
    CHECK(steady.tail_coherence < 0.3, "independent noise coherence %.2f", steady.tail_coherence);
    es_features clap = tail_of(clap_in_noise, 1);
    CHECK(clap.tail_crest_db < 7.0, "one clap moves the crest to %.1f dB", clap.tail_crest_db);
    CHECK(isnan(clap.tail_coherence), "one sensor: no coherence (%g)", clap.tail_coherence);
    es_features claps = tail_of(claps_in_noise, 1);
    CHECK(claps.tail_crest_db > 12.0, "repeated claps' crest %.1f dB", claps.tail_crest_db);
    es_features shared = tail_of(shared_noise, 2);
    CHECK(shared.tail_coherence > 0.9, "one source's noise coherence %.2f", shared.tail_coherence);
}

int main(void)
{
    test_pulse_level();
    test_pre_rise();
    test_absorption_undone();
    test_tails();
    return check_report("test_features");
}
