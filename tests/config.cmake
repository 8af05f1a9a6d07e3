# Site config loader (engine/config*.c), `earshot check` (engine/cmd_check.c)
# and `earshot devices` (engine/devices.c). Data in tests/config/: bad/ (each
# file breaks one rule), good/, stream/ (configs to check against the real
# recording in ES_SHARED_DATA_DIR) and cases.tsv (expected status and message).
set(ES_CONFIG_TEST_DIR ${ES_TEST_DIR}/config)

foreach(t values files curve)
  add_executable(test_config_${t} ${ES_CONFIG_TEST_DIR}/test_config_${t}.c)
  target_link_libraries(test_config_${t} PRIVATE earshot_engine)
endforeach()
add_test(NAME config.values COMMAND test_config_values)
add_test(NAME config.files COMMAND test_config_files ${ES_CONFIG_TEST_DIR})
# publish.curve on key files made at run time (values, relative paths, the
# mode warning); its error messages are rows of cases.tsv.
add_test(NAME config.curve COMMAND test_config_curve)
set_tests_properties(config.curve PROPERTIES SKIP_RETURN_CODE 77)

# `earshot check --config FILE [INPUT]` on every row of cases.tsv.
add_test(NAME config.check_cases
         COMMAND bash ${ES_CONFIG_TEST_DIR}/run_cases.sh $<TARGET_FILE:earshot>
                 ${ES_CONFIG_TEST_DIR} ${ES_SHARED_DATA_DIR})
# Help, version, usage errors, and `earshot devices` on whatever audio the
# machine has (none on CI).
add_test(NAME config.cli
         COMMAND bash ${ES_CONFIG_TEST_DIR}/run_cli.sh $<TARGET_FILE:earshot> ${ES_CONFIG_TEST_DIR})
set_tests_properties(config.values config.files config.curve config.check_cases config.cli
                     PROPERTIES TIMEOUT 300)
