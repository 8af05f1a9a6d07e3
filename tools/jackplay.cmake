# earshot-jackplay: plays a multichannel WAV into a JACK graph in real time,
# for the live tests (tests/live.cmake) on JACK's dummy backend. Built when
# libjack's development files are there (scripts/setup.sh installs them).
pkg_check_modules(JACK QUIET IMPORTED_TARGET jack)
if(JACK_FOUND)
  add_executable(earshot-jackplay ${CMAKE_SOURCE_DIR}/tools/jackplay/jackplay.c)
  target_link_libraries(earshot-jackplay PRIVATE PkgConfig::JACK PkgConfig::SNDFILE)
  set_target_properties(earshot-jackplay PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
else()
  message(STATUS "libjack not found: earshot-jackplay and the live tests are not built")
endif()
