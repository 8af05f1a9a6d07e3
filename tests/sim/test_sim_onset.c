/* Onsets: in a scene without noise (scenes/quiet.json), for every source
 * and microphone, nothing in the recording precedes the truth's arrival
 * time, and the first sample above 1e-3 of that arrival's peak follows it
 * closely: within one sample when the path has no absorption (the analytic
 * waveform placed at the exact fractional arrival), within 0.5 ms with
 * ISO 9613-1 absorption (whose causal minimum-phase filter legitimately
 * rounds the onset: up to ~11 samples at 3 km). A bias of 1 ms either way
 * fails both. The artillery shell's crack (its truth's "crack_arrivals")
 * is checked the same way. The truth's arrival times themselves are
 * checked against the closed-form travel time in wind. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "simtest.h"

#define SIMTEST_PI 3.14159265358979323846

static double closed_form_time(const double s[3], const double r[3], double c, const double w[2])
{
    double d[3] = {r[0] - s[0], r[1] - s[1], r[2] - s[2]};
    double dw = d[0] * w[0] + d[1] * w[1], w2 = w[0] * w[0] + w[1] * w[1];
    double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2], a = c * c - w2;
    return (-dw + sqrt(dw * dw + a * d2)) / a;
}

/* Without absorption the wavefront arrives at the closed-form time. With
 * it, the low frequencies do (air.c's speed of sound is the low-frequency
 * limit) and the wavefront leads them (absorb.h): never later, and by no
 * more than a speed excess of MAX_DISPERSION_MPS, above what the oxygen
 * and nitrogen relaxations of air can give (about 0.1 m/s together). */
#define MAX_DISPERSION_MPS 0.2

static void check_truth_times(const json_t *truth)
{
    const json_t *atm = json_object_get(truth, "atmosphere");
    double c = simtest_num(atm, "speed_of_sound_mps");
    double ws = simtest_num(atm, "wind_speed_mps");
    double to = (simtest_num(atm, "wind_from_deg") + 180.0) * SIMTEST_PI / 180.0;
    double w[2] = {ws * sin(to), ws * cos(to)};
    const json_t *sensors = json_object_get(truth, "sensors"), *s;
    int absorption = json_is_true(json_object_get(atm, "absorption"));
    double worst_excess = 0.0;
    size_t i;
    json_array_foreach(json_object_get(truth, "sources"), i, s) {
        if (strcmp(json_string_value(json_object_get(s, "type")), "thunder") == 0)
            continue; /* its channel is not in the truth */
        double src[3] = {simtest_num(s, "e_m"), simtest_num(s, "n_m"), simtest_num(s, "u_m")};
        for (size_t k = 0; k < json_array_size(sensors); k++) {
            const json_t *m = json_array_get(sensors, k);
            double mic[3] = {simtest_num(m, "e_m"), simtest_num(m, "n_m"), simtest_num(m, "u_m")};
            double travel = closed_form_time(src, mic, c, w);
            double want = simtest_num(s, "t_origin_s") + travel;
            double got = simtest_num(json_array_get(json_object_get(s, "arrivals"), k), "t_s");
            double lead_max = absorption ? travel * MAX_DISPERSION_MPS / c : 0.0;
            CHECK(got <= want + 1e-9 && got >= want - lead_max - 1e-9,
                  "source %zu at sensor %zu: truth %.9f s, closed form %.9f s (lead allowed "
                  "0..%.6f s)", i, k, got, want, lead_max);
            worst_excess = fmax(worst_excess, (want - got) * c / travel);
        }
    }
    printf("wavefront ahead of distance / c by at most %.4f m/s of speed\n", worst_excess);
}

/* One arrival list (a source's "arrivals" or "crack_arrivals"): silence
 * before each, onset within max_lag; the latest onset's lag, samples. */
static double check_list(const simtest_audio *a, const json_t *s, size_t i, const char *list,
                         double max_lag, const char *what)
{
    const json_t *arr = json_object_get(s, list);
    double worst = 0.0;
    for (size_t k = 0; k < json_array_size(arr); k++) {
        const json_t *v = json_array_get(arr, k);
        if (json_is_null(json_object_get(v, "t_s")))
            continue; /* nothing reaches this microphone */
        double at = simtest_num(v, "sample");
        double thr = 1e-3 * pow(10.0, simtest_num(v, "peak_dbfs") / 20.0);
        long long lo = (long long)floor(at - 0.25 * a->rate);
        long long hi = (long long)ceil(at + 0.25 * a->rate);
        double first = NAN, loud_before = 0.0;
        for (long long n = lo < 0 ? 0 : lo; n < hi; n++) {
            double x = fabs(simtest_sample(a, (size_t)n, (int)k));
            if ((double)n < at)
                loud_before = fmax(loud_before, x);
            if (x > thr && isnan(first))
                first = (double)n;
        }
        CHECK(loud_before <= thr, "%s: source %zu %s sensor %zu: %.3g before the arrival "
              "(threshold %.3g)", what, i, list, k, loud_before, thr);
        CHECK(first >= at && first - at < max_lag, "%s: source %zu (%s) %s sensor %zu: onset "
              "at sample %.2f, truth %.2f", what, i,
              json_string_value(json_object_get(s, "type")), list, k, first, at);
        worst = fmax(worst, first - at);
    }
    return worst;
}

/* Every source at every microphone (and every shell's crack): silence
 * before, onset within max_lag. */
static void check_onsets(const simtest_audio *a, const json_t *truth, double max_lag,
                         const char *what)
{
    const json_t *s;
    size_t i, n_cracks = 0;
    double worst = 0.0;
    json_array_foreach(json_object_get(truth, "sources"), i, s) {
        worst = fmax(worst, check_list(a, s, i, "arrivals", max_lag, what));
        if (json_object_get(s, "crack_arrivals") != NULL) {
            worst = fmax(worst, check_list(a, s, i, "crack_arrivals", max_lag, what));
            n_cracks++;
        }
    }
    CHECK(n_cracks > 0, "%s: the scene's artillery has no crack_arrivals", what);
    printf("%s: latest onset %.2f samples after the truth's arrival (%zu shells' cracks "
           "included)\n", what, worst, n_cracks);
}

static void run_variant(json_t *scenario, const char *dir, const char *prefix, double max_lag)
{
    es_sim_outputs out;
    simtest_audio a;
    json_t *truth = NULL;
    int ok = simtest_run(scenario, dir, prefix, NULL, &out) == ES_OK &&
             simtest_read_audio(out.audio_path, &a) == 0 &&
             (truth = simtest_load_json(out.truth_path)) != NULL;
    CHECK(ok, "simulating %s", prefix);
    if (!ok)
        return;
    check_truth_times(truth);
    check_onsets(&a, truth, max_lag, prefix);
    simtest_audio_free(&a);
    json_decref(truth);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_sim_onset QUIET.json WORK_DIR\n");
        return 2;
    }
    json_t *sc = simtest_load_scenario(argv[1]);
    CHECK(sc != NULL, "loading %s", argv[1]);
    if (sc == NULL)
        return simtest_report("sim_onset");
    run_variant(sc, argv[2], "quiet", 0.5e-3 * 48000.0);
    json_object_set_new(json_object_get(sc, "atmosphere"), "absorption", json_false());
    run_variant(sc, argv[2], "quiet_noabs", 1.0);
    json_decref(sc);
    return simtest_report("sim_onset");
}
