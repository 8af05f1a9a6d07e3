/* Earshot: per-sensor signal conditioning.
 *
 * A Butterworth band-pass (designed by liquid-dsp as high-pass and
 * low-pass second-order sections, run in liquid's direct form II) keeps the band where launch blasts carry their energy at
 * distance and removes what wind (below a few tens of Hz) and DC put into
 * a microphone. Every sensor gets the same filter, so its phase delay is
 * common to all channels and cancels in arrival-time differences. */
#ifndef EARSHOT_CONDITION_H
#define EARSHOT_CONDITION_H

#include <stddef.h>

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_condition_s *es_condition;

typedef struct {
    double sample_rate_hz;
    double band_lo_hz;        /* high-pass corner */
    double band_hi_hz;        /* low-pass corner, below Nyquist; 0: high-pass only */
    unsigned order;           /* per section, default 4 when 0 */
    unsigned channels;        /* filtered side by side by es_condition_execute_many;
                               * 0 means 1 */
} es_condition_config;

es_condition es_condition_create(const es_condition_config *cfg, es_error *err);

/* Filters n samples read from in[0], in[stride], ... into out[0..n)
 * (channel 0 of a bank). */
void es_condition_execute(es_condition c, const float *in, size_t stride,
                          float *out, size_t n);

/* Filters all the config's channels over n frames, several at once:
 * channel j reads in[i * in_stride + in_channel[j]] and writes
 * out[j * out_stride + i]. Each channel's output is, to the last bit, what
 * es_condition_execute on a filter of its own would give. Use one or the
 * other on a filter, not both. */
void es_condition_execute_many(es_condition c, const float *in, size_t in_stride,
                               const size_t *in_channel, float *out, size_t out_stride,
                               size_t n);

void es_condition_reset(es_condition c);
void es_condition_destroy(es_condition *c);

#ifdef __cplusplus
}
#endif
#endif
