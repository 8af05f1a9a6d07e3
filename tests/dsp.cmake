# Tests of the numerical core in dsp/: atmosphere, GCC-PHAT, locate,
# uncertainty, geodesy. Plain C programs; each exits non-zero on a failed check.
set(ES_DSP_TESTS atmosphere absorption history features classify gccphat locate locate_mc uncertainty geodesy wavefront_fit shellpath)
foreach(t ${ES_DSP_TESTS})
  add_executable(test_dsp_${t} ${ES_TEST_DIR}/dsp/test_${t}.c)
  target_link_libraries(test_dsp_${t} PRIVATE earshot_dsp)
  add_test(NAME dsp_${t} COMMAND test_dsp_${t})
endforeach()
set_tests_properties(dsp_locate_mc PROPERTIES TIMEOUT 300)
