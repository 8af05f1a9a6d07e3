# Live capture (`earshot run`) without microphones: each test starts its
# own JACK server on the dummy backend (jackd2), `earshot run` captures its
# "system" device through PortAudio, and earshot-jackplay plays simulated
# audio into PortAudio's input ports. Labelled "live". Each is real time
# (5-40 s) on a non-real-time JACK server, so each runs alone (RUN_SERIAL):
# CPU-bound tests beside it would starve the dummy backend's clock thread
# and the engine's threads. scripts/setup.sh installs
# jackd2 and libjack-jackd2-dev; without them these tests are not defined.

# The live source's outage skip in the capture ring (no JACK needed).
add_executable(test_capture_skip ${CMAKE_CURRENT_LIST_DIR}/live/test_capture_skip.c)
target_link_libraries(test_capture_skip PRIVATE earshot_engine)
add_test(NAME capture_skip COMMAND test_capture_skip)

find_program(ES_JACKD jackd)
find_program(ES_JACK_LSP jack_lsp)
if(TARGET earshot-jackplay AND ES_JACKD AND ES_JACK_LSP)
  add_executable(test_live_events ${CMAKE_CURRENT_LIST_DIR}/live/live_events.c)
  target_link_libraries(test_live_events PRIVATE PkgConfig::JANSSON m)
  set_target_properties(test_live_events PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

  set(ES_LIVE ${CMAKE_CURRENT_LIST_DIR}/live)
  add_test(NAME live_scene
           COMMAND ${ES_LIVE}/live_scene.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes/e2e_1.json
                   ${CMAKE_CURRENT_BINARY_DIR}/live_scene_work)
  add_test(NAME live_device_errors
           COMMAND ${ES_LIVE}/live_device_errors.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes
                   ${CMAKE_CURRENT_BINARY_DIR}/live_errors_work)
  add_test(NAME live_device_loss
           COMMAND ${ES_LIVE}/live_device_loss.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes
                   ${CMAKE_CURRENT_BINARY_DIR}/live_loss_work)
  add_test(NAME live_sighup
           COMMAND ${ES_LIVE}/live_sighup.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes
                   ${CMAKE_CURRENT_BINARY_DIR}/live_sighup_work)
  set_tests_properties(live_scene live_device_errors live_device_loss live_sighup
                       PROPERTIES LABELS live TIMEOUT 300 RUN_SERIAL TRUE)
  # The relay thread, the watchdog and the reopening also run under
  # ThreadSanitizer (scripts/test.sh runs the "threads" label there).
  set_tests_properties(live_scene live_device_loss PROPERTIES LABELS "live;threads")
else()
  message(WARNING "jackd, jack_lsp or libjack missing: the live tests are not defined "
                  "(scripts/setup.sh installs jackd2 and libjack-jackd2-dev)")
endif()
