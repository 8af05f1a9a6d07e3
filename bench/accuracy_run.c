/* Simulating and replaying the accuracy benchmark's scenes.
 *
 * Each scene gets a directory <root>/scene-NNN holding scene.json (the
 * scenario, so a kept scene can be simulated again with earshot-sim),
 * scene.wav, scene.site.json, scene.truth.json and scene.events.jsonl (what
 * the engine published, replayed in-process by es_replay_run, as fast as
 * it goes). A failure leaves scene.error with the reason.
 *
 * With jobs > 1 each scene runs in a child process: the engine plans FFTW
 * transforms when it starts, and FFTW's planner is not thread-safe, so two
 * replays may not share a process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accuracy.h"
#include "earshot/publisher.h"
#include "earshot/replay.h"
#include "sim/sim.h"

void acc_scene_dir(const char *root, int index, char *dir, size_t cap)
{
    snprintf(dir, cap, "%s/scene-%03d", root, index);
}

static const char *const scene_files[] = {"scene.json", "scene.wav", "scene.site.json",
                                          "scene.truth.json", "scene.events.jsonl",
                                          "scene.error", NULL};

void acc_remove_scene_files(const char *root, int index)
{
    char dir[4096], path[4200];
    acc_scene_dir(root, index, dir, sizeof dir);
    for (int k = 0; scene_files[k] != NULL; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, scene_files[k]);
        (void)unlink(path); /* absent files are fine */
    }
    (void)rmdir(dir);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    int bad = fputs(text, f) < 0;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

static int fail(const char *dir, const char *what, const char *msg)
{
    char path[4200], text[1400];
    snprintf(path, sizeof path, "%s/scene.error", dir);
    snprintf(text, sizeof text, "%s: %s\n", what, msg);
    fprintf(stderr, "bench: %s: %s", dir, text);
    (void)write_text(path, text);
    return -1;
}

/* Simulates and replays one scene into its directory. */
static int run_one(const acc_scene_source *src, int index, const char *root)
{
    char dir[4096], path[4200], name[64], endpoint[64];
    acc_scene_dir(root, index, dir, sizeof dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return fail(dir, "mkdir", strerror(errno));
    char *json = src->json(index, src->ctx);
    if (json == NULL)
        return fail(dir, "scenario", "out of memory");
    snprintf(path, sizeof path, "%s/scene.json", dir);
    if (write_text(path, json) != 0) {
        free(json);
        return fail(dir, path, "cannot write");
    }
    snprintf(name, sizeof name, "scene-%03d", index);
    es_sim_outputs f;
    es_error err = {{0}};
    int st = es_sim_run_json(json, strlen(json), name, dir, "scene", NULL, &f, &err);
    free(json);
    if (st != ES_OK)
        return fail(dir, "simulation", err.msg);
    snprintf(path, sizeof path, "%s/scene.events.jsonl", dir);
    snprintf(endpoint, sizeof endpoint, "inproc://acc-%d", index);
    FILE *devnull = fopen("/dev/null", "w");
    es_replay_options o = {.config_path = f.site_path, .input_path = f.audio_path,
                           .events_path = path, .endpoint = endpoint, .log = devnull,
                           .all_revisions = src->all_revisions};
    es_replay_result res;
    int status = es_replay_run(&o, &res, &err);
    if (devnull != NULL)
        fclose(devnull);
    if (status != 0)
        return fail(dir, "replay", err.msg);
    return 0;
}

static void finished(const acc_scene_source *src, const acc_run_hooks *h, int done, int total,
                     int index, int ok)
{
    if (!h->quiet) {
        char what[160] = "";
        if (src->describe != NULL)
            src->describe(index, src->ctx, what, sizeof what);
        fprintf(stderr, "%s: %d/%d scenes (scene %d%s%s), %.0f s\n", src->program, done, total,
                index, what[0] ? ": " : "", what, es_clock_mono_s() - h->t0_s);
    }
    if (h->on_done != NULL)
        h->on_done(index, ok, h->ctx);
}

static int run_parallel(const acc_scene_source *src, const int *todo, int n_todo,
                        const char *root, int jobs, const acc_run_hooks *h)
{
    pid_t pid_of[8] = {0};
    int scene_of[8] = {0}, running = 0, next = 0, done = 0, failures = 0;
    while (done < n_todo) {
        while (running < jobs && next < n_todo) {
            int slot = 0;
            while (pid_of[slot] != 0)
                slot++;
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                perror("bench: fork");
                return -1;
            }
            if (pid == 0)
                _exit(run_one(src, todo[next], root) == 0 ? 0 : 1);
            pid_of[slot] = pid;
            scene_of[slot] = todo[next++];
            running++;
        }
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            perror("bench: waitpid");
            return -1;
        }
        for (int slot = 0; slot < jobs; slot++) {
            if (pid_of[slot] != pid)
                continue;
            pid_of[slot] = 0;
            running--;
            done++;
            int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            failures += !ok;
            finished(src, h, done, n_todo, scene_of[slot], ok);
        }
    }
    return failures;
}

int acc_run_sources(const acc_scene_source *src, const int *todo, int n_todo, const char *root,
                    int jobs, const acc_run_hooks *hooks)
{
    acc_run_hooks h = *hooks;
    h.t0_s = es_clock_mono_s();
    if (jobs > 1)
        return run_parallel(src, todo, n_todo, root, jobs > 8 ? 8 : jobs, &h);
    int failures = 0;
    for (int k = 0; k < n_todo; k++) {
        int ok = run_one(src, todo[k], root) == 0;
        failures += !ok;
        finished(src, &h, k + 1, n_todo, todo[k], ok);
    }
    return failures;
}

static char *accuracy_json(int index, void *ctx)
{
    return acc_scene_json(&((const acc_scene *)ctx)[index]);
}

static void accuracy_describe(int index, void *ctx, char *out, size_t cap)
{
    const acc_scene *s = &((const acc_scene *)ctx)[index];
    snprintf(out, cap, "%s, %zu sensors, %d launches", acc_layout_names[s->layout], s->n_sensors,
             s->n_launches);
}

int acc_run_scenes(const acc_scene *scenes, const int *todo, int n_todo, const char *root,
                   int jobs, const acc_run_hooks *hooks)
{
    acc_scene_source src = {"bench_accuracy", accuracy_json, accuracy_describe, (void *)scenes, 0};
    return acc_run_sources(&src, todo, n_todo, root, jobs, hooks);
}
