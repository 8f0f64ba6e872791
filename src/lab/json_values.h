#pragma once

// Optional values in the JSON the lab module writes: the value, or null when there is none.

#include <nlohmann/json.hpp>
#include <optional>

#include "core/time.h"

namespace aliquot::lab {

inline nlohmann::json instant_or_null(const std::optional<core::Instant>& at) {
  return at ? nlohmann::json(core::format_instant(*at)) : nlohmann::json(nullptr);
}

inline nlohmann::json number_or_null(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace aliquot::lab
