// `aliquot qc chart`: the Levey-Jennings chart of one control level, from a CSV file of control
// values or from the lab's own QC runs, with the Westgard rules that fired marked on it, as SVG
// or PNG.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "cli/output_file.h"
#include "cli/qc_command.h"
#include "cli/qc_history.h"
#include "qc/control_rule.h"
#include "qc/westgard.h"
#include "report/levey_jennings.h"

namespace aliquot::cli {
namespace {

constexpr const char* kQcChartFooter =
    R"(FILE is a control CSV file as for `qc evaluate` (- for standard input). The chart shows the
values of the level given with --level, in run order, against their target: the mean line and
the lines at 1, 2 and 3 SD. Every run is judged by the rules (all levels of the file count, as
in `qc evaluate`), and a value is marked with the rules that fired on its run: an orange
triangle for the 1-2s warning, a red diamond for a rejection. Values of rejected runs are drawn
hollow: they are left out of the lot's statistics.
A chart shows one lot: the level's rows must all have the same mean and sd.
The format follows the output file's extension, .svg or .png; --output - writes SVG to standard
output. With --json, a summary of what was drawn: {"output", "format", "level", "points",
"marked"}.

With --instrument and --test instead of FILE, the chart shows the lab's own runs of the analyte
(`qc record`, or reported by the instrument) in the period given (--from/--to, or --month in the
lab's time zone; default all), each marked as judged when it was recorded (--rules does not
apply), with a dashed line where a corrective action was documented. A chart shows one level of
one lot: --level and --lot choose it; without --lot, the lot of the level's latest run; without
--level, one chart per level and lot, each written to OUTPUT with "-level-N-lot-L" added before
the extension. With --json: {"instrument", "test_code", "charts": [{"output", "format", "level",
"lot", "points", "marked"}]}.)";

enum class ChartFormat { kSvg, kPng };

struct ChartOptions {
  std::string file;
  QcHistoryOptions history;  // the lab's runs instead of a file
  std::string lot;
  std::string level;
  std::string output;
  std::string rules = kDefaultControlRules;
  std::string title;
  std::string unit;
  int width = 960;
  int height = 480;
};

Result<ChartFormat> format_of(const std::string& output) {
  if (output == "-" || output.ends_with(".svg")) return ChartFormat::kSvg;
  if (output.ends_with(".png")) return ChartFormat::kPng;
  return invalid_argument("--output '" + output + "' must end in .svg or .png (or be - for SVG)");
}

// The chart of `level`: its values in run order, each with the rules that fired on its run.
Result<report::LeveyJenningsChart> chart_of(const std::vector<qc::ControlRun>& runs,
                                            const std::vector<qc::RunEvaluation>& evaluations,
                                            const ChartOptions& options) {
  report::LeveyJenningsChart chart;
  chart.title = options.title.empty() ? "level " + options.level : options.title;
  chart.unit = options.unit;
  std::optional<const qc::ControlValue*> target;
  std::string target_run;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (const qc::ControlValue& control : runs[r].values) {
      if (control.level != options.level) continue;
      if (!target) {
        target = &control;
        target_run = runs[r].id;
      } else if ((*target)->mean != control.mean || (*target)->sd != control.sd) {
        return invalid_argument("level " + options.level + " has more than one target: mean " +
                                number_text((*target)->mean) + " sd " + number_text((*target)->sd) +
                                " in run " + target_run + ", mean " + number_text(control.mean) +
                                " sd " + number_text(control.sd) + " in run " + runs[r].id +
                                "; a chart shows one lot, so give the rows of one lot only");
      }
      report::ControlPoint point{.label = runs[r].id,
                                 .time = std::nullopt,
                                 .value = control.value,
                                 .status = evaluations[r].status == qc::RunStatus::kReject
                                               ? report::PointStatus::kExcluded
                                               : report::PointStatus::kIncluded,
                                 .violations = {}};
      std::set<std::string> marked;
      for (const qc::Violation& violation : evaluations[r].violations) {
        for (const qc::InvolvedValue& value : violation.values) {
          if (value.run != r || value.level != options.level) continue;
          const std::string rule(qc::rule_name(violation.rule));
          if (!marked.insert(rule).second) continue;
          point.violations.push_back(
              report::RuleViolation{.rule = rule,
                                    .severity = violation.action == qc::RuleAction::kWarn
                                                    ? report::RuleSeverity::kWarning
                                                    : report::RuleSeverity::kReject});
        }
      }
      chart.points.push_back(std::move(point));
    }
  }
  if (!target) return invalid_argument("no values of level " + options.level + " in the file");
  chart.target_mean = (*target)->mean;
  chart.target_sd = (*target)->sd;
  return chart;
}

// What was drawn and where, for the output.
struct Drawn {
  std::string output;
  ChartFormat format = ChartFormat::kSvg;
  std::size_t points = 0;
  std::size_t marked = 0;
};

nlohmann::json drawn_json(const Drawn& drawn, const std::string& level) {
  return {{"output", drawn.output},
          {"format", drawn.format == ChartFormat::kSvg ? "svg" : "png"},
          {"level", level},
          {"points", drawn.points},
          {"marked", drawn.marked}};
}

Result<Drawn> draw(const report::LeveyJenningsChart& chart, const std::string& output,
                   const ChartOptions& options) {
  Drawn drawn{
      .output = output, .format = ChartFormat::kSvg, .points = chart.points.size(), .marked = 0};
  ALIQUOT_ASSIGN_OR_RETURN(drawn.format, format_of(output));
  const report::ChartSize size{.width = options.width, .height = options.height};
  ALIQUOT_ASSIGN_OR_RETURN(const std::string bytes,
                           drawn.format == ChartFormat::kSvg
                               ? report::render_levey_jennings_svg(chart, size)
                               : report::render_levey_jennings_png(chart, size));
  for (const report::ControlPoint& point : chart.points) drawn.marked += !point.violations.empty();
  if (output == "-") {
    std::cout << bytes;
  } else {
    ALIQUOT_RETURN_IF_ERROR(write_output_file("chart", output, bytes));
  }
  return drawn;
}

Result<void> run_csv_chart(Session& session, const ChartOptions& options) {
  if (options.level.empty()) return invalid_argument("--level: give the control level to draw");
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRule> rules,
                           qc::parse_control_rules(options.rules));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRun> runs, read_control_runs(options.file));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::RunEvaluation> evaluations,
                           qc::evaluate_runs(runs, rules));
  ALIQUOT_ASSIGN_OR_RETURN(const report::LeveyJenningsChart chart,
                           chart_of(runs, evaluations, options));
  ALIQUOT_ASSIGN_OR_RETURN(const Drawn drawn, draw(chart, options.output, options));
  if (session.json()) {
    session.set_json(drawn_json(drawn, options.level));
  } else if (options.output != "-") {
    session.out() << "level " << options.level << ": " << drawn.points << " values, "
                  << drawn.marked << " marked by the rules, written to " << options.output << "\n";
  }
  return ok();
}

// One chart of the lab's runs: a level of a lot.
using LevelLot = lab::QcChartKey;

// The charts asked for: the level and lot given; the level's latest lot; or every level and lot.
Result<std::vector<LevelLot>> charts_asked(const QcHistory& history, const ChartOptions& options) {
  Result<std::vector<LevelLot>> asked = lab::qc_chart_keys(history, options.level, options.lot);
  if (!asked && asked.error().code() == ErrorCode::kNotFound) {
    return not_found(asked.error().message() + " (" + period_text(history) + ")");
  }
  return asked;
}

// OUTPUT with "-level-N-lot-L" before its extension.
std::string output_for(const std::string& output, const LevelLot& key) {
  const std::size_t dot = output.rfind('.');
  const std::string suffix = "-level-" + key.level + "-lot-" + key.lot;
  return dot == std::string::npos ? output + suffix
                                  : output.substr(0, dot) + suffix + output.substr(dot);
}

// The chart of one level and lot of the lab's runs: the values against their target, marked as
// judged, with the corrective actions documented.
Result<report::LeveyJenningsChart> lab_chart_of(const QcHistory& history, const LevelLot& key,
                                                const ChartOptions& options) {
  const lab::QcChartSeries series = lab::qc_chart_series(history, key);
  const std::string name = "level " + key.level + " lot " + key.lot + " of " + history.instrument +
                           "/" + history.test_code;
  if (const lab::QcChartPoint* other = lab::first_other_target(series)) {
    const lab::QcChartPoint& first = series.points.front();
    return invalid_argument(
        name + " has more than one target in " + period_text(history) + ": mean " +
        number_text(first.target_mean) + " sd " + number_text(first.target_sd) + ", then mean " +
        number_text(other->target_mean) + " sd " + number_text(other->target_sd) +
        "; a chart shows one target, so narrow the period with --from/--to");
  }
  report::LeveyJenningsChart chart;
  chart.title = options.title.empty() ? history.test_code + " — level " + key.level + " — lot " +
                                            key.lot + " — " + history.instrument
                                      : options.title;
  chart.unit = options.unit;
  chart.target_mean = series.points.front().target_mean;
  chart.target_sd = series.points.front().target_sd;
  // Each point has its time; a corrective action is marked after the run it was documented on.
  for (const lab::QcChartPoint& point : series.points) {
    report::ControlPoint drawn{.label = std::to_string(point.run_id),
                               .time = point.measured_at,
                               .value = point.value,
                               .status = point.status == core::QcRunStatus::kReject
                                             ? report::PointStatus::kExcluded
                                             : report::PointStatus::kIncluded,
                               .violations = {}};
    for (const lab::QcChartMark& mark : point.marks) {
      drawn.violations.push_back(report::RuleViolation{
          .rule = mark.rule,
          .severity = mark.action == qc::RuleAction::kWarn ? report::RuleSeverity::kWarning
                                                           : report::RuleSeverity::kReject});
    }
    chart.points.push_back(std::move(drawn));
    if (!point.corrective_action.empty()) {
      chart.events.push_back(report::ChartEvent{
          .label = "corrective action (run " + std::to_string(point.run_id) + ")",
          .time = std::nullopt,
          .before_point = chart.points.size()});
    }
  }
  return chart;
}

Result<void> run_lab_chart(Session& session, const ChartOptions& options) {
  if (options.rules != kDefaultControlRules) {
    return invalid_argument(
        "--rules applies to a CSV file; the lab's runs are shown as judged "
        "when they were recorded");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const QcHistory history, read_qc_history(session, options.history));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<LevelLot> asked, charts_asked(history, options));
  if (asked.size() > 1 && options.output == "-") {
    return invalid_argument("--output - writes one chart; " + std::to_string(asked.size()) +
                            " levels and lots are asked for: give a file, or --level and --lot");
  }
  ChartOptions with_unit = options;
  if (with_unit.unit.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* menu, session.catalog());
    if (const core::TestDefinition* test = menu->find_test(history.test_code)) {
      with_unit.unit = test->unit;
    }
  }
  nlohmann::json charts = nlohmann::json::array();
  for (const LevelLot& key : asked) {
    ALIQUOT_ASSIGN_OR_RETURN(const report::LeveyJenningsChart chart,
                             lab_chart_of(history, key, with_unit));
    const std::string output = asked.size() == 1 ? options.output : output_for(options.output, key);
    ALIQUOT_ASSIGN_OR_RETURN(const Drawn drawn, draw(chart, output, options));
    nlohmann::json entry = drawn_json(drawn, key.level);
    entry["lot"] = key.lot;
    charts.push_back(std::move(entry));
    if (!session.json() && output != "-") {
      session.out() << history.instrument << "/" << history.test_code << " level " << key.level
                    << " lot " << key.lot << ": " << drawn.points << " values, " << drawn.marked
                    << " marked by the rules, written to " << output << "\n";
    }
  }
  if (session.json()) {
    session.set_json(
        {{"instrument", history.instrument}, {"test_code", history.test_code}, {"charts", charts}});
  }
  return ok();
}

Result<void> run_chart(Session& session, const ChartOptions& options) {
  ALIQUOT_RETURN_IF_ERROR(format_of(options.output));
  if (options.output == "-" && session.json()) {
    return invalid_argument("--json and --output - both write to standard output; give a file");
  }
  const bool lab = !options.history.instrument.empty();
  if (lab == !options.file.empty()) {
    return invalid_argument(lab ? "give either FILE or --instrument and --test, not both"
                                : "give a control CSV FILE, or --instrument and --test to chart "
                                  "the lab's own QC runs");
  }
  return lab ? run_lab_chart(session, options) : run_csv_chart(session, options);
}

}  // namespace

void add_qc_chart_command(CLI::App& qc, CommandSelection& selection) {
  auto options = std::make_shared<ChartOptions>();
  CLI::App* command =
      qc.add_subcommand("chart", "draw the Levey-Jennings chart of a control level (SVG or PNG)");
  command->footer(kQcChartFooter);
  command->add_option("FILE", options->file, "CSV file of control values, - for standard input")
      ->type_name("");
  add_qc_history_options(command, options->history, AnalyteOptions::kOptional);
  command->add_option("--level", options->level, "the control level to draw")->type_name("LEVEL");
  command->add_option("--lot", options->lot, "the control lot to draw (lab's runs)")
      ->type_name("LOT");
  command->add_option("--output,-o", options->output, "FILE.svg or FILE.png; - for SVG on stdout")
      ->required()
      ->type_name("FILE");
  command
      ->add_option("--rules", options->rules,
                   "control rules (default: " + std::string(kDefaultControlRules) + ")")
      ->type_name("LIST");
  command->add_option("--title", options->title, "the chart's title (default: the level)")
      ->type_name("TEXT");
  command->add_option("--unit", options->unit, "the values' unit, e.g. mg/dL")->type_name("UNIT");
  command->add_option("--width", options->width, "in pixels (PNG) or SVG units; default 960")
      ->type_name("N");
  command->add_option("--height", options->height, "default 480")->type_name("N");
  selection.bind(command, [options](Session& session) { return run_chart(session, *options); });
}

}  // namespace aliquot::cli
