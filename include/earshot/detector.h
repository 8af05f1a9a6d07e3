/* Earshot: impulsive onset detection on one conditioned channel.
 *
 * A short-term / long-term energy ratio (STA/LTA) fires on a sudden rise;
 * the long-term average follows slow changes (wind gusts, a generator
 * starting) and is frozen while an event lasts, so a long rocket roar is
 * one trigger, not many. The onset itself is picked before the trigger by
 * the Akaike information criterion (the sample that best splits noise from
 * signal).
 *
 * The ratio is watched in two bands, the input and its part above
 * upper_band_lo_hz: wind at a screened microphone is local turbulence whose
 * spectrum falls steeply above a few tens of Hz, while a launch carries
 * energy to hundreds of Hz, so in wind a weak launch stands out in the upper
 * band alone. Either band fires; the band that rose further picks the
 * onset. An onset is emitted once its snippet (ES_SNIPPET_LEN samples,
 * ES_SNIPPET_PRE of them before the onset) is complete. */
#ifndef EARSHOT_DETECTOR_H
#define EARSHOT_DETECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/onset.h"
#include "earshot/condition.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_detector_s *es_detector;

typedef struct {
    uint32_t sensor;            /* copied into each onset */
    double sample_rate_hz;
    double sta_s;               /* short-term window, default 0.004 */
    double lta_s;               /* long-term window, default 0.5 */
    double trigger_db;          /* STA/LTA to fire, default 12 */
    double release_db;          /* STA/LTA to re-arm, default 4 */
    double min_level_dbfs;      /* STA floor to fire, default -100 */
    double dead_time_s;         /* no re-trigger sooner, default 0.3 */
    double max_event_s;         /* LTA unfreezes after this, default 4 */
    double upper_band_lo_hz;    /* second trigger band above this, default
                                 * 250; negative: the input band only */
} es_detector_config;

es_detector es_detector_create(const es_detector_config *cfg, es_error *err);

/* Feeds n conditioned samples whose first is stream frame `frame0` (frames
 * must follow on from the previous call). Writes up to max_out finished
 * onsets to out and returns how many; an onset that does not fit stays
 * queued for the next call. */
size_t es_detector_execute(es_detector d, const float *x, size_t n,
                           int64_t frame0, es_onset *out, size_t max_out);

/* The filter that makes the upper band from the input: fills *out and
 * returns 1, or returns 0 when the config watches the input band only.
 * A caller running that filter over many channels at once (an
 * es_condition bank, vectorised) hands each detector its band through
 * es_detector_execute_bands. */
int es_detector_upper_band(const es_detector_config *cfg, es_condition_config *out);

/* es_detector_execute with the upper band computed by the caller: x_upper
 * is x through the filter es_detector_upper_band describes, its state
 * carried from call to call (NULL: computed here, as es_detector_execute
 * does). The same onsets, bit for bit. */
size_t es_detector_execute_bands(es_detector d, const float *x, const float *x_upper,
                                 size_t n, int64_t frame0, es_onset *out, size_t max_out);

/* End of stream: finishes a pending onset with a zero-padded snippet (both
 * bands read silence past the end). Returns 0 or 1 onsets written. */
size_t es_detector_flush(es_detector d, es_onset *out, size_t max_out);

/* After lost audio: forgets the signal (a pending onset included) and
 * resumes at stream frame `frame`, warming up again before it may fire, so
 * the jump does not pass for an onset. */
void es_detector_restart(es_detector d, int64_t frame);

/* Frames the detector holds an onset back before emitting it: onsets at
 * frames before (last frame fed - this) are all already out. */
int64_t es_detector_delay_frames(es_detector d);

void es_detector_destroy(es_detector *d);

#ifdef __cplusplus
}
#endif
#endif
