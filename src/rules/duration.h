#pragma once

// Durations as a lab writes them in rules: a whole number and a unit, "90m", "24h", "7d"
// (minutes, hours, days). Stability limits and delta-check windows are written this way.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::rules {

// Reads "24h" as 86400 seconds. InvalidArgument for anything else, naming the text: "invalid
// duration '24': expected a whole number followed by m, h or d (e.g. 90m, 24h, 7d)". Zero and
// durations over 3650 days are refused.
Result<std::int64_t> parse_duration_seconds(std::string_view text);

// Seconds as people read them: "7d", "24h", "90m" when the unit divides it, otherwise its parts
// from the largest, "1d 2h 5m"; seconds are shown only under a minute ("40s").
std::string duration_text(std::int64_t seconds);

}  // namespace aliquot::rules
