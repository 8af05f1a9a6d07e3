/* Scenario parsing: sensors (explicit list or generated layout) and their
 * error model. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"
#include "simconst.h"

static void add_sensor(sim_scenario *sc, double e, double n, double u)
{
    sim_sensor *s = &sc->sensors[sc->n_sensors];
    snprintf(s->id, sizeof s->id, "S%zu", sc->n_sensors + 1);
    s->pos_m[0] = e;
    s->pos_m[1] = n;
    s->pos_m[2] = u;
    sc->n_sensors++;
}

static int parse_ring(sim_jctx *c, const json_t *o, sim_scenario *sc)
{
    static const char *const keys[] = {"layout", "count", "radius_m", "u_m", "rotation_deg", NULL};
    long long count;
    double radius, u = 1.5, rot = 0.0;
    if (sim_jcheck_keys(c, o, "sensors", keys) < 0 ||
        sim_jint(c, o, "sensors", "count", 1, 1, ES_MAX_SENSORS, &count) < 0 ||
        sim_jnumber(c, o, "sensors", "radius_m", 1, 0.5, 1e5, &radius) < 0 ||
        sim_jnumber(c, o, "sensors", "u_m", 0, 0.0, 100.0, &u) < 0 ||
        sim_jnumber(c, o, "sensors", "rotation_deg", 0, -360.0, 360.0, &rot) < 0)
        return ES_EINVAL;
    for (long long i = 0; i < count; i++) {
        double b = (rot + 360.0 * (double)i / (double)count) * SIM_DEG;
        add_sensor(sc, radius * sin(b), radius * cos(b), u);
    }
    return 0;
}

static int parse_line(sim_jctx *c, const json_t *o, sim_scenario *sc)
{
    static const char *const keys[] = {"layout", "count", "length_m", "bearing_deg", "u_m", NULL};
    long long count;
    double length, bearing = 90.0, u = 1.5;
    if (sim_jcheck_keys(c, o, "sensors", keys) < 0 ||
        sim_jint(c, o, "sensors", "count", 1, 2, ES_MAX_SENSORS, &count) < 0 ||
        sim_jnumber(c, o, "sensors", "length_m", 1, 1.0, 1e5, &length) < 0 ||
        sim_jnumber(c, o, "sensors", "bearing_deg", 0, -360.0, 360.0, &bearing) < 0 ||
        sim_jnumber(c, o, "sensors", "u_m", 0, 0.0, 100.0, &u) < 0)
        return ES_EINVAL;
    double b = bearing * SIM_DEG;
    for (long long i = 0; i < count; i++) {
        double s = length * ((double)i / (double)(count - 1) - 0.5); /* centred on the origin */
        add_sensor(sc, s * sin(b), s * cos(b), u);
    }
    return 0;
}

/* Cluster centres on a ring of cluster_radius_m; within a cluster the
 * microphones sit on a small circle with neighbours spacing_m apart. */
static int parse_clusters(sim_jctx *c, const json_t *o, sim_scenario *sc)
{
    static const char *const keys[] = {"layout", "clusters", "per_cluster", "spacing_m",
                                       "cluster_radius_m", "u_m", "rotation_deg", NULL};
    long long nc, per;
    double spacing, ring, u = 1.5, rot = 0.0;
    if (sim_jcheck_keys(c, o, "sensors", keys) < 0 ||
        sim_jint(c, o, "sensors", "clusters", 1, 1, ES_MAX_SENSORS, &nc) < 0 ||
        sim_jint(c, o, "sensors", "per_cluster", 1, 1, ES_MAX_SENSORS, &per) < 0 ||
        sim_jnumber(c, o, "sensors", "spacing_m", 1, 0.1, 1e4, &spacing) < 0 ||
        sim_jnumber(c, o, "sensors", "cluster_radius_m", 1, 0.0, 1e5, &ring) < 0 ||
        sim_jnumber(c, o, "sensors", "u_m", 0, 0.0, 100.0, &u) < 0 ||
        sim_jnumber(c, o, "sensors", "rotation_deg", 0, -360.0, 360.0, &rot) < 0)
        return ES_EINVAL;
    if (nc * per > ES_MAX_SENSORS)
        return sim_jfail(c, "sensors", "%lld clusters of %lld is more than %d sensors", nc, per,
                         ES_MAX_SENSORS);
    double small = per > 1 ? spacing / (2.0 * sin(SIM_PI / (double)per)) : 0.0;
    for (long long k = 0; k < nc; k++) {
        double b = (rot + 360.0 * (double)k / (double)nc) * SIM_DEG;
        double ce = ring * sin(b), cn = ring * cos(b);
        for (long long j = 0; j < per; j++) {
            double a = b + 2.0 * SIM_PI * (double)j / (double)per;
            add_sensor(sc, ce + small * sin(a), cn + small * cos(a), u);
        }
    }
    return 0;
}

static int parse_layout(sim_jctx *c, const json_t *o, sim_scenario *sc)
{
    char layout[32];
    if (sim_jstring(c, o, "sensors", "layout", 1, layout, sizeof layout) < 0)
        return ES_EINVAL;
    if (strcmp(layout, "ring") == 0)
        return parse_ring(c, o, sc);
    if (strcmp(layout, "line") == 0)
        return parse_line(c, o, sc);
    if (strcmp(layout, "clusters") == 0)
        return parse_clusters(c, o, sc);
    return sim_jfail(c, "sensors.layout", "\"%s\" is not one of ring, line, clusters", layout);
}

static int parse_list_item(sim_jctx *c, const json_t *item, size_t i, sim_scenario *sc)
{
    static const char *const keys[] = {"id", "e_m", "n_m", "u_m", NULL};
    char p[64];
    sim_jpath_index(p, sizeof p, "sensors", i);
    if (!json_is_object(item))
        return sim_jfail(c, p, "must be an object");
    sim_sensor *s = &sc->sensors[i];
    s->pos_m[2] = 1.5;
    if (sim_jcheck_keys(c, item, p, keys) < 0 ||
        sim_jstring(c, item, p, "id", 1, s->id, sizeof s->id) < 0 ||
        sim_jnumber(c, item, p, "e_m", 1, -1e5, 1e5, &s->pos_m[0]) < 0 ||
        sim_jnumber(c, item, p, "n_m", 1, -1e5, 1e5, &s->pos_m[1]) < 0 ||
        sim_jnumber(c, item, p, "u_m", 0, 0.0, 100.0, &s->pos_m[2]) < 0)
        return ES_EINVAL;
    char ip[80];
    sim_jpath(ip, sizeof ip, p, "id");
    if (s->id[0] == '\0')
        return sim_jfail(c, ip, "is empty");
    for (size_t k = 0; k < i; k++)
        if (strcmp(sc->sensors[k].id, s->id) == 0)
            return sim_jfail(c, ip, "\"%s\" is also the id of sensors[%zu]", s->id, k);
    return 0;
}

static int parse_list(sim_jctx *c, const json_t *list, sim_scenario *sc)
{
    size_t n = json_array_size(list);
    if (n == 0)
        return sim_jfail(c, "sensors", "the list is empty");
    if (n > ES_MAX_SENSORS)
        return sim_jfail(c, "sensors", "%zu sensors, at most %d", n, ES_MAX_SENSORS);
    for (size_t i = 0; i < n; i++) {
        if (parse_list_item(c, json_array_get(list, i), i, sc) < 0)
            return ES_EINVAL;
        sc->n_sensors = i + 1;
    }
    return 0;
}

static int check_distinct(sim_jctx *c, const sim_scenario *sc)
{
    for (size_t i = 0; i < sc->n_sensors; i++)
        for (size_t k = 0; k < i; k++) {
            const double *a = sc->sensors[i].pos_m, *b = sc->sensors[k].pos_m;
            if (hypot(hypot(a[0] - b[0], a[1] - b[1]), a[2] - b[2]) < 0.01) {
                char p[64];
                sim_jpath_index(p, sizeof p, "sensors", i);
                return sim_jfail(c, p, "%s is at the position of %s", sc->sensors[i].id,
                                 sc->sensors[k].id);
            }
        }
    return 0;
}

static int parse_errors(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    static const char *const keys[] = {"position_sigma_m", "gain_sigma_db", NULL};
    const json_t *e;
    if (sim_jobject(c, root, "", "sensor_errors", 0, &e) < 0)
        return ES_EINVAL;
    if (e == NULL)
        return 0;
    if (sim_jcheck_keys(c, e, "sensor_errors", keys) < 0 ||
        sim_jnumber(c, e, "sensor_errors", "position_sigma_m", 0, 0.0, 100.0,
                    &sc->position_sigma_m) < 0 ||
        sim_jnumber(c, e, "sensor_errors", "gain_sigma_db", 0, 0.0, 20.0, &sc->gain_sigma_db) < 0)
        return ES_EINVAL;
    return 0;
}

int sim_parse_sensors(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    const json_t *s = json_object_get(root, "sensors");
    int st;
    if (s == NULL)
        return sim_jfail(c, "sensors", "missing");
    if (json_is_array(s))
        st = parse_list(c, s, sc);
    else if (json_is_object(s))
        st = parse_layout(c, s, sc);
    else
        return sim_jfail(c, "sensors", "must be a list of sensors or a layout object");
    if (st < 0 || check_distinct(c, sc) < 0)
        return ES_EINVAL;
    for (size_t i = 0; i < sc->n_sensors; i++)
        memcpy(sc->sensors[i].config_m, sc->sensors[i].pos_m, sizeof sc->sensors[i].pos_m);
    return parse_errors(c, root, sc);
}
