# Publisher (ZeroMQ + --events file) and per-sensor health tests.
set(ES_PUB_TEST_DIR ${ES_TEST_DIR}/publisher)

add_executable(test_health ${ES_PUB_TEST_DIR}/test_health.c)
target_link_libraries(test_health PRIVATE earshot_dsp)
add_test(NAME health COMMAND test_health)

foreach(t test_publisher_zmq test_publisher_file)
  add_executable(${t} ${ES_PUB_TEST_DIR}/${t}.c)
  target_link_libraries(${t} PRIVATE earshot_engine)
endforeach()
add_test(NAME publisher.zmq COMMAND test_publisher_zmq)
add_test(NAME publisher.file COMMAND test_publisher_file)
set_tests_properties(health publisher.zmq publisher.file PROPERTIES TIMEOUT 120)
