#include "ingest/time_reader.h"

#include <chrono>
#include <string>

#include "hl7/dtm.h"
#include "lab/lab_time_zone.h"

namespace aliquot::ingest {

Result<core::Instant> TimeReader::read_dtm(std::string_view text) {
  // hl7::parse_dtm's own rule: an offset, when present, starts with '+' or '-'.
  if (text.find_first_of("+-") != std::string_view::npos) return hl7::parse_dtm(text);
  ALIQUOT_ASSIGN_OR_RETURN(const core::Instant wall_clock, hl7::parse_dtm(text, 0));
  ALIQUOT_ASSIGN_OR_RETURN(const core::TimeZone* lab_zone, zone());
  const core::LocalTime local(wall_clock.time_since_epoch());
  return hl7::parse_dtm(text, static_cast<int>(lab_zone->offset_at(local).count()));
}

Result<core::Instant> TimeReader::read_astm(std::string_view text) {
  const auto refused = [&] {
    return invalid_argument("'" + std::string(text) + "' is not a date and time YYYYMMDDHHMMSS");
  };
  if (text.size() != 14) return refused();
  int digits[14];
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return refused();
    digits[i] = text[i] - '0';
  }
  const auto number = [&](std::size_t first, std::size_t count) {
    int value = 0;
    for (std::size_t i = first; i < first + count; ++i) value = value * 10 + digits[i];
    return value;
  };
  const std::chrono::year_month_day date{std::chrono::year(number(0, 4)),
                                         std::chrono::month(static_cast<unsigned>(number(4, 2))),
                                         std::chrono::day(static_cast<unsigned>(number(6, 2)))};
  const int hour = number(8, 2), minute = number(10, 2), second = number(12, 2);
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return refused();
  ALIQUOT_ASSIGN_OR_RETURN(const core::TimeZone* lab_zone, zone());
  const core::LocalTime local = std::chrono::local_days(date) + std::chrono::hours(hour) +
                                std::chrono::minutes(minute) + std::chrono::seconds(second);
  return lab_zone->to_instant(local);
}

Result<const core::TimeZone*> TimeReader::zone() {
  if (!zone_) {
    ALIQUOT_ASSIGN_OR_RETURN(core::TimeZone found, lab::lab_time_zone(tx_));
    zone_ = std::move(found);
  }
  return &*zone_;
}

}  // namespace aliquot::ingest
