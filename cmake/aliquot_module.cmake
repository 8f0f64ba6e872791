# aliquot_test(NAME SOURCES... LIBS ...) builds one gtest binary and registers its tests with
# ALIQUOT_SOURCE_DIR (the repository root) in their environment.
function(aliquot_test name)
  if(NOT ALIQUOT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  # Only one variable: gtest_discover_tests (CMake 3.25) splits a list-valued ENVIRONMENT into
  # separate properties. Tests that run the built `aliquot` get its path as a compile definition
  # (tests/cli/CMakeLists.txt); ALIQUOT_BINARY in the environment still overrides it.
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "ALIQUOT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
