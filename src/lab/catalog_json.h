#pragma once

// The catalog's tests and panels (catalog/catalog.h) in full as JSON: what `aliquot catalog
// list|show --json` prints and GET /api/catalog returns, one function for both.

#include <nlohmann/json.hpp>
#include <string>

#include "catalog/catalog.h"
#include "core/error.h"

namespace aliquot::lab {

// {"code", "name", "loinc", "unit", "specimen_type", "container_type", "section", "kind",
// "decimals", "answers", "abnormal_answers", "reference_intervals": [{"sex", "age_min_days",
// "age_max_days", "low", "high", "text"}], "critical": {"low", "high"}, "calculation": {"name",
// "inputs": {input: test code}} or null}; absent values null.
nlohmann::json to_json(const core::TestDefinition& test);
// {"code", "name", "members"}.
nlohmann::json to_json(const core::PanelDefinition& panel);

// The tests of `menu` (of `section` only, unless empty) and its panels (none for one section):
// {"catalog": {"name", "version"}, "tests": [...], "panels": [...]}, the form of `aliquot catalog
// list --json`. NotFound naming the sections for a section the catalog does not have.
Result<nlohmann::json> catalog_list_json(const catalog::Catalog& menu, const std::string& section);

}  // namespace aliquot::lab
