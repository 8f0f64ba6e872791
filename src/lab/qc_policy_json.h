#pragma once

// The JSON form of a QC policy (qc/qc_policy.h), as `aliquot --json qc policy check|load|show`
// and the JSON API's GET /api/qc/policy give it.

#include <nlohmann/json.hpp>

#include "qc/qc_policy.h"

namespace aliquot::lab {

// {"rules": ["1-3s", ...], "rules_text", "interval", "interval_minutes", "after_rejection",
// "establish_minimum"}.
nlohmann::json to_json(const qc::AnalytePolicy& policy);

// {"name", "version", "defaults": {...}, "analytes": [{"code", ...}]}.
nlohmann::json to_json(const qc::QcPolicy& policy);

}  // namespace aliquot::lab
