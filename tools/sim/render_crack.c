/* Rendering of an artillery shell's crack (crack.h): per microphone, the
 * N-wave of the direct path and of the ground's image, each placed
 * analytically at its exact fractional arrival time and filtered by its
 * path's absorption, the wavefront moved ahead by the filter's DC delay as
 * for every other source (absorb.h). Added on top of the muzzle blast,
 * which is rendered as before. */
#include <math.h>
#include <stdlib.h>

#include "absorb.h"
#include "crack.h"
#include "render_internal.h"
#include "source.h"

typedef struct {
    int n;                    /* paths with a crack: 0, 1 or 2 */
    sim_crack_path cp[2];
    double gain[2];           /* 1, or the reflection coefficient */
    double record_s[2];       /* wavefront in the recording */
    sim_filter h[2];
} crack_job;

/* The paths' cracks and filters; 0, or -1 when out of memory. */
static int find_paths(sim_render *r, const sim_shell *s, size_t k, double t0, crack_job *j)
{
    const sim_scenario *sc = r->sc;
    const double *mic = sc->sensors[k].pos_m;
    int np = sc->reflection && sc->reflection_coeff != 0.0 ? 2 : 1;
    double p0_pa = sc->air.pressure_kpa * 1000.0;
    for (int p = 0; p < np; p++) {
        sim_crack_path *cp = &j->cp[j->n];
        if (!sim_crack_find(s, p, mic, r->c_mps, r->w_en, p0_pa, cp))
            continue;
        sim_filter *h = &j->h[j->n];
        if (sim_absorption_filter(&r->fft, &sc->air, r->fs, cp->distance_m, h) != 0)
            return -1;
        j->gain[j->n] = p == 0 ? 1.0 : sc->reflection_coeff;
        j->record_s[j->n] = t0 + cp->emit_s + cp->travel_s - sim_filter_lead_s(h, r->fs) +
                            sc->sensors[k].clock_offset_s;
        j->n++;
    }
    return 0;
}

static void record(sim_render *r, size_t event, size_t k, const crack_job *j, double t0,
                   long long n0, const double *y, size_t ny)
{
    sim_crack_arrival *a = sim_render_crack(r, event, k);
    const sim_crack_path *cp = &j->cp[0];
    size_t imax = 0;
    for (size_t i = 1; i < ny; i++)
        if (fabs(y[i]) > fabs(y[imax]))
            imax = i;
    a->heard = 1;
    a->t_s = j->record_s[0] - r->sc->sensors[k].clock_offset_s;
    a->emit_t_s = t0 + cp->emit_s;
    a->distance_m = cp->distance_m;
    a->miss_m = cp->miss_m;
    a->mach = cp->mach;
    a->duration_s = cp->duration_s;
    a->peak_pa = fabs(y[imax]);
    a->peak_t_s = (double)(n0 + (long long)imax) / r->fs;
    a->n_start = n0;
    a->n_end = n0 + (long long)ny;
}

/* Both paths' N-waves in one buffer from the first wavefront, filtered. */
static int render_paths(sim_render *r, size_t event, size_t k, const crack_job *j, double t0)
{
    double first = fmin(j->record_s[0], j->n > 1 ? j->record_s[1] : INFINITY), end = first;
    for (int p = 0; p < j->n; p++)
        end = fmax(end, j->record_s[p] + j->cp[p].duration_s);
    long long n0 = (long long)floor(first * r->fs) + 1;
    size_t nx = (size_t)ceil((end - first) * r->fs) + 2;
    size_t nh_max = j->h[0].n > j->h[j->n - 1].n ? j->h[0].n : j->h[j->n - 1].n;
    size_t ny = nx + nh_max - 1;
    double *x[2] = {calloc(nx, sizeof(double)), calloc(nx, sizeof(double))};
    double *y = calloc(ny, sizeof *y);
    int st = -1;
    if (x[0] == NULL || x[1] == NULL || y == NULL)
        goto out;
    for (int p = 0; p < j->n; p++) {
        sim_nwave w = {j->gain[p] * j->cp[p].peak_pa, SIM_CRACK_RISE_S, j->cp[p].duration_s};
        double a_fs = j->record_s[p] * r->fs;
        for (size_t q = 0; q < nx; q++)
            x[p][q] = sim_nwave_eval(&w, ((double)(n0 + (long long)q) - a_fs) / r->fs);
    }
    const double *xs[2] = {x[0], x[1]}, *hs[2] = {j->h[0].h, j->h[1].h};
    size_t nh[2] = {j->h[0].n, j->h[1].n};
    if (sim_convolve_add(&r->fft, j->n, xs, nx, hs, nh, y, ny) != 0)
        goto out;
    record(r, event, k, j, t0, n0, y, ny);
    sim_render_add(r, k, n0, y, ny);
    st = 0;
out:
    free(x[0]);
    free(x[1]);
    free(y);
    return st;
}

int sim_render_crack_event(sim_render *r, size_t event)
{
    const sim_event *ev = &r->sc->events[event];
    if (!ev->crack)
        return 0;
    sim_shell s;
    sim_shell_init(&s, ev);
    for (size_t k = 0; k < r->sc->n_sensors; k++) {
        crack_job j = {0};
        int st = find_paths(r, &s, k, ev->t_s, &j);
        if (st == 0 && j.n > 0)
            st = render_paths(r, event, k, &j, ev->t_s);
        for (int p = 0; p < 2; p++)
            sim_filter_free(&j.h[p]);
        if (st != 0)
            return -1;
    }
    return 0;
}
