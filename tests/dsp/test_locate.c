/* Locate: recovers sources and origin times from exact arrival times over
 * several geometries, winds and temperatures; rejects an outlier; refuses
 * bad input; survives degenerate input. */
#include <stdlib.h>

#include "locate_common.h"

#define T0_S 12345.678
#define SIGMA_S 30e-6
#define POS_TOL_M 0.01
#define T0_TOL_S 1e-6

static double worst_pos_err_m, worst_t0_err_s;

static es_locate make_locate(const es_locate_config *cfg)
{
    es_error err = {{0}};
    es_locate loc = es_locate_create(cfg, &err);
    CHECK(loc != NULL, "create failed: %s", err.msg);
    return loc;
}

/* Solves exact arrivals of (e, n) and checks position and origin time. */
static void check_exact(es_locate loc, const es_locate_config *cfg, const char *what,
                        double e_m, double n_m, double temp_c, double wind_mps,
                        double wind_from_deg)
{
    double w[2];
    ref_wind(wind_mps, wind_from_deg, w);
    es_locate_input in;
    exact_input(cfg, e_m, n_m, T0_S, ref_speed_of_sound(temp_c), w, SIGMA_S, &in);
    es_fix fix;
    int rc = es_locate_execute(loc, &in, &fix);
    CHECK(rc == ES_OK, "%s (%g, %g) %g C wind %g from %g: rc %d", what, e_m, n_m, temp_c,
          wind_mps, wind_from_deg, rc);
    if (rc != ES_OK)
        return;
    double err_m = hypot(fix.e_m - e_m, fix.n_m - n_m);
    double err_t0 = fabs(fix.t0_s - T0_S);
    CHECK(err_m <= POS_TOL_M && err_t0 <= T0_TOL_S,
          "%s (%g, %g) %g C wind %g from %g: got (%.4f, %.4f) t0 err %.3g s", what, e_m,
          n_m, temp_c, wind_mps, wind_from_deg, fix.e_m, fix.n_m, err_t0);
    CHECK(fix.n_used == cfg->n_sensors && fix.dof == (int)cfg->n_sensors - 3,
          "%s: n_used %zu dof %d", what, fix.n_used, fix.dof);
    CHECK(fix.u_m == cfg->source_u_m, "%s: u_m %g", what, fix.u_m);
    for (size_t i = 0; i < in.n; i++)
        CHECK(fabs(fix.residual_s[i]) < 1e-9 && fix.used[i] == 1, "%s: residual[%zu] %g",
              what, i, fix.residual_s[i]);
    worst_pos_err_m = fmax(worst_pos_err_m, err_m);
    worst_t0_err_s = fmax(worst_t0_err_s, err_t0);
}

/* Ring of 8 x 300 m: far, mid and near sources and two inside the ring,
 * calm and 8 m/s winds from four directions, at -10, 15 and 40 C. */
static void check_ring(void)
{
    static const double sources[][2] = {
        {500.0, 866.0}, {2828.4, -2828.4}, {-7517.5, -2736.0},
        {60.0, -110.0}, {-200.0, 150.0},   {9000.0, 4000.0},
    };
    static const double winds[][2] = {{0.0, 0.0}, {8.0, 0.0}, {8.0, 90.0},
                                      {8.0, 225.0}, {8.0, 300.0}};
    static const double temps[] = {-10.0, 15.0, 40.0};
    es_locate_config cfg;
    ring_config(&cfg, 8, 300.0, 0.0);
    es_locate loc = make_locate(&cfg);
    if (loc == NULL)
        return;
    for (size_t s = 0; s < sizeof sources / sizeof sources[0]; s++)
        for (size_t w = 0; w < sizeof winds / sizeof winds[0]; w++)
            for (size_t t = 0; t < sizeof temps / sizeof temps[0]; t++)
                check_exact(loc, &cfg, "ring", sources[s][0], sources[s][1], temps[t],
                            winds[w][0], winds[w][1]);
    es_locate_destroy(&loc);
    CHECK(loc == NULL, "destroy must clear the pointer");
}

/* A compact cluster (50 m) and a source height other than 0. */
static void check_cluster(void)
{
    static const double pos[][2] = {{0, 0}, {40, 5}, {-10, 35}, {-30, -25}, {15, -40}};
    es_locate_config cfg;
    ring_config(&cfg, 5, 1.0, 0.0);
    for (size_t i = 0; i < 5; i++) {
        cfg.sensor_m[i][0] = pos[i][0];
        cfg.sensor_m[i][1] = pos[i][1];
    }
    cfg.source_u_m = 3.0;
    es_locate loc = make_locate(&cfg);
    if (loc == NULL)
        return;
    check_exact(loc, &cfg, "cluster", -513.0, -1409.5, 20.0, 0.0, 0.0);
    check_exact(loc, &cfg, "cluster", 700.0, 300.0, 5.0, 8.0, 45.0);
    es_locate_destroy(&loc);
}

/* Collinear sensors cannot tell a source from its mirror image: either is
 * a correct answer. */
static void check_line(void)
{
    es_locate_config cfg;
    ring_config(&cfg, 4, 1.0, 0.0);
    for (size_t i = 0; i < 4; i++) {
        cfg.sensor_m[i][0] = -450.0 + 300.0 * (double)i;
        cfg.sensor_m[i][1] = 0.0;
    }
    es_locate loc = make_locate(&cfg);
    if (loc == NULL)
        return;
    double w[2] = {0.0, 0.0};
    es_locate_input in;
    exact_input(&cfg, 1000.0, 2000.0, T0_S, 340.0, w, SIGMA_S, &in);
    es_fix fix;
    int rc = es_locate_execute(loc, &in, &fix);
    double err = fmin(hypot(fix.e_m - 1000.0, fix.n_m - 2000.0),
                      hypot(fix.e_m - 1000.0, fix.n_m + 2000.0));
    CHECK(rc == ES_OK && err < POS_TOL_M, "line: rc %d (%g, %g)", rc, fix.e_m, fix.n_m);
    /* All arrivals equal on a line: the source would be infinitely far
     * broadside. Any status but no crash and no fake precision. */
    for (size_t i = 0; i < in.n; i++)
        in.arrival_s[i] = T0_S;
    rc = es_locate_execute(loc, &in, &fix);
    CHECK(rc == ES_OK || rc == ES_ENOCONV, "line, equal arrivals: rc %d", rc);
    es_locate_destroy(&loc);
}

/* All arrivals equal on a ring: the source is at the centre. */
static void check_equal_arrivals_ring(void)
{
    es_locate_config cfg;
    ring_config(&cfg, 8, 300.0, 0.0);
    es_locate loc = make_locate(&cfg);
    if (loc == NULL)
        return;
    es_locate_input in;
    double w[2] = {0.0, 0.0};
    exact_input(&cfg, 0.0, 0.0, T0_S, 340.0, w, SIGMA_S, &in);
    for (size_t i = 0; i < in.n; i++)
        in.arrival_s[i] = 100.0;
    es_fix fix;
    int rc = es_locate_execute(loc, &in, &fix);
    double t0_want = 100.0 - hypot(300.0, SENSOR_HEIGHT_M) / 340.0;
    CHECK(rc == ES_OK && hypot(fix.e_m, fix.n_m) < POS_TOL_M &&
              fabs(fix.t0_s - t0_want) < T0_TOL_S,
          "equal arrivals: rc %d (%g, %g) t0 %.9f want %.9f", rc, fix.e_m, fix.n_m, fix.t0_s,
          t0_want);
    es_locate_destroy(&loc);
}

/* One arrival 5 ms late among 8: rejected, the fix unharmed. */
static void check_outlier(size_t bad, double offset_s, double e_m, double n_m)
{
    es_locate_config cfg;
    ring_config(&cfg, 8, 300.0, 22.5);
    cfg.outlier_sigma = 4.0;
    es_locate loc = make_locate(&cfg);
    if (loc == NULL)
        return;
    double w[2];
    ref_wind(6.0, 200.0, w);
    es_locate_input in;
    exact_input(&cfg, e_m, n_m, T0_S, ref_speed_of_sound(25.0), w, SIGMA_S, &in);
    in.arrival_s[bad] += offset_s;
    es_fix fix;
    int rc = es_locate_execute(loc, &in, &fix);
    CHECK(rc == ES_OK, "outlier: rc %d", rc);
    if (rc == ES_OK) {
        double err = hypot(fix.e_m - e_m, fix.n_m - n_m);
        CHECK(err < 0.1, "outlier %zu: fix off by %g m", bad, err);
        CHECK(fix.n_used == 7 && fix.used[bad] == 0, "outlier %zu: n_used %zu used %d", bad,
              fix.n_used, fix.used[bad]);
        CHECK(fabs(fix.residual_s[bad] - offset_s) < 1e-6,
              "outlier %zu: its residual %g, want %g", bad, fix.residual_s[bad], offset_s);
        for (size_t i = 0; i < in.n; i++)
            if (i != bad)
                CHECK(fix.used[i] == 1, "outlier: sensor %zu wrongly rejected", i);
    }
    /* With the robust pass off the outlier stays in and costs accuracy;
     * the inflated covariance is the a-priori one times chi^2/dof. */
    cfg.outlier_sigma = 0.0;
    es_locate plain = make_locate(&cfg);
    cfg.cov_mode = ES_COV_INFLATE;
    es_locate inflating = make_locate(&cfg);
    es_fix f_plain, f_infl;
    if (plain != NULL && inflating != NULL &&
        es_locate_execute(plain, &in, &f_plain) == ES_OK &&
        es_locate_execute(inflating, &in, &f_infl) == ES_OK) {
        CHECK(f_plain.n_used == 8 && hypot(f_plain.e_m - e_m, f_plain.n_m - n_m) > 0.1,
              "robust pass off: n_used %zu", f_plain.n_used);
        double k = f_plain.chi2 / f_plain.dof;
        CHECK(k > 1.0 && fabs(f_infl.cov[0][0] / f_plain.cov[0][0] - k) < 1e-6 * k,
              "inflate: ratio %g want %g", f_infl.cov[0][0] / f_plain.cov[0][0], k);
    } else {
        CHECK(0, "robust pass off: solve failed");
    }
    es_locate_destroy(&plain);
    es_locate_destroy(&inflating);
    es_locate_destroy(&loc);
}

static void check_bad_input(void)
{
    es_locate_config cfg;
    ring_config(&cfg, 8, 300.0, 0.0);
    es_locate loc = make_locate(&cfg);
    if (loc == NULL)
        return;
    double w[2] = {0.0, 0.0};
    es_locate_input good, in;
    exact_input(&cfg, 1000.0, 1000.0, T0_S, 340.0, w, SIGMA_S, &good);
    es_fix fix;
    struct {
        const char *what;
        int field;
        double value;
    } bad[] = {{"NaN arrival", 0, NAN}, {"inf arrival", 0, INFINITY}, {"zero sigma", 1, 0.0},
               {"negative sigma", 1, -1e-5}, {"NaN sigma", 1, NAN}, {"NaN c", 2, NAN},
               {"zero c", 2, 0.0}, {"wind = c", 3, 340.0}, {"NaN wind", 3, NAN},
               {"unknown sensor", 4, 8.0}, {"too few", 5, 3.0}, {"too many", 5, 1000.0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        in = good;
        switch (bad[i].field) {
        case 0: in.arrival_s[2] = bad[i].value; break;
        case 1: in.sigma_s[5] = bad[i].value; break;
        case 2: in.c_mps = bad[i].value; break;
        case 3: in.wind_en_mps[1] = bad[i].value; break;
        case 4: in.sensor[3] = (unsigned)bad[i].value; break;
        default: in.n = (size_t)bad[i].value; break;
        }
        CHECK(es_locate_execute(loc, &in, &fix) == ES_EINVAL, "%s accepted", bad[i].what);
    }
    CHECK(es_locate_execute(NULL, &good, &fix) == ES_EINVAL, "NULL locator");
    CHECK(es_locate_execute(loc, NULL, &fix) == ES_EINVAL, "NULL input");
    CHECK(es_locate_execute(loc, &good, NULL) == ES_EINVAL, "NULL output");
    CHECK(es_locate_execute(loc, &good, &fix) == ES_OK, "good input after bad ones");
    es_locate_destroy(&loc);
    es_locate_destroy(&loc);
    es_locate_destroy(NULL);
}

static void check_bad_config(void)
{
    for (int i = 0; i < 9; i++) {
        es_locate_config cfg;
        ring_config(&cfg, 8, 300.0, 0.0);
        switch (i) {
        case 0: cfg.n_sensors = 3; break;
        case 1: cfg.n_sensors = ES_MAX_SENSORS + 1; break;
        case 2: cfg.min_sensors = 3; break;
        case 3: cfg.min_sensors = 9; break;
        case 4: cfg.search_max_range_m = 0.0; break;
        case 5: cfg.max_iterations = 0; break;
        case 6: cfg.cov_mode = (es_cov_mode)7; break;
        case 7: cfg.outlier_sigma = -1.0; break;
        default: cfg.sensor_m[4][1] = NAN; break;
        }
        es_error err = {{0}};
        es_locate loc = es_locate_create(&cfg, &err);
        CHECK(loc == NULL && err.msg[0] != '\0', "bad config %d accepted", i);
        es_locate_destroy(&loc);
    }
    es_error err = {{0}};
    CHECK(es_locate_create(NULL, &err) == NULL, "NULL config accepted");
}

int main(void)
{
    check_ring();
    check_cluster();
    check_line();
    check_equal_arrivals_ring();
    check_outlier(3, 5e-3, 2000.0, 1500.0);
    check_outlier(6, -5e-3, -3500.0, 800.0);
    check_outlier(0, 5e-3, 150.0, -90.0);
    check_bad_input();
    check_bad_config();
    printf("locate: worst position error %.3g m, worst origin-time error %.3g s\n",
           worst_pos_err_m, worst_t0_err_s);
    return check_report("test_locate");
}
