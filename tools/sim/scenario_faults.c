/* Scenario parsing: sensor faults (a dead channel, a misplaced sensor in
 * the config, a clock offset, extra gain that clips), for robustness
 * tests. The format is in scenario.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

#define MAX_CONFIG_OFFSET_M 1e4
#define MAX_CLOCK_OFFSET_S 1.0
#define MAX_FAULT_GAIN_DB 60.0

static int find_sensor(const sim_scenario *sc, const char *id)
{
    for (size_t k = 0; k < sc->n_sensors; k++)
        if (strcmp(sc->sensors[k].id, id) == 0)
            return (int)k;
    return -1;
}

/* [e, n, u]: exactly three finite numbers, each within the limit. */
static int parse_offset(sim_jctx *c, const json_t *item, const char *p, double out[3])
{
    char kp[96];
    sim_jpath(kp, sizeof kp, p, "config_offset_m");
    const json_t *v = json_object_get(item, "config_offset_m");
    if (v == NULL)
        return 1;
    if (!json_is_array(v) || json_array_size(v) != 3)
        return sim_jfail(c, kp, "must be a list of three numbers [e, n, u] (metres)");
    for (size_t k = 0; k < 3; k++) {
        const json_t *x = json_array_get(v, k);
        double d = json_is_number(x) ? json_number_value(x) : NAN;
        if (!json_is_number(x))
            return sim_jfail(c, kp, "item %zu must be a number", k);
        if (!isfinite(d) || fabs(d) > MAX_CONFIG_OFFSET_M)
            return sim_jfail(c, kp, "item %zu: %g is out of range [%g, %g]", k, d,
                             -MAX_CONFIG_OFFSET_M, MAX_CONFIG_OFFSET_M);
        out[k] = d;
    }
    return 0;
}

static int parse_kinds(sim_jctx *c, const json_t *item, const char *p, sim_sensor *s)
{
    int st_offset = parse_offset(c, item, p, s->config_offset_m);
    if (st_offset < 0)
        return ES_EINVAL;
    int st_clock = sim_jnumber(c, item, p, "clock_offset_s", 0, -MAX_CLOCK_OFFSET_S,
                               MAX_CLOCK_OFFSET_S, &s->clock_offset_s);
    int st_gain = sim_jnumber(c, item, p, "gain_db", 0, -MAX_FAULT_GAIN_DB, MAX_FAULT_GAIN_DB,
                              &s->fault_gain_db);
    int st_dead = sim_jbool(c, item, p, "dead", &s->dead);
    if (st_clock < 0 || st_gain < 0 || st_dead < 0)
        return ES_EINVAL;
    if (st_offset == 1 && st_clock == 1 && st_gain == 1 && st_dead == 1)
        return sim_jfail(c, p, "names no fault (dead, config_offset_m, clock_offset_s, gain_db)");
    return 0;
}

static int parse_item(sim_jctx *c, const json_t *item, size_t i, sim_scenario *sc)
{
    static const char *const keys[] = {"sensor", "dead", "config_offset_m", "clock_offset_s",
                                       "gain_db", NULL};
    char p[64], sp[80], id[SIM_ID_MAX];
    sim_jpath_index(p, sizeof p, "sensor_faults", i);
    sim_jpath(sp, sizeof sp, p, "sensor");
    if (!json_is_object(item))
        return sim_jfail(c, p, "must be an object");
    if (sim_jcheck_keys(c, item, p, keys) < 0 ||
        sim_jstring(c, item, p, "sensor", 1, id, sizeof id) < 0)
        return ES_EINVAL;
    int k = find_sensor(sc, id);
    if (k < 0)
        return sim_jfail(c, sp, "\"%s\" is not the id of any sensor", id);
    sim_sensor *s = &sc->sensors[k];
    if (s->has_fault)
        return sim_jfail(c, sp, "\"%s\" has an entry already (give all its faults in one)", id);
    if (parse_kinds(c, item, p, s) < 0)
        return ES_EINVAL;
    s->has_fault = 1;
    return 0;
}

int sim_parse_faults(sim_jctx *c, const json_t *root, sim_scenario *sc)
{
    const json_t *list = json_object_get(root, "sensor_faults");
    if (list == NULL)
        return 0;
    if (!json_is_array(list))
        return sim_jfail(c, "sensor_faults", "must be a list of {sensor, ...} objects");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (parse_item(c, json_array_get(list, i), i, sc) < 0)
            return ES_EINVAL;
    return 0;
}
