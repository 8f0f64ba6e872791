#include "lab/rules_json.h"

#include <optional>
#include <string>
#include <string_view>

#include "lab/json_values.h"
#include "rules/duration.h"

namespace aliquot::lab {
namespace {

nlohmann::json limits_to_json(const rules::Limits& limits) {
  if (limits.empty()) return nullptr;
  return {{"low", number_or_null(limits.low)}, {"high", number_or_null(limits.high)}};
}

nlohmann::json index_to_json(const rules::IndexThresholds& thresholds) {
  if (thresholds.empty()) return nullptr;
  return {{"hold", number_or_null(thresholds.hold)},
          {"suppress", number_or_null(thresholds.suppress)}};
}

std::string_view mode_code(rules::DeltaMode mode) {
  switch (mode) {
    case rules::DeltaMode::kAbsolute: return "absolute";
    case rules::DeltaMode::kPercent: return "percent";
    case rules::DeltaMode::kRatePerDay: return "per_day";
  }
  return "absolute";
}

std::string_view scope_code(rules::DeltaScope scope) {
  return scope == rules::DeltaScope::kSpecimen ? "specimen" : "result";
}

nlohmann::json analyte_to_json(const rules::AnalyteRules& analyte, const std::string& unit) {
  nlohmann::json deltas = nlohmann::json::array();
  for (const rules::DeltaRule& delta : analyte.deltas) {
    deltas.push_back({{"mode", mode_code(delta.mode)},
                      {"limit", delta.limit},
                      {"window_seconds", delta.window_seconds},
                      {"window", rules::duration_text(delta.window_seconds)},
                      {"scope", scope_code(delta.scope)},
                      {"reason", delta.reason}});
  }
  return {
      {"test", analyte.test_code},
      {"unit", unit},
      {"absurd", limits_to_json(analyte.absurd)},
      {"measuring_range", limits_to_json(analyte.measuring_range)},
      {"review", limits_to_json(analyte.review)},
      {"stability_seconds",
       analyte.stability_seconds ? nlohmann::json(*analyte.stability_seconds) : nlohmann::json()},
      {"stability", analyte.stability_seconds
                        ? nlohmann::json(rules::duration_text(*analyte.stability_seconds))
                        : nlohmann::json()},
      {"hemolysis", index_to_json(analyte.indices.hemolysis)},
      {"icterus", index_to_json(analyte.indices.icterus)},
      {"lipemia", index_to_json(analyte.indices.lipemia)},
      {"deltas", deltas},
      {"variation", analyte.variation
                        ? nlohmann::json{{"within_person", analyte.variation->within_person},
                                         {"analytical", analyte.variation->analytical}}
                        : nlohmann::json()}};
}

// [delta_statistics], [[contamination]], [[consistency]] and [[reflex]], as the file gives them.
nlohmann::json specimen_rules_to_json(const rules::RuleSet& set) {
  nlohmann::json statistics;
  if (const std::optional<rules::DeltaStatistics>& given = set.delta_statistics()) {
    statistics = {{"window_seconds", given->window_seconds},
                  {"window", rules::duration_text(given->window_seconds)},
                  {"false_alarm", given->false_alarm},
                  {"specimen_false_alarm", given->specimen_false_alarm},
                  {"minimum_analytes", given->minimum_analytes}};
  }
  nlohmann::json contaminations = nlohmann::json::array();
  for (const rules::ContaminationRule& rule : set.contaminations()) {
    nlohmann::json contains = nlohmann::json::object();
    for (const rules::FluidComponent& component : rule.contains) {
      contains[component.test_code] = component.concentration;
    }
    contaminations.push_back(
        {{"fluid", rule.fluid}, {"contains", contains}, {"dilutes", rule.dilutes}});
  }
  nlohmann::json consistencies = nlohmann::json::array();
  for (const rules::ConsistencyRule& rule : set.consistencies()) {
    consistencies.push_back({{"name", rule.name},
                             {"value", rule.value.text()},
                             {"expected", rule.expected.text()},
                             {"tolerance", rule.tolerance},
                             {"tests", rule.tests},
                             {"reason", rule.reason}});
  }
  nlohmann::json reflexes = nlohmann::json::array();
  for (const rules::ReflexRule& rule : set.reflexes()) {
    reflexes.push_back({{"when", rule.test_code},
                        {"above", rule.above ? nlohmann::json(*rule.above) : nlohmann::json()},
                        {"below", rule.below ? nlohmann::json(*rule.below) : nlohmann::json()},
                        {"outside_reference", rule.outside_reference},
                        {"answers", rule.answers},
                        {"drop", rule.drop ? nlohmann::json(*rule.drop) : nlohmann::json()},
                        {"window_seconds", rule.window_seconds},
                        {"add", rule.add},
                        {"reason", rule.reason}});
  }
  return {{"delta_statistics", statistics},
          {"contaminations", contaminations},
          {"consistencies", consistencies},
          {"reflexes", reflexes}};
}

}  // namespace

nlohmann::json to_json(const rules::RuleSet& set, const catalog::Catalog& menu) {
  nlohmann::json disciplines = nlohmann::json::array();
  for (const rules::DisciplineRules& discipline : set.disciplines()) {
    disciplines.push_back({{"section", discipline.section},
                           {"autoverify", discipline.autoverify},
                           {"hold_abnormal_answers", discipline.hold_abnormal_answers}});
  }
  nlohmann::json analytes = nlohmann::json::array();
  for (const rules::AnalyteRules& analyte : set.analytes()) {
    const core::TestDefinition* test = menu.find_test(analyte.test_code);
    analytes.push_back(analyte_to_json(analyte, test != nullptr ? test->unit : ""));
  }
  nlohmann::json json = {{"name", set.name()},
                         {"version", set.version()},
                         {"catalog", {{"name", menu.name()}, {"version", menu.version()}}},
                         {"informational_flags", set.informational_flags()},
                         {"disciplines", disciplines},
                         {"analytes", analytes}};
  json.update(specimen_rules_to_json(set));
  return json;
}

}  // namespace aliquot::lab
