/* Shared by the locate tests: array geometries and arrival times computed
 * independently of the solver (fixed-point iteration of t = |d - w t| / c
 * rather than the closed form the library uses). */
#ifndef EARSHOT_TESTS_DSP_LOCATE_COMMON_H
#define EARSHOT_TESTS_DSP_LOCATE_COMMON_H

#include <string.h>

#include "check.h"
#include "earshot/locate.h"

#define SENSOR_HEIGHT_M 1.5

/* Speed of sound and wind vector from their definitions (CONTRACT: wind
 * blows FROM the direction, clockwise from north). */
static inline double ref_speed_of_sound(double temperature_c)
{
    return 331.3 * sqrt(1.0 + temperature_c / 273.15);
}

static inline void ref_wind(double speed_mps, double from_deg, double w[2])
{
    double from_rad = from_deg * TEST_PI / 180.0;
    w[0] = -speed_mps * sin(from_rad);
    w[1] = -speed_mps * cos(from_rad);
}

/* Travel time by fixed-point iteration (a contraction: |w| / c << 1). */
static inline double ref_travel_time(const double src[3], const double rcv[3], double c,
                                     const double w[2])
{
    double d[3] = {rcv[0] - src[0], rcv[1] - src[1], rcv[2] - src[2]};
    double t = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / c;
    for (int it = 0; it < 200; it++) {
        double x = d[0] - w[0] * t, y = d[1] - w[1] * t;
        double t_next = sqrt(x * x + y * y + d[2] * d[2]) / c;
        if (fabs(t_next - t) < 1e-16)
            return t_next;
        t = t_next;
    }
    return t;
}

/* n sensors on a circle of radius_m, the first at bearing first_deg. */
static inline void ring_config(es_locate_config *cfg, size_t n, double radius_m,
                               double first_deg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n_sensors = n;
    for (size_t i = 0; i < n; i++) {
        double b = (first_deg + 360.0 * (double)i / (double)n) * TEST_PI / 180.0;
        cfg->sensor_m[i][0] = radius_m * sin(b);
        cfg->sensor_m[i][1] = radius_m * cos(b);
        cfg->sensor_m[i][2] = SENSOR_HEIGHT_M;
    }
    cfg->source_u_m = 0.0;
    cfg->search_max_range_m = 30000.0;
    cfg->max_iterations = 50;
    cfg->cov_mode = ES_COV_APRIORI;
    cfg->outlier_sigma = 0.0;
    cfg->min_sensors = ES_MIN_SENSORS_TO_LOCATE;
}

/* n sensors on the east axis, spacing_m apart, centred on the origin. */
static inline void line_config(es_locate_config *cfg, size_t n, double spacing_m)
{
    ring_config(cfg, n, 1.0, 0.0);
    for (size_t i = 0; i < n; i++) {
        cfg->sensor_m[i][0] = spacing_m * ((double)i - 0.5 * (double)(n - 1));
        cfg->sensor_m[i][1] = 0.0;
    }
}

/* Exact arrivals of a source at (e, n, cfg->source_u_m), origin time t0_s,
 * at every configured sensor. */
static inline void exact_input(const es_locate_config *cfg, double e_m, double n_m,
                               double t0_s, double c, const double w[2], double sigma_s,
                               es_locate_input *in)
{
    memset(in, 0, sizeof *in);
    double src[3] = {e_m, n_m, cfg->source_u_m};
    in->n = cfg->n_sensors;
    in->c_mps = c;
    in->wind_en_mps[0] = w[0];
    in->wind_en_mps[1] = w[1];
    for (size_t i = 0; i < cfg->n_sensors; i++) {
        in->sensor[i] = (unsigned)i;
        in->arrival_s[i] = t0_s + ref_travel_time(src, cfg->sensor_m[i], c, w);
        in->sigma_s[i] = sigma_s;
    }
}

#endif
