#pragma once

// The lab's own QC history as the command line reads it (`qc runs`, and `qc chart` and `qc
// summary` with --instrument): the runs of one analyte on one instrument recorded in a period,
// turned into the Westgard engine's runs with the verdicts they were given when recorded, so that
// the chart and the summary of the lab's runs are drawn by the same code as those of a CSV file.
// The verdicts are the stored ones, never judged again: a run reads as the technologist saw it.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/session.h"
#include "core/error.h"
#include "core/qc_records.h"
#include "core/time.h"
#include "qc/westgard.h"

namespace aliquot::cli {

// Which runs: --instrument and --test, and the period as --from/--to (RFC 3339 times) or --month
// (YYYY-MM, the calendar month in the lab's time zone).
struct QcHistoryOptions {
  std::string instrument;
  std::string test_code;
  std::string from;
  std::string to;
  std::string month;
};

enum class AnalyteOptions { kRequired, kOptional };

// Adds the options above to `command`; with kOptional --instrument and --test may be left out
// (the command then reads a CSV file instead).
void add_qc_history_options(CLI::App* command, QcHistoryOptions& options,
                            AnalyteOptions analyte = AnalyteOptions::kRequired);

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

// The runs of the analyte in the period, in one read transaction. InvalidArgument for a time or
// month that cannot be read, or a period that ends before it starts.
Result<QcHistory> read_qc_history(Session& session, const QcHistoryOptions& options);

// "2026-03-01T00:00Z to 2026-04-01T00:00Z", "since ...", "until ...", or "all time".
std::string period_text(const QcHistory& history);

// The violations stored with `run` (core::QcRun::violations, lab::qc_violations_json), as the
// engine reported them: runs named by their measuring time (core::format_instant). Each involved
// value's `run` is its index in `run_ids`, or run_ids.size() when it is of another run.
// DataLoss naming the run when the stored text is not what the engine writes.
Result<std::vector<qc::Violation>> stored_violations(const core::QcRun& run,
                                                     const std::vector<std::string>& run_ids);

// A stored run as JSON (lab/qc_json.h), each value with its z.
nlohmann::json qc_run_json(const core::QcRun& run);

// The z of a stored value against the target it was judged by.
double z_of(const core::QcRunValue& value);

}  // namespace aliquot::cli
