#include "core/person_record.h"

#include <array>
#include <chrono>
#include <utility>

namespace aliquot::core {
namespace {

constexpr std::array<std::pair<std::string_view, DegreeLevel>, 5> kDegreeLevels{{
    {"none", DegreeLevel::kNone},
    {"associate", DegreeLevel::kAssociate},
    {"baccalaureate", DegreeLevel::kBaccalaureate},
    {"master", DegreeLevel::kMaster},
    {"doctorate", DegreeLevel::kDoctorate},
}};

}  // namespace

std::string_view to_code(DegreeLevel level) {
  for (const auto& [code, known] : kDegreeLevels) {
    if (known == level) return code;
  }
  return "none";
}

std::optional<DegreeLevel> degree_level_from_code(std::string_view code) {
  for (const auto& [known_code, level] : kDegreeLevels) {
    if (known_code == code) return level;
  }
  return std::nullopt;
}

std::string describe(DegreeLevel level) {
  switch (level) {
    case DegreeLevel::kNone: return "no degree";
    case DegreeLevel::kAssociate: return "an associate degree";
    case DegreeLevel::kBaccalaureate: return "a baccalaureate degree";
    case DegreeLevel::kMaster: return "a master's degree";
    case DegreeLevel::kDoctorate: return "a doctorate";
  }
  return "no degree";
}

bool valid_on(const std::optional<Date>& expires, Date on) {
  return !expires || std::chrono::sys_days(on) <= std::chrono::sys_days(*expires);
}

}  // namespace aliquot::core
