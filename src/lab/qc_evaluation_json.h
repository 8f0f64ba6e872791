#pragma once

// The verdicts of the Westgard multirule engine over a series of QC runs as JSON: what
// `aliquot qc evaluate --json` prints and POST /api/qc/evaluate returns, one function for both.

#include <nlohmann/json.hpp>
#include <vector>

#include "qc/control_rule.h"
#include "qc/westgard.h"

namespace aliquot::lab {

// The rules applied when none are given: the classic multirule for two control levels
// (Westgard 1981), with 1-2s as the warning.
inline constexpr const char* kDefaultControlRules = "1-2s,1-3s,2-2s,R-4s,4-1s,10-x";

// {"rules": ["1-3s", ...], "runs": [{"run", "status" ("accept", "warning", "reject"),
// "violations": [...] (qc_violations_json)}]}; a run or level that is a whole number is a JSON
// number (qc_name_json).
nlohmann::json qc_evaluation_json(const std::vector<qc::ControlRule>& rules,
                                  const std::vector<qc::RunEvaluation>& evaluations);

}  // namespace aliquot::lab
