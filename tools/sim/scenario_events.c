/* Scenario parsing: the events (sources) and their geometry. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"
#include "simconst.h"
#include "source.h"

static const char *const common_keys[] = {"type", "t_s", "range_m", "bearing_deg", "e_m", "n_m",
                                          "u_m", "level_db_spl_at_1m", NULL};

/* Keys beyond the common ones, per type. */
static const char *const *type_keys(sim_type t)
{
    static const char *const blast[] = {"duration_s", "rise_s", NULL};
    static const char *const artillery[] = {"duration_s", "rise_s", "crack", "shell_speed_mps",
                                            "elevation_deg", NULL};
    static const char *const rocket[] = {"duration_s", "rise_s", "roar_db_spl_at_1m", NULL};
    static const char *const slam[] = {"near_sensor", "distance_m", "duration_s", "freq_hz", NULL};
    static const char *const thunder[] = {"channel_top_m", "segment_m", "energy_j_per_m", NULL};
    static const char *const genstart[] = {"crank_s", "crank_hz", "firing_hz", "duration_s",
                                           "run_db_spl_at_1m", NULL};
    static const char *const gust[] = {"sensor", "duration_s", "rise_s", "level_db_spl", NULL};
    switch (t) {
    case SIM_ARTILLERY: return artillery;
    case SIM_ROCKET: return rocket;
    case SIM_SLAM: return slam;
    case SIM_THUNDER: return thunder;
    case SIM_GENERATOR_START: return genstart;
    case SIM_GUST: return gust;
    default: return blast;
    }
}

/* A common key (common_keys) a type does not take: a slam is placed by its
 * sensor, thunder starts on the ground, a gust blows at its microphone (no
 * position, no level at 1 m). */
static int common_key_refused(sim_type t, const char *key)
{
    if (t == SIM_SLAM)
        return strcmp(key, "range_m") == 0 || strcmp(key, "e_m") == 0 ||
               strcmp(key, "n_m") == 0;
    if (t == SIM_THUNDER)
        return strcmp(key, "u_m") == 0;
    if (t == SIM_GUST)
        return strcmp(key, "type") != 0 && strcmp(key, "t_s") != 0;
    return 0;
}

static int in_list(const char *key, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(key, list[i]) == 0)
            return 1;
    return 0;
}

static int check_event_keys(sim_jctx *c, const json_t *o, const char *p, sim_type t)
{
    const char *const *extra = type_keys(t);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v) {
        int ok = (in_list(key, common_keys) && !common_key_refused(t, key)) ||
                 in_list(key, extra);
        if (!ok) {
            char kp[300];
            sim_jpath(kp, sizeof kp, p, key);
            return sim_jfail(c, kp, "unknown key for a %s", sim_type_name(t));
        }
    }
    return 0;
}

/* range_m + bearing_deg, or e_m + n_m: exactly one pair. */
static int parse_position(sim_jctx *c, const json_t *o, const char *p, sim_event *ev)
{
    int has_polar = json_object_get(o, "range_m") != NULL || json_object_get(o, "bearing_deg") != NULL;
    int has_enu = json_object_get(o, "e_m") != NULL || json_object_get(o, "n_m") != NULL;
    if (has_polar && has_enu)
        return sim_jfail(c, p, "give either range_m and bearing_deg or e_m and n_m, not both");
    if (!has_polar && !has_enu)
        return sim_jfail(c, p, "needs a position: range_m and bearing_deg, or e_m and n_m");
    if (has_polar) {
        double r, b;
        if (sim_jnumber(c, o, p, "range_m", 1, 0.0, 1e5, &r) < 0 ||
            sim_jnumber(c, o, p, "bearing_deg", 1, -360.0, 360.0, &b) < 0)
            return ES_EINVAL;
        ev->pos_m[0] = r * sin(b * SIM_DEG);
        ev->pos_m[1] = r * cos(b * SIM_DEG);
        return 0;
    }
    if (sim_jnumber(c, o, p, "e_m", 1, -1e5, 1e5, &ev->pos_m[0]) < 0 ||
        sim_jnumber(c, o, p, "n_m", 1, -1e5, 1e5, &ev->pos_m[1]) < 0)
        return ES_EINVAL;
    return 0;
}

/* near_sensor, distance_m, bearing_deg (default: away from the origin). */
static int parse_slam_position(sim_jctx *c, const json_t *o, const char *p,
                               const sim_scenario *sc, sim_event *ev)
{
    char id[SIM_ID_MAX], kp[300];
    double dist = 4.0;
    if (sim_jstring(c, o, p, "near_sensor", 1, id, sizeof id) < 0 ||
        sim_jnumber(c, o, p, "distance_m", 0, 1.0, 1000.0, &dist) < 0)
        return ES_EINVAL;
    const sim_sensor *s = NULL;
    for (size_t i = 0; i < sc->n_sensors && s == NULL; i++)
        if (strcmp(sc->sensors[i].id, id) == 0)
            s = &sc->sensors[i];
    if (s == NULL) {
        sim_jpath(kp, sizeof kp, p, "near_sensor");
        return sim_jfail(c, kp, "no sensor has the id \"%s\"", id);
    }
    double b = atan2(s->pos_m[0], s->pos_m[1]) / SIM_DEG;
    if (hypot(s->pos_m[0], s->pos_m[1]) < 1e-9)
        b = 0.0;
    if (sim_jnumber(c, o, p, "bearing_deg", 0, -360.0, 360.0, &b) < 0)
        return ES_EINVAL;
    ev->pos_m[0] = s->pos_m[0] + dist * sin(b * SIM_DEG);
    ev->pos_m[1] = s->pos_m[1] + dist * cos(b * SIM_DEG);
    return 0;
}

static int parse_type_fields(sim_jctx *c, const json_t *o, const char *p, sim_event *ev)
{
    switch (ev->type) {
    case SIM_ROCKET:
        if (sim_jnumber(c, o, p, "duration_s", 0, 0.1, 10.0, &ev->duration_s) < 0 ||
            sim_jnumber(c, o, p, "roar_db_spl_at_1m", 0, 60.0, 200.0, &ev->roar_db) < 0 ||
            sim_jnumber(c, o, p, "rise_s", 0, 1e-6, 1e-3, &ev->rise_s) < 0)
            return ES_EINVAL;
        return 0;
    case SIM_SLAM:
        if (sim_jnumber(c, o, p, "duration_s", 0, 0.01, 2.0, &ev->duration_s) < 0 ||
            sim_jnumber(c, o, p, "freq_hz", 0, 10.0, 1000.0, &ev->freq_hz) < 0)
            return ES_EINVAL;
        return 0;
    case SIM_THUNDER:
        if (sim_jnumber(c, o, p, "channel_top_m", 0, 100.0, 15000.0, &ev->channel_top_m) < 0 ||
            sim_jnumber(c, o, p, "segment_m", 0, 2.0, 200.0, &ev->segment_m) < 0 ||
            sim_jnumber(c, o, p, "energy_j_per_m", 0, 1e3, 1e8, &ev->energy_j_per_m) < 0)
            return ES_EINVAL;
        return 0;
    case SIM_GENERATOR_START: return sim_parse_genstart(c, o, p, ev);
    case SIM_GUST: return sim_parse_gust(c, o, p, ev);
    default:
        if (sim_jnumber(c, o, p, "duration_s", 0, 1e-4, 0.1, &ev->duration_s) < 0 ||
            sim_jnumber(c, o, p, "rise_s", 0, 1e-6, 1e-3, &ev->rise_s) < 0)
            return ES_EINVAL;
        if (ev->rise_s * 2.0 > ev->duration_s) {
            char kp[300];
            sim_jpath(kp, sizeof kp, p, "rise_s");
            return sim_jfail(c, kp, "%g s is more than half the positive phase (%g s)",
                             ev->rise_s, ev->duration_s);
        }
        return ev->type == SIM_ARTILLERY ? sim_parse_crack(c, o, p, ev) : 0;
    }
}

static int parse_event(sim_jctx *c, const json_t *o, size_t i, sim_scenario *sc)
{
    char p[64], type[32];
    sim_jpath_index(p, sizeof p, "events", i);
    if (!json_is_object(o))
        return sim_jfail(c, p, "must be an object");
    sim_event *ev = &sc->events[i];
    memset(ev, 0, sizeof *ev);
    if (sim_jstring(c, o, p, "type", 1, type, sizeof type) < 0)
        return ES_EINVAL;
    if (sim_type_from_name(type, &ev->type) != 0) {
        char kp[80];
        sim_jpath(kp, sizeof kp, p, "type");
        return sim_jfail(c, kp, "\"%s\" is not one of mortar, rocket, artillery, impact, "
                                "gunshot, slam, thunder, backfire, generator_start, gust", type);
    }
    sim_source_defaults(ev);
    if (check_event_keys(c, o, p, ev->type) < 0 ||
        sim_jnumber(c, o, p, "t_s", 1, -600.0, 3600.0, &ev->t_s) < 0 ||
        sim_jnumber(c, o, p, "level_db_spl_at_1m", 0, 60.0, 240.0, &ev->level_db) < 0 ||
        sim_jnumber(c, o, p, "u_m", 0, 0.0, 1000.0, &ev->pos_m[2]) < 0)
        return ES_EINVAL;
    int st;
    if (ev->type == SIM_SLAM)
        st = parse_slam_position(c, o, p, sc, ev);
    else if (ev->type == SIM_GUST)
        st = sim_parse_gust_sensor(c, o, p, sc, ev);
    else
        st = parse_position(c, o, p, ev);
    if (st < 0)
        return ES_EINVAL;
    return parse_type_fields(c, o, p, ev);
}

int sim_parse_events(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    const json_t *list = json_object_get(root, "events");
    if (list == NULL)
        return sim_jfail(c, "events", "missing (an empty list is allowed)");
    if (!json_is_array(list))
        return sim_jfail(c, "events", "must be a list");
    size_t n = json_array_size(list);
    if (n > SIM_MAX_EVENTS)
        return sim_jfail(c, "events", "%zu events, at most %d", n, SIM_MAX_EVENTS);
    for (size_t i = 0; i < n; i++) {
        if (parse_event(c, json_array_get(list, i), i, sc) < 0)
            return ES_EINVAL;
        sc->n_events = i + 1;
    }
    return 0;
}

/* Spreading is referred to 1 m: a source nearer than that to a microphone
 * would be inside its own source region. */
int sim_check_event_geometry(const sim_scenario *sc, es_error *err)
{
    for (size_t i = 0; i < sc->n_events; i++) {
        const sim_event *ev = &sc->events[i];
        if (ev->type == SIM_GUST)
            continue; /* turbulence at the microphone itself, not a sound */
        for (size_t k = 0; k < sc->n_sensors; k++) {
            const double *s = sc->sensors[k].pos_m;
            double d = hypot(hypot(ev->pos_m[0] - s[0], ev->pos_m[1] - s[1]), ev->pos_m[2] - s[2]);
            if (d < 1.0)
                return es_error_set(err, ES_EINVAL,
                                    "%s: events[%zu]: the %s is %.2f m from sensor %s, "
                                    "closer than 1 m", sc->name, i, sim_type_name(ev->type), d,
                                    sc->sensors[k].id);
        }
    }
    return ES_OK;
}
