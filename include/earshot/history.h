/* Earshot: the recent conditioned audio of every sensor, kept for the
 * classifier.
 *
 * An onset's snippet holds 21 ms after the wavefront; telling a launch from
 * thunder or a rocket from a mortar needs what follows: a rocket motor's
 * roar, thunder's rumble, or the silence after a blast. The wavefront of a
 * distant source crosses the array in up to (aperture / c) seconds, so when
 * the last sensor's onset completes a group, the first sensors have already
 * heard that long of what followed: the history keeps it, and keeps filling
 * for the revision that follows (CONTRACT.md `revision`).
 *
 * Samples are stored decimated (every D-th frame, D = fs / (4 band_hi),
 * at least 1): the conditioned band ends at band_hi, and its low-pass
 * leaves nothing that would fold back below band_hi. Frames are counted in
 * the stream's frame numbers, so sample k of a sensor is stream frame k D.
 * Memory is allocated at create; writing and reading never allocate. */
#ifndef EARSHOT_HISTORY_H
#define EARSHOT_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_history_s *es_history;

typedef struct {
    size_t n_sensors;
    double sample_rate_hz;
    double band_hi_hz;        /* top of the conditioned band; 0: fs / 4 */
    double length_s;          /* at least this much is kept (0.1..120) */
} es_history_config;

es_history es_history_create(const es_history_config *cfg, es_error *err);

/* Sensor `sensor`'s conditioned samples x[0..n) for stream frames
 * frame0 .. frame0 + n - 1. Calls for one sensor must follow on in time; a
 * jump forward (lost audio) leaves silence in between. */
void es_history_write(es_history h, size_t sensor, const float *x, size_t n, int64_t frame0);

/* n decimated samples of `sensor` from stream frame `from_frame` (rounded
 * up to a multiple of D) into out. Samples not held (too old, or not yet
 * written) are 0. Returns how many were held. */
size_t es_history_read(es_history h, size_t sensor, int64_t from_frame, size_t n, float *out);

/* The first stream frame not yet written for every sensor. */
int64_t es_history_end_frame(es_history h);

int es_history_decimation(es_history h);       /* D */
double es_history_rate_hz(es_history h);       /* fs / D */

void es_history_destroy(es_history *h);

#ifdef __cplusplus
}
#endif
#endif
