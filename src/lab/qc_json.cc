#include "lab/qc_json.h"

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

#include "core/time.h"
#include "lab/json.h"
#include "lab/json_values.h"

namespace aliquot::lab {
namespace {

using nlohmann::json;

json names_json(const std::vector<std::string>& names) {
  json out = json::array();
  for (const std::string& name : names) out.push_back(qc_name_json(name));
  return out;
}

json violation_json(const qc::Violation& violation) {
  json values = json::array();
  for (const qc::InvolvedValue& value : violation.values) {
    values.push_back({{"run", qc_name_json(value.run_id)},
                      {"level", qc_name_json(value.level)},
                      {"value", value.value},
                      {"z", value.z}});
  }
  return {{"rule", std::string(qc::rule_name(violation.rule))},
          {"action", violation.action == qc::RuleAction::kReject ? "reject" : "warning"},
          {"scope", std::string(qc::scope_name(violation.scope))},
          {"levels", names_json(violation.levels)},
          {"runs", names_json(violation.runs)},
          {"values", values}};
}

// The stored violations as JSON; a text that is not JSON (it never should be) is kept as text
// rather than lost.
json stored_violations(const std::string& text) {
  if (text.empty()) return json::array();
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return text;
  return parsed;
}

}  // namespace

json to_json(const core::QcMaterial& material) {
  return json{
      {"id", material.id},
      {"product", material.product},
      {"manufacturer", material.manufacturer},
      {"lot", material.lot},
      {"level", material.level},
      {"expires_on", core::format_date(material.expires_on)},
      {"created_at", core::format_instant(material.created_at)},
      {"created_by", material.created_by},
  };
}

json to_json(const core::QcTarget& target) {
  return json{
      {"id", target.id},
      {"material_id", target.material_id},
      {"instrument", target.instrument},
      {"test_code", target.test_code},
      {"mean", target.mean},
      {"sd", target.sd},
      {"source", core::to_code(target.source)},
      {"established_from", target.established_from},
      {"effective_from", core::format_instant(target.effective_from)},
      {"entered_at", core::format_instant(target.entered_at)},
      {"entered_by", target.entered_by},
  };
}

json to_json(const core::QcRun& run) {
  json values = json::array();
  for (const core::QcRunValue& value : run.values) {
    values.push_back({
        {"material_id", value.material_id},
        {"level", value.level},
        {"lot", value.lot},
        {"value", value.value},
        {"target_mean", value.target_mean},
        {"target_sd", value.target_sd},
    });
  }
  return json{
      {"id", run.id},
      {"instrument", run.instrument},
      {"test_code", run.test_code},
      {"measured_at", core::format_instant(run.measured_at)},
      {"values", values},
      {"status", core::to_code(run.status)},
      {"rules", run.rules},
      {"violations", stored_violations(run.violations)},
      {"source", run.source},
      {"recorded_at", core::format_instant(run.recorded_at)},
      {"recorded_by", run.recorded_by},
      {"corrective_action", run.corrective_action},
      {"corrected_at", instant_or_null(run.corrected_at)},
      {"corrected_by", run.corrected_by},
  };
}

json to_json(const core::QcHold& hold) {
  return json{
      {"run_id", hold.run_id},
      {"result_id", hold.result_id},
      {"was_released", hold.was_released},
      {"resolved_at", instant_or_null(hold.resolved_at)},
      {"resolved_by", hold.resolved_by},
      {"resolution", hold.resolution},
  };
}

std::string to_compact_text(const core::QcMaterial& material) {
  return to_compact_text(to_json(material));
}
std::string to_compact_text(const core::QcTarget& target) {
  return to_compact_text(to_json(target));
}
std::string to_compact_text(const core::QcRun& run) { return to_compact_text(to_json(run)); }
std::string to_compact_text(const core::QcHold& hold) { return to_compact_text(to_json(hold)); }

json qc_violations_json(const qc::RunEvaluation& evaluation) {
  json out = json::array();
  for (const qc::Violation& violation : evaluation.violations) {
    out.push_back(violation_json(violation));
  }
  return out;
}

json qc_name_json(const std::string& name) {
  long long number = 0;
  const char* end = name.data() + name.size();
  const auto [stop, error] = std::from_chars(name.data(), end, number);
  if (!name.empty() && error == std::errc() && stop == end && (name == "0" || name[0] != '0')) {
    return number;
  }
  return name;
}

}  // namespace aliquot::lab
