#pragma once

// A supervisor's documented, time-limited permission for one person to perform and release the
// tests of a section (on one test system, or on all of them) although a qualification
// requirement is not met, for example while a renewed licence is in the mail. It is never open
// ended: it covers the days from `from` through `until`, and the reason is kept with it.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"

namespace aliquot::core {

struct QualificationException {
  std::int64_t id = 0;
  std::string person;       // username
  std::string section;      // catalog section
  std::string test_system;  // "" covers every test system of the section
  Date from{};
  Date until{};  // the last day covered
  std::string reason;
  std::string granted_by;
  Instant granted_at{};

  bool covers(std::string_view on_section, std::string_view on_test_system, Date on) const;
};

}  // namespace aliquot::core
