/* Earshot: the classify stage: kind, class and confidence of a located
 * event (DESIGN.md "classify").
 *
 * This first rule is deliberately simple and documented (README "Launch
 * rule"): a located source farther from the site origin than the launch
 * range is a launch (class not yet told: "unknown"); nearer, a source whose
 * estimated level at 1 m is that of a detonation is an impact; anything
 * else is unknown. Confidence grows with the fraction of sensors that agree
 * and the quality of the fit. It is not yet calibrated. */
#ifndef EARSHOT_CLASSIFY_H
#define EARSHOT_CLASSIFY_H

#include "earshot/associator.h"
#include "earshot/event.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_classifier_s *es_classifier;

typedef struct {
    size_t n_sensors;
    double sensor_m[ES_MAX_SENSORS][3];   /* east, north, up */
    double camp_radius_m;        /* farthest sensor from the origin */
    double launch_min_range_m;   /* 0: max(1.25 x camp radius, 300 m) */
    double impact_min_level_db;  /* source level at 1 m, default 150 dB */
    double full_scale_db_spl;    /* SPL of 0 dBFS */
} es_classifier_config;

es_classifier es_classifier_create(const es_classifier_config *cfg, es_error *err);

/* Sets ev->kind, ev->cls, ev->confidence and ev->source_level_db. */
void es_classifier_execute(es_classifier c, const es_onset_group *g, es_event *ev);

/* The launch range in force (after deriving the default). */
double es_classifier_launch_min_range_m(es_classifier c);

void es_classifier_destroy(es_classifier *c);

#ifdef __cplusplus
}
#endif
#endif
