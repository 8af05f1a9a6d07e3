/* Association of onsets across sensors (see include/earshot/associator.h). */
#include "earshot/associator.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t sensor;
    int64_t frame;
    int64_t tol_frames;
} expectation;

struct es_associator_s {
    es_associator_config cfg;
    int64_t *gate_frames;        /* n x n: max |dt| between sensors i, j */
    int64_t margin_frames;
    es_onset *pool;              /* capacity slots */
    size_t *order;               /* pending slots sorted by onset frame */
    size_t n_pending;
    size_t *free_slots;
    size_t n_free;
    expectation *expected;
    size_t n_expected;
    int draining;
    uint64_t dropped, absorbed;
    es_onset group_store[ES_MAX_SENSORS];
};

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
    a->free_slots = calloc(cap, sizeof *a->free_slots);
    a->expected = calloc(a->cfg.max_expected, sizeof *a->expected);
    if (!a->gate_frames || !a->pool || !a->order || !a->free_slots || !a->expected) {
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

static int64_t gate(const struct es_associator_s *a, uint32_t i, uint32_t j)
{
    return a->gate_frames[(size_t)i * a->cfg.n_sensors + j];
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

/* Every sensor other than the seed's has an onset inside its gate. */
static int all_sensors_heard(const struct es_associator_s *a, const es_onset *seed)
{
    size_t n = a->cfg.n_sensors, heard = 1;
    unsigned char seen[ES_MAX_SENSORS] = {0};
    seen[seed->sensor] = 1;
    for (size_t p = 1; p < a->n_pending; p++) {
        const es_onset *o = &a->pool[a->order[p]];
        if (!seen[o->sensor] && o->frame - seed->frame <= gate(a, seed->sensor, o->sensor)) {
            seen[o->sensor] = 1;
            heard++;
        }
    }
    return heard == n;
}

static int consistent(const struct es_associator_s *a, const es_onset *o, const size_t *members,
                      size_t n_members)
{
    for (size_t m = 0; m < n_members; m++) {
        const es_onset *x = &a->pool[members[m]];
        if (x->sensor == o->sensor || llabs(o->frame - x->frame) > gate(a, x->sensor, o->sensor))
            return 0;
    }
    return 1;
}

static void form_group(es_associator a, es_onset_group *g)
{
    size_t members[ES_MAX_SENSORS], member_pos[ES_MAX_SENSORS], n_members = 1;
    const es_onset *seed = &a->pool[a->order[0]];
    members[0] = a->order[0];
    member_pos[0] = 0;
    for (size_t p = 1; p < a->n_pending && n_members < a->cfg.n_sensors; p++) {
        const es_onset *o = &a->pool[a->order[p]];
        if (o->frame - seed->frame > gate(a, seed->sensor, o->sensor))
            continue;
        if (!consistent(a, o, members, n_members))
            continue;
        member_pos[n_members] = p;
        members[n_members++] = a->order[p];
    }
    g->n = n_members;
    for (size_t m = 0; m < n_members; m++) {
        a->group_store[m] = a->pool[members[m]];
        g->onset[m] = &a->group_store[m];
    }
    /* Remove from the back so earlier positions stay valid. */
    for (size_t m = n_members; m-- > 0;)
        remove_pending(a, member_pos[m]);
}

int es_associator_poll(es_associator a, int64_t complete_frame, es_onset_group *g)
{
    expire_expectations(a, complete_frame);
    if (a->n_pending == 0)
        return 0;
    const es_onset *seed = &a->pool[a->order[0]];
    int64_t widest = 0;
    for (uint32_t j = 0; j < a->cfg.n_sensors; j++)
        if (gate(a, seed->sensor, j) > widest)
            widest = gate(a, seed->sensor, j);
    int ready = a->draining || complete_frame > seed->frame + widest ||
                all_sensors_heard(a, seed);
    if (!ready)
        return 0;
    form_group(a, g);
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
    free((*a)->free_slots);
    free((*a)->expected);
    free(*a);
    *a = NULL;
}
