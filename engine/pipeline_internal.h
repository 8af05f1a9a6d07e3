/* Internals of the inline pipeline shared by engine/pipeline.c (the
 * stages, from audio to a first verdict) and engine/pipeline_revise.c
 * (early groups refined with the whole wavefront, verdicts revised once
 * the tail is heard). */
#ifndef EARSHOT_PIPELINE_INTERNAL_H
#define EARSHOT_PIPELINE_INTERNAL_H

#include "earshot/associator.h"
#include "earshot/classify.h"
#include "earshot/condition.h"
#include "earshot/detector.h"
#include "earshot/features.h"
#include "earshot/health.h"
#include "earshot/history.h"
#include "earshot/localizer.h"
#include "earshot/pipeline.h"

/* A published event whose verdict may still change. */
struct es_pending {
    int busy, alerted;
    uint32_t early_id;               /* awaiting the final group of this
                                        provisional one; 0: final already */
    int64_t due_frame;               /* the tail is heard by then */
    int64_t onset[ES_MAX_SENSORS];   /* per used sensor, ev.used order */
    es_event ev;                     /* as last published */
};

#define MAX_OUTPUTS 64
/* Events waiting for their revision: a salvo of tens of rounds within
 * two seconds would be needed to fill it. */
#define MAX_PENDING 32
/* The revision waits until every used sensor has heard this long after
 * its onset: the late tail (0.5-1.5 s, a rocket motor's burn). */
#define REVISION_AFTER_S 1.55
/* A revision is published when the kind or class changes, or the
 * confidence by this much. */
#define REVISION_MIN_CONFIDENCE_CHANGE 0.02
#define ONSETS_PER_CALL 64
/* Onsets within this of a located wavefront's predicted arrival belong to
 * it (echoes, late picks), not to a new event. */
#define ABSORB_TOLERANCE_S 0.05

/* The filters run over at most this many frames at a time, so their
 * outputs for every sensor stay small (and in cache) whatever the block. */
#define FILTER_FRAMES 512u

struct es_pipeline_s {
    es_site_config site;
    int channels;
    size_t max_block_frames;
    int all_revisions;
    es_atmosphere_config atm;

    es_health health[ES_MAX_SENSORS];
    es_condition band;               /* every sensor's band-pass, side by side */
    es_condition upper;              /* the detectors' upper band, or NULL */
    size_t sensor_channel[ES_MAX_SENSORS]; /* each sensor's stream channel */
    size_t sensor_row[ES_MAX_SENSORS];     /* its row in conditioned */
    es_detector det[ES_MAX_SENSORS];
    es_associator assoc;
    es_localizer loc;
    es_classifier cls;
    es_history history;
    es_featurizer feat;
    int64_t detector_delay_frames;
    size_t min_sensors;              /* an event needs this many used */
    /* Per sensor, one bit per event it was heard in, newest lowest: 1 when
     * the solver left it out. */
    uint8_t rejected_bits[ES_MAX_SENSORS];

    float *conditioned;              /* [sensor][FILTER_FRAMES] band-passed */
    float *upper_band;               /* [sensor][FILTER_FRAMES] its upper band */
    float *clean;                    /* the block with non-finite samples zeroed */
    es_onset onsets[ONSETS_PER_CALL];
    es_onset requeue;                /* an onset on its way back to association */
    struct es_pending pending[MAX_PENDING];
    es_pipeline_output out[MAX_OUTPUTS];
    size_t n_out;
    uint64_t next_id;
    es_pipeline_stats stats;
};


/* pipeline.c */
void es_pl_describe(es_pipeline p, const es_onset_group *g, es_event *ev, int64_t *onset);
es_pipeline_output *es_pl_output(es_pipeline p, const es_event *ev, int is_alert);

/* pipeline_revise.c */
/* Keeps a published event to be refined or revised; NULL if the table is
 * full. */
struct es_pending *es_pl_await(es_pipeline p, const es_event *ev, const int64_t *onset,
                               int alerted, uint32_t early_id);
struct es_pending *es_pl_awaiting_final(es_pipeline p, uint32_t early_id);
int es_pl_room(es_pipeline p);      /* a free slot for es_pl_await */
/* The final group's fix of an early event: published as its revision. */
void es_pl_refine(es_pipeline p, struct es_pending *q, const es_event *ev, const int64_t *onset);
/* Revisions due by stream frame now (all of them when `all`). */
void es_pl_revise_due(es_pipeline p, int64_t now, int all);

#endif
