# earshot-score: alerts against simulator truth (library for `earshot demo`).
add_library(earshot_score STATIC ${CMAKE_CURRENT_LIST_DIR}/score/score.c
                                 ${CMAKE_CURRENT_LIST_DIR}/score/score_print.c)
target_include_directories(earshot_score PUBLIC ${CMAKE_CURRENT_LIST_DIR}/score)
target_link_libraries(earshot_score PUBLIC earshot_dsp PkgConfig::JANSSON m)
add_executable(earshot-score ${CMAKE_CURRENT_LIST_DIR}/score/score_main.c)
target_link_libraries(earshot-score PRIVATE earshot_score)
set_target_properties(earshot-score PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
