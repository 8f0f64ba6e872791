// `aliquot qc summary`: the statistics a QC review reads, per control level, from a CSV file of
// control values or from the lab's own QC runs: n, mean, SD, CV, bias to the target, and how
// often each rule fired.

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
#include "cli/qc_history.h"
#include "qc/control_rule.h"
#include "qc/summary.h"
#include "qc/westgard.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kQcSummaryFooter =
    R"(FILE is a control CSV file as for `qc evaluate` (- for standard input). Each run is judged by
the rules; then, for each level and target (a new lot of a level has a target of its own), the
values of the runs that were not rejected give n, mean, SD (n - 1), CV and the bias of the mean
to the target mean, as a monthly QC review reads them. Values of rejected runs are left out of
the statistics and counted apart; "rules" counts the values each rule fired on, rejected runs
included.
With --json: {"rules":[...], "levels":[{"level", "target_mean", "target_sd", "n", "mean", "sd",
"cv_percent", "bias", "bias_percent", "rejected_values", "rule_counts":{rule: count}}]}; a
statistic that cannot be computed (SD of one value) is null.

With --instrument and --test instead of FILE, the summary reads the lab's own runs of the
analyte (`qc record`, or reported by the instrument) in the period given: --month YYYY-MM (the
calendar month in the lab's time zone, as the monthly QC review reads it) or --from/--to
(default all), optionally one --level or --lot. Each run counts as judged when it was recorded
(--rules does not apply); levels are summarised per lot and target. With --json:
{"instrument", "test_code", "from", "to", "runs", "rules", "levels": [... as above, with
"lot"]}.)";

struct SummaryOptions {
  std::string file;
  std::string rules = kDefaultControlRules;
  QcHistoryOptions history;  // the lab's runs instead of a file
  std::string level;
  std::string lot;
};

// One level (of one lot, for the lab's runs) with one target, and its values in run order.
struct LevelGroup {
  std::string level;
  std::string lot;
  double target_mean = 0;
  double target_sd = 0;
  std::vector<qc::SummarizedValue> included;  // from runs not rejected
  std::vector<qc::SummarizedValue> all;       // for the rule counts
};

// `lots` gives the lot of each value (lots[r][v]); empty for a CSV file, whose rows name none.
std::vector<LevelGroup> group_values(const std::vector<qc::ControlRun>& runs,
                                     const std::vector<qc::RunEvaluation>& evaluations,
                                     const std::vector<std::vector<std::string>>& lots) {
  std::vector<LevelGroup> groups;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (std::size_t v = 0; v < runs[r].values.size(); ++v) {
      const qc::ControlValue& control = runs[r].values[v];
      const std::string lot = lots.empty() ? "" : lots[r][v];
      auto group = std::find_if(groups.begin(), groups.end(), [&](const LevelGroup& g) {
        return g.level == control.level && g.lot == lot && g.target_mean == control.mean &&
               g.target_sd == control.sd;
      });
      if (group == groups.end()) {
        groups.push_back(LevelGroup{.level = control.level,
                                    .lot = lot,
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

// The table and the JSON of the levels, one row per group.
struct Summarized {
  report::TextTable table;
  nlohmann::json levels = nlohmann::json::array();
};

Result<Summarized> summarize_groups(const std::vector<LevelGroup>& groups, bool with_lots) {
  std::vector<std::string> headers = {"Level", "Target", "N",        "Mean",       "SD",
                                      "CV %",  "Bias %", "Rejected", "Rules fired"};
  if (with_lots) headers.insert(headers.begin() + 1, "Lot");
  Summarized out{.table = report::TextTable(headers), .levels = nlohmann::json::array()};
  for (const LevelGroup& group : groups) {
    ALIQUOT_ASSIGN_OR_RETURN(const qc::QcSummary statistics,
                             qc::summarize(group.included, group.target_mean));
    ALIQUOT_ASSIGN_OR_RETURN(const qc::QcSummary every_value,
                             qc::summarize(group.all, group.target_mean));
    const std::size_t rejected = group.all.size() - group.included.size();
    std::vector<std::string> counts;
    for (const auto& [rule, count] : every_value.rule_counts) {
      counts.push_back(rule + " " + std::to_string(count));
    }
    std::vector<std::string> row = {
        group.level,
        number_text(group.target_mean) + " ± " + number_text(group.target_sd),
        std::to_string(statistics.n),
        optional_text(statistics.mean, 3),
        optional_text(statistics.sd, 3),
        optional_text(statistics.cv_percent, 2),
        optional_text(statistics.bias_percent, 2),
        std::to_string(rejected),
        join(counts)};
    if (with_lots) row.insert(row.begin() + 1, group.lot);
    out.table.add_row(std::move(row));
    nlohmann::json level = {{"level", group.level},
                            {"target_mean", group.target_mean},
                            {"target_sd", group.target_sd},
                            {"n", statistics.n},
                            {"mean", optional_json(statistics.mean)},
                            {"sd", optional_json(statistics.sd)},
                            {"cv_percent", optional_json(statistics.cv_percent)},
                            {"bias", optional_json(statistics.bias)},
                            {"bias_percent", optional_json(statistics.bias_percent)},
                            {"rejected_values", rejected},
                            {"rule_counts", every_value.rule_counts}};
    if (with_lots) level["lot"] = group.lot;
    out.levels.push_back(std::move(level));
  }
  return out;
}

Result<void> run_csv_summary(Session& session, const SummaryOptions& options) {
  if (!options.level.empty() || !options.lot.empty()) {
    return invalid_argument(
        "--level and --lot choose among the lab's runs (--instrument); a CSV "
        "file is summarised whole");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRule> rules,
                           qc::parse_control_rules(options.rules));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRun> runs, read_control_runs(options.file));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::RunEvaluation> evaluations,
                           qc::evaluate_runs(runs, rules));
  ALIQUOT_ASSIGN_OR_RETURN(const Summarized summarized,
                           summarize_groups(group_values(runs, evaluations, {}), false));
  if (session.json()) {
    nlohmann::json rule_names = nlohmann::json::array();
    for (const qc::ControlRule rule : rules) rule_names.push_back(std::string(qc::rule_name(rule)));
    session.set_json({{"rules", rule_names}, {"levels", summarized.levels}});
    return ok();
  }
  session.out() << "rules: " << qc::rules_text(rules) << "; " << runs.size()
                << (runs.size() == 1 ? " run\n" : " runs\n") << summarized.table.render();
  return ok();
}

Result<void> run_lab_summary(Session& session, const SummaryOptions& options) {
  if (options.rules != kDefaultControlRules) {
    return invalid_argument(
        "--rules applies to a CSV file; the lab's runs are summarised as "
        "judged when they were recorded");
  }
  ALIQUOT_ASSIGN_OR_RETURN(QcHistory history, read_qc_history(session, options.history));
  // Only the values of the level and lot asked for.
  for (std::size_t r = 0; r < history.runs.size(); ++r) {
    std::vector<qc::ControlValue> values;
    std::vector<std::string> lots;
    for (std::size_t v = 0; v < history.runs[r].values.size(); ++v) {
      const qc::ControlValue& value = history.runs[r].values[v];
      if (!options.level.empty() && value.level != options.level) continue;
      if (!options.lot.empty() && history.lots[r][v] != options.lot) continue;
      values.push_back(value);
      lots.push_back(history.lots[r][v]);
    }
    history.runs[r].values = std::move(values);
    history.lots[r] = std::move(lots);
  }
  // The rules the runs were judged by, each once, in the order first applied.
  std::vector<std::string> rule_names;
  for (const core::QcRun& run : history.stored) {
    Result<std::vector<qc::ControlRule>> rules = qc::parse_control_rules(run.rules);
    if (!rules) continue;
    for (const qc::ControlRule rule : *rules) {
      const std::string name(qc::rule_name(rule));
      if (std::find(rule_names.begin(), rule_names.end(), name) == rule_names.end()) {
        rule_names.push_back(name);
      }
    }
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      const Summarized summarized,
      summarize_groups(group_values(history.runs, history.evaluations, history.lots), true));
  if (session.json()) {
    session.set_json(
        {{"instrument", history.instrument},
         {"test_code", history.test_code},
         {"from", history.from ? nlohmann::json(core::format_instant(*history.from)) : nullptr},
         {"to", history.to ? nlohmann::json(core::format_instant(*history.to)) : nullptr},
         {"runs", history.stored.size()},
         {"rules", rule_names},
         {"levels", summarized.levels}});
    return ok();
  }
  session.out() << history.instrument << "/" << history.test_code << ", " << period_text(history)
                << "; " << history.stored.size() << (history.stored.size() == 1 ? " run" : " runs");
  if (!rule_names.empty()) session.out() << "; rules: " << join(rule_names, "/");
  session.out() << "\n";
  if (summarized.levels.empty()) {
    session.out() << "no QC values in the period\n";
    return ok();
  }
  session.out() << summarized.table.render();
  return ok();
}

Result<void> run_summary(Session& session, const SummaryOptions& options) {
  const bool lab = !options.history.instrument.empty();
  if (lab == !options.file.empty()) {
    return invalid_argument(lab ? "give either FILE or --instrument and --test, not both"
                                : "give a control CSV FILE, or --instrument and --test to "
                                  "summarise the lab's own QC runs");
  }
  return lab ? run_lab_summary(session, options) : run_csv_summary(session, options);
}

}  // namespace

void add_qc_summary_command(CLI::App& qc, CommandSelection& selection) {
  auto options = std::make_shared<SummaryOptions>();
  CLI::App* command = qc.add_subcommand(
      "summary",
      "n, mean, SD, CV, bias and rules fired per control level (CSV file or lab's runs)");
  command->footer(kQcSummaryFooter);
  command->add_option("FILE", options->file, "CSV file of control values, - for standard input")
      ->type_name("");
  add_qc_history_options(command, options->history, AnalyteOptions::kOptional);
  command->add_option("--level", options->level, "only this control level (lab's runs)")
      ->type_name("LEVEL");
  command->add_option("--lot", options->lot, "only this control lot (lab's runs)")
      ->type_name("LOT");
  command
      ->add_option("--rules", options->rules,
                   "control rules (default: " + std::string(kDefaultControlRules) + ")")
      ->type_name("LIST");
  selection.bind(command, [options](Session& session) { return run_summary(session, *options); });
}

}  // namespace aliquot::cli
