#include "lab/qc_history.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <tuple>

#include "lab/lab_time_zone.h"
#include "lab/qc_json.h"
#include "qc/control_rule.h"

namespace aliquot::lab {
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

}  // namespace

Result<std::chrono::year_month> parse_qc_month(std::string_view text) {
  const Error refused = invalid_argument("'" + std::string(text) + "' is not a month YYYY-MM");
  if (text.size() != 7 || text[4] != '-') return refused;
  int year = 0;
  unsigned month = 0;
  const char* begin = text.data();
  if (std::from_chars(begin, begin + 4, year).ptr != begin + 4 ||
      std::from_chars(begin + 5, begin + 7, month).ptr != begin + 7 || month < 1 || month > 12) {
    return refused;
  }
  return std::chrono::year_month{std::chrono::year{year}, std::chrono::month{month}};
}

std::pair<core::Instant, core::Instant> month_bounds(std::chrono::year_month month,
                                                     const core::TimeZone& zone) {
  const std::chrono::year_month next = month + std::chrono::months{1};
  auto midnight = [&zone](std::chrono::year_month month_start) {
    const std::chrono::local_days day{month_start / std::chrono::day{1}};
    return zone.to_instant(core::LocalTime{day});
  };
  return std::make_pair(midnight(month), midnight(next));
}

Result<QcHistory> read_qc_history(store::Transaction& tx, const QcHistoryQuery& query) {
  QcHistory history;
  history.instrument = query.instrument;
  history.test_code = query.test_code;
  history.from = query.from;
  history.to = query.to;
  if (query.month) {
    ALIQUOT_ASSIGN_OR_RETURN(const core::TimeZone zone, lab_time_zone(tx));
    const auto bounds = month_bounds(*query.month, zone);
    history.from = bounds.first;
    history.to = bounds.second;
  }
  // Open ends: from the epoch, to the end of the year 9999.
  const core::Instant from = history.from.value_or(core::Instant{});
  const core::Instant to = history.to.value_or(core::Instant{std::chrono::sys_days{
      std::chrono::year{9999} / std::chrono::December / std::chrono::day{31}}});
  ALIQUOT_ASSIGN_OR_RETURN(
      history.stored, tx.qc_runs(query.instrument, query.test_code, from, to, kQcHistoryLimit));

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
  nlohmann::json json = to_json(run);
  for (std::size_t v = 0; v < run.values.size(); ++v) json["values"][v]["z"] = z_of(run.values[v]);
  return json;
}

Result<std::vector<QcChartKey>> qc_chart_keys(const QcHistory& history, std::string_view level,
                                              std::string_view lot) {
  std::vector<QcChartKey> present;  // in the order last measured
  for (std::size_t r = 0; r < history.runs.size(); ++r) {
    for (std::size_t v = 0; v < history.runs[r].values.size(); ++v) {
      const QcChartKey key{history.runs[r].values[v].level, history.lots[r][v]};
      std::erase(present, key);
      present.push_back(key);
    }
  }
  std::vector<QcChartKey> asked;
  for (const QcChartKey& key : present) {
    if (!level.empty() && key.level != level) continue;
    if (!lot.empty() && key.lot != lot) continue;
    asked.push_back(key);
  }
  if (asked.empty()) {
    std::string what = level.empty() ? "" : " of level " + std::string(level);
    if (!lot.empty()) what += " of lot " + std::string(lot);
    return not_found("no QC values" + what + " of " + history.instrument + "/" + history.test_code);
  }
  if (!level.empty() && lot.empty()) return std::vector<QcChartKey>{asked.back()};
  std::sort(asked.begin(), asked.end(), [](const QcChartKey& a, const QcChartKey& b) {
    return std::tie(a.level, a.lot) < std::tie(b.level, b.lot);
  });
  return asked;
}

QcChartSeries qc_chart_series(const QcHistory& history, const QcChartKey& key) {
  QcChartSeries series{.key = key, .points = {}};
  for (std::size_t r = 0; r < history.runs.size(); ++r) {
    const core::QcRun& stored = history.stored[r];
    for (std::size_t v = 0; v < history.runs[r].values.size(); ++v) {
      if (history.runs[r].values[v].level != key.level || history.lots[r][v] != key.lot) continue;
      const core::QcRunValue& value = stored.values[v];
      QcChartPoint point{.run = r,
                         .run_id = stored.id,
                         .measured_at = stored.measured_at,
                         .value = value.value,
                         .target_mean = value.target_mean,
                         .target_sd = value.target_sd,
                         .z = z_of(value),
                         .status = stored.status,
                         .marks = {},
                         .corrective_action = stored.corrective_action};
      // The rules that fired on the run and involved a value of this level, each once.
      std::set<std::string> marked;
      for (const qc::Violation& violation : history.evaluations[r].violations) {
        for (const qc::InvolvedValue& involved : violation.values) {
          if (involved.run != r || involved.level != key.level) continue;
          std::string rule(qc::rule_name(violation.rule));
          if (!marked.insert(rule).second) continue;
          point.marks.push_back(QcChartMark{.rule = std::move(rule), .action = violation.action});
        }
      }
      series.points.push_back(std::move(point));
    }
  }
  return series;
}

const QcChartPoint* first_other_target(const QcChartSeries& series) {
  for (const QcChartPoint& point : series.points) {
    if (point.target_mean != series.points.front().target_mean ||
        point.target_sd != series.points.front().target_sd) {
      return &point;
    }
  }
  return nullptr;
}

}  // namespace aliquot::lab
