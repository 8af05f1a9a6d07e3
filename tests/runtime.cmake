# The threaded engine: same events as the inline pipeline (run under TSan
# too: label "threads"), and a stalled analysis on a paced replay.
add_executable(test_same_alerts ${CMAKE_CURRENT_LIST_DIR}/runtime/test_same_alerts.c)
target_link_libraries(test_same_alerts PRIVATE earshot_engine)
add_test(NAME runtime_same_alerts
         COMMAND sh -c "mkdir -p '${CMAKE_CURRENT_BINARY_DIR}/same_work' && \
'${CMAKE_BINARY_DIR}/earshot-sim' '${CMAKE_SOURCE_DIR}/scenes/e2e_4.json' --out '${CMAKE_CURRENT_BINARY_DIR}/same_work' --prefix same >/dev/null && \
'$<TARGET_FILE:test_same_alerts>' '${CMAKE_CURRENT_BINARY_DIR}/same_work/same.site.json' \
'${CMAKE_CURRENT_BINARY_DIR}/same_work/same.wav' '${CMAKE_CURRENT_BINARY_DIR}/same_work'")
set_tests_properties(runtime_same_alerts PROPERTIES LABELS threads TIMEOUT 600)

add_test(NAME runtime_stall
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/runtime/stall.sh ${CMAKE_BINARY_DIR}
                 ${CMAKE_SOURCE_DIR}/scenes/stall.json ${CMAKE_CURRENT_BINARY_DIR}/stall_work)
set_tests_properties(runtime_stall PROPERTIES TIMEOUT 300)

# The analysis path allocates nothing in steady state (allocator interposed
# in the test program; not under sanitizers, which bring their own).
if(NOT ES_SANITIZE)
  add_executable(test_no_alloc ${CMAKE_CURRENT_LIST_DIR}/runtime/test_no_alloc.c)
  target_link_libraries(test_no_alloc PRIVATE earshot_engine)
  add_test(NAME runtime_no_alloc
           COMMAND sh -c "mkdir -p '${CMAKE_CURRENT_BINARY_DIR}/noalloc_work' && \
'${CMAKE_BINARY_DIR}/earshot-sim' '${CMAKE_SOURCE_DIR}/scenes/e2e_4.json' --out '${CMAKE_CURRENT_BINARY_DIR}/noalloc_work' --prefix na >/dev/null && \
'$<TARGET_FILE:test_no_alloc>' '${CMAKE_CURRENT_BINARY_DIR}/noalloc_work/na.site.json' '${CMAKE_CURRENT_BINARY_DIR}/noalloc_work/na.wav'")
endif()
