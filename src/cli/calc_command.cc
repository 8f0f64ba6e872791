#include "cli/calc_command.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calc/calculation_set.h"
#include "calc/catalog_links.h"
#include "catalog/catalog.h"
#include "lab/calculation_json.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kDescription =
    "compute a calculated test (eGFR, calculated LDL, anion gap, ...) from its inputs";

constexpr const char* kCalcFooter = R"(Usage:
  aliquot calc NAME INPUT=VALUE...   print the reported value: the number rounded to the
                                     calculation's decimals, and nothing else (no unit)
  aliquot calc list                  the calculations with their units and inputs
  aliquot calc check                 check a calculations file (give it with --calculations)
                                     and that the catalog's calculated tests fit it (the
                                     catalog given with --catalog; the built-in menu when
                                     both files are the built-in ones)
Values are numbers in the units `aliquot calc list` shows (creatinine mg/dL, age in years); sex
is F or M. In input names '-' and '_' are the same (total-protein, total_protein).
Example: aliquot calc egfr-ckd-epi-2021 creatinine=1.0 age=50 sex=F   prints 69

With --json: {"name", "value" (full precision), "reported" (as reported, with the
calculation's decimals), "unit", "inputs" (the values used, defaults included)}.

A result that must not be reported (an input outside its limits, a validity rule such as
Friedewald at triglycerides of 400 mg/dL or more, an adult-only equation for a child) prints
nothing on stdout, the reason on stderr, and exits with status 1; with --json "value" and
"reported" are null and "reason" says why. A missing, unknown or malformed input exits with
status 2.

The calculations come from catalog/calculations.toml as built into the program, or from
--calculations FILE.)";

struct CalcOptions {
  std::vector<std::string> arguments;  // NAME INPUT=VALUE...
  std::string calculations_file;
  std::string catalog_file;  // calc check: the catalog whose calculated tests must fit
};

calc::LoadOutcome load(const std::string& file) {
  if (file.empty()) {
    return calc::load_calculations(calc::default_calculations_text(),
                                   calc::kDefaultCalculationsFileName);
  }
  return calc::load_calculations_file(file);
}

// The calculations in force, or every problem of the file.
Result<calc::CalculationSet> load_set(const std::string& file) {
  calc::LoadOutcome outcome = load(file);
  if (outcome.calculations) return std::move(*outcome.calculations);
  return file_problems(file.empty() ? std::string(calc::kDefaultCalculationsFileName) : file,
                       outcome.diagnostics);
}

// "mg/dL", "F or M", "" for a dimensionless number.
std::string input_unit(const calc::InputDefinition& input) {
  if (input.kind == calc::InputKind::kChoice) return join(input.choices, " or ");
  return input.unit == "1" ? "" : input.unit;
}

nlohmann::json input_to_json(const calc::InputDefinition& input) {
  nlohmann::json out = {{"name", input.name},
                        {"title", input.title},
                        {"required", input.requirement == calc::Requirement::kRequired}};
  if (input.kind == calc::InputKind::kChoice) {
    out["choices"] = input.choices;
  } else {
    out["unit"] = input.unit;
    if (input.requirement == calc::Requirement::kOptional) out["default"] = input.default_value;
    const std::string limits = input.limits_text();
    if (!limits.empty()) out["limits"] = limits;
  }
  return out;
}

Result<void> run_calc_list(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const calc::CalculationSet set, load_set(file));
  if (session.json()) {
    nlohmann::json calculations = nlohmann::json::array();
    for (const calc::Calculation& calculation : set.calculations()) {
      nlohmann::json inputs = nlohmann::json::array();
      for (const calc::InputDefinition& input : calculation.inputs()) {
        inputs.push_back(input_to_json(input));
      }
      nlohmann::json rules = nlohmann::json::array();
      for (const calc::ValidityRule& rule : calculation.rules()) rules.push_back(rule.reason);
      calculations.push_back({{"name", calculation.name()},
                              {"title", calculation.title()},
                              {"source", calculation.source()},
                              {"unit", calculation.unit()},
                              {"decimals", calculation.decimals()},
                              {"inputs", inputs},
                              {"rules", rules}});
    }
    session.set_json(
        {{"name", set.name()}, {"version", set.version()}, {"calculations", calculations}});
    return ok();
  }
  session.out() << set.name() << " " << set.version() << "\n\n";
  report::TextTable table({"Name", "Unit", "Inputs", "Title"});
  for (const calc::Calculation& calculation : set.calculations()) {
    std::vector<std::string> inputs;
    for (const calc::InputDefinition& input : calculation.inputs()) {
      const std::string unit = input_unit(input);
      std::string text = input.name + (unit.empty() ? "" : " " + unit);
      if (input.requirement == calc::Requirement::kOptional) {
        text = "[" + text + ", default " + number_text(input.default_value) + "]";
      }
      inputs.push_back(text);
    }
    table.add_row({calculation.name(), calculation.unit(), join(inputs), calculation.title()});
  }
  session.out() << table.render();
  return ok();
}

// The problems of the links between the catalog `catalog_file` (the built-in menu when empty)
// and `calculations`: the catalog's own problems when it does not load.
std::vector<Error> link_problems(const std::string& catalog_file,
                                 const calc::CalculationSet& calculations) {
  const catalog::LoadOutcome menu =
      catalog_file.empty()
          ? catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName)
          : catalog::load_catalog_file(catalog_file);
  const std::string name =
      catalog_file.empty() ? std::string(catalog::kDefaultCatalogFileName) : catalog_file;
  if (!menu.catalog) {
    std::vector<Error> problems;
    for (const catalog::Diagnostic& d : menu.diagnostics) {
      problems.emplace_back(ErrorCode::kInvalidArgument, d.message,
                            SourcePosition{d.file, d.line, d.column});
    }
    return problems;
  }
  return calc::check_catalog_links(*menu.catalog, calculations, name);
}

Result<void> run_calc_check(Session& session, const std::string& file,
                            const std::string& catalog_file) {
  calc::LoadOutcome outcome = load(file);
  // The built-in calculations are checked against the built-in menu; a lab's own file against
  // the catalog it names.
  const bool check_links = !catalog_file.empty() || file.empty();
  if (outcome.calculations && check_links) {
    outcome.diagnostics = link_problems(catalog_file, *outcome.calculations);
    if (!outcome.diagnostics.empty()) outcome.calculations.reset();
  }
  const std::string name = file.empty() ? std::string(calc::kDefaultCalculationsFileName) : file;
  const std::size_t calculations =
      outcome.calculations ? outcome.calculations->calculations().size() : 0;
  const std::size_t tables = outcome.calculations ? outcome.calculations->tables().size() : 0;
  if (session.json()) {
    const nlohmann::json diagnostics = diagnostics_json(outcome.diagnostics);
    session.set_json({{"file", name},
                      {"ok", outcome.diagnostics.empty()},
                      {"calculations", calculations},
                      {"tables", tables},
                      {"diagnostics", diagnostics}});
  }
  if (!outcome.calculations) {
    report_problems(session, name, outcome.diagnostics);
    return ok();
  }
  if (!session.json()) {
    session.out() << name << ": ok, " << calculations << " calculations, " << tables
                  << (tables == 1 ? " table\n" : " tables\n");
  }
  return ok();
}

Result<void> run_calculation(Session& session, const CalcOptions& options) {
  const std::string& name = options.arguments.front();
  ALIQUOT_ASSIGN_OR_RETURN(const calc::CalculationSet set, load_set(options.calculations_file));
  const calc::Calculation* calculation = set.find(name);
  lab::CalculationInputs inputs;
  for (std::size_t i = 1; i < options.arguments.size() && calculation != nullptr; ++i) {
    const std::string& argument = options.arguments[i];
    const std::size_t equals = argument.find('=');
    if (equals == std::string::npos || equals == 0) {
      return invalid_argument("expected INPUT=VALUE, not '" + argument + "' (e.g. " +
                              calculation->inputs().front().name + "=...)");
    }
    inputs.emplace_back(argument.substr(0, equals), argument.substr(equals + 1));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const lab::CalculationAnswer answer, lab::calculate(set, name, inputs));
  if (session.json()) {
    session.set_json(answer.json);
  } else if (!answer.reason) {
    session.out() << answer.reported << "\n";
  }
  if (answer.reason) {
    session.report_finding(failed_precondition(answer.json.at("name").get<std::string>() +
                                               " is not reportable: " + *answer.reason));
  }
  return ok();
}

Result<void> run_calc(Session& session, const CalcOptions& options) {
  if (options.arguments.empty()) {
    return invalid_argument(
        "`aliquot calc` needs the name of a calculation; `aliquot calc list` shows them");
  }
  const std::string& first = options.arguments.front();
  if (first == "list" || first == "check") {
    if (options.arguments.size() > 1) {
      return invalid_argument("`aliquot calc " + first + "` takes no arguments, not '" +
                              options.arguments[1] + "'");
    }
    return first == "list"
               ? run_calc_list(session, options.calculations_file)
               : run_calc_check(session, options.calculations_file, options.catalog_file);
  }
  return run_calculation(session, options);
}

}  // namespace

void add_calc_command(CLI::App& app, CommandSelection& selection) {
  auto options = std::make_shared<CalcOptions>();
  CLI::App* command = app.add_subcommand("calc", kDescription);
  command->footer(kCalcFooter);
  command->add_option("ARGUMENTS", options->arguments, "NAME INPUT=VALUE..., or list, or check")
      ->type_name("");
  command
      ->add_option("--calculations", options->calculations_file,
                   "calculations file (default: the built-in catalog/calculations.toml)")
      ->type_name("FILE");
  command
      ->add_option("--catalog", options->catalog_file,
                   "calc check: the catalog whose calculated tests must fit the calculations")
      ->type_name("FILE");
  selection.bind(command, [options](Session& session) { return run_calc(session, *options); });
}

}  // namespace aliquot::cli
