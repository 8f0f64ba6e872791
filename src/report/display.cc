#include "report/display.h"

#include <chrono>
#include <cstdio>

namespace aliquot::report {

std::string display_time(core::Instant at) {
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const core::Date date{day};
  const std::chrono::hh_mm_ss<std::chrono::minutes> time_of_day{
      std::chrono::floor<std::chrono::minutes>(at - day)};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time_of_day.hours().count()),
                static_cast<int>(time_of_day.minutes().count()));
  return buffer;
}

std::string display_time(const std::optional<core::Instant>& at, std::string_view absent) {
  return at ? display_time(*at) : std::string(absent);
}

std::string display_value(const core::ResultValue& value, std::string_view fallback_unit) {
  std::string text = core::format_reported(value);
  const std::string_view unit = value.unit.empty() ? fallback_unit : std::string_view(value.unit);
  if (value.kind == core::ResultKind::kNumeric && !unit.empty()) {
    text += ' ';
    text += unit;
  }
  return text;
}

std::string_view display_sex(core::AdministrativeSex sex) {
  switch (sex) {
    case core::AdministrativeSex::kFemale: return "female";
    case core::AdministrativeSex::kMale: return "male";
    case core::AdministrativeSex::kOther: return "other";
    case core::AdministrativeSex::kUnknown: return "unknown";
  }
  return "unknown";
}

std::string display_age(core::Date birth, core::Instant at) {
  const int years = core::age_in_years(birth, at);
  if (years >= 2) return std::to_string(years) + " y";
  const int days = core::age_in_days(birth, at);
  if (days < 0) return "not yet born";
  // Completed calendar months: the month count, less one when the day of the month is not
  // reached yet.
  const core::Date today{std::chrono::floor<std::chrono::days>(at)};
  int months = (static_cast<int>(today.year()) - static_cast<int>(birth.year())) * 12 +
               (static_cast<int>(static_cast<unsigned>(today.month())) -
                static_cast<int>(static_cast<unsigned>(birth.month())));
  if (today.day() < birth.day()) --months;
  if (months >= 2) return std::to_string(months) + " mo";
  return std::to_string(days) + " d";
}

std::string display_priority(core::Priority priority) {
  switch (priority) {
    case core::Priority::kStat: return "STAT";
    case core::Priority::kAsap: return "ASAP";
    case core::Priority::kRoutine: return "routine";
  }
  return "routine";
}

}  // namespace aliquot::report
