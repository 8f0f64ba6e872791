#pragma once

// One continuing-education activity of one of the lab's people: when, from which provider, under
// which category of the certification body's rules (people/continuing_education.h), for how many
// points or contact hours.

#include <cstdint>
#include <string>

#include "core/time.h"

namespace aliquot::core {

struct CeActivity {
  std::int64_t id = 0;  // 0 until stored
  std::string person;
  Date date{};
  std::string category;  // a category code of the CE rules
  double points = 0;
  std::string provider;  // "ASCP", "ASCLS", "in-house"
  std::string title;
};

}  // namespace aliquot::core
