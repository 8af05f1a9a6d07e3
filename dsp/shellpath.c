/* A shell's flight and its crack's arrivals (see include/earshot/shellpath.h). */
#include "earshot/shellpath.h"

#include "earshot/config.h"
#include "solve3.h"

#include <math.h>
#include <string.h>

#define GRAVITY_MPS2 9.81
#define MAX_FLIGHT_S 60.0
#define DEG (M_PI / 180.0)
/* The stationary point is bracketed by a scan of the flight in SCAN_STEPS
 * (the first sign change of dt/dtau), then found to ROOT_TOLERANCE_S (the
 * arrival is stationary there: its error is second order in tau's). */
#define SCAN_STEPS 16
#define ROOT_STEPS 40
#define ROOT_TOLERANCE_S 1e-6
/* The search: elevation and speed (in units of c) ranges and grid. */
#define MAX_ELEVATION_DEG 70.0
#define MIN_MACH 1.05
#define MAX_MACH 4.0
#define GRID_ELEVATION_DEG 2.5
#define GRID_AZIMUTH_DEG 2.0
#define GRID_SPEEDS 40
#define COARSE_SENSORS 8
#define KEEP 3
/* Levenberg-Marquardt steps at most from each of the KEEP best grid
 * flights. On a line array the misfit has a long narrow valley (elevation,
 * speed and azimuth trade against each other) that takes a few hundred
 * steps to follow; a step that gains less than 1e-9 of the misfit ends
 * it sooner. */
#define REFINE_STEPS 1000

/* A flight with its trigonometry done once. */
typedef struct {
    double gun[3], vx, vy, vz0, t_fire_s, end_s;
} path;

static path path_of(const es_shell_flight *f)
{
    double az = f->azimuth_deg * DEG, el = f->elevation_deg * DEG;
    double vh = f->speed_mps * cos(el), vz = f->speed_mps * sin(el);
    double u0 = fmax(f->gun_m[2], 0.0);
    double land_s = (vz + sqrt(vz * vz + 2.0 * GRAVITY_MPS2 * u0)) / GRAVITY_MPS2;
    return (path){{f->gun_m[0], f->gun_m[1], f->gun_m[2]},
                  vh * sin(az), vh * cos(az), vz, f->t_fire_s, fmin(land_s, MAX_FLIGHT_S)};
}

/* The shell's offset from sensor s and its velocity, tau after firing. */
static void offset(const path *q, const double s[3], double tau, double d[3], double v[3])
{
    v[0] = q->vx;
    v[1] = q->vy;
    v[2] = q->vz0 - GRAVITY_MPS2 * tau;
    d[0] = q->gun[0] + q->vx * tau - s[0];
    d[1] = q->gun[1] + q->vy * tau - s[1];
    d[2] = q->gun[2] + q->vz0 * tau - 0.5 * GRAVITY_MPS2 * tau * tau - s[2];
}

/* c * dt/dtau of t(tau) = tau + |P(tau) - S| / c, and its derivative in
 * tau (curv, may be NULL). */
static double slope(const path *q, double c_mps, const double s[3], double tau, double *curv)
{
    double d[3], v[3];
    offset(q, s, tau, d, v);
    double dist = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    if (dist <= 0.0)
        return 0.0;
    double dv = d[0] * v[0] + d[1] * v[1] + d[2] * v[2];
    if (curv != NULL) {
        double vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        *curv = (vv - d[2] * GRAVITY_MPS2) / dist - dv * dv / (dist * dist * dist);
    }
    return c_mps + dv / dist;
}

/* The stationary point in [lo, hi] (slope < 0 at lo, >= 0 at hi): Newton
 * steps, a bisection whenever one leaves the bracket. */
static double stationary_tau(const path *q, double c_mps, const double s[3], double lo, double hi)
{
    double tau = 0.5 * (lo + hi);
    for (int i = 0; i < ROOT_STEPS && hi - lo > ROOT_TOLERANCE_S; i++) {
        double curv, g = slope(q, c_mps, s, tau, &curv);
        if (g < 0.0)
            lo = tau;
        else
            hi = tau;
        double next = curv > 0.0 ? tau - g / curv : NAN;
        if (!(next > lo && next < hi)) {
            tau = 0.5 * (lo + hi);
            continue;
        }
        int converged = fabs(next - tau) <= ROOT_TOLERANCE_S;
        tau = next;
        if (converged)
            break;
    }
    return tau;
}

static double arrival(const path *q, double c_mps, const double s[3])
{
    if (!(q->end_s > 0.0) || slope(q, c_mps, s, 0.0, NULL) >= 0.0)
        return NAN; /* the sensor is outside the cone as the shell leaves */
    double lo = 0.0, hi = NAN;
    for (int i = 1; i <= SCAN_STEPS; i++) {
        double tau = q->end_s * (double)i / SCAN_STEPS;
        if (slope(q, c_mps, s, tau, NULL) >= 0.0) {
            hi = tau;
            break;
        }
        lo = tau;
    }
    if (isnan(hi))
        return NAN; /* landed before the cone reached the sensor */
    double tau = stationary_tau(q, c_mps, s, lo, hi), d[3], v[3];
    offset(q, s, tau, d, v);
    if (v[0] * v[0] + v[1] * v[1] + v[2] * v[2] <= c_mps * c_mps)
        return NAN; /* subsonic there: no shock */
    return q->t_fire_s + tau + sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / c_mps;
}

double es_shell_crack_arrival_s(const es_shell_flight *f, double c_mps, const double sensor_m[3])
{
    if (!(c_mps > 0.0))
        return NAN;
    path q = path_of(f);
    return arrival(&q, c_mps, sensor_m);
}

/* Sum of squared misfits of flight f over sensors idx[0..m); INFINITY
 * when the crack misses one, or as soon as the sum passes `stop`. */
static double misfit(const es_shell_crack_obs *o, const es_shell_flight *f, const size_t *idx,
                     size_t m, double stop)
{
    path q = path_of(f);
    double sum = 0.0;
    for (size_t k = 0; k < m && sum <= stop; k++) {
        size_t i = idx[k];
        double t = arrival(&q, o->c_mps, o->sensor_m[i]);
        if (isnan(t))
            return INFINITY;
        sum += (o->arrival_s[i] - t) * (o->arrival_s[i] - t);
    }
    return sum <= stop ? sum : INFINITY;
}

typedef struct {
    double sum;
    es_shell_flight f;
} candidate;

/* Keeps the KEEP best candidates, best first. */
static void offer(candidate *best, double sum, const es_shell_flight *f)
{
    if (!(sum < best[KEEP - 1].sum))
        return;
    int k = KEEP - 1;
    while (k > 0 && best[k - 1].sum > sum) {
        best[k] = best[k - 1];
        k--;
    }
    best[k] = (candidate){sum, *f};
}

static int check_obs(const es_shell_crack_obs *o, es_error *err)
{
    if (o == NULL || o->sensor_m == NULL || o->arrival_s == NULL || o->n < 3)
        return es_error_set(err, ES_EINVAL, "shell path: at least 3 sensors' arrivals needed");
    if (o->n > ES_MAX_SENSORS)
        return es_error_set(err, ES_EINVAL, "shell path: %zu sensors, at most %d", o->n,
                            ES_MAX_SENSORS);
    if (!(o->c_mps >= 200.0 && o->c_mps <= 500.0))
        return es_error_set(err, ES_EINVAL, "shell path: speed of sound %.1f m/s out of range",
                            o->c_mps);
    for (size_t i = 0; i < o->n; i++)
        if (!isfinite(o->arrival_s[i]))
            return es_error_set(err, ES_EINVAL, "shell path: arrival %zu is not a number", i);
    return ES_OK;
}

/* Every flight of the coarse grid over a spread subset of the sensors. */
static void coarse_search(const es_shell_crack_obs *o, double aim_az_deg, double aim_err_deg,
                          candidate *best)
{
    size_t idx[COARSE_SENSORS], m = o->n < COARSE_SENSORS ? o->n : COARSE_SENSORS;
    for (size_t k = 0; k < m; k++)
        idx[k] = k * o->n / m;
    es_shell_flight f = {{o->gun_m[0], o->gun_m[1], o->gun_m[2]}, o->t_fire_s, 0, 0, 0};
    double v_lo = MIN_MACH * o->c_mps, v_step = (MAX_MACH - MIN_MACH) * o->c_mps / GRID_SPEEDS;
    for (double da = -aim_err_deg; da <= aim_err_deg + 1e-9; da += GRID_AZIMUTH_DEG)
        for (double el = 0.0; el <= MAX_ELEVATION_DEG + 1e-9; el += GRID_ELEVATION_DEG)
            for (int s = 0; s <= GRID_SPEEDS; s++) {
                f.azimuth_deg = aim_az_deg + da;
                f.elevation_deg = el;
                f.speed_mps = v_lo + v_step * s;
                offer(best, misfit(o, &f, idx, m, best[KEEP - 1].sum), &f);
            }
}

static int inside(const es_shell_crack_obs *o, const es_shell_flight *f, double aim_az_deg,
                  double aim_err_deg)
{
    double daz = remainder(f->azimuth_deg - aim_az_deg, 360.0);
    return fabs(daz) <= aim_err_deg && f->elevation_deg >= 0.0 &&
           f->elevation_deg <= MAX_ELEVATION_DEG && f->speed_mps >= MIN_MACH * o->c_mps &&
           f->speed_mps <= MAX_MACH * o->c_mps;
}

static double *axis_of(es_shell_flight *f, int axis)
{
    return axis == 0 ? &f->azimuth_deg : axis == 1 ? &f->elevation_deg : &f->speed_mps;
}

/* Residuals (heard - predicted) of flight f at every sensor; 0 when the
 * crack misses one. */
static int residuals(const es_shell_crack_obs *o, const es_shell_flight *f, double *r)
{
    path q = path_of(f);
    for (size_t i = 0; i < o->n; i++) {
        r[i] = o->arrival_s[i] - arrival(&q, o->c_mps, o->sensor_m[i]);
        if (isnan(r[i]))
            return 0;
    }
    return 1;
}

/* One Levenberg-Marquardt step's normal equations from a forward-
 * difference Jacobian of the residuals at c; 0 when a probe leaves the
 * cone. */
static int normal_equations(const es_shell_crack_obs *o, const candidate *c, const double *r,
                            double jtj[3][3], double jtr[3], double *jac)
{
    const double probe[3] = {0.01, 0.01, 0.001 * o->c_mps};
    for (int a = 0; a < 3; a++) {
        es_shell_flight f = c->f;
        *axis_of(&f, a) += probe[a];
        double *col = jac + (size_t)a * o->n;
        if (!residuals(o, &f, col))
            return 0;
        for (size_t i = 0; i < o->n; i++)
            col[i] = (r[i] - col[i]) / probe[a]; /* d(predicted)/d(parameter) */
    }
    for (int a = 0; a < 3; a++) {
        jtr[a] = 0.0;
        for (int b = 0; b < 3; b++)
            jtj[a][b] = 0.0;
        for (size_t i = 0; i < o->n; i++) {
            jtr[a] += jac[(size_t)a * o->n + i] * r[i];
            for (int b = 0; b < 3; b++)
                jtj[a][b] += jac[(size_t)a * o->n + i] * jac[(size_t)b * o->n + i];
        }
    }
    return 1;
}

/* Levenberg-Marquardt from a grid candidate over every sensor, each step
 * kept inside the searched ranges. */
static candidate refine(const es_shell_crack_obs *o, double aim_az_deg, double aim_err_deg,
                        candidate c)
{
    double r[ES_MAX_SENSORS], trial_r[ES_MAX_SENSORS], jac[3 * ES_MAX_SENSORS];
    if (!residuals(o, &c.f, r))
        return c;
    c.sum = 0.0;
    for (size_t i = 0; i < o->n; i++)
        c.sum += r[i] * r[i];
    double lambda = 1e-3;
    for (int it = 0; it < REFINE_STEPS && lambda < 1e8; it++) {
        double jtj[3][3], jtr[3], step[3];
        if (!normal_equations(o, &c, r, jtj, jtr, jac))
            break;
        for (int a = 0; a < 3; a++)
            jtj[a][a] *= 1.0 + lambda;
        candidate t = c;
        if (!es__solve3(jtj, jtr, step))
            break;
        for (int a = 0; a < 3; a++)
            *axis_of(&t.f, a) += step[a];
        t.sum = INFINITY;
        if (inside(o, &t.f, aim_az_deg, aim_err_deg) && residuals(o, &t.f, trial_r)) {
            t.sum = 0.0;
            for (size_t i = 0; i < o->n; i++)
                t.sum += trial_r[i] * trial_r[i];
        }
        if (t.sum < c.sum) {
            int done = c.sum - t.sum < 1e-9 * c.sum;
            c = t;
            memcpy(r, trial_r, o->n * sizeof *r);
            lambda *= 0.1;
            if (done)
                break;
        } else {
            lambda *= 10.0;
        }
    }
    return c;
}

int es_shell_crack_fit_execute(const es_shell_crack_obs *obs, es_shell_crack_fit *out,
                               es_error *err)
{
    int rc = check_obs(obs, err);
    if (rc != ES_OK)
        return rc;
    double aim_az = atan2(obs->aim_m[0] - obs->gun_m[0], obs->aim_m[1] - obs->gun_m[1]) / DEG;
    double aim_err = obs->max_aim_error_deg > 0.0 ? obs->max_aim_error_deg : 10.0;
    candidate best[KEEP];
    for (int k = 0; k < KEEP; k++)
        best[k].sum = INFINITY;
    coarse_search(obs, aim_az, aim_err, best);
    memset(out, 0, sizeof *out);
    out->rms_s = INFINITY;
    for (int k = 0; k < KEEP && isfinite(best[k].sum); k++) {
        candidate c = refine(obs, aim_az, aim_err, best[k]);
        double rms = sqrt(c.sum / (double)obs->n);
        if (rms < out->rms_s) {
            out->rms_s = rms;
            out->flight = c.f;
        }
    }
    return ES_OK;
}
