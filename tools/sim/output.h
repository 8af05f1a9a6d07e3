/* Earshot simulator: the three files of a run. */
#ifndef EARSHOT_SIM_OUTPUT_H
#define EARSHOT_SIM_OUTPUT_H

#include "earshot/status.h"
#include "render.h"

/* The recording (r->chan in full-scale units) as WAV: pcm24, pcm16 or
 * float per the scenario. */
int sim_write_audio(const sim_render *r, const char *path, es_error *err);

/* The site config in the contract's format (CONTRACT.md section 2), with
 * nominal sensor positions, the config atmosphere and the endpoint, plus
 * "detection": {"full_scale_db_spl"}. */
int sim_write_site(const sim_scenario *sc, const char *endpoint, const char *path, es_error *err);

/* The ground truth (schema earshot.truth/1). */
int sim_write_truth(sim_render *r, const char *audio_name, const char *path, es_error *err);

#endif
