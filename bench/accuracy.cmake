# Localisation accuracy benchmark (bench/bench_accuracy.c, issue 5):
# `cmake --build build --target bench_accuracy` then `build/bench_accuracy`
# prints the tables the README shows and writes accuracy_<layout>.svg.
#
# Run as a script (cmake -DBENCH=... -DOUT=... -P accuracy.cmake) this file
# is the smoke test: 4 scenes; the run must exit 0, print the table header,
# the overall row and the target verdicts, and write the pictures and the
# CSV. Nothing about accuracy is asserted.
if(CMAKE_SCRIPT_MODE_FILE)
  file(REMOVE_RECURSE "${OUT}")
  file(MAKE_DIRECTORY "${OUT}")
  execute_process(COMMAND "${BENCH}" --scenes 4 --quiet --svg "${OUT}" --csv "${OUT}/launches.csv"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bench_accuracy exited ${rc}: ${err}")
  endif()
  foreach(expect "| group " "| overall " "| range 8-10 km " "targets: ")
    string(FIND "${out}" "${expect}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "bench_accuracy printed no '${expect}'")
    endif()
  endforeach()
  foreach(f accuracy_ring.svg accuracy_line.svg accuracy_clusters.svg launches.csv)
    if(NOT EXISTS "${OUT}/${f}")
      message(FATAL_ERROR "bench_accuracy wrote no ${f}")
    endif()
  endforeach()
  return()
endif()

add_executable(bench_accuracy ${CMAKE_CURRENT_LIST_DIR}/bench_accuracy.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_scenes.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_run.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_score.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_crlb.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_report.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_svg.c
                              ${CMAKE_CURRENT_LIST_DIR}/accuracy_snr.c)
target_link_libraries(bench_accuracy PRIVATE earshot_engine earshot_sim earshot_score
                      PkgConfig::JANSSON PkgConfig::SNDFILE m)
set_target_properties(bench_accuracy PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
add_test(NAME bench_accuracy_smoke
         COMMAND ${CMAKE_COMMAND} -DBENCH=$<TARGET_FILE:bench_accuracy>
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/accuracy_smoke
                 -P ${CMAKE_CURRENT_LIST_FILE})
