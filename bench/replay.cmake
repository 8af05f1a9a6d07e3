# Replay speed benchmark (bench/bench_replay.c): `cmake --build build --target bench_replay`
# then `build/bench_replay` prints the table the README shows.
add_executable(bench_replay ${CMAKE_CURRENT_LIST_DIR}/bench_replay.c)
target_link_libraries(bench_replay PRIVATE earshot_engine earshot_sim)
set_target_properties(bench_replay PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
# A short run in the test suite proves the benchmark works; it asserts no times.
add_test(NAME bench_replay_smoke COMMAND bench_replay --seconds 12 --repeats 1 --channels 8)

# Latency and CPU at real time (bench/bench_latency.c): `build/bench_latency`.
add_executable(bench_latency ${CMAKE_CURRENT_LIST_DIR}/bench_latency.c)
target_link_libraries(bench_latency PRIVATE earshot_engine earshot_sim PkgConfig::JANSSON)
set_target_properties(bench_latency PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
