/* Cramer-Rao bound of a launch's horizontal position, implemented here
 * independently of the engine's solver.
 *
 * Model: arrival_i = t0 + T(src, sensor_i; c, wind) + noise_i, noise
 * i.i.d. N(0, sigma_t^2), T the straight-path travel time in air moving
 * with the wind (|d - w T| = c T): the simulator's own fixed-point
 * solution (tools/sim/air.c), not the engine's closed form. Unknowns: east, north,
 * t0, and optionally c. The gradient of T comes from central differences.
 *
 * The origin time t0 enters every arrival with derivative 1, so it is
 * eliminated exactly by centring the other gradients (the Schur complement
 * of the t0 block): J_c = sum_i (g_i - mean g)(g_i - mean g)^T / sigma_t^2.
 * That keeps the small curvature terms of a far source (the range
 * information, second order in aperture/range) from drowning in
 * cancellation. The position covariance is the (e, n) block of J_c^-1. */
#include <math.h>
#include <string.h>

#include "accuracy.h"
#include "air.h"

#define STEP_M 0.5
#define STEP_C_MPS 0.01

/* Gradient of T at one sensor with respect to (e, n, c). */
static void gradient(const double src[3], const double rcv[3], double c_mps,
                     const double wind_en[2], double g[3])
{
    for (int k = 0; k < 2; k++) {
        double p[3] = {src[0], src[1], src[2]}, m[3] = {src[0], src[1], src[2]};
        p[k] += STEP_M;
        m[k] -= STEP_M;
        g[k] = (sim_air_travel_time_s(p, rcv, c_mps, wind_en) - sim_air_travel_time_s(m, rcv, c_mps, wind_en)) /
               (2.0 * STEP_M);
    }
    g[2] = (sim_air_travel_time_s(src, rcv, c_mps + STEP_C_MPS, wind_en) -
            sim_air_travel_time_s(src, rcv, c_mps - STEP_C_MPS, wind_en)) /
           (2.0 * STEP_C_MPS);
}

/* Inverse of a symmetric positive definite n x n matrix (n <= 3): scaled
 * to a unit diagonal (the unknowns have different units), then
 * Gauss-Jordan with partial pivoting; -1 when (numerically) singular. */
static int invert(double a[3][3], int n, double inv[3][3])
{
    double d[3], m[3][6];
    for (int i = 0; i < n; i++) {
        if (!(a[i][i] > 0.0))
            return -1;
        d[i] = sqrt(a[i][i]);
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 2 * n; j++)
            m[i][j] = j < n ? a[i][j] / (d[i] * d[j]) : (j - n == i ? 1.0 : 0.0);
    for (int col = 0; col < n; col++) {
        int piv = col;
        for (int r = col + 1; r < n; r++)
            if (fabs(m[r][col]) > fabs(m[piv][col]))
                piv = r;
        if (!(fabs(m[piv][col]) > 1e-12))
            return -1;
        for (int j = 0; j < 2 * n; j++) {
            double t = m[col][j];
            m[col][j] = m[piv][j];
            m[piv][j] = t;
        }
        double p = m[col][col];
        for (int j = 0; j < 2 * n; j++)
            m[col][j] /= p;
        for (int r = 0; r < n; r++) {
            if (r == col)
                continue;
            double f = m[r][col];
            for (int j = 0; j < 2 * n; j++)
                m[r][j] -= f * m[col][j];
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            inv[i][j] = m[i][j + n] / (d[i] * d[j]);
    return 0;
}

int acc_crlb(const double (*sensor_m)[3], size_t n, const double src[3], double c_mps,
             const double wind_en[2], double sigma_t_s, double c_sigma_mps,
             double cov_en[2][2])
{
    if (n < 3 || !(sigma_t_s > 0.0) || !(c_mps > 0.0))
        return -1;
    double g[ES_MAX_SENSORS][3], mean[3] = {0.0, 0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        gradient(src, sensor_m[i], c_mps, wind_en, g[i]);
        for (int k = 0; k < 3; k++)
            mean[k] += g[i][k] / (double)n;
    }
    int dim = c_sigma_mps < 0.0 ? 2 : 3;
    double info[3][3] = {{0.0}}, inv[3][3];
    for (size_t i = 0; i < n; i++)
        for (int a = 0; a < dim; a++)
            for (int b = 0; b < dim; b++)
                info[a][b] += (g[i][a] - mean[a]) * (g[i][b] - mean[b]) / (sigma_t_s * sigma_t_s);
    if (dim == 3 && c_sigma_mps > 0.0)
        info[2][2] += 1.0 / (c_sigma_mps * c_sigma_mps);
    if (invert(info, dim, inv) != 0)
        return -1;
    cov_en[0][0] = inv[0][0];
    cov_en[0][1] = cov_en[1][0] = 0.5 * (inv[0][1] + inv[1][0]);
    cov_en[1][1] = inv[1][1];
    return cov_en[0][0] > 0.0 && cov_en[1][1] > 0.0 ? 0 : -1;
}
