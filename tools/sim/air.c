/* The air model; see air.h for the formulae and their sources. */
#include "air.h"

#include <math.h>

#include "simconst.h"

static double kelvin(const sim_air *a)
{
    return a->temperature_c + 273.15;
}

/* ISO 9613-1 annex B: h = h_r (p_sat / p_r) / (p_a / p_r), with
 * p_sat / p_r = 10^C, C = -6.8346 (T01 / T)^1.261 + 4.6151, T01 = 273.16 K. */
double sim_air_vapour_molar_pct(const sim_air *a)
{
    const double p_ref_kpa = 101.325, t01 = 273.16;
    double c = -6.8346 * pow(t01 / kelvin(a), 1.261) + 4.6151;
    return a->humidity_pct * pow(10.0, c) * (p_ref_kpa / a->pressure_kpa);
}

double sim_air_speed_of_sound_mps(const sim_air *a)
{
    double t_k = kelvin(a);
    double c_dry = 331.3 * sqrt(t_k / 273.15);
    /* Mole fraction of vapour -> specific humidity (mass fraction). */
    double x = sim_air_vapour_molar_pct(a) / 100.0;
    const double m_d = 28.9647, m_v = 18.01528;          /* g/mol */
    double q = x * m_v / (x * m_v + (1.0 - x) * m_d);
    const double cp_d = 1005.0, cv_d = 718.0, cp_v = 1875.0, cv_v = 1410.0;
    double gamma_d = cp_d / cv_d;
    double gamma_m = (cp_d * (1.0 - q) + cp_v * q) / (cv_d * (1.0 - q) + cv_v * q);
    double r_ratio = 1.0 + 0.608 * q;  /* R_m / R_d, 0.608 = m_d / m_v - 1 */
    return c_dry * sqrt(gamma_m / gamma_d * r_ratio);
}

/* ISO 9613-1:1993 equations (3) to (5). */
double sim_air_absorption_db_per_m(const sim_air *a, double f_hz)
{
    const double p_ref_kpa = 101.325, t0 = 293.15;
    double t = kelvin(a), pr = a->pressure_kpa / p_ref_kpa;
    double h = sim_air_vapour_molar_pct(a);
    double fr_o = pr * (24.0 + 4.04e4 * h * (0.02 + h) / (0.391 + h));
    double fr_n = pr * pow(t / t0, -0.5) *
                  (9.0 + 280.0 * h * exp(-4.170 * (pow(t / t0, -1.0 / 3.0) - 1.0)));
    double f2 = f_hz * f_hz;
    double classical = 1.84e-11 / pr * sqrt(t / t0);
    double oxygen = 0.01275 * exp(-2239.1 / t) / (fr_o + f2 / fr_o);
    double nitrogen = 0.1068 * exp(-3352.0 / t) / (fr_n + f2 / fr_n);
    return 8.686 * f2 * (classical + pow(t / t0, -2.5) * (oxygen + nitrogen));
}

void sim_air_wind_en(const sim_air *a, double w_en[2])
{
    double to_rad = (a->wind_from_deg + 180.0) * SIM_DEG;
    w_en[0] = a->wind_speed_mps * sin(to_rad);
    w_en[1] = a->wind_speed_mps * cos(to_rad);
}

double sim_air_travel_time_s(const double src_m[3], const double rcv_m[3], double c_mps,
                             const double w_en[2])
{
    double d[3] = {rcv_m[0] - src_m[0], rcv_m[1] - src_m[1], rcv_m[2] - src_m[2]};
    double t = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / c_mps;
    for (int it = 0; it < 200; it++) {
        double e = d[0] - w_en[0] * t, n = d[1] - w_en[1] * t;
        double next = sqrt(e * e + n * n + d[2] * d[2]) / c_mps;
        double step = fabs(next - t);
        t = next;
        if (step <= 1e-12)
            break;
    }
    return t;
}
