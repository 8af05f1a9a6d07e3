/* Classification benchmark (issue 6): simulates confuser scenes (at least 2
 * hours by default: gunshots near and far, slams at a sensor, thunder,
 * impacts in the camp) and launch scenes (mortar, rocket, artillery at
 * 0.5-8 km, a third with a slam as the wavefront arrives), replays them
 * through the engine, scores every source against the simulator's truth
 * (earshot-score's matching) and prints the confusion matrices for kind and
 * class, launch precision and recall, false alerts per 24 h of confuser
 * audio, the confidence reliability table and the targets. The
 * real recordings of ../shared/data are replayed too: they must raise no
 * alert. Nothing is timed.
 * usage: bench_classify [--confusers N] [--launches N] [--seed S] [--jobs N]
 *                       [--keep DIR] [--real DIR --real-site FILE] [--quiet] */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accuracy.h"
#include "classify.h"
#include "earshot/replay.h"
#include "score/score.h"

#define MAX_SCENES (1000 + ACC_MAX_SCENES)
#define MAX_ALERTS 4096

typedef struct {
    int confusers, launches, acc_launches, jobs, quiet;
    unsigned long long seed, acc_seed;
    const char *keep, *real_dir, *real_site, *csv;
} options;

static FILE *csv_out;

static const char *const kind_names[N_KINDS] = {"launch", "impact", "unknown", "(none)"};
static const char *const class_names[N_CLASSES] = {"mortar", "rocket", "artillery", "unknown",
                                                   "(none)"};
static int index_of(const char *name, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* Estimated kind or class: the matched alert's, else the event's. */
static int est_index(const es_score_source *s, int want_class)
{
    if (s->n_alerts == 0 && s->n_events == 0)
        return want_class ? C_NONE : K_NONE;
    int i = want_class ? index_of(s->est_class, class_names, C_UNKNOWN)
                       : index_of(s->est_kind, kind_names, K_NONE);
    return i >= 0 ? i : (want_class ? C_UNKNOWN : K_UNKNOWN);
}

/* The latest confidence of each alert id in an events file. */
typedef struct {
    char id[32];
    double confidence;
    int first_revision;       /* of the id's first alert message */
} alert_conf;

static size_t load_alerts(const char *path, alert_conf *out, size_t max)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char line[65536];
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        json_t *o = json_loads(line, 0, NULL);
        const char *topic = json_string_value(json_object_get(o, "topic"));
        const char *id = json_string_value(json_object_get(o, "id"));
        if (topic != NULL && id != NULL && strcmp(topic, "alert") == 0) {
            size_t k = 0;
            while (k < n && strcmp(out[k].id, id) != 0)
                k++;
            if (k == n && n < max) {
                snprintf(out[n].id, sizeof out[0].id, "%s", id);
                out[n++].first_revision = (int)json_integer_value(json_object_get(o, "revision"));
            }
            if (k < n)
                out[k].confidence = json_real_value(json_object_get(o, "confidence"));
        }
        json_decref(o);
    }
    fclose(f);
    return n;
}

static int is_real_alert(const es_score_report *r, const char *id)
{
    for (size_t i = 0; i < r->n_sources; i++)
        if (strcmp(r->sources[i].kind, "launch") == 0 && r->sources[i].n_alerts > 0 &&
            strcmp(r->sources[i].id, id) == 0)
            return 1;
    return 0;
}

static void tally_calibration(cls_tally *t, const es_score_report *r, const char *events)
{
    static alert_conf alerts[MAX_ALERTS];
    size_t n = load_alerts(events, alerts, MAX_ALERTS);
    for (size_t k = 0; k < n; k++) {
        int real = is_real_alert(r, alerts[k].id);
        t->alerts++;
        t->alerts_real += (size_t)real;
        t->alerts_real_first += (size_t)(real && alerts[k].first_revision == 0);
        int b = cls_bin(alerts[k].confidence);
        t->bin_n[b]++;
        t->bin_real[b] += (size_t)real;
    }
}

/* Every event the model judged (beyond the launch range), by the
 * probability of a launch its last message implies (confidence is that
 * of the kind reported): a reliability table over all events, not only
 * the alerts. */
static int is_real_launch_id(const es_score_report *r, const char *id)
{
    for (size_t i = 0; i < r->n_sources; i++)
        if (strcmp(r->sources[i].kind, "launch") == 0 && strcmp(r->sources[i].id, id) == 0)
            return 1;
    return 0;
}

static void tally_model(cls_tally *t, const cls_scene *s, const es_score_report *r,
                        const char *events)
{
    FILE *f = fopen(events, "r");
    static char ids[MAX_ALERTS][32];
    static double p_launch[MAX_ALERTS];
    size_t n = 0;
    char line[65536];
    double launch_range = fmax(1.25 * s->radius_m, 300.0);
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        json_t *o = json_loads(line, 0, NULL);
        const char *topic = json_string_value(json_object_get(o, "topic"));
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *kind = json_string_value(json_object_get(o, "kind"));
        double range = json_number_value(json_object_get(o, "range_m"));
        double conf = json_number_value(json_object_get(o, "confidence"));
        if (topic != NULL && id != NULL && kind != NULL && strcmp(topic, "event") == 0 &&
            range >= launch_range && strcmp(kind, "impact") != 0) {
            size_t k = 0;
            while (k < n && strcmp(ids[k], id) != 0)
                k++;
            if (k == n && n < MAX_ALERTS)
                snprintf(ids[n++], sizeof ids[0], "%s", id);
            if (k < n)
                p_launch[k] = strcmp(kind, "launch") == 0 ? conf : 1.0 - conf;
        }
        json_decref(o);
    }
    if (f != NULL)
        fclose(f);
    for (size_t k = 0; k < n; k++) {
        int b = cls_p_bin(p_launch[k]);
        t->p_n[b]++;
        t->p_real[b] += (size_t)is_real_launch_id(r, ids[k]);
    }
}

static void tally_sources(cls_tally *t, const cls_scene *s, const es_score_report *r)
{
    for (size_t i = 0; i < r->n_sources && i < (size_t)s->n_events; i++) {
        const es_score_source *src = &r->sources[i];
        const cls_event *ev = &s->events[i];
        int k = index_of(src->kind, kind_names, K_NONE);
        if (k < 0)
            k = K_UNKNOWN;
        t->kind[k][est_index(src, 0)]++;
        if (ev->confuser >= 0) {
            t->confuser_n[ev->confuser]++;
            t->confuser_alerted[ev->confuser] += (size_t)(src->n_alerts > 0);
            t->confuser_false_alerts += (size_t)src->n_alerts;
        } else {
            t->launches++;
            t->launches_alerted += (size_t)(src->n_alerts > 0);
            t->cls[ev->type - CLS_MORTAR][est_index(src, 1)]++;
        }
    }
    /* The score appends the artillery shells' cracks: never to be alerted. */
    for (size_t i = (size_t)s->n_events; i < r->n_sources; i++) {
        t->cracks++;
        t->cracks_alerted += (size_t)(r->sources[i].n_alerts > 0);
    }
    if (s->confusers)
        t->confuser_false_alerts += r->false_alerts;
}

static void score_scene(cls_tally *t, const cls_scene *s, const char *root)
{
    char dir[4096], truth[4200], events[4200];
    acc_scene_dir(root, s->index, dir, sizeof dir);
    snprintf(truth, sizeof truth, "%s/scene.truth.json", dir);
    snprintf(events, sizeof events, "%s/scene.events.jsonl", dir);
    es_score_limits lim;
    es_score_limits_default(&lim);
    static es_score_report r;
    es_error err = {{0}};
    if (es_score_files(truth, events, &lim, &r, &err) != ES_OK) {
        fprintf(stderr, "bench_classify: scene %d: %s\n", s->index, err.msg);
        t->scenes_failed++;
        return;
    }
    t->scenes_ok++;
    if (s->confusers)
        t->confuser_audio_s += s->duration_s;
    tally_sources(t, s, &r);
    tally_calibration(t, &r, events);
    tally_model(t, s, &r, events);
    if (csv_out != NULL)
        cls_csv_scene(csv_out, s, &r, events);
}

/* Each real recording replayed with its site file: alerts it raised. */
static void replay_real(cls_tally *t, const options *o, const char *root)
{
    DIR *d = o->real_dir != NULL ? opendir(o->real_dir) : NULL;
    if (d == NULL) {
        printf("real recordings: %s not found, skipped\n", o->real_dir ? o->real_dir : "-");
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".wav") != 0)
            continue;
        char input[4096], events[4200];
        snprintf(input, sizeof input, "%s/%s", o->real_dir, e->d_name);
        snprintf(events, sizeof events, "%s/real-%s.events.jsonl", root, e->d_name);
        FILE *devnull = fopen("/dev/null", "w");
        es_replay_options ro = {.config_path = o->real_site, .input_path = input,
                                .events_path = events, .endpoint = "inproc://classify-real",
                                .log = devnull};
        es_replay_result res;
        es_error err = {{0}};
        int st = es_replay_run(&ro, &res, &err);
        if (devnull != NULL)
            fclose(devnull);
        if (st != 0) {
            printf("real recording %s: replay failed: %s\n", e->d_name, err.msg);
            continue;
        }
        t->real_files++;
        t->real_alerts += (size_t)res.stats.alerts;
        printf("real recording %s: %.2f s, %llu onsets, %llu events, %llu alerts\n", e->d_name,
               res.audio_s, (unsigned long long)res.stats.onsets,
               (unsigned long long)res.stats.events, (unsigned long long)res.stats.alerts);
    }
    closedir(d);
}

static void remove_real_outputs(const char *root)
{
    DIR *d = opendir(root);
    if (d == NULL)
        return;
    struct dirent *e;
    char path[4400];
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "real-", 5) == 0) {
            snprintf(path, sizeof path, "%s/%s", root, e->d_name);
            (void)unlink(path);
        }
    closedir(d);
}

/* ---- running ---- */

typedef struct {
    cls_scene *scenes;
    const acc_scene *accs;
    const char *root;
    cls_tally *t;
} run_ctx;

static char *scene_json(int index, void *ctx)
{
    const run_ctx *c = ctx;
    const cls_scene *s = &c->scenes[index];
    return s->acc >= 0 ? acc_scene_json(&c->accs[s->acc]) : cls_scene_json(s);
}

static void scene_describe(int index, void *ctx, char *out, size_t cap)
{
    const cls_scene *s = &((run_ctx *)ctx)->scenes[index];
    snprintf(out, cap, "%s, %d sources", s->confusers ? "confusers"
                                         : s->acc >= 0 ? "accuracy launches" : "launches",
             s->n_events);
}

/* Scene k of the accuracy benchmark as a launch scene of this one. */
static void from_accuracy(cls_scene *s, int index, const acc_scene *a, int k)
{
    *s = (cls_scene){.index = index, .confusers = 0, .acc = k, .n_sensors = a->n_sensors,
                     .duration_s = a->duration_s, .n_events = a->n_launches};
    for (size_t i = 0; i < a->n_sensors; i++)
        s->radius_m = fmax(s->radius_m, hypot(a->sensor_m[i][0], a->sensor_m[i][1]));
    for (int i = 0; i < a->n_launches; i++)
        s->events[i] = (cls_event){.type = CLS_MORTAR + a->type[i], .confuser = -1, .near = -1,
                                   .t_s = a->t_s[i], .level_db = NAN};
}

static void on_done(int index, int ok, void *ctx)
{
    run_ctx *c = ctx;
    if (ok)
        score_scene(c->t, &c->scenes[index], c->root);
    else
        c->t->scenes_failed++;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    *o = (options){.confusers = 120, .launches = 48, .acc_launches = 96, .jobs = 2, .seed = 6,
                   .acc_seed = 5,
                   .real_dir = ES_BENCH_REAL_DIR, .real_site = ES_BENCH_REAL_SITE};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
            continue;
        }
        if (v == NULL)
            bad = 1;
        else if (strcmp(a, "--confusers") == 0)
            bad = parse_int(v, 0, MAX_SCENES / 2, &o->confusers);
        else if (strcmp(a, "--launches") == 0)
            bad = parse_int(v, 0, MAX_SCENES / 2, &o->launches);
        else if (strcmp(a, "--jobs") == 0)
            bad = parse_int(v, 1, 8, &o->jobs);
        else if (strcmp(a, "--acc-launches") == 0)
            bad = parse_int(v, 0, ACC_MAX_SCENES, &o->acc_launches);
        else if (strcmp(a, "--seed") == 0)
            o->seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--acc-seed") == 0)
            o->acc_seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--keep") == 0)
            o->keep = v;
        else if (strcmp(a, "--csv") == 0)
            o->csv = v;
        else if (strcmp(a, "--real") == 0)
            o->real_dir = v;
        else if (strcmp(a, "--real-site") == 0)
            o->real_site = v;
        else
            bad = 1;
        if (bad) {
            fprintf(stderr, "usage: %s [--confusers N (0-500, default 120 x 60 s)] [--launches N "
                            "(0-500, default 48 x 20 s)] [--acc-launches N (the accuracy benchmark's scenes, "
                            "default 96)] [--seed S] [--acc-seed S (default 5)] [--jobs N (1-8)] [--keep DIR]"
                            " [--csv FILE] [--real DIR --real-site FILE] [--quiet]\n", argv[0]);
            return -1;
        }
        i++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    static cls_scene scenes[MAX_SCENES];
    static int todo[MAX_SCENES];
    static acc_scene accs[ACC_MAX_SCENES];
    int own = o.confusers + o.launches, n = own + o.acc_launches;
    acc_design_scenes(o.acc_seed, o.acc_launches, accs);
    for (int k = 0; k < n; k++) {
        if (k < own)
            cls_design(&scenes[k], k, k < o.confusers, o.seed);
        else
            from_accuracy(&scenes[k], k, &accs[k - own], k - own);
        todo[k] = k;
    }
    char tmp[] = "/tmp/earshot-classify-XXXXXX";
    const char *root = o.keep != NULL ? o.keep : mkdtemp(tmp);
    if (o.keep != NULL && mkdir(o.keep, 0700) != 0 && errno != EEXIST)
        root = NULL;
    if (root == NULL) {
        perror("bench_classify: mkdtemp");
        return 1;
    }
    if (o.csv != NULL && (csv_out = fopen(o.csv, "w")) == NULL) {
        perror(o.csv);
        return 2;
    }
    if (csv_out != NULL)
        cls_csv_header(csv_out);
    static cls_tally t;
    run_ctx ctx = {scenes, accs, root, &t};
    /* Every event revised: the CSV's rows must not depend on the model. */
    acc_scene_source src = {"bench_classify", scene_json, scene_describe, &ctx, 1};
    acc_run_hooks hooks = {on_done, &ctx, o.quiet, 0.0};
    int failures = acc_run_sources(&src, todo, n, root, o.jobs, &hooks);
    printf("Classification benchmark: %d confuser scenes (%.1f h of audio) and %d launch scenes "
           "on rings of %d, seed %llu; %d launch scenes of the accuracy benchmark (seed %llu)\n\n",
           o.confusers, o.confusers * CLS_CONFUSER_SCENE_S / 3600.0, o.launches, CLS_SENSORS,
           o.seed, o.acc_launches, o.acc_seed);
    replay_real(&t, &o, root);
    cls_report(&t, stdout);
    if (o.keep == NULL) {
        for (int k = 0; k < n; k++)
            acc_remove_scene_files(root, k);
        remove_real_outputs(root);
        (void)rmdir(root);
    }
    if (csv_out != NULL && fclose(csv_out) != 0)
        perror(o.csv);
    return failures < 0 ? 1 : 0;
}
