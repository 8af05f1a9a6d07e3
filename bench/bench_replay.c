/* Replay speed benchmark: how many times faster than real time the whole
 * replay path (decode, condition, detect, associate, locate, classify,
 * publish) runs for 8, 16 and 32 microphones at 48 kHz, beside the speed
 * of decoding the same file alone (the ceiling: replay cannot beat it).
 *
 * Scenes are simulated here with fixed seeds (two launches, an impact, a
 * slam, wind and generator noise on a ring), written to a temporary
 * directory and removed afterwards. Each figure is the best of `repeats`
 * runs with the file in the page cache.
 *
 * usage: bench_replay [--seconds S] [--repeats N] [--channels 8,16,32] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#include "earshot/publisher.h"
#include "earshot/replay.h"
#include "sim/sim.h"

#define MAX_COUNTS 8

typedef struct {
    double seconds;
    int repeats;
    int counts[MAX_COUNTS];
    size_t n_counts;
} bench_options;

static const char scene_format[] =
    "{\"seed\": %d, \"duration_s\": %.1f, \"sample_rate\": 48000, \"format\": \"pcm24\","
    " \"site\": {\"name\": \"bench\", \"origin\": {\"lat\": 33.3, \"lon\": 44.4, \"alt_m\": 30}},"
    " \"sensors\": {\"layout\": \"ring\", \"count\": %d, \"radius_m\": 300, \"u_m\": 1.5},"
    " \"atmosphere\": {\"temperature_c\": 20, \"wind_speed_mps\": 3, \"wind_from_deg\": 200},"
    " \"noise\": {\"ambient_db_spl\": 45, \"wind_noise\": true,"
    "   \"generator\": {\"e_m\": 20, \"n_m\": -30, \"level_db_spl_at_1m\": 95}},"
    " \"events\": ["
    "   {\"type\": \"mortar\", \"t_s\": 1.0, \"range_m\": 3000, \"bearing_deg\": 40},"
    "   {\"type\": \"rocket\", \"t_s\": 15.0, \"range_m\": 5000, \"bearing_deg\": 250},"
    "   {\"type\": \"impact\", \"t_s\": 30.0, \"range_m\": 100, \"bearing_deg\": 120},"
    "   {\"type\": \"slam\", \"t_s\": 40.0, \"near_sensor\": \"S2\", \"distance_m\": 4}]}";

static double decode_speed(const char *path, double *audio_s)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (sf == NULL)
        return 0.0;
    float *block = malloc(512 * (size_t)info.channels * sizeof *block);
    double t0 = es_clock_mono_s(), sink = 0.0;
    sf_count_t got, total = 0;
    while (block != NULL && (got = sf_readf_float(sf, block, 512)) > 0) {
        total += got;
        sink += block[0]; /* keep the read from being optimised away */
    }
    double wall = es_clock_mono_s() - t0;
    sf_close(sf);
    free(block);
    *audio_s = (double)total / info.samplerate + sink * 0.0;
    return wall > 0 ? *audio_s / wall : 0.0;
}

static double replay_speed(const es_sim_outputs *f, int n, es_replay_result *res)
{
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://bench-%d", n);
    es_replay_options o = {.config_path = f->site_path, .input_path = f->audio_path,
                           .endpoint = endpoint, .print_events = 0};
    FILE *devnull = fopen("/dev/null", "w");
    o.log = devnull;
    es_error err = {{0}};
    int status = es_replay_run(&o, res, &err);
    if (devnull)
        fclose(devnull);
    if (status != 0) {
        fprintf(stderr, "bench_replay: replay failed: %s\n", err.msg);
        return 0.0;
    }
    return res->wall_s > 0 ? res->audio_s / res->wall_s : 0.0;
}

static double best_of(double a, double b)
{
    return a > b ? a : b;
}

static int run_count(const bench_options *opt, int n, const char *dir)
{
    static char scene[4096];
    snprintf(scene, sizeof scene, scene_format, n, opt->seconds, n);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "bench%d", n);
    es_sim_outputs f;
    es_error err = {{0}};
    double t0 = es_clock_mono_s();
    if (es_sim_run_json(scene, strlen(scene), "bench", dir, prefix, NULL, &f, &err) != ES_OK) {
        fprintf(stderr, "bench_replay: simulation failed: %s\n", err.msg);
        return -1;
    }
    double sim_s = es_clock_mono_s() - t0, audio_s = 0.0, dec = 0.0, rep = 0.0;
    es_replay_result res;
    memset(&res, 0, sizeof res);
    for (int r = 0; r < opt->repeats; r++) {
        dec = best_of(dec, decode_speed(f.audio_path, &audio_s));
        rep = best_of(rep, replay_speed(&f, n, &res));
    }
    printf("| %8d | %7.1f | %12.0fx | %12.0fx | %9.1f %% | %6llu | %6llu | %8.1f |\n", n,
           audio_s, dec, rep, dec > 0 ? 100.0 * rep / dec : 0.0,
           (unsigned long long)res.stats.alerts, (unsigned long long)res.stats.events, sim_s);
    fflush(stdout);
    unlink(f.audio_path);
    unlink(f.site_path);
    unlink(f.truth_path);
    return 0;
}

static int parse_args(int argc, char **argv, bench_options *o)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seconds") == 0) {
            o->seconds = atof(argv[i + 1]);
        } else if (strcmp(argv[i], "--repeats") == 0) {
            o->repeats = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--channels") == 0) {
            o->n_counts = 0;
            for (char *s = argv[i + 1]; *s && o->n_counts < MAX_COUNTS;) {
                char *end;
                o->counts[o->n_counts++] = (int)strtol(s, &end, 10);
                s = *end == ',' ? end + 1 : end;
                if (end == s && *end != '\0')
                    return -1;
            }
        } else {
            return -1;
        }
    }
    return o->seconds >= 10.0 && o->repeats >= 1 && o->n_counts > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    bench_options opt = {.seconds = 60.0, .repeats = 3, .counts = {8, 16, 32}, .n_counts = 3};
    if (parse_args(argc, argv, &opt) != 0 || argc % 2 == 0) {
        fprintf(stderr, "usage: %s [--seconds S>=10] [--repeats N] [--channels 8,16,32]\n",
                argv[0]);
        return 2;
    }
    char dir[] = "/tmp/earshot-bench-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    printf("Replay speed, 48 kHz, %.0f s scenes, best of %d (times real time; decode-only is "
           "the ceiling)\n\n", opt.seconds, opt.repeats);
    printf("| channels | audio s | decode only  | full replay  | of ceiling | alerts | events | "
           "sim s    |\n|---------:|--------:|-------------:|-------------:|-----------:|-------:|"
           "-------:|---------:|\n");
    int rc = 0;
    for (size_t k = 0; k < opt.n_counts && rc == 0; k++)
        rc = run_count(&opt, opt.counts[k], dir);
    rmdir(dir);
    return rc == 0 ? 0 : 1;
}
