#include "cli/qc_command.h"

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lab/qc_evaluation_json.h"
#include "qc/control_csv.h"
#include "qc/control_rule.h"
#include "qc/westgard.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kEvaluateFooter =
    R"(FILE is a CSV file (- for standard input) with a header row naming the columns run, level,
value, mean and sd (any order; other columns are ignored), then one row per control level per
run: the runs in time order, the rows of one run together. mean and sd are the target of the
level's lot. Example:
  run,level,value,mean,sd
  1,1,98.2,100,2.5
  1,2,251,250,6

Each run is judged by the rules against the runs before it, and printed with its status:
accept, warning (1-2s alone) or reject, and every rule that fired with the levels and runs of
the values involved. A rule fires on a run only with at least one of that run's values; earlier
runs count whatever their own status, so a shift that persists rejects run after run.

Rules (--rules, separated by commas or slashes; default 1-2s,1-3s,2-2s,R-4s,4-1s,10-x):
  1-2s     one value beyond 2 SD: warning only
  1-3s     one value beyond 3 SD
  2-2s     two values beyond the same 2 SD limit: two levels of the run, or one level in two
           consecutive runs
  R-4s     in one run, one value above +2 SD and another below -2 SD (never across runs)
  4-1s     four consecutive values beyond the same 1 SD limit (one level, or levels and runs)
  3-1s     three consecutive values beyond the same 1 SD limit
  2of3-2s  two of the last three values beyond the same 2 SD limit
  6-x 8-x 9-x 10-x 12-x   that many consecutive values on one side of the mean
A value exactly on a limit is within it.

With --json: {"rules":[...], "runs":[{"run", "status", "violations":[{"rule", "action",
"scope", "levels", "runs", "values":[{"run", "level", "value", "z"}]}]}]}. A run or level
that is a whole number is a JSON number, otherwise a string.
Exit status 0 when the file was judged, whatever the runs' status; 2 when the file or the
rules cannot be read.)";

struct EvaluateOptions {
  std::string rules = kDefaultControlRules;
  std::string file;
};

std::string signed_z(double z) {
  std::string text = number_text(std::round(z * 100) / 100);
  return (z >= 0 ? "+" : "") + text + " SD";
}

}  // namespace

// "2-2s across runs: level 1 in runs 4 (+2.1 SD), 5 (+2.2 SD)"; a long pattern by its levels and
// runs only.
std::string violation_text(const qc::Violation& violation) {
  std::string text = std::string(qc::rule_name(violation.rule)) + " " +
                     std::string(qc::scope_name(violation.scope)) + ": ";
  if (violation.values.size() <= 3) {
    std::vector<std::string> values;
    for (const qc::InvolvedValue& value : violation.values) {
      values.push_back("level " + value.level + " run " + value.run_id + " (" + signed_z(value.z) +
                       ")");
    }
    return text + join(values);
  }
  const std::string runs = violation.runs.size() == 1
                               ? "run " + violation.runs.front()
                               : "runs " + violation.runs.front() + " to " + violation.runs.back();
  return text + (violation.levels.size() == 1 ? "level " : "levels ") + join(violation.levels) +
         ", " + runs;
}

namespace {

Result<void> run_evaluate(Session& session, const EvaluateOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRule> rules,
                           qc::parse_control_rules(options.rules));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRun> runs, read_control_runs(options.file));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::RunEvaluation> evaluations,
                           qc::evaluate_runs(runs, rules));

  if (session.json()) {
    session.set_json(lab::qc_evaluation_json(rules, evaluations));
    return ok();
  }
  session.out() << "rules: " << qc::rules_text(rules) << "\n";
  report::TextTable table({"Run", "Status", "Rules fired"});
  int rejected = 0;
  int warned = 0;
  for (const qc::RunEvaluation& evaluation : evaluations) {
    rejected += evaluation.status == qc::RunStatus::kReject;
    warned += evaluation.status == qc::RunStatus::kWarning;
    std::vector<std::string> violations;
    for (const qc::Violation& violation : evaluation.violations) {
      violations.push_back(violation_text(violation));
    }
    table.add_row(
        {evaluation.run, std::string(qc::status_name(evaluation.status)), join(violations, "; ")});
  }
  session.out() << table.render();
  session.out() << evaluations.size() << (evaluations.size() == 1 ? " run: " : " runs: ")
                << evaluations.size() - static_cast<std::size_t>(rejected + warned) << " accepted, "
                << warned << " with a warning, " << rejected << " rejected\n";
  return ok();
}

void add_evaluate_command(CLI::App& qc, CommandSelection& selection) {
  auto options = std::make_shared<EvaluateOptions>();
  CLI::App* command =
      qc.add_subcommand("evaluate", "judge QC runs from a CSV file by the Westgard rules");
  command->footer(kEvaluateFooter);
  command->add_option("FILE", options->file, "CSV file of control values, - for standard input")
      ->required()
      ->type_name("");
  command
      ->add_option("--rules", options->rules,
                   "control rules, e.g. 1-3s,2-2s,R-4s,4-1s,10-x (default: " +
                       std::string(kDefaultControlRules) + ")")
      ->type_name("LIST");
  selection.bind(command, [options](Session& session) { return run_evaluate(session, *options); });
}

}  // namespace

Result<std::vector<qc::ControlRun>> read_control_runs(const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const InputText input, read_input_or_stdin("control file", file));
  qc::ControlCsv csv = qc::read_control_csv(input.text, input.name);
  if (!csv.runs) return file_problems(input.name, csv.diagnostics);
  return std::move(*csv.runs);
}

void add_qc_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* qc = app.add_subcommand(
      "qc",
      "quality control: materials, targets, runs and the results they gate; Westgard rules, "
      "charts, sigma metric");
  qc->require_subcommand(1);
  add_evaluate_command(*qc, selection);
  add_qc_chart_command(*qc, selection);
  add_qc_summary_command(*qc, selection);
  add_qc_sigma_command(*qc, selection);
  add_qc_lab_commands(*qc, selection);
  add_qc_run_commands(*qc, selection);
  add_qc_policy_command(*qc, selection);
}

}  // namespace aliquot::cli
