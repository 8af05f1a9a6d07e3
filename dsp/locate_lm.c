/* Levenberg-Marquardt refinement of (east, north, origin time[, speed of
 * sound]) and the covariance (J^T W J)^-1 at the solution.
 *
 * Model: arrival_i = t0 + T(src, sensor_i; c), T the travel time with wind
 * (same kernel as es_travel_time_s). The Jacobian is analytic: from the
 * implicit equation F = (c^2 - |w|^2) T^2 + 2 (d.w) T - |d|^2 = 0,
 * d = rcv - src, with dF/dT = 2 s, s = (c^2 - |w|^2) T + d.w:
 *   dT/dd = (d - w T) / s,  dT/dsrc = -dT/dd,  dT/dc = -c T^2 / s.
 * When c is solved its Gaussian prior is one more measurement,
 * r = c_prior - c with weight 1 / c_sigma^2 and Jacobian 1 in c, so J^T W J
 * gains 1 / c_sigma^2 on c's diagonal: never singular in c, whatever the
 * geometry. Damping is Marquardt's (lambda times diag(H)), so the metre,
 * second and metre-per-second unknowns need no manual scaling.
 *
 * The same code serves 3 and 4 unknowns: matrices are sized for 4 and the
 * loops run to pr->n_unknowns, so with c fixed the arithmetic is exactly
 * the 3-unknown one. With c solved, two things differ: each trial point's
 * t0 is its exact optimum (see try_step), and a trial c outside
 * [LOC_C_MIN_MPS, LOC_C_MAX_MPS] is damped like a failed step, the seed
 * given up after LM_MAX_UNPHYSICAL of them. The covariance is the full
 * inverse, prior included; its (e, n, t0) block is their marginal. */
#include <math.h>
#include <string.h>

#include "locate_internal.h"
#include "propagation.h"

#define LM_LAMBDA_START 1e-3
#define LM_LAMBDA_MAX 1e12
#define LM_STEP_TOL_M 1e-6        /* converged when the position moves less */
#define LM_STEP_TOL_S 1e-10       /* ... and the origin time less */
#define LM_STEP_TOL_MPS 1e-8      /* ... and c less (moves a 10 km range by 0.3 um) */
#define LM_CLOSE_TOL_M 1e-3       /* last step small enough to accept at the cap */
#define CHOL_PIVOT_MIN 1e-13      /* relative pivot: below it, singular */
#define LM_MAX_UNPHYSICAL 3       /* trial steps with c out of range before giving up */

#define NU LOC_MAX_UNKNOWNS
typedef double lm_mat[NU][NU];

double loc_speed(const loc_problem *pr, const double p[])
{
    return loc_solves_speed(pr) ? p[LOC_C] : pr->c_prior_mps;
}

int loc_speed_is_physical(const loc_problem *pr, double c_mps)
{
    return c_mps >= LOC_C_MIN_MPS && c_mps <= LOC_C_MAX_MPS && c_mps * c_mps > pr->wind2;
}

double loc_travel(const loc_problem *pr, size_t i, const double p[], double jac[])
{
    double de = pr->pos_m[i][0] - p[LOC_E];
    double dn = pr->pos_m[i][1] - p[LOC_N];
    double du = pr->pos_m[i][2] - pr->src_u_m;
    double c = loc_speed(pr, p);
    /* With c fixed, the very a_coef the grid used (bit-identical results). */
    double a_coef = loc_solves_speed(pr) ? c * c - pr->wind2 : pr->a_coef;
    double s;
    double t = es__travel_time_kernel(de, dn, du, pr->wind_e, pr->wind_n, a_coef, &s);
    if (jac == NULL)
        return t;
    if (s > 0.0) {
        jac[LOC_E] = -(de - pr->wind_e * t) / s;
        jac[LOC_N] = -(dn - pr->wind_n * t) / s;
        jac[LOC_C] = -c * t * t / s;
    } else { /* source on the sensor: no defined gradient */
        jac[LOC_E] = jac[LOC_N] = jac[LOC_C] = 0.0;
    }
    jac[LOC_T0] = 1.0;
    return t;
}

/* Weighted mean of arrival - travel at p's position and speed of sound. */
static double origin_time_at(const loc_problem *pr, const double p[])
{
    double sw = 0.0, swx = 0.0;
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->active[i])
            continue;
        sw += pr->w[i];
        swx += pr->w[i] * (pr->arr_s[i] - loc_travel(pr, i, p, NULL));
    }
    return swx / sw;
}

double loc_origin_time(const loc_problem *pr, double e_m, double n_m)
{
    double p[NU] = {e_m, n_m, 0.0, pr->c_prior_mps};
    return origin_time_at(pr, p);
}

/* The prior on c as a measurement: residual c_prior - c (0 when fixed). */
static double prior_residual(const loc_problem *pr, const double p[])
{
    return loc_solves_speed(pr) ? pr->c_prior_mps - p[LOC_C] : 0.0;
}

static double chi2_at(const loc_problem *pr, const double p[])
{
    double chi2 = 0.0;
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->active[i])
            continue;
        double r = pr->arr_s[i] - p[LOC_T0] - loc_travel(pr, i, p, NULL);
        chi2 += pr->w[i] * r * r;
    }
    if (loc_solves_speed(pr)) {
        double rc = prior_residual(pr, p);
        chi2 += pr->c_prior_w * rc * rc;
    }
    return chi2;
}

/* Normal equations H = J^T W J and g = J^T W r at p (J of the model),
 * the prior on c included. */
static void normal_equations(const loc_problem *pr, const double p[], lm_mat h, double g[])
{
    int nu = pr->n_unknowns;
    memset(h, 0, sizeof(lm_mat));
    memset(g, 0, sizeof(double) * NU);
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->active[i])
            continue;
        double j[NU];
        double t = loc_travel(pr, i, p, j);
        double r = pr->arr_s[i] - p[LOC_T0] - t;
        for (int a = 0; a < nu; a++) {
            g[a] += pr->w[i] * j[a] * r;
            for (int b = 0; b < nu; b++)
                h[a][b] += pr->w[i] * j[a] * j[b];
        }
    }
    if (loc_solves_speed(pr)) {
        g[LOC_C] += pr->c_prior_w * prior_residual(pr, p);
        h[LOC_C][LOC_C] += pr->c_prior_w;
    }
}

/* Cholesky factor of the diagonally scaled n x n matrix (unit diagonal),
 * so the singularity test is independent of the unknowns' units. Returns
 * 0 if the matrix is not (numerically) positive definite. */
static int scaled_cholesky(int n, const lm_mat a, lm_mat l, double scale[])
{
    lm_mat s;
    for (int i = 0; i < n; i++) {
        if (!(a[i][i] > 0.0) || !isfinite(a[i][i]))
            return 0;
        scale[i] = 1.0 / sqrt(a[i][i]);
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            s[i][j] = a[i][j] * scale[i] * scale[j];
    memset(l, 0, sizeof(lm_mat));
    for (int j = 0; j < n; j++) {
        double d = s[j][j];
        for (int k = 0; k < j; k++)
            d -= l[j][k] * l[j][k];
        if (!(d > CHOL_PIVOT_MIN))
            return 0;
        l[j][j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double v = s[i][j];
            for (int k = 0; k < j; k++)
                v -= l[i][k] * l[j][k];
            l[i][j] = v / l[j][j];
        }
    }
    return 1;
}

/* x = A^-1 b using the factor of the scaled matrix. */
static void cholesky_solve(int n, const lm_mat l, const double scale[], const double b[],
                           double x[])
{
    double y[NU];
    for (int i = 0; i < n; i++) {
        double v = b[i] * scale[i];
        for (int k = 0; k < i; k++)
            v -= l[i][k] * y[k];
        y[i] = v / l[i][i];
    }
    for (int i = n - 1; i >= 0; i--) {
        double v = y[i];
        for (int k = i + 1; k < n; k++)
            v -= l[k][i] * x[k];
        x[i] = v / l[i][i];
    }
    for (int i = 0; i < n; i++)
        x[i] *= scale[i];
}

static int solve_spd(int n, const lm_mat a, const double b[], double x[])
{
    lm_mat l;
    double scale[NU];
    if (!scaled_cholesky(n, a, l, scale))
        return 0;
    cholesky_solve(n, l, scale, b, x);
    return 1;
}

/* (J^T W J)^-1 at p, prior included; returns 0 if the geometry leaves a
 * direction undetermined. Its (e, n, t0) block is their covariance
 * marginalised over c. */
static int covariance_at(const loc_problem *pr, const double p[], lm_mat cov)
{
    int nu = pr->n_unknowns;
    lm_mat h, l;
    double g[NU], scale[NU];
    normal_equations(pr, p, h, g);
    if (!scaled_cholesky(nu, h, l, scale))
        return 0;
    memset(cov, 0, sizeof(lm_mat));
    for (int c = 0; c < nu; c++) {
        double unit[NU] = {0.0, 0.0, 0.0, 0.0}, col[NU];
        unit[c] = 1.0;
        cholesky_solve(nu, l, scale, unit, col);
        for (int r = 0; r < nu; r++)
            cov[r][c] = col[r];
    }
    for (int r = 0; r < nu; r++) /* exact symmetry */
        for (int c = r + 1; c < nu; c++)
            cov[r][c] = cov[c][r] = 0.5 * (cov[r][c] + cov[c][r]);
    return 1;
}

static int step_is_small(const loc_problem *pr, const double d[])
{
    return hypot(d[LOC_E], d[LOC_N]) < LM_STEP_TOL_M && fabs(d[LOC_T0]) < LM_STEP_TOL_S &&
           (!loc_solves_speed(pr) || fabs(d[LOC_C]) < LM_STEP_TOL_MPS);
}

typedef enum {
    STEP_REJECTED = 0,     /* chi^2 did not go down: raise the damping */
    STEP_ACCEPTED = 1,     /* p and chi^2 updated */
    STEP_SINGULAR = -1,    /* damped normal equations not solvable */
    STEP_UNPHYSICAL = -2   /* the step took c out of the physical range */
} step_result;

/* One damped step attempt. With c solved, the trial's origin time is set
 * to its exact optimum for the trial's (e, n, c) rather than stepped
 * linearly (variable projection of the one linear unknown): c's Jacobian
 * column, -c T_i^2 / s_i ~ -T_i / c, is nearly parallel to t0's, and the
 * valley of chi^2 along which c, range and t0 trade off is curved in t0
 * (by ~T dc^2 / c^2), so plain steps overshoot it and LM crawls (245
 * iterations instead of 11 on a line array at 3 km). With c fixed, the
 * linear step is kept, so results are bit-identical to the 3-unknown
 * solver's. step[] returns the change actually made. */
static step_result try_step(const loc_problem *pr, double p[], double *chi2, double lambda,
                            double step[])
{
    int nu = pr->n_unknowns;
    lm_mat h, hd;
    double g[NU], trial[NU];
    normal_equations(pr, p, h, g);
    memcpy(hd, h, sizeof hd);
    for (int i = 0; i < nu; i++)
        hd[i][i] *= 1.0 + lambda;
    if (!solve_spd(nu, hd, g, step))
        return STEP_SINGULAR;
    for (int i = 0; i < nu; i++)
        trial[i] = p[i] + step[i];
    if (loc_solves_speed(pr)) {
        if (!loc_speed_is_physical(pr, trial[LOC_C]))
            return STEP_UNPHYSICAL;
        trial[LOC_T0] = origin_time_at(pr, trial);
        step[LOC_T0] = trial[LOC_T0] - p[LOC_T0];
    }
    double trial_chi2 = chi2_at(pr, trial);
    if (!(trial_chi2 <= *chi2))
        return STEP_REJECTED;
    memcpy(p, trial, sizeof(double) * (size_t)nu);
    *chi2 = trial_chi2;
    return STEP_ACCEPTED;
}

void loc_lm_solve(const loc_problem *pr, const loc_seed *seed, int max_iterations,
                  loc_fit *fit)
{
    double p[NU] = {seed->e_m, seed->n_m, seed->t0_s, pr->c_prior_mps};
    double chi2 = chi2_at(pr, p), lambda = LM_LAMBDA_START, last_step_m = INFINITY;
    int converged = 0, unphysical = 0, it;
    for (it = 0; it < max_iterations && !converged; it++) {
        double step[NU];
        step_result rc = try_step(pr, p, &chi2, lambda, step);
        if (rc == STEP_UNPHYSICAL) {
            /* An overshoot is damped like any failed step; a fit that
             * keeps heading out of the physical range has no air-like
             * minimum near this seed. */
            if (++unphysical > LM_MAX_UNPHYSICAL)
                break;
            lambda *= 10.0;
            continue;
        }
        if (rc == STEP_SINGULAR)
            break;
        if (rc == STEP_ACCEPTED) {
            last_step_m = hypot(step[LOC_E], step[LOC_N]);
            converged = step_is_small(pr, step);
            lambda = fmax(lambda * 0.1, 1e-12);
        } else {
            /* chi^2 cannot be lowered even by a tiny gradient step: we sit
             * at the minimum to within rounding. */
            converged = step_is_small(pr, step) || lambda >= LM_LAMBDA_MAX;
            lambda *= 10.0;
        }
    }
    memcpy(fit->p, p, sizeof p);
    fit->chi2 = chi2;
    fit->iterations = it;
    fit->ok = unphysical <= LM_MAX_UNPHYSICAL &&
              (converged || last_step_m < LM_CLOSE_TOL_M) && isfinite(chi2) &&
              covariance_at(pr, p, fit->cov);
}
