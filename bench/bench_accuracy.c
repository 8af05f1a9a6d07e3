/* Localisation accuracy benchmark (issue 5).
 *
 * Designs scenes from a fixed master seed (bench/accuracy_scenes.c: rings,
 * fence lines and microphone clusters; launches 0.5-10 km all round; hot,
 * cold, humid and windy air; configured temperature and sensor positions
 * off; noise beds; ground reflection; plus a quiet subset whose config is
 * exact), simulates each with the project's simulator into a temporary
 * directory, replays it in-process through the engine (es_replay_run, as
 * fast as it goes), matches the alerts to the truth with earshot-score's
 * matching and prints, overall and per range band, layout and sensor
 * count: Pd, duplicates, false alerts, bearing, range and position error
 * percentiles, CEP50 coverage, the reported CEP50, the Cramer-Rao bound of
 * the true geometry for the measured timing noise, and a verdict per
 * issue-5 target. Also one SVG per layout and, on request, a CSV line per
 * launch.
 *
 * usage: bench_accuracy [--scenes N] [--seed S] [--only ring|line|clusters]
 *                       [--pick K,K,...] [--keep DIR] [--svg DIR] [--csv FILE]
 *                       [--jobs N] [--quiet]
 * --pick runs only the listed scenes (numbers as in the CSV's scene
 * column); each scene is the same whatever else runs.
 * Exit status: 0 when every scene ran (whatever the targets say), 1 when a
 * scene could not be simulated, replayed or scored, 2 bad usage. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accuracy.h"
#include "earshot/publisher.h"

#define DEFAULT_SCENES 96
#define DEFAULT_SEED 5

typedef struct {
    const acc_options *opt;
    const acc_scene *scenes;
    const char *root;
    acc_scene_result *results;
    acc_launch *slots;                /* ACC_MAX_LAUNCHES per scene */
    int score_failures;
} run_ctx;

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [--scenes N (1-%d, default %d)] [--seed S] [--only ring|line|clusters]\n"
            "       [--pick K,K,...] [--keep DIR] [--svg DIR (default .)] [--csv FILE]\n"
            "       [--jobs N (1-8)] [--quiet]\n",
            argv0, ACC_MAX_SCENES, DEFAULT_SCENES);
    return 2;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* --pick: scene numbers, comma-separated, each below ACC_MAX_SCENES. */
static int parse_pick(const char *s, acc_options *o)
{
    o->n_pick = 0;
    while (*s != '\0' && o->n_pick < ACC_MAX_SCENES) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno != 0 || end == s || v < 0 || v >= ACC_MAX_SCENES || (*end != ',' && *end != '\0'))
            return -1;
        o->pick[o->n_pick++] = (int)v;
        s = *end == ',' ? end + 1 : end;
    }
    return o->n_pick > 0 ? 0 : -1;
}

static int parse_layout(const char *s)
{
    for (int k = 0; k < ACC_N_LAYOUTS; k++)
        if (strcmp(s, acc_layout_names[k]) == 0)
            return k;
    return -2;
}

static int parse_args(int argc, char **argv, acc_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long x;
        if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
            continue;
        }
        if (v == NULL)
            return -1;
        i++;
        if (strcmp(a, "--scenes") == 0 && parse_int(v, 1, ACC_MAX_SCENES, &x) == 0)
            o->scenes = (int)x;
        else if (strcmp(a, "--seed") == 0 && parse_int(v, 0, 0x7fffffffL, &x) == 0)
            o->seed = (uint64_t)x;
        else if (strcmp(a, "--jobs") == 0 && parse_int(v, 1, 8, &x) == 0)
            o->jobs = (int)x;
        else if (strcmp(a, "--only") == 0 && (o->only = parse_layout(v)) >= 0)
            continue;
        else if (strcmp(a, "--pick") == 0 && parse_pick(v, o) == 0)
            continue;
        else if (strcmp(a, "--keep") == 0)
            o->keep_dir = v;
        else if (strcmp(a, "--svg") == 0)
            o->svg_dir = v;
        else if (strcmp(a, "--csv") == 0)
            o->csv_path = v;
        else
            return -1;
    }
    for (int k = 0; k < o->n_pick; k++)
        if (o->pick[k] >= o->scenes)
            o->scenes = o->pick[k] + 1;
    return 0;
}

static int picked(const acc_options *o, int k)
{
    if (o->n_pick == 0)
        return 1;
    for (int j = 0; j < o->n_pick; j++)
        if (o->pick[j] == k)
            return 1;
    return 0;
}

/* Scores a finished scene into its launch slots, then removes its files
 * unless they are to be kept. */
static void on_done(int index, int ok, void *p)
{
    run_ctx *c = p;
    acc_scene_result *r = &c->results[index];
    memset(r, 0, sizeof *r);
    r->index = index;
    char dir[4096];
    acc_scene_dir(c->root, index, dir, sizeof dir);
    int n = ok ? acc_score_scene(&c->scenes[index], dir, r,
                                 &c->slots[(size_t)index * ACC_MAX_LAUNCHES])
               : -1;
    if (n < 0) {
        c->score_failures++;
        r->ok = 0;
    }
    r->n_launches = n > 0 ? (size_t)n : 0;
    if (c->opt->keep_dir == NULL)
        acc_remove_scene_files(c->root, index);
}

static void summary(const acc_options *o, const acc_scene *scenes, const int *todo, int n_todo,
                    const acc_scene_result *sr, size_t n_launches, double wall_s)
{
    int per[ACC_N_LAYOUTS] = {0}, exact = 0, ok = 0;
    double max_err = 0.0, cfg_t = 0.0;
    for (int k = 0; k < n_todo; k++) {
        const acc_scene *s = &scenes[todo[k]];
        per[s->layout]++;
        exact += s->exact;
        ok += sr[todo[k]].ok;
        max_err = fmax(max_err, sr[todo[k]].max_position_err_m);
        if (!s->exact)
            cfg_t = fmax(cfg_t, fabs(s->cfg_temperature_c - s->temperature_c));
    }
    printf("Accuracy benchmark: %d scenes (seed %llu; %d ring, %d line, %d clusters; %d with exact"
           " config), %zu launches; %d scenes simulated, replayed and scored in %.0f s (--jobs %d)\n",
           n_todo, (unsigned long long)o->seed, per[ACC_RING], per[ACC_LINE], per[ACC_CLUSTERS],
           exact, n_launches, ok, wall_s, o->jobs);
    printf("Configs: sensor positions off by up to %.3f m (3-D), temperature off by up to %.1f C;"
           " errors are absolute, percentiles nearest-rank over detected launches.\n\n",
           max_err, cfg_t);
}

/* Moves the scored launches of the scenes run into one array, in scene
 * order, and records where each scene's start. */
static size_t gather(const int *todo, int n_todo, acc_scene_result *sr, const acc_launch *slots,
                     acc_launch *out)
{
    size_t n = 0;
    for (int k = 0; k < n_todo; k++) {
        acc_scene_result *r = &sr[todo[k]];
        r->first_launch = n;
        for (size_t j = 0; j < r->n_launches; j++)
            out[n++] = slots[(size_t)todo[k] * ACC_MAX_LAUNCHES + j];
    }
    return n;
}

/* Finds out before the run, not after it, whether the outputs can be
 * written: the picture directory is made if missing. */
static int check_outputs(const acc_options *o)
{
    struct stat st;
    if (mkdir(o->svg_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench_accuracy: --svg %s: %s\n", o->svg_dir, strerror(errno));
        return -1;
    }
    if (stat(o->svg_dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(o->svg_dir, W_OK) != 0) {
        fprintf(stderr, "bench_accuracy: --svg %s: not a writable directory\n", o->svg_dir);
        return -1;
    }
    FILE *f = o->csv_path != NULL ? fopen(o->csv_path, "w") : NULL;
    if (o->csv_path != NULL && f == NULL) {
        fprintf(stderr, "bench_accuracy: --csv %s: %s\n", o->csv_path, strerror(errno));
        return -1;
    }
    if (f != NULL)
        fclose(f);
    return 0;
}

static int make_root(const acc_options *o, char *root, size_t cap)
{
    if (o->keep_dir != NULL) {
        snprintf(root, cap, "%s", o->keep_dir);
        if (mkdir(root, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "bench_accuracy: --keep %s: %s\n", root, strerror(errno));
            return -1;
        }
        return 0;
    }
    snprintf(root, cap, "/tmp/earshot-accuracy-XXXXXX");
    if (mkdtemp(root) == NULL) {
        perror("bench_accuracy: mkdtemp");
        return -1;
    }
    return 0;
}

static int report(const acc_options *o, const acc_scene *scenes, const int *todo, int n_todo,
                  acc_scene_result *sr, const acc_launch *slots, double wall_s)
{
    acc_launch *l = calloc((size_t)n_todo * ACC_MAX_LAUNCHES, sizeof *l);
    if (l == NULL)
        return -1;
    size_t n = gather(todo, n_todo, sr, slots, l);
    summary(o, scenes, todo, n_todo, sr, n, wall_s);
    acc_print_report(l, n, sr, o->scenes, stdout);
    int rc = 0;
    if (o->csv_path != NULL && acc_write_csv(o->csv_path, l, n, scenes, sr, o->scenes) != 0) {
        fprintf(stderr, "bench_accuracy: cannot write %s\n", o->csv_path);
        rc = -1;
    }
    if (acc_write_svgs(o->svg_dir, l, n, scenes, todo, n_todo, stdout) != 0)
        rc = -1;
    free(l);
    return rc;
}

int main(int argc, char **argv)
{
    acc_options o = {.scenes = DEFAULT_SCENES, .seed = DEFAULT_SEED, .only = -1,
                     .svg_dir = ".", .jobs = 1};
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf("bench_accuracy: localisation accuracy over simulated scenes (issue 5)\n");
        return usage(argv[0]) * 0;
    }
    if (parse_args(argc, argv, &o) != 0)
        return usage(argv[0]);
    if (check_outputs(&o) != 0)
        return 2;
    acc_scene *scenes = calloc((size_t)o.scenes, sizeof *scenes);
    acc_scene_result *sr = calloc((size_t)o.scenes, sizeof *sr);
    acc_launch *slots = calloc((size_t)o.scenes * ACC_MAX_LAUNCHES, sizeof *slots);
    int *todo = calloc((size_t)o.scenes, sizeof *todo), n_todo = 0;
    char root[4096];
    if (scenes == NULL || sr == NULL || slots == NULL || todo == NULL ||
        make_root(&o, root, sizeof root) != 0) {
        free(scenes), free(sr), free(slots), free(todo);
        return 1;
    }
    acc_design_scenes(o.seed, o.scenes, scenes);
    for (int k = 0; k < o.scenes; k++)
        if ((o.only < 0 || (int)scenes[k].layout == o.only) && picked(&o, k))
            todo[n_todo++] = k;
    run_ctx ctx = {&o, scenes, root, sr, slots, 0};
    acc_run_hooks hooks = {on_done, &ctx, o.quiet, 0.0};
    double t0 = es_clock_mono_s();
    int failures = acc_run_scenes(scenes, todo, n_todo, root, o.jobs, &hooks);
    int rc = failures < 0 ? -1 : report(&o, scenes, todo, n_todo, sr, slots, es_clock_mono_s() - t0);
    if (o.keep_dir == NULL)
        (void)rmdir(root);
    else
        printf("scenes kept in %s (scene-NNN/scene.json re-simulates with earshot-sim)\n", root);
    free(scenes), free(sr), free(slots), free(todo);
    return rc == 0 && failures == 0 && ctx.score_failures == 0 ? 0 : 1;
}
