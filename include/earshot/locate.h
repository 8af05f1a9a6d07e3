/* Earshot: source position from arrival times (time of arrival, TOA).
 *
 * Weighted least squares on the arrival times themselves, with the origin
 * time t0 as an unknown:  arrival_i = t0 + T(source, sensor_i) + noise_i,
 * where T is es_travel_time_s (speed of sound and wind included). The source
 * is solved on the horizontal plane at a fixed height (sensors that are
 * nearly coplanar cannot tell up from down); unknowns are east, north, t0.
 *
 * Optionally the speed of sound c is a fourth unknown (c_sigma_mps > 0): a
 * Gaussian prior N(c_mps, c_sigma_mps^2) enters chi^2 as one more
 * measurement, (c - c_mps)^2 / c_sigma_mps^2, so the problem stays well
 * posed whatever the geometry. A 2-D array of 5 or more sensors measures c
 * itself (the plane-wave slowness is 1/c, the wavefront curvature gives the
 * range); a line array or 4 sensors leave it to the prior. The fix then
 * carries the solved c, and its covariance is the marginal of (e, n, t0),
 * so it includes what the uncertainty of c does to the position.
 *
 * A coarse polar grid search seeds a Levenberg-Marquardt refinement, so no
 * starting point is needed. The covariance is (J^T W J)^-1 with W = 1/sigma^2,
 * optionally inflated by chi^2/dof when the fit is worse than the sigmas say.
 * A robust pass drops the worst measurement while its studentised residual
 * (residual / (sigma sqrt(1 - leverage)): what it would be against a fit
 * without it) is above a threshold and enough sensors remain; a fit that
 * still has an outlier when min_sensors is reached is refused. */
#ifndef EARSHOT_LOCATE_H
#define EARSHOT_LOCATE_H

#include <stddef.h>

#include "earshot/config.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_locate_s *es_locate;

typedef enum {
    ES_COV_APRIORI = 0,   /* (J^T W J)^-1 from the given sigmas only */
    ES_COV_INFLATE = 1,   /* ... times max(1, chi^2/dof) */
    /* ... times (nu0 + chi^2) / (nu0 + dof): the a-priori sigmas are a
     * prior worth nu0 = 2 degrees of freedom, updated by the fit's own
     * residuals (the scaled-inverse-chi^2 posterior of the variance). Few
     * sensors: mostly the prior; many: mostly the data, in both
     * directions, so an over-cautious prior does not make the reported
     * uncertainty too large either. */
    ES_COV_BAYES = 2
} es_cov_mode;

typedef struct {
    size_t n_sensors;
    double sensor_m[ES_MAX_SENSORS][3];  /* east, north, up */
    double source_u_m;          /* fixed source height, default 0 */
    double search_max_range_m;  /* extent of the seeding grid, e.g. 30000 */
    int max_iterations;         /* Levenberg-Marquardt, e.g. 50 */
    es_cov_mode cov_mode;
    double outlier_sigma;       /* robust pass threshold; 0 disables it */
    size_t min_sensors;         /* at least ES_MIN_SENSORS_TO_LOCATE */
} es_locate_config;

typedef struct {
    size_t n;                            /* number of measurements */
    unsigned sensor[ES_MAX_SENSORS];     /* index into the config's sensors */
    double arrival_s[ES_MAX_SENSORS];    /* on any common time base */
    double sigma_s[ES_MAX_SENSORS];      /* 1-sigma of each arrival, > 0 */
    double c_mps;                        /* still-air speed of sound */
    double wind_en_mps[2];               /* horizontal wind vector */
    double c_sigma_mps;  /* 1-sigma of the prior on c (centred on c_mps):
                          * 0 = c fixed (3 unknowns); >= 1e-6 = c solved,
                          * and then c_mps must lie in [250, 420] m/s */
} es_locate_input;

typedef struct {
    double e_m, n_m, u_m;      /* u_m is the fixed source height */
    double t0_s;               /* origin time on the input's time base */
    double cov[3][3];          /* covariance of (e_m, n_m, t0_s); marginal
                                * over c when c is solved */
    double chi2;               /* weighted sum of squared residuals (used),
                                * plus the prior's term when c is solved */
    int dof;                   /* used measurements minus 3 (the prior adds
                                * one measurement and one unknown) */
    size_t n_used;
    int used[ES_MAX_SENSORS];  /* per input measurement: 1 used, 0 rejected */
    double residual_s[ES_MAX_SENSORS]; /* measured minus modelled arrival */
    int iterations;
    double c_mps;              /* speed of sound used: solved, or the input's */
    double c_sigma_mps;        /* its posterior 1-sigma (inflated with cov);
                                * 0 when c was fixed */
    /* Another position the arrivals fit nearly as well, on a different
     * bearing (a line array cannot tell a source from its mirror image in
     * the line): set when its posterior probability is 0.05 or more. */
    int has_alternative;
    double alt_e_m, alt_n_m;   /* at the fix's height u_m */
    double alt_probability;    /* 0.05..0.5 */
} es_fix;

es_locate es_locate_create(const es_locate_config *cfg, es_error *err);

/* Returns ES_OK with *out filled, ES_EINVAL for bad input (too few
 * measurements, sigma <= 0, unknown sensor index, c_sigma_mps neither 0
 * nor a finite value >= 1e-6, a prior c outside [250, 420] m/s when c is
 * solved), or ES_ENOCONV if no acceptable fit was found (including one
 * whose solved c left [250, 420] m/s, and one left with an outlier at
 * min_sensors: the measurements do not come from one source). */
int es_locate_execute(es_locate loc, const es_locate_input *in, es_fix *out);

void es_locate_destroy(es_locate *loc);

#ifdef __cplusplus
}
#endif
#endif
