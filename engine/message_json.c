/* The JSON bodies of `event`, `alert` and `heartbeat` messages
 * (CONTRACT.md section 3; extensions documented in the README).
 *
 * Numbers are rounded to what they are worth before printing: positions to
 * 0.01 m, lat/lon to 1e-8 deg (about 1 mm), angles to 0.01 deg, times to
 * 1e-6 s, levels to 0.1 dB, latency to 0.001 ms. x rounded to 1/scale is
 * computed as round(x * scale) / scale, the double nearest to a decimal of
 * at most 15 significant digits, which the 15-digit printer (ES_MSG_DUMP_FLAGS)
 * prints back exactly: no 0.30000000000000004. UNIX times (10 integer
 * digits) therefore keep 1e-5 s, half a sample at 48 kHz.
 *
 * JSON has no NaN or Inf and jansson refuses to build them, so a
 * non-finite number never reaches the printer: levels in dB are clamped to
 * the -200 dB floor the health monitor uses for silence (-inf -> -200), and
 * any other non-finite value (NaN, +inf dB, a diverged position) is
 * published as null, which a subscriber can test for. */
#include "message_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "earshot/atmosphere.h"
#include "earshot/version.h"

#define SCALE_M 1e2          /* metres: 0.01 m */
#define SCALE_GEO_DEG 1e8    /* lat/lon: 1e-8 deg */
#define SCALE_DEG 1e2        /* bearings, orientations, wind: 0.01 deg */
#define SCALE_S 1e6          /* times: 1e-6 s */
#define SCALE_MS 1e3         /* latency: 0.001 ms */
#define SCALE_RESIDUAL_MS 1e5 /* fit residuals: 0.01 us, they can be that small */
#define SCALE_DB 1e1         /* levels: 0.1 dB */
#define SCALE_UNIT 1e3       /* confidence: 0.001 */
#define SCALE_ATMOS 1e2      /* degC, m/s: 0.01 */

#define DB_FLOOR (-200.0)

/* Beyond 2^52 a double has no fraction left to round. */
#define ROUND_LIMIT 4503599627370496.0

static double round_to(double x, double scale)
{
    const double y = x * scale;
    if (!isfinite(y) || fabs(y) >= ROUND_LIMIT)
        return x + 0.0;
    /* + 0.0 turns -0.0 into 0.0, so a tiny negative never prints "-0.0". */
    return round(y) / scale + 0.0;
}

json_t *es_msg_real(double x, double scale)
{
    if (!isfinite(x))
        return json_null();
    return json_real(round_to(x, scale));
}

static json_t *db_value(double db)
{
    if (isnan(db) || db == INFINITY)
        return json_null();
    return json_real(round_to(db < DB_FLOOR ? DB_FLOOR : db, SCALE_DB));
}

static json_t *count_value(uint64_t n)
{
    return json_integer(n > (uint64_t)INT64_MAX ? (json_int_t)INT64_MAX
                                                 : (json_int_t)n);
}

/* A sensor id as a JSON string; null if it is not valid UTF-8 (a config
 * built in code could hold anything) rather than a missing field. */
static json_t *id_value(const char *id)
{
    json_t *s = json_stringn(id, strnlen(id, ES_SENSOR_ID_MAX));
    return s != NULL ? s : json_null();
}

/* json_object_set_new that reports failure as a nonzero bit. */
static int put(json_t *obj, const char *key, json_t *value)
{
    return json_object_set_new(obj, key, value) != 0;
}

static json_t *sensor_list(const uint16_t *idx, size_t n,
                           const es_msg_sensor_ids *ids)
{
    json_t *arr = json_array();
    if (arr == NULL)
        return NULL;
    if (n > ES_MAX_SENSORS)
        n = ES_MAX_SENSORS;
    for (size_t i = 0; i < n; i++) {
        /* An index outside the site config is a bug upstream; publish null
         * in its place rather than read out of bounds. */
        json_t *v = idx[i] < ids->n ? id_value(ids->ids[idx[i]]) : json_null();
        if (json_array_append_new(arr, v) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *position_object(const es_event *ev)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = 0;
    bad |= put(o, "e_m", es_msg_real(ev->e_m, SCALE_M));
    bad |= put(o, "n_m", es_msg_real(ev->n_m, SCALE_M));
    bad |= put(o, "u_m", es_msg_real(ev->u_m, SCALE_M));
    bad |= put(o, "lat", es_msg_real(ev->lat_deg, SCALE_GEO_DEG));
    bad |= put(o, "lon", es_msg_real(ev->lon_deg, SCALE_GEO_DEG));
    bad |= put(o, "alt_m", es_msg_real(ev->alt_m, SCALE_M));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The extension "alternative": null, or where else the source may be. */
static json_t *alternative_object(const es_event *ev)
{
    if (!ev->has_alternative)
        return json_null();
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = 0;
    bad |= put(o, "e_m", es_msg_real(ev->alt_e_m, SCALE_M));
    bad |= put(o, "n_m", es_msg_real(ev->alt_n_m, SCALE_M));
    bad |= put(o, "lat", es_msg_real(ev->alt_lat_deg, SCALE_GEO_DEG));
    bad |= put(o, "lon", es_msg_real(ev->alt_lon_deg, SCALE_GEO_DEG));
    bad |= put(o, "range_m", es_msg_real(ev->alt_range_m, SCALE_M));
    bad |= put(o, "bearing_deg", es_msg_real(ev->alt_bearing_deg, SCALE_DEG));
    bad |= put(o, "probability", es_msg_real(ev->alt_probability, SCALE_UNIT));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *uncertainty_object(const es_event *ev)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = 0;
    bad |= put(o, "cep50_m", es_msg_real(ev->cep50_m, SCALE_M));
    bad |= put(o, "semi_major_m", es_msg_real(ev->semi_major_m, SCALE_M));
    bad |= put(o, "semi_minor_m", es_msg_real(ev->semi_minor_m, SCALE_M));
    bad |= put(o, "orientation_deg", es_msg_real(ev->orientation_deg, SCALE_DEG));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The extension "features": what the classifier judged by (es_features),
 * null where not measured. */
static json_t *features_object(const es_event *ev)
{
    const es_features *x = &ev->features;
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = 0;
    bad |= put(o, "level_db", es_msg_real(x->level_db, SCALE_DB));
    bad |= put(o, "peak_level_db", es_msg_real(x->peak_level_db, SCALE_DB));
    bad |= put(o, "centroid_hz", es_msg_real(x->centroid_hz, SCALE_DB));
    bad |= put(o, "pulse_ms", es_msg_real(x->pulse_ms, SCALE_MS));
    bad |= put(o, "pre_rise_db", es_msg_real(x->pre_rise_db, SCALE_DB));
    bad |= put(o, "coherence", es_msg_real(ev->gcc_peak_median, SCALE_UNIT));
    bad |= put(o, "tail_s", es_msg_real(x->tail_s, SCALE_MS));
    bad |= put(o, "tail_db", es_msg_real(x->tail_db, SCALE_DB));
    bad |= put(o, "tail_snr_db", es_msg_real(x->tail_snr_db, SCALE_DB));
    bad |= put(o, "late_snr_db", es_msg_real(x->late_snr_db, SCALE_DB));
    bad |= put(o, "tail_crest_db", es_msg_real(x->tail_crest_db, SCALE_DB));
    bad |= put(o, "tail_coherence", es_msg_real(x->tail_coherence, SCALE_UNIT));
    bad |= put(o, "speed_z", es_msg_real(x->speed_z, SCALE_ATMOS));
    bad |= put(o, "crack_lead_s", es_msg_real(x->crack_lead_s, SCALE_MS));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The contract promises confidence in 0..1; hold the promise even if a
 * stage upstream overshoots. */
static json_t *confidence_value(double c)
{
    if (!isfinite(c))
        return json_null();
    return json_real(round_to(c < 0.0 ? 0.0 : c > 1.0 ? 1.0 : c, SCALE_UNIT));
}

/* The common head of every body, with seq and t as placeholders. */
static int put_head(json_t *o, const char *schema, const char *topic)
{
    int bad = 0;
    bad |= put(o, "schema", json_string(schema));
    bad |= put(o, "topic", json_string(topic));
    bad |= put(o, "seq", json_integer(0));
    bad |= put(o, "t", json_real(0.0));
    return bad;
}

json_t *es_msg_event_body(const es_event *ev, const char *topic,
                          const es_msg_sensor_ids *ids,
                          double t_origin_offset_s)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    char id[32];
    snprintf(id, sizeof id, "E%" PRIu64, ev->id);
    int bad = put_head(o, ES_SCHEMA_EVENT, topic);
    bad |= put(o, "id", json_string(id));
    bad |= put(o, "revision", json_integer(ev->revision));
    bad |= put(o, "kind", json_string(es_kind_name(ev->kind)));
    bad |= put(o, "class", json_string(es_class_name(ev->cls)));
    bad |= put(o, "t_origin",
               es_msg_real(ev->t_origin_s + t_origin_offset_s, SCALE_S));
    bad |= put(o, "position", position_object(ev));
    bad |= put(o, "uncertainty", uncertainty_object(ev));
    bad |= put(o, "range_m", es_msg_real(ev->range_m, SCALE_M));
    bad |= put(o, "bearing_deg", es_msg_real(ev->bearing_deg, SCALE_DEG));
    bad |= put(o, "confidence", confidence_value(ev->confidence));
    bad |= put(o, "sensors", sensor_list(ev->used, ev->n_used, ids));
    bad |= put(o, "latency_ms", json_null());
    /* Extensions. */
    bad |= put(o, "sensors_rejected",
               sensor_list(ev->rejected, ev->n_rejected, ids));
    bad |= put(o, "residual_rms_ms",
               es_msg_real(ev->residual_rms_s * 1e3, SCALE_RESIDUAL_MS));
    bad |= put(o, "peak_dbfs", db_value(ev->peak_dbfs));
    bad |= put(o, "source_level_db", db_value(ev->source_level_db));
    bad |= put(o, "snr_db", db_value(ev->mean_snr_db));
    bad |= put(o, "latency_buffer_ms", es_msg_real(ev->latency_buffer_s * 1e3, SCALE_MS));
    bad |= put(o, "latency_window_ms", es_msg_real(ev->latency_window_s * 1e3, SCALE_MS));
    bad |= put(o, "speed_of_sound_mps", es_msg_real(ev->c_mps, SCALE_ATMOS));
    bad |= put(o, "speed_of_sound_sigma_mps", es_msg_real(ev->c_sigma_mps, SCALE_ATMOS));
    bad |= put(o, "alternative", alternative_object(ev));
    bad |= put(o, "features", features_object(ev));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *sensor_health_object(const es_sensor_health *s)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    const es_health_snapshot *h = &s->health;
    int bad = 0;
    bad |= put(o, "id", id_value(s->id));
    bad |= put(o, "ok", json_boolean(h->ok && !s->suspect));
    bad |= put(o, "level_dbfs", db_value(h->level_dbfs));
    bad |= put(o, "clipping", json_boolean(h->clipping));
    /* Extensions. */
    bad |= put(o, "peak_dbfs", db_value(h->peak_dbfs));
    bad |= put(o, "dead", json_boolean(h->dead));
    bad |= put(o, "stuck", json_boolean(h->stuck));
    bad |= put(o, "clipped_samples", count_value(h->clipped_samples));
    bad |= put(o, "rejected_recent", json_integer((json_int_t)s->rejected_recent));
    bad |= put(o, "suspect", json_boolean(s->suspect));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *sensor_health_list(const es_heartbeat *hb)
{
    json_t *arr = json_array();
    if (arr == NULL)
        return NULL;
    const size_t n = hb->n_sensors < ES_MAX_SENSORS ? hb->n_sensors
                                                    : ES_MAX_SENSORS;
    for (size_t i = 0; i < n; i++) {
        if (json_array_append_new(arr, sensor_health_object(&hb->sensors[i]))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *atmosphere_object(const es_atmosphere_config *a)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = 0;
    bad |= put(o, "temperature_c", es_msg_real(a->temperature_c, SCALE_ATMOS));
    bad |= put(o, "wind_speed_mps", es_msg_real(a->wind_speed_mps, SCALE_ATMOS));
    bad |= put(o, "wind_from_deg", es_msg_real(a->wind_from_deg, SCALE_DEG));
    /* Extension: the speed the solver uses at this temperature. */
    bad |= put(o, "speed_of_sound_mps",
               es_msg_real(es_speed_of_sound_moist_mps(a->temperature_c, a->humidity_pct, a->pressure_kpa),
                           SCALE_ATMOS));
    if (a->humidity_pct >= 0.0)
        bad |= put(o, "humidity_pct", es_msg_real(a->humidity_pct, SCALE_ATMOS));
    if (a->pressure_kpa > 0.0)
        bad |= put(o, "pressure_kpa", es_msg_real(a->pressure_kpa, SCALE_ATMOS));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *es_msg_heartbeat_body(const es_heartbeat *hb, const char *endpoint,
                              double uptime_s)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int bad = put_head(o, ES_SCHEMA_HEARTBEAT, "heartbeat");
    bad |= put(o, "sensors", sensor_health_list(hb));
    bad |= put(o, "overruns", count_value(hb->overruns));
    bad |= put(o, "endpoint", json_string(endpoint));
    bad |= put(o, "atmosphere", atmosphere_object(&hb->atmosphere));
    /* Extensions. */
    bad |= put(o, "stream_time_s", es_msg_real(hb->stream_time_s, SCALE_S));
    bad |= put(o, "events", count_value(hb->events));
    bad |= put(o, "alerts", count_value(hb->alerts));
    bad |= put(o, "uptime_s", es_msg_real(uptime_s, SCALE_MS));
    bad |= put(o, "version", json_string(ES_VERSION_STRING));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int es_msg_stamp(json_t *body, uint64_t seq, double t_unix_s)
{
    int bad = put(body, "seq", count_value(seq));
    bad |= put(body, "t", es_msg_real(t_unix_s, SCALE_S));
    return bad ? ES_ENOMEM : ES_OK;
}

int es_msg_set_latency(json_t *body, double latency_ms)
{
    return put(body, "latency_ms", es_msg_real(latency_ms, SCALE_MS))
               ? ES_ENOMEM : ES_OK;
}
