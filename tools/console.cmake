# earshot-console: a live terminal view of the engine's stream
# (tools/console/console.c; the model in console_state.c, no I/O, the
# layout in console_draw.c, the terminal bytes in console_term.c).
add_library(earshot_console_view STATIC ${CMAKE_CURRENT_LIST_DIR}/console/console_state.c
                                        ${CMAKE_CURRENT_LIST_DIR}/console/console_draw.c
                                        ${CMAKE_CURRENT_LIST_DIR}/console/console_term.c)
target_include_directories(earshot_console_view PUBLIC ${CMAKE_CURRENT_LIST_DIR}/console)
target_link_libraries(earshot_console_view PUBLIC earshot_sub m)
add_executable(earshot-console ${CMAKE_CURRENT_LIST_DIR}/console/console.c)
target_link_libraries(earshot-console PRIVATE earshot_console_view)
set_target_properties(earshot-console PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
