/* Earshot: horizontal uncertainty figures from a 2x2 covariance. */
#ifndef EARSHOT_UNCERTAINTY_H
#define EARSHOT_UNCERTAINTY_H

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double cep50_m;          /* radius of the circle (centred on the estimate)
                                holding 50 % of the bivariate normal mass */
    double semi_major_m;     /* 1-sigma ellipse */
    double semi_minor_m;
    double orientation_deg;  /* of the major axis, clockwise from north,
                                in [0, 180) */
} es_uncertainty;

/* cov_en: [[var_e, cov_en], [cov_en, var_n]] in m^2. CEP50 is computed
 * exactly (numerical integration of the bivariate normal), not by a
 * rule of thumb. Returns ES_EINVAL for a matrix that is not a covariance. */
int es_uncertainty_from_cov(const double cov_en[2][2], es_uncertainty *out);

#ifdef __cplusplus
}
#endif
#endif
