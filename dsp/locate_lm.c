/* Levenberg-Marquardt refinement of (east, north, origin time) and the
 * covariance (J^T W J)^-1 at the solution.
 *
 * Model: arrival_i = t0 + T(src, sensor_i), T the travel time with wind
 * (same kernel as es_travel_time_s). The Jacobian is analytic: from the
 * implicit equation (c^2 - |w|^2) t^2 + 2 (d.w) t - |d|^2 = 0, d = rcv - src,
 *   dT/dd = (d - w T) / s,  s = (c^2 - |w|^2) T + d.w,
 * and dT/dsrc = -dT/dd. Damping is Marquardt's (lambda times diag(H)), so
 * the metre and second unknowns need no manual scaling. */
#include <math.h>
#include <string.h>

#include "locate_internal.h"
#include "propagation.h"

#define LM_LAMBDA_START 1e-3
#define LM_LAMBDA_MAX 1e12
#define LM_STEP_TOL_M 1e-6        /* converged when the position moves less */
#define LM_STEP_TOL_S 1e-10       /* ... and the origin time less */
#define LM_CLOSE_TOL_M 1e-3       /* last step small enough to accept at the cap */
#define CHOL_PIVOT_MIN 1e-13      /* relative pivot: below it, singular */

double loc_travel(const loc_problem *pr, size_t i, double e_m, double n_m,
                  double *dt_de, double *dt_dn)
{
    double de = pr->pos_m[i][0] - e_m;
    double dn = pr->pos_m[i][1] - n_m;
    double du = pr->pos_m[i][2] - pr->src_u_m;
    double s;
    double t = es__travel_time_kernel(de, dn, du, pr->wind_e, pr->wind_n, pr->a_coef, &s);
    if (dt_de != NULL && dt_dn != NULL) {
        if (s > 0.0) {
            *dt_de = -(de - pr->wind_e * t) / s;
            *dt_dn = -(dn - pr->wind_n * t) / s;
        } else { /* source on the sensor: no defined gradient */
            *dt_de = 0.0;
            *dt_dn = 0.0;
        }
    }
    return t;
}

double loc_origin_time(const loc_problem *pr, double e_m, double n_m)
{
    double sw = 0.0, swx = 0.0;
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->active[i])
            continue;
        sw += pr->w[i];
        swx += pr->w[i] * (pr->arr_s[i] - loc_travel(pr, i, e_m, n_m, NULL, NULL));
    }
    return swx / sw;
}

static double chi2_at(const loc_problem *pr, const double p[3])
{
    double chi2 = 0.0;
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->active[i])
            continue;
        double r = pr->arr_s[i] - p[2] - loc_travel(pr, i, p[0], p[1], NULL, NULL);
        chi2 += pr->w[i] * r * r;
    }
    return chi2;
}

/* Normal equations H = J^T W J and g = J^T W r at p (J of the model). */
static void normal_equations(const loc_problem *pr, const double p[3], double h[3][3],
                             double g[3])
{
    memset(h, 0, sizeof(double) * 9);
    memset(g, 0, sizeof(double) * 3);
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->active[i])
            continue;
        double j[3];
        double t = loc_travel(pr, i, p[0], p[1], &j[0], &j[1]);
        j[2] = 1.0;
        double r = pr->arr_s[i] - p[2] - t;
        for (int a = 0; a < 3; a++) {
            g[a] += pr->w[i] * j[a] * r;
            for (int b = 0; b < 3; b++)
                h[a][b] += pr->w[i] * j[a] * j[b];
        }
    }
}

/* Cholesky factor of the diagonally scaled matrix (unit diagonal), so the
 * singularity test is independent of the unknowns' units. Returns 0 if
 * the matrix is not (numerically) positive definite. */
static int scaled_cholesky(const double a[3][3], double l[3][3], double scale[3])
{
    double s[3][3];
    for (int i = 0; i < 3; i++) {
        if (!(a[i][i] > 0.0) || !isfinite(a[i][i]))
            return 0;
        scale[i] = 1.0 / sqrt(a[i][i]);
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            s[i][j] = a[i][j] * scale[i] * scale[j];
    memset(l, 0, sizeof(double) * 9);
    for (int j = 0; j < 3; j++) {
        double d = s[j][j];
        for (int k = 0; k < j; k++)
            d -= l[j][k] * l[j][k];
        if (!(d > CHOL_PIVOT_MIN))
            return 0;
        l[j][j] = sqrt(d);
        for (int i = j + 1; i < 3; i++) {
            double v = s[i][j];
            for (int k = 0; k < j; k++)
                v -= l[i][k] * l[j][k];
            l[i][j] = v / l[j][j];
        }
    }
    return 1;
}

/* x = A^-1 b using the factor of the scaled matrix. */
static void cholesky_solve(const double l[3][3], const double scale[3], const double b[3],
                           double x[3])
{
    double y[3];
    for (int i = 0; i < 3; i++) {
        double v = b[i] * scale[i];
        for (int k = 0; k < i; k++)
            v -= l[i][k] * y[k];
        y[i] = v / l[i][i];
    }
    for (int i = 2; i >= 0; i--) {
        double v = y[i];
        for (int k = i + 1; k < 3; k++)
            v -= l[k][i] * x[k];
        x[i] = v / l[i][i];
    }
    for (int i = 0; i < 3; i++)
        x[i] *= scale[i];
}

static int solve3(const double a[3][3], const double b[3], double x[3])
{
    double l[3][3], scale[3];
    if (!scaled_cholesky(a, l, scale))
        return 0;
    cholesky_solve(l, scale, b, x);
    return 1;
}

/* (J^T W J)^-1 at p; returns 0 if the geometry leaves a direction
 * undetermined. */
static int covariance_at(const loc_problem *pr, const double p[3], double cov[3][3])
{
    double h[3][3], g[3], l[3][3], scale[3];
    normal_equations(pr, p, h, g);
    if (!scaled_cholesky(h, l, scale))
        return 0;
    for (int c = 0; c < 3; c++) {
        double unit[3] = {0.0, 0.0, 0.0}, col[3];
        unit[c] = 1.0;
        cholesky_solve(l, scale, unit, col);
        for (int r = 0; r < 3; r++)
            cov[r][c] = col[r];
    }
    for (int r = 0; r < 3; r++) /* exact symmetry */
        for (int c = r + 1; c < 3; c++)
            cov[r][c] = cov[c][r] = 0.5 * (cov[r][c] + cov[c][r]);
    return 1;
}

static int step_is_small(const double d[3])
{
    return hypot(d[0], d[1]) < LM_STEP_TOL_M && fabs(d[2]) < LM_STEP_TOL_S;
}

/* One damped step attempt; returns 1 if it lowered chi^2 (p, chi2 updated). */
static int try_step(const loc_problem *pr, double p[3], double *chi2, double lambda,
                    double step[3])
{
    double h[3][3], g[3], hd[3][3], trial[3];
    normal_equations(pr, p, h, g);
    memcpy(hd, h, sizeof hd);
    for (int i = 0; i < 3; i++)
        hd[i][i] *= 1.0 + lambda;
    if (!solve3(hd, g, step))
        return -1;
    for (int i = 0; i < 3; i++)
        trial[i] = p[i] + step[i];
    double c = chi2_at(pr, trial);
    if (!(c <= *chi2))
        return 0;
    memcpy(p, trial, sizeof trial);
    *chi2 = c;
    return 1;
}

void loc_lm_solve(const loc_problem *pr, const loc_seed *seed, int max_iterations,
                  loc_fit *fit)
{
    double p[3] = {seed->e_m, seed->n_m, seed->t0_s};
    double chi2 = chi2_at(pr, p), lambda = LM_LAMBDA_START, last_step_m = INFINITY;
    int converged = 0, it;
    for (it = 0; it < max_iterations && !converged; it++) {
        double step[3];
        int rc = try_step(pr, p, &chi2, lambda, step);
        if (rc < 0)
            break;
        if (rc == 1) {
            last_step_m = hypot(step[0], step[1]);
            converged = step_is_small(step);
            lambda = fmax(lambda * 0.1, 1e-12);
        } else {
            /* chi^2 cannot be lowered even by a tiny gradient step: we sit
             * at the minimum to within rounding. */
            converged = step_is_small(step) || lambda >= LM_LAMBDA_MAX;
            lambda *= 10.0;
        }
    }
    memcpy(fit->p, p, sizeof p);
    fit->chi2 = chi2;
    fit->iterations = it;
    fit->ok = (converged || last_step_m < LM_CLOSE_TOL_M) && isfinite(chi2) &&
              covariance_at(pr, p, fit->cov);
}
