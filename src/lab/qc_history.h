#pragma once

// The lab's own QC history as its readers see it (`aliquot qc runs|chart|summary`, and the JSON
// API's /api/qc/runs and /api/qc/chart): the runs of one analyte on one instrument recorded in a
// period, turned into the Westgard engine's runs with the verdicts they were given when recorded,
// so that the chart and the summary of the lab's runs are drawn by the same code as those of a
// CSV file. The verdicts are the stored ones, never judged again: a run reads as the technologist
// saw it.
//
// And the data of a Levey-Jennings chart of the lab's runs: one level of one lot, each value with
// its z, the rules that fired on its run and the corrective action documented after it.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/qc_records.h"
#include "core/time.h"
#include "core/time_zone.h"
#include "qc/westgard.h"
#include "store/store.h"

namespace aliquot::lab {

// Which runs: the analyte on the instrument, measured in [from, to) (open ends absent), or in a
// calendar month of the lab's time zone.
struct QcHistoryQuery {
  std::string instrument;
  std::string test_code;
  std::optional<core::Instant> from;
  std::optional<core::Instant> to;
  std::optional<std::chrono::year_month> month;  // instead of from and to
};

struct QcHistory {
  std::string instrument;
  std::string test_code;
  std::optional<core::Instant> from;  // the period read: [from, to); open ends absent
  std::optional<core::Instant> to;
  std::vector<core::QcRun> stored;  // oldest first
  // One per stored run: id = the run id ("12"), the values in level order with their targets.
  std::vector<qc::ControlRun> runs;
  // The stored verdicts: an involved value's `run` is its index in `runs`, or runs.size() for a
  // value of a run outside the period.
  std::vector<qc::RunEvaluation> evaluations;
  // The lot of each value of each run (runs[r].values[v] is of lot lots[r][v]).
  std::vector<std::vector<std::string>> lots;
};

// At most this many runs are read; the newest ones when the period holds more.
inline constexpr std::int64_t kQcHistoryLimit = 5000;

// "2026-03" as a month. InvalidArgument "'2026-13' is not a month YYYY-MM" otherwise (callers
// name the parameter in front of it).
Result<std::chrono::year_month> parse_qc_month(std::string_view text);

// [first day of `month`, first day of the next) at midnight in `zone`.
std::pair<core::Instant, core::Instant> month_bounds(std::chrono::year_month month,
                                                     const core::TimeZone& zone);

// The runs of the analyte in the period, read in `tx`; a month is taken in the lab's time zone
// (lab/lab_time_zone.h). DataLoss naming the run when a run's stored violations cannot be read.
// The caller checks that `to` is after `from`.
Result<QcHistory> read_qc_history(store::Transaction& tx, const QcHistoryQuery& query);

// The violations stored with `run` (core::QcRun::violations, lab::qc_violations_json), as the
// engine reported them: runs named by their measuring time (core::format_instant). Each involved
// value's `run` is its index in `run_ids`, or run_ids.size() when it is of another run.
// DataLoss naming the run when the stored text is not what the engine writes.
Result<std::vector<qc::Violation>> stored_violations(const core::QcRun& run,
                                                     const std::vector<std::string>& run_ids);

// The z of a stored value against the target it was judged by.
double z_of(const core::QcRunValue& value);

// A stored run as JSON (lab/qc_json.h), each value with its z.
nlohmann::json qc_run_json(const core::QcRun& run);

// --- Levey-Jennings chart data ---

// One chart: a level of a lot.
struct QcChartKey {
  std::string level;
  std::string lot;
  bool operator==(const QcChartKey&) const = default;
};

// The charts asked for in `history`: the level and lot given; with only a level, that level's
// latest lot; with neither, every level and lot present, by level then lot. NotFound "no QC
// values of level 2 of lot L of INSTRUMENT/TEST" when none matches (callers add the period).
Result<std::vector<QcChartKey>> qc_chart_keys(const QcHistory& history, std::string_view level,
                                              std::string_view lot);

// A rule that fired on a value's run and involved the value, once per rule.
struct QcChartMark {
  std::string rule;         // "1-3s"
  qc::RuleAction action{};  // warn or reject
};

// One value of the chart's level and lot, in run order.
struct QcChartPoint {
  std::size_t run = 0;  // index in QcHistory::stored
  std::int64_t run_id = 0;
  core::Instant measured_at{};
  double value = 0;
  double target_mean = 0;  // the target it was judged by
  double target_sd = 0;
  double z = 0;
  core::QcRunStatus status = core::QcRunStatus::kAccept;
  std::vector<QcChartMark> marks;
  std::string corrective_action;  // documented on the run after it; "" when none
};

struct QcChartSeries {
  QcChartKey key;
  std::vector<QcChartPoint> points;  // never empty
};

// The values of `key` in `history`, each with the marks of the rules that fired on it as judged
// when recorded. The points may have been judged against different targets (a new target within
// the period): first_other_target() finds the first that differs.
QcChartSeries qc_chart_series(const QcHistory& history, const QcChartKey& key);

// The first point whose target differs from the first point's; nullptr when all share one.
const QcChartPoint* first_other_target(const QcChartSeries& series);

}  // namespace aliquot::lab
