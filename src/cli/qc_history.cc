#include "cli/qc_history.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "cli/commands.h"
#include "lab/lab_time_zone.h"
#include "lab/qc_json.h"
#include "qc/control_rule.h"
#include "report/display.h"

namespace aliquot::cli {
namespace {

// A run or level in the stored JSON: a string, or a number for those the lab numbered.
std::string name_of(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  return value.dump();
}

std::optional<qc::RuleScope> scope_from_name(std::string_view name) {
  for (const qc::RuleScope scope : {qc::RuleScope::kWithinRun, qc::RuleScope::kAcrossRuns,
                                    qc::RuleScope::kAcrossRunsAndLevels}) {
    if (qc::scope_name(scope) == name) return scope;
  }
  return std::nullopt;
}

// "2026-03": [first day of the month, first day of the next) at midnight in `zone`.
Result<std::pair<core::Instant, core::Instant>> month_bounds(const std::string& text,
                                                             const core::TimeZone& zone) {
  const Error refused = invalid_argument("--month '" + text + "' is not a month YYYY-MM");
  if (text.size() != 7 || text[4] != '-') return refused;
  int year = 0;
  unsigned month = 0;
  const char* begin = text.data();
  if (std::from_chars(begin, begin + 4, year).ptr != begin + 4 ||
      std::from_chars(begin + 5, begin + 7, month).ptr != begin + 7 || month < 1 || month > 12) {
    return refused;
  }
  const std::chrono::year_month first{std::chrono::year{year}, std::chrono::month{month}};
  const std::chrono::year_month next = first + std::chrono::months{1};
  auto midnight = [&zone](std::chrono::year_month month_start) {
    const std::chrono::local_days day{month_start / std::chrono::day{1}};
    return zone.to_instant(core::LocalTime{day});
  };
  return std::make_pair(midnight(first), midnight(next));
}

}  // namespace

void add_qc_history_options(CLI::App* command, QcHistoryOptions& options, AnalyteOptions analyte) {
  CLI::Option* instrument =
      command->add_option("--instrument", options.instrument, "instrument profile id")
          ->type_name("ID");
  CLI::Option* test =
      command->add_option("--test", options.test_code, "catalog test code")->type_name("CODE");
  if (analyte == AnalyteOptions::kRequired) {
    instrument->required();
    test->required();
  } else {
    instrument->needs(test);
    test->needs(instrument);
  }
  CLI::Option* from =
      command->add_option("--from", options.from, "runs measured from, e.g. 2026-03-01T00:00Z")
          ->type_name("TIME");
  CLI::Option* to =
      command->add_option("--to", options.to, "runs measured before")->type_name("TIME");
  CLI::Option* month =
      command->add_option("--month", options.month, "a calendar month in the lab's time zone")
          ->type_name("YYYY-MM");
  month->excludes(from);
  month->excludes(to);
  for (CLI::Option* option : {from, to, month}) option->needs(instrument);
}

Result<QcHistory> read_qc_history(Session& session, const QcHistoryOptions& options) {
  QcHistory history;
  history.instrument = options.instrument;
  history.test_code = options.test_code;
  ALIQUOT_ASSIGN_OR_RETURN(history.from, parse_optional_time("--from", options.from));
  ALIQUOT_ASSIGN_OR_RETURN(history.to, parse_optional_time("--to", options.to));
  if (history.from && history.to && *history.to <= *history.from) {
    return invalid_argument("--to " + core::format_instant(*history.to) + " is not after --from " +
                            core::format_instant(*history.from));
  }
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        if (!options.month.empty()) {
          ALIQUOT_ASSIGN_OR_RETURN(const core::TimeZone zone, lab::lab_time_zone(tx));
          ALIQUOT_ASSIGN_OR_RETURN(const auto bounds, month_bounds(options.month, zone));
          history.from = bounds.first;
          history.to = bounds.second;
        }
        // Open ends: from the epoch, to the end of the year 9999.
        const core::Instant from = history.from.value_or(core::Instant{});
        const core::Instant to = history.to.value_or(core::Instant{std::chrono::sys_days{
            std::chrono::year{9999} / std::chrono::December / std::chrono::day{31}}});
        ALIQUOT_ASSIGN_OR_RETURN(history.stored, tx.qc_runs(options.instrument, options.test_code,
                                                            from, to, kQcHistoryLimit));
        return ok();
      },
      std::nullopt));

  // The stored violations name runs by their measuring time (lab::qc_violations_json).
  std::vector<std::string> run_ids;
  for (const core::QcRun& run : history.stored) {
    run_ids.push_back(core::format_instant(run.measured_at));
  }
  for (const core::QcRun& stored : history.stored) {
    qc::ControlRun run{.id = std::to_string(stored.id), .values = {}};
    std::vector<std::string> lots;
    for (const core::QcRunValue& value : stored.values) {
      run.values.push_back(qc::ControlValue{.level = value.level,
                                            .value = value.value,
                                            .mean = value.target_mean,
                                            .sd = value.target_sd});
      lots.push_back(value.lot);
    }
    qc::RunEvaluation evaluation{.run = run.id, .status = qc::RunStatus::kAccept, .violations = {}};
    switch (stored.status) {
      case core::QcRunStatus::kAccept: evaluation.status = qc::RunStatus::kAccept; break;
      case core::QcRunStatus::kWarning: evaluation.status = qc::RunStatus::kWarning; break;
      case core::QcRunStatus::kReject: evaluation.status = qc::RunStatus::kReject; break;
    }
    ALIQUOT_ASSIGN_OR_RETURN(evaluation.violations, stored_violations(stored, run_ids));
    history.runs.push_back(std::move(run));
    history.evaluations.push_back(std::move(evaluation));
    history.lots.push_back(std::move(lots));
  }
  return history;
}

std::string period_text(const QcHistory& history) {
  if (history.from && history.to) {
    return report::display_time(*history.from) + " to " + report::display_time(*history.to);
  }
  if (history.from) return "since " + report::display_time(*history.from);
  if (history.to) return "until " + report::display_time(*history.to);
  return "all time";
}

Result<std::vector<qc::Violation>> stored_violations(const core::QcRun& run,
                                                     const std::vector<std::string>& run_ids) {
  const std::string where = "QC run " + std::to_string(run.id) + ": stored violations ";
  if (run.violations.empty()) return std::vector<qc::Violation>();
  const nlohmann::json document = nlohmann::json::parse(run.violations, nullptr, false);
  if (document.is_discarded() || !document.is_array()) {
    return data_loss(where + "are not a JSON array: " + run.violations);
  }
  std::vector<qc::Violation> violations;
  for (const nlohmann::json& entry : document) {
    if (!entry.is_object() || !entry.contains("rule") || !entry["rule"].is_string()) {
      return data_loss(where + "name no rule: " + entry.dump());
    }
    Result<qc::ControlRule> rule = qc::parse_control_rule(entry["rule"].get<std::string>());
    if (!rule) return data_loss(where + "name an unknown rule: " + rule.error().message());
    qc::Violation violation{.rule = *rule,
                            .action = qc::action_of(*rule),
                            .scope = qc::RuleScope::kWithinRun,
                            .values = {},
                            .levels = {},
                            .runs = {}};
    if (entry.contains("scope") && entry["scope"].is_string()) {
      if (const auto scope = scope_from_name(entry["scope"].get<std::string>())) {
        violation.scope = *scope;
      }
    }
    if (entry.contains("values") && entry["values"].is_array()) {
      for (const nlohmann::json& value : entry["values"]) {
        if (!value.is_object()) return data_loss(where + "hold a value that is no object");
        qc::InvolvedValue involved;
        involved.run_id =
            value.contains("run") ? name_of(value["run"]) : core::format_instant(run.measured_at);
        involved.level = value.contains("level") ? name_of(value["level"]) : "";
        if (!value.contains("value") || !value["value"].is_number() || !value.contains("z") ||
            !value["z"].is_number()) {
          return data_loss(where + "hold a value without its number and z: " + value.dump());
        }
        involved.value = value["value"].get<double>();
        involved.z = value["z"].get<double>();
        involved.run = static_cast<std::size_t>(
            std::find(run_ids.begin(), run_ids.end(), involved.run_id) - run_ids.begin());
        if (std::find(violation.levels.begin(), violation.levels.end(), involved.level) ==
            violation.levels.end()) {
          violation.levels.push_back(involved.level);
        }
        if (std::find(violation.runs.begin(), violation.runs.end(), involved.run_id) ==
            violation.runs.end()) {
          violation.runs.push_back(involved.run_id);
        }
        violation.values.push_back(std::move(involved));
      }
    }
    violations.push_back(std::move(violation));
  }
  return violations;
}

double z_of(const core::QcRunValue& value) {
  return value.target_sd > 0 ? (value.value - value.target_mean) / value.target_sd : 0;
}

nlohmann::json qc_run_json(const core::QcRun& run) {
  nlohmann::json json = lab::to_json(run);
  for (std::size_t v = 0; v < run.values.size(); ++v) json["values"][v]["z"] = z_of(run.values[v]);
  return json;
}

}  // namespace aliquot::cli
