#include "hl7/dtm.h"

#include <chrono>
#include <cstdio>
#include <string>

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

namespace {

// Reads `count` digits at `at` into `value`; false when they are not all digits.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

Error not_a_dtm(std::string_view text, const std::string& why) {
  return invalid_argument("'" + std::string(text) + "' is not an HL7 date/time (" + why + ")");
}

}  // namespace

Result<core::Instant> parse_dtm(std::string_view text, int default_offset_minutes) {
  // The offset, when present, ends the value.
  std::string_view body = text;
  int offset_minutes = default_offset_minutes;
  if (const auto sign = text.find_first_of("+-"); sign != std::string_view::npos) {
    int zone = 0;
    if (text.size() != sign + 5 || !digits(text, sign + 1, 4, zone)) {
      return not_a_dtm(text, "the offset must be +/-HHMM");
    }
    offset_minutes = (zone / 100) * 60 + zone % 100;
    if (text[sign] == '-') offset_minutes = -offset_minutes;
    body = text.substr(0, sign);
  }
  std::string_view fraction;
  if (const auto dot = body.find('.'); dot != std::string_view::npos) {
    fraction = body.substr(dot + 1);
    body = body.substr(0, dot);
  }
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  if (!digits(body, 0, 4, year)) return not_a_dtm(text, "it must start with YYYY");
  const std::size_t length = body.size();
  if (length != 4 && length != 6 && length != 8 && length != 10 && length != 12 && length != 14) {
    return not_a_dtm(text, "expected YYYY[MM[DD[HH[MM[SS]]]]]");
  }
  bool read = true;
  if (length >= 6) read = read && digits(body, 4, 2, month);
  if (length >= 8) read = read && digits(body, 6, 2, day);
  if (length >= 10) read = read && digits(body, 8, 2, hour);
  if (length >= 12) read = read && digits(body, 10, 2, minute);
  if (length >= 14) read = read && digits(body, 12, 2, second);
  if (!read) return not_a_dtm(text, "it holds a character that is not a digit");
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return not_a_dtm(text, "no such date");
  if (hour > 23 || minute > 59 || second > 59) return not_a_dtm(text, "no such time of day");
  int milliseconds = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    milliseconds *= 10;
    if (i < fraction.size()) {
      if (fraction[i] < '0' || fraction[i] > '9') return not_a_dtm(text, "bad fraction");
      milliseconds += fraction[i] - '0';
    }
  }
  const core::Instant local = std::chrono::sys_days(date) + std::chrono::hours(hour) +
                              std::chrono::minutes(minute) + std::chrono::seconds(second) +
                              std::chrono::milliseconds(milliseconds);
  return local - std::chrono::minutes(offset_minutes);
}

Result<core::Date> parse_dt(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() < 8 || !digits(text, 0, 4, year) || !digits(text, 4, 2, month) ||
      !digits(text, 6, 2, day)) {
    return invalid_argument("'" + std::string(text) + "' is not an HL7 date (YYYYMMDD)");
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return invalid_argument("'" + std::string(text) + "' is not a real date");
  return date;
}

}  // namespace aliquot::hl7
