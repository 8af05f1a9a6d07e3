# The Python example subscriber for integrators (issue 7, section 5),
# against a real engine.
add_test(NAME python_subscriber
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/examples/python_subscriber.sh ${CMAKE_BINARY_DIR}
                 ${CMAKE_SOURCE_DIR}/scenes ${CMAKE_SOURCE_DIR}/tools/examples/earshot_subscriber.py
                 ${CMAKE_CURRENT_BINARY_DIR}/python_subscriber_work)
set_tests_properties(python_subscriber PROPERTIES TIMEOUT 300 LABELS subscribers)
