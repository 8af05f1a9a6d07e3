/* Latency and CPU benchmark of the real-time engine (issue 4).
 *
 * Latency: a 16-microphone scene with many launches (fixed seed) is
 * replayed with --realtime, i.e. paced exactly like a live capture, for
 * capture blocks of 64, 128, 256 and 512 frames. For every alert the engine
 * reports latency_ms (from the moment the wavefront reached the last sensor
 * the solution used to the send) and its parts: buffering (the sample
 * waiting for the end of its block), the analysis window (stream time the
 * analysis needed after that block: the onset pick and the snippet after
 * the onset) and processing (the rest: queueing, solving, publishing).
 * Printed: p50, p99 and max of each.
 *
 * CPU: the same engine paced at real time on 20 s scenes of 8, 16, 32 and
 * 64 microphones; CPU time of the process (all threads, getrusage) over
 * wall time, in % of one core.
 *
 * usage: bench_latency [--launches N] [--blocks 64,128,256,512]
 *                      [--channels 8,16,32,64] [--cpu-seconds S] */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "earshot/publisher.h"
#include "earshot/replay.h"
#include "sim/sim.h"

#define MAX_LIST 8
#define MAX_ALERTS 4096

typedef struct {
    int launches;
    int blocks[MAX_LIST];
    size_t n_blocks;
    int channels[MAX_LIST];
    size_t n_channels;
    double cpu_seconds;
} options;

typedef struct {
    size_t n;
    double total[MAX_ALERTS], buffer[MAX_ALERTS], window[MAX_ALERTS], proc[MAX_ALERTS];
    /* Per alerted id: send time of revision 0, of the revision that first
     * used more sensors (the whole wavefront), and of the last revision. */
    char id[MAX_ALERTS][32];
    double t_first[MAX_ALERTS], t_more[MAX_ALERTS], t_last[MAX_ALERTS];
    size_t used_first[MAX_ALERTS];
    size_t n_ids;
} latencies;

/* Index of id in l's per-id table, added if new (-1: full). */
static long id_slot(latencies *l, const char *id)
{
    for (size_t k = 0; k < l->n_ids; k++)
        if (strcmp(l->id[k], id) == 0)
            return (long)k;
    if (l->n_ids == MAX_ALERTS)
        return -1;
    snprintf(l->id[l->n_ids], sizeof l->id[0], "%s", id);
    l->t_first[l->n_ids] = l->t_more[l->n_ids] = l->t_last[l->n_ids] = NAN;
    return (long)l->n_ids++;
}

/* The revisions of an alert: when the whole wavefront and the tail were in. */
static void note_revision(latencies *l, json_t *o)
{
    const char *id = json_string_value(json_object_get(o, "id"));
    long k = id != NULL ? id_slot(l, id) : -1;
    if (k < 0)
        return;
    double t = json_number_value(json_object_get(o, "t"));
    size_t used = json_array_size(json_object_get(o, "sensors"));
    if (json_integer_value(json_object_get(o, "revision")) == 0) {
        l->t_first[k] = t;
        l->used_first[k] = used;
    } else if (used > l->used_first[k] && isnan(l->t_more[k])) {
        l->t_more[k] = t;
    }
    l->t_last[k] = t;
}

/* A scene with `launches` launches whose wavefronts reach the array
 * 2.5 s apart, at ranges 1-8 km and bearings all round. */
static char *latency_scene(int launches, int channels, double *duration_s)
{
    static const char *types[] = {"mortar", "rocket", "artillery"};
    size_t cap = 4096 + (size_t)launches * 160;
    char *s = malloc(cap);
    if (s == NULL)
        return NULL;
    *duration_s = 3.0 + 2.5 * launches;
    int len = snprintf(s, cap,
                       "{\"seed\": 404, \"duration_s\": %.1f, \"sample_rate\": 48000,"
                       " \"site\": {\"name\": \"latency\", \"origin\": {\"lat\": 33.3, \"lon\": 44.4}},"
                       " \"sensors\": {\"layout\": \"ring\", \"count\": %d, \"radius_m\": 300},"
                       " \"atmosphere\": {\"temperature_c\": 20, \"wind_speed_mps\": 3},"
                       " \"noise\": {\"ambient_db_spl\": 45, \"wind_noise\": true},"
                       " \"events\": [",
                       *duration_s, channels);
    for (int k = 0; k < launches && len > 0 && (size_t)len < cap; k++) {
        double range_m = 1000.0 + 7000.0 * fmod(0.618034 * k, 1.0);
        double arrive_s = 2.0 + 2.5 * k;
        len += snprintf(s + len, cap - (size_t)len,
                        "%s{\"type\": \"%s\", \"t_s\": %.3f, \"range_m\": %.0f, \"bearing_deg\": %.1f}",
                        k ? ", " : "", types[k % 3], arrive_s - range_m / 343.0, range_m,
                        fmod(137.5 * k, 360.0));
    }
    if (len > 0 && (size_t)len < cap)
        snprintf(s + len, cap - (size_t)len, "]}");
    return s;
}

static int simulate(const char *scene, const char *dir, const char *prefix, es_sim_outputs *f)
{
    es_error err = {{0}};
    if (es_sim_run_json(scene, strlen(scene), prefix, dir, prefix, NULL, f, &err) != ES_OK) {
        fprintf(stderr, "bench_latency: simulation failed: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int replay_paced(const es_sim_outputs *f, int block, const char *events, double *cpu_s,
                        double *wall_s)
{
    FILE *devnull = fopen("/dev/null", "w");
    es_replay_options o = {.config_path = f->site_path, .input_path = f->audio_path,
                           .events_path = events, .endpoint = "inproc://bench-latency",
                           .realtime = 1, .block_frames = (size_t)block, .log = devnull};
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    double t0 = es_clock_mono_s();
    es_replay_result res;
    es_error err = {{0}};
    int status = es_replay_run(&o, &res, &err);
    *wall_s = es_clock_mono_s() - t0;
    getrusage(RUSAGE_SELF, &r1);
    if (devnull)
        fclose(devnull);
    *cpu_s = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec -
                      r0.ru_stime.tv_sec) +
             1e-6 * (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec -
                             r0.ru_stime.tv_usec);
    if (status != 0)
        fprintf(stderr, "bench_latency: replay failed: %s\n", err.msg);
    return status;
}

static void read_latencies(const char *path, latencies *l)
{
    FILE *f = fopen(path, "r");
    char line[65536];
    l->n = l->n_ids = 0;
    while (f && fgets(line, sizeof line, f) && l->n < MAX_ALERTS) {
        json_t *o = json_loads(line, 0, NULL);
        const char *topic = json_string_value(json_object_get(o, "topic"));
        if (topic && strcmp(topic, "alert") == 0)
            note_revision(l, o);
        /* The contract's latency of the first alert of each id. */
        if (topic && strcmp(topic, "alert") == 0 &&
            json_integer_value(json_object_get(o, "revision")) == 0) {
            double t = json_number_value(json_object_get(o, "latency_ms"));
            double b = json_number_value(json_object_get(o, "latency_buffer_ms"));
            double w = json_number_value(json_object_get(o, "latency_window_ms"));
            l->total[l->n] = t;
            l->buffer[l->n] = b;
            l->window[l->n] = w;
            l->proc[l->n] = t - b - w;
            l->n++;
        }
        json_decref(o);
    }
    if (f)
        fclose(f);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile. */
static double percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    size_t k = (size_t)ceil(p / 100.0 * (double)n);
    return v[k > 0 ? k - 1 : 0];
}

static void latency_row(int block, latencies *l, int launches)
{
    double p50 = percentile(l->total, l->n, 50), p99 = percentile(l->total, l->n, 99);
    double mx = percentile(l->total, l->n, 100);
    double b50 = percentile(l->buffer, l->n, 50), b99 = percentile(l->buffer, l->n, 99);
    double w50 = percentile(l->window, l->n, 50), w99 = percentile(l->window, l->n, 99);
    double q50 = percentile(l->proc, l->n, 50), q99 = percentile(l->proc, l->n, 99);
    printf("| %6d | %3zu/%-3d | %6.1f | %6.1f | %6.1f | %5.1f / %5.1f | %5.1f / %5.1f | %5.2f / %5.2f |\n",
           block, l->n, launches, p50, p99, mx, b50, b99, w50, w99, q50, q99);
    fflush(stdout);
}

/* How much sooner the first alert went out than the whole wavefront
 * (the early group's head start), and how long after it the last
 * revision (the tail heard) followed: seconds of wall time. */
static void revision_row(int block, const latencies *l)
{
    static double head[MAX_ALERTS], last[MAX_ALERTS];
    size_t n_head = 0, n_last = 0;
    for (size_t k = 0; k < l->n_ids; k++) {
        if (isfinite(l->t_more[k]) && isfinite(l->t_first[k]))
            head[n_head++] = l->t_more[k] - l->t_first[k];
        if (isfinite(l->t_last[k]) && isfinite(l->t_first[k]) && l->t_last[k] > l->t_first[k])
            last[n_last++] = l->t_last[k] - l->t_first[k];
    }
    printf("| %6d | %3zu | %3zu | %5.2f / %5.2f | %3zu | %5.2f / %5.2f |\n", block, l->n_ids, n_head,
           percentile(head, n_head, 50), percentile(head, n_head, 99), n_last,
           percentile(last, n_last, 50), percentile(last, n_last, 99));
}

static int run_latency(const options *opt, const char *dir)
{
    double duration_s;
    char *scene = latency_scene(opt->launches, 16, &duration_s);
    es_sim_outputs f;
    if (scene == NULL || simulate(scene, dir, "latency16", &f) != 0) {
        free(scene);
        return -1;
    }
    free(scene);
    printf("Alert latency, 16 microphones, %d launches, --realtime replay (%.0f s each), ms\n\n",
           opt->launches, duration_s);
    printf("| block  | alerts  | p50    | p99    | max    | buffering p50/p99 | window p50/p99 | "
           "processing p50/p99 |\n|-------:|--------:|-------:|-------:|-------:|------------:|"
           "------------:|------------:|\n");
    static latencies l[MAX_LIST];
    for (size_t k = 0; k < opt->n_blocks; k++) {
        char events[4200];
        snprintf(events, sizeof events, "%s/latency_%d.jsonl", dir, opt->blocks[k]);
        double cpu_s, wall_s;
        if (replay_paced(&f, opt->blocks[k], events, &cpu_s, &wall_s) != 0)
            return -1;
        read_latencies(events, &l[k]);
        latency_row(opt->blocks[k], &l[k], opt->launches);
        unlink(events);
    }
    printf("\nRevisions of the alerts (wall time after the first alert, s): the whole wavefront in\n"
           "(a revision with more sensors: how much sooner the first alert went out than a wait\n"
           "for every sensor would have let it), and the last revision (the tail heard)\n\n"
           "| block  | ids | refined | head start p50/p99 | revised | last revision p50/p99 |\n"
           "|-------:|----:|--------:|-------------:|--------:|-------------:|\n");
    for (size_t k = 0; k < opt->n_blocks; k++)
        revision_row(opt->blocks[k], &l[k]);
    unlink(f.audio_path);
    unlink(f.site_path);
    unlink(f.truth_path);
    return 0;
}

static int run_cpu(const options *opt, const char *dir)
{
    printf("\nCPU at real time (--realtime replay, 128-frame blocks, %.0f s scenes, all threads)\n\n",
           opt->cpu_seconds);
    printf("| channels | CPU s | wall s | %% of one core |\n|---------:|------:|-------:|-------------:|\n");
    for (size_t k = 0; k < opt->n_channels; k++) {
        int launches = (int)floor((opt->cpu_seconds - 3.0) / 2.5);
        double duration_s;
        char *scene = latency_scene(launches > 1 ? launches : 1, opt->channels[k], &duration_s);
        char prefix[32];
        snprintf(prefix, sizeof prefix, "cpu%d", opt->channels[k]);
        es_sim_outputs f;
        if (scene == NULL || simulate(scene, dir, prefix, &f) != 0) {
            free(scene);
            return -1;
        }
        free(scene);
        double cpu_s, wall_s;
        if (replay_paced(&f, 128, NULL, &cpu_s, &wall_s) != 0)
            return -1;
        printf("| %8d | %5.2f | %6.1f | %11.1f %% |\n", opt->channels[k], cpu_s, wall_s,
               100.0 * cpu_s / wall_s);
        fflush(stdout);
        unlink(f.audio_path);
        unlink(f.site_path);
        unlink(f.truth_path);
    }
    return 0;
}

static size_t parse_list(const char *s, int *out)
{
    size_t n = 0;
    while (*s && n < MAX_LIST) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 1 || v > 100000)
            return 0;
        out[n++] = (int)v;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

static int parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--launches") == 0)
            o->launches = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--blocks") == 0)
            o->n_blocks = parse_list(argv[i + 1], o->blocks);
        else if (strcmp(argv[i], "--channels") == 0)
            o->n_channels = parse_list(argv[i + 1], o->channels);
        else if (strcmp(argv[i], "--cpu-seconds") == 0)
            o->cpu_seconds = atof(argv[i + 1]);
        else
            return -1;
    }
    return argc % 2 == 1 && o->launches >= 1 && o->launches <= 1000 && o->cpu_seconds >= 6.0 ? 0
                                                                                             : -1;
}

int main(int argc, char **argv)
{
    options opt = {.launches = 40, .blocks = {64, 128, 256, 512}, .n_blocks = 4,
                   .channels = {8, 16, 32, 64}, .n_channels = 4, .cpu_seconds = 20.0};
    if (parse_args(argc, argv, &opt) != 0) {
        fprintf(stderr, "usage: %s [--launches N] [--blocks 64,128,...] [--channels 8,16,...] "
                        "[--cpu-seconds S>=6]\n", argv[0]);
        return 2;
    }
    char dir[] = "/tmp/earshot-latency-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    int rc = opt.n_blocks ? run_latency(&opt, dir) : 0;
    if (rc == 0 && opt.n_channels)
        rc = run_cpu(&opt, dir);
    rmdir(dir);
    return rc == 0 ? 0 : 1;
}
