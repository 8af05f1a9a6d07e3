/* Locate: recovers sources and origin times from exact arrival times over
 * several geometries, winds and temperatures; rejects an outlier; refuses
 * bad input; survives degenerate input. With a prior on the speed of sound
 * (c_sigma_mps > 0) it recovers a true c that differs from the prior, and
 * its covariance matches one computed here from finite differences. */
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
    /* Exact arrivals at a 2-D array rule out every other bearing. */
    CHECK(cfg->n_sensors < 5 || !fix.has_alternative, "%s: alternative (%g, %g) p %g", what,
          fix.alt_e_m, fix.alt_n_m, fix.alt_probability);
    CHECK(fix.c_mps == in.c_mps && fix.c_sigma_mps == 0.0, "%s: fixed c reported %g +- %g",
          what, fix.c_mps, fix.c_sigma_mps);
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
    /* The other image is published as the alternative, equally likely. */
    CHECK(rc == ES_OK && fix.has_alternative && fabs(fix.alt_e_m - fix.e_m) < POS_TOL_M &&
              fabs(fix.alt_n_m + fix.n_m) < POS_TOL_M && fabs(fix.alt_probability - 0.5) < 0.01,
          "line: alternative %d (%g, %g) p %g for fix (%g, %g)", fix.has_alternative,
          fix.alt_e_m, fix.alt_n_m, fix.alt_probability, fix.e_m, fix.n_m);
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
               {"unknown sensor", 4, 8.0}, {"too few", 5, 3.0}, {"too many", 5, 1000.0},
               {"NaN c sigma", 6, NAN}, {"negative c sigma", 6, -1.0},
               {"inf c sigma", 6, INFINITY}, {"tiny c sigma", 6, 1e-9},
               {"prior c below air", 7, 200.0}, {"prior c above air", 7, 500.0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        in = good;
        switch (bad[i].field) {
        case 0: in.arrival_s[2] = bad[i].value; break;
        case 1: in.sigma_s[5] = bad[i].value; break;
        case 2: in.c_mps = bad[i].value; break;
        case 3: in.wind_en_mps[1] = bad[i].value; break;
        case 4: in.sensor[3] = (unsigned)bad[i].value; break;
        case 5: in.n = (size_t)bad[i].value; break;
        case 6: in.c_sigma_mps = bad[i].value; break;
        default: in.c_mps = bad[i].value; in.c_sigma_mps = 5.0; break;
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

/* ---- Speed of sound solved with a prior (c_sigma_mps > 0) ---- */

#define C_PRIOR_SIGMA_MPS 5.0

static double worst_c_pos_err_m, worst_c_err_mps, least_fixed_c_err_m = INFINITY;

/* Exact arrivals at a true c, solved with the prior c_prior +- sigma. */
static int solve_with_prior(es_locate loc, const es_locate_config *cfg, double e_m, double n_m,
                            double c_true, double c_prior, double c_sigma, const double w[2],
                            es_fix *fix)
{
    es_locate_input in;
    exact_input(cfg, e_m, n_m, T0_S, c_true, w, SIGMA_S, &in);
    in.c_mps = c_prior;
    in.c_sigma_mps = c_sigma;
    return es_locate_execute(loc, &in, fix);
}

/* Ring of 8 x 300 m, sources at 1, 4 and 8 km, true c 0.5 % and 1.5 %
 * either side of the prior, calm and 8 m/s wind: position within 0.5 m,
 * c within 0.05 m/s. The data measure c far better than the prior (the
 * posterior sigma is below a tenth of it), so the MAP chi^2 is the prior's
 * term alone: ((c_true - c_prior) / sigma)^2. With c fixed at the prior,
 * the same scenes are metres off, which is what the test guards. */
static void check_speed_recovery(void)
{
    static const double sources[][2] = {{642.8, 766.0}, {1368.1, -3758.8}, {-7727.4, 2070.6}};
    static const double offsets[] = {-0.015, -0.005, 0.005, 0.015};
    es_locate_config cfg;
    ring_config(&cfg, 8, 300.0, 0.0);
    es_locate loc = make_locate(&cfg);
    if (loc == NULL)
        return;
    double c_prior = ref_speed_of_sound(15.0);
    for (size_t s = 0; s < 3; s++) {
        for (size_t o = 0; o < 4; o++) {
            for (int windy = 0; windy < 2; windy++) {
                double e = sources[s][0], n = sources[s][1], w[2];
                double c_true = c_prior * (1.0 + offsets[o]);
                ref_wind(windy ? 8.0 : 0.0, 120.0, w);
                es_fix fix, fixed;
                int rc = solve_with_prior(loc, &cfg, e, n, c_true, c_prior, C_PRIOR_SIGMA_MPS,
                                          w, &fix);
                CHECK(rc == ES_OK, "speed: (%g, %g) c %+g%%: rc %d", e, n, 100 * offsets[o],
                      rc);
                if (rc != ES_OK)
                    continue;
                double err_m = hypot(fix.e_m - e, fix.n_m - n);
                double err_c = fabs(fix.c_mps - c_true);
                double z = (c_true - c_prior) / C_PRIOR_SIGMA_MPS;
                CHECK(err_m <= 0.5 && err_c <= 0.05 && fabs(fix.t0_s - T0_S) < 1e-4,
                      "speed: (%g, %g) c %+g%% wind %d: off %.3g m, c off %.3g m/s", e, n,
                      100 * offsets[o], windy, err_m, err_c);
                CHECK(fix.n_used == 8 && fix.dof == 5 && fix.c_sigma_mps > 0.0 &&
                          fix.c_sigma_mps < 0.1 * C_PRIOR_SIGMA_MPS,
                      "speed: n_used %zu dof %d c sigma %g", fix.n_used, fix.dof,
                      fix.c_sigma_mps);
                CHECK(fabs(fix.chi2 - z * z) < 0.01 * z * z + 1e-6,
                      "speed: chi2 %g, want the prior's term %g", fix.chi2, z * z);
                worst_c_pos_err_m = fmax(worst_c_pos_err_m, err_m);
                worst_c_err_mps = fmax(worst_c_err_mps, err_c);
                if (solve_with_prior(loc, &cfg, e, n, c_true, c_prior, 0.0, w, &fixed) == ES_OK)
                    least_fixed_c_err_m =
                        fmin(least_fixed_c_err_m, hypot(fixed.e_m - e, fixed.n_m - n));
            }
        }
    }
    CHECK(least_fixed_c_err_m > 5.0, "speed: with c fixed the error is only %g m",
          least_fixed_c_err_m);
    es_locate_destroy(&loc);
}

/* Solves (e, n) against its mirror image in the east axis, whichever the
 * fix chose (a line array on that axis cannot tell them apart); returns
 * the squared Mahalanobis distance of the error under the fix's (e, n)
 * covariance, or INFINITY if the solve failed. */
static double mirrored_error(const es_fix *fix, int rc, double e_m, double n_m)
{
    if (rc != ES_OK)
        return INFINITY;
    double de = fix->e_m - e_m, dn = fix->n_m - (fix->n_m * n_m < 0.0 ? -n_m : n_m);
    double a = fix->cov[0][0], b = fix->cov[0][1], d = fix->cov[1][1];
    return (d * de * de - 2.0 * b * de * dn + a * dn * dn) / (a * d - b * b);
}

/* Where the data cannot tell c (a line array: only sin(bearing) / c and
 * the curvature are measured) the prior decides: the posterior sigma is
 * close to the prior's, the solve converges, and a c mismatch shows up as
 * a position error the marginal covariance accounts for. Four sensors
 * spread in 2-D are different: three already measure the slowness vector,
 * whose magnitude is 1 / c, and the fourth the curvature, so the data fix
 * c exactly (no redundancy is left to test it). */
static void check_speed_prior_dominates(void)
{
    static const size_t counts[] = {6, 4};
    static const double spacing_m[] = {150.0, 200.0};
    /* Calm: with wind the mirror image is no longer exact (only close). */
    double c_prior = ref_speed_of_sound(15.0), w[2] = {0.0, 0.0};
    for (size_t k = 0; k < 2; k++) {
        es_locate_config cfg;
        line_config(&cfg, counts[k], spacing_m[k]);
        es_locate loc = make_locate(&cfg);
        if (loc == NULL)
            return;
        for (int off = -1; off <= 1; off++) {
            es_fix fix;
            double c_true = c_prior * (1.0 + 0.005 * off);
            int rc =
                solve_with_prior(loc, &cfg, -4000.0, 6000.0, c_true, c_prior, 3.0, w, &fix);
            double m2 = mirrored_error(&fix, rc, -4000.0, 6000.0);
            CHECK(rc == ES_OK && fix.c_sigma_mps > 0.9 * 3.0 && fix.c_sigma_mps <= 3.0,
                  "line of %zu, c %+d x 0.5%%: rc %d c sigma %g", counts[k], off, rc,
                  fix.c_sigma_mps);
            CHECK(m2 < (off == 0 ? 1e-6 : 1.0),
                  "line of %zu, c %+d x 0.5%%: error %.3g sigma^2, c %g (true %g)", counts[k],
                  off, m2, fix.c_mps, c_true);
            CHECK(fabs(fix.c_mps - c_prior) <= 0.25 * fabs(c_true - c_prior) + 1e-6,
                  "line of %zu: c %g should stay near the prior %g", counts[k], fix.c_mps,
                  c_prior);
            printf("line of %zu at 7.2 km, true c %+.1f%%: c %.3f +- %.3f m/s (prior +- 3), "
                   "error %.3g sigma\n", counts[k], 0.5 * off, fix.c_mps, fix.c_sigma_mps,
                   sqrt(m2));
        }
        es_locate_destroy(&loc);
    }
    es_locate_config cfg;
    ring_config(&cfg, 4, 300.0, 45.0);
    es_locate loc = make_locate(&cfg);
    if (loc == NULL)
        return;
    es_fix fix;
    double c_true = c_prior * 1.005;
    ref_wind(6.0, 30.0, w);
    int rc = solve_with_prior(loc, &cfg, 4000.0, -2500.0, c_true, c_prior, 3.0, w, &fix);
    CHECK(rc == ES_OK && hypot(fix.e_m - 4000.0, fix.n_m + 2500.0) < 0.5 &&
              fabs(fix.c_mps - c_true) < 0.05 && fix.c_sigma_mps < 0.1 * 3.0,
          "4 sensors: rc %d (%g, %g) c %g (true %g) +- %g", rc, fix.e_m, fix.n_m, fix.c_mps,
          c_true, fix.c_sigma_mps);
    es_locate_destroy(&loc);
}

/* Solves a x = b (4 x 4) by Gauss-Jordan elimination with partial pivoting. */
static void gauss_jordan4(double a[4][4], double inv[4][4])
{
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
            inv[r][c] = r == c ? 1.0 : 0.0;
    for (int col = 0; col < 4; col++) {
        int piv = col;
        for (int r = col + 1; r < 4; r++)
            if (fabs(a[r][col]) > fabs(a[piv][col]))
                piv = r;
        for (int c = 0; c < 4; c++) {
            double t = a[col][c]; a[col][c] = a[piv][c]; a[piv][c] = t;
            t = inv[col][c]; inv[col][c] = inv[piv][c]; inv[piv][c] = t;
        }
        double d = a[col][col];
        for (int c = 0; c < 4; c++) {
            a[col][c] /= d;
            inv[col][c] /= d;
        }
        for (int r = 0; r < 4; r++) {
            double f = a[r][col];
            if (r == col || f == 0.0)
                continue;
            for (int c = 0; c < 4; c++) {
                a[r][c] -= f * a[col][c];
                inv[r][c] -= f * inv[col][c];
            }
        }
    }
}

/* Posterior covariance of (e, n, t0, c) at the truth, built from central
 * differences of the reference travel time (not the library's Jacobian)
 * plus the prior's 1 / sigma^2 on c. */
static void reference_cov4(const es_locate_config *cfg, double e_m, double n_m, double c,
                           const double w[2], double c_sigma, double cov[4][4])
{
    const double h_m = 0.01, h_c = 1e-3;
    double a[4][4] = {{0.0}};
    for (size_t i = 0; i < cfg->n_sensors; i++) {
        double sp[3] = {e_m + h_m, n_m, cfg->source_u_m}, sm[3] = {e_m - h_m, n_m, sp[2]};
        double j[4];
        j[0] = (ref_travel_time(sp, cfg->sensor_m[i], c, w) -
                ref_travel_time(sm, cfg->sensor_m[i], c, w)) / (2.0 * h_m);
        sp[0] = sm[0] = e_m;
        sp[1] = n_m + h_m;
        sm[1] = n_m - h_m;
        j[1] = (ref_travel_time(sp, cfg->sensor_m[i], c, w) -
                ref_travel_time(sm, cfg->sensor_m[i], c, w)) / (2.0 * h_m);
        sp[1] = n_m;
        j[2] = 1.0;
        j[3] = (ref_travel_time(sp, cfg->sensor_m[i], c + h_c, w) -
                ref_travel_time(sp, cfg->sensor_m[i], c - h_c, w)) / (2.0 * h_c);
        for (int r = 0; r < 4; r++)
            for (int k = 0; k < 4; k++)
                a[r][k] += j[r] * j[k] / (SIGMA_S * SIGMA_S);
    }
    a[3][3] += 1.0 / (c_sigma * c_sigma);
    gauss_jordan4(a, cov);
}

/* The reported (e, n, t0) covariance is the marginal block of the 4 x 4
 * inverse and c_sigma_mps its c entry: checked against reference_cov4 on a
 * ring with wind (data decide c) and a line array in calm air (the prior
 * has its say), whose mirror-image fix has the mirrored covariance. */
static void check_speed_covariance(void)
{
    for (int k = 0; k < 2; k++) {
        es_locate_config cfg;
        if (k == 0)
            ring_config(&cfg, 8, 300.0, 10.0);
        else
            line_config(&cfg, 6, 150.0);
        es_locate loc = make_locate(&cfg);
        if (loc == NULL)
            return;
        double w[2], ref[4][4], c = ref_speed_of_sound(25.0), e = 1800.0, n = 2400.0;
        ref_wind(k == 0 ? 7.0 : 0.0, 250.0, w);
        es_fix fix;
        int rc = solve_with_prior(loc, &cfg, e, n, c, c, 3.0, w, &fix);
        reference_cov4(&cfg, e, n, c, w, 3.0, ref);
        if (k == 1 && fix.n_m < 0.0) {
            fix.n_m = -fix.n_m;
            fix.cov[0][1] = fix.cov[1][0] = -fix.cov[0][1];
            fix.cov[1][2] = fix.cov[2][1] = -fix.cov[1][2];
        }
        CHECK(rc == ES_OK && fabs(fix.n_m - n) < 1e-3, "covariance %d: rc %d n %g", k, rc,
              fix.n_m);
        double worst = fabs(fix.c_sigma_mps / sqrt(ref[3][3]) - 1.0);
        for (int r = 0; r < 3; r++)
            for (int q = 0; q < 3; q++)
                worst = fmax(worst, fabs(fix.cov[r][q] - ref[r][q]) /
                                        sqrt(ref[r][r] * ref[q][q]));
        CHECK(worst < 1e-4, "covariance %d: worst relative difference %.3g", k, worst);
        printf("speed covariance %s: sd e %.3f n %.3f m, t0 %.3g s, c %.4f m/s "
               "(reference %.4f), worst relative difference %.2g\n", k == 0 ? "ring" : "line",
               sqrt(fix.cov[0][0]), sqrt(fix.cov[1][1]), sqrt(fix.cov[2][2]), fix.c_sigma_mps,
               sqrt(ref[3][3]), worst);
        es_locate_destroy(&loc);
    }
}

/* The robust pass with c free drops the late sensor and only it (with c
 * fixed 1 % off, good sensors are dropped too); the inflated
 * covariance, c's sigma included, scales by chi^2 / dof with the prior's
 * term in chi^2. And a true c outside the air's range is never reported. */
static void check_speed_robust_and_guard(void)
{
    es_locate_config cfg;
    ring_config(&cfg, 8, 300.0, 22.5);
    cfg.outlier_sigma = 4.0;
    es_locate robust = make_locate(&cfg);
    cfg.outlier_sigma = 0.0;
    es_locate plain = make_locate(&cfg);
    cfg.cov_mode = ES_COV_INFLATE;
    es_locate inflating = make_locate(&cfg);
    double w[2], c_prior = ref_speed_of_sound(25.0), c_true = 1.01 * c_prior;
    ref_wind(6.0, 200.0, w);
    es_locate_input in;
    exact_input(&cfg, 2000.0, 1500.0, T0_S, c_true, w, SIGMA_S, &in);
    in.arrival_s[3] += 5e-3;
    in.c_mps = c_prior;
    in.c_sigma_mps = C_PRIOR_SIGMA_MPS;
    es_fix fix, f_plain, f_infl;
    if (robust != NULL && es_locate_execute(robust, &in, &fix) == ES_OK) {
        CHECK(fix.n_used == 7 && fix.used[3] == 0 &&
                  hypot(fix.e_m - 2000.0, fix.n_m - 1500.0) < 0.1 &&
                  fabs(fix.c_mps - c_true) < 0.05,
              "speed robust: n_used %zu (%g, %g) c %g", fix.n_used, fix.e_m, fix.n_m,
              fix.c_mps);
    } else {
        CHECK(0, "speed robust: solve failed");
    }
    in.c_sigma_mps = 0.0;
    if (robust != NULL && es_locate_execute(robust, &in, &fix) == ES_OK) {
        CHECK(fix.n_used < 7, "c fixed 1 %% off: only %zu of 8 kept?", fix.n_used);
        printf("robust pass, c 1 %% off the prior: c fixed keeps %zu of 8 sensors, %.1f m off\n",
               fix.n_used, hypot(fix.e_m - 2000.0, fix.n_m - 1500.0));
    }
    in.c_sigma_mps = C_PRIOR_SIGMA_MPS;
    if (plain != NULL && inflating != NULL &&
        es_locate_execute(plain, &in, &f_plain) == ES_OK &&
        es_locate_execute(inflating, &in, &f_infl) == ES_OK) {
        double k = f_plain.chi2 / f_plain.dof;
        CHECK(k > 1.0 && fabs(f_infl.cov[0][0] / f_plain.cov[0][0] - k) < 1e-6 * k &&
                  fabs(f_infl.c_sigma_mps / f_plain.c_sigma_mps - sqrt(k)) < 1e-6 * k,
              "speed inflate: ratio %g want %g", f_infl.cov[0][0] / f_plain.cov[0][0], k);
    } else {
        CHECK(0, "speed inflate: solve failed");
    }
    /* Sound at 460 m/s (not air), prior 400 +- 50: refused or kept in range. */
    exact_input(&cfg, 1000.0, -700.0, T0_S, 460.0, w, SIGMA_S, &in);
    in.c_mps = 400.0;
    in.c_sigma_mps = 50.0;
    int rc = plain ? es_locate_execute(plain, &in, &fix) : ES_EINVAL;
    CHECK(rc == ES_ENOCONV || (rc == ES_OK && fix.c_mps >= 250.0 && fix.c_mps <= 420.0),
          "unphysical c: rc %d c %g", rc, fix.c_mps);
    es_locate_destroy(&robust);
    es_locate_destroy(&plain);
    es_locate_destroy(&inflating);
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
    check_speed_recovery();
    check_speed_prior_dominates();
    check_speed_covariance();
    check_speed_robust_and_guard();
    printf("locate: worst position error %.3g m, worst origin-time error %.3g s\n",
           worst_pos_err_m, worst_t0_err_s);
    printf("locate, c solved (prior +- %g m/s, true c 0.5 and 1.5 %% off): worst position "
           "error %.3g m, worst c error %.3g m/s; with c fixed the least error is %.3g m\n",
           C_PRIOR_SIGMA_MPS, worst_c_pos_err_m, worst_c_err_mps, least_fixed_c_err_m);
    return check_report("test_locate");
}
