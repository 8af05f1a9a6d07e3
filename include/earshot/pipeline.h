/* Earshot: the analysis pipeline, inline (DESIGN.md data flow):
 *   condition -> detect -> associate -> locate -> classify
 * for every sensor of a site, fed blocks of interleaved frames.
 *
 * This object runs the stages in the caller's thread; it is what replay
 * uses and what the tests drive directly. It does no I/O: events come out
 * as es_pipeline_output records for the caller to publish. */
#ifndef EARSHOT_PIPELINE_H
#define EARSHOT_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/config.h"
#include "earshot/event.h"
#include "earshot/publisher.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_pipeline_s *es_pipeline;

typedef struct {
    const es_site_config *site;  /* copied at create */
    int channels;                /* channels of the input stream */
    size_t max_block_frames;     /* largest block execute will be given */
    /* Publish a revision of every event once its tail is heard, changed
     * or not (analysts, and the classifier's training data, which must
     * not depend on the model being trained). 0: only changed verdicts. */
    int all_revisions;
} es_pipeline_config;

typedef struct {
    es_event event;              /* revision 0, or a later verdict on its id */
    int is_alert;                /* publish as `alert` too: a launch, or the
                                    revision of one that was alerted */
} es_pipeline_output;

typedef struct {
    int64_t frames;              /* analysed so far */
    uint64_t onsets;             /* per-sensor detections */
    uint64_t groups;             /* associated candidate events */
    uint64_t unlocated;          /* groups too small or with no fit */
    uint64_t events, alerts;
    uint64_t onsets_dropped;     /* associator pool full */
    uint64_t onsets_absorbed;    /* matched an already located wavefront */
    uint64_t bad_samples;        /* NaN or infinite input, replaced by 0 */
    uint64_t frames_lost;        /* skipped over after lost audio */
    uint64_t early;              /* events published from a provisional group */
    uint64_t revisions;          /* revised verdicts published */
    uint64_t revisions_skipped;  /* events not revised: too many waiting */
} es_pipeline_stats;

es_pipeline es_pipeline_create(const es_pipeline_config *cfg, es_error *err);

/* Analyses `frames` interleaved frames (channels per frame as configured),
 * following on from the previous call. Returns how many outputs are ready
 * (read them with es_pipeline_output_at before the next call), or a
 * negative es_status. */
int es_pipeline_execute(es_pipeline p, const float *interleaved, size_t frames);

/* Audio was lost: the next block starts at stream frame `frame` (after
 * the frames analysed so far). Detectors and filters restart there; the
 * onsets already held still associate. */
void es_pipeline_skip_to(es_pipeline p, int64_t frame);

/* End of stream: releases everything still held. Returns outputs ready. */
int es_pipeline_finish(es_pipeline p);

const es_pipeline_output *es_pipeline_output_at(es_pipeline p, size_t i);

/* Per-sensor health since the previous call (for a heartbeat); fills
 * hb->n_sensors, hb->sensors and hb->atmosphere. */
void es_pipeline_health(es_pipeline p, es_heartbeat *hb);

/* Air in force from now on (SIGHUP re-reads it). */
void es_pipeline_set_atmosphere(es_pipeline p, const es_atmosphere_config *atm);

void es_pipeline_stats_get(es_pipeline p, es_pipeline_stats *out);

void es_pipeline_destroy(es_pipeline *p);

#ifdef __cplusplus
}
#endif
#endif
