/* Earshot: the hand-off from detection to association: one impulsive onset
 * on one sensor. A plain, fixed-size struct with no pointers, so it can be
 * copied through rings and, later, serialised over ZeroMQ when detectors run
 * on other machines than the fusion (DESIGN.md). */
#ifndef EARSHOT_ONSET_H
#define EARSHOT_ONSET_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Samples of conditioned audio carried with each onset: enough before the
 * onset for the noise and after it for the blast's first cycles. */
#define ES_SNIPPET_LEN 2048
#define ES_SNIPPET_PRE 1024

typedef struct {
    uint32_t sensor;          /* index into the site config's sensors */
    int64_t frame;            /* onset, stream frames since the first sample */
    int64_t trigger_frame;    /* where the detector fired (>= frame) */
    float peak_dbfs;          /* largest |x| of the conditioned snippet */
    float noise_dbfs;         /* RMS level before the onset */
    float background_dbfs;    /* the quiet the detector learnt before its
                                 event began (its long-term average, frozen
                                 during an event): below noise_dbfs when
                                 the onset fired again inside an event */
    float snr_db;             /* peak short-term energy over background */
    float rise_ms;            /* onset to first peak, a feature for classify */
    uint32_t requeued;        /* times a fix left it out and it was grouped
                               * again: it may hold two wavefronts */
    int64_t snippet_frame;    /* stream frame of snippet[0] (frame - PRE) */
    float snippet[ES_SNIPPET_LEN]; /* conditioned audio */
} es_onset;

#ifdef __cplusplus
}
#endif
#endif
