# Stage tests: conditioning, detection, association, the inline pipeline.
foreach(t condition detector associator pipeline gccphat_noise cov_bayes)
  add_executable(test_${t} ${CMAKE_CURRENT_LIST_DIR}/stages/test_${t}.c)
  target_link_libraries(test_${t} PRIVATE earshot_engine)
  add_test(NAME stage_${t} COMMAND test_${t})
endforeach()
