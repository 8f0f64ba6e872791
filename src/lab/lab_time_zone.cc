#include "lab/lab_time_zone.h"

#include <chrono>
#include <optional>
#include <string>

#include "lab/use_case_support.h"

namespace aliquot::lab {

Result<core::TimeZone> lab_time_zone(store::Transaction& tx) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> setting, tx.get_setting(kLabTimeZone));
  const std::string name = trimmed(setting.value_or(""));
  if (name.empty()) return core::TimeZone::machine();
  Result<core::TimeZone> zone = core::TimeZone::named(name);
  if (!zone.has_value()) {
    return failed_precondition("setting " + std::string(kLabTimeZone) + ": " +
                               zone.error().message());
  }
  return zone;
}

Result<core::Date> lab_day(store::Transaction& tx, core::Instant at) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::TimeZone zone, lab_time_zone(tx));
  const auto local_days = std::chrono::floor<std::chrono::days>(zone.to_local(at));
  return core::Date(std::chrono::sys_days(local_days.time_since_epoch()));
}

}  // namespace aliquot::lab
