/* Scenario parsing: the keys of the newer sources (artillery's crack, a
 * generator starting, a gust at one microphone). The format is in
 * scenario.h, the defaults and their anchors in source.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

/* The shell flies toward the site origin: a gun nearer to it than this
 * has no direction to fire in. */
#define MIN_GUN_RANGE_M 1.0

int sim_parse_crack(sim_jctx *c, const json_t *o, const char *p, sim_event *ev)
{
    if (sim_jbool(c, o, p, "crack", &ev->crack) < 0 ||
        sim_jnumber(c, o, p, "shell_speed_mps", 0, 100.0, 2000.0, &ev->shell_speed_mps) < 0 ||
        sim_jnumber(c, o, p, "elevation_deg", 0, 0.0, 85.0, &ev->elevation_deg) < 0)
        return ES_EINVAL;
    if (ev->crack && hypot(ev->pos_m[0], ev->pos_m[1]) < MIN_GUN_RANGE_M) {
        char kp[300];
        sim_jpath(kp, sizeof kp, p, "crack");
        return sim_jfail(c, kp, "the shell flies toward the site origin, and the gun is within "
                                "%g m of it (move the gun or set crack to false)",
                         MIN_GUN_RANGE_M);
    }
    return 0;
}

int sim_parse_genstart(sim_jctx *c, const json_t *o, const char *p, sim_event *ev)
{
    if (sim_jnumber(c, o, p, "crank_s", 0, 0.2, 5.0, &ev->crank_s) < 0 ||
        sim_jnumber(c, o, p, "crank_hz", 0, 2.0, 40.0, &ev->crank_hz) < 0 ||
        sim_jnumber(c, o, p, "firing_hz", 0, 5.0, 200.0, &ev->firing_hz) < 0 ||
        sim_jnumber(c, o, p, "duration_s", 0, 1.0, 60.0, &ev->duration_s) < 0 ||
        sim_jnumber(c, o, p, "run_db_spl_at_1m", 0, 40.0, 160.0, &ev->run_db) < 0)
        return ES_EINVAL;
    if (ev->crank_s * ev->crank_hz < 1.0) {
        char kp[300];
        sim_jpath(kp, sizeof kp, p, "crank_s");
        return sim_jfail(c, kp, "%g s of cranking at %g Hz is not one compression pulse",
                         ev->crank_s, ev->crank_hz);
    }
    return 0;
}

/* sensor: the microphone the gust blows on; the event sits at it. */
int sim_parse_gust_sensor(sim_jctx *c, const json_t *o, const char *p, const sim_scenario *sc,
                          sim_event *ev)
{
    char id[SIM_ID_MAX];
    if (sim_jstring(c, o, p, "sensor", 1, id, sizeof id) < 0)
        return ES_EINVAL;
    for (size_t k = 0; k < sc->n_sensors; k++)
        if (strcmp(sc->sensors[k].id, id) == 0) {
            ev->sensor = k;
            memcpy(ev->pos_m, sc->sensors[k].pos_m, sizeof ev->pos_m);
            return 0;
        }
    char kp[300];
    sim_jpath(kp, sizeof kp, p, "sensor");
    return sim_jfail(c, kp, "no sensor has the id \"%s\"", id);
}

int sim_parse_gust(sim_jctx *c, const json_t *o, const char *p, sim_event *ev)
{
    if (sim_jnumber(c, o, p, "duration_s", 0, 0.1, 60.0, &ev->duration_s) < 0 ||
        sim_jnumber(c, o, p, "rise_s", 0, 0.01, 10.0, &ev->rise_s) < 0 ||
        sim_jnumber(c, o, p, "level_db_spl", 0, 20.0, 150.0, &ev->level_db) < 0)
        return ES_EINVAL;
    if (ev->rise_s >= ev->duration_s) {
        char kp[300];
        sim_jpath(kp, sizeof kp, p, "rise_s");
        return sim_jfail(c, kp, "%g s is not shorter than the gust (duration_s %g s)",
                         ev->rise_s, ev->duration_s);
    }
    return 0;
}
