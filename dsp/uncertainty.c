/* Horizontal error figures of a 2x2 covariance: the 1-sigma ellipse from the
 * eigen-decomposition and the exact CEP50.
 *
 * CEP50: with principal standard deviations s1 >= s2, the probability mass
 * of the bivariate normal inside the circle of radius R is
 *   P(R) = 1/(2 pi s1 s2) int_0^{2pi} (1 - exp(-R^2 q(th)/2)) / q(th) dth,
 *   q(th) = cos^2 th / s1^2 + sin^2 th / s2^2.
 * Substituting tan th = (s2/s1) tan phi (dth / q = s1 s2 dphi) gives the
 * equivalent, better-behaved form (a generalised Craig formula)
 *   P(R) = 1 - 1/(2 pi) int_0^{2pi} exp(-R^2 / (2 (s1^2 cos^2 phi + s2^2 sin^2 phi))) dphi,
 * whose integrand is smooth and periodic for any s2 >= 0 (s2 = 0 gives
 * erf(R / (s1 sqrt 2)), the one-dimensional case), so the midpoint rule
 * converges geometrically. R is then found by bisection. */
#include "earshot/uncertainty.h"

#include <math.h>

#define ES_PI 3.14159265358979323846
#define CEP_QUAD_POINTS 256   /* midpoints on a quarter period */
#define CEP_BISECT_ITERS 80
#define COV_SYM_TOL 1e-9      /* relative asymmetry tolerated */
#define COV_PSD_TOL 1e-12     /* relative negative eigenvalue tolerated */

/* P(R) from the principal variances v1 = s1^2, v2 = s2^2. The integrand is
 * symmetric in phi -> -phi and phi -> pi - phi, so a quarter suffices. */
static double mass_within(double radius, double v1, double v2)
{
    double half_r2 = 0.5 * radius * radius;
    double sum = 0.0;
    for (int i = 0; i < CEP_QUAD_POINTS; i++) {
        double phi = (i + 0.5) * (0.5 * ES_PI) / CEP_QUAD_POINTS;
        double c = cos(phi), s = sin(phi);
        double v = v1 * c * c + v2 * s * s;
        sum += exp(-half_r2 / v);
    }
    return 1.0 - sum / CEP_QUAD_POINTS;
}

/* Radius holding half the mass: P is increasing from 0, P(3 s1) > 0.99. */
static double cep50(double v1, double v2)
{
    if (v1 <= 0.0)
        return 0.0;
    double lo = 0.0, hi = 3.0 * sqrt(v1);
    for (int i = 0; i < CEP_BISECT_ITERS; i++) {
        double mid = 0.5 * (lo + hi);
        if (mass_within(mid, v1, v2) < 0.5)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* Orientation of the major axis, degrees clockwise from north in [0, 180),
 * from the angle counter-clockwise from east of the eigenvector. */
static double major_axis_bearing(double var_e, double var_n, double cov_en)
{
    if (cov_en == 0.0 && var_e == var_n)
        return 0.0; /* a circle: any direction, report north */
    double ccw_from_east_deg = 0.5 * atan2(2.0 * cov_en, var_e - var_n) * (180.0 / ES_PI);
    double deg = fmod(90.0 - ccw_from_east_deg, 180.0);
    if (deg < 0.0)
        deg += 180.0;
    if (deg >= 180.0)
        deg -= 180.0;
    return deg;
}

int es_uncertainty_from_cov(const double cov_en[2][2], es_uncertainty *out)
{
    if (cov_en == NULL || out == NULL)
        return ES_EINVAL;
    double var_e = cov_en[0][0], var_n = cov_en[1][1];
    double c01 = cov_en[0][1], c10 = cov_en[1][0];
    if (!isfinite(var_e) || !isfinite(var_n) || !isfinite(c01) || !isfinite(c10) ||
        var_e < 0.0 || var_n < 0.0)
        return ES_EINVAL;
    double scale = var_e + var_n;
    if (fabs(c01 - c10) > COV_SYM_TOL * scale)
        return ES_EINVAL;
    double cov_en_m2 = 0.5 * (c01 + c10);
    double mean = 0.5 * scale;
    double dev = hypot(0.5 * (var_e - var_n), cov_en_m2);
    double v1 = mean + dev, v2 = mean - dev;
    if (v2 < -COV_PSD_TOL * scale)
        return ES_EINVAL; /* not positive semi-definite */
    v2 = fmax(v2, 0.0);
    out->semi_major_m = sqrt(v1);
    out->semi_minor_m = sqrt(v2);
    out->orientation_deg = major_axis_bearing(var_e, var_n, cov_en_m2);
    out->cep50_m = cep50(v1, v2);
    return ES_OK;
}
