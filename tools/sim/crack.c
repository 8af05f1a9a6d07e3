/* The shell's flight and its crack's stationary arrivals (see crack.h). */
#include "crack.h"

#include <math.h>

#include "air.h"
#include "simconst.h"

/* Scan step of t(tau): t is smooth on the scale of the flight (its
 * curvature, about v^2 / (c D) s^-1, is under 200 s^-1 for a flight 10 m
 * away), so every interior minimum shows as a sampled one; each is then
 * refined by golden section to far below a microsecond. */
#define SCAN_STEP_S 2e-3
#define GOLDEN_ITERATIONS 80

void sim_shell_init(sim_shell *s, const sim_event *ev)
{
    double range = hypot(ev->pos_m[0], ev->pos_m[1]);
    double he = -ev->pos_m[0] / range, hn = -ev->pos_m[1] / range; /* toward the origin */
    double el = ev->elevation_deg * SIM_DEG, v = ev->shell_speed_mps;
    for (int k = 0; k < 3; k++)
        s->p0_m[k] = ev->pos_m[k];
    s->v0_mps[0] = v * cos(el) * he;
    s->v0_mps[1] = v * cos(el) * hn;
    s->v0_mps[2] = v * sin(el);
    /* u0 + vz t - g t^2 / 2 = 0, the later root. */
    double vz = s->v0_mps[2], g = SIM_GRAVITY_MPS2;
    double land = (vz + sqrt(vz * vz + 2.0 * g * s->p0_m[2])) / g;
    s->flight_s = land < SIM_CRACK_MAX_FLIGHT_S ? land : SIM_CRACK_MAX_FLIGHT_S;
}

void sim_shell_state(const sim_shell *s, double tau, int mirror, double pos_m[3],
                     double vel_mps[3])
{
    for (int k = 0; k < 3; k++) {
        pos_m[k] = s->p0_m[k] + s->v0_mps[k] * tau;
        vel_mps[k] = s->v0_mps[k];
    }
    pos_m[2] -= 0.5 * SIM_GRAVITY_MPS2 * tau * tau;
    vel_mps[2] -= SIM_GRAVITY_MPS2 * tau;
    if (mirror) {
        pos_m[2] = -pos_m[2];
        vel_mps[2] = -vel_mps[2];
    }
}

typedef struct {
    const sim_shell *s;
    int mirror;
    const double *mic;
    double c, w[2];
} arrival_fn;

/* t(tau) - t0: emission time plus travel time. */
static double arrival_s(const arrival_fn *f, double tau)
{
    double p[3], v[3];
    sim_shell_state(f->s, tau, f->mirror, p, v);
    return tau + sim_air_travel_time_s(p, f->mic, f->c, f->w);
}

/* Minimum of t on [a, b] (bracketing one). */
static double golden_min(const arrival_fn *f, double a, double b)
{
    const double r = 0.5 * (sqrt(5.0) - 1.0);
    double x1 = b - r * (b - a), x2 = a + r * (b - a);
    double f1 = arrival_s(f, x1), f2 = arrival_s(f, x2);
    for (int i = 0; i < GOLDEN_ITERATIONS && b - a > 1e-13; i++) {
        if (f1 <= f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - r * (b - a);
            f1 = arrival_s(f, x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + r * (b - a);
            f2 = arrival_s(f, x2);
        }
    }
    return 0.5 * (a + b);
}

void sim_crack_whitham(double mach, double miss_m, double c_mps, double p0_pa,
                       double *peak_pa, double *duration_s)
{
    const double d = SIM_SHELL_DIAMETER_M, l = SIM_SHELL_LENGTH_M;
    double m2 = mach * mach - 1.0, r = fmax(miss_m, SIM_CRACK_MIN_MISS_M);
    *peak_pa = p0_pa * 0.53 * pow(m2, 0.125) * d * pow(l, -0.25) * pow(r, -0.75);
    *duration_s = 1.82 * mach * pow(r, 0.25) * d / (c_mps * pow(m2, 0.375) * pow(l, 0.25));
}

/* The path from emission at tau to the microphone, and its N-wave. */
static int describe(const arrival_fn *f, double tau, double p0_pa, sim_crack_path *out)
{
    double p[3], v[3], d[3];
    sim_shell_state(f->s, tau, f->mirror, p, v);
    double speed = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    double ae = v[0] - f->w[0], an = v[1] - f->w[1];
    double airspeed = sqrt(ae * ae + an * an + v[2] * v[2]); /* through the moving air */
    if (!(airspeed > f->c))
        return 0; /* subsonic there: no shock to hear */
    for (int k = 0; k < 3; k++)
        d[k] = f->mic[k] - p[k];
    double cx = d[1] * v[2] - d[2] * v[1], cy = d[2] * v[0] - d[0] * v[2],
           cz = d[0] * v[1] - d[1] * v[0];
    out->emit_s = tau;
    out->travel_s = sim_air_travel_time_s(p, f->mic, f->c, f->w);
    out->distance_m = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    out->miss_m = sqrt(cx * cx + cy * cy + cz * cz) / speed;
    out->mach = airspeed / f->c;
    sim_crack_whitham(out->mach, out->miss_m, f->c, p0_pa, &out->peak_pa, &out->duration_s);
    return 1;
}

int sim_crack_find(const sim_shell *s, int mirror, const double mic_m[3], double c_mps,
                   const double w_en[2], double p0_pa, sim_crack_path *out)
{
    arrival_fn f = {s, mirror, mic_m, c_mps, {w_en[0], w_en[1]}};
    size_t n = (size_t)ceil(s->flight_s / SCAN_STEP_S);
    if (n < 2)
        return 0; /* landed at once (fired flat from the ground) */
    double step = s->flight_s / (double)n, best = INFINITY;
    double before = arrival_s(&f, 0.0), here = arrival_s(&f, step);
    int found = 0;
    for (size_t i = 1; i < n; i++) {
        double after = arrival_s(&f, (double)(i + 1) * step);
        if (before > here && here <= after) {
            double tau = golden_min(&f, (double)(i - 1) * step, (double)(i + 1) * step);
            sim_crack_path cand;
            double t = arrival_s(&f, tau);
            if (t < best && describe(&f, tau, p0_pa, &cand)) {
                best = t;
                *out = cand;
                found = 1;
            }
        }
        before = here;
        here = after;
    }
    return found;
}
