# earshot-cot (issue 7, section 3): Cursor on Target for TAK consoles.
# Each benchmark scene and tests/cot/camp_impact.json (a mortar, a rocket
# and an impact in the camp) replayed as fast as it goes: documents valid
# against tests/cot/cot_event.xsd and matching the engine's messages and
# the truth. UDP and TCP delivery to listeners (TCP through a listener
# that goes away: real time, so alone), the command line, and the
# document builder on crafted messages.
set(ES_COT ${CMAKE_CURRENT_LIST_DIR}/cot)
file(GLOB ES_COT_SCENES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenes/e2e_*.json)
list(APPEND ES_COT_SCENES ${ES_COT}/camp_impact.json)
set(ES_COT_TESTS "")
foreach(scene ${ES_COT_SCENES})
  get_filename_component(name ${scene} NAME_WE)
  add_test(NAME cot_${name}
           COMMAND ${ES_COT}/cot_scene.sh ${CMAKE_BINARY_DIR} ${scene}
                   ${CMAKE_CURRENT_BINARY_DIR}/cot_${name}_work)
  list(APPEND ES_COT_TESTS cot_${name})
endforeach()
foreach(t udp tcp usage)
  add_test(NAME cot_${t}
           COMMAND ${ES_COT}/cot_${t}.sh ${CMAKE_BINARY_DIR} ${ES_COT}/camp_impact.json
                   ${CMAKE_CURRENT_BINARY_DIR}/cot_${t}_work)
  list(APPEND ES_COT_TESTS cot_${t})
endforeach()
# The document builder alone, on crafted messages (hostile text, live times).
add_executable(test_cot_xml ${ES_COT}/test_cot_xml.c ${CMAKE_SOURCE_DIR}/tools/cot/cot_xml.c)
target_include_directories(test_cot_xml PRIVATE ${CMAKE_SOURCE_DIR}/tools/cot)
target_link_libraries(test_cot_xml PRIVATE earshot_dsp PkgConfig::JANSSON m)
add_test(NAME cot_xml COMMAND ${ES_COT}/cot_xml.sh $<TARGET_FILE:test_cot_xml>
                              ${ES_COT}/cot_event.xsd ${CMAKE_CURRENT_BINARY_DIR}/cot_xml_work)
list(APPEND ES_COT_TESTS cot_xml)
set_tests_properties(${ES_COT_TESTS} PROPERTIES TIMEOUT 300 LABELS subscribers)
set_tests_properties(cot_tcp PROPERTIES RUN_SERIAL TRUE)
