# End-to-end: simulated scenes (fixed seeds) replayed and scored against
# the simulator's truth. Audio is generated here, never committed.
file(GLOB ES_E2E_SCENES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenes/e2e_*.json)
foreach(scene ${ES_E2E_SCENES})
  get_filename_component(name ${scene} NAME_WE)
  add_test(NAME ${name}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/e2e/run_scene.sh ${CMAKE_BINARY_DIR} ${scene}
                   ${CMAKE_CURRENT_BINARY_DIR}/e2e_work
                   --max-bearing-err 2 --max-range-err 10)
  set_tests_properties(${name} PROPERTIES TIMEOUT 600)
endforeach()

# A real ZeroMQ subscriber against the engine process, on the first scene.
add_executable(test_subscriber ${CMAKE_CURRENT_LIST_DIR}/e2e/test_subscriber.c)
target_link_libraries(test_subscriber PRIVATE PkgConfig::ZMQ PkgConfig::JANSSON)
add_test(NAME subscriber
         COMMAND sh -c "mkdir -p '${CMAKE_CURRENT_BINARY_DIR}/sub_work' && \
'${CMAKE_BINARY_DIR}/earshot-sim' '${CMAKE_SOURCE_DIR}/scenes/e2e_1.json' --out '${CMAKE_CURRENT_BINARY_DIR}/sub_work' --prefix sub >/dev/null && \
'$<TARGET_FILE:test_subscriber>' '${CMAKE_BINARY_DIR}/earshot' '${CMAKE_CURRENT_BINARY_DIR}/sub_work/sub.site.json' \
'${CMAKE_CURRENT_BINARY_DIR}/sub_work/sub.wav' '${CMAKE_CURRENT_BINARY_DIR}/sub_work'")
set_tests_properties(subscriber PROPERTIES TIMEOUT 300)

# Bad and damaged inputs to `earshot replay`: clear errors, no crash or hang.
add_test(NAME replay_inputs
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/e2e/replay_inputs.sh ${CMAKE_BINARY_DIR}
                 ${CMAKE_SOURCE_DIR}/scenes ${CMAKE_CURRENT_BINARY_DIR}/replay_inputs_work)
set_tests_properties(replay_inputs PROPERTIES TIMEOUT 600)
add_executable(make_nan_wav ${CMAKE_CURRENT_LIST_DIR}/e2e/make_nan_wav.c)
target_link_libraries(make_nan_wav PRIVATE PkgConfig::SNDFILE m)

# An artillery shell's crack heard before its blast is reported as
# features.crack_lead_s, within the simulator's leads; no crack, no claim.
add_test(NAME crack_evidence
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/e2e/crack_evidence.sh ${CMAKE_BINARY_DIR}
                 ${CMAKE_SOURCE_DIR}/scenes ${CMAKE_CURRENT_BINARY_DIR}/crack_work)
set_tests_properties(crack_evidence PROPERTIES TIMEOUT 600)
