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

/* A simulated scenario read back: its audio, truth and written site config. */
typedef struct {
    simtest_audio audio;
    json_t *truth, *site;
    int ok;                   /* 0: a step failed (and a check failed) */
} simtest_sim;

/* Simulates scenario (consumed; NULL counts as a failure) into
 * dir/prefix.* and reads the three outputs back. */
simtest_sim simtest_simulate(json_t *scenario, const char *dir, const char *prefix);
void simtest_sim_free(simtest_sim *r);
/* The truth's arrival at sensor `sensor` of source `source`. */
const json_t *simtest_arrival(const simtest_sim *r, size_t source, size_t sensor);
/* First frame of channel ch above `fraction` of the channel's peak, NAN if
 * none. */
double simtest_first_above(const simtest_audio *a, int ch, double fraction);

/* The passed/failed line ctest users read, and the exit status. */
int simtest_report(const char *name);

#endif
