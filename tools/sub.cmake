# The subscriber core shared by earshot-siren, earshot-console and
# earshot-cot (tools/sub/sub.h).
add_library(earshot_sub STATIC ${CMAKE_CURRENT_LIST_DIR}/sub/sub.c
                               ${CMAKE_CURRENT_LIST_DIR}/sub/sub_args.c)
target_include_directories(earshot_sub PUBLIC ${CMAKE_CURRENT_LIST_DIR}/sub)
target_link_libraries(earshot_sub PUBLIC earshot_dsp PkgConfig::ZMQ PkgConfig::JANSSON)
