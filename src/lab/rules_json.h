#pragma once

// The autoverification rules (rules/rule_set.h) as JSON: what `aliquot rules list --json` prints
// and GET /api/rules returns, one function for both.

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "rules/rule_set.h"

namespace aliquot::lab {

// {"name", "version", "catalog": {"name", "version"}, "informational_flags", "disciplines",
// "analytes" (each with the unit of its test in `menu`), "delta_statistics", "contaminations",
// "consistencies", "reflexes"}; absent values null.
nlohmann::json to_json(const rules::RuleSet& set, const catalog::Catalog& menu);

}  // namespace aliquot::lab
