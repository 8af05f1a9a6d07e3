/* Earshot: the locate stage: from a group of associated onsets to a located
 * event (DESIGN.md "locate").
 *
 * The coarse onsets of a group are refined into precise arrival-time
 * differences by GCC-PHAT of each sensor's snippet against a reference
 * sensor's (the one with the best signal-to-noise ratio); es_locate then
 * solves the position and origin time with the configured speed of sound
 * and wind; the covariance gives CEP50 and the 1-sigma ellipse, the
 * geodesy gives latitude and longitude, and the origin gives range and
 * bearing. The result also predicts the arrival at every sensor, so the
 * associator can absorb late onsets of the same wavefront. */
#ifndef EARSHOT_LOCALIZER_H
#define EARSHOT_LOCALIZER_H

#include <stdint.h>

#include "earshot/associator.h"
#include "earshot/config.h"
#include "earshot/event.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_localizer_s *es_localizer;

typedef struct {
    size_t n_sensors;
    double sensor_m[ES_MAX_SENSORS][3];
    double sample_rate_hz;
    double origin_lat_deg, origin_lon_deg, origin_alt_m;
    double band_lo_hz, band_hi_hz;   /* GCC-PHAT band */
    double max_refine_s;         /* GCC search gate around the coarse onsets,
                                    default 0.02 */
    double sigma_floor_s;        /* smallest timing sigma of a GCC lag,
                                    default 20e-6 */
    /* 1-sigma of each sensor's configured position, metres: an arrival is
     * that uncertain in time (over the speed of sound) even when the lag is
     * measured perfectly. 0 for a perfectly surveyed array. */
    double position_sigma_m;
    double min_peak;             /* GCC peaks below this drop the sensor,
                                    default 0.08 */
    double search_max_range_m;   /* default 30000 */
    double outlier_sigma;        /* robust threshold, default 6 */
    /* 1-sigma of the configured speed of sound, m/s: how far the real air
     * (a temperature a few degrees off, humidity) may be from it. The
     * solver estimates the effective speed with this prior where the
     * geometry supports it. 0: from physics (es_speed_of_sound_sigma_mps:
     * 1.2 m/s in cold air, 2 m/s at 45 C with unmeasured humidity);
     * negative keeps the speed fixed. */
    double speed_sigma_mps;
} es_localizer_config;

es_localizer es_localizer_create(const es_localizer_config *cfg, es_error *err);

/* Locates group g in air of temperature and wind atm. On success fills ev
 * (position, t_origin_s, uncertainty, range/bearing, lat/lon, used and
 * rejected sensors, last_arrival_frame, peak/noise figures; not kind,
 * class, confidence or id) and predicted_frame[s] for every sensor s.
 * Returns ES_EINVAL for fewer than ES_MIN_SENSORS_TO_LOCATE usable
 * arrivals and ES_ENOCONV when no acceptable fit exists. */
int es_localizer_execute(es_localizer L, const es_onset_group *g,
                         const es_atmosphere_config *atm, es_event *ev,
                         int64_t *predicted_frame);

void es_localizer_destroy(es_localizer *L);

#ifdef __cplusplus
}
#endif
#endif
