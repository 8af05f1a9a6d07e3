/* Rendering of impulsive sources: each waveform is evaluated analytically
 * at the exact fractional arrival time of each path (s(n / fs - t_arrival)),
 * so nothing precedes the wavefront, then filtered by the path's causal
 * absorption filter. */
#include <math.h>
#include <stdlib.h>

#include "absorb.h"
#include "genstart.h"
#include "gust.h"
#include "render.h"
#include "render_internal.h"
#include "roar.h"
#include "rng.h"
#include "source.h"

typedef double (*wave_fn)(const void *w, double t);

typedef struct {
    wave_fn fn;
    const void *w;
    double length_s;
    const sim_roar *roar;     /* rocket motor, or NULL */
} wave;

static double blast_fn(const void *w, double t) { return sim_blast_eval(w, t); }
static double thump_fn(const void *w, double t) { return sim_thump_eval(w, t); }
static double cranking_fn(const void *w, double t) { return sim_cranking_eval(w, t); }

static double wave_length_s(const wave *v, double fs)
{
    double len = v->length_s;
    if (v->roar != NULL) {
        double roar = v->roar->start_s + ((double)v->roar->n + SIM_ROAR_TAPS_HALF) / fs;
        len = roar > len ? roar : len;
    }
    return len;
}

/* x[j] = gain * s(t), t = (n0 + j) / fs - arrival, plus the roar. */
static void sample_path(const sim_render *r, const wave *v, const sim_path *p, long long n0,
                        double *x, size_t nx)
{
    double a_fs = p->record_s * r->fs;
    long long j0 = (long long)floor(a_fs) - n0, j1 = (long long)ceil(a_fs + v->length_s * r->fs) - n0 + 1;
    if (j0 < 0)
        j0 = 0;
    if (j1 > (long long)nx)
        j1 = (long long)nx;
    for (long long j = j0; j < j1; j++)
        x[j] += p->gain * v->fn(v->w, ((double)(n0 + j) - a_fs) / r->fs);
    if (v->roar != NULL)
        sim_roar_add(v->roar, p->gain, (p->record_s + v->roar->start_s) * r->fs - (double)n0,
                     x, nx);
}

static void record_peak(const sim_render *r, sim_arrival *a, long long n0, const double *y,
                        size_t ny)
{
    size_t imax = 0;
    for (size_t i = 1; i < ny; i++)
        if (fabs(y[i]) > fabs(y[imax]))
            imax = i;
    a->peak_pa = fabs(y[imax]);
    a->peak_t_s = (double)(n0 + (long long)imax) / r->fs;
    a->n_start = n0;
    a->n_end = n0 + (long long)ny;
}

static int render_wave(sim_render *r, size_t event, size_t k, const double src[3], double t0,
                       const wave *v)
{
    sim_path paths[2];
    int np = sim_render_paths(r, src, k, t0, paths);
    double *x[2] = {NULL, NULL}, *y = NULL;
    sim_filter h[2] = {{NULL, 0}, {NULL, 0}};
    int st = -1;
    for (int p = 0; p < np; p++) {
        if (sim_absorption_filter(&r->fft, &r->sc->air, r->fs, paths[p].distance_m, &h[p]) != 0)
            goto out;
        /* The wavefront leads distance / c by the filter's DC delay (absorb.h). */
        double lead_s = sim_filter_lead_s(&h[p], r->fs);
        paths[p].arrival_s -= lead_s;
        paths[p].record_s -= lead_s;
    }
    long long n0 = (long long)floor(paths[0].record_s * r->fs) + 1;
    double span = paths[np - 1].record_s - paths[0].record_s + wave_length_s(v, r->fs);
    size_t nx = (size_t)ceil(span * r->fs) + 2;
    for (int p = 0; p < np; p++) {
        x[p] = calloc(nx, sizeof *x[p]);
        if (x[p] == NULL)
            goto out;
        sample_path(r, v, &paths[p], n0, x[p], nx);
    }
    size_t nh_max = h[0].n > h[np - 1].n ? h[0].n : h[np - 1].n;
    size_t ny = nx + nh_max - 1;
    y = calloc(ny, sizeof *y);
    const double *xs[2] = {x[0], x[1]}, *hs[2] = {h[0].h, h[1].h};
    size_t nh[2] = {h[0].n, h[1].n};
    if (y == NULL || sim_convolve_add(&r->fft, np, xs, nx, hs, nh, y, ny) != 0)
        goto out;
    sim_arrival *a = sim_render_arrival(r, event, k);
    a->t_s = paths[0].arrival_s;
    a->distance_m = paths[0].distance_m;
    record_peak(r, a, n0, y, ny);
    sim_render_add(r, k, n0, y, ny);
    st = 0;
out:
    for (int p = 0; p < 2; p++) {
        free(x[p]);
        sim_filter_free(&h[p]);
    }
    free(y);
    return st;
}

static int render_at_all_sensors(sim_render *r, size_t event, const wave *v)
{
    const sim_event *ev = &r->sc->events[event];
    for (size_t k = 0; k < r->sc->n_sensors; k++)
        if (render_wave(r, event, k, ev->pos_m, ev->t_s, v) != 0)
            return -1;
    return 0;
}

static int render_blast(sim_render *r, size_t event)
{
    const sim_event *ev = &r->sc->events[event];
    sim_blast b;
    sim_blast_init(&b, sim_db_to_pa(ev->level_db), ev->rise_s, ev->duration_s);
    wave v = {blast_fn, &b, sim_blast_length_s(&b), NULL};
    return render_at_all_sensors(r, event, &v);
}

static int render_rocket(sim_render *r, size_t event)
{
    const sim_event *ev = &r->sc->events[event];
    sim_blast b;
    sim_blast_init(&b, sim_db_to_pa(ev->level_db), ev->rise_s, 3e-3);
    sim_roar roar;
    sim_rng rng;
    sim_rng_seed(&rng, r->sc->seed, SIM_STREAM_EVENT + event);
    if (sim_roar_make(&roar, sim_db_to_pa(ev->roar_db), ev->duration_s, r->fs, &rng) != 0)
        return -1;
    wave v = {blast_fn, &b, sim_blast_length_s(&b), &roar};
    int st = render_at_all_sensors(r, event, &v);
    sim_roar_free(&roar);
    return st;
}

static int render_slam(sim_render *r, size_t event)
{
    const sim_event *ev = &r->sc->events[event];
    sim_thump th;
    sim_thump_init(&th, sim_db_to_pa(ev->level_db), ev->freq_hz, ev->duration_s);
    wave v = {thump_fn, &th, th.length_s, NULL};
    return render_at_all_sensors(r, event, &v);
}

/* Cranking pulses, then the running engine as a roar from the catch. */
static int render_generator_start(sim_render *r, size_t event)
{
    const sim_event *ev = &r->sc->events[event];
    sim_rng rng;
    sim_rng_seed(&rng, r->sc->seed, SIM_STREAM_EVENT + event);
    sim_cranking crank;
    sim_roar run;
    if (sim_cranking_make(&crank, ev, &rng) != 0)
        return -1;
    if (sim_engine_run_make(&run, ev, r->fs, &rng) != 0) {
        sim_cranking_free(&crank);
        return -1;
    }
    wave v = {cranking_fn, &crank, crank.length_s, &run};
    int st = render_at_all_sensors(r, event, &v);
    sim_roar_free(&run);
    sim_cranking_free(&crank);
    return st;
}

/* The muzzle blast exactly as any blast, then the shell's crack on top. */
static int render_artillery(sim_render *r, size_t event)
{
    if (render_blast(r, event) != 0)
        return -1;
    return sim_render_crack_event(r, event);
}

int sim_render_events(sim_render *r)
{
    for (size_t e = 0; e < r->sc->n_events; e++) {
        int st;
        switch (r->sc->events[e].type) {
        case SIM_ROCKET: st = render_rocket(r, e); break;
        case SIM_SLAM: st = render_slam(r, e); break;
        case SIM_THUNDER: st = sim_render_thunder(r, e); break;
        case SIM_ARTILLERY: st = render_artillery(r, e); break;
        case SIM_GENERATOR_START: st = render_generator_start(r, e); break;
        case SIM_GUST: st = sim_render_gust(r, e); break;
        default: st = render_blast(r, e); break; /* mortar, impact, gunshot, backfire */
        }
        if (st != 0)
            return -1;
    }
    return 0;
}
