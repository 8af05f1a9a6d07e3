/* The classification benchmark (issue 6, bench/bench_classify.c): kind and
 * class confusion, launch precision and recall, false alerts per 24 h of
 * confuser audio, and confidence calibration, over simulated scenes made
 * with fixed seeds, plus the real recordings of ../shared/data. */
#ifndef EARSHOT_BENCH_CLASSIFY_H
#define EARSHOT_BENCH_CLASSIFY_H

#include <stddef.h>
#include <stdio.h>

#define CLS_SENSORS 8
#define CLS_MAX_EVENTS 16
#define CLS_CONFUSER_SCENE_S 60.0
#define CLS_LAUNCH_SCENE_S 20.0

/* Simulator source types the benchmark uses (cls_type_names). */
enum {
    CLS_MORTAR, CLS_ROCKET, CLS_ARTILLERY, CLS_IMPACT, CLS_GUNSHOT, CLS_SLAM, CLS_THUNDER,
    CLS_BACKFIRE, CLS_GENERATOR, CLS_GUST, CLS_N_TYPES
};
extern const char *const cls_type_names[CLS_N_TYPES];

/* Confuser families (cls_confuser_names). */
enum {
    CONFUSER_GUNSHOT_NEAR, CONFUSER_GUNSHOT_FAR, CONFUSER_SLAM, CONFUSER_THUNDER,
    CONFUSER_IMPACT, CONFUSER_BACKFIRE, CONFUSER_GENERATOR, CONFUSER_GUST, CLS_N_CONFUSERS
};
extern const char *const cls_confuser_names[CLS_N_CONFUSERS];

typedef struct {
    int type;                 /* CLS_MORTAR ... */
    int confuser;             /* CONFUSER_..., -1 for a launch */
    double t_s, e_m, n_m;     /* origin time and place */
    int near;                 /* slam, gust: the sensor it is at, else -1 */
    double distance_m;        /* slam: from that sensor */
    double level_db;          /* peak SPL at 1 m (gust: RMS at the microphone);
                                 NaN: the simulator's default */
} cls_event;

typedef struct {
    int index;
    int confusers;            /* 1: a confuser scene, 0: a launch scene */
    int acc;                  /* a scene of the accuracy benchmark (its index
                                 there), or -1: one of classify_scenes.c */
    unsigned long long sim_seed;
    size_t n_sensors;
    double duration_s;
    double radius_m, sensor_m[CLS_SENSORS][2];
    double temperature_c, humidity_pct, wind_mps, wind_from_deg, ambient_db;
    int generator;
    int n_events;
    cls_event events[CLS_MAX_EVENTS];
} cls_scene;

/* What the benchmark counts (bench_classify.c) and prints (classify_report.c). */
enum { K_LAUNCH, K_IMPACT, K_UNKNOWN, K_NONE, N_KINDS };
enum { C_MORTAR, C_ROCKET, C_ARTILLERY, C_UNKNOWN, C_NONE, N_CLASSES };
#define CLS_N_BINS 5
#define CLS_N_P_BINS 6

typedef struct {
    size_t kind[N_KINDS - 1][N_KINDS];        /* truth kind x estimated kind */
    size_t cls[3][N_CLASSES];                 /* truth class x estimated class */
    size_t confuser_n[CLS_N_CONFUSERS], confuser_alerted[CLS_N_CONFUSERS];
    size_t launches, launches_alerted;
    size_t cracks, cracks_alerted;            /* artillery shells' cracks (launch scenes) */
    size_t alerts, alerts_real, confuser_false_alerts;
    size_t alerts_real_first;                 /* of those, alerted by the first message */
    size_t bin_n[CLS_N_BINS], bin_real[CLS_N_BINS];   /* alerts by confidence */
    size_t p_n[CLS_N_P_BINS], p_real[CLS_N_P_BINS];   /* judged events by P(launch) */
    double confuser_audio_s;
    size_t scenes_ok, scenes_failed;
    size_t real_files, real_alerts;
} cls_tally;

/* classify_report.c */
int cls_bin(double confidence);               /* 0..CLS_N_BINS-1 */
int cls_p_bin(double p_launch);               /* 0..CLS_N_P_BINS-1 */
void cls_report(const cls_tally *t, FILE *to);

/* classify_csv.c: one row per truth source and per unmatched event. */
#define CLS_CSV_MAX_IDS 256
void cls_csv_header(FILE *csv);

/* classify_scenes.c */
void cls_design(cls_scene *s, int index, int confusers, unsigned long long seed);
char *cls_scene_json(const cls_scene *s);   /* malloc'd, NULL: out of memory */

#include "score/score.h"
void cls_csv_scene(FILE *csv, const cls_scene *s, const es_score_report *r, const char *events);

#endif
