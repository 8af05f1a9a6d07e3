# Classification benchmark (bench/bench_classify.c, issue 6):
# `cmake --build build --target bench_classify` then `build/bench_classify`
# prints the confusion matrices, precision, recall, false alerts per 24 h,
# the reliability table and the issue's targets.
#
# Run as a script (cmake -DBENCH=... -P classify.cmake) this file is the
# smoke test: 2 confuser, 2 launch and 2 accuracy launch scenes; the run must exit 0 and print
# the tables and the target verdicts. Nothing about accuracy is asserted.
if(CMAKE_SCRIPT_MODE_FILE)
  execute_process(COMMAND "${BENCH}" --confusers 2 --launches 2 --acc-launches 2 --quiet
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bench_classify exited ${rc}: ${err}")
  endif()
  foreach(expect "| truth \\ engine |" "Confidence reliability" "targets: ")
    string(FIND "${out}" "${expect}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "bench_classify printed no '${expect}'")
    endif()
  endforeach()
  return()
endif()

add_executable(bench_classify ${CMAKE_CURRENT_LIST_DIR}/bench_classify.c
                              ${CMAKE_CURRENT_LIST_DIR}/classify_scenes.c
                              ${CMAKE_CURRENT_LIST_DIR}/classify_report.c
                              ${CMAKE_CURRENT_LIST_DIR}/classify_csv.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_run.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_scenes.c)
target_link_libraries(bench_classify PRIVATE earshot_engine earshot_sim earshot_score
                      PkgConfig::JANSSON PkgConfig::SNDFILE m)
target_compile_definitions(bench_classify PRIVATE
  ES_BENCH_REAL_DIR="${CMAKE_SOURCE_DIR}/../shared/data/yuan-8ch-2024"
  ES_BENCH_REAL_SITE="${CMAKE_SOURCE_DIR}/tests/real/yuan-8ch.site.json")
set_target_properties(bench_classify PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
add_test(NAME bench_classify_smoke
         COMMAND ${CMAKE_COMMAND} -DBENCH=$<TARGET_FILE:bench_classify>
                 -P ${CMAKE_CURRENT_LIST_FILE})
