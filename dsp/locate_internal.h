/* Private to dsp/locate*.c: the locator's state and the pieces of the solve
 * (grid seeding in locate_grid.c, Levenberg-Marquardt in locate_lm.c). */
#ifndef EARSHOT_DSP_LOCATE_INTERNAL_H
#define EARSHOT_DSP_LOCATE_INTERNAL_H

#include <stddef.h>

#include "earshot/locate.h"

#define LOC_MAX_SEEDS 3   /* grid local minima refined by LM */

/* Where each unknown sits in a parameter vector p[]. The speed of sound
 * is an unknown only when the input gives it a prior (c_sigma_mps > 0). */
enum { LOC_E = 0, LOC_N = 1, LOC_T0 = 2, LOC_C = 3, LOC_MAX_UNKNOWNS = 4 };

/* A solved speed of sound outside this range is not air: the fit ran off. */
#define LOC_C_MIN_MPS 250.0
#define LOC_C_MAX_MPS 420.0

/* One execute's measurements, with arrivals relative to the earliest one
 * (keeps the arithmetic precise on large time bases such as UNIX time). */
typedef struct {
    size_t n;                          /* input measurements */
    double pos_m[ES_MAX_SENSORS][3];   /* sensor of each measurement */
    double arr_s[ES_MAX_SENSORS];      /* arrival minus the reference */
    double w[ES_MAX_SENSORS];          /* 1 / sigma^2 */
    int active[ES_MAX_SENSORS];        /* 0 once rejected by the robust pass */
    double wind_e, wind_n;             /* m/s */
    double wind2;                      /* |w|^2 */
    double a_coef;                     /* c^2 - |w|^2 at the prior c */
    double c_prior_mps;                /* the input's c (fixed, or prior mean) */
    double c_prior_w;                  /* 1 / c_sigma^2; 0 when c is fixed */
    int n_unknowns;                    /* 3 (c fixed) or 4 (c solved) */
    double src_u_m;                    /* fixed source height */
    double t_ref_s;                    /* earliest input arrival */
} loc_problem;

typedef struct {
    double e_m, n_m, t0_s;             /* t0 relative to the reference */
    double cost;                       /* chi^2 at the seed, t0 eliminated */
} loc_seed;

typedef struct {
    double p[LOC_MAX_UNKNOWNS];        /* e_m, n_m, t0_s (relative)[, c_mps] */
    double chi2;                       /* including the prior's term */
    double cov[LOC_MAX_UNKNOWNS][LOC_MAX_UNKNOWNS]; /* (J^T W J)^-1, n_unknowns
                                                     * square, prior included */
    int iterations;
    int ok;                            /* converged, covariance invertible */
    /* The best other fit on a clearly different bearing (a line array's
     * mirror image, another local minimum), from the same seeding. */
    int has_rival;
    double rival_e_m, rival_n_m, rival_chi2;
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
 * sensors' centroid, at the prior c; returns how many seeds were written
 * (>= 1). */
size_t loc_grid_seeds(es_locate loc, loc_seed seeds[LOC_MAX_SEEDS]);

/* Whether this execute solves c (the input gave it a prior). */
static inline int loc_solves_speed(const loc_problem *pr)
{
    return pr->n_unknowns > LOC_C;
}

/* Speed of sound at p: p[LOC_C] when solved, else the fixed input c. */
double loc_speed(const loc_problem *pr, const double p[]);

/* A speed of sound the model accepts: inside [LOC_C_MIN_MPS, LOC_C_MAX_MPS]
 * and faster than the wind. */
int loc_speed_is_physical(const loc_problem *pr, double c_mps);

/* Travel time from the source at p (e, n, src_u; c) to measurement i.
 * If jac != NULL it receives the Jacobian row of the modelled arrival
 * t0 + T with respect to the n_unknowns unknowns of p. */
double loc_travel(const loc_problem *pr, size_t i, const double p[], double jac[]);

/* Weighted mean of arrival - travel over the active measurements at the
 * prior c: the origin time that minimises chi^2 for a fixed position. */
double loc_origin_time(const loc_problem *pr, double e_m, double n_m);

/* Levenberg-Marquardt from a seed (c starts at the prior); fills fit
 * (ok = 0 if it failed or c left the physical range). */
void loc_lm_solve(const loc_problem *pr, const loc_seed *seed, int max_iterations,
                  loc_fit *fit);

#endif
