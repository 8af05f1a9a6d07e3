/* Earshot scene simulator: writes a multichannel recording, the site config
 * the engine reads (CONTRACT.md section 2) and a ground-truth file from a
 * scenario JSON and a seed, deterministically (same scenario and seed give
 * bit-identical files). It is the project's ground truth: the end-to-end
 * tests and benchmarks measure the engine against its truth files.
 *
 * The physics (sources, propagation, noise) is an implementation of its
 * own, independent of the engine's models, so a mistake in the engine is
 * not mirrored here. The scenario format is described at the top of
 * tools/sim/scenario.h; the sources and their levels in source.c, the
 * propagation in air.h and absorb.h, the noise in noise.c. */
#ifndef EARSHOT_SIM_H
#define EARSHOT_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int has_seed; uint64_t seed;        /* override the scenario's seed */
    double duration_s;                  /* >0 overrides the scenario's */
    const char *endpoint;               /* non-NULL overrides publish.endpoint written to the config */
} es_sim_options;

typedef struct {
    char audio_path[4096], site_path[4096], truth_path[4096];
} es_sim_outputs;

/* Parse scenario JSON text (`name` is used in error messages), simulate,
 * write <out_dir>/<prefix>.wav, <prefix>.site.json, <prefix>.truth.json.
 * out_dir is created if missing. opt may be NULL.
 * Returns ES_OK; ES_EINVAL for a bad scenario or option (the message names
 * the scenario and the JSON path of the key); ES_EIO when an output cannot
 * be written; ES_ENOMEM. */
int es_sim_run_json(const char *json_text, size_t len, const char *name,
                    const char *out_dir, const char *prefix,
                    const es_sim_options *opt, es_sim_outputs *out, es_error *err);

/* Same, reading the scenario from a file. A file that cannot be read is
 * ES_ENOTFOUND. */
int es_sim_run_file(const char *scenario_path, const char *out_dir, const char *prefix,
                    const es_sim_options *opt, es_sim_outputs *out, es_error *err);

#ifdef __cplusplus
}
#endif
#endif
