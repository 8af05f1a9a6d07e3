/* Speed of sound in moist air and how uncertain it is from a configured
 * temperature (see include/earshot/atmosphere.h).
 *
 * Water vapour is lighter than dry air (18 against 29 g/mol) and has more
 * degrees of freedom: in an ideal-gas mixture with vapour mole fraction h,
 *   M = M_dry (1 - 0.378 h),  Cv = (5/2 (1 - h) + 3 h) R,  gamma = Cv+R / Cv,
 *   c_moist / c_dry = sqrt(gamma / 1.4 / (1 - 0.378 h)) ~ 1 + 0.16 h.
 * h = RH p_sat(T) / p with the saturation pressure of ISO 9613-1 (the
 * standard's own formula, as the absorption model uses). At 20 C and 50 %
 * that is +0.6 m/s; at 45 C and 90 %, +5 m/s: as much as 8 C of error in
 * the temperature, which is why a hot, humid site needs it. */
#include <math.h>

#include "earshot/atmosphere.h"

#define KELVIN 273.15
#define TRIPLE_POINT_K 273.16
#define STANDARD_PRESSURE_KPA 101.325
#define ASSUMED_HUMIDITY_PCT 50.0
/* A configured temperature is a thermometer at one place and time: worth
 * about 2 C (1-sigma) for the air along kilometres of path. */
#define TEMPERATURE_SIGMA_C 2.0
/* Humidity nobody measured: anything from 10 to 90 % (uniform: 23 %). */
#define UNKNOWN_HUMIDITY_SIGMA_PCT 23.0
/* A configured humidity: a hygrometer, about 5 %. */
#define KNOWN_HUMIDITY_SIGMA_PCT 5.0

/* Vapour mole fraction at relative humidity rh_pct and pressure p_kpa
 * (ISO 9613-1 eq. B.1): thinner air holds a larger fraction of vapour. */
static double vapour_fraction(double temperature_c, double rh_pct, double p_kpa)
{
    double t_k = temperature_c + KELVIN;
    double c = -6.8346 * pow(TRIPLE_POINT_K / t_k, 1.261) + 4.6151;
    double psat_kpa = STANDARD_PRESSURE_KPA * pow(10.0, c);
    double p = p_kpa > 0.0 ? p_kpa : STANDARD_PRESSURE_KPA;
    double h = rh_pct / 100.0 * psat_kpa / p;
    return h < 0.0 ? 0.0 : (h > 0.2 ? 0.2 : h);
}

static double moist_factor(double h)
{
    double cv = 2.5 * (1.0 - h) + 3.0 * h; /* in units of R */
    double gamma = (cv + 1.0) / cv;
    return sqrt(gamma / 1.4 / (1.0 - 0.378 * h));
}

double es_speed_of_sound_moist_mps(double temperature_c, double humidity_pct, double pressure_kpa)
{
    double rh = humidity_pct >= 0.0 ? humidity_pct : ASSUMED_HUMIDITY_PCT;
    double c_dry = es_speed_of_sound_mps(temperature_c);
    return c_dry * moist_factor(vapour_fraction(temperature_c, rh, pressure_kpa));
}

double es_speed_of_sound_humid_mps(double temperature_c, double humidity_pct)
{
    return es_speed_of_sound_moist_mps(temperature_c, humidity_pct, STANDARD_PRESSURE_KPA);
}

double es_pressure_at_altitude_kpa(double alt_m)
{
    /* Isothermal standard atmosphere, scale height 8.43 km: within 1 % of
     * the ICAO table up to 3 km, where camps are. */
    return STANDARD_PRESSURE_KPA * exp(-alt_m / 8434.0);
}

double es_speed_of_sound_sigma_mps(double temperature_c, double humidity_pct,
                                   double temperature_sigma_c, double pressure_kpa)
{
    double c = es_speed_of_sound_moist_mps(temperature_c, humidity_pct, pressure_kpa);
    double dc_dt = 0.5 * c / (temperature_c + KELVIN); /* c ~ sqrt(T) */
    double rh = humidity_pct >= 0.0 ? humidity_pct : ASSUMED_HUMIDITY_PCT;
    double sigma_rh = humidity_pct >= 0.0 ? KNOWN_HUMIDITY_SIGMA_PCT : UNKNOWN_HUMIDITY_SIGMA_PCT;
    /* The humidity term by a finite difference of the model itself. */
    double dc_drh =
        (es_speed_of_sound_moist_mps(temperature_c, fmin(rh + 1.0, 100.0), pressure_kpa) -
         es_speed_of_sound_moist_mps(temperature_c, fmax(rh - 1.0, 0.0), pressure_kpa)) / 2.0;
    double sigma_t = temperature_sigma_c > 0.0 ? temperature_sigma_c : TEMPERATURE_SIGMA_C;
    double from_t = dc_dt * sigma_t, from_rh = dc_drh * sigma_rh;
    return sqrt(from_t * from_t + from_rh * from_rh);
}

/* ISO 9613-1:1993 eq. 3-5: classical absorption plus the vibrational
 * relaxation of oxygen and nitrogen, whose relaxation frequencies rise
 * with the water vapour that catalyses them. */
double es_absorption_db_per_m(double f_hz, double temperature_c, double humidity_pct,
                              double pressure_kpa)
{
    double rh = humidity_pct >= 0.0 ? humidity_pct : ASSUMED_HUMIDITY_PCT;
    double p = pressure_kpa > 0.0 ? pressure_kpa : STANDARD_PRESSURE_KPA;
    double pr = p / STANDARD_PRESSURE_KPA;
    double t = (temperature_c + KELVIN) / 293.15;
    double h = 100.0 * vapour_fraction(temperature_c, rh, p); /* molar %, as the standard */
    double fr_o = pr * (24.0 + 4.04e4 * h * (0.02 + h) / (0.391 + h));
    double fr_n = pr / sqrt(t) * (9.0 + 280.0 * h * exp(-4.170 * (pow(t, -1.0 / 3.0) - 1.0)));
    double t_k = temperature_c + KELVIN, f2 = f_hz * f_hz;
    double relax = pow(t, -2.5) * (0.01275 * exp(-2239.1 / t_k) / (fr_o + f2 / fr_o) +
                                   0.1068 * exp(-3352.0 / t_k) / (fr_n + f2 / fr_n));
    return 8.686 * f2 * (1.84e-11 / pr * sqrt(t) + relax);
}
