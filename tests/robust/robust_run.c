/* Robustness tests: simulate a scene, run the inline pipeline over it,
 * read the truth and match events to truth sources (see robust.h). */
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "earshot/pipeline.h"
#include "earshot/replay.h"
#include "robust.h"
#include "sim/sim.h"

#define BLOCK_FRAMES 512
/* An event belongs to the source whose arrivals its fix predicts best, if
 * the RMS over the used sensors is below this. The prediction is the
 * engine's own (its solved speed of sound, the configured positions), so
 * a fix of the right wavefront matches however wrong its range, and a
 * wrong wavefront is off by the time between two launches' arrivals. */
#define MATCH_RMS_S 0.1

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void copy_str(char *dst, size_t cap, const json_t *v)
{
    snprintf(dst, cap, "%s", json_is_string(v) ? json_string_value(v) : "");
}

static int read_truth_sensors(const json_t *truth, rb_run *r)
{
    const json_t *sensors = json_object_get(truth, "sensors"), *s;
    size_t k;
    r->n_sensors = json_array_size(sensors);
    if (r->n_sensors == 0 || r->n_sensors > ES_MAX_SENSORS)
        return -1;
    json_array_foreach(sensors, k, s) {
        copy_str(r->ids[k], sizeof r->ids[k], json_object_get(s, "id"));
        r->true_m[k][0] = num(s, "e_m");
        r->true_m[k][1] = num(s, "n_m");
        r->true_m[k][2] = num(s, "u_m");
        r->config_m[k][0] = num(s, "config_e_m");
        r->config_m[k][1] = num(s, "config_n_m");
        r->config_m[k][2] = num(s, "config_u_m");
    }
    return 0;
}

static int read_truth(const char *path, rb_run *r)
{
    json_error_t je;
    json_t *truth = json_load_file(path, 0, &je);
    if (truth == NULL) {
        fprintf(stderr, "%s: %s\n", path, je.text);
        return -1;
    }
    const json_t *atm = json_object_get(truth, "atmosphere");
    r->c_mps = num(atm, "speed_of_sound_mps");
    r->wind_en_mps[0] = json_number_value(json_array_get(json_object_get(atm, "wind_en_mps"), 0));
    r->wind_en_mps[1] = json_number_value(json_array_get(json_object_get(atm, "wind_en_mps"), 1));
    int st = read_truth_sensors(truth, r);
    const json_t *sources = json_object_get(truth, "sources"), *s;
    size_t i;
    r->n_sources = json_array_size(sources);
    if (r->n_sources > RB_MAX_SOURCES)
        st = -1;
    json_array_foreach(sources, i, s) {
        if (st != 0)
            break;
        rb_source *o = &r->src[i];
        copy_str(o->type, sizeof o->type, json_object_get(s, "type"));
        copy_str(o->kind, sizeof o->kind, json_object_get(s, "kind"));
        o->e_m = num(s, "e_m");
        o->n_m = num(s, "n_m");
        o->u_m = num(s, "u_m");
        o->range_m = num(s, "range_m");
        o->bearing_deg = num(s, "bearing_deg");
        o->t_origin_s = num(s, "t_origin_s");
        o->first_event = -1;
        for (size_t k = 0; k < r->n_sensors; k++)
            o->arrival_s[k] = num(json_array_get(json_object_get(s, "arrivals"), k), "t_s");
    }
    json_decref(truth);
    return st;
}

/* One event per id: its latest revision, alerted if any of its messages
 * was an alert (a subscriber keeps the same). */
static void keep_outputs(es_pipeline p, int n, rb_run *r)
{
    for (int i = 0; i < n; i++) {
        const es_pipeline_output *o = es_pipeline_output_at(p, (size_t)i);
        rb_event *e = NULL;
        for (size_t k = 0; k < r->n_events && e == NULL; k++)
            if (r->ev[k].ev.id == o->event.id)
                e = &r->ev[k];
        if (e == NULL && r->n_events < RB_MAX_EVENTS) {
            e = &r->ev[r->n_events++];
            e->is_alert = 0;
        }
        if (e == NULL)
            break;
        e->ev = o->event;
        e->is_alert |= o->is_alert;
        e->source = -1;
    }
    if (n > 0 && r->n_events >= RB_MAX_EVENTS)
        fprintf(stderr, "more than %d events: the rest are not kept\n", RB_MAX_EVENTS);
}

static int run_pipeline(const char *site_path, const char *wav, rb_run *r)
{
    static es_site_config site;
    es_error err = {{0}};
    if (es_site_config_load(site_path, &site, NULL, NULL, &err) != ES_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(wav, SFM_READ, &info);
    if (sf == NULL) {
        fprintf(stderr, "%s: %s\n", wav, sf_strerror(NULL));
        return -1;
    }
    es_pipeline_config pc = {.site = &site, .channels = info.channels,
                             .max_block_frames = BLOCK_FRAMES};
    es_pipeline p = es_pipeline_create(&pc, &err);
    float *x = malloc(sizeof(float) * BLOCK_FRAMES * (size_t)info.channels);
    int st = p != NULL && x != NULL ? 0 : -1;
    if (p == NULL)
        fprintf(stderr, "pipeline: %s\n", err.msg);
    sf_count_t got;
    while (st == 0 && (got = sf_readf_float(sf, x, BLOCK_FRAMES)) > 0) {
        int n = es_pipeline_execute(p, x, (size_t)got);
        st = n < 0 ? -1 : 0;
        keep_outputs(p, n, r);
    }
    int n;
    while (st == 0 && (n = es_pipeline_finish(p)) > 0)
        keep_outputs(p, n, r);
    if (st == 0)
        es_pipeline_health(p, &r->hb);
    es_pipeline_destroy(&p);
    free(x);
    sf_close(sf);
    return st;
}

double rb_travel_s(const rb_run *r, const double src[3], const double rcv[3])
{
    return rb_travel_c_s(r, src, rcv, r->c_mps);
}

double rb_travel_c_s(const rb_run *r, const double src[3], const double rcv[3], double c)
{
    const double *w = r->wind_en_mps;
    double d[3] = {rcv[0] - src[0], rcv[1] - src[1], rcv[2] - src[2]};
    double dw = d[0] * w[0] + d[1] * w[1], w2 = w[0] * w[0] + w[1] * w[1];
    double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2], a = c * c - w2;
    return (-dw + sqrt(dw * dw + a * d2)) / a;
}

/* RMS over the used sensors of (predicted - true arrival of source s). */
static double arrival_rms_s(const rb_run *r, const es_event *ev, size_t s)
{
    double pos[3] = {ev->e_m, ev->n_m, ev->u_m}, sum = 0.0;
    for (size_t i = 0; i < ev->n_used; i++) {
        size_t k = ev->used[i];
        double t = rb_travel_c_s(r, pos, r->config_m[k], ev->c_mps);
        double d = ev->t_origin_s + t - r->src[s].arrival_s[k];
        sum += d * d;
    }
    return ev->n_used > 0 ? sqrt(sum / (double)ev->n_used) : INFINITY;
}

static void match(rb_run *r)
{
    for (size_t i = 0; i < r->n_events; i++) {
        rb_event *e = &r->ev[i];
        double best = INFINITY;
        for (size_t s = 0; s < r->n_sources; s++) {
            double rms = arrival_rms_s(r, &e->ev, s);
            if (rms < best) {
                best = rms;
                e->source = (int)s;
            }
        }
        e->match_rms_s = best;
        if (!(best < MATCH_RMS_S))
            e->source = -1;
        if (e->source < 0)
            continue;
        rb_source *src = &r->src[e->source];
        src->n_events++;
        src->n_alerts += e->is_alert;
        if (src->first_event < 0)
            src->first_event = (int)i;
    }
}

/* The scenario with its seed beside the outputs, so a failing run can be
 * simulated and replayed again by hand (earshot-sim, earshot replay). */
static void save_scenario(const json_t *scene, unsigned long long seed, const char *dir,
                          const char *prefix)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.scenario.json", dir, prefix);
    json_t *copy = json_deep_copy(scene);
    if (copy == NULL)
        return;
    json_object_set_new(copy, "seed", json_integer((json_int_t)seed));
    if (json_dump_file(copy, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        fprintf(stderr, "%s: cannot write\n", path);
    json_decref(copy);
}

int rb_simulate_run(const json_t *scene, unsigned long long seed, const char *dir,
                    const char *prefix, int keep_audio, rb_run *out)
{
    memset(out, 0, sizeof *out);
    char *text = json_dumps(scene, JSON_COMPACT);
    if (text == NULL)
        return -1;
    es_sim_options opt = {.has_seed = 1, .seed = seed};
    es_sim_outputs files;
    es_error err = {{0}};
    int st = es_sim_run_json(text, strlen(text), prefix, dir, prefix, &opt, &files, &err);
    free(text);
    save_scenario(scene, seed, dir, prefix);
    if (st != ES_OK) {
        fprintf(stderr, "simulating %s (seed %llu): %s\n", prefix, seed, err.msg);
        return -1;
    }
    snprintf(out->site_path, sizeof out->site_path, "%s", files.site_path);
    snprintf(out->audio_path, sizeof out->audio_path, "%s", files.audio_path);
    st = run_pipeline(files.site_path, files.audio_path, out);
    if (st == 0)
        st = read_truth(files.truth_path, out);
    if (st == 0)
        match(out);
    if (!keep_audio)
        (void)unlink(files.audio_path); /* generated audio is large */
    if (st != 0)
        fprintf(stderr, "%s (seed %llu): the run failed\n", prefix, seed);
    return st;
}

/* The last line of the events file whose topic is heartbeat. */
static json_t *last_heartbeat(const char *events_path)
{
    FILE *f = fopen(events_path, "r");
    if (f == NULL)
        return NULL;
    static char line[1 << 17];
    json_t *last = NULL;
    while (fgets(line, sizeof line, f) != NULL) {
        json_t *o = json_loads(line, 0, NULL);
        const char *topic = json_string_value(json_object_get(o, "topic"));
        if (topic != NULL && strcmp(topic, "heartbeat") == 0) {
            json_decref(last);
            last = o;
        } else {
            json_decref(o);
        }
    }
    fclose(f);
    return last;
}

json_t *rb_replay_last_heartbeat(const rb_run *r, const char *dir, const char *prefix)
{
    char events[4200], endpoint[4200];
    snprintf(events, sizeof events, "%s/%s.events.jsonl", dir, prefix);
    snprintf(endpoint, sizeof endpoint, "ipc://%s/%s.sock", dir, prefix);
    es_replay_options o = {.config_path = r->site_path, .input_path = r->audio_path,
                           .events_path = events, .endpoint = endpoint,
                           .block_frames = BLOCK_FRAMES};
    FILE *log = fopen("/dev/null", "w");
    o.log = log;
    es_replay_result res;
    es_error err = {{0}};
    int st = es_replay_run(&o, &res, &err);
    if (log != NULL)
        fclose(log);
    if (st != 0) {
        fprintf(stderr, "replay of %s: %s\n", r->audio_path, err.msg);
        return NULL;
    }
    return last_heartbeat(events);
}
