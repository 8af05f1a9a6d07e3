/* Helpers for the simulator's tests: checks that count failures, the
 * recording and truth files, and running a scenario held in a JSON value. */
#ifndef EARSHOT_SIMTEST_H
#define EARSHOT_SIMTEST_H

#include <jansson.h>
#include <stddef.h>

#include "sim.h"

extern int simtest_failures;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            simtest_failures++;                                               \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

typedef struct {
    double *x;                /* interleaved, full-scale units */
    size_t frames;
    int channels, rate;
} simtest_audio;

int simtest_read_audio(const char *path, simtest_audio *a);
void simtest_audio_free(simtest_audio *a);
double simtest_sample(const simtest_audio *a, size_t frame, int ch);

json_t *simtest_load_json(const char *path);
/* Number at a key (NAN when absent). */
double simtest_num(const json_t *obj, const char *key);

/* Loads a scenario file as JSON (to modify in a test). */
json_t *simtest_load_scenario(const char *path);
/* Simulates a scenario held as JSON into dir/prefix.*; ES_OK or the error
 * (printed). */
int simtest_run(const json_t *scenario, const char *dir, const char *prefix,
                const es_sim_options *opt, es_sim_outputs *out);

/* The passed/failed line ctest users read, and the exit status. */
int simtest_report(const char *name);

#endif
