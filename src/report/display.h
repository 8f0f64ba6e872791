#pragma once

// How values of the domain are written for people: on the printed report and on the terminal.
// Times are UTC (a lab time zone setting comes later), to the minute, in ISO 8601 form.

#include <optional>
#include <string>
#include <string_view>

#include "core/enums.h"
#include "core/test_result.h"
#include "core/time.h"

namespace aliquot::report {

// "2026-11-21T20:26Z".
std::string display_time(core::Instant at);
// display_time, or `absent` when there is no time.
std::string display_time(const std::optional<core::Instant>& at, std::string_view absent = "");

// The reported value with its unit: "6.8 mmol/L", "<0.01 ng/mL", "negative". The value's own unit
// is used, or `fallback_unit` (the catalog's) when the value has none.
std::string display_value(const core::ResultValue& value, std::string_view fallback_unit = "");

// "female", "male", "other", "unknown".
std::string_view display_sex(core::AdministrativeSex sex);

// Age at `at` as a clinician reads it: "45 y" from two years on, "14 mo" from two months on,
// else "12 d" (neonatal reference intervals are set in days).
std::string display_age(core::Date birth, core::Instant at);

// "STAT", "ASAP", "routine": the urgent ones stand out.
std::string display_priority(core::Priority priority);

}  // namespace aliquot::report
