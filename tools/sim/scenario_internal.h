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

#endif
