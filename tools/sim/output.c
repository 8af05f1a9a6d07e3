/* Writing the recording, the site config and the truth. JSON objects keep
 * their insertion order and numbers are printed with 15 significant digits,
 * so the files are byte-identical from run to run. */
#include "output.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "air.h"
#include "geo.h"
#include "source.h"

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static int sf_format(sim_format f)
{
    switch (f) {
    case SIM_FMT_PCM16: return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case SIM_FMT_FLOAT: return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    default: return SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    }
}

int sim_write_audio(const sim_render *r, const char *path, es_error *err)
{
    size_t nch = r->sc->n_sensors;
    SF_INFO info = {0};
    info.samplerate = r->sc->sample_rate;
    info.channels = (int)nch;
    info.format = sf_format(r->sc->format);
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (f == NULL)
        return es_error_set(err, ES_EIO, "%s: cannot write: %s", path, sf_strerror(NULL));
    /* Values are already within +-1; clipping in libsndfile only guards
     * the conversion of exactly 1.0 (its return is the new setting). */
    (void)sf_command(f, SFC_SET_CLIPPING, NULL, SF_TRUE);
    const size_t block = 4096;
    double *buf = malloc(block * nch * sizeof *buf);
    int st = buf == NULL ? es_error_set(err, ES_ENOMEM, "%s: out of memory", path) : ES_OK;
    for (size_t i0 = 0; st == ES_OK && i0 < r->n_frames; i0 += block) {
        size_t n = i0 + block < r->n_frames ? block : r->n_frames - i0;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < nch; k++)
                buf[i * nch + k] = r->chan[k][i0 + i];
        if (sf_writef_double(f, buf, (sf_count_t)n) != (sf_count_t)n)
            st = es_error_set(err, ES_EIO, "%s: write failed: %s", path, sf_strerror(f));
    }
    free(buf);
    if (sf_close(f) != 0 && st == ES_OK)
        st = es_error_set(err, ES_EIO, "%s: close failed", path);
    return st;
}

/* Appends v (taking it); on failure drops the whole array: the caller's
 * json_pack then fails and the file is reported as not written. */
static json_t *push(json_t *arr, json_t *v)
{
    if (arr == NULL) {
        json_decref(v);
        return NULL;
    }
    if (v == NULL || json_array_append_new(arr, v) != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static int dump(json_t *root, const char *path, es_error *err)
{
    if (root == NULL)
        return es_error_set(err, ES_ENOMEM, "%s: out of memory", path);
    int rc = json_dump_file(root, path, JSON_FLAGS);
    json_decref(root);
    if (rc != 0)
        return es_error_set(err, ES_EIO, "%s: cannot write: %s", path, strerror(errno));
    return ES_OK;
}

static json_t *origin_json(const sim_scenario *sc)
{
    return json_pack("{s:f, s:f, s:f}", "lat", sc->lat_deg, "lon", sc->lon_deg, "alt_m", sc->alt_m);
}

int sim_write_site(const sim_scenario *sc, const char *endpoint, const char *path, es_error *err)
{
    json_t *sensors = json_array();
    for (size_t k = 0; sensors != NULL && k < sc->n_sensors; k++) {
        const sim_sensor *s = &sc->sensors[k];
        sensors = push(sensors, json_pack("{s:s, s:I, s:f, s:f, s:f}", "id", s->id, "channel",
                                          (json_int_t)k, "e_m", s->config_m[0], "n_m",
                                          s->config_m[1], "u_m", s->config_m[2]));
    }
    json_t *root = json_pack(
        "{s:{s:s, s:o}, s:{s:i, s:s}, s:o, s:{s:f, s:f, s:f}, s:{s:s}, s:{s:f}}",
        "site", "name", sc->site_name, "origin", origin_json(sc),
        "audio", "sample_rate", sc->sample_rate, "device", "default",
        "sensors", sensors,
        "atmosphere", "temperature_c", sc->cfg_temperature_c, "wind_speed_mps",
        sc->cfg_wind_speed_mps, "wind_from_deg", sc->cfg_wind_from_deg,
        "publish", "endpoint", endpoint,
        "detection", "full_scale_db_spl", sc->full_scale_db);
    json_t *atm = json_object_get(root, "atmosphere");
    json_t *det = json_object_get(root, "detection");
    if (atm != NULL && sc->cfg_humidity_pct >= 0.0)
        json_object_set_new(atm, "humidity_pct", json_real(sc->cfg_humidity_pct));
    if (atm != NULL && sc->cfg_pressure_kpa > 0.0)
        json_object_set_new(atm, "pressure_kpa", json_real(sc->cfg_pressure_kpa));
    if (atm != NULL && sc->cfg_temperature_sigma_c > 0.0)
        json_object_set_new(atm, "temperature_sigma_c", json_real(sc->cfg_temperature_sigma_c));
    if (det != NULL && sc->cfg_position_sigma_m >= 0.0)
        json_object_set_new(det, "position_sigma_m", json_real(sc->cfg_position_sigma_m));
    return dump(root, path, err);
}

static json_t *atmosphere_json(const sim_render *r)
{
    const sim_air *a = &r->sc->air;
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:b, s:f, s:[f, f]}", "temperature_c",
                     a->temperature_c, "humidity_pct", a->humidity_pct, "pressure_kpa",
                     a->pressure_kpa, "wind_speed_mps", a->wind_speed_mps, "wind_from_deg",
                     a->wind_from_deg, "absorption", a->absorption, "speed_of_sound_mps",
                     r->c_mps, "wind_en_mps", r->w_en[0], r->w_en[1]);
}

/* What was done to a faulty sensor (scenario.h, sensor_faults). */
static json_t *fault_json(const sim_sensor *s)
{
    return json_pack("{s:b, s:[f, f, f], s:f, s:f}", "dead", s->dead, "config_offset_m",
                     s->config_offset_m[0], s->config_offset_m[1], s->config_offset_m[2],
                     "clock_offset_s", s->clock_offset_s, "gain_db", s->fault_gain_db);
}

static json_t *sensor_json(const sim_scenario *sc, size_t k)
{
    const sim_sensor *s = &sc->sensors[k];
    json_t *o = json_pack("{s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "id", s->id, "channel",
                          (json_int_t)k, "e_m", s->pos_m[0], "n_m", s->pos_m[1], "u_m",
                          s->pos_m[2], "config_e_m", s->config_m[0], "config_n_m",
                          s->config_m[1], "config_u_m", s->config_m[2], "gain_db", s->gain_db);
    if (o != NULL && s->has_fault && json_object_set_new(o, "fault", fault_json(s)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *sensors_json(const sim_scenario *sc)
{
    json_t *a = json_array();
    for (size_t k = 0; a != NULL && k < sc->n_sensors; k++)
        a = push(a, sensor_json(sc, k));
    return a;
}

/* The peak as recorded before clipping; a dead channel records nothing
 * of it (-400). */
static double to_dbfs(const sim_render *r, size_t k, double peak_pa)
{
    const sim_sensor *s = &r->sc->sensors[k];
    double fs_pa = 20e-6 * pow(10.0, r->sc->full_scale_db / 20.0);
    double v = s->dead ? 0.0 : peak_pa * pow(10.0, (s->gain_db + s->fault_gain_db) / 20.0) / fs_pa;
    return v > 0.0 ? 20.0 * log10(v) : -400.0;
}

/* A source that never reaches microphone k (a gust at another one): no
 * time, nothing recorded (-400 dBFS, as on a dead channel). */
static json_t *absent_json(const sim_render *r, size_t k)
{
    return json_pack("{s:s, s:n, s:n, s:n, s:f, s:n, s:b}", "sensor", r->sc->sensors[k].id,
                     "t_s", "sample", "distance_m", "peak_dbfs", -400.0, "peak_t_s", "clipped",
                     0);
}

static json_t *arrivals_json(sim_render *r, size_t e)
{
    json_t *a = json_array();
    for (size_t k = 0; a != NULL && k < r->sc->n_sensors; k++) {
        const sim_arrival *v = sim_render_arrival(r, e, k);
        double record_s = v->t_s + r->sc->sensors[k].clock_offset_s;
        if (v->absent) {
            a = push(a, absent_json(r, k));
            continue;
        }
        a = push(
            a, json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:b}", "sensor", r->sc->sensors[k].id,
                         "t_s", v->t_s, "sample", record_s * r->fs, "distance_m", v->distance_m,
                         "peak_dbfs", to_dbfs(r, k, v->peak_pa), "peak_t_s", v->peak_t_s,
                         "clipped", v->clipped));
    }
    return a;
}

/* An artillery shell's crack per microphone (crack.h; "t_s": null where
 * none arrives): the direct path's wavefront, "sample" where it lies in the
 * recording, when the shell emitted it, the emission point's distance and
 * miss distance, the shell's Mach number there, the N-wave's length, and
 * its peak as recorded (both paths). */
static json_t *crack_json(sim_render *r, size_t e, size_t k)
{
    const sim_crack_arrival *q = sim_render_crack(r, e, k);
    const char *id = r->sc->sensors[k].id;
    if (!q->heard)
        return json_pack("{s:s, s:n}", "sensor", id, "t_s");
    double record_s = q->t_s + r->sc->sensors[k].clock_offset_s;
    return json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "sensor", id,
                     "t_s", q->t_s, "sample", record_s * r->fs, "emit_t_s", q->emit_t_s,
                     "distance_m", q->distance_m, "miss_distance_m", q->miss_m, "mach", q->mach,
                     "duration_s", q->duration_s, "peak_dbfs", to_dbfs(r, k, q->peak_pa),
                     "peak_t_s", q->peak_t_s, "clipped", q->clipped);
}

static json_t *cracks_json(sim_render *r, size_t e)
{
    json_t *a = json_array();
    for (size_t k = 0; a != NULL && k < r->sc->n_sensors; k++)
        a = push(a, crack_json(r, e, k));
    return a;
}

/* Sets key to v (taken); on failure drops o (the caller's pack then fails). */
static json_t *set(json_t *o, const char *key, json_t *v)
{
    if (o == NULL) {
        json_decref(v);
        return NULL;
    }
    /* json_object_set_new takes v even when it fails. */
    if (v == NULL || json_object_set_new(o, key, v) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *source_json(sim_render *r, size_t e)
{
    const sim_scenario *sc = r->sc;
    const sim_event *ev = &sc->events[e];
    double lat, lon, h, range, bearing;
    sim_enu_to_geodetic(sc->lat_deg, sc->lon_deg, sc->alt_m, ev->pos_m, &lat, &lon, &h);
    sim_range_bearing(ev->pos_m[0], ev->pos_m[1], &range, &bearing);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                          "index", (json_int_t)e, "type", sim_type_name(ev->type), "kind",
                          sim_type_kind(ev->type), "class", sim_type_class(ev->type), "e_m",
                          ev->pos_m[0], "n_m", ev->pos_m[1], "u_m", ev->pos_m[2], "lat", lat,
                          "lon", lon, "range_m", range, "bearing_deg", bearing, "t_origin_s",
                          ev->t_s);
    /* A gust has a level at its microphone, not at 1 m, and names it. */
    if (ev->type == SIM_GUST)
        o = set(set(o, "level_db_spl", json_real(ev->level_db)), "sensor",
                json_string(sc->sensors[ev->sensor].id));
    else
        o = set(o, "level_db_spl_at_1m", json_real(ev->level_db));
    o = set(o, "arrivals", arrivals_json(r, e));
    if (ev->type == SIM_ARTILLERY && ev->crack)
        o = set(o, "crack_arrivals", cracks_json(r, e));
    return o;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL ? s + 1 : path;
}

int sim_write_truth(sim_render *r, const char *audio_name, const char *path, es_error *err)
{
    const sim_scenario *sc = r->sc;
    json_t *sources = json_array();
    for (size_t e = 0; sources != NULL && e < sc->n_events; e++)
        sources = push(sources, source_json(r, e));
    json_t *root = json_pack(
        "{s:s, s:s, s:I, s:i, s:f, s:I, s:s, s:f, s:{s:s, s:o}, s:o, s:o, s:o}",
        "schema", "earshot.truth/1", "scenario", base_name(sc->name), "seed", (json_int_t)sc->seed,
        "sample_rate", sc->sample_rate, "duration_s", (double)r->n_frames / r->fs, "frames",
        (json_int_t)r->n_frames, "audio", audio_name, "full_scale_db_spl", sc->full_scale_db,
        "site", "name", sc->site_name, "origin", origin_json(sc), "atmosphere",
        atmosphere_json(r), "sensors", sensors_json(sc), "sources", sources);
    return dump(root, path, err);
}
