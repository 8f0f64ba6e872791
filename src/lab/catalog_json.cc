#include "lab/catalog_json.h"

#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"
#include "core/test_definition.h"
#include "core/text.h"
#include "lab/json_values.h"

namespace aliquot::lab {
namespace {

// The calculation of a calculated test and the catalog test of each of its inputs; null for a
// measured test, as the other absent values are.
nlohmann::json calculation_to_json(const std::optional<core::CalculatedFrom>& calculated) {
  if (!calculated) return nlohmann::json();
  nlohmann::json inputs = nlohmann::json::object();
  for (const core::CalculationInput& input : calculated->inputs) {
    inputs[input.input] = input.test_code;
  }
  return {{"name", calculated->calculation}, {"inputs", inputs}};
}

}  // namespace

nlohmann::json to_json(const core::TestDefinition& test) {
  nlohmann::json intervals = nlohmann::json::array();
  for (const core::ReferenceInterval& interval : test.reference_intervals) {
    intervals.push_back(
        {{"sex", interval.sex ? nlohmann::json(core::to_code(*interval.sex)) : nlohmann::json()},
         {"age_min_days", interval.age_min_days},
         {"age_max_days",
          interval.age_max_days ? nlohmann::json(*interval.age_max_days) : nlohmann::json()},
         {"low", number_or_null(interval.low)},
         {"high", number_or_null(interval.high)},
         {"text", interval.text}});
  }
  return {
      {"code", test.code},
      {"name", test.name},
      {"loinc", test.loinc},
      {"unit", test.unit},
      {"specimen_type", test.specimen_type},
      {"container_type", test.container_type},
      {"section", test.section},
      {"kind", core::to_code(test.kind)},
      {"decimals", test.decimals},
      {"answers", test.answers},
      {"abnormal_answers", test.abnormal_answers},
      {"reference_intervals", intervals},
      {"critical",
       {{"low", number_or_null(test.critical.low)}, {"high", number_or_null(test.critical.high)}}},
      {"calculation", calculation_to_json(test.calculated)}};
}

nlohmann::json to_json(const core::PanelDefinition& panel) {
  return {{"code", panel.code}, {"name", panel.name}, {"members", panel.members}};
}

Result<nlohmann::json> catalog_list_json(const catalog::Catalog& menu, const std::string& section) {
  if (!section.empty() && menu.find_section(section) == nullptr) {
    std::vector<std::string> codes;
    for (const catalog::Section& known : menu.sections()) codes.push_back(known.code);
    return not_found("no section '" + section +
                     "' in the catalog; it has: " + core::join(codes, ", "));
  }
  nlohmann::json tests = nlohmann::json::array();
  for (const core::TestDefinition& test : menu.tests()) {
    if (section.empty() || test.section == section) tests.push_back(to_json(test));
  }
  nlohmann::json panels = nlohmann::json::array();
  if (section.empty()) {
    for (const core::PanelDefinition& panel : menu.panels()) panels.push_back(to_json(panel));
  }
  return nlohmann::json{{"catalog", {{"name", menu.name()}, {"version", menu.version()}}},
                        {"tests", tests},
                        {"panels", panels}};
}

}  // namespace aliquot::lab
