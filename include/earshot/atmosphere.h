/* Earshot: the propagation model the engine solves with.
 *
 * Sound travels at c(T) in a medium that moves with the wind; a wavefront
 * from S reaches R after the time t that satisfies |R - S - w t| = c t
 * (horizontal wind w, still-air speed c). Pure functions, no state. */
#ifndef EARSHOT_ATMOSPHERE_H
#define EARSHOT_ATMOSPHERE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Speed of sound in dry air at temperature_c, m/s: 331.3 sqrt(1 + T/273.15). */
double es_speed_of_sound_mps(double temperature_c);

/* Speed of sound in moist air at pressure_kpa (<= 0: standard, 101.325);
 * humidity_pct < 0 means not measured, and 50 % is assumed.
 * (dsp/atmosphere_humid.c) */
double es_speed_of_sound_moist_mps(double temperature_c, double humidity_pct,
                                   double pressure_kpa);
/* The same at standard pressure. */
double es_speed_of_sound_humid_mps(double temperature_c, double humidity_pct);
/* Standard-atmosphere pressure at an altitude, kPa. */
double es_pressure_at_altitude_kpa(double alt_m);

/* 1-sigma of that speed for the air along a path of kilometres, given a
 * configured temperature good to temperature_sigma_c (<= 0: 2 C, a
 * thermometer at one place and time) and humidity (5 %, or 10-90 % when
 * not measured): the prior the solver starts from. */
double es_speed_of_sound_sigma_mps(double temperature_c, double humidity_pct,
                                   double temperature_sigma_c, double pressure_kpa);

/* Atmospheric absorption of a pure tone at f_hz, dB per metre (ISO
 * 9613-1): about 0.1 dB/km at 50 Hz, 1 at 250 Hz, 5 at 1 kHz in temperate
 * air. humidity_pct < 0: 50 % assumed; pressure_kpa <= 0: standard. */
double es_absorption_db_per_m(double f_hz, double temperature_c, double humidity_pct,
                              double pressure_kpa);

/* Wind vector (east, north components, m/s) of a wind of speed_mps blowing
 * FROM from_deg (clockwise from true north): from 0 deg the air moves south. */
void es_wind_vector(double speed_mps, double from_deg, double wind_en_mps[2]);

/* Travel time in seconds from src to rcv (east, north, up metres) in air of
 * still-air speed c_mps moving with horizontal wind wind_en_mps. Requires
 * |wind| < c. Closed form: the positive root of
 * (c^2 - |w|^2) t^2 + 2 (d.w) t - |d|^2 = 0 with d = rcv - src. */
double es_travel_time_s(const double src_m[3], const double rcv_m[3],
                        double c_mps, const double wind_en_mps[2]);

#ifdef __cplusplus
}
#endif
#endif
