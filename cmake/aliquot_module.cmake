# aliquot_test(NAME [ONE_PROCESS] [RUNS_ALIQUOT] SOURCES... LIBS ...) builds one gtest binary and
# registers its tests with ALIQUOT_SOURCE_DIR (the repository root) in their environment. Each
# test runs in a process of its own, except with ONE_PROCESS: then the binary is one ctest entry,
# for suites whose tests share an expensive fixture built once per process (a simulated lab day).
# RUNS_ALIQUOT: the tests run the built `aliquot` executable, so it is built with them; its path
# and the source tree are compile definitions (ALIQUOT_BUILT_BINARY, ALIQUOT_BUILT_SOURCE_DIR),
# used when ALIQUOT_BINARY / ALIQUOT_SOURCE_DIR are not in the environment (running the test
# binary by hand), and the test folder is on the include path for its shared helpers.
function(aliquot_test name)
  if(NOT ALIQUOT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "ONE_PROCESS;RUNS_ALIQUOT" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} aliquot_test_support GTest::gtest
                        GTest::gtest_main)
  # googletest's header is the largest part of every test file: compile it once per binary.
  target_precompile_headers(${name} PRIVATE <gtest/gtest.h>)
  # The tests' own code is compiled at -O1 in the optimized build: they run in under a minute
  # either way, and -O2 costs a quarter more compile time (the code under test keeps -O2).
  if(CMAKE_BUILD_TYPE STREQUAL "Release")
    target_compile_options(${name} PRIVATE -O1)
  endif()
  if(ARG_RUNS_ALIQUOT)
    target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    target_compile_definitions(${name} PRIVATE ALIQUOT_BUILT_BINARY="$<TARGET_FILE:aliquot>"
                                               ALIQUOT_BUILT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    add_dependencies(${name} aliquot)
  endif()
  if(ARG_ONE_PROCESS)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "ALIQUOT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
    return()
  endif()
  # Only one variable: gtest_discover_tests (CMake 3.25) splits a list-valued ENVIRONMENT into
  # separate properties. Tests that run the built `aliquot` get its path as a compile definition
  # (tests/cli/CMakeLists.txt); ALIQUOT_BINARY in the environment still overrides it.
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "ALIQUOT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# aliquot_embed_text(VARIABLE INPUT file HEADER header NAMESPACE ns FUNCTION name) builds the
# bytes of INPUT (a lab data file such as catalog/calculations.toml) into the program: at build
# time cmake/embed_text.cmake writes NAMESPACE::FUNCTION() -> std::string_view, declared in
# HEADER, into FUNCTION.cc in the current binary folder, regenerated whenever INPUT changes.
# VARIABLE is set to the path of that source, for the module's add_library list.
function(aliquot_embed_text variable)
  cmake_parse_arguments(ARG "" "INPUT;HEADER;NAMESPACE;FUNCTION" "" ${ARGN})
  foreach(argument INPUT HEADER NAMESPACE FUNCTION)
    if(NOT ARG_${argument})
      message(FATAL_ERROR "aliquot_embed_text(${variable}) needs ${argument}")
    endif()
  endforeach()
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${ARG_FUNCTION}.cc)
  set(script ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake)
  file(RELATIVE_PATH input_name ${PROJECT_SOURCE_DIR} ${ARG_INPUT})
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${ARG_INPUT} -DOUTPUT=${output} -DHEADER=${ARG_HEADER}
            -DNAMESPACE=${ARG_NAMESPACE} -DFUNCTION=${ARG_FUNCTION} -P ${script}
    DEPENDS ${ARG_INPUT} ${script}
    COMMENT "Embedding ${input_name}"
    VERBATIM)
  set(${variable} ${output} PARENT_SCOPE)
endfunction()
