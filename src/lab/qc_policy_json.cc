#include "lab/qc_policy_json.h"

#include <string>

#include "qc/control_rule.h"

namespace aliquot::lab {

nlohmann::json to_json(const qc::AnalytePolicy& policy) {
  nlohmann::json rules = nlohmann::json::array();
  for (const qc::ControlRule rule : policy.rules) rules.push_back(std::string(qc::rule_name(rule)));
  return {{"rules", rules},
          {"rules_text", policy.rules_text},
          {"interval", qc::interval_text(policy.interval)},
          {"interval_minutes", policy.interval.count()},
          {"after_rejection", std::string(qc::to_code(policy.after_rejection))},
          {"establish_minimum", policy.establish_minimum}};
}

nlohmann::json to_json(const qc::QcPolicy& policy) {
  nlohmann::json analytes = nlohmann::json::array();
  for (const auto& [code, analyte] : policy.analytes()) {
    nlohmann::json entry = to_json(analyte);
    entry["code"] = code;
    analytes.push_back(entry);
  }
  return {{"name", policy.name()},
          {"version", policy.version()},
          {"defaults", to_json(policy.defaults())},
          {"analytes", analytes}};
}

}  // namespace aliquot::lab
