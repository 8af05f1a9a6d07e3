/* Earshot simulator: the air. Speed of sound with temperature and humidity,
 * ISO 9613-1 absorption, the wind and the travel time of a wavefront in air
 * that moves with the wind. Pure functions. */
#ifndef EARSHOT_SIM_AIR_H
#define EARSHOT_SIM_AIR_H

typedef struct {
    double temperature_c;
    double humidity_pct;        /* relative humidity, 0..100 */
    double pressure_kpa;
    double wind_speed_mps;
    double wind_from_deg;       /* direction the wind blows FROM, clockwise from north */
    int absorption;             /* 1: apply ISO 9613-1 absorption (default) */
} sim_air;

/* Speed of sound in still air, m/s:
 *   c = 331.3 sqrt(T / 273.15 K) sqrt(gamma_m R_m / (gamma_d R_d))
 * where the dry-air part (331.3 m/s at 0 C, ideal gas) is corrected for
 * water vapour through the mixture's gas constant R_m = R_d (1 + 0.608 q)
 * (q: specific humidity from the saturation pressure of ISO 9613-1) and its
 * heat-capacity ratio gamma_m (mass-weighted cp and cv of dry air,
 * 1005/718 J/(kg K), and of vapour, 1875/1410 J/(kg K)). Humid air is
 * faster: about +0.6 m/s at 20 C and 50 % RH, close to Cramer (1993,
 * JASA 93, 2510). At 0 % RH it is exactly 331.3 sqrt(1 + T/273.15). */
double sim_air_speed_of_sound_mps(const sim_air *a);

/* Molar concentration of water vapour in percent (ISO 9613-1 annex B). */
double sim_air_vapour_molar_pct(const sim_air *a);

/* Pure-tone attenuation coefficient in dB/m (ISO 9613-1:1993, eq. 3-5). */
double sim_air_absorption_db_per_m(const sim_air *a, double f_hz);

/* Wind vector (east, north), m/s: the air moves TOWARD from_deg + 180. */
void sim_air_wind_en(const sim_air *a, double w_en[2]);

/* Travel time (s) of a wavefront from src to rcv (east, north, up, m) in air
 * of still-air speed c moving with horizontal wind w: the t that solves
 * |rcv - src - w t| = c t, by fixed-point iteration t <- |d - w t| / c
 * (a contraction, |w| < c) to 1e-12 s. */
double sim_air_travel_time_s(const double src_m[3], const double rcv_m[3], double c_mps,
                             const double w_en[2]);

#endif
