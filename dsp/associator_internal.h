/* Private to dsp/: the associator's state, shared by associator.c (the
 * pool, seeds and groups) and associator_fit.c (choosing, per sensor, the
 * onset that fits one wavefront). */
#ifndef EARSHOT_DSP_ASSOCIATOR_INTERNAL_H
#define EARSHOT_DSP_ASSOCIATOR_INTERNAL_H

#include "earshot/associator.h"

/* Seeds tried per group (see form_group); bounds the work per poll. */
#define MAX_SEEDS_TRIED 64

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
    uint32_t *early_mark;        /* per slot: provisional group released with it */
    uint32_t next_early_id;
    size_t *order;               /* pending slots sorted by onset frame */
    size_t *by_strength;         /* positions in order, clearest onset first */
    size_t n_pending;
    size_t *free_slots;
    size_t n_free;
    expectation *expected;
    size_t n_expected;
    int draining;
    uint64_t dropped, absorbed;
    es_onset group_store[ES_MAX_SENSORS];
};

static inline int64_t es__assoc_gate(const struct es_associator_s *a, uint32_t i, uint32_t j)
{
    return a->gate_frames[(size_t)i * a->cfg.n_sensors + j];
}

/* The group at pending positions pos[0..n) (seed first) may mix two
 * wavefronts crossing the array together (an artillery shell's crack and
 * its muzzle blast): if its onsets do not fit one point source and other
 * pending onsets could stand in for some of them, the members are chosen
 * again, per sensor, as the onsets that fit the best-supported wavefront.
 * Rewrites pos and returns the new size (seed first). */
size_t es__assoc_choose_by_fit(const struct es_associator_s *a, size_t *pos, size_t n);

#endif
