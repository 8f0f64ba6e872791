// `aliquot catalog check|list|show|load`: the test menu as data (ARCHITECTURE decision 7).

#include <fstream>
#include <memory>
#include <sstream>

#include "calc/catalog_links.h"
#include "calc/default_calculation_set.h"
#include "catalog/catalog.h"
#include "cli/commands.h"
#include "core/test_result.h"
#include "lab/catalog_json.h"
#include "lab/lab_setup.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

std::string interval_text(const core::ReferenceInterval& interval) {
  if (!interval.text.empty()) return interval.text;
  if (interval.low && interval.high)
    return number_text(*interval.low) + "-" + number_text(*interval.high);
  if (interval.low) return ">=" + number_text(*interval.low);
  if (interval.high) return "<=" + number_text(*interval.high);
  return "";
}

std::string applies_to(const core::ReferenceInterval& interval) {
  std::string who = interval.sex ? std::string(core::to_code(*interval.sex)) : "all";
  who += ", age " + std::to_string(interval.age_min_days) + "d";
  who += interval.age_max_days ? "-" + std::to_string(*interval.age_max_days) + "d" : "+";
  return who;
}

// "ldl-friedewald from CHOL (tc), HDL (hdl), TRIG (tg)": the calculation, and the test that gives
// each of its inputs.
std::string calculation_text(const core::CalculatedFrom& calculated) {
  std::vector<std::string> inputs;
  for (const core::CalculationInput& input : calculated.inputs) {
    inputs.push_back(input.test_code + " (" + input.input + ")");
  }
  return calculated.calculation + " from " + join(inputs, ", ");
}

nlohmann::json diagnostic_to_json(const catalog::Diagnostic& diagnostic) {
  return {{"file", diagnostic.file},
          {"line", diagnostic.line},
          {"column", diagnostic.column},
          {"message", diagnostic.message}};
}

Result<void> run_catalog_check(Session& session, const std::string& file) {
  catalog::LoadOutcome outcome = catalog::load_catalog_file(file);
  // A catalog that loads must also fit the calculations its calculated tests name.
  if (outcome.catalog) {
    for (const Error& link :
         calc::check_catalog_links(*outcome.catalog, calc::default_calculation_set(), file)) {
      outcome.diagnostics.push_back(
          catalog::Diagnostic{file, link.position()->line, 0, link.message()});
    }
    if (!outcome.diagnostics.empty()) outcome.catalog.reset();
  }
  const std::size_t tests = outcome.catalog ? outcome.catalog->tests().size() : 0;
  const std::size_t panels = outcome.catalog ? outcome.catalog->panels().size() : 0;
  if (session.json()) {
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const catalog::Diagnostic& d : outcome.diagnostics)
      diagnostics.push_back(diagnostic_to_json(d));
    session.set_json({{"file", file},
                      {"ok", outcome.diagnostics.empty()},
                      {"tests", tests},
                      {"panels", panels},
                      {"diagnostics", diagnostics}});
  }
  if (!outcome.diagnostics.empty() || !outcome.catalog) {
    if (!session.json()) {
      for (const catalog::Diagnostic& d : outcome.diagnostics)
        session.out() << d.to_string() << "\n";
    }
    const std::size_t count = outcome.diagnostics.size();
    session.report_finding(invalid_argument(file + ": " + std::to_string(count) +
                                            (count == 1 ? " problem" : " problems")));
    return ok();
  }
  if (!session.json()) {
    session.out() << file << ": ok, " << tests << " tests, " << panels << " panels\n";
  }
  return ok();
}

// The catalog is not patient data, but only the lab's users look at it.
Result<void> acting_user_exists(Session& session) {
  return session.read([](store::Transaction&, const lab::Context&) -> Result<void> { return ok(); },
                      std::nullopt);
}

Result<void> run_catalog_list(Session& session, const std::string& section) {
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* menu, session.catalog());
  ALIQUOT_RETURN_IF_ERROR(acting_user_exists(session));
  ALIQUOT_ASSIGN_OR_RETURN(const nlohmann::json listed, lab::catalog_list_json(*menu, section));
  if (session.json()) {
    session.set_json(listed);
    return ok();
  }
  std::vector<const core::TestDefinition*> tests;
  for (const core::TestDefinition& test : menu->tests()) {
    if (section.empty() || test.section == section) tests.push_back(&test);
  }
  session.out() << menu->name() << " " << menu->version() << "\n\n";
  report::TextTable table({"Code", "Name", "Section", "Specimen", "Container", "Unit", "LOINC"});
  for (const core::TestDefinition* test : tests) {
    table.add_row({test->code, test->name, test->section, test->specimen_type, test->container_type,
                   test->unit, test->loinc});
  }
  session.out() << table.render();
  // A calculated test is computed by the lab from other tests: say from which.
  bool calculated_heading = false;
  for (const core::TestDefinition* test : tests) {
    if (!test->calculated) continue;
    if (!calculated_heading) session.out() << "\nCalculated:\n";
    calculated_heading = true;
    session.out() << "  " << test->code << " = " << calculation_text(*test->calculated) << "\n";
  }
  if (section.empty() && !menu->panels().empty()) {
    report::TextTable panels({"Panel", "Name", "Tests"});
    for (const core::PanelDefinition& panel : menu->panels()) {
      panels.add_row({panel.code, panel.name, join(panel.members, " ")});
    }
    session.out() << "\n" << panels.render();
  }
  return ok();
}

Result<void> run_catalog_show(Session& session, const std::string& code) {
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* menu, session.catalog());
  ALIQUOT_RETURN_IF_ERROR(acting_user_exists(session));
  if (const core::PanelDefinition* panel = menu->find_panel(code)) {
    if (session.json()) {
      session.set_json(lab::to_json(*panel));
      return ok();
    }
    session.out() << "Panel  " << panel->code << "  " << panel->name << "\n\n";
    report::TextTable members({"Code", "Name", "Unit"});
    for (const std::string& member : panel->members) {
      const core::TestDefinition* test = menu->find_test(member);
      const core::PanelDefinition* inner = menu->find_panel(member);
      members.add_row(
          {member,
           test != nullptr ? test->name : (inner != nullptr ? inner->name + " (panel)" : ""),
           test != nullptr ? test->unit : ""});
    }
    session.out() << members.render();
    return ok();
  }
  const core::TestDefinition* test = menu->find_test(code);
  if (test == nullptr) {
    return not_found("no test or panel '" + code + "' in catalog " + menu->name() + " " +
                     menu->version());
  }
  if (session.json()) {
    session.set_json(lab::to_json(*test));
    return ok();
  }
  report::TextTable facts;
  facts.add_row({"Test", test->code + "  " + test->name});
  facts.add_row({"LOINC", test->loinc});
  facts.add_row({"Section", test->section});
  facts.add_row({"Specimen", test->specimen_type + " in " + test->container_type});
  facts.add_row({"Kind", std::string(core::to_code(test->kind))});
  if (test->calculated) facts.add_row({"Calculated", calculation_text(*test->calculated)});
  if (!test->unit.empty()) facts.add_row({"Unit", test->unit});
  if (test->kind == core::ResultKind::kNumeric)
    facts.add_row({"Decimals", std::to_string(test->decimals)});
  if (!test->answers.empty()) facts.add_row({"Answers", join(test->answers, ", ")});
  if (!test->abnormal_answers.empty())
    facts.add_row({"Abnormal", join(test->abnormal_answers, ", ")});
  if (test->critical.low || test->critical.high) {
    std::string critical;
    if (test->critical.low) critical += "<= " + number_text(*test->critical.low);
    if (test->critical.high) {
      critical +=
          (critical.empty() ? "" : " or ") + std::string(">= ") + number_text(*test->critical.high);
    }
    facts.add_row({"Critical", critical});
  }
  session.out() << facts.render();
  if (!test->reference_intervals.empty()) {
    report::TextTable intervals({"Applies to", "Reference"});
    for (const core::ReferenceInterval& interval : test->reference_intervals) {
      intervals.add_row({applies_to(interval), interval_text(interval)});
    }
    session.out() << "\n" << intervals.render();
  }
  return ok();
}

Result<void> run_catalog_load(Session& session, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return invalid_argument("cannot read catalog file '" + file + "'");
  std::ostringstream text;
  text << in.rdbuf();
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, session.store());
  ALIQUOT_RETURN_IF_ERROR(lab::load_catalog_version(*lab_store, session.clock(),
                                                    session.options().username, text.str(), file));
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog menu, lab::current_catalog(*lab_store));
  if (session.json()) {
    session.set_json({{"file", file},
                      {"name", menu.name()},
                      {"version", menu.version()},
                      {"tests", menu.tests().size()},
                      {"panels", menu.panels().size()}});
  } else {
    session.out() << "loaded " << menu.name() << " " << menu.version() << " from " << file << ": "
                  << menu.tests().size() << " tests, " << menu.panels().size()
                  << " panels; it applies to orders placed from now on\n";
  }
  return ok();
}

}  // namespace

void add_catalog_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand("catalog", "the lab's test menu");
  group->require_subcommand(1);

  auto check_file = std::make_shared<std::string>();
  CLI::App* check_command = group->add_subcommand(
      "check", "validate a catalog file: prints every problem as file:line:col: message");
  check_command->add_option("FILE", *check_file, "catalog TOML file")->required();
  selection.bind(check_command, [check_file](Session& session) {
    return run_catalog_check(session, *check_file);
  });

  auto section = std::make_shared<std::string>();
  CLI::App* list_command = group->add_subcommand("list", "list the tests and panels in force");
  list_command->add_option("--section", *section, "only this section, e.g. chemistry");
  selection.bind(list_command,
                 [section](Session& session) { return run_catalog_list(session, *section); });

  auto code = std::make_shared<std::string>();
  CLI::App* show_command =
      group->add_subcommand("show", "show a test (intervals, critical limits) or a panel");
  show_command->add_option("CODE", *code, "test or panel code")->required();
  selection.bind(show_command,
                 [code](Session& session) { return run_catalog_show(session, *code); });

  auto load_file = std::make_shared<std::string>();
  CLI::App* load_command = group->add_subcommand(
      "load", "load a new catalog version into the lab (admin); an invalid one is refused");
  load_command->add_option("FILE", *load_file, "catalog TOML file")->required();
  selection.bind(load_command,
                 [load_file](Session& session) { return run_catalog_load(session, *load_file); });
}

}  // namespace aliquot::cli
