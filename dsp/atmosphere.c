/* The propagation model: speed of sound, wind vector, travel time with
 * wind (see include/earshot/atmosphere.h). */
#include "earshot/atmosphere.h"

#include <math.h>
#include <stddef.h>

#include "propagation.h"

#define ES_KELVIN_OFFSET 273.15
#define ES_SOUND_SPEED_0C_MPS 331.3
#define ES_PI 3.14159265358979323846

/* Below absolute zero the formula has no meaning: NAN. */
double es_speed_of_sound_mps(double temperature_c)
{
    double ratio = 1.0 + temperature_c / ES_KELVIN_OFFSET;
    if (!(ratio >= 0.0))
        return NAN;
    return ES_SOUND_SPEED_0C_MPS * sqrt(ratio);
}

/* A wind FROM from_deg moves the air towards from_deg + 180. */
void es_wind_vector(double speed_mps, double from_deg, double wind_en_mps[2])
{
    double from_rad = from_deg * (ES_PI / 180.0);
    wind_en_mps[0] = -speed_mps * sin(from_rad);
    wind_en_mps[1] = -speed_mps * cos(from_rad);
}

/* Returns NAN (never a clamped value) when |wind| >= c, c <= 0 or any input
 * is not finite: a wind that outruns sound makes the model meaningless and
 * callers must see that rather than a plausible-looking number. */
double es_travel_time_s(const double src_m[3], const double rcv_m[3],
                        double c_mps, const double wind_en_mps[2])
{
    double w2 = wind_en_mps[0] * wind_en_mps[0] + wind_en_mps[1] * wind_en_mps[1];
    double a_coef = c_mps * c_mps - w2;
    if (!(c_mps > 0.0) || !(a_coef > 0.0) || !isfinite(a_coef))
        return NAN;
    double t = es__travel_time_kernel(rcv_m[0] - src_m[0], rcv_m[1] - src_m[1],
                                      rcv_m[2] - src_m[2], wind_en_mps[0],
                                      wind_en_mps[1], a_coef, NULL);
    return isfinite(t) ? t : NAN;
}
