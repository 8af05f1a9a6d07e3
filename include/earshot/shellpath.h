/* Earshot: was an earlier wavefront a gun's shell's supersonic crack?
 *
 * A shell fired at the camp flies faster than sound and drags a Mach cone
 * that reaches the microphones before the muzzle blast. On a line array
 * (or clusters) the cone's arrivals can fit a point on the shell's path,
 * and be published as a launch there. Once the gun's blast is located
 * (position and firing time), the earlier wavefront can be tested against
 * the flight itself: a drag-free ballistic arc from the gun, aimed near
 * the camp, at some elevation and muzzle speed, whose cone reaches each
 * sensor at the time it was heard. A crack of that gun fits to the onset
 * picks; another source's wavefront (a real second launch) has no reason
 * to fit a flight from this gun, at this firing time, toward the camp.
 *
 * The arrival of the cone at a sensor S is the stationary point of
 *   t(tau) = t_fire + tau + |P(tau) - S| / c
 * over the flight P(tau) (the Mach condition: the ray leaves at cos(alpha)
 * = c / v to the flight direction), taken where the shell is supersonic
 * and still in the air. The speed of sound is the blast fix's effective
 * one (it carries the wind along the gun's bearing). Pure functions: no
 * allocation, no state. */
#ifndef EARSHOT_SHELLPATH_H
#define EARSHOT_SHELLPATH_H

#include <stddef.h>

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A flight: leaves gun_m (east, north, up) at t_fire_s toward azimuth_deg
 * (clockwise from north), climbing at elevation_deg, at speed_mps. */
typedef struct {
    double gun_m[3];
    double t_fire_s;
    double azimuth_deg, elevation_deg, speed_mps;
} es_shell_flight;

/* When the flight's crack reaches sensor_m in sound of speed c_mps, or NAN
 * when it never does (behind the gun, outside the cone, landed or
 * subsonic first). */
double es_shell_crack_arrival_s(const es_shell_flight *f, double c_mps, const double sensor_m[3]);

typedef struct {
    double gun_m[3];             /* the blast's fix */
    double t_fire_s;             /* its origin time */
    double aim_m[3];             /* where the gun aims: the camp */
    double max_aim_error_deg;    /* azimuth searched this far either side
                                  * of gun -> aim; 0: 10 */
    double c_mps;                /* speed of sound along the paths */
    size_t n;                    /* sensors that heard the earlier wavefront */
    const double (*sensor_m)[3];
    const double *arrival_s;     /* when each heard it */
} es_shell_crack_obs;

typedef struct {
    double rms_s;                /* RMS of heard - predicted over the n
                                  * sensors; INFINITY: no flight reaches
                                  * them all */
    es_shell_flight flight;      /* the best flight */
} es_shell_crack_fit;

/* The flight (elevation 0-70 deg, speed 1.05-4 times c_mps, azimuth as
 * above) whose crack best explains the arrivals. ES_EINVAL with a reason
 * for fewer than 3 sensors or a speed of sound outside 200-500 m/s. */
int es_shell_crack_fit_execute(const es_shell_crack_obs *obs, es_shell_crack_fit *out,
                               es_error *err);

#ifdef __cplusplus
}
#endif
#endif
