# earshot-console (issue 7, section 2). The model and layout on their own
# (test_console_view.c: late revisions, gaps, restarts, hostile bytes,
# small terminals); the program against a real engine replaying
# scenes/e2e_1.json in real time, in a tmux pane of fixed size and with
# --once (each 15-30 s, alone: RUN_SERIAL, as the siren's, so a starved
# machine does not delay heartbeats past DEAD's 3 s); the command line.
# tmux missing fails console_tmux (scripts/setup.sh must install it).
set(ES_CONSOLE_TESTS ${CMAKE_CURRENT_LIST_DIR}/console)
add_executable(test_console_view ${ES_CONSOLE_TESTS}/test_console_view.c)
target_include_directories(test_console_view PRIVATE ${ES_TEST_DIR}/dsp)
target_link_libraries(test_console_view PRIVATE earshot_console_view)
add_test(NAME console_view COMMAND test_console_view)
foreach(t console_tmux console_once)
  add_test(NAME ${t}
           COMMAND ${ES_CONSOLE_TESTS}/${t}.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenes
                   ${CMAKE_CURRENT_BINARY_DIR}/${t}_work)
endforeach()
add_test(NAME console_usage
         COMMAND ${ES_CONSOLE_TESTS}/console_usage.sh $<TARGET_FILE:earshot-console>
                 ${CMAKE_CURRENT_BINARY_DIR}/console_usage_work)
set_tests_properties(console_view console_tmux console_once console_usage
                     PROPERTIES TIMEOUT 300 LABELS subscribers)
set_tests_properties(console_tmux console_once PROPERTIES RUN_SERIAL TRUE)
