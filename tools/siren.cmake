# earshot-siren: the camp siren's controller (tools/siren/siren.c).
add_executable(earshot-siren ${CMAKE_CURRENT_LIST_DIR}/siren/siren.c
                             ${CMAKE_CURRENT_LIST_DIR}/siren/siren_state.c
                             ${CMAKE_CURRENT_LIST_DIR}/siren/siren_run.c)
target_link_libraries(earshot-siren PRIVATE earshot_sub m)
set_target_properties(earshot-siren PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
