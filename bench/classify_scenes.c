/* The classification benchmark's own scenes (see classify.h): confuser
 * scenes (a minute each, a confuser every 4-7 s, at varied ranges and
 * levels) and launch scenes (two launches, a third of them with a confuser
 * heard as the wavefront arrives: a door slam at a sensor, a gunshot or a
 * vehicle's backfire nearby), all on rings of 8 around a camp, in varied
 * air, wind and noise. Every number comes from one generator seeded by
 * (seed, scene), and so does the simulator's own seed. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "classify.h"
#include "sim/rng.h"

#define DEG (3.14159265358979323846 / 180.0)

const char *const cls_confuser_names[CLS_N_CONFUSERS] = {
    "gunshot near", "gunshot far", "slam at a sensor", "thunder", "impact in camp",
    "vehicle backfire", "generator start", "wind gust at a sensor"};

const char *const cls_type_names[CLS_N_TYPES] = {"mortar", "rocket", "artillery", "impact",
                                                 "gunshot", "slam", "thunder", "backfire",
                                                 "generator_start", "gust"};

static double uni(sim_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * sim_rng_uniform(r);
}

/* Speed of sound in dry air (m/s), for arrival-time planning only. */
static double plan_c_mps(double temperature_c)
{
    return 331.3 * sqrt(1.0 + temperature_c / 273.15);
}

static void design_site(cls_scene *s, sim_rng *r)
{
    s->radius_m = uni(r, 200.0, 400.0);
    double rot = uni(r, 0.0, 360.0);
    for (int i = 0; i < CLS_SENSORS; i++) {
        double b = (rot + 360.0 * i / CLS_SENSORS) * DEG;
        s->sensor_m[i][0] = s->radius_m * sin(b);
        s->sensor_m[i][1] = s->radius_m * cos(b);
    }
    s->n_sensors = CLS_SENSORS;
    s->temperature_c = uni(r, -10.0, 40.0);
    s->humidity_pct = uni(r, 20.0, 90.0);
    s->wind_mps = sim_rng_uniform(r) < 0.3 ? 0.0 : uni(r, 1.0, 8.0);
    s->wind_from_deg = uni(r, 0.0, 360.0);
    s->ambient_db = uni(r, 40.0, 60.0);
    s->generator = sim_rng_uniform(r) < 0.5;
}

static cls_event *new_event(cls_scene *s, int type, int confuser)
{
    cls_event *ev = &s->events[s->n_events++];
    *ev = (cls_event){.type = type, .confuser = confuser, .near = -1, .level_db = NAN};
    return ev;
}

/* A source at range lo..hi m in any direction, heard at the camp's centre
 * at arrive_s. */
static cls_event *put_at_range(cls_scene *s, sim_rng *r, int type, int confuser, double lo_m,
                               double hi_m, double arrive_s)
{
    double range = uni(r, lo_m, hi_m), b = uni(r, 0.0, 360.0) * DEG;
    cls_event *ev = new_event(s, type, confuser);
    ev->e_m = range * sin(b);
    ev->n_m = range * cos(b);
    ev->t_s = arrive_s - range / plan_c_mps(s->temperature_c);
    return ev;
}

/* A source beside a random sensor (a slam 2-20 m away; a gust at the
 * microphone itself), heard there at arrive_s. */
static cls_event *put_near_sensor(cls_scene *s, sim_rng *r, int type, int confuser,
                                  double arrive_s)
{
    cls_event *ev = new_event(s, type, confuser);
    ev->near = (int)(sim_rng_uniform(r) * CLS_SENSORS) % CLS_SENSORS;
    ev->distance_m = type == CLS_GUST ? 0.0 : uni(r, 2.0, 20.0);
    ev->t_s = arrive_s - ev->distance_m / plan_c_mps(s->temperature_c);
    return ev;
}

/* A confuser of family c heard about arrive_s, its level drawn around the
 * type's default (real sources vary: calibre, charge, door, engine). */
static void put_confuser(cls_scene *s, sim_rng *r, int c, double arrive_s)
{
    cls_event *ev;
    switch (c) {
    case CONFUSER_GUNSHOT_NEAR:
        ev = put_at_range(s, r, CLS_GUNSHOT, c, 20.0, 300.0, arrive_s);
        ev->level_db = uni(r, 154.0, 166.0);
        break;
    case CONFUSER_GUNSHOT_FAR:
        ev = put_at_range(s, r, CLS_GUNSHOT, c, 300.0, 3000.0, arrive_s);
        ev->level_db = uni(r, 154.0, 166.0);
        break;
    case CONFUSER_SLAM:
        ev = put_near_sensor(s, r, CLS_SLAM, c, arrive_s);
        ev->level_db = uni(r, 115.0, 131.0);
        break;
    case CONFUSER_THUNDER:
        ev = put_at_range(s, r, CLS_THUNDER, c, 2000.0, 12000.0, arrive_s);
        ev->level_db = uni(r, 166.0, 178.0);
        break;
    case CONFUSER_BACKFIRE:
        ev = put_at_range(s, r, CLS_BACKFIRE, c, 5.0, 2000.0, arrive_s);
        ev->level_db = uni(r, 140.0, 156.0);
        break;
    case CONFUSER_GENERATOR:
        ev = put_at_range(s, r, CLS_GENERATOR, c, 5.0, 1.2 * s->radius_m, arrive_s);
        ev->level_db = uni(r, 94.0, 106.0);
        break;
    case CONFUSER_GUST:
        ev = put_near_sensor(s, r, CLS_GUST, c, arrive_s);
        ev->level_db = uni(r, 78.0, 92.0);
        break;
    default:
        put_at_range(s, r, CLS_IMPACT, c, 0.0, 0.8 * s->radius_m, arrive_s);
        break;
    }
}

static void design_confusers(cls_scene *s, sim_rng *r)
{
    s->duration_s = CLS_CONFUSER_SCENE_S;
    for (double t = uni(r, 1.5, 3.0); t < s->duration_s - 3.0 && s->n_events < CLS_MAX_EVENTS;
         t += uni(r, 4.0, 7.0))
        put_confuser(s, r, (int)(sim_rng_uniform(r) * CLS_N_CONFUSERS) % CLS_N_CONFUSERS, t);
}

/* Confusers that can coincide with a launch's wavefront at the camp. */
static const int overlap_families[] = {CONFUSER_SLAM, CONFUSER_GUNSHOT_NEAR, CONFUSER_BACKFIRE,
                                       CONFUSER_GUST};

static void design_launches(cls_scene *s, sim_rng *r)
{
    s->duration_s = CLS_LAUNCH_SCENE_S;
    for (int k = 0; k < 2; k++) {
        double arrive = 2.0 + 8.0 * k + uni(r, 0.0, 2.0);
        int type = CLS_MORTAR + (int)(sim_rng_uniform(r) * 3.0) % 3;
        put_at_range(s, r, type, -1, 500.0, 8000.0, arrive);
        if (sim_rng_uniform(r) < 1.0 / 3.0) {
            int n = (int)(sizeof overlap_families / sizeof overlap_families[0]);
            put_confuser(s, r, overlap_families[(int)(sim_rng_uniform(r) * n) % n],
                         arrive + uni(r, -0.1, 0.1));
        }
    }
}

void cls_design(cls_scene *s, int index, int confusers, unsigned long long seed)
{
    sim_rng r;
    sim_rng_seed(&r, seed, 7000u + (uint64_t)index);
    *s = (cls_scene){.index = index, .confusers = confusers, .acc = -1};
    s->sim_seed = sim_rng_next(&r) >> 12;
    design_site(s, &r);
    if (confusers)
        design_confusers(s, &r);
    else
        design_launches(s, &r);
}

static json_t *event_json(const cls_event *ev)
{
    json_t *e = json_pack("{s:s, s:f}", "type", cls_type_names[ev->type], "t_s", ev->t_s);
    if (ev->type == CLS_ARTILLERY) /* its shell's supersonic crack, before the blast */
        json_object_set_new(e, "crack", json_true());
    if (ev->near >= 0) {
        char id[16];
        snprintf(id, sizeof id, "S%d", ev->near + 1);
        if (ev->type == CLS_GUST) {
            json_object_set_new(e, "sensor", json_string(id));
        } else {
            json_object_set_new(e, "near_sensor", json_string(id));
            json_object_set_new(e, "distance_m", json_real(ev->distance_m));
        }
    } else {
        json_object_set_new(e, "e_m", json_real(ev->e_m));
        json_object_set_new(e, "n_m", json_real(ev->n_m));
        if (ev->type != CLS_THUNDER) /* a thunder channel starts on the ground */
            json_object_set_new(e, "u_m", json_real(1.0));
    }
    if (isfinite(ev->level_db))
        json_object_set_new(e, ev->type == CLS_GUST ? "level_db_spl" : "level_db_spl_at_1m",
                            json_real(ev->level_db));
    return e;
}

char *cls_scene_json(const cls_scene *s)
{
    json_t *sensors = json_array(), *events = json_array();
    for (int i = 0; i < CLS_SENSORS; i++) {
        char id[16];
        snprintf(id, sizeof id, "S%d", i + 1);
        json_array_append_new(sensors, json_pack("{s:s, s:f, s:f, s:f}", "id", id, "e_m",
                                                 s->sensor_m[i][0], "n_m", s->sensor_m[i][1],
                                                 "u_m", 1.5));
    }
    for (int k = 0; k < s->n_events; k++)
        json_array_append_new(events, event_json(&s->events[k]));
    json_t *noise = json_pack("{s:f, s:b}", "ambient_db_spl", s->ambient_db, "wind_noise",
                              s->wind_mps > 0.0);
    if (s->generator)
        json_object_set_new(noise, "generator",
                            json_pack("{s:f, s:f, s:f}", "e_m", 0.3 * s->sensor_m[0][0], "n_m",
                                      0.3 * s->sensor_m[0][1], "level_db_spl_at_1m", 90.0));
    json_t *root = json_pack(
        "{s:s, s:I, s:f, s:i, s:s, s:{s:s, s:{s:f, s:f, s:f}}, s:o,"
        " s:{s:f, s:f, s:f, s:f}, s:{s:b}, s:o, s:o}",
        "description", s->confusers ? "classification benchmark: confusers" :
                                      "classification benchmark: launches",
        "seed", (json_int_t)s->sim_seed, "duration_s", s->duration_s, "sample_rate", 48000,
        "format", "pcm24", "site", "name", "classify", "origin", "lat", 33.3, "lon", 44.4,
        "alt_m", 30.0, "sensors", sensors, "atmosphere", "temperature_c", s->temperature_c,
        "humidity_pct", s->humidity_pct, "wind_speed_mps", s->wind_mps, "wind_from_deg",
        s->wind_from_deg, "ground", "reflection", 1, "noise", noise, "events", events);
    char *text = root != NULL ? json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(root);
    return text;
}
