# earshot-cot: alerts and events as Cursor on Target for TAK consoles
# (tools/cot/cot.c).
add_executable(earshot-cot ${CMAKE_CURRENT_LIST_DIR}/cot/cot.c
                           ${CMAKE_CURRENT_LIST_DIR}/cot/cot_xml.c
                           ${CMAKE_CURRENT_LIST_DIR}/cot/cot_send.c)
target_link_libraries(earshot-cot PRIVATE earshot_sub m)
set_target_properties(earshot-cot PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
