/* Earshot site config (CONTRACT.md section 2): the sections, their keys
 * and ranges, the defaults, and the check against an audio stream.
 * Reading the file is in config_text.c, typed access in config_fields.c,
 * endpoint and layout rules in config_rules.c. */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"
#include "earshot/atmosphere.h"

/* Ranges of the numeric keys: wide enough for any real site, narrow enough
 * that a typo (a value in feet, a missing decimal point) is caught. */
static const cfg_num_rule lat_rule = {.required = true, .lo = -90, .hi = 90};
static const cfg_num_rule lon_rule = {.required = true, .lo = -180, .hi = 180};
static const cfg_num_rule alt_rule = {.lo = -1000, .hi = 10000};
static const cfg_num_rule horiz_rule = {.required = true, .lo = -100000, .hi = 100000};
static const cfg_num_rule up_rule = {.lo = -10000, .hi = 10000};
static const cfg_num_rule temperature_rule = {.lo = -60, .hi = 60};
static const cfg_num_rule wind_speed_rule = {.lo = 0, .hi = 60};
static const cfg_num_rule wind_from_rule = {.lo = 0, .hi = 360};
static const cfg_num_rule humidity_rule = {.lo = 0, .hi = 100};
static const cfg_num_rule temperature_sigma_rule = {.lo = 0.01, .hi = 30};
static const cfg_num_rule pressure_rule = {.lo = 30, .hi = 110};
/* 192 kHz: Nyquist at the highest sample rate; check_band() then holds the
 * band below this config's own Nyquist. */
static const cfg_num_rule band_rule = {.lo = 0, .hi = 192000, .lo_exclusive = true};
static const cfg_num_rule trigger_rule = {.lo = 3, .hi = 60};
static const cfg_num_rule min_range_rule = {.lo = 0, .hi = 100000};
static const cfg_num_rule full_scale_rule = {.lo = 80, .hi = 220};
static const cfg_num_rule position_sigma_rule = {.lo = 0, .hi = 10};

enum { SAMPLE_RATE_MIN = 8000, SAMPLE_RATE_MAX = 384000, CHANNEL_MAX = 1023 };

static int parse_site(const cfg_ctx *ctx, json_t *root, es_site_config *cfg)
{
    static const char *const site_keys[] = {"name", "origin", NULL};
    static const char *const origin_keys[] = {"lat", "lon", "alt_m", NULL};
    static const cfg_str_rule name_rule = {.max_bytes = sizeof cfg->name - 1,
                                           .may_be_empty = true};
    json_t *site, *origin;
    TRY(cfg_get_object(ctx, root, "", "site", true, &site));
    cfg_warn_unknown_keys(ctx, site, "site", site_keys);
    TRY(cfg_get_string(ctx, site, "site", "name", &name_rule, cfg->name, sizeof cfg->name, NULL));
    TRY(cfg_get_object(ctx, site, "site", "origin", true, &origin));
    cfg_warn_unknown_keys(ctx, origin, "site.origin", origin_keys);
    TRY(cfg_get_number(ctx, origin, "site.origin", "lat", &lat_rule, &cfg->origin_lat_deg, NULL));
    TRY(cfg_get_number(ctx, origin, "site.origin", "lon", &lon_rule, &cfg->origin_lon_deg, NULL));
    return cfg_get_number(ctx, origin, "site.origin", "alt_m", &alt_rule, &cfg->origin_alt_m, NULL);
}

static int parse_audio(const cfg_ctx *ctx, json_t *root, es_site_config *cfg)
{
    static const char *const audio_keys[] = {"sample_rate", "device", NULL};
    static const cfg_str_rule device_rule = {.max_bytes = sizeof cfg->device - 1};
    json_t *audio;
    TRY(cfg_get_object(ctx, root, "", "audio", true, &audio));
    cfg_warn_unknown_keys(ctx, audio, "audio", audio_keys);
    TRY(cfg_get_int(ctx, audio, "audio", "sample_rate", true, SAMPLE_RATE_MIN, SAMPLE_RATE_MAX,
                    &cfg->sample_rate_hz));
    return cfg_get_string(ctx, audio, "audio", "device", &device_rule, cfg->device,
                          sizeof cfg->device, NULL);
}

static int parse_sensor(const cfg_ctx *ctx, json_t *elem, const char *path, es_sensor_config *s)
{
    static const char *const sensor_keys[] = {"id", "channel", "e_m", "n_m", "u_m", NULL};
    static const cfg_str_rule id_rule = {.required = true, .max_bytes = ES_SENSOR_ID_MAX - 1,
                                         .printable_ascii = true};
    if (!json_is_object(elem))
        return cfg_fail(ctx, path, "must be an object, not %s", cfg_type_name(elem));
    cfg_warn_unknown_keys(ctx, elem, path, sensor_keys);
    TRY(cfg_get_string(ctx, elem, path, "id", &id_rule, s->id, sizeof s->id, NULL));
    TRY(cfg_get_int(ctx, elem, path, "channel", true, 0, CHANNEL_MAX, &s->channel));
    TRY(cfg_get_number(ctx, elem, path, "e_m", &horiz_rule, &s->e_m, NULL));
    TRY(cfg_get_number(ctx, elem, path, "n_m", &horiz_rule, &s->n_m, NULL));
    return cfg_get_number(ctx, elem, path, "u_m", &up_rule, &s->u_m, NULL);
}

/* Sensor i against the ones before it: ids and channels are keys. */
static int check_unique(const cfg_ctx *ctx, const es_site_config *cfg, size_t i, const char *path)
{
    const es_sensor_config *s = &cfg->sensors[i];
    for (size_t j = 0; j < i; j++) {
        char field[CFG_PATH_MAX], q[96];
        if (strcmp(s->id, cfg->sensors[j].id) == 0) {
            cfg_path_key(field, sizeof field, path, "id");
            cfg_quote(q, sizeof q, s->id);
            return cfg_fail(ctx, field, "%s duplicates sensors[%zu].id", q, j);
        }
        if (s->channel == cfg->sensors[j].channel) {
            cfg_path_key(field, sizeof field, path, "channel");
            return cfg_fail(ctx, field, "%d duplicates sensors[%zu].channel", s->channel, j);
        }
    }
    return ES_OK;
}

static int parse_sensors(const cfg_ctx *ctx, json_t *root, es_site_config *cfg)
{
    json_t *sensors;
    TRY(cfg_get_array(ctx, root, "", "sensors", &sensors));
    size_t n = json_array_size(sensors);
    if (n > ES_MAX_SENSORS)
        return cfg_fail(ctx, "sensors", "%zu sensors given, at most %d are supported", n,
                        ES_MAX_SENSORS);
    for (size_t i = 0; i < n; i++) {
        char path[CFG_PATH_MAX];
        cfg_path_index(path, sizeof path, "sensors", i);
        TRY(parse_sensor(ctx, json_array_get(sensors, i), path, &cfg->sensors[i]));
        TRY(check_unique(ctx, cfg, i, path));
    }
    cfg->n_sensors = n;
    if (n < ES_MIN_SENSORS_TO_LOCATE)
        return cfg_fail(ctx, "sensors", "%zu sensor%s given, at least %d are needed to locate a source",
                        n, n == 1 ? "" : "s", ES_MIN_SENSORS_TO_LOCATE);
    return cfg_check_sensor_layout(ctx, cfg);
}

static int parse_atmosphere(const cfg_ctx *ctx, json_t *root, es_site_config *cfg)
{
    static const char *const atmosphere_keys[] = {"temperature_c", "wind_speed_mps",
                                                  "wind_from_deg", "humidity_pct",
                                                  "temperature_sigma_c", "pressure_kpa", NULL};
    json_t *atm;
    es_atmosphere_config *a = &cfg->atmosphere;
    /* Unless the file says otherwise: the standard atmosphere at the site's
     * altitude (site is parsed before). */
    a->pressure_kpa = es_pressure_at_altitude_kpa(cfg->origin_alt_m);
    TRY(cfg_get_object(ctx, root, "", "atmosphere", false, &atm));
    if (atm == NULL)
        return ES_OK;
    cfg_warn_unknown_keys(ctx, atm, "atmosphere", atmosphere_keys);
    TRY(cfg_get_number(ctx, atm, "atmosphere", "temperature_c", &temperature_rule,
                       &a->temperature_c, NULL));
    TRY(cfg_get_number(ctx, atm, "atmosphere", "wind_speed_mps", &wind_speed_rule,
                       &a->wind_speed_mps, NULL));
    TRY(cfg_get_number(ctx, atm, "atmosphere", "humidity_pct", &humidity_rule, &a->humidity_pct,
                       NULL));
    TRY(cfg_get_number(ctx, atm, "atmosphere", "temperature_sigma_c", &temperature_sigma_rule,
                       &a->temperature_sigma_c, NULL));
    TRY(cfg_get_number(ctx, atm, "atmosphere", "pressure_kpa", &pressure_rule, &a->pressure_kpa,
                       NULL));
    return cfg_get_number(ctx, atm, "atmosphere", "wind_from_deg", &wind_from_rule,
                          &a->wind_from_deg, NULL);
}

static int parse_publish(const cfg_ctx *ctx, json_t *root, es_site_config *cfg)
{
    static const char *const publish_keys[] = {"endpoint", "curve", NULL};
    static const cfg_str_rule endpoint_rule = {.required = true, .max_bytes = ES_ENDPOINT_MAX - 1};
    json_t *publish;
    TRY(cfg_get_object(ctx, root, "", "publish", true, &publish));
    cfg_warn_unknown_keys(ctx, publish, "publish", publish_keys);
    TRY(cfg_get_string(ctx, publish, "publish", "endpoint", &endpoint_rule, cfg->endpoint,
                       sizeof cfg->endpoint, NULL));
    TRY(cfg_check_endpoint(ctx, "publish.endpoint", cfg->endpoint));
    return cfg_parse_publish_curve(ctx, publish, &cfg->curve);
}

/* The band must sit below Nyquist: an explicit band_hi_hz at or above it is
 * an error; the default is lowered to 0.45 * sample_rate instead. */
static int check_band(const cfg_ctx *ctx, es_site_config *cfg, bool hi_given)
{
    es_detection_config *d = &cfg->detection;
    double nyquist_hz = cfg->sample_rate_hz / 2.0;
    if (!hi_given && d->band_hi_hz >= nyquist_hz)
        d->band_hi_hz = 0.45 * cfg->sample_rate_hz;
    if (d->band_hi_hz >= nyquist_hz)
        return cfg_fail(ctx, "detection.band_hi_hz",
                        "%.15g must be below the Nyquist frequency %.15g Hz (half of "
                        "audio.sample_rate %d)",
                        d->band_hi_hz, nyquist_hz, cfg->sample_rate_hz);
    if (d->band_lo_hz >= d->band_hi_hz)
        return cfg_fail(ctx, "detection.band_lo_hz", "%.15g must be below detection.band_hi_hz (%.15g%s)",
                        d->band_lo_hz, d->band_hi_hz, hi_given ? "" : ", the default");
    return ES_OK;
}

static int parse_detection(const cfg_ctx *ctx, json_t *root, es_site_config *cfg)
{
    static const char *const detection_keys[] = {"band_lo_hz", "band_hi_hz", "trigger_db",
                                                 "launch_min_range_m", "full_scale_db_spl",
                                                 "min_sensors", "position_sigma_m", NULL};
    static const char p[] = "detection";
    json_t *det;
    es_detection_config *d = &cfg->detection;
    bool hi_given = false;
    TRY(cfg_get_object(ctx, root, "", p, false, &det));
    if (det != NULL) {
        cfg_warn_unknown_keys(ctx, det, p, detection_keys);
        TRY(cfg_get_number(ctx, det, p, "band_lo_hz", &band_rule, &d->band_lo_hz, NULL));
        TRY(cfg_get_number(ctx, det, p, "band_hi_hz", &band_rule, &d->band_hi_hz, &hi_given));
        TRY(cfg_get_number(ctx, det, p, "trigger_db", &trigger_rule, &d->trigger_db, NULL));
        TRY(cfg_get_number(ctx, det, p, "launch_min_range_m", &min_range_rule,
                           &d->launch_min_range_m, NULL));
        TRY(cfg_get_number(ctx, det, p, "full_scale_db_spl", &full_scale_rule,
                           &d->full_scale_db_spl, NULL));
        TRY(cfg_get_int(ctx, det, p, "min_sensors", false, 0, ES_MAX_SENSORS, &d->min_sensors));
        TRY(cfg_get_number(ctx, det, p, "position_sigma_m", &position_sigma_rule,
                           &d->position_sigma_m, NULL));
        if (d->min_sensors != 0 &&
            (d->min_sensors < ES_MIN_SENSORS_TO_LOCATE || (size_t)d->min_sensors > cfg->n_sensors))
            return cfg_fail(ctx, "detection.min_sensors", "%d must be 0 (automatic) or from %d to "
                            "the %zu sensors configured", d->min_sensors,
                            ES_MIN_SENSORS_TO_LOCATE, cfg->n_sensors);
    }
    return check_band(ctx, cfg, hi_given);
}

/* Sections in the order of the contract; the first problem found wins. */
static int parse_root(const cfg_ctx *ctx, json_t *root, es_site_config *cfg)
{
    static const char *const top_keys[] = {"site", "audio", "sensors", "atmosphere",
                                           "publish", "detection", NULL};
    cfg_warn_unknown_keys(ctx, root, "", top_keys);
    TRY(parse_site(ctx, root, cfg));
    TRY(parse_audio(ctx, root, cfg));
    TRY(parse_sensors(ctx, root, cfg));
    TRY(parse_atmosphere(ctx, root, cfg));
    TRY(parse_publish(ctx, root, cfg));
    return parse_detection(ctx, root, cfg);
}

int es_site_config_parse(const char *json_text, size_t len, const char *name, es_site_config *out,
                         es_warn_fn warn, void *warn_ctx, es_error *err)
{
    if (name == NULL)
        name = "site config";
    if (out == NULL || (json_text == NULL && len > 0))
        return es_error_set(err, ES_EINVAL, "%s: es_site_config_parse: NULL %s", name,
                            out == NULL ? "output" : "text");
    cfg_ctx ctx = {.name = name, .warn = warn, .warn_ctx = warn_ctx, .err = err};
    json_t *root;
    TRY(cfg_parse_text(&ctx, json_text, len, &root));
    /* Parsed into a copy so that *out keeps its old values on failure (a
     * reload of a broken file must leave the running config alone). */
    es_site_config cfg;
    memset(&cfg, 0, sizeof cfg);
    es_site_config_defaults(&cfg);
    int rc = parse_root(&ctx, root, &cfg);
    json_decref(root);
    if (rc == ES_OK)
        *out = cfg;
    return rc;
}

void es_site_config_defaults(es_site_config *cfg)
{
    if (cfg == NULL)
        return;
    cfg->name[0] = '\0';
    cfg->origin_alt_m = 0.0;
    snprintf(cfg->device, sizeof cfg->device, "%s", "default");
    for (size_t i = 0; i < ES_MAX_SENSORS; i++)
        cfg->sensors[i].u_m = 0.0;
    cfg->atmosphere = (es_atmosphere_config){.temperature_c = 15.0, .wind_speed_mps = 0.0,
                                             .wind_from_deg = 0.0, .humidity_pct = -1.0,
                                             .temperature_sigma_c = 2.0,
                                             .pressure_kpa = 101.325};
    cfg->detection = (es_detection_config){.band_lo_hz = 40.0, .band_hi_hz = 2000.0,
                                           .trigger_db = 12.0, .launch_min_range_m = 0.0,
                                           .full_scale_db_spl = 140.0,
                                           .position_sigma_m = 0.05};
    /* The default band edge must stay below Nyquist at any rate. */
    if (cfg->sample_rate_hz > 0 && cfg->detection.band_hi_hz >= cfg->sample_rate_hz / 2.0)
        cfg->detection.band_hi_hz = 0.45 * cfg->sample_rate_hz;
}

int es_site_config_check_stream(const es_site_config *cfg, const char *config_name,
                                const char *stream_name, int channels, int sample_rate_hz,
                                es_error *err)
{
    if (config_name == NULL)
        config_name = "site config";
    if (stream_name == NULL)
        stream_name = "the input";
    if (cfg == NULL)
        return es_error_set(err, ES_EINVAL, "es_site_config_check_stream: NULL config");
    if (channels < 1 || sample_rate_hz < 1)
        return es_error_set(err, ES_EINVAL, "%s: %d channels at %d Hz is not an audio stream",
                            stream_name, channels, sample_rate_hz);
    if (sample_rate_hz != cfg->sample_rate_hz)
        return es_error_set(err, ES_EINVAL,
                            "%s: sample rate %d Hz does not match audio.sample_rate %d in %s",
                            stream_name, sample_rate_hz, cfg->sample_rate_hz, config_name);
    for (size_t i = 0; i < cfg->n_sensors; i++) {
        if (cfg->sensors[i].channel >= channels)
            return es_error_set(err, ES_EINVAL,
                                "%s: sensors[%zu].channel: %d is beyond the %d channel%s of %s",
                                config_name, i, cfg->sensors[i].channel, channels,
                                channels == 1 ? "" : "s", stream_name);
    }
    return ES_OK;
}
