/* Earshot: per-sensor signal health for heartbeats.
 *
 * One es_health per sensor watches the raw samples: level (RMS, dBFS),
 * clipping (samples at full scale), dead (silent) and stuck (flat or DC)
 * channels. The engine reads a snapshot once per heartbeat, which also
 * starts a new measurement window. */
#ifndef EARSHOT_HEALTH_H
#define EARSHOT_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_health_s *es_health;

typedef struct {
    double sample_rate_hz;
    double clip_level;          /* |x| at or above this counts as clipped,
                                   default 0.999 */
    double dead_level_dbfs;     /* RMS below this is dead, default -120 */
    double stuck_range;         /* max-min below this is stuck, default 1e-6 */
} es_health_config;

typedef struct {
    double level_dbfs;          /* RMS over the window, dBFS (-inf -> -200) */
    double peak_dbfs;
    uint64_t clipped_samples;   /* in the window */
    int clipping;               /* 1 if any sample clipped in the window */
    int dead;                   /* silent over the whole window */
    int stuck;                  /* flat or DC over the whole window */
    int ok;                     /* !dead && !stuck && !persistent clipping */
    uint64_t frames;            /* frames in the window */
} es_health_snapshot;

es_health es_health_create(const es_health_config *cfg, es_error *err);

/* Feed n samples read with the given stride (interleaved input). */
void es_health_execute(es_health h, const float *x, size_t stride, size_t n);

/* Report the window so far and start a new one. */
void es_health_snapshot_take(es_health h, es_health_snapshot *out);

void es_health_destroy(es_health *h);

#ifdef __cplusplus
}
#endif
#endif
