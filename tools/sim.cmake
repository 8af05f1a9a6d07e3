# earshot_sim: the scene simulator (the project's ground truth for end-to-end
# tests and benchmarks) and earshot-sim, its command-line front end.
file(GLOB ES_SIM_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/sim/*.c)
list(REMOVE_ITEM ES_SIM_SOURCES ${CMAKE_SOURCE_DIR}/tools/sim/main.c)
add_library(earshot_sim STATIC ${ES_SIM_SOURCES})
# Both "sim/sim.h" (engine) and "sim.h" (the simulator's own files) resolve.
target_include_directories(earshot_sim PUBLIC ${CMAKE_SOURCE_DIR}/tools ${CMAKE_SOURCE_DIR}/tools/sim)
target_link_libraries(earshot_sim PUBLIC earshot_dsp PkgConfig::FFTW3F PkgConfig::SNDFILE
                      PkgConfig::JANSSON m)

add_executable(earshot-sim ${CMAKE_SOURCE_DIR}/tools/sim/main.c)
target_link_libraries(earshot-sim PRIVATE earshot_sim)
set_target_properties(earshot-sim PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
