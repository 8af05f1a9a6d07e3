/* Earshot: association of onsets across sensors into candidate events.
 *
 * A wavefront can reach two sensors no further apart in time than their
 * distance over the slowest plausible sound speed (still-air speed minus
 * wind), plus the pick uncertainty. The associator holds onsets until the
 * earliest one's gate has closed (or every sensor has spoken), then forms a
 * group around a seed: per other sensor, the earliest onset that is
 * consistent with every member already taken. Every onset in the earliest
 * one's window is tried as the seed and the largest group wins, so a stray
 * trigger just before a wavefront cannot split it. Two wavefronts crossing
 * the array together (a shell's crack and its muzzle blast) pass the gates
 * as a mix: a group that fits no point source while other onsets could
 * stand in for some of its own is chosen again, per sensor, by the
 * wavefront most onsets fit. Once a group has been
 * located, the caller registers the arrivals it predicts at every sensor;
 * onsets that match them (echoes, late triggers, the rest of a salvo's
 * first round) are absorbed rather than becoming a second event. */
#ifndef EARSHOT_ASSOCIATOR_H
#define EARSHOT_ASSOCIATOR_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/config.h"
#include "earshot/onset.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_associator_s *es_associator;

typedef struct {
    size_t n_sensors;
    double sensor_m[ES_MAX_SENSORS][3];
    double sample_rate_hz;
    double c_min_mps;          /* slowest plausible effective sound speed */
    double c_mps;              /* the expected speed of sound, for choosing
                                  among onsets by a point-source fit; 0: no
                                  such choice (pairwise gates alone) */
    double margin_s;           /* pick uncertainty added to every gate */
    size_t capacity;           /* onsets held at once, default 256 */
    size_t max_expected;       /* predicted arrivals held, default 1024 */
    /* 0, or: a group of at least this many onsets is also released early,
     * once, as a provisional copy (its onsets stay pending) before it is
     * final, so a wavefront can be located and alerted while it is still
     * crossing the array; the final group then carries the provisional
     * one's early_id. */
    size_t early_min;
} es_associator_config;

typedef struct {
    size_t n;
    es_onset *onset[ES_MAX_SENSORS]; /* valid until the next call; onset[0]
                                        is the seed */
    int provisional;           /* 1: an early copy; its onsets stay pending */
    uint32_t early_id;         /* the provisional group released from these
                                  onsets (3 or more, or half of them are
                                  its), 0: none */
} es_onset_group;

es_associator es_associator_create(const es_associator_config *cfg,
                                   es_error *err);

/* Copies the onset in. Returns ES_OK, 1 when it matched a predicted
 * arrival and was absorbed, or ES_EFULL (the onset is dropped and counted)
 * when the pool is full. */
int es_associator_push(es_associator a, const es_onset *o);

/* complete_frame: every onset before this frame has been pushed (the
 * detectors' hold-back taken into account). Returns 1 and fills *g when a
 * group is ready, 0 otherwise. Call until it returns 0. */
int es_associator_poll(es_associator a, int64_t complete_frame,
                       es_onset_group *g);

/* End of stream: the next polls release every held onset. */
void es_associator_drain(es_associator a);

/* Registers predicted arrival frames (per sensor, INT64_MIN = none) of a
 * located event; pending and future onsets within tol_frames of them are
 * absorbed. */
void es_associator_expect(es_associator a, const int64_t *predicted_frame,
                          size_t n_sensors, int64_t tol_frames);

/* RMS residual (s) of the best point source at c_mps for group g's
 * onsets (NaN without c_mps; 0 under 4 onsets): a few ms for one
 * wavefront, ~30 ms for a shell's crack (a line source), more for two
 * sources' onsets mixed. */
double es_associator_misfit_s(es_associator a, const es_onset_group *g);

/* Onsets dropped because the pool was full, and absorbed so far. */
uint64_t es_associator_dropped(es_associator a);
uint64_t es_associator_absorbed(es_associator a);

void es_associator_destroy(es_associator *a);

#ifdef __cplusplus
}
#endif
#endif
