#pragma once

// The JSON form of the quality-control records (core/qc_records.h), in the schema of lab/json.h:
// times RFC 3339 UTC strings, enums their codes, absent optional values null. These are the
// audit trail's images of QC changes and the `--json` form of the QC commands.

#include <nlohmann/json.hpp>
#include <string>

#include "core/qc_records.h"
#include "qc/westgard.h"

namespace aliquot::lab {

nlohmann::json to_json(const core::QcMaterial& material);
nlohmann::json to_json(const core::QcTarget& target);
// The run's violations are embedded as the JSON they were stored as (qc_violations_json).
nlohmann::json to_json(const core::QcRun& run);
nlohmann::json to_json(const core::QcHold& hold);

// The audit images: to_compact_text(to_json(record)).
std::string to_compact_text(const core::QcMaterial& material);
std::string to_compact_text(const core::QcTarget& target);
std::string to_compact_text(const core::QcRun& run);
std::string to_compact_text(const core::QcHold& hold);

// The violations of an evaluation as QcRun::violations keeps them: an array of
// {"rule", "action" ("reject" or "warning"), "scope", "levels", "runs", "values": [{"run",
// "level", "value", "z"}]}, the form of `aliquot --json qc evaluate`. Runs are named as the
// engine was given them (record_qc_run names them by their measuring time, which the run being
// recorded has before it has an id); a run or level that is a whole number is a JSON number.
nlohmann::json qc_violations_json(const qc::RunEvaluation& evaluation);

// A run or level as those JSON documents name it: a number when the lab numbered it ("2" -> 2,
// but "02" stays text), else the text.
nlohmann::json qc_name_json(const std::string& name);

}  // namespace aliquot::lab
