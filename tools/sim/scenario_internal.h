/* Earshot simulator: parts of the scenario parser shared between its files. */
#ifndef EARSHOT_SIM_SCENARIO_INTERNAL_H
#define EARSHOT_SIM_SCENARIO_INTERNAL_H

#include <jansson.h>

#include "jsonget.h"
#include "scenario.h"

int sim_parse_sensors(sim_jctx *c, const json_t *root, sim_scenario *sc);
int sim_parse_faults(sim_jctx *c, const json_t *root, sim_scenario *sc);
int sim_parse_events(sim_jctx *c, const json_t *root, sim_scenario *sc);
int sim_check_event_geometry(const sim_scenario *sc, es_error *err);

/* Per-type keys of the newer sources (scenario_types.c); p is the event's
 * JSON path ("events[3]"). */
int sim_parse_crack(sim_jctx *c, const json_t *o, const char *p, sim_event *ev);
int sim_parse_genstart(sim_jctx *c, const json_t *o, const char *p, sim_event *ev);
int sim_parse_gust_sensor(sim_jctx *c, const json_t *o, const char *p, const sim_scenario *sc,
                          sim_event *ev);
int sim_parse_gust(sim_jctx *c, const json_t *o, const char *p, sim_event *ev);

#endif
