/* Uncertainty: CEP50 against closed forms (circular: sigma sqrt(2 ln 2);
 * one-dimensional: the probable error 0.6744897501960817 sigma) and against
 * an independent Monte-Carlo for elongated ellipses; ellipse axes and
 * orientation of hand-written rotated covariances. */
#include <stdlib.h>

#include "check.h"
#include "earshot/uncertainty.h"

#define MC_SAMPLES 1000000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static es_uncertainty must_compute(double vee, double vnn, double ven, const char *what)
{
    double cov[2][2] = {{vee, ven}, {ven, vnn}};
    es_uncertainty u = {0, 0, 0, 0};
    int rc = es_uncertainty_from_cov(cov, &u);
    CHECK(rc == ES_OK, "%s: rc %d", what, rc);
    return u;
}

static void check_closed_forms(void)
{
    es_uncertainty u = must_compute(9.0, 9.0, 0.0, "circular 3 m");
    CHECK_NEAR(u.cep50_m / 3.0, sqrt(2.0 * log(2.0)), 1e-4 * 1.1774, "circular CEP / sigma");
    CHECK_NEAR(u.semi_major_m, 3.0, 1e-12, "circular major");
    CHECK_NEAR(u.semi_minor_m, 3.0, 1e-12, "circular minor");
    u = must_compute(0.0, 4.0, 0.0, "1-D north");
    CHECK_NEAR(u.cep50_m, 2.0 * 0.6744897501960817, 1e-6, "1-D CEP = probable error");
    CHECK_NEAR(u.orientation_deg, 0.0, 1e-9, "1-D north orientation");
    u = must_compute(4.0, 0.0, 0.0, "1-D east");
    CHECK_NEAR(u.cep50_m, 2.0 * 0.6744897501960817, 1e-6, "1-D east CEP");
    CHECK_NEAR(u.orientation_deg, 90.0, 1e-9, "1-D east orientation");
    u = must_compute(0.0, 0.0, 0.0, "zero");
    CHECK(u.cep50_m == 0.0 && u.semi_major_m == 0.0, "zero covariance: zero figures");
}

/* Principal sigmas s1 along bearing b_deg and s2 across: CEP50 as the
 * median radius of MC_SAMPLES draws. */
static void check_against_mc(double s1, double s2, double b_deg, uint64_t seed)
{
    static double r[MC_SAMPLES];
    double b = b_deg * TEST_PI / 180.0;
    double ue = sin(b), un = cos(b), ve = cos(b), vn = -sin(b);
    test_rng rng = test_rng_make(seed);
    for (size_t i = 0; i < MC_SAMPLES; i++) {
        double x = s1 * test_gauss(&rng), y = s2 * test_gauss(&rng);
        r[i] = hypot(x * ue + y * ve, x * un + y * vn);
    }
    qsort(r, MC_SAMPLES, sizeof r[0], cmp_double);
    double mc = 0.5 * (r[MC_SAMPLES / 2 - 1] + r[MC_SAMPLES / 2]);
    es_uncertainty u = must_compute(s1 * s1 * ue * ue + s2 * s2 * ve * ve,
                                    s1 * s1 * un * un + s2 * s2 * vn * vn,
                                    s1 * s1 * ue * un + s2 * s2 * ve * vn, "elongated");
    printf("  sigmas %g / %g: CEP50 %.5f, Monte-Carlo %.5f (ratio %.5f)\n", s1, s2, u.cep50_m,
           mc, u.cep50_m / mc);
    CHECK(fabs(u.cep50_m / mc - 1.0) < 0.005, "sigmas %g/%g: CEP %.5f vs Monte-Carlo %.5f", s1,
          s2, u.cep50_m, mc);
}

/* Covariances written out by hand from axes 5 m (along the bearing) and
 * 2 m: var_e = 25 sin^2 b + 4 cos^2 b, var_n = 25 cos^2 b + 4 sin^2 b,
 * cov_en = 21 sin b cos b. */
static void check_ellipse(void)
{
    es_uncertainty u = must_compute(9.25, 19.75, 9.093266739736606, "bearing 30");
    CHECK_NEAR(u.semi_major_m, 5.0, 1e-9, "b30 major");
    CHECK_NEAR(u.semi_minor_m, 2.0, 1e-9, "b30 minor");
    CHECK_NEAR(u.orientation_deg, 30.0, 1e-9, "b30 orientation");
    u = must_compute(19.75, 9.25, -9.093266739736606, "bearing 120");
    CHECK_NEAR(u.orientation_deg, 120.0, 1e-9, "b120 orientation");
    u = must_compute(25.0, 4.0, 0.0, "east");
    CHECK_NEAR(u.orientation_deg, 90.0, 1e-9, "east orientation");
    u = must_compute(4.0, 25.0, 0.0, "north");
    CHECK_NEAR(u.orientation_deg, 0.0, 1e-9, "north orientation");
    u = must_compute(4.0 + 21.0 * 0.0301536896070458, 25.0 - 21.0 * 0.0301536896070458,
                     -21.0 * 0.1710100716628344, "bearing 170");
    CHECK_NEAR(u.orientation_deg, 170.0, 1e-6, "b170 orientation");
    CHECK(u.orientation_deg >= 0.0 && u.orientation_deg < 180.0, "range [0, 180)");
}

static void check_invalid(void)
{
    const double bad[][3] = {{NAN, 1, 0}, {1, INFINITY, 0}, {-1, 1, 0}, {1, 1, 10}, {1, 1, NAN}};
    es_uncertainty u;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double cov[2][2] = {{bad[i][0], bad[i][2]}, {bad[i][2], bad[i][1]}};
        CHECK(es_uncertainty_from_cov(cov, &u) == ES_EINVAL, "bad covariance %zu accepted", i);
    }
    double asym[2][2] = {{1.0, 0.5}, {-0.5, 1.0}};
    CHECK(es_uncertainty_from_cov(asym, &u) == ES_EINVAL, "asymmetric accepted");
    double ok[2][2] = {{1.0, 0.0}, {0.0, 1.0}};
    CHECK(es_uncertainty_from_cov(ok, NULL) == ES_EINVAL, "NULL out accepted");
    CHECK(es_uncertainty_from_cov(NULL, &u) == ES_EINVAL, "NULL cov accepted");
}

int main(void)
{
    check_closed_forms();
    check_against_mc(10.0, 1.0, 30.0, 1);
    check_against_mc(2.0, 1.0, 100.0, 2);
    check_against_mc(100.0, 0.5, 77.0, 3);
    check_against_mc(1.0, 1.0, 0.0, 4);
    check_ellipse();
    check_invalid();
    return check_report("test_uncertainty");
}
