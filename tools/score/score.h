/* earshot-score: compares published alerts and events with a simulated
 * scene's ground truth (the truth file of earshot-sim). The answer the
 * engine is checked against comes from the simulator, never from the
 * engine itself.
 *
 * Matching: an alert belongs to the truth source whose wavefront it
 * explains: the mean arrival time at the sensors predicted from the
 * alert's t_origin and position (straight paths at the true speed of
 * sound) must be within match_window_s of the truth's mean arrival. */
#ifndef EARSHOT_SCORE_H
#define EARSHOT_SCORE_H

#include <stddef.h>
#include <stdio.h>

#include "earshot/status.h"

#define ES_SCORE_MAX_SOURCES 256

typedef struct {
    double max_bearing_err_deg;   /* default 2 */
    double max_range_err_frac;    /* default 0.10 */
    double match_window_s;        /* default 0.3 */
} es_score_limits;

typedef struct {
    char type[32];                /* mortar, rocket, impact, slam, ... */
    char kind[16];
    double range_m, bearing_deg, t_origin_s;
    int n_alerts;                 /* distinct alert ids matched */
    int n_events;                 /* distinct event ids matched */
    /* The (last revision of the) first matched alert, else event: */
    char id[32];
    char est_kind[16], est_class[16];
    double est_range_m, est_bearing_deg, cep50_m, latency_ms, confidence;
    double bearing_err_deg, range_err_frac, position_err_m;
} es_score_source;

typedef struct {
    /* The truth's sources in order, then one source "crack" (kind unknown)
     * per artillery round whose supersonic crack reached the array. */
    size_t n_sources;
    es_score_source sources[ES_SCORE_MAX_SOURCES];
    size_t launches, alerted_once, missed, duplicated;
    size_t false_alerts;          /* alerts matching no truth source */
    size_t nonlaunch_alerted;     /* alerts matching a source that is no launch */
    size_t bearing_violations, range_violations;
    double bearing_err_max_deg, range_err_max_frac, latency_max_ms;
    size_t alerts_total, events_total, heartbeats_total;
    int pass;
} es_score_report;

void es_score_limits_default(es_score_limits *l);

int es_score_files(const char *truth_path, const char *events_path,
                   const es_score_limits *limits, es_score_report *out,
                   es_error *err);

/* A readable table and a one-line summary. */
void es_score_print(const es_score_report *r, const es_score_limits *limits,
                    FILE *to);

#endif
