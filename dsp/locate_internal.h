/* Private to dsp/locate*.c: the locator's state and the pieces of the solve
 * (grid seeding in locate_grid.c, Levenberg-Marquardt in locate_lm.c). */
#ifndef EARSHOT_DSP_LOCATE_INTERNAL_H
#define EARSHOT_DSP_LOCATE_INTERNAL_H

#include <stddef.h>

#include "earshot/locate.h"

#define LOC_MAX_SEEDS 3   /* grid local minima refined by LM */

/* One execute's measurements, with arrivals relative to the earliest one
 * (keeps the arithmetic precise on large time bases such as UNIX time). */
typedef struct {
    size_t n;                          /* input measurements */
    double pos_m[ES_MAX_SENSORS][3];   /* sensor of each measurement */
    double arr_s[ES_MAX_SENSORS];      /* arrival minus the reference */
    double w[ES_MAX_SENSORS];          /* 1 / sigma^2 */
    int active[ES_MAX_SENSORS];        /* 0 once rejected by the robust pass */
    double wind_e, wind_n;             /* m/s */
    double a_coef;                     /* c^2 - |w|^2 */
    double src_u_m;                    /* fixed source height */
    double t_ref_s;                    /* earliest input arrival */
} loc_problem;

typedef struct {
    double e_m, n_m, t0_s;             /* t0 relative to the reference */
    double cost;                       /* chi^2 at the seed, t0 eliminated */
} loc_seed;

typedef struct {
    double p[3];                       /* e_m, n_m, t0_s (relative) */
    double chi2;
    double cov[3][3];                  /* (J^T W J)^-1 */
    int iterations;
    int ok;                            /* converged, covariance invertible */
} loc_fit;

struct es_locate_s {
    es_locate_config cfg;
    size_t n_bearing, n_range;
    double *bearing_sin, *bearing_cos; /* per bearing */
    double *range_m;                   /* per range ring, log-spaced */
    double *grid_cost;                 /* n_bearing * n_range */
    loc_problem prob;                  /* scratch of the current execute */
};

/* Grid: allocate and fill the polar grid tables (create time). */
int loc_grid_init(es_locate loc);
void loc_grid_free(es_locate loc);

/* Best local minima of the chi^2 over the polar grid around the active
 * sensors' centroid; returns how many seeds were written (>= 1). */
size_t loc_grid_seeds(es_locate loc, loc_seed seeds[LOC_MAX_SEEDS]);

/* Travel time from (e, n, src_u) to measurement i, with its partial
 * derivatives with respect to the source's e and n (may be NULL). */
double loc_travel(const loc_problem *pr, size_t i, double e_m, double n_m,
                  double *dt_de, double *dt_dn);

/* Weighted mean of arrival - travel over the active measurements: the
 * origin time that minimises chi^2 for a fixed position. */
double loc_origin_time(const loc_problem *pr, double e_m, double n_m);

/* Levenberg-Marquardt from a seed; fills fit (ok = 0 if it failed). */
void loc_lm_solve(const loc_problem *pr, const loc_seed *seed, int max_iterations,
                  loc_fit *fit);

#endif
