/* Choosing a group's onsets by a point-source fit (see
 * associator_internal.h).
 *
 * Pairwise gates cannot separate two wavefronts that reach every sensor a
 * fraction of a second apart: an artillery shell's supersonic crack runs
 * ahead of its muzzle blast by 0.3-0.5 s at 1 km, less than a wide array's
 * gates, and strongest-first picking takes the crack on some sensors and
 * the blast on others. Such a mix fits no point source. Hypotheses are
 * drawn from four sensors spread around the array, one candidate onset
 * each; the one whose fitted wavefront predicts onsets at the most sensors
 * (then with the smallest residuals) chooses every sensor's onset. */
#include <math.h>
#include <stdlib.h>

#include "associator_internal.h"
#include "wavefront_fit.h"

/* A group fitting one point source to this RMS is left as it is: wind,
 * temperature and pick errors leave a few ms. */
#define FIT_TOL_S 0.015
/* An onset this close to a hypothesis's prediction supports it: a crack
 * (a line source, fitting a point to ~30 ms) still gathers its own. */
#define INLIER_TOL_S 0.06
#define MAX_CANDIDATES 3  /* per sensor, clearest first */
#define MAX_SUBSETS 3

typedef struct {
    uint32_t sensor;
    size_t n;
    size_t pos[MAX_CANDIDATES]; /* pending positions */
} candidates;

static double fit_positions(const struct es_associator_s *a, const size_t *pos, size_t n,
                            es__wavefront *w);

typedef struct {
    candidates row[ES_MAX_SENSORS];
    size_t n_rows;
    int any_choice;             /* some sensor has more than one */
} table;

static double onset_s(const struct es_associator_s *a, size_t p)
{
    return (double)a->pool[a->order[p]].frame / a->cfg.sample_rate_hz;
}

/* Every pending onset inside the seed's gates, by sensor, clearest first. */
static void gather(const struct es_associator_s *a, size_t seed, table *t)
{
    const es_onset *s = &a->pool[a->order[seed]];
    size_t row_of[ES_MAX_SENSORS];
    for (size_t k = 0; k < ES_MAX_SENSORS; k++)
        row_of[k] = SIZE_MAX;
    t->n_rows = 0;
    t->any_choice = 0;
    for (size_t k = 0; k < a->n_pending; k++) {
        size_t p = a->by_strength[k];
        const es_onset *o = &a->pool[a->order[p]];
        if (llabs(o->frame - s->frame) > es__assoc_gate(a, s->sensor, o->sensor))
            continue;
        if (row_of[o->sensor] == SIZE_MAX) {
            row_of[o->sensor] = t->n_rows;
            t->row[t->n_rows++] = (candidates){.sensor = o->sensor};
        }
        candidates *c = &t->row[row_of[o->sensor]];
        if (c->n < MAX_CANDIDATES)
            c->pos[c->n++] = p;
        t->any_choice |= c->n > 1;
    }
}

/* Rows ordered by their sensor's bearing from the sensors' centroid, so
 * that quarters of the order are spread around the array. */
static void sort_by_bearing(const struct es_associator_s *a, table *t)
{
    double ce = 0.0, cn = 0.0, bearing[ES_MAX_SENSORS];
    for (size_t r = 0; r < t->n_rows; r++) {
        ce += a->cfg.sensor_m[t->row[r].sensor][0] / (double)t->n_rows;
        cn += a->cfg.sensor_m[t->row[r].sensor][1] / (double)t->n_rows;
    }
    for (size_t r = 0; r < t->n_rows; r++)
        bearing[r] = atan2(a->cfg.sensor_m[t->row[r].sensor][1] - cn,
                           a->cfg.sensor_m[t->row[r].sensor][0] - ce);
    for (size_t r = 1; r < t->n_rows; r++) /* insertion sort: rows are few */
        for (size_t q = r; q > 0 && bearing[q] < bearing[q - 1]; q--) {
            double b = bearing[q];
            bearing[q] = bearing[q - 1];
            bearing[q - 1] = b;
            candidates c = t->row[q];
            t->row[q] = t->row[q - 1];
            t->row[q - 1] = c;
        }
}

typedef struct {
    size_t n;                    /* sensors with an onset near the prediction */
    double ss;                   /* their squared residuals, summed */
    size_t pos[ES_MAX_SENSORS];  /* the chosen onset per supporting sensor */
} support;

/* Per sensor, the candidate nearest the wavefront's prediction, if near. */
static void support_of(const struct es_associator_s *a, const table *t, const es__wavefront *w,
                       support *s)
{
    s->n = 0;
    s->ss = 0.0;
    for (size_t r = 0; r < t->n_rows; r++) {
        const candidates *c = &t->row[r];
        double want = es__wavefront_predict_s(w, a->cfg.sensor_m[c->sensor]), best = INFINITY;
        size_t at = SIZE_MAX;
        for (size_t k = 0; k < c->n; k++) {
            double d = fabs(onset_s(a, c->pos[k]) - want);
            if (d < best) {
                best = d;
                at = c->pos[k];
            }
        }
        if (best <= INLIER_TOL_S) {
            s->pos[s->n++] = at;
            s->ss += best * best;
        }
    }
}

static int better(const support *x, const support *y)
{
    return x->n > y->n || (x->n == y->n && x->ss < y->ss);
}

/* Onset o's sensor position and arrival time, for the fit. */
static void arrival_of(const struct es_associator_s *a, const es_onset *o, double where[3],
                       double *t_s)
{
    for (int k = 0; k < 3; k++)
        where[k] = a->cfg.sensor_m[o->sensor][k];
    *t_s = (double)o->frame / a->cfg.sample_rate_hz;
}

static double fit_positions(const struct es_associator_s *a, const size_t *pos, size_t n,
                            es__wavefront *w)
{
    double where[ES_MAX_SENSORS][3], t_s[ES_MAX_SENSORS];
    for (size_t k = 0; k < n; k++)
        arrival_of(a, &a->pool[a->order[pos[k]]], where[k], &t_s[k]);
    return es__wavefront_fit((const double(*)[3])where, t_s, n, a->cfg.c_mps, w);
}

double es_associator_misfit_s(es_associator a, const es_onset_group *g)
{
    if (a->cfg.c_mps <= 0.0)
        return NAN;
    double where[ES_MAX_SENSORS][3], t_s[ES_MAX_SENSORS];
    size_t n = g->n < ES_MAX_SENSORS ? g->n : ES_MAX_SENSORS;
    for (size_t k = 0; k < n; k++)
        arrival_of(a, g->onset[k], where[k], &t_s[k]);
    return es__wavefront_fit((const double(*)[3])where, t_s, n, a->cfg.c_mps, NULL);
}

/* Tries every combination of the rows' first two candidates on the four
 * rows idx[], keeping the best-supported wavefront in *best. */
static void try_subset(const struct es_associator_s *a, const table *t, const size_t idx[4],
                       support *best)
{
    for (unsigned combo = 0; combo < 16; combo++) {
        size_t pos[4];
        int valid = 1;
        for (int q = 0; q < 4; q++) {
            const candidates *c = &t->row[idx[q]];
            unsigned pick = (combo >> q) & 1u;
            valid &= pick < c->n;
            pos[q] = valid ? c->pos[pick] : 0;
        }
        es__wavefront w;
        if (!valid || fit_positions(a, pos, 4, &w) > FIT_TOL_S)
            continue;
        support s;
        support_of(a, t, &w, &s);
        if (better(&s, best))
            *best = s;
    }
}

/* The seed first: the old one if it was kept, else the earliest. */
static void put_seed_first(const struct es_associator_s *a, size_t seed, size_t *pos, size_t n)
{
    size_t first = 0;
    for (size_t k = 0; k < n; k++) {
        if (pos[k] == seed) {
            first = k;
            break;
        }
        if (onset_s(a, pos[k]) < onset_s(a, pos[first]))
            first = k;
    }
    size_t p = pos[0];
    pos[0] = pos[first];
    pos[first] = p;
}

size_t es__assoc_choose_by_fit(const struct es_associator_s *a, size_t *pos, size_t n)
{
    if (n < 5 || a->cfg.c_mps <= 0.0)
        return n;
    table t;
    gather(a, pos[0], &t);
    if (!t.any_choice || t.n_rows < 5)
        return n;
    double old_misfit = fit_positions(a, pos, n, NULL);
    if (old_misfit <= FIT_TOL_S)
        return n;
    sort_by_bearing(a, &t);
    support best = {0};
    size_t quarter = t.n_rows / 4;
    for (size_t o = 0; o < quarter && o < MAX_SUBSETS; o++) {
        size_t idx[4] = {o, o + quarter, o + 2 * quarter, o + 3 * quarter};
        try_subset(a, &t, idx, &best);
    }
    if (best.n < 4 || fit_positions(a, best.pos, best.n, NULL) >= 0.7 * old_misfit)
        return n;
    size_t seed = pos[0];
    for (size_t k = 0; k < best.n; k++)
        pos[k] = best.pos[k];
    put_seed_first(a, seed, pos, best.n);
    return best.n;
}
