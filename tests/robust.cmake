# Robustness, accuracy and classification over many seeds (issue 5, sections 3 and 4; issue 6, section 4;
# tests/robust/): scenes built in code, simulated (tools/sim/, the ground
# truth), run through the inline pipeline in-process, statistics against
# the truth. Label "robust". Deterministic: fixed seeds, no timing.
# A claim the engine does not meet yet is reported as KNOWN ENGINE GAP and
# the test exits 77, which ctest shows as "Skipped" (ES_ROBUST_STRICT=1 in
# the environment turns gaps into failures).
set(ES_ROBUST_WORK ${CMAKE_CURRENT_BINARY_DIR}/robust_work)
add_library(earshot_robust STATIC ${ES_TEST_DIR}/robust/robust_run.c ${ES_TEST_DIR}/robust/robust_lib.c)
target_include_directories(earshot_robust PUBLIC ${ES_TEST_DIR}/robust)
target_link_libraries(earshot_robust PUBLIC earshot_engine earshot_sim PkgConfig::JANSSON
                      PkgConfig::SNDFILE m)

# Seeds per test: the statistics want many; a sanitizer build (3-5x
# slower) checks memory and undefined behaviour on fewer, which keeps the
# whole suite well inside CI's time.
set(ES_ROBUST_SEEDS_faults 10)
set(ES_ROBUST_SEEDS_reflection 10)
set(ES_ROBUST_SEEDS_salvo 8)
set(ES_ROBUST_SEEDS_far 20)
set(ES_ROBUST_SEEDS_cep 30)
set(ES_ROBUST_SEEDS_classify 3)
if(ES_SANITIZE)
  set(ES_ROBUST_SEEDS_faults 3)
  set(ES_ROBUST_SEEDS_reflection 3)
  set(ES_ROBUST_SEEDS_salvo 3)
  set(ES_ROBUST_SEEDS_far 8)
  set(ES_ROBUST_SEEDS_cep 8)
  set(ES_ROBUST_SEEDS_classify 1)
endif()
foreach(t faults reflection salvo far cep classify)
  add_executable(test_robust_${t} ${ES_TEST_DIR}/robust/test_robust_${t}.c)
  target_link_libraries(test_robust_${t} PRIVATE earshot_robust)
  add_test(NAME robust_${t} COMMAND test_robust_${t} ${ES_ROBUST_WORK}/${t} ${ES_ROBUST_SEEDS_${t}})
  set_tests_properties(robust_${t} PROPERTIES LABELS robust TIMEOUT 900 SKIP_RETURN_CODE 77)
endforeach()
