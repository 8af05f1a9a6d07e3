/* Propagation in simulated scenes against closed forms: spherical
 * spreading (energy at 2r is 6.02 dB below r), ISO 9613-1 absorption along
 * the path (spectral ratio of two microphones), its dispersion (low
 * frequencies at the speed of sound, higher ones a hair faster), arrival
 * times downwind,
 * upwind and across the wind (d / (c + w), d / (c - w), d / sqrt(c^2 - w^2))
 * and the ground-reflected path from the image source. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "air.h"
#include "simtest.h"

#define SIMTEST_PI 3.14159265358979323846

static const char *work_dir;

/* A quiet scene: one mortar at (0, 0, 1.5), microphones at the given
 * points, dry air at 10 C unless told otherwise. */
static json_t *scene(const double (*mics)[3], size_t n, int absorption, int reflection,
                     double wind_mps, double humidity)
{
    json_t *sensors = json_array();
    for (size_t i = 0; i < n; i++) {
        char id[8];
        snprintf(id, sizeof id, "M%zu", i + 1);
        json_array_append_new(sensors, json_pack("{s:s, s:f, s:f, s:f}", "id", id, "e_m",
                                                 mics[i][0], "n_m", mics[i][1], "u_m", mics[i][2]));
    }
    return json_pack(
        "{s:i, s:f, s:s, s:{s:s, s:{s:f, s:f}}, s:f, s:o, s:{s:f, s:f, s:f, s:f, s:b},"
        " s:{s:b}, s:[{s:s, s:f, s:f, s:f, s:f}]}",
        "seed", 3, "duration_s", 6.0, "format", "float", "site", "name", "test", "origin", "lat",
        10.0, "lon", 20.0, "full_scale_db_spl", 160.0, "sensors", sensors, "atmosphere",
        "temperature_c", 10.0, "humidity_pct", humidity, "wind_speed_mps", wind_mps,
        "wind_from_deg", 270.0, "absorption", absorption, "ground", "reflection", reflection,
        "events", "type", "mortar", "t_s", 0.5, "e_m", 0.0, "n_m", 0.0, "u_m", 1.5);
}

static double energy(const simtest_sim *r, int ch, size_t n0, size_t n1)
{
    double e = 0.0;
    for (size_t n = n0; n < n1; n++) {
        double v = simtest_sample(&r->audio, n, ch);
        e += v * v;
    }
    return e;
}

static void test_spreading(void)
{
    const double mics[][3] = {{0, 500, 1.5}, {0, 1000, 1.5}};
    simtest_sim r = simtest_simulate(scene(mics, 2, 0, 0, 0.0, 0.0), work_dir, "spreading");
    if (!r.ok)
        return;
    double ratio_db = 10.0 * log10(energy(&r, 0, 0, r.audio.frames) / energy(&r, 1, 0, r.audio.frames));
    CHECK(fabs(ratio_db - 20.0 * log10(2.0)) < 0.005, "energy at 2r is %.4f dB below r", ratio_db);
    double p0 = simtest_num(simtest_arrival(&r, 0, 0), "peak_dbfs"), p1 = simtest_num(simtest_arrival(&r, 0, 1), "peak_dbfs");
    CHECK(fabs(p0 - p1 - 6.0206) < 0.1, "peak at 2r is %.3f dB below r", p0 - p1);
    simtest_sim_free(&r);
}

static double complex dft(const simtest_sim *r, int ch, size_t n0, size_t n1, double f)
{
    double complex acc = 0.0;
    for (size_t n = n0; n < n1; n++)
        acc += simtest_sample(&r->audio, n, ch) * cexp(-2.0 * I * SIMTEST_PI * f * (double)n / r->audio.rate);
    return acc;
}

static void test_absorption(void)
{
    const double mics[][3] = {{0, 500, 1.5}, {0, 1500, 1.5}};
    simtest_sim r = simtest_simulate(scene(mics, 2, 1, 0, 0.0, 50.0), work_dir, "absorption");
    if (!r.ok)
        return;
    sim_air a = {10.0, 50.0, 101.325, 0.0, 0.0, 1};
    const double freqs[] = {63.0, 125.0, 250.0, 500.0, 1000.0, 2000.0};
    for (size_t i = 0; i < sizeof freqs / sizeof freqs[0]; i++) {
        double m[2];
        for (int ch = 0; ch < 2; ch++) {
            size_t n0 = (size_t)simtest_num(simtest_arrival(&r, 0, (size_t)ch), "sample") - 4;
            m[ch] = cabs(dft(&r, ch, n0, n0 + (size_t)(0.5 * r.audio.rate), freqs[i]));
        }
        double got = 20.0 * log10(m[0] / m[1]);
        double want = 20.0 * log10(3.0) + sim_air_absorption_db_per_m(&a, freqs[i]) * 1000.0;
        CHECK(fabs(got - want) < 0.05, "%g Hz: 1500 m is %.3f dB below 500 m, spreading + "
              "ISO 9613-1 give %.3f dB", freqs[i], got, want);
    }
    simtest_sim_free(&r);
}

/* Phase delay between the 1500 m and 500 m microphones at f, seconds, as
 * a correction to the expected delay (the phase is only known modulo one
 * period, so the difference from `expect_s` is what is measured). */
static double phase_delay_error_s(const simtest_sim *r, size_t n0, size_t n1, double f,
                                  double expect_s)
{
    size_t len = (size_t)(0.5 * r->audio.rate);
    double complex x0 = dft(r, 0, n0, n0 + len, f), x1 = dft(r, 1, n1, n1 + len, f);
    double residual = carg(x1 * conj(x0) * cexp(2.0 * I * SIMTEST_PI * f * expect_s));
    return -residual / (2.0 * SIMTEST_PI * f);
}

/* Dispersion: absorption is causal, so it bends phase too. The speed of
 * sound (Cramer's formula) is the low-frequency limit: at 20-45 Hz the
 * extra 1000 m travel at c (within 0.002 m/s; the nitrogen relaxation is
 * hundreds of Hz up), and higher frequencies, which a relaxing medium
 * carries faster, are never slower, and faster by less than 0.2 m/s (air's
 * relaxations together give about 0.1). Speeds from the phase delay over
 * the extra path: c' = 1000 m / (1000 m / c + error). */
static double speed_excess_mps(double err_s, double path_m, double c)
{
    return path_m / (path_m / c + err_s) - c;
}

static void test_dispersion(void)
{
    const double mics[][3] = {{0, 500, 1.5}, {0, 1500, 1.5}};
    simtest_sim r = simtest_simulate(scene(mics, 2, 1, 0, 0.0, 50.0), work_dir, "dispersion");
    if (!r.ok)
        return;
    double c = simtest_num(json_object_get(r.truth, "atmosphere"), "speed_of_sound_mps");
    double path_m = 1000.0, expect_s = path_m / c;
    size_t n0 = (size_t)simtest_num(simtest_arrival(&r, 0, 0), "sample") - 4;
    size_t n1 = (size_t)simtest_num(simtest_arrival(&r, 0, 1), "sample") - 4;
    const double freqs[] = {20.0, 30.0, 45.0, 500.0, 1000.0, 2000.0};
    for (size_t i = 0; i < sizeof freqs / sizeof freqs[0]; i++) {
        double dc = speed_excess_mps(phase_delay_error_s(&r, n0, n1, freqs[i], expect_s), path_m, c);
        if (freqs[i] < 100.0)
            CHECK(fabs(dc) < 0.002, "%g Hz travels %+.4f m/s from c", freqs[i], dc);
        else
            CHECK(dc > -1e-4 && dc < 0.2, "%g Hz travels %+.4f m/s from c (allowed 0..0.2)",
                  freqs[i], dc);
        printf("%g Hz: %+.4f m/s from the speed of sound\n", freqs[i], dc);
    }
    simtest_sim_free(&r);
}

static void test_wind(void)
{
    const double w = 8.0, d = 600.0;
    const double mics[][3] = {{d, 0, 1.5}, {-d, 0, 1.5}, {0, d, 1.5}};
    simtest_sim r = simtest_simulate(scene(mics, 3, 0, 0, w, 0.0), work_dir, "wind");
    if (!r.ok)
        return;
    double c = 331.3 * sqrt(283.15 / 273.15); /* dry air at 10 C */
    const double want[] = {d / (c + w), d / (c - w), d / sqrt(c * c - w * w)};
    const char *what[] = {"downwind", "upwind", "crosswind"};
    for (int ch = 0; ch < 3; ch++) {
        double t = simtest_num(simtest_arrival(&r, 0, (size_t)ch), "t_s") - 0.5;
        CHECK(fabs(t - want[ch]) < 1e-9, "%s truth %.9f s, closed form %.9f s", what[ch], t, want[ch]);
        double at = (0.5 + want[ch]) * r.audio.rate, first = simtest_first_above(&r.audio, ch, 1e-3);
        CHECK(first >= at && first < at + 2.0, "%s onset at sample %.2f, wavefront at %.2f",
              what[ch], first, at);
    }
    simtest_sim_free(&r);
}

static void test_reflection(void)
{
    const double mics[][3] = {{0, 60, 1.5}};
    simtest_sim with = simtest_simulate(scene(mics, 1, 0, 1, 0.0, 0.0), work_dir, "reflect_on");
    simtest_sim without = simtest_simulate(scene(mics, 1, 0, 0, 0.0, 0.0), work_dir, "reflect_off");
    if (with.ok && without.ok) {
        /* with - without is the reflected pulse alone. */
        double c = 331.3 * sqrt(283.15 / 273.15), fs = with.audio.rate;
        double r_d = 60.0, r_i = sqrt(60.0 * 60.0 + 3.0 * 3.0);
        double at = (0.5 + r_i / c) * fs, e_r = 0.0, e_d = 0.0, peak = 0.0, first = NAN;
        for (size_t n = 0; n < with.audio.frames; n++) {
            double v = simtest_sample(&with.audio, n, 0) - simtest_sample(&without.audio, n, 0);
            e_r += v * v;
            e_d += simtest_sample(&without.audio, n, 0) * simtest_sample(&without.audio, n, 0);
            peak = fmax(peak, fabs(v));
        }
        for (size_t n = 0; n < with.audio.frames && isnan(first); n++)
            if (fabs(simtest_sample(&with.audio, n, 0) - simtest_sample(&without.audio, n, 0)) > 1e-3 * peak)
                first = (double)n;
        CHECK(first >= at && first < at + 2.0, "reflection begins at %.2f, image path %.2f", first, at);
        double got = 10.0 * log10(e_r / e_d), want = 20.0 * log10(0.8 * r_d / r_i);
        CHECK(fabs(got - want) < 0.01, "reflected energy %.4f dB, expected %.4f dB", got, want);
    }
    simtest_sim_free(&with);
    simtest_sim_free(&without);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_sim_propagation WORK_DIR\n");
        return 2;
    }
    work_dir = argv[1];
    test_spreading();
    test_absorption();
    test_dispersion();
    test_wind();
    test_reflection();
    return simtest_report("sim_propagation");
}
