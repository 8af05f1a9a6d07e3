/* Sensor faults (scenario key sensor_faults): each does what it says,
 * checked against the same scene simulated without faults (same seed) and
 * against the truth file:
 *   - clock_offset_s: the channel is the healthy one delayed by exactly
 *     that much (240 samples for 5 ms at 48 kHz), its onset that much after
 *     the truth's physical arrival, the truth's "sample" the recorded one;
 *     an early, fractional offset too;
 *   - dead: the channel holds only a noise floor near -130 dBFS RMS, none of
 *     the blast;
 *   - config_offset_m: the written site config puts the sensor exactly that
 *     vector away from its true position, which the truth keeps;
 *   - gain_db: the channel is the healthy one times 10^(dB/20), clipped at
 *     full scale, the truth marks the arrival clipped;
 * the healthy sensors are unchanged; bad fault entries are refused with a
 * message naming the JSON path. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simtest.h"

#define RATE 48000
#define N_SENSORS 6
#define CLOCK_S 0.005
#define EARLY_S (-0.0031234)
#define GAIN_DB 30.0

static const char *work_dir;

/* A quiet scene (no noise: the comparisons are sample by sample): a ring
 * of 6 on 200 m, one mortar 1 km north-east, float samples. */
static json_t *scene(json_t *faults)
{
    json_t *sc = json_pack(
        "{s:i, s:f, s:s, s:{s:s, s:{s:f, s:f}}, s:f, s:{s:s, s:i, s:f, s:f},"
        " s:{s:f, s:f}, s:[{s:s, s:f, s:f, s:f}]}",
        "seed", 7, "duration_s", 6.0, "format", "float", "site", "name", "faults", "origin",
        "lat", 10.0, "lon", 20.0, "full_scale_db_spl", 150.0, "sensors", "layout", "ring",
        "count", N_SENSORS, "radius_m", 200.0, "u_m", 1.5, "atmosphere", "temperature_c", 20.0,
        "humidity_pct", 50.0, "events", "type", "mortar", "t_s", 0.5, "range_m", 1000.0,
        "bearing_deg", 45.0);
    if (sc != NULL && faults != NULL)
        json_object_set_new(sc, "sensor_faults", faults);
    return sc;
}

static json_t *all_faults(void)
{
    return json_pack("[{s:s, s:f}, {s:s, s:b}, {s:s, s:[f, f, f]}, {s:s, s:f}, {s:s, s:f}]",
                     "sensor", "S2", "clock_offset_s", CLOCK_S, "sensor", "S3", "dead", 1,
                     "sensor", "S4", "config_offset_m", 20.0, -5.0, 3.0, "sensor", "S5",
                     "gain_db", GAIN_DB, "sensor", "S6", "clock_offset_s", EARLY_S);
}

static const json_t *truth_sensor(const simtest_sim *r, size_t k)
{
    return json_array_get(json_object_get(r->truth, "sensors"), k);
}

/* Largest |faulty[n + shift] - clean[n]| over the file, and the peak. */
static double shifted_difference(const simtest_sim *clean, const simtest_sim *bad, int ch, long shift,
                                 double *peak)
{
    double worst = 0.0;
    *peak = 0.0;
    for (size_t n = 0; n < clean->audio.frames; n++) {
        long m = (long)n + shift;
        if (m < 0 || (size_t)m >= bad->audio.frames)
            continue;
        double a = simtest_sample(&clean->audio, n, ch), b = simtest_sample(&bad->audio, (size_t)m, ch);
        worst = fmax(worst, fabs(b - a));
        *peak = fmax(*peak, fabs(a));
    }
    return worst;
}

static void check_clock(const simtest_sim *clean, const simtest_sim *bad)
{
    double peak;
    double diff = shifted_difference(clean, bad, 1, lround(CLOCK_S * RATE), &peak);
    CHECK(peak > 1e-3 && diff < 1e-6 * peak, "S2 is not the healthy S2 delayed by 240 samples "
          "(largest difference %.3g, peak %.3g)", diff, peak);
    double t = simtest_num(simtest_arrival(bad, 0, 1), "t_s"), t_clean = simtest_num(simtest_arrival(clean, 0, 1), "t_s");
    CHECK(fabs(t - t_clean) < 1e-12, "S2: the truth's arrival %.9f s must stay the physical one "
          "(%.9f s)", t, t_clean);
    CHECK(fabs(simtest_num(simtest_arrival(bad, 0, 1), "sample") - (t + CLOCK_S) * RATE) < 1e-6,
          "S2: truth sample %.4f, recorded arrival %.4f", simtest_num(simtest_arrival(bad, 0, 1), "sample"),
          (t + CLOCK_S) * RATE);
    /* The onset against the physical arrival: 5 ms late (absorption rounds
     * the onset by up to half a millisecond at 1 km). */
    double late_ms = (simtest_first_above(&bad->audio, 1, 1e-3) / RATE - t) * 1e3;
    CHECK(late_ms >= CLOCK_S * 1e3 && late_ms < CLOCK_S * 1e3 + 0.5,
          "S2: onset %.3f ms after the truth's arrival, expected 5 .. 5.5", late_ms);
    double t6 = simtest_num(simtest_arrival(bad, 0, 5), "t_s");
    double early_ms = (simtest_first_above(&bad->audio, 5, 1e-3) / RATE - t6) * 1e3;
    CHECK(early_ms >= EARLY_S * 1e3 && early_ms < EARLY_S * 1e3 + 0.5,
          "S6: onset %.4f ms after the truth's arrival, expected %.4f .. +0.5", early_ms,
          EARLY_S * 1e3);
    const json_t *f = json_object_get(truth_sensor(bad, 1), "fault");
    CHECK(fabs(simtest_num(f, "clock_offset_s") - CLOCK_S) < 1e-15, "S2: truth fault %s",
          f != NULL ? "without the clock offset" : "missing");
    printf("clock offset: S2 = healthy delayed 240 samples (max diff %.2g of peak %.2g); onset "
           "%.3f ms late; S6 onset %.3f ms (offset %.4f ms)\n", diff, peak, late_ms, early_ms,
           EARLY_S * 1e3);
}

static void check_dead(const simtest_sim *bad)
{
    double e = 0.0, peak = 0.0;
    for (size_t n = 0; n < bad->audio.frames; n++) {
        double v = simtest_sample(&bad->audio, n, 2);
        e += v * v;
        peak = fmax(peak, fabs(v));
    }
    double rms_db = 10.0 * log10(e / (double)bad->audio.frames), peak_db = 20.0 * log10(peak);
    CHECK(fabs(rms_db + 130.0) < 0.5, "S3 (dead): RMS %.2f dBFS, expected -130", rms_db);
    CHECK(peak_db < -110.0, "S3 (dead): peak %.1f dBFS: the blast leaked in", peak_db);
    CHECK(simtest_num(simtest_arrival(bad, 0, 2), "peak_dbfs") <= -400.0, "S3: the truth says the blast "
          "was recorded at %.1f dBFS", simtest_num(simtest_arrival(bad, 0, 2), "peak_dbfs"));
    const json_t *f = json_object_get(truth_sensor(bad, 2), "fault");
    CHECK(json_is_true(json_object_get(f, "dead")), "S3: truth fault without dead: true");
    printf("dead: S3 RMS %.2f dBFS, peak %.1f dBFS\n", rms_db, peak_db);
}

static void check_config_offset(const simtest_sim *bad)
{
    static const double off[3] = {20.0, -5.0, 3.0};
    static const char *const axis[3] = {"e_m", "n_m", "u_m"};
    static const char *const config_axis[3] = {"config_e_m", "config_n_m", "config_u_m"};
    const json_t *sensors = json_object_get(bad->site, "sensors");
    for (size_t k = 0; k < N_SENSORS; k++) {
        const json_t *cfg = json_array_get(sensors, k), *tru = truth_sensor(bad, k);
        for (int a = 0; a < 3; a++) {
            double want = simtest_num(tru, axis[a]) + (k == 3 ? off[a] : 0.0);
            CHECK(fabs(simtest_num(cfg, axis[a]) - want) < 1e-9, "sensor %zu: config %s %.6f, "
                  "expected %.6f", k, axis[a], simtest_num(cfg, axis[a]), want);
            CHECK(fabs(simtest_num(tru, config_axis[a]) - want) < 1e-9, "sensor %zu: truth %s",
                  k, config_axis[a]);
        }
    }
    const json_t *v = json_object_get(json_object_get(truth_sensor(bad, 3), "fault"),
                                      "config_offset_m");
    CHECK(json_array_size(v) == 3 && json_number_value(json_array_get(v, 0)) == 20.0,
          "S4: truth fault without config_offset_m [20, -5, 3]");
    printf("config offset: S4 written (%+.1f, %+.1f, %+.1f) m from its true position\n",
           simtest_num(json_array_get(sensors, 3), "e_m") - simtest_num(truth_sensor(bad, 3), "e_m"),
           simtest_num(json_array_get(sensors, 3), "n_m") - simtest_num(truth_sensor(bad, 3), "n_m"),
           simtest_num(json_array_get(sensors, 3), "u_m") - simtest_num(truth_sensor(bad, 3), "u_m"));
}

static void check_gain(const simtest_sim *clean, const simtest_sim *bad)
{
    double g = pow(10.0, GAIN_DB / 20.0), worst = 0.0;
    size_t clipped = 0;
    for (size_t n = 0; n < clean->audio.frames; n++) {
        double want = g * simtest_sample(&clean->audio, n, 4);
        want = want > 1.0 ? 1.0 : (want < -1.0 ? -1.0 : want);
        double got = simtest_sample(&bad->audio, n, 4);
        worst = fmax(worst, fabs(got - want) / fmax(fabs(want), 1e-6));
        clipped += fabs(got) >= 1.0;
    }
    CHECK(worst < 1e-5, "S5: not the healthy channel x %.1f dB clipped (relative error %.3g)",
          GAIN_DB, worst);
    CHECK(clipped >= 10, "S5: %zu samples at full scale: the fault should clip", clipped);
    CHECK(json_is_true(json_object_get(simtest_arrival(bad, 0, 4), "clipped")) &&
              !json_is_true(json_object_get(simtest_arrival(clean, 0, 4), "clipped")),
          "S5: the truth should mark the arrival clipped only with the fault");
    double dpk = simtest_num(simtest_arrival(bad, 0, 4), "peak_dbfs") - simtest_num(simtest_arrival(clean, 0, 4), "peak_dbfs");
    CHECK(fabs(dpk - GAIN_DB) < 1e-9, "S5: truth peak %.3f dB above the healthy one", dpk);
    printf("gain: S5 = healthy x %.0f dB, %zu samples clipped at full scale\n", GAIN_DB, clipped);
}

static void check_healthy_unchanged(const simtest_sim *clean, const simtest_sim *bad)
{
    double peak, diff = shifted_difference(clean, bad, 0, 0, &peak);
    CHECK(diff == 0.0, "S1 has no fault but changed (max difference %.3g)", diff);
    CHECK(json_object_get(truth_sensor(bad, 0), "fault") == NULL, "S1: truth has a fault entry");
}

/* Bad entries: exit with a message naming the JSON path. */
static void bad_fault(json_t *faults, const char *path, const char *reason)
{
    json_t *sc = scene(NULL);
    json_object_set_new(sc, "sensor_faults", faults);
    char *text = json_dumps(sc, JSON_COMPACT);
    json_decref(sc);
    es_sim_outputs out;
    es_error err = {{0}};
    int st = es_sim_run_json(text, strlen(text), "bad.json", work_dir, "bad", NULL, &out, &err);
    free(text);
    CHECK(st == ES_EINVAL && strstr(err.msg, path) != NULL && strstr(err.msg, reason) != NULL,
          "status %d, message \"%s\": expected %s and \"%s\"", st, err.msg, path, reason);
}

static void check_bad_entries(void)
{
    bad_fault(json_pack("{s:s}", "sensor", "S1"), "sensor_faults", "must be a list");
    bad_fault(json_pack("[i]", 3), "sensor_faults[0]", "must be an object");
    bad_fault(json_pack("[{s:b}]", "dead", 1), "sensor_faults[0].sensor", "missing");
    bad_fault(json_pack("[{s:s, s:b}]", "sensor", "S9", "dead", 1), "sensor_faults[0].sensor",
              "\"S9\" is not the id of any sensor");
    bad_fault(json_pack("[{s:s, s:b}, {s:s, s:f}]", "sensor", "S1", "dead", 1, "sensor", "S1",
                        "gain_db", 3.0), "sensor_faults[1].sensor", "has an entry already");
    bad_fault(json_pack("[{s:s}]", "sensor", "S1"), "sensor_faults[0]", "names no fault");
    bad_fault(json_pack("[{s:s, s:i}]", "sensor", "S1", "dead", 1), "sensor_faults[0].dead",
              "must be true or false");
    bad_fault(json_pack("[{s:s, s:[f, f]}]", "sensor", "S1", "config_offset_m", 1.0, 2.0),
              "sensor_faults[0].config_offset_m", "three numbers");
    bad_fault(json_pack("[{s:s, s:f}]", "sensor", "S1", "config_offset_m", 20.0),
              "sensor_faults[0].config_offset_m", "three numbers");
    bad_fault(json_pack("[{s:s, s:[f, s, f]}]", "sensor", "S1", "config_offset_m", 1.0, "x", 2.0),
              "sensor_faults[0].config_offset_m", "item 1 must be a number");
    bad_fault(json_pack("[{s:s, s:[f, f, f]}]", "sensor", "S1", "config_offset_m", 1.0, 2.0, 2e4),
              "sensor_faults[0].config_offset_m", "item 2: 20000 is out of range");
    bad_fault(json_pack("[{s:s, s:f}]", "sensor", "S1", "clock_offset_s", 1.5),
              "sensor_faults[0].clock_offset_s", "out of range");
    bad_fault(json_pack("[{s:s, s:s}]", "sensor", "S1", "clock_offset_s", "5 ms"),
              "sensor_faults[0].clock_offset_s", "must be a number");
    bad_fault(json_pack("[{s:s, s:f}]", "sensor", "S1", "gain_db", 61.0),
              "sensor_faults[0].gain_db", "out of range");
    bad_fault(json_pack("[{s:s, s:f}]", "sensor", "S1", "drift_ppm", 3.0),
              "sensor_faults[0].drift_ppm", "unknown key");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s WORK_DIR\n", argv[0]);
        return 2;
    }
    work_dir = argv[1];
    simtest_sim clean = simtest_simulate(scene(NULL), work_dir, "faults_clean");
    simtest_sim bad = simtest_simulate(scene(all_faults()), work_dir, "faults_bad");
    if (clean.ok && bad.ok) {
        check_clock(&clean, &bad);
        check_dead(&bad);
        check_config_offset(&bad);
        check_gain(&clean, &bad);
        check_healthy_unchanged(&clean, &bad);
    }
    simtest_sim_free(&clean);
    simtest_sim_free(&bad);
    check_bad_entries();
    return simtest_report("test_sim_faults");
}
