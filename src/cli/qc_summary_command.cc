// `aliquot qc summary`: the statistics a QC review reads, per control level, from a CSV file of
// control values: n, mean, SD, CV, bias to the target, and how often each rule fired.

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/qc_command.h"
#include "qc/control_rule.h"
#include "qc/summary.h"
#include "qc/westgard.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kFooter =
    R"(FILE is a control CSV file as for `qc evaluate` (- for standard input). Each run is judged by
the rules; then, for each level and target (a new lot of a level has a target of its own), the
values of the runs that were not rejected give n, mean, SD (n - 1), CV and the bias of the mean
to the target mean, as a monthly QC review reads them. Values of rejected runs are left out of
the statistics and counted apart; "rules" counts the values each rule fired on, rejected runs
included.
With --json: {"rules":[...], "levels":[{"level", "target_mean", "target_sd", "n", "mean", "sd",
"cv_percent", "bias", "bias_percent", "rejected_values", "rule_counts":{rule: count}}]}; a
statistic that cannot be computed (SD of one value) is null.)";

struct SummaryOptions {
  std::string file;
  std::string rules = kDefaultControlRules;
};

// One level with one target, and its values in run order.
struct LevelGroup {
  std::string level;
  double target_mean = 0;
  double target_sd = 0;
  std::vector<qc::SummarizedValue> included;  // from runs not rejected
  std::vector<qc::SummarizedValue> all;       // for the rule counts
};

std::vector<LevelGroup> group_values(const std::vector<qc::ControlRun>& runs,
                                     const std::vector<qc::RunEvaluation>& evaluations) {
  std::vector<LevelGroup> groups;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (const qc::ControlValue& control : runs[r].values) {
      auto group = std::find_if(groups.begin(), groups.end(), [&](const LevelGroup& g) {
        return g.level == control.level && g.target_mean == control.mean &&
               g.target_sd == control.sd;
      });
      if (group == groups.end()) {
        groups.push_back(LevelGroup{.level = control.level,
                                    .target_mean = control.mean,
                                    .target_sd = control.sd,
                                    .included = {},
                                    .all = {}});
        group = std::prev(groups.end());
      }
      qc::SummarizedValue value{.value = control.value, .rules = {}};
      std::set<std::string> fired;
      for (const qc::Violation& violation : evaluations[r].violations) {
        for (const qc::InvolvedValue& involved : violation.values) {
          if (involved.run == r && involved.level == control.level) {
            fired.insert(std::string(qc::rule_name(violation.rule)));
          }
        }
      }
      value.rules.assign(fired.begin(), fired.end());
      group->all.push_back(value);
      if (evaluations[r].status != qc::RunStatus::kReject) group->included.push_back(value);
    }
  }
  return groups;
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

std::string optional_text(const std::optional<double>& value, int decimals) {
  if (!value) return "-";
  const double scale = std::pow(10.0, decimals);
  return number_text(std::round(*value * scale) / scale);
}

Result<void> run_summary(Session& session, const SummaryOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRule> rules,
                           qc::parse_control_rules(options.rules));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRun> runs, read_control_runs(options.file));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::RunEvaluation> evaluations,
                           qc::evaluate_runs(runs, rules));
  nlohmann::json levels = nlohmann::json::array();
  report::TextTable table(
      {"Level", "Target", "N", "Mean", "SD", "CV %", "Bias %", "Rejected", "Rules fired"});
  for (const LevelGroup& group : group_values(runs, evaluations)) {
    ALIQUOT_ASSIGN_OR_RETURN(const qc::QcSummary statistics,
                             qc::summarize(group.included, group.target_mean));
    ALIQUOT_ASSIGN_OR_RETURN(const qc::QcSummary every_value,
                             qc::summarize(group.all, group.target_mean));
    const std::size_t rejected = group.all.size() - group.included.size();
    std::vector<std::string> counts;
    for (const auto& [rule, count] : every_value.rule_counts) {
      counts.push_back(rule + " " + std::to_string(count));
    }
    table.add_row(
        {group.level, number_text(group.target_mean) + " ± " + number_text(group.target_sd),
         std::to_string(statistics.n), optional_text(statistics.mean, 3),
         optional_text(statistics.sd, 3), optional_text(statistics.cv_percent, 2),
         optional_text(statistics.bias_percent, 2), std::to_string(rejected), join(counts)});
    levels.push_back({{"level", group.level},
                      {"target_mean", group.target_mean},
                      {"target_sd", group.target_sd},
                      {"n", statistics.n},
                      {"mean", optional_json(statistics.mean)},
                      {"sd", optional_json(statistics.sd)},
                      {"cv_percent", optional_json(statistics.cv_percent)},
                      {"bias", optional_json(statistics.bias)},
                      {"bias_percent", optional_json(statistics.bias_percent)},
                      {"rejected_values", rejected},
                      {"rule_counts", every_value.rule_counts}});
  }
  if (session.json()) {
    nlohmann::json rule_names = nlohmann::json::array();
    for (const qc::ControlRule rule : rules) rule_names.push_back(std::string(qc::rule_name(rule)));
    session.set_json({{"rules", rule_names}, {"levels", levels}});
    return ok();
  }
  session.out() << "rules: " << qc::rules_text(rules) << "; " << runs.size()
                << (runs.size() == 1 ? " run\n" : " runs\n") << table.render();
  return ok();
}

}  // namespace

void add_qc_summary_command(CLI::App& qc, CommandSelection& selection) {
  auto options = std::make_shared<SummaryOptions>();
  CLI::App* command = qc.add_subcommand(
      "summary", "n, mean, SD, CV, bias and rules fired per control level, from a CSV file");
  command->footer(kFooter);
  command->add_option("FILE", options->file, "CSV file of control values, - for standard input")
      ->required()
      ->type_name("");
  command
      ->add_option("--rules", options->rules,
                   "control rules (default: " + std::string(kDefaultControlRules) + ")")
      ->type_name("LIST");
  selection.bind(command, [options](Session& session) { return run_summary(session, *options); });
}

}  // namespace aliquot::cli
