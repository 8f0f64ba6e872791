# Writes OUTPUT, a C++ source defining aliquot::calc::default_calculations_text(), from the bytes
# of INPUT. Run at build time: cmake -DINPUT=... -DOUTPUT=... -P embed_text.cmake
# The bytes go in as a hex array rather than a raw string literal so that no delimiter, size
# limit or character in the TOML can break the generated code.
if(NOT DEFINED INPUT OR NOT DEFINED OUTPUT)
  message(FATAL_ERROR "embed_text.cmake needs -DINPUT=<file> and -DOUTPUT=<file>")
endif()
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
# Sixteen bytes per line.
string(REGEX REPLACE "([0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])"
       "\\1\n" lines "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${lines}")
get_filename_component(input_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}"
"// Generated at build time from ${input_name} by src/calc/embed_text.cmake. Do not edit.
#include <string_view>

#include \"calc/calculation_set.h\"

namespace aliquot::calc {
namespace {

// ${byte_count} bytes and a terminating zero.
constexpr unsigned char kText[] = {
${bytes}0x00};

}  // namespace

std::string_view default_calculations_text() {
  return std::string_view(reinterpret_cast<const char*>(kText), sizeof(kText) - 1);
}

}  // namespace aliquot::calc
")
