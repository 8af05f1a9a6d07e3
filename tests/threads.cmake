# Threaded code: the SPSC ring and the capture push, single-threaded edges
# and producer/consumer stress with checksums. Labelled "threads": the
# ThreadSanitizer stage of scripts/test.sh runs every test with that label.
# ring_internal.h (engine/) holds the ring's test hook.
# Items through the ring (capacity 64 and 8; capacity 2 waits on nearly
# every item, so it gets fewer) and blocks through the capture ring. Under
# ThreadSanitizer everything runs 3-10x slower: fewer, still >= 10^6.
if(ES_SANITIZE MATCHES "thread")
  set(ES_RING_STRESS_ITEMS 2000000)
  set(ES_RING_STRESS_ITEMS_CAP2 1000000)
  set(ES_CAPTURE_STRESS_BLOCKS 1000000)
else()
  set(ES_RING_STRESS_ITEMS 10000000)
  set(ES_RING_STRESS_ITEMS_CAP2 2000000)
  set(ES_CAPTURE_STRESS_BLOCKS 2000000)
endif()

foreach(t ring_unit ring_stress capture_unit capture_stress)
  add_executable(test_${t} ${CMAKE_CURRENT_LIST_DIR}/threads/test_${t}.c)
  target_include_directories(test_${t} PRIVATE ${CMAKE_SOURCE_DIR}/engine)
  target_link_libraries(test_${t} PRIVATE earshot_engine Threads::Threads)
endforeach()

add_test(NAME threads_ring_unit COMMAND test_ring_unit)
add_test(NAME threads_ring_stress_64 COMMAND test_ring_stress 64 ${ES_RING_STRESS_ITEMS})
add_test(NAME threads_ring_stress_8 COMMAND test_ring_stress 8 ${ES_RING_STRESS_ITEMS})
add_test(NAME threads_ring_stress_2 COMMAND test_ring_stress 2 ${ES_RING_STRESS_ITEMS_CAP2})
add_test(NAME threads_capture_unit COMMAND test_capture_unit)
add_test(NAME threads_capture_stress COMMAND test_capture_stress ${ES_CAPTURE_STRESS_BLOCKS})
set_tests_properties(threads_ring_unit threads_ring_stress_64 threads_ring_stress_8
                     threads_ring_stress_2 threads_capture_unit threads_capture_stress
                     PROPERTIES LABELS threads TIMEOUT 300)
# A stress test is a producer and a consumer spinning on each other: it
# takes both cores (ctest -j2 then runs it alone; sharing the cores with
# other tests only slows every one of them several-fold).
set_tests_properties(threads_ring_stress_64 threads_ring_stress_8 threads_ring_stress_2
                     threads_capture_stress PROPERTIES PROCESSORS 2)
