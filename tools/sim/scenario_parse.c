/* Scenario parsing: the top level, site, air, ground, noise and publish
 * sections (sensors and events have their own files). */
#include "scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonget.h"
#include "rng.h"
#include "scenario_internal.h"

static const char *const root_keys[] = {
    "seed", "duration_s", "sample_rate", "format", "description", "site", "full_scale_db_spl",
    "sensors", "sensor_errors", "sensor_faults", "atmosphere", "config_atmosphere", "config_detection", "ground", "noise",
    "publish", "events", NULL};

static int parse_format(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    char f[16] = "pcm24";
    if (sim_jstring(c, root, "", "format", 0, f, sizeof f) < 0)
        return ES_EINVAL;
    if (strcmp(f, "pcm24") == 0)
        sc->format = SIM_FMT_PCM24;
    else if (strcmp(f, "pcm16") == 0)
        sc->format = SIM_FMT_PCM16;
    else if (strcmp(f, "float") == 0)
        sc->format = SIM_FMT_FLOAT;
    else
        return sim_jfail(c, "format", "\"%s\" is not one of pcm24, pcm16, float", f);
    return 0;
}

static int parse_basics(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    long long seed = 1, rate = 48000;
    if (sim_jint(c, root, "", "seed", 0, 0, INT64_MAX, &seed) < 0 ||
        sim_jnumber(c, root, "", "duration_s", 1, 1e-3, 3600.0, &sc->duration_s) < 0 ||
        sim_jint(c, root, "", "sample_rate", 0, 8000, 192000, &rate) < 0 ||
        sim_jstring(c, root, "", "description", 0, sc->description, sizeof sc->description) < 0 ||
        sim_jnumber(c, root, "", "full_scale_db_spl", 0, 100.0, 200.0, &sc->full_scale_db) < 0)
        return ES_EINVAL;
    sc->seed = (uint64_t)seed;
    sc->sample_rate = (int)rate;
    return parse_format(c, root, sc);
}

static int parse_site(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    static const char *const site_keys[] = {"name", "origin", NULL};
    static const char *const origin_keys[] = {"lat", "lon", "alt_m", NULL};
    const json_t *site, *origin;
    if (sim_jobject(c, root, "", "site", 1, &site) < 0 ||
        sim_jcheck_keys(c, site, "site", site_keys) < 0 ||
        sim_jstring(c, site, "site", "name", 1, sc->site_name, sizeof sc->site_name) < 0 ||
        sim_jobject(c, site, "site", "origin", 1, &origin) < 0 ||
        sim_jcheck_keys(c, origin, "site.origin", origin_keys) < 0 ||
        sim_jnumber(c, origin, "site.origin", "lat", 1, -90.0, 90.0, &sc->lat_deg) < 0 ||
        sim_jnumber(c, origin, "site.origin", "lon", 1, -180.0, 180.0, &sc->lon_deg) < 0 ||
        sim_jnumber(c, origin, "site.origin", "alt_m", 0, -500.0, 9000.0, &sc->alt_m) < 0)
        return ES_EINVAL;
    if (sc->site_name[0] == '\0')
        return sim_jfail(c, "site.name", "is empty");
    return 0;
}

/* Directions are written in [0, 360), as the site config requires. */
static double normal_deg(double d)
{
    double r = fmod(d, 360.0);
    return r < 0.0 ? r + 360.0 : r;
}

static int parse_air(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    static const char *const keys[] = {"temperature_c", "humidity_pct", "pressure_kpa",
                                       "wind_speed_mps", "wind_from_deg", "absorption", NULL};
    const json_t *a;
    sim_air *air = &sc->air;
    if (sim_jobject(c, root, "", "atmosphere", 0, &a) < 0)
        return ES_EINVAL;
    if (a == NULL)
        return 0;
    if (sim_jcheck_keys(c, a, "atmosphere", keys) < 0 ||
        sim_jnumber(c, a, "atmosphere", "temperature_c", 0, -60.0, 60.0, &air->temperature_c) < 0 ||
        sim_jnumber(c, a, "atmosphere", "humidity_pct", 0, 0.0, 100.0, &air->humidity_pct) < 0 ||
        sim_jnumber(c, a, "atmosphere", "pressure_kpa", 0, 50.0, 110.0, &air->pressure_kpa) < 0 ||
        sim_jnumber(c, a, "atmosphere", "wind_speed_mps", 0, 0.0, 40.0, &air->wind_speed_mps) < 0 ||
        sim_jnumber(c, a, "atmosphere", "wind_from_deg", 0, -360.0, 360.0, &air->wind_from_deg) < 0 ||
        sim_jbool(c, a, "atmosphere", "absorption", &air->absorption) < 0)
        return ES_EINVAL;
    air->wind_from_deg = normal_deg(air->wind_from_deg);
    return 0;
}

/* The written config's atmosphere defaults to the truth, key by key. */
static int parse_config_air(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    static const char *const keys[] = {"temperature_c", "wind_speed_mps", "wind_from_deg",
                                       "humidity_pct", "temperature_sigma_c", "pressure_kpa",
                                       NULL};
    const json_t *a;
    sc->cfg_humidity_pct = sc->cfg_temperature_sigma_c = sc->cfg_pressure_kpa = -1.0;
    sc->cfg_temperature_c = sc->air.temperature_c;
    sc->cfg_wind_speed_mps = sc->air.wind_speed_mps;
    sc->cfg_wind_from_deg = sc->air.wind_from_deg;
    if (sim_jobject(c, root, "", "config_atmosphere", 0, &a) < 0)
        return ES_EINVAL;
    if (a == NULL)
        return 0;
    const char *p = "config_atmosphere";
    if (sim_jcheck_keys(c, a, p, keys) < 0 ||
        sim_jnumber(c, a, p, "temperature_c", 0, -60.0, 60.0, &sc->cfg_temperature_c) < 0 ||
        sim_jnumber(c, a, p, "wind_speed_mps", 0, 0.0, 40.0, &sc->cfg_wind_speed_mps) < 0 ||
        sim_jnumber(c, a, p, "wind_from_deg", 0, -360.0, 360.0, &sc->cfg_wind_from_deg) < 0 ||
        sim_jnumber(c, a, p, "humidity_pct", 0, 0.0, 100.0, &sc->cfg_humidity_pct) < 0 ||
        sim_jnumber(c, a, p, "temperature_sigma_c", 0, 0.01, 30.0,
                    &sc->cfg_temperature_sigma_c) < 0 ||
        sim_jnumber(c, a, p, "pressure_kpa", 0, 30.0, 110.0, &sc->cfg_pressure_kpa) < 0)
        return ES_EINVAL;
    sc->cfg_wind_from_deg = normal_deg(sc->cfg_wind_from_deg);
    return 0;
}

static int parse_ground(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    static const char *const keys[] = {"reflection", "reflection_coeff", NULL};
    const json_t *g;
    if (sim_jobject(c, root, "", "ground", 0, &g) < 0)
        return ES_EINVAL;
    if (g == NULL)
        return 0;
    if (sim_jcheck_keys(c, g, "ground", keys) < 0 ||
        sim_jbool(c, g, "ground", "reflection", &sc->reflection) < 0 ||
        sim_jnumber(c, g, "ground", "reflection_coeff", 0, -1.0, 1.0, &sc->reflection_coeff) < 0)
        return ES_EINVAL;
    return 0;
}

static int parse_generator(sim_jctx *c, const json_t *noise, sim_generator *gen)
{
    static const char *const keys[] = {"e_m", "n_m", "u_m", "level_db_spl_at_1m", "hum_hz",
                                       "harmonics", NULL};
    const json_t *g;
    const char *p = "noise.generator";
    long long harmonics = 8;
    if (sim_jobject(c, noise, "noise", "generator", 0, &g) < 0)
        return ES_EINVAL;
    if (g == NULL)
        return 0;
    gen->present = 1;
    gen->pos_m[2] = 1.0;
    gen->level_db = 95.0;
    gen->hum_hz = 50.0;
    if (sim_jcheck_keys(c, g, p, keys) < 0 ||
        sim_jnumber(c, g, p, "e_m", 1, -1e5, 1e5, &gen->pos_m[0]) < 0 ||
        sim_jnumber(c, g, p, "n_m", 1, -1e5, 1e5, &gen->pos_m[1]) < 0 ||
        sim_jnumber(c, g, p, "u_m", 0, 0.0, 100.0, &gen->pos_m[2]) < 0 ||
        sim_jnumber(c, g, p, "level_db_spl_at_1m", 0, 0.0, 160.0, &gen->level_db) < 0 ||
        sim_jnumber(c, g, p, "hum_hz", 0, 5.0, 1000.0, &gen->hum_hz) < 0 ||
        sim_jint(c, g, p, "harmonics", 0, 1, 40, &harmonics) < 0)
        return ES_EINVAL;
    gen->harmonics = (int)harmonics;
    return 0;
}

static int parse_noise(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    static const char *const keys[] = {"ambient_db_spl", "wind_noise",
                                       "wind_noise_db_spl_at_5mps", "generator", NULL};
    const json_t *n;
    sim_noise *nz = &sc->noise;
    if (sim_jobject(c, root, "", "noise", 0, &n) < 0)
        return ES_EINVAL;
    if (n == NULL)
        return 0;
    int st = sim_jnumber(c, n, "noise", "ambient_db_spl", 0, -20.0, 140.0, &nz->ambient_db);
    if (st < 0)
        return ES_EINVAL;
    nz->has_ambient = st == 0;
    if (sim_jcheck_keys(c, n, "noise", keys) < 0 ||
        sim_jbool(c, n, "noise", "wind_noise", &nz->wind_noise) < 0 ||
        sim_jnumber(c, n, "noise", "wind_noise_db_spl_at_5mps", 0, 0.0, 140.0,
                    &nz->wind_db_at_5mps) < 0)
        return ES_EINVAL;
    return parse_generator(c, n, &nz->generator);
}

/* config_detection.position_sigma_m: the survey accuracy the written
 * config states (detection.position_sigma_m); absent: not written. */
static int parse_config_detection(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    static const char *const keys[] = {"position_sigma_m", NULL};
    const json_t *d;
    sc->cfg_position_sigma_m = -1.0;
    if (sim_jobject(c, root, "", "config_detection", 0, &d) < 0)
        return ES_EINVAL;
    if (d == NULL)
        return 0;
    if (sim_jcheck_keys(c, d, "config_detection", keys) < 0 ||
        sim_jnumber(c, d, "config_detection", "position_sigma_m", 0, 0.0, 10.0,
                    &sc->cfg_position_sigma_m) < 0)
        return ES_EINVAL;
    return 0;
}

static int parse_publish(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    static const char *const keys[] = {"endpoint", NULL};
    const json_t *p;
    if (sim_jobject(c, root, "", "publish", 0, &p) < 0)
        return ES_EINVAL;
    if (p == NULL)
        return 0;
    if (sim_jcheck_keys(c, p, "publish", keys) < 0 ||
        sim_jstring(c, p, "publish", "endpoint", 0, sc->endpoint, sizeof sc->endpoint) < 0)
        return ES_EINVAL;
    if (sc->endpoint[0] == '\0')
        return sim_jfail(c, "publish.endpoint", "is empty");
    return 0;
}

static void set_defaults(sim_scenario *sc, const char *name)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "%s", name);
    sc->seed = 1;
    sc->sample_rate = 48000;
    sc->format = SIM_FMT_PCM24;
    sc->full_scale_db = 140.0;
    sc->air.temperature_c = 15.0;
    sc->air.humidity_pct = 50.0;
    sc->air.pressure_kpa = 101.325;
    sc->air.absorption = 1;
    sc->reflection = 1;
    sc->reflection_coeff = 0.8;
    sc->noise.wind_db_at_5mps = 70.0;
    snprintf(sc->endpoint, sizeof sc->endpoint, "tcp://127.0.0.1:5556");
}

static int parse_root(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    if (!json_is_object(root))
        return sim_jfail(c, "", "the scenario must be a JSON object");
    if (sim_jcheck_keys(c, root, "", root_keys) < 0 || parse_basics(c, root, sc) < 0 ||
        parse_site(c, root, sc) < 0 || parse_air(c, root, sc) < 0 ||
        parse_config_air(c, root, sc) < 0 || parse_config_detection(c, root, sc) < 0 ||
        parse_ground(c, root, sc) < 0 ||
        parse_noise(c, root, sc) < 0 || parse_publish(c, root, sc) < 0 ||
        sim_parse_sensors(c, root, sc) < 0 || sim_parse_faults(c, root, sc) < 0 ||
        sim_parse_events(c, root, sc) < 0)
        return ES_EINVAL;
    return 0;
}

int sim_scenario_parse(const char *text, size_t len, const char *name, sim_scenario *sc,
                       es_error *err)
{
    sim_jctx c = {name, err};
    set_defaults(sc, name);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return es_error_set(err, ES_EINVAL, "%s: line %d column %d: %s", name, jerr.line,
                            jerr.column, jerr.text);
    int st = parse_root(&c, root, sc);
    json_decref(root);
    return st < 0 ? ES_EINVAL : ES_OK;
}

int sim_scenario_check(const sim_scenario *sc, es_error *err)
{
    const double max_samples = 2.5e8; /* 2 GB of double-precision channels */
    double samples = sc->duration_s * sc->sample_rate * (double)sc->n_sensors;
    if (samples > max_samples)
        return es_error_set(err, ES_EINVAL,
                            "%s: duration_s: %.0f s at %d Hz on %zu channels is %.0f M samples, "
                            "more than the %.0f M the simulator holds in memory",
                            sc->name, sc->duration_s, sc->sample_rate, sc->n_sensors,
                            samples / 1e6, max_samples / 1e6);
    return sim_check_event_geometry(sc, err);
}

void sim_scenario_draw_errors(sim_scenario *sc)
{
    sim_rng r;
    sim_rng_seed(&r, sc->seed, SIM_STREAM_SENSORS);
    for (size_t i = 0; i < sc->n_sensors; i++) {
        sim_sensor *s = &sc->sensors[i];
        for (int k = 0; k < 3; k++)
            s->config_m[k] = s->pos_m[k] + sc->position_sigma_m * sim_rng_normal(&r);
        if (s->config_m[2] < 0.0)
            s->config_m[2] = 0.0; /* a microphone is never written below ground */
        for (int k = 0; k < 3; k++) /* a fault's offset is exactly as asked */
            s->config_m[k] += s->config_offset_m[k];
        s->gain_db = sc->gain_sigma_db * sim_rng_normal(&r);
    }
}
