/* Earshot simulator: the spectrum of wind noise at a screened microphone
 * (noise.c), shared by the steady wind noise and a gust (gust.h): white
 * noise through two one-pole low-passes at 4 U Hz (5..60 Hz), its slow
 * part (a 1 Hz one-pole low-pass of the result) removed. */
#ifndef EARSHOT_SIM_NOISE_H
#define EARSHOT_SIM_NOISE_H

typedef struct {
    double a_lp, a_hp;
    double l1, l2, hp_lp;
} sim_wind_filter;

/* For wind of u_mps at sample rate fs. */
void sim_wind_filter_init(sim_wind_filter *f, double u_mps, double fs);

/* One sample: white in, wind-shaped out. */
double sim_wind_filter_run(sim_wind_filter *f, double white);

#endif
