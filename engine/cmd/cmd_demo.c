/* `earshot demo`: simulate the bundled demo scene, replay it through the
 * engine exactly as `earshot replay` would, and compare what was published
 * with the scene's ground truth. The scene (scenes/demo.json) is embedded
 * in the program, so this runs with no microphones and no files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "earshot/replay.h"
#include "score.h"
#include "sim/sim.h"

extern const char es_demo_scene_json[];
extern const unsigned long es_demo_scene_json_len;

static const char demo_usage[] =
    "usage: earshot demo [--keep DIR] [--quiet]\n"
    "\n"
    "Simulates the bundled demo scene (two launches, an impact inside the camp,\n"
    "a door slam, wind and generator noise on an 8-microphone ring), replays it\n"
    "through the engine, prints each alert as one line and compares them with\n"
    "the scene's ground truth. Publishes on a free local port.\n"
    "\n"
    "  --keep DIR   write the scene (audio, site config, truth, events) to DIR\n"
    "               and keep it; by default a temporary directory is removed\n"
    "  --quiet      no readable line per event\n"
    "\n"
    "exit status: 0 the demo ran and every launch was alerted as expected,\n"
    "1 it ran but the comparison failed (or a run-time failure), 2 bad usage\n";

typedef struct {
    char dir[4096];
    int keep;
    int quiet;
    es_sim_outputs files;
    char events_path[4200];
} demo;

static int parse_args(int argc, char **argv, demo *d)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(demo_usage, stdout);
            return -1;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            d->quiet = 1;
        } else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc) {
            snprintf(d->dir, sizeof d->dir, "%s", argv[++i]);
            d->keep = 1;
        } else {
            fprintf(stderr, "earshot demo: bad argument '%s'\n%s", argv[i], demo_usage);
            return ES_EXIT_USAGE;
        }
    }
    return 0;
}

static int make_dir(demo *d)
{
    if (d->keep) {
        if (mkdir(d->dir, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "earshot demo: cannot create %s: %s\n", d->dir, strerror(errno));
            return -1;
        }
        return 0;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(d->dir, sizeof d->dir, "%s/earshot-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(d->dir) == NULL) {
        fprintf(stderr, "earshot demo: cannot create a temporary directory: %s\n",
                strerror(errno));
        return -1;
    }
    return 0;
}

static void remove_dir(const demo *d)
{
    if (d->keep)
        return;
    const char *files[] = {d->files.audio_path, d->files.site_path, d->files.truth_path,
                           d->events_path};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (files[i][0] != '\0')
            unlink(files[i]);
    rmdir(d->dir);
}

static int simulate(demo *d)
{
    es_sim_options opt = {.endpoint = "tcp://127.0.0.1:0"};
    es_error err = {{0}};
    fprintf(stderr, "earshot demo: simulating the demo scene into %s ...\n", d->dir);
    if (es_sim_run_json(es_demo_scene_json, (size_t)es_demo_scene_json_len, "demo.json", d->dir,
                        "demo", &opt, &d->files, &err) != ES_OK) {
        fprintf(stderr, "earshot demo: simulation failed: %s\n", err.msg);
        return -1;
    }
    snprintf(d->events_path, sizeof d->events_path, "%s/demo.events.jsonl", d->dir);
    return 0;
}

static int replay(demo *d)
{
    es_replay_options o = {.config_path = d->files.site_path, .input_path = d->files.audio_path,
                           .events_path = d->events_path, .print_events = !d->quiet};
    es_replay_result res;
    es_error err = {{0}};
    fprintf(stderr, "earshot demo: replaying %s\n", d->files.audio_path);
    int status = es_replay_run(&o, &res, &err);
    if (status != 0) {
        fprintf(stderr, "earshot demo: replay failed: %s\n", err.msg);
        return -1;
    }
    fprintf(stderr, "earshot demo: %.1f s of audio analysed in %.2f s (%.0fx real time), "
                    "%llu alerts, %llu events\n",
            res.audio_s, res.wall_s, res.wall_s > 0 ? res.audio_s / res.wall_s : 0.0,
            (unsigned long long)res.stats.alerts, (unsigned long long)res.stats.events);
    return 0;
}

static int compare(const demo *d)
{
    es_score_limits lim;
    es_score_limits_default(&lim);
    es_score_report *r = calloc(1, sizeof *r);
    es_error err = {{0}};
    if (r == NULL || es_score_files(d->files.truth_path, d->events_path, &lim, r, &err) != ES_OK) {
        fprintf(stderr, "earshot demo: comparison failed: %s\n", r ? err.msg : "out of memory");
        free(r);
        return -1;
    }
    printf("\nWhat happened in the scene (ground truth) and what the engine published:\n");
    es_score_print(r, &lim, stdout);
    int pass = r->pass;
    free(r);
    return pass ? 0 : -1;
}

int es_cmd_demo(int argc, char **argv)
{
    demo *d = calloc(1, sizeof *d);
    if (d == NULL)
        return ES_EXIT_RUNTIME;
    int rc = parse_args(argc, argv, d);
    if (rc != 0) {
        free(d);
        return rc < 0 ? ES_EXIT_OK : rc;
    }
    int status = ES_EXIT_RUNTIME;
    if (make_dir(d) == 0) {
        if (simulate(d) == 0 && replay(d) == 0 && compare(d) == 0)
            status = ES_EXIT_OK;
        if (d->keep)
            fprintf(stderr, "earshot demo: scene files kept in %s\n", d->dir);
        remove_dir(d);
    }
    free(d);
    return status;
}
