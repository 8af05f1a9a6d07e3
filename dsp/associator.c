/* Association of onsets across sensors (see include/earshot/associator.h). */
#include "earshot/associator.h"

#include "associator_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_config(const es_associator_config *c, es_error *err)
{
    if (c->n_sensors < 1 || c->n_sensors > ES_MAX_SENSORS)
        return es_error_set(err, ES_EINVAL, "associator: %zu sensors (1..%d allowed)",
                            c->n_sensors, ES_MAX_SENSORS);
    if (!(c->sample_rate_hz > 0.0))
        return es_error_set(err, ES_EINVAL, "associator: sample rate must be positive");
    if (!(c->c_min_mps > 100.0 && c->c_min_mps < 1000.0))
        return es_error_set(err, ES_EINVAL, "associator: c_min %.1f m/s out of range",
                            c->c_min_mps);
    if (!(c->c_mps == 0.0 || (c->c_mps >= c->c_min_mps && c->c_mps < 1000.0)))
        return es_error_set(err, ES_EINVAL, "associator: c %.1f m/s out of range", c->c_mps);
    if (!(c->margin_s >= 0.0 && c->margin_s < 10.0))
        return es_error_set(err, ES_EINVAL, "associator: margin %.3f s out of range",
                            c->margin_s);
    return ES_OK;
}

static double distance_m(const double a[3], const double b[3])
{
    double de = a[0] - b[0], dn = a[1] - b[1], du = a[2] - b[2];
    return sqrt(de * de + dn * dn + du * du);
}

static void build_gates(es_associator a)
{
    const es_associator_config *c = &a->cfg;
    size_t n = c->n_sensors;
    a->margin_frames = (int64_t)ceil(c->margin_s * c->sample_rate_hz);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double dt_s = distance_m(c->sensor_m[i], c->sensor_m[j]) / c->c_min_mps;
            a->gate_frames[i * n + j] =
                (int64_t)ceil(dt_s * c->sample_rate_hz) + a->margin_frames;
        }
}

es_associator es_associator_create(const es_associator_config *cfg, es_error *err)
{
    if (cfg == NULL) {
        es_error_set(err, ES_EINVAL, "associator: no config");
        return NULL;
    }
    if (check_config(cfg, err) != ES_OK)
        return NULL;
    es_associator a = calloc(1, sizeof *a);
    if (a == NULL) {
        es_error_set(err, ES_ENOMEM, "associator: out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    if (a->cfg.capacity == 0)
        a->cfg.capacity = 256;
    if (a->cfg.max_expected == 0)
        a->cfg.max_expected = 1024;
    size_t n = cfg->n_sensors, cap = a->cfg.capacity;
    a->gate_frames = calloc(n * n, sizeof *a->gate_frames);
    a->pool = calloc(cap, sizeof *a->pool);
    a->order = calloc(cap, sizeof *a->order);
    a->by_strength = calloc(cap, sizeof *a->by_strength);
    a->early_mark = calloc(cap, sizeof *a->early_mark);
    a->free_slots = calloc(cap, sizeof *a->free_slots);
    a->expected = calloc(a->cfg.max_expected, sizeof *a->expected);
    if (!a->gate_frames || !a->pool || !a->order || !a->by_strength || !a->free_slots ||
        !a->expected || !a->early_mark) {
        es_error_set(err, ES_ENOMEM, "associator: out of memory");
        es_associator_destroy(&a);
        return NULL;
    }
    for (size_t i = 0; i < cap; i++)
        a->free_slots[i] = cap - 1 - i;
    a->n_free = cap;
    build_gates(a);
    return a;
}

static int take_expected(es_associator a, const es_onset *o)
{
    for (size_t k = 0; k < a->n_expected; k++) {
        const expectation *e = &a->expected[k];
        if (e->sensor == o->sensor && llabs(o->frame - e->frame) <= e->tol_frames) {
            a->expected[k] = a->expected[--a->n_expected];
            return 1;
        }
    }
    return 0;
}

int es_associator_push(es_associator a, const es_onset *o)
{
    if (o->sensor >= a->cfg.n_sensors)
        return ES_EINVAL;
    if (take_expected(a, o)) {
        a->absorbed++;
        return 1;
    }
    if (a->n_free == 0) {
        a->dropped++;
        return ES_EFULL;
    }
    size_t slot = a->free_slots[--a->n_free];
    a->pool[slot] = *o;
    a->early_mark[slot] = 0;
    /* Insertion keeps `order` sorted by frame; pools are small. */
    size_t pos = a->n_pending;
    while (pos > 0 && a->pool[a->order[pos - 1]].frame > o->frame) {
        a->order[pos] = a->order[pos - 1];
        pos--;
    }
    a->order[pos] = slot;
    a->n_pending++;
    return ES_OK;
}

static void remove_pending(es_associator a, size_t pos)
{
    a->free_slots[a->n_free++] = a->order[pos];
    memmove(&a->order[pos], &a->order[pos + 1], (a->n_pending - pos - 1) * sizeof *a->order);
    a->n_pending--;
}

static void expire_expectations(es_associator a, int64_t complete_frame)
{
    for (size_t k = 0; k < a->n_expected;) {
        const expectation *e = &a->expected[k];
        if (complete_frame > e->frame + e->tol_frames)
            a->expected[k] = a->expected[--a->n_expected];
        else
            k++;
    }
}

static int consistent(const struct es_associator_s *a, const es_onset *o, const size_t *members,
                      size_t n_members)
{
    for (size_t m = 0; m < n_members; m++) {
        const es_onset *x = &a->pool[members[m]];
        if (x->sensor == o->sensor ||
            llabs(o->frame - x->frame) > es__assoc_gate(a, x->sensor, o->sensor))
            return 0;
    }
    return 1;
}

/* The onsets a group seeded at pending position `s` would take: taken in
 * the order `by_strength` gives (see strength_order), each inside the
 * seed's gate and consistent with every member already taken. Writes
 * their pending positions (seed first) to pos and returns how many. */
static size_t collect(const struct es_associator_s *a, size_t s, const size_t *by_strength,
                      size_t *pos)
{
    size_t members[ES_MAX_SENSORS], n = 1;
    const es_onset *seed = &a->pool[a->order[s]];
    members[0] = a->order[s];
    pos[0] = s;
    for (size_t k = 0; k < a->n_pending && n < a->cfg.n_sensors; k++) {
        size_t p = by_strength[k];
        const es_onset *o = &a->pool[a->order[p]];
        if (p == s || llabs(o->frame - seed->frame) > es__assoc_gate(a, seed->sensor, o->sensor) ||
            !consistent(a, o, members, n))
            continue;
        pos[n] = p;
        members[n++] = a->order[p];
    }
    return n;
}

/* Candidates are offered clearest first: a weak stray trigger on a sensor
 * must not take that sensor's place from the wavefront's strong onset.
 * SNRs within 6 dB count as equal, and then the earlier onset (a direct
 * arrival before its echo) comes first. */
static int stronger(const struct es_associator_s *a, size_t p, size_t q)
{
    const es_onset *x = &a->pool[a->order[p]], *y = &a->pool[a->order[q]];
    int bx = (int)floor(x->snr_db / 6.0), by = (int)floor(y->snr_db / 6.0);
    if (bx != by)
        return bx > by;
    return x->frame < y->frame;
}

static void strength_order(const struct es_associator_s *a, size_t *by_strength)
{
    for (size_t k = 0; k < a->n_pending; k++) {
        size_t p = k, j = k;
        while (j > 0 && stronger(a, p, by_strength[j - 1])) {
            by_strength[j] = by_strength[j - 1];
            j--;
        }
        by_strength[j] = p;
    }
}

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return (a > b) - (a < b);
}

static int64_t widest_gate(const struct es_associator_s *a, uint32_t sensor)
{
    int64_t widest = 0;
    for (uint32_t j = 0; j < a->cfg.n_sensors; j++)
        if (es__assoc_gate(a, sensor, j) > widest)
            widest = es__assoc_gate(a, sensor, j);
    return widest;
}

/* A stray onset (a gust, a click) just before a wavefront would, as the
 * seed, pull some of the wavefront's onsets into a group of its own and
 * split the event. So every onset inside the earliest one's window is
 * tried as the seed and the largest group wins (the earliest seed on a
 * tie); the strays are left to form their own, too small, groups.
 * Returns the size and fills best[] with pending positions, seed first. */
static size_t best_group(es_associator a, size_t *best)
{
    size_t trial[ES_MAX_SENSORS], n_best = 0;
    strength_order(a, a->by_strength);
    const es_onset *first = &a->pool[a->order[0]];
    int64_t window = widest_gate(a, first->sensor);
    for (size_t s = 0; s < a->n_pending && s < MAX_SEEDS_TRIED; s++) {
        if (a->pool[a->order[s]].frame - first->frame > window)
            break;
        size_t n = collect(a, s, a->by_strength, trial);
        if (n > n_best) {
            n_best = n;
            memcpy(best, trial, n * sizeof *trial);
        }
    }
    return n_best;
}

static void copy_group(es_associator a, const size_t *pos, size_t n, es_onset_group *g)
{
    g->n = n;
    for (size_t m = 0; m < n; m++) {
        a->group_store[m] = a->pool[a->order[pos[m]]];
        g->onset[m] = &a->group_store[m];
    }
}

/* The provisional group most of these onsets were released in, if they
 * share at least 3 onsets or half of the group with it (the same
 * wavefront; a stray onset of an earlier one does not make it so), or 0. */
static uint32_t early_id_of(const struct es_associator_s *a, const size_t *pos, size_t n)
{
    uint32_t best = 0;
    size_t best_n = 0;
    for (size_t m = 0; m < n; m++) {
        uint32_t id = a->early_mark[a->order[pos[m]]];
        size_t count = 0;
        for (size_t k = 0; id != 0 && k < n; k++)
            count += a->early_mark[a->order[pos[k]]] == id;
        if (count > best_n) {
            best = id;
            best_n = count;
        }
    }
    return best_n >= 3 || 2 * best_n >= n ? best : 0;
}

/* A group big enough to locate, none of whose onsets was released yet. */
static int release_early(es_associator a, const size_t *pos, size_t n, es_onset_group *g)
{
    if (a->cfg.early_min == 0 || n < a->cfg.early_min)
        return 0;
    for (size_t m = 0; m < n; m++)
        if (a->early_mark[a->order[pos[m]]] != 0)
            return 0;
    if (++a->next_early_id == 0)
        a->next_early_id = 1;
    for (size_t m = 0; m < n; m++)
        a->early_mark[a->order[pos[m]]] = a->next_early_id;
    copy_group(a, pos, n, g);
    g->provisional = 1;
    g->early_id = a->next_early_id;
    return 1;
}

static void take_group(es_associator a, size_t *pos, size_t n, es_onset_group *g)
{
    copy_group(a, pos, n, g);
    g->provisional = 0;
    g->early_id = early_id_of(a, pos, n);
    /* Remove from the back so earlier positions stay valid. */
    qsort(pos, n, sizeof *pos, cmp_size);
    for (size_t m = n; m-- > 0;)
        remove_pending(a, pos[m]);
}

int es_associator_poll(es_associator a, int64_t complete_frame, es_onset_group *g)
{
    expire_expectations(a, complete_frame);
    if (a->n_pending == 0)
        return 0;
    size_t pos[ES_MAX_SENSORS];
    size_t n = es__assoc_choose_by_fit(a, pos, best_group(a, pos));
    /* The group is final when every sensor is in it, or when no onset can
     * still join it: its seed's gate has closed for onsets to come. */
    const es_onset *seed = &a->pool[a->order[pos[0]]];
    int ready = a->draining || n == a->cfg.n_sensors ||
                complete_frame > seed->frame + widest_gate(a, seed->sensor);
    if (!ready)
        return release_early(a, pos, n, g);
    take_group(a, pos, n, g);
    return 1;
}

void es_associator_drain(es_associator a)
{
    a->draining = 1;
}

void es_associator_expect(es_associator a, const int64_t *predicted_frame, size_t n_sensors,
                          int64_t tol_frames)
{
    size_t n = n_sensors < a->cfg.n_sensors ? n_sensors : a->cfg.n_sensors;
    for (size_t s = 0; s < n; s++) {
        if (predicted_frame[s] == INT64_MIN)
            continue;
        /* Pending onsets that match are absorbed now, future ones later. */
        int matched = 0;
        for (size_t p = 0; p < a->n_pending; p++) {
            const es_onset *o = &a->pool[a->order[p]];
            if (o->sensor == s && llabs(o->frame - predicted_frame[s]) <= tol_frames) {
                remove_pending(a, p);
                a->absorbed++;
                matched = 1;
                break;
            }
        }
        if (!matched && a->n_expected < a->cfg.max_expected)
            a->expected[a->n_expected++] =
                (expectation){(uint32_t)s, predicted_frame[s], tol_frames};
    }
}

uint64_t es_associator_dropped(es_associator a)
{
    return a->dropped;
}

uint64_t es_associator_absorbed(es_associator a)
{
    return a->absorbed;
}

void es_associator_destroy(es_associator *a)
{
    if (a == NULL || *a == NULL)
        return;
    free((*a)->gate_frames);
    free((*a)->pool);
    free((*a)->order);
    free((*a)->by_strength);
    free((*a)->early_mark);
    free((*a)->free_slots);
    free((*a)->expected);
    free(*a);
    *a = NULL;
}
