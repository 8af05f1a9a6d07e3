/* Earshot: the classify stage: kind, class and confidence of a located
 * event (DESIGN.md "classify"), from the physical features of es_features.
 *
 * Where the source is decides first: nearer the origin than the launch
 * range (inside or at the camp) it is an impact if its level at 1 m is a
 * detonation's, else unknown; a launch never comes from inside the camp.
 * Beyond the launch range a small model (multinomial logistic regression,
 * trained by tools/train on simulated scenes with fixed seeds, weights in
 * dsp/classify_model.h) gives the probabilities of mortar, rocket,
 * artillery and of what is not a launch (thunder, small bangs, the rest),
 * from the blast (level and spectrum at 1 m, pulse length, coherence and
 * fit across the array, the rise before it) and, once heard, what
 * followed it (a motor's roar, thunder's rumble, silence). A launch needs
 * a probability of 0.5 once a sensor has heard 1.5 s after its onset,
 * 0.8 before (see classify.c). Confidence is the probability of the kind
 * reported. A wavefront that swept the array 6 sigmas faster than the
 * configured air allows (a shell's crack) is no launch. When no tail has been heard at all, a model of the blast
 * alone decides, and the revision decides again with the tail. */
#ifndef EARSHOT_CLASSIFY_H
#define EARSHOT_CLASSIFY_H

#include "earshot/event.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The model's inputs, in order: the blast's, then the tail's. */
enum {
    ES_IN_LEVEL, ES_IN_CENTROID, ES_IN_PULSE, ES_IN_COHERENCE, ES_IN_RESIDUAL, ES_IN_SPEED,
    ES_IN_PRE_RISE, ES_IN_BLAST_N,
    ES_IN_TAIL = ES_IN_BLAST_N, ES_IN_TAIL_SNR, ES_IN_CREST, ES_IN_TAIL_COHERENCE, ES_IN_LATE,
    ES_IN_N
};
/* The model's classes: the three launches, and what is not a launch in
 * three families unlike each other (a linear model gives each class one
 * convex region, and "not a launch" is no such region): thunder, small
 * bangs (gunshots, backfires) and the rest (slams, fragments of sources
 * that are none of these). */
enum {
    ES_MC_MORTAR, ES_MC_ROCKET, ES_MC_ARTILLERY, ES_MC_THUNDER, ES_MC_SMALL, ES_MC_OTHER, ES_MC_N
};

/* A trained model: inputs standardised by mean and scale, then
 * logit_c = w[c][0] + sum_i w[c][1 + i] z_i (class ES_MC_OTHER's logit 0,
 * so ES_MC_N - 1 rows). */
typedef struct {
    size_t n_inputs;              /* ES_IN_BLAST_N or ES_IN_N */
    const double *mean, *scale;   /* n_inputs each */
    const double (*w)[ES_IN_N + 1];  /* ES_MC_N - 1 rows */
} es_class_model;

/* The model's inputs from an event's features, transformed (logs, limits)
 * and with missing values replaced. Returns 1 when the tail part is
 * measured (tail_s long enough), else 0 (x[ES_IN_TAIL..] are filled
 * anyway). */
int es_class_inputs(const es_event *ev, double x[ES_IN_N]);

/* Class probabilities p[ES_MC_N] of inputs x under model m. */
void es_class_model_eval(const es_class_model *m, const double *x, double p[ES_MC_N]);

typedef struct es_classifier_s *es_classifier;

typedef struct {
    double camp_radius_m;        /* farthest sensor from the origin */
    double launch_min_range_m;   /* 0: max(1.25 x camp radius, 300 m) */
    double impact_min_level_db;  /* peak SPL at 1 m, default 175 dB */
} es_classifier_config;

es_classifier es_classifier_create(const es_classifier_config *cfg, es_error *err);

/* Sets ev->kind, ev->cls, ev->confidence and ev->source_level_db from
 * ev's position and features. */
void es_classifier_execute(es_classifier c, es_event *ev);

/* The launch range in force (after deriving the default). */
double es_classifier_launch_min_range_m(es_classifier c);

void es_classifier_destroy(es_classifier *c);

#ifdef __cplusplus
}
#endif
#endif
