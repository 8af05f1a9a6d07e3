/* Localisation accuracy benchmark (issue 5): shared types of
 * bench/bench_accuracy.c and bench/accuracy_*.c.
 *
 * The benchmark designs scenes from a master seed (accuracy_scenes.c),
 * simulates and replays each (accuracy_run.c), matches the published
 * alerts to the simulator's truth with earshot-score's matching and reads
 * the matched alerts' fields (accuracy_score.c), computes the Cramer-Rao
 * bound of each launch's true geometry (accuracy_crlb.c), and prints
 * tables and target verdicts (accuracy_report.c), a per-launch CSV and one
 * SVG picture per layout (accuracy_svg.c). */
#ifndef EARSHOT_BENCH_ACCURACY_H
#define EARSHOT_BENCH_ACCURACY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "earshot/config.h"

#define ACC_MAX_LAUNCHES 3          /* per scene */
#define ACC_MAX_SCENES 1000
#define ACC_N_BANDS 4

typedef enum { ACC_RING, ACC_LINE, ACC_CLUSTERS, ACC_N_LAYOUTS } acc_layout;

extern const char *const acc_layout_names[ACC_N_LAYOUTS];
/* Range bands, km: [0.5, 2), [2, 4), [4, 8), [8, 10]. */
extern const double acc_band_edges_m[ACC_N_BANDS + 1];
int acc_band_of(double range_m);

/* One designed scene: everything the scenario JSON says, plus the facts
 * the report needs (layout, exactness, the line's axis for the mirror). */
typedef struct {
    int index;
    acc_layout layout;
    int exact;                        /* config = truth, quiet: CRLB subset */
    uint64_t sim_seed;
    size_t n_sensors;
    double sensor_m[ES_MAX_SENSORS][3];
    double size_m;                    /* ring radius, line length, cluster distance */
    double spacing_m;                 /* clusters: microphone spacing */
    double line_axis_deg, line_offset_m; /* line: along-fence bearing, offset */
    double temperature_c, humidity_pct, pressure_kpa;
    double wind_mps, wind_from_deg;
    double c_mps;                     /* true still-air speed of sound */
    double cfg_temperature_c;
    double position_sigma_m, gain_sigma_db;
    double ambient_db, reflection_coeff;
    int generator;
    double generator_e_m, generator_n_m, generator_db;
    int n_launches;
    int type[ACC_MAX_LAUNCHES];       /* 0 mortar, 1 rocket, 2 artillery */
    double range_m[ACC_MAX_LAUNCHES], bearing_deg[ACC_MAX_LAUNCHES];
    double t_s[ACC_MAX_LAUNCHES];     /* origin times */
    double duration_s;
} acc_scene;

extern const char *const acc_type_names[3];

/* Per launch: truth, the matched alert, errors and the bound. */
typedef struct {
    int scene;
    acc_layout layout;
    int exact;
    size_t n_sensors;
    int type;
    double range_m, bearing_deg, true_e_m, true_n_m, true_u_m;
    int n_alerts, n_events;           /* distinct alert / event ids matched */
    int detected;                     /* n_alerts >= 1 */
    char id[32];
    double est_e_m, est_n_m, est_range_m, est_bearing_deg;
    double bearing_err_deg, range_err_pct, position_err_m;   /* absolute */
    double fold_bearing_err_deg, fold_position_err_m; /* line: nearer of truth and mirror */
    int mirrored;                     /* the estimate is nearer the mirror image */
    double mirror_e_m, mirror_n_m;    /* the truth's mirror image in the line */
    int has_alternative;              /* the alert published an alternative */
    double alt_probability;
    /* Errors of the nearer of the fix and its published alternative (the
     * fix's own when none was published). */
    double either_bearing_err_deg, either_position_err_m;
    double cep50_m, semi_major_m, semi_minor_m, orientation_deg;
    int inside_cep50;
    size_t n_used, n_rejected;
    double residual_rms_ms, sigma_t_s, snr_db, c_est_mps, c_true_mps;
    double crlb_m, crlb_cep50_m;      /* (e, n, t0), c known */
    double crlb_c_m, crlb_c_cep50_m;  /* (e, n, t0, c), c under the engine's prior */
    double err_over_crlb;             /* fold_position_err_m / crlb_cep50_m */
    double err_over_crlb_c;           /* fold_position_err_m / crlb_c_cep50_m */
    double peak_snr_db;               /* accuracy_snr.c: true peak over noise, median */
} acc_launch;

typedef struct {
    int index;
    int ok;                           /* simulated, replayed and scored */
    size_t false_alerts, alerts_total, events_total;
    double max_position_err_m;        /* largest |config - true| sensor position */
    double c_true_mps;
    size_t first_launch, n_launches;  /* into the launch array */
} acc_scene_result;

typedef struct {
    int scenes;
    uint64_t seed;
    int only;                         /* -1 all, else acc_layout */
    int pick[ACC_MAX_SCENES];         /* --pick: only these scenes */
    int n_pick;
    const char *keep_dir, *svg_dir, *csv_path;
    int jobs;
    int quiet;
} acc_options;

/* accuracy_scenes.c */
void acc_design_scenes(uint64_t master_seed, int n, acc_scene *out);
/* Scenario JSON (malloc'ed) for es_sim_run_json. */
char *acc_scene_json(const acc_scene *s);

/* CRLB of the horizontal position for arrival-time noise sigma_t_s at the
 * given sensors. c_sigma_mps < 0: c known (unknowns e, n, t0); otherwise c
 * is a fourth unknown with a Gaussian prior of that sigma (0: no prior).
 * Fills cov_en; returns 0, or -1 if the information is singular. */
int acc_crlb(const double (*sensor_m)[3], size_t n, const double src[3], double c_mps,
             const double wind_en[2], double sigma_t_s, double c_sigma_mps,
             double cov_en[2][2]);

/* accuracy_run.c: simulate and replay scenes (in-process, or in up to
 * `jobs` child processes), calling on_done in this process as each scene
 * finishes (ok = simulated and replayed). Returns the number of failures,
 * or -1 if the processes could not be run. */
typedef struct {
    void (*on_done)(int scene_index, int ok, void *ctx);
    void *ctx;
    int quiet;
    double t0_s;                      /* set by acc_run_scenes */
} acc_run_hooks;
int acc_run_scenes(const acc_scene *scenes, const int *todo, int n_todo, const char *root,
                   int jobs, const acc_run_hooks *hooks);
/* The same for any scenes: json(index) returns the scenario text (malloc'd;
 * NULL: out of memory), describe(index) a few words for the progress line
 * (may be NULL). Scene `index` goes to <root>/scene-NNN. */
typedef struct {
    const char *program;              /* prefixes progress lines */
    char *(*json)(int index, void *ctx);
    void (*describe)(int index, void *ctx, char *out, size_t cap);
    void *ctx;
    int all_revisions;                /* replay with es_replay_options.all_revisions */
} acc_scene_source;
int acc_run_sources(const acc_scene_source *src, const int *todo, int n_todo, const char *root,
                    int jobs, const acc_run_hooks *hooks);
void acc_scene_dir(const char *root, int index, char *dir, size_t cap);
void acc_remove_scene_files(const char *root, int index);

/* accuracy_score.c: matches and fills launches for one scene; returns the
 * number of launches written (the scene's launches), or -1. */
int acc_score_scene(const acc_scene *s, const char *dir, acc_scene_result *r,
                    acc_launch *launches);

/* accuracy_snr.c: RMS (dBFS, above 40 Hz) of each of the first n_ch
 * channels of the recording in the 0.5 s ending 0.2 s before before_s. */
int acc_noise_dbfs(const char *wav_path, double before_s, double *noise_dbfs, size_t n_ch);

/* accuracy_report.c */
void acc_print_report(const acc_launch *l, size_t n, const acc_scene_result *sr, int n_scenes,
                      FILE *to);
int acc_write_csv(const char *path, const acc_launch *l, size_t n, const acc_scene *scenes,
                  const acc_scene_result *sr, int n_scenes);

/* accuracy_svg.c: one picture per layout; returns 0 or -1. */
int acc_write_svgs(const char *dir, const acc_launch *l, size_t n, const acc_scene *scenes,
                   const int *todo, int n_todo, FILE *log);

/* Nearest-rank percentile of v[0..n) (sorts a copy); NAN for n == 0. */
double acc_percentile(const double *v, size_t n, double p);

#endif
