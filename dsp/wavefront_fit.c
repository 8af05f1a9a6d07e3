/* Point-source fit of arrival times (see wavefront_fit.h). */
#include "wavefront_fit.h"
#include "solve3.h"

#include <math.h>

#define LM_STEPS 12
#define MIN_RANGE_M 1e-3

typedef struct {
    double x, y, t0;   /* source east, north (m, about the centroid), emission (s) */
} source;

typedef struct {
    const double (*pos_m)[3];
    const double *t_s;
    size_t n;
    double c_mps;
    double ce, cn, ct; /* centroid of the sensors and mean arrival */
} problem;

static double sq(double v)
{
    return v * v;
}

static double range_m(const problem *p, const source *s, size_t i)
{
    double r = hypot(s->x - (p->pos_m[i][0] - p->ce), s->y - (p->pos_m[i][1] - p->cn));
    return r > MIN_RANGE_M ? r : MIN_RANGE_M;
}

/* The emission time that fits best for this position, and the residuals'
 * sum of squares. */
static double settle_t0(const problem *p, source *s)
{
    double sum = 0.0;
    for (size_t i = 0; i < p->n; i++)
        sum += (p->t_s[i] - p->ct) - range_m(p, s, i) / p->c_mps;
    s->t0 = sum / (double)p->n;
    double ss = 0.0;
    for (size_t i = 0; i < p->n; i++)
        ss += sq(s->t0 + range_m(p, s, i) / p->c_mps - (p->t_s[i] - p->ct));
    return ss;
}

/* One damped Gauss-Newton step of (x, y, t0); the normal equations. */
static void normal_equations(const problem *p, const source *s, double mu, double a[3][3],
                             double g[3])
{
    for (int i = 0; i < 3; i++) {
        g[i] = 0.0;
        for (int j = 0; j < 3; j++)
            a[i][j] = 0.0;
    }
    for (size_t i = 0; i < p->n; i++) {
        double r = range_m(p, s, i);
        double jac[3] = {(s->x - (p->pos_m[i][0] - p->ce)) / (p->c_mps * r),
                         (s->y - (p->pos_m[i][1] - p->cn)) / (p->c_mps * r), 1.0};
        double res = s->t0 + r / p->c_mps - (p->t_s[i] - p->ct);
        for (int u = 0; u < 3; u++) {
            g[u] += jac[u] * res;
            for (int v = 0; v < 3; v++)
                a[u][v] += jac[u] * jac[v];
        }
    }
    for (int u = 0; u < 3; u++)
        a[u][u] *= 1.0 + mu;
}

/* Levenberg-Marquardt from the start position *start, left where it
 * ends; the sum of squares reached. */
static double descend(const problem *p, source *start)
{
    source s = *start;
    double ss = settle_t0(p, &s), mu = 1e-3;
    for (int step = 0; step < LM_STEPS; step++) {
        double a[3][3], g[3], d[3];
        normal_equations(p, &s, mu, a, g);
        if (!es__solve3(a, g, d))
            break;
        source next = {s.x - d[0], s.y - d[1], s.t0 - d[2]};
        double next_ss = settle_t0(p, &next);
        if (next_ss < ss) {
            s = next;
            ss = next_ss;
            mu /= 3.0;
        } else {
            mu *= 4.0;
        }
    }
    *start = s;
    return ss;
}

/* The plane wave that fits best: slowness (s/m) east and north, and the
 * residuals' sum of squares. */
static double plane_fit(const problem *p, double slowness[2])
{
    double see = 0, sen = 0, snn = 0, set = 0, snt = 0;
    for (size_t i = 0; i < p->n; i++) {
        double e = p->pos_m[i][0] - p->ce, nn = p->pos_m[i][1] - p->cn, t = p->t_s[i] - p->ct;
        see += e * e;
        sen += e * nn;
        snn += nn * nn;
        set += e * t;
        snt += nn * t;
    }
    double ridge = 1e-9 * (see + snn) + 1e-12; /* a line array: no slowness across it */
    double det = (see + ridge) * (snn + ridge) - sen * sen;
    slowness[0] = ((snn + ridge) * set - sen * snt) / det;
    slowness[1] = ((see + ridge) * snt - sen * set) / det;
    double ss = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        double e = p->pos_m[i][0] - p->ce, nn = p->pos_m[i][1] - p->cn, t = p->t_s[i] - p->ct;
        ss += sq(t - slowness[0] * e - slowness[1] * nn);
    }
    return ss;
}

double es__wavefront_fit(const double (*pos_m)[3], const double *t_s, size_t n, double c_mps,
                         es__wavefront *w)
{
    problem p = {pos_m, t_s, n, c_mps, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        p.ce += pos_m[i][0] / (double)n;
        p.cn += pos_m[i][1] / (double)n;
        p.ct += t_s[i] / (double)n;
    }
    es__wavefront fit = {.plane = 1, .ce = p.ce, .cn = p.cn, .ct = p.ct, .c_mps = c_mps};
    if (n < 4) {
        if (w != NULL)
            *w = fit;
        return 0.0;
    }
    double aperture_m = 10.0;
    for (size_t i = 0; i < n; i++)
        aperture_m = fmax(aperture_m, hypot(pos_m[i][0] - p.ce, pos_m[i][1] - p.cn));
    double slowness[2];
    double best = plane_fit(&p, slowness);
    fit.se = slowness[0];
    fit.sn = slowness[1];
    /* The source lies against the slowness (arrivals come earlier toward
     * it); near sources start there and either side of it (a line array
     * cannot tell the sides), at a few ranges. */
    double toward = hypot(slowness[0], slowness[1]) > 1e-9 ? atan2(-slowness[1], -slowness[0]) : 0.0;
    static const double turn_rad[3] = {0.0, 1.0471975511965976, -1.0471975511965976};
    static const double ranges[2] = {2.0, 20.0};
    for (int k = 0; k < 3; k++)
        for (int r = 0; r < 2; r++) {
            double a = toward + turn_rad[k], d = ranges[r] * aperture_m;
            source s = {d * cos(a), d * sin(a), 0.0};
            double ss = descend(&p, &s);
            if (ss < best) {
                best = ss;
                fit.plane = 0;
                fit.x = s.x;
                fit.y = s.y;
                fit.t0 = s.t0;
            }
        }
    if (w != NULL)
        *w = fit;
    return sqrt(best / (double)n);
}

double es__wavefront_predict_s(const es__wavefront *w, const double pos_m[3])
{
    double e = pos_m[0] - w->ce, n = pos_m[1] - w->cn;
    if (w->plane)
        return w->ct + w->se * e + w->sn * n;
    return w->ct + w->t0 + hypot(w->x - e, w->y - n) / w->c_mps;
}
