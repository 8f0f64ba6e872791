#include "lab/lab_time_zone.h"

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

}  // namespace aliquot::lab
