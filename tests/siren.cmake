# earshot-siren against a real engine (issue 7, section 1): death and
# restart of the engine, and a subscriber's reconnection through a relay
# that is cut. Each replays a scene in real time (15-30 s), so each runs
# alone (RUN_SERIAL): a starved machine would delay heartbeats past the
# limits the tests check.
set(ES_SIREN ${CMAKE_CURRENT_LIST_DIR}/siren)
add_test(NAME siren_dead
         COMMAND ${ES_SIREN}/siren_dead.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes
                 ${CMAKE_CURRENT_BINARY_DIR}/siren_dead_work)
add_test(NAME siren_gap
         COMMAND ${ES_SIREN}/siren_gap.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes
                 ${CMAKE_CURRENT_BINARY_DIR}/siren_gap_work)
add_test(NAME siren_curve
         COMMAND ${ES_SIREN}/siren_curve.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes
                 ${CMAKE_CURRENT_BINARY_DIR}/siren_curve_work)
# Messages that break the contract, from a fake engine (no replay).
add_test(NAME siren_bad
         COMMAND ${ES_SIREN}/siren_bad.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes
                 ${CMAKE_CURRENT_BINARY_DIR}/siren_bad_work)
set_tests_properties(siren_bad PROPERTIES TIMEOUT 60 LABELS subscribers)
set_tests_properties(siren_dead siren_gap siren_curve PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE LABELS subscribers)
