# aliquot_test(NAME SOURCES... LIBS ...) builds one gtest binary and registers its tests.
function(aliquot_test name)
  if(NOT ALIQUOT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ENVIRONMENT
                       "ALIQUOT_SOURCE_DIR=${PROJECT_SOURCE_DIR};ALIQUOT_BINARY=$<TARGET_FILE_DIR:aliquot>/aliquot")
endfunction()
