/* Earshot: a located event, as the locate and classify stages produce it and
 * the publisher turns it into an `event` or `alert` message (CONTRACT.md
 * section 3). Plain data, safe to copy and to serialise. */
#ifndef EARSHOT_EVENT_H
#define EARSHOT_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ES_KIND_UNKNOWN = 0,
    ES_KIND_LAUNCH = 1,
    ES_KIND_IMPACT = 2
} es_kind;

typedef enum {
    ES_CLASS_UNKNOWN = 0,
    ES_CLASS_MORTAR = 1,
    ES_CLASS_ROCKET = 2,
    ES_CLASS_ARTILLERY = 3
} es_class;

const char *es_kind_name(es_kind k);     /* "launch", "impact", "unknown" */
const char *es_class_name(es_class c);   /* "mortar", ... , "unknown" */

/* What the classifier judges by (dsp/features.c), published as the event
 * extension "features" so an analyst can see why. NaN: not measured. */
typedef struct {
    /* The blast: the first 20 ms after each used sensor's onset, spreading
     * and air absorption undone with the solved position; medians over the
     * used sensors (a clipped or slammed microphone does not move them). */
    double level_db;          /* sound exposure at 1 m, dB re (20 uPa)^2 s */
    double peak_level_db;     /* peak SPL at 1 m, dB re 20 uPa */
    double centroid_hz;       /* energy centroid of the source spectrum */
    double pulse_ms;          /* onset to the end of the first lobe */
    /* The 20 ms before the onset over the level the detector fired
     * against (es_onset.noise_dbfs: the quiet, or the medium-term level of
     * a sound already going on): a blast out of the quiet or out of
     * another event's steady roar reads 0 dB, a sound that built up to
     * its onset reads its rise. */
    double pre_rise_db;
    /* What followed the blast at each used sensor (es_history): power
     * 0.05-0.5 s after the onset over the blast's (tail_db) and over the
     * noise before it (tail_snr_db), and 0.5-1.5 s after over the noise
     * (late_snr_db, once heard); tail_s: the most any used sensor has
     * heard after its onset so far. */
    double tail_s;
    double tail_db, tail_snr_db, late_snr_db;
    /* How the tail sounds: its 90th-percentile 20 ms power over its median
     * 20 ms (a motor's steady roar: a few dB; thunder's repeated claps: 10
     * or more; one bang in it moves neither), and
     * how alike two sensors' tails are (the median GCC peak of their first
     * 0.4 s, aligned on their onsets: one roaring point source is
     * coherent, a rumble from kilometres of channel is not). */
    double tail_crest_db, tail_coherence;
    /* The fit: the solved speed of sound against the configured air, in
     * sigmas of its prior (a source high above the array, like thunder's
     * channel, sweeps the array faster than sound along the ground). */
    double speed_z;
    /* A supersonic projectile's crack heard before this blast: a wavefront
     * that three quarters of the sensors heard clearly but that fits no
     * point source (or one located as a point on the shell's path), 0.02-6 s
     * ahead of the blast at two thirds of the sensors that heard both.
     * The median lead (s); NaN (or 0): none. A mortar bomb is subsonic, so
     * a crack rules it out (an artillery shell or a rocket). */
    double crack_lead_s;
} es_features;

typedef struct {
    uint64_t id;                 /* unique for this engine instance */
    int revision;                /* 0 first, then 1, 2, ... */
    es_kind kind;
    es_class cls;
    double confidence;           /* 0..1 */

    /* Origin time in seconds after the first sample of the stream (replay);
     * the publisher adds the stream's UNIX start time for live runs. */
    double t_origin_s;
    double e_m, n_m, u_m;        /* position on the site plane */
    double lat_deg, lon_deg, alt_m;
    double cep50_m, semi_major_m, semi_minor_m, orientation_deg;
    double range_m, bearing_deg; /* from site.origin */
    /* A second position the arrivals fit nearly as well (a line array's
     * mirror image): has_alternative 0 when the data rule any out. */
    int has_alternative;
    double alt_e_m, alt_n_m, alt_lat_deg, alt_lon_deg;
    double alt_range_m, alt_bearing_deg, alt_probability;

    size_t n_used;               /* sensors whose data the solution used */
    uint16_t used[ES_MAX_SENSORS];       /* indices into the config sensors */
    size_t n_rejected;           /* heard, but left out by the solver */
    uint16_t rejected[ES_MAX_SENSORS];

    /* Stream frame at which the wavefront reached the last used sensor:
     * the start of the contract's latency_ms. */
    int64_t last_arrival_frame;

    /* Diagnostics, published as extension fields. */
    double residual_rms_s;       /* RMS of the used arrival residuals */
    double peak_dbfs;            /* loudest conditioned peak among used */
    double source_level_db;      /* estimated SPL at 1 m, dB re 20 uPa */
    double mean_snr_db;
    double c_mps;                /* effective speed of sound of the fix */
    double c_sigma_mps;          /* its 1-sigma (0: held at the config's) */
    double gcc_peak_median;      /* median GCC peak of the used sensors
                                    against the reference: coherence */
    es_features features;
    /* Latency parts (live and paced replay; 0 otherwise): from the last
     * used arrival to the capture of its block (buffering), and the stream
     * time the analysis then waited for the event to complete (window).
     * The rest of latency_ms is processing. */
    double latency_buffer_s;
    double latency_window_s;
} es_event;

#ifdef __cplusplus
}
#endif
#endif
