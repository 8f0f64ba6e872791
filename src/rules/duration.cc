#include "rules/duration.h"

#include <charconv>

namespace aliquot::rules {
namespace {

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kLongest = 3650 * kDay;

}  // namespace

Result<std::int64_t> parse_duration_seconds(std::string_view text) {
  const auto refuse = [&] {
    return invalid_argument("invalid duration '" + std::string(text) +
                            "': expected a whole number followed by m, h or d (e.g. 90m, 24h, 7d)");
  };
  if (text.size() < 2) return refuse();
  std::int64_t unit = 0;
  switch (text.back()) {
    case 'm': unit = kMinute; break;
    case 'h': unit = kHour; break;
    case 'd': unit = kDay; break;
    default: return refuse();
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  std::int64_t count = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.front() == '-' ||
      digits.front() == '+') {
    return refuse();
  }
  if (count == 0) {
    return invalid_argument("invalid duration '" + std::string(text) + "': must be longer than 0");
  }
  if (count > kLongest / unit) {
    return invalid_argument("invalid duration '" + std::string(text) + "': longer than 3650 days");
  }
  return count * unit;
}

std::string duration_text(std::int64_t seconds) {
  if (seconds < 0) return "-" + duration_text(-seconds);
  if (seconds < kMinute) return std::to_string(seconds) + "s";
  if (seconds % kDay == 0) return std::to_string(seconds / kDay) + "d";
  if (seconds % kHour == 0) return std::to_string(seconds / kHour) + "h";
  std::string out;
  const auto part = [&](std::int64_t amount, const char* unit) {
    if (amount == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(amount) + unit;
  };
  part(seconds / kDay, "d");
  part(seconds % kDay / kHour, "h");
  part(seconds % kHour / kMinute, "m");
  return out;
}

}  // namespace aliquot::rules
