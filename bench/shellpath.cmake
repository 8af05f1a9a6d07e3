# Shell-flight fit cost (bench/bench_shellpath.c): `build/bench_shellpath`.
add_executable(bench_shellpath ${CMAKE_CURRENT_LIST_DIR}/bench_shellpath.c)
target_link_libraries(bench_shellpath PRIVATE earshot_dsp m)
set_target_properties(bench_shellpath PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
# A short run in the test suite proves the benchmark works; it asserts no times.
add_test(NAME bench_shellpath_smoke COMMAND bench_shellpath --flights 4)
