/* Covariance honesty: over many noisy trials (Gaussian arrival noise of the
 * stated sigma, fixed seed) the scatter of the solved positions must match
 * the a-priori covariance the solver reports: the principal standard
 * deviations within 20 %, the orientation within a few degrees, the origin
 * time's spread within 20 %, and no bias beyond the sampling error. */
#include <stdlib.h>

#include "locate_common.h"

#define TRIALS 2000
#define T0_S 500.0

typedef struct {
    double s_major, s_minor, orient_deg; /* orientation clockwise from north */
} ellipse;

/* Principal axes of a 2x2 covariance (e, n), written out here rather than
 * taken from es_uncertainty so the test stays independent. */
static ellipse ellipse_of(double vee, double vnn, double ven)
{
    double mean = 0.5 * (vee + vnn), dev = hypot(0.5 * (vee - vnn), ven);
    ellipse el;
    el.s_major = sqrt(mean + dev);
    el.s_minor = sqrt(fmax(mean - dev, 0.0));
    double ccw_east_deg = 0.5 * atan2(2.0 * ven, vee - vnn) * 180.0 / TEST_PI;
    el.orient_deg = fmod(90.0 - ccw_east_deg + 360.0, 180.0);
    return el;
}

/* Difference of two axis orientations, in [0, 90]. */
static double axis_diff_deg(double a, double b)
{
    double d = fmod(fabs(a - b), 180.0);
    return d > 90.0 ? 180.0 - d : d;
}

static void run_mc(const char *what, double e_m, double n_m, double sigma_s, double wind_mps,
                   double wind_from_deg, uint64_t seed)
{
    es_locate_config cfg;
    ring_config(&cfg, 8, 300.0, 10.0);
    es_error err = {{0}};
    es_locate loc = es_locate_create(&cfg, &err);
    CHECK(loc != NULL, "create: %s", err.msg);
    if (loc == NULL)
        return;
    double w[2];
    ref_wind(wind_mps, wind_from_deg, w);
    es_locate_input exact, in;
    exact_input(&cfg, e_m, n_m, T0_S, ref_speed_of_sound(15.0), w, sigma_s, &exact);
    es_fix ref;
    CHECK(es_locate_execute(loc, &exact, &ref) == ES_OK, "%s: exact solve", what);
    test_rng rng = test_rng_make(seed);
    double se = 0, sn = 0, st = 0, see = 0, snn = 0, sen = 0, stt = 0;
    int ok = 0;
    for (int t = 0; t < TRIALS; t++) {
        in = exact;
        for (size_t i = 0; i < in.n; i++)
            in.arrival_s[i] += sigma_s * test_gauss(&rng);
        es_fix fix;
        if (es_locate_execute(loc, &in, &fix) != ES_OK)
            continue;
        double de = fix.e_m - e_m, dn = fix.n_m - n_m, dt = fix.t0_s - T0_S;
        se += de; sn += dn; st += dt;
        see += de * de; snn += dn * dn; sen += de * dn; stt += dt * dt;
        ok++;
    }
    CHECK(ok == TRIALS, "%s: %d of %d trials solved", what, ok, TRIALS);
    double me = se / ok, mn = sn / ok, mt = st / ok;
    double vee = see / ok - me * me, vnn = snn / ok - mn * mn, ven = sen / ok - me * mn;
    double vtt = stt / ok - mt * mt;
    ellipse mc = ellipse_of(vee, vnn, ven);
    ellipse rep = ellipse_of(ref.cov[0][0], ref.cov[1][1], ref.cov[0][1]);
    double r_major = mc.s_major / rep.s_major, r_minor = mc.s_minor / rep.s_minor;
    double r_t0 = sqrt(vtt / ref.cov[2][2]);
    double d_orient = axis_diff_deg(mc.orient_deg, rep.orient_deg);
    printf("%s: reported axes %.3f / %.3f m at %.1f deg, Monte-Carlo %.3f / %.3f m at %.1f "
           "deg; ratios major %.3f minor %.3f t0 %.3f; bias (%.3f, %.3f) m\n",
           what, rep.s_major, rep.s_minor, rep.orient_deg, mc.s_major, mc.s_minor,
           mc.orient_deg, r_major, r_minor, r_t0, me, mn);
    CHECK(fabs(r_major - 1.0) < 0.2, "%s: major axis ratio %.3f", what, r_major);
    CHECK(fabs(r_minor - 1.0) < 0.2, "%s: minor axis ratio %.3f", what, r_minor);
    CHECK(fabs(r_t0 - 1.0) < 0.2, "%s: origin time ratio %.3f", what, r_t0);
    CHECK(d_orient < 3.0, "%s: orientation differs by %.2f deg", what, d_orient);
    /* Mean of 2000 trials: its standard error is s / 45; allow 4 of them. */
    double bias_tol = 4.0 * rep.s_major / sqrt((double)TRIALS);
    CHECK(hypot(me, mn) < bias_tol, "%s: bias %.3f m > %.3f", what, hypot(me, mn), bias_tol);
    es_locate_destroy(&loc);
}

int main(void)
{
    run_mc("3 km, 30 us, calm", 2298.0, 1928.0, 30e-6, 0.0, 0.0, 42);
    run_mc("2 km, 50 us, wind 8 m/s", -1200.0, -1600.0, 50e-6, 8.0, 135.0, 43);
    return check_report("test_locate_mc");
}
