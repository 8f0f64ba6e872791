# Writes OUTPUT, a C++ source defining NAMESPACE::FUNCTION() -> std::string_view (declared in
# HEADER), from the bytes of INPUT: the lab's default data files built into the program. Run at
# build time: cmake -DINPUT=... -DOUTPUT=... -DHEADER=... -DNAMESPACE=... -DFUNCTION=...
#   -P embed_text.cmake
# The bytes go in as a hex array rather than a raw string literal so that no delimiter, size
# limit or character in the file can break the generated code.
foreach(variable INPUT OUTPUT HEADER NAMESPACE FUNCTION)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "embed_text.cmake needs -D${variable}=...")
  endif()
endforeach()
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
# Sixteen bytes per line.
string(REGEX REPLACE "([0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])"
       "\\1\n" lines "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${lines}")
get_filename_component(input_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}"
"// Generated at build time from ${input_name} by cmake/embed_text.cmake. Do not edit.
#include <string_view>

#include \"${HEADER}\"

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
  // ${byte_count} bytes and a terminating zero.
  static constexpr unsigned char kText[] = {
${bytes}0x00};
  return std::string_view(reinterpret_cast<const char*>(kText), sizeof(kText) - 1);
}

}  // namespace ${NAMESPACE}
")
