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
