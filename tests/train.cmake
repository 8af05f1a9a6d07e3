# earshot-train (tools/train): the classifier's fit against a closed form.
add_executable(test_train ${ES_TEST_DIR}/train/test_train.c
                          ${CMAKE_SOURCE_DIR}/tools/train/train_csv.c
                          ${CMAKE_SOURCE_DIR}/tools/train/train_fit.c)
target_include_directories(test_train PRIVATE ${CMAKE_SOURCE_DIR}/tools/train)
target_link_libraries(test_train PRIVATE earshot_dsp m)
add_test(NAME train_fit COMMAND test_train)
# Bad input: clear reasons, exit 2 (or 1: cannot write), the old model kept.
add_test(NAME train_bad_input
         COMMAND ${ES_TEST_DIR}/train/bad_input.sh $<TARGET_FILE:earshot-train>)
