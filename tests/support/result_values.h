#pragma once

// Result values as the tests of rules and autoverification write them.

#include <string>

#include "core/test_result.h"

namespace aliquot::test_support {

// A numeric result with `decimals` places, qualified by `comparator` ("<", ">") when it is a
// limit rather than a measured value.
inline core::ResultValue number(double value, std::string comparator = "", int decimals = 1) {
  core::ResultValue result;
  result.kind = core::ResultKind::kNumeric;
  result.number = value;
  result.comparator = std::move(comparator);
  result.decimals = decimals;
  return result;
}

// A coded answer ("POSITIVE"), or free text with kind kText.
inline core::ResultValue answer(std::string text,
                                core::ResultKind kind = core::ResultKind::kCoded) {
  core::ResultValue result;
  result.kind = kind;
  result.text = std::move(text);
  return result;
}

}  // namespace aliquot::test_support
