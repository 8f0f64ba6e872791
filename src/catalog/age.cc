#include "catalog/age.h"

#include <cstdint>
#include <string>

namespace aliquot::catalog {
namespace {

constexpr std::int64_t kMaxYears = 150;

}  // namespace

Result<int> parse_age_days(std::string_view text) {
  const auto bad = [&]() {
    return invalid_argument("invalid age '" + std::string(text) +
                            "': expected a whole number followed by d, w, m or y (e.g. 30d, 6m, "
                            "18y)");
  };
  if (text.size() < 2 || text.size() > 7) return bad();
  std::int64_t number = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return bad();
    number = number * 10 + (c - '0');
  }
  // Whole days, floored; integer arithmetic keeps 365.25 and 30.4375 exact.
  std::int64_t days = 0;
  switch (text.back()) {
    case 'd': days = number; break;
    case 'w': days = number * 7; break;
    case 'm': days = number * 304375 / 10000; break;
    case 'y': days = number * 36525 / 100; break;
    default: return bad();
  }
  if (days > kMaxYears * 36525 / 100) {
    return invalid_argument("invalid age '" + std::string(text) + "': more than " +
                            std::to_string(kMaxYears) + " years");
  }
  return static_cast<int>(days);
}

}  // namespace aliquot::catalog
