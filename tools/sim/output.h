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

/* The ground truth (schema earshot.truth/1): the atmosphere, the sensors
 * and per source its position, kind, class, origin time, level and
 * "arrivals", one per sensor in channel order. A gust instead has
 * "level_db_spl" (at its microphone) and "sensor" (its id), and its
 * arrivals elsewhere have "t_s": null (nothing reaches them). An artillery
 * source with a crack adds "crack_arrivals", also one per sensor in channel
 * order ("t_s": null where no crack arrives); its "arrivals" stay the
 * muzzle blast's. */
int sim_write_truth(sim_render *r, const char *audio_name, const char *path, es_error *err);

#endif
