/* Earshot simulator: a wind gust at one microphone. Turbulence at the
 * windscreen is local pressure, not sound: it is added to its one channel
 * only, with no propagation, from t_s (the physical time; the recording
 * has it at t_s plus the channel's clock offset).
 *
 * Waveform: the spectrum of noise.c's wind noise (noise.h) for the gust's
 * speed, under an envelope that rises as a raised cosine over rise_s to 1
 * and falls as a raised cosine to 0 at duration_s (smooth: zero slope at
 * both ends and at the peak). The speed is what noise.c's law
 * L = L5 + 40 lg(U / 5 m/s) gives for the gust's level (L5: the scenario's
 * noise.wind_noise_db_spl_at_5mps, 70 dB by default): 12 m/s, a 48 Hz
 * corner, for the default 85 dB. level_db_spl is the RMS at the peak: the
 * noise is scaled so that the gust's energy is exactly level^2 times the
 * integral of the envelope squared (3/8 duration_s), i.e. the envelope
 * times a carrier of unit RMS. */
#ifndef EARSHOT_SIM_GUST_H
#define EARSHOT_SIM_GUST_H

#include <stddef.h>

#include "render.h"

/* The envelope t seconds after the gust's start, 0 outside [0, duration_s]. */
double sim_gust_envelope(double t, double rise_s, double duration_s);

/* The wind speed whose steady wind noise has level_db (noise.c's law). */
double sim_gust_speed_mps(double level_db, double level_at_5mps_db);

/* Adds gust `event` to its microphone's channel and fills its arrivals
 * (the others are marked absent). 0, or -1 when out of memory. */
int sim_render_gust(sim_render *r, size_t event);

#endif
