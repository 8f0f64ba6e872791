#include "core/time_zone.h"

#include <date/tz.h>

#include <exception>

namespace aliquot::core {
namespace {

// IANA zone names are made of ASCII letters, digits and "/_-+" (tz-link.html, "Names of
// timezones"); anything else is refused before the database is asked, so that no text can be
// read as a path outside it.
bool could_be_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) {
    return false;
  }
  for (const char c : name) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' || c == '+' ||
                         c == '.';
    if (!allowed) return false;
  }
  return true;
}

bool is_utc_name(std::string_view name) {
  return name == "UTC" || name == "Etc/UTC" || name == "Etc/UCT" || name == "UCT" ||
         name == "Zulu" || name == "Etc/Zulu" || name == "Universal" || name == "Etc/Universal";
}

}  // namespace

TimeZone TimeZone::utc() { return TimeZone(nullptr, "UTC"); }

Result<TimeZone> TimeZone::named(std::string_view name) {
  if (!could_be_zone_name(name)) {
    return invalid_argument("'" + std::string(name) +
                            "' is not a time zone name (an IANA name such as America/Chicago)");
  }
  // The date library reports a missing zone or database by throwing: converted here.
  const date::time_zone* zone = nullptr;
  try {
    date::get_tzdb();
  } catch (const std::exception& e) {
    if (is_utc_name(name)) return TimeZone(nullptr, std::string(name));
    return unavailable("the time zone database cannot be read (/usr/share/zoneinfo): " +
                       std::string(e.what()));
  }
  try {
    zone = date::locate_zone(name);
  } catch (const std::exception&) {
    return not_found("time zone '" + std::string(name) +
                     "' is not in the time zone database (/usr/share/zoneinfo)");
  }
  return TimeZone(zone, std::string(name));
}

TimeZone TimeZone::machine() {
  try {
    const date::time_zone* zone = date::current_zone();
    if (zone != nullptr) return TimeZone(zone, std::string(zone->name()));
  } catch (const std::exception&) {
    // No /etc/localtime, or one the database does not know: UTC, as documented.
  }
  return utc();
}

std::chrono::minutes TimeZone::offset_at(LocalTime local) const {
  if (zone_ == nullptr) return std::chrono::minutes(0);
  const date::local_time<std::chrono::milliseconds> wall(local.time_since_epoch());
  const date::local_info info = zone_->get_info(wall);
  // unique: `first` is the only offset. ambiguous: `first` is the offset before the clocks went
  // back, the earlier instant. nonexistent: `first` is the offset before the clocks went forward.
  return std::chrono::duration_cast<std::chrono::minutes>(info.first.offset);
}

LocalTime TimeZone::to_local(Instant at) const {
  if (zone_ == nullptr) return LocalTime(at.time_since_epoch());
  const date::sys_info info =
      zone_->get_info(date::sys_time<std::chrono::milliseconds>(at.time_since_epoch()));
  return LocalTime(at.time_since_epoch() +
                   std::chrono::duration_cast<std::chrono::milliseconds>(info.offset));
}

Instant TimeZone::to_instant(LocalTime local) const {
  return Instant(local.time_since_epoch() - offset_at(local));
}

}  // namespace aliquot::core
