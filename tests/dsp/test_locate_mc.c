/* Covariance honesty: over many noisy trials (Gaussian arrival noise of the
 * stated sigma, fixed seed) the scatter of the solved positions must match
 * the a-priori covariance the solver reports: the principal standard
 * deviations within 20 %, the orientation within a few degrees, the origin
 * time's spread within 20 %, and no bias beyond the sampling error.
 *
 * With the speed of sound solved (prior c_sigma_mps), each trial draws the
 * true c from that prior: the errors then scatter as the posterior
 * covariance says, so the (e, n) scatter must match the reported marginal
 * covariance and the c errors the reported c_sigma_mps, within 20 %. */
#include <stdlib.h>

#include "locate_common.h"

#define TRIALS 2000
#define SPEED_TRIALS 1500
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

/* Running sums of the errors and of the reported covariance. */
typedef struct {
    double se, sn, st, sc, see, snn, sen, stt, scc;
    double cee, cnn, cen, ctt, ccc;
    int ok;
} speed_sums;

static void add_trial(speed_sums *m, const es_fix *fix, double de, double dn, double dt,
                      double dc)
{
    m->se += de; m->sn += dn; m->st += dt; m->sc += dc;
    m->see += de * de; m->snn += dn * dn; m->sen += de * dn;
    m->stt += dt * dt; m->scc += dc * dc;
    m->cee += fix->cov[0][0]; m->cnn += fix->cov[1][1]; m->cen += fix->cov[0][1];
    m->ctt += fix->cov[2][2]; m->ccc += fix->c_sigma_mps * fix->c_sigma_mps;
    m->ok++;
}

static void check_speed_sums(const char *what, const speed_sums *m, int trials)
{
    CHECK(m->ok == trials, "%s: %d of %d trials solved", what, m->ok, trials);
    if (m->ok < 2)
        return;
    double k = (double)m->ok;
    double me = m->se / k, mn = m->sn / k, mt = m->st / k, mc = m->sc / k;
    ellipse mc_el =
        ellipse_of(m->see / k - me * me, m->snn / k - mn * mn, m->sen / k - me * mn);
    ellipse rep = ellipse_of(m->cee / k, m->cnn / k, m->cen / k);
    double r_major = mc_el.s_major / rep.s_major, r_minor = mc_el.s_minor / rep.s_minor;
    double r_t0 = sqrt((m->stt / k - mt * mt) / (m->ctt / k));
    double sd_c = sqrt(m->scc / k - mc * mc), rep_c = sqrt(m->ccc / k);
    double d_orient = axis_diff_deg(mc_el.orient_deg, rep.orient_deg);
    printf("%s: reported axes %.3f / %.3f m at %.1f deg, Monte-Carlo %.3f / %.3f m at %.1f deg;"
           " ratios major %.3f minor %.3f t0 %.3f; c: reported %.4f, Monte-Carlo %.4f m/s,"
           " ratio %.3f; bias (%.3f, %.3f) m, %.4f m/s\n",
           what, rep.s_major, rep.s_minor, rep.orient_deg, mc_el.s_major, mc_el.s_minor,
           mc_el.orient_deg, r_major, r_minor, r_t0, rep_c, sd_c, sd_c / rep_c, me, mn, mc);
    CHECK(fabs(r_major - 1.0) < 0.2, "%s: major axis ratio %.3f", what, r_major);
    CHECK(fabs(r_minor - 1.0) < 0.2, "%s: minor axis ratio %.3f", what, r_minor);
    CHECK(fabs(r_t0 - 1.0) < 0.2, "%s: origin time ratio %.3f", what, r_t0);
    CHECK(fabs(sd_c / rep_c - 1.0) < 0.2, "%s: speed of sound ratio %.3f", what, sd_c / rep_c);
    CHECK(d_orient < 3.0, "%s: orientation differs by %.2f deg", what, d_orient);
    double n_sqrt = sqrt(k);
    CHECK(hypot(me, mn) < 4.0 * rep.s_major / n_sqrt, "%s: bias %.3f m", what, hypot(me, mn));
    CHECK(fabs(mc) < 4.0 * rep_c / n_sqrt, "%s: c bias %.4f m/s", what, mc);
}

/* Monte-Carlo with c solved: prior N(c at 15 C, c_sigma^2), each trial's
 * true c drawn from it, arrival noise sigma_s. A line array (line = 1)
 * cannot tell a source from its mirror image in its axis: a mirrored fix
 * is mirrored back, its covariance with it. */
static void run_mc_speed(const char *what, const es_locate_config *cfg, int line, double e_m,
                         double n_m, double sigma_s, double c_sigma, double wind_mps,
                         uint64_t seed)
{
    es_error err = {{0}};
    es_locate loc = es_locate_create(cfg, &err);
    CHECK(loc != NULL, "create: %s", err.msg);
    if (loc == NULL)
        return;
    double w[2], c_prior = ref_speed_of_sound(15.0);
    ref_wind(wind_mps, 300.0, w);
    test_rng rng = test_rng_make(seed);
    speed_sums m;
    memset(&m, 0, sizeof m);
    for (int t = 0; t < SPEED_TRIALS; t++) {
        double c_true = c_prior + c_sigma * test_gauss(&rng);
        es_locate_input in;
        exact_input(cfg, e_m, n_m, T0_S, c_true, w, sigma_s, &in);
        in.c_mps = c_prior;
        in.c_sigma_mps = c_sigma;
        for (size_t i = 0; i < in.n; i++)
            in.arrival_s[i] += sigma_s * test_gauss(&rng);
        es_fix fix;
        if (es_locate_execute(loc, &in, &fix) != ES_OK)
            continue;
        if (line && fix.n_m * n_m < 0.0) {
            fix.n_m = -fix.n_m;
            fix.cov[0][1] = -fix.cov[0][1];
        }
        add_trial(&m, &fix, fix.e_m - e_m, fix.n_m - n_m, fix.t0_s - T0_S, fix.c_mps - c_true);
    }
    check_speed_sums(what, &m, SPEED_TRIALS);
    es_locate_destroy(&loc);
}

int main(void)
{
    run_mc("3 km, 30 us, calm", 2298.0, 1928.0, 30e-6, 0.0, 0.0, 42);
    run_mc("2 km, 50 us, wind 8 m/s", -1200.0, -1600.0, 50e-6, 8.0, 135.0, 43);
    es_locate_config ring, line;
    ring_config(&ring, 8, 300.0, 10.0);
    line_config(&line, 6, 150.0);
    run_mc_speed("c solved, ring 8 x 300 m, 3 km, 30 us, c +- 3 m/s, wind 8 m/s", &ring, 0,
                 2298.0, 1928.0, 30e-6, 3.0, 8.0, 44);
    run_mc_speed("c solved, line of 6 x 150 m, 2.9 km, 30 us, c +- 3 m/s", &line, 1, 1500.0,
                 2500.0, 30e-6, 3.0, 0.0, 45);
    return check_report("test_locate_mc");
}
