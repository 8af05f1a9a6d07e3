# earshot-train: fits the classifier's model to bench_classify --csv rows
# and writes dsp/classify_model.h (scripts/train-classifier.sh).
add_executable(earshot-train ${CMAKE_CURRENT_LIST_DIR}/train/train.c
                             ${CMAKE_CURRENT_LIST_DIR}/train/train_csv.c
                             ${CMAKE_CURRENT_LIST_DIR}/train/train_fit.c)
target_link_libraries(earshot-train PRIVATE earshot_dsp m)
set_target_properties(earshot-train PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
