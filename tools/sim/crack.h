/* Earshot simulator: the ballistic crack of an artillery shell.
 *
 * The shell leaves the gun at the event's origin time with speed
 * shell_speed_mps at elevation_deg, its azimuth toward the site origin (the
 * camp is the target), and flies a drag-free ballistic arc (g = 9.81 m/s^2)
 * until it lands (u = 0) or SIM_CRACK_MAX_FLIGHT_S have passed. While it is
 * supersonic it drags a conical shock (the Mach cone). The wave a
 * microphone X receives from the flight point P(tau) arrives at
 *   t(tau) = tau + T(P(tau), X)
 * (T: the travel time, in wind as every other path: air.h); the crack
 * arrives where t is stationary, dt/dtau = 0, which in still air is the
 * Mach cone condition cos(alpha) = c / v, alpha between the flight
 * direction and the ray to X. A straight flight gives one such point, a
 * minimum; a curved one may give more: the earliest local minimum at which
 * the shell flies faster than sound is the crack. An arc that lands while
 * still closing on X faster than sound gives no stationary point: no crack
 * (nor behind the gun, where t only grows).
 *
 * The wave is Whitham's far-field N-wave of a slender body (G. B. Whitham,
 * "The flow pattern of a supersonic projectile", Comm. Pure Appl. Math. 5,
 * 301-348, 1952; Linear and Nonlinear Waves, 1974, section 9.3):
 *   peak  dp / p0 = 0.53 (M^2 - 1)^(1/8) d l^(-1/4) r^(-3/4)
 *   length T = 1.82 M r^(1/4) d / (c (M^2 - 1)^(3/8) l^(1/4))
 * with M = v / c at emission (v the shell's speed through the air, i.e.
 * less the wind), r the miss distance (from X to the flight line, the
 * tangent at P) and a 155 mm shell's d = 0.155 m and l = 0.6 m.
 * Whitham's r^(-3/4) already holds the spreading (cylindrical, r^(-1/2),
 * times the N-wave's nonlinear stretching, r^(-1/4)), so the path adds no
 * 1/r; it adds the same absorption filter, and the ground's image path (the
 * mirrored flight, times the reflection coefficient), as any other path. */
#ifndef EARSHOT_SIM_CRACK_H
#define EARSHOT_SIM_CRACK_H

#include "scenario.h"

#define SIM_CRACK_MAX_FLIGHT_S 60.0
#define SIM_GRAVITY_MPS2 9.81
#define SIM_SHELL_DIAMETER_M 0.155
#define SIM_SHELL_LENGTH_M 0.6
/* The N-wave's shocks: a weak ballistic shock rises in microseconds; 20 us
 * (a gunshot's, source.c) is below a sample at 48 kHz and any path of
 * more than a few hundred metres smooths it further. */
#define SIM_CRACK_RISE_S 2e-5
/* Whitham's far field is for r >> l; a microphone nearer to the flight line
 * than this is taken to be at it, so the level stays finite. */
#define SIM_CRACK_MIN_MISS_M 1.0

typedef struct {
    double p0_m[3];           /* muzzle */
    double v0_mps[3];         /* velocity leaving the muzzle */
    double flight_s;          /* until it lands or SIM_CRACK_MAX_FLIGHT_S */
} sim_shell;

/* The shell of an artillery event (ev->pos_m, shell_speed_mps,
 * elevation_deg), fired toward the site origin. */
void sim_shell_init(sim_shell *s, const sim_event *ev);

/* Position and velocity tau seconds after firing; mirror: those of the
 * image in the ground (u -> -u). */
void sim_shell_state(const sim_shell *s, double tau, int mirror, double pos_m[3],
                     double vel_mps[3]);

typedef struct {
    double emit_s;            /* tau of emission, after the origin time */
    double travel_s;          /* emission point to the microphone */
    double distance_m;        /* emission point to the microphone */
    double miss_m;            /* microphone to the flight line at emission */
    double mach;              /* airspeed / c at emission */
    double peak_pa, duration_s; /* Whitham's N-wave */
} sim_crack_path;

/* The earliest crack at mic (true still-air speed c, wind w_en, ambient
 * pressure p0_pa), from the flight or (mirror) its image. 1 found, 0 none. */
int sim_crack_find(const sim_shell *s, int mirror, const double mic_m[3], double c_mps,
                   const double w_en[2], double p0_pa, sim_crack_path *out);

/* Whitham's N-wave for a 155 mm shell at Mach number mach (> 1), miss
 * distance miss_m. */
void sim_crack_whitham(double mach, double miss_m, double c_mps, double p0_pa,
                       double *peak_pa, double *duration_s);

#endif
