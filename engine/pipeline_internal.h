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
    uint32_t crack_early_id;         /* this event was first a crack located
                                        early: its final group, when it comes,
                                        is consumed (es_pl_crack_final) */
    int64_t due_frame;               /* the tail is heard by then */
    int64_t onset[ES_MAX_SENSORS];   /* per used sensor, ev.used order */
    es_event ev;                     /* as last published */
};

#define MAX_OUTPUTS 64
/* Events waiting for their revision: a salvo of tens of rounds within
 * two seconds would be needed to fill it. */
#define MAX_PENDING 32
#define MAX_RECENT 8
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
    /* The last wavefront heard clearly by (nearly) all sensors that could
     * not be located (a shell's crack), per sensor; INT64_MIN: none. */
    int64_t crack_frame[ES_MAX_SENSORS];

    float *conditioned;              /* [sensor][FILTER_FRAMES] band-passed */
    float *upper_band;               /* [sensor][FILTER_FRAMES] its upper band */
    float *clean;                    /* the block with non-finite samples zeroed */
    es_onset onsets[ONSETS_PER_CALL];
    es_onset requeue;                /* an onset on its way back to association */
    struct es_pending pending[MAX_PENDING];
    /* Events whose revision is done, kept a few seconds: a blast may yet
     * show one of them was its crack (pipeline_crack.c). */
    struct es_pending recent[MAX_RECENT];
    size_t recent_next;
    es_pipeline_output out[MAX_OUTPUTS];
    size_t n_out;
    uint64_t next_id;
    es_pipeline_stats stats;
};


/* pipeline.c */
void es_pl_describe(es_pipeline p, const es_onset_group *g, es_event *ev, int64_t *onset);
es_pipeline_output *es_pl_output(es_pipeline p, const es_event *ev, int is_alert);

/* pipeline_crack.c */
/* A group three quarters of the sensors heard clearly that could not be
 * located: remembered as a supersonic projectile's crack. */
void es_pl_remember_crack(es_pipeline p, const es_onset_group *g);
/* The remembered crack is spent: a blast's whole wavefront took it. */
void es_pl_forget_crack(es_pipeline p);
/* The remembered crack's median lead over ev's onsets (ev->used order),
 * if it came 0.02-6 s ahead at two thirds of the sensors that heard both;
 * NaN otherwise. */
double es_pl_crack_lead_s(const es_pipeline p, const es_event *ev, const int64_t *onset);
/* A published event (pending, or revised in the last seconds) that was
 * this blast's crack, located as a point: its onsets came 0.02-6 s ahead
 * of ev's at two thirds of the sensors that heard both, from ev's bearing,
 * claiming a later emission than ev's. NULL if none; *lead_s: the median
 * lead. */
struct es_pending *es_pl_cracked(es_pipeline p, const es_event *ev, const int64_t *onset,
                                 double *lead_s);
/* 1 (and forgotten) when early_id was a crack's provisional group whose
 * event a blast took over: its final group is consumed. */
int es_pl_crack_final(es_pipeline p, uint32_t early_id);

/* pipeline_revise.c */
/* Keeps a published event to be refined or revised; NULL if the table is
 * full. */
struct es_pending *es_pl_await(es_pipeline p, const es_event *ev, const int64_t *onset,
                               int alerted, uint32_t early_id);
struct es_pending *es_pl_awaiting_final(es_pipeline p, uint32_t early_id);
int es_pl_room(es_pipeline p);      /* a free slot for es_pl_await */
/* The final group's fix of an early event: published as its revision. */
void es_pl_refine(es_pipeline p, struct es_pending *q, const es_event *ev, const int64_t *onset);
/* ev replaces q's event (its crack's) as q's next revision, published. */
void es_pl_replace(es_pipeline p, struct es_pending *q, const es_event *ev, const int64_t *onset,
                   uint32_t early_id);
/* Revisions due by stream frame now (all of them when `all`). */
void es_pl_revise_due(es_pipeline p, int64_t now, int all);

#endif
