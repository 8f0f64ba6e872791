#pragma once

// Calendar days as the tests write them: date("2026-11-23").

#include <stdexcept>
#include <string>

#include "core/time.h"

namespace aliquot::test_support {

inline core::Date date(const char* text) {
  const Result<core::Date> parsed = core::parse_date(text);
  if (!parsed) throw std::invalid_argument(std::string("not a date: ") + text);
  return *parsed;
}

}  // namespace aliquot::test_support
