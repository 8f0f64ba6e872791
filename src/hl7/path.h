#pragma once

// Addresses of values in a message, as analysts write them: SEG[(n)]-F[(r)][.C[.S]], all numbers
// 1-based. n is the occurrence of the segment in the message (default 1), F the field, r the
// field's repetition (default 1), C the component and S the subcomponent. Examples: "MSH-9.2",
// "OBX(3)-5", "PID-3(2).1", "SPM-2.1.1". "MSH-1" and "MSH-2" are the delimiters themselves.

#include <array>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::hl7 {

struct Path {
  std::array<char, 3> segment_id{};
  int occurrence = 1;
  int field = 1;
  int repetition = 1;
  int component = 0;     // 0: the whole repetition
  int subcomponent = 0;  // 0: the whole component (only with a component)

  std::string_view segment() const { return std::string_view(segment_id.data(), 3); }
  // The canonical text: occurrence and repetition written only when not 1 ("OBX(3)-5").
  std::string to_string() const;
  bool operator==(const Path&) const = default;
};

// The largest occurrence, field, repetition, component or subcomponent number accepted.
inline constexpr int kMaxPathNumber = 99999;

// Parses `text`. The error quotes the path and says what is wrong at which column (1-based),
// e.g. "path 'OBX-': a field number must follow '-' (column 5)".
Result<Path> parse_path(std::string_view text);

}  // namespace aliquot::hl7
