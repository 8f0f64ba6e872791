#include "core/qualification_exception.h"

#include <chrono>

namespace aliquot::core {

bool QualificationException::covers(std::string_view on_section, std::string_view on_test_system,
                                    Date on) const {
  const std::chrono::sys_days day(on);
  return on_section == section && (test_system.empty() || on_test_system == test_system) &&
         std::chrono::sys_days(from) <= day && day <= std::chrono::sys_days(until);
}

}  // namespace aliquot::core
