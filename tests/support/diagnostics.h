#pragma once

// For the tests of lab-data loaders (catalog, calculations, rules, allowable error): diagnostics
// as the text the lab reads, and the position of a line of a test's body in a file that starts
// with a fixed header.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::test_support {

// Each diagnostic as "file:line:column: message".
inline std::vector<std::string> error_texts(const std::vector<Error>& diagnostics) {
  std::vector<std::string> texts;
  for (const Error& diagnostic : diagnostics) texts.push_back(diagnostic.to_string());
  return texts;
}

// "FILE:LINE:COLUMN: MESSAGE" for line `body_line` (1-based) of a body that follows
// `header_lines` lines of header in FILE.
inline std::string body_position(std::string_view file, int header_lines, int body_line, int column,
                                 std::string_view message) {
  return std::string(file) + ":" + std::to_string(body_line + header_lines) + ":" +
         std::to_string(column) + ": " + std::string(message);
}

}  // namespace aliquot::test_support
