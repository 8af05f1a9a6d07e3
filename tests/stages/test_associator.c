/* Association on onsets placed at arrival times computed here from a
 * source position (straight paths, 340 m/s): the group must hold exactly
 * the wavefront's onsets, whatever order they come in. */
#include <stdlib.h>
#include <string.h>

#include "../dsp/check.h"
#include "earshot/associator.h"

#define N 8
#define FS 48000.0
#define C_MPS 340.0

static double sensor_m[N][3];

static es_associator make_early(size_t early_min)
{
    es_associator_config cfg = {.n_sensors = N, .sample_rate_hz = FS, .c_min_mps = 320.0,
                                .margin_s = 0.02, .early_min = early_min};
    for (int i = 0; i < N; i++) {
        double a = 2.0 * M_PI * i / N;
        sensor_m[i][0] = cfg.sensor_m[i][0] = 300.0 * sin(a);
        sensor_m[i][1] = cfg.sensor_m[i][1] = 300.0 * cos(a);
        sensor_m[i][2] = cfg.sensor_m[i][2] = 1.5;
    }
    return es_associator_create(&cfg, NULL);
}

static es_associator make(void)
{
    return make_early(0);
}

static int64_t arrival_frame(const double src[2], int s, double t0_s)
{
    double d = hypot(src[0] - sensor_m[s][0], src[1] - sensor_m[s][1]);
    return (int64_t)llround((t0_s + d / C_MPS) * FS);
}

static es_onset onset_at(int s, int64_t frame)
{
    es_onset o;
    memset(&o, 0, sizeof o);
    o.sensor = (uint32_t)s;
    o.frame = frame;
    o.snr_db = 20.0f;
    return o;
}

static void test_one_wavefront_any_order(void)
{
    es_associator a = make();
    double src[2] = {2500.0, -1800.0};
    int order[N] = {5, 2, 7, 0, 3, 6, 1, 4};
    int64_t last = 0;
    for (int k = 0; k < N; k++) {
        es_onset o = onset_at(order[k], arrival_frame(src, order[k], 10.0));
        CHECK(es_associator_push(a, &o) == ES_OK, "push");
        last = o.frame > last ? o.frame : last;
    }
    /* A stray onset on sensor 0 two seconds later belongs to nothing. */
    es_onset stray = onset_at(0, last + (int64_t)(2.0 * FS));
    es_associator_push(a, &stray);
    es_onset_group g;
    CHECK(es_associator_poll(a, last + 1, &g) == 1, "all sensors heard: group ready");
    CHECK(g.n == N, "group of %zu, want %d", g.n, N);
    int seen[N] = {0};
    for (size_t k = 0; k < g.n; k++) {
        int s = (int)g.onset[k]->sensor;
        CHECK(g.onset[k]->frame == arrival_frame(src, s, 10.0), "member %d frame", s);
        seen[s]++;
    }
    for (int s = 0; s < N; s++)
        CHECK(seen[s] == 1, "sensor %d appears %d times", s, seen[s]);
    CHECK(es_associator_poll(a, last + 1, &g) == 0, "stray waits for its gate");
    CHECK(es_associator_poll(a, last + (int64_t)(4.0 * FS), &g) == 1, "stray released late");
    CHECK(g.n == 1, "stray alone (%zu)", g.n);
    es_associator_destroy(&a);
    CHECK(a == NULL, "destroy clears the pointer");
}

static void test_gate_and_inconsistent_onset(void)
{
    es_associator a = make();
    double src[2] = {-6000.0, 500.0};
    int64_t first = INT64_MAX;
    for (int s = 1; s < N; s++) { /* sensor 0 is dead */
        es_onset o = onset_at(s, arrival_frame(src, s, 3.0));
        es_associator_push(a, &o);
        first = o.frame < first ? o.frame : first;
    }
    /* Sensor 0 fires 1.5 s after the wavefront's first arrival: farther
     * than any sensor of a 600 m ring can be behind. */
    es_onset late = onset_at(0, first + (int64_t)(1.5 * FS));
    es_associator_push(a, &late);
    es_onset_group g;
    /* Sensor 0 has no onset inside the gate: wait for the gate to close
     * (600 m / 320 m/s + 20 ms ~ 1.9 s). */
    CHECK(es_associator_poll(a, first + (int64_t)(1.0 * FS), &g) == 0, "gate still open");
    CHECK(es_associator_poll(a, first + (int64_t)(2.5 * FS), &g) == 1, "gate closed");
    CHECK(g.n == N - 1, "the late onset is left out (%zu members)", g.n);
    for (size_t k = 0; k < g.n; k++)
        CHECK(g.onset[k]->sensor != 0, "sensor 0 not a member");
    es_associator_destroy(&a);
}

static void test_expected_arrivals_absorbed(void)
{
    es_associator a = make();
    int64_t predicted[N];
    for (int s = 0; s < N; s++)
        predicted[s] = s == 2 ? 480000 : INT64_MIN;
    es_associator_expect(a, predicted, N, 2400);
    es_onset echo = onset_at(2, 480000 + 1000);
    CHECK(es_associator_push(a, &echo) == 1, "an onset at a predicted arrival is absorbed");
    es_onset other = onset_at(2, 480000 + 5000);
    CHECK(es_associator_push(a, &other) == ES_OK, "one outside the tolerance is kept");
    CHECK(es_associator_absorbed(a) == 1, "absorbed count");
    es_associator_destroy(&a);
}

/* A wavefront crossing the array is released early, once, when 5 of its
 * onsets are in (a copy: they stay pending), and the final group of all 8
 * carries the provisional group's id. */
static void test_early_release(void)
{
    es_associator a = make_early(5);
    double src[2] = {-4000.0, 1500.0};
    int64_t t[N];
    int order[N];
    for (int s = 0; s < N; s++) {
        t[s] = arrival_frame(src, s, 3.0);
        order[s] = s;
    }
    for (int i = 1; i < N; i++) /* by arrival time */
        for (int j = i; j > 0 && t[order[j]] < t[order[j - 1]]; j--) {
            int x = order[j]; order[j] = order[j - 1]; order[j - 1] = x;
        }
    es_onset_group g;
    int released = 0;
    uint32_t early_id = 0;
    for (int k = 0; k < N; k++) {
        es_onset o = onset_at(order[k], t[order[k]]);
        es_associator_push(a, &o);
        int got = es_associator_poll(a, t[order[k]] + 1, &g);
        if (k < 4)
            CHECK(got == 0, "released with %d onsets", k + 1);
        if (k == 4) {
            CHECK(got == 1 && g.provisional == 1 && g.n == 5 && g.early_id != 0,
                  "5 onsets: provisional group (got %d, provisional %d, n %zu)", got,
                  got ? g.provisional : -1, got ? g.n : 0);
            early_id = g.early_id;
            released += got;
            CHECK(es_associator_poll(a, t[order[k]] + 1, &g) == 0, "released once only");
        }
        if (k > 4 && k < N - 1)
            CHECK(got == 0, "released again at %d onsets", k + 1);
        if (k == N - 1)
            CHECK(got == 1 && !g.provisional && g.n == N && g.early_id == early_id,
                  "final group of all: provisional %d, n %zu, early id %u (want %u)",
                  got ? g.provisional : -1, got ? g.n : 0, got ? g.early_id : 0, early_id);
    }
    CHECK(released == 1, "one early release");
    es_associator_destroy(&a);
}

/* The arrival at sensor s of the crack of a shell fired at t_fire_s from
 * (gun_e, gun_n, 0) toward bearing dir_rad, climbing at elev_rad, at
 * Mach `mach`: the first sound from the shell's path, min over emission
 * times tau of tau + distance / c (the Mach cone's arrival), found by
 * brute force, independent of the engine's fits. */
static double crack_arrival_s(int s, const double gun[2], double dir_rad, double elev_rad,
                              double mach, double t_fire_s)
{
    double v = mach * C_MPS, best = INFINITY;
    for (double tau = 0.0; tau < 6.0; tau += 1e-5) {
        double along = v * tau * cos(elev_rad);
        double x = gun[0] + along * sin(dir_rad), y = gun[1] + along * cos(dir_rad);
        double z = v * tau * sin(elev_rad);
        double d = sqrt(pow(x - sensor_m[s][0], 2) + pow(y - sensor_m[s][1], 2) +
                        pow(z - sensor_m[s][2], 2));
        best = fmin(best, t_fire_s + tau + d / C_MPS);
    }
    return best;
}

/* An artillery round 1 km out fired over the array: its crack (a line
 * source, sharp and strong) reaches every sensor 0.2-0.5 s before the
 * muzzle blast, inside the pairwise gates, so strongest-first picking
 * would mix cracks and blasts (one sensor missed the crack, so the
 * blast's onset there joins the cracks'). With the point-source choice every group
 * of 4 or more is all crack or all blast, and the blast is one group of
 * all 8. Without it (c_mps 0, the gates alone) the groups mix: the check
 * can fail. */
static int crack_and_blast_groups(double c_mps, int *blast_whole)
{
    es_associator_config cfg = {.n_sensors = N, .sample_rate_hz = FS, .c_min_mps = 320.0,
                                .margin_s = 0.02, .c_mps = c_mps};
    memcpy(cfg.sensor_m, sensor_m, sizeof sensor_m);
    es_associator a = es_associator_create(&cfg, NULL);
    double gun[2] = {-866.0, -500.0}, t_fire = 1.0;
    double toward = atan2(-gun[0], -gun[1]) + 0.15; /* passes beside the centre */
    int64_t crack[N], blast[N], last = 0;
    for (int s = 0; s < N; s++) {
        blast[s] = arrival_frame(gun, s, t_fire);
        crack[s] = (int64_t)llround(crack_arrival_s(s, gun, toward, 0.6, 2.3, t_fire) * FS);
        CHECK(blast[s] - crack[s] > (int64_t)(0.1 * FS) && blast[s] - crack[s] < (int64_t)FS,
              "sensor %d: the crack leads the blast by %.3f s", s, (blast[s] - crack[s]) / FS);
        es_onset c = onset_at(s, crack[s]), b = onset_at(s, blast[s]);
        c.snr_db = 70.0f;
        b.snr_db = 28.0f;
        if (s != 3) /* one sensor missed the crack (its cone passed above) */
            es_associator_push(a, &c);
        es_associator_push(a, &b);
        last = blast[s] > last ? blast[s] : last;
    }
    es_onset_group g;
    int mixed = 0;
    *blast_whole = 0;
    es_associator_drain(a);
    while (es_associator_poll(a, last + (int64_t)(5.0 * FS), &g) == 1) {
        int n_crack = 0, n_blast = 0;
        for (size_t k = 0; k < g.n; k++) {
            int s = (int)g.onset[k]->sensor;
            n_crack += g.onset[k]->frame == crack[s] && s != 3;
            n_blast += g.onset[k]->frame == blast[s];
        }
        mixed += g.n >= 4 && n_crack > 0 && n_blast > 0;
        *blast_whole |= n_blast == N;
    }
    es_associator_destroy(&a);
    return mixed;
}

static void test_crack_and_blast_not_mixed(void)
{
    es_associator ring = make(); /* sets the ring's positions */
    es_associator_destroy(&ring);
    int whole = 0;
    int mixed = crack_and_blast_groups(C_MPS, &whole);
    CHECK(mixed == 0 && whole, "point-source choice: %d mixed groups, blast whole %d", mixed,
          whole);
    mixed = crack_and_blast_groups(0.0, &whole);
    CHECK(mixed > 0, "gates alone mix cracks and blasts (%d mixed groups): the test can fail",
          mixed);
}

int main(void)
{
    test_crack_and_blast_not_mixed();
    test_early_release();
    test_one_wavefront_any_order();
    test_gate_and_inconsistent_onset();
    test_expected_arrivals_absorbed();
    es_associator_config bad = {.n_sensors = 0};
    CHECK(es_associator_create(&bad, NULL) == NULL, "zero sensors refused");
    /* The expected speed of sound must be plausible and not under c_min. */
    es_error err = {{0}};
    es_associator_config slow = {.n_sensors = N, .sample_rate_hz = FS, .c_min_mps = 320.0,
                                 .c_mps = 300.0};
    CHECK(es_associator_create(&slow, &err) == NULL && strstr(err.msg, "300.0 m/s") != NULL,
          "c_mps under c_min refused with a reason: %s", err.msg);
    slow.c_mps = 5000.0;
    CHECK(es_associator_create(&slow, NULL) == NULL, "c_mps 5000 m/s refused");
    return check_report("test_associator");
}
