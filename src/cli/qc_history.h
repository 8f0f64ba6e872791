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
#include "lab/qc_history.h"
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

// The history and its limit live in lab/qc_history.h, shared with the JSON API.
using lab::kQcHistoryLimit;
using lab::QcHistory;

// The runs of the analyte in the period, in one read transaction. InvalidArgument for a time or
// month that cannot be read, or a period that ends before it starts.
Result<QcHistory> read_qc_history(Session& session, const QcHistoryOptions& options);

// "2026-03-01T00:00Z to 2026-04-01T00:00Z", "since ...", "until ...", or "all time".
std::string period_text(const QcHistory& history);

// The stored verdicts and a run's JSON, shared with the JSON API (lab/qc_history.h).
using lab::qc_run_json;
using lab::stored_violations;
using lab::z_of;

}  // namespace aliquot::cli
