/* The backfire, generator_start and gust sources against answers worked
 * out by hand:
 *   - backfire: the peak at 100 m and 200 m, without absorption or ground,
 *     is 150 dB - 20 lg r (110 and 104 dB SPL) within 0.5 dB; it begins at
 *     r / c (dry air's closed form) and its positive phase ends 1.6 ms later
 *     (0.1 ms rise + 1.5 ms); it sits 0.5 m up; kind and class "unknown";
 *   - generator_start: nothing at the microphone before r / c (exact
 *     zeros); the cranking's envelope repeats at 1 / crank_hz (its
 *     autocorrelation) within 3 %; after the catch the RMS is
 *     run_db_spl_at_1m - 20 lg r within 1 dB; the firing harmonics stand
 *     out of the spectrum; nothing (under -180 dB) after the engine stops;
 *   - gust: only its microphone changes (the others bitwise identical to
 *     the scene without it, ambient and wind noise included), only between
 *     t_s and t_s + duration_s; its energy is level^2 x 3/8 duration_s (the
 *     raised-cosine envelope's closed form) within 0.1 dB; its RMS
 *     frequency is the wind model's corner 4 U (U = 5 m/s x 10^((85 - 70) /
 *     40) = 11.9 m/s, 47 Hz: two one-pole low-passes have a second moment
 *     of exactly fc^2) within 10 %; the truth names its sensor and gives no
 *     arrival elsewhere. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "simtest.h"

#define PI 3.14159265358979323846
#define RATE 48000.0
#define FULL_SCALE_DB 140.0

static const char *work_dir;

/* Dry air at 15 C: c = 331.3 sqrt(1 + 15 / 273.15) (air.h's closed form). */
static double dry_c(void)
{
    return 331.3 * sqrt(288.15 / 273.15);
}

static json_t *scene(json_t *sensors, double duration_s, int absorption, int reflection,
                     json_t *events)
{
    return json_pack("{s:i, s:f, s:s, s:{s:s, s:{s:f, s:f}}, s:f, s:o, s:{s:f, s:f, s:b},"
                     " s:{s:b}, s:o}",
                     "seed", 5, "duration_s", duration_s, "format", "float", "site", "name",
                     "sources", "origin", "lat", 10.0, "lon", 20.0, "full_scale_db_spl",
                     FULL_SCALE_DB, "sensors", sensors, "atmosphere", "temperature_c", 15.0,
                     "humidity_pct", 0.0, "absorption", absorption, "ground", "reflection",
                     reflection, "events", events);
}

static double db_spl(double x_fs)
{
    return 20.0 * log10(x_fs) + FULL_SCALE_DB;
}

static const json_t *source(const simtest_sim *r, size_t i)
{
    return json_array_get(json_object_get(r->truth, "sources"), i);
}

static int is_str(const json_t *o, const char *key, const char *want)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL && strcmp(v, want) == 0;
}

/* ---- backfire ---- */

static void check_backfire_mic(const simtest_sim *r, int ch, double dist_m)
{
    const json_t *a = simtest_arrival(r, 0, (size_t)ch);
    double want_db = 150.0 - 20.0 * log10(dist_m), peak = 0.0;
    size_t ipk = 0;
    for (size_t n = 0; n < r->audio.frames; n++)
        if (fabs(simtest_sample(&r->audio, n, ch)) > peak) {
            peak = fabs(simtest_sample(&r->audio, n, ch));
            ipk = n;
        }
    double truth_db = simtest_num(a, "peak_dbfs") + FULL_SCALE_DB;
    CHECK(fabs(db_spl(peak) - want_db) < 0.5, "backfire at %g m: %.2f dB SPL, 150 - 20 lg r = "
          "%.2f", dist_m, db_spl(peak), want_db);
    CHECK(fabs(truth_db - want_db) < 0.5, "backfire at %g m: truth %.2f dB", dist_m, truth_db);
    double at = (0.5 + dist_m / dry_c()) * RATE;
    CHECK(fabs(simtest_num(a, "sample") - at) < 1e-6, "backfire at %g m: truth sample %.4f, "
          "r / c gives %.4f", dist_m, simtest_num(a, "sample"), at);
    double first = simtest_first_above(&r->audio, ch, 1e-3);
    CHECK(first >= at && first < at + 1.0, "backfire at %g m: onset %.2f, wavefront %.2f",
          dist_m, first, at);
    /* Friedlander: the positive phase ends rise + duration after the front. */
    size_t zc = ipk;
    while (zc < r->audio.frames && simtest_sample(&r->audio, zc, ch) > 0.0)
        zc++;
    double want_zc = at + (1e-4 + 1.5e-3) * RATE;
    CHECK(fabs((double)zc - want_zc) <= 1.0, "backfire at %g m: positive phase ends at sample "
          "%zu, expected %.2f", dist_m, zc, want_zc);
    printf("backfire at %g m: peak %.2f dB SPL (expected %.2f), truth %.2f; positive phase "
           "%.3f ms\n", dist_m, db_spl(peak), want_db, truth_db, ((double)zc - at) / RATE * 1e3);
}

static void test_backfire(void)
{
    json_t *sensors = json_pack("[{s:s, s:f, s:f, s:f}, {s:s, s:f, s:f, s:f}]", "id", "A",
                                "e_m", 0.0, "n_m", 100.0, "u_m", 0.5, "id", "B", "e_m", 0.0,
                                "n_m", -200.0, "u_m", 0.5);
    json_t *events = json_pack("[{s:s, s:f, s:f, s:f}]", "type", "backfire", "t_s", 0.5,
                               "e_m", 0.0, "n_m", 0.0);
    simtest_sim r = simtest_simulate(scene(sensors, 2.0, 0, 0, events), work_dir, "backfire");
    if (!r.ok)
        return;
    const json_t *s = source(&r, 0);
    CHECK(is_str(s, "type", "backfire") && is_str(s, "kind", "unknown") &&
              is_str(s, "class", "unknown"), "backfire: type, kind or class wrong in the truth");
    CHECK(simtest_num(s, "u_m") == 0.5, "backfire: default height %g m, expected 0.5",
          simtest_num(s, "u_m"));
    CHECK(simtest_num(s, "level_db_spl_at_1m") == 150.0, "backfire: default level %g",
          simtest_num(s, "level_db_spl_at_1m"));
    check_backfire_mic(&r, 0, 100.0);
    check_backfire_mic(&r, 1, 200.0);
    simtest_sim_free(&r);
}

/* ---- generator_start ---- */

#define GEN_T0 0.5
#define GEN_DIST 100.0
#define GEN_CRANK_S 1.5
#define GEN_CRANK_HZ 12.0
#define GEN_RUN_S 4.0

static double rms(const simtest_audio *a, int ch, double t0, double t1)
{
    double e = 0.0;
    size_t n0 = (size_t)(t0 * a->rate), n1 = (size_t)(t1 * a->rate);
    for (size_t n = n0; n < n1; n++)
        e += simtest_sample(a, n, ch) * simtest_sample(a, n, ch);
    return sqrt(e / (double)(n1 - n0));
}

/* The period of the cranking's 1 ms RMS envelope: the autocorrelation's
 * highest peak between half and 1.5 periods, parabola-interpolated. */
static double crank_period_s(const simtest_audio *a, double start_s)
{
    enum { FRAMES = 1500 };
    static double env[FRAMES];
    double mean = 0.0;
    for (int m = 0; m < FRAMES; m++) {
        env[m] = rms(a, 0, start_s + m * 1e-3, start_s + (m + 1) * 1e-3);
        mean += env[m] / FRAMES;
    }
    int lo = (int)(0.5e3 / GEN_CRANK_HZ), hi = (int)(1.5e3 / GEN_CRANK_HZ), best = lo;
    double ac[200];
    for (int lag = lo - 1; lag <= hi + 1; lag++) {
        double s = 0.0;
        for (int m = 0; m + lag < FRAMES; m++)
            s += (env[m] - mean) * (env[m + lag] - mean);
        ac[lag] = s;
    }
    for (int lag = lo; lag <= hi; lag++)
        if (ac[lag] > ac[best])
            best = lag;
    double y0 = ac[best - 1], y1 = ac[best], y2 = ac[best + 1];
    double frac = 0.5 * (y0 - y2) / (y0 - 2.0 * y1 + y2);
    return (best + frac) * 1e-3;
}

static double dft_mag(const simtest_audio *a, double t0, double t1, double f)
{
    double re = 0.0, im = 0.0;
    for (size_t n = (size_t)(t0 * a->rate); n < (size_t)(t1 * a->rate); n++) {
        double x = simtest_sample(a, n, 0), w = 2.0 * PI * f * (double)n / a->rate;
        re += x * cos(w);
        im -= x * sin(w);
    }
    return hypot(re, im);
}

static void check_genstart_spectrum(const simtest_audio *a, double t0, double t1)
{
    for (int h = 1; h <= 3; h++) {
        double on = dft_mag(a, t0, t1, 50.0 * h);
        double off = fmax(dft_mag(a, t0, t1, 50.0 * h - 12.0), dft_mag(a, t0, t1, 50.0 * h + 12.0));
        CHECK(20.0 * log10(on / off) > 20.0, "generator: harmonic %d (%g Hz) only %.1f dB above "
              "the spectrum 12 Hz beside it", h, 50.0 * h, 20.0 * log10(on / off));
    }
}

static void test_generator_start(void)
{
    json_t *sensors = json_pack("[{s:s, s:f, s:f, s:f}]", "id", "A", "e_m", 0.0, "n_m",
                                GEN_DIST, "u_m", 1.0);
    json_t *events = json_pack("[{s:s, s:f, s:f, s:f, s:f, s:f}]", "type", "generator_start",
                               "t_s", GEN_T0, "e_m", 0.0, "n_m", 0.0, "crank_s", GEN_CRANK_S,
                               "crank_hz", GEN_CRANK_HZ);
    simtest_sim r = simtest_simulate(scene(sensors, 8.0, 0, 0, events), work_dir, "genstart");
    if (!r.ok)
        return;
    CHECK(is_str(source(&r, 0), "kind", "unknown"), "generator_start: kind is not unknown");
    double arrive = GEN_T0 + GEN_DIST / dry_c(), at = arrive * RATE;
    CHECK(fabs(simtest_num(simtest_arrival(&r, 0, 0), "sample") - at) < 1e-6,
          "generator: truth sample %.4f, r / c gives %.4f",
          simtest_num(simtest_arrival(&r, 0, 0), "sample"), at);
    double before = 0.0;
    for (size_t n = 0; (double)n < at; n++)
        before = fmax(before, fabs(simtest_sample(&r.audio, n, 0)));
    CHECK(before == 0.0, "generator: %.3g before the wavefront at sample %.2f", before, at);
    double first = simtest_first_above(&r.audio, 0, 1e-4);
    CHECK(first >= at && first < at + 48.0, "generator: first sound at %.1f, wavefront %.2f",
          first, at);
    double period = crank_period_s(&r.audio, arrive);
    CHECK(fabs(period * GEN_CRANK_HZ - 1.0) < 0.03, "generator: cranking period %.2f ms, "
          "1 / crank_hz = %.2f ms", period * 1e3, 1e3 / GEN_CRANK_HZ);
    double catch_s = arrive + GEN_CRANK_S;
    double run = rms(&r.audio, 0, catch_s + 0.5, catch_s + GEN_RUN_S - 0.75);
    double want = 100.0 - 20.0 * log10(GEN_DIST);
    CHECK(fabs(db_spl(run) - want) < 1.0, "generator: running %.2f dB SPL, 100 - 20 lg r = "
          "%.2f", db_spl(run), want);
    check_genstart_spectrum(&r.audio, catch_s + 0.5, catch_s + GEN_RUN_S - 0.75);
    /* After the engine stops only the FFT convolution's rounding is left. */
    double after = 0.0, loud = pow(10.0, (want - FULL_SCALE_DB) / 20.0);
    for (size_t n = (size_t)((catch_s + GEN_RUN_S + 1e-3) * RATE); n < r.audio.frames; n++)
        after = fmax(after, fabs(simtest_sample(&r.audio, n, 0)));
    CHECK(after < 1e-9 * loud, "generator: %.3g after the engine stopped", after);
    printf("generator_start at %g m: silent before the wavefront; cranking period %.2f ms "
           "(1 / %g Hz = %.2f ms); running %.2f dB SPL (expected %.2f)\n", GEN_DIST,
           period * 1e3, GEN_CRANK_HZ, 1e3 / GEN_CRANK_HZ, db_spl(run), want);
    simtest_sim_free(&r);
}

/* ---- gust ---- */

#define GUST_T0 2.0
#define GUST_S 1.5

static json_t *gust_scene(int with_gust)
{
    json_t *events = json_pack("[{s:s, s:f, s:f, s:f}]", "type", "mortar", "t_s", 1.0,
                               "range_m", 800.0, "bearing_deg", 30.0);
    if (with_gust)
        json_array_append_new(events, json_pack("{s:s, s:f, s:s}", "type", "gust", "t_s",
                                                GUST_T0, "sensor", "S2"));
    json_t *sc = scene(json_pack("{s:s, s:i, s:f}", "layout", "ring", "count", 4, "radius_m",
                                 150.0), 6.0, 1, 1, events);
    json_object_set_new(sc, "noise", json_pack("{s:f, s:b}", "ambient_db_spl", 40.0,
                                               "wind_noise", 1));
    json_object_set_new(json_object_get(sc, "atmosphere"), "wind_speed_mps", json_real(4.0));
    return sc;
}

static void check_gust_truth(const simtest_sim *r)
{
    const json_t *s = source(r, 1);
    CHECK(is_str(s, "type", "gust") && is_str(s, "kind", "unknown") &&
              is_str(s, "class", "unknown") && is_str(s, "sensor", "S2"),
          "gust: truth type/kind/class/sensor wrong");
    for (size_t k = 0; k < 4; k++) {
        const json_t *a = simtest_arrival(r, 1, k);
        if (k == 1)
            CHECK(simtest_num(a, "t_s") == GUST_T0, "gust: arrival at S2 %g, t_s %g",
                  simtest_num(a, "t_s"), GUST_T0);
        else
            CHECK(json_is_null(json_object_get(a, "t_s")), "gust: an arrival at sensor %zu", k);
    }
}

static void test_gust(void)
{
    simtest_sim calm = simtest_simulate(gust_scene(0), work_dir, "gust_without");
    simtest_sim gust = simtest_simulate(gust_scene(1), work_dir, "gust_with");
    if (calm.ok && gust.ok) {
        size_t changed[4] = {0}, outside = 0;
        double n_lo = GUST_T0 * RATE, n_hi = (GUST_T0 + GUST_S) * RATE;
        double e = 0.0, ed = 0.0, prev = 0.0;
        for (size_t n = 0; n < calm.audio.frames; n++)
            for (int ch = 0; ch < 4; ch++) {
                double d = simtest_sample(&gust.audio, n, ch) - simtest_sample(&calm.audio, n, ch);
                changed[ch] += d != 0.0;
                if (ch != 1)
                    continue;
                outside += d != 0.0 && ((double)n <= n_lo || (double)n > n_hi + 1.0);
                e += d * d;
                ed += (d - prev) * (d - prev);
                prev = d;
            }
        CHECK(changed[0] == 0 && changed[2] == 0 && changed[3] == 0,
              "gust on S2 changed %zu, %zu, %zu samples of S1, S3, S4", changed[0], changed[2],
              changed[3]);
        CHECK(changed[1] > (size_t)(0.9 * GUST_S * RATE) && outside == 0,
              "gust: %zu samples of S2 changed, %zu outside [t_s, t_s + duration_s]", changed[1],
              outside);
        double p = pow(10.0, (85.0 - FULL_SCALE_DB) / 20.0);
        double got_db = 10.0 * log10(e), want_db = 10.0 * log10(p * p * 0.375 * GUST_S * RATE);
        CHECK(fabs(got_db - want_db) < 0.1, "gust: energy %.3f dB, 85 dB x 3/8 x %g s gives "
              "%.3f dB", got_db, GUST_S, want_db);
        /* sum (dx)^2 / sum x^2 = (2 pi f_rms / fs)^2 for f << fs. */
        double f_rms = RATE / (2.0 * PI) * sqrt(ed / e);
        double fc = 4.0 * 5.0 * pow(10.0, (85.0 - 70.0) / 40.0);
        CHECK(fabs(f_rms / fc - 1.0) < 0.1, "gust: RMS frequency %.1f Hz, the wind model's "
              "corner %.1f Hz", f_rms, fc);
        check_gust_truth(&gust);
        printf("gust on S2: S1, S3, S4 unchanged; %zu samples of S2 changed, all in the gust; "
               "energy %.3f dB (expected %.3f); RMS frequency %.1f Hz (corner %.1f Hz)\n",
               changed[1], got_db, want_db, f_rms, fc);
    }
    simtest_sim_free(&calm);
    simtest_sim_free(&gust);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_sim_sources WORK_DIR\n");
        return 2;
    }
    work_dir = argv[1];
    test_backfire();
    test_generator_start();
    test_gust();
    return simtest_report("sim_sources");
}
