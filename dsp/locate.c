/* Source position and origin time from arrival times (see
 * include/earshot/locate.h): argument checks, the robust pass and the
 * result. The grid seeding is in locate_grid.c, the LM fit in locate_lm.c.
 *
 * Solutions farther than 2 x search_max_range_m from the array are refused
 * (ES_ENOCONV): the fit ran off along an unconstrained direction (e.g. all
 * arrivals equal on a line array). A geometry that leaves a direction
 * undetermined (singular J^T W J) is refused the same way, and so is a fit
 * whose solved speed of sound left the physical range. */
#include "earshot/locate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "locate_internal.h"

#define LOC_MIN_SEARCH_RANGE_M 100.0
#define LOC_MAX_SEARCH_RANGE_M 1.0e6
#define LOC_MAX_ITERATIONS 10000
#define LOC_RUNAWAY_FACTOR 2.0
#define LOC_C_SIGMA_MIN_MPS 1e-6  /* below: 1/sigma^2 would swamp everything */
#define LOC_MAX_LEAVE_ONE_OUT 32  /* above: one bad sensor moves a fit little */
#define LOC_MIN_ROOM 1e-3         /* floor of 1 - leverage: numerical guard */
#define LOC_PI 3.14159265358979323846
/* A rival fit closer in bearing than this is the same answer. */
#define RIVAL_MIN_BEARING_DEG 1.0
/* A rival is published as the alternative when the data leave it at least
 * this posterior probability (equal priors on the two). */
#define ALTERNATIVE_MIN_PROBABILITY 0.05

static int validate_sensors(const es_locate_config *cfg, es_error *err)
{
    if (cfg->n_sensors < ES_MIN_SENSORS_TO_LOCATE || cfg->n_sensors > ES_MAX_SENSORS)
        return es_error_set(err, ES_EINVAL, "locate: n_sensors %zu outside [%d, %d]",
                            cfg->n_sensors, ES_MIN_SENSORS_TO_LOCATE, ES_MAX_SENSORS);
    for (size_t i = 0; i < cfg->n_sensors; i++)
        for (int k = 0; k < 3; k++)
            if (!isfinite(cfg->sensor_m[i][k]))
                return es_error_set(err, ES_EINVAL,
                                    "locate: sensor %zu position is not finite", i);
    return ES_OK;
}

static int validate_config(const es_locate_config *cfg, es_error *err)
{
    if (cfg == NULL)
        return es_error_set(err, ES_EINVAL, "locate: config is NULL");
    if (validate_sensors(cfg, err) != ES_OK)
        return ES_EINVAL;
    if (!isfinite(cfg->source_u_m))
        return es_error_set(err, ES_EINVAL, "locate: source_u_m is not finite");
    if (!(cfg->search_max_range_m >= LOC_MIN_SEARCH_RANGE_M &&
          cfg->search_max_range_m <= LOC_MAX_SEARCH_RANGE_M))
        return es_error_set(err, ES_EINVAL, "locate: search_max_range_m %g outside [%g, %g]",
                            cfg->search_max_range_m, LOC_MIN_SEARCH_RANGE_M,
                            LOC_MAX_SEARCH_RANGE_M);
    if (cfg->max_iterations < 1 || cfg->max_iterations > LOC_MAX_ITERATIONS)
        return es_error_set(err, ES_EINVAL, "locate: max_iterations %d outside [1, %d]",
                            cfg->max_iterations, LOC_MAX_ITERATIONS);
    if (cfg->cov_mode != ES_COV_APRIORI && cfg->cov_mode != ES_COV_INFLATE &&
        cfg->cov_mode != ES_COV_BAYES)
        return es_error_set(err, ES_EINVAL, "locate: unknown cov_mode %d", (int)cfg->cov_mode);
    if (!(cfg->outlier_sigma >= 0.0) || !isfinite(cfg->outlier_sigma))
        return es_error_set(err, ES_EINVAL, "locate: outlier_sigma %g is not >= 0",
                            cfg->outlier_sigma);
    if (cfg->min_sensors < ES_MIN_SENSORS_TO_LOCATE || cfg->min_sensors > cfg->n_sensors)
        return es_error_set(err, ES_EINVAL, "locate: min_sensors %zu outside [%d, %zu]",
                            cfg->min_sensors, ES_MIN_SENSORS_TO_LOCATE, cfg->n_sensors);
    return ES_OK;
}

es_locate es_locate_create(const es_locate_config *cfg, es_error *err)
{
    if (validate_config(cfg, err) != ES_OK)
        return NULL;
    es_locate loc = calloc(1, sizeof *loc);
    if (loc == NULL) {
        es_error_set(err, ES_ENOMEM, "locate: out of memory");
        return NULL;
    }
    loc->cfg = *cfg;
    if (loc_grid_init(loc) != ES_OK) {
        es_error_set(err, ES_ENOMEM, "locate: out of memory for the search grid");
        es_locate_destroy(&loc);
        return NULL;
    }
    return loc;
}

void es_locate_destroy(es_locate *locp)
{
    if (locp == NULL || *locp == NULL)
        return;
    loc_grid_free(*locp);
    free(*locp);
    *locp = NULL;
}

/* The prior on c: absent (0), or a sigma that makes a usable weight around
 * a physical mean. */
static int speed_prior_is_valid(const es_locate_input *in)
{
    if (in->c_sigma_mps == 0.0)
        return 1;
    return in->c_sigma_mps >= LOC_C_SIGMA_MIN_MPS && isfinite(in->c_sigma_mps) &&
           in->c_mps >= LOC_C_MIN_MPS && in->c_mps <= LOC_C_MAX_MPS;
}

/* Checks the input and loads it into loc->prob; returns ES_EINVAL on bad
 * input. Arrivals become relative to the earliest one. */
static int load_problem(es_locate loc, const es_locate_input *in)
{
    loc_problem *pr = &loc->prob;
    double w2 = in->wind_en_mps[0] * in->wind_en_mps[0] +
                in->wind_en_mps[1] * in->wind_en_mps[1];
    if (in->n < loc->cfg.min_sensors || in->n > ES_MAX_SENSORS ||
        !(in->c_mps > 0.0) || !isfinite(in->c_mps) || !isfinite(w2) ||
        !(w2 < in->c_mps * in->c_mps) || !speed_prior_is_valid(in))
        return ES_EINVAL;
    double t_ref = INFINITY;
    for (size_t i = 0; i < in->n; i++) {
        if (in->sensor[i] >= loc->cfg.n_sensors || !isfinite(in->arrival_s[i]) ||
            !(in->sigma_s[i] > 0.0) || !isfinite(in->sigma_s[i]))
            return ES_EINVAL;
        t_ref = fmin(t_ref, in->arrival_s[i]);
    }
    pr->n = in->n;
    pr->wind_e = in->wind_en_mps[0];
    pr->wind_n = in->wind_en_mps[1];
    pr->wind2 = w2;
    pr->a_coef = in->c_mps * in->c_mps - w2;
    pr->c_prior_mps = in->c_mps;
    pr->n_unknowns = in->c_sigma_mps > 0.0 ? LOC_MAX_UNKNOWNS : LOC_C;
    pr->c_prior_w = in->c_sigma_mps > 0.0 ? 1.0 / (in->c_sigma_mps * in->c_sigma_mps) : 0.0;
    pr->src_u_m = loc->cfg.source_u_m;
    pr->t_ref_s = t_ref;
    for (size_t i = 0; i < in->n; i++) {
        memcpy(pr->pos_m[i], loc->cfg.sensor_m[in->sensor[i]], sizeof pr->pos_m[i]);
        pr->arr_s[i] = in->arrival_s[i] - t_ref;
        pr->w[i] = 1.0 / (in->sigma_s[i] * in->sigma_s[i]);
        pr->active[i] = 1;
    }
    return isfinite(pr->a_coef) && isfinite(pr->c_prior_w) ? ES_OK : ES_EINVAL;
}

/* Offset (east, north) of a solution from the active sensors' centroid. */
static void offset_from_array(const loc_problem *pr, const double p[], double *de, double *dn)
{
    double ce = 0.0, cn = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < pr->n; i++) {
        if (pr->active[i]) {
            ce += pr->pos_m[i][0];
            cn += pr->pos_m[i][1];
            k++;
        }
    }
    *de = p[0] - ce / (double)k;
    *dn = p[1] - cn / (double)k;
}

static double range_from_array(const loc_problem *pr, const double p[])
{
    double de, dn;
    offset_from_array(pr, p, &de, &dn);
    return hypot(de, dn);
}

/* Radians. */
static double bearing_from_array(const loc_problem *pr, const double p[])
{
    double de, dn;
    offset_from_array(pr, p, &de, &dn);
    return atan2(de, dn);
}

/* Among the converged fits, the lowest chi^2 on a bearing at least
 * RIVAL_MIN_BEARING_DEG from the best's: what the data cannot rule out. */
static void find_rival(const loc_problem *pr, const loc_fit fits[], size_t n, loc_fit *best)
{
    best->has_rival = 0;
    double b0 = bearing_from_array(pr, best->p);
    for (size_t s = 0; s < n; s++) {
        double db = fabs(remainder(bearing_from_array(pr, fits[s].p) - b0, 2.0 * LOC_PI));
        if (db < RIVAL_MIN_BEARING_DEG * LOC_PI / 180.0)
            continue;
        if (!best->has_rival || fits[s].chi2 < best->rival_chi2) {
            best->has_rival = 1;
            best->rival_e_m = fits[s].p[LOC_E];
            best->rival_n_m = fits[s].p[LOC_N];
            best->rival_chi2 = fits[s].chi2;
        }
    }
}

/* Grid seeds, LM from each, keep the acceptable fit with the lowest chi^2
 * and note its best rival. */
static int fit_active(es_locate loc, loc_fit *best)
{
    loc_seed seeds[LOC_MAX_SEEDS];
    loc_fit fits[LOC_MAX_SEEDS];
    size_t n_seeds = loc_grid_seeds(loc, seeds), n_fits = 0, at = 0;
    double max_range = LOC_RUNAWAY_FACTOR * loc->cfg.search_max_range_m;
    for (size_t s = 0; s < n_seeds; s++) {
        loc_fit *fit = &fits[n_fits];
        loc_lm_solve(&loc->prob, &seeds[s], loc->cfg.max_iterations, fit);
        if (!fit->ok || !(range_from_array(&loc->prob, fit->p) <= max_range))
            continue;
        if (n_fits == 0 || fit->chi2 < fits[at].chi2)
            at = n_fits;
        n_fits++;
    }
    if (n_fits == 0)
        return ES_ENOCONV;
    *best = fits[at];
    find_rival(&loc->prob, fits, n_fits, best);
    return ES_OK;
}

/* Measured minus modelled arrival, for every measurement. */
static void residuals(const loc_problem *pr, const double p[], double res_s[])
{
    for (size_t i = 0; i < pr->n; i++)
        res_s[i] = pr->arr_s[i] - p[LOC_T0] - loc_travel(pr, i, p, NULL);
}

/* Leverage of measurement i at the fit: w_i J_i (J^T W J)^-1 J_i^T, the
 * share of its own residual the fit absorbs by moving the source. */
static double leverage(const loc_problem *pr, const loc_fit *fit, size_t i)
{
    double jac[LOC_MAX_UNKNOWNS];
    loc_travel(pr, i, fit->p, jac);
    int nu = pr->n_unknowns;
    double h = 0.0;
    for (int r = 0; r < nu; r++)
        for (int c = 0; c < nu; c++)
            h += jac[r] * fit->cov[r][c] * jac[c];
    return h * pr->w[i];
}

/* The active measurement with the largest studentised residual, or -1 if
 * every one is within the threshold. Studentising (dividing by
 * sqrt(1 - leverage)) matters: a bad arrival pulls the fit toward itself,
 * most of all on small arrays, and its raw residual then understates its
 * error; r / sqrt(1 - h) is what it would be against a fit without it. */
static long worst_outlier(const loc_problem *pr, const loc_fit *fit, const double res_s[],
                          double threshold)
{
    long worst = -1;
    double worst_z = threshold;
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->active[i])
            continue;
        double room = fmax(1.0 - leverage(pr, fit, i), LOC_MIN_ROOM);
        double z = fabs(res_s[i]) * sqrt(pr->w[i] / room);
        if (z > worst_z) {
            worst_z = z;
            worst = (long)i;
        }
    }
    return worst;
}

static size_t count_active(const loc_problem *pr)
{
    size_t k = 0;
    for (size_t i = 0; i < pr->n; i++)
        k += pr->active[i] ? 1 : 0;
    return k;
}

#define BAYES_PRIOR_DOF 2.0

/* The rival's posterior probability against the fix from their chi^2
 * difference, on the same scale as the covariance (the a-priori sigmas
 * times the fit's variance factor): p = 1 / (1 + exp(dchi2 / 2)). */
static void fill_alternative(const loc_fit *fit, double inflate, es_fix *out)
{
    if (!fit->has_rival || !(inflate > 0.0))
        return;
    double dchi2 = fmax(0.0, fit->rival_chi2 - fit->chi2) / inflate;
    double p = 1.0 / (1.0 + exp(0.5 * dchi2));
    if (!(p >= ALTERNATIVE_MIN_PROBABILITY))
        return;
    out->has_alternative = 1;
    out->alt_e_m = fit->rival_e_m;
    out->alt_n_m = fit->rival_n_m;
    out->alt_probability = p;
}

/* The fix from a fit: the (e, n, t0) block of the covariance is their
 * marginal covariance (c integrated out when it was solved). */
static void fill_fix(const es_locate loc, const loc_fit *fit, es_fix *out)
{
    const loc_problem *pr = &loc->prob;
    memset(out, 0, sizeof *out);
    out->e_m = fit->p[LOC_E];
    out->n_m = fit->p[LOC_N];
    out->u_m = pr->src_u_m;
    out->t0_s = pr->t_ref_s + fit->p[LOC_T0];
    out->chi2 = fit->chi2;
    out->n_used = count_active(pr);
    out->dof = (int)out->n_used - 3;
    out->iterations = fit->iterations;
    double inflate = 1.0;
    if (loc->cfg.cov_mode == ES_COV_INFLATE && out->dof > 0)
        inflate = fmax(1.0, fit->chi2 / out->dof);
    else if (loc->cfg.cov_mode == ES_COV_BAYES && out->dof >= 0)
        inflate = (BAYES_PRIOR_DOF + fit->chi2) / (BAYES_PRIOR_DOF + out->dof);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            out->cov[r][c] = fit->cov[r][c] * inflate;
    out->c_mps = loc_speed(pr, fit->p);
    if (loc_solves_speed(pr))
        out->c_sigma_mps = sqrt(fit->cov[LOC_C][LOC_C] * inflate);
    for (size_t i = 0; i < pr->n; i++)
        out->used[i] = pr->active[i];
    residuals(pr, fit->p, out->residual_s);
    fill_alternative(fit, inflate, out);
}

/* Fit the active measurements, then the robust pass: drop the worst
 * measurement while it is beyond the threshold and more than min_sensors
 * remain. Should a refit fail (the remaining geometry is degenerate), the
 * previous fit stays. Outliers left at min_sensors mean the group mixes
 * wavefronts (or most of its sensors are bad): ES_ENOCONV. */
static int robust_fit(es_locate loc, loc_fit *fit)
{
    double res_s[ES_MAX_SENSORS];
    int rc = fit_active(loc, fit);
    if (rc != ES_OK || !(loc->cfg.outlier_sigma > 0.0))
        return rc;
    for (;;) {
        residuals(&loc->prob, fit->p, res_s);
        long worst = worst_outlier(&loc->prob, fit, res_s, loc->cfg.outlier_sigma);
        if (worst < 0)
            return ES_OK;
        if (count_active(&loc->prob) <= loc->cfg.min_sensors)
            return ES_ENOCONV;
        loc->prob.active[worst] = 0;
        loc_fit refit;
        if (fit_active(loc, &refit) != ES_OK) {
            loc->prob.active[worst] = 1;
            return ES_ENOCONV;
        }
        *fit = refit;
    }
}

/* When the fit of all measurements fails or cannot be cleaned (a grossly
 * wrong arrival, say a sensor misplaced by tens of metres, drags the
 * least-squares fit so far that good sensors look worst, or out of the
 * search area), each measurement is left out in turn; the clean fit that
 * keeps the most measurements, then has the lowest chi^2, wins. */
static int leave_one_out(es_locate loc, loc_fit *best)
{
    loc_problem *pr = &loc->prob;
    int best_active[ES_MAX_SENSORS];
    size_t best_count = 0;
    for (size_t skip = 0; skip < pr->n; skip++) {
        for (size_t i = 0; i < pr->n; i++)
            pr->active[i] = i != skip;
        loc_fit fit;
        if (robust_fit(loc, &fit) != ES_OK)
            continue;
        size_t k = count_active(pr);
        if (k > best_count || (k == best_count && fit.chi2 < best->chi2)) {
            best_count = k;
            *best = fit;
            memcpy(best_active, pr->active, pr->n * sizeof best_active[0]);
        }
    }
    if (best_count == 0)
        return ES_ENOCONV;
    memcpy(pr->active, best_active, pr->n * sizeof best_active[0]);
    return ES_OK;
}

int es_locate_execute(es_locate loc, const es_locate_input *in, es_fix *out)
{
    if (loc == NULL || in == NULL || out == NULL)
        return ES_EINVAL;
    if (load_problem(loc, in) != ES_OK)
        return ES_EINVAL;
    loc_fit fit;
    int rc = robust_fit(loc, &fit);
    if (rc != ES_OK && loc->cfg.outlier_sigma > 0.0 && loc->prob.n > loc->cfg.min_sensors &&
        loc->prob.n <= LOC_MAX_LEAVE_ONE_OUT)
        rc = leave_one_out(loc, &fit);
    if (rc != ES_OK)
        return rc;
    fill_fix(loc, &fit, out);
    return ES_OK;
}
