# Simulator tests (tests/sim/): physics against the standard's tables and
# closed forms, onsets against the truth, determinism, bad scenarios and the
# command line, the newer sources (backfire, generator start, gust) and the
# artillery shell's crack. Scenes are simulated into the build tree at test
# time.
set(ES_SIM_TEST_WORK ${CMAKE_CURRENT_BINARY_DIR}/sim_work)
foreach(t physics propagation onset determinism cli faults sources crack)
  add_executable(test_sim_${t} ${ES_TEST_DIR}/sim/test_sim_${t}.c ${ES_TEST_DIR}/sim/simtest.c)
  target_link_libraries(test_sim_${t} PRIVATE earshot_sim PkgConfig::PROJ)
endforeach()
add_test(NAME sim_physics COMMAND test_sim_physics)
add_test(NAME sim_propagation COMMAND test_sim_propagation ${ES_SIM_TEST_WORK})
add_test(NAME sim_onset COMMAND test_sim_onset ${CMAKE_SOURCE_DIR}/scenes/quiet.json ${ES_SIM_TEST_WORK})
add_test(NAME sim_determinism COMMAND test_sim_determinism ${CMAKE_SOURCE_DIR}/scenes/demo.json ${ES_SIM_TEST_WORK})
add_test(NAME sim_cli COMMAND test_sim_cli $<TARGET_FILE:earshot-sim> ${CMAKE_SOURCE_DIR}/scenes ${ES_SIM_TEST_WORK})
add_test(NAME sim_faults COMMAND test_sim_faults ${ES_SIM_TEST_WORK})
add_test(NAME sim_sources COMMAND test_sim_sources ${ES_SIM_TEST_WORK})
add_test(NAME sim_crack COMMAND test_sim_crack ${ES_SIM_TEST_WORK})
set_tests_properties(sim_propagation sim_onset sim_determinism sim_cli sim_faults sim_sources
                     sim_crack PROPERTIES TIMEOUT 300)
