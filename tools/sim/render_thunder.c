/* Rendering of thunder: per microphone, every segment's N-wave (direct and
 * ground-reflected) placed analytically at its own arrival time; N-waves
 * are grouped by path length in 100 m bins and each bin goes through the
 * absorption filter of its mean length (the attenuation differs by at most
 * 0.5 dB at 1 kHz across a bin). Unlike a launch's arrivals, the N-waves
 * are not moved ahead by the filter's DC delay (absorb.h): thunder is a
 * distractor whose timing nobody scores, and the shift (under a
 * millisecond over kilometres) is far inside the rumble's spread. */
#include <math.h>
#include <stdlib.h>

#include "absorb.h"
#include "render_internal.h"
#include "rng.h"
#include "source.h"
#include "thunder.h"

#define BIN_M 100.0
#define MAX_BINS 4096

typedef struct {
    double arrival_s, amp, distance_m;
    size_t bin;
} nwave_rec;

typedef struct {
    sim_render *r;
    const sim_channel *ch;
    sim_filter *cache;        /* one absorption filter per bin */
    nwave_rec *rec;
    size_t n_rec;
    double rise_s;
    size_t bin_lo, bin_hi;    /* bins present at the current microphone */
} thunder_job;

static void unit(const double from[3], const double to[3], double u[3])
{
    double d[3] = {to[0] - from[0], to[1] - from[1], to[2] - from[2]};
    double n = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    for (int k = 0; k < 3; k++)
        u[k] = n > 0.0 ? d[k] / n : 0.0;
}

/* The N-waves one microphone receives, direct and reflected. */
static void collect(thunder_job *j, const sim_event *ev, size_t k)
{
    const double *mic = j->r->sc->sensors[k].pos_m;
    j->n_rec = 0;
    for (size_t i = 0; i < j->ch->n; i++) {
        const sim_segment *g = &j->ch->seg[i];
        sim_path paths[2];
        int np = sim_render_paths(j->r, g->mid_m, k, ev->t_s + g->t_emit_s, paths);
        for (int p = 0; p < np; p++) {
            double src[3] = {g->mid_m[0], g->mid_m[1], p == 0 ? g->mid_m[2] : -g->mid_m[2]};
            double dir[3] = {g->dir[0], g->dir[1], p == 0 ? g->dir[2] : -g->dir[2]}, u[3];
            unit(src, mic, u);
            size_t bin = (size_t)(paths[p].distance_m / BIN_M);
            nwave_rec *q = &j->rec[j->n_rec++];
            q->arrival_s = paths[p].record_s; /* placement in the recording */
            q->distance_m = paths[p].distance_m;
            q->amp = j->ch->peak_pa * paths[p].gain * sim_thunder_directivity(j->ch, dir, u);
            q->bin = bin < MAX_BINS ? bin : MAX_BINS - 1;
        }
    }
}

static const sim_filter *bin_filter(thunder_job *j, size_t bin)
{
    sim_filter *f = &j->cache[bin];
    if (f->h == NULL &&
        sim_absorption_filter(&j->r->fft, &j->r->sc->air, j->r->fs, ((double)bin + 0.5) * BIN_M, f) != 0)
        return NULL;
    return f;
}

/* Adds the N-waves of one bin, filtered, into y (which starts at n_first). */
static int render_bin(thunder_job *j, size_t bin, long long n_first, double *y, size_t ny)
{
    double a_min = INFINITY, a_max = -INFINITY, fs = j->r->fs;
    for (size_t i = 0; i < j->n_rec; i++)
        if (j->rec[i].bin == bin) {
            a_min = fmin(a_min, j->rec[i].arrival_s);
            a_max = fmax(a_max, j->rec[i].arrival_s);
        }
    if (!(a_min <= a_max))
        return 0;
    const sim_filter *h = bin_filter(j, bin);
    long long n0 = (long long)floor(a_min * fs) + 1;
    size_t nx = (size_t)ceil((a_max - a_min + j->ch->nwave_s) * fs) + 2;
    double *x = calloc(nx, sizeof *x);
    if (h == NULL || x == NULL) {
        free(x);
        return -1;
    }
    sim_nwave nw = {0.0, j->rise_s, j->ch->nwave_s};
    for (size_t i = 0; i < j->n_rec; i++) {
        if (j->rec[i].bin != bin)
            continue;
        double a_fs = j->rec[i].arrival_s * fs;
        long long lo = (long long)floor(a_fs) - n0, hi = (long long)ceil(a_fs + nw.duration_s * fs) - n0 + 1;
        nw.peak_pa = j->rec[i].amp;
        for (long long q = lo < 0 ? 0 : lo; q < hi && q < (long long)nx; q++)
            x[q] += sim_nwave_eval(&nw, ((double)(n0 + q) - a_fs) / fs);
    }
    const double *xs[2] = {x, NULL}, *hs[2] = {h->h, NULL};
    size_t nh[2] = {h->n, 0};
    long long off = n0 - n_first;
    int st = sim_convolve_add(&j->r->fft, 1, xs, nx, hs, nh, y + off, ny - (size_t)off);
    free(x);
    return st;
}

static int render_sensor(thunder_job *j, size_t event, size_t k)
{
    const sim_event *ev = &j->r->sc->events[event];
    collect(j, ev, k);
    double first = INFINITY, last = -INFINITY, fs = j->r->fs;
    size_t nh_max = 1, first_i = 0;
    j->bin_lo = MAX_BINS;
    j->bin_hi = 0;
    for (size_t i = 0; i < j->n_rec; i++) {
        j->bin_lo = j->rec[i].bin < j->bin_lo ? j->rec[i].bin : j->bin_lo;
        j->bin_hi = j->rec[i].bin > j->bin_hi ? j->rec[i].bin : j->bin_hi;
        if (j->rec[i].arrival_s < first) {
            first = j->rec[i].arrival_s;
            first_i = i;
        }
        last = fmax(last, j->rec[i].arrival_s);
        const sim_filter *h = bin_filter(j, j->rec[i].bin);
        if (h == NULL)
            return -1;
        nh_max = h->n > nh_max ? h->n : nh_max;
    }
    long long n_first = (long long)floor(first * fs) + 1;
    size_t ny = (size_t)ceil((last - first + j->ch->nwave_s) * fs) + 2 + nh_max;
    double *y = calloc(ny, sizeof *y);
    if (y == NULL)
        return -1;
    for (size_t b = j->bin_lo; b <= j->bin_hi; b++)
        if (render_bin(j, b, n_first, y, ny) != 0) {
            free(y);
            return -1;
        }
    sim_arrival *a = sim_render_arrival(j->r, event, k);
    a->t_s = first - j->r->sc->sensors[k].clock_offset_s; /* the physical arrival */
    a->distance_m = j->rec[first_i].distance_m;
    size_t imax = 0;
    for (size_t i = 1; i < ny; i++)
        if (fabs(y[i]) > fabs(y[imax]))
            imax = i;
    a->peak_pa = fabs(y[imax]);
    a->peak_t_s = (double)(n_first + (long long)imax) / fs;
    a->n_start = n_first;
    a->n_end = n_first + (long long)ny;
    sim_render_add(j->r, k, n_first, y, ny);
    free(y);
    return 0;
}

int sim_render_thunder(sim_render *r, size_t event)
{
    const sim_event *ev = &r->sc->events[event];
    sim_rng rng;
    sim_rng_seed(&rng, r->sc->seed, SIM_STREAM_EVENT + event);
    sim_channel ch;
    if (sim_thunder_channel(&ch, ev, r->c_mps, r->sc->air.pressure_kpa, &rng) != 0)
        return -1;
    thunder_job j = {r, &ch, calloc(MAX_BINS, sizeof(sim_filter)),
                     malloc((2 * ch.n + 1) * sizeof(nwave_rec)), 0, ev->rise_s, 0, 0};
    int st = j.cache != NULL && j.rec != NULL ? 0 : -1;
    for (size_t k = 0; k < r->sc->n_sensors && st == 0; k++)
        st = render_sensor(&j, event, k);
    if (j.cache != NULL)
        for (size_t b = 0; b < MAX_BINS; b++)
            sim_filter_free(&j.cache[b]);
    free(j.cache);
    free(j.rec);
    sim_thunder_free(&ch);
    return st;
}
