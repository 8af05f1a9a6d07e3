/* Scoring one scene of the accuracy benchmark.
 *
 * Matching is earshot-score's (tools/score: an alert belongs to the truth
 * source whose mean arrival time its t_origin and position predict), so
 * the project has one implementation of it; es_score_files also gives the
 * bearing, range and position errors of the matched alert. This file adds
 * what the scorer does not carry: the matched alert's position, error
 * ellipse, fit residual and sensors (read from the events file by id), the
 * truth's geometry, and the Cramer-Rao bound (accuracy_crlb.c).
 *
 * TDOA noise of a launch: the alert's residual_rms_ms (RMS of the n used
 * arrival residuals) times sqrt(n / (n - 4)), the unbiased scale for a fit
 * of 4 unknowns (east, north, origin time, speed of sound); undefined for
 * n <= 4. The published residual is rounded to 0.001 ms, so a residual
 * printed as 0 is taken as 0.0005 ms. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accuracy.h"
#include "earshot/atmosphere.h"
#include "earshot/uncertainty.h"
#include "score.h"

#define DEG (3.14159265358979323846 / 180.0)
#define MAX_ALERTS 512
#define FIT_UNKNOWNS 4

typedef struct {
    size_t n_sensors;
    char id[ES_MAX_SENSORS][32];
    double pos_m[ES_MAX_SENSORS][3];
    double max_config_err_m;
    double c_mps, wind_en[2];
    size_t n_sources;
    double src_m[ES_SCORE_MAX_SOURCES][3];
    char kind[ES_SCORE_MAX_SOURCES][16];
    double first_arrival_s[ES_SCORE_MAX_SOURCES];
    double peak_dbfs[ES_SCORE_MAX_SOURCES][ES_MAX_SENSORS];
} truth;

typedef struct {
    char id[32];
    int revision;
    double e_m, n_m, cep50_m, semi_major_m, semi_minor_m, orientation_deg;
    double residual_rms_ms, snr_db, c_mps;
    int has_alternative;
    double alt_e_m, alt_n_m, alt_probability;
    size_t n_used, n_rejected;
    int used[ES_MAX_SENSORS];         /* indices into the truth's sensors */
} alert;

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void load_truth_sensors(const json_t *root, truth *t)
{
    const json_t *sensors = json_object_get(root, "sensors");
    t->n_sensors = 0;
    t->max_config_err_m = 0.0;
    for (size_t i = 0; i < json_array_size(sensors) && i < ES_MAX_SENSORS; i++) {
        const json_t *s = json_array_get(sensors, i);
        const char *id = json_string_value(json_object_get(s, "id"));
        snprintf(t->id[i], sizeof t->id[i], "%s", id ? id : "");
        t->pos_m[i][0] = num(s, "e_m");
        t->pos_m[i][1] = num(s, "n_m");
        t->pos_m[i][2] = num(s, "u_m");
        double de = num(s, "config_e_m") - t->pos_m[i][0], dn = num(s, "config_n_m") - t->pos_m[i][1];
        double du = num(s, "config_u_m") - t->pos_m[i][2];
        t->max_config_err_m = fmax(t->max_config_err_m, sqrt(de * de + dn * dn + du * du));
        t->n_sensors++;
    }
}

static int load_truth(const char *path, truth *t)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (root == NULL) {
        fprintf(stderr, "bench_accuracy: %s: %s\n", path, je.text);
        return -1;
    }
    load_truth_sensors(root, t);
    const json_t *atm = json_object_get(root, "atmosphere");
    t->c_mps = num(atm, "speed_of_sound_mps");
    const json_t *w = json_object_get(atm, "wind_en_mps");
    t->wind_en[0] = json_number_value(json_array_get(w, 0));
    t->wind_en[1] = json_number_value(json_array_get(w, 1));
    const json_t *sources = json_object_get(root, "sources");
    t->n_sources = 0;
    for (size_t i = 0; i < json_array_size(sources) && i < ES_SCORE_MAX_SOURCES; i++) {
        const json_t *s = json_array_get(sources, i);
        const char *kind = json_string_value(json_object_get(s, "kind"));
        snprintf(t->kind[i], sizeof t->kind[i], "%s", kind ? kind : "");
        t->src_m[i][0] = num(s, "e_m");
        t->src_m[i][1] = num(s, "n_m");
        t->src_m[i][2] = num(s, "u_m");
        const json_t *arr = json_object_get(s, "arrivals");
        t->first_arrival_s[i] = INFINITY;
        for (size_t k = 0; k < json_array_size(arr) && k < ES_MAX_SENSORS; k++) {
            const json_t *a = json_array_get(arr, k);
            t->first_arrival_s[i] = fmin(t->first_arrival_s[i], num(a, "t_s"));
            t->peak_dbfs[i][k] = num(a, "peak_dbfs");
        }
        t->n_sources++;
    }
    json_decref(root);
    return t->n_sensors >= 3 && t->c_mps > 200.0 ? 0 : -1;
}

static int sensor_index(const truth *t, const char *id)
{
    for (size_t i = 0; i < t->n_sensors; i++)
        if (strcmp(t->id[i], id) == 0)
            return (int)i;
    return -1;
}

static void parse_alert(const json_t *o, const truth *t, alert *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->id, sizeof a->id, "%s", json_string_value(json_object_get(o, "id")));
    a->revision = (int)num(o, "revision");
    const json_t *pos = json_object_get(o, "position"), *unc = json_object_get(o, "uncertainty");
    a->e_m = num(pos, "e_m");
    a->n_m = num(pos, "n_m");
    a->cep50_m = num(unc, "cep50_m");
    a->semi_major_m = num(unc, "semi_major_m");
    a->semi_minor_m = num(unc, "semi_minor_m");
    a->orientation_deg = num(unc, "orientation_deg");
    a->residual_rms_ms = num(o, "residual_rms_ms");
    a->snr_db = num(o, "snr_db");
    a->c_mps = num(o, "speed_of_sound_mps");
    const json_t *used = json_object_get(o, "sensors");
    for (size_t k = 0; k < json_array_size(used) && a->n_used < ES_MAX_SENSORS; k++) {
        const char *id = json_string_value(json_array_get(used, k));
        int i = id ? sensor_index(t, id) : -1;
        if (i >= 0)
            a->used[a->n_used++] = i;
    }
    a->n_rejected = json_array_size(json_object_get(o, "sensors_rejected"));
    const json_t *alt = json_object_get(o, "alternative");
    if (json_is_object(alt)) {
        a->has_alternative = 1;
        a->alt_e_m = num(alt, "e_m");
        a->alt_n_m = num(alt, "n_m");
        a->alt_probability = num(alt, "probability");
    }
}

/* The latest revision of every alert id in the events file. */
static int load_alerts(const char *path, const truth *t, alert *alerts, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    *n = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *topic = json_string_value(json_object_get(o, "topic"));
        const char *id = json_string_value(json_object_get(o, "id"));
        if (topic != NULL && id != NULL && strcmp(topic, "alert") == 0) {
            alert a;
            parse_alert(o, t, &a);
            size_t k = 0;
            while (k < *n && strcmp(alerts[k].id, a.id) != 0)
                k++;
            if (k == *n && *n < MAX_ALERTS)
                alerts[(*n)++] = a;
            else if (k < *n && a.revision >= alerts[k].revision)
                alerts[k] = a;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return 0;
}

static const alert *find_alert(const alert *alerts, size_t n, const char *id)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(alerts[k].id, id) == 0)
            return &alerts[k];
    return NULL;
}

/* The engine's prior on the speed of sound for this scene's config
 * (dsp/localizer.c: the physics of the configured air). */
static double engine_c_prior_mps(const acc_scene *s)
{
    return s->exact ? es_speed_of_sound_sigma_mps(s->cfg_temperature_c, s->humidity_pct, 0.1,
                                                  s->pressure_kpa)
                    : es_speed_of_sound_sigma_mps(s->cfg_temperature_c, -1.0, 0.0, 0.0);
}

/* The bound of one launch's geometry (the sensors its fix used) for
 * arrival-time noise sigma_t_s: c known, and c under the engine's prior. */
static void bound(const acc_scene *s, const truth *t, const alert *a, const double *src,
                  double sigma_t_s, acc_launch *l)
{
    l->sigma_t_s = l->crlb_m = l->crlb_cep50_m = l->crlb_c_m = l->crlb_c_cep50_m = NAN;
    l->err_over_crlb = l->err_over_crlb_c = NAN;
    if (!(sigma_t_s > 0.0) || a->n_used <= FIT_UNKNOWNS)
        return;
    l->sigma_t_s = sigma_t_s;
    double pos[ES_MAX_SENSORS][3], cov[2][2];
    for (size_t k = 0; k < a->n_used; k++)
        memcpy(pos[k], t->pos_m[a->used[k]], sizeof pos[k]);
    es_uncertainty u;
    if (acc_crlb((const double(*)[3])pos, a->n_used, src, t->c_mps, t->wind_en, l->sigma_t_s,
                 -1.0, cov) == 0) {
        l->crlb_m = sqrt(cov[0][0] + cov[1][1]);
        if (es_uncertainty_from_cov((const double(*)[2])cov, &u) == ES_OK)
            l->crlb_cep50_m = u.cep50_m;
    }
    if (acc_crlb((const double(*)[3])pos, a->n_used, src, t->c_mps, t->wind_en, l->sigma_t_s,
                 engine_c_prior_mps(s), cov) == 0) {
        l->crlb_c_m = sqrt(cov[0][0] + cov[1][1]);
        if (es_uncertainty_from_cov((const double(*)[2])cov, &u) == ES_OK)
            l->crlb_c_cep50_m = u.cep50_m;
    }
    /* A line's mirror image is a global ambiguity, not local noise: the
     * bound is compared with the error against the nearer of the two. */
    l->err_over_crlb = l->fold_position_err_m / l->crlb_cep50_m;
    l->err_over_crlb_c = l->fold_position_err_m / l->crlb_c_cep50_m;
}

/* The measured arrival-time noise, pooled over the scene's fixes (same
 * sensors, noise and air): sum of squared residuals over the degrees of
 * freedom. One fix of 5 sensors has 1 degree of freedom, and its residual
 * alone can be any fraction of the noise; pooled, far less so. */
static double pooled_sigma_t_s(const alert *const used[], size_t n)
{
    double ss = 0.0, dof = 0.0;
    for (size_t i = 0; i < n; i++) {
        const alert *a = used[i];
        if (a == NULL || a->n_used <= FIT_UNKNOWNS || !isfinite(a->residual_rms_ms))
            continue;
        double rms_s = fmax(a->residual_rms_ms, 0.0005) * 1e-3;
        ss += rms_s * rms_s * (double)a->n_used;
        dof += (double)(a->n_used - FIT_UNKNOWNS);
    }
    return dof > 0.0 ? sqrt(ss / dof) : NAN;
}

static double bearing_of(double e, double n)
{
    double b = atan2(e, n) / DEG;
    return b < 0.0 ? b + 360.0 : b;
}

static double angle_diff(double a, double b)
{
    return fabs(fmod(a - b + 540.0, 360.0) - 180.0);
}

/* A line array cannot tell its two sides apart: the errors against the
 * nearer of the truth and its mirror image in the line. */
static void fold_mirror(const acc_scene *s, acc_launch *l)
{
    l->fold_bearing_err_deg = l->bearing_err_deg;
    l->fold_position_err_m = l->position_err_m;
    if (s->layout != ACC_LINE || !l->detected)
        return;
    double ue = sin(s->line_axis_deg * DEG), un = cos(s->line_axis_deg * DEG);
    double pe = s->line_offset_m * un, pn = -s->line_offset_m * ue; /* a point on the line */
    double xe = l->true_e_m - pe, xn = l->true_n_m - pn, along = xe * ue + xn * un;
    double me = pe + 2.0 * along * ue - xe, mn = pn + 2.0 * along * un - xn;
    double err = hypot(l->est_e_m - me, l->est_n_m - mn);
    l->mirror_e_m = me;
    l->mirror_n_m = mn;
    if (err < l->position_err_m) {
        l->mirrored = 1;
        l->fold_position_err_m = err;
        l->fold_bearing_err_deg = angle_diff(l->est_bearing_deg, bearing_of(me, mn));
    }
}

/* The nearer of the fix and the alternative it published: a fix that
 * says "here, or there with probability p" is right if either is. */
static void either_error(const alert *a, acc_launch *l)
{
    l->either_bearing_err_deg = l->bearing_err_deg;
    l->either_position_err_m = l->position_err_m;
    l->has_alternative = a->has_alternative;
    if (!a->has_alternative)
        return;
    l->alt_probability = a->alt_probability;
    double err = hypot(a->alt_e_m - l->true_e_m, a->alt_n_m - l->true_n_m);
    if (err < l->position_err_m) {
        l->either_position_err_m = err;
        l->either_bearing_err_deg =
            angle_diff(bearing_of(a->alt_e_m, a->alt_n_m), bearing_of(l->true_e_m, l->true_n_m));
    }
}

/* Median over sensors of the true peak over the noise before the launch. */
static double peak_snr_db(const truth *t, size_t src, const char *wav)
{
    double noise[ES_MAX_SENSORS], snr[ES_MAX_SENSORS];
    if (acc_noise_dbfs(wav, t->first_arrival_s[src], noise, t->n_sensors) != 0)
        return NAN;
    for (size_t k = 0; k < t->n_sensors; k++)
        snr[k] = t->peak_dbfs[src][k] - noise[k];
    return acc_percentile(snr, t->n_sensors, 50);
}

static void fill_launch(const acc_scene *s, const truth *t, const es_score_source *src,
                        const double *true_m, const alert *alerts, size_t n_alerts,
                        acc_launch *l, int k)
{
    memset(l, 0, sizeof *l);
    l->err_over_crlb = l->err_over_crlb_c = NAN;
    l->scene = s->index;
    l->layout = s->layout;
    l->exact = s->exact;
    l->n_sensors = s->n_sensors;
    l->type = s->type[k];
    l->range_m = src->range_m;
    l->bearing_deg = src->bearing_deg;
    l->true_e_m = true_m[0];
    l->true_n_m = true_m[1];
    l->true_u_m = true_m[2];
    l->n_alerts = src->n_alerts;
    l->n_events = src->n_events;
    l->c_true_mps = t->c_mps;
    const alert *a = src->n_alerts > 0 ? find_alert(alerts, n_alerts, src->id) : NULL;
    l->detected = a != NULL;
    if (a == NULL)
        return;
    snprintf(l->id, sizeof l->id, "%s", a->id);
    l->est_e_m = a->e_m;
    l->est_n_m = a->n_m;
    l->est_range_m = src->est_range_m;
    l->est_bearing_deg = src->est_bearing_deg;
    l->bearing_err_deg = fabs(src->bearing_err_deg);
    l->range_err_pct = 100.0 * fabs(src->range_err_frac);
    l->position_err_m = src->position_err_m;
    l->cep50_m = a->cep50_m;
    l->semi_major_m = a->semi_major_m;
    l->semi_minor_m = a->semi_minor_m;
    l->orientation_deg = a->orientation_deg;
    l->inside_cep50 = l->position_err_m <= l->cep50_m;
    l->n_used = a->n_used;
    l->n_rejected = a->n_rejected;
    l->residual_rms_ms = a->residual_rms_ms;
    l->snr_db = a->snr_db;
    l->c_est_mps = a->c_mps;
    fold_mirror(s, l);
    either_error(a, l);
}

int acc_score_scene(const acc_scene *s, const char *dir, acc_scene_result *r,
                    acc_launch *launches)
{
    char truth_path[4200], events_path[4200], wav_path[4200];
    snprintf(truth_path, sizeof truth_path, "%s/scene.truth.json", dir);
    snprintf(wav_path, sizeof wav_path, "%s/scene.wav", dir);
    snprintf(events_path, sizeof events_path, "%s/scene.events.jsonl", dir);
    es_score_report *rep = calloc(1, sizeof *rep);
    truth *t = calloc(1, sizeof *t);
    alert *alerts = calloc(MAX_ALERTS, sizeof *alerts);
    size_t n_alerts = 0;
    es_error err = {{0}};
    int n = -1;
    const alert *used[ACC_MAX_LAUNCHES];
    size_t src_of[ACC_MAX_LAUNCHES];
    if (rep == NULL || t == NULL || alerts == NULL)
        fprintf(stderr, "bench_accuracy: out of memory\n");
    else if (es_score_files(truth_path, events_path, NULL, rep, &err) != ES_OK)
        fprintf(stderr, "bench_accuracy: scoring %s: %s\n", dir, err.msg);
    else if (load_truth(truth_path, t) != 0 || load_alerts(events_path, t, alerts, &n_alerts) != 0)
        fprintf(stderr, "bench_accuracy: %s: cannot read the truth or the events\n", dir);
    else if (t->n_sources != (size_t)s->n_launches || rep->n_sources < t->n_sources)
        fprintf(stderr, "bench_accuracy: %s: %zu sources in the truth, %d designed\n", dir,
                t->n_sources, s->n_launches);
    else
        n = 0;
    /* The score lists the truth's sources, then the artillery shells'
     * cracks (kind unknown: one alerted counts as a false alert). */
    for (size_t i = 0; n >= 0 && i < t->n_sources; i++) {
        if (strcmp(t->kind[i], "launch") != 0)
            continue;
        fill_launch(s, t, &rep->sources[i], t->src_m[i], alerts, n_alerts, &launches[n], (int)i);
        launches[n].peak_snr_db = peak_snr_db(t, i, wav_path);
        used[n] = launches[n].detected ? find_alert(alerts, n_alerts, launches[n].id) : NULL;
        src_of[n++] = i;
    }
    double sigma_t_s = n > 0 ? pooled_sigma_t_s(used, (size_t)n) : NAN;
    for (int k = 0; k < n; k++)
        if (used[k] != NULL)
            bound(s, t, used[k], t->src_m[src_of[k]], sigma_t_s, &launches[k]);
    if (n >= 0) {
        r->false_alerts = rep->false_alerts + rep->nonlaunch_alerted;
        r->alerts_total = rep->alerts_total;
        r->events_total = rep->events_total;
        r->max_position_err_m = t->max_config_err_m;
        r->c_true_mps = t->c_mps;
        r->ok = 1;
    }
    free(rep);
    free(t);
    free(alerts);
    return n;
}
