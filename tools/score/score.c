/* Scoring of published messages against simulator truth (see score.h). */
#include "score.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SENSORS 256
#define MAX_MESSAGES 4096

typedef struct {
    size_t n_sensors;
    double sensor_m[MAX_SENSORS][3];
    double c_mps, wind_en[2];
    double mean_arrival_s[ES_SCORE_MAX_SOURCES];
    double pos_m[ES_SCORE_MAX_SOURCES][3];
} truth_geometry;

typedef struct {
    char topic[16], id[32], kind[16], cls[16];
    int revision;
    double t_origin_s, e_m, n_m, u_m, range_m, bearing_deg, cep50_m, latency_ms, confidence;
    double c_mps;                 /* the fix's own speed of sound, or NaN */
} message;

void es_score_limits_default(es_score_limits *l)
{
    l->max_bearing_err_deg = 2.0;
    l->max_range_err_frac = 0.10;
    l->match_window_s = 0.3;
}

static double num(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void str(const json_t *obj, const char *key, char *dst, size_t cap)
{
    const json_t *v = json_object_get(obj, key);
    snprintf(dst, cap, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* Travel time with the medium moving: |d - w t| = c t, by fixed point. */
static double travel_s(const double *src, const double *rcv, const truth_geometry *g, double c_mps)
{
    double d[3] = {rcv[0] - src[0], rcv[1] - src[1], rcv[2] - src[2]};
    double t = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / c_mps;
    for (int it = 0; it < 50; it++) {
        double x = d[0] - g->wind_en[0] * t, y = d[1] - g->wind_en[1] * t;
        t = sqrt(x * x + y * y + d[2] * d[2]) / c_mps;
    }
    return t;
}

static int load_truth_sensors(const json_t *root, truth_geometry *g, es_error *err,
                              const char *path)
{
    const json_t *sensors = json_object_get(root, "sensors");
    const json_t *atm = json_object_get(root, "atmosphere");
    if (!json_is_array(sensors) || json_array_size(sensors) == 0 || !json_is_object(atm))
        return es_error_set(err, ES_EINVAL, "%s: no sensors or atmosphere", path);
    g->n_sensors = json_array_size(sensors) < MAX_SENSORS ? json_array_size(sensors) : MAX_SENSORS;
    for (size_t i = 0; i < g->n_sensors; i++) {
        const json_t *s = json_array_get(sensors, i);
        g->sensor_m[i][0] = num(s, "e_m");
        g->sensor_m[i][1] = num(s, "n_m");
        g->sensor_m[i][2] = num(s, "u_m");
    }
    g->c_mps = num(atm, "speed_of_sound_mps");
    double ws = num(atm, "wind_speed_mps"), wf = num(atm, "wind_from_deg") * (3.14159265358979323846 / 180.0);
    if (!isfinite(ws))
        ws = 0.0;
    if (!isfinite(wf))
        wf = 0.0;
    g->wind_en[0] = -ws * sin(wf);
    g->wind_en[1] = -ws * cos(wf);
    if (!(g->c_mps > 200.0 && g->c_mps < 500.0))
        return es_error_set(err, ES_EINVAL, "%s: atmosphere.speed_of_sound_mps missing", path);
    return ES_OK;
}

static double mean_arrival(const json_t *arrivals)
{
    double sum = 0.0;
    size_t n = 0;
    for (size_t k = 0; k < json_array_size(arrivals); k++) {
        double t = num(json_array_get(arrivals, k), "t_s");
        if (isfinite(t)) {
            sum += t;
            n++;
        }
    }
    return n ? sum / (double)n : NAN;
}

/* An artillery shell's supersonic crack reaches the array before the
 * muzzle blast, as a wavefront of its own: a source "crack" of kind
 * unknown (at the gun, for the table), scored like any other, so a crack
 * alerted is a non-launch alerted and never the gun's second alert. */
static void add_crack(es_score_report *r, truth_geometry *g, const json_t *s, size_t gun)
{
    double t = mean_arrival(json_object_get(s, "crack_arrivals"));
    if (!isfinite(t) || r->n_sources >= ES_SCORE_MAX_SOURCES)
        return;
    size_t i = r->n_sources++;
    es_score_source *d = &r->sources[i];
    *d = r->sources[gun];
    snprintf(d->type, sizeof d->type, "crack");
    snprintf(d->kind, sizeof d->kind, "unknown");
    memcpy(g->pos_m[i], g->pos_m[gun], sizeof g->pos_m[i]);
    g->mean_arrival_s[i] = t;
}

static int load_truth(const char *path, es_score_report *r, truth_geometry *g, es_error *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (root == NULL)
        return es_error_set(err, ES_EINVAL, "%s: line %d: %s", path, je.line, je.text);
    int rc = load_truth_sensors(root, g, err, path);
    const json_t *sources = json_object_get(root, "sources");
    if (rc == ES_OK && !json_is_array(sources))
        rc = es_error_set(err, ES_EINVAL, "%s: no sources array", path);
    for (size_t i = 0; rc == ES_OK && i < json_array_size(sources) && i < ES_SCORE_MAX_SOURCES;
         i++) {
        const json_t *s = json_array_get(sources, i);
        es_score_source *d = &r->sources[r->n_sources++];
        memset(d, 0, sizeof *d);
        str(s, "type", d->type, sizeof d->type);
        str(s, "kind", d->kind, sizeof d->kind);
        d->range_m = num(s, "range_m");
        d->bearing_deg = num(s, "bearing_deg");
        d->t_origin_s = num(s, "t_origin_s");
        g->pos_m[i][0] = num(s, "e_m");
        g->pos_m[i][1] = num(s, "n_m");
        g->pos_m[i][2] = num(s, "u_m");
        g->mean_arrival_s[i] = mean_arrival(json_object_get(s, "arrivals"));
    }
    size_t n_truth = r->n_sources;
    for (size_t i = 0; rc == ES_OK && i < n_truth; i++)
        add_crack(r, g, json_array_get(sources, i), i);
    json_decref(root);
    return rc;
}

static void parse_message(const json_t *o, message *m)
{
    memset(m, 0, sizeof *m);
    str(o, "topic", m->topic, sizeof m->topic);
    str(o, "id", m->id, sizeof m->id);
    str(o, "kind", m->kind, sizeof m->kind);
    str(o, "class", m->cls, sizeof m->cls);
    m->revision = (int)num(o, "revision");
    m->t_origin_s = num(o, "t_origin");
    const json_t *pos = json_object_get(o, "position");
    m->e_m = num(pos, "e_m");
    m->n_m = num(pos, "n_m");
    m->u_m = num(pos, "u_m");
    if (!isfinite(m->u_m))
        m->u_m = 0.0;
    m->range_m = num(o, "range_m");
    m->bearing_deg = num(o, "bearing_deg");
    m->cep50_m = num(json_object_get(o, "uncertainty"), "cep50_m");
    m->latency_ms = num(o, "latency_ms");
    m->confidence = num(o, "confidence");
    m->c_mps = num(o, "speed_of_sound_mps");
}

/* Keeps the highest revision of each (topic, id). */
static void keep_latest(message *msgs, size_t *n, const message *m)
{
    for (size_t k = 0; k < *n; k++) {
        if (strcmp(msgs[k].topic, m->topic) == 0 && strcmp(msgs[k].id, m->id) == 0) {
            if (m->revision >= msgs[k].revision)
                msgs[k] = *m;
            return;
        }
    }
    if (*n < MAX_MESSAGES)
        msgs[(*n)++] = *m;
}

static int load_messages(const char *path, message *msgs, size_t *n, es_score_report *r,
                         es_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return es_error_set(err, ES_EIO, "%s: cannot open", path);
    char line[65536];
    size_t lineno = 0;
    int rc = ES_OK;
    while (rc == ES_OK && fgets(line, sizeof line, f) != NULL) {
        lineno++;
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        if (!json_is_object(o)) {
            rc = es_error_set(err, ES_EINVAL, "%s:%zu: not a JSON object: %s", path, lineno,
                              je.text);
        } else {
            message m;
            parse_message(o, &m);
            if (strcmp(m.topic, "heartbeat") == 0)
                r->heartbeats_total++;
            else if (strcmp(m.topic, "alert") == 0 || strcmp(m.topic, "event") == 0)
                keep_latest(msgs, n, &m);
        }
        json_decref(o);
    }
    fclose(f);
    return rc;
}

/* The arrivals a message explains, with the speed of sound its fix used
 * (a wavefront that swept the array faster than sound, as a shell's
 * supersonic crack does, is explained with that speed), else the truth's. */
static double predicted_mean_arrival(const message *m, const truth_geometry *g)
{
    double c = m->c_mps > 200.0 && m->c_mps < 2000.0 ? m->c_mps : g->c_mps;
    double src[3] = {m->e_m, m->n_m, m->u_m}, sum = 0.0;
    for (size_t i = 0; i < g->n_sensors; i++)
        sum += m->t_origin_s + travel_s(src, g->sensor_m[i], g, c);
    return sum / (double)g->n_sensors;
}

static int match_source(const message *m, const es_score_report *r, const truth_geometry *g,
                        double window_s)
{
    double t = predicted_mean_arrival(m, g), best = window_s;
    int best_i = -1;
    for (size_t i = 0; i < r->n_sources; i++) {
        double dt = fabs(t - g->mean_arrival_s[i]);
        if (dt <= best) {
            best = dt;
            best_i = (int)i;
        }
    }
    return best_i;
}

static double wrap_deg(double d)
{
    d = fmod(d + 540.0, 360.0) - 180.0;
    return d;
}

static void record_match(es_score_source *s, const message *m, const double *true_pos)
{
    snprintf(s->id, sizeof s->id, "%s", m->id);
    snprintf(s->est_kind, sizeof s->est_kind, "%s", m->kind);
    snprintf(s->est_class, sizeof s->est_class, "%s", m->cls);
    s->est_range_m = m->range_m;
    s->est_bearing_deg = m->bearing_deg;
    s->cep50_m = m->cep50_m;
    s->latency_ms = m->latency_ms;
    s->confidence = m->confidence;
    s->bearing_err_deg = wrap_deg(m->bearing_deg - s->bearing_deg);
    s->range_err_frac = (m->range_m - s->range_m) / s->range_m;
    s->position_err_m = hypot(m->e_m - true_pos[0], m->n_m - true_pos[1]);
}

static void tally(es_score_report *r, const message *msgs, size_t n, const truth_geometry *g,
                  const es_score_limits *lim)
{
    for (size_t k = 0; k < n; k++) {
        const message *m = &msgs[k];
        int is_alert = strcmp(m->topic, "alert") == 0;
        r->alerts_total += (size_t)is_alert;
        r->events_total += (size_t)!is_alert;
        int i = match_source(m, r, g, lim->match_window_s);
        if (i < 0) {
            r->false_alerts += (size_t)is_alert;
            continue;
        }
        es_score_source *s = &r->sources[i];
        int first = is_alert ? s->n_alerts == 0 : (s->n_alerts == 0 && s->n_events == 0);
        if (first)
            record_match(s, m, g->pos_m[i]);
        if (is_alert) {
            s->n_alerts++;
            r->nonlaunch_alerted += (size_t)(strcmp(s->kind, "launch") != 0);
        } else {
            s->n_events++;
        }
    }
}

static void judge(es_score_report *r, const es_score_limits *lim)
{
    for (size_t i = 0; i < r->n_sources; i++) {
        const es_score_source *s = &r->sources[i];
        if (strcmp(s->kind, "launch") != 0)
            continue;
        r->launches++;
        if (s->n_alerts == 0) {
            r->missed++;
            continue;
        }
        r->alerted_once += (size_t)(s->n_alerts == 1);
        r->duplicated += (size_t)(s->n_alerts > 1);
        r->bearing_err_max_deg = fmax(r->bearing_err_max_deg, fabs(s->bearing_err_deg));
        r->range_err_max_frac = fmax(r->range_err_max_frac, fabs(s->range_err_frac));
        r->latency_max_ms = fmax(r->latency_max_ms, s->latency_ms);
        r->bearing_violations += (size_t)(fabs(s->bearing_err_deg) > lim->max_bearing_err_deg);
        r->range_violations += (size_t)(fabs(s->range_err_frac) > lim->max_range_err_frac);
    }
    r->pass = r->missed == 0 && r->duplicated == 0 && r->false_alerts == 0 &&
              r->nonlaunch_alerted == 0 && r->bearing_violations == 0 && r->range_violations == 0;
}

int es_score_files(const char *truth_path, const char *events_path,
                   const es_score_limits *limits, es_score_report *out, es_error *err)
{
    es_score_limits lim;
    es_score_limits_default(&lim);
    if (limits != NULL)
        lim = *limits;
    memset(out, 0, sizeof *out);
    truth_geometry *g = calloc(1, sizeof *g);
    message *msgs = calloc(MAX_MESSAGES, sizeof *msgs);
    size_t n = 0;
    int rc = g && msgs ? ES_OK : es_error_set(err, ES_ENOMEM, "out of memory");
    if (rc == ES_OK)
        rc = load_truth(truth_path, out, g, err);
    if (rc == ES_OK)
        rc = load_messages(events_path, msgs, &n, out, err);
    if (rc == ES_OK) {
        tally(out, msgs, n, g, &lim);
        judge(out, &lim);
    }
    free(g);
    free(msgs);
    return rc;
}
