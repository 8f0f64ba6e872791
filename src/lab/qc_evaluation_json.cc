#include "lab/qc_evaluation_json.h"

#include <string>

#include "lab/qc_json.h"

namespace aliquot::lab {

nlohmann::json qc_evaluation_json(const std::vector<qc::ControlRule>& rules,
                                  const std::vector<qc::RunEvaluation>& evaluations) {
  nlohmann::json judged = nlohmann::json::array();
  for (const qc::RunEvaluation& evaluation : evaluations) {
    judged.push_back({{"run", qc_name_json(evaluation.run)},
                      {"status", std::string(qc::status_name(evaluation.status))},
                      {"violations", qc_violations_json(evaluation)}});
  }
  nlohmann::json rule_names = nlohmann::json::array();
  for (const qc::ControlRule rule : rules) rule_names.push_back(std::string(qc::rule_name(rule)));
  return {{"rules", rule_names}, {"runs", judged}};
}

}  // namespace aliquot::lab
