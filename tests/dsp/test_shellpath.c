/* A shell's crack (dsp/shellpath.c): the arrival against a brute-force
 * minimum of t(tau) = tau + |P(tau) - S| / c over the ballistic arc
 * written out here on its own; a flight recovered from the arrivals it
 * makes; a point source's wavefront (another launch) fitting no flight
 * from the gun; bad input refused with a reason. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "earshot/shellpath.h"

#define G_MPS2 9.81
#define C_MPS 340.0

/* The first arrival of the cone at s: the least t(tau) over a 0.1 ms grid
 * of the flight while the shell is supersonic and in the air, if it is an
 * interior minimum (not at the muzzle or the landing). */
static double brute_arrival_s(const es_shell_flight *f, const double s[3])
{
    double az = f->azimuth_deg * TEST_PI / 180.0, el = f->elevation_deg * TEST_PI / 180.0;
    double vx = f->speed_mps * cos(el) * sin(az), vy = f->speed_mps * cos(el) * cos(az);
    double vz = f->speed_mps * sin(el);
    double best = INFINITY, best_tau = 0.0, step = 1e-4, end = 0.0;
    for (double tau = 0.0; tau < 60.0; tau += step) {
        double z = f->gun_m[2] + vz * tau - 0.5 * G_MPS2 * tau * tau;
        double w = vz - G_MPS2 * tau;
        if (z < 0.0 || vx * vx + vy * vy + w * w <= C_MPS * C_MPS)
            break;
        double dx = f->gun_m[0] + vx * tau - s[0], dy = f->gun_m[1] + vy * tau - s[1];
        double t = tau + sqrt(dx * dx + dy * dy + (z - s[2]) * (z - s[2])) / C_MPS;
        if (t < best) {
            best = t;
            best_tau = tau;
        }
        end = tau;
    }
    if (best_tau <= step || best_tau >= end - step)
        return NAN;
    return f->t_fire_s + best;
}

static void test_arrival_against_brute_force(void)
{
    /* A 155 mm-like shot 6 km south of the camp, aimed north at it. */
    es_shell_flight f = {{0.0, -6000.0, 1.0}, 2.0, 0.0, 40.0, 2.3 * C_MPS};
    const double sensors[][3] = {{0, 0, 1.5},      {300, 100, 1.5}, {-500, -200, 1.5},
                                 {800, -3000, 1.5}, {-1500, -4500, 1.5}, {2000, 500, 1.5}};
    for (size_t i = 0; i < sizeof sensors / sizeof sensors[0]; i++) {
        double want = brute_arrival_s(&f, sensors[i]);
        double got = es_shell_crack_arrival_s(&f, C_MPS, sensors[i]);
        CHECK(isfinite(want), "sensor %zu: brute force finds no crack", i);
        CHECK_NEAR(got, want, 2e-5, "crack arrival (s)");
    }
    /* Behind the gun the cone never arrives: t(tau) only grows. */
    const double behind[3] = {0.0, -9000.0, 1.5};
    CHECK(isnan(es_shell_crack_arrival_s(&f, C_MPS, behind)), "a crack behind the gun");
    /* A shot too slow to outrun its sound makes no crack. */
    es_shell_flight slow = f;
    slow.speed_mps = 0.9 * C_MPS;
    CHECK(isnan(es_shell_crack_arrival_s(&slow, C_MPS, sensors[0])), "a subsonic shell's crack");
}

/* Arrivals of flight f at n sensors, with a seeded +-noise_s uniform error. */
static void arrivals_of(const es_shell_flight *f, const double (*s)[3], size_t n, double noise_s,
                        double *t)
{
    test_rng rng = {0x5EED5EEDULL};
    for (size_t i = 0; i < n; i++)
        t[i] = es_shell_crack_arrival_s(f, C_MPS, s[i]) + noise_s * (2.0 * test_uniform(&rng) - 1.0);
}

static void line_of(double (*s)[3], size_t n, double length_m, double bearing_deg)
{
    double b = bearing_deg * TEST_PI / 180.0;
    for (size_t i = 0; i < n; i++) {
        double x = length_m * ((double)i / (double)(n - 1) - 0.5);
        s[i][0] = x * sin(b);
        s[i][1] = x * cos(b);
        s[i][2] = 1.5;
    }
}

static void test_fit_recovers_flight(void)
{
    double s[12][3], t[12];
    line_of(s, 12, 500.0, 60.0);
    /* Aimed 4 deg to the east of the camp from 5 km south-south-west. */
    double gun[3] = {-1700.0, -4700.0, 1.0};
    double aim_az = atan2(-gun[0], -gun[1]) * 180.0 / TEST_PI;
    es_shell_flight truth = {{gun[0], gun[1], gun[2]}, -3.0, aim_az + 4.0, 38.0, 2.2 * C_MPS};
    arrivals_of(&truth, (const double(*)[3])s, 12, 2e-4, t);
    es_shell_crack_obs obs = {.gun_m = {gun[0], gun[1], gun[2]},
                              .t_fire_s = -3.0,
                              .c_mps = C_MPS,
                              .n = 12,
                              .sensor_m = (const double(*)[3])s,
                              .arrival_s = t};
    es_shell_crack_fit fit;
    es_error err;
    CHECK(es_shell_crack_fit_execute(&obs, &fit, &err) == ES_OK, "fit: %s", err.msg);
    /* The noise is uniform +-0.2 ms: its RMS is 0.115 ms. */
    CHECK(fit.rms_s <= 2e-4, "a flight's own crack fits to %.3f ms", fit.rms_s * 1e3);
    CHECK_NEAR(fit.flight.elevation_deg, 38.0, 1.5, "elevation (deg)");
    CHECK_NEAR(fit.flight.speed_mps / C_MPS, 2.2, 0.05, "Mach number");
    CHECK_NEAR(fit.flight.azimuth_deg, aim_az + 4.0, 1.5, "azimuth (deg)");
}

/* A real launch's blast (a point source) heard on a ring: no flight from
 * the gun makes that wavefront. */
static void test_point_source_fits_no_flight(void)
{
    double s[8][3], t[8];
    for (int i = 0; i < 8; i++) {
        double a = i * TEST_PI / 4.0;
        s[i][0] = 200.0 * sin(a);
        s[i][1] = 200.0 * cos(a);
        s[i][2] = 1.5;
    }
    const double src[3] = {-2500.0, -3000.0, 1.0}; /* fired 0.3 s after the gun */
    for (int i = 0; i < 8; i++)
        t[i] = 0.3 + sqrt((s[i][0] - src[0]) * (s[i][0] - src[0]) +
                          (s[i][1] - src[1]) * (s[i][1] - src[1]) +
                          (s[i][2] - src[2]) * (s[i][2] - src[2])) / C_MPS;
    es_shell_crack_obs obs = {.gun_m = {-1700.0, -4700.0, 1.0},
                              .t_fire_s = 0.0,
                              .c_mps = C_MPS,
                              .n = 8,
                              .sensor_m = (const double(*)[3])s,
                              .arrival_s = t};
    es_shell_crack_fit fit;
    es_error err;
    CHECK(es_shell_crack_fit_execute(&obs, &fit, &err) == ES_OK, "fit: %s", err.msg);
    CHECK(fit.rms_s > 0.02, "a point source fits a flight to %.2f ms", fit.rms_s * 1e3);
}

static void test_bad_input(void)
{
    double s[3][3] = {{0, 0, 0}, {100, 0, 0}, {0, 100, 0}}, t[3] = {1.0, 1.1, NAN};
    es_shell_crack_obs obs = {.c_mps = C_MPS, .n = 2, .sensor_m = (const double(*)[3])s,
                              .arrival_s = t};
    es_shell_crack_fit fit;
    es_error err = {0};
    CHECK(es_shell_crack_fit_execute(&obs, &fit, &err) == ES_EINVAL, "2 sensors accepted");
    CHECK(err.msg[0] != '\0', "no reason given");
    obs.n = 3;
    CHECK(es_shell_crack_fit_execute(&obs, &fit, &err) == ES_EINVAL, "a NaN arrival accepted");
    t[2] = 1.2;
    obs.c_mps = 30.0;
    CHECK(es_shell_crack_fit_execute(&obs, &fit, &err) == ES_EINVAL, "c = 30 m/s accepted");
}

int main(void)
{
    test_arrival_against_brute_force();
    test_fit_recovers_flight();
    test_point_source_fits_no_flight();
    test_bad_input();
    return check_report("dsp_shellpath");
}
