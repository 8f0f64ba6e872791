#include "hl7/dtm.h"

#include <chrono>
#include <cstdio>

namespace aliquot::hl7 {

std::string format_dtm(core::Instant instant) {
  const auto day = std::chrono::floor<std::chrono::days>(instant);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss time(instant - day);
  char out[40];
  const long long milliseconds = time.subseconds().count();
  if (milliseconds == 0) {
    std::snprintf(out, sizeof out, "%04d%02u%02u%02lld%02lld%02lld+0000", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()),
                  static_cast<long long>(time.hours().count()),
                  static_cast<long long>(time.minutes().count()),
                  static_cast<long long>(time.seconds().count()));
  } else {
    std::snprintf(out, sizeof out, "%04d%02u%02u%02lld%02lld%02lld.%03lld+0000", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()),
                  static_cast<long long>(time.hours().count()),
                  static_cast<long long>(time.minutes().count()),
                  static_cast<long long>(time.seconds().count()), milliseconds);
  }
  return out;
}

std::string format_dt(core::Date date) {
  char out[16];
  std::snprintf(out, sizeof out, "%04d%02u%02u", int(date.year()), unsigned(date.month()),
                unsigned(date.day()));
  return out;
}

}  // namespace aliquot::hl7
