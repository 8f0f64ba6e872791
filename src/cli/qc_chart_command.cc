// `aliquot qc chart`: the Levey-Jennings chart of one control level from a CSV file of control
// values, with the Westgard rules that fired marked on it, as SVG or PNG.

#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/qc_command.h"
#include "qc/control_rule.h"
#include "qc/westgard.h"
#include "report/levey_jennings.h"

namespace aliquot::cli {
namespace {

constexpr const char* kFooter =
    R"(FILE is a control CSV file as for `qc evaluate` (- for standard input). The chart shows the
values of the level given with --level, in run order, against their target: the mean line and
the lines at 1, 2 and 3 SD. Every run is judged by the rules (all levels of the file count, as
in `qc evaluate`), and a value is marked with the rules that fired on its run: an orange
triangle for the 1-2s warning, a red diamond for a rejection. Values of rejected runs are drawn
hollow: they are left out of the lot's statistics.
A chart shows one lot: the level's rows must all have the same mean and sd.
The format follows the output file's extension, .svg or .png; --output - writes SVG to standard
output. With --json, a summary of what was drawn: {"output", "format", "level", "points",
"marked"}.)";

enum class ChartFormat { kSvg, kPng };

struct ChartOptions {
  std::string file;
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

Result<void> write_output(const std::string& output, const std::string& bytes) {
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!out) return unavailable("cannot write the chart to '" + output + "'");
  out << bytes;
  out.close();
  if (!out) return unavailable("cannot write the chart to '" + output + "'");
  return ok();
}

Result<void> run_chart(Session& session, const ChartOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const ChartFormat format, format_of(options.output));
  if (options.output == "-" && session.json()) {
    return invalid_argument("--json and --output - both write to standard output; give a file");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRule> rules,
                           qc::parse_control_rules(options.rules));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::ControlRun> runs, read_control_runs(options.file));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<qc::RunEvaluation> evaluations,
                           qc::evaluate_runs(runs, rules));
  ALIQUOT_ASSIGN_OR_RETURN(const report::LeveyJenningsChart chart,
                           chart_of(runs, evaluations, options));
  const report::ChartSize size{.width = options.width, .height = options.height};
  ALIQUOT_ASSIGN_OR_RETURN(const std::string bytes,
                           format == ChartFormat::kSvg
                               ? report::render_levey_jennings_svg(chart, size)
                               : report::render_levey_jennings_png(chart, size));
  std::size_t marked = 0;
  for (const report::ControlPoint& point : chart.points) marked += !point.violations.empty();
  if (options.output == "-") {
    std::cout << bytes;
  } else {
    ALIQUOT_RETURN_IF_ERROR(write_output(options.output, bytes));
  }
  if (session.json()) {
    session.set_json({{"output", options.output},
                      {"format", format == ChartFormat::kSvg ? "svg" : "png"},
                      {"level", options.level},
                      {"points", chart.points.size()},
                      {"marked", marked}});
  } else if (options.output != "-") {
    session.out() << "level " << options.level << ": " << chart.points.size() << " values, "
                  << marked << " marked by the rules, written to " << options.output << "\n";
  }
  return ok();
}

}  // namespace

void add_qc_chart_command(CLI::App& qc, CommandSelection& selection) {
  auto options = std::make_shared<ChartOptions>();
  CLI::App* command =
      qc.add_subcommand("chart", "draw the Levey-Jennings chart of a control level (SVG or PNG)");
  command->footer(kFooter);
  command->add_option("FILE", options->file, "CSV file of control values, - for standard input")
      ->required()
      ->type_name("");
  command->add_option("--level", options->level, "the control level to draw")
      ->required()
      ->type_name("LEVEL");
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
