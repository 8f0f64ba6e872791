#include "cli/rules_command.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/text.h"
#include "lab/lab_setup.h"
#include "lab/rules_json.h"
#include "report/text_table.h"
#include "rules/duration.h"
#include "rules/loader.h"

namespace aliquot::cli {
namespace {

constexpr const char* kRulesFooter = R"(Usage:
  aliquot rules check [FILE]   check a rules file (without FILE, the built-in default) and print
                               every problem as file:line:column: message
  aliquot rules list [FILE]    the analytes and their rules, the disciplines and the instrument
                               flags that do not hold; --json gives the whole rule set
  aliquot rules load FILE      a new version of the rules in force in the lab (admin), checked
                               against the lab's catalog; a running `aliquot serve` on the same
                               database puts it in force within a second, without a restart
The rules are checked against the built-in default menu, or against --catalog FILE. Every number
of an analyte is in the unit of its test in the catalog.
`rules check` exits with status 1 when the file has problems; a catalog file with problems exits
with status 2.)";

struct RulesOptions {
  std::string rules_file;    // empty: the built-in default
  std::string catalog_file;  // empty: the built-in default menu
};

std::string rules_file_name(const RulesOptions& options) {
  return options.rules_file.empty() ? std::string(rules::kDefaultRulesFileName)
                                    : options.rules_file;
}

// "3-6", ">=3", "<=6": the values that pass, as `aliquot catalog show` writes intervals.
std::string limits_text(const rules::Limits& limits) {
  if (limits.low && limits.high) {
    return core::number_text(*limits.low) + "-" + core::number_text(*limits.high);
  }
  if (limits.low) return ">=" + core::number_text(*limits.low);
  if (limits.high) return "<=" + core::number_text(*limits.high);
  return "";
}

// "> 3 fL in 7d (specimen)", "> 50% in 7d", "> 2.5 mmol/L/day in 3d".
std::string delta_text(const rules::DeltaRule& delta, const std::string& unit) {
  const std::string shown_unit = unit == "1" ? "" : unit;
  std::string text = "> " + core::number_text(delta.limit);
  switch (delta.mode) {
    case rules::DeltaMode::kAbsolute:
      if (!shown_unit.empty()) text += " " + shown_unit;
      break;
    case rules::DeltaMode::kPercent: text += "%"; break;
    case rules::DeltaMode::kRatePerDay:
      text += (shown_unit.empty() ? "" : " " + shown_unit) + "/day";
      break;
  }
  text += " in " + rules::duration_text(delta.window_seconds);
  if (delta.scope == rules::DeltaScope::kSpecimen) text += " (specimen)";
  return text;
}

// "H 20/90" (hold/suppress; "-" where none is set).
std::string index_text(std::string_view letter, const rules::IndexThresholds& thresholds) {
  if (thresholds.empty()) return "";
  const auto value = [](const std::optional<double>& v) {
    return v ? core::number_text(*v) : std::string("-");
  };
  return std::string(letter) + " " + value(thresholds.hold) + "/" + value(thresholds.suppress);
}

Result<void> run_rules_list(Session& session, const RulesOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog menu, catalog_or_default(options.catalog_file));
  rules::LoadOutcome outcome = rules_or_default(options.rules_file, menu);
  if (!outcome.rules) return file_problems(rules_file_name(options), outcome.diagnostics);
  const rules::RuleSet& set = *outcome.rules;
  if (session.json()) {
    session.set_json(lab::to_json(set, menu));
    return ok();
  }
  session.out() << set.name() << " " << set.version() << " (catalog " << menu.name() << " "
                << menu.version() << ")\n\n";
  report::TextTable analytes({"Test", "Unit", "Absurd", "Measuring", "Review", "Delta", "CV I/A %",
                              "Stability", "Indices (hold/suppress)"});
  for (const rules::AnalyteRules& analyte : set.analytes()) {
    const core::TestDefinition* test = menu.find_test(analyte.test_code);
    const std::string unit = test != nullptr ? test->unit : "";
    std::vector<std::string> deltas;
    for (const rules::DeltaRule& delta : analyte.deltas) deltas.push_back(delta_text(delta, unit));
    std::vector<std::string> indices;
    for (const auto& [letter, thresholds] :
         {std::pair{"H", &analyte.indices.hemolysis}, std::pair{"I", &analyte.indices.icterus},
          std::pair{"L", &analyte.indices.lipemia}}) {
      if (!thresholds->empty()) indices.push_back(index_text(letter, *thresholds));
    }
    analytes.add_row(
        {analyte.test_code, unit == "1" ? "" : unit, limits_text(analyte.absurd),
         limits_text(analyte.measuring_range), limits_text(analyte.review),
         core::join(deltas, "; "),
         analyte.variation ? core::number_text(analyte.variation->within_person) + "/" +
                                 core::number_text(analyte.variation->analytical)
                           : "",
         analyte.stability_seconds ? rules::duration_text(*analyte.stability_seconds) : "",
         core::join(indices, "; ")});
  }
  session.out() << analytes.render() << "\n";
  report::TextTable disciplines({"Section", "Autoverify", "Abnormal answers"});
  for (const rules::DisciplineRules& discipline : set.disciplines()) {
    disciplines.add_row({discipline.section, discipline.autoverify ? "on" : "off",
                         discipline.hold_abnormal_answers ? "held" : "released"});
  }
  session.out() << disciplines.render();
  session.out() << "\nInstrument flags that do not hold: "
                << (set.informational_flags().empty() ? "none"
                                                      : core::join(set.informational_flags()))
                << "\n";
  if (const std::optional<rules::DeltaStatistics>& statistics = set.delta_statistics()) {
    session.out() << "Statistical delta checks within "
                  << rules::duration_text(statistics->window_seconds) << ": RCV false alarm "
                  << core::number_text(statistics->false_alarm)
                  << " per result; multi-analyte (at least " << statistics->minimum_analytes
                  << " analytes) and contamination "
                  << core::number_text(statistics->specimen_false_alarm) << " per specimen\n";
  }
  for (const rules::ContaminationRule& rule : set.contaminations()) {
    std::vector<std::string> contains;
    for (const rules::FluidComponent& component : rule.contains) {
      contains.push_back(component.test_code + " " + core::number_text(component.concentration));
    }
    session.out() << "Contamination by " << rule.fluid << ": contains " << core::join(contains)
                  << "; dilutes " << core::join(rule.dilutes) << "\n";
  }
  for (const rules::ConsistencyRule& rule : set.consistencies()) {
    session.out() << "Consistency: " << rule.name << " (" << rule.value.text() << " = "
                  << rule.expected.text() << ")\n";
  }
  return ok();
}

Result<void> run_rules_check(Session& session, const RulesOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog menu, catalog_or_default(options.catalog_file));
  const rules::LoadOutcome outcome = rules_or_default(options.rules_file, menu);
  const std::string name = rules_file_name(options);
  const std::size_t analytes = outcome.rules ? outcome.rules->analytes().size() : 0;
  const std::size_t disciplines = outcome.rules ? outcome.rules->disciplines().size() : 0;
  if (session.json()) {
    const nlohmann::json diagnostics = diagnostics_json(outcome.diagnostics);
    session.set_json({{"file", name},
                      {"ok", outcome.diagnostics.empty()},
                      {"catalog", {{"name", menu.name()}, {"version", menu.version()}}},
                      {"analytes", analytes},
                      {"disciplines", disciplines},
                      {"diagnostics", diagnostics}});
  }
  if (!outcome.rules) {
    report_problems(session, name, outcome.diagnostics);
    return ok();
  }
  if (!session.json()) {
    session.out() << name << ": ok (" << analytes << (analytes == 1 ? " analyte, " : " analytes, ")
                  << disciplines << (disciplines == 1 ? " discipline)\n" : " disciplines)\n");
  }
  return ok();
}

// `rules load FILE`: a new version of the rules in force in the lab database, checked against
// the lab's catalog; from the next result on, results are judged by it.
Result<void> run_rules_load(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text, read_input_file("rules file", file));
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, session.store());
  ALIQUOT_RETURN_IF_ERROR(
      lab::load_rules_version(*lab_store, session.clock(), session.options().username, text, file));
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* lab_catalog, session.catalog());
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<rules::RuleSet> loaded,
                           lab::current_rules(*lab_store, *lab_catalog));
  if (!loaded) return internal_error("the rules just loaded are not in force");
  if (session.json()) {
    session.set_json({{"file", file},
                      {"name", loaded->name()},
                      {"version", loaded->version()},
                      {"analytes", loaded->analytes().size()},
                      {"disciplines", loaded->disciplines().size()},
                      {"reflexes", loaded->reflexes().size()}});
  } else {
    session.out() << "loaded " << loaded->name() << " " << loaded->version() << " from " << file
                  << ": " << loaded->analytes().size() << " analytes, "
                  << loaded->disciplines().size() << " disciplines, " << loaded->reflexes().size()
                  << " reflex rules; results are judged by them from now on\n";
  }
  return ok();
}

void add_options(CLI::App* command, RulesOptions& options) {
  command->add_option("FILE", options.rules_file,
                      "rules file (default: the built-in catalog/autoverification.toml)");
  command
      ->add_option("--catalog", options.catalog_file,
                   "catalog the rules are written for (default: the built-in core menu)")
      ->type_name("FILE");
}

}  // namespace

void add_rules_command(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand("rules", "the lab's autoverification rules");
  group->footer(kRulesFooter);
  group->require_subcommand(1);

  auto check_options = std::make_shared<RulesOptions>();
  CLI::App* check = group->add_subcommand(
      "check", "check a rules file against the catalog: prints every problem as file:line:col");
  add_options(check, *check_options);
  selection.bind(check, [check_options](Session& session) {
    return run_rules_check(session, *check_options);
  });

  auto list_options = std::make_shared<RulesOptions>();
  CLI::App* list = group->add_subcommand("list", "list the analytes and their rules");
  add_options(list, *list_options);
  selection.bind(
      list, [list_options](Session& session) { return run_rules_list(session, *list_options); });

  auto load_file = std::make_shared<std::string>();
  CLI::App* load = group->add_subcommand(
      "load", "load a new version of the rules into the lab (admin); checked against its catalog");
  load->add_option("FILE", *load_file, "rules TOML file")->required();
  selection.bind(load,
                 [load_file](Session& session) { return run_rules_load(session, *load_file); });
}

}  // namespace aliquot::cli
