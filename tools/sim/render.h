/* Earshot simulator: rendering the scene into per-microphone pressure
 * (Pa, before the microphone's gain), and what the truth file records of
 * every source at every microphone. */
#ifndef EARSHOT_SIM_RENDER_H
#define EARSHOT_SIM_RENDER_H

#include <stddef.h>

#include "fft.h"
#include "scenario.h"

typedef struct {
    double t_s;               /* wavefront arrival (direct path), s after the first sample */
    double distance_m;        /* direct path length */
    double peak_pa;           /* peak of this source at this microphone (before gain) */
    double peak_t_s;          /* time of that peak */
    long long n_start, n_end; /* samples this source occupies (may lie outside the file) */
    int clipped;              /* the recording clips within [n_start, n_end) */
    int absent;               /* the source never reaches this microphone (a gust at
                                 another one): the fields above mean nothing */
} sim_arrival;

/* An artillery shell's crack at one microphone (crack.h): the direct
 * path's, with the N-wave's peak as recorded (both paths). */
typedef struct {
    int heard;                /* 0: no Mach-cone arrival here */
    double t_s;               /* wavefront arrival, s after the first sample */
    double emit_t_s;          /* when the shell emitted it, s after the first sample */
    double distance_m, miss_m, mach, duration_s;
    double peak_pa, peak_t_s;
    long long n_start, n_end;
    int clipped;
} sim_crack_arrival;

typedef struct {
    const sim_scenario *sc;
    double fs;
    size_t n_frames;
    double **chan;            /* [n_sensors][n_frames] */
    double c_mps;             /* true still-air speed of sound */
    double w_en[2];           /* true wind */
    sim_fft_cache fft;
    sim_arrival *arrivals;    /* [event * n_sensors + sensor] */
    sim_crack_arrival *cracks; /* the same, for artillery with a crack */
} sim_render;

int sim_render_init(sim_render *r, const sim_scenario *sc);
void sim_render_free(sim_render *r);

sim_arrival *sim_render_arrival(sim_render *r, size_t event, size_t sensor);
sim_crack_arrival *sim_render_crack(sim_render *r, size_t event, size_t sensor);

/* Renders every event (sources, thunder, cracks, gusts) into r->chan. 0,
 * or -1 when out of memory. */
int sim_render_events(sim_render *r);

/* Ambient, wind and generator noise (noise.c). */
int sim_render_noise(sim_render *r);

/* Applies the gains (the microphone's and a fault's), marks clipped
 * arrivals, clips to +-1 full scale, replaces dead channels by their noise
 * floor: afterwards r->chan holds the recording in full-scale units. */
void sim_render_finish(sim_render *r);

/* Paths from a source to a microphone: direct, and the image source's in
 * the ground (u -> -u) when the scenario has a reflecting ground. */
typedef struct {
    double arrival_s;         /* origin + travel time */
    double record_s;          /* where it lies in the recording: arrival_s
                                 plus the channel's clock offset (a fault) */
    double distance_m;
    double gain;              /* spreading (1/r, r >= 1 m) times the reflection coefficient */
} sim_path;

int sim_render_paths(const sim_render *r, const double src_m[3], size_t sensor, double t0_s,
                     sim_path paths[2]);

/* Adds y (n samples starting at sample n0, may stick out of the file) to
 * the channel. */
void sim_render_add(sim_render *r, size_t sensor, long long n0, const double *y, size_t n);

#endif
